using System.Text.Json;

namespace Snorkeler.Studio.Tests;

public sealed class SuggestionTests
{
    [Theory]
    // belief (HAM, SPAM), the vote's class, its precision, prior (0.5, 0.5) → expected gain in accuracy on the row
    [InlineData(0.2, 0.8, 1, 0.9, 0.0)] // already predicted SPAM: nothing to gain
    [InlineData(0.5, 0.5, 1, 0.9, 0.4)] // a tie (a coin flip, right half the time) becomes SPAM at 0.9
    [InlineData(0.99, 0.01, 1, 0.9, 0.0)] // too sure of HAM for the vote to turn it
    [InlineData(0.7, 0.3, 1, 0.9, 0.5882352941)] // turned: (0.3·1.8 − 0.7·0.2) / (0.3·1.8 + 0.7·0.2)
    [InlineData(0.7, 0.3, 0, 0.9, 0.0)] // agrees with the prediction
    public void A_keyword_gains_only_on_rows_where_it_would_change_the_predicted_class(double ham, double spam, int label, double precision, double expected)
    {
        var gain = StudioSession.Gain([ham, spam], StudioSession.VoteLikelihood(label, precision, [0.5, 0.5]));

        gain.ShouldBe(expected, 1e-9);
    }

    [Fact]
    public void A_suggested_rule_reads_back_as_its_keyword_whatever_characters_the_keyword_holds()
    {
        // Given a keyword with a quote, a backslash, a tab, a line break and a carriage return (before: only the quote and
        // the backslash were escaped, and the line break ended the rule's text, SNK0002)
        const string keyword = "say \"hi\"\\\tthere\nnow\r";
        var rule = StudioSession.Rule("spam_odd", "text", keyword, "SPAM");

        // When it is loaded and run on a row holding the keyword and on one holding it without its tab
        var set = new Dsl.RulesLoader().Load([new Loading.LfSourceFile("/lfs/studio.rules", "labels HAM, SPAM\n\n" + rule)], new Loading.LfLoadContext(null, null, "/lfs"));
        var rows = new Data.DataFrameSource(new Microsoft.Data.Analysis.DataFrame(
            new Microsoft.Data.Analysis.StringDataFrameColumn("text", ["so " + keyword + " ok", "so " + keyword.Replace("\t", "", StringComparison.Ordinal)])));
        var matrix = Applying.Applier.ApplyToMatrix(rows, set.Functions, set.Schema!);

        // Then it parses clean, and fires on the row holding the keyword as it is, only
        set.Diagnostics.ShouldBeEmpty();
        matrix[0, 0].ShouldBe(1);
        matrix[1, 0].ShouldBe(LabelSchema.Abstain);
    }

