using System.Globalization;

namespace Snorkeler.Analysis;

/// <summary>
/// Warnings for LFs that cannot work, computed from what the data shows (a label matrix, its gold labels): an LF
/// that never votes, one that votes on every row, LFs that vote alike (the label model then counts one piece of
/// evidence twice), an LF less accurate on gold labels than voting at random, an LF that reads the gold labels
/// themselves, LFs that fire together on the same rows far more than the gold classes explain. Codes SNK0701-SNK0799; every message is written here, in one place. Annotators (crowd sources)
/// are not LFs and get no warnings.
/// </summary>
public static class LfWarnings
{
    /// <summary>The stable warning codes.</summary>
    public static class Codes
    {
        /// <summary>An LF votes on no row.</summary>
        public const string NeverVotes = "SNK0701";
        /// <summary>An LF votes on every row.</summary>
        public const string AlwaysVotes = "SNK0702";
        /// <summary>Two LFs vote the same on every row.</summary>
        public const string Duplicate = "SNK0703";
        /// <summary>Two LFs vote the same on nearly every row either votes on.</summary>
        public const string NearDuplicate = "SNK0704";
        /// <summary>An LF's accuracy on gold labels is below chance.</summary>
        public const string BelowChance = "SNK0705";
        /// <summary>An LF reads the column that holds the gold labels.</summary>
        public const string ReadsGold = "SNK0706";
        /// <summary>Within the gold classes, the number of LF votes per row varies far more than independent LFs would make it.</summary>
        public const string FireTogether = "SNK0707";
    }

    /// <summary>Two LFs agreeing on at least this share of the rows either votes on are near duplicates.</summary>
    public const double NearDuplicateAgreement = 0.95;

    /// <summary>Near duplicates need at least this many rows where either votes (fewer say little).</summary>
    public const int NearDuplicateRows = 20;

    /// <summary>Below-chance accuracy needs at least this many labelled votes.</summary>
    public const int BelowChanceVotes = 10;

    /// <summary>One-sided z of the below-chance test (5% level): chance minus accuracy must exceed this many standard errors.</summary>
    public const double BelowChanceZ = 1.645;

    /// <summary>
    /// Votes per row varying at least this many times as much as independent LFs would make them vary within the gold classes
    /// (busy rows drawing many votes, quiet ones none) make <see cref="Codes.FireTogether"/>. On generated sets <c>dawid-skene</c>
    /// fell below majority vote from 1.43 on (not always: some sets at 2.6 held), never below 1.4; YouTube, TREC and tennis
    /// measure 0.87–0.98 (docs/label-models-measurements.md).
    /// </summary>
    public const double FireTogetherThreshold = 1.3;

    /// <summary><see cref="Codes.FireTogether"/> needs at least this many labelled rows (the ratio's standard error is then about 0.14).</summary>
    public const int FireTogetherRows = 100;

    /// <summary>Pairs of LFs are compared up to this many LFs (beyond, the pair counts alone would not fit).</summary>
    public const int MaxPairLfs = 2000;

    /// <summary>
    /// The warnings the matrix shows, in LF order; <paramref name="lfs"/> (the matrix's LFs) give locations, and
    /// <paramref name="goldColumn"/> the data column holding gold labels (an LF reading it is a leak), and
    /// <paramref name="rowsCommand"/> the <c>snorkeler rows</c> command with the inputs the matrix was made from, which
    /// the warnings tell to run (see <see cref="Counts.Warnings"/>).
    /// </summary>
    public static IReadOnlyList<Diagnostic> Check(IMatrixSource matrix, IReadOnlyList<LabelingFunction>? lfs = null, string? goldColumn = null,
        string? rowsCommand = null, CancellationToken cancellation = default)
    {
        Guard.NotNull(matrix);
        var counts = new Counts(matrix.Schema, matrix.LfNames, matrix.SourceKinds);
        foreach (var block in matrix.ReadBlocks())
        {
            cancellation.ThrowIfCancellationRequested();
            counts.Add(block);
        }
        return counts.Warnings(lfs, goldColumn, rowsCommand);
    }

