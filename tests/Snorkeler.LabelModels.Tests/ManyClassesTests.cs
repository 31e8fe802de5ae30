using System.Text.Json.Nodes;
using Snorkeler.LabelModels.Tests.Support;

namespace Snorkeler.LabelModels.Tests;

/// <summary>Label models over fine-grained taxonomies: hundreds of classes, each source voting a few of them.</summary>
public sealed class ManyClassesTests
{
    /// <summary>
    /// <paramref name="rows"/> rows of <paramref name="k"/> classes (uniform) and <paramref name="m"/> sources, source j voting
    /// the classes 3j, 3j + 1 and 3j + 2 (mod k): on 60 % of those classes' rows, right 80 % of the time, else another of its three.
    /// </summary>
    private static LabelMatrix FewClassesEach(int rows, int m, int k, int seed)
    {
        var random = new Random(seed);
        var votes = new int[rows * m];
        var gold = new int[rows];
        for (var i = 0; i < rows; i++)
        {
            var y = gold[i] = random.Next(k);
            for (var j = 0; j < m; j++)
            {
                var own = Enumerable.Range(0, 3).Select(x => (3 * j + x) % k).ToArray();
                votes[i * m + j] = Array.IndexOf(own, y) >= 0 && random.NextDouble() < 0.6
                    ? random.NextDouble() < 0.8 ? y : own[random.Next(3)]
                    : LabelSchema.Abstain;
            }
        }
        return LabelMatrix.Create(LabelSchema.Numbered(k), Some.LfNames(m), votes, gold);
    }

