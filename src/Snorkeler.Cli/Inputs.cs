using Snorkeler.Data;
using Snorkeler.IO;
using Snorkeler.Loading;

namespace Snorkeler.Cli;

/// <summary>Opening the inputs commands share: data, matrices, LF folders.</summary>
internal static class Inputs
{
    /// <summary>Whether a <c>--model</c> value names a saved model file (<c>.json</c>) rather than a model to fit (<c>auto</c>).</summary>
    public static bool IsModelFile(string model) => model.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The model file <paramref name="path"/> names (a <c>.json</c>; null for a model name such as <c>auto</c>), loaded and
    /// checked against the LFs before they are applied, so that a missing, damaged or mismatched file is told at once
    /// (named as <paramref name="where"/>: the data), not after the LFs have run over all of it.
    /// </summary>
    public static LabelModels.ILabelModel? SavedModelFor(string? path, IReadOnlyList<LabelingFunction> lfs, LabelSchema schema, string where)
    {
        if (path is null || !IsModelFile(path)) return null;
        var model = LabelModels.ModelFile.Load(path);
        LabelModels.LabelModel.CheckCompatible(model, new LabelMatrixBuilder(schema, [.. lfs.Select(l => l.Name)], 1).Build(), where);
        return model;
    }

    /// <summary>The LF loaders, in order: rules first (they declare the classes), then scripts.</summary>
#if SNORKELER_NATIVE
    public static IReadOnlyList<ILfLoader> Loaders { get; } = [new Dsl.RulesLoader()];
#else
    public static IReadOnlyList<ILfLoader> Loaders { get; } = [new Dsl.RulesLoader(), new Scripting.ScriptLoader()];
#endif

    public static readonly OptionSpec ColumnOption = new("--column", "LF=DATA", "read the data column DATA where LFs say LF (e.g. text=CONTENT); repeatable", Many: true)
    {
        Validate = pairs => Aliases(pairs),
    };

    public static readonly OptionSpec CacheDirOption = new("--cache-dir", "DIR", "where compiled C# scripts are cached (default $SNORKELER_CACHE_DIR or ~/.cache/snorkeler)", Role: PathRole.Folder);

    public static readonly OptionSpec LfTimeoutOption = new("--lf-timeout", "SECONDS", "fail the run when one call of a script LF runs longer than this on one row, or scripts' top-level code longer than this while loading (default 10; 0: no limit)");

    /// <summary>The per-call time budget of script LFs: --lf-timeout seconds, 10 by default, 0 for none.</summary>
    public static TimeSpan? LfTimeBudget(Args args)
        => (args.Int("--lf-timeout", 0, 24 * 3600) ?? 10) is var seconds and > 0 ? TimeSpan.FromSeconds(seconds) : null;

    public static readonly OptionSpec DelimiterOption = new("--delimiter", "CHAR", "the field delimiter of CSV data and CSV matrices: , ; | tab space or another ASCII punctuation character (default: detected from the header and first rows)")
    {
        Blank = true,
        Validate = values => { if (values.Count == 1) Delimiter(values[0]); },
    };

    /// <summary>
    /// How a command applies LFs: on <c>--threads</c> workers (default: every core), with a progress line, stopping on
    /// Ctrl-C, a script LF's call bounded by <c>--lf-timeout</c>, and with <c>--fault-tolerant</c> where the command has it.
    /// </summary>
    public static Applying.ApplyOptions ApplyOptions(Args args, Terminal terminal, CancellationToken cancellation) => new()
    {
        Threads = args.Int("--threads", 1, Applying.ApplyOptions.MostThreads) ?? Applying.ApplyOptions.DefaultThreads,
        FaultTolerant = args.Flag("--fault-tolerant"),
        Progress = terminal.Progress("applying"),
        Cancellation = cancellation,
        LfTimeBudget = LfTimeBudget(args),
    };

    /// <summary>The data files with the <c>--column</c> aliases; <paramref name="strictAliases"/> false skips aliases whose data column is missing but whose LF name exists (a dev file already in the LFs' names).</summary>
    public static IDataSource OpenData(IReadOnlyList<string> paths, Args args, bool strictAliases = true)
        => DataSources.WithAliases(DataSources.Open(paths, CsvOptions(args)), Aliases(args), strictAliases);

