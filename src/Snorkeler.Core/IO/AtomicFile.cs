using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Enumeration;
using System.Text.Json;

namespace Snorkeler.IO;

/// <summary>
/// Writes output files atomically: the content goes to a temporary file <c>.NAME.PID.GUID.tmp</c> in the same
/// folder, which is flushed to disk and then renamed over the destination. A run interrupted at any moment
/// leaves the previous file or none, never a truncated one.
/// <para>
/// Files that belong together (a matrix and its schema sidecar, labels and their manifest) are committed as one
/// unit by <see cref="Commit(IReadOnlyList{PendingFile})"/>: a journal <c>.NAME.PID.commit</c> listing the renames
/// is written first, then the renames are done, then the journal is deleted. A process killed between two
/// renames leaves the journal, and the next Snorkeler process that writes or reads a file in that folder
/// completes the renames; a process killed before the journal leaves only temporaries, which are deleted. So
/// the files of a unit are all new or all old. Two runs committing the same unit at once take turns: each holds an
/// exclusive lock on <c>.NAME.lock</c> beside the first file from its journal to its last rename, so the published
/// files are all from one run, never some from each.
/// </para>
/// </summary>
public static class AtomicFile
{
    /// <summary>The temporary files of this process not yet committed or discarded.</summary>
    private static readonly ConcurrentDictionary<PendingFile, byte> Live = new();

