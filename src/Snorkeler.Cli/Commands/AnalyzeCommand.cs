using System.Text.Json;
using Snorkeler.Analysis;

namespace Snorkeler.Cli.Commands;

/// <summary><c>snorkeler analyze</c>: the LF summary of a label matrix.</summary>
internal sealed class AnalyzeCommand : ICommand
{
    public string Name => "analyze";

    public string Summary => "per-LF polarity, coverage, overlaps, conflicts and (with gold labels) accuracy";

    public IReadOnlyList<OptionSpec> Options => field ??=
    [
        new("--matrix", "MATRIX", "a label matrix (.snkm, .csv, .npy), a Wrench .json split, or answers task,worker,label; several answer files (task,worker,label) are read as one (or, instead, --lfs and --data)", Many: true, Role: PathRole.Input) { DataFiles = true },
        Gold.ColumnOption,
        .. Inputs.MatrixOptions,
        new("--format", "text|json|markdown", "output format (default text)"),
        new("--report", "REPORT.html", "also write a self-contained HTML report with charts", Role: PathRole.Output),
        new("--model", "MODEL.json", "a fitted model: with --report, its learned LF accuracies, confidences and class balance are shown; on people's answers, its labels are the consensus the annotator report scores workers against", Role: PathRole.Input) { Alone = true },
        new("--least-certain", "N", "on people's answers: how many of the least certain tasks the annotator report lists, the ones that most need another answer (default 20; 0: none)"),
        new("--lfs", "PATH", "LF files or folders: without --matrix, applied to --data (nothing written); with --matrix, --report and --data, the matrix's LFs, to mark what made each rule fire", Many: true, Role: PathRole.Input),
        new("--data", "FILE", "the data --lfs are applied to; with --matrix and --report, the data the matrix was made from, to show example rows", Many: true, Role: PathRole.Input) { DataFiles = true },
        new("--threads", "N", "worker threads for applying LFs"),
        Inputs.LfTimeoutOption,
        new("--incremental", null, "reuse each unchanged LF's column from the cache (as 'apply --incremental')"),
        Inputs.ColumnOption,
        Inputs.DelimiterOption,
        Inputs.CacheDirOption,
    ];

    public int Run(Args args, Terminal terminal, CancellationToken cancellation)
    {
        _ = args.Choice("--format", OutputFormat.Text); // a misspelt format is a usage error before any work
        _ = args.Int("--least-certain", 0); // and so is a bad count, rather than after the answers are read and reported
        if (args.Value("--report") is { } reportPath) HtmlReport.CheckExtension(reportPath);
        if (args.Has("--matrix"))
        {
            if (!args.Has("--report") && args.Has("--data")) throw new UsageException("--data goes with --report REPORT.html, or with --lfs without --matrix");
            if (!args.Has("--data") && args.Has("--lfs")) throw new UsageException("--lfs goes with --data: without --matrix, the LFs applied to it; with --matrix and --report, what made each rule fire");
            foreach (var option in (string[])["--threads", "--lf-timeout", "--incremental", "--cache-dir"])
                if (args.Has(option)) throw new UsageException($"{option} goes with --lfs and --data without --matrix (the LFs applied here)");
            return Analyze(args, terminal, Inputs.MatrixName(args.Values("--matrix")), Inputs.OpenMatrix(args.Values("--matrix"), args, terminal), null, cancellation);
        }
        if (!args.Has("--lfs") || !args.Has("--data"))
            throw new UsageException("give --matrix MATRIX, or --lfs PATH and --data FILE (the LFs are applied to the data, nothing is written)");
        // The options that say how to read a matrix have none to read here: ignored, a --gold would leave out the accuracies unsaid.
        foreach (var option in Inputs.MatrixOptions.Select(o => o.Name))
            if (args.Has(option))
                throw new UsageException(option == "--gold"
                    ? "--gold goes with --matrix (gold labels of answers in long format); with --lfs and --data, name the data's gold column: --gold-column NAME"
                    : $"{option} goes with --matrix (it says how to read the matrix; with --lfs and --data the matrix is the LFs' votes on the data)");
        // LFs' votes are no people's answers: what needs those is a usage error before the data is opened and the LFs are loaded.
        CheckModelOptions(args, annotators: false);
        // The data's LF summary without an apply run of its own: the LFs are applied to a matrix that lives as long as the command.
        var dataPaths = args.Values("--data");
        var data = Inputs.OpenData(dataPaths, args);
        var set = Inputs.LoadLfs(args.Values("--lfs"), args, data, Inputs.SchemaOf(dataPaths), terminal);
        var options = Inputs.ApplyOptions(args, terminal, cancellation);
        var goldColumn = args.Value("--gold-column");
        // The model file is told before the LFs run.
        var model = Inputs.SavedModelFor(args.Value("--model"), set.Functions, set.Schema!, data.Name);
        using var applied = AppliedMatrix.Apply(args, terminal, dataPaths, data, set.Functions, set.Schema!, goldColumn, options, Name, countWarnings: true);
        var warnings = ApplyCommand.Warnings(applied.Counts!, set.Functions, data, goldColumn, dataHasGold: applied.Matrix.HasGold, args, cancellation).ToArray();
        return Analyze(args, terminal, data.Name, applied.Matrix, (data, set.Functions, warnings), cancellation, model);
    }

