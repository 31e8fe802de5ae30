using System.Text.Json.Nodes;
using Snorkeler.Reliability.Tests.Support;

namespace Snorkeler.Reliability.Tests;

/// <summary>Damaged model files and matrices that do not fit a model, through <c>snorkeler predict</c>.</summary>
public sealed class ModelAndMatrixCorpusTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly string _model;
    private readonly string _matrix = Corpus.File("matrices", "good.csv");

    public ModelAndMatrixCorpusTests()
    {
        _model = _temp.File("mv.json");
        Shell.Run("fit", "--matrix", _matrix, "--model", "mv", "--out", _model).ShouldSucceed();
    }

    public void Dispose() => _temp.Dispose();

    private CliResult Predict(string model, string? matrix = null)
        => Shell.Run("predict", "--matrix", matrix ?? _matrix, "--model", model, "--out", _temp.File("labels.csv"));

    [Fact]
    public void The_undamaged_model_predicts()
    {
        Predict(_model).ExitCode.ShouldBe(0);
        File.Exists(_temp.File("labels.csv")).ShouldBeTrue();
    }

    [Fact]
    public void A_truncated_model_file_exits_1_naming_the_file_and_line()
    {
        var text = File.ReadAllText(_model);
        var truncated = _temp.Write("truncated.json", text[..(text.Length / 2)]);

        var result = Predict(truncated).ShouldFailStartingWith(1, $"error: {truncated}(");
        result.ErrorLines[0].ShouldContain("not valid JSON (truncated or damaged?)");
        result.ErrorLines.Length.ShouldBe(1);
        File.Exists(_temp.File("labels.csv")).ShouldBeFalse();
    }

    [Fact]
    public void An_empty_model_file_exits_1_naming_the_file()
    {
        var empty = _temp.Write("empty.json", "");

        var result = Predict(empty).ShouldFailWith(1);

        result.ErrorLines.ShouldBe([$"error: {empty}: the file is empty (not a Snorkeler model file)"]);
    }

    [Fact]
    public void A_model_from_a_future_version_exits_1_asking_for_an_upgrade()
    {
        var json = JsonNode.Parse(File.ReadAllText(_model))!.AsObject();
        json["version"] = 99;
        var future = _temp.Write("future.json", json.ToJsonString());

        var result = Predict(future).ShouldFailWith(1);

        result.ErrorLines.ShouldBe([$"error: {future}: model file version 99 is newer than this Snorkeler reads (2); upgrade Snorkeler"]);
    }

    [Fact]
    public void A_tampered_model_exits_1_with_a_checksum_mismatch()
    {
        var json = JsonNode.Parse(File.ReadAllText(_model))!.AsObject();
        json["prior"] = new JsonArray(0.9, 0.1);
        var tampered = _temp.Write("tampered.json", json.ToJsonString());

        var result = Predict(tampered).ShouldFailWith(1);

        result.ErrorLines.ShouldBe([$"error: {tampered}: checksum mismatch: the file was edited or damaged after it was written; refit the model"]);
    }

    [Fact]
    public void A_matrix_whose_lf_names_differ_from_the_models_exits_1_naming_both()
    {
        var other = Corpus.File("matrices", "other-lfs.csv");

        var result = Predict(_model, other).ShouldFailWith(1);

        result.ErrorLines.ShouldBe([$"error: {other}: LF 1 is 'lf_a' but the model expects 'keyword_subscribe'"]);
    }

    [Fact]
    public void Verbose_adds_the_details_and_the_first_line_stays_the_same()
    {
        var text = File.ReadAllText(_model);
        var truncated = _temp.Write("truncated.json", text[..(text.Length / 2)]);

        var plain = Predict(truncated);
        var verbose = Shell.Run("predict", "--matrix", _matrix, "--model", truncated, "--out", _temp.File("labels.csv"), "--verbose");

        verbose.ExitCode.ShouldBe(1);
        verbose.ErrorLines[0].ShouldBe(plain.ErrorLines[0]);
        verbose.ErrorLines.Length.ShouldBeGreaterThan(1);
    }
}
