using System.Globalization;
using Snorkeler.Analysis;
using Snorkeler.LabelModels.Preferences;

namespace Snorkeler.Cli.Commands;

/// <summary><c>snorkeler preferences</c>: Bradley–Terry scores from pairwise judgements.</summary>
internal sealed class PreferencesCommand : ICommand
{
    public string Name => "preferences";

    public string Summary => "score items from pairwise judgements (Bradley–Terry; noisy annotators); P(left ≻ right) per pair";

    public IReadOnlyList<OptionSpec> Options => field ??=
    [
        new("--pairs", "PAIRS.csv", "judgements, one per line: left,right,worker,winner (winner: left, right, tie, or the winning item)", Required: true, Role: PathRole.Input),
        new("--out", "SCORES.csv", "the items' scores, best first: rank,item,score,sd,wins,losses,ties,judgements", Required: true, Role: PathRole.Output)
        {
            LeadsUnit = args => args.Value("--pair-probabilities") is not null || args.Value("--annotators-out") is not null,
        },
        new("--pair-probabilities", "FILE.csv", "also write P(left ≻ right), P(right ≻ left), P(tie) per judged pair (reward-model targets)", Role: PathRole.Output),
        new("--annotators-out", "FILE.csv", "also write each annotator's judgements, agreement and reliability", Role: PathRole.Output),
        new("--model", "auto|bt|crowd-bt", "bt: judgements at face value; crowd-bt: each annotator may flip preferences (default auto: crowd-bt with several annotators)"),
        new("--prior-sd", "X", "standard deviation of the scores' Gaussian prior, in log-odds, from 0.001 to 1000 (default 2)"),
        new("--left-column", "NAME", "the left item column (default left)"),
        new("--right-column", "NAME", "the right item column (default right)"),
        new("--worker-column", "NAME", "the annotator column (default worker; optional)"),
        new("--winner-column", "NAME", "the winner column (default winner)"),
        new("--format", "text|json|markdown", "how the annotator table on stdout is printed (default text)"),
    ];

    public int Run(Args args, Terminal terminal, CancellationToken cancellation)
    {
        var model = args.Value("--model") ?? "auto";
        if (model is not ("auto" or "bt" or "crowd-bt")) throw new UsageException($"--model expects auto, bt or crowd-bt, got '{model}'");
        var priorSd = args.Number("--prior-sd", BradleyTerryOptions.MinPriorSd, BradleyTerryOptions.MaxPriorSd) ?? 2.0;
        var format = args.Choice("--format", OutputFormat.Text);
        var data = PreferenceData.Read(args.Required("--pairs"), args.Value("--left-column"), args.Value("--right-column"), args.Value("--worker-column"), args.Value("--winner-column"));
        var noisy = model == "crowd-bt" || (model == "auto" && data.Annotators.Count > 1);
        if (data.WinnerWarning is { } winners) terminal.Error.WriteLine(Text.Printable.OneLine($"warning: {args.Required("--pairs")}: {winners}"));
        if (data.DisconnectedWarning() is { } disconnected) terminal.Error.WriteLine(Text.Printable.OneLine($"warning: {args.Required("--pairs")}: {disconnected}"));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var fit = BradleyTerry.Fit(data, new BradleyTerryOptions { NoisyAnnotators = noisy, PriorSd = priorSd }, cancellation);
        if (!fit.Converged)
            terminal.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"warning: the fit stopped at its cap of {fit.Options.MaxIterations:N0} iterations before the scores settled; they and their probabilities may be off (a smaller --prior-sd, such as the default 2, settles sooner)"));
        PreferenceOutputs.Write(fit, args.Required("--out"), args.Value("--pair-probabilities"), args.Value("--annotators-out"));
        terminal.Info(string.Create(CultureInfo.InvariantCulture,
            $"{(noisy ? "crowd-bt" : "bt")}: {Text.Listing.Counted(data.Items.Count, "item")}, {Text.Listing.Counted(data.Comparisons.Count, "judgement")} by {Text.Listing.Counted(data.Annotators.Count, "annotator")}; {fit.Iterations} iterations in {clock.Elapsed.TotalSeconds:0.000} s{(fit.TieParameter > 0 ? $"; tie parameter ν = {fit.TieParameter:0.###}" : "")}; wrote {args.Required("--out")}"));
        WriteAnnotatorTable(fit, format, terminal.Out);
        return ExitCode.Ok;
    }

    private static void WriteAnnotatorTable(BradleyTerryFit fit, OutputFormat format, TextWriter output)
    {
        var rows = PreferenceOutputs.AnnotatorRows(fit).ToList();
        string F(double? v) => v is { } x ? x.ToString("0.000", CultureInfo.InvariantCulture) : "-";
        if (format == OutputFormat.Json)
        {
            var json = new System.Text.Json.Nodes.JsonArray(rows.Select(r => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject
            {
                ["annotator"] = r.Name,
                ["judgements"] = r.Judgements,
                ["ties"] = r.Ties,
                ["agreement"] = r.Agreement,
                ["reliability"] = r.Reliability,
            }).ToArray());
            output.WriteLine(json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
            return;
        }
        output.Write(Tables.Render(["annotator", "judgements", "ties", "agreement", "reliability"],
            rows.Select(r => (IReadOnlyList<string>)[r.Name, r.Judgements.ToString(CultureInfo.InvariantCulture), r.Ties.ToString(CultureInfo.InvariantCulture), F(r.Agreement), F(r.Reliability)]).ToList(),
            format == OutputFormat.Markdown, c => c >= 1));
    }
}
