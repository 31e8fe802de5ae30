using System.Globalization;
using System.Net;
using System.Text;

namespace Snorkeler.Analysis;

/// <summary>
/// A self-contained HTML report of a label matrix (and, when given, a label model's view of it): the LF
/// summary table, bar charts of coverage, overlaps and conflicts per LF, learned beside empirical LF
/// accuracies, the distribution of label confidences and the class balance; with <see cref="ReportDetails"/>, how the
/// label model was chosen, the warnings, and example rows (per LF where it votes and where it is wrong, conflicting
/// and uncovered rows) with the text that made each rule fire marked. Charts are inline SVG, so the file opens in any
/// browser without a network.
/// </summary>
public static class HtmlReport
{
    /// <summary>
    /// Refuses, before any work, a report path that does not name an HTML page (<c>.html</c> or <c>.htm</c>): the report is
    /// HTML only, and a <c>report.pdf</c> or <c>report.md</c> would hold HTML under a name that says otherwise.
    /// </summary>
    public static void CheckExtension(string path)
    {
        var ext = System.IO.Path.GetExtension(path).ToLowerInvariant();
        if (ext is not (".html" or ".htm"))
            throw new SnorkelerException($"{path}: the report is an HTML page; name it .html (for the tables as text, JSON or Markdown, use 'snorkeler analyze --format text|json|markdown')");
    }

    private static readonly string[] Palette = ["#4269d0", "#efb118", "#ff725c", "#6cc5b0", "#3ca951", "#ff8ab7", "#a463f2", "#97bbf5"];

