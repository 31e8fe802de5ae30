using System.Diagnostics;
using Snorkeler.Applying;
using Snorkeler.Cli;
using Snorkeler.Data;
using Snorkeler.Loading;

namespace Snorkeler.Benchmarks;

/// <summary>One scenario, run in this (fresh) process so its peak working set is its own.</summary>
public static class Scenarios
{
    /// <summary>
    /// <c>cli ARGS...</c> runs the snorkeler command line in-process; <c>parse CSV</c> only reads the CSV into
    /// batches; <c>evaluate LFS CSV</c> parses and applies the LFs but discards the matrix. Prints
    /// <c>RESULT seconds rows peak-bytes cpu-seconds</c> last.
    /// </summary>
    public static int RunChild(string[] args)
    {
        var clock = Stopwatch.StartNew();
        long rows = 0;
        switch (args[0])
        {
            case "cli":
                var code = Cli.Cli.Run(args[1..], Console.Out, Console.Error, interactive: false);
                if (code != 0) return code;
                break;
            case "parse":
                foreach (var batch in DataSources.Open([args[1]]).ReadBatches(4096)) rows += batch.Count;
                break;
            case "evaluate":
                var data = DataSources.WithAliases(DataSources.Open([args[2]]), new Dictionary<string, string> { ["text"] = "CONTENT" });
                var set = new LfProject(Inputs.Loaders).Load([args[1]], null, data.Schema, args.Length > 3 ? args[3] : null);
                if (set.HasErrors) throw new InvalidOperationException(string.Join("\n", set.Diagnostics));
                rows = Applier.Apply(data, set.Functions, set.Schema!, _ => { }).Rows;
                break;
            default:
                Console.Error.WriteLine($"unknown scenario '{args[0]}'");
                return 2;
        }
        var seconds = clock.Elapsed.TotalSeconds;
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        Console.WriteLine($"RESULT {seconds:R} {rows} {self.PeakWorkingSet64} {self.TotalProcessorTime.TotalSeconds:R}");
        return 0;
    }
}
