using System.Text.Json.Nodes;
using System.Globalization;
using Snorkeler.Cli.Commands;
using Snorkeler.Cli.Tests.Support;

namespace Snorkeler.Cli.Tests;

public class FitPredictTests
{
    [Fact]
    public void An_output_named_label_json_beside_a_model_or_statistics_file_is_not_taken_for_their_label_json()
    {
        // Given a folder holding a label.json, a model and statistics: neither file reads the label.json beside it
        using var temp = new TempFolder();
        var votes = temp.Write("votes.csv", "a,b,c\n1,1,-1\n0,-1,0\n1,0,1\n0,0,-1\n");
        var labels = temp.Write("d/label.json", """{"0": "x", "1": "y"}""");
        var model = temp.File("d/m.json");
        var stats = temp.File("d/s.stats.json");
        Shell.Run("fit", "--matrix", votes, "--model", "mv", "--out", model).ShouldSucceed();
        Shell.Run("apply", "--lfs", TestPaths.InRepo("labeling-functions", "spam"), "--data", TestPaths.YouTubeRawCsvs[0], "--column", "text=CONTENT",
            "--out", temp.File("m.snkm"), "--stats", stats).ShouldSucceed();

        // When outputs are written over that label.json
        var fit = Shell.Run("fit", "--stats", stats, "--model", "snorkel", "--out", labels);
        var predict = Shell.Run("predict", "--model", model, "--matrix", votes, "--out", labels);

        // Then neither is refused as overwriting an input (predict goes on to refuse the .json extension)
        fit.ShouldSucceed();
        predict.ShouldFailWith(1, $"error: {labels}: unknown labels format '.json' (expected .csv, .jsonl or .parquet)");
    }

    [Fact]
    public void Warnings_about_a_fit_are_printed_without_verbose_and_with_quiet_and_auto_s_candidates_print_none()
    {
        // Given YouTube's LFs, each of which only ever votes one class
        using var temp = new TempFolder();

        // When dawid-skene stops at its cap, ebcc is fitted where it cannot read the LFs, and auto compares candidates
        var capped = Shell.Run("fit", "--matrix", Train, "--model", "dawid-skene", "--max-iter", "2", "--out", temp.File("ds.json"), "--quiet");
        var ebcc = Shell.Run("fit", "--matrix", Train, "--model", "ebcc", "--out", temp.File("ebcc.json"));
        var label = Shell.Run("label", "--lfs", TestPaths.InRepo("labeling-functions", "spam"), "--data", TestPaths.YouTubeRawCsvs[0], "--column", "text=CONTENT",
            "--model", "ebcc", "--out", temp.File("labels.csv"), "--quiet");
        var auto = Shell.Run("fit", "--matrix", Train, "--model", "auto", "--out", temp.File("auto.json"));

        // Then each warning is one line on stderr, and auto's own fits stay silent
        capped.ShouldSucceed();
        capped.Error.ShouldStartWith("warning: dawid-skene stopped at the iteration cap (2) before the objective changed");
        const string singleClass = "warning: ebcc: 100% of the votes come from LFs that only ever vote one class;";
        ebcc.ShouldSucceed();
        ebcc.Error.ShouldStartWith(singleClass);
        label.ShouldSucceed();
        label.Error.ShouldContain(singleClass);
        auto.ShouldSucceed();
        auto.Error.ShouldNotContain("warning");
    }

    private static readonly string Train = TestPaths.YouTubeFile("train.json");
    private static readonly string Test = TestPaths.YouTubeFile("test.json");

    private static string FitMajorityVote(TempFolder temp)
    {
        var model = temp.File("mv.json");
        var fit = Shell.Run("fit", "--matrix", Train, "--model", "mv", "--out", model);
        fit.ShouldSucceed();
        return model;
    }

