using System.Globalization;
using System.Text.Json.Nodes;
using Snorkeler.LabelModels.Crowd;
using Snorkeler.LabelModels.Internal;

namespace Snorkeler.LabelModels;

/// <summary>Options of MACE, the spammer model (<c>mace</c>).</summary>
public sealed record MaceOptions
{
    /// <summary>
    /// Fits from different starting points; the highest ELBO is kept (<c>--restarts</c>, 1..100). Null (<c>auto</c>, the
    /// default): 5 on up to <see cref="CrowdFit.FullRestartAnswers"/> answers, fewer in proportion beyond (at least 1).
    /// </summary>
    public int? Restarts { get; init; }

    /// <summary>Restarts when <see cref="Restarts"/> is not given, on up to <see cref="CrowdFit.FullRestartAnswers"/> answers.</summary>
    public const int DefaultRestarts = 5;

    /// <summary>Most variational iterations per restart (<c>--max-iter</c>, 1..100,000; default 500).</summary>
    public int MaxIterations { get; init; } = 500;

    /// <summary>Stop when the ELBO changes by less than this fraction of itself (<c>--tol</c>, ≥ 0; default 1e-8).</summary>
    public double Tolerance { get; init; } = 1e-8;

    /// <summary>Beta prior on a worker's competence (probability of not spamming): pseudo-count of competent answers (<c>--competence-prior</c>, &gt; 0; default 2).</summary>
    public double CompetentCount { get; init; } = 2;

    /// <summary>Beta prior on a worker's competence: pseudo-count of spammed answers (<c>--spam-prior</c>, &gt; 0; default 1).</summary>
    public double SpamCount { get; init; } = 1;

    /// <summary>Dirichlet prior pseudo-count of each label in a worker's spamming distribution (<c>--strategy-prior</c>, &gt; 0; default 1).</summary>
    public double StrategyCount { get; init; } = 1;

    /// <summary>Prior pseudo-count of each class in the class balance (<c>--class-prior-count</c>, &gt; 0; default 1).</summary>
    public double ClassPriorCount { get; init; } = 1;

    /// <summary>
    /// Learn the competence and strategy priors from all workers (empirical Bayes) (<c>--pool</c> true|false; default true;
    /// only with at least 10 sources, too few to learn a population from).
    /// </summary>
    public bool Pool { get; init; } = true;

    /// <summary>Reads the options from the command line's <c>--name value</c> pairs.</summary>
    public static MaceOptions From(ModelOptions options)
    {
        Guard.NotNull(options);
        var d = new MaceOptions();
        return new MaceOptions
        {
            Restarts = CrowdFit.ReadRestarts(options),
            MaxIterations = options.Integer("max-iter", d.MaxIterations, 1, 100_000),
            Tolerance = options.Number("tol", d.Tolerance, 0),
            CompetentCount = options.Number("competence-prior", d.CompetentCount, 1e-6, 1e6),
            SpamCount = options.Number("spam-prior", d.SpamCount, 1e-6, 1e6),
            StrategyCount = options.Number("strategy-prior", d.StrategyCount, 1e-6, 1e6),
            ClassPriorCount = options.Number("class-prior-count", d.ClassPriorCount, 1e-6, 1e6),
            Pool = IbccOptions.Flag(options, "pool", d.Pool),
        };
    }

    /// <summary>The options as command-line name/value pairs.</summary>
    public IReadOnlyDictionary<string, string> ToOptionValues() => new Dictionary<string, string>
    {
        ["restarts"] = Restarts?.ToString(CultureInfo.InvariantCulture) ?? "auto",
        ["max-iter"] = MaxIterations.ToString(CultureInfo.InvariantCulture),
        ["tol"] = Tolerance.ToString("R", CultureInfo.InvariantCulture),
        ["competence-prior"] = CompetentCount.ToString("R", CultureInfo.InvariantCulture),
        ["spam-prior"] = SpamCount.ToString("R", CultureInfo.InvariantCulture),
        ["strategy-prior"] = StrategyCount.ToString("R", CultureInfo.InvariantCulture),
        ["class-prior-count"] = ClassPriorCount.ToString("R", CultureInfo.InvariantCulture),
        ["pool"] = Pool ? "true" : "false",
    };
}

