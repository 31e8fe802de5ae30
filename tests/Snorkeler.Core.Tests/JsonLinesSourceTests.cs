using Snorkeler.Core.Tests.Support;
using Snorkeler.Data;

namespace Snorkeler.Core.Tests;

public class JsonLinesSourceTests
{
    [Fact]
    public void Json_values_become_text_cells_and_null_is_missing()
    {
        // Given
        using var temp = new TempFolder();
        var path = temp.Write("data.jsonl",
            "{\"s\": \"caf\\u00e9, \\\"quoted\\\"\", \"n\": 1.5e3, \"b\": true, \"z\": null, \"o\": {\"a\": [1, 2]}}\n" +
            "\n" +
            "   \n" +
            "{\"o\": [1, \"x\"], \"s\": \"second\", \"n\": -3, \"b\": false, \"extra\": 1}\n");

        // When
        var source = new JsonLinesSource(path);
        var rows = Rows.Of(source);

        // Then
        source.Schema.Names.ShouldBe(["s", "n", "b", "z", "o"]);
        rows.Count.ShouldBe(2);
        rows[0].ShouldBe(["café, \"quoted\"", "1.5e3", "true", null, "{\"a\": [1, 2]}"]);
        rows[1].ShouldBe(["second", "-3", "false", null, "[1, \"x\"]"]);
        Rows.Lines(source).ShouldBe([1L, 4L]);
        source.ReadBatches(10).Single()[0].Number("n").ShouldBe(1500);
    }

    [Fact]
    public void Batches_of_one_row_give_the_same_rows_as_one_batch()
    {
        using var temp = new TempFolder();
        var path = temp.Write("data.jsonl", string.Concat(Enumerable.Range(0, 7).Select(i => $"{{\"i\": {i}}}\n")));
        var source = new JsonLinesSource(path);

        var batches = source.ReadBatches(3).ToList();

        batches.Select(b => b.Count).ShouldBe([3, 3, 1]);
        batches.Select(b => b.FirstRow).ShouldBe([0L, 3L, 6L]);
        Rows.Of(source, 1).ShouldBe(Rows.Of(source, 100));
    }

    [Fact]
    public void Invalid_json_is_an_error_naming_the_file_and_line()
    {
        using var temp = new TempFolder();
        var path = temp.Write("bad.jsonl", "{\"a\": 1}\n\n{\"a\": 2}\n{\"a\": }\n");

        var error = Should.Throw<SnorkelerException>(() => Rows.Of(new JsonLinesSource(path)));

        error.Message.ShouldStartWith($"{path}(4): invalid JSON");
    }

    [Theory]
    [InlineData("{\"a\": 2,}", "a comma after the last member of an object (remove it)")]
    [InlineData("{\"a\": [1, 2,]}", "a comma after the last item of an array (remove it)")]
    [InlineData("{\"a\": \"x\"", "the line is cut short: an object or array is not closed (a '}' or ']' is missing)")]
    [InlineData("{\"a\": 2, \"a\": 3}", "the key 'a' appears twice in one object; each key may appear once")]
    public void Invalid_json_is_told_in_the_reader_s_words_not_the_parser_s(string line, string message)
    {
        // Given a line System.Text.Json refuses with advice for its caller ("Change the reader options") or in its own terms
        using var temp = new TempFolder();
        var path = temp.Write("bad.jsonl", "{\"a\": 1}\n" + line + "\n");

        // When
        var error = Should.Throw<SnorkelerException>(() => Rows.Of(new JsonLinesSource(path)));

        // Then
        error.Message.ShouldBe($"{path}(2): invalid JSON: {message}");
    }

    [Theory]
    [InlineData("{\"a\": 2")]
    [InlineData("{\"a\": [1, 2")]
    [InlineData("{\"a\": \"x")]
    [InlineData("{\"a\": tru")]
    [InlineData("{\"a\": -1.5e")]
    [InlineData("{\"a\":")]
    public void A_line_cut_short_is_an_error_saying_so_whatever_value_it_ends_in(string line)
    {
        // Given a line cut short in a number, a string or a literal (it said "'2' is an invalid end of a number. Expected a
        // delimiter", blaming the value)
        using var temp = new TempFolder();
        var path = temp.Write("cut.jsonl", "{\"a\": 1}\n" + line + "\n");

        // When
        var error = Should.Throw<SnorkelerException>(() => Rows.Of(new JsonLinesSource(path)));

        // Then
        error.Message.ShouldBe($"{path}(2): invalid JSON: the line is cut short: an object or array is not closed (a '}}' or ']' is missing)");
    }

