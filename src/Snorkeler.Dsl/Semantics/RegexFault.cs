using System.Text.RegularExpressions;
using Snorkeler.Dsl.Syntax;
using Snorkeler.Text;

namespace Snorkeler.Dsl.Semantics;

/// <summary>
/// Where in a regex literal of a rule file the regex parser's complaint lies (<see cref="RegexFaults"/>), placed in the
/// file by undoing the one rewrite the lexer makes (a '\/' of the file is a '/' of the pattern).
/// </summary>
internal static class RegexFault
{
    /// <summary>The span of the file, inside <paramref name="literal"/>, of the characters the error is about.</summary>
    public static TextSpan Locate(RegexLiteral literal, RegexParseException e)
    {
        var (start, length) = RegexFaults.Locate(literal.Pattern, e);
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
