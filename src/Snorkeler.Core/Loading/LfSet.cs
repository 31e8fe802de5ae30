namespace Snorkeler.Loading;

/// <summary>
/// The labelling functions loaded from LF files and folders, the class schema they declare, the
/// diagnostics of loading them, and the other files loading read (<see cref="Reads"/>).
/// </summary>
/// <param name="Schema">The classes declared, or null.</param>
/// <param name="Functions">The LFs.</param>
/// <param name="Diagnostics">Errors and warnings of loading.</param>
/// <param name="ReadFiles">Files read besides the LF files themselves (keyword lists, <c>#load</c>-ed scripts, <c>#r</c>-ed assemblies), or null for none.</param>
public sealed record LfSet(LabelSchema? Schema, IReadOnlyList<LabelingFunction> Functions, IReadOnlyList<Diagnostic> Diagnostics, IReadOnlyList<string>? ReadFiles = null)
{
    /// <summary>Files read besides the LF files themselves: keyword lists, <c>#load</c>-ed scripts, <c>#r</c>-ed assemblies.</summary>
    public IReadOnlyList<string> Reads => ReadFiles ?? [];

    /// <summary>True when any diagnostic is an error.</summary>
    public bool HasErrors => Diagnostics.Any(d => d.IsError);

    /// <summary>Throws <see cref="DiagnosticsException"/> when loading found errors; returns this otherwise.</summary>
    public LfSet ThrowIfErrors() => HasErrors ? throw new DiagnosticsException(Diagnostics) : this;
}

/// <summary>An LF file: its path (as the user gave it, for messages) and its text.</summary>
public sealed record LfSourceFile(string Path, string Text)
{
    /// <summary>The folder the file is in (full path).</summary>
    public string Folder => System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path)) ?? ".";
}

/// <summary>What a loader knows when it loads its files.</summary>
/// <param name="Schema">The class schema declared so far (by an earlier loader or the data), or null.</param>
/// <param name="DataColumns">The data's columns when known (enables unknown-field checks), else null.</param>
/// <param name="Root">The LF folder: files a loader reads (keyword lists) must be inside it.</param>
/// <param name="CacheDirectory">Where a loader may cache compiled results, or null for no cache.</param>
public sealed record LfLoadContext(LabelSchema? Schema, Data.DataSchema? DataColumns, string Root, string? CacheDirectory = null)
{
    /// <summary>What the data looks like, for messages about fields it lacks; null when unknown.</summary>
    public DataHints? Data { get; init; }

    /// <summary>How long code that runs while loading (a script's top level) may take, or null for no limit.</summary>
    public TimeSpan? TimeBudget { get; init; }

    /// <summary>
    /// Texts to read instead of what is on disk, by full path: an editor's unsaved buffers of the files loading reads
    /// besides the LF files (a rule's keyword list, a script's <c>#load</c>-ed script), so that they count as the editor shows them. Null: every file is read from disk.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Unsaved { get; init; }
}

/// <summary>What messages about the data's columns may say besides their names.</summary>
public sealed class DataHints
{
    private readonly Lazy<string?> _textColumn;
    private readonly IReadOnlyList<string> _jsonFiles = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, LaterKey?> _laterKeys = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Hints naming the data and, when known, its free-text column.</summary>
    public DataHints(string name, string? textColumn)
    {
        Name = Guard.NotNull(name);
        _textColumn = new Lazy<string?>(textColumn);
    }

    private DataHints(string name, Func<string?> textColumn, IReadOnlyList<string> jsonFiles)
    {
        Name = name;
        _textColumn = new Lazy<string?>(textColumn);
        _jsonFiles = jsonFiles;
    }

    /// <summary>
    /// The hints for a data source: its name, its free-text column, and for JSON Lines files and Wrench splits the keys their
    /// later lines (rows' data) have and their first lines lack (which are not columns), each looked for only when a message needs it.
    /// </summary>
    public static DataHints Of(Data.IDataSource data)
    {
        Guard.NotNull(data);
        return new DataHints(data.Name, () => Data.ColumnGuess.FreeTextColumn(data), [.. data.Files.Where(f => Data.JsonLinesSource.IsJsonLines(f) || IsWrench(f))]);
    }