/// <summary>
/// MACE (Hovy et al., NAACL 2013), fitted by variational Bayes: every answer of worker j is either given
/// competently (probability θ_j), and then it is the true class, or spammed, and then it is drawn from the
/// worker's own strategy ξ_j whatever the truth. So <c>P(y_ij = a | t_i = c) = θ_j [a = c] + (1 − θ_j) ξ_j[a]</c>:
/// a worker is reliable, a spammer who always answers one label, or a spammer who answers at random, with
/// one competence number instead of a whole confusion matrix. Priors <c>θ_j ~ Beta</c>, <c>ξ_j ~ Dir</c>,
/// <c>κ ~ Dir</c>; the joint posterior of a task's class and its answers' spam indicators is exact given the
/// others (structured mean field), so the ELBO is <c>Σ_i log Σ_c exp(E log κ_c) Π_j π̃_j[c, y_ij] − KL terms</c>
/// with <c>π̃_j[c, a] = exp(E log θ_j)[a = c] + exp(E log(1 − θ_j) + E log ξ_j[a])</c>. With pooling the Beta and
/// Dirichlet priors are re-estimated from all workers (empirical Bayes). Every source's -1 is missing (an
/// LF's abstain is ignored). Restarts as for <c>ibcc</c>; the spammer score of a worker is 1 − E[θ_j].
/// </summary>
public sealed class MaceTrainer : ILabelModelTrainer
{
    /// <summary>The command-line name.</summary>
    public const string ModelName = "mace";

    /// <summary>Creates the trainer (defaults when <paramref name="options"/> is null).</summary>
    public MaceTrainer(MaceOptions? options = null) => Options = options ?? new MaceOptions();

    /// <summary>The options.</summary>
    public MaceOptions Options { get; }

    /// <inheritdoc />
    public string Name => ModelName;

    /// <inheritdoc />
    public ILabelModel Fit(IMatrixSource train, FitContext context) => FitModel(train, context);

    /// <summary>Fits the model (typed result).</summary>
    public MaceModel FitModel(IMatrixSource train, FitContext context)
    {
        Guard.NotNull(train);
        Guard.NotNull(context);
        CrowdFit.CheckShape(ModelName, train);
        double[]? fixedPrior = ClassPrior.Fixed(train.Schema, context, ModelName);
        var data = CrowdData.Read(train, context.Cancellation);
        var restarts = CrowdFit.Restarts(Options.Restarts, MaceOptions.DefaultRestarts, data.WeightedVotes);
        CheckSize(train, data, context);
        return Fit(data, restarts, train.Schema, train.LfNames, fixedPrior, context);
    }

    /// <summary>
    /// The most entries of the E-step's table of answer likelihoods (one row of classes for each distinct label each worker
    /// gave: at most workers × classes rows) a fit takes on; every iteration fills it from the workers' strategies (workers ×
    /// classes) and adds a row of it per answer. On 2,000 workers × 400 classes (30,000 answers, 11.6 M entries) the default
    /// fit (5 restarts, each at the 500-iteration cap) took 564 s in 3.2 GB; on 2,000 × 250 (7.3 M) an iteration took 0.26 s
    /// in 1.4 GB, and on 200 × 1,000 (100,000 answers, about 90 M) 2 s in 2.5 GB, 500 iterations of 5 restarts over an
    /// hour (docs/benchmarks.md). The crowd models' shared limit (2²⁸ sources × classes × (classes + 1)) refused the first
    /// and let the last start; this one, ibcc's own, refuses both.
    /// </summary>
    internal const long MaxTableEntries = 1L << 23;

    /// <summary>Refuses, once the answers are read and before any iteration, a table past <see cref="MaxTableEntries"/> or a restart's class posteriors past the crowd models' limit.</summary>
    private static void CheckSize(IMatrixSource train, CrowdData data, FitContext context)
    {
        // Counted from the answers (a set of source-label pairs): the cast table itself is m × k numbers, which past the limit is
        // the very allocation the check is there to avoid.
        var pairs = new HashSet<long>();
        for (var e = 0; e < data.Sources.Length; e++) pairs.Add((long)data.Sources[e] * data.K + data.Labels[e]);
        var labels = pairs.Count;
        var table = (long)labels * data.K;
        if (table > MaxTableEntries)
            throw new ModelRefusalException(string.Create(CultureInfo.InvariantCulture,
                $"{context.TrainPrefix}mace: {Text.Listing.Counted(labels, "distinct label")} given by {LabelModel.Sources(train)} × {Text.Listing.Counted(data.K, "class")} need {table:N0} answer likelihoods (of each label a source gave, under each class), more than the {MaxTableEntries:N0} it fits in reasonable time and memory; use glad, whose parameters grow with the sources alone, or mv"));
        CrowdFit.CheckPosteriors(ModelName, data, context);
    }

