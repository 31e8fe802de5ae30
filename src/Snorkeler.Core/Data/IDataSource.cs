namespace Snorkeler.Data;

/// <summary>
/// Rows to label, read in batches so that no data set has to fit in memory. Every call to
/// <see cref="ReadBatches"/> starts again from the first row; batches come in row order.
/// </summary>
public interface IDataSource
{
    /// <summary>A name for messages (usually the file path).</summary>
    string Name { get; }

    /// <summary>The columns.</summary>
    DataSchema Schema { get; }

    /// <summary>The rows as consecutive batches of at most <paramref name="rowsPerBatch"/> rows (an empty source yields one empty batch).</summary>
    IEnumerable<RowBatch> ReadBatches(int rowsPerBatch);
}
