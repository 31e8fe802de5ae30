using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Snorkeler.Scripting;

/// <summary>
/// The open bracket a "')' expected" (CS1026), "'}' expected" (CS1513) or "Syntax error, ']' expected" (CS1003) is
/// about. Roslyn reports the close bracket it never found where its recovery stops, often lines after the bracket left
/// open (at the end of the token before the '}' or ';' that stopped it); the syntax tree still holds the open bracket,
/// as a sibling of the missing close token in the node both belong to.
/// </summary>
internal static class UnclosedBracket
{
    private static readonly Dictionary<SyntaxKind, SyntaxKind> OpenOf = new()
    {
        [SyntaxKind.CloseParenToken] = SyntaxKind.OpenParenToken,
        [SyntaxKind.CloseBracketToken] = SyntaxKind.OpenBracketToken,
        [SyntaxKind.CloseBraceToken] = SyntaxKind.OpenBraceToken,
    };

    /// <summary>Whether <paramref name="code"/> may be a close bracket never found.</summary>
    public static bool MayBe(string code) => code is "CS1026" or "CS1513" or "CS1003";

    /// <summary>The open bracket never closed that <paramref name="d"/> reports, or null when it is not about one.</summary>
    public static SyntaxToken? Of(Microsoft.CodeAnalysis.Diagnostic d)
    {
        if (d.Location.SourceTree is not { } tree) return null;
        foreach (var token in tree.GetRoot().DescendantTokens())
        {
            if (!token.IsMissing || !OpenOf.TryGetValue(token.Kind(), out var open)) continue;
            // The diagnostic is the missing token's own, though reported before it (after the token it follows).
            if (!tree.GetDiagnostics(token).Any(x => x.Id == d.Id && x.Location.SourceSpan == d.Location.SourceSpan)) continue;
            foreach (var sibling in token.Parent?.ChildTokens() ?? [])
                if (sibling.IsKind(open) && !sibling.IsMissing) return sibling;
            return null;
        }
        return null;
    }
}