    private MaceModel Fit(CrowdData data, int restarts, LabelSchema schema, IReadOnlyList<string> names, double[]? fixedPrior, FitContext context)
    {
        var cast = CrowdFit.Cast(data); // the same for every restart, which only reads it
        var posteriors = new CrowdFit.Posteriors(data);
        // A restart's posteriors, its E-step table (a row of k per cast vote) and its workers' strategies (m·k, a few arrays).
        var working = posteriors.BytesPerRestart + sizeof(double) * ((long)cast.Count * data.K + 4L * data.M * data.K);
        var best = CrowdFit.BestOf(restarts, context, data.Rows, restart => Run(data, cast, fixedPrior, restart, context, posteriors), f => f.Elbo, working);
        context.Log?.Invoke(string.Create(CultureInfo.InvariantCulture,
            $"mace: {Text.Listing.Counted(data.Rows, "distinct row")}, {Text.Listing.Counted((long)data.WeightedVotes, "vote")}; best of {Text.Listing.Counted(restarts, "restart")}: ELBO {best.Elbo:G10} after {Text.Listing.Counted(best.Iterations, "iteration")} (restart {best.Restart})"));
        return new MaceModel(schema, names, best.Competence, best.Strategy, best.Nu, fixedPrior, best.Elbo);
    }

    private sealed record State(double[] Competence, double[] Strategy, double[] Nu, double Elbo, int Iterations, int Restart);

