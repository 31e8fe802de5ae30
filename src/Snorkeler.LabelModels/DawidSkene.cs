using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Snorkeler.LabelModels.Internal;

namespace Snorkeler.LabelModels;

/// <summary>What a model makes of an abstain (option <c>abstain</c>).</summary>
public enum AbstainMode
{
    /// <summary>
    /// A missing observation: the source did not see the row, or said nothing about it. Right for crowd
    /// workers (abstaining means "not assigned this item") and whenever abstaining says nothing about the class.
    /// </summary>
    Missing,

    /// <summary>
    /// An outcome like a class: how often a source abstains may depend on the class. Right for LFs whose
    /// firing is itself evidence (a keyword that appears mostly in one class).
    /// </summary>
    Vote,
}

/// <summary>How Dawid–Skene parameterises a source's errors (option <c>confusion</c>).</summary>
public enum ConfusionModel
{
    /// <summary>
    /// A full confusion matrix per source, <c>π_j[c, a] = P(L_j = a | Y = c)</c>. With abstains missing, a source
    /// that only ever votes one class has identical rows (its vote is that class whatever Y is), so such a
    /// source gets the one-coin form, the only one its votes identify.
    /// </summary>
    Full,

    /// <summary>
    /// One accuracy per source: right with probability <c>a_j</c>, otherwise a wrong class uniformly at random
    /// (Karger, Oh and Shah's "one-coin" model); with abstains as votes, plus one voting rate per class.
    /// </summary>
    OneCoin,
}

/// <summary>When Dawid–Skene's fit is checked against majority vote's model (option <c>guard</c>).</summary>
public enum GuardMode
{
    /// <summary>Never: the EM fit is kept.</summary>
    None,

    /// <summary>
    /// When the fit is suspect: single-class sources carrying at least <see cref="DawidSkeneTrainer.SuspectVoteShare"/> of the
    /// votes are, by the fit, right less often than a uniform guess (precision below 1/k), or the fit labels at least
    /// <see cref="DawidSkeneTrainer.OutsideRowShare"/> of the rows with votes with a class none of their votes names. Both
    /// happen when EM's latent classes are not the task's classes. Also when the rows fire together and the row-activity family
    /// reads the votes otherwise (<see cref="DawidSkeneTrainer.ActivityAgreement"/>). And always on people's answers (every
    /// source an annotator). With this mode and <see cref="Mv"/>, majority vote's model replaces unchecked a fit on votes that
    /// are all for one class, and a fit the row-activity family reads otherwise that labels at least
    /// <see cref="DawidSkeneTrainer.ReadOtherwiseOutsideShare"/> of the rows with votes against all of them.
    /// </summary>
    Auto,

    /// <summary>Always.</summary>
    Mv,
}

/// <summary>What Dawid–Skene does with a labelled dev split's gold labels (option <c>dev-gold</c>).</summary>
public enum DevGoldUse
{
    /// <summary>Their class frequencies (add-one smoothed) are the fixed class prior; the fit reads the training rows only.</summary>
    Prior,

    /// <summary>
    /// Semi-supervised EM: the dev rows join the training rows with their posteriors clamped to their gold class, so that
    /// the confusion matrices and the class prior are learned from the gold rows and the unlabelled rows together.
    /// </summary>
    Clamp,
}

/// <summary>Options of the Dawid–Skene model (<c>dawid-skene</c>).</summary>
public sealed record DawidSkeneOptions
{
    /// <summary>Most EM iterations (<c>--max-iter</c>, 1..100,000; default 500). Stopping there is reported as a warning.</summary>
    public int MaxIterations { get; init; } = 500;

    /// <summary>
    /// EM stops when the objective (log-likelihood of the votes plus the log-density of the Dirichlet priors)
    /// changes by less than this fraction of itself (<c>--tol</c>, ≥ 0; default 1e-7).
    /// </summary>
    public double Tolerance { get; init; } = 1e-7;

    /// <summary>
    /// Strength of the Dirichlet prior on each confusion row, in pseudo-votes (<c>--smoothing N</c>, &gt; 0; 5 unless
    /// given). The prior is centred on the pooled confusion matrix of all sources under majority vote, so a source
    /// with a few votes behaves like the average source instead of becoming certain. With <see cref="SmoothingFromSpread"/>
    /// this is the least strength.
    /// </summary>
    public double Smoothing { get; init; } = 5;

    /// <summary>
    /// Whether the strength is learned from how much the sources differ (<c>--smoothing auto</c>, the default; a number
    /// fixes it). When every source is modelled alike (all full matrices, as annotators are, or all one-coin), EM first
    /// runs at <see cref="Smoothing"/>; the spread of the sources' rows around their pooled row, beyond what their vote
    /// counts explain, then gives an empirical-Bayes strength per class (never below <see cref="Smoothing"/>), and EM
    /// continues with it. Sources that differ no more than counting noise are read as one average source, so that weak
    /// annotators with a few answers each are not weighted by the noise in their own counts.
    /// </summary>
    public bool SmoothingFromSpread { get; init; } = true;

    /// <summary>Abstain as a missing observation (default) or as an outcome (<c>--abstain missing|vote</c>).</summary>
    public AbstainMode Abstain { get; init; } = AbstainMode.Missing;

    /// <summary>Full confusion matrices (default) or one accuracy per source (<c>--confusion full|one-coin</c>).</summary>
    public ConfusionModel Confusion { get; init; } = ConfusionModel.Full;

    /// <summary>The prior when no explicit prior or labelled dev split is given (<c>--prior-estimate</c>: em (default: EM learns it), uniform, mv).</summary>
    public PriorEstimate PriorEstimate { get; init; } = PriorEstimate.Em;

    /// <summary>
    /// Whether sources with identical votes on every training row count once as a group (default: each of g copies
    /// enters the likelihood with weight 1/g) or each as an independent witness (<c>--duplicates once|each</c>).
    /// </summary>
    public bool CountDuplicatesOnce { get; init; } = true;

    /// <summary>
    /// When the EM fit is checked against majority vote's model (<c>--guard auto|mv|none</c>; default auto: on people's
    /// answers, when the fit finds sources carrying a share of the votes right less often than a uniform guess, and when it
    /// labels most rows with votes against all of them, and when the row-activity family reads the votes otherwise,
    /// <see cref="GuardMode.Auto"/>; some fits are replaced unchecked). When the fit's labels agree less with held-out sources than majority vote's do, by
    /// more than two standard errors (<see cref="MajorityVoteGuard"/>), the sources' confusion matrices are not trusted and
    /// every source gets the same one-coin accuracy, the model under which majority vote is the Bayes rule. Not always on: on sparse single-class LFs
    /// held-out κ is near 0 and can prefer majority vote to a fit that is far better.
    /// </summary>
    public GuardMode GuardMode { get; init; } = GuardMode.Auto;

    /// <summary>
    /// Whether single-class sources of one class that never fire together on the training rows are modelled as one source
    /// with one outcome per member (<c>--exclusive group</c>, default) or as independent sources (<c>--exclusive independent</c>).
    /// Rules such as "how many", "when" and "how much" each cover their own slice of a class; read as independent witnesses,
    /// each one's silence where another fires is evidence against the class, and EM builds latent classes around them.
    /// </summary>
    public bool GroupExclusiveSources { get; init; } = true;

    /// <summary>
    /// What a labelled dev split's gold labels are for (<c>--dev-gold prior|clamp</c>; default prior): the class prior, or
    /// semi-supervised EM on the training and dev rows with the dev rows clamped to their gold class (<see cref="DevGoldUse"/>).
    /// Without a labelled dev split this option does nothing.
    /// </summary>
    public DevGoldUse DevGold { get; init; } = DevGoldUse.Prior;

    /// <summary>
    /// Whether a source whose every vote on the training rows is also another source's vote, with the same label, is modelled
    /// given that source (<c>--derived given</c>, default: <c>P(it votes a | Y = c, its parent votes a)</c>, the parent's vote
    /// counting once) or as an independent witness (<c>--derived independent</c>). A rule and a narrower variant of it
    /// ("free" and "free money") agree wherever the narrower one fires; read as independent, that agreement looks like
    /// competence and both get accuracies near 1.
    /// </summary>
    public bool ConditionDerivedSources { get; init; } = true;

    /// <summary>
    /// Whether a matrix that does not say which sources are people is tested for being people's answers (<c>--people auto</c>,
    /// default: <see cref="Crowd.CrowdRecognition"/>, every source voting independently of the class, about as many votes
    /// on every row, most votes from sources that vote several classes) and then read as annotators, or read as given
    /// (<c>--people given</c>). An annotator's -1 means "not asked" (an outcome only with <c>--abstain vote</c>), and a person
    /// is never read as a single-class rule, one of an exclusive group or a source derived from another.
    /// </summary>
    public bool RecognisePeople { get; init; } = true;

    /// <summary>
    /// Whether the rows' activity is tested for (<c>--activity auto</c>, default) or the sources are taken as firing
    /// independently given the class (<c>--activity none</c>). See <see cref="DawidSkeneTrainer.WithRowActivity"/>.
    /// </summary>
    public bool RowActivity { get; init; } = true;

    /// <summary>
    /// A fixed spread of the rows' activity (<c>--activity SPREAD</c>, 0 to 2): the model of <see cref="Snorkeler.LabelModels.RowActivity"/>
    /// at that spread is fitted and used without a test; null (the default) tests the spreads.
    /// </summary>
    public double? ActivitySpread { get; init; }

    /// <summary>Reads the options from the command line's <c>--name value</c> pairs.</summary>
    public static DawidSkeneOptions From(ModelOptions options)
    {
        Guard.NotNull(options);
        var d = new DawidSkeneOptions();
        return new DawidSkeneOptions
        {
            MaxIterations = options.Integer("max-iter", d.MaxIterations, 1, 100_000),
            Tolerance = options.Number("tol", d.Tolerance, 0),
            Smoothing = IsAuto(options.Text("smoothing")) ? d.Smoothing : ReadSmoothing(options),
            SmoothingFromSpread = options.Text("smoothing") is { } smoothing ? IsAuto(smoothing) : d.SmoothingFromSpread,
            Abstain = ReadAbstain(options, d.Abstain),
            Confusion = options.Word("confusion", "full", "one-coin") switch
            {
                null => d.Confusion,
                "full" => ConfusionModel.Full,
                "one-coin" => ConfusionModel.OneCoin,
                _ => throw new UnreachableException(),
            },
            PriorEstimate = ClassPrior.ReadEstimate(options, PriorEstimate.Em),
            CountDuplicatesOnce = options.Word("duplicates", "once", "each") switch
            {
                null => d.CountDuplicatesOnce,
                "once" => true,
                "each" => false,
                _ => throw new UnreachableException(),
            },
            GuardMode = options.Word("guard", "auto", "mv", "none") switch
            {
                null => d.GuardMode,
                "auto" => GuardMode.Auto,
                "mv" => GuardMode.Mv,
                "none" => GuardMode.None,
                _ => throw new UnreachableException(),
            },
            GroupExclusiveSources = options.Word("exclusive", "group", "independent") switch
            {
                null => d.GroupExclusiveSources,
                "group" => true,
                "independent" => false,
                _ => throw new UnreachableException(),
            },
            DevGold = ReadDevGold(options, d.DevGold),
            ConditionDerivedSources = options.Word("derived", "given", "independent") switch
            {
                null => d.ConditionDerivedSources,
                "given" => true,
                "independent" => false,
                _ => throw new UnreachableException(),
            },
            RecognisePeople = options.Word("people", "auto", "given") switch
            {
                null => d.RecognisePeople,
                "auto" => true,
                "given" => false,
                _ => throw new UnreachableException(),
            },
            RowActivity = !string.Equals(options.Text("activity"), "none", StringComparison.OrdinalIgnoreCase),
            ActivitySpread = ReadActivitySpread(options),
        };
    }

    /// <summary>The <c>activity</c> option's spread: null for auto, none or absent.</summary>
    private static double? ReadActivitySpread(ModelOptions options)
    {
        var text = options.Text("activity");
        if (text is null || text.Equals("auto", StringComparison.OrdinalIgnoreCase) || text.Equals("none", StringComparison.OrdinalIgnoreCase)) return null;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            throw new OptionException($"--activity expects auto, none or a spread from 0 to 2, got '{text}'");
        return options.Number("activity", value, 0, 2);
    }

    private static bool IsAuto(string? smoothing) => smoothing is null || smoothing.Equals("auto", StringComparison.OrdinalIgnoreCase);

    /// <summary>A fixed <c>smoothing</c>: a number of pseudo-votes in (0, 10⁹].</summary>
    private static double ReadSmoothing(ModelOptions options)
    {
        var text = options.Text("smoothing");
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            throw new OptionException($"--smoothing expects auto or a number of pseudo-votes, got '{text}'");
        return options.Number("smoothing", value, 1e-9, 1e9);
    }

    /// <summary>Reads the <c>dev-gold</c> option (<c>prior</c> or <c>clamp</c>).</summary>
    internal static DevGoldUse ReadDevGold(ModelOptions options, DevGoldUse fallback) => options.Word("dev-gold", "prior", "clamp") switch
    {
        null => fallback,
        "prior" => DevGoldUse.Prior,
        "clamp" => DevGoldUse.Clamp,
        _ => throw new UnreachableException(),
    };

    /// <summary>The command-line spelling of a use of dev gold.</summary>
    internal static string Spelling(DevGoldUse use) => use == DevGoldUse.Clamp ? "clamp" : "prior";

    /// <summary>Reads the <c>abstain</c> option (<c>missing</c> or <c>vote</c>).</summary>
    internal static AbstainMode ReadAbstain(ModelOptions options, AbstainMode fallback) => options.Word("abstain", "missing", "vote") switch
    {
        null => fallback,
        "missing" => AbstainMode.Missing,
        "vote" => AbstainMode.Vote,
        _ => throw new UnreachableException(),
    };

    /// <summary>The command-line spelling of an abstain mode.</summary>
    internal static string Spelling(AbstainMode mode) => mode == AbstainMode.Vote ? "vote" : "missing";

    /// <summary>The options as command-line name/value pairs.</summary>
    public IReadOnlyDictionary<string, string> ToOptionValues() => new Dictionary<string, string>
    {
        ["abstain"] = Spelling(Abstain),
        ["confusion"] = Confusion == ConfusionModel.OneCoin ? "one-coin" : "full",
        ["max-iter"] = MaxIterations.ToString(CultureInfo.InvariantCulture),
        ["tol"] = Tolerance.ToString("R", CultureInfo.InvariantCulture),
        ["smoothing"] = SmoothingFromSpread ? "auto" : Smoothing.ToString("R", CultureInfo.InvariantCulture),
        ["prior-estimate"] = ClassPrior.OptionValue(PriorEstimate),
        ["duplicates"] = CountDuplicatesOnce ? "once" : "each",
        ["guard"] = GuardMode switch { GuardMode.Auto => "auto", GuardMode.Mv => "mv", _ => "none" },
        ["exclusive"] = GroupExclusiveSources ? "group" : "independent",
        ["dev-gold"] = Spelling(DevGold),
        ["derived"] = ConditionDerivedSources ? "given" : "independent",
        ["people"] = RecognisePeople ? "auto" : "given",
        ["activity"] = !RowActivity ? "none" : ActivitySpread is { } spread ? spread.ToString("R", CultureInfo.InvariantCulture) : "auto",
    };
}

/// <summary>How an iterative fit ended: iterations run, whether it met its tolerance, and its final objective.</summary>
/// <param name="Iterations">Iterations run.</param>
/// <param name="Converged">True when the tolerance was met before the iteration cap.</param>
/// <param name="Objective">The objective at the end (for EM: log-likelihood plus log prior density).</param>
public sealed record IterativeFit(int Iterations, bool Converged, double Objective)
{
    /// <summary>As JSON for the model file.</summary>
    public JsonObject ToJson() => new() { ["iterations"] = Iterations, ["converged"] = Converged, ["objective"] = double.IsFinite(Objective) ? Objective : null };

    /// <summary>Reads the record saved by <see cref="ToJson"/>, or null when absent (files of older versions).</summary>
    internal static IterativeFit? FromJson(JsonNode? node)
    {
        if (node is not JsonObject json) return null;
        var iterations = json["iterations"] is JsonValue i && i.TryGetValue<int>(out var n) && n >= 0 ? n : throw new SnorkelerException("parameter 'fit.iterations' must be a whole number ≥ 0");
        var converged = json["converged"] is JsonValue c && c.TryGetValue<bool>(out var b) ? b : throw new SnorkelerException("parameter 'fit.converged' must be true or false");
        var objective = json["objective"] is JsonValue o && o.TryGetValue<double>(out var x) ? x : double.NaN;
        return new IterativeFit(iterations, converged, objective);
    }
}

/// <summary>
/// The check of a Dawid–Skene fit against majority vote: the held-out source agreement (how well the labels of a fit
/// without a fold of sources name that fold's outputs, scored per source as <c>auto</c> scores candidates: Cohen's κ for a
/// single-class LF, the agreement score for any other) of the EM fit and of majority vote, and whether the fit was replaced by majority vote's model because its agreement was lower, or because every vote
/// is for one class (<see cref="OneClassVoted"/>, no agreement measured), or because the row-activity family read the votes
/// otherwise and the fit labelled many rows against all their votes (<see cref="ActivityAgreement"/> and <see cref="OutsideShare"/>, no agreement measured).
/// </summary>
/// <param name="Agreement">Held-out source agreement of the EM fit (NaN when not measured).</param>
/// <param name="MajorityVoteAgreement">Held-out source agreement of majority vote (NaN when not measured).</param>
/// <param name="Replaced">True when every source got one shared accuracy (majority vote's model) instead of its EM confusion matrix.</param>
public sealed record MajorityVoteGuard(double Agreement, double MajorityVoteAgreement, bool Replaced)
{
    /// <summary>The share of votes from single-class sources the fit finds right less often than a uniform guess (<see cref="DawidSkeneTrainer.SuspectShare"/>); NaN in older files.</summary>
    public double SuspectShare { get; init; } = double.NaN;

    /// <summary>The share of the rows with votes that the fit labels with a class none of their votes names (<see cref="DawidSkeneTrainer.OutsideShare"/>); NaN in older files.</summary>
    public double OutsideShare { get; init; } = double.NaN;

    /// <summary>
    /// True when every vote on the training rows is for one class, so that no vote tells two classes apart and the fit was
    /// replaced without measuring agreement (<see cref="DawidSkeneTrainer.FitModel(IMatrixSource, FitContext)"/>).
    /// </summary>
    public bool OneClassVoted { get; init; }

    /// <summary>
    /// The share of the training rows (at most <see cref="RowActivity.TestRows"/>) that the row-activity family's plain member
    /// labels as the fit does, when that is what made <c>--guard auto</c> check the fit: the family is likelier than the fit's
    /// model (the rows fire together) but reads the votes otherwise (below <see cref="DawidSkeneTrainer.ActivityAgreement"/>)
    /// and no other sign fired; or, with <see cref="OutsideShare"/> at least <see cref="DawidSkeneTrainer.ReadOtherwiseOutsideShare"/>,
    /// what made it replace the fit unchecked (no agreement measured). NaN otherwise and in older files.
    /// </summary>
    public double ActivityAgreement { get; init; } = double.NaN;

    /// <summary>As JSON for the model file.</summary>
    public JsonObject ToJson()
    {
        static JsonNode? Finite(double x) => double.IsFinite(x) ? x : null;
        var json = new JsonObject { ["agreement"] = Finite(Agreement), ["majority_vote_agreement"] = Finite(MajorityVoteAgreement), ["replaced"] = Replaced };
        if (double.IsFinite(SuspectShare)) json["suspect_vote_share"] = SuspectShare;
        if (double.IsFinite(OutsideShare)) json["outside_row_share"] = OutsideShare;
        if (OneClassVoted) json["one_class_voted"] = true;
        if (double.IsFinite(ActivityAgreement)) json["activity_agreement"] = ActivityAgreement;
        return json;
    }

