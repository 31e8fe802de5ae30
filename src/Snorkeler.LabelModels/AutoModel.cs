using System.Globalization;
using System.Text.Json.Nodes;
using Snorkeler.Analysis;
using Snorkeler.LabelModels.Internal;

namespace Snorkeler.LabelModels;

/// <summary>The dev-split metric <c>auto</c> selects by (option <c>select-by</c>).</summary>
public enum AutoMetric
{
    /// <summary>Expected accuracy: ties share credit, no tie-break needed (default).</summary>
    ExpectedAccuracy,
    /// <summary>Accuracy of hard labels, ties broken by the seeded <c>random</c> policy.</summary>
    Accuracy,
    /// <summary>Unweighted mean of the classes' F1 (rare classes count as much as common ones).</summary>
    MacroF1,
    /// <summary>Mean −ln p(gold): rewards calibrated probabilities (lower is better).</summary>
    LogLoss,
}

/// <summary>Options of <c>auto</c>.</summary>
public sealed record AutoOptions
{
    /// <summary>The dev-split metric candidates are compared by (<c>--select-by</c>; default expected-accuracy).</summary>
    public AutoMetric SelectBy { get; init; } = AutoMetric.ExpectedAccuracy;

    /// <summary>Reads the options from the command line's <c>--name value</c> pairs.</summary>
    public static AutoOptions From(ModelOptions options)
    {
        Guard.NotNull(options);
        return new AutoOptions
        {
            SelectBy = options.Word("select-by", "expected-accuracy", "accuracy", "macro-f1", "log-loss") switch
            {
                null or "expected-accuracy" => AutoMetric.ExpectedAccuracy,
                "accuracy" => AutoMetric.Accuracy,
                "macro-f1" => AutoMetric.MacroF1,
                "log-loss" => AutoMetric.LogLoss,
                _ => throw new System.Diagnostics.UnreachableException(),
            },
        };
    }

    /// <summary>The command-line spelling of a metric.</summary>
    public static string Spelling(AutoMetric metric) => metric switch
    {
        AutoMetric.Accuracy => "accuracy",
        AutoMetric.MacroF1 => "macro-f1",
        AutoMetric.LogLoss => "log-loss",
        _ => "expected-accuracy",
    };
}

/// <summary>One configuration <c>auto</c> tried, and its score under the selection's criterion.</summary>
/// <param name="Model">Model name.</param>
/// <param name="Options">The model's options, as command-line name/value pairs.</param>
/// <param name="PriorSource">Where the class prior came from: given, dev, em (estimated from the votes), uniform, or learned (by the model's own fit).</param>
/// <param name="Score">Its value under the criterion (see <see cref="AutoSelection.Criterion"/>), or NaN when the fit failed.</param>
/// <param name="Note">Why the candidate failed, or null.</param>
public sealed record AutoCandidate(string Model, IReadOnlyDictionary<string, string> Options, string PriorSource, double Score, string? Note = null)
{
    /// <summary>"snorkel --epochs 500 --lr 0.01 (prior: dev)".</summary>
    public override string ToString()
        => $"{Model}{string.Concat(Options.Where(o => o.Key != "prior-estimate").Select(o => $" --{o.Key} {o.Value}"))} (prior: {PriorSource})";
}

/// <summary>
/// The record of <c>auto</c>'s choice: the criterion, every candidate's score, the choice and why. Saved in the model
/// file (<c>parameters.selection</c>) so that a run can say afterwards what it chose and on what evidence.
/// </summary>
/// <param name="Metric">The scores' short name: "held-out source agreement", "dev expected-accuracy", ...</param>
/// <param name="Criterion">What the scores measure, in words.</param>
/// <param name="HigherIsBetter">Whether a higher score is better (false for log-loss).</param>
/// <param name="Candidates">Every candidate in the order tried (with a dev split, ties went to the lower dev log-loss, then to the earlier one; without, to the earlier one).</param>
/// <param name="Chosen">The candidate whose model makes the predictions.</param>
/// <param name="Reason">One or two sentences: why this one.</param>
/// <param name="Unsupervised">
/// With a dev split: the unsupervised selection that was run first (the fallback when dev-split selection does
/// not prove better out of fold); null without a dev split (then this record is that selection).
/// </param>
public sealed record AutoSelection(string Metric, string Criterion, bool HigherIsBetter, IReadOnlyList<AutoCandidate> Candidates, AutoCandidate Chosen, string Reason,
    AutoSelection? Unsupervised = null)
{
    /// <summary>As JSON: criterion, higher_is_better, chosen, reason, candidates (and unsupervised).</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["metric"] = Metric,
            ["criterion"] = Criterion,
            ["higher_is_better"] = HigherIsBetter,
            ["chosen"] = CandidateJson(Chosen),
            ["reason"] = Reason,
            ["candidates"] = new JsonArray(Candidates.Select(c => (JsonNode)CandidateJson(c)).ToArray()),
        };
        if (Unsupervised is not null) json["unsupervised"] = Unsupervised.ToJson();
        return json;
    }

    internal static JsonObject CandidateJson(AutoCandidate c)
    {
        var options = new JsonObject();
        foreach (var (key, value) in c.Options) options[key] = value;
        var json = new JsonObject
        {
            ["model"] = c.Model,
            ["options"] = options,
            ["prior"] = c.PriorSource,
            ["score"] = double.IsFinite(c.Score) ? c.Score : null,
        };
        if (c.Note is not null) json["note"] = c.Note;
        return json;
    }

    internal static AutoCandidate CandidateFromJson(JsonNode? node, string field)
    {
        if (node is not JsonObject json) throw new SnorkelerException($"parameter '{field}' must be an object");
        var model = json["model"] is JsonValue m && m.TryGetValue<string>(out var name) ? name : throw new SnorkelerException($"parameter '{field}.model' is missing");
        var options = (json["options"] as JsonObject ?? []).ToDictionary(o => o.Key, o => o.Value?.ToString() ?? "");
        // Files of the first version called the score dev_expected_accuracy.
        var scoreNode = json["score"] ?? json["dev_expected_accuracy"];
        var score = scoreNode is JsonValue v && v.TryGetValue<double>(out var d) ? d : double.NaN;
        var prior = json["prior"] is JsonValue p && p.TryGetValue<string>(out var source) ? source : "unknown";
        return new AutoCandidate(model, options, prior, score, json["note"]?.ToString());
    }

    internal static AutoSelection FromJson(JsonObject parameters)
    {
        var chosen = CandidateFromJson(parameters["chosen"], "chosen");
        var candidates = (parameters["candidates"] as JsonArray ?? []).Select((c, i) => CandidateFromJson(c, $"candidates[{i}]")).ToArray();
        var criterion = parameters["criterion"]?.ToString() ?? "dev expected accuracy";
        var metric = parameters["metric"]?.ToString() ?? "dev expected accuracy";
        var higher = parameters["higher_is_better"] is not JsonValue h || !h.TryGetValue<bool>(out var b) || b;
        var reason = parameters["reason"]?.ToString() ?? "";
        var unsupervised = parameters["unsupervised"] is JsonObject u ? FromJson(u) : null;
        return new AutoSelection(metric, criterion, higher, candidates, chosen, reason, unsupervised);
    }
}

/// <summary>A model <c>auto</c> considers: name, options, and whether its fit learns the class prior itself.</summary>
/// <param name="Model">The model's command-line name.</param>
/// <param name="Options">Its options (name without dashes → value).</param>
/// <param name="LearnsPrior">True when the model learns the class balance in its fit (EM models); the others get the estimated prior.</param>
/// <param name="ReadsSingleClassSources">
/// False for a model whose abstains are missing observations throughout (ebcc): a source that only ever votes one class then
/// says the same whatever the class, so without a dev split such a model is not a candidate when most votes come from
/// single-class sources (it puts nearly every row in one class, and held-out κ, near 0 for every candidate there, cannot tell).
/// </param>
public sealed record AutoEntry(string Model, IReadOnlyDictionary<string, string> Options, bool LearnsPrior, bool ReadsSingleClassSources = true);

