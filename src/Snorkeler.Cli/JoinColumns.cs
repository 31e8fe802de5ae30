using Snorkeler.Data;
using Snorkeler.IO;

namespace Snorkeler.Cli;

/// <summary>
/// The input columns a labels file carries so that its rows join back to the input: the id column (<c>--id-column</c>,
/// else a column named <c>id</c>, <c>uuid</c>, <c>key</c> or ending in <c>_id</c>) and <c>--keep-columns</c>, read
/// from the data in row order beside the predictions.
/// </summary>
internal sealed class JoinColumns
{
    private static readonly string[] IdNames = ["id", "_id", "uuid", "key"];

    public static readonly OptionSpec IdOption = new("--id-column", "NAME", "the input column copied into the labels as the rows' id (default: a column named id or ending in _id, if any)");

    public static readonly OptionSpec KeepOption = new("--keep-columns", "A,B,...", "input columns copied into the labels beside each row (e.g. subject,body)");

    private readonly int[] _columns;

    private JoinColumns(int[] columns, IReadOnlyList<string> names)
    {
        _columns = columns;
        Names = names;
    }

    /// <summary>No columns: the labels have row numbers only.</summary>
    public static JoinColumns None { get; } = new([], []);

    /// <summary>The output names of the carried columns, in order (the id first).</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The columns <paramref name="args"/> ask for in <paramref name="data"/>; a column the data lacks is an error naming the nearest.</summary>
    public static JoinColumns From(Args args, IDataSource data)
    {
        var columns = new List<int>();
        var names = new List<string>();
        if (args.Value("--id-column") is { } id) columns.Add(data.RequireColumn(id));
        else
        {
            for (var i = 0; i < data.Schema.Count; i++)
            {
                var n = data.Schema.Names[i];
                if (!IdNames.Contains(n, StringComparer.OrdinalIgnoreCase) && !n.EndsWith("_id", StringComparison.OrdinalIgnoreCase)) continue;
                columns.Add(i);
                break;
            }
        }
        names.AddRange(columns.Select(c => data.Schema.Names[c]));
        foreach (var name in (args.Value("--keep-columns") ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var i = data.RequireColumn(name);
            if (columns.Contains(i)) continue;
            columns.Add(i);
            // A column asked for by its name in the file (CONTENT, read by the LFs as text) keeps that name in the output.
            names.Add(string.Equals(name, data.Schema.Names[i], StringComparison.OrdinalIgnoreCase) ? data.Schema.Names[i] : data.Schema.FileName(i));
        }
        return new JoinColumns(columns.ToArray(), names.ToArray());
    }

    /// <summary>The labels layout: row numbers, these columns, class names.</summary>
    public LabelsLayout Layout => new() { Keys = Names };

    /// <summary>The carried values of every row of <paramref name="data"/>, in row order (null for a missing value).</summary>
    public IEnumerable<string?[]> Read(IDataSource data)
    {
        if (_columns.Length == 0) yield break;
        foreach (var batch in data.ReadBatches(IMatrixSource.DefaultBlockRows))
            for (var i = 0; i < batch.Count; i++)
            {
                var values = new string?[_columns.Length];
                for (var q = 0; q < _columns.Length; q++)
                    values[q] = batch.IsMissing(i, _columns[q]) ? null : batch.Text(i, _columns[q]).ToString();
                yield return values;
            }
    }

    /// <summary>
    /// Collects the rows of one block that go into the labels file (the row number, the carried values, the
    /// probabilities and the hard label), and writes them.
    /// </summary>
    public sealed class Block(int keys)
    {
        // Plain arrays reused from block to block: a million rows' probabilities go through here.
        private readonly List<string?>[] _keys = Enumerable.Range(0, keys).Select(_ => new List<string?>()).ToArray();
        private long[] _rows = new long[1024];
        private double[] _probabilities = new double[1024];
        private int[] _labels = new int[1024];
        private int _count;
        private int _probabilityCount;

        public void Add(long row, string?[]? values, ReadOnlySpan<double> probabilities, int label)
        {
            if (_count == _rows.Length)
            {
                Array.Resize(ref _rows, _count * 2);
                Array.Resize(ref _labels, _count * 2);
            }
            if (_probabilityCount + probabilities.Length > _probabilities.Length)
                Array.Resize(ref _probabilities, Math.Max(_probabilities.Length * 2, _probabilityCount + probabilities.Length));
            _rows[_count] = row;
            _labels[_count] = label;
            _count++;
            for (var q = 0; q < _keys.Length; q++) _keys[q].Add(values![q]);
            probabilities.CopyTo(_probabilities.AsSpan(_probabilityCount));
            _probabilityCount += probabilities.Length;
        }

        public void WriteTo(LabelsWriter writer)
        {
            writer.Write(_rows.AsSpan(0, _count), _keys, _probabilities.AsSpan(0, _probabilityCount), _labels.AsSpan(0, _count));
            foreach (var k in _keys) k.Clear();
            _count = 0;
            _probabilityCount = 0;
        }
    }
}
