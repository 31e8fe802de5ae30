using System.Globalization;
using Snorkeler.Data;

namespace Snorkeler.IO;

/// <summary>
/// Reads label matrices in long format: one line per answer with a task, a worker (any label source) and a
/// label column (<c>task,worker,label</c> by default), from CSV, JSON Lines or Parquet. Tasks become rows
/// and workers sources, both in order of first appearance; a worker with no line for a task never saw it
/// (missing, not an abstain). Labels are class names or numbers: <c>label.json</c> beside the file names
/// the classes as for Wrench files; without it, labels that are all whole numbers are classes 0..max, labels that
/// are all numbers with one that is no class number (-3, 1.5) are an error, and other labels are class names in
/// ordinal order. An empty label (or -1) is no answer and is skipped.
/// A worker answering a task twice follows <see cref="MatrixReadOptions.Repeats"/>.
/// </summary>
public static class AnswersFile
{
    /// <summary>The file extensions read as long format without looking at the header.</summary>
    public static IReadOnlyList<string> LongOnlyExtensions { get; } = [".jsonl", ".ndjson", ".parquet"];

    /// <summary>
    /// True when <paramref name="path"/> is in long format: a JSON Lines or Parquet file, or a CSV file whose
    /// header has the task, worker and label columns (or when <paramref name="options"/> names long-format columns).
    /// </summary>
    public static bool IsLongFormat(string path, MatrixReadOptions options)
    {
        var ext = Path.GetExtension(path).ToLowerInvariant();
        if (LongOnlyExtensions.Contains(ext)) return true;
        if (ext is not (".csv" or ".tsv")) return false;
        return options.NamesLongColumns || HasAnswerColumns(path, options);
    }

    /// <summary>True when the data file <paramref name="path"/> (CSV, JSON Lines, Parquet) has the task, worker and label columns.</summary>
    public static bool HasAnswerColumns(string path, MatrixReadOptions options)
    {
        var ext = Path.GetExtension(path).ToLowerInvariant();
        if (!File.Exists(path) || ext is not (".csv" or ".tsv" or ".jsonl" or ".ndjson" or ".parquet")) return false;
        return AnswerColumnsIn(path, options).Count == 3;
    }

    /// <summary>The task, worker and label columns (as <paramref name="options"/> name them) that the header of <paramref name="path"/> has, in that order.</summary>
    internal static IReadOnlyList<string> AnswerColumnsIn(string path, MatrixReadOptions options)
    {
        var header = DataSources.Open(path, options.CsvOptions).Schema;
        return AnswerColumns(options).Where(c => header.IndexOf(c) >= 0).ToArray();
    }

    private static string[] AnswerColumns(MatrixReadOptions options)
        => [options.TaskColumn ?? MatrixReadOptions.DefaultTaskColumn, options.WorkerColumn ?? MatrixReadOptions.DefaultWorkerColumn,
            options.LabelColumn ?? MatrixReadOptions.DefaultLabelColumn];

    /// <summary>
    /// Why a CSV that is not long format cannot be a wide label matrix either, or null: its header has the task or the worker
    /// column of people's answers but not all three (<c>task,rater,label</c>; <c>item,worker,answer</c>). Read as a wide
    /// matrix, its task and worker ids were taken for votes and every command went on with garbage.
    /// </summary>
    /// <param name="present">The answer columns the header has (<see cref="AnswerColumnsIn"/>).</param>
    /// <param name="options">The names of the answer columns.</param>
    internal static string? PartialAnswerColumns(IReadOnlyList<string> present, MatrixReadOptions options)
    {
        Guard.NotNull(options);
        var columns = AnswerColumns(options);
        if (!present.Contains(columns[0]) && !present.Contains(columns[1])) return null;
        static string Named(IEnumerable<string> names, string joint) => string.Join(joint, names.Select(n => $"'{n}'"));
        return $"has {(present.Count == 1 ? "a column" : "columns")} {Named(present, " and ")} of people's answers but no {Named(columns.Except(present), " or ")}, "
               + $"so it is neither answers in long format ({string.Join(",", columns)}, one answer a line) nor a wide label matrix (a column an LF's votes, no ids); "
               + "name the answers' columns with --task-column, --worker-column and --label-column";
    }

    /// <summary>The first few names of a list, for a message.</summary>
    private static string Some(IReadOnlyList<string> names)
        => string.Join(", ", names.Take(5)) + (names.Count > 5 ? $", … ({names.Count:N0} in all)" : "");

    /// <summary>Reads a long-format file into an in-memory matrix keyed by task.</summary>
    public static AnswerMatrix Read(string path, MatrixReadOptions? options = null) => Read([path], options);

