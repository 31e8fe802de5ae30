using System.Text.Json;
using Snorkeler.Analysis;

namespace Snorkeler.Cli.Commands;

/// <summary><c>snorkeler analyze</c>: the LF summary of a label matrix.</summary>
internal sealed class AnalyzeCommand : ICommand
{
    public string Name => "analyze";

    public string Summary => "per-LF polarity, coverage, overlaps, conflicts and (with gold labels) accuracy";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("--matrix", "MATRIX", "a label matrix (.snkm, .csv, .npy) or a Wrench .json split", Required: true, Role: PathRole.Input),
        Gold.ColumnOption,
        .. Inputs.MatrixOptions,
        new("--format", "text|json|markdown", "output format (default text)"),
        new("--report", "REPORT.html", "also write a self-contained HTML report with charts", Role: PathRole.Output),
        new("--model", "MODEL.json", "with --report: a fitted model whose learned LF accuracies, confidences and class balance the report shows", Role: PathRole.Input),
    ];

    public int Run(Args args, Terminal terminal, CancellationToken cancellation)
    {
        var format = args.Choice("--format", OutputFormat.Text);
        var matrix = Inputs.OpenMatrix(args.Required("--matrix"), args, terminal);
        var summary = LfSummary.Of(matrix);
        if (args.Has("--model") && !args.Has("--report") && !matrix.SourceKinds.Contains(SourceKind.Annotator))
            throw new UsageException("--model goes with --report REPORT.html (or with a matrix of annotators' answers, as their consensus)");
        var model = args.Value("--model") is { } modelPath ? LabelModels.ModelFile.Load(modelPath) : null;
        var annotators = Annotators(matrix, model, terminal, cancellation);
        if (args.Value("--report") is { } report)
        {
            WriteReport(report, args.Required("--matrix"), matrix, summary, model, annotators);
            terminal.Info($"wrote {report}");
        }
        Write(summary, format, terminal.Out, annotators);
        terminal.Diagnostics(LfWarnings.Check(matrix, cancellation: cancellation));
        return ExitCode.Ok;
    }

    /// <summary>
    /// The annotator report when the matrix holds people's answers: the consensus is <paramref name="model"/> when given,
    /// else an <c>ibcc</c> fit (seed 0).
    /// </summary>
    internal static AnnotatorReport? Annotators(IMatrixSource matrix, LabelModels.ILabelModel? model, Terminal terminal, CancellationToken cancellation)
    {
        if (!matrix.SourceKinds.Contains(SourceKind.Annotator)) return null;
        var whole = matrix is IO.AnswerMatrix answers ? answers.Matrix : IO.MatrixFile.Concat(matrix.ReadBlocks());
        if (model is not null) LabelModels.LabelModel.CheckCompatible(model, whole, "the matrix");
        model ??= new LabelModels.IbccTrainer().Fit(whole, new LabelModels.FitContext { Seed = 0, Cancellation = cancellation });
        var posteriors = LabelModels.LabelModel.PredictProbabilities(model, whole);
        terminal.Info($"annotator report: consensus of '{model.Name}'");
        return AnnotatorReport.Of(whole, posteriors, (matrix as IO.IRowKeys)?.Keys, model.Name);
    }

    /// <summary>Writes the HTML report of a matrix, with a model's view of it when given.</summary>
    internal static void WriteReport(string path, string title, IMatrixSource matrix, LfSummary summary, LabelModels.ILabelModel? model, AnnotatorReport? annotators = null)
    {
        ModelDiagnostics? diagnostics = null;
        if (model is not null)
        {
            LabelModels.LabelModel.CheckCompatible(model, matrix, title);
            diagnostics = new ModelDiagnostics(model.Schema, matrix.LfNames.Count);
            PredictCommand.Predict(model, matrix, TieBreak.Abstain, 0, (block, probabilities, _) => diagnostics.Add(block, probabilities));
        }
        PrepareReport(path, title, matrix, summary, diagnostics, model?.Name, annotators).Commit();
    }

    /// <summary>Writes the HTML report from diagnostics already gathered while predicting.</summary>
    internal static void WriteReport(string path, string title, IMatrixSource matrix, LfSummary summary, ModelDiagnostics? diagnostics, string? modelName)
        => PrepareReport(path, title, matrix, summary, diagnostics, modelName).Commit();

    /// <summary>The HTML report, written but not committed (<c>label</c> commits it with its other outputs).</summary>
    internal static IO.PendingFile PrepareReport(string path, string title, IMatrixSource matrix, LfSummary summary, ModelDiagnostics? diagnostics, string? modelName,
        AnnotatorReport? annotators = null)
    {
        long[]? gold = null;
        if (matrix.HasGold)
        {
            gold = new long[matrix.Schema.Cardinality];
            foreach (var block in matrix.ReadBlocks())
                foreach (var g in block.GoldLabels)
                    if (g >= 0) gold[g]++;
        }
        var html = HtmlReport.Render(title, summary, diagnostics, modelName, gold, annotators);
        return IO.AtomicFile.Prepare(path, stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(html)));
    }

    private static byte[] Json(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream)) write(json);
        return stream.ToArray();
    }

    internal static void Write(LfSummary summary, OutputFormat format, TextWriter output, AnnotatorReport? annotators = null)
    {
        if (format == OutputFormat.Json)
        {
            using var stream = new MemoryStream();
            using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                if (annotators is null) summary.WriteJson(json);
                else
                {
                    // The summary's object with the annotator report as one more member.
                    var node = System.Text.Json.Nodes.JsonNode.Parse(Json(summary.WriteJson))!.AsObject();
                    node["annotators"] = System.Text.Json.Nodes.JsonNode.Parse(Json(annotators.WriteJson));
                    node.WriteTo(json);
                }
            }
            output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
        }
        else
        {
            output.Write(summary.ToTable(format == OutputFormat.Markdown));
            if (annotators is not null) output.Write(annotators.ToTable(format == OutputFormat.Markdown));
        }
    }
}

/// <summary>How commands print results.</summary>
internal enum OutputFormat
{
    Text,
    Json,
    Markdown,
}
