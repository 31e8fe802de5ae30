using System.Text.Json;
using Snorkeler.Cli.Tests.Support;

namespace Snorkeler.Cli.Tests;

/// <summary><c>snorkeler label</c>: rules and scripts in, probabilistic labels and a provenance manifest out.</summary>
public sealed class LabelCommandTests
{
    private const string Rules = """
        labels HAM, SPAM

        lf keyword_subscribe:
            when text contains "subscribe" label SPAM

        lf keyword_song:
            when text contains "song" label HAM

        lf short_comment:
            when word_count(text) < 5 label HAM
        """;

    private const string Script = """
        Lf("has_link", row => row.Text("text").Contains("http", StringComparison.OrdinalIgnoreCase) ? SPAM : ABSTAIN);
        """;

    private static string[] Data => TestPaths.YouTubeRawCsvs.Take(2).ToArray();

    private static CliResult Label(TempFolder temp, string output, params string[] extra)
        => Shell.Run(["label", "--lfs", temp.File("lfs"), "--data", .. Data, "--column", "text=CONTENT", "--out", output,
            "--model", "mv", "--cache-dir", temp.File("cache"), .. extra]);

    private static TempFolder WithLfs()
    {
        var temp = new TempFolder();
        temp.Write("lfs/spam.rules", Rules);
        temp.Write("lfs/links.csx", Script);
        return temp;
    }

