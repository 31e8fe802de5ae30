using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Snorkeler.Applying;
using Snorkeler.Data;
using Snorkeler.LabelModels;
using Snorkeler.Studio;

namespace Snorkeler.Benchmarks;

/// <summary>
/// <c>studio [--quick] [--work DIR] [--only latency,suggestions,ranking,queue]</c>: the studio's figures (docs/benchmarks.md, docs/studio.md).
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

    /// <summary>Runs every part but the ranking, or those named by <c>--only latency,suggestions,ranking,queue</c>.</summary>
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
        if (only.Contains("ranking"))
        {
            var youtube = Path.GetDirectoryName(DataSets.RawYouTube)!;
            Ranking("YouTube", youtube, work, "spam/spam.rules");
            Ranking("TREC", Path.Combine(Path.GetDirectoryName(youtube)!, "trec"), work, "trec/question-words.rules");
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


    /// <summary>Orders of the suggestions compared by <c>--only ranking</c>: the studio's, then alternatives, best first.</summary>
    private static readonly (string Name, Func<Suggestion, double> Score)[] Orders =
    [
        ("studio: bound > ½ first, then bound × √rows", s => 0),
        ("gain (the ranking before)", s => s.Gain),
        ("bound × rows needing an LF", s => s.PrecisionBound * s.Unlabelled),
        ("bound × √rows", s => s.PrecisionBound * Math.Sqrt(s.Unlabelled)),
        ("(2·bound − 1) × √rows", s => (2 * s.PrecisionBound - 1) * Math.Sqrt(s.Unlabelled)),
        ("bound > ½ first, then bound × rows", s => (s.PrecisionBound > 0.5 ? 1e6 : 0) + s.PrecisionBound * s.Unlabelled),
        ("bound > ½ first, then rows", s => (s.PrecisionBound > 0.5 ? 1e6 : 0) + s.Unlabelled),
        ("bound × log(1 + rows)", s => s.PrecisionBound * Math.Log(1 + s.Unlabelled)),
        ("(2·bound − 1) × rows", s => (2 * s.PrecisionBound - 1) * s.Unlabelled),
        ("bound × gain", s => s.PrecisionBound * s.Gain),
    ];

    /// <summary>
    /// The suggestions' precision judged on rows whose gold the ranking never saw (the training split's labels; the
    /// studio sees only the dev split's): for each order of <see cref="Orders"/>, 10 steps from a rules file with only
    /// the classes, each accepting that order's top suggestion, and once from the rules file <paramref name="startName"/> (under labeling-functions); at each of these
    /// 11 states the mean precision of the top 1, 5 and 10 suggestions on the training rows each fires on, and the
    /// share of training rows no LF votes on that they fire on (added coverage); then the test accuracy after the 10 steps.
    /// </summary>
    private static void Ranking(string name, string split, string work, string startName)
    {
        var train = Path.Combine(split, "train.json");
        var test = Path.Combine(split, "test.json");
        var schema = WrenchFile.ReadSchema(train) ?? throw new InvalidOperationException($"{split}: no label.json");
        var classes = $"labels {string.Join(", ", schema.ClassNames)}\n";
        var start = File.ReadAllText(Path.Combine(DataSets.RepoRoot, "labeling-functions", startName));
        var data = DataSources.Open([train]);
        var texts = new List<string>();
        foreach (var batch in data.ReadBatches(4096))
            for (var i = 0; i < batch.Count; i++) texts.Add(batch[i].Text(batch.Schema.IndexOf("text")).ToLowerInvariant());
        int[] gold;
        using (var cursor = LabelledData.Gold([train], data, schema, null)!) gold = cursor.Take(texts.Count);
        int[] ks = [1, 5, 10];
        Console.WriteLine($"ranking, {name}: held-out precision of the top k (training rows' gold), added coverage of the top k (training rows no LF votes on), 11 states (10 steps of accepting the top + {startName})");
        Console.WriteLine("| order | top-1 | top-5 | top-10 | added coverage top-1 | top-5 | top-10 | test accuracy after 10 steps | accepted | top 5 from the start rules (bound·rows needing an LF) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---|---|");
        foreach (var (order, score) in Orders)
        {
            var precision = ks.ToDictionary(k => k, _ => new List<double>());
            var coverage = ks.ToDictionary(k => k, _ => new List<double>());
            void Measure(StudioSession session, IReadOnlyList<Suggestion> shown)
            {
                var e = session.Current!;
                foreach (var k in ks)
                {
                    var top = shown.Take(k).ToList();
                    if (top.Count == 0) continue;
                    var added = new HashSet<int>();
                    var shares = new List<double>();
                    foreach (var s in top)
                    {
                        var label = schema.LabelOf(s.Label)!.Value;
                        int fires = 0, right = 0;
                        for (var i = 0; i < texts.Count; i++)
                        {
                            if (!texts[i].Contains(s.Keyword, StringComparison.Ordinal)) continue;
                            fires++;
                            if (gold[i] == label) right++;
                            if (e.Train.VoteCount(i) == 0) added.Add(i);
                        }
                        shares.Add(fires == 0 ? 0 : (double)right / fires);
                    }
                    precision[k].Add(shares.Average());
                    coverage[k].Add((double)added.Count / texts.Count);
                }
            }
            IReadOnlyList<Suggestion> Shown(StudioSession session)
                => order.StartsWith("studio", StringComparison.Ordinal) ? session.Suggestions(int.MaxValue)
                   : session.Suggestions(int.MaxValue).OrderByDescending(score).ThenBy(s => s.Id, StringComparer.Ordinal).ToList();
            var accepted = new List<string>();
            double accuracy;
            var probe = "";
            using (var session = new StudioSession(Settings(Folder(work, classes, scripts: false), DataSources.Open([train]), Path.Combine(split, "valid.json"), work, schema)))
            {
                for (var step = 0; step < 10; step++)
                {
                    var shown = Shown(session);
                    if (shown.Count == 0) break;
                    Measure(session, shown);
                    session.Accept(shown[0].Id);
                    accepted.Add($"{shown[0].Keyword}→{shown[0].Label}");
                }
                accuracy = TestScore(session, test);
            }
            using (var session = new StudioSession(Settings(Folder(work, start, scripts: false), DataSources.Open([train]), Path.Combine(split, "valid.json"), work, schema)))
            {
                var shown = Shown(session);
                Measure(session, shown);
                probe = string.Join(", ", shown.Take(5).Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Keyword}→{s.Label} {s.PrecisionBound:F2}·{s.Unlabelled}")));
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {order} | {string.Join(" | ", ks.Select(k => precision[k].Average().ToString("F3", CultureInfo.InvariantCulture)))} | {string.Join(" | ", ks.Select(k => coverage[k].Average().ToString("F3", CultureInfo.InvariantCulture)))} | {accuracy:F3} | {string.Join(", ", accepted)} | {probe} |"));
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

    internal static StudioSettings Settings(string folder, IDataSource data, string dev, string work, LabelSchema schema) => new()
    {
        LfFolder = folder,
        Data = data,
        Loaders = Cli.Inputs.Loaders,
        Schema = schema,
        Dev = DataSources.Open([dev]),
        DevGold = (schema, rows, warn) =>
        {
            using var gold = LabelledData.Gold([dev], DataSources.Open([dev]), schema, null, warn)!;
            return gold.Take(rows);
        },
        HandLabelsPath = Path.Combine(work, $"studio-labels-{Guid.NewGuid():N}.csv"),
        CacheDirectory = Path.Combine(work, "cache"),
    };

    internal static string Folder(string work, string rules, bool scripts)
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
