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
        foreach (var (line, doc) in Lines())
        {
            using (doc)
                Schema = new DataSchema(doc.RootElement.EnumerateObject().Select(p => p.Name).Distinct(StringComparer.Ordinal));
            _ = line;
            return;
        }
        throw SnorkelerException.InFile(path, "the file is empty (expected one JSON object per line)");
    }

    /// <inheritdoc />
    public string Name => _path;

    /// <inheritdoc />
    public DataSchema Schema { get; } = new([]);

    /// <inheritdoc />
    public IEnumerable<RowBatch> ReadBatches(int rowsPerBatch)
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
        while (true)
        {
            string? text;
            try { text = reader.ReadLine(); }
            catch (DecoderFallbackException) { throw TextFiles.InvalidUtf8(_path); }
            if (text is null) yield break;
            number++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            JsonDocument doc;
            try { doc = JsonDocument.Parse(text); }
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
}
