using Parquet;
using Parquet.Serialization;
using Snorkeler.Cli.Tests.Support;

namespace Snorkeler.Cli.Tests;

/// <summary>
/// Parquet data files that Parquet.Net writes without complaint but that are not data Snorkeler can label as they are:
/// a column of raw bytes, a list column, text that is null, a file without rows, two files of other columns. Each is
/// read, or refused with one line naming the file and the column.
/// </summary>
public sealed class ParquetDataTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly string _lfs;

    public ParquetDataTests() => _lfs = Path.GetDirectoryName(_temp.Write("lfs/spam.rules",
        "labels HAM, SPAM\n\nlf subscribe:\n    when text contains \"subscribe\" label SPAM\n\nlf song:\n    when text contains \"song\" label HAM\n"))!;

    public void Dispose() => _temp.Dispose();

    public sealed class Blob { public string? text { get; set; } public byte[]? blob { get; set; } }

    public sealed class Tagged { public string? text { get; set; } public List<string>? tags { get; set; } }

    public sealed class Counted { public string? text { get; set; } public int? n { get; set; } }

    public sealed class Text { public string? text { get; set; } }

    public sealed class Body { public string? body { get; set; } }

    public sealed class Labelled { public string? text { get; set; } public string? category { get; set; } }

    private static readonly string?[] Texts = ["please subscribe", null, "nice song", null];

    private string Parquet<T>(string name, IEnumerable<T> rows)
    {
        var path = _temp.File(name);
        using var stream = File.Create(path);
        ParquetSerializer.SerializeAsync(rows, stream, new ParquetOptions { RowGroupSize = 2 }).GetAwaiter().GetResult();
        return path;
    }

    /// <summary>The file's bytes and where its footer (the schema and row groups) starts.</summary>
    private static (byte[] Bytes, int Footer) Footer(string path)
    {
        var bytes = File.ReadAllBytes(path);
        return (bytes, bytes.Length - 8 - BitConverter.ToInt32(bytes, bytes.Length - 8));
    }

    private CliResult Apply(params string[] data) => Shell.Run(["apply", "--lfs", _lfs, "--data", .. data, "--out", _temp.File("m.csv")]);

    [Fact]
    public void A_column_of_raw_bytes_is_refused_naming_the_column_and_its_type()
    {
        // (before: "has type ReadOnlyMemory`1", .NET's name for it)
        var path = Parquet("blob.parquet", Texts.Select((t, i) => new Blob { text = t, blob = [(byte)i] }));

        Apply(path).ShouldFailWith(1, $"error: {path}: column 'blob' holds raw bytes (BYTE_ARRAY without a string annotation), which cannot be read as a cell; write the file without it, or with it as text");
    }

    [Fact]
    public void Null_text_is_missing_and_no_LF_votes_on_it()
    {
        var path = Parquet("nulls.parquet", Texts.Select((t, i) => new Counted { text = t, n = i % 2 == 0 ? i : null }));

        Apply(path).ShouldSucceed();
        File.ReadAllLines(_temp.File("m.csv")).ShouldBe(["subscribe,song", "1,-1", "-1,-1", "-1,0", "-1,-1"]);
    }

    [Fact]
    public void A_file_without_rows_is_refused_naming_it()
    {
        var path = Parquet("none.parquet", Array.Empty<Text>());

        Apply(path).ShouldFailWith(1, $"error: {path}: the data has no rows to label");
    }

    [Fact]
    public void Two_files_of_other_columns_are_refused_naming_the_second()
    {
        var first = Parquet("a.parquet", Texts.Select(t => new Text { text = t }));
        var second = Parquet("b.parquet", Texts.Select(t => new Body { body = t }));

        Apply(first, second).ShouldFailStartingWith(1, $"error: {second}: ");
    }

    [Fact]
    public void A_gold_label_that_is_no_class_is_named_by_its_file_and_its_row_there()
    {
        // Given two files of four rows, the second's third gold label misspelt (a Parquet file has no lines to name)
        var first = Parquet("a.parquet", Texts.Select(t => new Labelled { text = t, category = "HAM" }));
        var second = Parquet("b.parquet", Texts.Select((t, i) => new Labelled { text = t, category = i == 2 ? "SPAMM" : "SPAM" }));

        // When, Then: the row in that file, not the 7th row of the two (before: "b.parquet: column 'category': 'SPAMM' …", no row)
        Shell.Run(["apply", "--lfs", _lfs, "--data", first, second, "--gold-column", "category", "--out", _temp.File("m.csv")])
            .ShouldFailWith(1, $"error: {second}: column 'category', row 3 (the first row is 1): 'SPAMM' is not a class (HAM, SPAM) or a class number 0..1; did you mean 'SPAM'?");
        Shell.Run(["rows", "--lfs", _lfs, "--data", second, "--gold-column", "category"])
            .ShouldFailWith(1, $"error: {second}: column 'category', row 3 (the first row is 1): 'SPAMM' is not a class (HAM, SPAM) or a class number 0..1; did you mean 'SPAM'?");
        File.Exists(_temp.File("m.csv")).ShouldBeFalse();
    }

    [Fact]
    public void Row_and_line_numbers_past_a_thousand_are_written_plain_in_data_messages_as_a_csv_line_is()
    {
        // Given 1,500 rows whose 1,234th gold label is misspelt, as Parquet and as CSV, and JSON Lines whose gold key
        // appears first on line 1,234
        var texts = Enumerable.Range(0, 1500).Select(i => i % 2 == 0 ? "please subscribe" : "nice song").ToArray();
        var parquet = Parquet("many.parquet", texts.Select((t, i) => new Labelled { text = t, category = i == 1233 ? "SPAMM" : "SPAM" }));
        var csv = _temp.Write("many.csv", "text,category\n" + string.Concat(texts.Select((t, i) => $"{t},{(i == 1233 ? "SPAMM" : "SPAM")}\n")));
        var jsonl = _temp.Write("many.jsonl", string.Concat(texts.Select((t, i) => i < 1233 ? $"{{\"text\":\"{t}\"}}\n" : $"{{\"text\":\"{t}\",\"category\":\"SPAM\"}}\n")));
        string[] Apply(string data) => ["apply", "--lfs", _lfs, "--data", data, "--gold-column", "category", "--out", _temp.File("m.csv")];

        // When, Then: row 1234 and line 1234, as a CSV's line is 1235 (before: 'row 1,234' and 'line 1,234')
        var problem = "'SPAMM' is not a class (HAM, SPAM) or a class number 0..1; did you mean 'SPAM'?";
        Shell.Run(Apply(parquet)).ShouldFailWith(1, $"error: {parquet}: column 'category', row 1234 (the first row is 1): {problem}");
        Shell.Run(Apply(csv)).ShouldFailWith(1, $"error: {csv}(1235): column 'category': {problem}");
        Shell.Run(Apply(jsonl)).ShouldFailWith(1, $"error: {jsonl}: no gold column 'category'; 'category' is a key of line 1234 of {jsonl} but not of its first line, "
            + "whose keys are a JSON Lines file's columns: give the first line every key (null where it has no value) (columns: text)");
    }

    [Fact]
    public void A_list_column_is_refused_naming_it()
    {
        var path = Parquet("tags.parquet", Texts.Select(t => new Tagged { text = t, tags = ["a", "b"] }));

        Apply(path).ShouldFailWith(1, $"error: {path}: column 'tags/list/element' is nested or repeated; only flat columns can be labelled");
    }

    [Fact]
    public void A_column_the_decoder_cannot_read_is_named_with_its_row_group()
    {
        // Given a file whose column chunk names a column path the schema does not have (its footer's second 'text' changed)
        var path = Parquet("renamed.parquet", Texts.Select(t => new Text { text = t }));
        var (bytes, footer) = Footer(path);
        var schema = bytes.AsSpan(footer).IndexOf("text"u8) + footer;
        bytes[bytes.AsSpan(schema + 4).IndexOf("text"u8) + schema + 4] = (byte)'T';
        File.WriteAllBytes(path, bytes);

        // When, Then: the decoder's error says where (before: the file alone)
        Apply(path).ShouldFailStartingWith(1, $"error: {path}: column 'text' of row group 0: damaged or not in the expected format (");
    }

    [Fact]
    public void A_column_name_that_is_not_UTF_8_is_refused_naming_the_file()
    {
        // Given a file whose column name in the schema has a byte that is not UTF-8 (before: read as column 't\uFFFDxt')
        var path = Parquet("name.parquet", Texts.Select(t => new Text { text = t }));
        var (bytes, footer) = Footer(path);
        var name = bytes.AsSpan(footer).IndexOf("text"u8) + footer;
        bytes[name + 1] = 0xFF;
        File.WriteAllBytes(path, bytes);

        Apply(path).ShouldFailWith(1, $"error: {path}: damaged footer: a column name is not valid UTF-8 (at byte {name - footer:N0})");
    }
}
