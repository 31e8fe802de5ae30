using Snorkeler.Cli.Tests.Support;
using Snorkeler.LabelModels;

namespace Snorkeler.Cli.Tests;

public sealed class CompareSuiteTests
{
    private static string SharedData => Path.Combine(TestPaths.Shared, "data");

    [Theory]
    [InlineData("snorkel:foo=1", "snorkeler compare: model 'snorkel:foo=1': snorkel has no option 'foo'")]
    [InlineData("mv,dawid-skene,mv", "snorkeler compare: --models names 'mv' twice; give each model once")]
    [InlineData("mv,glad:restarts=0", "snorkeler compare: model 'glad:restarts=0': glad:restarts must be between 1 and 100, got 0")]
    [InlineData("dawid-skene:max-iter=5,confusion=twocoin", "snorkeler compare: model 'dawid-skene:max-iter=5,confusion=twocoin': dawid-skene:confusion expects full or one-coin, got 'twocoin'")]
    public void An_unknown_model_option_or_a_model_named_twice_is_a_usage_error(string models, string message)
    {
        // (before: a bad option value was named as fit takes it, '--restarts must be between 1 and 100, got 0', which compare does not take)
        var youtube = Path.Combine(SharedData, "youtube");

        var result = Shell.Run("compare", "--train", Path.Combine(youtube, "train.json"), "--test", Path.Combine(youtube, "test.json"), "--models", models).ShouldFailWith(2);

        result.ErrorLines[0].ShouldBe(message);
    }

    [Fact]
    public void A_test_matrix_with_other_LFs_than_the_training_matrix_is_an_error_naming_both_files_and_the_LFs_that_differ()
    {
        // Given YouTube's test split with its last LF renamed
        using var temp = new TempFolder();
        var (train, test) = (TestPaths.YouTubeFile("train.json"), TestPaths.YouTubeFile("test.json"));
        var votes = IO.MatrixFile.Read(test);
        var renamed = LabelMatrix.Create(votes.Schema, [.. votes.LfNames.Take(9), "keyword_extra"], Enumerable.Range(0, votes.RowCount)
            .SelectMany(i => Enumerable.Range(0, votes.LfCount).Select(j => votes[i, j])).ToArray(), votes.GoldLabels.ToArray());
        var other = temp.File("other.snkm");
        IO.MatrixFile.Write(other, renamed);

        // When it is the test matrix of a comparison
        var result = Shell.Run("compare", "--train", train, "--test", other, "--models", "mv").ShouldFailWith(1);

        // Then the error names the test file, the training file and the LFs found in one of them only
        result.ErrorLines.ShouldBe([$"error: {other}: its LFs differ from those of the training matrix {train}: 'lf_9' is only in the training matrix; "
            + "'keyword_extra' is only in the test matrix; a model fitted on one reads the other's LFs by position, so they must be the same in the same order"]);
    }

    [Fact]
    public void Compare_in_a_build_script_prints_the_table_alone_on_stdout_and_one_status_line_on_stderr()
    {
        // Given YouTube's splits, and compare run as a script runs it (stderr not a terminal) and on a terminal
        var youtube = Path.Combine(SharedData, "youtube");
        string[] run = ["compare", "--train", Path.Combine(youtube, "train.json"), "--test", Path.Combine(youtube, "test.json"), "--models", "mv,snorkel", "--seeds", "2"];

        // When
        var script = Shell.Run(run);
        var quiet = Shell.Run([.. run, "--quiet"]);
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var code = global::Snorkeler.Cli.Cli.Run(run, stdout, stderr, CancellationToken.None, interactive: true);

        // Then the script's stderr has one line, not a line per fit; a terminal still shows each fit as it ends
        script.ShouldSucceed();
        var lines = script.Out.TrimEnd('\n').Split('\n');
        lines[0].ShouldStartWith("model    expected acc.  accuracy*");
        lines.Max(l => l.Length).ShouldBeLessThanOrEqualTo(100);
        script.ErrorLines.Length.ShouldBe(1, script.Error);
        script.ErrorLines[0].ShouldStartWith($"compared 2 models on {Path.Combine(youtube, "test.json")}, 2 seeds, in ");
        quiet.ShouldSucceed();
        quiet.Error.ShouldBeEmpty();
        quiet.Out.Split('\n').Select(l => l.Length > 60 ? l[..60] : l).ShouldBe(lines.Append("").Select(l => l.Length > 60 ? l[..60] : l)); // the same table but for the times
        code.ShouldBe(0);
        stderr.ToString().Split('\n').Count(l => l.StartsWith("compare: ", StringComparison.Ordinal)).ShouldBe(4);
    }

