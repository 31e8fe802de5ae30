using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Snorkeler.Reliability.Tests.Support;

/// <summary>The built snorkeler command run as a real child process (<c>dotnet snorkeler.dll ...</c>).</summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly StringBuilder _stderr = new();
    private readonly StringBuilder _stdout = new();

    private ChildProcess(Process process) => Process = process;

    public Process Process { get; }

    public string Error
    {
        get { lock (_stderr) return _stderr.ToString(); }
    }

    /// <summary>What the child wrote to stdout, line by line (complete once <see cref="Wait"/> returned).</summary>
    public string Output
    {
        get { lock (_stdout) return _stdout.ToString(); }
    }

    /// <summary>snorkeler.dll, copied next to the tests because the Cli project is referenced.</summary>
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "snorkeler.dll");

    public static ChildProcess Start(params string[] args) => Start(null, args);

    /// <summary>
    /// Whether children start through <c>env --default-signal=INT</c> (GNU coreutils 8.31 and later). A process
    /// started from a background job of a non-interactive shell (<c>dotnet test &amp;</c> in a script, nohup, some CI
    /// runners) inherits SIGINT as ignored, passes that on to its children, and .NET keeps ignoring it; the children
    /// must see SIGINT as a terminal's Ctrl-C delivers it whatever launched the suite.
    /// </summary>
    private static readonly Lazy<bool> DefaultSignals = new(() =>
    {
        try
        {
            using var probe = Process.Start(new ProcessStartInfo("env", ["--default-signal=INT", "true"]) { UseShellExecute = false, RedirectStandardError = true });
            if (probe is null) return false;
            probe.StandardError.ReadToEnd();
            return probe.WaitForExit(10_000) && probe.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception) { return false; } // no env on this system
    });

    /// <summary>
    /// True when SIGINT reaches snorkeler started by <see cref="Start(string[])"/>: children start with it at its default
    /// disposition, or this process does not ignore it (Linux: bit 2 of <c>SigIgn</c> in /proc/self/status).
    /// </summary>
    public static bool InterruptsReachChildren
    {
        get
        {
            if (DefaultSignals.Value) return true;
            var ignored = File.Exists("/proc/self/status")
                ? File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal))
                : null;
            return ignored is null || (Convert.ToUInt64(ignored["SigIgn:".Length..].Trim(), 16) & (1UL << 1)) == 0;
        }
    }

    /// <summary>
    /// Starts snorkeler with extra environment variables; with <paramref name="limits"/> (bash commands such as
    /// <c>ulimit -f 64</c>) it runs under a shell that applies them first.
    /// </summary>
    public static ChildProcess Start(IReadOnlyDictionary<string, string>? environment, string[] args, string? limits = null)
    {
        var info = new ProcessStartInfo(DefaultSignals.Value ? "env" : limits is null ? "dotnet" : "bash") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (DefaultSignals.Value)
        {
            info.ArgumentList.Add("--default-signal=INT");
            info.ArgumentList.Add(limits is null ? "dotnet" : "bash");
        }
        if (limits is not null)
        {
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(limits + "; exec dotnet \"$@\"");
            info.ArgumentList.Add("bash");
        }
        info.ArgumentList.Add(Dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["CI"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        var process = new Process { StartInfo = info };
        var child = new ChildProcess(process);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (child._stderr) child._stderr.AppendLine(e.Data);
        };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (child._stdout) child._stdout.AppendLine(e.Data);
        };
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return child;
    }

    /// <summary>Runs to the end (at most <paramref name="timeout"/>) and returns the exit code.</summary>
    public int Wait(TimeSpan timeout)
    {
        if (!Process.WaitForExit(timeout))
        {
            Process.Kill(entireProcessTree: true);
            throw new TimeoutException($"snorkeler did not finish within {timeout.TotalSeconds} s; stderr: {Error}");
        }
        Process.WaitForExit(); // flushes the redirected output
        return Process.ExitCode;
    }

    public void Kill()
    {
        try { Process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { } // already exited
        Process.WaitForExit();
    }

    /// <summary>Sends SIGINT, as Ctrl-C in a terminal does (Unix only).</summary>
    public void Interrupt()
    {
        if (SysKill(Process.Id, 2) != 0) throw new InvalidOperationException($"kill -INT {Process.Id} failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Sends SIGTERM, as a service manager or <c>kill</c> does (Unix only).</summary>
    public void Terminate()
    {
        if (SysKill(Process.Id, 15) != 0 && !Process.HasExited) throw new InvalidOperationException($"kill -TERM {Process.Id} failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);

    public void Dispose()
    {
        if (!Process.HasExited) Kill();
        Process.Dispose();
    }
}