    /// <summary>
    /// Reads several long-format files (batches of answers) into one matrix keyed by task, as if they were one file
    /// with the lines of the first file first: a task answered in two files is one row, and a worker answering a task
    /// in two files follows <see cref="MatrixReadOptions.Repeats"/> in that order (the last file's answer counts by
    /// default). Each file is CSV, TSV, JSON Lines or Parquet with its own column order; errors name the file and line.
    /// </summary>
    public static AnswerMatrix Read(IReadOnlyList<string> paths, MatrixReadOptions? options = null)
    {
        Guard.NotNull(paths);
        if (paths.Count == 0) throw new ArgumentException("no answer files given", nameof(paths));
        options ??= new MatrixReadOptions();
        // Answers are people's already: --annotators, which marks a wide matrix's columns, was passed over without a word.
        if (options.Annotators is not null)
            throw SnorkelerException.InFile(paths[0], "holds answers in long format, whose workers are people already; --annotators marks the columns of a wide matrix (a --kind-column says which sources of answers are LFs)");
        var seen = new Dictionary<string, string>(OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        foreach (var p in paths)
            if (!seen.TryAdd(Path.GetFullPath(p), p))
                throw SnorkelerException.InFile(p, $"is given twice (also as {seen[Path.GetFullPath(p)]}); give each answer file once");
        var path = string.Join(", ", paths); // the files as one, for what concerns them all
        var labels = new LabelTable(options.Schema ?? SchemaBeside(paths));

        var tasks = new KeyTable();
        var workers = new KeyTable();
        var fixedSources = options.Sources is not null;
        if (fixedSources)
            foreach (var name in options.Sources!)
                if (workers.Add(name) != workers.Count - 1) throw new ArgumentException($"source '{name}' is repeated", nameof(options));
        var kinds = new List<SourceKind?>(fixedSources ? Enumerable.Repeat<SourceKind?>(null, workers.Count) : []);
        var answerTask = new GrowingArray<int>();
        var answerWorker = new GrowingArray<int>();
        var answerLabel = new GrowingArray<int>();
        var fileEnds = new int[paths.Count]; // answers read up to the end of each file, to tell which file an answer came from
        long empty = 0, unknown = 0;
        // Who the unknown answers came from, and their tasks: a task none of whose answers is kept has no row.
        var unknownWorkers = new KeyTable();
        var unknownTasks = new KeyTable();
        // Tasks with an empty label: one with nothing else has no row, which the reader is told of.
        var emptyTasks = new KeyTable();
        for (var f = 0; f < paths.Count; f++)
        {
            var file = paths[f];
            var columns = Columns(file, options);
            ReadGuard.Run(file, () =>
            {
                foreach (var batch in columns.Source.ReadBatches(8192))
                {
                    for (var i = 0; i < batch.Count; i++)
                    {
                        if (batch.IsMissing(i, columns.Task) || batch.Text(i, columns.Task).Trim().IsEmpty)
                            throw SnorkelerException.InFile(file, $"column '{columns.Source.Schema.Names[columns.Task]}' is empty", batch.LineOf(i));
                        if (batch.IsMissing(i, columns.Worker) || batch.Text(i, columns.Worker).Trim().IsEmpty)
                            throw SnorkelerException.InFile(file, $"column '{columns.Source.Schema.Names[columns.Worker]}' is empty", batch.LineOf(i));
                        var labelText = batch.Text(i, columns.Label).Trim();
                        if (labelText.IsEmpty || labelText.SequenceEqual("-1"))
                        {
                            empty++;
                            emptyTasks.Add(batch.Text(i, columns.Task).Trim());
                            continue;
                        }
                        var worker = fixedSources ? workers.Find(batch.Text(i, columns.Worker).Trim()) : workers.Add(batch.Text(i, columns.Worker).Trim());
                        if (worker < 0)
                        {
                            unknown++;
                            unknownWorkers.Add(batch.Text(i, columns.Worker).Trim());
                            unknownTasks.Add(batch.Text(i, columns.Task).Trim());
                            continue;
                        }
                        if (columns.Kind >= 0)
                        {
                            var kind = ParseKind(batch.Text(i, columns.Kind).Trim(), file, batch.LineOf(i));
                            if (worker == kinds.Count) kinds.Add(kind);
                            else if (kinds[worker] is null) kinds[worker] = kind;
                            else if (kinds[worker] != kind)
                                throw SnorkelerException.InFile(file, $"source '{workers.Name(worker)}' is of kind '{KindName(kind)}' here but '{KindName(kinds[worker]!.Value)}' on an earlier line", batch.LineOf(i));
                        }
                        answerTask.Add(tasks.Add(batch.Text(i, columns.Task).Trim()));
                        answerWorker.Add(worker);
                        answerLabel.Add(labels.Add(labelText, file, batch.LineOf(i), columns.Source.Schema.Names[columns.Label], columns.Source is JsonLinesSource));
                    }
                }
                return 0;
            });
            fileEnds[f] = answerTask.Count;
        }

        int[]? gold = null;
        long goldUnmatched = 0;
        var goldLabelled = 0;
        string? firstUnmatchedGold = null;
        if (options.GoldPath is { } goldPath)
            (gold, goldUnmatched, goldLabelled, firstUnmatchedGold) = ReadGold(goldPath, options, tasks, labels);

        var schema = labels.Resolve(path);
        var classOf = labels.ClassOf(schema);
        var clashes = labels.NumberNameClashes(schema);
        if (tasks.Count == 0 && unknown > 0)
            throw SnorkelerException.InFile(path, $"none of its {unknown:N0} answers is by a source of the model (its sources: {Some(options.Sources!)}); was the model fitted on these workers' answers?");
        if (tasks.Count == 0) throw SnorkelerException.InFile(path, paths.Count == 1 ? "the file has no answers" : "the files have no answers");

        // Rows by task (counting sort keeps file order within a task), then each row by worker.
        var n = answerTask.Count;
        var rowStarts = new int[tasks.Count + 1];
        for (var a = 0; a < n; a++) rowStarts[answerTask[a] + 1]++;
        for (var t = 0; t < tasks.Count; t++) rowStarts[t + 1] += rowStarts[t];
        var next = rowStarts[..^1].ToArray();
        var order = new int[n];
        for (var a = 0; a < n; a++) order[next[answerTask[a]]++] = a;
        var lfs = new int[n];
        var votes = new short[n];
        var keys = new long[Math.Max(1, MaxRow(rowStarts))];
        var kept = 0;
        long repeats = 0;
        string? firstRepeat = null;
        var keptAnswer = -1; // the answer whose vote was kept last, in file order
        var starts = new int[tasks.Count + 1];
        for (var t = 0; t < tasks.Count; t++)
        {
            var count = rowStarts[t + 1] - rowStarts[t];
            // Sort key: worker, then position in the file, so repeats are adjacent in file order.
            for (var e = 0; e < count; e++)
            {
                var a = order[rowStarts[t] + e];
                keys[e] = ((long)answerWorker[a] << 32) | (uint)e;
            }
            Array.Sort(keys, 0, count);
            for (var e = 0; e < count; e++)
            {
                var worker = (int)(keys[e] >> 32);
                var a = order[rowStarts[t] + (int)(keys[e] & 0xFFFFFFFF)];
                var label = (short)classOf[answerLabel[a]];
                if (kept > starts[t] && lfs[kept - 1] == worker)
                {
                    repeats++;
                    if (options.Repeats == RepeatedAnswers.Error)
                        throw RepeatError(paths, options, workers.Name(worker), tasks.Name(t));
                    firstRepeat ??= $"worker '{workers.Name(worker)}' on task '{tasks.Name(t)}'"
                                    + (paths.Count == 1 ? "" : InFiles(paths[FileOf(fileEnds, keptAnswer)], paths[FileOf(fileEnds, a)]));
                    if (options.Repeats == RepeatedAnswers.Last) votes[kept - 1] = label;
                    keptAnswer = a;
                    continue;
                }
                lfs[kept] = worker;
                votes[kept++] = label;
                keptAnswer = a;
            }
            starts[t + 1] = kept;
        }
        if (kept < n)
        {
            Array.Resize(ref lfs, kept);
            Array.Resize(ref votes, kept);
        }

        var kindArray = new SourceKind[workers.Count];
        for (var w = 0; w < workers.Count; w++) kindArray[w] = options.KindColumn is not null && w < kinds.Count && kinds[w] is { } k ? k : SourceKind.Annotator;
        var matrix = LabelMatrix.FromSparse(schema, workers.Names, starts, lfs, votes, gold, 0, kindArray);
        matrix = options.Storage switch
        {
            MatrixStorage.Sparse => matrix,
            MatrixStorage.Dense => DenseOrError(matrix, path),
            _ => (long)tasks.Count * workers.Count <= Array.MaxLength ? matrix.WithStorage(MatrixStorage.Auto) : matrix,
        };
        var report = new AnswersReport(n + empty + unknown, kept, repeats, empty, unknown, goldLabelled, goldUnmatched)
        {
            FirstRepeat = firstRepeat,
            FirstUnmatchedGoldTask = firstUnmatchedGold,
            // Empty lists are the shared empty array, so reports compare equal as values when nothing was left out.
            UnknownWorkers = unknownWorkers.Count == 0 ? [] : [.. unknownWorkers.Names],
            TasksWithoutKnownAnswers = unknownTasks.Count == 0 ? [] : [.. unknownTasks.Names.Where(task => tasks.Find(task) < 0)],
            TasksWithOnlyEmptyLabels = emptyTasks.Count == 0 ? [] : [.. emptyTasks.Names.Where(task => tasks.Find(task) < 0 && unknownTasks.Find(task) < 0)],
            NumberNamedClasses = clashes,
            ClassesFrom = clashes.Count == 0 ? null
                : options.Schema is not null ? "the classes given"
                : paths.Select(p => Path.Combine(Path.GetDirectoryName(p) is { Length: > 0 } d ? d : ".", "label.json")).First(File.Exists),
        };
        return new AnswerMatrix(matrix, tasks.Names, report);
    }

    private static int MaxRow(int[] rowStarts)
    {
        var max = 0;
        for (var t = 0; t + 1 < rowStarts.Length; t++) max = Math.Max(max, rowStarts[t + 1] - rowStarts[t]);
        return max;
    }

    /// <summary>The columns of one answers file, found in its own header (files may order them differently).</summary>
    private static (IDataSource Source, int Task, int Worker, int Label, int Kind) Columns(string path, MatrixReadOptions options)
    {
        var source = DataSources.Open(path, options.CsvOptions);
        return (source,
            source.Schema.RequireIndex(options.TaskColumn ?? MatrixReadOptions.DefaultTaskColumn, path, "--task-column"),
            source.Schema.RequireIndex(options.WorkerColumn ?? MatrixReadOptions.DefaultWorkerColumn, path, "--worker-column"),
            source.Schema.RequireIndex(options.LabelColumn ?? MatrixReadOptions.DefaultLabelColumn, path, "--label-column"),
            options.KindColumn is { } kind ? source.Schema.RequireIndex(kind, path, "--kind-column") : -1);
    }

    /// <summary>The index of the file answer <paramref name="answer"/> was read from.</summary>
    private static int FileOf(int[] fileEnds, int answer)
    {
        var f = 0;
        while (answer >= fileEnds[f]) f++;
        return f;
    }

    private static string InFiles(string first, string second)
        => first == second ? $" in {second}" : $" in {first} and {second}";

    /// <summary>
    /// The error for a worker's second answer to a task under <see cref="RepeatedAnswers.Error"/>, naming the file and
    /// line of that answer and where the first was: the lines are found again by a second pass, only on this path.
    /// </summary>
    private static SnorkelerException RepeatError(IReadOnlyList<string> paths, MatrixReadOptions options, string worker, string task)
    {
        var found = new List<(string File, long? Line)>(2);
        foreach (var file in paths)
        {
            var columns = Columns(file, options);
            foreach (var batch in columns.Source.ReadBatches(8192))
                for (var i = 0; i < batch.Count && found.Count < 2; i++)
                {
                    var label = batch.Text(i, columns.Label).Trim();
                    if (label.IsEmpty || label.SequenceEqual("-1")) continue;
                    if (batch.Text(i, columns.Task).Trim().SequenceEqual(task) && batch.Text(i, columns.Worker).Trim().SequenceEqual(worker))
                        found.Add((file, batch.LineOf(i)));
                }
            if (found.Count == 2) break;
        }
        var message = $"worker '{worker}' answered task '{task}' more than once (choose which answer counts with --repeats first|last)";
        if (found.Count < 2) return SnorkelerException.InFile(string.Join(", ", paths), message);
        var (firstFile, firstLine) = found[0];
        var where = firstLine is { } l ? (firstFile == found[1].File ? $"line {l}" : $"{firstFile} line {l}") : firstFile;
        return SnorkelerException.InFile(found[1].File, $"{message}; the first answer is on {where}", found[1].Line);
    }

    private static LabelMatrix DenseOrError(LabelMatrix matrix, string path)
    {
        if ((long)matrix.RowCount * matrix.LfCount > Array.MaxLength)
            throw SnorkelerException.InFile(path, $"{matrix.RowCount:N0} tasks × {matrix.LfCount:N0} workers are too many cells for dense storage; use sparse storage");
        return matrix.ToDense();
    }

    private static string KindName(SourceKind kind) => kind == SourceKind.Annotator ? "annotator" : "lf";

    private static SourceKind ParseKind(ReadOnlySpan<char> text, string path, long? line)
    {
        if (text.Equals("annotator", StringComparison.OrdinalIgnoreCase)) return SourceKind.Annotator;
        if (text.Equals("lf", StringComparison.OrdinalIgnoreCase)) return SourceKind.LabelingFunction;
        throw SnorkelerException.InFile(path, $"source kind '{text}' is neither 'annotator' nor 'lf'", line);
    }

    /// <summary>
    /// The classes the <c>label.json</c> files beside <paramref name="paths"/> name, or null when there is none; files
    /// in folders whose <c>label.json</c> name other classes are an error naming both.
    /// </summary>
    private static LabelSchema? SchemaBeside(IReadOnlyList<string> paths)
    {
        (string Path, LabelSchema Schema)? first = null;
        foreach (var path in paths)
        {
            if (SchemaBeside(path) is not { } schema) continue;
            if (first is null) first = (path, schema);
            else if (!first.Value.Schema.Equals(schema))
                throw SnorkelerException.InFile(path, $"the label.json beside it names the classes {schema.ListedAgainst(first.Value.Schema)}, but the one beside {first.Value.Path} names {first.Value.Schema.ListedAgainst(schema)}; give answers of one set of classes");
        }
        return first?.Schema;
    }

    /// <summary>The classes <c>label.json</c> beside <paramref name="path"/> names, or null when there is none.</summary>
    public static LabelSchema? SchemaBeside(string path)
    {
        var labelPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", "label.json");
        return File.Exists(labelPath) ? WrenchFile.ReadSchema(path) : null;
    }

    private static (int[] Gold, long Unmatched, int Labelled, string? FirstUnmatched) ReadGold(string path, MatrixReadOptions options, KeyTable tasks, LabelTable labels)
    {
        var source = DataSources.Open(path, options.CsvOptions); // --delimiter applies to the gold file as to the answers
        // A gold file written by other hands often calls its columns otherwise than the answers do ('item' or 'id' for the
        // task, 'truth' or 'gold' for the label): named on its own, a column must be there; else the answers' column, or
        // 'task' and 'label', as before the options existed.
        var taskColumn = Column(options.GoldTaskColumn, options.TaskColumn, MatrixReadOptions.DefaultTaskColumn, "--gold-task-column");
        var labelColumn = Column(options.GoldLabelColumn, options.LabelColumn, MatrixReadOptions.DefaultLabelColumn, "--gold-label-column");

        int Column(string? named, string? answers, string fallback, string option)
            => named is not null ? source.Schema.RequireIndex(named, path, option)
                : source.Schema.IndexOf(answers ?? fallback) is var at and >= 0 ? at : source.Schema.RequireIndex(fallback, path, option);

        var pending = new Dictionary<int, (int Label, string Text, long? Line)>();
        long unmatched = 0;
        string? firstUnmatched = null;
        foreach (var batch in source.ReadBatches(8192))
            for (var i = 0; i < batch.Count; i++)
            {
                var label = batch.Text(i, labelColumn).Trim();
                if (label.IsEmpty || label.SequenceEqual("-1")) continue;
                var taskText = batch.Text(i, taskColumn).Trim();
                var task = tasks.Find(taskText);
                var line = batch.LineOf(i);
                var id = labels.Add(label, path, line, source.Schema.Names[labelColumn], source is JsonLinesSource);
                if (task < 0)
                {
                    if (unmatched++ == 0) firstUnmatched = taskText.ToString();
                    continue;
                }
                // one task, two different gold labels: which one is true is not ours to guess
                if (pending.TryGetValue(task, out var first) && first.Label != id)
                    throw SnorkelerException.InFile(path, $"task '{taskText.ToString()}' has two gold labels: '{first.Text}'{(first.Line is { } firstLine ? $" (line {firstLine})" : "")} and '{label.ToString()}'; give each task one", line);
                pending.TryAdd(task, (id, label.ToString(), line));
            }
        // Classes are only known once answers and gold are both read: keep label ids, resolve in Read.
        var gold = new int[tasks.Count];
        Array.Fill(gold, LabelSchema.Abstain);
        foreach (var (task, (id, _, _)) in pending) gold[task] = GoldId(id);
        labels.GoldIds = gold;
        return (gold, unmatched, pending.Count, firstUnmatched);
    }

    /// <summary>Maps a label id to a gold placeholder below -1 and back (it is its own inverse).</summary>
    private static int GoldId(int value) => -2 - value;

    /// <summary>Distinct keys (tasks or workers) numbered in order of first appearance, looked up without allocating.</summary>
    private sealed class KeyTable
    {
        private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
        private readonly List<string> _names = [];

        public KeyTable() => _lookup = _index.GetAlternateLookup<ReadOnlySpan<char>>();

        public int Count => _names.Count;

        public IReadOnlyList<string> Names => _names;

        public string Name(int index) => _names[index];

        public int Find(ReadOnlySpan<char> key) => _lookup.TryGetValue(key, out var i) ? i : -1;

        public int Add(ReadOnlySpan<char> key)
        {
            if (_lookup.TryGetValue(key, out var i)) return i;
            var name = key.ToString();
            _index[name] = _names.Count;
            _names.Add(name);
            return _names.Count - 1;
        }
    }

    /// <summary>The distinct label texts seen, mapped to classes once all are known.</summary>
    private sealed class LabelTable(LabelSchema? schema)
    {
        private readonly KeyTable _texts = new();

        /// <summary>Where each label text was first read (file, line, column), for a message about it.</summary>
        private readonly List<(string Path, long? Line, string Column)> _firstSeen = [];

        /// <summary>Gold labels stored as <see cref="GoldId"/>(label id), below -1, until the classes are resolved.</summary>
        public int[]? GoldIds { get; set; }

        /// <summary>
        /// The id of a label text, read at <paramref name="line"/> of <paramref name="path"/> in <paramref name="column"/>:
        /// an error when it holds a control character (double.TryParse read "1\0" as 1, and no class name holds one)
        /// or, with the classes known, names none of them.
        /// </summary>
        public int Add(ReadOnlySpan<char> text, string path, long? line, string column, bool json = false)
        {
            var before = _texts.Count;
            var id = _texts.Add(text);
            if (id == before) _firstSeen.Add((path, line, column));
            // JSON Lines gives a nested value as its raw JSON: a label [1] or {"v": 1} became a class named so, beside 0 and 1.
            if (id == before && json && text[0] is '[' or '{')
                throw SnorkelerException.InFile(path, $"column '{column}': '{Text.Printable.OneLine(text.ToString())}' is not a label (a class name or number): it is written as a JSON {(text[0] == '[' ? "array" : "object")}", line);
            if (id == before && Text.ControlCharacters.Held(text) is { } held) // a text is checked when first seen, which is its first line
                throw SnorkelerException.InFile(path, $"column '{column}': '{text}' is not a label (a class name or number){held}", line);
            if (id == before && schema is not null && ClassIn(schema, _texts.Name(id)) < 0)
                throw SnorkelerException.InFile(path, $"column '{column}': '{_texts.Name(id)}' is not a class of {schema}{Hint(schema, _texts.Name(id))}", line);
            return id;
        }

        private static string Hint(LabelSchema schema, string text)
            => Text.Suggest.DidYouMean(text, schema.ClassNames);

        public LabelSchema Resolve(string path)
        {
            if (schema is not null) return schema;
            var numbers = new List<int>();
            var notClass = -1; // the first label that is a number but no class number (-3, 1.5)
            for (var id = 0; id < _texts.Count; id++)
            {
                var text = _texts.Name(id);
                if (WholeNumber(text) is { } v) numbers.Add(v);
                else if (!IsNumber(text)) return ByName(path);
                else if (notClass < 0) notClass = id;
            }
            // Labels that are all numbers are class numbers: read as names instead, one -3 or 1.5 among them made every
            // label a class in byte order ("-3", "0", "1", "10", "2"), so that answers of 0 were class 1, without a word.
            if (notClass >= 0)
            {
                var (file, line, column) = _firstSeen[notClass];
                var text = _texts.Name(notClass);
                throw SnorkelerException.InFile(file, $"column '{column}': '{text}' is not a class number: labels that are all numbers are the classes 0, 1, … "
                    + $"(-1 or an empty label is no answer); to read labels such as '{text}' as class names, name the classes in a label.json beside the file", line);
            }
            return LabelSchema.Numbered(Math.Max(2, numbers.DefaultIfEmpty(0).Max() + 1));
        }

        /// <summary>
        /// The labels read that name a class by name and another class by number (<c>'1'</c> under a label.json of
        /// <c>{"0": "1", "1": "0"}</c>), as <c>'1' as class 0 (not 1)</c>: a label is matched by name
        /// first, so these answers went to the class so named, silently when they meant the number.
        /// </summary>
        public IReadOnlyList<string> NumberNameClashes(LabelSchema resolved)
        {
            var clashes = new List<string>();
            for (var id = 0; id < _texts.Count; id++)
            {
                var text = _texts.Name(id);
                if (resolved.LabelOf(text) is { } byName && WholeNumber(text) is { } byNumber && byNumber != byName && byNumber < resolved.Cardinality)
                    clashes.Add(string.Create(CultureInfo.InvariantCulture, $"'{text}' as class {byName} (not {byNumber})"));
            }
            if (clashes.Count == 0) return []; // the shared empty array, so that reports compare equal as values
            return clashes;
        }

        // NaN and numbers past a double's range count too: "nan" among numeric labels is a missing value written as a
        // number, and read as names it made every label a class in byte order ('10' before '2').
        private static bool IsNumber(string text) => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

        private LabelSchema ByName(string path)
        {
            var names = _texts.Names.OrderBy(n => n, StringComparer.Ordinal).ToArray();
            if (names.Length < 2) throw SnorkelerException.InFile(path, $"the labels name only one class ('{names[0]}'); add a label.json beside the file naming the classes");
            try { return new LabelSchema(names); }
            catch (ArgumentException e) { throw SnorkelerException.InFile(path, e.Message); }
        }

        /// <summary>The class of every label id under <paramref name="resolved"/>; gold ids are resolved too.</summary>
        public int[] ClassOf(LabelSchema resolved)
        {
            var classes = new int[_texts.Count];
            for (var id = 0; id < classes.Length; id++) classes[id] = ClassIn(resolved, _texts.Name(id));
            if (GoldIds is { } gold)
                for (var t = 0; t < gold.Length; t++)
                    if (gold[t] < LabelSchema.Abstain) gold[t] = classes[GoldId(gold[t])];
            return classes;
        }

        private static int ClassIn(LabelSchema schema, string text)
            => schema.LabelOf(text) ?? (WholeNumber(text) is { } v && v < schema.Cardinality ? v : -1);

        /// <summary>A whole number 0..32766 written as an integer or an integral decimal (a float column's "1.0").</summary>
        private static int? WholeNumber(string text)
            => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d >= 0 && d < short.MaxValue && d == Math.Floor(d) ? (int)d : null;
    }

    /// <summary>An append-only array that grows by doubling (no per-item object, unlike a list of tuples).</summary>
    private sealed class GrowingArray<T> where T : struct
    {
        private T[] _items = new T[1024];

        public int Count { get; private set; }

        public T this[int index] => _items[index];

        public void Add(T item)
        {
            if (Count == _items.Length)
            {
                if (_items.Length >= Array.MaxLength) throw new SnorkelerException("too many answers for one file (more than 2 billion)");
                Array.Resize(ref _items, (int)Math.Min(Array.MaxLength, _items.Length * 2L));
            }
            _items[Count++] = item;
        }
    }
}

/// <summary>What reading a long-format file found.</summary>
/// <param name="Lines">Answer lines read.</param>
/// <param name="Answers">Answers kept as votes.</param>
/// <param name="Repeats">Answers of a worker to a task it had already answered (resolved by the repeats rule).</param>
/// <param name="Empty">Lines with an empty label (or -1), skipped.</param>
/// <param name="UnknownWorkerAnswers">Answers of workers outside the given sources (a fitted model's), left out.</param>
/// <param name="GoldTasks">Tasks given a gold label by the gold file.</param>
/// <param name="GoldUnmatched">Gold labels for tasks with no answer, left out.</param>
public sealed record AnswersReport(long Lines, long Answers, long Repeats, long Empty, long UnknownWorkerAnswers, int GoldTasks, long GoldUnmatched)
{
    /// <summary>The first repeated answer, as <c>worker 'w' on task 't'</c>, so that the count can be checked; null without repeats.</summary>
    public string? FirstRepeat { get; init; }

