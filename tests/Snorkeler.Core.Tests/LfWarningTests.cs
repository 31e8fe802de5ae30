using Snorkeler.Analysis;

namespace Snorkeler.Core.Tests;

/// <summary>Warnings computed from a label matrix, each with its code and whole message.</summary>
public class LfWarningTests
{
    private static readonly LabelSchema HamSpam = new(["HAM", "SPAM"]);

    private static IReadOnlyList<string> Warnings(string[] lfs, int[,] votes, int[]? gold = null)
        => LfWarnings.Check(LabelMatrix.Create(HamSpam, lfs, votes, gold)).Select(w => w.ToString()).ToList();

    [Fact]
    public void An_lf_that_never_votes_and_one_that_votes_on_every_row_are_named()
    {
        var warnings = Warnings(["never", "always", "some"], new[,] { { -1, 0, 1 }, { -1, 0, -1 }, { -1, 0, 0 } });

        warnings.ShouldBe([
            "warning SNK0701: LF 'never' votes on none of the 3 rows; check its condition against a few rows ('snorkeler rows --lf never --vote ABSTAIN')",
            "warning SNK0702: LF 'always' votes HAM on every row, so it tells no row from another; an LF should abstain where it has no evidence",
        ]);
    }

    [Fact]
    public void An_lf_silent_on_data_of_one_row_is_named_in_the_singular()
    {
        var warnings = Warnings(["never", "some"], new[,] { { -1, 1 } });

        warnings.ShouldBe([
            "warning SNK0701: LF 'never' does not vote on the one row; check its condition against a few rows ('snorkeler rows --lf never --vote ABSTAIN')",
        ]);
    }

    [Fact]
    public void Identical_lfs_are_duplicates_and_nearly_identical_ones_near_duplicates()
    {
        // Given: a and b identical; c agrees with d on 20 of the 21 rows either votes on (95.2%); e agrees with f on 19 of 21 (90.5%)
        var rows = 40;
        var votes = new int[rows, 6];
        for (var i = 0; i < rows; i++)
        {
            votes[i, 0] = votes[i, 1] = i % 4 == 0 ? 1 : -1;
            votes[i, 2] = i < 20 ? 0 : -1;
            votes[i, 3] = i < 21 ? 0 : -1;
            votes[i, 4] = i < 19 ? 1 : -1;
            votes[i, 5] = i < 21 ? 1 : -1;
        }

        // When
        var warnings = Warnings(["a", "b", "c", "d", "e", "f"], votes);

        // Then
        warnings.ShouldBe([
            "warning SNK0703: LFs 'a' and 'b' vote the same on every row, so the label model counts the same evidence twice; keep one",
            "warning SNK0704: LFs 'c' and 'd' vote the same on 20 of the 21 rows either votes on (95.2%); the label model will count much of their evidence twice: keep one, or make them differ",
        ]);
    }

    /// <summary>
    /// 400 rows, half of each class, 8 LFs (4 per class) firing on 30 % of their class's rows and 8 % of the other's, each
    /// chance scaled by the row's activity: log-normal with spread <paramref name="spread"/> (0: every row alike).
    /// </summary>
    private static (int[,] Votes, int[] Gold) Busy(double spread, int seed)
    {
        var random = new Random(seed);
        const int rows = 400, lfs = 8;
        var votes = new int[rows, lfs];
        var gold = new int[rows];
        for (var i = 0; i < rows; i++)
        {
            gold[i] = i % 2;
            var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            var activity = Math.Exp(spread * normal - spread * spread / 2);
            for (var j = 0; j < lfs; j++)
                votes[i, j] = random.NextDouble() < Math.Min(0.98, (j % 2 == gold[i] ? 0.3 : 0.08) * activity) ? j % 2 : -1;
        }
        return (votes, gold);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void LFs_that_fire_together_within_each_class_are_named_and_LFs_that_fire_independently_are_not(int seed)
    {
        // Given LFs whose chance to fire rises and falls with the row (busy rows, quiet rows), and the same LFs with every row alike
        var names = Enumerable.Range(0, 8).Select(j => $"lf{j}").ToArray();
        var (busy, busyGold) = Busy(1.0, seed);
        var (alike, alikeGold) = Busy(0, seed);

        // When
        var together = Warnings(names, busy, busyGold);
        var independent = Warnings(names, alike, alikeGold);

        // Then
        together.ShouldHaveSingleItem().ShouldStartWith("warning SNK0707: the LFs fire together far more than the classes explain: on the 400 labelled rows the number of votes a row gets varies ");
        together[0].ShouldContain("'snorkeler fit --model auto --dev DEV'");
        independent.ShouldBeEmpty();
    }

    [Fact]
    public void LFs_that_fire_together_are_not_named_on_fewer_than_a_hundred_labelled_rows()
    {
        // Given the busy rows of the test above, with the gold of 99 rows only
        var (busy, gold) = Busy(1.0, 1);
        var few = gold.Select((g, i) => i < 99 ? g : -1).ToArray();

        // When / Then
        Warnings(Enumerable.Range(0, 8).Select(j => $"lf{j}").ToArray(), busy, gold).ShouldHaveSingleItem();
        Warnings(Enumerable.Range(0, 8).Select(j => $"lf{j}").ToArray(), busy, few).ShouldBeEmpty();
    }

    [Fact]
    public void Several_identical_lfs_are_named_in_one_warning_not_one_for_each_pair()
    {
        // Given: 'c0'..'c3' identical, 'x' and 'y' identical (another column), 'z' alone
        var rows = 30;
        var votes = new int[rows, 7];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < 4; j++) votes[i, j] = i % 3 == 0 ? 1 : -1;
            votes[i, 4] = votes[i, 5] = i % 2 == 0 ? 0 : -1;
            votes[i, 6] = i % 4 == 0 ? -1 : i % 5 == 0 ? 0 : 1;
        }

