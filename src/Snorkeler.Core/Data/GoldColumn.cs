using System.Globalization;

namespace Snorkeler.Data;

/// <summary>
/// A data column holding gold (true) labels, and how its cells become labels: a class name (exactly, else
/// ignoring case when that picks one class), or a class number (<c>1</c>, or <c>1.0</c> as pandas writes it). A cell that
/// is both a class's name and another class's number (<c>1</c> among classes named <c>1</c> to <c>5</c>) is the class it
/// names, <c>1.0</c> too, and the first such cell is warned of (<see cref="Warn"/>); an empty cell, a missing value or <c>-1</c> is
/// "no gold label" (<see cref="LabelSchema.Abstain"/>). Anything else is an error naming the file, the line and
/// the nearest class, or the control character a cell holds (<c>1\0</c>, which <c>int.TryParse</c> read as 1). The same rules serve every command and every format, so gold written as names in one file
/// and as numbers in another means the same.
/// </summary>
public sealed class GoldColumn
{
    private readonly Dictionary<string, int> _ignoreCase;

    /// <summary>A gold column named <paramref name="name"/> whose labels are classes of <paramref name="schema"/>.</summary>
    public GoldColumn(string name, LabelSchema schema)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("a gold column needs a name", nameof(name));
        Name = name;
        Schema = Guard.NotNull(schema);
        _ignoreCase = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var ambiguous = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var c = 0; c < schema.Cardinality; c++)
            if (!_ignoreCase.TryAdd(schema.ClassNames[c], c)) ambiguous.Add(schema.ClassNames[c]);
        foreach (var name2 in ambiguous) _ignoreCase.Remove(name2); // "ham" and "HAM" both classes: only exact names pick one
    }

    /// <summary>The column's name, as the user wrote it.</summary>
    public string Name { get; }

    /// <summary>The classes the labels name.</summary>
    public LabelSchema Schema { get; }

    /// <summary>
    /// Receives, once, a warning naming the source, line, column and value of the first cell <see cref="Parse"/> reads
    /// that is both a class's name and another class's number: it is read as the class it names, which a column
    /// written with class numbers did not mean. Null: no warning.
    /// </summary>
    public Action<string>? Warn { get; init; }

    private int _warned;

    /// <summary>The label a cell stands for, or null when it names no class (see the class summary).</summary>
    public int? TryParse(ReadOnlySpan<char> cell)
    {
        var text = cell.Trim();
        if (text.IsEmpty) return LabelSchema.Abstain;
        // int.TryParse takes trailing NULs for the end of the number ("1\0" was read as 1), and no class name holds a control character.
        if (Text.ControlCharacters.First(text) >= 0) return null;
        if (ByName(text.ToString()) is { } named) return named;
        // pandas writes an integer column that has missing values as floats ("1.0", and "" for NaN): a zero fraction is
        // still the number it ends, which a class's name wins over as it does over "1".
        var whole = WithoutZeroFraction(text);
        if (whole.Length < text.Length && ByName(whole.ToString()) is { } wholeNamed) return wholeNamed;
        if (whole.SequenceEqual("-1")) return LabelSchema.Abstain;
        return Number(whole);
    }

    /// <summary>The class named <paramref name="text"/> exactly, else ignoring case when that picks one class; null when none.</summary>
    private int? ByName(string text) => Schema.LabelOf(text) ?? (_ignoreCase.TryGetValue(text, out var label) ? label : null);

    /// <summary>The class numbered <paramref name="text"/> (digits only), or null.</summary>
    private int? Number(ReadOnlySpan<char> text)
        => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number < Schema.Cardinality ? number : null;

    /// <summary><paramref name="text"/> without a fraction of zeros (<c>1.0</c> → <c>1</c>), else unchanged.</summary>
    internal static ReadOnlySpan<char> WithoutZeroFraction(ReadOnlySpan<char> text)
    {
        var dot = text.IndexOf('.');
        return dot > 0 && dot < text.Length - 1 && !text[(dot + 1)..].ContainsAnyExcept('0') ? text[..dot] : text;
    }

    /// <summary>The label of a cell, or a <see cref="SnorkelerException"/> naming <paramref name="source"/>, its line and the nearest class.</summary>
    public int Parse(ReadOnlySpan<char> cell, string source, long? line = null) => ParseAt(cell, source, line, rowInFile: null);

    /// <summary>
    /// <see cref="Parse(ReadOnlySpan{char}, string, long?)"/>; in a format without lines (Parquet) the error names the cell's
    /// <paramref name="rowInFile"/>, as the Parquet reader names a row.
    /// </summary>
    private int ParseAt(ReadOnlySpan<char> cell, string source, long? line, long? rowInFile)
    {
        var label = TryParse(cell) ?? throw SnorkelerException.InFile(source, rowInFile is { } r
            ? Problem(cell.Trim().ToString(), string.Create(CultureInfo.InvariantCulture, $"column '{Name}', row {r} (the first row is 1)"))
            : Problem(cell.Trim().ToString()), line);
        if (Warn is not null && label >= 0 && Number(WithoutZeroFraction(cell.Trim())) is { } number && number != label
            && Interlocked.Exchange(ref _warned, 1) == 0)
        {
            var text = cell.Trim().ToString();
            Warn(Text.Printable.OneLine($"{(line is { } l ? $"{source}({l})" : source)}: column '{Name}': '{text}' names class '{Schema.NameOf(label)}' "
                + $"and is also the number of class '{Schema.NameOf(number)}'; a gold label that names a class is read as that class, "
                + "so write the column's labels as class names, not numbers"));
        }
        return label;
    }

    /// <summary>
    /// Why a cell is not a gold label: <c>column 'category': 'Billng' is not a class (...); did you mean 'Billing'?</c>, or,
    /// for a cell holding a control character, <c>column 'category': '1\u0000' is not a class (...): it holds the control character U+0000</c>.
    /// </summary>
    public string Problem(string cell) => Problem(cell, $"column '{Name}'");

    /// <summary><see cref="Problem(string)"/> with <paramref name="where"/> (<c>column 'category', row 3 (the first row is 1)</c>) before the cell.</summary>
    private string Problem(string cell, string where)
    {
        var classes = string.Join(", ", Schema.ClassNames);
        var why = Text.ControlCharacters.Held(cell) ?? Text.Suggest.DidYouMean(cell, Schema.ClassNames);
        return $"{where}: '{cell}' is not a class ({classes}) or a class number 0..{Schema.Cardinality - 1}{why}";
    }

    /// <summary>The index of the column in <paramref name="data"/>, or an error naming the data and the nearest column.</summary>
    public int IndexIn(IDataSource data)
    {
        Guard.NotNull(data);
        var i = data.Schema.IndexOf(Name);
        if (i >= 0) return i;
        var hint = Loading.DataHints.Of(data).ColumnHint(Name, data.Schema.Names);
        throw SnorkelerException.InFile(data.Name, $"no gold column '{Name}'{hint} (columns: {data.Schema.Listed})");
    }

    /// <summary>
    /// The gold labels of every row of <paramref name="data"/>, batch by batch in row order (constant memory):
    /// each array holds one label per row of its batch.
    /// </summary>
    public IEnumerable<int[]> Read(IDataSource data, int rowsPerBatch = IMatrixSource.DefaultBlockRows)
    {
        var column = IndexIn(data);
        foreach (var batch in data.ReadBatches(rowsPerBatch))
        {
            var labels = new int[batch.Count];
            for (var i = 0; i < batch.Count; i++)
                labels[i] = batch.IsMissing(i, column) ? LabelSchema.Abstain : Label(batch, i, column, data.Name);
            yield return labels;
        }
    }

    /// <summary>
    /// The label of a row's cell, or an error naming its file and line, or, in a format without lines (Parquet), its row
    /// in that file, as the Parquet reader names a row.
    /// </summary>
    private int Label(RowBatch batch, int row, int column, string dataName)
    {
        var line = batch.LineOf(row);
        return ParseAt(batch.Text(row, column), batch.SourceName ?? dataName, line, line is null ? batch.RowInFile(row) : null);
    }

    /// <summary>
    /// A reader of <paramref name="data"/>'s gold labels in row order that hands them out in runs of any length,
    /// so they can be joined to label-matrix blocks as those arrive (<see cref="GoldCursor.Attach"/>).
    /// </summary>
    public GoldCursor Cursor(IDataSource data) => new(Read(data));
}

