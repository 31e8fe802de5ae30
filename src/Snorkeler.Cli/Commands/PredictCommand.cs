using System.Globalization;
using Snorkeler.Analysis;
using Snorkeler.IO;
using Snorkeler.LabelModels;

namespace Snorkeler.Cli.Commands;

/// <summary><c>snorkeler predict</c>: probabilistic labels from a fitted model.</summary>
internal sealed class PredictCommand : ICommand
{
    public string Name => "predict";

    public string Summary => "write class probabilities and hard labels for a label matrix";

    public IReadOnlyList<OptionSpec> Options => field ??=
    [
        new("--model", "MODEL.json", "a model saved by 'snorkeler fit'", Required: true, Role: PathRole.Input) { Alone = true },
        new("--matrix", "MATRIX", "the label matrix to label (same LFs as the model); several answer files (task,worker,label) are read as one", Many: true, Required: true, Role: PathRole.Input) { DataFiles = true },
        new("--out", "PROBS.csv", "the probabilities (.csv, .jsonl or .parquet): 'row' (1-based), then 'task' for long-format answers or the --id-column and --keep-columns, one p_<class> column per class, 'label' and 'label_name'", Required: true, Role: PathRole.Output) { Formats = LabelsWriter.Extensions },
        new("--tie-break", "abstain|random|true-random", "hard label when classes tie (default abstain)"),
        new("--seed", "N", "seed of the 'random' tie-break (default 0)"),
        Gold.ColumnOption,
        new("--data", "FILE", "the data the matrix was applied to, to copy its id column and --keep-columns into the output", Many: true, Role: PathRole.Input) { DataFiles = true },
        JoinColumns.IdOption,
        JoinColumns.KeepOption,
        Inputs.DelimiterOption,
        .. Inputs.MatrixOptions,
    ];

    /// <summary>'--column' maps LF fields to data columns, and predict applies no LFs: taken, it was checked and did nothing.</summary>
    public string? Elsewhere(string option) => option == "--column"
        ? $"predict applies no LFs (its votes come from --matrix), so there is no LF field to map; {Text.Listing.Join(Cli.Owners(option, this), "and")} take it, and --keep-columns copies a column of --data"
        : null;

    public int Run(Args args, Terminal terminal, CancellationToken cancellation)
    {
        // Before the model and the matrix are read: it was told only once both had been.
        if ((args.Has("--id-column") || args.Has("--keep-columns")) && !args.Has("--data"))
            throw new UsageException("--id-column and --keep-columns copy columns of the data: give --data FILE (the data the matrix was applied to)");
        var tieBreak = args.Choice("--tie-break", TieBreak.Abstain);
        var seed = args.Int("--seed") ?? 0;
        // A seed only picks among tied classes with the 'random' tie-break: with another, it changes nothing, and is said so
        // (as fit says of a model option its model does not use), not taken in silence.
        if (args.Has("--seed") && tieBreak != TieBreak.Random)
            terminal.Warning($"option --seed applies only with --tie-break random and was ignored (the tie-break is {Args.Kebab(tieBreak.ToString())})");
        var model = ModelFile.Load(args.Required("--model"));
        var matrix = Inputs.OpenMatrix(args.Values("--matrix"), args, terminal, model);
        var matrixName = Inputs.MatrixName(args.Values("--matrix"));
        LabelModel.CheckCompatible(model, matrix, matrixName);
        StartupTrace.Mark("predict: model loaded, matrix opened");
        var outPath = args.Required("--out");
        LabelsWriter.CheckExtension(outPath);
        var scores = matrix.HasGold ? new MetricsAccumulator(model.Schema, tieBreak, seed) : null;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long rows;
        var keys = matrix as IRowKeys;
        var data = args.Has("--data") ? Inputs.OpenData(args.Values("--data"), args) : null;
        var join = data is null ? JoinColumns.None : JoinColumns.From(args, data);
        // --data without an id column found or named, and without --keep-columns, was not read at all: no ids, no word.
        if (data is not null && join.Names.Count == 0)
            terminal.Error.WriteLine(Text.Printable.OneLine($"warning: {data.Name}: no id column (one named 'id' or ending in '_id') and no --keep-columns, so nothing is copied from it; "
                + $"give --id-column NAME or --keep-columns A,B (columns: {data.Schema.Listed})"));
        var layout = new LabelsLayout { Keys = (keys is null ? [] : new[] { keys.KeyColumn }).Concat(join.Names).ToArray() };
        // Data read only for the columns it gives: with none (answers' tasks are the only key), its rows are not read at all.
        using (var carried = join.Names.Count == 0 ? null : join.Read(data!).GetEnumerator())
        using (var writer = LabelsWriter.Create(outPath, model.Schema, layout))
        {
            var k = model.Schema.Cardinality;
            var block = new JoinColumns.Block(layout.Keys.Count);
            var rowNumbers = Array.Empty<long>();
            long? dataEndsAt = null; // the data's rows, set when the data ends before the matrix; the matrix's rows are then counted in the same pass
            rows = Predict(model, matrix, tieBreak, seed, (votes, probabilities, labels) =>
            {
                cancellation.ThrowIfCancellationRequested();
                if (layout.Keys.Count == 0)
                {
                    // Row numbers only: the block goes to the writer as it is.
                    if (rowNumbers.Length < votes.RowCount) rowNumbers = new long[votes.RowCount];
                    for (var i = 0; i < votes.RowCount; i++) rowNumbers[i] = votes.FirstRow + i + 1;
                    writer.Write(rowNumbers.AsSpan(0, votes.RowCount), null, probabilities, labels);
                    if (votes.HasGold) scores!.Add(probabilities, votes.GoldLabels, votes.FirstRow);
                    return;
                }
                for (var i = 0; i < votes.RowCount; i++)
                {
                    var row = votes.FirstRow + i;
                    string?[]? values = null;
                    if (layout.Keys.Count > 0)
                    {
                        values = new string?[layout.Keys.Count];
                        if (keys is not null) values[0] = keys.Keys[(int)row];
                        if (carried is not null)
                        {
                            if (!carried.MoveNext())
                            {
                                // A matrix that knows its length is not read on; one that does not is counted in the same pass.
                                if (matrix.RowCount is { } known) throw Inputs.RowCountMismatch(data!, row, matrixName, known);
                                dataEndsAt = row;
                                return;
                            }
                            carried.Current.CopyTo(values, keys is null ? 0 : 1);
                        }
                    }
                    block.Add(row + 1, values, probabilities.Slice(i * k, k), labels[i]);
                }
                block.WriteTo(writer);
                if (votes.HasGold) scores!.Add(probabilities, votes.GoldLabels, votes.FirstRow);
            }, countOnly: () => dataEndsAt is not null);
            if (dataEndsAt is { } dataCount) throw Inputs.RowCountMismatch(data!, dataCount, matrixName, rows);
            if (carried is not null && carried.MoveNext())
            {
                var dataRows = rows + 1;
                while (carried.MoveNext()) dataRows++;
                throw Inputs.RowCountMismatch(data!, dataRows, matrixName, rows);
            }
            StartupTrace.Mark("predict: probabilities computed and formatted");
            writer.Commit();
        }
        terminal.Info($"labelled {Text.Listing.Counted(rows, "row")} with '{model.Name}' in {clock.Elapsed.TotalSeconds:0.000} s; wrote {outPath}");
        if (scores is not null)
        {
            var result = scores.Result();
            // A Wrench split always has a gold column, -1 in rows without a "label": with no labelled row every metric would print 0.
            if (result.Rows > 0) WriteScores(result, terminal.Out);
            else terminal.Info($"no row of {matrixName} has a gold label, so there is nothing to score the predictions against");
        }
        return ExitCode.Ok;
    }

