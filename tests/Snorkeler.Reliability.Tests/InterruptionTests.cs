using System.Diagnostics;
using System.Text;
using Snorkeler.Reliability.Tests.Support;

namespace Snorkeler.Reliability.Tests;

/// <summary>
/// Outputs are atomic: a run killed (SIGKILL), interrupted (Ctrl-C) or cancelled at any moment leaves the previous
/// output or none, never a truncated file; temporary files a killed run leaves are deleted by the next write.
/// </summary>
public sealed class InterruptionTests(CommentsFixture comments, Xunit.Abstractions.ITestOutputHelper log) : IClassFixture<CommentsFixture>
{
    private readonly TempFolder _temp = comments.Temp;
    private readonly string _lfs = comments.Lfs;
    private readonly string _data = comments.Data;

    private string[] Leftovers(string output) => Directory.GetFiles(Path.GetDirectoryName(output)!, $".{Path.GetFileName(output)}.*.tmp");

    [Fact]
    public void Twenty_kills_at_random_moments_leave_the_previous_output_or_none_and_the_next_run_cleans_up()
    {
        // Given: the complete output of an undisturbed run, and how long it spends writing (its temporary file exists)
        var output = _temp.File("votes.snkm");
        string[] args = ["apply", "--lfs", _lfs, "--data", _data, "--out", output, "--quiet"];
        TimeSpan writing;
        using (var first = ChildProcess.Start(args))
        {
            var writeStart = WaitForTemporary(first, output);
            first.Wait(TimeSpan.FromSeconds(120)).ShouldBe(0, first.Error);
            writing = writeStart.Elapsed;
        }
        var complete = File.ReadAllBytes(output);
        var random = new Random(2026);
        var outcomes = new List<string>();

        for (var kill = 0; kill < 20; kill++)
        {
            // Half the runs start with no output, half with the previous one; a quarter are killed at any moment
            // from the start (loading, parsing), the rest at a random moment while the output is being written.
            if (kill % 2 == 0) File.Delete(output);
            else File.WriteAllBytes(output, complete);
            var early = kill % 4 == 3;
            var delay = TimeSpan.FromMilliseconds(random.NextDouble() * writing.TotalMilliseconds * (early ? 2 : 0.8));

            // When
            using var run = ChildProcess.Start(args);
            if (!early) WaitForTemporary(run, output);
            Thread.Sleep(delay);
            var finished = run.Process.HasExited;
            run.Kill();

            // Then
            if (File.Exists(output)) File.ReadAllBytes(output).ShouldBe(complete, $"kill {kill} after {delay.TotalMilliseconds:0} ms left a different file");
            outcomes.Add($"{(early ? "early" : "writing")} {delay.TotalMilliseconds:0} ms: {(finished ? "finished" : File.Exists(output) ? "previous kept" : "none")}, {Leftovers(output).Length} tmp");
        }
        var left = Leftovers(output).Length;
        using (var last = ChildProcess.Start(args)) last.Wait(TimeSpan.FromSeconds(120)).ShouldBe(0);

        log.WriteLine($"writing took {writing.TotalSeconds:0.00} s; kills: {string.Join("; ", outcomes)}; {left} temporary files left before the last run");
        File.ReadAllBytes(output).ShouldBe(complete);
        Leftovers(output).ShouldBeEmpty($"{left} temporary files were left by the kills");
    }

    [Fact]
    public void Kills_during_label_leave_the_previous_labels_or_none_and_the_next_run_leaves_no_temporary_or_journal()
    {
        // Given: label's outputs (labels, manifest, and its intermediate matrix while it runs) in a folder of their own
        var folder = Directory.CreateDirectory(_temp.File("label-kills")).FullName;
        var output = Path.Combine(folder, "labels.csv");
        string[] args = ["label", "--lfs", _lfs, "--data", _data, "--out", output, "--model", "mv", "--quiet"];
        TimeSpan running;
        var clock = Stopwatch.StartNew();
        using (var first = ChildProcess.Start(args)) first.Wait(TimeSpan.FromSeconds(120)).ShouldBe(0, first.Error);
        running = clock.Elapsed;
        var complete = File.ReadAllBytes(output);
        var random = new Random(11);

        for (var kill = 0; kill < 8; kill++)
        {
            if (kill % 2 == 0) File.Delete(output);
            else File.WriteAllBytes(output, complete);
            var delay = TimeSpan.FromMilliseconds(random.NextDouble() * running.TotalMilliseconds);

            // When: SIGKILL at a random moment of the run
            using var run = ChildProcess.Start(args);
            Thread.Sleep(delay);
            run.Kill();

            // Then
            if (File.Exists(output)) File.ReadAllBytes(output).ShouldBe(complete, $"kill {kill} after {delay.TotalMilliseconds:0} ms left different labels");
        }
        using (var last = ChildProcess.Start(args)) last.Wait(TimeSpan.FromSeconds(120)).ShouldBe(0, last.Error);

        File.ReadAllBytes(output).ShouldBe(complete);
        Directory.GetFiles(folder).Select(Path.GetFileName).ShouldBe(["labels.csv", "labels.csv.manifest.json"], ignoreOrder: true);
    }

