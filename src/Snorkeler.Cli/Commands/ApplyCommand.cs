using Snorkeler.Applying;
using Snorkeler.IO;

namespace Snorkeler.Cli.Commands;

/// <summary><c>snorkeler apply</c>: applies LFs to data and writes the label matrix.</summary>
internal sealed class ApplyCommand : ICommand
{
    public string Name => "apply";

    public string Summary => "apply LFs to data and write the label matrix (.snkm, .csv or .npy)";

    public IReadOnlyList<OptionSpec> Options => field ??=
    [
        new("--lfs", "PATH", "LF files (.rules, .csx) or folders of them", Many: true, Required: true, Role: PathRole.Input),
        new("--data", "FILE", "data: .csv, .tsv, .jsonl, .parquet or a Wrench .json split; several files are read one after another", Many: true, Required: true, Role: PathRole.Input) { DataFiles = true },
        new("--out", "MATRIX", "the label matrix to write; the extension picks the format", Required: true, Role: PathRole.Output, Beside: FileRoles.Sidecar)
        {
            Formats = MatrixWriter.Extensions,
            LeadsUnit = args => FileRoles.Sidecar(args.Required("--out")).Any() || args.Value("--stats") is not null, // a .snkm alone is one file
        },
        new("--threads", "N", "worker threads (default: the number of cores)"),
        new("--fault-tolerant", null, "an LF that throws abstains on that row; failures are counted and reported"),
        Inputs.LfTimeoutOption,
        new("--stats", "FILE", "also write this shard's sufficient statistics, for 'fit --stats' across shards", Role: PathRole.Output),
        new("--incremental", null, "reuse each unchanged LF's column from the cache (keyed by the data's content and the LF's source) and store new ones; after editing one LF only it is evaluated"),
        Gold.ColumnOption,
        Inputs.ColumnOption,
        Inputs.DelimiterOption,
        Inputs.CacheDirOption,
    ];

    public int Run(Args args, Terminal terminal, CancellationToken cancellation)
    {
        var dataPaths = args.Values("--data");
        var outPath = args.Required("--out");
        MatrixWriter.CheckExtension(outPath);
        // 'fit --stats' refuses a file named as a matrix, so writing one would leave statistics nothing reads.
        if (args.Value("--stats") is { } statsPath && LabelModels.SufficientStatistics.IsMatrixName(statsPath))
            throw new UsageException($"--stats '{statsPath}' is named as a label matrix ({Path.GetExtension(statsPath)}), but statistics are a JSON file that 'fit --stats' reads; name it .json");
        var options = Inputs.ApplyOptions(args, terminal, cancellation) with { ReuseBlocks = true }; // the sink writes and counts each block and keeps none
        var threads = options.Threads;
        var opened = Inputs.OpenData(dataPaths, args);
        // With workers, the first chunks are read and parsed on the second core while the LFs load (docs/benchmarks.md).
        using var readAhead = threads > 1 && !args.Flag("--incremental") ? new Data.ReadAheadSource(opened, new ApplyOptions().BatchRows, Applier.ChunksInFlight(threads), parsed: threads) : null;
        var data = (Data.IDataSource?)readAhead ?? opened;
        var set = Inputs.LoadLfs(args.Values("--lfs"), args, data, Inputs.SchemaOf(dataPaths), terminal);
        var lfs = set.Functions;
        var schema = set.Schema!;
        StartupTrace.Mark("apply: data opened, LFs loaded");

        using var gold = LabelledData.Gold(dataPaths, data, schema, args.Value("--gold-column"), terminal.Warning);
        using var writer = MatrixWriter.Create(outPath, schema, lfs.Select(l => l.Name).ToArray(), gold is null ? null : args.Value("--gold-column") ?? "gold");
        var statistics = args.Value("--stats") is null ? null : new LabelModels.SufficientStatistics(schema, lfs.Select(l => l.Name).ToArray());
        var counts = new Analysis.LfWarnings.Counts(schema, lfs.Select(l => l.Name).ToArray());
        void Sink(LabelMatrix block)
        {
            if (gold is not null) block = gold.Attach(block);
            writer.Write(block);
            statistics?.Add(block);
            counts.Add(block);
        }
        options = options with { Progress = terminal.Progress("applying") }; // its rate counted from here, not from loading the LFs
        var result = Apply(args, terminal, dataPaths, data, lfs, schema, Sink, options);
        StartupTrace.Mark("apply: rows applied");
        if (result.Rows == 0) throw new SnorkelerException($"{data.Name}: the data has no rows to label");
        // The matrix, its companions and the statistics are one unit: a statistics file that cannot be written leaves no matrix either.
        var outputs = writer.Prepare().ToList();
        try
        {
            if (statistics is not null) outputs.Add(statistics.Prepare(args.Value("--stats")!));
            AtomicFile.Commit(outputs);
        }
        finally
        {
            foreach (var output in outputs) output.Dispose();
        }
        StartupTrace.Mark("apply: matrix committed");
        var shape = terminal.Quiet ? null : Inputs.Shape(dataPaths, args); // for the status line only: it opens every file again
        terminal.Info($"applied {Text.Listing.Counted(lfs.Count, "LF")} to {Text.Listing.Counted(result.Rows, "row")}{(shape is null ? "" : $" ({shape})")} in {result.Elapsed.TotalSeconds:0.00} s ({result.RowsPerSecond:N0} rows/s){(gold is null ? "" : $", {Gold.Describe(gold)}")}; wrote {outPath}");
        ReportFailures(terminal, lfs, result);
        terminal.Diagnostics(Warnings(counts, lfs, data, args.Value("--gold-column"), dataHasGold: gold is not null, args, cancellation));
        return ExitCode.Ok;
    }

