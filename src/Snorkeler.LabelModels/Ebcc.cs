using System.Globalization;
using System.Text.Json.Nodes;
using MathNet.Numerics;
using Snorkeler.LabelModels.Crowd;
using Snorkeler.LabelModels.Internal;

namespace Snorkeler.LabelModels;

/// <summary>Options of EBCC (<c>ebcc</c>); the defaults are those of the paper's code.</summary>
public sealed record EbccOptions
{
    /// <summary>Subtypes per class, M (<c>--subtypes</c>, 1..100; default 10).</summary>
    public int Subtypes { get; init; } = 10;

    /// <summary>Concentration of each class's Dirichlet prior over its subtypes, split over the M subtypes (<c>--a-pi</c>, &gt; 0; default 0.1).</summary>
    public double SubtypeConcentration { get; init; } = 0.1;

    /// <summary>Dirichlet prior of the class proportions, per class, when <see cref="MajorityClassPrior"/> is off (<c>--alpha X</c>, &gt; 0; 1 when not given).</summary>
    public double ClassConcentration { get; init; } = 1;

    /// <summary>Prior pseudo-count of a source voting the true class, per (source, class, subtype) (<c>--a-v</c>, &gt; 0; default 4).</summary>
    public double Diagonal { get; init; } = 4;

    /// <summary>Prior pseudo-count of a source voting each wrong class (<c>--b-v</c>, &gt; 0; default 1).</summary>
    public double OffDiagonal { get; init; } = 1;

    /// <summary>
    /// Fits from different random starting points; the one with the highest ELBO is kept (<c>--restarts</c>, 1..100). Null (<c>auto</c>, the
    /// default): 10 on up to <see cref="CrowdFit.FullRestartAnswers"/> answers, fewer in proportion beyond (at least 1).
    /// </summary>
    public int? Restarts { get; init; }

    /// <summary>Restarts when <see cref="Restarts"/> is not given, on up to <see cref="CrowdFit.FullRestartAnswers"/> answers.</summary>
    public const int DefaultRestarts = 10;

    /// <summary>
    /// The class proportions' Dirichlet prior is majority vote's soft class counts (<c>--alpha mv</c>, the default, as the
    /// paper's experiments set it) rather than <see cref="ClassConcentration"/> for every class (<c>--alpha X</c>).
    /// </summary>
    public bool MajorityClassPrior { get; init; } = true;

    /// <summary>Most iterations of the variational updates (<c>--max-iter</c>, 1..100,000; default 500).</summary>
    public int MaxIterations { get; init; } = 500;

    /// <summary>Stop when no posterior probability of a class changes by more than this in an iteration (<c>--tol</c>, ≥ 0; default 1e-4).</summary>
    public double Tolerance { get; init; } = 1e-4;

    /// <summary>
    /// Stop too when the ELBO moves by less than this share of itself in an iteration (<c>--elbo-tol</c>, ≥ 0; default 1e-7,
    /// about 1e-7 nats an answer; 0 turns it off). On a million tasks some class posterior always moves by more than
    /// <see cref="Tolerance"/> long after the bound has settled.
    /// </summary>
    public double ElboTolerance { get; init; } = 1e-7;

    /// <summary>
    /// What a labelled dev split's gold labels are for (<c>--dev-gold prior|clamp</c>; default prior): the fixed class prior,
    /// or a semi-supervised fit in which the dev rows join the training rows with their class clamped to their gold label
    /// (the class proportions then learned, unless a prior is given). Without a labelled dev split this option does nothing.
    /// </summary>
    public DevGoldUse DevGold { get; init; } = DevGoldUse.Prior;

