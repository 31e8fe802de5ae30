using System.Globalization;

namespace Snorkeler.Benchmarks;

/// <summary>
/// The crowd scale benchmark: writes a generated long-format crowd (<see cref="CrowdSet"/>; 1 M tasks, 2,500 workers,
/// 6 M answers by default), then fits and predicts through the command line, each in a fresh child process as
/// <see cref="EndToEnd"/> does, and prints wall time, CPU time and peak working set, and the accuracy against the
/// generated truth.
/// </summary>
public static class CrowdBench
{
    public static int Run(string[] args)
    {
        var work = Option(args, "--work") ?? Path.Combine(Path.GetTempPath(), "snorkeler-bench");
        var tasks = int.Parse(Option(args, "--tasks") ?? "1000000", CultureInfo.InvariantCulture);
        var workers = int.Parse(Option(args, "--workers") ?? "2500", CultureInfo.InvariantCulture);
        var answers = long.Parse(Option(args, "--answers") ?? "6000000", CultureInfo.InvariantCulture);
        var models = (Option(args, "--models") ?? "auto").Split(',');

        Log($"writing the crowd in {work} ...");
        var (answersPath, goldPath) = CrowdSet.Write(Path.Combine(work, "crowd"), tasks, workers, answers);
        Log($"{answersPath}: {new FileInfo(answersPath).Length / 1048576.0:N0} MB");
        string Out(string name) => Path.Combine(work, "crowd", name);

        var table = new MarkdownTable("lrrrrrrrr", "model", "fit s", "fit CPU s", "fit peak", "predict s", "predict CPU s", "predict peak", "fit + predict s", "accuracy");
        foreach (var model in models)
        {
            var modelPath = Out($"model-{model}.json");
            var fit = EndToEnd.Child(["cli", "fit", "--matrix", answersPath, "--model", model, "--out", modelPath, "--seed", "0", "--quiet"]);
            Log($"fit {model}: {fit.Seconds:0.0} s, CPU {fit.Cpu:0.0} s, peak {fit.Peak / 1048576.0:N0} MB");
            var predict = EndToEnd.Child(["cli", "predict", "--model", modelPath, "--matrix", answersPath, "--out", Out($"labels-{model}.csv"), "--quiet"]);
            Log($"predict {model}: {predict.Seconds:0.0} s, CPU {predict.Cpu:0.0} s, peak {predict.Peak / 1048576.0:N0} MB");
            var accuracy = Accuracy(Out($"labels-{model}.csv"), goldPath);
            table.Add($"{model}", $"{fit.Seconds:0.0}", $"{fit.Cpu:0.0}", $"{fit.Peak / 1048576.0:N0} MB", $"{predict.Seconds:0.0}", $"{predict.Cpu:0.0}",
                $"{predict.Peak / 1048576.0:N0} MB", $"{fit.Seconds + predict.Seconds:0.0}", $"{accuracy:0.0000}");
        }

        Console.WriteLine();
        Console.WriteLine($"crowd: {tasks:N0} tasks, {workers:N0} workers, {answers:N0} answers (target); load average {LoadAverage()}");
        Console.WriteLine();
        table.Print();
        return 0;
    }

    /// <summary>Share of tasks whose predicted label equals the generated truth (both files in task order).</summary>
    private static double Accuracy(string labels, string gold)
    {
        var truth = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(gold).Skip(1))
        {
            var comma = line.IndexOf(',', StringComparison.Ordinal);
            truth[line[..comma]] = line[(comma + 1)..];
        }
        using var reader = new StreamReader(labels);
        var header = reader.ReadLine()!.Split(',');
        int taskColumn = Array.IndexOf(header, "task"), labelColumn = Array.IndexOf(header, "label");
        long right = 0, total = 0;
        while (reader.ReadLine() is { } line)
        {
            var fields = line.Split(',');
            total++;
            if (truth.TryGetValue(fields[taskColumn], out var y) && y == fields[labelColumn]) right++;
        }
        return total == 0 ? double.NaN : (double)right / truth.Count;
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static void Log(string message) => Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {message}");
}
