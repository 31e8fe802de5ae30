using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Parquet;
using Parquet.Schema;

namespace Snorkeler.IO;

/// <summary>
/// The columns of a labels file besides the probabilities, so that every output row can be joined back to its input:
/// the data row number, text columns carried from the input (an id, <c>--keep-columns</c>, a task key), and the hard
/// label's class name.
/// </summary>
public sealed record LabelsLayout
{
    /// <summary>The name of the row-number column.</summary>
    public const string RowColumn = "row";

    /// <summary>The name of the hard label's class-name column.</summary>
    public const string LabelNameColumn = "label_name";

    /// <summary>Write the 1-based data row number as the first column, <c>row</c> (default true).</summary>
    public bool RowNumbers { get; init; } = true;

    /// <summary>Text columns written after the row number, in order (an id column, kept input columns).</summary>
    public IReadOnlyList<string> Keys { get; init; } = [];

    /// <summary>Write the hard label's class name (<see cref="LabelSchema.AbstainName"/> for -1) after it, as <c>label_name</c> (default true).</summary>
    public bool LabelNames { get; init; } = true;
}

/// <summary>
/// Writes probabilistic training labels, atomically, in the format the path's extension names: <c>.csv</c>,
/// <c>.jsonl</c> (one object per row) or <c>.parquet</c> (one row group per block). Columns, in order (see
/// <see cref="LabelsLayout"/>): <c>row</c> (the 1-based data row), the key columns, one <c>p_&lt;class&gt;</c> per
/// class, <c>label</c> (the hard label, -1 = abstain) and <c>label_name</c>.
/// </summary>
public abstract class LabelsWriter : IDisposable
{
    private readonly PendingFile _file;
    private bool _prepared;

