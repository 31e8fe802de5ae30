using System.Text;
using Sylvan.Data.Csv;

namespace Snorkeler.Data;

/// <summary>Options for reading delimited text.</summary>
public sealed record CsvOptions
{
    /// <summary>The field delimiter; null picks tab for <c>.tsv</c> files and comma otherwise.</summary>
    public char? Delimiter { get; init; }

    /// <summary>The longest record accepted, in characters (a longer one is a clear error, not an out-of-memory).</summary>
    public int MaxRecordLength { get; init; } = 64 * 1024 * 1024;
}

/// <summary>
/// A CSV file (RFC 4180: header row, quoted fields with embedded delimiters, quotes and newlines, an
/// optional byte-order mark), read in batches with Sylvan.Data.Csv. An empty cell is a missing value.
/// UTF-8 is expected; a UTF-16 file with a byte-order mark is read too; invalid UTF-8 is an error
/// naming the line. Rows with more or fewer fields than the header are errors naming the line.
/// </summary>
public sealed class CsvSource : IDataSource
{
    private readonly string _path;
    private readonly CsvOptions _options;
    private readonly char _delimiter;

    /// <summary>Opens a CSV file; reads the header now, so a missing or empty file fails here.</summary>
    public CsvSource(string path, CsvOptions? options = null)
    {
        _path = Guard.NotNull(path);
        _options = options ?? new CsvOptions();
        _delimiter = _options.Delimiter ?? (path.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase) ? '\t' : ',');
        using var reader = Open(out _);
        Schema = ReadHeader(reader);
    }

    /// <inheritdoc />
    public string Name => _path;

    /// <inheritdoc />
    public DataSchema Schema { get; }

    /// <inheritdoc />
    public IEnumerable<RowBatch> ReadBatches(int rowsPerBatch)
    {
        Guard.Positive(rowsPerBatch);
        using var csv = Open(out var text);
        ReadHeader(csv);
        var builder = new RowBatchBuilder(Schema, rowsPerBatch, trackLines: true);
        var width = Schema.Count;
        long line = 2; // the header is line 1
        long first = 0;
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
                throw SnorkelerException.InFile(_path, $"the row has {csv.RowFieldCount} fields but the header has {width}", line);
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
        if (builder.Count > 0 || first == 0) yield return builder.Build(first);
        GC.KeepAlive(text);
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

    private CsvDataReader Open(out TextReader text)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw SnorkelerException.InFile(_path, e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message);
        }
        text = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true, 1 << 16);
        try
        {
            return CsvDataReader.Create(text, new CsvDataReaderOptions
            {
                HasHeaders = true,
                Delimiter = _delimiter,
                BufferSize = 1 << 16,
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
        var names = new string[csv.FieldCount];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = csv.GetName(i).Trim();
            if (names[i].Length == 0) throw SnorkelerException.InFile(_path, $"header column {i + 1} has no name", 1);
            if (names[i].Length > MaxColumnName) // a file with no header, or not CSV at all: keep messages that list columns short
                throw SnorkelerException.InFile(_path, $"header column {i + 1} is {names[i].Length:N0} characters long (at most {MaxColumnName:N0}); is the first line a header naming the columns?", 1);
            if (!seen.Add(names[i])) throw SnorkelerException.InFile(_path, $"header column '{names[i]}' appears twice", 1);
        }
        return new DataSchema(names);
    }

    /// <summary>The longest column name accepted in a header.</summary>
    private const int MaxColumnName = 1024;

    private SnorkelerException InvalidUtf8() => TextFiles.InvalidUtf8(_path);

    private SnorkelerException Malformed(CsvFormatException e, long line)
        => e is CsvRecordTooLargeException
            ? SnorkelerException.InFile(_path, $"a record is longer than {_options.MaxRecordLength:N0} characters (an unclosed quote?)", Math.Max(line, 2), e)
            : SnorkelerException.InFile(_path, e.Message.Contains("quote", StringComparison.OrdinalIgnoreCase)
            ? "malformed quoted field (an unclosed or stray quote)"
            : $"malformed CSV: {e.Message.TrimEnd('.')}", line, e);
}
