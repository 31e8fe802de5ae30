using System.Text.Json;
using Snorkeler.Data;

namespace Snorkeler.Analysis;

/// <summary>Writes a label model's probabilities for a block of rows (rows × classes, row-major), as <c>ILabelModel.PredictProbabilities</c> does.</summary>
public delegate void PredictBlock(LabelMatrix block, Span<double> probabilities);

/// <summary>One row picked by a query: its index, its votes, its gold label and the label model's probabilities.</summary>
/// <param name="Index">The 0-based row index (the row number is one more).</param>
/// <param name="Votes">One vote per LF, in matrix order (-1 abstain).</param>
/// <param name="Gold">The gold label, or -1.</param>
/// <param name="Probabilities">The label model's probabilities, one per class; null without a model.</param>
public sealed record SampledRow(long Index, IReadOnlyList<int> Votes, int Gold, IReadOnlyList<double>? Probabilities)
{
    /// <summary>The label model's most probable class (-1 when its top classes tie, or without a model).</summary>
    public int Predicted => Probabilities is null ? LabelSchema.Abstain : ResolvedRowQuery.Top(Probabilities.ToArray()).Top;
}

/// <summary>The rows of one query: how many qualify and a deterministic sample of them, in row order.</summary>
/// <param name="Query">The query.</param>
/// <param name="Matched">Rows that qualify.</param>
/// <param name="Rows">The sample, in row order (at most the limit asked for).</param>
/// <param name="ByGold">
/// When the matrix has gold labels: how many of the rows that qualify have each gold class (index c), and last how many have
/// none; null otherwise. Which class the uncovered or wrongly labelled rows belong to says where LFs are needed next.
/// </param>
public sealed record RowSample(RowQuery Query, long Matched, IReadOnlyList<SampledRow> Rows, IReadOnlyList<long>? ByGold = null);

/// <summary>
/// The rows behind every number (Snorkel's <c>get_label_buckets</c>, made first-class): in one streaming pass over a
/// label matrix, the rows each query picks, counted, with a sample of each. The sample is the rows with the lowest
/// hash of (seed, row index), so it is the same for the same seed whatever the block size or thread count, needs
/// memory for the sample only, and is uniform over the qualifying rows.
/// </summary>
public static class RowBuckets
{
    /// <summary>Samples the rows of one query; see <see cref="Sample(IMatrixSource, IReadOnlyList{RowQuery}, int, int, PredictBlock?, CancellationToken)"/>.</summary>
    public static RowSample Sample(IMatrixSource matrix, RowQuery query, int limit, int seed = 0, PredictBlock? predict = null, CancellationToken cancellation = default)
        => Sample(matrix, [query], limit, seed, predict, cancellation)[0];

    /// <summary>
    /// Counts the rows each query picks and samples up to <paramref name="limit"/> of them (0: count only), in one pass.
    /// <paramref name="predict"/> gives the label model's probabilities (needed by queries about the model; when given,
    /// sampled rows carry them). A query that needs gold labels the matrix lacks, or a model that is not given, is an error.
    /// </summary>
    public static IReadOnlyList<RowSample> Sample(IMatrixSource matrix, IReadOnlyList<RowQuery> queries, int limit, int seed = 0,
        PredictBlock? predict = null, CancellationToken cancellation = default)
    {
        Guard.NonNegative(limit);
        return Ranked(matrix, queries, limit, seed, predict, cancellation).Select(s => s with { Rows = [.. s.Rows.OrderBy(r => r.Index)] }).ToArray();
    }

