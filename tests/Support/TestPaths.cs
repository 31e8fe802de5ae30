namespace Snorkeler.Tests.Support;

/// <summary>Where the repository and the shared data sets are, wherever the tests run from.</summary>
internal static class TestPaths
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Snorkeler.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Snorkeler.sln not found above " + AppContext.BaseDirectory);
    });

    /// <summary>The repository root (the folder holding Snorkeler.sln).</summary>
    public static string Root => RootPath.Value;

    /// <summary>The shared folder beside the repository (CI clones main with ../shared beside it).</summary>
    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    /// <summary>The YouTube spam data set: Wrench splits, label.json, raw/*.csv.</summary>
    public static string YouTube => Path.Combine(Shared, "data", "youtube");

    /// <summary>A path under the YouTube folder.</summary>
    public static string YouTubeFile(string name) => Path.Combine(YouTube, name);

    /// <summary>The five raw YouTube CSVs, in video order.</summary>
    public static IReadOnlyList<string> YouTubeRawCsvs
        => Directory.GetFiles(Path.Combine(YouTube, "raw"), "*.csv").OrderBy(p => p, StringComparer.Ordinal).ToArray();

    /// <summary>A crowd data set in long format (bluebird, rte, dog): answers.csv, gold.csv, label.json.</summary>
    public static string Crowd(string set, string file = "answers.csv") => Path.Combine(Shared, "data", "crowd", set, file);

    /// <summary>A path under the repository.</summary>
    public static string InRepo(params string[] parts) => Path.Combine([Root, .. parts]);
}

/// <summary>A temporary folder deleted when disposed.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "snorkeler-tests", Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string Write(string name, string text)
    {
        var path = File(name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
