using System.Globalization;
using System.Text;
using System.Text.Json;
using Parquet;
using Parquet.Schema;

namespace Snorkeler.IO;

/// <summary>
/// Writes probabilistic training labels, atomically, in the format the path's extension names:
/// <c>.csv</c> (header: optional id column, one <c>p_&lt;class&gt;</c> column per class, <c>label</c>),
/// <c>.jsonl</c> (one object per row with the same keys), or <c>.parquet</c> (one row group per block).
/// </summary>
public abstract class LabelsWriter : IDisposable
{
    private readonly PendingFile _file;
    private bool _prepared;

    private protected LabelsWriter(string path, LabelSchema schema, string? idColumn)
    {
        Path = path;
        Schema = schema;
        IdColumn = idColumn;
        _file = AtomicFile.Begin(path);
    }

    /// <summary>Starts a labels file in the format its extension names.</summary>
    public static LabelsWriter Create(string path, LabelSchema schema, string? idColumn = null)
        => CheckExtension(path) switch
        {
            ".csv" => new CsvLabelsWriter(path, schema, idColumn),
            ".parquet" => new ParquetLabelsWriter(path, schema, idColumn),
            _ => new JsonLinesLabelsWriter(path, schema, idColumn),
        };

    /// <summary>The path's extension when it names a labels format; an error otherwise.</summary>
    public static string CheckExtension(string path)
    {
        var ext = System.IO.Path.GetExtension(path).ToLowerInvariant();
        return ext is ".csv" or ".jsonl" or ".ndjson" or ".parquet"
            ? ext
            : throw new SnorkelerException($"{path}: unknown labels format '{ext}' (expected .csv, .jsonl or .parquet)");
    }

    /// <summary>The destination.</summary>
    public string Path { get; }

    /// <summary>The classes.</summary>
    public LabelSchema Schema { get; }

    /// <summary>The name of the id column, or null when rows have no id.</summary>
    public string? IdColumn { get; }

    /// <summary>Rows written.</summary>
    public long Rows { get; private set; }

    /// <summary>The column names, in order.</summary>
    public IReadOnlyList<string> Columns
        => (IdColumn is null ? [] : new[] { IdColumn }).Concat(Schema.ClassNames.Select(c => "p_" + c)).Append("label").ToArray();

    /// <summary>The stream being written.</summary>
    private protected Stream Stream => _file.Stream;

    /// <summary>Appends rows: ids (or null), probabilities row-major (rows × k), hard labels.</summary>
    public void Write(IReadOnlyList<string?>? ids, ReadOnlySpan<double> probabilities, ReadOnlySpan<int> labels)
    {
        if (IdColumn is not null && (ids is null || ids.Count != labels.Length))
            throw new ArgumentException("one id per row is required", nameof(ids));
        WriteRows(ids, probabilities, labels);
        Rows += labels.Length;
    }

    /// <summary>Finishes the file and moves it into place.</summary>
    public void Commit() => AtomicFile.Commit(Prepare());

    /// <summary>
    /// Finishes the content without publishing it: the file to pass to <see cref="AtomicFile.Commit(IReadOnlyList{PendingFile})"/>
    /// with the other files of its unit (a manifest). The caller then owns it (disposing this writer no longer discards it).
    /// </summary>
    public IReadOnlyList<PendingFile> Prepare()
    {
        if (_prepared) throw new InvalidOperationException("the labels were already prepared");
        _prepared = true;
        Finish();
        _file.Complete();
        return [_file];
    }

    /// <summary>Discards the file unless committed or handed over by <see cref="Prepare"/>.</summary>
    public void Dispose()
    {
        if (!_prepared) _file.Dispose();
        GC.SuppressFinalize(this);
    }

    private protected abstract void WriteRows(IReadOnlyList<string?>? ids, ReadOnlySpan<double> probabilities, ReadOnlySpan<int> labels);

    private protected abstract void Finish();
}

internal sealed class CsvLabelsWriter : LabelsWriter
{
    private readonly StreamWriter _text;

