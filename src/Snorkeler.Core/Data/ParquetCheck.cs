using System.Buffers.Binary;
using System.Text.Unicode;

namespace Snorkeler.Data;

/// <summary>
/// Checks a Parquet file's structure before Parquet.Net reads it. Parquet.Net trusts the file: its Thrift reader
/// loops for ever on a varint cut by the end of its buffer (a byte past the end reads as 0xFF, "more to follow"),
/// allocates lists of any count the file states, reads each known field as the type the format gives it whatever
/// type the file says, and reads a page's stated size from the stream until it has it. So the footer and every
/// page header are walked here first, against the format's own schema (parquet.thrift): every field of a known
/// id must have its declared type, every count, length and varint must fit in the bytes that remain, nesting is
/// capped, and the sizes Parquet.Net allocates from (rows, values, page and dictionary sizes) are bounded. A file
/// that passes is parsed by Parquet.Net exactly as it was walked here, inside the same bytes.
/// </summary>
internal static class ParquetCheck
{
    /// <summary>The most rows one row group may hold: a group is read into memory whole (pyarrow's own upper bound).</summary>
    public const long MaxRowsPerGroup = 64L * 1024 * 1024;

    /// <summary>The largest page (uncompressed) read: 256 MiB.</summary>
    public const int MaxPageSize = 256 * 1024 * 1024;

    /// <summary>The largest footer read: 64 MiB.</summary>
    public const int MaxFooterLength = 64 * 1024 * 1024;

    private const int MaxDepth = 32;
    private static readonly byte[] Magic = "PAR1"u8.ToArray();
    private static readonly byte[] EncryptedMagic = "PARE"u8.ToArray();

    /// <summary>Checks the magic numbers, the footer's length and the footer itself; throws naming <paramref name="path"/>.</summary>
    public static void Footer(string path, Stream stream)
    {
        var length = stream.Length;
        if (length < 12) throw Bad(path, $"not a Parquet file: it has {length} bytes, and a Parquet file has at least 12 (the magic 'PAR1' at both ends and a footer length)");
        var head = ReadAt(stream, 0, 4);
        var tail = ReadAt(stream, length - 8, 8);
        if (head.AsSpan().SequenceEqual(EncryptedMagic) || tail.AsSpan(4).SequenceEqual(EncryptedMagic))
            throw Bad(path, "the file is an encrypted Parquet file, which Snorkeler cannot read; decrypt it first");
        if (!head.AsSpan().SequenceEqual(Magic) || !tail.AsSpan(4).SequenceEqual(Magic))
            throw Bad(path, "not a Parquet file: it does not start and end with the magic 'PAR1' (truncated or damaged?)");
        var footerLength = BinaryPrimitives.ReadInt32LittleEndian(tail);
        if (footerLength <= 0 || footerLength > length - 12)
            throw Bad(path, $"the footer length {footerLength:N0} does not fit in the file's {length:N0} bytes (truncated or damaged?)");
        if (footerLength > MaxFooterLength)
            throw Bad(path, $"the footer is {footerLength:N0} bytes long, more than the {MaxFooterLength:N0} Snorkeler reads");
        var footer = ReadAt(stream, length - 8 - footerLength, footerLength);
        var walker = new Walker(footer, null);
        if (!walker.Struct(Thrift.FileMetaData, 0, out var why))
            throw Bad(path, $"damaged footer: {why}");
    }

