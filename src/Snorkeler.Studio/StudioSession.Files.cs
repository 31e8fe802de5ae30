using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Snorkeler.IO;
using Snorkeler.Loading;

namespace Snorkeler.Studio;

/// <summary>
/// Files made, renamed and deleted from the page, and the unsaved text each tab last sent: the numbers follow one unsaved
/// text per file (the latest sent), so a tab whose text another tab's replaced is told so instead of showing numbers of
/// text it does not hold.
/// </summary>
public sealed partial class StudioSession
{
    /// <summary>The unsaved text each tab (by the id the page sends) last checked, by full path.</summary>
    private readonly Dictionary<(string Tab, string File), string> _tabTexts = [];

    /// <summary>When each tab (by its id) was last heard from: a request naming it (<see cref="Heard"/>).</summary>
    private readonly ConcurrentDictionary<string, DateTimeOffset> _tabsHeard = new(StringComparer.Ordinal);

    /// <summary>How the LF folder's file system compares names (<see cref="FileNameComparer"/>), once looked at.</summary>
    private StringComparer? _fileNames;

    /// <summary>How the LF folder's file system compares names: whether <c>lines("Words.txt")</c> leads to <c>words.txt</c>.</summary>
    private StringComparer FileNames => _fileNames ??= _settings.FileNames ?? FileNameComparer(Folder);

