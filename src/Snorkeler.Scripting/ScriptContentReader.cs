using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Snorkeler.Scripting;

/// <summary>Reads a <see cref="ScriptContent"/> from a script's syntax tree (compile time only: it needs Roslyn).</summary>
internal static class ScriptContentReader
{
    public static ScriptContent Of(SyntaxTree tree, string path)
    {
        var root = (CompilationUnitSyntax)tree.GetRoot();
        // Descendants come in text order, so this is the first call in the script.
        var call = root.DescendantNodes().OfType<InvocationExpressionSyntax>().Select(LfName).FirstOrDefault(n => n is not null);
        if (call is not null) return At(tree, path, ScriptContentKind.CallsLf, call);
        // A top-level variable is a field of the one submission all scripts compile into: the scripts after it use it.
        var shares = root.GetLoadDirectives().Count > 0 || root.GetReferenceDirectives().Count > 0 || root.AttributeLists.Count > 0
            || root.Members.Any(m => m is not GlobalStatementSyntax g
                || g.Statement is LocalDeclarationStatementSyntax or LocalFunctionStatementSyntax || IsLabelsLine(g.Statement));
        if (shares) return new ScriptContent(path, ScriptContentKind.SharesCode, 1, 1);
        return root.Members.FirstOrDefault() is { } first
            ? At(tree, path, ScriptContentKind.StatementsOnly, first)
            : new ScriptContent(path, ScriptContentKind.Nothing, 1, 1);
    }

    /// <summary>The <c>Lf</c> of <c>Lf(...)</c> or <c>x.Lf(...)</c>, or null for any other call.</summary>
    private static SimpleNameSyntax? LfName(InvocationExpressionSyntax call) => call.Expression switch
    {
        IdentifierNameSyntax { Identifier.ValueText: "Lf" } name => name,
        MemberAccessExpressionSyntax { Name: { Identifier.ValueText: "Lf" } name } => name,
        _ => null,
    };

    private static bool IsLabelsLine(StatementSyntax statement)
        => statement is ExpressionStatementSyntax { Expression: InvocationExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: "Labels" } } };

    private static ScriptContent At(SyntaxTree tree, string path, ScriptContentKind kind, SyntaxNode node)
    {
        var start = tree.GetLineSpan(node.Span).StartLinePosition;
        return new ScriptContent(path, kind, start.Line + 1, start.Character + 1);
    }
}
