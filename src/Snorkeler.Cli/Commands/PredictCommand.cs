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

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("--model", "MODEL.json", "a model saved by 'snorkeler fit'", Required: true, Role: PathRole.Input),
        new("--matrix", "MATRIX", "the label matrix to label (same LFs as the model)", Required: true, Role: PathRole.Input),
        new("--out", "PROBS.csv", "the probabilities: one p_<class> column per class, then 'label' (.csv, .jsonl or .parquet); for long-format answers a 'task' column first", Required: true, Role: PathRole.Output),
        new("--tie-break", "abstain|random|true-random", "hard label when classes tie (default abstain)"),
        new("--seed", "N", "seed of the 'random' tie-break (default 0)"),
        Gold.ColumnOption,
        .. Inputs.MatrixOptions,
    ];

    public int Run(Args args, Terminal terminal, CancellationToken cancellation)
    {
        var tieBreak = args.Choice("--tie-break", TieBreak.Abstain);
        var seed = args.Int("--seed") ?? 0;
        var model = ModelFile.Load(args.Required("--model"));
        var matrixPath = args.Required("--matrix");
        var matrix = Inputs.OpenMatrix(matrixPath, args, terminal, model);
        LabelModel.CheckCompatible(model, matrix, matrixPath);
        var outPath = args.Required("--out");
        LabelsWriter.CheckExtension(outPath);
        var scores = matrix.HasGold ? new MetricsAccumulator(model.Schema, tieBreak, seed) : null;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long rows;
        var keys = matrix as IRowKeys;
        using (var writer = LabelsWriter.Create(outPath, model.Schema, keys?.KeyColumn))
        {
            rows = Predict(model, matrix, tieBreak, seed, (block, probabilities, labels) =>
            {
                cancellation.ThrowIfCancellationRequested();
                writer.Write(keys is null ? null : new KeySlice(keys.Keys, (int)block.FirstRow, block.RowCount), probabilities, labels);
                if (block.HasGold) scores!.Add(probabilities, block.GoldLabels, block.FirstRow);
            });
            writer.Commit();
        }
        terminal.Info($"labelled {rows:N0} rows with '{model.Name}' in {clock.Elapsed.TotalSeconds:0.000} s; wrote {outPath}");
        if (scores is not null) WriteScores(scores.Result(), terminal.Out);
        return ExitCode.Ok;
    }

    /// <summary>Predicts block by block, handing each block's probabilities and hard labels to <paramref name="each"/>.</summary>
    internal static long Predict(ILabelModel model, IMatrixSource matrix, TieBreak tieBreak, int seed, Action<LabelMatrix, ReadOnlySpan<double>, ReadOnlySpan<int>> each)
    {
        var k = model.Schema.Cardinality;
        double[] probabilities = [];
        int[] labels = [];
        long rows = 0;
        foreach (var block in matrix.ReadBlocks())
        {
            var n = block.RowCount;
            if (probabilities.Length < n * k) probabilities = new double[n * k];
            if (labels.Length < n) labels = new int[n];
            var p = probabilities.AsSpan(0, n * k);
            model.PredictProbabilities(block, p);
            for (var i = 0; i < n; i++) labels[i] = HardLabels.Choose(p.Slice(i * k, k), block.FirstRow + i, tieBreak, seed);
            each(block, p, labels.AsSpan(0, n));
            rows += n;
        }
        return rows;
    }

    /// <summary>The keys of one block's rows, without copying them.</summary>
    private sealed class KeySlice(IReadOnlyList<string> keys, int start, int count) : IReadOnlyList<string?>
    {
        public string? this[int index] => (uint)index < (uint)count ? keys[start + index] : throw new ArgumentOutOfRangeException(nameof(index));

        public int Count => count;

        public IEnumerator<string?> GetEnumerator()
        {
            for (var i = 0; i < count; i++) yield return keys[start + i];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
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
