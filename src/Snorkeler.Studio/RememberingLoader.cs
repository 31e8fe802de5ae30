using Snorkeler.Loading;

namespace Snorkeler.Studio;

/// <summary>
/// A loader that hands back its last result while nothing it depends on changed: the same files with the same texts,
/// the same context, and the files loading read besides them (keyword lists, <c>#load</c>-ed scripts, <c>#r</c>-ed
/// assemblies) unchanged on disk and in the editor (an unsaved keyword list or <c>#load</c>-ed script is read as its buffer, <see cref="LfLoadContext.Unsaved"/>). The studio reloads the folder on every edit; with this, an edit of a rules file does
/// not read the folder's scripts' compiled assembly again, load another copy of it and run their top level.
/// </summary>
internal sealed class RememberingLoader(ILfLoader inner) : ILfLoader
{
    private Remembered? _last;

    /// <inheritdoc />
    public string Extension => inner.Extension;

    /// <inheritdoc />
    public LfSet Load(IReadOnlyList<LfSourceFile> files, LfLoadContext context)
    {
        if (_last is { } last && last.Context == context && last.Files.SequenceEqual(files) && last.Reads.All(r => Read(r.Key, context) == r.Value))
            return last.Set;
        var set = inner.Load(files, context);
        _last = new Remembered(files.ToArray(), context, set.Reads.Distinct(StringComparer.Ordinal).ToDictionary(r => r, r => Read(r, context), StringComparer.Ordinal), set);
        return set;
    }

    /// <summary>What loading read of <paramref name="path"/>: the editor's buffer of it, else its stamp on disk.</summary>
    private static (string? Buffer, (long, DateTime) Stamp) Read(string path, LfLoadContext context)
        => context.Unsaved is { } unsaved && unsaved.TryGetValue(path, out var buffer) ? (buffer, default) : (null, Stamp(path));

    /// <summary>A file's length and last write time; (-1, default) when it cannot be read.</summary>
    private static (long, DateTime) Stamp(string path)
    {
        try
        {
            var info = new FileInfo(path);
            return info.Exists ? (info.Length, info.LastWriteTimeUtc) : (-1, default);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return (-1, default);
        }
    }

    private sealed record Remembered(LfSourceFile[] Files, LfLoadContext Context, Dictionary<string, (string? Buffer, (long, DateTime) Stamp)> Reads, LfSet Set);
}
