using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Snorkeler.LabelModels.Crowd;
using Snorkeler.LabelModels.Internal;

namespace Snorkeler.LabelModels;

/// <summary>Options of Bayesian classifier combination (<c>ibcc</c>).</summary>
public sealed record IbccOptions
{
    /// <summary>
    /// Fits from different starting points; the one with the highest ELBO is kept (<c>--restarts</c>, 1..100). Null (<c>auto</c>, the
    /// default): 5 on up to <see cref="CrowdFit.FullRestartAnswers"/> answers, fewer in proportion beyond (at least 1).
    /// </summary>
    public int? Restarts { get; init; }

    /// <summary>Restarts when <see cref="Restarts"/> is not given, on up to <see cref="CrowdFit.FullRestartAnswers"/> answers.</summary>
    public const int DefaultRestarts = 5;

    /// <summary>Most variational iterations per restart (<c>--max-iter</c>, 1..100,000; default 500).</summary>
    public int MaxIterations { get; init; } = 500;

    /// <summary>
    /// Stop when the ELBO changes by less than this fraction of itself (<c>--tol</c>, ≥ 0; default 1e-6, about a millionth
    /// of a nat per answer). The learned priors keep creeping long after the labels have settled: on a generated crowd of
    /// 1.2 M answers, 1e-6 stopped after about 50 iterations where 1e-8 ran to the 500 cap, and 201 of 200,000 labels
    /// differed between iteration 30 and 500 with the same accuracy (docs/benchmarks.md).
    /// </summary>
    public double Tolerance { get; init; } = 1e-6;

    /// <summary>Prior pseudo-count of each correct answer, on the diagonal of every confusion matrix (<c>--diagonal</c>, &gt; 0; default 2).</summary>
    public double Diagonal { get; init; } = 2;

    /// <summary>Prior pseudo-count of each wrong answer (and of an LF's abstain), off the diagonal (<c>--off-diagonal</c>, &gt; 0; default 1).</summary>
    public double OffDiagonal { get; init; } = 1;

    /// <summary>Prior pseudo-count of each class in the class balance (<c>--class-prior-count</c>, &gt; 0; default 1).</summary>
    public double ClassPriorCount { get; init; } = 1;

    /// <summary>
    /// Learn the annotators' shared confusion prior from all of them (empirical Bayes, type-II maximum likelihood)
    /// instead of keeping <see cref="Diagonal"/>/<see cref="OffDiagonal"/> (<c>--pool</c> true|false; default true): a
    /// worker with few answers is then pulled towards what the crowd's workers are like. Tasks with more than
    /// <see cref="IbccTrainer.MaxPooledClasses"/> classes keep the fixed prior.
    /// </summary>
    public bool Pool { get; init; } = true;

    /// <summary>
    /// Communities of annotators (<c>--communities</c>, 1..20; default 3): each annotator's confusion matrix is drawn from
    /// one of several learned priors (a mixture: e.g. careful workers, spammers, workers biased towards one class), and each
    /// annotator's community is inferred; communities the data does not need empty out. With 1, all annotators share one
    /// prior, which over-shrinks careful workers towards spammers when both are common. Needs <see cref="Pool"/>.
    /// </summary>
    public int Communities { get; init; } = 3;

    /// <summary>Reads the options from the command line's <c>--name value</c> pairs.</summary>
    public static IbccOptions From(ModelOptions options)
    {
        Guard.NotNull(options);
        var d = new IbccOptions();
        var pool = Flag(options, "pool", d.Pool);
        // Communities group the workers whose confusion matrices are pooled; unpooled, '--communities 2' did nothing, silently.
        if (!pool && options.Given.ContainsKey("communities"))
            throw new OptionException("--communities groups the workers whose confusion matrices are pooled, and --pool false pools none: drop one of the two");
        return new IbccOptions
        {
            Restarts = CrowdFit.ReadRestarts(options),
            MaxIterations = options.Integer("max-iter", d.MaxIterations, 1, 100_000),
            Tolerance = options.Number("tol", d.Tolerance, 0),
            Diagonal = options.Number("diagonal", d.Diagonal, 1e-6, 1e6),
            OffDiagonal = options.Number("off-diagonal", d.OffDiagonal, 1e-6, 1e6),
            ClassPriorCount = options.Number("class-prior-count", d.ClassPriorCount, 1e-6, 1e6),
            Pool = pool,
            Communities = options.Integer("communities", d.Communities, 1, 20),
        };
    }

