namespace Snorkeler;

/// <summary>
/// The votes of m labelling functions on n rows: <c>this[i, j]</c> is LF <c>j</c>'s label for row
/// <c>i</c>, or <see cref="LabelSchema.Abstain"/>. Immutable. Stored row-major, one byte per vote when
/// the task has at most 127 classes (two bytes otherwise): a row's votes are contiguous, which is what
/// label-model fitting and prediction read. A matrix may be one block of a larger data set
/// (<see cref="FirstRow"/>); code that must scale past memory works block by block through
/// <see cref="IMatrixSource"/>.
/// </summary>
public sealed class LabelMatrix : IMatrixSource
{
    /// <summary>The most classes that fit the one-byte layout.</summary>
    public const int MaxNarrowCardinality = 127;

    private readonly sbyte[]? _narrow;
    private readonly short[]? _wide;
    private readonly int _offset;
    private readonly int[]? _gold;
    private readonly int _goldOffset;

    internal LabelMatrix(LabelSchema schema, IReadOnlyList<string> lfNames, int rows, sbyte[]? narrow, short[]? wide,
        int offset, int[]? gold, int goldOffset, long firstRow)
    {
        Schema = schema;
        LfNames = lfNames;
        RowCount = rows;
        _narrow = narrow;
        _wide = wide;
        _offset = offset;
        _gold = gold;
        _goldOffset = goldOffset;
        FirstRow = firstRow;
    }

    /// <summary>
    /// Creates a matrix from row-major votes (<paramref name="votes"/>.Length = rows × LFs), checking every
    /// vote is a class of <paramref name="schema"/> or -1. <paramref name="gold"/>, if given, holds one true
    /// label per row (-1 where unknown).
    /// </summary>
    public static LabelMatrix Create(LabelSchema schema, IReadOnlyList<string> lfNames, ReadOnlySpan<int> votes, ReadOnlySpan<int> gold = default)
    {
        var builder = new LabelMatrixBuilder(schema, lfNames, votes.Length / Math.Max(1, lfNames.Count));
        if (lfNames.Count == 0 ? votes.Length != 0 : votes.Length % lfNames.Count != 0)
            throw new ArgumentException($"{votes.Length} votes do not fill rows of {lfNames.Count} LFs", nameof(votes));
        var rows = lfNames.Count == 0 ? gold.Length : votes.Length / lfNames.Count;
        if (!gold.IsEmpty && gold.Length != rows)
            throw new ArgumentException($"{gold.Length} gold labels for {rows} rows", nameof(gold));
        for (var i = 0; i < rows; i++)
        {
            var row = builder.AddRow();
            for (var j = 0; j < lfNames.Count; j++) builder.Set(row, j, votes[i * lfNames.Count + j]);
            if (!gold.IsEmpty) builder.SetGold(row, gold[i]);
        }
        return builder.Build();
    }

    /// <summary>
    /// Wraps row-major one-byte votes without copying, after checking each is -1 or a class. The caller
    /// hands over <paramref name="votes"/> and must not change it afterwards.
    /// </summary>
    internal static LabelMatrix FromNarrow(LabelSchema schema, IReadOnlyList<string> lfNames, sbyte[] votes, int rows, int[]? gold, long firstRow)
    {
        var k = schema.Cardinality;
        var span = votes.AsSpan(0, rows * lfNames.Count);
        for (var i = 0; i < span.Length; i++)
        {
            var v = span[i];
            if (v < -1 || v >= k)
                throw new ArgumentOutOfRangeException(nameof(votes), v, $"row {firstRow + i / lfNames.Count}: LF '{lfNames[i % lfNames.Count]}' voted {v}, which is not a class of {schema} or -1");
        }
        return new LabelMatrix(schema, lfNames, rows, votes, null, 0, gold, 0, firstRow);
    }

    /// <summary>Creates a matrix from a rows × LFs array.</summary>
    public static LabelMatrix Create(LabelSchema schema, IReadOnlyList<string> lfNames, int[,] votes, ReadOnlySpan<int> gold = default)
    {
        if (votes.GetLength(1) != lfNames.Count)
            throw new ArgumentException($"the array has {votes.GetLength(1)} columns for {lfNames.Count} LFs", nameof(votes));
        var flat = new int[votes.Length];
        Buffer.BlockCopy(votes, 0, flat, 0, flat.Length * sizeof(int));
        return Create(schema, lfNames, flat, gold);
    }

