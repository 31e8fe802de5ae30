using System.Text;
using Snorkeler.Applying;
using Snorkeler.Core.Tests.Support;
using Snorkeler.Data;

namespace Snorkeler.Core.Tests;

/// <summary>
/// The CSV reader splits files into chunks of records parsed on any thread, and hands files (or their
/// rest) that are not plain RFC 4180 to the sequential reader: both must give the same rows and lines.
/// </summary>
public class CsvChunkTests
{
    /// <summary>
    /// Rows of every kind the splitter meets, with the line each starts on; optionally one odd row (a stray quote) at
    /// <paramref name="oddAt"/>, and ids lengthened by <paramref name="padding"/> characters.
    /// </summary>
    private static (string Text, List<string?[]> Rows, List<long> Lines) Generate(int rows, int? oddAt = null, string newline = "\n", int padding = 0)
    {
        var random = new Random(11);
        var text = new StringBuilder("id,text,score" + newline);
        var expected = new List<string?[]>();
        var lines = new List<long>();
        long line = 2;
        for (var i = 0; i < rows; i++)
        {
            string? cell;
            string raw;
            switch (random.Next(7))
            {
                case 0: cell = "plain words"; raw = cell; break;
                case 1: cell = "with, a comma"; raw = "\"with, a comma\""; break;
                case 2: cell = "say \"hi\""; raw = "\"say \"\"hi\"\"\""; break;
                case 3: cell = "two\nlines"; raw = "\"two\nlines\""; break;
                case 4: cell = "crlf\r\ninside"; raw = "\"crlf\r\ninside\""; break;
                case 5: cell = "café ✓ 😀"; raw = cell; break;
                default: cell = null; raw = ""; break;
            }
            if (i == oddAt)
            {
                cell = "a\"b";
                raw = cell;
            }
            var score = random.Next(3) == 0 ? null : (i % 100).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var id = i.ToString(System.Globalization.CultureInfo.InvariantCulture) + new string('-', padding);
            text.Append(id).Append(',').Append(raw).Append(',').Append(score).Append(newline);
            expected.Add([id, cell, score]);
            lines.Add(line);
            line += 1 + raw.Count(c => c == '\n');
        }
        return (text.ToString(), expected, lines);
    }

    [Theory]
    [InlineData(20_000, null, "\n", 1000)]
    [InlineData(20_000, null, "\r\n", 4096)]
    [InlineData(20_000, 15_000, "\n", 1000)]
    [InlineData(20_000, 3, "\r\n", 1000)]
    [InlineData(5, null, "\n", 2)]
    public void Chunked_reading_gives_the_rows_and_lines_of_the_text(int rows, int? oddAt, string newline, int rowsPerBatch)
    {
        // Given
        using var temp = new TempFolder();
        var (text, expected, lines) = Generate(rows, oddAt, newline);
        var path = temp.Write("data.csv", text);

        // When
        var source = new CsvSource(path);
        var actual = Rows.Of(source, rowsPerBatch);

        // Then
        actual.Count.ShouldBe(expected.Count);
        for (var i = 0; i < expected.Count; i++) actual[i].ShouldBe(expected[i], $"row {i}");
        Rows.Lines(source, rowsPerBatch).ShouldBe(lines.Select(l => (long?)l).ToList());
    }

    [Theory]
    [InlineData("\n", null)]
    [InlineData("\r\n", 49_000)]
    public void Chunked_reading_of_a_file_larger_than_the_read_buffer_gives_the_rows_and_lines_of_the_text(string newline, int? oddAt)
    {
        // Given: 50,000 rows of ~200 bytes (10 MB), past the first read (192 KB) and its doubling and past the 320 KB
        // buffer, whose pending chunk then moves to its front
        using var temp = new TempFolder();
        var (text, expected, lines) = Generate(50_000, oddAt, newline, padding: 180);
        var path = temp.Write("data.csv", text);

        // When
        var source = new CsvSource(path);
        var actual = Rows.Of(source, 4096);

        // Then
        actual.Count.ShouldBe(expected.Count);
        Enumerable.Range(0, expected.Count).FirstOrDefault(i => !actual[i].SequenceEqual(expected[i]), -1).ShouldBe(-1, "the first row read wrongly");
        Rows.Lines(source, 4096).SequenceEqual(lines.Select(l => (long?)l)).ShouldBeTrue();
    }

