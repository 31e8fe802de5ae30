using Snorkeler.Core.Tests.Support;
using Snorkeler.Data;
using Snorkeler.IO;

namespace Snorkeler.Core.Tests;

public class WrenchFileTests
{
    [Fact]
    public void The_youtube_training_split_reads_as_1586_rows_of_10_lfs_with_every_vote_and_gold_label()
    {
        // Given
        var path = TestPaths.YouTubeFile("train.json");
        var expected = YouTubeSplit.Read("train.json");

        // When
        var matrix = WrenchFile.ReadMatrix(path);

        // Then
        matrix.RowCount.ShouldBe(1586);
        expected.Rows.ShouldBe(1586);
        matrix.LfNames.ShouldBe(Enumerable.Range(0, 10).Select(j => $"lf_{j}"));
        matrix.Schema.ClassNames.ShouldBe(["HAM", "SPAM"]);
        matrix.HasGold.ShouldBeTrue();
        matrix.GoldLabels.ToArray().ShouldBe(expected.Gold);
        for (var i = 0; i < matrix.RowCount; i++)
        {
            var row = new int[10];
            matrix.CopyRow(i, row);
            row.ShouldBe(expected.WeakLabels[i], $"row {i}");
        }
        MatrixFile.Read(path).ShouldEqual(matrix);
    }

    [Fact]
    public void A_wrench_split_is_also_a_data_source_of_its_rows_data_fields()
    {
        var expected = YouTubeSplit.Read("test.json");

        var source = DataSources.Open(TestPaths.YouTubeFile("test.json"));
        var rows = Rows.Of(source, 64);

        source.Schema.Names.ShouldBe(["text"]);
        rows.Select(r => r[0]).ShouldBe(expected.Texts);
    }

    [Fact]
    public void Rows_with_different_lf_counts_are_an_error_naming_the_row_and_line()
    {
        using var temp = new TempFolder();
        var path = Split(temp, """
            {
              "0": {"data": {"text": "a"}, "label": 0, "weak_labels": [0, -1, 1]},
              "1": {"data": {"text": "b"}, "label": 1, "weak_labels": [1, -1]}
            }
            """);

        var error = Should.Throw<SnorkelerException>(() => WrenchFile.ReadMatrix(path));

        error.Message.ShouldBe($"{path}(3): row \"1\" has 2 weak labels but the first row (line 2) has 3");
    }

    [Fact]
    public void A_vote_outside_the_classes_is_an_error_naming_the_row_and_the_line_the_vote_is_on()
    {
        using var temp = new TempFolder();
        var path = Split(temp, """
            {
              "0": {"data": {"text": "a"}, "label": 0, "weak_labels": [0, -1]},
              "1": {"data": {"text": "b"}, "label": 1,
                    "weak_labels": [1, 2]}
            }
            """);

        var error = Should.Throw<SnorkelerException>(() => WrenchFile.ReadMatrix(path));

        // Line 4, where the vote is, not line 3, where its row starts
        error.Message.ShouldBe($"{path}(4): row \"1\": weak label 1 is 2, expected -1 or a class 0..1");
    }

    [Fact]
    public void A_gold_label_outside_the_classes_is_an_error()
    {
        using var temp = new TempFolder();
        var path = Split(temp, """{"0": {"data": {"text": "a"}, "label": 7, "weak_labels": [0]}}""");

        Should.Throw<SnorkelerException>(() => WrenchFile.ReadMatrix(path)).Message.ShouldBe($"{path}(1): row \"0\": label 7 is not a class 0..1");
    }

    [Fact]
    public void A_row_without_a_data_object_is_an_error_whichever_row_it_is()
    {
        using var temp = new TempFolder();
        var path = Split(temp, """
            {
              "0": {"data": {"text": "good"}, "label": 1, "weak_labels": [1]},
              "1": {"label": 0, "weak_labels": [0]}
            }
            """);

        var error = Should.Throw<SnorkelerException>(() => DataSources.Open(path).ReadBatches(100).ToList());

        error.Message.ShouldBe($"{path}(3): row \"1\" has no \"data\" object");
    }

