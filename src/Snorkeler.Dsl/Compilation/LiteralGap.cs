using System.Buffers;
using System.Text.RegularExpressions;

namespace Snorkeler.Dsl.Compilation;

/// <summary>
/// A regex of two literals with anything between them on one line, <c>/check.*out/i</c>, matched without the regex
/// engine: the first literal's first occurrence on a line, then the second literal in the rest of that line (of the
/// whole text, with the <c>s</c> flag). A later occurrence of the first literal on the same line leaves less of the
/// line after it, so it cannot match where the first did not; each line is searched at most twice. Which characters
/// a pattern character matches (under <c>i</c>, its case partners, such as the Kelvin sign for <c>k</c>) is asked of
/// the regex engine itself, once per character, so the answer is the engine's on every text.
/// <para>
/// Used under Native AOT only, where <see cref="RegexOptions.Compiled"/> is unavailable and the engines' search for a
/// case-insensitive literal runs a scalar loop (invariant globalization): there it took the spam rules' regex from
/// ~0.3 µs of CPU a row to ~0.05 (docs/benchmarks.md). With a JIT the compiled regex is as fast.
/// </para>
/// </summary>
internal sealed class LiteralGap
{
    /// <summary>Every UTF-16 code unit once, for asking the regex engine which of them a character matches.</summary>
    private static readonly Lazy<string> AllChars = new(() => string.Create(65536, 0, static (span, _) =>
    {
        for (var i = 0; i < span.Length; i++) span[i] = (char)i;
    }));

    private readonly SearchValues<char>[] _first;
    private readonly SearchValues<char>[] _second;
    private readonly bool _singleline;

    private LiteralGap(string first, string second, RegexOptions options)
    {
        options &= ~(RegexOptions.NonBacktracking | RegexOptions.Compiled);
        var sets = new Dictionary<char, SearchValues<char>>();
        SearchValues<char> Set(char c)
        {
            if (sets.TryGetValue(c, out var set)) return set;
            var probe = new Regex(Regex.Escape(c.ToString()), options);
            var all = AllChars.Value;
            var members = new List<char>();
            foreach (var m in probe.EnumerateMatches(all)) members.Add(all[m.Index]);
            return sets[c] = SearchValues.Create(members.ToArray());
        }
        _first = first.Select(Set).ToArray();
        _second = second.Select(Set).ToArray();
        _singleline = (options & RegexOptions.Singleline) != 0;
    }

    /// <summary>The two-literal form of <paramref name="pattern"/> with these options, or null when it is not <c>LITERAL.*LITERAL</c>.</summary>
    public static LiteralGap? Of(string pattern, RegexOptions options)
        => Split(pattern) is var (first, second) ? new LiteralGap(first, second, options) : null;

    /// <summary>Whether <paramref name="pattern"/> is <c>LITERAL.*LITERAL</c>, each literal of letters, digits, spaces and punctuation that means itself.</summary>
    public static bool Applies(string pattern) => Split(pattern) is not null;

    private static (string First, string Second)? Split(string pattern)
    {
        var gap = pattern.IndexOf(".*", StringComparison.Ordinal);
        if (gap <= 0) return null;
        var first = pattern[..gap];
        var second = pattern[(gap + 2)..];
        return IsLiteral(first) && IsLiteral(second) ? (first, second) : null;
    }

    private static bool IsLiteral(string s)
        => s.Length > 0 && s.All(c => char.IsLetterOrDigit(c) || c is ' ' or ',' or ':' or ';' or '\'' or '"' or '!' or '@' or '%' or '&' or '=' or '<' or '>' or '~' or '_' or '-');

    /// <summary>Whether the regex matches somewhere in <paramref name="text"/>.</summary>
    public bool IsMatch(ReadOnlySpan<char> text)
    {
        var from = 0;
        while (true)
        {
            var at = Find(text, from, _first);
            if (at < 0) return false;
            var after = at + _first.Length;
            var lineEnd = _singleline ? -1 : text[after..].IndexOf('\n');
            if (Find(lineEnd < 0 ? text[after..] : text.Slice(after, lineEnd), 0, _second) >= 0) return true;
            if (lineEnd < 0) return false;
            from = after + lineEnd + 1;
        }
    }

    /// <summary>Where the literal (one set of characters per position) first occurs at or after <paramref name="from"/>, or -1.</summary>
    private static int Find(ReadOnlySpan<char> text, int from, SearchValues<char>[] literal)
    {
        var lastStart = text.Length - literal.Length;
        var i = from;
        while (i <= lastStart)
        {
            var k = text[i..(lastStart + 1)].IndexOfAny(literal[0]);
            if (k < 0) return -1;
            i += k;
            var j = 1;
            while (j < literal.Length && literal[j].Contains(text[i + j])) j++;
            if (j == literal.Length) return i;
            i++;
        }
        return -1;
    }
}
