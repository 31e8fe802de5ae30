using Snorkeler.Analysis;
using Snorkeler.LabelModels.Tests.Support;
using Xunit.Abstractions;

namespace Snorkeler.LabelModels.Tests;

/// <summary>Dependent LFs (snorkel --deps): planted copies are found, modelled, and modelling them helps.</summary>
public sealed class DependencyTests(ITestOutputHelper output)
{
    // Four independent LFs of accuracy 0.7-0.8 and a weak one (0.55) followed by four copies of it.
    private static readonly double[] Accuracies = [0.8, 0.75, 0.7, 0.8, 0.55];
    private const int Weak = 4;

    public static TheoryData<int, double, int> Plantings() => new()
    {
        { 2, 1.0, 1 },  // exact duplicates
        { 2, 0.8, 2 },  // correlated copies
        { 3, 0.9, 3 },  // near-duplicates, three classes
        { 5, 1.0, 4 },  // many classes
    };

    private static (GeneratedSet Set, SnorkelModel Independent, SnorkelModel Dependent) Fit(int k, double rho, int seed, Action<string>? log = null)
    {
        var set = Generated.WithCopies(6000, Accuracies, [(Weak, 4, rho)], k, 0.6, 0.8, seed);
        var train = set.Matrix.WithGold([]);
        var context = FitContext.WithSeed(seed);
        var independent = new SnorkelTrainer(new SnorkelOptions { Epochs = 500 }).FitModel(train, context);
        var dependent = new SnorkelTrainer(new SnorkelOptions { Epochs = 500, Dependencies = LfDependencies.Detect }).FitModel(train, context with { Log = log });
        return (set, independent, dependent);
    }

    [Theory]
    [MemberData(nameof(Plantings))]
    public void Planted_copies_are_found_and_no_independent_LF_is_paired(int k, double rho, int seed)
    {
        var (_, _, dependent) = Fit(k, rho, seed, output.WriteLine);

        var group = new[] { Weak, 5, 6, 7, 8 };
        dependent.Dependencies.ShouldAllBe(p => group.Contains(p.First) && group.Contains(p.Second));
        foreach (var copy in group.Skip(1)) dependent.Dependencies.ShouldContain((Weak, copy));
        dependent.PairCorrections.Count.ShouldBe(group.Length - 1); // a spanning tree of the group
    }

    [Theory]
    [MemberData(nameof(Plantings))]
    public void With_the_copies_modelled_the_fit_recovers_the_true_accuracies_where_the_independent_fit_does_not(int k, double rho, int seed)
    {
        var (set, independent, dependent) = Fit(k, rho, seed);

        for (var j = 0; j < set.Matrix.LfCount; j++)
        {
            var truth = Accuracies[Math.Min(j, Weak)];
            output.WriteLine($"lf_{j}: true {truth:F2}, independent {independent.LfAccuracy(j):F3}, dependent {dependent.LfAccuracy(j):F3}");
            dependent.LfAccuracy(j).ShouldBe(truth, 0.06);
        }
        // The independent fit reads the copies' agreement as competence.
        independent.LfAccuracy(Weak).ShouldBeGreaterThan(Accuracies[Weak] + 0.3);
    }

    [Theory]
    [MemberData(nameof(Plantings))]
    public void Modelling_the_copies_labels_better_than_the_independent_model_and_majority_vote(int k, double rho, int seed)
    {
        var (set, independent, dependent) = Fit(k, rho, seed);
        var mv = new MajorityVoteTrainer().Fit(set.Matrix, FitContext.WithSeed(seed));

        double Score(ILabelModel model) => model.Score(set.Matrix, TieBreak.Random).ExpectedAccuracy;
        output.WriteLine($"expected accuracy: independent {Score(independent):F4}, dependent {Score(dependent):F4}, mv {Score(mv):F4}");
        Score(dependent).ShouldBeGreaterThan(Score(independent) + 0.05);
        Score(dependent).ShouldBeGreaterThan(Score(mv) + 0.05);
    }

    [Theory]
    [InlineData(2, 11)]
    [InlineData(4, 12)]
    public void On_independent_LFs_auto_finds_no_dependency_and_equals_the_independent_fit(int k, int seed)
    {
        var set = Generated.OneCoin(5000, [0.9, 0.8, 0.7, 0.65, 0.6, 0.75], k, 0.5, 0.7, seed);
        var context = FitContext.WithSeed(seed);
        var independent = new SnorkelTrainer().FitModel(set.Matrix, context);
        var dependent = new SnorkelTrainer(new SnorkelOptions { Dependencies = LfDependencies.Detect }).FitModel(set.Matrix, context);

        dependent.Dependencies.ShouldBeEmpty();
        dependent.PredictProbabilities(set.Matrix).ShouldBe(independent.PredictProbabilities(set.Matrix));
    }

