using System.Globalization;
using System.Text.Json.Nodes;
using Snorkeler.LabelModels.Internal;

namespace Snorkeler.LabelModels;

/// <summary>Options of the Dawid–Skene model (<c>dawid-skene</c>).</summary>
public sealed record DawidSkeneOptions
{
    /// <summary>Most EM iterations (<c>--max-iter</c>, 1..100,000; default 100).</summary>
    public int MaxIterations { get; init; } = 100;

    /// <summary>Stop when the log-likelihood changes by less than this fraction of itself (<c>--tol</c>, ≥ 0; default 1e-6).</summary>
    public double Tolerance { get; init; } = 1e-6;

    /// <summary>Additive smoothing of every confusion-matrix count and class count (<c>--smoothing</c>, &gt; 0; default 0.01).</summary>
    public double Smoothing { get; init; } = 0.01;

    /// <summary>The prior when no explicit prior or labelled dev split is given (<c>--prior-estimate</c>: em (default: EM learns it), uniform, mv).</summary>
    public PriorEstimate PriorEstimate { get; init; } = PriorEstimate.Em;

    /// <summary>Reads the options from the command line's <c>--name value</c> pairs.</summary>
    public static DawidSkeneOptions From(ModelOptions options)
    {
        Guard.NotNull(options);
        var d = new DawidSkeneOptions();
        return new DawidSkeneOptions
        {
            MaxIterations = options.Integer("max-iter", d.MaxIterations, 1, 100_000),
            Tolerance = options.Number("tol", d.Tolerance, 0),
            Smoothing = options.Number("smoothing", d.Smoothing, 1e-12, 1e6),
            PriorEstimate = ClassPrior.ReadEstimate(options, PriorEstimate.Em),
        };
    }

    /// <summary>The options as command-line name/value pairs.</summary>
    public IReadOnlyDictionary<string, string> ToOptionValues() => new Dictionary<string, string>
    {
        ["max-iter"] = MaxIterations.ToString(CultureInfo.InvariantCulture),
        ["tol"] = Tolerance.ToString("R", CultureInfo.InvariantCulture),
        ["smoothing"] = Smoothing.ToString("R", CultureInfo.InvariantCulture),
        ["prior-estimate"] = ClassPrior.OptionValue(PriorEstimate),
    };
}

/// <summary>
/// Fits Dawid–Skene (1979): each LF j has a confusion matrix <c>π_j[c, a] = P(L_j = a | Y = c)</c> over the
/// k classes and abstain (abstaining is an outcome, so an LF that only ever votes one class is still
/// informative), learned by EM initialised from majority vote, with additive smoothing. The class prior is
/// fixed when given or taken from a labelled dev split, else learned by EM (or per <c>prior-estimate</c>).
/// Rows are grouped by vote pattern (read block by block), so each EM pass costs one step per distinct
/// pattern, not per row.
/// </summary>
public sealed class DawidSkeneTrainer : ILabelModelTrainer
{
    /// <summary>The command-line name.</summary>
    public const string ModelName = "dawid-skene";

    /// <summary>Creates the trainer (defaults when <paramref name="options"/> is null).</summary>
    public DawidSkeneTrainer(DawidSkeneOptions? options = null) => Options = options ?? new DawidSkeneOptions();

    /// <summary>The options.</summary>
    public DawidSkeneOptions Options { get; }

    /// <inheritdoc />
    public string Name => ModelName;

    /// <inheritdoc />
    public ILabelModel Fit(IMatrixSource train, FitContext context) => FitModel(train, context);

    /// <summary>Fits the model (typed result).</summary>
    public DawidSkeneModel FitModel(IMatrixSource train, FitContext context)
    {
        Guard.NotNull(train);
        Guard.NotNull(context);
        var k = train.Schema.Cardinality;
        var m = train.LfNames.Count;
        if (m == 0) throw new SnorkelerException("dawid-skene: the label matrix has no LFs");
        if ((long)m * k * (k + 1) > 1L << 27) throw new SnorkelerException($"dawid-skene: {m} LFs × {k} classes need too many confusion-matrix entries");
        double[]? fixedPrior = null;
        if (context.Prior is not null || context.Dev is { HasGold: true }) fixedPrior = ClassPrior.Resolve(train.Schema, context);
        else if (Options.PriorEstimate != PriorEstimate.Em) fixedPrior = ClassPrior.Estimate(train, context, Options.PriorEstimate);
        var patterns = VotePatterns.Read(train, context.Cancellation);
        if (patterns.Rows == 0) throw new SnorkelerException("dawid-skene: the training matrix has no rows");
        var (prior, logConfusion, iterations, ll) = Em(patterns, m, k, fixedPrior, context);
        context.Log?.Invoke($"dawid-skene: {patterns.Count} distinct vote patterns in {patterns.Rows} rows; {iterations} EM iterations, log-likelihood {ll:G8}");
        return new DawidSkeneModel(train.Schema, train.LfNames, prior, logConfusion.Select(v => Math.Exp(v)).ToArray());
    }

