using System.Text;
using System.Text.RegularExpressions;

namespace Snorkeler.Cli.Tests.Support;

/// <summary>
/// A data file changed in one place: <see cref="Start"/>..<see cref="End"/> are the bytes of <see cref="Bytes"/> that
/// differ from the original (the common prefix and suffix left out), so an error the change causes names a line from
/// <see cref="FirstLine"/> on.
/// </summary>
internal sealed record DataMutant(string Kind, byte[] Bytes, int Start, int End)
{
    /// <summary>The kind of the "mutant" that is the file unchanged.</summary>
    public const string Sound = "sound";

    public static DataMutant Of(string kind, byte[] original, byte[] bytes)
    {
        var shorter = Math.Min(original.Length, bytes.Length);
        var prefix = original.AsSpan(0, shorter).CommonPrefixLength(bytes.AsSpan(0, shorter));
        var suffix = 0;
        while (suffix < shorter - prefix && original[^(suffix + 1)] == bytes[^(suffix + 1)]) suffix++;
        return new DataMutant(kind, bytes, prefix, bytes.Length - suffix);
    }

    /// <summary>The line the change starts on, lines ending at LF, CRLF or a lone CR.</summary>
    public int FirstLine => LineAt(Start);

    /// <summary>The line the change ends on.</summary>
    public int LastLine => LineAt(Math.Max(Start, End - 1));

    /// <summary>How many lines the mutant has (a last line without a line break counts).</summary>
    public int Lines => LineAt(Bytes.Length);

    private int LineAt(int offset)
    {
        var line = 1;
        for (var i = 0; i < Math.Min(offset, Bytes.Length); i++)
            if (Bytes[i] == '\n' || (Bytes[i] == '\r' && (i + 1 == Bytes.Length || Bytes[i + 1] != '\n'))) line++;
        return line;
    }

    /// <summary>The change, for a failure message: its kind, its lines and the bytes around it (Latin-1, line breaks shown).</summary>
    public string Describe()
    {
        var from = Math.Max(0, Start - 30);
        var to = Math.Min(Bytes.Length, Math.Min(End, Start + 60) + 30);
        var around = Encoding.Latin1.GetString(Bytes, from, to - from).Replace("\r", "␍", StringComparison.Ordinal).Replace("\n", "⏎", StringComparison.Ordinal);
        return $"{Kind} at line {FirstLine}..{LastLine}: «{around}»";
    }
}

/// <summary>
/// Mutations of a data file, from a fixed seed, in the ways files go wrong between a person, a spreadsheet, a script
/// and a disk: bytes and lines deleted, duplicated and inserted, the file cut short, quotes left open, a field too many
/// or too few, bytes that are not UTF-8, a byte-order mark, CRLF or CR line ends, NUL, a huge field, an empty file or
/// a header alone, numbers where labels belong and words where numbers do, a header naming a column twice, and the
/// numbers NaN, Infinity, -0, negative and out of range.
/// </summary>
internal sealed partial class DataMutator(byte[] source)
{
    /// <summary>The file the mutants are made from.</summary>
    public byte[] Source => source;

    private static readonly string[] Numbers = ["NaN", "Infinity", "-Infinity", "-0", "-1", "-2", "-7", "99", "32768", "2147483648", "1e999", "0.5", "1.0", "", "null", "true"];
    private static readonly string[] Words = ["abc", "SPAM", "HAM", "cat", "\"\"", "null", "-", "x y"];
    private static readonly byte[][] Strange =
    [
        [0xFF], [0xC3], [0xC3, 0x28], [0x80], [0xED, 0xA0, 0x80], [0], [0xEF, 0xBB, 0xBF], [(byte)'"'], [(byte)','], [(byte)'\t'], [(byte)';'],
        [(byte)'\r'], [(byte)'\n'], [(byte)'\r', (byte)'\n'], [(byte)'{'], [(byte)'}'], [(byte)'['], [(byte)']'], [(byte)'\\'], [(byte)':'],
    ];

    private readonly string _text = Encoding.Latin1.GetString(source);
    private readonly List<(int Start, int Length)> _lines = LinesOf(Encoding.Latin1.GetString(source));

    [GeneratedRegex(@"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")]
    private static partial Regex Number();

    [GeneratedRegex(@"[A-Za-z_][A-Za-z_0-9-]*")]
    private static partial Regex Word();

    private static List<(int, int)> LinesOf(string text)
    {
        var lines = new List<(int, int)>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
            if (text[i] == '\n') { lines.Add((start, i + 1 - start)); start = i + 1; }
        if (start < text.Length) lines.Add((start, text.Length - start));
        return lines;
    }

    /// <summary><paramref name="count"/> mutants drawn with <paramref name="seed"/>; the same arguments give the same mutants.</summary>
    public IEnumerable<DataMutant> Random(int seed, int count)
    {
        var random = new Random(seed);
        for (var n = 0; n < count; n++) yield return One(random);
    }

