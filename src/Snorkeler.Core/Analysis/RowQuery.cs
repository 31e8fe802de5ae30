using System.Globalization;

namespace Snorkeler.Analysis;

/// <summary>
/// Which rows to look at (Snorkel's label buckets, combinable): every condition given must hold. LFs and classes are
/// named as the user writes them and resolved against a matrix by <see cref="Resolve"/>, which points out a misspelt
/// name with the nearest one. Plain values, so a command line, a report or a web request can build one.
/// </summary>
public sealed record RowQuery
{
    /// <summary>The LFs the other conditions are about. Alone: each of them votes (fires) on the row.</summary>
    public IReadOnlyList<string> Lfs { get; init; } = [];

    /// <summary>
    /// The class each LF of <see cref="Lfs"/> votes (<c>ABSTAIN</c>: it abstains); without <see cref="Lfs"/>, some LF votes it.
    /// </summary>
    public string? Vote { get; init; }

    /// <summary>The row's gold label (a class, or <c>none</c> for rows without one).</summary>
    public string? Gold { get; init; }

    /// <summary>
    /// True: each LF of <see cref="Lfs"/> votes the gold label; false: each votes another class. Without <see cref="Lfs"/>:
    /// every voting LF is right (true), or some LF is wrong (false). Only rows with a gold label qualify.
    /// </summary>
    public bool? Correct { get; init; }

    /// <summary>
    /// LFs disagree: with two or more <see cref="Lfs"/>, they all vote and not alike; with one, it votes and another LF
    /// votes another class; with none, any two LFs vote different classes.
    /// </summary>
    public bool Conflict { get; init; }

    /// <summary>
    /// LFs overlap: with none of <see cref="Lfs"/>, two or more LFs vote on the row (any classes); with LFs, another LF votes
    /// too (analyze's overlaps).
    /// </summary>
    public bool Overlap { get; init; }

    /// <summary>No LF votes on the row.</summary>
    public bool Uncovered { get; init; }

    /// <summary>Some LF votes on the row (with <see cref="ModelCorrect"/>: the model's mistakes the LFs could change, not the prior's guesses).</summary>
    public bool Covered { get; init; }

    /// <summary>The label model is unsure: its two highest probabilities differ by less than this (a tie is 0).</summary>
    public double? MarginBelow { get; init; }

    /// <summary>True: the label model's most probable class is the gold label; false: it is not (a tie counts as not). Rows with a gold label only.</summary>
    public bool? ModelCorrect { get; init; }

    /// <summary>The label model's most probable class (<c>ABSTAIN</c>: its top classes tie).</summary>
    public string? Predicted { get; init; }

    /// <summary>True when a condition needs the label model's probabilities.</summary>
    public bool NeedsModel => MarginBelow is not null || ModelCorrect is not null || Predicted is not null;

    /// <summary>True when a condition needs gold labels.</summary>
    public bool NeedsGold => (Gold is not null && !IsNone(Gold)) || Correct is not null || ModelCorrect is not null;