/// <summary>Gold labels read in row order and handed out in runs that match label-matrix blocks.</summary>
public sealed class GoldCursor : IDisposable
{
    private readonly IEnumerator<int[]> _batches;
    private int[] _current = [];
    private int _used;

    internal GoldCursor(IEnumerable<int[]> batches) => _batches = batches.GetEnumerator();

    /// <summary>A cursor over gold labels given in runs (one array per batch, in row order).</summary>
    public static GoldCursor From(IEnumerable<int[]> batches) => new(Guard.NotNull(batches));

    /// <summary>Rows handed out so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Rows handed out that have a gold label.</summary>
    public long Labelled { get; private set; }

    /// <summary>The next <paramref name="count"/> rows' gold labels; an error when the data has fewer rows.</summary>
    public int[] Take(int count)
    {
        var labels = new int[count];
        var filled = 0;
        while (filled < count)
        {
            if (_used == _current.Length)
            {
                if (!_batches.MoveNext())
                    throw new SnorkelerException($"the gold labels ran out after {Rows + filled:N0} rows (did the data change during the run?)");
                _current = _batches.Current;
                _used = 0;
                continue;
            }
            var n = Math.Min(count - filled, _current.Length - _used);
            _current.AsSpan(_used, n).CopyTo(labels.AsSpan(filled));
            _used += n;
            filled += n;
        }
        Rows += count;
        foreach (var g in labels) if (g >= 0) Labelled++;
        return labels;
    }

    /// <summary>The block with the gold labels of its rows (the next <see cref="LabelMatrix.RowCount"/> rows).</summary>
    public LabelMatrix Attach(LabelMatrix block) => Guard.NotNull(block).WithGold(Take(block.RowCount));

    /// <inheritdoc />
    public void Dispose() => _batches.Dispose();
}
