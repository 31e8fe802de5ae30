using System.Globalization;

namespace Snorkeler.LabelModels.Crowd;

/// <summary>
/// <c>auto</c> on people's answers without gold labels: the variational models (IBCC with communities, MACE, EBCC) are
/// fitted, each keeping its best restart, and the one with the highest evidence lower bound (ELBO) is chosen. The ELBO
/// bounds log p(answers | model) with the parameters integrated out, so it weighs fit against complexity (Bayesian
/// model selection) and compares models of different shapes on the same answers. Measured on 25 crowds (3 public sets,
/// 22 generated with confusion-matrix, one-coin, difficulty and correlated workers, spammers, skewed activity, skewed
/// and up to 10 classes; docs/annotators.md), choosing by ELBO lost 0.012 accuracy on average to the best model of each
/// set in hindsight (at most 0.050), against 0.028 (at most 0.148) for held-out source agreement, which suits LFs but
/// not sparse crowds whose held-out workers answered few tasks. On more than <see cref="SampleAnswers"/> answers the
/// models are compared on a seeded random sample of the tasks holding about that many (one restart each), and only the
/// chosen model is fitted on all of them: the comparison then costs a fixed amount, and the full fit's restarts are cut
/// down in proportion to the answers (<see cref="CrowdFit.Restarts"/>).
/// </summary>
internal static class CrowdSelection
{
    /// <summary>Answers above which the models are compared on a random sample of the tasks holding about this many.</summary>
    public const double SampleAnswers = 200_000;

    /// <summary>True when the matrix holds people's answers (at least one annotator source).</summary>
    public static bool Applies(IMatrixSource train) => train.SourceKinds.Contains(SourceKind.Annotator);

    /// <summary>The candidates, in order: IBCC (default options: three communities), MACE, EBCC.</summary>
    public static IReadOnlyList<AutoEntry> Candidates { get; } =
    [
        new(IbccTrainer.ModelName, new Dictionary<string, string>(), true),
        new(MaceTrainer.ModelName, new Dictionary<string, string>(), true),
        new(EbccTrainer.ModelName, new Dictionary<string, string>(), true),
    ];

    /// <summary>Fits every candidate and keeps the highest ELBO (ties to the earlier candidate).</summary>
    public static (ILabelModel Model, AutoSelection Selection, AutoCandidate Chosen) Choose(IMatrixSource train, FitContext context, Action<string>? log)
    {
        var data = CrowdData.Read(train, context.Cancellation);
        var sample = data.Sample(SampleAnswers, CrowdFit.RandomFor(context.Seed, 1_001));
        int? restarts = sample == data ? null : 1;
        if (sample != data)
            log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"auto: models compared on a sample of {sample.Rows:N0} of {data.Rows:N0} tasks ({sample.WeightedVotes:N0} answers), one restart each"));
        var fixedPrior = context.Prior is { } p ? ClassPrior.Validate(p, train.Schema.Cardinality) : null;
        var prior = fixedPrior is null ? "learned" : "given";
        var candidates = new List<AutoCandidate>();
        var models = new List<ILabelModel?>();
        foreach (var entry in Candidates)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            try
            {
                var (model, elbo) = Fit(entry, sample, train, fixedPrior, context, restarts);
                candidates.Add(new AutoCandidate(entry.Model, entry.Options, prior, elbo));
                models.Add(model);
                log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"auto: {candidates[^1]}: ELBO {elbo:F2}"));
            }
            catch (SnorkelerException e)
            {
                candidates.Add(new AutoCandidate(entry.Model, entry.Options, prior, double.NaN, e.Message));
                models.Add(null);
                log?.Invoke($"auto: {entry.Model} skipped: {e.Message}");
            }
        }
        var best = -1;
        for (var c = 0; c < candidates.Count; c++)
            if (double.IsFinite(candidates[c].Score) && (best < 0 || candidates[c].Score > candidates[best].Score)) best = c;
        if (best < 0) throw new SnorkelerException("auto: every candidate model failed; see the log");
        var chosen = candidates[best];
        var runnerUp = candidates.Where((c, i) => i != best && double.IsFinite(c.Score)).Select(c => c.Score).DefaultIfEmpty(double.NaN).Max();
        var reason = string.Create(CultureInfo.InvariantCulture,
            $"the answers come from annotators, so the variational models are compared by their evidence: highest ELBO ({chosen.Score:F2}{(double.IsNaN(runnerUp) ? "" : $"; next {runnerUp:F2}")})");
        var selection = new AutoSelection("ELBO", "evidence lower bound of each variational model on the answers (its best restart): Bayesian model selection without gold labels",
            true, candidates, chosen, reason);
        var fitted = sample == data ? models[best]! : Fit(Candidates[best], data, train, fixedPrior, context, null).Model;
        return (fitted, selection, chosen);
    }

    private static (ILabelModel Model, double Elbo) Fit(AutoEntry entry, CrowdData data, IMatrixSource train, double[]? fixedPrior, FitContext context, int? restarts)
    {
        var options = new ModelOptions(entry.Options);
        switch (entry.Model)
        {
            case IbccTrainer.ModelName:
            {
                var model = new IbccTrainer(IbccOptions.From(options) with { Restarts = restarts }).Fit(data, train.Schema, train.LfNames, fixedPrior, context);
                return (model, model.Evidence);
            }
            case MaceTrainer.ModelName:
            {
                var model = new MaceTrainer(MaceOptions.From(options) with { Restarts = restarts }).Fit(data, train.Schema, train.LfNames, fixedPrior, context);
                return (model, model.Evidence);
            }
            case EbccTrainer.ModelName:
            {
                var model = new EbccTrainer(EbccOptions.From(options) with { Restarts = restarts }).Fit(data, train.Schema, train.LfNames, fixedPrior, context with { Prior = fixedPrior, Dev = null });
                return (model, model.Evidence);
            }
            default:
                throw new SnorkelerException($"{entry.Model} has no evidence bound");
        }
    }
}
