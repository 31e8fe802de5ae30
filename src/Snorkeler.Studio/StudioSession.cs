using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Snorkeler.Analysis;
using Snorkeler.Applying;
using Snorkeler.Data;
using Snorkeler.IO;
using Snorkeler.LabelModels;
using Snorkeler.Loading;

namespace Snorkeler.Studio;

/// <summary>A request the studio refuses (a path outside the LF folder, an unknown LF or class, a file changed since it was loaded): HTTP 4xx.</summary>
public sealed class StudioRefusal(string message, int status = 400) : Exception(message)
{
    /// <summary>The HTTP status to answer with.</summary>
    public int Status { get; } = status;

    /// <summary>
    /// A write the file system refused (<see cref="StudioSession.CannotWrite"/>), marked in the answer (<c>"unwritten": true</c>)
    /// so the page tells it from a file changed on disk, also a 409, which offers to reload or overwrite.
    /// </summary>
    internal bool Unwritten { get; init; }
}

/// <summary>
/// The studio's state, independent of HTTP: the data in memory, the LF folder, the latest evaluation of its LFs and
/// the history of edits. An edit is checked; when it checks clean, only the LFs whose source changed are applied
/// to the data (each LF's column of votes is kept in memory by its source hash), the label model is refitted and
/// every number recomputed. Every public member takes the session's lock: one edit at a time.
/// </summary>
public sealed partial class StudioSession : IDisposable
{
    /// <summary>The file extensions the studio reads and writes in the LF folder (LF files and keyword lists).</summary>
    public static readonly IReadOnlyList<string> EditableExtensions = [".rules", ".csx", ".txt"];

    /// <summary>The largest LF file the studio saves.</summary>
    public const int MaxFileChars = 1 << 20;

    /// <summary>Columns of votes kept in memory before those of LFs no longer in the folder are dropped.</summary>
    private const int MaxCachedColumns = 512;

    /// <summary>The longest period a <see cref="Timer"/> takes (2^32 − 2 ms, about 49.7 days); a longer one fails inside it.</summary>
    private static readonly TimeSpan LongestPoll = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly object _gate = new();
    private readonly StudioSettings _settings;
    private readonly MemorySource _train;
    private readonly MemorySource? _dev;
    private readonly Dictionary<string, int[]> _devGold = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _devGoldWarnings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, sbyte[]> _trainColumns = new(StringComparer.Ordinal);
    private readonly Dictionary<string, sbyte[]> _devColumns = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _unsaved = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _unsavedBase = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ((long, DateTime) Stamp, string Version)> _versions = new(StringComparer.Ordinal);
    private readonly List<HistoryEntry> _history = [];
    private readonly HandLabels _hand;
    private readonly LfProject _project;
    private readonly DataHints _hints;
    private readonly FileSystemWatcher? _watcher;
    private readonly Timer _poll;
    private Dictionary<string, (long, DateTime)> _stamps = new(StringComparer.Ordinal);
    private Evaluation? _current;
    private Evaluation? _previous;
    private LfSet? _lastLoad;
    private int _evaluations;
    private bool _disposed;
    private bool _started;

    /// <summary>Reads the data into memory, loads and evaluates the LF folder, and starts watching it.</summary>
    public StudioSession(StudioSettings settings)
    {
        _settings = Guard.NotNull(settings);
        Valid(settings.TabSilence > TimeSpan.Zero, nameof(StudioSettings.TabSilence), "how long a tab no request names keeps its unsaved texts", "longer than zero", settings.TabSilence);
        Valid(settings.PollInterval > TimeSpan.Zero && settings.PollInterval <= LongestPoll, nameof(StudioSettings.PollInterval), "how often the LF folder is checked for changes",
            $"longer than zero and at most {Shown(LongestPoll)}", settings.PollInterval);
        Valid(settings.Threads is >= 1 and <= ApplyOptions.MostThreads, nameof(StudioSettings.Threads), "worker threads for applying LFs", $"from 1 to {ApplyOptions.MostThreads}", settings.Threads);
        Valid(settings.Sample is null or > 0, nameof(StudioSettings.Sample), "how many training rows the studio works on", "above zero, or null for every row", settings.Sample);
        Folder = Path.GetFullPath(settings.LfFolder);
        if (!Directory.Exists(Folder)) throw new SnorkelerException($"{settings.LfFolder}: no such folder (the studio needs the LF folder, e.g. --lfs labeling-functions/spam)");
        _train = MemorySource.Read(settings.Data, settings.Sample, settings.Seed);
        if (_train.Rows == 0) throw new SnorkelerException($"{settings.Data.Name}: the data has no rows");
        if (_train.Rows > int.MaxValue) throw new SnorkelerException($"{settings.Data.Name}: {_train.Rows:N0} rows do not fit in memory; give --sample N");
        _dev = settings.Dev is null ? null : MemorySource.Read(settings.Dev);
        _hand = new HandLabels(settings.HandLabelsPath);
        _project = new LfProject(settings.Loaders.Select(l => new RememberingLoader(l)).ToArray());
        _hints = DataHints.Of(_train);
        lock (_gate)
        {
            ClearLeftovers();
            _stamps = Stamps();
            Reload("start");
            _started = true;
        }
        // The field the LFs read most, else the column that looks like free text.
        TextColumn = _current?.Lfs.SelectMany(l => l.Fields).Where(f => _train.Schema.IndexOf(f) >= 0).GroupBy(f => f, StringComparer.Ordinal)
                         .OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefault()
                     ?? ColumnGuess.FreeTextColumn(_train) ?? _train.Schema.Names[0];
        try
        {
            _watcher = new FileSystemWatcher(Folder) { IncludeSubdirectories = true, NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size };
            FileSystemEventHandler changed = (_, _) => _poll?.Change(TimeSpan.FromMilliseconds(150), settings.PollInterval);
            _watcher.Changed += changed;
            _watcher.Created += changed;
            _watcher.Deleted += changed;
            _watcher.Renamed += (_, _) => _poll?.Change(TimeSpan.FromMilliseconds(150), settings.PollInterval);
            _watcher.EnableRaisingEvents = true;
        }
        catch (Exception e) when (e is IOException or ArgumentException or PlatformNotSupportedException)
        {
            _watcher = null; // polling alone picks changes up
        }
        _poll = new Timer(_ => PickUpExternalChanges(), null, settings.PollInterval, settings.PollInterval);
    }

