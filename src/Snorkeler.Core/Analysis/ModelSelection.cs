namespace Snorkeler.Analysis;

/// <summary>One label model (with its options and class prior) that was fitted and scored to choose among several.</summary>
/// <param name="Model">The model's name (<c>wmv</c>, <c>snorkel</c>, ...).</param>
/// <param name="Options">Its options as command-line text (<c>--epochs 500 --lr 0.01</c>), empty for none.</param>
/// <param name="Prior">Where its class prior came from (<c>dev</c>, <c>uniform</c>, ...).</param>
/// <param name="Score">Its score on the labelled dev set, or null when it was not scored (it failed, or there was no dev set).</param>
/// <param name="Note">Why it failed or was picked without a score, or null.</param>
public sealed record ModelCandidate(string Model, string Options, string Prior, double? Score, string? Note = null)
{
    /// <summary>"wmv --accuracies dev (prior: uniform)".</summary>
    public override string ToString() => $"{Model}{(Options.Length == 0 ? "" : " " + Options)} (prior: {Prior})";
}

/// <summary>
/// How a label model was chosen (the <c>auto</c> model): the candidates fitted, each scored by <see cref="Metric"/> on
/// the labelled dev set, and the one kept. Plain values, for status lines, provenance manifests and reports.
/// </summary>
/// <param name="Chosen">The candidate kept.</param>
/// <param name="Candidates">Every candidate, in the order tried (the chosen one among them).</param>
/// <param name="Metric">What the scores are (<c>dev expected accuracy</c>).</param>
public sealed record ModelSelection(ModelCandidate Chosen, IReadOnlyList<ModelCandidate> Candidates, string Metric = "dev expected accuracy")
{
    /// <summary>
    /// One line for a status line: <c>auto chose wmv --accuracies dev (prior: uniform): dev expected accuracy 0.878,
    /// the best of 37 candidates</c>, or, without a dev set, what it fell back to.
    /// </summary>
    public string Describe()
        => Chosen.Score is { } score
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"auto chose {Chosen}: {Metric} {score:0.000}{(Chosen.Note is null ? $", the best of {Candidates.Count(c => c.Score is not null)} candidates" : $" ({Chosen.Note})")}")
            : $"auto chose {Chosen}{(Chosen.Note is null ? "" : $": {Chosen.Note}")} (give --dev with gold labels to choose by score)";
}
