using System.Diagnostics;
using System.Globalization;

namespace Snorkeler.Benchmarks;

/// <summary>
/// Whole-process benchmarks: the <c>snorkeler</c> executable as a user runs it (runtime start, JIT, reading,
/// writing), timed from outside by <c>/usr/bin/time</c>, each run repeated and the fastest kept.
/// <list type="bullet">
/// <item><c>sizes</c>: the 7 spam rules applied to 10 K … 10 M rows of the repeated raw YouTube comments.</item>
/// <item><c>cli-model</c>: <c>fit</c> and <c>predict</c> of <c>snorkel</c> on 1 M × 50 × 3 from <c>.snkm</c> and <c>.npy</c>.</item>
/// </list>
/// Options: <c>--work DIR</c> (data, default /tmp/snorkeler-bench), <c>--repeat N</c> (default 3),
/// <c>--rows 10000,100000,...</c>, <c>--cli PATH</c> (default: the Release build of src/Snorkeler.Cli),
/// <c>--env NAME=VALUE</c> (repeatable; set in the child's environment, for experiments).
/// </summary>
public static class WholeProcess
{
    /// <summary>One run: wall and CPU seconds, peak resident set (bytes).</summary>
    internal readonly record struct Run(double Wall, double Cpu, long PeakBytes);

    public static int Sizes(string[] args)
    {
        var o = new Options(args);
        var rows = (Option(args, "--rows") ?? "10000,100000,1000000,2000000,10000000")
            .Split(',').Select(r => long.Parse(r, CultureInfo.InvariantCulture)).ToArray();
        var rules = Path.Combine(DataSets.RepoRoot, "labeling-functions", "spam", "spam.rules");
        Log($"generating data in {o.Work} ...");
        var files = rows.Select(n => DataSets.YouTubeCsv(o.Work, n)).ToArray();
        var load = LoadAverage();
        // Rounds: each runs every size once, so that the sizes compared are measured in the same minutes (this machine's speed
        // drifts by tens of per cent within minutes: docs/benchmarks.md); the best of the rounds is kept per size.
        var runs = rows.Select(_ => new List<Run>()).ToArray();
        for (var round = 0; round < o.Repeat; round++)
            for (var i = 0; i < rows.Length; i++)
            {
                // One output per size: replacing a 10 M-row matrix would charge its deletion to the next size's run.
                var output = Path.Combine(o.Work, string.Create(CultureInfo.InvariantCulture, $"sizes-{rows[i]}.snkm"));
                var run = Time(o.Cli, ["apply", "--lfs", rules, "--data", files[i], "--column", "text=CONTENT", "--out", output, "--quiet"], o.Environment);
                runs[i].Add(run);
                Log($"round {round + 1}: {rows[i]:N0} rows: {run.Wall:0.000} s wall, {run.Cpu:0.00} s CPU, {run.PeakBytes / 1048576.0:N0} MB");
            }
        var results = rows.Select((n, i) => (Rows: n, Best: Options.BestOf(runs[i]))).ToList();
        var reference = results[^1];
        var referenceRate = reference.Rows / reference.Best.Wall;
        Console.WriteLine();
        Console.WriteLine($"{o.Describe()} (in rounds: each round runs every size once); load average before: {load}, after: {LoadAverage()}");
        Console.WriteLine();
        var table = new MarkdownTable("rrrrrr", "rows", "wall s", "CPU s", "peak memory", "rows per wall s", string.Create(CultureInfo.InvariantCulture, $"rate / {reference.Rows:N0}-row rate"));
        foreach (var (n, best) in results)
            table.Add($"{n:N0}", $"{best.Wall:0.000}", $"{best.Cpu:0.00}", $"{best.PeakBytes / 1048576.0:N0} MB", $"{n / best.Wall:N0}", $"{n / best.Wall / referenceRate * 100:0} %");
        table.Print();
        return 0;
    }

