using System.Globalization;
using Parquet;
using Parquet.Schema;

namespace Snorkeler.Data;

/// <summary>
/// A Parquet file read one row group at a time with Parquet.Net. Flat columns of strings, numbers,
/// booleans and dates become cells (numbers in invariant culture, dates ISO 8601); nulls are missing.
/// Nested and repeated columns are not supported and are named in the error.
/// </summary>
public sealed class ParquetSource : IDataSource
{
    private readonly string _path;
    private readonly DataField[] _fields;

    /// <summary>Opens the file and reads its schema.</summary>
    public ParquetSource(string path)
    {
        _path = Guard.NotNull(path);
        using var stream = WrenchFile.Open(path);
        // Parquet.Net trusts the file (a damaged footer once made it loop for ever), so the structure is checked first
        IO.ReadGuard.Run(path, () => { ParquetCheck.Footer(path, stream); return 0; });
        Parquet.Meta.FileMetaData meta;
        try
        {
            var reader = ParquetReader.CreateAsync(new ParquetCheck.EndCheckedStream(stream), leaveStreamOpen: true).GetAwaiter().GetResult();
            try
            {
                _fields = reader.Schema.GetDataFields();
                meta = reader.Metadata ?? throw new InvalidDataException("no metadata");
            }
            finally { reader.DisposeAsync().AsTask().GetAwaiter().GetResult(); }
        }
        catch (Exception e) when (e is not SnorkelerException and not OperationCanceledException) // the decoder's errors are about the file
        {
            throw SnorkelerException.InFile(path, $"not a readable Parquet file: {e.Message}", null, e);
        }
        var nested = _fields.FirstOrDefault(f => f.IsArray || f.Path.ToList().Count > 1);
        if (nested is not null)
            throw SnorkelerException.InFile(path, $"column '{nested.Path}' is nested or repeated; only flat columns can be labelled");
        var unreadable = _fields.FirstOrDefault(f => !IsText(TypeOf(f)) && !Cells.ContainsKey(TypeOf(f)));
        if (unreadable is not null)
        {
            var t = TypeOf(unreadable);
            var what = t == typeof(byte[]) || t == typeof(ReadOnlyMemory<byte>) ? "holds raw bytes (BYTE_ARRAY without a string annotation)" : $"has type {t.Name}";
            throw SnorkelerException.InFile(path, $"column '{unreadable.Name}' {what}, which cannot be read as a cell; write the file without it, or with it as text");
        }
        // Each column needs a name of its own, as a CSV header's and a JSON record's keys do; a long one would fill every message listing the columns
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < _fields.Length; i++)
        {
            var name = _fields[i].Name;
            if (name.Length == 0) throw SnorkelerException.InFile(path, $"column {i + 1} has no name; give it one");
            if (name.Length > DataSchema.MaxColumnName)
                throw SnorkelerException.InFile(path, $"column {i + 1} is {name.Length:N0} characters long (at most {DataSchema.MaxColumnName:N0} for a column name): '{name[..40]}…'");
            if (!seen.Add(name)) throw SnorkelerException.InFile(path, DataSchema.AppearsTwice(name));
        }
        IO.ReadGuard.Run(path, () => { ParquetCheck.Contents(path, stream, meta); return 0; });
        Schema = IO.ReadGuard.Run(path, () => new DataSchema(_fields.Select(f => f.Name)));
    }

    /// <inheritdoc />
    public string Name => _path;

    /// <inheritdoc />
    public IReadOnlyList<string> Files => [_path];

    /// <inheritdoc />
    public DataSchema Schema { get; }

    /// <inheritdoc />
    public IEnumerable<RowBatch> ReadBatches(int rowsPerBatch) => IO.ReadGuard.Each(_path, ReadBatchesCore(rowsPerBatch), decoder: true);

    private IEnumerable<RowBatch> ReadBatchesCore(int rowsPerBatch)
    {
        Guard.Positive(rowsPerBatch);
        using var stream = new ParquetCheck.EndCheckedStream(WrenchFile.Open(_path));
        var reader = ParquetReader.CreateAsync(stream).GetAwaiter().GetResult();
        try
        {
        long first = 0;
        var any = false;
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var rows = checked((int)group.RowCount);
            var columns = new string?[_fields.Length][];
            for (var c = 0; c < _fields.Length; c++)
            {
                // the decoder's own message says what is wrong but not where
                var field = _fields[c];
                columns[c] = IO.ReadGuard.Run(_path, () => ReadColumn(group, field, rows), decoder: true, where: $"column '{field.Name}' of row group {g}");
                if (IsText(TypeOf(field)) && Array.FindIndex(columns[c], v => v is not null && v.Contains('\uFFFD', StringComparison.Ordinal)) is var replaced and >= 0)
                    CheckUtf8(group, g, field, columns[c], first, replaced);
            }
            for (var start = 0; start < rows; start += rowsPerBatch)
            {
                var count = Math.Min(rowsPerBatch, rows - start);
                var builder = new RowBatchBuilder(Schema, count);
                for (var i = start; i < start + count; i++)
                {
                    builder.BeginRow();
                    for (var c = 0; c < columns.Length; c++)
                    {
                        var v = columns[c][i];
                        if (v is null) builder.AddMissing();
                        else builder.Add(v);
                    }
                    builder.EndRow();
                }
                any = true;
                yield return builder.Build(first);
                first += count;
            }
        }
        if (!any) yield return new RowBatchBuilder(Schema, 1).Build(0);
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static Type TypeOf(DataField field) => Nullable.GetUnderlyingType(field.ClrType) ?? field.ClrType;

    // Parquet.Net 6 reports UTF-8 string columns as ReadOnlyMemory<char>; they read as strings.
    private static bool IsText(Type t) => t == typeof(string) || t == typeof(ReadOnlyMemory<char>);

    /// <summary>How each type of flat column other than text becomes cells: numbers in invariant culture, dates ISO 8601.</summary>
    private static readonly Dictionary<Type, Func<ParquetRowGroupReader, DataField, int, string?[]>> Cells = new()
    {
        [typeof(bool)] = (g, f, n) => Read<bool>(g, f, n, v => v ? "true" : "false"),
        [typeof(sbyte)] = (g, f, n) => Read<sbyte>(g, f, n, v => v.ToString(CultureInfo.InvariantCulture)),
        [typeof(byte)] = (g, f, n) => Read<byte>(g, f, n, v => v.ToString(CultureInfo.InvariantCulture)),
        [typeof(short)] = (g, f, n) => Read<short>(g, f, n, v => v.ToString(CultureInfo.InvariantCulture)),
        [typeof(ushort)] = (g, f, n) => Read<ushort>(g, f, n, v => v.ToString(CultureInfo.InvariantCulture)),
        [typeof(int)] = (g, f, n) => Read<int>(g, f, n, v => v.ToString(CultureInfo.InvariantCulture)),
        [typeof(uint)] = (g, f, n) => Read<uint>(g, f, n, v => v.ToString(CultureInfo.InvariantCulture)),
        [typeof(long)] = (g, f, n) => Read<long>(g, f, n, v => v.ToString(CultureInfo.InvariantCulture)),
        [typeof(ulong)] = (g, f, n) => Read<ulong>(g, f, n, v => v.ToString(CultureInfo.InvariantCulture)),
        [typeof(float)] = (g, f, n) => Read<float>(g, f, n, v => v.ToString("R", CultureInfo.InvariantCulture)),
        [typeof(double)] = (g, f, n) => Read<double>(g, f, n, v => v.ToString("R", CultureInfo.InvariantCulture)),
        [typeof(decimal)] = (g, f, n) => Read<decimal>(g, f, n, v => v.ToString(CultureInfo.InvariantCulture)),
        [typeof(DateTime)] = (g, f, n) => Read<DateTime>(g, f, n, v => v.ToString("O", CultureInfo.InvariantCulture)),
        [typeof(DateTimeOffset)] = (g, f, n) => Read<DateTimeOffset>(g, f, n, v => v.ToString("O", CultureInfo.InvariantCulture)),
        [typeof(DateOnly)] = (g, f, n) => Read<DateOnly>(g, f, n, v => v.ToString("O", CultureInfo.InvariantCulture)),
        [typeof(TimeSpan)] = (g, f, n) => Read<TimeSpan>(g, f, n, v => v.ToString("c", CultureInfo.InvariantCulture)),
    };

    private static string?[] ReadColumn(ParquetRowGroupReader group, DataField field, int rows)
    {
        if (!IsText(TypeOf(field))) return Cells[TypeOf(field)](group, field, rows);
        var values = new string?[rows];
        group.ReadAsync(field, values.AsMemory(), null).AsTask().GetAwaiter().GetResult();
        return values;
    }

    /// <summary>
    /// Parquet.Net decodes text that is not UTF-8 to U+FFFD without a word; the other formats refuse such text. A column
    /// with a U+FFFD (<paramref name="from"/>: the first such cell) is read again as bytes, and a cell whose bytes are not
    /// UTF-8 is an error naming the column and row; a U+FFFD written as such (valid UTF-8) is kept.
    /// </summary>
    private void CheckUtf8(ParquetRowGroupReader group, int groupIndex, DataField field, string?[] cells, long firstRow, int from)
    {
        var bytes = new ReadOnlyMemory<byte>[cells.Length]; // the values of the present cells, in order, then unused
        var raw = new DataField(field.Name, typeof(byte[]), isNullable: field.IsNullable);
        _ = new ParquetSchema(raw); // a field is read through the schema it belongs to
        var levels = new int[cells.Length]; // asked for a required column too
        IO.ReadGuard.Run(_path, () => { group.ReadRawAsync(raw, bytes.AsMemory(), levels, null).AsTask().GetAwaiter().GetResult(); return 0; }, decoder: true,
            where: $"column '{field.Name}' of row group {groupIndex}");
        var value = 0;
        for (var i = 0; i < cells.Length; i++)
        {
            if (cells[i] is null) continue;
            if (i >= from && !System.Text.Unicode.Utf8.IsValid(bytes[value].Span))
                throw SnorkelerException.InFile(_path, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"column '{field.Name}', row {firstRow + i + 1} (the first row is 1): the text is not valid UTF-8 (write the file's strings as UTF-8)"));
            value++;
        }
    }

    private static string?[] Read<T>(ParquetRowGroupReader group, DataField field, int rows, Func<T, string> format) where T : struct
    {
        var result = new string?[rows];
        if (field.IsNullable)
        {
            var values = new T?[rows];
            group.ReadAsync(field, values.AsMemory(), null).AsTask().GetAwaiter().GetResult();
            for (var i = 0; i < rows; i++) result[i] = values[i] is { } v ? format(v) : null;
        }
        else
        {
            var values = new T[rows];
            group.ReadAsync(field, values.AsMemory(), null).AsTask().GetAwaiter().GetResult();
            for (var i = 0; i < rows; i++) result[i] = format(values[i]);
        }
        return result;
    }
}
