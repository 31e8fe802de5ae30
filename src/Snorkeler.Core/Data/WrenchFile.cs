using System.Globalization;
using System.Text.Json;

namespace Snorkeler.Data;

/// <summary>
/// The Wrench benchmark's data format: a JSON object of rows, <c>{"0": {"data": {...}, "label": 1,
/// "weak_labels": [...]}, ...}</c>, with <c>label.json</c> (<c>{"0": "HAM", "1": "SPAM"}</c>) in the same
/// folder naming the classes. It is both a ready label matrix with gold labels (the weak labels) and a
/// data source (the <c>data</c> fields). Wrench files do not name their LFs; columns are named
/// <c>lf_0</c>, <c>lf_1</c>, ...
/// </summary>
public static class WrenchFile
{
    /// <summary>Reads the class names from <c>label.json</c> beside <paramref name="path"/>.</summary>
    public static LabelSchema ReadSchema(string path) => IO.ReadGuard.Run(LabelPath(path), () => ReadSchemaUnguarded(path));

    /// <summary>The <c>label.json</c> beside <paramref name="path"/>, named as the split was (a relative path stays relative).</summary>
    private static string LabelPath(string path) => Path.Combine(Path.GetDirectoryName(path) ?? "", "label.json");

    private static LabelSchema ReadSchemaUnguarded(string path)
    {
        var labelPath = LabelPath(path);
        if (IO.InputFile.Stat(labelPath).Kind == IO.FileKind.Missing)
            throw SnorkelerException.InFile(path, $"no label.json beside it ({labelPath}); Wrench data sets name their classes there");
        ReadOnlyMemory<byte> text = default;
        try
        {
            text = IO.InputFile.ReadUtf8(labelPath, IO.MatrixFile.MaxSidecarBytes, "a label.json");
            // JsonDocument's own words for this ("does not contain any JSON tokens ... isFinalBlock is true") name its reader, not the file's fault.
            if (text.Span.IndexOfAnyExcept(" \t\r\n"u8) < 0)
                throw SnorkelerException.InFile(labelPath, "the file is empty; it names the classes, such as {\"0\": \"HAM\", \"1\": \"SPAM\"}");
            using var doc = IO.StrictJson.Document(text);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw SnorkelerException.InFile(labelPath, "expected an object such as {\"0\": \"HAM\", \"1\": \"SPAM\"}");
            var byLabel = new SortedDictionary<int, string>();
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (!int.TryParse(p.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var label) || p.Value.ValueKind != JsonValueKind.String)
                    throw SnorkelerException.InFile(labelPath, $"entry \"{p.Name}\" must map a class number to a name");
                // "00" or "01" would be read as 0 or 1 and could silently stand for another class than meant
                if (p.Name != label.ToString(CultureInfo.InvariantCulture))
                    throw SnorkelerException.InFile(labelPath, $"class key \"{p.Name}\" is not written as a plain number (write \"{label.ToString(CultureInfo.InvariantCulture)}\")");
                if (!byLabel.TryAdd(label, p.Value.GetString()!))
                    throw SnorkelerException.InFile(labelPath, $"class {label} is named twice");
            }
            if (byLabel.Count < 2 || byLabel.Keys.First() != 0 || byLabel.Keys.Last() != byLabel.Count - 1)
                throw SnorkelerException.InFile(labelPath, "classes must be numbered 0, 1, ... without gaps, at least two");
            return new LabelSchema(byLabel.Values);
        }
        catch (JsonException e)
        {
            throw SnorkelerException.InFile(labelPath, $"invalid JSON: {JsonObjectStream.Friendly(e.Message, text.Span)}", e.LineNumber + 1);
        }
        catch (ArgumentException e)
        {
            throw SnorkelerException.InFile(labelPath, e.Message);
        }
        catch (InvalidOperationException e) when (e.InnerException is System.Text.DecoderFallbackException)
        {
            throw TextFiles.InvalidUtf8(labelPath);
        }
    }

    /// <summary>Reads the weak labels and gold labels of a Wrench split as a label matrix.</summary>
    public static LabelMatrix ReadMatrix(string path) => IO.ReadGuard.Run(path, () => ReadMatrixUnguarded(path));

    private static LabelMatrix ReadMatrixUnguarded(string path)
    {
        var schema = ReadSchema(path);
        LabelMatrixBuilder? builder = null;
        var lfCount = -1;
        long firstLine = 0;
        using var stream = Open(path);
        foreach (var member in JsonObjectStream.Read(stream, path))
        {
            var root = Row(path, member);
            if (!root.TryGetProperty("weak_labels", out var weak))
                throw SnorkelerException.InFile(path, $"row \"{member.Key}\" has no \"weak_labels\" array", member.Line);
            if (weak.ValueKind != JsonValueKind.Array)
                throw SnorkelerException.InFile(path, $"row \"{member.Key}\": \"weak_labels\" is {JsonObjectStream.Kind(weak.ValueKind)}, not an array of weak labels such as [-1, 0, 1]", member.LineOf(weak));
            var count = weak.GetArrayLength();
            if (lfCount < 0)
            {
                lfCount = count;
                firstLine = member.Line;
                builder = new LabelMatrixBuilder(schema, Enumerable.Range(0, count).Select(j => $"lf_{j}").ToArray(), 4096);
            }
            else if (count != lfCount)
                throw SnorkelerException.InFile(path, $"row \"{member.Key}\" has {count} weak labels but the first row (line {firstLine}) has {lfCount}",
                    count > lfCount ? member.LineOf(weak[lfCount]) : member.LineOf(weak, end: true)); // the first label too many, or the list's end where one is missing
            var row = builder!.AddRow();
            var j = 0;
            foreach (var vote in weak.EnumerateArray())
            {
                if (vote.ValueKind != JsonValueKind.Number || !vote.TryGetInt32(out var v) || !schema.IsValidVote(v))
                    throw SnorkelerException.InFile(path, $"row \"{member.Key}\": weak label {j} is {Quoted(vote)}, expected -1 or a class 0..{schema.Cardinality - 1}", member.LineOf(vote));
                builder.Set(row, j++, v);
            }
            builder.SetGold(row, Gold(path, schema, member));
        }
        if (builder is null) throw SnorkelerException.InFile(path, "the file has no rows");
        return builder.Build();
    }

    /// <summary>
    /// The gold labels of a Wrench split's rows (-1 where a row has none), in row order: its <c>label</c> fields only, so
    /// a split of data without weak labels has gold labels too.
    /// </summary>
    public static int[] ReadGold(string path) => IO.ReadGuard.Run(path, () =>
    {
        var schema = ReadSchema(path);
        var gold = new List<int>();
        using var stream = Open(path);
        foreach (var member in JsonObjectStream.Read(stream, path))
        {
            Row(path, member);
            gold.Add(Gold(path, schema, member));
        }
        if (gold.Count == 0) throw SnorkelerException.InFile(path, "the file has no rows");
        return gold.ToArray();
    });

    /// <summary>
    /// A row's object. A member whose value is not an object is taken for the sign of another format: JSON Lines named
    /// <c>.json</c> reads as an object whose members are the first record's fields ("COMMENT_ID": "z13...").
    /// </summary>
    private static JsonElement Row(string path, JsonObjectStream.Member member)
        => member.Value.RootElement is { ValueKind: JsonValueKind.Object } row
            ? row
            : throw SnorkelerException.InFile(path, $"\"{member.Key}\" holds {JsonObjectStream.Kind(member.Value.RootElement.ValueKind)}, not a row object: "
                + $"a .json file is read as a Wrench split ({JsonObjectStream.SplitShape}); {JsonObjectStream.LinesHint}", member.Line);

    /// <summary>A row's gold label: its <c>label</c>, or -1 when it has none (absent or null).</summary>
    private static int Gold(string path, LabelSchema schema, JsonObjectStream.Member member)
    {
        if (!member.Value.RootElement.TryGetProperty("label", out var label) || label.ValueKind == JsonValueKind.Null) return LabelSchema.Abstain;
        if (label.ValueKind != JsonValueKind.Number || !label.TryGetInt32(out var gold) || !schema.IsValidVote(gold))
            throw SnorkelerException.InFile(path, $"row \"{member.Key}\": label {Quoted(label)} is not a class 0..{schema.Cardinality - 1}", member.LineOf(label));
        return gold;
    }

    /// <summary>The longest JSON value a message quotes whole.</summary>
    private const int MaxQuoted = 60;

    /// <summary>
    /// A value as a message quotes it: its JSON on one line (an array or object written over several lines comes out
    /// compact, <c>[1]</c>, not with its line breaks escaped), cut past <see cref="MaxQuoted"/> characters.
    /// </summary>
    private static string Quoted(JsonElement value)
    {
        var text = value.GetRawText();
        if (value.ValueKind is JsonValueKind.Array or JsonValueKind.Object)
        {
            var compact = new System.Buffers.ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(compact)) value.WriteTo(writer);
            text = System.Text.Encoding.UTF8.GetString(compact.WrittenSpan);
        }
        return text.Length <= MaxQuoted ? text : string.Concat(text.AsSpan(0, MaxQuoted), "…");
    }

    /// <summary>Opens a Wrench split as a data source over its rows' <c>data</c> fields.</summary>
    public static IDataSource OpenData(string path) => new WrenchDataSource(path);

    internal static FileStream Open(string path) => IO.InputFile.OpenRead(path);

    /// <summary>
    /// The first row after the first whose <c>data</c> has <paramref name="field"/> (ignoring case) as a key that the first
    /// row's <c>data</c> lacks, with its line, the row's id and the key as written: the first row's keys are the columns,
    /// so a message about a field the data lacks can say where it is. Reads at most the first
    /// <see cref="JsonLinesSource.KeySearchChars"/> bytes of the file; null when no row has it or the file cannot be read.
    /// </summary>
    internal static (long Line, string Row, string Key)? LaterRowWithKey(string path, string field)
    {
        try
        {
            using var stream = Open(path);
            HashSet<string>? firstKeys = null;
            foreach (var member in JsonObjectStream.Read(stream, path))
            {
                if (stream.Position > JsonLinesSource.KeySearchChars) break;
                if (member.Value.RootElement.ValueKind != JsonValueKind.Object || !member.Value.RootElement.TryGetProperty("data", out var data)
                    || data.ValueKind != JsonValueKind.Object)
                    continue;
                if (firstKeys is null)
                {
                    firstKeys = [.. data.EnumerateObject().Select(p => p.Name)];
                    continue;
                }
                foreach (var p in data.EnumerateObject())
                    if (p.Name.Equals(field, StringComparison.OrdinalIgnoreCase) && !firstKeys.Contains(p.Name)) return (member.LineOf(p.Value), member.Key, p.Name);
            }
        }
        catch (Exception e) when (e is SnorkelerException or IOException or JsonException) { }
        return null;
    }

    private sealed class WrenchDataSource(string path) : IDataSource
    {
        public string Name => path;

        public IReadOnlyList<string> Files => [path];

        public DataSchema Schema { get; } = IO.ReadGuard.Run(path, () => ReadDataSchema(path));

        public IEnumerable<RowBatch> ReadBatches(int rowsPerBatch) => IO.ReadGuard.Each(path, ReadBatchesCore(rowsPerBatch));

        private IEnumerable<RowBatch> ReadBatchesCore(int rowsPerBatch)
        {
            var builder = new RowBatchBuilder(Schema, rowsPerBatch, trackLines: true);
            long first = 0;
            using var stream = Open(path);
            foreach (var member in JsonObjectStream.Read(stream, path))
            {
                builder.BeginRow(member.Line);
                builder.ClearRow();
                var key = 0;
                foreach (var field in Data(path, member).EnumerateObject())
                {
                    key++;
                    if (field.Name.Length == 0) throw DataSchema.EmptyKey(path, key, member.Line, first: false);
                    var column = Schema.IndexOf(field.Name);
                    if (column >= 0) JsonCells.Set(builder, column, field.Value);
                }
                builder.EndSetRow();
                if (builder.Count == rowsPerBatch)
                {
                    yield return builder.Build(first);
                    first += rowsPerBatch;
                }
            }
            if (builder.Count > 0 || first == 0) yield return builder.Build(first);
        }

        private static DataSchema ReadDataSchema(string path)
        {
            using var stream = Open(path);
            foreach (var member in JsonObjectStream.Read(stream, path))
                return DataSchema.OfKeys(Data(path, member), path, member.Line);
            throw SnorkelerException.InFile(path, "the file has no rows");
        }

        /// <summary>A row's <c>data</c> object; a row without one is an error naming it, whichever row it is.</summary>
        private static JsonElement Data(string path, JsonObjectStream.Member member)
            => Row(path, member).TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
                ? data
                : throw SnorkelerException.InFile(path, $"row \"{member.Key}\" has no \"data\" object", member.Line);
    }
}

/// <summary>Turns JSON values into cells: strings as text, numbers and booleans as their JSON text, null as missing, objects and arrays as raw JSON.</summary>
internal static class JsonCells
{
    public static void Set(RowBatchBuilder builder, int column, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
            case JsonValueKind.Undefined:
                return;
            case JsonValueKind.String:
                builder.Set(column, value.GetString());
                return;
            default:
                builder.Set(column, value.GetRawText());
                return;
        }
    }
}
