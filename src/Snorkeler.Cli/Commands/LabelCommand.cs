using System.Diagnostics;
using System.Text.Json.Nodes;
using Snorkeler.Analysis;
using Snorkeler.Applying;
using Snorkeler.IO;
using Snorkeler.LabelModels;

namespace Snorkeler.Cli.Commands;

/// <summary><c>snorkeler label</c>: apply, fit and predict in one run, with a provenance manifest.</summary>
internal sealed class LabelCommand : ICommand
{
    public string Name => "label";

    public string Summary => "apply LFs, fit a label model and write probabilistic labels, in one run";

    public IReadOnlyList<OptionSpec> Options => field ??=
    [
        new("--lfs", "PATH", "LF files (.rules, .csx) or folders of them", Many: true, Required: true, Role: PathRole.Input),
        new("--data", "FILE", "the unlabelled data (.csv, .tsv, .jsonl, .parquet, Wrench .json)", Many: true, Required: true, Role: PathRole.Input) { DataFiles = true },
        new("--out", "LABELS", "the labels to write: .csv, .jsonl or .parquet", Required: true, Role: PathRole.Output, Beside: FileRoles.Manifest)
        {
            Formats = LabelsWriter.Extensions,
            LeadsUnit = _ => true, // with its manifest, the report and --matrix-out's files
        },
        new("--model", "NAME", "label model (default: auto)"),
        Gold.DevOption("the class prior and model selection"),
        Gold.ColumnOption,
        JoinColumns.IdOption,
        JoinColumns.KeepOption,
        new("--drop-uncovered", null, "leave out rows on which every LF abstained"),
        new("--matrix-out", "MATRIX", "also write the label matrix (.snkm, .csv, .npy)", Role: PathRole.Output, Beside: m => FileRoles.Sidecar(m).Concat(FileRoles.Manifest(m))) { Formats = MatrixWriter.Extensions },
        new("--report", "REPORT.html", "also write a self-contained HTML report: LF summary, accuracies, the model auto chose, warnings, example rows, confidences, class balance", Role: PathRole.Output),
        new("--tie-break", "abstain|random|true-random", "hard label when classes tie (default abstain)"),
        new("--seed", "N", "random seed (default 0)"),
        new("--prior", "P0,P1,...", "the class prior"),
        new("--threads", "N", "worker threads for applying LFs"),
        new("--fault-tolerant", null, "an LF that throws abstains on that row; failures are counted"),
        Inputs.LfTimeoutOption,
        new("--incremental", null, "reuse each unchanged LF's column from the cache (as 'apply --incremental')"),
        Inputs.ColumnOption,
        Inputs.DelimiterOption,
        Inputs.CacheDirOption,
        .. FitCommand.ModelOptionSpecs,
    ];

    public string? Elsewhere(string option) => option == "--matrix"
        ? "label applies LFs to --data; to label a matrix or people's answers (task,worker,label), run 'snorkeler fit --matrix MATRIX --model auto --out MODEL.json', then 'snorkeler predict --model MODEL.json --matrix MATRIX --out LABELS.csv'"
        : null;

