using Snorkeler.Data;

namespace Snorkeler.Cli.Commands;

/// <summary><c>snorkeler check PATH...</c>: validates LF files and folders.</summary>
internal sealed class CheckCommand : ICommand
{
    public string Name => "check";

    public string? Positional => "--lfs";

    public string Summary => "validate LF files and folders; compiler-style diagnostics; exit 1 on any error (or warning, with --warnings-as-errors)";

    public IReadOnlyList<OptionSpec> Options => field ??=
    [
        new("--lfs", "PATH", "LF files or folders to check (the paths may also follow 'check' directly)", Many: true, Role: PathRole.Input),
        new("--data", "FILE", "a data file whose columns the LFs may use (enables unknown-field checks)", Many: true, Role: PathRole.Input) { DataFiles = true },
        Inputs.ColumnOption,
        Inputs.DelimiterOption,
        Inputs.CacheDirOption,
        Inputs.LfTimeoutOption,
        new("--warnings-as-errors", null, "exit 1 on any warning too (for CI: an unused let, a rule that cannot fire, an empty file)"),
    ];

    public int Run(Args args, Terminal terminal, CancellationToken cancellation)
    {
        var paths = args.Values("--lfs");
        if (paths.Count == 0) throw new UsageException("give the LF files or folders to check, e.g. 'snorkeler check labeling-functions/spam'");
        IDataSource? data = null;
        LabelSchema? schema = null;
        if (args.Has("--data"))
        {
            data = Inputs.OpenData(args.Values("--data"), args);
            schema = Inputs.SchemaOf(args.Values("--data"));
        }
        var set = Inputs.Load(paths, args, data, schema);
        terminal.Diagnostics(set.Diagnostics);
        var errors = set.Diagnostics.Count(d => d.IsError);
        var warnings = set.Diagnostics.Count - errors;
        if (errors > 0 || (warnings > 0 && args.Flag("--warnings-as-errors")))
        {
            terminal.Error.WriteLine($"{errors} error{(errors == 1 ? "" : "s")}, {warnings} warning{(warnings == 1 ? "" : "s")}");
            return ExitCode.BadInput;
        }
        terminal.Out.WriteLine($"ok: {Text.Listing.Counted(set.Functions.Count, "LF")}, classes {set.Schema}{(warnings > 0 ? $", {Text.Listing.Counted(warnings, "warning")}" : "")}");
        if (data is null) terminal.Info("field names were not checked against data; add --data FILE to check them");
        return ExitCode.Ok;
    }
}
