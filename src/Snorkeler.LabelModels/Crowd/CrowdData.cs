namespace Snorkeler.LabelModels.Crowd;

/// <summary>
/// The votes of a matrix held for iterative fitting (EM, variational Bayes): only the votes present, row by
/// row (CSR), with rows of identical votes merged into one weighted row, so LF matrices with few distinct
/// vote patterns cost their patterns and crowd matrices their answers. Read once, block by block.
/// </summary>
internal sealed class CrowdData
{
    private CrowdData(int k, int m, int[] starts, int[] sources, int[] labels, double[] weights, long totalRows, bool[] isLf, int[] patternOf, int[] clamps)
    {
        Clamps = clamps;
        PatternOf = patternOf;
        K = k;
        M = m;
        Starts = starts;
        Sources = sources;
        Labels = labels;
        Weights = weights;
        TotalRows = totalRows;
        IsLf = isLf;
        HasLfs = Array.IndexOf(isLf, true) >= 0;
    }

    /// <summary>Classes.</summary>
    public int K { get; }

    /// <summary>Sources.</summary>
    public int M { get; }

    /// <summary>Distinct rows (patterns).</summary>
    public int Rows => Weights.Length;

    /// <summary>Row r's votes are entries Starts[r] .. Starts[r + 1] − 1.</summary>
    public int[] Starts { get; }

    /// <summary>The source of each vote.</summary>
    public int[] Sources { get; }

    /// <summary>The label of each vote.</summary>
    public int[] Labels { get; }

    /// <summary>How many matrix rows each distinct row stands for.</summary>
    public double[] Weights { get; }

    /// <summary>For each matrix row, the distinct row that stands for it.</summary>
    public int[] PatternOf { get; }

    /// <summary>Rows of the matrix.</summary>
    public long TotalRows { get; }

    /// <summary>Per distinct row: the gold class its rows are clamped to (labelled rows of a semi-supervised fit), or -1.</summary>
    public int[] Clamps { get; }

    /// <summary>Per source: true for a labelling function (its no-vote is an abstain, an outcome), false for an annotator (missing).</summary>
    public bool[] IsLf { get; }

    /// <summary>True when some source is a labelling function.</summary>
    public bool HasLfs { get; }

    /// <summary>The share of the (row-weighted) votes cast by sources that only ever vote one class.</summary>
    public double SingleClassVoteShare()
    {
        var votes = new double[M];
        var only = new int[M];
        Array.Fill(only, -1);
        for (var t = 0; t < Rows; t++)
            for (var e = Starts[t]; e < Starts[t + 1]; e++)
            {
                var j = Sources[e];
                votes[j] += Weights[t];
                only[j] = only[j] == -1 || only[j] == Labels[e] ? Labels[e] : -2;
            }
        double single = 0, all = 0;
        for (var j = 0; j < M; j++)
        {
            all += votes[j];
            if (only[j] >= 0) single += votes[j];
        }
        return all > 0 ? single / all : 0;
    }

    /// <summary>Total votes (answers) over the distinct rows, each counted once per matrix row it stands for.</summary>
    public double WeightedVotes
    {
        get
        {
            var total = 0.0;
            for (var r = 0; r < Rows; r++) total += Weights[r] * (Starts[r + 1] - Starts[r]);
            return total;
        }
    }

    /// <summary>Reads the matrix's votes, merging identical rows (in first-seen order, so the result is deterministic).</summary>
    public static CrowdData Read(IMatrixSource source, CancellationToken cancellation = default) => Read(source, null, cancellation);

