namespace Snorkeler.Dsl.Tests;

/// <summary>What each operator and function means, pinned on edge cases: empty text, missing values, Unicode, case, numbers in text.</summary>
public sealed class SemanticsTests
{
    [Theory]
    // contains: ordinal, ignoring case
    [InlineData("text contains \"SUB\"", "please subscribe", true)]
    [InlineData("text contains \"sub\"", "PLEASE SUBSCRIBE", true)]
    [InlineData("text contains \"xyz\"", "please subscribe", false)]
    [InlineData("text contains \"\"", "", true)]
    [InlineData("text contains \"a\"", "", false)]
    [InlineData("text contains \"a\"", null, false)]
    [InlineData("not (text contains \"a\")", null, true)]
    [InlineData("text contains \"ÉTÉ\"", "un été", true)]
    [InlineData("text contains \"straße\"", "STRASSE", false)]
    [InlineData("text contains \"e\"", "e\u0301", true)]
    // contains any / all
    [InlineData("text contains any [\"plz\", \"please\"]", "PLZ help", true)]
    [InlineData("text contains any [\"plz\", \"please\"]", "pls help", false)]
    [InlineData("text contains any []", "anything", false)]
    [InlineData("text contains any [\"\"]", "", true)]
    [InlineData("text contains any [\"a\"]", null, false)]
    [InlineData("text contains all [\"my\", \"channel\"]", "check My CHANNEL", true)]
    [InlineData("text contains all [\"my\", \"channel\"]", "my video", false)]
    [InlineData("text contains all []", "anything", true)]
    // matches
    [InlineData("text matches /check.*out/i", "CHECK it OUT", true)]
    [InlineData("text matches /check.*out/", "CHECK it OUT", false)]
    [InlineData("text matches /check.*out/i", "check\nout", false)]
    [InlineData("text matches /check.*out/is", "check\nout", true)]
    [InlineData("text matches /^out/m", "check\nout", true)]
    [InlineData("text matches /^out/", "check\nout", false)]
    [InlineData("text matches /https?:\\/\\//", "see http://x", true)]
    [InlineData("text matches /x*/", "", true)]
    [InlineData("text matches /x*/", null, false)]
    [InlineData("text matches /\\p{Lu}/", "élan Été", true)]
    // in, ==, !=: exact, case-sensitive
    [InlineData("text in [\"yes\", \"no\"]", "yes", true)]
    [InlineData("text in [\"yes\", \"no\"]", "YES", false)]
    [InlineData("text in [\"yes\", \"no\"]", null, false)]
    [InlineData("text in []", "yes", false)]
    [InlineData("text == \"Hi\"", "Hi", true)]
    [InlineData("text == \"Hi\"", "hi", false)]
    [InlineData("lower(text) == \"hi\"", "HI", true)]
    [InlineData("text != \"Hi\"", "hi", true)]
    [InlineData("text != \"Hi\"", null, false)]
    [InlineData("text == \"\"", "", true)]
    // numbers in text
    [InlineData("text > 3", "4", true)]
    [InlineData("text > 3", " 4.5 ", true)]
    [InlineData("text > 3", "4,5", false)]
    [InlineData("text > 3", "four", false)]
    [InlineData("text <= 3", "four", false)]
    [InlineData("text == 1000", "1e3", true)]
    [InlineData("text == 5", "5.0", true)]
    [InlineData("text in [1, 2, 3]", "2", true)]
    [InlineData("text in [1, 2, 3]", "2.5", false)]
    [InlineData("text between 1 and 5", "1", true)]
    [InlineData("text between 1 and 5", "5", true)]
    [InlineData("text between 1 and 5", "5.01", false)]
    [InlineData("text between 1 and 5", null, false)]
    [InlineData("number(text) is missing", "abc", true)]
    [InlineData("number(text) is not missing", "-2.5", true)]
    [InlineData("number(text) == -2.5", "-2.5", true)]
    // arithmetic
    [InlineData("text * 2 + 1 == 7", "3", true)]
    [InlineData("text - 1 - 1 == 1", "3", true)]
    [InlineData("text / 2 == 1.5", "3", true)]
    [InlineData("-text == -3", "3", true)]
    [InlineData("text / 0 > 0", "3", false)]
    [InlineData("(text / 0) is missing", "3", true)]
    [InlineData("1 + 2 * 3 == 7", "", true)]
    // missing
    [InlineData("text is missing", null, true)]
    [InlineData("text is missing", "", false)]
    [InlineData("text is not missing", "", true)]
    [InlineData("lower(text) is missing", null, true)]
    // booleans
    [InlineData("text == true", "true", true)]
    [InlineData("text == true", "TRUE", true)]
    [InlineData("text == false", "false", true)]
    [InlineData("text", "true", true)]
    [InlineData("text", "yes", false)]
    [InlineData("not text", "false", true)]
    [InlineData("true", null, true)]
    [InlineData("false or true and false", null, false)]
    [InlineData("not not true", null, true)]
    [InlineData("true == (1 < 2)", null, true)]
    public void A_condition_holds_as_documented(string condition, string? text, bool expected)
        => Rules.HoldsOn(condition, text).ShouldBe(expected);

