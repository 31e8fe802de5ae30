using Snorkeler.LabelModels.Preferences;

namespace Snorkeler.LabelModels.Tests.Support;

/// <summary>Pairwise judgements drawn from a Bradley–Terry model with ties and unreliable annotators.</summary>
internal static class GeneratedPreferences
{
    /// <summary>
    /// <paramref name="items"/> items with scores ~ N(0, <paramref name="scoreSd"/>²), <paramref name="judgements"/> judgements of
    /// random pairs by one annotator per entry of <paramref name="reliability"/>; annotator j reports the drawn outcome reversed with
    /// probability 1 − reliability[j]. Ties follow Davidson's model with parameter <paramref name="nu"/>.
    /// </summary>
    public static (PreferenceData Data, double[] Scores) Draw(int items, int judgements, double[] reliability, double scoreSd, double nu, int seed)
    {
        var random = new Random(seed);
        var scores = Enumerable.Range(0, items).Select(_ => scoreSd * Gaussian(random)).ToArray();
        var comparisons = new List<Comparison>(judgements);
        for (var t = 0; t < judgements; t++)
        {
            var left = random.Next(items);
            var right = random.Next(items - 1);
            if (right >= left) right++;
            var (pl, pr, _) = BradleyTerry.Probabilities(scores[left] - scores[right], nu);
            var u = random.NextDouble();
            var outcome = u < pl ? PreferenceOutcome.Left : u < pl + pr ? PreferenceOutcome.Right : PreferenceOutcome.Tie;
            var annotator = random.Next(reliability.Length);
            if (outcome != PreferenceOutcome.Tie && random.NextDouble() > reliability[annotator])
                outcome = outcome == PreferenceOutcome.Left ? PreferenceOutcome.Right : PreferenceOutcome.Left;
            comparisons.Add(new Comparison(left, right, annotator, outcome));
        }
        return (new PreferenceData(Enumerable.Range(0, items).Select(i => $"item{i}").ToArray(),
            Enumerable.Range(0, reliability.Length).Select(j => $"a{j}").ToArray(), comparisons), scores);
    }

    /// <summary>Spearman's rank correlation.</summary>
    public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        var rx = Ranks(x);
        var ry = Ranks(y);
        double mx = rx.Average(), my = ry.Average(), sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < rx.Length; i++)
        {
            sxy += (rx[i] - mx) * (ry[i] - my);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - my) * (ry[i] - my);
        }
        return sxy / Math.Sqrt(sxx * syy);
    }

    private static double[] Ranks(IReadOnlyList<double> v)
    {
        var order = Enumerable.Range(0, v.Count).OrderBy(i => v[i]).ToArray();
        var ranks = new double[v.Count];
        for (var r = 0; r < order.Length; r++) ranks[order[r]] = r;
        return ranks;
    }

    private static double Gaussian(Random random)
        => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
