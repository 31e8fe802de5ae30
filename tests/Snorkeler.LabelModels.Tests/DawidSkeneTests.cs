using System.Text.Json.Nodes;
using Snorkeler.Benchmarks;
using Snorkeler.Data;
using Snorkeler.LabelModels.Tests.Support;
using Xunit.Abstractions;

namespace Snorkeler.LabelModels.Tests;

public sealed class DawidSkeneTests(ITestOutputHelper output)
{
    private static double ExpectedAccuracy(ILabelModel model, LabelMatrix scored) => model.Score(scored).ExpectedAccuracy;

    private static DawidSkeneModel Fit(LabelMatrix train, DawidSkeneOptions? options = null, FitContext? context = null)
        => new DawidSkeneTrainer(options).FitModel(train.WithGold([]), context ?? FitContext.WithSeed(1));

    /// <summary>A generated LF set (bench/Snorkeler.Benchmarks/LfSuiteGenerator.cs) as written and read back: its train and test splits.</summary>
    private static (LabelMatrix Train, LabelMatrix Test) Written(LfSetSpec spec)
    {
        using var folder = new TempFolder();
        LfSuiteGenerator.Write(spec, folder.Path);
        return (WrenchFile.ReadMatrix(Path.Combine(folder.Path, "train.json")), WrenchFile.ReadMatrix(Path.Combine(folder.Path, "test.json")));
    }

    // Basketball-shaped votes: 15,000 rows, 88 % of class 0, four LFs voting either class on a quarter of the rows each,
    // right 50–75 % of the time whatever the class.
    private static GeneratedSet FewWeakLfsOnSkewedClasses(int seed)
    {
        var random = new Random(seed);
        var accuracies = Enumerable.Range(0, 4).Select(_ => 0.5 + 0.25 * random.NextDouble()).ToArray();
        return Generated.OneCoin(15000, accuracies, 2, coverage: 0.25, skew: 0.136, seed);
    }

    [Theory]
    [InlineData(13)]
    [InlineData(18)]
    [InlineData(31)]
    [InlineData(35)]
    public void Where_a_few_weak_LFs_voting_both_classes_leave_full_confusion_matrices_unidentified_it_keeps_one_accuracy_per_source(int seed)
    {
        // Given a few near-random LFs voting both classes on skewed data, where EM's full confusion matrices name the classes
        // the other way round (before: the default fit was that one, far below majority vote)
        var set = FewWeakLfsOnSkewedClasses(seed);
        var log = new List<string>();

        // When Dawid–Skene is fitted with its defaults, and with the full matrices unchecked
        var model = Fit(set.Matrix, context: FitContext.WithSeed(1) with { Log = log.Add });
        var full = Fit(set.Matrix, new DawidSkeneOptions { GuardMode = GuardMode.None });

        // Then held-out agreement prefers one accuracy per source, which is kept, and labels above majority vote where the
        // full fit is below it
        var (ds, fullFit, mv) = (ExpectedAccuracy(model, set.Matrix), ExpectedAccuracy(full, set.Matrix),
            ExpectedAccuracy(new MajorityVoteTrainer().Fit(set.Matrix, FitContext.WithSeed(1)), set.Matrix));
        output.WriteLine($"seed {seed}: mv {mv:F4}, full {fullFit:F4}, dawid-skene {ds:F4}");
        foreach (var line in log) output.WriteLine(line);
        log.ShouldContain(l => l.Contains("one accuracy per source replaces the full fit", StringComparison.Ordinal));
        fullFit.ShouldBeLessThan(mv);
        ds.ShouldBeGreaterThan(mv + 0.2);
        model.PredictProbabilities(set.Matrix).ShouldBe(Fit(set.Matrix, new DawidSkeneOptions { Confusion = ConfusionModel.OneCoin }).PredictProbabilities(set.Matrix));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(7)]
    public void Where_one_accuracy_per_source_agrees_no_better_with_held_out_LFs_the_full_confusion_matrices_are_kept(int seed)
    {
        // Given the same shape where the full fit is sound
        var set = FewWeakLfsOnSkewedClasses(seed);
        var log = new List<string>();

        // When Dawid–Skene is fitted with its defaults
        var model = Fit(set.Matrix, context: FitContext.WithSeed(1) with { Log = log.Add });

        // Then the comparison is made and the full fit is kept as EM found it
        log.ShouldContain(l => l.Contains("the full fit is kept", StringComparison.Ordinal));
        model.PredictProbabilities(set.Matrix).ShouldBe(Fit(set.Matrix, new DawidSkeneOptions { GuardMode = GuardMode.None }).PredictProbabilities(set.Matrix));
    }

    [Fact]
    public void Where_one_accuracy_per_source_replaces_a_suspect_full_fit_the_replacement_is_still_checked_against_majority_vote()
    {
        // Given lf-suite seed 1's few-good set (2 classes, 3 good LFs among 28 near-random ones voting either class), where
        // EM's full fit calls single-class LFs casting 22 % of the votes worse than a uniform guess and one accuracy per
        // source agrees better with held-out LFs than it
        var train = Written(LfSuiteGenerator.Suite(1)[12]).Train;
        var log = new List<string>();

        // When Dawid–Skene is fitted with its defaults but --activity none: the guard's choice does not rest on the row activity,
        // whose test in every held-out fit made this test 22 times slower (191 s against 8.5 s on two busy cores); the theory on
        // a few weak LFs voting both classes above runs the guard with that test
        var options = new DawidSkeneOptions { RowActivity = false };
        var model = new DawidSkeneTrainer(options).FitModel(train.WithGold([]), FitContext.WithSeed(1) with { Log = log.Add });

        // Then one-coin replaces the full fit and is then checked against majority vote, as the suspect fit would have been
        foreach (var line in log) output.WriteLine(line);
        var switched = log.FindIndex(l => l.Contains("one accuracy per source replaces the full fit", StringComparison.Ordinal));
        switched.ShouldBeGreaterThanOrEqualTo(0);
        log.FindIndex(l => l.Contains("checking the fit against majority vote", StringComparison.Ordinal)).ShouldBeGreaterThan(switched);
        model.GuardCheck.ShouldNotBeNull().SuspectShare.ShouldBeGreaterThan(0.2);
    }

    [Fact]
    public void When_majority_vote_replaces_a_fit_of_one_accuracy_per_source_the_log_says_those_accuracies_are_dropped()
    {
        // Given lf-suite seed 1's sparse set 09, where majority vote agrees better with held-out LFs than one accuracy per source
        var train = Written(LfSuiteGenerator.Suite(1)[8]).Train;
        var log = new List<string>();

        // When one-coin Dawid–Skene is always checked against majority vote
        var model = new DawidSkeneTrainer(new DawidSkeneOptions { Confusion = ConfusionModel.OneCoin, GuardMode = GuardMode.Mv })
            .FitModel(train.WithGold([]), FitContext.WithSeed(1) with { Log = log.Add });

        // Then majority vote's model is kept and the log names what was dropped: the fit's accuracies (it used to speak of
        // confusion matrices, which a one-coin fit never had)
        model.GuardCheck.ShouldNotBeNull().Replaced.ShouldBeTrue();
        log.ShouldContain(l => l.Contains("the EM fit's accuracies are not kept", StringComparison.Ordinal));
        log.ShouldNotContain(l => l.Contains("confusion matrices", StringComparison.Ordinal));
    }

    [Fact]
    public void LFs_that_vote_some_classes_but_not_all_have_their_abstains_read_as_outcomes_so_the_class_balance_does_not_collapse()
    {
        // Given 10 classes and 40 LFs voting 1–3 of them each, firing mostly on their classes (the shape of keyword rules
        // for topics; before, read with abstains missing, EM put 42 % of the rows in one class and none in another: the
        // estimate was 0.50 from the true balance in total variation, and the unguarded fit 20 points below majority vote)
        var (train, test) = Written(LfSuiteGenerator.Shape(501, 12000, 40, 10, singleClass: false, (0.01, 0.2), (0.55, 0.95), 200, 500, classesPerLf: (1, 3)));
        var k = train.Schema.Cardinality;
        var truth = Enumerable.Range(0, k).Select(c => Enumerable.Range(0, train.RowCount).Count(i => train.GoldLabels[i] == c) / (double)train.RowCount).ToArray();

        // When the class balance is estimated from the votes and Dawid–Skene is fitted without its guard
        var estimate = ClassPrior.Estimate(train.WithGold([]), FitContext.WithSeed(1), PriorEstimate.Em);
        var model = Fit(train, new DawidSkeneOptions { GuardMode = GuardMode.None });

        // Then every LF voting fewer than all classes (each with votes enough for its gaps to be by design) has its abstains
        // as outcomes, the estimate is near the true balance, and the fit is above majority vote
        var patterns = VotePatterns.Read(train, CancellationToken.None);
        Enumerable.Range(0, train.LfCount).ShouldAllBe(j => model.AbstainIsOutcome(j) == (patterns.ClassesVoted(j, k) < k));
        (0.5 * truth.Zip(estimate, (t, e) => Math.Abs(t - e)).Sum()).ShouldBeLessThan(0.1);
        ExpectedAccuracy(model, test).ShouldBeGreaterThan(ExpectedAccuracy(new MajorityVoteTrainer().Fit(train, FitContext.WithSeed(1)), test));
    }