    [Fact]
    public void Majority_vote_fitted_and_applied_to_the_youtube_test_split_writes_probabilities_and_scores()
    {
        // Given
        using var temp = new TempFolder();
        var model = FitMajorityVote(temp);
        var probs = temp.File("PROBS.csv");
        var expected = YouTubeSplit.Read("test.json");

        // When
        var result = Shell.Run("predict", "--model", model, "--matrix", Test, "--out", probs);

        // Then
        result.ShouldSucceed();
        var lines = File.ReadAllLines(probs);
        lines[0].ShouldBe("row,p_HAM,p_SPAM,label,label_name");
        lines.Length.ShouldBe(251);
        result.Out.ShouldContain("expected accuracy: 0.816");
        result.Out.ShouldContain("rows with gold labels: 250");
        for (var i = 0; i < 250; i++)
        {
            var cells = lines[i + 1].Split(',');
            var votes = expected.WeakLabels[i];
            var (ham, spam) = (votes.Count(v => v == 0), votes.Count(v => v == 1));
            var pSpam = ham + spam == 0 ? 0.5 : spam / (double)(ham + spam);
            cells[0].ShouldBe((i + 1).ToString(CultureInfo.InvariantCulture));
            double.Parse(cells[2], CultureInfo.InvariantCulture).ShouldBe(pSpam, 1e-12);
            double.Parse(cells[1], CultureInfo.InvariantCulture).ShouldBe(1 - pSpam, 1e-12);
            cells[3].ShouldBe(pSpam > 0.5 ? "1" : pSpam < 0.5 ? "0" : "-1");
            cells[4].ShouldBe(pSpam > 0.5 ? "SPAM" : pSpam < 0.5 ? "HAM" : "ABSTAIN");
        }
        Directory.GetFiles(temp.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal).ShouldBe(["PROBS.csv", "mv.json"]);
    }

    [Fact]
    public void The_random_tie_break_gives_the_same_output_on_every_run()
    {
        // Given
        using var temp = new TempFolder();
        var model = FitMajorityVote(temp);

        // When
        var first = Shell.Run("predict", "--model", model, "--matrix", Test, "--out", temp.File("a.csv"), "--tie-break", "random", "--seed", "5");
        var second = Shell.Run("predict", "--model", model, "--matrix", Test, "--out", temp.File("b.csv"), "--tie-break", "random", "--seed", "5");

        // Then
        first.ShouldSucceed();
        second.ShouldSucceed();
        File.ReadAllText(temp.File("a.csv")).ShouldBe(File.ReadAllText(temp.File("b.csv")));
        first.Out.ShouldBe(second.Out);
        first.Out.ShouldContain("accuracy (tie-break random)");
        var labels = File.ReadAllLines(temp.File("a.csv")).Skip(1).Select(l => l.Split(',')[2]).ToList();
        labels.ShouldNotContain("-1");
        labels.Count(l => l == "0").ShouldBeGreaterThan(0);
    }

    [Theory]
    [InlineData("abstain")]
    [InlineData("true-random")]
    public void A_seed_with_a_tie_break_that_takes_none_is_a_warning_even_with_quiet(string tieBreak)
    {
        // Given
        using var temp = new TempFolder();
        var model = FitMajorityVote(temp);

        // When
        var result = Shell.Run("predict", "--model", model, "--matrix", Test, "--out", temp.File("p.csv"), "--tie-break", tieBreak, "--seed", "5", "--quiet");

        // Then the labels are written, and the seed is said to change nothing (before: no word; '--seed 5' looked like a choice made)
        result.ShouldSucceed();
        result.ErrorLines.ShouldBe([$"warning: option --seed applies only with --tie-break random and was ignored (the tie-break is {tieBreak})"]);
        Shell.Run("predict", "--model", model, "--matrix", Test, "--out", temp.File("r.csv"), "--tie-break", "random", "--seed", "5", "--quiet")
            .ErrorLines.ShouldBeEmpty();
    }

    [Fact]
    public void Predict_with_a_matrix_of_other_lfs_fails_naming_the_lf_and_leaves_the_previous_output()
    {
        // Given
        using var temp = new TempFolder();
        var model = FitMajorityVote(temp);
        var votes = IO.MatrixFile.Read(Test);
        var renamed = LabelMatrix.Create(votes.Schema, [.. votes.LfNames.Take(9), "keyword_extra"], Enumerable.Range(0, votes.RowCount)
            .SelectMany(i => Enumerable.Range(0, votes.LfCount).Select(j => votes[i, j])).ToArray());
        var matrix = temp.File("other.snkm");
        IO.MatrixFile.Write(matrix, renamed);
        var probs = temp.Write("PROBS.csv", "previous output\n");

        // When
        var result = Shell.Run("predict", "--model", model, "--matrix", matrix, "--out", probs).ShouldFailWith(1);

        // Then
        result.ErrorLines.ShouldBe([$"error: {matrix}: LF 10 is 'keyword_extra' but the model expects 'lf_9'"]);
        File.ReadAllText(probs).ShouldBe("previous output\n");
        Directory.GetFiles(temp.Path).Where(f => f.EndsWith(".tmp", StringComparison.Ordinal)).ShouldBeEmpty();
    }

