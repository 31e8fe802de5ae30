using Snorkeler.Data;
using Snorkeler.Loading;

namespace Snorkeler.Cli.Commands;

/// <summary><c>snorkeler check PATH...</c>: validates LF files and folders.</summary>
internal sealed class CheckCommand : ICommand
{
    public string Name => "check";

    public string? Positional => "--lfs";

    public string Summary => "validate LF files and folders; compiler-style diagnostics; exit 1 on any error";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("--lfs", "PATH", "LF files or folders to check (the paths may also follow 'check' directly)", Many: true, Role: PathRole.Input),
        new("--data", "FILE", "a data file whose columns the LFs may use (enables unknown-field checks)", Many: true, Role: PathRole.Input),
        Inputs.ColumnOption,
        Inputs.CacheDirOption,
        Inputs.LfTimeoutOption,
    ];

    public int Run(Args args, Terminal terminal, CancellationToken cancellation)
    {
        var paths = args.Values("--lfs");
        if (paths.Count == 0) throw new UsageException("give the LF files or folders to check, e.g. 'snorkeler check labeling-functions/spam'");
        DataSchema? columns = null;
        LabelSchema? schema = null;
        if (args.Has("--data"))
        {
            columns = Inputs.OpenData(args.Values("--data"), args).Schema;
            schema = Inputs.SchemaOf(args.Values("--data"));
        }
        var cache = args.Value("--cache-dir") ?? Environment.GetEnvironmentVariable("SNORKELER_CACHE_DIR");
        var set = new LfProject(Inputs.Loaders).Load(paths, schema, columns, cache, Inputs.LfTimeBudget(args));
        terminal.Diagnostics(set.Diagnostics);
        var errors = set.Diagnostics.Count(d => d.IsError);
        var warnings = set.Diagnostics.Count - errors;
        if (errors > 0)
        {
            terminal.Error.WriteLine($"{errors} error{(errors == 1 ? "" : "s")}, {warnings} warning{(warnings == 1 ? "" : "s")}");
            return ExitCode.BadInput;
        }
        terminal.Out.WriteLine($"ok: {set.Functions.Count} LFs, classes {set.Schema}{(warnings > 0 ? $", {warnings} warnings" : "")}");
        return ExitCode.Ok;
    }
}
