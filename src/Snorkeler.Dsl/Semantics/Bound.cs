using Snorkeler.Dsl.Syntax;

namespace Snorkeler.Dsl.Semantics;

/// <summary>The static types of the rule language.</summary>
internal enum RuleType
{
    Text,
    Number,
    Bool,
    TextList,
    NumberList,
    EmptyList,
    Regex,
    /// <summary>A data field: text that becomes a number or true/false where the context needs one.</summary>
    Field,
    /// <summary>An expression that already has an error; reported once, accepted everywhere after.</summary>
    Error,
}

internal static class RuleTypes
{
    public static string Describe(this RuleType type) => type switch
    {
        RuleType.Text => "text",
        RuleType.Number => "a number",
        RuleType.Bool => "true/false",
        RuleType.TextList => "a list of text",
        RuleType.NumberList => "a list of numbers",
        RuleType.EmptyList => "an empty list",
        RuleType.Regex => "a regex",
        RuleType.Field => "a field",
        _ => "an invalid value",
    };

    public static bool IsList(this RuleType type) => type is RuleType.TextList or RuleType.NumberList or RuleType.EmptyList;
}

/// <summary>A checked expression: its type is known and its names are resolved.</summary>
internal abstract record Bound(RuleType Type, TextSpan Span);

/// <summary>A constant: string, double, bool, string[], double[] or a compiled regex.</summary>
internal sealed record BoundConstant(object Value, RuleType Type, TextSpan Span) : Bound(Type, Span);

/// <summary>A data field, as the <paramref name="Slot"/>-th field the LF reads.</summary>
internal sealed record BoundField(string Name, int Slot, TextSpan Span) : Bound(RuleType.Field, Span);

/// <summary>A field read as text, a number or true/false.</summary>
internal sealed record BoundConvert(Bound Field, RuleType Type, TextSpan Span) : Bound(Type, Span);

/// <summary>A built-in function call.</summary>
internal sealed record BoundCall(string Function, IReadOnlyList<Bound> Arguments, RuleType Type, TextSpan Span) : Bound(Type, Span);

/// <summary><c>not</c> or unary minus.</summary>
internal sealed record BoundUnary(string Operator, Bound Operand, RuleType Type, TextSpan Span) : Bound(Type, Span);

/// <summary>A binary operator; <paramref name="Operator"/> is as written, the operands' types pick the semantics.</summary>
internal sealed record BoundBinary(string Operator, Bound Left, Bound Right, RuleType Type, TextSpan Span) : Bound(Type, Span);

/// <summary><c>between</c>, inclusive.</summary>
internal sealed record BoundBetween(Bound Value, Bound Low, Bound High, TextSpan Span) : Bound(RuleType.Bool, Span);

/// <summary><c>is [not] missing</c>.</summary>
internal sealed record BoundIsMissing(Bound Value, bool Negated, TextSpan Span) : Bound(RuleType.Bool, Span);

/// <summary>
/// A checked LF: clauses with resolved labels, the fields it reads, and where they are first used; <c>HashedText</c> is
/// its text with the <c>let</c>s it uses and the labels, whose hash is the LF's source hash.
/// </summary>
internal sealed record CheckedLf(
    LfDeclaration Syntax,
    string Path,
    IReadOnlyList<(Bound Condition, int Label)> Clauses,
    IReadOnlyList<string> Fields,
    IReadOnlyList<TextSpan> FieldSpans,
    string HashedText,
    IReadOnlyList<string> ConditionTexts);
