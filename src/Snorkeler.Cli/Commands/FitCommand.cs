using System.Diagnostics;
using System.Text.Json.Nodes;
using Snorkeler.LabelModels;

namespace Snorkeler.Cli.Commands;

/// <summary><c>snorkeler fit</c>: fits a label model on a label matrix.</summary>
internal sealed class FitCommand : ICommand
{
    /// <summary>Options passed through to the model's trainer (names without dashes); each model reads those it knows.</summary>
    internal static readonly OptionSpec[] ModelOptionSpecs =
    [
        new("--epochs", "N", "snorkel: full-batch epochs (default 100)"),
        new("--lr", "X", "snorkel: learning rate (default 0.01)"),
        new("--l2", "X", "snorkel: L2 penalty towards the initial parameters (default 0)"),
        new("--momentum", "X", "snorkel: SGD momentum (default 0.9)"),
        new("--prec-init", "X", "snorkel: initial LF precision (default 0.7)"),
        new("--deps", "none|auto|A:B,...", "snorkel: LF pairs modelled as dependent given the class (default none; auto: found from the votes)"),
        new("--max-iter", "N", "dawid-skene, ebcc, ibcc, mace, glad: iteration cap"),
        new("--tol", "X", "dawid-skene, ebcc, ibcc, mace, glad: convergence tolerance"),
        new("--elbo-tol", "X", "ebcc: stop too when the ELBO moves by less than this share of itself (default 1e-7; 0: off)"),
        new("--smoothing", "auto|X", "dawid-skene: Dirichlet pseudo-votes per confusion row (auto, default: learned from how much the sources differ)"),
        new("--abstain", "missing|vote", "dawid-skene: an abstain is a missing observation (default) or an outcome"),
        new("--confusion", "full|one-coin", "dawid-skene: full confusion matrices (default) or one accuracy per source"),
        new("--duplicates", "once|each", "dawid-skene: identical sources counted once between them (default) or each in full"),
        new("--guard", "auto|mv|none", "dawid-skene: keep majority vote's model when the fit agrees less with held-out sources (auto, default: checked on people's answers, when the fit finds LFs right less often than a uniform guess, when it labels most rows against all their votes, and when the row-activity family reads the votes otherwise; majority vote's model is taken unchecked where every vote is for one class, or where that family reads them otherwise and the fit overrules every vote on at least 30 % of the rows with votes)"),
        new("--exclusive", "group|independent", "dawid-skene: single-class LFs of one class that never vote together as one source (group, default) or as independent ones"),
        new("--derived", "given|independent", "dawid-skene: an LF whose every vote is another LF's vote (a narrower variant of it) modelled given that LF (given, default) or as an independent one"),
        new("--activity", "auto|none|X", "dawid-skene: model each row's activity (LFs that fire together on busy rows) when the likelihood says the rows fire together (auto, default), never (none), or at spread X (0 to 2)"),
        new("--people", "auto|given", "dawid-skene: a matrix whose sources vote independently of the class is read as people's answers, -1 not asked (auto, default), or as given"),
        new("--dev-gold", "prior|clamp", "dawid-skene, ebcc: with --dev, its gold frequencies are the prior (prior, default), or its rows join the fit clamped to their gold class (clamp: semi-supervised EM)"),
        new("--select-by", "expected-accuracy|accuracy|macro-f1|log-loss", "auto: the dev-split metric candidates are compared by (default expected-accuracy)"),
        new("--subtypes", "N", "ebcc: subtypes per class (default 10)"),
        new("--a-pi", "X", "ebcc: Dirichlet concentration over a class's subtypes (default 0.1)"),
        new("--alpha", "X|mv", "ebcc: Dirichlet prior of the class proportions, per class, or mv: majority vote's class counts (default mv)"),
        new("--a-v", "X", "ebcc: prior pseudo-count of a right vote (default 4)"),
        new("--b-v", "X", "ebcc: prior pseudo-count of each wrong vote (default 1)"),
        new("--restarts", "N|auto", "ibcc, mace, glad, ebcc: fits from different starts, the best kept by ELBO or likelihood (seeded); auto (default): 5 (glad 3, ebcc 10) up to 100,000 answers, fewer in proportion beyond"),
        new("--diagonal", "X", "ibcc: prior pseudo-count of a correct answer"),
        new("--off-diagonal", "X", "ibcc: prior pseudo-count of a wrong answer"),
        new("--class-prior-count", "X", "ibcc, mace: prior pseudo-count of each class"),
        new("--communities", "N", "ibcc: annotator communities, each with its own learned prior (mixture)"),
        new("--pool", "true|false", "ibcc, mace: learn the annotators' shared prior from all of them (empirical Bayes)"),
        new("--competence-prior", "X", "mace: Beta prior pseudo-count of competent answers"),
        new("--spam-prior", "X", "mace: Beta prior pseudo-count of spammed answers"),
        new("--strategy-prior", "X", "mace: Dirichlet prior pseudo-count of each label when spamming"),
        new("--ability-prior", "X", "glad: mean of the Gaussian prior on worker ability"),
        new("--prior-estimate", "uniform|mv|em", "snorkel, dawid-skene, wmv, flyingsquid: the prior when neither --prior nor --dev gives one"),
        new("--accuracies", "auto|dev|snorkel", "wmv: where LF accuracies come from"),
        new("--max-accuracy", "X", "wmv, flyingsquid: cap on an LF's estimated accuracy"),
        new("--partners", "N", "flyingsquid: triplet partners per LF"),
        new("--min-correlation", "X", "flyingsquid: smallest pair correlation used in a triplet"),
        new("--fallback-accuracy", "X", "flyingsquid: accuracy of an LF with no usable triplet"),
    ];

