using System.Globalization;
using System.Text;
using Snorkeler.IO;

namespace Snorkeler.Studio;

/// <summary>
/// Labels a person gave rows in the studio, kept in a CSV file beside the data (<c>row,label</c>: the 1-based row
/// number in the data file and the class name). The file is read when the studio starts; every change rewrites it
/// atomically after reading it again, so labels another program added in the meantime are merged, not lost, in the
/// encoding it was saved in (a byte-order mark kept, as the LF files are). A file at that path that is not such a file is
/// never overwritten: the studio refuses to start, and a label given then is refused, naming it.
/// </summary>
internal sealed class HandLabels
{
    private const string Header = "row,label";

    /// <summary>The largest labels file read: several million labels, far more than a person gives.</summary>
    private const long MaxFileBytes = 64 << 20;

    private SortedDictionary<long, string> _labels = [];
    private Dictionary<long, int> _lines = [];
    private (long Length, DateTime Written)? _stamp;

    public HandLabels(string path)
    {
        Path = System.IO.Path.GetFullPath(Guard.NotNull(path));
        Merge();
    }

    /// <summary>The labels file.</summary>
    public string Path { get; }

    /// <summary>Class name by 0-based row index in the data file.</summary>
    public IReadOnlyDictionary<long, string> Labels => _labels;

    /// <summary>The 1-based line of the file a row's label was read from, when it was read from the file.</summary>
    public int? LineOf(long row) => _lines.TryGetValue(row, out var line) ? line : null;

    /// <summary>
    /// Sets (or with null removes) the label of a row and writes the file; a write the file system refuses is refused
    /// (<see cref="StudioSession.CannotWrite"/>) and the labels stay those on disk.
    /// </summary>
    public void Set(long row, string? label)
    {
        Merge();
        var labels = new SortedDictionary<long, string>(_labels);
        if (label is null) labels.Remove(row);
        else labels[row] = label;
        var text = new StringBuilder(Header).Append('\n');
        var lines = new Dictionary<long, int>();
        foreach (var (r, l) in labels)
        {
            text.Append((r + 1).ToString(CultureInfo.InvariantCulture)).Append(',').Append(l).Append('\n');
            lines[r] = lines.Count + 2; // after the header, in row order, as written
        }
        try
        {
            using var pending = StudioSession.Prepare(Path, text.ToString());
            pending.Commit();
        }
        catch (Exception e) when (e is SnorkelerException or IOException or UnauthorizedAccessException)
        {
            throw StudioSession.NothingChanged("write the hand label", e.Message);
        }
        (_labels, _lines) = (labels, lines);
        _stamp = Stamp();
    }

    /// <summary>
    /// Reads the file again when it changed since it was last read or written, keeping this session's labels for rows it also
    /// labels. A file refused for a line takes none of its labels, those before the line neither.
    /// </summary>
    private void Merge()
    {
        var stamp = Stamp();
        if (stamp is null || stamp == _stamp) return;
        // As every input is read: within a limit, strict UTF-8 unless a byte-order mark names another encoding, no NUL.
        var lines = InputFile.ReadAllText(Path, MaxFileBytes, "a studio labels file").ReplaceLineEndings("\n").Split('\n');
        if (lines[0].Trim() != Header)
            throw SnorkelerException.InFile(Path, $"is not a studio labels file (its first line is not '{Header}'); move it away or pass another file with --labels");
        var labels = new SortedDictionary<long, string>(_labels);
        var lineOf = new Dictionary<long, int>(_lines);
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0) continue;
            var comma = line.IndexOf(',', StringComparison.Ordinal);
            var row = comma > 0 ? line.AsSpan(0, comma) : [];
            // long.TryParse takes trailing NULs for the end of the number ("12\0" was read as row 12).
            var held = Text.ControlCharacters.Held(row);
            if (comma <= 0 || held is not null || !long.TryParse(row, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1)
                throw SnorkelerException.InFile(Path, $"expected 'ROW,LABEL' with a row number from 1, got '{line}'{held}", i + 1);
            if (labels.TryAdd(number - 1, line[(comma + 1)..].Trim())) lineOf[number - 1] = i + 1;
        }
        (_labels, _lines, _stamp) = (labels, lineOf, stamp);
    }

    private (long, DateTime)? Stamp()
    {
        var info = new FileInfo(Path);
        return info.Exists ? (info.Length, info.LastWriteTimeUtc) : null;
    }
}
