namespace Snorkeler.LabelModels;

/// <summary>The class prior P(Y = c): given, from a labelled dev split, or uniform.</summary>
public static class ClassPrior
{
    /// <summary>The uniform prior over k classes.</summary>
    public static double[] Uniform(int k) => Enumerable.Repeat(1.0 / k, k).ToArray();

    /// <summary>
    /// Resolves the prior for a fit: the context's explicit prior, else the gold-label frequencies of its
    /// dev split (add-one smoothed, so no class gets 0), else <paramref name="fallback"/> (uniform when null).
    /// </summary>
    public static double[] Resolve(LabelSchema schema, FitContext context, double[]? fallback = null)
    {
        var k = schema.Cardinality;
        if (context.Prior is { } given) return Validate(given, k);
        if (context.Dev is { HasGold: true } dev) return FromGold(dev, k);
        return fallback ?? Uniform(k);
    }

    /// <summary>The add-one-smoothed gold-label frequencies of a labelled matrix.</summary>
    public static double[] FromGold(IMatrixSource labelled, int k)
    {
        var counts = new double[k];
        foreach (var block in labelled.ReadBlocks())
            foreach (var g in block.GoldLabels)
                if (g >= 0) counts[g]++;
        var total = counts.Sum() + k;
        return counts.Select(c => (c + 1) / total).ToArray();
    }

    /// <summary>Checks a prior: k finite positive numbers; returns them normalised to sum to 1.</summary>
    public static double[] Validate(IReadOnlyList<double> prior, int k)
    {
        if (prior.Count != k)
            throw new SnorkelerException($"the class prior has {prior.Count} values but the task has {k} classes");
        if (prior.Any(p => !double.IsFinite(p) || p <= 0))
            throw new SnorkelerException($"the class prior must be positive numbers, got {string.Join(",", prior)}");
        var sum = prior.Sum();
        return prior.Select(p => p / sum).ToArray();
    }
}
