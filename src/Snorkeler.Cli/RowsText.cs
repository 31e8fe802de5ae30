using System.Globalization;
using System.Text;
using Snorkeler.Analysis;

namespace Snorkeler.Cli;

/// <summary>The text and Markdown views of sampled rows (the JSON view is <see cref="RowRecord.WriteJson"/>).</summary>
internal static class RowsText
{
    private const string MarkOn = "\u001b[1;4;33m";
    private const string MarkOff = "\u001b[0m";

    /// <summary>
    /// One block per row: where it is and its gold label; each voting LF with its vote, whether it is right, and the
    /// clause that fired; then the fields, with what made rules fire marked: in colour on a terminal, else <c>[[...]]</c>.
    /// </summary>
    public static string Text(string heading, IReadOnlyList<RowRecord> records, LabelSchema schema, IReadOnlyList<LabelingFunction>? lfs, int width, bool colour)
    {
        var text = new StringBuilder();
        text.Append(heading).Append('\n');
        var lfWidth = records.SelectMany(r => r.Votes).Select(v => v.Lf.Length).DefaultIfEmpty(0).Max();
        var classWidth = schema.ClassNames.Max(c => c.Length);
        foreach (var r in records)
        {
            text.Append('\n').Append(Where(r, schema)).Append('\n');
            if (r.Votes.Count == 0) text.Append("  no LF votes\n");
            foreach (var v in r.Votes)
            {
                text.Append("  ").Append(v.Lf.PadRight(lfWidth)).Append("  ").Append(schema.NameOf(v.Vote).PadRight(classWidth));
                if (r.Gold >= 0) text.Append(v.Vote == r.Gold ? "  right" : "  wrong");
                if (v.Why?.Condition is { } condition) text.Append("  when ").Append(OneLine(condition));
                text.Append('\n');
            }
            var nameWidth = r.Fields.Select(f => f.Name.Length).DefaultIfEmpty(0).Max();
            foreach (var f in r.Fields)
            {
                text.Append("  ").Append((OneLine(f.Name) + ":").PadRight(nameWidth + 1)).Append(' ');
                if (f.Value is null) text.Append("(missing)");
                else
                    foreach (var s in Highlight.Segments(f.Value, Matches(r, f.Name), width))
                        text.Append(s.Matched ? colour ? MarkOn + OneLine(s.Text) + MarkOff : "[[" + OneLine(s.Text) + "]]" : OneLine(s.Text));
                text.Append('\n');
            }
        }
        return text.ToString();
    }

    /// <summary>A heading and one table row per row; matches in bold.</summary>
    public static string Markdown(string heading, IReadOnlyList<RowRecord> records, LabelSchema schema)
    {
        var text = new StringBuilder();
        text.Append("**").Append(Escape(heading)).Append("**\n\n");
        if (records.Count == 0) return text.ToString();
        var fields = records[0].Fields.Select(f => f.Name).ToList();
        var model = records.Any(r => r.Probabilities is not null);
        text.Append("| row | line | gold | votes |");
        if (model) text.Append(" model |");
        foreach (var f in fields) text.Append(' ').Append(Escape(f)).Append(" |");
        text.Append('\n').Append(string.Concat(Enumerable.Repeat("|---", 4 + (model ? 1 : 0) + fields.Count))).Append("|\n");
        foreach (var r in records)
        {
            text.Append("| ").Append(r.Number.ToString(CultureInfo.InvariantCulture)).Append(" | ").Append(r.Line?.ToString(CultureInfo.InvariantCulture) ?? "")
                .Append(" | ").Append(r.Gold >= 0 ? Escape(schema.NameOf(r.Gold)) : "").Append(" | ")
                .Append(r.Votes.Count == 0 ? "(none)" : string.Join(", ", r.Votes.Select(v => $"{Escape(v.Lf)}: {Escape(schema.NameOf(v.Vote))}{(r.Gold < 0 ? "" : v.Vote == r.Gold ? " ✓" : " ✗")}")))
                .Append(" |");
            if (model) text.Append(' ').Append(Model(r, schema)).Append(" |");
            foreach (var f in r.Fields)
            {
                text.Append(' ');
                if (f.Value is not null)
                    foreach (var s in Highlight.Segments(f.Value, Matches(r, f.Name)))
                        text.Append(s.Matched ? "**" + Escape(s.Text) + "**" : Escape(s.Text));
                text.Append(" |");
            }
            text.Append('\n');
        }
        return text.ToString();
    }

    private static string Where(RowRecord r, LabelSchema schema)
    {
        var text = new StringBuilder($"row {r.Number.ToString(CultureInfo.InvariantCulture)} ({Path.GetFileName(r.File)}{(r.Line is { } line ? $" line {line.ToString(CultureInfo.InvariantCulture)}" : "")})");
        if (r.Gold >= 0) text.Append("  gold ").Append(schema.NameOf(r.Gold));
        if (r.Probabilities is not null) text.Append("  model ").Append(Model(r, schema));
        return text.ToString();
    }

    private static string Model(RowRecord r, LabelSchema schema)
    {
        var p = r.Probabilities!;
        var top = r.Predicted;
        var best = p.Max();
        return top < 0
            ? string.Create(CultureInfo.InvariantCulture, $"tie at {best:0.00}")
            : string.Create(CultureInfo.InvariantCulture, $"{schema.NameOf(top)} {best:0.00}");
    }

    private static IEnumerable<(int, int)> Matches(RowRecord r, string field)
        => r.Votes.Where(v => v.Why is not null).SelectMany(v => v.Why!.Matches).Where(m => m.Field == field).Select(m => (m.Start, m.Length));

    /// <summary>Line breaks and tabs shown as visible escapes, so one field stays on one line.</summary>
    /// <summary>Data as text on one line that cannot drive the terminal (an ESC in a cell is shown as <c>\u001b</c>; see <see cref="Snorkeler.Text.Printable"/>).</summary>
    private static string OneLine(string s) => Snorkeler.Text.Printable.OneLine(s).Replace("\t", " ", StringComparison.Ordinal);

    private static string Escape(string s)
    {
        var text = new StringBuilder(s.Length);
        foreach (var c in s.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ').Replace('\r', ' ').Replace('\t', ' '))
        {
            if (c is '|' or '*' or '_' or '`' or '\\' or '[' or ']' or '<' or '>' or '#') text.Append('\\');
            text.Append(c);
        }
        return text.ToString();
    }
}
