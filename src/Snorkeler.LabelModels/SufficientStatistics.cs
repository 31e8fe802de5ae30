using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Snorkeler.IO;

namespace Snorkeler.LabelModels;

/// <summary>
/// The moment statistics of a label matrix, as counts: the number of rows <c>n</c>, how often each LF
/// voted each class, and how often each pair of LFs voted each pair of classes on the same row. The
/// moment matrix of the moment-matching model is <c>O = ΨᵀΨ / n</c> (Ψ the one-hot votes), i.e. these
/// counts divided by <c>n</c>; an LF's own off-diagonal block is always 0 (an LF votes once per row)
/// and is not stored. Counts, not means, so statistics of shards add up exactly, in any order, to the
/// statistics of the whole: <c>fit --stats A B C</c> gives the same parameters as one fit over all rows.
/// Accumulate with <see cref="Add(LabelMatrix)"/> (block by block), merge with <see cref="Add(SufficientStatistics, string?)"/>.
/// </summary>
public sealed class SufficientStatistics
{
    /// <summary>The value of the statistics file's "format" field.</summary>
    public const string Format = "snorkeler.sufficient-statistics";

    /// <summary>The file version this build writes and the newest it reads.</summary>
    public const int Version = 1;

    /// <summary>The most stored pair counts (m(m−1)/2 · k²) this type accepts (2 GB of counts).</summary>
    public const long MaxPairEntries = 1L << 28;

    private readonly long[] _votes;
    private readonly long[] _pairs;

    /// <summary>Empty statistics (no rows) for a task's classes and LFs.</summary>
    /// <exception cref="ModelRefusalException">m(m−1)/2 · k² exceeds <see cref="MaxPairEntries"/>.</exception>
    public SufficientStatistics(LabelSchema schema, IReadOnlyList<string> lfNames)
    {
        Schema = Guard.NotNull(schema);
        LfNames = Guard.NotNull(lfNames).ToArray();
        var m = (long)LfNames.Count;
        var k = (long)schema.Cardinality;
        var pairEntries = m * (m - 1) / 2 * k * k;
        if (pairEntries > MaxPairEntries)
            throw new ModelRefusalException($"sufficient statistics for {Text.Listing.Counted(m, "LF")} and {Text.Listing.Counted(k, "class")} need {pairEntries:N0} pair counts, more than the {MaxPairEntries:N0} supported; use fewer LFs or classes");
        _votes = new long[m * k];
        _pairs = new long[pairEntries];
    }

    /// <summary>The classes.</summary>
    public LabelSchema Schema { get; }

    /// <summary>The LFs, in column order.</summary>
    public IReadOnlyList<string> LfNames { get; }

    /// <summary>LFs, m.</summary>
    public int LfCount => LfNames.Count;

    /// <summary>Classes, k.</summary>
    public int Cardinality => Schema.Cardinality;

    /// <summary>
    /// The SHA-256 of the content (classes, LFs and counts) that the file it was read from carried, or null when it was
    /// not read from a file: two shards with the same hash hold the same counts.
    /// </summary>
    public string? ContentHash { get; private init; }

    /// <summary>Rows counted, n.</summary>
    public long RowCount { get; private set; }

    /// <summary>Rows on which LF <paramref name="lf"/> voted class <paramref name="label"/>.</summary>
    public long VoteCount(int lf, int label) => _votes[lf * Cardinality + label];

    /// <summary>
    /// Rows on which LF <paramref name="lf1"/> voted <paramref name="label1"/> and LF <paramref name="lf2"/>
    /// voted <paramref name="label2"/>. For <paramref name="lf1"/> = <paramref name="lf2"/> this is the vote
    /// count when the labels agree, else 0.
    /// </summary>
    public long PairCount(int lf1, int label1, int lf2, int label2)
    {
        if (lf1 == lf2) return label1 == label2 ? VoteCount(lf1, label1) : 0;
        if (lf1 > lf2) (lf1, label1, lf2, label2) = (lf2, label2, lf1, label1);
        return _pairs[PairBlock(lf1, lf2) + label1 * Cardinality + label2];
    }

    /// <summary>The entry of the moment matrix <c>O = ΨᵀΨ / n</c> at rows (lf1, label1), column (lf2, label2); 0 when n = 0.</summary>
    public double Moment(int lf1, int label1, int lf2, int label2)
        => RowCount == 0 ? 0 : (double)PairCount(lf1, label1, lf2, label2) / RowCount;

    /// <summary>Offset of the k × k block of LFs j &lt; l in the pair counts.</summary>
    internal long PairBlock(int j, int l)
    {
        long m = LfCount, k = Cardinality;
        long index = j * m - (long)j * (j + 1) / 2 + (l - j - 1);
        return index * k * k;
    }