    /// <summary>The first task of the gold file that has no answers (its id as written there); null when every gold task has answers.</summary>
    public string? FirstUnmatchedGoldTask { get; init; }

    /// <summary>The workers outside the given sources whose answers were left out, in order of first appearance.</summary>
    public IReadOnlyList<string> UnknownWorkers { get; init; } = [];

    /// <summary>Tasks all of whose answers were left out as unknown workers' answers: they have no row, so no label.</summary>
    public IReadOnlyList<string> TasksWithoutKnownAnswers { get; init; } = [];

    /// <summary>
    /// Tasks whose every line has an empty label (or -1), and no answer of an unknown worker: they have no row, so no label.
    /// </summary>
    public IReadOnlyList<string> TasksWithOnlyEmptyLabels { get; init; } = [];

    /// <summary>
    /// Labels read that are the name of one class and the number of another (<c>'1' as class 0 (not 1)</c>),
    /// which were read by name; empty when none is.
    /// </summary>
    public IReadOnlyList<string> NumberNamedClasses { get; init; } = [];

    /// <summary>What named the classes when <see cref="NumberNamedClasses"/> is not empty (the label.json's path); else null.</summary>
    public string? ClassesFrom { get; init; }

    private static string Were(long n) => n == 1 ? "was" : "were";

