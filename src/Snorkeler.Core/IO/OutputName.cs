namespace Snorkeler.IO;

/// <summary>The message for an output whose name has no extension to pick its format ('-' the CLI refuses first, as no file's name).</summary>
public static class OutputName
{
    /// <summary>
    /// The error for <paramref name="path"/>, a <paramref name="what"/> (<c>matrix</c>, <c>labels</c>) written in the format its
    /// extension, one of <paramref name="extensions"/> (with the dot), picks, when the name has none, naming the file each would
    /// make; null for a name with an extension (known or not, its caller says).
    /// </summary>
    public static SnorkelerException? WithoutExtension(string path, string what, IReadOnlyList<string> extensions)
    {
        var ext = Path.GetExtension(Guard.NotNull(path));
        if (ext.Length > 1) return null;
        var named = extensions.Select(e => path.TrimEnd('.') + e).ToArray();
        return new SnorkelerException($"{path}: the name has no extension, which picks the {what} format: name it {Text.Listing.Join(named, "or")}");
    }
}
