namespace Snorkeler.Text;

/// <summary>"Did you mean" suggestions: the nearest candidate by edit distance, ignoring case.</summary>
public static class Suggest
{
    /// <summary>"; did you mean 'X'?" with the <see cref="Nearest"/> candidate, as messages end their hint; "" for none.</summary>
    internal static string DidYouMean(string word, IEnumerable<string> candidates)
        => Nearest(word, candidates) is { } near ? $"; did you mean '{near}'?" : "";

    /// <summary>
    /// The candidate nearest to <paramref name="word"/> when it is close enough to be a likely typo
    /// (at most a third of the word's length in edits, and at least one), else null.
    /// </summary>
    public static string? Nearest(string word, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var d = Distance(word.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (d < bestDistance)
            {
                bestDistance = d;
                best = candidate;
            }
        }
        var limit = Math.Max(1, word.Length / 3);
        return bestDistance <= limit ? best : null;
    }

    /// <summary>
    /// The value of a closed set of <paramref name="choices"/> (an option's values) that <paramref name="word"/> most likely
    /// meant: the <see cref="Nearest"/> one, else the only one that begins with the word's first letter and holds its letters
    /// in order, as a short form is written ('jsn' or 'jl' for jsonl, 'md' for markdown, 'rnd' for random), else null.
    /// </summary>
    public static string? NearestChoice(string word, IReadOnlyCollection<string> choices)
    {
        if (Nearest(word, choices) is { } near) return near;
        if (word.Length < 2) return null;
        var holding = choices.Where(c => c.StartsWith(word[0].ToString(), StringComparison.OrdinalIgnoreCase)
            && HoldsInOrder(c.ToLowerInvariant(), word.ToLowerInvariant())).Take(2).ToArray();
        return holding.Length == 1 ? holding[0] : null;
    }

    private static bool HoldsInOrder(string text, string letters)
    {
        var at = 0;
        foreach (var c in text)
            if (at < letters.Length && c == letters[at]) at++;
        return at == letters.Length;
    }

    /// <summary>Optimal string alignment distance (Levenshtein plus adjacent transpositions).</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        for (var j = 1; j <= b.Length; j++)
        {
            var cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
        }
        return d[a.Length, b.Length];
    }
}