    internal static bool Flag(ModelOptions options, string name, bool fallback) => options.Text(name)?.ToLowerInvariant() switch
    {
        null => fallback,
        "true" or "yes" or "1" => true,
        "false" or "no" or "0" => false,
        _ => throw new OptionException($"--{name} expects true or false, got '{options.Text(name)}'"),
    };

    /// <summary>The options as command-line name/value pairs.</summary>
    public IReadOnlyDictionary<string, string> ToOptionValues() => new Dictionary<string, string>
    {
        ["restarts"] = Restarts?.ToString(CultureInfo.InvariantCulture) ?? "auto",
        ["max-iter"] = MaxIterations.ToString(CultureInfo.InvariantCulture),
        ["tol"] = Tolerance.ToString("R", CultureInfo.InvariantCulture),
        ["diagonal"] = Diagonal.ToString("R", CultureInfo.InvariantCulture),
        ["off-diagonal"] = OffDiagonal.ToString("R", CultureInfo.InvariantCulture),
        ["class-prior-count"] = ClassPriorCount.ToString("R", CultureInfo.InvariantCulture),
        ["pool"] = Pool ? "true" : "false",
        ["communities"] = Communities.ToString(CultureInfo.InvariantCulture),
    };
}

/// <summary>
/// Independent Bayesian classifier combination (Kim &amp; Ghahramani, AISTATS 2012), fitted by variational
/// Bayes. Each source j has a confusion matrix whose rows are Dirichlet-distributed,
/// <c>π_j[c, ·] ~ Dir(α0[c, ·])</c>, the class balance <c>κ ~ Dir(ν0)</c>, the true class <c>t_i ~ κ</c> and each
/// answer <c>y_ij ~ π_j[t_i, ·]</c>. Mean-field updates: <c>q(t_i = c) ∝ exp(E[log κ_c] + Σ_j E[log π_j[c, y_ij]])</c>,
/// <c>α_j[c, a] = α0[c, a] + Σ_i q(t_i = c) [y_ij = a]</c>, <c>ν_c = ν0_c + Σ_i q(t_i = c)</c>, with
/// <c>E[log π] = ψ(α) − ψ(Σα)</c>. An annotator's missing answer is not observed; an LF's abstain is an outcome
/// (a k+1-th column). With <see cref="IbccOptions.Pool"/> the annotators' prior α0 is re-estimated after every
/// update to maximise the ELBO (Minka's fixed point), pooling sparse workers towards the crowd. Several
/// restarts (majority vote, then majority vote mixed with seeded noise) run; the highest ELBO wins.
/// </summary>
public sealed class IbccTrainer : ILabelModelTrainer
{
    /// <summary>The command-line name.</summary>
    public const string ModelName = "ibcc";

    /// <summary>Creates the trainer (defaults when <paramref name="options"/> is null).</summary>
    public IbccTrainer(IbccOptions? options = null) => Options = options ?? new IbccOptions();

    /// <summary>The options.</summary>
    public IbccOptions Options { get; }

    /// <inheritdoc />
    public string Name => ModelName;

    /// <inheritdoc />
    public ILabelModel Fit(IMatrixSource train, FitContext context) => FitModel(train, context);

    /// <summary>Fits the model (typed result).</summary>
    public IbccModel FitModel(IMatrixSource train, FitContext context)
    {
        Guard.NotNull(train);
        Guard.NotNull(context);
        CrowdFit.CheckShape(ModelName, train);
        CheckSize(train, context);
        double[]? fixedPrior = ClassPrior.Fixed(train.Schema, context, ModelName);
        var data = CrowdData.Read(train, context.Cancellation);
        CrowdFit.CheckPosteriors(ModelName, data, context); // distinct rows are known only once read
        return Fit(data, train.Schema, train.LfNames, fixedPrior, context);
    }

