using System.Text.Json.Nodes;
using Snorkeler.Analysis;
using Snorkeler.Data;
using Snorkeler.LabelModels.Tests.Support;
using Snorkeler.Text;
using Xunit.Abstractions;

namespace Snorkeler.LabelModels.Tests;

public sealed class ModelComparisonTests(ITestOutputHelper output)
{
    private static readonly string[] AllModels = ["mv", "wmv", "snorkel", "snorkel:epochs=500", "dawid-skene", "flyingsquid", "auto"];

    [Fact]
    public void The_YouTube_comparison_reproduces_the_reference_figures()
    {
        var train = WrenchFile.ReadMatrix(TestPaths.YouTubeFile("train.json"));
        var test = WrenchFile.ReadMatrix(TestPaths.YouTubeFile("test.json"));
        var dev = WrenchFile.ReadMatrix(TestPaths.YouTubeFile("valid.json"));
        var result = ModelComparison.Run(train.WithGold([]), test, dev, AllModels, [123], TieBreak.Random);
        output.WriteLine(result.ToMarkdown());
        output.WriteLine(result.ToText());
        result.Rows.Select(r => r.Model).ShouldBe(AllModels);
        result.Rows[0].ExpectedAccuracy.ShouldBe(0.816, 0.0005);
        result.Rows[2].ExpectedAccuracy.ShouldBe(0.840, 0.0005);
        result.Rows[3].ExpectedAccuracy.ShouldBe(0.864, 0.0005);
        result.Rows[6].ExpectedAccuracy.ShouldBeGreaterThanOrEqualTo(0.864);
    }

    [Fact]
    public void A_models_own_warning_reaches_the_comparison_once_with_the_models_name_however_many_seeds_repeat_it()
    {
        // Given YouTube, whose LFs each vote one class (ebcc, which reads abstains as missing, warns about them on every fit)
        var train = WrenchFile.ReadMatrix(TestPaths.YouTubeFile("train.json")).WithGold([]);
        var test = WrenchFile.ReadMatrix(TestPaths.YouTubeFile("test.json"));
        var warnings = new List<string>();

        // When ebcc and majority vote are compared over three seeds
        ModelComparison.Run(train, test, null, ["mv", "ebcc"], [0, 1, 2], warn: warnings.Add);

        // Then the warning is passed on once, naming the model, without a second "warning:" or model prefix
        output.WriteLine(string.Join("\n", warnings));
        warnings.ShouldHaveSingleItem().ShouldStartWith("model 'ebcc': 100% of the votes come from LFs that only ever vote one class");
    }

    [Fact]
    public void Seeds_that_all_score_the_same_have_a_spread_of_exactly_zero()
    {
        // Given majority vote, which no seed changes, over three seeds (the spread came out 1.4e-16 from the mean's rounding)
        var result = ModelComparison.Run(Some.Synthetic(300, 5, 2, seed: 1), Some.Synthetic(101, 5, 2, seed: 2), null, ["mv"], [1, 2, 3]);

        // Then
        var spread = result.Rows[0].Std!;
        new[] { spread.ExpectedAccuracy, spread.Accuracy, spread.MacroF1, spread.LogLoss, spread.CalibrationError }.ShouldAllBe(x => x == 0);
    }

    [Fact]
    public void The_JSON_is_an_array_of_objects_with_exactly_the_documented_keys()
    {
        var train = Some.Synthetic(300, 5, 2, seed: 1);
        var test = Some.Synthetic(100, 5, 2, seed: 2);
        var result = ModelComparison.Run(train, test, null, ["mv", "snorkel"], [1, 2, 3]);
        var array = JsonNode.Parse(result.ToJson())!.AsArray();
        array.Count.ShouldBe(2);
        foreach (var row in array)
            row!.AsObject().Select(p => p.Key).ShouldBe(["model", "expected_accuracy", "accuracy", "macro_f1", "log_loss", "calibration_error"]);
        foreach (var row in JsonNode.Parse(result.ToJson(timings: true))!.AsArray())
            row!.AsObject().Select(p => p.Key).ShouldBe(["model", "expected_accuracy", "accuracy", "macro_f1", "log_loss", "calibration_error", "fit_seconds", "predict_seconds"]);
        result.Rows[1].Std.ShouldNotBeNull();
        result.ToMarkdown().ShouldContain("±");
        result.ToText().ShouldContain("* accuracy under --tie-break random");
    }

