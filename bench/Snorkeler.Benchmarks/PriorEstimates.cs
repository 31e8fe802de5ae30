using Snorkeler.Data;
using Snorkeler.LabelModels;

namespace Snorkeler.Benchmarks;

/// <summary>
/// <c>lf-suite prior --dir DIR[,DIR...]</c>: how far each way of estimating the class balance from the votes alone lands
/// from the true balance, on every Wrench-format set under the folders. The true balance is train's gold (valid's and test's
/// where train has none); each estimate reads train's votes only. Distances are total variation (half the L1 distance),
/// per set and then as the mean, the worst and the count above 0.1 over all sets. The estimates: <c>em</c> (the default,
/// <see cref="ClassPrior.Estimate"/>), Dawid–Skene's EM with its other settings (one accuracy per source; smoothing learned
/// from the sources' spread; abstain as a vote) and <c>mv</c> (majority vote's label frequencies).
/// </summary>
public static class PriorEstimates
{
    // Each reads the set's vote patterns, read once per set.
    private static readonly (string Name, Func<LabelMatrix, VotePatterns, double[]> Estimate)[] Estimates =
    [
        ("em", (m, _) => DawidSkeneTrainer.EstimatePrior(m, new FitContext())),
        ("em one-coin", (m, p) => Em(m, p, new DawidSkeneOptions { SmoothingFromSpread = false, Confusion = ConfusionModel.OneCoin })),
        ("em spread", (m, p) => Em(m, p, new DawidSkeneOptions())),
        ("em vote", (m, p) => Em(m, p, new DawidSkeneOptions { SmoothingFromSpread = false, Abstain = AbstainMode.Vote })),
        ("mv", (m, _) => ClassPrior.Estimate(m, new FitContext(), PriorEstimate.MajorityVote)),
    ];

    public static int Run(string[] args)
    {
        if (LfSuite.Option(args, "--dir") is not { } dirs)
        {
            Console.Error.WriteLine("lf-suite prior: --dir DIR is required");
            return 2;
        }
        var table = new MarkdownTable("lrr" + new string('r', Estimates.Length), ["set", "classes", "true balance (largest)", .. Estimates.Select(e => e.Name)]);
        var distances = Estimates.Select(_ => new List<double>()).ToArray();
        foreach (var (name, folder) in dirs.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).SelectMany(AutoRules.SetsIn))
        {
            LabelMatrix train;
            double[]? truth;
            try
            {
                train = WrenchFile.ReadMatrix(Path.Combine(folder, "train.json"));
                truth = Balance(train) ?? Balance(WrenchFile.ReadMatrix(Path.Combine(folder, "valid.json")), WrenchFile.ReadMatrix(Path.Combine(folder, "test.json")));
            }
            catch (SnorkelerException e)
            {
                Console.Error.WriteLine($"lf-suite prior: {name} skipped: {e.Message}");
                continue;
            }
            if (truth is null)
            {
                Console.Error.WriteLine($"lf-suite prior: {name} skipped: no gold labels");
                continue;
            }
            var cells = new List<FormattableString> { $"{name}", $"{truth.Length}", $"{truth.Max():0.000}" };
            var patterns = VotePatterns.Read(train, CancellationToken.None);
            for (var e = 0; e < Estimates.Length; e++)
            {
                var estimate = Estimates[e].Estimate(train, patterns);
                var distance = 0.5 * truth.Zip(estimate, (t, x) => Math.Abs(t - x)).Sum();
                distances[e].Add(distance);
                cells.Add($"{distance:0.000}");
            }
            table.Add([.. cells]);
            Console.Error.WriteLine(table.Last);
        }
        table.Print();
        Console.WriteLine();
        var summary = new MarkdownTable("lrrr", "estimate", "mean distance", "worst", "sets above 0.1");
        for (var e = 0; e < Estimates.Length; e++)
            summary.Add($"{Estimates[e].Name}", $"{distances[e].DefaultIfEmpty().Average():0.0000}", $"{distances[e].DefaultIfEmpty().Max():0.000}",
                $"{distances[e].Count(d => d > 0.1)} of {distances[e].Count}");
        summary.Print();
        return 0;
    }

    private static double[] Em(LabelMatrix train, VotePatterns patterns, DawidSkeneOptions options)
    {
        var em = new DawidSkeneEm(patterns, train.LfCount, train.Schema.Cardinality, options, null);
        em.Run(CancellationToken.None);
        return em.Prior;
    }

    /// <summary>The gold classes' shares over the labelled rows of the splits, or null when none has a gold label.</summary>
    private static double[]? Balance(params LabelMatrix[] splits)
    {
        var k = splits[0].Schema.Cardinality;
        var counts = new double[k];
        foreach (var split in splits.Where(s => s.HasGold))
            for (var i = 0; i < split.RowCount; i++)
                if (split.GoldLabels[i] is var y and >= 0) counts[y]++;
        var total = counts.Sum();
        return total > 0 ? counts.Select(c => c / total).ToArray() : null;
    }
}