    private State Run(CrowdData data, CastVotes cast, double[]? fixedPrior, int restart, FitContext context, CrowdFit.Posteriors posteriors)
    {
        var k = data.K;
        var m = data.M;
        var random = CrowdFit.RandomFor(context.Seed, restart);
        var q = posteriors.Start(restart, random);
        var betaPrior = new[] { Options.CompetentCount, Options.SpamCount };
        var strategyPrior = Enumerable.Repeat(Options.StrategyCount, k).ToArray();
        var classPrior = Enumerable.Repeat(Options.ClassPriorCount, k).ToArray();
        var competence = new double[m * 2]; // Beta(competent, spam) per worker
        var strategy = new double[m * k];   // Dirichlet per worker
        var nu = new double[k];
        // Start from the majority-vote posteriors as if every worker were 80% competent with a uniform strategy.
        var tables = new Tables(m, k);
        tables.Set(m, k, j => (Math.Log(0.8), Math.Log(0.2)), (j, a) => -Math.Log(k));
        var table = new double[cast.Count * k]; // the E-step's rows: one per (worker, answer) the answers cast
        var baseScores = new double[k];
        var elbo = double.NegativeInfinity;
        var previous = double.NegativeInfinity;
        var iteration = 0;
        while (iteration < Options.MaxIterations)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            iteration++;
            // M-step: expected competent / spammed answers per worker, spammed labels, class totals.
            var (competent, spammed, spamLabels, classTotals) = ExpectedCounts(data, q, tables);
            var pool = Options.Pool && m >= CrowdFit.MinPooledSources;
            for (var round = 0; round < (pool ? 2 : 1); round++)
            {
                for (var j = 0; j < m; j++)
                {
                    competence[j * 2] = betaPrior[0] + competent[j];
                    competence[j * 2 + 1] = betaPrior[1] + spammed[j];
                    for (var a = 0; a < k; a++) strategy[j * k + a] = strategyPrior[a] + spamLabels[j * k + a];
                }
                if (pool && round == 0) PoolPriors(m, k, competence, strategy, betaPrior, strategyPrior);
            }
            for (var c = 0; c < k; c++) nu[c] = classPrior[c] + classTotals[c];
            tables.Set(m, k, j =>
            {
                Span<double> two = stackalloc double[2];
                Dirichlet.ExpectedLog(competence.AsSpan(j * 2, 2), two);
                return (two[0], two[1]);
            }, null, strategy);
            tables.Fill(table, m, k, cast);
            if (fixedPrior is null) Dirichlet.ExpectedLog(nu, baseScores);
            else for (var c = 0; c < k; c++) baseScores[c] = Math.Log(fixedPrior[c]);
            var (logEvidence, change) = CrowdFit.EStep(data, q, table, cast, baseScores);
            var kl = fixedPrior is null ? Dirichlet.Kl(nu, classPrior) : 0;
            for (var j = 0; j < m; j++)
            {
                kl += Dirichlet.Kl(competence.AsSpan(j * 2, 2), betaPrior);
                kl += Dirichlet.Kl(strategy.AsSpan(j * k, k), strategyPrior);
            }
            elbo = logEvidence - kl;
            if (CrowdFit.Converged(elbo, previous, change, Options.Tolerance)) break;
            previous = elbo;
        }
        posteriors.Done(q);
        return new State(competence, strategy, nu, elbo, iteration, restart);
    }

    /// <summary>Per-answer responsibilities under the current tables: E[competent], E[spammed], spammed labels, class totals.</summary>
    private static (double[] Competent, double[] Spammed, double[] SpamLabels, double[] ClassTotals) ExpectedCounts(CrowdData data, double[] q, Tables tables)
    {
        var k = data.K;
        var m = data.M;
        var competent = new double[m];
        var spammed = new double[m];
        var spamLabels = new double[m * k];
        var classTotals = new double[k];
        // Serial: the counts are per worker and a pass is O(answers); the E-step is the parallel part.
        for (var r = 0; r < data.Rows; r++)
        {
            var weight = data.Weights[r];
            for (var c = 0; c < k; c++) classTotals[c] += weight * q[r * k + c];
            for (var e = data.Starts[r]; e < data.Starts[r + 1]; e++)
            {
                var j = data.Sources[e];
                var a = data.Labels[e];
                // P(competent | y = a) = q(t = a) θ̃ / π̃[a, a]: only the true class a can be answered competently.
                var right = tables.Competent[j];
                var pRight = q[r * k + a] * right / (right + tables.SpamTimesStrategy[j * k + a]);
                competent[j] += weight * pRight;
                spammed[j] += weight * (1 - pRight);
                spamLabels[j * k + a] += weight * (1 - pRight);
            }
        }
        return (competent, spammed, spamLabels, classTotals);
    }

    /// <summary>Empirical Bayes: the Beta prior on competence and the Dirichlet prior on strategies that maximise the ELBO given the workers' posteriors.</summary>
    private static void PoolPriors(int m, int k, double[] competence, double[] strategy, double[] betaPrior, double[] strategyPrior)
    {
        var meanLog = new double[2];
        var logs = new double[Math.Max(2, k)];
        for (var j = 0; j < m; j++)
        {
            Dirichlet.ExpectedLog(competence.AsSpan(j * 2, 2), logs);
            meanLog[0] += logs[0] / m;
            meanLog[1] += logs[1] / m;
        }
        Dirichlet.FitToMeanLog(betaPrior, meanLog);
        var strategyMean = new double[k];
        for (var j = 0; j < m; j++)
        {
            Dirichlet.ExpectedLog(strategy.AsSpan(j * k, k), logs);
            for (var a = 0; a < k; a++) strategyMean[a] += logs[a] / m;
        }
        Dirichlet.FitToMeanLog(strategyPrior, strategyMean);
    }

    /// <summary>exp(E log θ_j) and exp(E log(1 − θ_j) + E log ξ_j[a]), and from them the E-step table log π̃.</summary>
    internal sealed class Tables(int m, int k)
    {
        public double[] Competent { get; } = new double[m];
        public double[] SpamTimesStrategy { get; } = new double[m * k];

        public void Set(int m, int k, Func<int, (double LogCompetent, double LogSpam)> competence, Func<int, int, double>? logStrategy, double[]? strategy = null)
        {
            var logs = new double[k];
            for (var j = 0; j < m; j++)
            {
                var (logRight, logSpam) = competence(j);
                Competent[j] = Math.Exp(logRight);
                if (strategy is not null) Dirichlet.ExpectedLog(strategy.AsSpan(j * k, k), logs);
                for (var a = 0; a < k; a++)
                    SpamTimesStrategy[j * k + a] = Math.Exp(logSpam + (strategy is not null ? logs[a] : logStrategy!(j, a)));
            }
        }

        /// <summary>
        /// table[(j·k + a)·k + c] = log(θ̃_j [a = c] + (1 − θ)~_j ξ̃_j[a]) for every answer a; with <paramref name="cast"/>, only
        /// for the answers each worker gave, at row <c>cast.Slot[j·k + a]</c> (the E-step's table).
        /// </summary>
        public void Fill(double[] table, int m, int k, CastVotes? cast = null)
        {
            var every = cast is null ? Enumerable.Range(0, k).ToArray() : null;
            for (var j = 0; j < m; j++)
            foreach (var a in cast?.Votes[j] ?? every!)
            {
                var spam = SpamTimesStrategy[j * k + a];
                var row = (cast is null ? j * k + a : cast.Slot[j * k + a]) * k;
                // A wrong answer of a worker who never spams has probability e^(E log(1 − θ) + E log ξ), which can underflow.
                table.AsSpan(row, k).Fill(Math.Log(Math.Max(spam, 1e-300)));
                table[row + a] = Math.Log(Competent[j] + spam);
            }
        }
    }
}