    // 'mv' in any case, as model names are read; null (not given) counts as the default, mv.
    private static bool IsMv(string? alpha) => alpha is null || alpha.Equals("mv", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads the options from the command line's <c>--name value</c> pairs.</summary>
    public static EbccOptions From(ModelOptions options)
    {
        Guard.NotNull(options);
        var d = new EbccOptions();
        return new EbccOptions
        {
            Subtypes = options.Integer("subtypes", d.Subtypes, 1, 100),
            SubtypeConcentration = options.Number("a-pi", d.SubtypeConcentration, 1e-9, 1e6),
            ClassConcentration = IsMv(options.Text("alpha")) ? d.ClassConcentration : options.Number("alpha", d.ClassConcentration, 1e-9, 1e6),
            MajorityClassPrior = options.Text("alpha") is { } alpha ? IsMv(alpha) : d.MajorityClassPrior,
            Restarts = CrowdFit.ReadRestarts(options),
            Diagonal = options.Number("a-v", d.Diagonal, 1e-9, 1e6),
            OffDiagonal = options.Number("b-v", d.OffDiagonal, 1e-9, 1e6),
            MaxIterations = options.Integer("max-iter", d.MaxIterations, 1, 100_000),
            Tolerance = options.Number("tol", d.Tolerance, 0, 1),
            ElboTolerance = options.Number("elbo-tol", d.ElboTolerance, 0, 1),
            DevGold = DawidSkeneOptions.ReadDevGold(options, d.DevGold),
        };
    }

    /// <summary>The options as command-line name/value pairs.</summary>
    public IReadOnlyDictionary<string, string> ToOptionValues() => new Dictionary<string, string>
    {
        ["subtypes"] = Subtypes.ToString(CultureInfo.InvariantCulture),
        ["a-pi"] = SubtypeConcentration.ToString("R", CultureInfo.InvariantCulture),
        ["alpha"] = MajorityClassPrior ? "mv" : ClassConcentration.ToString("R", CultureInfo.InvariantCulture),
        ["restarts"] = Restarts?.ToString(CultureInfo.InvariantCulture) ?? "auto",
        ["a-v"] = Diagonal.ToString("R", CultureInfo.InvariantCulture),
        ["b-v"] = OffDiagonal.ToString("R", CultureInfo.InvariantCulture),
        ["max-iter"] = MaxIterations.ToString(CultureInfo.InvariantCulture),
        ["tol"] = Tolerance.ToString("R", CultureInfo.InvariantCulture),
        ["elbo-tol"] = ElboTolerance.ToString("R", CultureInfo.InvariantCulture),
        ["dev-gold"] = DawidSkeneOptions.Spelling(DevGold),
    };
}

/// <summary>
/// EBCC, enhanced Bayesian classifier combination (Li, Rubinstein and Cohn, ICML 2019). Each class c has M
/// subtypes; a row's true class Y and subtype G are latent, and source j votes from its own confusion row
/// <c>V_j[c, g, ·]</c>, so sources that err together (on one subtype of a class) are modelled as correlated
/// rather than independent. Priors: class proportions τ ~ Dir(α), subtype weights of class c ~ Dir(a_π / M),
/// each confusion row ~ Dir(a_v on the true class, b_v elsewhere). Fitted by mean-field variational inference
/// from majority vote (subtypes split at random, seeded), until no class posterior moves by more than the
/// tolerance. Abstains are missing observations; rows are read once with <see cref="LabelMatrix.CopyVotes"/> and
/// grouped by vote pattern, so the E-step costs O(votes · k · M); the confusion posteriors are updated only for the
/// (source, vote) pairs the answers cast (<see cref="EbccVotes"/>). The class prior is learned unless it is given
/// or comes from the dev split.
/// </summary>
public sealed class EbccTrainer : ILabelModelTrainer
{
    /// <summary>The command-line name.</summary>
    public const string ModelName = "ebcc";

    /// <summary>Creates the trainer (defaults when <paramref name="options"/> is null).</summary>
    public EbccTrainer(EbccOptions? options = null) => Options = options ?? new EbccOptions();

    /// <summary>The options.</summary>
    public EbccOptions Options { get; }

    /// <inheritdoc />
    public string Name => ModelName;

