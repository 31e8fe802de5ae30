using System.Globalization;

namespace Snorkeler.Analysis;

/// <summary>How two sources depend on each other, from their votes.</summary>
public enum DependencyKind
{
    /// <summary>The two columns are identical: same rows, same labels.</summary>
    Duplicate,

    /// <summary>They vote on nearly the same rows (Jaccard ≥ 0.9) and nearly always agree (≥ 0.95).</summary>
    NearDuplicate,

    /// <summary>Nearly every vote of the sparser one (≥ 0.95) falls where the other voted the same label: one looks derived from the other.</summary>
    Derived,

    /// <summary>
    /// Conditionally dependent given the class: their joint votes depart from what a conditionally independent
    /// model of the class explains (normalised conditional mutual information ≥ 0.1, significant at 10⁻⁶).
    /// </summary>
    Correlated,
}

/// <summary>A dependent pair of sources (First &lt; Second, column indices) and the figures behind the verdict.</summary>
/// <param name="First">The first source's column.</param>
/// <param name="Second">The second source's column.</param>
/// <param name="Kind">The strongest kind that applies (duplicate before near-duplicate before derived before correlated).</param>
/// <param name="CoVotes">Rows where both voted.</param>
/// <param name="Jaccard">Rows where both voted over rows where either voted.</param>
/// <param name="Containment">Rows where both voted over the votes of the sparser one.</param>
/// <param name="Agreement">Share of the rows where both voted on which they voted the same label.</param>
/// <param name="Dependence">
/// Conditional mutual information of the two sources' outputs (abstain included) given the class, over the
/// smaller of their conditional entropies (0: independent given the class, 1: one determines the other); NaN
/// when no class posteriors were given.
/// </param>
public sealed record DependentPair(int First, int Second, DependencyKind Kind, long CoVotes, double Jaccard, double Containment, double Agreement, double Dependence);

/// <summary>
/// Finds dependent sources from the votes: duplicates, near-duplicates and derived sources from co-vote counts,
/// and — given class posteriors from a conditionally independent model — pairs whose joint outputs that model
/// does not explain. Counts only the pairs that vote on the same rows (O(Σ votes per row²)), so it suits sparse
/// crowd matrices; where that is the dearer (a matrix in memory of many sources voting together), the counts come from
/// bit sets of the rows each source votes on (<see cref="CoVoteBits"/>).
/// </summary>
public static class SourceDependencies
{
    /// <summary>Smallest normalised conditional mutual information for <see cref="DependencyKind.Correlated"/>.</summary>
    public const double MinDependence = 0.1;

