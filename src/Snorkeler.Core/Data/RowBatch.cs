using System.Globalization;

namespace Snorkeler.Data;

/// <summary>
/// A batch of consecutive rows from a data source, stored by column: every cell is a slice of one
/// character buffer (or missing), so reading a batch allocates per batch, not per cell. Numbers are
/// kept as their text and parsed on demand with the invariant culture.
/// </summary>
public sealed class RowBatch
{
    private char[] _chars;
    private int[] _starts;
    private int[] _lengths;

    internal RowBatch(DataSchema schema, long firstRow, int count, char[] chars, int[] starts, int[] lengths, long[]? lines, string? sourceName = null)
    {
        SourceName = sourceName;
        Schema = schema;
        FirstRow = firstRow;
        Count = count;
        _chars = chars;
        _starts = starts;
        _lengths = lengths;
        Lines = lines;
    }

    /// <summary>The columns.</summary>
    public DataSchema Schema { get; }

    /// <summary>The 0-based index, in the whole source, of this batch's first row.</summary>
    public long FirstRow { get; }

    /// <summary>Rows in this batch.</summary>
    public int Count { get; private set; }

    /// <summary>Per row, the 1-based line of the source file where the row starts, when the format has lines.</summary>
    internal long[]? Lines { get; private set; }

    /// <summary>Row <paramref name="index"/> of this batch.</summary>
    public DataRow this[int index] => new(this, index);

    /// <summary>True when the cell is missing (an empty CSV cell, a JSON null or absent key).</summary>
    public bool IsMissing(int row, int column) => _lengths[row * Schema.Count + column] < 0;

    /// <summary>The cell's text; empty when missing.</summary>
    public ReadOnlySpan<char> Text(int row, int column)
    {
        var cell = row * Schema.Count + column;
        var length = _lengths[cell];
        return length <= 0 ? ReadOnlySpan<char>.Empty : _chars.AsSpan(_starts[cell], length);
    }

    /// <summary>The 1-based source line of a row, when known.</summary>
    public long? LineOf(int row) => Lines?[row];

    /// <summary>The file the rows come from, when the source joins several files; null otherwise.</summary>
    public string? SourceName { get; }

    /// <summary>
    /// Hands the batch's arrays back to <see cref="BatchArrays"/> for the next batches. Only for the one consumer of a
    /// batch nobody else holds (the applier's worker, with a freshly parsed chunk); the batch is empty afterwards.
    /// </summary>
    internal void ReturnArrays()
    {
        BatchArrays.Return(_chars);
        BatchArrays.Return(_starts);
        BatchArrays.Return(_lengths);
        BatchArrays.Return(Lines);
        _chars = [];
        _starts = [];
        _lengths = [];
        Lines = null;
        Count = 0;
    }

    /// <summary>
    /// When the source joins several files, the 0-based index of this batch's first row in its own file
    /// (<see cref="SourceName"/>), where <see cref="FirstRow"/> counts the rows of the files before it too; null otherwise.
    /// </summary>
    internal long? FileFirstRow { get; private init; }

    /// <summary>The 1-based number of row <paramref name="row"/> in its own file.</summary>
    internal long RowInFile(int row) => (FileFirstRow ?? FirstRow) + row + 1;

    /// <summary>
    /// Where row <paramref name="row"/> is, for a message that has just said "row N" (N counting every file's rows):
    /// <c> (data.csv line 3)</c> where the format has lines, <c> (b.parquet row 2)</c> for a row of one of several files
    /// that has none, else <c> of data.parquet</c>. <paramref name="sourceName"/> names the file when the batch does not.
    /// </summary>
    internal string Place(int row, string? sourceName)
    {
        var file = SourceName ?? sourceName;
        if (LineOf(row) is { } line and > 0) return $" ({file} line {line.ToString(CultureInfo.InvariantCulture)})";
        if (FileFirstRow is not null) return $" ({file} row {RowInFile(row).ToString(CultureInfo.InvariantCulture)})";
        return $" of {file}";
    }

    /// <summary>
    /// The same cells under other column names, row numbering or source name; <paramref name="fileFirstRow"/> is
    /// <see cref="FileFirstRow"/> (kept when null).
    /// </summary>
    internal RowBatch Rebase(DataSchema schema, long firstRow, string? sourceName, long? fileFirstRow = null)
        => new(schema, firstRow, Count, _chars, _starts, _lengths, Lines, sourceName) { FileFirstRow = fileFirstRow ?? FileFirstRow };
}

/// <summary>
/// One row of a <see cref="RowBatch"/>: typed, allocation-free access to its fields, by column index
/// (fast; indexes come from <see cref="DataSchema.IndexOf"/>) or by name.
/// </summary>
public readonly struct DataRow
{
    private readonly RowBatch _batch;
    private readonly int _index;

    internal DataRow(RowBatch batch, int index)
    {
        _batch = batch;
        _index = index;
    }

    /// <summary>The 0-based index of the row in the whole source.</summary>
    public long Index => _batch.FirstRow + _index;

    /// <summary>Where the row is, for a message that has just said "row N" (see <see cref="RowBatch.Place"/>).</summary>
    internal string Place(string? sourceName) => _batch.Place(_index, sourceName);

    /// <summary>The columns.</summary>
    public DataSchema Schema => _batch.Schema;

    /// <summary>The field's text as a span; empty when missing.</summary>
    public ReadOnlySpan<char> Span(int column) => _batch.Text(_index, column);

    /// <summary>The field's text as a span; empty when missing.</summary>
    public ReadOnlySpan<char> Span(string column) => Span(Column(column));

    /// <summary>The field's text; empty when missing.</summary>
    public string Text(int column) => new(_batch.Text(_index, column));

    /// <summary>The field's text; empty when missing.</summary>
    public string Text(string column) => Text(Column(column));

    /// <summary>True when the field is missing (empty CSV cell, JSON null).</summary>
    public bool IsMissing(int column) => _batch.IsMissing(_index, column);

    /// <summary>True when the field is missing (empty CSV cell, JSON null).</summary>
    public bool IsMissing(string column) => IsMissing(Column(column));

    /// <summary>The field as a number (invariant culture), or null when missing or not a number.</summary>
    public double? Number(int column)
        => !IsMissing(column) && double.TryParse(Span(column).Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;

    /// <summary>The field as a number (invariant culture), or null when missing or not a number.</summary>
    public double? Number(string column) => Number(Column(column));

    private int Column(string name) => _batch.Schema.RequireIndex(name);
}