    /// <summary>
    /// Fails unless <paramref name="data"/> has as many rows as <paramref name="matrix"/> (read from
    /// <paramref name="matrixPath"/>): data given beside a matrix must be the data it was made from, or rows would be
    /// shown beside another row's votes.
    /// </summary>
    public static void RequireMatrixRows(IDataSource data, IMatrixSource matrix, string matrixPath, CancellationToken cancellation)
    {
        var expected = matrix.RowCount ?? matrix.ReadBlocks().Sum(b => (long)b.RowCount);
        var rows = DataSources.CountRows(data, cancellation);
        if (rows != expected) throw RowCountMismatch(data, rows, matrixPath, expected);
    }

    /// <summary>Data of <paramref name="rows"/> rows given beside a matrix of <paramref name="expected"/>: both counts, and what to give instead.</summary>
    public static SnorkelerException RowCountMismatch(IDataSource data, long rows, string matrixPath, long expected)
        => SnorkelerException.InFile(data.Name, $"has {Counted(rows, "row")}, but the label matrix {matrixPath} has {expected:N0}; give the data the matrix was made from");

    /// <summary>How delimited text is read: <c>--delimiter</c>, else detected per file.</summary>
    public static CsvOptions? CsvOptions(Args args)
    {
        var text = args.Value("--delimiter");
        return text is null ? null : new CsvOptions { Delimiter = Delimiter(text) };
    }

    /// <summary>The character a <c>--delimiter</c> value names.</summary>
    private static char Delimiter(string text)
        => text.ToLowerInvariant() switch
        {
            "tab" or "\\t" or "\t" => '\t',
            "space" or " " => ' ',
            "comma" => ',',
            "semicolon" => ';',
            "pipe" => '|',
            // Sylvan reads a delimiter that is ASCII punctuation, a symbol, a space or a tab; a letter or digit would split words and numbers.
            _ when text.Length == 1 && char.IsAscii(text[0]) && (char.IsPunctuation(text[0]) || char.IsSymbol(text[0])) && text[0] != '"' => text[0],
            _ => throw new UsageException($"--delimiter expects one ASCII punctuation character or symbol (, ; | : ^ ~ ...), 'tab' or 'space', got '{text}'"),
        };

    /// <summary>How the delimited-text files among <paramref name="paths"/> are read, for status lines ("semicolon-separated, detected"), or null when none is.</summary>
    public static string? Shape(IReadOnlyList<string> paths, Args args)
    {
        var shapes = new List<(string Path, string Shape)>();
        foreach (var path in paths.Where(p => Path.GetExtension(p).ToLowerInvariant() is ".csv" or ".tsv" or ".txt"))
        {
            var source = new CsvSource(path, CsvOptions(args));
            shapes.Add((path, $"{CsvDialect.Describe(source.Delimiter)}-separated{(source.DelimiterDetected ? ", detected" : "")}"));
        }
        var distinct = shapes.Select(s => s.Shape).Distinct(StringComparer.Ordinal).ToList();
        return distinct.Count switch
        {
            0 => null,
            1 => distinct[0],
            _ => string.Join("; ", shapes.Select(s => $"{Path.GetFileName(s.Path)}: {s.Shape}")),
        };
    }

    /// <summary>The <c>--column LF=DATA</c> pairs.</summary>
    public static Dictionary<string, string> Aliases(Args args) => Aliases(args.Values("--column"));