    [Fact]
    public void A_wrong_field_count_far_into_the_file_is_an_error_naming_its_line()
    {
        // Given
        using var temp = new TempFolder();
        var (text, _, lines) = Generate(30_000);
        var rows = text.Replace("\n25000,", "\n25000,extra,", StringComparison.Ordinal);
        var path = temp.Write("data.csv", rows);

        // When
        var error = Should.Throw<SnorkelerException>(() => Rows.Of(new CsvSource(path), 1000));

        // Then
        error.Message.ShouldBe($"{path}({lines[25_000]}): the row has 4 fields but the header has 3");
    }

    [Fact]
    public void An_unclosed_quote_far_into_the_file_is_an_error_naming_its_line()
    {
        // Given
        using var temp = new TempFolder();
        var (text, _, lines) = Generate(20_000);
        var path = temp.Write("data.csv", text.Replace("\n15000,", "\n15000,\"never closed,", StringComparison.Ordinal));

        // When
        var error = Should.Throw<SnorkelerException>(() => Rows.Of(new CsvSource(path), 1000));

        // Then
        error.Message.ShouldBe($"{path}({lines[15_000]}): malformed quoted field (an unclosed or stray quote)");
    }

    [Fact]
    public void Batch_arrays_handed_back_by_one_run_give_the_next_run_the_same_matrix()
    {
        // Given: chunks of different lengths (the second file's rows are longer), so reused arrays are sometimes
        // too short and sometimes longer than a chunk needs, and an LF reading every column
        using var temp = new TempFolder();
        var shortRows = temp.Write("short.csv", Generate(9_000).Text);
        var longRows = temp.Write("long.csv", Generate(9_000).Text.Replace("plain words", "plain words made much longer than before", StringComparison.Ordinal));
        var schema = new LabelSchema(["NO", "YES"]);
        var lf = LabelingFunction.Create("long_row", row => row.Span("id").Length + row.Span("text").Length + row.Span("score").Length > 14 ? 1 : row.IsMissing("score") ? -1 : 0);
        LabelMatrix Apply(string path, int threads) => Applier.ApplyToMatrix(new CsvSource(path), [lf], schema, new ApplyOptions { Threads = threads, BatchRows = 300 });

        // When
        var expectedShort = Apply(shortRows, 1);
        var expectedLong = Apply(longRows, 1);
        var runs = new[] { Apply(shortRows, 3), Apply(longRows, 3), Apply(shortRows, 2), Apply(longRows, 2) };

        // Then
        runs[0].NarrowVotes.ToArray().ShouldBe(expectedShort.NarrowVotes.ToArray());
        runs[1].NarrowVotes.ToArray().ShouldBe(expectedLong.NarrowVotes.ToArray());
        runs[2].NarrowVotes.ToArray().ShouldBe(expectedShort.NarrowVotes.ToArray());
        runs[3].NarrowVotes.ToArray().ShouldBe(expectedLong.NarrowVotes.ToArray());
        expectedLong.NarrowVotes.ToArray().ShouldNotBe(expectedShort.NarrowVotes.ToArray());
    }

