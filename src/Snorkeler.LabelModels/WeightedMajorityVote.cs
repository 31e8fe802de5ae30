using System.Text.Json.Nodes;
using Snorkeler.LabelModels.Internal;

namespace Snorkeler.LabelModels;

/// <summary>Options of the weighted majority vote (<c>wmv</c>).</summary>
public sealed record WeightedVoteOptions
{
    /// <summary>
    /// Where LF accuracies come from (<c>--accuracies</c>): <c>auto</c> (default: the dev split's gold labels
    /// when given, else the <c>snorkel</c> model's μ), <c>dev</c> or <c>snorkel</c>.
    /// </summary>
    public string AccuracySource { get; init; } = "auto";

    /// <summary>Accuracies are clamped to [1 − this, this] before weighting (<c>--max-accuracy</c>, (0.5, 1); default 0.99).</summary>
    public double MaxAccuracy { get; init; } = 0.99;

    /// <summary>Options of the snorkel fit used when accuracies come from its μ (its <c>--epochs</c>, <c>--lr</c>, ... are read too).</summary>
    public SnorkelOptions Snorkel { get; init; } = new() { PriorEstimate = PriorEstimate.Em };

    /// <summary>Reads the options from the command line's <c>--name value</c> pairs.</summary>
    public static WeightedVoteOptions From(ModelOptions options)
    {
        Guard.NotNull(options);
        var source = options.Word("accuracies", "auto", "dev", "snorkel") ?? "auto";
        return new WeightedVoteOptions
        {
            AccuracySource = source,
            MaxAccuracy = options.Number("max-accuracy", 0.99, 0.5000001, 0.9999999),
            // Unlike snorkel itself (which keeps Snorkel 0.10's uniform default), the prior of wmv's snorkel fit is estimated by default.
            Snorkel = SnorkelOptions.From(options) with { PriorEstimate = ClassPrior.ReadEstimate(options, PriorEstimate.Em) },
        };
    }
}

/// <summary>
/// Weighted majority vote: LF j's vote counts <c>w_j = log(a_j (k − 1) / (1 − a_j))</c>, its log-odds of being
/// right, where a_j is its accuracy estimated on the labelled dev split (smoothed towards the LFs' mean
/// dev accuracy with 2 pseudo-votes) or implied by the <c>snorkel</c> model's μ. Probabilities:
/// <c>P(Y = c | row) ∝ p_c exp(Σ_{j votes c} w_j)</c> (the posterior when each LF is right with probability
/// a_j and otherwise votes a wrong class uniformly).
/// </summary>
public sealed class WeightedVoteTrainer : ILabelModelTrainer
{
    /// <summary>The command-line name.</summary>
    public const string ModelName = "wmv";

    /// <summary>Creates the trainer (defaults when <paramref name="options"/> is null).</summary>
    public WeightedVoteTrainer(WeightedVoteOptions? options = null) => Options = options ?? new WeightedVoteOptions();

    /// <summary>The options.</summary>
    public WeightedVoteOptions Options { get; }

    /// <inheritdoc />
    public string Name => ModelName;