    /// <summary>
    /// The most confusion-matrix entries (sources × classes × (classes + 1)) a fit takes on. Each restart holds three such
    /// arrays and passes over them every iteration (up to <see cref="IbccOptions.MaxIterations"/>), learning the
    /// communities' priors over them too, and the model file writes one: 1,600 workers × 50 classes (4.1 M entries) took
    /// 0.35 s an iteration in 1 GB, its five restarts more than 400 s; 3 × 2,000 (12 M) 2.5 GB and a 177 MB model file;
    /// 10,000 × 50 (25.5 M) 4 s an iteration in 6 GB and a 470 MB file; 40,000 × 50 (102 M) passed 15 GB within four
    /// minutes. The crowd models' former shared limit (2²⁸) let all of these start; this one keeps the first.
    /// </summary>
    internal const long MaxConfusionEntries = 1L << 23;

    /// <summary>Refuses, before any work, a matrix whose confusion matrices would exceed <see cref="MaxConfusionEntries"/>.</summary>
    private static void CheckSize(IMatrixSource train, FitContext context)
    {
        var (m, k) = (train.LfNames.Count, train.Schema.Cardinality);
        var entries = (long)m * k * (k + 1);
        if (entries > MaxConfusionEntries)
            throw new ModelRefusalException(string.Create(CultureInfo.InvariantCulture,
                $"{context.TrainPrefix}ibcc: {LabelModel.Sources(train)} × {Text.Listing.Counted(k, "class")} need {entries:N0} confusion-matrix entries (sources × classes × (classes + 1)), more than the {MaxConfusionEntries:N0} it fits in reasonable time and memory; use mace or glad, whose parameters grow with the sources alone, or mv"));
    }

    internal IbccModel Fit(CrowdData data, LabelSchema schema, IReadOnlyList<string> names, double[]? fixedPrior, FitContext context)
    {
        var voting = CrowdFit.RequireThreeVoting(IbccTrainer.ModelName, data, names, context);
        var restarts = CrowdFit.Restarts(Options.Restarts, IbccOptions.DefaultRestarts, data.WeightedVotes);
        if (voting == 0) (fixedPrior, restarts) = CrowdFit.NothingToLearn(fixedPrior, data.K);
        var cast = CrowdFit.Cast(data);
        var posteriors = new CrowdFit.Posteriors(data);
        // A restart's posteriors, its alpha, E[log π] and soft counts (m·k·(k+1) each) and its E-step table (a row of k per cast vote).
        var working = posteriors.BytesPerRestart + sizeof(double) * (3L * data.M * data.K * (data.K + 1) + (long)cast.Count * data.K);
        var spare = new ConcurrentBag<Scratch>();
        var spareAlpha = new ConcurrentBag<double[]>();
        var best = CrowdFit.BestOf(restarts, context, data.Rows, restart => Run(data, cast, fixedPrior, restart, context, spare, spareAlpha, posteriors), f => f.Elbo, working,
            discard: f => spareAlpha.Add(f.Alpha));
        context.Log?.Invoke(string.Create(CultureInfo.InvariantCulture,
            $"ibcc: {Text.Listing.Counted(data.Rows, "distinct row")}, {Text.Listing.Counted((long)data.WeightedVotes, "vote")}; best of {Text.Listing.Counted(restarts, "restart")}: ELBO {best.Elbo:G10} after {Text.Listing.Counted(best.Iterations, "iteration")} (restart {best.Restart})"));
        return new IbccModel(schema, names, data.IsLf, best.Alpha, best.Nu, fixedPrior, best.Elbo);
    }

    private sealed record State(double[] Alpha, double[] Nu, double Elbo, int Iterations, int Restart);