    /// <summary>Reads the record saved by <see cref="ToJson"/>, or null when absent.</summary>
    internal static MajorityVoteGuard? FromJson(JsonNode? node)
    {
        if (node is not JsonObject json) return null;
        static double Number(JsonNode? x, string name) => x is JsonValue v && v.TryGetValue<double>(out var d) && double.IsFinite(d) ? d : throw new SnorkelerException($"parameter 'guard.{name}' must be a number");
        var replaced = json["replaced"] is JsonValue r && r.TryGetValue<bool>(out var b) ? b : throw new SnorkelerException("parameter 'guard.replaced' must be true or false");
        var suspect = json["suspect_vote_share"] is null ? double.NaN : Number(json["suspect_vote_share"], "suspect_vote_share");
        if (double.IsFinite(suspect) && suspect is < 0 or > 1) throw new SnorkelerException("parameter 'guard.suspect_vote_share' must be in [0, 1]");
        var outside = json["outside_row_share"] is null ? double.NaN : Number(json["outside_row_share"], "outside_row_share");
        if (double.IsFinite(outside) && outside is < 0 or > 1) throw new SnorkelerException("parameter 'guard.outside_row_share' must be in [0, 1]");
        var oneClass = json["one_class_voted"] is null ? false
            : json["one_class_voted"] is JsonValue o && o.TryGetValue<bool>(out var one) ? one : throw new SnorkelerException("parameter 'guard.one_class_voted' must be true or false");
        var activity = json["activity_agreement"] is null ? double.NaN : Number(json["activity_agreement"], "activity_agreement");
        if (double.IsFinite(activity) && activity is < 0 or > 1) throw new SnorkelerException("parameter 'guard.activity_agreement' must be in [0, 1]");
        // Agreement is not measured (null) only when the fit was replaced unchecked: every vote is for one class, or the activity
        // family read the votes otherwise and the fit labelled many rows against all their votes.
        var notMeasured = replaced && (oneClass || double.IsFinite(activity) && double.IsFinite(outside));
        double Agreement(string name) => notMeasured && json[name] is null ? double.NaN : Number(json[name], name);
        return new MajorityVoteGuard(Agreement("agreement"), Agreement("majority_vote_agreement"), replaced)
        {
            SuspectShare = suspect, OutsideShare = outside, OneClassVoted = oneClass, ActivityAgreement = activity,
        };
    }
}

