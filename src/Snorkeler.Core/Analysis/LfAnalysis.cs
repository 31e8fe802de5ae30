using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Snorkeler.Analysis;

/// <summary>One LF's statistics over a label matrix (Snorkel's <c>lf_summary</c> and more).</summary>
/// <param name="Name">The LF.</param>
/// <param name="Polarity">The classes it voted at least once, in class order.</param>
/// <param name="Coverage">Share of rows it voted on.</param>
/// <param name="Overlaps">Share of rows it voted on where at least one other LF voted too.</param>
/// <param name="Conflicts">Share of rows it voted on where another LF voted a different class.</param>
/// <param name="VotesPerClass">How many times it voted each class.</param>
/// <param name="Correct">Rows with a gold label where it voted the gold class (null without gold labels).</param>
/// <param name="Incorrect">Rows with a gold label where it voted another class (null without gold labels).</param>
public sealed record LfStatistics(string Name, IReadOnlyList<int> Polarity, double Coverage, double Overlaps, double Conflicts,
    IReadOnlyList<long> VotesPerClass, long? Correct, long? Incorrect)
{
    /// <summary>Correct over correct plus incorrect; null without gold labels or votes on labelled rows.</summary>
    public double? EmpiricalAccuracy => Correct is { } c && Incorrect is { } i && c + i > 0 ? (double)c / (c + i) : null;
}

/// <summary>The statistics of every LF of a matrix and of the matrix as a whole.</summary>
public sealed record LfSummary(LabelSchema Schema, long Rows, IReadOnlyList<LfStatistics> Lfs, double Coverage, double Overlap, double Conflict, bool HasGold)
{
    /// <summary>
    /// Whether every source is a person (answers read as annotators): the text table then names its sources workers and
    /// its rows tasks, as the line describing the answers does. JSON keeps its <c>lfs</c> and <c>rows</c> fields.
    /// </summary>
    public bool People { get; init; }

    /// <summary>Computes the summary block by block (constant memory in the number of rows).</summary>
    public static LfSummary Of(IMatrixSource matrix)
    {
        var m = matrix.LfNames.Count;
        var k = matrix.Schema.Cardinality;
        long rows = 0, covered = 0, overlapped = 0, conflicted = 0;
        var coverage = new long[m];
        var overlaps = new long[m];
        var conflicts = new long[m];
        var votes = new long[m * k];
        var correct = new long[m];
        var incorrect = new long[m];
        var sources = new int[m];
        var row = new int[m];
        var counts = new int[k];
        var anyGold = false;
        foreach (var block in matrix.ReadBlocks())
        {
            for (var i = 0; i < block.RowCount; i++)
            {
                var voters = block.CopyVotes(i, sources, row);
                var distinct = 0;
                Array.Clear(counts);
                for (var e = 0; e < voters; e++)
                    if (counts[row[e]]++ == 0) distinct++;
                rows++;
                if (voters > 0) covered++;
                if (voters > 1) overlapped++;
                if (distinct > 1) conflicted++;
                var gold = block.HasGold ? block.Gold(i) : -1;
                if (gold >= 0) anyGold = true;
                for (var e = 0; e < voters; e++)
                {
                    var j = sources[e];
                    var v = row[e];
                    coverage[j]++;
                    votes[j * k + v]++;
                    if (voters > 1) overlaps[j]++;
                    if (counts[v] < voters) conflicts[j]++;
                    if (gold >= 0)
                    {
                        if (v == gold) correct[j]++;
                        else incorrect[j]++;
                    }
                }
            }
        }
        double Share(long count) => rows == 0 ? 0 : (double)count / rows;
        // A gold column without a single label (unlabelled data read with --gold-column) says nothing about accuracy:
        // "0 correct, 0 incorrect" would read as a measurement.
        var hasGold = matrix.HasGold && anyGold;
        var lfs = new LfStatistics[m];
        for (var j = 0; j < m; j++)
        {
            var perClass = votes.AsSpan(j * k, k).ToArray();
            var polarity = Enumerable.Range(0, k).Where(c => perClass[c] > 0).ToArray();
            lfs[j] = new LfStatistics(matrix.LfNames[j], polarity, Share(coverage[j]), Share(overlaps[j]), Share(conflicts[j]), perClass,
                hasGold ? correct[j] : null, hasGold ? incorrect[j] : null);
        }
        return new LfSummary(matrix.Schema, rows, lfs, Share(covered), Share(overlapped), Share(conflicted), hasGold)
        {
            People = m > 0 && matrix.SourceKinds.All(kind => kind == SourceKind.Annotator),
        };
    }