    /// <summary>
    /// Checks what Parquet.Net read from a footer that passed <see cref="Footer"/>: the schema tree, the row counts,
    /// and each column chunk's pages (walked header by header inside the chunk's bytes).
    /// </summary>
    public static void Contents(string path, Stream stream, Parquet.Meta.FileMetaData meta)
    {
        Guard.NotNull(meta);
        var schema = meta.Schema ?? [];
        if (schema.Count == 0) throw Bad(path, "damaged footer: the schema is empty");
        var next = 0;
        CheckSchemaTree(path, schema, ref next, 0);
        if (next != schema.Count) throw Bad(path, $"damaged footer: the schema tree covers {next} of its {schema.Count} elements");
        var dataEnd = stream.Length - 8 - BinaryPrimitives.ReadInt32LittleEndian(ReadAt(stream, stream.Length - 8, 4));
        for (var g = 0; g < (meta.RowGroups?.Count ?? 0); g++)
        {
            var group = meta.RowGroups![g];
            if (group.NumRows < 0 || group.NumRows > MaxRowsPerGroup)
                throw Bad(path, $"row group {g} states {group.NumRows:N0} rows; at most {MaxRowsPerGroup:N0} are read per group (damaged, or write smaller row groups)");
            foreach (var chunk in group.Columns ?? [])
            {
                var column = chunk.MetaData ?? throw Bad(path, $"damaged footer: a column of row group {g} has no metadata");
                var name = string.Join('.', column.PathInSchema ?? []);
                if (chunk.FilePath is not null) throw Bad(path, $"column '{name}' keeps its data in another file ('{chunk.FilePath}'), which Snorkeler does not read");
                Pages(path, stream, g, name, column, group.NumRows, dataEnd);
            }
        }
    }

    private static void CheckSchemaTree(string path, List<Parquet.Meta.SchemaElement> schema, ref int next, int depth)
    {
        if (depth > MaxDepth) throw Bad(path, $"damaged footer: the schema nests deeper than {MaxDepth} levels");
        if (next >= schema.Count) throw Bad(path, "damaged footer: the schema's child counts run past its elements");
        var element = schema[next++];
        var children = element.NumChildren ?? 0;
        if (children < 0 || children > schema.Count - next)
            throw Bad(path, $"damaged footer: schema element '{element.Name}' states {children} children");
        for (var c = 0; c < children; c++) CheckSchemaTree(path, schema, ref next, depth + 1);
    }

    private static void Pages(string path, Stream stream, int group, string name, Parquet.Meta.ColumnMetaData column, long rows, long dataEnd)
    {
        var where = $"column '{name}' of row group {group}";
        // Parquet.Net starts at the smaller of the two offsets that are not 0
        var start = new[] { column.DictionaryPageOffset ?? 0, column.DataPageOffset }.Where(o => o != 0).DefaultIfEmpty(0).Min();
        var size = column.TotalCompressedSize;
        if (start < 4 || size <= 0 || start > dataEnd || size > dataEnd - start)
            throw Bad(path, $"{where}: its pages (at byte {start:N0}, {size:N0} bytes) lie outside the file's data (bytes 4 to {dataEnd:N0})");
        if (column.NumValues < 0 || column.NumValues > MaxRowsPerGroup)
            throw Bad(path, $"{where} states {column.NumValues:N0} values; at most {MaxRowsPerGroup:N0} are read per group");
        if (column.NumValues != rows)
            throw Bad(path, $"{where} has {column.NumValues:N0} values but the row group {rows:N0} rows (damaged, or a nested column)");
        var end = start + size;
        var at = start;
        long values = 0;
        var pages = 0;
        // Parquet.Net reads a first page header whatever the counts say, then pages until it has the column's values
        do
        {
            if (at >= end) throw Bad(path, $"{where}: its pages hold {values:N0} values but the footer states {column.NumValues:N0}");
            var header = new Dictionary<(Thrift.Shape, short), long>();
            var length = PageHeader(path, stream, at, end, where, header);
            long Get(Thrift.Shape s, short id) => header.TryGetValue((s, id), out var v) ? v : -1;
            var type = Get(Thrift.PageHeader, 1);
            var uncompressed = Get(Thrift.PageHeader, 2);
            var compressed = Get(Thrift.PageHeader, 3);
            at += length;
            if (compressed < 0 || compressed > end - at)
                throw Bad(path, $"{where}: the page at byte {at:N0} states {compressed:N0} bytes, more than remain in the column ({end - at:N0})");
            if (uncompressed < 0 || uncompressed > MaxPageSize)
                throw Bad(path, $"{where}: the page at byte {at:N0} states {uncompressed:N0} bytes uncompressed; at most {MaxPageSize:N0} are read");
            if (column.Codec == Parquet.Meta.CompressionCodec.UNCOMPRESSED && uncompressed != compressed)
                throw Bad(path, $"{where}: an uncompressed page states {uncompressed:N0} bytes and {compressed:N0} stored");
            switch (type)
            {
                case 0: // DATA_PAGE
                    var n = Get(Thrift.DataPageHeader, 1);
                    if (n < 0 || n > column.NumValues - values) throw Bad(path, $"{where}: a data page states {n:N0} values, more than the column has left ({column.NumValues - values:N0})");
                    values += n;
                    break;
                case 3: // DATA_PAGE_V2
                    var v2 = Get(Thrift.DataPageHeaderV2, 1);
                    var nulls = Get(Thrift.DataPageHeaderV2, 2);
                    var levels = Get(Thrift.DataPageHeaderV2, 5) + Get(Thrift.DataPageHeaderV2, 6);
                    if (v2 < 0 || v2 > column.NumValues - values) throw Bad(path, $"{where}: a data page states {v2:N0} values, more than the column has left ({column.NumValues - values:N0})");
                    if (nulls < 0 || nulls > v2) throw Bad(path, $"{where}: a data page states {nulls:N0} nulls among {v2:N0} values");
                    if (Get(Thrift.DataPageHeaderV2, 5) < 0 || Get(Thrift.DataPageHeaderV2, 6) < 0 || levels > compressed || levels > uncompressed)
                        throw Bad(path, $"{where}: a data page's level lengths do not fit in the page");
                    values += v2;
                    break;
                case 2: // DICTIONARY_PAGE
                    var entries = Get(Thrift.DictionaryPageHeader, 1);
                    if (pages > 0) throw Bad(path, $"{where}: a dictionary page after the first page");
                    if (entries < 0 || entries > column.NumValues || entries > uncompressed * 8L)
                        throw Bad(path, $"{where}: the dictionary states {entries:N0} entries in {uncompressed:N0} bytes for {column.NumValues:N0} values");
                    break;
                default:
                    throw Bad(path, $"{where}: a page of type {type} where data or dictionary pages belong");
            }
            at += compressed;
            pages++;
        }
        while (values < column.NumValues);
        if (values != column.NumValues)
            throw Bad(path, $"{where}: its pages hold {values:N0} values but the footer states {column.NumValues:N0}");
    }

