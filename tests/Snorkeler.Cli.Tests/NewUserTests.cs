using System.Text.Json;
using Snorkeler.Cli.Tests.Support;

namespace Snorkeler.Cli.Tests;

/// <summary>
/// What a new user trips over when following the docs with data of their own (the raw YouTube CSVs): each mistake
/// gets one line saying what is wrong and what to do, and what the docs promise holds.
/// </summary>
public sealed class NewUserTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private const string Rules = """
        labels HAM, SPAM

        lf link:
            when CONTENT matches /https?:\/\// label SPAM

        lf short:
            when word_count(CONTENT) <= 3 label HAM
        """;

    /// <summary>The LF folder and Psy's comments (the first raw YouTube CSV) as records of column name to cell.</summary>
    private (string Lfs, List<Dictionary<string, string>> Records) PsyComments()
    {
        var lfs = Path.GetDirectoryName(_temp.Write("lfs/yt.rules", Rules))!;
        var records = new List<Dictionary<string, string>>();
        var source = Data.DataSources.Open(TestPaths.YouTubeRawCsvs[0]);
        foreach (var batch in source.ReadBatches(4096))
            for (var i = 0; i < batch.Count; i++)
                records.Add(source.Schema.Names.Select((name, c) => (name, batch.Text(i, c).ToString())).ToDictionary(p => p.name, p => p.Item2));
        return (lfs, records);
    }

    [Fact]
    public void Json_lines_saved_as_a_json_file_are_an_error_saying_to_name_the_file_jsonl_which_then_labels_as_the_csv_does()
    {
        // Given the comments as JSON Lines in a file named .json (which Snorkeler reads as a Wrench split)
        var (lfs, records) = PsyComments();
        var lines = string.Concat(records.Select(r => JsonSerializer.Serialize(r) + "\n"));
        var data = _temp.Write("comments.json", lines);

        // When they are labelled, Then the error says the file is not a split and how to name JSON Lines
        Shell.Run("label", "--lfs", lfs, "--data", data, "--out", _temp.File("labels.csv"))
            .ShouldFailWith(1, $"error: {data}(1): \"COMMENT_ID\" holds a JSON string, not a row object: a .json file is read as a Wrench split "
                + "(one JSON object of rows: {\"0\": {\"data\": {...}, \"label\": 1}, ...}); for data with one JSON object per line, name the file .jsonl "
                + "(a JSON array of records: write one per line)");
        File.Exists(_temp.File("labels.csv")).ShouldBeFalse();

        // and, renamed as the error says, the file gives the labels the CSV gives, byte for byte
        var renamed = _temp.Write("comments.jsonl", lines);
        Shell.Run("label", "--lfs", lfs, "--data", renamed, "--gold-column", "CLASS", "--model", "mv", "--out", _temp.File("j.csv")).ShouldSucceed();
        Shell.Run("label", "--lfs", lfs, "--data", TestPaths.YouTubeRawCsvs[0], "--gold-column", "CLASS", "--model", "mv", "--out", _temp.File("c.csv")).ShouldSucceed();
        File.ReadAllText(_temp.File("j.csv")).ShouldBe(File.ReadAllText(_temp.File("c.csv")));
    }

    [Fact]
    public void A_json_array_of_records_is_an_error_saying_to_write_them_one_per_line()
    {
        // Given the comments as a JSON array of records, as pandas' to_json(orient="records") writes them
        var (lfs, records) = PsyComments();
        var data = _temp.Write("comments.json", JsonSerializer.Serialize(records));

        // When they are labelled, Then the error names the array and the JSON Lines way out
        Shell.Run("label", "--lfs", lfs, "--data", data, "--out", _temp.File("labels.csv"))
            .ShouldFailWith(1, $"error: {data}(1): the file holds a JSON array, but a .json file is read as a Wrench split "
                + "(one JSON object of rows: {\"0\": {\"data\": {...}, \"label\": 1}, ...}); for data with one JSON object per line, name the file .jsonl "
                + "(a JSON array of records: write one per line)");
    }

    /// <summary>Records as CSV, every field quoted, under a header of <paramref name="columns"/> (none when null).</summary>
    private string WriteCsv(string name, string[]? columns, IEnumerable<IEnumerable<string>> records)
    {
        static string Line(IEnumerable<string> fields) => string.Join(",", fields.Select(f => "\"" + f.Replace("\"", "\"\"") + "\"")) + "\n";
        return _temp.Write(name, (columns is null ? "" : Line(columns)) + string.Concat(records.Select(Line)));
    }

    private static readonly string[] Columns = ["COMMENT_ID", "AUTHOR", "DATE", "CONTENT", "CLASS"];

    [Fact]
    public void Gold_labels_written_as_floats_by_pandas_are_read_as_class_numbers()
    {
        // Given Psy's comments with CLASS as pandas writes an integer column with a missing value: 1.0, 0.0 and one empty cell
        var (lfs, records) = PsyComments();
        var data = WriteCsv("floats.csv", Columns, records.Select((r, i) => Columns.Select(c => c != "CLASS" ? r[c] : i == 0 ? "" : r[c] + ".0")));

        // When the LFs are applied with the gold column
        var applied = Shell.Run("apply", "--lfs", lfs, "--data", data, "--gold-column", "CLASS", "--out", _temp.File("m.snkm"));

        // Then every labelled row's gold label is read, as the class number it stands for
        applied.ShouldSucceed();
        applied.Error.ShouldContain("gold labels on 349 of 350 rows");
        var analyzed = Shell.Run("analyze", "--matrix", _temp.File("m.snkm"), "--format", "json").ShouldSucceed();
        Shell.Run("apply", "--lfs", lfs, "--data", TestPaths.YouTubeRawCsvs[0], "--gold-column", "CLASS", "--out", _temp.File("raw.snkm")).ShouldSucceed();
        var raw = Shell.Run("analyze", "--matrix", _temp.File("raw.snkm"), "--format", "json").ShouldSucceed();
        int Correct(string json) => JsonDocument.Parse(json).RootElement.GetProperty("lfs").EnumerateArray().Sum(l => l.GetProperty("correct").GetInt32());
        records[0]["CONTENT"].ShouldNotContain("http"); // the row without gold has no vote of these LFs
        records[0]["CONTENT"].Split(' ').Length.ShouldBeGreaterThan(3);
        Correct(analyzed.Out).ShouldBe(Correct(raw.Out));

        // and a fraction that is not zero is still no class
        var half = WriteCsv("half.csv", Columns, records.Select((r, i) => Columns.Select(c => c == "CLASS" && i == 2 ? "0.5" : r[c])));
        Shell.Run("apply", "--lfs", lfs, "--data", half, "--gold-column", "CLASS", "--out", _temp.File("h.snkm"))
            .ShouldFailWith(1, $"error: {half}(4): column 'CLASS': '0.5' is not a class (HAM, SPAM) or a class number 0..1");
    }

    [Fact]
    public void A_csv_without_a_header_line_is_an_error_asking_for_one()
    {
        // Given Psy's comments without their header line, so that the first comment's cells are taken for column names
        var (lfs, records) = PsyComments();
        var data = WriteCsv("noheader.csv", null, records.Select(r => Columns.Select(c => r[c])));

        // When they are labelled, Then the error on the field the LFs read asks for a header line
        var result = Shell.Run("label", "--lfs", lfs, "--data", data, "--out", _temp.File("labels.csv")).ShouldFailWith(1);
        result.ErrorLines[0].ShouldStartWith($"{Path.Combine(lfs, "yt.rules")}(4,10): error SNK0103: unknown field 'CONTENT' (used 2 times): {data} has no such column; "
            + $"the first line of {data} looks like a row, not a header ('{records[0]["DATE"]}' is a date): add a header line naming the columns (columns: ");
    }

    [Fact]
    public void A_misspelt_keep_column_under_a_column_mapping_suggests_the_file_s_own_column_name()
    {
        // Given the comments read with --column text=CONTENT, so that the schema calls CONTENT 'text'
        var (lfs, _) = PsyComments();
        var data = TestPaths.YouTubeRawCsvs[0];

        // When a column to keep is misspelt, Then the error suggests the name in the file and lists the columns as the file has them
        Shell.Run("label", "--lfs", lfs, "--data", data, "--column", "text=CONTENT", "--keep-columns", "CONTNT", "--out", _temp.File("labels.csv"))
            .ShouldFailWith(1, $"error: {data}: no column 'CONTNT'; did you mean 'CONTENT'? (columns: COMMENT_ID, AUTHOR, DATE, CONTENT (read as text), CLASS)");
    }

    [Fact]
    public void The_rows_command_a_below_chance_warning_gives_runs_as_written_and_shows_the_wrong_rows()
    {
        // Given LFs of which 'short' is below chance on Psy's comments (right on 19 of the 57 it votes on)
        var (lfs, _) = PsyComments();
        var psy = TestPaths.YouTubeRawCsvs[0];

        // When they are applied with the gold column
        var applied = Shell.Run("apply", "--lfs", lfs, "--data", psy, "--gold-column", "CLASS", "--out", _temp.File("m.snkm")).ShouldSucceed();

        // Then the warning's command names the LFs, the data and the gold column, and runs
        var command = $"snorkeler rows --lfs {lfs} --data {psy} --gold-column CLASS --lf short --wrong";
        applied.ErrorLines.ShouldContain(l => l.EndsWith($"warning SNK0705: LF 'short' is right on 19 of the 57 labelled rows it votes on (0.33), below chance (0.50: voting HAM at random would be right that often); is its class the wrong one? ('{command}')"));
        Shell.Run([.. command.Split(' ').Skip(1)]).ShouldSucceed().Out.ShouldStartWith("short votes; wrong against gold: 38 of 350 rows");
    }

    [Fact]
    public void Label_points_a_below_chance_warning_from_the_dev_set_at_the_dev_file()
    {
        // Given unlabelled comments (Psy's without CLASS) and Psy's labelled comments as the dev set
        var (lfs, records) = PsyComments();
        var psy = TestPaths.YouTubeRawCsvs[0];
        string[] unlabelled = ["COMMENT_ID", "AUTHOR", "DATE", "CONTENT"];
        var data = WriteCsv("unlabelled.csv", unlabelled, records.Select(r => unlabelled.Select(c => r[c])));

        // When they are labelled
        var result = Shell.Run("label", "--lfs", lfs, "--data", data, "--dev", psy, "--gold-column", "CLASS", "--model", "mv", "--out", _temp.File("l.csv")).ShouldSucceed();

        // Then the rows command of the warning reads the dev file, where the gold labels are
        result.ErrorLines.ShouldContain(l => l.EndsWith($"is its class the wrong one? ('snorkeler rows --lfs {lfs} --data {psy} --gold-column CLASS --lf short --wrong')"));
    }

    [Theory]
    [InlineData("--matrix-out", "m.txt", 1, "error: {0}: unknown matrix format '.txt' (a matrix is written as .snkm, .csv or .npy)")]
    [InlineData("--prior", "0.9", 2, "snorkeler label: --prior 0.9 has 1 number but the task has 2 classes (HAM, SPAM); give one per class")]
    public void Label_refuses_an_option_the_fit_or_the_writer_would_refuse_before_applying_any_LF(string option, string value, int exitCode, string message)
    {
        var (lfs, _) = PsyComments();
        var path = value.EndsWith(".txt", StringComparison.Ordinal) ? _temp.File(value) : value;

        var result = Shell.Run("label", "--lfs", lfs, "--data", TestPaths.YouTubeRawCsvs[0], option, path, "--out", _temp.File("labels.csv"));

        // The error comes first: no 'applied 2 LFs to 350 rows' line before it
        result.ShouldFailWith(exitCode, string.Format(System.Globalization.CultureInfo.InvariantCulture, message, path));
        File.Exists(_temp.File("labels.csv")).ShouldBeFalse();
    }

    [Fact]
    public void Label_refuses_a_dev_data_file_without_its_gold_column_before_applying_any_LF()
    {
        var (lfs, _) = PsyComments();
        var dev = TestPaths.YouTubeRawCsvs[4];

        Shell.Run("label", "--lfs", lfs, "--data", TestPaths.YouTubeRawCsvs[0], "--dev", dev, "--out", _temp.File("labels.csv"))
            .ShouldFailWith(2, $"snorkeler label: --dev {dev} needs --gold-column NAME naming the column with its gold labels (columns: COMMENT_ID, AUTHOR, DATE, CONTENT, CLASS)");
    }

    [Fact]
    public void A_column_mapping_whose_left_name_no_LF_reads_is_named_with_the_mapping_the_LFs_need_not_a_rename_of_their_field()
    {
        // Given the spam LFs (rules and a script), which read 'text', and a mapping that misspells it on its left side
        var lfs = TestPaths.InRepo("labeling-functions", "spam");
        var data = TestPaths.YouTubeRawCsvs[0];

        // When
        var result = Shell.Run("check", lfs, "--data", data, "--column", "txt=CONTENT");

        // Then each error points at the mapping, not at the LFs' field
        result.ShouldFailWith(1);
        result.ErrorLines.ShouldBe([
            $"{Path.Combine(lfs, "nlp.csx")}(12,34): error SNK0609: no column 'text' in {data} (read 3 times); --column txt=CONTENT maps 'txt', which no LF reads; did you mean --column text=CONTENT? (columns: COMMENT_ID, AUTHOR, DATE, CONTENT (read as txt), CLASS)",
            $"{Path.Combine(lfs, "spam.rules")}(9,10): error SNK0103: unknown field 'text' (used 7 times): {data} has no such column; --column txt=CONTENT maps 'txt', which no LF reads; did you mean --column text=CONTENT? (columns: COMMENT_ID, AUTHOR, DATE, CONTENT (read as txt), CLASS)",
            "2 errors, 0 warnings",
        ]);
    }

    [Theory]
    [InlineData("rows")]
    [InlineData("studio")]
    public void Rows_and_studio_refuse_a_dev_data_file_without_its_gold_column_before_applying_any_LF(string command)
    {
        // Given a dev data file and no --gold-column naming its gold labels, and training data whose last line is
        // malformed, which applying the LFs would reach
        var (lfs, _) = PsyComments();
        var dev = TestPaths.YouTubeRawCsvs[4];
        var data = _temp.Write("comments.csv", File.ReadAllText(TestPaths.YouTubeRawCsvs[0]).TrimEnd() + "\nx,\"unclosed,2015,hi,0\n");
        string[] args = command == "rows"
            ? ["rows", "--lfs", lfs, "--data", data, "--model", "auto", "--dev", dev]
            : ["studio", "--lfs", lfs, "--data", data, "--dev", dev];

        // When
        var result = Shell.Run(args);

        // Then the refusal comes before any row is labelled: not the malformed line's error
        result.ShouldFailWith(2, $"snorkeler {command}: --dev {dev} needs --gold-column NAME naming the column with its gold labels (columns: COMMENT_ID, AUTHOR, DATE, CONTENT, CLASS)");
    }

    [Fact]
    public void Apply_to_a_matrix_name_of_no_format_lists_the_formats_a_matrix_is_written_in()
    {
        var (lfs, _) = PsyComments();
        var output = _temp.File("m.txt");

        Shell.Run("apply", "--lfs", lfs, "--data", TestPaths.YouTubeRawCsvs[0], "--out", output)
            .ShouldFailWith(1, $"error: {output}: unknown matrix format '.txt' (a matrix is written as .snkm, .csv or .npy)");
    }

    [Fact]
    public void A_field_json_lines_have_on_later_lines_only_is_an_error_saying_to_give_the_first_line_every_key()
    {
        // Given JSON Lines whose first comment has no AUTHOR key (as writers that leave out nulls make them), and an LF reading AUTHOR
        var (_, records) = PsyComments();
        records[0].Remove("AUTHOR");
        var data = _temp.Write("comments.jsonl", string.Concat(records.Select(r => JsonSerializer.Serialize(r) + "\n")));
        var rules = _temp.Write("by-author/a.rules", "labels HAM, SPAM\n\nlf shouting_author:\n    when AUTHOR matches /^[A-Z ]+$/ label SPAM\n");

        // When the LFs are checked against the data, Then the error says why AUTHOR is no column and what to do
        Shell.Run("check", rules, "--data", data).ShouldFailWith(1,
            $"{rules}(4,10): error SNK0103: unknown field 'AUTHOR': {data} has no such column; 'AUTHOR' is a key of line 2 of {data} but not of its first line, "
            + "whose keys are a JSON Lines file's columns: give the first line every key (null where it has no value) (columns: COMMENT_ID, DATE, CONTENT, CLASS)");
    }

    [Fact]
    public void A_key_json_lines_have_only_in_a_second_file_or_past_their_thousandth_line_is_found_and_its_file_and_line_named()
    {
        // Given Psy's comments without AUTHOR in two JSON Lines files, the second with AUTHOR on its 3rd line only; and the
        // comments again in one file of 1,500 lines whose 1,400th alone has AUTHOR
        var (_, records) = PsyComments();
        string Line(Dictionary<string, string> record, bool author)
            => JsonSerializer.Serialize(record.Where(p => author || p.Key != "AUTHOR").ToDictionary(p => p.Key, p => p.Value)) + "\n";
        var first = _temp.Write("first.jsonl", string.Concat(records.Take(100).Select(r => Line(r, false))));
        var second = _temp.Write("second.jsonl", string.Concat(records.Skip(100).Select((r, i) => Line(r, i == 2))));
        var many = Enumerable.Range(0, 1500).Select(i => records[i % records.Count]).ToArray();
        var deepFile = _temp.Write("long.jsonl", string.Concat(many.Select((r, i) => Line(r, i == 1399))));
        var rules = _temp.Write("by-author/a.rules", "labels HAM, SPAM\n\nlf shouting_author:\n    when AUTHOR matches /^[A-Z ]+$/ label SPAM\n");
        const string Tail = "but not of its first line, whose keys are a JSON Lines file's columns: give the first line every key (null where it has no value) (columns: COMMENT_ID, DATE, CONTENT, CLASS)";

        // When the LFs are checked against the data
        var two = Shell.Run("check", rules, "--data", first, second);
        var deep = Shell.Run("check", rules, "--data", deepFile);

        // Then (it said: map a column to it with --column AUTHOR=COLUMN)
        two.ShouldFailWith(1, $"{rules}(4,10): error SNK0103: unknown field 'AUTHOR': {first} + {second} has no such column; 'AUTHOR' is a key of line 3 of {second} {Tail}");
        deep.ShouldFailWith(1, $"{rules}(4,10): error SNK0103: unknown field 'AUTHOR': {deepFile} has no such column; 'AUTHOR' is a key of line 1400 of {deepFile} {Tail}");
    }

    [Fact]
    public void A_column_an_option_names_that_json_lines_have_on_later_lines_only_is_an_error_saying_to_give_the_first_line_every_key()
    {
        // Given JSON Lines whose first comment has neither a gold label nor an AUTHOR (as writers that leave out nulls make them)
        var (lfs, records) = PsyComments();
        records[0].Remove("CLASS");
        records[0].Remove("AUTHOR");
        var data = _temp.Write("comments.jsonl", string.Concat(records.Select(r => JsonSerializer.Serialize(r) + "\n")));
        string Key(string key) => $"'{key}' is a key of line 2 of {data} but not of its first line, whose keys are a JSON Lines file's columns: "
            + "give the first line every key (null where it has no value) (columns: COMMENT_ID, DATE, CONTENT)";

        // When the options name such a key: gold labels, a kept column, an id column, a field to show, a column to read as another
        var gold = Shell.Run("apply", "--lfs", lfs, "--data", data, "--gold-column", "CLASS", "--out", _temp.File("m.snkm"));
        var kept = Shell.Run("label", "--lfs", lfs, "--data", data, "--keep-columns", "AUTHOR", "--out", _temp.File("l.csv"));
        var id = Shell.Run("label", "--lfs", lfs, "--data", data, "--id-column", "AUTHOR", "--out", _temp.File("l.csv"));
        var fields = Shell.Run("rows", "--lfs", lfs, "--data", data, "--fields", "AUTHOR");
        var aliased = Shell.Run("apply", "--lfs", lfs, "--data", data, "--column", "who=AUTHOR", "--out", _temp.File("m.snkm"));

        // Then each says where the key is (it said: no gold column 'CLASS' (columns: COMMENT_ID, DATE, CONTENT), as if the data had none)
        gold.ShouldFailWith(1, $"error: {data}: no gold column 'CLASS'; {Key("CLASS")}");
        kept.ShouldFailWith(1, $"error: {data}: no column 'AUTHOR'; {Key("AUTHOR")}");
        id.ShouldFailWith(1, $"error: {data}: no column 'AUTHOR'; {Key("AUTHOR")}");
        fields.ShouldFailWith(1, $"error: {data}: no column 'AUTHOR'; {Key("AUTHOR")}");
        aliased.ShouldFailWith(1, $"error: {data}: no column 'AUTHOR' to read as 'who'; {Key("AUTHOR")}");
    }

    [Theory]
    [InlineData("label")]
    [InlineData("analyze")]
    public void A_report_named_anything_but_html_is_refused_before_any_work_as_the_report_is_an_html_page(string command)
    {
        var (lfs, _) = PsyComments();
        var data = TestPaths.YouTubeRawCsvs[0];
        var matrix = _temp.File("m.snkm");
        Shell.Run("apply", "--lfs", lfs, "--data", data, "--out", matrix).ShouldSucceed();
        var report = _temp.File("report.pdf");
        string[] args = command == "label"
            ? ["label", "--lfs", lfs, "--data", data, "--out", _temp.File("labels.csv"), "--report", report]
            : ["analyze", "--matrix", matrix, "--report", report];

        Shell.Run(args).ShouldFailWith(1, $"error: {report}: the report is an HTML page; name it .html "
            + "(for the tables as text, JSON or Markdown, use 'snorkeler analyze --format text|json|markdown')");
        File.Exists(report).ShouldBeFalse();
        File.Exists(_temp.File("labels.csv")).ShouldBeFalse();

        args[^1] = _temp.File("REPORT.HTM");
        Shell.Run(args).ShouldSucceed();
        File.ReadAllText(args[^1]).ShouldStartWith("<!DOCTYPE html>");
    }
}