    /// <summary>
    /// The dependent pairs of <paramref name="matrix"/>. With <paramref name="posteriors"/> (row-major rows × k class
    /// probabilities of a conditionally independent model, in row order) pairs that are only statistically
    /// dependent are reported as <see cref="DependencyKind.Correlated"/> too.
    /// </summary>
    public static IReadOnlyList<DependentPair> Find(IMatrixSource matrix, ReadOnlySpan<double> posteriors = default, CancellationToken cancellation = default)
    {
        Guard.NotNull(matrix);
        var m = matrix.LfNames.Count;
        var k = matrix.Schema.Cardinality;
        var withModel = !posteriors.IsEmpty;
        if (!withModel && matrix is LabelMatrix inMemory && CoVoteBits.Count(inMemory, cancellation) is { } counted)
            return counted;
        var votes = new long[m];
        var pairs = new Dictionary<long, PairCounts>();
        // With posteriors: per source, soft counts of (class, output) with abstain as output k; per pair, the joint.
        var single = withModel ? new double[m * k * (k + 1)] : [];
        var classTotals = new double[k];
        var lfs = new int[m];
        var labels = new int[m];
        long row = 0;
        var width = k + 1;
        foreach (var block in matrix.ReadBlocks())
        {
            cancellation.ThrowIfCancellationRequested();
            for (var i = 0; i < block.RowCount; i++, row++)
            {
                var n = block.CopyVotes(i, lfs, labels);
                var q = withModel ? posteriors.Slice((int)(row * k), k) : default;
                if (withModel)
                    for (var c = 0; c < k; c++) classTotals[c] += q[c];
                for (var a = 0; a < n; a++)
                {
                    votes[lfs[a]]++;
                    if (withModel)
                        for (var c = 0; c < k; c++) single[(lfs[a] * k + c) * width + labels[a]] += q[c];
                    for (var b = a + 1; b < n; b++)
                    {
                        var key = (long)lfs[a] * m + lfs[b];
                        if (!pairs.TryGetValue(key, out var counts)) pairs[key] = counts = new PairCounts();
                        counts.Both++;
                        if (labels[a] == labels[b]) counts.Same++;
                        if (withModel)
                        {
                            var byClass = counts.CoVotes(labels[a] * k + labels[b], k);
                            for (var c = 0; c < k; c++) byClass[c] += q[c];
                        }
                    }
                }
            }
        }
        if (withModel && posteriors.Length != row * k)
            throw new ArgumentException($"{posteriors.Length} posteriors for {row} rows of {k} classes", nameof(posteriors));
        if (withModel)
            for (var j = 0; j < m; j++)
            for (var c = 0; c < k; c++)
            {
                var voted = 0.0;
                for (var a = 0; a < k; a++) voted += single[(j * k + c) * width + a];
                single[(j * k + c) * width + k] = Math.Max(0, classTotals[c] - voted);
            }

        var result = new List<DependentPair>();
        var joint = withModel ? new double[k * width * width] : [];
        foreach (var (key, counts) in pairs.OrderBy(p => p.Key))
        {
            var first = (int)(key / m);
            var second = (int)(key % m);
            var both = counts.Both;
            var dependence = double.NaN;
            var significant = false;
            if (withModel) dependence = Dependence(counts, joint, single, classTotals, first, second, k, out significant);
            if (Verdict(first, second, votes, both, counts.Same, dependence, significant) is { } pair) result.Add(pair);
        }
        return result;
    }

    /// <summary>The pair's dependence from its counts (<paramref name="votes"/> per source), or null when it has none.</summary>
    private static DependentPair? Verdict(int first, int second, long[] votes, long both, long same, double dependence, bool significant)
    {
        var jaccard = (double)both / (votes[first] + votes[second] - both);
        var containment = (double)both / Math.Min(votes[first], votes[second]);
        var agreement = (double)same / both;
        DependencyKind? kind =
            votes[first] == both && votes[second] == both && same == both ? DependencyKind.Duplicate
            : jaccard >= 0.9 && agreement >= 0.95 ? DependencyKind.NearDuplicate
            : containment >= 0.95 && agreement >= 0.95 && both >= 5 ? DependencyKind.Derived
            : significant && dependence >= MinDependence ? DependencyKind.Correlated
            : null;
        return kind is { } found ? new DependentPair(first, second, found, both, jaccard, containment, agreement, dependence) : null;
    }

    /// <summary>
    /// Co-vote counts from bit sets, for a matrix in memory whose sources vote together on most rows. Counting pair by pair
    /// within each row costs Σ (votes per row)² dictionary updates: 10¹⁰ on 2,000 LFs that all vote on 5,000 rows, which
    /// took dawid-skene's check of its fit against one accuracy per source about two minutes (its folds keep copies
    /// together) where the fit took 26 s. Here each source has a bit set of the rows it votes on and one per class it
    /// votes; a pair's co-votes are the bits of the AND of its rows, its agreements those of the ANDs of the classes both
    /// vote: (pairs + pairs sharing a class) × rows / 64 word operations, under a second there. The counts, and so the
    /// pairs found, are the same either way; the bit sets are used only where they are the cheaper and fit in
    /// <see cref="MaxBytes"/>.
    /// </summary>
    internal static class CoVoteBits
    {
        /// <summary>The most memory the bit sets may take.</summary>
        public const long MaxBytes = 1L << 27;

