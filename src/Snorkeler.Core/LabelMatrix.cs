namespace Snorkeler;

/// <summary>
/// The votes of m label sources on n rows: <c>this[i, j]</c> is source <c>j</c>'s label for row <c>i</c>, or
/// <see cref="LabelSchema.Abstain"/>. A source is a labelling function (LF) or a person
/// (<see cref="SourceKind"/>): an LF's -1 is an abstain it chose, an annotator's -1 means the annotator
/// never saw the row (missing). Immutable.
/// <para>
/// Two storages behind one API. Dense: row-major, one byte per vote when the task has at most 127
/// classes (two bytes otherwise), so a row's votes are contiguous (LF matrices, where most cells hold a
/// vote or an abstain that matters). Sparse (CSR, <see cref="IsSparse"/>): only the votes present, an LF
/// index and a label per vote plus a start offset per row, so memory is proportional to the answers, not
/// to rows × sources (crowd data, where each row is seen by a few of thousands of workers).
/// <see cref="CopyVotes"/> reads a row's votes in time proportional to them on either storage.
/// </para>
/// A matrix may be one block of a larger data set (<see cref="FirstRow"/>); code that must scale past
/// memory works block by block through <see cref="IMatrixSource"/>.
/// </summary>
public sealed class LabelMatrix : IMatrixSource
{
    /// <summary>The most classes that fit the one-byte layout.</summary>
    public const int MaxNarrowCardinality = 127;

    /// <summary>Below this share of cells holding a vote, <see cref="MatrixStorage.Auto"/> stores a matrix sparse.</summary>
    /// <remarks>
    /// A vote costs 6 bytes sparse (LF index and label) against 1 byte per cell dense, so sparse is smaller
    /// below about 1/6; a pass over the votes is faster sparse up to about 0.3 (docs/formats.md). 0.15 keeps
    /// sparse matrices smaller than dense ones.
    /// </remarks>
    public const double SparseDensity = 0.15;

    private readonly sbyte[]? _narrow;
    private readonly short[]? _wide;
    private readonly SparseVotes? _sparse;
    // Dense: the first cell of row 0; sparse: the index of row 0 in the row offsets.
    private readonly int _offset;
    private readonly int[]? _gold;
    private readonly int _goldOffset;
    private readonly SourceKind[]? _kinds;
    // The narrow votes came from BatchArrays and may go back there (ReturnVotes).
    private bool _pooled;

