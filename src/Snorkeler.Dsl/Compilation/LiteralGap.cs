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
    private readonly SearchValues<char>[] _first;
    private readonly SearchValues<char>[] _second;
    private readonly bool _singleline;

    private LiteralGap(string first, string second, RegexOptions options)
    {
        options &= ~(RegexOptions.NonBacktracking | RegexOptions.Compiled);
        var sets = CharacterSets(first + second, options);
        _first = first.Select(c => sets[c]).ToArray();
        _second = second.Select(c => sets[c]).ToArray();
        _singleline = (options & RegexOptions.Singleline) != 0;
    }

    /// <summary>
    /// The characters each of <paramref name="chars"/> matches as a pattern on its own: each character's probe runs over
    /// every UTF-16 code unit, a block at a time. (The 65,536-character text they ran on before was a fresh 128 KB at
    /// every start; one probe for all the characters is slower still, its class is not searched with
    /// vector instructions: docs/benchmarks.md, sixth pass.)
    /// </summary>
    private static Dictionary<char, SearchValues<char>> CharacterSets(string chars, RegexOptions options)
    {
        var distinct = chars.Distinct().ToArray();
        var probes = distinct.Select(c => new Regex(Regex.Escape(c.ToString()), options)).ToArray();
        var members = distinct.Select(_ => new List<char>()).ToArray();
        Span<char> block = stackalloc char[4096];
        for (var start = 0; start < 65536; start += block.Length)
        {
            for (var i = 0; i < block.Length; i++) block[i] = (char)(start + i);
            for (var k = 0; k < probes.Length; k++)
                foreach (var m in probes[k].EnumerateMatches(block)) members[k].Add(block[m.Index]);
        }
        return distinct.Select((c, k) => (c, k)).ToDictionary(p => p.c, p => SearchValues.Create(members[p.k].ToArray()));
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
