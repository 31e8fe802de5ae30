using Snorkeler.Data;
using Snorkeler.IO;

namespace Snorkeler.Core.Tests;

public class DataSourcesTests
{
    [Fact]
    public void Every_ending_messages_name_for_data_or_matrices_is_one_that_is_read()
    {
        // Given an empty file of each ending the CLI's messages list for data and for matrices
        using var temp = new TempFolder();

        // When each data file is opened
        var refusals = DataSources.Endings
            .Select(ending => Record.Exception(() => DataSources.Open(temp.Write("empty" + ending, ""))))
            .ToList();

        // Then each is read as its format (which may find the file empty), none refused for its ending; and a matrix
        // option reads each data ending and each matrix-only one
        refusals.ShouldAllBe(e => e == null || !e.Message.Contains("unknown data format"));
        DataSources.Endings.Concat(MatrixFile.MatrixOnlyEndings).ShouldAllBe(ending => MatrixFile.KnownFormat("m" + ending) != null);
        DataSources.Extensions.Count.ShouldBe(DataSources.Endings.Count);
    }
}
