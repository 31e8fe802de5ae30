using System.Text;
using Sylvan.Data.Csv;

namespace Snorkeler.Data;

/// <summary>Options for reading delimited text.</summary>
public sealed record CsvOptions
{
    /// <summary>The field delimiter; null detects it from the header and first records (<see cref="CsvDialect.Detect(string)"/>).</summary>
    public char? Delimiter { get; init; }

    /// <summary>The longest record accepted, in characters (a longer one is a clear error, not an out-of-memory).</summary>
    public int MaxRecordLength { get; init; } = 64 * 1024 * 1024;
}

/// <summary>
/// A CSV file (RFC 4180: header row, quoted fields with embedded delimiters, quotes and newlines, an
/// optional byte-order mark), read in batches with Sylvan.Data.Csv. The delimiter (comma, semicolon, tab or
/// pipe) is detected from the header and first records unless given. An empty cell is a missing value.
/// UTF-8 is expected; a UTF-16 file with a byte-order mark is read too; invalid UTF-8 is an error
/// naming the line. Rows with more or fewer fields than the header are errors naming the line.
/// </summary>
public sealed class CsvSource : IChunkedSource
{
    private readonly string _path;
    private readonly CsvOptions _options;
    private readonly char _delimiter;

    /// <summary>Opens a CSV file; reads the header now, so a missing or empty file fails here.</summary>
    public CsvSource(string path, CsvOptions? options = null)
    {
        _path = Guard.NotNull(path);
        _options = options ?? new CsvOptions();
        DelimiterDetected = _options.Delimiter is null;
        _delimiter = _options.Delimiter ?? CsvDialect.Detect(path);
        using var reader = Open(out _, HeaderBufferChars);
        Schema = ReadHeader(reader);
    }

    /// <inheritdoc />
    public string Name => _path;

    /// <inheritdoc />
    public IReadOnlyList<string> Files => [_path];

    /// <summary>The field delimiter in use.</summary>
    public char Delimiter => _delimiter;

    /// <summary>True when <see cref="Delimiter"/> was detected from the file rather than given.</summary>
    public bool DelimiterDetected { get; }

    /// <inheritdoc />
    public DataSchema Schema { get; }

    /// <inheritdoc />
    public IEnumerable<RowBatch> ReadBatches(int rowsPerBatch)
    {
        foreach (var chunk in IO.ReadGuard.Each(_path, Chunks(rowsPerBatch))) yield return chunk.Parse();
    }

    /// <summary>
    /// Chunks of raw records larger than this (bytes) are closed early. Every chunk in flight holds its bytes, their
    /// UTF-16 text and its batch, so the chunk size sets how much fresh memory a run touches before its arrays come back
    /// for reuse (8 MB chunks faulted in 26 MB before the first 100 K rows were done), while each chunk also costs its
    /// hand-offs between threads. Files up to 32 MB are read in 128 KB chunks, larger ones in 256 KB chunks: on 100 K
    /// rows (17 MB) 128 KB chunks took 62 ms against 70, on 1 M rows 256 KB chunks took 335 ms against 354
    /// (docs/benchmarks.md).
    /// </summary>
    internal static int ChunkBytes(long fileLength) => fileLength <= 32 << 20 ? 128 << 10 : 256 << 10;

    /// <summary>
    /// Splits the file into chunks of whole records, to be parsed on any thread. The split scans the
    /// UTF-8 bytes once for quotes, delimiters and line ends (vectorised). It handles plain RFC 4180 only:
    /// at the first record that is not (a stray quote, a lone CR, a blank line, a wrong field count, a
    /// record over 16 MB, a UTF-16 file, a one-column file), it hands the rest of the file, from that
    /// record, to the sequential reader, which gives the same rows or the same error it always gave.
    /// </summary>
    IEnumerable<RowChunk> IChunkedSource.ReadChunks(int rowsPerBatch) => IO.ReadGuard.Each(_path, Chunks(rowsPerBatch));

