using System.Globalization;
using Snorkeler.Analysis;
using Snorkeler.Data;

namespace Snorkeler.Benchmarks;

/// <summary>
/// <c>lf-suite gold-ceiling --dir DIR[,DIR...] [--alpha A,...]</c>: how far a model of the sources' confusion matrices can go
/// on a Wrench-format set when it is told the classes. Dawid–Skene's model (class prior × one confusion matrix per source;
/// abstains missing, but an outcome for a source that only ever votes one class, as <c>dawid-skene</c> reads them) is
/// fitted by counting, not EM: from the gold labels of train (where it has them) and valid, each source's row for class c
/// is its outcomes on gold-c rows plus <c>A</c> pseudo-counts per outcome (A &gt; 0); the prior is the gold classes' counts plus
/// one. A figure whose split has no gold rows is printed as a dash; a set that cannot be read is reported and skipped. Test is scored by expected accuracy (ties share). Two more figures bracket it: the same counts from
/// valid's gold alone (what a dev split of that size could teach), and from test's own gold (the model fitted on the rows
/// it scores: no longer a prediction, the model class's ceiling on that split). A label model without gold that reaches
/// the first figure does as well as the gold of both splits allows.
/// </summary>
public static class GoldCeiling
{
    public static int Run(string[] args)
    {
        if (LfSuite.Option(args, "--dir") is not { } dirs)
        {
            Console.Error.WriteLine("lf-suite gold-ceiling: --dir DIR is required");
            return 2;
        }
        var alphas = (LfSuite.Option(args, "--alpha") ?? "0.1,0.5,1,2,5").Split(',').Select(a => double.Parse(a, CultureInfo.InvariantCulture)).ToArray();
        if (alphas.Any(a => !(a > 0) || !double.IsFinite(a)))
        {
            Console.Error.WriteLine("lf-suite gold-ceiling: every --alpha must be a positive number");
            return 2;
        }
        var table = new MarkdownTable("lrrrrr", "set", "α", "train + valid gold", "valid gold", "test gold (in-sample)", "majority vote");
        foreach (var (name, folder) in dirs.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).SelectMany(AutoRules.SetsIn))
        {
            LabelMatrix train, valid, test;
            try
            {
                train = WrenchFile.ReadMatrix(Path.Combine(folder, "train.json"));
                valid = WrenchFile.ReadMatrix(Path.Combine(folder, "valid.json"));
                test = WrenchFile.ReadMatrix(Path.Combine(folder, "test.json"));
            }
            catch (SnorkelerException e)
            {
                Console.Error.WriteLine($"lf-suite gold-ceiling: {name} skipped: {e.Message}");
                continue;
            }
            if (train.LfCount != test.LfCount || valid.LfCount != test.LfCount)
            {
                Console.Error.WriteLine($"lf-suite gold-ceiling: {name} skipped: its splits have different numbers of sources");
                continue;
            }
            if (!Labelled(test).Any())
            {
                Console.Error.WriteLine($"lf-suite gold-ceiling: {name} skipped: test.json has no gold labels");
                continue;
            }
            var majority = Score(test, null, null, null);
            var single = SingleClass(train, valid, test);
            string Figure(LabelMatrix[] labelled, double alpha)
                => labelled.Any(x => Labelled(x).Any()) ? Fitted(labelled, alpha, test, single).ToString("0.000", CultureInfo.InvariantCulture) : "–";
            foreach (var alpha in alphas)
                table.Add($"{name}", $"{alpha:0.###}", $"{Figure([train, valid], alpha)}", $"{Figure([valid], alpha)}", $"{Figure([test], alpha)}", $"{majority:0.000}");
        }
        table.Print();
        return 0;
    }

    private static IEnumerable<int> Labelled(LabelMatrix matrix)
        => matrix.HasGold ? Enumerable.Range(0, matrix.RowCount).Where(i => matrix.GoldLabels[i] >= 0) : [];

    private static double Fitted(LabelMatrix[] labelled, double alpha, LabelMatrix test, bool[] singleClass)
    {
        int k = test.Schema.Cardinality, m = test.LfCount, w = k + 1; // outcomes: the k classes, then abstain
        var confusion = new double[m * k * w];
        for (var row = 0; row < m * k; row++)
            for (var a = 0; a < w; a++) confusion[row * w + a] = a < k || singleClass[row / k] ? alpha : 0;
        var prior = Enumerable.Repeat(1.0, k).ToArray();
        var lfs = new int[m];
        var labels = new int[m];
        var voted = new bool[m];
        foreach (var matrix in labelled)
            foreach (var i in Labelled(matrix))
            {
                var y = matrix.GoldLabels[i];
                prior[y]++;
                Array.Clear(voted);
                var count = matrix.CopyVotes(i, lfs, labels);
                for (var v = 0; v < count; v++)
                {
                    confusion[(lfs[v] * k + y) * w + labels[v]]++;
                    voted[lfs[v]] = true;
                }
                for (var j = 0; j < m; j++)
                    if (singleClass[j] && !voted[j]) confusion[(j * k + y) * w + k]++;
            }
        var logConfusion = new double[confusion.Length];
        for (var row = 0; row < m * k; row++)
        {
            var total = 0.0;
            for (var a = 0; a < w; a++) total += confusion[row * w + a];
            for (var a = 0; a < w; a++) logConfusion[row * w + a] = Math.Log(confusion[row * w + a] / total);
        }
        var logPrior = prior.Select(p => Math.Log(p / prior.Sum())).ToArray();
        return Score(test, logPrior, logConfusion, singleClass);
    }

    /// <summary>Per source, whether every vote it casts in <paramref name="matrices"/> is for one class.</summary>
    private static bool[] SingleClass(params LabelMatrix[] matrices)
    {
        var m = matrices[0].LfCount;
        var classes = new HashSet<int>[m];
        for (var j = 0; j < m; j++) classes[j] = [];
        var lfs = new int[m];
        var labels = new int[m];
        foreach (var matrix in matrices)
            for (var i = 0; i < matrix.RowCount; i++)
            {
                var count = matrix.CopyVotes(i, lfs, labels);
                for (var v = 0; v < count; v++) classes[lfs[v]].Add(labels[v]);
            }
        return classes.Select(c => c.Count == 1).ToArray();
    }

    /// <summary>Expected accuracy on <paramref name="test"/>'s gold rows of the counted model, or of majority vote when it is null.</summary>
    private static double Score(LabelMatrix test, double[]? logPrior, double[]? logConfusion, bool[]? singleClass)
    {
        int k = test.Schema.Cardinality, m = test.LfCount, w = k + 1;
        var lfs = new int[m];
        var labels = new int[m];
        var voted = new bool[m];
        var scores = new double[k];
        double credit = 0;
        var rows = 0;
        foreach (var i in Labelled(test))
        {
            if (logPrior is null) Array.Clear(scores);
            else logPrior.CopyTo(scores, 0);
            Array.Clear(voted);
            var count = test.CopyVotes(i, lfs, labels);
            for (var v = 0; v < count; v++)
            {
                voted[lfs[v]] = true;
                if (logConfusion is null) scores[labels[v]]++;
                else
                    for (var c = 0; c < k; c++) scores[c] += logConfusion[(lfs[v] * k + c) * w + labels[v]];
            }
            if (logConfusion is not null)
                for (var j = 0; j < m; j++)
                    if (singleClass![j] && !voted[j])
                        for (var c = 0; c < k; c++) scores[c] += logConfusion[(j * k + c) * w + k];
            var tied = HardLabels.TopCount(scores, test.GoldLabels[i], out var named);
            if (named) credit += 1.0 / tied;
            rows++;
        }
        return credit / rows;
    }
}