    /// <summary>A fit and the bytes it allocated: one restart on one stripe runs on this thread, whatever other tests run beside it.</summary>
    private static (ILabelModel Model, long Allocated) FitOnThisThread(ILabelModelTrainer trainer, LabelMatrix train)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var model = trainer.Fit(train, FitContext.WithSeed(1));
        return (model, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void A_dawid_skene_model_over_500_classes_is_saved_in_a_small_file_and_loads_with_identical_predictions()
    {
        // Given 20 sources voting 3 of 500 classes each
        var train = FewClassesEach(3000, 20, 500, seed: 5);
        var model = new DawidSkeneTrainer().Fit(train, FitContext.WithSeed(1));

        // When it is saved and loaded
        using var folder = new TempFolder();
        var path = folder.File("ds.json");
        ModelFile.Save(model, path);
        var loaded = ModelFile.Load(path);

        // Then the file holds the rows that are mostly one value sparsely (in full: 20 × 500 × 501 numbers, about 100 MB)
        new FileInfo(path).Length.ShouldBeLessThan(2_000_000);
        // and the loaded model is the fitted one
        loaded.PredictProbabilities(train).ShouldBe(model.PredictProbabilities(train));
        ModelFile.ToJson(loaded).ToJsonString().ShouldBe(ModelFile.ToJson(model).ToJsonString());
        Some.CheckedProbabilities(loaded, train);
    }

    [Fact]
    public void An_ebcc_fit_over_200_classes_keeps_confusion_rows_only_for_the_votes_the_sources_cast()
    {
        // Given 20 sources voting 3 of 200 classes each: with 5 subtypes, 20 × 200 × 200 × 5 = 4 M confusion entries (32 MB)
        var train = FewClassesEach(2000, 20, 200, seed: 5);
        var trainer = new EbccTrainer(new EbccOptions { Subtypes = 5, Restarts = 1 });

        // When fitted (one restart, one stripe: all on this thread, whatever other tests run beside it)
        var (model, allocated) = FitOnThisThread(trainer, train);

        // Then besides the model's two dense arrays (its posteriors and their logs, 64 MB) the updates held little: dense soft
        // counts, posteriors and logs for every (source, vote) would add 96 MB
        allocated.ShouldBeLessThan(96_000_000);
        Some.CheckedProbabilities(model, train);
    }

    [Fact]
    public void A_mace_fit_over_500_classes_keeps_e_step_rows_only_for_the_answers_the_workers_give()
    {
        // Given 20 sources voting 3 of 500 classes each: a dense E-step table is 20 × 500 × 500 entries (40 MB)
        var train = FewClassesEach(1000, 20, 500, seed: 6);

        // When fitted with one restart
        var (model, allocated) = FitOnThisThread(new MaceTrainer(new MaceOptions { Restarts = 1 }), train);

        // Then besides the model's own table (40 MB) the fit held little: the dense E-step table would add 40 MB
        allocated.ShouldBeLessThan(60_000_000);
        Some.CheckedProbabilities(model, train);
    }

    [Fact]
    public void An_ibcc_fit_over_500_classes_keeps_e_step_rows_only_for_the_votes_the_sources_cast()
    {
        // Given 20 sources voting 3 of 500 classes each: α, E[log π] and the soft counts are 20 × 500 × 501 entries each
        // (40 MB), and so is a dense E-step table (20 × 500 × 500)
        var train = FewClassesEach(1000, 20, 500, seed: 6);

        // When fitted with one restart
        var (model, allocated) = FitOnThisThread(new IbccTrainer(new IbccOptions { Restarts = 1 }), train);

        // Then the fit allocated those three and the model's table (160 MB) and little more: the dense E-step table would add 40 MB
        allocated.ShouldBeLessThan(180_000_000);
        Some.CheckedProbabilities(model, train);
    }

    [Theory]
    [InlineData("dawid-skene", 7000, "dawid-skene: 3 LFs × 7,000 classes need too many confusion-matrix entries")]
    [InlineData("ebcc", 1000, "ebcc: 3 LFs × 1,000 classes × 10 subtypes need too many confusion entries; use --subtypes 5, or dawid-skene")]
    [InlineData("snorkel", 1000, "snorkel: 3 LFs × 1,000 classes × 100 epochs needs about ")]
    [InlineData("ibcc", 2000, "ibcc: 3 LFs × 2,000 classes need 12,006,000 confusion-matrix entries ")]
    public void A_model_refusing_a_size_writes_its_counts_with_thousands_separators_as_every_model_does(string model, int k, string start)
    {
        // Given three sources voting among thousands of classes (before: '7000 classes' from dawid-skene and ebcc, '1,000' from ibcc)
        var train = FewClassesEach(20, 3, k, seed: 1);

        // When
        var error = Should.Throw<ModelRefusalException>(() => LabelModelCatalog.Get(model).CreateTrainer(ModelOptions.Defaults).Fit(train, FitContext.WithSeed(0)));

        // Then
        error.Message.ShouldStartWith(start);
    }

    /// <summary>
    /// <paramref name="rows"/> rows of <paramref name="m"/> sources among <paramref name="k"/> classes, row i answered once: by
    /// source i mod m, with label (i / m) mod k, so every row is distinct and each source gives many distinct labels.
    /// </summary>
    private static LabelMatrix OneAnswerEach(int rows, int m, int k)
    {
        var votes = Enumerable.Repeat(LabelSchema.Abstain, rows * m).ToArray();
        for (var i = 0; i < rows; i++) votes[i * m + i % m] = i / m % k;
        return LabelMatrix.Create(LabelSchema.Numbered(k), Some.LfNames(m), votes).WithSourceKinds(Enumerable.Repeat(SourceKind.Annotator, m).ToArray());
    }

    [Theory]
    [InlineData("mace")]
    [InlineData("glad")]
    public void Mace_and_glad_fit_thousands_of_workers_over_hundreds_of_classes_which_the_shared_confusion_limit_refused(string model)
    {
        // Given 2,000 workers and 400 classes, 1,200 answers: 2,000 × 400 × 401 'confusion-matrix entries' refused both
        // before, though neither holds a confusion matrix (mace: 1,200 distinct labels × 400 classes; glad: 1,200 rows × 400 posteriors)
        var train = OneAnswerEach(1200, 2000, 400);

        // When
        var fitted = LabelModelCatalog.Get(model).CreateTrainer(new ModelOptions(new Dictionary<string, string> { ["restarts"] = "1", ["max-iter"] = "20" }))
            .Fit(train, FitContext.WithSeed(0));

        // Then
        Some.CheckedProbabilities(fitted, train);
    }

    [Theory]
    [InlineData("mace", 3000, 30, "answers.csv: mace: 3,000 distinct labels given by 30 workers × 3,000 classes need 9,000,000 answer likelihoods "
        + "(of each label a source gave, under each class), more than the 8,388,608 it fits in reasonable time and memory; use glad, whose parameters grow with the sources alone, or mv")]
    [InlineData("glad", 135_000, 45, "answers.csv: glad: 135,000 distinct rows × 3,000 classes need 405,000,000 class posteriors (each distinct row's probability of each class), "
        + "more than the 402,653,184 it fits in reasonable time and memory; use mv")]
    public void Mace_and_glad_refuse_past_their_own_limits_naming_what_they_hold(string model, int rows, int workers, string message)
    {
        // Given 3,000 classes and, for mace, 30 workers giving 3,000 distinct labels (9 M answer likelihoods), for glad 135,000
        // distinct rows (405 M class posteriors in a restart) (before: 'N sources × 3000 classes need too many confusion-matrix
        // entries')
        var train = OneAnswerEach(rows, workers, 3000);

        // When
        var error = Should.Throw<ModelRefusalException>(() => LabelModelCatalog.Get(model).CreateTrainer(ModelOptions.Defaults)
            .Fit(train, FitContext.WithSeed(0) with { TrainName = "answers.csv" }));

        // Then
        error.Message.ShouldBe(message);
    }

    /// <summary>
    /// <paramref name="rows"/> distinct rows among <paramref name="k"/> classes, each answered by two of 260 workers (a pair of
    /// its own), worker j always with label j mod 2: 2 answers a row, 260 distinct labels in all.
    /// </summary>
    private static LabelMatrix DistinctPairs(int rows, int k)
    {
        const int m = 260;
        var votes = Enumerable.Repeat(LabelSchema.Abstain, rows * m).ToArray();
        var i = 0;
        for (var a = 0; a < m && i < rows; a++)
            for (var b = a + 1; b < m && i < rows; b++, i++)
                (votes[i * m + a], votes[i * m + b]) = (a % 2, b % 2);
        return LabelMatrix.Create(LabelSchema.Numbered(k), Some.LfNames(m), votes).WithSourceKinds(Enumerable.Repeat(SourceKind.Annotator, m).ToArray());
    }

    [Fact]
    public void Restarts_whose_class_posteriors_together_pass_the_limit_are_taken_when_each_restart_is_within_it()
    {
        // Given 33,334 distinct rows × 3,000 classes: 100 M class posteriors a restart, 500 M in mace's 5 default restarts (on
        // 66,668 answers), which the limit refused when it counted every restart's at once ('use --restarts 4')
        var data = Crowd.CrowdData.Read(DistinctPairs(33_334, 3000));
        var context = FitContext.WithSeed(0) with { TrainName = "answers.csv" };

        // When mace and glad check their class posteriors (a fit would take minutes and gigabytes: the check alone)
        var check = () => Crowd.CrowdFit.CheckPosteriors("mace", data, context);

        // Then one restart's are within the limit, as the restarts past 1 GB run one after another and hand their
        // posteriors on (before: refused, 'in each of 5 restarts, which may run side by side: 500,010,000 at once')
        check.ShouldNotThrow();
        new Crowd.CrowdFit.Posteriors(data).BytesPerRestart.ShouldBeGreaterThan(Crowd.CrowdFit.ParallelRestartBytes / 2);
    }

    [Fact]
    public void Glad_with_one_restart_counts_its_class_posteriors_alone()
    {
        // Given 140,000 distinct rows × 3,000 classes: 420 M class posteriors, past the limit even in one restart
        var train = OneAnswerEach(140_000, 47, 3000);
        var options = new ModelOptions(new Dictionary<string, string> { ["restarts"] = "1" });

        // When
        var error = Should.Throw<ModelRefusalException>(() => new GladTrainer(GladOptions.From(options)).Fit(train, FitContext.WithSeed(0)));

        // Then the message names no restarts and no fewer restarts to run
        error.Message.ShouldBe("glad: 140,000 distinct rows × 3,000 classes need 420,000,000 class posteriors (each distinct row's probability of each class), "
            + "more than the 402,653,184 it fits in reasonable time and memory; use mv");
    }

    [Fact]
    public void Statistics_too_large_to_hold_are_refused_with_their_counts_written_with_thousands_separators()
    {
        // Given three LFs and 9,460 classes: 3 × 9,460² pair counts, past 2^28
        // When
        var error = Should.Throw<ModelRefusalException>(() => new SufficientStatistics(LabelSchema.Numbered(9460), Some.LfNames(3)));

        // Then
        error.Message.ShouldBe("sufficient statistics for 3 LFs and 9,460 classes need 268,474,800 pair counts, more than the 268,435,456 supported; use fewer LFs or classes");
    }

    [Fact]
    public void An_ibcc_fit_past_the_confusion_entries_it_handles_is_refused_naming_the_sizes_and_the_models_that_fit_it()
    {
        // Given 10 sources voting among 1,000 classes: 10 × 1,000 × 1,001 confusion-matrix entries, past ibcc's 8,388,608
        var train = FewClassesEach(2000, 10, 1000, seed: 2);
        var context = FitContext.WithSeed(0) with { TrainName = "answers.csv" };

        // When
        var error = Should.Throw<SnorkelerException>(() => new IbccTrainer().Fit(train, context));

        // Then (the crowd models' shared limit, 2^28 entries, let it start: three arrays of 80 MB a restart, five restarts)
        error.Message.ShouldBe("answers.csv: ibcc: 10 LFs × 1,000 classes need 10,010,000 confusion-matrix entries (sources × classes × (classes + 1)), "
            + "more than the 8,388,608 it fits in reasonable time and memory; use mace or glad, whose parameters grow with the sources alone, or mv");
        Some.CheckedProbabilities(new MaceTrainer().Fit(train, context), train);
    }

    [Fact]
    public void An_ibcc_fit_within_its_confusion_entries_is_refused_when_its_class_posteriors_pass_the_crowd_models_limit()
    {
        // Given 8 workers answering every one of 403,000 tasks among 1,000 classes, no two tasks alike: 8,008,000
        // confusion-matrix entries, within ibcc's limit, but 403,000,000 class posteriors a restart (3.2 GB), past the
        // 402,653,184 mace and glad take
        const int rows = 403_000, m = 8, k = 1000;
        var votes = new int[rows * m];
        for (var i = 0; i < rows; i++)
            for (var j = 0; j < m; j++) votes[i * m + j] = (i % k + j * (i / k)) % k;
        var train = LabelMatrix.Create(LabelSchema.Numbered(k), Some.LfNames(m), votes).WithSourceKinds(Enumerable.Repeat(SourceKind.Annotator, m).ToArray());
        // (one iteration of one restart: without the limit the fit runs, and the test fails in seconds rather than minutes)
        var options = new ModelOptions(new Dictionary<string, string> { ["restarts"] = "1", ["max-iter"] = "1" });

        // When
        var error = Should.Throw<ModelRefusalException>(() => new IbccTrainer(IbccOptions.From(options)).Fit(train, FitContext.WithSeed(0) with { TrainName = "answers.csv" }));

        // Then it is refused as mace and glad refuse it, once the answers are read (before: fitted, with no bound on its posteriors)
        error.Message.ShouldBe("answers.csv: ibcc: 403,000 distinct rows × 1,000 classes need 403,000,000 class posteriors (each distinct row's probability of each class), "
            + "more than the 402,653,184 it fits in reasonable time and memory; use mv");
    }

    /// <summary>Parameters of a dawid-skene model over 20 classes and one source whose rows are given by <paramref name="row"/>.</summary>
    private static JsonObject OneSource(Func<int, JsonNode> row) => new()
    {
        ["abstain"] = "missing",
        ["abstain_is_outcome"] = new JsonArray(false),
        ["confusion"] = new JsonArray(Enumerable.Range(0, 20).Select(row).ToArray()),
    };

    [Fact]
    public void A_sparse_confusion_row_reads_as_its_fill_value_except_at_the_columns_it_lists()
    {
        // Given rows of 21 outcomes over 20 classes: 0.6 on the class, 0.4 / 19 elsewhere, no abstain
        var wrong = 0.4 / 19;
        var parameters = OneSource(c => new JsonObject
        {
            ["fill"] = wrong,
            ["at"] = new JsonArray(c, 20),
            ["values"] = new JsonArray(0.6, 0.0),
        });

        // When loaded
        var model = (DawidSkeneModel)LabelModelCatalog.Get("dawid-skene").Load(LabelSchema.Numbered(20), Some.LfNames(1), ClassPrior.Uniform(20), parameters);

        // Then every entry is the fill value but the listed ones
        model.Confusion(0, 3, 3).ShouldBe(0.6);
        model.Confusion(0, 3, 4).ShouldBe(wrong);
        model.Confusion(0, 19, 0).ShouldBe(wrong);
    }

    [Theory]
    [InlineData("[5, 2]", "parameter 'confusion[0].at' must hold increasing columns in 0..20")]
    [InlineData("[5, 21]", "parameter 'confusion[0].at' must hold increasing columns in 0..20")]
    [InlineData("[5]", "with as many values as columns")]
    public void A_sparse_confusion_row_with_columns_out_of_order_out_of_range_or_unmatched_is_refused(string at, string message)
    {
        var parameters = OneSource(c => new JsonObject
        {
            ["fill"] = 0.4 / 19,
            ["at"] = JsonNode.Parse(at),
            ["values"] = new JsonArray(0.6, 0.0),
        });
        Should.Throw<SnorkelerException>(() => LabelModelCatalog.Get("dawid-skene").Load(LabelSchema.Numbered(20), Some.LfNames(1), ClassPrior.Uniform(20), parameters))
            .Message.ShouldContain(message);
    }

    /// <summary>
    /// <paramref name="rows"/> rows of <paramref name="k"/> classes: 10 sources voting three classes each (as
    /// <see cref="FewClassesEach"/>), a source that repeats source 0's votes on half of its rows (derived from it), three
    /// single-class sources of class 1 that never fire together (an exclusive group) and one of class 2 that fires with them.
    /// </summary>
    private static LabelMatrix FewVotedWithEveryKindOfSource(int rows, int k, int seed)
    {
        const int m = 15;
        var random = new Random(seed);
        var votes = new int[rows * m];
        var gold = new int[rows];
        for (var i = 0; i < rows; i++)
        {
            var y = gold[i] = random.Next(8);
            var row = votes.AsSpan(i * m, m);
            row.Fill(LabelSchema.Abstain);
            for (var j = 0; j < 10; j++)
            {
                var own = Enumerable.Range(0, 3).Select(x => (3 * j + x) % k).ToArray();
                if (random.NextDouble() < 0.7) row[j] = Array.IndexOf(own, y) >= 0 && random.NextDouble() < 0.8 ? y : own[random.Next(3)];
            }
            if (row[0] >= 0 && random.NextDouble() < 0.5) row[10] = row[0];
            if (y == 1 || random.NextDouble() < 0.1) row[11 + random.Next(3)] = 1;
            if (random.NextDouble() < 0.3) row[14] = 2;
        }
        return LabelMatrix.Create(LabelSchema.Numbered(k), Some.LfNames(m), votes, gold);
    }

    public static TheoryData<string> EmVariants => ["default", "one-coin", "abstain vote", "fixed smoothing", "fixed prior", "people"];

    [Theory]
    [MemberData(nameof(EmVariants))]
    public void Dawid_skene_em_over_classes_few_of_which_are_voted_fits_what_whole_rows_fit_to_the_bit(string variant)
    {
        // Given 400 rows over 120 classes, of which the sources vote 30, with derived, grouped and single-class sources
        const int k = 120;
        var train = FewVotedWithEveryKindOfSource(400, k, seed: 55);
        var patterns = VotePatterns.Read(train, CancellationToken.None);
        var options = variant switch
        {
            "one-coin" => new DawidSkeneOptions { Confusion = ConfusionModel.OneCoin },
            "abstain vote" => new DawidSkeneOptions { Abstain = AbstainMode.Vote },
            "fixed smoothing" => new DawidSkeneOptions { SmoothingFromSpread = false },
            _ => new DawidSkeneOptions(),
        } with { MaxIterations = 60 };
        var prior = variant == "fixed prior" ? Enumerable.Range(0, k).Select(c => (c % 7 + 1.0) / (4.0 * k)).ToArray() : null;
        if (prior is not null) prior[0] = 1 - prior.Skip(1).Sum();
        if (variant == "people") patterns.ReadAsPeople();

        // When EM runs writing only the votes some source casts, and writing every row whole
        var fast = new DawidSkeneEm(patterns, train.LfCount, k, options, prior);
        var plain = new DawidSkeneEm(patterns, train.LfCount, k, options, prior, wholeRows: true);
        var (fastFit, plainFit) = (fast.Run(CancellationToken.None), plain.Run(CancellationToken.None));

        // Then the iterations, the objective and every parameter are the same numbers
        static long[] Bits(IEnumerable<double> values) => values.Select(BitConverter.DoubleToInt64Bits).ToArray();
        fastFit.Iterations.ShouldBe(plainFit.Iterations);
        fastFit.Iterations.ShouldBeGreaterThan(2);
        BitConverter.DoubleToInt64Bits(fastFit.Objective).ShouldBe(BitConverter.DoubleToInt64Bits(plainFit.Objective));
        Bits(fast.Prior).ShouldBe(Bits(plain.Prior));
        fast.Keep().Zip(plain.Keep()).ShouldAllBe(pair => (pair.First == null) == (pair.Second == null));
        Bits(fast.Keep().SelectMany(x => x ?? [])).ShouldBe(Bits(plain.Keep().SelectMany(x => x ?? [])));
        Bits(fast.TakeConfusion()).ShouldBe(Bits(plain.TakeConfusion()));
    }
}
