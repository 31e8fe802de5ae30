using Snorkeler.Data;
using Snorkeler.LabelModels.Tests.Support;

namespace Snorkeler.LabelModels.Tests;

/// <summary>IBCC, MACE and GLAD on crowds generated from known worker models.</summary>
public sealed class CrowdModelTests
{
    private static double Accuracy(ILabelModel model, LabelMatrix matrix) => model.Score(matrix).ExpectedAccuracy;

    private static double MajorityVote(LabelMatrix matrix) => Accuracy(new MajorityVoteTrainer().Fit(matrix, FitContext.WithSeed(0)), matrix);

    [Theory]
    [InlineData(IbccTrainer.ModelName, "ibcc: 1 distinct row, 3 votes; best of ")]
    [InlineData(MaceTrainer.ModelName, "mace: 1 distinct row, 3 votes; best of ")]
    [InlineData(GladTrainer.ModelName, "glad: 1 distinct row, 3 votes; best of ")]
    [InlineData(EbccTrainer.ModelName, "ebcc: 1 distinct vote pattern in 1 row; best of ")]
    [InlineData(DawidSkeneTrainer.ModelName, "1 distinct vote pattern in 1 row; ")]
    public void The_fit_s_status_line_counts_one_row_in_the_singular(string model, string expected)
    {
        // Given one row three sources voted on
        var matrix = Some.Matrix(2, [[0, 0, 1]]);
        var log = new List<string>();

        // When
        LabelModelCatalog.Get(model).CreateTrainer(ModelOptions.Defaults).Fit(matrix, FitContext.WithSeed(0) with { Log = log.Add });

        // Then (it was "1 distinct rows", "1 distinct vote patterns in 1 rows")
        log.ShouldContain(l => l.Contains(expected, StringComparison.Ordinal), string.Join("\n", log));
        log.ShouldAllBe(l => !l.Contains(" 1 restarts", StringComparison.Ordinal) && !l.Contains(" 1 iterations", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(IbccTrainer.ModelName, 1)]
    [InlineData(IbccTrainer.ModelName, 2)]
    [InlineData(EbccTrainer.ModelName, 1)]
    [InlineData(EbccTrainer.ModelName, 2)]
    public void A_confusion_model_refuses_a_matrix_where_fewer_than_three_sources_vote_and_auto_fits_it_without_them(string model, int voting)
    {
        // Given: YouTube's train split with only its first LFs left voting (the others abstain everywhere)
        var split = WrenchFile.ReadMatrix(TestPaths.YouTubeFile("train.json"));
        var votes = new int[split.RowCount, split.LfCount];
        for (var i = 0; i < split.RowCount; i++)
            for (var j = 0; j < split.LfCount; j++) votes[i, j] = j < voting ? split[i, j] : LabelSchema.Abstain;
        var matrix = LabelMatrix.Create(split.Schema, split.LfNames, votes, split.GoldLabels);

        // When
        var error = Should.Throw<SnorkelerException>(() => LabelModelCatalog.Get(model).CreateTrainer(ModelOptions.Defaults).Fit(matrix, FitContext.WithSeed(0)));
        var auto = new AutoTrainer().Fit(matrix, FitContext.WithSeed(0));

        // Then: the model says why (it labelled every row with one class before), and auto still labels the rows
        error.Message.ShouldStartWith($"{model}: only 'lf_0' {(voting == 1 ? "votes" : "and 'lf_1' vote")} on this matrix");
        error.Message.ShouldEndWith("(use mv or dawid-skene)");
        Accuracy(auto, matrix).ShouldBeGreaterThanOrEqualTo(MajorityVote(matrix) - 0.005);
    }

    [Theory]
    [InlineData(IbccTrainer.ModelName)]
    [InlineData(MaceTrainer.ModelName)]
    [InlineData(AutoTrainer.ModelName)]
    public void The_Bayesian_models_beat_majority_vote_across_varied_generated_crowds(string model)
    {
        // Given ten crowds: confusion matrices, one-coin workers, spammers, skewed activity, skewed and many classes
        // (the suite's weak crowd, three answers a task from workers barely better than chance, is left out: there no
        // model beats majority vote reliably, as docs/annotators.md says)
        var gains = new List<double>();
        foreach (var spec in Crowds.Suite(seed: 40).Where(s => !s.IsWeak))
        {
            var matrix = Crowds.Generate(spec);

            // When
            var fitted = LabelModelCatalog.Get(model).CreateTrainer(ModelOptions.Defaults).Fit(matrix, FitContext.WithSeed(1));

            // Then
            Some.CheckedProbabilities(fitted, matrix);
            gains.Add(Accuracy(fitted, matrix) - MajorityVote(matrix));
        }
        gains.Average().ShouldBeGreaterThan(0.015, string.Join(", ", gains.Select(g => g.ToString("F3"))));
        gains.Min().ShouldBeGreaterThan(-0.03, string.Join(", ", gains.Select(g => g.ToString("F3"))));
    }

    [Fact]
    public void IBCC_recovers_worker_confusion_matrices_of_a_generated_crowd()
    {
        // Given 60 workers with known accuracies, 1,500 tasks, 6 answers each
        var spec = new CrowdSpec { Tasks = 1500, Workers = 60, Classes = 3, AnswersPerTask = 6, Model = WorkerModel.OneCoin, Seed = 5 };
        var matrix = Crowds.Generate(spec);

        // When
        var model = new IbccTrainer().FitModel(matrix, FitContext.WithSeed(2));

        // Then the estimated accuracy of each worker is close to its empirical accuracy against the truth
        var errors = new List<double>();
        for (var j = 0; j < 60; j++)
        {
            double right = 0, total = 0;
            for (var i = 0; i < matrix.RowCount; i++)
            {
                var v = matrix[i, j];
                if (v < 0) continue;
                total++;
                if (v == matrix.Gold(i)) right++;
            }
            var estimated = Enumerable.Range(0, 3).Average(c => model.Confusion(j, c, c));
            errors.Add(Math.Abs(estimated - right / total));
        }
        errors.Average().ShouldBeLessThan(0.06);
        model.Evidence.ShouldBeLessThan(0);
    }

    [Fact]
    public void MACE_gives_spammers_low_competence()
    {
        // Given a crowd where a fifth of the workers answer at random and a tenth always answer the same class
        var spec = new CrowdSpec { Tasks = 1200, Workers = 50, Classes = 3, AnswersPerTask = 6, RandomSpammers = 0.2, ConstantSpammers = 0.1, AccuracyLow = 0.75, Seed = 9 };
        var matrix = Crowds.Generate(spec);
        var empirical = Enumerable.Range(0, 50).Select(j =>
        {
            double right = 0, total = 0;
            for (var i = 0; i < matrix.RowCount; i++)
                if (matrix[i, j] >= 0) { total++; if (matrix[i, j] == matrix.Gold(i)) right++; }
            return right / total;
        }).ToArray();

        // When
        var model = new MaceTrainer().FitModel(matrix, FitContext.WithSeed(3));

        // Then workers near chance (spammers) have the lowest competence, the careful ones the highest
        var spammers = Enumerable.Range(0, 50).Where(j => empirical[j] < 0.45).ToArray();
        var careful = Enumerable.Range(0, 50).Where(j => empirical[j] > 0.75).ToArray();
        spammers.Length.ShouldBeGreaterThan(5);
        spammers.Max(model.Competence).ShouldBeLessThan(careful.Min(model.Competence));
    }

    [Fact]
    public void GLAD_beats_majority_vote_when_tasks_differ_in_difficulty()
    {
        var matrix = Crowds.Generate(new CrowdSpec { Tasks = 1500, Workers = 40, Classes = 2, AnswersPerTask = 7, Model = WorkerModel.Difficulty, AccuracyLow = 0.5, AccuracyHigh = 0.95, Seed = 21 });

        var model = new GladTrainer().FitModel(matrix, FitContext.WithSeed(4));

        Accuracy(model, matrix).ShouldBeGreaterThan(MajorityVote(matrix) + 0.01);
        Some.CheckedProbabilities(model, matrix);
    }

    [Theory]
    [InlineData(IbccTrainer.ModelName)]
    [InlineData(MaceTrainer.ModelName)]
    public void Restarts_are_seeded_so_a_fit_is_the_same_every_time_and_keeps_the_best_objective(string model)
    {
        var matrix = Crowds.Generate(new CrowdSpec { Tasks = 300, Workers = 30, Classes = 3, Seed = 8 });
        var trainer = LabelModelCatalog.Get(model).CreateTrainer(new ModelOptions(new Dictionary<string, string> { ["restarts"] = "4" }));
        var single = LabelModelCatalog.Get(model).CreateTrainer(new ModelOptions(new Dictionary<string, string> { ["restarts"] = "1" }));

        var first = (IEvidenceModel)trainer.Fit(matrix, FitContext.WithSeed(5));
        var second = (IEvidenceModel)trainer.Fit(matrix, FitContext.WithSeed(5));
        var one = (IEvidenceModel)single.Fit(matrix, FitContext.WithSeed(5));

        first.PredictProbabilities(matrix).ShouldBe(second.PredictProbabilities(matrix));
        first.Evidence.ShouldBe(second.Evidence);
        first.Evidence.ShouldBeGreaterThanOrEqualTo(one.Evidence);
    }

    [Theory]
    [InlineData(new[] { 1.0, 2, 3, 4, 5, 6 }, 5)]
    [InlineData(new[] { 1.0, 3, 2, 3, 1 }, 1)]
    [InlineData(new[] { 2.0, 1, 2, double.NaN, 2 }, 0)]
    [InlineData(new[] { double.NaN, 1, 2, 3, 4 }, 0)]
    [InlineData(new[] { 1.0, double.NaN, 0, 1.5, double.NaN, 1.5 }, 3)]
    public void Restarts_too_large_to_run_side_by_side_hold_only_restart_0_and_the_best_so_far(double[] scores, int chosen)
    {
        // Given restarts whose working memory forbids running two at once, each finding its score above
        var finished = new List<WeakReference<double[]>>();
        var mostHeld = 0;
        double[] Run(int restart)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            lock (finished)
            {
                mostHeld = Math.Max(mostHeld, finished.Count(f => f.TryGetTarget(out _)));
                var result = new[] { scores[restart], restart };
                finished.Add(new WeakReference<double[]>(result));
                return result;
            }
        }

        // When the best of them is kept
        var best = Crowd.CrowdFit.BestOf(scores.Length, FitContext.WithSeed(0), rows: 10, Run, r => r[0], bytesPerRestart: long.MaxValue);

        // Then it is the first of the highest scores (restart 0 unless strictly beaten; a NaN never wins), and no restart
        // started while more than two finished ones were still held
        best[1].ShouldBe(chosen);
        mostHeld.ShouldBeLessThanOrEqualTo(2);
    }

    [Fact]
    public void Missing_answers_of_annotators_are_not_read_as_abstains()
    {
        // Given a sparse crowd (800 workers, most with a handful of answers, 4 classes), once as annotators and once
        // wrongly as LFs, whose no-vote would be an abstain they chose on every task they were never shown
        var crowd = Crowds.Generate(new CrowdSpec { Tasks = 1000, Workers = 800, Classes = 4, AnswersPerTask = 4, ActivitySkew = 1, Seed = 3 });
        var asLfs = crowd.WithSourceKinds(new SourceKind[crowd.LfCount]);

        // When
        var right = new IbccTrainer().Fit(crowd, FitContext.WithSeed(1));
        var wrong = new IbccTrainer().Fit(asLfs, FitContext.WithSeed(1));

        // Then read as LFs the model learns who saw what and collapses; read as annotators it beats majority vote
        Accuracy(right, crowd).ShouldBeGreaterThan(MajorityVote(crowd));
        Accuracy(wrong, asLfs).ShouldBeLessThan(Accuracy(right, crowd) - 0.3);
    }

    [Theory]
    [InlineData(null, 5_000, 5)]
    [InlineData(null, 100_000, 5)]
    [InlineData(null, 250_000, 2)]
    [InlineData(null, 6_000_000, 1)]
    [InlineData(3, 6_000_000, 3)]
    public void Default_restarts_are_cut_in_proportion_beyond_100000_answers_and_given_ones_are_kept(int? given, double answers, int expected)
        => Crowd.CrowdFit.Restarts(given, IbccOptions.DefaultRestarts, answers).ShouldBe(expected);

    [Fact]
    public void Restarts_auto_is_read_from_the_command_line_and_written_back()
    {
        IbccOptions.From(new ModelOptions(new Dictionary<string, string> { ["restarts"] = "auto" })).Restarts.ShouldBeNull();
        IbccOptions.From(new ModelOptions(new Dictionary<string, string> { ["restarts"] = "7" })).Restarts.ShouldBe(7);
        new EbccOptions().ToOptionValues()["restarts"].ShouldBe("auto");
        Should.Throw<SnorkelerException>(() => MaceOptions.From(new ModelOptions(new Dictionary<string, string> { ["restarts"] = "0" })));
    }

    [Fact]
    public void EBCC_over_many_rows_runs_its_passes_in_stripes_and_gives_the_same_fit_every_time()
    {
        // Given 20,000 tasks (more than two stripes of rows)
        var matrix = Crowds.Generate(new CrowdSpec { Tasks = 20_000, Workers = 40, AnswersPerTask = 3, Seed = 21 });
        var trainer = new EbccTrainer(new EbccOptions { Restarts = 1, Subtypes = 2 });

        // When
        var first = trainer.Fit(matrix, FitContext.WithSeed(4));
        var second = trainer.Fit(matrix, FitContext.WithSeed(4));

        // Then
        Crowd.Stripes.Count(20_000, 40 * 2 * 4).ShouldBeGreaterThan(1);
        first.PredictProbabilities(matrix).ShouldBe(second.PredictProbabilities(matrix));
        Accuracy(first, matrix).ShouldBeGreaterThan(MajorityVote(matrix));
    }

    [Fact]
    public void EBCC_stops_when_its_ELBO_settles_and_saves_the_bound_it_reached()
    {
        // Given a crowd, and the label-change rule turned off (--tol 0)
        var matrix = Crowds.Generate(new CrowdSpec { Tasks = 1_500, Workers = 40, Classes = 3, AnswersPerTask = 4, Seed = 22 });
        EbccModel Fit(double elboTolerance, int cap) => (EbccModel)new EbccTrainer(new EbccOptions { Restarts = 1, Tolerance = 0, ElboTolerance = elboTolerance, MaxIterations = cap })
            .Fit(matrix, FitContext.WithSeed(5));

        // When the ELBO rule is on, and when it is off too
        var settled = Fit(1e-6, 500);
        var capped = Fit(0, 20);

        // Then the ELBO rule stops the fit before the cap and the bound is saved; with both rules off it runs to the cap
        settled.FitInfo!.Converged.ShouldBeTrue();
        settled.FitInfo.Iterations.ShouldBeLessThan(500);
        settled.FitInfo.Objective.ShouldBe(settled.Evidence);
        capped.FitInfo!.Converged.ShouldBeFalse();
        capped.FitInfo.Iterations.ShouldBe(20);
        // (coordinate ascent: more iterations from the same start never lower the bound)
        if (settled.FitInfo.Iterations > 20) settled.Evidence.ShouldBeGreaterThanOrEqualTo(capped.Evidence - 1e-6 * Math.Abs(capped.Evidence));
        Accuracy(settled, matrix).ShouldBeGreaterThan(MajorityVote(matrix));
    }

    [Fact]
    public void EBCC_with_a_few_gold_rows_clamped_recovers_the_confusion_matrices_better_than_without_them()
    {
        var (unsupervisedErrors, semiErrors) = (new List<double>(), new List<double>());
        var options = new EbccOptions { Subtypes = 1, Restarts = 2 };
        foreach (var seed in new[] { 48, 49, 50, 51 })
        {
            // Given sparse crowd labels from the Dawid–Skene model (3 answers a task from 30 workers, 3 classes), 50 of 300 tasks with gold
            var set = Generated.Crowd(300, 30, 3, 3, skew: 0.7, seed: seed);
            var train = set.Matrix.Slice(0, 250).WithGold([]);
            var dev = set.Matrix.Slice(250, 50);

            // When EBCC is fitted on the training rows alone, and with the dev rows clamped to their gold class
            var unsupervised = (EbccModel)new EbccTrainer(options).Fit(train, FitContext.WithSeed(1));
            var semi = (EbccModel)new EbccTrainer(options with { DevGold = DevGoldUse.Clamp }).Fit(train, FitContext.WithSeed(1) with { Dev = dev });
            semi.FitInfo!.Converged.ShouldBeTrue();
            unsupervisedErrors.Add(set.ConfusionError(unsupervised.Confusion));
            semiErrors.Add(set.ConfusionError(semi.Confusion));
        }

        // Then the semi-supervised confusion matrices are closer to the true ones on every draw
        Console.WriteLine($"EBCC {string.Join(", ", unsupervisedErrors.Select(e => e.ToString("F4")))}; semi {string.Join(", ", semiErrors.Select(e => e.ToString("F4")))}");
        for (var x = 0; x < semiErrors.Count; x++) semiErrors[x].ShouldBeLessThan(unsupervisedErrors[x]);

    }
}
