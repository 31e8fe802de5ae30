using System.Globalization;
using Snorkeler.Data;
using System.Text;

namespace Snorkeler.IO;

/// <summary>
/// NumPy <c>.npy</c> (format version 1.0): a C-ordered int8 array of shape (n, m), int16 when the task
/// has more than 127 classes; read block by block, so its size is not limited by memory or 2 GB. Class and LF names travel in the <c>.schema.json</c> sidecar; without it,
/// LFs are named <c>lf_0</c>, ... and classes numbered up to the largest vote.
/// Load it in Python with <c>numpy.load(path)</c>.
/// </summary>
internal static class NpyMatrix
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Header bytes (magic, version, length, dict), padded so the data starts 64-byte aligned and n can be patched in place.</summary>
    internal const int HeaderBytes = 128;

    /// <summary>The header of a (rows, columns) array, or of a (rows,) vector when <paramref name="columns"/> is null.</summary>
    internal static byte[] Header(bool wide, long rows, int? columns)
    {
        var shape = columns is { } m ? $"{rows.ToString(CultureInfo.InvariantCulture)}, {m.ToString(CultureInfo.InvariantCulture)}" : $"{rows.ToString(CultureInfo.InvariantCulture)},";
        var dict = $"{{'descr': '{(wide ? "<i2" : "|i1")}', 'fortran_order': False, 'shape': ({shape}), }}";
        var total = HeaderBytes;
        var dictLength = total - Magic.Length - 2 - 2;
        var padded = dict.PadRight(dictLength - 1) + "\n";
        var header = new byte[total];
        Magic.CopyTo(header, 0);
        header[6] = 1;
        header[7] = 0;
        header[8] = (byte)(dictLength & 0xFF);
        header[9] = (byte)(dictLength >> 8);
        Encoding.ASCII.GetBytes(padded, 0, padded.Length, header, 10);
        return header;
    }

    /// <summary>
    /// Opens a <c>.npy</c> matrix for block-by-block reading: only the header is read here, so files larger
    /// than 2 GB (or than memory) are fine. Without a sidecar naming the classes, one pass finds the largest vote.
    /// </summary>
    public static IMatrixSource Read(string path) => new NpyMatrixSource(path);


    internal sealed class NpyMatrixSource : IMatrixSource
    {
        private readonly string _path;
        private readonly long _dataStart;
        private readonly int _width;
        private readonly long _rows;
        private readonly int[]? _gold;

        public NpyMatrixSource(string path, LabelSchema? reference = null)
        {
            _path = path;
            using var stream = Open();
            var header = NpyHeader.Read(path, stream, dimensions: 2);
            (_dataStart, _width, _rows) = (header.DataStart, header.Width, header.Shape[0]);
            var columns = checked((int)header.Shape[1]);
            var (schema, names, goldFile) = MatrixFile.ReadSidecar(path);
            names ??= Enumerable.Range(0, columns).Select(j => $"lf_{j}").ToArray();
            if (names.Length != columns) throw SnorkelerException.InFile(MatrixFile.SchemaSidecar(path), $"names {names.Length} LFs but the array has {columns} columns");
            LfNames = names;
            var goldMax = -1;
            string? goldPath = null;
            if (goldFile is not null)
            {
                // beside the matrix as the user named it, so that errors name it the same way (Combine, not Join: a
                // sidecar may name the file by its full path)
                goldPath = MatrixFile.GoldBeside(path, goldFile);
                if (!File.Exists(goldPath)) throw SnorkelerException.InFile(MatrixFile.SchemaSidecar(path), $"names gold-label file '{goldFile}' but there is no such file beside the matrix");
                var (goldRows, _, labels, max) = ReadArray(goldPath, twoDimensional: false);
                // either file may be the damaged one, so the error names both
                if (goldRows != _rows) throw SnorkelerException.InFile(goldPath, $"holds {goldRows:N0} gold labels but the matrix {path} has {_rows:N0} rows");
                _gold = labels;
                goldMax = max;
            }
            Schema = schema ?? MatrixFile.InferSchema(Math.Max(goldMax, MaxVote(columns)), reference);
            if (goldMax >= Schema.Cardinality)
                throw SnorkelerException.InFile(goldPath!, $"row {Array.IndexOf(_gold!, goldMax) + 1}: gold label {goldMax} is out of range for classes {Schema.Listed}");
        }

        public LabelSchema Schema { get; }

        public IReadOnlyList<string> LfNames { get; }

        public long? RowCount => _rows;

        public bool HasGold => _gold is not null;

        public IEnumerable<LabelMatrix> ReadBlocks(int rowsPerBlock = IMatrixSource.DefaultBlockRows)
            => ReadGuard.Each(_path, ReadBlocksCore(rowsPerBlock));

        private IEnumerable<LabelMatrix> ReadBlocksCore(int rowsPerBlock)
        {
            Guard.Positive(rowsPerBlock);
            var m = LfNames.Count;
            var k = Schema.Cardinality;
            var blockRows = (int)Math.Max(1, Math.Min(rowsPerBlock, Array.MaxLength / Math.Max(1L, (long)m * Math.Max(_width, 4))));
            using var stream = Open();
            stream.Position = _dataStart;
            var bytes = new byte[(long)blockRows * m * _width];
            for (long first = 0; first < _rows || (first == 0 && _rows == 0); first += blockRows)
            {
                var rows = (int)Math.Min(blockRows, _rows - first);
                if (_width == 1 && k <= LabelMatrix.MaxNarrowCardinality && rows > 0)
                {
                    // int8 cells are the narrow matrix's own layout: one read into the block, one vectorised range check.
                    // (An array the block's consumer may hand back for the next block: see BatchArrays.)
                    var votes = BatchArrays.Rent<sbyte>(rows * m);
                    var cells = votes.AsSpan(0, rows * m);
                    stream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(cells));
                    var bad = cells.IndexOfAnyExceptInRange((sbyte)-1, (sbyte)(k - 1));
                    if (bad >= 0)
                        throw SnorkelerException.InFile(_path, $"{Cell(first * m + bad, m)}: vote {votes[bad]} is neither -1 nor a class of {Schema}");
                    yield return LabelMatrix.FromPooledNarrow(Schema, LfNames, votes, rows, _gold?.AsSpan((int)first, rows).ToArray(), first);
                    continue;
                }
                var builder = new LabelMatrixBuilder(Schema, LfNames, Math.Max(1, rows));
                if (rows > 0) stream.ReadExactly(bytes, 0, rows * m * _width);
                for (var i = 0; i < rows; i++)
                {
                    var row = builder.AddRow();
                    for (var j = 0; j < m; j++)
                    {
                        var v = Vote(bytes, i * m + j);
                        if (v < -1 || v >= k)
                            throw SnorkelerException.InFile(_path, $"{Cell((first + i) * m + j, m)}: vote {v} is neither -1 nor a class of {Schema}");
                        if (v >= 0) builder.Set(row, j, (int)v);
                    }
                    if (_gold is not null) builder.SetGold(row, _gold[first + i]);
                }
                yield return builder.Build(first);
                if (_rows == 0) yield break;
            }
        }

        private long Vote(byte[] bytes, int cell) => _width switch
        {
            1 => (sbyte)bytes[cell],
            2 => BitConverter.ToInt16(bytes, cell * 2),
            4 => BitConverter.ToInt32(bytes, cell * 4),
            _ => BitConverter.ToInt64(bytes, cell * 8),
        };

        private int MaxVote(int columns)
        {
            using var stream = Open();
            stream.Position = _dataStart;
            var buffer = new byte[Math.Max(_width, (1 << 20) / _width * _width)];
            long cells = _rows * columns, seen = 0;
            long max = -1;
            while (seen < cells)
            {
                var count = (int)Math.Min(buffer.Length / _width, cells - seen);
                stream.ReadExactly(buffer, 0, count * _width);
                if (_width == 1)
                {
                    var chunk = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(buffer.AsSpan(0, count));
                    var below = chunk.IndexOfAnyExceptInRange((sbyte)-1, sbyte.MaxValue);
                    if (below >= 0)
                        throw SnorkelerException.InFile(_path, $"{Cell(seen + below, columns)}: vote {chunk[below]} is neither -1 nor a class number");
                    max = Math.Max(max, Max(chunk));
                    seen += count;
                    continue;
                }
                for (var c = 0; c < count; c++)
                {
                    var v = Vote(buffer, c);
                    if (v < -1)
                        throw SnorkelerException.InFile(_path, $"{Cell(seen + c, columns)}: vote {v} is neither -1 nor a class number");
                    if (v > MatrixFile.MaxClassNumber)
                        throw SnorkelerException.InFile(_path, $"{Cell(seen + c, columns)}: {MatrixFile.PastLargestClass("vote", v)}");
                    if (v > max) max = v;
                }
                seen += count;
            }
            return (int)max;
        }

        private static int Max(ReadOnlySpan<sbyte> cells)
        {
            var wide = new System.Numerics.Vector<sbyte>(sbyte.MinValue);
            var i = 0;
            for (; i + System.Numerics.Vector<sbyte>.Count <= cells.Length; i += System.Numerics.Vector<sbyte>.Count)
                wide = System.Numerics.Vector.Max(wide, new System.Numerics.Vector<sbyte>(cells[i..]));
            int max = sbyte.MinValue;
            for (var j = 0; j < System.Numerics.Vector<sbyte>.Count; j++) max = Math.Max(max, wide[j]);
            for (; i < cells.Length; i++) max = Math.Max(max, cells[i]);
            return max;
        }

        private FileStream Open()
        {
            return InputFile.OpenRead(_path);
        }
    }

    /// <summary>An integer array of shape (n, m), or (n,) when <paramref name="twoDimensional"/> is false (m is then 1).</summary>
    private static (int Rows, int Columns, int[] Values, int Max) ReadArray(string path, bool twoDimensional)
    {
        byte[] bytes;
        try { bytes = InputFile.ReadAllBytes(path, Array.MaxLength, "a .npy matrix"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw SnorkelerException.InFile(path, e.Message); }
        using var stream = new MemoryStream(bytes, writable: false);
        var header = NpyHeader.Read(path, stream, twoDimensional ? 2 : 1);
        var (dataStart, width) = ((int)header.DataStart, header.Width);
        var rows = checked((int)header.Shape[0]);
        var columns = twoDimensional ? checked((int)header.Shape[1]) : 1;
        var values = new int[(long)rows * columns];
        var data = bytes.AsSpan(dataStart);
        var max = -1;
        for (long i = 0; i < values.LongLength; i++)
        {
            long v = width switch
            {
                1 => (sbyte)data[(int)i],
                2 => BitConverter.ToInt16(data.Slice((int)(i * 2), 2)),
                4 => BitConverter.ToInt32(data.Slice((int)(i * 4), 4)),
                _ => BitConverter.ToInt64(data.Slice((int)(i * 8), 8)),
            };
            if (v < -1)
                throw SnorkelerException.InFile(path, twoDimensional ? $"{Cell(i, columns)}: vote {v} is neither -1 nor a class number" : $"row {i + 1}: gold label {v} is neither -1 nor a class number");
            if (v > MatrixFile.MaxClassNumber)
                throw SnorkelerException.InFile(path, twoDimensional ? $"{Cell(i, columns)}: {MatrixFile.PastLargestClass("vote", v)}" : $"row {i + 1}: {MatrixFile.PastLargestClass("gold label", v)}");
            values[i] = (int)v;
            if (v > max) max = (int)v;
        }
        return (rows, columns, values, max);
    }

    /// <summary>Where the cell at row-major <paramref name="index"/> is, 1-based as errors number rows and LFs: <c>row 3, LF 2</c>.</summary>
    private static string Cell(long index, int columns) => $"row {index / columns + 1}, LF {index % columns + 1}";
}

