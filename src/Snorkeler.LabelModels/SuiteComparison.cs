using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Snorkeler.Analysis;
using Snorkeler.Data;
using Snorkeler.Text;

namespace Snorkeler.LabelModels;

/// <summary>One metric of a suite table: its name, JSON key, direction and how to read it from a row.</summary>
/// <param name="Name">As table titles show it.</param>
/// <param name="Key">The JSON and CSV key.</param>
/// <param name="HigherIsBetter">Direction of "better" (winners and ranks).</param>
/// <param name="Value">Reads the metric from a comparison row.</param>
public sealed record SuiteMetric(string Name, string Key, bool HigherIsBetter, Func<ComparisonRow, double> Value);

/// <summary>The comparison of every model on every data set of a suite (see <see cref="SuiteComparison"/>).</summary>
/// <param name="Sets">Per data set (in name order), the comparison of the models on it.</param>
/// <param name="Models">The models, in the order asked for.</param>
/// <param name="TieBreak">The tie-break policy behind accuracy.</param>
/// <param name="Seeds">The seeds every model was fitted with on every set.</param>
public sealed record SuiteResult(IReadOnlyList<(string Name, ComparisonResult Result)> Sets, IReadOnlyList<string> Models, TieBreak TieBreak, IReadOnlyList<int> Seeds)
{
    /// <summary>The metrics of the tables, in order.</summary>
    public IReadOnlyList<SuiteMetric> Metrics =>
    [
        new("expected accuracy", "expected_accuracy", true, r => r.ExpectedAccuracy),
        new($"accuracy (tie-break: {ComparisonResult.TieBreakName(TieBreak)})", "accuracy", true, r => r.Accuracy),
        new("macro-F1", "macro_f1", true, r => r.MacroF1),
        new("log-loss", "log_loss", false, r => r.LogLoss),
        new("calibration error", "calibration_error", false, r => r.CalibrationError),
    ];

    /// <summary>
    /// Each model's rank on each set under a metric (1 = best; tied means share the mean of their ranks), and the
    /// average rank over the sets.
    /// </summary>
    public (double[][] Ranks, double[] Average) Ranks(SuiteMetric metric)
    {
        Guard.NotNull(metric);
        var ranks = new double[Sets.Count][];
        for (var s = 0; s < Sets.Count; s++)
        {
            var values = Sets[s].Result.Rows.Select(metric.Value).ToArray();
            var refused = RefusedOn(Sets[s].Result);
            ranks[s] = new double[values.Length];
            for (var a = 0; a < values.Length; a++)
            {
                // A model that refused the set ranks below every model that fitted it (those that refused share the last ranks).
                double better = 0, equal = 0;
                for (var b = 0; b < values.Length; b++)
                {
                    if (refused[a])
                    {
                        if (refused[b]) equal++;
                        else better++;
                    }
                    else if (refused[b]) continue;
                    else if (values[b] == values[a]) equal++;
                    else if (metric.HigherIsBetter ? values[b] > values[a] : values[b] < values[a]) better++;
                }
                ranks[s][a] = better + (equal + 1) / 2;
            }
        }
        var average = Enumerable.Range(0, Models.Count).Select(x => Sets.Count == 0 ? 0 : ranks.Average(r => r[x])).ToArray();
        return (ranks, average);
    }

