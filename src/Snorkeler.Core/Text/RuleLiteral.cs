namespace Snorkeler.Text;

/// <summary>
/// Text as the rule language (<c>.rules</c>) writes it in a literal, for the tools that write rules for a person: the
/// studio's keyword suggestions and its rename, which points a rule's <c>lines("…")</c> at a list's new name.
/// </summary>
internal static class RuleLiteral
{
    /// <summary>
    /// <paramref name="value"/> in double quotes, with '"' and '\' escaped, and the line breaks and tab the rule parser
    /// reads as escapes (a line break would end the literal, and a lone carriage return is read as one): the rule parser
    /// reads it back as <paramref name="value"/>.
    /// </summary>
    public static string Of(string value)
    {
        Guard.NotNull(value);
        var escaped = new System.Text.StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            var escape = c switch { '"' => '"', '\\' => '\\', '\n' => 'n', '\r' => 'r', '\t' => 't', _ => '\0' };
            if (escape == '\0') escaped.Append(c);
            else escaped.Append('\\').Append(escape);
        }
        return escaped.Append('"').ToString();
    }
}
