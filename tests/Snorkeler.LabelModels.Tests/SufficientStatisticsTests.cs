using Snorkeler.Data;
using Snorkeler.LabelModels.Tests.Support;

namespace Snorkeler.LabelModels.Tests;

public sealed class SufficientStatisticsTests
{
    private static LabelMatrix YouTubeTrain => WrenchFile.ReadMatrix(TestPaths.YouTubeFile("train.json"));

    private static SufficientStatistics[] Shards(LabelMatrix whole)
    {
        var third = whole.RowCount / 3;
        return
        [
            SufficientStatistics.Compute(whole.Slice(0, third)),
            SufficientStatistics.Compute(whole.Slice(third, third)),
            SufficientStatistics.Compute(whole.Slice(2 * third, whole.RowCount - 2 * third)),
        ];
    }

    [Fact]
    public void Statistics_of_three_slices_added_equal_the_statistics_of_the_whole()
    {
        var whole = YouTubeTrain;
        var merged = SufficientStatistics.Merge(Shards(whole));
        merged.ContentEquals(SufficientStatistics.Compute(whole)).ShouldBeTrue();
        merged.RowCount.ShouldBe(whole.RowCount);
    }

    [Fact]
    public void Statistics_added_in_any_order_are_the_same()
    {
        var shards = Shards(YouTubeTrain);
        SufficientStatistics.Merge([shards[2], shards[0], shards[1]]).ContentEquals(SufficientStatistics.Merge(shards)).ShouldBeTrue();
    }

    [Fact]
    public void Fitting_from_merged_shard_statistics_gives_the_parameters_of_one_fit_over_all_rows()
    {
        var whole = YouTubeTrain;
        var trainer = new SnorkelTrainer(new SnorkelOptions { Epochs = 500 });
        var direct = trainer.Fit(whole, FitContext.WithSeed(123));
        using var folder = new TempFolder();
        var paths = Shards(whole).Select((s, i) =>
        {
            var path = folder.File($"shard{i}.stats.json");
            s.Save(path);
            return path;
        }).ToArray();
        var merged = SufficientStatistics.Merge(paths.Select(SufficientStatistics.Load));
        var fromStats = trainer.Fit(merged, FitContext.WithSeed(123));
        fromStats.SaveParameters().ToJsonString().ShouldBe(direct.SaveParameters().ToJsonString());
        fromStats.PredictProbabilities(whole).ShouldBe(direct.PredictProbabilities(whole));
    }

    [Fact]
    public void FlyingSquid_fits_the_same_from_merged_statistics()
    {
        var whole = YouTubeTrain;
        var trainer = new FlyingSquidTrainer();
        trainer.Fit(SufficientStatistics.Merge(Shards(whole)), FitContext.WithSeed(1)).SaveParameters().ToJsonString()
            .ShouldBe(trainer.Fit(whole, FitContext.WithSeed(1)).SaveParameters().ToJsonString());
    }

    /// <summary>The workout's models and variants whose trainer fits from statistics.</summary>
    public static TheoryData<string> StatisticsModels()
    {
        var data = new TheoryData<string>();
        foreach (var model in LabelModelCatalog.All.Select(k => k.Name).Concat(WorkoutTests.Variants))
            if (WorkoutTests.Trainer(model) is IStatisticsTrainer) data.Add(model);
        return data;
    }

    [Theory]
    [MemberData(nameof(StatisticsModels))]
    public void Every_model_and_option_that_fits_from_statistics_fits_the_same_from_merged_shards(string model)
    {
        // Given: a three-class matrix and its statistics counted in three shards and added up
        var whole = Some.Synthetic(600, 6, 3, seed: 21);
        var merged = SufficientStatistics.Merge(Shards(whole));
        foreach (var context in new[] { FitContext.WithSeed(5), FitContext.WithSeed(5) with { Dev = Some.Synthetic(100, 6, 3, seed: 22) } })
        {
            // When
            var trainer = (IStatisticsTrainer)WorkoutTests.Trainer(model);
            var fromStats = () => trainer.Fit(merged, context);

            // Then: dependent pairs, and a prior estimated from the rows, need the rows; everything else fits as from them
            var needsRows = model.Contains(":deps=", StringComparison.Ordinal)
                            || (context.Dev is null && model.Contains(":prior-estimate=", StringComparison.Ordinal) && !model.EndsWith("=uniform", StringComparison.Ordinal));
            if (needsRows)
            {
                Should.Throw<SnorkelerException>(fromStats).Message.ShouldContain("needs the label matrix, not only its statistics");
                continue;
            }
            var direct = WorkoutTests.Fit(model, whole, context);
            var fitted = fromStats();
            fitted.SaveParameters().ToJsonString().ShouldBe(direct.SaveParameters().ToJsonString(), model);
            fitted.PredictProbabilities(whole).ShouldBe(direct.PredictProbabilities(whole));
        }
    }

