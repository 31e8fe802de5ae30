using System.Text;
using Snorkeler.Reliability.Tests.Support;

namespace Snorkeler.Reliability.Tests;

/// <summary>
/// An output and the files written beside it (a matrix's schema sidecar, labels and their manifest, all outputs of
/// <c>label</c>) are one unit: all new or all old, also when the process is killed between two renames (the next
/// process completes them from the journal), when the disk fills, or when one file of the unit cannot be written.
/// Nothing a failed or killed run wrote is left behind once the next run has started.
/// </summary>
public sealed class OutputUnitTests : IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(180);
    private readonly TempFolder _temp = new();

    public OutputUnitTests()
    {
        _temp.Write("lfs/spam.rules", "labels HAM, SPAM\n\nlf keyword_subscribe:\n    when text contains \"subscribe\" label SPAM\n\nlf keyword_song:\n    when text contains \"song\" label HAM\n");
        _temp.Write("old/spam.rules", "labels HAM, SPAM\n\nlf old_lf:\n    when text contains \"x\" label SPAM\n");
        _temp.Write("data.csv", "text\nplease subscribe\nnice song\nhello\n");
    }

    public void Dispose() => _temp.Dispose();

    private string[] Hidden() => Directory.GetFiles(_temp.Path).Select(Path.GetFileName).Where(n => n!.StartsWith('.')).ToArray()!;

    [Fact]
    public void A_kill_between_the_renames_of_a_matrix_and_its_sidecar_is_completed_by_the_next_reader()
    {
        // Given: an old matrix with its sidecar, then a run killed right after renaming the new matrix
        var matrix = _temp.File("m.csv");
        Shell.Run("apply", "--lfs", _temp.File("old"), "--data", _temp.File("data.csv"), "--out", matrix).ShouldSucceed();
        using (var run = ChildProcess.Start(new Dictionary<string, string> { ["SNORKELER_TEST_KILL_AFTER_RENAMES"] = "1" },
                   ["apply", "--lfs", _temp.File("lfs"), "--data", _temp.File("data.csv"), "--out", matrix]))
            run.Wait(Generous).ShouldNotBe(0);
        File.ReadAllText(matrix).ShouldStartWith("keyword_subscribe,keyword_song\n"); // the new matrix...
        File.ReadAllText(matrix + ".schema.json").ShouldContain("old_lf"); // ...beside the old sidecar, for now
        Hidden().ShouldNotBeEmpty();

        // When: the next process reads the matrix
        var result = Shell.Run("analyze", "--matrix", matrix, "--format", "json");

        // Then: it completed the unit first
        result.ShouldSucceed();
        File.ReadAllText(matrix + ".schema.json").ShouldContain("keyword_song");
        result.Out.ShouldContain("keyword_song");
        Hidden().ShouldBeEmpty();
    }

    [Fact]
    public void A_label_run_killed_between_renames_is_completed_by_the_next_run_writing_the_same_labels()
    {
        var labels = _temp.File("labels.csv");
        string[] args = ["label", "--lfs", _temp.File("lfs"), "--data", _temp.File("data.csv"), "--out", labels, "--matrix-out", _temp.File("m.npy"), "--model", "mv"];
        using (var run = ChildProcess.Start(new Dictionary<string, string> { ["SNORKELER_TEST_KILL_AFTER_RENAMES"] = "2" }, args))
            run.Wait(Generous).ShouldNotBe(0);
        File.Exists(labels + ".manifest.json").ShouldBeFalse();

        var result = Shell.Run(args);

        result.ShouldSucceed();
        foreach (var f in new[] { labels, labels + ".manifest.json", _temp.File("m.npy"), _temp.File("m.npy.schema.json"), _temp.File("m.npy.manifest.json") })
            File.Exists(f).ShouldBeTrue(f);
        Hidden().ShouldBeEmpty();
    }

    [Fact]
    public void When_the_sidecar_cannot_be_written_the_new_matrix_is_not_kept_either()
    {
        // Given: a previous matrix, and a folder where its sidecar should go
        var matrix = _temp.File("m.csv");
        File.WriteAllText(matrix, "previous\n");
        Directory.CreateDirectory(matrix + ".schema.json");

        var result = Shell.Run("apply", "--lfs", _temp.File("lfs"), "--data", _temp.File("data.csv"), "--out", matrix);

        result.ShouldFailWith(1);
        File.ReadAllText(matrix).ShouldBe("previous\n");
        Hidden().ShouldBeEmpty();
    }

    public static TheoryData<string> FullDiskRuns => new()
    {
        "apply --out {t}/m.snkm",
        "apply --out {t}/m.csv",
        "label --out {t}/labels.jsonl --model mv",
        "label --out {t}/labels.parquet --model mv",
        "label --out {t}/labels.csv --model mv",
        "label --out {t}/labels.csv --model mv --matrix-out {t}/m.npy --report {t}/r.html",
    };

    [Theory]
    [MemberData(nameof(FullDiskRuns))]
    public void A_run_that_fills_the_disk_fails_naming_the_output_and_leaves_no_file_behind(string run)
    {
        // Given: 200,000 rows, and a process that may write at most 256 KB per file (as a full disk, the write fails;
        // the runtime's W^X double mapping, a file of its own, is turned off so that it starts under the limit)
        var rows = new StringBuilder("text\n");
        for (var i = 0; i < 200_000; i++) rows.Append(i % 3 == 0 ? "please subscribe\n" : i % 3 == 1 ? "nice song\n" : "hello\n");
        _temp.Write("big.csv", rows.ToString());
        var args = $"{run} --lfs {_temp.File("lfs")} --data {_temp.File("big.csv")}".Replace("{t}", _temp.Path, StringComparison.Ordinal).Split(' ');

        using var child = ChildProcess.Start(null, args, limits: "trap '' XFSZ; ulimit -f 256; export DOTNET_EnableWriteXorExecute=0");
        var exit = child.Wait(Generous);

        exit.ShouldBe(1, child.Error);
        child.Error.ShouldContain("File too large");
        child.Error.ShouldNotContain("internal error");
        Directory.GetFiles(_temp.Path).Select(Path.GetFileName).ShouldBe(["data.csv", "big.csv"], ignoreOrder: true);
    }
}