    [Theory]
    [InlineData("json")]
    [InlineData("csv")]
    [InlineData("markdown")]
    [InlineData("text")]
    public void Compare_run_twice_on_the_same_splits_and_seeds_writes_the_same_bytes_without_timings(string format)
    {
        // Given YouTube's splits, compared over two seeds with output going to a file (not a screen)
        var youtube = Path.Combine(SharedData, "youtube");
        string[] run = ["compare", "--train", Path.Combine(youtube, "train.json"), "--test", Path.Combine(youtube, "test.json"),
            "--dev", Path.Combine(youtube, "valid.json"), "--models", "mv,snorkel,wmv", "--seeds", "2", "--format", format];

        // When it runs twice
        var first = Shell.Run(run).ShouldSucceed();
        var second = Shell.Run(run).ShouldSucceed();

        // Then both write the same bytes, and no seconds
        second.Out.ShouldBe(first.Out);
        first.Out.ShouldNotContain("seconds");
        first.Out.ShouldNotContain("fit s");
    }

    [Fact]
    public void Compare_suite_run_twice_writes_the_same_JSON_without_timings()
    {
        // Given a suite of YouTube's splits
        using var temp = new TempFolder();
        var set = Directory.CreateDirectory(temp.File("youtube")).FullName;
        foreach (var file in new[] { "train.json", "test.json", "valid.json", "label.json" }) File.Copy(TestPaths.YouTubeFile(file), Path.Combine(set, file));
        string[] run = ["compare", "--suite", temp.Path, "--models", "mv,snorkel", "--seeds", "2", "--format", "json"];

        // When it runs twice
        var first = Shell.Run(run).ShouldSucceed();
        var second = Shell.Run(run).ShouldSucceed();

        // Then
        second.Out.ShouldBe(first.Out);
        first.Out.ShouldNotContain("seconds");
        Shell.Run([.. run, "--timings"]).ShouldSucceed().Out.ShouldContain("\"fit_seconds\"");
    }

    [Theory]
    [InlineData("json", "\"fit_seconds\"", "\"predict_seconds\"")]
    [InlineData("csv", "model,expected_accuracy,accuracy,macro_f1,log_loss,calibration_error,fit_seconds,predict_seconds\n", "")]
    [InlineData("markdown", "| fit s | predict s |", "")]
    [InlineData("text", "fit s  predict s\n", "")]
    public void Compare_with_timings_writes_the_fit_and_predict_seconds(string format, string expected, string alsoExpected)
    {
        // When YouTube's comparison is asked for its timings
        var youtube = Path.Combine(SharedData, "youtube");
        var result = Shell.Run("compare", "--train", Path.Combine(youtube, "train.json"), "--test", Path.Combine(youtube, "test.json"),
            "--models", "mv,snorkel", "--format", format, "--timings");

        // Then the seconds are written
        result.ShouldSucceed();
        result.Out.ShouldContain(expected);
        result.Out.ShouldContain(alsoExpected);
    }

    [Fact]
    public void Compare_suite_scores_every_model_on_every_shared_set_as_CSV()
    {
        // When
        var result = Shell.Run("compare", "--suite", SharedData, "--models", "mv,dawid-skene", "--format", "csv");

        // Then one line per set, model and metric, after the header
        result.ShouldSucceed();
        var lines = result.Out.TrimEnd('\n').Split('\n');
        lines[0].ShouldBe("set,model,metric,mean,std,rank,winner");
        lines.Length.ShouldBe(1 + 4 * 2 * 5);
        lines.Skip(1).Select(l => l.Split(',')[0]).Distinct().ShouldBe(["dog", "tennis", "trec", "youtube"]);
        lines.ShouldContain(l => l.StartsWith("youtube,mv,expected_accuracy,0.816,", StringComparison.Ordinal));
    }