/// <summary>
/// Fits Dawid–Skene (1979) by EM. Each source j (an LF or an annotator) has a confusion matrix
/// <c>π_j[c, a] = P(L_j = a | Y = c)</c>; by default an abstain is a missing observation, so a row's likelihood
/// is <c>Σ_c p_c Π_{j voted} π_j[c, L_j]</c> and sources that never saw a row do not enter it (as in the original
/// model for crowd labels). With <c>abstain vote</c>, abstain is one more outcome. EM starts from majority vote
/// (ties share), maximises the likelihood plus Dirichlet priors on every confusion row (pseudo-votes centred on
/// the pooled majority-vote confusion matrix of all sources) and on the class prior (one pseudo-row per class),
/// and stops when the objective changes by less than the tolerance; the iteration count is reported, and a
/// warning when the cap stops it. Rows are read once, as their votes present (<see cref="LabelMatrix.CopyVotes"/>),
/// and grouped by distinct vote pattern: an iteration costs O(votes · k), not O(rows · sources).
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
    /// <remarks>
    /// With <see cref="DawidSkeneOptions.RowActivity"/> the fit of <see cref="FitModel(IMatrixSource, FitContext)"/> gives way
    /// to <see cref="DawidSkeneActivityModel"/> when the rows fire together (<see cref="WithRowActivity"/>).
    /// </remarks>
    public ILabelModel Fit(IMatrixSource train, FitContext context)
    {
        var model = FitModel(train, context, testActivity: true, out var read);
        return read is null ? model : WithRowActivity(train, model, read.Value.Patterns, read.Value.FixedPrior, read.Value.Family, context);
    }

    /// <summary>Fits the model of independent sources (typed result; no row activity).</summary>
    public DawidSkeneModel FitModel(IMatrixSource train, FitContext context) => FitModel(train, context, testActivity: false, out _);

    /// <summary>
    /// The fit, and (in <paramref name="activityInput"/>, with <paramref name="testActivity"/>) the vote patterns, fixed prior
    /// and the activity family's fits when a row activity may be tested.
    /// </summary>
    private DawidSkeneModel FitModel(IMatrixSource train, FitContext context, bool testActivity, out (VotePatterns Patterns, double[]? FixedPrior, ActivityFamily? Family)? activityInput)
    {
        Guard.NotNull(train);
        Guard.NotNull(context);
        activityInput = null;
        var k = train.Schema.Cardinality;
        var m = train.LfNames.Count;
        if (m == 0) throw new ModelRefusalException("dawid-skene: the label matrix has no LFs");
        if ((long)m * k * (k + 1) > 1L << 27) throw new ModelRefusalException($"dawid-skene: {LabelModel.Sources(train)} × {Text.Listing.Counted(k, "class")} need too many confusion-matrix entries");
        var clamped = Options.DevGold == DevGoldUse.Clamp && context.Dev is { HasGold: true } ? context.Dev : null;
        double[]? fixedPrior = null;
        if (clamped is not null)
        {
            // Semi-supervised: the prior is learned from the gold and unlabelled rows unless one is given.
            LabelModel.CheckCompatible(new MajorityVoteModel(train.Schema, train.LfNames), clamped, context.DevName ?? "dawid-skene: the dev split");
            if (context.Prior is not null) fixedPrior = ClassPrior.Resolve(train.Schema, context);
        }
        else if (context.Prior is not null) fixedPrior = ClassPrior.Resolve(train.Schema, context);
        // The dev split's balance, unless it has no row of some class (warned about): then as without a dev split.
        else if (ClassPrior.FromDev(train.Schema, context, ModelName, Options.PriorEstimate == PriorEstimate.Em
                     ? "the class balance is learned in the fit instead, as without a dev split"
                     : "the class balance estimated from the training matrix is used instead, as without a dev split") is { } balance)
            fixedPrior = balance;
        else if (Options.PriorEstimate != PriorEstimate.Em) fixedPrior = ClassPrior.Estimate(train, context, Options.PriorEstimate);
        var patterns = VotePatterns.Read(train, clamped, context.Cancellation);
        if (patterns.Rows == 0) throw new ModelRefusalException("dawid-skene: the training matrix has no rows");
        if (Options.RecognisePeople && clamped is null && !patterns.Annotator.Contains(true)
            && Crowd.CrowdRecognition.Test(patterns, k) is { LooksLikePeople: true } evidence)
        {
            // People asked at random (a Wrench crowd set, one worker a column): a worker's few answers can all be one class,
            // or all fall on rows another worker answered alike, by chance; read as rules they became single-class sources
            // with silences as evidence, exclusive groups and derived sources (generated one-coin crowds: 1-6 points below
            // majority vote; docs/label-models-measurements.md).
            context.Log?.Invoke($"dawid-skene: the sources vote independently of the class, as people asked at random do ({evidence}), so they are read as annotators (-1: not asked; --people given keeps them as LFs)");
            patterns.ReadAsPeople();
        }
        // People's silences say who was asked, not how busy a row is; gold rows would need clamping in the activity fit too.
        if (testActivity && Options.RowActivity && k >= 2 && clamped is null && !patterns.Annotator.Contains(true)
            && (Options.ActivitySpread is not null || k <= RowActivity.MaxClasses && (long)m * k * k <= RowActivity.MaxVoteRates)) activityInput = (patterns, fixedPrior, null);
        var model = FitModel(patterns, train.Schema, train.LfNames, fixedPrior, context);
        if (fixedPrior is null && clamped is null && model.ExclusiveGroups.Count > 0 && k >= 2)
            model = UndecidedUnlessRejected(patterns, train.Schema, train.LfNames, model, context);
        // The held-out fits of the checks below are whole fits, the activity test included, unless the training rows do
        // not fire together: then none of them models an activity (six EM fits each saved; the fit is 5 times faster on
        // lf-suite's few-good sets), and where they do, they judge the fit as it will be used.
        var heldOutOptions = Options;
        var otherReading = double.NaN; // the family's agreement with the fit, when it is likelier and reads the votes otherwise
        if (activityInput is { } input && Options.ActivitySpread is null && !HasDerivedSources(model))
        {
            var family = ActivityFamily.Fit(train, input.Patterns, input.FixedPrior, Options, context);
            activityInput = input with { Family = family };
            if (!family.RowsFireTogether) heldOutOptions = Options with { RowActivity = false };
            else if (family.AgreementWith(model, train) is var same and < ActivityAgreement) otherReading = same;
        }
        // auto runs its Dawid–Skene candidates without the guard and rejects such a fit itself (AutoTrainer).
        if (!double.IsNaN(otherReading)) model = model.ReadOtherwiseBy(otherReading, OutsideShare(model, patterns));
        // Gold rows name the classes, so EM cannot settle on latent classes that are not the task's: no guard.
        if (k < 2 || Options.GuardMode == GuardMode.None || clamped is not null) return model;
        // Whether EM's fit is suspect is judged on that fit, also where one accuracy per source replaces it below: the
        // replacement is then checked against majority vote as the fit would have been.
        var suspect = SuspectShare(model, patterns);
        var outside = model.ReadOtherwise?.OutsideShare ?? OutsideShare(model, patterns);
        // With every vote for one class no vote contrasts two classes: EM's classes are built from which sources stay silent
        // together, and its likelihood has near-equal maxima that read the silences in opposite ways (generated, 2 classes,
        // 8 LFs all voting class 1, 12 draws: from 0.32 below to 0.20 above majority vote). Held-out κ cannot tell them apart
        // either (near 0 for every fit), so no agreement is measured.
        if (patterns.ClassesVotedByAny(k) == 1)
        {
            context.Log?.Invoke("dawid-skene: every vote is for one class, so no vote tells two classes apart and the fit rests on when sources are silent: majority vote's model is kept (every source one shared accuracy)");
            return MajorityVoteModel(train, patterns, model, fixedPrior, new MajorityVoteGuard(double.NaN, double.NaN, true) { SuspectShare = suspect, OutsideShare = outside, OneClassVoted = true });
        }
        // A fit the row-activity family reads otherwise that also overrules every vote on many rows has spent its classes on
        // how busy rows are; held-out agreement is not consulted, as LFs that fire together agree with such a fit whatever
        // its classes (ChemProt-shaped sets: it favoured such fits by 3 to 10 standard errors; docs/label-models-measurements.md).
        if (ReadOtherwiseReason(model) is { } reason)
        {
            context.Log?.Invoke($"dawid-skene: {reason}, so majority vote's model is kept (every source one shared accuracy; held-out agreement is not consulted, as LFs that fire together agree with such a fit whatever its classes)");
            return MajorityVoteModel(train, patterns, model, fixedPrior,
                new MajorityVoteGuard(double.NaN, double.NaN, true) { SuspectShare = suspect, OutsideShare = outside, ActivityAgreement = otherReading });
        }
        var fitted = heldOutOptions;
        var checkedForActivity = double.NaN; // otherReading, when it alone makes --guard auto check the fit (recorded in the guard)
        HeldOut? heldOut = null;
        if (Options.GuardMode == GuardMode.Auto && Options.Confusion == ConfusionModel.Full && model.ExclusiveGroups.Count == 0 && k <= sbyte.MaxValue
            && !patterns.Annotator.Contains(true) && Enumerable.Range(0, m).Any(j => patterns.ClassesVoted(j, k) > 1))
        {
            (var chosen, heldOut) = FullOrOneCoin(train, patterns, model, fixedPrior, heldOutOptions, context);
            if (chosen != model) (model, fitted) = (chosen, heldOutOptions with { Confusion = ConfusionModel.OneCoin });
        }
        if (Options.GuardMode == GuardMode.Auto)
        {
            // On people's answers the check always runs: there held-out agreement is the only sign that EM read chance
            // (a few answers a worker, constant spammers) as skill (generated crowds of 3 answers a task with 20 % constant
            // spammers: from 6.7 points below to 10 above majority vote unchecked).
            // A likelier model (the rows fire together) that labels the rows otherwise is a sign the fit's latent classes are
            // not the task's: on AG News-shaped sets EM spent a class on quiet rows (generated, 4 classes: 9 to 22 points
            // below majority vote; docs/label-models-measurements.md).
            var people = patterns.AllPeople;
            if (suspect < SuspectVoteShare && outside < OutsideRowShare && !people && double.IsNaN(otherReading)) return model;
            context.Log?.Invoke(people ? "dawid-skene: people's answers: checking the fit against majority vote"
                : suspect >= SuspectVoteShare ? string.Create(CultureInfo.InvariantCulture,
                    $"dawid-skene: {suspect:P1} of the votes come from single-class sources the fit finds right less often than a uniform guess: checking the fit against majority vote")
                : outside >= OutsideRowShare ? string.Create(CultureInfo.InvariantCulture,
                    $"dawid-skene: the fit labels {outside:P1} of the rows with votes with a class none of their votes names: checking the fit against majority vote")
                : string.Create(CultureInfo.InvariantCulture,
                    $"dawid-skene: the rows fire together, and the row-activity family's plain member labels only {otherReading:P1} of them as the fit does: checking the fit against majority vote"));
            if (suspect < SuspectVoteShare && outside < OutsideRowShare && !people) checkedForActivity = otherReading;
        }
        return CheckAgainstMajorityVote(train, patterns, model, fitted, fixedPrior, suspect, outside, heldOut, context, checkedForActivity);
    }

    /// <summary>
    /// LFs that fire together (a long document trips many keyword rules of every class, a short one none) break the model of
    /// sources independent given the class, and EM spends a latent class on "busy rows" (generated Wrench-shaped sets with a
    /// row activity: up to 50 points below majority vote; docs/label-models-measurements.md). The family of
    /// <see cref="RowActivity"/> is fitted at every spread in <see cref="RowActivity.Spreads"/>; its model replaces the fit
    /// when a spread above 0 is likelier than the plain member (spread 0; both with blank rows) by more than
    /// <see cref="RowActivity.TestStatistic"/> and the plain member without blank rows labels at least
    /// <see cref="ActivityAgreement"/> of the training rows as the fit does (the family then reads the votes as the fit
    /// does, and differs from it only by the activity).
    /// </summary>
    internal ILabelModel WithRowActivity(IMatrixSource train, DawidSkeneModel model, VotePatterns patterns, double[]? fixedPrior, ActivityFamily? family, FitContext context)
    {
        var k = train.Schema.Cardinality;
        var m = train.LfNames.Count;
        if (Options.ActivitySpread is { } fixedSpread)
        {
            var chosen = RowActivity.Fit(patterns, m, k, fixedSpread, fixedPrior, Options.MaxIterations, Options.Tolerance, context.Cancellation);
            context.Log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"dawid-skene: row activity of spread {fixedSpread} (--activity): {Text.Listing.Counted(chosen.Fit.Iterations, "EM iteration")}"));
            WarnAtCap(chosen, context);
            return new DawidSkeneActivityModel(train.Schema, train.LfNames, chosen, null);
        }
        // A source derived from another fires with it by construction; the activity family would read that as a busy row.
        if (HasDerivedSources(model))
        {
            context.Log?.Invoke("dawid-skene: row activity: not tested, as some sources are modelled as derived from others (they fire together by construction)");
            return model;
        }
        family ??= ActivityFamily.Fit(train, patterns, fixedPrior, Options, context);
        var best = family.Best;
        var test = new RowActivityTest(family.Plain.LogLikelihood, best.LogLikelihood, best.Spread, family.AgreementWith(model, train));
        if (!family.RowsFireTogether)
        {
            context.Log?.Invoke($"dawid-skene: row activity: {test}; the sources are read as firing independently given the class");
            return model;
        }
        if (test.AgreementWithFit < ActivityAgreement)
        {
            context.Log?.Invoke(model.GuardCheck is { Replaced: true }
                ? $"dawid-skene: row activity: {test.Describe("majority vote's model (the guard's choice)")}, so that model is kept"
                : $"dawid-skene: row activity: {test}; the family reads the votes otherwise than the fit, so the fit is kept");
            return model;
        }
        if (!family.SampledEveryRow || !best.Fit.Converged)
            best = RowActivity.Fit(patterns, m, k, best.Spread, fixedPrior, Options.MaxIterations, Options.Tolerance, context.Cancellation, best);
        context.Log?.Invoke($"dawid-skene: row activity: {test}: the rows fire together, so each row's activity is modelled ({Text.Listing.Counted(best.Fit.Iterations, "EM iteration")})");
        WarnAtCap(best, context);
        return new DawidSkeneActivityModel(train.Schema, train.LfNames, best, test);
    }

    /// <summary>
    /// The fits of <see cref="RowActivity"/>'s family compared by <see cref="WithRowActivity"/>: one per spread of
    /// <see cref="RowActivity.Spreads"/> with blank rows, then spread 0 without them (Dawid–Skene with every abstain an
    /// outcome, the member compared with the fit: the blank shares relabel the rows without votes in every member, which
    /// that comparison is not about), on at most <see cref="RowActivity.TestRows"/> rows.
    /// </summary>
    internal sealed class ActivityFamily
    {
        private ActivityFamily(VotePatterns sample, bool sampledEveryRow, RowActivityFit[] fits)
        {
            Sample = sample;
            SampledEveryRow = sampledEveryRow;
            Plain = fits[0];
            PlainWithoutBlank = fits[^1];
            Best = fits[..^1].Aggregate((a, b) => b.LogLikelihood > a.LogLikelihood ? b : a);
        }

        public VotePatterns Sample { get; }

        /// <summary>The fits saw every training row (else evenly spaced rows, and the chosen spread is fitted again on all).</summary>
        public bool SampledEveryRow { get; }

        public RowActivityFit Plain { get; }

        public RowActivityFit PlainWithoutBlank { get; }

        /// <summary>The share of the sampled training rows that the plain member without blank rows labels as <paramref name="fit"/> does.</summary>
        public double AgreementWith(DawidSkeneModel fit, IMatrixSource train)
            => SameLabels(fit, new DawidSkeneActivityModel(train.Schema, train.LfNames, PlainWithoutBlank, null), Sample, train.Schema.Cardinality);

        /// <summary>The likeliest spread's fit (the first of ties).</summary>
        public RowActivityFit Best { get; }

        /// <summary>A spread above 0 is likelier than the plain member by more than <see cref="RowActivity.TestStatistic"/>.</summary>
        public bool RowsFireTogether => Best.Spread > 0 && 2 * (Best.LogLikelihood - Plain.LogLikelihood) > RowActivity.TestStatistic;

        // Families already fitted on an in-memory matrix (immutable), by what else they depend on: the fixed prior, the iteration
        // cap and the tolerance. Dawid–Skene's variants (abstain missing or a vote, full or one-coin) read the same vote patterns
        // and fit the same family, so `auto` and `compare`, which fit several of them on one matrix and on the same held-out
        // folds, fit each family once. The table lets go of a matrix's families with the matrix. A family's Sample is the vote
        // patterns of the fit that computed it: nothing may change them afterwards.
        private static readonly ConditionalWeakTable<LabelMatrix, ConcurrentDictionary<string, Lazy<ActivityFamily>>> Fitted = new();

        /// <summary>The family's fits on <paramref name="train"/>'s vote patterns, each independent of the others (side by side), on evenly spaced rows.</summary>
        public static ActivityFamily Fit(IMatrixSource train, VotePatterns patterns, double[]? fixedPrior, DawidSkeneOptions options, FitContext context)
        {
            var iterations = Math.Min(options.MaxIterations, RowActivity.TestIterations);
            if (train is not LabelMatrix matrix) return Compute(train, patterns, fixedPrior, iterations, options.Tolerance, context);
            var key = string.Create(CultureInfo.InvariantCulture,
                $"{(fixedPrior is null ? "learned" : string.Join(",", fixedPrior.Select(p => p.ToString("R", CultureInfo.InvariantCulture))))}|{iterations}|{options.Tolerance:R}");
            var families = Fitted.GetValue(matrix, _ => new ConcurrentDictionary<string, Lazy<ActivityFamily>>());
            while (true)
            {
                var computed = false;
                var family = families.GetOrAdd(key, _ => new Lazy<ActivityFamily>(() =>
                {
                    computed = true;
                    return Compute(train, patterns, fixedPrior, iterations, options.Tolerance, context);
                }));
                try
                {
                    var value = family.Value;
                    if (!computed) context.Log?.Invoke("dawid-skene: row activity: the family's fits on these rows are those of an earlier fit with the same prior (reused)");
                    return value;
                }
                catch (Exception e)
                {
                    // Not kept: a fit stopped by its own caller's cancellation is fitted again for a caller that was not cancelled.
                    families.TryRemove(KeyValuePair.Create(key, family));
                    if (e is not OperationCanceledException || context.Cancellation.IsCancellationRequested) throw;
                }
            }
        }

        /// <summary>Families held for <paramref name="matrix"/> (for tests).</summary>
        internal static int HeldFor(LabelMatrix matrix) => Fitted.TryGetValue(matrix, out var families) ? families.Count : 0;

        private static ActivityFamily Compute(IMatrixSource train, VotePatterns patterns, double[]? fixedPrior, int iterations, double tolerance, FitContext context)
        {
            var (k, m) = (train.Schema.Cardinality, train.LfNames.Count);
            var everyRow = patterns.Rows <= RowActivity.TestRows;
            var sample = everyRow ? patterns : VotePatterns.Read(patterns.ToMatrix(train.Schema, train.LfNames, RowActivity.TestRows), context.Cancellation);
            var spreads = RowActivity.Spreads.Length;
            var fits = InParallel.Map(spreads + 1, context.Cancellation,
                i => RowActivity.Fit(sample, m, k, i < spreads ? RowActivity.Spreads[i] : 0, fixedPrior, iterations, tolerance, context.Cancellation, blankRows: i < spreads));
            return new ActivityFamily(sample, everyRow, fits);
        }
    }

    private static bool HasDerivedSources(DawidSkeneModel model) => Enumerable.Range(0, model.LfNames.Count).Any(j => model.DerivedParent(j) >= 0);

    private void WarnAtCap(RowActivityFit fit, FitContext context)
    {
        if (!fit.Fit.Converged)
            context.Warning(string.Create(CultureInfo.InvariantCulture,
                $"warning: dawid-skene's row activity fit (spread {fit.Spread}) stopped at the iteration cap ({Options.MaxIterations:N0}) before the log-likelihood changed by less than {Options.Tolerance:G3} of itself; raise {context.Option("max-iter")} or {context.Option("tol")}"));
    }

    /// <summary>
    /// The least share of training rows the plain member of the activity family must label as the fit does for its activity
    /// model to replace the fit. 0.9 until 7 December 2026: on 112 generated Wrench-shaped sets with a row activity, 0.8
    /// gained 1.4 to 33 points on six sets (AG News-, TREC- and IMDB-shaped; −30.2 to +2.8 on one) and lost 4.6 and 1.8 on
    /// two (docs/label-models-measurements.md).
    /// </summary>
    public const double ActivityAgreement = 0.8;

    /// <summary>
    /// The share of the rows with votes labelled against all of their votes (<see cref="OutsideShare"/>) from which a fit the
    /// activity family reads otherwise (its plain member labels fewer than <see cref="ActivityAgreement"/> of the rows as the
    /// fit does, and the rows fire together) gives way to majority vote's model without a check: two signs that EM's latent
    /// classes are how busy rows are, not the task's. Held-out agreement cannot tell, as held-out LFs fire on the same busy
    /// rows: on ChemProt-shaped sets it favoured such fits by 3 to 10 standard errors, and they scored 4 to 20 points below
    /// majority vote. On 112 generated activity sets the fits the family doubts and that held (up to 26 points above
    /// majority vote) labelled at most 18 % of those rows outside their votes, the ones that fell at least 37 %.
    /// </summary>
    public const double ReadOtherwiseOutsideShare = 0.3;

    /// <summary>
    /// Why <paramref name="model"/>'s classes are how busy rows are (the family reads the votes otherwise and the fit labels at
    /// least <see cref="ReadOtherwiseOutsideShare"/> of the rows with votes against all of them), or null: the guard then keeps
    /// majority vote's model unchecked, and <c>auto</c> rejects the candidate.
    /// </summary>
    internal static string? ReadOtherwiseReason(DawidSkeneModel model) => model.ReadOtherwise is { } reading && reading.OutsideShare >= ReadOtherwiseOutsideShare
        ? string.Create(CultureInfo.InvariantCulture,
            $"the rows fire together, the row-activity family's plain member labels only {reading.Agreement:P1} of them as the fit does, and the fit labels {reading.OutsideShare:P1} of the rows with votes with a class none of their votes names: its classes are not the task's")
        : null;

    /// <summary>The share of training rows (patterns weighted by their rows) whose most probable class is the same under both models (first of ties).</summary>
    private static double SameLabels(DawidSkeneModel fit, DawidSkeneActivityModel family, VotePatterns patterns, int k)
    {
        var a = new double[k];
        var b = new double[k];
        double same = 0;
        for (var t = 0; t < patterns.Count; t++)
        {
            var (start, end) = patterns.Range(t);
            var lfs = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(patterns.Lfs)[start..end];
            var labels = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(patterns.Labels)[start..end];
            fit.ScoreVotes(lfs, labels, a);
            family.ScoreVotes(lfs, labels, b);
            if (Array.IndexOf(a, a.Max()) == Array.IndexOf(b, b.Max())) same += patterns.Counts[t];
        }
        return same / patterns.Rows;
    }

    /// <summary>
    /// The held-out sources <see cref="FullOrOneCoin"/> built and the scores of the fit it kept, fold by fold: the same
    /// fold fits <see cref="CheckAgainstMajorityVote"/> would make again (null when too few folds were formed to score).
    /// </summary>
    private sealed record HeldOut(HeldOutSources Sources, HeldOutScores? Kept);

    /// <summary>
    /// LFs that vote several classes each have a full confusion matrix, k (k − 1) free rates where one-coin has one; a few
    /// near-random such LFs leave the full matrices weakly identified, and EM can settle on a fit that names the classes the
    /// other way round (a basketball-shaped generated set: 88 % of rows class 0, four LFs right 54–72 % of the time, the
    /// full fit 15 points below majority vote and one-coin 29 above). The two are compared by held-out source agreement
    /// (the criterion <c>auto</c> uses), and one-coin replaces the full fit only when it agrees better by more than one
    /// paired standard error (on 548 generated sets: 35 move, 25 up, none down by more than 0.4 points; with two errors it
    /// caught 2 of 5 collapsed full fits on basketball-shaped data, with one 4; docs/label-models-measurements.md).
    /// </summary>
    private (DawidSkeneModel Model, HeldOut HeldOut) FullOrOneCoin(IMatrixSource train, VotePatterns patterns, DawidSkeneModel model, double[]? fixedPrior, DawidSkeneOptions options,
        FitContext context)
    {
        // From the vote patterns already read: a streamed source is read once.
        var sources = HeldOutSources.Build(patterns.ToMatrix(train.Schema, train.LfNames, AutoTrainer.CriterionRows), AutoTrainer.CriterionRows,
            AutoTrainer.SourceFolds, context.Cancellation);
        // With fewer than four held-out folds the paired error rests on as few values (three LFs: one-coin data lost up to
        // 1.5 points to the switch), so the full fit is kept.
        if (sources.Count < MinOneCoinFolds) return (model, new HeldOut(sources, null));
        var quiet = context.Quiet;
        var full = new DawidSkeneTrainer(options with { GuardMode = GuardMode.None });
        var oneCoin = new DawidSkeneTrainer(options with { GuardMode = GuardMode.None, Confusion = ConfusionModel.OneCoin });
        var fullScores = sources.Scores((x, _) => full.Fit(x, quiet), context.Cancellation);
        var coinScores = sources.Scores((x, _) => oneCoin.Fit(x, quiet), context.Cancellation);
        // Copies of a source count once, as in the fit (each weighs 1/g): g copies are not g witnesses.
        var weight = fullScores.Weight.Select((w, j) => w * model.SourceWeight(j)).ToArray();
        var (lead, error) = HeldOutSources.PairedDifference(coinScores.Agreement, fullScores.Agreement, weight);
        var (fullAgreement, coinAgreement) = (HeldOutSources.Mean(fullScores.Agreement, weight), HeldOutSources.Mean(coinScores.Agreement, weight));
        var taken = lead > error;
        context.Log?.Invoke(string.Create(CultureInfo.InvariantCulture,
            $"dawid-skene: held-out source agreement of full confusion matrices {fullAgreement:F4}, of one accuracy per source {coinAgreement:F4} (lead {lead:F4} ± {error:F4}): {(taken ? "one accuracy per source replaces the full fit (--guard none keeps it)" : "the full fit is kept")}"));
        if (!taken) return (model, new HeldOut(sources, fullScores));
        if (model.FitInfo is { Converged: false })
            context.Warning("warning: dawid-skene: the iteration cap was the full confusion matrices' fit, which held-out agreement replaced by one accuracy per source");
        return (oneCoin.FitModel(patterns, train.Schema, train.LfNames, fixedPrior, context), new HeldOut(sources, coinScores));
    }

    /// <summary>The fewest held-out folds (groups of sources) with which the full fit is checked against one accuracy per source.</summary>
    private const int MinOneCoinFolds = 4;

    /// <summary>Significance level of the test of the class balance with exclusive groups (<see cref="UndecidedUnlessRejected"/>).</summary>
    public const double BalanceTestLevel = 0.05;

    /// <summary>
    /// Independent single-class sources of one class identify the class balance by how often they fire together
    /// (<c>P(both) / (P(a) P(b)) ≈ 1 / p_t</c>); an exclusive group never does, so with groups the balance rests on the few
    /// rows where sources of different classes fire together, and the likelihood is nearly flat along it. What the votes do
    /// fix is each class's share of the rows some source votes on; the balance only decides the rows no source votes on,
    /// <c>P(Y = c | silent) ∝ π_c · P(silent | c)</c>. EM stays near majority vote's start, whose near-tie there falls to
    /// whichever class is a hair ahead; a uniform balance gives them all to the class whose rules fire least, right only
    /// when the classes happen to be even (generated exclusive sets: from 22 points above to 3.8 below majority vote).
    /// Neither is evidence, so the balance used is the one under which a row without a vote is undecided — the same
    /// posterior for every class, <c>π_c ∝ 1 / P(silent | c)</c>, found by one refit at that balance and set again from the
    /// refit — which labels those rows as majority vote does and the rows with votes by the sources' fitted quality. It is
    /// kept unless the likelihood-ratio test rejects it: <c>2 (ℓ_learned − ℓ_undecided) ≥ χ²_{k−1}(1 − level)</c>, ℓ the
    /// penalised log-likelihood (the Dirichlet terms of the confusion rows in both; the learned prior's own term left out).
    /// </summary>
    private DawidSkeneModel UndecidedUnlessRejected(VotePatterns patterns, LabelSchema schema, IReadOnlyList<string> lfNames, DawidSkeneModel learned, FitContext context)
    {
        var k = schema.Cardinality;
        if (learned.FitInfo is not { } fit || !double.IsFinite(fit.Objective)) return learned;
        // Where one class's rows are far likelier to draw no vote (hundreds of dense single-class sources of the others), that
        // balance gives the others shares below any a prior can hold (1e300 apart: ClassPrior.Validate): the fit then failed
        // with "the class prior must be positive numbers, got 0,1" for a prior nobody gave. Such a balance is not tried.
        var refit = UndecidedBalance(learned) is { } balance ? FitModel(patterns, schema, lfNames, balance, context.Quiet) : null;
        if (refit is null || UndecidedBalance(refit) is not { } again)
        {
            context.Log?.Invoke("dawid-skene: exclusive groups leave the class balance weakly identified, but the balance that leaves rows without a vote undecided puts classes more than 1e300 : 1 apart: the learned balance is kept");
            return learned;
        }
        var undecided = refit.WithPrior(again);
        var statistic = 2 * (fit.Objective - learned.ClassPrior.Sum(Math.Log) - refit.FitInfo!.Objective);
        var critical = MathNet.Numerics.Distributions.ChiSquared.InvCDF(k - 1, 1 - BalanceTestLevel);
        var kept = statistic >= critical;
        context.Log?.Invoke(string.Create(CultureInfo.InvariantCulture,
            $"dawid-skene: exclusive groups leave the class balance weakly identified; likelihood ratio against the balance that leaves rows without a vote undecided {statistic:F2} ({(kept ? "≥" : "<")} χ²({k - 1}) {critical:F2} at {BalanceTestLevel:P0}): {(kept ? "the learned balance is kept" : "that balance is used")}"));
        return kept ? learned : undecided;
    }

    /// <summary>
    /// The class balance under which <paramref name="model"/> gives a row no source votes on the same probability for every
    /// class, or null when its shares are more than 1e300 apart (no prior holds them).
    /// </summary>
    private static double[]? UndecidedBalance(DawidSkeneModel model)
    {
        var silent = model.SilentLogLikelihood();
        var least = silent.Min();
        if (!(silent.Max() - least <= LargestLogShareRatio)) return null;
        var balance = silent.Select(x => Math.Exp(least - x)).ToArray(); // ∝ 1 / P(silent | c), the largest 1
        var sum = balance.Sum();
        for (var c = 0; c < balance.Length; c++) balance[c] /= sum;
        return balance;
    }

    /// <summary>log(1e300): the widest ratio of two class shares a prior holds (<see cref="ClassPrior.Validate"/>).</summary>
    private static readonly double LargestLogShareRatio = Math.Log(1e300);

    /// <summary>The share of votes from which <see cref="GuardMode.Auto"/> checks a fit against majority vote.</summary>
    public const double SuspectVoteShare = 0.01;

    /// <summary>
    /// The share of the rows with votes labelled against all of their votes (<see cref="OutsideShare"/>) from which
    /// <see cref="GuardMode.Auto"/> checks a fit against majority vote. On 684 generated sets the fits that kept the task's
    /// classes did so on at most 62 % of such rows (40 to 80 classes, weak LFs); the ones that had collapsed, at 100 to 1,000
    /// classes, on 86 % and more (docs/label-models-measurements.md).
    /// </summary>
    public const double OutsideRowShare = 0.75;

    /// <summary>
    /// The share of all votes cast by single-class sources whose fitted precision <c>P(Y = t | votes t)</c> (under the fitted
    /// prior) is below 1/k: the fit says the source is right less often than a uniform guess, which contradicts the premise of
    /// every label model that sources are better than random — on TREC, EM's latent classes make 9 % of the votes such.
    /// </summary>
    internal static double SuspectShare(DawidSkeneModel model, VotePatterns patterns)
    {
        var k = model.Schema.Cardinality;
        var m = model.LfNames.Count;
        var votes = patterns.VotesPerSource();
        double suspect = 0, all = 0;
        for (var j = 0; j < m; j++)
        {
            all += votes[j];
            // A person who answers one class whatever the task (a constant spammer) is right as often as that class is
            // common: no sign of a fit gone wrong.
            if (votes[j] == 0 || patterns.ClassesVoted(j, k) != 1 || model.DerivedParent(j) >= 0 || patterns.Annotator[j]) continue;
            var only = patterns.OnlyClass(j, k);
            var voting = 0.0;
            for (var c = 0; c < k; c++) voting += model.ClassPrior[c] * model.Confusion(j, c, only);
            if (model.ClassPrior[only] * model.Confusion(j, only, only) < voting / k) suspect += votes[j];
        }
        return all > 0 ? suspect / all : 0;
    }

    /// <summary>
    /// The share of the rows with votes (clamped rows aside) whose fitted label is a class none of their votes names: every
    /// label model takes sources to be better than a uniform guess, so a fit that overrules the votes on most rows has
    /// found latent classes of its own (at 200 classes with most rows silent, EM gave them all to one class and then most
    /// rows with votes too). A tie between a voted class and an unvoted one counts as voted.
    /// </summary>
    internal static double OutsideShare(DawidSkeneModel model, VotePatterns patterns)
    {
        var k = model.Schema.Cardinality;
        var scores = new double[k];
        var voted = new bool[k];
        var lfs = CollectionsMarshal.AsSpan(patterns.Lfs);
        var labels = CollectionsMarshal.AsSpan(patterns.Labels);
        double outside = 0, rows = 0;
        for (var t = 0; t < patterns.Count; t++)
        {
            var (start, end) = patterns.Range(t);
            if (start == end || patterns.Clamp(t) >= 0) continue;
            model.ScoreVotes(lfs[start..end], labels[start..end], scores);
            var votedTop = double.NegativeInfinity;
            for (var v = start; v < end; v++)
            {
                voted[labels[v]] = true;
                votedTop = Math.Max(votedTop, scores[labels[v]]);
            }
            var otherTop = double.NegativeInfinity;
            for (var c = 0; c < k; c++)
                if (!voted[c]) otherTop = Math.Max(otherTop, scores[c]);
            for (var v = start; v < end; v++) voted[labels[v]] = false;
            rows += patterns.Counts[t];
            if (otherTop > votedTop) outside += patterns.Counts[t];
        }
        return rows > 0 ? outside / rows : 0;
    }

    /// <summary>
    /// Dawid–Skene's likelihood cannot tell a good fit from a collapsed one when the sources break its assumptions (LFs of
    /// one class that never fire together, a catch-all rule, copies): EM then finds latent classes that are not the task's
    /// classes and can fall far below majority vote. Majority vote is the Bayes rule of the model in which every source
    /// has the same one-coin accuracy; the two are compared by held-out source agreement (the criterion <c>auto</c> uses,
    /// on at most <see cref="AutoTrainer.CriterionRows"/> rows), and the fit is kept unless majority vote's is higher.
    /// </summary>
    private DawidSkeneModel CheckAgainstMajorityVote(IMatrixSource train, VotePatterns patterns, DawidSkeneModel model, DawidSkeneOptions fitted, double[]? fixedPrior, double suspect, double outside, HeldOut? heldOut, FitContext context,
        double checkedForActivity = double.NaN)
    {
        // The folds and fold fits of the comparison of full and one-coin fits, where it ran: the kept fit's are these.
        var sources = heldOut?.Sources ?? HeldOutSources.Build(train, AutoTrainer.CriterionRows, AutoTrainer.SourceFolds, context.Cancellation);
        if (sources.Count < 2) return model;
        var quiet = context.Quiet;
        var unguarded = new DawidSkeneTrainer(fitted with { GuardMode = GuardMode.None });
        // An LF is scored as auto scores it (κ over every row for a single-class LF, the agreement score on its votes for any
        // other): κ's chance term grows with the fit's own balance, so on skewed classes it marked down fits that label most
        // rows the common class (commercial- and basketball-shaped sets with a row activity lost 13 and 25 points). A person's
        // answers keep κ: the agreement score gained 0.2 points on average over 70 generated crowds but took two more below
        // majority vote by a point, and auto without a dev split with them (docs/label-models-measurements.md).
        var scores = heldOut?.Kept ?? sources.Scores((x, _) => unguarded.Fit(x, quiet), context.Cancellation);
        var majority = new MajorityVoteTrainer();
        var majorityScores = sources.Scores((x, _) => majority.Fit(x, quiet), context.Cancellation);
        var weight = scores.Weight;
        double[] Scored(HeldOutScores x) => x.Agreement.Select((a, j) => patterns.Annotator[j] ? x.Kappa[j] : a).ToArray();
        var (fitScore, majorityScore) = (Scored(scores), Scored(majorityScores));
        // Paired over the held-out sources: the vote-weighted mean difference and its standard error. Held-out scores are
        // noisy where sources are sparse (near 0 for rare single-class LFs), so a fit that is not suspect is replaced only
        // when majority vote agrees better by more than two standard errors, not whenever it is ahead.
        var (difference, standardError) = HeldOutSources.PairedDifference(majorityScore, fitScore, weight);
        var (agreement, majorityAgreement) = (HeldOutSources.Mean(fitScore, weight), HeldOutSources.Mean(majorityScore, weight));
        // A suspect fit (sources right less often than a uniform guess) must agree at least as well as majority vote; any other fit
        // is replaced only when majority vote is clearly ahead.
        var replaced = suspect >= SuspectVoteShare ? difference > 0 : difference > 2 * standardError;
        var guard = new MajorityVoteGuard(agreement, majorityAgreement, replaced) { SuspectShare = suspect, OutsideShare = outside, ActivityAgreement = checkedForActivity };
        // After one accuracy per source replaced the full fit (or with --confusion one-coin) the fit has no confusion matrices.
        var dropped = fitted.Confusion == ConfusionModel.OneCoin ? "the EM fit's accuracies are" : "the EM confusion matrices are";
        context.Log?.Invoke(replaced
            ? string.Create(CultureInfo.InvariantCulture, $"dawid-skene: held-out source agreement {agreement:F4} is below majority vote's {majorityAgreement:F4}: {dropped} not kept; every source gets one shared accuracy (majority vote's model)")
            : string.Create(CultureInfo.InvariantCulture, $"dawid-skene: held-out source agreement {agreement:F4} (majority vote {majorityAgreement:F4}): the EM fit is kept"));
        return replaced ? MajorityVoteModel(train, patterns, model, fixedPrior, guard) : model.WithGuard(guard);
    }

    /// <summary>
    /// Majority vote's model in Dawid–Skene's form, replacing an EM fit: every source one shared accuracy (majority vote's
    /// agreement rate) and the given prior or the uniform one, under which its labels are majority vote's.
    /// </summary>
    private DawidSkeneModel MajorityVoteModel(IMatrixSource train, VotePatterns patterns, DawidSkeneModel model, double[]? fixedPrior, MajorityVoteGuard guard)
    {
        var k = train.Schema.Cardinality;
        var m = train.LfNames.Count;
        var accuracy = Math.Clamp(patterns.MajorityVoteAgreement(k), 1.0 / k + 0.01, 0.99);
        var confusion = new double[m * k * (k + 1)];
        for (var j = 0; j < m; j++)
        for (var c = 0; c < k; c++)
        for (var a = 0; a < k; a++)
            confusion[(j * k + c) * (k + 1) + a] = a == c ? accuracy : (1 - accuracy) / (k - 1);
        return new DawidSkeneModel(train.Schema, train.LfNames, fixedPrior ?? ClassPrior.Uniform(k), confusion, new bool[m], Enumerable.Repeat(1.0, m).ToArray(),
            Options.Abstain, model.FitInfo, guard);
    }

    /// <summary>Fits on vote patterns already read (shared by <c>auto</c>'s candidates).</summary>
    internal DawidSkeneModel FitModel(VotePatterns patterns, LabelSchema schema, IReadOnlyList<string> lfNames, double[]? fixedPrior, FitContext context)
    {
        var em = new DawidSkeneEm(patterns, lfNames.Count, schema.Cardinality, Options, fixedPrior);
        var fit = em.Run(context.Cancellation);
        var groups = em.ExclusiveGroups;
        var grouped = groups.Length == 0 ? "" : $"; {Text.Listing.Counted(groups.Sum(g => g.Length), "single-class source")} in {Text.Listing.Counted(groups.Length, "group")} that never vote together";
        var gold = patterns.ClampedRows is var n && n > 0 ? $", {n:N0} of them dev rows clamped to their gold class" : "";
        context.Log?.Invoke(string.Create(CultureInfo.InvariantCulture,
            $"dawid-skene: abstain {DawidSkeneOptions.Spelling(Options.Abstain)}, {(Options.Confusion == ConfusionModel.OneCoin ? "one-coin" : "full")} confusion{grouped}; {Text.Listing.Counted(patterns.Count, "distinct vote pattern")} in {Text.Listing.Counted(patterns.Rows, "row")}{gold}; {Text.Listing.Counted(fit.Iterations, "EM iteration")}, objective {fit.Objective:G8}{(fit.Converged ? "" : " (not converged)")}"));
        if (em.LearnedStrength is { } learned)
            context.Log?.Invoke("dawid-skene: prior strength learned from the sources' spread (--smoothing auto): " + learned + " pseudo-votes a row");
        if (!fit.Converged)
            context.Warning($"warning: dawid-skene stopped at the iteration cap ({Options.MaxIterations:N0}) before the objective changed by less than {Options.Tolerance:G3} of itself; raise {context.Option("max-iter")} or {context.Option("tol")}");
        var derived = new DerivedSources(em.Parents, em.Keep());
        if (derived.Any && derived.Parent.Count(p => p >= 0) is var modelled)
            context.Log?.Invoke($"dawid-skene: {Text.Listing.Counted(modelled, "source")} whose every vote is another source's vote {(modelled == 1 ? "is" : "are")} modelled given that source (--derived given)");
        return new DawidSkeneModel(schema, lfNames, em.Prior, em.TakeConfusion(), em.AbstainIsOutcome, em.Weights, Options.Abstain, fit, groups: groups, derived: derived);
    }

    /// <summary>
    /// The class balance EM learns from the training matrix (the <c>em</c> prior estimate): majority vote's balance when
    /// the fit has collapsed onto a few classes, and the uniform balance when the fit is suspect and agrees less with
    /// held-out sources than majority vote does (the check <c>dawid-skene</c>'s guard makes). Where the rows fire together
    /// it is the balance of <c>dawid-skene</c>'s own fit instead (<see cref="FiringTogetherBalance"/>).
    /// </summary>
    public static double[] EstimatePrior(IMatrixSource train, FitContext context) => EstimatePrior(train, context, out _);

    /// <summary>
    /// The estimate of <see cref="EstimatePrior(IMatrixSource, FitContext)"/>, and in <paramref name="firingFit"/> the fit of
    /// <c>dawid-skene</c> with its defaults it made where the rows fire together (else null), for a caller that needs that fit too.
    /// </summary>
    internal static double[] EstimatePrior(IMatrixSource train, FitContext context, out ILabelModel? firingFit)
    {
        firingFit = null;
        Guard.NotNull(train);
        Guard.NotNull(context);
        var patterns = VotePatterns.Read(train, context.Cancellation);
        int m = train.LfNames.Count, k = train.Schema.Cardinality;
        if (patterns.Rows == 0 || m == 0) return ClassPrior.Uniform(k);
        // The estimate documented in docs/label-models.md (class prior; measured in docs/label-models-measurements.md): EM at the fixed strength.
        var trainer = new DawidSkeneTrainer(new DawidSkeneOptions { SmoothingFromSpread = false });
        var fit = trainer.FitModel(patterns, LabelSchema.Numbered(k), Enumerable.Range(0, m).Select(j => $"lf{j}").ToArray(), null, new FitContext { Cancellation = context.Cancellation });
        if (!HasDerivedSources(fit) && FiringTogetherBalance(train, patterns, context, out firingFit) is { } firing) return firing;
        // EM's collapse onto one class (hundreds of classes, most rows without a vote; DawidSkeneTrainer.OutsideRowShare) takes
        // the balance with it (one class 0.93-0.97); its fit then labels most rows with votes against all of them, and majority
        // vote's balance is the estimate instead (generated sets of 100-1,000 classes: distance to the true balance 0.55-0.96 →
        // 0.18-0.50; docs/label-models-measurements.md).
        var outside = OutsideShare(fit, patterns);
        if (outside >= OutsideRowShare) return patterns.MajorityVoteBalance(k);
        // A fit that finds single-class sources worse than a uniform guess may have swapped the classes (majority-class LFs less
        // precise than that class's share): its balance then leans the wrong way, and on sparse LFs it is the label of every
        // row without a vote. Where held-out sources agree with it less than with majority vote, as dawid-skene's guard checks,
        // no class is favoured: on 299 generated sets this moved 13 estimates, 2.52 → 1.30 in summed distance to the true
        // balance, and lifted `auto` without a dev split from 15.4 and 7.8 points below majority vote to it on two of them.
        var suspect = SuspectShare(fit, patterns);
        if (suspect < SuspectVoteShare || fit.ExclusiveGroups.Count > 0 || patterns.ClassesVotedByAny(k) < 2) return fit.ClassPrior.ToArray();
        var check = trainer.CheckAgainstMajorityVote(train, patterns, fit, trainer.Options, null, suspect, outside, null, context.Quiet);
        if (check.GuardCheck is not { Replaced: true }) return fit.ClassPrior.ToArray();
        context.Log?.Invoke(string.Create(CultureInfo.InvariantCulture,
            $"class balance: the EM fit finds sources casting {suspect:P1} of the votes right less often than a uniform guess and held-out sources agree with it less than with majority vote, so no class is favoured (uniform balance)"));
        return ClassPrior.Uniform(k);
    }

    /// <summary>
    /// Where the rows fire together (the row-activity family finds a spread above 0 likelier than the plain model), the class
    /// balance of <c>dawid-skene</c>'s fit with its defaults: its activity model's, the uniform one where its guard gives way
    /// to majority vote's model, else its fit's unless that fit has exclusive groups; else null. There EM over sources
    /// independent given the class spends a class on how busy a row is and takes its balance from that: on 136 generated
    /// Wrench-shaped sets with a row activity its estimate was 0.21 from the true balance on average (CDR's shape: 0.17 / 0.83
    /// against 0.68 / 0.32), and <c>dawid-skene</c>'s 0.06 (docs/label-models-measurements.md). As in that fit, the family is
    /// not fitted on people's answers or where some sources are derived from others (the caller checks its EM fit for those);
    /// its fits are those the Dawid–Skene fits on the same in-memory matrix reuse.
    /// </summary>
    private static double[]? FiringTogetherBalance(IMatrixSource train, VotePatterns patterns, FitContext context, out ILabelModel? fit)
    {
        fit = null;
        int m = train.LfNames.Count, k = train.Schema.Cardinality;
        if (k < 2 || k > RowActivity.MaxClasses || (long)m * k * k > RowActivity.MaxVoteRates || patterns.Annotator.Contains(true)
            || Crowd.CrowdRecognition.Test(patterns, k).LooksLikePeople) return null;
        var options = new DawidSkeneOptions();
        var quiet = new FitContext { Cancellation = context.Cancellation };
        if (!ActivityFamily.Fit(train, patterns, null, options, quiet).RowsFireTogether) return null;
        try { fit = new DawidSkeneTrainer(options).Fit(train, quiet); }
        catch (ModelRefusalException) { return null; }
        var which = fit switch
        {
            DawidSkeneActivityModel => ", which models each row's activity",
            DawidSkeneModel { GuardCheck.Replaced: true } => ", whose guard kept majority vote's model (no class favoured)",
            // With exclusive groups the kept fit's balance is the one that leaves a row without a vote undecided, not an estimate.
            DawidSkeneModel { ExclusiveGroups.Count: > 0 } => null,
            _ => "",
        };
        if (which is null) return null;
        context.Log?.Invoke("class balance: the rows fire together, so the estimate is the class balance of dawid-skene's fit" + which);
        return fit.ClassPrior.ToArray();
    }
}