    private IEnumerable<RowChunk> Chunks(int rowsPerBatch)
    {
        Guard.Positive(rowsPerBatch);
        var width = Schema.Count;
        using var stream = OpenStream();
        var chunkBytes = ChunkBytes(stream.Length);
        // Sized for the file when it is small (a buffer one byte longer than the file also marks its end at once).
        var buffer = GC.AllocateUninitializedArray<byte>((int)Math.Clamp(stream.Length + 1, 4096, 2 * chunkBytes + (1 << 16)));
        // The buffer's pages are faulted in as they are first read into (~14 µs a page on a virtual machine), so it is
        // filled in doubling steps the first time round and the first chunk goes to a worker as soon as it is read.
        // Reads are short only at the end of the file.
        var touched = Math.Min(buffer.Length, chunkBytes + (1 << 16));
        var filled = ReadFully(stream, buffer, 0, touched);
        var eof = filled < touched;
        var pos = 0;
        if (filled >= 2 && ((buffer[0] == 0xFF && buffer[1] == 0xFE) || (buffer[0] == 0xFE && buffer[1] == 0xFF)) || width == 1
            || _delimiter is '"' or '\r' or '\n' or >= (char)128)
        {
            foreach (var chunk in Sequential(rowsPerBatch, offset: 0, line: 2, first: 0)) yield return chunk;
            yield break;
        }
        if (filled >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF) pos = 3;
        var headerEnd = ScanRecord(buffer.AsSpan(0, filled), pos, eof, out _);
        if (headerEnd <= 0)
        {
            foreach (var chunk in Sequential(rowsPerBatch, offset: 0, line: 2, first: 0)) yield return chunk;
            yield break;
        }
        long bufferOffset = 0; // file offset of buffer[0]
        long line = 2;
        long first = 0;
        var chunkStart = headerEnd;
        pos = headerEnd;
        var rows = 0;
        var fallback = false;
        while (true)
        {
            var fields = 0;
            var end = pos < filled ? ScanRecord(buffer.AsSpan(0, filled), pos, eof, out fields) : eof ? 0 : -1;
            if (end == -2)
            {
                fallback = true;
                break;
            }
            if (end == -1)
            {
                // The record runs past what was read: read more, first moving the pending chunk to the front of a full
                // buffer (or growing it), or give up on huge records.
                if (filled - pos > 16 << 20)
                {
                    fallback = true;
                    break;
                }
                if (filled == buffer.Length && chunkStart == 0) Array.Resize(ref buffer, buffer.Length * 2);
                else if (filled == buffer.Length)
                {
                    Buffer.BlockCopy(buffer, chunkStart, buffer, 0, filled - chunkStart);
                    bufferOffset += chunkStart;
                    filled -= chunkStart;
                    pos -= chunkStart;
                    chunkStart = 0;
                }
                var want = Math.Min(buffer.Length, Math.Max(touched, 2 * filled)) - filled;
                var read = ReadFully(stream, buffer, filled, want);
                filled += read;
                touched = Math.Max(touched, filled);
                eof = read < want;
                continue;
            }
            if (end > 0 && fields != width)
            {
                fallback = true;
                break;
            }
            if (end > 0)
            {
                pos = end;
                rows++;
            }
            if (rows > 0 && (end == 0 || rows == rowsPerBatch || pos - chunkStart >= chunkBytes))
            {
                var chunk = MakeChunk(buffer.AsSpan(chunkStart, pos - chunkStart), rows, line, first, rowsPerBatch);
                line += buffer.AsSpan(chunkStart, pos - chunkStart).Count((byte)'\n');
                first += rows;
                rows = 0;
                chunkStart = pos;
                yield return chunk;
            }
            if (end == 0) break;
        }
        if (fallback)
        {
            // From the start of the pending chunk, so batches stay full: the rows before it were all plain.
            var before = first;
            foreach (var chunk in Sequential(rowsPerBatch, bufferOffset + chunkStart, line, first))
            {
                first += chunk.Rows;
                yield return chunk;
            }
            if (first > before) yield break;
        }
        if (first == 0) yield return new RowChunk(new RowBatchBuilder(Schema, 1).Build(0));
    }

