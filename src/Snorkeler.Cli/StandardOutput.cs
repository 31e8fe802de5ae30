using System.Text;

namespace Snorkeler.Cli;

/// <summary>
/// The process's standard output, where results go: a failed write (a full disk under <c>&gt; results.txt</c>, a
/// closed terminal) becomes a <see cref="SnorkelerException"/> that says it was standard output that could not be
/// written, so the run ends with exit 1 and <c>error: cannot write to standard output: No space left on device</c>
/// rather than a bare system message (or, for <c>--help</c>, a report of a failed thread).
/// </summary>
internal sealed class StandardOutput(TextWriter inner) : TextWriter
{
    public override Encoding Encoding => inner.Encoding;

    public override IFormatProvider FormatProvider => inner.FormatProvider;

    [System.Diagnostics.CodeAnalysis.AllowNull]
    public override string NewLine
    {
        get => inner.NewLine;
        set => inner.NewLine = value;
    }

    public override void Write(char value) => Guarded(() => inner.Write(value));

    public override void Write(char[] buffer, int index, int count) => Guarded(() => inner.Write(buffer, index, count));

    public override void Write(ReadOnlySpan<char> buffer)
    {
        // A span cannot enter a lambda: copied once (results are written a table or a line at a time).
        var text = buffer.ToString();
        Guarded(() => inner.Write(text));
    }

    public override void Write(string? value) => Guarded(() => inner.Write(value));

    public override void WriteLine(string? value) => Guarded(() => inner.WriteLine(value));

    public override void Flush() => Guarded(inner.Flush);

    private static void Guarded(Action write)
    {
        try { write(); }
        catch (IOException e) { throw new SnorkelerException($"cannot write to standard output: {e.Message}", e); }
    }
}