    [Fact]
    public void A_model_that_cannot_fit_the_matrix_is_listed_as_refused_in_every_format_and_the_others_are_compared()
    {
        // Given two LFs, too few for flyingsquid's triplets
        var train = Some.Synthetic(300, 2, 2, seed: 1);
        var test = Some.Synthetic(100, 2, 2, seed: 2);

        // When majority vote and flyingsquid are compared over two seeds
        var result = ModelComparison.Run(train, test, null, ["flyingsquid", "mv"], [1, 2]);

        // Then majority vote has its row, and flyingsquid is refused once with its own reason in each format
        result.Rows.Select(r => r.Model).ShouldBe(["mv"]);
        var refusal = result.Refused.ShouldHaveSingleItem();
        refusal.Model.ShouldBe("flyingsquid");
        Should.Throw<ModelRefusalException>(() => new FlyingSquidTrainer().Fit(train, new FitContext { Seed = 1 })).Message.ShouldEndWith(refusal.Reason);
        refusal.Reason.ShouldContain("3");
        var json = JsonNode.Parse(result.ToJson())!.AsArray();
        json.Select(o => (string)o!["model"]!).ShouldBe(["mv", "flyingsquid"]);
        json[1]!.AsObject().Select(p => p.Key).ShouldBe(["model", "refused"]);
        ((string)json[1]!["refused"]!).ShouldBe(refusal.Reason);
        result.ToCsv().Split('\n')[^2].ShouldBe("flyingsquid,,,,,");
        result.ToMarkdown().TrimEnd().Split('\n')[^1].ShouldBe($"- flyingsquid not compared: {Printable.MarkdownCell(refusal.Reason)}");
        result.ToText().ShouldContain($"flyingsquid not compared: {refusal.Reason}");
    }

    [Fact]
    public void A_failure_that_is_not_a_model_refusing_the_matrix_stops_the_comparison_with_its_own_message()
    {
        // Given three LFs and a dependency option naming an LF the matrix does not have
        var train = Some.Synthetic(300, 3, 2, seed: 1);
        var test = Some.Synthetic(100, 3, 2, seed: 2);

        // When / Then: the option's error, not a refusal listed beside majority vote's row
        var error = Should.Throw<SnorkelerException>(() => ModelComparison.Run(train, test, null, ["mv", "snorkel:deps=lf_0:lf_x"], [1]));
        error.ShouldNotBeOfType<ModelRefusalException>();
        error.Message.ShouldStartWith("snorkel --deps: no LF named 'lf_x'");
    }

    [Fact]
    public void A_comparison_in_which_no_model_can_fit_is_an_error_naming_the_training_file_and_each_reason()
    {
        // Given two LFs, and only models that need three
        var train = Some.Synthetic(300, 2, 2, seed: 1);
        var test = Some.Synthetic(100, 2, 2, seed: 2);

        // When / Then
        var error = Should.Throw<SnorkelerException>(() => ModelComparison.Run(train, test, null, ["flyingsquid"], [1], trainName: "train.json"));
        error.Message.ShouldStartWith("train.json: no model can fit this matrix: ");
        error.Message.ShouldContain("flyingsquid");
    }

