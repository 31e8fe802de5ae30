using Snorkeler.LabelModels;
using Snorkeler.Loading;

namespace Snorkeler.Studio;

/// <summary>One LF's numbers on the page.</summary>
/// <param name="Name">The LF.</param>
/// <param name="File">Its file, relative to the LF folder.</param>
/// <param name="Line">Its line there (1-based; 0 when unknown).</param>
/// <param name="Polarity">The classes it voted.</param>
/// <param name="Coverage">Share of training rows it votes on.</param>
/// <param name="Overlaps">Share of training rows it votes on where another LF votes too.</param>
/// <param name="Conflicts">Share of training rows it votes on where another LF votes another class.</param>
/// <param name="Correct">Gold rows (dev and hand labels) where it votes the gold class; null without gold.</param>
/// <param name="Incorrect">Gold rows where it votes another class; null without gold.</param>
/// <param name="EmpiricalAccuracy">Correct over correct plus incorrect; null without gold votes.</param>
/// <param name="LearnedAccuracy">The label model's mean probability that its votes are right; null without a model or votes.</param>
public sealed record LfNumbers(string Name, string File, int Line, IReadOnlyList<string> Polarity, double Coverage, double Overlaps, double Conflicts,
    long? Correct, long? Incorrect, double? EmpiricalAccuracy, double? LearnedAccuracy);

/// <summary>The numbers of the whole set of LFs and of the label model.</summary>
/// <param name="Lfs">LFs.</param>
/// <param name="Rows">Training rows.</param>
/// <param name="Coverage">Share of training rows some LF votes on.</param>
/// <param name="Overlap">Share of training rows two or more LFs vote on.</param>
/// <param name="Conflict">Share of training rows where LFs disagree.</param>
/// <param name="GoldRows">Rows with a gold label (dev rows and hand-labelled rows).</param>
/// <param name="Model">The label model's name (auto's choice), or null.</param>
/// <param name="ModelAccuracy">
/// Share of the gold rows whose label model's most probable class is the gold label (a tie counts as wrong); null without
/// gold or a model. Rows no LF votes on count too: the model gives them its class prior's top class.
/// </param>
/// <param name="ModelCoverage">
/// Share of the gold rows whose label model's top classes do not tie; null without gold or a model. A model with a class
/// prior labels rows no LF votes on too, so this is not the LFs' coverage: see <paramref name="GoldCoverage"/>.
/// </param>
/// <param name="CoveredGoldRows">Gold rows some LF votes on.</param>
/// <param name="GoldCoverage">Share of the gold rows some LF votes on; null without gold rows.</param>
/// <param name="ModelAccuracyCovered">
/// <paramref name="ModelAccuracy"/> on the gold rows some LF votes on (the rows the LFs decide, not the prior); null without
/// such rows or a model.
/// </param>
/// <param name="UncertainCoveredGoldRows">
/// Of the gold rows some LF votes on, those where the label model's two most probable classes are less than
/// <see cref="StudioSession.UncertainMargin"/> apart: rows the LFs decide, but barely; null without a model.
/// </param>
public sealed record TotalNumbers(int Lfs, long Rows, double Coverage, double Overlap, double Conflict, long GoldRows, string? Model, double? ModelAccuracy,
    double? ModelCoverage, long CoveredGoldRows, double? GoldCoverage, double? ModelAccuracyCovered, long? UncertainCoveredGoldRows);

/// <summary>What one edit did: the LFs it added, removed and changed, and the change in the headline numbers.</summary>
/// <param name="Id">1, 2, ... since the studio started.</param>
/// <param name="Time">When (UTC).</param>
/// <param name="Reason">"start", "edit", "save", "external change", "suggestion", "hand label".</param>
/// <param name="Added">LFs that are new.</param>
/// <param name="Removed">LFs that are gone.</param>
/// <param name="Changed">LFs whose definition changed.</param>
/// <param name="Totals">The numbers after the edit.</param>
/// <param name="Reapplied">LFs applied to the data for this edit (the others came from memory).</param>
/// <param name="Milliseconds">Time to re-apply, refit and recompute.</param>
public sealed record HistoryEntry(int Id, DateTime Time, string Reason, IReadOnlyList<string> Added, IReadOnlyList<string> Removed, IReadOnlyList<string> Changed,
    TotalNumbers Totals, int Reapplied, double Milliseconds);

/// <summary>An evaluated set of LFs: the matrices, the fitted label model and the numbers.</summary>
internal sealed class Evaluation
{
    public required int Id { get; init; }

    public required LfSet Set { get; init; }

    public required LabelSchema Schema { get; init; }

    public required IReadOnlyList<LabelingFunction> Lfs { get; init; }

    /// <summary>The training matrix; its gold labels are the hand labels (-1 elsewhere).</summary>
    public required LabelMatrix Train { get; init; }

    /// <summary>The dev matrix with its gold labels, or null.</summary>
    public LabelMatrix? Dev { get; init; }

    /// <summary>Dev rows and hand-labelled training rows, with their gold labels; null when there are none.</summary>
    public LabelMatrix? Gold { get; init; }

    /// <summary>The hand-labelled training rows, in the order <see cref="Gold"/> holds them after the dev rows.</summary>
    public IReadOnlyList<int> HandRows { get; init; } = [];

    public ILabelModel? Model { get; init; }

    /// <summary>Why no model could be fitted, or null.</summary>
    public string? ModelError { get; init; }

    /// <summary>The model's probabilities on the training rows (rows × classes), or null.</summary>
    public double[]? Probabilities { get; init; }

    /// <summary>Each LF's numbers; set again when the same LFs move (<see cref="StudioSession"/>'s Relocate).</summary>
    public required IReadOnlyList<LfNumbers> Numbers { get; set; }

    public required TotalNumbers Totals { get; init; }

    /// <summary>LF name → source hash, to tell what an edit changed.</summary>
    public required IReadOnlyDictionary<string, string> Hashes { get; init; }

    public required int Reapplied { get; init; }

    public required double Milliseconds { get; init; }

    /// <summary>Where <see cref="Milliseconds"/> went: (stage, milliseconds) in order.</summary>
    public IReadOnlyList<(string Stage, double Milliseconds)> Stages { get; init; } = [];

    /// <summary>The LF's numbers by name.</summary>
    public LfNumbers? Lf(string name) => Numbers.FirstOrDefault(n => n.Name == name);
}
