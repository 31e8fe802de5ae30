using System.Globalization;
using Snorkeler.Analysis;
using Snorkeler.Applying;
using Snorkeler.Data;
using Snorkeler.LabelModels;
using Snorkeler.Studio;

namespace Snorkeler.Benchmarks;

/// <summary>
/// <c>lf-suite learned-accuracy --dir DIR[,DIR...] [--models LIST] [--rules SET=FILE,...]</c>: how close a label model's
/// "learned accuracy" of each LF is to the LF's accuracy on the test split's gold labels, for two readings of the fitted
/// model (docs/label-models-measurements.md):
/// <list type="bullet">
/// <item><i>parameters</i>: the precision the model's parameters imply, P(Y = L_j | L_j votes): for <c>snorkel</c>
/// Σ_c μ_j(c|c)·P(c) ÷ Σ_c Σ_a μ_j(a|c)·P(c) (Snorkel's <c>get_weights</c>), for <c>flyingsquid</c> its one-vs-rest
/// accuracy of the class the LF votes, weighted by its votes; other models have no such parameter;</item>
/// <item><i>posterior</i>: the mean, over the training rows the LF votes on, of the model's probability of the LF's vote
/// (what the studio, <c>analyze --report</c> and <c>label --report</c> show).</item>
/// </list>
/// Each model is fitted as the studio fits it (training votes, seed 0, the valid split as its dev rows). The error is the
/// mean absolute difference to the test accuracy, weighted by the LF's votes on gold test rows, over the LFs that vote on both
/// (for <c>--rules</c>, to the accuracy on the training split's gold labels, which the fit does not see; see <see cref="Apply"/>).
/// </summary>
public static class LearnedAccuracy
{
    /// <summary>The models measured by default: the studio's default first.</summary>
    public const string DefaultModels = "snorkel,flyingsquid,mv,dawid-skene,ebcc";