    [Fact]
    public void The_text_table_of_the_seven_default_models_fits_100_columns_with_the_tie_break_in_a_footnote()
    {
        // Given the default models' scores on one seed (as on YouTube) and on three
        ComparisonRow Row(string model, double ea, ComparisonRow? std = null) => new(model, ea, ea - 0.008, ea - 0.015, 0.4403, 0.077, 1.15, 0.001, std);
        string[] models = ["mv", "wmv", "snorkel", "dawid-skene", "ebcc", "flyingsquid", "auto"];
        var one = new ComparisonResult(models.Select(m => Row(m, 0.816)).ToList(), TieBreak.Random, [0]);
        var three = new ComparisonResult(models.Select(m => Row(m, 0.816, Row("", 0.0123))).ToList(), TieBreak.Abstain, [4, 5, 6]);

        // When (with the timings, the widest table)
        var single = one.ToText(timings: true).TrimEnd('\n').Split('\n');
        var seeds = three.ToText(timings: true).TrimEnd('\n').Split('\n');

        // Then every line fits, no figure is lost, and the footnotes say what the short headers leave out
        single.Max(l => l.Length).ShouldBeLessThanOrEqualTo(100);
        seeds.Max(l => l.Length).ShouldBeLessThanOrEqualTo(100);
        single[0].ShouldBe("model        expected acc.  accuracy*  macro-F1  log-loss  calib. error  fit s  predict s");
        single[5].ShouldBe("dawid-skene         0.8160     0.8080    0.8010    0.4403        0.0770  1.150      0.001");
        single[^1].ShouldBe("* accuracy under --tie-break random");
        seeds[2].ShouldBe("mv                  0.8160     0.8080    0.8010    0.4403        0.0770  1.150      0.001");
        seeds[3].ShouldBe("  ±                 0.0123     0.0043   -0.0027    0.4403        0.0770  1.150      0.001");
        seeds[^2].ShouldBe("* accuracy under --tie-break abstain");
        seeds[^1].ShouldBe("± sample standard deviation over the 3 seeds 4..6");
        three.ToMarkdown().ShouldContain("| mv | 0.8160 ± 0.0123 | 0.8080 ± 0.0043 |");
        one.ToText().Split('\n')[0].ShouldBe("model        expected acc.  accuracy*  macro-F1  log-loss  calib. error");
    }

    [Fact]
    public void Without_timings_two_comparisons_of_the_same_splits_and_seeds_write_the_same_JSON_CSV_Markdown_and_text()
    {
        // Given two runs of the same comparison, the second a second slower in every fit and prediction
        var train = Some.Synthetic(300, 5, 2, seed: 1);
        var test = Some.Synthetic(100, 5, 2, seed: 2);
        var first = ModelComparison.Run(train, test, null, ["mv", "snorkel"], [1, 2]);
        var again = ModelComparison.Run(train, test, null, ["mv", "snorkel"], [1, 2]);
        var second = again with { Rows = again.Rows.Select(r => r with { FitSeconds = r.FitSeconds + 1, PredictSeconds = r.PredictSeconds + 1 }).ToList() };

        // When each is written in every format, then the outputs are the same, and only asking for the timings shows the seconds
        second.ToJson().ShouldBe(first.ToJson());
        second.ToCsv().ShouldBe(first.ToCsv());
        second.ToMarkdown().ShouldBe(first.ToMarkdown());
        second.ToText().ShouldBe(first.ToText());
        second.ToCsv(timings: true).ShouldNotBe(first.ToCsv(timings: true));
        first.ToCsv(timings: true).Split('\n')[0].ShouldEndWith(",fit_seconds,predict_seconds");
        first.ToMarkdown(timings: true).ShouldContain("| fit s | predict s |");
    }

    [Fact]
    public void A_model_option_the_model_does_not_have_is_rejected()
        => Should.Throw<SnorkelerException>(() => ModelComparison.Run(Some.Synthetic(30, 3, 2, seed: 1), Some.Synthetic(30, 3, 2, seed: 2), null, ["snorkel:epoch=5"], [1]))
            .Message.ShouldBe("model 'snorkel:epoch=5': snorkel has no option 'epoch'");

    [Fact]
    public void One_seed_gives_no_standard_deviation()
        => ModelComparison.Run(Some.Synthetic(300, 5, 2, seed: 1), Some.Synthetic(100, 5, 2, seed: 2), null, ["mv"], [1]).Rows[0].Std.ShouldBeNull();

    [Fact]
    public void An_unknown_model_is_rejected_before_any_fit_with_a_suggestion()
        => Should.Throw<SnorkelerException>(() => ModelComparison.Run(Some.Synthetic(30, 3, 2, seed: 1), Some.Synthetic(30, 3, 2, seed: 2), null, ["mv", "snorkle"], [1]))
            .Message.ShouldStartWith("unknown label model 'snorkle'; did you mean 'snorkel'?");

