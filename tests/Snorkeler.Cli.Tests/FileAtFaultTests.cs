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
}
