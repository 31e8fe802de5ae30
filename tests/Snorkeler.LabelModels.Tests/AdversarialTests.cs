using Snorkeler.LabelModels.Tests.Support;

namespace Snorkeler.LabelModels.Tests;

/// <summary>Degenerate and hostile matrices: every model gives finite probabilities summing to 1, or a clear error.</summary>
public sealed class AdversarialTests
{
    [Theory]
    [InlineData(0.01, 0.0, "reduce --lr (now 0.01)")]
    [InlineData(5.0, 0.1, "reduce --lr (now 5) or --l2 (now 0.1)")]
    [InlineData(0.01, 1e308, "reduce --l2 (now 1E+308): with --lr 0.01 its penalty alone overshoots (lr·l2² must stay below 1 + momentum = 1.9)")]
    [InlineData(0.01, 14.0, "reduce --l2 (now 14): with --lr 0.01 its penalty alone overshoots (lr·l2² must stay below 1 + momentum = 1.9)")]
    public void Divergence_advice_names_l2_when_its_penalty_alone_overshoots_and_lr_otherwise(double lr, double l2, string advice)
        => SnorkelTrainer.DivergenceAdvice(new SnorkelOptions { LearningRate = lr, L2 = l2 }).ShouldBe(advice);

    private static readonly Dictionary<string, Func<LabelMatrix>> Cases = new()
    {
        ["all abstain"] = () => Some.Matrix(2, Enumerable.Range(0, 20).Select(_ => new[] { -1, -1, -1, -1 }).ToArray()),
        ["one LF"] = () => Some.Synthetic(200, 1, 2, seed: 1),
        ["an LF that never votes"] = () => Some.Matrix(2, Enumerable.Range(0, 60).Select(i => new[] { i % 2, (i / 2) % 2, -1, i % 3 == 0 ? 1 : 0 }).ToArray()),
        ["duplicated LFs"] = () =>
        {
            var m = Some.Synthetic(300, 3, 2, seed: 2);
            return Some.Matrix(2, Enumerable.Range(0, m.RowCount).Select(i => new[] { m[i, 0], m[i, 0], m[i, 1], m[i, 1], m[i, 2] }).ToArray());
        },
        ["perfectly adversarial LFs"] = () => Some.Synthetic(300, 5, 2, seed: 3, accuracies: [0, 0, 0, 1, 1]),
        ["a single class ever voted"] = () => Some.Matrix(3, Enumerable.Range(0, 50).Select(i => new[] { 1, i % 2 == 0 ? 1 : -1, -1, 1 }).ToArray()),
        // Structures dawid-skene's --exclusive and --derived act on: single-class LFs that never fire together, and LFs
        // whose every vote is another LF's vote.
        ["exclusive single-class LFs"] = () => Generated.ExclusiveLfs(400, 3, 2, catchAll: true, seed: 6).Matrix,
        ["derived LFs"] = () => Generated.WithSubsets(300, [0.7, 0.8, 0.75, 0.85], [(0, 0.6, 0.2), (1, 0.5, 0.1)], 2, 0.6, 1.0, seed: 7).Matrix,
        ["1,000 classes"] = () => Some.Synthetic(40, 4, 1000, seed: 4, coverage: 0.8),
        ["2,000 LFs"] = () => Some.Synthetic(60, 2000, 2, seed: 5, coverage: 0.05),
    };

    /// <summary>
    /// Variant and case pairs left out to keep the suite's time down (each passed when the variant was added; every model
    /// at its defaults still runs every case): auto's grid search over a dev split checks every candidate out of fold,
    /// 56 to 100 s per large case and metric on two cores; dawid-skene keeps a 1,000 × 1,000 confusion matrix per LF,
    /// refitted per held-out source by its guard, 1 to 12 s per variant.
    /// </summary>
    private static bool TooSlow(string model, string matrixCase)
        => (WorkoutTests.NameOf(model) == AutoTrainer.ModelName && WorkoutTests.UsesDevGold(model) && matrixCase is "1,000 classes" or "2,000 LFs")
           || (model.StartsWith(DawidSkeneTrainer.ModelName + ":", StringComparison.Ordinal) && matrixCase == "1,000 classes");

