using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Snorkeler.Data;

/// <summary>
/// A JSON Lines file: one JSON object per line (blank lines skipped). The columns are the keys of the
/// first object; a key that later rows lack is missing there, and keys the first row does not have
/// are ignored. Strings are text, numbers and booleans their JSON text, null missing, nested values raw JSON.
/// <para>
/// The file is split into chunks of whole lines (one scan of the bytes for line ends), each parsed on any thread, so
/// <c>apply</c>'s workers share the parsing as they do a CSV file's. A file with a UTF-16 or UTF-32 byte-order mark,
/// and the rest of a file from a line too long for the chunk buffer, go to the sequential reader, which gives the
/// same rows or the same error.
/// </para>
/// </summary>
public sealed class JsonLinesSource : IChunkedSource
{
    /// <summary>A line longer than this goes to the sequential reader (with the rest of the file) rather than into a chunk.</summary>
    internal const int LongestChunkedLine = 16 << 20;

    private readonly string _path;
    private readonly byte[][] _columnNames;

    /// <summary>Opens the file and reads the first object's keys as the columns.</summary>
    public JsonLinesSource(string path)
    {
        _path = Guard.NotNull(path);
        Schema = IO.ReadGuard.Run(path, () =>
        {
            foreach (var (line, doc) in Lines())
                using (doc)
                    return DataSchema.OfKeys(doc.RootElement, path, line);
            throw SnorkelerException.InFile(path, "the file is empty (expected one JSON object per line)");
        });
        _columnNames = Schema.Names.Select(n => Encoding.UTF8.GetBytes(n)).ToArray();
    }

    /// <summary>
    /// How many characters of a file <see cref="LaterLineWithKey"/> reads at most: 64 Mi, about 0.2 s (a <c>check</c> whose
    /// LF reads a key no line of a 70 MB file has took 0.44 s, against 0.25 s on a two-line file).
    /// </summary>
    internal const long KeySearchChars = 64L << 20;

    /// <summary>True for a file name the JSON Lines reader reads (<c>.jsonl</c>, <c>.ndjson</c>).</summary>
    internal static bool IsJsonLines(string path)
        => path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The first line after the first whose object has <paramref name="field"/> (ignoring case) as a key that the first
    /// line lacks, with the key as written: it is not a column, so a message about a field the data lacks can say where it
    /// is. Only lines whose text holds the field's name in quotes are parsed (a key written with escapes is not found), within the first <see cref="KeySearchChars"/>
    /// characters of the file; null when none has it or the file cannot be read.
    /// </summary>
    internal static (long Line, string Key)? LaterLineWithKey(string path, string field)
    {
        try
        {
            var source = new JsonLinesSource(path);
            // A key is written in quotes: a short name ('a', 'id') is in the text of most lines, its quoted form in few.
            var quoted = $"\"{field}\"";
            long read = 0;
            foreach (var (line, text) in source.TextLines().Skip(1))
            {
                if ((read += text.Length + 1) > KeySearchChars) break;
                if (!text.Contains(quoted, StringComparison.OrdinalIgnoreCase)) continue;
                using var doc = source.Parse(text, line);
                if (doc.RootElement.ValueKind != JsonValueKind.Object) continue;
                foreach (var p in doc.RootElement.EnumerateObject())
                    if (p.Name.Equals(field, StringComparison.OrdinalIgnoreCase) && source.Schema.IndexOf(p.Name) < 0) return (line, p.Name);
            }
        }
        catch (Exception e) when (e is SnorkelerException or IOException) { }
        return null;
    }

    /// <inheritdoc />
    public string Name => _path;

    /// <inheritdoc />
    public IReadOnlyList<string> Files => [_path];

    /// <inheritdoc />
    public DataSchema Schema { get; } = new([]);

    /// <inheritdoc />
    public IEnumerable<RowBatch> ReadBatches(int rowsPerBatch)
    {
        foreach (var chunk in IO.ReadGuard.Each(_path, Chunks(rowsPerBatch))) yield return chunk.Parse();
    }