    /// <inheritdoc />
    public ILabelModel Fit(IMatrixSource train, FitContext context)
    {
        Guard.NotNull(train);
        Guard.NotNull(context);
        var m = train.LfNames.Count;
        var k = train.Schema.Cardinality;
        if (m == 0) throw new ModelRefusalException("wmv: the label matrix has no LFs");
        var hasDev = context.Dev is { HasGold: true };
        var source = Options.AccuracySource == "auto" ? (hasDev ? "dev" : "snorkel") : Options.AccuracySource;
        if (source == "dev" && !hasDev)
            throw new SnorkelerException($"wmv: {context.Option("accuracies", "dev")} needs a labelled dev split ({(context.ModelListName is null ? "--dev" : "compare's --dev")})");
        double[] accuracies;
        double[] prior;
        if (source == "dev")
        {
            LabelModel.CheckCompatible(new MajorityVoteModel(train.Schema, train.LfNames), context.Dev!, context.DevWhere);
            accuracies = DevAccuracies(context.Dev!, m);
            prior = ClassPrior.Resolve(train, context, Options.Snorkel.PriorEstimate, ModelName);
        }
        else
        {
            SnorkelModel snorkel;
            try { snorkel = new SnorkelTrainer(Options.Snorkel).FitModel(train, context); }
            catch (SnorkelerException e)
            {
                // With --accuracies snorkel a dev split alone changes nothing: the option has to change too.
                var advice = Options.AccuracySource == "snorkel" ? $"use {context.Option("accuracies", "dev")} with a labelled dev split" : "give a labelled dev split";
                var message = $"wmv: the accuracies come from a snorkel fit, which failed ({e.Message}); {advice} for dev accuracies";
                throw e is ModelRefusalException ? new ModelRefusalException(message, e) : new SnorkelerException(message, e);
            }
            accuracies = Enumerable.Range(0, m).Select(snorkel.LfAccuracy).ToArray();
            prior = snorkel.ClassPrior.ToArray();
        }
        var lo = 1 - Options.MaxAccuracy;
        accuracies = accuracies.Select(a => Math.Clamp(a, lo, Options.MaxAccuracy)).ToArray();
        context.Log?.Invoke($"wmv: accuracies from {source}: {string.Join(", ", accuracies.Select(a => a.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))}");
        return new WeightedVoteModel(train.Schema, train.LfNames, prior, accuracies, source);
    }

    /// <summary>Each LF's accuracy on the dev split's gold labels, smoothed towards the mean with 2 pseudo-votes.</summary>
    private static double[] DevAccuracies(IMatrixSource dev, int m)
    {
        var right = new double[m];
        var votes = new double[m];
        var lfs = new int[m];
        var row = new int[m];
        foreach (var block in dev.ReadBlocks())
            for (var i = 0; i < block.RowCount; i++)
            {
                var gold = block.Gold(i);
                if (gold < 0) continue;
                var n = block.CopyVotes(i, lfs, row);
                for (var e = 0; e < n; e++)
                {
                    votes[lfs[e]]++;
                    if (row[e] == gold) right[lfs[e]]++;
                }
            }
        var mean = votes.Sum() > 0 ? right.Sum() / votes.Sum() : 0.7;
        return Enumerable.Range(0, m).Select(j => (right[j] + 2 * mean) / (votes[j] + 2)).ToArray();
    }
}

/// <summary>A fitted weighted majority vote (see <see cref="WeightedVoteTrainer"/>).</summary>
public sealed class WeightedVoteModel : LogLinearModel
{
    private readonly double[] _accuracies;
    private readonly string _source;

    internal WeightedVoteModel(LabelSchema schema, IReadOnlyList<string> lfNames, IReadOnlyList<double> prior, double[] accuracies, string source)
        : base(schema, lfNames, prior, Table(accuracies, schema.Cardinality))
    {
        _accuracies = accuracies;
        _source = source;
    }

    /// <inheritdoc />
    public override string Name => WeightedVoteTrainer.ModelName;

    /// <summary>The LFs' accuracies the weights come from.</summary>
    public IReadOnlyList<double> Accuracies => _accuracies;

    /// <summary>Where the accuracies came from: "dev" or "snorkel".</summary>
    public string AccuracySource => _source;

    /// <summary>LF j's weight, log(a_j (k − 1) / (1 − a_j)).</summary>
    public double Weight(int lf) => Math.Log(_accuracies[lf] * (Schema.Cardinality - 1) / (1 - _accuracies[lf]));

    private static double[] Table(double[] accuracies, int k)
    {
        var table = new double[accuracies.Length * k * k];
        for (var j = 0; j < accuracies.Length; j++)
        {
            var w = Math.Log(accuracies[j] * (k - 1) / (1 - accuracies[j]));
            for (var a = 0; a < k; a++) table[(j * k + a) * k + a] = w;
        }
        return table;
    }

    /// <inheritdoc />
    public override JsonObject SaveParameters() => new()
    {
        ["accuracies"] = Parameters.ToJson(_accuracies),
        ["source"] = _source,
    };

    internal static WeightedVoteModel Load(LabelSchema schema, IReadOnlyList<string> lfNames, IReadOnlyList<double> prior, JsonObject parameters)
    {
        var accuracies = Parameters.Numbers(parameters, "accuracies", lfNames.Count, 0, 1);
        if (accuracies.Any(a => a <= 0 || a >= 1)) throw new SnorkelerException("parameter 'accuracies' must lie strictly between 0 and 1");
        var source = parameters["source"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : "dev";
        return new WeightedVoteModel(schema, lfNames, prior, accuracies, source);
    }
}
