using System.Diagnostics;
using System.Globalization;
using Snorkeler.Analysis;
using Snorkeler.LabelModels;

namespace Snorkeler.Benchmarks;

/// <summary>
/// Label models measured on generated LF data sets beyond the shared four (<see cref="LfSuiteGenerator"/>):
/// <list type="bullet">
/// <item><c>lf-suite shape --out DIR --seed S --train-rows N --lfs M --classes K [--single-class] [--coverage LO-HI] [--accuracy LO-HI] [--balance P0,P1,...] [--classes-per-lf LO-HI] [--hard SHARE [--pull P]] [--activity SPREAD [--activity-shift W]]</c>:
/// one set of a chosen shape (a real benchmark's rows, LFs and classes), independent LFs, each voting one class, every class or (--classes-per-lf) a few (<see cref="LfSuiteGenerator.Shape"/>);
/// with --hard, that share of the rows looks like another class to each LF with chance P (0.7), so the LFs' errors fall together (<see cref="LfSetSpec.Hard"/>);
/// with --activity, the rows' activity (log-normal of that spread, the log of its mean drawn per class from [−W, W], W = --activity-shift or half the spread) scales every LF's chance to fire, so the LFs fire together (<see cref="LfSetSpec.Activity"/>).</item>
/// <item><c>lf-suite generate --out DIR --seed S [--sets N] [--train-rows N] [--valid-rows N] [--test-rows N]</c>
/// writes N Wrench-format sets (16 by default: the seven families in turn) into DIR, each with a readme.txt.</item>
/// <item><c>lf-suite run --dir DIR[,DIR...] [--models LIST] [--seed S] [--metric expected-accuracy|accuracy|macro-f1]</c>
/// runs <c>snorkeler compare --suite DIR</c>'s comparison in process (fit on train without gold, score on test,
/// valid as the dev split of <c>auto</c> and <c>wmv</c>) and prints per set majority vote's figure and every
/// model's difference to it, then per model the mean and worst difference, the sets below majority vote by more
/// than one and half a point, and the fit seconds (all sets, and the slowest set).</item>
/// <item><c>lf-suite auto-rules --dir DIR[,DIR...] [--seed S] [--candidates]</c>: <c>auto</c>'s dev-split selection against
/// other rules on the same candidates (<see cref="AutoRules"/>).</item>
/// <item><c>lf-suite wrench --dir DIR[,DIR...] [--seed S] [--cache DIR] [--candidates N]</c>: <c>auto --dev</c>, majority vote and <c>auto</c>
/// without dev against Snorkel tuned by the Wrench protocol (<see cref="WrenchReference"/>).</item>
/// <item><c>lf-suite gold-ceiling --dir DIR[,DIR...] [--alpha A,...]</c>: Dawid–Skene's model counted from gold labels, scored on
/// test: what a model of the sources' confusions reaches when told the classes (<see cref="GoldCeiling"/>).</item>
/// <item><c>lf-suite learned-accuracy --dir DIR[,DIR...] [--models LIST] [--rules SETFOLDER=RULES,...]</c>: how far each model's learned LF
/// accuracies, read from its parameters or from its posteriors, are from the LFs' test accuracies (<see cref="LearnedAccuracy"/>).</item>
/// <item><c>lf-suite prior --dir DIR[,DIR...]</c>: how far each estimate of the class balance from the votes alone is from the
/// true balance (<see cref="PriorEstimates"/>).</item>
/// </list>
/// </summary>
public static class LfSuite
{
    /// <summary>The models <c>run</c> compares by default.</summary>
    public const string DefaultModels = "mv,snorkel,dawid-skene,dawid-skene:guard=mv,ebcc,flyingsquid,auto:dev=none,auto";

