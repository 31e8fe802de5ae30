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
    /// Opens a matrix file for block-by-block reading, with its gold labels when it has them (a CSV or NumPy
    /// matrix whose schema sidecar names them, a <c>.snkm</c> written with gold, a Wrench split).
    /// <paramref name="goldColumn"/> asks for gold labels: for a CSV matrix it names the column holding them (it is
    /// then not an LF; class names or numbers); for the other formats the matrix must carry gold labels already.
    /// Asking for gold labels a matrix does not have is an error, never an empty result.
    /// </summary>
    public static IMatrixSource Open(string path, string? goldColumn = null)
    {
        if (!File.Exists(path)) throw SnorkelerException.InFile(path, Directory.Exists(path) ? "is a folder, expected a matrix file" : "no such file");
        IMatrixSource matrix = FormatOf(path) switch
        {
            MatrixFormat.Binary => new BinaryMatrixSource(path),
            MatrixFormat.Wrench => WrenchFile.ReadMatrix(path),
            MatrixFormat.Csv => CsvMatrix.Read(path, goldColumn),
            _ => NpyMatrix.Read(path),
        };
        if (goldColumn is not null && !matrix.HasGold)
            throw SnorkelerException.InFile(path, $"asked for gold labels ('{goldColumn}') but the matrix has none; store them with 'snorkeler apply --gold-column {goldColumn}'");
        return matrix;
    }

    /// <summary>Reads a whole matrix into memory.</summary>
    public static LabelMatrix Read(string path, string? goldColumn = null)
    {
        var source = Open(path, goldColumn);
        return source as LabelMatrix ?? Concat(source.ReadBlocks());
    }

    /// <summary>
    /// True when <paramref name="path"/> is a label matrix rather than data: a <c>.snkm</c> or <c>.npy</c> file, or a
    /// <c>.csv</c> with the schema sidecar <c>apply</c> writes beside every CSV matrix. (A Wrench <c>.json</c> split is
    /// both; a <c>.csv</c> without a sidecar is data.)
    /// </summary>
    public static bool IsMatrix(string path)
        => Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".snkm" or ".npy" => true,
            ".csv" => File.Exists(SchemaSidecar(path)),
            _ => false,
        };

    /// <summary>Writes a matrix (any number of blocks, with its gold labels if any) atomically in the format its extension names.</summary>
    public static void Write(string path, IMatrixSource matrix)
    {
        using var writer = MatrixWriter.Create(path, matrix.Schema, matrix.LfNames, matrix.HasGold ? "gold" : null);
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

    internal static void WriteSidecar(string path, LabelSchema schema, IReadOnlyList<string> lfNames, string? gold = null)
    {
        AtomicFile.Write(SchemaSidecar(path), stream =>
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
            if (gold is not null) json.WriteString("gold", gold);
            json.WriteEndObject();
        });
    }

    /// <summary>
    /// The schema sidecar of a CSV or NumPy matrix: classes, LF names and where the gold labels are (a CSV matrix's
    /// gold column, a NumPy matrix's gold-label file beside it); all null when there is no sidecar.
    /// </summary>
    internal static (LabelSchema? Schema, string[]? LfNames, string? Gold) ReadSidecar(string path)
    {
        var sidecar = SchemaSidecar(path);
        if (!File.Exists(sidecar)) return (null, null, null);
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(sidecar));
            var classes = doc.RootElement.GetProperty("classes").EnumerateArray().Select(e => e.GetString()!).ToArray();
            var lfs = doc.RootElement.TryGetProperty("lfs", out var l) ? l.EnumerateArray().Select(e => e.GetString()!).ToArray() : null;
            var gold = doc.RootElement.TryGetProperty("gold", out var g) && g.ValueKind == JsonValueKind.String ? g.GetString() : null;
            return (new LabelSchema(classes), lfs, gold);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            throw SnorkelerException.InFile(sidecar, $"invalid matrix schema file: {e.Message}");
        }
    }

    /// <summary>Where a NumPy matrix keeps its gold labels: <c>m.npy</c> → <c>m.gold.npy</c>, a 1-D array beside it.</summary>
    public static string NpyGoldFile(string path) => Path.ChangeExtension(path, null) + ".gold.npy";

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
