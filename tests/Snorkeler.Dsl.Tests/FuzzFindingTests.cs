namespace Snorkeler.Dsl.Tests;

/// <summary>The classes of failure the mutation fuzz (<see cref="MutationFuzzTests"/>) found, one case each.</summary>
public sealed class FuzzFindingTests
{
    private const string Head = "labels HAM, SPAM\nlf a:\n";

    [Fact]
    public void A_class_name_missing_at_the_end_of_a_line_is_reported_there_not_at_the_next_item()
    {
        // Given: the class after 'label' deleted; the next thing the parser meets is the next item's 'lf'
        const string text = Head + "    when text contains \"x\" label\n\n# another\nlf b:\n    when true label HAM\n";

        // When
        var diagnostics = Rules.Diagnostics(text);

        // Then: right after 'label', naming what came instead
        diagnostics.ShouldBe(["test.rules(3,33): error SNK0001: unexpected keyword 'lf' on line 6, expected a class name"]);
    }

    [Fact]
    public void A_class_name_missing_at_the_end_of_the_file_is_reported_after_the_last_token()
    {
        Rules.Diagnostics(Head + "    when text contains \"x\" label\n\n")
            .ShouldBe(["test.rules(3,33): error SNK0001: unexpected end of file, expected a class name"]);
    }

    [Fact]
    public void A_comment_that_swallows_the_rest_of_a_line_is_reported_where_the_line_stops()
    {
        // Given: a '#' typed before the LF's name makes the name a comment
        var text = Head.Replace("lf a:", "lf #a:", StringComparison.Ordinal) + "    when true label HAM\n";

        // When / Then: after 'lf', not at the 'when' of the next line
        Rules.Diagnostics(text).ShouldBe(["test.rules(2,3): error SNK0001: unexpected keyword 'when' on line 3, expected a name"]);
    }

    [Fact]
    public void A_misspelt_word_on_the_next_line_is_still_reported_at_the_word()
    {
        Rules.Diagnostics(Head + "    whne text contains \"x\" label SPAM\n")
            .ShouldBe(["test.rules(3,5): error SNK0001: unexpected 'whne', expected 'when'"]);
    }

    [Fact]
    public void A_byte_order_mark_before_the_text_is_not_part_of_the_file()
    {
        // Given: text handed over without a decoder (an editor's unsaved buffer) keeps its byte-order mark
        const string text = "\uFEFF" + Head + "    whne text contains \"x\" label SPAM\n";

        // When / Then: no error at the mark, and columns of line 1 count from after it
        Rules.Diagnostics(text).ShouldBe(["test.rules(3,5): error SNK0001: unexpected 'whne', expected 'when'"]);
        Rules.Diagnostics("\uFEFFlabels HAM, HAM\n").ShouldBe(["test.rules(1,13): error SNK0011: class 'HAM' is declared twice"]);
    }

    [Theory]
    [InlineData("\u200B", "U+200B")]
    [InlineData("\uFEFF", "U+FEFF")]
    [InlineData("\u202E", "U+202E")]
    [InlineData("\u0301", "U+0301")]
    public void An_invisible_character_is_named_by_its_code_point(string character, string named)
    {
        Rules.Diagnostics(Head + $"    when text contains {character}\"x\" label SPAM\n")
            .ShouldBe([$"test.rules(3,24): error SNK0001: unexpected character {named}, expected a value"]);
    }

    [Fact]
    public void A_constant_of_the_wrong_type_is_reported_at_its_use_naming_where_it_is_defined()
    {
        // Given: 'lines' deleted from a let, which makes it text where a list is wanted
        const string text = "labels HAM, SPAM\nlet words = (\"words.txt\")\nlf a:\n    when text contains any words label SPAM\n";

        // When / Then
        Rules.Diagnostics(text).ShouldBe(["test.rules(4,28): error SNK0201: 'contains any' needs a list of text on its right, got text ('words' is defined at line 2)"]);
    }

    [Fact]
    public void An_unknown_label_as_near_to_two_classes_names_both()
    {
        // Given: NUM misspelt where the classes are declared; at its use it is one edit from HUM and from NM
        const string text = "labels HUM, LOC, NM\nlf a:\n    when text contains \"how many\" label NUM\n";

        // When / Then
        Rules.Diagnostics(text).ShouldBe(["test.rules(3,41): error SNK0007: unknown label 'NUM'; did you mean 'HUM' or 'NM'? (classes: HUM, LOC, NM, or ABSTAIN; declared at line 1)"]);
    }
}
