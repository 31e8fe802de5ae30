using Snorkeler.Data;

namespace Snorkeler.IO;

/// <summary>
/// Snorkeler's binary matrix format (<c>.snkm</c>), little-endian:
/// <code>
/// "SNKM" u16 version(1|2) u16 vote-bytes(1|2) u8 has-gold
/// i32 k, k × (i32 length, UTF-8 class name)
/// i32 m, m × (i32 length, UTF-8 LF name)
/// version 2 only: m × u8 source kind (0 LF, 1 annotator)
/// i64 n (total rows)
/// blocks: i32 rows, rows × m votes (row-major), [rows × i16 gold when has-gold]
///   or, version 2 only, a sparse block: i32 −rows, i32 votes, rows × i32 votes per row,
///   votes × i32 source index (increasing within a row), votes × vote, [rows × i16 gold when has-gold]
/// i32 0 (end marker)
/// </code>
/// Blocks let it be written while rows stream in and read back in constant memory. Version 1 is written
/// unless a matrix has annotators or sparse blocks, so files of LF matrices stay readable by older builds.
/// </summary>
internal sealed class BinaryMatrixWriter : MatrixWriter
{
    private readonly BinaryWriter _w;
    private readonly bool _wide;
    private long _rowCountPosition;
    private bool? _hasGold;
    private long _goldFlagPosition;
    private readonly bool _version2;

    public BinaryMatrixWriter(string path, LabelSchema schema, IReadOnlyList<string> lfNames, string? goldColumn, IReadOnlyList<SourceKind>? kinds = null, bool sparse = false)
        : base(path, schema, lfNames, goldColumn)
    {
        _version2 = sparse || (kinds is not null && kinds.Contains(SourceKind.Annotator));
        _wide = schema.Cardinality > LabelMatrix.MaxNarrowCardinality;
        _w = new BinaryWriter(Stream, System.Text.Encoding.UTF8, leaveOpen: true);
        _w.Write(MatrixFile.Magic);
        _w.Write(_version2 ? MatrixFile.BinaryVersion : (ushort)1);
        _w.Write((ushort)(_wide ? 2 : 1));
        _goldFlagPosition = Stream.Position;
        _w.Write((byte)0);
        _w.Write(schema.Cardinality);
        foreach (var c in schema.ClassNames) MatrixFile.WriteUtf8(_w, c);
        _w.Write(lfNames.Count);
        foreach (var n in lfNames) MatrixFile.WriteUtf8(_w, n);
        if (_version2)
            for (var j = 0; j < lfNames.Count; j++) _w.Write((byte)(kinds is not null && kinds[j] == SourceKind.Annotator ? 1 : 0));
        _rowCountPosition = Stream.Position;
        _w.Write(0L);
    }

    private protected override void WriteBlock(LabelMatrix block)
    {
        if (block.RowCount == 0) return;
        _hasGold ??= block.HasGold;
        if (_hasGold != block.HasGold) throw new ArgumentException("blocks must all have gold labels or none", nameof(block));
        if (block.IsSparse && _version2)
        {
            WriteSparse(block);
            return;
        }
        _w.Write(block.RowCount);
        if (block.IsNarrow && !_wide) _w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(block.NarrowVotes));
        else
        {
            var row = new int[block.LfCount];
            for (var i = 0; i < block.RowCount; i++)
            {
                block.CopyRow(i, row);
                foreach (var v in row)
                {
                    if (_wide) _w.Write((short)v);
                    else _w.Write((sbyte)v);
                }
            }
        }
        if (block.HasGold)
            foreach (var g in block.GoldLabels) _w.Write((short)g);
    }

    private void WriteSparse(LabelMatrix block)
    {
        var votes = block.VoteCount();
        if (votes > int.MaxValue) throw new InvalidOperationException("a sparse block holds at most 2^31 votes");
        _w.Write(-block.RowCount);
        _w.Write((int)votes);
        for (var i = 0; i < block.RowCount; i++) _w.Write(block.VoteCount(i));
        var lfs = new int[block.MaxVotesPerRow];
        var labels = new int[lfs.Length];
        for (var i = 0; i < block.RowCount; i++)
        {
            var n = block.CopyVotes(i, lfs, labels);
            for (var v = 0; v < n; v++) _w.Write(lfs[v]);
        }
        for (var i = 0; i < block.RowCount; i++)
        {
            var n = block.CopyVotes(i, lfs, labels);
            for (var v = 0; v < n; v++)
            {
                if (_wide) _w.Write((short)labels[v]);
                else _w.Write((sbyte)labels[v]);
            }
        }
        if (block.HasGold)
            foreach (var g in block.GoldLabels) _w.Write((short)g);
    }

    private protected override void Finish()
    {
        _w.Write(0);
        _w.Flush();
        Stream.Position = _rowCountPosition;
        _w.Write(RowCount);
        Stream.Position = _goldFlagPosition;
        _w.Write((byte)(_hasGold == true ? 1 : 0));
        _w.Flush();
        Stream.Seek(0, SeekOrigin.End);
    }
}

