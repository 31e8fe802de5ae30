using System.Text.Json.Nodes;
using Snorkeler.Cli.Tests.Support;

namespace Snorkeler.Cli.Tests;

/// <summary>
/// Odd folders in a <c>compare --suite</c> folder, beside a sound set: each is a one-line error naming the set's folder or
/// file (exit 1), or is passed over as docs/cli.md says (a folder with neither train.json nor test.json, a file), or is
/// run with a warning that says what was left out; never a crash.
/// </summary>
public sealed class CompareSuiteFolderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>A set of YouTube's test split as both train.json and test.json, with its label.json and valid.json; <paramref name="edit"/> changes a split's rows.</summary>
    private string Set(string name, Func<string, JsonObject, JsonObject>? edit = null, params string[] leaveOut)
    {
        var folder = Directory.CreateDirectory(_temp.File(Path.Combine("suite", name))).FullName;
        foreach (var (file, from) in new[] { ("train.json", "test.json"), ("test.json", "test.json"), ("valid.json", "valid.json"), ("label.json", "label.json") })
        {
            if (leaveOut.Contains(file)) continue;
            var text = File.ReadAllText(TestPaths.YouTubeFile(from));
            if (edit is not null && file != "label.json") text = edit(file, JsonNode.Parse(text)!.AsObject()).ToJsonString();
            File.WriteAllText(Path.Combine(folder, file), text);
        }
        return folder;
    }

    /// <summary>Puts in <paramref name="folder"/> a link named <paramref name="name"/> to a file that does not exist; returns the folder.</summary>
    private static string BrokenLink(string folder, string name)
    {
        File.CreateSymbolicLink(Path.Combine(folder, name), "/nonexistent/" + name);
        return folder;
    }

    private static JsonObject EachRow(JsonObject split, Action<JsonObject> change)
    {
        foreach (var (_, row) in split) change(row!.AsObject());
        return split;
    }

    private CliResult Compare() => Shell.Run("compare", "--suite", _temp.File("suite"), "--models", "mv,wmv", "--format", "csv");

    public static TheoryData<string, string> Faults => new()
    {
        { "no label.json", "error: {b}/train.json: no label.json beside it" },
        { "test.json is a folder", "error: {b}/test.json: is a folder, not a Wrench split file (move it out of the suite's set, or out of the suite)" },
        { "train.json alone", "error: {b}: has train.json but no test.json; a set of the suite needs both (move the folder out of the suite to leave it out)" },
        { "test with an LF fewer", "error: {b}/test.json: its LFs differ from those of the training matrix {b}/train.json: it has 9 LFs, the training matrix 10;" },
        { "valid with an LF fewer", "error: {b}/valid.json: its LFs differ from those of the training matrix {b}/train.json: it has 9 LFs, the training matrix 10;" },
        { "test with a third class", "error: {b}/test.json(" },
        { "test without gold", "error: {b}/test.json: has no gold labels to score against" },
        { "train without rows", "error: {b}/train.json: the file has no rows" },
        { "train without LFs", "error: {b}/train.json: the label matrix has no LFs; a label model needs at least one" },
        { "valid.json a broken link", "error: {b}/valid.json: is a symbolic link to '/nonexistent/valid.json', which does not exist (a broken link)" },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public void A_broken_set_beside_a_sound_one_is_a_one_line_error_naming_its_folder_or_file(string fault, string firstLine)
    {
        // Given a sound set 'a' and a broken set 'b'
        Set("a");
        var b = fault switch
        {
            "no label.json" => Set("b", null, "label.json"),
            "test.json is a folder" => Directory.CreateDirectory(Path.Combine(Set("b", null, "test.json"), "test.json")).Parent!.FullName,
            "train.json alone" => Set("b", null, "test.json"),
            "test with an LF fewer" => Set("b", (f, s) => f == "test.json" ? EachRow(s, r => r["weak_labels"]!.AsArray().RemoveAt(9)) : s),
            "valid with an LF fewer" => Set("b", (f, s) => f == "valid.json" ? EachRow(s, r => r["weak_labels"]!.AsArray().RemoveAt(9)) : s),
            "test with a third class" => Set("b", (f, s) => f == "test.json" ? EachRow(s, r => r["label"] = 2) : s),
            "test without gold" => Set("b", (f, s) => f == "test.json" ? EachRow(s, r => r["label"] = -1) : s),
            "valid.json a broken link" => BrokenLink(Set("b", null, "valid.json"), "valid.json"),
            "train without rows" => Set("b", (f, s) => f == "train.json" ? [] : s),
            _ => Set("b", (f, s) => f == "train.json" ? EachRow(s, r => r["weak_labels"] = new JsonArray()) : s),
        };

        // When
        var result = Compare();

        // Then
        result.ShouldFailStartingWith(1, firstLine.Replace("{b}", b, StringComparison.Ordinal), fault);
        result.ErrorLines.Length.ShouldBe(1, result.Error);
        result.Out.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("{\"0\": \"HAM\"}", "classes must be numbered 0, 1, ... without gaps, at least two")]
    [InlineData("{\"0\": \"HAM\",}", "invalid JSON: a comma after the last member of an object (remove it)")]
    public void A_set_s_bad_label_json_is_named_by_the_suite_path_as_given(string labels, string message)
    {
        // Given a suite named by a path that is not in its shortest form, one of whose sets names a single class
        Set("a");
        var b = Set("b");
        File.WriteAllText(Path.Combine(b, "label.json"), labels);
        Directory.CreateDirectory(_temp.File("elsewhere"));
        var suite = Path.Combine(_temp.Path, "elsewhere", "..", "suite");

        // When
        var result = Shell.Run("compare", "--suite", suite, "--models", "mv", "--format", "csv");

        // Then the file is named as the other files of the suite are (it was named by its full path, without 'elsewhere/..')
        result.ShouldFailStartingWith(1, $"error: {Path.Combine(suite, "b", "label.json")}");
        result.ErrorLines[0].ShouldEndWith(message);
    }

    [Fact]
    public void Folders_and_files_that_are_not_sets_are_passed_over_and_the_sets_compared()
    {
        // Given a set beside an empty folder, a folder of notes, a file, and a set one level down (not a set of this suite)
        Set("a");
        Directory.CreateDirectory(_temp.File("suite/empty"));
        _temp.Write("suite/notes/README.md", "the sets come from Wrench");
        _temp.Write("suite/results.csv", "set,model\n");
        Set(Path.Combine("deeper", "c"));

        // When
        var result = Compare();

        // Then
        result.ShouldSucceed();
        result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')[0]).Distinct().ShouldBe(["a"]);
    }

    [Fact]
    public void The_status_line_counts_one_set_in_the_singular()
    {
        Set("a");

        var result = Compare();

        result.ShouldSucceed();
        result.ErrorLines[^1].ShouldStartWith($"compared 2 models on 1 set of {_temp.File("suite")}, 1 seed, in ");
    }

    [Fact]
    public void A_valid_split_without_gold_labels_is_left_out_with_a_warning_naming_it()
    {
        // Given a set whose valid.json has no gold labels (before: wmv ran without its dev split, and nothing said so)
        var a = Set("a", (f, s) => f == "valid.json" ? EachRow(s, r => r["label"] = -1) : s);

        // When
        var result = Compare();

        // Then
        result.ShouldSucceed();
        result.ErrorLines[0].ShouldBe($"warning: {Path.Combine(a, "valid.json")}: no gold labels, so set 'a' is compared without a dev split (the models that use one run without it)");
    }

    [Fact]
    public void An_empty_suite_folder_or_a_file_given_as_the_suite_says_so()
    {
        Directory.CreateDirectory(_temp.File("suite"));
        var file = _temp.Write("suite.txt", "not a folder");

        Compare().ShouldFailWith(1, $"error: {_temp.File("suite")}: holds no data set: expected sub-folders with train.json and test.json (Wrench format)");
        Shell.Run("compare", "--suite", file, "--models", "mv").ShouldFailWith(1, $"error: --suite '{file}' is a file, not a folder");
    }

    [Fact]
    public void A_set_named_with_a_pipe_or_a_line_break_keeps_the_columns_of_the_markdown_and_text_tables()
    {
        // Given sets whose folders are named with a pipe, a line break and markup
        Set("a|b");
        Set("c\nd");
        Set("*e*");

        // When
        var markdown = Shell.Run("compare", "--suite", _temp.File("suite"), "--models", "mv,wmv", "--format", "markdown");
        var text = Shell.Run("compare", "--suite", _temp.File("suite"), "--models", "mv,wmv");

        // Then each set stands on one row of three columns, named as written
        markdown.ShouldSucceed();
        var rows = markdown.Out.Split('\n').Where(l => l.StartsWith('|')).ToList();
        rows.Count.ShouldBe(5 * 6);
        foreach (var row in rows) row.Replace(@"\|", "", StringComparison.Ordinal).Count(c => c == '|').ShouldBe(4, row);
        markdown.Out.ShouldContain(@"| a\|b | ");
        markdown.Out.ShouldContain(@"| c\\nd | ");
        markdown.Out.ShouldContain(@"| \*e\* | ");
        text.ShouldSucceed();
        text.Out.ShouldContain("\nc\\nd ");
        text.Out.Contains("c\nd", StringComparison.Ordinal).ShouldBeFalse();
    }
}
