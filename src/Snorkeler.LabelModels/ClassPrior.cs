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
        if (context.Dev is { HasGold: true } dev)
        {
            if (!dev.Schema.Equals(schema)) throw new SnorkelerException($"{context.DevWhere}: classes {dev.Schema} differ from the training matrix's {schema}");
            return FromGold(dev, k);
        }
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
            throw new OptionException($"the class prior has {prior.Count} values but the task has {k} classes");
        if (prior.Any(p => !double.IsFinite(p) || p <= 0))
            throw new OptionException($"the class prior must be positive numbers, got {string.Join(",", prior)}");
        // Huge values (1e308, 1e308) overflow the sum: then they are scaled by the largest first.
        var sum = prior.Sum();
        // A prior already normalised up to rounding is kept bit for bit, so that validating it again (a saved model loaded)
        // cannot move its last digits.
        if (Math.Abs(sum - 1) <= 1e-12) return prior.ToArray();
        var scale = double.IsFinite(sum) ? 1 : prior.Max();
        if (scale != 1) sum = prior.Sum(p => p / scale);
        var normalised = prior.Select(p => p / scale / sum).ToArray();
        if (normalised.Any(p => !(p > 0)))
            throw new OptionException($"the class prior {string.Join(",", prior)} gives a class a share too small to represent; give shares within a factor of 1e300 of each other");
        return normalised;
    }

    /// <summary>
    /// The add-one-smoothed frequencies of majority-vote labels on the training matrix (a tied row counts
    /// 1/t for each of its t tied classes; rows where every LF abstained are left out).
    /// </summary>
    public static double[] FromMajorityVote(IMatrixSource train)
    {
        Guard.NotNull(train);
        var k = train.Schema.Cardinality;
        var counts = new double[k];
        var votes = new int[k];
        var row = new int[train.LfNames.Count];
        foreach (var block in train.ReadBlocks())
            for (var i = 0; i < block.RowCount; i++)
            {
                Array.Clear(votes);
                block.CopyRow(i, row);
                foreach (var v in row) if (v >= 0) votes[v]++;
                var max = votes.Max();
                if (max == 0) continue;
                var tied = votes.Count(v => v == max);
                for (var c = 0; c < k; c++) if (votes[c] == max) counts[c] += 1.0 / tied;
            }
        var total = counts.Sum() + k;
        return counts.Select(c => (c + 1) / total).ToArray();
    }

    /// <summary>
    /// Resolves the prior for a fit: the context's explicit prior, else its dev split's gold frequencies,
    /// else the estimate <paramref name="estimate"/> from the training matrix.
    /// </summary>
    public static double[] Resolve(IMatrixSource train, FitContext context, PriorEstimate estimate)
    {
        Guard.NotNull(train);
        Guard.NotNull(context);
        if (context.Prior is not null || context.Dev is { HasGold: true }) return Resolve(train.Schema, context);
        return Estimate(train, context, estimate);
    }

    /// <summary>The prior estimated from the training matrix alone (no gold labels).</summary>
    public static double[] Estimate(IMatrixSource train, FitContext context, PriorEstimate estimate) => estimate switch
    {
        PriorEstimate.Uniform => Uniform(train.Schema.Cardinality),
        PriorEstimate.MajorityVote => FromMajorityVote(train),
        PriorEstimate.Em => DawidSkeneTrainer.EstimatePrior(train, context),
        _ => throw new ArgumentOutOfRangeException(nameof(estimate), estimate, "unknown prior estimate"),
    };

    /// <summary>Reads the <c>prior-estimate</c> option: <c>uniform</c> (default), <c>mv</c> or <c>em</c>.</summary>
    public static PriorEstimate ReadEstimate(ModelOptions options, PriorEstimate fallback = PriorEstimate.Uniform)
    {
        return Guard.NotNull(options).Word("prior-estimate", "uniform", "mv", "em") switch
        {
            null => fallback,
            "uniform" => PriorEstimate.Uniform,
            "mv" => PriorEstimate.MajorityVote,
            "em" => PriorEstimate.Em,
            _ => throw new System.Diagnostics.UnreachableException(),
        };
    }

    /// <summary>The option value naming an estimate (<c>uniform</c>, <c>mv</c>, <c>em</c>).</summary>
    public static string OptionValue(PriorEstimate estimate) => estimate switch
    {
        PriorEstimate.MajorityVote => "mv",
        PriorEstimate.Em => "em",
        _ => "uniform",
    };
}

/// <summary>
/// How a model estimates the class prior from the training matrix when neither an explicit prior nor a
/// labelled dev split is given (option <c>prior-estimate</c>).
/// </summary>
public enum PriorEstimate
{
    /// <summary>Uniform over the classes (Snorkel's default).</summary>
    Uniform,
    /// <summary>Smoothed frequencies of the majority-vote labels.</summary>
    MajorityVote,
    /// <summary>The class balance Dawid–Skene's EM estimates.</summary>
    Em,
}