    [Fact]
    public void Applying_to_a_chunked_csv_gives_the_same_matrix_on_one_and_on_several_threads()
    {
        // Given
        using var temp = new TempFolder();
        var path = temp.Write("data.csv", Generate(20_000, oddAt: 12_345).Text);
        var schema = new LabelSchema(["NO", "YES"]);
        var lf = LabelingFunction.Create("has_comma", row => row.IsMissing("text") ? -1 : row.Span("text").Contains(',') ? 1 : 0);

        // When
        var one = Applier.ApplyToMatrix(new CsvSource(path), [lf], schema, new ApplyOptions { Threads = 1, BatchRows = 512 });
        var four = Applier.ApplyToMatrix(new CsvSource(path), [lf], schema, new ApplyOptions { Threads = 4, BatchRows = 512 });

        // Then
        four.RowCount.ShouldBe(20_000);
        four.NarrowVotes.ToArray().ShouldBe(one.NarrowVotes.ToArray());
    }

    [Fact]
    public void Records_longer_than_the_read_buffer_among_short_ones_are_read_whole()
    {
        // Given: short rows with three records of 0.7, 1.5 and 3 MB among them (longer than the read buffer, so it grows
        // while a chunk is pending and again when the record starts a chunk)
        using var temp = new TempFolder();
        var sizes = new Dictionary<int, int> { [100] = 700_000, [2_000] = 1_500_000, [4_321] = 3_000_000 };
        var expected = new List<string?[]>();
        var lines = new List<string> { "id,text,score" };
        for (var i = 0; i < 6_000; i++)
        {
            var cell = sizes.TryGetValue(i, out var length) ? new string('x', length) : i % 2 == 0 ? $"row {i}" : $"row, {i}";
            lines.Add($"{i},{(cell.Contains(',') ? $"\"{cell}\"" : cell)},{i % 7}");
            expected.Add([$"{i}", cell, $"{i % 7}"]);
        }
        var path = temp.Write("data.csv", string.Join('\n', lines) + "\n");

        // When
        var actual = Rows.Of(new CsvSource(path), 4096);

        // Then
        actual.Count.ShouldBe(expected.Count);
        Enumerable.Range(0, expected.Count).FirstOrDefault(i => !actual[i].SequenceEqual(expected[i]), -1).ShouldBe(-1, "the first row read wrongly");
    }

    [Fact]
    public void Blocks_have_the_batch_rows_whatever_the_chunks_and_reused_vote_arrays_give_the_same_votes_on_any_thread_count()
    {
        // Given: rows of ~55 bytes, so a 128 KB chunk holds ~2,400 of them, fewer than a batch of 9,000; a sink that
        // copies what it keeps, as ReuseBlocks requires
        using var temp = new TempFolder();
        var path = temp.Write("data.csv", Generate(30_000, padding: 40).Text);
        var schema = new LabelSchema(["NO", "YES", "MAYBE"]);
        LabelingFunction[] lfs =
        [
            LabelingFunction.Create("has_comma", row => row.IsMissing("text") ? -1 : row.Span("text").Contains(',') ? 1 : 0),
            LabelingFunction.Create("score", row => row.IsMissing("score") ? -1 : row.Span("score")[^1] % 3),
        ];
        var sizes = new List<int>();
        int[] Run(int threads, bool reuse)
        {
            var votes = new List<int>();
            Applier.Apply(new CsvSource(path), lfs, schema, block =>
            {
                sizes.Add(block.RowCount);
                for (var i = 0; i < block.RowCount; i++)
                for (var j = 0; j < block.LfCount; j++) votes.Add(block[i, j]);
            }, new ApplyOptions { Threads = threads, BatchRows = 9_000, ReuseBlocks = reuse });
            return [.. votes];
        }

        // When
        var expected = Run(1, reuse: false);
        var runs = new[] { Run(1, reuse: true), Run(2, reuse: true), Run(3, reuse: true), Run(3, reuse: true) };

        // Then
        expected.Length.ShouldBe(60_000);
        expected.Distinct().Count().ShouldBe(4);
        foreach (var run in runs) run.ShouldBe(expected);
        sizes.ShouldBe(Enumerable.Repeat<int[]>([9_000, 9_000, 9_000, 3_000], 5).SelectMany(b => b));
    }
}