    /// <summary>
    /// Refuses a setting a program gave out of its range, in one line naming it, as the command line refuses its options:
    /// a tab silent for no time would lose its unsaved texts at every request, a poll every 0 s would never come again (a
    /// timer's period of 0 fires once, and one above <see cref="LongestPoll"/> failed in the timer after the file watcher
    /// was made), 0 threads were taken for 1 and a sample of 0 rows read as data without rows.
    /// </summary>
    private static void Valid(bool valid, string setting, string meaning, string range, object? value)
    {
        if (valid) return;
        throw new SnorkelerException($"StudioSettings.{setting} ({meaning}) must be {range}, not {Shown(value)}");
    }

    private static string? Shown(object? value)
        => value is TimeSpan span ? span.ToString("c", System.Globalization.CultureInfo.InvariantCulture) : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// What the page shows about the data beside the numbers: the dev file's warning about its gold labels as the current
    /// classes read them (a cell that is one class's name and another class's number), the files a killed studio left in the
    /// LF folder that it did not put back and that are still there (<see cref="ClearLeftovers"/>), then the hand labels it cannot use,
    /// at most five and how many more (<see cref="HandLabelWarnings"/>).
    /// </summary>
    public IReadOnlyList<string> DataWarnings()
    {
        lock (_gate)
        {
            var gold = _current is { } current && _devGoldWarnings.TryGetValue(current.Schema.ToString(), out var w) ? [$"warning: {w}"] : Array.Empty<string>();
            return [.. gold, .. _leftovers.Where(l => File.Exists(l.File)).Select(l => l.Warning), .. HandLabelWarnings(most: 5)];
        }
    }

    /// <summary>
    /// The hand labels the studio reads but cannot use, one line each naming the labels file and line: a row past the end
    /// of the data (a labels file of other data?) and a class the LFs do not declare (renamed since?). They stay in the
    /// file; the numbers leave them out. With <paramref name="most"/>, the first that many, then a line saying how many more.
    /// </summary>
    public IReadOnlyList<string> HandLabelWarnings(int? most = null)
    {
        LabelSchema? schema;
        lock (_gate) schema = _current?.Schema;
        var warnings = new List<string>();
        foreach (var (row, label) in _hand.Labels)
        {
            var at = _hand.LineOf(row) is { } line ? $"{_hand.Path}({line})" : _hand.Path;
            if (row >= _train.FileRows)
                warnings.Add($"warning: {at}: row {row + 1:N0} is past the data's {Text.Listing.Counted(_train.FileRows, "row")}; its label is not used (a labels file of other data?)");
            else if (schema is not null && schema.LabelOf(label) is null)
                warnings.Add($"warning: {at}: row {row + 1:N0}'s label '{label}' is not a class of the LFs ({UnknownClass(label, schema)}); it is not used");
        }
        if (most is not { } cut || warnings.Count <= cut) return warnings;
        var more = warnings.Count - cut;
        return [.. warnings.Take(cut), $"warning: {_hand.Path}: {Text.Listing.Counted(more, "more hand label")} {(more == 1 ? "is" : "are")} not used"];
    }

    // "did you mean 'SPAM'? classes: HAM, SPAM", the classes cut as the LF diagnostics cut them.
    private static string UnknownClass(string label, LabelSchema schema)
    {
        var meant = Text.LabelMessages.Meant(label, schema.ClassNames);
        var guess = meant.Count == 0 ? "" : $"{Text.LabelMessages.DidYouMean(meant)} ";
        return $"{guess}classes: {Text.LabelMessages.Names(schema.ClassNames)}";
    }

    /// <summary>The LF folder (full path).</summary>
    public string Folder { get; }

    /// <summary>The column suggestions and the next-rows queue read: the data's free-text column.</summary>
    public string TextColumn { get; }

    /// <summary>Increases whenever the numbers, the files or the hand labels change.</summary>
    public int Version { get; private set; }

    /// <summary>Training rows in memory.</summary>
    public long TrainRows => _train.Rows;

    /// <summary>The training data's name and whether it is a sample.</summary>
    public string DataName => _train.IsSample ? $"{_train.Name} (sample of {Text.Listing.Counted(_train.Rows, "row")})" : _train.Name;

    /// <summary>Rows of the dev data, or 0.</summary>
    public long DevRows => _dev?.Rows ?? 0;