    /// <summary>The first few names of a list, for a message.</summary>
    private static string Some(IReadOnlyList<string> names)
        => string.Join(", ", names.Take(5)) + (names.Count > 5 ? ", …" : "");

    /// <summary>One-line notes on anything left out or resolved, for a log (empty when nothing was).</summary>
    public IEnumerable<string> Notes()
    {
        if (Repeats > 0) yield return $"{Text.Listing.Counted(Repeats, "repeated answer")} of a worker to the same task {Were(Repeats)} resolved by the repeats rule (e.g. {FirstRepeat})";
        // "-1" is no answer too: a person who wrote it must not go looking for an empty cell.
        if (Empty > 0) yield return $"{Text.Listing.Counted(Empty, "line")} with no answer (an empty label or -1) {Were(Empty)} skipped";
        if (UnknownWorkerAnswers > 0)
            yield return $"{Text.Listing.Counted(UnknownWorkerAnswers, "answer")} of workers the model does not know {Were(UnknownWorkerAnswers)} left out "
                         + $"({Text.Listing.Counted(UnknownWorkers.Count, "worker")}: {Some(UnknownWorkers)}); a model fitted on answers that include theirs would use them";
        if (GoldUnmatched > 0) yield return $"{Text.Listing.Counted(GoldUnmatched, "gold label")} for tasks without answers {Were(GoldUnmatched)} left out";
    }

