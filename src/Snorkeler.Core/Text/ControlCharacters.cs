using System.Globalization;

namespace Snorkeler.Text;

/// <summary>
/// Control characters in a cell that must hold a label. <c>int.TryParse</c> and <c>double.TryParse</c> take trailing NULs
/// for the end of the number (<c>"1\0"</c> is read as 1), and no class name holds one (<see cref="LabelSchema"/> refuses
/// it), so a reader looks for them before parsing: a control character left after trimming makes the cell no label,
/// whatever the digits before it.
/// </summary>
internal static class ControlCharacters
{
    /// <summary>Where the first control character (C0, DEL, C1) of <paramref name="text"/> is, or -1.</summary>
    public static int First(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
            if (char.IsControl(text[i])) return i;
        return -1;
    }

    /// <summary>
    /// <c>: it holds the control character U+0000</c>, naming the first control character of <paramref name="text"/>, or
    /// null when it holds none: the end of a message saying why a cell is no label.
    /// </summary>
    public static string? Held(ReadOnlySpan<char> text)
        => First(text) is >= 0 and var at ? string.Create(CultureInfo.InvariantCulture, $": it holds the control character U+{(int)text[at]:X4}") : null;
}
