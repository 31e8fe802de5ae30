using BenchmarkDotNet.Attributes;
using Snorkeler.Applying;
using Snorkeler.Data;
using Snorkeler.LabelModels;
using Snorkeler.Loading;

namespace Snorkeler.Benchmarks;

/// <summary>Evaluating each spam rule on the 1,956 raw YouTube comments (per-row cost = mean / 1,956).</summary>
[MemoryDiagnoser]
public class RuleEvaluation
{
    private List<RowBatch> _batches = [];
    private Dictionary<string, Func<DataRow, int>> _lfs = [];

    [Params("keyword_my", "keyword_please", "regex_check_out", "short_comment")]
    public string Lf { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var data = DataSources.WithAliases(DataSources.Open(DataSets.RawFiles()), new Dictionary<string, string> { ["text"] = "CONTENT" });
        var set = new LfProject(Cli.Inputs.Loaders).Load([Path.Combine(DataSets.RepoRoot, "labeling-functions", "spam", "spam.rules")], null, data.Schema);
        _batches = data.ReadBatches(4096).ToList();
        _lfs = set.Functions.ToDictionary(f => f.Name, f => f.Bind(data.Schema));
    }

    [Benchmark]
    public int Evaluate()
    {
        var f = _lfs[Lf];
        var sum = 0;
        foreach (var b in _batches)
            for (var i = 0; i < b.Count; i++) sum += f(b[i]);
        return sum;
    }
}

/// <summary>Building the label matrix: the applier over in-memory batches with all seven rules (one thread).</summary>
[MemoryDiagnoser]
public class MatrixBuilding
{
    private IDataSource _data = null!;
    private LfSet _set = null!;

    [GlobalSetup]
    public void Setup()
    {
        _data = DataSources.WithAliases(DataSources.Open(DataSets.RawFiles()), new Dictionary<string, string> { ["text"] = "CONTENT" });
        _set = new LfProject(Cli.Inputs.Loaders).Load([Path.Combine(DataSets.RepoRoot, "labeling-functions", "spam", "spam.rules")], null, _data.Schema);
    }

    [Benchmark]
    public long ApplyRawYouTube() => Applier.Apply(_data, _set.Functions, _set.Schema!, _ => { }, new ApplyOptions { Threads = 1 }).Rows;
}

/// <summary>The moment statistics and prediction on a 65,536-row block of a synthetic 50-LF, 3-class matrix.</summary>
[MemoryDiagnoser]
public class LabelModelHotLoops
{
    private LabelMatrix _block = null!;
    private SnorkelModel _model = null!;
    private double[] _probabilities = [];

    [GlobalSetup]
    public void Setup()
    {
        var dir = Path.Combine(Path.GetTempPath(), "snorkeler-bench");
        Directory.CreateDirectory(dir);
        _block = IO.MatrixFile.Read(DataSets.SyntheticMatrix(dir, 65536, 50, 3));
        var stats = new SufficientStatistics(_block.Schema, _block.LfNames);
        stats.Add(_block);
        _model = new SnorkelTrainer().Fit(stats, new FitContext { Seed = 0 });
        _probabilities = new double[_block.RowCount * 3];
    }

    [Benchmark]
    public long StatisticsAdd()
    {
        var stats = new SufficientStatistics(_block.Schema, _block.LfNames);
        stats.Add(_block);
        return stats.RowCount;
    }

    [Benchmark]
    public double Predict()
    {
        _model.PredictProbabilities(_block, _probabilities);
        return _probabilities[0];
    }
}
