using Snorkeler.Cli.Tests.Support;

namespace Snorkeler.Cli.Tests;

/// <summary>Rule files and C# scripts mix freely in one folder and one run.</summary>
public sealed class MixedLfFolderTests
{
    private const string Rules = """
        labels HAM, SPAM

        lf keyword_subscribe:
            when text contains "subscribe" label SPAM

        lf keyword_song:
            when text contains "song" label HAM
        """;

    private const string MoreRules = """
        lf short_comment:
            when word_count(text) < 5 label HAM
        """;

    private const string Script = """
        Lf("has_link", row => row.Text("text").Contains("http", StringComparison.OrdinalIgnoreCase) ? SPAM : ABSTAIN);
        Lf("many_digits", row => row.Text("text").Count(char.IsDigit) > 5 ? SPAM : ABSTAIN);
        """;

    private static CliResult Apply(TempFolder temp, string lfs, string output)
        => Shell.Run("apply", "--lfs", temp.File(lfs), "--data", TestPaths.YouTubeRawCsvs[0], "--column", "text=CONTENT",
            "--out", temp.File(output), "--cache-dir", temp.File("cache"));

    [Fact]
    public void A_folder_of_rules_and_scripts_gives_the_same_matrix_whatever_the_file_names_and_order()
    {
        // Given the same LFs under two sets of file names (so they are found in different orders)
        using var temp = new TempFolder();
        temp.Write("a/1.rules", Rules);
        temp.Write("a/2.rules", MoreRules);
        temp.Write("a/3.csx", Script);
        temp.Write("b/z.rules", Rules);
        temp.Write("b/a.rules", MoreRules);
        temp.Write("b/m/0.csx", Script);

        // When
        Apply(temp, "a", "a.csv").ExitCode.ShouldBe(0);
        Apply(temp, "b", "b.csv").ExitCode.ShouldBe(0);

        // Then the columns are the same LFs with the same votes, in an order that depends only on the LF files' contents and paths
        var a = IO.MatrixFile.Read(temp.File("a.csv"));
        var b = IO.MatrixFile.Read(temp.File("b.csv"));
        a.LfNames.ShouldBe(["keyword_subscribe", "keyword_song", "short_comment", "has_link", "many_digits"]);
        b.LfNames.ShouldBe(["short_comment", "keyword_subscribe", "keyword_song", "has_link", "many_digits"]);
        a.RowCount.ShouldBe(350);
        foreach (var name in a.LfNames)
        {
            var ja = a.LfNames.ToList().IndexOf(name);
            var jb = b.LfNames.ToList().IndexOf(name);
            for (var i = 0; i < a.RowCount; i++) b[i, jb].ShouldBe(a[i, ja], $"{name}, row {i}");
        }
        Enumerable.Range(0, a.RowCount).Count(i => a[i, 3] == 1).ShouldBeGreaterThan(0, "the script LF votes");
    }

    [Fact]
    public void An_lf_name_used_by_a_rule_and_a_script_is_an_error_naming_both_places()
    {
        using var temp = new TempFolder();
        temp.Write("lfs/spam.rules", Rules);
        var script = temp.Write("lfs/links.csx", """Lf("keyword_song", row => ABSTAIN);""");

        Shell.Run("check", temp.File("lfs"), "--cache-dir", temp.File("cache")).ShouldFailWith(1, $"{script}(1,1): error SNK0903: LF name 'keyword_song' is already used at {temp.File("lfs/spam.rules")}(6,4)");
    }
}
