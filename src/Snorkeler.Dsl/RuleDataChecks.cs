using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Snorkeler.Data;
using Snorkeler.Dsl.Semantics;

namespace Snorkeler.Dsl;

/// <summary>
/// Warnings the data shows about rules: a field compared exactly (<c>==</c>, <c>!=</c>, <c>in</c>) with text its column
/// never holds (SNK0510, with the nearest value the column does hold), or holds only in another case (SNK0511:
/// <c>tier == "Gold"</c> where the data says <c>gold</c>). One pass over the columns involved; nothing is read when no
/// rule compares a field with a constant. A regex without the <c>i</c> flag that matches no value of its column as written
/// but some ignoring case (SNK0512: <c>/^why/</c> on questions that start with "Why") is found in the same pass; each such
/// regex is run only until it matches a value as written.
/// </summary>
public static class RuleDataChecks
{
    /// <summary>Distinct values remembered per column for suggestions and listings.</summary>
    private const int MaxValues = 64;

    /// <summary>A column with at most this many distinct values has them all listed in the message.</summary>
    private const int ListedValues = 12;

    private static readonly ConditionalWeakTable<LabelingFunction, CheckedLf> Rules = new();

    /// <summary>Remembers the checked rule behind a compiled LF, so its comparisons can be checked against data.</summary>
    internal static void Register(LabelingFunction lf, CheckedLf rule) => Rules.AddOrUpdate(lf, rule);

    /// <summary>True when some rule among <paramref name="lfs"/> compares a field with a constant (so <see cref="Check"/> reads the data).</summary>
    public static bool HasComparisons(IEnumerable<LabelingFunction> lfs) => Comparisons(lfs).Any() || CaseSensitivePatterns(lfs).Any();

    /// <summary>
    /// The warnings <paramref name="data"/> shows about the rules among <paramref name="lfs"/> (other LFs are skipped). With
    /// <paramref name="silent"/> (the LFs that voted on no row), only their case-sensitive regexes are tried ignoring case:
    /// a regex that never matches would otherwise cost a second pass over all the data for every LF that has one.
    /// </summary>
    public static IReadOnlyList<Diagnostic> Check(IReadOnlyList<LabelingFunction> lfs, IDataSource data, CancellationToken cancellation = default,
        IReadOnlySet<LabelingFunction>? silent = null)
    {
        Guard.NotNull(lfs);
        Guard.NotNull(data);
        var comparisons = Comparisons(lfs).Where(c => data.Schema.IndexOf(c.Field) >= 0).ToList();
        var patterns = CaseSensitivePatterns(silent is null ? lfs : lfs.Where(silent.Contains)).Where(p => data.Schema.IndexOf(p.Field) >= 0)
            .Select(p => new PatternValues(p, data.Schema.IndexOf(p.Field))).ToList();
        if (comparisons.Count == 0 && patterns.Count == 0) return [];
        var columns = comparisons.GroupBy(c => (Column: data.Schema.IndexOf(c.Field), c.Trimmed))
            .Select(g => new ColumnValues(g.Key.Column, g.Key.Trimmed, g.SelectMany(c => c.Values)))
            .ToList();
        foreach (var batch in data.ReadBatches(IMatrixSource.DefaultBlockRows))
        {
            cancellation.ThrowIfCancellationRequested();
            foreach (var column in columns)
                for (var i = 0; i < batch.Count; i++)
                    if (!batch.IsMissing(i, column.Column)) column.See(batch.Text(i, column.Column));
            foreach (var pattern in patterns)
                for (var i = 0; i < batch.Count && !pattern.MatchedAsWritten; i++)
                    if (!batch.IsMissing(i, pattern.Column)) pattern.See(batch.Text(i, pattern.Column));
            if (columns.Count == 0 && patterns.All(p => p.MatchedAsWritten)) break;
        }
        var warnings = new List<Diagnostic>();
        foreach (var c in comparisons)
        {
            var seen = columns.First(v => v.Column == data.Schema.IndexOf(c.Field) && v.Trimmed == c.Trimmed);
            foreach (var value in c.Values.Distinct(StringComparer.Ordinal))
            {
                if (seen.Exact.Contains(value)) continue;
                warnings.Add(seen.OtherCase.TryGetValue(value, out var variant)
                    ? RuleMessages.ValueOtherCase(c.Path, c.Span, c.Field, value, data.Name, variant)
                    : RuleMessages.ValueNeverSeen(c.Path, c.Span, c.Field, value, data.Name, seen.Values.Order(StringComparer.Ordinal).ToList(), seen.MoreValues));
            }
        }
        foreach (var p in patterns.Where(p => !p.MatchedAsWritten && p.IgnoringCase > 0))
            warnings.Add(RuleMessages.RegexCase(p.Pattern.Path, p.Pattern.Span, p.Pattern.Body, p.Pattern.Flags, p.Pattern.Field, data.Name, p.IgnoringCase, p.Example!));
        return warnings;
    }

    /// <summary>A field tested with a regex that tells capitals from small letters, where.</summary>
    private sealed record CaseSensitivePattern(string Path, Syntax.TextSpan Span, string Field, bool Trimmed, Semantics.RulePattern Regex)
    {
        /// <summary>The pattern as written between the slashes.</summary>
        public string Body => Regex.Pattern.Replace("/", "\\/", StringComparison.Ordinal);

