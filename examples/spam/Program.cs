using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Analysis;
using Snorkeler.Applying;
using Snorkeler.Data;
using Snorkeler.Dsl;
using Snorkeler.LabelModels;
using Snorkeler.Loading;
using Snorkeler.Scripting;

namespace Snorkeler.Examples.Spam;

/// <summary>
/// The training labels the end model learns from, and how good the label model behind them is on the test split.
/// <paramref name="TestAccuracy"/> is null when the source has no test-split labels.
/// </summary>
internal sealed record TrainingLabels(IReadOnlyList<TrainingRow> Rows, string Source, double? TestAccuracy, string TestAccuracyNote);

/// <summary>
/// The spam example, end to end after labelling: split the YouTube comments, take probabilistic labels for the
/// training split, train ML.NET end models on them in two ways, choose on the valid split, report test accuracy.
/// </summary>
internal static class Program
{
    private const int Seed = 123;

    private static readonly string Usage = """
        usage: dotnet run --project examples/spam -c Release -- [--labels FILE] [--data DIR] [--all]
          --labels FILE  probabilistic labels to train on: a CSV with COMMENT_ID, p_HAM, p_SPAM, label columns
                         (as `snorkeler label` writes); default: apply labeling-functions/spam and fit the auto label model
          --data DIR     the folder of the raw YouTube CSVs (Youtube01-Psy.csv ... Youtube05-Shakira.csv, or a raw/
                         folder holding them); default: examples/spam/data/youtube in the repository
          --all          print every end-model configuration's valid accuracy
        """;

