using System.Globalization;
using Snorkeler.Data;

namespace Snorkeler.LabelModels.Preferences;

/// <summary>The outcome of one pairwise judgement.</summary>
public enum PreferenceOutcome
{
    /// <summary>The left item was preferred.</summary>
    Left,
    /// <summary>The right item was preferred.</summary>
    Right,
    /// <summary>Neither was preferred.</summary>
    Tie,
}

/// <summary>One judgement: item indices, the annotator's index, the outcome.</summary>
public readonly record struct Comparison(int Left, int Right, int Annotator, PreferenceOutcome Outcome);

/// <summary>
/// Pairwise preferences as people give them: one line per judgement with the two items, the annotator and
/// the winner (<c>left,right,worker,winner</c>; the winner is the winning item's id, or <c>left</c>/<c>a</c>,
/// <c>right</c>/<c>b</c>, <c>tie</c>/<c>draw</c>). Items and annotators are numbered in order of first appearance.
/// </summary>
public sealed class PreferenceData
{
    /// <summary>Column names read by default.</summary>
    public const string LeftColumn = "left", RightColumn = "right", WorkerColumn = "worker", WinnerColumn = "winner";

    /// <summary>Creates the data from judgements over named items and annotators.</summary>
    public PreferenceData(IReadOnlyList<string> items, IReadOnlyList<string> annotators, IReadOnlyList<Comparison> comparisons)
    {
        Items = Guard.NotNull(items);
        Annotators = Guard.NotNull(annotators);
        Comparisons = Guard.NotNull(comparisons);
        foreach (var c in comparisons)
        {
            if ((uint)c.Left >= (uint)items.Count || (uint)c.Right >= (uint)items.Count || (uint)c.Annotator >= (uint)annotators.Count)
                throw new ArgumentException($"a comparison refers to item {c.Left} or {c.Right} or annotator {c.Annotator}, outside the lists", nameof(comparisons));
            if (c.Left == c.Right) throw new ArgumentException($"item '{items[c.Left]}' is compared with itself", nameof(comparisons));
        }
    }

    /// <summary>Item ids, by index.</summary>
    public IReadOnlyList<string> Items { get; }

    /// <summary>Annotator ids, by index.</summary>
    public IReadOnlyList<string> Annotators { get; }

    /// <summary>The judgements, in file order.</summary>
    public IReadOnlyList<Comparison> Comparisons { get; }

    /// <summary>
    /// Set by <see cref="Read"/> when some winner named one of its pair's items by a word that is also a side or a tie
    /// read otherwise (items <c>right,left</c> with the winner <c>left</c>): how the first was read and how many were read
    /// so, as one line without a prefix; null when every winner reads one way.
    /// </summary>
    public string? WinnerWarning { get; private init; }

    /// <summary>
    /// The items in groups that judgements link (the connected components of the comparison graph), largest first, each in
    /// order of first appearance; one group when every item is linked to every other through judgements. Scores of items in
    /// two groups are not comparable: no judgement ties one group's scale to another's, and only the prior (centred at 0)
    /// places each group.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<int>> Groups()
    {
        var parent = new int[Items.Count];
        for (var i = 0; i < parent.Length; i++) parent[i] = i;
        int Root(int i)
        {
            while (parent[i] != i) i = parent[i] = parent[parent[i]];
            return i;
        }
        foreach (var c in Comparisons)
        {
            var (a, b) = (Root(c.Left), Root(c.Right));
            if (a != b) parent[Math.Max(a, b)] = Math.Min(a, b);
        }
        var groups = new Dictionary<int, List<int>>();
        for (var i = 0; i < parent.Length; i++)
        {
            var root = Root(i);
            if (!groups.TryGetValue(root, out var group)) groups[root] = group = [];
            group.Add(i);
        }
        return [.. groups.Values.OrderByDescending(g => g.Count).ThenBy(g => g[0])];
    }

    /// <summary>
    /// Says when judgements link the items into separate groups (<see cref="Groups"/>): Bradley–Terry scores are comparable
    /// only within one, so a ranking across them (<see cref="BradleyTerry"/>'s, best first) orders items no judgement compared.
    /// One line naming the groups' sizes and some items outside the largest; null when all items are linked.
    /// </summary>
    public string? DisconnectedWarning()
    {
        var groups = Groups();
        if (groups.Count < 2) return null;
        var sizes = Text.Listing.Join(groups.Take(6).Select(g => g.Count.ToString("N0", CultureInfo.InvariantCulture)).ToList(), "and")
                    + (groups.Count > 6 ? ", …" : "");
        var outside = groups.Skip(1).SelectMany(g => g).ToList();
        var some = string.Join(", ", outside.Take(5).Select(i => $"'{Items[i]}'")) + (outside.Count > 5 ? ", …" : "");
        return string.Create(CultureInfo.InvariantCulture,
            $"the judgements link the items into {groups.Count:N0} separate groups (of {sizes} items) that no judgement compares with one another, "
            + $"so scores compare only within a group: the prior alone places each group, and the ranking across groups rests on no judgement; "
            + $"items outside the largest group: {some}; judge pairs across the groups to join them");
    }