    /// <summary>
    /// Scans one record of plain RFC 4180 starting at <paramref name="start"/>: returns the index just past its
    /// line end (or the data's end at end of file) and its field count; 0 when there is no record left;
    /// -1 when the data ends first (read more); -2 when the record is not plain (fall back).
    /// </summary>
    private int ScanRecord(ReadOnlySpan<byte> data, int start, bool eof, out int fields)
    {
        fields = 1;
        if (start >= data.Length) return eof ? 0 : -1;
        var delimiter = (byte)_delimiter;
        if (delimiter >= 128) return -2;
        var i = start;
        while (true)
        {
            // Unquoted text up to the next quote or line end: delimiters counted in bulk (few, long searches beat
            // one search per delimiter: the per-delimiter scan took a fifth of the apply time).
            var rel = data[i..].IndexOfAny((byte)'"', (byte)'\n', (byte)'\r');
            if (rel < 0)
            {
                if (!eof) return -1;
                fields += data[i..].Count(delimiter);
                return data.Length;
            }
            fields += data.Slice(i, rel).Count(delimiter);
            i += rel;
            var b = data[i];
            if (b == (byte)'\n') return i + 1;
            if (b == (byte)'\r')
            {
                if (i + 1 >= data.Length) return eof ? -2 : -1;
                return data[i + 1] == (byte)'\n' ? i + 2 : -2;
            }
            // A quote: it must open a field, and the closing quote must end it.
            if (i != start && data[i - 1] != delimiter) return -2;
            i++;
            while (true)
            {
                var q = data[i..].IndexOf((byte)'"');
                if (q < 0) return eof ? -2 : -1;
                if (HasLoneCr(data.Slice(i, q + 1))) return -2;
                i += q + 1;
                if (i >= data.Length) return eof ? i : -1;
                if (data[i] != (byte)'"') break;
                i++;
            }
            var after = data[i];
            if (after != delimiter && after != (byte)'\n' && after != (byte)'\r') return -2;
        }
        // (A blank line has one field, so with two or more columns the caller hands it to the sequential reader, which skips it.)
    }

    /// <summary>A CR not followed by LF (the quote that ends <paramref name="text"/> stops a CR at its end being one).</summary>
    private static bool HasLoneCr(ReadOnlySpan<byte> text)
    {
        var at = text.IndexOf((byte)'\r');
        while (at >= 0)
        {
            if (at + 1 >= text.Length || text[at + 1] != (byte)'\n') return true;
            var next = text[(at + 1)..].IndexOf((byte)'\r');
            at = next < 0 ? -1 : at + 1 + next;
        }
        return false;
    }


    /// <summary>
    /// A chunk owning a (pooled) copy of its bytes. Parsing decodes them (strict UTF-8) into a pooled character array
    /// that becomes the batch's text: the fields are located in it, not copied out of it.
    /// </summary>
    private RowChunk MakeChunk(ReadOnlySpan<byte> bytes, int rows, long line, long first, int rowsPerBatch)
    {
        // From BatchArrays rather than ArrayPool.Shared, whose per-thread slots would each keep one chunk's array on the
        // workers, which return them, out of reach of the reader, which rents them: ~10 % more fresh pages.
        var copy = BatchArrays.Rent<byte>(Math.Max(1, bytes.Length));
        var length = bytes.Length;
        bytes.CopyTo(copy);
        return new RowChunk(first, rows, () =>
        {
            // UTF-8 never decodes to more UTF-16 units than it has bytes.
            var chars = BatchArrays.Rent<char>(Math.Max(1, length));
            int count;
            try { count = StrictUtf8.GetChars(copy, 0, length, chars, 0); }
            catch (DecoderFallbackException)
            {
                BatchArrays.Return(chars);
                throw InvalidUtf8();
            }
            finally { BatchArrays.Return(copy); }
            return SplitPlain(chars, count, rows, line, first, rowsPerBatch);
        }, fresh: true);
    }