        /// <summary>Word operations (an AND and a bit count) taken to cost as much as one dictionary update of a pair.</summary>
        public const long WordsPerUpdate = 16;

        /// <summary>The pairs <see cref="Find"/> reports without posteriors, or null when counting within rows is the cheaper.</summary>
        public static List<DependentPair>? Count(LabelMatrix matrix, CancellationToken cancellation)
        {
            int m = matrix.LfCount, n = matrix.RowCount;
            long words = (n + 63) / 64;
            if (m * words * sizeof(ulong) > MaxBytes) return null; // the sources' bit sets alone would not fit
            var lfs = new int[m];
            var labels = new int[m];
            // The classes each source votes (a slot for each), and the updates counting within rows would take.
            var slotOf = new Dictionary<long, int>();
            var classesOf = new List<(int Class, int Slot)>[m];
            for (var j = 0; j < m; j++) classesOf[j] = [];
            long updates = 0;
            for (var i = 0; i < n; i++)
            {
                var count = matrix.CopyVotes(i, lfs, labels);
                updates += (long)count * (count - 1) / 2;
                for (var v = 0; v < count; v++)
                    if (slotOf.TryAdd((long)lfs[v] * matrix.Schema.Cardinality + labels[v], slotOf.Count))
                        classesOf[lfs[v]].Add((labels[v], slotOf.Count - 1));
            }
            var sharers = classesOf.SelectMany(c => c).GroupBy(c => c.Class).Sum(g => (long)g.Count() * (g.Count() - 1) / 2);
            var work = ((long)m * (m - 1) / 2 + sharers) * words;
            if ((m + slotOf.Count) * words * sizeof(ulong) > MaxBytes || work >= updates * WordsPerUpdate) return null;
            cancellation.ThrowIfCancellationRequested();
            var rows = new ulong[m * words];
            var classes = new ulong[slotOf.Count * words];
            var votes = new long[m];
            for (var i = 0; i < n; i++)
            {
                var count = matrix.CopyVotes(i, lfs, labels);
                var bit = 1UL << (i & 63);
                for (var v = 0; v < count; v++)
                {
                    votes[lfs[v]]++;
                    rows[lfs[v] * words + (i >> 6)] |= bit;
                    classes[slotOf[(long)lfs[v] * matrix.Schema.Cardinality + labels[v]] * words + (i >> 6)] |= bit;
                }
            }
            foreach (var list in classesOf) list.Sort();
            var result = new List<DependentPair>();
            for (var a = 0; a < m; a++)
            {
                cancellation.ThrowIfCancellationRequested();
                if (votes[a] == 0) continue;
                var first = rows.AsSpan((int)(a * words), (int)words);
                for (var b = a + 1; b < m; b++)
                {
                    if (votes[b] == 0) continue;
                    var both = Common(first, rows.AsSpan((int)(b * words), (int)words));
                    if (both == 0) continue;
                    long same = 0;
                    var (x, y) = (classesOf[a], classesOf[b]);
                    for (int p = 0, q = 0; p < x.Count && q < y.Count;)
                    {
                        if (x[p].Class < y[q].Class) p++;
                        else if (x[p].Class > y[q].Class) q++;
                        else same += Common(classes.AsSpan((int)(x[p++].Slot * words), (int)words), classes.AsSpan((int)(y[q++].Slot * words), (int)words));
                    }
                    if (Verdict(a, b, votes, both, same, double.NaN, significant: false) is { } pair) result.Add(pair);
                }
            }
            return result;
        }

        /// <summary>The bits set in both.</summary>
        private static long Common(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
        {
            long count = 0;
            for (var w = 0; w < a.Length; w++) count += System.Numerics.BitOperations.PopCount(a[w] & b[w]);
            return count;
        }
    }