    /// <summary>The hand labels file.</summary>
    public string HandLabelsPath => _hand.Path;

    internal MemorySource TrainData => _train;

    internal MemorySource? DevData => _dev;

    internal HandLabels Hand => _hand;

    internal StudioSettings Settings => _settings;

    /// <summary>The lock every operation takes.</summary>
    internal object Gate => _gate;

    /// <summary>The latest clean evaluation, or null when the folder never checked clean.</summary>
    internal Evaluation? Current => _current;

    /// <summary>The evaluation before <see cref="Current"/>, for the deltas.</summary>
    internal Evaluation? Previous => _previous;

    /// <summary>The diagnostics of the latest load (errors and warnings), for the folder as it is on disk with unsaved buffers.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get { lock (_gate) return _lastLoad?.Diagnostics ?? []; } }

    /// <summary>The edits made since the studio started, oldest first.</summary>
    public IReadOnlyList<HistoryEntry> History { get { lock (_gate) return _history.ToArray(); } }

    /// <summary>
    /// The folder walk: links (to files or folders) are not followed, so the files listed, the files loaded and the
    /// paths <see cref="Resolve(string)"/> accepts are the same ones, a link cannot lead out of the folder and a link to an
    /// ancestor cannot loop. (The hidden and system attributes are not skipped, as with <see cref="SearchOption.AllDirectories"/>.)
    /// </summary>
    private static readonly EnumerationOptions Walk = new() { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint };

    /// <summary>Files under the LF folder the studio can edit, relative to it, in ordinal order (links are not followed).</summary>
    public IReadOnlyList<string> Files()
    {
        lock (_gate) return FullFiles().Select(Relative).ToArray();
    }

    private List<string> FullFiles()
    {
        try
        {
            // Hidden files and folders are left out as the CLI's walk leaves them (Jupyter's .ipynb_checkpoints, macOS's ._x.rules).
            return Directory.EnumerateFiles(Folder, "*", Walk).Where(f => EditableExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                .Where(f => !Hidden(Relative(f))).Order(StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>A file's text on disk and its version (see <see cref="VersionOf"/>).</summary>
    public FileText Read(string relative)
    {
        lock (_gate)
        {
            var full = Resolve(relative);
            if (!File.Exists(full)) throw new StudioRefusal($"no such file in the LF folder: '{relative}'", 404);
            var text = ReadText(full);
            return new FileText(relative, text, VersionOf(text));
        }
    }

    /// <summary>
    /// The version of an LF file's text: the start of its SHA-256. A save names the version it was based on, so a change
    /// made since (another editor, another tab) is not overwritten unseen.
    /// </summary>
    public static string VersionOf(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Guard.NotNull(text))))[..16];

    /// <summary>The version of each file as it is on disk, by path relative to the LF folder.</summary>
    public IReadOnlyDictionary<string, string> Versions()
    {
        lock (_gate)
        {
            var versions = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var (full, stamp) in Stamps())
            {
                if (!_versions.TryGetValue(full, out var known) || known.Stamp != stamp)
                {
                    try { _versions[full] = known = (stamp, VersionOf(ReadText(full))); }
                    catch (StudioRefusal) { continue; }
                }
                versions[Relative(full)] = known.Version;
            }
            return versions;
        }
    }

    /// <summary>
    /// The text of LF file <paramref name="full"/>, as every read of the session takes it: at most <see cref="MaxFileChars"/>
    /// bytes, UTF-8 unless a byte-order mark names UTF-16 or UTF-32. A file too large, not text or that cannot be read is
    /// refused (400) in one line naming it from the LF folder (<c>spam.rules(3): …</c>), never an I/O error's 500.
    /// </summary>
    private string ReadText(string full)
    {
        try { return InputFile.ReadAllText(full, MaxFileChars, "an LF file"); }
        catch (SnorkelerException e) { throw new StudioRefusal(FromFolder(e.Message)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new StudioRefusal($"{Relative(full)}: cannot read: {FromFolder(e.Message)}"); }
    }

    /// <summary>
    /// Checks <paramref name="text"/> as the content of <paramref name="relative"/> (with the other files as they are);
    /// with <paramref name="save"/>, first writes it atomically. <paramref name="version"/> is the version of the file the
    /// text was edited from (<see cref="Read"/>): a save is refused (409) when the file changed on disk since, and an
    /// unsaved buffer remembers it; null saves over whatever is there. When the folder checks clean and its LFs differ from
    /// the current ones, re-applies the changed LFs, refits and records a history entry. <paramref name="tab"/> names the
    /// page's tab, so that another tab's text replacing this one's is told to it (<see cref="Replaced"/>). Returns the
    /// version saved (null when checking only).
    /// </summary>
    public string? Edit(string relative, string text, bool save, string? version = null, string? tab = null)
    {
        Guard.NotNull(text);
        if (text.Length > MaxFileChars) throw new StudioRefusal($"the file is larger than {MaxFileChars:N0} characters", 413);
        lock (_gate)
        {
            // A folder where the file was is for the write to refuse (409), as the file system refuses it, not a wrong request.
            var full = Resolve(relative, writing: save);
            if (!save)
            {
                // A check naming a file renamed and then deleted from the page has no file to be the edits of.
                if (Renamed(full) is not { } now) return null;
                full = now;
                _unsaved[full] = text;
                _unsavedBase[full] = version;
                RememberTab(tab, full, text);
                Reload("edit");
                return null;
            }
            if (version is not null) RefuseIfChanged(full, version);
            Write(full, text, $"save '{Relative(full)}'");
            RememberTab(tab, full, null);
            Reload("save");
            return VersionOf(text);
        }
    }

    /// <summary>
    /// The file a rename from the page moved <paramref name="full"/> to (and the renames of that one after it) when
    /// <paramref name="full"/> is no longer on disk; else <paramref name="full"/>. A check another tab sent before the rename
    /// reached it, or one the network carried late, names the file as it was: its text is the renamed file's edits, which
    /// taken as a file gone from disk would keep its LFs in the numbers under the old name as well as the new. Null when the
    /// renamed file was deleted from the page since: its edits went with it.
    /// </summary>
    private string? Renamed(string full)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (!File.Exists(full) && seen.Add(full) && _moved.TryGetValue(Relative(full), out var to))
        {
            if (to is null) return seen.Count > 1 ? null : full;
            full = Path.GetFullPath(Path.Combine(Folder, to));
        }
        return full;
    }

    /// <summary>
    /// Forgets the renames and deletes from the page of the names <paramref name="onDisk"/> (the folder's files, as listed,
    /// so in the case they are written in) has files at again, made by hand or put back by a checkout: a request naming such
    /// a file is its own, and stays so once it is deleted by hand too, as for any file gone from disk. Remembered for good, a
    /// check naming it then was taken as the renamed file's edits. A file the page makes or saves there is forgotten as it is
    /// written (<see cref="Write"/>).
    /// </summary>
    private void ForgetMovesOf(IEnumerable<string> onDisk)
    {
        if (_moved.Count == 0) return;
        foreach (var full in onDisk) _moved.Remove(Relative(full));
    }

    /// <summary>Refuses (409) to write <paramref name="full"/> when its text on disk is no longer the <paramref name="version"/> the page loaded.</summary>
    private void RefuseIfChanged(string full, string version, string remedy = "reload it to see the change, or save again to overwrite it")
    {
        var now = File.Exists(full) ? VersionOf(ReadText(full)) : null;
        if (now != version)
            throw new StudioRefusal($"{Relative(full)} {(now is null ? "was deleted" : "changed")} on disk since this page loaded it (another editor, a git checkout or another " +
                                    $"studio tab saved it): {remedy}", 409);
    }

    /// <summary>
    /// Writes <paramref name="text"/> to <paramref name="full"/> atomically, in the encoding the file is in (<see cref="Prepare"/>);
    /// its unsaved buffer goes. The version rises, so other tabs see the file's new version even when no LF changed (a comment).
    /// A write the file system refuses (a folder in the file's place, a read-only folder, a file locked) is refused with
    /// <see cref="CannotWrite"/>, saying what was <paramref name="doing"/> and why (<see cref="Unwritten"/>), and the folders
    /// made for it removed (<see cref="RemoveEmpty"/>).
    /// </summary>
    private void Write(string full, string text, string doing)
    {
        var created = Missing(Path.GetDirectoryName(full)!);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            using var pending = Prepare(full, text);
            pending.Commit();
        }
        catch (Exception e) when (e is SnorkelerException or IOException or UnauthorizedAccessException)
        {
            RemoveEmpty(created);
            throw Unwritten(doing, e);
        }
        _unsaved.Remove(full);
        _unsavedBase.Remove(full);
        _moved.Remove(Relative(full));
        _stamps = Stamps();
        Version++;
    }

