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

    private protected MatrixWriter(string path, LabelSchema schema, IReadOnlyList<string> lfNames)
    {
        Path = path;
        Schema = schema;
        LfNames = lfNames;
        _file = AtomicFile.Begin(path);
    }

    /// <summary>Starts writing <paramref name="path"/> in the format its extension names.</summary>
    public static MatrixWriter Create(string path, LabelSchema schema, IReadOnlyList<string> lfNames)
        => MatrixFile.FormatOf(path) switch
        {
            MatrixFormat.Binary => new BinaryMatrixWriter(path, schema, lfNames),
            MatrixFormat.Csv => new CsvMatrixWriter(path, schema, lfNames),
            MatrixFormat.Npy => new NpyMatrixWriter(path, schema, lfNames),
            _ => throw new SnorkelerException($"{path}: Wrench .json matrices are read-only; write .snkm, .csv or .npy"),
        };

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
        WriteBlock(block);
        RowCount += block.RowCount;
    }

    /// <summary>Finishes the file and moves it (with its schema sidecar, for .csv and .npy) into place, both or neither.</summary>
    public void Commit() => AtomicFile.Commit(Prepare());

    /// <summary>
    /// Finishes the content and writes the schema sidecar (for .csv and .npy), without publishing them: the files
    /// to pass to <see cref="AtomicFile.Commit(IReadOnlyList{PendingFile})"/>, with other files of the same unit.
    /// The caller then owns them (disposing this writer no longer discards them; disposing them does).
    /// </summary>
    public IReadOnlyList<PendingFile> Prepare()
    {
        if (_prepared) throw new InvalidOperationException("the matrix was already prepared");
        _prepared = true;
        Finish();
        _file.Complete();
        if (!HasSidecar) return [_file];
        try
        {
            return [_file, MatrixFile.BeginSidecar(Path, Schema, LfNames)];
        }
        catch
        {
            _file.Dispose(); // both or neither
            throw;
        }
    }

    /// <summary>The matrix's content once <see cref="Prepare"/>d, before it is committed (to read it back).</summary>
    public string ContentPath => _file.TemporaryPath;

    /// <summary>Discards the file unless committed or handed over by <see cref="Prepare"/>.</summary>
    public void Dispose()
    {
        if (!_prepared) _file.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Writes one block.</summary>
    private protected abstract void WriteBlock(LabelMatrix block);

    /// <summary>Completes the content before it is flushed and moved.</summary>
    private protected virtual void Finish() { }

    /// <summary>True for formats whose class and LF names travel in a schema sidecar.</summary>
    private protected virtual bool HasSidecar => false;
}

internal sealed class CsvMatrixWriter : MatrixWriter
{
    private readonly StreamWriter _text;

    public CsvMatrixWriter(string path, LabelSchema schema, IReadOnlyList<string> lfNames) : base(path, schema, lfNames)
    {
        _text = new StreamWriter(Stream, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
        _text.WriteLine(string.Join(",", lfNames.Select(Quote)));
    }

    private protected override void WriteBlock(LabelMatrix block)
    {
        Span<char> digits = stackalloc char[8];
        for (var i = 0; i < block.RowCount; i++)
        {
            for (var j = 0; j < block.LfCount; j++)
            {
                if (j > 0) _text.Write(',');
                block[i, j].TryFormat(digits, out var n, default, System.Globalization.CultureInfo.InvariantCulture);
                _text.Write(digits[..n]);
            }
            _text.Write('\n');
        }
    }

    private protected override void Finish() => _text.Flush();

    private protected override bool HasSidecar => true;

    internal static string Quote(string s)
        => s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
}