    public static int Run(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "generate": return Generate(args[1..]);
            case "shape": return Shape(args[1..]);
            case "run": return RunSuite(args[1..]);
            case "auto-rules": return AutoRules.Run(args[1..]);
            case "wrench": return WrenchReference.Run(args[1..]);
            case "gold-ceiling": return GoldCeiling.Run(args[1..]);
            case "learned-accuracy": return LearnedAccuracy.Run(args[1..]);
            case "prior": return PriorEstimates.Run(args[1..]);
            default:
                Console.Error.WriteLine("usage: lf-suite generate --out DIR --seed S [--sets N] [--train-rows N] [--valid-rows N] [--test-rows N]");
                Console.Error.WriteLine("       lf-suite shape --out DIR --seed S --train-rows N --lfs M --classes K [--single-class] [--coverage LO-HI] [--accuracy LO-HI] [--balance P0,P1,...] [--classes-per-lf LO-HI] [--hard SHARE [--pull P]] [--activity SPREAD [--activity-shift W]] [--valid-rows N] [--test-rows N]");
                Console.Error.WriteLine("       lf-suite run --dir DIR[,DIR...] [--models LIST] [--seed S] [--metric expected-accuracy|accuracy|macro-f1]");
                Console.Error.WriteLine("       lf-suite auto-rules --dir DIR[,DIR...] [--seed S] [--candidates]");
                Console.Error.WriteLine("       lf-suite wrench --dir DIR[,DIR...] [--seed S] [--cache DIR] [--candidates N]");
                Console.Error.WriteLine("       lf-suite gold-ceiling --dir DIR[,DIR...] [--alpha A,...]");
                Console.Error.WriteLine("       lf-suite learned-accuracy --dir DIR[,DIR...] [--models LIST] [--rules SETFOLDER=RULES,...]");
                return 2;
        }
    }

    private static int Generate(string[] args)
    {
        if (Option(args, "--out") is not { } output || Option(args, "--seed") is not { } seedText)
        {
            Console.Error.WriteLine("lf-suite generate: --out DIR and --seed S are required");
            return 2;
        }
        var seed = int.Parse(seedText, CultureInfo.InvariantCulture);
        var sets = Int(args, "--sets") ?? 16;
        var clock = Stopwatch.StartNew();
        var specs = LfSuiteGenerator.Suite(seed, sets, Int(args, "--train-rows"), Int(args, "--valid-rows") ?? 200, Int(args, "--test-rows") ?? 500);
        foreach (var spec in specs)
        {
            LfSuiteGenerator.Write(spec, Path.Combine(output, spec.Name));
            Log($"{spec.Name}: {spec.TrainRows} train rows, {spec.Lfs.Count} LFs, {spec.Classes} classes: {spec.Summary}");
        }
        Log($"{specs.Count} sets in {output} ({clock.Elapsed.TotalSeconds:0.0} s)");
        return 0;
    }

    private static int Shape(string[] args)
    {
        if (Option(args, "--out") is not { } output || Int(args, "--seed") is not { } seed || Int(args, "--train-rows") is not { } rows
            || Int(args, "--lfs") is not { } lfs || Int(args, "--classes") is not { } classes)
        {
            Console.Error.WriteLine("lf-suite shape: --out DIR, --seed S, --train-rows N, --lfs M and --classes K are required");
            return 2;
        }
        static (double, double) Range(string text)
        {
            var parts = text.Split('-');
            return (double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture));
        }
        var hard = Option(args, "--hard") is { } share ? double.Parse(share, CultureInfo.InvariantCulture) : 0;
        var pull = double.Parse(Option(args, "--pull") ?? "0.7", CultureInfo.InvariantCulture);
        if (hard is not (>= 0 and <= 1) || pull is not (>= 0 and <= 1))
        {
            Console.Error.WriteLine("lf-suite shape: --hard and --pull are shares between 0 and 1");
            return 2;
        }
        var activity = Option(args, "--activity") is { } spread ? double.Parse(spread, CultureInfo.InvariantCulture) : 0;
        if (activity is not (>= 0 and <= 3))
        {
            Console.Error.WriteLine("lf-suite shape: --activity is a spread between 0 and 3");
            return 2;
        }
        double? activityShift = Option(args, "--activity-shift") is { } width ? double.Parse(width, CultureInfo.InvariantCulture) : null;
        if (activityShift is not (null or (>= 0 and <= 3)))
        {
            Console.Error.WriteLine("lf-suite shape: --activity-shift is a width between 0 and 3");
            return 2;
        }
        var spec = LfSuiteGenerator.Shape(seed, rows, lfs, classes, args.Contains("--single-class"), Range(Option(args, "--coverage") ?? "0.02-0.6"),
            Range(Option(args, "--accuracy") ?? "0.55-0.95"), Int(args, "--valid-rows") ?? 200, Int(args, "--test-rows") ?? 500,
            Option(args, "--balance")?.Split(',').Select(b => double.Parse(b, CultureInfo.InvariantCulture)).ToArray(),
            Option(args, "--classes-per-lf") is { } few ? ((int)Range(few).Item1, (int)Range(few).Item2) : null, hard, pull, activity, activityShift);
        LfSuiteGenerator.Write(spec, output);
        Log($"{output}: {spec.TrainRows} train rows, {spec.Lfs.Count} LFs, {spec.Classes} classes: {spec.Summary}");
        return 0;
    }

    private static int RunSuite(string[] args)
    {
        if (Option(args, "--dir") is not { } dirs)
        {
            Console.Error.WriteLine("lf-suite run: --dir DIR is required");
            return 2;
        }
        var models = ModelComparison.ParseModelList(Option(args, "--models") ?? DefaultModels);
        if (!models.Contains(MajorityVoteTrainer.ModelName)) models = [MajorityVoteTrainer.ModelName, .. models];
        var seed = Int(args, "--seed") ?? 0;
        var metricName = Option(args, "--metric") ?? "expected-accuracy";
        Func<ComparisonRow, double>? metric = metricName switch
        {
            "expected-accuracy" => r => r.ExpectedAccuracy,
            "accuracy" => r => r.Accuracy,
            "macro-f1" => r => r.MacroF1,
            _ => null,
        };
        if (metric is null)
        {
            Console.Error.WriteLine($"lf-suite run: --metric expects expected-accuracy, accuracy or macro-f1, got '{metricName}'");
            return 2;
        }

        var folders = dirs.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var sets = new List<(string Name, ComparisonResult Result)>();
        var clock = Stopwatch.StartNew();
        foreach (var folder in folders)
        {
            var suite = SuiteComparison.Run(folder, models, [seed], TieBreak.Random, log: Log);
            var prefix = folders.Length > 1 ? Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)) + "/" : "";
            sets.AddRange(suite.Sets.Select(s => (prefix + s.Name, s.Result)));
        }
        var others = models.Where(m => m != MajorityVoteTrainer.ModelName).ToArray();

        var perSet = new MarkdownTable("l" + new string('r', others.Length + 1), ["set", $"mv ({metricName})", .. others.Select(m => $"{m} − mv")]);
        var differences = others.ToDictionary(m => m, _ => new List<double>());
        var fitSeconds = models.ToDictionary(m => m, _ => 0.0);
        var slowest = models.ToDictionary(m => m, _ => (Seconds: 0.0, Set: ""));
        foreach (var (name, result) in sets)
        {
            var rows = result.Rows.ToDictionary(r => r.Model);
            var mv = metric(rows[MajorityVoteTrainer.ModelName]);
            foreach (var m in models)
            {
                fitSeconds[m] += rows[m].FitSeconds;
                if (rows[m].FitSeconds > slowest[m].Seconds) slowest[m] = (rows[m].FitSeconds, name);
            }
            var cells = new List<FormattableString> { $"{name}", $"{mv:0.000}" };
            foreach (var m in others)
            {
                var difference = metric(rows[m]) - mv;
                differences[m].Add(difference);
                cells.Add($"{difference:+0.000;−0.000;0.000}");
            }
            perSet.Add([.. cells]);
        }

        var summary = new MarkdownTable("lrrrrrr", "model", "mean − mv", "worst − mv", "sets < mv − 1 pt", "sets < mv − 0.5 pt", "fit s (all sets)", "slowest fit s (set)");
        foreach (var m in others)
        {
            var d = differences[m];
            summary.Add($"{m}", $"{d.Average():+0.000;−0.000;0.000}", $"{d.Min():+0.000;−0.000;0.000}", $"{d.Count(x => x < -0.01)} of {d.Count}",
                $"{d.Count(x => x < -0.005)} of {d.Count}", $"{fitSeconds[m]:0.0}", $"{slowest[m].Seconds:0.0} ({slowest[m].Set})");
        }
        MarkdownTable.PrintAll(perSet, summary);
        Log(string.Create(CultureInfo.InvariantCulture, $"{sets.Count} sets, {models.Length} models, seed {seed}: {clock.Elapsed.TotalSeconds:0.0} s"));
        return 0;
    }

    internal static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static int? Int(string[] args, string name) => Option(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : null;

    internal static void Log(string message) => Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {message}");
}
