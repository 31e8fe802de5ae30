using System.Text;

namespace Snorkeler.Dsl;

/// <summary>Renders a diagnostic with the offending source line and a caret underline, for terminals and logs.</summary>
public static class DiagnosticSnippet
{
    /// <summary>
    /// The diagnostic's compiler-format line, then the source line it points at, then carets under the
    /// offending text:
    /// <code>
    /// spam.rules(3,5): error SNK0001: unexpected 'whne', expected 'when'
    ///     whne text contains "x" label SPAM
    ///     ^^^^
    /// </code>
    /// Without a location (or when it is outside <paramref name="sourceText"/>) only the first line is returned.
    /// </summary>
    public static string Format(Diagnostic diagnostic, string sourceText)
    {
        ArgumentNullException.ThrowIfNull(diagnostic);
        ArgumentNullException.ThrowIfNull(sourceText);
        var head = diagnostic.ToString();
        if (diagnostic.Location is not { } at) return head;
        var lines = sourceText.Split('\n');
        if (at.Line < 1 || at.Line > lines.Length) return head;
        var line = lines[at.Line - 1].TrimEnd('\r');
        var start = Math.Clamp(at.Column - 1, 0, line.Length);
        var width = Math.Max(1, Math.Min(at.Length, line.Length - start));
        var caret = new StringBuilder();
        // Keep tabs so the carets line up under the text in any tab width.
        foreach (var c in line.AsSpan(0, start)) caret.Append(c == '\t' ? '\t' : ' ');
        caret.Append('^', width);
        return $"{head}\n{line}\n{caret}";
    }
}