    [Fact]
    public void Label_writes_one_row_per_comment_with_its_id_probabilities_and_hard_label()
    {
        // Given
        using var temp = WithLfs();

        // When
        var result = Label(temp, temp.File("labels.csv"));

        // Then
        result.ShouldSucceed();
        var lines = File.ReadAllLines(temp.File("labels.csv"));
        lines[0].ShouldBe("row,COMMENT_ID,p_HAM,p_SPAM,label,label_name");
        lines.Length.ShouldBe(1 + 350 + 350);
        lines[1].ShouldStartWith("1,LZQPQhLyRh80UYxNuaDWhIGQYNQ96IuCg-AYWqNPjpU,");
        foreach (var (line, i) in lines.Skip(1).Select((l, i) => (l, i)))
        {
            var cells = line.Split(',');
            cells[0].ShouldBe((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            var sum = double.Parse(cells[2], System.Globalization.CultureInfo.InvariantCulture) + double.Parse(cells[3], System.Globalization.CultureInfo.InvariantCulture);
            sum.ShouldBe(1.0, 1e-9);
            cells[4].ShouldBeOneOf("-1", "0", "1");
            cells[5].ShouldBe(cells[4] switch { "0" => "HAM", "1" => "SPAM", _ => "ABSTAIN" });
        }
    }

    [Fact]
    public void The_manifest_lists_every_lf_with_its_file_and_source_hash_and_the_inputs_with_their_hashes()
    {
        // Given
        using var temp = WithLfs();

        // When
        Label(temp, temp.File("labels.csv")).ExitCode.ShouldBe(0);

        // Then
        using var manifest = JsonDocument.Parse(File.ReadAllText(temp.File("labels.csv.manifest.json")));
        var root = manifest.RootElement;
        root.GetProperty("format").GetString().ShouldBe("snorkeler.manifest");
        var lfs = root.GetProperty("lfs").EnumerateArray().ToArray();
        lfs.Select(l => l.GetProperty("name").GetString()).ShouldBe(["keyword_subscribe", "keyword_song", "short_comment", "has_link"], ignoreOrder: true);
        lfs.ShouldAllBe(l => l.GetProperty("source_sha256").GetString()!.Length == 64);
        lfs.Single(l => l.GetProperty("name").GetString() == "has_link").GetProperty("file").GetString()!.ShouldEndWith("links.csx");
        var inputs = root.GetProperty("inputs").EnumerateArray().ToArray();
        inputs.Length.ShouldBe(2);
        inputs[0].GetProperty("sha256").GetString().ShouldBe(Manifest.Sha256(Data[0]));
        root.GetProperty("rows").GetInt64().ShouldBe(700);
        root.GetProperty("label_model").GetProperty("name").GetString().ShouldBe("mv");
        root.GetProperty("outputs")[0].GetProperty("rows").GetInt64().ShouldBe(700);
    }

    [Fact]
    public void The_manifest_lists_every_file_the_run_wrote_with_the_hash_of_its_bytes()
    {
        // Given
        using var temp = WithLfs();

        // When labels are written with a report and a NumPy matrix with gold labels (its sidecar and gold file beside it)
        Label(temp, temp.File("labels.csv"), "--report", temp.File("report.html"), "--matrix-out", temp.File("m.npy"), "--gold-column", "CLASS").ShouldSucceed();

        // Then each manifest names every file of its unit but itself, with its size and hash
        foreach (var (manifest, files) in new[]
        {
            ("labels.csv.manifest.json", new[] { "labels.csv", "m.npy", "m.npy.schema.json", "m.gold.npy", "report.html" }),
            ("m.npy.manifest.json", new[] { "m.npy", "m.npy.schema.json", "m.gold.npy" }),
        })
        {
            using var document = JsonDocument.Parse(File.ReadAllText(temp.File(manifest)));
            var outputs = document.RootElement.GetProperty("outputs").EnumerateArray().ToArray();
            outputs.Select(o => Path.GetFileName(o.GetProperty("path").GetString())).ShouldBe(files, ignoreOrder: true);
            foreach (var output in outputs)
            {
                var path = output.GetProperty("path").GetString()!;
                output.GetProperty("bytes").GetInt64().ShouldBe(new FileInfo(path).Length, path);
                output.GetProperty("sha256").GetString().ShouldBe(Manifest.Sha256(path), path);
            }
        }
    }

    [Fact]
    public void Changing_one_lf_changes_only_that_lfs_hash_in_the_manifest()
    {
        // Given
        using var temp = WithLfs();
        Label(temp, temp.File("before.csv")).ExitCode.ShouldBe(0);

        // When
        temp.Write("lfs/spam.rules", Rules.Replace("\"song\"", "\"music\"", StringComparison.Ordinal));
        Label(temp, temp.File("after.csv")).ExitCode.ShouldBe(0);

        // Then
        var before = Hashes(temp.File("before.csv.manifest.json"));
        var after = Hashes(temp.File("after.csv.manifest.json"));
        after["keyword_song"].ShouldNotBe(before["keyword_song"]);
        after["keyword_subscribe"].ShouldBe(before["keyword_subscribe"]);
        after["short_comment"].ShouldBe(before["short_comment"]);
        after["has_link"].ShouldBe(before["has_link"]);
    }

    [Theory]
    [InlineData("labels.jsonl")]
    [InlineData("labels.parquet")]
    public void Label_writes_json_lines_and_parquet_with_the_same_rows(string name)
    {
        // Given
        using var temp = WithLfs();

        // When
        var result = Label(temp, temp.File(name), "--drop-uncovered");

        // Then
        result.ShouldSucceed();
        var rows = Snorkeler.Data.DataSources.Open(temp.File(name));
        rows.Schema.Names.ShouldBe(["row", "COMMENT_ID", "p_HAM", "p_SPAM", "label", "label_name"]);
        var rowNumbers = rows.ReadBatches(1000).SelectMany(b => Enumerable.Range(0, b.Count).Select(i => long.Parse(b.Text(i, 0), System.Globalization.CultureInfo.InvariantCulture))).ToList();
        var count = rowNumbers.Count;
        rowNumbers.ShouldBeInOrder(SortDirection.Ascending);
        rowNumbers.Last().ShouldBeLessThanOrEqualTo(700);
        using var manifest = JsonDocument.Parse(File.ReadAllText(temp.File(name + ".manifest.json")));
        var uncovered = manifest.RootElement.GetProperty("apply").GetProperty("uncovered_rows").GetInt64();
        uncovered.ShouldBeGreaterThan(0);
        count.ShouldBe(700 - (int)uncovered);
    }

    [Fact]
    public void Label_with_an_unknown_output_format_is_a_clear_error_before_any_work()
    {
        using var temp = WithLfs();

        var result = Label(temp, temp.File("labels.xlsx")).ShouldFailWith(1);

        result.ErrorLines[0].ShouldContain("unknown labels format '.xlsx'");
        File.Exists(temp.File("labels.xlsx")).ShouldBeFalse();
    }

    [Fact]
    public void A_gold_column_the_data_lacks_is_an_error_naming_the_nearest_as_apply_says_not_a_name_passed_over()
    {
        // Given tickets with gold labels in 'category', and no dev set
        using var tickets = new Tickets();
        var output = tickets.File("labels.csv");

        // When the gold column is misspelt
        var result = Shell.Run("label", "--lfs", tickets.Lfs, "--data", tickets.Data, "--gold-column", "categroy", "--model", "mv", "--out", output);

        // Then (before: exit 0, labels written without a word, and without the accuracies the gold labels give)
        result.ShouldFailWith(1, $"error: {tickets.Data}: no gold column 'categroy'; did you mean 'category'? (columns: ticket_id, subject, body, tier, category)");
        File.Exists(output).ShouldBeFalse();
        Shell.Run("apply", "--lfs", tickets.Lfs, "--data", tickets.Data, "--gold-column", "categroy", "--out", tickets.File("m.snkm"))
            .ShouldFailWith(1, result.ErrorLines[0]);
    }

    private static Dictionary<string, string> Hashes(string manifest)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(manifest));
        return doc.RootElement.GetProperty("lfs").EnumerateArray()
            .ToDictionary(l => l.GetProperty("name").GetString()!, l => l.GetProperty("source_sha256").GetString()!);
    }
}