    /// <summary>
    /// How the file system of <paramref name="folder"/> compares names, looked at inside it (the folder may be a mount of
    /// another file system than its parent's, or have its own case folding): ignoring case when a name there with a letter,
    /// its case turned, leads to an entry and is not another entry listed; else ordinal (Linux). Where no name there has a
    /// letter, a hidden file is made to look at and deleted. A folder that cannot be looked into compares names as the
    /// system does by default (<paramref name="systemIgnoresCase"/>, null for this one's: ignoring case on macOS and Windows).
    /// </summary>
    internal static StringComparer FileNameComparer(string folder, bool? systemIgnoresCase = null)
    {
        var full = Path.GetFullPath(folder);
        string? probe = null;
        try
        {
            var names = Directory.EnumerateFileSystemEntries(full).Select(e => Path.GetFileName(e)).ToHashSet(StringComparer.Ordinal);
            var name = names.FirstOrDefault(n => Turned(n) != n);
            if (name is null)
            {
                name = $".snorkeler-case.{Environment.ProcessId}.{Guid.NewGuid():N}.probe";
                probe = Path.Combine(full, name);
                InFlight.TryAdd(name, 0);
                new FileStream(probe, FileMode.CreateNew, FileAccess.Write).Dispose();
            }
            var turned = Turned(name);
            return !names.Contains(turned) && Path.Exists(Path.Combine(full, turned)) ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return systemIgnoresCase ?? (OperatingSystem.IsWindows() || OperatingSystem.IsMacOS()) ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
        }
        finally
        {
            if (probe is not null)
            {
                try { File.Delete(probe); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
                InFlight.TryRemove(Path.GetFileName(probe), out _);
            }
        }

        static string Turned(string name) => name.ToUpperInvariant() is var upper && upper != name ? upper : name.ToLowerInvariant();
    }

    /// <summary>
    /// The hidden files (by name, a new GUID in each) this process's renames (<see cref="Move"/>) and looks at how names compare
    /// (<see cref="FileNameComparer"/>) are using now, in every session. One of this process's id not among them was left by an
    /// earlier process of the same id: in a container every studio is process 1.
    /// </summary>
    private static readonly ConcurrentDictionary<string, byte> InFlight = new(StringComparer.Ordinal);

    /// <summary>
    /// The leftovers of a killed studio that <see cref="ClearLeftovers"/> did not put back, one warning each, by hidden file:
    /// <see cref="DataWarnings"/> leaves out those whose file the person has since merged or deleted.
    /// </summary>
    private readonly List<(string File, string Warning)> _leftovers = [];

    private const string Renaming = ".renaming";

    private const string Probe = ".probe";

    /// <summary>
    /// Clears what a studio killed midway left in the LF folder, once, as the session starts: the hidden file of a look at how
    /// the file system compares names (<see cref="FileNameComparer"/>) is deleted; the hidden name a rename that changes only the
    /// case goes through (<see cref="Move"/>), which holds the person's text, is renamed back to the file's name when no file has
    /// that name in any letters, and is otherwise left, with a warning in <see cref="DataWarnings"/> (text is never lost). Only
    /// those of processes no longer running, or of this one's id and not in flight (<see cref="InFlight"/>): another studio
    /// on the folder may be midway, and its hidden rename is named in a warning, for a person who knows none is running.
    /// </summary>
    private void ClearLeftovers()
    {
        // The folder given as 'lfs/' keeps its separator in the full path, which no file's folder has.
        var folder = Path.TrimEndingDirectorySeparator(Folder);
        List<string> found;
        try
        {
            found = Directory.EnumerateFiles(Folder, ".*", Walk)
                .Where(f => f.EndsWith(Renaming, StringComparison.Ordinal) || (f.EndsWith(Probe, StringComparison.Ordinal) && Path.GetDirectoryName(f) == folder))
                .Order(StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        foreach (var file in found)
        {
            var name = Path.GetFileName(file);
            var suffix = name.EndsWith(Probe, StringComparison.Ordinal) ? Probe : Renaming;
            if (HiddenName(name, suffix) is not var (named, pid) || InFlight.ContainsKey(name)) continue;
            var running = pid != Environment.ProcessId && AtomicFile.IsRunning(pid);
            if (suffix == Probe)
            {
                if (named == "snorkeler-case" && !running) AtomicFile.TryDelete(file);
                continue;
            }
            var original = Path.Combine(Path.GetDirectoryName(file)!, named);
            if (running)
            {
                _leftovers.Add((file, $"warning: {Relative(file)}: process {pid}, still running, may be renaming {Relative(original)} through this file; if no studio is "
                                      + $"running, rename it back to {Relative(original)}"));
                continue;
            }
            var left = $"warning: {Relative(file)}: a studio stopped while renaming {Relative(original)} left its text here";
            try
            {
                if (!Holders(original, StringComparer.OrdinalIgnoreCase).Any())
                {
                    File.Move(file, original, overwrite: false);
                    continue;
                }
                left += "; a file of that name, in these letters or others, is there, so it is left as it is: compare the two, keep the one you want and delete the other";
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                left += $", and it could not be renamed back: {FromFolder(e.Message).TrimEnd('.')}; rename it back to {Relative(original)} yourself";
            }
            _leftovers.Add((file, left));
        }
    }

    /// <summary>
    /// NAME and PID of <c>.NAME.PID.ID.SUFFIX</c> (<paramref name="suffix"/>), the shape of the studio's hidden files, whose ID is the
    /// 32 hex digits of a new GUID; null for another name: a person's <c>.notes.4000001.x.renaming</c> is their own file.
    /// </summary>
    private static (string Name, int Pid)? HiddenName(string name, string suffix)
    {
        var parts = name[..^suffix.Length].Split('.');
        if (parts.Length < 4 || parts[0].Length > 0 || !Guid.TryParseExact(parts[^1], "N", out _) || AtomicFile.ProcessIdOf(name, suffix) is not { } pid) return null;
        return (string.Join('.', parts[1..^2]), pid);
    }

    /// <summary>Files renamed (to their new name) or deleted (null) from the page, relative to the LF folder, so other tabs follow.</summary>
    private readonly SortedDictionary<string, string?> _moved = new(StringComparer.Ordinal);

    /// <summary>
    /// The kinds of file a person can make in the LF folder: those the loaders read and keyword lists (<c>.txt</c>); a
    /// <c>.csx</c> file is refused by a studio without the script loader.
    /// </summary>
    public IReadOnlyList<string> CreatableExtensions
        => EditableExtensions.Where(e => e == ".txt" || _project.Extensions.Contains(e, StringComparer.OrdinalIgnoreCase)).ToArray();

    /// <summary>
    /// Writes a new file <paramref name="relative"/> holding <paramref name="text"/> atomically and re-evaluates. Refused
    /// (400) for a name that is not a new LF file's inside the folder, and (409) when the name is taken.
    /// </summary>
    public void Create(string relative, string text)
    {
        Guard.NotNull(text);
        if (text.Length > MaxFileChars) throw new StudioRefusal($"the file is larger than {MaxFileChars:N0} characters", 413);
        lock (_gate)
        {
            var full = NewName(relative);
            // A tab checking a file not on disk yet (through the API) holds its text as unsaved edits, which a write would drop.
            if (_unsaved.ContainsKey(full))
                throw new StudioRefusal($"'{Relative(full)}' has unsaved edits in a studio tab that has not saved it yet: save it there, or discard them first", 409);
            Write(full, text, $"create '{Relative(full)}'");
            Reload("new file");
        }
    }

    /// <summary>
    /// The text a new file <paramref name="relative"/> starts with when the page gives none: for a <c>.rules</c> file the
    /// project's classes and an example LF, commented out, so that it checks without a word (a file of comments only is
    /// warned of, SNK0505, and one declaring other classes is an error); other kinds start empty.
    /// </summary>
    internal string Starter(string relative)
    {
        if (!string.Equals(Path.GetExtension(relative), ".rules", StringComparison.OrdinalIgnoreCase)) return "";
        IReadOnlyList<string> classes;
        lock (_gate) classes = _current?.Schema.ClassNames ?? _settings.Schema?.ClassNames ?? [];
        var starter = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"# {Path.GetFileName(relative.Replace('\\', '/'))}: labelling functions in the rule language (docs/rules.md).\n");
        if (classes.Count > 0)
            starter.Append("# The project's classes; every .rules file of the folder declares the same ones, or none.\n")
                .Append(CultureInfo.InvariantCulture, $"labels {string.Join(", ", classes)}\n");
        return starter.Append("\n# An LF votes a class on the rows its condition holds for, and abstains on the others. For example (remove the '# ' to use it):\n")
            .Append("# lf my_rule:\n")
            .Append(CultureInfo.InvariantCulture, $"#     when {FieldName(TextColumn)} contains \"some words\" label {(classes.Count > 0 ? classes[0] : "CLASS")}\n")
            .ToString();
    }

    /// <summary>
    /// Renames <paramref name="relative"/> to <paramref name="to"/> (a rename on the file system: the file is at one name or the
    /// other, never both or neither); its unsaved edits, in every tab, follow it. The files that name a file by its path
    /// (a rule's <c>lines("words.txt")</c>) and would lose it (the renamed list, or the lists of a rules file moved to another
    /// folder) are pointed at it again, published with the rename as one unit: the answer, by file relative to the LF folder,
    /// with the lines changed. Refused (404) when there is no such file, (400) for a name <see cref="Create"/> refuses, (409)
    /// when <paramref name="to"/> is taken or a file to point again has unsaved edits (they would have to be written, or would
    /// name the old path). A write the file system refuses (<see cref="CannotWrite"/>, 409) before any of them is published
    /// undoes the rename; one after leaves the files as they are then, and the session follows them (<see cref="PartlyPublished"/>).
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<int>> Rename(string relative, string to)
    {
        lock (_gate)
        {
            var full = Existing(relative);
            if (string.Equals(Relative(full), (to ?? "").Replace('\\', '/'), StringComparison.Ordinal))
                throw new StudioRefusal($"'{Relative(full)}' already has that name");
            var target = NewName(to!, renaming: full);
            var repointed = Repointed(full, target);
            var pending = new List<PendingFile>();
            StudioRefusal? unfinished = null;
            var renamed = false;
            var created = Missing(Path.GetDirectoryName(target)!);
            try
            {
                // The moved file's own new text is published at its new name, after the move.
                foreach (var file in repointed.Where(f => !FileNames.Equals(f.File, full))) pending.Add(Prepare(file.File, file.Text));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                Move(full, target);
                renamed = true;
                try
                {
                    foreach (var moved in repointed.Where(f => FileNames.Equals(f.File, full))) pending.Add(Prepare(target, moved.Text));
                    AtomicFile.Commit(pending);
                }
                catch when (!pending.Any(p => p.Renamed))
                {
                    Move(target, full);
                    renamed = false;
                    throw;
                }
                catch (SnorkelerException e)
                {
                    // Its journal would have a later Snorkeler run publish the rest over whatever the files hold then.
                    AtomicFile.DropUnfinished(pending);
                    unfinished = PartlyPublished(full, target, repointed, pending, e);
                }
            }
            catch (Exception e) when (!renamed && e is SnorkelerException or IOException or UnauthorizedAccessException)
            {
                throw Unwritten($"rename '{Relative(full)}' to '{Relative(target)}'", e);
            }
            finally
            {
                foreach (var file in pending) file.Dispose();
                if (!renamed) RemoveEmpty(created);
            }
            Follow(_unsaved, full, target);
            Follow(_unsavedBase, full, target);
            foreach (var (tab, file) in _tabTexts.Keys.Where(k => k.File == full).ToList())
            {
                _tabTexts.Remove((tab, file), out var text);
                _tabTexts[(tab, target)] = text!;
            }
            _moved[Relative(full)] = Relative(target);
            _moved.Remove(Relative(target));
            _stamps = Stamps();
            Reload("rename");
            Version++;
            if (unfinished is not null) throw unfinished;
            return new SortedDictionary<string, IReadOnlyList<int>>(
                repointed.ToDictionary(f => Relative(FileNames.Equals(f.File, full) ? target : f.File), f => f.Lines), StringComparer.Ordinal);
        }
    }

    /// <summary>The folders from <paramref name="folder"/> up that do not exist, the deepest first: those a write there creates.</summary>
    private static List<string> Missing(string folder)
    {
        var missing = new List<string>();
        for (var f = folder; f is not null && !Directory.Exists(f) && !File.Exists(f); f = Path.GetDirectoryName(f)) missing.Add(f);
        return missing;
    }

    /// <summary>
    /// Removes <paramref name="created"/> (deepest first), the folders a rename or a write that did not happen created for its
    /// file, each only while it is empty: one another program put a file in meanwhile stays, and the folders above it. Those
    /// not made (the file system refused one on the way down) are passed over.
    /// </summary>
    private static void RemoveEmpty(List<string> created)
    {
        foreach (var folder in created)
        {
            if (!Directory.Exists(folder)) continue;
            try
            {
                if (Directory.EnumerateFileSystemEntries(folder).Any()) return;
                Directory.Delete(folder);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; }
        }
    }

    /// <summary>
    /// Moves <paramref name="from"/> to <paramref name="to"/>, never over another file (409). Names that differ only in case, where
    /// the file system ignores it (<see cref="FileNames"/>), are one file: it goes through a name of its own beside it, as some
    /// such systems take a move to the other case for a move onto itself and keep the old name.
    /// </summary>
    private void Move(string from, string to)
    {
        if (!FileNames.Equals(from, to))
        {
            try { File.Move(from, to, overwrite: false); }
            catch (IOException) when (File.Exists(to)) { throw Taken(Relative(to)); }
            return;
        }
        // Not .NAME.PID.GUID.tmp: Snorkeler deletes those of a process gone, and this is the person's file.
        var between = Path.Combine(Path.GetDirectoryName(from)!, $".{Path.GetFileName(from)}.{Environment.ProcessId}.{Guid.NewGuid():N}.renaming");
        InFlight.TryAdd(Path.GetFileName(between), 0);
        try
        {
            File.Move(from, between, overwrite: false);
            try { File.Move(between, to, overwrite: false); }
            catch
            {
                File.Move(between, from, overwrite: false);
                throw;
            }
        }
        finally
        {
            InFlight.TryRemove(Path.GetFileName(between), out _);
        }
    }

    /// <summary>
    /// The refusal of a rename whose rewritten files were published in part (<paramref name="error"/>, from the first file not
    /// published, <paramref name="pending"/> in order): the rename stands, and it names the file that failed and why, the files
    /// rewritten, and those left with their lines, to correct by hand: names of the renamed file by its old path, or, in a rules
    /// file moved to another folder, names of its lists written from the old folder.
    /// </summary>
    private StudioRefusal PartlyPublished(string full, string target, List<(string File, string Text, IReadOnlyList<int> Lines)> repointed, List<PendingFile> pending,
        SnorkelerException error)
    {
        var failed = pending.First(p => !p.Renamed);
        var reason = error.InnerException is IOException or UnauthorizedAccessException
            ? AtomicFile.WithoutTemporary(error.InnerException.Message, failed.TemporaryPath, failed.Destination)
            : error.Message;
        var written = new List<string>();
        var left = new List<string>();
        foreach (var (file, _, lines) in repointed)
        {
            var destination = FileNames.Equals(file, full) ? target : file;
            (pending.Any(p => p.Renamed && p.Destination == destination) ? written : left).Add(FileLines(Relative(destination), lines));
        }
        return new StudioRefusal($"renamed '{Relative(full)}' to '{Relative(target)}' and rewrote the file names in {Text.Listing.Join(written.ToArray(), "and")}, but could not write "
                                 + $"{Relative(failed.Destination)}: {reason.TrimEnd('.')}; the file names in {Text.Listing.Join(left.ToArray(), "and")} are still those "
                                 + "from before the rename, which no longer lead to their files: correct them, or rename the file back", CannotWrite) { Unwritten = true };
    }

    /// <summary>
    /// The status of a write the file system refused (a file locked by another program, read-only, a folder in its way),
    /// whichever request wrote (a save, an accepted suggestion, a new file, a rename, whether or not a rewritten file was
    /// published before, a delete): a conflict with the files as they are, which the person settles (closes the program,
    /// removes the folder, renames the file back) before trying again; neither a request to correct (400) nor a defect of
    /// the studio (500).
    /// </summary>
    internal const int CannotWrite = 409;

    /// <summary>
    /// The refusal of a write the file system refused before anything changed: <c>could not save 'spam.rules', so nothing
    /// changed: spam.rules: …</c>, what the studio was <paramref name="doing"/> and <paramref name="error"/>'s reason, the files
    /// named from the LF folder.
    /// </summary>
    private StudioRefusal Unwritten(string doing, Exception error) => NothingChanged(doing, FromFolder(error.Message));

    /// <summary>
    /// The refusal of a write the file system refused before anything changed, for a file named as <paramref name="reason"/>
    /// names it (the hand labels lie outside the LF folder): <c>could not {doing}, so nothing changed: {reason}</c>.
    /// </summary>
    internal static StudioRefusal NothingChanged(string doing, string reason)
        => new($"could not {doing}, so nothing changed: {reason}", CannotWrite) { Unwritten = true };

    /// <summary><paramref name="message"/> with the files of the LF folder named from it, as the page names them.</summary>
    private string FromFolder(string message)
        => message.Replace(Path.TrimEndingDirectorySeparator(Folder) + Path.DirectorySeparatorChar, "", StringComparison.Ordinal);

    /// <summary><c>spam.rules (line 20)</c>: a file relative to the LF folder and lines of it.</summary>
    private static string FileLines(string relative, IReadOnlyList<int> lines)
        => $"{relative} ({(lines.Count == 1 ? "line" : "lines")} {Text.Listing.Join(lines.Select(n => n.ToString(CultureInfo.InvariantCulture)).ToArray(), "and")})";

    /// <summary>
    /// The new texts of the files whose references (<see cref="IFileReferences"/>) would no longer lead where they do once
    /// <paramref name="full"/> is <paramref name="target"/>, each pointed at the same file from where it will be, with the lines
    /// changed. A reference that leads to no file now is left as written. Refused (409) when such a file has unsaved edits,
    /// naming it and the lines: its text on disk is not what the person sees, and the text they see would name the old path.
    /// </summary>
    private List<(string File, string Text, IReadOnlyList<int> Lines)> Repointed(string full, string target)
    {
        var repointed = new List<(string, string, IReadOnlyList<int>)>();
        var held = new List<string>();
        // A new file the page has not saved yet is read as its buffer, as the checks read it.
        var names = FileNames;
        foreach (var file in FilesAndNewBuffers().Distinct(names))
        {
            if (_settings.Loaders.FirstOrDefault(l => file.EndsWith(l.Extension, StringComparison.OrdinalIgnoreCase)) is not IFileReferences loader) continue;
            var after = names.Equals(file, full) ? target : file;
            // A file that cannot be read (not UTF-8, too large) names no file the loader could follow: it does not stop the rename.
            string? onDisk = null;
            try { if (File.Exists(file)) onDisk = InputFile.ReadAllText(file, Loading.LfProject.MaxFileBytes, "an LF file"); }
            catch (Exception e) when (e is SnorkelerException or IOException) { }
            var (text, lines) = onDisk is null ? ("", (IReadOnlyList<int>)[]) : Repoint(loader, file, onDisk, after, full, target, names);
            var unsaved = _unsaved.TryGetValue(file, out var buffer) ? Repoint(loader, file, buffer, after, full, target, names).Lines : [];
            var all = lines.Concat(unsaved).Distinct().Order().ToArray();
            if (_unsaved.ContainsKey(file) && all.Length > 0) held.Add(FileLines(Relative(file), all));
            else if (lines.Count > 0) repointed.Add((file, text, lines));
        }
        if (held.Count > 0)
            throw new StudioRefusal($"renaming '{Relative(full)}' to '{Relative(target)}' changes where {Text.Listing.Join(held.ToArray(), "and")} must name a file, and "
                                    + $"{(held.Count == 1 ? "it has" : "they have")} unsaved edits: save or discard them first, and the studio rewrites the names with the rename", 409);
        return repointed;
    }

    /// <summary>
    /// <paramref name="text"/> of <paramref name="file"/> (at <paramref name="after"/> once renamed) with each reference that
    /// would lose its file written again from there, and the lines changed. Paths are the same file when <paramref name="names"/>
    /// (the file system's way, <see cref="FileNames"/>) says so: where case is ignored, <c>lines("Words.txt")</c> reads <c>words.txt</c>.
    /// </summary>
    private static (string Text, IReadOnlyList<int> Lines) Repoint(IFileReferences loader, string file, string text, string after, string full, string target,
        StringComparer names)
    {
        var folder = Path.GetDirectoryName(after)!;
        var changes = new List<(FileReference Reference, string Literal)>();
        foreach (var reference in loader.References(new LfSourceFile(file, text)))
        {
            var leadsTo = names.Equals(reference.Full, full) ? target : reference.Full;
            if (!names.Equals(leadsTo, target) && !File.Exists(leadsTo)) continue;
            // The renamed file is named as it is now, its case too: a rename that changes only the case changes the references.
            var same = names.Equals(reference.Full, full) ? StringComparer.Ordinal : names;
            if (same.Equals(Path.GetFullPath(Path.Combine(folder, reference.Written)), leadsTo)) continue;
            changes.Add((reference, loader.Literal(Path.GetRelativePath(folder, leadsTo).Replace('\\', '/'))));
        }
        var rewritten = new StringBuilder(text);
        foreach (var (reference, literal) in Enumerable.Reverse(changes)) rewritten.Remove(reference.Offset, reference.Length).Insert(reference.Offset, literal);
        return (rewritten.ToString(), changes.Select(c => c.Reference.Location.Line).Distinct().ToArray());
    }

    /// <summary>
    /// The new text of <paramref name="full"/>, to be published in its place (<see cref="AtomicFile.Commit(IReadOnlyList{PendingFile})"/>)
    /// in the encoding its byte-order mark names, the mark kept (UTF-8 without one, and for a new file): an editor's UTF-16
    /// file stays UTF-16. Every write of the studio goes through it: a save, an accepted suggestion, a rename's rewrites, the
    /// hand labels file.
    /// </summary>
    internal static PendingFile Prepare(string full, string text)
    {
        var start = new byte[4];
        var read = 0;
        try
        {
            using var file = File.OpenRead(full);
            read = file.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        }
        // A folder in the file's place is refused by the write, in words (AtomicFile.RequirePlace), not by this read.
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException || Directory.Exists(full)) { }
        // Without a mark: UTF-8, whose preamble is then empty.
        var encoding = InputFile.MarkedEncoding(start.AsSpan(0, read)) ?? new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        return AtomicFile.Prepare(full, s =>
        {
            s.Write(encoding.Preamble);
            s.Write(encoding.GetBytes(text));
        });
    }

    /// <summary>
    /// Deletes <paramref name="relative"/> and drops its unsaved edits in every tab. With <paramref name="version"/> (the version
    /// the page loaded), refused (409) when the file changed on disk since; refused (404) when there is no such file.
    /// </summary>
    public void Delete(string relative, string? version = null)
    {
        lock (_gate)
        {
            var full = Existing(relative);
            if (version is not null) RefuseIfChanged(full, version, "reload it to see the change, then delete it if you still mean to");
            try { File.Delete(full); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw Unwritten($"delete '{Relative(full)}'", e); }
            _unsaved.Remove(full);
            _unsavedBase.Remove(full);
            foreach (var key in _tabTexts.Keys.Where(k => k.File == full).ToList()) _tabTexts.Remove(key);
            _moved[Relative(full)] = null;
            _stamps = Stamps();
            Reload("delete");
            Version++;
        }
    }

    /// <summary>Files renamed (to their new name) or deleted (null) from the page since the studio started, relative to the LF folder.</summary>
    public IReadOnlyDictionary<string, string?> Moved()
    {
        lock (_gate) return new SortedDictionary<string, string?>(_moved, StringComparer.Ordinal);
    }

    /// <summary>
    /// The files whose unsaved text the numbers follow is not the text tab <paramref name="tab"/> last checked: another tab
    /// checked its own text of the file since. Relative to the LF folder, in ordinal order.
    /// </summary>
    public IReadOnlyList<string> Replaced(string? tab)
    {
        if (tab is null) return [];
        lock (_gate)
        {
            return _tabTexts.Where(p => p.Key.Tab == tab && _unsaved.TryGetValue(p.Key.File, out var buffer) && buffer != p.Value)
                .Select(p => Relative(p.Key.File)).Order(StringComparer.Ordinal).ToArray();
        }
    }

    /// <summary>
    /// Notes that tab <paramref name="tab"/> is there now (a request named it), so its unsaved texts are kept for another
    /// <see cref="StudioSettings.TabSilence"/>. Takes no lock: the page's polls do not wait on an edit for it.
    /// </summary>
    public void Heard(string? tab)
    {
        if (tab is not null) _tabsHeard[tab] = _settings.Time.GetUtcNow();
    }

    /// <summary>
    /// Tab <paramref name="tab"/> closed (the page's beacon as it goes): its unsaved texts are dropped, and the numbers follow
    /// the files on disk again where no other tab holds the same text (another tab's text of a file stays in force).
    /// </summary>
    public void Close(string tab)
    {
        Guard.NotNull(tab);
        lock (_gate)
        {
            if (Forget(tab)) ReloadWithout("tab closed");
        }
    }

    /// <summary>Closes the tabs not heard from for <see cref="StudioSettings.TabSilence"/> (a browser that closed without a beacon, a machine asleep).</summary>
    private void ForgetSilentTabs()
    {
        var now = _settings.Time.GetUtcNow();
        var dropped = false;
        foreach (var (tab, heard) in _tabsHeard.ToArray())
            if (now - heard >= _settings.TabSilence) dropped |= Forget(tab);
        if (dropped) ReloadWithout("tab silent");
    }

    /// <summary>
    /// Checks the LFs again after a tab's texts went: the other tabs redraw (the version moves even where the LFs did not
    /// change, as the dropped text's diagnostics go), and a file that cannot be read now is left to the next poll, as an
    /// external change is (this runs on the poll's timer, where an exception would end the studio).
    /// </summary>
    private void ReloadWithout(string reason)
    {
        try { Reload(reason); }
        catch (Exception e) when (e is SnorkelerException or IOException) { }
        Version++;
    }

    /// <summary>Drops tab <paramref name="tab"/>'s unsaved texts, and each buffer that is its text and no other tab's; true when a buffer went.</summary>
    private bool Forget(string tab)
    {
        _tabsHeard.TryRemove(tab, out _);
        var dropped = false;
        foreach (var ((_, full), text) in _tabTexts.Where(p => p.Key.Tab == tab).ToList())
        {
            _tabTexts.Remove((tab, full));
            if (!_unsaved.TryGetValue(full, out var buffer) || buffer != text || HeldByAnotherTab(tab, full)) continue;
            _unsaved.Remove(full);
            _unsavedBase.Remove(full);
            dropped = true;
        }
        return dropped;
    }

    /// <summary>Remembers <paramref name="text"/> as tab <paramref name="tab"/>'s unsaved text of <paramref name="full"/> (null: the tab saved or discarded it).</summary>
    private void RememberTab(string? tab, string full, string? text)
    {
        if (tab is null) return;
        Heard(tab);
        if (text is null) _tabTexts.Remove((tab, full));
        else _tabTexts[(tab, full)] = text;
    }

    /// <summary>Whether the unsaved text of <paramref name="full"/> is a tab's other than <paramref name="tab"/>, which discarding this tab's edits must keep.</summary>
    private bool HeldByAnotherTab(string? tab, string full)
        => tab is not null && _unsaved.TryGetValue(full, out var buffer) && _tabTexts.Any(p => p.Key.File == full && p.Key.Tab != tab && p.Value == buffer);

    /// <summary>The full path of an existing file of the folder (404 when there is none).</summary>
    private string Existing(string relative)
    {
        var full = Resolve(relative);
        if (!File.Exists(full)) throw new StudioRefusal($"no such file in the LF folder: '{relative}'", 404);
        return full;
    }

    /// <summary>
    /// The full path of <paramref name="relative"/> as the name of a file to make: relative to the LF folder, without <c>..</c>,
    /// of a kind the studio loads and not taken (as the file system compares names, <see cref="FileNames"/>) by a file other than
    /// <paramref name="renaming"/>: <c>words.txt</c> for <c>Words.txt</c> where case is ignored. Each refusal says what to give instead.
    /// </summary>
    private string NewName(string relative, string? renaming = null)
    {
        if (string.IsNullOrWhiteSpace(relative)) throw new StudioRefusal("give the new file's name, relative to the LF folder (e.g. 'more.rules')");
        var name = relative.Replace('\\', '/');
        if (Text.ControlCharacters.Held(name) is { } held) throw new StudioRefusal($"'{Text.Printable.FileName(name)}' is not a file name{held}");
        if (Path.IsPathRooted(name) || name.StartsWith('/'))
            throw new StudioRefusal($"'{name}' is not inside the LF folder: give a name relative to it (e.g. 'more.rules' or 'topic/more.rules')");
        var parts = name.Split('/');
        if (parts.Any(p => p is ".." or "."))
            throw new StudioRefusal($"'{name}' holds '{parts.First(p => p is ".." or ".")}': a new file's name leads down from the LF folder, with no '.' or '..' in it");
        if (parts.Any(p => p.Length == 0 || p.Trim().Length != p.Length))
            throw new StudioRefusal($"'{name}' has an empty folder or file name, or one that starts or ends with a space");
        RefuseLongNames(parts);
        var kinds = CreatableExtensions;
        var extension = Path.GetExtension(name);
        if (!kinds.Contains(extension.ToLowerInvariant()))
            throw new StudioRefusal($"'{name}' is not a kind of file the studio loads: name it {Text.Listing.Join(kinds.Select(Kind).ToArray(), "or")}");
        if (Path.GetFileNameWithoutExtension(name).Length == 0)
            throw new StudioRefusal($"'{name}' has no name before its extension (e.g. 'more{extension}')");
        if (parts.FirstOrDefault(LfProject.IsHidden) is { } hidden)
            throw new StudioRefusal($"'{name}' holds '{hidden}', a hidden name (it begins with '.'): the studio, as the CLI, leaves hidden files and folders out of the LF folder, so name it without the '.'");
        var full = Resolve(name);
        if (Holders(full).Any(e => renaming is null || !FileNames.Equals(e, renaming))) throw Taken(name);
        return full;
    }

    /// <summary>Refuses (400) a path with a folder or file name longer than a file system takes, before anything is written.</summary>
    private static void RefuseLongNames(IEnumerable<string> parts)
    {
        if (parts.FirstOrDefault(p => Encoding.UTF8.GetByteCount(p) > AtomicFile.MaxNameBytes) is { } longName)
            throw new StudioRefusal($"'{Text.Printable.FileName(longName[..40])}…' is {Encoding.UTF8.GetByteCount(longName):N0} bytes long (in UTF-8), longer than the {AtomicFile.MaxNameBytes} bytes a file system takes; choose a shorter name");
    }

    /// <summary>
    /// The files and folders that have the name <paramref name="full"/> as the folder's file system compares names (or
    /// <paramref name="names"/>).
    /// </summary>
    private IEnumerable<string> Holders(string full, StringComparer? names = null)
    {
        var folder = Path.GetDirectoryName(full)!;
        names ??= FileNames;
        try { return Directory.Exists(folder) ? Directory.GetFileSystemEntries(folder).Where(e => names.Equals(e, full)).ToArray() : []; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return File.Exists(full) || Directory.Exists(full) ? [full] : []; }
    }

    private static StudioRefusal Taken(string name)
        => new($"'{name}' already exists in the LF folder: choose another name (the studio does not overwrite a file with a new one)", 409);

    private static string Kind(string extension) => extension switch
    {
        ".rules" => "NAME.rules (rules)",
        ".csx" => "NAME.csx (a C# script)",
        _ => "NAME.txt (a keyword list)",
    };

    private static void Follow<T>(Dictionary<string, T> byFile, string from, string to)
    {
        if (byFile.Remove(from, out var value)) byFile[to] = value;
    }
}