    /// <summary>The options that need a report or people's answers (<paramref name="annotators"/>: the matrix holds some).</summary>
    private static void CheckModelOptions(Args args, bool annotators)
    {
        if (args.Has("--model") && !args.Has("--report") && !annotators)
            throw new UsageException("--model goes with --report REPORT.html (or with a matrix of annotators' answers, as their consensus)");
        if (args.Has("--least-certain") && !annotators)
            throw new UsageException("--least-certain goes with a matrix of annotators' answers (the annotator report's least certain tasks)");
    }

    /// <summary>
    /// The <c>snorkeler rows</c> command the warnings about a matrix point to, which must run as printed: rows reads the
    /// matrix beside the data it was made from, which is the --data given, or the split itself for a Wrench split, or
    /// else FILE, for the reader to name.
    /// </summary>
    private static string MatrixRowsCommand(Args args)
    {
        var matrices = args.Values("--matrix");
        var data = args.Has("--data") ? null
            : matrices is [var one] && one.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? one : "FILE";
        return ApplyCommand.RowsCommand(args, gold: args.Has("--gold-column"), data, matrices);
    }

    /// <summary>
    /// The summary of <paramref name="matrix"/>; <paramref name="applied"/> holds the data, the LFs and their warnings
    /// when the LFs were applied here (without them, <c>--data</c> and <c>--lfs</c> only feed the report's examples).
    /// </summary>
    private static int Analyze(Args args, Terminal terminal, string matrixName, IMatrixSource matrix,
        (Data.IDataSource Data, IReadOnlyList<LabelingFunction> Lfs, IReadOnlyList<Diagnostic> Warnings)? applied, CancellationToken cancellation,
        LabelModels.ILabelModel? loaded = null)
    {
        var format = args.Choice("--format", OutputFormat.Text);
        var summary = LfSummary.Of(matrix);
        CheckModelOptions(args, matrix.SourceKinds.Contains(SourceKind.Annotator));
        var model = loaded ?? (args.Value("--model") is { } modelPath ? LabelModels.ModelFile.Load(modelPath) : null);
        // Before anything uses the model: a mismatch is the run's one error, not first a note from the dependency check.
        if (model is not null) LabelModels.LabelModel.CheckCompatible(model, matrix, matrixName);
        var annotators = Annotators(matrix, model, terminal, cancellation, args.Int("--least-certain", 0) ?? AnnotatorReport.DefaultLeastCertain);
        var warnings = applied?.Warnings ?? LfWarnings.Check(matrix, rowsCommand: MatrixRowsCommand(args), cancellation: cancellation);
        var dependencies = annotators is null ? Dependencies(matrix, model, terminal, cancellation) : null;
        if (args.Value("--report") is { } report)
        {
            ReportDetails? details = null;
            if (applied is { } a)
                details = ReportDetails.Examples(matrix, a.Data, a.Lfs, RowRecords.DefaultFields(a.Data.Schema, a.Lfs, args.Value("--gold-column")), cancellation: cancellation);
            else if (args.Has("--data"))
            {
                var data = Inputs.OpenData(args.Values("--data"), args);
                Inputs.RequireMatrixRows(data, matrix, matrixName, cancellation);
                IReadOnlyList<LabelingFunction>? lfs = null;
                if (args.Has("--lfs"))
                {
                    lfs = Inputs.LoadLfs(args.Values("--lfs"), args, data, matrix.Schema, terminal).Functions;
                    if (!lfs.Select(l => l.Name).SequenceEqual(matrix.LfNames, StringComparer.Ordinal)) lfs = null; // names differ: rows without explanations
                }
                details = ReportDetails.Examples(matrix, data, lfs, RowRecords.DefaultFields(data.Schema, lfs ?? [], args.Value("--gold-column")), cancellation: cancellation);
            }
            details = (details ?? new ReportDetails()) with { Warnings = warnings, Selection = model is null ? null : ModelChoice.Of(model) };
            WriteReport(report, matrixName, matrix, summary, model, annotators, details);
            terminal.Info($"wrote {report}");
        }
        Write(summary, format, terminal.Out, annotators, dependencies is null ? null : (dependencies, matrix.LfNames));
        terminal.Diagnostics(warnings);
        return ExitCode.Ok;
    }

