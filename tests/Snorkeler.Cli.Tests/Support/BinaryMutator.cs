using System.Buffers.Binary;
using System.Text;

namespace Snorkeler.Cli.Tests.Support;

/// <summary>
/// Damage that knows a binary format's layout, beside <see cref="DataMutator"/>'s byte and line edits: for Parquet, the
/// magic at either end, the footer length, bytes flipped or set inside the footer (the schema and row groups) and inside
/// the pages, and cuts inside each; for NumPy's .npy, the magic, the version, the header length, the header dict's
/// dtype, order and shape rewritten, its punctuation damaged, and the data cut short or followed by more bytes.
/// </summary>
internal static class BinaryMutator
{
    /// <summary><paramref name="count"/> mutants of the Parquet file <paramref name="source"/> drawn with <paramref name="seed"/>.</summary>
    public static IEnumerable<DataMutant> Parquet(byte[] source, int seed, int count)
    {
        var random = new Random(seed);
        var footerLength = BinaryPrimitives.ReadInt32LittleEndian(source.AsSpan(source.Length - 8));
        var footer = source.Length - 8 - footerLength;
        for (var n = 0; n < count; n++)
        {
            var inFooter = random.Next(footer, source.Length - 8);
            var inPages = random.Next(4, footer);
            yield return random.Next(12) switch
            {
                0 => DataMutant.Of("empty", source, []),
                1 => Set("wrong magic at the start", source, random.Next(4), (byte)random.Next(256)),
                2 => Set("wrong magic at the end", source, source.Length - 1 - random.Next(4), (byte)random.Next(256)),
                3 => Forge("footer length", source, source.Length - 8, Forged[random.Next(Forged.Length)]),
                4 => Set("footer byte set", source, inFooter, (byte)random.Next(256)),
                5 => Set("footer bit flipped", source, inFooter, (byte)(source[inFooter] ^ (1 << random.Next(8)))),
                6 => Set("page byte set", source, inPages, (byte)random.Next(256)),
                7 => Set("page bit flipped", source, inPages, (byte)(source[inPages] ^ (1 << random.Next(8)))),
                8 => DataMutant.Of("cut in the footer", source, source[..inFooter]),
                9 => DataMutant.Of("cut in the pages", source, source[..inPages]),
                10 => Forge("footer int forged", source, Math.Min(inFooter, source.Length - 12), Forged[random.Next(Forged.Length)]),
                _ => DataMutant.Of("footer bytes deleted", source, [.. source.AsSpan(0, inFooter), .. source.AsSpan(Math.Min(source.Length, inFooter + random.Next(1, 9)))]),
            };
        }
    }

    /// <summary><paramref name="count"/> mutants of the .npy file <paramref name="source"/> (format 1.0) drawn with <paramref name="seed"/>.</summary>
    public static IEnumerable<DataMutant> Npy(byte[] source, int seed, int count)
    {
        var random = new Random(seed);
        var headerEnd = 10 + BinaryPrimitives.ReadUInt16LittleEndian(source.AsSpan(8));
        var header = Encoding.Latin1.GetString(source, 10, headerEnd - 10);
        for (var n = 0; n < count; n++)
        {
            var data = random.Next(headerEnd, source.Length);
            yield return random.Next(12) switch
            {
                0 => Set("wrong magic", source, random.Next(6), (byte)random.Next(256)),
                1 => Set("version", source, 6 + random.Next(2), (byte)random.Next(5)),
                2 => Forge16("header length", source, random.Next(2) == 0 ? random.Next(0, 200) : random.Next(65536)),
                3 => Header(source, headerEnd, header, "dtype", "'|i1'", Dtypes[random.Next(Dtypes.Length)]),
                4 => Header(source, headerEnd, header, "fortran order", "False", random.Next(2) == 0 ? "True" : "1"),
                5 => Header(source, headerEnd, header, "shape", Shape(header), Shapes(header)[random.Next(Shapes(header).Length)]),
                6 => Header(source, headerEnd, header, "punctuation", Punctuation[random.Next(Punctuation.Length)], Strays[random.Next(Strays.Length)]),
                7 => DataMutant.Of("data cut short", source, source[..data]),
                8 => DataMutant.Of("data followed by more", source, [.. source, .. Enumerable.Repeat((byte)random.Next(256), random.Next(1, 40))]),
                9 => Set("vote set", source, data, (byte)random.Next(256)),
                10 => DataMutant.Of("cut in the header", source, source[..random.Next(headerEnd)]),
                _ => Header(source, headerEnd, header, "key", Keys[random.Next(Keys.Length)], Keys[random.Next(Keys.Length)] + "x"),
            };
        }
    }

