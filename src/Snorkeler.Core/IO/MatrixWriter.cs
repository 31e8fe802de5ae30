using System.Text;

namespace Snorkeler.IO;

/// <summary>
/// Writes a label matrix block by block to a file, atomically: nothing appears at the destination
/// until <see cref="Commit"/>, and disposing without committing leaves the previous file (or none).
/// </summary>
public abstract class MatrixWriter : IDisposable
{
    private readonly PendingFile _file;
    private bool _prepared;

    private protected MatrixWriter(string path, LabelSchema schema, IReadOnlyList<string> lfNames, string? goldColumn)
    {
        Path = path;
        Schema = schema;
        LfNames = lfNames;
        GoldColumn = goldColumn;
        _file = AtomicFile.Begin(path);
    }

    /// <summary>
    /// Starts writing <paramref name="path"/> in the format its extension names. With <paramref name="goldColumn"/>
    /// every block must carry gold labels, which are stored with the votes: in a <c>.snkm</c> file's blocks, as the
    /// last column of a CSV matrix (named after the gold column, or <c>gold</c> when an LF has that name), in a
    /// NumPy matrix's <c>.gold.npy</c> file; the schema sidecar of a CSV or NumPy matrix says where they are.
    /// <paramref name="kinds"/> (one per source) is recorded when some source is an annotator; <paramref name="sparse"/>
    /// lets <c>.snkm</c> store sparse blocks as they are.
    /// </summary>
    public static MatrixWriter Create(string path, LabelSchema schema, IReadOnlyList<string> lfNames, string? goldColumn = null,
        IReadOnlyList<SourceKind>? kinds = null, bool sparse = false)
        => CheckExtension(path) switch
        {
            MatrixFormat.Binary => new BinaryMatrixWriter(path, schema, lfNames, goldColumn, kinds, sparse),
            MatrixFormat.Csv => new CsvMatrixWriter(path, schema, lfNames, goldColumn) { Kinds = kinds },
            _ => new NpyMatrixWriter(path, schema, lfNames, goldColumn) { Kinds = kinds },
        };

    /// <summary>The extensions a matrix is written with, each picking its format.</summary>
    public static readonly IReadOnlyList<string> Extensions = [".snkm", ".csv", ".npy"];

    /// <summary>
    /// The format a matrix written to <paramref name="path"/> gets, or an error naming the formats that can be written
    /// (reading takes more: Wrench splits and long-format answers), so a command can refuse the name before any work.
    /// </summary>
    public static MatrixFormat CheckExtension(string path) => MatrixFile.KnownFormat(path) switch
    {
        // A .tsv matrix is read (tab-separated, as its name says) but a CSV matrix is written with commas.
        MatrixFormat.Csv when System.IO.Path.GetExtension(path).Equals(".tsv", StringComparison.OrdinalIgnoreCase)
            => throw new SnorkelerException($"{path}: a .tsv matrix is read, not written; write .snkm, .csv or .npy"),
        MatrixFormat.Answers => throw new SnorkelerException($"{path}: long-format answers are read, not written; write .snkm, .csv or .npy"),
        MatrixFormat.Wrench => throw new SnorkelerException($"{path}: Wrench .json matrices are read-only; write .snkm, .csv or .npy"),
        { } format => format,
        null => throw OutputName.WithoutExtension(path, "matrix", Extensions)
            ?? new SnorkelerException($"{path}: unknown matrix format '{System.IO.Path.GetExtension(path).ToLowerInvariant()}' (a matrix is written as .snkm, .csv or .npy)"),
    };

    /// <summary>The name of the gold labels' column when the matrix stores gold labels, else null.</summary>
    public string? GoldColumn { get; }

    /// <summary>Each source's kind, recorded in the sidecar of CSV and NumPy files; null: all LFs.</summary>
    private protected IReadOnlyList<SourceKind>? Kinds { get; init; }

    /// <summary>The destination.</summary>
    public string Path { get; }

    /// <summary>The classes.</summary>
    public LabelSchema Schema { get; }

    /// <summary>The LF names.</summary>
    public IReadOnlyList<string> LfNames { get; }

    /// <summary>Rows written so far.</summary>
    public long RowCount { get; private set; }

