using System.Globalization;
using Snorkeler.Analysis;

namespace Snorkeler.Studio;

/// <summary>A piece of a shown field: plain or matched by a rule.</summary>
public sealed record ShownSegment(string Text, bool Matched);

/// <summary>A field of a shown row, cut into segments with what made rules fire marked; null segments when missing.</summary>
public sealed record ShownField(string Name, IReadOnlyList<ShownSegment>? Segments);

/// <summary>An LF's vote on a shown row, with the condition that fired when the LF can say.</summary>
public sealed record ShownVote(string Lf, string Label, string? Condition);

/// <summary>A row as the page shows it.</summary>
/// <param name="Row">Its 0-based index in the set (training rows: the index hand labels are given by).</param>
/// <param name="Number">Its 1-based row number in the data file.</param>
/// <param name="Set">"train" or "dev".</param>
/// <param name="Fields">The fields the LFs read.</param>
/// <param name="Votes">The LFs that vote on it.</param>
/// <param name="Gold">The gold label (dev) or hand label (train), or null.</param>
/// <param name="Predicted">The label model's most probable class (null when tied or without a model).</param>
/// <param name="Confidence">The label model's top probability, or null.</param>
/// <param name="Reason">Why the next-rows queue shows it, or null.</param>
/// <param name="File">The file it comes from (the data's name when it is one file).</param>
/// <param name="Line">Its 1-based line in that file, when the format has lines.</param>
public sealed record ShownRow(long Row, long Number, string Set, IReadOnlyList<ShownField> Fields, IReadOnlyList<ShownVote> Votes, string? Gold,
    string? Predicted, double? Confidence, string? Reason, string File, long? Line);

/// <summary>The rows of a bucket: how many qualify and a page of them.</summary>
/// <param name="Set">"train", "dev" or "gold".</param>
/// <param name="Query">The bucket in words.</param>
/// <param name="Matched">How many rows qualify, on every page.</param>
/// <param name="Rows">The page's rows, in row order.</param>
/// <param name="Offset">How many rows, in the order pages take them, come before the page's.</param>
/// <param name="Limit">The most rows a page holds (0: the rows are counted only).</param>
public sealed record RowsView(string Set, string Query, long Matched, IReadOnlyList<ShownRow> Rows, long Offset, int Limit);

public sealed partial class StudioSession
{
    /// <summary>The margin under which the label model counts as unsure of a row.</summary>
    public const double UncertainMargin = 0.2;

    /// <summary>The most rows one page of <see cref="Rows"/> holds.</summary>
    public const int MaxRowsLimit = 500;

