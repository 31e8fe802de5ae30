using System.Text.RegularExpressions;

namespace Snorkeler.Tests.Support;

/// <summary>
/// A labelling-function file changed in one place, and where: <see cref="Start"/>..<see cref="End"/> is the span of
/// the mutant's text that differs from the original (the longest common prefix and suffix left out), so a diagnostic
/// caused by the change lies at or before <see cref="End"/>.
/// </summary>
internal sealed record Mutant(string Kind, string Text, int Start, int End)
{
    /// <summary>The mutant of <paramref name="original"/> whose text is <paramref name="text"/>, its changed span measured.</summary>
    public static Mutant Of(string kind, string original, string text)
    {
        var prefix = 0;
        var shorter = Math.Min(original.Length, text.Length);
        while (prefix < shorter && original[prefix] == text[prefix]) prefix++;
        var suffix = 0;
        while (suffix < shorter - prefix && original[^(suffix + 1)] == text[^(suffix + 1)]) suffix++;
        return new Mutant(kind, text, prefix, text.Length - suffix);
    }

    /// <summary>The change, for a failure message: its kind, where it is and the mutant's text around it.</summary>
    public string Describe()
    {
        var from = Math.Max(0, Start - 40);
        var to = Math.Min(Text.Length, End + 40);
        return $"{Kind} at offset {Start}..{End}: «{Text[from..to]}»";
    }
}

/// <summary>
/// Mutations of a labelling-function file, from a fixed seed: characters and tokens deleted, inserted, duplicated and
/// swapped, the file cut short, non-ASCII characters, tabs, line endings and a byte-order mark put in, literals and
/// comments left open, keywords misspelt and field names changed to ones the data lacks.
/// </summary>
internal sealed partial class Mutator(string source, IReadOnlyList<string> vocabulary, IReadOnlyList<string> openers, IReadOnlyList<string> fields)
{
    /// <summary>Characters people paste or type by mistake: accents, an emoji, tabs, line breaks, invisible and control characters.</summary>
    private static readonly string[] Strange =
    [
        "é", "e\u0301", "😀", "\uD83D", "\uDE00", "\t", "\r", "\n", "\r\n", "\u00A0", "\u200B", "\u202E", "\uFEFF", "\0", "\u001B", "\u2028", "“", "”", "’", "İ", "ß", "中",
    ];

    private readonly List<(int Offset, int Length)> _tokens = Tokens(source);

    // Literals and comments are one token each; anything else is a word, a number or one symbol.
    [GeneratedRegex("""#[^\n]*|//[^\n]*|@?"(?:\\.|[^"\\\n])*"|/(?:\\.|[^/\\\n])+/[a-z]*|`[^`\n]*`|[\p{L}_][\p{L}\p{N}_]*|\d+(?:\.\d+)?|==|!=|<=|>=|=>|\S""")]
    private static partial Regex Token();

    private static List<(int, int)> Tokens(string text) => Token().Matches(text).Select(m => (m.Index, m.Length)).ToList();

    /// <summary><paramref name="count"/> mutants drawn with <paramref name="seed"/>; the same arguments give the same mutants.</summary>
    public IEnumerable<Mutant> Random(int seed, int count)
    {
        var random = new Random(seed);
        for (var n = 0; n < count; n++) yield return One(random);
    }

    /// <summary>The file cut after every <paramref name="step"/>-th character (an editor's buffer saved mid-word).</summary>
    public IEnumerable<Mutant> Truncations(int step)
    {
        for (var at = 0; at < source.Length; at += step) yield return Mutant.Of("truncate", source, source[..at]);
    }

    /// <summary>Changes that keep the file's meaning: CRLF or CR line ends, a byte-order mark, tabs for indentation, blanks at line ends.</summary>
    public IEnumerable<Mutant> MeaningKept()
    {
        var lf = source.Replace("\r\n", "\n", StringComparison.Ordinal);
        yield return Mutant.Of("crlf", source, lf.Replace("\n", "\r\n", StringComparison.Ordinal));
        yield return Mutant.Of("cr", source, lf.Replace('\n', '\r'));
        yield return Mutant.Of("bom", source, "\uFEFF" + source);
        yield return Mutant.Of("tabs", source, IndentWithTabs().Replace(lf, "\t"));
        yield return Mutant.Of("trailing blanks", source, lf.Replace("\n", " \t\n", StringComparison.Ordinal));
    }