/// <summary>Reads a <c>.snkm</c> file block by block (see <see cref="BinaryMatrixWriter"/>).</summary>
internal sealed class BinaryMatrixSource : IMatrixSource
{
    private readonly string _path;
    private readonly long _dataStart;
    private readonly bool _wide;
    private readonly ushort _version;
    private readonly SourceKind[] _kinds = [];

    public BinaryMatrixSource(string path)
    {
        _path = path;
        using var stream = Open();
        using var r = new BinaryReader(stream);
        try
        {
            if (!r.ReadBytes(4).AsSpan().SequenceEqual(MatrixFile.Magic)) throw Bad("not a Snorkeler matrix file (.snkm)");
            var version = r.ReadUInt16();
            if (version == 0) throw Bad("damaged header (version 0)");
            if (version > MatrixFile.BinaryVersion) throw Bad($"matrix file version {version} is newer than this Snorkeler reads ({MatrixFile.BinaryVersion})");
            _version = version;
            var width = r.ReadUInt16();
            if (width is not (1 or 2)) throw Bad("damaged header (vote width)");
            _wide = width == 2;
            HasGold = r.ReadByte() == 1;
            var k = r.ReadInt32();
            if (k is < 2 or > short.MaxValue) throw Bad("damaged header (class count)");
            Schema = new LabelSchema(Enumerable.Range(0, k).Select(_ => MatrixFile.ReadUtf8(r, path)).ToArray());
            var m = r.ReadInt32();
            if (m is < 0 or > 1_000_000) throw Bad("damaged header (LF count)");
            LfNames = Enumerable.Range(0, m).Select(_ => MatrixFile.ReadUtf8(r, path)).ToArray();
            if (MatrixFile.LfNamesProblem(LfNames) is { } problem) throw SnorkelerException.InFile(path, problem);
            _kinds = new SourceKind[m];
            if (version >= 2)
                for (var j = 0; j < m; j++)
                    _kinds[j] = r.ReadByte() switch
                    {
                        0 => SourceKind.LabelingFunction,
                        1 => SourceKind.Annotator,
                        _ => throw Bad("damaged header (source kind)"),
                    };
            RowCount = r.ReadInt64();
            _dataStart = stream.Position;
        }
        catch (EndOfStreamException) { throw Bad("truncated header"); }
        catch (ArgumentException e) { throw Bad(e.Message); }
    }

    public LabelSchema Schema { get; }

    public IReadOnlyList<string> LfNames { get; }

    public long? RowCount { get; }

    public bool HasGold { get; }

    public IReadOnlyList<SourceKind> SourceKinds => _kinds;

    public IEnumerable<LabelMatrix> ReadBlocks(int rowsPerBlock = IMatrixSource.DefaultBlockRows)
        => ReadGuard.Each(_path, ReadBlocksCore(rowsPerBlock));