    [Fact]
    public void Snorkel_and_flyingsquid_fit_from_statistics_and_the_other_models_do_not()
        => LabelModelCatalog.All.Where(k => k.CreateTrainer(ModelOptions.Defaults) is IStatisticsTrainer).Select(k => k.Name)
            .ShouldBe(["snorkel", "flyingsquid"]);

    [Fact]
    public void Counts_are_the_pair_counts_of_the_votes()
    {
        var matrix = Some.Matrix(3, [[0, 1, -1], [0, 1, 2], [-1, 1, 2], [2, -1, 2]]);
        var stats = SufficientStatistics.Compute(matrix);
        stats.RowCount.ShouldBe(4);
        stats.VoteCount(0, 0).ShouldBe(2);
        stats.VoteCount(2, 2).ShouldBe(3);
        stats.PairCount(0, 0, 1, 1).ShouldBe(2);
        stats.PairCount(1, 1, 0, 0).ShouldBe(2);
        stats.PairCount(1, 1, 2, 2).ShouldBe(2);
        stats.PairCount(0, 2, 2, 2).ShouldBe(1);
        stats.PairCount(2, 2, 2, 2).ShouldBe(3);
        stats.PairCount(2, 1, 2, 2).ShouldBe(0);
        stats.Moment(0, 0, 1, 1).ShouldBe(0.5);
    }

    [Fact]
    public void Large_blocks_counted_in_parallel_equal_row_by_row_counts()
    {
        var big = Some.Synthetic(70_000, 6, 3, seed: 3);
        var blockwise = SufficientStatistics.Compute(big); // one block of 65,536 rows, counted in parallel chunks
        var small = new SufficientStatistics(big.Schema, big.LfNames);
        foreach (var block in big.ReadBlocks(1000)) small.Add(block);
        blockwise.ContentEquals(small).ShouldBeTrue();
    }

    [Fact]
    public void Adding_statistics_of_other_LFs_is_rejected()
    {
        var a = SufficientStatistics.Compute(Some.Synthetic(10, 3, 2, seed: 1));
        var b = SufficientStatistics.Compute(Some.Synthetic(10, 4, 2, seed: 1));
        Should.Throw<SnorkelerException>(() => a.Add(b)).Message.ShouldBe("the other statistics: has 4 LFs but the statistics have 3");
    }

