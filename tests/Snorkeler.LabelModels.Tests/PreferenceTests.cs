using Snorkeler.LabelModels.Preferences;
using Snorkeler.LabelModels.Tests.Support;

namespace Snorkeler.LabelModels.Tests;

public sealed class PreferenceTests
{
    private static double[] Scores(BradleyTerryFit fit) => Enumerable.Range(0, fit.Data.Items.Count).Select(fit.Score).ToArray();

    [Fact]
    public void The_annotator_table_reads_the_judgements_once_whatever_the_number_of_annotators()
    {
        // Given 300 annotators judging once each, a ≻ b ≻ c ≻ d (before: a pass over all judgements per annotator, so 50,000 annotators
        // took 25 s after a 0.1 s fit)
        var comparisons = new CountedPasses<Comparison>(Enumerable.Range(0, 300)
            .Select(j => new Comparison(j % 3, (j % 3) + 1, j, PreferenceOutcome.Left)).ToArray());
        var data = new PreferenceData(["a", "b", "c", "d"], Enumerable.Range(0, 300).Select(j => $"w{j}").ToArray(), comparisons);
        var fit = BradleyTerry.Fit(data);
        comparisons.Passes = 0;

        // When
        var rows = PreferenceOutputs.AnnotatorRows(fit).ToList();

        // Then one pass tallies the judgements and one the agreements
        rows.Count.ShouldBe(300);
        rows.ShouldAllBe(r => r.Agreement == 1);
        comparisons.Passes.ShouldBeLessThanOrEqualTo(2);
    }

    /// <summary>A list that counts the passes made over it.</summary>
    private sealed class CountedPasses<T>(IReadOnlyList<T> items) : IReadOnlyList<T>
    {
        public int Passes { get; set; }

        public T this[int index] => items[index];

        public int Count => items.Count;

