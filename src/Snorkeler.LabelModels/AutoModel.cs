using System.Globalization;
using System.Text.Json.Nodes;

namespace Snorkeler.LabelModels;

/// <summary>One configuration <c>auto</c> tried, and its score on the dev split.</summary>
/// <param name="Model">Model name.</param>
/// <param name="Options">The model's options, as command-line name/value pairs.</param>
/// <param name="PriorSource">Where the class prior came from: dev, uniform, mv or em.</param>
/// <param name="DevExpectedAccuracy">Expected accuracy on the dev split (cross-fitted for wmv), or NaN when the fit failed.</param>
/// <param name="Note">Why the candidate failed, or null.</param>
public sealed record AutoCandidate(string Model, IReadOnlyDictionary<string, string> Options, string PriorSource, double DevExpectedAccuracy, string? Note = null);

/// <summary>
/// <c>auto</c>: with a labelled dev split, fits every candidate on the training matrix and keeps the one
/// with the best expected accuracy on the dev split (ties go to the earlier candidate). Candidates, in
/// order: mv; wmv with dev accuracies (scored by 5-fold cross-fitting on the dev split, so its accuracies are
/// never scored on the rows they came from); snorkel over epochs {100, 500, 1000} × lr {0.01, 0.03};
/// dawid-skene; flyingsquid — each model other than mv with the prior from the dev split's gold labels,
/// uniform, majority vote and EM. The moment statistics are computed once and shared by the snorkel and
/// flyingsquid fits. Without a dev split: <c>snorkel</c> with 500 epochs (Snorkel's spam-tutorial
/// setting), other options at their defaults, uniform prior (or the explicit prior); when snorkel refuses the
/// task as too large (hundreds of classes), dawid-skene with its EM prior. The choice and every
/// candidate's dev score are logged and saved in the model file's parameters.
/// </summary>
public sealed class AutoTrainer : ILabelModelTrainer
{
    /// <summary>The command-line name.</summary>
    public const string ModelName = "auto";

    /// <summary>Dev-split folds used to score wmv without scoring accuracies on the rows they came from.</summary>
    public const int WmvFolds = 5;

    /// <inheritdoc />
    public string Name => ModelName;

    /// <inheritdoc />
    public ILabelModel Fit(IMatrixSource train, FitContext context)
    {
        Guard.NotNull(train);
        Guard.NotNull(context);
        if (train.LfNames.Count == 0) throw new SnorkelerException("auto: the label matrix has no LFs");
        if (context.Dev is not { HasGold: true } dev)
        {
            var options = new SnorkelOptions { Epochs = 500 };
            var source = context.Prior is null ? "uniform" : "given";
            try
            {
                var model = new SnorkelTrainer(options).FitModel(train, context);
                context.Log?.Invoke($"auto: no labelled dev split; using snorkel --epochs 500 with the {source} prior");
                var chosen = new AutoCandidate(SnorkelTrainer.ModelName, options.ToOptionValues(), source, double.NaN, "default without a dev split");
                return new AutoModel(model, chosen, [chosen]);
            }
            catch (SnorkelerException e) when (train.LfNames.Count > 0)
            {
                // Too large for moment matching (many classes): Dawid–Skene scales with the distinct vote patterns.
                var dsOptions = new DawidSkeneOptions();
                var model = new DawidSkeneTrainer(dsOptions).FitModel(train, context);
                context.Log?.Invoke($"auto: no labelled dev split and snorkel refused ({e.Message}); using dawid-skene");
                var chosen = new AutoCandidate(DawidSkeneTrainer.ModelName, dsOptions.ToOptionValues(), context.Prior is null ? "em" : "given", double.NaN, "fallback without a dev split");
                return new AutoModel(model, chosen, [chosen]);
            }
        }
        var devMatrix = Materialise(dev);
        LabelModel.CheckCompatible(new MajorityVoteModel(train.Schema, train.LfNames), devMatrix, "the dev split");
        var k = train.Schema.Cardinality;
        var priors = new List<(string Source, double[] Prior)>();
        if (context.Prior is { } given) priors.Add(("given", ClassPrior.Validate(given, k)));
        else
        {
            priors.Add(("dev", ClassPrior.FromGold(devMatrix, k)));
            priors.Add(("uniform", ClassPrior.Uniform(k)));
            priors.Add(("mv", ClassPrior.FromMajorityVote(train)));
            try { priors.Add(("em", DawidSkeneTrainer.EstimatePrior(train, context))); }
            catch (SnorkelerException e) { context.Log?.Invoke($"auto: no EM prior: {e.Message}"); }
        }
        SufficientStatistics? stats = null;
        try { stats = SufficientStatistics.Compute(train, context.Cancellation); }
        catch (SnorkelerException e) { context.Log?.Invoke($"auto: no moment statistics: {e.Message}"); }

        var log = context.Log;
        context = context with { Log = null }; // the candidates' own progress would drown the comparison
        var candidates = new List<AutoCandidate>();
        ILabelModel? best = null;
        AutoCandidate? bestCandidate = null;
        void Try(string model, IReadOnlyDictionary<string, string> options, string priorSource, Func<ILabelModel> fit, Func<ILabelModel, double>? score = null)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            try
            {
                var fitted = fit();
                var devScore = score?.Invoke(fitted) ?? fitted.Score(devMatrix).ExpectedAccuracy;
                var candidate = new AutoCandidate(model, options, priorSource, devScore);
                candidates.Add(candidate);
                log?.Invoke($"auto: {Describe(candidate)}: dev expected accuracy {devScore:F4}");
                if (bestCandidate is null || devScore > bestCandidate.DevExpectedAccuracy)
                {
                    best = fitted;
                    bestCandidate = candidate;
                }
            }
            catch (SnorkelerException e)
            {
                candidates.Add(new AutoCandidate(model, options, priorSource, double.NaN, e.Message));
                log?.Invoke($"auto: {model} skipped: {e.Message}");
            }
        }