    /// <summary>
    /// Where a line after the first of one of the data's JSON Lines files, in the order given, has <paramref name="field"/>
    /// (ignoring case) as a key that is no column; null when none does (or the data has no JSON Lines file).
    /// </summary>
    internal LaterKey? LaterKeyOf(string field)
        => _jsonFiles.Count == 0 ? null : _laterKeys.GetOrAdd(field, f =>
        {
            foreach (var file in _jsonFiles)
                if (IsWrench(file))
                {
                    if (Data.WrenchFile.LaterRowWithKey(file, f) is var (line, row, key)) return new LaterKey(file, line, key) { Row = row };
                }
                else if (Data.JsonLinesSource.LaterLineWithKey(file, f) is var (line, key)) return new LaterKey(file, line, key);
            return null;
        });

    /// <summary>The hint for a column <paramref name="field"/> the data lacks: where a later line has it, else the nearest of <paramref name="names"/>.</summary>
    internal string ColumnHint(string field, IEnumerable<string> names) => LaterKeyHint(field) ?? Text.Suggest.DidYouMean(field, names);

    /// <summary>
    /// <c>; 'g' is a key of line 2 of d.jsonl but not of its first line, whose keys are a JSON Lines file's columns: give
    /// the first line every key (null where it has no value)</c> (for a Wrench split, its row's data keys) when a later line
    /// has <paramref name="field"/> as a key that is no column, as a message tail; null when none has.
    /// </summary>
    internal string? LaterKeyHint(string field) => LaterKeyOf(field) switch
    {
        { Row: { } row } wrench => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"; '{wrench.Key}' is a data key of row \"{row}\" (line {wrench.Line}) of {wrench.File} but not of its first row, whose data keys are a Wrench split's columns: give the first row's data every key (null where it has no value)"),
        { } later => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"; '{later.Key}' is a key of line {later.Line} of {later.File} but not of its first line, whose keys are a JSON Lines file's columns: give the first line every key (null where it has no value)"),
        null => null,
    };

    private static bool IsWrench(string path) => path.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

    /// <summary>A key of a JSON Lines file's line that the file's first line lacks, or of a Wrench split's row's data that its first row's lacks.</summary>
    internal sealed record LaterKey(string File, long Line, string Key)
    {
        /// <summary>The id of the Wrench row that has the key; null for a JSON Lines file.</summary>
        public string? Row { get; init; }
    }

    /// <summary>The data (its file), as the user named it.</summary>
    public string Name { get; }

    /// <summary>The column that holds free text, when one stands out (<see cref="Snorkeler.Data.ColumnGuess.FreeTextColumn"/>).</summary>
    public string? TextColumn => _textColumn.Value;
}

/// <summary>
/// Loads one kind of LF file (the rule DSL's <c>.rules</c>, C# scripts' <c>.csx</c>). All files of
/// a kind in a run are loaded together, so a loader can share declarations and compile them at once.
/// </summary>
public interface ILfLoader
{
    /// <summary>The file extension this loader reads, with the dot: ".rules".</summary>
    string Extension { get; }

    /// <summary>
    /// Loads the files; returns the LFs, the class schema they declare (or <paramref name="context"/>'s),
    /// and diagnostics. Never throws for a problem in the files: it reports a diagnostic.
    /// </summary>
    LfSet Load(IReadOnlyList<LfSourceFile> files, LfLoadContext context);
}

/// <summary>
/// A file an LF file names by its path in its text (a keyword list in a rule's <c>lines("words.txt")</c>): where the name is
/// written, as written, and the file it leads to.
/// </summary>
/// <param name="Location">Where the name is written (its quotes included), for messages.</param>
/// <param name="Offset">0-based character offset of the written name in the file's text, its quotes included.</param>
/// <param name="Length">Its length in characters, its quotes included.</param>
/// <param name="Written">The path as the file gives it (escapes resolved), relative to the file's folder.</param>
/// <param name="Full">The full path it leads to.</param>
public sealed record FileReference(SourceLocation Location, int Offset, int Length, string Written, string Full);

/// <summary>
/// A loader whose files name other files by their path (<see cref="FileReference"/>), so that a tool moving a file (the
/// studio's rename) can point them at its new place instead of leaving them naming a file that is not there.
/// </summary>
public interface IFileReferences
{
    /// <summary>The files <paramref name="file"/> names, in text order; names in parts of it that do not parse are not found.</summary>
    IReadOnlyList<FileReference> References(LfSourceFile file);

    /// <summary>The literal that names <paramref name="path"/> (relative, with '/' between folders), to write in place of a reference.</summary>
    string Literal(string path);
}
