using System.Globalization;

namespace Snorkeler.LabelModels.Crowd;

/// <summary>
/// The outcome of <see cref="CrowdRecognition.Test(IMatrixSource, CancellationToken)"/>: the dispersion of the presence-against-class tables of the sources.
/// </summary>
/// <param name="ChiSquare">Σ over the tested sources of Pearson's χ² of (voted, not voted) × class.</param>
/// <param name="DegreesOfFreedom">Σ over the tested sources of (classes seen − 1).</param>
/// <param name="Sources">Sources tested (those that vote on some rows with other votes and not on others).</param>
/// <param name="SingleClassVoteShare">The share of the votes cast by sources that only ever vote one class.</param>
/// <param name="AnswerDispersion">The variance of the number of votes a row gets over its mean (0 when every row gets as many).</param>
internal sealed record CrowdEvidence(double ChiSquare, int DegreesOfFreedom, int Sources, double SingleClassVoteShare, double AnswerDispersion)
{
    /// <summary>(χ² − df) / √(2 df): standard deviations above what independent answering gives (NaN when nothing was tested).</summary>
    public double Z => DegreesOfFreedom > 0 ? (ChiSquare - DegreesOfFreedom) / Math.Sqrt(2.0 * DegreesOfFreedom) : double.NaN;

    /// <summary>
    /// True when the sources' answering is independent of the class within <see cref="CrowdRecognition.MaxZ"/> standard
    /// deviations, every row gets about as many votes (<see cref="CrowdRecognition.MaxAnswerDispersion"/>) and fewer than
    /// half the votes come from single-class sources (which the crowd default cannot read).
    /// </summary>
    public bool LooksLikePeople => Z <= CrowdRecognition.MaxZ && AnswerDispersion <= CrowdRecognition.MaxAnswerDispersion && SingleClassVoteShare < 0.5;

    /// <summary>"χ² 312.4 on 300 df over 100 sources, z 0.50; votes per row: variance / mean 0.00; 0 % of the votes from single-class sources".</summary>
    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"χ² {ChiSquare:F1} on {DegreesOfFreedom} df over {Sources} sources, z {Z:F2}; votes per row: variance / mean {AnswerDispersion:F2}; {SingleClassVoteShare:P0} of the votes from single-class sources");
}

/// <summary>
/// Recognises a wide matrix whose columns are people's answers though it does not say so (a Wrench crowd set: one worker
/// a column, -1 where the worker was not asked). What sets people apart from labelling functions is what their -1 means:
/// a worker is shown tasks whatever their class, so whether a column voted on a row says nothing about the row's class,
/// while an LF's abstain depends on the row's content and so on its class (a single-class LF fires mostly on its class; a
/// keyword LF on the rows with the keyword). So for each source the rows are split into those it voted on and the
/// others, each row's class is estimated by majority vote of the <i>other</i> sources' votes (one vote left out on every
/// row, so the two groups are estimated from equally many votes: on a row the source voted its own vote, on any other
/// row each vote in turn, averaged; ties share), and Pearson's χ² of independence is taken of that 2 × k table. Summed
/// over the sources, under independent answering χ² is about its degrees of freedom. On the generated crowds of
/// <c>crowd-suite generate</c> (seeds 100, 200) and on dog it is 0.5–1.0 × df (z ≤ 0); on the generated LF suite (seeds
/// 1, 2), youtube, trec and tennis 3–1,900 × df (z ≥ 8.7). Constant spammers pass (they are asked at random); sources
/// voting every row and rows with fewer than two votes carry no information and are left out. With few rows the test
/// cannot see an LF's dependence (15 of 32 LF sets of 200 rows pass it), so two more marks of a crowd are required: every
/// row gets about as many votes (a platform asks each task of r people; LFs that fire independently give counts that vary
/// like a sum of coin flips, variance near the mean) and most votes come from sources that vote several classes
/// (docs/label-models-measurements.md, "Crowds read as LFs are recognised as people's answers").
/// </summary>
internal static class CrowdRecognition
{
    /// <summary>The most standard deviations above independent answering that people's answers may show.</summary>
    public const double MaxZ = 3.0;

    /// <summary>The largest variance / mean of the votes per row of people's answers (a platform asks each task of about as many people).</summary>
    public const double MaxAnswerDispersion = 0.25;