    [Fact]
    public void A_fit_that_labels_most_rows_against_all_of_their_votes_is_checked_against_majority_vote_and_replaced()
    {
        // Given 150 classes and 20 LFs voting 1–4 of them, most rows without a vote: EM gives those rows to one class, its
        // prior climbs towards 1 and the rows with votes follow it, yet no LF looks worse than a uniform guess over 150 classes
        var (train, test) = Written(LfSuiteGenerator.Shape(8, 1500, 20, 150, singleClass: false, (0.1, 0.6), (0.55, 0.95), 100, 400, classesPerLf: (1, 4)));
        train = train.WithGold([]);
        var log = new List<string>();

        // When Dawid–Skene is fitted with its defaults, and without its guard
        var guarded = new DawidSkeneTrainer().FitModel(train, FitContext.WithSeed(1) with { Log = log.Add });
        var unguarded = new DawidSkeneTrainer(new DawidSkeneOptions { GuardMode = GuardMode.None }).FitModel(train, FitContext.WithSeed(1));

        // Then the unguarded fit labels most rows with votes against all of them and is far below majority vote; the default
        // notices, checks the fit against majority vote and keeps majority vote's model, saying why in the log and the file
        foreach (var line in log) output.WriteLine(line);
        var patterns = VotePatterns.Read(train, CancellationToken.None);
        DawidSkeneTrainer.OutsideShare(unguarded, patterns).ShouldBeGreaterThan(DawidSkeneTrainer.OutsideRowShare);
        var mv = ExpectedAccuracy(new MajorityVoteTrainer().Fit(train, FitContext.WithSeed(1)), test);
        ExpectedAccuracy(unguarded, test).ShouldBeLessThan(mv - 0.05);
        log.ShouldContain(l => l.Contains("with a class none of their votes names: checking the fit against majority vote", StringComparison.Ordinal));
        var check = guarded.GuardCheck.ShouldNotBeNull();
        check.Replaced.ShouldBeTrue();
        check.OutsideShare.ShouldBeGreaterThan(DawidSkeneTrainer.OutsideRowShare);
        ExpectedAccuracy(guarded, test).ShouldBe(mv, 1e-12);
        var loaded = (DawidSkeneModel)LabelModelCatalog.Get("dawid-skene").Load(guarded.Schema, guarded.LfNames, guarded.ClassPrior, guarded.SaveParameters());
        loaded.GuardCheck.ShouldBe(check);
    }

    [Fact]
    public void Where_EM_collapses_onto_one_class_the_class_balance_estimate_is_majority_vote_s_instead()
    {
        // Given the 150-class set above, where EM puts most of the balance on one class
        var train = Written(LfSuiteGenerator.Shape(8, 1500, 20, 150, singleClass: false, (0.1, 0.6), (0.55, 0.95), 100, 400, classesPerLf: (1, 4))).Train;
        var k = train.Schema.Cardinality;
        var truth = Enumerable.Range(0, k).Select(c => Enumerable.Range(0, train.RowCount).Count(i => train.GoldLabels[i] == c) / (double)train.RowCount).ToArray();
        var unlabelled = train.WithGold([]);

        // When the class balance is estimated from the votes
        var estimate = ClassPrior.Estimate(unlabelled, FitContext.WithSeed(1), PriorEstimate.Em);

        // Then it is majority vote's balance, not EM's collapsed one: no class takes a fifth of the rows (the largest true
        // share is under 2 %), and it is nearer the true balance than EM's own
        var em = new DawidSkeneTrainer(new DawidSkeneOptions { GuardMode = GuardMode.None, SmoothingFromSpread = false }).FitModel(unlabelled, FitContext.WithSeed(1));
        em.ClassPrior.Max().ShouldBeGreaterThan(0.5);
        estimate.ShouldBe(ClassPrior.FromMajorityVote(unlabelled), 1e-12);
        estimate.Max().ShouldBeLessThan(0.2);
        static double Distance(IReadOnlyList<double> a, IReadOnlyList<double> b) => 0.5 * a.Zip(b, (x, y) => Math.Abs(x - y)).Sum();
        Distance(estimate, truth).ShouldBeLessThan(Distance(em.ClassPrior, truth) - 0.2);
    }

    [Fact]
    public void Where_held_out_sources_find_EM_s_suspect_fit_worse_than_majority_vote_the_class_balance_estimate_favours_no_class()
    {
        // Given sparse single-class LFs (lf-suite seed 4712, 09-sparse): 60 % of the rows without a vote, two thirds of the rows
        // in class 0, and two of class 0's LFs less precise than that share, so that EM's balance leans to class 1
        var (train, test) = Written(LfSuiteGenerator.Suite(4712)[8]);
        var unlabelled = train.WithGold([]);
        var truth = Enumerable.Range(0, train.RowCount).Count(i => train.GoldLabels[i] == 0) / (double)train.RowCount;
        var log = new List<string>();

        // When the class balance is estimated from the votes, and auto is fitted without a dev split
        var estimate = ClassPrior.Estimate(unlabelled, FitContext.WithSeed(1) with { Log = log.Add }, PriorEstimate.Em);
        var em = new DawidSkeneTrainer(new DawidSkeneOptions { GuardMode = GuardMode.None, SmoothingFromSpread = false }).FitModel(unlabelled, FitContext.WithSeed(1));
        var auto = new AutoTrainer().Fit(unlabelled, FitContext.WithSeed(1));

        // Then EM's own balance is on the wrong side of one half, the estimate is the uniform balance (nearer the truth), the
        // log says why, and auto, whose candidates take the estimate, labels the rows without a vote as majority vote does
        truth.ShouldBeGreaterThan(0.6);
        em.ClassPrior[0].ShouldBeLessThan(0.5);
        estimate.ShouldBe([0.5, 0.5]);
        log.ShouldContain(l => l.Contains("no class is favoured", StringComparison.Ordinal));
        var majority = ExpectedAccuracy(new MajorityVoteTrainer().Fit(unlabelled, FitContext.WithSeed(1)), test);
        ExpectedAccuracy(auto, test).ShouldBeGreaterThanOrEqualTo(majority - 0.005);
    }

    [Fact]
    public void Where_the_rows_fire_together_the_class_balance_estimate_is_that_of_dawid_skenes_model_of_each_rows_activity()
    {
        // Given a CDR-shaped set whose LFs fire together (33 single-class LFs, 32 % class 1, spread 1.0), where EM over sources
        // independent given the class spends a class on busy rows and puts most of the balance on class 1
        var train = Written(LfSuiteGenerator.Shape(5822, 8430, 33, 2, singleClass: true, (0.01, 0.2), (0.5, 0.9), 920, 4673, balance: [0.68, 0.32], activity: 1.0)).Train;
        var truth = Enumerable.Range(0, train.RowCount).Count(i => train.GoldLabels[i] == 0) / (double)train.RowCount;
        var unlabelled = train.WithGold([]);
        var log = new List<string>();

        // When the class balance is estimated from the votes
        var estimate = ClassPrior.Estimate(unlabelled, FitContext.WithSeed(1) with { Log = log.Add }, PriorEstimate.Em);

        // Then it is the balance of dawid-skene's fit, which models each row's activity, within 0.05 of the truth, where EM's own
        // balance is more than 0.3 from it, and the log says why
        var em = new DawidSkeneTrainer(new DawidSkeneOptions { GuardMode = GuardMode.None, SmoothingFromSpread = false }).FitModel(unlabelled, FitContext.WithSeed(1));
        var fit = new DawidSkeneTrainer().Fit(unlabelled, FitContext.WithSeed(1)).ShouldBeOfType<DawidSkeneActivityModel>();
        output.WriteLine($"truth {truth:F3}, estimate {estimate[0]:F3}, EM {em.ClassPrior[0]:F3}");
        Math.Abs(em.ClassPrior[0] - truth).ShouldBeGreaterThan(0.3);
        estimate.ShouldBe(fit.ClassPrior.ToArray(), 1e-12);
        estimate[0].ShouldBe(truth, 0.05);
        log.ShouldContain(l => l.Contains("the rows fire together, so the estimate is the class balance of dawid-skene's fit, which models each row's activity", StringComparison.Ordinal));
    }

    [Fact]
    public void Where_the_rows_fire_together_and_dawid_skenes_guard_gives_way_to_majority_vote_the_class_balance_estimate_favours_no_class()
    {
        // Given a ChemProt-shaped set whose LFs fire together (ten skewed classes, 26 single-class LFs, spread 1.2), where EM
        // spends its classes on how busy rows are and dawid-skene's guard replaces that fit by majority vote's model unchecked
        var train = Written(LfSuiteGenerator.Shape(5724, 12_861, 26, 10, singleClass: true, (0.005, 0.1), (0.3, 0.8), 1607, 1607,
            balance: [0.2, 0.15, 0.12, 0.1, 0.1, 0.1, 0.08, 0.06, 0.05, 0.04], activity: 1.2)).Train;
        var k = train.Schema.Cardinality;
        var truth = Enumerable.Range(0, k).Select(c => Enumerable.Range(0, train.RowCount).Count(i => train.GoldLabels[i] == c) / (double)train.RowCount).ToArray();
        var unlabelled = train.WithGold([]);
        var log = new List<string>();

        // When the class balance is estimated from the votes
        var estimate = ClassPrior.Estimate(unlabelled, FitContext.WithSeed(1) with { Log = log.Add }, PriorEstimate.Em);

        // Then it is the uniform balance of that replacement, nearer the truth than EM's own balance, and the log says why
        var em = new DawidSkeneTrainer(new DawidSkeneOptions { GuardMode = GuardMode.None, SmoothingFromSpread = false }).FitModel(unlabelled, FitContext.WithSeed(1));
        static double Distance(IReadOnlyList<double> a, IReadOnlyList<double> b) => 0.5 * a.Zip(b, (x, y) => Math.Abs(x - y)).Sum();
        output.WriteLine($"distance to the truth: estimate {Distance(estimate, truth):F3}, EM {Distance(em.ClassPrior, truth):F3}");
        estimate.ShouldBe(ClassPrior.Uniform(k));
        Distance(estimate, truth).ShouldBeLessThan(Distance(em.ClassPrior, truth) - 0.2);
        log.ShouldContain(l => l.Contains("whose guard kept majority vote's model (no class favoured)", StringComparison.Ordinal));
    }

    [Fact]
    public void A_fit_that_keeps_to_the_votes_is_not_checked_for_labelling_rows_against_them()
    {
        // Given 10 classes and LFs voting 1–3 of them (a fit that labels most rows with one of their votes)
        var train = Written(LfSuiteGenerator.Shape(501, 3000, 40, 10, singleClass: false, (0.01, 0.2), (0.55, 0.95), 100, 100, classesPerLf: (1, 3))).Train.WithGold([]);
        var log = new List<string>();

        // When Dawid–Skene is fitted with its defaults
        var model = new DawidSkeneTrainer().FitModel(train, FitContext.WithSeed(1) with { Log = log.Add });

        // Then the share of rows labelled against their votes is low and does not start a check
        DawidSkeneTrainer.OutsideShare(model, VotePatterns.Read(train, CancellationToken.None)).ShouldBeLessThan(0.5);
        log.ShouldNotContain(l => l.Contains("none of their votes names", StringComparison.Ordinal));
    }

