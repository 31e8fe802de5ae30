using System.Text.Json.Nodes;
using Snorkeler.LabelModels.Internal;

namespace Snorkeler.LabelModels;

/// <summary>
/// Base of the models whose posterior is <c>P(Y = c | row) ∝ exp(log p_c + Σ_{j: L_j ≠ -1} T[j, L_j, c])</c>
/// (moment matching, Dawid–Skene, weighted vote). The table T is precomputed once, so prediction adds
/// k numbers per non-abstain vote; a row where every LF abstained gets the prior (times the model's
/// optional per-class base score, which Dawid–Skene uses for the likelihood of abstaining). Optional pair
/// corrections (<see cref="PairCorrection"/>) add a term for each dependent pair of LFs that both voted.
/// </summary>
public abstract class LogLinearModel : ILabelModel
{
    private readonly double[] _table;
    private readonly double[] _logPrior;
    private readonly double[] _prior;
    private readonly PairCorrection[] _pairs;

    /// <summary>Creates the model; <paramref name="table"/> is (m · k) × k row-major: entry ((j·k + a)·k + c) is LF j's score for class c when it votes a.</summary>
    private protected LogLinearModel(LabelSchema schema, IReadOnlyList<string> lfNames, IReadOnlyList<double> prior, double[] table, double[]? baseScores = null,
        IReadOnlyList<PairCorrection>? pairs = null)
    {
        Schema = Guard.NotNull(schema);
        LfNames = Guard.NotNull(lfNames).ToArray();
        _prior = LabelModels.ClassPrior.Validate(prior, schema.Cardinality);
        _logPrior = _prior.Select(v => Math.Log(v)).ToArray();
        var k = schema.Cardinality;
        if (baseScores is not null)
        {
            if (baseScores.Length != k || baseScores.Any(b => !double.IsFinite(b))) throw new SnorkelerException($"the base scores must be {Text.Listing.Counted(k, "finite number")}");
            for (var c = 0; c < k; c++) _logPrior[c] += baseScores[c];
        }
        if (table.Length != (long)LfNames.Count * k * k) throw new SnorkelerException($"the score table has {table.Length:N0} entries, expected {(long)LfNames.Count * k * k:N0}");
        foreach (var t in table)
            if (!double.IsFinite(t)) throw new SnorkelerException("the score table has a value that is not finite");
        _table = table;
        _pairs = pairs?.ToArray() ?? [];
        foreach (var pair in _pairs)
            if (pair.First < 0 || pair.First >= pair.Second || pair.Second >= LfNames.Count || pair.LogRatio.Length != k * k * k || pair.LogRatio.Any(v => !double.IsFinite(v)))
                throw new SnorkelerException($"a pair correction must join two of the {Text.Listing.Counted(LfNames.Count, "LF")} in order with {Text.Listing.Counted((long)k * k * k, "finite term")}");
    }

    /// <summary>The score table given at construction (read only), for a model of the same LFs under another prior.</summary>
    private protected double[] ScoreTable => _table;

