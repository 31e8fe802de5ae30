using System.Diagnostics;
using System.Globalization;

namespace Snorkeler.Benchmarks;

/// <summary>
/// The end-to-end benchmark: generates the data sets, runs each scenario in a fresh child process
/// (this program's <c>child</c> verb) and prints a Markdown table of rows/s, seconds and peak working set.
/// </summary>
public static class EndToEnd
{
    private sealed record Scenario(string Name, string Target, long Rows, string[] Args, Action? Before = null);

    public static int Run(string[] args)
    {
        var quick = args.Contains("--quick");
        var work = Option(args, "--work") ?? Path.Combine(Path.GetTempPath(), "snorkeler-bench");
        var only = Option(args, "--only")?.Split(',');
        Directory.CreateDirectory(work);
        var root = DataSets.RepoRoot;
        var rules = Path.Combine(root, "labeling-functions", "spam", "spam.rules");
        var script = Path.Combine(root, "bench", "lfs", "spam-script", "spam.csx");
        var cache = Path.Combine(work, "cache");
        long applyRows = quick ? 1_000_000 : 10_000_000;
        long bigRows = quick ? 1_000_000 : 10_000_000;

        Log($"generating data in {work} ...");
        var csv = DataSets.YouTubeCsv(work, applyRows);
        var m50 = DataSets.SyntheticMatrix(work, 1_000_000, 50, 3);
        var m20 = DataSets.SyntheticMatrix(work, 1_000_000, 20, 2);
        var big = DataSets.SyntheticMatrix(work, bigRows, 50, 3);
        string Out(string name) => Path.Combine(work, name);

        // Compile the script LFs once so the timed run measures applying, not Roslyn (a cached compile is what an edit-free rerun gets).
        Child(["cli", "check", script, "--cache-dir", cache, "--quiet"]);

        var scenarios = new List<Scenario>
        {
            new("parse CSV only", "", applyRows, ["parse", csv]),
            new("parse + evaluate rules (no write)", "", applyRows, ["evaluate", rules, csv]),
            new("apply rules → .snkm", "≥ 1.5 M rows/s, < 1 GB", applyRows,
                ["cli", "apply", "--lfs", rules, "--data", csv, "--column", "text=CONTENT", "--out", Out("rules.snkm"), "--quiet"]),
            new("apply C# script → .snkm", "≤ 1.5× rules", applyRows,
                ["cli", "apply", "--lfs", script, "--data", csv, "--column", "text=CONTENT", "--out", Out("script.snkm"), "--cache-dir", cache, "--quiet"]),
            new("fit snorkel 1M×50×3", "fit + predict < 1 s", 1_000_000,
                ["cli", "fit", "--matrix", m50, "--model", "snorkel", "--out", Out("m50.json"), "--quiet"]),
            new("predict snorkel 1M×50×3", "", 1_000_000,
                ["cli", "predict", "--model", Out("m50.json"), "--matrix", m50, "--out", Out("m50-probs.csv"), "--quiet"]),
            new("fit snorkel 1M×20×2", "fit + predict < 0.3 s", 1_000_000,
                ["cli", "fit", "--matrix", m20, "--model", "snorkel", "--out", Out("m20.json"), "--quiet"]),
            new("predict snorkel 1M×20×2", "", 1_000_000,
                ["cli", "predict", "--model", Out("m20.json"), "--matrix", m20, "--out", Out("m20-probs.csv"), "--quiet"]),
            new($"fit snorkel {bigRows / 1_000_000}M×50×3", "< 1 GB", bigRows,
                ["cli", "fit", "--matrix", big, "--model", "snorkel", "--out", Out("big.json"), "--quiet"]),
        };

        // Incremental re-application on the raw YouTube comments: fill the cache, edit one LF, rerun.
        var incremental = Path.Combine(work, "incremental");
        if (Directory.Exists(incremental)) Directory.Delete(incremental, recursive: true);
        Directory.CreateDirectory(incremental);
        foreach (var name in new[] { "spam.rules", "please_words.txt" })
            File.Copy(Path.Combine(root, "labeling-functions", "spam", name), Path.Combine(incremental, name));
        var editable = Path.Combine(incremental, "spam.rules");
        string[] IncrementalArgs(string output) =>
            ["cli", "apply", "--lfs", editable, "--data", .. DataSets.RawFiles(), "--column", "text=CONTENT", "--out", Path.Combine(incremental, output),
             "--cache-dir", Path.Combine(incremental, "cache"), "--incremental", "--quiet"];
        scenarios.Add(new("incremental apply, cold cache (raw YouTube)", "", 1956, IncrementalArgs("cold.snkm")));
        scenarios.Add(new("incremental apply, one LF edited (raw YouTube)", "edit-run < 1 s", 1956, IncrementalArgs("edited.snkm"),
            () => File.WriteAllText(editable, File.ReadAllText(editable).Replace("contains \"song\"", "contains \"songs\"", StringComparison.Ordinal))));
        scenarios.Add(new($"incremental apply, one LF edited ({applyRows / 1_000_000}M rows)", "", applyRows,
            ["cli", "apply", "--lfs", editable, "--data", csv, "--column", "text=CONTENT", "--out", Out("edited-big.snkm"), "--cache-dir", Path.Combine(incremental, "cache"), "--incremental", "--quiet"],
            () =>
            {
                Child(["cli", "apply", "--lfs", editable, "--data", csv, "--column", "text=CONTENT", "--out", Out("cold-big.snkm"), "--cache-dir", Path.Combine(incremental, "cache"), "--incremental", "--quiet"]);
                File.WriteAllText(editable, File.ReadAllText(editable).Replace("contains \"subscribe\"", "contains \"subscribed\"", StringComparison.Ordinal));
            }));

        var results = new List<(Scenario Scenario, double Seconds, long Peak, double Cpu)>();
        foreach (var s in scenarios)
        {
            if (only is not null && !only.Any(o => s.Name.StartsWith(o, StringComparison.OrdinalIgnoreCase))) continue;
            s.Before?.Invoke();
            var (seconds, peak, cpu) = Child(s.Args);
            results.Add((s, seconds, peak, cpu));
            Log($"{s.Name}: {seconds:0.000} s, {s.Rows / seconds:N0} rows/s, CPU {cpu:0.00} s, peak {peak / 1048576.0:N0} MB");
        }

        Console.WriteLine();
        Console.WriteLine($"load average before/after: {LoadAverage()}");
        Console.WriteLine();
        // CPU seconds (user + system, all threads) are steadier than wall-clock time on a shared machine.
        var table = new MarkdownTable("lrrrrrrl", "scenario", "rows", "seconds", "rows/s", "CPU s", "rows per CPU s", "peak working set", "target");
        foreach (var (s, seconds, peak, cpu) in results)
            table.Add($"{s.Name}", $"{s.Rows:N0}", $"{seconds:0.000}", $"{s.Rows / seconds:N0}", $"{cpu:0.00}", $"{s.Rows / cpu:N0}", $"{peak / 1048576.0:N0} MB", $"{s.Target}");
        table.Print();
        return 0;
    }

    /// <summary>Runs this program's child verb in a fresh process; returns its own timing and peak working set.</summary>
    internal static (double Seconds, long Peak, double Cpu) Child(string[] args)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true };
        var self = typeof(Program).Assembly.Location;
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) is "dotnet") start.ArgumentList.Add(self);
        start.ArgumentList.Add("child");
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var result = stdout.Split('\n').LastOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
        if (process.ExitCode != 0 || result is null)
            throw new InvalidOperationException($"child {string.Join(' ', args)} failed ({process.ExitCode}):\n{stdout}\n{stderr.Result}");
        var parts = result.Split(' ');
        return (double.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[3], CultureInfo.InvariantCulture), double.Parse(parts[4], CultureInfo.InvariantCulture));
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static void Log(string message) => Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {message}");
}