    [Fact]
    public void With_three_LFs_too_few_to_judge_by_held_out_agreement_the_full_fit_is_kept_without_the_one_coin_comparison()
    {
        // Given three LFs voting both classes (three held-out folds: the paired error would rest on three values)
        var set = Generated.OneCoin(5000, [0.7, 0.65, 0.6], 2, coverage: 0.7, skew: 0.5, seed: 18);
        var log = new List<string>();

        // When Dawid–Skene is fitted with its defaults
        var model = Fit(set.Matrix, context: FitContext.WithSeed(1) with { Log = log.Add });

        // Then no comparison is made and the fit is EM's full one
        log.ShouldNotContain(l => l.Contains("of one accuracy per source", StringComparison.Ordinal));
        model.PredictProbabilities(set.Matrix).ShouldBe(Fit(set.Matrix, new DawidSkeneOptions { GuardMode = GuardMode.None }).PredictProbabilities(set.Matrix));
    }

    [Fact]
    public void On_crowd_labels_from_its_own_model_it_recovers_the_confusion_matrices_and_beats_majority_vote()
    {
        // Given 3,000 tasks, 40 workers with known confusion matrices, 4 answers a task, skewed classes
        var set = Generated.Crowd(3000, 40, 3, 4, skew: 0.6, seed: 11);

        // When Dawid–Skene is fitted without gold labels
        var model = Fit(set.Matrix);

        // Then its confusion matrices are close to the true ones, its prior to the true balance, and it beats majority vote
        model.FitInfo!.Converged.ShouldBeTrue();
        var errors = new List<double>();
        for (var w = 0; w < 40; w++)
        for (var c = 0; c < 3; c++)
        for (var a = 0; a < 3; a++)
            errors.Add(Math.Abs(model.Confusion(w, c, a) - set.Confusion![w][c * 3 + a]));
        output.WriteLine($"confusion errors: mean {errors.Average():F3}, largest {errors.Max():F3}");
        errors.Average().ShouldBeLessThan(0.04);
        errors.Max().ShouldBeLessThan(0.25);
        var balance = Enumerable.Range(0, 3).Select(c => set.Matrix.GoldLabels.ToArray().Count(g => g == c) / 3000.0).ToArray();
        for (var c = 0; c < 3; c++) model.ClassPrior[c].ShouldBe(balance[c], 0.02);
        var mv = ExpectedAccuracy(new MajorityVoteTrainer().Fit(set.Matrix, FitContext.WithSeed(1)), set.Matrix);
        output.WriteLine($"mv {mv:F4}, dawid-skene {ExpectedAccuracy(model, set.Matrix):F4}");
        ExpectedAccuracy(model, set.Matrix).ShouldBeGreaterThan(mv + 0.02);
        // and the check against majority vote, when asked for, keeps the EM fit
        var check = Fit(set.Matrix, new DawidSkeneOptions { GuardMode = GuardMode.Mv }).GuardCheck.ShouldNotBeNull();
        check.Replaced.ShouldBeFalse();
        check.Agreement.ShouldBeGreaterThan(check.MajorityVoteAgreement);
    }

    [Fact]
    public void With_abstains_missing_a_worker_who_never_saw_a_task_does_not_change_its_posterior()
    {
        // Given crowd labels, and the same labels with ten more workers who labelled nothing
        var set = Generated.Crowd(800, 20, 2, 5, skew: 1, seed: 12);
        var m = set.Matrix;
        var wider = new int[m.RowCount * (m.LfCount + 10)];
        Array.Fill(wider, LabelSchema.Abstain);
        for (var i = 0; i < m.RowCount; i++)
        for (var j = 0; j < m.LfCount; j++)
            wider[i * (m.LfCount + 10) + j] = m[i, j];
        var names = m.LfNames.Concat(Enumerable.Range(0, 10).Select(x => $"idle_{x}")).ToArray();
        var padded = LabelMatrix.Create(m.Schema, names, wider);

        // When both are fitted
        var narrow = Fit(m).PredictProbabilities(m);
        var wide = Fit(padded).PredictProbabilities(padded);

        // Then the probabilities are the same
        for (var i = 0; i < narrow.Length; i++) wide[i].ShouldBe(narrow[i], 1e-9);
    }

    [Fact]
    public void With_abstain_as_a_vote_idle_workers_are_modelled_but_probabilities_stay_finite()
    {
        var set = Generated.Crowd(300, 10, 2, 3, skew: 1, seed: 13);
        var model = Fit(set.Matrix, new DawidSkeneOptions { Abstain = AbstainMode.Vote, GuardMode = GuardMode.None });
        model.AbstainIsOutcome(0).ShouldBeTrue();
        model.Confusion(0, 0, LabelSchema.Abstain).ShouldBeInRange(0.0, 1.0);
        Some.CheckedProbabilities(model, set.Matrix);
    }

    [Fact]
    public void The_EM_objective_never_decreases_from_one_iteration_to_the_next()
    {
        foreach (var options in new[]
                 {
                     new DawidSkeneOptions(),
                     new DawidSkeneOptions { Abstain = AbstainMode.Vote },
                     new DawidSkeneOptions { Confusion = ConfusionModel.OneCoin },
                     new DawidSkeneOptions { Abstain = AbstainMode.Vote, Confusion = ConfusionModel.OneCoin },
                 })
        foreach (var matrix in new[] { Generated.Crowd(500, 15, 3, 4, 0.7, seed: 14).Matrix, Generated.SingleClassLfs(1500, 8, 2, 0.5, seed: 15).Matrix, Generated.ExclusiveLfs(1500, 3, 3, true, seed: 16).Matrix })
        {
            var previous = double.NegativeInfinity;
            for (var iterations = 1; iterations <= 12; iterations++)
            {
                var fit = Fit(matrix, options with { MaxIterations = iterations, Tolerance = 0 }).FitInfo!;
                fit.Objective.ShouldBeGreaterThanOrEqualTo(previous - 1e-9 * Math.Abs(previous), $"{options.Abstain}, {options.Confusion}, iteration {iterations}");
                previous = fit.Objective;
            }
        }
    }

    [Fact]
    public void Stopping_at_the_iteration_cap_is_reported_as_a_warning_and_recorded_in_the_model()
    {
        var log = new List<string>();
        var model = Fit(Generated.Crowd(500, 15, 3, 4, 0.7, seed: 16).Matrix, new DawidSkeneOptions { MaxIterations = 2 }, FitContext.WithSeed(1) with { Log = log.Add });
        model.FitInfo.ShouldBe(new IterativeFit(2, false, model.FitInfo!.Objective));
        log.ShouldContain(l => l.StartsWith("warning: dawid-skene stopped at the iteration cap (2)", StringComparison.Ordinal));
        model.SaveParameters()["fit"]!["converged"]!.GetValue<bool>().ShouldBeFalse();

        var converged = Fit(Generated.Crowd(500, 15, 3, 4, 0.7, seed: 16).Matrix, context: FitContext.WithSeed(1) with { Log = log.Add });
        converged.FitInfo!.Converged.ShouldBeTrue();
        converged.FitInfo.Iterations.ShouldBeLessThan(new DawidSkeneOptions().MaxIterations);
    }

    [Fact]
    public void A_source_with_two_votes_does_not_become_certain()
    {
        // Given a worker who answered two tasks, both agreeing with the majority
        var set = Generated.Crowd(1000, 30, 2, 5, skew: 1, seed: 17);
        var votes = new int[set.Matrix.RowCount * 31];
        for (var i = 0; i < set.Matrix.RowCount; i++)
        {
            for (var j = 0; j < 30; j++) votes[i * 31 + j] = set.Matrix[i, j];
            votes[i * 31 + 30] = i < 2 ? set.Matrix.GoldLabels[i] : LabelSchema.Abstain;
        }
        var matrix = LabelMatrix.Create(set.Matrix.Schema, set.Matrix.LfNames.Append("newcomer").ToArray(), votes);

        // Then its accuracy is smoothed towards that of the average worker, not 1
        var model = Fit(matrix);
        for (var c = 0; c < 2; c++) model.Confusion(30, c, c).ShouldBeInRange(0.55, 0.95);
    }

    [Fact]
    public void The_one_coin_variant_recovers_each_source_s_accuracy()
    {
        double[] accuracies = [0.55, 0.65, 0.75, 0.85, 0.95, 0.7, 0.6];
        var set = Generated.OneCoin(4000, accuracies, 4, coverage: 0.5, skew: 0.8, seed: 18);
        var model = Fit(set.Matrix, new DawidSkeneOptions { Confusion = ConfusionModel.OneCoin });
        for (var j = 0; j < accuracies.Length; j++)
        {
            model.Confusion(j, 2, 2).ShouldBe(accuracies[j], 0.04);
            model.Confusion(j, 0, 1).ShouldBe((1 - accuracies[j]) / 3, 0.03);
        }
    }

    [Theory]
    [InlineData(0.2, 2)]
    [InlineData(1.0, 2)]
    [InlineData(0.7, 5)]
    public void On_LFs_that_each_vote_one_class_it_does_not_collapse_below_majority_vote(double skew, int k)
    {
        // Given LF-like sources, each voting a single class (with abstains missing, their votes alone identify nothing)
        var set = Generated.SingleClassLfs(4000, 3 * k, k, skew, seed: 19);
        var mv = ExpectedAccuracy(new MajorityVoteTrainer().Fit(set.Matrix, FitContext.WithSeed(1)), set.Matrix);
        foreach (var options in new[] { new DawidSkeneOptions(), new DawidSkeneOptions { Abstain = AbstainMode.Vote } })
        {
            var model = Fit(set.Matrix, options);
            var score = ExpectedAccuracy(model, set.Matrix);
            output.WriteLine($"skew {skew}, k {k}, abstain {options.Abstain}: mv {mv:F4}, dawid-skene {score:F4}, prior [{string.Join(", ", model.ClassPrior.Select(p => p.ToString("F3")))}]");
            score.ShouldBeGreaterThan(mv - 0.01);
            model.ClassPrior[0].ShouldBe(set.Prior[0], 0.1); // the classes are named by the votes, not swapped
        }
    }

