using Snorkeler.Core.Tests.Support;
using Snorkeler.Data;
using Snorkeler.IO;
using Snorkeler.Text;

namespace Snorkeler.Core.Tests;

public class EdgeCaseProbeTests
{
    [Fact]
    public void A_syntax_error_inside_a_wrench_split_names_its_line()
    {
        using var temp = new TempFolder();
        temp.Write("label.json", """{"0": "HAM", "1": "SPAM"}""");
        var path = temp.Write("split.json", "{\n  \"0\": {\"label\": 0, \"weak_labels\": [0]},\n  \"1\": {\"label\": 0 \"weak_labels\": [0]}\n}\n");

        var error = Should.Throw<SnorkelerException>(() => WrenchFile.ReadMatrix(path));

        error.Message.ShouldStartWith($"{path}(3): invalid JSON");
    }

    [Theory]
    [InlineData("42", "a JSON number")]
    [InlineData("-1", "a JSON number")]
    [InlineData("null", "null")]
    public void A_wrench_split_holding_a_lone_number_or_null_says_what_it_holds_not_that_it_is_truncated(string text, string holds)
    {
        // Given (a number at the end of the file may go on, so the reader asked for more and the end looked like truncation)
        using var temp = new TempFolder();
        temp.Write("label.json", """{"0": "HAM", "1": "SPAM"}""");
        var path = temp.Write("split.json", text); // no line end: "42" could go on

        // When
        var error = Should.Throw<SnorkelerException>(() => WrenchFile.ReadMatrix(path));

        // Then
        error.Message.ShouldStartWith($"{path}(1): the file holds {holds}, but a .json file is read as a Wrench split");
    }

    [Fact]
    public void A_trailing_comma_in_a_wrench_split_says_to_remove_it()
    {
        using var temp = new TempFolder();
        temp.Write("label.json", """{"0": "HAM", "1": "SPAM"}""");
        var path = temp.Write("split.json", "{\n  \"0\": {\"label\": 0, \"weak_labels\": [0]},\n}\n");

        var error = Should.Throw<SnorkelerException>(() => WrenchFile.ReadMatrix(path));

        error.Message.ShouldBe($"{path}(3): invalid JSON: a comma after the last member of an object (remove it)");
    }

    [Fact]
    public void A_syntax_error_deep_in_a_large_wrench_split_names_its_line()
    {
        // Given: train.json (600 kB, read in several buffers) with a comma removed at the end of line 20,004
        using var temp = new TempFolder();
        temp.Write("label.json", """{"0": "HAM", "1": "SPAM"}""");
        var lines = File.ReadAllLines(TestPaths.YouTubeFile("train.json"));
        lines[20003].ShouldBe("        \"label\": 0,");
        lines[20003] = "        \"label\": 0";
        var path = temp.Write("split.json", string.Join("\n", lines));

        // When
        var error = Should.Throw<SnorkelerException>(() => WrenchFile.ReadMatrix(path));

        // Then
        error.Message.ShouldStartWith($"{path}(20005): invalid JSON");
    }

    [Fact]
    public void A_one_column_csv_keeps_its_rows()
    {
        using var temp = new TempFolder();
        var path = temp.Write("one.csv", "text\na\nb\n");

        Rows.Of(new CsvSource(path)).Select(r => r[0]).ShouldBe(["a", "b"]);
    }

    [Fact]
    public void Csv_matrix_lf_names_with_surrounding_spaces_round_trip()
    {
        using var temp = new TempFolder();
        var path = temp.File("m.csv");
        var matrix = LabelMatrix.Create(Some.HamSpam, [" padded ", "plain"], [0, 1]);

        MatrixFile.Write(path, matrix);

        MatrixFile.Read(path).ShouldEqual(matrix, compareGold: false);
    }

    [Fact]
    public void Opening_no_data_files_is_a_clear_error()
    {
        Should.Throw<ArgumentException>(() => DataSources.Open(Array.Empty<string>())).Message.ShouldStartWith("no data files given");
    }

    [Fact]
    public void Json_lines_with_a_byte_order_mark_and_crlf_line_ends_are_read()
    {
        using var temp = new TempFolder();
        var path = temp.File("bom.jsonl");
        File.WriteAllText(path, "{\"text\": \"a\"}\r\n{\"text\": \"b\"}\r\n", new System.Text.UTF8Encoding(true));

        var source = new JsonLinesSource(path);

        source.Schema.Names.ShouldBe(["text"]);
        Rows.Of(source).Select(r => r[0]).ShouldBe(["a", "b"]);
    }

    [Fact]
    public void Invalid_utf8_in_json_lines_names_the_line()
    {
        using var temp = new TempFolder();
        var path = temp.File("bad.jsonl");
        File.WriteAllBytes(path, [.. "{\"text\": \"a\"}\n{\"text\": \"caf"u8, 0xE9, .. "\"}\n"u8]);

        Should.Throw<SnorkelerException>(() => Rows.Of(new JsonLinesSource(path))).Message.ShouldStartWith($"{path}(2): invalid UTF-8");
    }

    [Theory]
    [InlineData("analyse", "analyze")]
    [InlineData("SPAMM", "SPAM")]
    [InlineData("--matrx", "--matrix")]
    [InlineData("xyz", null)]
    public void Suggestions_are_the_nearest_candidate_within_a_third_of_the_word(string word, string? expected)
    {
        Suggest.Nearest(word, ["analyze", "apply", "SPAM", "HAM", "--matrix", "--model"]).ShouldBe(expected);
    }

    [Fact]
    public void Edit_distance_counts_adjacent_transpositions_once()
    {
        Suggest.Distance("analyze", "analzye").ShouldBe(1);
        Suggest.Distance("", "abc").ShouldBe(3);
        Suggest.Distance("kitten", "sitting").ShouldBe(3);
    }
}
