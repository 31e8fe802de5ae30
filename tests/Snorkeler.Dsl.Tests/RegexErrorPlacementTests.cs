namespace Snorkeler.Dsl.Tests;

/// <summary>
/// An invalid regex is reported at the character of the file that is wrong (1-based column, counting the opening '/',
/// escapes as written and every UTF-16 unit before it, as every other column of a rule file does), not at the literal's
/// start, and its message says nothing of offsets into the pattern.
/// </summary>
public sealed class RegexErrorPlacementTests
{
    private const string Head = "labels HAM, SPAM\nlf a:\n    ";

    public static TheoryData<string, string> Cases => new()
    {
        // the '(' that is never closed (the regex starts at column 23, its pattern at 24)
        { Head + "when text matches /^who(/ label SPAM", "test.rules(3,28): error SNK0301: invalid regex: this '(' is never closed; close it with ')', or to match '(' itself, write \\(" },
        // of two '(', the one no ')' closes
        { Head + "when text matches /a(b(c)/ label SPAM", "test.rules(3,25): error SNK0301: invalid regex: this '(' is never closed; close it with ')', or to match '(' itself, write \\(" },
        // a ')' that closes nothing
        { Head + "when text matches /(a)b)/ label SPAM", "test.rules(3,28): error SNK0301: invalid regex: this ')' closes no '('; remove it, or to match ')' itself, write \\)" },
        // a quantifier with nothing before it
        { Head + "when text matches /*a/ label SPAM", "test.rules(3,24): error SNK0301: invalid regex: quantifier '*' following nothing; to match '*', '+' or '?' itself, write \\*, \\+ or \\?" },
        { Head + "when text matches /a|+b/ label SPAM", "test.rules(3,26): error SNK0301: invalid regex: quantifier '+' following nothing; to match '*', '+' or '?' itself, write \\*, \\+ or \\?" },
        // a set that is never closed, also when its only ']' is escaped
        { Head + "when text matches /ab[cd/ label SPAM", "test.rules(3,26): error SNK0301: invalid regex: this '[' starts a set that is never closed; close it with ']', or to match '[' itself, write \\[" },
        { Head + "when text matches /x[a\\]/ label SPAM", "test.rules(3,25): error SNK0301: invalid regex: this '[' starts a set that is never closed; close it with ']', or to match '[' itself, write \\[" },
        // a regex in a let, and one on a continuation line after other conditions
        { "labels HAM, SPAM\nlet r = /a)/\nlf a:\n    when text matches r label SPAM", "test.rules(2,11): error SNK0301: invalid regex: this ')' closes no '('; remove it, or to match ')' itself, write \\)" },
        { Head + "when text contains \"a\" and\n        lower(text) matches /x(y/ label SPAM", "test.rules(4,31): error SNK0301: invalid regex: this '(' is never closed; close it with ')', or to match '(' itself, write \\(" },
        // escaped delimiters before the fault: each '\/' is two characters of the file and one of the pattern
        { Head + "when text matches /a\\/b\\/(c/ label SPAM", "test.rules(3,30): error SNK0301: invalid regex: this '(' is never closed; close it with ')', or to match '(' itself, write \\(" },
        // an escaped backslash and an escaped '(' before the fault
        { Head + "when text matches /a\\\\\\((/ label SPAM", "test.rules(3,29): error SNK0301: invalid regex: this '(' is never closed; close it with ')', or to match '(' itself, write \\(" },
        // non-ASCII before the fault: é is one column, 😀 two (UTF-16, as the parser counts every column)
        { Head + "when text matches /café(/ label SPAM", "test.rules(3,28): error SNK0301: invalid regex: this '(' is never closed; close it with ')', or to match '(' itself, write \\(" },
        { Head + "when text matches /😀 )/ label SPAM", "test.rules(3,27): error SNK0301: invalid regex: this ')' closes no '('; remove it, or to match ')' itself, write \\)" },
        // other faults: the last character the regex parser read, or the construct it names
        { Head + "when text matches /x{2,1}/ label SPAM", "test.rules(3,25): error SNK0301: invalid regex: illegal {x,y} with x > y" },
        { Head + "when text matches /a\\qb/ label SPAM", "test.rules(3,25): error SNK0301: invalid regex: unrecognized escape sequence \\q" },
        { Head + "when text matches /ab\\p{Foo}/ label SPAM", "test.rules(3,26): error SNK0301: invalid regex: unknown property 'Foo'" },
        // a pattern holding ". " keeps the parser's reason whole
        { Head + "when text matches /a. [z-a]/ label SPAM", "test.rules(3,28): error SNK0301: invalid regex: [x-y] range in reverse order" },
    };

    [Theory]
    [InlineData("/(a)\\1/", 27, 2, "a backreference (\\ number)")]
    [InlineData("/(?<w>a)\\k<w>/", 31, 5, "a backreference (\\ number)")]
    [InlineData("/a(?=b)/", 25, 3, "a positive lookahead (?= pattern) or positive lookbehind (?<= pattern)")]
    [InlineData("/x(?<!y)z/", 25, 4, "a negative lookahead (?! pattern) or negative lookbehind (?<! pattern)")]
    [InlineData("/ab(?>a)/", 26, 3, "atomic subexpressions (?> pattern)")]
    [InlineData("/a\\Ga/", 25, 2, "contiguous matches (\\G)")]
    [InlineData("/(?<x>a)(?<y-x>b)/", 31, 7, "a balancing group (?<name1-name2>subexpression) or (?'name1-name2' subexpression)")]
    [InlineData("/(a)?(?(1)b|c)/", 28, 3, null)]
    // a set, a comment and an escaped slash before it: '(?=' in a set or a comment is no lookahead, '\/' is two columns
    [InlineData("/[(?=]a(?#(?=)\\/(b)\\1/", 42, 2, "a backreference (\\ number)")]
    public void A_regex_construct_the_engine_cannot_run_is_reported_at_its_first_character(string regex, int column, int length, string? named)
    {
        // When
        var d = Rules.Load(Head + $"when text matches {regex} label SPAM").Diagnostics.ShouldHaveSingleItem();

        // Then
        d.Code.ShouldBe("SNK0302");
        (d.Location!.Line, d.Location.Column, d.Location.Length).ShouldBe((3, column, length));
        if (named is not null) d.Message.ShouldStartWith($"the regex uses {named}, which");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void An_invalid_regex_is_reported_at_the_character_that_is_wrong(string text, string expected)
    {
        // When
        var diagnostics = Rules.Diagnostics(text);

        // Then
        diagnostics.ShouldBe([expected]);
    }

    [Fact]
    public void The_snippet_of_an_unclosed_group_puts_its_caret_under_the_open_parenthesis()
    {
        // Given
        const string text = Head + "when text matches /a\\/(b/ label SPAM";

        // When
        var diagnostic = Rules.Load(text).Diagnostics.Single();

        // Then
        DiagnosticSnippet.Format(diagnostic, text).Split('\n')[1..].ShouldBe(
        [
            "    when text matches /a\\/(b/ label SPAM",
            "                          ^",
        ]);
    }
}