    /// <summary>
    /// Drops the unsaved buffer of <paramref name="relative"/> (of every file when null): the page discarded its edits,
    /// or started afresh. The numbers follow the files on disk again. A tab (<paramref name="tab"/>) discarding its edits
    /// of a file whose unsaved text is another tab's leaves that text in force.
    /// </summary>
    public void Discard(string? relative, string? tab = null)
    {
        lock (_gate)
        {
            var removed = false;
            if (relative is null) _tabTexts.Clear();
            // A discard naming a file by the name it had before a rename from the page (sent before it) is the renamed file's.
            var named = relative is null ? null : Resolve(relative);
            foreach (var full in named is null ? _unsaved.Keys.ToList() : [Renamed(named) ?? named])
            {
                RememberTab(tab, full, null);
                if (HeldByAnotherTab(tab, full)) continue;
                removed |= _unsaved.Remove(full);
                _unsavedBase.Remove(full);
            }
            if (removed) Reload("discard");
        }
    }

    /// <summary>Appends <paramref name="ruleText"/> to a rules file (the first one, or a new <c>studio.rules</c>), saves it and re-evaluates.</summary>
    internal IReadOnlyList<Diagnostic> Append(string ruleText, string reason)
    {
        lock (_gate)
        {
            var file = Files().FirstOrDefault(f => f.EndsWith(".rules", StringComparison.OrdinalIgnoreCase));
            var full = file is null ? Path.Combine(Folder, "studio.rules") : Resolve(file);
            // The page's unsaved edits of the file go in with the rule, unless the file changed on disk since they were begun.
            if (_unsaved.ContainsKey(full) && _unsavedBase[full] is { } based) RefuseIfChanged(full, based);
            var text = _unsaved.TryGetValue(full, out var buffer) ? buffer : File.Exists(full) ? ReadText(full) : "";
            if (text.Length > 0 && !text.EndsWith('\n')) text += "\n";
            text += (text.Length > 0 ? "\n" : "") + ruleText;
            Write(full, text, $"add the rule to '{Relative(full)}'");
            Reload(reason);
            return _lastLoad!.Diagnostics;
        }
    }

