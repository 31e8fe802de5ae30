namespace Snorkeler.Data;

/// <summary>
/// What a data set's columns look like, for messages that help map the names LFs use to the data's columns: the
/// name a mistyped field probably means, and the free-text column a field such as <c>text</c> probably means.
/// </summary>
public static class ColumnGuess
{
    /// <summary>Rows looked at by <see cref="FreeTextColumn"/>.</summary>
    public const int SampleRows = 200;

    /// <summary>
    /// The column <paramref name="field"/> is probably a misspelling or variant of: the nearest name by edit
    /// distance (ignoring case), else the one column whose name contains it or is contained in it
    /// (<c>text</c> and <c>comment_text</c>); null when none is close.
    /// </summary>
    public static string? Similar(string field, IReadOnlyList<string> columns)
    {
        Guard.NotNull(field);
        Guard.NotNull(columns);
        if (Text.Suggest.Nearest(field, columns) is { } near) return near;
        var containing = columns.Where(c => c.Length > 0 && field.Length > 2
            && (c.Contains(field, StringComparison.OrdinalIgnoreCase) || field.Contains(c, StringComparison.OrdinalIgnoreCase))).ToList();
        return containing.Count == 1 ? containing[0] : null;
    }

    /// <summary>
    /// The column holding free text, when one stands out in the first <see cref="SampleRows"/> rows: the most words per
    /// cell on average, at least three, and half again as many as any other column (ids, dates, names and categories
    /// have one or two). Null when no column stands out or the data cannot be read.
    /// </summary>
    public static string? FreeTextColumn(IDataSource data)
    {
        Guard.NotNull(data);
        var m = data.Schema.Count;
        if (m == 0) return null;
        var words = new double[m];
        var cells = new int[m];
        try
        {
            var batch = data.ReadBatches(SampleRows).FirstOrDefault();
            if (batch is null) return null;
            for (var i = 0; i < batch.Count; i++)
            for (var c = 0; c < m; c++)
            {
                if (batch.IsMissing(i, c)) continue;
                cells[c]++;
                words[c] += WordCount(batch.Text(i, c));
            }
        }
        catch (SnorkelerException) { return null; }
        var mean = Enumerable.Range(0, m).Select(c => cells[c] == 0 ? 0 : words[c] / cells[c]).ToArray();
        var best = Array.IndexOf(mean, mean.Max());
        var second = Enumerable.Range(0, m).Where(c => c != best).Select(c => mean[c]).DefaultIfEmpty(0).Max();
        return mean[best] >= 3 && mean[best] >= 1.5 * second ? data.Schema.Names[best] : null;
    }

    /// <summary>
    /// What probably fixes a field the data lacks, as a message tail: <c>; did you mean 'body'?</c> for a typo of a
    /// column, of a constant among <paramref name="constants"/>, a <c>--column FIELD=COLUMN</c> mapping to a similar
    /// or the free-text column, a delimiter when the data has one column whose name holds one, a first JSON Lines line
    /// with every key when later lines have the field, or a header line when the first line is a row. Given the fields
    /// the LFs <paramref name="read"/>, a <c>--column</c> mapping whose new name no LF reads and is like
    /// <paramref name="field"/> is taken for a typo on the mapping's left side.
    /// </summary>
    public static string MissingFieldHint(string field, DataSchema columns, Loading.DataHints? data, IEnumerable<string>? constants = null,
        IEnumerable<string>? read = null)
    {
        Guard.NotNull(field);
        Guard.NotNull(columns);
        var names = columns.Names;
        if (read is not null && MisnamedMapping(field, columns, read) is { } mapping) return mapping;
        if (Text.Suggest.Nearest(field, names) is { } typo) return $"; did you mean '{typo}'?";
        if (constants is not null && Text.Suggest.Nearest(field, constants) is { } constant) return $"; did you mean the constant '{constant}'?";
        if (names.Count == 1 && CsvDialect.Candidates.FirstOrDefault(c => names[0].Contains(c, StringComparison.Ordinal)) is var d and not '\0')
            return $"; the data has one column, '{names[0]}': is it {CsvDialect.Describe(d)}-separated? (--delimiter {(d == '\t' ? "tab" : $"'{d}'")})";
        if (data?.LaterKeyHint(field) is { } later) return later;
        if (RowLikeName(names) is { } cell)
            return $"; the first line of {data?.Name ?? "the data"} looks like a row, not a header ({cell}): add a header line naming the columns";
        if (Similar(field, names) is { } similar) return $"; to read column '{similar}' as '{field}', add --column {Text.Listing.ShellWord($"{field}={similar}")}";
        if (data?.TextColumn is { } text) return $"; if column '{text}' holds it, add --column {Text.Listing.ShellWord($"{field}={text}")}";
        return $"; map a column to it with --column {Text.Listing.ShellWord($"{field}=COLUMN")}";
    }

    /// <summary>
    /// <c>; --column txt=CONTENT maps 'txt', which no LF reads; did you mean --column text=CONTENT?</c> when a column
    /// renamed by <c>--column</c> has a name no LF reads (ignoring case) that is like <paramref name="field"/>; else null.
    /// </summary>
    private static string? MisnamedMapping(string field, DataSchema columns, IEnumerable<string> read)
    {
        var readNames = new HashSet<string>(read, StringComparer.OrdinalIgnoreCase);
        var unread = Enumerable.Range(0, columns.Count)
            .Where(c => columns.FileName(c) != columns.Names[c] && !readNames.Contains(columns.Names[c]))
            .ToDictionary(c => columns.Names[c], columns.FileName, StringComparer.Ordinal);
        if (Similar(field, [.. unread.Keys]) is not { } alias) return null;
        var column = unread[alias];
        return $"; --column {Text.Listing.ShellWord($"{alias}={column}")} maps '{alias}', which no LF reads; did you mean --column {Text.Listing.ShellWord($"{field}={column}")}?";
    }

    /// <summary>
    /// Why a header reads as a data row (a file without a header line): one of its names is a number or a date and
    /// time (<c>'1' is a number</c>), which no one names a column; null for a plausible header. (A long sentence is a
    /// plausible name: survey exports name columns by their questions.)
    /// </summary>
    private static string? RowLikeName(IReadOnlyList<string> names)
    {
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        foreach (var name in names)
        {
            if (double.TryParse(name, System.Globalization.NumberStyles.Float, invariant, out _)) return $"'{name}' is a number";
            if (DateTime.TryParseExact(name, ["yyyy-MM-dd", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm:ss"], invariant,
                    System.Globalization.DateTimeStyles.None, out _))
                return $"'{name}' is a date";
        }
        return null;
    }

    private static int WordCount(ReadOnlySpan<char> text)
    {
        var count = 0;
        var inWord = false;
        foreach (var c in text)
        {
            var space = char.IsWhiteSpace(c);
            if (!space && !inWord) count++;
            inWord = !space;
        }
        return count;
    }
}
