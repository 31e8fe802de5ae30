using Snorkeler.Analysis;
using Snorkeler.LabelModels.Internal;

namespace Snorkeler.LabelModels;

/// <summary>
/// Held-out source agreement, the unsupervised criterion of <c>auto</c> and of <c>dawid-skene</c>'s guard: the sources are
/// split into folds (duplicated and near-duplicated sources in one fold, or a fit would see a held-out source through
/// its twin); a model is refitted without each fold and its labels are compared with the held-out sources' outputs, per
/// source (<see cref="Scores"/>), and averaged over the held-out sources weighted by their votes. Both rank fits by the
/// agreement score (κ for a single-class LF; the guard keeps κ for people's answers); <c>auto</c>'s no-signal check reads
/// majority vote's κ for every source.
/// </summary>
internal sealed class HeldOutSources
{
    private readonly int[] _fold;

    private HeldOutSources(LabelMatrix sample, int[] fold, LabelMatrix[] masked, IReadOnlyList<DependentPair> copies)
    {
        Sample = sample;
        _fold = fold;
        Masked = masked;
        Copies = copies;
    }

    /// <summary>The rows the criterion reads (at most the number asked for, evenly spaced).</summary>
    public LabelMatrix Sample { get; }

    /// <summary>Per fold, the sample without that fold's sources.</summary>
    public LabelMatrix[] Masked { get; }

    /// <summary>The pairs of copies kept in one fold.</summary>
    public IReadOnlyList<DependentPair> Copies { get; }

    /// <summary>Folds formed (fewer than 2: no source can be held out, and <see cref="Scores"/> must not be used).</summary>
    public int Count => Masked.Length;

    /// <summary>Samples at most <paramref name="rows"/> rows of <paramref name="train"/> and splits its sources into at most <paramref name="folds"/> folds.</summary>
    public static HeldOutSources Build(IMatrixSource train, int rows, int folds, CancellationToken cancellation)
    {
        var sample = Copy(train, rows, _ => true, keepGold: false, cancellation);
        var pairs = SourceDependencies.Find(sample, cancellation: cancellation);
        var copies = pairs.Where(p => p.Kind is DependencyKind.Duplicate or DependencyKind.NearDuplicate).ToArray();
        var groups = SourceDependencies.Groups(sample.LfCount, copies);
        folds = Math.Min(folds, groups.Count);
        var fold = new int[sample.LfCount];
        for (var g = 0; g < groups.Count; g++)
            foreach (var j in groups[g]) fold[j] = g % folds;
        var masked = folds < 2 ? [] : Enumerable.Range(0, folds).Select(f => Copy(sample, int.MaxValue, j => fold[j] != f, keepGold: false, CancellationToken.None)).ToArray();
        return new HeldOutSources(sample, fold, masked, copies);
    }

    /// <summary>The weighted mean of per-source scores, κ or agreement (0 when no source has weight).</summary>
    public static double Mean(double[] kappa, double[] weight)
    {
        double weighted = 0, weights = 0;
        for (var j = 0; j < kappa.Length; j++)
        {
            weighted += kappa[j] * weight[j];
            weights += weight[j];
        }
        return weights == 0 ? 0 : weighted / weights;
    }

    /// <summary>
    /// Paired over the held-out sources: the weighted mean of <c>a_j − b_j</c> and its standard error. Held-out κ is noisy where
    /// sources are sparse (near 0 for rare single-class LFs), so one fit is preferred to another only by more than this error.
    /// </summary>
    public static (double Difference, double StandardError) PairedDifference(double[] a, double[] b, double[] weight)
    {
        var total = weight.Sum();
        if (total <= 0) return (0, 0);
        var difference = 0.0;
        for (var j = 0; j < weight.Length; j++) difference += weight[j] * (a[j] - b[j]) / total;
        var variance = 0.0;
        for (var j = 0; j < weight.Length; j++)
        {
            var deviation = a[j] - b[j] - difference;
            variance += weight[j] * weight[j] * deviation * deviation / (total * total);
        }
        return (difference, Math.Sqrt(variance));
    }

