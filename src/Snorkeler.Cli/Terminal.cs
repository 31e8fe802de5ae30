namespace Snorkeler.Cli;

/// <summary>
/// What the process may do on the terminal: progress and colour only when stderr is an interactive
/// terminal and neither <c>CI</c> nor <c>NO_COLOR</c> is set.
/// </summary>
internal sealed class Terminal(TextWriter stdout, TextWriter stderr, bool interactive)
{
    public TextWriter Out { get; } = stdout;

    public TextWriter Error { get; } = stderr;

    public bool Interactive { get; } = interactive;

    public bool Verbose { get; set; }

    public bool Quiet { get; set; }

    public static bool DetectInteractive()
        => !Console.IsErrorRedirected
           && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"))
           && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))
           && !string.Equals(Environment.GetEnvironmentVariable("TERM"), "dumb", StringComparison.Ordinal);

    /// <summary>A status line on stderr (suppressed by --quiet).</summary>
    public void Info(string message)
    {
        if (!Quiet) Error.WriteLine(message);
    }

    /// <summary>Progress that rewrites one stderr line, only on an interactive terminal.</summary>
    public Action<long>? Progress(string what)
    {
        if (!Interactive || Quiet) return null;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var last = TimeSpan.Zero;
        return rows =>
        {
            if (clock.Elapsed - last < TimeSpan.FromMilliseconds(250)) return;
            last = clock.Elapsed;
            Error.Write($"\r{what}: {rows:N0} rows ({rows / Math.Max(clock.Elapsed.TotalSeconds, 1e-9):N0}/s)   ");
        };
    }

    public void EndProgress()
    {
        if (Interactive && !Quiet) Error.Write("\r" + new string(' ', 70) + "\r");
    }
}
