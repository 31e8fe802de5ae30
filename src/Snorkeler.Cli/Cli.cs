using System.Reflection;
using Snorkeler.Cli.Commands;

namespace Snorkeler.Cli;

/// <summary>Exit codes of the snorkeler command (documented in docs/cli.md).</summary>
internal static class ExitCode
{
    public const int Ok = 0;
    public const int BadInput = 1;
    public const int Usage = 2;
    public const int Internal = 3;
    public const int Interrupted = 130;
}

/// <summary>A snorkeler sub-command.</summary>
internal interface ICommand
{
    string Name { get; }

    string Summary { get; }

    /// <summary>
    /// The command's options, built on first use (<c>=> field ??= [...]</c>): the command list is made at every start,
    /// and each list built with it cost ~0.5 ms of a native start, whichever command ran (docs/benchmarks.md, eighth pass).
    /// </summary>
    IReadOnlyList<OptionSpec> Options { get; }

    /// <summary>The option that bare arguments belong to (<c>check PATH...</c>), or null.</summary>
    string? Positional => null;

    /// <summary>
    /// For an option this command does not take but another does (<c>label --matrix</c>), what to run instead, told
    /// in place of the nearest name; null when there is nothing to say.
    /// </summary>
    string? Elsewhere(string option) => null;

    int Run(Args args, Terminal terminal, CancellationToken cancellation);
}

/// <summary>The command dispatcher: parses, runs, and turns failures into one-line messages and exit codes.</summary>
internal static class Cli
{
    public static IReadOnlyList<ICommand> Commands { get; } =
    [
        new CheckCommand(),
        new ApplyCommand(),
        new AnalyzeCommand(),
        new FitCommand(),
        new PredictCommand(),
        new LabelCommand(),
        new CompareCommand(),
        new RowsCommand(),
        new PreferencesCommand(),
#if !SNORKELER_NATIVE
        new StudioCommand(),
#endif
    ];

    public static string Version
        => typeof(Cli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellation = default, bool? interactive = null)
    {
        try
        {
            return RunCommand(args, stdout, stderr, cancellation, interactive);
        }
        catch (SnorkelerException e) when (e.InnerException is IOException && stdout is StandardOutput)
        {
            // Usage, help and --version, written before a command runs (a command's own failures are caught below).
            stderr.WriteLine($"error: {e.Message}");
            return ExitCode.BadInput;
        }
    }

    private static int RunCommand(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellation, bool? interactive)
    {
        var terminal = new Terminal(stdout, stderr, interactive ?? Terminal.DetectInteractive());
        var tokens = WithoutGlobalOptions(args, out var verbose, out var quiet);
        terminal.Verbose = verbose;
        terminal.Quiet = quiet;
        if (tokens.Count > 0 && FlagWithValue(tokens[0]) is { } flag)
        {
            stderr.WriteLine($"snorkeler: option '{flag}' takes no value; write {flag} alone (run 'snorkeler --help')");
            return ExitCode.Usage;
        }
        if (tokens.Count == 0 || tokens[0] is "--help" or "-h" or "help")
        {
            // 'help check extra': a build script's stray word is an error here as after any command, not ignored.
            if (tokens.Count > 2) return Unexpected(tokens[2], $"{tokens[0]} takes at most one command name", stderr);
            if (tokens.Count > 1 && Find(tokens[1]) is { } c) { PrintHelp(c, stdout); return ExitCode.Ok; }
            // 'help fitt' asks about a command that does not exist: the same usage error as running it.
            if (tokens.Count > 1 && !tokens[1].StartsWith('-')) return UnknownCommand(tokens[1], stderr);
            PrintUsage(tokens.Count == 0 ? stderr : stdout);
            return tokens.Count == 0 ? ExitCode.Usage : ExitCode.Ok;
        }
        if (tokens[0] is "--version")
        {
            if (tokens.Count > 1) return Unexpected(tokens[1], "--version takes no value", stderr);
            stdout.WriteLine($"snorkeler {Version}");
            return ExitCode.Ok;
        }
        var command = Find(tokens[0]);
        if (command is null) return tokens[0] is ['-', _, ..] and not "--" ? OptionFirst(tokens, stderr) : UnknownCommand(tokens[0], stderr);
        if (AsksForHelp(command, tokens))
        {
            PrintHelp(command, stdout);
            return ExitCode.Ok;
        }
        try
        {
            var parsed = Parse(command, tokens);
            FileRoles.Check(parsed);
            return command.Run(parsed, terminal, cancellation);
        }
        catch (Exception e) when (e is UsageException or OptionException)
        {
            stderr.WriteLine($"snorkeler {command.Name}: {Text.Printable.OneLine(e.Message)}");
            stderr.WriteLine($"run 'snorkeler {command.Name} --help' for its options");
            return ExitCode.Usage;
        }
        catch (DiagnosticsException e)
        {
            terminal.Diagnostics(e.Diagnostics);
            var errors = e.Diagnostics.Count(d => d.IsError);
            stderr.WriteLine($"snorkeler {command.Name}: {errors} error{(errors == 1 ? "" : "s")}");
            return ExitCode.BadInput;
        }
        catch (SnorkelerException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            if (terminal.Verbose) stderr.WriteLine(e.InnerException?.ToString() ?? e.ToString());
            return ExitCode.BadInput;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            stderr.WriteLine($"snorkeler {command.Name}: interrupted; no output was written");
            return ExitCode.Interrupted;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: {Text.Printable.OneLine(e.Message)}");
            if (terminal.Verbose) stderr.WriteLine(e);
            return ExitCode.BadInput;
        }
        catch (OutOfMemoryException e)
        {
            // An input too large for the machine, not a bug (it was "internal error ... report it", exit 3).
            stderr.WriteLine($"error: snorkeler {command.Name}: {SnorkelerException.RanOutOfMemory(e, command.Name is "fit" or "label" or "compare" or "studio")}");
            if (terminal.Verbose) stderr.WriteLine(e);
            return ExitCode.BadInput;
        }
        catch (Exception e)
        {
            stderr.WriteLine($"internal error: {e.GetType().Name}: {Text.Printable.OneLine(e.Message)}");
            stderr.WriteLine(terminal.Verbose ? e.ToString() : "this is a bug in snorkeler; rerun with --verbose for the stack trace and report it");
            return ExitCode.Internal;
        }
    }