    /// <summary>One Markdown table per metric: a row per set (the winner in bold), then the average rank; names are escaped (<see cref="Printable.MarkdownCell"/>).</summary>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        foreach (var metric in Metrics)
        {
            var (_, average) = Ranks(metric);
            sb.Append(CultureInfo.InvariantCulture, $"#### {metric.Name} ({(metric.HigherIsBetter ? "higher" : "lower")} is better)").AppendLine().AppendLine();
            sb.Append("| set | ").AppendJoin(" | ", Models.Select(Printable.MarkdownCell)).AppendLine(" |");
            sb.Append("|---|").AppendJoin("|", Models.Select(_ => "---:")).AppendLine("|");
            foreach (var (name, result) in Sets)
                sb.Append("| ").Append(Printable.MarkdownCell(name)).Append(" | ").AppendJoin(" | ", Cells(metric, result).Select(c => c.Winner ? $"**{c.Text}**" : c.Text)).AppendLine(" |");
            sb.Append("| average rank | ").AppendJoin(" | ", average.Select(r => r.ToString("F2", CultureInfo.InvariantCulture))).AppendLine(" |").AppendLine();
        }
        foreach (var line in RefusalLines) sb.Append("- ").AppendLine(Printable.MarkdownCell(line));
        return sb.ToString();
    }

    /// <summary>
    /// The same tables as plain text, the winner marked with *. With several seeds each set's spreads stand on a "±" line
    /// under its means, as in <see cref="ComparisonResult.ToText"/>, so that a column is as wide as its model's name or a
    /// mean, not "0.8160 ± 0.0012": 90 characters for the seven default models on the four shared sets (inline spreads
    /// made it 143). Every line keeps to <see cref="TextWidth"/> columns: a model name longer than
    /// <see cref="HeaderWidth"/> stands over its column on several lines, broken after its ':' and ','s; models that do
    /// not fit one table go on to another of the same rows, each with the set column; set names longer than a third of
    /// the width are cut with an ellipsis, each still standing for its own set alone. Markdown, JSON and CSV keep every name whole.
    /// </summary>
    public string ToText()
    {
        // A set is named by its folder, whose name may hold a line break or an ESC: shown escaped, so each set keeps to its row.
        var shownNames = Sets.Select(s => Printable.OneLine(s.Name)).ToList();
        var setNames = Tables.Shorten(shownNames, shownNames, TextWidth / 3);
        var setWidth = setNames.Append("average rank").Max(n => n.Length);
        var heads = Models.Select(m => HeaderLines(m, TextWidth - setWidth - 3)).ToArray();
        // Each metric's cells, per model; every figure keeps one character after it for the winner's *, so that the decimal points line up.
        var cells = Metrics.Select(metric =>
        {
            var (_, average) = Ranks(metric);
            var columns = Models.Select(_ => new List<string>()).ToArray();
            foreach (var (_, result) in Sets)
            {
                var cellsOfSet = Cells(metric, result, spreads: false);
                for (var x = 0; x < Models.Count; x++) columns[x].Add(cellsOfSet[x].Text + (cellsOfSet[x].Winner ? "*" : " "));
                if (result.Rows.Any(r => r.Std is not null))
                    for (var x = 0; x < Models.Count; x++) columns[x].Add((result.Rows[x].Std is { } std ? Figure(metric.Value(std)) : NotFitted) + " ");
            }
            for (var x = 0; x < Models.Count; x++) columns[x].Add(average[x].ToString("F2", CultureInfo.InvariantCulture) + " ");
            return columns;
        }).ToArray();
        int Width(int metric, int x) => Math.Max(heads[x].Max(l => l.Length) + 1, cells[metric][x].Max(c => c.Length));
        // The models are split into tables by their widest column over the metrics, so that each metric's tables hold the same models.
        var groups = new List<List<int>>();
        var used = TextWidth;
        for (var x = 0; x < Models.Count; x++)
        {
            var width = Enumerable.Range(0, cells.Length).Max(m => Width(m, x));
            if (used + 2 + width > TextWidth)
            {
                groups.Add([]);
                used = setWidth;
            }
            groups[^1].Add(x);
            used += 2 + width;
        }
        var labels = new List<string>();
        foreach (var (name, result) in Sets.Select((s, i) => (setNames[i], s.Result)))
        {
            labels.Add(name);
            if (result.Rows.Any(r => r.Std is not null)) labels.Add("  ±");
        }
        labels.Add("average rank");

        var sb = new StringBuilder();
        for (var m = 0; m < Metrics.Count; m++)
        {
            var metric = Metrics[m];
            sb.AppendLine($"{metric.Name} ({(metric.HigherIsBetter ? "higher" : "lower")} is better; * = best on the set)");
            foreach (var group in groups)
            {
                void Line(string first, Func<int, string> cell)
                    => sb.AppendLine(string.Join("  ", group.Select(x => cell(x).PadLeft(Width(m, x))).Prepend(first.PadRight(setWidth))).TrimEnd());
                var depth = group.Max(x => heads[x].Length);
                for (var line = 0; line < depth; line++)
                    Line(line == depth - 1 ? "set" : "", x => line - (depth - heads[x].Length) is var at and >= 0 ? heads[x][at] + " " : "");
                for (var r = 0; r < labels.Count; r++) Line(labels[r], x => cells[m][x][r]);
                sb.AppendLine();
            }
        }
        if (Seeds.Count > 1) sb.AppendLine(ComparisonResult.SpreadFootnote(Seeds));
        foreach (var line in RefusalLines) sb.AppendLine(Printable.OneLine(line));
        return sb.ToString();
    }

    /// <summary>What a table shows for a model that refused a set.</summary>
    private const string NotFitted = "—";

    /// <summary>One line per model that refused a set, under the tables: <c>set 'b': flyingsquid not compared: …</c>.</summary>
    private IEnumerable<string> RefusalLines => Sets.SelectMany(s => s.Result.RefusalLines.Select(line => $"set '{s.Name}': {line}"));

    /// <summary>Per model of <see cref="Models"/>, whether it refused the set (its row there holds no figures).</summary>
    private bool[] RefusedOn(ComparisonResult result) => Models.Select(m => result.Refused.Any(r => r.Model == m)).ToArray();

    /// <summary>The width text tables keep to: a terminal's or a build log's.</summary>
    private const int TextWidth = 100;

    /// <summary>The longest model name that stands on one line over its column in the text tables.</summary>
    private const int HeaderWidth = 15;

    /// <summary>
    /// A model name as the lines of its column's header: whole when it is at most <see cref="HeaderWidth"/> long, else
    /// broken after its ':' and ','s (<c>snorkel:</c>, <c>epochs=500,</c>, <c>lr=0.01</c>), pieces joined while they fit
    /// the longest of them or <see cref="HeaderWidth"/>; a piece longer than <paramref name="room"/> is split at that width.
    /// </summary>
    private static string[] HeaderLines(string name, int room)
    {
        if (name.Length <= HeaderWidth) return [name];
        var pieces = new List<string>();
        var start = 0;
        for (var i = 0; i < name.Length; i++)
            if (name[i] is ':' or ',' || i == name.Length - 1)
            {
                for (var piece = name[start..(i + 1)]; piece.Length > 0; piece = piece[Math.Min(room, piece.Length)..])
                    pieces.Add(piece[..Math.Min(room, piece.Length)]);
                start = i + 1;
            }
        var width = Math.Max(HeaderWidth, pieces.Max(p => p.Length));
        var lines = new List<string>();
        foreach (var piece in pieces)
            if (lines.Count > 0 && lines[^1].Length + piece.Length <= width) lines[^1] += piece;
            else lines.Add(piece);
        return [.. lines];
    }

    /// <summary>
    /// JSON: <c>seeds</c>, <c>tie_break</c>, <c>models</c>, <c>sets</c> (each with <c>name</c> and its <c>rows</c>: the
    /// <see cref="ComparisonResult.Keys"/> with means, and <c>std</c> with the standard deviations when there are several
    /// seeds), <c>winners</c> (per metric key, per set, the best models) and <c>average_rank</c> (per metric key, per model).
    /// With <paramref name="timings"/>, the rows and their <c>std</c> also hold <see cref="ComparisonResult.TimingKeys"/>;
    /// without, two runs of the same suite and seeds write the same bytes.
    /// </summary>
    public string ToJson(bool indented = true, bool timings = false)
    {
        var winners = new JsonObject();
        var averageRanks = new JsonObject();
        foreach (var metric in Metrics)
        {
            var perSet = new JsonObject();
            foreach (var (name, result) in Sets)
                perSet[name] = new JsonArray(Cells(metric, result).Select((c, i) => (c, i)).Where(x => x.c.Winner).Select(x => (JsonNode)Models[x.i]!).ToArray());
            winners[metric.Key] = perSet;
            var (_, average) = Ranks(metric);
            var ranks = new JsonObject();
            for (var x = 0; x < Models.Count; x++) ranks[Models[x]] = average[x];
            averageRanks[metric.Key] = ranks;
        }
        var json = new JsonObject
        {
            ["seeds"] = new JsonArray(Seeds.Select(s => (JsonNode)s).ToArray()),
            ["tie_break"] = ComparisonResult.TieBreakName(TieBreak),
            ["models"] = new JsonArray(Models.Select(m => (JsonNode)m!).ToArray()),
            ["sets"] = new JsonArray(Sets.Select(s => (JsonNode)new JsonObject
            {
                ["name"] = s.Name,
                ["rows"] = new JsonArray(s.Result.Rows.Select(r => (JsonNode)(s.Result.Refused.FirstOrDefault(x => x.Model == r.Model) is { } refusal
                    ? new JsonObject { ["model"] = r.Model, ["refused"] = refusal.Reason }
                    : RowJson(r, timings))).ToArray()),
            }).ToArray()),
            ["winners"] = winners,
            ["average_rank"] = averageRanks,
        };
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = indented });
    }

    /// <summary>CSV with a header: one line per set, model and metric — <c>set,model,metric,mean,std,rank,winner</c> (std empty for one seed).</summary>
    public string ToCsv()
    {
        var sb = new StringBuilder("set,model,metric,mean,std,rank,winner\n");
        foreach (var metric in Metrics)
        {
            var (ranks, _) = Ranks(metric);
            for (var s = 0; s < Sets.Count; s++)
            {
                var (name, result) = Sets[s];
                var cells = Cells(metric, result);
                var refused = RefusedOn(result);
                for (var x = 0; x < Models.Count; x++)
                {
                    var row = result.Rows[x];
                    var std = row.Std is { } d ? metric.Value(d).ToString("R", CultureInfo.InvariantCulture) : "";
                    var mean = refused[x] ? "" : metric.Value(row).ToString("R", CultureInfo.InvariantCulture);
                    sb.Append(CultureInfo.InvariantCulture, $"{ComparisonResult.Csv(name)},{ComparisonResult.Csv(Models[x])},{metric.Key},{mean},{std},{ranks[s][x].ToString("R", CultureInfo.InvariantCulture)},{(cells[x].Winner ? "true" : "false")}\n");
                }
            }
        }
        return sb.ToString();
    }

    private static JsonObject RowJson(ComparisonRow r, bool timings)
    {
        var json = ComparisonResult.RowJson(r, timings);
        if (r.Std is { } std)
        {
            var spread = ComparisonResult.RowJson(std, timings);
            spread.Remove("model");
            json["std"] = spread;
        }
        return json;
    }

    /// <summary>The cells of one set under a metric: "mean" or "mean ± std", and whether the model is (one of) the best.</summary>
    private (string Text, bool Winner)[] Cells(SuiteMetric metric, ComparisonResult result, bool spreads = true)
    {
        var values = result.Rows.Select(metric.Value).ToArray();
        var refused = RefusedOn(result);
        var fitted = values.Where((_, i) => !refused[i]).ToArray();
        var best = metric.HigherIsBetter ? fitted.Max() : fitted.Min();
        return result.Rows.Select((r, i) =>
        {
            if (refused[i]) return (NotFitted, false);
            var text = Figure(values[i]);
            if (spreads && r.Std is { } std) text += " ± " + Figure(metric.Value(std));
            return (text, values[i] == best);
        }).ToArray();
    }

    private static string Figure(double value) => value.ToString("F4", CultureInfo.InvariantCulture);
}

