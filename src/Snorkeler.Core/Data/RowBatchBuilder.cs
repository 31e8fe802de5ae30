namespace Snorkeler.Data;

/// <summary>
/// Fills a <see cref="RowBatch"/> cell by cell, row by row. Readers of every format share it, so every
/// source produces the same column-oriented batches.
/// </summary>
public sealed class RowBatchBuilder
{
    private readonly DataSchema _schema;
    private char[] _chars;
    private int[] _starts;
    private int[] _lengths;
    private long[]? _lines;
    private readonly bool _trackLines;
    private readonly bool _pooled;
    private int _charCapacity;
    private bool _handedOver;
    private int _used;
    private int _rows;
    private int _column;

    /// <summary>Creates a builder for rows of <paramref name="schema"/>.</summary>
    /// <param name="schema">The columns.</param>
    /// <param name="rowCapacity">The most rows one batch holds.</param>
    /// <param name="trackLines">Whether rows record their source line.</param>
    /// <param name="charCapacity">Characters to reserve for the first batch (0: a guess from the row capacity); it grows as needed.</param>
    public RowBatchBuilder(DataSchema schema, int rowCapacity, bool trackLines = false, int charCapacity = 0)
        : this(schema, rowCapacity, trackLines, charCapacity, pooled: false)
    {
    }

    /// <summary>A builder whose arrays come from <see cref="BatchArrays"/>, for batches whose one consumer hands them back with <see cref="RowBatch.ReturnArrays"/>.</summary>
    internal RowBatchBuilder(DataSchema schema, int rowCapacity, bool trackLines, int charCapacity, bool pooled)
    {
        _pooled = pooled;
        _schema = Guard.NotNull(schema);
        Guard.Positive(rowCapacity);
        RowCapacity = rowCapacity;
        _trackLines = trackLines;
        _charCapacity = charCapacity > 0 ? charCapacity : Math.Max(256, Math.Max(1, rowCapacity * schema.Count) * 16);
        Allocate();
    }

    /// <summary>
    /// Allocates the next batch's arrays, uninitialised: every cell up to the row count is written before a
    /// batch is read, and zeroing large arrays (with their page faults) was a tenth of the CSV parse time.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(_chars), nameof(_starts), nameof(_lengths))]
    private void Allocate()
    {
        var cells = Math.Max(1, RowCapacity * _schema.Count);
        if (_pooled)
        {
            _chars = BatchArrays.Rent<char>(_charCapacity);
            _starts = BatchArrays.Rent<int>(cells);
            _lengths = BatchArrays.Rent<int>(cells);
            _lines = _trackLines ? BatchArrays.Rent<long>(RowCapacity) : null;
            return;
        }
        _chars = GC.AllocateUninitializedArray<char>(_charCapacity);
        _starts = GC.AllocateUninitializedArray<int>(cells);
        _lengths = GC.AllocateUninitializedArray<int>(cells);
        _lines = _trackLines ? GC.AllocateUninitializedArray<long>(RowCapacity) : null;
    }

    /// <summary>The most rows one batch holds.</summary>
    public int RowCapacity { get; }

    /// <summary>Rows completed so far.</summary>
    public int Count => _rows;

    /// <summary>Characters buffered so far; readers may close a batch early when it grows large.</summary>
    public int CharCount => _used;

    /// <summary>Starts a row; <paramref name="line"/> is its 1-based source line when known.</summary>
    public void BeginRow(long line = 0)
    {
        if (_handedOver)
        {
            Allocate();
            _handedOver = false;
        }
        if (_lines is not null) _lines[_rows] = line;
        _column = 0;
    }

    /// <summary>Adds the next cell of the current row.</summary>
    public void Add(ReadOnlySpan<char> text)
    {
        var cell = _rows * _schema.Count + _column++;
        if (_used + text.Length > _chars.Length)
            Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _used + text.Length));
        text.CopyTo(_chars.AsSpan(_used));
        _starts[cell] = _used;
        _lengths[cell] = text.Length;
        _used += text.Length;
    }

    /// <summary>Adds a missing cell to the current row.</summary>
    public void AddMissing()
    {
        var cell = _rows * _schema.Count + _column++;
        _starts[cell] = _used;
        _lengths[cell] = -1;
    }

    /// <summary>Sets cell <paramref name="column"/> of the current row, for formats whose fields come in any order.</summary>
    public void Set(int column, ReadOnlySpan<char> text)
    {
        var cell = _rows * _schema.Count + column;
        if (_used + text.Length > _chars.Length)
            Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _used + text.Length));
        text.CopyTo(_chars.AsSpan(_used));
        _starts[cell] = _used;
        _lengths[cell] = text.Length;
        _used += text.Length;
    }

    /// <summary>Sets cell <paramref name="column"/> of the current row from valid UTF-8, decoded straight into the batch's text.</summary>
    internal void SetUtf8(int column, ReadOnlySpan<byte> utf8)
    {
        var cell = _rows * _schema.Count + column;
        // UTF-8 never decodes to more UTF-16 units than it has bytes.
        if (_used + utf8.Length > _chars.Length)
            Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _used + utf8.Length));
        var length = System.Text.Encoding.UTF8.GetChars(utf8, _chars.AsSpan(_used));
        _starts[cell] = _used;
        _lengths[cell] = length;
        _used += length;
    }

    /// <summary>Marks every cell of the current row missing, before <see cref="Set"/> fills some.</summary>
    public void ClearRow()
    {
        var start = _rows * _schema.Count;
        _lengths.AsSpan(start, _schema.Count).Fill(-1);
        _starts.AsSpan(start, _schema.Count).Fill(_used);
    }

    /// <summary>Ends the current row; cells not added are missing.</summary>
    public void EndRow()
    {
        var width = _schema.Count;
        while (_column < width) AddMissing();
        _rows++;
    }

    /// <summary>Ends the current row without the column-count fill (used with <see cref="ClearRow"/> and <see cref="Set"/>).</summary>
    public void EndSetRow() => _rows++;

    /// <summary>
    /// Hands over the rows as a batch and starts a new, empty one; <paramref name="sourceName"/> names the file the rows
    /// come from when the data joins several (<see cref="RowBatch.SourceName"/>).
    /// </summary>
    public RowBatch Build(long firstRow, string? sourceName = null)
    {
        if (_handedOver) Allocate();
        var batch = new RowBatch(_schema, firstRow, _rows, _chars, _starts, _lengths, _lines, sourceName);
        // The next batch's arrays are allocated when its first row begins: a builder used for one batch allocates once.
        _charCapacity = Math.Max(256, Math.Min(_chars.Length, Math.Max(1, RowCapacity * _schema.Count) * 64));
        _handedOver = true;
        _used = 0;
        _rows = 0;
        return batch;
    }
}