    [Theory]
    [InlineData("{\"a\": NaN}", "NaN")]
    [InlineData("{\"a\": [1, Infinity]}", "Infinity")]
    [InlineData("{\"b\": \"Nope\", \"a\": -Infinity}", "-Infinity")]
    public void A_python_non_finite_number_says_json_has_none_instead_of_an_invalid_start(string line, string word)
    {
        // Given a line as Python's json.dump writes a float NaN or infinity
        using var temp = new TempFolder();
        var path = temp.Write("bad.jsonl", "{\"a\": 1, \"b\": \"x\"}\n" + line + "\n");

        // When
        var error = Should.Throw<SnorkelerException>(() => Rows.Of(new JsonLinesSource(path)));

        // Then (it was "'N' is an invalid start of a value")
        error.Message.ShouldBe($"{path}(2): invalid JSON: {word} is not a JSON value (JSON has no NaN or Infinity; Python's json.dump writes them "
            + "for float('nan') and float('inf') unless allow_nan=False); write a number (or null where a value may be missing) in its place");
    }

    [Theory]
    [InlineData("{\"a\": Nope}")]
    [InlineData("{\"a\": Infinite}")]
    public void A_bare_word_that_is_not_nan_or_infinity_keeps_the_parser_s_words(string line)
    {
        using var temp = new TempFolder();
        var path = temp.Write("bad.jsonl", line + "\n");

        var error = Should.Throw<SnorkelerException>(() => Rows.Of(new JsonLinesSource(path)));

        error.Message.ShouldNotContain("NaN");
        error.Message.ShouldStartWith($"{path}(1): invalid JSON: '");
    }

    [Fact]
    public void An_empty_key_in_the_first_line_is_an_error_naming_the_line_as_an_empty_csv_column_name_is()
    {
        // Given a first line with a key "" among others
        using var temp = new TempFolder();
        var path = temp.Write("data.jsonl", "\n{\"text\": \"a\", \"\": 1}\n{\"text\": \"b\", \"\": 2}\n");

        // When (it was read as a column with no name)
        var error = Should.Throw<SnorkelerException>(() => new JsonLinesSource(path));

        // Then
        error.Message.ShouldBe($"{path}(2): key 2 is \"\", which names no column; give it a name (the first record's keys are the columns)");
    }

