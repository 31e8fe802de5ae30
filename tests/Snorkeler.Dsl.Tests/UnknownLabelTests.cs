namespace Snorkeler.Dsl.Tests;

/// <summary>
/// SNK0007, a <c>label</c> naming no declared class: the slip may be at the use or in the <c>labels</c> line, so the
/// message says where the classes are declared, and a class misspelt there is reported once, there.
/// </summary>
public sealed class UnknownLabelTests
{
    [Fact]
    public void A_class_misspelt_in_the_labels_line_is_reported_once_at_the_declaration()
    {
        // Given: SPAM declared as SPAMM; two rules label SPAM, none SPAMM
        const string text = "labels HAM, SPAMM\nlf a:\n    when text contains \"x\" label SPAM\nlf b:\n    when text contains \"y\" label SPAM\nlf c:\n    when text contains \"z\" label HAM\n";

        // When
        var set = Rules.Load(text);

        // Then: one error, at the misspelt class
        set.Diagnostics.Select(d => d.ToString()).ShouldBe([
            "test.rules(1,13): error SNK0007: unknown label 'SPAM' at lines 3 and 5, and no rule labels 'SPAMM', declared here: did you mean 'SPAM'?",
        ]);
        set.Functions.Select(f => f.Name).ShouldBe(["c"]);
    }

    [Fact]
    public void A_class_misspelt_in_the_labels_line_is_found_when_a_used_class_is_nearer()
    {
        // Given: NUM duplicated into NUMNUM where the classes are declared; at its uses NUM is one edit from HUM, which a rule labels
        const string text = "labels HUM, NUMNUM\nlf who:\n    when text contains \"who\" label HUM\nlf many:\n    when text contains \"how many\" label NUM\nlf much:\n    when text contains \"how much\" label NUM\n";

        // When / Then: the declaration, not "did you mean 'HUM'?" at each use
        Rules.Diagnostics(text).ShouldBe([
            "test.rules(1,13): error SNK0007: unknown label 'NUM' at lines 5 and 7, and no rule labels 'NUMNUM', declared here: did you mean 'NUM'?",
        ]);
    }

    [Fact]
    public void An_unknown_label_used_once_is_reported_at_its_use_naming_where_the_classes_are_declared()
    {
        // Given: one rule, its class misspelt; the use and the declaration are equally likely the slip
        const string text = "labels HAM, SPAM\nlf a:\n    when text contains \"x\" label SPAMM\n";

        // When / Then
        Rules.Diagnostics(text).ShouldBe([
            "test.rules(3,34): error SNK0007: unknown label 'SPAMM'; did you mean 'SPAM'? (classes: HAM, SPAM, or ABSTAIN; declared at line 1)",
        ]);
    }

    [Fact]
    public void A_misspelt_class_that_other_rules_use_correctly_is_reported_once_at_its_first_use_naming_every_use()
    {
        // Given: SPAMM twice, but SPAM labels a rule too, so the declaration is right
        const string text = "labels HAM, SPAM\nlf a:\n    when text contains \"x\" label SPAMM\nlf b:\n    when text contains \"y\" label SPAMM\nlf c:\n    when text contains \"z\" label SPAM\n";

        // When / Then (it was one error a use, each saying the same)
        Rules.Diagnostics(text).ShouldBe([
            "test.rules(3,34): error SNK0007: unknown label 'SPAMM' at lines 3 and 5; did you mean 'SPAM'? (classes: HAM, SPAM, or ABSTAIN; declared at line 1)",
        ]);
    }

    [Fact]
    public void A_class_removed_from_the_labels_line_is_reported_once_at_its_first_use_naming_every_use_and_the_declaration()
    {
        // Given: OTHER used three times and declared nowhere; no declared class is like it
        const string text = "# classes\nlabels HAM, SPAM\nlf a:\n    when text contains \"x\" label OTHER\nlf b:\n    when text contains \"y\" label OTHER\n"
            + "lf c:\n    when text contains \"z\" label OTHER\n";

        // When / Then
        Rules.Diagnostics(text).ShouldBe([
            "test.rules(4,34): error SNK0007: unknown label 'OTHER' at lines 4, 6 and 8 (classes: HAM, SPAM, or ABSTAIN; declared at line 2)",
        ]);
    }