    /// <summary>The classes.</summary>
    public LabelSchema Schema { get; }

    /// <summary>The labelling functions' names, one per column.</summary>
    public IReadOnlyList<string> LfNames { get; }

    /// <summary>Rows, n.</summary>
    public int RowCount { get; }

    /// <summary>Labelling functions, m.</summary>
    public int LfCount => LfNames.Count;

    /// <summary>The index, in the whole data set, of this matrix's first row (0 unless it is a block).</summary>
    public long FirstRow { get; }

    /// <summary>True when votes are stored one byte each (see <see cref="NarrowRow"/>).</summary>
    public bool IsNarrow => _narrow is not null;

    /// <summary>True when the matrix carries gold (true) labels.</summary>
    public bool HasGold => _gold is not null;

    /// <summary>The vote of LF <paramref name="lf"/> on row <paramref name="row"/>.</summary>
    public int this[int row, int lf]
    {
        get
        {
            if ((uint)row >= (uint)RowCount) throw new ArgumentOutOfRangeException(nameof(row), row, $"the matrix has {RowCount} rows");
            if ((uint)lf >= (uint)LfCount) throw new ArgumentOutOfRangeException(nameof(lf), lf, $"the matrix has {LfCount} LFs");
            var at = _offset + row * LfCount + lf;
            return _narrow is not null ? _narrow[at] : _wide![at];
        }
    }

    /// <summary>Row <paramref name="row"/>'s votes, one byte each. Only for narrow matrices.</summary>
    public ReadOnlySpan<sbyte> NarrowRow(int row)
        => _narrow is not null
            ? _narrow.AsSpan(_offset + CheckRow(row) * LfCount, LfCount)
            : throw new InvalidOperationException("the matrix stores two bytes per vote; use CopyRow");

    /// <summary>All votes row-major, one byte each. Only for narrow matrices.</summary>
    public ReadOnlySpan<sbyte> NarrowVotes
        => _narrow is not null
            ? _narrow.AsSpan(_offset, RowCount * LfCount)
            : throw new InvalidOperationException("the matrix stores two bytes per vote; use CopyRow");

    /// <summary>Copies row <paramref name="row"/>'s votes into <paramref name="destination"/>.</summary>
    public void CopyRow(int row, Span<int> destination)
    {
        var start = _offset + CheckRow(row) * LfCount;
        if (_narrow is not null)
        {
            var src = _narrow.AsSpan(start, LfCount);
            for (var j = 0; j < src.Length; j++) destination[j] = src[j];
        }
        else
        {
            var src = _wide.AsSpan(start, LfCount);
            for (var j = 0; j < src.Length; j++) destination[j] = src[j];
        }
    }

    /// <summary>
    /// The votes that are not abstains on row <paramref name="row"/>, as parallel lists: LF indices, in
    /// increasing order, into <paramref name="lfs"/> and their labels into <paramref name="labels"/> (each at
    /// least <see cref="LfCount"/> long). Returns how many there are. Code that visits only the votes present
    /// (crowd data, where most sources never see a row) reads rows this way, so that it costs the number of
    /// votes, not the number of sources, on any storage that keeps only the votes.
    /// </summary>
    public int CopyVotes(int row, Span<int> lfs, Span<int> labels)
    {
        var start = _offset + CheckRow(row) * LfCount;
        var count = 0;
        if (_narrow is not null)
        {
            var src = _narrow.AsSpan(start, LfCount);
            for (var j = 0; j < src.Length; j++)
            {
                if (src[j] == LabelSchema.Abstain) continue;
                lfs[count] = j;
                labels[count++] = src[j];
            }
        }
        else
        {
            var src = _wide.AsSpan(start, LfCount);
            for (var j = 0; j < src.Length; j++)
            {
                if (src[j] == LabelSchema.Abstain) continue;
                lfs[count] = j;
                labels[count++] = src[j];
            }
        }
        return count;
    }

