using System.Text.Json.Nodes;
using Snorkeler.Benchmarks;
using Snorkeler.Data;
using Snorkeler.LabelModels.Internal;
using Snorkeler.LabelModels.Tests.Support;
using Xunit.Abstractions;

namespace Snorkeler.LabelModels.Tests;

public sealed class AutoTests(ITestOutputHelper output)
{
    private double ExpectedAccuracy(ILabelModel model, LabelMatrix scored) => model.Score(scored).ExpectedAccuracy;

    private double MajorityVote(LabelMatrix train, LabelMatrix scored) => ExpectedAccuracy(new MajorityVoteTrainer().Fit(train, FitContext.WithSeed(123)), scored);

    [Fact]
    public void Held_out_fits_of_the_ebcc_candidate_run_one_restart_and_other_candidates_and_the_crowd_default_are_refitted_as_they_are()
    {
        // Given auto's candidates
        var candidates = AutoTrainer.Candidates;

        // When
        var criterion = candidates.Select(AutoTrainer.CriterionTrainer).ToArray();

        // Then
        for (var i = 0; i < candidates.Count; i++)
            if (candidates[i].Model == EbccTrainer.ModelName) criterion[i].ShouldBeOfType<EbccTrainer>().Options.Restarts.ShouldBe(1);
            else criterion[i].ShouldBeNull();
        AutoTrainer.CriterionTrainer(Crowd.CrowdSelection.Default).ShouldBeNull();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Without_a_dev_split_ebcc_is_fitted_on_all_rows_only_when_it_leads_and_then_as_it_is_on_its_own(bool ebccCanLead)
    {
        // Given LFs that vote every class with accuracies from 0.5 to 0.9, and auto's candidates cut to majority vote and ebcc,
        // or to majority vote, Dawid–Skene and ebcc
        var set = Generated.OneCoin(3000, [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9], 3, coverage: 0.6, skew: 0.3, seed: 7);
        var train = set.Matrix.WithGold([]);
        var entries = AutoTrainer.Candidates.Where(e => e.Model == EbccTrainer.ModelName || e.Model == MajorityVoteTrainer.ModelName
            || (!ebccCanLead && e.Model == DawidSkeneTrainer.ModelName && e.Options.Count == 1)).ToArray();
        var log = new List<string>();

        // When auto chooses among them
        var (model, selection) = AutoTrainer.ChooseAmong(train, FitContext.WithSeed(5) with { Log = log.Add }, entries);

        // Then ebcc's fit on all rows (ten restarts, the cost of ten held-out fits) is made only when it leads, and it is then
        // ebcc's own fit; when Dawid–Skene leads, ebcc's held-out score is recorded all the same
        var ebcc = selection.Candidates.Single(c => c.Model == EbccTrainer.ModelName);
        double.IsFinite(ebcc.Score).ShouldBeTrue();
        var fittedOnAllRows = log.Count(l => l.StartsWith("auto: ebcc (prior: learned) leads: fitted on all rows", StringComparison.Ordinal));
        if (ebccCanLead)
        {
            selection.Chosen.Model.ShouldBe(EbccTrainer.ModelName);
            fittedOnAllRows.ShouldBe(1);
            model.PredictProbabilities(train).ShouldBe(new EbccTrainer().Fit(train, FitContext.WithSeed(5)).PredictProbabilities(train));
        }
        else
        {
            selection.Chosen.Model.ShouldBe(DawidSkeneTrainer.ModelName);
            fittedOnAllRows.ShouldBe(0);
        }
    }

    [Fact]
    public void Without_a_dev_split_a_leading_ebcc_is_not_fitted_on_all_rows_when_the_held_out_sources_show_no_signal()
    {
        // Given LFs that vote every class at random (right as often as a guess), where ebcc leads majority vote on held-out
        // agreement by noise alone, and auto's candidates cut to majority vote and ebcc
        var set = Generated.OneCoin(2000, [0.34, 0.34, 0.34, 0.34, 0.34, 0.34], 3, coverage: 0.7, skew: 0, seed: 4);
        var train = set.Matrix.WithGold([]);
        var entries = AutoTrainer.Candidates.Where(e => e.Model == EbccTrainer.ModelName || e.Model == MajorityVoteTrainer.ModelName).ToArray();
        var log = new List<string>();

        // When auto chooses among them
        var (model, selection) = AutoTrainer.ChooseAmong(train, FitContext.WithSeed(5) with { Log = log.Add }, entries);

        // Then ebcc led, majority vote is kept for want of a signal, and ebcc's ten-restart fit on all rows was never made
        var ebcc = selection.Candidates.Single(c => c.Model == EbccTrainer.ModelName);
        ebcc.Score.ShouldBeGreaterThan(selection.Candidates[0].Score);
        selection.Chosen.Model.ShouldBe(MajorityVoteTrainer.ModelName);
        selection.Reason.ShouldContain("no better than chance");
        log.ShouldNotContain(l => l.Contains("leads: fitted on all rows", StringComparison.Ordinal));
        model.PredictProbabilities(train).ShouldBe(new MajorityVoteTrainer().Fit(train, FitContext.WithSeed(5)).PredictProbabilities(train));
    }

    [Fact]
    public void When_every_candidate_fails_and_one_failure_is_not_a_refusal_that_failure_comes_out_as_it_was_rather_than_a_refusal()
    {
        // Given two LFs, which flyingsquid refuses, and candidates cut to it and to snorkel with a dependency on an LF the
        // matrix does not have
        var train = Generated.OneCoin(500, [0.8, 0.7], 2, coverage: 0.8, skew: 0, seed: 3).Matrix.WithGold([]);
        AutoEntry[] entries =
        [
            new(FlyingSquidTrainer.ModelName, new Dictionary<string, string>(), LearnsPrior: false),
            new(SnorkelTrainer.ModelName, new Dictionary<string, string> { ["deps"] = "lf_0:lf_x" }, LearnsPrior: false),
        ];

        // When auto chooses among them
        var failure = Should.Throw<SnorkelerException>(() => AutoTrainer.ChooseAmong(train, FitContext.WithSeed(5), entries));

        // Then snorkel's error is what auto throws (before: "auto: every candidate model failed", a refusal, which compare
        // reported as "auto not compared" and went on, exit 0), so that compare stops with it, as fit does
        failure.ShouldNotBeOfType<ModelRefusalException>();
        failure.Message.ShouldBe("snorkel --deps: no LF named 'lf_x'; did you mean 'lf_0'?");
    }

    [Fact]
    public void When_every_candidate_refuses_the_matrix_auto_refuses_it()
    {
        // Given two LFs, which flyingsquid and ebcc both refuse, and candidates cut to them
        var train = Generated.OneCoin(500, [0.8, 0.7], 2, coverage: 0.8, skew: 0, seed: 3).Matrix.WithGold([]);
        AutoEntry[] entries =
        [
            new(FlyingSquidTrainer.ModelName, new Dictionary<string, string>(), LearnsPrior: false),
            new(EbccTrainer.ModelName, new Dictionary<string, string>(), LearnsPrior: true),
        ];

        // When auto chooses among them
        var failure = Should.Throw<ModelRefusalException>(() => AutoTrainer.ChooseAmong(train, FitContext.WithSeed(5), entries));

        // Then it is a refusal, which compare reports as "auto not compared" while it compares the other models
        failure.Message.ShouldBe("auto: every candidate model failed; see the log");
    }

    [Theory]
    [InlineData("youtube")]
    [InlineData("trec")]
    [InlineData("tennis")]
    [InlineData("dog")]
    public void Without_a_dev_split_it_is_not_below_majority_vote_by_more_than_half_a_point_on_the_shared_sets(string set)
    {
        var train = SharedSets.Split(set, "train");
        var test = SharedSets.Split(set, "test");
        var model = (AutoModel)new AutoTrainer().Fit(train, FitContext.WithSeed(123));
        var (auto, mv) = (ExpectedAccuracy(model, test), MajorityVote(train, test));
        output.WriteLine($"{set}: auto {auto:F4} ({model.Choice}), mv {mv:F4}");
        auto.ShouldBeGreaterThanOrEqualTo(mv - 0.005);
    }

    [Theory]
    [InlineData(4, 61)]
    [InlineData(5, 62)]
    [InlineData(6, 64)]
    public void Without_a_dev_split_on_skewed_classes_it_takes_a_model_of_the_LFs_over_majority_vote_when_that_labels_better(int m, int seed)
    {
        // Given a few LFs that vote either class with one accuracy on both, on data where 9 rows in 10 are of class 0: majority
        // vote follows their many false alarms for class 1, while a model of the LFs learns that a lone vote for 1 is mostly wrong.
        // Held-out κ marks such a model down: its labels lean to class 0 as the held-out LFs' votes do, and κ counts that as chance.
        var accuracies = Enumerable.Range(0, m).Select(j => 0.65 + 0.25 * j / (m - 1)).ToArray();
        var set = Generated.OneCoin(6000, accuracies, 2, coverage: 0.5, skew: 0.11, seed);
        var train = set.Matrix.WithGold([]);

        // When auto chooses without a dev split
        var model = (AutoModel)new AutoTrainer().Fit(train, FitContext.WithSeed(1));

        // Then it does not keep majority vote, and its labels are at least 5 points better
        var (auto, mv) = (ExpectedAccuracy(model, set.Matrix), MajorityVote(train, set.Matrix));
        output.WriteLine($"{m} LFs: auto {auto:F4} ({model.Choice}), mv {mv:F4}");
        model.Choice.Model.ShouldNotBe(MajorityVoteTrainer.ModelName);
        auto.ShouldBeGreaterThan(mv + 0.05);
    }

    [Theory]
    [InlineData(4, 4, true, 51)]
    [InlineData(6, 5, true, 52)]
    [InlineData(5, 3, false, 53)]
    public void Without_a_dev_split_on_single_class_LFs_that_never_fire_together_it_is_not_below_majority_vote(int k, int perClass, bool catchAll, int seed)
    {
        // Given TREC-shaped LFs (per class several single-class LFs that never fire together), where held-out κ is near 0
        // for every candidate and models that cannot read single-class LFs collapse
        var set = Generated.ExclusiveLfs(3000, k, perClass, catchAll, seed);
        var log = new List<string>();

        // When auto chooses without a dev split
        var model = (AutoModel)new AutoTrainer().Fit(set.Matrix.WithGold([]), FitContext.WithSeed(1) with { Log = log.Add });

        // Then ebcc (abstains missing) is not a candidate, no candidate whose labels call LFs far worse than random is
        // chosen, and the labels are not below majority vote's by more than half a point
        var (auto, mv) = (ExpectedAccuracy(model, set.Matrix), MajorityVote(set.Matrix, set.Matrix));
        output.WriteLine($"k {k}, {perClass} per class, catch-all {catchAll}: auto {auto:F4} ({model.Choice}), mv {mv:F4}");
        foreach (var line in log.Where(l => l.Contains("rejected") || l.Contains("skipped") || l.Contains("chose"))) output.WriteLine(line);
        log.ShouldContain(l => l.StartsWith("auto: ebcc skipped: 100 % of the votes come from sources that only vote one class", StringComparison.Ordinal));
        model.Selection.Candidates.Where(c => c.Model == EbccTrainer.ModelName).ShouldAllBe(c => double.IsNaN(c.Score));
        auto.ShouldBeGreaterThanOrEqualTo(mv - 0.005);
    }

    [Fact]
    public void Without_a_dev_split_a_lead_within_the_noise_over_an_earlier_candidate_goes_to_the_earlier_one()
    {
        // Given lf-suite's sparse set of seed 5501 (3 classes, 9 single-class LFs of coverage 1-10 %, 58 % of the rows without a
        // vote, LFs independent given the class), where flyingsquid with the estimated balance led Dawid–Skene's held-out score
        // by 0.0014 (a sixth of a paired standard error); Dawid–Skene scored 0.822 on test, majority vote 0.505
        var (train, test) = Generated.Written(LfSuiteGenerator.Suite(5501)[1]);

        // When auto chooses without a dev split
        var model = (AutoModel)new AutoTrainer().Fit(train, FitContext.WithSeed(1));

        // Then the leader's lead is within one paired standard error of the earlier Dawid–Skene candidate, which is taken
        var (auto, mv) = (ExpectedAccuracy(model, test), MajorityVote(train, test));
        output.WriteLine($"auto {auto:F4} ({model.Choice}), mv {mv:F4}; {model.Selection.Reason}");
        model.Choice.Model.ShouldBe(DawidSkeneTrainer.ModelName);
        model.Selection.Reason.ShouldContain("flyingsquid");
        model.Selection.Reason.ShouldContain("within the noise, so the earlier candidate is kept");
        var leader = model.Selection.Candidates.Where(c => double.IsFinite(c.Score)).MaxBy(c => c.Score).ShouldNotBeNull();
        leader.Model.ShouldBe(FlyingSquidTrainer.ModelName);
        model.Selection.Chosen.Score.ShouldBeLessThan(leader.Score);
        auto.ShouldBeGreaterThan(mv + 0.05);
    }

    [Fact]
    public void Rows_that_fire_together_take_dawid_skenes_model_of_each_rows_activity_without_a_dev_split_and_leave_the_anchor_to_the_criterion_with_one()
    {
        // Given a CDR-shaped set whose LFs fire together (33 single-class LFs, 32 % class 1, spread 1.0), where snorkel with the
        // estimated balance led held-out agreement (0.075 against Dawid–Skene's 0.052) and scored 12 points below majority
        // vote on test; Dawid–Skene's test finds the rows firing together and its activity model scored 6 points above
        var spec = LfSuiteGenerator.Shape(5822, 8430, 33, 2, singleClass: true, (0.01, 0.2), (0.5, 0.9), 920, 4673, balance: [0.68, 0.32], activity: 1.0);
        var (train, test) = Generated.Written(spec);

        // When auto chooses without a dev split
        var model = (AutoModel)new AutoTrainer().Fit(train, FitContext.WithSeed(1));

        // Then the first Dawid–Skene candidate, which models each row's activity, is taken although it does not lead the
        // criterion, and the reason says why
        var (auto, mv) = (ExpectedAccuracy(model, test), MajorityVote(train, test));
        output.WriteLine($"auto {auto:F4} ({model.Choice}), mv {mv:F4}; {model.Selection.Reason}");
        model.Choice.Model.ShouldBe(DawidSkeneTrainer.ModelName);
        model.Choice.Options["guard"].ShouldBe("none");
        model.Chosen.ShouldBeOfType<DawidSkeneActivityModel>();
        model.Selection.Reason.ShouldStartWith("the rows fire together (spread ");
        model.Selection.Reason.ShouldContain("as dawid-skene with its guard does; held-out agreement does not rank the candidates");
        var leader = model.Selection.Candidates.Where(c => double.IsFinite(c.Score)).MaxBy(c => c.Score).ShouldNotBeNull();
        leader.Model.ShouldNotBe(DawidSkeneTrainer.ModelName);
        auto.ShouldBeGreaterThan(mv + 0.03);

        // And with a dev split the anchor the dev-best must beat is the criterion's leader, as before (this part held before the
        // change too: it keeps the rule from reaching the dev-split search, where it gained nothing)
        var (_, _, record) = SelectedWithDev(spec);
        record.Unsupervised.ShouldNotBeOfType<DawidSkeneActivityModel>();
    }

    [Fact]
    public void Without_a_dev_split_activity_models_resting_on_a_fit_dawid_skenes_guard_replaces_are_rejected()
    {
        // Given a Yelp-shaped set whose LFs fire together (8 single-class LFs, spread 1.5), where the plain Dawid–Skene fit
        // makes sources casting 38 % of the votes right less often than a guess, its activity model labels the rows as it
        // does, and dawid-skene's guard replaces it by majority vote's model (which the family reads otherwise); taken
        // unguarded (a lead within the noise) it scored 11 points below majority vote on test
        var (train, test) = Generated.Written(LfSuiteGenerator.Shape(5812, 20000, 8, 2, singleClass: true, (0.05, 0.3), (0.6, 0.85), 500, 2500, activity: 1.5));

        // When auto chooses without a dev split
        var log = new List<string>();
        var model = (AutoModel)new AutoTrainer().Fit(train, FitContext.WithSeed(1) with { Log = log.Add });

        // Then every Dawid–Skene candidate that models the activity is rejected with the reason, and the choice is not below
        // majority vote
        var (auto, mv) = (ExpectedAccuracy(model, test), MajorityVote(train, test));
        output.WriteLine($"auto {auto:F4} ({model.Choice}), mv {mv:F4}; {model.Selection.Reason}");
        var rejected = model.Selection.Candidates.Where(c => c.Note?.Contains("dawid-skene with its guard does not take it") == true).ToArray();
        rejected.ShouldNotBeEmpty();
        rejected.ShouldAllBe(c => c.Model == DawidSkeneTrainer.ModelName && double.IsNaN(c.Score));
        log.ShouldContain(line => line.Contains("dawid-skene with its guard: the guard replaces the plain fit by majority vote's model"));
        log.ShouldContain(line => line.Contains("rejected: its activity model is the one the plain dawid-skene fit leads to"));
        model.Chosen.ShouldNotBeOfType<DawidSkeneActivityModel>();
        auto.ShouldBeGreaterThanOrEqualTo(mv - 0.005);
    }

    [Fact]
    public void Without_a_dev_split_a_dawid_skene_fit_whose_classes_are_how_busy_rows_are_is_rejected_as_the_guard_would_replace_it()
    {
        // Given a TREC-shaped set whose LFs fire together (spread 0.9), where Dawid–Skene's fit, run without the guard as
        // auto runs it, overrules every vote on 42 % of the rows with votes and the row-activity family reads the votes
        // otherwise; held-out agreement favoured it (0.256 against majority vote's 0.128) and it scored 10 points below
        // majority vote on test
        var (train, test) = Generated.Written(LfSuiteGenerator.Shape(5811, 4965, 68, 6, singleClass: true, (0.005, 0.1), (0.4, 0.9), 500, 500, activity: 0.9));

        // When auto chooses without a dev split
        var model = (AutoModel)new AutoTrainer().Fit(train, FitContext.WithSeed(1));

        // Then those Dawid–Skene candidates are rejected with the reason, and the choice is above majority vote
        var (auto, mv) = (ExpectedAccuracy(model, test), MajorityVote(train, test));
        output.WriteLine($"auto {auto:F4} ({model.Choice}), mv {mv:F4}; {model.Selection.Reason}");
        var rejected = model.Selection.Candidates.Where(c => c.Note?.Contains("its classes are not the task's") == true).ToArray();
        rejected.ShouldNotBeEmpty();
        rejected.ShouldAllBe(c => c.Model == DawidSkeneTrainer.ModelName && double.IsNaN(c.Score));
        model.Selection.Chosen.ShouldNotBeOneOf(rejected);
        auto.ShouldBeGreaterThan(mv);
    }

    [Theory]
    [InlineData(3, 1.0, false, 81)]
    [InlineData(4, 0.8, false, 82)]
    [InlineData(5, 0.75, false, 83)]
    [InlineData(4, 1.0, true, 85)]
    [InlineData(5, 1.0, true, 87)]
    [InlineData(5, 1.0, true, 88)]
    public void Without_a_dev_split_and_no_signal_it_takes_dawid_skene_when_its_exclusive_groups_leave_rows_without_a_vote_undecided(int k, double skew, bool catchAll, int seed)
    {
        // Given single-class LFs that never fire together (three per class; with a catch-all LF, majority vote leads the
        // held-out score by noise), where held-out agreement has no signal to rank the candidates by (before: majority vote
        // was kept)
        var set = Generated.ExclusiveLfs(4000, k, 3, catchAll, seed, skew);
        var train = set.Matrix.WithGold([]);

        // When auto chooses without a dev split
        var model = (AutoModel)new AutoTrainer().Fit(train, FitContext.WithSeed(1));

        // Then it takes Dawid–Skene, which labels the rows without a vote as majority vote does (undecided) and the rows with
        // votes at least as well
        var (auto, mv) = (ExpectedAccuracy(model, set.Matrix), MajorityVote(set.Matrix, set.Matrix));
        output.WriteLine($"k {k}, skew {skew}: auto {auto:F4} ({model.Choice}), mv {mv:F4}; {model.Selection.Reason}");
        model.Selection.Reason.ShouldContain("no better than chance");
        model.Choice.Model.ShouldBe(DawidSkeneTrainer.ModelName);
        var silent = model.PredictProbabilities(LabelMatrix.Create(train.Schema, train.LfNames, Enumerable.Repeat(LabelSchema.Abstain, train.LfCount).ToArray()));
        silent.ShouldAllBe(p => Math.Abs(p - 1.0 / k) < 1e-9);
        auto.ShouldBeGreaterThan(mv);
    }

    [Fact]
    public void The_absurd_vote_share_counts_the_votes_of_LFs_a_model_calls_right_less_than_half_as_often_as_a_uniform_guess()
    {
        // Given TREC's LFs and two real fits: majority vote, and Dawid–Skene with every abstain an outcome and no guard, whose
        // latent classes are not the task's (it calls whole groups of LFs almost always wrong)
        var train = SharedSets.Split("trec", "train");
        var k = train.Schema.Cardinality;
        var majority = new MajorityVoteTrainer().Fit(train, FitContext.WithSeed(1));
        var collapsed = new DawidSkeneTrainer(new DawidSkeneOptions { Abstain = AbstainMode.Vote, GuardMode = GuardMode.None }).Fit(train.WithGold([]), FitContext.WithSeed(1));

        // Then the share matches a direct count from each model's probabilities: per LF, the mean probability of the class
        // it voted over its votes, below 1/(2k)
        double Direct(ILabelModel model)
        {
            var p = model.PredictProbabilities(train);
            var (votes, right) = (new double[train.LfCount], new double[train.LfCount]);
            for (var i = 0; i < train.RowCount; i++)
            for (var j = 0; j < train.LfCount; j++)
                if (train[i, j] is var vote and >= 0)
                {
                    votes[j]++;
                    right[j] += p[i * k + vote];
                }
            return Enumerable.Range(0, votes.Length).Where(j => votes[j] > 0 && right[j] / votes[j] < 0.5 / k).Sum(j => votes[j]) / votes.Sum();
        }
        var (mvShare, collapsedShare) = (AutoTrainer.AbsurdVoteShare(majority, train), AutoTrainer.AbsurdVoteShare(collapsed, train));
        output.WriteLine($"majority vote {mvShare:F4}, dawid-skene --abstain vote {collapsedShare:F4}");
        mvShare.ShouldBe(Direct(majority), 1e-12);
        collapsedShare.ShouldBe(Direct(collapsed), 1e-12);
        mvShare.ShouldBe(0);
        collapsedShare.ShouldBeGreaterThan(0.1);
    }

    [Fact]
    public void People_do_not_count_towards_the_absurd_vote_share_though_the_same_columns_read_as_LFs_do()
    {
        // Given a 4-class crowd with skewed classes where a sixth of the workers give one answer whatever the task, and Dawid–Skene's
        // labels, under which such a worker giving a rare class is right about as often as the class is common
        var crowd = Crowds.Generate(new CrowdSpec
        {
            Tasks = 1500, Workers = 120, Classes = 4, AnswersPerTask = 6, ClassPrior = [0.6, 0.2, 0.12, 0.08], ConstantSpammers = 0.17, Seed = 71,
        });
        var asLfs = Crowds.AsLfs(crowd);
        var fit = new DawidSkeneTrainer().Fit(crowd.WithGold([]), FitContext.WithSeed(1));
        fit.Score(crowd).ExpectedAccuracy.ShouldBeGreaterThan(new MajorityVoteTrainer().Fit(crowd, FitContext.WithSeed(1)).Score(crowd).ExpectedAccuracy);

        // When the share is counted with the columns read as LFs and as people
        var (lfShare, peopleShare) = (AutoTrainer.AbsurdVoteShare(fit, asLfs), AutoTrainer.AbsurdVoteShare(fit, crowd));

        // Then as LFs the rare-class constant answers count (an LF that is almost always wrong is a sign of a fit gone wrong);
        // as people they do not
        output.WriteLine($"as LFs {lfShare:P2}, as people {peopleShare:P2}");
        lfShare.ShouldBeGreaterThan(0.01);
        peopleShare.ShouldBe(0);
    }

    [Theory]
    [InlineData(72)]
    [InlineData(73)]
    public void Without_a_dev_split_a_recognised_crowd_with_constant_answerers_of_rare_classes_still_compares_Dawid_Skene(int seed)
    {
        // Given a wide crowd matrix not marked as people (so auto recognises it): 4 skewed classes, power-law activity, a sixth
        // of the workers giving one answer whatever the task and a tenth guessing; Dawid–Skene's labels make those giving a
        // rare class right less than half as often as a uniform guess, which rejected it as a collapsed fit before people
        // were left out of that check
        var spec = new CrowdSpec
        {
            Tasks = 2000, Workers = 300, Classes = 4, AnswersPerTask = 6, ClassPrior = [0.6, 0.2, 0.12, 0.08], ConstantSpammers = 0.17,
            RandomSpammers = 0.1, ActivitySkew = 1.2, AccuracyLow = 0.35, AccuracyHigh = 0.85, Seed = seed,
        };
        var crowd = Crowds.AsLfs(Crowds.Generate(spec));
        var (train, test) = (crowd.Slice(0, 1200), crowd.Slice(1200, 800));
        var log = new List<string>();

        // When auto fits without a dev split
        var model = (AutoModel)new AutoTrainer().Fit(train.WithGold([]), FitContext.WithSeed(1) with { Log = log.Add });

        // Then Dawid–Skene is scored, not rejected, and auto is not below majority vote
        foreach (var line in log.Where(l => l.Contains("rejected") || l.Contains("chose"))) output.WriteLine(line);
        var (auto, mv) = (ExpectedAccuracy(model, test), MajorityVote(train, test));
        output.WriteLine($"auto {auto:F4} ({model.Choice}), majority vote {mv:F4}");
        log.ShouldNotContain(l => l.Contains("rejected", StringComparison.Ordinal));
        double.IsFinite(model.Selection.Candidates.Single(c => c.Model == DawidSkeneTrainer.ModelName).Score).ShouldBeTrue();
        auto.ShouldBeGreaterThanOrEqualTo(mv - 0.005);
    }

    [Theory]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(34)]
    public void Without_a_dev_split_on_weak_ten_class_crowds_read_as_LFs_it_stays_within_three_test_rows_of_majority_vote(int seed)
    {
        // Given 100 one-coin workers right 30–80 % of the time, 5 answers a task, 10 classes, delivered as a wide matrix whose
        // columns are not marked as people (read as LFs, held-out κ of probabilities chose confident models 9–14 points below
        // majority vote at seeds 31–33)
        var crowd = Crowds.Generate(new CrowdSpec
        {
            Tasks = 600, Workers = 100, Classes = 10, AnswersPerTask = 5, Model = WorkerModel.OneCoin, AccuracyLow = 0.3, AccuracyHigh = 0.8, Seed = seed,
        });
        // split as crowd-suite generate splits it (360 train, 120 valid, 120 test tasks)
        var (train, test) = (Crowds.AsLfs(crowd).Slice(0, 360), Crowds.AsLfs(crowd).Slice(480, 120));

        // When auto chooses without a dev split
        var model = (AutoModel)new AutoTrainer().Fit(train.WithGold([]), FitContext.WithSeed(1));

        // Then it reads the columns as people, chooses between majority vote and Dawid–Skene only, and is not below majority
        // vote by more than one test row (the crowd default, EBCC, was 2.2 and 1.8 points below at seeds 31 and 33)
        var (auto, mv) = (ExpectedAccuracy(model, test), MajorityVote(train, test));
        output.WriteLine($"seed {seed}: auto {auto:F4} ({model.Choice}), mv {mv:F4}; {model.Selection.Reason}");
        model.Selection.Reason.ShouldStartWith("its sources vote independently of the class");
        model.Selection.Candidates.Select(c => c.Model).ShouldBe([MajorityVoteTrainer.ModelName, DawidSkeneTrainer.ModelName]);
        auto.ShouldBeGreaterThanOrEqualTo(mv - 1.0 / 120);
    }

