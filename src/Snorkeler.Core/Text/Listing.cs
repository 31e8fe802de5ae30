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
}