    /// <summary>
    /// The rows of a bucket of <paramref name="set"/> ("train", "dev", or "gold": the dev rows with a gold label and the
    /// hand-labelled training rows): <paramref name="bucket"/> is <c>fires</c>
    /// (the LF votes), <c>correct</c>, <c>wrong</c> (against gold), <c>conflict</c>, <c>overlap</c>, <c>uncovered</c>,
    /// <c>uncertain</c>, <c>model-wrong</c>, <c>model-right</c> or <c>all</c>; <paramref name="lf"/> narrows it to one LF;
    /// <paramref name="covered"/> true keeps the rows some LF votes on, false the rows no LF votes on (as <c>rows --covered</c>
    /// and <c>--uncovered</c>: <c>model-wrong</c> with true is the model's mistakes without the rows it labels by its prior alone).
    /// The rows are taken in the order <c>snorkeler rows</c> samples them with <paramref name="seed"/> (so the first page is
    /// its sample of <paramref name="limit"/> rows): <paramref name="offset"/> skips that many, and pages one after another
    /// show every row of the bucket once. A limit of 0 counts the rows only, as <c>rows --limit 0</c> does.
    /// </summary>
    public RowsView Rows(string set, string? lf, string bucket, int limit, int seed, bool? covered = null, long offset = 0)
    {
        if (limit is < 0 or > MaxRowsLimit)
            throw new StudioRefusal(string.Create(CultureInfo.InvariantCulture,
                $"'limit' must be from 0 to {MaxRowsLimit} (the most rows one page holds; ask for the rows after them with 'offset'), not {limit:N0}"));
        if (offset < 0) throw new StudioRefusal(string.Create(CultureInfo.InvariantCulture, $"'offset' must be a whole number from 0, not {offset}"));
        lock (_gate)
        {
            var e = _current ?? throw new StudioRefusal("the LFs do not check clean yet");
            if (set is not ("train" or "dev" or "gold")) throw new StudioRefusal($"set must be 'train', 'dev' or 'gold', got '{set}'");
            if (set == "dev" && e.Dev is null) throw new StudioRefusal("there is no dev data (start the studio with --dev FILE --gold-column NAME)");
            if (set == "gold" && e.Gold is null) throw new StudioRefusal("there are no gold rows yet (start the studio with --dev FILE, or label training rows by hand)");
            if (lf is not null && !e.Lfs.Any(l => l.Name == lf)) throw new StudioRefusal(NoSuchLf(e, lf), 404);
            string[] lfs = lf is null ? [] : [lf];
            var query = bucket switch
            {
                "all" => new RowQuery(),
                "fires" => new RowQuery { Lfs = lfs },
                "correct" => new RowQuery { Lfs = lfs, Correct = true },
                "wrong" => new RowQuery { Lfs = lfs, Correct = false },
                "conflict" => new RowQuery { Lfs = lfs, Conflict = true },
                "overlap" => new RowQuery { Lfs = lfs, Overlap = true },
                "uncovered" => new RowQuery { Uncovered = true },
                "uncertain" => new RowQuery { MarginBelow = UncertainMargin },
                "model-wrong" => new RowQuery { ModelCorrect = false },
                "model-right" => new RowQuery { ModelCorrect = true },
                _ => throw new StudioRefusal($"unknown bucket '{bucket}' (all, fires, correct, wrong, conflict, overlap, uncovered, uncertain, model-wrong, model-right)"),
            };
            if (covered is { } some)
            {
                // Refused rather than answered with no rows, as 'rows --covered --uncovered' is.
                if (some ? query.Uncovered : query.Lfs.Count > 0 || query.Correct is not null || query.Conflict || query.Overlap)
                    throw new StudioRefusal($"bucket '{bucket}' holds only rows {(some ? "no" : "some")} LF votes on, so covered={(some ? "true" : "false")} would leave none");
                query = some ? query with { Covered = true } : query with { Uncovered = true };
            }
            if (query.NeedsModel && e.Model is null) throw new StudioRefusal($"'{bucket}' needs the label model, and none is fitted{(e.ModelError is null ? "" : $": {e.ModelError}")}");
            PredictBlock? predict = e.Model is null ? null : e.Model.PredictProbabilities;
            if (set == "gold") return GoldRows(e, query, offset, limit, seed, predict);
            var dev = set == "dev";
            var page = RowBuckets.Page(dev ? e.Dev! : e.Train, query, offset, limit, seed, predict);
            return new RowsView(set, query.Describe(), page.Matched, Show(e, dev, page.Rows, null), offset, limit);
        }
    }

    /// <summary>
    /// "no LF named 'spam_chek' in the rules and scripts of this studio (nlp.csx and spam.rules in its LF folder, with the
    /// unsaved edits of spam.rules); did you mean 'spam_check'?": where the studio looked, as the name may be right and the
    /// file not yet there, and which of those files it read as the page shows them rather than as saved.
    /// </summary>
    private string NoSuchLf(Evaluation e, string lf)
    {
        var files = LfFiles().Order(StringComparer.Ordinal).ToArray();
        var names = files.Select(Relative).ToArray();
        var edited = files.Where(_unsaved.ContainsKey).Select(Relative).ToArray();
        var meant = Text.Suggest.Nearest(lf, e.Lfs.Select(l => l.Name));
        var edits = edited.Length == 0 ? ""
            : edited.Length < names.Length ? $", with the unsaved edits of {Text.Listing.Join(edited, "and")}"
            : names.Length == 1 ? ", with its unsaved edits" : ", with their unsaved edits";
        var where = names.Length == 0 ? "its LF folder has none" : $"{Text.Listing.Join(names, "and")} in its LF folder{edits}";
        return $"no LF named '{Text.Printable.OneLine(lf)}' in the rules and scripts of this studio ({where}){(meant is null ? "" : $"; did you mean '{meant}'?")}";
    }