    /// <summary>
    /// What the warnings are computed from, gathered block by block as a matrix streams past (while it is written,
    /// say): votes per LF and class, agreements of pairs of LFs, votes on rows with gold labels.
    /// </summary>
    public sealed class Counts
    {
        private readonly LabelSchema _schema;
        private readonly IReadOnlyList<string> _names;
        private readonly bool[] _isLf;
        private readonly int _m;
        private readonly int _k;
        private readonly bool _pairs;
        private readonly long[] _coverage;
        private readonly long[] _votesPerClass;
        private readonly long[] _correct;
        private readonly long[] _labelledVotes;
        private readonly long[] _goldCounts;
        private readonly long[] _firedOnClass;     // m × k: rows of gold class c LF j voted on
        private readonly double[] _votesOnClass;   // per gold class: Σ over its rows of the LF votes on the row, and (k + c) of their squares
        private readonly long[]? _bothVote;
        private readonly long[]? _sameVote;
        private readonly Dictionary<long, (long Both, long Same)>? _sparsePairs;
        private readonly int[] _lfIndex;
        private readonly int[] _labels;
        private long _rows;
        private long _labelled;

        /// <summary>Empty counts for a matrix of these classes and LFs (annotators, by <paramref name="kinds"/>, get no warnings).</summary>
        public Counts(LabelSchema schema, IReadOnlyList<string> lfNames, IReadOnlyList<SourceKind>? kinds = null)
        {
            _schema = Guard.NotNull(schema);
            _names = Guard.NotNull(lfNames);
            _m = lfNames.Count;
            _k = schema.Cardinality;
            _isLf = Enumerable.Range(0, _m).Select(j => kinds is null || kinds[j] == SourceKind.LabelingFunction).ToArray();
            _pairs = _m <= MaxPairLfs;
            _coverage = new long[_m];
            _votesPerClass = new long[_m * _k];
            _correct = new long[_m];
            _labelledVotes = new long[_m * _k];
            _goldCounts = new long[_k];
            _firedOnClass = new long[_m * _k];
            _votesOnClass = new double[2 * _k];
            // Pair counts (rows both vote, rows both vote alike) in flat arrays for the usual few LFs, a dictionary beyond.
            if (_pairs && _m <= 512)
            {
                _bothVote = new long[_m * _m];
                _sameVote = new long[_m * _m];
            }
            else if (_pairs) _sparsePairs = [];
            _lfIndex = new int[_m];
            _labels = new int[_m];
        }

        /// <summary>How many rows source <paramref name="j"/> voted on so far.</summary>
        public long Coverage(int j) => _coverage[j];

        /// <summary>Adds a block's rows.</summary>
        public void Add(LabelMatrix block)
        {
            Guard.NotNull(block);
            var m = _m;
            var k = _k;
            // A dense one-byte block (what the applier writes) is read in place rather than copied out row by row.
            var narrow = block.IsNarrow ? block.NarrowVotes : default;
            var hasGold = block.HasGold;
            for (var i = 0; i < block.RowCount; i++)
            {
                _rows++;
                int n;
                if (block.IsNarrow)
                {
                    n = 0;
                    var row = narrow.Slice(i * m, m);
                    for (var j = 0; j < row.Length; j++)
                    {
                        if (row[j] == LabelSchema.Abstain) continue;
                        _lfIndex[n] = j;
                        _labels[n++] = row[j];
                    }
                }
                else n = block.CopyVotes(i, _lfIndex, _labels);
                var gold = hasGold ? block.Gold(i) : LabelSchema.Abstain;
                if (gold >= 0)
                {
                    _labelled++;
                    _goldCounts[gold]++;
                }
                var lfVotes = 0;
                for (var a = 0; a < n; a++)
                {
                    var j = _lfIndex[a];
                    _coverage[j]++;
                    _votesPerClass[j * k + _labels[a]]++;
                    if (gold >= 0)
                    {
                        if (_isLf[j])
                        {
                            lfVotes++;
                            _firedOnClass[j * k + gold]++;
                        }
                        _labelledVotes[j * k + _labels[a]]++;
                        if (_labels[a] == gold) _correct[j]++;
                    }
                    if (!_pairs) continue;
                    for (var b = a + 1; b < n; b++)
                    {
                        var key = (long)j * m + _lfIndex[b];
                        var alike = _labels[a] == _labels[b] ? 1 : 0;
                        if (_bothVote is not null)
                        {
                            _bothVote[(int)key]++;
                            _sameVote![(int)key] += alike;
                            continue;
                        }
                        var (x, y) = _sparsePairs!.GetValueOrDefault(key);
                        _sparsePairs![key] = (x + 1, y + alike);
                    }
                }
                if (gold >= 0)
                {
                    _votesOnClass[gold] += lfVotes;
                    _votesOnClass[k + gold] += (double)lfVotes * lfVotes;
                }
            }
        }