/// <summary>
/// The EM of <see cref="DawidSkeneTrainer"/>. Confusion rows are stored as logs, (source, class, outcome), with
/// k + 1 outcomes: the k classes, then abstain (used only for the sources whose abstains are outcomes).
/// </summary>
internal sealed class DawidSkeneEm
{
    private const double Floor = 1e-3; // keeps every prior centre entry positive, so that every smoothed probability is

    private readonly VotePatterns _patterns;
    private readonly int _m, _k, _width;
    private readonly DawidSkeneOptions _options;
    private readonly double[]? _fixedPrior;
    private readonly bool[] _oneCoin;          // per source: one accuracy instead of a full matrix
    private readonly bool[] _outcome;          // per source: abstain is an outcome (else a missing observation)
    private readonly int[] _single;            // per source: the one class it votes when it is modelled by hit and false-alarm rates, else -1
    private readonly double[] _weight;         // per source: 1/g when g sources have identical columns (counted once), else 1
    private readonly int[] _group;             // per source: its exclusive group (single-class sources of one class that never fire together), else -1
    private readonly int[][] _members;         // per exclusive group: its sources, the first one carrying the group's abstain term
    private readonly int[] _parent;            // per source: the source whose votes contain all of its votes (a derived source), else -1
    private readonly int[][] _children;        // per source: the derived sources whose parent it is
    private readonly double[] _q;              // posterior per pattern, patterns × k
    private readonly int[][] _votes;           // per source: the votes it casts on the rows, increasing
    private readonly int[] _slot;              // per (source, vote), m × k: its row of _counts, -1 for a vote the source never casts
    private readonly double[] _counts;         // soft counts (source, vote it casts, class), Σ_j |votes_j| × k: a vote never cast counts 0
    private readonly double[] _classTotals;
    private readonly double[] _logConfusion;   // m × k × (k + 1); during EM a row's votes outside Written(c) are stale (_fill holds them)
    private readonly int[] _cast;              // the votes some source casts, increasing
    private readonly int[] _castAt;            // per class c: -1 when some source casts it, else where it goes among _cast (Written)
    private readonly int _unvoted, _nextUnvoted; // the first two votes no source casts (-1 when there are fewer)
    private readonly double[] _fill;           // per (source, class), m × k: the log at every vote of the row outside Written(c)
    private double[] _centreVotes = [];        // prior centre of rows over the k votes (abstain missing), k × k
    private double[] _centreOutcomes = [];     // prior centre of rows over k votes and abstain, k × (k + 1)
    private double _centreAccuracy;            // pooled accuracy (one-coin sources)
    private double[] _centreCoverage = [];     // pooled voting rate per class (one-coin sources with abstain as outcome)
    private double _centreHit, _centreFalseAlarm; // pooled rates of the single-class sources

    /// <summary>
    /// EM on <paramref name="patterns"/>. With <paramref name="wholeRows"/> every vote counts as cast, so that every confusion
    /// row is written and summed whole each iteration: the plain computation, which tests compare the fast one with.
    /// </summary>
    public DawidSkeneEm(VotePatterns patterns, int m, int k, DawidSkeneOptions options, double[]? fixedPrior, bool wholeRows = false)
    {
        _patterns = patterns;
        _m = m;
        _k = k;
        _width = k + 1;
        _options = options;
        _fixedPrior = fixedPrior;
        _learnPrior = true; // a fixed prior is set after a first run that learns it (Run)
        Prior = fixedPrior?.ToArray() ?? ClassPrior.Uniform(k);
        _q = new double[patterns.Count * k];
        // Stored for the votes cast only, the counts take Σ_j |votes_j| × k, not m × k × k (over 1,000 classes, 40 LFs
        // casting 1–4 votes each: 1 MB, not 320 MB).
        var cast = new CastVotes(CollectionsMarshal.AsSpan(patterns.Lfs), CollectionsMarshal.AsSpan(patterns.Labels), m, k);
        (_votes, _slot) = (cast.Votes, cast.Slot);
        _counts = new double[cast.Count * k];
        _classTotals = new double[k];
        _logConfusion = new double[m * k * _width];
        _fill = new double[m * k];
        var isCast = new bool[k];
        if (wholeRows) Array.Fill(isCast, true);
        foreach (var votes in _votes)
            foreach (var a in votes) isCast[a] = true;
        _cast = Enumerable.Range(0, k).Where(a => isCast[a]).ToArray();
        _castAt = Enumerable.Range(0, k).Select(c => isCast[c] ? -1 : ~Array.BinarySearch(_cast, c)).ToArray();
        var unvoted = Enumerable.Range(0, k).Where(a => !isCast[a]).Take(2).ToArray();
        _unvoted = unvoted.Length > 0 ? unvoted[0] : -1;
        _nextUnvoted = unvoted.Length > 1 ? unvoted[1] : -1;
        _rowStrength = Enumerable.Repeat(options.Smoothing, k).ToArray();
        _coinStrength = options.Smoothing;
        _oneCoin = new bool[m];
        _outcome = new bool[m];
        _single = new int[m];
        _weight = options.CountDuplicatesOnce ? patterns.CopyWeights() : Enumerable.Repeat(1.0, m).ToArray();
        _parent = options.ConditionDerivedSources ? patterns.Parents() : Enumerable.Repeat(-1, m).ToArray();
        var children = Enumerable.Range(0, m).ToLookup(j => _parent[j]);
        _children = Enumerable.Range(0, m).Select(p => children[p].ToArray()).ToArray();
        for (var j = 0; j < m; j++)
        {
            // A source that only ever votes one class says the same whatever Y is. With abstains missing its votes
            // identify nothing (and a one-coin accuracy for it is maximised by putting every row in its class and
            // calling the sources of other classes always wrong). Its evidence is when it votes, so its abstains are
            // outcomes, modelled by a hit rate P(votes t | Y = t) and one false-alarm rate P(votes t | Y ≠ t) — unless
            // a full matrix with abstain as a vote was asked for.
            var voted = patterns.ClassesVoted(j, k);
            var single = voted == 1 && _parent[j] < 0 && !patterns.Annotator[j];
            // An LF that votes some classes but not all (a keyword rule for 3 of 20 topics) fires mostly on its classes: its
            // abstains say the row is likely another class. Read as missing, its votes were a distribution over the classes
            // it votes, whatever the class, so a class it never votes was nearly as likely as its own (2 to 3 times less),
            // and on many classes EM's balance collapsed onto a few of them (10–30 classes, LFs voting 1–6 of them:
            // total-variation distance 0.5–0.94 to the true balance, 0.08 on average with abstains as outcomes). A person's
            // abstain only means not asked, whatever the classes they happened to answer, and a source with too few votes to
            // have missed a class by design (LeavesClassesOut) keeps its abstains missing too.
            var partial = voted >= 2 && voted < k && !patterns.Annotator[j] && patterns.LeavesClassesOut(j, k);
            // A derived source's abstains are explained by its parent: where the parent votes a, it keeps the vote or not.
            _outcome[j] = (options.Abstain == AbstainMode.Vote || single || partial) && _parent[j] < 0;
            _single[j] = single && !(options.Abstain == AbstainMode.Vote && options.Confusion == ConfusionModel.Full) ? patterns.OnlyClass(j, k) : -1;
            _oneCoin[j] = options.Confusion == ConfusionModel.OneCoin && !single && _parent[j] < 0;
        }
        _members = options.GroupExclusiveSources ? patterns.ExclusiveGroups(_single, _weight) : [];
        _group = new int[m];
        Array.Fill(_group, -1);
        for (var g = 0; g < _members.Length; g++)
            foreach (var j in _members[g]) _group[j] = g;
    }

    /// <summary>Soft count of source j's votes a on class c rows (0 for a vote it never casts).</summary>
    private double Count(int j, int a, int c) => _slot[j * _k + a] is var row and >= 0 ? _counts[row * _k + c] : 0;

    /// <summary>The exclusive groups found on the training rows (each a list of sources; empty when none or not asked for).</summary>
    public int[][] ExclusiveGroups => _members.Select(g => g.ToArray()).ToArray();

    /// <summary>Whether source j's abstain term enters a row's base score: sources whose abstains are outcomes, a group's once (its first member).</summary>
    private bool CarriesAbstain(int j) => _outcome[j] && (_group[j] < 0 || _members[_group[j]][0] == j);

    /// <summary>The class prior (fixed, or learned by the last M-step).</summary>
    public double[] Prior { get; private set; }

    /// <summary>Per source: true when its abstains are outcomes.</summary>
    public bool[] AbstainIsOutcome => _outcome.ToArray();

    /// <summary>Per source: the weight of its factor in the likelihood (1/g for each of g identical sources, else 1).</summary>
    public double[] Weights => _weight.ToArray();

    /// <summary>Per source: its parent when it is a derived source (every vote of it is the parent's vote), else -1.</summary>
    public int[] Parents => _parent.ToArray();

    /// <summary>
    /// Per derived source b, (class c, vote a): <c>P(b votes a | Y = c, its parent votes a)</c>, k × k; null for other sources.
    /// </summary>
    public double[]?[] Keep()
    {
        var keep = new double[]?[_m];
        for (var j = 0; j < _m; j++)
            if (_parent[j] >= 0)
            {
                var rates = keep[j] = new double[_k * _k];
                for (var c = 0; c < _k; c++)
                for (var a = 0; a < _k; a++) rates[c * _k + a] = Math.Exp(_logConfusion[(j * _k + c) * _width + a]);
            }
        return keep;
    }