    IEnumerable<RowChunk> IChunkedSource.ReadChunks(int rowsPerBatch) => IO.ReadGuard.Each(_path, Chunks(rowsPerBatch));

    /// <summary>
    /// Splits the file into chunks of whole lines, at most <paramref name="rowsPerBatch"/> rows (blank lines do not count)
    /// and about <see cref="CsvSource.ChunkBytes"/> bytes each. Line ends are LF, CRLF or a lone CR, as for the sequential
    /// reader; a CR at the end of what was read waits for the next byte, so a CRLF is never split.
    /// </summary>
    private IEnumerable<RowChunk> Chunks(int rowsPerBatch)
    {
        Guard.Positive(rowsPerBatch);
        using var stream = WrenchFile.Open(_path);
        var chunkBytes = CsvSource.ChunkBytes(stream.Length);
        // Sized for the file when it is small (one byte longer than the file also marks its end at once).
        var buffer = GC.AllocateUninitializedArray<byte>((int)Math.Clamp(stream.Length + 1, 4096, 2 * chunkBytes));
        var filled = CsvSource.ReadFully(stream, buffer, 0, buffer.Length);
        var eof = filled < buffer.Length;
        if ((filled >= 2 && ((buffer[0] == 0xFF && buffer[1] == 0xFE) || (buffer[0] == 0xFE && buffer[1] == 0xFF)))
            || (filled >= 4 && buffer[0] == 0 && buffer[1] == 0 && buffer[2] == 0xFE && buffer[3] == 0xFF))
        {
            // UTF-16 or UTF-32: the sequential reader decodes them.
            foreach (var batch in ReadBatchesCore(rowsPerBatch, offset: 0, line: 0, first: 0)) yield return new RowChunk(batch);
            yield break;
        }
        var pos = filled >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF ? 3 : 0;
        long bufferOffset = 0; // file offset of buffer[0]
        long line = 0;         // lines before pos
        long first = 0;        // rows in the chunks made so far
        var chunkStart = pos;
        var chunkLine = line;
        var rows = 0;
        while (true)
        {
            var end = pos < filled ? buffer.AsSpan(pos, filled - pos).IndexOfAny((byte)'\r', (byte)'\n') : -1;
            int after;
            if (end >= 0 && (buffer[pos + end] == (byte)'\n' || pos + end + 1 < filled || eof))
                after = AfterLineEnd(buffer.AsSpan(0, filled), pos + end);
            else if (eof)
                after = filled; // the last line has no line end (or there is nothing left)
            else
            {
                // The line runs past what was read: move the pending chunk to the front (or grow the buffer) and read on.
                if (filled - chunkStart > LongestChunkedLine) break;
                if (chunkStart == 0 && filled == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                else if (filled == buffer.Length)
                {
                    Buffer.BlockCopy(buffer, chunkStart, buffer, 0, filled - chunkStart);
                    bufferOffset += chunkStart;
                    filled -= chunkStart;
                    pos -= chunkStart;
                    chunkStart = 0;
                }
                var read = CsvSource.ReadFully(stream, buffer, filled, buffer.Length - filled);
                filled += read;
                eof = read == 0 || filled < buffer.Length;
                continue;
            }
            if (pos == after) break; // end of the file
            line++;
            var content = end >= 0 ? end : after - pos;
            if (!IsBlank(buffer.AsSpan(pos, content))) rows++;
            pos = after;
            if (rows == rowsPerBatch || (rows > 0 && pos - chunkStart >= chunkBytes))
            {
                yield return MakeChunk(buffer.AsSpan(chunkStart, pos - chunkStart), rows, chunkLine, first, rowsPerBatch);
                first += rows;
                rows = 0;
                chunkStart = pos;
                chunkLine = line;
            }
        }
        if (pos < filled || !eof)
        {
            // A line longer than a chunk may hold: the sequential reader takes over from the pending chunk's first line.
            foreach (var batch in ReadBatchesCore(rowsPerBatch, bufferOffset + chunkStart, chunkLine, first))
            {
                first += batch.Count;
                yield return new RowChunk(batch);
            }
            yield break;
        }
        if (rows > 0 || first == 0) yield return MakeChunk(buffer.AsSpan(chunkStart, pos - chunkStart), rows, chunkLine, first, rowsPerBatch);
    }

    /// <summary>A chunk owning a pooled copy of its bytes, parsed on any thread.</summary>
    private RowChunk MakeChunk(ReadOnlySpan<byte> bytes, int rows, long line, long first, int rowsPerBatch)
    {
        var copy = BatchArrays.Rent<byte>(Math.Max(1, bytes.Length));
        var length = bytes.Length;
        bytes.CopyTo(copy);
        return new RowChunk(first, rows, () =>
        {
            try { return IO.ReadGuard.Run(_path, () => ParseChunk(copy, length, rows, line, first, rowsPerBatch)); }
            finally { BatchArrays.Return(copy); }
        }, fresh: true);
    }

    /// <summary>Parses the lines of a chunk (after <paramref name="line"/> lines of the file) into a batch of <paramref name="rows"/> rows.</summary>
    private RowBatch ParseChunk(byte[] bytes, int length, int rows, long line, long first, int rowsPerBatch)
    {
        var data = bytes.AsMemory(0, length);
        if (!Utf8.IsValid(data.Span)) throw TextFiles.InvalidUtf8(_path);
        // Decoded values are never longer (in UTF-16 units) than the bytes they come from.
        var builder = new RowBatchBuilder(Schema, Math.Max(rows, rowsPerBatch), trackLines: true, Math.Max(256, length), pooled: true);
        var scratch = new FlatRowScratch();
        var span = data.Span;
        var pos = 0;
        while (pos < length)
        {
            var end = span[pos..].IndexOfAny((byte)'\r', (byte)'\n');
            var content = end < 0 ? length - pos : end;
            var after = end < 0 ? length : AfterLineEnd(span, pos + end);
            line++;
            var text = span.Slice(pos, content);
            if (!IsBlank(text) && !TryAddFlatRow(builder, text, line, ref scratch))
            {
                using var doc = Parse(data.Slice(pos, content), line);
                AddRow(builder, doc, line);
            }
            pos = after;
        }
        if (builder.Count != rows) throw new InvalidOperationException($"a JSON Lines chunk of {rows} rows after line {line} held {builder.Count}");
        return builder.Build(first);
    }

    /// <summary>The index just past the line end (LF, CRLF or a lone CR) at <paramref name="at"/>.</summary>
    private static int AfterLineEnd(ReadOnlySpan<byte> data, int at)
        => at + 1 + (data[at] == (byte)'\r' && at + 1 < data.Length && data[at + 1] == (byte)'\n' ? 1 : 0);

    /// <summary>The keys of the line being read (offsets into it) and room for unescaped strings, reused line after line.</summary>
    private struct FlatRowScratch
    {
        public (int Start, int Length)[]? Keys;
        public char[]? Text;
    }

    /// <summary>
    /// Adds the row of a line holding a flat object (string, number, boolean and null values, keys without escapes) with
    /// <see cref="Utf8JsonReader"/>, the cells decoded straight into the batch: the same cells as <see cref="AddRow"/> reads
    /// from a <see cref="JsonDocument"/>, at a fraction of the cost. Returns false, leaving the row to be redone, for
    /// anything else — a nested value, an escaped or repeated key, invalid JSON — which the document parse then reads or
    /// reports with its own message.
    /// </summary>
    private bool TryAddFlatRow(RowBatchBuilder builder, ReadOnlySpan<byte> line, long number, ref FlatRowScratch scratch)
    {
        builder.BeginRow(number);
        builder.ClearRow();
        var keys = scratch.Keys ??= new (int, int)[64];
        var count = 0;
        var reader = new Utf8JsonReader(line, isFinalBlock: true, state: default);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueIsEscaped || count == keys.Length) return false;
                var key = reader.ValueSpan;
                if (key.IsEmpty) throw DataSchema.EmptyKey(_path, count + 1, number, first: false);
                var start = (int)reader.TokenStartIndex + 1;
                for (var i = 0; i < count; i++)
                    if (line.Slice(keys[i].Start, keys[i].Length).SequenceEqual(key)) return false;
                keys[count++] = (start, key.Length);
                var column = ColumnOf(key);
                if (!reader.Read()) return false;
                switch (reader.TokenType)
                {
                    case JsonTokenType.Null:
                        break;
                    case JsonTokenType.String when reader.ValueIsEscaped:
                        if (column < 0) break;
                        var room = scratch.Text is { } t && t.Length >= reader.ValueSpan.Length ? t : scratch.Text = new char[Math.Max(256, reader.ValueSpan.Length)];
                        builder.Set(column, room.AsSpan(0, reader.CopyString(room)));
                        break;
                    case JsonTokenType.String or JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False:
                        if (column >= 0) builder.SetUtf8(column, reader.ValueSpan);
                        break;
                    default:
                        return false;
                }
            }
            // The object must have closed and nothing but white space may follow it.
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read()) return false;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false;
        }
        builder.EndSetRow();
        return true;
    }

    /// <summary>The column a key (valid UTF-8, unescaped) names, or -1: an exact match, else <see cref="DataSchema.IndexOf"/>'s case-insensitive one.</summary>
    private int ColumnOf(ReadOnlySpan<byte> key)
    {
        var names = _columnNames;
        for (var c = 0; c < names.Length; c++)
            if (key.SequenceEqual(names[c])) return c;
        return Schema.IndexOf(Encoding.UTF8.GetString(key));
    }

    /// <summary>
    /// True for a line the sequential reader skips (<see cref="string.IsNullOrWhiteSpace"/> of its text). Almost every
    /// line starts with '{', so the text is decoded only for lines that start with neither '{' nor ASCII blanks.
    /// </summary>
    private static bool IsBlank(ReadOnlySpan<byte> line)
    {
        var text = line.TrimStart(" \t\v\f"u8);
        if (text.IsEmpty) return true;
        if (text[0] == (byte)'{') return false;
        if (!Utf8.IsValid(text)) return false; // the chunk's parse reports the bytes
        return string.IsNullOrWhiteSpace(Encoding.UTF8.GetString(text));
    }

    /// <summary>The row of a parsed line: its keys that are columns become cells, the others are ignored (but for "", an error).</summary>
    private void AddRow(RowBatchBuilder builder, JsonDocument doc, long line)
    {
        builder.BeginRow(line);
        builder.ClearRow();
        var key = 0;
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            key++;
            if (p.Name.Length == 0) throw DataSchema.EmptyKey(_path, key, line, first: false);
            var column = Schema.IndexOf(p.Name);
            if (column >= 0) JsonCells.Set(builder, column, p.Value);
        }
        builder.EndSetRow();
    }

    /// <summary>The sequential reader: from the file's start, or from the start of a line after <paramref name="line"/> lines.</summary>
    private IEnumerable<RowBatch> ReadBatchesCore(int rowsPerBatch, long offset, long line, long first)
    {
        var builder = new RowBatchBuilder(Schema, rowsPerBatch, trackLines: true);
        foreach (var (number, doc) in Lines(offset, line))
        {
            using (doc) AddRow(builder, doc, number);
            if (builder.Count == rowsPerBatch)
            {
                yield return builder.Build(first);
                first += rowsPerBatch;
            }
        }
        if (builder.Count > 0 || first == 0) yield return builder.Build(first);
    }

    /// <summary>The non-blank lines parsed, from the file's start or from byte <paramref name="offset"/> (a line start, after <paramref name="number"/> lines).</summary>
    private IEnumerable<(long Line, JsonDocument Doc)> Lines(long offset = 0, long number = 0)
    {
        foreach (var (line, text) in TextLines(offset, number)) yield return (line, Parse(text, line));
    }

    /// <summary>The lines that are not blank, as text, numbered from <paramref name="number"/> + 1 at <paramref name="offset"/>.</summary>
    private IEnumerable<(long Line, string Text)> TextLines(long offset = 0, long number = 0)
    {
        using var stream = WrenchFile.Open(_path);
        stream.Position = offset;
        using var reader = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: offset == 0, 1 << 16);
        var lines = new BoundedLines(reader, _path, JsonObjectStream.MaxRecordBytes);
        while (true)
        {
            string? text;
            try { text = lines.Next(number + 1); }
            catch (DecoderFallbackException) { throw TextFiles.InvalidUtf8(_path); }
            if (text is null) yield break;
            number++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            yield return (number, text);
        }
    }

    /// <summary>One line's object (from its text or its UTF-8 bytes: the same parser, the same messages).</summary>
    private JsonDocument Parse(string text, long line) => Checked(() => IO.StrictJson.Document(text), () => Encoding.UTF8.GetBytes(text), line);

    private JsonDocument Parse(ReadOnlyMemory<byte> utf8, long line) => Checked(() => IO.StrictJson.Document(utf8), () => utf8, line);

    private JsonDocument Checked(Func<JsonDocument> parse, Func<ReadOnlyMemory<byte>> utf8, long line)
    {
        JsonDocument doc;
        try { doc = parse(); }
        catch (JsonException e)
        {
            // A line cut short ending in a number, a string or a literal got the parser's words for its last token
            // ("'2' is an invalid end of a number. Expected a delimiter"), which blame the value, not the line's end.
            if (JsonObjectStream.IsCutShort(utf8().Span))
                throw SnorkelerException.InFile(_path, $"invalid JSON: {JsonObjectStream.CutShortLine}", line);
            throw SnorkelerException.InFile(_path, $"invalid JSON: {JsonObjectStream.Friendly(e.Message, utf8().Span)}", line);
        }
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            doc.Dispose();
            throw SnorkelerException.InFile(_path, "each line must be a JSON object", line);
        }
        return doc;
    }

    /// <summary>
    /// Lines of a text, each at most a limit long: a longer line is an error before it is held in memory, so memory
    /// stays bounded per record whatever the file (<see cref="TextReader.ReadLine"/> would hold any line whole).
    /// Line ends are LF, CRLF or a lone CR.
    /// </summary>
    private sealed class BoundedLines(TextReader reader, string path, int maxLength)
    {
        private readonly char[] _buffer = new char[1 << 16];
        private readonly System.Text.StringBuilder _line = new();
        private int _start;
        private int _end;
        private bool _skipLineFeed;

        /// <summary>The next line without its end, or null at the end of the text; <paramref name="number"/> names it in errors.</summary>
        public string? Next(long number)
        {
            _line.Clear();
            var any = false;
            while (true)
            {
                if (_start == _end)
                {
                    _start = 0;
                    _end = reader.Read(_buffer, 0, _buffer.Length);
                    if (_end == 0) return any ? _line.ToString() : null;
                }
                if (_skipLineFeed)
                {
                    _skipLineFeed = false;
                    if (_buffer[_start] == '\n' && ++_start == _end) continue;
                }
                any = true;
                var span = _buffer.AsSpan(_start, _end - _start);
                var stop = span.IndexOfAny('\r', '\n');
                var take = stop < 0 ? span.Length : stop;
                if (_line.Length + take > maxLength)
                    throw SnorkelerException.InFile(path, $"a line is longer than {maxLength:N0} characters (the limit for one JSON record)", number);
                _line.Append(span[..take]);
                if (stop < 0)
                {
                    _start = _end;
                    continue;
                }
                _start += stop + 1;
                _skipLineFeed = span[stop] == '\r';
                return _line.ToString();
            }
        }
    }
}