        public IEnumerator<T> GetEnumerator()
        {
            Passes++;
            return items.GetEnumerator();
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    [Fact]
    public void Groups_are_the_items_judgements_link_largest_first_each_in_order_of_appearance()
    {
        // Given items a–c linked by judgements (a tie too), d–e linked to each other only, and f–g
        var data = new PreferenceData(["d", "a", "b", "e", "c", "f", "g"], ["w"],
        [
            new Comparison(0, 3, 0, PreferenceOutcome.Left),
            new Comparison(1, 2, 0, PreferenceOutcome.Right),
            new Comparison(5, 6, 0, PreferenceOutcome.Left),
            new Comparison(4, 2, 0, PreferenceOutcome.Tie),
        ]);

        // When, Then
        data.Groups().ShouldBe([[1, 2, 4], [0, 3], [5, 6]]);
        new PreferenceData(["a", "b"], ["w"], [new Comparison(0, 1, 0, PreferenceOutcome.Left)]).Groups().ShouldBe([[0, 1]]);
    }

    [Fact]
    public void Data_in_separate_groups_says_so_in_one_line_naming_their_sizes_and_the_items_outside_the_largest()
    {
        // Given items a–c linked by judgements and d–e linked to each other only (the wording lived in the CLI, out of library callers' reach)
        var data = new PreferenceData(["a", "b", "c", "d", "e"], ["w"],
        [
            new Comparison(0, 1, 0, PreferenceOutcome.Left),
            new Comparison(1, 2, 0, PreferenceOutcome.Left),
            new Comparison(3, 4, 0, PreferenceOutcome.Right),
        ]);
        var linked = new PreferenceData(["a", "b"], ["w"], [new Comparison(0, 1, 0, PreferenceOutcome.Left)]);

        // When, Then
        data.DisconnectedWarning().ShouldBe("the judgements link the items into 2 separate groups (of 3 and 2 items) that no judgement compares with one another, "
            + "so scores compare only within a group: the prior alone places each group, and the ranking across groups rests on no judgement; "
            + "items outside the largest group: 'd', 'e'; judge pairs across the groups to join them");
        linked.DisconnectedWarning().ShouldBeNull();
    }

    [Fact]
    public void Bradley_Terry_recovers_the_ranking_of_1000_items_from_20000_noisy_comparisons()
    {
        // Given judgements drawn from a Bradley–Terry model with ties (each one a noisy outcome of its pair)
        var (data, truth) = GeneratedPreferences.Draw(items: 1000, judgements: 20000, reliability: Enumerable.Repeat(1.0, 50).ToArray(), scoreSd: 2, nu: 0.3, seed: 11);

        // When
        var fit = BradleyTerry.Fit(data);

        // Then
        GeneratedPreferences.Spearman(Scores(fit), truth).ShouldBeGreaterThan(0.95);
        fit.TieParameter.ShouldBe(0.3, 0.05);
        fit.FullCovariance.ShouldBeTrue();
    }

    [Fact]
    public void The_noisy_annotator_model_recovers_the_ranking_despite_annotators_who_flip_their_preferences_and_finds_them()
    {
        // Given 40 annotators, 6 of whom report most preferences the wrong way round
        var reliability = Enumerable.Range(0, 40).Select(j => j < 6 ? 0.15 : 0.95).ToArray();
        var (data, truth) = GeneratedPreferences.Draw(items: 1000, judgements: 20000, reliability, scoreSd: 2, nu: 0.3, seed: 12);

        // When
        var noisy = BradleyTerry.Fit(data, new BradleyTerryOptions { NoisyAnnotators = true });
        var plain = BradleyTerry.Fit(data);

        // Then
        var recovered = GeneratedPreferences.Spearman(Scores(noisy), truth);
        recovered.ShouldBeGreaterThan(0.95);
        recovered.ShouldBeGreaterThan(GeneratedPreferences.Spearman(Scores(plain), truth) + 0.02);
        for (var j = 0; j < 40; j++)
        {
            if (j < 6) noisy.Reliability(j)!.Value.ShouldBeLessThan(0.3);
            else noisy.Reliability(j)!.Value.ShouldBeGreaterThan(0.85);
        }
        noisy.Agreement(0)!.Value.ShouldBeLessThan(0.3);
        plain.Reliability(0).ShouldBeNull();
    }

    [Fact]
    public void Pair_probabilities_sum_to_one_favour_the_better_item_and_widen_with_uncertainty()
    {
        // Given a small set where A beats B often and C is compared once
        var comparisons = new List<Comparison>();
        for (var t = 0; t < 30; t++) comparisons.Add(new Comparison(0, 1, 0, t % 5 == 0 ? PreferenceOutcome.Right : PreferenceOutcome.Left));
        comparisons.Add(new Comparison(2, 1, 0, PreferenceOutcome.Left));
        var data = new PreferenceData(["A", "B", "C"], ["x"], comparisons);

        // When
        var fit = BradleyTerry.Fit(data);
        var (ab, ba, tie) = fit.Probabilities(0, 1);
        var (cb, _, _) = fit.Probabilities(2, 1);

        // Then
        (ab + ba + tie).ShouldBe(1, 1e-12);
        tie.ShouldBe(0);
        ab.ShouldBeGreaterThan(0.7);
        fit.Probabilities(1, 0).Left.ShouldBe(ba, 1e-12);
        fit.ScoreSd(2).ShouldBeGreaterThan(fit.ScoreSd(0));
        cb.ShouldBeLessThan(BradleyTerry.Probabilities(fit.Score(2) - fit.Score(1), 0).Left);
    }

    [Fact]
    public void Score_standard_deviations_match_the_scatter_of_the_fitted_scores_around_the_true_ones()
    {
        // Given 300 draws of five items judged 400 times each
        var squaredZ = new List<double>();
        for (var seed = 0; seed < 300; seed++)
        {
            var (data, truth) = GeneratedPreferences.Draw(items: 5, judgements: 400, reliability: [1.0], scoreSd: 1, nu: 0, seed: seed);

            // When
            var fit = BradleyTerry.Fit(data);

            // Then each fitted score sits about one reported standard deviation from the true one (both measured from their mean)
            var trueMean = truth.Average();
            var fittedMean = Enumerable.Range(0, 5).Average(fit.Score);
            for (var i = 0; i < 5; i++) squaredZ.Add(Math.Pow((fit.Score(i) - fittedMean - (truth[i] - trueMean)) / fit.ScoreSd(i), 2));
        }
        squaredZ.Average().ShouldBeInRange(0.75, 1.35);
    }

    [Fact]
    public void Fits_are_deterministic_and_scores_have_a_fixed_origin()
    {
        var (data, _) = GeneratedPreferences.Draw(items: 50, judgements: 600, reliability: [0.9, 0.9, 0.6], scoreSd: 1, nu: 0.2, seed: 3);

        var first = BradleyTerry.Fit(data, new BradleyTerryOptions { NoisyAnnotators = true });
        var second = BradleyTerry.Fit(data, new BradleyTerryOptions { NoisyAnnotators = true });

        Scores(first).ShouldBe(Scores(second));
        Math.Abs(Scores(first).Average()).ShouldBeLessThan(0.2);
    }

    [Fact]
    public void Reading_judgements_accepts_sides_item_ids_and_ties_and_names_the_line_of_a_bad_winner()
    {
        using var temp = new TempFolder();
        var good = temp.Write("p.csv", "left,right,worker,winner\nx,y,ann,left\ny,z,ann,z\nx,z,bob,tie\nz,x,bob,B\n");
        var bad = temp.Write("bad.csv", "left,right,winner\nx,y,x\nx,y,maybe\n");

        var data = PreferenceData.Read(good);

        data.Items.ShouldBe(["x", "y", "z"]);
        data.Annotators.ShouldBe(["ann", "bob"]);
        data.Comparisons.Select(c => c.Outcome).ShouldBe([PreferenceOutcome.Left, PreferenceOutcome.Right, PreferenceOutcome.Tie, PreferenceOutcome.Right]);
        Should.Throw<SnorkelerException>(() => PreferenceData.Read(bad)).Message
            .ShouldBe($"{bad}(3): winner 'maybe' is neither left, right, tie nor one of the two items ('x', 'y')");
        PreferenceData.Read(temp.Write("one.csv", "left,right,winner\nx,y,x\n")).Annotators.ShouldBe(["-"]);
    }

    [Theory]
    [InlineData(1e-300)]
    [InlineData(1e308)]
    [InlineData(double.NaN)]
    public void A_prior_sd_outside_its_range_is_refused_as_an_option_error(double sd)
    {
        var (data, _) = GeneratedPreferences.Draw(items: 5, judgements: 20, reliability: [1.0], scoreSd: 1, nu: 0, seed: 4);

        Should.Throw<OptionException>(() => BradleyTerry.Fit(data, new BradleyTerryOptions { PriorSd = sd })).Message
            .ShouldStartWith("the prior standard deviation must be from 0.001 to 1000, got ");
    }

    [Fact]
    public void A_fit_says_whether_it_settled_before_the_iteration_cap()
    {
        var (data, _) = GeneratedPreferences.Draw(items: 20, judgements: 200, reliability: [1.0], scoreSd: 1, nu: 0.2, seed: 5);

        BradleyTerry.Fit(data).Converged.ShouldBeTrue();
        BradleyTerry.Fit(data, new BradleyTerryOptions { MaxIterations = 2 }).Converged.ShouldBeFalse();
    }
}
