using Snorkeler.Dsl.Syntax;

namespace Snorkeler.Dsl.Semantics;

/// <summary>
/// Warnings for conditions that can be seen, from the rule text alone, to never depend on the row: a test of two
/// constants (often a field name written in quotes, <c>"customer tier" == "gold"</c>), and a comparison of
/// <c>lower(x)</c> with text that has capitals (or <c>upper(x)</c> with small letters).
/// </summary>
internal static class RuleLint
{
    private static readonly string[] Tests = ["==", "!=", "<", "<=", ">", ">=", "contains", "contains any", "contains all", "matches", "in"];

    /// <summary>The warnings of one clause's checked condition.</summary>
    /// <param name="path">The rule file.</param>
    /// <param name="condition">The checked condition.</param>
    /// <param name="fieldNames">Names known to be fields: the data's columns, and every field the rule files read.</param>
    public static IEnumerable<Diagnostic> Check(string path, Bound condition, IReadOnlySet<string> fieldNames)
    {
        foreach (var atom in Atoms(condition))
        {
            if (!ReadsRow(atom))
            {
                var value = Compilation.Compiler.Constant(atom);
                var literal = LiteralsOf(atom).Select(l => (l.Value, l.Span, Field: FieldNamed(l.Value, fieldNames))).FirstOrDefault(l => l.Field is not null);
                yield return literal.Field is not null
                    ? RuleMessages.TextIsFieldName(path, literal.Span, literal.Value, literal.Field, value)
                    : RuleMessages.ConstantCondition(path, atom.Span, value);
                continue;
            }
            if (CaseImpossible(atom) is { } impossible) yield return impossible(path);
        }
    }

    /// <summary>The tests of a condition (what <c>and</c>, <c>or</c> and <c>not</c> combine).</summary>
    internal static IEnumerable<Bound> Atoms(Bound b)
    {
        switch (b)
        {
            case BoundBinary { Operator: "and" or "or" } logic:
                foreach (var a in Atoms(logic.Left)) yield return a;
                foreach (var a in Atoms(logic.Right)) yield return a;
                break;
            case BoundUnary { Operator: "not" } not:
                foreach (var a in Atoms(not.Operand)) yield return a;
                break;
            case BoundBinary binary when Tests.Contains(binary.Operator):
            case BoundCall { Function: "starts_with" or "ends_with" }:
            case BoundBetween:
            case BoundIsMissing:
                yield return b;
                break;
        }
    }

    /// <summary>The text a constant side of a comparison holds: one text, or a list's items; null when it is not a text constant.</summary>
    internal static IReadOnlyList<string>? TextConstants(Bound b) => b switch
    {
        BoundConstant { Value: string s } => [s],
        BoundConstant { Value: string[] list } => list,
        _ => null,
    };

    /// <summary>True when the expression reads a field of the row.</summary>
    internal static bool ReadsRow(Bound b) => b switch
    {
        BoundField => true,
        BoundConvert c => ReadsRow(c.Field),
        BoundCall c => c.Arguments.Any(ReadsRow),
        BoundUnary u => ReadsRow(u.Operand),
        BoundBinary x => ReadsRow(x.Left) || ReadsRow(x.Right),
        BoundBetween x => ReadsRow(x.Value) || ReadsRow(x.Low) || ReadsRow(x.High),
        BoundIsMissing x => ReadsRow(x.Value),
        _ => false,
    };

    private static IEnumerable<(string Value, TextSpan Span)> LiteralsOf(Bound b) => b switch
    {
        BoundConstant { Value: string s } c => [(s, c.Span)],
        BoundBinary x => LiteralsOf(x.Left).Concat(LiteralsOf(x.Right)),
        BoundCall c => c.Arguments.SelectMany(LiteralsOf),
        BoundBetween x => LiteralsOf(x.Value),
        BoundIsMissing x => LiteralsOf(x.Value),
        _ => [],
    };

    /// <summary>The field a text names: the same ignoring case, or with spaces for underscores (and back).</summary>
    private static string? FieldNamed(string text, IReadOnlySet<string> fieldNames)
    {
        static string Key(string s) => s.Trim().Replace('_', ' ').ToLowerInvariant();
        var key = Key(text);
        return key.Length == 0 ? null : fieldNames.FirstOrDefault(f => Key(f) == key);
    }

    /// <summary><c>lower(x) == "Gold"</c>: a comparison the case change makes impossible (or, for <c>!=</c>, certain).</summary>
    private static Func<string, Diagnostic>? CaseImpossible(Bound atom)
    {
        if (atom is not BoundBinary { Operator: "==" or "!=" or "in" } binary) return null;
        foreach (var (cased, other) in new[] { (binary.Left, binary.Right), (binary.Right, binary.Left) })
        {
            if (cased is not BoundCall { Function: "lower" or "upper" } call) continue;
            var upper = call.Function == "upper";
            var texts = TextConstants(other) ?? [];
            var wrong = texts.FirstOrDefault(t => t != (upper ? t.ToUpperInvariant() : t.ToLowerInvariant()));
            if (wrong is null) continue;
            return path => RuleMessages.CaseImpossible(path, other.Span, call.Function, wrong, upper ? wrong.ToUpperInvariant() : wrong.ToLowerInvariant(), binary.Operator);
        }
        return null;
    }
}