    [Fact]
    public void A_vote_for_a_rare_class_counts_its_precision_against_that_class_prior()
    {
        // Precision 0.3 for a class of prior 0.1 triples that class's likelihood (0.3 / 0.1) against 0.7 / 0.9 for the others:
        // not enough to turn a row at the prior (0.1 · 3 < 0.6 · 0.78), enough where the class is a close second (0.35 · 3 > 0.45 · 0.78).
        double[] prior = [0.6, 0.3, 0.1];
        StudioSession.Gain([0.6, 0.3, 0.1], StudioSession.VoteLikelihood(2, 0.3, prior)).ShouldBe(0);
        StudioSession.Gain([0.45, 0.2, 0.35], StudioSession.VoteLikelihood(2, 0.3, prior)).ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Suggestions_all_gain_come_precise_first_and_none_repeats_what_an_LF_already_labels()
    {
        await using var studio = await StudioHarness.Start(rules: "labels HAM, SPAM\n\nlf keyword_check:\n    when text contains \"check\" label SPAM\n");

        var suggestions = (await studio.Get("/api/suggestions?limit=50")).EnumerateArray().ToList();

        suggestions.Count.ShouldBeGreaterThan(5);
        suggestions.Select(s => s.GetProperty("gain").GetDouble()).ShouldAllBe(g => g > 0);
        var bounds = suggestions.Select(s => s.GetProperty("precisionBound").GetDouble()).ToList();
        bounds.ShouldAllBe(b => b > 0 && b < 1);
        // The precise ones (bound above one half) first, each group by bound × √(rows needing an LF).
        var precise = bounds.TakeWhile(b => b > StudioSession.PreciseBound).Count();
        precise.ShouldBeGreaterThan(0);
        bounds.Skip(precise).ShouldAllBe(b => b <= StudioSession.PreciseBound);
        var scores = suggestions.Select(s => s.GetProperty("precisionBound").GetDouble() * Math.Sqrt(s.GetProperty("unlabelled").GetInt64())).ToList();
        scores.Take(precise).ShouldBe(scores.Take(precise).OrderByDescending(x => x));
        scores.Skip(precise).ShouldBe(scores.Skip(precise).OrderByDescending(x => x));
        // Every row containing "check out" already gets SPAM from keyword_check: a SPAM rule there would change nothing.
        suggestions.ShouldNotContain(s => s.GetProperty("keyword").GetString()!.Contains("check", StringComparison.Ordinal) && s.GetProperty("label").GetString() == "SPAM");
        // Counts are shrunk towards the prior: a keyword right on every gold row it is in is not given precision 1.
        suggestions.ShouldContain(s => s.GetProperty("goldRows").GetInt64() > 0 && s.GetProperty("goldCorrect").GetInt64() == s.GetProperty("goldRows").GetInt64());
        suggestions.ShouldAllBe(s => s.GetProperty("precision").GetDouble() < 1);
    }

    [Fact]
    public async Task On_TREC_a_keyword_right_on_15_of_16_gold_rows_comes_before_one_right_half_the_time_on_more_rows()
    {
        // The question-word rules leave "what country ..." and "name the ..." questions to the prior; "name" votes HUM on
        // three times the rows "country" votes LOC on, but is right on about half of its gold rows.
        await using var studio = await StudioHarness.Start(set: "trec", rules: StudioHarness.TrecRules);

        var suggestions = (await studio.Get("/api/suggestions?limit=150")).EnumerateArray().ToList();
        string Key(JsonElement s) => $"{s.GetProperty("keyword").GetString()} → {s.GetProperty("label").GetString()}";
        var country = suggestions.FindIndex(s => Key(s) == "country → LOC");
        var name = suggestions.FindIndex(s => Key(s) == "name → HUM");

        country.ShouldBeGreaterThanOrEqualTo(0);
        name.ShouldBeGreaterThan(country);
        suggestions[name].GetProperty("unlabelled").GetInt64().ShouldBeGreaterThan(2 * suggestions[country].GetProperty("unlabelled").GetInt64());
        suggestions[0].GetProperty("precisionBound").GetDouble().ShouldBeGreaterThan(StudioSession.PreciseBound);
    }

    [Theory]
    // share, rows → Wilson's one-sided 95 % lower bound
    [InlineData(0.5, 0, 0.0)]
    [InlineData(0.78, 20, 0.5998)]
    [InlineData(0.78, 200, 0.7283)]
    [InlineData(1.0, 4, 0.5965)]
    public void The_precision_bound_rises_towards_the_share_as_the_rows_behind_it_grow(double share, double rows, double bound)
        => StudioSession.LowerBound(share, rows).ShouldBe(bound, 1e-3);

    [Fact]
    public async Task A_suggested_phrase_holds_a_word_that_could_be_a_keyword_on_its_own()
    {
        // TREC writes "what 's a ...": the phrase "s a" would be a rule 'contains "s a"', which fires inside "was a", "is a", "has a".
        await using var studio = await StudioHarness.Start(set: "trec",
            rules: "labels ABBR, DESC, ENTY, HUM, LOC, NUM\n\nlf who:\n    when text matches /^who/i label HUM\n");

        var keywords = (await studio.Get("/api/suggestions?limit=150")).EnumerateArray().Select(s => s.GetProperty("keyword").GetString()!).ToList();

        keywords.ShouldNotBeEmpty();
        keywords.Where(k => k.Contains(' ', StringComparison.Ordinal) && k.Split(' ').All(w => w.Length < 3)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Probabilities_computed_once_per_distinct_row_of_votes_equal_the_models_on_every_row()
    {
        await using var studio = await StudioHarness.Start();
        var e = studio.Session.Current!;

        e.Probabilities.ShouldNotBeNull();
        e.Probabilities.ShouldBe(LabelModels.LabelModel.PredictProbabilities(e.Model!, e.Train));
    }
}