    /// <inheritdoc />
    public ILabelModel Fit(IMatrixSource train, FitContext context)
    {
        Guard.NotNull(train);
        Guard.NotNull(context);
        var k = train.Schema.Cardinality;
        var m = train.LfNames.Count;
        if (m == 0) throw new ModelRefusalException("ebcc: the label matrix has no LFs");
        if ((double)m * k * k * Options.Subtypes > 1 << 24)
        {
            var fitting = (int)Math.Min(int.MaxValue, (1 << 24) / ((double)m * k * k));
            var advice = fitting >= 1 ? $"use {context.Option("subtypes", fitting.ToString(CultureInfo.InvariantCulture))}, or dawid-skene" : "use dawid-skene";
            throw new ModelRefusalException($"ebcc: {LabelModel.Sources(train)} × {Text.Listing.Counted(k, "class")} × {Text.Listing.Counted(Options.Subtypes, "subtype")} need too many confusion entries; {advice}");
        }
        var clamped = Options.DevGold == DevGoldUse.Clamp && context.Dev is { HasGold: true } ? context.Dev : null;
        if (clamped is not null) LabelModel.CheckCompatible(new MajorityVoteModel(train.Schema, train.LfNames), clamped, context.DevName ?? "ebcc: the dev split");
        // Semi-supervised, the class proportions are learned from the gold and unlabelled rows unless a prior is given.
        double[]? fixedPrior = clamped is null ? ClassPrior.Fixed(train.Schema, context, ModelName) : context.Prior is not null ? ClassPrior.Resolve(train.Schema, context) : null;
        var data = CrowdData.Read(train, clamped, context.Cancellation);
        if (data.TotalRows == 0) throw new ModelRefusalException("ebcc: the training matrix has no rows");
        return Fit(data, train.Schema, train.LfNames, fixedPrior, context);
    }

    /// <summary>Runs <see cref="EbccOptions.Restarts"/> fits from seeded random subtype splits and keeps the highest ELBO.</summary>
    internal EbccModel Fit(CrowdData data, LabelSchema schema, IReadOnlyList<string> lfNames, double[]? fixedPrior, FitContext context)
    {
        var voting = CrowdFit.RequireThreeVoting(EbccTrainer.ModelName, data, lfNames, context);
        // Without a vote, subtypes too would drift apart from their random start and tilt the classes: one subtype a class.
        if (voting == 0 && Options.Subtypes > 1) return new EbccTrainer(Options with { Subtypes = 1 }).Fit(data, schema, lfNames, fixedPrior, context);
        var restarts = CrowdFit.Restarts(Options.Restarts, EbccOptions.DefaultRestarts, data.WeightedVotes);
        if (voting == 0) (fixedPrior, restarts) = CrowdFit.NothingToLearn(fixedPrior, schema.Cardinality);
        var votes = new EbccVotes(data, lfNames.Count, schema.Cardinality, Options.Subtypes, Options.Diagonal, Options.OffDiagonal);
        var fitted = CrowdFit.BestOf(restarts, context, data.Rows, r => Run(data, votes, schema, lfNames, fixedPrior, CrowdFit.RandomFor(context.Seed, r), context), f => f.Evidence);
        // Only the kept fit becomes a model: its dense confusion (m · k² · M) is built once, not once a restart.
        var best = new EbccModel(schema, lfNames, fixedPrior, fitted.ClassCounts, fitted.SubtypeCounts, votes.Dense(fitted.Confusion), Options.Subtypes, fitted.Info)
        {
            Evidence = fitted.Evidence,
        };
        context.Log?.Invoke(string.Create(CultureInfo.InvariantCulture,
            $"ebcc: {Text.Listing.Counted(data.Rows, "distinct vote pattern")} in {Text.Listing.Counted(data.TotalRows, "row")}; best of {Text.Listing.Counted(restarts, "restart")}: ELBO {best.Evidence:G10} after {Text.Listing.Counted(best.FitInfo!.Iterations, "iteration")}"));
        // Abstains are missing to ebcc, so a source that only votes one class says the same whatever the class (docs/label-models.md).
        if ((context.Warn ?? context.Log) is not null && data.HasLfs && data.SingleClassVoteShare() is var single and >= 0.5)
            context.Warning(string.Create(CultureInfo.InvariantCulture,
                $"warning: ebcc: {single * 100:F0}% of the votes come from LFs that only ever vote one class; ebcc reads an abstain as a missing answer, so such an LF says the same whatever the class and the fit may put most rows in one class; use snorkel, dawid-skene or auto"));
        if (!best.FitInfo!.Converged)
            context.Warning($"warning: ebcc stopped at the iteration cap ({Options.MaxIterations:N0}) before the class posteriors moved by less than {Options.Tolerance:G3} or the ELBO by less than {Options.ElboTolerance:G3} of itself; raise {context.Option("max-iter")}, {context.Option("tol")} or {context.Option("elbo-tol")}");
        return best;
    }

