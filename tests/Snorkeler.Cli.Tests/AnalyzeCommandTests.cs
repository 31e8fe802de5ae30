using System.Text.Json;
using Snorkeler.Cli.Tests.Support;

namespace Snorkeler.Cli.Tests;

public class AnalyzeCommandTests
{
    private static readonly string Train = TestPaths.YouTubeFile("train.json");

    [Fact]
    public void Analyze_as_json_gives_the_coverage_of_every_lf_on_the_youtube_training_split()
    {
        // Given
        var expected = YouTubeSplit.Read("train.json");

        // When
        var result = Shell.Run("analyze", "--matrix", Train, "--format", "json");

        // Then
        result.ShouldSucceed();
        using var json = JsonDocument.Parse(result.Out);
        json.RootElement.GetProperty("rows").GetInt64().ShouldBe(1586);
        var lfs = json.RootElement.GetProperty("lfs").EnumerateArray().ToList();
        lfs.Count.ShouldBe(10);
        for (var j = 0; j < 10; j++)
        {
            lfs[j].GetProperty("name").GetString().ShouldBe($"lf_{j}");
            lfs[j].GetProperty("coverage").GetDouble().ShouldBe(expected.Coverage(j), 1e-12);
            var onRows = expected.WeakLabels.Zip(expected.Gold).Where(p => p.First[j] != -1).ToList();
            lfs[j].GetProperty("correct").GetInt64().ShouldBe(onRows.Count(p => p.First[j] == p.Second));
        }
        json.RootElement.GetProperty("coverage").GetDouble()
            .ShouldBe(expected.WeakLabels.Count(w => w.Any(v => v != -1)) / 1586.0, 1e-12);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("markdown")]
    public void Analyze_tables_name_every_lf(string format)
    {
        var result = Shell.Run("analyze", "--matrix", Train, "--format", format);

        result.ShouldSucceed();
        for (var j = 0; j < 10; j++) result.Out.ShouldContain($"lf_{j} ");
        result.Out.ShouldContain("emp. acc.");
        if (format == "markdown") result.Out.Split('\n')[0].ShouldStartWith("| lf ");
        else result.Out.ShouldContain("1586 rows, 10 LFs, classes HAM=0, SPAM=1");
    }

    [Fact]
    public void The_table_of_peoples_answers_names_its_sources_workers_and_its_rows_tasks_as_the_line_above_it_does()
    {
        var text = Shell.Run("analyze", "--matrix", TestPaths.Crowd("bluebird"));
        var markdown = Shell.Run("analyze", "--matrix", TestPaths.Crowd("bluebird"), "--format", "markdown");
        var lfs = Shell.Run("analyze", "--matrix", Train);

        text.ShouldSucceed();
        text.Out.ShouldStartWith("worker  polarity  coverage  overlaps  conflicts\n");
        text.Out.ShouldContain("\n108 tasks, 39 workers, classes 0=0, 1=1\n");
        text.Out.ShouldNotContain(" LFs");
        markdown.Out.ShouldContain("| worker |");
        lfs.Out.ShouldStartWith("lf ");
        lfs.Out.ShouldContain("1586 rows, 10 LFs, classes HAM=0, SPAM=1");
    }

    [Fact]
    public void An_unknown_format_is_a_usage_error_suggesting_the_nearest()
    {
        var result = Shell.Run("analyze", "--matrix", Train, "--format", "jsno").ShouldFailWith(2);

        result.ErrorLines[0].ShouldBe("snorkeler analyze: option '--format' expects one of text, json, markdown, got 'jsno'; did you mean 'json'?");
    }
}

/// <summary>The HTML report of <c>analyze --report</c>.</summary>
public sealed class ReportTests
{
    [Fact]
    public void A_report_with_a_model_of_other_classes_fails_with_one_error_and_no_dependency_note_before_it()
    {
        // Given a model fitted on a matrix of classes 0 and 1, and the YouTube matrix of HAM and SPAM
        using var temp = new TempFolder();
        var votes = temp.Write("votes.csv", "a,b,c\n1,1,-1\n0,-1,0\n1,0,1\n");
        Shell.Run("fit", "--matrix", votes, "--model", "mv", "--out", temp.File("model.json")).ShouldSucceed();
        var matrix = TestPaths.YouTubeFile("test.json");

        // When
        var result = Shell.Run("analyze", "--matrix", matrix, "--report", temp.File("report.html"), "--model", temp.File("model.json"));

        // Then the mismatch is the only line ("dependent LF pairs not checked: the matrix: classes ..." came first)
        result.ShouldFailStartingWith(1, $"error: {matrix}: classes HAM=0, SPAM=1 differ from the model's ");
        result.ErrorLines.Length.ShouldBe(1);
        File.Exists(temp.File("report.html")).ShouldBeFalse();
    }

    [Fact]
    public void The_report_is_one_self_contained_html_file_with_every_lf_and_its_charts()
    {
        // Given
        using var temp = new TempFolder();
        var train = TestPaths.YouTubeFile("train.json");
        Shell.Run("fit", "--matrix", train, "--model", "snorkel", "--out", temp.File("model.json")).ShouldSucceed();

        // When
        var result = Shell.Run("analyze", "--matrix", TestPaths.YouTubeFile("test.json"), "--report", temp.File("report.html"), "--model", temp.File("model.json"));

        // Then
        result.ShouldSucceed();
        var html = File.ReadAllText(temp.File("report.html"));
        html.ShouldStartWith("<!DOCTYPE html>");
        for (var j = 0; j < 10; j++) html.ShouldContain($"<td>lf_{j}</td>");
        foreach (var section in new[] { "LF summary", "Coverage, overlaps and conflicts per LF", "LF accuracies", "Label confidence", "Class balance" })
            html.ShouldContain($"<h2>{section}</h2>");
        System.Text.RegularExpressions.Regex.Matches(html, "<svg ").Count.ShouldBe(4);
        html.Replace("http://www.w3.org/2000/svg", "", StringComparison.Ordinal).ShouldNotContain("http", Case.Insensitive);
    }

    [Fact]
    public void A_model_without_a_report_is_a_usage_error()
    {
        Shell.Run("analyze", "--matrix", TestPaths.YouTubeFile("test.json"), "--model", "m.json").ShouldFailWith(2);
    }

    [Fact]
    public void Analyze_reports_the_dependent_LF_pairs_of_TREC_including_its_three_identical_rules()
    {
        // When
        var trec = Path.Combine(TestPaths.Shared, "data", "trec", "train.json");
        var text = Shell.Run("analyze", "--matrix", trec);
        var json = Shell.Run("analyze", "--matrix", trec, "--format", "json");

        // Then the text names the pairs and the JSON lists them with their kind
        text.ShouldSucceed();
        text.Out.ShouldContain("dependent LF pairs");
        text.Out.ShouldContain("lf_8 and lf_39: duplicate (352 co-votes, agreement 1.000");
        using var document = JsonDocument.Parse(json.Out);
        var pairs = document.RootElement.GetProperty("dependent_pairs").EnumerateArray()
            .Select(p => (p.GetProperty("first").GetString(), p.GetProperty("second").GetString(), p.GetProperty("kind").GetString())).ToList();
        pairs.ShouldContain(("lf_8", "lf_39", "duplicate"));
        pairs.ShouldContain(("lf_8", "lf_63", "duplicate"));
        pairs.ShouldContain(("lf_39", "lf_63", "duplicate"));
    }
}
