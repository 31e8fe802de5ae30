using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Snorkeler.Data;

namespace Snorkeler.IO;

/// <summary>The file formats a label matrix can be stored in, chosen by extension.</summary>
public enum MatrixFormat
{
    /// <summary><c>.snkm</c>: Snorkeler's binary format: self-describing, block-structured, one byte per vote.</summary>
    Binary,
    /// <summary><c>.csv</c>: header of LF names, integer labels, -1 for abstain; class names in a <c>.schema.json</c> sidecar.</summary>
    Csv,
    /// <summary><c>.npy</c>: a NumPy int8 (int16 past 127 classes) array of shape (n, m); names in a <c>.schema.json</c> sidecar.</summary>
    Npy,
    /// <summary><c>.json</c>: a Wrench split (read only): weak labels, gold labels, <c>label.json</c> class names.</summary>
    Wrench,
}

/// <summary>Reads and writes label matrices in every <see cref="MatrixFormat"/>.</summary>
public static class MatrixFile
{
    internal static readonly byte[] Magic = "SNKM"u8.ToArray();
    internal const ushort BinaryVersion = 1;

    /// <summary>The format a path's extension names.</summary>
    public static MatrixFormat FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".snkm" => MatrixFormat.Binary,
        ".csv" => MatrixFormat.Csv,
        ".npy" => MatrixFormat.Npy,
        ".json" => MatrixFormat.Wrench,
        var ext => throw new SnorkelerException($"{path}: unknown matrix format '{ext}' (expected .snkm, .csv, .npy, or a Wrench .json split)"),
    };

    /// <summary>The sidecar holding class and LF names for CSV and NumPy matrices.</summary>
    public static string SchemaSidecar(string path) => path + ".schema.json";

    /// <summary>
    /// Opens a matrix file for block-by-block reading. <paramref name="goldColumn"/> names a CSV column
    /// holding gold labels (it is then not an LF).
    /// </summary>
    public static IMatrixSource Open(string path, string? goldColumn = null) => Open(path, FormatOf(path), goldColumn);

    /// <summary>Opens a matrix file stored in <paramref name="format"/> whatever its name says (a temporary file).</summary>
    public static IMatrixSource Open(string path, MatrixFormat format, string? goldColumn = null)
    {
        InputFile.RequireRegular(path, "a matrix file");
        AtomicFile.CompleteInterruptedCommits(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".");
        return format switch
        {
            MatrixFormat.Binary => new BinaryMatrixSource(path),
            MatrixFormat.Wrench => WrenchFile.ReadMatrix(path),
            MatrixFormat.Csv => CsvMatrix.Read(path, goldColumn),
            _ => NpyMatrix.Read(path),
        };
    }

    /// <summary>Reads a whole matrix into memory.</summary>
    public static LabelMatrix Read(string path, string? goldColumn = null)
    {
        var source = Open(path, goldColumn);
        return source as LabelMatrix ?? Concat(source.ReadBlocks());
    }

    /// <summary>Writes a matrix (any number of blocks) atomically in the format its extension names.</summary>
    public static void Write(string path, IMatrixSource matrix)
    {
        using var writer = MatrixWriter.Create(path, matrix.Schema, matrix.LfNames);
        foreach (var block in matrix.ReadBlocks()) writer.Write(block);
        writer.Commit();
    }

    /// <summary>Joins consecutive blocks into one in-memory matrix.</summary>
    public static LabelMatrix Concat(IEnumerable<LabelMatrix> blocks)
    {
        LabelMatrixBuilder? builder = null;
        LabelMatrix? only = null;
        var count = 0;
        foreach (var block in blocks)
        {
            count++;
            if (count == 1) { only = block; continue; }
            if (builder is null)
            {
                builder = new LabelMatrixBuilder(only!.Schema, only.LfNames, only.RowCount * 2);
                Append(builder, only);
            }
            Append(builder, block);
        }
        if (only is null) throw new InvalidOperationException("no blocks");
        return builder?.Build() ?? only;

        static void Append(LabelMatrixBuilder builder, LabelMatrix block)
        {
            for (var i = 0; i < block.RowCount; i++)
            {
                var row = builder.AddRow();
                for (var j = 0; j < block.LfCount; j++)
                {
                    var v = block[i, j];
                    if (v != LabelSchema.Abstain) builder.Set(row, j, v);
                }
                if (block.HasGold) builder.SetGold(row, block.Gold(i));
            }
        }
    }

    /// <summary>The schema sidecar of <paramref name="path"/>, written but not yet committed.</summary>
    internal static PendingFile BeginSidecar(string path, LabelSchema schema, IReadOnlyList<string> lfNames)
        => AtomicFile.Prepare(SchemaSidecar(path), stream =>
        {
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            json.WriteStartObject();
            json.WriteString("format", "snorkeler.matrix-schema");
            json.WriteNumber("version", 1);
            json.WriteStartArray("classes");
            foreach (var c in schema.ClassNames) json.WriteStringValue(c);
            json.WriteEndArray();
            json.WriteStartArray("lfs");
            foreach (var n in lfNames) json.WriteStringValue(n);
            json.WriteEndArray();
            json.WriteEndObject();
        });

    /// <summary>The largest schema sidecar read (class and LF names only).</summary>
    internal const long MaxSidecarBytes = 64L << 20;

    internal static (LabelSchema? Schema, string[]? LfNames) ReadSidecar(string path)
    {
        var sidecar = SchemaSidecar(path);
        if (InputFile.Stat(sidecar).Kind == FileKind.Missing) return (null, null);
        try
        {
            using var doc = JsonDocument.Parse(InputFile.ReadAllBytes(sidecar, MaxSidecarBytes, "a matrix schema file"));
            var classes = doc.RootElement.GetProperty("classes").EnumerateArray().Select(e => e.GetString()!).ToArray();
            var lfs = doc.RootElement.TryGetProperty("lfs", out var l) ? l.EnumerateArray().Select(e => e.GetString()!).ToArray() : null;
            return (new LabelSchema(classes), lfs);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            throw SnorkelerException.InFile(sidecar, $"invalid matrix schema file: {e.Message}");
        }
    }

    internal static LabelSchema InferSchema(int maxLabel) => LabelSchema.Numbered(Math.Max(2, maxLabel + 1));

    internal static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);

    internal static void WriteUtf8(BinaryWriter w, string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        w.Write(bytes.Length);
        w.Write(bytes);
    }

    internal static string ReadUtf8(BinaryReader r, string path)
    {
        var length = r.ReadInt32();
        if (length is < 0 or > 1 << 20) throw SnorkelerException.InFile(path, "damaged matrix file (bad name length)");
        return Encoding.UTF8.GetString(r.ReadBytes(length));
    }

    internal static int ReadInt32(ReadOnlySpan<byte> bytes) => BinaryPrimitives.ReadInt32LittleEndian(bytes);
}
