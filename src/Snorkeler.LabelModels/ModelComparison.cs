using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Snorkeler.Analysis;
using Snorkeler.Text;

namespace Snorkeler.LabelModels;

/// <summary>One model's scores in a comparison: means over the seeds, and standard deviations when there were several.</summary>
/// <param name="Model">Model name (with its options when given).</param>
/// <param name="ExpectedAccuracy">Expected accuracy on the test split (ties share credit; no tie-break needed).</param>
/// <param name="Accuracy">Accuracy of hard labels under the comparison's tie-break policy.</param>
/// <param name="MacroF1">Unweighted mean of the classes' F1.</param>
/// <param name="LogLoss">Mean −ln p(gold), p clipped to [1e-15, 1].</param>
/// <param name="CalibrationError">
/// Expected calibration error: rows binned by their top probability into 10 equal-width bins, the row-weighted mean
/// over bins of |mean top probability − mean expected accuracy|.
/// </param>
/// <param name="FitSeconds">Wall-clock seconds to fit on the train split.</param>
/// <param name="PredictSeconds">Wall-clock seconds to predict the test split's probabilities.</param>
/// <param name="Std">Standard deviations (sample, n − 1) of the same figures over the seeds, or null for one seed.</param>
public sealed record ComparisonRow(string Model, double ExpectedAccuracy, double Accuracy, double MacroF1, double LogLoss, double CalibrationError,
    double FitSeconds, double PredictSeconds, ComparisonRow? Std = null);

/// <summary>A model that could not be fitted on a comparison's training matrix, and why.</summary>
/// <param name="Model">Model name (with its options when given).</param>
/// <param name="Reason">The model's own message, without the training matrix's name and its own.</param>
public sealed record ModelRefusal(string Model, string Reason);

/// <summary>The result of <see cref="ModelComparison.Run"/>: rows in the order the models were asked for.</summary>
/// <param name="Rows">One row per model.</param>
/// <param name="TieBreak">The tie-break policy behind <see cref="ComparisonRow.Accuracy"/>.</param>
/// <param name="Seeds">The seeds every model was fitted with.</param>
public sealed record ComparisonResult(IReadOnlyList<ComparisonRow> Rows, TieBreak TieBreak, IReadOnlyList<int> Seeds)
{
    /// <summary>
    /// The models that refused the training matrix (flyingsquid on fewer than three LFs, ebcc where fewer than three
    /// sources vote, ...), in the order asked for, each with its reason. A single comparison gives them no row; in a
    /// suite's per-set results (<see cref="SuiteResult"/>) each has a row of NaN figures, so that every set lists every model.
    /// </summary>
    public IReadOnlyList<ModelRefusal> Refused { get; init; } = [];

    /// <summary>One line per refused model, as the text and Markdown tables end: <c>ebcc not compared: only 'lf_0' votes …</c>.</summary>
    internal IEnumerable<string> RefusalLines => Refused.Select(r => $"{r.Model} not compared: {r.Reason}");

    /// <summary>The JSON keys of each row, in order: the scores, which the same inputs and seeds always reproduce.</summary>
    public static readonly IReadOnlyList<string> Keys = ["model", "expected_accuracy", "accuracy", "macro_f1", "log_loss", "calibration_error"];

    /// <summary>The keys that follow <see cref="Keys"/> when timings are asked for: wall-clock seconds, which differ from run to run.</summary>
    public static readonly IReadOnlyList<string> TimingKeys = ["fit_seconds", "predict_seconds"];

    /// <summary>
    /// A JSON array with one object per model holding exactly <see cref="Keys"/> (means over the seeds), and
    /// <see cref="TimingKeys"/> after them with <paramref name="timings"/>; without, two runs write the same bytes.
    /// </summary>
    public string ToJson(bool indented = true, bool timings = false)
    {
        var array = new JsonArray(Rows.Select(r => (JsonNode)RowJson(r, timings))
            .Concat(Refused.Select(r => (JsonNode)new JsonObject { ["model"] = r.Model, ["refused"] = r.Reason })).ToArray());
        return array.ToJsonString(new JsonSerializerOptions { WriteIndented = indented });
    }