    public static TheoryData<string, string> ModelsAndCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var model in LabelModelCatalog.All.Select(k => k.Name).Concat(WorkoutTests.Variants))
            foreach (var name in Cases.Keys.Where(c => !TooSlow(model, c)))
                data.Add(model, name);
        return data;
    }

    [Theory]
    [MemberData(nameof(ModelsAndCases))]
    public void Every_model_gives_finite_probabilities_summing_to_one_or_a_clear_error(string model, string matrixCase)
    {
        var matrix = Cases[matrixCase]();
        ILabelModel fitted;
        try
        {
            // A model that fits on dev gold gets the matrix itself as its dev split, with gold that ignores the votes.
            var context = WorkoutTests.UsesDevGold(model) ? FitContext.WithSeed(3) with { Dev = WorkoutTests.WithGoldIgnoringVotes(matrix) } : FitContext.WithSeed(3);
            fitted = WorkoutTests.Fit(model, matrix, context);
        }
        catch (SnorkelerException e)
        {
            e.Message.ShouldNotBeNullOrWhiteSpace();
            e.Message.ShouldStartWith(WorkoutTests.NameOf(model) == "auto" ? "" : WorkoutTests.NameOf(model));
            return;
        }
        Some.CheckedProbabilities(fitted, matrix);
    }

    [Fact]
    public void The_exclusive_and_derived_cases_give_dawid_skene_exclusive_groups_and_derived_sources()
    {
        var grouped = (DawidSkeneModel)new DawidSkeneTrainer().Fit(Cases["exclusive single-class LFs"](), FitContext.WithSeed(3));
        var derived = (DawidSkeneModel)new DawidSkeneTrainer().Fit(Cases["derived LFs"](), FitContext.WithSeed(3));

        grouped.ExclusiveGroups.ShouldNotBeEmpty();
        Enumerable.Range(0, 6).Select(derived.DerivedParent).ShouldBe([-1, -1, -1, -1, 0, 1]);
    }

    [Theory]
    [InlineData("auto", "give a labelled dev split for dev accuracies")]
    [InlineData("snorkel", "use --accuracies dev with a labelled dev split for dev accuracies")]
    public void Wmv_whose_snorkel_fit_fails_advises_the_way_to_dev_accuracies_its_options_leave(string accuracies, string advice)
    {
        // Given: a task too large for snorkel, and wmv told (or left) to take its accuracies from snorkel
        var matrix = Some.Synthetic(40, 4, 1000, seed: 4, coverage: 0.8);
        var trainer = new WeightedVoteTrainer(WeightedVoteOptions.From(new ModelOptions(new Dictionary<string, string> { ["accuracies"] = accuracies })));

        // When
        var error = Should.Throw<SnorkelerException>(() => trainer.Fit(matrix, FitContext.WithSeed(1)));

        // Then
        error.Message.ShouldStartWith("wmv: the accuracies come from a snorkel fit, which failed (snorkel: ");
        error.Message.ShouldEndWith("); " + advice);
    }

    [Fact]
    public void FlyingSquid_refuses_fewer_than_three_LFs()
        => Should.Throw<SnorkelerException>(() => new FlyingSquidTrainer().Fit(Some.Synthetic(50, 2, 2, seed: 1), FitContext.WithSeed(1)))
            .Message.ShouldBe("flyingsquid needs at least 3 LFs to form triplets, got 2");

    [Fact]
    public void Snorkel_refuses_a_task_too_large_for_moment_matching_with_advice()
        => Should.Throw<SnorkelerException>(() => new SnorkelTrainer().Fit(Some.Synthetic(40, 4, 1000, seed: 4), FitContext.WithSeed(1)))
            .Message.ShouldContain("use dawid-skene or mv");

    [Fact]
    public void All_abstain_rows_get_the_prior_in_snorkel()
    {
        var model = new SnorkelTrainer().Fit(Some.Synthetic(200, 4, 2, seed: 2), FitContext.WithSeed(1) with { Prior = [0.3, 0.7] });
        var probabilities = model.PredictProbabilities(Some.Matrix(2, [[-1, -1, -1, -1]]));
        probabilities[0].ShouldBe(0.3, 1e-12);
        probabilities[1].ShouldBe(0.7, 1e-12);
    }

    [Fact]
    public void Snorkel_learns_that_adversarial_LFs_vote_against_the_class_only_when_they_are_a_minority()
    {
        var matrix = Some.Synthetic(2000, 5, 2, seed: 3, accuracies: [0.1, 0.85, 0.85, 0.85, 0.85]);
        var model = new SnorkelTrainer(new SnorkelOptions { Epochs = 500 }).FitModel(matrix, FitContext.WithSeed(1));
        model.LfAccuracy(0).ShouldBeLessThan(0.5);
        model.LfAccuracy(1).ShouldBeGreaterThan(0.7);
    }
}