    /// <summary>
    /// Splits a decoded chunk into a batch over the same characters. The chunk passed <see cref="ScanRecord"/>, so it
    /// is plain RFC 4180 with the right number of fields in every record and no lone CR: a quoted field runs to its
    /// closing quote (doubled quotes inside stand for one, made single where they are, which only shortens the field),
    /// any other field to the next delimiter or line end, and an empty field is missing, as Sylvan reads them (the tests
    /// compare both). This is 2–3× cheaper than Sylvan's general state machine, which the sequential reader still uses
    /// for everything else.
    /// </summary>
    private RowBatch SplitPlain(char[] text, int count, int rows, long line, long first, int rowsPerBatch)
    {
        var width = Schema.Count;
        var cells = Math.Max(1, Math.Max(rowsPerBatch, rows) * width);
        var starts = BatchArrays.Rent<int>(cells);
        var lengths = BatchArrays.Rent<int>(cells);
        var lines = BatchArrays.Rent<long>(Math.Max(rowsPerBatch, rows));
        var chars = text.AsSpan(0, count);
        var delimiter = _delimiter;
        var pos = 0;
        var cell = 0;
        for (var r = 0; r < rows; r++)
        {
            lines[r] = line;
            var recordStart = pos;
            for (var c = 0; c < width; c++, cell++)
            {
                int start, length;
                if (pos < count && chars[pos] == '"')
                {
                    start = ++pos;
                    var escaped = false;
                    while (true)
                    {
                        pos += chars[pos..].IndexOf('"');
                        if (pos + 1 < count && chars[pos + 1] == '"')
                        {
                            escaped = true;
                            pos += 2;
                            continue;
                        }
                        break;
                    }
                    length = escaped ? Unescape(chars[start..pos]) : pos - start;
                    pos++;
                }
                else
                {
                    var end = chars[pos..].IndexOfAny(delimiter, '\n', '\r');
                    if (end < 0) end = count - pos;
                    start = pos;
                    length = end;
                    pos += end;
                }
                starts[cell] = start;
                lengths[cell] = length == 0 ? -1 : length;
                if (c < width - 1) pos++; // the delimiter
            }
            if (pos < count && chars[pos] == '\r') pos++;
            if (pos < count && chars[pos] == '\n') pos++;
            line += chars[recordStart..pos].Count('\n');
        }
        if (pos != count) throw new InvalidOperationException($"a CSV chunk of {rows} records at line {line} did not split into them");
        return new RowBatch(Schema, first, rows, text, starts, lengths, lines);
    }

