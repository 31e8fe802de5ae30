using Snorkeler.Data;
using Snorkeler.Loading;

namespace Snorkeler.Dsl.Tests;

/// <summary>Warnings for rules that cannot work: seen in the rule text (SNK05xx), and shown by the data (SNK0510, SNK0511).</summary>
public sealed class RuleWarningTests
{
    private const string Head = "labels HAM, SPAM\nlf a:\n    ";

    public static TheoryData<string, string, string[]?, string> Cases => new()
    {
        // code, rule text, the data's columns (null: unknown), the whole warning
        {
            "SNK0501", Head + "when \"customer tier\" == \"enterprise\" label SPAM", ["body", "customer tier"],
            "test.rules(3,10): warning SNK0501: \"customer tier\" is text, not the field 'customer tier': write the field as `customer tier` (as written, the test compares constants and is always false)"
        },
        {
            "SNK0501", "labels HAM, SPAM\nlf a:\n    when customer_tier == \"x\" label SPAM\nlf b:\n    when \"customer tier\" != \"gold\" label HAM", null,
            "test.rules(5,10): warning SNK0501: \"customer tier\" is text, not the field 'customer_tier': write the field as customer_tier (as written, the test compares constants and is always true)"
        },
        {
            "SNK0502", Head + "when \"body\" contains \"refund\" label SPAM", null,
            "test.rules(3,10): warning SNK0502: this test reads no field of the row, so it is always false; write field names bare or in backticks, not in quotes"
        },
        {
            "SNK0502", Head + "when text contains \"x\" or 3 > 2 label SPAM", null,
            "test.rules(3,31): warning SNK0502: this test reads no field of the row, so it is always true; write field names bare or in backticks, not in quotes"
        },
        {
            "SNK0503", Head + "when lower(tier) == \"Enterprise\" label SPAM", null,
            "test.rules(3,25): warning SNK0503: lower(...) never gives \"Enterprise\" (it has capitals), so '==' is always false; write \"enterprise\""
        },
        {
            "SNK0503", Head + "when upper(tier) in [\"GOLD\", \"basic\"] label SPAM", null,
            "test.rules(3,25): warning SNK0503: upper(...) never gives \"basic\" (it has small letters), so 'in' is always false; write \"BASIC\""
        },
        {
            "SNK0504", "labels HAM, SPAM\nlet person_words = [\"who\", \"whom\"]\nlf a:\n    when text matches /^who/i label HAM", null,
            "test.rules(2,5): warning SNK0504: 'person_words' is defined but no rule uses it; use it in a condition or remove it"
        },
        {
            "SNK0506", "labels HAM, SPAM\nlet title = [\"mr\", \"mrs\"]\nlf a:\n    when text contains any title label HAM", ["text", "Title"],
            "test.rules(2,5): warning SNK0506: 'title' is a let constant and also a column of the data ('Title'): where a rule writes title it reads the constant, not the column; rename the constant, or write the column in backticks, `Title`"
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_rule_that_cannot_work_as_written_gets_a_warning(string code, string text, string[]? columns, string expected)
    {
        // When
        var set = Rules.Load(text, columns is null ? null : new DataSchema(columns));

        // Then
        set.Diagnostics.Select(d => d.ToString()).ShouldBe([expected]);
        set.Diagnostics[0].Code.ShouldBe(code);
        set.HasErrors.ShouldBeFalse();
        set.Functions.Count.ShouldBeGreaterThan(0);
    }

    [Theory]
    [InlineData("when true label SPAM")]
    [InlineData("when lower(tier) == \"gold\" label SPAM")]
    [InlineData("when tier == \"Gold\" label SPAM")]
    [InlineData("when text contains \"customer tier\" label SPAM")]
    public void Rules_that_read_the_row_get_no_warning(string clause)
    {
        Rules.Load(Head + clause, new DataSchema(["text", "tier", "customer tier"])).Diagnostics.ShouldBeEmpty();
    }

    [Fact]
    public void A_let_used_only_by_another_let_that_a_rule_uses_gets_no_warning()
    {
        // Given constants reached from a rule through other constants (a list item, a copy)
        const string text = "labels HAM, SPAM\nlet who = \"who\"\nlet words = [who, \"whom\"]\nlet same = words\nlf a:\n    when text contains any same label HAM";

        // Then
        Rules.Diagnostics(text).ShouldBeEmpty();
    }

    [Fact]
    public void A_let_used_only_by_an_unused_let_is_reported_with_the_let_that_uses_it()
    {
        // Given 'who' is used by 'words', which no rule uses
        const string text = "labels HAM, SPAM\nlet who = \"who\"\nlet words = [who, \"whom\"]\nlf a:\n    when text contains \"why\" label HAM";

        // Then both are reported, so that one pass of the file finds both
        Rules.Diagnostics(text).ShouldBe([
            "test.rules(2,5): warning SNK0504: 'who' is used only by 'words', which no rule uses either, so it is unused too",
            "test.rules(3,5): warning SNK0504: 'words' is defined but no rule uses it; use it in a condition or remove it",
        ]);
    }

    [Theory]
    [InlineData("when txet contains any words label HAM", "SNK0103")] // reported by the loader after the items are checked
    [InlineData("when text contains any wordz label HAM", "SNK0103")] // a misspelt constant reads as a field
    [InlineData("when text contains any words label HAMM", "SNK0007")]
    [InlineData("when text contains any words label HAM\nlf b:\n    whne text label SPAM", "SNK0001")]
    public void A_file_with_an_error_gets_no_unused_let_warning(string clause, string error)
    {
        // Given a file whose constant might be used once its error is fixed
        var text = "labels HAM, SPAM\nlet words = [\"who\"]\nlf a:\n    " + clause;

        // When
        var diagnostics = Rules.Load(text, new DataSchema(["text"])).Diagnostics;

        // Then only the error is reported
        diagnostics.Select(d => d.Code).Distinct().ShouldBe([error]);
    }

    [Fact]
    public void An_unused_let_is_reported_in_a_file_without_errors_when_another_file_has_one()
    {
        // Given
        using var folder = new TempFolder();
        var clean = folder.Write("a.rules", "labels HAM, SPAM\nlet unused = 3\nlf a:\n    when text contains \"x\" label HAM\n");
        var broken = folder.Write("b.rules", "let words = [\"y\"]\nlf b:\n    when txet contains any words label SPAM\n");

        // When
        var set = new RulesLoader().Load([new LfSourceFile(clean, File.ReadAllText(clean)), new LfSourceFile(broken, File.ReadAllText(broken))],
            new LfLoadContext(null, new DataSchema(["text"]), folder.Path));

        // Then
        set.Diagnostics.Select(d => (d.Code, Path.GetFileName(d.Location!.Path))).ShouldBe([("SNK0504", "a.rules"), ("SNK0103", "b.rules")]);
    }

    public static TheoryData<string, string, string> DataCases => new()
    {
        {
            "SNK0511", "when tier == \"Gold\" label SPAM",
            "test.rules(3,18): warning SNK0511: column 'tier' of tickets.csv holds \"gold\" but never \"Gold\", and == compares case exactly: write \"gold\", or compare lower(tier) with \"gold\""
        },
        {
            "SNK0510", "when tier in [\"basic\", \"platinium\"] label SPAM",
            "test.rules(3,18): warning SNK0510: column 'tier' of tickets.csv never holds \"platinium\"; did you mean \"platinum\"? (values: \"basic\", \"gold\", \"platinum\")"
        },
        {
            "SNK0510", "when trim(`customer tier`) != \"vip\" label SPAM",
            "test.rules(3,35): warning SNK0510: column 'customer tier' of tickets.csv never holds \"vip\" (values: \"A\", \"B\")"
        },
        {
            "SNK0512", "when text matches /^why/ label SPAM",
            "test.rules(3,23): warning SNK0512: /^why/ matches no value of column 'text' of tickets.csv, but 1 ignoring case (such as \"Why not\"); a regex tells capitals from small letters unless it ends with i: write /^why/i"
        },
    };

    [Theory]
    [MemberData(nameof(DataCases))]
    public void A_comparison_with_a_value_the_column_never_holds_gets_a_warning_from_the_data(string code, string clause, string expected)
    {
        // Given
        using var folder = new TempFolder();
        var data = new CsvSource(folder.Write("tickets.csv", "tier,customer tier,text\ngold, A ,x\nbasic,B,y\nplatinum,A,Why not\ngold,,w\n"));
        var set = Rules.Load(Head + clause, data.Schema);

        // When
        var warnings = RuleDataChecks.Check(set.Functions, data).Select(d => d.ToString().Replace(data.Name, "tickets.csv", StringComparison.Ordinal)
            .Replace(Path.Combine(Path.GetTempPath(), Rules.FileName), Rules.FileName, StringComparison.Ordinal)).ToList();

        // Then
        warnings.ShouldBe([expected]);
        RuleDataChecks.Check(set.Functions, data).Single().Code.ShouldBe(code);
    }

    [Theory]
    [InlineData("when text matches /^why/ label SPAM")]
    [InlineData("when text matches /^why/i label SPAM")]
    [InlineData("when text matches /[0-9]/ label SPAM")]
    public void A_regex_that_matches_some_row_as_written_or_matches_none_ignoring_case_gets_no_warning(string clause)
    {
        using var folder = new TempFolder();
        var data = new CsvSource(folder.Write("t.csv", "text\nWhy not\nwhy so\n"));
        var set = Rules.Load(Head + clause, data.Schema);

        RuleDataChecks.Check(set.Functions, data).ShouldBeEmpty();
    }

    [Fact]
    public void Case_sensitive_regexes_are_tried_ignoring_case_only_for_the_lfs_said_to_have_voted_on_no_row()
    {
        // Given a rule whose case-sensitive regex matches a row only ignoring case
        using var folder = new TempFolder();
        var data = new CsvSource(folder.Write("t.csv", "text\nWhy not\nsure\n"));
        var set = Rules.Load(Head + "when text matches /^why/ label SPAM", data.Schema);

        // When the caller says which LFs voted on no row (apply knows from the matrix)
        var silent = RuleDataChecks.Check(set.Functions, data, silent: set.Functions.ToHashSet());
        var voted = RuleDataChecks.Check(set.Functions, data, silent: new HashSet<LabelingFunction>());

        // Then a silent LF is warned, and one that voted costs no pass over the data and gets no warning
        silent.ShouldHaveSingleItem().Code.ShouldBe("SNK0512");
        voted.ShouldBeEmpty();
    }

    [Fact]
    public void Values_the_data_holds_give_no_warning_and_lfs_that_are_not_rules_are_skipped()
    {
        using var folder = new TempFolder();
        var data = new CsvSource(folder.Write("t.csv", "tier\ngold\nbasic\n"));
        var set = Rules.Load(Head + "when tier in [\"gold\", \"basic\"] label SPAM", data.Schema);
        var script = LabelingFunction.Create("code", _ => -1);

        RuleDataChecks.Check([.. set.Functions, script], data).ShouldBeEmpty();
        RuleDataChecks.HasComparisons([script]).ShouldBeFalse();
        RuleDataChecks.HasComparisons(set.Functions).ShouldBeTrue();
    }
}