    /// <summary>What a caller should not miss (empty when nothing): tasks that get no label because no answer of theirs was kept.</summary>
    public IEnumerable<string> Warnings()
    {
        // No gold label met its task: the two files most likely write the ids differently ("q1" and "1", "Q1", padded).
        if (GoldTasks == 0 && GoldUnmatched > 0)
            yield return GoldUnmatched == 1
                ? $"the one gold label names no task among the answers ('{FirstUnmatchedGoldTask}'); are the task ids written alike in both files?"
                : $"none of the {Text.Listing.Counted(GoldUnmatched, "gold label")} names a task among the answers (the first names '{FirstUnmatchedGoldTask}'); are the task ids written alike in both files?";
        if (NumberNamedClasses.Count > 0)
            yield return $"{ClassesFrom} names classes with the numbers of other classes, and the {(NumberNamedClasses.Count == 1 ? "label" : "labels")} "
                         + $"{Some(NumberNamedClasses)} {(NumberNamedClasses.Count == 1 ? "was" : "were")} read by name (a name is matched before a number); "
                         + "if a label means the class of its number, give the classes names that are not class numbers";
        var n = TasksWithoutKnownAnswers.Count;
        if (n > 0)
            yield return $"{Text.Listing.Counted(n, "task")} {(n == 1 ? "has" : "have")} only answers of workers the model does not know and {(n == 1 ? "is" : "are")} not in the output: {Some(TasksWithoutKnownAnswers)}";
        // A task whose lines all say "no answer" vanished from the outputs with no word but the count of skipped lines.
        var unanswered = TasksWithOnlyEmptyLabels.Count;
        if (unanswered > 0)
            yield return $"{Text.Listing.Counted(unanswered, "task")} {(unanswered == 1 ? "has" : "have")} only empty labels (no answer), so {(unanswered == 1 ? "it has" : "they have")} no row and no label in any output: {Some(TasksWithOnlyEmptyLabels)}";
    }
}

/// <summary>
/// A label matrix read from long format: one row per task, keyed by the task's id (<see cref="Keys"/>), one
/// source per worker. It is an <see cref="IMatrixSource"/> over its in-memory matrix.
/// </summary>
public sealed class AnswerMatrix : IMatrixSource, IRowKeys
{
    internal AnswerMatrix(LabelMatrix matrix, IReadOnlyList<string> keys, AnswersReport report)
    {
        Matrix = matrix;
        Keys = keys;
        Report = report;
    }

