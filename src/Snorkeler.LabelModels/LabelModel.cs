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

    /// <summary>Throws a clear error unless <paramref name="matrix"/> has the model's classes and LFs in the same order.</summary>
    public static void CheckCompatible(ILabelModel model, IMatrixSource matrix, string? matrixName = null)
    {
        var where = matrixName is null ? "the matrix" : $"{matrixName}";
        if (!model.Schema.Equals(matrix.Schema))
            throw new SnorkelerException($"{where}: classes {matrix.Schema} differ from the model's {model.Schema}");
        if (model.LfNames.Count != matrix.LfNames.Count)
            throw new SnorkelerException($"{where}: has {matrix.LfNames.Count} LFs but the model was fitted on {model.LfNames.Count}");
        for (var j = 0; j < model.LfNames.Count; j++)
            if (!string.Equals(model.LfNames[j], matrix.LfNames[j], StringComparison.Ordinal))
                throw new SnorkelerException($"{where}: LF {j + 1} is '{matrix.LfNames[j]}' but the model expects '{model.LfNames[j]}'");
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