    /// <summary>
    /// Per source, in source order: the κ of its held-out fit's labels, its <b>agreement</b> score
    /// and its weight. The agreement score is κ for a source that only votes one class; for the others it is the share of
    /// its votes that the fit's hard labels name (ties share, as in expected accuracy: <see cref="HardLabels.TopCount"/>),
    /// rescaled by the share a guess drawn from the source's own votes would name: <c>(A − c) / (1 − c)</c> with
    /// <c>c = Σ_a share_a²</c> (c depends on the source only, so the ranking is that of A). Unlike κ, whose chance term grows with the fit's own class balance, this does not mark a fit down for
    /// labelling most rows the majority class when most rows are of it: under Dawid–Skene's assumption (each source names a
    /// row's true class more often than any other class) a fit that moves a row to its true class raises it, so on sources
    /// that err alike on every class it ranks fits as their accuracy does. Hard labels, because a share of probabilities
    /// would reward confidence as well as the labels.
    /// </summary>
    public HeldOutScores Scores(Func<LabelMatrix, int, ILabelModel> fit, CancellationToken cancellation)
    {
        var sample = Sample;
        var masked = Masked;
        var fold = _fold;
        int k = sample.Schema.Cardinality, m = sample.LfCount, n = sample.RowCount;
        // The classes each source votes, to tell single-class sources (compared on every row) from the others.
        var classes = new HashSet<int>[m];
        for (var j = 0; j < m; j++) classes[j] = [];
        var lfs = new int[m];
        var labels = new int[m];
        for (var i = 0; i < n; i++)
        {
            var count = sample.CopyVotes(i, lfs, labels);
            for (var v = 0; v < count; v++) classes[lfs[v]].Add(labels[v]);
        }
        var kappas = new double[m];
        var agreements = new double[m];
        var weightOf = new double[m];
        // The folds' fits are independent: they run side by side (a failure is the lowest fold's, as in a loop).
        var labelled = InParallel.Map(masked.Length, cancellation, f => fit(masked[f], f).PredictProbabilities(masked[f]));
        for (var f = 0; f < masked.Length; f++)
        {
            var q = labelled[f];
            var classTotals = new double[k];
            for (var i = 0; i < n; i++)
                for (var c = 0; c < k; c++) classTotals[c] += q[i * k + c];
            // Per held-out source: agreement sum, rows observed, predicted mass per class, votes per class.
            var agree = new double[m];
            var predicted = new double[m * k];
            var voted = new double[m * k];
            var firedMass = new double[m]; // Σ over fired rows of q(its class), for single-class sources
            var hardAgree = new double[m]; // Σ over voted rows of the hard label's share of the vote's class
            for (var i = 0; i < n; i++)
            {
                var count = sample.CopyVotes(i, lfs, labels);
                for (var v = 0; v < count; v++)
                {
                    var j = lfs[v];
                    if (fold[j] != f) continue;
                    var a = labels[v];
                    agree[j] += q[i * k + a];
                    hardAgree[j] += HardLabels.TopCount(q.AsSpan(i * k, k), a, out var named) is var tied && named ? 1.0 / tied : 0;
                    for (var c = 0; c < k; c++) predicted[j * k + c] += q[i * k + c];
                    voted[j * k + a]++;
                    firedMass[j] += q[i * k + a];
                }
            }
            for (var j = 0; j < m; j++)
            {
                if (fold[j] != f || classes[j].Count == 0) continue;
                var votes = 0.0;
                for (var c = 0; c < k; c++) votes += voted[j * k + c];
                weightOf[j] = votes;
                if (classes[j].Count == 1 && sample.KindOf(j) == SourceKind.LabelingFunction)
                {
                    // Fires (votes t) or not, against labelled t or not, over every row.
                    var t = classes[j].First();
                    var fired = votes / n;
                    var labelledT = classTotals[t] / n;
                    var observed = (firedMass[j] + (n - votes - (classTotals[t] - firedMass[j]))) / n;
                    var chance = labelledT * fired + (1 - labelledT) * (1 - fired);
                    kappas[j] = chance >= 1 ? 0 : (observed - chance) / (1 - chance);
                    agreements[j] = kappas[j];
                }
                else
                {
                    var observed = agree[j] / votes;
                    var chance = 0.0;
                    var guess = 0.0;
                    for (var c = 0; c < k; c++)
                    {
                        var share = voted[j * k + c] / votes;
                        chance += predicted[j * k + c] / votes * share;
                        guess += share * share;
                    }
                    kappas[j] = chance >= 1 ? 0 : (observed - chance) / (1 - chance);
                    agreements[j] = guess >= 1 ? 0 : (hardAgree[j] / votes - guess) / (1 - guess);
                }
            }
        }
        return new HeldOutScores(kappas, agreements, weightOf);
    }

    /// <summary>At most <paramref name="rows"/> rows of the source, evenly spaced, as one sparse matrix, with the votes of the sources <paramref name="keep"/> accepts.</summary>
    internal static LabelMatrix Copy(IMatrixSource source, int rows, Func<int, bool> keep, bool keepGold, CancellationToken cancellation)
    {
        var total = source.RowCount ?? source.ReadBlocks().Sum(b => (long)b.RowCount);
        var stride = Math.Max(1.0, (double)total / rows);
        var builder = new SparseLabelMatrixBuilder(source.Schema, source.LfNames);
        var lfs = new int[source.LfNames.Count];
        var labels = new int[lfs.Length];
        long index = 0;
        double next = 0;
        IReadOnlyList<SourceKind>? kinds = null;
        foreach (var block in source.ReadBlocks())
        {
            cancellation.ThrowIfCancellationRequested();
            kinds ??= block.HasAnnotators ? block.SourceKinds : null;
            for (var i = 0; i < block.RowCount; i++, index++)
            {
                if (index < (long)next) continue;
                next += stride;
                var row = builder.AddRow();
                var count = block.CopyVotes(i, lfs, labels);
                for (var v = 0; v < count; v++)
                    if (keep(lfs[v])) builder.Add(lfs[v], labels[v]);
                if (keepGold && block.HasGold) builder.SetGold(row, block.Gold(i));
            }
        }
        if (kinds is not null) builder.SetSourceKinds(kinds);
        return builder.Build();
    }
}

/// <summary>Per held-out source: κ, the agreement score (see <see cref="HeldOutSources.Scores"/>) and the weight (its votes).</summary>
internal sealed record HeldOutScores(double[] Kappa, double[] Agreement, double[] Weight);
