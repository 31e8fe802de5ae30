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
        else result.Out.ShouldContain("1,586 rows, 10 LFs, classes HAM=0, SPAM=1");
    }

    [Fact]
    public void Names_from_a_file_are_escaped_in_tables_so_a_pipe_keeps_the_markdown_columns_and_an_escape_cannot_drive_the_terminal()
    {
        // Given a matrix whose LFs are named with a pipe, a backslash before a pipe, an ESC starting a colour and markup
        using var temp = new TempFolder();
        const char Esc = '\u001b';
        var rows = Enumerable.Range(0, 20).Select(i => $"{i % 2},{(i % 3 == 0 ? 1 : -1)},{(i % 4 == 0 ? 0 : -1)},1\n");
        var matrix = temp.Write("votes.csv", string.Concat(rows.Prepend($"lf|pipe,\"back\\|slash\",red{Esc}[31m,<b>*bold*</b>\n")));

        // When
        var markdown = Shell.Run("analyze", "--matrix", matrix, "--format", "markdown");
        var text = Shell.Run("analyze", "--matrix", matrix);

        // Then every row of the Markdown table has the header's columns, each name shown as written, and no ESC is printed
        markdown.ShouldSucceed();
        var table = markdown.Out.Split('\n').TakeWhile(l => l.StartsWith('|')).ToList();
        table.Count.ShouldBe(7);
        foreach (var line in table) UnescapedPipes(line).ShouldBe(UnescapedPipes(table[0]), line);
        markdown.Out.ShouldContain(@"| lf\|pipe ");
        markdown.Out.ShouldContain(@"| back\\\|slash ");
        markdown.Out.ShouldContain(@"| \<b\>\*bold\*\</b\> ");
        text.ShouldSucceed();
        markdown.Out.ShouldNotContain(Esc);
        text.Out.ShouldNotContain(Esc);
        text.Out.ShouldContain(@"red\u001b[31m ");
        markdown.Out.ShouldContain(@"red\\u001b\[31m ");
    }

    [Fact]
    public void A_control_character_in_a_name_is_shown_escaped_in_the_html_report_as_in_the_tables()
    {
        // Given a matrix whose LFs are named with an ESC starting a colour, a BEL and markup
        using var temp = new TempFolder();
        const char Esc = '\u001b';
        var rows = Enumerable.Range(0, 20).Select(i => $"{i % 2},{(i % 3 == 0 ? 1 : -1)},1\n");
        var matrix = temp.Write("votes.csv", string.Concat(rows.Prepend($"red{Esc}[31m,bel\u0007x,<b>\n")));

        // When
        Shell.Run("analyze", "--matrix", matrix, "--report", temp.File("r.html")).ShouldSucceed();

        // Then the report holds no control character but line breaks, and shows each as the text table does
        var html = File.ReadAllText(temp.File("r.html"));
        html.Where(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')).ShouldBeEmpty();
        html.ShouldContain(@"<td>red\u001b[31m</td>");
        html.ShouldContain(@"<td>bel\u0007x</td>");
        html.ShouldContain("<td>&lt;b&gt;</td>");
    }

    /// <summary>The column separators of a Markdown table row: pipes not escaped by a backslash (itself not escaped).</summary>
    private static int UnescapedPipes(string line)
    {
        var count = 0;
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '\\') i++;
            else if (line[i] == '|') count++;
        }
        return count;
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
        lfs.Out.ShouldContain("1,586 rows, 10 LFs, classes HAM=0, SPAM=1");
    }

    [Fact]
    public void The_dependent_pairs_of_LFs_with_long_names_are_cut_to_100_columns_as_the_table_is_and_kept_whole_in_markdown_and_json()
    {
        // Given two copies of one LF and two other LFs, all with long names alike but for their ends, on 300 rows
        using var temp = new TempFolder();
        const string Stem = "keyword_in_the_comment_body_asking_the_reader_to_subscribe_to_the_channel_";
        string[] names = [Stem + "first_copy", Stem + "second_copy", Stem + "checks_out", Stem + "song_words"];
        var rows = Enumerable.Range(0, 300).Select(i => $"{(i % 3 == 0 ? 1 : -1)},{(i % 3 == 0 ? 1 : -1)},{(i % 4 == 0 ? 1 : -1)},{(i % 2 == 0 ? 0 : -1)}\n");
        var matrix = temp.Write("votes.csv", string.Concat(rows.Prepend(string.Join(",", names) + "\n")));

        // When
        var text = Shell.Run("analyze", "--matrix", matrix);
        var markdown = Shell.Run("analyze", "--matrix", matrix, "--format", "markdown");
        var json = Shell.Run("analyze", "--matrix", matrix, "--format", "json");

        // Then every text line fits 100 columns and the pair's cut names each stand for its own LF
        text.ShouldSucceed();
        foreach (var line in text.Out.Split('\n')) line.Length.ShouldBeLessThanOrEqualTo(100, line);
        var pair = text.Out.Split('\n').Single(l => l.Contains(": duplicate (", StringComparison.Ordinal));
        var shown = pair.Trim()[..pair.Trim().IndexOf(": duplicate", StringComparison.Ordinal)].Split(" and ");
        CutNames.StandsFor(shown[0], names[0]).ShouldBeTrue(pair);
        CutNames.StandsFor(shown[1], names[1]).ShouldBeTrue(pair);
        pair.ShouldContain("…");
        markdown.Out.ShouldContain($"- {names[0]} and {names[1]}: duplicate (100 co-votes, agreement 1.000");
        using var document = JsonDocument.Parse(json.Out);
        var first = document.RootElement.GetProperty("dependent_pairs")[0];
        (first.GetProperty("first").GetString(), first.GetProperty("second").GetString()).ShouldBe((names[0], names[1]));
    }

    [Fact]
    public void A_dependent_pair_of_names_holding_commas_is_cut_and_broken_by_its_clauses_not_at_the_commas_of_its_names()
    {
        // Given LFs named with ", " (the second with one among its last characters), the second voting on half the
        // first's rows alike: a derived pair, whose line of 170 characters is too long for one line
        using var temp = new TempFolder();
        const string Stem = "keyword, in the comment asking the reader to subscribe_";
        string[] names = [Stem + "all, a", Stem + "some, ok", "other_lf"];
        var rows = Enumerable.Range(0, 300).Select(i => $"{(i % 2 == 0 ? 1 : -1)},{(i % 4 == 0 ? 1 : -1)},{(i % 3 == 0 ? 0 : -1)}\n");
        var matrix = temp.Write("votes.csv", string.Concat(rows.Prepend(string.Join(",", names.Select(n => $"\"{n}\"")) + "\n")));

        // When
        var text = Shell.Run("analyze", "--matrix", matrix);

        // Then the names are cut so that the pair and its kind fit the first line, each standing for its LF, and the
        // agreement goes on to the next (the second name was cut too little, and broken across lines at a space)
        text.ShouldSucceed();
        var lines = text.Out[(text.Out.IndexOf("dependent LF pairs", StringComparison.Ordinal))..].Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(3, text.Out);
        lines[1].ShouldEndWith(": derived (one's votes lie within the other's) (75 co-votes,");
        lines[1].Length.ShouldBeLessThanOrEqualTo(100);
        var shown = lines[1].Trim()[..lines[1].Trim().IndexOf(": derived", StringComparison.Ordinal)].Split(" and ");
        CutNames.StandsFor(shown[0], names[0]).ShouldBeTrue(lines[1]);
        CutNames.StandsFor(shown[1], names[1]).ShouldBeTrue(lines[1]);
        lines[2].ShouldBe("    agreement 1.000, dependence 0.32)");
    }

    [Fact]
    public void A_dependent_pair_of_short_names_too_long_for_one_line_keeps_its_names_whole_and_goes_on_to_a_second_line()
    {
        // Given the spam LFs applied to videos 1-4, as getting-started does
        using var temp = new TempFolder();
        Shell.Run(["apply", "--lfs", TestPaths.InRepo("labeling-functions", "spam"), "--data", .. TestPaths.YouTubeRawCsvs.Take(4), "--column", "text=CONTENT",
            "--out", temp.File("train.snkm")]).ShouldSucceed();

        // When
        var text = Shell.Run("analyze", "--matrix", temp.File("train.snkm"));

        // Then its 104 characters are broken after a comma, not its names cut to 12 (keyword_ple…) and broken too
        text.ShouldSucceed();
        text.Out.ShouldEndWith("\n  keyword_my and keyword_please: correlated given the class (120 co-votes, agreement 1.000,\n    dependence 0.11)\n");
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
    public void The_report_of_peoples_answers_counts_tasks_and_workers_as_the_text_of_analyze_does()
    {
        // Given
        using var temp = new TempFolder();

        // When
        var people = Shell.Run("analyze", "--matrix", TestPaths.Crowd("bluebird"), "--report", temp.File("people.html"));
        var lfs = Shell.Run("analyze", "--matrix", TestPaths.YouTubeFile("test.json"), "--report", temp.File("lfs.html"));

        // Then
        people.ShouldSucceed();
        people.Out.ShouldContain("108 tasks, 39 workers, classes 0=0, 1=1");
        var html = File.ReadAllText(temp.File("people.html"));
        html.ShouldContain("<p>108 tasks, 39 workers, classes 0=0, 1=1.");
        html.ShouldContain("The workers together cover 100.0% of the tasks");
        html.ShouldContain("<th>worker</th>");
        html.ShouldNotContain(" LFs,");
        lfs.ShouldSucceed();
        File.ReadAllText(temp.File("lfs.html")).ShouldContain("<p>250 rows, 10 LFs, classes HAM=0, SPAM=1.");
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
