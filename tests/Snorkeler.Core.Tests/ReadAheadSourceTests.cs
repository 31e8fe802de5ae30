using Snorkeler.Applying;
using Snorkeler.Core.Tests.Support;
using Snorkeler.Data;

namespace Snorkeler.Core.Tests;

public class ReadAheadSourceTests
{
    private const int Abstain = -1, Ham = 0, Spam = 1;

    private static readonly LabelingFunction[] Lfs =
    [
        LabelingFunction.Create("check_out", row => row.Text("text").Contains("check out", StringComparison.OrdinalIgnoreCase) ? Spam : Abstain),
        LabelingFunction.Create("link", row => row.Text("text").Contains("http", StringComparison.OrdinalIgnoreCase) ? Spam : Abstain),
        LabelingFunction.Create("song", row => row.Text("text").Contains("song", StringComparison.OrdinalIgnoreCase) ? Ham : Abstain),
        LabelingFunction.Create("short", row => row.Text("text").Length < 20 ? Ham : Abstain),
    ];

    /// <summary>One raw YouTube file (a chunked source), its CONTENT column read as "text".</summary>
    private static IDataSource Comments(string? path = null)
        => DataSources.WithAliases(DataSources.Open([path ?? TestPaths.YouTubeRawCsvs[0]]), new Dictionary<string, string> { ["text"] = "CONTENT" });

    private static LabelMatrix Apply(IDataSource source, int batchRows, int threads = 2)
        => Applier.ApplyToMatrix(source, Lfs, Some.HamSpam, new ApplyOptions { Threads = threads, BatchRows = batchRows, ReuseBlocks = false });

    [Theory]
    [InlineData(1, 0)]
    [InlineData(1, 1)]
    [InlineData(6, 2)]
    [InlineData(6, 6)]
    [InlineData(500, 500)]
    public void Applying_through_a_read_ahead_gives_the_matrix_of_the_source_itself(int chunks, int parsed)
    {
        // Given: chunks of 7 rows, so the read-ahead holds part of the file, or (500) all of it
        var expected = Apply(Comments(), batchRows: 7);
        using var readAhead = new ReadAheadSource(Comments(), rowsPerBatch: 7, chunks, parsed);

        // When
        var matrix = Apply(readAhead, batchRows: 7);

        // Then
        expected.RowCount.ShouldBeGreaterThan(300);
        matrix.ShouldEqual(expected);
        Some.Votes(matrix).Count(v => v == Spam).ShouldBeGreaterThan(20);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(30)]
    public void A_chunk_that_does_not_decode_fails_as_in_the_source_after_the_rows_before_it(int chunks)
    {
        // Given: row 1,520 (line 1,521, past the part of the file read to detect its delimiter) holds a byte that is not
        // UTF-8; with 100 rows a chunk, a read-ahead of 30 chunks parses it
        using var temp = new TempFolder();
        var path = temp.File("bad.csv");
        var lines = Enumerable.Range(0, 2000).Select(i => System.Text.Encoding.UTF8.GetBytes($"{i},check out row {i}\n")).ToList();
        lines[1519] = [.. "1519,caf"u8, 0xE9, .. " check out\n"u8];
        File.WriteAllBytes(path, [.. "id,text\n"u8, .. lines.SelectMany(l => l)]);
        var plain = Should.Throw<SnorkelerException>(() => Applier.Apply(new CsvSource(path), Lfs, Some.HamSpam, _ => { }, new ApplyOptions { Threads = 2, BatchRows = 100 }));
        var firstRows = new List<long>();

        // When
        using var readAhead = new ReadAheadSource(new CsvSource(path), rowsPerBatch: 100, chunks, parsed: chunks);
        var error = Should.Throw<SnorkelerException>(() => Applier.Apply(readAhead, Lfs, Some.HamSpam, block => firstRows.Add(block.FirstRow),
            new ApplyOptions { Threads = 2, BatchRows = 100 }));

        // Then
        error.Message.ShouldBe(plain.Message);
        error.Message.ShouldContain("(1521)");
        firstRows.ShouldBe(Enumerable.Range(0, 15).Select(b => 100L * b));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(40)]
    public void A_record_that_does_not_parse_fails_as_in_the_source_after_the_rows_before_it(int chunks)
    {
        // Given: line 42 has a field too many (the chunk splitter hands the rest of the file to the sequential reader, which reports it)
        using var temp = new TempFolder();
        var path = temp.Write("data.csv", "id,text\n" + string.Concat(Enumerable.Range(0, 40).Select(i => $"{i},row {i}\n")) + "40,a,b\n41,last\n");
        var plain = Should.Throw<SnorkelerException>(() => Applier.Apply(new CsvSource(path), Lfs, Some.HamSpam, _ => { }, new ApplyOptions { Threads = 2, BatchRows = 4 }));
        var rows = 0L;

        // When
        using var readAhead = new ReadAheadSource(new CsvSource(path), rowsPerBatch: 4, chunks, parsed: 1);
        var error = Should.Throw<SnorkelerException>(() => Applier.Apply(readAhead, Lfs, Some.HamSpam, block => rows += block.RowCount,
            new ApplyOptions { Threads = 2, BatchRows = 4 }));

        // Then
        error.Message.ShouldBe(plain.Message);
        error.Message.ShouldBe($"{path}(42): the row has 3 fields but the header has 2");
        rows.ShouldBe(40);
    }