    /// <summary>One restart's Dirichlet posteriors: the confusion for the cast rows only (<see cref="EbccVotes"/> slots).</summary>
    private sealed record Restart(double[] ClassCounts, double[] SubtypeCounts, double[] Confusion, IterativeFit Info, double Evidence);

    private Restart Run(CrowdData data, EbccVotes votes, LabelSchema schema, IReadOnlyList<string> lfNames, double[]? fixedPrior, Random random, FitContext context)
    {
        int m = lfNames.Count, k = schema.Cardinality, g = Options.Subtypes, n = data.Rows;
        var groups = k * g;
        var confusionLength = m * k * groups;
        var castLength = votes.Count * groups;
        // One pass over the rows per iteration does both updates: a row's new ζ (E-step, from the current Dirichlet posteriors)
        // is added straight into the next iteration's soft counts, so ζ is never stored. The passes run in stripes (Stripes):
        // each stripe's soft counts are kept apart and added in stripe order, so the fit does not depend on the thread count.
        // One stripe adds straight into the totals. The stripe count is the one the dense counts (m · k² · M) gave, as it sets
        // the order of the sums.
        var stripes = Stripes.Count(n, confusionLength);
        var counts = new double[castLength];      // soft counts of (cast row, class, subtype), for the next iteration
        var nextSubtypes = new double[groups];          // η for the next iteration
        var stripeCounts = new double[stripes][];
        var stripeSubtypes = new double[stripes][];
        for (var s = 0; s < stripes; s++)
        {
            stripeCounts[s] = stripes == 1 ? counts : new double[castLength];
            stripeSubtypes[s] = stripes == 1 ? nextSubtypes : new double[groups];
        }
        Array.Fill(nextSubtypes, Options.SubtypeConcentration / g);

        // ζ[t, c, g] = q(Y = c, G = g) for pattern t, from majority vote with the subtypes split at random; the draws run in row
        // order, stripe after stripe, into each stripe's soft counts.
        var z = new double[n * k];
        var classPrior = new double[k];
        var weighted = new double[groups];
        for (var s = 0; s < stripes; s++)
        {
            var (from, to) = Stripes.Range(n, stripes, s);
            for (var t = from; t < to; t++)
            {
                var row = z.AsSpan(t * k, k);
                for (var e = data.Starts[t]; e < data.Starts[t + 1]; e++) row[data.Labels[e]] += 1;
                var total = data.Starts[t + 1] - data.Starts[t];
                for (var c = 0; c < k; c++) row[c] = total == 0 ? 1.0 / k : row[c] / total;
                if (data.Clamps[t] >= 0)
                {
                    row.Clear();
                    row[data.Clamps[t]] = 1;
                }
                for (var c = 0; c < k; c++) classPrior[c] += data.Weights[t] * row[c];
                for (var c = 0; c < k; c++)
                {
                    // A draw from Dir(1, ..., 1): normalised exponentials.
                    var split = weighted.AsSpan(c * g, g);
                    var sum = 0.0;
                    for (var x = 0; x < g; x++) sum += split[x] = -Math.Log(1 - random.NextDouble());
                    for (var x = 0; x < g; x++) split[x] = split[x] / sum * row[c];
                }
                AddCounts(data, votes.Slots, t, weighted, stripeCounts[s], stripeSubtypes[s], k, groups);
            }
        }
        if (stripes > 1) AddStripes(stripeCounts, stripeSubtypes, counts, nextSubtypes);
        // Majority vote's soft class counts as the prior of the class proportions (the paper's empirical prior), or α for each class.
        for (var c = 0; c < k; c++) classPrior[c] = Options.MajorityClassPrior ? Math.Max(classPrior[c], 1e-3) : Options.ClassConcentration;

        var classCounts = new double[k];      // ν
        var subtypeCounts = new double[groups]; // η
        var confusion = new double[castLength]; // μ of the cast rows, layout (slot, class, subtype); the others stay the prior
        var logClass = new double[k];
        var logSubtype = new double[groups];
        var logConfusion = new double[castLength];
        var sums = new double[m * groups];    // Σ_a μ[j, a, c, g]
        var psiSums = new double[m * groups]; // its digamma
        var fit = new IterativeFit(Options.MaxIterations, false, double.NaN);
        var changes = new double[stripes];
        var normalisers = new double[stripes];
        var elbo = double.NaN;
        var subtypePrior = Enumerable.Repeat(Options.SubtypeConcentration / g, g).ToArray();
        for (var iteration = 1; iteration <= Options.MaxIterations; iteration++)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            // Posterior Dirichlet parameters from the soft counts of the last ζ.
            (subtypeCounts, nextSubtypes) = (nextSubtypes, subtypeCounts);
            if (stripes == 1) stripeSubtypes[0] = nextSubtypes;
            for (var c = 0; c < k; c++)
            {
                classCounts[c] = classPrior[c];
                for (var x = 0; x < g; x++) classCounts[c] += subtypeCounts[c * g + x] - Options.SubtypeConcentration / g;
            }
            for (var j = 0; j < m; j++)
            foreach (var a in votes.Cast[j])
            for (var c = 0; c < k; c++)
            {
                var at = votes.Slots[j * k + a] * groups + c * g;
                for (var x = 0; x < g; x++) confusion[at + x] = votes.Prior(c, a) + counts[at + x];
            }
            ClassLogs(classCounts, subtypeCounts, fixedPrior, k, g, logClass, logSubtype);
            CastLogs(votes, confusion, m, k, g, sums, psiSums, logConfusion);

            // New ζ, and its soft counts.
            Array.Fill(nextSubtypes, Options.SubtypeConcentration / g);
            Array.Clear(counts);
            Stripes.For(n, stripes, (s, from, to) =>
            {
                var own = stripeCounts[s];
                var subtypes = stripeSubtypes[s];
                if (stripes > 1)
                {
                    Array.Clear(own);
                    Array.Clear(subtypes);
                }
                var scores = new double[groups];
                var change = 0.0;
                var normaliser = 0.0;
                for (var t = from; t < to; t++)
                {
                    RowScores(data.Sources.AsSpan(data.Starts[t], data.Starts[t + 1] - data.Starts[t]), data.Labels.AsSpan(data.Starts[t]),
                        logClass, logSubtype, logConfusion, votes.Slots, k, g, scores);
                    // A labelled row's class is observed: only its gold class's subtypes stay, and its bound term is log Σ over them.
                    if (data.Clamps[t] is var gold and >= 0)
                        for (var x = 0; x < groups; x++)
                            if (x / g != gold) scores[x] = double.NegativeInfinity;
                    normaliser += data.Weights[t] * Numerics.SoftmaxReturningLogNormaliser(scores);
                    for (var c = 0; c < k; c++)
                    {
                        var p = 0.0;
                        for (var x = 0; x < g; x++) p += scores[c * g + x];
                        change = Math.Max(change, Math.Abs(p - z[t * k + c]));
                        z[t * k + c] = p;
                    }
                    AddCounts(data, votes.Slots, t, scores, own, subtypes, k, groups);
                }
                changes[s] = change;
                normalisers[s] = normaliser;
            });
            if (stripes > 1) AddStripes(stripeCounts, stripeSubtypes, counts, nextSubtypes);
            // The bound at the current q(τ, π, V) with ζ just optimised for them (EbccEvidence); the updates raise it every iteration.
            var previous = elbo;
            elbo = normalisers.Sum() - EbccEvidence.Divergence(classCounts, subtypeCounts, fixedPrior, classPrior, subtypePrior, votes, confusion, sums, psiSums, k, g);
            var settled = Math.Abs(elbo - previous) <= Options.ElboTolerance * Math.Abs(elbo);
            fit = new IterativeFit(iteration, changes.Max() <= Options.Tolerance || settled, elbo);
            if (fit.Converged) break;
        }
        return new Restart(classCounts, subtypeCounts, confusion, fit, elbo);
    }