    /// <summary>
    /// The <c>snorkeler rows</c> command that reads the same LFs and data as this run (or the LFs and <paramref name="data"/>,
    /// a dev file), as a shell takes it; with <paramref name="gold"/>, the <c>--gold-column</c> too, which buckets about
    /// gold (<c>--wrong</c>) need. With <paramref name="matrix"/>, the command reads those matrix files instead of applying
    /// the LFs; rows needs the data beside them, so <paramref name="data"/> should then name it.
    /// </summary>
    internal static string RowsCommand(Args args, bool gold = false, string? data = null, IReadOnlyList<string>? matrix = null)
    {
        var command = new System.Text.StringBuilder("snorkeler rows");
        if (matrix is not null)
        {
            command.Append(" --matrix");
            foreach (var file in matrix) command.Append(' ').Append(Text.Listing.ShellWord(file));
        }
        foreach (var option in (string[])["--lfs", "--data", "--column", "--delimiter", "--gold-column"])
        {
            if (option == "--gold-column" && !gold) continue;
            var values = option == "--data" && data is not null ? [data] : args.Values(option);
            if (values.Count == 0) continue;
            command.Append(' ').Append(option);
            foreach (var value in values) command.Append(' ').Append(Text.Listing.ShellWord(value));
        }
        return command.ToString();
    }

    /// <summary>Applies the LFs, through the column cache when <c>--incremental</c> is given, and ends the progress line.</summary>
    internal static ApplyResult Apply(Args args, Terminal terminal, IReadOnlyList<string> dataPaths, Data.IDataSource data,
        IReadOnlyList<LabelingFunction> lfs, LabelSchema schema, Action<LabelMatrix> sink, ApplyOptions options)
    {
        if (!args.Flag("--incremental"))
        {
            var result = Applier.Apply(data, lfs, schema, sink, options);
            terminal.EndProgress();
            return result;
        }
        var cache = new ColumnCache(Inputs.CacheRoot(args));
        var (cached, reused) = cache.Apply(data, cache.InputKey(dataPaths, Inputs.Aliases(args)), lfs, schema, sink, options);
        terminal.EndProgress();
        terminal.Info($"incremental: {reused} of {lfs.Count} LF columns from the cache, {lfs.Count - reused} evaluated");
        return cached;
    }

    /// <summary>What the data shows about the LFs: the matrix's warnings (from <paramref name="counts"/>) and the rules' comparisons with values the data never holds.</summary>
    /// <paramref name="dataHasGold"/> says whether the data holds the gold column, so that the rows command shown for
    /// an LF below chance can show its wrong rows.
    internal static IEnumerable<Diagnostic> Warnings(Analysis.LfWarnings.Counts counts, IReadOnlyList<LabelingFunction> lfs, Data.IDataSource data, string? goldColumn,
        bool dataHasGold, Args args, CancellationToken cancellation)
        => counts.Warnings(lfs, goldColumn, RowsCommand(args, dataHasGold)).Concat(Dsl.RuleDataChecks.Check(lfs, data, cancellation,
            // Only an LF that voted on no row has its case-sensitive regexes tried ignoring case: the others cost no extra pass.
            silent: lfs.Where((_, j) => counts.Coverage(j) == 0).ToHashSet()));

    internal static void ReportFailures(Terminal terminal, IReadOnlyList<LabelingFunction> lfs, ApplyResult result)
    {
        for (var j = 0; j < lfs.Count; j++)
            if (result.Failures[j] > 0)
                terminal.Error.WriteLine($"warning: LF {lfs[j].Describe()} threw on {Text.Listing.Counted(result.Failures[j], "row")}, recorded as abstains");
    }
}
