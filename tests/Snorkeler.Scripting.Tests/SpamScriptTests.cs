using Snorkeler.Data;
using Snorkeler.Loading;

namespace Snorkeler.Scripting.Tests;

/// <summary>
/// Loads labeling-functions/spam/*.csx twice into a fresh cache: the first load compiles (the one cold
/// compilation of this class), the second must come from the cache.
/// </summary>
public sealed class SpamScriptsFixture : IDisposable
{
    public SpamScriptsFixture()
    {
        Files = ScriptTestKit.Files(TestPaths.InRepo("labeling-functions", "spam"));
        var context = new LfLoadContext(ScriptTestKit.HamSpam, null, TestPaths.InRepo("labeling-functions", "spam"), Cache.Path);
        var cold = new ScriptLoader();
        Cold = cold.Load(Files, context);
        ColdStats = cold.LastLoad!;
        var warm = new ScriptLoader();
        Warm = warm.Load(Files, context);
        WarmStats = warm.LastLoad!;
        Data = WrenchFile.OpenData(TestPaths.YouTubeFile("train.json"));
    }

    internal TempFolder Cache { get; } = new();

    public IReadOnlyList<LfSourceFile> Files { get; }

    public LfSet Cold { get; }

    public ScriptLoadStats ColdStats { get; }

    public LfSet Warm { get; }

    public ScriptLoadStats WarmStats { get; }

    public IDataSource Data { get; }

    public void Dispose() => Cache.Dispose();
}

public sealed class SpamScriptTests(SpamScriptsFixture fixture) : IClassFixture<SpamScriptsFixture>
{
    [Fact]
    public void The_spam_scripts_compile_without_diagnostics()
    {
        fixture.Cold.Diagnostics.ShouldBeEmpty();
        fixture.Cold.Schema.ShouldBe(ScriptTestKit.HamSpam);
        fixture.Cold.Functions.Select(f => f.Name).ShouldBe(["has_person_nlp", "textblob_polarity", "textblob_subjectivity"]);
    }

    [Fact]
    public void The_first_load_compiles_and_the_second_is_a_cache_hit()
    {
        fixture.ColdStats.CacheHit.ShouldBeFalse();
        fixture.WarmStats.CacheHit.ShouldBeTrue();
        fixture.WarmStats.CacheKey.ShouldBe(fixture.ColdStats.CacheKey);
        File.Exists(fixture.WarmStats.CachePath).ShouldBeTrue();
        fixture.Warm.Diagnostics.ShouldBeEmpty();
    }

    [Fact]
    public void LFs_loaded_from_the_cache_vote_like_freshly_compiled_ones()
    {
        var cold = ScriptTestKit.Votes(fixture.Cold.Functions, fixture.Data);
        var warm = ScriptTestKit.Votes(fixture.Warm.Functions, fixture.Data);
        warm.ShouldBe(cold);
        cold.Length.ShouldBe(1586);
        cold.SelectMany(r => r).ShouldAllBe(v => v == LabelSchema.Abstain || v == 0);
    }

    [Fact]
    public void Each_LF_points_at_its_own_Lf_call_and_carries_a_source_hash()
    {
        var path = fixture.Files.Single().Path;
        var lines = File.ReadAllLines(path);
        foreach (var lf in fixture.Warm.Functions)
        {
            lf.Location.ShouldNotBeNull();
            lf.Location.Path.ShouldBe(path);
            lines[lf.Location.Line - 1][(lf.Location.Column - 1)..].ShouldStartWith($"Lf(\"{lf.Name}\"");
            lf.SourceHash.Length.ShouldBe(64);
        }
        fixture.Warm.Functions.Select(f => f.SourceHash).ShouldBe(fixture.Cold.Functions.Select(f => f.SourceHash));
        fixture.Warm.Functions.Select(f => f.SourceHash).Distinct().Count().ShouldBe(3);
    }

    [Theory]
    [InlineData("katy perry is awesome", 0, 0, 0)]
    [InlineData("Check out my channel http://example.com", -1, -1, -1)]
    [InlineData("This song is not good", -1, -1, 0)]
    [InlineData("very nice", -1, -1, 0)]
    [InlineData("Katy sings well and I listened to this song every single day of the summer with all of my friends from school", -1, -1, -1)]
    public void The_NLP_approximations_vote_as_documented(string text, int hasPerson, int polarity, int subjectivity)
    {
        using var folder = new TempFolder();
        var data = ScriptTestKit.Texts(folder, text);

        ScriptTestKit.Votes(fixture.Warm.Functions, data).Single().ShouldBe([hasPerson, polarity, subjectivity]);
    }
}