    /// <summary>
    /// The working arrays a restart leaves behind for the next (each as large as the confusion matrices): taken from a
    /// finished restart and cleared, they start as new ones do, while the next restart does not allocate (and page in)
    /// arrays the garbage collector has yet to take back.
    /// </summary>
    private sealed class Scratch(int m, int k, int cast)
    {
        public double[] ElogPi { get; } = new double[m * k * (k + 1)];
        public double[] Counts { get; } = new double[m * k * (k + 1)];
        public double[] Table { get; } = new double[cast * k]; // (cast vote (j, a), c): contiguous over c for the E-step

        public Scratch Cleared()
        {
            Array.Clear(ElogPi);
            Array.Clear(Counts);
            Array.Clear(Table);
            return this;
        }
    }

    private State Run(CrowdData data, CastVotes cast, double[]? fixedPrior, int restart, FitContext context, ConcurrentBag<Scratch> spare, ConcurrentBag<double[]> spareAlpha, CrowdFit.Posteriors posteriors)
    {
        var k = data.K;
        var w = k + 1;
        var m = data.M;
        var q = posteriors.Start(restart, CrowdFit.RandomFor(context.Seed, restart));
        var lfPrior = PriorCounts(k, Options.Diagonal);
        var communities = new Communities(data, Pooled(k) ? Options.Communities : 1, Options.Diagonal, Options.OffDiagonal, learn: Pooled(k));
        var alpha = spareAlpha.TryTake(out var lost) ? Cleared(lost) : new double[m * k * w];
        var nu = new double[k];
        var scratch = spare.TryTake(out var left) ? left.Cleared() : new Scratch(m, k, cast.Count);
        var table = scratch.Table;
        var baseScores = new double[k];
        var elogKappa = new double[k];
        var elogPi = scratch.ElogPi;
        var counts = scratch.Counts;
        var classTotals = new double[k];
        var classPrior = Enumerable.Repeat(Options.ClassPriorCount, k).ToArray();
        var previous = double.NegativeInfinity;
        var elbo = double.NegativeInfinity;
        var iteration = 0;
        var logs = new double[w];
        while (iteration < Options.MaxIterations)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            iteration++;
            CrowdFit.Counts(data, q, counts, classTotals, w);
            // q(π) from the soft counts and the prior; when pooling, then the annotators' communities and priors, and q(π) again.
            for (var round = 0; round < (Pooled(k) ? 2 : 1); round++)
            {
                for (var j = 0; j < m; j++)
                {
                    if (data.IsLf[j])
                        for (var c = 0; c < k; c++)
                        for (var a = 0; a < w; a++)
                            alpha[(j * k + c) * w + a] = lfPrior[c * w + a] + counts[(j * k + c) * w + a];
                    else communities.Posterior(j, counts, alpha);
                }
                ExpectedLogs(data, alpha, elogPi, logs);
                if (Pooled(k) && round == 0) communities.Learn(elogPi);
            }
            for (var c = 0; c < k; c++) nu[c] = classPrior[c] + classTotals[c];
            if (fixedPrior is null) Dirichlet.ExpectedLog(nu, elogKappa);
            else for (var c = 0; c < k; c++) elogKappa[c] = Math.Log(fixedPrior[c]);
            elogKappa.CopyTo(baseScores, 0);
            for (var j = 0; j < m; j++)
            for (var c = 0; c < k; c++)
            {
                var abstain = data.IsLf[j] ? elogPi[(j * k + c) * w + k] : 0;
                baseScores[c] += abstain;
                foreach (var a in cast.Votes[j]) table[cast.Slot[j * k + a] * k + c] = elogPi[(j * k + c) * w + a] - abstain;
            }
            var (logEvidence, change) = CrowdFit.EStep(data, q, table, cast, baseScores);
            var kl = fixedPrior is null ? Dirichlet.Kl(nu, classPrior) : 0;
            for (var j = 0; j < m; j++)
            {
                if (!data.IsLf[j]) continue;
                for (var c = 0; c < k; c++) kl += Dirichlet.Kl(alpha.AsSpan((j * k + c) * w, w), lfPrior.AsSpan(c * w, w));
            }
            elbo = logEvidence - kl + communities.Bound(alpha, elogPi);
            if (CrowdFit.Converged(elbo, previous, change, Options.Tolerance)) break;
            previous = elbo;
        }
        spare.Add(scratch);
        posteriors.Done(q);
        return new State(alpha, nu, elbo, iteration, restart);
    }

    private static double[] Cleared(double[] values)
    {
        Array.Clear(values);
        return values;
    }

    /// <summary>Classes up to which the annotators' prior is learned (a k × k Dirichlet per community costs O(k²) digammas per fixed-point step).</summary>
    public const int MaxPooledClasses = 50;

    private bool Pooled(int k) => Options.Pool && k <= MaxPooledClasses;

    /// <summary>E[log π_j[c, a]] for every source, class and outcome (annotators: k outcomes, LFs: k + 1).</summary>
    private static void ExpectedLogs(CrowdData data, double[] alpha, double[] elogPi, double[] logs)
    {
        var k = data.K;
        var w = k + 1;
        for (var j = 0; j < data.M; j++)
        for (var c = 0; c < k; c++)
        {
            var outcomes = data.IsLf[j] ? w : k;
            Dirichlet.ExpectedLog(alpha.AsSpan((j * k + c) * w, outcomes), logs);
            logs.AsSpan(0, outcomes).CopyTo(elogPi.AsSpan((j * k + c) * w));
        }
    }

    /// <summary>α0 (k × (k+1)): the diagonal and off-diagonal pseudo-counts, the last column an LF's abstain.</summary>
    private double[] PriorCounts(int k, double diagonal)
    {
        var w = k + 1;
        var prior = new double[k * w];
        for (var c = 0; c < k; c++)
        for (var a = 0; a < w; a++)
            prior[c * w + a] = a == c ? diagonal : Options.OffDiagonal;
        return prior;
    }
}