    public static int Main(string[] args)
    {
        string? labelsPath = null, dataFolder = null;
        var all = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--labels" when i + 1 < args.Length: labelsPath = args[++i]; break;
                case "--data" when i + 1 < args.Length: dataFolder = args[++i]; break;
                case "--all": all = true; break;
                case "-h" or "--help": Console.Out.Write(Usage); return 0;
                default:
                    Console.Error.WriteLine($"unexpected argument '{args[i]}'");
                    Console.Error.Write(Usage);
                    return 2;
            }
        }
        try
        {
            Run(labelsPath, dataFolder, all);
            return 0;
        }
        catch (SnorkelerException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    private static void Run(string? labelsPath, string? dataFolder, bool all)
    {
        var clock = Stopwatch.StartNew();
        var repo = RepositoryRoot();
        dataFolder ??= Path.Combine(repo, "examples", "spam", "data", "youtube");
        // A Wrench-style data set folder keeps the CSVs in raw/.
        if (Directory.Exists(Path.Combine(dataFolder, "raw"))) dataFolder = Path.Combine(dataFolder, "raw");
        var data = SpamData.Load(dataFolder, Path.Combine(repo, "examples", "spam", "data"));
        Console.WriteLine($"split: train {data.Train.Count} (videos 1-4), valid {data.Valid.Count}, test {data.Test.Count} (video 5 by examples/spam/data/*_ids.txt)");

        var labels = labelsPath is null ? TrainingLabels(data, repo) : TrainingLabelsFromCsv(data, labelsPath);
        var labelled = labels.Rows.Count(r => r.Labelled);
        Console.WriteLine($"training labels: {labels.Source}; {labelled} of {labels.Rows.Count} rows labelled, "
            + $"agreement with gold on those {Fraction(labels.Rows.Zip(data.Train).Count(p => p.First.Labelled && p.First.PSpam != 0.5 && (p.First.PSpam > 0.5) == (p.Second.Gold == 1)), labelled)}");
        Console.WriteLine($"label model test accuracy: {(labels.TestAccuracy is { } a ? F(a) : "n/a")}");
        Console.WriteLine($"  ({labels.TestAccuracyNote})");

        var results = new Dictionary<LabelUse, (EndModelOptions Options, EndModelScore Valid, EndModelScore Test)>();
        var trainer = new EndModel.Trainer(labels.Rows, Seed);
        foreach (var use in new[] { LabelUse.SoftWeights, LabelUse.FilteredHard })
        {
            (EndModelOptions Options, EndModelScore Valid, EndModel Model)? best = null;
            foreach (var options in Grid(use))
            {
                var model = trainer.Fit(options);
                var valid = model.Score(data.Valid);
                if (all) Console.WriteLine($"    {Name(use)} {options}: valid {F(valid.Accuracy)} (log-loss {valid.LogLoss:0.000})");
                // Valid accuracy decides; on a tie (120 rows make ties common) the lower valid log-loss.
                if (best is null || valid.Accuracy > best.Value.Valid.Accuracy
                    || (valid.Accuracy == best.Value.Valid.Accuracy && valid.LogLoss < best.Value.Valid.LogLoss))
                    best = (options, valid, model);
            }
            var (chosen, validScore, fitted) = best!.Value;
            var test = fitted.Score(data.Test);
            results[use] = (chosen, validScore, test);
            Console.WriteLine($"end model {Name(use)}: {chosen} on {fitted.TrainingRows} comments: valid {F(validScore.Accuracy)}, test {F(test.Accuracy)}");
        }

        var winner = results.OrderByDescending(r => r.Value.Valid.Accuracy).ThenBy(r => r.Value.Valid.LogLoss).First();
        Console.WriteLine($"end model variant: {Name(winner.Key)} (higher valid accuracy, then lower valid log-loss)");
        Console.WriteLine($"end model test accuracy: {F(winner.Value.Test.Accuracy)}");
        Console.WriteLine($"time: {clock.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>
    /// The default training labels, made the Snorkeler way: the LFs of <c>labeling-functions/spam</c> (rules and
    /// C# scripts) are applied to every split's comments, the <c>auto</c> label model is fitted on the training
    /// split's votes alone (gold labels unused), with the valid split's gold labels as its dev set for model
    /// selection, and its probabilities are the training labels. The test split's votes score the label model.
    /// </summary>
    private static TrainingLabels TrainingLabels(SpamData data, string repo)
    {
        var lfFolder = Path.Combine(repo, "labeling-functions", "spam");
        var set = new LfProject([new RulesLoader(), new ScriptLoader()])
            .Load([lfFolder], dataColumns: new DataSchema([TextField]))
            .ThrowIfErrors();
        var schema = set.Schema!;
        var spam = schema.LabelOf("SPAM") ?? throw new SnorkelerException($"{lfFolder}: the LFs declare no SPAM class ({schema})");
        var ham = schema.LabelOf("HAM") ?? throw new SnorkelerException($"{lfFolder}: the LFs declare no HAM class ({schema})");

        LabelMatrix Apply(IReadOnlyList<Comment> comments, string name)
        {
            var frame = new DataFrame(new StringDataFrameColumn(TextField, comments.Select(c => c.Text)));
            return Applier.ApplyToMatrix(new DataFrameSource(frame, name), set.Functions, schema, new ApplyOptions { Threads = 1 });
        }
        int[] Gold(IReadOnlyList<Comment> comments) => comments.Select(c => c.Gold == 1 ? spam : ham).ToArray();

        var train = Apply(data.Train, "train");
        var valid = Apply(data.Valid, "valid").WithGold(Gold(data.Valid));
        var test = Apply(data.Test, "test").WithGold(Gold(data.Test));
        var model = LabelModelCatalog.Get(AutoTrainer.ModelName).CreateTrainer(ModelOptions.Defaults)
            .Fit(train, new FitContext { Seed = Seed, Dev = valid });
        var probabilities = model.PredictProbabilities(train);
        var k = schema.Cardinality;
        var rows = new List<TrainingRow>(data.Train.Count);
        for (var i = 0; i < data.Train.Count; i++)
        {
            var covered = false;
            for (var j = 0; j < train.LfCount && !covered; j++) covered = train[i, j] != LabelSchema.Abstain;
            rows.Add(new TrainingRow(data.Train[i].Id, data.Train[i].Text, probabilities[i * k + spam], covered));
        }
        var scores = model.Score(test);
        var chosen = model is AutoModel auto ? auto.ToString() : model.Name;
        return new TrainingLabels(rows, $"{set.Functions.Count} LFs from labeling-functions/spam, label model {chosen}",
            scores.ExpectedAccuracy,
            $"the label model on the test split's LF votes; expected accuracy (a tie counts 1/t); "
            + $"accuracy with ties as wrong {F(scores.Accuracy)}, covering {F(scores.Coverage)} of rows");
    }

    private const string TextField = "text";

    /// <summary>
    /// Training labels from a CSV with COMMENT_ID, p_SPAM (and optionally p_HAM and label) columns, such as
    /// <c>snorkeler label</c> writes. Every training comment needs a row; valid and test rows are optional and
    /// only used to score the label model. A label of -1 (abstain) marks the row as unlabelled.
    /// </summary>
    private static TrainingLabels TrainingLabelsFromCsv(SpamData data, string path)
    {
        var source = DataSources.Open(path);
        var idColumn = source.Schema.RequireIndex(SpamData.IdColumn, path);
        var spamColumn = source.Schema.RequireIndex("p_SPAM", path);
        var labelColumn = source.Schema.IndexOf("label");
        var byId = new Dictionary<string, (double PSpam, bool Labelled)>(StringComparer.Ordinal);
        foreach (var batch in source.ReadBatches(4096))
            for (var i = 0; i < batch.Count; i++)
            {
                var row = batch[i];
                var id = row.Text(idColumn);
                if (row.Number(spamColumn) is not { } p || p is < 0 or > 1 || double.IsNaN(p))
                    throw SnorkelerException.InFile(path, $"p_SPAM is '{row.Text(spamColumn)}', expected a probability", batch.LineOf(i));
                var labelled = labelColumn < 0 || row.Number(labelColumn) is not -1;
                byId.TryAdd(id, (p, labelled));
            }

        var rows = new List<TrainingRow>(data.Train.Count);
        foreach (var comment in data.Train)
        {
            if (!byId.TryGetValue(comment.Id, out var l))
                throw SnorkelerException.InFile(path, $"no row for training comment {comment.Id}");
            rows.Add(new TrainingRow(comment.Id, comment.Text, l.PSpam, l.Labelled));
        }
        var test = data.Test.Where(c => byId.ContainsKey(c.Id)).ToList();
        if (test.Count < data.Test.Count)
            return new TrainingLabels(rows, path, null, $"{path} has {test.Count} of the {data.Test.Count} test comments, so the label model is not scored");
        var expected = test.Sum(c => byId[c.Id].PSpam switch { 0.5 => 0.5, > 0.5 => c.Gold == 1 ? 1.0 : 0, _ => c.Gold == 0 ? 1.0 : 0 });
        return new TrainingLabels(rows, path, expected / test.Count,
            $"from {path}'s test rows; expected accuracy: P(SPAM) = 0.5 counts 1/2");
    }

    private static IEnumerable<EndModelOptions> Grid(LabelUse use)
    {
        float?[] l2 = [0.01f, 0.1f, 1f];
        foreach (var features in Enum.GetValues<Features>())
        {
            var trainers = l2.Select(r => (Sdca: false, L2: r)).Append((Sdca: true, L2: (float?)null));
            foreach (var (sdca, r) in trainers)
            {
                if (use == LabelUse.SoftWeights)
                {
                    yield return new EndModelOptions(use, features, sdca, r);
                    yield return new EndModelOptions(use, features, sdca, r, DropUnlabelled: true);
                }
                else
                    foreach (var min in new[] { 0.5, 0.7, 0.9 })
                        yield return new EndModelOptions(use, features, sdca, r, MinConfidence: min);
            }
        }
    }

    private static string RepositoryRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Snorkeler.sln"))) return dir.FullName;
        throw new SnorkelerException("cannot find the repository (a folder with Snorkeler.sln) above the current or program folder");
    }

    private static string Name(LabelUse use) => use == LabelUse.SoftWeights ? "(a) soft labels as weights" : "(b) filtered hard labels";

    private static string F(double x) => x.ToString("0.000", CultureInfo.InvariantCulture);

    private static string Fraction(int n, int of) => of == 0 ? "n/a" : $"{F((double)n / of)}";
}