    [GeneratedRegex("(?m)(?<=^) {4}")]
    private static partial Regex IndentWithTabs();

    private Mutant One(Random random)
    {
        var at = random.Next(source.Length + 1);
        var token = _tokens[random.Next(_tokens.Count)];
        var (offset, length) = token;
        var text = source[offset..(offset + length)];
        switch (random.Next(16))
        {
            case 0: return Edit("delete char", at, Math.Min(1, source.Length - at), "");
            case 1: return Edit("insert char", at, 0, ((char)random.Next(32, 127)).ToString());
            case 2: return at < source.Length ? Edit("duplicate char", at, 0, source[at].ToString()) : Edit("append char", at, 0, "x");
            case 3: return Edit("replace char", at, Math.Min(1, source.Length - at), ((char)random.Next(0, 0x10000)).ToString());
            case 4: return Edit("delete token", offset, length, "");
            case 5: return Edit("insert token", offset, 0, vocabulary[random.Next(vocabulary.Count)] + " ");
            case 6: return Edit("duplicate token", offset, 0, text + (random.Next(2) == 0 ? " " : ""));
            case 7: return Swap(random);
            case 8: return Mutant.Of("truncate", source, source[..at]);
            case 9: return Edit("insert non-ASCII", at, 0, Strange[random.Next(Strange.Length)]);
            case 10: return Edit("tab", at, 0, "\t");
            case 11: return Edit("line end", at, 0, random.Next(2) == 0 ? "\r\n" : "\r");
            case 12: return Edit("leave open", offset, 0, openers[random.Next(openers.Count)]);
            case 13: return Misspell(random);
            case 14 when fields.Count > 0: return MissingField(random);
            default: return Edit("replace token", offset, length, vocabulary[random.Next(vocabulary.Count)]);
        }
    }

    private Mutant Edit(string kind, int at, int remove, string insert)
        => Mutant.Of(kind, source, string.Concat(source.AsSpan(0, at), insert, source.AsSpan(at + remove)));

    private Mutant Swap(Random random)
    {
        var k = random.Next(_tokens.Count - 1);
        var (a, aLength) = _tokens[k];
        var (b, bLength) = _tokens[k + 1];
        var swapped = string.Concat(source.AsSpan(0, a), source.AsSpan(b, bLength), source.AsSpan(a + aLength, b - a - aLength), source.AsSpan(a, aLength))
                      + source[(b + bLength)..];
        return Mutant.Of("swap tokens", source, swapped);
    }

    /// <summary>A word of the file with two letters swapped, one dropped or one doubled: an unknown keyword, function or name.</summary>
    private Mutant Misspell(Random random)
    {
        var words = _tokens.Where(t => char.IsLetter(source[t.Offset]) && t.Length > 1).ToList();
        var (offset, length) = words[random.Next(words.Count)];
        var word = source.Substring(offset, length);
        var k = random.Next(length - 1);
        var misspelt = random.Next(3) switch
        {
            0 => string.Concat(word.AsSpan(0, k), word.AsSpan(k + 1, 1), word.AsSpan(k, 1), word.AsSpan(k + 2)),
            1 => word.Remove(k, 1),
            _ => word.Insert(k, word[k].ToString()),
        };
        return Edit("misspell", offset, length, misspelt);
    }

    /// <summary>A use of a field of the data renamed to a field it lacks.</summary>
    private Mutant MissingField(Random random)
    {
        var uses = _tokens.Where(t => fields.Contains(source.Substring(t.Offset, t.Length))
                                      && (t.Offset + t.Length >= source.Length || source[t.Offset + t.Length] != '(')).ToList();
        if (uses.Count == 0) return Misspell(random);
        var (offset, length) = uses[random.Next(uses.Count)];
        return Edit("missing field", offset, length, source.Substring(offset, length) + "_gone");
    }
}