    /// <summary>
    /// The rows of a bucket among the gold rows, the rows the model accuracy and the empirical accuracies are measured on:
    /// the dev rows with a gold label and the hand-labelled training rows (each shown as the row of its own set).
    /// </summary>
    private RowsView GoldRows(Evaluation e, RowQuery query, long offset, int limit, int seed, PredictBlock? predict)
    {
        var gold = e.Gold!;
        var devRows = e.Dev?.RowCount ?? 0;
        // The gold matrix holds every dev row, a row without a gold label too: rank enough to leave them out, so the
        // page's rows are ranked among the gold rows alone.
        var withoutGold = gold.RowCount - e.Totals.GoldRows;
        var sample = RowBuckets.Ranked(gold, [query], limit == 0 ? 0 : Math.Min(offset, gold.RowCount) + limit + withoutGold, seed, predict)[0];
        var rows = sample.Rows.Where(r => r.Gold >= 0).Skip((int)Math.Min(offset, gold.RowCount)).Take(limit).OrderBy(r => r.Index).ToList();
        var fromDev = rows.Where(r => r.Index < devRows).ToList();
        var fromTrain = rows.Where(r => r.Index >= devRows).Select(r => r with { Index = e.HandRows[(int)r.Index - devRows] }).OrderBy(r => r.Index).ToList();
        List<ShownRow> shown = [.. fromDev.Count == 0 ? [] : Show(e, true, fromDev, null), .. fromTrain.Count == 0 ? [] : Show(e, false, fromTrain, null)];
        return new RowsView("gold", query.Describe(), sample.Matched - sample.ByGold![^1], shown, offset, limit);
    }

    /// <summary>The rows as the page shows them, with their fields, votes, highlights and labels.</summary>
    private List<ShownRow> Show(Evaluation e, bool dev, IReadOnlyList<SampledRow> rows, IReadOnlyDictionary<long, string>? reasons)
    {
        var data = dev ? _dev! : _train;
        var fields = RowRecords.DefaultFields(data.Schema, e.Lfs, _settings.GoldColumn);
        if (!dev) fields = fields.Where(f => f != _settings.GoldColumn).ToArray();
        var records = RowRecords.Read(data, rows, e.Train.LfNames, e.Lfs, fields);
        var byIndex = rows.ToDictionary(r => r.Index);
        var shown = new List<ShownRow>(records.Count);
        foreach (var record in records)
        {
            var index = record.Number - 1;
            var sampled = byIndex[index];
            var matches = record.Votes.Where(v => v.Why is not null).SelectMany(v => v.Why!.Matches).ToList();
            var shownFields = record.Fields.Select(f => new ShownField(f.Name, f.Value is null ? null
                : Highlight.Segments(f.Value, matches.Where(m => m.Field == f.Name).Select(m => (m.Start, m.Length))).Select(s => new ShownSegment(s.Text, s.Matched)).ToArray())).ToArray();
            var votes = record.Votes.Select(v => new ShownVote(v.Lf, e.Schema.NameOf(v.Vote), v.Why?.Condition)).ToArray();
            var probabilities = sampled.Probabilities ?? (e.Probabilities is not null && !dev ? e.Probabilities.AsSpan((int)index * e.Schema.Cardinality, e.Schema.Cardinality).ToArray() : null);
            string? predicted = null;
            double? confidence = null;
            if (probabilities is not null)
            {
                var (top, _) = Top(probabilities.ToArray());
                predicted = top >= 0 ? e.Schema.NameOf(top) : null;
                confidence = probabilities.Max();
            }
            var gold = sampled.Gold >= 0 ? e.Schema.NameOf(sampled.Gold) : null;
            shown.Add(new ShownRow(index, (dev ? index : _train.Original(index)) + 1, dev ? "dev" : "train", shownFields, votes, gold, predicted, confidence,
                reasons is not null && reasons.TryGetValue(index, out var reason) ? reason : null, Path.GetFileName(record.File), record.Line is > 0 ? record.Line : null));
        }
        return shown;
    }