    [Fact]
    public void LF_sets_whose_LFs_vote_one_or_several_classes_are_not_read_as_people_and_crowds_read_as_LFs_are()
    {
        // Given LF sets: youtube (single-class LFs), tennis (LFs that vote both classes, every row covered), the generated LF
        // suite's 16 families at seed 1 (single- and multi-class LFs), and its few-good set drawn with 200 rows only, where
        // the independence test lacks the rows to see its good LFs (mostly near-random multi-class LFs, 62 % of the votes)
        using var folder = new TempFolder();
        var lfSets = new List<(string Name, LabelMatrix Matrix)> { ("youtube", SharedSets.Split("youtube", "train")), ("tennis", SharedSets.Split("tennis", "train")) };
        foreach (var (spec, rows) in LfSuiteGenerator.Suite(1).Select(s => (s, (int?)null)).Append((LfSuiteGenerator.Suite(1, trainRows: 200)[5], 200)))
        {
            var path = Path.Combine(folder.Path, $"{spec.Name}-{rows}");
            LfSuiteGenerator.Write(spec, path);
            lfSets.Add(($"{spec.Name} ({rows?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "full"})", WrenchFile.ReadMatrix(Path.Combine(path, "train.json"))));
        }
        // and crowds as wide matrices: dog's Wrench train split and a generated crowd with constant spammers and skewed activity
        var crowds = new List<(string Name, LabelMatrix Matrix)>
        {
            ("dog", SharedSets.Split("dog", "train")),
            ("generated", Crowds.AsLfs(Crowds.Generate(new CrowdSpec { Tasks = 600, Workers = 200, Classes = 3, AnswersPerTask = 3, ConstantSpammers = 0.1, ActivitySkew = 1.2, Seed = 35 }))),
        };

        // When each is tested, Then only the crowds look like people
        foreach (var (name, matrix) in lfSets.Concat(crowds))
            output.WriteLine($"{name}: {Crowd.CrowdRecognition.Test(matrix)}");
        foreach (var (name, matrix) in lfSets) Crowd.CrowdRecognition.Test(matrix).LooksLikePeople.ShouldBeFalse(name);
        foreach (var (name, matrix) in crowds) Crowd.CrowdRecognition.Test(matrix).LooksLikePeople.ShouldBeTrue(name);
        Crowd.CrowdRecognition.Test(lfSets[^1].Matrix).Z.ShouldBeLessThan(Crowd.CrowdRecognition.MaxZ); // only the votes per row tell it apart
    }