    [Fact]
    public void When_every_LF_votes_one_class_it_keeps_majority_vote_s_model_where_EM_reads_silences_as_a_class()
    {
        // Given, on twelve draws, two skewed classes and LFs that all vote the larger one (none votes class 0), less precise than
        // its share of the rows (so they fire on class 0's rows more often than on the others')
        var differences = new List<double>();
        var unguarded = new List<double>();
        var fits = new List<(DawidSkeneModel Model, List<string> Logs, LabelMatrix Matrix)>();
        for (var seed = 40; seed < 52; seed++)
        {
            var set = Generated.OneClassVoted(8000, 8, 0.85, seed);
            var mv = ExpectedAccuracy(new MajorityVoteTrainer().Fit(set.Matrix, FitContext.WithSeed(1)), set.Matrix);

            // When Dawid–Skene is fitted with its defaults, and without the guard
            var logs = new List<string>();
            var model = Fit(set.Matrix, context: FitContext.WithSeed(1) with { Log = logs.Add });
            var em = Fit(set.Matrix, new DawidSkeneOptions { GuardMode = GuardMode.None });
            differences.Add(ExpectedAccuracy(model, set.Matrix) - mv);
            unguarded.Add(ExpectedAccuracy(em, set.Matrix) - mv);
            fits.Add((model, logs, set.Matrix));
            output.WriteLine($"seed {seed}: mv {mv:F4}, dawid-skene {ExpectedAccuracy(model, set.Matrix):F4}, EM fit {ExpectedAccuracy(em, set.Matrix):F4} (class 0 prior {em.ClassPrior[0]:F3}; true {set.Prior[0]:F3})");
        }

        // Then it is never below majority vote by more than a point: its labels are majority vote's
        differences.ShouldAllBe(d => d > -0.01);
        differences.ShouldAllBe(d => Math.Abs(d) < 1e-12);

        // as it keeps majority vote's model, and says why in the log and the model file (kept on saving and loading)
        foreach (var (model, logs, matrix) in fits)
        {
            logs.ShouldContain(l => l.Contains("every vote is for one class"));
            model.GuardCheck.ShouldNotBeNull().OneClassVoted.ShouldBeTrue();
            model.GuardCheck.Replaced.ShouldBeTrue();
            var loaded = (DawidSkeneModel)LabelModelCatalog.Get("dawid-skene").Load(model.Schema, model.LfNames, model.ClassPrior, model.SaveParameters());
            loaded.GuardCheck.ShouldNotBeNull().OneClassVoted.ShouldBeTrue();
            loaded.PredictProbabilities(matrix).ShouldBe(model.PredictProbabilities(matrix));
            Some.CheckedProbabilities(model, matrix);
        }

        // where EM's own fit swings between far above and far below majority vote: its likelihood has near-equal maxima that
        // read the silences in opposite ways
        output.WriteLine($"EM fit − mv: {string.Join(", ", unguarded.Select(d => d.ToString("+0.000;−0.000")))}");
        unguarded.Count(d => d < -0.01).ShouldBeGreaterThan(0);
        unguarded.Count(d => d > 0.01).ShouldBeGreaterThan(0);
    }

    [Theory]
    [InlineData("youtube")]
    [InlineData("trec")]
    [InlineData("tennis")]
    [InlineData("dog")]
    public void On_the_shared_sets_it_is_not_below_majority_vote_by_more_than_a_point(string set)
    {
        var train = SharedSets.Split(set, "train");
        var test = SharedSets.Split(set, "test");
        var mv = ExpectedAccuracy(new MajorityVoteTrainer().Fit(train, FitContext.WithSeed(123)), test);
        var ds = ExpectedAccuracy(new DawidSkeneTrainer().Fit(train, FitContext.WithSeed(123)), test);
        output.WriteLine($"{set}: mv {mv:F4}, dawid-skene {ds:F4}");
        ds.ShouldBeGreaterThanOrEqualTo(mv - 0.01);
    }

    [Theory]
    [InlineData(4, 4, true, 31)]
    [InlineData(6, 5, true, 32)]
    [InlineData(6, 5, false, 33)]
    public void Single_class_LFs_of_one_class_that_never_fire_together_are_one_source_and_keep_it_near_majority_vote(int k, int perClass, bool catchAll, int seed)
    {
        // Given per class several single-class LFs that each cover their own slice of the class (never firing together)
        var set = Generated.ExclusiveLfs(4000, k, perClass, catchAll, seed);
        var mv = ExpectedAccuracy(new MajorityVoteTrainer().Fit(set.Matrix, FitContext.WithSeed(1)), set.Matrix);

        // When Dawid–Skene groups them (the default) and when it reads them as independent witnesses (no guard either way)
        var grouped = Fit(set.Matrix, new DawidSkeneOptions { GuardMode = GuardMode.None });
        var independent = Fit(set.Matrix, new DawidSkeneOptions { GuardMode = GuardMode.None, GroupExclusiveSources = false });
        var guarded = Fit(set.Matrix);
        output.WriteLine($"k {k}, {perClass} per class, catch-all {catchAll}: mv {mv:F4}, grouped {ExpectedAccuracy(grouped, set.Matrix):F4}, independent {ExpectedAccuracy(independent, set.Matrix):F4}, default {ExpectedAccuracy(guarded, set.Matrix):F4}");

        // Then each class's LFs form one group, and the grouped fit is far better than the independent one and not below
        // majority vote by more than a point
        grouped.ExclusiveGroups.Count.ShouldBe(k);
        grouped.ExclusiveGroups.ShouldAllBe(g => g.Count == perClass);
        independent.ExclusiveGroups.ShouldBeEmpty();
        ExpectedAccuracy(grouped, set.Matrix).ShouldBeGreaterThan(ExpectedAccuracy(independent, set.Matrix) + 0.05);
        ExpectedAccuracy(grouped, set.Matrix).ShouldBeGreaterThan(mv - 0.01);
        ExpectedAccuracy(guarded, set.Matrix).ShouldBeGreaterThan(mv - 0.01);
        var loaded = (DawidSkeneModel)LabelModelCatalog.Get("dawid-skene").Load(grouped.Schema, grouped.LfNames, grouped.ClassPrior, grouped.SaveParameters());
        loaded.ExclusiveGroups.ShouldBe(grouped.ExclusiveGroups);
        loaded.PredictProbabilities(set.Matrix).Zip(grouped.PredictProbabilities(set.Matrix), (a, b) => Math.Abs(a - b)).Max().ShouldBeLessThan(1e-12);
        Some.CheckedProbabilities(grouped, set.Matrix);
    }

    [Theory]
    [InlineData(3, 1.0)]
    [InlineData(4, 1.0)]
    [InlineData(5, 1.0)]
    [InlineData(3, 0.7)]
    [InlineData(4, 0.75)]
    [InlineData(5, 0.8)]
    public void With_exclusive_groups_the_rows_no_rule_reaches_are_left_undecided_unless_the_votes_reject_it(int k, double skew)
    {
        // Given, on twelve draws, per class three single-class LFs that never fire together, covering different shares of
        // their class, on even classes or on classes each a fraction 'skew' of the one before (then a uniform balance gave
        // the rows without a vote to the class whose rules fire least, which is often a small one)
        var differences = new List<double>();
        for (var seed = 61; seed < 73; seed++)
        {
            var set = Generated.ExclusiveLfs(6000, k, 3, catchAll: false, seed, skew);
            var mv = ExpectedAccuracy(new MajorityVoteTrainer().Fit(set.Matrix, FitContext.WithSeed(1)), set.Matrix);
            var logs = new List<string>();

            // When Dawid–Skene is fitted with its defaults
            var model = Fit(set.Matrix, context: FitContext.WithSeed(1) with { Log = logs.Add });
            differences.Add(ExpectedAccuracy(model, set.Matrix) - mv);
            output.WriteLine($"k {k}, skew {skew}, seed {seed}: mv {mv:F4}, dawid-skene {ExpectedAccuracy(model, set.Matrix):F4}; {logs.Single(l => l.Contains("likelihood ratio"))}");

            // Then the likelihood does not reject the balance under which a row without a vote is undecided, and the fit
            // gives such a row the same probability for every class, as majority vote does
            logs.ShouldContain(l => l.Contains("that balance is used"));
            var silent = model.PredictProbabilities(LabelMatrix.Create(set.Matrix.Schema, set.Matrix.LfNames, Enumerable.Repeat(LabelSchema.Abstain, set.Matrix.LfCount).ToArray()));
            silent.ShouldAllBe(p => Math.Abs(p - 1.0 / k) < 1e-9);
        }

        // and it is never more than half a point below majority vote (with EM's own balance it was more than a point below on
        // 9 of the 36 even draws; with the uniform balance, on skewed ones), and above it on average
        differences.ShouldAllBe(d => d > -0.005);
        differences.Average().ShouldBeGreaterThan(0.002);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(400)]
    public void With_exclusive_groups_a_balance_leaving_silent_rows_undecided_that_no_prior_can_hold_is_not_tried(int dense)
    {
        // Given an exclusive group of class 0 beside dense class-1 LFs: with 400 of them a class-1 row is silent with
        // probability 1e-400, so the balance under which a silent row is undecided is 1e390 : 1 (before: the fit failed with
        // "the class prior must be positive numbers, got 0,1", a prior nobody gave)
        var set = Generated.GroupBesideDenseLfs(2000, dense, seed: 3);
        var logs = new List<string>();

        // When Dawid–Skene is fitted with its defaults
        var model = Fit(set.Matrix, context: FitContext.WithSeed(1) with { Log = logs.Add });

        // Then it fits with the learned balance, its probabilities finite and summing to 1, and labels the rows well
        model.ExclusiveGroups.ShouldNotBeEmpty();
        logs.ShouldContain(l => l.Contains("the learned balance is kept"));
        Some.CheckedProbabilities(model, set.Matrix);
        ExpectedAccuracy(model, set.Matrix).ShouldBeGreaterThan(0.95);
    }

