using System.Globalization;
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
        // A text cut down to nothing (a mutant mutated again) has no token: put one in.
        if (_tokens.Count < 2) return Edit("insert token", at, 0, vocabulary[random.Next(vocabulary.Count)]);
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
        if (words.Count == 0) return Edit("insert token", 0, 0, vocabulary[random.Next(vocabulary.Count)]);
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
        var name = source.Substring(offset, length);
        // A field named in a string ("text" of a script's row.Text("text")) is renamed inside its quotes.
        return Edit("missing field", offset, length, name.EndsWith('"') ? name[..^1] + "_gone\"" : name + "_gone");
    }
}

/// <summary>
/// What is wrong with the errors of loading a mutant: one out of shape (not <c>path(line,col): error SNKnnnn: message</c>
/// on one line), outside the file, with a message that shows .NET's insides, or the first one after the change and
/// leading the reader nowhere near it.
/// </summary>
internal static partial class Placement
{
    /// <param name="path">The path the mutant was loaded under.</param>
    /// <param name="mutant">The mutant.</param>
    /// <param name="errors">The errors of loading it.</param>
    /// <param name="elsewhere">Errors rightly after the change: about a name defined elsewhere or nowhere.</param>
    /// <param name="dotNetWords">Whether a message may not name .NET types ("System.", "Exception"): true for rules, false for
    /// scripts, whose compiler messages name the script's own .NET types.</param>
    public static IEnumerable<string> Problems(string path, Mutant mutant, IReadOnlyList<Diagnostic> errors, Func<Diagnostic, bool> elsewhere, bool dotNetWords)
    {
        var lines = LineStarts(mutant.Text);
        // Scripts report the C# compiler's errors under its codes (CS1002), as docs/scripts.md shows.
        var shape = new Regex($@"^{Regex.Escape(path)}\((\d+),(\d+)\): error {(dotNetWords ? "SNK" : "(?:SNK|CS)")}\d{{4}}: \S[^\n\r]*$");
        int? first = null;
        foreach (var d in errors)
        {
            var formatted = d.ToString();
            if (!shape.IsMatch(formatted)) { yield return $"out of shape «{formatted}»"; continue; }
            if (Leaks(d.Message, dotNetWords)) yield return $"shows .NET «{formatted}»";
            var at = d.Location!;
            if (at.Line > lines.Count) { yield return $"line {at.Line} past the last ({lines.Count}) «{formatted}»"; continue; }
            var lineEnd = at.Line < lines.Count ? lines[at.Line] : mutant.Text.Length + 1;
            var offset = lines[at.Line - 1] + at.Column - 1;
            // A column may point at the line break (or the end of the file): where something is missing.
            if (at.Column < 1 || offset >= lineEnd) { yield return $"column {at.Column} outside line {at.Line} «{formatted}»"; continue; }
            first = Math.Min(first ?? int.MaxValue, offset);
        }
        if (first is { } f && !AtTheChange(mutant, lines, f) && !errors.Any(d => elsewhere(d) || LeadsToTheChange(d, mutant, lines)))
            yield return $"first error at offset {f}, after the change «{errors[0]}»";
    }

    /// <summary>
    /// Whether an error at <paramref name="offset"/> is at the change: before its end, at the token right after it on its
    /// line (what follows a deleted token), or on the line it ends on (a bracket it leaves open, something missing at the line's end).
    /// </summary>
    private static bool AtTheChange(Mutant mutant, List<int> lines, int offset)
    {
        var next = mutant.End;
        while (next < mutant.Text.Length && mutant.Text[next] is ' ' or '\t') next++;
        return offset <= next || LineOf(lines, offset) == LineOf(lines, mutant.End);
    }

    /// <summary>Whether a message sends the reader to the change: it names a line at or before it, or a word written in it (a misspelt declaration, reported at its uses).</summary>
    private static bool LeadsToTheChange(Diagnostic d, Mutant mutant, List<int> lines)
    {
        if (LineMention().Matches(d.Message).Any(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) <= LineOf(lines, mutant.End)))
            return true;
        var from = mutant.Start;
        while (from > 0 && (char.IsLetterOrDigit(mutant.Text[from - 1]) || mutant.Text[from - 1] == '_')) from--;
        var to = mutant.End;
        while (to < mutant.Text.Length && (char.IsLetterOrDigit(mutant.Text[to]) || mutant.Text[to] == '_')) to++;
        return Regex.Matches(mutant.Text[from..to], @"\w+").Any(w => Regex.IsMatch(d.Message, $@"\b{Regex.Escape(w.Value)}\b"));
    }

    // "at line 9", "x.rules(9,19)"
    [GeneratedRegex(@"(?:\bline |\.\w+\()(\d+)\b")]
    private static partial Regex LineMention();

    /// <summary>Where each line starts, lines ending at LF, CRLF or a lone CR (as the loaders read them).</summary>
    private static List<int> LineStarts(string text)
    {
        var starts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++)
            if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.Length || text[i + 1] != '\n'))) starts.Add(i + 1);
        return starts;
    }

    private static int LineOf(List<int> lines, int offset)
    {
        var k = lines.BinarySearch(offset);
        return k >= 0 ? k + 1 : ~k;
    }

    /// <summary>A stack frame, a parameter dump, a parser library's name, the class Roslyn wraps a script in; with <paramref name="dotNetWords"/>, a .NET type or exception too.</summary>
    private static bool Leaks(string message, bool dotNetWords)
        => message.Contains(" at Snorkeler", StringComparison.Ordinal) || message.Contains("   at ", StringComparison.Ordinal)
           || message.Contains("Sprache", StringComparison.Ordinal) || message.Contains("Parameter '", StringComparison.Ordinal)
           || message.Contains("Submission#", StringComparison.Ordinal)
           || (dotNetWords && (message.Contains("System.", StringComparison.Ordinal) || message.Contains("Exception", StringComparison.Ordinal)
                               || message.Contains("offset", StringComparison.OrdinalIgnoreCase)));
}
