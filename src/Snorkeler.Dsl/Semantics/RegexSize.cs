namespace Snorkeler.Dsl.Semantics;

/// <summary>
/// What makes a regex large for the non-backtracking engine, read from its text for a message: its length, its
/// alternatives (its '|'s plus one) and its largest counted repetition (the n or m of <c>{n}</c>, <c>{n,}</c>,
/// <c>{n,m}</c>). Escapes and character classes are skipped; it describes a pattern, it does not parse one.
/// </summary>
internal sealed record RegexSize(int Length, int Alternatives, int LargestCount)
{
    public static RegexSize Of(string pattern)
    {
        var bars = 0;
        var largest = 0;
        for (var i = 0; i < pattern.Length; i++)
        {
            switch (pattern[i])
            {
                case '\\':
                    i++;
                    break;
                case '[':
                    // A class runs to the first ']' that is neither escaped nor its first member.
                    i++;
                    if (i < pattern.Length && pattern[i] == '^') i++;
                    if (i < pattern.Length && pattern[i] == ']') i++;
                    for (; i < pattern.Length && pattern[i] != ']'; i++)
                        if (pattern[i] == '\\') i++;
                    break;
                case '|':
                    bars++;
                    break;
                case '{':
                    largest = Math.Max(largest, Count(pattern, i + 1));
                    break;
            }
        }
        return new RegexSize(pattern.Length, bars + 1, largest);
    }

    /// <summary>The larger bound of the repetition whose digits start at <paramref name="at"/>, or 0 when no <c>n}</c>, <c>n,}</c> or <c>n,m}</c> follows.</summary>
    private static int Count(string pattern, int at)
    {
        long largest = 0;
        long value = 0;
        var digits = 0;
        var commas = 0;
        for (; at < pattern.Length; at++)
        {
            var c = pattern[at];
            if (char.IsAsciiDigit(c))
            {
                value = Math.Min(value * 10 + (c - '0'), int.MaxValue);
                digits++;
            }
            else if (c == ',' && commas++ == 0 && digits > 0)
            {
                largest = value;
                value = 0;
            }
            else return c == '}' && digits > 0 ? (int)Math.Max(largest, value) : 0;
        }
        return 0;
    }
}