internal sealed class NpyMatrixWriter : MatrixWriter
{
    private readonly bool _wide;
    private readonly PendingFile? _gold;

    public NpyMatrixWriter(string path, LabelSchema schema, IReadOnlyList<string> lfNames, string? goldColumn) : base(path, schema, lfNames, goldColumn)
    {
        _wide = schema.Cardinality > LabelMatrix.MaxNarrowCardinality;
        Stream.Write(NpyMatrix.Header(_wide, 0, lfNames.Count));
        if (goldColumn is null) return;
        _gold = AtomicFile.Begin(MatrixFile.NpyGoldFile(path));
        _gold.Stream.Write(NpyMatrix.Header(_wide, 0, null));
    }

    private protected override void WriteBlock(LabelMatrix block)
    {
        if (_gold is not null)
        {
            var labels = new byte[block.RowCount * (_wide ? 2 : 1)];
            for (var i = 0; i < block.RowCount; i++)
            {
                if (_wide) BitConverter.TryWriteBytes(labels.AsSpan(i * 2, 2), (short)block.Gold(i));
                else labels[i] = (byte)(sbyte)block.Gold(i);
            }
            _gold.Stream.Write(labels);
        }
        if (block.IsNarrow && !_wide)
        {
            Stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(block.NarrowVotes));
            return;
        }
        var buffer = new byte[block.LfCount * (_wide ? 2 : 1)];
        var row = new int[block.LfCount];
        for (var i = 0; i < block.RowCount; i++)
        {
            block.CopyRow(i, row);
            for (var j = 0; j < block.LfCount; j++)
            {
                var v = row[j];
                if (_wide) BitConverter.TryWriteBytes(buffer.AsSpan(j * 2, 2), (short)v);
                else buffer[j] = (byte)(sbyte)v;
            }
            Stream.Write(buffer);
        }
    }

    private protected override void Finish()
    {
        Stream.Position = 0;
        Stream.Write(NpyMatrix.Header(_wide, RowCount, LfNames.Count));
        Stream.Seek(0, SeekOrigin.End);
        if (_gold is null) return;
        _gold.Stream.Position = 0;
        _gold.Stream.Write(NpyMatrix.Header(_wide, RowCount, null));
        _gold.Stream.Seek(0, SeekOrigin.End);
    }

    private protected override IEnumerable<PendingFile> Companions()
    {
        // One unit: the votes, the gold labels, and the sidecar that names them.
        if (_gold is not null)
        {
            _gold.Complete();
            yield return _gold;
        }
        yield return MatrixFile.BeginSidecar(Path, Schema, LfNames, _gold is null ? null : System.IO.Path.GetFileName(MatrixFile.NpyGoldFile(Path)), Kinds);
    }

    private protected override void Discard() => _gold?.Dispose();
}
