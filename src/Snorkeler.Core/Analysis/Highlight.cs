namespace Snorkeler.Analysis;

/// <summary>A piece of a shown text: plain, or matched (to be highlighted).</summary>
/// <param name="Text">The characters.</param>
/// <param name="Matched">True when an LF's match covers them.</param>
public readonly record struct TextSegment(string Text, bool Matched);

/// <summary>
/// Cuts a field's text into plain and matched segments for display, merging overlapping matches and, for long
/// texts, keeping a window of the text around the first match (with "…" where text was left out), so the terminal,
/// Markdown and HTML views of a row show the same thing.
/// </summary>
public static class Highlight
{
    /// <summary>The ellipsis put where text was left out.</summary>
    public const string Ellipsis = "…";

    /// <summary>
    /// The segments of <paramref name="text"/> with <paramref name="matches"/> (start, length) marked; at most
    /// <paramref name="width"/> characters of text (0: all), starting a little before the first match.
    /// </summary>
    public static IReadOnlyList<TextSegment> Segments(string text, IEnumerable<(int Start, int Length)> matches, int width = 0)
    {
        Guard.NotNull(text);
        Guard.NotNull(matches);
        var spans = matches
            .Select(m => (Start: Math.Clamp(m.Start, 0, text.Length), End: Math.Clamp(m.Start + m.Length, 0, text.Length)))
            .Where(m => m.End > m.Start)
            .OrderBy(m => m.Start)
            .ToList();
        var merged = new List<(int Start, int End)>();
        foreach (var s in spans)
        {
            if (merged.Count > 0 && s.Start <= merged[^1].End) merged[^1] = (merged[^1].Start, Math.Max(merged[^1].End, s.End));
            else merged.Add(s);
        }
        var from = 0;
        var to = text.Length;
        if (width > 0 && text.Length > width)
        {
            // Start a sixth of the window before the first match, so its context shows.
            var first = merged.Count > 0 ? merged[0].Start : 0;
            from = Math.Clamp(first - width / 6, 0, text.Length - width);
            to = from + width;
        }
        var segments = new List<TextSegment>();
        if (from > 0) segments.Add(new TextSegment(Ellipsis, false));
        var at = from;
        foreach (var (start, end) in merged)
        {
            if (end <= from || start >= to) continue;
            var s = Math.Max(start, from);
            var e = Math.Min(end, to);
            if (s > at) segments.Add(new TextSegment(text[at..s], false));
            segments.Add(new TextSegment(text[s..e], true));
            at = e;
        }
        if (at < to) segments.Add(new TextSegment(text[at..to], false));
        if (to < text.Length) segments.Add(new TextSegment(Ellipsis, false));
        return segments;
    }
}