    /// <summary>The query in words, for headings: <c>keyword_my votes; wrong against gold</c>.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        var lfs = string.Join(" and ", Lfs);
        if (Lfs.Count > 0 && !Conflict)
            parts.Add(Vote is null ? $"{lfs} vote{(Lfs.Count == 1 ? "s" : "")}" : IsAbstain(Vote) ? $"{lfs} abstain{(Lfs.Count == 1 ? "s" : "")}" : $"{lfs} vote{(Lfs.Count == 1 ? "s" : "")} {Vote}");
        else if (Vote is not null) parts.Add(IsAbstain(Vote) ? "some LF abstains" : $"some LF votes {Vote}");
        if (Overlap) parts.Add(Lfs.Count == 0 ? "two or more LFs vote" : "another LF votes too");
        if (Conflict)
            parts.Add(Lfs.Count switch { 0 => "LFs disagree", 1 => $"{lfs} disagrees with another LF", _ => $"{lfs} disagree" });
        if (Correct is { } right) parts.Add(right ? "right against gold" : Lfs.Count == 0 ? "some LF wrong against gold" : "wrong against gold");
        if (Gold is not null) parts.Add(IsNone(Gold) ? "no gold label" : $"gold {Gold}");
        if (Uncovered) parts.Add("no LF votes");
        if (Covered) parts.Add("some LF votes");
        if (MarginBelow is { } margin) parts.Add(string.Create(CultureInfo.InvariantCulture, $"the label model is unsure (margin below {margin:0.###})"));
        if (Predicted is not null) parts.Add(IsAbstain(Predicted) ? "the label model's top classes tie" : $"the label model says {Predicted}");
        if (ModelCorrect is { } model) parts.Add(model ? "the label model agrees with gold" : "the label model disagrees with gold");
        return parts.Count == 0 ? "every row" : string.Join("; ", parts);
    }

    /// <summary>Resolves the names against a matrix's LFs and classes; a name that matches none is an error naming the nearest.</summary>
    public ResolvedRowQuery Resolve(IReadOnlyList<string> lfNames, LabelSchema schema)
    {
        Guard.NotNull(lfNames);
        Guard.NotNull(schema);
        var lfs = Lfs.Select(name => LfIndex(name, lfNames)).Distinct().ToArray();
        return new ResolvedRowQuery(this, lfs, ClassOf(Vote, schema, allowAbstain: true),
            Gold is null ? null : IsNone(Gold) ? LabelSchema.Abstain : ClassOf(Gold, schema, allowAbstain: false),
            ClassOf(Predicted, schema, allowAbstain: true));
    }

    private static int LfIndex(string name, IReadOnlyList<string> lfNames)
    {
        for (var j = 0; j < lfNames.Count; j++)
            if (string.Equals(lfNames[j], name, StringComparison.Ordinal)) return j;
        for (var j = 0; j < lfNames.Count; j++)
            if (string.Equals(lfNames[j], name, StringComparison.OrdinalIgnoreCase)) return j;
        var near = Text.Suggest.Nearest(name, lfNames);
        throw new SnorkelerException($"unknown LF '{name}'{(near is null ? "" : $"; did you mean '{near}'?")} (LFs: {string.Join(", ", lfNames)})");
    }

    private static int? ClassOf(string? name, LabelSchema schema, bool allowAbstain)
    {
        if (name is null) return null;
        if (allowAbstain && IsAbstain(name)) return LabelSchema.Abstain;
        if (schema.LabelOf(name) is { } exact) return exact;
        var ignoringCase = schema.ClassNames.Where(c => string.Equals(c, name, StringComparison.OrdinalIgnoreCase)).ToList();
        if (ignoringCase.Count == 1) return schema.LabelOf(ignoringCase[0]);
        var near = Text.Suggest.Nearest(name, schema.ClassNames.Concat(allowAbstain ? [LabelSchema.AbstainName] : ["none"]));
        throw new SnorkelerException($"unknown class '{name}'{(near is null ? "" : $"; did you mean '{near}'?")} (classes: {string.Join(", ", schema.ClassNames)}{(allowAbstain ? $", or {LabelSchema.AbstainName}" : ", or none")})");
    }

    private static bool IsAbstain(string name) => string.Equals(name, LabelSchema.AbstainName, StringComparison.OrdinalIgnoreCase);

    private static bool IsNone(string name) => string.Equals(name, "none", StringComparison.OrdinalIgnoreCase);
}

/// <summary>A <see cref="RowQuery"/> with its LFs and classes resolved to indexes; tests one row at a time.</summary>
public sealed class ResolvedRowQuery
{
    private readonly int[] _lfs;
    private readonly int? _vote;
    private readonly int? _gold;
    private readonly int? _predicted;

    internal ResolvedRowQuery(RowQuery query, int[] lfs, int? vote, int? gold, int? predicted)
    {
        Query = query;
        _lfs = lfs;
        _vote = vote;
        _gold = gold;
        _predicted = predicted;
    }

