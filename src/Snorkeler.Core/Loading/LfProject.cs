namespace Snorkeler.Loading;

/// <summary>
/// Finds the LF files under the paths a user gives (files, or folders searched recursively), hands
/// each kind to its loader, and checks what holds across kinds: one class schema, unique LF names.
/// Files are taken in ordinal path order, so the result does not depend on the order the file system
/// lists them in.
/// </summary>
public sealed class LfProject
{
    /// <summary>Loading diagnostics that are not about one language.</summary>
    public static class Codes
    {
        /// <summary>A path given on the command line does not exist.</summary>
        public const string PathNotFound = "SNK0901";
        /// <summary>No LF files were found under the given paths.</summary>
        public const string NoLfFiles = "SNK0902";
        /// <summary>Two LFs in different files share a name.</summary>
        public const string DuplicateName = "SNK0903";
        /// <summary>The files declare no classes.</summary>
        public const string NoLabels = "SNK0904";
        /// <summary>A file could not be read.</summary>
        public const string Unreadable = "SNK0905";
        /// <summary>The LF files' classes differ from the data set's.</summary>
        public const string SchemaMismatch = "SNK0906";
        /// <summary>A file given by name that no loader reads (its extension is not one of theirs).</summary>
        public const string NotAnLfFile = "SNK0907";
    }

    private readonly IReadOnlyList<ILfLoader> _loaders;

    /// <summary>Creates a project loader. Loaders run in the order given; the one that declares classes (rules) goes first.</summary>
    public LfProject(IEnumerable<ILfLoader> loaders) => _loaders = Guard.NotNull(loaders).ToArray();

    /// <summary>The file extensions the loaders read.</summary>
    public IEnumerable<string> Extensions => _loaders.Select(l => l.Extension);