        var none = new Dictionary<string, string>();
        Try(MajorityVoteTrainer.ModelName, none, "uniform", () => new MajorityVoteTrainer().Fit(train, context));
        foreach (var (source, prior) in priors)
        {
            var withPrior = context with { Prior = prior, Dev = null };
            var wmvOptions = new Dictionary<string, string> { ["accuracies"] = "dev" };
            Try(WeightedVoteTrainer.ModelName, wmvOptions, source,
                () => new WeightedVoteTrainer(new WeightedVoteOptions { AccuracySource = "dev" }).Fit(train, withPrior with { Dev = devMatrix }),
                _ => CrossFittedWmv(train, devMatrix, withPrior));
        }
        foreach (var epochs in new[] { 100, 500, 1000 })
        foreach (var lr in new[] { 0.01, 0.03 })
        foreach (var (source, prior) in priors)
        {
            var options = new SnorkelOptions { Epochs = epochs, LearningRate = lr };
            var withPrior = context with { Prior = prior, Dev = null };
            Try(SnorkelTrainer.ModelName, options.ToOptionValues(), source,
                () => stats is null ? throw new SnorkelerException("no moment statistics") : new SnorkelTrainer(options).Fit(stats, withPrior));
        }
        foreach (var (source, prior) in priors)
        {
            var options = new DawidSkeneOptions();
            Try(DawidSkeneTrainer.ModelName, options.ToOptionValues(), source, () => new DawidSkeneTrainer(options).Fit(train, context with { Prior = prior, Dev = null }));
        }
        foreach (var (source, prior) in priors)
            Try(FlyingSquidTrainer.ModelName, none, source,
                () => stats is null ? throw new SnorkelerException("no moment statistics") : new FlyingSquidTrainer().Fit(stats, context with { Prior = prior, Dev = null }));

        if (best is null || bestCandidate is null) throw new SnorkelerException("auto: every candidate model failed; see the log");
        log?.Invoke($"auto: chose {Describe(bestCandidate)} (dev expected accuracy {bestCandidate.DevExpectedAccuracy:F4})");
        return new AutoModel(best, bestCandidate, candidates);
    }

    private static string Describe(AutoCandidate c)
        => $"{c.Model}{string.Concat(c.Options.Where(o => o.Key != "prior-estimate").Select(o => $" --{o.Key} {o.Value}"))} (prior: {c.PriorSource})";

    /// <summary>wmv's dev expected accuracy with each fold's rows scored by accuracies estimated on the other folds.</summary>
    private static double CrossFittedWmv(IMatrixSource train, LabelMatrix dev, FitContext context)
    {
        var gold = dev.GoldLabels.ToArray();
        double total = 0;
        long rows = 0;
        for (var f = 0; f < WmvFolds; f++)
        {
            var fitGold = gold.Select((g, i) => i % WmvFolds == f ? LabelSchema.Abstain : g).ToArray();
            var scoreGold = gold.Select((g, i) => i % WmvFolds == f ? g : LabelSchema.Abstain).ToArray();
            if (scoreGold.All(g => g < 0)) continue;
            var model = new WeightedVoteTrainer(new WeightedVoteOptions { AccuracySource = "dev" }).Fit(train, context with { Dev = dev.WithGold(fitGold) });
            var score = model.Score(dev.WithGold(scoreGold));
            total += score.ExpectedAccuracy * score.Rows;
            rows += score.Rows;
        }
        return rows == 0 ? 0 : total / rows;
    }

    private static LabelMatrix Materialise(IMatrixSource source)
    {
        if (source is LabelMatrix matrix) return matrix;
        var builder = new LabelMatrixBuilder(source.Schema, source.LfNames);
        var votes = new int[source.LfNames.Count];
        foreach (var block in source.ReadBlocks())
            for (var i = 0; i < block.RowCount; i++)
            {
                var row = builder.AddRow();
                block.CopyRow(i, votes);
                for (var j = 0; j < votes.Length; j++) builder.Set(row, j, votes[j]);
                builder.SetGold(row, block.Gold(i));
            }
        return builder.Build();
    }
}