    /// <summary>Measures how far every source's voting depends on the (majority-vote) class of the row.</summary>
    public static CrowdEvidence Test(IMatrixSource matrix, CancellationToken cancellation = default)
    {
        Guard.NotNull(matrix);
        return Test(VotePatterns.Read(matrix, cancellation), matrix.Schema.Cardinality);
    }

    /// <summary>The same test on rows already read as vote patterns (each pattern counting as its rows).</summary>
    internal static CrowdEvidence Test(VotePatterns patterns, int k)
    {
        var m = patterns.LfCount;
        // present[j, c]: class mass of the rows j voted on (majority of the others); presentAll[j, c]: the same rows' mass
        // as every row is counted in total[c] (one vote in turn left out), so the rows j did not vote on are total − presentAll.
        var present = new double[m * k];
        var presentAll = new double[m * k];
        var total = new double[k];
        var rowMass = new double[k];
        var counts = new int[k];
        double rows = 0, perRow = 0, perRowSquared = 0;
        for (var t = 0; t < patterns.Count; t++)
        {
            var (start, end) = patterns.Range(t);
            var n = end - start;
            double weight = patterns.Counts[t];
            rows += weight;
            perRow += weight * n;
            perRowSquared += weight * n * n;
            if (n < 2) continue;
            Array.Clear(counts);
            for (var v = start; v < end; v++) counts[patterns.Labels[v]]++;
            Array.Clear(rowMass);
            for (var c = 0; c < k; c++)
                if (counts[c] > 0) AddMajorityWithout(counts, c, weight * counts[c] / n, rowMass);
            for (var c = 0; c < k; c++) total[c] += rowMass[c];
            for (var v = start; v < end; v++)
            {
                var j = patterns.Lfs[v];
                AddMajorityWithout(counts, patterns.Labels[v], weight, present.AsSpan(j * k, k));
                for (var c = 0; c < k; c++) presentAll[j * k + c] += rowMass[c];
            }
        }
        double chiSquare = 0;
        int df = 0, tested = 0;
        for (var j = 0; j < m; j++)
        {
            double voted = 0, other = 0;
            for (var c = 0; c < k; c++)
            {
                voted += present[j * k + c];
                other += Math.Max(0, total[c] - presentAll[j * k + c]);
            }
            if (voted < 1 || other < 1) continue; // votes on every row with other votes, or on none: nothing to compare
            var all = voted + other;
            int classes = 0;
            for (var c = 0; c < k; c++)
            {
                var p = present[j * k + c];
                var a = Math.Max(0, total[c] - presentAll[j * k + c]);
                var column = p + a;
                if (column <= 0) continue;
                classes++;
                var expectedVoted = voted * column / all;
                var expectedOther = other * column / all;
                chiSquare += (p - expectedVoted) * (p - expectedVoted) / expectedVoted + (a - expectedOther) * (a - expectedOther) / expectedOther;
            }
            if (classes < 2) continue;
            df += classes - 1;
            tested++;
        }
        var mean = rows > 0 ? perRow / rows : 0;
        var dispersion = mean > 0 ? Math.Max(0, perRowSquared / rows - mean * mean) / mean : double.NaN;
        return new CrowdEvidence(chiSquare, df, tested, AutoTrainer.SingleClassVoteShare(patterns, k), dispersion);
    }

    /// <summary>Adds <paramref name="weight"/>, shared by the tied classes, to the majority class of <paramref name="counts"/> with one vote for <paramref name="removed"/> taken away.</summary>
    private static void AddMajorityWithout(int[] counts, int removed, double weight, Span<double> target)
    {
        var top = -1;
        var tied = 0;
        for (var c = 0; c < counts.Length; c++)
        {
            var count = counts[c] - (c == removed ? 1 : 0);
            if (count > top) (top, tied) = (count, 1);
            else if (count == top) tied++;
        }
        if (top <= 0) return;
        for (var c = 0; c < counts.Length; c++)
            if (counts[c] - (c == removed ? 1 : 0) == top) target[c] += weight / tied;
    }

    /// <summary>The same matrix with every source an annotator (-1: not asked).</summary>
    public static IMatrixSource AsAnnotators(IMatrixSource matrix)
        => new IO.MatrixFile.AnnotatedSource(matrix, Enumerable.Repeat(SourceKind.Annotator, matrix.LfNames.Count).ToArray());
}
