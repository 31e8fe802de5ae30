namespace Snorkeler.LabelModels.Tests.Support;

/// <summary>Builders of label matrices for the tests.</summary>
internal static class Some
{
    /// <summary>LF names lf_0, lf_1, ...</summary>
    public static string[] LfNames(int m) => Enumerable.Range(0, m).Select(j => $"lf_{j}").ToArray();

    /// <summary>
    /// Rows drawn from a conditionally independent model: each LF votes with probability
    /// <paramref name="coverage"/>, rightly with its accuracy (0.6 .. 0.9 across LFs), else a wrong class
    /// at random. Gold labels attached. The first <paramref name="allAbstainRows"/> rows have no votes.
    /// </summary>
    public static LabelMatrix Synthetic(int rows, int m, int k, int seed, double coverage = 0.6, int allAbstainRows = 3, double[]? accuracies = null)
    {
        var random = new Random(seed);
        var votes = new int[rows * m];
        var gold = new int[rows];
        for (var i = 0; i < rows; i++)
        {
            var y = random.NextDouble() < 0.6 ? 0 : 1 + random.Next(k - 1);
            gold[i] = y;
            for (var j = 0; j < m; j++)
            {
                var vote = -1;
                if (i >= allAbstainRows && random.NextDouble() < coverage)
                {
                    var accuracy = accuracies?[j] ?? 0.6 + 0.3 * j / Math.Max(1, m - 1);
                    vote = random.NextDouble() < accuracy ? y : (y + 1 + random.Next(k - 1)) % k;
                }
                votes[i * m + j] = vote;
            }
        }
        return LabelMatrix.Create(LabelSchema.Numbered(k), LfNames(m), votes, gold);
    }

    /// <summary>A matrix from rows of votes.</summary>
    public static LabelMatrix Matrix(int k, int[][] rows, int[]? gold = null)
    {
        var m = rows[0].Length;
        return LabelMatrix.Create(LabelSchema.Numbered(k), LfNames(m), rows.SelectMany(r => r).ToArray(), gold ?? []);
    }

    /// <summary>Every model's probabilities for a matrix, checked: finite, in [0, 1], each row summing to 1.</summary>
    public static double[] CheckedProbabilities(ILabelModel model, LabelMatrix matrix)
    {
        var probabilities = model.PredictProbabilities(matrix);
        var k = matrix.Schema.Cardinality;
        probabilities.Length.ShouldBe(matrix.RowCount * k);
        for (var i = 0; i < matrix.RowCount; i++)
        {
            var sum = 0.0;
            for (var c = 0; c < k; c++)
            {
                var p = probabilities[i * k + c];
                double.IsFinite(p).ShouldBeTrue($"{model.Name}: row {i} class {c} is {p}");
                p.ShouldBeInRange(0, 1);
                sum += p;
            }
            sum.ShouldBe(1.0, 1e-9, $"{model.Name}: row {i}");
        }
        return probabilities;
    }
}