    [Fact]
    public void The_gold_labels_of_a_split_without_weak_labels_are_read_from_its_label_fields()
    {
        using var temp = new TempFolder();
        var path = Split(temp, """
            {
              "0": {"data": {"text": "good"}, "label": 1},
              "1": {"data": {"text": "bad"}, "label": null},
              "2": {"data": {"text": "so-so"}}
            }
            """);

        WrenchFile.ReadGold(path).ShouldBe([1, -1, -1]);
    }

    [Fact]
    public void A_split_without_label_json_beside_it_is_an_error()
    {
        using var temp = new TempFolder();
        var path = temp.Write("train.json", """{"0": {"data": {"text": "a"}, "label": 0, "weak_labels": [0]}}""");

        var error = Should.Throw<SnorkelerException>(() => WrenchFile.ReadMatrix(path));

        error.Message.ShouldStartWith($"{path}: no label.json beside it");
    }

    [Fact]
    public void A_truncated_split_is_an_error_naming_the_file()
    {
        using var temp = new TempFolder();
        var text = File.ReadAllText(TestPaths.YouTubeFile("valid.json"));
        var path = Split(temp, text[..(text.Length / 2)]);

        var error = Should.Throw<SnorkelerException>(() => WrenchFile.ReadMatrix(path));

        error.Message.ShouldStartWith($"{path}(");
        error.Message.ShouldEndWith("unexpected end of file (truncated JSON?)");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n")]
    public void An_empty_split_is_an_error_naming_the_file(string text)
    {
        using var temp = new TempFolder();
        var path = Split(temp, text);

        var error = Should.Throw<SnorkelerException>(() => WrenchFile.ReadMatrix(path));

        error.Message.ShouldStartWith(path);
        error.Message.ShouldEndWith(": the file is empty");
    }

    [Fact]
    public void A_split_of_no_rows_is_an_error()
    {
        using var temp = new TempFolder();
        var path = Split(temp, "{}");

        Should.Throw<SnorkelerException>(() => WrenchFile.ReadMatrix(path)).Message.ShouldBe($"{path}: the file has no rows");
    }

    [Theory]
    [InlineData("{\"text\": \"a\", \"score\": NaN}", "[0]", "NaN")]
    [InlineData("{\"text\": \"a\"}", "[0, -Infinity]", "-Infinity")]
    public void A_python_non_finite_number_in_a_split_says_json_has_none_naming_its_line(string data, string votes, string word)
    {
        // Given a split whose second row holds what Python's json.dump writes for a float NaN or infinity
        using var temp = new TempFolder();
        var path = Split(temp, "{\n\"0\": {\"data\": {\"text\": \"b\"}, \"label\": 0, \"weak_labels\": [0]},\n"
            + $"\"1\": {{\"data\": {data},\n \"label\": 0, \"weak_labels\": {votes}}}}}");

        // When
        var error = Should.Throw<SnorkelerException>(() => WrenchFile.ReadMatrix(path));

        // Then (it was "'N' is an invalid start of a value")
        error.Message.ShouldStartWith($"{path}({(word == "NaN" ? 3 : 4)}): invalid JSON: {word} is not a JSON value (JSON has no NaN or Infinity;");
    }

    [Theory]
    [InlineData(" SPAM")]
    [InlineData("SPAM ")]
    public void A_class_name_beginning_or_ending_with_a_space_is_refused_naming_the_file_and_class_as_no_gold_label_could_match_it(string name)
    {
        // Given a label.json naming a class with a space around it (before: accepted, and the split's gold cells, read
        // trimmed, could never match it)
        using var temp = new TempFolder();
        var path = Split(temp, """{"0": {"data": {"text": "a"}, "label": 0, "weak_labels": [0]}}""", labels: $"{{\"0\": \"HAM\", \"1\": \"{name}\"}}");

        // When
        var error = Should.Throw<SnorkelerException>(() => WrenchFile.ReadSchema(path));

        // Then
        error.Message.ShouldBe($"{Path.Combine(temp.Path, "label.json")}: class 1 ('{name}') begins or ends with a space, so no gold label (read without its spaces) can ever match it; remove the space");
    }

    [Fact]
    public void A_label_json_holding_nan_says_json_has_none()
    {
        using var temp = new TempFolder();
        var path = Split(temp, """{"0": {"data": {"text": "a"}, "label": 0, "weak_labels": [0]}}""", labels: "{\"0\": \"HAM\",\n \"1\": NaN}");

        Should.Throw<SnorkelerException>(() => WrenchFile.ReadSchema(path)).Message
            .ShouldStartWith($"{Path.Combine(temp.Path, "label.json")}(2): invalid JSON: NaN is not a JSON value");
    }

    [Fact]
    public void A_data_object_with_an_empty_key_is_an_error_naming_its_line()
    {
        using var temp = new TempFolder();
        var path = Split(temp, "{\n\"0\": {\"data\": {\"text\": \"a\", \"\": 1}, \"label\": 0, \"weak_labels\": [0]}}");

        Should.Throw<SnorkelerException>(() => Rows.Of(DataSources.Open(path))).Message
            .ShouldBe($"{path}(2): key 2 is \"\", which names no column; give it a name (the first record's keys are the columns)");
    }

    [Fact]
    public void A_later_data_object_with_an_empty_key_is_an_error_naming_its_line()
    {
        // Given a second row with a key "" (it was ignored like a key the first row lacks)
        using var temp = new TempFolder();
        var path = Split(temp, "{\n\"0\": {\"data\": {\"text\": \"a\"}, \"label\": 0, \"weak_labels\": [0]},\n\"1\": {\"data\": {\"text\": \"b\", \"\": 1}, \"label\": 0, \"weak_labels\": [0]}}");

        Should.Throw<SnorkelerException>(() => Rows.Of(DataSources.Open(path))).Message
            .ShouldBe($"{path}(3): key 2 is \"\", which names no column; give it a name");
    }

    [Fact]
    public void Label_json_must_number_classes_from_0_without_gaps()
    {
        using var temp = new TempFolder();
        var path = Split(temp, """{"0": {"data": {"text": "a"}, "label": 0, "weak_labels": [0]}}""", labels: """{"0": "HAM", "2": "SPAM"}""");

        Should.Throw<SnorkelerException>(() => WrenchFile.ReadSchema(path)).Message.ShouldContain("without gaps");
    }

    private const string TwoRows = """
        {
          "0": {"data": {"text": "a"}, "label": 0, "weak_labels": [0, -1]},
          "1": {"data": {"text": "b"}, "label": 1, "weak_labels": [1, -1]}
        }
        """;

    [Fact]
    public void A_second_split_joined_after_the_first_is_an_error_naming_the_line_it_starts_on()
    {
        // Given: two splits concatenated, as 'cat train.json valid.json' writes them
        using var temp = new TempFolder();
        var path = Split(temp, TwoRows + "\n" + TwoRows);

        // When
        var error = Should.Throw<SnorkelerException>(() => WrenchFile.ReadMatrix(path));

        // Then
        error.Message.ShouldBe($"{path}(5): data after the end of the split's object (two files joined?)");
    }

    [Theory]
    [InlineData("garbage\n", 4)]
    [InlineData("{}", 4)]
    [InlineData("\n\0\0", 5)]
    [InlineData("\n// a comment\n/ ", 6)]
    public void Anything_but_blanks_and_comments_after_the_splits_object_is_an_error_for_every_reader(string after, int line)
    {
        // Given
        using var temp = new TempFolder();
        var path = Split(temp, TwoRows + after);
        var expected = $"{path}({line}): data after the end of the split's object (two files joined?)";

        // When / Then: the matrix, the gold labels and the rows' data are all read to the end of the file
        Should.Throw<SnorkelerException>(() => WrenchFile.ReadMatrix(path)).Message.ShouldBe(expected);
        Should.Throw<SnorkelerException>(() => WrenchFile.ReadGold(path)).Message.ShouldBe(expected);
        Should.Throw<SnorkelerException>(() => Rows.Of(DataSources.Open(path), 64)).Message.ShouldBe(expected);
    }

    [Fact]
    public void Blank_lines_and_comments_after_the_splits_object_are_allowed()
    {
        using var temp = new TempFolder();
        var path = Split(temp, TwoRows + "\n\n  \t\r\n// the end\n/* really */\n");

        var matrix = WrenchFile.ReadMatrix(path);

        matrix.RowCount.ShouldBe(2);
        matrix.GoldLabels.ToArray().ShouldBe([0, 1]);
    }

    [Theory]
    [InlineData("{'0': {'data': {'text': 'a'}, 'label': 0,\n 'label': 1, 'weak_labels': [0]}}", "label", "", 1, 2)]
    [InlineData("{'0': {'data': {'text': 'a'}, 'label': 0, 'weak_labels': [0],\n\n 'weak_labels': [1]}}", "weak_labels", "", 1, 3)]
    [InlineData("{'0': {'data': {'text': 'a',\n 'text': 'b'}, 'label': 0, 'weak_labels': [0]}}", "text", " in \"data\"", 1, 2)]
    public void A_key_given_twice_in_a_row_is_an_error_naming_both_lines(string json, string key, string within, int first, int second)
    {
        // Given: JsonDocument keeps both values, and a lookup would take one of them silently
        using var temp = new TempFolder();
        var path = Split(temp, json.Replace('\'', '"'));

        // When
        var error = Should.Throw<SnorkelerException>(() => WrenchFile.ReadMatrix(path));

        // Then
        error.Message.ShouldBe($"{path}({second}): row \"0\" has the key \"{key}\"{within} twice (first on line {first}); each key may appear once in an object");
    }

    [Theory]
    [InlineData("null", "null")]
    [InlineData("1", "a JSON number")]
    [InlineData("{}", "a JSON object")]
    public void Weak_labels_that_are_not_an_array_are_an_error_naming_what_they_are(string value, string kind)
    {
        using var temp = new TempFolder();
        var path = Split(temp, $$"""
            {
              "0": {"data": {"text": "a"}, "label": 0,
                    "weak_labels": {{value}}}
            }
            """);

        var error = Should.Throw<SnorkelerException>(() => WrenchFile.ReadMatrix(path));

        error.Message.ShouldBe($"{path}(3): row \"0\": \"weak_labels\" is {kind}, not an array of weak labels such as [-1, 0, 1]");
    }

    [Fact]
    public void A_vote_written_over_several_lines_is_quoted_on_one_line()
    {
        using var temp = new TempFolder();
        var path = Split(temp, """
            {
              "0": {"data": {"text": "a"}, "label": 0, "weak_labels": [0,
                [
                  1
                ]]}
            }
            """);

        var error = Should.Throw<SnorkelerException>(() => WrenchFile.ReadMatrix(path));

        error.Message.ShouldBe($"{path}(3): row \"0\": weak label 1 is [1], expected -1 or a class 0..1");
    }

    [Theory]
    [InlineData("")]
    [InlineData(" \n\t\n")]
    public void An_empty_label_json_is_an_error_of_our_own_words(string labels)
    {
        using var temp = new TempFolder();
        var path = Split(temp, TwoRows, labels);
        var labelPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "label.json");

        var error = Should.Throw<SnorkelerException>(() => WrenchFile.ReadSchema(path));

        error.Message.ShouldBe($"{labelPath}: the file is empty; it names the classes, such as {{\"0\": \"HAM\", \"1\": \"SPAM\"}}");
    }

    /// <summary>Writes a Wrench split and its label.json into the folder.</summary>
    private static string Split(TempFolder temp, string json, string labels = """{"0": "HAM", "1": "SPAM"}""")
    {
        temp.Write("label.json", labels);
        return temp.Write("split.json", json);
    }
}