    [Theory]
    [InlineData(new[] { "b", "a", "c" }, "test.csv: its LFs differ from those of the training matrix train.csv: the same LFs in another order (LF 1 is 'b' in the test matrix, 'a' in the training matrix); a model fitted on one reads the other's LFs by position, so they must be the same in the same order")]
    [InlineData(new[] { "a", "b" }, "test.csv: its LFs differ from those of the training matrix train.csv: it has 2 LFs, the training matrix 3; 'c' is only in the training matrix; a model fitted on one reads the other's LFs by position, so they must be the same in the same order")]
    [InlineData(new[] { "a", "b", "c", "d", "e", "f", "g" }, "test.csv: its LFs differ from those of the training matrix train.csv: it has 7 LFs, the training matrix 3; 'd', 'e', 'f' and 1 more are only in the test matrix; a model fitted on one reads the other's LFs by position, so they must be the same in the same order")]
    public void A_test_split_whose_LFs_differ_from_the_training_matrix_s_is_rejected_before_any_fit_saying_what_differs(string[] testLfs, string message)
    {
        // Given a training matrix of LFs a, b, c and a test split of others
        var train = LabelMatrix.Create(LabelSchema.Numbered(2), ["a", "b", "c"], new int[4, 3]);
        var test = LabelMatrix.Create(LabelSchema.Numbered(2), testLfs, new int[4, testLfs.Length], [0, 1, 0, 1]);

        // When they are compared, then the error names both and says what differs (snorkel would have fitted first)
        Should.Throw<SnorkelerException>(() => ModelComparison.Run(train, test, null, ["snorkel:epochs=100000"], [1], testName: "test.csv", trainName: "train.csv"))
            .Message.ShouldBe(message);
    }

    [Fact]
    public void A_test_split_without_gold_labels_is_rejected()
        => Should.Throw<SnorkelerException>(() => ModelComparison.Run(Some.Synthetic(30, 3, 2, seed: 1), Some.Synthetic(30, 3, 2, seed: 2).WithGold([]), null, ["mv"], [1]))
            .Message.ShouldBe("the test split has no gold labels to score against");

    [Fact]
    public void Dev_none_fits_a_model_without_the_dev_split_beside_the_same_model_with_it()
    {
        var train = WrenchFile.ReadMatrix(TestPaths.YouTubeFile("train.json")).WithGold([]);
        var test = WrenchFile.ReadMatrix(TestPaths.YouTubeFile("test.json"));
        var dev = WrenchFile.ReadMatrix(TestPaths.YouTubeFile("valid.json"));

        var result = ModelComparison.Run(train, test, dev, ["wmv", "wmv:dev=none", "snorkel:dev=use"], [123]);
        var alone = ModelComparison.Run(train, test, null, ["wmv"], [123]);
        var withPrior = ModelComparison.Run(train, test, dev, ["snorkel"], [123], devForAll: true);

        result.Rows.Select(r => r.Model).ShouldBe(["wmv", "wmv:dev=none", "snorkel:dev=use"]);
        result.Rows[1].ExpectedAccuracy.ShouldBe(alone.Rows[0].ExpectedAccuracy);
        result.Rows[0].ExpectedAccuracy.ShouldNotBe(result.Rows[1].ExpectedAccuracy);
        result.Rows[2].ExpectedAccuracy.ShouldBe(withPrior.Rows[0].ExpectedAccuracy);
    }

    [Fact]
    public void The_dev_value_is_read_in_any_case_as_the_models_option_words_are()
    {
        // Given a training, test and dev split
        var (train, test, dev) = (Some.Synthetic(300, 4, 2, seed: 1).WithGold([]), Some.Synthetic(200, 4, 2, seed: 2), Some.Synthetic(100, 4, 2, seed: 3));

        // When wmv is compared with dev=none and dev=use in other cases (before: "dev expects none or use, got 'NONE'")
        var rows = ModelComparison.Run(train, test, dev, ["wmv:dev=NONE", "wmv:dev=none", "wmv:dev=Use", "wmv:dev=use"], [1]).Rows;

        // Then each fits as its lower-case spelling does
        rows[0].ExpectedAccuracy.ShouldBe(rows[1].ExpectedAccuracy);
        rows[2].ExpectedAccuracy.ShouldBe(rows[3].ExpectedAccuracy);
        rows[0].ExpectedAccuracy.ShouldNotBe(rows[2].ExpectedAccuracy);
    }

    [Fact]
    public void A_dev_value_other_than_none_or_use_is_rejected()
        => Should.Throw<SnorkelerException>(() => ModelComparison.Run(Some.Synthetic(30, 3, 2, seed: 1), Some.Synthetic(30, 3, 2, seed: 2), null, ["auto:dev=no"], [1]))
            .Message.ShouldBe("model 'auto:dev=no': dev expects none or use, got 'no'");
}