    /// <summary>
    /// I(L_i; L_j | Y) over min(H(L_i | Y), H(L_j | Y)), from soft counts with abstain as an output. The joint cells
    /// where one of the two abstained are the singles' counts minus the co-vote cells. The G statistic
    /// 2·N·I is compared with a χ² with k·(|A|−1)(|B|−1) degrees of freedom (Wilson–Hilferty) for significance.
    /// </summary>
    private static double Dependence(PairCounts counts, double[] joint, double[] single, double[] classTotals, int first, int second, int k, out bool significant)
    {
        var width = k + 1;
        Array.Clear(joint);
        foreach (var (votes, byClass) in counts.Joint!)
            for (var c = 0; c < k; c++) joint[(c * width + votes / k) * width + votes % k] = byClass[c];
        double mutual = 0, entropyFirst = 0, entropySecond = 0, total = 0;
        for (var c = 0; c < k; c++)
        {
            var nc = classTotals[c];
            total += nc;
            if (nc <= 0) continue;
            // Fill the cells with an abstain from the marginals.
            var rowSums = new double[width];
            var colSums = new double[width];
            for (var a = 0; a < k; a++)
            for (var b = 0; b < k; b++)
            {
                var v = joint[(c * width + a) * width + b];
                rowSums[a] += v;
                colSums[b] += v;
            }
            var abstainBoth = nc;
            for (var a = 0; a < k; a++)
            {
                var onlyFirst = Math.Max(0, single[(first * k + c) * width + a] - rowSums[a]);
                joint[(c * width + a) * width + k] = onlyFirst;
                abstainBoth -= rowSums[a] + onlyFirst;
            }
            for (var b = 0; b < k; b++)
            {
                var onlySecond = Math.Max(0, single[(second * k + c) * width + b] - colSums[b]);
                joint[(c * width + k) * width + b] = onlySecond;
                abstainBoth -= onlySecond;
            }
            joint[(c * width + k) * width + k] = Math.Max(0, abstainBoth);
            for (var a = 0; a < width; a++)
            for (var b = 0; b < width; b++)
            {
                var v = joint[(c * width + a) * width + b];
                if (v <= 0) continue;
                var pa = single[(first * k + c) * width + a] / nc;
                var pb = single[(second * k + c) * width + b] / nc;
                if (pa > 0 && pb > 0) mutual += v * Math.Log(v / nc / (pa * pb));
            }
            for (var a = 0; a < width; a++)
            {
                var pa = single[(first * k + c) * width + a] / nc;
                if (pa > 0) entropyFirst -= nc * pa * Math.Log(pa);
                var pb = single[(second * k + c) * width + a] / nc;
                if (pb > 0) entropySecond -= nc * pb * Math.Log(pb);
            }
        }
        var g = 2 * Math.Max(0, mutual);
        var df = Math.Max(1, k * k * k); // k classes × (outputs − 1)² cells
        var z = (Math.Pow(g / df, 1.0 / 3) - (1 - 2.0 / (9 * df))) / Math.Sqrt(2.0 / (9 * df));
        significant = z > 4.75; // one-sided p < 10⁻⁶
        var smaller = Math.Min(entropyFirst, entropySecond);
        return smaller <= 0 ? 0 : Math.Max(0, mutual) / smaller;
    }

    /// <summary>
    /// Groups of sources linked by dependent pairs (connected components), each a sorted list of columns; sources
    /// in no pair form their own group. Groups come in order of their first column.
    /// </summary>
    public static IReadOnlyList<int[]> Groups(int sources, IEnumerable<DependentPair> pairs)
    {
        var parent = Enumerable.Range(0, sources).ToArray();
        int Find(int x)
        {
            while (parent[x] != x) x = parent[x] = parent[parent[x]];
            return x;
        }
        foreach (var pair in Guard.NotNull(pairs))
        {
            int a = Find(pair.First), b = Find(pair.Second);
            if (a != b) parent[Math.Max(a, b)] = Math.Min(a, b);
        }
        return Enumerable.Range(0, sources).GroupBy(Find).Select(g => g.OrderBy(x => x).ToArray()).OrderBy(g => g[0]).ToArray();
    }

