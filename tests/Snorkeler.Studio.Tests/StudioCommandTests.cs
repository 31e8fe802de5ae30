namespace Snorkeler.Studio.Tests;

public sealed class StudioCommandTests
{
    [Theory]
    [InlineData("--data", "x.csv")]
    [InlineData("--lfs", "labeling-functions/spam", "--data", "train.json", "--gold-column", "label")]
    [InlineData("--lfs", "labeling-functions/spam", "--data", "train.json", "--port", "70000")]
    [InlineData("--lfs", "no/such/folder", "--data", "train.json")]
    public void Usage_errors_exit_with_code_2_and_say_what_is_wrong(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var resolved = args.Select(a => a switch
        {
            "labeling-functions/spam" => TestPaths.InRepo("labeling-functions", "spam"),
            "train.json" => StudioHarness.TrainPath,
            _ => a,
        }).ToArray();

        var code = Cli.Cli.Run(["studio", .. resolved], stdout, stderr);

        code.ShouldBe(2);
        stderr.ToString().ShouldStartWith("snorkeler studio: ");
        stdout.ToString().ShouldBeEmpty();
    }

    [Theory]
    [InlineData()]
    [InlineData("--no-browser")] // Jupyter's flag, typed from habit: the studio never opens a browser anyway
    public async Task The_command_serves_until_interrupted_and_prints_its_address_with_the_token(params string[] more)
    {
        using var temp = new TempFolder();
        var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => Cli.Cli.Run(["studio", "--lfs", TestPaths.InRepo("labeling-functions", "spam"), "--data", StudioHarness.TrainPath,
            "--labels", temp.File("labels.csv"), "--quiet", .. more], TextWriter.Synchronized(stdout), stderr, stop.Token));
        string? line = null;
        for (var tries = 0; tries < 600 && line is null; tries++)
        {
            line = stdout.ToString().Split('\n').FirstOrDefault(l => l.StartsWith("snorkeler studio: http://127.0.0.1:", StringComparison.Ordinal));
            if (line is null) await Task.Delay(50);
        }
        line.ShouldNotBeNull(stderr.ToString());

        using var client = new HttpClient();
        var page = await client.GetAsync(line!["snorkeler studio: ".Length..].Trim());
        stop.Cancel();

        page.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
        (await run.WaitAsync(TimeSpan.FromSeconds(30))).ShouldBe(0);
    }

    [Fact]
    public async Task A_file_a_killed_studio_left_beside_a_file_of_its_name_is_reported_as_the_command_starts()
    {
        // Given an LF folder where a killed studio's case-only rename of spam.rules left its text, spam.rules being there too
        // (before: the warning was only in the page's state, and the terminal said nothing)
        using var temp = new TempFolder();
        var lfs = Directory.CreateDirectory(temp.File("lfs")).FullName;
        foreach (var file in Directory.GetFiles(TestPaths.InRepo("labeling-functions", "spam"))) File.Copy(file, Path.Combine(lfs, Path.GetFileName(file)));
        var left = $".spam.rules.{int.MaxValue - 1}.{Guid.NewGuid():N}.renaming";
        File.WriteAllText(Path.Combine(lfs, left), "labels HAM, SPAM\n");
        // and one of a word list whose name holds an escape sequence, which the terminal must not receive as one
        const string escaping = "words\u001b[2J.txt";
        File.WriteAllText(Path.Combine(lfs, escaping), "hello\n");
        File.WriteAllText(Path.Combine(lfs, $".{escaping}.{int.MaxValue - 1}.{Guid.NewGuid():N}.renaming"), "hello\n");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        using var stop = new CancellationTokenSource();

        // When the studio starts there
        var run = OwnThread.Run(() => Cli.Cli.Run(["studio", "--lfs", lfs, "--data", StudioHarness.TrainPath, "--labels", temp.File("labels.csv"), "--quiet"],
            TextWriter.Synchronized(stdout), TextWriter.Synchronized(stderr), stop.Token));
        for (var tries = 0; tries < 600 && !stdout.ToString().Contains("snorkeler studio: http", StringComparison.Ordinal); tries++) await Task.Delay(50);
        stop.Cancel();
        (await run.WaitAsync(TimeSpan.FromSeconds(30))).ShouldBe(0, stderr.ToString());

        // Then its warning is on stderr, once, and the file is left as it was; the other's is there without the escape
        stderr.ToString().Split('\n').Count(l => l.StartsWith($"warning: {left}: a studio stopped while renaming spam.rules", StringComparison.Ordinal)).ShouldBe(1, stderr.ToString());
        stderr.ToString().Split('\n').Count(l => l.Contains("a studio stopped while renaming words", StringComparison.Ordinal)).ShouldBe(1, stderr.ToString());
        stderr.ToString().ShouldNotContain('\u001b');
        File.ReadAllText(Path.Combine(lfs, left)).ShouldBe("labels HAM, SPAM\n");
    }

    [Fact]
    public async Task On_a_machine_with_more_processors_than_the_most_threads_the_command_starts_on_the_most()
    {
        // Given a machine that says it has 2,000 processors (before: the default, a thread a processor, was above the 1,024 the
        // session takes, and the studio refused to start: 'StudioSettings.Threads ... must be from 1 to 1024, not 2000')
        using var temp = new TempFolder();
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "snorkeler.dll"), "studio",
            "--lfs", TestPaths.InRepo("labeling-functions", "spam"), "--data", StudioHarness.TrainPath, "--labels", temp.File("labels.csv"), "--quiet"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["DOTNET_PROCESSOR_COUNT"] = "2000" },
        };

        // When the studio command runs there
        using var studio = System.Diagnostics.Process.Start(start)!;
        var errors = studio.StandardError.ReadToEndAsync();
        string? line;
        try
        {
            do line = await studio.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            while (line is not null && !line.StartsWith("snorkeler studio: http://127.0.0.1:", StringComparison.Ordinal));
        }
        finally
        {
            studio.Kill(entireProcessTree: true);
        }

        // Then it serves
        line.ShouldNotBeNull(await errors);
    }
}
