using System.Globalization;

namespace Snorkeler.Benchmarks;

/// <summary>
/// A Markdown table filled row by row and printed once: the header, the alignment line, the rows. Every bench verb
/// reports through it, so the tables pasted into docs/benchmarks.md look alike.
/// </summary>
/// <param name="alignment">One letter per column: <c>l</c> left (names), <c>r</c> right (numbers).</param>
/// <param name="headers">The column headers.</param>
internal sealed class MarkdownTable(string alignment, params string[] headers)
{
    private readonly List<string[]> _rows = [];

    /// <summary>Adds a row; formatted values are written with the invariant culture.</summary>
    public void Add(params FormattableString[] cells)
    {
        if (cells.Length != headers.Length) throw new ArgumentException($"{cells.Length} cells for {headers.Length} columns", nameof(cells));
        _rows.Add(cells.Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray());
    }

    /// <summary>The last row added, as one Markdown line (for progress logs).</summary>
    public string Last => Line(_rows[^1]);

    /// <summary>Prints the table to standard output.</summary>
    public void Print()
    {
        if (alignment.Length != headers.Length) throw new InvalidOperationException($"alignment '{alignment}' for {headers.Length} columns");
        Console.WriteLine(Line(headers));
        Console.WriteLine(Line(alignment.Select(a => a == 'r' ? "---:" : "---").ToArray()));
        foreach (var row in _rows) Console.WriteLine(Line(row));
    }

    /// <summary>Prints the tables in turn, each after a blank line (the per-set table, then the summary).</summary>
    public static void PrintAll(params MarkdownTable[] tables)
    {
        foreach (var table in tables)
        {
            Console.WriteLine();
            table.Print();
        }
    }

    private static string Line(string[] cells) => "| " + string.Join(" | ", cells) + " |";
}
