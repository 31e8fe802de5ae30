using Parquet.Serialization;
using Snorkeler.Applying;
using Snorkeler.Core.Tests.Support;
using Snorkeler.Data;

namespace Snorkeler.Core.Tests;

public class ApplierTests
{
    private const int Abstain = -1, Ham = 0, Spam = 1;

    private sealed record Comment(string Text);

    public sealed class TextRow { public string? Text { get; set; } }

    /// <summary>Keyword LFs over a column called "text"; the same rules as plain functions of the text, for the expected votes.</summary>
    private static readonly (string Name, Func<string, int> Rule)[] Rules =
    [
        ("check_out", t => t.Contains("check out", StringComparison.OrdinalIgnoreCase) ? Spam : Abstain),
        ("subscribe", t => t.Contains("subscribe", StringComparison.OrdinalIgnoreCase) ? Spam : Abstain),
        ("link", t => t.Contains("http", StringComparison.OrdinalIgnoreCase) ? Spam : Abstain),
        ("song", t => t.Contains("song", StringComparison.OrdinalIgnoreCase) ? Ham : Abstain),
        ("short", t => t.Length < 20 ? Ham : Abstain),
    ];

    private static LabelingFunction[] KeywordLfs()
        => Rules.Select((r, j) => j == 0
                ? LabelingFunction.Create<Comment>(r.Name, row => new Comment(row.Text("text")), c => r.Rule(c.Text))
                : LabelingFunction.Create(r.Name, row => r.Rule(row.Text("text"))))
            .ToArray();

    private static IDataSource YouTubeComments()
        => DataSources.WithAliases(DataSources.Open(TestPaths.YouTubeRawCsvs), new Dictionary<string, string> { ["text"] = "CONTENT" });

    public static TheoryData<int, int> ThreadsAndBatchSizes()
    {
        var data = new TheoryData<int, int>();
        foreach (var threads in new[] { 1, 2, 4 })
        foreach (var batch in new[] { 1, 7, 4096 })
            data.Add(threads, batch);
        return data;
    }

