using System.Text.Json.Nodes;
using Snorkeler.LabelModels.Internal;

namespace Snorkeler.LabelModels;

/// <summary>Options of the FlyingSquid triplet model (<c>flyingsquid</c>).</summary>
public sealed record FlyingSquidOptions
{
    /// <summary>For each LF, triplets are formed with at most this many partner LFs, those it co-votes with most (<c>--partners</c>, 2..1,000; default 24).</summary>
    public int Partners { get; init; } = 24;

    /// <summary>Triplets whose denominator |E[λ_j λ_l]| is below this are skipped as unstable (<c>--min-correlation</c>, [0, 1); default 0.1).</summary>
    public double MinCorrelation { get; init; } = 0.1;

    /// <summary>Accuracy P(L_j = Y | L_j votes) given to an LF that votes but has no usable triplet (<c>--fallback-accuracy</c>, [0.5, 1); default 0.7).</summary>
    public double FallbackAccuracy { get; init; } = 0.7;

    /// <summary>Accuracies are clamped to at most this (<c>--max-accuracy</c>, (0.5, 1); default 0.99).</summary>
    public double MaxAccuracy { get; init; } = 0.99;

    /// <summary>The prior when no explicit prior or labelled dev split is given (<c>--prior-estimate</c>: uniform (default), mv, em).</summary>
    public PriorEstimate PriorEstimate { get; init; } = PriorEstimate.Uniform;

    /// <summary>Reads the options from the command line's <c>--name value</c> pairs.</summary>
    public static FlyingSquidOptions From(ModelOptions options)
    {
        Guard.NotNull(options);
        var d = new FlyingSquidOptions();
        return new FlyingSquidOptions
        {
            Partners = options.Integer("partners", d.Partners, 2, 1000),
            MinCorrelation = options.Number("min-correlation", d.MinCorrelation, 0, 0.999),
            FallbackAccuracy = options.Number("fallback-accuracy", d.FallbackAccuracy, 0.5, 0.999),
            MaxAccuracy = options.Number("max-accuracy", d.MaxAccuracy, 0.5000001, 0.9999999),
            PriorEstimate = ClassPrior.ReadEstimate(options),
        };
    }
}

/// <summary>
/// FlyingSquid (Fu et al., ICML 2020): closed-form accuracies from triplets, no iteration. For each class c
/// (one-vs-rest; for two classes the two tasks coincide) votes become λ = +1 (votes c), −1 (votes another
/// class), 0 (abstains). With conditionally independent LFs, E[λ_i λ_j] = a_i a_j over rows where both vote,
/// so <c>|a_i| = sqrt(|E[λ_i λ_j] E[λ_i λ_l] / E[λ_j λ_l]|)</c>; the median over triplets is taken, and every
/// LF is assumed better than random (a_i ≥ 0). LF accuracy in that task is (1 + a_i) / 2, its weight the
/// log-odds w = log(α / (1 − α)). Prediction: per class <c>σ(log(p_c / (1 − p_c)) + Σ_j ±w^c_j)</c>, normalised
/// over classes. Fits from <see cref="SufficientStatistics"/> (one pass over the rows). Needs at least 3 LFs.
/// Limitation: LFs that only ever vote one class (common in practice) always agree or disagree where they
/// overlap, so their accuracies come out near 1 and the model behaves like a prior-tie-broken majority vote.
/// </summary>
public sealed class FlyingSquidTrainer : IStatisticsTrainer
{
    /// <summary>The command-line name.</summary>
    public const string ModelName = "flyingsquid";

    /// <summary>Creates the trainer (defaults when <paramref name="options"/> is null).</summary>
    public FlyingSquidTrainer(FlyingSquidOptions? options = null) => Options = options ?? new FlyingSquidOptions();

    /// <summary>The options.</summary>
    public FlyingSquidOptions Options { get; }

    /// <inheritdoc />
    public string Name => ModelName;

    /// <inheritdoc />
    ILabelModel IStatisticsTrainer.Fit(SufficientStatistics statistics, FitContext context) => Fit(statistics, context);