    /// <summary>One row as a JSON object with exactly <see cref="Keys"/>, and <see cref="TimingKeys"/> with <paramref name="timings"/>.</summary>
    internal static JsonObject RowJson(ComparisonRow r, bool timings)
    {
        var json = new JsonObject
        {
            ["model"] = r.Model,
            ["expected_accuracy"] = r.ExpectedAccuracy,
            ["accuracy"] = r.Accuracy,
            ["macro_f1"] = r.MacroF1,
            ["log_loss"] = r.LogLoss,
            ["calibration_error"] = r.CalibrationError,
        };
        if (timings)
        {
            json["fit_seconds"] = r.FitSeconds;
            json["predict_seconds"] = r.PredictSeconds;
        }
        return json;
    }

    /// <summary>
    /// A Markdown table (the accuracy column names the tie-break; "±" gives the std over seeds); the fit and predict
    /// seconds only with <paramref name="timings"/>.
    /// </summary>
    public string ToMarkdown(bool timings = false)
    {
        var header = Header(timings);
        var sb = new StringBuilder();
        sb.Append("| ").AppendJoin(" | ", header).AppendLine(" |");
        sb.Append('|').AppendJoin("|", header.Select((_, i) => i == 0 ? "---" : "---:")).AppendLine("|");
        foreach (var cells in Cells(timings)) sb.Append("| ").AppendJoin(" | ", cells.Select((c, i) => i == 0 ? Printable.MarkdownCell(c) : c)).AppendLine(" |");
        if (Refused.Count > 0) sb.AppendLine();
        foreach (var line in RefusalLines) sb.Append("- ").AppendLine(Printable.MarkdownCell(line));
        return sb.ToString();
    }

    /// <summary>
    /// CSV with a header of <see cref="Keys"/> (means over the seeds), one line per model; <see cref="TimingKeys"/>
    /// after them with <paramref name="timings"/>.
    /// </summary>
    public string ToCsv(bool timings = false)
    {
        var sb = new StringBuilder(string.Join(",", timings ? Keys.Concat(TimingKeys) : Keys)).Append('\n');
        foreach (var r in Rows)
        {
            var model = Csv(r.Model);
            double[] values = timings
                ? [r.ExpectedAccuracy, r.Accuracy, r.MacroF1, r.LogLoss, r.CalibrationError, r.FitSeconds, r.PredictSeconds]
                : [r.ExpectedAccuracy, r.Accuracy, r.MacroF1, r.LogLoss, r.CalibrationError];
            sb.AppendJoin(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)).Prepend(model)).Append('\n');
        }
        // A refused model's line has no figures (its reason goes to stderr: the header has no column for it).
        foreach (var r in Refused) sb.Append(Csv(r.Model)).Append(',', (timings ? Keys.Count + TimingKeys.Count : Keys.Count) - 1).Append('\n');
        return sb.ToString();
    }

    /// <summary>
    /// A plain-text table with aligned columns, 89 characters wide with the timings for model names of up to 11 characters, so that it
    /// fits a 100-column terminal or build log: short headers, the tie-break in a footnote, and with several seeds the
    /// spreads on a line of their own under each model's means (inline, "0.8160 ± 0.0012" made it 126 wide). Longer
    /// model names (<c>flyingsquid:min-correlation=0.05,partners=4</c>) are cut with an ellipsis to keep it to 100
    /// columns, each still standing for its own model alone; Markdown, JSON and CSV keep them whole. The fit and predict
    /// seconds only with <paramref name="timings"/>.
    /// </summary>
    public string ToText(bool timings = false)
    {
        string[] header = timings
            ? ["model", "expected acc.", "accuracy*", "macro-F1", "log-loss", "calib. error", "fit s", "predict s"]
            : ["model", "expected acc.", "accuracy*", "macro-F1", "log-loss", "calib. error"];
        List<string[]> Lines(IReadOnlyList<string> names)
        {
            var lines = new List<string[]>();
            for (var x = 0; x < Rows.Count; x++)
            {
                lines.Add([names[x], .. Figures(Rows[x], timings)]);
                if (Rows[x].Std is { } std) lines.Add(["  ±", .. Figures(std, timings)]);
            }
            return lines;
        }
        var models = Rows.Select(r => r.Model).ToList();
        var rows = Lines(Tables.Shorten(models, models, Tables.RoomFor(header, Lines(models), 0, least: 12)));
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        var sb = new StringBuilder();
        void Line(IReadOnlyList<string> cells) => sb.AppendLine(string.Join("  ", cells.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).TrimEnd());
        Line(header);
        Line(widths.Select(w => new string('-', w)).ToArray());
        foreach (var r in rows) Line(r);
        sb.Append("* accuracy under --tie-break ").AppendLine(TieBreakName(TieBreak));
        if (Seeds.Count > 1) sb.AppendLine(SpreadFootnote(Seeds));
        foreach (var line in RefusalLines) sb.AppendLine(Printable.OneLine(line));
        return sb.ToString();
    }

    internal static string Csv(string text) => text.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : text;

    /// <summary>The footnote under text tables whose "±" lines hold the spreads over several seeds.</summary>
    internal static string SpreadFootnote(IReadOnlyList<int> seeds) =>
        string.Create(CultureInfo.InvariantCulture, $"± sample standard deviation over the {seeds.Count} seeds {seeds[0]}..{seeds[^1]}");

    private string[] Header(bool timings)
    {
        string[] scores = ["model", "expected accuracy", $"accuracy (tie-break: {TieBreakName(TieBreak)})", "macro-F1", "log-loss", "calibration error"];
        return timings ? [.. scores, "fit s", "predict s"] : scores;
    }

    /// <summary>A row's figures as the tables print them: four decimals, seconds (with <paramref name="timings"/>) three.</summary>
    private static string[] Figures(ComparisonRow r, bool timings)
    {
        static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
        string[] scores = [F(r.ExpectedAccuracy, "F4"), F(r.Accuracy, "F4"), F(r.MacroF1, "F4"), F(r.LogLoss, "F4"), F(r.CalibrationError, "F4")];
        return timings ? [.. scores, F(r.FitSeconds, "F3"), F(r.PredictSeconds, "F3")] : scores;
    }

    private IEnumerable<string[]> Cells(bool timings)
    {
        foreach (var r in Rows)
        {
            var means = Figures(r, timings);
            var spreads = r.Std is { } std ? Figures(std, timings) : null;
            yield return [r.Model, .. means.Select((m, i) => spreads is null ? m : $"{m} ± {spreads[i]}")];
        }
    }

    /// <summary>The command-line spelling of a tie-break policy.</summary>
    public static string TieBreakName(TieBreak tieBreak) => tieBreak switch
    {
        TieBreak.Abstain => "abstain",
        TieBreak.Random => "random",
        _ => "true-random",
    };
}