    // Walks the page header at <at> (a window of 64 KiB, grown up to 16 MiB while the header may run past it); returns its length
    private static int PageHeader(string path, Stream stream, long at, long end, string where, Dictionary<(Thrift.Shape, short), long> header)
    {
        for (var window = 64 * 1024; ; window *= 4)
        {
            var available = (int)Math.Min(window, end - at);
            var bytes = ReadAt(stream, at, available);
            header.Clear();
            var walker = new Walker(bytes, header);
            if (walker.Struct(Thrift.PageHeader, 0, out var why)) return walker.Position;
            if (available == end - at || window >= 16 * 1024 * 1024)
                throw Bad(path, $"{where}: damaged page header at byte {at:N0}: {why}");
        }
    }

    private static byte[] ReadAt(Stream stream, long offset, int count)
    {
        var bytes = new byte[count];
        stream.Position = offset;
        stream.ReadExactly(bytes);
        return bytes;
    }

    private static SnorkelerException Bad(string path, string message) => SnorkelerException.InFile(path, message);

    /// <summary>A walk over Thrift compact-protocol bytes that never reads past its buffer and reads fields the way Parquet.Net does.</summary>
    private ref struct Walker(ReadOnlyMemory<byte> bytes, Dictionary<(Thrift.Shape, short), long>? record)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes.Span;

        public int Position { get; private set; }

        public bool Struct(Thrift.Shape shape, int depth, out string why)
        {
            why = "";
            if (depth > MaxDepth) return Fail(out why, $"structures nest deeper than {MaxDepth} levels");
            short last = 0;
            while (true)
            {
                if (!Byte(out var header, out why)) return false;
                if (header == 0) return true;
                var wire = (byte)(header & 0x0F);
                var delta = header >> 4;
                short id;
                if (delta == 0)
                {
                    if (!VarInt32(out var raw, out why)) return false;
                    id = (short)((int)(raw >> 1) ^ -(int)(raw & 1));
                }
                else id = (short)(last + delta);
                last = id;
                if (shape.Fields.TryGetValue(id, out var field))
                {
                    if (!Thrift.Matches(field.Wire, wire))
                        return Fail(out why, $"field {id} of {shape.Name} has wire type {wire}, expected {field.Wire} (at byte {Position - 1:N0})");
                    if (!Value(field, wire, shape, id, depth, out why)) return false;
                }
                else if (!Skip(wire, depth + 1, out why)) return false;
            }
        }

