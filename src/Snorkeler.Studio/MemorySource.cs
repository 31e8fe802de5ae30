using Snorkeler.Data;

namespace Snorkeler.Studio;

/// <summary>
/// A data set read once into memory, so an edit re-applies one LF without parsing the file again. With a sample
/// size, a deterministic random sample of the rows (the rows with the lowest hash of seed and row index, kept in
/// file order); <see cref="Original"/> maps a row back to its index in the file.
/// </summary>
internal sealed class MemorySource : IDataSource
{
    /// <summary>Rows per batch: the applier's default, so <see cref="ReadBatches"/> hands back the stored batches.</summary>
    public const int BatchRows = 4096;

    private readonly List<RowBatch> _batches;
    private readonly long[]? _original;

    private MemorySource(string name, DataSchema schema, List<RowBatch> batches, long rows, long[]? original)
    {
        Name = name;
        Schema = schema;
        _batches = batches;
        Rows = rows;
        _original = original;
    }

    /// <summary>Reads <paramref name="source"/> into memory; with <paramref name="sample"/>, keeps that many rows at most.</summary>
    public static MemorySource Read(IDataSource source, int? sample = null, int seed = 0, CancellationToken cancellation = default)
    {
        Guard.NotNull(source);
        var batches = new List<RowBatch>();
        long rows = 0;
        long[]? chosen = null;
        if (sample is not null)
        {
            // Which rows: the lowest hashes of (seed, index), found in a first pass over the indexes only.
            var keep = new PriorityQueue<long, ulong>();
            long total = 0;
            foreach (var batch in source.ReadBatches(BatchRows))
            {
                cancellation.ThrowIfCancellationRequested();
                for (var i = 0; i < batch.Count; i++, total++)
                {
                    var h = ~Mix((ulong)seed, (ulong)total); // the queue's head is the highest hash kept
                    if (keep.Count < sample.Value) keep.Enqueue(total, h);
                    else if (keep.TryPeek(out _, out var worst) && h > worst) keep.DequeueEnqueue(total, h);
                }
            }
            chosen = new long[keep.Count];
            for (var i = 0; keep.TryDequeue(out var index, out _); i++) chosen[i] = index;
            Array.Sort(chosen);
        }
        // Copied into batches of exactly BatchRows rows, so row r is in batch r / BatchRows.
        var builder = new RowBatchBuilder(source.Schema, BatchRows);
        var next = 0;
        long seen = 0;
        foreach (var batch in source.ReadBatches(BatchRows))
        {
            cancellation.ThrowIfCancellationRequested();
            for (var i = 0; i < batch.Count; i++, seen++)
            {
                if (chosen is not null)
                {
                    if (next == chosen.Length || chosen[next] != seen) continue;
                    next++;
                }
                CopyRow(builder, batch, i);
                if (builder.Count == BatchRows)
                {
                    batches.Add(builder.Build(rows));
                    rows += BatchRows;
                }
            }
            if (chosen is not null && next == chosen.Length) break;
        }
        if (builder.Count > 0)
        {
            var n = builder.Count;
            batches.Add(builder.Build(rows));
            rows += n;
        }
        return new MemorySource(source.Name, source.Schema, batches, rows, chosen);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public DataSchema Schema { get; }

    /// <summary>Rows held.</summary>
    public long Rows { get; }

    /// <summary>True when the rows are a sample of the file's.</summary>
    public bool IsSample => _original is not null;

    /// <summary>The 0-based index in the file of row <paramref name="row"/>.</summary>
    public long Original(long row) => _original is null ? row : _original[row];

    /// <summary>The row held for file row <paramref name="original"/>, or -1 when the sample left it out.</summary>
    public long FromOriginal(long original)
    {
        if (_original is null) return original >= 0 && original < Rows ? original : -1;
        var i = Array.BinarySearch(_original, original);
        return i >= 0 ? i : -1;
    }

    /// <summary>One field of one row, or null when missing.</summary>
    public string? Text(long row, int column)
    {
        var batch = _batches[(int)(row / BatchRows)];
        var i = (int)(row - batch.FirstRow);
        return batch.IsMissing(i, column) ? null : batch.Text(i, column).ToString();
    }

    /// <inheritdoc />
    public IEnumerable<RowBatch> ReadBatches(int rowsPerBatch)
    {
        if (_batches.Count == 0)
        {
            yield return new RowBatchBuilder(Schema, 1).Build(0);
            yield break;
        }
        if (rowsPerBatch == BatchRows)
        {
            foreach (var b in _batches) yield return b;
            yield break;
        }
        // Another batch size: copy the rows into batches of that size.
        var builder = new RowBatchBuilder(Schema, rowsPerBatch);
        long first = 0;
        foreach (var batch in _batches)
        {
            for (var i = 0; i < batch.Count; i++)
            {
                CopyRow(builder, batch, i);
                if (builder.Count == rowsPerBatch)
                {
                    yield return builder.Build(first);
                    first += rowsPerBatch;
                }
            }
        }
        if (builder.Count > 0) yield return builder.Build(first);
    }

    private static void CopyRow(RowBatchBuilder builder, RowBatch batch, int row)
    {
        builder.BeginRow();
        for (var c = 0; c < batch.Schema.Count; c++)
        {
            if (batch.IsMissing(row, c)) builder.AddMissing();
            else builder.Add(batch.Text(row, c));
        }
        builder.EndRow();
    }

    /// <summary>SplitMix64 of the seed and the index: a fixed pseudo-random order of the rows.</summary>
    private static ulong Mix(ulong seed, ulong index)
    {
        var z = seed * 0x9E3779B97F4A7C15UL + index + 0x632BE59BD9B4E019UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
