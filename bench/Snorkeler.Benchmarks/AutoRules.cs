using System.Diagnostics;
using System.Globalization;
using Snorkeler.Analysis;
using Snorkeler.Data;
using Snorkeler.LabelModels;

namespace Snorkeler.Benchmarks;

/// <summary>
/// <c>lf-suite auto-rules --dir DIR[,DIR...] [--seed S] [--candidates]</c>: how <c>auto</c> with a dev split chooses, against
/// other selection rules, on Wrench-format sets (a folder holding train.json, valid.json and test.json, or a folder of such
/// folders). <c>auto</c> is fitted once per set (train without gold, valid as its dev split); every dev-split candidate it
/// tried, its unsupervised choice and its pick are then scored on test, and each rule below picks (or averages) from the
/// same candidates by their dev scores alone:
/// <list type="bullet">
/// <item><c>dev-best</c>: the best dev score, without auto's out-of-fold check against the unsupervised choice.</item>
/// <item><c>unsupervised</c>: the choice without a dev split.</item>
/// <item><c>oracle</c>: the candidate best on test (a ceiling no rule can know).</item>
/// <item><c>tied-mean</c>: the mean probabilities of the candidates within one paired standard error of the dev-best (per-row
/// credit differences on dev).</item>
/// <item><c>top-5-mean</c>: the mean probabilities of the five best on dev.</item>
/// <item><c>log-loss</c>: the lowest dev log-loss.</item>
/// <item><c>shrink</c>: the dev-best only when it leads the unsupervised choice on dev by more than one paired standard
/// error, else the unsupervised choice.</item>
/// <item><c>shrink-mean</c>: as shrink, but the mean of the two instead of the unsupervised choice.</item>
/// </list>
/// Prints each rule's difference to auto per set (expected accuracy on test), then per rule the mean, worst and best
/// difference and the sets below auto by more than a point. <c>--candidates</c> also prints every candidate's dev and test
/// score.
/// </summary>
public static class AutoRules
{
    private static readonly string[] Rules = ["dev-best", "unsupervised", "oracle", "tied-mean", "top-5-mean", "log-loss", "shrink", "shrink-mean"];

