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
        new("--matrix", "MATRIX", "a label matrix (.snkm, .csv, .npy) or a Wrench .json split", Required: true),
        new("--gold-column", "NAME", "a CSV matrix column holding gold labels"),
        new("--format", "text|json|markdown", "output format (default text)"),
    ];

    public int Run(Args args, Terminal terminal, CancellationToken cancellation)
    {
        var format = args.Choice("--format", OutputFormat.Text);
        var matrix = Inputs.OpenMatrix(args.Required("--matrix"), args.Value("--gold-column"));
        var summary = LfSummary.Of(matrix);
        Write(summary, format, terminal.Out);
        return ExitCode.Ok;
    }

    internal static void Write(LfSummary summary, OutputFormat format, TextWriter output)
    {
        if (format == OutputFormat.Json)
        {
            using var stream = new MemoryStream();
            using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true })) summary.WriteJson(json);
            output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
        }
        else output.Write(summary.ToTable(format == OutputFormat.Markdown));
    }
}

/// <summary>How commands print results.</summary>
internal enum OutputFormat
{
    Text,
    Json,
    Markdown,
}
