namespace Snorkeler.IO;

/// <summary>
/// Snorkeler's binary matrix format (<c>.snkm</c>), little-endian:
/// <code>
/// "SNKM" u16 version=1 u16 vote-bytes(1|2) u8 has-gold
/// i32 k, k × (i32 length, UTF-8 class name)
/// i32 m, m × (i32 length, UTF-8 LF name)
/// i64 n (total rows)
/// blocks: i32 rows, rows × m votes (row-major), [rows × i16 gold when has-gold]
/// i32 0 (end marker)
/// </code>
/// Blocks let it be written while rows stream in and read back in constant memory.
/// </summary>
internal sealed class BinaryMatrixWriter : MatrixWriter
{
    private readonly BinaryWriter _w;
    private readonly bool _wide;
    private long _rowCountPosition;
    private bool? _hasGold;
    private long _goldFlagPosition;

    public BinaryMatrixWriter(string path, LabelSchema schema, IReadOnlyList<string> lfNames) : base(path, schema, lfNames)
    {
        _wide = schema.Cardinality > LabelMatrix.MaxNarrowCardinality;
        _w = new BinaryWriter(Stream, System.Text.Encoding.UTF8, leaveOpen: true);
        _w.Write(MatrixFile.Magic);
        _w.Write(MatrixFile.BinaryVersion);
        _w.Write((ushort)(_wide ? 2 : 1));
        _goldFlagPosition = Stream.Position;
        _w.Write((byte)0);
        _w.Write(schema.Cardinality);
        foreach (var c in schema.ClassNames) MatrixFile.WriteUtf8(_w, c);
        _w.Write(lfNames.Count);
        foreach (var n in lfNames) MatrixFile.WriteUtf8(_w, n);
        _rowCountPosition = Stream.Position;
        _w.Write(0L);
    }

    private protected override void WriteBlock(LabelMatrix block)
    {
        if (block.RowCount == 0) return;
        _hasGold ??= block.HasGold;
        if (_hasGold != block.HasGold) throw new ArgumentException("blocks must all have gold labels or none", nameof(block));
        _w.Write(block.RowCount);
        if (block.IsNarrow && !_wide) _w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(block.NarrowVotes));
        else
            for (var i = 0; i < block.RowCount; i++)
            for (var j = 0; j < block.LfCount; j++)
            {
                if (_wide) _w.Write((short)block[i, j]);
                else _w.Write((sbyte)block[i, j]);
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

    public BinaryMatrixSource(string path)
    {
        _path = path;
        using var stream = Open();
        using var r = new BinaryReader(stream);
        try
        {
            if (!r.ReadBytes(4).AsSpan().SequenceEqual(MatrixFile.Magic)) throw Bad("not a Snorkeler matrix file (.snkm)");
            var version = r.ReadUInt16();
            if (version > MatrixFile.BinaryVersion) throw Bad($"matrix file version {version} is newer than this Snorkeler reads ({MatrixFile.BinaryVersion})");
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

    public IEnumerable<LabelMatrix> ReadBlocks(int rowsPerBlock = IMatrixSource.DefaultBlockRows)
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
            if (rows == 0) break;
            if (rows < 0 || (long)rows * m > Array.MaxLength) throw Bad($"damaged block at row {first}");
            var voteBytes = rows * m * (_wide ? 2 : 1);
            var bytes = r.ReadBytes(voteBytes);
            var goldBytes = HasGold ? r.ReadBytes(rows * 2) : null;
            if (bytes.Length < voteBytes || (goldBytes is not null && goldBytes.Length < rows * 2))
                throw Bad($"truncated in the block starting at row {first}");
            int[]? gold = null;
            if (goldBytes is not null)
            {
                gold = new int[rows];
                for (var i = 0; i < rows; i++)
                {
                    gold[i] = BitConverter.ToInt16(goldBytes, i * 2);
                    if (!Schema.IsValidVote(gold[i])) throw Bad($"row {first + i}: gold label {gold[i]} is out of range");
                }
            }
            LabelMatrix block;
            try
            {
                if (!_wide) block = LabelMatrix.FromNarrow(Schema, LfNames, (sbyte[])(Array)bytes, rows, gold, first);
                else
                {
                    var votes = new int[rows * m];
                    for (var i = 0; i < votes.Length; i++) votes[i] = BitConverter.ToInt16(bytes, i * 2);
                    block = LabelMatrix.Create(Schema, LfNames, votes, gold);
                    block = block.Slice(0, rows).Rebase(first);
                }
            }
            catch (ArgumentException e) { throw Bad(e.Message); }
            first += rows;
            any = true;
            // Re-chunk to the caller's block size.
            for (var start = 0; start < block.RowCount; start += rowsPerBlock)
                yield return block.Slice(start, Math.Min(rowsPerBlock, block.RowCount - start));
        }
        if (first != RowCount) throw Bad($"the header says {RowCount} rows but the file holds {first}");
        if (!any) yield return new LabelMatrixBuilder(Schema, LfNames, 1).Build();
    }

    private FileStream Open() => InputFile.OpenRead(_path);

    private SnorkelerException Bad(string message) => SnorkelerException.InFile(_path, message);
}
