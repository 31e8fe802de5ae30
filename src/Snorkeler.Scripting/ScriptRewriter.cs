using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Snorkeler.Scripting;

/// <summary>
/// Where the rewritten text of a script has extra characters: <see cref="Added"/> of them at <see cref="Column"/>
/// (1-based, of the text as written) on <see cref="Line"/>. Maps a column of the compiled code (its PDB) back to the script's.
/// </summary>
internal sealed record ColumnShift(string Path, int Line, int Column, int Added);

/// <summary>
/// The text of a script as compiled to run, which differs from the text as written in two ways, neither adding a line:
/// <list type="bullet">
/// <item>A stack overflow cannot be caught in .NET: it ends the process with a raw dump. So every body of the user's code
/// (methods, local functions, lambdas and anonymous methods, accessors, constructors, operators) starts with
/// <see cref="Guard"/>, which throws <see cref="InsufficientExecutionStackException"/> well before the stack runs out,
/// on whatever thread runs it. A block body gets it after its <c>{</c>; an expression body <c>=&gt; e</c> becomes
/// <c>{ guard; return e; }</c> (<c>{ guard; e; }</c> when it returns nothing). Lambdas converted to expression trees
/// (<c>Expression&lt;Func&lt;...&gt;&gt;</c>) are left alone: they are data, not code.</item>
/// <item>Every top-level statement (and instance field: a script's <c>var x = ...;</c>) first tells the globals where it is (<see cref="ScriptGlobals.SnorkelerReached"/>), so
/// top-level code that never finishes is reported at the statement that runs.</item>
/// <item>Every script-level static field with an initialiser follows, on its line, a field whose initialiser records where
/// it is (<see cref="ScriptGlobals.SnorkelerInitialising"/>): static initialisers run in text order, and a failed range
/// check in one is raised from a block the JIT puts at the end of the static constructor, whose frame maps to the
/// constructor's first line, the first static field, whichever field failed.</item>
/// </list>
/// Diagnostics come from compiling the text as written; the <see cref="ColumnShift"/>s map the compiled code's columns back.
/// </summary>
internal static class ScriptRewriter
{
    /// <summary>The call put at the start of every body.</summary>
    public const string Guard = "global::System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();";

    /// <summary>One change to the text.</summary>
    /// <param name="Start">Where it starts.</param>
    /// <param name="Length">How many characters it replaces (0: an insertion).</param>
    /// <param name="Text">The new text.</param>
    /// <param name="Rank">Orders changes at one position: closings before openings, inner closings before outer ones, outer openings before inner ones.</param>
    private readonly record struct Change(int Start, int Length, string Text, long Rank);