    [Theory]
    [InlineData("{\"text\": \"b\", \"\": 2}")]
    [InlineData("{\"text\": \"b\", \"n\": {\"x\": 1}, \"\": 2}")]
    [InlineData("{\"text\": \"b\\u0021\", \"\": \"\\u0021\"}")]
    public void An_empty_key_in_a_later_line_is_an_error_naming_that_line_as_on_the_first(string later)
    {
        // Given a later line with a key "" (the first case is read by the fast reader, the others by the document parse)
        using var temp = new TempFolder();
        var path = temp.Write("data.jsonl", $"{{\"text\": \"a\", \"n\": 1}}\n\n{later}\n");
        var source = new JsonLinesSource(path);
        var expected = $"{path}(3): key {(later.Contains("\"n\"", StringComparison.Ordinal) ? 3 : 2)} is \"\", which names no column; give it a name";

        // When read in order and in chunks (it was ignored like a key the first line lacks)
        var inOrder = Should.Throw<SnorkelerException>(() => Rows.Of(source));
        var chunked = Should.Throw<SnorkelerException>(() => ((IChunkedSource)source).ReadChunks(100).Select(c => c.Parse()).ToList());

        // Then
        inOrder.Message.ShouldBe(expected);
        chunked.Message.ShouldBe(expected);
    }

    [Theory]
    [InlineData("{\"a\": 2x}", "'x' is an invalid end of a number")]
    [InlineData("{\"a\": tru}", "'tru}' is an invalid JSON literal")]
    public void A_bad_value_inside_a_closed_line_is_not_called_cut_short(string line, string message)
    {
        using var temp = new TempFolder();
        var path = temp.Write("bad.jsonl", "{\"a\": 1}\n" + line + "\n");

        var error = Should.Throw<SnorkelerException>(() => Rows.Of(new JsonLinesSource(path)));

        error.Message.ShouldStartWith($"{path}(2): invalid JSON: {message}");
    }

    [Fact]
    public void Json_nested_past_the_parser_s_depth_is_an_error_saying_how_deep_in_the_reader_s_words()
    {
        // Given
        using var temp = new TempFolder();
        var path = temp.Write("deep.jsonl", "{\"a\": 1}\n{\"a\": " + new string('[', 70) + new string(']', 70) + "}\n");

        // When
        var error = Should.Throw<SnorkelerException>(() => Rows.Of(new JsonLinesSource(path)));

        // Then
        error.Message.ShouldBe($"{path}(2): invalid JSON: values nested more than 64 levels deep, the most read");
    }

    [Fact]
    public void A_line_that_is_not_an_object_is_an_error_naming_the_line()
    {
        using var temp = new TempFolder();
        var path = temp.Write("bad.jsonl", "{\"a\": 1}\n[1, 2]\n");

        Should.Throw<SnorkelerException>(() => Rows.Of(new JsonLinesSource(path)))
            .Message.ShouldBe($"{path}(2): each line must be a JSON object");
    }

    [Fact]
    public void A_key_too_long_to_be_a_column_name_is_a_short_error_naming_the_line()
    {
        using var temp = new TempFolder();
        var path = temp.Write("long.jsonl", "\n{\"" + new string('k', 100_000) + "\": 1, \"body\": \"good\"}\n");

        var error = Should.Throw<SnorkelerException>(() => new JsonLinesSource(path));

        error.Message.ShouldBe($"{path}(2): a key is 100,000 characters long (at most 1,024 for a column name): '{new string('k', 40)}…'");
    }

    [Fact]
    public void An_empty_file_is_an_error_naming_it()
    {
        using var temp = new TempFolder();
        var path = temp.Write("empty.jsonl", "\n\n");

        Should.Throw<SnorkelerException>(() => new JsonLinesSource(path)).Message.ShouldStartWith($"{path}: the file is empty");
    }

    [Fact]
    public void Data_sources_open_json_lines_by_extension()
    {
        using var temp = new TempFolder();
        var path = temp.Write("data.ndjson", "{\"text\": \"x\"}\n");

        var source = DataSources.Open(path);

        source.ShouldBeOfType<JsonLinesSource>();
        Rows.Of(source).Single().ShouldBe(["x"]);
        Should.Throw<SnorkelerException>(() => DataSources.Open(temp.Write("data.xml", "<a/>"))).Message.ShouldContain("unknown data format '.xml'");
    }

    [Fact]
    public void A_data_key_only_a_later_row_of_a_wrench_split_has_is_named_with_its_row_and_line_as_for_json_lines()
    {
        // Given a Wrench split whose first row's data lacks the key "text" that its second row has, one value a line
        // (the error said only "has no such column (columns: id)")
        using var temp = new TempFolder();
        temp.Write("label.json", """{"0": "HAM", "1": "SPAM"}""");
        var path = temp.Write("train.json", "{\n\"0\": {\"data\": {\"id\": 1}, \"label\": 0, \"weak_labels\": [0]},\n"
            + "\"1\": {\n  \"data\": {\n    \"id\": 2,\n    \"TEXT\": \"hi\"\n  },\n  \"label\": 1, \"weak_labels\": [1]}\n}\n");
        var data = DataSources.Open(path);

        // When a message asks why text is no column
        var hint = ColumnGuess.MissingFieldHint("text", data.Schema, Loading.DataHints.Of(data));

        // Then it names the row, its line and the key as written
        data.Schema.Names.ShouldBe(["id"]);
        hint.ShouldBe($"; 'TEXT' is a data key of row \"1\" (line 6) of {path} but not of its first row, whose data keys are a Wrench split's columns: "
            + "give the first row's data every key (null where it has no value)");
    }

    [Fact]
    public void A_key_of_a_later_line_is_found_in_every_file_read_as_one_even_one_whose_name_holds_a_plus()
    {
        // Given two JSON Lines files read as one, renamed, the first named with " + " in it, and the second with
        // AUTHOR on its 3rd line only
        using var temp = new TempFolder();
        var first = temp.Write("ham + spam.jsonl", "{\"id\": 1, \"body\": \"hi\"}\n");
        var second = temp.Write("more.jsonl", "{\"id\": 2, \"body\": \"a\"}\n{\"id\": 3, \"body\": \"b\"}\n{\"id\": 4, \"body\": \"c\", \"AUTHOR\": \"Z\"}\n");
        var data = DataSources.WithAliases(DataSources.Open([first, second]), new Dictionary<string, string> { ["text"] = "body" });

        // When a message asks why AUTHOR is no column
        var hint = ColumnGuess.MissingFieldHint("AUTHOR", data.Schema, Loading.DataHints.Of(data));

        // Then the second file is searched (the files were found by splitting the name on " + ", which this name defeats)
        data.Files.ShouldBe([first, second]);
        hint.ShouldBe($"; 'AUTHOR' is a key of line 3 of {second} but not of its first line, whose keys are a JSON Lines file's columns: "
            + "give the first line every key (null where it has no value)");
    }
}