    [Theory]
    // word_count: like Python's len(text.split())
    [InlineData("", 0)]
    [InlineData("   ", 0)]
    [InlineData("one", 1)]
    [InlineData("  two  words  ", 2)]
    [InlineData("tab\tnew\nline\r\nend", 4)]
    [InlineData("no\u00a0break", 2)]
    [InlineData("ideographic\u3000space", 2)]
    [InlineData("unit\u001fseparator", 2)]
    [InlineData("zero\u200bwidth", 1)]
    [InlineData("bom\ufeffinside", 1)]
    public void Word_count_splits_on_white_space_runs_like_Python(string text, int words)
        => Rules.HoldsOn($"word_count(text) == {words}", text).ShouldBeTrue();

    [Theory]
    [InlineData("", 0)]
    [InlineData("abc", 3)]
    [InlineData("été", 3)]
    [InlineData("😀x", 2)]
    [InlineData("e\u0301", 2)]
    public void Length_counts_code_points_like_Python(string text, int length)
        => Rules.HoldsOn($"length(text) == {length}", text).ShouldBeTrue();

    [Theory]
    [InlineData("count(text, \"ab\") == 2", "abABa", true)]
    [InlineData("count(text, \"aa\") == 1", "aaa", true)]
    [InlineData("count(text, \"\") == 0", "abc", true)]
    [InlineData("count(text, \"x\") == 0", "", true)]
    [InlineData("starts_with(text, \"HEL\")", "hello", true)]
    [InlineData("starts_with(text, \"lo\")", "hello", false)]
    [InlineData("ends_with(text, \"LO\")", "hello", true)]
    [InlineData("ends_with(text, \"\")", "", true)]
    [InlineData("starts_with(text, \"a\")", null, false)]
    [InlineData("upper(text) == \"ÉTÉ\"", "été", true)]
    [InlineData("lower(text) == \"istanbul\"", "ISTANBUL", true)]
    [InlineData("trim(text) == \"a b\"", " \t a b \n", true)]
    [InlineData("trim(text) == \"\"", "   ", true)]
    [InlineData("length(trim(text)) == 0", "", true)]
    [InlineData("number(\"12\") + number(text) == 15", "3", true)]
    [InlineData("lower(text) contains \"SONG\"", "My Song", true)]
    [InlineData("upper(lower(text)) matches /SONG/", "my song", true)]
    [InlineData("lower(text) matches /Song/", "my song", false)]
    public void Functions_behave_as_documented(string condition, string? text, bool expected)
        => Rules.HoldsOn(condition, text).ShouldBe(expected);

    [Fact]
    public void The_first_clause_that_holds_gives_the_label_and_none_holding_abstains()
    {
        // Given
        const string text = """
            labels HAM, SPAM
            lf link_or_song:
                when text matches /https?:\/\// label SPAM
                when lower(text) contains "song" and not (text contains "my") label HAM
            """;

        // Then
        Rules.Vote(text, ("text", "great song http://x")).ShouldBe(1);
        Rules.Vote(text, ("text", "great SONG")).ShouldBe(0);
        Rules.Vote(text, ("text", "my song")).ShouldBe(-1);
        Rules.Vote(text, ("text", null)).ShouldBe(-1);
    }

    [Fact]
    public void A_clause_may_span_lines_with_comments_between_them()
    {
        // Given
        const string text = """
            labels HAM, SPAM
            lf multi:   # several lines
                when text contains "a"   # first
                     and text contains "b"
                  label SPAM
            """;

        // Then
        Rules.Vote(text, ("text", "ab")).ShouldBe(1);
        Rules.Vote(text, ("text", "a")).ShouldBe(-1);
    }

