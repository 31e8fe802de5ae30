namespace Snorkeler.Core.Tests.Support;

/// <summary>Builders for the values tests need: schemas, LF names, matrices.</summary>
internal static class Some
{
    public static LabelSchema HamSpam => new(["HAM", "SPAM"]);

    /// <summary>A schema of <paramref name="k"/> classes named C0, C1, ...</summary>
    public static LabelSchema Classes(int k) => new(Enumerable.Range(0, k).Select(i => $"C{i}"));

    /// <summary>Four rows of three LFs' votes with abstains, an all-abstain row and a conflict.</summary>
    public static int[,] FourRowsThreeLfs =>
        new[,]
        {
            { 1, -1, 0 },
            { -1, -1, -1 },
            { 0, 0, 1 },
            { 1, 1, -1 },
        };

    public static string[] LfNames(int m) => Enumerable.Range(0, m).Select(j => $"lf_{j}").ToArray();

    /// <summary>A matrix from a rows × LFs array, with LFs named lf_0, lf_1, ...</summary>
    public static LabelMatrix Matrix(int[,] votes, int[]? gold = null, LabelSchema? schema = null)
        => LabelMatrix.Create(schema ?? HamSpam, LfNames(votes.GetLength(1)), votes, gold);

    /// <summary>A matrix of random votes (about half abstains), reproducible from <paramref name="seed"/>.</summary>
    public static LabelMatrix RandomMatrix(int rows, int lfs, int k, int seed, bool gold = false)
    {
        var random = new Random(seed);
        var votes = new int[rows * lfs];
        for (var i = 0; i < votes.Length; i++) votes[i] = random.Next(2) == 0 ? -1 : random.Next(k);
        var labels = gold ? Enumerable.Range(0, rows).Select(_ => random.Next(-1, k)).ToArray() : null;
        return LabelMatrix.Create(Classes(k), LfNames(lfs), votes, labels);
    }

    /// <summary>Every vote of a matrix, row-major.</summary>
    public static int[] Votes(LabelMatrix matrix)
    {
        var all = new int[matrix.RowCount * matrix.LfCount];
        for (var i = 0; i < matrix.RowCount; i++)
        for (var j = 0; j < matrix.LfCount; j++)
            all[i * matrix.LfCount + j] = matrix[i, j];
        return all;
    }

    /// <summary>Checks two matrices hold the same classes, LF names, votes and gold labels.</summary>
    public static void ShouldEqual(this LabelMatrix actual, LabelMatrix expected, bool compareGold = true)
    {
        actual.Schema.ShouldBe(expected.Schema);
        actual.LfNames.ShouldBe(expected.LfNames);
        actual.RowCount.ShouldBe(expected.RowCount);
        Votes(actual).ShouldBe(Votes(expected));
        if (!compareGold) return;
        actual.HasGold.ShouldBe(expected.HasGold);
        if (expected.HasGold) actual.GoldLabels.ToArray().ShouldBe(expected.GoldLabels.ToArray());
    }
}
