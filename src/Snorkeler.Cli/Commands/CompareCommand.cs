using Snorkeler.Analysis;
using Snorkeler.LabelModels;

namespace Snorkeler.Cli.Commands;

/// <summary><c>snorkeler compare</c>: fits several label models on one split and scores them on another.</summary>
internal sealed class CompareCommand : ICommand
{
    public string Name => "compare";

    public string Summary => "fit several label models on a train matrix and score them on a test matrix, or on every data set of a suite folder";

    /// <summary>Built on first use: its default model lists initialises the model catalog, which every other command's start would pay for (docs/benchmarks.md, sixth pass).</summary>
    public IReadOnlyList<OptionSpec> Options => field ??=
    [
        new("--train", "MATRIX", "the training matrix (gold labels unused); several answer files (task,worker,label) are read as one", Many: true, Role: PathRole.Input) { DataFiles = true },
        new("--test", "MATRIX", "the test matrix, with gold labels; several answer files (task,worker,label) are read as one", Many: true, Role: PathRole.Input) { DataFiles = true },
        new("--suite", "DIR", "instead of --train/--test: every sub-folder of DIR with a Wrench split (train.json, test.json, valid.json as dev)", Role: PathRole.Folder),
        Gold.DevAnswersOption("wmv (accuracies) and auto (selection)"),
        new("--dev-prior", null, "every model also takes its class prior from the dev split"),
        new("--models", "A,B,...", $"models, optionally with options (snorkel:epochs=500); default on LF matrices {string.Join(",", LabelModelCatalog.ComparisonDefaults(annotators: false))}, on annotators' answers {string.Join(",", LabelModelCatalog.ComparisonDefaults(annotators: true))}"),
        new("--seeds", "N", "fit each model with seeds 0..N-1 and report means and spreads (default 1)"),
        new("--seed", "N", "the first seed (default 0)"),
        new("--tie-break", "abstain|random|true-random", "tie-break policy of the reported accuracy (default random)"),
        new("--format", "text|json|markdown|csv", "output format (default text)"),
        new("--timings", null, "also write each model's fit and predict seconds, which differ from run to run; without it only a text or Markdown table shown on a terminal has them, so that a file written from the same inputs and seeds is the same every time"),
        Gold.ColumnOption,
        Gold.LfsForDevOption,
        Inputs.ColumnOption,
        Inputs.DelimiterOption,
        .. Inputs.MatrixOptions,
    ];

    /// <summary>The options a <c>--suite</c> run reads; any other is refused with it rather than passed over.</summary>
    private static readonly string[] SuiteOptions = ["--suite", "--models", "--seeds", "--seed", "--tie-break", "--format", "--timings"];