    /// <summary>The query as given.</summary>
    public RowQuery Query { get; }

    /// <summary>
    /// True when a row qualifies: <paramref name="votes"/> are its votes (one per LF, -1 abstain), <paramref name="gold"/>
    /// its gold label (-1 none), <paramref name="probabilities"/> the label model's (empty when the query needs none).
    /// </summary>
    public bool Matches(ReadOnlySpan<int> votes, int gold, ReadOnlySpan<double> probabilities)
    {
        var q = Query;
        if (_gold is { } g && gold != g) return false;
        if ((q.Correct is not null || q.ModelCorrect is not null) && gold < 0) return false;
        if (q.Uncovered)
            foreach (var v in votes)
                if (v >= 0) return false;
        if (q.Covered && !votes.ContainsAnyExceptInRange(int.MinValue, LabelSchema.Abstain)) return false;
        foreach (var j in _lfs)
        {
            var v = votes[j];
            if (_vote is { } wanted ? v != wanted : v < 0) return false;
            if (q.Correct is { } right && (v < 0 || (v == gold) != right)) return false;
        }
        if (_lfs.Length == 0)
        {
            if (_vote is { } wanted && votes.IndexOf(wanted) < 0) return false;
            if (q.Correct is { } right && !AllOrSomeRight(votes, gold, right)) return false;
        }
        if (q.Conflict && !Conflicts(votes)) return false;
        if (q.Overlap && !Overlaps(votes)) return false;
        if (q.NeedsModel)
        {
            var (top, margin) = Top(probabilities);
            if (q.MarginBelow is { } below && !(margin < below)) return false;
            if (_predicted is { } predicted && top != predicted) return false;
            if (q.ModelCorrect is { } agrees && (top == gold) != agrees) return false;
        }
        return true;
    }

    /// <summary>Without named LFs: every voting LF right (at least one votes), or some LF wrong.</summary>
    private static bool AllOrSomeRight(ReadOnlySpan<int> votes, int gold, bool right)
    {
        var any = false;
        foreach (var v in votes)
        {
            if (v < 0) continue;
            any = true;
            if (v != gold) return !right;
        }
        return right && any;
    }

    /// <summary>With LFs named, an LF not named votes (the named ones' own votes are checked apart); without, two or more LFs vote.</summary>
    private bool Overlaps(ReadOnlySpan<int> votes)
    {
        var voting = 0;
        for (var j = 0; j < votes.Length; j++)
            if (votes[j] >= 0 && Array.IndexOf(_lfs, j) < 0) voting++;
        return voting >= (_lfs.Length == 0 ? 2 : 1);
    }

    private bool Conflicts(ReadOnlySpan<int> votes)
    {
        if (_lfs.Length >= 2)
        {
            var first = votes[_lfs[0]];
            var differ = false;
            foreach (var j in _lfs)
            {
                if (votes[j] < 0) return false;
                differ |= votes[j] != first;
            }
            return differ;
        }
        if (_lfs.Length == 1)
        {
            var mine = votes[_lfs[0]];
            if (mine < 0) return false;
            foreach (var v in votes)
                if (v >= 0 && v != mine) return true;
            return false;
        }
        var seen = -1;
        foreach (var v in votes)
        {
            if (v < 0) continue;
            if (seen < 0) seen = v;
            else if (v != seen) return true;
        }
        return false;
    }

    /// <summary>The most probable class (-1 when the top two tie) and the margin between the two highest probabilities.</summary>
    internal static (int Top, double Margin) Top(ReadOnlySpan<double> p)
    {
        if (p.IsEmpty) return (LabelSchema.Abstain, 0);
        int best = 0, second = -1;
        for (var c = 1; c < p.Length; c++)
        {
            if (p[c] > p[best]) { second = best; best = c; }
            else if (second < 0 || p[c] > p[second]) second = c;
        }
        var margin = second < 0 ? 1 : p[best] - p[second];
        return (margin <= 0 ? LabelSchema.Abstain : best, Math.Max(0, margin));
    }
}
