using Snorkeler.LabelModels.Tests.Support;

namespace Snorkeler.LabelModels.Tests;

/// <summary>Prediction reads one-byte (dense) and sparse votes by different paths; both give the same bits.</summary>
public sealed class PredictStorageTests
{
    private static double[] Predict(ILabelModel model, LabelMatrix matrix)
    {
        var p = new double[matrix.RowCount * model.Schema.Cardinality];
        model.PredictProbabilities(matrix, p);
        return p;
    }

    private static void ShouldPredictTheSameBits(ILabelModel model, LabelMatrix dense)
    {
        dense.IsNarrow.ShouldBeTrue();
        var sparse = dense.ToSparse();
        sparse.IsNarrow.ShouldBeFalse();
        var fromDense = Predict(model, dense);
        var fromSparse = Predict(model, sparse);
        fromDense.Any(v => v is > 0.01 and < 0.99).ShouldBeTrue(); // not all certain: the sums matter
        fromDense.Select(BitConverter.DoubleToInt64Bits).ShouldBe(fromSparse.Select(BitConverter.DoubleToInt64Bits));
    }

    [Theory]
    [InlineData("snorkel")]
    [InlineData("snorkel:deps=lf_0:lf_1")]
    // Dawid–Skene's model of independent sources, which the row activity's test keeps on these independent LFs after five
    // further EM fits (in its guard's held-out fits too): WorkoutTests fits such matrices with that test.
    [InlineData("dawid-skene:activity=none")]
    [InlineData("mv")]
    public void Three_classes_from_dense_votes_give_the_same_probabilities_as_from_sparse_votes(string model)
    {
        var matrix = Some.Synthetic(3000, 9, 3, seed: 41, coverage: 0.4);
        var fitted = WorkoutTests.Fit(model, matrix, FitContext.WithSeed(2));
        ShouldPredictTheSameBits(fitted, matrix);
    }
}