    /// <summary>Waits until the run has created its temporary output (or ended); returns a clock started then.</summary>
    private Stopwatch WaitForTemporary(ChildProcess run, string output)
    {
        var limit = Stopwatch.StartNew();
        while (Leftovers(output).Length == 0 && !run.Process.HasExited && limit.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(2);
        return Stopwatch.StartNew();
    }

    [Fact]
    public void Ctrl_c_during_apply_exits_130_leaving_no_output_and_no_temporary_file()
    {
        if (OperatingSystem.IsWindows()) return; // SIGINT is a Unix signal
        ChildProcess.InterruptsReachChildren.ShouldBeTrue("this test process ignores SIGINT (started in the background of a non-interactive shell?) and env --default-signal is not available to restore it for the child");

        // Given: a run that has started writing
        var output = _temp.File("interrupted.snkm");
        using var run = ChildProcess.Start("apply", "--lfs", _lfs, "--data", comments.LargeData, "--out", output, "--threads", "1");
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

    [Theory]
    [InlineData("apply", "kept.csv", "--lfs {lfs} --data {data}")]
    [InlineData("label", "kept-labels.csv", "--lfs {lfs} --data {data} --model mv")]
    [InlineData("fit", "kept-model.json", "--matrix {matrix} --model dawid-skene")]
    public void A_cancelled_run_in_process_exits_130_and_keeps_the_previous_output(string command, string name, string args)
    {
        // Given: a previous output and a cancelled token (Ctrl-C before the first check)
        var output = _temp.Write(name, "previous");
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var filled = args.Replace("{lfs}", Corpus.File("lfs", "ok"), StringComparison.Ordinal)
            .Replace("{data}", Corpus.File("data", "good.csv"), StringComparison.Ordinal)
            .Replace("{matrix}", Corpus.File("matrices", "good.csv"), StringComparison.Ordinal);

        // When
        var result = Shell.Run(cancel.Token, [command, .. filled.Split(' '), "--out", output]);

        // Then
        result.ShouldFailWith(130);
        result.ErrorLines.ShouldBe([$"snorkeler {command}: interrupted; no output was written"]);
        File.ReadAllText(output).ShouldBe("previous");
        Leftovers(output).ShouldBeEmpty();
    }
}

/// <summary>A generated CSV of comments large enough that applying the spam rules takes about a second, and the rules.</summary>
public sealed class CommentsFixture : IDisposable
{
    public CommentsFixture()
    {
        Lfs = Path.Combine(Temp.Path, "lfs");
        Directory.CreateDirectory(Lfs);
        foreach (var name in new[] { "spam.rules", "please_words.txt" })
            File.Copy(TestPaths.InRepo("labeling-functions", "spam", name), Path.Combine(Lfs, name));
        Data = Temp.File("comments.csv");
        WriteComments(Data, 60_000);
    }

    internal TempFolder Temp { get; } = new();

    public string Lfs { get; }

    public string Data { get; }

    /// <summary>
    /// Twenty times <see cref="Data"/>, written on first use, for a run that must still be working when a signal
    /// arrives (60,000 rows take ~0.2 s on one thread, less than the time between seeing the run start and signalling it).
    /// </summary>
    public string LargeData
    {
        get
        {
            lock (Temp)
            {
                var path = Temp.File("comments-large.csv");
                if (!File.Exists(path)) WriteComments(path, 1_200_000);
                return path;
            }
        }
    }

    public void Dispose() => Temp.Dispose();

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
}

/// <summary>The clean-up of temporary files that killed runs leave behind.</summary>
public sealed class StaleTemporaryTests
{
    [Fact]
    public void A_write_deletes_temporaries_of_dead_processes_and_keeps_those_of_running_ones()
    {
        // Given: leftovers of a process that no longer runs, of this (running) process, and of another file
        using var temp = new TempFolder();
        var output = temp.Write("votes.csv", "previous");
        int dead;
        using (var exited = Process.Start(new ProcessStartInfo("dotnet", "--version") { RedirectStandardOutput = true })!)
        {
            exited.WaitForExit();
            dead = exited.Id;
        }
        var stale = temp.Write($".votes.csv.{dead}.0123456789abcdef0123456789abcdef.tmp", "half");
        var live = temp.Write($".votes.csv.{Environment.ProcessId}.0123456789abcdef0123456789abcdef.tmp", "in progress");
        var other = temp.Write($".other.csv.{dead}.0123456789abcdef0123456789abcdef.tmp", "not ours");

        // When
        Snorkeler.IO.AtomicFile.Write(output, s => s.Write("next"u8));

        // Then
        File.ReadAllText(output).ShouldBe("next");
        File.Exists(stale).ShouldBeFalse();
        File.Exists(live).ShouldBeTrue();
        File.Exists(other).ShouldBeTrue();
    }
}
