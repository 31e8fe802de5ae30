using System.Globalization;
using System.Text.Json.Nodes;
using Snorkeler.LabelModels.Crowd;
using Snorkeler.LabelModels.Internal;

namespace Snorkeler.LabelModels;

/// <summary>Options of GLAD, the item-difficulty model (<c>glad</c>).</summary>
public sealed record GladOptions
{
    /// <summary>
    /// Fits from different starting points; the highest log-posterior is kept (<c>--restarts</c>, 1..100). Null (<c>auto</c>, the
    /// default): 3 on up to <see cref="CrowdFit.FullRestartAnswers"/> answers, fewer in proportion beyond (at least 1).
    /// </summary>
    public int? Restarts { get; init; }

    /// <summary>Restarts when <see cref="Restarts"/> is not given, on up to <see cref="CrowdFit.FullRestartAnswers"/> answers.</summary>
    public const int DefaultRestarts = 3;

    /// <summary>Most EM iterations per restart (<c>--max-iter</c>, 1..100,000; default 200).</summary>
    public int MaxIterations { get; init; } = 200;

    /// <summary>Stop when the log-posterior changes by less than this fraction of itself (<c>--tol</c>, ≥ 0; default 1e-7).</summary>
    public double Tolerance { get; init; } = 1e-7;

    /// <summary>Mean of the Gaussian prior on a worker's ability α_j (<c>--ability-prior</c>; default 1).</summary>
    public double AbilityMean { get; init; } = 1;

    /// <summary>Reads the options from the command line's <c>--name value</c> pairs.</summary>
    public static GladOptions From(ModelOptions options)
    {
        Guard.NotNull(options);
        var d = new GladOptions();
        return new GladOptions
        {
            Restarts = CrowdFit.ReadRestarts(options),
            MaxIterations = options.Integer("max-iter", d.MaxIterations, 1, 100_000),
            Tolerance = options.Number("tol", d.Tolerance, 0),
            AbilityMean = options.Number("ability-prior", d.AbilityMean, -10, 10),
        };
    }

    /// <summary>The options as command-line name/value pairs.</summary>
    public IReadOnlyDictionary<string, string> ToOptionValues() => new Dictionary<string, string>
    {
        ["restarts"] = Restarts?.ToString(CultureInfo.InvariantCulture) ?? "auto",
        ["max-iter"] = MaxIterations.ToString(CultureInfo.InvariantCulture),
        ["tol"] = Tolerance.ToString("R", CultureInfo.InvariantCulture),
        ["ability-prior"] = AbilityMean.ToString("R", CultureInfo.InvariantCulture),
    };
}

/// <summary>
/// GLAD (Whitehill et al., NIPS 2009): an answer is right with probability <c>σ(α_j β_i)</c>, where α_j is the
/// worker's ability (negative for a worker who tends to be wrong) and <c>β_i = exp(b_i) &gt; 0</c> the task's
/// easiness (1/β_i its difficulty); a wrong answer is any other class, uniformly. MAP by EM: the E-step gives
/// <c>q_i(c) ∝ p_c Π_j (σ_ij if y_ij = c, else (1 − σ_ij)/(k − 1))</c>; the M-step takes Newton (Fisher scoring) steps
/// on each α_j and b_i with priors <c>α_j ~ N(ability-prior, 1)</c>, <c>b_i ~ N(0, 1)</c>, maximising
/// <c>Σ r_ij log σ_ij + (1 − r_ij) log(1 − σ_ij)</c> with <c>r_ij = q_i(y_ij)</c>. The class prior is learned (MAP,
/// add-one) unless given. Prediction on a row re-estimates that row's b by the same EM with the workers'
/// abilities fixed, so a row's difficulty comes from its own answers. Every -1 is missing (LF abstains are
/// ignored). The highest log-posterior of the restarts (majority vote, then seeded noise) is kept.
/// </summary>
public sealed class GladTrainer : ILabelModelTrainer
{
    /// <summary>The command-line name.</summary>
    public const string ModelName = "glad";