    public string Name => "fit";

    public string Summary => "fit a label model on a label matrix and save it as JSON";

    /// <summary>Built on first use: its model list initialises the model catalog, which every other command's start would pay for (docs/benchmarks.md, sixth pass).</summary>
    public IReadOnlyList<OptionSpec> Options => field ??=
    [
        new("--matrix", "MATRIX", "the training label matrix (.snkm, .csv, .npy, Wrench .json, or answers task,worker,label in .csv/.jsonl/.parquet); several answer files (task,worker,label) are read as one", Many: true, Role: PathRole.Input) { DataFiles = true },
        new("--stats", "FILE", "instead of --matrix: sufficient statistics written by 'apply --stats', added up across shards", Many: true, Role: PathRole.Input) { Alone = true },
        new("--model", "NAME", $"label model: {string.Join(", ", LabelModelCatalog.All.Select(k => k.Name))}", Required: true),
        new("--out", "MODEL.json", "where to save the fitted model", Required: true, Role: PathRole.Output),
        Gold.DevAnswersOption("the class prior, weights and model selection"),
        new("--seed", "N", "random seed (default 0); same inputs and seed give the same model"),
        new("--prior", "P0,P1,...", "the class prior, one number per class"),
        Gold.ColumnOption,
        Gold.LfsForDevOption,
        Inputs.ColumnOption,
        Inputs.DelimiterOption,
        .. Inputs.MatrixOptions,
        .. ModelOptionSpecs,
    ];

