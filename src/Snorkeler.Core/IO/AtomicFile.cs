namespace Snorkeler.IO;

/// <summary>
/// Writes output files atomically: the content goes to a temporary file in the same folder, which is
/// flushed to disk and then renamed over the destination. A run interrupted at any moment leaves the
/// previous file or none, never a truncated one.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>; on any exception the temporary file is deleted and the destination untouched.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        Guard.NotNull(write);
        using var pending = Begin(path);
        write(pending.Stream);
        pending.Commit();
    }

    /// <summary>Starts an atomic write; <see cref="PendingFile.Commit"/> publishes it, disposing without commit discards it.</summary>
    public static PendingFile Begin(string path)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(folder))
            throw new SnorkelerException($"{path}: the folder '{folder}' does not exist");
        DeleteStaleTemporaries(folder, Path.GetFileName(full));
        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16);
            return new PendingFile(full, temp, stream);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SnorkelerException($"{path}: cannot write: {e.Message}", e);
        }
    }

    /// <summary>
    /// Deletes the temporary files (<c>.NAME.PID.GUID.tmp</c>) that earlier writes of <paramref name="name"/> left
    /// behind when their process was killed before it could clean up (SIGKILL, power loss). Only files of
    /// processes no longer running are touched, so concurrent writers of the same file are safe.
    /// </summary>
    internal static void DeleteStaleTemporaries(string folder, string name)
    {
        string[] leftovers;
        try { leftovers = Directory.GetFiles(folder, $".{name}.*.tmp"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; }
        foreach (var file in leftovers)
        {
            var middle = Path.GetFileName(file)[(name.Length + 2)..^4]; // PID.GUID
            var dot = middle.IndexOf('.', StringComparison.Ordinal);
            if (dot <= 0 || !int.TryParse(middle.AsSpan(0, dot), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid)
                || pid == Environment.ProcessId || IsRunning(pid)) continue;
            try { File.Delete(file); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
        catch (System.ComponentModel.Win32Exception) { return true; }
    }
}

/// <summary>An output file being written; see <see cref="AtomicFile.Begin"/>.</summary>
public sealed class PendingFile : IDisposable
{
    private readonly string _destination;
    private readonly string _temp;
    private bool _done;

    internal PendingFile(string destination, string temp, FileStream stream)
    {
        _destination = destination;
        _temp = temp;
        Stream = stream;
    }

    /// <summary>Where to write the content.</summary>
    public FileStream Stream { get; }

    /// <summary>Flushes the content to disk and renames it over the destination.</summary>
    public void Commit()
    {
        if (_done) throw new InvalidOperationException("the file was already committed or discarded");
        Stream.Flush(flushToDisk: true);
        Stream.Dispose();
        try
        {
            File.Move(_temp, _destination, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete();
            throw new SnorkelerException($"{_destination}: cannot write: {e.Message}", e);
        }
        _done = true;
    }

    /// <summary>Discards the content unless committed.</summary>
    public void Dispose()
    {
        if (_done) return;
        _done = true;
        Stream.Dispose();
        TryDelete();
    }

    private void TryDelete()
    {
        try { File.Delete(_temp); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