/// <summary>
/// <c>auto</c>: chooses a model, its options and its class prior for the training matrix.
/// <para><b>On people's answers</b> (a matrix with annotator sources) without a dev split, the variational models are
/// fitted with the crowd default instead, EBCC with one subtype per class (see <c>Crowd.CrowdSelection</c>). A wide matrix of
/// LFs that looks like people's answers (<c>Crowd.CrowdRecognition</c>: every source votes independently of the class, rows
/// get equally many votes) is read as annotators when there is no dev split, and only majority vote and Dawid–Skene
/// are then candidates (<see cref="RecognisedCrowdCandidates"/>), compared as below.</para>
/// <para><b>Without a dev split</b>, every entry of <see cref="Candidates"/> is fitted, with the class prior estimated
/// from the votes (Dawid–Skene's EM) unless it learns its own or one is given, and scored by
/// <b>held-out source agreement</b>: the sources are split into folds, with dependent sources (duplicates,
/// near-duplicates, derived sources, see <see cref="SourceDependencies"/>) kept in one fold; each candidate is refitted
/// without a fold and its labels are compared with the held-out sources' outputs (<see cref="HeldOutSources.Scores"/>: a
/// source that only votes one class by Cohen's κ on every row, firing against labelled its class or not; any other source by
/// the share of its votes the fit's hard labels name, above the share a guess from its own votes would name), averaged
/// over the held-out sources weighted by their votes. The best score wins, ties to the earlier candidate (majority vote
/// first), and a lead within one paired standard error (over the held-out sources) of an earlier candidate other than majority
/// vote goes to the earliest such, unless held-out sources agree with majority vote's labels no better than chance by κ
/// (then the criterion has no signal and majority vote is kept). Where the plain Dawid–Skene candidate (<c>--guard none</c>,
/// every other option at its default) models each row's activity (its test finds that the rows fire together,
/// <see cref="DawidSkeneTrainer.WithRowActivity"/>) and there are at least two folds, <c>dawid-skene</c> is fitted again with
/// its guard: if that fit models the activity too, the plain candidate is taken and the score does not rank the candidates
/// (held-out sources fire on the busy rows whatever their class); if not, every candidate that models the activity is
/// rejected and the score decides among the rest. At most <see cref="CriterionRows"/> rows (evenly spaced) enter the criterion. A
/// candidate whose held-out fits are cheaper than its own (<see cref="CriterionTrainer"/>: EBCC) is fitted on all rows only
/// when it leads, and is checked then.</para>
/// <para><b>With a labelled dev split</b>, a grid is searched: majority vote; wmv with dev accuracies (scored
/// out of fold); snorkel over lr × l2 × epochs × prior (one optimisation per lr × l2 × prior gives every epoch count,
/// from statistics computed once); every entry of <see cref="Candidates"/> with the dev prior and with its
/// unsupervised prior. Each is scored on the dev split by <c>select-by</c>; candidates tied on it are told apart by their
/// dev log-loss (then the earlier wins). Small dev splits make the best score
/// optimistic, so the choice shrinks towards the unsupervised one (which never saw the dev split): the dev-best
/// candidate replaces it only when it leads it by more than one standard error of the per-row difference, paired
/// over the dev rows, and (with expected accuracy or accuracy) its dev log-loss is no higher, or higher by no more than the
/// paired standard error of the per-row log-loss difference with a lead of more than two errors (with <c>macro-f1</c>,
/// which does not split into rows, the selection is checked out of fold instead: in 5 folds of the dev rows, the
/// candidate best on the other folds labels the held-out fold, and these labels must beat the unsupervised choice). The record (<see cref="AutoSelection"/>) is logged and saved in the
/// model file.</para>
/// </summary>
public sealed class AutoTrainer : ILabelModelTrainer
{
    /// <summary>The command-line name.</summary>
    public const string ModelName = "auto";

    /// <summary>Dev-split folds for the out-of-fold checks (and wmv's cross-fitting).</summary>
    public const int DevFolds = 5;

    /// <summary>Source folds of the held-out agreement criterion.</summary>
    public const int SourceFolds = 5;

    /// <summary>The most training rows the unsupervised criterion reads (evenly spaced); the chosen model is fitted on all.</summary>
    public const int CriterionRows = 100_000;

    private static readonly List<AutoEntry> Entries =
    [
        new(MajorityVoteTrainer.ModelName, new Dictionary<string, string>(), false),
        // auto is itself the check against majority vote, so its Dawid–Skene candidates are fitted without the guard.
        new(DawidSkeneTrainer.ModelName, new Dictionary<string, string> { ["guard"] = "none" }, true),
        new(DawidSkeneTrainer.ModelName, new Dictionary<string, string> { ["abstain"] = "vote", ["guard"] = "none" }, true),
        new(DawidSkeneTrainer.ModelName, new Dictionary<string, string> { ["confusion"] = "one-coin", ["guard"] = "none" }, true),
        new(EbccTrainer.ModelName, new Dictionary<string, string>(), true, ReadsSingleClassSources: false),
        new(SnorkelTrainer.ModelName, new Dictionary<string, string>(), false),
        new(SnorkelTrainer.ModelName, new Dictionary<string, string> { ["epochs"] = "500" }, false),
        new(SnorkelTrainer.ModelName, new Dictionary<string, string> { ["deps"] = "auto" }, false),
        new(SnorkelTrainer.ModelName, new Dictionary<string, string> { ["epochs"] = "500", ["deps"] = "auto" }, false),
        new(FlyingSquidTrainer.ModelName, new Dictionary<string, string>(), false),
    ];

    /// <summary>
    /// The candidates on a wide matrix recognised as people's answers without a dev split: majority vote and Dawid–Skene,
    /// which reads them as annotators (each worker's rows centred on the worker's own skill). On generated crowds read as
    /// LFs this pair fell more than half a point below majority vote on 11 of 181 sets, against 34 for majority vote and the
    /// crowd default (EBCC), which fell up to 7.5 points below on weak crowds of 3 answers a task (docs/label-models-measurements.md).
    /// </summary>
    internal static IReadOnlyList<AutoEntry> RecognisedCrowdCandidates { get; } =
    [
        new(MajorityVoteTrainer.ModelName, new Dictionary<string, string>(), false),
        // With its guard, unlike among the LF candidates: on people's answers it checks itself against majority vote inside
        // each fold's fit too (without it 15 of the 181 sets above fell more than half a point below).
        new(DawidSkeneTrainer.ModelName, new Dictionary<string, string>(), true),
    ];

    /// <summary>The models <c>auto</c> considers with and without a dev split, majority vote first.</summary>
    public static IReadOnlyList<AutoEntry> Candidates
    {
        get
        {
            lock (Entries) return Entries.ToArray();
        }
    }

    /// <summary>Adds a model to <see cref="Candidates"/> (for models defined elsewhere); an equal entry is not added twice.</summary>
    public static void Register(AutoEntry entry)
    {
        Guard.NotNull(entry);
        lock (Entries)
        {
            if (Entries.Any(e => e.Model == entry.Model && e.Options.OrderBy(o => o.Key).SequenceEqual(entry.Options.OrderBy(o => o.Key)))) return;
            Entries.Add(entry);
        }
    }

    /// <summary>Snorkel's search grid with a dev split (a superset of the Wrench protocol's 3 lr × 3 l2 × 3 epochs × 2 priors).</summary>
    internal static readonly double[] GridLearningRates = [0.001, 0.003, 0.01, 0.03, 0.1];
    internal static readonly double[] GridL2 = [0, 0.001, 0.01, 0.1];
    internal static readonly int[] GridEpochs = [50, 100, 200, 500, 1000];

    /// <summary>Creates the trainer (defaults when <paramref name="options"/> is null).</summary>
    public AutoTrainer(AutoOptions? options = null) => Options = options ?? new AutoOptions();

    /// <summary>The options.</summary>
    public AutoOptions Options { get; }

    /// <inheritdoc />
    public string Name => ModelName;

    /// <inheritdoc />
    public ILabelModel Fit(IMatrixSource train, FitContext context) => FitWithCandidates(train, context).Model;

    /// <summary>
    /// A fit with everything the selection saw: the chosen model, every dev-split candidate (fitted, with its dev
    /// probabilities; empty without a dev split) and the unsupervised choice. For studies of selection rules
    /// (<c>Snorkeler.Benchmarks lf-suite auto-rules</c>), which score them all on a test split.
    /// </summary>
    internal sealed record FitRecord(AutoModel Model, IReadOnlyList<Scored> Candidates, ILabelModel Unsupervised);