    [Fact]
    public void Label_ABSTAIN_stops_at_a_clause_without_voting()
    {
        // Given
        const string text = "labels HAM, SPAM\nlf a:\n    when text contains \"ok\" label ABSTAIN\n    when text contains \"buy\" label SPAM\n";

        // Then
        Rules.Vote(text, ("text", "ok buy")).ShouldBe(-1);
        Rules.Vote(text, ("text", "buy")).ShouldBe(1);
    }

    [Fact]
    public void Backtick_fields_and_let_constants_resolve()
    {
        // Given
        const string text = """
            labels HAM, SPAM
            let limit = 10
            let spammy = ["free", "win"]
            let link = /www\./i
            lf a:
                when `first name` == "Bot" or (`star count` > limit and text contains any spammy) label SPAM
                when text matches link label HAM
            """;

        // Then
        Rules.Vote(text, ("first name", "Bot"), ("star count", "1"), ("text", "")).ShouldBe(1);
        Rules.Vote(text, ("first name", "Ann"), ("star count", "11"), ("text", "FREE stuff")).ShouldBe(1);
        Rules.Vote(text, ("first name", "Ann"), ("star count", "9"), ("text", "free WWW.x")).ShouldBe(0);
    }

    [Fact]
    public void Between_binds_its_own_and_before_the_logical_and()
    {
        // Given
        const string text = "labels HAM, SPAM\nlf a:\n    when stars between 1 and 3 and text contains \"x\" label SPAM\n";

        // Then
        Rules.Vote(text, ("stars", "2"), ("text", "x")).ShouldBe(1);
        Rules.Vote(text, ("stars", "2"), ("text", "y")).ShouldBe(-1);
        Rules.Vote(text, ("stars", "4"), ("text", "x")).ShouldBe(-1);
    }

    [Fact]
    public void Keyword_lists_come_from_a_file_next_to_the_rules_skipping_blank_lines_and_comments()
    {
        // Given
        using var folder = new TempFolder();
        folder.Write("words.txt", "# spam words\nfree\n\n  win  \n");
        const string text = "labels HAM, SPAM\nlet words = lines(\"words.txt\")\nlf a:\n    when text contains any words label SPAM\n";
        var lf = Rules.Load(text, folder: folder.Path).ThrowIfErrors().Functions.Single();

        // When
        var vote = lf.Bind(new Data.DataSchema(["text"]));

        // Then
        vote(Rules.Row(("text", "we WIN"))).ShouldBe(1);
        vote(Rules.Row(("text", "spam words"))).ShouldBe(-1);
        vote(Rules.Row(("text", "# spam words"))).ShouldBe(-1);
    }

    [Fact]
    public void Editing_one_LF_changes_only_its_source_hash()
    {
        // Given
        const string before = "labels HAM, SPAM\nlf a:\n    when text contains \"x\" label SPAM\nlf b:\n    when text contains \"y\" label HAM\n";
        var after = before.Replace("\"y\"", "\"z\"", StringComparison.Ordinal);

        // When
        var first = Rules.Load(before).Functions;
        var second = Rules.Load(after).Functions;

        // Then
        second[0].SourceHash.ShouldBe(first[0].SourceHash);
        second[1].SourceHash.ShouldNotBe(first[1].SourceHash);
    }

    [Fact]
    public void Editing_a_let_changes_the_hash_of_the_LFs_that_use_it()
    {
        // Given
        const string before = "labels HAM, SPAM\nlet w = [\"a\"]\nlf a:\n    when text contains any w label SPAM\nlf b:\n    when text contains \"y\" label HAM\n";
        var after = before.Replace("[\"a\"]", "[\"b\"]", StringComparison.Ordinal);

        // When
        var first = Rules.Load(before).Functions;
        var second = Rules.Load(after).Functions;

        // Then
        second[0].SourceHash.ShouldNotBe(first[0].SourceHash);
        second[1].SourceHash.ShouldBe(first[1].SourceHash);
    }

    [Fact]
    public void A_bound_LF_reads_fields_by_name_in_any_column_order()
    {
        // Given
        var lf = Rules.Load("labels HAM, SPAM\nlf a:\n    when body contains \"x\" label SPAM\n").Functions.Single();
        var row = Rules.Row(("id", "1"), ("BODY", "xx"));

        // When
        var vote = lf.Bind(row.Schema)(row);

        // Then
        vote.ShouldBe(1);
        lf.Fields.ShouldBe(["body"]);
        lf.Location!.ToString().ShouldEndWith("test.rules(2,4)");
    }
}