    /// <summary>The file cut after every <paramref name="step"/>-th byte.</summary>
    public IEnumerable<DataMutant> Truncations(int step)
    {
        for (var at = 0; at < source.Length; at += step) yield return DataMutant.Of("truncate", source, source[..at]);
    }

    private DataMutant One(Random random)
    {
        var at = random.Next(source.Length + 1);
        var (lineStart, lineLength) = _lines[random.Next(_lines.Count)];
        switch (random.Next(20))
        {
            case 0: return Edit("delete byte", at, Math.Min(1, source.Length - at), []);
            case 1: return Edit("insert byte", at, 0, [(byte)random.Next(32, 127)]);
            case 2: return at < source.Length ? Edit("duplicate byte", at, 0, [source[at]]) : Edit("append byte", at, 0, "x"u8.ToArray());
            case 3: return Edit("insert strange", at, 0, Strange[random.Next(Strange.Length)]);
            case 4: return Edit("delete line", lineStart, lineLength, []);
            case 5: return Edit("duplicate line", lineStart, 0, source.AsSpan(lineStart, lineLength).ToArray());
            case 6:
                var (otherStart, otherLength) = _lines[random.Next(_lines.Count)];
                return Edit("insert line", lineStart, 0, random.Next(4) == 0 ? "\n"u8.ToArray() : source.AsSpan(otherStart, otherLength).ToArray());
            case 7: return DataMutant.Of("truncate", source, source[..at]);
            case 8: return Edit("unbalanced quote", at, 0, "\""u8.ToArray());
            case 9: return Edit("field added", lineStart + lineLength - (source[lineStart + lineLength - 1] == '\n' ? 1 : 0), 0, ",x"u8.ToArray());
            case 10: return DeleteFirst("field removed", lineStart, lineLength, (byte)',');
            case 11: return Whole(random);
            case 12: return Edit("huge field", at, 0, Encoding.ASCII.GetBytes(new string('x', 100_000)));
            case 13 or 14: return Replace(random, Number(), "number replaced", random.Next(3) == 0 ? Words : Numbers);
            case 15: return Replace(random, Word(), "word replaced", Numbers);
            case 16: return DuplicateColumnName();
            case 17: return Edit("NUL", at, 0, [0]);
            case 18: return Edit("non-UTF-8", at, 0, [0xFF, 0xFE]);
            default: return Edit("line end", at, 0, random.Next(2) == 0 ? "\r"u8.ToArray() : "\n"u8.ToArray());
        }
    }

    /// <summary>Changes to the whole file: empty, the header alone, a byte-order mark, CRLF or CR line ends.</summary>
    private DataMutant Whole(Random random)
    {
        var lf = _text.Replace("\r\n", "\n", StringComparison.Ordinal);
        return random.Next(5) switch
        {
            0 => DataMutant.Of("empty", source, []),
            1 => DataMutant.Of("header only", source, source[..(_lines[0].Start + _lines[0].Length)]),
            2 => DataMutant.Of("bom", source, [0xEF, 0xBB, 0xBF, .. source]),
            3 => DataMutant.Of("crlf", source, Encoding.Latin1.GetBytes(lf.Replace("\n", "\r\n", StringComparison.Ordinal))),
            _ => DataMutant.Of("cr", source, Encoding.Latin1.GetBytes(lf.Replace('\n', '\r'))),
        };
    }

    private DataMutant Edit(string kind, int at, int remove, byte[] insert)
        => DataMutant.Of(kind, source, [.. source.AsSpan(0, at), .. insert, .. source.AsSpan(at + remove)]);

    private DataMutant DeleteFirst(string kind, int lineStart, int lineLength, byte b)
    {
        var k = source.AsSpan(lineStart, lineLength).IndexOf(b);
        return k < 0 ? Edit(kind, lineStart, 0, [b]) : Edit(kind, lineStart + k, 1, []);
    }

    private DataMutant Replace(Random random, Regex pattern, string kind, string[] by)
    {
        var matches = pattern.Matches(_text);
        if (matches.Count == 0) return Edit(kind, 0, 0, Encoding.UTF8.GetBytes(by[0]));
        var m = matches[random.Next(matches.Count)];
        return Edit(kind, m.Index, m.Length, Encoding.UTF8.GetBytes(by[random.Next(by.Length)]));
    }

    /// <summary>The header's second name replaced by its first (a column named twice), when the first line has two.</summary>
    private DataMutant DuplicateColumnName()
    {
        var header = _text[.._lines[0].Length].TrimEnd('\n', '\r');
        var names = header.Split(header.Contains('\t', StringComparison.Ordinal) ? '\t' : ',');
        if (names.Length < 2) return Edit("duplicate column", 0, 0, "x"u8.ToArray());
        var second = names[0].Length + 1;
        return Edit("duplicate column", second, names[1].Length, Encoding.Latin1.GetBytes(names[0]));
    }
}