    public int Run(Args args, Terminal terminal, CancellationToken cancellation)
    {
        var total = Stopwatch.StartNew();
        var dataPaths = args.Values("--data");
        var outPath = args.Required("--out");
        LabelsWriter.CheckExtension(outPath);
        if (args.Value("--matrix-out") is { } matrixPath) MatrixWriter.CheckExtension(matrixPath);
        if (args.Value("--report") is { } reportPath) HtmlReport.CheckExtension(reportPath);
        var seed = args.Int("--seed") ?? 0;
        var tieBreak = args.Choice("--tie-break", TieBreak.Abstain);
        var modelName = args.Value("--model") ?? DefaultModel;
        var kind = LabelModelCatalog.Get(modelName);
        var modelOptions = FitCommand.ModelOptionsFrom(args);
        var trainer = kind.CreateTrainer(modelOptions);
        // A dev data file without its gold column is a usage error before the data is opened and the LFs are loaded.
        Gold.CheckDevGoldColumn(args);

        var data = Inputs.OpenData(dataPaths, args);
        var set = Inputs.LoadLfs(args.Values("--lfs"), args, data, Inputs.SchemaOf(dataPaths), terminal);
        var lfs = set.Functions;
        var schema = set.Schema!;
        var names = lfs.Select(l => l.Name).ToArray();
        var join = JoinColumns.From(args, data);
        // What the fit would refuse, refused before the LFs are applied: a prior of another class count.
        _ = Inputs.Prior(args, schema);
        // Without --dev, --gold-column names the data's own gold labels (accuracies, SNK0705): a column the data lacks is an
        // error, as in apply, not a name passed over in silence (with --dev, it may be the dev file's alone).
        if (args.Value("--gold-column") is { } gold && !args.Has("--dev")) new Data.GoldColumn(gold, schema).IndexIn(data);

        // 1. Apply, streaming the matrix to a temporary file (.OUT.matrix.snkm.PID.GUID.tmp: never committed, and
        // cleaned by the next run writing OUT if this process is killed).
        var matrixOut = args.Value("--matrix-out");
        var intermediatePath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(outPath)) ?? ".", $"{Path.GetFileName(outPath)}.matrix.snkm");
        var applyOptions = Inputs.ApplyOptions(args, terminal, cancellation);
        // Every output (labels, manifest, report, matrix with its companions and manifest) is committed at the end, as one unit.
        var outputs = new List<PendingFile>();
        try
        {
            ApplyResult applied;
            // The training data's own gold labels, when it has the gold column, travel with the matrix (--matrix-out, the report).
            var goldColumn = args.Value("--gold-column");
            using var trainGold = goldColumn is not null && data.Schema.IndexOf(goldColumn) >= 0 ? LabelledData.Gold(dataPaths, data, schema, goldColumn, terminal.Warning) : null;
            var matrixGold = trainGold is null ? null : goldColumn;
            var counts = new LfWarnings.Counts(schema, names);
            using (var writer = MatrixWriter.Create(intermediatePath, schema, names, matrixGold))
            {
                applied = ApplyCommand.Apply(args, terminal, dataPaths, data, lfs, schema, block =>
                {
                    block = trainGold?.Attach(block) ?? block;
                    writer.Write(block);
                    counts.Add(block);
                }, applyOptions with { ReuseBlocks = true }); // the sink writes and counts each block and keeps none
                if (applied.Rows == 0) throw new SnorkelerException($"{data.Name}: the data has no rows to label");
                outputs.AddRange(writer.Prepare()); // the scratch matrix: deleted in the end, never committed
            }
            var shape = terminal.Quiet ? null : Inputs.Shape(dataPaths, args);
            terminal.Info($"applied {Text.Listing.Counted(lfs.Count, "LF")} to {Text.Listing.Counted(applied.Rows, "row")}{(shape is null ? "" : $" ({shape})")} in {applied.Elapsed.TotalSeconds:0.00} s{(trainGold is null ? "" : $", {Gold.Describe(trainGold)}")}");
            ApplyCommand.ReportFailures(terminal, lfs, applied);
            var matrix = MatrixFile.OpenBinary(outputs[0].TemporaryPath);

            // 2. The labelled dev set, if any: a matrix with gold labels, or data labelled by the same LFs.
            var dev = Gold.OpenDev(args, terminal, (_, _) => (lfs, schema), applyOptions with { Progress = null });
            var warnings = ApplyCommand.Warnings(counts, lfs, data, goldColumn, dataHasGold: trainGold is not null, args, cancellation).ToList();
            // What needs gold (accuracy, LFs firing together within a class): the training data's gold labels when it has them,
            // else the dev set's (whose wrong rows 'rows' shows when the dev set is a data file).
            if (trainGold is null && dev is not null)
            {
                var devPath = args.Value("--dev")!;
                // A dev matrix carries its gold labels; rows reads it beside the data it was made from, which FILE stands for.
                var devRows = MatrixFile.IsMatrix(devPath) ? ApplyCommand.RowsCommand(args, data: "FILE", matrix: [devPath])
                    : ApplyCommand.RowsCommand(args, gold: goldColumn is not null, data: devPath);
                warnings.AddRange(LfWarnings.Check(dev, lfs, rowsCommand: devRows, cancellation: cancellation)
                    .Where(w => w.Code is LfWarnings.Codes.BelowChance or LfWarnings.Codes.FireTogether));
            }
            terminal.Diagnostics(warnings);

            // 3. Fit.
            var context = new FitContext
            {
                Seed = seed,
                Dev = dev,
                DevName = args.Value("--dev"),
                Prior = Inputs.Prior(args),
                Log = terminal.Verbose ? terminal.Error.WriteLine : null,
                Warn = terminal.Error.WriteLine,
                Cancellation = cancellation,
            };
            FitCommand.WarnUnread(modelOptions, kind.Name, terminal, dev is not null);
            var fitClock = Stopwatch.StartNew();
            var model = trainer.Fit(matrix, context);
            var fitSeconds = fitClock.Elapsed.TotalSeconds;

            // 4. Predict, pairing each row with its id.
            var predictClock = Stopwatch.StartNew();
            var diagnostics = args.Has("--report") ? new ModelDiagnostics(schema, names.Length) : null;
            long written = 0, uncovered = 0;
            var confidence = new long[10];
            var classCounts = new long[schema.Cardinality];
            using (var carried = join.Read(data).GetEnumerator())
            using (var writer = LabelsWriter.Create(outPath, schema, join.Layout))
            {
                var k = schema.Cardinality;
                var kept = new JoinColumns.Block(join.Names.Count);
                PredictCommand.Predict(model, matrix, tieBreak, seed, (block, probabilities, labels) =>
                {
                    cancellation.ThrowIfCancellationRequested();
                    diagnostics?.Add(block, probabilities);
                    for (var i = 0; i < block.RowCount; i++)
                    {
                        string?[]? values = null;
                        if (join.Names.Count > 0)
                        {
                            if (!carried.MoveNext()) throw new SnorkelerException($"{data.Name}: fewer rows on the second read than the first (did the file change during the run?)");
                            values = carried.Current;
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
                        kept.Add(block.FirstRow + i + 1, values, p, labels[i]);
                    }
                    kept.WriteTo(writer);
                });
                outputs.AddRange(writer.Prepare());
                written = writer.Rows;
            }
            var labelsContent = outputs[^1].TemporaryPath;
            var predictSeconds = predictClock.Elapsed.TotalSeconds;
            JsonObject? reportEntry = null;
            if (args.Value("--report") is { } report)
            {
                var details = ReportDetails.Examples(matrix, data, lfs, RowRecords.DefaultFields(data.Schema, lfs, goldColumn), seed: seed, cancellation: cancellation) with
                {
                    Selection = ModelChoice.Of(model),
                    Dev = dev is null ? null : LfSummary.Of(dev),
                    Warnings = warnings,
                };
                var reportFile = AnalyzeCommand.PrepareReport(report, string.Join(", ", dataPaths.Select(Path.GetFileName)), matrix, LfSummary.Of(matrix), diagnostics,
                    ModelChoice.NameOf(model), details: details);
                outputs.Add(reportFile);
                reportEntry = Manifest.FileEntry(report, content: reportFile.TemporaryPath);
            }
            var inputs = dataPaths.Select(p => Manifest.FileEntry(p)).ToArray();
            // Every file written is listed with its hash: the matrix's sidecar and NumPy gold labels, and the report, too.
            var matrixEntries = new List<JsonObject>();
            if (matrixOut is not null)
            {
                using var copy = MatrixWriter.Create(matrixOut, schema, names, matrixGold);
                foreach (var block in matrix.ReadBlocks()) copy.Write(block);
                var matrixFiles = copy.Prepare();
                outputs.AddRange(matrixFiles);
                matrixEntries.Add(Manifest.FileEntry(matrixOut, applied.Rows, copy.ContentPath));
                foreach (var companion in matrixFiles.Skip(1))
                {
                    var name = Path.GetFileName(companion.Destination);
                    var given = MatrixFile.FilesWrittenWith(matrixOut).FirstOrDefault(p => Path.GetFileName(p) == name) ?? companion.Destination;
                    matrixEntries.Add(Manifest.FileEntry(given, content: companion.TemporaryPath));
                }
                outputs.Add(Manifest.Prepare(matrixOut, MatrixManifest(inputs, lfs, matrixEntries)));
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
            var selection = ModelChoice.Of(model);
            manifest["label_model"] = new JsonObject
            {
                ["name"] = ModelChoice.NameOf(model),
                ["requested"] = kind.Name,
                ["selection"] = selection is null ? null : ModelChoice.ToJson(selection),
                ["options"] = new JsonObject(modelOptions.Given.Select(p => new KeyValuePair<string, JsonNode?>(p.Key, p.Value))),
                ["seed"] = seed,
                ["class_prior"] = new JsonArray(model.ClassPrior.Select(p => (JsonNode)p!).ToArray()),
                ["dev"] = args.Value("--dev") is { } d ? Manifest.FileEntry(d, dev?.RowCount) : null,
                ["parameters"] = model.SaveParameters(),
            };
            manifest["outputs"] = new JsonArray(
                new[] { (JsonNode)Manifest.FileEntry(outPath, written, labelsContent) }
                    .Concat(matrixEntries.Select(e => e.DeepClone()))
                    .Concat(reportEntry is null ? [] : [reportEntry]).ToArray());
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
            if (args.Value("--report") is { } reported) terminal.Info($"wrote {reported}");
            if (selection is not null) terminal.Info(selection.Describe());
            terminal.Info($"fitted '{ModelChoice.NameOf(model)}' in {fitSeconds:0.000} s; wrote {Text.Listing.Counted(written, "label")} to {outPath} ({Text.Listing.Counted(uncovered, "row")} uncovered{(args.Flag("--drop-uncovered") ? ", dropped" : "")}) and {Manifest.PathFor(outPath)}");
            return ExitCode.Ok;
        }
        finally
        {
            foreach (var output in outputs) output.Dispose();
        }
    }

    /// <summary>The model used when --model is not given.</summary>
    internal static string DefaultModel => LabelModelCatalog.All.Any(k => k.Name == "auto") ? "auto" : "mv";

    private static JsonObject MatrixManifest(IReadOnlyList<JsonObject> inputs, IReadOnlyList<LabelingFunction> lfs, IReadOnlyList<JsonObject> matrixEntries)
    {
        var manifest = Manifest.Start("label", Environment.GetCommandLineArgs().Skip(1).ToArray());
        manifest["inputs"] = new JsonArray(inputs.Select(i => (JsonNode)i.DeepClone()).ToArray());
        manifest["lfs"] = Manifest.Lfs(lfs);
        manifest["outputs"] = new JsonArray(matrixEntries.Select(e => (JsonNode)e.DeepClone()).ToArray());
        return manifest;
    }

    private static double Round(double seconds) => Math.Round(seconds, 4);
}