    /// <summary>The unsaved buffers the page holds (full path → text).</summary>
    internal IReadOnlyDictionary<string, string> Unsaved => _unsaved;

    /// <summary>The files whose unsaved buffers the numbers follow, relative to the LF folder, in ordinal order.</summary>
    public IReadOnlyList<string> UnsavedFiles()
    {
        lock (_gate) return _unsaved.Keys.Select(Relative).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>
    /// Re-reads the folder when a file in it changed on disk (another editor, a git checkout); true when something changed.
    /// A file with an unsaved buffer is still checked with the buffer, the text the page shows; the page sees the file's new
    /// version in the state and offers to reload it, and a save over it is refused until the person chooses.
    /// Tabs silent for <see cref="StudioSettings.TabSilence"/> are closed first (<see cref="Close"/>).
    /// While an edit holds the session it returns false at once: the next poll looks again, and a poll never holds a
    /// thread-pool thread waiting (two blocked pool threads on two cores starve the applier's channel, whose
    /// continuations run on the pool, for as long as the pool takes to add threads: seconds).
    /// </summary>
    public bool PickUpExternalChanges()
    {
        if (!Monitor.TryEnter(_gate)) return false;
        try
        {
            if (_disposed) return false;
            ForgetSilentTabs();
            var stamps = Stamps();
            var changed = stamps.Keys.Union(_stamps.Keys).Where(k => !stamps.TryGetValue(k, out var a) || !_stamps.TryGetValue(k, out var b) || a != b).ToList();
            if (changed.Count == 0) return false;
            _stamps = stamps;
            ForgetMovesOf(stamps.Keys);
            try { Reload("external change"); }
            catch (Exception e) when (e is SnorkelerException or IOException) { }
            Version++;
            return true;
        }
        finally
        {
            Monitor.Exit(_gate);
        }
    }

    /// <summary>Sets or clears the hand label of training row <paramref name="row"/> (0-based, in memory) and refits.</summary>
    public void Label(long row, string? label)
    {
        lock (_gate)
        {
            if (row < 0 || row >= _train.Rows) throw new StudioRefusal($"row {row} is not a training row (0 to {_train.Rows - 1})");
            var schema = _current?.Schema ?? throw new StudioRefusal("the LFs do not check clean yet, so their classes are not known");
            if (label is not null && schema.LabelOf(label) is null)
                throw new StudioRefusal($"unknown class '{label}' ({UnknownClass(label, schema)})");
            _hand.Set(_train.Original(row), label);
            if (_lastLoad is { HasErrors: false } set) Evaluate(set, "hand label", force: true);
            Version++;
        }
    }

    /// <summary>The full path of <paramref name="relative"/>, refused unless it is an editable file inside the LF folder.</summary>
    public string Resolve(string relative) => Resolve(relative, writing: false);

    /// <summary>
    /// <see cref="Resolve(string)"/>; when <paramref name="writing"/>, a folder at the path is left for the write to refuse
    /// (<see cref="CannotWrite"/>): the file the page saves became a folder, which the person settles on disk.
    /// </summary>
    private string Resolve(string relative, bool writing)
    {
        if (string.IsNullOrWhiteSpace(relative)) throw new StudioRefusal("give the file's path relative to the LF folder");
        // The file list writes paths with '/' everywhere, so a '\' is a separator too (not, on Linux, part of a file name).
        relative = relative.Replace('\\', '/');
        if (Path.IsPathRooted(relative) || relative.Contains('\0', StringComparison.Ordinal))
            throw new StudioRefusal($"'{relative}' is not a path inside the LF folder", 403);
        var full = Path.GetFullPath(Path.Combine(Folder, relative));
        if (!Inside(full)) throw new StudioRefusal($"'{relative}' is outside the LF folder", 403);
        if (!EditableExtensions.Contains(Path.GetExtension(full).ToLowerInvariant()))
            throw new StudioRefusal($"'{relative}' is not an LF file ({string.Join(", ", EditableExtensions)})", 403);
        if (Hidden(Path.GetRelativePath(Folder, full).Replace('\\', '/')))
            throw new StudioRefusal($"'{relative}' is hidden (a name in it begins with '.'): the studio, as the CLI, leaves hidden files and folders out of the LF folder", 403);
        // A name no file system takes is a wrong request (400), not a write the file system refused (409).
        if (writing) RefuseLongNames(relative.Split('/'));
        // Links are not followed (see Walk): a path through one is not one of the folder's files, wherever it leads.
        for (var p = full; p.Length > Folder.Length; p = Path.GetDirectoryName(p)!)
        {
            FileSystemInfo info = Directory.Exists(p) ? new DirectoryInfo(p) : new FileInfo(p);
            if (info.LinkTarget is not null)
                throw new StudioRefusal($"'{relative}' goes through a link ('{Relative(p)}'); the studio opens only the LF folder's own files, not links", 403);
            // Writing through a file, or over a folder, fails deep in the file system; say which part of the path is wrong.
            if (p != full && File.Exists(p))
                throw new StudioRefusal($"'{relative}' goes through '{Relative(p)}', which is a file, not a folder");
            if (p == full && !writing && Directory.Exists(p))
                throw new StudioRefusal($"'{relative}' is a folder, not a file");
        }
        return full;
    }

    /// <summary>Whether a path relative to the LF folder (with '/') goes through a hidden file or folder (<see cref="LfProject.IsHidden"/>).</summary>
    private static bool Hidden(string relative) => relative.Split('/').Any(LfProject.IsHidden);

    /// <summary>The name the file list gives <paramref name="relative"/> (refused as <see cref="Resolve(string)"/> refuses).</summary>
    internal string Name(string relative) => Relative(Resolve(relative));

    private bool Inside(string full)
        => full.StartsWith(Folder.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private string Relative(string full) => Path.GetRelativePath(Folder, full).Replace('\\', '/');

    private Dictionary<string, (long, DateTime)> Stamps()
    {
        var stamps = new Dictionary<string, (long, DateTime)>(StringComparer.Ordinal);
        foreach (var f in FullFiles())
        {
            var info = new FileInfo(f);
            if (info.Exists) stamps[info.FullName] = (info.Length, info.LastWriteTimeUtc);
        }
        return stamps;
    }

    /// <summary>
    /// Loads the folder (with the unsaved buffers) and, when it checks clean, evaluates it. Each kind of file is loaded
    /// again only when its files changed (<see cref="RememberingLoader"/>).
    /// </summary>
    private void Reload(string reason)
    {
        var files = LfFiles();
        var set = _project.Load(files.Count > 0 ? files : [Folder], _settings.Schema, _train.Schema, _settings.CacheDirectory, _hints, _settings.LfTimeBudget, _unsaved, Folder);
        _lastLoad = set;
        if (set.HasErrors) return;
        Evaluate(set, reason, force: false);
    }

    /// <summary>
    /// The LF files the LFs are loaded from, full paths: the files the studio lists, not the folder (the
    /// loader would follow links the studio does not), and a file the page edits that is not saved yet, checked as its
    /// buffer as a file on disk would be. Keyword lists are read by the rules that name them, not given as LF files.
    /// </summary>
    private List<string> LfFiles()
        => FilesAndNewBuffers().Where(f => _project.Extensions.Any(e => f.EndsWith(e, StringComparison.OrdinalIgnoreCase))).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>The files the studio lists and the new files the page edits but has not saved yet (read as their buffers), full paths.</summary>
    private IEnumerable<string> FilesAndNewBuffers() => FullFiles().Concat(_unsaved.Keys.Where(f => !File.Exists(f)));

    /// <summary>Evaluates <paramref name="set"/> unless its LFs are the current ones (or <paramref name="force"/>).</summary>
    private void Evaluate(LfSet set, string reason, bool force)
    {
        var hashes = set.Functions.ToDictionary(f => f.Name, f => f.SourceHash, StringComparer.Ordinal);
        if (!force && _current is { } current && current.Schema.Equals(set.Schema) && SameLfs(current.Hashes, hashes) && current.Lfs.Select(l => l.Name).SequenceEqual(hashes.Keys))
        {
            Relocate(current, set);
            return;
        }
        if (DevGoldProblem(set.Schema!) is { } problem)
        {
            _lastLoad = set with { Diagnostics = [.. set.Diagnostics, problem] };
            return;
        }
        Evaluation next;
        try { next = Compute(set, hashes); }
        catch (LfRowException e)
        {
            // An LF that throws on a row, or runs past --lf-timeout on one, is listed at the LF; the numbers stay the last clean edit's.
            // The diagnostic's prefix names the LF's file and place, so the message names the LF without them (the CLI's carries them).
            _lastLoad = set with { Diagnostics = [.. set.Diagnostics, Diagnostic.Error("SNK0950", $"LF '{e.Lf.Name}' {e.Failure}", e.Lf.Location)] };
            return;
        }
        _previous = _current;
        _current = next;
        var before = _previous?.Hashes ?? new Dictionary<string, string>();
        _history.Add(new HistoryEntry(_history.Count + 1, DateTime.UtcNow, reason,
            hashes.Keys.Where(k => !before.ContainsKey(k)).ToArray(),
            before.Keys.Where(k => !hashes.ContainsKey(k)).ToArray(),
            hashes.Keys.Where(k => before.TryGetValue(k, out var h) && h != hashes[k]).ToArray(),
            next.Totals, next.Reapplied, next.Milliseconds));
        Version++;
    }

    /// <summary>
    /// The same LFs somewhere else (lines added above them, a renamed file): the table names where they are now, without
    /// an evaluation or a history entry, as their numbers did not change.
    /// </summary>
    private void Relocate(Evaluation current, LfSet set)
    {
        var places = set.Functions.Select(Place).ToArray();
        if (current.Numbers.Select(n => (n.File, n.Line)).SequenceEqual(places)) return;
        current.Numbers = current.Numbers.Select((n, j) => n with { File = places[j].File, Line = places[j].Line }).ToArray();
        Version++;
    }

    /// <summary>An LF's file, relative to the LF folder, and line, as the table names them ("" and 0 without a location).</summary>
    private (string File, int Line) Place(LabelingFunction lf)
        => lf.Location is { } location ? (Relative(Path.GetFullPath(location.Path)), location.Line) : ("", 0);

    private static bool SameLfs(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b)
        => a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var h) && h == p.Value);

