using Snorkeler.Loading;

namespace Snorkeler.Scripting.Tests;

/// <summary>Scripts for a script-only folder: classes declared with Labels(...), LFs that misbehave at apply time.</summary>
public sealed class ApplyScriptsFixture : IDisposable
{
    public ApplyScriptsFixture()
    {
        Set = ScriptTestKit.Load(new ScriptLoader(), Folder, null,
            ("a.csx", """
                Labels("NEG", "POS");

                Lf("positive", row => row.Text("text").Contains("good") ? POS : ABSTAIN);
                Lf("out_of_range", row => row.Text("text").Contains("seven") ? 7 : ABSTAIN);
                """),
            ("b.csx", """
                // helpers first
                static int Boom(string text) => text.Contains("boom") ? throw new InvalidOperationException("boom in the data") : NEG;

                  Lf("throws", row => Boom(row.Text("text")));
                """));
        Data = ScriptTestKit.Texts(Folder, "a good day", "seven", "boom");
    }

    internal TempFolder Folder { get; } = new();

    public LfSet Set { get; }

    public Data.IDataSource Data { get; }

    public LabelingFunction Lf(string name) => Set.Functions.Single(f => f.Name == name);

    public Data.DataRow Row(int index) => Data.ReadBatches(16).Single()[index];

    public void Dispose() => Folder.Dispose();
}

public sealed class ScriptApplyTests(ApplyScriptsFixture fixture) : IClassFixture<ApplyScriptsFixture>
{
    [Fact]
    public void A_script_only_folder_declares_its_classes_with_Labels_and_uses_them_as_constants()
    {
        fixture.Set.Diagnostics.ShouldBeEmpty();
        fixture.Set.Schema.ShouldBe(new LabelSchema(["NEG", "POS"]));
        var positive = fixture.Lf("positive").Bind(fixture.Data.Schema);
        positive(fixture.Row(0)).ShouldBe(1);
        positive(fixture.Row(1)).ShouldBe(LabelSchema.Abstain);
    }

    [Fact]
    public void An_out_of_range_vote_fails_the_run_naming_the_LF_its_location_and_the_row_once()
    {
        var lf = fixture.Lf("out_of_range");

        var e = Should.Throw<Applying.LfFailedException>(() => Applying.Applier.ApplyToMatrix(fixture.Data, [lf], fixture.Set.Schema!, new Applying.ApplyOptions { Threads = 1 }));

        e.Message.ShouldStartWith($"LF 'out_of_range' ({fixture.Folder.File("a.csx")}(4,1)) failed on row 2 ");
        e.Message.ShouldEndWith(": it returned 7, which is neither -1 (abstain) nor a class (NEG=0, POS=1)");
    }

    [Fact]
    public void An_exception_in_an_LF_propagates_and_the_LF_points_at_its_own_Lf_line()
    {
        var lf = fixture.Lf("throws");
        var vote = lf.Bind(fixture.Data.Schema);

        vote(fixture.Row(0)).ShouldBe(0);
        Should.Throw<InvalidOperationException>(() => vote(fixture.Row(2))).Message.ShouldBe("boom in the data");
        lf.Location.ShouldBe(new SourceLocation(fixture.Folder.File("b.csx"), 4, 3, 2));
        lf.Describe().ShouldBe($"'throws' ({fixture.Folder.File("b.csx")}(4,3))");
    }
}

public sealed class ScriptProjectTests
{
    [Fact]
    public void LfProject_loads_a_script_only_folder_with_the_classes_its_script_declares_and_a_shared_helper_once()
    {
        using var folder = new TempFolder();
        folder.Write("lfs/sentiment.csx", "#load \"shared/words.csx\"\nLabels(\"NEG\", \"POS\");\nLf(\"happy\", row => Happy(row.Text(\"text\")) ? POS : ABSTAIN);\n");
        folder.Write("lfs/shared/words.csx", "static bool Happy(string s) => s.Contains(\":)\");\nLf(\"sad\", row => Happy(row.Text(\"text\")) ? ABSTAIN : NEG);\n");

        var set = new LfProject([new ScriptLoader()]).Load([folder.File("lfs")], cacheDirectory: folder.File("cache"));

        set.Diagnostics.ShouldBeEmpty();
        set.Schema.ShouldBe(new LabelSchema(["NEG", "POS"]));
        set.Functions.Select(f => f.Name).ShouldBe(["sad", "happy"]); // words.csx is listed and #load-ed, but compiled once
        set.Functions.Select(f => f.Location).ShouldBe([
            new SourceLocation(folder.File("lfs/shared/words.csx"), 2, 1, 2),
            new SourceLocation(folder.File("lfs/sentiment.csx"), 3, 1, 2),
        ]);
    }
}
