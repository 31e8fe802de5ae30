using System.Globalization;
using System.Text;
using System.Text.Json;
using Snorkeler.Analysis;
using Snorkeler.Applying;
using Snorkeler.LabelModels;

namespace Snorkeler.Cli.Commands;

/// <summary>
/// <c>snorkeler rows</c>: the rows behind a number. Applies the LFs to the data (or reads a matrix made from it), picks
/// the rows of a bucket (an LF fires, is right or wrong against gold, LFs conflict, no LF votes, the label model is
/// unsure or wrong, combined), and prints a deterministic sample of them with the text that made each rule fire.
/// </summary>
internal sealed class RowsCommand : ICommand
{
    /// <summary>The label model's margin below which a row counts as uncertain, by default.</summary>
    private const double DefaultMargin = 0.2;

    public string Name => "rows";

    public string Summary => "show the rows behind a number: where an LF fires, is wrong, conflicts, no LF votes, the model is unsure";

    public IReadOnlyList<OptionSpec> Options => field ??=
    [
        new("--data", "FILE", "the data (.csv, .tsv, .jsonl, .parquet, Wrench .json)", Many: true, Required: true, Role: PathRole.Input) { DataFiles = true },
        new("--lfs", "PATH", "LF files or folders: applied to --data, or (with --matrix) used to show what made each rule fire", Many: true, Role: PathRole.Input),
        new("--matrix", "MATRIX", "a label matrix already made from --data (instead of applying --lfs), or answers (task,worker,label) whose tasks, in order of first appearance, are --data's rows; several answer files are read as one", Many: true, Role: PathRole.Input) { DataFiles = true },
        Gold.ColumnOption,
        new("--lf", "NAME", "rows where these LFs vote (repeatable; combine with --vote, --correct, --wrong, --conflict)", Many: true),
        new("--vote", "CLASS", "the class the --lf LFs vote (ABSTAIN: they abstain); without --lf, some LF votes it"),
        new("--gold", "CLASS", "rows whose gold label is CLASS ('none': rows without one)"),
        new("--correct", null, "the --lf LFs vote the gold label (without --lf: every voting LF does)"),
        new("--wrong", null, "the --lf LFs vote another class than the gold label (without --lf: some LF does)"),
        new("--conflict", null, "LFs disagree (with --lf: these LFs, or this LF and another)"),
        new("--uncovered", null, "no LF votes"),
        new("--covered", null, "some LF votes (e.g. with --model-wrong: the mistakes LFs could fix, without the rows the prior alone labels)"),
        new("--uncertain", null, $"the label model's two highest probabilities differ by less than --margin (default {DefaultMargin.ToString(CultureInfo.InvariantCulture)})"),
        new("--margin", "X", "the margin of --uncertain"),
        new("--model-wrong", null, "the label model's most probable class is not the gold label"),
        new("--model-right", null, "the label model's most probable class is the gold label"),
        new("--predicted", "CLASS", "the label model's most probable class is CLASS"),
        new("--model", "NAME|MODEL.json", "the label model: a saved model file, or a model fitted on the rows (default auto)", Role: PathRole.Input) { Alone = true },
        Gold.DevOption("the label model's selection (auto)"),
        new("--limit", "N", "rows to show (default 10; 0: count only)"),
        new("--offset", "K", "skip the first K rows of the sample's order (default 0): --offset 10 shows the next 10, as the studio's pages do"),
        new("--seed", "N", "which rows are sampled (default 0); the same seed shows the same rows"),
        new("--fields", "A,B,...", "the fields to show (default: the id and the fields the LFs read)"),
        new("--width", "N", "characters of each field to show around what matched, in text output (default 300; 0: all)"),
        new("--format", "text|jsonl|markdown", "output format (default text)"),
        new("--threads", "N", "worker threads for applying LFs"),
        Inputs.LfTimeoutOption,
        new("--incremental", null, "reuse each unchanged LF's column from the cache (as 'apply --incremental')"),
        Inputs.ColumnOption,
        Inputs.DelimiterOption,
        Inputs.CacheDirOption,
    ];