    /// <summary>
    /// The annotator report when the matrix holds people's answers: the consensus is <paramref name="model"/> when given
    /// (checked against the matrix by the caller), else an <c>auto</c> fit (seed 0), the model <c>fit --model auto</c>
    /// fits, so that the report scores workers against the labels a user exports.
    /// </summary>
    internal static AnnotatorReport? Annotators(IMatrixSource matrix, LabelModels.ILabelModel? model, Terminal terminal, CancellationToken cancellation,
        int leastCertain = AnnotatorReport.DefaultLeastCertain)
    {
        if (!matrix.SourceKinds.Contains(SourceKind.Annotator)) return null;
        var whole = matrix is IO.AnswerMatrix answers ? answers.Matrix : IO.MatrixFile.Concat(matrix.ReadBlocks());
        model ??= new LabelModels.AutoTrainer().Fit(whole, new LabelModels.FitContext { Seed = 0, Cancellation = cancellation });
        var posteriors = LabelModels.LabelModel.PredictProbabilities(model, whole);
        terminal.Info($"annotator report: consensus of '{model.Name}'");
        return AnnotatorReport.Of(whole, posteriors, (matrix as IO.IRowKeys)?.Keys, model.Name, leastCertain);
    }

    /// <summary>
    /// The LF pairs that are dependent given the class (copies, derived LFs, correlated pairs), under the posteriors of
    /// <paramref name="model"/> or of snorkel with the estimated class balance; null (with a note) when snorkel cannot fit.
    /// </summary>
    internal static IReadOnlyList<DependentPair>? Dependencies(IMatrixSource matrix, LabelModels.ILabelModel? model, Terminal terminal, CancellationToken cancellation)
    {
        try { return LabelModels.LfDependencies.Find(matrix, model, cancellation); }
        catch (SnorkelerException e)
        {
            terminal.Info($"dependent LF pairs not checked: {e.Message}");
            return null;
        }
    }

    /// <summary>Writes the HTML report of a matrix, with a model's view of it when given.</summary>
    internal static void WriteReport(string path, string title, IMatrixSource matrix, LfSummary summary, LabelModels.ILabelModel? model, AnnotatorReport? annotators = null,
        ReportDetails? details = null)
    {
        ModelDiagnostics? diagnostics = null;
        if (model is not null)
        {
            LabelModels.LabelModel.CheckCompatible(model, matrix, title);
            diagnostics = new ModelDiagnostics(model.Schema, matrix.LfNames.Count);
            PredictCommand.Predict(model, matrix, TieBreak.Abstain, 0, (block, probabilities, _) => diagnostics.Add(block, probabilities));
        }
        PrepareReport(path, title, matrix, summary, diagnostics, model is null ? null : ModelChoice.NameOf(model), annotators, details).Commit();
    }

