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
        if (leading is not null)
        {
            WriteSlow(probabilities, labels, leading);
            return;
        }
        // Formatting the numbers is nearly all the cost: rows are formatted as UTF-8 in parallel slices, then
        // written in order (same text as the one-by-one path).
        _text.Flush();
        var rows = labels.Length;
        var slices = rows >= 2 * SliceRows && Environment.ProcessorCount > 1 ? (rows + SliceRows - 1) / SliceRows : 1;
        var outputs = new byte[slices][];
        var lengths = new int[slices];
        var p = probabilities.ToArray();
        var l = labels.ToArray();
        var k = _k;
        void Format(int slice)
        {
            var from = slice * (rows / slices);
            var to = slice == slices - 1 ? rows : (slice + 1) * (rows / slices);
            var buffer = new byte[Math.Max(64, (to - from) * (k * 26 + 16))];
            var used = 0;
            for (var i = from; i < to; i++)
            {
                for (var c = 0; c < k; c++)
                {
                    p[i * k + c].TryFormat(buffer.AsSpan(used), out var n, "R", CultureInfo.InvariantCulture);
                    used += n;
                    buffer[used++] = (byte)',';
                }
                l[i].TryFormat(buffer.AsSpan(used), out var m, default, CultureInfo.InvariantCulture);
                used += m;
                buffer[used++] = (byte)'\n';
            }
            outputs[slice] = buffer;
            lengths[slice] = used;
        }
        if (slices == 1) Format(0);
        else Parallel.For(0, slices, Format);
        for (var s = 0; s < slices; s++) _file.Stream.Write(outputs[s], 0, lengths[s]);
        Rows += rows;
    }

    private const int SliceRows = 8192;

    private void WriteSlow(ReadOnlySpan<double> probabilities, ReadOnlySpan<int> labels, Func<int, IEnumerable<string>> leading)
    {
        Span<char> buffer = stackalloc char[32];
        for (var i = 0; i < labels.Length; i++)
        {
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