/// <summary>
/// A fitted IBCC model: <c>P(Y = c | row) ∝ exp(E[log κ_c] + Σ_j log E[π_j[c, L_j]])</c> over the votes present
/// (and every LF's abstain), with each source's posterior mean confusion matrix E[π_j] = α_j / Σα_j (the predictive
/// probability of its next answer). The fit's own posterior uses E[log π_j] instead; the two agree for sources with
/// many answers, and the predictive does not let one answer nobody gave in training veto a class on a new task.
/// </summary>
public sealed class IbccModel : LogLinearModel, IEvidenceModel
{
    private readonly bool[] _isLf;
    private readonly double[] _alpha;
    private readonly double[] _nu;
    private readonly double[]? _fixedPrior;

    internal IbccModel(LabelSchema schema, IReadOnlyList<string> lfNames, bool[] isLf, double[] alpha, double[] nu, double[]? fixedPrior, double elbo)
        : this(schema, lfNames, isLf, alpha, nu, fixedPrior, elbo, Posterior.Of(schema.Cardinality, isLf, alpha, nu, fixedPrior))
    {
    }

    private IbccModel(LabelSchema schema, IReadOnlyList<string> lfNames, bool[] isLf, double[] alpha, double[] nu, double[]? fixedPrior, double elbo, Posterior posterior)
        : base(schema, lfNames, posterior.Prior, posterior.Table, posterior.Base)
    {
        _isLf = isLf;
        _alpha = alpha;
        _nu = nu;
        _fixedPrior = fixedPrior;
        Evidence = elbo;
    }

    /// <inheritdoc />
    public override string Name => IbccTrainer.ModelName;

    /// <summary>The evidence lower bound (ELBO) of the fit: a lower bound on log p(votes) under the model.</summary>
    public double Evidence { get; }

    /// <summary>The posterior mean of source j's confusion matrix: P(L_j = a | Y = c) (a = -1: abstain, LFs only).</summary>
    public double Confusion(int lf, int cls, int vote)
    {
        var k = Schema.Cardinality;
        var w = k + 1;
        var row = _alpha.AsSpan((lf * k + cls) * w, w);
        var sum = 0.0;
        foreach (var a in row) sum += a;
        return row[vote < 0 ? k : vote] / sum;
    }