    /// <summary>
    /// Reads <paramref name="source"/>'s rows, then <paramref name="labelled"/>'s, each of which with a gold label is clamped to
    /// it (<see cref="Clamps"/>; rows without one are left out). A clamped row merges only with rows of the same votes and gold.
    /// </summary>
    public static CrowdData Read(IMatrixSource source, IMatrixSource? labelled, CancellationToken cancellation = default)
    {
        Guard.NotNull(source);
        var k = source.Schema.Cardinality;
        var m = source.LfNames.Count;
        var kinds = source.SourceKinds;
        var isLf = new bool[m];
        for (var j = 0; j < m; j++) isLf[j] = kinds[j] == SourceKind.LabelingFunction;
        var starts = new List<int> { 0 };
        var sources = new Growing();
        var labels = new Growing();
        var weights = new List<double>();
        var index = new Dictionary<Pattern, int>(new PatternComparer(sources, labels));
        var lfs = new int[m];
        var votes = new int[m];
        var patternOf = new List<int>();
        var clamps = new List<int>();
        long total = 0;
        void Add(LabelMatrix block, int i, int clamp)
        {
            var n = block.CopyVotes(i, lfs, votes);
            var start = sources.Count;
            for (var e = 0; e < n; e++)
            {
                sources.Add(lfs[e]);
                labels.Add(votes[e]);
            }
            var pattern = new Pattern(start, n, clamp, Hash(lfs, votes, n, clamp));
            if (index.TryGetValue(pattern, out var existing))
            {
                patternOf.Add(existing);
                weights[existing]++;
                sources.Truncate(start);
                labels.Truncate(start);
            }
            else
            {
                index.Add(pattern, weights.Count);
                patternOf.Add(weights.Count);
                weights.Add(1);
                clamps.Add(clamp);
                starts.Add(sources.Count);
            }
        }
        foreach (var block in source.ReadBlocks())
        {
            cancellation.ThrowIfCancellationRequested();
            for (var i = 0; i < block.RowCount; i++) Add(block, i, -1);
            total += block.RowCount;
        }
        foreach (var block in labelled?.ReadBlocks() ?? [])
        {
            cancellation.ThrowIfCancellationRequested();
            if (!block.HasGold) continue;
            var gold = block.GoldLabels.ToArray();
            for (var i = 0; i < block.RowCount; i++)
                if (gold[i] >= 0)
                {
                    Add(block, i, gold[i]);
                    total++;
                }
        }
        return new CrowdData(k, m, starts.ToArray(), sources.ToArray(), labels.ToArray(), weights.ToArray(), total, isLf, patternOf.ToArray(), clamps.ToArray());
    }

    private static int Hash(int[] lfs, int[] votes, int n, int clamp)
    {
        var hash = new HashCode();
        hash.Add(clamp);
        for (var e = 0; e < n; e++)
        {
            hash.Add(lfs[e]);
            hash.Add(votes[e]);
        }
        return hash.ToHashCode();
    }

    /// <summary>Majority-vote posteriors (ties share; a row without votes is uniform), rows × k, written into <paramref name="into"/> when given.</summary>
    public double[] MajorityVote(double[]? into = null)
    {
        var q = into ?? new double[Rows * K];
        if (into is not null) Array.Clear(q);
        for (var r = 0; r < Rows; r++)
        {
            var row = q.AsSpan(r * K, K);
            for (var e = Starts[r]; e < Starts[r + 1]; e++) row[Labels[e]] += 1;
            var max = 0.0;
            foreach (var x in row) max = Math.Max(max, x);
            var tied = 0;
            foreach (var x in row) if (x == max) tied++;
            for (var c = 0; c < K; c++) row[c] = row[c] == max ? 1.0 / tied : 0;
        }
        return q;
    }

    /// <summary>
    /// Starting posteriors for restart <paramref name="restart"/>: majority vote for restart 0, else majority vote
    /// mixed half and half with a random distribution per row drawn from <paramref name="random"/>; written into
    /// <paramref name="into"/> (a finished restart's, rows × k) when given.
    /// </summary>
    public double[] Initial(int restart, Random random, double[]? into = null)
    {
        var q = MajorityVote(into);
        if (restart == 0) return q;
        var noise = new double[K];
        for (var r = 0; r < Rows; r++)
        {
            var sum = 0.0;
            for (var c = 0; c < K; c++) sum += noise[c] = -Math.Log(1 - random.NextDouble());
            for (var c = 0; c < K; c++) q[r * K + c] = 0.5 * q[r * K + c] + 0.5 * noise[c] / sum;
        }
        return q;
    }

    private readonly record struct Pattern(int Start, int Length, int Clamp, int HashCode);

    private sealed class PatternComparer(Growing sources, Growing labels) : IEqualityComparer<Pattern>
    {
        public bool Equals(Pattern a, Pattern b)
            => a.HashCode == b.HashCode && a.Length == b.Length && a.Clamp == b.Clamp
               && sources.Span(a.Start, a.Length).SequenceEqual(sources.Span(b.Start, b.Length))
               && labels.Span(a.Start, a.Length).SequenceEqual(labels.Span(b.Start, b.Length));

        public int GetHashCode(Pattern p) => p.HashCode;
    }

    /// <summary>An int list that can be cut back and read as spans.</summary>
    private sealed class Growing
    {
        private int[] _items = new int[1024];

        public int Count { get; private set; }

        public void Add(int item)
        {
            if (Count == _items.Length) Array.Resize(ref _items, (int)Math.Min(Array.MaxLength, _items.Length * 2L));
            _items[Count++] = item;
        }

        public void Truncate(int count) => Count = count;

        public ReadOnlySpan<int> Span(int start, int length) => _items.AsSpan(start, length);

        public int[] ToArray() => _items.AsSpan(0, Count).ToArray();
    }
}