    internal FitRecord FitWithCandidates(IMatrixSource train, FitContext context)
    {
        Guard.NotNull(train);
        Guard.NotNull(context);
        if (train.LfNames.Count == 0) throw new ModelRefusalException("auto: the label matrix has no LFs");
        var log = context.Log;
        var quiet = context.Quiet; // the candidates' own progress would drown the comparison
        // Without a dev split, a wide matrix whose columns answer independently of the class is people's answers read as LFs (see
        // Crowd.CrowdRecognition): they become annotators, and majority vote and Dawid–Skene are compared by held-out
        // agreement (RecognisedCrowdCandidates).
        // With a dev split the matrix is left as it is: there the change gained on the crowds it was designed on and not on
        // those held out (docs/label-models-measurements.md).
        string? recognised = null;
        if (context.Dev is not { HasGold: true } && !Crowd.CrowdSelection.Applies(train)
            && Crowd.CrowdRecognition.Test(train, context.Cancellation) is { LooksLikePeople: true } evidence)
        {
            recognised = $"its sources vote independently of the class, as people asked at random do ({evidence}), so they are read as annotators (-1: not asked) and only majority vote and Dawid–Skene are compared; ";
            log?.Invoke($"auto: {recognised}");
            train = Crowd.CrowdRecognition.AsAnnotators(train);
        }
        // People's answers: the crowd default (see Crowd.CrowdSelection); else held-out agreement.
        var unsupervised = recognised is not null ? Unsupervised(train, quiet, log, RecognisedCrowdCandidates, recognised)
            : Crowd.CrowdSelection.Applies(train) ? CrowdChoice(train, quiet, log) : Unsupervised(train, quiet, log);
        if (context.Dev is not { HasGold: true } dev)
        {
            log?.Invoke($"auto: chose {unsupervised.Selection.Chosen}: {unsupervised.Selection.Reason}");
            return new FitRecord(new AutoModel(unsupervised.Model, unsupervised.Selection), [], unsupervised.Model);
        }
        var (model, selection, scored) = Supervised(train, LabelMatrixOf(dev), quiet, log, unsupervised, context.Warn ?? log);
        log?.Invoke($"auto: chose {selection.Chosen}: {selection.Reason}");
        return new FitRecord(new AutoModel(model, selection), scored, unsupervised.Model);
    }

    // Learned: the candidates fitted on all rows with the class prior learned in the fit, by entry. The dev-split search makes the
    // same fits (same rows, options, context and seed), so it takes them from here instead of fitting them again.
    private sealed record Choice(ILabelModel Model, AutoSelection Selection, AutoCandidate Candidate, double[]? EstimatedPrior,
        IReadOnlyDictionary<AutoEntry, ILabelModel>? Learned = null);

    // ---------------------------------------------------------------- without a dev split

    /// <summary>The choice without a dev split among <paramref name="entries"/> instead of <see cref="Candidates"/> (for tests of the selection).</summary>
    internal static (ILabelModel Model, AutoSelection Selection) ChooseAmong(IMatrixSource train, FitContext context, IReadOnlyList<AutoEntry> entries)
    {
        var choice = Unsupervised(Guard.NotNull(train), Guard.NotNull(context).Quiet, context.Log, entries);
        return (choice.Model, choice.Selection);
    }

    private static Choice CrowdChoice(IMatrixSource train, FitContext context, Action<string>? log)
    {
        var (model, selection, chosen) = Crowd.CrowdSelection.Choose(train, context, log);
        return new Choice(model, selection, chosen, model.ClassPrior.ToArray());
    }