    /// <summary>Test hook: a process with <c>SNORKELER_TEST_KILL_AFTER_RENAMES=N</c> kills itself (SIGKILL) after the N-th rename of a unit.</summary>
    private static readonly int KillAfterRenames =
        int.TryParse(Environment.GetEnvironmentVariable("SNORKELER_TEST_KILL_AFTER_RENAMES"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;

    /// <summary>How long a commit of a unit waits for another run committing the same unit before it gives up (writing nothing).</summary>
    internal static TimeSpan UnitLockWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Test hook: called after each rename of a unit with the unit and the number of files renamed so far.</summary>
    internal static Action<IReadOnlyList<PendingFile>, int>? AfterUnitRename { get; set; }

    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>; on any exception the temporary file is deleted and the destination untouched.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        using var pending = Prepare(path, write);
        pending.Commit();
    }

    /// <summary>Writes the content of <paramref name="path"/> through <paramref name="write"/> without publishing it (see <see cref="Commit(IReadOnlyList{PendingFile})"/>); nothing is left on failure.</summary>
    public static PendingFile Prepare(string path, Action<Stream> write)
    {
        Guard.NotNull(write);
        var pending = Begin(path);
        try
        {
            write(pending.Stream);
            pending.Complete();
            return pending;
        }
        catch
        {
            pending.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Fails unless <paramref name="path"/> can be written: its folder exists and it is not a folder itself. Commands
    /// check their outputs with it before any work (else the error came at the end of a long run); <see cref="Begin"/> again.
    /// </summary>
    public static void RequirePlace(string path, string? fullPath = null)
    {
        var full = fullPath ?? Path.GetFullPath(path);
        // Checked here, before anything is written: a sidecar or manifest (NAME.schema.json) too long for the file system
        // was found only when its rename failed, after the output beside it had been published.
        var nameBytes = System.Text.Encoding.UTF8.GetByteCount(Path.GetFileName(full));
        if (nameBytes > MaxNameBytes)
            throw new SnorkelerException($"{path}: the file name is {nameBytes:N0} bytes long (in UTF-8), longer than the {MaxNameBytes} bytes a file system takes; choose a shorter name");
        if (InputFile.Stat(full).Kind == FileKind.Directory) throw new SnorkelerException($"{path}: is a folder, expected a file name");
        var folder = Path.GetDirectoryName(full) ?? ".";
        switch (InputFile.Stat(folder).Kind)
        {
            case FileKind.Directory: return;
            case FileKind.Missing: throw new SnorkelerException($"{path}: the folder '{folder}' does not exist");
            default: throw new SnorkelerException($"{path}: '{folder}' is a file, not a folder");
        }
    }

    /// <summary>Starts an atomic write; <see cref="PendingFile.Commit"/> publishes it, disposing without commit discards it.</summary>
    public static PendingFile Begin(string path)
    {
        // Through a symbolic link the file it names is replaced (in its own folder), never the link itself.
        string full;
        try { full = InputFile.RealPath(Path.GetFullPath(path)); }
        catch (IOException e) { throw new SnorkelerException($"{path}: cannot write: {e.Message}", e); }
        if (InputFile.Stat(full).Kind == FileKind.Special)
            throw new SnorkelerException($"{path}: is a named pipe, socket or device, expected a file to write");
        var folder = Path.GetDirectoryName(full) ?? ".";
        var name = Path.GetFileName(full);
        if (name.Length == 0) throw new SnorkelerException($"{path}: names a folder, expected a file name");
        RequirePlace(path, full);
        // One listing of the folder for both clean-ups (each listed it before: two scans of a busy /tmp per output).
        var (journals, temporaries) = Leftovers(folder);
        CompleteInterruptedCommits(journals);
        DeleteStaleTemporaries(temporaries, name);
        var temp = TemporaryFor(folder, name);
        try
        {
            var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16);
            var pending = new PendingFile(full, temp, stream);
            Live[pending] = 0;
            return pending;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CannotCreate(path, folder, temp, full, e);
        }
    }

    /// <summary>A new temporary file's name for <paramref name="name"/> in <paramref name="folder"/> (<c>.NAME.PID.GUID.tmp</c>).</summary>
    private static string TemporaryFor(string folder, string name) => Path.Combine(folder, $".{Stem(name)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");

    private static SnorkelerException CannotCreate(string path, string folder, string temp, string full, Exception e)
    {
        // .NET's message names the temporary file, which the user never asked for: name the folder instead.
        var reason = e switch
        {
            UnauthorizedAccessException => "permission denied",
            FileNotFoundException or DirectoryNotFoundException => "the folder does not take new files",
            _ => WithoutTemporary(e.Message, temp, full),
        };
        return new SnorkelerException($"{path}: cannot create a file in '{folder}': {reason}", e);
    }

    /// <summary>
    /// Fails, with the error <see cref="Commit(IReadOnlyList{PendingFile})"/> would give, when the lock of the unit that
    /// <paramref name="path"/> leads can never be taken: a folder, socket or unreadable file in its place, a folder that takes
    /// no new files. Commands check it with their outputs' places (<see cref="RequirePlace"/>), before any work: else that came
    /// after minutes of labelling. The lock is not taken: another run may hold it now and be done before this one publishes.
    /// </summary>
    public static void RequireLockPlace(string path)
    {
        string full;
        try { full = InputFile.RealPath(Path.GetFullPath(path)); }
        catch (IOException) { return; } // Begin says why the output cannot be written
        var folder = Path.GetDirectoryName(full) ?? ".";
        var name = Path.GetFileName(full);
        if (name.Length == 0) return;
        UnitLock.RequirePlace(UnitLock.Beside(full), full, () =>
        {
            // No lock file yet: the folder must take one, as it must the outputs' temporary files (tried with one of those).
            var temp = TemporaryFor(folder, name);
            try { new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None).Dispose(); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw CannotCreate(path, folder, temp, full, e); }
            TryDelete(temp);
        });
    }

    /// <summary>
    /// Publishes several pending files as one unit: all are renamed into place, or (on failure before the first
    /// rename) none. A kill between renames is completed by the next process (see the class summary).
    /// </summary>
    public static void Commit(IReadOnlyList<PendingFile> files)
    {
        Guard.NotNull(files);
        if (files.Count == 0) return;
        string? journal = null;
        UnitLock? unitLock = null;
        // The file an I/O error is about: the unit's first (its lock and journal are beside it), then the one being renamed.
        var failing = files[0];
        try
        {
            foreach (var f in files) f.Complete();
            if (files.Count > 1)
            {
                var destination = files[0].Destination;
                var lockPath = UnitLock.Beside(destination);
                unitLock = UnitLock.TryTake(lockPath, UnitLockWait, destination)
                    ?? throw new SnorkelerException($"{destination}: another run is writing the same outputs (it holds '{lockPath}'); waited {UnitLockWait.TotalSeconds:0.#} s and published nothing; run again when it is done");
                journal = WriteJournal(files);
            }
            for (var i = 0; i < files.Count; i++)
            {
                failing = files[i];
                failing.Rename();
                if (files.Count == 1) continue;
                if (i + 1 == KillAfterRenames) System.Diagnostics.Process.GetCurrentProcess().Kill();
                AfterUnitRename?.Invoke(files, i + 1);
            }
            if (journal is not null) TryDelete(journal);
        }
        catch (Exception e)
        {
            // Before the first rename: nothing was published, discard all. After it: the journal lets the next
            // process finish the other renames, so their temporaries are left to it.
            if (!files.Any(f => f.Renamed)) Discard(files, journal);
            else foreach (var f in files) f.Abandon();
            if (e is IOException or UnauthorizedAccessException)
            {
                // .NET's message ends with the file it failed on, which the error names first already.
                var reason = files.Aggregate(e.Message, (message, f) => WithoutTemporary(message, f.TemporaryPath, f.Destination));
                throw new SnorkelerException($"{failing.Destination}: cannot write: {WithoutTemporary(reason, failing.Destination, failing.Destination)}", e);
            }
            throw;
        }
        finally
        {
            unitLock?.Dispose();
        }
    }

    /// <summary>
    /// The exclusive lock of a unit's commit: <c>.NAME.lock</c> beside its first file, opened with
    /// <see cref="FileShare.None"/> (an advisory <c>flock</c> on Unix, released by the system if the process dies)
    /// and deleted when the commit is done, so no lock file stays beside the outputs.
    /// </summary>
    private sealed class UnitLock : IDisposable
    {
        private readonly FileStream _stream;
        private readonly string _path;

        private UnitLock(FileStream stream, string path) => (_stream, _path) = (stream, path);

        /// <summary>The lock file of the unit whose first file's name has <paramref name="stem"/> (see <see cref="Stem"/>).</summary>
        public static string PathFor(string folder, string stem) => Path.Combine(folder, $".{stem}.lock");

        /// <summary>The lock file of the unit whose first file is <paramref name="destination"/>.</summary>
        public static string Beside(string destination) => PathFor(Path.GetDirectoryName(destination) ?? ".", Stem(Path.GetFileName(destination)));

        /// <summary>
        /// Waits up to <paramref name="wait"/> for the lock at <paramref name="path"/>: the lock, or null when another holds it
        /// still; a lock that cannot be opened for another reason is an error at once, naming <paramref name="destination"/>.
        /// </summary>
        public static UnitLock? TryTake(string path, TimeSpan wait, string destination)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (true)
            {
                FileStream? stream = null;
                try
                {
                    stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                    // The run before may have deleted the file between this open and the lock: then lock the one now there. That
                    // race lasts a moment; a file system whose identities never match is not waited on past the wait.
                    if (IsAt(stream, path) || clock.Elapsed >= wait) return new UnitLock(stream, path);
                    stream.Dispose();
                }
                catch (IOException e) when (HeldByAnother(e))
                {
                    stream?.Dispose();
                    if (clock.Elapsed >= wait) return null;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Permission denied, a read-only file system, a folder or a socket in its place: waiting does not help
                    stream?.Dispose();
                    throw Unusable(path, destination, e);
                }
                Thread.Sleep(20);
            }
        }

        /// <summary>
        /// Fails as <see cref="TryTake"/> would for a lock at <paramref name="path"/> that cannot be opened, without taking it: a
        /// lock file there is opened shared (one another run holds is fine), a missing one is left to <paramref name="whenMissing"/>.
        /// </summary>
        public static void RequirePlace(string path, string destination, Action whenMissing)
        {
            switch (InputFile.Stat(path).Kind)
            {
                case FileKind.Missing:
                    whenMissing();
                    return;
                case FileKind.Regular:
                    try { new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite).Dispose(); }
                    catch (IOException e) when (HeldByAnother(e)) { }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw Unusable(path, destination, e); }
                    return;
                default:
                    throw Unusable(path, destination, null);
            }
        }

        private static SnorkelerException Unusable(string path, string destination, Exception? e)
        {
            var reason = InputFile.Stat(path).Kind switch
            {
                FileKind.Directory => $"'{path}' is a folder; remove it (Snorkeler makes and deletes that file as it publishes)",
                FileKind.Special => $"'{path}' is a named pipe, socket or device; remove it (Snorkeler makes and deletes that file as it publishes)",
                _ => e?.Message ?? $"'{path}' cannot be opened",
            };
            return new SnorkelerException($"{destination}: cannot write the lock file beside it: {reason}", e);
        }

        /// <summary>
        /// Whether opening the lock failed because another process holds it: EWOULDBLOCK from <c>flock</c> (errno 11 on Linux,
        /// 35 on macOS and the BSDs), a sharing or lock violation on Windows; any other failure does not pass by waiting.
        /// </summary>
        private static bool HeldByAnother(IOException e)
            => OperatingSystem.IsWindows() ? e.HResult is unchecked((int)0x80070020) or unchecked((int)0x80070021)
                : e.HResult == (OperatingSystem.IsLinux() ? 11 : 35);

        /// <summary>Whether the open file is the one at <paramref name="path"/> (compared through /proc/self/fd or /dev/fd where there is one).</summary>
        private static bool IsAt(FileStream stream, string path)
        {
            var fds = Directory.Exists("/proc/self/fd") ? "/proc/self/fd" : Directory.Exists("/dev/fd") ? "/dev/fd" : null;
            if (fds is null) return true; // Windows: an open file cannot be deleted, so it is still there
            var open = InputFile.Stat(Path.Combine(fds, stream.SafeFileHandle.DangerousGetHandle().ToString(CultureInfo.InvariantCulture)));
            return open.Kind == FileKind.Regular && open.Identity == InputFile.Stat(path).Identity;
        }

        public void Dispose()
        {
            TryDelete(_path);
            _stream.Dispose();
        }
    }

    /// <summary>
    /// Deletes the temporary files of this process that are not committed yet. For a process about to end
    /// without unwinding (a second Ctrl-C, <c>Environment.Exit</c> called by a script): nothing partial is left.
    /// </summary>
    public static void DiscardPending()
    {
        foreach (var pending in Live.Keys) pending.Dispose();
    }

    /// <summary>
    /// Finishes the units of files whose process was killed between renames (their journals, <c>.NAME.PID.commit</c>,
    /// are in <paramref name="folder"/>). Readers call it before reading a file that may belong to such a unit;
    /// writers before writing. Best effort: a folder that cannot be written is left as it is.
    /// </summary>
    public static void CompleteInterruptedCommits(string folder) => CompleteInterruptedCommits(Leftovers(folder).Journals);

    private static void CompleteInterruptedCommits(IReadOnlyList<string> journals)
    {
        foreach (var journal in journals)
        {
            var name = Path.GetFileName(journal);
            if (!name.StartsWith('.') || ProcessIdOf(name, ".commit") is not { } pid || pid == Environment.ProcessId || IsRunning(pid)) continue;
            // Under the unit's lock, which a live run committing the unit holds (then it is left for later), and deleted after.
            var stem = name[1..name.LastIndexOf('.', name.Length - ".commit".Length - 1)];
            UnitLock? unitLock;
            try { unitLock = UnitLock.TryTake(UnitLock.PathFor(Path.GetDirectoryName(journal) ?? ".", stem), TimeSpan.Zero, journal); }
            catch (SnorkelerException) { continue; } // a folder that takes no file
            if (unitLock is null) continue;
            using var held = unitLock;
            try
            {
                var renames = JsonSerializer.Deserialize(File.ReadAllBytes(journal), JournalJson.Default.StringArrayArray) ?? [];
                foreach (var r in renames)
                    if (r is [var temp, var destination] && File.Exists(temp)) File.Move(temp, destination, overwrite: true);
                File.Delete(journal);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException) { }
        }
    }

    /// <summary>
    /// Deletes the temporary files (<c>.NAME.PID.GUID.tmp</c>, and those of names that extend NAME, such as an
    /// intermediate <c>.NAME.matrix.snkm.PID.GUID.tmp</c>) that earlier writes left behind when their process was
    /// killed before it could clean up (SIGKILL, a crash, power loss). Only files of processes no longer running
    /// are touched, so concurrent writers of the same file are safe. Names are compared as text (a name with
    /// <c>*</c> or <c>?</c> is not a pattern).
    /// </summary>
    internal static void DeleteStaleTemporaries(string folder, string name) => DeleteStaleTemporaries(Leftovers(folder).Temporaries, name);

    private static void DeleteStaleTemporaries(IReadOnlyList<string> candidates, string name)
    {
        var prefix = "." + Stem(name) + ".";
        foreach (var file in candidates)
        {
            var fileName = Path.GetFileName(file);
            if (!fileName.StartsWith(prefix, StringComparison.Ordinal) || ProcessIdOf(fileName, ".tmp") is not { } pid
                || pid == Environment.ProcessId || IsRunning(pid)) continue;
            // A journal completed just before may have renamed it away already; deleting a missing file is no error.
            TryDelete(file);
        }
    }

    /// <summary>
    /// The journals (<c>*.commit</c>) and temporary files (<c>*.tmp</c>) in <paramref name="folder"/>, from one listing
    /// (empty when the folder cannot be listed). Only those names become strings, not every entry of a busy folder.
    /// </summary>
    private static (List<string> Journals, List<string> Temporaries) Leftovers(string folder)
    {
        var journals = new List<string>();
        var temporaries = new List<string>();
        try
        {
            var entries = new FileSystemEnumerable<string>(folder, (ref FileSystemEntry e) => e.ToFullPath(), new EnumerationOptions { IgnoreInaccessible = false, AttributesToSkip = 0 })
            {
                ShouldIncludePredicate = (ref FileSystemEntry e) => !e.IsDirectory && (e.FileName.EndsWith(".commit", StringComparison.Ordinal) || e.FileName.EndsWith(".tmp", StringComparison.Ordinal)),
            };
            foreach (var path in entries) (path.EndsWith(".commit", StringComparison.Ordinal) ? journals : temporaries).Add(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return ([], []);
        }
        return (journals, temporaries);
    }

    /// <summary>
    /// The bytes of an output's name that its temporary and journal names keep: <see cref="MaxNameBytes"/> less what they add
    /// to it (<c>.</c>, <c>.commit.PID.GUID.tmp</c>: at most 56 bytes).
    /// </summary>
    private const int StemBytes = MaxNameBytes - 64;

    /// <summary>The longest file name, in bytes of UTF-8, that Linux file systems take (NAME_MAX).</summary>
    internal const int MaxNameBytes = 255;

    /// <summary>
    /// The part of an output's file name that its temporary files and journal are named by: the whole name, or for a name
    /// longer than <see cref="StemBytes"/> bytes its start, so that an output whose own name the file system takes can be
    /// written (<c>.NAME.PID.GUID.tmp</c> was 46 bytes longer than it and could not be created). Clean-up matches temporaries
    /// by the same stem; a temporary of another output sharing a long stem is deleted only when its process is gone.
    /// </summary>
    internal static string Stem(string name)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(name) <= StemBytes) return name;
        var (length, bytes) = (0, 0);
        while (length < name.Length)
        {
            var step = char.IsSurrogatePair(name, length) ? 2 : 1;
            var size = System.Text.Encoding.UTF8.GetByteCount(name.AsSpan(length, step));
            if (bytes + size > StemBytes) break;
            (length, bytes) = (length + step, bytes + size);
        }
        return name[..length];
    }

    /// <summary>
    /// The PID in <c>....PID.commit</c> names (a journal) or <c>....PID.GUID.SUFFIX</c> names (a temporary file, and the
    /// studio's leftovers of a rename or a look at the file system), or null.
    /// </summary>
    internal static int? ProcessIdOf(string fileName, string suffix)
    {
        if (!fileName.EndsWith(suffix, StringComparison.Ordinal)) return null;
        var parts = fileName[..^suffix.Length].Split('.');
        var candidate = suffix == ".commit" ? parts[^1] : (parts.Length >= 2 ? parts[^2] : "");
        return int.TryParse(candidate, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0 ? pid : null;
    }

    private static string WriteJournal(IReadOnlyList<PendingFile> files)
    {
        var first = files[0].Destination;
        var stem = Stem(Path.GetFileName(first));
        var journal = JournalPath(first);
        var content = JsonSerializer.SerializeToUtf8Bytes(files.Select(f => new[] { f.TemporaryPath, f.Destination }).ToArray(), JournalJson.Default.StringArrayArray);
        var temp = Path.Combine(Path.GetDirectoryName(first) ?? ".", $".{stem}.commit.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, journal, overwrite: true);
        return journal;
    }

    /// <summary>The journal of this process's unit whose first file is <paramref name="first"/>.</summary>
    private static string JournalPath(string first)
        => Path.Combine(Path.GetDirectoryName(first) ?? ".", $".{Stem(Path.GetFileName(first))}.{Environment.ProcessId}.commit");

    /// <summary>
    /// Drops what a unit whose <see cref="Commit(IReadOnlyList{PendingFile})"/> failed after its first rename left for the
    /// next process to finish: its journal, then the temporaries of the files not renamed. For a process that goes on and
    /// follows the files as they are (the studio): a later run would otherwise publish them over whatever the files hold then.
    /// </summary>
    internal static void DropUnfinished(IReadOnlyList<PendingFile> files)
    {
        if (files.Count == 0) return;
        TryDelete(JournalPath(files[0].Destination));
        foreach (var f in files)
            if (!f.Renamed) TryDelete(f.TemporaryPath);
    }

    private static void Discard(IReadOnlyList<PendingFile> files, string? journal)
    {
        foreach (var f in files) f.Dispose();
        if (journal is not null) TryDelete(journal);
    }

    internal static void Forget(PendingFile pending) => Live.TryRemove(pending, out _);

    /// <summary>
    /// A .NET I/O error's message without the temporary file it names: its closing <c> : 'TEMP'</c> is left out, and a
    /// mention elsewhere is replaced by the destination (as in <see cref="Begin"/>).
    /// </summary>
    internal static string WithoutTemporary(string message, string temp, string destination)
    {
        var suffix = $" : '{temp}'";
        return message.EndsWith(suffix, StringComparison.Ordinal)
            ? message[..^suffix.Length]
            : message.Replace(temp, destination, StringComparison.Ordinal);
    }

    internal static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    internal static bool IsRunning(int pid)
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
    private readonly object _gate = new();
    private bool _completed;
    private bool _done;

    private readonly FileStream _file;

    internal PendingFile(string destination, string temp, FileStream stream)
    {
        Destination = destination;
        TemporaryPath = temp;
        _file = stream;
        Stream = new OutputStream(stream, destination, temp);
    }

    /// <summary>Where to write the content. A failed write (a full disk, a file size limit) throws a <see cref="SnorkelerException"/> naming the destination.</summary>
    public Stream Stream { get; }

    /// <summary>The destination (full path).</summary>
    public string Destination { get; }

    /// <summary>The temporary file holding the content until it is committed (to read it back before then).</summary>
    public string TemporaryPath { get; }

    /// <summary>True once renamed into place.</summary>
    internal bool Renamed { get; private set; }

    /// <summary>Flushes the content to disk and renames it over the destination.</summary>
    public void Commit() => AtomicFile.Commit([this]);

    /// <summary>
    /// Flushes what was written so far to disk, the file staying open: a writer that does this in the background as it
    /// goes (<c>predict</c>'s probabilities) leaves <see cref="Commit"/> only the last part to wait for.
    /// </summary>
    public void FlushToDisk()
    {
        lock (_gate)
        {
            if (_done || _completed) return;
            Stream.Flush();
            OutputStream.Guard(Destination, TemporaryPath, () => _file.Flush(flushToDisk: true));
        }
    }

    /// <summary>Flushes the content to disk and closes the stream; the content can then be read at <see cref="TemporaryPath"/>.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            if (_done) throw new InvalidOperationException("the file was already committed or discarded");
            if (_completed) return;
            Stream.Flush();
            OutputStream.Guard(Destination, TemporaryPath, () => _file.Flush(flushToDisk: true));
            _file.Dispose();
            _completed = true;
        }
    }

    internal void Rename()
    {
        lock (_gate)
        {
            File.Move(TemporaryPath, Destination, overwrite: true);
            Renamed = true;
            _done = true;
        }
        AtomicFile.Forget(this);
    }

    /// <summary>Leaves the temporary file to a commit journal (disposing no longer deletes it).</summary>
    internal void Abandon()
    {
        lock (_gate) _done = true;
        AtomicFile.Forget(this);
    }

    /// <summary>Discards the content unless committed (also when the disk is full and the last buffered bytes cannot be written).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_done) return;
            _done = true;
            try { _file.Dispose(); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            catch (ArgumentOutOfRangeException) { } // the last buffered bytes beyond a file size limit
            AtomicFile.TryDelete(TemporaryPath);
        }
        AtomicFile.Forget(this);
    }
}

