using System.Globalization;
using System.Text;
using System.Text.Json;
using Snorkeler.LabelModels.Tests.Support;

namespace Snorkeler.LabelModels.Tests;

public sealed class SuiteComparisonTests
{
    /// <summary>Writes a matrix as a Wrench split (weak_labels and label per row) with its label.json.</summary>
    private static void WriteWrench(string folder, string split, LabelMatrix matrix)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "label.json"), "{" + string.Join(", ", Enumerable.Range(0, matrix.Schema.Cardinality).Select(c => $"\"{c}\": \"c{c}\"")) + "}");
        var sb = new StringBuilder("{");
        for (var i = 0; i < matrix.RowCount; i++)
        {
            var votes = string.Join(", ", Enumerable.Range(0, matrix.LfCount).Select(j => matrix[i, j].ToString(CultureInfo.InvariantCulture)));
            sb.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? "" : ",")}\"{i}\": {{\"data\": {{}}, \"label\": {matrix.Gold(i)}, \"weak_labels\": [{votes}]}}");
        }
        File.WriteAllText(Path.Combine(folder, $"{split}.json"), sb.Append('}').ToString());
    }

    private static TempFolder Suite()
    {
        var folder = new TempFolder();
        WriteWrench(folder.File("alpha"), "train", Some.Synthetic(400, 5, 2, seed: 1));
        WriteWrench(folder.File("alpha"), "test", Some.Synthetic(200, 5, 2, seed: 2));
        WriteWrench(folder.File("alpha"), "valid", Some.Synthetic(100, 5, 2, seed: 3));
        WriteWrench(folder.File("beta"), "train", Generated.Crowd(300, 8, 3, 3, 0.8, seed: 4).Matrix);
        WriteWrench(folder.File("beta"), "test", Generated.Crowd(150, 8, 3, 3, 0.8, seed: 5).Matrix);
        Directory.CreateDirectory(folder.File("notes")); // a folder without a split is not a data set
        return folder;
    }

    [Fact]
    public void The_line_on_each_set_counts_its_rows_with_thousands_separators_and_one_in_the_singular()
    {
        // Given a set of 1,200 train rows and a single test row
        using var folder = new TempFolder();
        WriteWrench(folder.File("alpha"), "train", Some.Synthetic(1200, 5, 2, seed: 1));
        WriteWrench(folder.File("alpha"), "test", Some.Matrix(2, [[0, 0, 1, -1, 0]], gold: [0]));
        var log = new List<string>();

        // When
        SuiteComparison.Run(folder.Path, ["mv"], [1], log: log.Add);

        // Then (it was "1 test rows")
        log.ShouldContain("compare: alpha: 1,200 train rows, 1 test row, 5 sources, 2 classes", string.Join("\n", log));
    }

    [Fact]
    public void Every_model_runs_on_every_set_with_every_seed_and_each_metric_gets_a_table_with_winners_and_average_ranks()
    {
        using var folder = Suite();
        var result = SuiteComparison.Run(folder.Path, ["mv", "snorkel", "dawid-skene"], [1, 2]);

        result.Sets.Select(s => s.Name).ShouldBe(["alpha", "beta"]);
        result.Models.ShouldBe(["mv", "snorkel", "dawid-skene"]);
        result.Sets.ShouldAllBe(s => s.Result.Rows.All(r => r.Std != null));
        var markdown = result.ToMarkdown();
        foreach (var metric in result.Metrics) markdown.ShouldContain($"#### {metric.Name}");
        markdown.ShouldContain("| average rank |");
        markdown.ShouldContain("**");
        result.ToText().ShouldContain("* = best on the set");

        var json = JsonDocument.Parse(result.ToJson()).RootElement;
        json.GetProperty("sets").GetArrayLength().ShouldBe(2);
        json.GetProperty("average_rank").GetProperty("log_loss").EnumerateObject().Select(p => p.Name).ShouldBe(["mv", "snorkel", "dawid-skene"]);
        json.GetProperty("winners").GetProperty("expected_accuracy").GetProperty("beta").GetArrayLength().ShouldBeGreaterThan(0);

        var csv = result.ToCsv().TrimEnd('\n').Split('\n');
        csv[0].ShouldBe("set,model,metric,mean,std,rank,winner");
        csv.Length.ShouldBe(1 + 2 * 3 * result.Metrics.Count);
    }

    [Fact]
    public void Ranks_put_the_best_first_by_the_metric_s_direction_and_tied_models_share_their_ranks()
    {
        ComparisonRow Row(string model, double ea, double logLoss) => new(model, ea, ea, ea, logLoss, 0, 0, 0);
        var set = new ComparisonResult([Row("a", 0.9, 0.3), Row("b", 0.8, 0.3), Row("c", 0.9, 0.1)], Analysis.TieBreak.Random, [1]);
        var result = new SuiteResult([("s", set)], ["a", "b", "c"], Analysis.TieBreak.Random, [1]);

        var (ranks, average) = result.Ranks(result.Metrics[0]);
        ranks[0].ShouldBe([1.5, 3, 1.5]);
        average.ShouldBe([1.5, 3, 1.5]);
        result.Ranks(result.Metrics.Single(m => m.Key == "log_loss")).Ranks[0].ShouldBe([2.5, 2.5, 1]);
    }

    [Fact]
    public void The_text_tables_of_the_seven_default_models_on_four_sets_with_three_seeds_fit_100_columns_with_spreads_on_their_own_lines()
    {
        // Given the default models' scores on four sets with three seeds (a log-loss above 10, as mv's on trec)
        string[] models = ["mv", "wmv", "snorkel", "dawid-skene", "ebcc", "flyingsquid", "auto"];
        ComparisonRow Row(string model, double value, ComparisonRow? std = null) => new(model, value, value, value, value * 12.5, value / 10, 1, 0, std);
        ComparisonResult Set(double offset) => new(models.Select((m, i) => Row(m, 0.8 + offset + i / 1000.0, Row(m, 0.0036))).ToList(), Analysis.TieBreak.Random, [0, 1, 2]);
        var result = new SuiteResult([("dog", Set(0.03)), ("tennis", Set(0.02)), ("trec", Set(0.01)), ("youtube", Set(0))], models, Analysis.TieBreak.Random, [0, 1, 2]);

        // When
        var lines = result.ToText().TrimEnd('\n').Split('\n');

        // Then every line fits, each mean keeps its spread on the line under it, and the footnote says what ± is
        lines.Max(l => l.Length).ShouldBeLessThanOrEqualTo(100);
        lines[1].ShouldBe("set               mv      wmv   snorkel   dawid-skene     ebcc   flyingsquid     auto");
        lines[2].ShouldBe("dog           0.8300   0.8310    0.8320        0.8330   0.8340        0.8350   0.8360*");
        lines[3].ShouldBe("  ±           0.0036   0.0036    0.0036        0.0036   0.0036        0.0036   0.0036");
        lines[10].ShouldBe("average rank    7.00     6.00      5.00          4.00     3.00          2.00     1.00");
        lines.ShouldContain("dog           10.3750*  10.3875   10.4000       10.4125   10.4250       10.4375   10.4500");
        lines.ShouldContain("  ±            0.0450    0.0450    0.0450        0.0450    0.0450        0.0450    0.0450");
        lines[^1].ShouldBe("± sample standard deviation over the 3 seeds 0..2");
        result.ToMarkdown().ShouldContain("| dog | 0.8300 ± 0.0036 | 0.8310 ± 0.0036 |");
    }

    [Fact]
    public void A_folder_without_data_sets_is_an_error_naming_it()
    {
        using var folder = new TempFolder();
        Should.Throw<SnorkelerException>(() => SuiteComparison.Run(folder.Path, ["mv"], [1]))
            .Message.ShouldBe($"{folder.Path}: holds no data set: expected sub-folders with train.json and test.json (Wrench format)");
    }

    [Fact]
    public void Calibration_error_is_zero_for_calibrated_probabilities_and_large_for_confident_mistakes()
    {
        // Majority vote with one LF that is always right is certain and right: no calibration error.
        var perfect = Some.Synthetic(200, 1, 2, seed: 6, coverage: 1, allAbstainRows: 0, accuracies: [1.0]);
        ModelComparison.Run(perfect, perfect, null, ["mv"], [1]).Rows[0].CalibrationError.ShouldBe(0, 1e-12);
        // With one LF that is always wrong it is certain and wrong: error 1.
        var wrong = Some.Synthetic(200, 1, 2, seed: 6, coverage: 1, allAbstainRows: 0, accuracies: [0.0]);
        ModelComparison.Run(wrong, wrong, null, ["mv"], [1]).Rows[0].CalibrationError.ShouldBe(1, 1e-12);
    }
}
