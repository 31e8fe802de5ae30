using System.Text.Json;

namespace Snorkeler.IO;

/// <summary>
/// The last line of defence of every reader: an exception that escapes parsing a file (a library's
/// <see cref="InvalidOperationException"/> on a lone surrogate escape, an <see cref="OverflowException"/> on a forged
/// length, a Parquet page that does not decode...) is about that file's content, so it becomes a one-line
/// <see cref="SnorkelerException"/> naming the file (exit 1), never an internal error.
/// </summary>
public static class ReadGuard
{
    /// <summary>Runs <paramref name="read"/>, turning a failure caused by the content of <paramref name="path"/> into a <see cref="SnorkelerException"/>.</summary>
    /// <param name="path">The file read.</param>
    /// <param name="read">The reading.</param>
    /// <param name="decoder">True when <paramref name="read"/> is a third-party decoder of the file (Parquet): any exception it throws is then about the content.</param>
    /// <param name="where">The part of the file read, named in the error (<c>column 'text' of row group 2</c>), when the decoder's message does not say.</param>
    public static T Run<T>(string path, Func<T> read, bool decoder = false, string? where = null)
    {
        Guard.NotNull(read);
        try { return read(); }
        catch (Exception e) when (IsAboutContent(e) || (decoder && e is not SnorkelerException and not OperationCanceledException)) { throw Wrap(path, e, where); }
    }

    /// <summary>
    /// The items of <paramref name="items"/> (a whole pass over the file), read under the same guard as
    /// <see cref="Run{T}"/>; a file whose size or modification time changed between the start and the end of the
    /// pass (truncated or rewritten by another process meanwhile) is an error rather than a shorter result.
    /// </summary>
    public static IEnumerable<T> Each<T>(string path, IEnumerable<T> items, bool decoder = false)
    {
        Guard.NotNull(items);
        var before = Snapshot(path);
        using (var e = Run(path, items.GetEnumerator, decoder))
            while (Run(path, e.MoveNext, decoder)) yield return e.Current;
        var after = Snapshot(path);
        if (after != before)
            throw SnorkelerException.InFile(path, $"the file changed while it was read ({before.Size:N0} bytes when the pass began, {after.Size:N0} now); rerun on a copy no other process writes");
    }

    private static (long Size, DateTime Modified) Snapshot(string path)
    {
        try { return (InputFile.Stat(path).Size, File.GetLastWriteTimeUtc(path)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return (-1, default); }
    }

    /// <summary>True for the exceptions readers' libraries throw on malformed content (not cancellation, not Snorkeler's own).</summary>
    public static bool IsAboutContent(Exception e)
        => e is not SnorkelerException and not OperationCanceledException and not ObjectDisposedException
           && e is InvalidOperationException or FormatException or OverflowException or ArgumentException or IndexOutOfRangeException
               or InvalidCastException or JsonException or System.Text.DecoderFallbackException or EndOfStreamException
               or NotSupportedException or KeyNotFoundException or InvalidDataException or IOException or OutOfMemoryException
               || e.GetType().Namespace?.StartsWith("Parquet", StringComparison.Ordinal) == true; // the Parquet library's own (Thrift) errors

    /// <summary>The one-line error for <paramref name="e"/> while reading <paramref name="path"/>, at <paramref name="where"/> in it when given (<c>column 'text' of row group 2</c>).</summary>
    public static SnorkelerException Wrap(string path, Exception e, string? where = null)
    {
        Guard.NotNull(e);
        var reason = e switch
        {
            _ when e.Message.Contains("surrogate", StringComparison.OrdinalIgnoreCase)
                => "invalid text: a lone UTF-16 surrogate escape (such as \\ud800) is not a character",
            OutOfMemoryException => "the file describes more data than fits in memory (damaged or forged sizes?)",
            IOException => e.Message,
            _ => $"damaged or not in the expected format ({FirstSentence(e.Message)})",
        };
        return SnorkelerException.InFile(path, where is null ? reason : $"{where}: {reason}", inner: e);
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd('.', ' ');
    }
}