    [Fact]
    public void Compare_without_models_runs_the_LF_models_on_an_LF_matrix_and_the_crowd_models_on_answers()
    {
        // When compare is given no --models, on YouTube's LF matrix and on the bluebird annotators' answers
        var youtube = Path.Combine(SharedData, "youtube");
        var lfs = Shell.Run("compare", "--train", Path.Combine(youtube, "train.json"), "--test", Path.Combine(youtube, "test.json"), "--format", "csv");
        var answers = TestPaths.Crowd("bluebird");
        var crowd = Shell.Run("compare", "--train", answers, "--test", answers, "--gold", TestPaths.Crowd("bluebird", "gold.csv"), "--format", "csv");

        // Then each runs the defaults of its kind, in order
        lfs.ShouldSucceed();
        lfs.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')[0])
            .ShouldBe(["mv", "wmv", "snorkel", "dawid-skene", "ebcc", "flyingsquid", "auto"]);
        crowd.ShouldSucceed();
        crowd.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')[0])
            .ShouldBe(["mv", "dawid-skene", "ibcc", "mace", "glad", "ebcc", "auto"]);
    }

    [Theory]
    [InlineData("train.json", "has train.json but no test.json")]
    [InlineData("test.json", "has test.json but no train.json")]
    public void Compare_suite_refuses_a_sub_folder_holding_half_a_split_naming_it(string file, string message)
    {
        // Given a suite of YouTube and a folder with only one file of a split (it was skipped without a word)
        using var temp = new TempFolder();
        var youtube = Path.Combine(SharedData, "youtube");
        void Copy(string folder, params string[] names)
        {
            Directory.CreateDirectory(temp.File(folder));
            foreach (var name in names) File.Copy(Path.Combine(youtube, name), temp.File(Path.Combine(folder, name)));
        }
        Copy("a", "train.json", "test.json", "label.json");
        Copy("b", file, "label.json");
        var half = temp.File("b");
        Directory.CreateDirectory(temp.File("notes")); // neither file: not a set

        Shell.Run("compare", "--suite", temp.Path, "--models", "mv")
            .ShouldFailWith(1, $"error: {half}: {message}; a set of the suite needs both (move the folder out of the suite to leave it out)");
    }

    [Fact]
    public void Compare_suite_with_a_train_matrix_too_is_a_usage_error()
        => Shell.Run("compare", "--suite", SharedData, "--train", "x.snkm", "--models", "mv").ShouldFailWith(2)
            .ErrorLines[0].ShouldBe("snorkeler compare: give --suite DIR or --train/--test, not both ('--train' with --suite)");

    [Theory]
    [InlineData("--gold-column", "label")]
    [InlineData("--gold", "gold.csv")]
    [InlineData("--gold-task-column", "item")]
    [InlineData("--gold-label-column", "truth")]
    [InlineData("--label-column", "answer")]
    [InlineData("--task-column", "item")]
    [InlineData("--worker-column", "rater")]
    [InlineData("--kind-column", "kind")]
    [InlineData("--repeats", "first")]
    [InlineData("--storage", "sparse")]
    [InlineData("--annotators", "all")]
    [InlineData("--delimiter", ";")]
    [InlineData("--lfs", "lfs.rules")]
    [InlineData("--column", "text=body")]
    public void Compare_suite_with_an_option_for_single_matrices_is_a_usage_error_naming_it(string option, string value)
        => Shell.Run("compare", "--suite", SharedData, option, value, "--models", "mv").ShouldFailWith(2)
            .ErrorLines[0].ShouldBe($"snorkeler compare: '{option}' does not apply to --suite, which reads Wrench-format folders (train.json, test.json, valid.json "
                + "and label.json) as they are; it applies to the --train, --test and --dev files of a single comparison");

