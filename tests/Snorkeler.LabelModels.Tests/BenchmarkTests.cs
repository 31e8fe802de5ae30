using System.Diagnostics;
using Xunit.Abstractions;

namespace Snorkeler.LabelModels.Tests;

/// <summary>A fact that runs only when SNORKELER_BENCHMARK=1 (benchmarks are not timed tests).</summary>
public sealed class BenchmarkFactAttribute : FactAttribute
{
    public BenchmarkFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("SNORKELER_BENCHMARK") != "1") Skip = "benchmark: set SNORKELER_BENCHMARK=1 to run";
    }
}

[Trait("Category", "Benchmark")]
public sealed class BenchmarkTests(ITestOutputHelper output)
{
    [BenchmarkFact]
    public void Snorkel_fit_and_predict_on_a_synthetic_million_by_twenty_binary_matrix()
    {
        const int rows = 1_000_000, m = 20;
        var random = new Random(1);
        var votes = new int[rows * m];
        for (var i = 0; i < rows; i++)
        {
            var y = random.Next(2);
            for (var j = 0; j < m; j++)
                votes[i * m + j] = random.NextDouble() < 0.5 ? -1 : random.NextDouble() < 0.6 + 0.015 * j ? y : 1 - y;
        }
        var matrix = LabelMatrix.Create(LabelSchema.Numbered(2), Enumerable.Range(0, m).Select(j => $"lf_{j}").ToArray(), votes);
        foreach (var name in new[] { "snorkel", "flyingsquid", "dawid-skene", "mv", "snorkel" })
        {
            var trainer = LabelModelCatalog.Get(name).CreateTrainer(ModelOptions.Defaults);
            var clock = Stopwatch.StartNew();
            var model = trainer.Fit(matrix, FitContext.WithSeed(1));
            var fit = clock.Elapsed.TotalSeconds;
            clock.Restart();
            var probabilities = model.PredictProbabilities(matrix);
            var predict = clock.Elapsed.TotalSeconds;
            output.WriteLine($"{name}: fit {fit:F2} s, predict {predict:F2} s ({probabilities.Length / 2} rows)");
        }
    }
}