/// <summary>The model <c>auto</c> chose, with the record of its choice (see <see cref="AutoTrainer"/>).</summary>
public sealed class AutoModel : ILabelModel
{
    private readonly JsonObject _candidatesJson;

    internal AutoModel(ILabelModel chosen, AutoCandidate choice, IReadOnlyList<AutoCandidate> candidates)
        : this(chosen, choice, ToJson(candidates))
    {
    }

    private AutoModel(ILabelModel chosen, AutoCandidate choice, JsonObject candidatesJson)
    {
        Chosen = chosen;
        Choice = choice;
        _candidatesJson = candidatesJson;
    }

    /// <summary>The fitted model that makes the predictions.</summary>
    public ILabelModel Chosen { get; }

    /// <summary>What was chosen: model, options, prior source and dev score.</summary>
    public AutoCandidate Choice { get; }

    /// <inheritdoc />
    public string Name => AutoTrainer.ModelName;
    /// <inheritdoc />
    public LabelSchema Schema => Chosen.Schema;
    /// <inheritdoc />
    public IReadOnlyList<string> LfNames => Chosen.LfNames;
    /// <inheritdoc />
    public IReadOnlyList<double> ClassPrior => Chosen.ClassPrior;

    /// <inheritdoc />
    public void PredictProbabilities(LabelMatrix block, Span<double> probabilities) => Chosen.PredictProbabilities(block, probabilities);

    /// <inheritdoc />
    public JsonObject SaveParameters() => new()
    {
        ["chosen"] = CandidateJson(Choice),
        ["candidates"] = _candidatesJson["list"]!.DeepClone(),
        ["parameters"] = Chosen.SaveParameters(),
    };

    private static JsonObject ToJson(IReadOnlyList<AutoCandidate> candidates) => new() { ["list"] = new JsonArray(candidates.Select(c => (JsonNode)CandidateJson(c)).ToArray()) };

    private static JsonObject CandidateJson(AutoCandidate c)
    {
        var options = new JsonObject();
        foreach (var (key, value) in c.Options) options[key] = value;
        var json = new JsonObject
        {
            ["model"] = c.Model,
            ["options"] = options,
            ["prior"] = c.PriorSource,
            ["dev_expected_accuracy"] = double.IsFinite(c.DevExpectedAccuracy) ? c.DevExpectedAccuracy : null,
        };
        if (c.Note is not null) json["note"] = c.Note;
        return json;
    }

    internal static AutoModel Load(LabelSchema schema, IReadOnlyList<string> lfNames, IReadOnlyList<double> prior, JsonObject parameters)
    {
        if (parameters["chosen"] is not JsonObject chosen) throw new SnorkelerException("parameter 'chosen' must be an object");
        var model = chosen["model"]?.GetValue<string>() ?? throw new SnorkelerException("parameter 'chosen.model' is missing");
        if (model == AutoTrainer.ModelName) throw new SnorkelerException("parameter 'chosen.model' cannot be auto");
        var inner = parameters["parameters"] as JsonObject ?? throw new SnorkelerException("parameter 'parameters' must be an object");
        var fitted = LabelModelCatalog.Get(model).Load(schema, lfNames, prior, inner);
        var options = (chosen["options"] as JsonObject ?? []).ToDictionary(o => o.Key, o => o.Value?.ToString() ?? "");
        var score = chosen["dev_expected_accuracy"] is JsonValue v && v.TryGetValue<double>(out var d) ? d : double.NaN;
        var choice = new AutoCandidate(model, options, chosen["prior"]?.GetValue<string>() ?? "unknown", score);
        var list = parameters["candidates"] as JsonArray ?? [];
        return new AutoModel(fitted, choice, new JsonObject { ["list"] = list.DeepClone() });
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"auto: {Choice.Model} (prior {Choice.PriorSource}, dev expected accuracy {Choice.DevExpectedAccuracy:F4})");
}
