using System.Globalization;
using Snorkeler.IO;
using Snorkeler.LabelModels;
using Snorkeler.LabelModels.Tests.Support;

namespace Snorkeler.Benchmarks;

/// <summary>
/// How well the crowd models recover the truth, in general: the three public crowd sets in
/// <c>../shared/data/crowd</c> (read from long format with their gold) and the generated crowds of the test suite's
/// <see cref="Crowds.Suite"/> for each seed (confusion-matrix, one-coin, difficulty and correlated workers, spammers,
/// skewed activity, skewed and up to 10 classes, one weak crowd). Each model is fitted without gold on all the tasks
/// (seed 0, as <c>snorkeler fit --seed 0</c>) and scored by expected accuracy against the truth; the summary gives the
/// generated crowds' mean and worst gain over majority vote. Accuracy only, no timing. A model may carry options:
/// <c>--models ebcc/subtypes=1,ebcc</c>. <c>crowd-suite generate</c> writes the generated crowds as Wrench-format sets
/// with dev splits instead (<see cref="Generate"/>).
/// </summary>
public static class CrowdSuite
{
    /// <summary>The published best figures of the public sets (../shared/data/crowd/README.md).</summary>
    private static readonly Dictionary<string, double> Published = new(StringComparer.Ordinal) { ["bluebird"] = 0.889, ["rte"] = 0.931, ["dog"] = 0.840 };

