using System.Text;

namespace Snorkeler.Data;

/// <summary>
/// Finds the field delimiter of a delimited text file from its header and first records, the way a person would:
/// the delimiter that splits the header into several columns and every record into as many. Spreadsheet programs
/// in many locales save ".csv" files with semicolons (the comma is their decimal separator), and tab-separated files
/// are often named ".csv" too; reading them with a comma gives one column named "id;subject;body".
/// </summary>
public static class CsvDialect
{
    /// <summary>The delimiters tried, in order of preference when several fit equally well.</summary>
    public static IReadOnlyList<char> Candidates { get; } = [',', ';', '\t', '|'];

    /// <summary>Characters of the file's start that are examined.</summary>
    private const int SampleChars = 64 * 1024;

    /// <summary>
    /// Characters read first. When the header and <see cref="SampleRecords"/> records fit in them under every candidate,
    /// the rest of the sample cannot change the answer (counting stops there), and it is not read: 64 K characters
    /// were a fresh 256 KB (the buffer and the string) at every start (docs/benchmarks.md, sixth pass).
    /// </summary>
    private const int FirstSampleChars = 8 * 1024;

    /// <summary>Records examined after the header.</summary>
    private const int SampleRecords = 100;

    /// <summary>The delimiter a file's extension suggests: tab for <c>.tsv</c>, comma otherwise.</summary>
    public static char Default(string path) => path.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase) ? '\t' : ',';

    /// <summary>A delimiter's name for messages: "comma", "semicolon", "tab", "'|'".</summary>
    public static string Describe(char delimiter) => delimiter switch
    {
        ',' => "comma",
        ';' => "semicolon",
        '\t' => "tab",
        '|' => "pipe",
        ' ' => "space",
        _ => $"'{delimiter}'",
    };

    /// <summary>
    /// The delimiter of <paramref name="path"/>: among <see cref="Candidates"/>, the one that splits the header into
    /// two or more fields and every sampled record into as many, preferring more fields, then the extension's default
    /// and the order of <see cref="Candidates"/>; when none fits every record, the one that fits the most. Quoted fields
    /// (RFC 4180: delimiters, doubled quotes and line breaks inside quotes) are honoured. A file with one column, or
    /// that cannot be read, gets the extension's default (the reader then reports any problem).
    /// </summary>
    public static char Detect(string path)
    {
        Guard.NotNull(path);
        var fallback = Default(path);
        List<int>[] counts;
        try
        {
            using var reader = new StreamReader(path, new UTF8Encoding(false, throwOnInvalidBytes: false), detectEncodingFromByteOrderMarks: true);
            var buffer = new char[FirstSampleChars];
            var read = reader.ReadBlock(buffer, 0, buffer.Length);
            var complete = reader.Peek() < 0;
            counts = FieldCounts(buffer.AsSpan(0, read), complete, fallback);
            // Unsettled while some candidate's count runs to the end of a full buffer: more of the file could change it.
            while (!complete && buffer.Length < SampleChars && counts.Any(c => c.Count <= SampleRecords))
            {
                Array.Resize(ref buffer, Math.Min(buffer.Length * 4, SampleChars));
                read += reader.ReadBlock(buffer, read, buffer.Length - read);
                complete = reader.Peek() < 0;
                counts = FieldCounts(buffer.AsSpan(0, read), complete, fallback);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return fallback; }
        return Choose(counts, fallback);
    }

    /// <summary>The delimiter of a file's first characters (<paramref name="complete"/>: they are the whole file).</summary>
    public static char Detect(string sample, bool complete, char fallback = ',')
        => Choose(FieldCounts(Guard.NotNull(sample), complete, fallback), fallback);

    /// <summary>The delimiters tried, in order of preference: the fallback, then the other <see cref="Candidates"/>.</summary>
    private static char[] Preference(char fallback) => [fallback, .. Candidates.Where(c => c != fallback)];

    /// <summary>The delimiter that the field counts of each delimiter of <see cref="Preference"/> (in that order) point to.</summary>
    private static char Choose(List<int>[] countsPerDelimiter, char fallback)
    {
        var preference = Preference(fallback);
        char? best = null;
        var bestFit = -1.0;
        var bestFields = 0;
        for (var at = 0; at < preference.Length; at++)
        {
            var candidate = preference[at];
            var counts = countsPerDelimiter[at];
            if (counts.Count == 0 || counts[0] < 2) continue;
            var header = counts[0];
            var records = counts.Count - 1;
            var fit = records == 0 ? 1.0 : (double)counts.Skip(1).Count(n => n == header) / records;
            if (fit > bestFit || (fit == bestFit && header > bestFields))
            {
                best = candidate;
                bestFit = fit;
                bestFields = header;
            }
        }
        return best ?? fallback;
    }

    /// <summary>The field counts (<see cref="FieldCounts(ReadOnlySpan{char}, char, bool)"/>) of each delimiter of <see cref="Preference"/>, in that order.</summary>
    private static List<int>[] FieldCounts(ReadOnlySpan<char> text, bool complete, char fallback)
    {
        var preference = Preference(fallback);
        var counts = new List<int>[preference.Length];
        for (var i = 0; i < counts.Length; i++) counts[i] = FieldCounts(text, preference[i], complete);
        return counts;
    }

    /// <summary>The number of fields of the header and of up to <see cref="SampleRecords"/> records after it (blank lines skipped).</summary>
    private static List<int> FieldCounts(ReadOnlySpan<char> text, char delimiter, bool complete)
    {
        var counts = new List<int>();
        var fields = 1;
        var inQuotes = false;
        var fieldStart = true;
        var empty = true;
        var i = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
        for (; i < text.Length && counts.Count <= SampleRecords; i++)
        {
            var c = text[i];
            if (inQuotes)
            {
                if (c != '"') continue;
                if (i + 1 < text.Length && text[i + 1] == '"') i++;
                else inQuotes = false;
                continue;
            }
            if (c is '\n' or '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                if (!empty) counts.Add(fields);
                fields = 1;
                fieldStart = true;
                empty = true;
                continue;
            }
            empty = false;
            if (c == delimiter)
            {
                fields++;
                fieldStart = true;
                continue;
            }
            if (c == '"' && fieldStart) inQuotes = true;
            fieldStart = false;
        }
        // The last record counts only when the sample holds all of it.
        if (!empty && complete && i >= text.Length && !inQuotes) counts.Add(fields);
        return counts;
    }
}
