namespace Snorkeler.Analysis;

/// <summary>
/// What a label model's probabilities say about a matrix, accumulated block by block: each LF's
/// <i>learned</i> accuracy (the mean, over the rows it votes on, of the model's probability that its vote
/// is right), the distribution of the model's confidence (its top probability per row), and the class
/// balance of the hard labels. Model-agnostic: it needs only votes and probabilities.
/// </summary>
public sealed class ModelDiagnostics
{
    /// <summary>Bins of the confidence histogram, over [1/k, 1].</summary>
    public const int ConfidenceBins = 10;

    private readonly int _k;
    private readonly double[] _agreement;
    private readonly long[] _votes;

    /// <summary>Creates an empty accumulator for a matrix with <paramref name="lfCount"/> LFs.</summary>
    public ModelDiagnostics(LabelSchema schema, int lfCount)
    {
        Schema = Guard.NotNull(schema);
        _k = schema.Cardinality;
        _agreement = new double[lfCount];
        _votes = new long[lfCount];
        Confidence = new long[ConfidenceBins];
        PredictedClasses = new long[_k];
    }

    /// <summary>The classes.</summary>
    public LabelSchema Schema { get; }

    /// <summary>Rows seen.</summary>
    public long Rows { get; private set; }

    /// <summary>Rows per confidence bin: bin b holds top probabilities in [1/k + b·w, 1/k + (b+1)·w), w = (1 − 1/k)/bins.</summary>
    public long[] Confidence { get; }

    /// <summary>Rows per class of the most probable class (ties to the lowest class).</summary>
    public long[] PredictedClasses { get; }

    /// <summary>Per LF, the model's mean probability that the LF's vote is right (NaN when it never votes).</summary>
    public IReadOnlyList<double> LearnedAccuracy => _agreement.Select((a, j) => _votes[j] == 0 ? double.NaN : a / _votes[j]).ToArray();

    /// <summary>Adds a block and its probabilities (rows × k, row-major).</summary>
    public void Add(LabelMatrix block, ReadOnlySpan<double> probabilities)
    {
        var m = block.LfCount;
        var lfs = new int[m];
        var votes = new int[m];
        var low = 1.0 / _k;
        for (var i = 0; i < block.RowCount; i++)
        {
            var p = probabilities.Slice(i * _k, _k);
            var n = block.CopyVotes(i, lfs, votes);
            for (var v = 0; v < n; v++)
            {
                _agreement[lfs[v]] += p[votes[v]];
                _votes[lfs[v]]++;
            }
            var top = 0;
            for (var c = 1; c < _k; c++) if (p[c] > p[top]) top = c;
            PredictedClasses[top]++;
            var bin = (int)((p[top] - low) / (1 - low) * ConfidenceBins);
            Confidence[Math.Clamp(bin, 0, ConfidenceBins - 1)]++;
            Rows++;
        }
    }
}
