using Snorkeler.Data;

namespace Snorkeler.Analysis;

/// <summary>Example rows of one bucket, for a report: what the bucket is, how many rows it holds, a few of them.</summary>
/// <param name="Query">The bucket.</param>
/// <param name="Matched">Rows in it.</param>
/// <param name="Rows">The examples, in row order.</param>
public sealed record ExampleRows(RowQuery Query, long Matched, IReadOnlyList<RowRecord> Rows);

/// <summary>An LF's example rows: where it votes, and (with gold labels) where it is wrong.</summary>
/// <param name="Lf">The LF.</param>
/// <param name="Fires">Rows it votes on.</param>
/// <param name="Wrong">Rows it votes on against the gold label, or null without gold labels.</param>
public sealed record LfExamples(string Lf, ExampleRows Fires, ExampleRows? Wrong);

/// <summary>
/// What a report shows beyond the statistics: example rows (per LF, conflicting, uncovered), how the label model was
/// chosen, the dev set's empirical accuracies, and the warnings. Every part is optional.
/// </summary>
public sealed record ReportDetails
{
    /// <summary>Example rows per LF, in LF order.</summary>
    public IReadOnlyList<LfExamples> Lfs { get; init; } = [];

    /// <summary>Rows where LFs disagree.</summary>
    public ExampleRows? Conflicts { get; init; }

    /// <summary>Rows no LF votes on.</summary>
    public ExampleRows? Uncovered { get; init; }

    /// <summary>How <c>auto</c> chose the label model, with every candidate's score.</summary>
    public ModelSelection? Selection { get; init; }

    /// <summary>The LFs on the labelled dev set: its empirical accuracies beside the learned ones.</summary>
    public LfSummary? Dev { get; init; }

    /// <summary>Warnings about the LFs.</summary>
    public IReadOnlyList<Diagnostic> Warnings { get; init; } = [];

    /// <summary>
    /// Collects example rows in one pass over the matrix and one over the data: up to <paramref name="perLf"/> rows where each
    /// LF votes and where it is wrong (with gold labels), and up to <paramref name="perSection"/> conflicting and uncovered
    /// rows, sampled by <paramref name="seed"/> (see <see cref="RowBuckets"/>). <paramref name="lfs"/>, when given, say
    /// what made each rule fire.
    /// </summary>
    public static ReportDetails Examples(IMatrixSource matrix, IDataSource data, IReadOnlyList<LabelingFunction>? lfs, IReadOnlyList<string> fields,
        int perLf = 3, int perSection = 5, int seed = 0, CancellationToken cancellation = default)
    {
        Guard.NotNull(matrix);
        Guard.NotNull(data);
        Guard.NotNull(fields);
        // A gold column whose cells are all empty (unlabelled training data read with --gold-column) gives no "wrong" rows
        // to show; saying "wrong on 0" there would read as a perfect LF.
        var labelled = matrix.HasGold && HasSomeGold(matrix, cancellation);
        var queries = new List<RowQuery>();
        foreach (var lf in matrix.LfNames)
        {
            queries.Add(new RowQuery { Lfs = [lf] });
            if (labelled) queries.Add(new RowQuery { Lfs = [lf], Correct = false });
        }
        queries.Add(new RowQuery { Conflict = true });
        queries.Add(new RowQuery { Uncovered = true });
        var perQuery = Math.Max(perLf, perSection);
        var samples = RowBuckets.Sample(matrix, queries, perQuery, seed, cancellation: cancellation);
        var limits = queries.Select((q, i) => i >= queries.Count - 2 ? perSection : perLf).ToArray();
        var wanted = samples.SelectMany((s, i) => s.Rows.Take(limits[i])).ToList();
        var records = RowRecords.Read(data, wanted, matrix.LfNames, lfs, fields, cancellation).ToDictionary(r => r.Number);
        ExampleRows Rows(int i) => new(samples[i].Query, samples[i].Matched, samples[i].Rows.Take(limits[i]).Select(r => records[r.Index + 1]).ToList());
        var step = labelled ? 2 : 1;
        return new ReportDetails
        {
            Lfs = matrix.LfNames.Select((lf, j) => new LfExamples(lf, Rows(j * step), labelled ? Rows(j * step + 1) : null)).ToList(),
            Conflicts = Rows(queries.Count - 2),
            Uncovered = Rows(queries.Count - 1),
        };
    }

    private static bool HasSomeGold(IMatrixSource matrix, CancellationToken cancellation)
    {
        foreach (var block in matrix.ReadBlocks())
        {
            cancellation.ThrowIfCancellationRequested();
            if (!block.HasGold) continue;
            for (var i = 0; i < block.RowCount; i++)
                if (block.Gold(i) >= 0) return true;
        }
        return false;
    }
}
