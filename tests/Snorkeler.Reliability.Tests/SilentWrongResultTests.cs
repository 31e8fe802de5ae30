using System.Text.Json.Nodes;

namespace Snorkeler.Reliability.Tests;

/// <summary>
/// No silent wrong result: a task with more classes than votes can hold is refused instead of written wrapped,
/// a cache entry copied under another key is not trusted (compiled scripts and --incremental columns), and a
/// model whose parameters are absurd (with a recomputed, valid checksum) never writes a non-finite probability.
/// </summary>
public sealed class SilentWrongResultTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_rules_file_declaring_more_classes_than_votes_can_hold_is_a_diagnostic()
    {
        var rules = _temp.Write("lfs/many.rules", "labels " + string.Join(", ", Enumerable.Range(0, 40_000).Select(i => $"C{i}")) + "\n\nlf last:\n    when true label C39999\n");
        var data = _temp.Write("d.csv", "text\na\n");

        var result = Shell.Run("apply", "--lfs", _temp.File("lfs"), "--data", data, "--out", _temp.File("m.csv")).ShouldFailWith(1);

        result.ErrorLines[0].ShouldBe($"{rules}(1,1): error SNK0016: 'labels' declares 40,000 classes; at most 32,767 (votes are stored as 16-bit numbers)");
        File.Exists(_temp.File("m.csv")).ShouldBeFalse();
    }

    [Fact]
    public void A_script_declaring_more_classes_than_votes_can_hold_is_a_diagnostic()
    {
        _temp.Write("lfs/many.csx", "Labels(" + string.Join(", ", Enumerable.Range(0, 40_000).Select(i => $"\"C{i}\"")) + ");\nLf(\"last\", row => 39999);\n");
        var data = _temp.Write("d.csv", "text\na\n");

        var result = Shell.Run("apply", "--lfs", _temp.File("lfs"), "--data", data, "--out", _temp.File("m.csv"), "--cache-dir", _temp.File("cache")).ShouldFailWith(1);

        result.ErrorLines[0].ShouldContain("error SNK0602: invalid class declaration: a labelling task has at most 32,767 classes (votes are stored as 16-bit numbers), got 40,000");
    }

    [Fact]
    public void A_class_name_with_a_line_break_is_refused_on_one_line()
    {
        _temp.Write("w/label.json", "{\"0\": \"HAM\\nSPAM\", \"1\": \"EGGS\"}");
        var train = _temp.Write("w/train.json", "{\"0\": {\"data\": {\"text\": \"a\"}, \"label\": 0, \"weak_labels\": [0]}}");

        var result = Shell.Run("analyze", "--matrix", train).ShouldFailWith(1);

        result.ErrorLines.Length.ShouldBe(1);
        result.ErrorLines[0].ShouldContain("has a line break or another control character in its name");
    }

    [Fact]
    public void A_compiled_script_copied_under_another_key_is_not_trusted()
    {
        // Given: two script folders with their own cache entries, and A's entry copied over B's
        _temp.Write("a/a.csx", "Labels(\"HAM\", \"SPAM\");\nLf(\"from_a\", row => HAM);\n");
        _temp.Write("b/b.csx", "Labels(\"HAM\", \"SPAM\");\nLf(\"from_b\", row => SPAM);\n");
        var data = _temp.Write("d.csv", "text\nx\n");
        var cache = _temp.File("cache");
        Shell.Run("apply", "--lfs", _temp.File("a"), "--data", data, "--out", _temp.File("a.csv"), "--cache-dir", cache).ShouldSucceed();
        var entryA = Directory.GetFiles(cache, "*.csxc", SearchOption.AllDirectories).Single();
        Shell.Run("apply", "--lfs", _temp.File("b"), "--data", data, "--out", _temp.File("b.csv"), "--cache-dir", cache).ShouldSucceed();
        var entryB = Directory.GetFiles(cache, "*.csxc", SearchOption.AllDirectories).Single(f => f != entryA);
        File.Copy(entryA, entryB, overwrite: true);

        // When
        var result = Shell.Run("apply", "--lfs", _temp.File("b"), "--data", data, "--out", _temp.File("b2.csv"), "--cache-dir", cache);

        // Then: B's own LF ran
        result.ShouldSucceed();
        File.ReadAllText(_temp.File("b2.csv")).ShouldBe("from_b\n1\n");
    }

    [Fact]
    public void An_incremental_column_copied_under_another_lf_is_not_trusted()
    {
        // Given: two LFs' cached columns, the first copied over the second
        _temp.Write("lfs/spam.rules", "labels HAM, SPAM\n\nlf first:\n    when text contains \"a\" label HAM\n\nlf second:\n    when text contains \"b\" label SPAM\n");
        var data = _temp.Write("d.csv", "text\na\nb\nab\n");
        var cache = _temp.File("cache");
        string[] args = ["apply", "--lfs", _temp.File("lfs"), "--data", data, "--out", _temp.File("m.csv"), "--incremental", "--cache-dir", cache];
        Shell.Run(args).ShouldSucceed();
        var expected = File.ReadAllText(_temp.File("m.csv"));
        var columns = Directory.GetFiles(cache, "*.col", SearchOption.AllDirectories);
        columns.Length.ShouldBe(2);
        File.Copy(columns[0], columns[1], overwrite: true);

        // When
        var result = Shell.Run(args);

        // Then
        result.ShouldSucceed();
        File.ReadAllText(_temp.File("m.csv")).ShouldBe(expected);
        result.Error.ShouldContain("1 of 2 LF columns from the cache");
    }

    [Theory]
    [InlineData("prior", "[1e308, 1e308]", "field 'prior' must hold 2 non-negative numbers with a positive, finite sum")]
    public void A_model_with_absurd_parameters_and_a_valid_checksum_is_refused_on_load(string field, string value, string message)
    {
        var model = ForgedModel(json => json[field] = JsonNode.Parse(value));

        Shell.Run("predict", "--model", model, "--matrix", Support.Corpus.File("matrices", "good.csv"), "--out", _temp.File("p.csv")).ShouldFailWith(1, $"error: {model}: {message}");
        File.Exists(_temp.File("p.csv")).ShouldBeFalse();
    }

    [Fact]
    public void A_model_whose_parameters_give_non_finite_probabilities_fails_instead_of_writing_them()
    {
        // Given: a snorkel model whose learned weights are forged to overflow
        var model = ForgedModel(json =>
        {
            var parameters = json["parameters"]!.AsObject();
            foreach (var (name, node) in parameters.ToArray())
                if (node is JsonArray array) parameters[name] = new JsonArray(array.Select(x => (JsonNode)(x is JsonArray inner ? new JsonArray(inner.Select(_ => (JsonNode)1e308).ToArray()) : 1e308)).ToArray());
        }, "snorkel");

        var result = Shell.Run("predict", "--model", model, "--matrix", Support.Corpus.File("matrices", "good.csv"), "--out", _temp.File("p.csv"));

        if (result.ExitCode == 0) File.ReadAllLines(_temp.File("p.csv")).Skip(1).ShouldAllBe(l => !l.Contains("NaN") && !l.Contains('∞') && !l.Contains("Infinity"));
        else
        {
            result.ShouldFailWith(1);
            File.Exists(_temp.File("p.csv")).ShouldBeFalse();
        }
    }

    /// <summary>A fitted model, edited by <paramref name="edit"/>, with its checksum recomputed (so only validation can catch it).</summary>
    private string ForgedModel(Action<JsonObject> edit, string kind = "mv")
    {
        var path = _temp.File($"{kind}.json");
        Shell.Run("fit", "--matrix", Support.Corpus.File("matrices", "good.csv"), "--model", kind, "--out", path).ShouldSucceed();
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(json);
        json.Remove("checksum");
        json["checksum"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()))); // as Snorkeler computes it
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }
}