/// <summary>
/// Compares label models on a suite of data sets: every sub-folder of a folder that holds a Wrench split
/// (<c>train.json</c> and <c>test.json</c>, with <c>label.json</c>; <c>valid.json</c> optional) is one set. On each set
/// every model is fitted on train and scored on test with every seed, exactly as <see cref="ModelComparison.Run"/>
/// does (the valid split is the dev split of the models that use one).
/// </summary>
public static class SuiteComparison
{
    /// <summary>
    /// The sets of a suite folder: (name, folder), in ordinal name order; an error when there are none, or when a
    /// sub-folder holds half a split (train.json without test.json, or the reverse), which would otherwise be left out
    /// of the tables unnoticed. Sub-folders with neither are not sets and are passed over.
    /// </summary>
    public static IReadOnlyList<(string Name, string Folder)> Discover(string folder)
    {
        Guard.NotNull(folder);
        if (!Directory.Exists(folder)) throw SnorkelerException.InFile(folder, "no such folder");
        var sets = new List<(string, string)>();
        foreach (var d in Directory.GetDirectories(folder))
        {
            foreach (var split in new[] { "train.json", "test.json", "valid.json" })
                if (Directory.Exists(Path.Combine(d, split)))
                    throw SnorkelerException.InFile(Path.Combine(d, split), "is a folder, not a Wrench split file (move it out of the suite's set, or out of the suite)");
            var (train, test) = (File.Exists(Path.Combine(d, "train.json")), File.Exists(Path.Combine(d, "test.json")));
            if (train && test) sets.Add((Path.GetFileName(d), d));
            else if (train || test)
                throw SnorkelerException.InFile(d, $"has {(train ? "train.json but no test.json" : "test.json but no train.json")}; a set of the suite needs both (move the folder out of the suite to leave it out)");
        }
        sets.Sort((a, b) => StringComparer.Ordinal.Compare(a.Item1, b.Item1));
        if (sets.Count == 0) throw SnorkelerException.InFile(folder, "holds no data set: expected sub-folders with train.json and test.json (Wrench format)");
        return sets;
    }