    [Fact]
    public void Named_pairs_are_modelled_as_given()
    {
        var set = Generated.WithCopies(3000, Accuracies, [(Weak, 1, 1.0)], 2, 0.6, 0.8, 5);
        var options = SnorkelOptions.From(new ModelOptions(new Dictionary<string, string> { ["deps"] = "lf_5:lf_4" }));
        var model = new SnorkelTrainer(options).FitModel(set.Matrix, FitContext.WithSeed(5));

        options.Dependencies.ToString().ShouldBe("lf_5:lf_4");
        model.Dependencies.ShouldBe([(4, 5)]);
        model.LfAccuracy(Weak).ShouldBe(Accuracies[Weak], 0.06);
    }

    [Theory]
    [InlineData("lf_4:lf_55", "snorkel --deps: no LF named 'lf_55'; did you mean 'lf_5'?")]
    [InlineData("lf_4", "--deps expects none, auto or LF pairs A:B,C:D, got 'lf_4'")]
    [InlineData("lf_4:lf_4", "--deps: 'lf_4:lf_4' pairs an LF with itself")]
    public void A_bad_dependency_is_an_error_naming_it(string deps, string message)
        => Should.Throw<SnorkelerException>(() =>
                new SnorkelTrainer(SnorkelOptions.From(new ModelOptions(new Dictionary<string, string> { ["deps"] = deps })))
                    .FitModel(Some.Synthetic(100, 6, 2, seed: 1), FitContext.WithSeed(1)))
            .Message.ShouldBe(message);

    [Fact]
    public void A_fit_with_dependencies_from_statistics_alone_is_refused()
    {
        var stats = SufficientStatistics.Compute(Some.Synthetic(100, 6, 2, seed: 1));
        Should.Throw<SnorkelerException>(() => new SnorkelTrainer(new SnorkelOptions { Dependencies = LfDependencies.Detect }).Fit(stats, FitContext.WithSeed(1)))
            .Message.ShouldStartWith("snorkel --deps auto needs the label matrix");
    }

    // Copies that auto's criterion holds out together (duplicates, near-duplicates); merely correlated copies are
    // not, and there the criterion may prefer another model (measured: rho 0.8 chose dawid-skene, 0.61 vs 0.81).
    [Theory]
    [InlineData(2, 1.0, 1)]
    [InlineData(3, 0.9, 3)]
    [InlineData(5, 1.0, 4)]
    public void Auto_without_a_dev_split_labels_planted_copies_as_well_as_the_dependency_aware_fit(int k, double rho, int seed)
    {
        var (set, independent, dependent) = Fit(k, rho, seed);
        var auto = (AutoModel)new AutoTrainer().Fit(set.Matrix.WithGold([]), FitContext.WithSeed(seed));

        double Score(ILabelModel model) => model.Score(set.Matrix, TieBreak.Random).ExpectedAccuracy;
        output.WriteLine($"auto chose {auto.Choice}: {Score(auto):F4}; snorkel --deps auto {Score(dependent):F4}; independent {Score(independent):F4}");
        Score(auto).ShouldBeGreaterThan(Score(dependent) - 0.02);
    }

    [Fact]
    public void Finding_dependent_pairs_among_many_single_class_LFs_keeps_only_the_co_votes_that_occur()
    {
        // Given SemEval's shape: 164 sparse single-class LFs of 9 classes on 1,749 rows, and the posteriors of a fit
        var spec = Snorkeler.Benchmarks.LfSuiteGenerator.Shape(3, 1749, 164, 9, singleClass: true, (0.005, 0.04), (0.45, 0.97));
        var (split, _, _) = Snorkeler.Benchmarks.LfSuiteGenerator.Draw(spec);
        var train = LabelMatrix.Create(LabelSchema.Numbered(9), Some.LfNames(164), split.Votes, []);
        var posteriors = new SnorkelTrainer(new SnorkelOptions()).FitModel(train, FitContext.WithSeed(1)).PredictProbabilities(train);

        // When the pairs are measured
        SourceDependencies.Find(train, posteriors); // once for the code paths' first calls
        var before = GC.GetAllocatedBytesForCurrentThread();
        var pairs = SourceDependencies.Find(train, posteriors);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Then the counts take a few megabytes, not a k³ table for each of the ~10,000 pairs that ever vote together (~70 MB)
        output.WriteLine($"{allocated / 1e6:F1} MB allocated, {pairs.Count} dependent pairs");
        allocated.ShouldBeLessThan(20_000_000);
    }
}