    /// <inheritdoc />
    public ILabelModel Fit(IMatrixSource train, FitContext context)
    {
        Guard.NotNull(train);
        Guard.NotNull(context);
        CheckShape(train.LfNames.Count, context);
        var prior = ClassPrior.Resolve(train, context, Options.PriorEstimate, FlyingSquidTrainer.ModelName);
        return FitWithPrior(SufficientStatistics.Compute(train, context.Cancellation), context, prior);
    }

    /// <summary>Fits from (merged) statistics; the prior must come from the context or be uniform.</summary>
    public FlyingSquidModel Fit(SufficientStatistics statistics, FitContext context)
    {
        Guard.NotNull(statistics);
        Guard.NotNull(context);
        CheckShape(statistics.LfCount, context);
        if (context.Prior is null && context.Dev is not { HasGold: true } && Options.PriorEstimate != PriorEstimate.Uniform)
            throw new SnorkelerException("flyingsquid: --prior-estimate mv or em needs the label matrix, not only its statistics; give --prior or a labelled dev split");
        return FitWithPrior(statistics, context, ClassPrior.Resolve(statistics.Schema, context, model: FlyingSquidTrainer.ModelName));
    }

    private static void CheckShape(int m, FitContext context)
    {
        if (m == 0) throw new ModelRefusalException($"{context.TrainPrefix}flyingsquid: the label matrix has no LFs");
        if (m < 3) throw new ModelRefusalException($"{context.TrainPrefix}flyingsquid needs at least 3 LFs to form triplets, got {m}");
    }

    private FlyingSquidModel FitWithPrior(SufficientStatistics stats, FitContext context, double[] prior)
    {
        if (stats.RowCount == 0) throw new ModelRefusalException("flyingsquid: the training matrix has no rows");
        int m = stats.LfCount, k = stats.Cardinality;
        // Co-vote counts and, per class, the rows where exactly one of the pair voted that class.
        var coVotes = new long[m * m];
        var oneSided = new long[k][];
        for (var c = 0; c < k; c++) oneSided[c] = new long[m * m];
        for (var i = 0; i < m; i++)
        for (var j = i + 1; j < m; j++)
        {
            var block = stats.PairBlock(i, j);
            long total = 0;
            var rowSums = new long[k];
            var colSums = new long[k];
            for (var a = 0; a < k; a++)
            for (var b = 0; b < k; b++)
            {
                var n = stats.Pairs[(int)(block + a * k + b)];
                total += n;
                rowSums[a] += n;
                colSums[b] += n;
            }
            coVotes[i * m + j] = coVotes[j * m + i] = total;
            for (var c = 0; c < k; c++)
            {
                var same = stats.Pairs[(int)(block + c * k + c)];
                oneSided[c][i * m + j] = oneSided[c][j * m + i] = rowSums[c] + colSums[c] - 2 * same;
            }
        }
        var partners = new int[m][];
        for (var i = 0; i < m; i++)
            partners[i] = Enumerable.Range(0, m).Where(j => j != i && coVotes[i * m + j] > 0)
                .OrderByDescending(j => coVotes[i * m + j]).ThenBy(j => j).Take(Options.Partners).ToArray();
        var accuracies = new double[m * k]; // α^c_j = P(λ^c_j = Y^c | LF j votes)
        var fallbacks = 0;
        var samples = new List<double>();
        for (var c = 0; c < k; c++)
        {
            if (k == 2 && c == 1)
            {
                for (var j = 0; j < m; j++) accuracies[j * k + 1] = accuracies[j * k];
                break;
            }
            double E(int i, int j) => 1.0 - 2.0 * oneSided[c][i * m + j] / coVotes[i * m + j];
            for (var i = 0; i < m; i++)
            {
                samples.Clear();
                var ps = partners[i];
                for (var x = 0; x < ps.Length; x++)
                for (var y = x + 1; y < ps.Length; y++)
                {
                    int j = ps[x], l = ps[y];
                    if (coVotes[j * m + l] == 0) continue;
                    var denominator = E(j, l);
                    if (Math.Abs(denominator) < Options.MinCorrelation) continue;
                    samples.Add(Math.Abs(E(i, j) * E(i, l) / denominator));
                }
                double alpha;
                if (samples.Count == 0)
                {
                    alpha = Options.FallbackAccuracy;
                    fallbacks++;
                }
                else
                {
                    samples.Sort();
                    var median = samples.Count % 2 == 1 ? samples[samples.Count / 2] : (samples[samples.Count / 2 - 1] + samples[samples.Count / 2]) / 2;
                    alpha = (1 + Math.Sqrt(Math.Min(1, median))) / 2;
                }
                accuracies[i * k + c] = Math.Min(alpha, Options.MaxAccuracy);
            }
        }
        context.Log?.Invoke($"flyingsquid: m={m}, k={k}; {Text.Listing.Counted(fallbacks, "(LF, class) pair")} without usable triplets got accuracy {Options.FallbackAccuracy}");
        return new FlyingSquidModel(stats.Schema, stats.LfNames, prior, accuracies);
    }
}

