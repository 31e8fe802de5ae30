using Snorkeler.Applying;
using Snorkeler.Studio;

namespace Snorkeler.Cli.Commands;

/// <summary>
/// <c>snorkeler studio</c>: a local web app to write and debug LFs with every number live. Serves the LF folder on
/// 127.0.0.1 with a random access token, until Ctrl-C.
/// </summary>
internal sealed class StudioCommand : ICommand
{
    public string Name => "studio";

    public string Summary => "write and debug LFs in the browser, every number live as you type (local, token-protected)";

    public IReadOnlyList<OptionSpec> Options => field ??=
    [
        new("--lfs", "DIR", "the LF folder: the only place the studio reads and writes LF files", Required: true, Role: PathRole.Input),
        new("--data", "FILE", "the unlabelled data (.csv, .tsv, .jsonl, .parquet, Wrench .json)", Many: true, Required: true, Role: PathRole.Input) { DataFiles = true },
        new("--dev", "FILE", "labelled data the LFs are applied to, for empirical accuracies and the label model's dev accuracy (with --gold-column, or a Wrench split)", Role: PathRole.Input),
        Gold.ColumnOption,
        new("--labels", "FILE", "where hand labels are kept (default: .DATA.studio-labels.csv beside the first data file, hidden from data globs)", Role: PathRole.Output),
        new("--sample", "N", "work on a deterministic random sample of N training rows"),
        new("--port", "N", "the port to listen on (default: any free port)"),
        new("--model", "NAME", $"the label model (default {StudioSettings.DefaultModel}: it refits in milliseconds; auto takes seconds per edit)"),
        new("--seed", "N", "seed of the sample, the label model and row sampling (default 0)"),
        // Jupyter's flag, typed from habit: accepted, since what it asks for is what the studio always does.
        new("--no-browser", null, "does nothing: the studio never opens a browser; open the address it prints"),
        new("--threads", "N", "worker threads for applying LFs"),
        Inputs.LfTimeoutOption,
        Inputs.ColumnOption,
        Inputs.DelimiterOption,
        Inputs.CacheDirOption,
    ];

    public int Run(Args args, Terminal terminal, CancellationToken cancellation)
    {
        var folder = args.Required("--lfs");
        if (!Directory.Exists(folder)) throw new UsageException($"--lfs {folder} is not a folder (the studio edits the files of one LF folder)");
        var dataPaths = args.Values("--data");
        var sample = args.Int("--sample", 1, int.MaxValue);
        var port = args.Int("--port", 0, 65535) ?? 0;
        var seed = args.Int("--seed") ?? 0;
        var model = args.Value("--model") ?? StudioSettings.DefaultModel;
        LabelModels.LabelModelCatalog.Get(model); // an unknown name fails before the data is read
        var goldColumn = args.Value("--gold-column");
        var devPath = args.Value("--dev");
        if (goldColumn is not null && devPath is null) throw new UsageException("--gold-column names the --dev file's column of gold labels: give --dev FILE");
        // The studio applies the LFs as they are edited to the dev data, so a matrix of votes already made will not do.
        if (devPath is not null && !devPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && IO.MatrixFile.IsMatrix(devPath))
            throw new UsageException($"--dev {devPath} is a label matrix: the studio applies the LFs being edited to the dev set, so give its data file (with --gold-column NAME)");
        Gold.CheckDevGoldColumn(args);

        var data = Inputs.OpenData(dataPaths, args);
        var dev = devPath is null ? null : Inputs.OpenData([devPath], args, strictAliases: false);
        var labels = args.Value("--labels") ?? StudioSettings.DefaultHandLabelsPath(dataPaths[0]);
        // The dev set's gold labels are read again whenever the classes change: a warning about them is said once.
        string? goldWarning = null;
        var settings = new StudioSettings
        {
            LfFolder = folder,
            Data = data,
            Loaders = Inputs.Loaders,
            Dev = dev,
            DevGold = dev is null ? null : (schema, rows, warn) =>
            {
                using var gold = LabelledData.Gold([devPath!], dev, schema, goldColumn, w =>
                {
                    warn(w);
                    if (goldWarning is not null) return;
                    terminal.Warning(w);
                    goldWarning = $"warning: {w}";
                })!;
                return gold.Take(rows);
            },
            GoldColumn = goldColumn,
            Schema = Inputs.SchemaOf(dataPaths),
            Sample = sample,
            Seed = seed,
            Model = model,
            CacheDirectory = args.Value("--cache-dir") ?? Environment.GetEnvironmentVariable("SNORKELER_CACHE_DIR"),
            LfTimeBudget = Inputs.LfTimeBudget(args),
            Threads = args.Int("--threads", 1, Applying.ApplyOptions.MostThreads) ?? Applying.ApplyOptions.DefaultThreads,
            HandLabelsPath = labels,
        };
        terminal.Info($"reading {string.Join(", ", dataPaths)}{(sample is not { } s ? "" : $" (a sample of {Text.Listing.Counted(s, "row")})")}");
        using var session = new StudioSession(settings);
        foreach (var d in session.Diagnostics) terminal.Info(d.ToString());
        // What the page shows beside the numbers: files a killed studio left in the LF folder, hand labels it cannot use
        // (the dev set's gold warning, also among them, was said as the session read the gold). Their file names are the
        // person's, so a control character in one is shown, not sent to the terminal.
        foreach (var w in session.DataWarnings().Where(w => w != goldWarning)) terminal.Error.WriteLine(Text.Printable.OneLine(w));
        var server = StudioServer.StartAsync(session, port, cancellation: cancellation).GetAwaiter().GetResult();
        try
        {
            terminal.Info($"{Text.Listing.Counted(session.TrainRows, "training row")}{(session.DevRows > 0 ? $", {Text.Listing.Counted(session.DevRows, "dev row")}" : "")}; hand labels in {session.HandLabelsPath}");
            terminal.Out.WriteLine($"snorkeler studio: {server.Url}");
            terminal.Out.Flush();
            terminal.Info("open the address above in a browser; Ctrl-C stops the studio");
            server.WaitAsync(cancellation).GetAwaiter().GetResult();
        }
        finally
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        terminal.Info("studio stopped");
        return ExitCode.Ok;
    }
}