    [Fact]
    public void An_edited_statistics_file_is_rejected()
    {
        using var folder = new TempFolder();
        var path = folder.File("s.json");
        SufficientStatistics.Compute(Some.Synthetic(10, 3, 2, seed: 1)).Save(path);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"rows\":10", "\"rows\":11"));
        Should.Throw<SnorkelerException>(() => SufficientStatistics.Load(path)).Message.ShouldContain("checksum mismatch");
    }

    [Theory]
    [InlineData("m.snkm")]
    [InlineData("m.npy")]
    [InlineData("m.csv")]
    public void A_label_matrix_given_as_statistics_is_named_as_one(string name)
    {
        using var folder = new TempFolder();
        var path = folder.File(name);
        IO.MatrixFile.Write(path, Some.Synthetic(10, 3, 2, seed: 1));
        Should.Throw<SnorkelerException>(() => SufficientStatistics.Load(path)).Message
            .ShouldBe($"{path}: is a label matrix (or answers), not statistics: give it with --matrix; statistics are the JSON file 'apply --stats' writes");
    }

    [Fact]
    public void An_empty_or_cut_short_statistics_file_is_an_error_in_the_reader_s_words()
    {
        // Given (both gave System.Text.Json's message whole, "... LineNumber: 0 | BytePositionInLine: 200.")
        using var folder = new TempFolder();
        var full = folder.File("s.json");
        SufficientStatistics.Compute(Some.Synthetic(10, 3, 2, seed: 1)).Save(full);
        var cut = folder.File("cut.json");
        File.WriteAllText(cut, File.ReadAllText(full)[..40]);
        var empty = folder.File("empty.json");
        File.WriteAllText(empty, "");

        // When / Then
        Should.Throw<SnorkelerException>(() => SufficientStatistics.Load(empty)).Message
            .ShouldBe($"{empty}: the file is empty (not a Snorkeler statistics file)");
        Should.Throw<SnorkelerException>(() => SufficientStatistics.Load(cut)).Message
            .ShouldStartWith($"{cut}(1): not valid JSON (truncated or damaged?): ");
        Should.Throw<SnorkelerException>(() => SufficientStatistics.Load(cut)).Message.ShouldNotContain("LineNumber");
    }

    [Fact]
    public void A_missing_statistics_file_is_named_in_the_error()
        => Should.Throw<SnorkelerException>(() => SufficientStatistics.Load("/nonexistent/x.json")).Message.ShouldBe("/nonexistent/x.json: no such file");

    [Fact]
    public void Fitting_from_statistics_with_an_estimated_prior_that_needs_rows_is_rejected()
    {
        var stats = SufficientStatistics.Compute(Some.Synthetic(50, 3, 2, seed: 1));
        Should.Throw<SnorkelerException>(() => new SnorkelTrainer(new SnorkelOptions { PriorEstimate = PriorEstimate.MajorityVote }).Fit(stats, FitContext.WithSeed(1)))
            .Message.ShouldContain("needs the label matrix");
    }

    [Theory]
    [InlineData("votes", "0.5")]
    [InlineData("pairs", "1e300")]
    [InlineData("votes", "\"3\"")]
    public void A_count_that_is_not_a_whole_number_is_an_error_naming_the_field_and_count(string field, string count)
    {
        // Given statistics whose first count of a field is replaced, with the checksum made to match
        var json = SufficientStatistics.Compute(Some.Matrix(2, [[0, 1, -1], [1, 1, 0], [-1, 0, 0], [1, -1, 1]])).ToJson();
        json.Remove("checksum");
        ((System.Text.Json.Nodes.JsonArray)json[field]!)[0] = System.Text.Json.Nodes.JsonNode.Parse(count);
        json["checksum"] = JsonChecksum.Of(json);

        // When
        var error = Should.Throw<SnorkelerException>(() => SufficientStatistics.FromJson(json, "s.json"));

        // Then
        error.Message.ShouldBe($"s.json: field '{field}': count 0 must be a whole number from 0 to 4, got {count}");
    }

    [Theory]
    [InlineData("votes", 0, "4", "s.json: field 'votes': LF 'lf_0' votes on 6 rows, more than the 4 counted")]
    [InlineData("pairs", 3, "3", "s.json: field 'pairs': LFs 'lf_0' and 'lf_1' vote 1 and 1 together on 3 rows, more than the 2 on which 'lf_1' votes 1")]
    public void Counts_that_no_rows_could_give_are_an_error_naming_the_LFs(string field, int index, string count, string message)
    {
        // Given statistics of 4 rows (LF 0 votes 0 twice and 1 twice) with one count raised, each count still within 0..4 and
        // the checksum made to match (another writer's file)
        var json = SufficientStatistics.Compute(Some.Matrix(2, [[0, 1, -1], [1, 1, 0], [0, 0, 0], [1, -1, 1]])).ToJson();
        json.Remove("checksum");
        ((System.Text.Json.Nodes.JsonArray)json[field]!)[index] = System.Text.Json.Nodes.JsonNode.Parse(count);
        json["checksum"] = JsonChecksum.Of(json);

        // When / Then
        Should.Throw<SnorkelerException>(() => SufficientStatistics.FromJson(json, "s.json")).Message.ShouldBe(message);
    }

    [Fact]
    public void Repeated_class_names_are_an_error_naming_the_field_without_the_parameter_name()
    {
        var json = SufficientStatistics.Compute(Some.Matrix(2, [[0, 1, -1], [1, 1, 0], [-1, 0, 0], [1, -1, 1]])).ToJson();
        json.Remove("checksum");
        json["classes"] = new System.Text.Json.Nodes.JsonArray("A", "A");
        json["checksum"] = JsonChecksum.Of(json);

        Should.Throw<SnorkelerException>(() => SufficientStatistics.FromJson(json, "s.json")).Message
            .ShouldBe("s.json: field 'classes': class name 'A' is repeated");
    }
}
