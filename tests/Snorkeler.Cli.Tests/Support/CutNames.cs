namespace Snorkeler.Cli.Tests.Support;

/// <summary>Names as text tables cut them to fit 100 columns (<c>annotator-re…001</c>).</summary>
internal static class CutNames
{
    /// <summary>True when <paramref name="shown"/> is <paramref name="name"/>, or <paramref name="name"/> cut with an ellipsis (its start, "…", its end).</summary>
    public static bool StandsFor(string shown, string name)
    {
        var cut = shown.IndexOf('…', StringComparison.Ordinal);
        return cut < 0 ? shown == name
            : name.Length >= shown.Length - 1 && name.StartsWith(shown[..cut], StringComparison.Ordinal) && name.EndsWith(shown[(cut + 1)..], StringComparison.Ordinal);
    }
}