    /// <summary>The HTML report, written but not committed (<c>label</c> commits it with its other outputs).</summary>
    internal static IO.PendingFile PrepareReport(string path, string title, IMatrixSource matrix, LfSummary summary, ModelDiagnostics? diagnostics, string? modelName,
        AnnotatorReport? annotators = null, ReportDetails? details = null)
    {
        long[]? gold = null;
        if (matrix.HasGold)
        {
            gold = new long[matrix.Schema.Cardinality];
            foreach (var block in matrix.ReadBlocks())
                foreach (var g in block.GoldLabels)
                    if (g >= 0) gold[g]++;
        }
        var html = HtmlReport.Render(title, summary, diagnostics, modelName, gold, annotators, details);
        return IO.AtomicFile.Prepare(path, stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(html)));
    }

    private static byte[] Json(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream)) write(json);
        return stream.ToArray();
    }

    internal static void Write(LfSummary summary, OutputFormat format, TextWriter output, AnnotatorReport? annotators = null,
        (IReadOnlyList<DependentPair> Pairs, IReadOnlyList<string> Names)? dependencies = null)
    {
        if (format == OutputFormat.Json)
        {
            using var stream = new MemoryStream();
            using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                if (annotators is null && dependencies is null) summary.WriteJson(json);
                else
                {
                    // The summary's object with the annotator report and the dependent pairs as more members.
                    var node = System.Text.Json.Nodes.JsonNode.Parse(Json(summary.WriteJson))!.AsObject();
                    if (annotators is not null) node["annotators"] = System.Text.Json.Nodes.JsonNode.Parse(Json(annotators.WriteJson));
                    if (dependencies is { } d) node["dependent_pairs"] = DependenciesJson(d.Pairs, d.Names);
                    node.WriteTo(json);
                }
            }
            output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
        }
        else
        {
            output.Write(summary.ToTable(format == OutputFormat.Markdown));
            if (annotators is not null) output.Write(annotators.ToTable(format == OutputFormat.Markdown));
            if (dependencies is { Pairs.Count: > 0 } found)
            {
                output.WriteLine();
                // Text fits 100 columns as the table above it does; Markdown keeps names whole. Names are escaped as in the table.
                if (format == OutputFormat.Markdown)
                {
                    output.WriteLine("#### Dependent LF pairs");
                    output.WriteLine();
                    var names = found.Names.Select(Snorkeler.Text.Printable.MarkdownCell).ToList();
                    foreach (var pair in found.Pairs) output.WriteLine("- " + SourceDependencies.Describe(pair, names));
                }
                else
                {
                    output.WriteLine("dependent LF pairs (counted twice by models of independent LFs; snorkel --deps auto models them):");
                    // What still runs over once names are cut (no shorter than 12 characters) goes on to an indented line.
                    var names = found.Names.Select(Snorkeler.Text.Printable.OneLine).ToList();
                    foreach (var pair in found.Pairs)
                        foreach (var line in Tables.Wrap(SourceDependencies.Describe(pair, names, 98), 98).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                            output.WriteLine("  " + line);
                }
            }
        }
    }

    private static System.Text.Json.Nodes.JsonArray DependenciesJson(IReadOnlyList<DependentPair> pairs, IReadOnlyList<string> names)
        => new(pairs.Select(p => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject
        {
            ["first"] = names[p.First],
            ["second"] = names[p.Second],
            ["kind"] = p.Kind switch
            {
                DependencyKind.Duplicate => "duplicate",
                DependencyKind.NearDuplicate => "near-duplicate",
                DependencyKind.Derived => "derived",
                _ => "correlated",
            },
            ["co_votes"] = p.CoVotes,
            ["agreement"] = p.Agreement,
            ["dependence"] = double.IsFinite(p.Dependence) ? p.Dependence : null,
        }).ToArray());
}

/// <summary>How commands print results.</summary>
internal enum OutputFormat
{
    Text,
    Json,
    Markdown,
}
