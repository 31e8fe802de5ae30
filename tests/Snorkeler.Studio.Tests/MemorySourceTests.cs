using Snorkeler.Data;

namespace Snorkeler.Studio.Tests;

public sealed class MemorySourceTests
{
    private static IDataSource RawComments()
        => DataSources.Open(Directory.GetFiles(TestPaths.YouTubeFile("raw"), "*.csv").Order(StringComparer.Ordinal).ToArray());

    [Fact]
    public void A_sample_of_several_files_keeps_each_rows_file_and_line()
    {
        var sample = MemorySource.Read(RawComments(), sample: 300, seed: 3);

        sample.Rows.ShouldBe(300);
        var id = sample.Schema.IndexOf("COMMENT_ID");
        var files = new HashSet<string>(StringComparer.Ordinal);
        for (long row = 0; row < sample.Rows; row++)
        {
            var (file, line) = sample.Origin(row);
            file.ShouldNotBeNull();
            line.ShouldNotBeNull();
            files.Add(file);
            // The line the row starts on in that file holds the row's comment id.
            File.ReadLines(Path.Combine(TestPaths.YouTubeFile("raw"), Path.GetFileName(file))).Skip((int)line.Value - 1).First()
                .ShouldContain(sample.Text(row, id)!);
        }
        files.Count.ShouldBe(5);
    }

    [Fact]
    public void Every_row_held_reads_the_same_as_the_file_and_smaller_batches_keep_the_origins()
    {
        var all = MemorySource.Read(RawComments());
        var fromFile = RawComments().ReadBatches(1000).SelectMany(b => Enumerable.Range(0, b.Count).Select(i => (b.Text(i, 1).ToString(), b.SourceName, b.LineOf(i)))).ToList();

        all.Rows.ShouldBe(fromFile.Count);
        var held = all.ReadBatches(100).SelectMany(b =>
        {
            b.Count.ShouldBeLessThanOrEqualTo(100);
            return Enumerable.Range(0, b.Count).Select(i => (b.Text(i, 1).ToString(), b.SourceName, b.LineOf(i)));
        }).ToList();
        held.ShouldBe(fromFile);
        all.Text(fromFile.Count - 1, 1).ShouldBe(fromFile[^1].Item1);
    }
}
