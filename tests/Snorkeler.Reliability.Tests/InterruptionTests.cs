using System.Diagnostics;
using System.Text;
using Snorkeler.Reliability.Tests.Support;

namespace Snorkeler.Reliability.Tests;

/// <summary>
/// Outputs are atomic: a run killed (SIGKILL), interrupted (Ctrl-C) or cancelled at any moment leaves the previous
/// output or none, never a truncated file; temporary files a killed run leaves are deleted by the next write.
/// </summary>
public sealed class InterruptionTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly string _lfs;
    private readonly string _data;

    public InterruptionTests()
    {
        _lfs = Path.Combine(_temp.Path, "lfs");
        Directory.CreateDirectory(_lfs);
        foreach (var name in new[] { "spam.rules", "please_words.txt" })
            File.Copy(TestPaths.InRepo("labeling-functions", "spam", name), Path.Combine(_lfs, name));
        _data = _temp.File("comments.csv");
        WriteComments(_data, 300_000);
    }

    public void Dispose() => _temp.Dispose();

    private static void WriteComments(string path, int rows)
    {
        string[] words = ["check", "out", "my", "channel", "song", "subscribe", "please", "love", "this", "video", "http://x.y", "great", "lol", "\"quoted\""];
        var random = new Random(300);
        using var w = new StreamWriter(path, false, new UTF8Encoding(false));
        w.Write("text,stars\n");
        var line = new StringBuilder();
        for (var i = 0; i < rows; i++)
        {
            line.Clear();
            for (var n = random.Next(3, 30); n > 0; n--) line.Append(words[random.Next(words.Length)]).Append(' ');
            w.Write('"');
            w.Write(line.Replace("\"", "\"\"").ToString());
            w.Write("\",");
            w.Write(random.Next(1, 6));
            w.Write('\n');
        }
    }

    private string[] Leftovers(string output) => Directory.GetFiles(Path.GetDirectoryName(output)!, $".{Path.GetFileName(output)}.*.tmp");

    [Fact]
    public void Twenty_kills_at_random_moments_leave_the_previous_output_or_none_and_the_next_run_cleans_up()
    {
        // Given: the complete output of an undisturbed run, and how long that run takes
        var output = _temp.File("votes.snkm");
        string[] args = ["apply", "--lfs", _lfs, "--data", _data, "--out", output, "--quiet"];
        var clock = Stopwatch.StartNew();
        using (var first = ChildProcess.Start(args)) first.Wait(TimeSpan.FromSeconds(120)).ShouldBe(0);
        var duration = clock.Elapsed;
        var complete = File.ReadAllBytes(output);
        var random = new Random(2026);
        var outcomes = new List<string>();

        for (var kill = 0; kill < 20; kill++)
        {
            // Half the runs start with no output, half with the previous one.
            if (kill % 2 == 0) File.Delete(output);
            else File.WriteAllBytes(output, complete);
            var delay = TimeSpan.FromMilliseconds(random.Next((int)(duration.TotalMilliseconds * 1.1)));

            // When
            using var run = ChildProcess.Start(args);
            Thread.Sleep(delay);
            var finished = run.Process.HasExited;
            run.Kill();

            // Then
            if (File.Exists(output)) File.ReadAllBytes(output).ShouldBe(complete, $"kill {kill} after {delay.TotalMilliseconds:0} ms left a different file");
            outcomes.Add(finished ? "finished" : File.Exists(output) ? "previous" : "none");
        }
        var left = Leftovers(output).Length;
        using (var last = ChildProcess.Start(args)) last.Wait(TimeSpan.FromSeconds(120)).ShouldBe(0);

        File.ReadAllBytes(output).ShouldBe(complete);
        Leftovers(output).ShouldBeEmpty($"{left} temporary files were left by the kills ({string.Join(", ", outcomes)})");
    }

    [Fact]
    public void Ctrl_c_during_apply_exits_130_leaving_no_output_and_no_temporary_file()
    {
        if (OperatingSystem.IsWindows()) return; // SIGINT is a Unix signal

        // Given: a run that has started writing
        var output = _temp.File("interrupted.snkm");
        using var run = ChildProcess.Start("apply", "--lfs", _lfs, "--data", _data, "--out", output, "--threads", "1");
        var clock = Stopwatch.StartNew();
        while (Leftovers(output).Length == 0 && !run.Process.HasExited && clock.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(5);
        run.Process.HasExited.ShouldBeFalse($"the run ended before it could be interrupted: {run.Error}");

        // When
        run.Interrupt();

        // Then
        run.Wait(TimeSpan.FromSeconds(60)).ShouldBe(130, run.Error);
        run.Error.ShouldContain("snorkeler apply: interrupted; no output was written");
        File.Exists(output).ShouldBeFalse();
        Leftovers(output).ShouldBeEmpty();
    }

    [Fact]
    public void A_cancelled_run_in_process_exits_130_and_keeps_the_previous_output()
    {
        var output = _temp.Write("kept.csv", "previous");
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        var result = Shell.Run(cancel.Token, "apply", "--lfs", Corpus.File("lfs", "ok"), "--data", Corpus.File("data", "good.csv"), "--out", output);

        result.ShouldFailWith(130);
        result.ErrorLines.ShouldBe(["snorkeler apply: interrupted; no output was written"]);
        File.ReadAllText(output).ShouldBe("previous");
        Leftovers(output).ShouldBeEmpty();
    }
}
