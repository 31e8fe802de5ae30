namespace Snorkeler.Data;

/// <summary>
/// Rows to label, read in batches so that no data set has to fit in memory. Every call to
/// <see cref="ReadBatches"/> starts again from the first row; batches come in row order.
/// </summary>
public interface IDataSource
{
    /// <summary>A name for messages (usually the file path).</summary>
    string Name { get; }

    /// <summary>
    /// The files the rows are read from, in row order: one, several when files are read as one, none when the rows come
    /// from no file. A source that wraps another (renaming its columns, reading ahead, copying it into memory) gives the
    /// other's. Not parsed from <see cref="Name"/>, as a file name may hold whatever joins several.
    /// </summary>
    IReadOnlyList<string> Files => [];

    /// <summary>The columns.</summary>
    DataSchema Schema { get; }

    /// <summary>The rows as consecutive batches of at most <paramref name="rowsPerBatch"/> rows (an empty source yields one empty batch).</summary>
    IEnumerable<RowBatch> ReadBatches(int rowsPerBatch);
}