    public static int Run(string[] args)
    {
        var dirs = LfSuite.Option(args, "--dir");
        if (dirs is null)
        {
            Console.Error.WriteLine("lf-suite auto-rules: --dir DIR is required");
            return 2;
        }
        var seed = LfSuite.Option(args, "--seed") is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : 0;
        var printCandidates = args.Contains("--candidates");
        var sets = dirs.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).SelectMany(SetsIn).ToList();
        var clock = Stopwatch.StartNew();
        var perSet = new MarkdownTable("l" + new string('r', Rules.Length + 2), ["set", "dev rows", "auto", .. Rules.Select(r => $"{r} − auto")]);
        var differences = Rules.ToDictionary(r => r, _ => new List<double>());
        foreach (var (name, folder) in sets)
        {
            var train = WrenchFile.ReadMatrix(Path.Combine(folder, "train.json"));
            var dev = WrenchFile.ReadMatrix(Path.Combine(folder, "valid.json"));
            var test = WrenchFile.ReadMatrix(Path.Combine(folder, "test.json"));
            var fit = new AutoTrainer().FitWithCandidates(train, new FitContext { Seed = seed, Dev = dev });
            var study = new Study(dev, test, fit);
            var scores = study.Rules();
            var auto = study.TestScore(fit.Model.PredictProbabilities(test));
            var cells = new List<FormattableString> { $"{name}", $"{study.DevRows.Length}", $"{auto:0.000}" };
            foreach (var rule in Rules)
            {
                differences[rule].Add(scores[rule] - auto);
                cells.Add($"{scores[rule] - auto:+0.000;−0.000;0.000}");
            }
            perSet.Add([.. cells]);
            LfSuite.Log(string.Create(CultureInfo.InvariantCulture, $"{name}: auto {auto:0.000} ({fit.Model.Choice}), {study.Candidates.Count} candidates"));
            if (printCandidates) study.PrintCandidates(name);
        }
        var summary = new MarkdownTable("lrrrr", "rule", "mean − auto", "worst − auto", "best − auto", "sets < auto − 1 pt");
        foreach (var rule in Rules)
        {
            var d = differences[rule];
            summary.Add($"{rule}", $"{d.Average():+0.0000;−0.0000;0.0000}", $"{d.Min():+0.000;−0.000;0.000}", $"{d.Max():+0.000;−0.000;0.000}", $"{d.Count(x => x < -0.01)} of {d.Count}");
        }
        MarkdownTable.PrintAll(perSet, summary);
        LfSuite.Log(string.Create(CultureInfo.InvariantCulture, $"{sets.Count} sets, seed {seed}: {clock.Elapsed.TotalSeconds:0.0} s"));
        return 0;
    }

    /// <summary>A folder with train.json is one set; otherwise its subfolders that have one, by name.</summary>
    internal static IEnumerable<(string Name, string Folder)> SetsIn(string dir)
    {
        var leaf = Path.GetFileName(Path.TrimEndingDirectorySeparator(dir));
        if (File.Exists(Path.Combine(dir, "train.json"))) return [(leaf, dir)];
        return Directory.GetDirectories(dir).Where(d => File.Exists(Path.Combine(d, "train.json"))).Order(StringComparer.Ordinal)
            .Select(d => ($"{leaf}/{Path.GetFileName(d)}", d));
    }

    /// <summary>The candidates of one fit with their dev and test probabilities, and the rules' picks among them.</summary>
    private sealed class Study
    {
        private readonly int _k;
        private readonly LabelSchema _schema;
        private readonly int[] _devGold;
        private readonly int[] _testGold;
        private readonly double[] _unsupervisedDev;
        private readonly double[] _unsupervisedTest;

        public Study(LabelMatrix dev, LabelMatrix test, AutoTrainer.FitRecord fit)
        {
            _k = dev.Schema.Cardinality;
            _schema = test.Schema;
            _devGold = dev.GoldLabels.ToArray();
            _testGold = test.GoldLabels.ToArray();
            DevRows = Enumerable.Range(0, dev.RowCount).Where(i => _devGold[i] >= 0).ToArray();
            Candidates = fit.Candidates.Where(c => c.Model is not null && c.DevProbabilities is not null)
                .Select(c => (c.Candidate.ToString(), c.DevProbabilities!, c.Model!.PredictProbabilities(test))).ToList();
            _unsupervisedDev = fit.Unsupervised.PredictProbabilities(dev);
            _unsupervisedTest = fit.Unsupervised.PredictProbabilities(test);
        }

        public int[] DevRows { get; }

        public List<(string Name, double[] Dev, double[] Test)> Candidates { get; }

        public Dictionary<string, double> Rules()
        {
            var credits = Candidates.Select(c => Credits(c.Dev)).ToArray();
            var devScore = credits.Select(c => c.Average()).ToArray();
            var test = Candidates.Select(c => TestScore(c.Test)).ToArray();
            var best = ArgMax(devScore);
            var unsupervisedCredits = Credits(_unsupervisedDev);
            var (lead, leadError) = AutoTrainer.Paired(credits[best], unsupervisedCredits);
            var tied = Enumerable.Range(0, Candidates.Count).Where(c =>
            {
                var (difference, error) = AutoTrainer.Paired(credits[best], credits[c]);
                return difference <= error + 1e-12;
            });
            var top = Enumerable.Range(0, Candidates.Count).OrderByDescending(c => devScore[c]).ThenBy(c => c).Take(5);
            var logLoss = Candidates.Select(c => DevRows.Average(i => -Math.Log(Math.Clamp(c.Dev[i * _k + _devGold[i]], 1e-15, 1)))).ToArray();
            return new Dictionary<string, double>
            {
                ["dev-best"] = test[best],
                ["unsupervised"] = TestScore(_unsupervisedTest),
                ["oracle"] = test.Max(),
                ["tied-mean"] = TestScore(Mean(tied.Select(c => Candidates[c].Test))),
                ["top-5-mean"] = TestScore(Mean(top.Select(c => Candidates[c].Test))),
                ["log-loss"] = test[ArgMax(logLoss.Select(x => -x).ToArray())],
                ["shrink"] = AutoTrainer.Leads(lead, leadError) ? test[best] : TestScore(_unsupervisedTest),
                ["shrink-mean"] = AutoTrainer.Leads(lead, leadError) ? test[best] : TestScore(Mean([Candidates[best].Test, _unsupervisedTest])),
            };
        }

        public void PrintCandidates(string set)
        {
            var rows = Candidates.Select(c => (c.Name, Dev: DevScore(c.Dev), Test: TestScore(c.Test)))
                .OrderByDescending(c => c.Dev).ThenByDescending(c => c.Test).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{set}: {rows.Count} candidates (dev / test expected accuracy); unsupervised choice {DevScore(_unsupervisedDev):0.000} / {TestScore(_unsupervisedTest):0.000}"));
            foreach (var (name, dev, test) in rows) Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {dev:0.000}  {test:0.000}  {name}"));
        }

        private double DevScore(double[] probabilities) => Credits(probabilities).Average();

        public double TestScore(double[] probabilities)
        {
            var scores = new MetricsAccumulator(_schema, TieBreak.Random);
            for (var i = 0; i < _testGold.Length; i++) scores.Add(probabilities.AsSpan(i * _k, _k), _testGold[i], i);
            return scores.Result().ExpectedAccuracy;
        }

        /// <summary>Each dev row's expected-accuracy credit, in <see cref="DevRows"/>' order, as auto scores it.</summary>
        private double[] Credits(double[] probabilities) => AutoTrainer.RowScores(probabilities, _devGold, DevRows, _k, AutoMetric.ExpectedAccuracy);

        private static double[] Mean(IEnumerable<double[]> probabilities) => WrenchReference.SetData.Average(probabilities);

        private static int ArgMax(double[] values)
        {
            var best = 0;
            for (var c = 1; c < values.Length; c++) if (values[c] > values[best]) best = c;
            return best;
        }
    }
}