    internal LabelMatrix(LabelSchema schema, IReadOnlyList<string> lfNames, int rows, sbyte[]? narrow, short[]? wide,
        int offset, int[]? gold, int goldOffset, long firstRow, SparseVotes? sparse = null, SourceKind[]? kinds = null)
    {
        Schema = schema;
        LfNames = lfNames;
        RowCount = rows;
        _narrow = narrow;
        _wide = wide;
        _sparse = sparse;
        _offset = offset;
        _gold = gold;
        _goldOffset = goldOffset;
        FirstRow = firstRow;
        _kinds = kinds is not null && Array.IndexOf(kinds, SourceKind.Annotator) >= 0 ? kinds : null;
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
            for (var j = 0; j < lfNames.Count; j++)
            {
                var vote = votes[i * lfNames.Count + j];
                if (!schema.IsValidVote(vote)) throw new InvalidVoteException(NotAClass(schema, i, lfNames[j], vote), nameof(votes), vote);
                builder.Set(row, j, vote);
            }
            if (!gold.IsEmpty) builder.SetGold(row, gold[i]);
        }
        return builder.Build();
    }

    /// <summary>
    /// Creates a matrix from one column of one-byte votes per LF (each <paramref name="rows"/> long, -1 abstain), as
    /// an incremental run keeps them, checking every vote is -1 or a class; <paramref name="gold"/>, if given, holds one
    /// label per row (-1 where unknown). At most <see cref="MaxNarrowCardinality"/> classes.
    /// </summary>
    public static LabelMatrix FromColumns(LabelSchema schema, IReadOnlyList<string> lfNames, IReadOnlyList<sbyte[]> columns, int rows, int[]? gold = null)
    {
        Guard.NotNull(schema);
        Guard.NotNull(lfNames);
        Guard.NotNull(columns);
        if (schema.Cardinality > MaxNarrowCardinality) throw new ArgumentException($"one-byte columns hold at most {MaxNarrowCardinality} classes, not {schema.Cardinality}", nameof(schema));
        if (columns.Count != lfNames.Count) throw new ArgumentException($"{columns.Count} columns for {lfNames.Count} LFs", nameof(columns));
        if (gold is not null && gold.Length != rows) throw new ArgumentException($"{gold.Length} gold labels for {rows} rows", nameof(gold));
        var m = lfNames.Count;
        var votes = new sbyte[Math.Max(1, rows * m)];
        for (var j = 0; j < m; j++)
        {
            var column = columns[j];
            if (column.Length < rows) throw new ArgumentException($"LF '{lfNames[j]}' has {column.Length} votes for {rows} rows", nameof(columns));
            for (var i = 0; i < rows; i++) votes[i * m + j] = column[i];
        }
        if (gold is not null)
            foreach (var g in gold)
                if (!schema.IsValidVote(g)) throw new InvalidVoteException($"gold label {g} is not a class of {schema} or -1", nameof(gold), g);
        return FromNarrow(schema, lfNames.ToArray(), votes, rows, gold, 0);
    }

    /// <summary>
    /// Wraps row-major one-byte votes without copying, after checking each is -1 or a class. The caller
    /// hands over <paramref name="votes"/> and must not change it afterwards.
    /// </summary>
    internal static LabelMatrix FromNarrow(LabelSchema schema, IReadOnlyList<string> lfNames, sbyte[] votes, int rows, int[]? gold, long firstRow)
    {
        var k = schema.Cardinality;
        var span = votes.AsSpan(0, rows * lfNames.Count);
        var i = span.IndexOfAnyExceptInRange((sbyte)-1, (sbyte)Math.Min(k - 1, sbyte.MaxValue));
        if (i >= 0)
            throw new InvalidVoteException(NotAClass(schema, firstRow + i / lfNames.Count, lfNames[i % lfNames.Count], span[i]), nameof(votes), span[i]);
        return new LabelMatrix(schema, lfNames, rows, votes, null, 0, gold, 0, firstRow);
    }

    /// <summary>The reason a vote is refused: <c>row 3: LF 'x' voted 7, which is not a class of ... or -1</c> (<paramref name="row"/> 0-based, shown 1-based as errors number rows).</summary>
    internal static string NotAClass(LabelSchema schema, long row, string lf, int vote)
        => $"row {row + 1}: LF '{lf}' voted {vote}, which is not a class of {schema} or -1";

    /// <summary>
    /// <see cref="FromNarrow"/> for votes rented from <see cref="Data.BatchArrays"/>: the one consumer of the block may
    /// hand them back with <see cref="ReturnVotes"/> when done with it.
    /// </summary>
    internal static LabelMatrix FromPooledNarrow(LabelSchema schema, IReadOnlyList<string> lfNames, sbyte[] votes, int rows, int[]? gold, long firstRow)
    {
        var block = FromNarrow(schema, lfNames, votes, rows, gold, firstRow);
        block._pooled = true;
        return block;
    }

    /// <summary>
    /// Hands a block's votes back to <see cref="Data.BatchArrays"/> when they came from there (a block read from a file,
    /// whole); the caller must be its only holder and must not use it afterwards. Any other block is left alone.
    /// </summary>
    internal void ReturnVotes()
    {
        if (!_pooled) return;
        _pooled = false;
        Data.BatchArrays.Return(_narrow);
    }

    /// <summary>
    /// Wraps CSR votes without copying, after checking them: row offsets non-decreasing from 0 to the vote
    /// count, LF indices strictly increasing within a row, labels classes. The caller hands the arrays over.
    /// </summary>
    internal static LabelMatrix FromSparse(LabelSchema schema, IReadOnlyList<string> lfNames, int[] rowStarts, int[] lfs, short[] labels,
        int[]? gold, long firstRow = 0, SourceKind[]? kinds = null)
    {
        var rows = rowStarts.Length - 1;
        if (rows < 0 || rowStarts[0] != 0 || rowStarts[rows] > lfs.Length || lfs.Length != labels.Length)
            throw new ArgumentException("the row offsets do not match the votes", nameof(rowStarts));
        if (gold is not null && gold.Length < rows) throw new ArgumentException($"{gold.Length} gold labels for {rows} rows", nameof(gold));
        for (var i = 0; i < rows; i++)
        {
            if (rowStarts[i + 1] < rowStarts[i]) throw new ArgumentException($"row {i + 1}: offsets decrease", nameof(rowStarts));
            for (var v = rowStarts[i]; v < rowStarts[i + 1]; v++)
            {
                if ((uint)lfs[v] >= (uint)lfNames.Count || (v > rowStarts[i] && lfs[v] <= lfs[v - 1]))
                    throw new InvalidValueException($"row {firstRow + i + 1}: LF indices must be increasing and below {lfNames.Count}", nameof(lfs));
                if (labels[v] < 0 || labels[v] >= schema.Cardinality)
                    throw new InvalidVoteException($"row {firstRow + i + 1}: LF '{lfNames[lfs[v]]}' voted {labels[v]}, which is not a class of {schema}", nameof(labels), labels[v]);
            }
        }
        return new LabelMatrix(schema, lfNames, rows, null, null, 0, gold, 0, firstRow, new SparseVotes(rowStarts, lfs, labels), kinds);
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

    /// <summary>True when votes are stored densely one byte each (see <see cref="NarrowRow"/>); false for wide and sparse matrices.</summary>
    public bool IsNarrow => _narrow is not null;

    /// <summary>True when only the votes present are stored (CSR); read rows with <see cref="CopyVotes"/>.</summary>
    public bool IsSparse => _sparse is not null;

    /// <summary>True when the matrix carries gold (true) labels.</summary>
    public bool HasGold => _gold is not null;

    /// <summary>The kind of each source, in column order.</summary>
    public IReadOnlyList<SourceKind> SourceKinds => _kinds ?? SourceKindList.AllLfs(LfCount);

    /// <summary>True when at least one source is an annotator (its -1 means missing, not abstain).</summary>
    public bool HasAnnotators => _kinds is not null;

    /// <summary>The kind of source <paramref name="lf"/>.</summary>
    public SourceKind KindOf(int lf) => _kinds is null ? SourceKind.LabelingFunction : _kinds[lf];

    /// <summary>The vote of LF <paramref name="lf"/> on row <paramref name="row"/>.</summary>
    public int this[int row, int lf]
    {
        get
        {
            if ((uint)row >= (uint)RowCount) throw new ArgumentOutOfRangeException(nameof(row), row, $"the matrix has {RowCount} rows");
            if ((uint)lf >= (uint)LfCount) throw new ArgumentOutOfRangeException(nameof(lf), lf, $"the matrix has {LfCount} LFs");
            if (_sparse is not null)
            {
                var (start, end) = _sparse.Range(_offset + row);
                var at = Array.BinarySearch(_sparse.Lfs, start, end - start, lf);
                return at >= 0 ? _sparse.Labels[at] : LabelSchema.Abstain;
            }
            var cell = _offset + row * LfCount + lf;
            return _narrow is not null ? _narrow[cell] : _wide![cell];
        }
    }

    /// <summary>Row <paramref name="row"/>'s votes, one byte each. Only for narrow matrices.</summary>
    public ReadOnlySpan<sbyte> NarrowRow(int row)
        => _narrow is not null
            ? _narrow.AsSpan(_offset + CheckRow(row) * LfCount, LfCount)
            : throw new InvalidOperationException(NotNarrow);

    /// <summary>All votes row-major, one byte each. Only for narrow matrices.</summary>
    public ReadOnlySpan<sbyte> NarrowVotes
        => _narrow is not null
            ? _narrow.AsSpan(_offset, RowCount * LfCount)
            : throw new InvalidOperationException(NotNarrow);

    private string NotNarrow => _sparse is not null ? "the matrix is sparse; use CopyVotes" : "the matrix stores two bytes per vote; use CopyRow";

    /// <summary>Copies row <paramref name="row"/>'s votes (-1 where a source has none) into <paramref name="destination"/>.</summary>
    public void CopyRow(int row, Span<int> destination)
    {
        if (_sparse is not null)
        {
            var (start, end) = _sparse.Range(_offset + CheckRow(row));
            destination[..LfCount].Fill(LabelSchema.Abstain);
            for (var v = start; v < end; v++) destination[_sparse.Lfs[v]] = _sparse.Labels[v];
            return;
        }
        var first = _offset + CheckRow(row) * LfCount;
        if (_narrow is not null)
        {
            var src = _narrow.AsSpan(first, LfCount);
            for (var j = 0; j < src.Length; j++) destination[j] = src[j];
        }
        else
        {
            var src = _wide.AsSpan(first, LfCount);
            for (var j = 0; j < src.Length; j++) destination[j] = src[j];
        }
    }

    /// <summary>
    /// The votes that are not abstains on row <paramref name="row"/>, as parallel lists: LF indices, in
    /// increasing order, into <paramref name="lfs"/> and their labels into <paramref name="labels"/> (each at
    /// least <see cref="LfCount"/> long, or <see cref="MaxVotesPerRow"/> long). Returns how many there are.
    /// Code that visits only the votes present (crowd data, where most sources never see a row) reads rows
    /// this way: it costs the number of votes on a sparse matrix.
    /// </summary>
    public int CopyVotes(int row, Span<int> lfs, Span<int> labels)
    {
        if (_sparse is not null)
        {
            var (start, end) = _sparse.Range(_offset + CheckRow(row));
            var n = end - start;
            _sparse.Lfs.AsSpan(start, n).CopyTo(lfs);
            var src = _sparse.Labels.AsSpan(start, n);
            for (var v = 0; v < n; v++) labels[v] = src[v];
            return n;
        }
        var first = _offset + CheckRow(row) * LfCount;
        var count = 0;
        if (_narrow is not null)
        {
            var src = _narrow.AsSpan(first, LfCount);
            for (var j = 0; j < src.Length; j++)
            {
                if (src[j] == LabelSchema.Abstain) continue;
                lfs[count] = j;
                labels[count++] = src[j];
            }
        }
        else
        {
            var src = _wide.AsSpan(first, LfCount);
            for (var j = 0; j < src.Length; j++)
            {
                if (src[j] == LabelSchema.Abstain) continue;
                lfs[count] = j;
                labels[count++] = src[j];
            }
        }
        return count;
    }

    /// <summary>The number of votes (not abstains) on row <paramref name="row"/>.</summary>
    public int VoteCount(int row)
    {
        if (_sparse is not null)
        {
            var (start, end) = _sparse.Range(_offset + CheckRow(row));
            return end - start;
        }
        var first = _offset + CheckRow(row) * LfCount;
        var count = 0;
        if (_narrow is not null) { foreach (var v in _narrow.AsSpan(first, LfCount)) if (v != LabelSchema.Abstain) count++; }
        else foreach (var v in _wide.AsSpan(first, LfCount)) if (v != LabelSchema.Abstain) count++;
        return count;
    }

    /// <summary>
    /// The most votes any row holds: how long the spans given to <see cref="CopyVotes"/> must be (at most
    /// <see cref="LfCount"/>; on a sparse matrix usually far fewer, so buffers stay small with thousands of sources).
    /// </summary>
    public int MaxVotesPerRow
    {
        get
        {
            if (_sparse is null) return LfCount;
            var max = 0;
            for (var i = 0; i < RowCount; i++)
            {
                var (start, end) = _sparse.Range(_offset + i);
                max = Math.Max(max, end - start);
            }
            return max;
        }
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
        var offset = _sparse is not null ? _offset + start : _offset + start * LfCount;
        return new LabelMatrix(Schema, LfNames, count, _narrow, _wide, offset, _gold, _goldOffset + start, FirstRow + start, _sparse, _kinds);
    }

    /// <summary>The same rows numbered from <paramref name="firstRow"/>.</summary>
    internal LabelMatrix Rebase(long firstRow) => new(Schema, LfNames, RowCount, _narrow, _wide, _offset, _gold, _goldOffset, firstRow, _sparse, _kinds);

    /// <summary>The same votes with other gold labels (or none).</summary>
    public LabelMatrix WithGold(ReadOnlySpan<int> gold)
    {
        if (!gold.IsEmpty && gold.Length != RowCount)
            throw new ArgumentException($"{gold.Length} gold labels for {RowCount} rows", nameof(gold));
        foreach (var g in gold)
            if (!Schema.IsValidVote(g)) throw new ArgumentException($"gold label {g} is not a class of {Schema}", nameof(gold));
        return new LabelMatrix(Schema, LfNames, RowCount, _narrow, _wide, _offset, gold.IsEmpty ? null : gold.ToArray(), 0, FirstRow, _sparse, _kinds);
    }

    /// <summary>The same votes with each source's kind given (one per LF): annotators' -1 then means missing.</summary>
    public LabelMatrix WithSourceKinds(IReadOnlyList<SourceKind> kinds)
    {
        Guard.NotNull(kinds);
        if (kinds.Count != LfCount) throw new ArgumentException($"{kinds.Count} source kinds for {LfCount} sources", nameof(kinds));
        return new LabelMatrix(Schema, LfNames, RowCount, _narrow, _wide, _offset, _gold, _goldOffset, FirstRow, _sparse, kinds.ToArray());
    }

    /// <summary>The votes that are not abstains.</summary>
    public long VoteCount()
    {
        if (_sparse is not null) return _sparse.RowStarts[_offset + RowCount] - _sparse.RowStarts[_offset];
        long votes = 0;
        for (var i = 0; i < RowCount; i++) votes += VoteCount(i);
        return votes;
    }

    /// <summary>The fraction of cells holding a vote that is not an abstain.</summary>
    public double Density() => RowCount * (long)LfCount == 0 ? 0 : (double)VoteCount() / ((long)RowCount * LfCount);

    /// <summary>The same matrix stored sparse (itself when it already is).</summary>
    public LabelMatrix ToSparse()
    {
        if (_sparse is not null) return this;
        var votes = VoteCount();
        if (votes > Array.MaxLength) throw new InvalidOperationException("the matrix has too many votes for one block; process it in blocks");
        var starts = new int[RowCount + 1];
        var lfs = new int[votes];
        var labels = new short[votes];
        var rowLfs = new int[LfCount];
        var rowLabels = new int[LfCount];
        var at = 0;
        for (var i = 0; i < RowCount; i++)
        {
            var n = CopyVotes(i, rowLfs, rowLabels);
            rowLfs.AsSpan(0, n).CopyTo(lfs.AsSpan(at));
            for (var v = 0; v < n; v++) labels[at + v] = (short)rowLabels[v];
            at += n;
            starts[i + 1] = at;
        }
        return new LabelMatrix(Schema, LfNames, RowCount, null, null, 0, _gold is null ? null : GoldLabels.ToArray(), 0, FirstRow, new SparseVotes(starts, lfs, labels), _kinds);
    }

    /// <summary>The same matrix stored densely (itself when it already is).</summary>
    /// <exception cref="InvalidOperationException">rows × sources exceeds the largest array.</exception>
    public LabelMatrix ToDense()
    {
        if (_sparse is null) return this;
        var builder = new LabelMatrixBuilder(Schema, LfNames, Math.Max(1, RowCount));
        var lfs = new int[MaxVotesPerRow];
        var labels = new int[lfs.Length];
        for (var i = 0; i < RowCount; i++)
        {
            var row = builder.AddRow();
            var n = CopyVotes(i, lfs, labels);
            for (var v = 0; v < n; v++) builder.Set(row, lfs[v], labels[v]);
            if (_gold is not null) builder.SetGold(row, Gold(i));
        }
        var dense = builder.Build(FirstRow);
        return _kinds is null ? dense : dense.WithSourceKinds(_kinds);
    }

    /// <summary>The matrix in <paramref name="storage"/> (<see cref="MatrixStorage.Auto"/>: sparse below <see cref="SparseDensity"/>).</summary>
    public LabelMatrix WithStorage(MatrixStorage storage) => storage switch
    {
        MatrixStorage.Dense => ToDense(),
        MatrixStorage.Sparse => ToSparse(),
        _ => Density() < SparseDensity ? ToSparse() : ToDense(),
    };

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

/// <summary>Sparse (CSR) votes: row r's votes are entries RowStarts[r] .. RowStarts[r + 1] − 1, LF indices increasing.</summary>
internal sealed class SparseVotes(int[] rowStarts, int[] lfs, short[] labels)
{
    public int[] RowStarts { get; } = rowStarts;
    public int[] Lfs { get; } = lfs;
    public short[] Labels { get; } = labels;

    public (int Start, int End) Range(int row) => (RowStarts[row], RowStarts[row + 1]);
}

/// <summary>What a label source is, which decides what its missing votes mean.</summary>
public enum SourceKind
{
    /// <summary>A labelling function: it sees every row, so -1 is an abstain it chose (an observation some models use).</summary>
    LabelingFunction,
    /// <summary>A person (crowd worker, annotator): -1 means the row was never shown to them (missing, not an observation).</summary>
    Annotator,
}

/// <summary>How a matrix stores its votes.</summary>
public enum MatrixStorage
{
    /// <summary>Sparse below <see cref="LabelMatrix.SparseDensity"/> of cells holding a vote, dense above.</summary>
    Auto,
    /// <summary>Row-major, one or two bytes per cell.</summary>
    Dense,
    /// <summary>Only the votes present (CSR).</summary>
    Sparse,
}

internal static class SourceKindList
{
    /// <summary><paramref name="count"/> LF kinds.</summary>
    public static IReadOnlyList<SourceKind> AllLfs(int count) => new SourceKind[count];
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

    /// <summary>The kind of each source (LF or annotator), in column order; all LFs unless the source says otherwise.</summary>
    IReadOnlyList<SourceKind> SourceKinds => SourceKindList.AllLfs(LfNames.Count);

    /// <summary>The matrix as consecutive blocks, in row order (an empty matrix yields one empty block).</summary>
    IEnumerable<LabelMatrix> ReadBlocks(int rowsPerBlock = DefaultBlockRows);
}
