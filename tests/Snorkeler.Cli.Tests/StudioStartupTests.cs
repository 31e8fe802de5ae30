using Snorkeler.Cli.Tests.Support;

namespace Snorkeler.Cli.Tests;

/// <summary>
/// <c>snorkeler studio</c> started on broken files: bad data, dev data or hand labels end it at once with exit 1 and one
/// line naming the file; broken LFs start it, with their diagnostics on stderr, as docs/studio.md says; hand labels it
/// cannot use start it with a warning naming their line. The damaged data, LF and hand labels files of a seeded fuzz either start it or
/// stop it that way, never with a stack trace or a hang. A bigger run: SNORKELER_FUZZ_MUTANTS (and SNORKELER_FUZZ_SEED)
/// with <c>--filter StudioStartupTests</c>.
/// </summary>
public sealed class StudioStartupTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly TempFolder _temp = new();
    private readonly string _lfs;
    private readonly string _data;

    public StudioStartupTests()
    {
        _lfs = Directory.CreateDirectory(_temp.File("lfs")).FullName;
        File.Copy(TestPaths.InRepo("labeling-functions", "tickets", "tickets.rules"), Path.Combine(_lfs, "tickets.rules"));
        _data = _temp.File("labelled.csv");
        File.WriteAllLines(_data, File.ReadLines(TestPaths.InRepo("examples", "tickets", "labelled.csv")).Take(20));
    }

    public void Dispose() => _temp.Dispose();

    /// <summary>How a studio run ended: its exit code, its output, and whether it served (printed its address) before it was stopped.</summary>
    private sealed record StudioRun(int ExitCode, string Out, string Error, bool Served)
    {
        public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Runs the studio until it prints its address (then stops it, as Ctrl-C does) or ends by itself.</summary>
    private async Task<StudioRun> Studio(params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        using var stop = new CancellationTokenSource();
        var (o, e) = (TextWriter.Synchronized(stdout), TextWriter.Synchronized(stderr));
        string[] all = ["studio", "--lfs", _lfs, .. args.Contains("--labels") ? [] : new[] { "--labels", _temp.File("hand.csv") }, .. args];
        var run = Task.Run(() => Cli.Run(all, o, e, stop.Token, interactive: false));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var served = false;
        while (!run.IsCompleted && clock.Elapsed < Patience)
        {
            string printed;
            lock (o) printed = stdout.ToString(); // the synchronized writer locks itself
            if (printed.Contains("snorkeler studio: http://", StringComparison.Ordinal))
            {
                served = true;
                await stop.CancelAsync();
                break;
            }
            await Task.Delay(20);
        }
        if (!served && !run.IsCompleted) await stop.CancelAsync();
        var code = await run.WaitAsync(Patience);
        clock.Elapsed.ShouldBeLessThan(Patience * 2, $"the studio took {clock.Elapsed.TotalSeconds:F0} s; stderr: {stderr}");
        return new StudioRun(code, stdout.ToString(), stderr.ToString(), served);
    }

    public static TheoryData<string, string, string> BrokenInputs => new()
    {
        // the file, its text, the option that names it
        { "bad.csv", "subject,body\nhello,\"never closed\n", "--data" },
        { "empty.csv", "", "--data" },
        { "header.csv", "subject,body\n", "--data" },
        { "cut.parquet", "PAR1\u0015\u0004", "--data" },
        { "m.npy", "\u0093NUMPY", "--data" },
        { "dev.csv", "subject,body,category\nhi,there,SHIPPING\n", "--dev" },
        { "dev.json", "{\"0\": {\"data\": {\"body\": \"a\"}, \"label\": 0", "--dev" },
        { "hand.csv", "ticket,category\n", "--labels" },
        { "hand.csv", "row,label\nfirst,BILLING\n", "--labels" },
    };

    [Theory]
    [MemberData(nameof(BrokenInputs))]
    public async Task A_broken_data_dev_or_labels_file_stops_the_studio_with_one_line_naming_it(string name, string text, string option)
    {
        // Given
        var path = _temp.Write(Path.Combine("in", name), text);
        string[] args = option switch
        {
            "--data" => ["--quiet", "--data", path],
            "--dev" => ["--quiet", "--data", _data, "--dev", path, .. path.EndsWith(".csv", StringComparison.Ordinal) ? new[] { "--gold-column", "category" } : []],
            _ => ["--quiet", "--data", _data, "--labels", path],
        };
        if (name == "dev.json") _temp.Write("in/label.json", "{\"0\": \"BILLING\", \"1\": \"TECHNICAL\", \"2\": \"ACCOUNT\"}");

        // When
        var run = await Studio(args);

        // Then
        run.Served.ShouldBeFalse(run.Out);
        run.ExitCode.ShouldBe(1, run.Error);
        run.ErrorLines.Length.ShouldBe(1, run.Error);
        run.ErrorLines[0].ShouldStartWith("error: ");
        run.ErrorLines[0].ShouldContain(name);
        run.Out.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_hand_labels_line_that_is_not_a_row_and_label_is_named_as_data_errors_are()
    {
        // Given (before: 'hand.csv: line 3: ...', not the path(line) of every other data error)
        var hand = _temp.Write("hand.csv", "row,label\n1,BILLING\nfirst,ACCOUNT\n");

        // When
        var run = await Studio("--data", _data, "--quiet", "--labels", hand);

        // Then
        run.ExitCode.ShouldBe(1);
        run.ErrorLines.ShouldBe([$"error: {hand}(3): expected 'ROW,LABEL' with a row number from 1, got 'first,ACCOUNT'"]);
    }

    [Fact]
    public async Task Broken_LFs_start_the_studio_with_their_diagnostics_on_stderr()
    {
        // Given a rule with a misspelt label
        File.AppendAllText(Path.Combine(_lfs, "tickets.rules"), "\nlf misspelt:\n    when body contains \"x\" label BILING\n");

        // When
        var run = await Studio("--data", _data);

        // Then
        run.Served.ShouldBeTrue(run.Error);
        run.ExitCode.ShouldBe(0);
        run.ErrorLines.ShouldContain(l => l.Contains("tickets.rules(", StringComparison.Ordinal) && l.Contains("error SNK0007: unknown label 'BILING'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_studio_on_one_row_says_so_in_the_singular()
    {
        // Given data of one row, its dev set the same row, and a hand label of row 2, past it (before: '1 training rows, 1 dev rows', 'the data's 1 rows')
        var one = _temp.Write("one.csv", string.Join('\n', File.ReadLines(_data).Take(2)) + "\n");
        _temp.Write("hand.csv", "row,label\n2,BILLING\n");

        // When
        var run = await Studio(["--data", one, "--dev", one, "--gold-column", "category", "--sample", "1"]);

        // Then
        run.Served.ShouldBeTrue(run.Error);
        run.ErrorLines.ShouldContain(l => l.EndsWith(" (a sample of 1 row)", StringComparison.Ordinal));
        run.ErrorLines.ShouldContain(l => l.StartsWith("1 training row, 1 dev row; hand labels in ", StringComparison.Ordinal));
        run.ErrorLines.ShouldContain(l => l.Contains("row 2 is past the data's 1 row;", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Hand_labels_the_studio_cannot_use_start_it_with_a_warning_naming_their_line(bool sample)
    {
        // Given hand labels of a class the LFs do not declare, of a misspelt class, and of a row past the data's 19 (before:
        // left out silently; with a sample of the rows, still left out silently)
        var hand = _temp.Write("hand.csv", "row,label\n1,BILLING\n250,ACCOUNT\n3,SHIPPING\n5,TECHNICL\n");

        // When
        var run = await Studio(["--data", _data, "--quiet", .. sample ? new[] { "--sample", "10" } : []]);

        // Then
        run.Served.ShouldBeTrue(run.Error);
        run.ErrorLines.ShouldBe([
            $"warning: {hand}(4): row 3's label 'SHIPPING' is not a class of the LFs (classes: BILLING, TECHNICAL, ACCOUNT); it is not used",
            $"warning: {hand}(5): row 5's label 'TECHNICL' is not a class of the LFs (did you mean 'TECHNICAL'? classes: BILLING, TECHNICAL, ACCOUNT); it is not used",
            $"warning: {hand}(3): row 250 is past the data's 19 rows; its label is not used (a labels file of other data?)",
        ]);
    }

    [Fact]
    public async Task Mutants_of_the_data_LF_and_hand_labels_files_start_the_studio_or_stop_it_with_one_line_naming_the_file()
    {
        var (count, seed) = DataMutationFuzzTests.Scale(45, 3904);
        var problems = new List<string>();
        var rules = Path.Combine(_lfs, "tickets.rules");
        var hand = _temp.Write("hand.csv", "row,label\n1,BILLING\n4,TECHNICAL\n9,ACCOUNT\n");
        var sound = new Dictionary<string, byte[]> { [_data] = File.ReadAllBytes(_data), [rules] = File.ReadAllBytes(rules), [hand] = File.ReadAllBytes(hand) };
        foreach (var (file, original) in sound)
        {
            foreach (var mutant in new DataMutator(original).Random(seed, Math.Max(1, count / sound.Count)).Prepend(DataMutant.Of(DataMutant.Sound, original, original)))
            {
                File.WriteAllBytes(file, mutant.Bytes);
                var run = await Studio("--data", _data, "--gold-column", "category", "--dev", _data);
                var problem = mutant.Kind == DataMutant.Sound && !run.Served ? $"the sound file does not start it «{run.Error}»" : Problem(run, Path.GetFileName(file));
                if (problem is not null) problems.Add($"{Path.GetFileName(file)}: {problem}: {mutant.Describe()}");
            }
            File.WriteAllBytes(file, original);
        }
        DataMutationFuzzTests.Report(problems);
    }

    /// <summary>What is wrong with a studio run on a damaged file: served runs end in 0; stopped runs in 1, with one error line naming the file.</summary>
    private static string? Problem(StudioRun run, string file)
    {
        if (run.Error.Contains("   at ", StringComparison.Ordinal) || run.Error.Contains("Exception", StringComparison.Ordinal)) return $"shows .NET «{run.Error}»";
        if (run.Served) return run.ExitCode == 0 ? null : $"served, then exit {run.ExitCode} «{run.Error}»";
        return run.ExitCode != 1 ? $"exit {run.ExitCode} «{run.Error}»" : DataMutationFuzzTests.OneErrorNaming(run.ErrorLines, file).Problem;
    }
}