/// <summary>
/// The stream of a <see cref="PendingFile"/>: the file's stream, with write failures (no space left, a file size
/// limit, which .NET reports as an <see cref="ArgumentOutOfRangeException"/>) turned into one-line errors naming
/// the output.
/// </summary>
internal sealed class OutputStream(FileStream inner, string destination, string temp) : Stream
{
    public static void Guard(string destination, string temp, Action action)
    {
        try { action(); }
        catch (Exception e) when (e is IOException or ArgumentOutOfRangeException) { throw Failure(destination, temp, e); }
    }

    /// <summary>
    /// The error for a failed write of <paramref name="destination"/>: <c>m.snkm: cannot write: No space left on device</c>.
    /// .NET ends its message with the path of the file written (<c> : '/data/.m.snkm.PID.GUID.tmp'</c>), a temporary file the
    /// user never named and that is deleted by then, so that part is left out.
    /// </summary>
    internal static SnorkelerException Failure(string destination, string temp, Exception e)
        => SnorkelerException.InFile(destination, e is ArgumentOutOfRangeException
            ? "cannot write: File too large (the file system's or the process's file size limit)"
            : $"cannot write: {AtomicFile.WithoutTemporary(e.Message, temp, destination)}", inner: e);

    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => inner.CanSeek;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => inner.Position = value;
    }

    public override void Flush() => Guard(destination, temp, inner.Flush);

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

    public override void SetLength(long value) => Guard(destination, temp, () => inner.SetLength(value));

    public override void Write(byte[] buffer, int offset, int count) => Guard(destination, temp, () => inner.Write(buffer, offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        try { inner.Write(buffer); }
        catch (Exception e) when (e is IOException or ArgumentOutOfRangeException) { throw Failure(destination, temp, e); }
    }

    public override void WriteByte(byte value) => Guard(destination, temp, () => inner.WriteByte(value));

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer, offset, count);
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        Flush();
        return Task.CompletedTask;
    }
}

/// <summary>The commit journal's JSON (pairs of paths), generated at build time so that the native front end (Native AOT) can read and write it.</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(string[][]))]
internal sealed partial class JournalJson : System.Text.Json.Serialization.JsonSerializerContext;