    public int Run(Args args, Terminal terminal, CancellationToken cancellation)
    {
        var kind = LabelModelCatalog.Get(args.Required("--model"));
        var options = ModelOptionsFrom(args);
        var trainer = kind.CreateTrainer(options);
        if (!args.Has("--matrix") && !args.Has("--stats")) throw new UsageException("missing required option '--matrix MATRIX' (or '--stats FILE...')");
        if (args.Has("--matrix") && args.Has("--stats")) throw new UsageException("give --matrix MATRIX or --stats FILE..., not both");
        // A model that cannot fit from statistics is a usage error before any file is read (a --dev data file would be labelled first).
        if (args.Has("--stats") && trainer is not IStatisticsTrainer)
            throw new UsageException($"model '{kind.Name}' cannot be fitted from statistics (--stats); models that can: {string.Join(", ", LabelModelCatalog.All.Where(k => k.CreateTrainer(ModelOptions.Defaults) is IStatisticsTrainer).Select(k => k.Name))}");
        Inputs.RequireDevForLfs(args);
        Inputs.RequireDevFiles(args);
        var train = args.Has("--matrix") ? Inputs.OpenTraining(args.Values("--matrix"), args, terminal) : null;
        var prior = train is null ? Inputs.Prior(args) : Inputs.Prior(args, train.Schema);
        var context = new FitContext
        {
            Seed = args.Int("--seed") ?? 0,
            Dev = Inputs.OpenDev(args, terminal, train, DevLfs(args, terminal, train?.Schema), new Applying.ApplyOptions { Cancellation = cancellation }),
            DevName = args.Has("--dev") ? Inputs.MatrixName(args.Values("--dev")) : null,
            TrainName = train is null ? null : Inputs.MatrixName(args.Values("--matrix")),
            Prior = prior,
            // Every candidate of auto (hundreds with a dev set) only with --verbose; the choice is one line below.
            Log = terminal.Verbose && !terminal.Quiet ? terminal.Error.WriteLine : null,
            Warn = terminal.Error.WriteLine,
            Cancellation = cancellation,
        };
        if (train is not null && context.Dev is not null
            && LabelModel.Difference(train, context.Dev, $"the training matrix {Inputs.MatrixName(args.Values("--matrix"))}", "the dev split") is { } difference)
            throw SnorkelerException.InFile(Inputs.MatrixName(args.Values("--dev")), difference);
        WarnUnread(options, kind.Name, terminal, context.Dev is not null);
        StartupTrace.Mark("fit: matrix opened");
        var clock = Stopwatch.StartNew();
        ILabelModel model;
        long rows;
        int lfCount;
        var source = "LF";
        if (train is not null)
        {
            if (!HasVote(train)) WarnNoVote(terminal, context.TrainName);
            model = trainer.Fit(train, context);
            rows = train.RowCount ?? 0;
            lfCount = train.LfNames.Count;
            if (train.SourceKinds.Count > 0 && train.SourceKinds.All(k => k == SourceKind.Annotator)) source = "worker";
        }
        else
        {
            var fromStatistics = (IStatisticsTrainer)trainer; // checked before any file was read
            // Shard by shard, so that counts adding up past the largest number name the file that made them overflow.
            SufficientStatistics? statistics = null;
            var seen = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var path in args.Values("--stats"))
            {
                var shard = SufficientStatistics.Load(path);
                // A copy of a shard under another name (a path given twice is a usage error) adds its rows twice.
                if (shard.ContentHash is { } hash && !seen.TryAdd(hash, path))
                    terminal.Error.WriteLine($"warning: {path}: holds the same counts as {seen[hash]} ({Text.Listing.Counted(shard.RowCount, "row")} each), so its rows are counted twice; "
                                             + "if it is a copy of that shard, leave it out");
                if (statistics is null) statistics = SufficientStatistics.Merge([shard]);
                else
                {
                    try { statistics.Add(shard, path); }
                    catch (OverflowException) { throw SnorkelerException.InFile(path, $"its counts ({shard.RowCount:N0} rows) added to the other shards' overflow; a forged or damaged statistics file?"); }
                }
            }
            if (statistics is null) throw new UsageException("--stats needs at least one file");
            // Named by their files: the model's own check said "snorkel: the training matrix has no rows".
            var statsName = Inputs.MatrixName(args.Values("--stats"));
            if (statistics.RowCount == 0)
                throw SnorkelerException.InFile(statsName, "the statistics count no rows, so there is nothing to fit ('apply --stats' writes the statistics of the rows it applied the LFs to)");
            if (!HasVote(statistics)) WarnNoVote(terminal, statsName);
            _ = Inputs.Prior(args, statistics.Schema);
            // The dev split must be of the statistics' classes and LFs, as it must be of a training matrix's.
            if (context.Dev is not null && LabelModel.Difference(LabelMatrix.Create(statistics.Schema, statistics.LfNames.ToArray(), new int[0, statistics.LfNames.Count]), context.Dev,
                    $"the statistics {args.Values("--stats")[0]}", "the dev split") is { } devDifference)
                throw SnorkelerException.InFile(Inputs.MatrixName(args.Values("--dev")), devDifference);
            model = fromStatistics.Fit(statistics, context);
            rows = statistics.RowCount;
            lfCount = statistics.LfNames.Count;
        }
        var seconds = clock.Elapsed.TotalSeconds;
        StartupTrace.Mark("fit: fitted");
        var outPath = args.Required("--out");
        // No wall time in the file: the same inputs and seed give the same bytes (the time is on the status line below).
        ModelFile.Save(model, outPath, new JsonObject
        {
            ["seed"] = context.Seed,
            ["train_rows"] = rows,
            ["snorkeler_version"] = Cli.Version,
        });
        terminal.Info($"fitted '{model.Name}' on {Text.Listing.Counted(rows, "row")} × {Text.Listing.Counted(lfCount, source)} in {seconds:0.000} s; wrote {outPath}");
        if (ModelChoice.Of(model) is { } selection) terminal.Info(selection.Describe());
        return ExitCode.Ok;
    }

    /// <summary>Warns that no source voted anywhere (<paramref name="name"/> names the training input), as a fit learns nothing then.</summary>
    private static void WarnNoVote(Terminal terminal, string? name)
        => terminal.Error.WriteLine($"warning: {name}: every vote abstains (no source votes on any row), "
                                    + "so the model has nothing to learn from and labels every row by its class prior alone; 'snorkeler analyze' shows each source's coverage");

    /// <summary>True when some LF voted some class on some row of the statistics.</summary>
    private static bool HasVote(SufficientStatistics statistics)
    {
        for (var j = 0; j < statistics.LfCount; j++)
            for (var c = 0; c < statistics.Cardinality; c++)
                if (statistics.VoteCount(j, c) > 0) return true;
        return false;
    }

    /// <summary>True when some source votes on some row: a pass that stops at the first block with a vote.</summary>
    private static bool HasVote(IMatrixSource matrix)
    {
        foreach (var block in matrix.ReadBlocks())
            if (block.VoteCount() > 0) return true;
        return false;
    }

    /// <summary>Loads the LFs of <c>--lfs</c> for labelling a <c>--dev</c> data file, or null when none are given.</summary>
    internal static Func<string, Data.IDataSource, (IReadOnlyList<LabelingFunction>, LabelSchema)>? DevLfs(Args args, Terminal terminal, LabelSchema? schema)
        => !args.Has("--lfs") ? null : (path, data) =>
        {
            var set = Inputs.LoadLfs(args.Values("--lfs"), args, data, schema ?? Inputs.SchemaOf([path]), terminal);
            return (set.Functions, set.Schema!);
        };

    internal static ModelOptions ModelOptionsFrom(Args args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var spec in ModelOptionSpecs)
            if (args.Value(spec.Name) is { } v) values[spec.Name[2..]] = v;
        return new ModelOptions(values);
    }

    internal static void WarnUnread(ModelOptions options, string model, Terminal terminal, bool hasDev)
    {
        foreach (var name in options.Unread)
            terminal.Error.WriteLine($"warning: option --{name} does not apply to model '{model}' and was ignored");
        // 'fit --model auto --select-by accuracy' without --dev chose by held-out agreement, saying nothing of --select-by.
        foreach (var name in ModelOptions.DevOnly.Where(n => !hasDev && options.Given.ContainsKey(n) && !options.Unread.Contains(n)))
            terminal.Error.WriteLine($"warning: option --{name} applies only with a labelled dev split (--dev) and was ignored");
    }
}