        private bool Value(Thrift.Field field, byte wire, Thrift.Shape owner, short id, int depth, out string why)
        {
            why = "";
            switch (field.Wire)
            {
                case Thrift.Bool:
                    record?.TryAdd((owner, id), wire == 1 ? 1 : 0);
                    return true;
                case Thrift.I16 or Thrift.I32:
                    if (!VarInt32(out var u, out why)) return false;
                    record?.TryAdd((owner, id), (int)(u >> 1) ^ -(int)(u & 1));
                    return true;
                case Thrift.List:
                    if (!ListHeader(out var count, out var element, out why)) return false;
                    if (element != field.Element && !(field.Element == Thrift.Bool && element == 2))
                        return Fail(out why, $"field {id} of {owner.Name} is a list of wire type {element}, expected {field.Element}");
                    var item = new Thrift.Field(field.Element, 0, field.Struct);
                    for (var i = 0; i < count; i++)
                        if (!Value(item, field.Element, owner, id, depth, out why)) return false;
                    return true;
                case Thrift.Struct:
                    return Struct(field.Struct!, depth + 1, out why);
                case Thrift.Binary when ReferenceEquals(owner, Thrift.SchemaElement) && id == 4:
                    // a column's name: Parquet.Net would put U+FFFD where its bytes are not UTF-8, and the column would
                    // be read under a name no one wrote; names are read strictly, as .snkm's are
                    if (!VarInt32(out var length, out why)) return false;
                    var start = Position;
                    if (length > int.MaxValue) return Fail(out why, $"a length of {length:N0} bytes");
                    if (!Bytes((int)length, out why)) return false;
                    return Utf8.IsValid(_bytes.Slice(start, (int)length)) || Fail(out why, $"a column name is not valid UTF-8 (at byte {start:N0})");
                default:
                    return Skip(field.Wire, depth + 1, out why);
            }
        }

        // Skips a value the way Parquet.Net skips a field it does not know (booleans in a list take no byte there).
        private bool Skip(byte wire, int depth, out string why)
        {
            why = "";
            if (depth > MaxDepth) return Fail(out why, $"structures nest deeper than {MaxDepth} levels");
            switch (wire)
            {
                case 1 or 2: return true;
                case 3: return Bytes(1, out why);
                case 4 or 5: return VarInt32(out _, out why);
                case 6: return VarInt64(out why);
                case 7: return Bytes(8, out why);
                case 8:
                    if (!VarInt32(out var length, out why)) return false;
                    return length > int.MaxValue ? Fail(out why, $"a length of {length:N0} bytes") : Bytes((int)length, out why);
                case 9:
                    if (!ListHeader(out var count, out var element, out why)) return false;
                    for (var i = 0; i < count; i++)
                        if (!Skip(element, depth + 1, out why)) return false;
                    return true;
                case 12: return Struct(Thrift.Unknown, depth, out why);
                default: return Fail(out why, $"wire type {wire} at byte {Position - 1:N0} (sets, maps and unknown types do not occur in Parquet metadata)");
            }
        }

        private bool ListHeader(out int count, out byte element, out string why)
        {
            count = 0;
            element = 0;
            if (!Byte(out var header, out why)) return false;
            element = (byte)(header & 0x0F);
            count = header >> 4;
            if (count == 15)
            {
                if (!VarInt32(out var size, out why)) return false;
                // every element takes at least one byte, so a count beyond the bytes left is forged (and would make
                // Parquet.Net allocate it, or loop over booleans it skips without reading)
                if (size > (uint)(_bytes.Length - Position)) return Fail(out why, $"a list of {size:N0} elements where {_bytes.Length - Position:N0} bytes remain");
                count = (int)size;
            }
            if (element is 0 or > 12) return Fail(out why, $"a list of wire type {element}");
            return true;
        }

