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
            for (var c = 0; c < _fields.Length; c++) columns[c] = ReadColumn(group, _fields[c], rows);
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

    private string?[] ReadColumn(ParquetRowGroupReader group, DataField field, int rows)
    {
        var t = Nullable.GetUnderlyingType(field.ClrType) ?? field.ClrType;
        // Parquet.Net 6 reports UTF-8 string columns as ReadOnlyMemory<char>; they read as strings.
        if (t == typeof(string) || t == typeof(ReadOnlyMemory<char>))
        {
            var values = new string?[rows];
            group.ReadAsync(field, values.AsMemory(), null).AsTask().GetAwaiter().GetResult();
            return values;
        }
        return t switch
        {
            _ when t == typeof(bool) => Read<bool>(group, field, rows, v => v ? "true" : "false"),
            _ when t == typeof(sbyte) => Read<sbyte>(group, field, rows, v => v.ToString(CultureInfo.InvariantCulture)),
            _ when t == typeof(byte) => Read<byte>(group, field, rows, v => v.ToString(CultureInfo.InvariantCulture)),
            _ when t == typeof(short) => Read<short>(group, field, rows, v => v.ToString(CultureInfo.InvariantCulture)),
            _ when t == typeof(ushort) => Read<ushort>(group, field, rows, v => v.ToString(CultureInfo.InvariantCulture)),
            _ when t == typeof(int) => Read<int>(group, field, rows, v => v.ToString(CultureInfo.InvariantCulture)),
            _ when t == typeof(uint) => Read<uint>(group, field, rows, v => v.ToString(CultureInfo.InvariantCulture)),
            _ when t == typeof(long) => Read<long>(group, field, rows, v => v.ToString(CultureInfo.InvariantCulture)),
            _ when t == typeof(ulong) => Read<ulong>(group, field, rows, v => v.ToString(CultureInfo.InvariantCulture)),
            _ when t == typeof(float) => Read<float>(group, field, rows, v => v.ToString("R", CultureInfo.InvariantCulture)),
            _ when t == typeof(double) => Read<double>(group, field, rows, v => v.ToString("R", CultureInfo.InvariantCulture)),
            _ when t == typeof(decimal) => Read<decimal>(group, field, rows, v => v.ToString(CultureInfo.InvariantCulture)),
            _ when t == typeof(DateTime) => Read<DateTime>(group, field, rows, v => v.ToString("O", CultureInfo.InvariantCulture)),
            _ when t == typeof(DateTimeOffset) => Read<DateTimeOffset>(group, field, rows, v => v.ToString("O", CultureInfo.InvariantCulture)),
            _ when t == typeof(DateOnly) => Read<DateOnly>(group, field, rows, v => v.ToString("O", CultureInfo.InvariantCulture)),
            _ when t == typeof(TimeSpan) => Read<TimeSpan>(group, field, rows, v => v.ToString("c", CultureInfo.InvariantCulture)),
            _ => throw SnorkelerException.InFile(_path, $"column '{field.Name}' has type {t.Name}, which cannot be read as a cell"),
        };
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
