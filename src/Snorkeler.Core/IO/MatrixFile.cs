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
    /// <summary>
    /// <c>.csv</c> (or <c>.tsv</c>, read only): delimited text, a header of LF names, integer labels, -1 for abstain; class
    /// names in a <c>.schema.json</c> sidecar. One whose header has the task, worker and label columns is <see cref="Answers"/>.
    /// </summary>
    Csv,
    /// <summary><c>.npy</c>: a NumPy int8 (int16 past 127 classes) array of shape (n, m); names in a <c>.schema.json</c> sidecar.</summary>
    Npy,
    /// <summary><c>.json</c>: a Wrench split (read only): weak labels, gold labels, <c>label.json</c> class names.</summary>
    Wrench,
    /// <summary>
    /// Long format (read only): one line per answer with task, worker and label columns, in <c>.jsonl</c>,
    /// <c>.parquet</c>, or a <c>.csv</c> or <c>.tsv</c> whose header has those columns (see <see cref="AnswersFile"/>).
    /// </summary>
    Answers,
}

/// <summary>Reads and writes label matrices in every <see cref="MatrixFormat"/>.</summary>
public static class MatrixFile
{
    internal static readonly byte[] Magic = "SNKM"u8.ToArray();
    internal const ushort BinaryVersion = 2;

    /// <summary>The format a path's extension names.</summary>
    public static MatrixFormat FormatOf(string path)
        => KnownFormat(path) ?? throw new SnorkelerException($"{path}: unknown matrix format '{Path.GetExtension(path).ToLowerInvariant()}' (expected .snkm, .npy, .csv or .tsv (a column per source, or answers in long format), a Wrench .json split, or answers in .jsonl or .parquet)");

    /// <summary>The endings of matrix files that are no data file (<see cref="Data.DataSources.Endings"/> are both).</summary>
    internal static IReadOnlyList<string> MatrixOnlyEndings { get; } = [".snkm", ".npy"];

    /// <summary>The format a path's extension names, or null for an extension no matrix has.</summary>
    internal static MatrixFormat? KnownFormat(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".snkm" => MatrixFormat.Binary,
        // Delimited text is a wide matrix or answers, as its header says (a .tsv is no other than a tab-separated .csv).
        ".csv" or ".tsv" => MatrixFormat.Csv,
        ".npy" => MatrixFormat.Npy,
        ".json" => MatrixFormat.Wrench,
        ".jsonl" or ".ndjson" or ".parquet" => MatrixFormat.Answers,
        _ => null,
    };

    /// <summary>The sidecar holding class and LF names for CSV and NumPy matrices.</summary>
    public static string SchemaSidecar(string path) => path + ".schema.json";

    /// <summary>
    /// The files written with a matrix at <paramref name="path"/>: the schema sidecar of a CSV or NumPy matrix, and
    /// a NumPy matrix's gold-label file (written when the matrix has gold labels).
    /// </summary>
    public static IEnumerable<string> FilesWrittenWith(string path)
    {
        var format = Path.GetExtension(path).ToLowerInvariant();
        if (format is ".csv" or ".npy") yield return SchemaSidecar(path);
        if (format == ".npy") yield return NpyGoldFile(path);
    }

    /// <summary>
    /// The gold-label file a .npy matrix's sidecar names, <paramref name="gold"/>: beside the matrix, or where it says when
    /// it is a full path (the reader and the overwrite guard must agree on it).
    /// </summary>
    internal static string GoldBeside(string matrixPath, string gold) => Path.Combine(Path.GetDirectoryName(matrixPath) ?? "", gold);

    /// <summary>
    /// The files that exist and would be read with a matrix or data file at <paramref name="path"/>: its schema
    /// sidecar, the gold-label file the sidecar names, the <c>label.json</c> of a Wrench split or a long-format answers file. A sidecar that cannot be
    /// read adds nothing here (reading the matrix reports it).
    /// </summary>
    public static IEnumerable<string> FilesReadWith(string path)
    {
        var sidecar = SchemaSidecar(path);
        if (File.Exists(sidecar))
        {
            yield return sidecar;
            string? gold = null;
            try { gold = ReadSidecar(path).Gold; }
            catch (SnorkelerException) { }
            if (gold is not null && path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
            {
                var goldPath = GoldBeside(Path.GetFullPath(path), gold);
                if (File.Exists(goldPath)) yield return goldPath;
            }
        }
        // A Wrench split and a long-format answers file both take their classes from the label.json beside them.
        if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || IsReadableLongFormat(path))
        {
            var labels = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", "label.json");
            if (File.Exists(labels)) yield return labels;
        }
    }