    [Fact]
    public void Two_undeclared_names_like_one_unused_class_are_reported_at_their_first_uses()
    {
        // Given: SPAMM unused, and both SPAM and SPAMMM used twice: which one it should be is not clear
        const string text = "labels HAM, SPAMM\nlf a:\n    when text contains \"a\" label SPAM\nlf b:\n    when text contains \"b\" label SPAM\nlf c:\n    when text contains \"c\" label SPAMMM\nlf d:\n    when text contains \"d\" label SPAMMM\n";

        // When
        var diagnostics = Rules.Diagnostics(text);

        // Then
        diagnostics.Select(d => d[..d.IndexOf(':', StringComparison.Ordinal)]).ShouldBe(["test.rules(3,34)", "test.rules(7,34)"]);
        diagnostics[0].ShouldContain("unknown label 'SPAM' at lines 3 and 5; did you mean 'SPAMM'?");
        diagnostics[1].ShouldContain("unknown label 'SPAMMM' at lines 7 and 9; did you mean 'SPAMM'?");
        diagnostics.ShouldAllBe(d => d.Contains("; declared at line 1)", StringComparison.Ordinal));
    }

    [Fact]
    public void Classes_declared_in_another_rule_file_are_named_by_that_file()
    {
        // Given: the classes declared in a.rules, misspelt (SPAMM) there and used twice in b.rules
        using var folder = new TempFolder();
        var first = folder.Write("a.rules", "# the run's classes\nlabels HAM, SPAMM\n");
        var second = folder.Write("b.rules", "lf a:\n    when text contains \"x\" label SPAM\nlf b:\n    when text contains \"y\" label SPAM\nlf c:\n    when text contains \"z\" label HAMM\n");

        // When
        var set = Rules.LoadFiles(folder.Path, first, second);

        // Then
        set.Diagnostics.Select(d => d.ToString()).ShouldBe([
            $"{first}(2,13): error SNK0007: unknown label 'SPAM' at {second}(2,34) and {second}(4,34), and no rule labels 'SPAMM', declared here: did you mean 'SPAM'?",
            $"{second}(6,34): error SNK0007: unknown label 'HAMM'; did you mean 'HAM'? (classes: HAM, SPAMM, or ABSTAIN; declared at {first}(2,1))",
        ]);
    }

    [Fact]
    public void Classes_from_outside_the_rule_files_are_listed_without_a_declaration()
    {
        // Given: no labels line; the classes come from the data set (its label.json)
        var set = Rules.Load("lf a:\n    when text contains \"x\" label SPAMM\nlf b:\n    when text contains \"y\" label SPAMM\n", schema: new LabelSchema(["HAM", "SPAM"]));

        // When / Then: at the first use, as there is no declaration to point at
        set.Diagnostics.Select(d => d.ToString()).ShouldBe([
            "test.rules(2,34): error SNK0007: unknown label 'SPAMM' at lines 2 and 4; did you mean 'SPAM'? (classes: HAM, SPAM, or ABSTAIN)",
        ]);
    }

    [Fact]
    public void An_unknown_label_used_in_several_rule_files_is_reported_once_in_each_file_so_that_an_editor_showing_either_marks_it()
    {
        // Given: OTHER removed from the labels line of a.rules, still labelled twice in a.rules and once in b.rules
        using var folder = new TempFolder();
        var first = folder.Write("a.rules", "labels HAM, SPAM\nlf a:\n    when text contains \"x\" label OTHER\nlf b:\n    when text contains \"y\" label OTHER\n");
        var second = folder.Write("b.rules", "lf c:\n    when text contains \"z\" label OTHER\n");

        // When
        var set = Rules.LoadFiles(folder.Path, first, second);

        // Then
        set.Diagnostics.Select(d => d.ToString()).ShouldBe([
            $"{first}(3,34): error SNK0007: unknown label 'OTHER' at lines 3 and 5 (classes: HAM, SPAM, or ABSTAIN; declared at line 1)",
            $"{second}(2,34): error SNK0007: unknown label 'OTHER' (classes: HAM, SPAM, or ABSTAIN; declared at {first}(1,1))",
        ]);
    }

    [Fact]
    public void Of_hundreds_of_classes_an_unknown_label_lists_the_first_twenty_and_how_many_more()
    {
        // Given 300 classes C001..C300 and a rule labelling OTHER, near none of them
        var classes = Enumerable.Range(1, 300).Select(i => $"C{i:D3}").ToArray();
        var text = $"labels {string.Join(", ", classes)}\nlf a:\n    when text contains \"x\" label OTHER\n";

        // When / Then
        Rules.Diagnostics(text).ShouldBe([
            "test.rules(3,34): error SNK0007: unknown label 'OTHER' (classes: C001, C002, C003, C004, C005, C006, C007, C008, C009, C010, "
            + "C011, C012, C013, C014, C015, C016, C017, C018, C019, C020 and 280 more, or ABSTAIN; declared at line 1)",
        ]);
    }
}