        private bool Byte(out byte value, out string why)
        {
            value = 0;
            if (Position >= _bytes.Length) return Fail(out why, "it ends in the middle of a structure (truncated?)");
            value = _bytes[Position++];
            why = "";
            return true;
        }

        private bool Bytes(int count, out string why)
        {
            if (count < 0 || count > _bytes.Length - Position) return Fail(out why, $"a value of {count:N0} bytes where {_bytes.Length - Position:N0} remain (truncated?)");
            Position += count;
            why = "";
            return true;
        }

        // Decoded as Parquet.Net does (a uint shifted 7 bits a byte), at most 5 bytes
        private bool VarInt32(out uint value, out string why)
        {
            value = 0;
            for (var shift = 0; shift < 35; shift += 7)
            {
                if (!Byte(out var b, out why)) return false;
                value |= (uint)(b & 0x7F) << shift;
                if ((b & 0x80) == 0) return true;
            }
            return Fail(out why, $"a 32-bit varint longer than 5 bytes at byte {Position:N0}");
        }

        private bool VarInt64(out string why)
        {
            for (var i = 0; i < 10; i++)
            {
                if (!Byte(out var b, out why)) return false;
                if ((b & 0x80) == 0) return true;
            }
            return Fail(out why, $"a 64-bit varint longer than 10 bytes at byte {Position:N0}");
        }

