using System.Text.Json.Nodes;
using Snorkeler.LabelModels.Internal;

namespace Snorkeler.LabelModels;

/// <summary>
/// Base of the models whose posterior is <c>P(Y = c | row) ∝ exp(log p_c + Σ_{j: L_j ≠ -1} T[j, L_j, c])</c>
/// (moment matching, Dawid–Skene, weighted vote). The table T is precomputed once, so prediction adds
/// k numbers per non-abstain vote; a row where every LF abstained gets the prior (times the model's
/// optional per-class base score, which Dawid–Skene uses for the likelihood of abstaining).
/// </summary>
public abstract class LogLinearModel : ILabelModel
{
    private readonly double[] _table;
    private readonly double[] _logPrior;
    private readonly double[] _prior;

    /// <summary>Creates the model; <paramref name="table"/> is (m · k) × k row-major: entry ((j·k + a)·k + c) is LF j's score for class c when it votes a.</summary>
    private protected LogLinearModel(LabelSchema schema, IReadOnlyList<string> lfNames, IReadOnlyList<double> prior, double[] table, double[]? baseScores = null)
    {
        Schema = Guard.NotNull(schema);
        LfNames = Guard.NotNull(lfNames).ToArray();
        _prior = LabelModels.ClassPrior.Validate(prior, schema.Cardinality);
        _logPrior = _prior.Select(v => Math.Log(v)).ToArray();
        var k = schema.Cardinality;
        if (baseScores is not null)
        {
            if (baseScores.Length != k || baseScores.Any(b => !double.IsFinite(b))) throw new SnorkelerException($"the base scores must be {k} finite numbers");
            for (var c = 0; c < k; c++) _logPrior[c] += baseScores[c];
        }
        if (table.Length != (long)LfNames.Count * k * k) throw new SnorkelerException($"the score table has {table.Length} entries, expected {LfNames.Count * k * k}");
        if (table.Any(t => !double.IsFinite(t))) throw new SnorkelerException("the score table has a value that is not finite");
        _table = table;
    }

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public LabelSchema Schema { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> LfNames { get; }

    /// <inheritdoc />
    public IReadOnlyList<double> ClassPrior => _prior;

    /// <inheritdoc />
    public void PredictProbabilities(LabelMatrix block, Span<double> probabilities)
    {
        Guard.NotNull(block);
        var k = Schema.Cardinality;
        var m = LfNames.Count;
        if (block.LfCount != m) throw new SnorkelerException($"the block has {block.LfCount} LFs but the model was fitted on {m}");
        if (probabilities.Length < (long)block.RowCount * k) throw new ArgumentException($"room for {probabilities.Length} probabilities, need {block.RowCount * k}", nameof(probabilities));
        var rows = block.RowCount;
        if (rows >= 2 * SliceRows && Environment.ProcessorCount > 1)
        {
            // Rows are independent: large blocks are predicted in parallel slices (into a scratch array, since a span cannot be shared).
            var scratch = System.Buffers.ArrayPool<double>.Shared.Rent(rows * k);
            try
            {
                var slices = (rows + SliceRows - 1) / SliceRows;
                Parallel.For(0, slices, s => PredictRows(block, scratch.AsSpan(0, rows * k), s * SliceRows, Math.Min(rows, (s + 1) * SliceRows)));
                scratch.AsSpan(0, rows * k).CopyTo(probabilities);
            }
            finally { System.Buffers.ArrayPool<double>.Shared.Return(scratch); }
        }
        else PredictRows(block, probabilities, 0, rows);
    }

    private const int SliceRows = 8192;

    private void PredictRows(LabelMatrix block, Span<double> probabilities, int from, int to)
    {
        var k = Schema.Cardinality;
        var m = LfNames.Count;
        var table = _table.AsSpan();
        int[]? lfs = block.IsNarrow ? null : new int[m];
        int[]? labels = block.IsNarrow ? null : new int[m];
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
            }
            Normalise(row);
        }
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
