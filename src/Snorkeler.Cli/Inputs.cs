using Snorkeler.Data;
using Snorkeler.IO;
using Snorkeler.Loading;

namespace Snorkeler.Cli;

/// <summary>Opening the inputs commands share: data, matrices, LF folders.</summary>
internal static class Inputs
{
    /// <summary>The LF loaders, in order: rules first (they declare the classes), then scripts.</summary>
    public static IReadOnlyList<ILfLoader> Loaders { get; } = [new Dsl.RulesLoader(), new Scripting.ScriptLoader()];

    public static readonly OptionSpec ColumnOption = new("--column", "LF=DATA", "read the data column DATA where LFs say LF (e.g. text=CONTENT); repeatable", Many: true);

    public static readonly OptionSpec CacheDirOption = new("--cache-dir", "DIR", "where compiled C# scripts are cached (default $SNORKELER_CACHE_DIR or ~/.cache/snorkeler)");

    public static readonly OptionSpec LfTimeoutOption = new("--lf-timeout", "SECONDS", "fail the run when one call of a script LF runs longer than this on one row, or scripts' top-level code longer than this while loading (default 10; 0: no limit)");

    /// <summary>The per-call time budget of script LFs: --lf-timeout seconds, 10 by default, 0 for none.</summary>
    public static TimeSpan? LfTimeBudget(Args args)
        => (args.Int("--lf-timeout", 0, 24 * 3600) ?? 10) is var seconds and > 0 ? TimeSpan.FromSeconds(seconds) : null;

    public static IDataSource OpenData(IReadOnlyList<string> paths, Args args)
        => DataSources.WithAliases(DataSources.Open(paths), Aliases(args));

    /// <summary>The <c>--column LF=DATA</c> pairs.</summary>
    public static Dictionary<string, string> Aliases(Args args)
    {
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in args.Values("--column"))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == pair.Length - 1) throw new UsageException($"--column expects LF=DATA (e.g. text=CONTENT), got '{pair}'");
            aliases[pair[..eq]] = pair[(eq + 1)..];
        }
        return aliases;
    }

    /// <summary>The cache folder: <c>--cache-dir</c>, else <c>SNORKELER_CACHE_DIR</c>, else <c>$XDG_CACHE_HOME/snorkeler</c>, else <c>~/.cache/snorkeler</c> (as for compiled scripts).</summary>
    public static string CacheRoot(Args args)
    {
        var root = args.Value("--cache-dir");
        if (string.IsNullOrWhiteSpace(root)) root = Environment.GetEnvironmentVariable("SNORKELER_CACHE_DIR");
        if (!string.IsNullOrWhiteSpace(root)) return root;
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        return !string.IsNullOrWhiteSpace(xdg) ? Path.Combine(xdg, "snorkeler")
            : OperatingSystem.IsWindows() ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "snorkeler")
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "snorkeler");
    }

    /// <summary>The class schema a data file declares itself (a Wrench split's label.json), if any.</summary>
    public static LabelSchema? SchemaOf(IReadOnlyList<string> dataPaths)
        => dataPaths.Count > 0 && dataPaths.All(p => p.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) ? WrenchFile.ReadSchema(dataPaths[0]) : null;

    public static LfSet LoadLfs(IReadOnlyList<string> paths, Args args, DataSchema? columns, LabelSchema? schema, Terminal terminal)
    {
        var cache = args.Value("--cache-dir") ?? Environment.GetEnvironmentVariable("SNORKELER_CACHE_DIR");
        var set = new LfProject(Loaders).Load(paths, schema, columns, cache, LfTimeBudget(args));
        if (set.HasErrors) throw new DiagnosticsException(set.Diagnostics);
        FileRoles.Check(args, set.Reads);
        terminal.Diagnostics(set.Diagnostics);
        return set;
    }

    /// <summary>Opens a matrix; an empty one (a header and no rows) is an error, since nothing can be learnt from it.</summary>
    public static IMatrixSource OpenMatrix(string path, string? goldColumn = null)
    {
        var matrix = MatrixFile.Open(path, goldColumn);
        if (matrix.RowCount == 0) throw SnorkelerException.InFile(path, "the matrix has no rows");
        return matrix;
    }

    public static IReadOnlyList<double>? Prior(Args args, string name = "--prior")
    {
        var text = args.Value(name);
        if (text is null) return null;
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new double[parts.Length];
        for (var i = 0; i < parts.Length; i++)
            if (!double.TryParse(parts[i], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out values[i]))
                throw new UsageException($"{name} expects numbers separated by commas (e.g. 0.6,0.4), got '{text}'");
        return values;
    }
}