    [Fact]
    public void With_exclusive_groups_a_balance_the_votes_show_clearly_is_kept()
    {
        // Given exclusive LFs with a catch-all on a skewed balance (class 0 is 60 % of rows), whose co-firing reveals it
        var set = Generated.ExclusiveLfs(20000, 3, 3, catchAll: true, seed: 64, skew: 0.5);
        var logs = new List<string>();

        // When Dawid–Skene is fitted with its defaults
        var model = Fit(set.Matrix, context: FitContext.WithSeed(1) with { Log = logs.Add });
        foreach (var line in logs) output.WriteLine(line);
        output.WriteLine($"prior {string.Join(" ", model.ClassPrior.Select(p => p.ToString("F3")))}, true {string.Join(" ", set.Prior.Select(p => p.ToString("F3")))}");

        // Then the test rejects the balance that leaves rows without a vote undecided, and the learned one is kept
        logs.ShouldContain(l => l.Contains("the learned balance is kept"));
        model.ClassPrior[0].ShouldBeGreaterThan(0.45);
    }

    [Theory]
    [InlineData(2, 51)]
    [InlineData(3, 52)]
    public void A_narrower_variant_of_a_weak_rule_is_modelled_given_the_rule_so_their_agreement_is_not_read_as_competence(int k, int seed)
    {
        // Given four one-coin LFs and a narrower variant of the weakest (accuracy 0.55) that repeats its vote on 80 % of the
        // rows where it is right and 30 % of those where it is wrong
        var set = Generated.WithSubsets(4000, [0.8, 0.75, 0.7, 0.55], [(3, 0.8, 0.3)], k, coverage: 0.4, skew: 0.8, seed);
        var mv = ExpectedAccuracy(new MajorityVoteTrainer().Fit(set.Matrix, FitContext.WithSeed(1)), set.Matrix);

        // When Dawid–Skene models the variant given the rule (the default) and as an independent witness
        var given = Fit(set.Matrix, new DawidSkeneOptions { GuardMode = GuardMode.None });
        var independent = Fit(set.Matrix, new DawidSkeneOptions { GuardMode = GuardMode.None, ConditionDerivedSources = false });
        double Accuracy(DawidSkeneModel model, int lf) => Enumerable.Range(0, k).Sum(c => set.Prior[c] * model.Confusion(lf, c, c));
        output.WriteLine($"k {k}: mv {mv:F4}, given {ExpectedAccuracy(given, set.Matrix):F4} (weak LF {Accuracy(given, 3):F3}), independent {ExpectedAccuracy(independent, set.Matrix):F4} (weak LF {Accuracy(independent, 3):F3})");

        // Then the variant's parent is the weak rule and no other LF has one, the rule's accuracy is recovered where the
        // independent model inflates it, and the labels are better than both the independent model's and majority vote's
        Enumerable.Range(0, 5).Select(given.DerivedParent).ShouldBe([-1, -1, -1, -1, 3]);
        Enumerable.Range(0, 5).Select(independent.DerivedParent).ShouldAllBe(p => p == -1);
        Accuracy(given, 3).ShouldBe(0.55, 0.06);
        Accuracy(independent, 3).ShouldBeGreaterThan(Accuracy(given, 3) + 0.1);
        ExpectedAccuracy(given, set.Matrix).ShouldBeGreaterThan(ExpectedAccuracy(independent, set.Matrix) + 0.01);
        ExpectedAccuracy(given, set.Matrix).ShouldBeGreaterThan(mv);

        // and the model file keeps the parents and keep rates, and a variant voting where its rule abstains (new rows) stays finite
        var loaded = (DawidSkeneModel)LabelModelCatalog.Get("dawid-skene").Load(given.Schema, given.LfNames, given.ClassPrior, given.SaveParameters());
        loaded.DerivedParent(4).ShouldBe(3);
        loaded.PredictProbabilities(set.Matrix).ShouldBe(given.PredictProbabilities(set.Matrix));
        Some.CheckedProbabilities(given, set.Matrix);
        Some.CheckedProbabilities(given, Some.Matrix(k, [[-1, -1, -1, -1, 1], [0, -1, -1, 1, 0], [-1, -1, -1, -1, -1]]));
    }

    [Fact]
    public void A_model_file_whose_derived_sources_form_a_cycle_or_leave_the_unit_interval_is_rejected()
    {
        var set = Generated.WithSubsets(2000, [0.8, 0.7, 0.6], [(2, 0.8, 0.3)], 2, coverage: 0.5, skew: 1, seed: 53);
        var model = Fit(set.Matrix, new DawidSkeneOptions { GuardMode = GuardMode.None });
        model.DerivedParent(3).ShouldBe(2);
        void Rejected(Action<JsonObject> edit, string message)
        {
            var parameters = model.SaveParameters();
            edit(parameters);
            Should.Throw<SnorkelerException>(() => LabelModelCatalog.Get("dawid-skene").Load(model.Schema, model.LfNames, model.ClassPrior, parameters)).Message.ShouldContain(message);
        }
        Rejected(p => p["derived"]!.AsArray().Add(new JsonObject { ["lf"] = 2, ["parent"] = 3, ["keep"] = p["derived"]![0]!["keep"]!.DeepClone() }), "its own ancestor");
        Rejected(p => p["derived"]![0]!["keep"]![0]![0] = 1.0, "strictly between 0 and 1");
        Rejected(p => p["derived"]![0]!["parent"] = 3, "not the lf itself");
    }

    [Fact]
    public void A_group_member_that_votes_together_with_another_on_new_rows_still_gets_finite_probabilities()
    {
        var set = Generated.ExclusiveLfs(2000, 3, 3, catchAll: false, seed: 34);
        var model = Fit(set.Matrix, new DawidSkeneOptions { GuardMode = GuardMode.None });
        model.ExclusiveGroups.ShouldNotBeEmpty();
        var group = model.ExclusiveGroups[0];
        var votes = Enumerable.Repeat(LabelSchema.Abstain, 9).ToArray();
        var t = Enumerable.Range(0, 3).Single(a => model.Confusion(group[0], 0, a) > 1e-5); // the class the group votes
        votes[group[0]] = t;
        votes[group[1]] = t;
        Some.CheckedProbabilities(model, LabelMatrix.Create(LabelSchema.Numbered(3), model.LfNames, votes, null));
    }

    [Fact]
    public void A_model_file_with_overlapping_or_overfull_exclusive_groups_is_rejected()
    {
        var set = Generated.ExclusiveLfs(2000, 3, 3, catchAll: false, seed: 35);
        var model = Fit(set.Matrix, new DawidSkeneOptions { GuardMode = GuardMode.None });
        var catalog = LabelModelCatalog.Get("dawid-skene");
        foreach (var (groups, message) in new (JsonNode, string)[]
                 {
                     (new JsonArray(new JsonArray(0, 1), new JsonArray(1, 2)), "more than one group"),
                     (new JsonArray(new JsonArray(0)), "at least two"),
                     (new JsonArray(new JsonArray(0, 9)), "source indices"),
                     (new JsonObject(), "at least two"),
                 })
        {
            var parameters = model.SaveParameters();
            parameters["exclusive_groups"] = groups;
            Should.Throw<SnorkelerException>(() => catalog.Load(model.Schema, model.LfNames, model.ClassPrior, parameters)).Message.ShouldContain(message);
        }
        var overfull = model.SaveParameters();
        var confusion = (JsonArray)overfull["confusion"]!;
        for (var row = 0; row < 6; row++)
        {
            // Sources 0 and 1 (class 0) each voting on 60 % of every class's rows cannot be one group.
            var values = new JsonArray(0.6, 1e-6, 1e-6, 0.4 - 2e-6);
            confusion[row] = values;
        }
        overfull["exclusive_groups"] = new JsonArray(new JsonArray(0, 1));
        Should.Throw<SnorkelerException>(() => catalog.Load(model.Schema, model.LfNames, model.ClassPrior, overfull)).Message.ShouldContain("not below 1");
    }

    [Fact]
    public void When_the_EM_fit_agrees_less_with_held_out_sources_than_majority_vote_every_source_gets_one_shared_accuracy()
    {
        // Given TREC's LFs (a catch-all rule, rules of one class that never fire together, copies), on which EM's latent
        // classes are not the task's classes
        var train = SharedSets.Split("trec", "train");
        var test = SharedSets.Split("trec", "test");

        // When Dawid–Skene is fitted with and without the check against majority vote
        var guarded = new DawidSkeneTrainer(new DawidSkeneOptions { GuardMode = GuardMode.Mv }).FitModel(train, FitContext.WithSeed(123));
        var unguarded = new DawidSkeneTrainer(new DawidSkeneOptions { GuardMode = GuardMode.None }).FitModel(train, FitContext.WithSeed(123));

        // Then the check finds the EM fit less consistent with held-out sources and keeps majority vote's model: the same
        // labels as majority vote, with probabilities from one shared accuracy; without it the fit is far below
        var check = guarded.GuardCheck.ShouldNotBeNull();
        output.WriteLine($"held-out agreement: EM {check.Agreement:F4}, majority vote {check.MajorityVoteAgreement:F4}");
        check.Replaced.ShouldBeTrue();
        unguarded.GuardCheck.ShouldBeNull();
        var mv = ExpectedAccuracy(new MajorityVoteTrainer().Fit(train, FitContext.WithSeed(123)), test);
        ExpectedAccuracy(guarded, test).ShouldBe(mv, 1e-12);
        ExpectedAccuracy(unguarded, test).ShouldBeLessThan(mv - 0.05);
        Enumerable.Range(0, guarded.LfNames.Count).ShouldAllBe(j => guarded.Confusion(j, 0, 0) == guarded.Confusion(0, 1, 1));
        var loaded = (DawidSkeneModel)LabelModelCatalog.Get("dawid-skene").Load(guarded.Schema, guarded.LfNames, guarded.ClassPrior, guarded.SaveParameters());
        loaded.GuardCheck.ShouldBe(check);
        loaded.PredictProbabilities(test).ShouldBe(guarded.PredictProbabilities(test));
    }

