using Snorkeler.Data;

namespace Snorkeler.Core.Tests.Support;

/// <summary>Reads whole data sources into plain values for assertions.</summary>
internal static class Rows
{
    /// <summary>Every row's cells, null for a missing cell.</summary>
    public static List<string?[]> Of(IDataSource source, int rowsPerBatch = 4096)
        => source.ReadBatches(rowsPerBatch).SelectMany(Cells).ToList();

    public static IEnumerable<string?[]> Cells(RowBatch batch)
        => Enumerable.Range(0, batch.Count).Select(i =>
            Enumerable.Range(0, batch.Schema.Count).Select(c => batch.IsMissing(i, c) ? null : batch.Text(i, c).ToString()).ToArray());

    /// <summary>Every row's source line.</summary>
    public static List<long?> Lines(IDataSource source, int rowsPerBatch = 4096)
        => source.ReadBatches(rowsPerBatch).SelectMany(b => Enumerable.Range(0, b.Count).Select(i => b.LineOf(i))).ToList();
}
