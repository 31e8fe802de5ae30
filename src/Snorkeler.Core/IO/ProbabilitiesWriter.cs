using System.Globalization;
using System.Text;

namespace Snorkeler.IO;

/// <summary>
/// Writes probabilistic labels as CSV, atomically: a header with one <c>p_&lt;class&gt;</c> column per
/// class in class order and then <c>label</c> (the hard label, -1 = abstain), one line per row in row
/// order. Optional leading columns (such as the input's id) come first.
/// </summary>
public sealed class ProbabilitiesWriter : IDisposable
{
    private readonly PendingFile _file;
    private readonly StreamWriter _text;
    private readonly int _k;

    /// <summary>Starts the file; <paramref name="leadingColumns"/> are written before the probabilities.</summary>
    public ProbabilitiesWriter(string path, LabelSchema schema, IReadOnlyList<string>? leadingColumns = null)
    {
        _k = schema.Cardinality;
        _file = AtomicFile.Begin(path);
        _text = new StreamWriter(_file.Stream, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
        var header = (leadingColumns ?? []).Concat(schema.ClassNames.Select(c => "p_" + c)).Append("label");
        _text.WriteLine(string.Join(",", header.Select(CsvMatrixWriter.Quote)));
    }

    /// <summary>Rows written.</summary>
    public long Rows { get; private set; }

    /// <summary>Appends rows: probabilities row-major (rows × k) and one hard label per row; <paramref name="leading"/> gives each row's leading cells.</summary>
    public void Write(ReadOnlySpan<double> probabilities, ReadOnlySpan<int> labels, Func<int, IEnumerable<string>>? leading = null)
    {
        Span<char> buffer = stackalloc char[32];
        for (var i = 0; i < labels.Length; i++)
        {
            if (leading is not null)
                foreach (var cell in leading(i))
                {
                    _text.Write(CsvMatrixWriter.Quote(cell));
                    _text.Write(',');
                }
            for (var c = 0; c < _k; c++)
            {
                probabilities[i * _k + c].TryFormat(buffer, out var n, "R", CultureInfo.InvariantCulture);
                _text.Write(buffer[..n]);
                _text.Write(',');
            }
            labels[i].TryFormat(buffer, out var m, default, CultureInfo.InvariantCulture);
            _text.Write(buffer[..m]);
            _text.Write('\n');
        }
        Rows += labels.Length;
    }

    /// <summary>Moves the finished file into place.</summary>
    public void Commit()
    {
        _text.Flush();
        _file.Commit();
    }

    /// <summary>Discards the file unless committed.</summary>
    public void Dispose() => _file.Dispose();
}