    /// <summary>True when <paramref name="path"/> is a long-format answers file; one whose header cannot be read is not (reading it reports why).</summary>
    private static bool IsReadableLongFormat(string path)
    {
        try { return AnswersFile.IsLongFormat(path, new MatrixReadOptions()); }
        catch (SnorkelerException) { return false; }
    }

    /// <summary>
    /// Opens a matrix file for block-by-block reading, with its gold labels when it has them (a CSV or NumPy
    /// matrix whose schema sidecar names them, a <c>.snkm</c> written with gold, a Wrench split).
    /// <paramref name="goldColumn"/> asks for gold labels: for a CSV matrix it names the column holding them (it is
    /// then not an LF; class names or numbers); for the other formats the matrix must carry gold labels already.
    /// Asking for gold labels a matrix does not have is an error, never an empty result.
    /// </summary>
    public static IMatrixSource Open(string path, string? goldColumn = null) => Open(path, new MatrixReadOptions { GoldColumn = goldColumn });

    /// <summary>
    /// Opens a matrix file: wide formats for block-by-block reading, long format (answers) into memory as an
    /// <see cref="AnswerMatrix"/> keyed by task. A <c>.csv</c> whose header has the task, worker and label
    /// columns is long format.
    /// </summary>
    public static IMatrixSource Open(string path, MatrixReadOptions options) => ReadGuard.Run(path, () => OpenUnguarded(path, options));

    /// <summary>
    /// Opens one matrix file as <see cref="Open(string, MatrixReadOptions)"/>, or several files of answers in long
    /// format as one matrix (see <see cref="AnswersFile.Read(IReadOnlyList{string}, MatrixReadOptions?)"/>). Wide
    /// matrices are not combined: their rows have no ids to join on, so a wide file among several is an error naming it.
    /// </summary>
    public static IMatrixSource Open(IReadOnlyList<string> paths, MatrixReadOptions options)
    {
        Guard.NotNull(paths);
        Guard.NotNull(options);
        if (paths.Count == 1) return Open(paths[0], options);
        if (paths.Count == 0) throw new ArgumentException("no matrix files given", nameof(paths));
        foreach (var path in paths)
        {
            InputFile.RequireRegular(path, "a matrix file");
            var format = FormatOf(path);
            if (format == MatrixFormat.Answers || (format == MatrixFormat.Csv && ReadGuard.Run(path, () => AnswersFile.IsLongFormat(path, options)))) continue;
            const string wide = "is not combined with other files, as a wide label matrix's rows have no task ids to join on";
            if (format == MatrixFormat.Csv)
                throw SnorkelerException.InFile(path, $"has no task, worker and label columns, so it is a wide label matrix, which {wide}; "
                                                      + "if it holds people's answers, give --task-column, --worker-column and --label-column");
            throw SnorkelerException.InFile(path, $"{WideName(format)} {wide}; give it alone (several files are read as one only when all hold answers in long format, task,worker,label)");
        }
        return AnswersFile.Read(paths, options);
    }

    private static string WideName(MatrixFormat format) => format switch
    {
        MatrixFormat.Binary => "a .snkm matrix",
        MatrixFormat.Wrench => "a Wrench split",
        _ => "a .npy matrix",
    };