    /// <summary>Creates the trainer (defaults when <paramref name="options"/> is null).</summary>
    public GladTrainer(GladOptions? options = null) => Options = options ?? new GladOptions();

    /// <summary>The options.</summary>
    public GladOptions Options { get; }

    /// <inheritdoc />
    public string Name => ModelName;

    /// <inheritdoc />
    public ILabelModel Fit(IMatrixSource train, FitContext context) => FitModel(train, context);

    /// <summary>Fits the model (typed result).</summary>
    public GladModel FitModel(IMatrixSource train, FitContext context)
    {
        Guard.NotNull(train);
        Guard.NotNull(context);
        CrowdFit.CheckShape(ModelName, train);
        double[]? fixedPrior = ClassPrior.Fixed(train.Schema, context, ModelName);
        var data = CrowdData.Read(train, context.Cancellation);
        var restarts = CrowdFit.Restarts(Options.Restarts, GladOptions.DefaultRestarts, data.WeightedVotes);
        CrowdFit.CheckPosteriors(ModelName, data, context); // its parameters (an ability per worker) are small whatever the classes
        var posteriors = new CrowdFit.Posteriors(data);
        var best = CrowdFit.BestOf(restarts, context, data.Rows, restart => Run(data, fixedPrior, restart, context, posteriors), f => f.LogPosterior,
            posteriors.BytesPerRestart + sizeof(double) * (long)data.Rows); // and each row's easiness
        context.Log?.Invoke(string.Create(CultureInfo.InvariantCulture,
            $"glad: {Text.Listing.Counted(data.Rows, "distinct row")}, {Text.Listing.Counted((long)data.WeightedVotes, "vote")}; best of {Text.Listing.Counted(restarts, "restart")}: log-posterior {best.LogPosterior:G10} after {Text.Listing.Counted(best.Iterations, "iteration")} (restart {best.Restart})"));
        var answers = new double[data.M];
        for (var r = 0; r < data.Rows; r++)
            for (var e = data.Starts[r]; e < data.Starts[r + 1]; e++) answers[data.Sources[e]] += data.Weights[r];
        return new GladModel(train.Schema, train.LfNames, best.Prior, best.Ability, answers, Options.AbilityMean, best.LogPosterior);
    }

    private sealed record State(double[] Prior, double[] Ability, double LogPosterior, int Iterations, int Restart);

