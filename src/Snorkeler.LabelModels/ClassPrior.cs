namespace Snorkeler.LabelModels;

/// <summary>The class prior P(Y = c): given, from a labelled dev split, or uniform.</summary>
public static class ClassPrior
{
    /// <summary>The uniform prior over k classes.</summary>
    public static double[] Uniform(int k) => Enumerable.Repeat(1.0 / k, k).ToArray();

    /// <summary>
    /// Resolves the prior for a fit: the context's explicit prior, else the gold-label frequencies of its
    /// dev split (add-one smoothed, so no class gets 0), else <paramref name="fallback"/> (uniform when null). A dev
    /// split with no row of some class gives no prior (<see cref="FromDev"/>: warned about), so the fallback is used.
    /// </summary>
    /// <param name="schema">The training matrix's classes.</param>
    /// <param name="context">The fit's context.</param>
    /// <param name="fallback">The prior without one given or from the dev split; null: uniform.</param>
    /// <param name="model">The model's name, for the warning about a dev split without a class; null leaves it out.</param>
    public static double[] Resolve(LabelSchema schema, FitContext context, double[]? fallback = null, string? model = null)
    {
        Guard.NotNull(schema);
        Guard.NotNull(context);
        var k = schema.Cardinality;
        if (context.Prior is { } given) return Validate(given, k);
        return FromDev(schema, context, model, fallback is null ? "the uniform prior is used instead" : "the model's own estimate is used instead")
               ?? fallback ?? Uniform(k);
    }

    /// <summary>
    /// The dev split's add-one-smoothed gold frequencies as the prior, or null without a labelled dev split, or when it has
    /// no row of some class: its balance then calls that class nearly absent (1/(n + k) for n rows with gold: 0.05 with 19
    /// rows), and a prior near 0 keeps the model from labelling that class at all (YouTube with 8 spam dev rows: snorkel
    /// 0.804 → 0.620 on test, dawid-skene 0.832 → 0.728; docs/label-models-measurements.md). That is warned about through
    /// <see cref="FitContext.Warn"/>, naming the file, the classes, the rows with gold and <paramref name="instead"/> (what
    /// the model uses in its place), once per fit; <c>auto</c> leaves such a balance out of its candidates the same way.
    /// </summary>
    internal static double[]? FromDev(LabelSchema schema, FitContext context, string? model, string instead)
    {
        if (context.Dev is not { HasGold: true } dev) return null;
        if (!dev.Schema.Equals(schema)) throw new SnorkelerException($"{context.DevWhere}: classes {dev.Schema.ListedAgainst(schema)} differ from the training matrix's {schema.ListedAgainst(dev.Schema)}");
        var k = schema.Cardinality;
        var counts = GoldCounts(dev, k);
        var missing = Enumerable.Range(0, k).Where(c => counts[c] == 0).Select(schema.NameOf).ToArray();
        if (missing.Length == 0) return Smoothed(counts);
        // Fit and label take a prior (--prior); compare takes none, and its dev split is the one way it gives a model a prior.
        var setting = context.ModelListName is null ? "give --prior to set one" : "compare takes no prior: a dev split with a row of every class sets one";
        context.Warning($"warning: {(model is null ? "" : model + ": ")}{MissingClasses(context.DevWhere, missing, (long)counts.Sum())}: "
                        + $"its class balance is not used as the prior (it would put {(missing.Length == 1 ? "that class" : "those classes")} near 0); {instead} ({setting})");
        return null;
    }

    /// <summary>
    /// <c>valid.json has no row of class HAM (19 rows with gold)</c>: the start of a warning about a dev split without a
    /// class, with at most <see cref="Text.LabelMessages.ClassesListed"/> classes named.
    /// </summary>
    internal static string MissingClasses(string devName, IReadOnlyList<string> missing, long rowsWithGold)
    {
        Guard.NotNull(missing);
        return $"{devName} has no row of {(missing.Count == 1 ? "class" : "classes")} {Text.LabelMessages.Names(missing)} ({Text.Listing.Counted(rowsWithGold, "row")} with gold)";
    }

    /// <summary>The add-one-smoothed gold-label frequencies of a labelled matrix.</summary>
    public static double[] FromGold(IMatrixSource labelled, int k) => Smoothed(GoldCounts(Guard.NotNull(labelled), k));

    private static double[] GoldCounts(IMatrixSource labelled, int k)
    {
        var counts = new double[k];
        foreach (var block in labelled.ReadBlocks())
            foreach (var g in block.GoldLabels)
                if (g >= 0) counts[g]++;
        return counts;
    }

    private static double[] Smoothed(double[] counts)
    {
        var total = counts.Sum() + counts.Length;
        return counts.Select(c => (c + 1) / total).ToArray();
    }

    /// <summary>Checks a prior: k finite positive numbers; returns them normalised to sum to 1.</summary>
    public static double[] Validate(IReadOnlyList<double> prior, int k)
    {
        if (prior.Count != k)
            throw new OptionException($"the class prior has {Text.Listing.Counted(prior.Count, "value")} but the task has {Text.Listing.Counted(k, "class")}");
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
    /// <param name="train">The training matrix.</param>
    /// <param name="context">The fit's context.</param>
    /// <param name="estimate">How the prior is estimated without one given or from the dev split.</param>
    /// <param name="model">The model's name, for the warning about a dev split without a class; null leaves it out.</param>
    public static double[] Resolve(IMatrixSource train, FitContext context, PriorEstimate estimate, string? model = null)
    {
        Guard.NotNull(train);
        Guard.NotNull(context);
        if (context.Prior is not null) return Resolve(train.Schema, context);
        return FromDev(train.Schema, context, model, $"{Described(estimate)} is used instead, as without a dev split")
               ?? Estimate(train, context, estimate);
    }

    /// <summary>The prior an estimate gives, in words, for the warning about a dev split without a class.</summary>
    private static string Described(PriorEstimate estimate) => estimate switch
    {
        PriorEstimate.MajorityVote => "majority vote's class balance on the training matrix",
        PriorEstimate.Em => "the class balance EM estimates from the training matrix",
        _ => "the uniform prior",
    };

    /// <summary>
    /// The fixed prior of a model that otherwise learns the class balance in its fit (ebcc, ibcc, mace, glad): the given
    /// prior, else the dev split's balance, else null (learned); a dev split without a class is warned about and gives none.
    /// </summary>
    internal static double[]? Fixed(LabelSchema schema, FitContext context, string model)
        => context.Prior is not null
            ? Resolve(schema, context)
            : FromDev(schema, context, model, "the class balance is learned in the fit instead, as without a dev split");


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
    /// <summary>The class balance Dawid–Skene's EM estimates (its fit with the row activity where the rows fire together).</summary>
    Em,
}