    [Theory]
    [InlineData("bluebird")]
    [InlineData("rte")]
    [InlineData("dog")]
    public void On_the_crowd_sets_it_beats_majority_vote(string set)
    {
        var matrix = SharedSets.CrowdMatrix(set);
        var mv = ExpectedAccuracy(new MajorityVoteTrainer().Fit(matrix, FitContext.WithSeed(1)), matrix);
        var ds = ExpectedAccuracy(new DawidSkeneTrainer().Fit(matrix.WithGold([]), FitContext.WithSeed(1)), matrix);
        output.WriteLine($"{set}: mv {mv:F4}, dawid-skene {ds:F4}");
        ds.ShouldBeGreaterThan(mv);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Sources_with_identical_columns_count_once_so_copies_change_no_posterior(int k)
    {
        // Given four LFs of known accuracy, and the same matrix with the weakest LF copied three more times
        var set = Generated.WithCopies(3000, [0.8, 0.75, 0.7, 0.6], [(3, 3, 1.0)], k, coverage: 0.6, skew: 0.8, seed: 41);
        var votes = new int[3000 * 4];
        for (var i = 0; i < 3000; i++)
            for (var j = 0; j < 4; j++) votes[i * 4 + j] = set.Matrix[i, j];
        var original = LabelMatrix.Create(set.Matrix.Schema, Some.LfNames(4), votes, set.Matrix.GoldLabels);

        // When Dawid–Skene is fitted to both, for the same number of iterations (EM alone: no held-out check, whose folds
        // weigh each copy's agreement)
        var fixedIterations = new DawidSkeneOptions { Tolerance = 0, MaxIterations = 100, GuardMode = GuardMode.None };
        var once = Fit(set.Matrix, fixedIterations);
        var each = Fit(set.Matrix, fixedIterations with { CountDuplicatesOnce = false });
        var reference = Fit(original, fixedIterations);

        // Then with duplicates counted once the copies weigh 1/4 each and every posterior is the one without them
        Enumerable.Range(3, 4).Select(once.SourceWeight).ShouldAllBe(w => w == 0.25);
        var expected = reference.PredictProbabilities(original);
        var actual = once.PredictProbabilities(set.Matrix);
        output.WriteLine($"largest difference {expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max():G3}");
        for (var x = 0; x < expected.Length; x++) actual[x].ShouldBe(expected[x], 1e-9);
        var loaded = (DawidSkeneModel)LabelModelCatalog.Get("dawid-skene").Load(once.Schema, once.LfNames, once.ClassPrior, once.SaveParameters());
        loaded.PredictProbabilities(set.Matrix).ShouldBe(actual);

        // and counted each, the weak LF's four votes outweigh the others, which costs accuracy
        output.WriteLine($"k {k}: once {ExpectedAccuracy(once, set.Matrix):F4}, each {ExpectedAccuracy(each, set.Matrix):F4}");
        ExpectedAccuracy(once, set.Matrix).ShouldBeGreaterThan(ExpectedAccuracy(each, set.Matrix));
    }

    [Fact]
    public void A_model_file_written_before_the_abstain_option_loads_with_abstain_as_an_outcome()
    {
        // Given the parameters of an old file: k + 1 outcomes per row, no "abstain" field
        var parameters = new JsonObject
        {
            ["confusion"] = new JsonArray(new JsonArray(0.6, 0.2, 0.2), new JsonArray(0.1, 0.5, 0.4), new JsonArray(0.7, 0.1, 0.2), new JsonArray(0.2, 0.7, 0.1)),
        };
        var model = (DawidSkeneModel)LabelModelCatalog.Get("dawid-skene").Load(LabelSchema.Numbered(2), Some.LfNames(2), [0.5, 0.5], parameters);
        model.Abstain.ShouldBe(AbstainMode.Vote);
        model.Confusion(1, 0, LabelSchema.Abstain).ShouldBe(0.2);
        Some.CheckedProbabilities(model, Some.Matrix(2, [[0, -1], [-1, -1], [1, 1]]));
    }

    [Fact]
    public void A_model_file_whose_missing_abstain_rows_carry_abstain_mass_is_rejected()
    {
        var model = Fit(Generated.Crowd(200, 5, 2, 3, 1, seed: 20).Matrix);
        var parameters = model.SaveParameters();
        parameters["confusion"]![0]![2] = 0.1;
        Should.Throw<SnorkelerException>(() => LabelModelCatalog.Get("dawid-skene").Load(model.Schema, model.LfNames, model.ClassPrior, parameters))
            .Message.ShouldContain("abstain probabilities must be 0");
    }

    [Fact]
    public void With_a_few_gold_rows_clamped_semi_supervised_EM_recovers_the_confusion_matrices_better_than_EM_without_them()
    {
        var (unsupervisedErrors, semiErrors) = (new List<double>(), new List<double>());
        foreach (var seed in new[] { 40, 41, 42, 43 })
        {
            // Given sparse crowd labels from the Dawid–Skene model (3 answers a task from 30 workers, 3 classes), 50 of 300 tasks with gold
            var set = Generated.Crowd(300, 30, 3, 3, skew: 0.7, seed: seed);
            var train = set.Matrix.Slice(0, 250).WithGold([]);
            var dev = set.Matrix.Slice(250, 50);

            // When EM is fitted on the training rows alone, and with the dev rows clamped to their gold class, both at the fixed
            // prior strength (a strength learned from the workers' spread is not used with gold rows)
            var unsupervised = Fit(train, new DawidSkeneOptions { SmoothingFromSpread = false });
            var semi = Fit(train, new DawidSkeneOptions { DevGold = DevGoldUse.Clamp, SmoothingFromSpread = false }, FitContext.WithSeed(1) with { Dev = dev });
            semi.FitInfo!.Converged.ShouldBeTrue();
            unsupervisedErrors.Add(set.ConfusionError(unsupervised.Confusion));
            semiErrors.Add(set.ConfusionError(semi.Confusion));
        }

        // Then the semi-supervised confusion matrices are closer to the true ones on every draw
        output.WriteLine($"mean confusion error per draw: EM {string.Join(", ", unsupervisedErrors.Select(e => e.ToString("F4")))}; semi-supervised {string.Join(", ", semiErrors.Select(e => e.ToString("F4")))}");
        for (var x = 0; x < semiErrors.Count; x++) semiErrors[x].ShouldBeLessThan(unsupervisedErrors[x]);

    }

    [Fact]
    public void On_weak_crowds_of_three_answers_a_task_the_strength_learned_from_the_workers_spread_keeps_it_at_majority_vote()
    {
        // Given eight draws of a weak crowd: 30 workers right 60–75 % of the time, 3 answers a task, 2 classes, 1,000 tasks
        // (600 to fit on, 400 to score), so that each worker gives about 60 answers and their counted accuracies differ
        // mostly by counting noise
        var (learned, fixedFive) = (new List<double>(), new List<double>());
        foreach (var seed in Enumerable.Range(1, 8))
        {
            var crowd = Crowds.Generate(new CrowdSpec
            {
                Tasks = 1000, Workers = 30, Classes = 2, AnswersPerTask = 3, Model = WorkerModel.Confusion, AccuracyLow = 0.6, AccuracyHigh = 0.75, Seed = seed,
            });
            var (train, test) = (crowd.Slice(0, 600), crowd.Slice(600, 400));
            var mv = ExpectedAccuracy(new MajorityVoteTrainer().Fit(train, FitContext.WithSeed(1)), test);

            // When Dawid–Skene is fitted with its default strength (learned) and with 5 pseudo-votes fixed, both without the
            // check against majority vote (on people's answers it always runs and would hide the difference)
            learned.Add(ExpectedAccuracy(Fit(train, new DawidSkeneOptions { GuardMode = GuardMode.None }), test) - mv);
            fixedFive.Add(ExpectedAccuracy(Fit(train, new DawidSkeneOptions { SmoothingFromSpread = false, GuardMode = GuardMode.None }), test) - mv);
        }

        // Then the learned strength reads the workers as alike and stays at majority vote on every draw, where 5 pseudo-votes
        // let EM weight them by their noise and fall below it
        output.WriteLine($"learned − mv: {string.Join(", ", learned.Select(x => x.ToString("+0.000;-0.000")))}");
        output.WriteLine($"fixed 5 − mv: {string.Join(", ", fixedFive.Select(x => x.ToString("+0.000;-0.000")))}");
        learned.ShouldAllBe(x => x >= -0.01);
        learned.Average().ShouldBeGreaterThanOrEqualTo(-0.002);
        fixedFive.Average().ShouldBeLessThan(learned.Average() - 0.01);

        // and the log says what it learned; on workers that truly differ (the crowd of the first test: 55–95 % right, about
        // 300 answers each) the strength stays small beside their answers
        var log = new List<string>();
        Fit(Crowds.Generate(new CrowdSpec { Tasks = 1000, Workers = 30, Classes = 2, AnswersPerTask = 3, AccuracyLow = 0.6, AccuracyHigh = 0.75, Seed = 1 }).Slice(0, 600),
            context: FitContext.WithSeed(1) with { Log = log.Add });
        log.ShouldContain(l => l.StartsWith("dawid-skene: prior strength learned from the sources' spread (--smoothing auto): class 0 ", StringComparison.Ordinal));
        log.Clear();
        Fit(Generated.Crowd(3000, 40, 3, 4, skew: 0.6, seed: 11).Matrix, context: FitContext.WithSeed(1) with { Log = log.Add });
        var line = log.Single(l => l.Contains("prior strength learned", StringComparison.Ordinal));
        output.WriteLine(line);
        var strengths = System.Text.RegularExpressions.Regex.Matches(line, @"class \d+ ([0-9.]+)").Select(m => double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        strengths.Count.ShouldBe(3);
        strengths.ShouldAllBe(x => x >= 5 && x < 30);
    }

    [Fact]
    public void Over_many_classes_the_learned_strengths_are_logged_in_one_short_line_grouping_classes_that_share_one()
    {
        // Given workers answering 200 tasks of 60 classes
        var crowd = Crowds.Generate(new CrowdSpec { Tasks = 200, Workers = 12, Classes = 60, AnswersPerTask = 3, AccuracyLow = 0.6, AccuracyHigh = 0.9, Seed = 5 });
        var log = new List<string>();

        // When Dawid–Skene learns its prior strength with the log on
        Fit(crowd, context: FitContext.WithSeed(1) with { Log = log.Add });

        // Then the strengths are one line that names no class one by one when many share a strength, and accounts for all 60
        var line = log.Single(l => l.Contains("prior strength learned", StringComparison.Ordinal));
        output.WriteLine(line);
        line.Length.ShouldBeLessThan(400);
        var groups = line[(line.IndexOf("auto): ", StringComparison.Ordinal) + 7)..line.IndexOf(" pseudo-votes", StringComparison.Ordinal)].Split(", around")[0].Split("; ");
        var counted = groups.Sum(g => System.Text.RegularExpressions.Regex.Match(g, @"for (\d+) classes$") is { Success: true } many
            ? int.Parse(many.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
            : g[(g.IndexOf(" for class", StringComparison.Ordinal) + 10)..].TrimStart('e', 's').Split(',').Length);
        counted.ShouldBe(60);
    }

    [Fact]
    public void The_learned_strength_is_large_for_sources_that_differ_by_counting_noise_and_the_population_s_own_for_sources_that_truly_differ()
    {
        var random = new Random(3);
        (double Weight, double Total, double[] Counts) Row(double p, int n)
        {
            var right = Enumerable.Range(0, n).Count(_ => random.NextDouble() < p);
            return (1, n, [right, n - right]);
        }

        // Given 30 sources with 60 votes each drawn at one accuracy, and 30 with 2,000 votes each at accuracies 0.55–0.95
        var alike = Enumerable.Range(0, 30).Select(_ => Row(0.7, 60)).ToList();
        var unlike = Enumerable.Range(0, 30).Select(j => Row(0.55 + 0.4 * j / 29, 2000)).ToList();

        // Then the spread of the first is counting noise (the most strength: they are read as one source), and the second's is
        // the population's own: accuracies uniform on [0.55, 0.95] vary by 0.4² / 12 around 0.75, so ρ = 0.0133 / 0.1875 and
        // s = 1 / ρ − 1 ≈ 13 pseudo-votes, little beside 2,000 votes
        var (strong, weak) = (DawidSkeneEm.SpreadStrength(alike, 5), DawidSkeneEm.SpreadStrength(unlike, 5));
        output.WriteLine($"alike {strong:F1}, unlike {weak:F1}");
        strong.ShouldBe(1e6);
        weak.ShouldBeInRange(8, 20);

        // and g identical sources weighing 1/g each count as one; fewer than three sources give the floor
        var copied = unlike.Take(10).Concat(unlike.Take(10)).Select(r => r with { Weight = 0.5 }).Concat(unlike.Skip(10)).ToList();
        DawidSkeneEm.SpreadStrength(copied, 5).ShouldBe(weak, 1e-9);
        DawidSkeneEm.SpreadStrength(alike.Take(2).ToList(), 5).ShouldBe(5);
    }

    [Fact]
    public void Semi_supervised_EM_learns_the_classes_from_gold_rows_even_where_the_votes_name_them_the_other_way_round()
    {
        // Given sources that vote the opposite class most of the time, and a dev split whose gold says so
        var set = Generated.OneCoin(400, [0.2, 0.25, 0.3, 0.2, 0.25], 2, coverage: 0.8, skew: 1, seed: 42);
        var train = set.Matrix.Slice(0, 340).WithGold([]);
        var dev = set.Matrix.Slice(340, 60);

        // When fitted with the dev rows clamped, EM cannot rename the classes: the sources come out adversarial
        var semi = Fit(train, new DawidSkeneOptions { DevGold = DevGoldUse.Clamp }, FitContext.WithSeed(1) with { Dev = dev });
        var unsupervised = Fit(train);

        // Then it labels the rows rightly where EM alone (which assumes better-than-random sources) gets them wrong
        var truth = set.Matrix.Slice(0, 340);
        output.WriteLine($"EM {ExpectedAccuracy(unsupervised, truth):F4}, semi-supervised {ExpectedAccuracy(semi, truth):F4}");
        ExpectedAccuracy(semi, truth).ShouldBeGreaterThan(0.8);
        ExpectedAccuracy(unsupervised, truth).ShouldBeLessThan(0.5);
    }

    [Fact]
    public void Dev_gold_clamp_rejects_a_dev_split_with_other_LFs_and_does_nothing_without_gold()
    {
        var set = Generated.Crowd(200, 6, 2, 3, 1, seed: 43);
        var options = new DawidSkeneOptions { DevGold = DevGoldUse.Clamp };
        var other = LabelMatrix.Create(set.Matrix.Schema, Some.LfNames(6), new int[6 * 10], new int[10]);
        Should.Throw<SnorkelerException>(() => Fit(set.Matrix, options, FitContext.WithSeed(1) with { Dev = other }))
            .Message.ShouldBe("dawid-skene: the dev split: LF 1 is 'lf_0' but the model expects 'worker_0'");
        Fit(set.Matrix, options, FitContext.WithSeed(1) with { Dev = set.Matrix.WithGold([]) }).PredictProbabilities(set.Matrix)
            .ShouldBe(Fit(set.Matrix).PredictProbabilities(set.Matrix));
    }

    [Fact]
    public void Unknown_option_values_are_rejected_with_the_accepted_ones()
    {
        Should.Throw<SnorkelerException>(() => DawidSkeneOptions.From(new ModelOptions(new Dictionary<string, string> { ["dev-gold"] = "use" })))
            .Message.ShouldBe("--dev-gold expects prior or clamp, got 'use'");
        Should.Throw<SnorkelerException>(() => DawidSkeneOptions.From(new ModelOptions(new Dictionary<string, string> { ["abstain"] = "skip" })))
            .Message.ShouldBe("--abstain expects missing or vote, got 'skip'");
        Should.Throw<SnorkelerException>(() => DawidSkeneOptions.From(new ModelOptions(new Dictionary<string, string> { ["confusion"] = "two-coin" })))
            .Message.ShouldBe("--confusion expects full or one-coin, got 'two-coin'");
        Should.Throw<SnorkelerException>(() => DawidSkeneOptions.From(new ModelOptions(new Dictionary<string, string> { ["duplicates"] = "twice" })))
            .Message.ShouldBe("--duplicates expects once or each, got 'twice'");
        Should.Throw<SnorkelerException>(() => DawidSkeneOptions.From(new ModelOptions(new Dictionary<string, string> { ["guard"] = "yes" })))
            .Message.ShouldBe("--guard expects auto, mv or none, got 'yes'");
        Should.Throw<SnorkelerException>(() => DawidSkeneOptions.From(new ModelOptions(new Dictionary<string, string> { ["exclusive"] = "merged" })))
            .Message.ShouldBe("--exclusive expects group or independent, got 'merged'");
        Should.Throw<SnorkelerException>(() => DawidSkeneOptions.From(new ModelOptions(new Dictionary<string, string> { ["smoothing"] = "lots" })))
            .Message.ShouldBe("--smoothing expects auto or a number of pseudo-votes, got 'lots'");
        Should.Throw<SnorkelerException>(() => DawidSkeneOptions.From(new ModelOptions(new Dictionary<string, string> { ["smoothing"] = "0" })))
            .Message.ShouldStartWith("--smoothing must be between");
    }

    [Fact]
    public void The_prior_strength_is_learned_unless_a_number_of_pseudo_votes_is_given_and_the_choice_is_saved_as_given()
    {
        static DawidSkeneOptions Read(string? value) => DawidSkeneOptions.From(new ModelOptions(value is null ? null : new Dictionary<string, string> { ["smoothing"] = value }));
        (Read(null).SmoothingFromSpread, Read(null).Smoothing).ShouldBe((true, 5.0));
        (Read("auto").SmoothingFromSpread, Read("auto").Smoothing).ShouldBe((true, 5.0));
        (Read("12").SmoothingFromSpread, Read("12").Smoothing).ShouldBe((false, 12.0));
        Read(null).ToOptionValues()["smoothing"].ShouldBe("auto");
        Read("12").ToOptionValues()["smoothing"].ShouldBe("12");
        Read(Read("12").ToOptionValues()["smoothing"]).ShouldBe(Read("12"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_few_answers_of_a_person_are_never_read_as_a_single_class_rule_a_group_of_rules_or_a_rule_derived_from_another(int seed)
    {
        // Given a crowd of 150 one-coin workers whose activity falls off as 1/rank, so most give a handful of answers: by
        // chance some answer one class only, some never share a task, some only answer where the busiest worker did, alike
        var crowd = Crowds.Generate(new CrowdSpec { Tasks = 800, Workers = 150, AnswersPerTask = 5, ActivitySkew = 1, Model = WorkerModel.OneCoin, Seed = seed });
        var (train, test) = (crowd.Slice(0, 480), crowd.Slice(480, 320));

        // When it is fitted as people, as a wide matrix that does not say so (read as LFs), and as LFs on purpose
        var people = Fit(train);
        var log = new List<string>();
        var recognised = Fit(Crowds.AsLfs(train), context: FitContext.WithSeed(1) with { Log = log.Add });
        var asRules = Fit(Crowds.AsLfs(train), new DawidSkeneOptions { RecognisePeople = false });

        // Then as people no worker is a rule of one class, in a group or derived, and read as LFs the columns are recognised
        // as people and give the same fit; kept as LFs, chance patterns become such structure
        people.ExclusiveGroups.ShouldBeEmpty();
        Enumerable.Range(0, train.LfCount).ShouldAllBe(j => people.DerivedParent(j) < 0 && !people.AbstainIsOutcome(j));
        recognised.PredictProbabilities(test).ShouldBe(people.PredictProbabilities(test));
        log.ShouldContain(l => l.StartsWith("dawid-skene: the sources vote independently of the class, as people asked at random do (", StringComparison.Ordinal));
        (asRules.ExclusiveGroups.Count + Enumerable.Range(0, train.LfCount).Count(j => asRules.DerivedParent(j) >= 0)).ShouldBeGreaterThan(0);
        var mv = ExpectedAccuracy(new MajorityVoteTrainer().Fit(train, FitContext.WithSeed(1)), test);
        output.WriteLine($"seed {seed}: mv {mv:F4}, as people {ExpectedAccuracy(people, test):F4}, as rules {ExpectedAccuracy(asRules, Crowds.AsLfs(test)):F4}");
        ExpectedAccuracy(people, test).ShouldBeGreaterThanOrEqualTo(mv - 0.005);
    }

    [Fact]
    public void On_people_s_answers_the_guard_scores_held_out_workers_by_kappa_so_a_one_coin_crowd_it_cannot_read_stays_at_majority_vote()
    {
        // Given crowd-suite seed 5743's eleventh crowd (one-coin, 500 workers, 3 answers a task, 5 classes), split as
        // crowd-suite generate splits it and read back as a Wrench set (one worker a column)
        var spec = Crowds.Suite(5743)[10];
        var (train, valid, test) = LfSuiteGenerator.SplitRows(Crowds.Generate(spec), 0.2, 0.2, spec.Seed + 1_000_003);
        using var folder = new TempFolder();
        LfSuiteGenerator.WriteSet(folder.Path, spec.Classes, train, valid, test, "one-coin crowd");
        var fitted = WrenchFile.ReadMatrix(folder.File("train.json")).WithGold([]);
        var scored = WrenchFile.ReadMatrix(folder.File("test.json"));

        // When fitted with its defaults
        var model = new DawidSkeneTrainer().Fit(fitted, FitContext.WithSeed(1));
        var mv = ExpectedAccuracy(new MajorityVoteTrainer().Fit(fitted, FitContext.WithSeed(1)), scored);

        // Then held-out workers agree with majority vote's labels better by κ, so its model replaces the fit; scored by the
        // agreement score LFs get, the fit was kept and was 1.1 points below majority vote
        output.WriteLine($"dawid-skene {ExpectedAccuracy(model, scored):F4}, majority vote {mv:F4}");
        model.ShouldBeOfType<DawidSkeneModel>().GuardCheck.ShouldNotBeNull().Replaced.ShouldBeTrue();
        ExpectedAccuracy(model, scored).ShouldBeGreaterThanOrEqualTo(mv - 0.005);
    }

    [Fact]
    public void On_ten_class_crowds_with_a_few_answers_a_worker_each_worker_s_rows_centre_on_its_own_skill_and_it_is_not_below_majority_vote()
    {
        // Given six draws of 100 one-coin workers right 30–80 % of the time, 5 answers a task, 10 classes, 600 tasks (360 to fit
        // on, as crowd-suite generate splits them): about 18 answers a worker, under two a confusion row
        var gains = new List<double>();
        var log = new List<string>();
        foreach (var seed in Enumerable.Range(1, 6))
        {
            var crowd = Crowds.Generate(new CrowdSpec
            {
                Tasks = 600, Workers = 100, Classes = 10, AnswersPerTask = 5, Model = WorkerModel.OneCoin, AccuracyLow = 0.3, AccuracyHigh = 0.8, Seed = seed,
            });
            var (train, test) = (crowd.Slice(0, 360), crowd.Slice(480, 120));
            var mv = ExpectedAccuracy(new MajorityVoteTrainer().Fit(train, FitContext.WithSeed(1)), test);

            // When fitted with its defaults
            log.Clear();
            gains.Add(ExpectedAccuracy(Fit(train, context: FitContext.WithSeed(1) with { Log = log.Add }), test) - mv);
        }

        // Then the rows learn around each worker's skill (their own spread is counting noise, so the pooled row alone would
        // make every worker alike: 2.3 points below majority vote on such a draw), no draw is more than three test rows below
        // majority vote, and on average it is above it
        output.WriteLine($"dawid-skene − mv: {string.Join(", ", gains.Select(x => x.ToString("+0.000;-0.000")))}");
        log.ShouldContain(l => l.Contains("around each annotator's own skill (its agreement with the others' majority, ", StringComparison.Ordinal));
        gains.ShouldAllBe(x => x >= -3.0 / 120);
        gains.Average().ShouldBeGreaterThan(0.01);
    }

    [Fact]
    public void The_strength_around_each_source_s_own_centre_is_the_most_for_counting_noise_and_the_drawn_one_for_rows_spread_around_their_centres()
    {
        var random = new Random(5);
        double Beta(double a, double b)
        {
            // Two gamma draws (Marsaglia–Tsang) give a Beta draw.
            double Gamma(double shape)
            {
                if (shape < 1) return Gamma(shape + 1) * Math.Pow(random.NextDouble(), 1 / shape);
                var d = shape - 1.0 / 3;
                var c = 1 / Math.Sqrt(9 * d);
                while (true)
                {
                    double x, v;
                    do
                    {
                        x = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                        v = 1 + c * x;
                    } while (v <= 0);
                    v = v * v * v;
                    if (Math.Log(1 - random.NextDouble()) < 0.5 * x * x + d - d * v + d * Math.Log(v)) return d * v;
                }
            }
            var g = Gamma(a);
            return g / (g + Gamma(b));
        }
        (double Weight, double Total, double[] Counts) Row(double p, int n)
        {
            var right = Enumerable.Range(0, n).Count(_ => random.NextDouble() < p);
            return (1, n, [right, n - right]);
        }

        // Given 200 sources with their own centres (accuracies 0.55–0.95) and 300 votes each, their rows drawn at the centre,
        // or from a Beta of strength 20 around it
        var centres = Enumerable.Range(0, 200).Select(j => 0.55 + 0.4 * j / 199).Select(a => new[] { a, 1 - a }).ToList();
        var atCentre = centres.Select(c => Row(c[0], 300)).ToList();
        var spread = centres.Select(c => Row(Beta(20 * c[0], 20 * c[1]), 300)).ToList();

        // Then counting noise gives the most strength, and the spread gives about the strength it was drawn with
        var (noise, drawn) = (DawidSkeneEm.CentredStrength(atCentre, centres, 5), DawidSkeneEm.CentredStrength(spread, centres, 5));
        output.WriteLine($"at centre {noise:F1}, spread {drawn:F1}");
        noise.ShouldBe(1e6);
        drawn.ShouldBeInRange(12, 32);
        DawidSkeneEm.CentredStrength(spread.Take(2).ToList(), centres, 5).ShouldBe(5);
    }

    [Fact]
    public void On_people_s_answers_the_fit_is_always_checked_against_majority_vote_and_constant_spammers_raise_no_suspicion()
    {
        // Given a crowd with a fifth of its workers answering one class whatever the task, 3 answers a task
        var crowd = Crowds.Generate(new CrowdSpec { Tasks = 1000, Workers = 200, Classes = 3, AnswersPerTask = 3, ConstantSpammers = 0.2, ActivitySkew = 1.2, Seed = 103 });
        var log = new List<string>();

        // When fitted
        var model = Fit(crowd, context: FitContext.WithSeed(1) with { Log = log.Add });

        // Then the check ran because they are people, not because of the spammers, and its outcome is recorded
        log.ShouldContain("dawid-skene: people's answers: checking the fit against majority vote");
        log.ShouldNotContain(l => l.Contains("single-class sources the fit finds right less often", StringComparison.Ordinal));
        model.GuardCheck.ShouldNotBeNull();
        model.GuardCheck.SuspectShare.ShouldBe(0);
    }

    [Fact]
    public void Reading_people_s_answers_is_automatic_unless_given_is_asked_and_the_choice_is_saved()
    {
        static DawidSkeneOptions Read(string? value) => DawidSkeneOptions.From(new ModelOptions(value is null ? null : new Dictionary<string, string> { ["people"] = value }));
        Read(null).RecognisePeople.ShouldBeTrue();
        Read("given").RecognisePeople.ShouldBeFalse();
        Read(null).ToOptionValues()["people"].ShouldBe("auto");
        Read(Read("given").ToOptionValues()["people"]).ShouldBe(Read("given"));
        Should.Throw<SnorkelerException>(() => Read("yes")).Message.ShouldBe("--people expects auto or given, got 'yes'");
    }

    [Fact]
    public void A_crowd_read_as_people_with_skills_saves_and_loads_identically_and_gives_finite_probabilities_where_no_one_answered()
    {
        // Given a 10-class crowd delivered as a wide matrix (recognised as people, skills read), and rows to label that no
        // worker answered, that one worker answered, or that only a worker unseen in the fit answered
        var crowd = Crowds.AsLfs(Crowds.Generate(new CrowdSpec
        {
            Tasks = 600, Workers = 100, Classes = 10, AnswersPerTask = 5, Model = WorkerModel.OneCoin, AccuracyLow = 0.3, AccuracyHigh = 0.8, Seed = 4,
        }));
        var train = crowd.Slice(0, 360).WithGold([]);
        var log = new List<string>();
        var model = Fit(train, context: FitContext.WithSeed(1) with { Log = log.Add });
        log.ShouldContain(l => l.Contains("own skill", StringComparison.Ordinal));
        var (m, k) = (crowd.LfCount, 10);
        var votes = new int[3 * m];
        Array.Fill(votes, LabelSchema.Abstain);
        votes[m + 7] = 3;
        votes[2 * m + (m - 1)] = 5;
        var odd = LabelMatrix.Create(crowd.Schema, crowd.LfNames, votes, [-1, -1, -1]);

        // When saved and loaded (a prior normalised up to rounding used to be normalised again on loading, which moved the
        // last digits of the probabilities of this fit)
        using var folder = new TempFolder();
        ModelFile.Save(model, folder.File("ds.json"));
        var loaded = ModelFile.Load(folder.File("ds.json"));

        // Then both label every row alike, with finite probabilities that sum to one
        loaded.PredictProbabilities(crowd).ShouldBe(model.PredictProbabilities(crowd));
        loaded.PredictProbabilities(odd).ShouldBe(model.PredictProbabilities(odd));
        Some.CheckedProbabilities(loaded, crowd);
        var probabilities = Some.CheckedProbabilities(loaded, odd);
        probabilities.Length.ShouldBe(3 * k);
    }
}
