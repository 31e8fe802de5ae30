using Snorkeler.Cli.Tests.Support;

namespace Snorkeler.Cli.Tests;

public sealed class CompareSuiteTests
{
    private static string SharedData => Path.Combine(TestPaths.Shared, "data");

    [Theory]
    [InlineData("snorkel:foo=1", "snorkeler compare: model 'snorkel:foo=1': snorkel has no option 'foo'")]
    [InlineData("mv,dawid-skene,mv", "snorkeler compare: --models names 'mv' twice; give each model once")]
    public void An_unknown_model_option_or_a_model_named_twice_is_a_usage_error(string models, string message)
    {
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
}