    private State Run(CrowdData data, double[]? fixedPrior, int restart, FitContext context, CrowdFit.Posteriors posteriors)
    {
        var k = data.K;
        var q = posteriors.Start(restart, CrowdFit.RandomFor(context.Seed, restart));
        var ability = Enumerable.Repeat(Options.AbilityMean, data.M).ToArray();
        var easiness = new double[data.Rows]; // b_i = log β_i
        var prior = fixedPrior ?? ClassPrior.Uniform(k);
        var previous = double.NegativeInfinity;
        var objective = double.NegativeInfinity;
        var iteration = 0;
        while (iteration < Options.MaxIterations)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            iteration++;
            if (fixedPrior is null)
            {
                var totals = new double[k];
                var all = 0.0;
                for (var r = 0; r < data.Rows; r++)
                    for (var c = 0; c < k; c++) totals[c] += data.Weights[r] * q[r * k + c];
                foreach (var t in totals) all += t;
                for (var c = 0; c < k; c++) prior[c] = (totals[c] + 1) / (all + k);
            }
            for (var step = 0; step < 3; step++)
            {
                AbilityStep(data, q, ability, easiness, Options.AbilityMean);
                EasinessStep(data, q, ability, easiness);
            }
            objective = EStep(data, q, prior, ability, easiness) + LogPrior(ability, easiness, data.Weights, Options.AbilityMean)
                        + (fixedPrior is null ? prior.Sum(Math.Log) : 0);
            if (Math.Abs(objective - previous) <= Options.Tolerance * Math.Abs(objective)) break;
            previous = objective;
        }
        posteriors.Done(q);
        return new State(prior.ToArray(), ability, objective, iteration, restart);
    }

    internal static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>q_i from the current parameters; returns Σ_i weight_i log p(answers of i).</summary>
    private static double EStep(CrowdData data, double[] q, double[] prior, double[] ability, double[] easiness)
    {
        var k = data.K;
        var logPrior = prior.Select(p => Math.Log(p)).ToArray();
        var stripes = Stripes.Count(data.Rows);
        var partial = new double[stripes];
        Stripes.For(data.Rows, (s, from, to) =>
        {
            var scores = new double[k];
            var sum = 0.0;
            for (var r = from; r < to; r++)
            {
                RowScores(data, r, logPrior, ability, Math.Exp(easiness[r]), scores);
                sum += data.Weights[r] * CrowdFit.Normalise(scores, q.AsSpan(r * k, k));
            }
            partial[s] = sum;
        });
        return partial.Sum();
    }

    /// <summary>log p_c + Σ_j log P(y_ij | t = c) for one row.</summary>
    internal static void RowScores(CrowdData data, int r, double[] logPrior, double[] ability, double beta, double[] scores)
    {
        var k = data.K;
        logPrior.CopyTo(scores, 0);
        for (var e = data.Starts[r]; e < data.Starts[r + 1]; e++)
        {
            var x = ability[data.Sources[e]] * beta;
            var right = LogSigmoid(x);
            var wrong = LogSigmoid(-x) - Math.Log(k - 1);
            for (var c = 0; c < k; c++) scores[c] += c == data.Labels[e] ? right : wrong;
        }
    }

    internal static double LogSigmoid(double x) => x >= 0 ? -Math.Log(1 + Math.Exp(-x)) : x - Math.Log(1 + Math.Exp(x));

    private static double LogPrior(double[] ability, double[] easiness, double[] weights, double abilityMean)
    {
        var lp = 0.0;
        foreach (var a in ability) lp -= 0.5 * (a - abilityMean) * (a - abilityMean);
        for (var r = 0; r < easiness.Length; r++) lp -= 0.5 * weights[r] * easiness[r] * easiness[r];
        return lp;
    }

    /// <summary>One Fisher-scoring step on every α_j: gradient Σ_i w (r_ij − σ_ij) β_i − (α_j − μ), information Σ_i w σ(1 − σ) β_i² + 1.</summary>
    private static void AbilityStep(CrowdData data, double[] q, double[] ability, double[] easiness, double mean)
    {
        var k = data.K;
        var gradient = new double[data.M];
        var information = new double[data.M];
        for (var r = 0; r < data.Rows; r++)
        {
            var beta = Math.Exp(easiness[r]);
            var weight = data.Weights[r];
            for (var e = data.Starts[r]; e < data.Starts[r + 1]; e++)
            {
                var j = data.Sources[e];
                var sigma = Sigmoid(ability[j] * beta);
                var right = q[r * k + data.Labels[e]];
                gradient[j] += weight * (right - sigma) * beta;
                information[j] += weight * sigma * (1 - sigma) * beta * beta;
            }
        }
        for (var j = 0; j < data.M; j++)
            ability[j] += Math.Clamp((gradient[j] - (ability[j] - mean)) / (information[j] + 1), -2, 2);
    }

    /// <summary>One Fisher-scoring step on every b_i (β_i = e^b): gradient Σ_j (r_ij − σ_ij) α_j β_i − b_i.</summary>
    private static void EasinessStep(CrowdData data, double[] q, double[] ability, double[] easiness)
    {
        var k = data.K;
        Stripes.For(data.Rows, (_, from, to) =>
        {
            for (var r = from; r < to; r++)
                easiness[r] = EasinessUpdate(data, r, q.AsSpan(r * k, k), ability, easiness[r]);
        });
    }

    internal static double EasinessUpdate(CrowdData data, int r, ReadOnlySpan<double> q, double[] ability, double b)
    {
        var beta = Math.Exp(b);
        double gradient = -b, information = 1;
        for (var e = data.Starts[r]; e < data.Starts[r + 1]; e++)
        {
            var a = ability[data.Sources[e]];
            var sigma = Sigmoid(a * beta);
            gradient += (q[data.Labels[e]] - sigma) * a * beta;
            information += sigma * (1 - sigma) * a * a * beta * beta;
        }
        return Math.Clamp(b + Math.Clamp(gradient / information, -1, 1), -8, 8);
    }
}