    [Theory]
    [MemberData(nameof(ThreadsAndBatchSizes))]
    public void The_matrix_is_the_same_for_any_number_of_threads_and_batch_size(int threads, int batchRows)
    {
        // Given
        var source = YouTubeComments();
        var texts = Rows.Of(source).Select(r => r[3]!).ToList();
        var expected = texts.SelectMany(t => Rules.Select(r => r.Rule(t))).ToArray();
        var progress = new List<long>();

        // When
        var matrix = Applier.ApplyToMatrix(source, KeywordLfs(), Some.HamSpam,
            new ApplyOptions { Threads = threads, BatchRows = batchRows, Progress = progress.Add });

        // Then
        matrix.RowCount.ShouldBe(1956);
        matrix.FirstRow.ShouldBe(0);
        matrix.LfNames.ShouldBe(Rules.Select(r => r.Name));
        Some.Votes(matrix).ShouldBe(expected);
        expected.Count(v => v == Spam).ShouldBeGreaterThan(100);
        progress.ShouldBe(progress.Order());
        progress[^1].ShouldBe(1956);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Blocks_reach_the_sink_in_row_order(int threads)
    {
        var blocks = new List<(long FirstRow, int Rows)>();

        var result = Applier.Apply(YouTubeComments(), KeywordLfs(), Some.HamSpam, b => blocks.Add((b.FirstRow, b.RowCount)),
            new ApplyOptions { Threads = threads, BatchRows = 100 });

        result.Rows.ShouldBe(1956);
        result.Failures.ShouldBe([0L, 0L, 0L, 0L, 0L]);
        blocks.ShouldAllBe(b => b.Rows > 0 && b.Rows <= 100);
        blocks.Select(b => b.FirstRow).ShouldBe(blocks.Select((_, i) => blocks.Take(i).Sum(p => (long)p.Rows)));
        blocks.Sum(b => b.Rows).ShouldBe(1956);
    }

    [Theory]
    [InlineData(1, 4096)]
    [InlineData(4, 2)]
    public void The_first_lf_exception_stops_the_run_naming_the_lf_its_location_the_row_and_the_file_line(int threads, int batchRows)
    {
        // Given: row 5 (1-based) starts on line 7, after a record spanning lines 3-4
        using var temp = new TempFolder();
        var path = temp.Write("data.csv", "id,text\n1,a\n2,\"multi\nline\"\n3,c\n4,d\n5,boom\n6,e\n7,boom\n8,boom\n");
        var boom = LabelingFunction.Create("explodes", row => row.Text("text") == "boom" ? throw new InvalidOperationException("kaboom") : Abstain,
            new SourceLocation("lfs/spam.rules", 3, 1));

        // When
        var error = Should.Throw<LfFailedException>(() => Applier.ApplyToMatrix(new CsvSource(path), [KeywordLfs()[1], boom], Some.HamSpam,
            new ApplyOptions { Threads = threads, BatchRows = batchRows }));

        // Then
        error.Message.ShouldBe($"LF 'explodes' (lfs/spam.rules(3,1)) failed on row 5 ({path} line 7): InvalidOperationException: kaboom");
        error.Lf.ShouldBeSameAs(boom);
        error.Row.ShouldBe(4);
        error.Failure.ShouldBe($"failed on row 5 ({path} line 7): InvalidOperationException: kaboom");
        error.Problem.ShouldBe("InvalidOperationException: kaboom");
        error.InnerException.ShouldBeOfType<InvalidOperationException>();
    }

    [Fact]
    public void A_failure_in_a_later_file_of_several_names_that_file_and_its_line()
    {
        using var temp = new TempFolder();
        var a = temp.Write("a.csv", "text\nx\ny\n");
        var b = temp.Write("b.csv", "text\nz\nboom\n");
        var boom = LabelingFunction.Create("explodes", row => row.Text("text") == "boom" ? throw new FormatException("bad") : Abstain);

        var error = Should.Throw<LfFailedException>(() => Applier.ApplyToMatrix(DataSources.Open([a, b]), [boom], Some.HamSpam,
            new ApplyOptions { Threads = 2, BatchRows = 1 }));

        error.Message.ShouldBe($"LF 'explodes' failed on row 4 ({b} line 3): FormatException: bad");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_failure_in_a_later_parquet_file_of_several_names_its_row_in_that_file(int threads)
    {
        // Given two Parquet files of three rows (no lines to name), the second's second row failing
        using var temp = new TempFolder();
        var a = temp.File("a.parquet");
        var b = temp.File("b.parquet");
        await using (var stream = File.Create(a)) await ParquetSerializer.SerializeAsync(new[] { "x", "y", "z" }.Select(t => new TextRow { Text = t }), stream);
        await using (var stream = File.Create(b)) await ParquetSerializer.SerializeAsync(new[] { "x", "boom", "z" }.Select(t => new TextRow { Text = t }), stream);
        var boom = LabelingFunction.Create("explodes", row => row.Text("Text") == "boom" ? throw new FormatException("bad") : Abstain);

        // When
        var error = Should.Throw<LfFailedException>(() => Applier.ApplyToMatrix(DataSources.Open([a, b]), [boom], Some.HamSpam,
            new ApplyOptions { Threads = threads, BatchRows = 1 }));

        // Then: row 5 of the data is row 2 of b.parquet (before: "failed on row 5 of b.parquet", a file of three rows)
        error.Message.ShouldBe($"LF 'explodes' failed on row 5 ({b} row 2): FormatException: bad");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_fault_tolerant_run_counts_failures_per_lf_and_records_abstains(int threads)
    {
        // Given
        var flaky = LabelingFunction.Create("flaky", row => row.Index % 3 == 0 ? throw new InvalidOperationException("no") : Spam);
        var steady = LabelingFunction.Create("steady", _ => Ham);

        // When
        var blocks = new List<LabelMatrix>();
        var result = Applier.Apply(YouTubeComments(), [steady, flaky], Some.HamSpam, blocks.Add,
            new ApplyOptions { Threads = threads, BatchRows = 50, FaultTolerant = true });
        var matrix = IO.MatrixFile.Concat(blocks);

        // Then
        result.Rows.ShouldBe(1956);
        result.Failures.ShouldBe([0L, 652L]);
        for (var i = 0; i < matrix.RowCount; i++)
        {
            matrix[i, 0].ShouldBe(Ham);
            matrix[i, 1].ShouldBe(i % 3 == 0 ? Abstain : Spam);
        }
    }

    [Theory]
    [InlineData(2, false)]
    [InlineData(-2, false)]
    [InlineData(2, true)]
    public void A_vote_outside_the_classes_is_an_error_naming_the_lf_even_when_fault_tolerant(int vote, bool faultTolerant)
    {
        using var temp = new TempFolder();
        var path = temp.Write("data.csv", "text\na\nb\n");
        var wrong = LabelingFunction.Create("wrong", row => row.Index == 1 ? vote : Abstain);

        var error = Should.Throw<LfFailedException>(() => Applier.ApplyToMatrix(new CsvSource(path), [wrong], Some.HamSpam,
            new ApplyOptions { Threads = 1, FaultTolerant = faultTolerant }));

        error.Message.ShouldBe($"LF 'wrong' failed on row 2 ({path} line 3): it returned {vote}, which is neither -1 (abstain) nor a class (HAM=0, SPAM=1)");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void A_cancelled_run_throws_operation_cancelled(int threads)
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        Should.Throw<OperationCanceledException>(() => Applier.ApplyToMatrix(YouTubeComments(), KeywordLfs(), Some.HamSpam,
            new ApplyOptions { Threads = threads, BatchRows = 10, Cancellation = cancel.Token }));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Cancelling_during_a_run_stops_it(int threads)
    {
        using var cancel = new CancellationTokenSource();
        var blocks = 0;

        Should.Throw<OperationCanceledException>(() => Applier.Apply(YouTubeComments(), KeywordLfs(), Some.HamSpam, _ => blocks++,
            new ApplyOptions { Threads = threads, BatchRows = 10, Cancellation = cancel.Token, Progress = _ => cancel.Cancel() }));

        blocks.ShouldBeLessThan(196);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void A_malformed_data_file_stops_the_run_naming_the_file_and_line(int threads)
    {
        using var temp = new TempFolder();
        var path = temp.Write("data.csv", "text\n" + string.Concat(Enumerable.Range(0, 40).Select(i => $"row {i}\n")) + "a,b\nlast\n");

        var error = Should.Throw<SnorkelerException>(() => Applier.ApplyToMatrix(new CsvSource(path), KeywordLfs(), Some.HamSpam,
            new ApplyOptions { Threads = threads, BatchRows = 3 }));

        error.Message.ShouldBe($"{path}(42): the row has 2 fields but the header has 1");
    }

    [Fact]
    public void Lfs_over_200_classes_fill_a_wide_matrix()
    {
        var schema = Some.Classes(200);
        var lf = LabelingFunction.Create("by_index", row => (int)(row.Index % 200));

        var matrix = Applier.ApplyToMatrix(YouTubeComments(), [lf], schema, new ApplyOptions { Threads = 2, BatchRows = 64 });

        matrix.IsNarrow.ShouldBeFalse();
        matrix.RowCount.ShouldBe(1956);
        Enumerable.Range(0, 1956).Select(i => matrix[i, 0]).ShouldBe(Enumerable.Range(0, 1956).Select(i => i % 200));
    }

    [Fact]
    public void An_lf_reading_a_column_the_data_lacks_names_the_column()
    {
        var lf = LabelingFunction.Create("needs_body", row => row.Text("body").Length > 0 ? Spam : Abstain);

        var error = Should.Throw<LfFailedException>(() => Applier.ApplyToMatrix(YouTubeComments(), [lf], Some.HamSpam, new ApplyOptions { Threads = 1 }));

        error.Message.ShouldContain("no column 'body'");
    }

    [Fact]
    public void Applying_to_no_rows_gives_an_empty_matrix()
    {
        using var temp = new TempFolder();
        var path = temp.Write("data.csv", "text\n");

        var matrix = Applier.ApplyToMatrix(new CsvSource(path), KeywordLfs(), Some.HamSpam, new ApplyOptions { Threads = 2 });

        matrix.RowCount.ShouldBe(0);
        matrix.LfNames.Count.ShouldBe(5);
    }

    [Fact]
    public void An_lf_has_a_name_a_source_hash_and_a_description()
    {
        var lf = LabelingFunction.Create("kw", _ => Abstain, new SourceLocation("a.rules", 2, 5));

        lf.SourceHash.ShouldBe(LabelingFunction.Hash("kw"));
        lf.SourceHash.Length.ShouldBe(64);
        lf.Describe().ShouldBe("'kw' (a.rules(2,5))");
        LabelingFunction.Create("plain", _ => Abstain).Describe().ShouldBe("'plain'");
        Should.Throw<ArgumentException>(() => LabelingFunction.Create(" ", _ => Abstain));
    }
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void A_read_failure_comes_after_the_blocks_read_before_it_in_row_order(int threads)
    {
        // Given a source whose seventh batch cannot be read
        var frame = new Microsoft.Data.Analysis.DataFrame(new Microsoft.Data.Analysis.StringDataFrameColumn("text", Enumerable.Range(0, 100).Select(i => $"row {i}")));
        var source = new FailingAfter(new DataFrameSource(frame, "rows"), batches: 6);
        var firstRows = new List<long>();

        // When
        var error = Should.Throw<SnorkelerException>(() => Applier.Apply(source, KeywordLfs(), Some.HamSpam, block => firstRows.Add(block.FirstRow),
            new ApplyOptions { Threads = threads, BatchRows = 7 }));

        // Then: the six batches read reached the sink, in order, and then the failure
        error.Message.ShouldBe("rows: the disk went away");
        firstRows.ShouldBe([0L, 7, 14, 21, 28, 35]);
    }

    private sealed class FailingAfter(IDataSource inner, int batches) : IDataSource
    {
        public string Name => inner.Name;

        public DataSchema Schema => inner.Schema;

        public IEnumerable<RowBatch> ReadBatches(int rowsPerBatch)
        {
            var read = 0;
            foreach (var batch in inner.ReadBatches(rowsPerBatch))
            {
                if (read++ == batches) throw new SnorkelerException($"{Name}: the disk went away");
                yield return batch;
            }
        }
    }

    [Fact]
    public void A_failure_on_a_source_without_lines_names_the_row_of_the_source()
    {
        var frame = new Microsoft.Data.Analysis.DataFrame(new Microsoft.Data.Analysis.StringDataFrameColumn("text", ["a", "b", "boom"]));
        var boom = LabelingFunction.Create("explodes", row => row.Text("text") == "boom" ? throw new InvalidOperationException("kaboom") : Abstain);

        var error = Should.Throw<LfFailedException>(() => Applier.ApplyToMatrix(new DataFrameSource(frame, "comments"), [boom], Some.HamSpam,
            new ApplyOptions { Threads = 2, BatchRows = 2 }));

        error.Message.ShouldBe("LF 'explodes' failed on row 3 of comments: InvalidOperationException: kaboom");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_lf_that_runs_out_of_stack_is_reported_in_one_line_naming_the_lf_and_the_row(bool watched)
    {
        // Given: what the stack guard that script bodies start with throws on an endless recursion
        using var temp = new TempFolder();
        var path = temp.Write("data.csv", "text\na\nb\n");
        var deep = LabelingFunction.Create("deep", row => row.Index == 1 ? throw new InsufficientExecutionStackException() : Abstain, new SourceLocation("lfs/a.csx", 2, 1));

        // When
        var error = Should.Throw<LfFailedException>(() => Applier.ApplyToMatrix(new CsvSource(path), [deep], Some.HamSpam,
            new ApplyOptions { Threads = 2, LfTimeBudget = watched ? TimeSpan.FromMinutes(1) : null }));

        // Then
        error.Message.ShouldBe($"LF 'deep' (lfs/a.csx(2,1)) failed on row 2 ({path} line 3): it recursed too deeply and ran out of stack (an endless recursion?)");
    }

    [Fact]
    public void A_snorkeler_exception_from_an_lf_is_reported_by_its_message_alone()
    {
        using var temp = new TempFolder();
        var path = temp.Write("data.csv", "text\na\n");
        var reads = LabelingFunction.Create("reads", row => row.Text("txt").Length);

        var error = Should.Throw<LfFailedException>(() => Applier.ApplyToMatrix(new CsvSource(path), [reads], Some.HamSpam, new ApplyOptions { Threads = 1 }));

        error.Message.ShouldBe($"LF 'reads' failed on row 1 ({path} line 2): no column 'txt'; did you mean 'text'? (columns: text)");
    }

    [Fact]
    public void A_static_initialiser_that_threw_is_reported_by_its_cause()
    {
        using var temp = new TempFolder();
        var path = temp.Write("data.csv", "text\na\n");
        var cause = new IndexOutOfRangeException("Index was outside the bounds of the array.");
        var statics = LabelingFunction.Create("statics", _ => throw new TypeInitializationException("Submission#0", cause));

        var error = Should.Throw<LfFailedException>(() => Applier.ApplyToMatrix(new CsvSource(path), [statics], Some.HamSpam, new ApplyOptions { Threads = 1 }));

        error.Message.ShouldBe($"LF 'statics' failed on row 1 ({path} line 2): a static initialiser threw IndexOutOfRangeException: Index was outside the bounds of the array.");
    }
}