    /// <summary>The summary as JSON: <c>rows</c>, <c>classes</c>, <c>coverage</c>, <c>overlap</c>, <c>conflict</c>, and <c>lfs</c> (per LF: <c>name</c>, <c>polarity</c>, <c>coverage</c>, <c>overlaps</c>, <c>conflicts</c>, <c>votes</c>, and with gold labels <c>correct</c>, <c>incorrect</c>, <c>empirical_accuracy</c>).</summary>
    public void WriteJson(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteNumber("rows", Rows);
        json.WriteStartArray("classes");
        foreach (var c in Schema.ClassNames) json.WriteStringValue(c);
        json.WriteEndArray();
        json.WriteNumber("coverage", Coverage);
        json.WriteNumber("overlap", Overlap);
        json.WriteNumber("conflict", Conflict);
        json.WriteStartArray("lfs");
        foreach (var lf in Lfs)
        {
            json.WriteStartObject();
            json.WriteString("name", lf.Name);
            json.WriteStartArray("polarity");
            foreach (var p in lf.Polarity) json.WriteStringValue(Schema.NameOf(p));
            json.WriteEndArray();
            json.WriteNumber("coverage", lf.Coverage);
            json.WriteNumber("overlaps", lf.Overlaps);
            json.WriteNumber("conflicts", lf.Conflicts);
            json.WriteStartObject("votes");
            for (var c = 0; c < Schema.Cardinality; c++) json.WriteNumber(Schema.ClassNames[c], lf.VotesPerClass[c]);
            json.WriteEndObject();
            if (HasGold)
            {
                json.WriteNumber("correct", lf.Correct ?? 0);
                json.WriteNumber("incorrect", lf.Incorrect ?? 0);
                if (lf.EmpiricalAccuracy is { } a) json.WriteNumber("empirical_accuracy", a);
                else json.WriteNull("empirical_accuracy");
            }
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>The summary as an aligned text table (for terminals) or a Markdown table.</summary>
    public string ToTable(bool markdown)
    {
        var header = new List<string> { People ? "worker" : "lf", "polarity", "coverage", "overlaps", "conflicts" };
        if (HasGold) header.AddRange(["correct", "incorrect", "emp. acc."]);
        var rows = Lfs.Select(lf =>
        {
            var cells = new List<string>
            {
                lf.Name,
                string.Join(",", lf.Polarity.Select(Schema.NameOf)),
                F(lf.Coverage), F(lf.Overlaps), F(lf.Conflicts),
            };
            if (HasGold) cells.AddRange([N(lf.Correct ?? 0), N(lf.Incorrect ?? 0), lf.EmpiricalAccuracy is { } a ? F(a) : "-"]);
            return cells;
        }).ToList();
        var total = new List<string> { "(all)", "", F(Coverage), F(Overlap), F(Conflict) };
        if (HasGold) total.AddRange(["", "", ""]);
        rows.Add(total);
        if (markdown) return Tables.Render(header, rows, markdown, rightAligned: c => c >= 2);
        FitNames(header, rows);
        return Tables.Render(header, rows, markdown, rightAligned: c => c >= 2) + Tables.Wrap($"{Counted}, classes {Schema}");
    }

    /// <summary>"1,956 rows, 10 LFs", or for people's answers "108 tasks, 39 workers": the text table's last line and the HTML report's first say it alike.</summary>
    internal string Counted
        => string.Create(CultureInfo.InvariantCulture, $"{Rows:N0} {(People ? "task" : "row")}{(Rows == 1 ? "" : "s")}, {Lfs.Count:N0} {(People ? "worker" : "LF")}{(Lfs.Count == 1 ? "" : "s")}");

    /// <summary>
    /// Cuts the source names (column 0) and the class names of the polarities (column 1) of a text table's
    /// <paramref name="rows"/> so that the table fits 100 columns, each cut name standing for one name alone: the wider
    /// of the two columns gives up a character first, neither below 12; a polarity that would not fit even with class
    /// names of 12 characters is told as a count (<c>40 classes</c>).
    /// </summary>
    private void FitNames(IReadOnlyList<string> header, List<List<string>> rows)
    {
        const int least = 12;
        var others = 2 * (header.Count - 1);
        for (var c = 2; c < header.Count; c++) others += Math.Max(header[c].Length, rows.Max(r => r[c].Length));
        var room = 100 - others;
        var allClasses = Enumerable.Range(0, Schema.Cardinality).Select(Schema.NameOf).ToList();
        var cuts = new Dictionary<int, string[]>();
        string[] ClassNames(int width) => cuts.TryGetValue(width, out var names) ? names : cuts[width] = Tables.Shorten(allClasses, allClasses, width);
        string Polarity(LfStatistics lf, int width) => string.Join(",", lf.Polarity.Select(c => ClassNames(width)[c]));
        var nameWidth = rows.Max(r => r[0].Length);
        var listed = Lfs.Select(lf => lf.Polarity.Sum(c => Math.Min(least, allClasses[c].Length) + 1) - 1 <= room - Math.Min(least, nameWidth)).ToArray();
        int PolarityWidth(int width) => Lfs.Select((lf, j) => listed[j] ? Polarity(lf, width).Length : 0).Append("polarity".Length).Max();
        // A class name wider than the room is cut to it anyway: starting there, not at a name of 100,000 characters,
        // keeps the narrowing below to a hundred steps (each cuts every class name).
        var classWidth = Math.Max(least, Math.Min(room, allClasses.Max(c => c.Length)));
        while (nameWidth + PolarityWidth(classWidth) > room)
        {
            if (nameWidth > least && (nameWidth >= PolarityWidth(classWidth) || classWidth == least)) nameWidth--;
            else if (classWidth > least) classWidth--;
            else break;
        }
        var names = Tables.Shorten(Lfs.Select(lf => lf.Name).ToList(), Lfs.Select(lf => lf.Name).ToList(), nameWidth);
        for (var j = 0; j < Lfs.Count; j++)
        {
            rows[j][0] = names[j];
            rows[j][1] = listed[j] ? Polarity(Lfs[j], classWidth) : $"{Lfs[j].Polarity.Count} classes";
        }
    }

    private static string F(double v) => v.ToString("0.000", CultureInfo.InvariantCulture);

    private static string N(long v) => v.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Renders text and Markdown tables.</summary>
public static class Tables
{
    /// <summary>
    /// A line of text broken into lines of at most <paramref name="width"/> characters, each ending in a newline: after a
    /// comma where it can (a clause stays whole), else between words, and a word too long for a line (a list of class
    /// names, <c>a/b/c</c>) after a slash; the lines after the first are indented by two spaces. A word longer than the
    /// width with no slash stays whole.
    /// </summary>
    internal static string Wrap(string line, int width = 100) => Wrap(line.Split(", "), width);

    /// <summary>
    /// <see cref="Wrap(string, int)"/> for a line given as the clauses that joined by ", " make it, so that a comma
    /// within a clause (in an LF's name) is no place to break.
    /// </summary>
    internal static string Wrap(IReadOnlyList<string> clauses, int width = 100)
    {
        var lines = new List<string>();
        var current = "";
        void Add(string piece, string glue = " ")
        {
            if (current.Length == 0) current = piece;
            else if (current.Length + glue.Length + piece.Length <= width) current += glue + piece;
            else
            {
                lines.Add(current);
                current = "  " + piece;
            }
        }
        for (var i = 0; i < clauses.Count; i++)
        {
            var clause = i < clauses.Count - 1 ? clauses[i] + "," : clauses[i];
            if (clause.Length + 2 <= width) Add(clause);
            else
                foreach (var word in clause.Split(' '))
                {
                    if (word.Length + 2 <= width || !word.Contains('/', StringComparison.Ordinal)) Add(word);
                    else
                    {
                        var parts = word.Split('/');
                        for (var p = 0; p < parts.Length; p++) Add(p < parts.Length - 1 ? parts[p] + "/" : parts[p], p == 0 ? " " : "");
                    }
                }
        }
        lines.Add(current);
        return string.Join("\n", lines) + "\n";
    }

    /// <summary>
    /// The names of <paramref name="shown"/> as a text table shows them in at most <paramref name="width"/> characters:
    /// a longer name is cut with an ellipsis, at its end (<c>annotator_from_the_spr…</c>) or, when that cut would also fit
    /// another name of <paramref name="all"/>, keeping its end too (<c>annotator_from…batch_02</c>), so that a cut name
    /// stands for one name only; when no cut of that width does, the name is cut less (or shown whole). Markdown, JSON and
    /// CSV show names whole.
    /// </summary>
    internal static string[] Shorten(IReadOnlyList<string> shown, IReadOnlyList<string> all, int width)
        => [.. shown.Select(name => name.Length <= width ? name : Cut(name, all, Math.Max(width, 2)))];

    /// <summary>
    /// The first cut of <paramref name="name"/> that no other of <paramref name="all"/> fits: fewest characters first; of
    /// those, the one keeping the most of its start, else one whose kept end is whole words (<c>…batch_02</c>, not <c>…h_02</c>).
    /// </summary>
    private static string Cut(string name, IReadOnlyList<string> all, int width)
    {
        for (var length = width; length < name.Length; length++)
        {
            var ends = Enumerable.Range(1, length - 2).ToLookup(e => char.IsLetterOrDigit(name[^(e + 1)])); // false: the end is whole words
            foreach (var end in ends[false].Prepend(0).Concat(ends[true]))
            {
                var start = length - 1 - end;
                var (head, tail) = (name[..start], name[^end..]);
                if (!all.Any(other => other != name && other.Length >= start + end
                                      && other.StartsWith(head, StringComparison.Ordinal) && other.EndsWith(tail, StringComparison.Ordinal)))
                    return head + "…" + tail;
            }
        }
        return name;
    }

    /// <summary>
    /// The room column <paramref name="column"/> of a text table has when the whole table is to fit
    /// <paramref name="width"/> columns: the width less the other columns and the two spaces between columns, at least
    /// <paramref name="least"/>.
    /// </summary>
    internal static int RoomFor(IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows, int column, int least, int width = 100)
    {
        var others = 2 * (header.Count - 1);
        for (var c = 0; c < header.Count; c++)
            if (c != column) others += Math.Max(header[c].Length, rows.Select(r => r[c].Length).DefaultIfEmpty(0).Max());
        return Math.Max(least, width - others);
    }

    /// <summary>
    /// A table with a header row; columns for which <paramref name="rightAligned"/> holds are right-aligned. Cells hold names
    /// from files (LFs, workers, classes), so each is shown on one line with its control characters escaped
    /// (<see cref="Snorkeler.Text.Printable.OneLine"/>), and in Markdown with its pipes and markup escaped too (<see cref="Snorkeler.Text.Printable.MarkdownCell"/>).
    /// </summary>
    public static string Render(IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows, bool markdown, Func<int, bool>? rightAligned = null)
    {
        rightAligned ??= _ => false;
        Func<string, string> shown = markdown ? Snorkeler.Text.Printable.MarkdownCell : Snorkeler.Text.Printable.OneLine;
        header = header.Select(shown).ToList();
        rows = rows.Select(r => (IReadOnlyList<string>)r.Select(shown).ToList()).ToList();
        var widths = header.Select((h, c) => Math.Max(h.Length, rows.Select(r => r[c].Length).DefaultIfEmpty(0).Max())).ToArray();
        var sb = new StringBuilder();
        string Cell(string s, int c) => rightAligned(c) ? s.PadLeft(widths[c]) : s.PadRight(widths[c]);
        if (markdown)
        {
            sb.Append("| ").Append(string.Join(" | ", header.Select(Cell))).Append(" |\n");
            sb.Append('|').Append(string.Join("|", widths.Select((w, c) => rightAligned(c) ? new string('-', w + 1) + ":" : new string('-', w + 2)))).Append("|\n");
            foreach (var r in rows) sb.Append("| ").Append(string.Join(" | ", r.Select(Cell))).Append(" |\n");
        }
        else
        {
            sb.Append(string.Join("  ", header.Select(Cell)).TrimEnd()).Append('\n');
            sb.Append(string.Join("  ", widths.Select(w => new string('-', w)))).Append('\n');
            foreach (var r in rows) sb.Append(string.Join("  ", r.Select(Cell)).TrimEnd()).Append('\n');
        }
        return sb.ToString();
    }
}
