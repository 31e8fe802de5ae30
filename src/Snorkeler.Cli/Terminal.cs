namespace Snorkeler.Cli;

/// <summary>
/// What the process may do on the terminal: progress and colour only when stderr is an interactive
/// terminal and neither <c>CI</c> nor <c>NO_COLOR</c> is set.
/// </summary>
internal sealed class Terminal(TextWriter stdout, TextWriter stderr, bool interactive)
{
    public TextWriter Out { get; } = stdout;

    /// <summary>The process's own standard output (Console.Out is pointed at stderr while a command runs; see Program.Main).</summary>
    public static TextWriter? StandardOutput { get; set; }

    /// <summary>True when results go to the process's standard output rather than a writer a test or the studio gave.</summary>
    public bool WritesToStandardOutput => Out == (StandardOutput ?? Console.Out);

    public TextWriter Error { get; } = stderr;

    /// <summary>True when results are read on a screen: they go to the process's standard output and it is not redirected to a file or a pipe.</summary>
    public bool OutIsScreen => WritesToStandardOutput && !Console.IsOutputRedirected;

    public bool Interactive { get; } = interactive;

    public bool Verbose { get; set; }

    public bool Quiet { get; set; }

    public static bool DetectInteractive()
        => !Console.IsErrorRedirected
           && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"))
           && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))
           && !string.Equals(Environment.GetEnvironmentVariable("TERM"), "dumb", StringComparison.Ordinal);

    /// <summary>A status line on stderr (suppressed by --quiet); input it quotes cannot break the line or drive the terminal.</summary>
    public void Info(string message)
    {
        if (!Quiet) Error.WriteLine(Text.Printable.OneLine(message));
    }

    /// <summary>A warning on stderr, <c>warning: MESSAGE</c> on one line (--quiet keeps it: it says the result may not be what was meant).</summary>
    public void Warning(string message) => Error.WriteLine(Text.Printable.OneLine($"warning: {message}"));

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
            Error.Write($"\r{what}: {Text.Listing.Counted(rows, "row")} ({rows / Math.Max(clock.Elapsed.TotalSeconds, 1e-9):N0}/s)   ");
        };
    }

    /// <summary>
    /// Prints diagnostics in compiler format; on an interactive terminal each is followed by its source line
    /// and carets under the offending text (build logs get exactly one line per diagnostic).
    /// </summary>
    public void Diagnostics(IEnumerable<Diagnostic> diagnostics)
    {
        var texts = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var d in diagnostics)
        {
            if (!Interactive || d.Location is not { } at)
            {
                Error.WriteLine(d);
                continue;
            }
            if (!texts.TryGetValue(at.Path, out var text))
            {
                try { text = File.ReadAllText(at.Path); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { text = null; }
                texts[at.Path] = text;
            }
            Error.WriteLine(text is null ? d.ToString() : Dsl.DiagnosticSnippet.Format(d, text));
        }
    }

    public void EndProgress()
    {
        if (Interactive && !Quiet) Error.Write("\r" + new string(' ', 70) + "\r");
    }
}