    public int Run(Args args, Terminal terminal, CancellationToken cancellation)
    {
        var format = args.Choice("--format", CompareFormat.Text);
        var tieBreak = args.Choice("--tie-break", TieBreak.Random);
        var seedCount = args.Int("--seeds", 1, 1000) ?? 1;
        var first = args.Int("--seed", int.MinValue, int.MaxValue - seedCount + 1) ?? 0; // seeds first..first+N-1 must be numbers too
        var named = args.Value("--models") is { } list ? ModelComparison.ParseModelList(list) : null;
        // Wall-clock seconds change from run to run: a file or pipe gets the scores alone, so that the same inputs and seeds
        // write the same bytes, unless asked; a table read on the screen keeps them, as a researcher wants to see the cost.
        var timings = args.Flag("--timings") || (format is CompareFormat.Text or CompareFormat.Markdown && terminal.OutIsScreen);
        // A line per fit is progress: on a terminal it shows a long comparison moving; a build log gets the closing status line alone.
        Action<string>? progress = terminal.Interactive && !terminal.Quiet ? terminal.Error.WriteLine : null;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var seeds = Text.Listing.Counted(seedCount, "seed");
        if (args.Value("--suite") is { } suite)
        {
            // A suite holds Wrench splits: LF matrices.
            var models = named ?? [.. LabelModelCatalog.ComparisonDefaults(annotators: false)];
            foreach (var single in new[] { "--train", "--test", "--dev", "--dev-prior" })
                if (args.Has(single)) throw new UsageException($"give --suite DIR or --train/--test, not both ('{single}' with --suite)");
            // The options that say how to read a single comparison's files (--gold-column, --delimiter, the long-format
            // columns, --annotators, --lfs for a --dev data file) were passed over without a word: a suite's sets are read as Wrench splits.
            var ignored = Options.Select(o => o.Name).Where(n => !SuiteOptions.Contains(n) && args.Has(n)).ToArray();
            if (ignored.Length > 0)
                throw new UsageException($"{Text.Listing.Join([.. ignored.Select(n => $"'{n}'")], "and")} {(ignored.Length == 1 ? "does" : "do")} not apply to --suite, "
                    + $"which reads Wrench-format folders (train.json, test.json, valid.json and label.json) as they are; {(ignored.Length == 1 ? "it applies" : "they apply")} "
                    + "to the --train, --test and --dev files of a single comparison");
            var suiteResult = SuiteComparison.Run(suite, models, Enumerable.Range(first, seedCount).ToArray(), tieBreak,
                log: progress, cancellation: cancellation, warn: line => terminal.Error.WriteLine("warning: " + line));
            terminal.Out.Write(format switch
            {
                CompareFormat.Json => suiteResult.ToJson(timings: timings) + "\n",
                CompareFormat.Markdown => suiteResult.ToMarkdown(),
                CompareFormat.Csv => suiteResult.ToCsv(),
                _ => suiteResult.ToText(),
            });
            if (format == CompareFormat.Csv)
                foreach (var (set, comparison) in suiteResult.Sets)
                    foreach (var refusal in comparison.Refused) terminal.Error.WriteLine($"warning: set '{set}': model '{refusal.Model}' not compared: {refusal.Reason}");
            terminal.Info($"compared {Text.Listing.Counted(suiteResult.Models.Count, "model")} on {Text.Listing.Counted(suiteResult.Sets.Count, "set")} of {suite}, {seeds}, in {clock.Elapsed.TotalSeconds:F2} s");
            return ExitCode.Ok;
        }
        foreach (var required in new[] { "--train", "--test" })
            if (!args.Has(required)) throw new UsageException($"missing required option '{required} MATRIX' (or '--suite DIR')");
        // Before any matrix is read: it was told only once the training, test and dev files had been read.
        if (args.Flag("--dev-prior") && !args.Has("--dev")) throw new UsageException("--dev-prior needs --dev FILE");
        Inputs.RequireDevForLfs(args);
        Inputs.RequireDevFiles(args);
        var train = Inputs.OpenTraining(args.Values("--train"), args, terminal);
        var testName = Inputs.MatrixName(args.Values("--test"));
        // Long-format test answers are read with the training matrix's classes and workers, in its order.
        var test = Inputs.OpenMatrix(args.Values("--test"), args, terminal, new MajorityVoteModel(train.Schema, train.LfNames));
        // A Wrench split always carries a gold column, -1 where a row has no "label": without one labelled row every score is 0.
        if (!test.HasGold || !ModelComparison.HasGoldLabel(test))
            throw SnorkelerException.InFile(testName, "the test matrix has no gold labels to score against; "
                + (testName.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
                    ? "a Wrench split carries them in each row's \"label\""
                    : "store them with 'snorkeler apply --gold-column NAME' (or give --gold GOLD.csv for answers)"));
        var dev = Inputs.OpenDev(args, terminal, train, FitCommand.DevLfs(args, terminal, train.Schema), new Applying.ApplyOptions { Cancellation = cancellation });
        var defaults = LabelModelCatalog.ComparisonDefaults(annotators: train.SourceKinds.Contains(SourceKind.Annotator));
        var result = ModelComparison.Run(train, test, dev, named ?? [.. defaults], Enumerable.Range(first, seedCount).ToArray(), tieBreak,
            devForAll: args.Flag("--dev-prior"), log: progress, cancellation: cancellation, warn: line => terminal.Error.WriteLine("warning: " + line),
            testName: testName, devName: args.Has("--dev") ? Inputs.MatrixName(args.Values("--dev")) : null, trainName: Inputs.MatrixName(args.Values("--train")));
        terminal.Out.Write(format switch
        {
            CompareFormat.Json => result.ToJson(timings: timings) + "\n",
            CompareFormat.Markdown => result.ToMarkdown(timings),
            CompareFormat.Csv => result.ToCsv(timings),
            _ => result.ToText(timings),
        });
        // The CSV has no column for a refused model's reason: it goes to stderr, as the other formats hold it.
        if (format == CompareFormat.Csv)
            foreach (var refusal in result.Refused) terminal.Error.WriteLine($"warning: model '{refusal.Model}' not compared: {refusal.Reason}");
        var notCompared = result.Refused.Count == 0 ? "" : $" ({Text.Listing.Counted(result.Refused.Count, "model")} could not be fitted)";
        terminal.Info($"compared {Text.Listing.Counted(result.Rows.Count, "model")} on {testName}{notCompared}, {seeds}, in {clock.Elapsed.TotalSeconds:F2} s");
        return ExitCode.Ok;
    }
}

/// <summary>Output formats of <c>compare</c>.</summary>
internal enum CompareFormat
{
    Text,
    Json,
    Markdown,
    Csv,
}