    /// <summary>Renders the report.</summary>
    /// <param name="title">The page title (e.g. the matrix file).</param>
    /// <param name="summary">The LF summary.</param>
    /// <param name="model">The label model's diagnostics, or null.</param>
    /// <param name="modelName">The label model's name, when <paramref name="model"/> is given.</param>
    /// <param name="goldClassCounts">Rows per gold class, when gold labels exist.</param>
    /// <param name="annotators">The annotator report, for a matrix of people's answers, or null.</param>
    /// <param name="details">Example rows, the model's selection, dev accuracies and warnings, or null.</param>
    public static string Render(string title, LfSummary summary, ModelDiagnostics? model = null, string? modelName = null, IReadOnlyList<long>? goldClassCounts = null,
        AnnotatorReport? annotators = null, ReportDetails? details = null)
    {
        var html = new StringBuilder();
        var t = Html(title);
        html.Append($"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Snorkeler report: {t}</title>
            <style>
            body {"{"} font-family: system-ui, sans-serif; margin: 2rem; color: #222; max-width: 1100px; {"}"}
            h1 {"{"} font-size: 1.5rem; {"}"} h2 {"{"} font-size: 1.15rem; margin-top: 2rem; {"}"}
            table {"{"} border-collapse: collapse; font-size: 0.9rem; {"}"}
            th, td {"{"} border-bottom: 1px solid #ddd; padding: 0.3rem 0.6rem; text-align: right; {"}"}
            th:first-child, td:first-child, td.text {"{"} text-align: left; {"}"}
            .note {"{"} color: #666; font-size: 0.85rem; {"}"}
            svg text {"{"} font-family: system-ui, sans-serif; font-size: 12px; fill: #222; {"}"}
            table.rows td, table.rows th {"{"} text-align: left; vertical-align: top; {"}"} table.rows td.votes {"{"} white-space: nowrap; {"}"} table.rows td.text {"{"} max-width: 640px; overflow-wrap: anywhere; {"}"}
            mark {"{"} background: #ffd95e; padding: 0 1px; {"}"} .wrong {"{"} color: #b3261e; {"}"} .right {"{"} color: #2e7d32; {"}"} .chosen td {"{"} font-weight: 600; {"}"}
            h3 {"{"} font-size: 1rem; margin: 1.2rem 0 0.3rem; {"}"} code {"{"} font-size: 0.85rem; {"}"}
            </style></head><body>
            <h1>Snorkeler report: {t}</h1>
            <p>{summary.Counted}, classes {Html(summary.Schema.ToString())}.
            The {(summary.People ? "workers" : "LFs")} together cover {P(summary.Coverage)} of the {(summary.People ? "tasks" : "rows")}; {P(summary.Overlap)} have two or more {(summary.People ? "answers" : "votes")} and {P(summary.Conflict)} a conflict.</p>

            """);

        if (details?.Selection is { } selection) html.Append(Selection(selection));
        if (details?.Warnings is { Count: > 0 } warnings)
        {
            html.Append("<h2>Warnings</h2>\n<ul>\n");
            foreach (var w in warnings)
                html.Append($"<li><code>{Html(w.Code)}</code> {(w.Location is null ? "" : $"<code>{Html(w.Location.ToString())}</code> ")}{Html(w.Message)}</li>\n");
            html.Append("</ul>\n");
        }
        var dev = details?.Dev;
        html.Append($"<h2>{(summary.People ? "Worker" : "LF")} summary</h2>\n<table><tr><th>{(summary.People ? "worker" : "LF")}</th><th>polarity</th><th>coverage</th><th>overlaps</th><th>conflicts</th>");
        if (summary.HasGold) html.Append("<th>correct</th><th>incorrect</th><th>empirical accuracy</th>");
        if (dev is not null) html.Append("<th>empirical accuracy (dev)</th>");
        if (model is not null) html.Append("<th>learned accuracy</th>");
        html.Append("</tr>\n");
        var learned = model?.LearnedAccuracy;
        for (var j = 0; j < summary.Lfs.Count; j++)
        {
            var lf = summary.Lfs[j];
            html.Append($"<tr><td>{Html(lf.Name)}</td><td class=\"text\">{Html(string.Join(", ", lf.Polarity.Select(summary.Schema.NameOf)))}</td>");
            html.Append($"<td>{F(lf.Coverage)}</td><td>{F(lf.Overlaps)}</td><td>{F(lf.Conflicts)}</td>");
            if (summary.HasGold) html.Append($"<td>{lf.Correct}</td><td>{lf.Incorrect}</td><td>{(lf.EmpiricalAccuracy is { } a ? F(a) : "–")}</td>");
            if (dev is not null) html.Append($"<td>{(dev.Lfs.FirstOrDefault(d => d.Name == lf.Name)?.EmpiricalAccuracy is { } d ? F(d) : "–")}</td>");
            if (learned is not null) html.Append($"<td>{(double.IsNaN(learned[j]) ? "–" : F(learned[j]))}</td>");
            html.Append("</tr>\n");
        }
        html.Append("</table>\n");

        var names = summary.Lfs.Select(l => l.Name).ToArray();
        html.Append("<h2>Coverage, overlaps and conflicts per LF</h2>\n");
        html.Append(GroupedBars(names, [("coverage", summary.Lfs.Select(l => l.Coverage).ToArray()), ("overlaps", summary.Lfs.Select(l => l.Overlaps).ToArray()), ("conflicts", summary.Lfs.Select(l => l.Conflicts).ToArray())], 1.0));

        var accuracySeries = new List<(string, double[])>();
        if (summary.HasGold) accuracySeries.Add(("empirical (gold labels)", summary.Lfs.Select(l => l.EmpiricalAccuracy ?? double.NaN).ToArray()));
        if (dev is not null) accuracySeries.Add(("empirical (dev set)", summary.Lfs.Select(l => dev.Lfs.FirstOrDefault(d => d.Name == l.Name)?.EmpiricalAccuracy ?? double.NaN).ToArray()));
        if (learned is not null) accuracySeries.Add(($"learned ({modelName ?? "label model"})", learned.ToArray()));
        if (accuracySeries.Count > 0)
        {
            html.Append("<h2>LF accuracies</h2>\n<p class=\"note\">Empirical: correct ÷ (correct + incorrect) on rows with gold labels. Learned: the label model's mean probability that the LF's vote is right, over the rows it votes on.</p>\n");
            html.Append(GroupedBars(names, accuracySeries, 1.0));
        }

        if (model is not null)
        {
            var k = summary.Schema.Cardinality;
            var low = 1.0 / k;
            var width = (1 - low) / ModelDiagnostics.ConfidenceBins;
            var bins = Enumerable.Range(0, ModelDiagnostics.ConfidenceBins).Select(b => $"{low + b * width:0.00}–{low + (b + 1) * width:0.00}").ToArray();
            html.Append($"<h2>Label confidence</h2>\n<p class=\"note\">Rows by the label model's top probability ({Html(modelName ?? "label model")}); the leftmost bin holds rows the model cannot decide, such as rows no LF votes on.</p>\n");
            html.Append(Columns(bins, model.Confidence.Select(c => (double)c).ToArray(), "rows"));

            html.Append("<h2>Class balance</h2>\n");
            var series = new List<(string, double[])> { ("label model (most probable class)", model.PredictedClasses.Select(c => (double)c / Math.Max(1, model.Rows)).ToArray()) };
            if (goldClassCounts is not null)
            {
                var total = Math.Max(1, goldClassCounts.Sum());
                series.Add(("gold labels", goldClassCounts.Select(c => (double)c / total).ToArray()));
            }
            html.Append(GroupedBars(summary.Schema.ClassNames.ToArray(), series, 1.0));
        }
        else if (goldClassCounts is not null)
        {
            html.Append("<h2>Class balance</h2>\n");
            var total = Math.Max(1, goldClassCounts.Sum());
            html.Append(GroupedBars(summary.Schema.ClassNames.ToArray(), [("gold labels", goldClassCounts.Select(c => (double)c / total).ToArray())], 1.0));
        }
        if (details is not null) html.Append(Examples(details, summary.Schema));
        if (annotators is not null) AppendAnnotators(html, annotators);
        html.Append($"<p class=\"note\">Made by Snorkeler on {DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC.</p>\n</body></html>\n");
        return html.ToString();
    }

    /// <summary>Candidates shown in the visible table of the selection; the rest are folded away.</summary>
    private const int ShownCandidates = 8;

    /// <summary>How the label model was chosen: the choice and its reason, the best candidates, and every candidate folded away.</summary>
    private static string Selection(ModelSelection selection)
    {
        var html = new StringBuilder("<h2>Label model</h2>\n");
        html.Append($"<p>{Html(selection.Describe())}.</p>\n");
        var ranked = selection.Candidates.OrderByDescending(c => c.Score ?? double.NegativeInfinity).ToList();
        string Table(IEnumerable<ModelCandidate> candidates)
        {
            var table = new StringBuilder($"<table class=\"rows\"><tr><th>model</th><th>options</th><th>prior</th><th>{Html(selection.Metric)}</th><th>note</th></tr>\n");
            foreach (var c in candidates)
                table.Append($"<tr{(c == selection.Chosen || (c.Model == selection.Chosen.Model && c.Options == selection.Chosen.Options && c.Prior == selection.Chosen.Prior) ? " class=\"chosen\"" : "")}><td>{Html(c.Model)}</td><td>{Html(c.Options)}</td><td>{Html(c.Prior)}</td><td>{(c.Score is { } s ? F(s) : "–")}</td><td>{Html(c.Note ?? "")}</td></tr>\n");
            return table.Append("</table>\n").ToString();
        }
        if (ranked.Count > 1)
        {
            html.Append(Table(ranked.Take(ShownCandidates)));
            if (ranked.Count > ShownCandidates)
                html.Append($"<details><summary>all {ranked.Count} candidates</summary>\n{Table(ranked)}</details>\n");
        }
        return html.ToString();
    }

    /// <summary>The example rows: per LF where it votes and where it is wrong, then conflicting and uncovered rows.</summary>
    private static string Examples(ReportDetails details, LabelSchema schema)
    {
        var html = new StringBuilder();
        if (details.Lfs.Count > 0)
        {
            html.Append("<h2 id=\"rows\">Rows behind the numbers</h2>\n<p class=\"note\">A few rows of each kind, chosen at random (the same on every run); what made a rule fire is marked. <code>snorkeler rows</code> shows more.</p>\n");
            foreach (var lf in details.Lfs)
            {
                html.Append($"<h3>{Html(lf.Lf)}</h3>\n<p class=\"note\">votes on {RowCount(lf.Fires.Matched)}{(lf.Wrong is null ? "" : $"; wrong against gold on {Count(lf.Wrong.Matched)}")}</p>\n");
                html.Append(RowsTable(lf.Fires, schema, "where it votes"));
                if (lf.Wrong is { Rows.Count: > 0 } wrong) html.Append(RowsTable(wrong, schema, "where it is wrong"));
            }
        }
        if (details.Conflicts is { } conflicts)
            html.Append($"<h2>Conflicting rows</h2>\n<p class=\"note\">{RowCount(conflicts.Matched)} where LFs disagree.</p>\n").Append(RowsTable(conflicts, schema, null));
        if (details.Uncovered is { } uncovered)
            html.Append($"<h2>Uncovered rows</h2>\n<p class=\"note\">{RowCount(uncovered.Matched)} no LF votes on: where new LFs would help.</p>\n").Append(RowsTable(uncovered, schema, null));
        return html.ToString();
    }

    private static string RowsTable(ExampleRows rows, LabelSchema schema, string? caption)
    {
        if (rows.Rows.Count == 0) return "";
        var fields = rows.Rows[0].Fields.Select(f => f.Name).ToList();
        var html = new StringBuilder("<table class=\"rows\">");
        if (caption is not null) html.Append($"<caption class=\"note\" style=\"text-align:left\">{Html(caption)}</caption>");
        html.Append("<tr><th>row</th><th>gold</th><th>votes</th>");
        foreach (var f in fields) html.Append($"<th>{Html(f)}</th>");
        html.Append("</tr>\n");
        foreach (var r in rows.Rows)
        {
            html.Append($"<tr><td>{r.Number.ToString(CultureInfo.InvariantCulture)}</td><td>{(r.Gold >= 0 ? Html(schema.NameOf(r.Gold)) : "")}</td><td class=\"votes\">");
            html.Append(r.Votes.Count == 0 ? "–" : string.Join("<br>", r.Votes.Select(v =>
                $"{Html(v.Lf)}: <span class=\"{(r.Gold < 0 ? "" : v.Vote == r.Gold ? "right" : "wrong")}\">{Html(schema.NameOf(v.Vote))}</span>")));
            html.Append("</td>");
            foreach (var f in r.Fields)
            {
                html.Append("<td class=\"text\">");
                if (f.Value is not null)
                {
                    var matches = r.Votes.Where(v => v.Why is not null).SelectMany(v => v.Why!.Matches).Where(m => m.Field == f.Name).Select(m => (m.Start, m.Length));
                    foreach (var s in Highlight.Segments(f.Value, matches, 300))
                        html.Append(s.Matched ? $"<mark>{Html(s.Text)}</mark>" : Html(s.Text));
                }
                html.Append("</td>");
            }
            html.Append("</tr>\n");
        }
        return html.Append("</table>\n").ToString();
    }

    /// <summary>
    /// Text from the user's files (an LF, class, worker or column name, a row's text) as HTML: as the text and Markdown
    /// tables show it (<see cref="Text.Printable.OneLine"/>: an ESC or other control character is a visible \u001b, not a
    /// raw byte a browser drops or a terminal showing the file acts on), then encoded.
    /// </summary>
    private static string Html(string text) => WebUtility.HtmlEncode(Text.Printable.OneLine(text));

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>"1 row", "2 rows", "1,956 rows".</summary>
    private static string RowCount(long n) => $"{Count(n)} {(n == 1 ? "row" : "rows")}";

    /// <summary>The annotator sections: agreement statistics, per-worker table with confusion matrices, accuracy bars, least certain tasks.</summary>
    private static void AppendAnnotators(StringBuilder html, AnnotatorReport report)
    {
        var schema = report.Schema;
        var k = schema.Cardinality;
        html.Append($"<h2>Annotators</h2>\n<p>Consensus: <b>{Html(report.ConsensusModel)}</b>. Krippendorff's α {F(report.KrippendorffAlpha)}, Fleiss' κ {F(report.FleissKappa)}, mean pairwise Cohen's κ {F(report.MeanCohenKappa)} over {report.CohenPairs.ToString("N0", CultureInfo.InvariantCulture)} pairs of workers sharing at least {AnnotatorReport.MinSharedTasks} tasks.</p>\n");
        html.Append("<p class=\"note\">Estimated accuracy: the consensus probability that the worker's answer is right, averaged over its answers. Agreement: share of answers equal to the consensus label. Spammer score: 0 when a worker's answer depends on the true class, 1 when it does not (random or constant answers). Confusion: rows are the true class (consensus-weighted), columns the answer.</p>\n");
        html.Append("<table><tr><th>worker</th><th>answers</th><th>estimated accuracy</th>");
        if (report.HasGold) html.Append("<th>empirical accuracy</th>");
        html.Append("<th>agreement</th><th>spammer score</th><th>mean κ</th><th>estimated confusion</th></tr>\n");
        var workers = report.Workers.OrderByDescending(w => w.Answers).ThenBy(w => w.Name, StringComparer.Ordinal).Take(500).ToList();
        foreach (var w in workers)
        {
            html.Append($"<tr><td>{Html(w.Name)}</td><td>{w.Answers}</td><td>{F(w.EstimatedAccuracy)}</td>");
            if (report.HasGold) html.Append($"<td>{(w.EmpiricalAccuracy is { } a ? F(a) : "–")}</td>");
            html.Append($"<td>{F(w.Agreement)}</td><td>{F(w.SpammerScore)}</td><td>{(w.MeanCohenKappa is { } kappa ? F(kappa) : "–")}</td><td class=\"text\">");
            html.Append(string.Join(" / ", Enumerable.Range(0, k).Select(c => string.Join(" ", Enumerable.Range(0, k).Select(x => F(w.EstimatedConfusion[c * k + x]))))));
            html.Append("</td></tr>\n");
        }
        html.Append("</table>\n");
        if (report.Workers.Count > workers.Count) html.Append($"<p class=\"note\">{report.Workers.Count - workers.Count:N0} more workers in <code>analyze --format json</code>.</p>\n");
        var shown = workers.Take(40).ToList();
        var series = new List<(string, double[])> { ("estimated (consensus)", shown.Select(w => w.EstimatedAccuracy).ToArray()) };
        if (report.HasGold) series.Add(("empirical (gold labels)", shown.Select(w => w.EmpiricalAccuracy ?? double.NaN).ToArray()));
        series.Add(("spammer score", shown.Select(w => w.SpammerScore).ToArray()));
        html.Append("<h2>Workers with the most answers</h2>\n");
        html.Append(GroupedBars(shown.Select(w => w.Name).ToArray(), series, 1.0));
        if (report.LeastCertain.Count == 0) return;
        html.Append("<h2>Least certain tasks</h2>\n<p class=\"note\">The tasks whose consensus is least sure: worth a second look or an expert.</p>\n<table><tr><th>task</th><th>answers</th><th>consensus</th><th>confidence</th><th>votes</th>");
        if (report.HasGold) html.Append("<th>gold</th>");
        html.Append("</tr>\n");
        foreach (var t in report.LeastCertain)
        {
            var votes = string.Join(", ", Enumerable.Range(0, k).Where(c => t.Votes[c] > 0).Select(c => $"{schema.NameOf(c)}: {t.Votes[c]}"));
            html.Append($"<tr><td>{Html(t.Task)}</td><td>{t.Answers}</td><td class=\"text\">{Html(schema.NameOf(t.Consensus))}</td><td>{F(t.Confidence)}</td><td class=\"text\">{Html(votes)}</td>");
            if (report.HasGold) html.Append($"<td class=\"text\">{(t.Gold >= 0 ? Html(schema.NameOf(t.Gold)) : "–")}</td>");
            html.Append("</tr>\n");
        }
        html.Append("</table>\n");
    }

    /// <summary>Horizontal bars, one group per category, one bar per series; values from 0 to <paramref name="max"/>.</summary>
    private static string GroupedBars(IReadOnlyList<string> categories, IReadOnlyList<(string Name, double[] Values)> series, double max)
    {
        const int labelWidth = 190, plotWidth = 560, bar = 12, gap = 10;
        var groupHeight = series.Count * bar + gap;
        var height = categories.Count * groupHeight + 50;
        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{labelWidth + plotWidth + 60}\" height=\"{height}\" role=\"img\">\n");
        for (var tick = 0; tick <= 4; tick++)
        {
            var x = labelWidth + plotWidth * tick / 4.0;
            svg.Append($"<line x1=\"{N(x)}\" y1=\"0\" x2=\"{N(x)}\" y2=\"{categories.Count * groupHeight}\" stroke=\"#e5e5e5\"/>");
            svg.Append($"<text x=\"{N(x)}\" y=\"{categories.Count * groupHeight + 14}\" text-anchor=\"middle\">{max * tick / 4:0.##}</text>\n");
        }
        for (var c = 0; c < categories.Count; c++)
        {
            var y0 = c * groupHeight;
            svg.Append($"<text x=\"{labelWidth - 8}\" y=\"{y0 + series.Count * bar / 2.0 + 4:0.#}\" text-anchor=\"end\">{Html(categories[c])}</text>\n");
            for (var s = 0; s < series.Count; s++)
            {
                var v = series[s].Values[c];
                if (double.IsNaN(v)) continue;
                var w = Math.Max(0, Math.Min(1, v / max)) * plotWidth;
                svg.Append($"<rect x=\"{labelWidth}\" y=\"{y0 + s * bar}\" width=\"{N(w)}\" height=\"{bar - 2}\" fill=\"{Palette[s % Palette.Length]}\"><title>{Html(series[s].Name)}: {v:0.000}</title></rect>");
                svg.Append($"<text x=\"{N(labelWidth + w + 4)}\" y=\"{y0 + s * bar + bar - 3}\">{v:0.00}</text>\n");
            }
        }
        var legendY = categories.Count * groupHeight + 34;
        var lx = labelWidth;
        foreach (var (s, i) in series.Select((s, i) => (s, i)))
        {
            svg.Append($"<rect x=\"{lx}\" y=\"{legendY - 10}\" width=\"12\" height=\"12\" fill=\"{Palette[i % Palette.Length]}\"/><text x=\"{lx + 16}\" y=\"{legendY}\">{Html(s.Name)}</text>\n");
            lx += 30 + s.Name.Length * 7;
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>Vertical columns (a histogram).</summary>
    private static string Columns(IReadOnlyList<string> bins, double[] counts, string unit)
    {
        const int left = 60, plotHeight = 220, columnWidth = 62;
        var max = Math.Max(1, counts.Max());
        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{left + bins.Count * columnWidth + 20}\" height=\"{plotHeight + 60}\" role=\"img\">\n");
        for (var tick = 0; tick <= 4; tick++)
        {
            var y = plotHeight - plotHeight * tick / 4.0 + 10;
            svg.Append($"<line x1=\"{left}\" y1=\"{N(y)}\" x2=\"{left + bins.Count * columnWidth}\" y2=\"{N(y)}\" stroke=\"#e5e5e5\"/><text x=\"{left - 6}\" y=\"{N(y + 4)}\" text-anchor=\"end\">{max * tick / 4:0}</text>\n");
        }
        for (var b = 0; b < bins.Count; b++)
        {
            var h = counts[b] / max * plotHeight;
            var x = left + b * columnWidth + 4;
            svg.Append($"<rect x=\"{x}\" y=\"{N(plotHeight - h + 10)}\" width=\"{columnWidth - 8}\" height=\"{N(h)}\" fill=\"{Palette[0]}\"><title>{bins[b]}: {counts[b]:0} {unit}</title></rect>");
            svg.Append($"<text x=\"{x + (columnWidth - 8) / 2}\" y=\"{plotHeight + 26}\" text-anchor=\"middle\" font-size=\"10\">{bins[b]}</text>\n");
        }
        svg.Append($"<text x=\"{left + bins.Count * columnWidth / 2}\" y=\"{plotHeight + 50}\" text-anchor=\"middle\">top probability ({unit} per bin)</text>\n</svg>\n");
        return svg.ToString();
    }

    private static string F(double v) => double.IsFinite(v) ? v.ToString("0.000", CultureInfo.InvariantCulture) : "–";

    private static string P(double v) => (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private static string N(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
}
