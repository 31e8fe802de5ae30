namespace Snorkeler.Data;

/// <summary>
/// A source whose batches can be parsed on any thread. Enumerating <see cref="ReadChunks"/> (on one thread)
/// only finds where each batch's raw text starts and ends and how many rows it holds; each chunk's
/// <see cref="RowChunk.Parse"/> then turns the text into a <see cref="RowBatch"/>, so the applier's
/// workers share the parsing. Chunks come in row order; parsing them in any order gives the same batches
/// as <see cref="IDataSource.ReadBatches"/>.
/// </summary>
internal interface IChunkedSource : IDataSource
{
    /// <summary>The rows as consecutive chunks of at most <paramref name="rowsPerBatch"/> rows (an empty source yields one empty chunk).</summary>
    IEnumerable<RowChunk> ReadChunks(int rowsPerBatch);
}

/// <summary>A batch not parsed yet: its rows and first row are known; <see cref="Parse"/> may run on any thread, once.</summary>
internal sealed class RowChunk(long firstRow, int rows, Func<RowBatch> parse, bool fresh = false)
{
    /// <summary>A chunk holding an already parsed batch.</summary>
    public RowChunk(RowBatch batch) : this(batch.FirstRow, batch.Count, () => batch) { }

    /// <summary>
    /// True when <see cref="Parse"/> builds a new batch from <see cref="BatchArrays"/> that only its caller holds, so
    /// the caller may hand its arrays back (<see cref="RowBatch.ReturnArrays"/>) when done with it.
    /// </summary>
    public bool Fresh => fresh;

    /// <summary>The 0-based index of the chunk's first row in the whole source.</summary>
    public long FirstRow => firstRow;

    /// <summary>Rows in the chunk.</summary>
    public int Rows => rows;

    /// <summary>Parses the chunk (errors in its text are thrown here, naming the line).</summary>
    public RowBatch Parse() => parse();

    /// <summary>The same rows under other column names, row numbering or source name.</summary>
    public RowChunk Rebase(DataSchema schema, long newFirstRow, string? sourceName)
        => new(newFirstRow, rows, () => parse().Rebase(schema, newFirstRow, sourceName), fresh);
}
