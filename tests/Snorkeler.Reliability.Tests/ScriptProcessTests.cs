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
        Lines(run.Error)[0].ShouldBe($"{script}(2,1): error SNK0610: the scripts' top-level code did not finish within 2 s while declaring the LFs (an endless loop? raise the limit with --lf-timeout)");
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
    public void A_thread_a_script_starts_that_throws_fails_the_run_with_one_line_and_leaves_no_output()
    {
        _temp.Write("lfs/thrower.csx", "Lf(\"song\", row => row.Text(\"text\").Contains(\"song\") ? HAM : ABSTAIN);\nnew System.Threading.Thread(() => throw new InvalidOperationException(\"from the background\")).Start();\nSystem.Threading.Thread.Sleep(2000);\n");

        using var run = Start("apply", "--lfs", _temp.File("lfs"), "--data", _temp.File("data.csv"), "--out", _temp.File("m.csv"));
        var exit = run.Wait(Generous);

        exit.ShouldBe(1, run.Error);
        Lines(run.Error).ShouldBe(["error: a thread outside the command failed (InvalidOperationException: from the background); did a script start a thread that threw? no output was written"]);
        Directory.GetFiles(_temp.Path).Select(Path.GetFileName).ShouldBe(["data.csv"], ignoreOrder: true);
    }

    [Fact]
    public void What_a_script_writes_to_the_console_goes_to_stderr_so_results_on_stdout_stay_parseable()
    {
        _temp.Write("lfs/chatty.csx", "Console.WriteLine(\"loading\");\nLf(\"song\", row => { Console.WriteLine(\"row \" + row.Index); return row.Text(\"text\").Contains(\"song\") ? HAM : ABSTAIN; });\n");

        using var run = Start("rows", "--lfs", _temp.File("lfs"), "--data", _temp.File("data.csv"), "--lf", "song", "--format", "jsonl", "--threads", "1");
        var exit = run.Wait(Generous);

        exit.ShouldBe(0, run.Error);
        var results = Lines(run.Output);
        results.Length.ShouldBe(1, run.Output);
        System.Text.Json.JsonDocument.Parse(results[0]).RootElement.GetProperty("row").GetInt64().ShouldBe(1);
        Lines(run.Error).ShouldContain("loading");
        Lines(run.Error).ShouldContain("row 0");
    }

    [Fact]
    public void A_script_lf_that_ends_the_process_makes_the_run_fail_loudly_and_leaves_no_output_or_temporary()
    {
        // Environment.Exit written out is refused when compiled (below); called another way it still ends the process
        _temp.Write("lfs/exit.csx", "Lf(\"quitter\", row => { if (row.Text(\"text\") == \"buy now\") typeof(Environment).GetMethod(\"Exit\")!.Invoke(null, new object[] { 0 }); return ABSTAIN; });\n");

        using var run = Start("apply", "--lfs", _temp.File("lfs"), "--data", _temp.File("data.csv"), "--out", _temp.File("m.csv"), "--threads", "1");
        var exit = run.Wait(Generous);

        exit.ShouldBe(1, run.Error);
        Lines(run.Error).ShouldContain("error: the process was ended before the command finished (did a script call Environment.Exit?); no output was written");
        Directory.GetFiles(_temp.Path).Select(Path.GetFileName).ShouldBe(["data.csv"], ignoreOrder: true);
    }

    [Theory]
    [InlineData("check", "FailFast(\"giving up\")")]
    [InlineData("apply", "FailFast(\"giving up\")")]
    [InlineData("check", "Exit(3)")]
    [InlineData("apply", "Exit(3)")]
    public void A_script_calling_environment_failfast_or_exit_is_a_compile_error_at_the_call(string command, string call)
    {
        // Given: FailFast ends the process with no message; Exit ran, so 'check' (and the studio, on an edit) ended there and
        // the run named no file or line
        var script = _temp.Write("lfs/quit.csx", $"Lf(\"quitter\", row =>\n{{\n    if (row.Text(\"text\") == \"buy now\") Environment.{call};\n    return ABSTAIN;\n}});\n");
        string[] args = command == "check"
            ? ["check", _temp.File("lfs")]
            : ["apply", "--lfs", _temp.File("lfs"), "--data", _temp.File("data.csv"), "--out", _temp.File("m.snkm")];

        using var run = Start(args);
        var exit = run.Wait(Generous);

        exit.ShouldBe(1, run.Error);
        Lines(run.Error)[0].ShouldBe(call.StartsWith("FailFast", StringComparison.Ordinal)
            ? $"{script}(3,40): error SNK0611: a script must not call Environment.FailFast: it ends the whole process at once, "
              + "with no message from snorkeler and no clean-up; throw an exception instead (the run then fails naming the LF and the row)"
            : $"{script}(3,40): error SNK0611: a script must not call Environment.Exit: it ends the whole process (a studio "
              + "with it) before snorkeler can say which LF or row stopped it; throw an exception instead (the run then fails naming the LF and the row)");
        Directory.GetFiles(_temp.Path).Select(Path.GetFileName).ShouldBe(["data.csv"], ignoreOrder: true);
    }

    [Fact]
    public void A_script_lf_that_recurses_without_end_fails_in_one_line_naming_the_lf_and_row_and_leaves_no_output()
    {
        // Given: an LF that recurses without end on the second row. .NET cannot catch a stack overflow, so every
        // script body checks the stack it has left and throws before the runtime would end the process.
        _temp.Write("lfs/deep.csx", "int Deeper(int n) => Deeper(n + 1) + 1;\nLf(\"deep\", row => row.Text(\"text\") == \"buy now\" ? Deeper(0) : ABSTAIN);\n");

        // When
        using var run = Start("apply", "--lfs", _temp.File("lfs"), "--data", _temp.File("data.csv"), "--out", _temp.File("m.snkm"), "--threads", "1");
        var exit = run.Wait(Generous);

        // Then: the ordinary failure of an LF, with no dump of frames and no output or temporary left
        exit.ShouldBe(1, run.Error);
        Lines(run.Error).ShouldBe([$"error: LF 'deep' ({_temp.File("lfs/deep.csx")}(2,1)) failed on row 2 ({_temp.File("data.csv")} line 3): it recursed too deeply and ran out of stack (an endless recursion?)"]);
        Directory.GetFiles(_temp.Path).Select(Path.GetFileName).ShouldBe(["data.csv"], ignoreOrder: true);
    }
}
