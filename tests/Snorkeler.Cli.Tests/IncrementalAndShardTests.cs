using Snorkeler.Cli.Tests.Support;
using Snorkeler.IO;

namespace Snorkeler.Cli.Tests;

public class IncrementalAndShardTests
{
    private static string[] RawData => ["--data", .. TestPaths.YouTubeRawCsvs, "--column", "text=CONTENT"];

    /// <summary>Copies the spam rules (and their word list) so a test can edit them.</summary>
    private static string CopyRules(TempFolder temp)
    {
        var folder = temp.File("lfs");
        Directory.CreateDirectory(folder);
        foreach (var name in new[] { "spam.rules", "please_words.txt" })
            File.Copy(TestPaths.InRepo("labeling-functions", "spam", name), Path.Combine(folder, name));
        return Path.Combine(folder, "spam.rules");
    }

    private static int[,] Votes(string path)
    {
        var m = MatrixFile.Read(path);
        var votes = new int[m.RowCount, m.LfCount];
        for (var i = 0; i < m.RowCount; i++)
        for (var j = 0; j < m.LfCount; j++)
            votes[i, j] = m[i, j];
        return votes;
    }

    private static CliResult Apply(TempFolder temp, string rules, string output, params string[] more)
        => Shell.Run(["apply", "--lfs", rules, .. RawData, "--out", temp.File(output), "--cache-dir", temp.File("cache"), .. more]);

    [Fact]
    public void An_incremental_rerun_after_editing_one_lf_evaluates_only_that_lf_and_gives_the_rows_of_a_full_apply()
    {
        // Given a first incremental run that fills the cache
        using var temp = new TempFolder();
        var rules = CopyRules(temp);
        var first = Apply(temp, rules, "first.snkm", "--incremental");
        first.ShouldSucceed();
        first.Error.ShouldContain("0 of 7 LF columns from the cache");

        // When one LF changes
        File.WriteAllText(rules, File.ReadAllText(rules).Replace("contains \"song\"", "contains \"songs\"", StringComparison.Ordinal));
        var again = Apply(temp, rules, "again.snkm", "--incremental");
        var full = Apply(temp, rules, "full.snkm");

        // Then only it is evaluated, and the rows equal a full apply's
        again.ShouldSucceed();
        again.Error.ShouldContain("6 of 7 LF columns from the cache, 1 evaluated");
        full.ShouldSucceed();
        Votes(temp.File("again.snkm")).ShouldBe(Votes(temp.File("full.snkm")));
        Votes(temp.File("again.snkm")).ShouldNotBe(Votes(temp.File("first.snkm")));
    }

    [Fact]
    public void An_incremental_rerun_with_nothing_changed_reads_every_column_from_the_cache()
    {
        // Given
        using var temp = new TempFolder();
        var rules = CopyRules(temp);
        Apply(temp, rules, "first.snkm", "--incremental").ExitCode.ShouldBe(0);

        // When
        var again = Apply(temp, rules, "again.snkm", "--incremental");

        // Then
        again.ShouldSucceed();
        again.Error.ShouldContain("7 of 7 LF columns from the cache, 0 evaluated");
        Votes(temp.File("again.snkm")).ShouldBe(Votes(temp.File("first.snkm")));
        MatrixFile.Read(temp.File("again.snkm")).LfNames.ShouldBe(MatrixFile.Read(temp.File("first.snkm")).LfNames);
    }

    [Fact]
    public void A_damaged_cached_column_is_recomputed()
    {
        // Given
        using var temp = new TempFolder();
        var rules = CopyRules(temp);
        Apply(temp, rules, "first.snkm", "--incremental").ExitCode.ShouldBe(0);
        var column = Directory.GetFiles(temp.File("cache"), "*.col", SearchOption.AllDirectories).First();
        var bytes = File.ReadAllBytes(column);
        bytes[^1] ^= 0x7f;
        File.WriteAllBytes(column, bytes);

        // When
        var again = Apply(temp, rules, "again.snkm", "--incremental");

        // Then
        again.ShouldSucceed();
        again.Error.ShouldContain("6 of 7 LF columns from the cache, 1 evaluated");
        Votes(temp.File("again.snkm")).ShouldBe(Votes(temp.File("first.snkm")));
    }

