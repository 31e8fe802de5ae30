using Snorkeler.Cli.Tests.Support;
using Snorkeler.LabelModels;

namespace Snorkeler.Cli.Tests;

/// <summary>
/// Errors about one of several inputs name that input's file: a test split, a dev split, a statistics shard or a
/// training matrix whose classes or LFs do not fit the others ("the test split: ..." named none).
/// </summary>
public sealed class FileAtFaultTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>A Wrench split: <paramref name="rows"/> of votes (gold label = first vote), label.json with <paramref name="classes"/> beside it.</summary>
    private string Split(string folder, string file, string[] classes, params int[][] rows)
    {
        _temp.Write(Path.Combine(folder, "label.json"), "{" + string.Join(", ", classes.Select((c, i) => $"\"{i}\": \"{c}\"")) + "}");
        var entries = rows.Select((votes, i) =>
            $"\"{i}\": {{\"data\": {{\"text\": \"row {i}\"}}, \"label\": {Math.Max(0, votes.FirstOrDefault(-1))}, \"weak_labels\": [{string.Join(", ", votes)}]}}");
        return _temp.Write(Path.Combine(folder, file), "{" + string.Join(", ", entries) + "}");
    }

    private static readonly string[] XY = ["x", "y"];
    private static readonly string[] XYZ = ["x", "y", "z"];
    private static readonly int[][] ThreeLfs = [[0, 1, -1], [1, 1, 1], [0, -1, 0], [1, 0, 1]];
    private static readonly int[][] TwoLfs = [[0, 1], [1, 1], [0, -1], [1, 0]];

    [Fact]
    public void Compare_suite_names_the_test_file_whose_LF_count_differs_from_the_training_split()
    {
        // Given a suite whose second set's test split has one LF fewer than its training split
        var suite = Path.Combine(_temp.Path, "suite");
        Split("suite/a", "train.json", XY, ThreeLfs);
        Split("suite/a", "test.json", XY, ThreeLfs);
        var train = Split("suite/b", "train.json", XY, ThreeLfs);
        var test = Split("suite/b", "test.json", XY, TwoLfs);

        // When it is compared, Then the error (after set a's status lines) names set b's test.json, its train.json and what differs
        Shell.Run("compare", "--suite", suite, "--models", "mv").ShouldFailWith(1)
            .ErrorLines[^1].ShouldBe($"error: {test}: its LFs differ from those of the training matrix {train}: it has 2 LFs, the training matrix 3; "
                + "'lf_2' is only in the training matrix; a model fitted on one reads the other's LFs by position, so they must be the same in the same order");
    }

    [Fact]
    public void Compare_names_the_test_file_whose_classes_differ_from_the_training_matrix()
    {
        var train = Split("a", "train.json", XY, ThreeLfs);
        var test = Split("b", "test.json", XYZ, ThreeLfs);

        Shell.Run("compare", "--train", train, "--test", test, "--models", "mv")
            .ShouldFailWith(1, $"error: {test}: its classes x=0, y=1, z=2 differ from those of the training matrix {train}, x=0, y=1");
    }

    [Theory]
    [InlineData("wmv", "--accuracies", "dev")]
    [InlineData("snorkel", "--epochs", "5")]
    public void Fit_names_the_dev_file_whose_classes_differ_from_the_training_matrix(string model, string option, string value)
    {
        var train = Split("a", "train.json", XY, ThreeLfs);
        var dev = Split("b", "valid.json", XYZ, ThreeLfs);

        Shell.Run("fit", "--matrix", train, "--dev", dev, "--model", model, option, value, "--out", _temp.File("m.json"))
            .ShouldFailWith(1, $"error: {dev}: its classes x=0, y=1, z=2 differ from those of the training matrix {train}, x=0, y=1");
    }

    [Theory]
    [InlineData("snorkel")] // reads only the dev split's gold, and took a dev split of other LFs without a word
    [InlineData("auto")]
    [InlineData("wmv")]
    public void Fit_names_the_dev_file_whose_LFs_differ_from_the_training_matrix_before_any_fit(string model)
    {
        // Given a dev split with one LF fewer than the training matrix
        var train = Split("a", "train.json", XY, ThreeLfs);
        var dev = Split("b", "valid.json", XY, TwoLfs);
        var output = _temp.File("m.json");

        // When a model is fitted with it, Then the error names both files and what differs, and no model is written
        Shell.Run("fit", "--matrix", train, "--dev", dev, "--model", model, "--out", output)
            .ShouldFailWith(1, $"error: {dev}: its LFs differ from those of the training matrix {train}: it has 2 LFs, the training matrix 3; "
                + "'lf_2' is only in the training matrix; a model fitted on one reads the other's LFs by position, so they must be the same in the same order");
        File.Exists(output).ShouldBeFalse();
    }

    [Fact]
    public void Compare_names_the_dev_file_whose_LFs_differ_from_the_training_matrix()
    {
        var train = Split("a", "train.json", XY, ThreeLfs);
        var test = Split("a", "test.json", XY, ThreeLfs);
        var dev = Split("b", "valid.json", XY, TwoLfs);

        Shell.Run("compare", "--train", train, "--test", test, "--dev", dev, "--models", "mv,wmv").ShouldFailWith(1)
            .ErrorLines[^1].ShouldStartWith($"error: {dev}: its LFs differ from those of the training matrix {train}: it has 2 LFs, the training matrix 3;");
    }

    [Theory]
    [InlineData("snorkel")]
    [InlineData("flyingsquid")]
    public void Fit_from_statistics_names_the_dev_file_whose_LFs_differ_from_the_statistics(string model)
    {
        // Given statistics of LFs 'a', 'b', 'c' and a dev split of LFs lf_0, lf_1, lf_2 (its prior was taken without a word)
        var stats = _temp.File("s.stats.json");
        SufficientStatistics.Compute(LabelMatrix.Create(new LabelSchema(XY), new[] { "a", "b", "c" }, new[] { 0, 1, 1, 1, 0, 1, 1, 0, 0 })).Save(stats);
        var dev = Split("b", "valid.json", XY, ThreeLfs);
        var output = _temp.File("m.json");

        // When / Then
        Shell.Run("fit", "--stats", stats, "--dev", dev, "--model", model, "--out", output)
            .ShouldFailWith(1).ErrorLines[^1].ShouldStartWith($"error: {dev}: its LFs differ from those of the statistics {stats}:");
        File.Exists(output).ShouldBeFalse();
    }

    [Fact]
    public void Fit_from_statistics_names_the_shard_whose_LFs_differ_from_the_first()
    {
        // Given two shards' statistics, the second with its LFs in another order
        var first = _temp.File("first.stats.json");
        var second = _temp.File("second.stats.json");
        SufficientStatistics.Compute(LabelMatrix.Create(new LabelSchema(XY), new[] { "a", "b" }, new[] { 0, 1, 1, 1 })).Save(first);
        SufficientStatistics.Compute(LabelMatrix.Create(new LabelSchema(XY), new[] { "b", "a" }, new[] { 0, 1, 1, 1 })).Save(second);

        Shell.Run("fit", "--stats", first, second, "--model", "snorkel", "--out", _temp.File("m.json"))
            .ShouldFailWith(1, $"error: {second}: LF 1 is 'b' but the statistics have 'a'");
    }

    [Theory]
    [InlineData("mv")]
    [InlineData("snorkel")]
    [InlineData("ibcc")]
    public void Fit_names_the_training_matrix_that_has_no_LFs(string model)
    {
        var train = Split("a", "train.json", XY, [], [], []);

        Shell.Run("fit", "--matrix", train, "--model", model, "--out", _temp.File("m.json"))
            .ShouldFailWith(1, $"error: {train}: {LabelModel.NoLfs}");
    }

    [Fact]
    public void Compare_suite_names_the_training_split_that_has_no_LFs()
    {
        var train = Split("suite/a", "train.json", XY, [], [], []);
        Split("suite/a", "test.json", XY, [], [], []);

        Shell.Run("compare", "--suite", Path.Combine(_temp.Path, "suite"), "--models", "mv")
            .ShouldFailWith(1, $"error: {train}: {LabelModel.NoLfs}");
    }

    [Theory]
    [InlineData("\"label\": -1, ")]
    [InlineData("\"label\": null, ")]
    [InlineData("")]
    public void Compare_refuses_a_test_split_none_of_whose_rows_has_a_gold_label(string label)
    {
        // Given a test split whose rows carry no gold label (before: a table of 0.0000 and exit code 0)
        var train = Split("a", "train.json", XY, ThreeLfs);
        var test = _temp.Write(Path.Combine("a", "test.json"),
            "{" + string.Join(", ", ThreeLfs.Select((votes, i) => $"\"{i}\": {{\"data\": {{}}, {label}\"weak_labels\": [{string.Join(", ", votes)}]}}")) + "}");

        // When
        var result = Shell.Run("compare", "--train", train, "--test", test, "--models", "mv,snorkel");

        // Then: as compare --suite refuses such a test.json
        result.ShouldFailWith(1, $"error: {test}: the test matrix has no gold labels to score against; a Wrench split carries them in each row's \"label\"");
        result.Out.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("ebcc", "ebcc: only 'lf_0' votes on this matrix; a model of each source's confusion needs at least three voting sources to tell their accuracies apart (use mv or dawid-skene)")]
    [InlineData("flyingsquid", "flyingsquid needs at least 3 LFs to form triplets, got 1")]
    public void Fit_names_the_matrix_a_model_refuses_for_its_shape(string model, string message)
    {
        var train = Split("a", "train.json", XY, [0], [1], [1], [-1]);

        Shell.Run("fit", "--matrix", train, "--model", model, "--out", _temp.File("m.json"))
            .ShouldFailWith(1, $"error: {train}: {message}");
    }

    [Fact]
    public void Compare_reports_the_default_models_that_cannot_fit_a_one_lf_matrix_under_the_table_and_compares_the_rest()
    {
        // Given one LF (ebcc and flyingsquid refuse it: before, the comparison stopped at ebcc, exit 1)
        var train = Split("a", "train.json", XY, [0], [1], [1], [-1]);
        var test = Split("a", "test.json", XY, [0], [1], [1], [-1]);

        // When
        var result = Shell.Run("compare", "--train", train, "--test", test);

        // Then
        var lines = result.ShouldSucceed().Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Select(l => l.Split(' ')[0]).Skip(2).Take(5).ShouldBe(["mv", "wmv", "snorkel", "dawid-skene", "auto"]);
        lines[^2].ShouldBe("ebcc not compared: only 'lf_0' votes on this matrix; a model of each source's confusion needs at least three voting sources to tell their accuracies apart (use mv or dawid-skene)");
        lines[^1].ShouldBe("flyingsquid not compared: flyingsquid needs at least 3 LFs to form triplets, got 1");
    }

    [Fact]
    public void Compare_suite_reports_a_model_that_refuses_one_set_under_its_tables_and_ranks_it_last_there()
    {
        // Given a sound set and one of two LFs, which flyingsquid refuses (before: the suite stopped, exit 1)
        Split("suite/a", "train.json", XY, ThreeLfs);
        Split("suite/a", "test.json", XY, ThreeLfs);
        Split("suite/b", "train.json", XY, TwoLfs);
        Split("suite/b", "test.json", XY, TwoLfs);

        // When
        var result = Shell.Run("compare", "--suite", _temp.File("suite"), "--models", "mv,flyingsquid", "--format", "csv");

        // Then
        var csv = result.ShouldSucceed().Out;
        csv.ShouldContain("\nb,mv,expected_accuracy,");
        csv.ShouldContain("\nb,flyingsquid,expected_accuracy,,,2,false\n");
        result.Error.ShouldContain("warning: set 'b': model 'flyingsquid' not compared: flyingsquid needs at least 3 LFs to form triplets, got 2");
        Shell.Run("compare", "--suite", _temp.File("suite"), "--models", "mv,flyingsquid").ShouldSucceed().Out.TrimEnd()
            .Split('\n')[^1].ShouldBe("set 'b': flyingsquid not compared: flyingsquid needs at least 3 LFs to form triplets, got 2");
    }

    [Fact]
    public void Compare_stops_at_an_error_that_is_not_a_model_refusing_the_matrix_as_fit_does()
    {
        // Given a dependency option naming an LF the matrix does not have (before: 'not compared', and mv compared, exit 0)
        var train = Split("a", "train.json", XY, ThreeLfs);
        var test = Split("a", "test.json", XY, ThreeLfs);

        // When
        var result = Shell.Run("compare", "--train", train, "--test", test, "--models", "mv,snorkel:deps=lf_0:lf_x");

        // Then: the run stops with fit's message and exit code, and no table
        result.ShouldFailWith(1, "error: snorkel --deps: no LF named 'lf_x'; did you mean 'lf_0'?");
        result.Out.ShouldBeEmpty();
        Shell.Run("fit", "--matrix", train, "--model", "snorkel", "--deps", "lf_0:lf_x", "--out", _temp.File("m.json"))
            .ShouldFailWith(1, "error: snorkel --deps: no LF named 'lf_x'; did you mean 'lf_0'?");
    }

    [Fact]
    public void Compare_suite_stops_at_an_error_that_is_not_a_model_refusing_a_set_and_names_the_set()
    {
        // Given a set of three LFs, whose names the option does not give (before: 'not compared' under the tables, exit 0)
        Split("suite/a", "train.json", XY, ThreeLfs);
        Split("suite/a", "test.json", XY, ThreeLfs);

        // When
        var result = Shell.Run("compare", "--suite", _temp.File("suite"), "--models", "mv,snorkel:deps=lf_0:lf_x");

        // Then
        result.ShouldFailWith(1, $"error: set 'a' ({_temp.File("suite/a")}): snorkel --deps: no LF named 'lf_x'; did you mean 'lf_0'?");
        result.Out.ShouldBeEmpty();
    }

    [Fact]
    public void Compare_suite_names_the_set_that_no_model_can_fit()
    {
        // Given a sound set and one of two LFs, which flyingsquid, the only model asked for, refuses
        Split("suite/a", "train.json", XY, ThreeLfs);
        Split("suite/a", "test.json", XY, ThreeLfs);
        var train = Split("suite/b", "train.json", XY, TwoLfs);
        Split("suite/b", "test.json", XY, TwoLfs);

        // When
        var result = Shell.Run("compare", "--suite", _temp.File("suite"), "--models", "flyingsquid");

        // Then
        result.ShouldFailWith(1).ErrorLines[^1].ShouldBe($"error: {train}: no model can fit this matrix: flyingsquid needs at least 3 LFs to form triplets, got 2");
    }

    [Fact]
    public void Fit_predict_and_analyze_refuse_two_wrench_splits_joined_into_one_file()
    {
        // Given train.json and valid.json joined, as 'cat train.json valid.json > both.json' does (before: the first split alone was read)
        var train = Split("a", "train.json", XY, ThreeLfs);
        var both = _temp.Write(Path.Combine("a", "both.json"), File.ReadAllText(train) + "\n" + File.ReadAllText(train));
        var model = _temp.File("m.json");
        Shell.Run("fit", "--matrix", train, "--model", "mv", "--out", model).ShouldSucceed();
        var expected = $"error: {both}(2): data after the end of the split's object (two files joined?)";

        // When / Then: a one-line error naming the line the second split starts on, with the exit code of bad data
        Shell.Run("fit", "--matrix", both, "--model", "mv", "--out", _temp.File("o.json")).ShouldFailWith(1, expected);
        Shell.Run("predict", "--model", model, "--matrix", both, "--out", _temp.File("o.csv")).ShouldFailWith(1, expected);
        Shell.Run("analyze", "--matrix", both).ShouldFailWith(1, expected);
        File.Exists(_temp.File("o.json")).ShouldBeFalse();
        File.Exists(_temp.File("o.csv")).ShouldBeFalse();
    }

    [Fact]
    public void Apply_names_the_sidecar_whose_rename_failed_after_the_matrix_was_published()
    {
        // Given LFs and data, and a folder that takes the sidecar's place once the new matrix is published
        var lfs = _temp.Write("lfs/spam.rules", "labels HAM, SPAM\n\nlf keyword_subscribe:\n    when text contains \"subscribe\" label SPAM\n");
        var data = _temp.Write("data.csv", "text\nplease subscribe\nhello\n");
        var matrix = _temp.File("m.csv");
        var sidecar = matrix + ".schema.json";
        Snorkeler.IO.AtomicFile.AfterUnitRename = (files, renamed) =>
        {
            if (renamed == 1 && files[0].Destination == matrix) Directory.CreateDirectory(Path.Combine(sidecar, "inside"));
        };

        // When
        CliResult result;
        try { result = Shell.Run("apply", "--lfs", Path.GetDirectoryName(lfs)!, "--data", data, "--out", matrix); }
        finally { Snorkeler.IO.AtomicFile.AfterUnitRename = null; }

        // Then the one line names the sidecar, not the matrix published before it
        result.ShouldFailWith(1, $"error: {sidecar}: cannot write: Is a directory");
        result.ErrorLines.Length.ShouldBe(1);
    }
}
