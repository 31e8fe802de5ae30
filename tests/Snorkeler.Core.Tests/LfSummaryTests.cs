using System.Text.Json;
using Snorkeler.Analysis;
using Snorkeler.Core.Tests.Support;
using Snorkeler.Data;

namespace Snorkeler.Core.Tests;

public class LfSummaryTests
{
    // Hand-computed example: 5 rows, 3 LFs, gold labels (row 4 unknown).
    private static readonly int[,] Votes =
    {
        { 1, 1, -1 },   // gold SPAM: lf_0, lf_1 agree
        { 0, 1, -1 },   // gold HAM: lf_0 and lf_1 conflict
        { -1, -1, -1 }, // gold SPAM: no votes
        { 0, -1, 0 },   // gold HAM: lf_0, lf_2 agree
        { -1, 1, 0 },   // gold unknown: lf_1 and lf_2 conflict
    };

    private static readonly int[] Gold = [1, 0, 1, 0, -1];

    [Fact]
    public void The_summary_of_a_hand_computed_matrix()
    {
        // When
        var summary = LfSummary.Of(Some.Matrix(Votes, Gold));

        // Then
        summary.Rows.ShouldBe(5);
        summary.HasGold.ShouldBeTrue();
        summary.Coverage.ShouldBe(0.8);
        summary.Overlap.ShouldBe(0.8);
        summary.Conflict.ShouldBe(0.4);
        var (lf0, lf1, lf2) = (summary.Lfs[0], summary.Lfs[1], summary.Lfs[2]);

        lf0.Name.ShouldBe("lf_0");
        lf0.Polarity.ShouldBe([0, 1]);
        lf0.Coverage.ShouldBe(0.6);
        lf0.Overlaps.ShouldBe(0.6);
        lf0.Conflicts.ShouldBe(0.2);
        lf0.VotesPerClass.ShouldBe([2L, 1L]);
        lf0.Correct.ShouldBe(3);
        lf0.Incorrect.ShouldBe(0);
        lf0.EmpiricalAccuracy.ShouldBe(1.0);

        lf1.Polarity.ShouldBe([1]);
        lf1.Coverage.ShouldBe(0.6);
        lf1.Overlaps.ShouldBe(0.6);
        lf1.Conflicts.ShouldBe(0.4);
        lf1.VotesPerClass.ShouldBe([0L, 3L]);
        lf1.Correct.ShouldBe(1);
        lf1.Incorrect.ShouldBe(1);
        lf1.EmpiricalAccuracy.ShouldBe(0.5);

        lf2.Polarity.ShouldBe([0]);
        lf2.Coverage.ShouldBe(0.4);
        lf2.Overlaps.ShouldBe(0.4);
        lf2.Conflicts.ShouldBe(0.2);
        lf2.Correct.ShouldBe(1);
        lf2.Incorrect.ShouldBe(0);
        lf2.EmpiricalAccuracy.ShouldBe(1.0);
    }

    [Fact]
    public void Without_gold_labels_accuracy_is_unknown()
    {
        var summary = LfSummary.Of(Some.Matrix(Votes));

        summary.HasGold.ShouldBeFalse();
        summary.Lfs.ShouldAllBe(lf => lf.Correct == null && lf.Incorrect == null && lf.EmpiricalAccuracy == null);
        summary.ToTable(markdown: false).ShouldNotContain("emp. acc.");
    }

    [Fact]
    public void A_gold_column_without_a_single_label_measures_no_accuracy()
    {
        // Given: unlabelled data read with --gold-column, so the matrix has gold labels, all unknown
        var summary = LfSummary.Of(Some.Matrix(Votes, [-1, -1, -1, -1, -1]));

        // Then: no "0 correct, 0 incorrect" that would read as a measurement
        summary.HasGold.ShouldBeFalse();
        summary.Lfs.ShouldAllBe(lf => lf.Correct == null && lf.EmpiricalAccuracy == null);
        summary.ToTable(markdown: false).ShouldNotContain("emp. acc.");
    }

    [Fact]
    public void The_summary_is_the_same_read_block_by_block()
    {
        var matrix = Some.RandomMatrix(rows: 500, lfs: 6, k: 3, seed: 9, gold: true);

        var whole = LfSummary.Of(matrix);
        var blocked = LfSummary.Of(new Blocks(matrix, 7));

        blocked.Lfs.ShouldBe(whole.Lfs, ignoreOrder: false, comparer: new StatisticsComparer());
        (blocked.Coverage, blocked.Overlap, blocked.Conflict).ShouldBe((whole.Coverage, whole.Overlap, whole.Conflict));
    }

    [Fact]
    public void The_json_summary_holds_every_statistic()
    {
        // Given
        var summary = LfSummary.Of(Some.Matrix(Votes, Gold));
        using var stream = new MemoryStream();

        // When
        using (var writer = new Utf8JsonWriter(stream)) summary.WriteJson(writer);
        using var json = JsonDocument.Parse(stream.ToArray());

        // Then
        var root = json.RootElement;
        root.GetProperty("rows").GetInt64().ShouldBe(5);
        root.GetProperty("classes").EnumerateArray().Select(c => c.GetString()).ShouldBe(["HAM", "SPAM"]);
        root.GetProperty("coverage").GetDouble().ShouldBe(0.8);
        root.GetProperty("conflict").GetDouble().ShouldBe(0.4);
        var lf0 = root.GetProperty("lfs")[0];
        lf0.GetProperty("name").GetString().ShouldBe("lf_0");
        lf0.GetProperty("polarity").EnumerateArray().Select(c => c.GetString()).ShouldBe(["HAM", "SPAM"]);
        lf0.GetProperty("coverage").GetDouble().ShouldBe(0.6);
        lf0.GetProperty("votes").GetProperty("HAM").GetInt64().ShouldBe(2);
        lf0.GetProperty("correct").GetInt64().ShouldBe(3);
        lf0.GetProperty("empirical_accuracy").GetDouble().ShouldBe(1.0);
        root.GetProperty("lfs")[1].GetProperty("empirical_accuracy").GetDouble().ShouldBe(0.5);
    }