    /// <summary>
    /// Adds pattern <paramref name="t"/>'s ζ (<paramref name="q"/>, k · g), times its weight, to the subtype counts and to the
    /// soft counts of each of its votes; <paramref name="q"/> is left holding the weighted values.
    /// </summary>
    private static void AddCounts(CrowdData data, int[] slots, int t, double[] q, double[] counts, double[] subtypes, int k, int groups)
    {
        var w = data.Weights[t];
        Numerics.Scale(q, w);
        Numerics.AddTo(subtypes, q);
        for (var e = data.Starts[t]; e < data.Starts[t + 1]; e++)
            Numerics.AddTo(counts.AsSpan(slots[data.Sources[e] * k + data.Labels[e]] * groups, groups), q);
    }

    /// <summary>Adds the stripes' soft counts into the totals in stripe order (the subtype totals already hold their prior).</summary>
    private static void AddStripes(double[][] stripeCounts, double[][] stripeSubtypes, double[] counts, double[] subtypes)
    {
        for (var s = 0; s < stripeCounts.Length; s++)
        {
            Numerics.AddTo(counts, stripeCounts[s]);
            Numerics.AddTo(subtypes, stripeSubtypes[s]);
        }
    }

    /// <summary>
    /// The log weight of each (class, subtype) of a row, <c>E log τ_c + E log π_cg + Σ_votes E log V_j[c, g, a]</c>, into
    /// <paramref name="scores"/> (k · g): the E-step, the ELBO and prediction all start from it. <paramref name="logConfusion"/>'s
    /// rows are (source, vote), or the cast rows' <paramref name="slots"/> when given.
    /// </summary>
    internal static void RowScores(ReadOnlySpan<int> sources, ReadOnlySpan<int> labels, double[] logClass, double[] logSubtype, double[] logConfusion,
        int[]? slots, int k, int g, Span<double> scores)
    {
        var groups = k * g;
        for (var c = 0; c < k; c++)
            for (var x = 0; x < g; x++) scores[c * g + x] = logClass[c] + logSubtype[c * g + x];
        for (var e = 0; e < sources.Length; e++)
        {
            var row = sources[e] * k + labels[e];
            Numerics.AddTo(scores[..groups], logConfusion.AsSpan((slots is null ? row : slots[row]) * groups, groups));
        }
    }