    [Fact]
    public void An_interrupted_predict_leaves_the_previous_output_and_no_temporary_file()
    {
        // Given
        using var temp = new TempFolder();
        var model = FitMajorityVote(temp);
        var probs = temp.Write("PROBS.csv", "previous output\n");
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        // When
        var result = Shell.Run(cancel.Token, "predict", "--model", model, "--matrix", Test, "--out", probs).ShouldFailWith(130);

        // Then
        result.ErrorLines.ShouldBe(["snorkeler predict: interrupted; no output was written"]);
        File.ReadAllText(probs).ShouldBe("previous output\n");
        Directory.GetFiles(temp.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal).ShouldBe(["PROBS.csv", "mv.json"]);
    }

    [Fact]
    public void Fit_with_an_unknown_model_suggests_the_nearest_name()
    {
        using var temp = new TempFolder();

        var result = Shell.Run("fit", "--matrix", Train, "--model", "mvv", "--out", temp.File("m.json")).ShouldFailWith(2);

        result.ErrorLines[0].ShouldBe("snorkeler fit: unknown label model 'mvv'; did you mean 'mv'? (models: mv, snorkel, dawid-skene, ebcc, wmv, flyingsquid, ibcc, mace, glad, auto)");
        File.Exists(temp.File("m.json")).ShouldBeFalse();
    }

    [Fact]
    public void Predict_with_a_tampered_model_fails_with_a_checksum_error()
    {
        // Given
        using var temp = new TempFolder();
        var model = FitMajorityVote(temp);
        File.WriteAllText(model, File.ReadAllText(model).Replace("\"lf_3\"", "\"lf_x\"", StringComparison.Ordinal));

        // When
        var result = Shell.Run("predict", "--model", model, "--matrix", Test, "--out", temp.File("PROBS.csv")).ShouldFailWith(1);

        // Then
        result.ErrorLines.ShouldBe([$"error: {model}: checksum mismatch: the file was edited or damaged after it was written; refit the model"]);
        File.Exists(temp.File("PROBS.csv")).ShouldBeFalse();
    }

    [Fact]
    public void Fit_warns_about_options_the_model_does_not_use()
    {
        using var temp = new TempFolder();

        var result = Shell.Run("fit", "--matrix", Train, "--model", "mv", "--out", temp.File("m.json"), "--epochs", "5");

        result.ShouldSucceed();
        result.Error.ShouldContain("warning: option --epochs does not apply to model 'mv' and was ignored");
    }

    [Fact]
    public void Dawid_Skene_with_dev_gold_clamp_fits_on_the_dev_rows_gold_and_rejects_other_values_of_the_option()
    {
        // Given the youtube splits
        using var temp = new TempFolder();
        var dev = TestPaths.YouTubeFile("valid.json");

        // When dawid-skene is fitted with the dev split giving the prior (default), and with its rows clamped to their gold class
        Shell.Run("fit", "--matrix", Train, "--model", "dawid-skene", "--dev", dev, "--out", temp.File("prior.json")).ShouldSucceed();
        Shell.Run("fit", "--matrix", Train, "--model", "dawid-skene", "--dev", dev, "--dev-gold", "clamp", "--out", temp.File("clamp.json")).ShouldSucceed();

        // Then the semi-supervised model differs (prior learned, confusion matrices from the gold rows too) and scores on test
        var clamped = JsonNode.Parse(File.ReadAllText(temp.File("clamp.json")))!;
        var prior = JsonNode.Parse(File.ReadAllText(temp.File("prior.json")))!;
        clamped["parameters"]!["confusion"]!.ToJsonString().ShouldNotBe(prior["parameters"]!["confusion"]!.ToJsonString());
        Shell.Run("predict", "--model", temp.File("clamp.json"), "--matrix", Test, "--out", temp.File("p.csv")).ShouldSucceed()
            .Out.ShouldContain("expected accuracy: 0.");
        var bad = Shell.Run("fit", "--matrix", Train, "--model", "dawid-skene", "--dev", dev, "--dev-gold", "yes", "--out", temp.File("x.json")).ShouldFailWith(2);
        bad.Error.ShouldContain("--dev-gold expects prior or clamp, got 'yes'");
    }