    /// <inheritdoc />
    public override JsonObject SaveParameters()
    {
        var json = new JsonObject
        {
            ["alpha"] = Parameters.ToJson(_alpha, Schema.Cardinality + 1),
            ["nu"] = Parameters.ToJson(_nu),
            ["lf_sources"] = new JsonArray(_isLf.Select(b => (JsonNode)b).ToArray()),
            ["elbo"] = Evidence,
        };
        if (_fixedPrior is not null) json["fixed_prior"] = Parameters.ToJson(_fixedPrior);
        return json;
    }

    internal static IbccModel Load(LabelSchema schema, IReadOnlyList<string> lfNames, IReadOnlyList<double> prior, JsonObject parameters)
    {
        var k = schema.Cardinality;
        var m = lfNames.Count;
        var alpha = Parameters.Matrix(parameters, "alpha", m * k, k + 1, 0, double.MaxValue);
        var nu = Parameters.Numbers(parameters, "nu", k, 1e-300, double.MaxValue);
        var isLf = CrowdFit.ReadFlags(parameters, "lf_sources", m);
        for (var j = 0; j < m; j++)
        for (var c = 0; c < k; c++)
        for (var a = 0; a <= k; a++)
            if (alpha[(j * k + c) * (k + 1) + a] <= 0 && (a < k || isLf[j]))
                throw new SnorkelerException($"parameter 'alpha' row {j * k + c} has a count that is not positive");
        var fixedPrior = parameters["fixed_prior"] is not null ? LabelModels.ClassPrior.Validate(Parameters.Numbers(parameters, "fixed_prior", k, 0, 1), k) : null;
        var elbo = Parameters.Number(parameters["elbo"], "elbo");
        return new IbccModel(schema, lfNames, isLf, alpha, nu, fixedPrior, elbo);
    }

    /// <summary>The log-linear form of the posterior: prior, per-vote table and base scores.</summary>
    private sealed record Posterior(double[] Prior, double[] Table, double[] Base)
    {
        public static Posterior Of(int k, bool[] isLf, double[] alpha, double[] nu, double[]? fixedPrior)
        {
            var w = k + 1;
            var m = isLf.Length;
            var table = new double[m * k * k];
            var baseScores = new double[k];
            var logs = new double[w];
            for (var j = 0; j < m; j++)
            for (var c = 0; c < k; c++)
            {
                var outcomes = isLf[j] ? w : k;
                // log E[π], the posterior predictive of one more answer, rather than the fit's E[log π]: where the learned
                // prior put a pseudo-count far below 1 (an error no worker made in training), ψ(α) ≈ −1/α would let one
                // such answer on a new task veto a class outright.
                var row = alpha.AsSpan((j * k + c) * w, outcomes);
                var total = 0.0;
                foreach (var v in row) total += v;
                for (var a = 0; a < outcomes; a++) logs[a] = Math.Log(row[a] / total);
                var abstain = isLf[j] ? logs[k] : 0;
                baseScores[c] += abstain;
                for (var a = 0; a < k; a++) table[(j * k + a) * k + c] = logs[a] - abstain;
            }
            double[] prior;
            if (fixedPrior is not null) prior = fixedPrior;
            else
            {
                var sum = nu.Sum();
                prior = nu.Select(v => v / sum).ToArray();
                var elogKappa = new double[k];
                Dirichlet.ExpectedLog(nu, elogKappa);
                // The model adds log(prior); the fit used E[log κ].
                for (var c = 0; c < k; c++) baseScores[c] += elogKappa[c] - Math.Log(prior[c]);
            }
            return new Posterior(prior, table, baseScores);
        }
    }
}

/// <summary>A fitted model that knows the evidence (a lower bound on the log-likelihood of the votes) its fit reached.</summary>
public interface IEvidenceModel : ILabelModel
{
    /// <summary>The ELBO, or the log-likelihood for models without a prior.</summary>
    double Evidence { get; }
}