    /// <summary>E[log τ], E[log π], E[log V] under the Dirichlet posteriors (ψ(x) − ψ(Σx)); a given prior replaces E[log τ].</summary>
    internal static void ExpectedLogs(double[] classCounts, double[] subtypeCounts, double[] confusion, double[]? fixedPrior, int m, int k, int g,
        double[] logClass, double[] logSubtype, double[] logConfusion)
    {
        var groups = k * g;
        ClassLogs(classCounts, subtypeCounts, fixedPrior, k, g, logClass, logSubtype);
        var totals = new double[groups];
        // Most entries repeat the prior (never-cast votes): their digamma is computed once a run of equal values.
        double last = double.NaN, psiLast = double.NaN;
        for (var j = 0; j < m; j++)
        {
            Array.Clear(totals);
            for (var a = 0; a < k; a++)
                for (var x = 0; x < groups; x++) totals[x] += confusion[(j * k + a) * groups + x];
            for (var x = 0; x < groups; x++) totals[x] = SpecialFunctions.DiGamma(totals[x]);
            for (var a = 0; a < k; a++)
            for (var x = 0; x < groups; x++)
            {
                var at = (j * k + a) * groups + x;
                if (confusion[at] != last) (last, psiLast) = (confusion[at], SpecialFunctions.DiGamma(confusion[at]));
                logConfusion[at] = psiLast - totals[x];
            }
        }
    }

