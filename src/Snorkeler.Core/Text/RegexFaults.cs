using System.Globalization;
using System.Text.RegularExpressions;

namespace Snorkeler.Text;

/// <summary>
/// What a <see cref="RegexParseException"/> means for a person reading a pattern: the characters at fault and the
/// reason, without the 0-based offset the exception gives (callers place the fault where the pattern is written).
/// </summary>
public static class RegexFaults
{
    /// <summary>
    /// The reason, in the reader's words, without the pattern and offset the exception's message repeats; for a
    /// character that has a meaning in regexes but is probably meant as itself, how to write it.
    /// </summary>
    public static string Reason(string pattern, RegexParseException e) => e.Error switch
    {
        RegexParseError.InsufficientClosingParentheses => "this '(' is never closed; close it with ')', or to match '(' itself, write \\(",
        RegexParseError.InsufficientOpeningParentheses => "this ')' closes no '('; remove it, or to match ')' itself, write \\)",
        RegexParseError.UnterminatedBracket => "this '[' starts a set that is never closed; close it with ']', or to match '[' itself, write \\[",
        RegexParseError.QuantifierAfterNothing => $"{ParserReason(pattern, e)}; to match '*', '+' or '?' itself, write \\*, \\+ or \\?",
        RegexParseError.InvalidGroupingConstruct when PythonNamedGroup(pattern, e) is { } name
            => $"(?P<{name}>...) is Python's way to name a group; .NET writes (?<{name}>...)",
        _ => ParserReason(pattern, e),
    };

    /// <summary>
    /// The name of the Python-style named group <c>(?P&lt;name&gt;</c> the parser stopped at (patterns are often copied
    /// from Snorkel's Python LFs), or null; its '(' is found as <see cref="Locate"/> finds it.
    /// </summary>
    private static string? PythonNamedGroup(string pattern, RegexParseException e)
    {
        var open = PythonGroupAt(pattern, e);
        if (open < 0) return null;
        var close = pattern.IndexOf('>', open + 4);
        return close < 0 ? null : pattern[(open + 4)..close];
    }

    private static int PythonGroupAt(string pattern, RegexParseException e)
    {
        // The parser stops just after the 'P' (or the '<'); a match found searching back must end by the '<'.
        if (pattern.Length == 0) return -1;
        var last = Math.Clamp(e.Offset, 0, pattern.Length - 1);
        var open = pattern.LastIndexOf("(?P<", last, StringComparison.Ordinal);
        return open >= 0 && open + 4 >= e.Offset ? open : -1;
    }

