using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Snorkeler.IO;

/// <summary>
/// The header of a NumPy <c>.npy</c> file, read as strictly as <c>numpy.lib.format.read_array_header</c> reads it:
/// the magic, a format version numpy writes (1.0, 2.0 or 3.0), and a Python dict literal holding exactly the keys
/// <c>descr</c>, <c>fortran_order</c> and <c>shape</c>. The data after it must be exactly the bytes the shape and dtype
/// take: numpy itself ignores bytes past the array, but a matrix file with more (or fewer) is damaged, and a shape
/// that does not match the data would otherwise be read as another matrix.
/// </summary>
/// <param name="DataStart">The offset of the array's first byte.</param>
/// <param name="Width">Bytes per cell (1, 2, 4 or 8: little-endian signed integers).</param>
/// <param name="Shape">The array's dimensions.</param>
internal sealed record NpyHeader(long DataStart, int Width, long[] Shape)
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>The longest header dictionary read (numpy's own default limit, <c>max_header_size</c>, is 10,000).</summary>
    private const int MaxHeaderLength = 1 << 20;

    /// <summary>Reads and checks the header of the <paramref name="dimensions"/>-D array in <paramref name="stream"/>; throws naming <paramref name="path"/>.</summary>
    public static NpyHeader Read(string path, Stream stream, int dimensions)
    {
        SnorkelerException Bad(string message) => SnorkelerException.InFile(path, message);
        var prefix = new byte[12];
        stream.Position = 0;
        var got = stream.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false);
        if (got < 10 || !prefix.AsSpan(0, 6).SequenceEqual(Magic)) throw Bad("not a NumPy .npy file");
        var (major, minor) = (prefix[6], prefix[7]);
        long length;
        int lengthEnd;
        if (major == 1 && minor == 0) (length, lengthEnd) = (BinaryPrimitives.ReadUInt16LittleEndian(prefix.AsSpan(8)), 10);
        else if (major is 2 or 3 && minor == 0 && got == 12) (length, lengthEnd) = (BinaryPrimitives.ReadUInt32LittleEndian(prefix.AsSpan(8)), 12);
        else if (major is 2 or 3 && minor == 0) throw Bad("the .npy header is cut short (truncated?)");
        else throw Bad($"unsupported .npy format version {major}.{minor} (Snorkeler reads 1.0, 2.0 and 3.0, as numpy writes them)");
        if (length > stream.Length - lengthEnd)
            throw Bad($"the .npy header states {length:N0} bytes but the file has {stream.Length - lengthEnd:N0} after its first {lengthEnd} (truncated?)");
        if (length > MaxHeaderLength) throw Bad($"the .npy header is {length:N0} bytes long, more than the {MaxHeaderLength:N0} Snorkeler reads (damaged?)");
        var text = new byte[length];
        stream.Position = lengthEnd;
        stream.ReadExactly(text);
        // numpy writes the dict in Latin-1 up to version 2.0 and in UTF-8 from 3.0; the keys and values read here are ASCII either way
        var dict = new DictReader(path, (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(text)).Read();
        foreach (var key in new[] { "descr", "fortran_order", "shape" })
            if (!dict.ContainsKey(key)) throw Bad($"the .npy header has no '{key}' (a numpy header holds 'descr', 'fortran_order' and 'shape')");
        if (dict["descr"] is not string descr) throw Bad("the .npy header's 'descr' is not a dtype string");
        if (dict["fortran_order"] is not bool fortran) throw Bad("the .npy header's 'fortran_order' is neither True nor False");
        if (dict["shape"] is not long[] shape) throw Bad("the .npy header's 'shape' is not a tuple of whole numbers");
        var width = descr switch
        {
            // A byte has no byte order: numpy writes '|i1', and reads '<i1', '>i1' and '=i1' as the same type.
            "|i1" or "<i1" or ">i1" or "=i1" or "i1" => 1,
            "<i2" => 2,
            "<i4" => 4,
            "<i8" => 8,
            _ => throw Bad($"dtype '{descr}' is not one read here: votes are signed little-endian integers, int8, int16, int32 or int64 ('<i1', '<i2', '<i4', '<i8'); convert them with numpy, e.g. numpy.save(path, L.astype('int8'))"),
        };
        var shown = Shown(shape);
        if (shape.Length != dimensions)
            throw Bad($"the array has shape {shown}; {(dimensions == 2 ? "a label matrix is 2-D, (rows, LFs)" : "gold labels are 1-D, (rows,)")}");
        if (fortran && dimensions > 1) throw Bad("Fortran-ordered arrays are not supported; save with numpy.ascontiguousarray");
        if (dimensions == 2 && shape[1] > int.MaxValue) throw Bad($"the array has shape {shown}: more columns than a label matrix can have LFs ({int.MaxValue:N0})");
        if (dimensions == 2 && shape[1] == 0 && shape[0] > 0) throw Bad($"the array has shape {shown}: no column, and a label matrix has one per LF");
        long needed;
        try { needed = shape.Aggregate((long)width, (product, d) => checked(product * d)); }
        catch (OverflowException) { throw Bad($"the array's shape {shown} is too large for any file"); }
        var data = stream.Length - lengthEnd - length;
        if (data < needed) throw Bad($"the file is truncated: shape {shown} of {descr} needs {needed:N0} data bytes, and it has {data:N0}");
        if (data > needed) throw Bad($"{data - needed:N0} byte{(data - needed == 1 ? "" : "s")} after the array's data, which shape {shown} of {descr} makes {needed:N0} bytes (a damaged or concatenated file?)");
        return new NpyHeader(lengthEnd + length, width, shape);
    }

    private static string Shown(long[] shape)
        => shape.Length == 1 ? $"({shape[0].ToString(CultureInfo.InvariantCulture)},)" : $"({string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture)))})";

    /// <summary>
    /// The Python literal numpy writes as the header: <c>{'key': value, ...}</c> with string, True/False and tuple-of-int
    /// values, then spaces and a line break. Anything else is an error saying where.
    /// </summary>
    private sealed class DictReader(string path, string text)
    {
        private int _at;

        public Dictionary<string, object> Read()
        {
            var dict = new Dictionary<string, object>(StringComparer.Ordinal);
            Expect('{');
            while (true)
            {
                Blanks();
                if (_at == text.Length) throw Bad("the dictionary is never closed (no '}')");
                if (Peek() == '}') break;
                var key = String();
                Blanks();
                Expect(':');
                Blanks();
                if (!dict.TryAdd(key, Value())) throw Bad($"it names '{key}' twice");
                Blanks();
                if (Peek() == ',') { _at++; continue; }
                if (Peek() != '}') throw Bad($"expected ',' or '}}' at character {_at + 1}, found {Found()}");
            }
            _at++;
            if (text.AsSpan(_at).TrimEnd(" \n\r\t\0").Length > 0) throw Bad($"{Found()} after the dictionary's '}}' at character {_at + 1}");
            var unknown = dict.Keys.FirstOrDefault(k => k is not ("descr" or "fortran_order" or "shape"));
            if (unknown is not null) throw Bad($"a key '{unknown}' numpy does not write");
            return dict;
        }

        private object Value()
        {
            if (Peek() is '\'' or '"') return String();
            if (Word("True")) return true;
            if (Word("False")) return false;
            if (Peek() != '(') throw Bad($"expected a string, True, False or a tuple at character {_at + 1}, found {Found()}");
            _at++;
            var dims = new List<long>();
            while (true)
            {
                Blanks();
                if (Peek() == ')') break;
                var start = _at;
                while (_at < text.Length && char.IsAsciiDigit(text[_at])) _at++;
                if (start == _at) throw Bad($"expected a whole number in the shape at character {_at + 1}, found {Found()}");
                if (!long.TryParse(text.AsSpan(start, _at - start), NumberStyles.None, CultureInfo.InvariantCulture, out var d))
                    throw Bad($"the shape's dimension {text[start.._at]} is too large for any file");
                dims.Add(d);
                Blanks();
                if (Peek() == ',') { _at++; continue; }
                if (Peek() != ')') throw Bad($"expected ',' or ')' in the shape at character {_at + 1}, found {Found()}");
            }
            _at++;
            return dims.ToArray();
        }

        private string String()
        {
            var quote = Peek();
            if (quote is not ('\'' or '"')) throw Bad($"expected a quoted key at character {_at + 1}, found {Found()}");
            var end = text.IndexOf(quote, _at + 1);
            if (end < 0) throw Bad($"a string at character {_at + 1} is never closed");
            var value = text[(_at + 1)..end];
            _at = end + 1;
            return value;
        }

        private bool Word(string word)
        {
            if (!text.AsSpan(_at).StartsWith(word, StringComparison.Ordinal)) return false;
            _at += word.Length;
            return true;
        }

        private void Expect(char c)
        {
            if (Peek() != c) throw Bad($"expected '{c}' at character {_at + 1}, found {Found()}");
            _at++;
        }

        private void Blanks()
        {
            while (_at < text.Length && text[_at] is ' ' or '\t' or '\n' or '\r') _at++;
        }

        private char Peek() => _at < text.Length ? text[_at] : '\0';

        private string Found() => _at < text.Length ? $"'{text[_at]}'" : "the end of the header";

        private SnorkelerException Bad(string message) => SnorkelerException.InFile(path, $"damaged .npy header: {message}");
    }
}