    /// <summary>The corrections for dependent LF pairs (empty for a model of independent LFs).</summary>
    public IReadOnlyList<PairCorrection> PairCorrections => _pairs;

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public LabelSchema Schema { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> LfNames { get; }

    /// <inheritdoc />
    public IReadOnlyList<double> ClassPrior => _prior;

    /// <summary>Per class: the log-prior plus the base score, the unnormalised log-probability of a row where no LF votes.</summary>
    private protected ReadOnlySpan<double> SilentRowScores => _logPrior;

    /// <inheritdoc />
    public void PredictProbabilities(LabelMatrix block, Span<double> probabilities)
    {
        LabelModel.CheckBlock(this, block, probabilities);
        var k = Schema.Cardinality;
        var rows = block.RowCount;
        if (rows >= 2 * SliceRows && Environment.ProcessorCount > 1)
        {
            // Rows are independent: large blocks are predicted in parallel slices (into a scratch array, since a span cannot be shared).
            var scratch = System.Buffers.ArrayPool<double>.Shared.Rent(rows * k);
            try
            {
                var slices = (rows + SliceRows - 1) / SliceRows;
                Threading.CallerFirst.For(slices, s => PredictRows(block, scratch.AsSpan(0, rows * k), s * SliceRows, Math.Min(rows, (s + 1) * SliceRows)));
                scratch.AsSpan(0, rows * k).CopyTo(probabilities);
            }
            finally { System.Buffers.ArrayPool<double>.Shared.Return(scratch); }
        }
        else PredictRows(block, probabilities, 0, rows);
    }

    private const int SliceRows = 8192;

    /// <summary>
    /// The unnormalised log-posterior of one row given as its votes (LF <paramref name="lfs"/>[e] voted
    /// <paramref name="labels"/>[e]), into <paramref name="scores"/> (k entries): what <see cref="PredictProbabilities"/>
    /// normalises, for callers that hold rows as vote lists rather than as a matrix.
    /// </summary>
    internal void ScoreVotes(ReadOnlySpan<int> lfs, ReadOnlySpan<int> labels, Span<double> scores)
    {
        var k = Schema.Cardinality;
        if (_pairs.Length > 0) throw new InvalidOperationException("ScoreVotes does not add pair corrections");
        _logPrior.CopyTo(scores);
        for (var e = 0; e < lfs.Length; e++)
        {
            var t = _table.AsSpan((lfs[e] * k + labels[e]) * k, k);
            for (var c = 0; c < k; c++) scores[c] += t[c];
        }
    }

    private void PredictRows(LabelMatrix block, Span<double> probabilities, int from, int to)
    {
        var k = Schema.Cardinality;
        var m = LfNames.Count;
        if (block.IsNarrow && k == 3)
        {
            PredictNarrowThree(block, probabilities, from, to);
            return;
        }
        var table = _table.AsSpan();
        int[]? lfs = block.IsNarrow ? null : new int[m];
        int[]? labels = block.IsNarrow ? null : new int[m];
        var label = _pairs.Length == 0 || block.IsNarrow ? null : Enumerable.Repeat(-1, m).ToArray();
        for (var i = from; i < to; i++)
        {
            var row = probabilities.Slice(i * k, k);
            _logPrior.CopyTo(row);
            if (lfs is null)
            {
                var votes = block.NarrowRow(i);
                for (var j = 0; j < votes.Length; j++)
                {
                    var a = votes[j];
                    if (a < 0) continue;
                    var t = table.Slice((j * k + a) * k, k);
                    for (var c = 0; c < k; c++) row[c] += t[c];
                }
                foreach (var pair in _pairs)
                    AddPair(row, pair, votes[pair.First], votes[pair.Second], k);
            }
            else
            {
                // Wide and sparse blocks: only the votes present.
                var n = block.CopyVotes(i, lfs, labels!);
                for (var e = 0; e < n; e++)
                {
                    var t = table.Slice((lfs[e] * k + labels![e]) * k, k);
                    for (var c = 0; c < k; c++) row[c] += t[c];
                }
                if (label is not null)
                {
                    for (var e = 0; e < n; e++) label[lfs[e]] = labels![e];
                    foreach (var pair in _pairs) AddPair(row, pair, label[pair.First], label[pair.Second], k);
                    for (var e = 0; e < n; e++) label[lfs[e]] = -1;
                }
            }
            Normalise(row);
        }
    }

    /// <summary>
    /// <see cref="PredictRows"/> for dense one-byte votes and three classes, the common large case: the three sums are
    /// kept in registers rather than in the row (the same additions in the same order, so the same probabilities).
    /// </summary>
    /// <remarks>Compiled fully optimised at its first call rather than run as ReadyToRun code until tier 1 (measured: predict 0.65 → 0.61 s wall, docs/benchmarks.md).</remarks>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void PredictNarrowThree(LabelMatrix block, Span<double> probabilities, int from, int to)
    {
        var m = LfNames.Count;
        ReadOnlySpan<double> table = _table;
        var votes = block.NarrowVotes;
        var (p0, p1, p2) = (_logPrior[0], _logPrior[1], _logPrior[2]);
        for (var i = from; i < to; i++)
        {
            var rowVotes = votes.Slice(i * m, m);
            double s0 = p0, s1 = p1, s2 = p2;
            for (var j = 0; j < rowVotes.Length; j++)
            {
                var a = rowVotes[j];
                if (a < 0) continue;
                var t = table.Slice((j * 3 + a) * 3, 3);
                s0 += t[0];
                s1 += t[1];
                s2 += t[2];
            }
            var row = probabilities.Slice(i * 3, 3);
            row[0] = s0;
            row[1] = s1;
            row[2] = s2;
            foreach (var pair in _pairs) AddPair(row, pair, rowVotes[pair.First], rowVotes[pair.Second], 3);
            Normalise(row);
        }
    }

    private static void AddPair(Span<double> row, PairCorrection pair, int a, int b, int k)
    {
        if (a < 0 || b < 0) return;
        var terms = pair.LogRatio.AsSpan((a * k + b) * k, k);
        for (var c = 0; c < k; c++) row[c] += terms[c];
    }

    /// <summary>Turns a row's scores into probabilities (softmax by default).</summary>
    private protected virtual void Normalise(Span<double> scores)
    {
        if (scores.Length == 2)
        {
            // Two classes: p_1 = σ(s_1 − s_0).
            var p1 = 1.0 / (1.0 + Math.Exp(scores[0] - scores[1]));
            scores[0] = 1.0 - p1;
            scores[1] = p1;
        }
        else Numerics.SoftmaxInPlace(scores);
    }

    /// <inheritdoc />
    public abstract JsonObject SaveParameters();
}
