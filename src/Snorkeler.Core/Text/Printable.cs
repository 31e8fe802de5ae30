using System.Globalization;
using System.Text;

namespace Snorkeler.Text;

/// <summary>
/// Makes a message that quotes input safe to print on one line: it may hold any text a file contains (a column
/// or class name, a path), and a terminal or log reader must see it as written, not act on it.
/// </summary>
public static class Printable
{
    /// <summary>
    /// Line breaks become <c>\n</c>/<c>\r</c>, and every other character that is not shown as itself becomes a visible
    /// <c>\uXXXX</c>: control characters (NUL, ESC, which starts terminal escape sequences, DEL, C1 controls), the
    /// bidirectional overrides and isolates that reorder what follows them, and lone UTF-16 surrogates. Tabs stay.
    /// </summary>
    public static string OneLine(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var i = 0;
        while (i < text.Length && !NeedsEscape(text, i)) i += char.IsHighSurrogate(text[i]) ? 2 : 1; // a valid pair is passed whole
        if (i == text.Length) return text;
        var result = new StringBuilder(text.Length + 16).Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (!NeedsEscape(text, i))
            {
                result.Append(c);
                if (char.IsHighSurrogate(c)) result.Append(text[++i]);
                continue;
            }
            result.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                _ => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
            });
        }
        return result.ToString();
    }

    /// <summary>
    /// A file's name or path as a message places it (<c>path(line,col)</c>): as <see cref="OneLine"/>, and a tab as
    /// <c>\t</c> too, since in a name it is a character of the name, not layout, and printed raw it reads as spaces that
    /// no one can type to open the file.
    /// </summary>
    public static string FileName(string path) => OneLine(path).Replace("\t", "\\t", StringComparison.Ordinal);

    /// <summary>
    /// A name from a file as a cell of a Markdown table: as <see cref="OneLine"/> (a line break would end the row), with a
    /// backslash before each character that would split the cell (<c>|</c>), escape another (<c>\</c>) or be read as
    /// markup (emphasis, code, links, HTML), so that the table keeps its columns and shows the name as written. An
    /// <c>_</c> between letters or digits (<c>keyword_my</c>) is not emphasis and stays as it is.
    /// </summary>
    public static string MarkdownCell(string text)
    {
        var line = OneLine(text);
        var result = new StringBuilder(line.Length + 8);
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            var escape = c is '\\' or '|' or '*' or '`' or '[' or ']' or '<' or '>'
                || (c == '_' && !(i > 0 && char.IsLetterOrDigit(line[i - 1]) && i + 1 < line.Length && char.IsLetterOrDigit(line[i + 1])));
            if (escape) result.Append('\\');
            result.Append(c);
        }
        return result.ToString();
    }

    private static bool NeedsEscape(string text, int i)
    {
        var c = text[i];
        if (c == '\t') return false;
        if (char.IsHighSurrogate(c)) return i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]);
        if (char.IsLowSurrogate(c)) return true; // a low surrogate reached here has no high one before it
        return char.IsControl(c) || c is (>= '\u202a' and <= '\u202e') or (>= '\u2066' and <= '\u2069') or '\u200e' or '\u200f' or '\u061c';
    }
}