/// <summary>
/// A fitted MACE model: <c>P(Y = c | row) ∝ exp(E log κ_c) Π_j (θ̃_j [L_j = c] + (1 − θ)~_j ξ̃_j[L_j])</c> over the votes present.
/// </summary>
public sealed class MaceModel : LogLinearModel, IEvidenceModel
{
    private readonly double[] _competence;
    private readonly double[] _strategy;
    private readonly double[] _nu;
    private readonly double[]? _fixedPrior;

    internal MaceModel(LabelSchema schema, IReadOnlyList<string> lfNames, double[] competence, double[] strategy, double[] nu, double[]? fixedPrior, double elbo)
        : this(schema, lfNames, competence, strategy, nu, fixedPrior, elbo, Build(schema.Cardinality, lfNames.Count, competence, strategy, nu, fixedPrior))
    {
    }

    private MaceModel(LabelSchema schema, IReadOnlyList<string> lfNames, double[] competence, double[] strategy, double[] nu, double[]? fixedPrior, double elbo,
        (double[] Prior, double[] Table, double[] Base) built)
        : base(schema, lfNames, built.Prior, built.Table, built.Base)
    {
        _competence = competence;
        _strategy = strategy;
        _nu = nu;
        _fixedPrior = fixedPrior;
        Evidence = elbo;
    }

    /// <inheritdoc />
    public override string Name => MaceTrainer.ModelName;

    /// <summary>The ELBO of the fit.</summary>
    public double Evidence { get; }

    /// <summary>Worker j's posterior mean competence E[θ_j], the probability that an answer is not spam.</summary>
    public double Competence(int worker) => _competence[worker * 2] / (_competence[worker * 2] + _competence[worker * 2 + 1]);

    /// <summary>Worker j's posterior mean probability of answering <paramref name="label"/> when spamming.</summary>
    public double Strategy(int worker, int label)
    {
        var k = Schema.Cardinality;
        return _strategy[worker * k + label] / _strategy.AsSpan(worker * k, k).ToArray().Sum();
    }

    private static (double[] Prior, double[] Table, double[] Base) Build(int k, int m, double[] competence, double[] strategy, double[] nu, double[]? fixedPrior)
    {
        var tables = new MaceTrainer.Tables(m, k);
        tables.Set(m, k, j =>
        {
            Span<double> two = stackalloc double[2];
            Dirichlet.ExpectedLog(competence.AsSpan(j * 2, 2), two);
            return (two[0], two[1]);
        }, null, strategy);
        var table = new double[m * k * k];
        tables.Fill(table, m, k);
        var baseScores = new double[k];
        double[] prior;
        if (fixedPrior is not null) prior = fixedPrior;
        else
        {
            var sum = nu.Sum();
            prior = nu.Select(v => v / sum).ToArray();
            Dirichlet.ExpectedLog(nu, baseScores);
            for (var c = 0; c < k; c++) baseScores[c] -= Math.Log(prior[c]);
        }
        return (prior, table, baseScores);
    }

    /// <inheritdoc />
    public override JsonObject SaveParameters()
    {
        var json = new JsonObject
        {
            ["competence"] = Parameters.ToJson(_competence, 2),
            ["strategy"] = Parameters.ToJson(_strategy, Schema.Cardinality),
            ["nu"] = Parameters.ToJson(_nu),
            ["elbo"] = Evidence,
        };
        if (_fixedPrior is not null) json["fixed_prior"] = Parameters.ToJson(_fixedPrior);
        return json;
    }

    internal static MaceModel Load(LabelSchema schema, IReadOnlyList<string> lfNames, IReadOnlyList<double> prior, JsonObject parameters)
    {
        var k = schema.Cardinality;
        var m = lfNames.Count;
        var competence = Parameters.Matrix(parameters, "competence", m, 2, 1e-300, double.MaxValue);
        var strategy = Parameters.Matrix(parameters, "strategy", m, k, 1e-300, double.MaxValue);
        var nu = Parameters.Numbers(parameters, "nu", k, 1e-300, double.MaxValue);
        var fixedPrior = parameters["fixed_prior"] is not null ? LabelModels.ClassPrior.Validate(Parameters.Numbers(parameters, "fixed_prior", k, 0, 1), k) : null;
        return new MaceModel(schema, lfNames, competence, strategy, nu, fixedPrior, Parameters.Number(parameters["elbo"], "elbo"));
    }
}