    /// <summary>Raw vote counts, (LF, class) row-major.</summary>
    internal ReadOnlySpan<long> Votes => _votes;

    /// <summary>Raw pair counts: for each LF pair j &lt; l in order, a k × k block (label of j, label of l).</summary>
    internal ReadOnlySpan<long> Pairs => _pairs;

    /// <summary>Computes the statistics of a whole matrix in one pass, block by block.</summary>
    public static SufficientStatistics Compute(IMatrixSource source, CancellationToken cancellation = default)
    {
        Guard.NotNull(source);
        var stats = new SufficientStatistics(source.Schema, source.LfNames);
        foreach (var block in source.ReadBlocks())
        {
            cancellation.ThrowIfCancellationRequested();
            stats.Add(block);
            block.ReturnVotes(); // counted and not kept: a block read from a file lends its votes array to the next
        }
        return stats;
    }

    /// <summary>Adds the rows of a block (same classes and LFs). Large blocks are counted in parallel; counts are integers, so the result does not depend on the thread count.</summary>
    public void Add(LabelMatrix block)
    {
        Guard.NotNull(block);
        CheckSame(block.Schema, block.LfNames, "the block");
        const int chunk = 16384;
        if (block.RowCount >= 2 * chunk && _pairs.Length <= 1 << 16 && Environment.ProcessorCount > 1)
        {
            var chunks = (block.RowCount + chunk - 1) / chunk;
            var locals = new SufficientStatistics[chunks];
            Threading.CallerFirst.For(chunks, c =>
            {
                var local = new SufficientStatistics(Schema, LfNames);
                local.AddRows(block, c * chunk, Math.Min(block.RowCount, (c + 1) * chunk));
                locals[c] = local;
            });
            foreach (var local in locals) Add(local);
        }
        else AddRows(block, 0, block.RowCount);
    }

    private void AddRows(LabelMatrix block, int from, int to)
    {
        var m = LfCount;
        var k = Cardinality;
        var lfs = new int[m];
        var labels = new int[m];
        // The block of the pair j < l is at starts[j] + l·k² (starts[j] = PairBlock(j, j + 1) − (j + 1)·k²), so a
        // pair costs one multiply-add instead of PairBlock's arithmetic.
        var kk = k * k;
        var starts = new long[m];
        for (var j = 0; j + 1 < m; j++) starts[j] = PairBlock(j, j + 1) - (long)(j + 1) * kk;
        var votes = _votes;
        var pairs = _pairs;
        for (var i = from; i < to; i++)
        {
            var count = block.CopyVotes(i, lfs, labels);
            for (var p = 0; p < count; p++)
            {
                var j = lfs[p];
                var a = labels[p];
                votes[j * k + a]++;
                var rowStart = starts[j] + a * k;
                for (var q = p + 1; q < count; q++)
                    pairs[rowStart + (long)lfs[q] * kk + labels[q]]++;
            }
        }
        RowCount += to - from;
    }

    /// <summary>
    /// Adds another shard's statistics (same classes and LFs, in the same order); <paramref name="otherName"/> is what
    /// errors call it (its file), else "the other statistics".
    /// </summary>
    public void Add(SufficientStatistics other, string? otherName = null)
    {
        Guard.NotNull(other);
        CheckSame(other.Schema, other.LfNames, otherName ?? "the other statistics");
        // Checked: forged counts must fail, not wrap around to negative numbers.
        RowCount = checked(RowCount + other.RowCount);
        for (var i = 0; i < _votes.Length; i++) _votes[i] = checked(_votes[i] + other._votes[i]);
        for (var i = 0; i < _pairs.Length; i++) _pairs[i] = checked(_pairs[i] + other._pairs[i]);
    }

    /// <summary>The sum of several shards' statistics (at least one).</summary>
    public static SufficientStatistics Merge(IEnumerable<SufficientStatistics> shards)
    {
        SufficientStatistics? total = null;
        foreach (var shard in Guard.NotNull(shards))
        {
            total ??= new SufficientStatistics(shard.Schema, shard.LfNames);
            total.Add(shard);
        }
        return total ?? throw new SnorkelerException("no statistics to merge");
    }

    /// <summary>True when both hold the same classes, LFs and counts.</summary>
    public bool ContentEquals(SufficientStatistics other)
        => Schema.Equals(other.Schema) && LfNames.SequenceEqual(other.LfNames, StringComparer.Ordinal) && RowCount == other.RowCount
           && _votes.AsSpan().SequenceEqual(other._votes) && _pairs.AsSpan().SequenceEqual(other._pairs);

