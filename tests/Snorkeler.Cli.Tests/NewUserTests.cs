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
    public void Json_lines_saved_as_a_json_file_are_an_error_saying_to_name_the_file_jsonl()
    {
        // Given the comments as JSON Lines in a file named .json (which Snorkeler reads as a Wrench split)
        var (lfs, records) = PsyComments();
        var data = _temp.Write("comments.json", string.Concat(records.Select(r => JsonSerializer.Serialize(r) + "\n")));

        // When they are labelled, Then the error says the file is not a split and how to name JSON Lines
        Shell.Run("label", "--lfs", lfs, "--data", data, "--out", _temp.File("labels.csv"))
            .ShouldFailWith(1, $"error: {data}(1): \"COMMENT_ID\" holds a string, not a row object: a .json file is read as a Wrench split "
                + "(one JSON object of rows: {\"0\": {\"data\": {...}, \"label\": 1}, ...}); for data with one JSON object per line, name the file .jsonl "
                + "(a JSON array of records: write one per line)");
        File.Exists(_temp.File("labels.csv")).ShouldBeFalse();
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

    [Fact]
    public void The_same_comments_as_json_lines_label_exactly_as_the_csv_does()
    {
        // Given the comments as JSON Lines, named .jsonl
        var (lfs, records) = PsyComments();
        var data = _temp.Write("comments.jsonl", string.Concat(records.Select(r => JsonSerializer.Serialize(r) + "\n")));

        // When both are labelled with the gold column
        Shell.Run("label", "--lfs", lfs, "--data", data, "--gold-column", "CLASS", "--model", "mv", "--out", _temp.File("j.csv")).ShouldSucceed();
        Shell.Run("label", "--lfs", lfs, "--data", TestPaths.YouTubeRawCsvs[0], "--gold-column", "CLASS", "--model", "mv", "--out", _temp.File("c.csv")).ShouldSucceed();

        // Then the labels are the same, byte for byte
        File.ReadAllText(_temp.File("j.csv")).ShouldBe(File.ReadAllText(_temp.File("c.csv")));
    }
}
