using System.Text.RegularExpressions;
using Snorkeler.Data;
using Snorkeler.Dsl.Semantics;

namespace Snorkeler.Dsl.Compilation;

/// <summary>
/// Turns a checked LF into a labelling function. Binding resolves its fields to column indexes once
/// and builds the evaluator tree; the per-row vote then runs the clauses in order.
/// </summary>
internal static class Compiler
{
    public static LabelingFunction ToLabelingFunction(CheckedLf lf)
    {
        var location = lf.Syntax.Name.Span.In(lf.Path);
        var function = new LabelingFunction(lf.Syntax.Name.Text, schema => Bind(lf, schema), location, null, lf.Fields, schema => Explainer.Bind(lf, schema), lf.HashedText);
        RuleDataChecks.Register(function, lf);
        return function;
    }

    /// <summary>The value of a condition that reads no field.</summary>
    public static bool Constant(Bound condition) => new Builder([]).Bool(condition).Eval(default);

    /// <summary>The data column of each field the LF reads, or the SNK0107 error naming the first it lacks.</summary>
    public static int[] Columns(CheckedLf lf, DataSchema schema)
    {
        var columns = new int[lf.Fields.Count];
        for (var k = 0; k < columns.Length; k++)
        {
            columns[k] = schema.IndexOf(lf.Fields[k]);
            if (columns[k] < 0)
                throw new SnorkelerException(RuleMessages.MissingColumn(lf.FieldSpans[k].In(lf.Path), lf.Syntax.Name.Text, lf.Fields[k], schema));
        }
        return columns;
    }

    public static Func<DataRow, int> Bind(CheckedLf lf, DataSchema schema)
    {
        var compiler = new Builder(Columns(lf, schema));
        var conditions = lf.Clauses.Select(c => compiler.Bool(c.Condition)).ToArray();
        var labels = lf.Clauses.Select(c => c.Label).ToArray();
        if (conditions.Length == 1)
        {
            var condition = conditions[0];
            var label = labels[0];
            return row => condition.Eval(row) ? label : LabelSchema.Abstain;
        }
        return row =>
        {
            for (var k = 0; k < conditions.Length; k++)
                if (conditions[k].Eval(row)) return labels[k];
            return LabelSchema.Abstain;
        };
    }

    internal sealed class Builder(int[] columns)
    {
        /// <summary>The data column of the LF's <paramref name="slot"/>-th field.</summary>
        public int Column(int slot) => columns[slot];

        public TextEval Text(Bound b) => b switch
        {
            BoundConstant { Value: string s } => new ConstText(s),
            BoundConvert { Field: BoundField f } => new FieldText(columns[f.Slot]),
            BoundCall { Function: "lower" } c => new CaseText(Text(c.Arguments[0]), upper: false),
            BoundCall { Function: "upper" } c => new CaseText(Text(c.Arguments[0]), upper: true),
            BoundCall { Function: "trim" } c => new TrimText(Text(c.Arguments[0])),
            _ => throw Unexpected(b),
        };

        /// <summary>Text for an operation that ignores case anyway: lower/upper around it are dropped, so it does not allocate.</summary>
        public TextEval CaselessText(Bound b)
            => b is BoundCall { Function: "lower" or "upper" } c ? CaselessText(c.Arguments[0]) : Text(b);

        public NumberEval Number(Bound b) => b switch
        {
            BoundConstant { Value: double d } => new ConstNumber(d),
            BoundConvert { Field: BoundField f } => new TextNumber(new FieldText(columns[f.Slot])),
            BoundUnary { Operator: "-" } u => new Negate(Number(u.Operand)),
            BoundBinary { Operator: "+" or "-" or "*" or "/" } a => new Arithmetic(Number(a.Left), Number(a.Right), a.Operator[0]),
            BoundCall { Function: "length" } c => new TextMeasure(Text(c.Arguments[0]), words: false),
            BoundCall { Function: "word_count" } c => new TextMeasure(Text(c.Arguments[0]), words: true),
            BoundCall { Function: "count", Arguments: [var t, BoundConstant { Value: string needle }] } => new CountConstNumber(CaselessText(t), needle),
            BoundCall { Function: "count" } c => new CountNumber(CaselessText(c.Arguments[0]), CaselessText(c.Arguments[1])),
            BoundCall { Function: "number" } c => new TextNumber(Text(c.Arguments[0])),
            _ => throw Unexpected(b),
        };

        public BoolEval Bool(Bound b)
        {
            switch (b)
            {
                case BoundConstant { Value: bool v }:
                    return new ConstBool(v);
                case BoundConvert { Field: BoundField f }:
                    return new FieldBool(new FieldText(columns[f.Slot]));
                case BoundUnary { Operator: "not" } u:
                    return new Not(Bool(u.Operand));
                case BoundBetween between:
                    return new BetweenNumbers(Number(between.Value), Number(between.Low), Number(between.High));
                case BoundIsMissing m:
                    var value = m.Value is BoundField f2 ? new BoundConvert(f2, RuleType.Text, f2.Span) : m.Value;
                    return value.Type == RuleType.Number ? new NumberMissing(Number(value), m.Negated) : new TextMissing(Text(value), m.Negated);
                case BoundCall { Function: "starts_with" or "ends_with" } c:
                    return new StartsOrEnds(CaselessText(c.Arguments[0]), CaselessText(c.Arguments[1]), c.Function == "starts_with");
                case BoundBinary bin:
                    return Binary(bin);
                default:
                    throw Unexpected(b);
            }
        }

        private BoolEval Binary(BoundBinary b)
        {
            switch (b.Operator)
            {
                case "and": return new And(Bool(b.Left), Bool(b.Right));
                case "or": return new Or(Bool(b.Left), Bool(b.Right));
                case "<" or "<=" or ">" or ">=": return new CompareNumbers(Number(b.Left), Number(b.Right), b.Operator);
                case "==" or "!=":
                    var equal = b.Operator == "==";
                    return b.Left.Type switch
                    {
                        RuleType.Number => new CompareNumbers(Number(b.Left), Number(b.Right), b.Operator),
                        RuleType.Bool => new CompareBools(Bool(b.Left), Bool(b.Right), equal),
                        _ => new CompareTexts(Text(b.Left), Text(b.Right), equal),
                    };
                case "contains":
                    return b.Right is BoundConstant { Value: string needle }
                        ? new ContainsConst(CaselessText(b.Left), needle)
                        : new Contains(CaselessText(b.Left), CaselessText(b.Right));
                case "contains any": return new ContainsAny(CaselessText(b.Left), (string[])((BoundConstant)b.Right).Value);
                case "contains all": return new ContainsAll(CaselessText(b.Left), (string[])((BoundConstant)b.Right).Value);
                case "matches":
                    var pattern = (RulePattern)((BoundConstant)b.Right).Value;
                    return new Matches((pattern.Options & RegexOptions.IgnoreCase) != 0 ? CaselessText(b.Left) : Text(b.Left), pattern);
                case "in":
                    return b.Right.Type == RuleType.NumberList
                        ? new InNumbers(Number(b.Left), (double[])((BoundConstant)b.Right).Value)
                        : new InTexts(Text(b.Left), (string[])((BoundConstant)b.Right).Value);
                default:
                    throw Unexpected(b);
            }
        }

        private static InvalidOperationException Unexpected(Bound b) => new($"cannot compile {b.GetType().Name} of type {b.Type}");
    }
}
