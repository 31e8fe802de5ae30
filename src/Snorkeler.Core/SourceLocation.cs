namespace Snorkeler;

/// <summary>Where something is written in a source file: 1-based line and column, with a length in characters.</summary>
public sealed record SourceLocation(string Path, int Line, int Column, int Length = 0)
{
    /// <summary>The compiler-style prefix <c>path(line,col)</c>.</summary>
    public override string ToString() => $"{Text.Printable.FileName(Path)}({Line},{Column})";
}

/// <summary>How serious a diagnostic is.</summary>
public enum DiagnosticSeverity
{
    /// <summary>The file cannot be used.</summary>
    Error,
    /// <summary>The file works but probably not as meant.</summary>
    Warning,
}

/// <summary>
/// A message about a labelling-function file in the format build logs and editors parse:
/// <c>path(line,col): error SNK0007: unknown label 'SPAMM'; did you mean 'SPAM'?</c>.
/// </summary>
public sealed record Diagnostic(string Code, DiagnosticSeverity Severity, string Message, SourceLocation? Location)
{
    /// <summary>An error diagnostic.</summary>
    public static Diagnostic Error(string code, string message, SourceLocation? location) => new(code, DiagnosticSeverity.Error, message, location);

    /// <summary>True for errors.</summary>
    public bool IsError => Severity == DiagnosticSeverity.Error;

    /// <summary>
    /// Diagnostics in the order compilers print them: those without a place first, then by file, line and column, ties
    /// kept in the order given. A loader that finds some late (a script's names, checked once it has run) still lists
    /// each file's in line order.
    /// </summary>
    public static IReadOnlyList<Diagnostic> InOrder(IEnumerable<Diagnostic> diagnostics)
        => Guard.NotNull(diagnostics)
            .OrderBy(d => d.Location?.Path, StringComparer.Ordinal)
            .ThenBy(d => d.Location?.Line ?? 0)
            .ThenBy(d => d.Location?.Column ?? 0)
            .ToArray();

    /// <inheritdoc />
    public override string ToString()
    {
        var severity = Severity == DiagnosticSeverity.Error ? "error" : "warning";
        return Text.Printable.OneLine(Location is null ? $"{severity} {Code}: {Message}" : $"{Location}: {severity} {Code}: {Message}");
    }
}

/// <summary>Thrown when labelling-function files have errors; carries every diagnostic.</summary>
public sealed class DiagnosticsException : SnorkelerException
{
    /// <summary>Creates the exception from the diagnostics (at least one error).</summary>
    public DiagnosticsException(IReadOnlyList<Diagnostic> diagnostics)
        : base(diagnostics.FirstOrDefault(d => d.IsError)?.ToString() ?? "labelling-function files have errors")
        => Diagnostics = diagnostics;

    /// <summary>All diagnostics, errors and warnings.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }
}
