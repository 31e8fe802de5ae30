using Parquet;
using Parquet.Schema;
using Parquet.Serialization;
using Snorkeler.Core.Tests.Support;
using Snorkeler.Data;

namespace Snorkeler.Core.Tests;

public class ParquetSourceTests
{
    public sealed class Comment
    {
        public int? Id { get; set; }
        public double Score { get; set; }
        public string? Text { get; set; }
        public bool Spam { get; set; }
        public double? Weight { get; set; }
    }

    private static readonly Comment[] Comments = Enumerable.Range(0, 10).Select(i => new Comment
    {
        Id = i % 4 == 3 ? null : i,
        Score = i + 0.25,
        Text = i == 5 ? null : $"comment {i}, with a comma",
        Spam = i % 2 == 0,
        Weight = i % 3 == 0 ? null : i / 10.0,
    }).ToArray();

    private static async Task<string> WriteParquet(TempFolder temp)
    {
        var path = temp.File("comments.parquet");
        await using (var stream = File.Create(path))
            await ParquetSerializer.SerializeAsync(Comments, stream, new ParquetOptions { RowGroupSize = 4 });
        return path;
    }

    /// <summary>The comments with row <paramref name="row"/>'s text replaced, in row groups of four.</summary>
    private static async Task<string> WriteWithText(TempFolder temp, string name, int row, string text)
    {
        var path = temp.File(name);
        var comments = Comments.Select((c, i) => new Comment { Id = c.Id, Score = c.Score, Text = i == row ? text : c.Text, Spam = c.Spam, Weight = c.Weight }).ToArray();
        await using (var stream = File.Create(path))
            await ParquetSerializer.SerializeAsync(comments, stream, new ParquetOptions { RowGroupSize = 4 });
        return path;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4096)]
    public async Task Parquet_columns_become_cells_and_nulls_are_missing_across_row_groups_and_batches(int rowsPerBatch)
    {
        // Given
        using var temp = new TempFolder();
        var path = await WriteParquet(temp);
        await using (var stream = File.OpenRead(path))
        await using (var reader = await ParquetReader.CreateAsync(stream))
            reader.RowGroupCount.ShouldBe(3);

        // When
        var source = new ParquetSource(path);
        var batches = source.ReadBatches(rowsPerBatch).ToList();
        var rows = batches.SelectMany(Rows.Cells).ToList();

        // Then
        source.Schema.Names.ShouldBe(["Id", "Score", "Text", "Spam", "Weight"]);
        batches.ShouldAllBe(b => b.Count <= rowsPerBatch);
        batches.Select(b => b.FirstRow).ShouldBe(batches.Select((_, i) => batches.Take(i).Sum(p => (long)p.Count)));
        rows.Count.ShouldBe(10);
        rows[0].ShouldBe(["0", "0.25", "comment 0, with a comma", "true", null]);
        rows[3].ShouldBe([null, "3.25", "comment 3, with a comma", "false", null]);
        rows[5].ShouldBe(["5", "5.25", null, "false", "0.5"]);
        rows[9].ShouldBe(["9", "9.25", "comment 9, with a comma", "false", null]);
        rows.Select(r => r[0]).ShouldBe(Comments.Select(c => c.Id?.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Typed_access_reads_parquet_numbers()
    {
        using var temp = new TempFolder();
        var rows = new ParquetSource(await WriteParquet(temp)).ReadBatches(100)
            .SelectMany(b => Enumerable.Range(0, b.Count).Select(i => b[i])).ToList();

        rows[2].Number("Score").ShouldBe(2.25);
        rows[2].Number("Weight").ShouldBe(0.2);
        rows[3].IsMissing("Id").ShouldBeTrue();
        rows[9].Index.ShouldBe(9);
    }

    /// <summary>A file of two text columns named <paramref name="first"/> and <paramref name="second"/>, one row.</summary>
    private static async Task<string> WriteColumns(TempFolder temp, string first, string second)
    {
        var path = temp.File("named.parquet");
        var fields = new[] { new DataField<string>(first), new DataField<string>(second) };
        await using (var stream = File.Create(path))
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream))
        using (var group = writer.CreateRowGroup())
        {
            await group.WriteAsync(fields[0], new[] { "a" });
            await group.WriteAsync(fields[1], new[] { "b" });
        }
        return path;
    }

    [Fact]
    public async Task A_column_without_a_name_is_an_error_naming_it_as_in_csv_and_json_lines()
    {
        // Given a file whose second column's name is empty (it was read as a column named "")
        using var temp = new TempFolder();
        var path = await WriteColumns(temp, "text", "");

        // When / Then
        Should.Throw<SnorkelerException>(() => DataSources.Open(path)).Message.ShouldBe($"{path}: column 2 has no name; give it one");
    }

    [Fact]
    public async Task A_column_name_given_twice_is_an_error_naming_it_as_in_csv()
    {
        // Given a file with two columns named 'id'
        using var temp = new TempFolder();
        var path = await WriteColumns(temp, "id", "id");

        // When / Then the message is a CSV header's, without the header (it was 'damaged or not in the expected format (column 'id' appears twice (Parameter 'columnNames'))')
        Should.Throw<SnorkelerException>(() => DataSources.Open(path)).Message.ShouldBe($"{path}: column 'id' appears twice");
    }

    [Fact]
    public async Task A_column_name_longer_than_a_column_name_may_be_is_an_error_naming_its_length_as_in_csv_and_json_lines()
    {
        // Given a column name of 2,000 characters (messages listing the columns printed all of it)
        using var temp = new TempFolder();
        var path = await WriteColumns(temp, "text", new string('x', 2000));

        // When / Then
        Should.Throw<SnorkelerException>(() => DataSources.Open(path)).Message
            .ShouldBe($"{path}: column 2 is 2,000 characters long (at most 1,024 for a column name): '{new string('x', 40)}…'");
    }

    [Fact]
    public void A_file_that_is_not_parquet_is_an_error_naming_it()
    {
        using var temp = new TempFolder();
        var path = temp.Write("fake.parquet", "id,text\n1,x\n");

        Should.Throw<SnorkelerException>(() => DataSources.Open(path)).Message.ShouldStartWith($"{path}: not a Parquet file: it does not start and end with the magic 'PAR1'");
    }

    [Fact]
    public async Task Text_that_is_not_UTF_8_is_an_error_naming_the_column_and_row_where_the_decoder_would_put_U_FFFD()
    {
        // Given a file of three row groups whose seventh row's text has a Latin-1 byte (0xE9, é) where UTF-8 needs two
        // (written as a marker, then the marker's bytes changed in the file: no writer here writes bad UTF-8)
        using var temp = new TempFolder();
        var path = await WriteWithText(temp, "latin1.parquet", 6, "caf@@ au lait");
        var bytes = await File.ReadAllBytesAsync(path);
        var patched = 0;
        for (var i = 0; i + 2 <= bytes.Length; i++)
            if (bytes[i] == (byte)'@' && bytes[i + 1] == (byte)'@')
            {
                (bytes[i], bytes[i + 1]) = (0xE9, (byte)'!');
                patched++;
            }
        patched.ShouldBeGreaterThan(0);
        await File.WriteAllBytesAsync(path, bytes);

        // When the rows are read
        var error = Should.Throw<SnorkelerException>(() => new ParquetSource(path).ReadBatches(100).ToList());

        // Then the error names the file, the column and the row (the seventh), instead of a U+FFFD in the text
        error.Message.ShouldBe($"{path}: column 'Text', row 7 (the first row is 1): the text is not valid UTF-8 (write the file's strings as UTF-8)");
    }

    [Fact]
    public async Task A_U_FFFD_written_as_UTF_8_is_read_as_it_is()
    {
        // Given text that holds U+FFFD itself (text decoded with replacement before it was written)
        using var temp = new TempFolder();
        var path = await WriteWithText(temp, "replaced.parquet", 2, "caf\uFFFD au lait");

        // When the rows are read, then the text is kept as written
        var rows = new ParquetSource(path).ReadBatches(100).SelectMany(Rows.Cells).ToList();
        rows[2][2].ShouldBe("caf\uFFFD au lait");
        rows[5][2].ShouldBeNull();
    }

    [Fact]
    public async Task In_a_required_text_column_a_U_FFFD_written_as_UTF_8_is_kept_and_bytes_that_are_not_UTF_8_are_an_error()
    {
        // Given a required (non-null) text column, as Spark and Arrow write for a non-null schema, holding a U+FFFD written
        // as UTF-8 in its second row and a Latin-1 byte in its third
        using var temp = new TempFolder();
        var path = temp.File("required.parquet");
        var field = new Parquet.Schema.DataField("Text", typeof(string), isNullable: false);
        await using (var stream = File.Create(path))
        await using (var writer = await ParquetWriter.CreateAsync(new Parquet.Schema.ParquetSchema(field), stream, new ParquetOptions { CompressionMethod = CompressionMethod.None }))
        using (var group = writer.CreateRowGroup())
            await group.WriteAsync(field, new[] { "plain", "caf\uFFFD", "caf@@" }, null);
        var valid = await File.ReadAllBytesAsync(path);
        var bytes = (byte[])valid.Clone();
        for (var i = 0; i + 2 <= bytes.Length; i++)
            if (bytes[i] == (byte)'@' && bytes[i + 1] == (byte)'@')
                (bytes[i], bytes[i + 1]) = (0xE9, (byte)'!');
        var broken = temp.File("broken.parquet");
        await File.WriteAllBytesAsync(broken, bytes);

        // When both files are read, then the first keeps its text and the second names the third row
        new ParquetSource(path).ReadBatches(100).SelectMany(Rows.Cells).Select(r => r[0]).ShouldBe(["plain", "caf\uFFFD", "caf@@"]);
        Should.Throw<SnorkelerException>(() => new ParquetSource(broken).ReadBatches(100).ToList()).Message
            .ShouldBe($"{broken}: column 'Text', row 3 (the first row is 1): the text is not valid UTF-8 (write the file's strings as UTF-8)");
    }
}