    /// <summary>
    /// Whether <paramref name="e"/> was thrown for <paramref name="pattern"/> (the exception does not hold its pattern,
    /// only its message names it), to tell which of several patterns written in one place failed.
    /// </summary>
    public static bool IsAbout(string pattern, RegexParseException e)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(e);
        return e.Message.Contains(Head(pattern, e), StringComparison.Ordinal);
    }

    private static string Head(string pattern, RegexParseException e) => $"'{pattern}' at offset {e.Offset.ToString(CultureInfo.InvariantCulture)}. ";

    /// <summary>"Invalid pattern 'PATTERN' at offset 3. Not enough )'s." → "not enough )'s" (the pattern may hold ". " itself).</summary>
    private static string ParserReason(string pattern, RegexParseException e)
    {
        var message = e.Message;
        var head = Head(pattern, e);
        var at = message.IndexOf(head, StringComparison.Ordinal);
        var reason = at >= 0 ? message[(at + head.Length)..] : message;
        reason = reason.TrimEnd('.');
        return reason.Length > 0 ? char.ToLowerInvariant(reason[0]) + reason[1..] : reason;
    }

    /// <summary>
    /// Where the fault is in <paramref name="pattern"/>: its first character (0-based) and how many characters it spans.
    /// The parser's <see cref="RegexParseException.Offset"/> is where it stopped: one past the character it found wrong,
    /// or the end of the pattern when a group or set is left open. The fault is the character before that, or the start
    /// of the construct the error names (the '(' or '[' left open, the '{' of a reversed count, the first end of a
    /// reversed range, the '\' of an escape).
    /// </summary>
    public static (int Start, int Length) Locate(string pattern, RegexParseException e)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(e);
        var (error, offset) = (e.Error, e.Offset);
        if (pattern.Length == 0) return (0, 0);
        var last = Math.Clamp(offset - 1, 0, pattern.Length - 1);
        var start = error switch
        {
            RegexParseError.InsufficientClosingParentheses => OpenAtEnd(pattern).Group,
            RegexParseError.UnterminatedBracket => OpenAtEnd(pattern).Set,
            RegexParseError.ReversedQuantifierRange => pattern.LastIndexOf('{', last),
            RegexParseError.ReversedCharacterRange => last >= 2 && pattern[last - 1] == '-' ? last - 2 : -1,
            RegexParseError.UnterminatedComment => pattern.LastIndexOf("(?#", last, StringComparison.Ordinal),
            RegexParseError.InvalidGroupingConstruct when PythonGroupAt(pattern, e) is >= 0 and var python => python,
            RegexParseError.UnrecognizedEscape or RegexParseError.UnrecognizedUnicodeProperty or RegexParseError.InvalidUnicodePropertyEscape
                or RegexParseError.MalformedUnicodePropertyEscape or RegexParseError.UndefinedNamedReference
                or RegexParseError.UndefinedNumberedReference or RegexParseError.InsufficientOrInvalidHexDigits
                or RegexParseError.MissingControlCharacter or RegexParseError.UnrecognizedControlCharacter => pattern.LastIndexOf('\\', last),
            _ => -1,
        };
        if (start < 0 || start > last) return (last, 1);
        // An open group or set is the one character that opens it; a named construct runs to where the parser stopped.
        return error is RegexParseError.InsufficientClosingParentheses or RegexParseError.UnterminatedBracket or RegexParseError.UnterminatedComment
            ? (start, 1)
            : (start, last - start + 1);
    }

    /// <summary>
    /// The '(' that no ')' closes (the last one opened, of several) and the '[' of a set still open at the end of the
    /// pattern, or -1: groups and sets as the .NET parser reads them ('\' escapes the next character, a ']' first in
    /// a set is a member, '-[' opens a subtracted set, '(?#' starts a comment that runs to the next ')').
    /// </summary>
    private static (int Group, int Set) OpenAtEnd(string pattern)
    {
        var groups = new Stack<int>();
        for (var i = 0; i < pattern.Length; i++)
        {
            switch (pattern[i])
            {
                case '\\':
                    i++;
                    break;
                case '[':
                    var end = SetEnd(pattern, i);
                    if (end == pattern.Length) return (groups.Count > 0 ? groups.Peek() : -1, i);
                    i = end;
                    break;
                case '(' when string.CompareOrdinal(pattern, i, "(?#", 0, 3) == 0:
                    var close = pattern.IndexOf(')', i);
                    if (close < 0) return (groups.Count > 0 ? groups.Peek() : -1, -1);
                    i = close;
                    break;
                case '(':
                    groups.Push(i);
                    break;
                case ')':
                    if (groups.Count > 0) groups.Pop();
                    break;
            }
        }
        return (groups.Count > 0 ? groups.Peek() : -1, -1);
    }

    /// <summary>
    /// The index of the ']' that closes the set opened at <paramref name="open"/>, or the pattern's length when none does,
    /// as the .NET parser reads sets: '\' escapes the next character, a ']' first in a set (after a '^') is a member,
    /// '-[' opens a subtracted set inside it.
    /// </summary>
    public static int SetEnd(string pattern, int open)
    {
        Guard.NotNull(pattern);
        var depth = 0;
        var firstMember = -1;
        for (var i = open; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\') i++;
            else if (c == '[' && (i == open || pattern[i - 1] == '-'))
            {
                depth++;
                firstMember = FirstMember(pattern, i);
            }
            else if (c == ']' && i != firstMember && --depth == 0) return i;
        }
        return pattern.Length;
    }

    /// <summary>Where the members of the set opened at <paramref name="open"/> start (after a '^').</summary>
    private static int FirstMember(string pattern, int open)
        => open + 1 < pattern.Length && pattern[open + 1] == '^' ? open + 2 : open + 1;
}