    public int Run(Args args, Terminal terminal, CancellationToken cancellation)
    {
        var query = Query(args);
        var limit = args.Int("--limit", 0, 1_000_000) ?? 10;
        var offset = args.Int("--offset", 0, int.MaxValue) ?? 0;
        var seed = args.Int("--seed") ?? 0;
        var width = args.Int("--width", 0, int.MaxValue) ?? 300;
        var format = args.Choice("--format", RowsFormat.Text);
        if (!args.Has("--lfs") && !args.Has("--matrix")) throw new UsageException("give --lfs PATH (the LFs to apply to --data) or --matrix MATRIX (made from --data)");
        Gold.CheckDevLfs(args);
        Gold.CheckDevGoldColumn(args);
        // --dev only helps choose a model fitted on the rows: without one, or with a saved model, it was read by nothing and said nothing.
        if (args.Value("--dev") is { } devPath && (args.Value("--model") is { } named ? Inputs.IsModelFile(named) : !query.NeedsModel))
            throw new UsageException(args.Value("--model") is { } saved
                ? $"--dev {devPath} helps choose a label model fitted on the rows, but --model {saved} is fitted already"
                : $"--dev {devPath} helps choose a label model fitted on the rows, and '{query.Describe()}' needs none: give a bucket about the model (--uncertain, --model-wrong, --model-right, --predicted CLASS) or --model NAME");
        var dataPaths = args.Values("--data");
        var goldColumn = args.Value("--gold-column");
        // Gold labels asked of data without them: a usage error before the data is opened and the LFs are loaded (a matrix may carry them).
        if (!args.Has("--matrix") && query.NeedsGold && goldColumn is null && !dataPaths.All(p => p.EndsWith(".json", StringComparison.OrdinalIgnoreCase)))
            throw NoGold(query);
        var data = Inputs.OpenData(dataPaths, args);
        // A model name or a field to show that does not exist is told before the LFs run over the data.
        if (args.Value("--model") is { } name && !Inputs.IsModelFile(name)) _ = LabelModelCatalog.Get(name);
        var shownFields = args.Value("--fields")?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        foreach (var field in shownFields ?? []) Data.DataColumns.RequireColumn(data, field);
        AppliedMatrix? applied = null;
        try
        {
            IReadOnlyList<LabelingFunction>? lfs = null;
            ILabelModel? saved = null;
            IMatrixSource matrix;
            var applyOptions = Inputs.ApplyOptions(args, terminal, cancellation);
            if (args.Has("--matrix"))
            {
                var matrixPath = Inputs.MatrixName(args.Values("--matrix"));
                matrix = Gold.OpenMatrix(args.Values("--matrix"), goldColumn, require: false, terminal);
                if (matrix.RowCount is { } n && n == 0) throw SnorkelerException.InFile(matrixPath, "the matrix has no rows");
                Inputs.RequireMatrixRows(data, matrix, matrixPath, cancellation);
                if (args.Has("--lfs"))
                {
                    var set = Inputs.LoadLfs(args.Values("--lfs"), args, data, matrix.Schema, terminal);
                    if (!set.Functions.Select(f => f.Name).SequenceEqual(matrix.LfNames, StringComparer.Ordinal))
                        throw SnorkelerException.InFile(matrixPath, $"its LFs ({string.Join(", ", matrix.LfNames)}) are not the LFs of --lfs ({string.Join(", ", set.Functions.Select(f => f.Name))})");
                    lfs = set.Functions;
                }
                if (!matrix.HasGold && goldColumn is not null)
                {
                    var column = new Data.GoldColumn(goldColumn, matrix.Schema) { Warn = terminal.Warning };
                    column.IndexIn(data);
                    matrix = LabelledData.WithGold(matrix, () => column.Cursor(data));
                }
            }
            else
            {
                var set = Inputs.LoadLfs(args.Values("--lfs"), args, data, Inputs.SchemaOf(dataPaths), terminal);
                lfs = set.Functions;
                // A misspelt LF or class is reported before the LFs are applied.
                query.Resolve(lfs.Select(l => l.Name).ToArray(), set.Schema!);
                saved = Inputs.SavedModelFor(args.Value("--model"), lfs, set.Schema!, data.Name);
                applied = AppliedMatrix.Apply(args, terminal, dataPaths, data, lfs, set.Schema!, goldColumn, applyOptions, Name);
                matrix = applied.Matrix;
            }
            query.Resolve(matrix.LfNames, matrix.Schema);
            if (query.NeedsGold && !matrix.HasGold) throw NoGold(query);

            var model = saved ?? Model(args, terminal, query, matrix, lfs, applyOptions with { Progress = null }, seed, cancellation);
            var sample = RowBuckets.Page(matrix, query, offset, limit, seed, model is null ? null : model.PredictProbabilities, cancellation);
            var fields = shownFields ?? RowRecords.DefaultFields(data.Schema, lfs ?? [], goldColumn);
            var records = RowRecords.Read(data, sample.Rows, matrix.LfNames, lfs, fields, cancellation);
            var heading = Heading(sample, matrix.RowCount, limit, offset, seed, matrix.Schema);
            var colour = terminal.Interactive && !Console.IsOutputRedirected && terminal.WritesToStandardOutput;
            switch (format)
            {
                case RowsFormat.Jsonl:
                    terminal.Info(heading);
                    WriteJsonLines(records, matrix.Schema, terminal.Out);
                    break;
                case RowsFormat.Markdown:
                    terminal.Out.Write(RowsText.Markdown(heading, records, matrix.Schema));
                    break;
                default:
                    terminal.Out.Write(RowsText.Text(heading, records, matrix.Schema, lfs, width, colour));
                    break;
            }
            return ExitCode.Ok;
        }
        finally
        {
            applied?.Dispose();
        }
    }

    private static UsageException NoGold(RowQuery query)
        => new($"'{query.Describe()}' compares with gold labels: give --gold-column NAME (the data's column of gold labels)");