    public static int Run(string[] args)
    {
        var dirs = LfSuite.Option(args, "--dir")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        var rules = LfSuite.Option(args, "--rules")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        if (dirs.Length == 0 && rules.Length == 0)
        {
            Console.Error.WriteLine("lf-suite learned-accuracy: give --dir DIR[,DIR...] (folders of Wrench sets, or one set) and/or --rules SETFOLDER=RULES,...");
            return 2;
        }
        var models = ModelComparison.ParseModelList(LfSuite.Option(args, "--models") ?? DefaultModels);
        var table = new MarkdownTable("llrrrrrl", "set", "model", "LFs", "test votes", "parameters MAE", "posterior MAE", "100 % on dev: parameters, posterior, test", "closer");
        var tallies = models.ToDictionary(m => m, _ => new Tally());
        foreach (var dir in dirs)
        {
            IReadOnlyList<(string Name, string Folder)> sets = File.Exists(Path.Combine(dir, "train.json")) ? [(Path.GetFileName(Path.TrimEndingDirectorySeparator(dir)), dir)] : SuiteComparison.Discover(dir);
            foreach (var (name, folder) in sets)
            {
                var train = WrenchFile.ReadMatrix(Path.Combine(folder, "train.json"));
                var valid = Path.Combine(folder, "valid.json");
                var dev = File.Exists(valid) ? WrenchFile.ReadMatrix(valid) : null;
                Measure(name, train.WithGold([]), dev, WrenchFile.ReadMatrix(Path.Combine(folder, "test.json")), models, table, tallies);
            }
        }
        foreach (var pair in rules)
        {
            var (folder, file) = (pair[..pair.IndexOf('=', StringComparison.Ordinal)], pair[(pair.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            var (train, dev, scored) = Apply(folder, file);
            Measure($"{Path.GetFileName(Path.TrimEndingDirectorySeparator(folder))} + {Path.GetFileName(file)} (scored on train gold)", train, dev, scored, models, table, tallies);
        }
        var summary = new MarkdownTable("lrrrrr", "model", "sets", "parameters MAE, mean", "posterior MAE, mean", "posterior closer", "parameters closer");
        foreach (var (model, t) in tallies.Where(w => w.Value.Posterior.Count > 0))
        {
            var parameters = t.Parameters.Count == 0 ? "–" : t.Parameters.Average().ToString("0.000", CultureInfo.InvariantCulture);
            var closer = t.Parameters.Count == 0 ? "–" : t.Parameters.Where((p, i) => p < t.Posterior[i]).Count().ToString(CultureInfo.InvariantCulture);
            summary.Add($"{model}", $"{t.Posterior.Count}", $"{parameters}", $"{t.Posterior.Average():0.000}",
                $"{(t.Parameters.Count == 0 ? "–" : t.Posterior.Where((q, i) => q < t.Parameters[i]).Count().ToString(CultureInfo.InvariantCulture))}", $"{closer}");
        }
        MarkdownTable.PrintAll(table, summary);
        return 0;
    }

    /// <summary>
    /// The matrices of a rules file on a Wrench set's train and valid splits, applied as the studio applies them: the training
    /// matrix without its gold labels (what the model is fitted on), the dev matrix, and the training matrix with them (what
    /// the LFs are scored on). Not the test split: TREC's test questions are capitalised and its train and valid ones are not,
    /// so rules written on the latter (<c>/^who\b/</c>) do not fire there.
    /// </summary>
    private static (LabelMatrix Train, LabelMatrix? Dev, LabelMatrix Scored) Apply(string folder, string rules)
    {
        var work = Path.Combine(Path.GetTempPath(), "snorkeler-bench");
        var trainPath = Path.Combine(folder, "train.json");
        var schema = WrenchFile.ReadSchema(trainPath) ?? throw new InvalidOperationException($"{folder}: no label.json");
        var lfs = StudioBench.Folder(work, File.ReadAllText(rules), scripts: false);
        using var session = new StudioSession(StudioBench.Settings(lfs, DataSources.Open([trainPath]), Path.Combine(folder, "valid.json"), work, schema));
        var e = session.Current ?? throw new InvalidOperationException($"{rules}: does not check clean");
        var data = DataSources.Open([trainPath]);
        using var gold = LabelledData.Gold([trainPath], data, e.Schema, null)!;
        return (e.Train, e.Dev, LabelledData.Apply(data, e.Lfs, e.Schema, gold));
    }

    private static void Measure(string name, LabelMatrix train, LabelMatrix? dev, LabelMatrix test, IReadOnlyList<string> models, MarkdownTable table,
        Dictionary<string, Tally> tallies)
    {
        var m = train.LfCount;
        var onTest = LfSummary.Of(test).Lfs;
        var onDev = dev is null ? null : LfSummary.Of(dev).Lfs;
        foreach (var spec in models)
        {
            ILabelModel model;
            try
            {
                model = LabelModelCatalog.Get(spec).CreateTrainer(ModelOptions.Defaults).Fit(train, new FitContext { Seed = 0, Dev = dev });
            }
            catch (SnorkelerException e)
            {
                LfSuite.Log($"{name}: {spec}: {e.Message}");
                continue;
            }
            var diagnostics = new ModelDiagnostics(train.Schema, m);
            diagnostics.Add(train, model.PredictProbabilities(train));
            var posterior = diagnostics.LearnedAccuracy;
            var parameters = Parameters(model, train);
            double weight = 0, posteriorError = 0, parameterError = 0;
            var lfs = 0;
            var perfect = new List<(double Parameters, double Posterior, double Test)>();
            for (var j = 0; j < m; j++)
            {
                var votes = (onTest[j].Correct ?? 0) + (onTest[j].Incorrect ?? 0);
                if (votes == 0 || double.IsNaN(posterior[j]) || onTest[j].EmpiricalAccuracy is not { } truth) continue;
                lfs++;
                weight += votes;
                posteriorError += votes * Math.Abs(posterior[j] - truth);
                if (parameters is not null) parameterError += votes * Math.Abs(parameters[j] - truth);
                if (onDev?[j] is { EmpiricalAccuracy: 1.0, Correct: >= 5 }) perfect.Add((parameters?[j] ?? double.NaN, posterior[j], truth));
            }
            if (lfs == 0) continue;
            var (p, q) = (parameterError / weight, posteriorError / weight);
            tallies[spec].Posterior.Add(q);
            if (parameters is not null) tallies[spec].Parameters.Add(p);
            table.Add($"{name}", $"{spec}", $"{lfs}", $"{weight:0}", $"{(parameters is null ? "–" : p.ToString("0.000", CultureInfo.InvariantCulture))}", $"{q:0.000}", $"{Range(perfect)}",
                $"{(parameters is null ? "–" : q < p ? "posterior" : "parameters")}");
        }
    }

    /// <summary>A model's error per set, for each reading (parameters only for the models that have them).</summary>
    private sealed class Tally
    {
        public List<double> Posterior { get; } = [];

        public List<double> Parameters { get; } = [];
    }

    /// <summary>The range of each figure over the LFs right on every one of at least 5 dev votes, with how many there are.</summary>
    private static string Range(List<(double Parameters, double Posterior, double Test)> lfs)
    {
        if (lfs.Count == 0) return "–";
        static string Span(IEnumerable<double> values)
        {
            var v = values.ToList();
            return double.IsNaN(v[0]) ? "–" : string.Create(CultureInfo.InvariantCulture, $"{v.Min():0.00}–{v.Max():0.00}");
        }
        return $"{lfs.Count} LFs: {Span(lfs.Select(l => l.Parameters))}, {Span(lfs.Select(l => l.Posterior))}, {Span(lfs.Select(l => l.Test))}";
    }

    /// <summary>The precision a model's parameters give each LF, or null for a model without one.</summary>
    private static double[]? Parameters(ILabelModel model, LabelMatrix train)
    {
        var m = train.LfCount;
        switch (model)
        {
            case SnorkelModel snorkel:
                return Enumerable.Range(0, m).Select(snorkel.LfAccuracy).ToArray();
            case FlyingSquidModel squid:
            {
                var k = train.Schema.Cardinality;
                var sum = new double[m];
                var count = new long[m];
                var lfs = new int[m];
                var votes = new int[m];
                for (var i = 0; i < train.RowCount; i++)
                {
                    var n = train.CopyVotes(i, lfs, votes);
                    for (var v = 0; v < n; v++)
                    {
                        sum[lfs[v]] += squid.Accuracy(lfs[v], votes[v]);
                        count[lfs[v]]++;
                    }
                }
                return sum.Select((s, j) => count[j] == 0 ? double.NaN : s / count[j]).ToArray();
            }
            default:
                return null;
        }
    }
}