    [Fact]
    public void Compare_suite_with_several_options_for_single_matrices_names_them_all()
        => Shell.Run("compare", "--suite", SharedData, "--delimiter", ";", "--models", "mv", "--gold-column", "label").ShouldFailWith(2)
            .ErrorLines[0].ShouldStartWith("snorkeler compare: '--gold-column' and '--delimiter' do not apply to --suite, which reads Wrench-format folders");

    [Fact]
    public void Compare_without_a_suite_or_a_train_matrix_is_a_usage_error()
        => Shell.Run("compare", "--models", "mv").ShouldFailWith(2)
            .ErrorLines[0].ShouldBe("snorkeler compare: missing required option '--train MATRIX' (or '--suite DIR')");

    [Fact]
    public void Compare_suite_of_a_missing_folder_exits_1_naming_it()
    {
        using var temp = new TempFolder();
        var missing = temp.File("nope");
        Shell.Run("compare", "--suite", missing, "--models", "mv").ShouldFailWith(1).ErrorLines.ShouldBe([$"error: {missing}: no such folder"]);
    }

    [Fact]
    public void Model_options_whose_values_hold_colons_stay_with_their_model()
    {
        // When snorkel models two named LF pairs and auto is compared without the dev split
        var youtube = Path.Combine(SharedData, "youtube");
        var result = Shell.Run("compare", "--train", Path.Combine(youtube, "train.json"), "--test", Path.Combine(youtube, "test.json"),
            "--dev", Path.Combine(youtube, "valid.json"), "--models", "snorkel:epochs=50,deps=lf_0:lf_3;lf_1:lf_2,mv,auto:dev=none", "--format", "csv");

        // Then three models, each with its options
        result.ShouldSucceed();
        var lines = result.Out.TrimEnd('\n').Split('\n').Skip(1).ToArray();
        lines.Length.ShouldBe(3);
        lines.Select(l => l.StartsWith('"') ? l[1..l.IndexOf('"', 1)] : l[..l.IndexOf(',')])
            .ShouldBe(["snorkel:epochs=50,deps=lf_0:lf_3;lf_1:lf_2", "mv", "auto:dev=none"]);
    }

    /// <summary>Models with options, whose names are up to 44 characters long: ten of them do not fit one 100-column table.</summary>
    private const string LongModels = "mv,wmv,snorkel:epochs=500,lr=0.01,snorkel:epochs=200,lr=0.05,dawid-skene:smoothing=auto,confusion=one-coin,"
        + "dawid-skene:abstain=vote,flyingsquid:min-correlation=0.05,partners=4,flyingsquid,ebcc:subtypes=2,auto:dev=none";

    private static readonly string[] LongModelNames = ModelComparison.ParseModelList(LongModels);

    /// <summary>A suite of two sets with long names that differ only at their end, each YouTube's test split as train and test.</summary>
    private static (string Suite, string[] Sets) LongNamedSuite(TempFolder temp)
    {
        string[] sets = ["youtube_comments_collected_in_the_second_crawl_of_2015_part_one", "youtube_comments_collected_in_the_second_crawl_of_2015_part_two"];
        foreach (var set in sets)
        {
            Directory.CreateDirectory(temp.File(set));
            File.Copy(TestPaths.YouTubeFile("label.json"), Path.Combine(temp.File(set), "label.json"));
            File.Copy(TestPaths.YouTubeFile("test.json"), Path.Combine(temp.File(set), "train.json"));
            File.Copy(TestPaths.YouTubeFile("test.json"), Path.Combine(temp.File(set), "test.json"));
        }
        return (temp.Path, sets);
    }