    public CsvLabelsWriter(string path, LabelSchema schema, string? idColumn) : base(path, schema, idColumn)
    {
        _text = new StreamWriter(Stream, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
        _text.WriteLine(string.Join(",", Columns.Select(CsvMatrixWriter.Quote)));
    }

    private const int SliceRows = 8192;

    private protected override void WriteRows(IReadOnlyList<string?>? ids, ReadOnlySpan<double> probabilities, ReadOnlySpan<int> labels)
    {
        if (IdColumn is null)
        {
            WriteParallel(probabilities, labels);
            return;
        }
        var k = Schema.Cardinality;
        Span<char> buffer = stackalloc char[32];
        for (var i = 0; i < labels.Length; i++)
        {
            if (IdColumn is not null)
            {
                _text.Write(CsvMatrixWriter.Quote(ids![i] ?? ""));
                _text.Write(',');
            }
            for (var c = 0; c < k; c++)
            {
                probabilities[i * k + c].TryFormat(buffer, out var n, "R", CultureInfo.InvariantCulture);
                _text.Write(buffer[..n]);
                _text.Write(',');
            }
            labels[i].TryFormat(buffer, out var m, default, CultureInfo.InvariantCulture);
            _text.Write(buffer[..m]);
            _text.Write('\n');
        }
    }

    /// <summary>
    /// Formatting the numbers is nearly all the cost of a large block: rows are formatted as UTF-8 in
    /// parallel slices, then written in order (the same text as row by row).
    /// </summary>
    private void WriteParallel(ReadOnlySpan<double> probabilities, ReadOnlySpan<int> labels)
    {
        _text.Flush();
        var rows = labels.Length;
        var k = Schema.Cardinality;
        var slices = rows >= 2 * SliceRows && Environment.ProcessorCount > 1 ? (rows + SliceRows - 1) / SliceRows : 1;
        var outputs = new byte[slices][];
        var lengths = new int[slices];
        var p = probabilities.ToArray();
        var l = labels.ToArray();
        void Format(int slice)
        {
            var from = slice * (rows / slices);
            var to = slice == slices - 1 ? rows : (slice + 1) * (rows / slices);
            var buffer = new byte[Math.Max(64, (to - from) * (k * 26 + 16))];
            var used = 0;
            for (var i = from; i < to; i++)
            {
                for (var c = 0; c < k; c++)
                {
                    p[i * k + c].TryFormat(buffer.AsSpan(used), out var n, "R", CultureInfo.InvariantCulture);
                    used += n;
                    buffer[used++] = (byte)',';
                }
                l[i].TryFormat(buffer.AsSpan(used), out var m, default, CultureInfo.InvariantCulture);
                used += m;
                buffer[used++] = (byte)'\n';
            }
            outputs[slice] = buffer;
            lengths[slice] = used;
        }
        if (slices == 1) Format(0);
        else Parallel.For(0, slices, Format);
        for (var s = 0; s < slices; s++) Stream.Write(outputs[s], 0, lengths[s]);
    }

    private protected override void Finish() => _text.Flush();
}

internal sealed class JsonLinesLabelsWriter : LabelsWriter
{
    private readonly Utf8JsonWriter _json;
    private readonly JsonEncodedText[] _names;

    public JsonLinesLabelsWriter(string path, LabelSchema schema, string? idColumn) : base(path, schema, idColumn)
    {
        _json = new Utf8JsonWriter(Stream, new JsonWriterOptions { Indented = false, SkipValidation = true });
        _names = Columns.Select(c => JsonEncodedText.Encode(c)).ToArray();
    }

    private protected override void WriteRows(IReadOnlyList<string?>? ids, ReadOnlySpan<double> probabilities, ReadOnlySpan<int> labels)
    {
        var k = Schema.Cardinality;
        var offset = IdColumn is null ? 0 : 1;
        for (var i = 0; i < labels.Length; i++)
        {
            _json.WriteStartObject();
            if (IdColumn is not null)
            {
                if (ids![i] is { } id) _json.WriteString(_names[0], id);
                else _json.WriteNull(_names[0]);
            }
            for (var c = 0; c < k; c++) _json.WriteNumber(_names[offset + c], probabilities[i * k + c]);
            _json.WriteNumber(_names[offset + k], labels[i]);
            _json.WriteEndObject();
            _json.Flush();
            Stream.WriteByte((byte)'\n');
            _json.Reset(Stream);
        }
    }

    private protected override void Finish() => _json.Flush();
}

internal sealed class ParquetLabelsWriter : LabelsWriter
{
    private readonly ParquetWriter _writer;
    private readonly DataField<string>? _id;
    private readonly DataField<double>[] _probabilities;
    private readonly DataField<int> _label;

    public ParquetLabelsWriter(string path, LabelSchema schema, string? idColumn) : base(path, schema, idColumn)
    {
        _id = idColumn is null ? null : new DataField<string>(idColumn, true);
        _probabilities = schema.ClassNames.Select(c => new DataField<double>("p_" + c)).ToArray();
        _label = new DataField<int>("label");
        var fields = new List<Field>();
        if (_id is not null) fields.Add(_id);
        fields.AddRange(_probabilities);
        fields.Add(_label);
        _writer = ParquetWriter.CreateAsync(new ParquetSchema(fields), Stream).GetAwaiter().GetResult();
    }

    private protected override void WriteRows(IReadOnlyList<string?>? ids, ReadOnlySpan<double> probabilities, ReadOnlySpan<int> labels)
    {
        var n = labels.Length;
        if (n == 0) return;
        var k = Schema.Cardinality;
        using var group = _writer.CreateRowGroup();
        if (_id is not null) group.WriteAsync(_id, ids!.ToArray(), null).GetAwaiter().GetResult();
        var column = new double[n];
        for (var c = 0; c < k; c++)
        {
            for (var i = 0; i < n; i++) column[i] = probabilities[i * k + c];
            group.WriteAsync<double>(_probabilities[c], column.AsMemory(), null).GetAwaiter().GetResult();
        }
        group.WriteAsync<int>(_label, labels.ToArray().AsMemory(), null).GetAwaiter().GetResult();
        group.CompleteValidate();
    }

    private protected override void Finish() => _writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