    /// <summary>
    /// Reads judgements from CSV, JSON Lines or Parquet. Without a worker column every judgement is one
    /// annotator's ("-"). A judgement of an item against itself, or with an empty worker cell, is an error naming the line.
    /// </summary>
    public static PreferenceData Read(string path, string? leftColumn = null, string? rightColumn = null, string? workerColumn = null, string? winnerColumn = null)
    {
        var source = DataSources.Open(path);
        var left = source.Schema.RequireIndex(leftColumn ?? LeftColumn, path, "--left-column");
        var right = source.Schema.RequireIndex(rightColumn ?? RightColumn, path, "--right-column");
        var winner = source.Schema.RequireIndex(winnerColumn ?? WinnerColumn, path, "--winner-column");
        var worker = workerColumn is not null ? source.Schema.RequireIndex(workerColumn, path, "--worker-column") : source.Schema.IndexOf(WorkerColumn);
        var items = new Dictionary<string, int>(StringComparer.Ordinal);
        var itemNames = new List<string>();
        var annotators = new Dictionary<string, int>(StringComparer.Ordinal);
        var annotatorNames = new List<string>();
        var comparisons = new List<Comparison>();
        string? firstAmbiguous = null;
        var ambiguous = 0;
        int Id(Dictionary<string, int> ids, List<string> names, string key)
        {
            if (ids.TryGetValue(key, out var id)) return id;
            ids[key] = names.Count;
            names.Add(key);
            return names.Count - 1;
        }
        foreach (var batch in source.ReadBatches(8192))
            for (var i = 0; i < batch.Count; i++)
            {
                var line = batch.LineOf(i);
                var l = batch.Text(i, left).Trim().ToString();
                var r = batch.Text(i, right).Trim().ToString();
                if (l.Length == 0 || r.Length == 0) throw SnorkelerException.InFile(path, "an item id is empty", line);
                if (l == r) throw SnorkelerException.InFile(path, $"item '{l}' is compared with itself", line);
                var w = batch.Text(i, winner).Trim().ToString();
                var side = Side(w);
                // The winner names an item first (so items called "a" or "tie" are not misread), then a side.
                var outcome = w == l ? PreferenceOutcome.Left : w == r ? PreferenceOutcome.Right
                    : side ?? throw SnorkelerException.InFile(path, $"winner '{w}' is neither left, right, tie nor one of the two items ('{l}', '{r}')", line);
                // An item called by a side's word, read as the item where the side would say otherwise: items named so are
                // more often the winner column read as items (a column mix-up) than items meant to be called so.
                if (side is { } meant && meant != outcome && ambiguous++ == 0)
                    firstAmbiguous = string.Create(CultureInfo.InvariantCulture,
                        $"winner '{w}' ({(line is { } n ? $"line {n}" : $"row {batch.FirstRow + i + 1}")}) is read as the item '{w}', the {(outcome == PreferenceOutcome.Left ? "left" : "right")} item of its pair, "
                        + $"not as {(meant == PreferenceOutcome.Tie ? "a tie" : meant == PreferenceOutcome.Left ? "the left side" : "the right side")}");
                // As in long-format answers: a worker column with an empty cell is a hole in the data, not an annotator called "".
                var who = worker < 0 ? "-" : batch.IsMissing(i, worker) ? "" : batch.Text(i, worker).Trim().ToString();
                if (who.Length == 0) throw SnorkelerException.InFile(path, $"column '{source.Schema.Names[worker]}' is empty", line);
                comparisons.Add(new Comparison(Id(items, itemNames, l), Id(items, itemNames, r), Id(annotators, annotatorNames, who), outcome));
            }
        if (comparisons.Count == 0) throw SnorkelerException.InFile(path, "the file has no judgements");
        return new PreferenceData(itemNames, annotatorNames, comparisons)
        {
            WinnerWarning = firstAmbiguous is null ? null
                : $"{firstAmbiguous}, as a winner that names one of its two items is that item ({Text.Listing.Counted(ambiguous, "judgement")} read so); "
                  + "if no item is meant to be called so, check which columns hold the items and the winner (--left-column, --right-column, --winner-column); "
                  + "else write the side with a word the items are not called (left or a, right or b, tie or draw)",
        };
    }

    /// <summary>The side or tie a winner's word names (<c>left</c>/<c>a</c>, <c>right</c>/<c>b</c>, <c>tie</c>/<c>draw</c>, in any case), or null.</summary>
    private static PreferenceOutcome? Side(string word) => word.ToLowerInvariant() switch
    {
        "left" or "a" => PreferenceOutcome.Left,
        "right" or "b" => PreferenceOutcome.Right,
        "tie" or "draw" => PreferenceOutcome.Tie,
        _ => null,
    };
}
