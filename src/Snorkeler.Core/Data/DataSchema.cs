namespace Snorkeler.Data;

/// <summary>The column names of a data source, in order.</summary>
public sealed class DataSchema
{
    /// <summary>The longest column name a data file may have: messages that list the columns stay short.</summary>
    public const int MaxColumnName = 1024;

    private const int Ambiguous = -2;
    private readonly string[] _names;
    private readonly Dictionary<string, int> _exact;
    private readonly Dictionary<string, int> _ignoreCase;
    private readonly DataSchema? _original;

    /// <summary>Creates a schema. Names must be unique (ordinal).</summary>
    public DataSchema(IEnumerable<string> columnNames)
    {
        _names = Guard.NotNull(columnNames).ToArray();
        _exact = new Dictionary<string, int>(StringComparer.Ordinal);
        _ignoreCase = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < _names.Length; i++)
        {
            if (!_exact.TryAdd(_names[i], i))
                throw new ArgumentException(AppearsTwice(_names[i]), nameof(columnNames));
            if (!_ignoreCase.TryAdd(_names[i], i)) _ignoreCase[_names[i]] = Ambiguous; // 'Text' and 'TEXT': neither is meant by 'text'
        }
    }

    /// <summary>
    /// The columns of <paramref name="original"/> under new names (<c>--column text=CONTENT</c>): a name is looked up
    /// among the new names first, then among the file's own, so <c>CONTENT</c> still finds the column read as <c>text</c>.
    /// </summary>
    public DataSchema(IEnumerable<string> columnNames, DataSchema original) : this(columnNames)
    {
        _original = Guard.NotNull(original);
        if (original.Count != _names.Length) throw new ArgumentException($"{_names.Length} names for {original.Count} columns", nameof(columnNames));
    }

    /// <summary>The words for a column name a file gives twice, whatever its format (a CSV header's prefixes "header ").</summary>
    internal static string AppearsTwice(string name) => $"column '{name}' appears twice";

    /// <summary>Column names in order.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>Number of columns.</summary>
    public int Count => _names.Length;

    /// <summary>
    /// The index of a column: an exact match first, then the one case-insensitive match; -1 when none.
    /// </summary>
    public int IndexOf(string name)
    {
        if (_exact.TryGetValue(name, out var i)) return i;
        if (_ignoreCase.TryGetValue(name, out i)) return i == Ambiguous ? -1 : i;
        return _original?.IndexOf(name) ?? -1;
    }

    /// <summary>
    /// The keys of a JSON record as columns: every key once, none longer than <see cref="MaxColumnName"/> (a longer one is
    /// an error naming <paramref name="path"/> and <paramref name="line"/>, not a message of a hundred thousand characters)
    /// and none empty, as a CSV header's columns each need a name.
    /// </summary>
    public static DataSchema OfKeys(System.Text.Json.JsonElement record, string path, long line)
    {
        var names = record.EnumerateObject().Select(p => p.Name).Distinct(StringComparer.Ordinal).ToArray();
        if (Array.IndexOf(names, "") is >= 0 and var empty) throw EmptyKey(path, empty + 1, line, first: true);
        if (names.FirstOrDefault(n => n.Length > MaxColumnName) is { } longest)
            throw SnorkelerException.InFile(path, $"a key is {longest.Length:N0} characters long (at most {MaxColumnName:N0} for a column name): '{longest[..40]}…'", line);
        return new DataSchema(names);
    }

    /// <summary>
    /// The error for a JSON record whose <paramref name="key"/>th key (from 1) is "": it names no column, on the first
    /// record as on any later one (where it was ignored like a key the first record lacks), as a CSV header's columns each
    /// need a name.
    /// </summary>
    internal static SnorkelerException EmptyKey(string path, int key, long line, bool first)
        => SnorkelerException.InFile(path, $"key {key} is \"\", which names no column; give it a name{(first ? " (the first record's keys are the columns)" : "")}", line);

    /// <summary>The column's name in the file, before <c>--column</c> renamed it (its name when it was not renamed).</summary>
    public string FileName(int column) => _original?.FileName(column) ?? _names[column];

    /// <summary>
    /// The index of a column, or an exception naming the column and the ones that exist, and <paramref name="option"/>
    /// (<c>--left-column</c>) when given: the option that reads the column under another name.
    /// </summary>
    public int RequireIndex(string name, string? sourceName = null, string? option = null) => RequireIndex(name, sourceName, option, null);

    /// <summary>
    /// <see cref="RequireIndex(string, string?, string?)"/>, whose error says where a later line of a JSON Lines file has
    /// the column as a key (<paramref name="laterKey"/>: <see cref="Loading.DataHints.LaterKeyHint"/>) when one has.
    /// </summary>
    internal int RequireIndex(string name, string? sourceName, string? option, Func<string, string?>? laterKey)
    {
        var i = IndexOf(name);
        if (i >= 0) return i;
        var where = sourceName is null ? "" : $"{sourceName}: ";
        var alike = _names.Where(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase)).ToArray();
        if (alike.Length > 1)
            throw new SnorkelerException($"{where}'{name}' matches the columns {string.Join(" and ", alike.Select(n => $"'{n}'"))} when case is ignored; give the exact name");
        // Under --column text=CONTENT the column is found by either name, so both are suggested and listed.
        var known = _original is null ? _names : _names.Concat(Enumerable.Range(0, Count).Select(FileName).Where(n => !_exact.ContainsKey(n))).ToArray();
        var hint = laterKey?.Invoke(name) ?? Text.Suggest.DidYouMean(name, known);
        throw new SnorkelerException($"{where}no column '{name}'{hint} (columns: {Listed}){(option is null ? "" : $"; give {option} NAME to read another column")}");
    }

    /// <summary>
    /// The columns as messages list them: "COMMENT_ID, CONTENT (read as text)", each by its name in the file, and the name
    /// <c>--column</c> gave it after it.
    /// </summary>
    public string Listed => string.Join(", ", Enumerable.Range(0, Count).Select(c => FileName(c) == _names[c] ? _names[c] : $"{FileName(c)} (read as {_names[c]})"));
}