    public static int Model(string[] args)
    {
        var o = new Options(args);
        long n = long.Parse(Option(args, "--rows") ?? "1000000", CultureInfo.InvariantCulture);
        Log($"generating data in {o.Work} ...");
        var snkm = DataSets.SyntheticMatrix(o.Work, n, 50, 3);
        var npy = DataSets.SyntheticMatrix(o.Work, n, 50, 3, extension: ".npy");
        var load = LoadAverage();
        var table = new MarkdownTable("lrrrrrr", "matrix", "fit wall s", "fit CPU s", "predict wall s", "predict CPU s", "fit + predict wall s", "peak memory");
        foreach (var matrix in new[] { snkm, npy })
        {
            var model = Path.Combine(o.Work, "cli-model.json");
            var fit = o.Best(["fit", "--matrix", matrix, "--model", "snorkel", "--seed", "0", "--out", model, "--quiet"]);
            var predict = o.Best(["predict", "--model", model, "--matrix", matrix, "--out", Path.Combine(o.Work, "cli-model-probs.csv"), "--quiet"]);
            var name = Path.GetExtension(matrix);
            table.Add($"{name}", $"{fit.Wall:0.000}", $"{fit.Cpu:0.00}", $"{predict.Wall:0.000}", $"{predict.Cpu:0.00}", $"{fit.Wall + predict.Wall:0.000}",
                $"{Math.Max(fit.PeakBytes, predict.PeakBytes) / 1048576.0:N0} MB");
            Log(table.Last);
        }
        Console.WriteLine();
        Console.WriteLine($"{o.Describe()}; {n:N0} × 50 × 3; load average before: {load}, after: {LoadAverage()}");
        Console.WriteLine();
        table.Print();
        return 0;
    }

    private sealed class Options
    {
        public Options(string[] args)
        {
            Work = Option(args, "--work") ?? Path.Combine(Path.GetTempPath(), "snorkeler-bench");
            Directory.CreateDirectory(Work);
            Repeat = int.Parse(Option(args, "--repeat") ?? "3", CultureInfo.InvariantCulture);
            Cli = Option(args, "--cli") ?? Path.Combine(DataSets.RepoRoot, "src", "Snorkeler.Cli", "bin", "Release", "net10.0", "snorkeler");
            if (!File.Exists(Cli)) throw new InvalidOperationException($"{Cli} not found: run `dotnet build src/Snorkeler.Cli -c Release` first or pass --cli PATH");
            for (var i = 0; i < args.Length - 1; i++)
                if (args[i] == "--env")
                {
                    var eq = args[i + 1].IndexOf('=', StringComparison.Ordinal);
                    Environment[args[i + 1][..eq]] = args[i + 1][(eq + 1)..];
                }
        }

        public string Work { get; }

        public int Repeat { get; }

        public string Cli { get; }

        public Dictionary<string, string> Environment { get; } = [];

        public string Describe()
            => $"`{Cli}`, fastest of {Repeat} runs{(Environment.Count > 0 ? ", " + string.Join(' ', Environment.Select(e => $"{e.Key}={e.Value}")) : "")}";

        /// <summary>Runs the CLI <see cref="Repeat"/> times; the least wall time, least CPU time and least peak of the runs.</summary>
        public Run Best(string[] cliArgs) => BestOf(Enumerable.Range(0, Repeat).Select(_ => Time(Cli, cliArgs, Environment)).ToList());

        /// <summary>The least wall time, least CPU time and least peak of <paramref name="runs"/>.</summary>
        public static Run BestOf(IReadOnlyList<Run> runs) => new(runs.Min(r => r.Wall), runs.Min(r => r.Cpu), runs.Min(r => r.PeakBytes));
    }

    /// <summary>
    /// Runs <paramref name="exe"/> under <c>/usr/bin/time</c>: wall seconds (a stopwatch around the process; time's own
    /// figure has 10 ms steps), user + system seconds and the maximum resident set as time reports them.
    /// </summary>
    internal static Run Time(string exe, string[] args, IReadOnlyDictionary<string, string> environment)
    {
        var report = Path.GetTempFileName();
        try
        {
            var start = new ProcessStartInfo("/usr/bin/time") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "-f", "%e %U %S %M", "-o", report, exe }.Concat(args)) start.ArgumentList.Add(a);
            foreach (var (k, v) in environment) start.Environment[k] = v;
            var clock = Stopwatch.StartNew();
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            var wall = clock.Elapsed.TotalSeconds;
            if (process.ExitCode != 0) throw new InvalidOperationException($"{exe} {string.Join(' ', args)} failed ({process.ExitCode}):\n{stdout}\n{stderr.Result}");
            var f = File.ReadAllText(report).Trim().Split('\n')[^1].Split(' ');
            double D(int i) => double.Parse(f[i], CultureInfo.InvariantCulture);
            return new Run(wall, D(1) + D(2), long.Parse(f[3], CultureInfo.InvariantCulture) * 1024);
        }
        finally { File.Delete(report); }
    }

    internal static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static void Log(string message) => Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {message}");
}
