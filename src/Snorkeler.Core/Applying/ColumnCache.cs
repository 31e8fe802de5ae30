using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Snorkeler.Data;
using Snorkeler.IO;

namespace Snorkeler.Applying;

/// <summary>
/// Incremental re-application: each LF's column of votes is kept on disk, keyed by the input and the LF's
/// source, so a rerun after editing one LF evaluates only that LF and reads the other columns back.
/// <para>
/// Layout under the cache folder: <c>columns/&lt;input key&gt;/&lt;column key&gt;.col</c>, where the input key is
/// the SHA-256 of the data files' content hashes (in order) and the column aliases, and the column key is the
/// SHA-256 of the LF's <see cref="LabelingFunction.SourceHash"/> and the classes. A column file is a magic
/// header, the row count, the SHA-256 of its key (input key and column key) followed by the votes, and the votes
/// (one signed byte per row): a file copied under another key fails the check and reads as a miss. A file's content
/// hash is remembered under <c>inputs/</c> by its full path, size and modification time, so an unchanged file
/// costs one stat; a touched or rewritten file is hashed again (SHA-256 of all bytes). Entries that fail
/// any check read as misses; writes are atomic; deleting the folder at any time is safe.
/// </para>
/// Only schemas of at most 127 classes (one byte per vote) are cached; columns from LFs that failed on
/// some row (fault-tolerant runs) are not stored.
/// </summary>
public sealed class ColumnCache
{
    private static readonly byte[] Magic = "SNKCOL02"u8.ToArray();

    /// <summary>Rows buffered per column write.</summary>
    private const int BlockRows = 65536;

    /// <summary>A cache in <paramref name="folder"/> (created on first write).</summary>
    public ColumnCache(string folder) => Folder = Guard.NotNull(folder);

    /// <summary>The cache folder.</summary>
    public string Folder { get; }

    /// <summary>
    /// The key of an input: the data files' content hashes, in order, and the column aliases (they change what
    /// the LFs read).
    /// </summary>
    public string InputKey(IReadOnlyList<string> dataPaths, IReadOnlyDictionary<string, string> aliases)
    {
        Guard.NotNull(dataPaths);
        Guard.NotNull(aliases);
        var text = new StringBuilder("snorkeler-input/1\n");
        foreach (var path in dataPaths) text.Append(ContentHash(path)).Append('\n');
        foreach (var (alias, column) in aliases.OrderBy(a => a.Key, StringComparer.Ordinal)) text.Append(alias).Append('=').Append(column).Append('\n');
        return LabelingFunction.Hash(text.ToString());
    }