    private static int Unexpected(string token, string why, TextWriter stderr)
    {
        stderr.WriteLine($"snorkeler: unexpected argument '{Text.Printable.OneLine(token)}': {why} (run 'snorkeler --help')");
        return ExitCode.Usage;
    }

    private static int UnknownCommand(string name, TextWriter stderr)
    {
        var near = Text.Suggest.Nearest(name, Commands.Select(c => c.Name));
        stderr.WriteLine($"snorkeler: unknown command '{Text.Printable.OneLine(name)}'{(near is null ? "" : $"; did you mean '{near}'?")} (run 'snorkeler --help')");
        return ExitCode.Usage;
    }

    /// <summary>'snorkeler --lfs rules check': the line as it should be written, with the command moved first.</summary>
    private static int OptionFirst(List<string> tokens, TextWriter stderr)
    {
        var at = tokens.FindIndex(t => Find(t) is not null);
        if (at < 0)
        {
            stderr.WriteLine($"snorkeler: '{Text.Printable.OneLine(tokens[0])}' is an option, not a command; give the command first: snorkeler COMMAND [options] (run 'snorkeler --help')");
            return ExitCode.Usage;
        }
        var line = tokens.Take(at).Concat(tokens.Skip(at + 1)).Select(t => t.Length > 0 && !t.Any(char.IsWhiteSpace) ? t : $"'{t}'");
        stderr.WriteLine(Text.Printable.OneLine($"snorkeler: the command comes first, then its options: snorkeler {tokens[at]} {string.Join(' ', line)}"));
        return ExitCode.Usage;
    }

    /// <summary>
    /// The command an invocation runs and its options, parsed as <see cref="Run"/> parses them; null when it runs
    /// none (no arguments, help, <c>--version</c>, an unknown command) or its options do not parse (Run reports them).
    /// </summary>
    public static (ICommand Command, Args Args)? Invocation(string[] args)
    {
        var tokens = WithoutGlobalOptions(args, out _, out _);
        if (tokens.Count == 0 || Find(tokens[0]) is not { } command || AsksForHelp(command, tokens)) return null;
        try { return (command, Parse(command, tokens)); }
        catch (Exception e) when (e is UsageException or OptionException) { return null; }
    }

    /// <summary>The flags every command takes anywhere on the line; none takes a value.</summary>
    public static IReadOnlyList<string> GlobalFlags { get; } = ["--verbose", "--quiet", "--help"];

    /// <summary>'--help=yes', '--version=1' before any command: the flag given a value, or null.</summary>
    private static string? FlagWithValue(string token)
        => token.IndexOf('=', StringComparison.Ordinal) is > 0 and var eq && (GlobalFlags.Contains(token[..eq]) || token[..eq] == "--version") ? token[..eq] : null;

    /// <summary>
    /// The line without <c>--verbose</c>, <c>-v</c>, <c>--quiet</c> and <c>-q</c>, wherever they are, but for a short
    /// one that is the value of the option before it (<c>--out -q</c>), as <see cref="Args.Parse"/> takes a first value.
    /// </summary>
    private static List<string> WithoutGlobalOptions(string[] args, out bool verbose, out bool quiet)
    {
        verbose = quiet = false;
        var tokens = new List<string>(args.Length);
        ICommand? command = null;
        foreach (var token in args)
        {
            var global = token is "--verbose" or "--quiet" || (token is "-v" or "-q" && !(tokens.Count > 1 && IsValue(command, tokens[^1])));
            if (!global)
            {
                if (tokens.Count == 0) command = Find(token);
                tokens.Add(token);
            }
            else if (token is "--verbose" or "-v") verbose = true;
            else quiet = true;
        }
        return tokens;
    }