        private static bool Fail(out string why, string reason)
        {
            why = reason;
            return false;
        }
    }

    /// <summary>The parts of parquet.thrift (format 2.12) that Parquet.Net reads: each struct's field ids and their types.</summary>
    private static class Thrift
    {
        public const byte Bool = 1, Byte = 3, I16 = 4, I32 = 5, I64 = 6, Double = 7, Binary = 8, List = 9, Struct = 12;

        public sealed record Field(byte Wire, byte Element = 0, Shape? Struct = null);

        public sealed class Shape(string name, params (short Id, Field Field)[] fields)
        {
            public string Name { get; } = name;

            public Dictionary<short, Field> Fields { get; } = fields.ToDictionary(f => f.Id, f => f.Field);
        }

        public static bool Matches(byte expected, byte wire) => expected == Bool ? wire is 1 or 2 : wire == expected;

        private static Field F(byte wire) => new(wire);

        private static Field S(Shape shape) => new(Struct, 0, shape);

        private static Field L(byte element) => new(List, element);

        private static Field L(Shape shape) => new(List, Struct, shape);

        private static Field[] Same(int count, Field field) => Enumerable.Repeat(field, count).ToArray();

        private static (short, Field)[] Numbered(params Field[] fields) => fields.Select((f, i) => ((short)(i + 1), f)).ToArray();

        public static readonly Shape Unknown = new("a structure");
        private static readonly Shape Empty = new("an empty structure");
        private static readonly Shape TimeUnit = new("TimeUnit", Numbered(S(Empty), S(Empty), S(Empty)));
        private static readonly Shape TimeType = new("TimeType", Numbered(F(Bool), S(TimeUnit)));
        private static readonly Shape LogicalType = new("LogicalType",
            (1, S(Empty)), (2, S(Empty)), (3, S(Empty)), (4, S(Empty)), (5, S(new Shape("DecimalType", Numbered(F(I32), F(I32))))),
            (6, S(Empty)), (7, S(TimeType)), (8, S(new Shape("TimestampType", Numbered(F(Bool), S(TimeUnit))))),
            (10, S(new Shape("IntType", Numbered(F(Byte), F(Bool))))), (11, S(Empty)), (12, S(Empty)), (13, S(Empty)), (14, S(Empty)),
            (15, S(Empty)), (16, S(new Shape("VariantType", Numbered(F(Byte))))), (17, S(new Shape("GeometryType", Numbered(F(Binary))))),
            (18, S(new Shape("GeographyType", Numbered(F(Binary), F(I32))))));
        public static readonly Shape SchemaElement = new("SchemaElement",
            Numbered(F(I32), F(I32), F(I32), F(Binary), F(I32), F(I32), F(I32), F(I32), F(I32), S(LogicalType)));
        private static readonly Shape Statistics = new("Statistics",
            Numbered(F(Binary), F(Binary), F(I64), F(I64), F(Binary), F(Binary), F(Bool), F(Bool)));
        private static readonly Shape KeyValue = new("KeyValue", Numbered(F(Binary), F(Binary)));
        private static readonly Shape ColumnMetaData = new("ColumnMetaData", Numbered(
            F(I32), L(I32), L(Binary), F(I32), F(I64), F(I64), F(I64), L(KeyValue), F(I64), F(I64), F(I64), S(Statistics),
            L(new Shape("PageEncodingStats", Numbered(F(I32), F(I32), F(I32)))), F(I64), F(I32),
            S(new Shape("SizeStatistics", Numbered(F(I64), L(I64), L(I64)))),
            S(new Shape("GeospatialStatistics", Numbered(S(new Shape("BoundingBox", Numbered(Same(8, F(Double))))), L(I32))))));
        private static readonly Shape ColumnChunk = new("ColumnChunk", Numbered(
            F(Binary), F(I64), S(ColumnMetaData), F(I64), F(I32), F(I64), F(I32),
            S(new Shape("ColumnCryptoMetaData", Numbered(S(Empty), S(new Shape("EncryptionWithColumnKey", Numbered(L(Binary), F(Binary))))))),
            F(Binary)));
        private static readonly Shape RowGroup = new("RowGroup", Numbered(
            L(ColumnChunk), F(I64), F(I64), L(new Shape("SortingColumn", Numbered(F(I32), F(Bool), F(Bool)))), F(I64), F(I64), F(I16)));
        private static readonly Shape AesGcm = new("AesGcm", Numbered(F(Binary), F(Binary), F(Bool)));

        public static readonly Shape FileMetaData = new("FileMetaData", Numbered(
            F(I32), L(SchemaElement), F(I64), L(RowGroup), L(KeyValue), F(Binary), L(new Shape("ColumnOrder", Numbered(S(Empty)))),
            S(new Shape("EncryptionAlgorithm", Numbered(S(AesGcm), S(AesGcm)))), F(Binary)));

        public static readonly Shape DataPageHeader = new("DataPageHeader", Numbered(F(I32), F(I32), F(I32), F(I32), S(Statistics)));
        public static readonly Shape DictionaryPageHeader = new("DictionaryPageHeader", Numbered(F(I32), F(I32), F(Bool)));
        public static readonly Shape DataPageHeaderV2 = new("DataPageHeaderV2", Numbered(F(I32), F(I32), F(I32), F(I32), F(I32), F(I32), F(Bool), S(Statistics)));

        public static readonly Shape PageHeader = new("PageHeader", Numbered(
            F(I32), F(I32), F(I32), F(I32), S(DataPageHeader), S(Empty), S(DictionaryPageHeader), S(DataPageHeaderV2)));
    }

    /// <summary>
    /// The file as Parquet.Net sees it: reading at its end throws instead of returning nothing, because Parquet.Net
    /// takes "nothing" for a byte 0xFF (a varint that goes on for ever) or keeps asking for the rest of a page.
    /// </summary>
    public sealed class EndCheckedStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer) => Checked(inner.Read(buffer), buffer.Length);

        /// <summary>
        /// Reads on the caller's thread, which waits for the decoder's calls anyway: a file opened for synchronous reads
        /// reads asynchronously on a thread-pool worker, and where every worker was busy (the studio's server, commands
        /// run side by side) the read, and the command, waited for one.
        /// </summary>
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled<int>(cancellationToken);
            try { return new ValueTask<int>(Read(buffer.Span)); }
            catch (Exception e) { return ValueTask.FromException<int>(e); }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int ReadByte()
        {
            Span<byte> one = stackalloc byte[1];
            ReadExactly(one);
            return one[0];
        }

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void Flush() { }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }

        private static int Checked(int read, int wanted)
            => read == 0 && wanted > 0 ? throw new EndOfStreamException("the file ends inside a page or its header (truncated or damaged?)") : read;
    }
}