    /// <summary>E[log V] of the cast rows (<see cref="EbccVotes"/> slots), and each (source, class, subtype)'s total and its digamma.</summary>
    private static void CastLogs(EbccVotes votes, double[] confusion, int m, int k, int g, double[] sums, double[] psiSums, double[] logConfusion)
    {
        var groups = k * g;
        for (var j = 0; j < m; j++)
        {
            var total = sums.AsSpan(j * groups, groups);
            votes.Totals(j, confusion, total);
            for (var x = 0; x < groups; x++) psiSums[j * groups + x] = SpecialFunctions.DiGamma(total[x]);
            foreach (var a in votes.Cast[j])
            {
                var at = votes.Slots[j * k + a] * groups;
                for (var x = 0; x < groups; x++) logConfusion[at + x] = SpecialFunctions.DiGamma(confusion[at + x]) - psiSums[j * groups + x];
            }
        }
    }

    /// <summary>E[log τ] (or the log of a given prior) and E[log π].</summary>
    private static void ClassLogs(double[] classCounts, double[] subtypeCounts, double[]? fixedPrior, int k, int g, double[] logClass, double[] logSubtype)
    {
        if (fixedPrior is not null)
            for (var c = 0; c < k; c++) logClass[c] = Math.Log(fixedPrior[c]);
        else
        {
            var all = SpecialFunctions.DiGamma(classCounts.Sum());
            for (var c = 0; c < k; c++) logClass[c] = SpecialFunctions.DiGamma(classCounts[c]) - all;
        }
        for (var c = 0; c < k; c++)
        {
            var all = 0.0;
            for (var x = 0; x < g; x++) all += subtypeCounts[c * g + x];
            all = SpecialFunctions.DiGamma(all);
            for (var x = 0; x < g; x++) logSubtype[c * g + x] = SpecialFunctions.DiGamma(subtypeCounts[c * g + x]) - all;
        }
    }
}

/// <summary>
/// A fitted EBCC model: <c>P(Y = c | row) ∝ Σ_g exp(E[log τ_c] + E[log π_cg] + Σ_{j voted} E[log V_j[c, g, L_j]])</c>, the
/// variational posterior of a new row under the fitted Dirichlet posteriors (a row where every source abstained
/// gets the learned class proportions). Saved as the Dirichlet posterior parameters.
/// </summary>
public sealed class EbccModel : ILabelModel
{
    private readonly double[]? _fixedPrior;
    private readonly double[] _classCounts, _subtypeCounts, _confusion;
    private readonly double[] _logClass, _logSubtype, _logConfusion;
    private readonly int _subtypes;
    private readonly double[] _prior;

    internal EbccModel(LabelSchema schema, IReadOnlyList<string> lfNames, double[]? fixedPrior, double[] classCounts, double[] subtypeCounts,
        double[] confusion, int subtypes, IterativeFit? fit)
    {
        Schema = Guard.NotNull(schema);
        LfNames = Guard.NotNull(lfNames).ToArray();
        int m = LfNames.Count, k = schema.Cardinality;
        _fixedPrior = fixedPrior;
        _classCounts = classCounts;
        _subtypeCounts = subtypeCounts;
        _confusion = confusion;
        _subtypes = subtypes;
        FitInfo = fit;
        _prior = fixedPrior ?? classCounts.Select(x => x / classCounts.Sum()).ToArray();
        _logClass = new double[k];
        _logSubtype = new double[k * subtypes];
        _logConfusion = new double[confusion.Length];
        EbccTrainer.ExpectedLogs(classCounts, subtypeCounts, confusion, fixedPrior, m, k, subtypes, _logClass, _logSubtype, _logConfusion);
    }

    /// <inheritdoc />
    public string Name => EbccTrainer.ModelName;

