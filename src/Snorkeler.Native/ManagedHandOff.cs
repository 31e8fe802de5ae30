using System.Runtime.InteropServices;
using Snorkeler.Loading;

namespace Snorkeler.Cli;

/// <summary>
/// What the native front end leaves to the managed CLI, and the hand-over. The native build has the rule
/// language, the label models and every command but <c>studio</c>; C# scripts need Roslyn at run time and
/// Parquet.Net needs reflection, neither of which Native AOT has. An invocation that needs either (or that
/// the native build does not know: no command, help, <c>--version</c>, <c>studio</c>, an unknown command)
/// runs the managed <c>snorkeler</c> published beside it, with the same arguments, environment and standard
/// streams (the process image is replaced, so its exit code is the process's).
/// </summary>
internal static partial class ManagedHandOff
{
    /// <summary>The managed CLI, relative to the native executable's folder (where <c>dotnet publish src/Snorkeler.Native</c> puts it).</summary>
    public static string ManagedPath => Path.Combine(AppContext.BaseDirectory, "managed", "snorkeler");

    /// <summary>C# script LFs (<c>Snorkeler.Scripting.ScriptLoader</c>'s extension; that project is not part of the native build).</summary>
    private const string ScriptExtension = ".csx";

    /// <summary>Whether the managed CLI must run this invocation.</summary>
    public static bool Needed(string[] args)
    {
        if (PlainlyNative(args)) return false;
        if (Cli.Invocation(args) is not var (command, parsed)) return !Reported(args);
        if (args.Any(a => a.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))) return true;
        return parsed.Has("--lfs") && LfProject.Files(parsed.Values("--lfs"), [ScriptExtension])
            .Any(f => f.EndsWith(ScriptExtension, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Whether the invocation certainly runs here, told without parsing it: it starts with a command of the native build
    /// (after the global options) and no argument names a script, a Parquet file or a folder (which could hold scripts).
    /// Parsing the options to find the <c>--lfs</c> values first was done again by the command: ~0.5 ms of every start
    /// (docs/benchmarks.md, eighth pass). Anything else takes the full check below.
    /// </summary>
    private static bool PlainlyNative(string[] args)
    {
        var named = false;
        foreach (var a in args)
        {
            if (!named && a is not ("--verbose" or "-v" or "--quiet" or "-q"))
            {
                if (!IsNativeCommand(a)) return false;
                named = true;
                continue;
            }
            // An option's value may follow it after '=' (--lfs=rules/).
            var value = a.StartsWith("--", StringComparison.Ordinal) && a.IndexOf('=', StringComparison.Ordinal) is > 0 and var eq ? a[(eq + 1)..] : a;
            if (value.EndsWith(ScriptExtension, StringComparison.OrdinalIgnoreCase) || value.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase)
                || Directory.Exists(value)) return false;
        }
        return named;
    }

    private static bool IsNativeCommand(string name)
    {
        foreach (var c in Cli.Commands)
            if (c.Name == name) return true;
        return false;
    }

    /// <summary>
    /// Whether the invocation names a command of the native build even though it runs none: its help, or options
    /// that do not parse (a usage error, printed as the managed CLI prints it). Everything else without a command
    /// (the command list, <c>--version</c>, unknown commands, <c>studio</c>) goes to the managed CLI.
    /// </summary>
    private static bool Reported(string[] args)
        => args.FirstOrDefault(a => a is not ("--verbose" or "-v" or "--quiet" or "-q")) is { } first && Cli.Commands.Any(c => c.Name == first);

    /// <summary>Replaces this process with the managed CLI; returns only when that fails (exit code 3, with a message).</summary>
    public static unsafe int Run(string[] args)
    {
        var path = ManagedPath;
        if (!File.Exists(path))
        {
            Console.Error.WriteLine($"snorkeler: this command needs the managed snorkeler (C# script LFs, Parquet data or the studio), which is not at {path}; publish src/Snorkeler.Native to get both (docs/cli.md)");
            return ExitCode.Internal;
        }
        var argv = new nint[args.Length + 2];
        argv[0] = Marshal.StringToCoTaskMemUTF8(path);
        for (var i = 0; i < args.Length; i++) argv[i + 1] = Marshal.StringToCoTaskMemUTF8(args[i]);
        fixed (nint* pointers = argv)
            Execv(argv[0], pointers);
        var error = Marshal.GetLastPInvokeErrorMessage();
        Console.Error.WriteLine($"snorkeler: could not start the managed snorkeler at {path}: {error}");
        return ExitCode.Internal;
    }

    [LibraryImport("libc", EntryPoint = "execv", SetLastError = true)]
    private static unsafe partial int Execv(nint path, nint* argv);
}
