using Snorkeler.Analysis;

namespace Snorkeler.LabelModels;

/// <summary>Operations every label model shares: checks, prediction over blocks, scoring.</summary>
public static class LabelModel
{
    /// <summary>
    /// Why a matrix without LFs cannot be fitted, for a caller that knows its file (<c>PATH: the label matrix has no LFs; ...</c>):
    /// checked before any fit, since each model's own check cannot name the file.
    /// </summary>
    public const string NoLfs = "the label matrix has no LFs; a label model needs at least one";

    /// <summary>"164 workers" for people's answers (every source an annotator), else "10 LFs": a matrix's sources as messages count them.</summary>
    internal static string Sources(IMatrixSource matrix)
        => Text.Listing.Counted(matrix.LfNames.Count, matrix.LfNames.Count > 0 && matrix.SourceKinds.All(k => k == SourceKind.Annotator) ? "worker" : "LF");

    /// <summary>
    /// How <paramref name="other"/>'s classes or LFs differ from the training matrix's, or null when they are the same in
    /// the same order: a model fitted on one reads the other's LFs by position, so names out of place would be read wrongly.
    /// The text starts "its classes …" or "its LFs …", for the caller to put the other matrix's file before it.
    /// </summary>
    /// <param name="train">The training matrix.</param>
    /// <param name="other">A test or dev split, read with a model fitted on <paramref name="train"/>.</param>
    /// <param name="training">What the text calls the training matrix ("the training matrix train.json").</param>
    /// <param name="otherMatrix">What it calls the other ("the test matrix", "the dev split").</param>
    public static string? Difference(IMatrixSource train, IMatrixSource other, string training, string otherMatrix)
    {
        Guard.NotNull(train);
        Guard.NotNull(other);
        if (!train.Schema.Equals(other.Schema))
            return $"its classes {other.Schema.ListedAgainst(train.Schema)} differ from those of {training}, {train.Schema.ListedAgainst(other.Schema)}";
        var (trained, read) = (train.LfNames, other.LfNames);
        if (trained.SequenceEqual(read, StringComparer.Ordinal)) return null;
        static string Names(IEnumerable<string> names)
        {
            var list = names.ToList();
            var shown = string.Join(", ", list.Take(3).Select(n => $"'{n}'"));
            return list.Count > 3 ? $"{shown} and {list.Count - 3} more" : shown;
        }
        static string Only(List<string> names, string matrix) => $"{Names(names)} {(names.Count == 1 ? "is" : "are")} only in {matrix}";
        var missing = trained.Except(read, StringComparer.Ordinal).ToList();
        var extra = read.Except(trained, StringComparer.Ordinal).ToList();
        var what = new List<string>();
        if (trained.Count != read.Count) what.Add($"it has {Text.Listing.Counted(read.Count, "LF")}, the training matrix {trained.Count:N0}");
        if (missing.Count > 0) what.Add(Only(missing, "the training matrix"));
        if (extra.Count > 0) what.Add(Only(extra, otherMatrix));
        if (missing.Count == 0 && extra.Count == 0 && trained.Count == read.Count)
        {
            var j = Enumerable.Range(0, trained.Count).First(x => !string.Equals(trained[x], read[x], StringComparison.Ordinal));
            what.Add($"the same LFs in another order (LF {j + 1} is '{read[j]}' in {otherMatrix}, '{trained[j]}' in the training matrix)");
        }
        return $"its LFs differ from those of {training}: {string.Join("; ", what)}; a model fitted on one reads the other's LFs by position, so they must be the same in the same order";
    }

    /// <summary>Throws a clear error unless <paramref name="matrix"/> has the model's classes and LFs in the same order.</summary>
    public static void CheckCompatible(ILabelModel model, IMatrixSource matrix, string? matrixName = null)
    {
        var where = matrixName is null ? "the matrix" : $"{matrixName}";
        if (!model.Schema.Equals(matrix.Schema))
            throw new SnorkelerException($"{where}: classes {matrix.Schema.ListedAgainst(model.Schema)} differ from the model's {model.Schema.ListedAgainst(matrix.Schema)}");
        if (model.LfNames.Count != matrix.LfNames.Count)
            throw new SnorkelerException($"{where}: has {Text.Listing.Counted(matrix.LfNames.Count, "LF")} but the model was fitted on {model.LfNames.Count:N0}");
        for (var j = 0; j < model.LfNames.Count; j++)
            if (!string.Equals(model.LfNames[j], matrix.LfNames[j], StringComparison.Ordinal))
                throw new SnorkelerException($"{where}: LF {j + 1} is '{matrix.LfNames[j]}' but the model expects '{model.LfNames[j]}'");
    }

    /// <summary>
    /// The checks every <see cref="ILabelModel.PredictProbabilities"/> makes first: <paramref name="block"/> has the model's
    /// number of LFs and <paramref name="probabilities"/> room for k numbers a row.
    /// </summary>
    internal static void CheckBlock(ILabelModel model, LabelMatrix block, ReadOnlySpan<double> probabilities)
    {
        Guard.NotNull(block);
        var m = model.LfNames.Count;
        var k = model.Schema.Cardinality;
        if (block.LfCount != m) throw new SnorkelerException($"the block has {Text.Listing.Counted(block.LfCount, "LF")} but the model was fitted on {m:N0}");
        if (probabilities.Length < (long)block.RowCount * k) throw new ArgumentException($"room for {probabilities.Length} probabilities, need {block.RowCount * k}", nameof(probabilities));
    }

    /// <summary>Probabilities for every row of an in-memory matrix, row-major (rows × k).</summary>
    public static double[] PredictProbabilities(this ILabelModel model, LabelMatrix matrix)
    {
        CheckCompatible(model, matrix);
        var probabilities = new double[(long)matrix.RowCount * model.Schema.Cardinality];
        model.PredictProbabilities(matrix, probabilities);
        return probabilities;
    }

    /// <summary>Scores the model's probabilities on a matrix with gold labels, block by block.</summary>
    public static LabelScores Score(this ILabelModel model, IMatrixSource matrix, TieBreak tieBreak = TieBreak.Abstain, int seed = 0)
    {
        CheckCompatible(model, matrix);
        if (!matrix.HasGold) throw new SnorkelerException("the matrix has no gold labels to score against");
        var scores = new MetricsAccumulator(model.Schema, tieBreak, seed);
        double[] buffer = [];
        foreach (var block in matrix.ReadBlocks())
        {
            var size = block.RowCount * model.Schema.Cardinality;
            if (buffer.Length < size) buffer = new double[size];
            model.PredictProbabilities(block, buffer.AsSpan(0, size));
            scores.Add(buffer.AsSpan(0, size), block.GoldLabels, block.FirstRow);
        }
        return scores.Result();
    }
}
