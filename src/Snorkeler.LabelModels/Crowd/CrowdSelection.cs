using System.Globalization;

namespace Snorkeler.LabelModels.Crowd;

/// <summary>
/// <c>auto</c> on people's answers without gold labels: EBCC with one subtype per class, which is Bayesian classifier
/// combination with a fixed Dirichlet prior on each worker's confusion matrix (IBCC as Kim and Ghahramani define it):
/// its prior is not learned from the answers, so it cannot drift into a degenerate fit on a weak crowd, and one subtype
/// per class leaves a sparse worker few parameters. It is a fixed choice because no unsupervised criterion measured
/// picked the more accurate model reliably (docs/annotators.md): the ELBO is not comparable across model families and
/// chose the learned-prior <c>ibcc</c>, which falls 0.11 below majority vote on weak crowds; cross-validated prediction
/// of held-out answers prefers models that fit the answers, not the truth, and chose the same collapsed fits. On the 22
/// generated crowds of the test suite it gains as much over majority vote as the best fixed model (mean +0.025, worst
/// −0.010; <c>Snorkeler.Benchmarks crowd-suite</c>). An iteration costs O(answers · k), so it fits millions of answers.
/// </summary>
internal static class CrowdSelection
{
    /// <summary>True when the matrix holds people's answers (at least one annotator source).</summary>
    public static bool Applies(IMatrixSource train) => train.SourceKinds.Contains(SourceKind.Annotator);

    /// <summary>The crowd models <c>auto</c> compares on a dev split besides its usual candidates: IBCC (three communities) and MACE.</summary>
    public static IReadOnlyList<AutoEntry> Candidates { get; } =
    [
        new(IbccTrainer.ModelName, new Dictionary<string, string>(), true),
        new(MaceTrainer.ModelName, new Dictionary<string, string>(), true),
    ];

    /// <summary>The model <c>auto</c> fits on people's answers without a dev split: EBCC with one subtype per class.</summary>
    public static AutoEntry Default { get; } = new(EbccTrainer.ModelName, new Dictionary<string, string> { ["subtypes"] = "1" }, true);

    /// <summary>
    /// Fits <see cref="Default"/> on all the answers; its ELBO is recorded as its score. Where only one or two people
    /// answer, a model of each one's confusion cannot tell their accuracies apart (<see cref="CrowdFit.RequireThreeVoting"/>),
    /// so majority vote is fitted instead.
    /// </summary>
    public static (ILabelModel Model, AutoSelection Selection, AutoCandidate Chosen) Choose(IMatrixSource train, FitContext context, Action<string>? log)
    {
        var data = CrowdData.Read(train, context.Cancellation);
        var fixedPrior = context.Prior is { } p ? ClassPrior.Validate(p, train.Schema.Cardinality) : null;
        var voting = data.Sources.Distinct().Count();
        if (voting is 1 or 2)
        {
            var vote = new AutoCandidate(MajorityVoteTrainer.ModelName, new Dictionary<string, string>(), "none", double.NaN);
            var few = new AutoSelection("none", "majority vote, without gold labels", true, [vote], vote,
                $"only {voting} {(voting == 1 ? "annotator answers" : "annotators answer")}, too few for a model of each one's confusion (it needs three to tell their accuracies apart), so auto takes majority vote");
            log?.Invoke($"auto: {few.Reason}");
            return (new MajorityVoteTrainer().Fit(train, context), few, vote);
        }
        var options = EbccOptions.From(new ModelOptions(Default.Options));
        var model = new EbccTrainer(options).Fit(data, train.Schema, train.LfNames, fixedPrior, context with { Prior = fixedPrior, Dev = null });
        var chosen = new AutoCandidate(Default.Model, Default.Options, fixedPrior is null ? "learned" : "given", model.Evidence);
        log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"auto: {chosen}: ELBO {model.Evidence:F2}"));
        var selection = new AutoSelection("ELBO", "the crowd default (EBCC with one subtype per class: IBCC with a fixed prior), without gold labels; its evidence lower bound",
            true, [chosen], chosen,
            "the answers come from annotators and there is no dev split, so auto fits the crowd default, which held up best across generated crowds (docs/annotators.md)");
        return (model, selection, chosen);
    }
}
