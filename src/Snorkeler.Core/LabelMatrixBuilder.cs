namespace Snorkeler;

/// <summary>Fills a <see cref="LabelMatrix"/> row by row; votes start as abstains. Not thread-safe.</summary>
public sealed class LabelMatrixBuilder
{
    private readonly LabelSchema _schema;
    private readonly string[] _lfNames;
    private sbyte[]? _narrow;
    private short[]? _wide;
    private int[]? _gold;
    private int _rows;

    /// <summary>Creates a builder with room for <paramref name="capacity"/> rows (it grows as needed).</summary>
    public LabelMatrixBuilder(LabelSchema schema, IReadOnlyList<string> lfNames, int capacity = 1024)
    {
        _schema = Guard.NotNull(schema);
        _lfNames = Guard.NotNull(lfNames).ToArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in _lfNames)
            if (!seen.Add(name)) throw new ArgumentException($"LF name '{name}' is repeated", nameof(lfNames));
        var cells = Math.Max(1, Math.Max(capacity, 1) * _lfNames.Length);
        if (schema.Cardinality <= LabelMatrix.MaxNarrowCardinality) _narrow = new sbyte[cells];
        else _wide = new short[cells];
        Fill(0, cells);
    }

    /// <summary>Rows added so far.</summary>
    public int RowCount => _rows;

    /// <summary>Adds a row of abstains and returns its index.</summary>
    public int AddRow()
    {
        var needed = (long)(_rows + 1) * _lfNames.Length;
        var length = _narrow?.Length ?? _wide!.Length;
        if (needed > length)
        {
            var grown = (int)Math.Min(Array.MaxLength, Math.Max(needed, (long)length * 2));
            if (needed > Array.MaxLength)
                throw new InvalidOperationException("the matrix is too large for memory; process it in blocks");
            if (_narrow is not null) Array.Resize(ref _narrow, grown);
            else Array.Resize(ref _wide, grown);
            Fill(length, grown - length);
        }
        if (_gold is not null)
        {
            if (_rows >= _gold.Length)
            {
                var old = _gold.Length;
                Array.Resize(ref _gold, Math.Max(16, old * 2));
                _gold.AsSpan(old).Fill(LabelSchema.Abstain);
            }
        }
        return _rows++;
    }

    /// <summary>Sets LF <paramref name="lf"/>'s vote on row <paramref name="row"/>.</summary>
    public void Set(int row, int lf, int vote)
    {
        if ((uint)lf >= (uint)_lfNames.Length) throw new ArgumentOutOfRangeException(nameof(lf), lf, $"the matrix has {_lfNames.Length} LFs");
        if (!_schema.IsValidVote(vote))
            throw new ArgumentOutOfRangeException(nameof(vote), vote, $"LF '{_lfNames[lf]}' voted {vote}, which is not a class of {_schema} or -1");
        if ((uint)row >= (uint)_rows) throw new ArgumentOutOfRangeException(nameof(row), row, $"only {_rows} rows were added");
        var at = row * _lfNames.Length + lf;
        if (_narrow is not null) _narrow[at] = (sbyte)vote;
        else _wide![at] = (short)vote;
    }

    /// <summary>Sets the gold label of a row (-1 when unknown).</summary>
    public void SetGold(int row, int label)
    {
        if ((uint)row >= (uint)_rows) throw new ArgumentOutOfRangeException(nameof(row), row, $"only {_rows} rows were added");
        if (!_schema.IsValidVote(label))
            throw new ArgumentOutOfRangeException(nameof(label), label, $"gold label {label} is not a class of {_schema} or -1");
        if (_gold is null)
        {
            _gold = new int[Math.Max(16, _rows)];
            _gold.AsSpan().Fill(LabelSchema.Abstain);
        }
        _gold[row] = label;
    }

    /// <summary>Hands over the rows as a matrix; the builder must not be used afterwards.</summary>
    public LabelMatrix Build(long firstRow = 0)
    {
        var gold = _gold;
        if (gold is not null && gold.Length < _rows)
        {
            var old = gold.Length;
            Array.Resize(ref gold, _rows);
            gold.AsSpan(old).Fill(LabelSchema.Abstain);
        }
        var matrix = new LabelMatrix(_schema, _lfNames, _rows, _narrow, _wide, 0, gold, 0, firstRow);
        _narrow = null;
        _wide = null;
        return matrix;
    }

    private void Fill(int start, int count)
    {
        if (_narrow is not null) _narrow.AsSpan(start, count).Fill(LabelSchema.Abstain);
        else _wide!.AsSpan(start, count).Fill(LabelSchema.Abstain);
    }
}