    /// <summary>Applies the LFs not in memory, assembles the matrices, fits the label model and computes the numbers.</summary>
    private Evaluation Compute(LfSet set, IReadOnlyDictionary<string, string> hashes)
    {
        var clock = Stopwatch.StartNew();
        var stages = new List<(string, double)>();
        var lap = clock.Elapsed;
        void Lap(string stage)
        {
            stages.Add((stage, (clock.Elapsed - lap).TotalMilliseconds));
            lap = clock.Elapsed;
        }
        var schema = set.Schema!;
        var lfs = set.Functions;
        var names = lfs.Select(l => l.Name).ToArray();
        var keys = lfs.Select(l => l.SourceHash + "\n" + schema).ToArray();
        var reapplied = Columns(_train, lfs, keys, _trainColumns, schema);
        int[]? devGold = null;
        if (_dev is not null)
        {
            Columns(_dev, lfs, keys, _devColumns, schema);
            devGold = _devGold[schema.ToString()];
        }
        Trim(_trainColumns, keys);
        Trim(_devColumns, keys);
        Lap("apply");

        var n = (int)_train.Rows;
        var hand = new int[n];
        Array.Fill(hand, LabelSchema.Abstain);
        var handRows = new List<int>();
        foreach (var (original, label) in _hand.Labels)
        {
            var row = _train.FromOriginal(original);
            if (row < 0 || schema.LabelOf(label) is not { } c) continue;
            hand[row] = c;
            handRows.Add((int)row);
        }
        var train = Matrix(schema, names, keys, _trainColumns, n, hand, null);
        var dev = _dev is null ? null : Matrix(schema, names, keys, _devColumns, (int)_dev.Rows, devGold!, null);
        LabelMatrix? gold = null;
        var goldRows = (devGold?.Count(g => g >= 0) ?? 0) + handRows.Count;
        if (goldRows > 0) gold = Matrix(schema, names, keys, _devColumns, dev?.RowCount ?? 0, devGold ?? [], (handRows, _trainColumns, hand));

        Lap("matrices");
        var summary = LfSummary.Of(train);
        var goldSummary = gold is null ? null : LfSummary.Of(gold);
        Lap("summaries");
        ILabelModel? model = null;
        string? modelError = null;
        double[]? probabilities = null;
        IReadOnlyList<double>? learned = null;
        LabelScores? scores = null;
        double[]? goldProbabilities = null;
        if (lfs.Count > 0)
        {
            try
            {
                model = LabelModelCatalog.Get(_settings.Model).CreateTrainer(ModelOptions.Defaults)
                    .Fit(train, new FitContext { Seed = _settings.Seed, Dev = gold });
                Lap("fit");
                probabilities = DistinctRows.Predict(model, train);
                Lap("predict");
                var diagnostics = new ModelDiagnostics(schema, lfs.Count);
                diagnostics.Add(train, probabilities);
                learned = diagnostics.LearnedAccuracy;
                if (gold is not null)
                {
                    // Predicted once: the scores and the covered rows' counts below both read them.
                    goldProbabilities = model.PredictProbabilities(gold);
                    var accumulator = new MetricsAccumulator(schema);
                    accumulator.Add(goldProbabilities, gold.GoldLabels, gold.FirstRow);
                    scores = accumulator.Result();
                }
            }
            catch (SnorkelerException e)
            {
                model = null;
                modelError = e.Message;
            }
        }
        Lap("model numbers");
        var numbers = new LfNumbers[lfs.Count];
        for (var j = 0; j < lfs.Count; j++)
        {
            var s = summary.Lfs[j];
            var g = goldSummary?.Lfs[j];
            var (file, line) = Place(lfs[j]);
            numbers[j] = new LfNumbers(names[j], file, line,
                s.Polarity.Select(schema.NameOf).ToArray(), s.Coverage, s.Overlaps, s.Conflicts, g?.Correct, g?.Incorrect, g?.EmpiricalAccuracy,
                learned is null || double.IsNaN(learned[j]) ? null : learned[j]);
        }
        var (coveredGold, coveredRight, coveredUncertain) = gold is null ? (0, 0, 0) : Covered(gold, scores is null ? null : goldProbabilities);
        var totals = new TotalNumbers(lfs.Count, n, summary.Coverage, summary.Overlap, summary.Conflict, goldRows,
            model is null ? null : ModelName(model), scores?.Accuracy, scores?.Coverage, coveredGold,
            goldRows == 0 ? null : (double)coveredGold / goldRows, scores is null || coveredGold == 0 ? null : (double)coveredRight / coveredGold,
            scores is null ? null : coveredUncertain);
        return new Evaluation
        {
            Id = ++_evaluations,
            Set = set,
            Schema = schema,
            Lfs = lfs,
            Train = train,
            Dev = dev,
            Gold = gold,
            HandRows = handRows,
            Model = model,
            ModelError = modelError,
            Probabilities = probabilities,
            Numbers = numbers,
            Totals = totals,
            Hashes = hashes,
            Reapplied = reapplied,
            Milliseconds = clock.Elapsed.TotalMilliseconds,
            Stages = stages,
        };
    }