    /// <summary>A Wrench split of <paramref name="rows"/> (gold label, votes) in <paramref name="temp"/>, label.json (HAM, SPAM) beside it; a gold label of null leaves the row's "label" out.</summary>
    private static string WrenchSplit(TempFolder temp, string file, params (int? Gold, int[] Votes)[] rows)
    {
        temp.Write("label.json", """{"0": "HAM", "1": "SPAM"}""");
        return temp.Write(file, "{\n" + string.Join(",\n", rows.Select((r, i) =>
            $"\"{i}\": {{\"data\": {{\"text\": \"row {i}\"}}, {(r.Gold is { } g ? $"\"label\": {g}, " : "")}\"weak_labels\": [{string.Join(", ", r.Votes)}]}}")) + "\n}");
    }

    [Fact]
    public void Predict_on_a_split_without_gold_labels_writes_the_labels_and_says_there_is_nothing_to_score()
    {
        // Given a model and a split none of whose rows has a "label" (before: "rows with gold labels: 0" and metrics of 0.000)
        using var temp = new TempFolder();
        var train = WrenchSplit(temp, "train.json", (0, [0, 0, -1]), (1, [1, 1, 1]), (0, [0, -1, 0]));
        var test = WrenchSplit(temp, "test.json", (null, [0, 0, -1]), (-1, [1, 1, 1]));
        Shell.Run("fit", "--matrix", train, "--model", "mv", "--out", temp.File("m.json")).ShouldSucceed();

        // When
        var result = Shell.Run("predict", "--model", temp.File("m.json"), "--matrix", test, "--out", temp.File("p.csv"));

        // Then
        result.ShouldSucceed();
        result.Out.ShouldBeEmpty();
        result.ErrorLines.ShouldContain($"no row of {test} has a gold label, so there is nothing to score the predictions against");
        File.ReadAllLines(temp.File("p.csv")).Length.ShouldBe(3);
    }

    [Theory]
    [InlineData("mv")]
    [InlineData("snorkel")]
    [InlineData("dawid-skene")]
    public void Fit_on_a_matrix_where_every_vote_abstains_warns_and_still_writes_the_model(string model)
    {
        using var temp = new TempFolder();
        var train = WrenchSplit(temp, "train.json", (0, [-1, -1, -1]), (1, [-1, -1, -1]), (0, [-1, -1, -1]));

        var result = Shell.Run("fit", "--matrix", train, "--model", model, "--out", temp.File("m.json"), "--quiet");

        result.ShouldSucceed();
        result.ErrorLines.ShouldContain($"warning: {train}: every vote abstains (no source votes on any row), so the model has nothing to learn from "
            + "and labels every row by its class prior alone; 'snorkeler analyze' shows each source's coverage");
        File.Exists(temp.File("m.json")).ShouldBeTrue();
    }

    [Theory]
    [InlineData("snorkel", "snorkel: ", "the uniform prior is used instead, as without a dev split")]
    [InlineData("flyingsquid", "flyingsquid: ", "the uniform prior is used instead, as without a dev split")]
    [InlineData("wmv", "wmv: ", "the class balance EM estimates from the training matrix is used instead, as without a dev split")]
    [InlineData("ebcc", "ebcc: ", "the class balance is learned in the fit instead, as without a dev split")]
    [InlineData("dawid-skene", "dawid-skene: ", "the class balance is learned in the fit instead, as without a dev split")]
    public void A_dev_split_without_a_class_is_warned_about_and_its_balance_is_not_the_prior(string model, string named, string instead)
    {
        // Given a dev split of one spam row, whose add-one-smoothed balance (1/3, 2/3) would have been the prior without a word
        using var temp = new TempFolder();
        var train = WrenchSplit(temp, "train.json", (0, [0, 0, -1, 0]), (1, [1, 1, 1, 1]), (0, [0, -1, 0, 0]), (1, [1, 1, -1, 1]), (0, [0, 0, 0, -1]));
        var dev = WrenchSplit(temp, "valid.json", (1, [1, 1, 1, -1]), (null, [0, 0, 0, 0]));

        // When
        var withDev = Shell.Run("fit", "--matrix", train, "--dev", dev, "--model", model, "--out", temp.File("dev.json"), "--quiet");
        var given = Shell.Run("fit", "--matrix", train, "--dev", dev, "--model", model, "--prior", "0.4,0.6", "--out", temp.File("given.json"), "--quiet");

        // Then: one warning naming the file, the class and the rows with gold, in the singular; none with --prior
        withDev.ShouldSucceed();
        withDev.ErrorLines.Where(l => l.Contains("has no row of")).ShouldBe([$"warning: {named}{dev} has no row of class HAM (1 row with gold): "
            + $"its class balance is not used as the prior (it would put that class near 0); {instead} (give --prior to set one)"]);
        var prior = JsonNode.Parse(File.ReadAllText(temp.File("dev.json")))!["prior"]!.AsArray().Select(p => p!.GetValue<double>()).ToArray();
        prior[0].ShouldBeGreaterThan(0.1);
        given.ShouldSucceed();
        given.Error.ShouldNotContain("has no row of");
    }

    [Theory]
    [InlineData("fit", "warning: snorkel: {0} has no row of class HAM (1 row with gold): its class balance is not used as the prior (it would put that class near 0); "
        + "the uniform prior is used instead, as without a dev split (give --prior to set one)")]
    [InlineData("compare", "warning: model 'snorkel': {0} has no row of class HAM (1 row with gold): its class balance is not used as the prior (it would put that class near 0); "
        + "the uniform prior is used instead, as without a dev split (compare takes no prior: a dev split with a row of every class sets one)")]
    public void A_dev_split_without_a_class_advises_what_sets_a_prior_as_the_command_can(string command, string line)
    {
        // Given a dev split of one spam row, whose balance is not taken as snorkel's prior
        using var temp = new TempFolder();
        var train = WrenchSplit(temp, "train.json", (0, [0, 0, -1, 0]), (1, [1, 1, 1, 1]), (0, [0, -1, 0, 0]), (1, [1, 1, -1, 1]), (0, [0, 0, 0, -1]));
        var dev = WrenchSplit(temp, "valid.json", (1, [1, 1, 1, -1]), (null, [0, 0, 0, 0]));

        // When snorkel takes its prior from it under fit (which takes --prior) or compare (which takes none)
        var result = command == "fit"
            ? Shell.Run("fit", "--matrix", train, "--dev", dev, "--model", "snorkel", "--out", temp.File("m.json"))
            : Shell.Run("compare", "--train", train, "--test", train, "--dev", dev, "--dev-prior", "--models", "snorkel");

        // Then (before: 'give --prior to set one' under compare too)
        result.ShouldSucceed().ErrorLines.ShouldContain(string.Format(System.Globalization.CultureInfo.InvariantCulture, line, dev));
    }

    [Theory]
    [InlineData("fit", "error: wmv: --accuracies dev needs a labelled dev split (--dev)")]
    [InlineData("compare", "error: wmv: wmv:accuracies=dev needs a labelled dev split (compare's --dev)")]
    public void Wmv_told_to_take_its_accuracies_from_a_dev_split_it_was_not_given_names_the_option_as_the_command_takes_it(string command, string line)
    {
        // Given a training matrix and no dev split
        using var temp = new TempFolder();
        var train = WrenchSplit(temp, "train.json", (0, [0, 0, -1, 0]), (1, [1, 1, 1, 1]), (0, [0, -1, 0, 0]), (1, [1, 1, -1, 1]));

        // When wmv is told to take its LF accuracies from the dev split, under fit or compare
        var result = command == "fit"
            ? Shell.Run("fit", "--matrix", train, "--model", "wmv", "--accuracies", "dev", "--out", temp.File("m.json"))
            : Shell.Run("compare", "--train", train, "--test", train, "--models", "wmv:accuracies=dev");

        // Then the error names the option and the dev split as that command takes them (before: '--accuracies dev ... (--dev)' under compare too)
        result.ShouldFailWith(1).ErrorLines.ShouldContain(line);
    }

    [Fact]
    public void The_status_lines_of_one_task_count_it_in_the_singular()
    {
        // Given the answers of three workers to one task
        using var temp = new TempFolder();
        var answers = temp.File("answers.csv");
        File.WriteAllText(answers, "task,worker,label\nq1,w1,0\nq1,w2,1\nq1,w3,0\n");

        // When
        var result = Shell.Run("fit", "--matrix", answers, "--model", "mv", "--out", temp.File("m.json"));

        // Then
        result.ShouldSucceed();
        result.ErrorLines.ShouldContain(l => l.StartsWith($"{answers}: 3 answers, 1 task, 3 workers, classes"));
        result.ErrorLines.ShouldContain(l => l.StartsWith("fitted 'mv' on 1 row × 3 workers in "));
    }

    [Theory]
    [InlineData("all")]
    [InlineData("ALL")]
    public void Annotators_all_marks_every_column_of_a_wide_matrix_as_a_person_in_any_case(string all)
    {
        // Given a wide matrix of three workers' answers, -1 where a worker was not shown the task
        using var temp = new TempFolder();
        var matrix = temp.File("workers.csv");
        File.WriteAllText(matrix, "w1,w2,w3\n0,1,-1\n1,-1,1\n-1,0,0\n1,1,0\n");

        // When
        var result = Shell.Run("analyze", "--matrix", matrix, "--annotators", all);

        // Then the columns are read as people ("no source 'ALL'" before)
        result.ShouldSucceed();
        result.Out.ShouldContain("4 tasks, 3 workers");
    }

    [Fact]
    public void A_gold_file_beside_a_npy_matrix_without_its_sidecar_is_said_to_be_unread()
    {
        // Given a NumPy matrix with gold labels, its schema sidecar (which names the gold file) deleted
        using var temp = new TempFolder();
        var matrix = temp.File("test.npy");
        IO.MatrixFile.Write(matrix, LabelMatrix.Create(new LabelSchema(["HAM", "SPAM"]), ["a", "b", "c"], [0, 1, 1, -1, 0, 0, 1, 1, -1], [1, 0, 1]));
        File.Exists(IO.MatrixFile.NpyGoldFile(matrix)).ShouldBeTrue();
        File.Delete(IO.MatrixFile.SchemaSidecar(matrix));

        // When
        var result = Shell.Run("fit", "--matrix", matrix, "--model", "mv", "--out", temp.File("m.json"));

        // Then (before, nothing was said until a comparison found no gold)
        result.ShouldSucceed();
        result.ErrorLines.ShouldContain($"warning: {matrix}: test.gold.npy beside it is not read: a .npy matrix's gold file is named by its schema sidecar (test.npy.schema.json), which is missing, so its classes are also numbered 0 to 1 after its largest vote");
    }

    [Fact]
    public void A_stray_large_label_in_a_csv_matrix_without_a_sidecar_is_warned_about_with_the_classes_it_adds()
    {
        // Given a two-class matrix without its sidecar, one vote mistyped as 11
        using var temp = new TempFolder();
        var matrix = temp.File("votes.csv");
        File.WriteAllText(matrix, "a,b,c\n0,1,-1\n1,1,0\n0,11,0\n-1,0,1\n");

        // When
        var result = Shell.Run("fit", "--matrix", matrix, "--model", "mv", "--out", temp.File("m.json"));

        // Then (before, twelve classes were fitted without a word)
        result.ShouldSucceed();
        result.ErrorLines.ShouldContain($"warning: {matrix}: without a schema sidecar the classes are numbered 0 to 11 after the largest label, and classes 2 to 10 below it are named by no vote: if 11 is a mistake, correct it; else name the classes in votes.csv.schema.json");
    }

    [Theory]
    [InlineData(".csv")]
    [InlineData(".npy")]
    public void A_matrix_without_a_sidecar_in_which_no_lf_votes_the_largest_class_is_predicted_and_compared_with_the_model_s_classes(string extension)
    {
        // Given a model fitted on a sidecar-less matrix of classes 0..2, and a new batch whose LFs vote only 0 and 1
        using var temp = new TempFolder();
        var train = temp.File("train.csv");
        File.WriteAllText(train, "lf_0,lf_1,lf_2\n0,2,1\n1,-1,0\n2,2,2\n0,0,-1\n"); // a .npy without a sidecar names its LFs so
        var batch = temp.File("batch" + extension);
        var votes = LabelMatrix.Create(LabelSchema.Numbered(2), ["lf_0", "lf_1", "lf_2"], [0, 1, 1, 1, -1, 0]);
        IO.MatrixFile.Write(batch, votes);
        File.Delete(IO.MatrixFile.SchemaSidecar(batch));
        Shell.Run("fit", "--matrix", train, "--model", "mv", "--out", temp.File("m.json")).ShouldSucceed();

        // When
        var predict = Shell.Run("predict", "--model", temp.File("m.json"), "--matrix", batch, "--out", temp.File("p.csv"));

        // Then (before: "batch.csv: classes 0=0, 1=1 differ from the model's 0=0, 1=1, 2=2")
        predict.ShouldSucceed();
        predict.ErrorLines.ShouldNotContain(l => l.StartsWith("warning", StringComparison.Ordinal));
        File.ReadAllLines(temp.File("p.csv"))[0].ShouldBe("row,p_0,p_1,p_2,label,label_name");
    }

    [Fact]
    public void Predict_with_data_from_which_nothing_is_copied_warns_instead_of_passing_it_over()
    {
        // Given data without an id column, given with no --id-column or --keep-columns
        using var temp = new TempFolder();
        var train = temp.File("train.csv");
        File.WriteAllText(train, "a,b\n0,1\n1,-1\n");
        var data = temp.Write("data.csv", "text,score\nhello,1\nworld,2\n");
        Shell.Run("fit", "--matrix", train, "--model", "mv", "--out", temp.File("m.json")).ShouldSucceed();

        // When
        var predict = Shell.Run("predict", "--model", temp.File("m.json"), "--matrix", train, "--data", data, "--out", temp.File("p.csv"));

        // Then (before, the data was not read, and the output had no id without a word)
        predict.ShouldSucceed();
        predict.ErrorLines.ShouldContain($"warning: {data}: no id column (one named 'id' or ending in '_id') and no --keep-columns, so nothing is copied from it; give --id-column NAME or --keep-columns A,B (columns: text, score)");
    }

    [Theory]
    [InlineData("id,text\n1,hello\n2,world\n3,again\n", "3 rows")]
    [InlineData("id,text\n1,hello\n", "1 row")]
    public void Predict_with_data_of_another_row_count_is_an_error_naming_both_counts(string csv, string counted)
    {
        // Given a two-row matrix and data of another row count with an id column to copy
        using var temp = new TempFolder();
        var matrix = temp.Write("m.csv", "a,b\n0,1\n1,-1\n");
        var data = temp.Write("data.csv", csv);
        Shell.Run("fit", "--matrix", matrix, "--model", "mv", "--out", temp.File("m.json")).ShouldSucceed();

        // When
        var predict = Shell.Run("predict", "--model", temp.File("m.json"), "--matrix", matrix, "--data", data, "--out", temp.File("p.csv"));

        // Then both counts (before: 'has more rows than the matrix (2)' or 'has fewer rows than the matrix (2)', the data's count unsaid)
        predict.ShouldFailWith(1, $"error: {data}: has {counted}, but the label matrix {matrix} has 2; give the data the matrix was made from");
        File.Exists(temp.File("p.csv")).ShouldBeFalse();
    }

    [Fact]
    public void Predict_counts_a_matrix_of_unknown_length_in_the_one_pass_and_predicts_no_block_after_the_data_ran_out()
    {
        // Given a 10-row matrix served in blocks of 3 that does not know its row count (before: the message's count
        // read the whole matrix a second time)
        var matrix = LabelMatrix.Create(LabelSchema.Numbered(2), ["a", "b"], Enumerable.Range(0, 20).Select(v => v % 3 - 1).ToArray());
        var source = new SmallBlocks(matrix, 3);
        var model = new LabelModels.MajorityVoteTrainer().Fit(matrix, new LabelModels.FitContext { Seed = 0 });
        var handed = 0;
        var dataEnded = false;

        // When the rows handed on end after the first block, as data of 3 rows would
        var rows = PredictCommand.Predict(model, source, Analysis.TieBreak.Abstain, 0, (block, _, _) =>
        {
            handed += block.RowCount;
            dataEnded = true;
        }, countOnly: () => dataEnded);

        // Then the count is the matrix's, from one read, and no block was handed on after that
        rows.ShouldBe(10);
        source.Reads.ShouldBe(1);
        handed.ShouldBe(3);
    }

    [Fact]
    public void Predict_on_answers_with_data_from_which_nothing_is_copied_labels_the_tasks_with_the_warning_alone()
    {
        // Given answers on two tasks, and data of two rows without an id column
        using var temp = new TempFolder();
        var answers = temp.Write("answers.csv", "task,worker,label\nq1,a,0\nq1,b,1\nq2,a,1\n");
        var data = temp.Write("data.csv", "text\nx\ny\n");
        Shell.Run("fit", "--matrix", answers, "--model", "mv", "--out", temp.File("m.json")).ShouldSucceed();

        // When
        var predict = Shell.Run("predict", "--model", temp.File("m.json"), "--matrix", answers, "--data", data, "--out", temp.File("p.csv"));

        // Then (before: the warning, then 'error: data.csv: has fewer rows than the matrix (2)' of data with two rows)
        predict.ShouldSucceed();
        predict.ErrorLines.ShouldContain(l => l.StartsWith($"warning: {data}: no id column", StringComparison.Ordinal));
        File.ReadAllLines(temp.File("p.csv")).ShouldBe(["row,task,p_0,p_1,label,label_name", "1,q1,0.5,0.5,-1,ABSTAIN", "2,q2,0,1,1,1"]);
    }

    [Fact]
    public void A_matrix_without_a_sidecar_with_a_vote_past_the_model_s_classes_is_still_refused()
    {
        using var temp = new TempFolder();
        var train = temp.File("train.csv");
        File.WriteAllText(train, "a,b\n0,1\n1,-1\n");
        var batch = temp.File("batch.csv");
        File.WriteAllText(batch, "a,b\n0,2\n1,-1\n");
        Shell.Run("fit", "--matrix", train, "--model", "mv", "--out", temp.File("m.json")).ShouldSucceed();

        Shell.Run("predict", "--model", temp.File("m.json"), "--matrix", batch, "--out", temp.File("p.csv"))
            .ShouldFailWith(1, $"error: {batch}: classes 0=0, 1=1, 2=2 differ from the model's 0=0, 1=1");
        File.Exists(temp.File("p.csv")).ShouldBeFalse();
    }

    [Theory]
    [InlineData("task,worker,label\nq1,a,0\nq1,b,1\nq2,a,7\nq2,b,1\n", null, "answer")]     // one answer mistyped as 7
    [InlineData("task,worker,label\nq1,a,0\nq1,b,1\nq2,a,1\nq2,b,1\n", "task,label\nq1,7\n", "answer or gold label")] // a gold label of 7
    public void A_stray_large_label_in_answers_without_a_label_json_is_warned_about_with_the_classes_it_adds(string answersText, string? goldText, string named)
    {
        // Given two-class answers in which one label, an answer's or the gold file's, is 7
        using var temp = new TempFolder();
        var answers = temp.Write("answers.csv", answersText);
        string[] gold = goldText is null ? [] : ["--gold", temp.Write("gold.csv", goldText)];

        // When
        var result = Shell.Run(["fit", "--matrix", answers, .. gold, "--model", "mv", "--out", temp.File("m.json")]);

        // Then (before, eight classes were fitted, with --quiet without a word)
        result.ShouldSucceed();
        result.ErrorLines.ShouldContain($"warning: {answers}: without a label.json the classes are numbered 0 to 7 after the largest label, and classes 2 to 6 below it are named by no {named}: if 7 is a mistake, correct it; else name the classes in a label.json beside it");
    }

    [Theory]
    [InlineData("task,worker,label\nq1,a,0\nq1,b,2\nq2,a,1\n")] // every class answered
    [InlineData("task,worker,label\nq1,a,0\nq1,b,0\n")]         // two classes, whatever is answered
    public void Answers_without_a_label_json_whose_classes_are_all_named_are_not_warned_about(string answersText)
    {
        using var temp = new TempFolder();
        var answers = temp.Write("answers.csv", answersText);

        var result = Shell.Run("fit", "--matrix", answers, "--model", "mv", "--out", temp.File("m.json"));

        result.ShouldSucceed();
        result.ErrorLines.ShouldNotContain(l => l.Contains("without a label.json", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("a,b\n0,1\n2,1\n", false)]          // every class voted
    [InlineData("a,b\n0,-1\n1,-1\n", false)]        // two classes, whatever is voted: none is numbered after a stray label
    [InlineData("a,b,gold\n0,2,1\n2,-1,0\n", true)] // class 1 named by a gold label only
    public void A_csv_matrix_without_a_sidecar_whose_classes_are_all_named_is_not_warned_about(string csv, bool gold)
    {
        using var temp = new TempFolder();
        var matrix = temp.File("votes.csv");
        File.WriteAllText(matrix, csv);

        var result = gold
            ? Shell.Run("fit", "--matrix", matrix, "--gold-column", "gold", "--model", "mv", "--out", temp.File("m.json"))
            : Shell.Run("fit", "--matrix", matrix, "--model", "mv", "--out", temp.File("m.json"));

        result.ShouldSucceed();
        result.ErrorLines.ShouldNotContain(l => l.Contains("without a schema sidecar", StringComparison.Ordinal));
    }

    [Fact]
    public void Annotators_given_with_answers_in_long_format_is_an_error_not_passed_over()
    {
        using var temp = new TempFolder();
        var answers = temp.File("answers.csv");
        File.WriteAllText(answers, "task,worker,label\nq1,w1,0\nq1,w2,1\nq2,w1,1\n");

        Shell.Run("fit", "--matrix", answers, "--annotators", "w1", "--model", "mv", "--out", temp.File("m.json"))
            .ShouldFailWith(1, $"error: {answers}: holds answers in long format, whose workers are people already; --annotators marks the columns of a wide matrix (a --kind-column says which sources of answers are LFs)");
        File.Exists(temp.File("m.json")).ShouldBeFalse();
    }
}