    /// <summary>The tree's text as compiled to run, and where it has extra characters; <paramref name="model"/> tells what each body returns.</summary>
    /// <param name="tree">The script as written.</param>
    /// <param name="model">The semantic model of <paramref name="tree"/>.</param>
    /// <param name="path">The script's path.</param>
    /// <param name="index">The script's number in the compilation, which keeps the names of added fields apart from other scripts'.</param>
    public static (string Text, IReadOnlyList<ColumnShift> Shifts) Rewrite(SyntaxTree tree, SemanticModel model, string path, int index)
    {
        var changes = new List<Change>();
        foreach (var node in tree.GetRoot().DescendantNodes())
        {
            switch (node)
            {
                case GlobalStatementSyntax { Statement: not LocalFunctionStatementSyntax } g:
                    Mark(changes, g);
                    break;
                case FieldDeclarationSyntax { Parent: CompilationUnitSyntax } field // a script's 'var x = ...;', initialised in order with the statements
                    when !field.Modifiers.Any(m => m.IsKind(SyntaxKind.StaticKeyword) || m.IsKind(SyntaxKind.ConstKeyword)):
                    Mark(changes, field);
                    break;
                case FieldDeclarationSyntax { Parent: CompilationUnitSyntax } field
                    when field.Modifiers.Any(m => m.IsKind(SyntaxKind.StaticKeyword)) && field.Declaration.Variables.Any(v => v.Initializer is not null):
                    MarkStatic(changes, field, index);
                    break;
                case AnonymousFunctionExpressionSyntax f when !IsExpressionTree(f, model):
                    GuardFunction(changes, f.Block, f.ExpressionBody, model.GetSymbolInfo(f).Symbol as IMethodSymbol);
                    break;
                case BaseMethodDeclarationSyntax m:
                    GuardMember(changes, m.Body, m.ExpressionBody, m.SemicolonToken, model.GetDeclaredSymbol(m) as IMethodSymbol);
                    break;
                case LocalFunctionStatementSyntax l:
                    GuardMember(changes, l.Body, l.ExpressionBody, l.SemicolonToken, model.GetDeclaredSymbol(l) as IMethodSymbol);
                    break;
                case AccessorDeclarationSyntax a:
                    GuardMember(changes, a.Body, a.ExpressionBody, a.SemicolonToken, model.GetDeclaredSymbol(a) as IMethodSymbol);
                    break;
                case PropertyDeclarationSyntax { ExpressionBody: { } arrow } p:
                    GuardGetter(changes, arrow, p.SemicolonToken);
                    break;
                case IndexerDeclarationSyntax { ExpressionBody: { } arrow } i:
                    GuardGetter(changes, arrow, i.SemicolonToken);
                    break;
            }
        }
        changes.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.Rank.CompareTo(b.Rank));
        return (Apply(tree.GetText().ToString(), changes), Shifts(tree, changes, path));
    }

    /// <summary>The column of a script as written for a column of its compiled code on <paramref name="line"/> (a column inside added text maps to where it was added).</summary>
    public static int Original(IEnumerable<ColumnShift> shifts, string path, int line, int column)
    {
        var added = 0;
        foreach (var s in shifts.Where(s => s.Line == line && s.Path == path).OrderBy(s => s.Column))
        {
            var at = s.Column + added; // where the added text starts in the compiled code
            if (column < at) break;
            if (column < at + s.Added) return s.Column;
            added += s.Added;
        }
        return column - added;
    }

    private static bool IsExpressionTree(AnonymousFunctionExpressionSyntax f, SemanticModel model)
        => model.GetTypeInfo(f).ConvertedType is INamedTypeSymbol { Name: "Expression" } type
           && type.ContainingNamespace.ToDisplayString() == "System.Linq.Expressions";

    /// <summary>A lambda or anonymous method: the guard after its <c>{</c>, or its expression made a block.</summary>
    private static void GuardFunction(List<Change> changes, BlockSyntax? block, ExpressionSyntax? expression, IMethodSymbol? symbol)
    {
        if (block is not null)
        {
            GuardBlock(changes, block);
            return;
        }
        if (expression is null) return;
        var head = expression is ThrowExpressionSyntax || !ReturnsValue(symbol) ? "{ " + Guard + " " : "{ " + Guard + " return ";
        changes.Add(new Change(expression.SpanStart, 0, head, Opening(expression)));
        changes.Add(new Change(expression.Span.End, 0, "; }", Closing(expression)));
    }

    /// <summary>A member or local function: the guard after its <c>{</c>, or <c>=&gt; e;</c> made <c>{ guard; return e; }</c>.</summary>
    private static void GuardMember(List<Change> changes, BlockSyntax? block, ArrowExpressionClauseSyntax? arrow, SyntaxToken semicolon, IMethodSymbol? symbol)
    {
        if (block is not null)
        {
            GuardBlock(changes, block);
            return;
        }
        if (arrow is null || semicolon.IsMissing) return;
        var returns = arrow.Expression is not ThrowExpressionSyntax && ReturnsValue(symbol);
        changes.Add(new Change(arrow.ArrowToken.SpanStart, arrow.ArrowToken.Span.Length, "{ " + Guard + (returns ? " return" : ""), Opening(arrow)));
        changes.Add(new Change(semicolon.Span.End, 0, " }", Closing(arrow)));
    }

    /// <summary><c>T P =&gt; e;</c> (a property or indexer) made <c>T P { get { guard; return e; } }</c>.</summary>
    private static void GuardGetter(List<Change> changes, ArrowExpressionClauseSyntax arrow, SyntaxToken semicolon)
    {
        if (semicolon.IsMissing) return;
        var head = "{ get { " + Guard + (arrow.Expression is ThrowExpressionSyntax ? "" : " return");
        changes.Add(new Change(arrow.ArrowToken.SpanStart, arrow.ArrowToken.Span.Length, head, Opening(arrow)));
        changes.Add(new Change(semicolon.Span.End, 0, " } }", Closing(arrow)));
    }

    private static void Mark(List<Change> changes, SyntaxNode statement)
    {
        var column = statement.GetLocation().GetLineSpan().StartLinePosition.Character + 1;
        changes.Add(new Change(statement.SpanStart, 0, $"{nameof(ScriptGlobals.SnorkelerReached)}({column}); ", Opening(statement)));
    }

    private static void MarkStatic(List<Change> changes, FieldDeclarationSyntax field, int index)
    {
        var column = field.GetLocation().GetLineSpan().StartLinePosition.Character + 1;
        changes.Add(new Change(field.SpanStart, 0,
            $"static readonly bool __snorkelerField{index}_{field.SpanStart} = global::Snorkeler.Scripting.ScriptGlobals.{nameof(ScriptGlobals.SnorkelerInitialising)}({column}); ",
            Opening(field)));
    }

    private static void GuardBlock(List<Change> changes, BlockSyntax block)
        => changes.Add(new Change(block.OpenBraceToken.Span.End, 0, " " + Guard, Opening(block)));

    /// <summary>True when a body must <c>return</c> its expression: not void, and for async methods a <c>Task&lt;T&gt;</c> or <c>ValueTask&lt;T&gt;</c>.</summary>
    private static bool ReturnsValue(IMethodSymbol? symbol)
        => symbol is not null && (symbol.IsAsync ? symbol.ReturnType is INamedTypeSymbol { IsGenericType: true } : !symbol.ReturnsVoid);

    private static long Opening(SyntaxNode node) => int.MaxValue - (long)node.Span.Length;

    private static long Closing(SyntaxNode node) => node.Span.Length - (long)int.MaxValue;

    private static string Apply(string text, List<Change> changes)
    {
        var b = new System.Text.StringBuilder(text.Length + changes.Count * (Guard.Length + 16));
        var at = 0;
        foreach (var c in changes)
        {
            b.Append(text, at, c.Start - at).Append(c.Text);
            at = c.Start + c.Length;
        }
        return b.Append(text, at, text.Length - at).ToString();
    }

    private static List<ColumnShift> Shifts(SyntaxTree tree, List<Change> changes, string path)
    {
        var lines = tree.GetText().Lines;
        return changes.Select(c =>
        {
            var position = lines.GetLinePosition(c.Start);
            return new ColumnShift(path, position.Line + 1, position.Character + 1, c.Text.Length - c.Length);
        }).ToList();
    }
}