    [Fact]
    public void Label_with_incremental_reuses_the_columns_and_writes_the_same_labels()
    {
        // Given
        using var temp = new TempFolder();
        var rules = CopyRules(temp);
        string[] Label(string output) => ["label", "--lfs", rules, .. RawData, "--out", temp.File(output), "--cache-dir", temp.File("cache"), "--incremental"];
        var first = Shell.Run(Label("first.csv"));
        first.ShouldSucceed();

        // When
        var again = Shell.Run(Label("again.csv"));

        // Then
        again.ShouldSucceed();
        again.Error.ShouldContain("7 of 7 LF columns from the cache, 0 evaluated");
        File.ReadAllText(temp.File("again.csv")).ShouldBe(File.ReadAllText(temp.File("first.csv")));
    }

    [Fact]
    public void Fitting_on_the_statistics_of_three_shards_gives_the_model_of_fitting_on_the_whole_matrix()
    {
        // Given each raw file applied as a shard with --stats, and all of them applied as one matrix
        using var temp = new TempFolder();
        var rules = TestPaths.InRepo("labeling-functions", "spam", "spam.rules");
        var files = TestPaths.YouTubeRawCsvs;
        var shards = new[] { files.Take(2).ToArray(), files.Skip(2).Take(2).ToArray(), files.Skip(4).ToArray() };
        var stats = new List<string>();
        for (var s = 0; s < shards.Length; s++)
        {
            var path = temp.File($"shard{s}.stats.json");
            var apply = Shell.Run(["apply", "--lfs", rules, "--data", .. shards[s], "--column", "text=CONTENT", "--out", temp.File($"shard{s}.snkm"), "--stats", path]);
            apply.ShouldSucceed();
            stats.Add(path);
        }
        var whole = Shell.Run(["apply", "--lfs", rules, .. RawData, "--out", temp.File("all.snkm")]);
        whole.ShouldSucceed();

        // When
        var fromStats = Shell.Run(["fit", "--stats", .. stats, "--model", "snorkel", "--out", temp.File("from-stats.json"), "--seed", "3"]);
        var fromMatrix = Shell.Run("fit", "--matrix", temp.File("all.snkm"), "--model", "snorkel", "--out", temp.File("from-matrix.json"), "--seed", "3");

        // Then the fitted parameters are the same
        fromStats.ShouldSucceed();
        fromMatrix.ShouldSucceed();
        var a = LabelModels.ModelFile.Load(temp.File("from-stats.json"));
        var b = LabelModels.ModelFile.Load(temp.File("from-matrix.json"));
        var matrix = MatrixFile.Read(temp.File("all.snkm"));
        LabelModels.LabelModel.PredictProbabilities(a, matrix).ShouldBe(LabelModels.LabelModel.PredictProbabilities(b, matrix));
    }

    [Fact]
    public void Apply_whose_statistics_cannot_be_written_leaves_no_matrix_either()
    {
        // Given statistics to go where no file can be created (the check before the run lets /proc through)
        using var temp = new TempFolder();
        var rules = TestPaths.InRepo("labeling-functions", "spam", "spam.rules");

        // When
        var result = Shell.Run(["apply", "--lfs", rules, "--data", TestPaths.YouTubeRawCsvs[0], "--column", "text=CONTENT", "--out", temp.File("m.csv"), "--stats", "/proc/snorkeler-stats.json"]);

        // Then the matrix and its sidecar are not published without them (they were, before the error)
        result.ShouldFailStartingWith(1, "error: /proc/snorkeler-stats.json: cannot create a file in '/proc'");
        Directory.GetFiles(temp.Path).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("shard.csv")]
    [InlineData("shard.snkm")]
    public void Apply_refuses_statistics_named_as_a_matrix_which_fit_would_not_read(string name)
    {
        using var temp = new TempFolder();
        var rules = TestPaths.InRepo("labeling-functions", "spam", "spam.rules");

        var result = Shell.Run(["apply", "--lfs", rules, "--data", TestPaths.YouTubeRawCsvs[0], "--column", "text=CONTENT", "--out", temp.File("m.csv"), "--stats", temp.File(name)]);

        result.ShouldFailWith(2, $"snorkeler apply: --stats '{temp.File(name)}' is named as a label matrix ({Path.GetExtension(name)}), but statistics are a JSON file that 'fit --stats' reads; name it .json");
        Directory.GetFiles(temp.Path).ShouldBeEmpty();
    }