    /// <summary>SHA-256 of a file's bytes, remembered by (full path, size, modification time).</summary>
    private string ContentHash(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw SnorkelerException.InFile(path, "no such file");
        var stamp = LabelingFunction.Hash($"{info.FullName}\n{info.Length}\n{info.LastWriteTimeUtc.Ticks}");
        var memo = Path.Combine(Folder, "inputs", stamp);
        try
        {
            // The memo repeats its stamp, so a memo copied under another stamp is not believed.
            if (File.Exists(memo) && File.ReadAllText(memo) is { Length: 129 } known && known.StartsWith(stamp + "\n", StringComparison.Ordinal)) return known[65..];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        var hash = FileHash.Sha256(path);
        TryStore(memo, Encoding.ASCII.GetBytes(stamp + "\n" + hash));
        return hash;
    }

    private string ColumnPath(string inputKey, LabelingFunction lf, LabelSchema schema)
        => Path.Combine(Folder, "columns", inputKey, LabelingFunction.Hash($"{lf.SourceHash}\n{schema}") + ".col");

    /// <summary>
    /// Applies <paramref name="lfs"/> like <see cref="Applier.Apply"/>, giving the same blocks in row order, but
    /// reads each LF whose column is cached for <paramref name="inputKey"/> instead of evaluating it, and stores
    /// the columns it evaluates. When every column is cached the data is not read at all.
    /// </summary>
    /// <param name="source">The data.</param>
    /// <param name="inputKey">The data's key, from <see cref="InputKey"/>.</param>
    /// <param name="lfs">The LFs, in column order.</param>
    /// <param name="schema">The classes.</param>
    /// <param name="sink">Receives the blocks in row order.</param>
    /// <param name="options">How to evaluate the LFs that are not cached.</param>
    /// <returns>The run's result and how many LFs came from the cache.</returns>
    public (ApplyResult Result, int Reused) Apply(IDataSource source, string inputKey, IReadOnlyList<LabelingFunction> lfs, LabelSchema schema,
        Action<LabelMatrix> sink, ApplyOptions? options = null)
    {
        Guard.NotNull(source);
        Guard.NotNull(inputKey);
        Guard.NotNull(lfs);
        Guard.NotNull(schema);
        Guard.NotNull(sink);
        options ??= new ApplyOptions();
        if (schema.Cardinality > LabelMatrix.MaxNarrowCardinality) return (Applier.Apply(source, lfs, schema, sink, options), 0);
        var clock = Stopwatch.StartNew();
        var m = lfs.Count;
        var names = lfs.Select(l => l.Name).ToArray();
        var paths = lfs.Select(l => ColumnPath(inputKey, l, schema)).ToArray();
        var cached = new ColumnReader?[m];
        long? rows = null;
        for (var j = 0; j < m; j++)
        {
            cached[j] = ColumnReader.TryOpen(paths[j]);
            if (cached[j] is { } c && rows is not null && c.Rows != rows) { foreach (var r in cached) r?.Dispose(); cached = new ColumnReader?[m]; rows = null; break; }
            rows ??= cached[j]?.Rows;
        }
        try
        {
            var missing = Enumerable.Range(0, m).Where(j => cached[j] is null).ToArray();
            var failures = new long[m];
            if (missing.Length == 0 && rows is > 0)
            {
                // Every column is cached: assemble the matrix from them alone.
                var blockRows = options.BatchRows;
                var votes = new sbyte[blockRows * m];
                var column = new sbyte[blockRows];
                for (long first = 0; first < rows; first += blockRows)
                {
                    options.Cancellation.ThrowIfCancellationRequested();
                    var n = (int)Math.Min(blockRows, rows.Value - first);
                    for (var j = 0; j < m; j++)
                    {
                        cached[j]!.Read(column.AsSpan(0, n));
                        for (var i = 0; i < n; i++) votes[i * m + j] = column[i];
                    }
                    sink(LabelMatrix.FromNarrow(schema, names, votes.AsSpan(0, n * m).ToArray(), n, null, first));
                    options.Progress?.Invoke(first + n);
                }
                return (new ApplyResult(rows.Value, failures, clock.Elapsed), m);
            }

            // Evaluate the missing LFs; merge each block with the cached columns' rows; store the new columns.
            var fresh = missing.Select(j => lfs[j]).ToArray();
            var writers = missing.Select(j => new ColumnWriter(paths[j])).ToArray();
            try
            {
                var scratch = new sbyte[BlockRows];
                var result = Applier.Apply(source, fresh, schema, block =>
                {
                    var n = block.RowCount;
                    var own = block.NarrowVotes;
                    for (var q = 0; q < missing.Length; q++) writers[q].Append(own, q, missing.Length, n);
                    if (missing.Length == m)
                    {
                        sink(block);
                        return;
                    }
                    var votes = new sbyte[Math.Max(1, n * m)];
                    for (var q = 0; q < missing.Length; q++)
                        for (var i = 0; i < n; i++) votes[i * m + missing[q]] = own[i * missing.Length + q];
                    if (scratch.Length < n) scratch = new sbyte[n];
                    for (var j = 0; j < m; j++)
                    {
                        if (cached[j] is not { } reader) continue;
                        reader.Read(scratch.AsSpan(0, n));
                        for (var i = 0; i < n; i++) votes[i * m + j] = scratch[i];
                    }
                    sink(LabelMatrix.FromNarrow(schema, names, votes, n, null, block.FirstRow));
                }, options);
                if (rows is { } expected && expected != result.Rows)
                    throw new SnorkelerException($"{source.Name}: has {result.Rows:N0} rows but the cached columns have {expected:N0}; delete the cache folder {Folder}");
                for (var q = 0; q < missing.Length; q++)
                {
                    failures[missing[q]] = result.Failures[q];
                    if (result.Failures[q] == 0) writers[q].Commit(result.Rows);
                }
                return (new ApplyResult(result.Rows, failures, clock.Elapsed), m - missing.Length);
            }
            finally
            {
                foreach (var w in writers) w.Dispose();
            }
        }
        finally
        {
            foreach (var r in cached) r?.Dispose();
        }
    }

    private static void TryStore(string path, byte[] content)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            AtomicFile.Write(path, stream => stream.Write(content));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SnorkelerException) { }
    }

    /// <summary>What a column file's hash covers before its votes: its key, the input key and column key its path is made of.</summary>
    private static byte[] KeyOf(string path)
        => Encoding.UTF8.GetBytes(Path.GetFileName(Path.GetDirectoryName(path)) + "/" + Path.GetFileName(path));

    /// <summary>Reads a column file's votes in order; null from <see cref="TryOpen"/> when missing or damaged.</summary>
    private sealed class ColumnReader : IDisposable
    {
        private readonly FileStream _stream;

        private ColumnReader(FileStream stream, long rows)
        {
            _stream = stream;
            Rows = rows;
        }

        public long Rows { get; }

        public static ColumnReader? TryOpen(string path)
        {
            FileStream? stream = null;
            try
            {
                if (!File.Exists(path)) return null;
                stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
                var header = new byte[Magic.Length + 8 + SHA256.HashSizeInBytes];
                stream.ReadExactly(header);
                if (!header.AsSpan(0, Magic.Length).SequenceEqual(Magic)) { stream.Dispose(); return null; }
                var rows = BitConverter.ToInt64(header, Magic.Length);
                if (rows <= 0 || stream.Length != header.Length + rows) { stream.Dispose(); return null; }
                // Check the key and votes against their hash before trusting them (one sequential read; columns are small).
                using var check = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                check.AppendData(KeyOf(path));
                var buffer = new byte[1 << 16];
                int read;
                while ((read = stream.Read(buffer)) > 0) check.AppendData(buffer, 0, read);
                var hash = check.GetHashAndReset();
                if (!hash.AsSpan().SequenceEqual(header.AsSpan(Magic.Length + 8))) { stream.Dispose(); return null; }
                stream.Position = header.Length;
                return new ColumnReader(stream, rows);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or EndOfStreamException)
            {
                stream?.Dispose();
                return null;
            }
        }

        public void Read(Span<sbyte> into) => _stream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(into));

        public void Dispose() => _stream.Dispose();
    }

    /// <summary>Writes one LF's column to a temporary file and moves it into place on commit.</summary>
    private sealed class ColumnWriter : IDisposable
    {
        private readonly string _path;
        private readonly string _temp;
        private readonly FileStream? _stream;
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private byte[] _buffer = new byte[BlockRows];

        public ColumnWriter(string path)
        {
            _path = path;
            _hash.AppendData(KeyOf(path));
            // Named as AtomicFile names temporaries, so that one a killed process left is deleted by the next write.
            var folder = Path.GetDirectoryName(path)!;
            _temp = Path.Combine(folder, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
            try
            {
                Directory.CreateDirectory(folder);
                AtomicFile.DeleteStaleTemporaries(folder, Path.GetFileName(path));
                _stream = new FileStream(_temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
                _stream.Write(new byte[Magic.Length + 8 + SHA256.HashSizeInBytes]);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _stream = null; // the cache is best effort: a read-only cache folder only loses the speed-up
            }
        }

        /// <summary>Appends column <paramref name="column"/> of a row-major block of <paramref name="width"/> columns.</summary>
        public void Append(ReadOnlySpan<sbyte> votes, int column, int width, int rows)
        {
            if (_stream is null) return;
            if (_buffer.Length < rows) _buffer = new byte[rows];
            for (var i = 0; i < rows; i++) _buffer[i] = (byte)votes[i * width + column];
            _stream.Write(_buffer, 0, rows);
            _hash.AppendData(_buffer, 0, rows);
        }

        public void Commit(long rows)
        {
            if (_stream is null || rows <= 0) return;
            try
            {
                _stream.Position = 0;
                _stream.Write(Magic);
                _stream.Write(BitConverter.GetBytes(rows));
                _stream.Write(_hash.GetHashAndReset());
                _stream.Dispose();
                File.Move(_temp, _path, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }

        public void Dispose()
        {
            _stream?.Dispose();
            _hash.Dispose();
            try { if (File.Exists(_temp)) File.Delete(_temp); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }
}
