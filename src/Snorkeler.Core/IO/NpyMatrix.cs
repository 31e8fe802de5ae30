using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Snorkeler.IO;

/// <summary>
/// NumPy <c>.npy</c> (format version 1.0): a C-ordered int8 array of shape (n, m), int16 when the task
/// has more than 127 classes. Class and LF names travel in the <c>.schema.json</c> sidecar; without it,
/// LFs are named <c>lf_0</c>, ... and classes numbered up to the largest vote.
/// Load it in Python with <c>numpy.load(path)</c>.
/// </summary>
internal static partial class NpyMatrix
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Header bytes (magic, version, length, dict), padded so the data starts 64-byte aligned and n can be patched in place.</summary>
    internal const int HeaderBytes = 128;

    internal static byte[] Header(bool wide, long rows, int columns)
    {
        var dict = $"{{'descr': '{(wide ? "<i2" : "|i1")}', 'fortran_order': False, 'shape': ({rows.ToString(CultureInfo.InvariantCulture)}, {columns.ToString(CultureInfo.InvariantCulture)}), }}";
        var total = HeaderBytes;
        var dictLength = total - Magic.Length - 2 - 2;
        var padded = dict.PadRight(dictLength - 1) + "\n";
        var header = new byte[total];
        Magic.CopyTo(header, 0);
        header[6] = 1;
        header[7] = 0;
        header[8] = (byte)(dictLength & 0xFF);
        header[9] = (byte)(dictLength >> 8);
        Encoding.ASCII.GetBytes(padded, 0, padded.Length, header, 10);
        return header;
    }

    public static LabelMatrix Read(string path)
    {
        byte[] bytes;
        try { bytes = InputFile.ReadAllBytes(path, Array.MaxLength, "a .npy matrix"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw SnorkelerException.InFile(path, e.Message); }
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic))
            throw SnorkelerException.InFile(path, "not a NumPy .npy file");
        int headerLength, dataStart;
        if (bytes[6] == 1) { headerLength = bytes[8] | bytes[9] << 8; dataStart = 10 + headerLength; }
        else if (bytes.Length >= 12) { headerLength = BitConverter.ToInt32(bytes, 8); dataStart = 12 + headerLength; }
        else throw SnorkelerException.InFile(path, "damaged .npy header");
        if (dataStart > bytes.Length) throw SnorkelerException.InFile(path, "damaged .npy header (truncated)");
        var dict = Encoding.ASCII.GetString(bytes, dataStart - headerLength, headerLength);
        var descr = DescrPattern().Match(dict);
        var shape = ShapePattern().Match(dict);
        if (!descr.Success || !shape.Success) throw SnorkelerException.InFile(path, "the .npy header has no dtype or 2-D shape");
        if (dict.Contains("'fortran_order': True", StringComparison.Ordinal))
            throw SnorkelerException.InFile(path, "Fortran-ordered arrays are not supported; save with numpy.ascontiguousarray");
        var rows = int.Parse(shape.Groups[1].Value, CultureInfo.InvariantCulture);
        var columns = int.Parse(shape.Groups[2].Value, CultureInfo.InvariantCulture);
        var width = descr.Groups[1].Value switch
        {
            "|i1" or "<i1" or "i1" => 1,
            "<i2" => 2,
            "<i4" => 4,
            "<i8" => 8,
            var d => throw SnorkelerException.InFile(path, $"dtype '{d}' is not a little-endian integer type"),
        };
        if ((long)rows * columns * width > bytes.Length - dataStart)
            throw SnorkelerException.InFile(path, $"the file is truncated: shape ({rows}, {columns}) needs {(long)rows * columns * width} data bytes");
        var votes = new int[(long)rows * columns];
        var data = bytes.AsSpan(dataStart);
        var max = -1;
        for (long i = 0; i < votes.LongLength; i++)
        {
            long v = width switch
            {
                1 => (sbyte)data[(int)i],
                2 => BitConverter.ToInt16(data.Slice((int)(i * 2), 2)),
                4 => BitConverter.ToInt32(data.Slice((int)(i * 4), 4)),
                _ => BitConverter.ToInt64(data.Slice((int)(i * 8), 8)),
            };
            if (v < -1 || v > short.MaxValue)
                throw SnorkelerException.InFile(path, $"row {i / columns}, LF {i % columns}: vote {v} is neither -1 nor a class number");
            votes[i] = (int)v;
            if (v > max) max = (int)v;
        }
        var (schema, names) = MatrixFile.ReadSidecar(path);
        schema ??= MatrixFile.InferSchema(max);
        names ??= Enumerable.Range(0, columns).Select(j => $"lf_{j}").ToArray();
        if (names.Length != columns) throw SnorkelerException.InFile(MatrixFile.SchemaSidecar(path), $"names {names.Length} LFs but the array has {columns} columns");
        if (max >= schema.Cardinality) throw SnorkelerException.InFile(path, $"a vote of {max} is out of range for classes {schema}");
        return LabelMatrix.Create(schema, names, votes);
    }

    [GeneratedRegex(@"'descr':\s*'([^']+)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'shape':\s*\(\s*(\d+)\s*,\s*(\d+)\s*,?\s*\)")]
    private static partial Regex ShapePattern();
}

internal sealed class NpyMatrixWriter : MatrixWriter
{
    private readonly bool _wide;

    public NpyMatrixWriter(string path, LabelSchema schema, IReadOnlyList<string> lfNames) : base(path, schema, lfNames)
    {
        _wide = schema.Cardinality > LabelMatrix.MaxNarrowCardinality;
        Stream.Write(NpyMatrix.Header(_wide, 0, lfNames.Count));
    }

    private protected override void WriteBlock(LabelMatrix block)
    {
        if (block.IsNarrow && !_wide)
        {
            Stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(block.NarrowVotes));
            return;
        }
        var buffer = new byte[block.LfCount * (_wide ? 2 : 1)];
        for (var i = 0; i < block.RowCount; i++)
        {
            for (var j = 0; j < block.LfCount; j++)
            {
                var v = block[i, j];
                if (_wide) BitConverter.TryWriteBytes(buffer.AsSpan(j * 2, 2), (short)v);
                else buffer[j] = (byte)(sbyte)v;
            }
            Stream.Write(buffer);
        }
    }

    private protected override void Finish()
    {
        Stream.Position = 0;
        Stream.Write(NpyMatrix.Header(_wide, RowCount, LfNames.Count));
        Stream.Seek(0, SeekOrigin.End);
    }

    private protected override bool HasSidecar => true;
}