/// <summary>
/// Compares label models as the evaluation protocol says: each is fitted on the train split's label
/// matrix (gold labels unused) and scored on the test split. The labelled dev split, when given, goes
/// only to the models whose mode is to use it (<c>wmv</c> for accuracies, <c>auto</c> for selection),
/// unless <c>devForAll</c> is set (then every model also takes its class prior from it).
/// </summary>
public static class ModelComparison
{
    /// <summary>The models that use the dev split in a default comparison.</summary>
    public static readonly IReadOnlySet<string> DevModels = new HashSet<string>(StringComparer.Ordinal) { WeightedVoteTrainer.ModelName, AutoTrainer.ModelName };

    /// <summary>
    /// True when some row of <paramref name="matrix"/> has a gold label: a matrix may carry a gold column with none in it (a
    /// Wrench split whose rows have no "label"), and every score on it would be 0. Stops at the first block with one.
    /// </summary>
    public static bool HasGoldLabel(IMatrixSource matrix)
    {
        Guard.NotNull(matrix);
        if (!matrix.HasGold) return false;
        foreach (var block in matrix.ReadBlocks())
            foreach (var g in block.GoldLabels)
                if (g >= 0) return true;
        return false;
    }

    /// <summary>
    /// Fits and scores every model once per seed; rows hold means (and standard deviations when there are
    /// several seeds). A model is named alone (<c>snorkel</c>) or with options (<c>snorkel:epochs=500,lr=0.01</c>,
    /// shown so in its row); <paramref name="options"/> gives the options of models named alone (defaults when
    /// null or when it returns null). The comparison's own option <c>dev=none</c> (or <c>dev=use</c>) overrides whether
    /// a model gets the dev split (<c>auto:dev=none</c> is auto without a dev split, beside <c>auto</c> with it).
    /// <paramref name="testName"/>, <paramref name="devName"/> and <paramref name="trainName"/> are what errors call the
    /// splits (their files), else "the test split", "the dev split" and "the training matrix". A test split whose classes
    /// or LFs differ from the training matrix's is an error saying what differs, before any fit. A model's option that only
    /// a dev split gives a use (<see cref="ModelOptions.DevOnly"/>) where that model gets none is told to <paramref name="warn"/>, and so
    /// are the models' own warnings (each once per model).
    /// </summary>
    public static ComparisonResult Run(IMatrixSource train, IMatrixSource test, IMatrixSource? dev, IReadOnlyList<string> modelNames,
        IReadOnlyList<int> seeds, TieBreak tieBreak = TieBreak.Random, Func<string, ModelOptions?>? options = null,
        bool devForAll = false, Action<string>? log = null, CancellationToken cancellation = default, string? testName = null, string? devName = null,
        string? trainName = null, Action<string>? warn = null)
    {
        Guard.NotNull(train);
        Guard.NotNull(test);
        Guard.NotNull(modelNames);
        Guard.NotNull(seeds);
        if (modelNames.Count == 0) throw new OptionException("no models to compare");
        if (seeds.Count == 0) throw new SnorkelerException("no seeds to compare with");
        if (!test.HasGold || !HasGoldLabel(test)) throw new SnorkelerException(testName is null ? "the test split has no gold labels to score against" : $"{testName}: has no gold labels to score against");
        if (dev is { HasGold: false }) throw new SnorkelerException(devName is null ? "the dev split has no gold labels" : $"{devName}: has no gold labels");
        var training = trainName is null ? "the training matrix" : $"the training matrix {trainName}";
        if (LabelModel.Difference(train, test, training, "the test matrix") is { } difference)
            throw new SnorkelerException($"{testName ?? "the test split"}: {difference}");
        if (dev is not null && LabelModel.Difference(train, dev, training, "the dev split") is { } devDifference)
            throw new SnorkelerException($"{devName ?? "the dev split"}: {devDifference}");
        var specs = modelNames.Select(ParseSpec).ToArray(); // unknown names and bad options fail before any fit
        if (modelNames.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new OptionException($"--models names '{twice.Key}' twice; give each model once");
        bool GetsDev(LabelModelKind kind, bool? useDev) => dev is not null && (useDev ?? (devForAll || DevModels.Contains(kind.Name)));
        foreach (var (spec, kind, specOptions, useDev) in specs)
            if (specOptions is not null && !GetsDev(kind, useDev))
                foreach (var name in ModelOptions.DevOnly.Where(specOptions.ContainsKey))
                    warn?.Invoke(dev is null
                        ? $"model '{spec}': option {name} applies only with a labelled dev split (--dev) and was ignored"
                        : $"model '{spec}': option {name} applies only with a labelled dev split, which this model gets only with dev=use or --dev-prior; it was ignored");
        var rows = new List<ComparisonRow>();
        var refused = new List<ModelRefusal>();
        foreach (var (spec, kind, specOptions, useDev) in specs)
        {
            var runs = new List<ComparisonRow>();
            // A model's own warnings (an iteration cap reached, LFs it cannot read, a dev split without a class), once per model
            // however many seeds repeat them.
            var warned = new HashSet<string>(StringComparer.Ordinal);
            void ModelWarning(string message)
            {
                const string prefix = "warning: ";
                var text = message.StartsWith(prefix, StringComparison.Ordinal) ? message[prefix.Length..] : message;
                if (text.StartsWith(kind.Name + ": ", StringComparison.Ordinal)) text = text[(kind.Name.Length + 2)..];
                if (warned.Add(text)) warn!($"model '{spec}': {text}");
            }
            foreach (var seed in seeds)
            {
                cancellation.ThrowIfCancellationRequested();
                var trainer = kind.CreateTrainer(specOptions is null ? options?.Invoke(kind.Name) ?? ModelOptions.Defaults : new ModelOptions(specOptions));
                var context = new FitContext
                {
                    Seed = seed,
                    Dev = GetsDev(kind, useDev) ? dev : null,
                    DevName = devName,
                    TrainName = trainName,
                    Cancellation = cancellation,
                    Warn = warn is null ? null : ModelWarning,
                    ModelListName = kind.Name,
                };
                var clock = Stopwatch.StartNew();
                ILabelModel model;
                try
                {
                    model = trainer.Fit(train, context);
                }
                catch (ModelRefusalException e)
                {
                    // A model that cannot fit this matrix (flyingsquid on one LF, ebcc where one source votes) is reported as such
                    // and the others are compared; it refuses every seed alike. Any other failure (an option value that names no
                    // LF, a file found malformed as it is read block by block) stops the comparison with its own message.
                    refused.Add(new ModelRefusal(spec, Reason(e.Message, kind.Name, trainName)));
                    runs.Clear(); // refused at a later seed: refused, not compared on the seeds before
                    break;
                }
                var fitSeconds = clock.Elapsed.TotalSeconds;
                LabelModel.CheckCompatible(model, test, testName ?? "the test split");
                var (scores, calibration, predictSeconds) = ScoreTimed(model, test, tieBreak);
                runs.Add(new ComparisonRow(spec, scores.ExpectedAccuracy, scores.Accuracy, scores.MacroF1, scores.LogLoss, calibration, fitSeconds, predictSeconds));
                log?.Invoke($"compare: {spec} seed {seed}: expected accuracy {scores.ExpectedAccuracy:F4}, fit {fitSeconds:F3}s, predict {predictSeconds:F3}s");
            }
            if (runs.Count > 0) rows.Add(Summarise(spec, runs));
        }
        if (rows.Count == 0)
            throw new SnorkelerException($"{(trainName is null ? "" : trainName + ": ")}no model can fit this matrix: {string.Join("; ", refused.Select(r => r.Reason.StartsWith(r.Model + " ", StringComparison.Ordinal) ? r.Reason : $"{r.Model}: {r.Reason}"))}");
        return new ComparisonResult(rows, tieBreak, seeds.ToArray()) { Refused = refused };
    }

    /// <summary>A refusal's message without the training matrix's name and the model's, which the line naming the model gives.</summary>
    private static string Reason(string message, string model, string? trainName)
    {
        if (trainName is not null && message.StartsWith(trainName + ": ", StringComparison.Ordinal)) message = message[(trainName.Length + 2)..];
        return message.StartsWith(model + ": ", StringComparison.Ordinal) ? message[(model.Length + 2)..] : message;
    }

    /// <summary>
    /// Splits a comma-separated model list (<c>mv,snorkel:epochs=500,lr=0.01,auto</c>) into specs: a part
    /// <c>name=value</c> with no colon before its equals sign (the value may hold one, as in <c>deps=lf_a:lf_b</c>)
    /// continues the previous model's options.
    /// </summary>
    public static string[] ParseModelList(string list)
    {
        Guard.NotNull(list);
        var specs = new List<string>();
        foreach (var part in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (specs.Count > 0 && eq > 0 && !part.AsSpan(0, eq).Contains(':'))
                specs[^1] += "," + part;
            else specs.Add(part);
        }
        return specs.ToArray();
    }

    /// <summary>Parses <c>name</c> or <c>name:option=value,option=value</c> (<c>dev=none|use</c> is the comparison's own option).</summary>
    private static (string Spec, LabelModelKind Kind, Dictionary<string, string>? Options, bool? UseDev) ParseSpec(string spec)
    {
        var colon = spec.IndexOf(':', StringComparison.Ordinal);
        var kind = LabelModelCatalog.Get(colon < 0 ? spec : spec[..colon]);
        if (colon < 0) return (spec, kind, null, null);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in spec[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new OptionException($"model '{spec}': option '{part}' must be name=value");
            // 'snorkel:epochs=5,epochs=6' is refused, as 'fit --epochs 5 --epochs 6' is, rather than the last one kept.
            if (!values.TryAdd(part[..eq].TrimStart('-'), part[(eq + 1)..]))
                throw new OptionException($"model '{spec}': option '{part[..eq].TrimStart('-')}' is given twice; give it once");
        }
        bool? useDev = null;
        if (values.Remove("dev", out var devValue))
            useDev = devValue.ToLowerInvariant() switch // in any case, as the models' own option words are
            {
                "none" => false,
                "use" => true,
                _ => throw new OptionException($"model '{spec}': dev expects none or use, got '{devValue}'"),
            };
        var check = new ModelOptions(values);
        try { kind.CreateTrainer(check); }
        catch (OptionException e)
        {
            // The models name an option as fit takes it ('--restarts must be between 1 and 100', '--pool false pools none'); here
            // it is the list's ('ibcc:restarts', 'ibcc:pool=false').
            var message = values.Aggregate(e.Message, (text, option) => Regex.Replace(
                Regex.Replace(text, $"--{Regex.Escape(option.Key)} {Regex.Escape(option.Value)}(?![\\w-])", $"{kind.Name}:{option.Key}={option.Value}"),
                $"--{Regex.Escape(option.Key)}(?![\\w-])", $"{kind.Name}:{option.Key}"));
            throw new OptionException($"model '{spec}': {message}");
        }
        if (check.Unread.FirstOrDefault() is { } unknown) throw new OptionException($"model '{spec}': {kind.Name} has no option '{unknown}'");
        return (spec, kind, values.Count == 0 ? null : values, useDev);
    }

    private static (LabelScores Scores, double CalibrationError, double Seconds) ScoreTimed(ILabelModel model, IMatrixSource test, TieBreak tieBreak)
    {
        var k = model.Schema.Cardinality;
        var scores = new MetricsAccumulator(model.Schema, tieBreak);
        var calibration = new CalibrationBins();
        var clock = new Stopwatch();
        double[] buffer = [];
        foreach (var block in test.ReadBlocks())
        {
            var size = block.RowCount * k;
            if (buffer.Length < size) buffer = new double[size];
            clock.Start();
            model.PredictProbabilities(block, buffer.AsSpan(0, size));
            clock.Stop();
            scores.Add(buffer.AsSpan(0, size), block.GoldLabels, block.FirstRow);
            for (var i = 0; i < block.RowCount; i++) calibration.Add(buffer.AsSpan(i * k, k), block.Gold(i));
        }
        return (scores.Result(), calibration.Error, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Expected calibration error over 10 equal-width bins of the top probability (ties share credit, as expected accuracy).</summary>
    private sealed class CalibrationBins
    {
        private const int Bins = 10;
        private readonly double[] _confidence = new double[Bins];
        private readonly double[] _correct = new double[Bins];
        private readonly long[] _rows = new long[Bins];

        public void Add(ReadOnlySpan<double> probabilities, int gold)
        {
            if (gold < 0) return;
            var top = double.NegativeInfinity;
            foreach (var p in probabilities) top = Math.Max(top, p);
            var tied = 0;
            foreach (var p in probabilities) if (p == top) tied++;
            var bin = Math.Min(Bins - 1, (int)(top * Bins));
            _confidence[bin] += top;
            _correct[bin] += probabilities[gold] == top ? 1.0 / tied : 0;
            _rows[bin]++;
        }

        public double Error
        {
            get
            {
                var total = _rows.Sum();
                if (total == 0) return 0;
                var error = 0.0;
                for (var b = 0; b < Bins; b++)
                    if (_rows[b] > 0) error += Math.Abs(_confidence[b] - _correct[b]) / total;
                return error;
            }
        }
    }

    private static ComparisonRow Summarise(string model, List<ComparisonRow> runs)
    {
        double Mean(Func<ComparisonRow, double> f) => runs.Average(f);
        double Std(Func<ComparisonRow, double> f)
        {
            // Seeds that all score the same have no spread: the mean's rounding would leave one of about 1e-16.
            var first = f(runs[0]);
            if (runs.All(r => f(r) == first)) return 0;
            var mean = runs.Average(f);
            return Math.Sqrt(runs.Sum(r => (f(r) - mean) * (f(r) - mean)) / (runs.Count - 1));
        }
        var means = new ComparisonRow(model, Mean(r => r.ExpectedAccuracy), Mean(r => r.Accuracy), Mean(r => r.MacroF1), Mean(r => r.LogLoss),
            Mean(r => r.CalibrationError), Mean(r => r.FitSeconds), Mean(r => r.PredictSeconds));
        if (runs.Count < 2) return means;
        return means with
        {
            Std = new ComparisonRow(model, Std(r => r.ExpectedAccuracy), Std(r => r.Accuracy), Std(r => r.MacroF1), Std(r => r.LogLoss),
                Std(r => r.CalibrationError), Std(r => r.FitSeconds), Std(r => r.PredictSeconds)),
        };
    }
}
