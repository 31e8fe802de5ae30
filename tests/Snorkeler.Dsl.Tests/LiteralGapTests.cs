using System.Text.RegularExpressions;
using Snorkeler.Dsl.Compilation;

namespace Snorkeler.Dsl.Tests;

/// <summary><c>/first.*second/</c> matched as two literal searches (the native front end's path) gives the regex engine's answer on every text.</summary>
public sealed class LiteralGapTests
{
    private static readonly (string Pattern, string Flags)[] Patterns =
    [
        ("check.*out", "i"), ("check.*out", ""), ("check.*out", "s"), ("check.*out", "im"), ("aa.*aa", "i"),
        ("k.*s", "i"), ("my, .*song!", "i"), ("I.*i", "i"), ("ab.*ba", ""), ("\u00e9t\u00e9.*\u03c3", "i"),
    ];

    // The patterns' letters, their case partners outside ASCII (Kelvin sign, long s, dotted and dotless i, final sigma), line breaks.
    private const string Alphabet = "checkoutCHECKOUTabAB \n\r\u212A\u017F\u0130\u0131iIsSkK,!my song\u00e9\u00c9tT\u03c3\u03a3\u03c2";

    [Fact]
    public void Random_texts_match_exactly_when_the_regex_engine_matches_them()
    {
        // Given: short random texts over an alphabet dense in the patterns' letters and their case partners
        var random = new Random(7);
        foreach (var (pattern, flags) in Patterns)
        {
            var options = Semantics.RegexBuilds.CheckedOptions(flags);
            var regex = new Regex(pattern, options);
            var gap = LiteralGap.Of(pattern, options).ShouldNotBeNull();
            for (var n = 0; n < 3000; n++)
            {
                var text = new string(Enumerable.Range(0, random.Next(0, 40)).Select(_ => Alphabet[random.Next(Alphabet.Length)]).ToArray());

                // When / Then
                gap.IsMatch(text).ShouldBe(regex.IsMatch(text), $"/{pattern}/{flags} on \"{Regex.Escape(text)}\"");
            }
        }
    }

    [Theory]
    [InlineData("kit.*is", "i")]
    [InlineData("Sigma\u03a3.*\u00e9-x", "i")]
    [InlineData("kit.*is", "")]
    public void Every_code_unit_in_place_of_a_pattern_character_matches_as_the_regex_engine_says(string pattern, string flags)
    {
        // Given every UTF-16 code unit put in place of each character of the pattern's literals in a text that matches
        var options = Semantics.RegexBuilds.CheckedOptions(flags);
        var regex = new Regex(pattern, options);
        var gap = LiteralGap.Of(pattern, options).ShouldNotBeNull();
        var text = pattern.Replace(".*", " ", StringComparison.Ordinal);
        for (var at = 0; at < text.Length; at++)
        {
            if (text[at] == ' ') continue;
            var chars = text.ToCharArray();
            for (var unit = 0; unit < 65536; unit++)
            {
                chars[at] = (char)unit;
                var candidate = new string(chars);

                // When / Then
                gap.IsMatch(candidate).ShouldBe(regex.IsMatch(candidate), $"U+{unit:X4} at {at} of /{pattern}/{flags}");
            }
        }
    }

    [Fact]
    public void The_youtube_comments_get_the_regex_engines_votes()
    {
        var options = Semantics.RegexBuilds.CheckedOptions("i");
        var regex = new Regex("check.*out", options);
        var gap = LiteralGap.Of("check.*out", options)!;
        var comments = TestPaths.YouTubeRawCsvs.SelectMany(File.ReadLines).ToList();
        comments.Count(c => gap.IsMatch(c)).ShouldBeGreaterThan(100);
        foreach (var comment in comments) gap.IsMatch(comment).ShouldBe(regex.IsMatch(comment), comment);
    }

    [Theory]
    [InlineData("check.*out", true)]
    [InlineData("my channel.*subscribe", true)]
    [InlineData("check.+out", false)]
    [InlineData(".*out", false)]
    [InlineData("check.*", false)]
    [InlineData("ch[e]ck.*out", false)]
    [InlineData("check.*o.*ut", false)]
    [InlineData(@"check\.*out", false)]
    [InlineData("chec?k.*out", false)]
    [InlineData("check.*(out)", false)]
    [InlineData("check.*out$", false)]
    public void Only_two_literals_around_dot_star_take_the_literal_searches(string pattern, bool applies)
        => LiteralGap.Applies(pattern).ShouldBe(applies);
}