    /// <summary>The votes: rows are tasks, sources are workers.</summary>
    public LabelMatrix Matrix { get; }

    /// <summary>The output column that identifies a row: <c>task</c>.</summary>
    public string KeyColumn => MatrixReadOptions.DefaultTaskColumn;

    /// <summary>Each row's task id, in row order.</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>What reading found (answers kept, repeats, lines skipped).</summary>
    public AnswersReport Report { get; }

    /// <inheritdoc />
    public LabelSchema Schema => Matrix.Schema;

    /// <inheritdoc />
    public IReadOnlyList<string> LfNames => Matrix.LfNames;

    /// <inheritdoc />
    public long? RowCount => Matrix.RowCount;

    /// <inheritdoc />
    public bool HasGold => Matrix.HasGold;

    /// <inheritdoc />
    public IReadOnlyList<SourceKind> SourceKinds => Matrix.SourceKinds;

    /// <inheritdoc />
    public IEnumerable<LabelMatrix> ReadBlocks(int rowsPerBlock = IMatrixSource.DefaultBlockRows) => Matrix.ReadBlocks(rowsPerBlock);
}

/// <summary>A matrix whose rows have ids (tasks), which outputs carry as their first column.</summary>
public interface IRowKeys
{
    /// <summary>The name of the id column in outputs.</summary>
    string KeyColumn { get; }

    /// <summary>Each row's id, in row order.</summary>
    IReadOnlyList<string> Keys { get; }
}