/// <summary>A fitted GLAD model: worker abilities and the class prior; each row's easiness is estimated from its answers.</summary>
public sealed class GladModel : ILabelModel
{
    private readonly double[] _prior;
    private readonly double[] _ability;
    private readonly double[] _answers;
    private readonly double _abilityMean;

    internal GladModel(LabelSchema schema, IReadOnlyList<string> lfNames, double[] prior, double[] ability, double[] answers, double abilityMean, double logPosterior)
    {
        _answers = answers;
        Schema = schema;
        LfNames = lfNames.ToArray();
        _prior = LabelModels.ClassPrior.Validate(prior, schema.Cardinality);
        _ability = ability;
        _abilityMean = abilityMean;
        LogPosterior = logPosterior;
    }

    /// <inheritdoc />
    public string Name => GladTrainer.ModelName;

    /// <inheritdoc />
    public LabelSchema Schema { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> LfNames { get; }

    /// <inheritdoc />
    public IReadOnlyList<double> ClassPrior => _prior;

    /// <summary>The log-posterior the fit reached (MAP with point estimates per task: not a bound on the evidence, so not comparable with the ELBOs of the variational models).</summary>
    public double LogPosterior { get; }

    /// <summary>Worker j's ability α_j: P(right) = σ(α_j β) on a task of easiness β (β = 1 typical).</summary>
    public double Ability(int worker) => _ability[worker];

    /// <summary>How many training answers worker j gave (the ability of a worker with few answers stays near its prior).</summary>
    public double Answers(int worker) => _answers[worker];

    /// <inheritdoc />
    public void PredictProbabilities(LabelMatrix block, Span<double> probabilities)
    {
        LabelModel.CheckBlock(this, block, probabilities);
        var k = Schema.Cardinality;
        var data = CrowdData.Read(block);
        var q = data.MajorityVote();
        var logPrior = _prior.Select(p => Math.Log(p)).ToArray();
        var scores = new double[k];
        var easiness = new double[data.Rows];
        for (var r = 0; r < data.Rows; r++)
            for (var iteration = 0; iteration < 20; iteration++)
            {
                RowPosterior(data, r, logPrior, easiness[r], scores, q.AsSpan(r * k, k));
                var next = GladTrainer.EasinessUpdate(data, r, q.AsSpan(r * k, k), _ability, easiness[r]);
                if (Math.Abs(next - easiness[r]) < 1e-6) { easiness[r] = next; break; }
                easiness[r] = next;
            }
        for (var i = 0; i < block.RowCount; i++)
        {
            var r = data.PatternOf[i];
            RowPosterior(data, r, logPrior, easiness[r], scores, probabilities.Slice(i * k, k));
        }
    }

    private void RowPosterior(CrowdData data, int r, double[] logPrior, double b, double[] scores, Span<double> into)
    {
        GladTrainer.RowScores(data, r, logPrior, _ability, Math.Exp(b), scores);
        CrowdFit.Normalise(scores, into);
    }

    /// <inheritdoc />
    public JsonObject SaveParameters() => new()
    {
        ["answers"] = Parameters.ToJson(_answers),
        ["ability"] = Parameters.ToJson(_ability),
        ["ability_prior"] = _abilityMean,
        ["log_posterior"] = LogPosterior,
    };

    internal static GladModel Load(LabelSchema schema, IReadOnlyList<string> lfNames, IReadOnlyList<double> prior, JsonObject parameters)
        => new(schema, lfNames, prior.ToArray(), Parameters.Numbers(parameters, "ability", lfNames.Count, -1e6, 1e6),
            Parameters.Numbers(parameters, "answers", lfNames.Count, 0), Parameters.Number(parameters["ability_prior"], "ability_prior"), Parameters.Number(parameters["log_posterior"], "log_posterior"));
}
