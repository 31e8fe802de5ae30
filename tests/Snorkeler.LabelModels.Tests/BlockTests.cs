using Snorkeler.LabelModels.Tests.Support;

namespace Snorkeler.LabelModels.Tests;

/// <summary>Fits work block by block: any block size gives the same model.</summary>
public sealed class BlockTests
{
    [Theory]
    [MemberData(nameof(WorkoutTests.Models), MemberType = typeof(WorkoutTests))]
    public void Fitting_from_small_blocks_gives_the_same_model_as_from_one_block(string model)
    {
        // 400 rows are eleven blocks of 37, the last one short (1,000 rows cost 2.5 times as much, auto and dawid-skene most)
        var train = Some.Synthetic(400, 6, 3, seed: 21);
        var dev = Some.Synthetic(120, 6, 3, seed: 22);
        var whole = WorkoutTests.Fit(model, train, FitContext.WithSeed(5) with { Dev = dev });
        var blocks = WorkoutTests.Fit(model, new SmallBlocks(train, 37), FitContext.WithSeed(5) with { Dev = new SmallBlocks(dev, 11) });
        ModelFile.ToJson(blocks).ToJsonString().ShouldBe(ModelFile.ToJson(whole).ToJsonString());
    }

    [Fact]
    public void Snorkel_reads_the_training_rows_once()
    {
        var source = new SmallBlocks(Some.Synthetic(1000, 6, 2, seed: 23), 100);
        new SnorkelTrainer(new SnorkelOptions { Epochs = 500 }).Fit(source, FitContext.WithSeed(1));
        source.Reads.ShouldBe(1);
    }

    [Fact]
    public void Dawid_Skene_reads_the_training_rows_once()
    {
        var source = new SmallBlocks(Some.Synthetic(1000, 6, 2, seed: 23), 100);
        new DawidSkeneTrainer().Fit(source, FitContext.WithSeed(1));
        source.Reads.ShouldBe(1);
    }
}