    /// <summary>
    /// The gold rows of <paramref name="gold"/> some LF votes on, how many of them the label model gets right (its <paramref name="probabilities"/> of the gold rows), and on
    /// how many it is unsure, as <c>rows --covered</c>, <c>--model-right</c> and <c>--uncertain</c> count them. The model's
    /// accuracy over every gold row mixes in the rows it labels by its class prior alone, which no LF can be credited or blamed for.
    /// </summary>
    private static (long Rows, long Right, long Uncertain) Covered(LabelMatrix gold, double[]? probabilities)
    {
        RowQuery covered = new() { Covered = true };
        var k = gold.Schema.Cardinality;
        var samples = RowBuckets.Sample(gold,
            probabilities is null ? [covered] : [covered, covered with { ModelCorrect = true }, covered with { MarginBelow = UncertainMargin }], 0,
            predict: probabilities is null ? null
                : (block, into) => probabilities.AsSpan((int)(block.FirstRow - gold.FirstRow) * k, block.RowCount * k).CopyTo(into));
        // The last count by gold class is of the rows without a gold label (dev rows can lack one).
        var rows = samples[0].Matched - samples[0].ByGold![^1];
        return probabilities is null ? (rows, 0, 0) : (rows, samples[1].Matched, samples[2].Matched - samples[2].ByGold![^1]);
    }

