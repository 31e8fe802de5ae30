using System.Text.Json.Nodes;

namespace Snorkeler.LabelModels;

/// <summary>
/// Majority vote: each row's probability for a class is that class's share of the row's non-abstain
/// votes; a row with no votes gets the uniform distribution, and tied classes share equally (hard
/// labels then follow the tie-break policy). Fitting learns nothing, but reads the matrix once so that a
/// damaged file (truncated, a vote that is not a class, a row count that does not add up) fails here as it does
/// for every other model rather than giving a model.
/// </summary>
public sealed class MajorityVoteTrainer : ILabelModelTrainer
{
    /// <summary>The command-line name.</summary>
    public const string ModelName = "mv";

    /// <inheritdoc />
    public string Name => ModelName;

    /// <inheritdoc />
    public ILabelModel Fit(IMatrixSource train, FitContext context)
    {
        Guard.NotNull(train);
        if (train.LfNames.Count == 0) throw new ModelRefusalException("mv: the label matrix has no LFs");
        // The readers check the votes, gold labels and row count as they go: reading is the validation.
        foreach (var _ in train.ReadBlocks()) context.Cancellation.ThrowIfCancellationRequested();
        return new MajorityVoteModel(train.Schema, train.LfNames.ToArray());
    }
}

/// <summary>A fitted majority vote (see <see cref="MajorityVoteTrainer"/>).</summary>
public sealed class MajorityVoteModel : ILabelModel
{
    /// <summary>Creates the model for a schema and LFs.</summary>
    public MajorityVoteModel(LabelSchema schema, IReadOnlyList<string> lfNames)
    {
        Schema = Guard.NotNull(schema);
        LfNames = Guard.NotNull(lfNames);
        ClassPrior = LabelModels.ClassPrior.Uniform(schema.Cardinality);
    }

    /// <inheritdoc />
    public string Name => MajorityVoteTrainer.ModelName;
    /// <inheritdoc />
    public LabelSchema Schema { get; }
    /// <inheritdoc />
    public IReadOnlyList<string> LfNames { get; }
    /// <inheritdoc />
    public IReadOnlyList<double> ClassPrior { get; }

    /// <inheritdoc />
    public void PredictProbabilities(LabelMatrix block, Span<double> probabilities)
    {
        var k = Schema.Cardinality;
        var m = block.LfCount;
        var lfs = new int[m];
        var votes = new int[m];
        for (var i = 0; i < block.RowCount; i++)
        {
            var row = probabilities.Slice(i * k, k);
            row.Clear();
            var total = block.CopyVotes(i, lfs, votes);
            for (var v = 0; v < total; v++) row[votes[v]] += 1;
            if (total == 0) row.Fill(1.0 / k);
            else for (var c = 0; c < k; c++) row[c] /= total;
        }
    }

    /// <inheritdoc />
    public JsonObject SaveParameters() => [];

    /// <summary>Loads the model from its saved parameters.</summary>
    internal static MajorityVoteModel Load(LabelSchema schema, IReadOnlyList<string> lfNames, JsonObject parameters) => new(schema, lfNames);
}
