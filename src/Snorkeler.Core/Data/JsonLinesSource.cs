using System.Text;
using System.Text.Json;

namespace Snorkeler.Data;

/// <summary>
/// A JSON Lines file: one JSON object per line (blank lines skipped). The columns are the keys of the
/// first object; a key that later rows lack is missing there, and keys the first row does not have
/// are ignored. Strings are text, numbers and booleans their JSON text, null missing, nested values raw JSON.
/// </summary>
public sealed class JsonLinesSource : IDataSource
{
    private readonly string _path;

    /// <summary>Opens the file and reads the first object's keys as the columns.</summary>
    public JsonLinesSource(string path)
    {
        _path = Guard.NotNull(path);
        Schema = IO.ReadGuard.Run(path, () =>
        {
            foreach (var (_, doc) in Lines())
                using (doc)
                    return new DataSchema(doc.RootElement.EnumerateObject().Select(p => p.Name).Distinct(StringComparer.Ordinal));
            throw SnorkelerException.InFile(path, "the file is empty (expected one JSON object per line)");
        });
    }

    /// <inheritdoc />
    public string Name => _path;

    /// <inheritdoc />
    public DataSchema Schema { get; } = new([]);

    /// <inheritdoc />
    public IEnumerable<RowBatch> ReadBatches(int rowsPerBatch) => IO.ReadGuard.Each(_path, ReadBatchesCore(rowsPerBatch));

    private IEnumerable<RowBatch> ReadBatchesCore(int rowsPerBatch)
    {
        Guard.Positive(rowsPerBatch);
        var builder = new RowBatchBuilder(Schema, rowsPerBatch, trackLines: true);
        long first = 0;
        foreach (var (line, doc) in Lines())
        {
            using (doc)
            {
                builder.BeginRow(line);
                builder.ClearRow();
                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    var column = Schema.IndexOf(p.Name);
                    if (column >= 0) JsonCells.Set(builder, column, p.Value);
                }
                builder.EndSetRow();
            }
            if (builder.Count == rowsPerBatch)
            {
                yield return builder.Build(first);
                first += rowsPerBatch;
            }
        }
        if (builder.Count > 0 || first == 0) yield return builder.Build(first);
    }

    private IEnumerable<(long Line, JsonDocument Doc)> Lines()
    {
        using var stream = WrenchFile.Open(_path);
        using var reader = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true, 1 << 16);
        long number = 0;
        var lines = new BoundedLines(reader, _path, JsonObjectStream.MaxRecordBytes);
        while (true)
        {
            string? text;
            try { text = lines.Next(number + 1); }
            catch (DecoderFallbackException) { throw TextFiles.InvalidUtf8(_path); }
            if (text is null) yield break;
            number++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            JsonDocument doc;
            try { doc = IO.StrictJson.Document(text); }
            catch (JsonException e)
            {
                var message = e.Message;
                var cut = message.IndexOf(" LineNumber", StringComparison.Ordinal);
                throw SnorkelerException.InFile(_path, $"invalid JSON: {(cut > 0 ? message[..cut] : message).TrimEnd('.', ' ')}", number);
            }
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                doc.Dispose();
                throw SnorkelerException.InFile(_path, "each line must be a JSON object", number);
            }
            yield return (number, doc);
        }
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
