namespace Snorkeler;

/// <summary>
/// A failure a person can act on: bad input data, an invalid file, a labelling function that threw.
/// <see cref="Exception.Message"/> is one line that names the file (and line or field where it applies);
/// the command line prints it without a stack trace.
/// </summary>
public class SnorkelerException : Exception
{
    /// <summary>Creates the exception with a complete one-line message.</summary>
    public SnorkelerException(string message, Exception? inner = null) : base(message, inner) { }

    /// <summary>Creates an exception about a file: <c>path: message</c>, or <c>path(line): message</c>.</summary>
    public static SnorkelerException InFile(string path, string message, long? line = null, Exception? inner = null)
        => new(line is { } l ? $"{path}({l}): {message}" : $"{path}: {message}", inner);
}