    /// <summary>
    /// The confusion matrices as probabilities, (source, class) rows of k + 1 outcomes; the abstain entry is 0
    /// for a source whose abstains are missing observations (its k vote probabilities sum to 1). Computed in place of the
    /// EM's log rows (m × k × (k + 1): 320 MB for 40 sources over 1,000 classes), so the EM is spent afterwards: read
    /// <see cref="Keep"/> first.
    /// </summary>
    public double[] TakeConfusion()
    {
        var result = _logConfusion;
        for (var j = 0; j < _m; j++)
        {
            if (_parent[j] >= 0) continue;
            for (var c = 0; c < _k; c++)
            {
                var at = (j * _k + c) * _width;
                var voted = 0.0;
                for (var a = 0; a < _k; a++) voted += result[at + a] = Math.Exp(result[at + a]);
                // A group member's own abstain probability is 1 − its voting probability (the group's is kept internally).
                result[at + _k] = !_outcome[j] ? 0 : _group[j] >= 0 ? 1 - voted : Math.Exp(result[at + _k]);
            }
        }
        // A derived source's row, for reading only (prediction uses its keep rates): P(votes a | Y = c, it voted), proportional
        // to keep[c, a] times its parent's P(votes a | c). A parent has strictly more votes, so parents come first in this order.
        foreach (var j in Enumerable.Range(0, _m).Where(j => _parent[j] >= 0).OrderBy(j => Depth(j)))
            for (var c = 0; c < _k; c++)
            {
                var at = (j * _k + c) * _width;
                var from = (_parent[j] * _k + c) * _width;
                var total = 0.0;
                for (var a = 0; a < _k; a++) total += result[at + a] = Math.Exp(result[at + a]) * result[from + a];
                for (var a = 0; a < _k; a++) result[at + a] = total > 0 ? result[at + a] / total : 1.0 / _k;
                result[at + _k] = 0;
            }
        return result;

        int Depth(int j) => _parent[j] < 0 ? 0 : 1 + Depth(_parent[j]);
    }

    /// <summary>
    /// Runs EM. With a fixed prior, EM first runs with the prior learned, so that the latent classes can be named
    /// by the votes (a fixed prior forbids renaming classes of unequal prior), then continues from there with the
    /// fixed prior: a fixed prior alone can hold EM in a solution with two classes swapped.
    /// </summary>
    public IterativeFit Run(CancellationToken cancellation)
    {
        InitialiseFromMajorityVote();
        CountVotes();
        SetPriorCentres();
        var fit = Iterate(cancellation);
        var stage = fit.Iterations;
        if (_fixedPrior is not null)
        {
            _learnPrior = false;
            _fixedPrior.CopyTo(Prior, 0);
            (fit, stage) = Continue(fit, _options.MaxIterations, cancellation);
        }
        // With gold rows clamped, the sources' quality is read from the gold, not pooled towards majority vote's matrix.
        if (!_options.SmoothingFromSpread || _patterns.HasClamps || stage >= _options.MaxIterations) return fit;
        // The strengths are read from a fit at the floor strength and then held: re-read at every step, they would
        // feed on themselves (rows pulled together look alike, and look alike because they were pulled together).
        CountVotes();
        if (!SetStrengths()) return fit;
        LearnedStrength = _oneCoin.Any(x => x)
            ? _coinStrength.ToString("G4", CultureInfo.InvariantCulture) + " (one-coin accuracy)"
            : StrengthsByClass(_rowStrength)
              + (_skill is null ? "" : string.Create(CultureInfo.InvariantCulture, $", around each annotator's own skill (its agreement with the others' majority, {_skillStrength:G4} pseudo-answers)"));
        return Continue(fit, _options.MaxIterations - stage, cancellation).Fit;
    }

    /// <summary>
    /// Each class's strength for the log; past a dozen classes the classes sharing a strength are listed together (by count
    /// when many), so that a fit over hundreds of classes logs a line, not a page.
    /// </summary>
    private static string StrengthsByClass(double[] strengths)
    {
        string Text(double x) => x.ToString("G4", CultureInfo.InvariantCulture);
        if (strengths.Length <= 12) return string.Join(", ", strengths.Select((x, c) => $"class {c} {Text(x)}"));
        return string.Join("; ", Enumerable.Range(0, strengths.Length).GroupBy(c => Text(strengths[c])).Select(g =>
            g.Count() <= 5 ? $"{g.Key} for class{(g.Count() == 1 ? "" : "es")} {string.Join(", ", g)}" : $"{g.Key} for {Snorkeler.Text.Listing.Counted(g.Count(), "class")}"));
    }

    /// <summary>The strengths learned with <c>smoothing auto</c>, for the log; null when the fit kept <c>smoothing</c>.</summary>
    public string? LearnedStrength { get; private set; }

    /// <summary>Runs EM on from <paramref name="before"/> for at most <paramref name="most"/> iterations; the counts add up.</summary>
    private (IterativeFit Fit, int Iterations) Continue(IterativeFit before, int most, CancellationToken cancellation)
    {
        CountVotes();
        var after = Iterate(cancellation, most);
        return (after with { Iterations = before.Iterations + after.Iterations }, after.Iterations);
    }

    private bool _learnPrior;

    private IterativeFit Iterate(CancellationToken cancellation, int? most = null)
    {
        var previous = double.NegativeInfinity;
        var fit = new IterativeFit(0, false, double.NegativeInfinity);
        for (var iteration = 1; iteration <= (most ?? _options.MaxIterations); iteration++)
        {
            cancellation.ThrowIfCancellationRequested();
            if (iteration > 1) CountVotes();
            MaximisationStep();
            var objective = ExpectationStep() + LogPriorDensity();
            var converged = iteration > 1 && Math.Abs(objective - previous) <= _options.Tolerance * Math.Abs(objective);
            fit = new IterativeFit(iteration, converged, objective);
            if (converged) break;
            previous = objective;
        }
        WriteUnwritten();
        FixLabelPermutation();
        return fit;
    }

    /// <summary>Majority vote (identical sources counted once), ties sharing.</summary>
    private void InitialiseFromMajorityVote()
    {
        for (var t = 0; t < _patterns.Count; t++)
        {
            var row = _q.AsSpan(t * _k, _k);
            var (start, end) = _patterns.Range(t);
            for (var v = start; v < end; v++) row[_patterns.Labels[v]] += _weight[_patterns.Lfs[v]];
            var max = 0.0;
            foreach (var x in row) max = Math.Max(max, x);
            // Weighted counts of 1/g each may sum to an integer only up to rounding: ties within 1e-9 share.
            var tied = 0;
            foreach (var x in row) if (x >= max - 1e-9) tied++;
            for (var c = 0; c < _k; c++) row[c] = row[c] >= max - 1e-9 ? 1.0 / tied : 0;
            ClampToGold(t, row);
        }
    }

    /// <summary>A labelled row's posterior is its gold class (semi-supervised EM); an unlabelled row's is left as it is.</summary>
    private void ClampToGold(int pattern, Span<double> row)
    {
        var gold = _patterns.Clamp(pattern);
        if (gold < 0) return;
        row.Clear();
        row[gold] = 1;
    }

    /// <summary>Soft counts of (source, vote, class) and of each class, from the current posteriors.</summary>
    private void CountVotes()
    {
        Array.Clear(_counts);
        Array.Clear(_classTotals);
        var k = _k;
        for (var t = 0; t < _patterns.Count; t++)
        {
            var w = (double)_patterns.Counts[t];
            var row = _q.AsSpan(t * k, k);
            for (var c = 0; c < k; c++) _classTotals[c] += w * row[c];
            var (start, end) = _patterns.Range(t);
            for (var v = start; v < end; v++)
            {
                var at = _slot[_patterns.Lfs[v] * k + _patterns.Labels[v]] * k;
                for (var c = 0; c < k; c++) _counts[at + c] += w * row[c];
            }
        }
    }

    /// <summary>A one-coin source's soft counts: votes for the row's class, and all its votes.</summary>
    private (double Right, double All) CoinCounts(int j)
    {
        double right = 0, all = 0;
        for (var c = 0; c < _k; c++)
        {
            right += Count(j, c, c);
            all += Voted(j, c);
        }
        return (right, all);
    }

    /// <summary>Voted soft count of source j on class c rows (the votes it never casts add nothing, so they are not visited).</summary>
    private double Voted(int j, int c)
    {
        var sum = 0.0;
        foreach (var a in _votes[j]) sum += _counts[_slot[j * _k + a] * _k + c];
        return sum;
    }

    /// <summary>The Dirichlet priors' centres: the pooled confusion of all sources under the majority-vote posteriors.</summary>
    private void SetPriorCentres()
    {
        var k = _k;
        _centreVotes = new double[k * k];
        _centreOutcomes = new double[k * (k + 1)];
        _centreCoverage = new double[k];
        double right = 0, all = 0;
        var row = new double[k + 1];
        for (var c = 0; c < k; c++)
        {
            Array.Clear(row);
            double voted = 0;
            for (var j = 0; j < _m; j++)
            foreach (var a in _votes[j])
            {
                var n = _weight[j] * Count(j, a, c);
                row[a] += n;
                voted += n;
                if (a == c) right += n;
            }
            all += voted;
            var possible = _classTotals[c] * _weight.Sum();
            row[k] = Math.Max(0, possible - voted);
            _centreCoverage[c] = possible > 0 ? Math.Clamp(voted / possible, Floor, 1 - Floor) : 0.5;
            Normalise(row.AsSpan(0, k), _centreVotes.AsSpan(c * k, k));
            Normalise(row, _centreOutcomes.AsSpan(c * (k + 1), k + 1));
        }
        _centreAccuracy = Math.Clamp(all > 0 ? right / all : 1.0 / k, Floor, 1 - Floor);
        double hits = 0, hitRows = 0, alarms = 0, alarmRows = 0;
        for (var j = 0; j < _m; j++)
        {
            var t = _single[j];
            if (t < 0) continue;
            var w = _weight[j];
            for (var c = 0; c < k; c++)
            {
                if (c == t) { hits += w * Count(j, t, c); hitRows += w * _classTotals[c]; }
                else { alarms += w * Count(j, t, c); alarmRows += w * _classTotals[c]; }
            }
        }
        _centreHit = Math.Clamp(hitRows > 0 ? hits / hitRows : 0.5, Floor, 1 - Floor);
        _centreFalseAlarm = Math.Clamp(alarmRows > 0 ? alarms / alarmRows : 0.5, Floor, 1 - Floor);
    }

    /// <summary>Probability of each vote a single-class source never casts (a constant, so that such a vote on new rows stays finite).</summary>
    private const double Unseen = 1e-6;

    private static readonly double LogUnseen = Math.Log(Unseen);

    /// <summary>Hit rate h (its class t) and false-alarm rate f (the other classes) of single-class source j, Beta-smoothed.</summary>
    private (double Hit, double FalseAlarm) Rates(int j)
    {
        var s = _options.Smoothing;
        var t = _single[j];
        double alarms = 0, alarmRows = 0;
        for (var c = 0; c < _k; c++)
            if (c != t) { alarms += Count(j, t, c); alarmRows += _classTotals[c]; }
        var hit = (Count(j, t, t) + s * _centreHit) / (_classTotals[t] + s);
        return (hit, (alarms + s * _centreFalseAlarm) / (alarmRows + s));
    }

    /// <summary>Counts to a distribution with every entry at least about <see cref="Floor"/>.</summary>
    private static void Normalise(ReadOnlySpan<double> counts, Span<double> into)
    {
        var total = 0.0;
        foreach (var x in counts) total += x;
        for (var a = 0; a < counts.Length; a++) into[a] = (total > 0 ? counts[a] / total : 1.0 / counts.Length) + Floor;
        total = 0;
        foreach (var x in into) total += x;
        for (var a = 0; a < into.Length; a++) into[a] /= total;
    }

    private readonly double[] _rowStrength;    // pseudo-votes per class on the confusion rows of full-matrix sources whose abstains are missing
    private double _coinStrength;              // pseudo-votes on a one-coin source's accuracy
    private double[]? _skill;                  // per annotator: its skill, when the rows centre on it (RowCentre; else null)

    /// <summary>
    /// With <c>smoothing auto</c>, sets the prior strength of the confusion rows (one per class) or of the one-coin accuracy
    /// to the empirical-Bayes strength read from how far the sources' current rows lie from their pooled row
    /// (<see cref="SpreadStrength"/>), when every source that votes is modelled alike (all full matrices over their votes,
    /// abstains missing, or all one-coin): the prior's centre, the pooled majority-vote matrix, is then these sources' own
    /// centre. Rows with abstain as an outcome keep <c>smoothing</c>: there single-class LFs of different classes are full
    /// rows too, and they are not alike.
    /// False when no strength rose above <c>smoothing</c> (the fit at the floor stands as it is).
    /// </summary>
    private bool SetStrengths()
    {
        var floor = _options.Smoothing;
        int k = _k;
        var voting = new List<int>();
        for (var j = 0; j < _m; j++)
            if (Enumerable.Range(0, k).Any(c => Voted(j, c) > 0)) voting.Add(j);
        if (voting.Count == 0 || voting.Any(j => _parent[j] >= 0 || _group[j] >= 0 || _single[j] >= 0)) return false;
        if (voting.All(j => _oneCoin[j]))
        {
            _coinStrength = SpreadStrength(CoinRows(voting, CoinCounts), floor);
            return _coinStrength > floor;
        }
        if (voting.Any(j => _oneCoin[j] || _outcome[j])) return false;
        // Annotators whose skills differ beyond counting noise (ReadSkills) centre their rows on their own skill (the pooled
        // rows' pattern of errors kept), so that a class's rows only learn what the annotator's skill does not already say:
        // with a few answers a class a row stays at its annotator's skill instead of the pooled one (10 classes, about 18
        // answers an annotator: the pooled rows were 2.3 points below majority vote, these 0.3 above).
        if (_patterns.AllPeople) ReadSkills();
        var rows = new List<(double Weight, double Total, double[] Counts)>();
        for (var c = 0; c < k; c++)
        {
            rows.Clear();
            var centres = _skill is null ? null : new List<double[]>();
            foreach (var j in voting)
            {
                var counts = new double[k];
                foreach (var a in _votes[j]) counts[a] = Count(j, a, c);
                rows.Add((_weight[j], counts.Sum(), counts));
                centres?.Add(RowCentre(j, c).ToArray(k));
            }
            _rowStrength[c] = centres is null ? SpreadStrength(rows, floor) : CentredStrength(rows, centres, floor);
        }
        return _skill is not null || _rowStrength.Any(x => x > floor);
    }

    private double _skillStrength;             // pseudo-votes on an annotator's agreement when its skill was read

    /// <summary>
    /// Reads each annotator's skill from its agreement with the majority of the <i>other</i> answers on its tasks (ties
    /// sharing), when the annotators differ in it beyond counting noise (<see cref="SpreadStrength"/> below its most).
    /// The skill is the logit of its agreement, shrunk towards the pooled one by that strength, minus the pooled one's logit.
    /// Leaving its own answer out matters: counted in, every agreement is inflated and the inflation varies with chance
    /// (on weak crowds of 3 answers a task the skills then cost 1 point against majority vote).
    /// </summary>
    private void ReadSkills()
    {
        var (right, all) = LeaveOneOutAgreement();
        var rows = CoinRows(Enumerable.Range(0, _m).Where(j => all[j] > 0), j => (right[j], all[j]));
        double pooledRight = 0, pooledAll = 0;
        foreach (var (weight, total, counts) in rows)
        {
            pooledRight += weight * counts[0];
            pooledAll += weight * total;
        }
        var strength = SpreadStrength(rows, _options.Smoothing);
        if (strength >= MostStrength || pooledAll <= 0) return;
        var pooled = Math.Clamp(pooledRight / pooledAll, Floor, 1 - Floor);
        _skillStrength = strength;
        _skill = new double[_m];
        for (var j = 0; j < _m; j++)
            _skill[j] = Logit((right[j] + strength * pooled) / (all[j] + strength)) - Logit(pooled);
    }

    /// <summary>The rows <see cref="SpreadStrength"/> reads accuracies from: per source, its weight, its votes, and (right, wrong).</summary>
    private List<(double Weight, double Total, double[] Counts)> CoinRows(IEnumerable<int> sources, Func<int, (double Right, double All)> counts)
        => sources.Select(j =>
        {
            var (right, all) = counts(j);
            return (_weight[j], all, new[] { right, all - right });
        }).ToList();

    /// <summary>Per source, its votes' agreement with the majority of the other votes on their rows (ties sharing), and its votes on rows with other votes.</summary>
    private (double[] Right, double[] All) LeaveOneOutAgreement()
    {
        var right = new double[_m];
        var all = new double[_m];
        var counts = new double[_k];
        for (var t = 0; t < _patterns.Count; t++)
        {
            var (start, end) = _patterns.Range(t);
            if (end - start < 2) continue;
            Array.Clear(counts);
            for (var v = start; v < end; v++) counts[_patterns.Labels[v]] += _weight[_patterns.Lfs[v]];
            var w = (double)_patterns.Counts[t];
            for (var v = start; v < end; v++)
            {
                var j = _patterns.Lfs[v];
                var a = _patterns.Labels[v];
                counts[a] -= _weight[j];
                if (counts.Max() > 1e-9)
                {
                    all[j] += w;
                    var tied = Analysis.HardLabels.TopCount(counts, a, out var named);
                    if (named) right[j] += w / tied;
                }
                counts[a] += _weight[j];
            }
        }
        return (right, all);
    }

    private static double Logit(double p) => Math.Log(p / (1 - p));

    /// <summary>
    /// The prior centre of source j's row for class c over its votes: the pooled row, or with <see cref="_skill"/> the pooled
    /// row with its right vote's logit moved by the source's skill and the wrong votes scaled to fill the rest.
    /// </summary>
    private CentreRow RowCentre(int j, int c)
    {
        if (_skill is null) return new CentreRow(_centreVotes, c * _k, c, false, 0, 0);
        var right = _centreVotes[c * _k + c];
        return new CentreRow(_centreVotes, c * _k, c, true, 1 / (1 + Math.Exp(-(Logit(right) + _skill[j]))), right);
    }

    /// <summary>
    /// A prior centre row, entry by entry: the pooled row at <paramref name="at"/>, or with a moved right vote (class
    /// <paramref name="c"/>) the pooled row's wrong votes scaled by <c>(1 − moved) / (1 − right)</c>. Where no source casts a
    /// vote the pooled row holds one value, so the entries outside <see cref="Written"/> are all the entry at <see cref="FillVote"/>.
    /// </summary>
    private readonly struct CentreRow(double[] pooled, int at, int c, bool skilled, double moved, double right)
    {
        public double At(int a) => !skilled ? pooled[at + a] : a == c ? moved : pooled[at + a] * (1 - moved) / (1 - right);

        public double[] ToArray(int k) => Enumerable.Range(0, k).Select(At).ToArray();
    }

    /// <summary>
    /// The votes of a class-c confusion row whose entries EM writes: the votes some source casts, and c (whose centre moves
    /// with an annotator's skill). Every other vote of the row holds the same number, kept in <see cref="_fill"/> and
    /// written into the row only when EM stops (<see cref="WriteUnwritten"/>): over thousands of classes few are voted, and
    /// writing and summing whole rows each iteration cost k² per source.
    /// </summary>
    private WrittenVotes Written(int c) => new(_cast, c, _castAt[c]);

    /// <summary>The votes some source casts (<paramref name="cast"/>, increasing) with c put in at <paramref name="at"/> (-1: c is among them).</summary>
    private readonly struct WrittenVotes(int[] cast, int c, int at)
    {
        public int Count => at < 0 ? cast.Length : cast.Length + 1;

        public int this[int i] => at < 0 || i < at ? cast[i] : i == at ? c : cast[i - 1];

        public Enumerator GetEnumerator() => new(this);

        public struct Enumerator(WrittenVotes votes)
        {
            private int _i = -1;

            public readonly int Current => votes[_i];

            public bool MoveNext() => ++_i < votes.Count;
        }
    }