    private void CheckSame(LabelSchema schema, IReadOnlyList<string> lfNames, string what)
    {
        if (!Schema.Equals(schema)) throw new SnorkelerException($"{what}: classes {schema.ListedAgainst(Schema)} differ from the statistics' {Schema.ListedAgainst(schema)}");
        if (lfNames.Count != LfCount) throw new SnorkelerException($"{what}: has {Text.Listing.Counted(lfNames.Count, "LF")} but the statistics have {LfCount:N0}");
        for (var j = 0; j < LfCount; j++)
            if (!string.Equals(lfNames[j], LfNames[j], StringComparison.Ordinal))
                throw new SnorkelerException($"{what}: LF {j + 1} is '{lfNames[j]}' but the statistics have '{LfNames[j]}'");
    }

    /// <summary>
    /// The statistics as JSON: <c>format</c>, <c>version</c>, <c>classes</c>, <c>lfs</c>, <c>rows</c> (n),
    /// <c>votes</c> (m·k counts, LF-major), <c>pairs</c> (for each LF pair j &lt; l in order, k·k counts,
    /// label of j major) and a SHA-256 <c>checksum</c> of the rest.
    /// </summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["format"] = Format,
            ["version"] = Version,
            ["classes"] = new JsonArray(Schema.ClassNames.Select(n => (JsonNode)n!).ToArray()),
            ["lfs"] = new JsonArray(LfNames.Select(n => (JsonNode)n!).ToArray()),
            ["rows"] = RowCount,
            ["votes"] = new JsonArray(_votes.Select(v => (JsonNode)v).ToArray()),
            ["pairs"] = new JsonArray(_pairs.Select(v => (JsonNode)v).ToArray()),
        };
        json["checksum"] = Checksum(json);
        return json;
    }

    /// <summary>Writes the statistics file atomically (see <see cref="ToJson"/> for the format).</summary>
    public void Save(string path)
    {
        using var pending = Prepare(path);
        pending.Commit();
    }

    /// <summary>
    /// Writes the statistics file without publishing it, for a unit with other outputs (see
    /// <see cref="AtomicFile.Commit(IReadOnlyList{PendingFile})"/>); the caller owns the pending file.
    /// </summary>
    public PendingFile Prepare(string path)
    {
        var json = ToJson();
        return AtomicFile.Prepare(path, stream =>
        {
            using var writer = new Utf8JsonWriter(stream);
            json.WriteTo(writer);
        });
    }

    /// <summary>
    /// True when <paramref name="path"/> ends in the extension of a label matrix or answers (.snkm, .npy, .csv, .tsv, .jsonl,
    /// .ndjson, .parquet), which <see cref="Load"/> refuses as statistics.
    /// </summary>
    public static bool IsMatrixName(string path)
        => Path.GetExtension(Guard.NotNull(path)).ToLowerInvariant() is ".snkm" or ".npy" or ".csv" or ".tsv" or ".jsonl" or ".ndjson" or ".parquet";

    /// <summary>Reads and validates a statistics file; every problem is a <see cref="SnorkelerException"/> naming the file.</summary>
    public static SufficientStatistics Load(string path)
    {
        // A matrix given where statistics go read as damaged text ("invalid UTF-8 at byte 229"): say what it is instead.
        if (IsMatrixName(path))
            throw SnorkelerException.InFile(path, "is a label matrix (or answers), not statistics: give it with --matrix; statistics are the JSON file 'apply --stats' writes");
        JsonObject json;
        var text = "";
        try
        {
            text = InputFile.ReadAllText(path, ModelFile.MaxFileBytes, "a statistics file");
            if (string.IsNullOrWhiteSpace(text)) throw SnorkelerException.InFile(path, "the file is empty (not a Snorkeler statistics file)");
            json = StrictJson.Node(text) as JsonObject ?? throw SnorkelerException.InFile(path, "not a Snorkeler statistics file (expected a JSON object)");
        }
        catch (JsonException e) { throw ModelFile.NotJson(path, e, text, "write the statistics again with 'snorkeler apply --stats'"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw SnorkelerException.InFile(path, e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message);
        }
        return ReadGuard.Run(path, () => FromJson(json, path));
    }

    /// <summary>Validates and reads statistics from their JSON object; <paramref name="path"/> names the source in errors.</summary>
    public static SufficientStatistics FromJson(JsonObject json, string path)
    {
        SnorkelerException Bad(string message) => SnorkelerException.InFile(path, message);
        if (json["format"]?.GetValueKind() != JsonValueKind.String || json["format"]!.GetValue<string>() != Format)
            throw Bad($"not a Snorkeler statistics file (field 'format' must be \"{Format}\")");
        ModelFile.RequireVersion(json, "statistics file", Version, Bad);
        var expected = json["checksum"]?.GetValueKind() == JsonValueKind.String ? json["checksum"]!.GetValue<string>() : throw Bad("field 'checksum' is missing");
        var copy = (JsonObject)json.DeepClone();
        copy.Remove("checksum");
        if (!string.Equals(expected, Checksum(copy), StringComparison.OrdinalIgnoreCase))
            throw Bad("checksum mismatch: the file was edited or damaged after it was written; recompute the statistics");
        var classes = ModelFile.Strings(json, "classes", path);
        var lfs = ModelFile.Strings(json, "lfs", path);
        if (IO.MatrixFile.LfNamesProblem(lfs) is { } problem) throw SnorkelerException.InFile(path, $"field 'lfs': {problem}");
        LabelSchema schema;
        try { schema = new LabelSchema(classes); }
        catch (ArgumentException e) { throw Bad($"field 'classes': {e.Message}"); }
        var stats = new SufficientStatistics(schema, lfs) { ContentHash = expected.ToLowerInvariant() };
        var rows = Count(json["rows"], "field 'rows'", long.MaxValue, Bad);
        stats.RowCount = rows;
        ReadCounts(json["votes"] as JsonArray ?? throw Bad("field 'votes' must be an array"), stats._votes, "votes", rows, Bad);
        ReadCounts(json["pairs"] as JsonArray ?? throw Bad("field 'pairs' must be an array"), stats._pairs, "pairs", rows, Bad);
        stats.CheckConsistent(Bad);
        return stats;
    }

    /// <summary>
    /// Counts that rows of votes could have given: an LF votes on at most every row, and two LFs vote a pair of classes
    /// together at most as often as either votes its class. Each count alone lies in 0..rows; together they may not, in a
    /// file another writer made (the checksum only says the file is as written).
    /// </summary>
    private void CheckConsistent(Func<string, SnorkelerException> bad)
    {
        int m = LfCount, k = Cardinality;
        for (var j = 0; j < m; j++)
        {
            var voted = 0L;
            for (var c = 0; c < k; c++) voted += VoteCount(j, c);
            if (voted > RowCount)
                throw bad(string.Create(CultureInfo.InvariantCulture, $"field 'votes': LF '{LfNames[j]}' votes on {voted:N0} rows, more than the {RowCount:N0} counted"));
        }
        for (var j = 0; j < m; j++)
            for (var l = j + 1; l < m; l++)
                for (var a = 0; a < k; a++)
                {
                    long withJ = 0;
                    for (var b = 0; b < k; b++)
                    {
                        var together = PairCount(j, a, l, b);
                        withJ += together;
                        if (together > VoteCount(l, b))
                            throw bad(string.Create(CultureInfo.InvariantCulture, $"field 'pairs': LFs '{LfNames[j]}' and '{LfNames[l]}' vote {Schema.NameOf(a)} and {Schema.NameOf(b)} together on {together:N0} rows, more than the {VoteCount(l, b):N0} on which '{LfNames[l]}' votes {Schema.NameOf(b)}"));
                    }
                    if (withJ > VoteCount(j, a))
                        throw bad(string.Create(CultureInfo.InvariantCulture, $"field 'pairs': LF '{LfNames[j]}' votes {Schema.NameOf(a)} together with '{LfNames[l]}' on {withJ:N0} rows, more than the {VoteCount(j, a):N0} on which it votes {Schema.NameOf(a)}"));
                }
    }

    private static void ReadCounts(JsonArray array, long[] into, string field, long rows, Func<string, SnorkelerException> bad)
    {
        if (array.Count != into.Length) throw bad($"field '{field}' has {Text.Listing.Counted(array.Count, "count")}, expected {into.Length:N0}");
        for (var i = 0; i < into.Length; i++)
        {
            into[i] = Count(array[i], $"field '{field}': count {i}", rows, bad);
        }
    }

    /// <summary>A JSON number that is a whole number from 0 to <paramref name="max"/>; <paramref name="what"/> names it in the error.</summary>
    private static long Count(JsonNode? node, string what, long max, Func<string, SnorkelerException> bad)
        => node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<long>(out var v) && v >= 0 && v <= max
            ? v
            : throw bad(string.Create(CultureInfo.InvariantCulture, $"{what} must be a whole number from 0 to {max:N0}, got {node?.ToJsonString() ?? "nothing"}"));

    private static string Checksum(JsonObject json) => JsonChecksum.Of(json);
}