    /// <summary>
    /// A page of the rows of one query: the rows ranked <paramref name="offset"/> to <paramref name="offset"/> +
    /// <paramref name="limit"/> − 1 (from 0) in the order a sample takes them (lowest hash of seed and row index first), in
    /// row order. The first page is <see cref="Sample(IMatrixSource, RowQuery, int, int, PredictBlock?, CancellationToken)"/>'s
    /// sample of <paramref name="limit"/> rows, and pages one after another cover every row that qualifies exactly once.
    /// </summary>
    public static RowSample Page(IMatrixSource matrix, RowQuery query, long offset, int limit, int seed = 0, PredictBlock? predict = null,
        CancellationToken cancellation = default)
    {
        Guard.NonNegative(offset);
        Guard.NonNegative(limit);
        var ranked = Ranked(matrix, [query], limit == 0 ? 0 : Math.Min(offset, long.MaxValue - limit) + limit, seed, predict, cancellation)[0];
        return ranked with { Rows = [.. ranked.Rows.Skip((int)Math.Min(offset, ranked.Rows.Count)).OrderBy(r => r.Index)] };
    }

    /// <summary>
    /// Counts the rows each query picks and keeps the first <paramref name="keep"/> of them in sampling order (lowest
    /// <see cref="Priority"/> first, then lowest index), in that order; 0 counts only.
    /// </summary>
    internal static IReadOnlyList<RowSample> Ranked(IMatrixSource matrix, IReadOnlyList<RowQuery> queries, long keep, int seed = 0,
        PredictBlock? predict = null, CancellationToken cancellation = default)
    {
        Guard.NotNull(matrix);
        Guard.NotNull(queries);
        Guard.NonNegative(keep);
        var resolved = queries.Select(q => q.Resolve(matrix.LfNames, matrix.Schema)).ToArray();
        if (!matrix.HasGold && queries.FirstOrDefault(q => q.NeedsGold) is { } goldQuery)
            throw new SnorkelerException($"'{goldQuery.Describe()}' needs gold labels, and the matrix has none");
        if (predict is null && queries.FirstOrDefault(q => q.NeedsModel) is { } model)
            throw new SnorkelerException($"'{model.Describe()}' needs a label model's probabilities");
        var m = matrix.LfNames.Count;
        var k = matrix.Schema.Cardinality;
        var matched = new long[resolved.Length];
        var byGold = matrix.HasGold ? resolved.Select(_ => new long[k + 1]).ToArray() : null;
        var kept = resolved.Select(_ => new PriorityQueue<SampledRow, (ulong, long)>()).ToArray();
        var votes = new int[m];
        double[] probabilities = [];
        foreach (var block in matrix.ReadBlocks())
        {
            cancellation.ThrowIfCancellationRequested();
            var n = block.RowCount;
            if (predict is not null)
            {
                if (probabilities.Length < n * k) probabilities = new double[n * k];
                predict(block, probabilities.AsSpan(0, n * k));
            }
            for (var i = 0; i < n; i++)
            {
                block.CopyRow(i, votes);
                var gold = block.HasGold ? block.Gold(i) : LabelSchema.Abstain;
                var p = predict is null ? ReadOnlySpan<double>.Empty : probabilities.AsSpan(i * k, k);
                var index = block.FirstRow + i;
                var priority = Priority(seed, index);
                for (var q = 0; q < resolved.Length; q++)
                {
                    if (!resolved[q].Matches(votes, gold, p)) continue;
                    matched[q]++;
                    if (byGold is not null) byGold[q][gold >= 0 ? gold : k]++;
                    if (keep == 0) continue;
                    // A max-heap of the `keep` lowest priorities: the queue dequeues its smallest, so priorities are negated.
                    var key = (ulong.MaxValue - priority, -index);
                    if (kept[q].Count < keep) kept[q].Enqueue(new SampledRow(index, votes.ToArray(), gold, predict is null ? null : p.ToArray()), key);
                    else if (kept[q].TryPeek(out _, out var worst) && key.CompareTo(worst) > 0)
                        kept[q].EnqueueDequeue(new SampledRow(index, votes.ToArray(), gold, predict is null ? null : p.ToArray()), key);
                }
            }
        }
        return resolved.Select((r, q) => new RowSample(r.Query, matched[q],
            kept[q].UnorderedItems.OrderByDescending(e => e.Priority).Select(e => e.Element).ToArray(), byGold?[q])).ToArray();
    }

    /// <summary>A row's sampling priority: SplitMix64 of the seed and the row index.</summary>
    internal static ulong Priority(int seed, long index)
    {
        var z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)index + 0x632BE59BD9B4E019UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}