    private IEnumerable<LabelMatrix> ReadBlocksCore(int rowsPerBlock)
    {
        using var stream = Open();
        stream.Position = _dataStart;
        using var r = new BinaryReader(stream);
        var m = LfNames.Count;
        long first = 0;
        var any = false;
        while (true)
        {
            int rows;
            try { rows = r.ReadInt32(); }
            catch (EndOfStreamException) { throw Bad($"truncated after row {first} (no end marker)"); }
            if (rows == 0)
            {
                // Bytes after the end marker are damage (a file appended to, or two written into one), not rows to drop silently.
                if (stream.Length > stream.Position) throw Bad($"{stream.Length - stream.Position:N0} bytes after the end marker (a damaged or concatenated file?)");
                break;
            }
            LabelMatrix block;
            if (rows < 0)
            {
                // Sparse blocks came with version 2; a version 1 file holding one was not written by Snorkeler (or its header is damaged).
                if (_version < 2) throw Bad($"the block at row {first + 1} is sparse, which only version 2 files hold, but the header says version {_version}");
                block = ReadSparse(r, -rows, first);
                first += block.RowCount;
                any = true;
                for (var start = 0; start < block.RowCount; start += rowsPerBlock)
                    yield return block.Slice(start, Math.Min(rowsPerBlock, block.RowCount - start));
                continue;
            }
            if ((long)rows * m > Array.MaxLength) throw Bad($"damaged block at row {first + 1}");
            var voteBytes = rows * m * (_wide ? 2 : 1);
            // Narrow votes go into an array the block's consumer may hand back for the next block (BatchArrays).
            var narrow = _wide ? null : BatchArrays.Rent<sbyte>(voteBytes);
            var bytes = _wide ? r.ReadBytes(voteBytes) : null;
            var read = narrow is null ? bytes!.Length : stream.ReadAtLeast(System.Runtime.InteropServices.MemoryMarshal.AsBytes(narrow.AsSpan(0, voteBytes)), voteBytes, throwOnEndOfStream: false);
            var goldBytes = HasGold ? r.ReadBytes(rows * 2) : null;
            if (read < voteBytes || (goldBytes is not null && goldBytes.Length < rows * 2))
                throw Bad($"truncated in the block starting at row {first + 1}");
            int[]? gold = null;
            if (goldBytes is not null)
            {
                gold = new int[rows];
                for (var i = 0; i < rows; i++)
                {
                    gold[i] = BitConverter.ToInt16(goldBytes, i * 2);
                    if (!Schema.IsValidVote(gold[i])) throw Bad($"row {first + i + 1}: gold label {gold[i]} is out of range");
                }
            }
            try
            {
                if (narrow is not null) block = LabelMatrix.FromPooledNarrow(Schema, LfNames, narrow, rows, gold, first);
                else
                {
                    var votes = new int[rows * m];
                    for (var i = 0; i < votes.Length; i++)
                    {
                        votes[i] = BitConverter.ToInt16(bytes!, i * 2);
                        if (!Schema.IsValidVote(votes[i])) throw Bad(LabelMatrix.NotAClass(Schema, first + i / m, LfNames[i % m], votes[i]));
                    }
                    block = LabelMatrix.Create(Schema, LfNames, votes, gold);
                    block = block.Slice(0, rows).Rebase(first);
                }
            }
            catch (ArgumentException e) { throw Bad(e.Message); }
            if (_kinds.Contains(SourceKind.Annotator)) block = block.WithSourceKinds(_kinds);
            first += rows;
            any = true;
            // Re-chunk to the caller's block size (a block that fits is handed over whole, so its votes can be handed back).
            if (block.RowCount <= rowsPerBlock)
            {
                yield return block;
                continue;
            }
            for (var start = 0; start < block.RowCount; start += rowsPerBlock)
                yield return block.Slice(start, Math.Min(rowsPerBlock, block.RowCount - start));
        }
        if (first != RowCount) throw Bad($"the header says {RowCount} rows but the file holds {first}");
        if (!any) yield return new LabelMatrixBuilder(Schema, LfNames, 1).Build();
    }

    private LabelMatrix ReadSparse(BinaryReader r, int rows, long first)
    {
        try
        {
            var votes = r.ReadInt32();
            if (votes < 0 || rows == int.MinValue) throw Bad($"damaged sparse block at row {first + 1}");
            var starts = new int[rows + 1];
            for (var i = 0; i < rows; i++)
            {
                var count = r.ReadInt32();
                if (count < 0 || count > LfNames.Count || starts[i] + (long)count > votes) throw Bad($"damaged sparse block at row {first + i + 1}");
                starts[i + 1] = starts[i] + count;
            }
            if (starts[rows] != votes) throw Bad($"damaged sparse block at row {first + 1}: the row counts do not add up to its votes");
            var lfs = new int[votes];
            for (var v = 0; v < votes; v++) lfs[v] = r.ReadInt32();
            var labels = new short[votes];
            for (var v = 0; v < votes; v++) labels[v] = _wide ? r.ReadInt16() : r.ReadSByte();
            int[]? gold = null;
            if (HasGold)
            {
                gold = new int[rows];
                for (var i = 0; i < rows; i++)
                {
                    gold[i] = r.ReadInt16();
                    if (!Schema.IsValidVote(gold[i])) throw Bad($"row {first + i + 1}: gold label {gold[i]} is out of range");
                }
            }
            return LabelMatrix.FromSparse(Schema, LfNames, starts, lfs, labels, gold, first, _kinds);
        }
        catch (EndOfStreamException) { throw Bad($"truncated in the sparse block starting at row {first + 1}"); }
        catch (ArgumentException e) { throw Bad(e.Message); }
    }

    private FileStream Open() => InputFile.OpenRead(_path);

    private SnorkelerException Bad(string message) => SnorkelerException.InFile(_path, message);
}
