using Snorkeler.Text;

namespace Snorkeler.Core.Tests;

public class PrintableTests
{
    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("tab\tstays", "tab\tstays")]
    [InlineData("two\nlines\r", "two\\nlines\\r")]
    [InlineData("esc\u001b[31m", "esc\\u001b[31m")]
    [InlineData("\u202ereversed", "\\u202ereversed")]
    [InlineData("Tell my family I loved them. \U0001F622", "Tell my family I loved them. \U0001F622")]
    [InlineData("\U0001F600 first and \U0001F622 second", "\U0001F600 first and \U0001F622 second")]
    [InlineData("\U0001F600\nthen a break", "\U0001F600\\nthen a break")]
    public void Text_is_printed_on_one_line_with_emoji_whole_and_only_unsafe_characters_escaped(string text, string printed)
        => Printable.OneLine(text).ShouldBe(printed);

    [Fact]
    public void Lone_surrogates_are_escaped_wherever_they_stand()
    {
        // Built at run time: a lone surrogate in an attribute's string does not survive the test runner's serialisation.
        const char high = '\ud83d', low = '\ude22';
        Printable.OneLine($"a lone high {high} here").ShouldBe("a lone high \\ud83d here");
        Printable.OneLine($"a lone low {low} here").ShouldBe("a lone low \\ude22 here");
        Printable.OneLine($"ends on a high {high}").ShouldBe("ends on a high \\ud83d");
        Printable.OneLine($"{low}{high} reversed").ShouldBe("\\ude22\\ud83d reversed");
    }
}