    [Fact]
    public void Later_passes_and_reads_in_batches_see_every_row_from_the_start()
    {
        var expected = Apply(Comments(), batchRows: 7);
        using var readAhead = new ReadAheadSource(Comments(), rowsPerBatch: 7, chunks: 6, parsed: 2);

        Apply(readAhead, batchRows: 7).ShouldEqual(expected);
        Apply(readAhead, batchRows: 7).ShouldEqual(expected);
        Apply(readAhead, batchRows: 7, threads: 1).ShouldEqual(expected);
        readAhead.ReadBatches(100).Sum(b => (long)b.Count).ShouldBe(expected.RowCount);
    }

    [Fact]
    public void A_pass_in_chunks_of_another_size_reads_the_source_itself()
    {
        var expected = Apply(Comments(), batchRows: 5);
        using var readAhead = new ReadAheadSource(Comments(), rowsPerBatch: 7, chunks: 6, parsed: 2);

        Apply(readAhead, batchRows: 5).ShouldEqual(expected);
        Apply(readAhead, batchRows: 7).ShouldEqual(Apply(Comments(), batchRows: 7));
    }

    [Fact]
    public void A_read_ahead_disposed_before_any_pass_leaves_the_source_readable()
    {
        var expected = Apply(Comments(), batchRows: 7);
        var readAhead = new ReadAheadSource(Comments(), rowsPerBatch: 7, chunks: 6, parsed: 6);

        readAhead.Dispose();
        readAhead.Dispose();

        Apply(readAhead, batchRows: 7).ShouldEqual(expected);
    }

    [Fact]
    public void A_source_that_is_not_read_in_chunks_is_passed_through()
    {
        var frame = new Microsoft.Data.Analysis.DataFrame(new Microsoft.Data.Analysis.StringDataFrameColumn("text", Enumerable.Range(0, 50).Select(i => i % 3 == 0 ? "check out" : $"row {i}")));
        var source = new DataFrameSource(frame, "rows");
        using var readAhead = new ReadAheadSource(source, rowsPerBatch: 7, chunks: 6, parsed: 2);

        var matrix = Apply(readAhead, batchRows: 7);

        matrix.ShouldEqual(Apply(source, batchRows: 7));
        readAhead.Name.ShouldBe("rows");
        readAhead.Schema.ShouldBe(source.Schema);
    }
}
