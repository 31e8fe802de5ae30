using System.Diagnostics;
using Snorkeler.IO;
using Snorkeler.LabelModels;

namespace Snorkeler.Benchmarks;

/// <summary>Stopwatch breakdowns of the label-model path: read, statistics, fit, predict, write.</summary>
public static class Profile
{
    public static int Run(string[] args)
    {
        var path = args[0];
        var clock = Stopwatch.StartNew();
        void Step(string what)
        {
            Console.WriteLine($"{what,-40} {clock.Elapsed.TotalMilliseconds,8:N0} ms");
            clock.Restart();
        }
        var source = MatrixFile.Open(path);
        long rows = 0;
        foreach (var block in source.ReadBlocks()) rows += block.RowCount;
        Step($"read {rows:N0} rows");
        var stats = SufficientStatistics.Compute(source);
        Step("read + statistics");
        var model = new SnorkelTrainer().Fit(stats, new FitContext { Seed = 0 });
        Step("fit from statistics");
        var k = model.Schema.Cardinality;
        var probabilities = new double[IMatrixSource.DefaultBlockRows * k];
        foreach (var block in source.ReadBlocks()) model.PredictProbabilities(block, probabilities.AsSpan(0, block.RowCount * k));
        Step("read + predict probabilities");
        var output = Path.Combine(Path.GetTempPath(), "snorkeler-profile-probs.csv");
        using (var writer = LabelsWriter.Create(output, model.Schema))
        {
            var labels = new int[IMatrixSource.DefaultBlockRows];
            foreach (var block in source.ReadBlocks())
            {
                var p = probabilities.AsSpan(0, block.RowCount * k);
                model.PredictProbabilities(block, p);
                writer.Write(null, p, labels.AsSpan(0, block.RowCount));
            }
            writer.Commit();
        }
        Step("read + predict + write CSV");
        return 0;
    }
}

/// <summary>Per-LF evaluation cost on the raw YouTube comments, single thread.</summary>
public static class ProfileRules
{
    public static int Run(string[] args)
    {
        var data = Data.DataSources.WithAliases(Data.DataSources.Open(DataSets.RawFiles()), new Dictionary<string, string> { ["text"] = "CONTENT" });
        var set = new Loading.LfProject(Cli.Inputs.Loaders).Load(args, null, data.Schema, null);
        var batches = data.ReadBatches(4096).ToList();
        var rows = batches.Sum(b => b.Count);
        const int repeats = 300;
        var clock = Stopwatch.StartNew();
        foreach (var lf in set.Functions)
        {
            var f = lf.Bind(data.Schema);
            var votes = 0L;
            // Warm up long enough for tiered compilation to reach its optimised code.
            for (var warm = Stopwatch.StartNew(); warm.ElapsedMilliseconds < 400;) foreach (var b in batches) for (var i = 0; i < b.Count; i++) votes += f(b[i]);
            clock.Restart();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            for (var r = 0; r < repeats; r++) foreach (var b in batches) for (var i = 0; i < b.Count; i++) votes += f(b[i]);
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            Console.WriteLine($"{lf.Name,-24} {clock.Elapsed.TotalNanoseconds / repeats / rows,8:N1} ns/row wall {cpu.TotalNanoseconds / repeats / rows,8:N1} ns/row CPU ({votes})");
        }
        return 0;
    }
}

/// <summary>Formatting probabilities as text, one thread: the runtime's round-trip format against <see cref="ShortestDouble"/>.</summary>
public static class ProfileFormat
{
    public static int Run(string[] args)
    {
        var source = MatrixFile.Open(args[0]);
        var model = new SnorkelTrainer().Fit(SufficientStatistics.Compute(source), new FitContext { Seed = 0 });
        var k = model.Schema.Cardinality;
        var values = new List<double>();
        var predictCpu = TimeSpan.Zero;
        var predictWall = TimeSpan.Zero;
        foreach (var block in source.ReadBlocks())
        {
            var p = new double[block.RowCount * k];
            var before = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            model.PredictProbabilities(block, p);
            predictWall += clock.Elapsed;
            predictCpu += Process.GetCurrentProcess().TotalProcessorTime - before;
            values.AddRange(p);
        }
        Console.WriteLine($"predict (compute only): {predictWall.TotalMilliseconds:N0} ms wall, {predictCpu.TotalMilliseconds:N0} ms CPU");
        var all = values.ToArray();
        var buffer = new byte[64];
        for (var round = 0; round < 3; round++)
        {
            long bytes = 0;
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            foreach (var v in all)
            {
                v.TryFormat(buffer, out var w, "R", System.Globalization.CultureInfo.InvariantCulture);
                bytes += w;
            }
            var runtime = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            cpu = Process.GetCurrentProcess().TotalProcessorTime;
            foreach (var v in all) bytes -= ShortestDouble.Format(v, buffer);
            var ours = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            Console.WriteLine($"{all.Length:N0} doubles: runtime \"R\" {runtime.TotalNanoseconds / all.Length:N0} ns each, ShortestDouble {ours.TotalNanoseconds / all.Length:N0} ns each (CPU; bytes differ by {bytes})");
        }
        return 0;
    }
}