    private static Choice Unsupervised(IMatrixSource train, FitContext context, Action<string>? log, IReadOnlyList<AutoEntry>? entries = null, string? recognised = null)
    {
        var k = train.Schema.Cardinality;
        var given = context.Prior is { } p ? ClassPrior.Validate(p, k) : null;
        double[]? estimated = null;
        ILabelModel? guardedFit = null; // dawid-skene with its defaults on all rows, where the estimate fitted it (the rows fire together)
        if (given is null)
        {
            try { estimated = DawidSkeneTrainer.EstimatePrior(train, context with { Log = log }, out guardedFit); }
            catch (SnorkelerException e) { log?.Invoke($"auto: no class balance estimate ({e.Message}); using the uniform prior"); }
            estimated ??= ClassPrior.Uniform(k);
            log?.Invoke($"auto: class balance estimated from the votes (EM): [{string.Join(", ", estimated.Select(x => x.ToString("F3", CultureInfo.InvariantCulture)))}]");
        }
        var sources = HeldOutSources.Build(train, CriterionRows, SourceFolds, context.Cancellation);
        foreach (var pair in sources.Copies) log?.Invoke($"auto: dependent sources kept in one fold: {SourceDependencies.Describe(pair, sources.Sample.LfNames)}");
        var folds = sources.Count;
        // A fit without a fold must not see the fold through the prior either: the estimate is redone per fold.
        var maskedPriors = given is not null || folds < 2 ? null
            : sources.Masked.Select(x => ClassPrior.Estimate(x, context, PriorEstimate.Em)).ToArray();

        var candidates = new List<AutoCandidate>();
        var models = new List<ILabelModel?>();
        var statistics = new StatisticsCache();
        var singleClassShare = SingleClassVoteShare(sources.Sample, context.Cancellation);
        // The dev-split search reuses the fits with a learned prior; without a dev split nothing does.
        var learned = context.Dev is { HasGold: true } ? new Dictionary<AutoEntry, ILabelModel>(ReferenceEqualityComparer.Instance) : null;
        var list = (entries ?? Candidates).ToArray();
        // Per entry: whether a later entry fits from moment statistics, so that the statistics computed for it are kept.
        var statisticsLater = new bool[list.Length];
        for (var e = list.Length - 2; e >= 0; e--)
            statisticsLater[e] = statisticsLater[e + 1] || ReadsStatistics(list[e + 1], given is not null || !list[e + 1].LearnsPrior);
        var majorityAbsurd = 0.0;
        var (firing, firingModel) = (-1, (DawidSkeneActivityModel?)null); // the plain Dawid–Skene candidate, when it models each row's activity
        var activityModels = new HashSet<int>(); // the candidates whose fit models each row's activity
        var heldOutScores = new Dictionary<int, HeldOutScores>(); // per scored candidate (by index): each held-out source's scores
        var refits = new Dictionary<int, Func<ILabelModel>>(); // per scored candidate: its fit on all rows, made again (or late)
        var deferred = new HashSet<int>(); // scored candidates not yet fitted on all rows
        SnorkelerException? firstError = null; // the first failure that was not a refusal
        // A candidate left out (not fitted, rejected or failed) keeps its place with a NaN score and the reason.
        void Drop(AutoCandidate dropped, string heading)
        {
            candidates.Add(dropped);
            models.Add(null);
            log?.Invoke($"auto: {heading}: {dropped.Note}");
        }
        // Why a fit is rejected, or null: its labels call the sources casting more of the votes absurd than majority vote's
        // labels do (the first candidate's share, majority vote's, is the yardstick).
        string? Absurd(ILabelModel model)
        {
            // The guard's rule for such a Dawid–Skene fit (its candidates run without the guard): held-out agreement, the
            // criterion here, is what LFs that fire together give a fit whose classes are how busy rows are.
            if (model is DawidSkeneModel fit && DawidSkeneTrainer.ReadOtherwiseReason(fit) is { } reason)
                return reason + " (dawid-skene's guard would replace it by majority vote's model)";
            var absurd = AbsurdVoteShare(model, sources.Sample);
            if (candidates.Count == 0) majorityAbsurd = absurd;
            else if (absurd > majorityAbsurd + 0.01)
                return string.Create(CultureInfo.InvariantCulture, $"its labels make sources casting {absurd:P1} of the votes right less than half as often as a uniform guess (majority vote: {majorityAbsurd:P1})");
            return null;
        }
        for (var x = 0; x < list.Length; x++)
        {
            var entry = list[x];
            context.Cancellation.ThrowIfCancellationRequested();
            var (priorSource, prior) = given is not null ? ("given", given) : entry.LearnsPrior ? ("learned", null) : ("em", estimated);
            if (entry.Model == MajorityVoteTrainer.ModelName) (priorSource, prior) = ("none", null);
            if (!entry.ReadsSingleClassSources && singleClassShare >= 0.5)
            {
                Drop(new AutoCandidate(entry.Model, entry.Options, priorSource, double.NaN,
                    string.Create(CultureInfo.InvariantCulture, $"{singleClassShare:P0} of the votes come from sources that only vote one class, which this model (abstains missing) cannot read")),
                    $"{entry.Model} skipped");
                continue;
            }
            var fitContext = context with { Prior = prior, Dev = null };
            try
            {
                var trainer = LabelModelCatalog.Get(entry.Model).CreateTrainer(new ModelOptions(entry.Options));
                var keep = statisticsLater[x];
                // A candidate whose fits without a fold are cheaper than its own (EBCC: one restart instead of ten) is fitted on
                // all rows only if it leads, unless the dev-split search reuses that fit: on dense LF sets its own fit was most of
                // auto's time, and it seldom leads there. The choice is the same: an absurd fit is rejected when it would lead.
                var defer = learned is null && folds >= 2 && CriterionTrainer(entry) is not null;
                ILabelModel? model = null;
                if (!defer)
                {
                    model = statistics.Fit(trainer, train, fitContext, keep);
                    if (learned is not null && prior is null && entry.LearnsPrior) learned[entry] = model;
                    if (Absurd(model) is { } note)
                    {
                        var rejected = new AutoCandidate(entry.Model, entry.Options, priorSource, double.NaN, note);
                        Drop(rejected, $"{rejected}: rejected");
                        continue;
                    }
                }
                var foldTrainer = CriterionTrainer(entry) ?? trainer;
                var scores = folds < 2 ? new HeldOutScores([], [], []) : sources.Scores((x, f) => statistics.Fit(foldTrainer, x, fitContext with { Prior = prior is null || given is not null ? prior : maskedPriors![f] }, keep), context.Cancellation);
                var score = HeldOutSources.Mean(scores.Agreement, scores.Weight);
                heldOutScores[candidates.Count] = scores;
                var candidate = new AutoCandidate(entry.Model, entry.Options, priorSource, score);
                refits[candidates.Count] = () => statistics.Fit(trainer, train, fitContext, keep: false);
                if (defer) deferred.Add(candidates.Count);
                if (model is DawidSkeneActivityModel { Test: not null } activity)
                {
                    activityModels.Add(candidates.Count);
                    if (firing < 0 && IsPlainDawidSkene(entry)) (firing, firingModel) = (candidates.Count, activity);
                }
                candidates.Add(candidate);
                models.Add(model);
                LetGoBeaten(models, candidates);
                log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"auto: {candidate}: held-out source agreement {score:F4}"));
            }
            catch (SnorkelerException e)
            {
                if (e is not ModelRefusalException) firstError ??= e;
                Drop(new AutoCandidate(entry.Model, entry.Options, priorSource, double.NaN, e.Message), $"{entry.Model} skipped");
            }
        }
        var best = Best(candidates.Select(c => c.Score).ToArray(), higherIsBetter: true);
        // LFs that fire together (a long text trips keyword rules of every class, a short one none): held-out LFs then fire on
        // the busy rows whatever their class, so held-out agreement rewards fits whose classes follow how busy rows are (a
        // CDR-shaped set: snorkel with the estimated balance led Dawid–Skene's activity model by 0.075 to 0.052 and scored 18
        // points below it). Where the plain Dawid–Skene candidate models each row's activity, and dawid-skene with its guard
        // does too (the guard can replace a fit that reads single-class sources as worse than a guess, and the family then
        // reads majority vote's labels otherwise: a Yelp-shaped set, 11 points below majority vote unguarded), that model is
        // taken and the score does not rank the candidates; the guard's own check against majority vote, where it runs, is
        // what decides (136 generated sets whose LFs fire together: +9.3 → +12.4 points over majority vote, sets more than half
        // a point below it 3 → 0; docs/label-models-measurements.md). Without a dev split only: with one, the unsupervised
        // choice is the anchor the dev-best must beat, and taking this model there gained nothing.
        string? firesTogether = null;
        if (firing >= 0 && learned is null && folds >= 2)
        {
            ILabelModel? guarded;
            // The class-balance estimate fitted the same model where the rows fire together (its context differs only in what
            // dawid-skene does not read: the seed, the quiet log).
            try { guarded = guardedFit ?? new DawidSkeneTrainer().Fit(train, context with { Prior = given, Dev = null }); }
            catch (SnorkelerException e)
            {
                // Without the guard's verdict nothing is decided here: the score ranks the candidates as it would otherwise.
                log?.Invoke($"auto: {candidates[firing]} models each row's activity, but dawid-skene with its guard failed ({e.Message}), so the score decides");
                guarded = null;
            }
            if (guarded is DawidSkeneActivityModel)
            {
                log?.Invoke("auto: dawid-skene with its guard models each row's activity too");
                best = firing;
                models[best] = firingModel;
                firesTogether = $"the rows fire together ({firingModel!.Test}), and {candidates[best]} models each row's activity, as dawid-skene with its guard does; held-out agreement does not rank the candidates, as held-out sources fire on the busy rows whatever their class";
            }
            else if (guarded is not null)
            {
                log?.Invoke(guarded is DawidSkeneModel { GuardCheck: { Replaced: true } }
                    ? "auto: dawid-skene with its guard: the guard replaces the plain fit by majority vote's model, and the activity family reads that otherwise"
                    : "auto: dawid-skene with its guard: a fit without the activity");
                // The guard gave way to majority vote's model (or kept another fit), and the family reads that otherwise: the
                // fit beneath the activity models is one the guard does not keep, so they are left out and the criterion
                // decides among the rest (the Yelp-shaped set above: flyingsquid, at majority vote's level).
                foreach (var c in activityModels)
                {
                    candidates[c] = candidates[c] with { Score = double.NaN, Note = "its activity model is the one the plain dawid-skene fit leads to, and dawid-skene with its guard does not take it" };
                    models[c] = null;
                    log?.Invoke($"auto: {candidates[c]}: rejected: {candidates[c].Note}");
                }
                best = Best(candidates.Select(c => c.Score).ToArray(), higherIsBetter: true);
            }
        }
        // When the held-out sources agree with majority vote's labels no better than chance, within two standard errors (LFs of
        // one class that never fire together, sparse single-class LFs), the criterion has no signal to rank the candidates by.
        // Decided before a deferred leader is fitted on all rows, a fit that would then go unused.
        string? noSignal = null;
        if (firesTogether is null && best >= 0 && heldOutScores.TryGetValue(0, out var majority) && majority.Kappa.Length > 0)
        {
            var (signal, error) = HeldOutSources.PairedDifference(majority.Kappa, new double[majority.Kappa.Length], majority.Weight);
            if (signal <= 2 * error)
            {
                noSignal = string.Create(CultureInfo.InvariantCulture,
                    $"held-out sources agree with majority vote's labels no better than chance (κ {signal:F4} ± {error:F4} over {Text.Listing.Counted(folds, "fold")} of {Text.Listing.Counted(sources.Sample.LfCount, "source")}, {Text.Listing.Counted(sources.Sample.RowCount, "row")}), so agreement cannot rank the candidates (best: {candidates[best]}, {candidates[best].Score:F4})");
                best = 0;
                // Except where Dawid–Skene has found exclusive groups: it then leaves the rows without a vote undecided, as majority
                // vote does, and reads the rows with votes by each group's fitted hit and false-alarm rates (on the 32 exclusive
                // sets of 16 generated LF suites: never below majority vote, +4.4 points on average; docs/label-models-measurements.md).
                if (GroupedDawidSkene(candidates, models, refits) is var grouped and > 0)
                {
                    noSignal += $"; {candidates[grouped]} found exclusive groups of sources, leaves the rows without a vote undecided as majority vote does and models the rows with votes, so it is taken";
                    best = grouped;
                }
            }
        }
        // A lead within the noise is no evidence: an earlier candidate (not majority vote) whose score is within one paired
        // standard error of the leader's, over the held-out sources, is taken instead, the earliest such. The list puts first
        // the models that were best across the measured sets (Dawid–Skene); near-ties otherwise went to whichever fit the
        // noise favoured, between fits that label rows very differently (a YouTube-shaped set whose LFs fire together:
        // flyingsquid led Dawid–Skene by 0.0024 ± 0.023 and scored 12 points below it; docs/label-models-measurements.md).
        // Without a dev split only: with one, the unsupervised choice is the anchor the dev-best must beat, and its rules were
        // measured with the leader as that anchor.
        var (tiePick, tieNote) = (-1, (string?)null);
        if (firesTogether is null && noSignal is null && best > 1 && learned is null)
        {
            var leader = heldOutScores[best];
            for (var c = 1; c < best; c++)
            {
                if (!double.IsFinite(candidates[c].Score) || !heldOutScores.TryGetValue(c, out var earlier)) continue;
                var (lead, error) = HeldOutSources.PairedDifference(leader.Agreement, earlier.Agreement, leader.Weight);
                if (lead > error) continue;
                tieNote = string.Create(CultureInfo.InvariantCulture,
                    $"{candidates[best]} leads it by {lead:F4} ± {error:F4} (a paired standard error over the held-out sources), within the noise, so the earlier candidate is kept");
                (tiePick, best) = (c, c);
                break;
            }
        }
        // The leader's fit on all rows: a deferred one's now (rejected, as any other, when absurd or when it fails, and the
        // next one leads), or a beaten one's again, let go while a deferred candidate led (the same fit: same rows and seed).
        while (best >= 0 && models[best] is null)
        {
            string? note;
            try
            {
                if (deferred.Contains(best)) log?.Invoke($"auto: {candidates[best]} leads: fitted on all rows");
                var model = refits[best]();
                note = deferred.Contains(best) ? Absurd(model) : null;
                if (note is null) models[best] = model;
            }
            catch (SnorkelerException e)
            {
                if (e is not ModelRefusalException) firstError ??= e;
                note = e.Message;
            }
            if (note is null) break;
            candidates[best] = candidates[best] with { Score = double.NaN, Note = note };
            log?.Invoke($"auto: {candidates[best]}: rejected: {note}");
            best = Best(candidates.Select(c => c.Score).ToArray(), higherIsBetter: true);
        }
        if (best < 0) throw EveryCandidateFailed(firstError);
        var tied = best == tiePick;
        var reason = firesTogether ?? noSignal ?? (folds < 2
            ? "with fewer than two independent groups of sources no source can be held out, so majority vote is kept"
            : string.Create(CultureInfo.InvariantCulture,
                $"{(tied ? "" : "highest ")}held-out source agreement ({candidates[best].Score:F4}; majority vote {candidates[0].Score:F4}) over {Text.Listing.Counted(folds, "fold")} of {Text.Listing.Counted(sources.Sample.LfCount, "source")}, {Text.Listing.Counted(sources.Sample.RowCount, "row")}{(tied ? "; " + tieNote : "")}"));
        var chosen = candidates[best];
        if (recognised is not null) reason = recognised + reason;
        var selection = new AutoSelection("held-out source agreement",
            $"held-out source agreement: how often the labels of a fit without a fold of sources name the held-out sources' votes, above what a guess from each source's own votes would (Cohen's κ for sources that vote one class; {folds} folds, dependent sources together)",
            true, candidates, chosen, reason);
        return new Choice(models[best]!, selection, chosen, estimated, learned);
    }

    /// <summary>
    /// Why no candidate could be chosen: a refusal when every failure was itself a refusal (or a fit rejected as absurd),
    /// otherwise <paramref name="error"/>, the first failure that was not, rethrown as it was (an option error, a file found
    /// damaged, a bug). <c>compare</c> passes over refusals only, and reported such a failure as auto's refusal: "not compared", exit 0.
    /// </summary>
    private static ModelRefusalException EveryCandidateFailed(SnorkelerException? error)
    {
        if (error is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        return new ModelRefusalException("auto: every candidate model failed; see the log");
    }

    // The Dawid–Skene candidate (abstains missing, full confusion, not rejected) when its fit has exclusive groups and leaves
    // a row without a vote undecided (the balance it takes with groups unless the votes reject it); else -1. Its fit is made
    // again when it was let go.
    private static int GroupedDawidSkene(List<AutoCandidate> candidates, List<ILabelModel?> models, Dictionary<int, Func<ILabelModel>> refits)
    {
        for (var c = 1; c < candidates.Count; c++)
        {
            var candidate = candidates[c];
            if (candidate.Model != DawidSkeneTrainer.ModelName || candidate.Options.Count != 1 || !candidate.Options.ContainsKey("guard") || !double.IsFinite(candidate.Score)) continue;
            var model = models[c];
            if (model is null)
            {
                try { model = refits[c](); }
                catch (SnorkelerException) { return -1; }
            }
            if (model is not DawidSkeneModel { ExclusiveGroups.Count: > 0 } grouped || !grouped.LeavesSilentRowsUndecided()) return -1;
            models[c] = model;
            return c;
        }
        return -1;
    }

    /// <summary>
    /// The trainer of a candidate's fits without a fold of sources, when it differs from the candidate's own: EBCC with its
    /// default options (the LF candidate; not the crowd default) runs one restart there instead of 10 (fewer on many
    /// answers). Its restarts cost a full fit each and guard the fit on all rows against a poor optimum; the held-out
    /// agreement of one fit per fold chose the same models on every set measured (docs/label-models-measurements.md, <c>auto</c>'s cost on dense sets), at a
    /// tenth of the fold fits' cost on sets of up to 100,000 answers.
    /// </summary>
    internal static ILabelModelTrainer? CriterionTrainer(AutoEntry entry)
    {
        if (entry.Model != EbccTrainer.ModelName || entry.Options.Count > 0) return null;
        var options = new Dictionary<string, string>(entry.Options) { ["restarts"] = "1" };
        return LabelModelCatalog.Get(entry.Model).CreateTrainer(new ModelOptions(options));
    }

    /// <summary>
    /// The share of votes cast by sources whose precision under the model's labels — the mean probability the model gives
    /// the class a source voted, over its votes — is below 1/(2k): sources the model calls right less than half as often
    /// as a uniform guess. Every label model assumes its sources are better than random; a fit that says otherwise for a
    /// share of the votes has found latent classes that are not the task's (Dawid–Skene with abstains as outcomes on LFs of
    /// one class that never fire together: precision 0 for whole classes of LFs). Annotators are left out: a crowd has people
    /// who give one answer whatever the task (right as often as that class is common) or answer a class for another, and
    /// most people answer a few tasks each, so a person called mostly wrong says nothing about the fit; Dawid–Skene checks
    /// its fit on people's answers against majority vote itself.
    /// </summary>
    internal static double AbsurdVoteShare(ILabelModel model, LabelMatrix matrix)
    {
        var k = matrix.Schema.Cardinality;
        var m = matrix.LfNames.Count;
        var probabilities = model.PredictProbabilities(matrix);
        var votes = new double[m];
        var right = new double[m];
        var lfs = new int[m];
        var labels = new int[m];
        long row = 0;
        foreach (var block in matrix.ReadBlocks())
        {
            for (var i = 0; i < block.RowCount; i++, row++)
            {
                var count = block.CopyVotes(i, lfs, labels);
                for (var v = 0; v < count; v++)
                {
                    votes[lfs[v]]++;
                    right[lfs[v]] += probabilities[row * k + labels[v]];
                }
            }
        }
        var kinds = matrix.SourceKinds;
        double absurd = 0, all = 0;
        for (var j = 0; j < m; j++)
        {
            all += votes[j];
            if (votes[j] > 0 && kinds[j] != SourceKind.Annotator && right[j] / votes[j] < 0.5 / k) absurd += votes[j];
        }
        return all > 0 ? absurd / all : 0;
    }

    /// <summary>The share of votes cast by sources that only ever vote one class.</summary>
    internal static double SingleClassVoteShare(IMatrixSource matrix, CancellationToken cancellation)
        => SingleClassVoteShare(VotePatterns.Read(matrix, cancellation), matrix.Schema.Cardinality);

    /// <inheritdoc cref="SingleClassVoteShare(IMatrixSource, CancellationToken)"/>
    internal static double SingleClassVoteShare(VotePatterns patterns, int k)
    {
        var votes = patterns.VotesPerSource();
        double single = 0, all = 0;
        for (var j = 0; j < votes.Length; j++)
        {
            all += votes[j];
            if (votes[j] > 0 && patterns.ClassesVoted(j, k) == 1) single += votes[j];
        }
        return all > 0 ? single / all : 0;
    }

    /// <summary>A Dawid–Skene entry with every option at its default but the guard, which auto's candidates run without (the plain one).</summary>
    private static bool IsPlainDawidSkene(AutoEntry entry)
        => entry.Model == DawidSkeneTrainer.ModelName && entry.Options.Count == 1 && entry.Options.TryGetValue("guard", out var guard) && guard == "none";

    /// <summary>
    /// Lets go of the fits that can no longer be chosen (sets them to null): only majority vote's (the first; the choice when
    /// the criterion has no signal) and the best so far by <see cref="Best"/> can be. At 1,000 classes a Dawid–Skene fit holds
    /// 640 MB (its confusion and its score table), and three of them were held to the end.
    /// </summary>
    internal static void LetGoBeaten(IList<ILabelModel?> models, IReadOnlyList<AutoCandidate> candidates)
    {
        var leader = Best(candidates.Select(c => c.Score).ToArray(), higherIsBetter: true);
        for (var c = 1; c < models.Count; c++)
            if (c != leader) models[c] = null;
    }

    /// <summary>Whether <c>auto</c> fits the entry from moment statistics (given a prior: <paramref name="hasPrior"/>) rather than from the rows.</summary>
    private static bool ReadsStatistics(AutoEntry entry, bool hasPrior)
        => hasPrior && entry.Model != MajorityVoteTrainer.ModelName
           && StatisticsCache.FitsFromStatistics(LabelModelCatalog.Get(entry.Model).CreateTrainer(new ModelOptions(entry.Options)));

    /// <summary>
    /// The moment statistics of each matrix, computed once and shared by the candidates that fit from them
    /// (snorkel, flyingsquid: one pass over the rows per matrix instead of one per candidate). Statistics no later candidate
    /// reads are let go after their fit (at 200 classes and 40 LFs, 250 MB for each matrix: the sample and its five folds).
    /// </summary>
    internal sealed class StatisticsCache
    {
        private readonly Dictionary<IMatrixSource, SufficientStatistics?> _computed = new(ReferenceEqualityComparer.Instance);
        private readonly Lock _lock = new();

        /// <summary>Matrices whose statistics are held for later fits.</summary>
        public int Held
        {
            get
            {
                lock (_lock) return _computed.Count;
            }
        }

        /// <summary>Dependency-aware snorkel reads the rows for its pair corrections; the other statistics trainers read only the statistics.</summary>
        public static bool FitsFromStatistics(ILabelModelTrainer trainer)
            => trainer is IStatisticsTrainer and not SnorkelTrainer { Options.Dependencies.IsNone: false };

        /// <summary>The fit of <paramref name="source"/>, from its statistics when the trainer reads them; kept for later fits when <paramref name="keep"/>.</summary>
        public ILabelModel Fit(ILabelModelTrainer trainer, IMatrixSource source, FitContext context, bool keep)
        {
            if (context.Prior is null || !FitsFromStatistics(trainer)) return trainer.Fit(source, context);
            SufficientStatistics? stats;
            lock (_lock)
            {
                if (!_computed.TryGetValue(source, out stats))
                {
                    // Computed under the lock: fits of one source wait for its statistics (fold fits each have their own source).
                    try { stats = SufficientStatistics.Compute(source, context.Cancellation); }
                    catch (SnorkelerException) { stats = null; }
                }
                if (keep) _computed[source] = stats;
                else _computed.Remove(source);
            }
            return stats is null ? trainer.Fit(source, context) : ((IStatisticsTrainer)trainer).Fit(stats, context);
        }
    }

    // ---------------------------------------------------------------- with a dev split

    /// <summary>A dev-split candidate: its record, its fitted model and its dev probabilities (null when the fit failed).</summary>
    internal sealed record Scored(AutoCandidate Candidate, ILabelModel? Model, double[]? DevProbabilities);

    private (ILabelModel Model, AutoSelection Selection, IReadOnlyList<Scored> Scored) Supervised(IMatrixSource train, LabelMatrix dev, FitContext context, Action<string>? log, Choice unsupervised,
        Action<string>? warn)
    {
        LabelModel.CheckCompatible(new MajorityVoteModel(train.Schema, train.LfNames), dev, context.DevWhere);
        var k = train.Schema.Cardinality;
        var metric = Options.SelectBy;
        var higher = metric != AutoMetric.LogLoss;
        var gold = dev.GoldLabels.ToArray();
        var devRows = Enumerable.Range(0, dev.RowCount).Where(i => gold[i] >= 0).ToArray();
        if (devRows.Length == 0) throw new SnorkelerException(context.DevName is null ? "auto: the dev split has no rows with a gold label" : $"{context.DevName}: the dev split has no rows with a gold label");

        var priors = new List<(string Source, double[] Prior)>();
        // A class the dev split never names: its balance says nothing of that class but that it is rare, and the candidates fitted
        // with it look best on the very rows it came from (on YouTube, 8 dev rows of one class took auto from 0.832 to 0.656 on test).
        var devCounts = new int[k];
        foreach (var i in devRows) devCounts[gold[i]]++;
        var missing = Enumerable.Range(0, k).Where(c => devCounts[c] == 0).Select(c => dev.Schema.NameOf(c)).ToArray();
        if (missing.Length > 0)
            warn?.Invoke($"warning: auto: {ClassPrior.MissingClasses(context.DevName ?? "the dev split", missing, devRows.Length)}: its class balance is not tried as a prior, and its scores cannot tell how a model labels {(missing.Length == 1 ? "that class" : "those classes")}");
        if (context.Prior is { } given) priors.Add(("given", ClassPrior.Validate(given, k)));
        else
        {
            if (missing.Length == 0) priors.Add(("dev", ClassPrior.FromGold(dev, k)));
            priors.Add(("em", unsupervised.EstimatedPrior ?? ClassPrior.Uniform(k)));
            priors.Add(("uniform", ClassPrior.Uniform(k)));
        }
        SufficientStatistics? stats = null;
        try { stats = SufficientStatistics.Compute(train, context.Cancellation); }
        catch (SnorkelerException e) { log?.Invoke($"auto: no moment statistics: {e.Message}"); }

        var scored = new List<Scored>();
        SnorkelerException? firstError = null; // the first failure that was not a refusal
        void Add(string model, IReadOnlyDictionary<string, string> options, string priorSource, Func<ILabelModel> fit, Func<ILabelModel, double[]>? devProbabilities = null)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            try
            {
                var fitted = fit();
                var probabilities = devProbabilities?.Invoke(fitted) ?? fitted.PredictProbabilities(dev);
                var candidate = new AutoCandidate(model, options, priorSource, Metric(probabilities, gold, devRows, dev.Schema, metric));
                scored.Add(new Scored(candidate, fitted, probabilities));
                log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"auto: {candidate}: dev {AutoOptions.Spelling(metric)} {candidate.Score:F4}"));
            }
            catch (SnorkelerException e)
            {
                if (e is not ModelRefusalException) firstError ??= e;
                scored.Add(new Scored(new AutoCandidate(model, options, priorSource, double.NaN, e.Message), null, null));
                log?.Invoke($"auto: {model} skipped: {e.Message}");
            }
        }

        Add(MajorityVoteTrainer.ModelName, new Dictionary<string, string>(), "none", () => new MajorityVoteTrainer().Fit(train, context));
        foreach (var (source, prior) in priors)
            Add(WeightedVoteTrainer.ModelName, new Dictionary<string, string> { ["accuracies"] = "dev" }, source,
                () => new WeightedVoteTrainer(new WeightedVoteOptions { AccuracySource = "dev" }).Fit(train, context with { Prior = prior, Dev = dev }),
                _ => CrossFitted(d => new WeightedVoteTrainer(new WeightedVoteOptions { AccuracySource = "dev" }).Fit(train, context with { Prior = prior, Dev = d }), dev));
        var entries = Crowd.CrowdSelection.Applies(train)
            ? Candidates.Concat(Crowd.CrowdSelection.Candidates).Append(Crowd.CrowdSelection.Default)
            : Candidates;
        foreach (var entry in entries.Where(e => e.Model != MajorityVoteTrainer.ModelName))
        {
            var trainer = LabelModelCatalog.Get(entry.Model).CreateTrainer(new ModelOptions(entry.Options));
            foreach (var (source, prior) in priors.Where(p => p.Source is "dev" or "given"))
                Add(entry.Model, entry.Options, source, () => trainer.Fit(train, context with { Prior = prior, Dev = null }));
            if (context.Prior is null)
            {
                var (source, prior) = entry.LearnsPrior ? ("learned", (double[]?)null) : ("em", priors.First(p => p.Source == "em").Prior);
                var fitted = prior is null && unsupervised.Learned is { } done && done.TryGetValue(entry, out var f) ? f : null;
                Add(entry.Model, entry.Options, source, () => fitted ?? trainer.Fit(train, context with { Prior = prior, Dev = null }));
            }
            if (entry.Model == DawidSkeneTrainer.ModelName)
            {
                // Semi-supervised EM: the dev rows join the fit clamped to their gold class; scored out of fold like wmv (each
                // fold's rows left out of the fit that predicts them). Semi-supervised ebcc is not tried: on the shared sets it
                // was never chosen and cost ~10 s of CPU on dog (docs/label-models-measurements.md).
                var options = new Dictionary<string, string>(entry.Options) { ["dev-gold"] = "clamp" };
                var semi = LabelModelCatalog.Get(entry.Model).CreateTrainer(new ModelOptions(options));
                Add(entry.Model, options, context.Prior is null ? "learned" : "given", () => semi.Fit(train, context with { Dev = dev }),
                    _ => CrossFitted(d => semi.Fit(train, context with { Dev = d }), dev));
            }
        }
        if (stats is not null)
        {
            // The grid's runs are independent (each from the same seed), so they run side by side and are added in grid order.
            var runs = (from lr in GridLearningRates from l2 in GridL2 from prior in priors
                        select (Options: new SnorkelOptions { Epochs = GridEpochs.Max(), LearningRate = lr, L2 = l2 }, prior.Source, prior.Prior)).ToArray();
            var fits = InParallel.Map(runs.Length, context.Cancellation, r =>
            {
                var (options, _, prior) = runs[r];
                try { return (Trajectory: (IReadOnlyList<SnorkelModel>?)new SnorkelTrainer(options).FitTrajectory(stats, context with { Prior = prior }, prior, GridEpochs), Failure: (SnorkelerException?)null); }
                catch (SnorkelerException e) { return (null, e); }
            });
            for (var r = 0; r < runs.Length; r++)
            {
                var (options, source, _) = runs[r];
                if (fits[r].Trajectory is not { } trajectory)
                {
                    if (fits[r].Failure is not ModelRefusalException) firstError ??= fits[r].Failure;
                    foreach (var epochs in GridEpochs)
                        scored.Add(new Scored(new AutoCandidate(SnorkelTrainer.ModelName, (options with { Epochs = epochs }).ToOptionValues(), source, double.NaN, fits[r].Failure!.Message), null, null));
                    continue;
                }
                for (var x = 0; x < trajectory.Count; x++)
                {
                    var model = trajectory[x];
                    Add(SnorkelTrainer.ModelName, (options with { Epochs = GridEpochs[x] }).ToOptionValues(), source, () => model);
                }
            }
        }

        // The unsupervised choice, scored on the dev split (it never saw it).
        var fallback = unsupervised.Model.PredictProbabilities(dev);
        var fallbackScore = Metric(fallback, gold, devRows, dev.Schema, metric);
        var candidates = scored.Select(s => s.Candidate).ToList();
        var best = DevBest(scored, c => scored[c].Candidate.Score, higher, devRows, gold, dev.Schema);
        if (best < 0) throw EveryCandidateFailed(firstError);

        var devBest = candidates[best];
        var name = AutoOptions.Spelling(metric);
        bool trusted;
        string reason, check;
        if (metric != AutoMetric.MacroF1)
        {
            // Shrinkage towards the unsupervised choice: the dev-best replaces it only when it leads it on the dev rows by more
            // than one paired standard error. The dev-best's lead is optimistic (it is the best of hundreds), so a lead within
            // the noise of the dev split is not taken as evidence (docs/label-models-measurements.md: measured against an out-of-fold check
            // of the selection and six other rules). With a hard-label metric the dev-best must also be no worse calibrated on
            // the dev rows (log-loss): a lead in labels bought with worse probabilities was, on held-out sets, more often luck
            // of the dev split than a better model.
            var (lead, error) = Paired(RowScores(scored[best].DevProbabilities!, gold, devRows, k, metric), RowScores(fallback, gold, devRows, k, metric));
            var leads = Leads(lead, error);
            string? worseCalibrated = null; // why a leading dev-best is not taken, when its dev log-loss is higher
            string? clearLead = null; // why it is taken although its dev log-loss is higher
            if (metric != AutoMetric.LogLoss)
            {
                var (bestLoss, fallbackLoss) = (Metric(scored[best].DevProbabilities!, gold, devRows, dev.Schema, AutoMetric.LogLoss), Metric(fallback, gold, devRows, dev.Schema, AutoMetric.LogLoss));
                if (bestLoss > fallbackLoss + TieTolerance)
                {
                    // Unless the lead is clear (more than two errors) and the higher log-loss is not (within its own paired error):
                    // on a census-shaped set with correlated errors the condition kept the unsupervised choice 33 dev rows of 1,000
                    // (3.5 errors) behind the dev-best, whose log-loss was 0.008 higher, and 3.7 points behind it on test
                    // (docs/label-models-measurements.md).
                    var (worse, lossError) = Paired(RowScores(fallback, gold, devRows, k, AutoMetric.LogLoss), RowScores(scored[best].DevProbabilities!, gold, devRows, k, AutoMetric.LogLoss));
                    if (Leads(lead, 2 * error) && !Leads(worse, lossError))
                        clearLead = string.Create(CultureInfo.InvariantCulture, $"; its dev log-loss is higher ({bestLoss:F4} against {fallbackLoss:F4}) by no more than its paired standard error ({lossError:F4}), and the lead is more than two errors");
                    else
                        worseCalibrated = string.Create(CultureInfo.InvariantCulture, $", but its dev log-loss is higher ({bestLoss:F4} against {fallbackLoss:F4})");
                }
            }
            trusted = leads && worseCalibrated is null;
            var paired = double.IsFinite(error)
                ? string.Create(CultureInfo.InvariantCulture, $"one paired standard error ({error:F4}, {Text.Listing.Counted(devRows.Length, "dev row")})")
                : "one paired standard error (none can be measured on 1 dev row)";
            reason = trusted
                ? string.Create(CultureInfo.InvariantCulture, $"best dev {name} ({devBest.Score:F4}); it leads the unsupervised choice ({fallbackScore:F4}) by {lead:F4} per dev row, more than {paired}{clearLead}")
                : string.Create(CultureInfo.InvariantCulture, $"the unsupervised choice ({unsupervised.Selection.Chosen}, dev {name} {fallbackScore:F4}) was kept: the dev-best ({devBest}, {devBest.Score:F4}) leads it by {lead:F4} per dev row, ")
                  + (leads ? $"more than {paired}{worseCalibrated}" : $"not more than {paired}");
            check = "the dev-best replaces the unsupervised choice only when it leads it by more than one paired standard error"
                    + (metric == AutoMetric.LogLoss ? "" : " and its dev log-loss is no higher (or higher within its paired standard error, with a lead of more than two)");
        }
        else
        {
            // Macro-F1 does not split into rows: the selection itself is checked out of fold, each dev fold labelled by the
            // candidate best on the other folds.
            var outOfFold = new double[dev.RowCount * k];
            var folds = Math.Min(DevFolds, devRows.Length);
            // One row cannot be split into folds: the selection cannot be checked, so it is not trusted.
            if (folds < 2) fallback.AsSpan().CopyTo(outOfFold);
            for (var f = 0; f < folds && folds >= 2; f++)
            {
                var inner = devRows.Where((_, x) => x % folds != f).ToArray();
                var chosen = DevBest(scored, c => Metric(scored[c].DevProbabilities!, gold, inner, dev.Schema, metric), higher, inner, gold, dev.Schema);
                foreach (var i in devRows.Where((_, x) => x % folds == f))
                    scored[chosen].DevProbabilities!.AsSpan(i * k, k).CopyTo(outOfFold.AsSpan(i * k, k));
            }
            var outOfFoldScore = Metric(outOfFold, gold, devRows, dev.Schema, metric);
            trusted = outOfFoldScore > fallbackScore;
            reason = trusted
                ? string.Create(CultureInfo.InvariantCulture, $"best dev {name} ({devBest.Score:F4}); choosing by the dev split beat the unsupervised choice out of fold ({outOfFoldScore:F4} vs {fallbackScore:F4} on {devRows.Length} dev rows, {folds} folds)")
                : string.Create(CultureInfo.InvariantCulture, $"the unsupervised choice ({unsupervised.Selection.Chosen}, dev {name} {fallbackScore:F4}) was kept: choosing by the dev split did not beat it out of fold ({outOfFoldScore:F4} on {devRows.Length} dev rows, {folds} folds; dev-best {devBest} {devBest.Score:F4})");
            check = "selection checked out of fold against the unsupervised choice";
        }
        var criterion = $"dev {name}{(metric == AutoMetric.Accuracy ? " (tie-break: random)" : "")}, wmv's accuracies and semi-supervised EM cross-fitted in {DevFolds} folds; {check}";
        var metricName = metric switch
        {
            AutoMetric.Accuracy => "dev accuracy",
            AutoMetric.MacroF1 => "dev macro-F1",
            AutoMetric.LogLoss => "dev log-loss",
            _ => "dev expected accuracy",
        };
        if (trusted) return (scored[best].Model!, new AutoSelection(metricName, criterion, higher, candidates, devBest, reason, unsupervised.Selection), scored);
        var kept = unsupervised.Candidate with { Score = fallbackScore };
        return (unsupervised.Model, new AutoSelection(metricName, criterion, higher, candidates, kept, reason, unsupervised.Selection), scored);
    }

    /// <summary>
    /// Each of <paramref name="rows"/>' score under the metric, in their order: expected accuracy's credit (1/t when the
    /// gold class is among the t classes tied on top), accuracy with the seeded random tie-break, or the log-probability of
    /// the gold class (minus log-loss, so that higher is better for all three).
    /// </summary>
    internal static double[] RowScores(double[] probabilities, int[] gold, int[] rows, int k, AutoMetric metric)
        => rows.Select(i =>
        {
            var row = probabilities.AsSpan(i * k, k);
            return metric switch
            {
                AutoMetric.Accuracy => HardLabels.Choose(row, i, TieBreak.Random) == gold[i] ? 1.0 : 0,
                AutoMetric.LogLoss => Math.Log(Math.Clamp(row[gold[i]], 1e-15, 1.0)),
                _ => HardLabels.TopCount(row, gold[i], out var contains) is var tied && contains ? 1.0 / tied : 0,
            };
        }).ToArray();

    /// <summary>The mean of <c>a_i − b_i</c> over paired row scores and its standard error.</summary>
    internal static (double Lead, double Error) Paired(double[] a, double[] b)
    {
        if (a.Length == 0) return (0, 0);
        var d = a.Zip(b, (x, y) => x - y).ToArray();
        var mean = d.Average();
        // One row has no spread to measure: its lead is no evidence at all (with a zero error any lead would pass).
        if (d.Length == 1) return (mean, double.PositiveInfinity);
        var variance = d.Sum(x => (x - mean) * (x - mean)) / (d.Length - 1);
        return (mean, Math.Sqrt(variance / d.Length));
    }

    /// <summary>
    /// Whether a paired lead is more than one standard error: evidence enough for the dev-best to replace the unsupervised
    /// choice. A lead of one row and no loss equals its standard error exactly; rounding must not decide it.
    /// </summary>
    internal static bool Leads(double lead, double error) => lead > error * (1 + 1e-9);

    /// <summary>The index of the best finite score (ties to the earlier), or -1.</summary>
    private static int Best(IReadOnlyList<double> scores, bool higherIsBetter)
    {
        var best = -1;
        for (var c = 0; c < scores.Count; c++)
            if (double.IsFinite(scores[c]) && (best < 0 || (higherIsBetter ? scores[c] > scores[best] : scores[c] < scores[best]))) best = c;
        return best;
    }

    /// <summary>
    /// The index of the candidate best on the given dev rows by <paramref name="score"/> (finite scores of fitted candidates
    /// only), or -1. Ties are the rule, not the exception: expected accuracy on n dev rows moves in steps of 1/n and dozens of
    /// candidates share the top, so which of them comes first in the list decided the choice. They go to the lowest log-loss
    /// on the same rows (a proper score that still separates fits with the same labels), then to the earlier. With log-loss
    /// as the metric itself there is nothing left to break ties by.
    /// </summary>
    private static int DevBest(IReadOnlyList<Scored> scored, Func<int, double> score, bool higherIsBetter, int[] rows, int[] gold, LabelSchema schema)
    {
        var scores = Enumerable.Range(0, scored.Count).Select(c => scored[c].DevProbabilities is null ? double.NaN : score(c)).ToArray();
        var best = Best(scores, higherIsBetter);
        if (best < 0 || !higherIsBetter) return best;
        var bestLoss = Metric(scored[best].DevProbabilities!, gold, rows, schema, AutoMetric.LogLoss);
        for (var c = best + 1; c < scores.Length; c++)
        {
            if (!(scores[c] >= scores[best] - TieTolerance)) continue;
            var loss = Metric(scored[c].DevProbabilities!, gold, rows, schema, AutoMetric.LogLoss);
            if (loss < bestLoss) (best, bestLoss) = (c, loss);
        }
        return best;
    }

    /// <summary>Dev scores closer than this are tied (sums of the same row credits in another order differ in the last bits).</summary>
    private const double TieTolerance = 1e-12;

    /// <summary>The metric of the probabilities on the given rows of the dev split.</summary>
    private static double Metric(double[] probabilities, int[] gold, int[] rows, LabelSchema schema, AutoMetric metric)
    {
        var k = schema.Cardinality;
        var scores = new MetricsAccumulator(schema, TieBreak.Random);
        foreach (var i in rows) scores.Add(probabilities.AsSpan(i * k, k), gold[i], i);
        var result = scores.Result();
        return metric switch
        {
            AutoMetric.Accuracy => result.Accuracy,
            AutoMetric.MacroF1 => result.MacroF1,
            AutoMetric.LogLoss => result.LogLoss,
            _ => result.ExpectedAccuracy,
        };
    }

    /// <summary>
    /// The dev probabilities of a model that fits on the dev split's gold labels (wmv's accuracies, semi-supervised EM), each
    /// fold's rows predicted by a fit that saw the other folds' gold only (the fold's gold hidden: wmv and semi-supervised EM
    /// then leave its rows out).
    /// </summary>
    private static double[] CrossFitted(Func<LabelMatrix, ILabelModel> fitWithDev, LabelMatrix dev)
    {
        var k = dev.Schema.Cardinality;
        var gold = dev.GoldLabels.ToArray();
        var result = new double[dev.RowCount * k];
        for (var f = 0; f < DevFolds; f++)
        {
            var fitGold = gold.Select((g, i) => i % DevFolds == f ? LabelSchema.Abstain : g).ToArray();
            // Fitted with every gold label, the fold's rows would be scored by a fit that saw them: not scored at all instead.
            if (fitGold.All(g => g < 0))
                throw new ModelRefusalException($"too few dev rows with gold to score it out of fold (every row with gold is in fold {f + 1} of {DevFolds})");
            var probabilities = fitWithDev(dev.WithGold(fitGold)).PredictProbabilities(dev);
            for (var i = f; i < dev.RowCount; i += DevFolds) probabilities.AsSpan(i * k, k).CopyTo(result.AsSpan(i * k, k));
        }
        return result;
    }

    // ---------------------------------------------------------------- matrices

    private static LabelMatrix LabelMatrixOf(IMatrixSource source)
    {
        if (source is LabelMatrix matrix) return matrix;
        var blocks = source.ReadBlocks().ToList();
        if (blocks.Count == 1) return blocks[0];
        return HeldOutSources.Copy(source, int.MaxValue, _ => true, keepGold: true, CancellationToken.None);
    }
}

