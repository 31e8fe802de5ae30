using Snorkeler.Data;

namespace Snorkeler.Studio;

/// <summary>
/// A data set read once into memory, so an edit re-applies one LF without parsing the file again. With a sample
/// size, a deterministic random sample of the rows (the rows with the lowest hash of seed and row index, kept in
/// file order); <see cref="Original"/> maps a row back to its index in the file. Each row keeps the file and line it
/// came from (a sample too), for the rows the page shows and for messages about an LF that fails on a row.
/// </summary>
internal sealed class MemorySource : IDataSource
{
    /// <summary>Rows per batch read from the source: the applier's default, so <see cref="ReadBatches"/> hands back the stored batches.</summary>
    public const int BatchRows = 4096;

    private readonly List<RowBatch> _batches;
    private readonly long[] _firstRows; // of each batch, for finding a row's batch
    private readonly long[]? _original;

    private MemorySource(IDataSource source, List<RowBatch> batches, long rows, long[]? original, long fileRows)
    {
        Name = source.Name;
        Files = source.Files;
        Schema = source.Schema;
        _batches = batches;
        _firstRows = batches.Select(b => b.FirstRow).ToArray();
        Rows = rows;
        _original = original;
        FileRows = fileRows;
    }

    /// <summary>Reads <paramref name="source"/> into memory; with <paramref name="sample"/>, keeps that many rows at most.</summary>
    public static MemorySource Read(IDataSource source, int? sample = null, int seed = 0, CancellationToken cancellation = default)
    {
        Guard.NotNull(source);
        var batches = new List<RowBatch>();
        if (sample is null)
        {
            // Every row, copied: a source may reuse its batches' arrays for the next batch.
            var all = new Copier(source.Schema, BatchRows, batches);
            foreach (var batch in source.ReadBatches(BatchRows))
            {
                cancellation.ThrowIfCancellationRequested();
                for (var i = 0; i < batch.Count; i++) all.Add(batch, i);
            }
            all.Flush();
            return new MemorySource(source, batches, all.Rows, null, all.Rows);
        }
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
        var chosen = new long[keep.Count];
        for (var i = 0; keep.TryDequeue(out var index, out _); i++) chosen[i] = index;
        Array.Sort(chosen);
        var copier = new Copier(source.Schema, BatchRows, batches);
        var next = 0;
        long seen = 0;
        foreach (var batch in source.ReadBatches(BatchRows))
        {
            cancellation.ThrowIfCancellationRequested();
            for (var i = 0; i < batch.Count; i++, seen++)
            {
                if (next == chosen.Length || chosen[next] != seen) continue;
                next++;
                copier.Add(batch, i);
            }
            if (next == chosen.Length) break;
        }
        copier.Flush();
        return new MemorySource(source, batches, copier.Rows, chosen, total);
    }

    /// <summary>Copies rows into batches of at most a given size, starting a new batch where the rows' file changes.</summary>
    private sealed class Copier(DataSchema schema, int rowsPerBatch, List<RowBatch> into)
    {
        private readonly RowBatchBuilder _builder = new(schema, rowsPerBatch, trackLines: true);
        private string? _source;

        /// <summary>Rows copied (flushed or not).</summary>
        public long Rows { get; private set; }

        private long _flushed;

        public RowBatch? Add(RowBatch batch, int row)
        {
            RowBatch? full = null;
            if (_builder.Count > 0 && !string.Equals(batch.SourceName, _source, StringComparison.Ordinal)) full = Flush();
            _source = batch.SourceName;
            _builder.BeginRow(batch.LineOf(row) ?? 0);
            for (var c = 0; c < batch.Schema.Count; c++)
            {
                if (batch.IsMissing(row, c)) _builder.AddMissing();
                else _builder.Add(batch.Text(row, c));
            }
            _builder.EndRow();
            Rows++;
            if (_builder.Count == _builder.RowCapacity) full ??= Flush();
            return full;
        }

        public RowBatch? Flush()
        {
            if (_builder.Count == 0) return null;
            var count = _builder.Count;
            var batch = _builder.Build(_flushed, _source);
            _flushed += count;
            into.Add(batch);
            return batch;
        }
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> Files { get; }

    /// <inheritdoc />
    public DataSchema Schema { get; }

    /// <summary>Rows held.</summary>
    public long Rows { get; }

    /// <summary>Rows in the file (the data's rows, sampled or not).</summary>
    public long FileRows { get; }

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
        var (batch, i) = Find(row);
        return batch.IsMissing(i, column) ? null : batch.Text(i, column).ToString();
    }

    /// <summary>The file row <paramref name="row"/> came from (null for a single file: the data's name) and its 1-based line there, when known.</summary>
    public (string? File, long? Line) Origin(long row)
    {
        var (batch, i) = Find(row);
        return (batch.SourceName, batch.LineOf(i) is > 0 and var line ? line : null);
    }

    private (RowBatch Batch, int Index) Find(long row)
    {
        var b = Array.BinarySearch(_firstRows, row);
        if (b < 0) b = ~b - 1;
        var batch = _batches[b];
        return (batch, (int)(row - batch.FirstRow));
    }

    /// <inheritdoc />
    public IEnumerable<RowBatch> ReadBatches(int rowsPerBatch)
    {
        if (_batches.Count == 0)
        {
            yield return new RowBatchBuilder(Schema, 1).Build(0);
            yield break;
        }
        if (_batches.All(b => b.Count <= rowsPerBatch))
        {
            foreach (var b in _batches) yield return b;
            yield break;
        }
        // Smaller batches than those held: copy the rows.
        var copied = new List<RowBatch>();
        var copier = new Copier(Schema, rowsPerBatch, copied);
        foreach (var batch in _batches)
            for (var i = 0; i < batch.Count; i++)
                if (copier.Add(batch, i) is { } full) yield return full;
        if (copier.Flush() is { } last) yield return last;
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