    private protected LabelsWriter(string path, LabelSchema schema, LabelsLayout layout)
    {
        Path = path;
        Schema = schema;
        Layout = layout;
        Columns = (layout.RowNumbers ? [LabelsLayout.RowColumn] : Array.Empty<string>())
            .Concat(layout.Keys)
            .Concat(schema.ClassNames.Select(c => "p_" + c))
            .Append("label")
            .Concat(layout.LabelNames ? [LabelsLayout.LabelNameColumn] : Array.Empty<string>())
            .ToArray();
        if (Columns.GroupBy(c => c, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new SnorkelerException($"{path}: the labels would have two columns named '{twice.Key}'; keep or name the input column differently");
        _file = AtomicFile.Begin(path);
    }

    /// <summary>Starts a labels file in the format its extension names.</summary>
    public static LabelsWriter Create(string path, LabelSchema schema, LabelsLayout layout)
    {
        Guard.NotNull(schema);
        Guard.NotNull(layout);
        return CheckExtension(path) switch
        {
            ".csv" => new CsvLabelsWriter(path, schema, layout),
            ".parquet" => new ParquetLabelsWriter(path, schema, layout),
            _ => new JsonLinesLabelsWriter(path, schema, layout),
        };
    }

    /// <summary>Starts a labels file with row numbers, an optional id column and class names.</summary>
    public static LabelsWriter Create(string path, LabelSchema schema, string? idColumn = null)
        => Create(path, schema, new LabelsLayout { Keys = idColumn is null ? [] : [idColumn] });

    /// <summary>The extensions labels are written with, each picking its format (.ndjson is taken for .jsonl too).</summary>
    public static readonly IReadOnlyList<string> Extensions = [".csv", ".jsonl", ".parquet"];

    /// <summary>The path's extension when it names a labels format; an error otherwise.</summary>
    public static string CheckExtension(string path)
    {
        var ext = System.IO.Path.GetExtension(path).ToLowerInvariant();
        return ext is ".csv" or ".jsonl" or ".ndjson" or ".parquet"
            ? ext
            : throw OutputName.WithoutExtension(path, "labels", Extensions)
                ?? new SnorkelerException($"{path}: unknown labels format '{ext}' (expected .csv, .jsonl or .parquet)");
    }

    /// <summary>The destination.</summary>
    public string Path { get; }

    /// <summary>The classes.</summary>
    public LabelSchema Schema { get; }

    /// <summary>The columns besides the probabilities.</summary>
    public LabelsLayout Layout { get; }

    /// <summary>The name of the first key column (the id), or null when there is none.</summary>
    public string? IdColumn => Layout.Keys.Count > 0 ? Layout.Keys[0] : null;

    /// <summary>Rows written.</summary>
    public long Rows { get; private set; }

    /// <summary>The column names, in order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The stream being written.</summary>
    private protected Stream Stream => _file.Stream;

    /// <summary>Flushes what was written so far to disk (see <see cref="PendingFile.FlushToDisk"/>).</summary>
    private protected void FlushWrittenToDisk() => _file.FlushToDisk();

    /// <summary>Appends rows numbered on from the rows written so far, with the first key column (an id) when the layout has one.</summary>
    public void Write(IReadOnlyList<string?>? ids, ReadOnlySpan<double> probabilities, ReadOnlySpan<int> labels)
    {
        var rows = new long[labels.Length];
        for (var i = 0; i < rows.Length; i++) rows[i] = Rows + i + 1;
        Write(rows, ids is null ? null : [ids], probabilities, labels);
    }

    /// <summary>
    /// Appends rows: their 1-based data row numbers, the key columns' values (one list per key column, one value per
    /// row; null for a missing value), probabilities row-major (rows × k) and hard labels.
    /// </summary>
    public void Write(ReadOnlySpan<long> rows, IReadOnlyList<IReadOnlyList<string?>>? keys, ReadOnlySpan<double> probabilities, ReadOnlySpan<int> labels)
    {
        var n = labels.Length;
        if (rows.Length != n) throw new ArgumentException($"{rows.Length} row numbers for {n} rows", nameof(rows));
        if (probabilities.Length != n * Schema.Cardinality) throw new ArgumentException($"{probabilities.Length} probabilities for {n} rows of {Schema.Cardinality} classes", nameof(probabilities));
        if ((keys?.Count ?? 0) != Layout.Keys.Count || (keys is not null && keys.Any(k => k.Count != n)))
            throw new ArgumentException($"one value per row for each of the {Layout.Keys.Count} key columns is required", nameof(keys));
        WriteRows(rows, keys ?? [], probabilities, labels);
        Rows += n;
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
        // Marked prepared only once complete: a failure here (a background write that failed) leaves the file to Dispose to discard.
        Finish();
        _file.Complete();
        _prepared = true;
        return [_file];
    }

    /// <summary>Discards the file unless committed or handed over by <see cref="Prepare"/>.</summary>
    public void Dispose()
    {
        if (!_prepared)
        {
            Drain();
            _file.Dispose();
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>The class name of a hard label.</summary>
    private protected string NameOf(int label) => Schema.NameOf(label);

    private protected abstract void WriteRows(ReadOnlySpan<long> rows, IReadOnlyList<IReadOnlyList<string?>> keys, ReadOnlySpan<double> probabilities, ReadOnlySpan<int> labels);

    private protected abstract void Finish();

    /// <summary>Waits for writes still running in the background, ignoring their failure (the file is being discarded).</summary>
    private protected virtual void Drain() { }
}

internal sealed class CsvLabelsWriter : LabelsWriter
{
    private readonly byte[][] _labelNames;

    public CsvLabelsWriter(string path, LabelSchema schema, LabelsLayout layout) : base(path, schema, layout)
    {
        // The names of -1 (abstain) and each class, quoted where needed, each with its leading comma.
        _labelNames = Enumerable.Range(-1, schema.Cardinality + 1).Select(c => Encoding.UTF8.GetBytes("," + CsvMatrixWriter.Quote(schema.NameOf(c)))).ToArray();
        Stream.Write(Encoding.UTF8.GetBytes(string.Join(",", Columns.Select(CsvMatrixWriter.Quote)) + "\n"));
    }

    private const int SliceRows = 8192;

    /// <summary>How much text the background writer leaves unflushed before it flushes it to disk.</summary>
    private const long SyncBytes = 8 << 20;

    // Reused from block to block (a fresh megabyte per slice and block was mostly page faults and zeroing): one set is
    // formatted into while the other is written.
    private byte[][] _buffers = [];
    private byte[][] _written = [];
    private Task _writing = Task.CompletedTask;
    private long _unsynced;
    private double[] _probabilities = [];
    private int[] _labels = [];
    private long[] _rows = [];

    /// <summary>
    /// Formatting the numbers is nearly all the cost of a large block: rows are formatted as UTF-8 in parallel slices,
    /// then written in order (the same text as row by row); probabilities by <see cref="ShortestDouble"/>, the runtime's
    /// round-trip text several times faster.
    /// </summary>
    private protected override void WriteRows(ReadOnlySpan<long> rows, IReadOnlyList<IReadOnlyList<string?>> keys, ReadOnlySpan<double> probabilities, ReadOnlySpan<int> labels)
    {
        var n = labels.Length;
        var k = Schema.Cardinality;
        var slices = n >= 2 * SliceRows && Environment.ProcessorCount > 1 ? (n + SliceRows - 1) / SliceRows : 1;
        if (_buffers.Length < slices) Array.Resize(ref _buffers, slices);
        var lengths = new int[slices];
        var p = Reuse(ref _probabilities, probabilities);
        var l = Reuse(ref _labels, labels);
        var r = Reuse(ref _rows, rows);
        var quotedKeys = keys.Select(column => column.Select(v => Encoding.UTF8.GetBytes(CsvMatrixWriter.Quote(v ?? "") + ",")).ToArray()).ToArray();
        var rowBytes = k * (ShortestDouble.MaxLength + 1) + 24 + 64;
        void Format(int slice)
        {
            var from = slice * (n / slices);
            var to = slice == slices - 1 ? n : (slice + 1) * (n / slices);
            var keyBytes = 0;
            foreach (var column in quotedKeys)
                for (var i = from; i < to; i++) keyBytes += column[i].Length;
            var need = Math.Max(64, (to - from) * rowBytes + keyBytes);
            var buffer = _buffers[slice] is { } reused && reused.Length >= need ? reused : GC.AllocateUninitializedArray<byte>(need);
            var used = 0;
            for (var i = from; i < to; i++)
            {
                if (Layout.RowNumbers)
                {
                    r[i].TryFormat(buffer.AsSpan(used), out var w, default, CultureInfo.InvariantCulture);
                    used += w;
                    buffer[used++] = (byte)',';
                }
                foreach (var column in quotedKeys)
                {
                    column[i].CopyTo(buffer, used);
                    used += column[i].Length;
                }
                for (var c = 0; c < k; c++)
                {
                    used += ShortestDouble.Format(p[i * k + c], buffer.AsSpan(used));
                    buffer[used++] = (byte)',';
                }
                l[i].TryFormat(buffer.AsSpan(used), out var m, default, CultureInfo.InvariantCulture);
                used += m;
                if (Layout.LabelNames)
                {
                    var name = _labelNames[l[i] + 1];
                    if (used + name.Length + 1 > buffer.Length) Array.Resize(ref buffer, Math.Max(buffer.Length * 2, used + name.Length + 1));
                    name.CopyTo(buffer, used);
                    used += name.Length;
                }
                buffer[used++] = (byte)'\n';
                if (buffer.Length - used < rowBytes && i + 1 < to) Array.Resize(ref buffer, buffer.Length * 2);
            }
            _buffers[slice] = buffer;
            lengths[slice] = used;
        }
        if (slices == 1) Format(0);
        else Threading.CallerFirst.For(slices, Format);
        // The block is written in the background while the caller computes the next one (the copy into the page cache
        // is a sizeable share of a large block's time); blocks are written in order, one at a time. On a thread of its
        // own, not the thread pool's: where every pool worker is busy (the studio's server, tests running commands side by
        // side) a queued write waited for one, and the command with it.
        _writing.GetAwaiter().GetResult();
        var formatted = _buffers;
        _writing = Task.Factory.StartNew(() =>
        {
            for (var s = 0; s < slices; s++) Stream.Write(formatted[s], 0, lengths[s]);
            // The text goes to disk as it is written, here in the background, rather than all at once when the file is
            // committed (75 MB took ~66 ms of fsync at the end of a 1 M-row predict).
            _unsynced += lengths.Sum();
            if (_unsynced >= SyncBytes)
            {
                FlushWrittenToDisk();
                _unsynced = 0;
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        (_buffers, _written) = (_written, _buffers);
    }

    /// <summary>Copies <paramref name="values"/> into <paramref name="array"/>, grown when too short (the formatting threads read it).</summary>
    private static T[] Reuse<T>(ref T[] array, ReadOnlySpan<T> values)
    {
        if (array.Length < values.Length) array = GC.AllocateUninitializedArray<T>(values.Length);
        values.CopyTo(array);
        return array;
    }

    private protected override void Finish() => _writing.GetAwaiter().GetResult();

    private protected override void Drain()
    {
        try { _writing.GetAwaiter().GetResult(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SnorkelerException or ObjectDisposedException) { }
    }
}

internal sealed class JsonLinesLabelsWriter : LabelsWriter
{
    /// <summary>Formatted text passed to the file at a time.</summary>
    private const int WriteBytes = 1 << 20;

    // The writer formats into memory, not into the file's stream: flushing a Utf8JsonWriter flushes its stream too, and
    // a flush for every row's line end was a write system call a row (1 M rows: 12.4 s, against 1.1 s for CSV).
    private readonly ArrayBufferWriter<byte> _text = new(WriteBytes + (64 << 10));
    private readonly Utf8JsonWriter _json;
    private readonly JsonEncodedText[] _names;

    public JsonLinesLabelsWriter(string path, LabelSchema schema, LabelsLayout layout) : base(path, schema, layout)
    {
        _json = new Utf8JsonWriter(_text, new JsonWriterOptions { Indented = false, SkipValidation = true });
        _names = Columns.Select(c => JsonEncodedText.Encode(c)).ToArray();
    }

    private protected override void WriteRows(ReadOnlySpan<long> rows, IReadOnlyList<IReadOnlyList<string?>> keys, ReadOnlySpan<double> probabilities, ReadOnlySpan<int> labels)
    {
        var k = Schema.Cardinality;
        for (var i = 0; i < labels.Length; i++)
        {
            var column = 0;
            _json.WriteStartObject();
            if (Layout.RowNumbers) _json.WriteNumber(_names[column++], rows[i]);
            foreach (var key in keys)
            {
                if (key[i] is { } value) _json.WriteString(_names[column++], value);
                else _json.WriteNull(_names[column++]);
            }
            for (var c = 0; c < k; c++) _json.WriteNumber(_names[column++], probabilities[i * k + c]);
            _json.WriteNumber(_names[column++], labels[i]);
            if (Layout.LabelNames) _json.WriteString(_names[column], NameOf(labels[i]));
            _json.WriteEndObject();
            _json.Flush();
            _text.GetSpan(1)[0] = (byte)'\n';
            _text.Advance(1);
            _json.Reset();
            if (_text.WrittenCount >= WriteBytes) WriteText();
        }
        WriteText();
    }

    private void WriteText()
    {
        Stream.Write(_text.WrittenSpan);
        _text.ResetWrittenCount();
    }

    private protected override void Finish()
    {
        _json.Flush();
        WriteText();
    }
}

internal sealed class ParquetLabelsWriter : LabelsWriter
{
    private readonly ParquetWriter _writer;
    private readonly DataField<long>? _row;
    private readonly DataField<string>[] _keys;
    private readonly DataField<double>[] _probabilities;
    private readonly DataField<int> _label;
    private readonly DataField<string>? _labelName;

    public ParquetLabelsWriter(string path, LabelSchema schema, LabelsLayout layout) : base(path, schema, layout)
    {
        _row = layout.RowNumbers ? new DataField<long>(LabelsLayout.RowColumn) : null;
        _keys = layout.Keys.Select(k => new DataField<string>(k, true)).ToArray();
        _probabilities = schema.ClassNames.Select(c => new DataField<double>("p_" + c)).ToArray();
        _label = new DataField<int>("label");
        _labelName = layout.LabelNames ? new DataField<string>(LabelsLayout.LabelNameColumn, false) : null;
        var fields = new List<Field>();
        if (_row is not null) fields.Add(_row);
        fields.AddRange(_keys);
        fields.AddRange(_probabilities);
        fields.Add(_label);
        if (_labelName is not null) fields.Add(_labelName);
        _writer = ParquetWriter.CreateAsync(new ParquetSchema(fields), Stream).GetAwaiter().GetResult();
    }

    private protected override void WriteRows(ReadOnlySpan<long> rows, IReadOnlyList<IReadOnlyList<string?>> keys, ReadOnlySpan<double> probabilities, ReadOnlySpan<int> labels)
    {
        var n = labels.Length;
        if (n == 0) return;
        var k = Schema.Cardinality;
        using var group = _writer.CreateRowGroup();
        if (_row is not null) group.WriteAsync<long>(_row, rows.ToArray().AsMemory(), null).GetAwaiter().GetResult();
        for (var q = 0; q < _keys.Length; q++) group.WriteAsync(_keys[q], keys[q].ToArray(), null).GetAwaiter().GetResult();
        var column = new double[n];
        for (var c = 0; c < k; c++)
        {
            for (var i = 0; i < n; i++) column[i] = probabilities[i * k + c];
            group.WriteAsync<double>(_probabilities[c], column.AsMemory(), null).GetAwaiter().GetResult();
        }
        group.WriteAsync<int>(_label, labels.ToArray().AsMemory(), null).GetAwaiter().GetResult();
        if (_labelName is not null)
        {
            var names = new string[n];
            for (var i = 0; i < n; i++) names[i] = NameOf(labels[i]);
            group.WriteAsync(_labelName, names, null).GetAwaiter().GetResult();
        }
        group.CompleteValidate();
    }

    private protected override void Finish() => _writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