    /// <summary>Makes each doubled quote of a quoted field's text single, in place; returns the new length.</summary>
    private static int Unescape(Span<char> quoted)
    {
        var n = 0;
        for (var i = 0; i < quoted.Length; i++)
        {
            quoted[n++] = quoted[i];
            if (quoted[i] == '"') i++;
        }
        return n;
    }

    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    /// <summary>The sequential reader: from the file's start (with its header) or from a record boundary.</summary>
    private IEnumerable<RowChunk> Sequential(int rowsPerBatch, long offset, long line, long first)
    {
        if (offset == 0)
        {
            using var csv = Open(out var text);
            ReadHeader(csv);
            foreach (var batch in Records(csv, rowsPerBatch, line, first)) yield return new RowChunk(batch);
            GC.KeepAlive(text);
        }
        else
        {
            var stream = OpenStream();
            stream.Position = offset;
            using var text = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: false, 1 << 16);
            using var csv = CreateReader(text, hasHeaders: false, line);
            foreach (var batch in Records(csv, rowsPerBatch, line, first)) yield return new RowChunk(batch);
        }
    }


    /// <summary>Reads <paramref name="count"/> bytes into <paramref name="buffer"/> at <paramref name="offset"/>, fewer only at the end of the stream.</summary>
    internal static int ReadFully(Stream stream, byte[] buffer, int offset, int count)
    {
        var total = 0;
        while (total < count)
        {
            var n = stream.Read(buffer, offset + total, count - total);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    /// <summary>Reads records into batches: every batch but the last holds <paramref name="rowsPerBatch"/> rows (or 32 M characters).</summary>
    private IEnumerable<RowBatch> Records(CsvDataReader csv, int rowsPerBatch, long line, long first)
    {
        var builder = new RowBatchBuilder(Schema, rowsPerBatch, trackLines: true);
        var width = Schema.Count;
        while (true)
        {
            bool more;
            try { more = csv.Read(); }
            catch (CsvFormatException e) { throw Malformed(e, line); }
            catch (DecoderFallbackException) { throw InvalidUtf8(); }
            catch (IOException e) when (e.Message.Contains("buffer", StringComparison.OrdinalIgnoreCase))
            {
                throw SnorkelerException.InFile(_path, $"a record is longer than {_options.MaxRecordLength:N0} characters (an unclosed quote?)", line);
            }
            if (!more) break;
            var raw = csv.GetRawRecordSpan();
            if (csv.RowFieldCount != width && !(csv.RowFieldCount == 1 && width > 1 && raw.Trim().IsEmpty))
                throw SnorkelerException.InFile(_path, $"the row has {Text.Listing.Counted(csv.RowFieldCount, "field")} but the header has {width}", line);
            if (csv.RowFieldCount == width)
            {
                builder.BeginRow(line);
                for (var c = 0; c < width; c++)
                {
                    var field = csv.GetFieldSpan(c);
                    if (field.IsEmpty) builder.AddMissing();
                    else builder.Add(field);
                }
                builder.EndRow();
            }
            line += LineBreaks(raw);
            if (builder.Count == rowsPerBatch || builder.CharCount > 32 * 1024 * 1024)
            {
                var batch = builder.Build(first);
                first += batch.Count;
                yield return batch;
            }
        }
        if (builder.Count > 0) yield return builder.Build(first);
    }

    /// <summary>Line breaks in a raw record: LF, CRLF, or a lone CR (Sylvan ends records at any of them).</summary>
    private static int LineBreaks(ReadOnlySpan<char> raw)
    {
        if (!raw.Contains('\r')) return raw.Count('\n');
        var breaks = 0;
        for (var i = 0; i < raw.Length; i++)
            if (raw[i] == '\n' || (raw[i] == '\r' && (i + 1 == raw.Length || raw[i + 1] != '\n'))) breaks++;
        return breaks;
    }

    private FileStream OpenStream() => IO.InputFile.OpenRead(_path);

    /// <summary>A reader of the records from <paramref name="line"/> on (Sylvan reads the first record when created).</summary>
    private CsvDataReader CreateReader(TextReader text, bool hasHeaders, long line)
    {
        try
        {
            return CsvDataReader.Create(text, new CsvDataReaderOptions
            {
                HasHeaders = hasHeaders,
                Delimiter = _delimiter,
                BufferSize = 1 << 16,
                MaxBufferSize = _options.MaxRecordLength,
            });
        }
        catch (CsvFormatException e) { throw Malformed(e, line); }
        catch (DecoderFallbackException) { throw InvalidUtf8(); }
    }

    /// <summary>
    /// The buffers (characters) of the reader that only reads the header when the source is opened; it grows them up to
    /// the longest record allowed. 64 K buffers were a fresh ~300 KB at every start (docs/benchmarks.md, sixth pass).
    /// </summary>
    private const int HeaderBufferChars = 4096;

    private CsvDataReader Open(out TextReader text, int bufferChars = 1 << 16)
    {
        var stream = OpenStream();
        text = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true, bufferChars);
        try
        {
            return CsvDataReader.Create(text, new CsvDataReaderOptions
            {
                HasHeaders = true,
                Delimiter = _delimiter,
                BufferSize = bufferChars,
                MaxBufferSize = _options.MaxRecordLength,
            });
        }
        catch (CsvFormatException e) when (e.Message.Contains("does not have headers", StringComparison.Ordinal))
        {
            text.Dispose();
            throw SnorkelerException.InFile(_path, "the file is empty (expected a header row naming the columns)");
        }
        catch (CsvFormatException e) { text.Dispose(); throw Malformed(e, 1); }
        catch (DecoderFallbackException) { text.Dispose(); throw InvalidUtf8(); }
        catch (IOException e) { text.Dispose(); throw SnorkelerException.InFile(_path, $"cannot read the header: {e.Message}", 1); }
    }

    private DataSchema ReadHeader(CsvDataReader csv)
    {
        if (csv.FieldCount == 0 || (csv.FieldCount == 1 && string.IsNullOrWhiteSpace(csv.GetName(0))))
            throw SnorkelerException.InFile(_path, "the file is empty (expected a header row naming the columns)");
        // Excel reads a first line 'sep=;' as the delimiter to use, and some exports write it; read as a header, it was
        // a column 'sep=' beside one with no name ("header column 2 has no name").
        if (csv.FieldCount <= 2 && csv.GetName(0).Trim() is { Length: <= 5 } first && first.StartsWith("sep=", StringComparison.OrdinalIgnoreCase)
            && (csv.FieldCount == 1 || csv.GetName(1).Trim().Length == 0))
            throw SnorkelerException.InFile(_path, "the first line is a spreadsheet's 'sep=' line, which names the delimiter for Excel, not a header naming "
                + "the columns: delete it (the delimiter is detected, or give it with --delimiter)", 1);
        var names = new string[csv.FieldCount];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        RequireNoNul(csv);
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = csv.GetName(i).Trim();
            if (names[i].Length == 0) throw SnorkelerException.InFile(_path, $"header column {i + 1} has no name", 1);
            if (names[i].Length > DataSchema.MaxColumnName) // a file with no header, or not CSV at all: keep messages that list columns short
                throw SnorkelerException.InFile(_path, $"header column {i + 1} is {names[i].Length:N0} characters long (at most {DataSchema.MaxColumnName:N0}); is the first line a header naming the columns?", 1);
            if (!seen.Add(names[i])) throw SnorkelerException.InFile(_path, $"header {DataSchema.AppearsTwice(names[i])}", 1);
        }
        return new DataSchema(names);
    }

    /// <summary>
    /// A NUL is valid UTF-8 but never in a column name. Text saved as UTF-16 without a byte order mark reads as UTF-8 with a
    /// NUL beside every character: its header was taken for columns named "t\0e\0x\0t\0", and the file was refused lines
    /// later for a row of one field, or an LF's field was "not a column".
    /// </summary>
    private void RequireNoNul(CsvDataReader csv)
    {
        int nuls = 0, length = 0, first = -1;
        for (var i = 0; i < csv.FieldCount; i++)
        {
            var name = csv.GetName(i);
            var count = name.AsSpan().Count('\0');
            if (count > 0 && first < 0) first = i;
            nuls += count;
            length += name.Length;
        }
        if (first < 0) return;
        throw SnorkelerException.InFile(_path, nuls * 4 >= length
            ? "the header has a NUL byte beside every character, as text saved as UTF-16 without a byte order mark has (save the file as UTF-8)"
            : $"header column {first + 1} ('{Text.Printable.OneLine(csv.GetName(first))}') holds a NUL character (U+0000), which no column name holds (remove it, and save the file as UTF-8)", 1);
    }

    private SnorkelerException InvalidUtf8() => TextFiles.InvalidUtf8(_path, loneCrEndsLine: true);

    private SnorkelerException Malformed(CsvFormatException e, long line)
        => e is CsvRecordTooLargeException
            ? SnorkelerException.InFile(_path, $"a record is longer than {_options.MaxRecordLength:N0} characters (an unclosed quote?)", Math.Max(line, 2), e)
            : SnorkelerException.InFile(_path, e.Message.Contains("quote", StringComparison.OrdinalIgnoreCase)
            ? "malformed quoted field (an unclosed or stray quote)"
            : $"malformed CSV: {e.Message.TrimEnd('.')}", line, e);
}
