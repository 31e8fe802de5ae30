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
        result.ExitCode.ShouldBe(0, result.Error);
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

        result.ExitCode.ShouldBe(0, result.Error);
        for (var j = 0; j < 10; j++) result.Out.ShouldContain($"lf_{j} ");
        result.Out.ShouldContain("emp. acc.");
        if (format == "markdown") result.Out.Split('\n')[0].ShouldStartWith("| lf ");
        else result.Out.ShouldContain("1586 rows, 10 LFs, classes HAM=0, SPAM=1");
    }

    [Fact]
    public void An_unknown_format_is_a_usage_error_suggesting_the_nearest()
    {
        var result = Shell.Run("analyze", "--matrix", Train, "--format", "jsno").ShouldFailWith(2);

        result.ErrorLines[0].ShouldBe("snorkeler analyze: option '--format' expects one of text, json, markdown, got 'jsno'; did you mean 'json'?");
    }
}
