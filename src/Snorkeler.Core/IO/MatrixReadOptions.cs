namespace Snorkeler.IO;

/// <summary>
/// How a label-matrix file is read: which columns hold what in long format (one line per answer), the
/// gold labels, the storage, and the classes and sources to map onto. Every field has a default, so
/// <c>new MatrixReadOptions()</c> reads any supported file as it is.
/// </summary>
public sealed record MatrixReadOptions
{
    /// <summary>Default name of the long-format task (item) column.</summary>
    public const string DefaultTaskColumn = "task";

    /// <summary>Default name of the long-format worker (source) column.</summary>
    public const string DefaultWorkerColumn = "worker";

    /// <summary>Default name of the long-format label column (also the gold file's label column).</summary>
    public const string DefaultLabelColumn = "label";

    /// <summary>The long-format task column; null: <c>task</c>. Giving it makes a <c>.csv</c> read as long format.</summary>
    public string? TaskColumn { get; init; }

    /// <summary>The long-format worker column; null: <c>worker</c>. Giving it makes a <c>.csv</c> read as long format.</summary>
    public string? WorkerColumn { get; init; }

    /// <summary>The long-format label column; null: <c>label</c>. Giving it makes a <c>.csv</c> read as long format.</summary>
    public string? LabelColumn { get; init; }

    /// <summary>
    /// A long-format column saying what each source is: <c>annotator</c> (a person: no line means the task was
    /// not shown to them) or <c>lf</c> (a labelling function: it saw every task, no line means it abstained).
    /// Null: every source is an annotator.
    /// </summary>
    public string? KindColumn { get; init; }

    /// <summary>
    /// The field delimiter of a delimited-text matrix (a wide <c>.csv</c> matrix, answers in <c>.csv</c>); null: detected
    /// per file from its header and first records, as for data files (<see cref="Data.CsvDialect.Detect(string)"/>).
    /// </summary>
    public char? Delimiter { get; init; }

    /// <summary>The reading options of a delimited-text matrix file: <see cref="Delimiter"/>, else detection (null).</summary>
    internal Data.CsvOptions? CsvOptions => Delimiter is { } delimiter ? new Data.CsvOptions { Delimiter = delimiter } : null;

    /// <summary>A wide CSV matrix's column holding gold labels (it is then not an LF).</summary>
    public string? GoldColumn { get; init; }

    /// <summary>
    /// Receives warnings about what was read that is not an error: a CSV matrix's gold label that is both a class's name
    /// and another class's number, read as the class it names (<see cref="Data.GoldColumn.Warn"/>). Null: none are said.
    /// </summary>
    public Action<string>? Warn { get; init; }

    /// <summary>A file of gold labels for a long-format matrix, with a task and a label column, joined on the task.</summary>
    public string? GoldPath { get; init; }

    /// <summary>
    /// The task column of the <see cref="GoldPath"/> file, which must then have it. Null: the answers'
    /// <see cref="TaskColumn"/> when the gold file has it, else <c>task</c>. It says nothing of the answers' own
    /// columns, so it does not make a <c>.csv</c> read as long format.
    /// </summary>
    public string? GoldTaskColumn { get; init; }

    /// <summary>
    /// The label column of the <see cref="GoldPath"/> file, which must then have it. Null: the answers'
    /// <see cref="LabelColumn"/> when the gold file has it, else <c>label</c>. It says nothing of the answers' own
    /// columns, so it does not make a <c>.csv</c> read as long format.
    /// </summary>
    public string? GoldLabelColumn { get; init; }

    /// <summary>What to do when a worker answered a task more than once.</summary>
    public RepeatedAnswers Repeats { get; init; } = RepeatedAnswers.Last;

    /// <summary>Dense or sparse storage for the votes read (long format and whole-matrix reads).</summary>
    public MatrixStorage Storage { get; init; } = MatrixStorage.Auto;

    /// <summary>Map labels onto these classes (a fitted model's) instead of reading or inferring them.</summary>
    public LabelSchema? Schema { get; init; }

    /// <summary>
    /// Long format: use these sources, in this order (a fitted model's); answers of other workers are left out
    /// and counted in <see cref="AnswersReport.UnknownWorkerAnswers"/>.
    /// </summary>
    public IReadOnlyList<string>? Sources { get; init; }

    /// <summary>
    /// Wide formats: the columns that are annotators rather than LFs (their -1 means missing), or <c>["*"]</c>
    /// for every column. Null: as the file says (all LFs for files that do not record it).
    /// </summary>
    public IReadOnlyList<string>? Annotators { get; init; }

    /// <summary>True when any long-format column was named, which forces a <c>.csv</c> to be read as long format.</summary>
    public bool NamesLongColumns => TaskColumn is not null || WorkerColumn is not null || LabelColumn is not null || KindColumn is not null;
}

/// <summary>What counts when a worker answered the same task more than once (long format).</summary>
public enum RepeatedAnswers
{
    /// <summary>The last answer in file order counts (a correction replaces the earlier answer). The default.</summary>
    Last,
    /// <summary>The first answer in file order counts.</summary>
    First,
    /// <summary>A repeated answer is an error naming the line.</summary>
    Error,
}
