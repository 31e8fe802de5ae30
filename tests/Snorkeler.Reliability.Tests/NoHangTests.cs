using System.Diagnostics;
using System.Text;
using Snorkeler.Applying;
using Snorkeler.Data;
using Snorkeler.Reliability.Tests.Support;

namespace Snorkeler.Reliability.Tests;

/// <summary>
/// Nothing hangs: catastrophic regexes and huge cells finish (rules' regexes run on .NET's non-backtracking
/// engine), and a script LF that loops forever fails the run within its time budget, named.
/// The time bounds are generous (the machine may be shared); they only tell "finishes" from "hangs".
/// </summary>
public sealed class NoHangTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    private static string RulesFolder(TempFolder temp, string rules)
    {
        temp.Write("lfs/slow.rules", rules);
        return temp.File("lfs");
    }

    [Fact]
    public void A_rule_regex_with_catastrophic_backtracking_finishes_within_seconds()
    {
        // Given: (a+)+$ against a long run of a's ending in a mismatch, exponential for a backtracking engine
        using var temp = new TempFolder();
        var lfs = RulesFolder(temp, "labels HAM, SPAM\n\nlf nested:\n    when text matches /(a+)+$/ label SPAM\n\nlf alternation:\n    when text matches /^(a|aa)*b$/ label HAM\n");
        var data = temp.Write("data.csv", "text\n" + new string('a', 50_000) + "!\nshort\n" + new string('a', 30) + "!\n");
        var clock = Stopwatch.StartNew();

        // When
        var result = Shell.Run("apply", "--lfs", lfs, "--data", data, "--out", temp.File("m.csv"));

        // Then
        result.ShouldSucceed();
        clock.Elapsed.ShouldBeLessThan(Generous);
        File.ReadAllText(temp.File("m.csv")).ShouldBe("nested,alternation\n-1,-1\n-1,-1\n-1,-1\n");
    }

    [Fact]
    public void A_10_mb_text_cell_is_labelled_within_seconds()
    {
        using var temp = new TempFolder();
        var lfs = RulesFolder(temp, """
            labels HAM, SPAM

            lf link:
                when text contains "http" label SPAM

            lf check_out:
                when text matches /check.*out/i label SPAM

            lf long:
                when word_count(text) > 100000 and length(text) > 1000000 label HAM

            lf many_songs:
                when count(text, "song") > 10 label HAM
            """);
        var cell = new StringBuilder(10 << 20);
        while (cell.Length < 10 << 20) cell.Append("my song is great check it ");
        var data = temp.Write("data.csv", "text\n\"" + cell + "http\"\nsmall\n");
        var clock = Stopwatch.StartNew();

        var result = Shell.Run("apply", "--lfs", lfs, "--data", data, "--out", temp.File("m.csv"));

        result.ShouldSucceed();
        clock.Elapsed.ShouldBeLessThan(Generous);
        File.ReadAllText(temp.File("m.csv")).ShouldBe("link,check_out,long,many_songs\n1,-1,0,0\n-1,-1,-1,-1\n");
    }

    [Fact]
    public void A_script_lf_that_loops_forever_fails_the_run_naming_the_lf_and_the_row()
    {
        // Given: a real process, since the endless loop can only end with it
        using var temp = new TempFolder();
        temp.Write("lfs/labels.rules", "labels HAM, SPAM\n");
        var script = temp.Write("lfs/loop.csx", """
            Lf("fine", row => row.Text("text").Contains("song") ? HAM : ABSTAIN);

            Lf("forever", row =>
            {
                var n = 0L;
                while (row.Text("text") == "loop") n++;
                return n > 0 ? SPAM : ABSTAIN;
            });
            """);
        var data = temp.Write("data.csv", "text\nmy song\nloop\nbye\n");
        var output = temp.File("m.snkm");
        var clock = Stopwatch.StartNew();

        // When
        using var run = ChildProcess.Start("apply", "--lfs", temp.File("lfs"), "--data", data, "--out", output, "--lf-timeout", "1", "--cache-dir", temp.File("cache"));
        var exit = run.Wait(TimeSpan.FromSeconds(120));

        // Then
        exit.ShouldBe(1, run.Error);
        run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ShouldBe([
            $"error: LF 'forever' ({script}(3,1)) did not finish within 1 s on row 2 ({data} line 3) (an endless loop? raise the limit with --lf-timeout)"]);
        File.Exists(output).ShouldBeFalse();
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(90)); // compiling the script included
    }

    [Fact]
    public void A_slow_library_lf_fails_the_run_with_the_row_and_line_and_no_further_block_is_written()
    {
        // Given: an LF that takes 3 s on the third row, a budget of 0.3 s
        using var temp = new TempFolder();
        var data = temp.Write("data.csv", "text\na\nb\nslow\nc\n");
        var source = new CsvSource(data);
        var schema = new LabelSchema(["HAM", "SPAM"]);
        var slow = LabelingFunction.Create("slow", row =>
        {
            if (row.Text("text") == "slow") Thread.Sleep(3000);
            return 1;
        }, new SourceLocation("lfs.cs", 7, 5));
        var blocks = 0;

        // When
        var error = Should.Throw<LfTimeoutException>(() => Applier.Apply(source, [slow], schema, _ => blocks++,
            new ApplyOptions { LfTimeBudget = TimeSpan.FromSeconds(0.3), BatchRows = 1, Threads = 1 }));

        // Then
        error.Message.ShouldBe($"LF 'slow' (lfs.cs(7,5)) did not finish within 0.3 s on row 3 ({data} line 4) (an endless loop? raise the limit with --lf-timeout)");
        error.Row.ShouldBe(2);
        error.Failure.ShouldBe($"did not finish within 0.3 s on row 3 ({data} line 4) (an endless loop? raise the limit with --lf-timeout)");
        blocks.ShouldBe(2);
        Thread.Sleep(3500); // the abandoned call ends; its block must not reach the sink
        blocks.ShouldBe(2);
    }

    [Fact]
    public void Cancelling_a_watched_run_stuck_in_an_lf_returns_at_once_without_waiting_for_the_budget()
    {
        // Given: an LF stuck for 20 s (asleep, so the abandoned call costs nothing), a budget of 60 s, and a cancellation after 0.2 s
        using var temp = new TempFolder();
        var data = temp.Write("data.csv", "text\na\nslow\n");
        var stuck = LabelingFunction.Create("stuck", row =>
        {
            if (row.Text("text") == "slow") Thread.Sleep(20_000);
            return -1;
        });
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(0.2));
        var clock = Stopwatch.StartNew();

        // When / Then
        Should.Throw<OperationCanceledException>(() => Applier.Apply(new CsvSource(data), [stuck], new LabelSchema(["HAM", "SPAM"]), _ => { },
            new ApplyOptions { LfTimeBudget = TimeSpan.FromSeconds(60), Cancellation = cancel.Token, Threads = 2 }));
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_watched_run_that_stays_within_its_budget_gives_the_same_matrix_as_an_unwatched_one(int threads)
    {
        using var temp = new TempFolder();
        var data = temp.Write("data.csv", "text\n" + string.Concat(Enumerable.Range(0, 5000).Select(i => $"row {i} {(i % 3 == 0 ? "song" : "spam")}\n")));
        var schema = new LabelSchema(["HAM", "SPAM"]);
        LabelingFunction[] lfs =
        [
            LabelingFunction.Create("song", row => row.Text("text").Contains("song") ? 0 : -1),
            LabelingFunction.Create("spam", row => row.Text("text").Contains("spam") ? 1 : -1),
        ];

        var plain = Applier.ApplyToMatrix(new CsvSource(data), lfs, schema, new ApplyOptions { Threads = threads, BatchRows = 512 });
        var watched = Applier.ApplyToMatrix(new CsvSource(data), lfs, schema, new ApplyOptions { Threads = threads, BatchRows = 512, LfTimeBudget = TimeSpan.FromSeconds(10) });

        watched.RowCount.ShouldBe(5000);
        for (var i = 0; i < plain.RowCount; i++)
            for (var j = 0; j < 2; j++)
                watched[i, j].ShouldBe(plain[i, j]);
    }
}
