using System.Security.Cryptography;
using Snorkeler.Cli.Tests.Support;

namespace Snorkeler.Cli.Tests;

/// <summary>
/// The data that ships inside the repository, so a plain clone can run the README and getting-started commands: the raw
/// YouTube CSVs (the same bytes as the shared copy the other tests read) and the ticket data set with its draft rules,
/// whose faults getting-started finds.
/// </summary>
public class ShippedExampleTests
{
    [Fact]
    public void The_shipped_youtube_csvs_are_the_shared_raw_files_byte_for_byte()
    {
        var shipped = Directory.GetFiles(TestPaths.InRepo("examples", "spam", "data", "youtube"), "*.csv").Order(StringComparer.Ordinal).ToList();

        shipped.Select(Path.GetFileName).ShouldBe(TestPaths.YouTubeRawCsvs.Select(Path.GetFileName));
        foreach (var (copy, original) in shipped.Zip(TestPaths.YouTubeRawCsvs))
            Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(copy))).ShouldBe(Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(original))), copy);
    }

    [Fact]
    public void The_ticket_draft_shows_the_faults_getting_started_fixes()
    {
        // Given
        using var temp = new TempFolder();
        var lfs = TestPaths.InRepo("labeling-functions", "tickets");
        var labelled = TestPaths.InRepo("examples", "tickets", "labelled.csv");

        // When
        var applied = Shell.Run("apply", "--lfs", lfs, "--data", labelled, "--gold-column", "category", "--out", temp.File("dev.snkm"));
        var wrong = Shell.Run("rows", "--lfs", lfs, "--data", labelled, "--gold-column", "category", "--lf", "account_word", "--wrong", "--limit", "0");

        // Then: the quoted field name and the LF it silences, and the rows where account_word is wrong
        applied.ShouldSucceed();
        applied.ErrorLines.ShouldContain(l => l.Contains("warning SNK0501: \"customer tier\" is text, not the field 'customer tier'"));
        applied.ErrorLines.ShouldContain(l => l.Contains("warning SNK0701: LF 'enterprise_sso' votes on none of the 150 rows"));
        applied.ErrorLines.ShouldContain(l => l.Contains("gold labels on 150 of 150 rows"));
        wrong.ShouldSucceed();
        wrong.Out.Split('\n')[0].ShouldBe("account_word votes; wrong against gold: 7 of 150 rows");
    }

    [Fact]
    public void The_preference_example_ranks_the_replies_as_its_readme_says()
    {
        // Given
        using var temp = new TempFolder();
        var pairs = TestPaths.InRepo("examples", "preferences", "judgements.csv");

        // When
        var crowd = Shell.Run("preferences", "--pairs", pairs, "--out", temp.File("crowd.csv"), "--annotators-out", temp.File("workers.csv"));
        var plain = Shell.Run("preferences", "--pairs", pairs, "--out", temp.File("plain.csv"), "--model", "bt");

        // Then: Crowd-BT finds the annotator who flips and recovers the true order; face value swaps d and e
        crowd.ShouldSucceed();
        plain.ShouldSucceed();
        Ranking(temp.File("crowd.csv")).ShouldBe(["reply-a", "reply-b", "reply-c", "reply-d", "reply-e"]);
        Ranking(temp.File("plain.csv")).ShouldBe(["reply-a", "reply-b", "reply-c", "reply-e", "reply-d"]);
        var reliability = File.ReadAllLines(temp.File("workers.csv")).Skip(1).Select(l => l.Split(','))
            .ToDictionary(f => f[0], f => double.Parse(f[^1], System.Globalization.CultureInfo.InvariantCulture));
        reliability["w3"].ShouldBeLessThan(reliability["w1"]);
        reliability["w3"].ShouldBeLessThan(0.5);
    }

    private static string[] Ranking(string scores) => File.ReadAllLines(scores).Skip(1).Select(l => l.Split(',')[1]).ToArray();
}
