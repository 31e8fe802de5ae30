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
}