/// <summary>
/// Fills a sparse <see cref="LabelMatrix"/> row by row with only the votes present: memory grows with the
/// votes, not with rows × sources. Votes may be added to the last row in any order; a source voting twice
/// on a row keeps its last vote, and -1 is ignored. Not thread-safe.
/// </summary>
public sealed class SparseLabelMatrixBuilder
{
    private readonly LabelSchema _schema;
    private readonly string[] _lfNames;
    private readonly List<int> _rowStarts = [0];
    private readonly List<int> _lfs = [];
    private readonly List<short> _labels = [];
    private List<int>? _gold;
    private SourceKind[]? _kinds;
    private bool _built;

    /// <summary>Creates a builder for the given classes and sources.</summary>
    public SparseLabelMatrixBuilder(LabelSchema schema, IReadOnlyList<string> lfNames)
    {
        _schema = Guard.NotNull(schema);
        _lfNames = Guard.NotNull(lfNames).ToArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in _lfNames)
            if (!seen.Add(name)) throw new ArgumentException($"LF name '{name}' is repeated", nameof(lfNames));
    }

    /// <summary>Rows added so far.</summary>
    public int RowCount => _rowStarts.Count - 1;

    /// <summary>Adds an empty row (no votes) and returns its index; votes then go to it.</summary>
    public int AddRow()
    {
        CheckOpen();
        _rowStarts.Add(_lfs.Count);
        _gold?.Add(LabelSchema.Abstain);
        return RowCount - 1;
    }

    /// <summary>Adds source <paramref name="lf"/>'s vote to the last row (-1 adds nothing; a repeated source replaces its vote).</summary>
    public void Add(int lf, int vote)
    {
        CheckOpen();
        if (RowCount == 0) throw new InvalidOperationException("add a row first");
        if ((uint)lf >= (uint)_lfNames.Length) throw new ArgumentOutOfRangeException(nameof(lf), lf, $"the matrix has {_lfNames.Length} LFs");
        if (!_schema.IsValidVote(vote))
            throw new ArgumentOutOfRangeException(nameof(vote), vote, $"LF '{_lfNames[lf]}' voted {vote}, which is not a class of {_schema} or -1");
        if (vote == LabelSchema.Abstain) return;
        // Keep the row sorted by LF: insert in place (rows are short).
        var start = _rowStarts[^2];
        var at = _lfs.Count;
        while (at > start && _lfs[at - 1] > lf) at--;
        if (at > start && _lfs[at - 1] == lf)
        {
            _labels[at - 1] = (short)vote;
            return;
        }
        _lfs.Insert(at, lf);
        _labels.Insert(at, (short)vote);
        _rowStarts[^1] = _lfs.Count;
    }

    /// <summary>Sets the gold label of a row (-1 when unknown).</summary>
    public void SetGold(int row, int label)
    {
        CheckOpen();
        if ((uint)row >= (uint)RowCount) throw new ArgumentOutOfRangeException(nameof(row), row, $"only {RowCount} rows were added");
        if (!_schema.IsValidVote(label))
            throw new ArgumentOutOfRangeException(nameof(label), label, $"gold label {label} is not a class of {_schema} or -1");
        _gold ??= Enumerable.Repeat(LabelSchema.Abstain, RowCount).ToList();
        _gold[row] = label;
    }

    /// <summary>Declares each source's kind (one per source).</summary>
    public void SetSourceKinds(IReadOnlyList<SourceKind> kinds)
    {
        CheckOpen();
        if (Guard.NotNull(kinds).Count != _lfNames.Length) throw new ArgumentException($"{kinds.Count} source kinds for {_lfNames.Length} sources", nameof(kinds));
        _kinds = kinds.ToArray();
    }

    /// <summary>Hands over the rows as a sparse matrix; the builder must not be used afterwards.</summary>
    public LabelMatrix Build(long firstRow = 0)
    {
        CheckOpen();
        _built = true;
        return LabelMatrix.FromSparse(_schema, _lfNames, _rowStarts.ToArray(), _lfs.ToArray(), _labels.ToArray(), _gold?.ToArray(), firstRow, _kinds);
    }

    private void CheckOpen()
    {
        if (_built) throw new InvalidOperationException("the builder has built its matrix");
    }
}
