using System.Buffers;
using System.Text.Unicode;

namespace Snorkeler.Data;

/// <summary>Helpers for messages about text files.</summary>
internal static class TextFiles
{
    /// <summary>
    /// The error for a file that is not valid UTF-8, naming the line of the first bad byte (readers
    /// decode ahead of the row they report, so the line is found by scanning the bytes again). Lines end at LF;
    /// with <paramref name="loneCrEndsLine"/> (CSV, whose records also end at a lone CR) at a CR not followed by LF too.
    /// </summary>
    public static SnorkelerException InvalidUtf8(string path, bool loneCrEndsLine = false)
    {
        if (BinaryFormat(path) is { } binary) return SnorkelerException.InFile(path, binary);
        long line = 1;
        var pendingCr = false;
        try
        {
            using var stream = IO.InputFile.OpenRead(path);
            var buffer = new byte[1 << 16];
            var chars = new char[1 << 16];
            var carry = 0;
            int read;
            while ((read = stream.Read(buffer, carry, buffer.Length - carry)) > 0 || carry > 0)
            {
                var length = carry + read;
                var final = read == 0;
                var status = Utf8.ToUtf16(buffer.AsSpan(0, length), chars, out var consumed, out _, replaceInvalidSequences: false, isFinalBlock: final);
                line += loneCrEndsLine ? LineBreaks(buffer.AsSpan(0, consumed), ref pendingCr) : buffer.AsSpan(0, consumed).Count((byte)'\n');
                if (status == OperationStatus.InvalidData)
                {
                    if (pendingCr) line++; // the bad byte is not the LF of a CRLF
                    return SnorkelerException.InFile(path, $"invalid UTF-8 at byte {stream.Position - length + consumed} (save the file as UTF-8)", line);
                }
                carry = length - consumed;
                Buffer.BlockCopy(buffer, consumed, buffer, 0, carry);
                if (final) break;
            }
        }
        catch (IOException) { }
        return SnorkelerException.InFile(path, "invalid UTF-8 (save the file as UTF-8)");
    }

    /// <summary>
    /// What a file that is not text is, by the signature its first bytes hold, said with what to do (a compressed file or a
    /// workbook saved under a text file's name, which "save the file as UTF-8" would not help); null for none known.
    /// </summary>
    internal static string? BinaryFormat(string path)
    {
        Span<byte> head = stackalloc byte[10];
        int n;
        try
        {
            using var stream = IO.InputFile.OpenRead(path);
            n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SnorkelerException) { return null; }
        ReadOnlySpan<byte> b = head[..n];
        if (b.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B])) return Compressed("gzip", "gunzip");
        // "BZh" and "PAR1" are text too (a header "PAR1_score,..."): bzip2's block size digit and block or end mark follow, and
        // a Parquet file's first page header, a binary byte, follows its magic.
        if (b.Length == 10 && b.StartsWith("BZh"u8) && b[3] is >= (byte)'1' and <= (byte)'9'
            && (b[4..].SequenceEqual((ReadOnlySpan<byte>)[0x31, 0x41, 0x59, 0x26, 0x53, 0x59]) || b[4..].SequenceEqual((ReadOnlySpan<byte>)[0x17, 0x72, 0x45, 0x38, 0x50, 0x90])))
            return Compressed("bzip2", "bunzip2");
        if (b.StartsWith((ReadOnlySpan<byte>)[0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00])) return Compressed("xz", "unxz");
        if (b.StartsWith((ReadOnlySpan<byte>)[0x28, 0xB5, 0x2F, 0xFD])) return Compressed("zstd", "unzstd");
        if (b.StartsWith("PK\u0003\u0004"u8)) return "the file is a zip archive, not text (an Excel workbook, .xlsx, is one): save the sheet as CSV UTF-8, or unzip the file";
        if (b.StartsWith((ReadOnlySpan<byte>)[0xD0, 0xCF, 0x11, 0xE0])) return "the file is an Excel 97-2003 workbook (.xls), not text: save the sheet as CSV UTF-8";
        if (b.Length > 4 && b.StartsWith("PAR1"u8) && b[4] < 0x20 && b[4] is not ((byte)'\t' or (byte)'\n' or (byte)'\r')) return "the file is Parquet, not text: name it .parquet";
        return null;

        static string Compressed(string format, string tool) => $"the file is {format}-compressed, not text: decompress it first ({tool})";
    }

    /// <summary>LF, CRLF and lone CR line ends in <paramref name="bytes"/>; a CR ending one span is settled by the next.</summary>
    private static int LineBreaks(ReadOnlySpan<byte> bytes, ref bool pendingCr)
    {
        var breaks = 0;
        foreach (var b in bytes)
        {
            if (b == (byte)'\n') breaks++;
            else if (pendingCr) breaks++;
            pendingCr = b == (byte)'\r';
        }
        return breaks;
    }
}