    /// <summary>A vote outside <see cref="Written"/>(c), whose entry stands for all of them, or -1 when every vote is written.</summary>
    private int FillVote(int c) => _unvoted != c ? _unvoted : _nextUnvoted;

    /// <summary>Writes the row's entries at <see cref="Written"/>(c) and keeps <paramref name="value"/> for the others.</summary>
    private void WriteUnvoted(int j, int c, Span<double> row, double value)
    {
        _fill[j * _k + c] = value;
        foreach (var a in Written(c)) row[a] = value;
    }

    /// <summary>Writes each confusion row's kept value (<see cref="_fill"/>) into the votes outside <see cref="Written"/>, so that the rows are whole.</summary>
    private void WriteUnwritten()
    {
        if (_unvoted < 0) return;
        for (var j = 0; j < _m; j++)
        {
            for (var c = 0; c < _k; c++)
            {
                var row = _logConfusion.AsSpan((j * _k + c) * _width, _k);
                var fill = _fill[j * _k + c];
                var next = 0;
                foreach (var a in Written(c))
                {
                    row[next..a].Fill(fill);
                    next = a + 1;
                }
                row[next..].Fill(fill);
            }
        }
    }

    /// <summary><paramref name="sum"/> plus <c>strength · centre[a] · log π_j[c, a]</c> over the row's k votes in order.</summary>
    private double AddRowDensity(double sum, int j, int c, CentreRow centre, double strength)
    {
        var fill = FillVote(c);
        var terms = new DensityTerms(strength, centre, _logConfusion, (j * _k + c) * _width);
        return AddRowTerms(sum, c, fill < 0 ? 0 : strength * centre.At(fill) * _fill[j * _k + c], terms);
    }

    /// <summary>
    /// <paramref name="sum"/> plus a class-c row's term of every vote in order: <paramref name="terms"/> at the votes of
    /// <see cref="Written"/>, and runs of <paramref name="unwritten"/> (their one term) between them, added at once
    /// (<see cref="Numerics.AddRepeatedly"/>): the sum of the whole row term by term, to the bit, in O(|Written|) steps.
    /// </summary>
    private double AddRowTerms<TTerms>(double sum, int c, double unwritten, TTerms terms) where TTerms : struct, IRowTerms
    {
        var next = 0;
        foreach (var a in Written(c))
        {
            sum = Numerics.AddRepeatedly(sum, unwritten, a - next);
            sum += terms.At(a);
            next = a + 1;
        }
        return Numerics.AddRepeatedly(sum, unwritten, _k - next);
    }

    /// <summary>One row's term of the prior's log-density at vote a.</summary>
    private interface IRowTerms
    {
        double At(int a);
    }

    /// <summary>A confusion row's Dirichlet term at vote a: <c>strength · centre[a] · log π[a]</c>.</summary>
    private readonly struct DensityTerms(double strength, CentreRow centre, double[] logs, int at) : IRowTerms
    {
        public double At(int a) => strength * centre.At(a) * logs[at + a];
    }

    /// <summary>
    /// A keep row's Beta term at vote a: <c>s · (centre · log keep[a] + (1 − centre) · log(1 − keep[a]))</c>; the votes the parent
    /// never casts hold the row's one unvoted log, whose term is taken once.
    /// </summary>
    private readonly struct KeepTerms : IRowTerms
    {
        private readonly double _s, _centre, _unvotedLog;
        private readonly double[] _logs;
        private readonly int _at;

        public KeepTerms(double s, double centre, double[] logs, int at, double unvotedLog)
        {
            (_s, _centre, _logs, _at, _unvotedLog) = (s, centre, logs, at, unvotedLog);
            Unvoted = Of(unvotedLog);
        }

        public double Unvoted { get; }

        public double At(int a) => _logs[_at + a] is var log && log == _unvotedLog ? Unvoted : Of(log);

        private double Of(double logKeep) => _s * (_centre * logKeep + (1 - _centre) * Math.Log(1 - Math.Exp(logKeep)));
    }

    /// <summary>
    /// Method-of-moments strength s of Dirichlet priors with known centres μ_j (one per source): under them
    /// Σ_j w_j n_j |p̂_j − μ_j|² has expectation Σ_j w_j D_j [1 + (n_j − 1) ρ], D_j = 1 − |μ_j|², ρ = 1 / (s + 1).
    /// </summary>
    internal static double CentredStrength(IReadOnlyList<(double Weight, double Total, double[] Counts)> rows, IReadOnlyList<double[]> centres, double floor)
    {
        double spread = 0, noise = 0, between = 0, sources = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            var (weight, total, counts) = rows[i];
            if (total <= 0) continue;
            var centre = centres[i];
            var d = 1.0;
            foreach (var p in centre) d -= p * p;
            for (var a = 0; a < counts.Length; a++)
            {
                var e = counts[a] / total - centre[a];
                spread += weight * total * e * e;
            }
            noise += weight * d;
            between += weight * d * (total - 1);
            sources += weight;
        }
        if (sources < 3 - 1e-9 || between <= 1e-12) return floor;
        var rho = (spread - noise) / between;
        var most = Math.Max(floor, MostStrength);
        return rho <= 1 / (most + 1) ? most : Math.Clamp(1 / rho - 1, floor, most);
    }

    /// <summary>Most pseudo-votes an estimated strength takes (the sources are then all read as the pooled source).</summary>
    private const double MostStrength = 1e6;

    /// <summary>
    /// Method-of-moments strength s of a Dirichlet prior shared by the sources' rows (per source: its weight w_j, 1/g for
    /// each of g identical sources; its row total n_j; its counts over the outcomes), around their pooled row p̄: under that
    /// Dirichlet-multinomial the spread S = Σ_j w_j n_j |p̂_j − p̄|² has expectation D [ρ (N − Q / N) + (1 − ρ)(J − 1)],
    /// with D = 1 − |p̄|², N = Σ w_j n_j, Q = Σ w_j n_j², J = Σ w_j and ρ = 1 / (s + 1). Spread no larger than counting
    /// noise gives the most strength; fewer than three sources with votes, or no spread to read, give
    /// <paramref name="floor"/>; the strength is never below it.
    /// </summary>
    internal static double SpreadStrength(IReadOnlyList<(double Weight, double Total, double[] Counts)> rows, double floor)
    {
        double n = 0, squares = 0, sources = 0;
        double[]? pooled = null;
        foreach (var (weight, total, counts) in rows)
        {
            if (total <= 0) continue;
            pooled ??= new double[counts.Length];
            for (var a = 0; a < counts.Length; a++) pooled[a] += weight * counts[a];
            n += weight * total;
            squares += weight * total * total;
            sources += weight;
        }
        if (pooled is null || sources < 3 - 1e-9) return floor;
        for (var a = 0; a < pooled.Length; a++) pooled[a] /= n;
        var d = 1.0;
        foreach (var p in pooled) d -= p * p;
        var between = n - squares / n - (sources - 1);
        if (d <= 1e-12 || between <= 0) return floor;
        var spread = 0.0;
        foreach (var (weight, total, counts) in rows)
        {
            if (total <= 0) continue;
            for (var a = 0; a < counts.Length; a++)
            {
                var e = counts[a] / total - pooled[a];
                spread += weight * total * e * e;
            }
        }
        var rho = (spread / d - (sources - 1)) / between;
        var most = Math.Max(floor, MostStrength);
        return rho <= 1 / (most + 1) ? most : Math.Clamp(1 / rho - 1, floor, most);
    }

    private void MaximisationStep()
    {
        int k = _k, width = _width;
        var s = _options.Smoothing;
        if (_learnPrior)
        {
            // Mode of the Dirichlet(2, ..., 2) posterior: one pseudo-row per class.
            var total = _classTotals.Sum() + k;
            for (var c = 0; c < k; c++) Prior[c] = (_classTotals[c] + 1) / total;
        }
        // Full rows whose abstains are outcomes share their strength, centre and denominator: their logs at the votes a source
        // does not cast are the same for every such source, and are taken once per class.
        var stride = _cast.Length + 2;
        var shared = Enumerable.Range(0, _m).Any(j => _outcome[j] && _parent[j] < 0 && _group[j] < 0 && _single[j] < 0 && !_oneCoin[j]);
        if (shared && _outcomeLogs.Length == 0) _outcomeLogs = new double[k * stride];
        if (shared)
            for (var c = 0; c < k; c++)
                UnvotedLogs(c, new CentreRow(_centreOutcomes, c * width, c, false, 0, 0), s, _classTotals[c] + s, _outcomeLogs.AsSpan(c * stride, stride));
        for (var j = 0; j < _m; j++)
        {
            if (_parent[j] >= 0)
            {
                SetKeepRows(j);
                continue;
            }
            if (_group[j] >= 0)
            {
                if (_members[_group[j]][0] == j) SetGroupRows(_group[j]);
                continue;
            }
            if (_single[j] >= 0)
            {
                var t = _single[j];
                var (hit, falseAlarm) = Rates(j);
                var kept = 1 - (k - 1) * Unseen;
                for (var c = 0; c < k; c++)
                {
                    var row = _logConfusion.AsSpan((j * k + c) * width, width);
                    var rate = c == t ? hit : falseAlarm;
                    WriteUnvoted(j, c, row, LogUnseen);
                    row[t] = Math.Log(kept * rate);
                    row[k] = Math.Log(kept * (1 - rate));
                }
                continue;
            }
            if (_oneCoin[j])
            {
                var (right, all) = CoinCounts(j);
                var accuracy = (right + _coinStrength * _centreAccuracy) / (all + _coinStrength);
                var wrong = (1 - accuracy) / (k - 1);
                for (var c = 0; c < k; c++)
                {
                    var row = _logConfusion.AsSpan((j * k + c) * width, width);
                    var rate = 1.0;
                    if (_outcome[j])
                    {
                        rate = (Voted(j, c) + s * _centreCoverage[c]) / (_classTotals[c] + s);
                        row[k] = Math.Log(1 - rate);
                    }
                    WriteUnvoted(j, c, row, Math.Log(rate * wrong));
                    row[c] = Math.Log(rate * accuracy);
                }
                continue;
            }
            for (var c = 0; c < k; c++)
            {
                var row = _logConfusion.AsSpan((j * k + c) * width, width);
                var voted = Voted(j, c);
                if (_outcome[j])
                {
                    var denominator = _classTotals[c] + s;
                    SmoothedLogs(j, c, row, _outcomeLogs.AsSpan(c * stride, stride), new CentreRow(_centreOutcomes, c * width, c, false, 0, 0), s, denominator);
                    row[k] = Math.Log((Math.Max(0, _classTotals[c] - voted) + s * _centreOutcomes[c * width + k]) / denominator);
                }
                else
                {
                    var centre = RowCentre(j, c);
                    var strength = _rowStrength[c];
                    var denominator = voted + strength;
                    var unvoted = _unvotedLogs.Length == stride ? _unvotedLogs : _unvotedLogs = new double[stride];
                    UnvotedLogs(c, centre, strength, denominator, unvoted);
                    SmoothedLogs(j, c, row, unvoted, centre, strength, denominator);
                    row[k] = 0;
                }
            }
        }
    }

    private double[] _outcomeLogs = [];        // per class: UnvotedLogs of the full rows whose abstains are outcomes, k × (|_cast| + 2)
    private double[] _unvotedLogs = [];        // scratch: one row's UnvotedLogs

    /// <summary>
    /// <c>log(strength · centre[a] / denominator)</c>, a class-c row's log at a vote a the source does not cast, at the votes of
    /// <see cref="Written"/>(c) in order and then at <see cref="FillVote"/>(c) (NaN when every vote is written).
    /// </summary>
    private void UnvotedLogs(int c, CentreRow centre, double strength, double denominator, Span<double> into)
    {
        var logs = new RepeatedLog();
        var written = Written(c);
        for (var i = 0; i < written.Count; i++) into[i] = logs.Of(strength * centre.At(written[i]) / denominator);
        var fill = FillVote(c);
        into[written.Count] = fill < 0 ? double.NaN : logs.Of(strength * centre.At(fill) / denominator);
    }

    /// <summary>
    /// <c>row[a] = log((n_j[a, c] + strength · centre[a]) / denominator)</c> for every vote a: first as if source j never cast a
    /// (its count 0: <paramref name="unvoted"/>, from <see cref="UnvotedLogs"/>), then the votes it casts. A vote no source
    /// casts has the pooled centre's one value, so only the votes of <see cref="Written"/> are written, and the others' log is
    /// kept once (<see cref="WriteUnvoted"/>).
    /// </summary>
    private void SmoothedLogs(int j, int c, Span<double> row, ReadOnlySpan<double> unvoted, CentreRow centre, double strength, double denominator)
    {
        var written = Written(c);
        for (var i = 0; i < written.Count; i++) row[written[i]] = unvoted[i];
        _fill[j * _k + c] = unvoted[written.Count];
        foreach (var a in _votes[j]) row[a] = Math.Log((Count(j, a, c) + strength * centre.At(a)) / denominator);
    }

    /// <summary>
    /// Outcome probabilities of exclusive group g (members of class t): per class c, P(member i votes t | c) for each member
    /// and P(no member votes | c), hit side (c = t) and false-alarm side (c ≠ t), each the mean of its Dirichlet posterior
    /// with <c>smoothing</c> pseudo-rows spread like a single-class source's pooled rates (split evenly over the members).
    /// </summary>
    private (double[] Hits, double NoHit, double[] Alarms, double NoAlarm) GroupRates(int g)
    {
        var members = _members[g];
        var n = members.Length;
        var t = _single[members[0]];
        var s = _options.Smoothing;
        double alarmRows = 0;
        for (var c = 0; c < _k; c++)
            if (c != t) alarmRows += _classTotals[c];
        var hits = new double[n];
        var alarms = new double[n];
        double hitVotes = 0, alarmVotes = 0;
        for (var i = 0; i < n; i++)
        {
            for (var c = 0; c < _k; c++)
                if (c == t) hits[i] = Count(members[i], t, c);
                else alarms[i] += Count(members[i], t, c);
            hitVotes += hits[i];
            alarmVotes += alarms[i];
        }
        for (var i = 0; i < n; i++)
        {
            hits[i] = (hits[i] + s * _centreHit / n) / (_classTotals[t] + s);
            alarms[i] = (alarms[i] + s * _centreFalseAlarm / n) / (alarmRows + s);
        }
        var noHit = (Math.Max(0, _classTotals[t] - hitVotes) + s * (1 - _centreHit)) / (_classTotals[t] + s);
        var noAlarm = (Math.Max(0, alarmRows - alarmVotes) + s * (1 - _centreFalseAlarm)) / (alarmRows + s);
        return (hits, noHit, alarms, noAlarm);
    }

    /// <summary>Writes exclusive group g's confusion rows: a member's row holds its vote, the unseen votes and the group's no-vote probability.</summary>
    private void SetGroupRows(int g)
    {
        int k = _k, width = _width;
        var members = _members[g];
        var t = _single[members[0]];
        var (hits, noHit, alarms, noAlarm) = GroupRates(g);
        var kept = 1 - members.Length * (k - 1) * Unseen;
        for (var i = 0; i < members.Length; i++)
        for (var c = 0; c < k; c++)
        {
            var row = _logConfusion.AsSpan((members[i] * k + c) * width, width);
            WriteUnvoted(members[i], c, row, LogUnseen);
            row[t] = Math.Log(kept * (c == t ? hits[i] : alarms[i]));
            row[k] = Math.Log(kept * (c == t ? noHit : noAlarm));
        }
    }

    /// <summary>The centre of derived source j's keep rates: the share of its parent's votes it repeats.</summary>
    private double KeepCentre(int j)
    {
        // Over the votes each casts: a vote never cast counts 0, and adding 0 leaves a sum of counts as it was.
        double kept = 0, offered = 0;
        foreach (var a in _votes[j])
            for (var c = 0; c < _k; c++) kept += Count(j, a, c);
        foreach (var a in _votes[_parent[j]])
            for (var c = 0; c < _k; c++) offered += Count(_parent[j], a, c);
        return Math.Clamp(offered > 0 ? kept / offered : 0.5, Floor, 1 - Floor);
    }

    /// <summary>
    /// Derived source j's rows: keep[c, a] = P(j votes a | Y = c, parent votes a), the mean of its Beta posterior with
    /// <c>smoothing</c> pseudo-votes centred on the share of the parent's votes it repeats. Stored as logs in the k vote entries.
    /// </summary>
    private void SetKeepRows(int j)
    {
        var s = _options.Smoothing;
        var centre = KeepCentre(j);
        var p = _parent[j];
        // A vote the parent never casts has counts 0 in both, so one log (the votes outside Written, WriteUnvoted).
        var unvoted = Math.Log(s * centre / s);
        for (var c = 0; c < _k; c++)
        {
            var row = _logConfusion.AsSpan((j * _k + c) * _width, _width);
            WriteUnvoted(j, c, row, unvoted);
            foreach (var a in _votes[p]) row[a] = Math.Log((Count(j, a, c) + s * centre) / (Count(p, a, c) + s));
            row[_k] = 0;
        }
    }

    /// <summary>Log-probability that derived source j does not repeat its parent's vote a on a row of class c.</summary>
    private double LogDrop(int j, int c, int a) => Math.Log(1 - Math.Exp(_logConfusion[(j * _k + c) * _width + a]));

    /// <summary>Posteriors from the current parameters; returns the log-likelihood of the votes.</summary>
    private double ExpectationStep()
    {
        int k = _k, width = _width;
        Span<double> baseScore = stackalloc double[k];
        for (var c = 0; c < k; c++)
        {
            baseScore[c] = Math.Log(Prior[c]);
            for (var j = 0; j < _m; j++)
                if (CarriesAbstain(j)) baseScore[c] += _weight[j] * _logConfusion[(j * k + c) * width + k];
        }
        var ll = 0.0;
        for (var t = 0; t < _patterns.Count; t++)
        {
            var scores = _q.AsSpan(t * k, k);
            baseScore.CopyTo(scores);
            var (start, end) = _patterns.Range(t);
            for (var v = start; v < end; v++)
            {
                var j = _patterns.Lfs[v];
                var at = j * k * width;
                var a = _patterns.Labels[v];
                var w = _weight[j];
                if (_parent[j] >= 0)
                    // Repeating the parent's vote; the parent's entry below already holds the log of not repeating it.
                    for (var c = 0; c < k; c++) scores[c] += w * (_logConfusion[at + c * width + a] - LogDrop(j, c, a));
                else if (_outcome[j])
                    for (var c = 0; c < k; c++) scores[c] += w * (_logConfusion[at + c * width + a] - _logConfusion[at + c * width + k]);
                else
                    for (var c = 0; c < k; c++) scores[c] += w * _logConfusion[at + c * width + a];
                foreach (var b in _children[j])
                    for (var c = 0; c < k; c++) scores[c] += _weight[b] * LogDrop(b, c, a);
            }
            // A labelled row contributes the log of P(its gold class, its votes); an unlabelled one the log of P(its votes).
            var gold = _patterns.Clamp(t);
            var joint = gold >= 0 ? scores[gold] : 0;
            var evidence = Numerics.LogSoftmaxInPlace(scores);
            ll += _patterns.Counts[t] * (gold >= 0 ? joint : evidence);
            for (var c = 0; c < k; c++) scores[c] = Math.Exp(scores[c]);
            ClampToGold(t, scores);
        }
        return ll;
    }

    /// <summary>
    /// Log-density (up to constants) of the Dirichlet priors at the current parameters, each source's term weighted like
    /// its likelihood factor (so that the M-step of a weighted source is the unweighted one and EM stays monotone).
    /// </summary>
    private double LogPriorDensity()
    {
        var sum = 0.0;
        if (_learnPrior)
            for (var c = 0; c < _k; c++) sum += Math.Log(Prior[c]);
        for (var j = 0; j < _m; j++) sum += _weight[j] * SourceLogPriorDensity(j);
        return sum;
    }

    private double SourceLogPriorDensity(int j)
    {
        int k = _k, width = _width;
        var s = _options.Smoothing;
        var sum = 0.0;
        if (_parent[j] >= 0)
        {
            var centre = KeepCentre(j);
            for (var c = 0; c < k; c++)
            {
                var unvoted = _fill[j * k + c];
                var terms = new KeepTerms(s, centre, _logConfusion, (j * k + c) * width, unvoted);
                sum = AddRowTerms(sum, c, terms.Unvoted, terms);
            }
            return sum;
        }
        if (_group[j] >= 0)
        {
            if (_members[_group[j]][0] != j) return 0;
            var (hits, noHit, alarms, noAlarm) = GroupRates(_group[j]);
            var n = hits.Length;
            for (var i = 0; i < n; i++)
                sum += s * (_centreHit / n * Math.Log(hits[i]) + _centreFalseAlarm / n * Math.Log(alarms[i]));
            return sum + s * ((1 - _centreHit) * Math.Log(noHit) + (1 - _centreFalseAlarm) * Math.Log(noAlarm));
        }
        if (_single[j] >= 0)
        {
            var (hit, falseAlarm) = Rates(j);
            sum += s * (_centreHit * Math.Log(hit) + (1 - _centreHit) * Math.Log(1 - hit));
            sum += s * (_centreFalseAlarm * Math.Log(falseAlarm) + (1 - _centreFalseAlarm) * Math.Log(1 - falseAlarm));
            return sum;
        }
        if (_oneCoin[j])
        {
            var accuracy = Math.Exp(_logConfusion[j * k * width]) / (_outcome[j] ? 1 - Math.Exp(_logConfusion[j * k * width + k]) : 1);
            sum += _coinStrength * (_centreAccuracy * Math.Log(accuracy) + (1 - _centreAccuracy) * Math.Log(1 - accuracy));
            if (_outcome[j])
                for (var c = 0; c < k; c++)
                {
                    var abstain = Math.Exp(_logConfusion[(j * k + c) * width + k]);
                    sum += s * ((1 - _centreCoverage[c]) * Math.Log(abstain) + _centreCoverage[c] * Math.Log(1 - abstain));
                }
            return sum;
        }
        for (var c = 0; c < k; c++)
        {
            var row = _logConfusion.AsSpan((j * k + c) * width, width);
            if (_outcome[j])
            {
                sum = AddRowDensity(sum, j, c, new CentreRow(_centreOutcomes, c * width, c, false, 0, 0), s);
                sum += s * _centreOutcomes[c * width + k] * row[k];
            }
            else sum = AddRowDensity(sum, j, c, RowCentre(j, c), _rowStrength[c]);
        }
        return sum;
    }

    /// <summary>
    /// EM finds the latent classes only up to their names. Renames them (prior, confusion rows, posteriors) so that
    /// sources agree most with the classes they vote: the permutation σ maximising Σ_c Σ_j n_j[vote σ(c), class c]
    /// (Hungarian method). A prior that was given only allows swaps among classes of equal prior.
    /// </summary>
    private void FixLabelPermutation()
    {
        if (_patterns.HasClamps) return; // gold rows name the classes
        var k = _k;
        CountVotes();
        var agreement = new double[k * k]; // [vote a, latent class c]
        for (var j = 0; j < _m; j++)
        foreach (var a in _votes[j])
        for (var c = 0; c < k; c++)
            agreement[a * k + c] += _weight[j] * Count(j, a, c);
        var target = Enumerable.Range(0, k).ToArray(); // latent class c becomes class target[c]
        var groups = _learnPrior
            ? [Enumerable.Range(0, k).ToArray()]
            : Enumerable.Range(0, k).GroupBy(c => Math.Round(Prior[c], 3)).Select(g => g.ToArray()).ToArray();
        foreach (var group in groups)
        {
            if (group.Length == 1) continue;
            var n = group.Length;
            var cost = new double[n * n]; // row: latent class, column: new name
            for (var x = 0; x < n; x++)
            for (var y = 0; y < n; y++)
                cost[x * n + y] = -agreement[group[y] * k + group[x]];
            var assignment = Numerics.MinCostAssignment(cost, n);
            for (var x = 0; x < n; x++) target[group[x]] = group[assignment[x]];
        }
        if (target.Select((t, c) => t == c).All(same => same)) return;
        var prior = new double[k];
        for (var c = 0; c < k; c++) prior[target[c]] = Prior[c];
        Prior = prior;
        // Row by row along the permutation's cycles, not through a copy of every source's rows (m × k × (k + 1)).
        var from = new int[k];
        for (var c = 0; c < k; c++) from[target[c]] = c;
        var carried = new double[_width];
        for (var j = 0; j < _m; j++)
        {
            var rows = _logConfusion.AsSpan(j * k * _width, k * _width);
            var moved = new bool[k];
            for (var start = 0; start < k; start++)
            {
                if (moved[start] || from[start] == start) continue;
                rows.Slice(start * _width, _width).CopyTo(carried);
                var at = start;
                for (var next = from[at]; next != start; at = next, next = from[at])
                {
                    rows.Slice(next * _width, _width).CopyTo(rows.Slice(at * _width, _width));
                    moved[at] = true;
                }
                carried.CopyTo(rows.Slice(at * _width, _width));
                moved[at] = true;
            }
        }
        var row = new double[k];
        for (var t = 0; t < _patterns.Count; t++)
        {
            _q.AsSpan(t * k, k).CopyTo(row);
            for (var c = 0; c < k; c++) _q[t * k + target[c]] = row[c];
        }
    }
}

