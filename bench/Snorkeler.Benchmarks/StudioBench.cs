using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Snorkeler.Applying;
using Snorkeler.Data;
using Snorkeler.LabelModels;
using Snorkeler.Studio;

namespace Snorkeler.Benchmarks;

/// <summary>
/// <c>studio [--quick] [--work DIR]</c>: the studio's figures (docs/benchmarks.md, docs/studio.md).
/// <list type="number">
/// <item>Edit → updated numbers: the time of <c>POST /api/check</c> (one rule edited, each time to new text; the answer carries every number
/// on the page) on a real loopback server, on the raw YouTube comments (five files) and on 100,000 rows.</item>
/// <item>Suggestions: starting from a rules file with only its classes, accept the top suggestion at each of 10 steps,
/// or a random one of the 10 shown; the label model's accuracy on the test split, mean over 5 seeds, on YouTube and on
/// TREC (six classes), whose data the ranking was not developed on.</item>
/// <item>The next-rows queue: the share of its first 50 rows that the label model gets wrong or no LF covers (against
/// the training split's gold labels, which the studio never sees), beside 50 random rows.</item>
/// </list>
/// </summary>
public static class StudioBench
{
    private static readonly LabelSchema SpamClasses = new(["HAM", "SPAM"]);

    /// <summary>Runs every part, or those named by <c>--only latency,suggestions,queue</c>.</summary>
    public static int Run(string[] args)
    {
        var quick = args.Contains("--quick");
        var work = args.SkipWhile(a => a != "--work").Skip(1).FirstOrDefault() ?? Path.Combine(Path.GetTempPath(), "snorkeler-bench");
        var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault()?.Split(',') ?? ["latency", "suggestions", "queue"];
        Directory.CreateDirectory(work);
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, load average {Load()}");
        if (only.Contains("latency"))
        {
            Latency("raw YouTube (5 files)", DataSets.RawFiles(), work, quick ? 10 : 40);
            Latency("YouTube repeated to 100,000 rows", [DataSets.YouTubeCsv(work, 100_000)], work, quick ? 10 : 40);
        }
        if (only.Contains("suggestions"))
        {
            Suggestions("YouTube", Path.GetDirectoryName(DataSets.RawYouTube)!, work, quick ? 2 : 5);
            Suggestions("TREC", Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(DataSets.RawYouTube)!)!, "trec"), work, quick ? 2 : 5);
        }
        if (only.Contains("queue")) Queue(work, quick ? 2 : 5);
        Console.WriteLine($"load average after: {Load()}");
        return 0;
    }

    /// <summary>Times edits of one rule through the HTTP API, alternating two versions of it.</summary>
    private static void Latency(string name, IReadOnlyList<string> data, string work, int edits)
    {
        var folder = Folder(work, File.ReadAllText(Path.Combine(DataSets.RepoRoot, "labeling-functions", "spam", "spam.rules")), scripts: true);
        var source = DataSources.WithAliases(DataSources.Open(data), new Dictionary<string, string> { ["text"] = "CONTENT" });
        var dev = Path.Combine(Path.GetDirectoryName(DataSets.RawYouTube)!, "valid.json");
        using var session = new StudioSession(Settings(folder, source, dev, work, SpamClasses));
        var server = StudioServer.StartAsync(session).GetAwaiter().GetResult();
        using var client = new HttpClient { BaseAddress = server.Address };
        client.DefaultRequestHeaders.Add(StudioServer.TokenHeader, server.Token);
        var rules = File.ReadAllText(Path.Combine(folder, "spam.rules"));
        var times = new List<double>();
        var evaluations = new List<double>();
        TimeSpan pauses = default;
        var gen2 = 0;
        for (var i = -3; i < edits; i++)
        {
            if (i == 0) (pauses, gen2) = (GC.GetTotalPauseDuration(), GC.CollectionCount(2));
            var clock = Stopwatch.StartNew();
            // Every edit is new text (a rule seen before would come back from memory without being applied).
            var text = rules.Replace("contains \"song\"", $"contains \"song\" and length(text) > {i + 4}", StringComparison.Ordinal);
            var response = client.PostAsJsonAsync("/api/check", new { path = "spam.rules", text }).GetAwaiter().GetResult();
            var state = response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>().GetAwaiter().GetResult();
            clock.Stop();
            if (!response.IsSuccessStatusCode || state.GetProperty("reapplied").GetInt32() != 1) throw new InvalidOperationException($"edit {i}: {state}");
            if (i < 0) continue; // warm-up: JIT
            times.Add(clock.Elapsed.TotalMilliseconds);
            evaluations.Add(state.GetProperty("milliseconds").GetDouble());
        }
        (pauses, gen2) = (GC.GetTotalPauseDuration() - pauses, GC.CollectionCount(2) - gen2);
        server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        var stages = string.Join(", ", session.Current!.Stages.Select(st => string.Create(CultureInfo.InvariantCulture, $"{st.Stage} {st.Milliseconds:F1}")));
        times.Sort();
        evaluations.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"edit → numbers, {name}: {session.TrainRows:N0} rows, 10 LFs (7 rules, 3 C#), {edits} edits: request median {Pct(times, 0.5):F1} ms, p90 {Pct(times, 0.9):F1} ms, max {times[^1]:F1} ms; server evaluation median {Pct(evaluations, 0.5):F1} ms, max {evaluations[^1]:F1} ms; GC: {gen2} full collections, {pauses.TotalMilliseconds:F0} ms paused in all (last edit: {stages} ms)"));
    }

    /// <summary>Ten steps of accepting the top suggestion, or a random one of the ten shown, from a rules file with only its classes.</summary>
    private static void Suggestions(string name, string split, string work, int seeds)
    {
        var train = Path.Combine(split, "train.json");
        var test = Path.Combine(split, "test.json");
        var schema = WrenchFile.ReadSchema(train) ?? throw new InvalidOperationException($"{split}: no label.json");
        var classes = $"labels {string.Join(", ", schema.ClassNames)}\n";
        foreach (var strategy in new[] { "top", "random" })
        {
            var accuracies = new List<double>();
            var clock = Stopwatch.StartNew();
            string? picked = null;
            for (var seed = 0; seed < seeds; seed++)
            {
                var folder = Folder(work, classes, scripts: false);
                using var session = new StudioSession(Settings(folder, DataSources.Open([train]), Path.Combine(split, "valid.json"), work, schema) with { Seed = seed });
                var random = new Random(seed);
                var accepted = new List<string>();
                for (var step = 0; step < 10; step++)
                {
                    var shown = session.Suggestions(10);
                    if (shown.Count == 0) break;
                    var choice = shown[strategy == "top" ? 0 : random.Next(shown.Count)];
                    session.Accept(choice.Id);
                    accepted.Add($"{choice.Keyword}→{choice.Label}");
                }
                picked ??= string.Join(", ", accepted);
                accuracies.Add(TestScore(session, test));
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"suggestions, {name}, {strategy} of 10 at each of 10 steps: test accuracy {accuracies.Average():F3} ± {Sd(accuracies):F3} (min {accuracies.Min():F3}, max {accuracies.Max():F3}; {string.Join(" ", accuracies.Select(a => a.ToString("F3", CultureInfo.InvariantCulture)))}), {seeds} seeds, {clock.Elapsed.TotalSeconds:F1} s; seed 0 accepted: {picked}"));
        }
    }

    /// <summary>The label model's accuracy on every row of a labelled split (a tie counts as wrong), with the session's current LFs and model.</summary>
    private static double TestScore(StudioSession session, string split)
    {
        var e = session.Current ?? throw new InvalidOperationException("no clean evaluation");
        var data = DataSources.Open([split]);
        using var gold = LabelledData.Gold([split], data, e.Schema, null)!;
        var matrix = LabelledData.Apply(data, e.Lfs, e.Schema, gold);
        var scores = e.Model!.Score(matrix);
        return scores.Accuracy * scores.Coverage; // accuracy over every test row: a tie counts as wrong
    }

    /// <summary>The share of the queue's first 50 rows the label model gets wrong or no LF covers, beside 50 random rows.</summary>
    private static void Queue(string work, int seeds)
    {
        var youtube = Path.GetDirectoryName(DataSets.RawYouTube)!;
        var train = Path.Combine(youtube, "train.json");
        var folder = Folder(work, File.ReadAllText(Path.Combine(DataSets.RepoRoot, "labeling-functions", "spam", "spam.rules")), scripts: false);
        using var session = new StudioSession(Settings(folder, DataSources.Open([train]), Path.Combine(youtube, "valid.json"), work, SpamClasses));
        var e = session.Current!;
        var data = DataSources.Open([train]);
        using var cursor = LabelledData.Gold([train], data, e.Schema, null)!;
        var gold = cursor.Take(e.Train.RowCount);
        var k = e.Schema.Cardinality;
        bool Bad(int row)
        {
            var (top, _) = StudioSession.Top(e.Probabilities.AsSpan(row * k, k));
            return e.Train.VoteCount(row) == 0 || top != gold[row];
        }
        var queue = session.RankNext(e, 50).Select(r => r.Row).ToList();
        var queueShare = queue.Count(Bad) / (double)queue.Count;
        var randomShares = new List<double>();
        for (var seed = 0; seed < seeds; seed++)
        {
            var random = new Random(seed);
            var rows = Enumerable.Range(0, e.Train.RowCount).OrderBy(_ => random.Next()).Take(50).ToList();
            randomShares.Add(rows.Count(Bad) / 50.0);
        }
        var all = Enumerable.Range(0, e.Train.RowCount).Count(Bad) / (double)e.Train.RowCount;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"next rows (spam.rules, 7 LFs, {e.Totals.Model}): wrong or uncovered in the queue's first 50: {queueShare:F3}; in 50 random rows: {randomShares.Average():F3} ± {Sd(randomShares):F3} ({seeds} seeds); in all {e.Train.RowCount:N0} rows: {all:F3}"));
    }

    private static StudioSettings Settings(string folder, IDataSource data, string dev, string work, LabelSchema schema) => new()
    {
        LfFolder = folder,
        Data = data,
        Loaders = Cli.Inputs.Loaders,
        Schema = schema,
        Dev = DataSources.Open([dev]),
        DevGold = (schema, rows) =>
        {
            using var gold = LabelledData.Gold([dev], DataSources.Open([dev]), schema, null)!;
            return gold.Take(rows);
        },
        HandLabelsPath = Path.Combine(work, $"studio-labels-{Guid.NewGuid():N}.csv"),
        CacheDirectory = Path.Combine(work, "cache"),
    };

    private static string Folder(string work, string rules, bool scripts)
    {
        var folder = Path.Combine(work, "studio-lfs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "spam.rules"), rules);
        var spam = Path.Combine(DataSets.RepoRoot, "labeling-functions", "spam");
        File.Copy(Path.Combine(spam, "please_words.txt"), Path.Combine(folder, "please_words.txt"));
        if (scripts) File.Copy(Path.Combine(spam, "nlp.csx"), Path.Combine(folder, "nlp.csx"));
        return folder;
    }

    private static double Pct(List<double> sorted, double q) => sorted[Math.Min(sorted.Count - 1, (int)Math.Floor(q * (sorted.Count - 1) + 0.5))];

    private static double Sd(List<double> values)
    {
        var mean = values.Average();
        return values.Count < 2 ? 0 : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    private static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
}
