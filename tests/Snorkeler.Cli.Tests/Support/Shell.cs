namespace Snorkeler.Cli.Tests.Support;

/// <summary>The result of one in-process run of the snorkeler command.</summary>
internal sealed record CliResult(int ExitCode, string Out, string Error)
{
    /// <summary>Standard error's lines, without the empty last one.</summary>
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    /// <summary>Checks the run failed with the exit code and one-line messages, without a stack trace or an internal error.</summary>
    public CliResult ShouldFailWith(int exitCode)
    {
        ExitCode.ShouldBe(exitCode, $"stdout: {Out}\nstderr: {Error}");
        ErrorLines.ShouldNotBeEmpty();
        ErrorLines.ShouldAllBe(l => !l.StartsWith("   at ") && !l.Contains("Exception:") && !l.StartsWith("internal error"));
        return this;
    }

    /// <summary>Checks the run failed as <see cref="ShouldFailWith(int)"/> says, and that its first line on stderr is <paramref name="firstLine"/>.</summary>
    public CliResult ShouldFailWith(int exitCode, string firstLine, string? customMessage = null)
    {
        ShouldFailWith(exitCode).ErrorLines[0].ShouldBe(firstLine, customMessage);
        return this;
    }

    /// <summary>Checks the run failed as <see cref="ShouldFailWith(int)"/> says, with a first line on stderr starting with <paramref name="prefix"/>.</summary>
    public CliResult ShouldFailStartingWith(int exitCode, string prefix, string? customMessage = null)
    {
        ShouldFailWith(exitCode).ErrorLines[0].ShouldStartWith(prefix, customMessage: customMessage);
        return this;
    }

    /// <summary>Checks the run succeeded (exit 0), showing its stderr otherwise.</summary>
    public CliResult ShouldSucceed()
    {
        ExitCode.ShouldBe(0, $"stdout: {Out}\nstderr: {Error}");
        return this;
    }
}

/// <summary>Runs the snorkeler command in-process, non-interactively, capturing its output.</summary>
internal static class Shell
{
    public static CliResult Run(params string[] args) => Run(CancellationToken.None, args);

    public static CliResult Run(CancellationToken cancellation, params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var code = global::Snorkeler.Cli.Cli.Run(args, stdout, stderr, cancellation, interactive: false);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }
}