/// <summary>
/// A fitted Dawid–Skene model: <c>P(Y = c | row) ∝ p_c Π_{j voted} π_j[c, L_j] · Π_{j ∈ O} π_j[c, L_j or abstain]</c>,
/// where O is the set of sources whose abstains are outcomes (all of them with <c>abstain vote</c>; else the LFs that vote
/// some classes but not all, one class included): a row where every source abstained gets the prior times O's abstain probabilities.
/// </summary>
public sealed class DawidSkeneModel : LogLinearModel
{
    private readonly double[] _confusion;
    private readonly bool[] _outcome;
    private readonly double[] _weights;
    private readonly int[][] _groups;
    private readonly DerivedSources _derived;

    internal DawidSkeneModel(LabelSchema schema, IReadOnlyList<string> lfNames, IReadOnlyList<double> prior, double[] confusion, bool[] abstainIsOutcome,
        double[] weights, AbstainMode abstain, IterativeFit? fit, MajorityVoteGuard? guard = null, int[][]? groups = null, DerivedSources? derived = null)
        : this(schema, lfNames, prior, confusion, abstainIsOutcome, weights, abstain, fit, guard, groups ?? [],
            derived ?? DerivedSources.None(lfNames.Count), AbstainLogs(confusion, abstainIsOutcome, groups ?? [], schema.Cardinality), null)
    {
    }

    /// <summary>The model; <paramref name="table"/>, when given, is the score table of a model of the same sources (their prior aside).</summary>
    private DawidSkeneModel(LabelSchema schema, IReadOnlyList<string> lfNames, IReadOnlyList<double> prior, double[] confusion, bool[] abstainIsOutcome,
        double[] weights, AbstainMode abstain, IterativeFit? fit, MajorityVoteGuard? guard, int[][] groups, DerivedSources derived, double[] abstainLogs, double[]? table)
        : base(schema, lfNames, prior, table ?? Table(confusion, abstainLogs, weights, derived, schema.Cardinality), BaseScores(abstainLogs, weights, groups, schema.Cardinality))
    {
        _confusion = confusion;
        _outcome = abstainIsOutcome;
        _weights = weights;
        _groups = groups;
        _derived = derived;
        Abstain = abstain;
        FitInfo = fit;
        GuardCheck = guard;
    }

    // The same sources keep their score table (m × k², a second copy of it over thousands of classes).
    internal DawidSkeneModel WithGuard(MajorityVoteGuard guard) => Alike(ClassPrior, guard);

    private DawidSkeneModel Alike(IReadOnlyList<double> prior, MajorityVoteGuard? guard, (double, double)? readOtherwise = null)
        => new(Schema, LfNames, prior, _confusion, _outcome, _weights, Abstain, FitInfo, guard, _groups, _derived, AbstainLogs(_confusion, _outcome, _groups, Schema.Cardinality), ScoreTable)
        {
            ReadOtherwise = readOtherwise ?? ReadOtherwise,
        };

    /// <summary>The same model, with what <see cref="ReadOtherwise"/> records.</summary>
    internal DawidSkeneModel ReadOtherwiseBy(double agreement, double outsideShare) => Alike(ClassPrior, GuardCheck, (agreement, outsideShare));

    /// <summary>The same sources under another class prior.</summary>
    internal DawidSkeneModel WithPrior(double[] prior) => Alike(prior, GuardCheck);

    /// <summary>Per class c: the log-probability that no source votes on a row of class c.</summary>
    internal double[] SilentLogLikelihood()
        => BaseScores(AbstainLogs(_confusion, _outcome, _groups, Schema.Cardinality), _weights, _groups, Schema.Cardinality);

    /// <summary>Whether a row no source votes on gets the same probability for every class (within 1e-9), as under majority vote.</summary>
    internal bool LeavesSilentRowsUndecided()
    {
        var scores = SilentRowScores;
        var top = double.NegativeInfinity;
        foreach (var s in scores) top = Math.Max(top, s);
        double total = 0, least = double.PositiveInfinity;
        foreach (var s in scores)
        {
            total += Math.Exp(s - top);
            least = Math.Min(least, Math.Exp(s - top));
        }
        return (1 - least) / total <= 1e-9;
    }

    /// <summary>The parent of a derived source (<c>--derived given</c>: every vote of it was the parent's vote on the training rows), or -1.</summary>
    public int DerivedParent(int lf) => _derived.Parent[lf];

    /// <summary>For a derived source: <c>P(it votes <paramref name="vote"/> | Y = <paramref name="cls"/>, its parent votes <paramref name="vote"/>)</c>.</summary>
    public double Keep(int lf, int cls, int vote)
    {
        if (_derived.Parent[lf] < 0) throw new ArgumentOutOfRangeException(nameof(lf), lf, $"LF {lf} is not a derived source in this model");
        var k = Schema.Cardinality;
        return _derived.Keep[lf]![cls * k + vote];
    }

    /// <summary>
    /// The groups of single-class sources of one class that never voted together on the training rows (<c>--exclusive group</c>):
    /// each group is one source whose outcome is which member voted, so <c>P(row | Y = c)</c> has one factor per group,
    /// <c>P(member i votes | c)</c> or <c>1 − Σ_i P(member i votes | c)</c> when none did.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<int>> ExclusiveGroups => _groups;

    /// <inheritdoc />
    public override string Name => DawidSkeneTrainer.ModelName;

    /// <summary>The abstain option the model was fitted with.</summary>
    public AbstainMode Abstain { get; }

    /// <summary>How EM ended (null for a model file that does not record it).</summary>
    public IterativeFit? FitInfo { get; }

    /// <summary>The check against majority vote (null when it did not run: <c>guard none</c>, fewer than two folds of sources, or an older file).</summary>
    public MajorityVoteGuard? GuardCheck { get; }

    /// <summary>
    /// Where the rows fire together and the row-activity family reads the votes otherwise than this fit: the family's
    /// agreement with it and the share of the rows with votes it labels against all of them (null otherwise, and in a
    /// loaded model: set by the trainer for <c>auto</c>, not saved).
    /// </summary>
    internal (double Agreement, double OutsideShare)? ReadOtherwise { get; private init; }

    /// <summary>True when source <paramref name="lf"/>'s abstains are outcomes of its confusion matrix (else missing observations).</summary>
    public bool AbstainIsOutcome(int lf) => _outcome[lf];

    /// <summary>
    /// The weight of source <paramref name="lf"/>'s factor in the posterior: 1/g when it was one of g sources with identical
    /// votes on every training row (so that the group counts once), else 1.
    /// </summary>
    public double SourceWeight(int lf) => _weights[lf];

    /// <summary>
    /// π_j[c, a] = P(L_j = a | Y = c). For a source whose abstains are outcomes, <paramref name="vote"/> = -1 gives the
    /// probability of abstaining; for the others the probabilities are those of the votes given that the source voted. For a
    /// derived source (<see cref="DerivedParent"/>) this is implied by its keep rates and its parent's row and is for reading:
    /// its factor in the posterior is <see cref="Keep"/>.
    /// </summary>
    public double Confusion(int lf, int cls, int vote)
    {
        var k = Schema.Cardinality;
        if (vote < 0 && !_outcome[lf]) throw new ArgumentOutOfRangeException(nameof(vote), vote, $"LF {lf}'s abstains are missing observations in this model");
        return _confusion[(lf * k + cls) * (k + 1) + (vote < 0 ? k : vote)];
    }

    private static double[] Table(double[] confusion, double[] abstain, double[] weights, DerivedSources derived, int k)
    {
        var m = weights.Length;
        var table = new double[m * k * k];
        for (var j = 0; j < m; j++)
        {
            var parent = derived.Parent[j];
            // Along a confusion row (class c, every vote a) the logs repeat; across the rows, seldom.
            var logs = new RepeatedLog();
            for (var c = 0; c < k; c++)
            for (var a = 0; a < k; a++)
            {
                if (parent < 0)
                {
                    table[(j * k + a) * k + c] += weights[j] * (logs.Of(confusion[(j * k + c) * (k + 1) + a]) - abstain[j * k + c]);
                    continue;
                }
                // A derived source b repeats its parent's vote a with probability keep[c, a]: where the parent votes a the
                // factor is 1 − keep (held in the parent's entry), and where b votes too, keep (b's entry holds the ratio).
                var keep = derived.Keep[j]![c * k + a];
                var drop = Math.Log(1 - keep);
                table[(j * k + a) * k + c] += weights[j] * (Math.Log(keep) - drop);
                table[(parent * k + a) * k + c] += weights[j] * drop;
            }
        }
        return table;
    }

    private static double[] BaseScores(double[] abstain, double[] weights, int[][] groups, int k)
    {
        var scores = new double[k];
        var counted = new bool[weights.Length];
        foreach (var group in groups)
            for (var i = 1; i < group.Length; i++) counted[group[i]] = true; // a group's abstain term enters once
        for (var c = 0; c < k; c++)
            for (var j = 0; j < weights.Length; j++)
                if (!counted[j]) scores[c] += weights[j] * abstain[j * k + c];
        return scores;
    }

    /// <summary>
    /// Per (source, class): the log-probability of the source's abstain outcome (0 when abstains are missing); for a group
    /// member, of no member voting, <c>1 − Σ_i (1 − π_i[c, abstain])</c>.
    /// </summary>
    private static double[] AbstainLogs(double[] confusion, bool[] outcome, int[][] groups, int k)
    {
        var m = outcome.Length;
        var logs = new double[m * k];
        for (var j = 0; j < m; j++)
        for (var c = 0; c < k; c++)
            logs[j * k + c] = outcome[j] ? Math.Log(confusion[(j * k + c) * (k + 1) + k]) : 0;
        foreach (var group in groups)
            for (var c = 0; c < k; c++)
            {
                var none = 1.0;
                foreach (var j in group) none -= 1 - confusion[(j * k + c) * (k + 1) + k];
                foreach (var j in group) logs[j * k + c] = Math.Log(none);
            }
        return logs;
    }

    /// <inheritdoc />
    public override JsonObject SaveParameters()
    {
        var json = new JsonObject
        {
            ["abstain"] = DawidSkeneOptions.Spelling(Abstain),
            ["abstain_is_outcome"] = new JsonArray(_outcome.Select(o => (JsonNode)o).ToArray()),
            ["confusion"] = Parameters.ToJson(_confusion, Schema.Cardinality + 1),
        };
        if (_weights.Any(w => w != 1)) json["weights"] = new JsonArray(_weights.Select(w => (JsonNode)w).ToArray());
        if (FitInfo is not null) json["fit"] = FitInfo.ToJson();
        if (GuardCheck is not null) json["guard"] = GuardCheck.ToJson();
        if (_groups.Length > 0) json["exclusive_groups"] = new JsonArray(_groups.Select(g => (JsonNode)new JsonArray(g.Select(j => (JsonNode)j).ToArray())).ToArray());
        if (_derived.Any) json["derived"] = _derived.ToJson(Schema.Cardinality);
        return json;
    }

    internal static DawidSkeneModel Load(LabelSchema schema, IReadOnlyList<string> lfNames, IReadOnlyList<double> prior, JsonObject parameters)
    {
        var k = schema.Cardinality;
        var m = lfNames.Count;
        var confusion = Parameters.Matrix(parameters, "confusion", m * k, k + 1, 0, 1);
        AbstainMode abstain;
        bool[] outcome;
        if (parameters["abstain"] is null)
        {
            // Files written before the abstain option: every abstain an outcome.
            abstain = AbstainMode.Vote;
            outcome = Enumerable.Repeat(true, m).ToArray();
        }
        else
        {
            abstain = parameters["abstain"] is JsonValue v && v.TryGetValue<string>(out var text) && text is "vote" or "missing"
                ? text == "vote" ? AbstainMode.Vote : AbstainMode.Missing
                : throw new SnorkelerException("parameter 'abstain' must be \"missing\" or \"vote\"");
            outcome = parameters["abstain_is_outcome"] is JsonArray flags && flags.Count == m && flags.All(f => f is JsonValue b && b.TryGetValue<bool>(out _))
                ? flags.Select(f => f!.GetValue<bool>()).ToArray()
                : throw new SnorkelerException($"parameter 'abstain_is_outcome' must be {m} true/false values");
        }
        for (var j = 0; j < m; j++)
        {
            var rows = confusion.AsSpan(j * k * (k + 1), k * (k + 1)).ToArray();
            if (outcome[j]) Parameters.CheckDistributions(rows, k + 1, "confusion");
            else
            {
                for (var c = 0; c < k; c++)
                    if (rows[c * (k + 1) + k] != 0) throw new SnorkelerException($"parameter 'confusion': LF {j}'s abstains are missing observations, so its abstain probabilities must be 0");
                Parameters.CheckDistributions(Enumerable.Range(0, k).SelectMany(c => rows.Skip(c * (k + 1)).Take(k)).ToArray(), k, "confusion");
            }
        }
        // Files without weights (older versions, or no identical sources): every source weighs 1.
        var weights = parameters["weights"] is null
            ? Enumerable.Repeat(1.0, m).ToArray()
            : parameters["weights"] is JsonArray w && w.Count == m && w.All(x => x is JsonValue v && v.TryGetValue<double>(out var d) && d > 0 && d <= 1)
                ? w.Select(x => x!.GetValue<double>()).ToArray()
                : throw new SnorkelerException($"parameter 'weights' must be {m} numbers in (0, 1]");
        var groups = LoadGroups(parameters["exclusive_groups"], confusion, outcome, weights, k);
        var derived = DerivedSources.FromJson(parameters["derived"], m, k);
        foreach (var j in Enumerable.Range(0, m).Where(j => derived.Parent[j] >= 0))
            if (outcome[j] || groups.Any(g => g.Contains(j))) throw new SnorkelerException($"parameter 'derived': source {j} is derived, so its abstains cannot be outcomes nor can it be in an exclusive group");
        return new DawidSkeneModel(schema, lfNames, prior, confusion, outcome, weights, abstain, IterativeFit.FromJson(parameters["fit"]), MajorityVoteGuard.FromJson(parameters["guard"]), groups, derived);
    }