/// <summary>A fitted FlyingSquid model (see <see cref="FlyingSquidTrainer"/>).</summary>
public sealed class FlyingSquidModel : LogLinearModel
{
    private readonly double[] _accuracies;

    internal FlyingSquidModel(LabelSchema schema, IReadOnlyList<string> lfNames, IReadOnlyList<double> prior, double[] accuracies)
        : base(schema, lfNames, prior, Table(accuracies, lfNames.Count, schema.Cardinality), BaseScores(prior))
        => _accuracies = accuracies;

    // −log(1 − p_c), with 1 − p_c summed from the other classes' shares: a share near 1 (a prior 1e16 : 1) made 1 − p_c 0.
    private static double[] BaseScores(IReadOnlyList<double> prior)
    {
        var total = prior.Sum();
        return prior.Select((_, c) => -Math.Log(prior.Where((_, d) => d != c).Sum() / total)).ToArray();
    }

    /// <inheritdoc />
    public override string Name => FlyingSquidTrainer.ModelName;

    /// <summary>LF j's accuracy in class c's one-vs-rest task, P(λ^c_j = Y^c | LF j votes).</summary>
    public double Accuracy(int lf, int cls) => _accuracies[lf * Schema.Cardinality + cls];

    private static double[] Table(double[] accuracies, int m, int k)
    {
        var table = new double[m * k * k];
        for (var j = 0; j < m; j++)
        for (var c = 0; c < k; c++)
        {
            var alpha = accuracies[j * k + c];
            var w = Math.Log(alpha / (1 - alpha));
            for (var a = 0; a < k; a++) table[(j * k + a) * k + c] = a == c ? w : -w;
        }
        return table;
    }

    /// <summary>One-vs-rest: σ of each class's log-odds, normalised over the classes (in log space: never NaN, never all 0).</summary>
    private protected override void Normalise(Span<double> scores)
    {
        for (var c = 0; c < scores.Length; c++)
        {
            // log σ(s) = −softplus(−s)
            var x = -scores[c];
            scores[c] = -(x > 0 ? x + Math.Log(1 + Math.Exp(-x)) : Math.Log(1 + Math.Exp(x)));
        }
        Numerics.SoftmaxInPlace(scores);
    }

    /// <inheritdoc />
    public override JsonObject SaveParameters() => new() { ["accuracies"] = Parameters.ToJson(_accuracies, Schema.Cardinality) };

    internal static FlyingSquidModel Load(LabelSchema schema, IReadOnlyList<string> lfNames, IReadOnlyList<double> prior, JsonObject parameters)
    {
        var accuracies = Parameters.Matrix(parameters, "accuracies", lfNames.Count, schema.Cardinality, 0, 1);
        if (accuracies.Any(a => a <= 0 || a >= 1)) throw new SnorkelerException("parameter 'accuracies' must lie strictly between 0 and 1");
        return new FlyingSquidModel(schema, lfNames, prior, accuracies);
    }
}