        // When
        var warnings = Warnings(["c0", "c1", "c2", "c3", "x", "y", "z"], votes);

        // Then: one warning for the four, the pair's as before
        warnings.ShouldBe([
            "warning SNK0703: LFs 'c0', 'c1', 'c2' and 'c3' vote the same on every row, so the label model counts the same evidence 4 times; keep one",
            "warning SNK0703: LFs 'x' and 'y' vote the same on every row, so the label model counts the same evidence twice; keep one",
        ]);
    }

    [Fact]
    public void An_lf_well_below_chance_on_gold_labels_is_named_and_one_near_chance_is_not()
    {
        // Given: gold SPAM on half the rows; 'bad' votes SPAM on 20 rows of which 4 are SPAM; 'coin' on 20 rows, 9 SPAM
        var rows = 100;
        var votes = new int[rows, 2];
        var gold = new int[rows];
        for (var i = 0; i < rows; i++)
        {
            gold[i] = i < 50 ? 1 : 0;
            votes[i, 0] = i < 4 || i is >= 50 and < 66 ? 1 : -1;
            votes[i, 1] = i < 9 || i is >= 50 and < 61 ? 1 : -1;
        }

        // When
        var warnings = Warnings(["bad", "coin"], votes, gold);

        // Then
        warnings.ShouldBe(["warning SNK0705: LF 'bad' is right on 4 of the 20 labelled rows it votes on (0.20), below chance (0.50: voting SPAM at random would be right that often); is its class the wrong one? ('snorkeler rows --lf bad --wrong')"]);
    }

    [Fact]
    public void Warnings_carry_the_lfs_location_and_name_an_lf_reading_the_gold_column()
    {
        // Given
        var at = new SourceLocation("t.rules", 4, 4);
        var lfs = new[] { new LabelingFunction("leak", _ => _ => 1, at, fields: ["Category"]), LabelingFunction.Create("ok", _ => 0) };
        var matrix = LabelMatrix.Create(HamSpam, ["leak", "ok"], new[,] { { 1, 0 }, { 0, -1 } });

        // When
        var warnings = LfWarnings.Check(matrix, lfs, goldColumn: "category");

        // Then
        warnings.Select(w => w.Code).ShouldBe([LfWarnings.Codes.AlwaysVotes, LfWarnings.Codes.ReadsGold]);
        warnings.ShouldAllBe(w => w.Severity == DiagnosticSeverity.Warning);
        warnings[0].Location.ShouldBe(at);
        warnings[1].ToString().ShouldBe("t.rules(4,4): warning SNK0706: LF 'leak' reads 'category', the column of gold labels: its votes copy the answers, and neither its accuracy nor the label model's can be trusted");
    }

    [Fact]
    public void Counts_fed_block_by_block_give_the_warnings_of_the_whole_matrix()
    {
        var matrix = LabelMatrix.Create(HamSpam, ["a", "b", "c"], Enumerable.Range(0, 3000).SelectMany(i => new[] { i % 2, i % 2, -1 }).ToArray());
        var counts = new LfWarnings.Counts(matrix.Schema, matrix.LfNames);
        foreach (var block in matrix.ReadBlocks(128)) counts.Add(block);

        counts.Warnings().Select(w => w.ToString()).ShouldBe(LfWarnings.Check(matrix).Select(w => w.ToString()));
        counts.Warnings().Select(w => w.Code).ShouldBe(["SNK0702", "SNK0702", "SNK0701", "SNK0703"]);
    }

    [Fact]
    public void Dense_and_sparse_blocks_of_the_same_votes_and_gold_give_the_same_warnings()
    {
        // Given: a copy of an LF, an LF mostly wrong on gold, one that never votes and one that votes on every row
        var random = new Random(7);
        var gold = Enumerable.Range(0, 2000).Select(i => random.Next(10) == 0 ? -1 : i % 2).ToArray();
        var votes = Enumerable.Range(0, 2000).SelectMany(i =>
        {
            var a = random.Next(3) == 0 ? -1 : i % 2;
            var wrong = random.Next(4) == 0 ? -1 : random.Next(5) == 0 ? i % 2 : 1 - i % 2;
            return new[] { a, a, wrong, -1, random.Next(2) };
        }).ToArray();
        var dense = LabelMatrix.Create(HamSpam, ["a", "copy", "wrong", "never", "always"], votes, gold);
        var sparse = dense.ToSparse();

        // When
        var fromDense = new LfWarnings.Counts(dense.Schema, dense.LfNames);
        var fromSparse = new LfWarnings.Counts(dense.Schema, dense.LfNames);
        foreach (var block in dense.ReadBlocks(300)) fromDense.Add(block);
        foreach (var block in sparse.ReadBlocks(300)) fromSparse.Add(block);

        // Then
        dense.IsNarrow.ShouldBeTrue();
        sparse.IsSparse.ShouldBeTrue();
        var warnings = fromDense.Warnings().Select(w => w.ToString()).ToList();
        warnings.ShouldBe(fromSparse.Warnings().Select(w => w.ToString()));
        fromDense.Warnings().Select(w => w.Code).Distinct().Count().ShouldBeGreaterThanOrEqualTo(3);
        warnings.ShouldContain(w => w.Contains("'wrong'"));
        warnings.ShouldContain(w => w.Contains("'copy'"));
    }
}