    [Fact]
    public void Fit_warns_when_a_statistics_file_holds_the_same_counts_as_another_so_a_copied_shard_is_not_counted_twice_unnoticed()
    {
        // Given one shard's statistics and a copy of them under another name
        using var temp = new TempFolder();
        var rules = TestPaths.InRepo("labeling-functions", "spam", "spam.rules");
        Shell.Run(["apply", "--lfs", rules, "--data", TestPaths.YouTubeRawCsvs[0], "--column", "text=CONTENT", "--out", temp.File("a.snkm"), "--stats", temp.File("a.json")]).ShouldSucceed();
        File.Copy(temp.File("a.json"), temp.File("copy.json"));
        Shell.Run(["apply", "--lfs", rules, "--data", TestPaths.YouTubeRawCsvs[1], "--column", "text=CONTENT", "--out", temp.File("b.snkm"), "--stats", temp.File("b.json")]).ShouldSucceed();

        // When
        var copied = Shell.Run("fit", "--stats", temp.File("a.json"), temp.File("b.json"), temp.File("copy.json"), "--model", "snorkel", "--out", temp.File("m.json"));
        var distinct = Shell.Run("fit", "--stats", temp.File("a.json"), temp.File("b.json"), "--model", "snorkel", "--out", temp.File("m2.json"));

        // Then the copy is named (it was added in silence), and distinct shards give no warning
        copied.ShouldSucceed();
        copied.ErrorLines.ShouldContain($"warning: {temp.File("copy.json")}: holds the same counts as {temp.File("a.json")} (350 rows each), so its rows are counted twice; if it is a copy of that shard, leave it out");
        distinct.ShouldSucceed();
        distinct.Error.ShouldNotContain("warning");
    }

    [Fact]
    public void Fit_on_statistics_of_no_rows_fails_naming_the_file()
    {
        // Given statistics that count no rows (apply never writes them; another writer might)
        using var temp = new TempFolder();
        var path = temp.File("none.json");
        new LabelModels.SufficientStatistics(LabelSchema.Numbered(2), ["a", "b", "c"]).Save(path);

        // When
        var result = Shell.Run("fit", "--stats", path, "--model", "snorkel", "--out", temp.File("m.json"));

        // Then (it was "snorkel: the training matrix has no rows", naming no file)
        result.ShouldFailWith(1, $"error: {path}: the statistics count no rows, so there is nothing to fit ('apply --stats' writes the statistics of the rows it applied the LFs to)");
        File.Exists(temp.File("m.json")).ShouldBeFalse();
    }

    [Fact]
    public void Fit_on_statistics_where_every_vote_abstains_warns_as_it_does_for_such_a_matrix()
    {
        // Given statistics of 3 rows on which no LF voted
        using var temp = new TempFolder();
        var path = temp.File("silent.json");
        var statistics = new LabelModels.SufficientStatistics(LabelSchema.Numbered(2), ["a", "b", "c"]);
        statistics.Add(LabelMatrix.Create(LabelSchema.Numbered(2), ["a", "b", "c"], new[,] { { -1, -1, -1 }, { -1, -1, -1 }, { -1, -1, -1 } }));
        statistics.Save(path);

        // When
        var result = Shell.Run("fit", "--stats", path, "--model", "flyingsquid", "--out", temp.File("m.json"));

        // Then
        result.ShouldSucceed();
        result.ErrorLines[0].ShouldBe($"warning: {path}: every vote abstains (no source votes on any row), so the model has nothing to learn from and labels every row by its class prior alone; 'snorkeler analyze' shows each source's coverage");
    }
}