    private static IMatrixSource OpenUnguarded(string path, MatrixReadOptions options)
    {
        Guard.NotNull(options);
        InputFile.RequireRegular(path, "a matrix file");
        AtomicFile.CompleteInterruptedCommits(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".");
        var format = FormatOf(path);
        // A CSV's header is read once: all three answer columns make it answers; some of them, without a sidecar to say it is a
        // wide matrix, are a mistake.
        var answerColumns = format == MatrixFormat.Csv && !options.NamesLongColumns ? AnswersFile.AnswerColumnsIn(path, options) : null;
        if (format == MatrixFormat.Answers || (format == MatrixFormat.Csv && (answerColumns is null || answerColumns.Count == 3)))
            return AnswersFile.Read(path, options);
        if (answerColumns is { Count: > 0 } && !File.Exists(SchemaSidecar(path)) && AnswersFile.PartialAnswerColumns(answerColumns, options) is { } partial)
            throw SnorkelerException.InFile(path, partial);
        if (options.GoldPath is not null)
            throw SnorkelerException.InFile(path, "a gold file joins on task ids, which only long-format answers (task,worker,label) have");
        IMatrixSource source = format switch
        {
            MatrixFormat.Binary => new BinaryMatrixSource(path),
            MatrixFormat.Wrench => WrenchFile.ReadMatrix(path),
            MatrixFormat.Csv => CsvMatrix.Read(path, options.GoldColumn, options.CsvOptions, options.Schema, options.Warn),
            _ => new NpyMatrix.NpyMatrixSource(path, options.Schema),
        };
        if (options.GoldColumn is { } goldColumn && !source.HasGold)
            throw SnorkelerException.InFile(path, $"asked for gold labels ('{goldColumn}') but the matrix has none; store them with 'snorkeler apply --gold-column {goldColumn}'");
        var annotators = options.Annotators ?? (format is MatrixFormat.Csv or MatrixFormat.Npy ? ReadSidecarAnnotators(path) : null);
        if (annotators is not null) source = new AnnotatedSource(source, KindsOf(source.LfNames, annotators, path));
        if (options.Storage != MatrixStorage.Auto && source is LabelMatrix whole) return whole.WithStorage(options.Storage);
        return source;
    }

    /// <summary>The source kinds when <paramref name="annotators"/> names the annotator columns ("*": all).</summary>
    private static SourceKind[] KindsOf(IReadOnlyList<string> names, IReadOnlyList<string> annotators, string path)
    {
        var kinds = new SourceKind[names.Count];
        if (annotators.Count == 1 && annotators[0] == "*")
        {
            Array.Fill(kinds, SourceKind.Annotator);
            return kinds;
        }
        foreach (var name in annotators)
        {
            var j = names.ToList().IndexOf(name);
            if (j < 0)
            {
                var near = Text.Suggest.Nearest(name, names);
                throw SnorkelerException.InFile(path, $"no source '{name}' to mark as an annotator{(near is null ? "" : $"; did you mean '{near}'?")}");
            }
            kinds[j] = SourceKind.Annotator;
        }
        return kinds;
    }

    /// <summary>Reads a whole matrix into memory.</summary>
    public static LabelMatrix Read(string path, string? goldColumn = null) => Read(path, new MatrixReadOptions { GoldColumn = goldColumn });

    /// <summary>Reads a whole matrix into memory, in the storage <paramref name="options"/> asks for.</summary>
    public static LabelMatrix Read(string path, MatrixReadOptions options)
    {
        var source = Open(path, options);
        var matrix = source switch
        {
            LabelMatrix m => m,
            AnswerMatrix answers => answers.Matrix,
            _ => Concat(source.ReadBlocks()),
        };
        return options.Storage == MatrixStorage.Auto ? matrix : matrix.WithStorage(options.Storage);
    }

