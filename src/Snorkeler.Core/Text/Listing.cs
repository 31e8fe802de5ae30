namespace Snorkeler.Text;

/// <summary>Lists as messages write them.</summary>
public static class Listing
{
    /// <summary>"a", "a or b", "a, b or c": the items joined by commas, with <paramref name="conjunction"/> before the last.</summary>
    public static string Join(IReadOnlyList<string> items, string conjunction)
    {
        Guard.NotNull(items);
        return items.Count <= 1 ? string.Concat(items) : string.Join(", ", items.Take(items.Count - 1)) + $" {conjunction} " + items[^1];
    }

    /// <summary>
    /// A word a POSIX shell reads back as <paramref name="value"/>: as it is when plain, else in single quotes; for the
    /// commands and options messages tell a person to run (<c>--column 'customer tier=body'</c>).
    /// </summary>
    internal static string ShellWord(string value)
        => value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "_./=:@%+,-".Contains(c))
            ? value
            : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>
    /// "1 row", "0 rows", "1,234 rows", "1,000 classes": a count with its noun, plural unless the count is 1 (an s added, es
    /// after s, x or sh; "epochs", so not after ch). Counts in messages go through here, so all of them are written alike.
    /// </summary>
    public static string Counted(long count, string noun)
        => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{count:N0} {noun}{(count == 1 ? "" : Plural(noun))}");

    private static string Plural(string noun)
        => noun.EndsWith('s') || noun.EndsWith('x') || noun.EndsWith("sh", StringComparison.Ordinal) ? "es" : "s";

    /// <summary>
    /// "class 4", "classes 2 to 10", "classes 2, 4 and 6 to 9": increasing <paramref name="numbers"/> after the noun, runs of
    /// three or more written as ranges.
    /// </summary>
    public static string Ranges(IReadOnlyList<int> numbers, string one, string many)
    {
        Guard.NotNull(numbers);
        var parts = new List<string>();
        for (var i = 0; i < numbers.Count;)
        {
            var end = i;
            while (end + 1 < numbers.Count && numbers[end + 1] == numbers[end] + 1) end++;
            if (end - i >= 2) parts.Add($"{numbers[i]} to {numbers[end]}");
            else for (var j = i; j <= end; j++) parts.Add(numbers[j].ToString(System.Globalization.CultureInfo.InvariantCulture));
            i = end + 1;
        }
        return $"{(numbers.Count == 1 ? one : many)} {Join(parts, "and")}";
    }
}
