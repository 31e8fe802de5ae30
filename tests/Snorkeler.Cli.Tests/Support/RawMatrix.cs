using System.Text;

namespace Snorkeler.Cli.Tests.Support;

/// <summary>
/// Writes matrix files byte by byte, without the checks of Snorkeler's own writers, so that tests can hand the
/// readers the damage a real file may carry: votes that are not classes, wrong row counts, bytes past the end.
/// </summary>
internal static class RawMatrix
{
    /// <summary>
    /// A version-1 <c>.snkm</c> with one-byte votes in one block, and <paramref name="gold"/> labels when given;
    /// <paramref name="rowCount"/> overrides the header's row count, <paramref name="lfNameBytes"/> the LF names' UTF-8.
    /// </summary>
    public static byte[] Snkm(string[] classes, string[] lfs, sbyte[][] rows, short[]? gold = null, long? rowCount = null, byte[][]? lfNameBytes = null)
    {
        using var bytes = new MemoryStream();
        using var w = new BinaryWriter(bytes);
        w.Write("SNKM"u8);
        w.Write((ushort)1);
        w.Write((ushort)1);
        w.Write((byte)(gold is null ? 0 : 1));
        w.Write(classes.Length);
        foreach (var c in classes) WriteName(w, Encoding.UTF8.GetBytes(c));
        w.Write(lfs.Length);
        for (var j = 0; j < lfs.Length; j++) WriteName(w, lfNameBytes?[j] ?? Encoding.UTF8.GetBytes(lfs[j]));
        w.Write(rowCount ?? rows.Length);
        w.Write(rows.Length);
        foreach (var row in rows)
        foreach (var v in row) w.Write(v);
        foreach (var g in gold ?? []) w.Write(g);
        w.Write(0);
        w.Flush();
        return bytes.ToArray();
    }

    /// <summary>A version-1 <c>.npy</c> of int8 votes, rows × LFs, under the header dict numpy writes for them or <paramref name="dict"/>.</summary>
    public static byte[] Npy(sbyte[][] rows, string? dict = null)
    {
        var header = dict ?? $"{{'descr': '|i1', 'fortran_order': False, 'shape': ({rows.Length}, {rows[0].Length}), }}";
        var aligned = (10 + header.Length + 1 + 63) / 64 * 64;
        header = header.PadRight(aligned - 10 - 1) + "\n";
        using var bytes = new MemoryStream();
        using var w = new BinaryWriter(bytes);
        w.Write(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 });
        w.Write((ushort)header.Length);
        w.Write(Encoding.ASCII.GetBytes(header));
        foreach (var row in rows)
        foreach (var v in row) w.Write(v);
        w.Flush();
        return bytes.ToArray();
    }

    private static void WriteName(BinaryWriter w, byte[] utf8)
    {
        w.Write(utf8.Length);
        w.Write(utf8);
    }
}
