namespace Snorkeler.Data;

/// <summary>The column names of a data source, in order.</summary>
public sealed class DataSchema
{
    private readonly string[] _names;
    private readonly Dictionary<string, int> _exact;
    private readonly Dictionary<string, int> _ignoreCase;

    /// <summary>Creates a schema. Names must be unique (ordinal).</summary>
    public DataSchema(IEnumerable<string> columnNames)
    {
        _names = Guard.NotNull(columnNames).ToArray();
        _exact = new Dictionary<string, int>(StringComparer.Ordinal);
        _ignoreCase = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < _names.Length; i++)
        {
            if (!_exact.TryAdd(_names[i], i))
                throw new ArgumentException($"column '{_names[i]}' appears twice", nameof(columnNames));
            _ignoreCase.TryAdd(_names[i], i);
        }
    }

    /// <summary>Column names in order.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>Number of columns.</summary>
    public int Count => _names.Length;

    /// <summary>
    /// The index of a column: an exact match first, then the one case-insensitive match; -1 when none.
    /// </summary>
    public int IndexOf(string name)
        => _exact.TryGetValue(name, out var i) ? i : _ignoreCase.TryGetValue(name, out i) ? i : -1;

    /// <summary>The index of a column, or an exception naming the column and the ones that exist.</summary>
    public int RequireIndex(string name, string? sourceName = null)
    {
        var i = IndexOf(name);
        if (i >= 0) return i;
        var where = sourceName is null ? "" : $"{sourceName}: ";
        var hint = Text.Suggest.Nearest(name, _names) is { } near ? $"; did you mean '{near}'?" : "";
        throw new SnorkelerException($"{where}no column '{name}'{hint} (columns: {string.Join(", ", _names)})");
    }
}
