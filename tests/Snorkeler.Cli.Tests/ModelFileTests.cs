using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Snorkeler.Cli.Tests.Support;
using Snorkeler.IO;
using Snorkeler.LabelModels;

namespace Snorkeler.Cli.Tests;

public class ModelFileTests
{
    private static readonly LabelMatrix Train = MatrixFile.Read(TestPaths.YouTubeFile("train.json"));

    private static string Saved(TempFolder temp)
    {
        var model = new MajorityVoteTrainer().Fit(Train, FitContext.WithSeed(0));
        var path = temp.File("mv.json");
        ModelFile.Save(model, path);
        return path;
    }

    /// <summary>Rewrites a model file after <paramref name="edit"/>, with a valid checksum when <paramref name="reseal"/>.</summary>
    private static void Edit(string path, Action<JsonObject> edit, bool reseal)
    {
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(json);
        if (reseal)
        {
            json.Remove("checksum");
            json["checksum"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json.ToJsonString())));
        }
        File.WriteAllText(path, json.ToJsonString());
    }

    [Fact]
    public void A_saved_majority_vote_model_loads_and_predicts_identically()
    {
        using var temp = new TempFolder();
        var model = new MajorityVoteTrainer().Fit(Train, FitContext.WithSeed(0));
        var path = temp.File("mv.json");

        ModelFile.Save(model, path);
        var loaded = ModelFile.Load(path);

        loaded.Name.ShouldBe("mv");
        loaded.Schema.ShouldBe(model.Schema);
        loaded.LfNames.ShouldBe(model.LfNames);
        loaded.ClassPrior.ShouldBe(model.ClassPrior);
        loaded.PredictProbabilities(Train).ShouldBe(model.PredictProbabilities(Train));
        Directory.GetFiles(temp.Path).Length.ShouldBe(1);
    }

    [Fact]
    public void A_resealed_edit_still_loads_so_the_checksum_is_what_rejects_tampering()
    {
        using var temp = new TempFolder();
        var path = Saved(temp);

        Edit(path, j => j["fit"] = new JsonObject { ["note"] = "resealed" }, reseal: true);

        ModelFile.Load(path).Name.ShouldBe("mv");
    }

    [Theory]
    [InlineData("lfs")]
    [InlineData("prior")]
    [InlineData("classes")]
    public void An_edited_value_fails_the_checksum(string field)
    {
        using var temp = new TempFolder();
        var path = Saved(temp);

        Edit(path, j =>
        {
            switch (field)
            {
                case "lfs": j["lfs"]![0] = "renamed"; break;
                case "prior": j["prior"]![0] = 0.9; break;
                default: j["classes"]![0] = "NOT_HAM"; break;
            }
        }, reseal: false);

        Should.Throw<SnorkelerException>(() => ModelFile.Load(path))
            .Message.ShouldBe($"{path}: checksum mismatch: the file was edited or damaged after it was written; refit the model");
    }

    [Theory]
    [InlineData("lf_0", "LF name 'lf_0' is given twice (LFs 1 and 2); every LF needs a name of its own")]
    [InlineData("", "LF 2 has an empty name; every LF needs a name of its own")]
    public void A_model_naming_an_lf_twice_or_not_at_all_is_refused_naming_the_model_and_not_the_matrix(string second, string problem)
    {
        // Given a model whose second LF is renamed, with a valid checksum (fit never writes such a file)
        using var temp = new TempFolder();
        var path = Saved(temp);
        Edit(path, j => j["lfs"]![1] = second, reseal: true);

        // When
        var result = Shell.Run("predict", "--model", path, "--matrix", TestPaths.YouTubeFile("test.json"), "--out", temp.File("p.csv"));

        // Then the model is at fault (it was "test.json: LF 2 is 'lf_1' but the model expects 'lf_0'", for every matrix)
        result.ShouldFailWith(1, $"error: {path}: field 'lfs': {problem}");
        File.Exists(temp.File("p.csv")).ShouldBeFalse();
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("1e0")]
    [InlineData("1.00")]
    public void A_version_written_as_a_number_equal_to_a_whole_one_is_that_version(string version)
    {
        // Given a model whose version a tool rewrote as a decimal (it was "not a positive whole number")
        using var temp = new TempFolder();
        var path = Saved(temp);
        Edit(path, j => j["version"] = JsonNode.Parse(version), reseal: true);

        // When
        var loaded = ModelFile.Load(path);

        // Then
        loaded.PredictProbabilities(Train).ShouldBe(new MajorityVoteTrainer().Fit(Train, FitContext.WithSeed(0)).PredictProbabilities(Train));
    }

    [Theory]
    [InlineData("1.5", "1.5")]
    [InlineData("0", "0")]
    [InlineData("\"1\"", "\"1\"")]
    public void A_version_that_is_no_known_one_is_refused_naming_the_known_one(string version, string shown)
    {
        using var temp = new TempFolder();
        var path = Saved(temp);
        Edit(path, j => j["version"] = JsonNode.Parse(version), reseal: true);

        Should.Throw<SnorkelerException>(() => ModelFile.Load(path))
            .Message.ShouldBe($"{path}: field 'version' is {shown}, not a model file version (a whole number; this Snorkeler reads versions 1 to 2)");
    }

    [Fact]
    public void A_model_file_from_a_newer_snorkeler_is_refused()
    {
        using var temp = new TempFolder();
        var path = Saved(temp);

        Edit(path, j => j["version"] = 3, reseal: true);

        Should.Throw<SnorkelerException>(() => ModelFile.Load(path))
            .Message.ShouldBe($"{path}: model file version 3 is newer than this Snorkeler reads (2); upgrade Snorkeler");
    }

    [Fact]
    public void A_truncated_model_file_is_an_error_naming_the_file()
    {
        using var temp = new TempFolder();
        var path = Saved(temp);
        var text = File.ReadAllText(path);

        File.WriteAllText(path, text[..(text.Length / 2)]);
        var error = Should.Throw<SnorkelerException>(() => ModelFile.Load(path));

        error.Message.ShouldStartWith($"{path}(");
        error.Message.ShouldContain("not valid JSON (truncated or damaged?)");
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    public void A_model_file_holding_a_python_non_finite_number_says_json_has_none_and_names_the_line(string word)
    {
        // Given a model whose prior Python's json.dump rewrote with a NaN or an infinity
        using var temp = new TempFolder();
        var path = Saved(temp);
        var lines = File.ReadAllLines(path);
        var line = Array.FindIndex(lines, l => l.Contains("\"prior\": [", StringComparison.Ordinal)) + 1;
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"prior\": [", $"\"prior\": [{word},", StringComparison.Ordinal));

        // When
        var error = Should.Throw<SnorkelerException>(() => ModelFile.Load(path));

        // Then (it was "'N' is an invalid start of a value", or "'I' is invalid within a number, immediately after a sign character")
        line.ShouldBeGreaterThan(0);
        error.Message.ShouldBe($"{path}({line}): {word} is not a JSON value (JSON has no NaN or Infinity) and Snorkeler never writes one, so the file "
            + "was edited or written by another tool (Python's json.dump writes them for a float NaN or infinity); fit the model again with 'snorkeler fit'");
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("\"mv\"")]
    public void A_model_file_that_is_not_an_object_is_refused(string text)
    {
        using var temp = new TempFolder();
        var path = temp.Write("m.json", text);

        Should.Throw<SnorkelerException>(() => ModelFile.Load(path)).Message.ShouldBe($"{path}: not a Snorkeler model file (expected a JSON object)");
    }

    [Fact]
    public void A_model_file_of_an_unknown_model_suggests_the_nearest()
    {
        using var temp = new TempFolder();
        var path = Saved(temp);

        Edit(path, j => j["model"] = "mw", reseal: true);

        Should.Throw<SnorkelerException>(() => ModelFile.Load(path))
            .Message.ShouldBe($"{path}: unknown label model 'mw'; did you mean 'mv'? (models: mv, snorkel, dawid-skene, ebcc, wmv, flyingsquid, ibcc, mace, glad, auto)");
    }

    [Fact]
    public void A_missing_model_file_is_an_error_naming_it()
    {
        using var temp = new TempFolder();

        Should.Throw<SnorkelerException>(() => ModelFile.Load(temp.File("none.json"))).Message.ShouldBe($"{temp.File("none.json")}: no such file");
    }

    [Fact]
    public void The_model_file_names_its_format_and_version()
    {
        using var temp = new TempFolder();
        using var json = JsonDocument.Parse(File.ReadAllText(Saved(temp)));

        json.RootElement.GetProperty("format").GetString().ShouldBe("snorkeler.label-model");
        json.RootElement.GetProperty("version").GetInt32().ShouldBe(1);
        json.RootElement.GetProperty("checksum").GetString()!.Length.ShouldBe(64);
    }


    [Theory]
    [InlineData("version", "1.5")]
    [InlineData("version", "\"1\"")]
    [InlineData("version", "1e100")]
    [InlineData("prior", "[\"a\", 0.5]")]
    [InlineData("prior", "[0.5]")]
    [InlineData("lfs", "[1, 2]")]
    [InlineData("classes", "[\"HAM\", \"HAM\"]")]
    [InlineData("parameters", "[]")]
    [InlineData("model", "7")]
    public void A_model_file_with_a_field_of_the_wrong_shape_is_an_error_naming_the_file(string field, string value)
    {
        using var temp = new TempFolder();
        var path = Saved(temp);

        Edit(path, j => j[field] = JsonNode.Parse(value), reseal: true);

        Should.Throw<SnorkelerException>(() => ModelFile.Load(path)).Message.ShouldStartWith($"{path}: ");
    }
    [Fact]
    public void Class_and_lf_names_with_any_characters_survive_the_checksum()
    {
        using var temp = new TempFolder();
        var model = new MajorityVoteModel(new LabelSchema(["ÉTÉ", "<b>&'+\""]), ["a+b", "日本", "say \"hi\""]);
        var path = temp.File("m.json");

        ModelFile.Save(model, path);
        var loaded = ModelFile.Load(path);

        loaded.Schema.ShouldBe(model.Schema);
        loaded.LfNames.ShouldBe(model.LfNames);
    }

    public static TheoryData<string> EveryModel => new(LabelModelCatalog.All.Select(k => k.Name));

    [Theory]
    [MemberData(nameof(EveryModel))]
    public void Fitting_twice_with_one_seed_writes_byte_identical_model_files(string model)
    {
        // Given a small matrix (three LFs, so that flyingsquid has a triplet)
        using var temp = new TempFolder();
        var matrix = temp.Write("votes.csv", "a,b,c\n1,1,-1\n0,-1,0\n1,0,1\n0,0,-1\n1,1,1\n-1,0,0\n1,-1,1\n0,0,0\n");

        // When the same fit runs twice
        Shell.Run("fit", "--matrix", matrix, "--model", model, "--seed", "7", "--out", temp.File("1.json")).ShouldSucceed();
        Shell.Run("fit", "--matrix", matrix, "--model", model, "--seed", "7", "--out", temp.File("2.json")).ShouldSucceed();

        // Then the files are the same bytes: no wall time in them (it made the checksums differ)
        File.ReadAllText(temp.File("1.json")).ShouldNotContain("fit_seconds");
        File.ReadAllBytes(temp.File("2.json")).ShouldBe(File.ReadAllBytes(temp.File("1.json")));
    }

    [Fact]
    public void A_model_file_with_the_fit_seconds_earlier_builds_wrote_still_loads_and_predicts()
    {
        using var temp = new TempFolder();
        var path = temp.File("old.json");
        ModelFile.Save(new MajorityVoteTrainer().Fit(Train, FitContext.WithSeed(0)), path,
            new JsonObject { ["seed"] = 0, ["fit_seconds"] = 0.0123, ["train_rows"] = Train.RowCount, ["snorkeler_version"] = "0.1.0" });

        Shell.Run("predict", "--model", path, "--matrix", TestPaths.YouTubeFile("test.json"), "--out", temp.File("p.csv")).ShouldSucceed();
    }
}