    private static Dictionary<string, string> Aliases(IReadOnlyList<string> pairs)
    {
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == pair.Length - 1) throw new UsageException($"--column expects LF=DATA (e.g. text=CONTENT), got '{pair}'");
            if (!aliases.TryAdd(pair[..eq], pair[(eq + 1)..]))
                throw new UsageException($"--column gives '{pair[..eq]}' twice ('{pair[..eq]}={aliases[pair[..eq]]}' and '{pair}'); give each LF field once");
        }
        return aliases;
    }

    /// <summary>The cache folder: <c>--cache-dir</c>, else <c>SNORKELER_CACHE_DIR</c>, else <c>$XDG_CACHE_HOME/snorkeler</c>, else <c>~/.cache/snorkeler</c> (as for compiled scripts).</summary>
    public static string CacheRoot(Args args)
    {
        var root = args.Value("--cache-dir");
        if (string.IsNullOrWhiteSpace(root)) root = Environment.GetEnvironmentVariable("SNORKELER_CACHE_DIR");
        if (!string.IsNullOrWhiteSpace(root)) return root;
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        return !string.IsNullOrWhiteSpace(xdg) ? Path.Combine(xdg, "snorkeler")
            : OperatingSystem.IsWindows() ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "snorkeler")
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "snorkeler");
    }

    /// <summary>The class schema a data file declares itself (a Wrench split's label.json), if any.</summary>
    public static LabelSchema? SchemaOf(IReadOnlyList<string> dataPaths)
        => dataPaths.Count > 0 && dataPaths.All(p => p.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) ? WrenchFile.ReadSchema(dataPaths[0]) : null;

    public static LfSet LoadLfs(IReadOnlyList<string> paths, Args args, IDataSource data, LabelSchema? schema, Terminal terminal)
    {
        var set = Load(paths, args, data, schema);
        if (set.HasErrors) throw new DiagnosticsException(set.Diagnostics);
        FileRoles.Check(args, set.Reads);
        terminal.Diagnostics(set.Diagnostics);
        return set;
    }

    /// <summary>Loads the LFs under <paramref name="paths"/> for <paramref name="data"/> (its columns known, when given), reporting nothing.</summary>
    public static LfSet Load(IReadOnlyList<string> paths, Args args, IDataSource? data, LabelSchema? schema)
    {
        var cache = args.Value("--cache-dir") ?? Environment.GetEnvironmentVariable("SNORKELER_CACHE_DIR");
        return new LfProject(Loaders).Load(paths, schema, data?.Schema, cache, data is null ? null : DataHints.Of(data), LfTimeBudget(args));
    }

    /// <summary>Options of every command that reads a label matrix: long-format columns, gold file, storage, source kinds.</summary>
    public static readonly OptionSpec[] MatrixOptions =
    [
        new("--gold", "GOLD.csv", "long format: gold labels, a file with task and label columns, joined on the task", Role: PathRole.Input),
        new("--task-column", "NAME", "long format: the task column (default task)"),
        new("--worker-column", "NAME", "long format: the worker (source) column (default worker)"),
        new("--label-column", "NAME", "long format: the label column (default label)"),
        new("--gold-task-column", "NAME", "the --gold file's task column, when it is named otherwise than the answers' (default: the --task-column, else task)"),
        new("--gold-label-column", "NAME", "the --gold file's label column, when it is named otherwise than the answers' (default: the --label-column, else label)"),
        new("--kind-column", "NAME", "long format: a column saying whether a source is an 'annotator' (default) or an 'lf'"),
        new("--repeats", "last|first|error", "long format: which answer counts when a worker answered a task twice (default last)"),
        new("--storage", "auto|dense|sparse", "how votes are held in memory (default auto: sparse below 15% of cells)"),
        new("--annotators", "NAME,...|all", "wide matrices: the columns that are people, whose -1 means missing rather than abstain"),
    ];

    /// <summary>
    /// The reading options the matrix options give; with a model, its classes and (long format) its sources in its
    /// order. Without <paramref name="requireGold"/>, <c>--gold-column</c> only tells a CSV matrix's gold column from its LFs.
    /// </summary>
    public static MatrixReadOptions ReadOptions(Args args, string path, LabelModels.ILabelModel? model = null, bool requireGold = true)
    {
        var annotators = args.Value("--annotators") is { } a
            ? a.Equals("all", StringComparison.OrdinalIgnoreCase) ? ["*"] : a.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : null;
        var goldColumn = args.Value("--gold-column");
        foreach (var (option, column) in new[] { ("--gold-task-column", "task"), ("--gold-label-column", "label") })
            if (args.Has(option) && !args.Has("--gold"))
                throw new UsageException($"{option} names the {column} column of the --gold file: give --gold GOLD.csv");
        var csv = CsvOptions(args);
        return new MatrixReadOptions
        {
            GoldColumn = requireGold ? goldColumn : Gold.CsvGoldColumn(path, goldColumn, csv),
            Delimiter = csv?.Delimiter,
            GoldPath = args.Value("--gold"),
            GoldTaskColumn = args.Value("--gold-task-column"),
            GoldLabelColumn = args.Value("--gold-label-column"),
            TaskColumn = args.Value("--task-column"),
            WorkerColumn = args.Value("--worker-column"),
            LabelColumn = args.Value("--label-column"),
            KindColumn = args.Value("--kind-column"),
            Repeats = args.Choice("--repeats", RepeatedAnswers.Last),
            Storage = args.Choice("--storage", MatrixStorage.Auto),
            Annotators = annotators,
            Schema = model?.Schema,
            Sources = model?.LfNames,
        };
    }

    /// <summary>Opens a matrix (or several files of long-format answers as one); an empty one (a header and no rows) is an error, since nothing can be learnt from it.</summary>
    public static IMatrixSource OpenMatrix(IReadOnlyList<string> paths, string? goldColumn = null, Terminal? terminal = null) => OpenMatrix(paths, new MatrixReadOptions { GoldColumn = goldColumn }, terminal);

    /// <summary>
    /// Opens the matrix of an option that takes several files (<c>--matrix b1.csv b2.csv</c>): one file as it is, or
    /// several files of answers in long format as one matrix (a task in two files is one task); wide matrices are not combined.
    /// The command's matrix options (and a model's classes and sources) say how; what long-format reading left out is
    /// noted on stderr. With <paramref name="requireGold"/>, <c>--gold-column</c> asks for gold labels.
    /// </summary>
    public static IMatrixSource OpenMatrix(IReadOnlyList<string> paths, Args args, Terminal? terminal, LabelModels.ILabelModel? model = null, bool requireGold = true)
        => OpenMatrix(paths, ReadOptions(args, paths[0], model, requireGold), terminal);

    /// <summary>The matrix files of an option, as one name for messages and report titles.</summary>
    public static string MatrixName(IReadOnlyList<string> paths) => string.Join(", ", paths);

    /// <summary>A training matrix: opened as <see cref="OpenMatrix(IReadOnlyList{string}, Args, Terminal?, LabelModels.ILabelModel?, bool)"/> without gold labels, and refused naming the file when it has no LFs to fit on.</summary>
    public static IMatrixSource OpenTraining(IReadOnlyList<string> paths, Args args, Terminal? terminal)
    {
        var matrix = OpenMatrix(paths, args, terminal, requireGold: false);
        return matrix.LfNames.Count > 0 ? matrix : throw SnorkelerException.InFile(MatrixName(paths), LabelModels.LabelModel.NoLfs);
    }

    /// <summary>
    /// Refuses <c>--lfs</c> without <c>--dev</c> in the commands whose LFs only label a dev data file (<c>fit</c>,
    /// <c>compare</c>), where it was passed over without a word.
    /// </summary>
    public static void RequireDevForLfs(Args args)
    {
        if (args.Has("--lfs") && !args.Has("--dev"))
            throw new UsageException("--lfs goes with --dev FILE: the LFs label a dev data file (the training matrix holds their votes already)");
    }

    /// <summary>
    /// Refuses, naming it, a file among several <c>--dev</c> files that holds no answers in long format (a data file, a
    /// wide matrix): only answers have task ids to join files on. Run before the training matrix is read, as it reads only headers.
    /// </summary>
    public static void RequireDevFiles(Args args)
    {
        var paths = args.Values("--dev");
        if (paths.Count < 2) return;
        var options = ReadOptions(args, paths[0]);
        foreach (var path in paths)
        {
            InputFile.RequireRegular(path, "a dev file");
            if (!AnswersFile.HasAnswerColumns(path, options))
                throw SnorkelerException.InFile(path, $"{NotAnswers(path)} is not combined with other --dev files; several are read as one only when all hold answers in long format (task,worker,label), so give it alone");
        }
    }

    /// <summary>
    /// The labelled dev set of <c>--dev</c> (see <see cref="Gold.OpenDev"/>); long-format answers are read like the
    /// training matrix, with its classes and workers and the <c>--gold</c> labels, and several answer files as one
    /// (<see cref="RequireDevFiles"/> says why other files come alone).
    /// </summary>
    public static IMatrixSource? OpenDev(Args args, Terminal terminal, IMatrixSource? train,
        Func<string, IDataSource, (IReadOnlyList<LabelingFunction> Lfs, LabelSchema Schema)>? lfs, Applying.ApplyOptions options)
    {
        var paths = args.Values("--dev");
        if (paths.Count == 0) return null;
        if (paths.Count > 1 || AnswersFile.HasAnswerColumns(paths[0], ReadOptions(args, paths[0])))
        {
            var dev = OpenMatrix(paths, args, terminal, train is null ? null : new LabelModels.MajorityVoteModel(train.Schema, train.LfNames));
            return dev.HasGold ? dev : throw SnorkelerException.InFile(MatrixName(paths), "the dev answers have no gold labels; give them with --gold GOLD.csv");
        }
        return Gold.OpenDev(args, terminal, lfs, options);
    }

    /// <summary>What a file that holds no long-format answers is, for a message.</summary>
    private static string NotAnswers(string path)
        => Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".json" => "a Wrench split",
            ".snkm" => "a .snkm matrix",
            ".npy" => "a .npy matrix",
            _ when MatrixFile.IsMatrix(path) => "a wide label matrix",
            _ => "a data file (no task, worker and label columns)",
        };

    /// <summary>The classes below the largest one that no vote and no gold label of <paramref name="matrix"/> names, in order.</summary>
    private static List<int> UnnamedClasses(IMatrixSource matrix)
    {
        var k = matrix.Schema.Cardinality;
        var named = new bool[k];
        var lfs = new int[matrix.LfNames.Count];
        var labels = new int[matrix.LfNames.Count];
        foreach (var block in matrix.ReadBlocks())
            for (var i = 0; i < block.RowCount; i++)
            {
                var count = block.CopyVotes(i, lfs, labels);
                for (var v = 0; v < count; v++) named[labels[v]] = true;
                if (block.HasGold && block.Gold(i) is >= 0 and var gold) named[gold] = true;
            }
        return Enumerable.Range(0, k - 1).Where(c => !named[c]).ToList();
    }

    /// <summary>"1 task", "1,234 tasks".</summary>
    private static string Counted(long count, string noun) => Text.Listing.Counted(count, noun);

    private static IMatrixSource OpenMatrix(IReadOnlyList<string> paths, MatrixReadOptions options, Terminal? terminal)
    {
        var path = MatrixName(paths);
        var matrix = MatrixFile.Open(paths, terminal is null ? options : options with { Warn = terminal.Warning });
        if (matrix.RowCount == 0) throw SnorkelerException.InFile(path, "the matrix has no rows");
        // A NumPy matrix's gold file is found through its sidecar: without one, a gold file beside it is not read, and a
        // comparison then says only that the matrix has no gold.
        if (matrix is not AnswerMatrix && terminal is not null && paths.Count == 1 && path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase)
            && !File.Exists(MatrixFile.SchemaSidecar(path)) && File.Exists(MatrixFile.NpyGoldFile(path)))
            terminal.Error.WriteLine($"warning: {path}: {Path.GetFileName(MatrixFile.NpyGoldFile(path))} beside it is not read: a .npy matrix's gold file is named by its schema sidecar ({Path.GetFileName(MatrixFile.SchemaSidecar(path))}), which is missing, so its classes are also numbered 0 to {matrix.Schema.Cardinality - 1} after its largest vote");
        // Without a sidecar the classes are numbered after the largest label, so one stray label (11 in a matrix of 0s and 1s)
        // makes a dozen classes, which the model fits and the labels carry as probability columns, without a word.
        if (matrix is not AnswerMatrix && terminal is not null && paths.Count == 1 && matrix.Schema.Cardinality >= 3 && !matrix.Schema.Equals(options.Schema)
            && Path.GetExtension(path).ToLowerInvariant() is ".csv" or ".tsv" or ".npy" && !File.Exists(MatrixFile.SchemaSidecar(path))
            && UnnamedClasses(matrix) is { Count: > 0 } unnamed)
        {
            var largest = matrix.Schema.Cardinality - 1;
            terminal.Error.WriteLine($"warning: {path}: without a schema sidecar the classes are numbered 0 to {largest} after the largest label, "
                + $"and {Text.Listing.Ranges(unnamed, "class", "classes")} below it {(unnamed.Count == 1 ? "is" : "are")} named by no vote{(matrix.HasGold ? " or gold label" : "")}: "
                + $"if {largest} is a mistake, correct it; else name the classes in {Path.GetFileName(MatrixFile.SchemaSidecar(path))}");
        }
        if (matrix is AnswerMatrix answers && terminal is not null)
        {
            var r = answers.Report;
            terminal.Info($"{path}: {Counted(r.Answers, "answer")}, {Counted(answers.RowCount ?? 0, "task")}, {Counted(answers.LfNames.Count, "worker")}, classes {answers.Schema.Listed}{(answers.HasGold ? $", gold labels for {Counted(r.GoldTasks, "task")}" : "")}; {(answers.Matrix.IsSparse ? "sparse" : "dense")} storage");
            foreach (var note in r.Notes()) terminal.Info($"{path}: {note}");
            foreach (var warning in r.Warnings()) terminal.Error.WriteLine(Text.Printable.OneLine($"warning: {path}: {warning}"));
        }
        // Answers without a label.json have their classes numbered after the largest label too, a gold label's included: one
        // stray 7 among 0s and 1s made eight classes, which the status line listed but --quiet did not.
        if (matrix is AnswerMatrix numbered && terminal is not null && options.Schema is null && matrix.Schema.Cardinality >= 3
            && matrix.Schema.Equals(LabelSchema.Numbered(matrix.Schema.Cardinality)) && paths.All(p => AnswersFile.SchemaBeside(p) is null)
            && UnnamedClasses(numbered) is { Count: > 0 } unnamedAnswers)
        {
            var largest = matrix.Schema.Cardinality - 1;
            terminal.Error.WriteLine($"warning: {path}: without a label.json the classes are numbered 0 to {largest} after the largest label, "
                + $"and {Text.Listing.Ranges(unnamedAnswers, "class", "classes")} below it {(unnamedAnswers.Count == 1 ? "is" : "are")} named by no answer{(matrix.HasGold ? " or gold label" : "")}: "
                + $"if {largest} is a mistake, correct it; else name the classes in a label.json beside it");
        }
        return matrix;
    }

    public static IReadOnlyList<double>? Prior(Args args, string name = "--prior")
    {
        var text = args.Value(name);
        if (text is null) return null;
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new double[parts.Length];
        for (var i = 0; i < parts.Length; i++)
            if (!double.TryParse(parts[i], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out values[i]))
                throw new UsageException($"{name} expects numbers separated by commas (e.g. 0.6,0.4), got '{text}'");
        if (values.Any(v => !double.IsFinite(v) || v <= 0))
            throw new UsageException($"{name} must be positive numbers, got {text}");
        // 1e-320,1 sums to 1 and so passed normalisation untouched, but a subnormal share breaks the models' logarithms
        // (flyingsquid: "the base scores must be 2 finite numbers"); the rule is the one normalisation already states.
        if (values.Max() / values.Min() > 1e300)
            throw new UsageException($"{name} {text} gives a class a share too small to represent; give shares within a factor of 1e300 of each other");
        return LabelModels.ClassPrior.Validate(values, values.Length); // normalised: every model sees shares summing to 1
    }

    /// <summary>
    /// <see cref="Prior(Args, string)"/>, with one number per class of <paramref name="schema"/>: refused before any fit,
    /// as mv (which ignores the prior) took a prior of another length and wmv failed in its inner snorkel fit.
    /// </summary>
    public static IReadOnlyList<double>? Prior(Args args, LabelSchema schema, string name = "--prior")
    {
        var prior = Prior(args, name);
        if (prior is not null && prior.Count != schema.Cardinality)
            throw new UsageException($"{name} {args.Value(name)} has {prior.Count} number{(prior.Count == 1 ? "" : "s")} but the task has {schema.Cardinality} classes ({string.Join(", ", schema.ClassNames)}); give one per class");
        return prior;
    }
}