    /// <summary>Reads and checks <c>exclusive_groups</c>: disjoint lists of at least two sources whose abstains are outcomes, weight 1, and whose voting probabilities per class sum below 1.</summary>
    private static int[][] LoadGroups(JsonNode? node, double[] confusion, bool[] outcome, double[] weights, int k)
    {
        if (node is null) return [];
        var m = outcome.Length;
        const string shape = "parameter 'exclusive_groups' must be lists of at least two distinct source indices";
        if (node is not JsonArray array) throw new SnorkelerException(shape);
        var seen = new bool[m];
        var groups = new int[array.Count][];
        for (var g = 0; g < array.Count; g++)
        {
            if (array[g] is not JsonArray members || members.Count < 2) throw new SnorkelerException(shape);
            groups[g] = new int[members.Count];
            for (var i = 0; i < members.Count; i++)
            {
                if (members[i] is not JsonValue v || !v.TryGetValue<int>(out var j) || j < 0 || j >= m) throw new SnorkelerException($"{shape} (0..{m - 1})");
                if (seen[j]) throw new SnorkelerException($"parameter 'exclusive_groups': source {j} is in more than one group, or twice in one");
                if (!outcome[j] || weights[j] != 1) throw new SnorkelerException($"parameter 'exclusive_groups': source {j} must have abstains as outcomes and weight 1");
                seen[j] = true;
                groups[g][i] = j;
            }
            for (var c = 0; c < k; c++)
            {
                var voting = groups[g].Sum(j => 1 - confusion[(j * k + c) * (k + 1) + k]);
                if (!(voting < 1)) throw new SnorkelerException($"parameter 'exclusive_groups': group {g}'s voting probabilities for class {c} sum to {voting.ToString("G6", CultureInfo.InvariantCulture)}, not below 1");
            }
        }
        return groups;
    }
}

/// <summary>
/// Dawid–Skene's derived sources: per source its parent (-1 for a source modelled on its own) and, k × k, its keep rates
/// <c>P(source votes a | Y = c, parent votes a)</c> at (c, a).
/// </summary>
/// <param name="Parent">Per source: its parent, or -1.</param>
/// <param name="Keep">Per source: its keep rates, null for a source without a parent (m × k × k in all took 300 MB at 1,000 classes).</param>
internal sealed record DerivedSources(int[] Parent, double[]?[] Keep)
{
    public static DerivedSources None(int m) => new(Enumerable.Repeat(-1, m).ToArray(), new double[]?[m]);

    public bool Any => Parent.Any(p => p >= 0);

    public JsonArray ToJson(int k) => new(Enumerable.Range(0, Parent.Length).Where(j => Parent[j] >= 0)
        .Select(j => (JsonNode)new JsonObject
        {
            ["lf"] = j,
            ["parent"] = Parent[j],
            ["keep"] = Parameters.ToJson(Keep[j]!, k),
        }).ToArray());

    /// <summary>Reads <c>derived</c> (absent: none) and checks it: parents in range, no source its own ancestor, keep rates in (0, 1).</summary>
    public static DerivedSources FromJson(JsonNode? node, int m, int k)
    {
        var derived = None(m);
        if (node is null) return derived;
        const string shape = "parameter 'derived' must be a list of {lf, parent, keep}";
        if (node is not JsonArray array) throw new SnorkelerException(shape);
        foreach (var item in array)
        {
            if (item is not JsonObject entry) throw new SnorkelerException(shape);
            var lf = entry["lf"] is JsonValue l && l.TryGetValue<int>(out var x) && x >= 0 && x < m ? x : throw new SnorkelerException($"{shape}: lf must be 0..{m - 1}");
            var parent = entry["parent"] is JsonValue p && p.TryGetValue<int>(out var y) && y >= 0 && y < m && y != lf ? y : throw new SnorkelerException($"{shape}: parent must be 0..{m - 1}, not the lf itself");
            if (derived.Parent[lf] >= 0) throw new SnorkelerException($"parameter 'derived': source {lf} is listed twice");
            derived.Parent[lf] = parent;
            var keep = Parameters.Matrix(new JsonObject { ["keep"] = entry["keep"]?.DeepClone() }, "keep", k, k, 0, 1);
            if (keep.Any(v => !(v > 0 && v < 1))) throw new SnorkelerException($"parameter 'derived': source {lf}'s keep rates must lie strictly between 0 and 1");
            derived.Keep[lf] = keep;
        }
        for (var j = 0; j < m; j++)
        {
            var steps = 0;
            for (var a = derived.Parent[j]; a >= 0; a = derived.Parent[a])
                if (++steps > m) throw new SnorkelerException($"parameter 'derived': source {j} is its own ancestor");
        }
        return derived;
    }
}

/// <summary>
/// The distinct vote patterns of a matrix with their row counts, in first-seen order (deterministic). A
/// pattern is the list of (source, label) votes present, read with <see cref="LabelMatrix.CopyVotes"/>, so
/// reading costs the votes present, not rows × sources.
/// </summary>
internal sealed class VotePatterns
{
    private readonly List<int> _starts = [0];

    public List<int> Lfs { get; } = [];
    public List<int> Labels { get; } = [];
    public List<long> Counts { get; } = [];
    public long Rows { get; private set; }
    public int Count => Counts.Count;

    /// <summary>Total votes over the distinct patterns (each pattern once).</summary>
    public int Votes => Lfs.Count;

    public (int Start, int End) Range(int pattern) => (_starts[pattern], _starts[pattern + 1]);

    /// <summary>
    /// The votes as a matrix of at most <paramref name="maxRows"/> rows, pattern by pattern, each pattern in proportion to
    /// its count (every row when there are no more): the rows a held-out comparison needs, without reading the source again.
    /// </summary>
    public LabelMatrix ToMatrix(LabelSchema schema, IReadOnlyList<string> lfNames, int maxRows)
    {
        var rows = (int)Math.Min(Rows, maxRows);
        var columns = Enumerable.Range(0, lfNames.Count).Select(_ => new sbyte[rows]).ToArray();
        foreach (var column in columns) Array.Fill(column, (sbyte)LabelSchema.Abstain);
        long seen = 0;
        var row = 0;
        for (var t = 0; t < Count; t++)
        {
            // rows of pattern t: the share of the first `rows` evenly spaced rows that fall in its span of the counts
            var end = (int)((seen + Counts[t]) * rows / Rows);
            var (start, stop) = Range(t);
            for (; row < end; row++)
                for (var v = start; v < stop; v++) columns[Lfs[v]][row] = (sbyte)Labels[v];
            seen += Counts[t];
        }
        return LabelMatrix.FromColumns(schema, lfNames, columns, rows);
    }

    private readonly List<int> _clamps = [];

    /// <summary>The gold class a pattern's rows are clamped to (labelled rows of a semi-supervised fit), or -1.</summary>
    public int Clamp(int pattern) => _clamps[pattern];

    /// <summary>Whether any pattern is clamped to a gold class.</summary>
    public bool HasClamps { get; private set; }

    /// <summary>Rows clamped to a gold class.</summary>
    public long ClampedRows => Enumerable.Range(0, Count).Where(t => _clamps[t] >= 0).Sum(t => Counts[t]);

    /// <summary>Sources (columns) of the matrix the patterns were read from.</summary>
    public int LfCount { get; private init; }

    /// <summary>
    /// Per source: true for a person (<see cref="SourceKind.Annotator"/>), whose -1 means the row was not shown to them. A
    /// person is never read as a single-class rule, a group of rules or a rule derived from another: which rows they were
    /// asked, and so which classes and partners their few answers happen to show, is chance.
    /// </summary>
    public bool[] Annotator { get; private set; } = [];

    /// <summary>True when every source is a person.</summary>
    public bool AllPeople => Array.TrueForAll(Annotator, x => x);

    /// <summary>Reads every source as a person (<see cref="Crowd.CrowdRecognition"/> found the matrix to be people's answers).</summary>
    public void ReadAsPeople() => Array.Fill(Annotator, true);

    /// <summary>The share of votes that agree with majority vote (ties sharing), over all rows: the pooled one-coin accuracy of majority vote's model.</summary>
    public double MajorityVoteAgreement(int k)
    {
        double agree = 0, votes = 0;
        ForEachMajority(k, (t, counts, max, tied) =>
        {
            var (start, end) = Range(t);
            for (var v = start; v < end; v++) agree += Counts[t] * (counts[Labels[v]] == max ? 1.0 / tied : 0);
            votes += Counts[t] * (end - start);
        });
        return votes > 0 ? agree / votes : 1.0 / k;
    }

    /// <summary>The add-one-smoothed frequencies of majority vote's labels (ties sharing) over the rows with votes: <see cref="ClassPrior.FromMajorityVote"/> from the patterns.</summary>
    public double[] MajorityVoteBalance(int k)
    {
        var labelled = new double[k];
        ForEachMajority(k, (t, counts, max, tied) =>
        {
            for (var c = 0; c < k; c++) if (counts[c] == max) labelled[c] += (double)Counts[t] / tied;
        });
        var total = labelled.Sum() + k;
        return labelled.Select(c => (c + 1) / total).ToArray();
    }

    /// <summary>Per pattern with votes, in order: its votes per class, the largest of them and how many classes have it.</summary>
    private void ForEachMajority(int k, Action<int, double[], double, int> visit)
    {
        var counts = new double[k];
        for (var t = 0; t < Count; t++)
        {
            var (start, end) = Range(t);
            if (start == end) continue;
            Array.Clear(counts);
            for (var v = start; v < end; v++) counts[Labels[v]]++;
            var max = counts.Max();
            visit(t, counts, max, counts.Count(x => x == max));
        }
    }

    /// <summary>Votes cast by each source over all rows.</summary>
    public double[] VotesPerSource()
    {
        var votes = new double[LfCount];
        for (var t = 0; t < Count; t++)
        {
            var (start, end) = Range(t);
            for (var v = start; v < end; v++) votes[Lfs[v]] += Counts[t];
        }
        return votes;
    }

    /// <summary>How many different classes get a vote from any source on these rows.</summary>
    public int ClassesVotedByAny(int k)
    {
        var voted = new bool[k];
        foreach (var a in Labels) voted[a] = true;
        return voted.Count(v => v);
    }

    /// <summary>How many different classes source <paramref name="lf"/> ever voted.</summary>
    public int ClassesVoted(int lf, int k)
    {
        CountClasses(k);
        return _classesVoted![lf];
    }

    /// <summary>The class a source that votes exactly one class votes (for others: one of the classes it votes, or -1).</summary>
    public int OnlyClass(int lf, int k)
    {
        CountClasses(k);
        return _someClass![lf];
    }

    private int[]? _classesVoted;
    private int[]? _someClass;

    /// <summary>The fewest votes a source voting as all sources together do would have cast for the classes it never votes, for those gaps to be its own.</summary>
    private const double MinMissedVotes = 10;

    /// <summary>
    /// Whether source <paramref name="lf"/> leaves classes out by design rather than by chance: the classes it never votes
    /// carry a share q of all sources' votes, and in its n votes a source voting as they all do would have cast n·q of them,
    /// here at least <see cref="MinMissedVotes"/> (a gap by chance is then below e^-10). A keyword rule for 3 of 20 topics
    /// leaves the others out by design; a worker's 20 answers on 3 classes can miss one by chance.
    /// </summary>
    public bool LeavesClassesOut(int lf, int k)
    {
        if (_leftOut is null)
        {
            var shares = new double[k]; // each class's share of all votes
            for (var t = 0; t < Count; t++)
            {
                var (start, end) = Range(t);
                for (var v = start; v < end; v++) shares[Labels[v]] += Counts[t];
            }
            var all = shares.Sum();
            var covered = new double[LfCount]; // per source: the share of the classes it votes, each once
            var seen = new HashSet<long>();
            for (var v = 0; v < Lfs.Count; v++)
                if (seen.Add((long)Lfs[v] * k + Labels[v])) covered[Lfs[v]] += shares[Labels[v]] / all;
            var cast = VotesPerSource();
            _leftOut = Enumerable.Range(0, LfCount).Select(j => cast[j] * (1 - covered[j]) >= MinMissedVotes).ToArray();
        }
        return _leftOut[lf];
    }

    private bool[]? _leftOut;

    /// <summary>
    /// Per source: 1/g when g sources (itself included) have identical columns — the same label on the same rows,
    /// abstaining on the others — else 1 (also for sources that never voted). O(votes).
    /// </summary>
    public double[] CopyWeights()
    {
        var columns = new List<long>[LfCount];
        for (var j = 0; j < LfCount; j++) columns[j] = [];
        for (var t = 0; t < Count; t++)
        {
            var (start, end) = Range(t);
            for (var v = start; v < end; v++) columns[Lfs[v]].Add(((long)t << 24) | (uint)Labels[v]);
        }
        var weights = new double[LfCount];
        Array.Fill(weights, 1.0);
        var groups = Enumerable.Range(0, LfCount).Where(j => columns[j].Count > 0)
            .GroupBy(j => columns[j], ColumnComparer.Instance);
        foreach (var group in groups)
        {
            var members = group.ToArray();
            foreach (var j in members) weights[j] = 1.0 / members.Length;
        }
        return weights;
    }

    /// <summary>
    /// Per source j, its parent: a source that voted, with the same label, on every row j voted on and on strictly more rows
    /// (so never an identical copy, and the relation has no cycles); among several, the one with the fewest votes, then the
    /// lowest index. -1 when there is none. Candidates start as the sources voting with j on its first row and only shrink,
    /// so the cost is about the votes times the few candidates left.
    /// </summary>
    public int[] Parents()
    {
        var m = LfCount;
        var votes = VotesPerSource();
        var candidates = new List<int>?[m];
        var seen = new bool[m];
        var mark = new int[m];
        Array.Fill(mark, -1);
        for (var t = 0; t < Count; t++)
        {
            var (start, end) = Range(t);
            for (var v = start; v < end; v++) mark[Lfs[v]] = Labels[v];
            for (var v = start; v < end; v++)
            {
                var j = Lfs[v];
                var a = Labels[v];
                if (!seen[j])
                {
                    seen[j] = true;
                    if (Annotator[j]) continue;
                    for (var u = start; u < end; u++)
                        if (Lfs[u] != j && !Annotator[Lfs[u]] && Labels[u] == a && votes[Lfs[u]] > votes[j]) (candidates[j] ??= []).Add(Lfs[u]);
                }
                else if (candidates[j] is { Count: > 0 } list) list.RemoveAll(p => mark[p] != a);
            }
            for (var v = start; v < end; v++) mark[Lfs[v]] = -1;
        }
        var parents = new int[m];
        for (var j = 0; j < m; j++)
            parents[j] = candidates[j] is { Count: > 0 } list ? list.OrderBy(p => votes[p]).ThenBy(p => p).First() : -1;
        return parents;
    }

    /// <summary>
    /// Groups of single-class sources (<paramref name="single"/>[j] their class, else -1) of one class that never vote on
    /// the same row, each of at least two sources: per class, sources by falling vote count join the first group none of
    /// whose members ever voted with them (first fit, deterministic). Copies (weight below 1) stay alone.
    /// </summary>
    public int[][] ExclusiveGroups(int[] single, double[] weight)
    {
        var fires = new long[LfCount];
        var together = new Dictionary<int, HashSet<int>>(); // source → the same-class single-class sources it ever voted with
        var present = new List<int>();
        for (var t = 0; t < Count; t++)
        {
            var (start, end) = Range(t);
            present.Clear();
            for (var v = start; v < end; v++)
            {
                var j = Lfs[v];
                if (single[j] < 0 || weight[j] != 1) continue;
                fires[j] += Counts[t];
                present.Add(j);
            }
            for (var x = 0; x < present.Count; x++)
            for (var y = x + 1; y < present.Count; y++)
                if (single[present[x]] == single[present[y]])
                {
                    Partners(present[x]).Add(present[y]);
                    Partners(present[y]).Add(present[x]);
                }
        }
        // Each group keeps the union of its members' partners, so a source is checked against a group in O(1).
        var groups = new List<(List<int> Members, HashSet<int> Partners)>();
        var order = Enumerable.Range(0, LfCount).Where(j => fires[j] > 0).OrderBy(j => single[j]).ThenByDescending(j => fires[j]).ThenBy(j => j);
        var first = 0; // the first group of the current class
        foreach (var j in order)
        {
            if (first < groups.Count && single[groups[first].Members[0]] != single[j]) first = groups.Count;
            var home = -1;
            for (var g = first; g < groups.Count && home < 0; g++)
                if (!groups[g].Partners.Contains(j)) home = g;
            if (home < 0)
            {
                groups.Add(([], []));
                home = groups.Count - 1;
            }
            groups[home].Members.Add(j);
            if (together.TryGetValue(j, out var partners)) groups[home].Partners.UnionWith(partners);
        }
        return groups.Where(g => g.Members.Count > 1).Select(g => g.Members.ToArray()).ToArray();

        HashSet<int> Partners(int source)
        {
            if (!together.TryGetValue(source, out var set)) together[source] = set = [];
            return set;
        }
    }

    private sealed class ColumnComparer : IEqualityComparer<List<long>>
    {
        public static readonly ColumnComparer Instance = new();
        public bool Equals(List<long>? x, List<long>? y) => x is not null && y is not null && CollectionsMarshal.AsSpan(x).SequenceEqual(CollectionsMarshal.AsSpan(y));
        public int GetHashCode(List<long> column)
        {
            var hash = new HashCode();
            foreach (var x in column) hash.Add(x);
            return hash.ToHashCode();
        }
    }

    private void CountClasses(int k)
    {
        if (_classesVoted is not null) return;
        var seen = new HashSet<long>();
        var classes = new int[LfCount];
        var some = new int[LfCount];
        Array.Fill(some, -1);
        for (var v = 0; v < Lfs.Count; v++)
            if (seen.Add((long)Lfs[v] * k + Labels[v]))
            {
                classes[Lfs[v]]++;
                some[Lfs[v]] = Labels[v];
            }
        _someClass = some;
        _classesVoted = classes;
    }

    public static VotePatterns Read(IMatrixSource source, CancellationToken cancellation) => Read(source, null, cancellation);

    /// <summary>
    /// The patterns of <paramref name="source"/>'s rows, then those of <paramref name="labelled"/>'s rows with a gold label,
    /// each clamped to it (<see cref="Clamp"/>; rows without one are left out, so that a fold of dev rows whose gold is hidden
    /// stays out of the fit). A clamped pattern is the votes and the gold class, so it never merges with an unlabelled row.
    /// </summary>
    public static VotePatterns Read(IMatrixSource source, IMatrixSource? labelled, CancellationToken cancellation)
    {
        var m = source.LfNames.Count;
        var patterns = new VotePatterns { LfCount = m, Annotator = source.SourceKinds.Select(kind => kind == SourceKind.Annotator).ToArray() };
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var lfs = new int[m];
        var labels = new int[m];
        var key = new char[3 * m + 1];
        void Add(LabelMatrix block, int i, int clamp)
        {
            var count = block.CopyVotes(i, lfs, labels);
            for (var v = 0; v < count; v++)
            {
                key[3 * v] = (char)(lfs[v] & 0xFFFF);
                key[3 * v + 1] = (char)(lfs[v] >> 16);
                key[3 * v + 2] = (char)labels[v];
            }
            key[3 * count] = (char)(clamp + 1);
            var text = new string(key, 0, 3 * count + 1);
            if (index.TryGetValue(text, out var t)) patterns.Counts[t]++;
            else
            {
                index[text] = patterns.Count;
                for (var v = 0; v < count; v++)
                {
                    patterns.Lfs.Add(lfs[v]);
                    patterns.Labels.Add(labels[v]);
                }
                patterns._starts.Add(patterns.Lfs.Count);
                patterns.Counts.Add(1);
                patterns._clamps.Add(clamp);
                if (clamp >= 0) patterns.HasClamps = true;
            }
        }
        foreach (var block in source.ReadBlocks())
        {
            cancellation.ThrowIfCancellationRequested();
            for (var i = 0; i < block.RowCount; i++) Add(block, i, -1);
            patterns.Rows += block.RowCount;
        }
        if (labelled is null) return patterns;
        foreach (var block in labelled.ReadBlocks())
        {
            cancellation.ThrowIfCancellationRequested();
            if (!block.HasGold) continue;
            var gold = block.GoldLabels;
            for (var i = 0; i < block.RowCount; i++)
                if (gold[i] >= 0)
                {
                    Add(block, i, gold[i]);
                    patterns.Rows++;
                }
        }
        return patterns;
    }
}