    [Fact]
    public void A_crowd_read_as_LFs_is_fitted_as_people_and_the_saved_model_says_why()
    {
        // Given dog's Wrench train split (109 workers as columns, not marked as annotators)
        var train = SharedSets.Split("dog", "train");
        var log = new List<string>();

        // When auto fits it without a dev split, and the model is saved and loaded
        var model = (AutoModel)new AutoTrainer().Fit(train, FitContext.WithSeed(1) with { Log = log.Add });
        using var folder = new TempFolder();
        ModelFile.Save(model, folder.File("auto.json"));
        var loaded = (AutoModel)ModelFile.Load(folder.File("auto.json"));

        // Then it compared majority vote with Dawid–Skene, and the reason saved names the evidence
        output.WriteLine(model.Selection.Reason);
        model.Selection.Candidates.Select(c => c.Model).ShouldBe([MajorityVoteTrainer.ModelName, DawidSkeneTrainer.ModelName]);
        loaded.Selection.Reason.ShouldStartWith("its sources vote independently of the class, as people asked at random do (χ² ");
        loaded.Selection.Reason.ShouldContain("so they are read as annotators");
        log.ShouldContain(l => l.StartsWith("auto: its sources vote independently", StringComparison.Ordinal));
        loaded.PredictProbabilities(SharedSets.Split("dog", "test")).ShouldBe(model.PredictProbabilities(SharedSets.Split("dog", "test")));
    }