    /// <summary>The bucket the options describe.</summary>
    internal static RowQuery Query(Args args)
    {
        if (args.Flag("--correct") && args.Flag("--wrong")) throw new UsageException("--correct and --wrong exclude each other");
        if (args.Flag("--model-right") && args.Flag("--model-wrong")) throw new UsageException("--model-right and --model-wrong exclude each other");
        if (args.Flag("--covered") && args.Flag("--uncovered")) throw new UsageException("--covered and --uncovered exclude each other");
        if (args.Has("--margin") && !args.Flag("--uncertain")) throw new UsageException("--margin goes with --uncertain");
        double? margin = null;
        if (args.Flag("--uncertain"))
        {
            margin = args.Number("--margin", 0, 1, aboveMin: true) ?? DefaultMargin;
        }
        var lfs = args.Values("--lf").SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToArray();
        if (lfs.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new UsageException($"--lf names '{twice.Key}' twice; give each LF once");
        return new RowQuery
        {
            Lfs = lfs,
            Vote = args.Value("--vote"),
            Gold = args.Value("--gold"),
            Correct = args.Flag("--correct") ? true : args.Flag("--wrong") ? false : null,
            Conflict = args.Flag("--conflict"),
            Uncovered = args.Flag("--uncovered"),
            Covered = args.Flag("--covered"),
            MarginBelow = margin,
            ModelCorrect = args.Flag("--model-right") ? true : args.Flag("--model-wrong") ? false : null,
            Predicted = args.Value("--predicted"),
        };
    }

    /// <summary>The label model: loaded from a file, or fitted on the matrix (auto by default) when the query needs one or one is named.</summary>
    private static ILabelModel? Model(Args args, Terminal terminal, RowQuery query, IMatrixSource matrix, IReadOnlyList<LabelingFunction>? lfs,
        ApplyOptions options, int seed, CancellationToken cancellation)
    {
        var name = args.Value("--model");
        if (name is null && !query.NeedsModel) return null;
        if (name is not null && Inputs.IsModelFile(name))
        {
            var saved = ModelFile.Load(name);
            LabelModel.CheckCompatible(saved, matrix, Inputs.MatrixName(args.Values("--matrix"))); // with --lfs, checked before the apply
            return saved;
        }
        var kind = LabelModelCatalog.Get(name ?? LabelCommand.DefaultModel);
        var dev = Gold.OpenDev(args, terminal, lfs is null ? null : (_, _) => (lfs, matrix.Schema), options);
        var model = kind.CreateTrainer(ModelOptions.Defaults).Fit(matrix, new FitContext { Seed = seed, Dev = dev, DevName = args.Value("--dev"), Cancellation = cancellation });
        terminal.Info(ModelChoice.Of(model)?.Describe() ?? $"fitted '{model.Name}' on the rows");
        return model;
    }

    private static string Heading(RowSample sample, long? rows, int limit, int offset, int seed, LabelSchema schema)
        => string.Create(CultureInfo.InvariantCulture,
            $"{sample.Query.Describe()}: {sample.Matched:N0} of {Text.Listing.Counted(rows ?? 0, "row")}{GoldShares(sample, schema)}{Shown(sample, limit, offset, seed)}");

    /// <summary>", showing 10 (seed 0)", or with --offset ", showing rows 11–20 of them (seed 0)": which of the bucket's rows are printed.</summary>
    private static string Shown(RowSample sample, int limit, int offset, int seed)
    {
        var count = sample.Rows.Count;
        if (offset == 0 || limit == 0)
            return count == 0 ? "" : count == sample.Matched ? ", all shown" : string.Create(CultureInfo.InvariantCulture, $", showing {count:N0} (seed {seed})");
        if (count == 0) return sample.Matched == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $", none shown: --offset {offset:N0} skips them all");
        return count == 1
            ? string.Create(CultureInfo.InvariantCulture, $", showing row {offset + 1L:N0} of them (seed {seed})")
            : string.Create(CultureInfo.InvariantCulture, $", showing rows {offset + 1L:N0}–{offset + (long)count:N0} of them (seed {seed})");
    }

    /// <summary>" (gold: ENTY 38%, HUM 20%, ...)": the rows' gold classes, most first, when they have more than one.</summary>
    private static string GoldShares(RowSample sample, LabelSchema schema)
    {
        if (sample.ByGold is not { } counts || sample.Matched == 0 || counts.Count(c => c > 0) < 2) return "";
        var k = schema.Cardinality;
        var shares = counts.Select((n, c) => (Name: c < k ? schema.NameOf(c) : "none", Count: n))
            .Where(s => s.Count > 0).OrderByDescending(s => s.Count).ThenBy(s => s.Name, StringComparer.Ordinal)
            .Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Name} {100.0 * s.Count / sample.Matched:F0}%"));
        return $" (gold: {string.Join(", ", shares)})";
    }

    private static void WriteJsonLines(IReadOnlyList<RowRecord> records, LabelSchema schema, TextWriter output)
    {
        using var buffer = new MemoryStream();
        foreach (var record in records)
        {
            buffer.SetLength(0);
            using (var json = new Utf8JsonWriter(buffer)) record.WriteJson(json, schema);
            output.Write(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
            output.Write('\n');
        }
    }
}

/// <summary>How <c>rows</c> prints.</summary>
internal enum RowsFormat
{
    Text,
    Jsonl,
    Markdown,
}