/// <summary>A field of a row as shown: its name and value (null when missing).</summary>
/// <param name="Name">The field's name, as the LFs read it.</param>
/// <param name="Value">Its text, or null when missing.</param>
public sealed record RowField(string Name, string? Value);

/// <summary>An LF's vote on a row, with what made it fire when the LF can say (rules).</summary>
/// <param name="Lf">The LF.</param>
/// <param name="Vote">Its vote (a class; abstains are not listed).</param>
/// <param name="Why">The clause and text that made it vote, or null.</param>
public sealed record RowVote(string Lf, int Vote, LfExplanation? Why);

/// <summary>
/// A row as a person looks at it: where it is (row number, file, line), the fields the LFs read, every LF vote with
/// the text that made it fire, the gold label and the label model's view.
/// </summary>
/// <param name="Number">The 1-based row number in the data (the number outputs and messages use).</param>
/// <param name="File">The data file the row is in.</param>
/// <param name="Line">The row's first line in that file, when the format has lines.</param>
/// <param name="Fields">The fields shown, in order.</param>
/// <param name="Votes">The LFs that voted, in matrix order.</param>
/// <param name="Gold">The gold label, or -1.</param>
/// <param name="Probabilities">The label model's probabilities, or null.</param>
public sealed record RowRecord(long Number, string File, long? Line, IReadOnlyList<RowField> Fields, IReadOnlyList<RowVote> Votes, int Gold,
    IReadOnlyList<double>? Probabilities)
{
    /// <summary>The label model's most probable class (-1 when its top classes tie, or without a model).</summary>
    public int Predicted => Probabilities is null ? LabelSchema.Abstain : ResolvedRowQuery.Top(Probabilities.ToArray()).Top;

    /// <summary>
    /// The row as one JSON object: <c>row</c>, <c>file</c>, <c>line</c>, <c>gold</c> (a class name or null),
    /// <c>fields</c> (name → text or null), <c>votes</c> (LF → class name), <c>matches</c> (per match: <c>lf</c>,
    /// <c>field</c>, <c>start</c>, <c>length</c>, <c>text</c>), and with a model <c>probabilities</c> (class →
    /// probability) and <c>predicted</c>.
    /// </summary>
    public void WriteJson(Utf8JsonWriter json, LabelSchema schema)
    {
        Guard.NotNull(json);
        Guard.NotNull(schema);
        json.WriteStartObject();
        json.WriteNumber("row", Number);
        json.WriteString("file", File);
        if (Line is { } line) json.WriteNumber("line", line);
        else json.WriteNull("line");
        if (Gold >= 0) json.WriteString("gold", schema.NameOf(Gold));
        else json.WriteNull("gold");
        json.WriteStartObject("fields");
        foreach (var f in Fields)
        {
            if (f.Value is null) json.WriteNull(f.Name);
            else json.WriteString(f.Name, f.Value);
        }
        json.WriteEndObject();
        json.WriteStartObject("votes");
        foreach (var v in Votes) json.WriteString(v.Lf, schema.NameOf(v.Vote));
        json.WriteEndObject();
        json.WriteStartArray("matches");
        foreach (var v in Votes)
        {
            if (v.Why is null) continue;
            foreach (var m in v.Why.Matches)
            {
                json.WriteStartObject();
                json.WriteString("lf", v.Lf);
                json.WriteString("field", m.Field);
                json.WriteNumber("start", m.Start);
                json.WriteNumber("length", m.Length);
                if (Fields.FirstOrDefault(f => f.Name == m.Field)?.Value is { } text && m.Start + m.Length <= text.Length)
                    json.WriteString("text", text.Substring(m.Start, m.Length));
                json.WriteEndObject();
            }
        }
        json.WriteEndArray();
        if (Probabilities is not null)
        {
            json.WriteStartObject("probabilities");
            for (var c = 0; c < Probabilities.Count; c++) json.WriteNumber(schema.ClassNames[c], Probabilities[c]);
            json.WriteEndObject();
            json.WriteString("predicted", schema.NameOf(Predicted));
        }
        json.WriteEndObject();
    }
}

