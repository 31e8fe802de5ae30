namespace Snorkeler;

/// <summary>
/// A failure a person can act on: bad input data, an invalid file, a labelling function that threw.
/// <see cref="Exception.Message"/> is one line that names the file (and line or field where it applies);
/// the command line prints it without a stack trace.
/// </summary>
public class SnorkelerException : Exception
{
    /// <summary>Creates the exception with a complete one-line message.</summary>
    public SnorkelerException(string message, Exception? inner = null) : base(OneLine(message), inner) { }

    /// <summary>The longest message kept whole; longer ones (quoting a huge input) are cut.</summary>
    private const int MaxMessage = 4000;

    /// <summary>
    /// Keeps the one-line promise when a message quotes input: line breaks and other control characters become
    /// visible escapes (<see cref="Text.Printable"/>), and a message longer than <see cref="MaxMessage"/> characters is cut.
    /// </summary>
    private static string OneLine(string message)
    {
        message = Text.Printable.OneLine(Guard.NotNull(message));
        return message.Length <= MaxMessage ? message : string.Concat(message.AsSpan(0, MaxMessage), $"... ({message.Length - MaxMessage:N0} more characters)");
    }

    /// <summary>Creates an exception about a file: <c>path: message</c>, or <c>path(line): message</c>.</summary>
    public static SnorkelerException InFile(string path, string message, long? line = null, Exception? inner = null)
        => new(line is { } l ? $"{path}({l}): {message}" : $"{path}: {message}", inner) { File = path, Line = line, Detail = message };

    /// <summary>For <see cref="InFile"/>'s exceptions: the file, so a caller can place the message (an LF file's diagnostic).</summary>
    public string? File { get; private init; }

    /// <summary>For <see cref="InFile"/>'s exceptions: the 1-based line, when the message names one.</summary>
    public long? Line { get; private init; }

    /// <summary>For <see cref="InFile"/>'s exceptions: the message without its <c>path(line):</c> prefix.</summary>
    public string? Detail { get; private init; }

    /// <summary>
    /// What a run that ran out of memory says, with the memory the process may use (a container's limit or
    /// <c>DOTNET_GCHeapHardLimit</c> where one is set): an input too large for the machine, not a bug. ibcc on 4 sources ×
    /// 6,000 classes (100 rows) needs 9 GB, as its confusion matrices grow with the square of the classes.
    /// </summary>
    internal static string RanOutOfMemory(OutOfMemoryException error, bool fitsModels = true)
    {
        const string models = "label models whose parameters grow with the square of the classes (ibcc, dawid-skene, ebcc, snorkel, "
            + "flyingsquid) need the most on thousands of classes, and mv the least; ";
        var hint = fitsModels ? models : "";
        // .NET throws it too for one array past its size limit, however much memory is free: the input is too large all the same.
        if (error.Message.Contains("Array dimensions exceeded", StringComparison.Ordinal))
            return $"ran out of memory: the input needs an array larger than .NET allows ({error.Message.TrimEnd('.')}); {hint}nothing was written";
        var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        var limit = available > 0 ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $" ({available / (1024 * 1024):N0} MB)") : "";
        return $"ran out of memory: the input needs more than this process may use{limit}; {hint}nothing was written";
    }
}

/// <summary>
/// A bad option value found where the option is used (a model's <c>--lr</c>, a <c>--prior</c> that does not fit the
/// classes): a usage error, which the command line reports with exit code 2 like the options it parses itself.
/// </summary>
public sealed class OptionException(string message) : SnorkelerException(message);