    /// <summary>auto's choice is named with it ("auto: snorkel"); other models by their name.</summary>
    private static string ModelName(ILabelModel model) => model.Name;

    /// <summary>
    /// Reads the dev data's gold labels as <paramref name="schema"/>'s classes, once per set of classes. Once the studio
    /// runs, a label that is not one of them (a class renamed or removed in the editor, or by a git checkout) is an error
    /// in the diagnostics, and the numbers stay those of the last edit that fitted; at start, it stops the studio.
    /// </summary>
    private Diagnostic? DevGoldProblem(LabelSchema schema)
    {
        var key = schema.ToString();
        if (_dev is null || _devGold.ContainsKey(key)) return null;
        try
        {
            _devGold[key] = _settings.DevGold!(schema, (int)_dev.Rows, w => _devGoldWarnings.TryAdd(key, w));
            return null;
        }
        catch (SnorkelerException e) when (_started)
        {
            return Diagnostic.Error(LfProject.Codes.SchemaMismatch, $"the dev data's gold labels do not fit the LFs' classes: {e.Message}", null);
        }
    }

    /// <summary>Applies the LFs whose columns are not in <paramref name="cache"/> to <paramref name="data"/>; returns how many were applied.</summary>
    private int Columns(MemorySource data, IReadOnlyList<LabelingFunction> lfs, string[] keys, Dictionary<string, sbyte[]> cache, LabelSchema schema)
    {
        var missing = Enumerable.Range(0, lfs.Count).Where(j => !cache.ContainsKey(keys[j])).Distinct().ToArray();
        // Two LFs with one source (copies under two names) share a key: apply it once.
        missing = missing.GroupBy(j => keys[j], StringComparer.Ordinal).Select(g => g.First()).ToArray();
        if (missing.Length == 0) return 0;
        var columns = missing.Select(_ => new sbyte[data.Rows]).ToArray();
        Applier.Apply(data, missing.Select(j => lfs[j]).ToArray(), schema, block =>
        {
            for (var i = 0; i < block.RowCount; i++)
                for (var q = 0; q < missing.Length; q++)
                    columns[q][block.FirstRow + i] = (sbyte)block[i, q];
        }, new ApplyOptions { Threads = _settings.Threads, LfTimeBudget = _settings.LfTimeBudget });
        for (var q = 0; q < missing.Length; q++) cache[keys[missing[q]]] = columns[q];
        return missing.Length;
    }

    private static void Trim(Dictionary<string, sbyte[]> cache, string[] keep)
    {
        if (cache.Count <= MaxCachedColumns) return;
        var wanted = keep.ToHashSet(StringComparer.Ordinal);
        foreach (var key in cache.Keys.Where(k => !wanted.Contains(k)).ToArray()) cache.Remove(key);
    }

    /// <summary>
    /// A matrix of the cached columns: <paramref name="rows"/> rows of <paramref name="cache"/> with <paramref name="gold"/>,
    /// then, when given, the <paramref name="extra"/> rows of another cache with their gold labels (hand-labelled training rows).
    /// </summary>
    private static LabelMatrix Matrix(LabelSchema schema, string[] names, string[] keys, Dictionary<string, sbyte[]> cache, int rows, int[] gold,
        (List<int> Rows, Dictionary<string, sbyte[]> Cache, int[] Gold)? extra)
    {
        if (extra is not { } e) return LabelMatrix.FromColumns(schema, names, keys.Select(k => cache[k]).ToArray(), rows, gold);
        var total = rows + e.Rows.Count;
        var columns = new sbyte[keys.Length][];
        for (var j = 0; j < keys.Length; j++)
        {
            var column = columns[j] = new sbyte[total];
            if (rows > 0) cache[keys[j]].AsSpan(0, rows).CopyTo(column);
            var more = e.Cache[keys[j]];
            for (var q = 0; q < e.Rows.Count; q++) column[rows + q] = more[e.Rows[q]];
        }
        var labels = new int[total];
        gold.AsSpan(0, rows).CopyTo(labels);
        for (var q = 0; q < e.Rows.Count; q++) labels[rows + q] = e.Gold[e.Rows[q]];
        return LabelMatrix.FromColumns(schema, names, columns, total, labels);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
        }
        _watcher?.Dispose();
        _poll.Dispose();
    }
}