    /// <summary>The class balance EM learns from the training matrix with default options (the <c>em</c> prior estimate).</summary>
    public static double[] EstimatePrior(IMatrixSource train, FitContext context)
    {
        Guard.NotNull(train);
        var patterns = VotePatterns.Read(train, context.Cancellation);
        if (patterns.Rows == 0) return ClassPrior.Uniform(train.Schema.Cardinality);
        return new DawidSkeneTrainer().Em(patterns, train.LfNames.Count, train.Schema.Cardinality, null, context with { Log = null }).Prior;
    }

    private (double[] Prior, double[] LogConfusion, int Iterations, double LogLikelihood) Em(VotePatterns patterns, int m, int k, double[]? fixedPrior, FitContext context)
    {
        var s = Options.Smoothing;
        var width = k + 1; // outcomes: classes 0..k-1, then abstain
        var q = new double[patterns.Count * k];
        // Initialise q from majority vote (ties share; no votes: uniform).
        for (var t = 0; t < patterns.Count; t++)
        {
            var row = q.AsSpan(t * k, k);
            var (start, end) = patterns.Range(t);
            for (var v = start; v < end; v++) row[patterns.Labels[v]] += 1;
            var max = 0.0;
            foreach (var x in row) max = Math.Max(max, x);
            var tied = 0;
            foreach (var x in row) if (x == max) tied++;
            for (var c = 0; c < k; c++) row[c] = row[c] == max ? 1.0 / tied : 0;
        }
        var prior = fixedPrior ?? new double[k];
        var logConfusion = new double[m * k * width];
        var counts = new double[m * k * k];
        var classTotals = new double[k];
        var scores = new double[k];
        var baseScore = new double[k];
        var previous = double.NegativeInfinity;
        var ll = 0.0;
        var iteration = 0;
        while (iteration < Options.MaxIterations)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            iteration++;
            // M-step: soft counts of (LF, class, vote); abstains are the rest of each class's total.
            Array.Clear(counts);
            Array.Clear(classTotals);
            for (var t = 0; t < patterns.Count; t++)
            {
                var w = patterns.Counts[t];
                var row = q.AsSpan(t * k, k);
                for (var c = 0; c < k; c++) classTotals[c] += w * row[c];
                var (start, end) = patterns.Range(t);
                for (var v = start; v < end; v++)
                {
                    var at = (patterns.Lfs[v] * k + patterns.Labels[v]) * k;
                    for (var c = 0; c < k; c++) counts[at + c] += w * row[c];
                }
            }
            if (fixedPrior is null)
            {
                var total = classTotals.Sum() + k * s;
                for (var c = 0; c < k; c++) prior[c] = (classTotals[c] + s) / total;
            }
            for (var j = 0; j < m; j++)
            for (var c = 0; c < k; c++)
            {
                var voted = 0.0;
                for (var a = 0; a < k; a++) voted += counts[(j * k + a) * k + c];
                var abstained = Math.Max(0, classTotals[c] - voted);
                var denominator = classTotals[c] + width * s;
                for (var a = 0; a < k; a++) logConfusion[(j * k + c) * width + a] = Math.Log((counts[(j * k + a) * k + c] + s) / denominator);
                logConfusion[(j * k + c) * width + k] = Math.Log((abstained + s) / denominator);
            }
            // E-step.
            for (var c = 0; c < k; c++)
            {
                baseScore[c] = Math.Log(prior[c]);
                for (var j = 0; j < m; j++) baseScore[c] += logConfusion[(j * k + c) * width + k];
            }
            ll = 0;
            for (var t = 0; t < patterns.Count; t++)
            {
                baseScore.CopyTo(scores, 0);
                var (start, end) = patterns.Range(t);
                for (var v = start; v < end; v++)
                {
                    var j = patterns.Lfs[v];
                    var a = patterns.Labels[v];
                    for (var c = 0; c < k; c++) scores[c] += logConfusion[(j * k + c) * width + a] - logConfusion[(j * k + c) * width + k];
                }
                var max = scores.Max();
                var sum = 0.0;
                for (var c = 0; c < k; c++) sum += Math.Exp(scores[c] - max);
                ll += patterns.Counts[t] * (max + Math.Log(sum));
                for (var c = 0; c < k; c++) q[t * k + c] = Math.Exp(scores[c] - max) / sum;
            }
            if (Math.Abs(ll - previous) <= Options.Tolerance * Math.Abs(ll)) break;
            previous = ll;
        }
        return (prior.ToArray(), logConfusion, iteration, ll);
    }
}

