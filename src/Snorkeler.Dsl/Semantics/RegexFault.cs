using System.Text.RegularExpressions;
using Snorkeler.Dsl.Syntax;
using Snorkeler.Text;

namespace Snorkeler.Dsl.Semantics;

/// <summary>
/// Where in a regex literal of a rule file the regex parser's complaint lies (<see cref="RegexFaults"/>), or the construct
/// the linear-time engine cannot run, placed in the file by undoing the one rewrite the lexer makes (a '\/' of the file
/// is a '/' of the pattern).
/// </summary>
internal static class RegexFault
{
    /// <summary>The span of the file, inside <paramref name="literal"/>, of the characters the error is about.</summary>
    public static TextSpan Locate(RegexLiteral literal, RegexParseException e)
    {
        var (start, length) = RegexFaults.Locate(literal.Pattern, e);
        return InFile(literal, start, length);
    }

    /// <summary>
    /// The span of the file of the first construct of <paramref name="literal"/> that the non-backtracking engine refused,
    /// named as .NET names it (<paramref name="construct"/>: "backreference (\ number)", "atomic subexpressions (?> pattern)"),
    /// or of any construct it cannot run when that name is not known; the whole literal when none is found.
    /// </summary>
    public static TextSpan LocateUnsupported(RegexLiteral literal, string? construct)
    {
        var found = Unsupported(literal.Pattern);
        var kind = construct is null ? null : Kinds.FirstOrDefault(k => construct.Contains(k, StringComparison.OrdinalIgnoreCase));
        var (start, length, _) = found.FirstOrDefault(f => f.Kind == kind);
        if (length == 0) (start, length, _) = found.FirstOrDefault();
        return length == 0 ? literal.Span : InFile(literal, start, length);
    }

    /// <summary>The words that tell the constructs apart in .NET's names of them (a conditional may name a backreference too).</summary>
    private static readonly string[] Kinds = ["conditional", "backreference", "look", "atomic", "contiguous", "balancing"];

    /// <summary>
    /// The constructs of <paramref name="pattern"/> the non-backtracking engine refuses, in pattern order: backreferences
    /// (<c>\1</c>, <c>\k&lt;name&gt;</c>), lookarounds, atomic groups, conditionals, balancing groups and <c>\G</c>.
    /// Escapes, sets and comments are skipped as the .NET parser reads them.
    /// </summary>
    private static List<(int Start, int Length, string Kind)> Unsupported(string pattern)
    {
        var found = new List<(int, int, string)>();
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                var next = pattern[i + 1];
                if (next is >= '1' and <= '9')
                {
                    var end = i + 2;
                    while (end < pattern.Length && char.IsAsciiDigit(pattern[end])) end++;
                    found.Add((i, end - i, "backreference"));
                }
                else if (next == 'k' && i + 2 < pattern.Length && pattern[i + 2] is '<' or '\'')
                    found.Add((i, Closed(pattern, i + 3, pattern[i + 2] == '<' ? '>' : '\'') - i, "backreference"));
                else if (next == 'G') found.Add((i, 2, "contiguous"));
                i++;
            }
            else if (c == '[') i = RegexFaults.SetEnd(pattern, i);
            else if (c == '(' && i + 2 < pattern.Length && pattern[i + 1] == '?')
            {
                var rest = pattern.AsSpan(i + 2);
                if (rest[0] == '#') i = Math.Max(i, Closed(pattern, i + 3, ')') - 1);
                else if (rest[0] is '=' or '!') found.Add((i, 3, "look"));
                else if (rest.StartsWith("<=") || rest.StartsWith("<!")) found.Add((i, 4, "look"));
                else if (rest[0] == '>') found.Add((i, 3, "atomic"));
                else if (rest[0] == '(') found.Add((i, 3, "conditional"));
                else if (rest[0] is '<' or '\'')
                {
                    var close = Closed(pattern, i + 3, rest[0] == '<' ? '>' : '\'');
                    if (pattern.AsSpan(i + 3, close - i - 3).Contains('-')) found.Add((i, close - i, "balancing"));
                }
            }
        }
        return found;
    }

    /// <summary>Just past the first <paramref name="close"/> at or after <paramref name="from"/> (the end of the pattern when there is none).</summary>
    private static int Closed(string pattern, int from, char close)
    {
        var at = from < pattern.Length ? pattern.IndexOf(close, from) : -1;
        return at < 0 ? pattern.Length : at + 1;
    }

    /// <summary>The span of the file of characters <paramref name="start"/>.. of the pattern of <paramref name="literal"/>.</summary>
    private static TextSpan InFile(RegexLiteral literal, int start, int length)
    {
        // A regex literal lies on one line (the lexer stops at a line break); its pattern starts after the '/'.
        var from = FileIndex(literal.Pattern, start);
        var to = FileIndex(literal.Pattern, start + length);
        return new TextSpan(literal.Span.Offset + 1 + from, literal.Span.Line, literal.Span.Column + 1 + from, Math.Max(1, to - from));
    }

    /// <summary>The 0-based index in the literal's text (after its '/') of character <paramref name="index"/> of the pattern.</summary>
    private static int FileIndex(string pattern, int index)
    {
        // Every '/' in a pattern was written '\/': an unescaped one ends the literal.
        var slashes = 0;
        for (var i = 0; i < index && i < pattern.Length; i++)
            if (pattern[i] == '/') slashes++;
        return index + slashes;
    }
}