        /// <summary>
        /// Within the gold classes, the variance of the number of LF votes per row over the variance independent LFs with the
        /// same per-class voting rates would give (Σ_j p_jc (1 − p_jc)), pooled over the classes; null below
        /// <see cref="FireTogetherRows"/> labelled rows or when no LF varies.
        /// </summary>
        public double? FireTogetherRatio()
        {
            // Two LFs that fire together are a dependent pair (SNK0703, SNK0704), not the LFs as a whole.
            if (_labelled < FireTogetherRows || Enumerable.Range(0, _m).Count(j => _isLf[j] && Enumerable.Range(0, _k).Any(c => _firedOnClass[j * _k + c] > 0)) < 3)
                return null;
            double observed = 0, independent = 0;
            for (var c = 0; c < _k; c++)
            {
                var rows = (double)_goldCounts[c];
                if (rows < 2) continue;
                var mean = _votesOnClass[c] / rows;
                observed += Math.Max(0, _votesOnClass[_k + c] - rows * mean * mean);
                for (var j = 0; j < _m; j++)
                {
                    if (!_isLf[j]) continue;
                    var p = _firedOnClass[j * _k + c] / rows;
                    independent += rows * p * (1 - p);
                }
            }
            return independent > 0 ? observed / independent : null;
        }