    /// <summary>The gold label of a row (-1 when unknown); requires <see cref="HasGold"/>.</summary>
    public int Gold(int row) => _gold is not null ? _gold[_goldOffset + CheckRow(row)] : throw new InvalidOperationException("the matrix has no gold labels");

    // The storage may extend past this matrix's rows (a slice, or a builder's spare capacity): never read there.
    private int CheckRow(int row)
        => (uint)row < (uint)RowCount ? row : throw new ArgumentOutOfRangeException(nameof(row), row, $"the matrix has {RowCount} rows");

    /// <summary>The gold labels, one per row; requires <see cref="HasGold"/>.</summary>
    public ReadOnlySpan<int> GoldLabels => _gold is not null ? _gold.AsSpan(_goldOffset, RowCount) : throw new InvalidOperationException("the matrix has no gold labels");

    /// <summary>Rows <paramref name="start"/> .. <paramref name="start"/> + <paramref name="count"/> - 1, sharing storage.</summary>
    public LabelMatrix Slice(int start, int count)
    {
        if (start < 0 || count < 0 || start + count > RowCount)
            throw new ArgumentOutOfRangeException(nameof(start), $"rows {start}..{start + count} are outside 0..{RowCount}");
        return new LabelMatrix(Schema, LfNames, count, _narrow, _wide, _offset + start * LfCount, _gold, _goldOffset + start, FirstRow + start);
    }

    /// <summary>The same rows numbered from <paramref name="firstRow"/>.</summary>
    internal LabelMatrix Rebase(long firstRow) => new(Schema, LfNames, RowCount, _narrow, _wide, _offset, _gold, _goldOffset, firstRow);

    /// <summary>The same votes with other gold labels (or none).</summary>
    public LabelMatrix WithGold(ReadOnlySpan<int> gold)
    {
        if (!gold.IsEmpty && gold.Length != RowCount)
            throw new ArgumentException($"{gold.Length} gold labels for {RowCount} rows", nameof(gold));
        foreach (var g in gold)
            if (!Schema.IsValidVote(g)) throw new ArgumentException($"gold label {g} is not a class of {Schema}", nameof(gold));
        return new LabelMatrix(Schema, LfNames, RowCount, _narrow, _wide, _offset, gold.IsEmpty ? null : gold.ToArray(), 0, FirstRow);
    }

    /// <summary>The fraction of votes that are not abstains.</summary>
    public double Density()
    {
        long votes = 0;
        for (var i = 0; i < RowCount; i++)
        for (var j = 0; j < LfCount; j++)
            if (this[i, j] != LabelSchema.Abstain) votes++;
        return RowCount * LfCount == 0 ? 0 : (double)votes / ((long)RowCount * LfCount);
    }

    long? IMatrixSource.RowCount => RowCount;

    /// <inheritdoc />
    public IEnumerable<LabelMatrix> ReadBlocks(int rowsPerBlock = IMatrixSource.DefaultBlockRows)
    {
        Guard.Positive(rowsPerBlock);
        if (RowCount == 0) yield return this;
        for (var start = 0; start < RowCount; start += rowsPerBlock)
            yield return Slice(start, Math.Min(rowsPerBlock, RowCount - start));
    }
}

/// <summary>
/// A label matrix read block by block, so that code working on it (analysis, label-model fitting and
/// prediction) needs memory for one block, not for the whole data set. Every enumeration of
/// <see cref="ReadBlocks"/> starts again from the first row.
/// </summary>
public interface IMatrixSource
{
    /// <summary>Rows per block when the caller does not say.</summary>
    const int DefaultBlockRows = 65536;

    /// <summary>The classes.</summary>
    LabelSchema Schema { get; }

    /// <summary>The labelling functions' names.</summary>
    IReadOnlyList<string> LfNames { get; }

    /// <summary>Total rows when known before reading.</summary>
    long? RowCount { get; }

    /// <summary>True when the blocks carry gold labels.</summary>
    bool HasGold { get; }

    /// <summary>The matrix as consecutive blocks, in row order (an empty matrix yields one empty block).</summary>
    IEnumerable<LabelMatrix> ReadBlocks(int rowsPerBlock = DefaultBlockRows);
}
