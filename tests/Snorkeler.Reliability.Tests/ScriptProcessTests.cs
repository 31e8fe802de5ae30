using Snorkeler.Reliability.Tests.Support;

namespace Snorkeler.Reliability.Tests;

/// <summary>
/// Scripts cannot hang a run or end it silently, tried in a real child process (only a process shows whether it
/// exits): top-level code that loops forever is bounded by <c>--lf-timeout</c> at load time (in <c>check</c> too),
/// a thread a script leaves running does not keep the process alive, and a script that ends the process
/// (<c>Environment.Exit(0)</c>) makes the run fail with a message instead of exiting 0 without output.
/// Bounds are generous: they tell "finishes" from "hangs" on a loaded machine.
/// </summary>
public sealed class ScriptProcessTests : IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(180);
    private readonly TempFolder _temp = new();

    public ScriptProcessTests()
    {
        _temp.Write("lfs/labels.rules", "labels HAM, SPAM\n");
        _temp.Write("data.csv", "text\nmy song\nbuy now\n");
    }

    public void Dispose() => _temp.Dispose();

    private ChildProcess Start(params string[] args) => ChildProcess.Start([.. args, "--cache-dir", _temp.File("cache")]);

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    [Theory]
    [InlineData("check")]
    [InlineData("apply")]
    public void Top_level_script_code_that_loops_forever_fails_within_the_time_budget(string command)
    {
        var script = _temp.Write("lfs/loop.csx", "var n = 0L;\nwhile (n >= 0) n = (n + 1) % 1000;\nLf(\"never\", row => ABSTAIN);\n");
        string[] args = command == "check"
            ? ["check", _temp.File("lfs"), "--lf-timeout", "2"]
            : ["apply", "--lfs", _temp.File("lfs"), "--data", _temp.File("data.csv"), "--out", _temp.File("m.csv"), "--lf-timeout", "2"];

        using var run = Start(args);
        var exit = run.Wait(Generous);

        exit.ShouldBe(1, run.Error);
        Lines(run.Error)[0].ShouldBe($"{script}(1,1): error SNK0610: the scripts' top-level code did not finish within 2 s while declaring the LFs (an endless loop? raise the limit with --lf-timeout)");
        File.Exists(_temp.File("m.csv")).ShouldBeFalse();
    }

    [Fact]
    public void A_foreground_thread_left_running_by_a_script_does_not_keep_the_process_alive()
    {
        _temp.Write("lfs/thread.csx", "new System.Threading.Thread(() => System.Threading.Thread.Sleep(System.Threading.Timeout.Infinite)) { IsBackground = false }.Start();\nLf(\"song\", row => row.Text(\"text\").Contains(\"song\") ? HAM : ABSTAIN);\n");

        using var run = Start("apply", "--lfs", _temp.File("lfs"), "--data", _temp.File("data.csv"), "--out", _temp.File("m.csv"));
        var exit = run.Wait(Generous);

        exit.ShouldBe(0, run.Error);
        File.ReadAllText(_temp.File("m.csv")).ShouldBe("song\n0\n-1\n");
    }

    [Fact]
    public void A_script_lf_that_ends_the_process_makes_the_run_fail_loudly_and_leaves_no_output_or_temporary()
    {
        _temp.Write("lfs/exit.csx", "Lf(\"quitter\", row => { if (row.Text(\"text\") == \"buy now\") Environment.Exit(0); return ABSTAIN; });\n");

        using var run = Start("apply", "--lfs", _temp.File("lfs"), "--data", _temp.File("data.csv"), "--out", _temp.File("m.csv"), "--threads", "1");
        var exit = run.Wait(Generous);

        exit.ShouldBe(1, run.Error);
        Lines(run.Error).ShouldContain("error: the process was ended before the command finished (did a script call Environment.Exit?); no output was written");
        Directory.GetFiles(_temp.Path).Select(Path.GetFileName).ShouldBe(["data.csv"], ignoreOrder: true);
    }
}
