using Microsoft.Data.Analysis;
using Snorkeler.Core.Tests.Support;
using Snorkeler.Data;

namespace Snorkeler.Core.Tests;

public class DataFrameSourceTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(100)]
    public void A_data_frame_reads_strings_numbers_and_booleans_with_nulls_missing(int rowsPerBatch)
    {
        // Given
        var frame = new DataFrame(
            new StringDataFrameColumn("text", ["check out my channel", null, "nice song"]),
            new DoubleDataFrameColumn("score", [0.5, null, -1e-3]),
            new BooleanDataFrameColumn("spam", [true, false, null]));

        // When
        var source = new DataFrameSource(frame, "comments");
        var batches = source.ReadBatches(rowsPerBatch).ToList();
        var rows = batches.SelectMany(Rows.Cells).ToList();

        // Then
        source.Name.ShouldBe("comments");
        source.Schema.Names.ShouldBe(["text", "score", "spam"]);
        batches.Select(b => b.FirstRow).ShouldBe(batches.Select((_, i) => batches.Take(i).Sum(p => (long)p.Count)));
        rows.Count.ShouldBe(3);
        rows[0].ShouldBe(["check out my channel", "0.5", "true"]);
        rows[1].ShouldBe([null, null, "false"]);
        rows[2].ShouldBe(["nice song", "-0.001", null]);
        batches.SelectMany(b => Enumerable.Range(0, b.Count).Select(i => b[i].Number("score"))).ShouldBe([0.5, null, -0.001]);
    }

    [Fact]
    public void An_empty_data_frame_reads_as_one_empty_batch()
    {
        var frame = new DataFrame(new StringDataFrameColumn("text", 0));

        new DataFrameSource(frame).ReadBatches(10).Select(b => b.Count).ShouldBe([0]);
    }
}