    /// <summary>
    /// Loads every LF file under <paramref name="paths"/>. <paramref name="schema"/> is the class schema
    /// known from the data (a Wrench <c>label.json</c>), if any; <paramref name="dataColumns"/> the data's columns, if known;
    /// <paramref name="dataHints"/> what messages about missing fields may say about the data.
    /// </summary>
    /// <param name="paths">LF files and folders.</param>
    /// <param name="schema">The classes the data declares, if any.</param>
    /// <param name="dataColumns">The data's columns, if known.</param>
    /// <param name="cacheDirectory">Where loaders may cache compiled results.</param>
    /// <param name="dataHints">What the data looks like, for messages; null when unknown.</param>
    /// <param name="timeBudget">How long code run while loading (scripts' top level) may take; null for no limit.</param>
    /// <param name="unsaved">
    /// Texts to check instead of what is on disk, by full path (an editor's unsaved buffers); files not listed are read. A
    /// path in <paramref name="paths"/> that is not on disk but has a text here is checked as that text (a new file); the
    /// files loading reads besides (keyword lists) are taken from here too (<see cref="LfLoadContext.Unsaved"/>).
    /// </param>
    /// <param name="root">
    /// The LF folder, which the files loading reads (keyword lists) must be inside; null: the folder the paths share. A tool
    /// that gives a folder's files one by one (the studio) names the folder, else its files all in one subfolder would make
    /// that subfolder the root, and a list beside them outside it.
    /// </param>
    public LfSet Load(IReadOnlyList<string> paths, LabelSchema? schema = null, Data.DataSchema? dataColumns = null, string? cacheDirectory = null,
        DataHints? dataHints = null, TimeSpan? timeBudget = null, IReadOnlyDictionary<string, string>? unsaved = null, string? root = null)
    {
        var diagnostics = new List<Diagnostic>();
        // A file not yet on disk whose text an editor holds (a new file, not saved yet) is checked as that text.
        bool Unsaved(string path) => unsaved is not null && !File.Exists(path) && !Directory.Exists(path) && unsaved.ContainsKey(Path.GetFullPath(path))
            && Extensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase));
        foreach (var path in paths)
            if (Unsaved(path)) continue;
            else if (!File.Exists(path) && !Directory.Exists(path))
                diagnostics.Add(Diagnostic.Error(Codes.PathNotFound, $"no such file or folder: '{Text.Printable.FileName(path)}'", null));
            // A file named on purpose is meant to be read: skipping it (a typo in its extension, a keyword list given
            // as an LF file) would pass a check that never looked at it.
            else if (File.Exists(path) && !Extensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
                diagnostics.Add(Diagnostic.Error(Codes.NotAnLfFile,
                    $"'{Text.Printable.FileName(path)}' is not an LF file: LF files end in {Text.Listing.Join(Extensions.ToArray(), "or")} (a folder given instead is searched for them)", null));
        var files = Files(paths).Concat(paths.Where(Unsaved)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        root = root is null ? CommonRoot(paths) : Path.GetFullPath(root);

        var functions = new List<LabelingFunction>();
        var reads = new List<string>();
        var any = false;
        foreach (var loader in _loaders)
        {
            var mine = new List<LfSourceFile>();
            foreach (var f in files.Where(f => f.EndsWith(loader.Extension, StringComparison.OrdinalIgnoreCase)))
            {
                try { mine.Add(new LfSourceFile(f, unsaved is not null && unsaved.TryGetValue(Path.GetFullPath(f), out var text) ? text : IO.InputFile.ReadAllText(f, MaxFileBytes, "an LF file"))); }
                catch (SnorkelerException e) when (e.File == f && e.Line is { } line && e.Detail is { } detail)
                {
                    diagnostics.Add(Diagnostic.Error(Codes.Unreadable, $"cannot read the LF file: {detail}", new SourceLocation(f, (int)Math.Min(line, int.MaxValue), 1)));
                }
                catch (SnorkelerException e)
                {
                    diagnostics.Add(Diagnostic.Error(Codes.Unreadable, $"cannot read LF file {(e.File is { } file && e.Detail is { } detail ? $"{Text.Printable.FileName(file)}: {detail}" : e.Message)}", null));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    diagnostics.Add(Diagnostic.Error(Codes.Unreadable, $"cannot read LF file {Text.Printable.FileName(f)}: {e.Message}", null));
                }
            }
            if (mine.Count == 0) continue;
            any = true;
            var set = loader.Load(mine, new LfLoadContext(schema, dataColumns, root, cacheDirectory) { Data = dataHints, TimeBudget = timeBudget, Unsaved = unsaved });
            diagnostics.AddRange(set.Diagnostics);
            reads.AddRange(set.Reads);
            if (set.Schema is not null && schema is not null && !set.Schema.Equals(schema))
                diagnostics.Add(Diagnostic.Error(Codes.SchemaMismatch,
                    $"the {loader.Extension} files declare classes {set.Schema.ListedAgainst(schema)} but the data set has {schema.ListedAgainst(set.Schema)}",
                    set.Functions.FirstOrDefault()?.Location is { } loc ? loc with { Line = 1, Column = 1 } : null));
            schema ??= set.Schema;
            functions.AddRange(set.Functions);
        }
        if (!any && diagnostics.Count == 0)
            diagnostics.Add(Diagnostic.Error(Codes.NoLfFiles,
                $"no labelling-function files ({string.Join(", ", Extensions.Select(e => "*" + e))}) under {string.Join(", ", paths.Select(p => $"'{Text.Printable.FileName(p)}'"))}", null));

        var byName = new Dictionary<string, LabelingFunction>(StringComparer.Ordinal);
        foreach (var lf in functions)
        {
            if (byName.TryGetValue(lf.Name, out var first))
            {
                if (first.Location?.Path != lf.Location?.Path)
                    diagnostics.Add(Diagnostic.Error(Codes.DuplicateName,
                        $"LF name '{lf.Name}' is already used at {first.Location?.ToString() ?? "another file"}", lf.Location));
            }
            else byName.Add(lf.Name, lf);
        }
        if (schema is null && any && !diagnostics.Any(d => d.IsError))
            diagnostics.Add(Diagnostic.Error(Codes.NoLabels, "no classes declared: add a line such as 'labels HAM, SPAM' to a .rules file", null));
        // In file and position order, as compilers print them: the languages' lists and cross-file duplicates came out in
        // the order they were found.
        return new LfSet(schema, byName.Values.ToArray(), Diagnostic.InOrder(diagnostics), reads.Distinct(StringComparer.Ordinal).ToArray());
    }

    /// <summary>The largest LF file read (rule and script files are small; a device or a huge file is refused).</summary>
    public const long MaxFileBytes = 16 << 20;

    /// <summary>
    /// The LF files under <paramref name="paths"/> (files, and folders searched recursively for the loaders'
    /// extensions, hidden files and folders, whose names begin with '.', left out) in ordinal path order; a file reached twice (<c>--lfs . spam.rules</c>, a link) is taken once,
    /// under its first path. Linked folders are followed, each folder once, so a link to an ancestor cannot
    /// loop; none into the kernel's views of processes and devices (<c>/proc</c>, <c>/dev</c>, <c>/sys</c>). Paths that do not exist are skipped.
    /// </summary>
    public IReadOnlyList<string> Files(IReadOnlyList<string> paths) => Files(paths, Extensions.ToArray());

    /// <summary>
    /// The files under <paramref name="paths"/> as <see cref="Files(IReadOnlyList{string})"/> finds them for loaders
    /// of these <paramref name="extensions"/> (with the dot: <c>.csx</c>).
    /// </summary>
    public static IReadOnlyList<string> Files(IReadOnlyList<string> paths, IReadOnlyList<string> extensions)
    {
        var files = new List<string>();
        var folders = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in Guard.NotNull(paths))
        {
            if (File.Exists(path)) files.Add(path);
            else if (Directory.Exists(path)) Collect(path, RealPath(path), extensions, folders, files);
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return files.Distinct(StringComparer.Ordinal).OrderBy(f => f, StringComparer.Ordinal)
            .Where(f => seen.Add(IO.InputFile.Stat(f).Identity)).ToList();
    }

    /// <summary>
    /// Adds the files of <paramref name="folder"/> and its subfolders to <paramref name="files"/>; <paramref name="real"/> is
    /// where the folder is once the links on the way were followed.
    /// </summary>
    private static void Collect(string folder, string real, IReadOnlyList<string> extensions, HashSet<string> visited, List<string> files)
    {
        if (!visited.Add(IO.InputFile.Stat(folder).Identity)) return;
        IEnumerable<string> entries;
        try { entries = Directory.EnumerateFileSystemEntries(folder).ToArray(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; }
        foreach (var entry in entries)
        {
            // Hidden files and folders are not LFs: .git, Jupyter's .ipynb_checkpoints (copies of the LF files, so every
            // name twice), Emacs's lock link .#spam.rules (to no file while a buffer has unsaved edits), macOS's ._spam.rules.
            if (IsHidden(Path.GetFileName(entry))) continue;
            if (Directory.Exists(entry))
            {
                string target;
                try { target = new DirectoryInfo(entry).LinkTarget is null ? Path.Combine(real, Path.GetFileName(entry)) : RealPath(entry); }
                catch (IOException) { continue; } // gone since the folder was listed
                if (!IsKernelView(target)) Collect(entry, target, extensions, visited, files);
            }
            else if (extensions.Any(e => entry.EndsWith(e, StringComparison.OrdinalIgnoreCase))) files.Add(entry);
        }
    }

    /// <summary>
    /// Whether a file or folder <paramref name="name"/> is hidden (begins with '.'), so a folder walk leaves it out: the CLI's
    /// walk of an LF folder and the studio's list of its files both ask this, so they load the same files.
    /// </summary>
    public static bool IsHidden(string name) => Guard.NotNull(name).StartsWith('.');

    /// <summary>The kernel's views of processes and devices, which hold no LF files (<c>/dev/shm</c>, a memory-backed folder for files, aside).</summary>
    private static readonly string[] KernelViews = ["/proc", "/dev", "/sys"];

    /// <summary>
    /// Whether a folder found in the walk, at <paramref name="real"/> once links are followed, is or lies in one of the
    /// <see cref="KernelViews"/> (reached through a link such as <c>dev -> /dev</c>). Walked, <c>/dev/fd</c> leads through the
    /// process's open descriptors to whatever folders it has open at that moment, elsewhere on the disk: files found there
    /// are gone by the time they are read.
    /// </summary>
    private static bool IsKernelView(string real)
    {
        if (OperatingSystem.IsWindows()) return false;
        return Array.Exists(KernelViews, v => Within(real, v)) && !Within(real, "/dev/shm");

        static bool Within(string path, string folder) => path == folder || path.StartsWith(folder + "/", StringComparison.Ordinal);
    }

    /// <summary>The final target of a link (a chain of them followed), else the full path itself; a link that cannot be resolved, itself.</summary>
    private static string RealPath(string path)
    {
        try { return Directory.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? Path.GetFullPath(path); }
        catch (IOException) { return Path.GetFullPath(path); }
    }

    private static string CommonRoot(IReadOnlyList<string> paths)
    {
        var folders = paths.Select(p => Path.GetFullPath(Directory.Exists(p) ? p : Path.GetDirectoryName(Path.GetFullPath(p)) ?? ".")).ToList();
        if (folders.Count == 0) return Directory.GetCurrentDirectory();
        var root = folders[0];
        foreach (var f in folders.Skip(1))
            while (!(f + Path.DirectorySeparatorChar).StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                root = Path.GetDirectoryName(root) ?? root;
        return root;
    }
}
