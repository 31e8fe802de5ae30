using System.Collections.Concurrent;
using Snorkeler.Data;
using Snorkeler.Dsl.Semantics;

namespace Snorkeler.Dsl.Compilation;

/// <summary>
/// Explains a rule's vote on a row: the clause that fired and the text that made its condition hold. Every truth
/// value comes from the same compiled evaluators the rule votes with (compiled here per sub-condition), so an
/// explanation never disagrees with the vote; the explainer only adds where in the text each true test looked.
/// </summary>
internal static class Explainer
{
    public static Func<DataRow, LfExplanation?> Bind(CheckedLf lf, DataSchema schema)
    {
        var columns = Compiler.Columns(lf, schema);
        var builder = new Compiler.Builder(columns);
        var clauses = lf.Clauses.Select(c => builder.Bool(c.Condition)).ToArray();
        var context = new Context(lf, builder);
        return row =>
        {
            for (var k = 0; k < clauses.Length; k++)
            {
                if (!clauses[k].Eval(row)) continue;
                if (lf.Clauses[k].Label == LabelSchema.Abstain) return null;
                var matches = new List<TextMatch>();
                context.Collect(lf.Clauses[k].Condition, row, matches);
                return new LfExplanation(k, lf.ConditionTexts[k], matches);
            }
            return null;
        };
    }

    private sealed class Context(CheckedLf lf, Compiler.Builder builder)
    {
        private readonly ConcurrentDictionary<Bound, BoolEval> _conditions = new(ReferenceEqualityComparer.Instance);
        private readonly ConcurrentDictionary<Bound, TextEval> _texts = new(ReferenceEqualityComparer.Instance);

        private bool Holds(Bound b, DataRow row) => _conditions.GetOrAdd(b, builder.Bool).Eval(row);

        /// <summary>Adds the matches of a condition known to hold on <paramref name="row"/>.</summary>
        public void Collect(Bound b, DataRow row, List<TextMatch> matches)
        {
            switch (b)
            {
                case BoundBinary { Operator: "and" } and:
                    Collect(and.Left, row, matches);
                    Collect(and.Right, row, matches);
                    return;
                case BoundBinary { Operator: "or" } or:
                    if (Holds(or.Left, row)) Collect(or.Left, row, matches);
                    if (Holds(or.Right, row)) Collect(or.Right, row, matches);
                    return;
                case BoundBinary { Operator: "contains" } contains:
                    if (Text(contains.Right, row) is { } needle) Find(contains.Left, row, [needle], matches);
                    return;
                case BoundBinary { Operator: "contains any" or "contains all", Right: BoundConstant { Value: string[] needles } } list:
                    Find(list.Left, row, needles, matches);
                    return;
                case BoundBinary { Operator: "matches", Right: BoundConstant { Value: RulePattern pattern } } matchesRegex:
                    if (Field(matchesRegex.Left, row) is { } field && Text(matchesRegex.Left, row) is { } text && pattern.Regex.Match(text) is { Success: true } m)
                        matches.Add(new TextMatch(field.Name, field.Shift + m.Index, m.Length));
                    return;
                case BoundBinary { Operator: "==" or "in", Left.Type: RuleType.Text } equal:
                    Whole(equal.Left, row, matches);
                    Whole(equal.Right, row, matches);
                    return;
                case BoundCall { Function: "starts_with" or "ends_with" } affix:
                    if (Field(affix.Arguments[0], row) is { } f && Text(affix.Arguments[0], row) is { } t && Text(affix.Arguments[1], row) is { } a)
                        matches.Add(new TextMatch(f.Name, f.Shift + (affix.Function == "starts_with" ? 0 : t.Length - a.Length), a.Length));
                    return;
                case BoundConvert { Type: RuleType.Bool } flag:
                    Whole(flag.Field, row, matches);
                    return;
            }
        }

        /// <summary>The first occurrence (ignoring case, as <c>contains</c> compares) of each needle found in the text.</summary>
        private void Find(Bound haystack, DataRow row, IEnumerable<string> needles, List<TextMatch> matches)
        {
            if (Field(haystack, row) is not { } field || Text(haystack, row) is not { } text) return;
            foreach (var needle in needles)
            {
                var at = text.IndexOf(needle, StringComparison.OrdinalIgnoreCase);
                if (at < 0) continue;
                matches.Add(new TextMatch(field.Name, field.Shift + at, needle.Length));
            }
        }

        private void Whole(Bound value, DataRow row, List<TextMatch> matches)
        {
            if (Field(value, row) is { } field && Text(value, row) is { } text) matches.Add(new TextMatch(field.Name, field.Shift, text.Length));
        }

        private string? Text(Bound b, DataRow row)
        {
            if (b.Type is not (RuleType.Text or RuleType.Field) && b is not BoundConvert { Type: RuleType.Text }) return null;
            var eval = _texts.GetOrAdd(b, key => builder.Text(key is BoundField f ? new BoundConvert(f, RuleType.Text, f.Span) : key));
            return eval.Eval(row, out var s) ? s.ToString() : null;
        }

        /// <summary>
        /// The field a text expression is read from, when it is the field itself or <c>lower</c>, <c>upper</c> or
        /// <c>trim</c> of it, and where the expression's text starts in the field's (case changes keep every offset;
        /// <c>trim</c> moves them by the white space it removed in front).
        /// </summary>
        private (string Name, int Shift)? Field(Bound b, DataRow row)
        {
            var trimmed = false;
            while (true)
            {
                var field = b switch { BoundConvert { Field: BoundField f } => f, BoundField f => f, _ => null };
                if (field is not null)
                {
                    var shift = 0;
                    if (trimmed)
                    {
                        var raw = row.Span(builder.Column(field.Slot));
                        while (shift < raw.Length && TextRules.IsSpace(raw[shift])) shift++;
                    }
                    return (lf.Fields[field.Slot], shift);
                }
                switch (b)
                {
                    case BoundCall { Function: "lower" or "upper" } c:
                        b = c.Arguments[0];
                        continue;
                    case BoundCall { Function: "trim" } c:
                        trimmed = true;
                        b = c.Arguments[0];
                        continue;
                    default:
                        return null;
                }
            }
        }
    }
}
