using Snorkeler.Data;
using Xunit.Abstractions;

namespace Snorkeler.LabelModels.Tests;

public sealed class YouTubeTests(ITestOutputHelper output)
{
    private static readonly Lazy<(LabelMatrix Train, LabelMatrix Valid, LabelMatrix Test)> Splits = new(() =>
        (WrenchFile.ReadMatrix(TestPaths.YouTubeFile("train.json")),
         WrenchFile.ReadMatrix(TestPaths.YouTubeFile("valid.json")),
         WrenchFile.ReadMatrix(TestPaths.YouTubeFile("test.json"))));

    private static LabelMatrix Train => Splits.Value.Train.WithGold([]);
    private static LabelMatrix Valid => Splits.Value.Valid;
    private static LabelMatrix Test => Splits.Value.Test;

    private double ExpectedAccuracy(string model, FitContext context, params (string, string)[] options)
    {
        var trainer = LabelModelCatalog.Get(model).CreateTrainer(new ModelOptions(options.ToDictionary(o => o.Item1, o => o.Item2)));
        var fitted = trainer.Fit(Train, context with { Log = output.WriteLine });
        var score = fitted.Score(Test).ExpectedAccuracy;
        output.WriteLine($"{model} {string.Join(" ", options.Select(o => $"--{o.Item1} {o.Item2}"))}: expected accuracy {score:F4}");
        return score;
    }

    [Fact]
    public void Majority_vote_scores_0_816_expected_accuracy_on_test()
        => ExpectedAccuracy("mv", FitContext.WithSeed(123)).ShouldBe(0.816, 0.0005);

    [Fact]
    public void Snorkel_with_500_epochs_and_seed_123_scores_at_least_0_859()
        => ExpectedAccuracy("snorkel", FitContext.WithSeed(123), ("epochs", "500")).ShouldBeGreaterThanOrEqualTo(0.859);

    [Fact]
    public void Snorkel_with_defaults_and_seed_123_scores_at_least_0_835()
        => ExpectedAccuracy("snorkel", FitContext.WithSeed(123)).ShouldBeGreaterThanOrEqualTo(0.835);

    [Fact]
    public void Auto_with_the_valid_split_as_dev_scores_at_least_0_864_and_beats_majority_vote()
        => ExpectedAccuracy("auto", FitContext.WithSeed(123) with { Dev = Valid }).ShouldBeGreaterThanOrEqualTo(0.864);

    [Fact]
    public void Auto_records_its_choice_and_every_candidate_in_the_model_file()
    {
        var model = (AutoModel)new AutoTrainer().Fit(Train, FitContext.WithSeed(123) with { Dev = Valid });
        model.Choice.Model.ShouldBe("wmv");
        model.Choice.PriorSource.ShouldBe("uniform");
        using var folder = new TempFolder();
        ModelFile.Save(model, folder.File("auto.json"));
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(folder.File("auto.json")))!;
        json["parameters"]!["chosen"]!["model"]!.GetValue<string>().ShouldBe("wmv");
        json["parameters"]!["candidates"]!.AsArray().Count.ShouldBeGreaterThan(100);
        json["parameters"]!["reason"]!.GetValue<string>().ShouldContain("more than one paired standard error");
        var loaded = (AutoModel)ModelFile.Load(folder.File("auto.json"));
        loaded.Choice.Score.ShouldBe(model.Choice.Score);
        loaded.Selection.Reason.ShouldBe(model.Selection.Reason);
        loaded.Score(Test).ExpectedAccuracy.ShouldBe(model.Score(Test).ExpectedAccuracy);
    }

    [Fact]
    public void Auto_without_a_dev_split_chooses_by_held_out_source_agreement_and_beats_majority_vote()
    {
        var model = (AutoModel)new AutoTrainer().Fit(Train, FitContext.WithSeed(123));
        model.Selection.Criterion.ShouldStartWith("held-out source agreement");
        model.Selection.Candidates.Count.ShouldBe(AutoTrainer.Candidates.Count);
        model.Score(Test).ExpectedAccuracy.ShouldBeGreaterThan(0.816);
    }

    [Fact]
    public void Wmv_with_dev_accuracies_beats_majority_vote()
        => ExpectedAccuracy("wmv", FitContext.WithSeed(123) with { Dev = Valid }).ShouldBeGreaterThan(0.816);
}