        /// <summary>
        /// The warnings the rows added so far show; see <see cref="LfWarnings.Check"/>. <paramref name="rowsCommand"/> is the
        /// <c>snorkeler rows</c> command, with the run's inputs, that an LF voting on no row is told to check its condition
        /// with, and an LF below chance to look at its wrong rows with (so it names the gold column when there is one).
        /// </summary>
        public IReadOnlyList<Diagnostic> Warnings(IReadOnlyList<LabelingFunction>? lfs = null, string? goldColumn = null, string? rowsCommand = null)
        {
            var m = _m;
            var k = _k;
            var rows = _rows;
            var warnings = new List<Diagnostic>();
            SourceLocation? At(int j) => lfs?.FirstOrDefault(l => l.Name == _names[j])?.Location;
            string Name(int j) => _names[j];
            for (var j = 0; j < m; j++)
            {
                if (!_isLf[j]) continue;
                if (_coverage[j] == 0 && rows > 0)
                    warnings.Add(Warning(Codes.NeverVotes, $"LF '{Name(j)}' {(rows == 1 ? "does not vote on the one row" : $"votes on none of the {N(rows)} rows")}; check its condition against a few rows ('{rowsCommand ?? "snorkeler rows"} --lf {Name(j)} --vote ABSTAIN')", At(j)));
                else if (_coverage[j] == rows && rows > 1)
                {
                    var classes = Enumerable.Range(0, k).Where(c => _votesPerClass[j * k + c] > 0).ToList();
                    warnings.Add(Warning(Codes.AlwaysVotes, classes.Count == 1
                        ? $"LF '{Name(j)}' votes {_schema.NameOf(classes[0])} on every row, so it tells no row from another; an LF should abstain where it has no evidence"
                        : $"LF '{Name(j)}' votes on every row; an LF should abstain where it has no evidence (a catch-all rule last in the LF?)", At(j)));
                }
                var votesWithGold = Enumerable.Range(0, k).Sum(c => _labelledVotes[j * k + c]);
                if (_labelled == 0 || votesWithGold < BelowChanceVotes) continue;
                // Chance: an LF voting its classes as often as it does, but at random, is right with probability sum_c P(vote c) P(gold c).
                var chance = 0.0;
                for (var c = 0; c < k; c++) chance += (double)_labelledVotes[j * k + c] / votesWithGold * _goldCounts[c] / _labelled;
                var accuracy = (double)_correct[j] / votesWithGold;
                var error = Math.Sqrt(chance * (1 - chance) / votesWithGold);
                if (accuracy >= chance || chance - accuracy <= BelowChanceZ * error) continue;
                var voted = Enumerable.Range(0, k).Where(c => _labelledVotes[j * k + c] > 0).Select(_schema.NameOf).ToList();
                warnings.Add(Warning(Codes.BelowChance, string.Create(CultureInfo.InvariantCulture,
                    $"LF '{Name(j)}' is right on {N(_correct[j])} of the {N(votesWithGold)} labelled rows it votes on ({accuracy:0.00}), below chance ({chance:0.00}: voting {string.Join("/", voted)} at random would be right that often); is its class the wrong one? ('{rowsCommand ?? "snorkeler rows"} --lf {Name(j)} --wrong')"), At(j)));
            }
            if (_pairs)
            {
                var counted = _bothVote is not null
                    ? Enumerable.Range(0, m * m).Where(key => _bothVote[key] > 0).Select(key => ((long)key, _bothVote[key], _sameVote![key]))
                    : _sparsePairs!.OrderBy(p => p.Key).Select(p => (p.Key, p.Value.Both, p.Value.Same));
                // Identical LFs are named once per set of them: ten copies are one warning, not 45 pairs.
                var copyOf = Enumerable.Range(0, m).ToArray(); // per LF, the first LF it is identical to (itself if none)
                var copies = new List<int>[m];
                var pairWarnings = new List<(int CopiesOf, Diagnostic? Warning)>(); // in pair order; a set of copies at its first pair
                foreach (var (key, together, same) in counted)
                {
                    var a = (int)(key / m);
                    var b = (int)(key % m);
                    if (!_isLf[a] || !_isLf[b]) continue;
                    var either = _coverage[a] + _coverage[b] - together;
                    if (same == _coverage[a] && same == _coverage[b])
                    {
                        // Pairs come in order of a, then b: the first LF of a set meets every copy before any copy meets another.
                        if (copyOf[b] != b || copyOf[a] != a) continue;
                        copyOf[b] = a;
                        if (copies[a] is null) pairWarnings.Add((a, null));
                        (copies[a] ??= []).Add(b);
                    }
                    else if (either >= NearDuplicateRows && (double)same / either >= NearDuplicateAgreement)
                        pairWarnings.Add((-1, Warning(Codes.NearDuplicate, string.Create(CultureInfo.InvariantCulture,
                            $"LFs '{Name(a)}' and '{Name(b)}' vote the same on {N(same)} of the {N(either)} rows either votes on ({(double)same / either:0.0%}); the label model will count much of their evidence twice: keep one, or make them differ"), At(b))));
                }
                foreach (var (a, pair) in pairWarnings)
                {
                    if (pair is not null)
                    {
                        warnings.Add(pair);
                        continue;
                    }
                    var set = copies[a];
                    var b = set[^1];
                    warnings.Add(Warning(Codes.Duplicate, set.Count == 1
                        ? $"LFs '{Name(a)}' and '{Name(b)}' vote the same on every row, so the label model counts the same evidence twice; keep one"
                        : $"LFs '{Name(a)}', {string.Join(", ", set.Take(set.Count - 1).Select(j => $"'{Name(j)}'"))} and '{Name(b)}' vote the same on every row, so the label model counts the same evidence {set.Count + 1} times; keep one", At(b)));
                }
            }
            if (FireTogetherRatio() is >= FireTogetherThreshold and var ratio)
                warnings.Add(Warning(Codes.FireTogether, string.Create(CultureInfo.InvariantCulture,
                    $"the LFs fire together far more than the classes explain: on the {N(_labelled)} labelled rows the number of votes a row gets varies {ratio:0.0} times as much within a class as independent LFs would make it (LFs that copy one another, or busy rows drawing many votes and quiet ones few); models that take LFs as independent given the class (dawid-skene, snorkel, flyingsquid) can mistake busy rows for a class, so choose with gold: 'snorkeler fit --model auto --dev DEV', or compare against majority vote"), null));
            if (goldColumn is not null && lfs is not null)
                foreach (var lf in lfs.Where(l => l.Fields.Contains(goldColumn, StringComparer.OrdinalIgnoreCase)))
                    warnings.Add(Warning(Codes.ReadsGold, $"LF '{lf.Name}' reads '{goldColumn}', the column of gold labels: its votes copy the answers, and neither its accuracy nor the label model's can be trusted", lf.Location));
            return warnings;
        }
    }

    private static Diagnostic Warning(string code, string message, SourceLocation? at) => new(code, DiagnosticSeverity.Warning, message, at);

    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
