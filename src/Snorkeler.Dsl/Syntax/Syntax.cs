namespace Snorkeler.Dsl.Syntax;

/// <summary>Where a piece of rule text is: 0-based offset, 1-based line and column, length in characters.</summary>
/// <param name="Offset">0-based character offset from the start of the file.</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
/// <param name="Length">Length in characters (may span lines).</param>
public readonly record struct TextSpan(int Offset, int Line, int Column, int Length)
{
    /// <summary>The offset just after the span.</summary>
    public int End => Offset + Length;

    /// <summary>The span from the start of this one to the end of <paramref name="last"/>.</summary>
    public TextSpan To(TextSpan last) => this with { Length = Math.Max(0, last.End - Offset) };

    /// <summary>This span as a diagnostic location in <paramref name="path"/>.</summary>
    public SourceLocation In(string path) => new(path, Line, Column, Length);

    /// <summary><c>(line,col)</c> with the offset and length.</summary>
    public override string ToString() => $"({Line},{Column}) offset {Offset} length {Length}";
}

/// <summary>A node of a rule file's syntax tree; every node knows where it is written.</summary>
public abstract record SyntaxNode(TextSpan Span);

/// <summary>A name as written: an identifier or a backtick-quoted field name.</summary>
/// <param name="Text">The name.</param>
/// <param name="Span">Where it is written.</param>
public sealed record Name(string Text, TextSpan Span) : SyntaxNode(Span)
{
    /// <inheritdoc />
    public override string ToString() => Text;
}

/// <summary>A parsed rule file: its top-level items in order.</summary>
/// <param name="Path">The file's path, for messages.</param>
/// <param name="Text">The file's text.</param>
/// <param name="Items">The items that parsed.</param>
/// <param name="Span">The whole file.</param>
public sealed record RulesFile(string Path, string Text, IReadOnlyList<Item> Items, TextSpan Span) : SyntaxNode(Span);

/// <summary>A top-level item: <c>labels</c>, <c>let</c> or <c>lf</c>.</summary>
public abstract record Item(TextSpan Span) : SyntaxNode(Span);

/// <summary><c>labels HAM, SPAM</c>: the classes, in label order.</summary>
/// <param name="Classes">The class names.</param>
/// <param name="Span">Where the declaration is written.</param>
public sealed record LabelsDeclaration(IReadOnlyList<Name> Classes, TextSpan Span) : Item(Span);

/// <summary><c>let name = value</c>: a named constant (text, number, list, regex).</summary>
/// <param name="Name">The constant's name.</param>
/// <param name="Value">Its value.</param>
/// <param name="Span">Where the declaration is written.</param>
public sealed record LetDeclaration(Name Name, Expression Value, TextSpan Span) : Item(Span);

/// <summary><c>lf name: when ... label ...</c>: a labelling function.</summary>
/// <param name="Name">The LF's name.</param>
/// <param name="Clauses">Its clauses; the first that holds gives the label.</param>
/// <param name="Span">Where the LF is written.</param>
public sealed record LfDeclaration(Name Name, IReadOnlyList<WhenClause> Clauses, TextSpan Span) : Item(Span);

/// <summary><c>when CONDITION label CLASS</c>.</summary>
/// <param name="Condition">The condition.</param>
/// <param name="Label">The class voted when the condition holds (<c>ABSTAIN</c> allowed).</param>
/// <param name="Span">Where the clause is written.</param>
public sealed record WhenClause(Expression Condition, Name Label, TextSpan Span) : SyntaxNode(Span);

/// <summary>An expression.</summary>
public abstract record Expression(TextSpan Span) : SyntaxNode(Span);

/// <summary>A text literal <c>"..."</c> (escapes resolved).</summary>
/// <param name="Value">The text.</param>
/// <param name="Span">Where it is written.</param>
public sealed record TextLiteral(string Value, TextSpan Span) : Expression(Span);

/// <summary>A number literal.</summary>
/// <param name="Value">The number.</param>
/// <param name="Span">Where it is written.</param>
public sealed record NumberLiteral(double Value, TextSpan Span) : Expression(Span);

/// <summary><c>true</c> or <c>false</c>.</summary>
/// <param name="Value">The value.</param>
/// <param name="Span">Where it is written.</param>
public sealed record BoolLiteral(bool Value, TextSpan Span) : Expression(Span);

/// <summary>A regex literal <c>/pattern/flags</c>.</summary>
/// <param name="Pattern">The pattern, with <c>\/</c> turned into <c>/</c>.</param>
/// <param name="Flags">The flags (<c>i</c>, <c>m</c>, <c>s</c>).</param>
/// <param name="Span">Where it is written.</param>
public sealed record RegexLiteral(string Pattern, string Flags, TextSpan Span) : Expression(Span);

/// <summary>A list <c>[a, b, c]</c>.</summary>
/// <param name="Items">The items.</param>
/// <param name="Span">Where it is written.</param>
public sealed record ListLiteral(IReadOnlyList<Expression> Items, TextSpan Span) : Expression(Span);

/// <summary>A name used as a value: a data field, or a <c>let</c> constant.</summary>
/// <param name="Name">The name.</param>
/// <param name="Quoted">True when written in backticks (always a field).</param>
/// <param name="Span">Where it is written.</param>
public sealed record Reference(string Name, bool Quoted, TextSpan Span) : Expression(Span);

/// <summary>A function call <c>name(args)</c>.</summary>
/// <param name="Function">The function's name.</param>
/// <param name="Arguments">The arguments.</param>
/// <param name="Span">Where it is written.</param>
public sealed record Call(Name Function, IReadOnlyList<Expression> Arguments, TextSpan Span) : Expression(Span);

/// <summary>A unary operator: <c>not</c> or <c>-</c>.</summary>
/// <param name="Operator">The operator as written.</param>
/// <param name="Operand">The operand.</param>
/// <param name="Span">Where it is written.</param>
public sealed record Unary(string Operator, Expression Operand, TextSpan Span) : Expression(Span);

/// <summary>
/// A binary operator: <c>and or &lt; &lt;= &gt; &gt;= == != + - * / contains matches in</c>, and
/// <c>contains any</c>, <c>contains all</c> (written with one space).
/// </summary>
/// <param name="Operator">The operator as written, normalised.</param>
/// <param name="Left">The left operand.</param>
/// <param name="Right">The right operand.</param>
/// <param name="OperatorSpan">Where the operator is written.</param>
/// <param name="Span">Where the whole expression is written.</param>
public sealed record Binary(string Operator, Expression Left, Expression Right, TextSpan OperatorSpan, TextSpan Span) : Expression(Span);

/// <summary><c>value between low and high</c> (inclusive).</summary>
/// <param name="Value">The tested value.</param>
/// <param name="Low">The lower bound.</param>
/// <param name="High">The upper bound.</param>
/// <param name="Span">Where it is written.</param>
public sealed record Between(Expression Value, Expression Low, Expression High, TextSpan Span) : Expression(Span);

/// <summary><c>value is missing</c> or <c>value is not missing</c>.</summary>
/// <param name="Value">The tested value.</param>
/// <param name="Negated">True for <c>is not missing</c>.</param>
/// <param name="Span">Where it is written.</param>
public sealed record IsMissing(Expression Value, bool Negated, TextSpan Span) : Expression(Span);
