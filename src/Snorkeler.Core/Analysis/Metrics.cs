namespace Snorkeler.Analysis;

/// <summary>Scores of probabilistic labels against gold labels; rows whose gold label is -1 are left out.</summary>
public sealed record LabelScores
{
    /// <summary>Rows scored (with a gold label).</summary>
    public required long Rows { get; init; }
    /// <summary>The tie-break policy <see cref="Accuracy"/> used.</summary>
    public required TieBreak TieBreak { get; init; }
    /// <summary>Share of rows whose hard label equals the gold label (an abstained hard label counts as wrong).</summary>
    public required double Accuracy { get; init; }
    /// <summary>Mean over rows of 1/t when the gold label is among the t classes tied for the top probability, else 0.</summary>
    public required double ExpectedAccuracy { get; init; }
    /// <summary>Share of rows given a hard label other than -1.</summary>
    public required double Coverage { get; init; }
    /// <summary>Mean of -ln p(gold), with p clipped to [1e-15, 1].</summary>
    public required double LogLoss { get; init; }
    /// <summary>Mean over rows of Σ_c (p_c − [c = gold])².</summary>
    public required double Brier { get; init; }
    /// <summary>Per class: precision, recall, F1 and support.</summary>
    public required IReadOnlyList<ClassScores> Classes { get; init; }
    /// <summary>Unweighted mean of the classes' F1.</summary>
    public double MacroF1 => Classes.Count == 0 ? 0 : Classes.Average(c => c.F1);
    /// <summary>Unweighted mean of the classes' precision.</summary>
    public double MacroPrecision => Classes.Count == 0 ? 0 : Classes.Average(c => c.Precision);
    /// <summary>Unweighted mean of the classes' recall.</summary>
    public double MacroRecall => Classes.Count == 0 ? 0 : Classes.Average(c => c.Recall);
    /// <summary>Micro-averaged precision: true positives over predicted (non-abstain) labels.</summary>
    public required double MicroPrecision { get; init; }
    /// <summary>Micro-averaged recall: true positives over scored rows.</summary>
    public required double MicroRecall { get; init; }
    /// <summary>Harmonic mean of micro precision and recall.</summary>
    public double MicroF1 => F(MicroPrecision, MicroRecall);

    internal static double F(double p, double r) => p + r == 0 ? 0 : 2 * p * r / (p + r);
}

/// <summary>Precision, recall and F1 of one class.</summary>
public sealed record ClassScores(string Name, double Precision, double Recall, long Support)
{
    /// <summary>Harmonic mean of precision and recall.</summary>
    public double F1 => LabelScores.F(Precision, Recall);
}

/// <summary>
/// Accumulates scores row by row (or block by block), so probabilities for any number of rows can be
/// scored in constant memory.
/// </summary>
public sealed class MetricsAccumulator
{
    private readonly LabelSchema _schema;
    private readonly TieBreak _tieBreak;
    private readonly int _seed;
    private readonly long[] _truePositive, _predicted, _support;
    private long _rows, _correct, _labelled;
    private double _expected, _logLoss, _brier;

    /// <summary>Creates an accumulator for a schema and tie-break policy.</summary>
    public MetricsAccumulator(LabelSchema schema, TieBreak tieBreak = TieBreak.Abstain, int seed = 0)
    {
        _schema = Guard.NotNull(schema);
        _tieBreak = tieBreak;
        _seed = seed;
        _truePositive = new long[schema.Cardinality];
        _predicted = new long[schema.Cardinality];
        _support = new long[schema.Cardinality];
    }

    /// <summary>Adds one row: its probabilities, gold label (-1 skips the row) and index (for the seeded tie-break).</summary>
    public void Add(ReadOnlySpan<double> probabilities, int gold, long rowIndex)
    {
        if (gold < 0) return;
        var k = _schema.Cardinality;
        if (probabilities.Length != k) throw new ArgumentException($"{probabilities.Length} probabilities for {k} classes", nameof(probabilities));
        _rows++;
        _support[gold]++;
        var hard = HardLabels.Choose(probabilities, rowIndex, _tieBreak, _seed);
        if (hard >= 0)
        {
            _labelled++;
            _predicted[hard]++;
            if (hard == gold) { _correct++; _truePositive[gold]++; }
        }
        var tied = HardLabels.TopCount(probabilities, gold, out var contains);
        if (contains) _expected += 1.0 / tied;
        _logLoss -= Math.Log(Math.Clamp(probabilities[gold], 1e-15, 1.0));
        for (var c = 0; c < k; c++)
        {
            var d = probabilities[c] - (c == gold ? 1 : 0);
            _brier += d * d;
        }
    }

    /// <summary>Adds a block of rows: probabilities row-major (rows × k).</summary>
    public void Add(ReadOnlySpan<double> probabilities, ReadOnlySpan<int> gold, long firstRow)
    {
        var k = _schema.Cardinality;
        for (var i = 0; i < gold.Length; i++) Add(probabilities.Slice(i * k, k), gold[i], firstRow + i);
    }

    /// <summary>The scores so far.</summary>
    public LabelScores Result()
    {
        double Div(double a, double b) => b == 0 ? 0 : a / b;
        var classes = new ClassScores[_schema.Cardinality];
        for (var c = 0; c < classes.Length; c++)
            classes[c] = new ClassScores(_schema.ClassNames[c], Div(_truePositive[c], _predicted[c]), Div(_truePositive[c], _support[c]), _support[c]);
        return new LabelScores
        {
            Rows = _rows,
            TieBreak = _tieBreak,
            Accuracy = Div(_correct, _rows),
            ExpectedAccuracy = Div(_expected, _rows),
            Coverage = Div(_labelled, _rows),
            LogLoss = Div(_logLoss, _rows),
            Brier = Div(_brier, _rows),
            Classes = classes,
            MicroPrecision = Div(_correct, _labelled),
            MicroRecall = Div(_correct, _rows),
        };
    }
}