    [Fact]
    public void Analyze_text_and_the_html_report_count_rows_and_lfs_alike_with_thousands_separators()
    {
        // Given 1,234 rows of 1,001 LFs' votes, as LFs and as workers
        var lfs = LfSummary.Of(Some.RandomMatrix(rows: 1_234, lfs: 1_001, k: 2, seed: 5));
        var workers = lfs with { People = true };

        // When
        var text = new[] { lfs, workers }.Select(s => s.ToTable(markdown: false)).ToArray();
        var html = new[] { lfs, workers }.Select(s => HtmlReport.Render("counts", s)).ToArray();

        // Then (text said 1234 rows, 1001 LFs)
        text[0].ShouldEndWith("\n1,234 rows, 1,001 LFs, classes C0=0, C1=1\n");
        text[1].ShouldEndWith("\n1,234 tasks, 1,001 workers, classes C0=0, C1=1\n");
        html[0].ShouldContain("<p>1,234 rows, 1,001 LFs, classes C0=0, C1=1.");
        html[1].ShouldContain("<p>1,234 tasks, 1,001 workers, classes C0=0, C1=1.");
    }

    [Fact]
    public void The_tables_list_every_lf_and_the_totals()
    {
        var summary = LfSummary.Of(Some.Matrix(Votes, Gold));

        var text = summary.ToTable(markdown: false);
        var markdown = summary.ToTable(markdown: true);

        text.Split('\n')[0].ShouldBe("lf     polarity  coverage  overlaps  conflicts  correct  incorrect  emp. acc.");
        text.ShouldContain("lf_1   SPAM         0.600     0.600      0.400        1          1      0.500");
        text.ShouldContain("(all)               0.800     0.800      0.400");
        text.ShouldEndWith("5 rows, 3 LFs, classes HAM=0, SPAM=1\n");
        markdown.Split('\n')[0].ShouldBe("| lf    | polarity | coverage | overlaps | conflicts | correct | incorrect | emp. acc. |");
        markdown.Split('\n')[1].ShouldBe("|-------|----------|---------:|---------:|----------:|--------:|----------:|----------:|");
        markdown.ShouldContain("| lf_0  | HAM,SPAM |    0.600 |    0.600 |     0.200 |       3 |         0 |     1.000 |");
    }

    [Fact]
    public void Coverages_on_the_youtube_training_split_equal_the_fractions_computed_from_the_json()
    {
        // Given
        var expected = YouTubeSplit.Read("train.json");

        // When
        var summary = LfSummary.Of(WrenchFile.ReadMatrix(TestPaths.YouTubeFile("train.json")));

        // Then
        summary.Rows.ShouldBe(1586);
        for (var j = 0; j < expected.LfCount; j++)
        {
            var covered = expected.WeakLabels.Where(w => w[j] != -1).ToList();
            var onGold = expected.WeakLabels.Zip(expected.Gold).Where(p => p.First[j] != -1).ToList();
            summary.Lfs[j].Coverage.ShouldBe(expected.Coverage(j), 1e-12);
            summary.Lfs[j].Overlaps.ShouldBe(covered.Count(w => w.Count(v => v != -1) > 1) / 1586.0, 1e-12);
            summary.Lfs[j].Conflicts.ShouldBe(covered.Count(w => w.Any(v => v != -1 && v != w[j])) / 1586.0, 1e-12);
            summary.Lfs[j].Correct.ShouldBe(onGold.Count(p => p.First[j] == p.Second));
            summary.Lfs[j].Incorrect.ShouldBe(onGold.Count(p => p.First[j] != p.Second));
        }
        summary.Coverage.ShouldBe(expected.WeakLabels.Count(w => w.Any(v => v != -1)) / 1586.0, 1e-12);
        summary.Lfs[9].Coverage.ShouldBe(0.3575031525851198, 1e-12);
    }

    private sealed class StatisticsComparer : IEqualityComparer<LfStatistics>
    {
        public bool Equals(LfStatistics? x, LfStatistics? y)
            => x!.Name == y!.Name && x.Polarity.SequenceEqual(y.Polarity) && x.Coverage == y.Coverage && x.Overlaps == y.Overlaps
               && x.Conflicts == y.Conflicts && x.VotesPerClass.SequenceEqual(y.VotesPerClass) && x.Correct == y.Correct && x.Incorrect == y.Incorrect;

        public int GetHashCode(LfStatistics obj) => obj.Name.GetHashCode(StringComparison.Ordinal);
    }

    /// <summary>A matrix served in blocks of a fixed size.</summary>
    private sealed class Blocks(LabelMatrix matrix, int rows) : IMatrixSource
    {
        public LabelSchema Schema => matrix.Schema;
        public IReadOnlyList<string> LfNames => matrix.LfNames;
        public long? RowCount => null;
        public bool HasGold => matrix.HasGold;
        public IEnumerable<LabelMatrix> ReadBlocks(int rowsPerBlock = IMatrixSource.DefaultBlockRows) => matrix.ReadBlocks(rows);
    }
}