    /// <summary>
    /// Predicts block by block, handing each block's probabilities and hard labels to <paramref name="each"/>, and returns the
    /// rows read. Once <paramref name="countOnly"/> says so (the data beside the matrix ran out), the blocks left are counted
    /// and not predicted, so a message can give the matrix's rows without reading it a second time.
    /// </summary>
    internal static long Predict(ILabelModel model, IMatrixSource matrix, TieBreak tieBreak, int seed, Action<LabelMatrix, ReadOnlySpan<double>, ReadOnlySpan<int>> each,
        Func<bool>? countOnly = null)
    {
        var k = model.Schema.Cardinality;
        double[] probabilities = [];
        int[] labels = [];
        long rows = 0;
        foreach (var block in matrix.ReadBlocks())
        {
            var n = block.RowCount;
            rows += n;
            if (countOnly?.Invoke() == true)
            {
                block.ReturnVotes();
                continue;
            }
            if (probabilities.Length < n * k) probabilities = new double[n * k];
            if (labels.Length < n) labels = new int[n];
            var p = probabilities.AsSpan(0, n * k);
            model.PredictProbabilities(block, p);
            // Never write a probability that is not a number: parameters out of range (an edited model whose
            // checksum was recomputed, an overflow) fail the run instead.
            var bad = p.IndexOfAnyExceptInRange(double.MinValue, double.MaxValue); // NaN and infinities
            if (bad >= 0)
                throw new SnorkelerException($"model '{model.Name}' gave probability {p[bad].ToString(CultureInfo.InvariantCulture)} for row {block.FirstRow + bad / k + 1}, which is not a finite number; its parameters are out of range (a damaged or edited model file?)");
            for (var i = 0; i < n; i++) labels[i] = HardLabels.Choose(p.Slice(i * k, k), block.FirstRow + i, tieBreak, seed);
            each(block, p, labels.AsSpan(0, n));
            block.ReturnVotes(); // nothing keeps a block: its votes go to the next block read
        }
        return rows;
    }

    internal static void WriteScores(LabelScores s, TextWriter output)
    {
        string F(double v) => v.ToString("0.000", CultureInfo.InvariantCulture);
        output.WriteLine($"rows with gold labels: {s.Rows}");
        output.WriteLine($"expected accuracy: {F(s.ExpectedAccuracy)}");
        output.WriteLine($"accuracy (tie-break {Args.Kebab(s.TieBreak.ToString())}): {F(s.Accuracy)}");
        output.WriteLine($"coverage: {F(s.Coverage)}");
        output.WriteLine($"macro F1: {F(s.MacroF1)}");
        output.WriteLine($"log-loss: {F(s.LogLoss)}");
        output.WriteLine($"Brier: {F(s.Brier)}");
    }
}