    /// <summary>
    /// What to look at next: training rows ranked by how much a new or fixed LF there would help. A row scores 1 when
    /// no LF votes on it, 0.7 when LFs conflict on it, plus up to 0.5 for the label model's doubt (one minus the margin
    /// between its two most probable classes); hand-labelled rows are left out. The ranking is then made diverse: rows
    /// are taken greedily by score × (1 − 0.7 × the highest word overlap (Jaccard) with a row already taken), so one
    /// cluster of near-identical rows cannot fill the queue.
    /// </summary>
    public RowsView NextRows(int limit)
    {
        if (limit is < 1 or > MaxRowsLimit)
            throw new StudioRefusal(string.Create(CultureInfo.InvariantCulture,
                $"'limit' must be from 1 to {MaxRowsLimit} (the length of the queue the studio ranks), not {limit:N0}{(limit == 0 ? "; /api/rows?limit=0 counts a bucket's rows" : "")}"));
        lock (_gate)
        {
            var e = _current ?? throw new StudioRefusal("the LFs do not check clean yet");
            var ranked = RankNext(e, limit);
            var sampled = ranked.Select(r => new SampledRow(r.Row, Votes(e.Train, r.Row), e.Train.Gold(r.Row), null)).ToList();
            var reasons = ranked.ToDictionary(r => (long)r.Row, r => r.Reason);
            return new RowsView("train", "next rows", ranked.Count, Show(e, false, sampled, reasons), 0, limit);
        }
    }

    /// <summary>The queue's rows in order with the reason each is in it (the ranking <see cref="NextRows"/> describes).</summary>
    internal List<(int Row, string Reason)> RankNext(Evaluation e, int limit)
    {
        var n = e.Train.RowCount;
        var k = e.Schema.Cardinality;
        var scores = new double[n];
        var reasons = new string[n];
        var votes = new int[Math.Max(1, e.Train.LfCount)];
        var labels = new int[Math.Max(1, e.Train.LfCount)];
        for (var i = 0; i < n; i++)
        {
            if (e.Train.Gold(i) >= 0) { scores[i] = double.NegativeInfinity; continue; }
            var count = e.Train.CopyVotes(i, votes, labels);
            var conflict = false;
            for (var v = 1; v < count; v++) if (labels[v] != labels[0]) conflict = true;
            double score = count == 0 ? 1 : conflict ? 0.7 : 0;
            var reason = count == 0 ? "no LF votes" : conflict ? "LFs conflict" : "";
            if (e.Probabilities is not null)
            {
                var p = e.Probabilities.AsSpan(i * k, k);
                var (_, margin) = Top(p);
                score += 0.5 * (1 - margin);
                if (count > 0 && !conflict) reason = string.Create(CultureInfo.InvariantCulture, $"the label model is unsure (margin {margin:0.00})");
            }
            scores[i] = score;
            reasons[i] = reason;
        }
        // Diversity among the best candidates only: the greedy pass is quadratic in their number.
        var candidates = Enumerable.Range(0, n).Where(i => !double.IsNegativeInfinity(scores[i]))
            .OrderByDescending(i => scores[i]).ThenBy(i => Mix(i)).Take(limit * 8).ToList();
        var words = candidates.ToDictionary(i => i, i => Words(TrainText(i)).ToHashSet(StringComparer.Ordinal));
        var taken = new List<(int Row, string Reason)>();
        var left = new List<int>(candidates);
        while (taken.Count < limit && left.Count > 0)
        {
            var best = -1;
            var bestScore = double.NegativeInfinity;
            foreach (var i in left)
            {
                var overlap = 0.0;
                foreach (var (row, _) in taken) overlap = Math.Max(overlap, Jaccard(words[i], words[row]));
                var s = scores[i] * (1 - 0.7 * overlap);
                if (s > bestScore) { bestScore = s; best = i; }
            }
            taken.Add((best, reasons[best]));
            left.Remove(best);
        }
        return taken;
    }

    /// <summary>The most probable class (-1 when the top two tie) and its margin over the second.</summary>
    internal static (int Top, double Margin) Top(ReadOnlySpan<double> p)
    {
        if (p.IsEmpty) return (-1, 0);
        int best = 0, second = -1;
        for (var c = 1; c < p.Length; c++)
        {
            if (p[c] > p[best]) { second = best; best = c; }
            else if (second < 0 || p[c] > p[second]) second = c;
        }
        var margin = second < 0 ? 1 : p[best] - p[second];
        return (margin > 0 ? best : -1, margin);
    }

    private static ulong Mix(int i)
    {
        var z = (ulong)i * 0x9E3779B97F4A7C15UL;
        return (z ^ (z >> 29)) * 0xBF58476D1CE4E5B9UL;
    }

    private static int[] Votes(LabelMatrix matrix, int row)
    {
        var votes = new int[matrix.LfCount];
        matrix.CopyRow(row, votes);
        return votes;
    }

    private static double Jaccard(HashSet<string> a, HashSet<string> b)
    {
        if (a.Count == 0 && b.Count == 0) return 1;
        var common = a.Count < b.Count ? a.Count(b.Contains) : b.Count(a.Contains);
        return (double)common / (a.Count + b.Count - common);
    }
}