    /// <summary>The stream being written.</summary>
    private protected Stream Stream => _file.Stream;

    /// <summary>Appends a block of rows.</summary>
    public void Write(LabelMatrix block)
    {
        if (block.LfCount != LfNames.Count) throw new ArgumentException($"the block has {block.LfCount} LFs, the file {LfNames.Count}", nameof(block));
        if (GoldColumn is not null && !block.HasGold && block.RowCount > 0) throw new ArgumentException("the matrix stores gold labels but the block has none", nameof(block));
        WriteBlock(block);
        RowCount += block.RowCount;
    }

    /// <summary>Finishes the file and moves it into place with its companions (the schema sidecar, NumPy gold labels): all or none.</summary>
    public void Commit() => AtomicFile.Commit(Prepare());

    /// <summary>
    /// Finishes the content and writes its companions (the schema sidecar of .csv and .npy, a NumPy matrix's gold
    /// labels) without publishing them: the files to pass to <see cref="AtomicFile.Commit(IReadOnlyList{PendingFile})"/>,
    /// with other files of the same unit. The caller then owns them (disposing this writer no longer discards them).
    /// </summary>
    public IReadOnlyList<PendingFile> Prepare()
    {
        if (_prepared) throw new InvalidOperationException("the matrix was already prepared");
        _prepared = true;
        try
        {
            Finish();
            _file.Complete();
            return [_file, .. Companions()];
        }
        catch
        {
            _file.Dispose(); // all or none
            Discard();
            throw;
        }
    }

    /// <summary>The matrix's content once <see cref="Prepare"/>d, before it is committed (to read it back).</summary>
    public string ContentPath => _file.TemporaryPath;

    /// <summary>Discards the file unless committed or handed over by <see cref="Prepare"/>.</summary>
    public void Dispose()
    {
        if (!_prepared)
        {
            _file.Dispose();
            Discard();
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>Writes one block.</summary>
    private protected abstract void WriteBlock(LabelMatrix block);

    /// <summary>Completes the content before it is flushed and moved.</summary>
    private protected virtual void Finish() { }

    /// <summary>The files committed with the matrix (sidecars), written but not committed.</summary>
    private protected virtual IEnumerable<PendingFile> Companions() => [];

    /// <summary>Discards companion files when the matrix is not committed.</summary>
    private protected virtual void Discard() { }
}

internal sealed class CsvMatrixWriter : MatrixWriter
{
    private readonly StreamWriter _text;
    private readonly string? _goldHeader;

    public CsvMatrixWriter(string path, LabelSchema schema, IReadOnlyList<string> lfNames, string? goldColumn) : base(path, schema, lfNames, goldColumn)
    {
        _text = new StreamWriter(Stream, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
        if (goldColumn is not null)
        {
            _goldHeader = goldColumn.Trim();
            while (_goldHeader.Length == 0 || lfNames.Any(n => string.Equals(n.Trim(), _goldHeader, StringComparison.OrdinalIgnoreCase)))
                _goldHeader = _goldHeader.Length == 0 ? "gold" : "_" + _goldHeader;
        }
        _text.WriteLine(string.Join(",", lfNames.Append(_goldHeader).OfType<string>().Select(Quote)));
    }

    private protected override void WriteBlock(LabelMatrix block)
    {
        Span<char> digits = stackalloc char[8];
        var row = new int[block.LfCount];
        for (var i = 0; i < block.RowCount; i++)
        {
            block.CopyRow(i, row);
            for (var j = 0; j < block.LfCount; j++)
            {
                if (j > 0) _text.Write(',');
                row[j].TryFormat(digits, out var n, default, System.Globalization.CultureInfo.InvariantCulture);
                _text.Write(digits[..n]);
            }
            if (_goldHeader is not null)
            {
                if (block.LfCount > 0) _text.Write(',');
                block.Gold(i).TryFormat(digits, out var n, default, System.Globalization.CultureInfo.InvariantCulture);
                _text.Write(digits[..n]);
            }
            _text.Write('\n');
        }
    }

    private protected override void Finish() => _text.Flush();

    private protected override IEnumerable<PendingFile> Companions() => [MatrixFile.BeginSidecar(Path, Schema, LfNames, _goldHeader, Kinds)];

    internal static string Quote(string s)
        => s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
}