/// <summary>
/// A fitted Dawid–Skene model: <c>P(Y = c | row) ∝ p_c Π_j π_j[c, L_j]</c>, abstains included as an outcome
/// (so a row where every LF abstained gets <c>p_c Π_j π_j[c, abstain]</c>, normalised).
/// </summary>
public sealed class DawidSkeneModel : LogLinearModel
{
    private readonly double[] _confusion;

    internal DawidSkeneModel(LabelSchema schema, IReadOnlyList<string> lfNames, IReadOnlyList<double> prior, double[] confusion)
        : base(schema, lfNames, prior, Table(confusion, lfNames.Count, schema.Cardinality), BaseScores(confusion, lfNames.Count, schema.Cardinality))
        => _confusion = confusion;

    /// <inheritdoc />
    public override string Name => DawidSkeneTrainer.ModelName;

    /// <summary>π_j[c, a] = P(L_j = a | Y = c); <paramref name="vote"/> = -1 gives the probability of abstaining.</summary>
    public double Confusion(int lf, int cls, int vote)
    {
        var k = Schema.Cardinality;
        return _confusion[(lf * k + cls) * (k + 1) + (vote < 0 ? k : vote)];
    }

    private static double[] Table(double[] confusion, int m, int k)
    {
        var table = new double[m * k * k];
        for (var j = 0; j < m; j++)
        for (var a = 0; a < k; a++)
        for (var c = 0; c < k; c++)
            table[(j * k + a) * k + c] = Math.Log(confusion[(j * k + c) * (k + 1) + a]) - Math.Log(confusion[(j * k + c) * (k + 1) + k]);
        return table;
    }

    private static double[] BaseScores(double[] confusion, int m, int k)
    {
        var scores = new double[k];
        for (var c = 0; c < k; c++)
            for (var j = 0; j < m; j++) scores[c] += Math.Log(confusion[(j * k + c) * (k + 1) + k]);
        return scores;
    }

    /// <inheritdoc />
    public override JsonObject SaveParameters() => new() { ["confusion"] = Parameters.ToJson(_confusion, Schema.Cardinality + 1) };

    internal static DawidSkeneModel Load(LabelSchema schema, IReadOnlyList<string> lfNames, IReadOnlyList<double> prior, JsonObject parameters)
    {
        var k = schema.Cardinality;
        var confusion = Parameters.Matrix(parameters, "confusion", lfNames.Count * k, k + 1, 0, 1);
        for (var r = 0; r < lfNames.Count * k; r++)
        {
            var sum = 0.0;
            for (var a = 0; a <= k; a++)
            {
                if (confusion[r * (k + 1) + a] <= 0) throw new SnorkelerException($"parameter 'confusion' row {r} has a probability that is not positive");
                sum += confusion[r * (k + 1) + a];
            }
            if (Math.Abs(sum - 1) > 1e-6) throw new SnorkelerException($"parameter 'confusion' row {r} sums to {sum}, not 1");
        }
        return new DawidSkeneModel(schema, lfNames, prior, confusion);
    }
}

/// <summary>The distinct vote patterns of a matrix with their row counts, in first-seen order (deterministic).</summary>
internal sealed class VotePatterns
{
    private readonly List<int> _starts = [0];

    public List<int> Lfs { get; } = [];
    public List<int> Labels { get; } = [];
    public List<long> Counts { get; } = [];
    public long Rows { get; private set; }
    public int Count => Counts.Count;

    public (int Start, int End) Range(int pattern) => (_starts[pattern], _starts[pattern + 1]);

    public static VotePatterns Read(IMatrixSource source, CancellationToken cancellation)
    {
        var patterns = new VotePatterns();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var m = source.LfNames.Count;
        var row = new int[m];
        var key = new char[m];
        foreach (var block in source.ReadBlocks())
        {
            cancellation.ThrowIfCancellationRequested();
            for (var i = 0; i < block.RowCount; i++)
            {
                block.CopyRow(i, row);
                for (var j = 0; j < m; j++) key[j] = (char)(row[j] + 1);
                var text = new string(key);
                if (index.TryGetValue(text, out var t)) patterns.Counts[t]++;
                else
                {
                    index[text] = patterns.Count;
                    for (var j = 0; j < m; j++)
                        if (row[j] >= 0) { patterns.Lfs.Add(j); patterns.Labels.Add(row[j]); }
                    patterns._starts.Add(patterns.Lfs.Count);
                    patterns.Counts.Add(1);
                }
            }
            patterns.Rows += block.RowCount;
        }
        return patterns;
    }
}