    /// <summary>
    /// Runs every model on every set of <paramref name="folder"/> with every seed. A set's valid.json without gold labels
    /// is no dev split: the set is compared without one, and <paramref name="warn"/> says so.
    /// </summary>
    public static SuiteResult Run(string folder, IReadOnlyList<string> models, IReadOnlyList<int> seeds, TieBreak tieBreak = TieBreak.Random,
        Action<string>? log = null, CancellationToken cancellation = default, Action<string>? warn = null)
    {
        Guard.NotNull(models);
        var sets = new List<(string, ComparisonResult)>();
        foreach (var (name, path) in Discover(folder))
        {
            cancellation.ThrowIfCancellationRequested();
            var trainPath = Path.Combine(path, "train.json");
            var testPath = Path.Combine(path, "test.json");
            var train = WrenchFile.ReadMatrix(trainPath);
            var test = WrenchFile.ReadMatrix(testPath);
            var validPath = Path.Combine(path, "valid.json");
            var dev = File.Exists(validPath) ? WrenchFile.ReadMatrix(validPath) : null;
            if (train.LfCount == 0) throw SnorkelerException.InFile(trainPath, LabelModel.NoLfs);
            if (!test.HasGold || test.GoldLabels.ToArray().All(g => g < 0))
                throw SnorkelerException.InFile(testPath, "has no gold labels to score against");
            if (dev is not null && (!dev.HasGold || dev.GoldLabels.ToArray().All(g => g < 0)))
            {
                warn?.Invoke($"{validPath}: no gold labels, so set '{name}' is compared without a dev split (the models that use one run without it)");
                dev = null;
            }
            log?.Invoke($"compare: {name}: {Text.Listing.Counted(train.RowCount, "train row")}, {Text.Listing.Counted(test.RowCount, "test row")}, {Text.Listing.Counted(train.LfCount, "source")}, {train.Schema.Cardinality} classes");
            ComparisonResult result;
            try
            {
                result = ModelComparison.Run(train.WithGold([]), test, dev, models, seeds, tieBreak,
                    log: log is null ? null : line => log($"{name}: {line}"), cancellation: cancellation, testName: testPath, devName: validPath, trainName: trainPath,
                    warn: warn is null ? null : line => warn($"set '{name}': {line}"));
            }
            catch (SnorkelerException e) when (e is not OptionException && !e.Message.StartsWith(path, StringComparison.Ordinal))
            {
                // A model that refuses one set (too many classes for snorkel's epochs, too few LFs for flyingsquid) is reported
                // under the tables and ranks last there; an error that stops the suite (every model refused the set, bad data)
                // names the set: a file of it (train.json, when the model knows it), or else the set, as the warnings do.
                throw new SnorkelerException($"set '{name}' ({path}): {e.Message}", e);
            }
            catch (OutOfMemoryException e)
            {
                throw new SnorkelerException($"set '{name}' ({path}): {SnorkelerException.RanOutOfMemory(e)}", e);
            }
            // A model that refused the set keeps its column there, without figures: a row of NaN that no table shows.
            var rows = models.Select(spec => result.Rows.FirstOrDefault(r => r.Model == spec)
                ?? new ComparisonRow(spec, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN)).ToArray();
            sets.Add((name, result with { Rows = rows }));
        }
        return new SuiteResult(sets, sets[0].Item2.Rows.Select(r => r.Model).ToArray(), tieBreak, seeds.ToArray());
    }
}