    /// <inheritdoc />
    public LabelSchema Schema { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> LfNames { get; }

    /// <inheritdoc />
    public IReadOnlyList<double> ClassPrior => _prior;

    /// <summary>Subtypes per class.</summary>
    public int Subtypes => _subtypes;

    /// <summary>How the variational updates ended (null for a model file that does not record it).</summary>
    public IterativeFit? FitInfo { get; }

    /// <summary>The evidence lower bound on the training answers (NaN for a loaded model).</summary>
    internal double Evidence { get; init; } = double.NaN;

    /// <summary>
    /// Source <paramref name="lf"/>'s posterior mean probability of voting <paramref name="vote"/> when the row is of
    /// class <paramref name="cls"/>, averaged over the class's subtypes by their posterior weights.
    /// </summary>
    public double Confusion(int lf, int cls, int vote)
    {
        int k = Schema.Cardinality, g = _subtypes, groups = k * g;
        double weights = 0, sum = 0;
        for (var x = 0; x < g; x++)
        {
            var total = 0.0;
            for (var a = 0; a < k; a++) total += _confusion[(lf * k + a) * groups + cls * g + x];
            var weight = _subtypeCounts[cls * g + x];
            sum += weight * _confusion[(lf * k + vote) * groups + cls * g + x] / total;
            weights += weight;
        }
        return sum / weights;
    }

    /// <inheritdoc />
    public void PredictProbabilities(LabelMatrix block, Span<double> probabilities)
    {
        LabelModel.CheckBlock(this, block, probabilities);
        int k = Schema.Cardinality, g = _subtypes, groups = k * g, m = LfNames.Count;
        var lfs = new int[m];
        var labels = new int[m];
        var scores = new double[groups];
        for (var i = 0; i < block.RowCount; i++)
        {
            var count = block.CopyVotes(i, lfs, labels);
            EbccTrainer.RowScores(lfs.AsSpan(0, count), labels, _logClass, _logSubtype, _logConfusion, null, k, g, scores);
            Numerics.SoftmaxInPlace(scores);
            var row = probabilities.Slice(i * k, k);
            var total = 0.0;
            for (var c = 0; c < k; c++)
            {
                var p = 0.0;
                for (var x = 0; x < g; x++) p += scores[c * g + x];
                row[c] = p;
                total += p;
            }
            for (var c = 0; c < k; c++) row[c] = Math.Min(1, row[c] / total); // sums of subtypes may round past 1
        }
    }

    /// <inheritdoc />
    public JsonObject SaveParameters()
    {
        int k = Schema.Cardinality, groups = k * _subtypes;
        var json = new JsonObject
        {
            ["subtypes"] = _subtypes,
            ["prior_given"] = _fixedPrior is not null,
            ["class_counts"] = Parameters.ToJson(_classCounts),
            ["subtype_counts"] = Parameters.ToJson(_subtypeCounts, _subtypes),
            ["confusion_counts"] = Parameters.ToJson(_confusion, groups),
        };
        if (FitInfo is not null) json["fit"] = FitInfo.ToJson();
        return json;
    }

    internal static EbccModel Load(LabelSchema schema, IReadOnlyList<string> lfNames, IReadOnlyList<double> prior, JsonObject parameters)
    {
        int k = schema.Cardinality, m = lfNames.Count;
        var g = parameters["subtypes"] is JsonValue sv && sv.TryGetValue<int>(out var s) && s is >= 1 and <= 100 ? s : throw new SnorkelerException("parameter 'subtypes' must be a whole number from 1 to 100");
        var given = parameters["prior_given"] is JsonValue pv && pv.TryGetValue<bool>(out var b) ? b : throw new SnorkelerException("parameter 'prior_given' must be true or false");
        var classCounts = Parameters.Numbers(parameters, "class_counts", k, double.Epsilon);
        var subtypeCounts = Parameters.Matrix(parameters, "subtype_counts", k, g, double.Epsilon);
        var confusion = Parameters.Matrix(parameters, "confusion_counts", m * k, k * g, double.Epsilon);
        var fixedPrior = given ? LabelModels.ClassPrior.Validate(prior, k) : null;
        return new EbccModel(schema, lfNames, fixedPrior, classCounts, subtypeCounts, confusion, g, IterativeFit.FromJson(parameters["fit"]));
    }
}