    /// <summary>
    /// True when <paramref name="path"/> is a label matrix rather than data: a <c>.snkm</c> or <c>.npy</c> file, or a
    /// <c>.csv</c> or <c>.tsv</c> with the schema sidecar <c>apply</c> writes beside every CSV matrix or with long-format answer columns. (A Wrench <c>.json</c> split is
    /// both; a <c>.csv</c> without a sidecar is data.)
    /// </summary>
    public static bool IsMatrix(string path)
        => Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".snkm" or ".npy" => true,
            ".csv" or ".tsv" => File.Exists(SchemaSidecar(path)) || (File.Exists(path) && AnswersFile.IsLongFormat(path, new MatrixReadOptions())),
            _ => false,
        };

    /// <summary>Writes a matrix (any number of blocks, with its gold labels if any) atomically in the format its extension names.</summary>
    public static void Write(string path, IMatrixSource matrix)
    {
        Guard.NotNull(matrix);
        using var writer = MatrixWriter.Create(path, matrix.Schema, matrix.LfNames, matrix.HasGold ? "gold" : null, matrix.SourceKinds,
            sparse: matrix is AnswerMatrix { Matrix.IsSparse: true } or LabelMatrix { IsSparse: true });
        foreach (var block in matrix.ReadBlocks()) writer.Write(block);
        writer.Commit();
    }

    /// <summary>Joins consecutive blocks into one in-memory matrix, sparse when the first block is.</summary>
    public static LabelMatrix Concat(IEnumerable<LabelMatrix> blocks)
    {
        var list = new List<LabelMatrix>();
        foreach (var block in blocks) list.Add(block);
        if (list.Count == 0) throw new InvalidOperationException("no blocks");
        if (list.Count == 1) return list[0];
        var first = list[0];
        var kinds = first.HasAnnotators ? first.SourceKinds : null;
        if (first.IsSparse)
        {
            var builder = new SparseLabelMatrixBuilder(first.Schema, first.LfNames);
            var lfs = new int[first.LfCount];
            var labels = new int[first.LfCount];
            foreach (var block in list)
                for (var i = 0; i < block.RowCount; i++)
                {
                    var row = builder.AddRow();
                    var n = block.CopyVotes(i, lfs, labels);
                    for (var v = 0; v < n; v++) builder.Add(lfs[v], labels[v]);
                    if (block.HasGold) builder.SetGold(row, block.Gold(i));
                }
            if (kinds is not null) builder.SetSourceKinds(kinds);
            return builder.Build();
        }
        var dense = new LabelMatrixBuilder(first.Schema, first.LfNames, (int)Math.Min(list.Sum(b => (long)b.RowCount), Array.MaxLength / Math.Max(1, first.LfCount)));
        var votes = new int[first.LfCount];
        var at = new int[first.LfCount];
        foreach (var block in list)
            for (var i = 0; i < block.RowCount; i++)
            {
                var row = dense.AddRow();
                var n = block.CopyVotes(i, at, votes);
                for (var v = 0; v < n; v++) dense.Set(row, at[v], votes[v]);
                if (block.HasGold) dense.SetGold(row, block.Gold(i));
            }
        var matrix = dense.Build();
        return kinds is null ? matrix : matrix.WithSourceKinds(kinds);
    }

    /// <summary>A wide matrix source with each source's kind declared by the reader's options.</summary>
    internal sealed class AnnotatedSource(IMatrixSource inner, SourceKind[] kinds) : IMatrixSource
    {
        public LabelSchema Schema => inner.Schema;

        public IReadOnlyList<string> LfNames => inner.LfNames;

        public long? RowCount => inner.RowCount;

        public bool HasGold => inner.HasGold;

        public IReadOnlyList<SourceKind> SourceKinds => kinds;

        public IEnumerable<LabelMatrix> ReadBlocks(int rowsPerBlock = IMatrixSource.DefaultBlockRows)
            => inner.ReadBlocks(rowsPerBlock).Select(b => b.WithSourceKinds(kinds));
    }

    /// <summary>Opens a <c>.snkm</c> matrix whatever its file is called (a temporary file not yet committed).</summary>
    public static IMatrixSource OpenBinary(string path)
    {
        InputFile.RequireRegular(path, "a matrix file");
        return new BinaryMatrixSource(path);
    }

    /// <summary>The schema sidecar of <paramref name="path"/>, written but not yet committed (it is committed with the matrix).</summary>
    internal static PendingFile BeginSidecar(string path, LabelSchema schema, IReadOnlyList<string> lfNames, string? gold = null, IReadOnlyList<SourceKind>? kinds = null)
        => AtomicFile.Prepare(SchemaSidecar(path), stream =>
        {
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            json.WriteStartObject();
            json.WriteString("format", SidecarFormat);
            json.WriteNumber("version", SidecarVersion);
            json.WriteStartArray("classes");
            foreach (var c in schema.ClassNames) json.WriteStringValue(c);
            json.WriteEndArray();
            json.WriteStartArray("lfs");
            foreach (var n in lfNames) json.WriteStringValue(n);
            json.WriteEndArray();
            if (gold is not null) json.WriteString("gold", gold);
            if (kinds is not null && kinds.Contains(SourceKind.Annotator))
            {
                json.WriteStartArray("annotators");
                for (var j = 0; j < lfNames.Count; j++)
                    if (kinds[j] == SourceKind.Annotator) json.WriteStringValue(lfNames[j]);
                json.WriteEndArray();
            }
            json.WriteEndObject();
        });

    /// <summary>The value of a schema sidecar's "format" field (optional in a hand-written one).</summary>
    internal const string SidecarFormat = "snorkeler.matrix-schema";

    /// <summary>The version of the schema sidecar this Snorkeler writes and reads.</summary>
    internal const int SidecarVersion = 1;

    /// <summary>The largest schema sidecar read (class and LF names only).</summary>
    internal const long MaxSidecarBytes = 64L << 20;

    /// <summary>
    /// The schema sidecar of a CSV or NumPy matrix: classes, LF names and where the gold labels are (a CSV matrix's
    /// gold column, a NumPy matrix's gold-label file beside it); all null when there is no sidecar.
    /// </summary>
    internal static (LabelSchema? Schema, string[]? LfNames, string? Gold) ReadSidecar(string path)
        => ReadSidecarFields(path) is var (schema, lfs, gold, _) ? (schema, lfs, gold) : default;

    /// <summary>The sources a CSV or NumPy matrix's sidecar names as annotators, or null.</summary>
    internal static string[]? ReadSidecarAnnotators(string path) => ReadSidecarFields(path).Annotators;

    private static (LabelSchema? Schema, string[]? LfNames, string? Gold, string[]? Annotators) ReadSidecarFields(string path)
    {
        var sidecar = SchemaSidecar(path);
        if (InputFile.Stat(sidecar).Kind == FileKind.Missing) return (null, null, null, null);
        ReadOnlyMemory<byte> text = default;
        try
        {
            text = InputFile.ReadUtf8(sidecar, MaxSidecarBytes, "a matrix schema file");
            if (text.Span.IndexOfAnyExcept(" \t\r\n"u8) < 0)
                throw SnorkelerException.InFile(sidecar, "the file is empty; it names the matrix's classes, such as {\"classes\": [\"HAM\", \"SPAM\"]}");
            using var doc = StrictJson.Document(text);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw SnorkelerException.InFile(sidecar, "invalid matrix schema file: expected a JSON object such as {\"version\": 1, \"classes\": [...]}");
            // A hand-written sidecar may leave the version out.
            if (doc.RootElement.TryGetProperty("version", out var version))
                StrictJson.RequireVersion(version.ValueKind, version.GetRawText(), "matrix schema file", SidecarVersion, m => SnorkelerException.InFile(sidecar, m));
            // A sidecar of another format (or a misspelt one) is not ours to read as classes; one without a format is (hand-written).
            if (doc.RootElement.TryGetProperty("format", out var format) && !(format.ValueKind == JsonValueKind.String && format.GetString() == SidecarFormat))
                throw SnorkelerException.InFile(sidecar, $"invalid matrix schema file: field 'format' is {format.GetRawText()}, not \"{SidecarFormat}\"");
            if (doc.RootElement.TryGetProperty("gold", out var goldField) && goldField.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                throw SnorkelerException.InFile(sidecar, "invalid matrix schema file: field 'gold' must be a string");
            if (!doc.RootElement.TryGetProperty("classes", out var classesField))
                throw SnorkelerException.InFile(sidecar, "invalid matrix schema file: no field 'classes' (the class names in order, such as [\"HAM\", \"SPAM\"])");
            var classes = Strings(sidecar, classesField, "classes");
            var lfs = doc.RootElement.TryGetProperty("lfs", out var l) ? Strings(sidecar, l, "lfs") : null;
            if (lfs is not null && LfNamesProblem(lfs) is { } lfProblem) throw SnorkelerException.InFile(sidecar, $"invalid matrix schema file: field 'lfs': {lfProblem}");
            var gold = doc.RootElement.TryGetProperty("gold", out var g) && g.ValueKind == JsonValueKind.String ? g.GetString() : null;
            var annotators = doc.RootElement.TryGetProperty("annotators", out var a) ? Strings(sidecar, a, "annotators") : null;
            LabelSchema schema;
            try { schema = new LabelSchema(classes); }
            catch (ArgumentException e) { throw SnorkelerException.InFile(sidecar, $"invalid matrix schema file: field 'classes': {e.Message}"); }
            return (schema, lfs, gold, annotators);
        }
        catch (JsonException e)
        {
            throw SnorkelerException.InFile(sidecar, $"invalid matrix schema file: {Data.JsonObjectStream.Friendly(e.Message, text.Span)}", e.LineNumber + 1);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            throw SnorkelerException.InFile(sidecar, $"invalid matrix schema file: {e.Message}");
        }
    }

    /// <summary>
    /// Null when every LF name is non-empty and used once, else why not ("LF name 'a' is given twice (LFs 1 and 3)"): a model
    /// checks a matrix's LFs against its own by name, so two LFs of one name would let a reordered matrix through.
    /// </summary>
    public static string? LfNamesProblem(IReadOnlyList<string> names)
    {
        Guard.NotNull(names);
        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var j = 0; j < names.Count; j++)
        {
            if (string.IsNullOrEmpty(names[j])) return $"LF {j + 1} has an empty name; every LF needs a name of its own";
            if (!first.TryAdd(names[j], j)) return $"LF name '{names[j]}' is given twice (LFs {first[names[j]] + 1} and {j + 1}); every LF needs a name of its own";
        }
        return null;
    }

    /// <summary>A field that must be an array of strings (a null in it would reach the readers as a missing name).</summary>
    private static string[] Strings(string sidecar, JsonElement field, string name)
        => field.ValueKind == JsonValueKind.Array && field.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String)
            ? field.EnumerateArray().Select(e => e.GetString()!).ToArray()
            : throw SnorkelerException.InFile(sidecar, $"invalid matrix schema file: field '{name}' must be an array of strings");

    /// <summary>Where a NumPy matrix keeps its gold labels: <c>m.npy</c> → <c>m.gold.npy</c>, a 1-D array beside it.</summary>
    public static string NpyGoldFile(string path) => Path.ChangeExtension(path, null) + ".gold.npy";

    internal static LabelSchema InferSchema(int maxLabel) => LabelSchema.Numbered(Math.Max(2, maxLabel + 1));

    /// <summary>
    /// The largest class number a matrix without a sidecar may hold: its classes are numbered 0 to the largest label, and
    /// a task has at most <see cref="LabelSchema.MaxCardinality"/> classes.
    /// </summary>
    internal const int MaxClassNumber = LabelSchema.MaxCardinality - 1;

    /// <summary>The error for a label past <see cref="MaxClassNumber"/>: <c>class 40000 is past the largest class number a matrix holds (32,766)</c>.</summary>
    internal static string PastLargestClass(string what, long label)
        => string.Create(CultureInfo.InvariantCulture, $"{what} {label} is past the largest class number a matrix holds ({MaxClassNumber:N0})");

    /// <summary>
    /// The classes of a matrix without a sidecar read against <paramref name="reference"/>, the classes it is to match (a
    /// model's, a training matrix's): those when they are numbered too and hold every label read, else 0..<paramref name="maxLabel"/>.
    /// A batch in which no LF happened to vote the largest class was numbered with a class fewer and refused as of other classes.
    /// </summary>
    internal static LabelSchema InferSchema(int maxLabel, LabelSchema? reference)
        => reference is not null && maxLabel < reference.Cardinality && reference.Equals(LabelSchema.Numbered(reference.Cardinality))
            ? reference
            : InferSchema(maxLabel);

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
        // Strict: a damaged name must not become U+FFFD and then fail to match the model's LF name, or match another's.
        try { return StrictUtf8.GetString(r.ReadBytes(length)); }
        catch (DecoderFallbackException) { throw SnorkelerException.InFile(path, "damaged header (a class or LF name is not valid UTF-8)"); }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    internal static int ReadInt32(ReadOnlySpan<byte> bytes) => BinaryPrimitives.ReadInt32LittleEndian(bytes);
}
