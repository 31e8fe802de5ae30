using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using Snorkeler.Text;

namespace Snorkeler.Scripting;

/// <summary>
/// A regex a script builds from a string literal and that does not parse: the character at fault in the literal as
/// written (escapes, <c>""</c> of a verbatim string and all), found in the statement or member the exception came from.
/// Parses the one script, so it loads Roslyn, which only this error path does on a cache hit.
/// </summary>
internal static class ScriptRegexFault
{
    /// <summary>
    /// Where the fault is (1-based) and the pattern, or null when no string literal of the statement or member at
    /// <paramref name="line"/> and <paramref name="column"/> of <paramref name="text"/> is the pattern.
    /// </summary>
    public static (int Line, int Column, string Pattern)? Locate(string text, int line, int column, RegexParseException e)
    {
        var source = SourceText.From(text);
        if (line < 1 || line > source.Lines.Count) return null;
        var tree = CSharpSyntaxTree.ParseText(source, CSharpParseOptions.Default.WithKind(SourceCodeKind.Script));
        var position = Math.Min(source.Lines[line - 1].Start + Math.Max(0, column - 1), source.Lines[line - 1].End);
        var node = tree.GetRoot().FindToken(position).Parent;
        var scope = node?.AncestorsAndSelf().FirstOrDefault(n => n is StatementSyntax or MemberDeclarationSyntax);
        if (scope is null) return null;
        foreach (var literal in scope.DescendantNodes().OfType<LiteralExpressionSyntax>())
        {
            if (!literal.IsKind(SyntaxKind.StringLiteralExpression) || !RegexFaults.IsAbout(literal.Token.ValueText, e)) continue;
            var (start, _) = RegexFaults.Locate(literal.Token.ValueText, e);
            if (WrittenAt(literal.Token, start) is not { } offset) return null;
            var place = source.Lines.GetLinePosition(literal.Token.SpanStart + offset);
            return (place.Line + 1, place.Character + 1, literal.Token.ValueText);
        }
        return null;
    }

    /// <summary>Where character <paramref name="index"/> of a string literal's value is written, from the token's start; null for a form not read here.</summary>
    private static int? WrittenAt(SyntaxToken token, int index)
    {
        var written = token.Text;
        if (token.IsKind(SyntaxKind.SingleLineRawStringLiteralToken))
            return written.TakeWhile(c => c == '"').Count() + index;
        if (token.IsKind(SyntaxKind.MultiLineRawStringLiteralToken))
            return RawWrittenAt(written, token.ValueText, index);
        if (!token.IsKind(SyntaxKind.StringLiteralToken)) return null;
        var verbatim = written.StartsWith('@');
        var i = verbatim ? 2 : 1;
        for (var k = 0; k < index && i < written.Length; )
        {
            var (width, chars) = verbatim ? (written[i] == '"' ? 2 : 1, 1) : Escape(written, i);
            // A \U escape beyond U+FFFF is two characters of the value, both written at the escape.
            if (k + chars > index) return i;
            k += chars;
            i += width;
        }
        return i;
    }

    /// <summary>
    /// Where character <paramref name="index"/> of a multi-line raw string's value is written. The value is the lines
    /// between the line of the opening quotes and the line of the closing ones, each without the closing line's
    /// indentation (a line of blanks only may be shorter, and is then empty; a longer one keeps its blanks beyond the
    /// indentation), joined by their line breaks as written.
    /// Null when the value does not read so (the text is checked as it is walked).
    /// </summary>
    private static int? RawWrittenAt(string written, string value, int index)
    {
        var closing = written.LastIndexOf('\n') + 1;
        var indent = written.Length - closing - written.Reverse().TakeWhile(c => c == '"').Count();
        var at = written.IndexOf('\n') + 1;
        var k = 0;
        while (at > 0 && at < closing)
        {
            var lineEnd = written.IndexOf('\n', at);
            var content = lineEnd - (lineEnd > at && written[lineEnd - 1] == '\r' ? 1 : 0);
            var from = content - at < indent && string.IsNullOrWhiteSpace(written[at..content]) ? content : at + indent;
            for (var p = from; p <= lineEnd && k < value.Length; p++, k++)
            {
                if (value[k] != written[p]) return null;
                if (k == index) return p;
            }
            at = lineEnd + 1;
        }
        return null;
    }

    /// <summary>How many characters the character written at <paramref name="i"/> of a regular string takes, and how many it makes.</summary>
    private static (int Width, int Chars) Escape(string written, int i)
    {
        if (written[i] != '\\' || i + 1 >= written.Length) return (1, 1);
        return written[i + 1] switch
        {
            'x' => (2 + written.Skip(i + 2).Take(4).TakeWhile(Uri.IsHexDigit).Count(), 1),
            'u' => (6, 1),
            'U' => (10, int.TryParse(written.AsSpan(i + 2, Math.Min(8, written.Length - i - 2)), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var c) && c > 0xFFFF ? 2 : 1),
            _ => (2, 1),
        };
    }
}