    public static int Run(string[] args)
    {
        if (args.FirstOrDefault() == "generate") return Generate(args[1..]);
        var models = (Option(args, "--models") ?? "mv,ibcc,mace,ebcc,auto").Split(',');
        var seeds = (Option(args, "--seeds") ?? "40,71").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var shared = Option(args, "--shared") ?? Path.Combine(DataSets.RepoRoot, "..", "shared", "data", "crowd");

        var sets = new List<(string Name, LabelMatrix Matrix)>();
        foreach (var name in Published.Keys)
        {
            var folder = Path.Combine(shared, name);
            if (!Directory.Exists(folder)) { Log($"{folder} not found; skipped"); continue; }
            var answers = AnswersFile.Read(Path.Combine(folder, "answers.csv"), new MatrixReadOptions { GoldPath = Path.Combine(folder, "gold.csv") });
            sets.Add((name, answers.Matrix));
        }
        foreach (var seed in seeds)
            foreach (var spec in Crowds.Suite(seed)) sets.Add(($"{spec}, seed {spec.Seed}", Crowds.Generate(spec)));

        var header = new List<string> { "set" };
        header.AddRange(models);
        header.Add("published best");
        var table = new MarkdownTable("l" + new string('r', models.Length + 1), [.. header]);
        var gains = models.ToDictionary(m => m, _ => new List<double>());
        foreach (var (name, matrix) in sets)
        {
            var accuracy = new double[models.Length];
            for (var i = 0; i < models.Length; i++)
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                // "ebcc/subtypes=1/restarts=3": a model with options.
                var parts = models[i].Split('/');
                var options = parts.Skip(1).Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
                var trainer = LabelModelCatalog.Get(parts[0]).CreateTrainer(new ModelOptions(options));
                var model = trainer.Fit(matrix.WithGold([]), FitContext.WithSeed(0));
                accuracy[i] = model.Score(matrix).ExpectedAccuracy;
                Log(string.Create(CultureInfo.InvariantCulture, $"{name}: {models[i]} {accuracy[i]:0.000} ({clock.Elapsed.TotalSeconds:0.0} s)"));
            }
            var mv = Array.IndexOf(models, "mv") is var at && at >= 0 ? accuracy[at] : new MajorityVoteTrainer().Fit(matrix, FitContext.WithSeed(0)).Score(matrix).ExpectedAccuracy;
            if (!Published.ContainsKey(name))
                for (var i = 0; i < models.Length; i++) gains[models[i]].Add(accuracy[i] - mv);
            var cells = new List<FormattableString> { $"{name}" };
            cells.AddRange(accuracy.Select(a => (FormattableString)$"{a:0.000}"));
            cells.Add(Published.TryGetValue(name, out var best) ? $"{best:0.000}" : (FormattableString)$"");
            table.Add([.. cells]);
        }
        var generated = gains[models[0]].Count;
        table.Add([(FormattableString)$"**generated ({generated}): mean gain over mv**", .. models.Select(m => (FormattableString)$"{gains[m].DefaultIfEmpty(double.NaN).Average():+0.000;-0.000}"), (FormattableString)$""]);
        table.Add([(FormattableString)$"**generated ({generated}): worst gain over mv**", .. models.Select(m => (FormattableString)$"{gains[m].DefaultIfEmpty(double.NaN).Min():+0.000;-0.000}"), (FormattableString)$""]);
        Console.WriteLine();
        table.Print();
        return 0;
    }

    /// <summary>
    /// <c>crowd-suite generate --out DIR --seed S [--valid-share F] [--test-share F] [--family suite|large]</c>: the generated
    /// crowds of <see cref="Crowds.Suite"/> (or, with <c>--family large</c>, <see cref="Crowds.LargeSuite"/>) as Wrench-format sets, one worker a column (-1 where that worker did not answer),
    /// the tasks split at random into train, valid and test (20 % each by default, like the shared dog set), so that
    /// <c>lf-suite wrench</c> and <c>lf-suite auto-rules</c> measure <c>auto --dev</c> on crowds read as a wide matrix,
    /// as a held-out Wrench crowd set would come.
    /// </summary>
    private static int Generate(string[] args)
    {
        if (Option(args, "--out") is not { } output || Option(args, "--seed") is not { } seedText)
        {
            Console.Error.WriteLine("crowd-suite generate: --out DIR and --seed S are required");
            return 2;
        }
        var seed = int.Parse(seedText, CultureInfo.InvariantCulture);
        var validShare = double.Parse(Option(args, "--valid-share") ?? "0.2", CultureInfo.InvariantCulture);
        var testShare = double.Parse(Option(args, "--test-share") ?? "0.2", CultureInfo.InvariantCulture);
        if (!(validShare > 0 && testShare > 0 && validShare + testShare < 1))
        {
            Console.Error.WriteLine("crowd-suite generate: --valid-share and --test-share must be positive and sum to less than 1");
            return 2;
        }
        var family = Option(args, "--family") ?? "suite";
        if (family is not ("suite" or "large"))
        {
            Console.Error.WriteLine("crowd-suite generate: --family must be suite or large");
            return 2;
        }
        var specs = family == "large" ? Crowds.LargeSuite(seed) : Crowds.Suite(seed);
        for (var s = 0; s < specs.Count; s++)
        {
            var spec = specs[s];
            var matrix = Crowds.Generate(spec);
            var (train, valid, test) = LfSuiteGenerator.SplitRows(matrix, validShare, testShare, spec.Seed + 1_000_003); // the shuffle apart from the crowd's own stream
            var (k, m) = (spec.Classes, matrix.LfNames.Count);
            var name = $"{s + 1:00}-{(family == "large" ? "large-" : "")}{spec.Model.ToString().ToLowerInvariant()}";
            var readme = string.Create(CultureInfo.InvariantCulture,
                $"Generated crowd {name} (Snorkeler.Benchmarks crowd-suite generate --seed {seed})\n{spec}, seed {spec.Seed}\nrows: train {train.Rows}, valid {valid.Rows}, test {test.Rows}; one worker a column, -1 where the worker did not answer\n");
            LfSuiteGenerator.WriteSet(Path.Combine(output, name), k, train, valid, test, readme);
            Log($"{name}: {train.Rows} train / {valid.Rows} valid / {test.Rows} test tasks, {m} workers, {k} classes: {spec}");
        }
        return 0;
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static void Log(string message) => Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {message}");
}