    /// <summary>One line per pair: "lf_8 and lf_39: duplicate (352 co-votes, agreement 1.000)".</summary>
    public static string Describe(DependentPair pair, IReadOnlyList<string> names)
    {
        Guard.NotNull(pair);
        Guard.NotNull(names);
        return string.Join(", ", Clauses(pair, names[pair.First], names[pair.Second]));
    }

    /// <summary>
    /// <see cref="Describe(DependentPair, IReadOnlyList{string})"/> for a text of <paramref name="width"/> columns, its
    /// names cut as a text table's are: the longer of the two gives up a character first, neither below 12, and each cut
    /// stands for one name of <paramref name="names"/> only (<see cref="Tables.Shorten"/>). They are cut so that the line
    /// fits when cuts to 12 characters can make it; else only as far as its first clause (up to the co-votes) needs, the
    /// caller breaking the rest after a comma (<see cref="Tables.Wrap(IReadOnlyList{string}, int)"/>), so that short names
    /// are not cut for nothing. The line comes as its clauses, measured and broken as such: a name may hold ", " too.
    /// </summary>
    internal static IReadOnlyList<string> Describe(DependentPair pair, IReadOnlyList<string> names, int width)
    {
        const int least = 12;
        string first = names[pair.First], second = names[pair.Second];
        var whole = Clauses(pair, first, second);
        var length = whole.Sum(c => c.Length) + ", ".Length * (whole.Count - 1);
        if (length <= width) return whole;
        var rest = length - first.Length - second.Length;
        var firstClause = whole[0].Length + ",".Length - first.Length - second.Length;
        var room = Math.Min(first.Length, least) + Math.Min(second.Length, least) <= width - rest ? width - rest : width - firstClause;
        int a = first.Length, b = second.Length;
        while (a + b > room)
        {
            if (a > least && (a >= b || b <= least)) a--;
            else if (b > least) b--;
            else break;
        }
        return Clauses(pair, Tables.Shorten([first], names, a)[0], Tables.Shorten([second], names, b)[0]);
    }

    /// <summary>The clauses that joined by ", " make a pair's line: the pair, its kind and co-votes; the agreement; the dependence, when known.</summary>
    private static IReadOnlyList<string> Clauses(DependentPair pair, string first, string second)
    {
        var kind = pair.Kind switch
        {
            DependencyKind.Duplicate => "duplicate",
            DependencyKind.NearDuplicate => "near-duplicate",
            DependencyKind.Derived => "derived (one's votes lie within the other's)",
            _ => "correlated given the class",
        };
        var clauses = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"{first} and {second}: {kind} ({pair.CoVotes} co-votes"),
            string.Create(CultureInfo.InvariantCulture, $"agreement {pair.Agreement:F3}"),
        };
        if (!double.IsNaN(pair.Dependence)) clauses.Add(string.Create(CultureInfo.InvariantCulture, $"dependence {pair.Dependence:F2}"));
        clauses[^1] += ")";
        return clauses;
    }

    private sealed class PairCounts
    {
        public long Both;
        public long Same;

        /// <summary>
        /// With posteriors: soft counts of the co-votes per class, by the pair of votes (first's · k + second's). Only the
        /// pairs of votes that occur are kept: one for two single-class LFs, where a dense k³ table per pair of LFs took
        /// ~90 MB on 164 LFs of 9 classes.
        /// </summary>
        public Dictionary<int, double[]>? Joint;

        public double[] CoVotes(int votes, int k)
        {
            Joint ??= [];
            if (!Joint.TryGetValue(votes, out var byClass)) Joint[votes] = byClass = new double[k];
            return byClass;
        }
    }
}