        /// <summary>The flags written after the closing slash.</summary>
        public string Flags => ((Regex.Options & RegexOptions.Multiline) != 0 ? "m" : "") + ((Regex.Options & RegexOptions.Singleline) != 0 ? "s" : "");
    }

    private static IEnumerable<CaseSensitivePattern> CaseSensitivePatterns(IEnumerable<LabelingFunction> lfs)
    {
        foreach (var lf in lfs)
        {
            if (!Rules.TryGetValue(lf, out var rule)) continue;
            foreach (var (condition, _) in rule.Clauses)
            foreach (var atom in RuleLint.Atoms(condition))
            {
                if (atom is not BoundBinary { Operator: "matches", Right: BoundConstant { Value: RulePattern regex } right } binary
                    || (regex.Options & RegexOptions.IgnoreCase) != 0 || !regex.Pattern.Any(char.IsLetter) || FieldOf(binary.Left) is not { } field) continue;
                yield return new CaseSensitivePattern(rule.Path, right.Span, rule.Fields[field.Slot], field.Trimmed, regex);
            }
        }
    }

    /// <summary>Whether a case-sensitive regex matches some value of its column as written, and how many it matches only ignoring case.</summary>
    private sealed class PatternValues(CaseSensitivePattern pattern, int column)
    {
        private readonly Regex _asWritten = pattern.Regex.Regex;
        private readonly Regex _ignoringCase = new(pattern.Regex.Pattern, pattern.Regex.Options | RegexOptions.IgnoreCase);

        public CaseSensitivePattern Pattern => pattern;

        public int Column => column;

        public bool MatchedAsWritten { get; private set; }

        public long IgnoringCase { get; private set; }

        public string? Example { get; private set; }

        public void See(ReadOnlySpan<char> cell)
        {
            if (pattern.Trimmed) cell = cell.Trim();
            if (_asWritten.IsMatch(cell))
            {
                MatchedAsWritten = true;
                return;
            }
            if (!_ignoringCase.IsMatch(cell)) return;
            IgnoringCase++;
            Example ??= cell.ToString();
        }
    }

    /// <summary>A field compared exactly with constants, where.</summary>
    private sealed record Comparison(string Path, Syntax.TextSpan Span, string Field, bool Trimmed, IReadOnlyList<string> Values);

    private static IEnumerable<Comparison> Comparisons(IEnumerable<LabelingFunction> lfs)
    {
        foreach (var lf in lfs)
        {
            if (!Rules.TryGetValue(lf, out var rule)) continue;
            foreach (var (condition, _) in rule.Clauses)
            foreach (var atom in RuleLint.Atoms(condition))
            {
                if (atom is not BoundBinary { Operator: "==" or "!=" or "in" } binary) continue;
                foreach (var (side, other) in new[] { (binary.Left, binary.Right), (binary.Right, binary.Left) })
                {
                    if (RuleLint.TextConstants(other) is not { } values || FieldOf(side) is not { } field) continue;
                    yield return new Comparison(rule.Path, other.Span, rule.Fields[field.Slot], field.Trimmed, values);
                }
            }
        }
    }

    /// <summary>The field a text side reads directly (or trimmed); null for anything computed otherwise.</summary>
    private static (int Slot, bool Trimmed)? FieldOf(Bound b) => b switch
    {
        BoundConvert { Type: RuleType.Text, Field: BoundField f } => (f.Slot, false),
        BoundCall { Function: "trim", Arguments: [BoundConvert { Field: BoundField f }] } => (f.Slot, true),
        _ => null,
    };

    /// <summary>What one column holds of the constants it is compared with, and a sample of its distinct values.</summary>
    private sealed class ColumnValues
    {
        private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _wanted;
        private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _wantedIgnoringCase;
        private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _values;
        private readonly HashSet<string> _valueSet = new(StringComparer.Ordinal);
        private readonly string[] _constants;

        public ColumnValues(int column, bool trimmed, IEnumerable<string> constants)
        {
            Column = column;
            Trimmed = trimmed;
            _constants = constants.Distinct(StringComparer.Ordinal).ToArray();
            _wanted = new HashSet<string>(_constants, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
            _wantedIgnoringCase = new HashSet<string>(_constants, StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
            _values = _valueSet.GetAlternateLookup<ReadOnlySpan<char>>();
        }

        public int Column { get; }

        public bool Trimmed { get; }

        /// <summary>The constants seen exactly.</summary>
        public HashSet<string> Exact { get; } = new(StringComparer.Ordinal);

        /// <summary>Per constant seen only in another case, the first such value.</summary>
        public Dictionary<string, string> OtherCase { get; } = new(StringComparer.Ordinal);

        /// <summary>Distinct values of the column (the first <see cref="MaxValues"/>).</summary>
        public IReadOnlyCollection<string> Values => _valueSet;

        /// <summary>True when the column has more distinct values than <see cref="Values"/> holds.</summary>
        public bool MoreValues { get; private set; }

        public void See(ReadOnlySpan<char> cell)
        {
            if (Trimmed) cell = cell.Trim();
            if (_valueSet.Count < MaxValues) _values.Add(cell);
            else if (!MoreValues && !_values.Contains(cell)) MoreValues = true;
            if (_wanted.TryGetValue(cell, out var exact))
            {
                Exact.Add(exact);
                return;
            }
            if (!_wantedIgnoringCase.Contains(cell)) return;
            foreach (var constant in _constants)
                if (cell.Equals(constant, StringComparison.OrdinalIgnoreCase)) OtherCase.TryAdd(constant, cell.ToString());
        }
    }
}
