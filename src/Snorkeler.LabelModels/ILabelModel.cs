using System.Text.Json.Nodes;

namespace Snorkeler.LabelModels;

/// <summary>
/// A fitted label model: immutable; turns the votes of the LFs it was fitted on into a probability for
/// each class, finite and summing to 1 on every row (rows where every LF abstained included).
/// </summary>
public interface ILabelModel
{
    /// <summary>The model's name as the command line knows it ("mv", "snorkel", ...).</summary>
    string Name { get; }

    /// <summary>The classes.</summary>
    LabelSchema Schema { get; }

    /// <summary>The LFs, in the column order the model expects.</summary>
    IReadOnlyList<string> LfNames { get; }

    /// <summary>The class prior P(Y = c) the model uses.</summary>
    IReadOnlyList<double> ClassPrior { get; }

    /// <summary>
    /// Writes the probabilities of every row of <paramref name="block"/> into <paramref name="probabilities"/>,
    /// row-major (rows × k). The block's LFs must be the model's, in the same order (see <see cref="LabelModel.CheckCompatible"/>).
    /// </summary>
    void PredictProbabilities(LabelMatrix block, Span<double> probabilities);

    /// <summary>The model's own parameters as JSON (plain numbers and arrays, no type names), for the model file.</summary>
    JsonObject SaveParameters();
}

/// <summary>
/// Fits a label model. A trainer holds the options; <see cref="Fit"/> reads the training matrix (as
/// blocks, so it may be larger than memory) and returns an immutable fitted model.
/// </summary>
public interface ILabelModelTrainer
{
    /// <summary>The model's name as the command line knows it.</summary>
    string Name { get; }

    /// <summary>
    /// Fits the model. Throws <see cref="ModelRefusalException"/> for a sound matrix this model cannot fit (its size, too
    /// few sources), and <see cref="SnorkelerException"/> with a clear message for other input it cannot use.
    /// </summary>
    ILabelModel Fit(IMatrixSource train, FitContext context);
}

/// <summary>
/// A trainer that can fit from <see cref="SufficientStatistics"/> alone (e.g. merged from shards with
/// <c>fit --stats A B C</c>), giving the same model as a fit over the rows the statistics came from.
/// </summary>
public interface IStatisticsTrainer : ILabelModelTrainer
{
    /// <summary>Fits from statistics; the prior must come from the context (explicit or dev split) or be uniform.</summary>
    ILabelModel Fit(SufficientStatistics statistics, FitContext context);
}

/// <summary>What every fit may use besides the training matrix.</summary>
public sealed record FitContext
{
    /// <summary>Random seed; null means nondeterministic. Tests always pass one.</summary>
    public int? Seed { get; init; }

    /// <summary>A labelled dev split (gold labels) for the prior, weights and model selection, or null.</summary>
    public IMatrixSource? Dev { get; init; }

    /// <summary>What errors about the dev split call it (its file, so a message names the file at fault); null: "the dev split".</summary>
    public string? DevName { get; init; }

    /// <summary>
    /// What errors about the training matrix call it (its file: <c>train.json: flyingsquid needs at least 3 LFs ...</c>), so a
    /// model's refusal of the matrix's shape names the file at fault; null: the message names none.
    /// </summary>
    public string? TrainName { get; init; }

    /// <summary>An explicit class prior, or null to use the dev split's frequencies, or else the model's default.</summary>
    public IReadOnlyList<double>? Prior { get; init; }

    /// <summary>Progress messages (stderr on the command line), or null.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>
    /// Warnings about the fit a user should see whatever the verbosity (a fit stopped at its iteration cap, a model that
    /// cannot read this matrix's sources): stderr on the command line, also with --quiet. Null sends them to <see cref="Log"/>.
    /// </summary>
    public Action<string>? Warn { get; init; }

    /// <summary>Cancels a long fit.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>
    /// The model a message advising one of its options names them for as compare's model list spells them
    /// (<c>glad:restarts=2</c>), or null: as fit and label take them (<c>--restarts 2</c>).
    /// </summary>
    internal string? ModelListName { get; init; }

    /// <summary>
    /// Option <paramref name="name"/>, with <paramref name="value"/> when given, as the command spells it: <c>--lr</c>,
    /// <c>--subtypes 2</c>; under compare (<see cref="ModelListName"/>) <c>snorkel:lr</c>, <c>ebcc:subtypes=2</c>.
    /// </summary>
    internal string Option(string name, string? value = null)
        => ModelListName is { } model ? $"{model}:{name}{(value is null ? "" : "=" + value)}" : $"--{name}{(value is null ? "" : " " + value)}";

    /// <summary>This context for a fit inside another (a candidate, a restart, a start): no progress and no warnings of its own.</summary>
    internal FitContext Quiet => this with { Log = null, Warn = null };

    /// <summary>Writes a warning to <see cref="Warn"/>, else to <see cref="Log"/>.</summary>
    internal void Warning(string message) => (Warn ?? Log)?.Invoke(message);

    /// <summary>"train.json: " before a message about the training matrix, or nothing without <see cref="TrainName"/>.</summary>
    internal string TrainPrefix => TrainName is null ? "" : TrainName + ": ";

    /// <summary>The dev split's name in errors: <see cref="DevName"/>, else "the dev split".</summary>
    internal string DevWhere => DevName ?? "the dev split";

    /// <summary>A context with defaults and the given seed.</summary>
    public static FitContext WithSeed(int? seed) => new() { Seed = seed };
}