/// <summary>Reads the data behind sampled rows: their fields, and what made each LF fire.</summary>
public static class RowRecords
{
    /// <summary>
    /// The fields worth showing for <paramref name="lfs"/> on <paramref name="data"/>: the id column (a column named
    /// <c>id</c> or ending in <c>_id</c>), then the fields the LFs read, in order; when no LF says what it reads, every
    /// column. The gold column is left out (the gold label is shown on its own).
    /// </summary>
    public static IReadOnlyList<string> DefaultFields(DataSchema data, IReadOnlyList<LabelingFunction> lfs, string? goldColumn = null)
    {
        Guard.NotNull(data);
        Guard.NotNull(lfs);
        var fields = new List<string>();
        var id = data.Names.FirstOrDefault(n => n.Equals("id", StringComparison.OrdinalIgnoreCase) || n.EndsWith("_id", StringComparison.OrdinalIgnoreCase));
        if (id is not null) fields.Add(id);
        var read = lfs.SelectMany(l => l.Fields).Where(f => data.IndexOf(f) >= 0).Select(f => data.Names[data.IndexOf(f)]).Distinct(StringComparer.Ordinal).ToList();
        if (read.Count == 0 || lfs.Any(l => l.Fields.Count == 0 && !l.CanExplain)) read = data.Names.ToList();
        fields.AddRange(read.Where(f => !fields.Contains(f, StringComparer.Ordinal)));
        if (goldColumn is not null && data.IndexOf(goldColumn) is var g and >= 0) fields.Remove(data.Names[g]);
        return fields;
    }

    /// <summary>
    /// Reads the rows of <paramref name="rows"/> (any order; the result is in row order, one record per distinct row)
    /// from <paramref name="data"/>, the data the matrix was made from: the <paramref name="fields"/>, and each voting
    /// LF's explanation when <paramref name="lfs"/> (the matrix's LFs, in order) can give one. Stops reading at the last
    /// row needed.
    /// </summary>
    public static IReadOnlyList<RowRecord> Read(IDataSource data, IEnumerable<SampledRow> rows, IReadOnlyList<string> lfNames,
        IReadOnlyList<LabelingFunction>? lfs, IReadOnlyList<string> fields, CancellationToken cancellation = default)
    {
        Guard.NotNull(data);
        Guard.NotNull(rows);
        Guard.NotNull(lfNames);
        Guard.NotNull(fields);
        var wanted = rows.GroupBy(r => r.Index).Select(g => g.First()).OrderBy(r => r.Index).ToList();
        var columns = fields.Select(data.RequireColumn).ToArray();
        var explainers = lfs?.Select(lf => lf.BindExplainer(data.Schema)).ToArray();
        var records = new List<RowRecord>(wanted.Count);
        var next = 0;
        foreach (var batch in data.ReadBatches(IMatrixSource.DefaultBlockRows))
        {
            if (next == wanted.Count) break;
            cancellation.ThrowIfCancellationRequested();
            while (next < wanted.Count && wanted[next].Index < batch.FirstRow + batch.Count)
            {
                var sampled = wanted[next++];
                var i = (int)(sampled.Index - batch.FirstRow);
                var row = batch[i];
                var values = columns.Select((c, q) => new RowField(fields[q], batch.IsMissing(i, c) ? null : batch.Text(i, c).ToString())).ToArray();
                var votes = new List<RowVote>();
                for (var j = 0; j < sampled.Votes.Count; j++)
                    if (sampled.Votes[j] >= 0) votes.Add(new RowVote(lfNames[j], sampled.Votes[j], explainers?[j]?.Invoke(row)));
                records.Add(new RowRecord(sampled.Index + 1, batch.SourceName ?? data.Name, batch.LineOf(i), values, votes, sampled.Gold, sampled.Probabilities));
            }
        }
        if (next < wanted.Count)
            throw SnorkelerException.InFile(data.Name, $"has fewer rows than the label matrix (row {wanted[next].Index + 1} is missing); give the data the matrix was made from");
        return records;
    }
}