    private static readonly int[] Forged = [int.MaxValue, int.MinValue, -1, 0, 1, 12, 65536];
    private static readonly string[] Dtypes = ["'<i2'", "'<i4'", "'<i8'", "'|u1'", "'>i2'", "'<f8'", "'|b1'", "'<U1'", "'O'", "''", "'|i1"];
    private static readonly string[] Punctuation = ["{", "}", ":", ",", "(", ")", "'"];
    private static readonly string[] Strays = ["", " ", ",,", "[", "}}", "\"", "\n"];
    private static readonly string[] Keys = ["'descr'", "'fortran_order'", "'shape'"];

    private static string Shape(string header) => header[header.IndexOf('(', StringComparison.Ordinal)..(header.IndexOf(')', StringComparison.Ordinal) + 1)];

    /// <summary>Other shapes for the header's (n, m): a row or a column more or fewer, swapped, 1-D, 3-D, zero, huge, negative, not a number.</summary>
    private static string[] Shapes(string header)
    {
        var dims = Shape(header).Trim('(', ')').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(long.Parse).ToArray();
        var (n, m) = (dims[0], dims.Length > 1 ? dims[1] : 1);
        return [$"({n + 1}, {m})", $"({n - 1}, {m})", $"({n}, {m + 1})", $"({m}, {n})", $"({n * m},)", $"({n}, {m}, 1)", $"({n}, 0)", $"(0, {m})",
            $"({long.MaxValue}, {m})", $"(99999999999999999999, {m})", $"({n}, {int.MaxValue + 1L})", $"(-{n}, {m})", $"({n}L, {m})", "()", $"({n}.0, {m})"];
    }

    private static DataMutant Set(string kind, byte[] source, int at, byte value)
    {
        var bytes = source.ToArray();
        bytes[at] = value;
        return DataMutant.Of(kind, source, bytes);
    }

    private static DataMutant Forge(string kind, byte[] source, int at, int value)
    {
        var bytes = source.ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at), value);
        return DataMutant.Of(kind, source, bytes);
    }

    private static DataMutant Forge16(string kind, byte[] source, int value)
    {
        var bytes = source.ToArray();
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)value);
        return DataMutant.Of(kind, source, bytes);
    }

    /// <summary>The header with the first <paramref name="old"/> replaced by <paramref name="by"/>, padded or cut so the data stays where it was.</summary>
    private static DataMutant Header(byte[] source, int headerEnd, string header, string kind, string old, string by)
    {
        var at = header.IndexOf(old, StringComparison.Ordinal);
        if (at < 0) return DataMutant.Of(kind, source, source);
        var text = string.Concat(header.AsSpan(0, at), by, header.AsSpan(at + old.Length)).TrimEnd('\n');
        text = (text.Length >= header.Length ? text[..(header.Length - 1)] : text.PadRight(header.Length - 1)) + "\n";
        return DataMutant.Of(kind + $" {old} → {by}", source, [.. source.AsSpan(0, 10), .. Encoding.Latin1.GetBytes(text), .. source.AsSpan(headerEnd)]);
    }
}