    [Fact]
    public void The_suite_text_tables_of_ten_models_with_long_names_split_into_several_tables_of_100_columns_each_with_the_set_column()
    {
        // Given
        using var temp = new TempFolder();
        var (suite, sets) = LongNamedSuite(temp);

        // When
        var text = Shell.Run("compare", "--suite", suite, "--models", LongModels);
        var csv = Shell.Run("compare", "--suite", suite, "--models", LongModels, "--format", "csv");

        // Then every line fits, and each metric has several tables, each with the two sets and the average rank
        text.ShouldSucceed();
        var lines = text.Out.Split('\n');
        lines.ShouldAllBe(l => l.Length <= 100);
        var tables = Tables(lines);
        tables.Count.ShouldBeGreaterThan(5);
        (tables.Count % 5).ShouldBe(0);
        foreach (var table in tables)
        {
            var setRows = table.Skip(HeaderLines(table)).ToList();
            setRows.Count.ShouldBe(3);
            setRows[2].ShouldStartWith("average rank");
        }

        // And the header lines of the tables of one metric give every model's whole name, in order, each once
        var perMetric = tables.Count / 5;
        for (var m = 0; m < 5; m++)
            tables.Skip(m * perMetric).Take(perMetric).SelectMany(HeaderNames).ShouldBe(LongModelNames);

        // And the set names, cut to fit, each stand for their own set alone; CSV keeps them whole
        var shownSets = tables[0].Skip(HeaderLines(tables[0])).Take(2).Select(Shown).ToArray();
        shownSets[0].ShouldNotBe(shownSets[1]);
        for (var i = 0; i < 2; i++)
        {
            CutNames.StandsFor(shownSets[i], sets[i]).ShouldBeTrue(shownSets[i]);
            CutNames.StandsFor(shownSets[i], sets[1 - i]).ShouldBeFalse(shownSets[i]);
        }
        csv.Out.ShouldContain($"{sets[1]},\"snorkel:epochs=500,lr=0.01\",expected_accuracy,");
    }

    [Fact]
    public void The_compare_text_table_of_models_with_long_names_fits_100_columns_each_name_standing_for_its_model_alone()
    {
        // Given
        var (train, test) = (TestPaths.YouTubeFile("test.json"), TestPaths.YouTubeFile("test.json"));

        // When
        var text = Shell.Run("compare", "--train", train, "--test", test, "--models", LongModels);

        // Then
        text.ShouldSucceed();
        var lines = text.Out.Split('\n');
        lines.ShouldAllBe(l => l.Length <= 100);
        var shown = lines.Skip(2).Take(LongModelNames.Length).Select(Shown).ToArray();
        for (var i = 0; i < shown.Length; i++)
            LongModelNames.Where(name => CutNames.StandsFor(shown[i], name)).ShouldBe([LongModelNames[i]], shown[i]);
    }

    /// <summary>The first cell of a table line (names here have no spaces).</summary>
    private static string Shown(string line) => line.Split(' ')[0];

    /// <summary>How many lines a table's header takes: its last line starts with the set column's "set".</summary>
    private static int HeaderLines(List<string> table) => table.FindIndex(l => l.StartsWith("set ", StringComparison.Ordinal)) + 1;

    /// <summary>The text tables: runs of lines after a title line ("... is better; * = best on the set)"), up to a blank line.</summary>
    private static List<List<string>> Tables(string[] lines)
    {
        var tables = new List<List<string>>();
        List<string>? current = null;
        foreach (var line in lines)
        {
            if (line.EndsWith("* = best on the set)", StringComparison.Ordinal) || (current is null && tables.Count > 0 && line.Length > 0 && !line.StartsWith('±')))
            {
                current = [];
                if (!line.EndsWith("* = best on the set)", StringComparison.Ordinal)) current.Add(line);
                tables.Add(current);
            }
            else if (line.Length == 0) current = null;
            else current?.Add(line);
        }
        return tables;
    }

    /// <summary>
    /// The model names a table's header gives: the pieces of a name stand on successive header lines, right-aligned
    /// to the end of its column (one character before, the winner's *), so pieces ending at one place are one name.
    /// </summary>
    private static IEnumerable<string> HeaderNames(List<string> table)
    {
        var ends = new SortedDictionary<int, string>();
        foreach (var line in table.Take(HeaderLines(table)))
            foreach (System.Text.RegularExpressions.Match piece in System.Text.RegularExpressions.Regex.Matches(line, @"\S+"))
                if (piece.Value != "set")
                    ends[piece.Index + piece.Length] = ends.GetValueOrDefault(piece.Index + piece.Length, "") + piece.Value;
        return ends.Values;
    }
}