    /// <summary>Whether the token after <paramref name="previous"/> is its value: <paramref name="previous"/> is an option of <paramref name="command"/> that takes one.</summary>
    private static bool IsValue(ICommand? command, string previous)
        => command is not null && command.Options.Any(o => o.Name == previous && o.Value is not null);

    /// <summary>Whether a command's line asks for its help: '--help' or '-h' after the name, where '-h' is not an option's value ('--out -h').</summary>
    private static bool AsksForHelp(ICommand command, List<string> tokens)
    {
        for (var i = 1; i < tokens.Count; i++)
            if (tokens[i] == "--help" || (tokens[i] == "-h" && !IsValue(command, tokens[i - 1]))) return true;
        return false;
    }

    /// <summary>The options after the command name (<paramref name="tokens"/>[0]).</summary>
    private static Args Parse(ICommand command, List<string> tokens)
    {
        var rest = tokens.Skip(1).ToArray();
        // 'check PATH...' is short for 'check --lfs PATH...' (as its help says).
        if (command.Positional is { } positional)
        {
            if (rest.Length > 0 && !rest[0].StartsWith("--", StringComparison.Ordinal) && !Args.IsShortOption(rest[0]) && Args.TypographicDashes(rest[0]) == 0) rest = [positional, .. rest];
            rest = PositionalAfterDataFiles(rest, command.Options, positional);
        }
        return Args.Parse(command.Name, rest, command.Options, command.Elsewhere, name => Owners(name, command));
    }

    /// <summary>
    /// The commands other than <paramref name="except"/> that take <paramref name="option"/>, in the order of the command list;
    /// the studio is left out, so that the native build, which has no studio command, prints the same bytes.
    /// </summary>
    public static IReadOnlyList<string> Owners(string option, ICommand except)
        => [.. Commands.Where(c => c != except && c.Name != "studio" && c.Options.Any(o => o.Name == option)).Select(c => c.Name)];

    /// <summary>
    /// 'check --data d.csv labeling-functions/spam': the LF folder after the data file is one of the paths to check, not a
    /// second data file — values of a data-file option are never folders nor LF files, so those go to the positional option.
    /// </summary>
    private static string[] PositionalAfterDataFiles(string[] tokens, IReadOnlyList<OptionSpec> specs, string positional)
    {
        var byName = specs.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var kept = new List<string>(tokens.Length);
        var moved = new List<string>();
        OptionSpec? current = null;
        var taken = 0;
        foreach (var token in tokens)
        {
            if (token.StartsWith("--", StringComparison.Ordinal) && token.Length > 2)
            {
                current = byName.GetValueOrDefault(token.Split('=', 2)[0]);
                taken = token.Contains('=', StringComparison.Ordinal) ? 1 : 0; // '--data=d.csv' has its first value
                kept.Add(token);
            }
            else if (current is { Many: true, DataFiles: true } && taken > 0 && IsLfPath(token)) moved.Add(token);
            else
            {
                taken++;
                kept.Add(token);
            }
        }
        return moved.Count == 0 ? tokens : [.. kept, positional, .. moved];
    }

    private static bool IsLfPath(string token)
        => Directory.Exists(token) || Inputs.Loaders.Any(l => token.EndsWith(l.Extension, StringComparison.OrdinalIgnoreCase));

    private static ICommand? Find(string name) => Commands.FirstOrDefault(c => c.Name == name);

    /// <summary>The options every command takes, anywhere on the line.</summary>
    private const string GlobalOptions = "global options: --verbose (stack traces on errors), --quiet (no status lines), --help";

    private static void PrintUsage(TextWriter w)
    {
        w.WriteLine($"snorkeler {Version}: labelling functions in, probabilistic training labels out");
        w.WriteLine();
        w.WriteLine("usage: snorkeler COMMAND [options]   (snorkeler COMMAND --help for its options)");
        w.WriteLine();
        var width = Commands.Max(c => c.Name.Length);
        foreach (var c in Commands) w.WriteLine($"  {c.Name.PadRight(width)}  {c.Summary}");
        w.WriteLine();
        w.WriteLine($"{GlobalOptions}, --version");
        w.WriteLine("exit codes: 0 ok, 1 bad input or diagnostics, 2 usage error, 3 internal error, 130 interrupted");
    }

    private static void PrintHelp(ICommand command, TextWriter w)
    {
        w.WriteLine($"snorkeler {command.Name}: {command.Summary}");
        w.WriteLine();
        foreach (var o in command.Options)
        {
            var left = o.Value is null ? o.Name : $"{o.Name} {o.Value}{(o.Many ? "..." : "")}";
            // A name with a long value ('--tie-break abstain|random|true-random') still gets two spaces before its meaning.
            w.WriteLine($"  {left.PadRight(27)}  {o.Help}{(o.Required ? " (required)" : "")}");
        }
        w.WriteLine();
        w.WriteLine(GlobalOptions);
    }
}
