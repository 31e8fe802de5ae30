using Snorkeler.Data;

namespace Snorkeler.Dsl.Tests;

/// <summary>What made a rule fire: the clause and the text, for the rows a person looks at.</summary>
public sealed class ExplainTests
{
    public static TheoryData<string, string, string[]> Cases => new()
    {
        // condition, text, the matched pieces of text
        { "text contains \"my\"", "Check out MY channel", ["MY"] },
        { "text contains any [\"plz\", \"please\", \"absent\"]", "please sub plz", ["plz", "please"] },
        { "text contains all [\"sub\", \"please\"]", "please sub", ["sub", "please"] },
        { "text matches /check.*out/i", "Hey CHECK it out now", ["CHECK it out"] },
        { "lower(text) contains \"song\"", "Great SONG", ["SONG"] },
        { "trim(text) == \"ok\"", "   ok  ", ["ok"] },
        { "starts_with(trim(text), \"hey\")", "  Hey you", ["Hey"] },
        { "ends_with(text, \"!!\")", "wow!!", ["!!"] },
        { "text in [\"yes\", \"no\"]", "no", ["no"] },
        { "text contains \"zzz\" or text contains \"song\"", "a song", ["song"] },
        { "text contains \"a\" and text matches /b+/", "abbb", ["a", "bbb"] },
        { "word_count(text) < 5", "short one", [] },
        { "not (text contains \"x\")", "abc", [] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_explanation_marks_the_text_that_made_the_condition_hold(string condition, string text, string[] expected)
    {
        // Given
        var lf = Rules.Load($"labels NO, YES\nlf probe:\n    when {condition} label YES\n").Functions.Single();
        var row = Rules.Row(("text", text));

        // When
        var why = lf.BindExplainer(row.Schema)!(row);

        // Then
        lf.Bind(row.Schema)(row).ShouldBe(1);
        why.ShouldNotBeNull();
        why.Clause.ShouldBe(0);
        why.Condition.ShouldBe(condition);
        why.Matches.Select(m => text.Substring(m.Start, m.Length)).ShouldBe(expected);
        why.Matches.ShouldAllBe(m => m.Field == "text");
    }

    [Fact]
    public void The_explanation_names_the_clause_that_fired_and_is_null_where_the_lf_abstains()
    {
        // Given
        var lf = Rules.Load("labels HAM, SPAM\nlf a:\n    when body contains \"free\" label SPAM\n    when body contains \"stop\" label ABSTAIN\n    when subject contains \"hi\" label HAM\n").Functions.Single();
        var schema = new DataSchema(["subject", "body"]);
        DataRow Row(string subject, string body) => Rules.Row(("subject", subject), ("body", body));
        var explain = lf.BindExplainer(schema)!;

        // Then
        explain(Row("hi there", "nothing")).ShouldBe(new LfExplanation(2, "subject contains \"hi\"", [new TextMatch("subject", 0, 2)]), new ExplanationComparer());
        explain(Row("hi", "please stop")).ShouldBeNull();
        explain(Row("x", "y")).ShouldBeNull();
        lf.CanExplain.ShouldBeTrue();
    }

    [Fact]
    public void On_the_youtube_comments_every_rule_explains_exactly_the_rows_it_votes_on_with_matches_inside_the_text()
    {
        // Given
        var set = new Snorkeler.Loading.LfProject([new RulesLoader()]).Load([TestPaths.InRepo("labeling-functions", "spam", "spam.rules")]);
        var data = DataSources.WithAliases(DataSources.Open(TestPaths.YouTubeRawCsvs), new Dictionary<string, string> { ["text"] = "CONTENT" });
        var votes = set.Functions.Select(l => l.Bind(data.Schema)).ToArray();
        var explains = set.Functions.Select(l => l.BindExplainer(data.Schema)!).ToArray();
        var keywordRules = set.Functions.Select(l => l.Name is "keyword_my" or "keyword_subscribe" or "keyword_link" or "keyword_please" or "keyword_song" or "regex_check_out").ToArray();

        // When / Then
        var rows = 0;
        foreach (var batch in data.ReadBatches(4096))
            for (var i = 0; i < batch.Count; i++, rows++)
            {
                var row = batch[i];
                var text = row.Text("text");
                for (var j = 0; j < votes.Length; j++)
                {
                    var why = explains[j](row);
                    (why is not null).ShouldBe(votes[j](row) != -1);
                    if (why is null) continue;
                    why.Matches.ShouldAllBe(m => m.Start >= 0 && m.Start + m.Length <= text.Length);
                    if (keywordRules[j]) why.Matches.ShouldNotBeEmpty();
                }
            }
        rows.ShouldBe(1956);
    }

    private sealed class ExplanationComparer : IEqualityComparer<LfExplanation?>
    {
        public bool Equals(LfExplanation? x, LfExplanation? y)
            => x is not null && y is not null && x.Clause == y.Clause && x.Condition == y.Condition && x.Matches.SequenceEqual(y.Matches);

        public int GetHashCode(LfExplanation? obj) => obj?.Clause ?? 0;
    }
}