    [Theory]
    [InlineData("bluebird", 0.889)]
    [InlineData("rte", 0.931)]
    [InlineData("dog", 0.840)]
    public void Without_gold_it_reads_the_crowd_sets_as_annotators_and_reaches_the_published_best_figure_of_each(string set, double published)
    {
        // Given a crowd set whose sources are annotators (a missing answer is missing), fitted without its gold
        var matrix = SharedSets.CrowdMatrix(set);
        matrix.SourceKinds.ShouldAllBe(k => k == SourceKind.Annotator);

        // When
        var model = (AutoModel)new AutoTrainer().Fit(matrix.WithGold([]), FitContext.WithSeed(0));

        // Then it fits the crowd default and is at or above the best figure published for the set (its README)
        var (auto, mv) = (ExpectedAccuracy(model, matrix), MajorityVote(matrix, matrix));
        output.WriteLine($"{set}: auto {auto:F4} ({model.Choice}), mv {mv:F4}");
        model.Choice.Model.ShouldBe(EbccTrainer.ModelName);
        auto.ShouldBeGreaterThanOrEqualTo(published - 0.0005);
        auto.ShouldBeGreaterThan(mv);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void On_the_answers_of_one_or_two_people_it_takes_majority_vote_where_a_confusion_model_cannot_tell_them_apart(int people)
    {
        // Given the answers of bluebird's first one or two workers only (every worker answered every task)
        var full = SharedSets.CrowdMatrix("bluebird");
        var votes = new int[full.RowCount * people];
        for (var i = 0; i < full.RowCount; i++)
            for (var j = 0; j < people; j++) votes[i * people + j] = full[i, j];
        var matrix = LabelMatrix.Create(full.Schema, full.LfNames.Take(people).ToArray(), votes, [])
            .WithSourceKinds(Enumerable.Repeat(SourceKind.Annotator, people).ToArray());
        var log = new List<string>();

        // When auto fits without a dev split (its crowd default, ebcc, refuses fewer than three voting sources)
        var model = (AutoModel)new AutoTrainer().Fit(matrix, FitContext.WithSeed(0) with { Log = log.Add });

        // Then it is majority vote, says why, and labels as majority vote does
        model.Choice.Model.ShouldBe(MajorityVoteTrainer.ModelName);
        model.Selection.Reason.ShouldContain($"only {people} annotator");
        log.ShouldContain(l => l.Contains("too few for a model of each one's confusion", StringComparison.Ordinal));
        model.PredictProbabilities(matrix).ShouldBe(new MajorityVoteTrainer().Fit(matrix, FitContext.WithSeed(0)).PredictProbabilities(matrix));
    }

    [Theory]
    [InlineData("youtube", 0.864)]
    [InlineData("trec", 0.624)]
    [InlineData("tennis", 0.906)]
    public void With_the_valid_split_as_dev_it_reaches_the_best_Snorkel_figure_of_the_set_s_readme(string set, double snorkel)
    {
        var model = (AutoModel)new AutoTrainer().Fit(SharedSets.Split(set, "train"), FitContext.WithSeed(123) with { Dev = SharedSets.Split(set, "valid") });
        var auto = ExpectedAccuracy(model, SharedSets.Split(set, "test"));
        output.WriteLine($"{set}: auto {auto:F4} ({model.Choice}: {model.Selection.Reason})");
        auto.ShouldBeGreaterThanOrEqualTo(snorkel - 0.0005);
    }

    [Fact]
    public void With_a_dev_split_every_candidate_s_score_the_choice_and_the_reason_are_saved_and_loaded()
    {
        var train = Generated.Crowd(600, 12, 3, 4, 0.7, seed: 30).Matrix;
        var dev = Generated.Crowd(150, 12, 3, 4, 0.7, seed: 31).Matrix;
        var log = new List<string>();
        var model = (AutoModel)new AutoTrainer().Fit(train.WithGold([]), FitContext.WithSeed(1) with { Dev = dev, Log = log.Add });
        var selection = model.Selection;
        selection.Criterion.ShouldStartWith("dev expected-accuracy");
        selection.Candidates.Count.ShouldBeGreaterThan(AutoTrainer.GridLearningRates.Length * AutoTrainer.GridL2.Length * AutoTrainer.GridEpochs.Length);
        selection.Unsupervised.ShouldNotBeNull().Criterion.ShouldStartWith("held-out source agreement");
        log.ShouldContain(l => l.StartsWith("auto: chose ", StringComparison.Ordinal) && l.Contains(selection.Reason, StringComparison.Ordinal));

        using var folder = new TempFolder();
        ModelFile.Save(model, folder.File("auto.json"));
        var loaded = (AutoModel)ModelFile.Load(folder.File("auto.json"));
        loaded.Selection.ToJson().ToJsonString().ShouldBe(selection.ToJson().ToJsonString());
        loaded.PredictProbabilities(train).ShouldBe(model.PredictProbabilities(train));
    }

    [Fact]
    public void A_fit_with_its_candidates_keeps_each_candidate_s_model_and_the_dev_probabilities_it_was_scored_by()
    {
        // Given a generated crowd with a dev split
        var train = Generated.Crowd(300, 8, 3, 4, 0.7, seed: 30).Matrix.WithGold([]);
        var dev = Generated.Crowd(100, 8, 3, 4, 0.7, seed: 31).Matrix;

        // When auto is fitted with its candidates kept
        var record = new AutoTrainer().FitWithCandidates(train, FitContext.WithSeed(1) with { Dev = dev });

        // Then they are the candidates of its selection record, in order, each with the model and dev probabilities it was scored by
        var selection = record.Model.Selection;
        record.Candidates.Select(c => $"{c.Candidate} {c.Candidate.Score:R}").ShouldBe(selection.Candidates.Select(c => $"{c} {c.Score:R}"));
        record.Unsupervised.Name.ShouldBe(selection.Unsupervised!.Chosen.Model);
        // (wmv's and semi-supervised EM's dev probabilities are cross-fitted)
        foreach (var c in record.Candidates.Where(c => c.Model is not null && c.Candidate.Model != WeightedVoteTrainer.ModelName && !c.Candidate.Options.ContainsKey("dev-gold")))
            c.DevProbabilities.ShouldBe(c.Model!.PredictProbabilities(dev));
    }

    [Fact]
    public void With_a_dev_split_a_candidate_that_learns_its_prior_is_not_fitted_again_after_the_unsupervised_selection()
    {
        // Given a generated set of independent LFs with a dev split (suite seed 1, set 1), on which the unsupervised selection
        // chooses a model that learns its prior (Dawid–Skene)
        using var folder = new TempFolder();
        LfSuiteGenerator.Write(LfSuiteGenerator.Suite(1)[0], folder.Path);
        var train = WrenchFile.ReadMatrix(folder.File("train.json"));
        var dev = WrenchFile.ReadMatrix(folder.File("valid.json"));

        // When auto is fitted with its candidates kept
        var record = new AutoTrainer().FitWithCandidates(train, FitContext.WithSeed(1) with { Dev = dev });

        // Then the dev search scored that very fit as its learned-prior candidate
        var unsupervised = record.Model.Selection.Unsupervised!.Chosen;
        unsupervised.PriorSource.ShouldBe("learned");
        var scored = record.Candidates.Single(c => c.Candidate.Model == unsupervised.Model && c.Candidate.PriorSource == "learned"
            && c.Candidate.Options.OrderBy(o => o.Key).SequenceEqual(unsupervised.Options.OrderBy(o => o.Key)));
        scored.Model.ShouldBeSameAs(record.Unsupervised);
    }

    [Fact]
    public void Semi_supervised_candidates_are_scored_on_dev_rows_whose_gold_their_fit_did_not_see()
    {
        // Given crowd labels and a dev split whose gold labels were shuffled among its rows (so they say nothing about the votes)
        var train = Generated.Crowd(100, 60, 3, 3, 1, seed: 44).Matrix.WithGold([]);
        var dev = Generated.Crowd(200, 60, 3, 3, 1, seed: 45).Matrix;
        var random = new Random(46);
        var shuffled = dev.GoldLabels.ToArray();
        random.Shuffle(shuffled);
        var noise = dev.WithGold(shuffled);

        // When auto fits its candidates with it
        var record = new AutoTrainer().FitWithCandidates(train, FitContext.WithSeed(1) with { Dev = noise });

        // Then each semi-supervised Dawid–Skene candidate says so in its options and scores at chance on the dev split (cross-fitted),
        // while one with full confusion matrices, scored on the rows whose gold it saw, would score well above chance
        var semi = record.Candidates.Where(c => c.Candidate.Options.TryGetValue("dev-gold", out var use) && use == "clamp").ToArray();
        semi.Select(c => c.Candidate.Model).ShouldBe([DawidSkeneTrainer.ModelName, DawidSkeneTrainer.ModelName, DawidSkeneTrainer.ModelName]);
        foreach (var c in semi)
        {
            var seen = c.Model!.Score(noise).ExpectedAccuracy;
            output.WriteLine($"{c.Candidate}: cross-fitted {c.Candidate.Score:F4}, on the gold it saw {seen:F4}");
            c.Candidate.Score.ShouldBeLessThan(1.0 / 3 + 0.08);
            if (!c.Candidate.Options.ContainsKey("confusion")) seen.ShouldBeGreaterThan(c.Candidate.Score + 0.1);
        }
    }

    [Fact]
    public void Select_by_names_the_metric_and_log_loss_prefers_lower_scores()
    {
        var train = Generated.Crowd(600, 12, 3, 4, 0.7, seed: 32).Matrix.WithGold([]);
        var dev = Generated.Crowd(200, 12, 3, 4, 0.7, seed: 33).Matrix;
        var model = (AutoModel)new AutoTrainer(AutoOptions.From(new ModelOptions(new Dictionary<string, string> { ["select-by"] = "log-loss" })))
            .Fit(train, FitContext.WithSeed(1) with { Dev = dev });
        model.Selection.Criterion.ShouldStartWith("dev log-loss");
        model.Selection.HigherIsBetter.ShouldBeFalse();
        var scores = model.Selection.Candidates.Where(c => double.IsFinite(c.Score)).Select(c => c.Score).ToArray();
        if (!model.Selection.Reason.StartsWith("the unsupervised choice", StringComparison.Ordinal))
            model.Choice.Score.ShouldBe(scores.Min());
        Should.Throw<SnorkelerException>(() => AutoOptions.From(new ModelOptions(new Dictionary<string, string> { ["select-by"] = "f1" })))
            .Message.ShouldBe("--select-by expects expected-accuracy, accuracy, macro-f1 or log-loss, got 'f1'");
    }

    [Fact]
    public void A_dev_split_whose_labels_are_noise_does_not_move_it_from_the_unsupervised_choice()
    {
        // Given a dev split of 40 rows whose gold labels were drawn at random
        var train = Generated.Crowd(1500, 20, 2, 5, 1, seed: 34).Matrix.WithGold([]);
        var dev = Generated.Crowd(40, 20, 2, 5, 1, seed: 35).Matrix;
        var random = new Random(36);
        var noise = dev.WithGold(Enumerable.Range(0, dev.RowCount).Select(_ => random.Next(2)).ToArray());

        // When auto selects with it
        var model = (AutoModel)new AutoTrainer().Fit(train, FitContext.WithSeed(1) with { Dev = noise });

        // Then it keeps the choice it makes without a dev split
        output.WriteLine(model.Selection.Reason);
        model.Selection.Reason.ShouldStartWith("the unsupervised choice");
        model.Choice.Model.ShouldBe(model.Selection.Unsupervised!.Chosen.Model);
    }

    // A generated set written and read back, and auto's selection on its train split with its valid split as the dev split (seed 0).
    private static (LabelMatrix Train, LabelMatrix Test, AutoTrainer.FitRecord Record) SelectedWithDev(LfSetSpec spec)
    {
        using var folder = new TempFolder();
        LfSuiteGenerator.Write(spec, folder.Path);
        var train = WrenchFile.ReadMatrix(folder.File("train.json"));
        var dev = WrenchFile.ReadMatrix(folder.File("valid.json"));
        var test = WrenchFile.ReadMatrix(folder.File("test.json"));
        return (train, test, new AutoTrainer().FitWithCandidates(train, FitContext.WithSeed(0) with { Dev = dev }));
    }

    [Fact]
    public void With_a_dev_split_a_dev_best_that_leads_in_labels_but_has_worse_dev_probabilities_does_not_replace_the_unsupervised_choice()
    {
        // Given a generated set with copies of one LF and an LF firing on subsets of others' rows (lf-suite seed 241, set 4) and
        // its 200-row dev split, where weighted majority vote with dev accuracies names 6 more dev rows right than the
        // unsupervised choice (Dawid–Skene), more than one paired standard error, with a higher dev log-loss

        // When auto selects with it
        var (train, test, record) = SelectedWithDev(LfSuiteGenerator.Suite(241)[3]);

        // Then the unsupervised choice is kept and the reason names the dev log-loss; on test the kept model is the better one
        var model = record.Model;
        var devBest = record.Candidates.Where(c => c.Model is not null && c.DevProbabilities is not null).MaxBy(c => c.Candidate.Score)!;
        var (kept, best) = (ExpectedAccuracy(model, test), ExpectedAccuracy(devBest.Model!, test));
        output.WriteLine($"{model.Selection.Reason}; test: kept {kept:F4}, dev-best {best:F4}, majority vote {MajorityVote(train, test):F4}");
        model.Selection.Reason.ShouldStartWith("the unsupervised choice");
        model.Selection.Reason.ShouldContain("more than one paired standard error");
        model.Selection.Reason.ShouldContain("but its dev log-loss is higher");
        model.Choice.Model.ShouldBe(model.Selection.Unsupervised!.Chosen.Model);
        kept.ShouldBeGreaterThan(best);
    }

    [Fact]
    public void With_a_dev_split_a_dev_best_that_leads_by_more_than_two_errors_replaces_the_unsupervised_choice_when_its_higher_log_loss_is_within_its_error()
    {
        // Given a generated set of sparse single-class LFs over 6 classes (lf-suite seed 3902, set 2) and its 200-row dev split,
        // where weighted majority vote with dev accuracies names 12 more dev rows right than the unsupervised choice (2.1
        // paired standard errors) with a dev log-loss 0.022 higher, less than that difference's own paired standard error

        // When auto selects with it
        var (train, test, record) = SelectedWithDev(LfSuiteGenerator.Suite(3902)[1]);

        // Then the dev-best is taken, the reason says why its higher log-loss did not keep it out, and on test it is the better one
        var model = record.Model;
        var (taken, unsupervised) = (ExpectedAccuracy(model, test), ExpectedAccuracy(record.Unsupervised, test));
        output.WriteLine($"{model.Selection.Reason}; test: taken {taken:F4}, unsupervised choice {unsupervised:F4}, majority vote {MajorityVote(train, test):F4}");
        model.Selection.Reason.ShouldStartWith("best dev expected-accuracy");
        model.Selection.Reason.ShouldContain("its dev log-loss is higher");
        model.Selection.Reason.ShouldContain("the lead is more than two errors");
        model.Choice.Model.ShouldNotBe(model.Selection.Unsupervised!.Chosen.Model);
        taken.ShouldBeGreaterThan(unsupervised + 0.02);
    }

    [Fact]
    public void With_a_dev_split_that_has_no_row_of_a_class_its_class_balance_is_not_tried_as_a_prior_and_a_warning_names_the_class()
    {
        // Given YouTube's train split and a dev split of 8 rows, all spam (valid's first 8 spam rows; the others' gold removed)
        var train = SharedSets.Split("youtube", "train");
        var test = SharedSets.Split("youtube", "test");
        var valid = SharedSets.Split("youtube", "valid");
        var gold = valid.GoldLabels.ToArray();
        var spam = train.Schema.LabelOf("SPAM")!.Value;
        var kept = Enumerable.Range(0, gold.Length).Where(i => gold[i] == spam).Take(8).ToHashSet();
        var dev = valid.WithGold(gold.Select((g, i) => kept.Contains(i) ? g : -1).ToArray());
        var warnings = new List<string>();

        // When auto selects with it
        var record = new AutoTrainer().FitWithCandidates(train, FitContext.WithSeed(0) with { Dev = dev, Warn = warnings.Add });

        // Then no candidate is fitted with the dev split's balance (all spam: labelling every row spam looked perfect on it and
        // took auto to 0.656 on test), the user is told why, and the choice is above the unsupervised one on test
        var (chosen, unsupervised) = (ExpectedAccuracy(record.Model, test), ExpectedAccuracy(record.Unsupervised, test));
        output.WriteLine($"{string.Join("; ", warnings)}; {record.Model.Selection.Reason}; test: {chosen:F4}, unsupervised choice {unsupervised:F4}");
        warnings.ShouldHaveSingleItem().ShouldContain("has no row of class HAM (8 rows with gold)");
        record.Model.Selection.Candidates.ShouldNotContain(c => c.PriorSource == "dev");
        chosen.ShouldBeGreaterThanOrEqualTo(unsupervised);
    }

    [Fact]
    public void With_a_dev_split_of_one_row_it_keeps_the_unsupervised_choice_and_scores_no_candidate_on_gold_its_fit_saw()
    {
        // Given YouTube's train split and a dev split with the gold of one row only, a row every LF abstains on
        var train = SharedSets.Split("youtube", "train");
        var valid = SharedSets.Split("youtube", "valid");
        var dense = valid.ToDense();
        var silent = Enumerable.Range(0, valid.RowCount).First(i => Enumerable.Range(0, valid.LfCount).All(j => dense[i, j] < 0));
        var dev = valid.WithGold(valid.GoldLabels.ToArray().Select((g, i) => i == silent ? g : -1).ToArray());

        // When auto selects with it
        var record = new AutoTrainer().FitWithCandidates(train, FitContext.WithSeed(0) with { Dev = dev });

        // Then the semi-supervised candidates are not scored (out of fold, no gold would be left to fit with; fitted with it, the
        // row's own gold named its class: a perfect score that took auto to 0.300 on test), no lead on one row counts as evidence,
        // and the unsupervised choice is kept
        output.WriteLine(record.Model.Selection.Reason);
        var semi = record.Candidates.Where(c => c.Candidate.Options.ContainsKey("dev-gold")).ToArray();
        semi.ShouldNotBeEmpty();
        semi.ShouldAllBe(c => double.IsNaN(c.Candidate.Score) && c.Candidate.Note!.Contains("out of fold"));
        record.Model.Selection.Reason.ShouldStartWith("the unsupervised choice");
        record.Model.Selection.Reason.ShouldContain("none can be measured on 1 dev row");
        var test = SharedSets.Split("youtube", "test");
        record.Model.PredictProbabilities(test).ShouldBe(record.Unsupervised.PredictProbabilities(test));
    }

    [Fact]
    public void With_a_dev_split_candidates_tied_on_it_go_to_the_lowest_dev_log_loss_not_to_the_first_in_the_list()
    {
        // Given a generated set of sparse single-class LFs and a dev split of 50 rows (suite seed 4, set 16), where over a hundred
        // candidates tie on dev expected accuracy and the first of them, in the list's order, has a higher dev log-loss
        using var folder = new TempFolder();
        var spec = LfSuiteGenerator.Suite(4, validRows: 50)[15];
        LfSuiteGenerator.Write(spec, folder.Path);
        var train = WrenchFile.ReadMatrix(folder.File("train.json"));
        var dev = WrenchFile.ReadMatrix(folder.File("valid.json"));
        var test = WrenchFile.ReadMatrix(folder.File("test.json"));

        // When auto selects with it
        var record = new AutoTrainer().FitWithCandidates(train, FitContext.WithSeed(0) with { Dev = dev });

        // Then the dev-best is the candidate with the lowest dev log-loss of those tied on the best dev score (chosen, or named as
        // the dev-best when the unsupervised choice is kept), and the labels are not below majority vote.
        // The log-loss of the dev probabilities auto scores: cross-fitted for the semi-supervised candidates, whose final model
        // saw every dev row's gold (its own dev log-loss is optimistic).
        var gold = dev.GoldLabels.ToArray();
        var rows = Enumerable.Range(0, dev.RowCount).ToArray();
        double LogLoss(AutoTrainer.Scored c) => -AutoTrainer.RowScores(c.DevProbabilities!, gold, rows, dev.Schema.Cardinality, AutoMetric.LogLoss).Average();
        var scored = record.Candidates.Where(c => c.DevProbabilities is not null).ToList();
        var top = scored.Max(c => c.Candidate.Score);
        var tied = scored.Where(c => Math.Abs(c.Candidate.Score - top) <= 1e-12).ToList();
        var lowest = tied.MinBy(LogLoss)!;
        output.WriteLine($"{spec.Name}: {tied.Count} tied at {top:F4}; lowest dev log-loss {lowest.Candidate} ({LogLoss(lowest):F4}); first tied {tied[0].Candidate} ({LogLoss(tied[0]):F4}); {record.Model.Selection.Reason}");
        tied.Count.ShouldBeGreaterThan(1);
        LogLoss(lowest).ShouldBeLessThan(LogLoss(tied[0]));
        if (record.Candidates.Any(c => ReferenceEquals(c.Candidate, record.Model.Choice)))
            record.Model.Choice.ShouldBeSameAs(lowest.Candidate);
        else
            record.Model.Selection.Reason.ShouldContain($"the dev-best ({lowest.Candidate}, ");
        ExpectedAccuracy(record.Model, test).ShouldBeGreaterThanOrEqualTo(MajorityVote(train, test));
    }

    [Fact]
    public void Held_out_agreement_ranks_models_as_their_accuracy_does_on_crowd_labels_from_the_Dawid_Skene_model()
    {
        // Given crowd labels where a quarter of the workers guess at random, majority vote is clearly worse than a model of
        // the workers (the columns, read as LFs, are recognised as people: majority vote and Dawid–Skene compete)
        var set = Generated.Crowd(1500, 30, 3, 5, 0.8, seed: 37);
        var model = (AutoModel)new AutoTrainer().Fit(set.Matrix.WithGold([]), FitContext.WithSeed(1));
        var mv = model.Selection.Candidates.Single(c => c.Model == "mv");
        var crowd = model.Selection.Candidates.Single(c => c.Model == DawidSkeneTrainer.ModelName);
        crowd.Score.ShouldBeGreaterThan(mv.Score);
        model.Choice.Model.ShouldNotBe("mv");
        ExpectedAccuracy(model, set.Matrix).ShouldBeGreaterThan(MajorityVote(set.Matrix, set.Matrix));
    }

    [Fact]
    public void An_old_model_file_with_dev_expected_accuracy_scores_still_loads()
    {
        var inner = new MajorityVoteTrainer().Fit(Some.Synthetic(50, 3, 2, seed: 1), FitContext.WithSeed(1));
        var parameters = new JsonObject
        {
            ["chosen"] = new JsonObject { ["model"] = "mv", ["options"] = new JsonObject(), ["prior"] = "uniform", ["dev_expected_accuracy"] = 0.75 },
            ["candidates"] = new JsonArray(new JsonObject { ["model"] = "mv", ["options"] = new JsonObject(), ["prior"] = "uniform", ["dev_expected_accuracy"] = 0.75 }),
            ["parameters"] = inner.SaveParameters(),
        };
        var model = (AutoModel)LabelModelCatalog.Get("auto").Load(inner.Schema, inner.LfNames, inner.ClassPrior, parameters);
        model.Choice.Score.ShouldBe(0.75);
        model.Selection.Candidates.Count.ShouldBe(1);
    }

    [Fact]
    public void One_snorkel_trajectory_gives_the_models_of_separate_fits_of_each_epoch_count()
    {
        var train = SharedSets.Split("youtube", "train");
        var stats = SufficientStatistics.Compute(train);
        var prior = ClassPrior.Uniform(2);
        var trajectory = new SnorkelTrainer(new SnorkelOptions { Epochs = 500, LearningRate = 0.01 }).FitTrajectory(stats, FitContext.WithSeed(123), prior, [100, 500]);
        trajectory.Count.ShouldBe(2);
        var separate100 = new SnorkelTrainer(new SnorkelOptions { Epochs = 100 }).Fit(stats, FitContext.WithSeed(123));
        var separate500 = new SnorkelTrainer(new SnorkelOptions { Epochs = 500 }).Fit(stats, FitContext.WithSeed(123));
        trajectory[0].SaveParameters().ToJsonString().ShouldBe(separate100.SaveParameters().ToJsonString());
        trajectory[1].SaveParameters().ToJsonString().ShouldBe(separate500.SaveParameters().ToJsonString());
    }

    [Theory]
    [InlineData(2, 0)]
    [InlineData(3, 1)]
    [InlineData(4, 2)]
    [InlineData(5, 0)]
    [InlineData(8, 3)]
    [InlineData(10, 1)]
    [InlineData(13, 2)]
    [InlineData(17, 0)]
    public void The_fast_snorkel_gradient_gives_the_plain_loops_parameters_to_the_bit(int k, int dependentPairs)
    {
        // Given sparse and dense votes of k classes (vector widths padded, and past the vector path at 17 classes), from LFs of
        // every class and from LFs that only ever vote one class (whose other rows the fast gradient skips)
        var dense = Some.Synthetic(400, 12, k, seed: k, coverage: k % 2 == 0 ? 0.3 : 0.8);
        var votes = new int[400 * 12];
        for (var i = 0; i < 400; i++)
        for (var j = 0; j < 12; j++)
            votes[i * 12 + j] = dense[i, j] == j % k || j >= 8 ? dense[i, j] : -1;
        var train = LabelMatrix.Create(LabelSchema.Numbered(k), dense.LfNames, votes, []);
        var stats = SufficientStatistics.Compute(train);
        var prior = Enumerable.Range(1, k).Select(c => 2.0 * c / (k * (k + 1))).ToArray();
        (int, int)[] masked = [.. Enumerable.Range(0, dependentPairs).Select(x => (x, x + 5))];
        var options = new SnorkelOptions { Epochs = 300, LearningRate = 0.01, L2 = 0.1 };

        // When the same trajectory runs with the fast gradient and with the plain loops over every row
        var fast = new SnorkelTrainer(options).FitTrajectory(stats, FitContext.WithSeed(3), prior, [50, 300], masked);
        var plain = new SnorkelTrainer(options).FitTrajectory(stats, FitContext.WithSeed(3), prior, [50, 300], masked, plain: true);

        // Then every parameter is the same double
        for (var x = 0; x < 2; x++)
            fast[x].SaveParameters().ToJsonString().ShouldBe(plain[x].SaveParameters().ToJsonString());
    }

    [Fact]
    public void Runs_side_by_side_return_in_order_and_rethrow_the_first_failure_unwrapped()
    {
        InParallel.Map(100, CancellationToken.None, i => i * i).ShouldBe(Enumerable.Range(0, 100).Select(i => i * i).ToArray());
        var failure = Should.Throw<SnorkelerException>(() => InParallel.Map(50, CancellationToken.None, i =>
        {
            if (i % 7 == 3) throw new SnorkelerException($"run {i} failed");
            Thread.Sleep(50 - i);
            return i;
        }));
        failure.Message.ShouldBe("run 3 failed");
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Should.Throw<OperationCanceledException>(() => InParallel.Map(10, cancelled.Token, i => i));
    }

    [Fact]
    public void Auto_lets_go_of_every_candidate_fit_but_majority_votes_and_the_best_so_far()
    {
        // Given four scored candidates, majority vote first, and their fits
        var train = Some.Synthetic(200, 5, 3, seed: 1);
        var fits = Enumerable.Range(0, 5).Select(_ => (ILabelModel?)new MajorityVoteTrainer().Fit(train, FitContext.WithSeed(1))).ToList();
        var held = fits.ToArray();
        var candidates = new[] { 0.10, 0.30, double.NaN, 0.30, 0.20 }
            .Select(score => new AutoCandidate("mv", new Dictionary<string, string>(), "none", score)).ToArray();

        // When the fits that can no longer be chosen are let go
        AutoTrainer.LetGoBeaten(fits, candidates);

        // Then majority vote's and the leader's are held (ties to the earlier, as the choice), the others are not
        fits[0].ShouldBeSameAs(held[0]);
        fits[1].ShouldBeSameAs(held[1]);
        fits.Skip(2).ShouldAllBe(f => f == null);
    }

    [Fact]
    public void Auto_holds_moment_statistics_only_while_a_later_candidate_reads_them_and_fits_the_same_either_way()
    {
        // Given a matrix and flyingsquid, which fits from its moment statistics
        var train = Some.Synthetic(500, 6, 3, seed: 2);
        var trainer = new FlyingSquidTrainer();
        var context = FitContext.WithSeed(1) with { Prior = ClassPrior.Uniform(3) };
        var cache = new AutoTrainer.StatisticsCache();

        // When it is fitted for a later candidate, again, and for the last one
        var first = cache.Fit(trainer, train, context, keep: true);
        var heldBetween = cache.Held;
        var second = cache.Fit(trainer, train, context, keep: true);
        var last = cache.Fit(trainer, train, context, keep: false);

        // Then the statistics were held between the fits and let go after the last, and every fit is the same
        heldBetween.ShouldBe(1);
        cache.Held.ShouldBe(0);
        second.PredictProbabilities(train).ShouldBe(first.PredictProbabilities(train));
        last.PredictProbabilities(train).ShouldBe(first.PredictProbabilities(train));
        cache.Fit(trainer, train, context, keep: false).PredictProbabilities(train).ShouldBe(first.PredictProbabilities(train));
        cache.Held.ShouldBe(0);
    }
}
