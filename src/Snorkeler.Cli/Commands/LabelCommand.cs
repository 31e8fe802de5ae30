using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Snorkeler.Analysis;
using Snorkeler.Applying;
using Snorkeler.Data;
using Snorkeler.IO;
using Snorkeler.LabelModels;

namespace Snorkeler.Cli.Commands;

/// <summary><c>snorkeler label</c>: apply, fit and predict in one run, with a provenance manifest.</summary>
internal sealed class LabelCommand : ICommand
{
    private static readonly string[] IdNames = ["id", "_id", "uuid", "key"];

    public string Name => "label";

    public string Summary => "apply LFs, fit a label model and write probabilistic labels, in one run";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("--lfs", "PATH", "LF files (.rules, .csx) or folders of them", Many: true, Required: true, Role: PathRole.Input),
        new("--data", "FILE", "the unlabelled data (.csv, .tsv, .jsonl, .parquet, Wrench .json)", Many: true, Required: true, Role: PathRole.Input),
        new("--out", "LABELS", "the labels to write: .csv, .jsonl or .parquet", Required: true, Role: PathRole.Output, Beside: FileRoles.Manifest),
        new("--model", "NAME", "label model (default: auto)"),
        new("--dev", "FILE", "labelled data for the class prior and model selection (needs --gold-column unless Wrench .json)", Role: PathRole.Input),
        new("--gold-column", "NAME", "the column of --dev holding gold labels (class names or numbers)"),
        new("--id-column", "NAME", "the input column copied into the labels (default: a column named id or ending in _id, if any)"),
        new("--drop-uncovered", null, "leave out rows on which every LF abstained"),
        new("--matrix-out", "MATRIX", "also write the label matrix (.snkm, .csv, .npy)", Role: PathRole.Output, Beside: m => FileRoles.Sidecar(m).Concat(FileRoles.Manifest(m))),
        new("--report", "REPORT.html", "also write a self-contained HTML report: LF summary, accuracies, confidences, class balance", Role: PathRole.Output),
        new("--tie-break", "abstain|random|true-random", "hard label when classes tie (default abstain)"),
        new("--seed", "N", "random seed (default 0)"),
        new("--prior", "P0,P1,...", "the class prior"),
        new("--threads", "N", "worker threads for applying LFs"),
        new("--fault-tolerant", null, "an LF that throws abstains on that row; failures are counted"),
        Inputs.LfTimeoutOption,
        new("--incremental", null, "reuse each unchanged LF's column from the cache (as 'apply --incremental')"),
        Inputs.ColumnOption,
        Inputs.CacheDirOption,
        .. FitCommand.ModelOptionSpecs,
    ];

    public int Run(Args args, Terminal terminal, CancellationToken cancellation)
    {
        var total = Stopwatch.StartNew();
        var dataPaths = args.Values("--data");
        var outPath = args.Required("--out");
        LabelsWriter.CheckExtension(outPath);
        var seed = args.Int("--seed") ?? 0;
        var tieBreak = args.Choice("--tie-break", TieBreak.Abstain);
        var modelName = args.Value("--model") ?? DefaultModel;
        var kind = LabelModelCatalog.Get(modelName);
        var modelOptions = FitCommand.ModelOptionsFrom(args);
        var trainer = kind.CreateTrainer(modelOptions);

        var data = Inputs.OpenData(dataPaths, args);
        var set = Inputs.LoadLfs(args.Values("--lfs"), args, data.Schema, Inputs.SchemaOf(dataPaths), terminal);
        var lfs = set.Functions;
        var schema = set.Schema!;
        var names = lfs.Select(l => l.Name).ToArray();
        var idColumn = IdColumn(args, data.Schema);

        // 1. Apply, streaming the matrix to a temporary file (.OUT.matrix.snkm.PID.GUID.tmp: never committed, and
        // cleaned by the next run writing OUT if this process is killed).
        var matrixOut = args.Value("--matrix-out");
        var intermediatePath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(outPath)) ?? ".", $"{Path.GetFileName(outPath)}.matrix.snkm");
        var applyOptions = new ApplyOptions
        {
            Threads = args.Int("--threads", 1, 1024) ?? Environment.ProcessorCount,
            FaultTolerant = args.Flag("--fault-tolerant"),
            Progress = terminal.Progress("applying"),
            Cancellation = cancellation,
            LfTimeBudget = Inputs.LfTimeBudget(args),
        };
        // Every output (labels, manifest, report, matrix, its sidecar and manifest) is committed at the end, as one unit.
        var outputs = new List<PendingFile>();
        try
        {
            using var intermediate = MatrixWriter.Create(intermediatePath, schema, names);
            var applied = ApplyCommand.Apply(args, terminal, dataPaths, data, lfs, schema, intermediate.Write, applyOptions);
            if (applied.Rows == 0) throw new SnorkelerException($"{data.Name}: the data has no rows to label");
            outputs.AddRange(intermediate.Prepare()); // the scratch matrix: disposed (deleted) in the end, never committed
            terminal.Info($"applied {lfs.Count} LFs to {applied.Rows:N0} rows in {applied.Elapsed.TotalSeconds:0.00} s");
            ApplyCommand.ReportFailures(terminal, lfs, applied);
            var matrix = MatrixFile.Open(intermediate.ContentPath, MatrixFormat.Binary);

            // 2. The labelled dev split, if any, through the same LFs.
            LabelMatrix? dev = null;
            if (args.Value("--dev") is { } devPath) dev = DevMatrix(devPath, args, lfs, schema, applyOptions with { Progress = null });

            // 3. Fit.
            var context = new FitContext
            {
                Seed = seed,
                Dev = dev,
                Prior = Inputs.Prior(args),
                Log = terminal.Verbose ? terminal.Error.WriteLine : null,
                Cancellation = cancellation,
            };
            FitCommand.WarnUnread(modelOptions, kind.Name, terminal);
            var fitClock = Stopwatch.StartNew();
            var model = trainer.Fit(matrix, context);
            var fitSeconds = fitClock.Elapsed.TotalSeconds;

            // 4. Predict, pairing each row with its id.
            var predictClock = Stopwatch.StartNew();
            var diagnostics = args.Has("--report") ? new ModelDiagnostics(schema, names.Length) : null;
            long written = 0, uncovered = 0;
            var confidence = new long[10];
            var classCounts = new long[schema.Cardinality];
            using (var ids = idColumn is null ? null : Ids(data, idColumn).GetEnumerator())
            using (var writer = LabelsWriter.Create(outPath, schema, idColumn is null ? null : data.Schema.Names[idColumn.Value]))
            {
                var k = schema.Cardinality;
                var keptIds = new List<string?>();
                var keptProbabilities = new List<double>();
                var keptLabels = new List<int>();
                PredictCommand.Predict(model, matrix, tieBreak, seed, (block, probabilities, labels) =>
                {
                    cancellation.ThrowIfCancellationRequested();
                    diagnostics?.Add(block, probabilities);
                    keptIds.Clear();
                    keptProbabilities.Clear();
                    keptLabels.Clear();
                    for (var i = 0; i < block.RowCount; i++)
                    {
                        string? id = null;
                        if (ids is not null)
                        {
                            if (!ids.MoveNext()) throw new SnorkelerException($"{data.Name}: fewer rows on the second read than the first (did the file change during the run?)");
                            id = ids.Current;
                        }
                        var covered = false;
                        for (var j = 0; j < block.LfCount && !covered; j++) covered = block[i, j] != LabelSchema.Abstain;
                        if (!covered)
                        {
                            uncovered++;
                            if (args.Flag("--drop-uncovered")) continue;
                        }
                        var p = probabilities.Slice(i * k, k);
                        var top = 0.0;
                        foreach (var v in p) top = Math.Max(top, v);
                        confidence[Math.Min(9, (int)(top * 10))]++;
                        if (labels[i] >= 0) classCounts[labels[i]]++;
                        keptIds.Add(id);
                        foreach (var v in p) keptProbabilities.Add(v);
                        keptLabels.Add(labels[i]);
                    }
                    writer.Write(ids is null ? null : keptIds, keptProbabilities.ToArray(), keptLabels.ToArray());
                });
                outputs.AddRange(writer.Prepare());
                written = writer.Rows;
            }
            var labelsContent = outputs[^1].TemporaryPath;
            var predictSeconds = predictClock.Elapsed.TotalSeconds;
            if (args.Value("--report") is { } report)
                outputs.Add(AnalyzeCommand.PrepareReport(report, string.Join(", ", dataPaths.Select(Path.GetFileName)), matrix, LfSummary.Of(matrix), diagnostics, model.Name));
            var inputs = dataPaths.Select(p => Manifest.FileEntry(p)).ToArray();
            JsonObject? matrixEntry = null;
            if (matrixOut is not null)
            {
                using var copy = MatrixWriter.Create(matrixOut, schema, names);
                foreach (var block in matrix.ReadBlocks()) copy.Write(block);
                var files = copy.Prepare();
                outputs.AddRange(files);
                matrixEntry = Manifest.FileEntry(matrixOut, applied.Rows, copy.ContentPath);
                outputs.Add(Manifest.Prepare(matrixOut, MatrixManifest(inputs, lfs, matrixEntry)));
            }

            // 5. Provenance.
            var manifest = Manifest.Start("label", Environment.GetCommandLineArgs().Skip(1).ToArray());
            manifest["inputs"] = new JsonArray(inputs.Select(i => (JsonNode)i.DeepClone()).ToArray());
            manifest["rows"] = applied.Rows;
            manifest["classes"] = new JsonArray(schema.ClassNames.Select(c => (JsonNode)c!).ToArray());
            manifest["lfs"] = Manifest.Lfs(lfs);
            manifest["apply"] = new JsonObject
            {
                ["threads"] = applyOptions.Threads,
                ["fault_tolerant"] = applyOptions.FaultTolerant,
                ["failures"] = new JsonObject(lfs.Select((lf, j) => new KeyValuePair<string, JsonNode?>(lf.Name, applied.Failures[j]))),
                ["uncovered_rows"] = uncovered,
            };
            manifest["label_model"] = new JsonObject
            {
                ["name"] = model.Name,
                ["requested"] = kind.Name,
                ["options"] = new JsonObject(modelOptions.Given.Select(p => new KeyValuePair<string, JsonNode?>(p.Key, p.Value))),
                ["seed"] = seed,
                ["class_prior"] = new JsonArray(model.ClassPrior.Select(p => (JsonNode)p!).ToArray()),
                ["dev"] = args.Value("--dev") is { } d ? Manifest.FileEntry(d, dev?.RowCount) : null,
                ["parameters"] = model.SaveParameters(),
            };
            manifest["outputs"] = new JsonArray(
                new[] { (JsonNode)Manifest.FileEntry(outPath, written, labelsContent) }
                    .Concat(matrixEntry is null ? [] : [matrixEntry.DeepClone()]).ToArray());
            manifest["tie_break"] = Args.Kebab(tieBreak.ToString());
            manifest["dropped_uncovered"] = args.Flag("--drop-uncovered");
            manifest["label_counts"] = new JsonObject(schema.ClassNames.Select((c, i) => new KeyValuePair<string, JsonNode?>(c, classCounts[i])));
            manifest["confidence_histogram"] = new JsonArray(confidence.Select(c => (JsonNode)c).ToArray());
            manifest["timings_seconds"] = new JsonObject
            {
                ["apply"] = Round(applied.Elapsed.TotalSeconds),
                ["fit"] = Round(fitSeconds),
                ["predict"] = Round(predictSeconds),
                ["total"] = Round(total.Elapsed.TotalSeconds),
            };
            outputs.Add(Manifest.Prepare(outPath, manifest));
            AtomicFile.Commit(outputs.Skip(1).ToArray());
            if (args.Value("--report") is { } written2) terminal.Info($"wrote {written2}");
            terminal.Info($"fitted '{model.Name}' in {fitSeconds:0.000} s; wrote {written:N0} labels to {outPath} ({uncovered:N0} rows uncovered{(args.Flag("--drop-uncovered") ? ", dropped" : "")}) and {Manifest.PathFor(outPath)}");
            return ExitCode.Ok;
        }
        finally
        {
            foreach (var output in outputs) output.Dispose();
        }
    }

    /// <summary>The model used when --model is not given.</summary>
    internal static string DefaultModel => LabelModelCatalog.All.Any(k => k.Name == "auto") ? "auto" : "mv";

    private static JsonObject MatrixManifest(IReadOnlyList<JsonObject> inputs, IReadOnlyList<LabelingFunction> lfs, JsonObject matrixEntry)
    {
        var manifest = Manifest.Start("label", Environment.GetCommandLineArgs().Skip(1).ToArray());
        manifest["inputs"] = new JsonArray(inputs.Select(i => (JsonNode)i.DeepClone()).ToArray());
        manifest["lfs"] = Manifest.Lfs(lfs);
        manifest["outputs"] = new JsonArray(matrixEntry.DeepClone());
        return manifest;
    }

    private static double Round(double seconds) => Math.Round(seconds, 4);

    private static int? IdColumn(Args args, DataSchema schema)
    {
        if (args.Value("--id-column") is { } name) return schema.RequireIndex(name);
        for (var i = 0; i < schema.Count; i++)
        {
            var n = schema.Names[i];
            if (IdNames.Contains(n, StringComparer.OrdinalIgnoreCase) || n.EndsWith("_id", StringComparison.OrdinalIgnoreCase)) return i;
        }
        return null;
    }

    private static IEnumerable<string?> Ids(IDataSource data, int? column)
    {
        foreach (var batch in data.ReadBatches(IMatrixSource.DefaultBlockRows))
            for (var i = 0; i < batch.Count; i++)
                yield return batch.IsMissing(i, column!.Value) ? null : batch.Text(i, column.Value).ToString();
    }

    private static LabelMatrix DevMatrix(string path, Args args, IReadOnlyList<LabelingFunction> lfs, LabelSchema schema, ApplyOptions options)
    {
        var source = Inputs.OpenData([path], args);
        var matrix = Applier.ApplyToMatrix(source, lfs, schema, options);
        if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && args.Value("--gold-column") is null)
        {
            var gold = WrenchFile.ReadMatrix(path);
            if (!gold.Schema.Equals(schema)) throw SnorkelerException.InFile(path, $"its classes {gold.Schema} differ from the LFs' {schema}");
            return matrix.WithGold(gold.GoldLabels);
        }
        var columnName = args.Value("--gold-column") ?? throw new UsageException("--dev needs --gold-column NAME naming the column with the gold labels");
        var column = source.Schema.RequireIndex(columnName, path);
        var labels = new List<int>();
        foreach (var batch in source.ReadBatches(IMatrixSource.DefaultBlockRows))
            for (var i = 0; i < batch.Count; i++)
            {
                if (batch.IsMissing(i, column)) { labels.Add(LabelSchema.Abstain); continue; }
                var text = batch.Text(i, column).Trim().ToString();
                var label = schema.LabelOf(text) ?? (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) && schema.IsValidVote(v) ? v : (int?)null);
                if (label is null)
                    throw SnorkelerException.InFile(path, $"column '{columnName}': '{text}' is not a class ({schema}) or class number", batch.LineOf(i));
                labels.Add(label.Value);
            }
        return matrix.WithGold(labels.ToArray());
    }
}
