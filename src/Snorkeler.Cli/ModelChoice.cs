using System.Text.Json.Nodes;
using Snorkeler.Analysis;
using Snorkeler.LabelModels;

namespace Snorkeler.Cli;

/// <summary>What <c>auto</c> chose, as the plain <see cref="ModelSelection"/> that status lines, manifests and reports show.</summary>
internal static class ModelChoice
{
    /// <summary>The selection behind an <c>auto</c> model (read from its saved parameters, so it also works for a loaded model file), or null for any other model.</summary>
    public static ModelSelection? Of(ILabelModel model)
    {
        if (model is not AutoModel auto) return null;
        var selection = auto.Selection;
        var chosen = Candidate(selection.Chosen) with { Note = selection.Reason };
        var candidates = selection.Candidates.Select(Candidate).ToList();
        if (candidates.Count == 0) candidates.Add(chosen);
        return new ModelSelection(chosen, candidates, selection.Metric);
    }

    /// <summary>The name of the model that makes the predictions: the chosen one for <c>auto</c>.</summary>
    public static string NameOf(ILabelModel model) => model is AutoModel auto ? auto.Choice.Model : model.Name;

    /// <summary>The selection as manifest JSON: <c>metric</c>, <c>chosen</c> and every candidate with its score.</summary>
    public static JsonObject ToJson(ModelSelection selection)
    {
        static JsonObject One(ModelCandidate c) => new()
        {
            ["model"] = c.Model,
            ["options"] = c.Options,
            ["prior"] = c.Prior,
            ["score"] = c.Score,
            ["note"] = c.Note,
        };
        return new JsonObject
        {
            ["metric"] = selection.Metric,
            ["chosen"] = One(selection.Chosen),
            ["candidates"] = new JsonArray(selection.Candidates.Select(c => (JsonNode)One(c)).ToArray()),
        };
    }

    private static ModelCandidate Candidate(AutoCandidate c)
        => new(c.Model, string.Join(" ", c.Options.Where(o => o.Key != "prior-estimate").Select(o => $"--{o.Key} {o.Value}")), c.PriorSource,
            double.IsFinite(c.Score) ? c.Score : null, c.Note);
}