/// <summary>The model <c>auto</c> chose, with the record of its choice (see <see cref="AutoTrainer"/>).</summary>
public sealed class AutoModel : ILabelModel
{
    internal AutoModel(ILabelModel chosen, AutoSelection selection)
    {
        Chosen = chosen;
        Selection = selection;
    }

    /// <summary>The fitted model that makes the predictions.</summary>
    public ILabelModel Chosen { get; }

    /// <summary>The record of the choice: criterion, every candidate's score, the choice and the reason.</summary>
    public AutoSelection Selection { get; }

    /// <summary>What was chosen: model, options, prior source and score.</summary>
    public AutoCandidate Choice => Selection.Chosen;

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
    public JsonObject SaveParameters()
    {
        var json = Selection.ToJson();
        json["parameters"] = Chosen.SaveParameters();
        return json;
    }

    internal static AutoModel Load(LabelSchema schema, IReadOnlyList<string> lfNames, IReadOnlyList<double> prior, JsonObject parameters)
    {
        var selection = AutoSelection.FromJson(parameters);
        if (selection.Chosen.Model == AutoTrainer.ModelName) throw new SnorkelerException("parameter 'chosen.model' cannot be auto");
        var inner = parameters["parameters"] as JsonObject ?? throw new SnorkelerException("parameter 'parameters' must be an object");
        var fitted = LabelModelCatalog.Get(selection.Chosen.Model).Load(schema, lfNames, prior, inner);
        return new AutoModel(fitted, selection);
    }

    /// <inheritdoc />
    public override string ToString() => $"auto: {Choice} ({Selection.Reason})";
}
