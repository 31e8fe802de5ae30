using Snorkeler.Reliability.Tests.Support;

namespace Snorkeler.Reliability.Tests;

/// <summary>
/// Where an output lands: through a symbolic link the file it names is replaced and the link kept; a pipe or a
/// device (such as a link to <c>/dev/null</c>, or <c>/dev/stdout</c>, which a root process would otherwise have
/// replaced by a regular file) is refused before anything is read; several outputs of one command are one unit.
/// </summary>
public sealed class OutputTargetTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly string _matrix;

    public OutputTargetTests()
    {
        _temp.Write("lfs/spam.rules", "labels HAM, SPAM\n\nlf subscribe:\n    when text contains \"subscribe\" label SPAM\n\nlf song:\n    when text contains \"song\" label HAM\n");
        var data = _temp.Write("d.csv", "text\nplease subscribe\nnice song\nhello\n");
        _matrix = _temp.File("m.snkm");
        Shell.Run("apply", "--lfs", _temp.File("lfs"), "--data", data, "--out", _matrix).ShouldSucceed();
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void An_output_through_a_symbolic_link_replaces_the_file_it_names_and_keeps_the_link()
    {
        // Given: model.json is a link to a file in another folder
        Directory.CreateDirectory(_temp.File("models"));
        File.WriteAllText(_temp.File("models/real.json"), "old");
        File.CreateSymbolicLink(_temp.File("model.json"), _temp.File("models/real.json"));

        // When
        var result = Shell.Run("fit", "--matrix", _matrix, "--model", "mv", "--out", _temp.File("model.json"));

        // Then: the link is still a link, its target holds the model, and no temporary is left in either folder
        result.ShouldSucceed();
        new FileInfo(_temp.File("model.json")).LinkTarget.ShouldBe(_temp.File("models/real.json"));
        File.ReadAllText(_temp.File("models/real.json")).ShouldContain("snorkeler.label-model");
        Directory.GetFiles(_temp.Path, "*.tmp", SearchOption.AllDirectories).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("fit", "--out")]
    [InlineData("predict", "--out")]
    [InlineData("apply", "--out")]
    [InlineData("label", "--out")]
    [InlineData("apply", "--stats")]
    [InlineData("analyze", "--report")]
    [InlineData("preferences", "--annotators-out")]
    public void An_output_that_is_a_device_or_a_pipe_is_refused_with_exit_1_as_a_folder_is_and_left_as_it_is(string command, string option)
    {
        // Given: a link to /dev/null, a named pipe and a folder, each where an output should go
        var device = _temp.File($"null{Extension(command, option)}");
        File.CreateSymbolicLink(device, "/dev/null");
        var pipe = _temp.File($"pipe{Extension(command, option)}");
        Files.MakeFifo(pipe);
        var folder = Directory.CreateDirectory(_temp.File($"folder{Extension(command, option)}")).FullName;

        foreach (var target in new[] { device, pipe, folder })
        {
            // When
            var result = Shell.Run([.. Arguments(command, option == "--out" ? null : option), option, target]);

            // Then: the exit code of an output that cannot be written, whatever is in its place (a pipe was a usage error, exit 2)
            result.ShouldFailWith(1);
            result.ErrorLines[0].ShouldBe(target == folder
                ? $"error: {target}: is a folder, expected a file name"
                : $"error: {option} '{target}' is a named pipe, socket or device; an output must be a file (it is written beside, then renamed into place)");
        }
        new FileInfo(device).LinkTarget.ShouldBe("/dev/null");
        Directory.GetFiles(_temp.Path, "*.tmp").ShouldBeEmpty();
    }

    [Theory]
    [InlineData("apply", "x.csv", "x.csv.schema.json")]
    [InlineData("label", "x.csv", "x.csv.manifest.json")]
    public void A_file_written_beside_an_output_that_is_a_pipe_is_refused_before_the_run(string command, string output, string beside)
    {
        // It was found only when the run was done, after the work (exit 1)
        Files.MakeFifo(_temp.File(beside));

        var result = Shell.Run([.. Arguments(command, null), "--out", _temp.File(output)]);

        result.ShouldFailWith(1);
        result.ErrorLines[0].ShouldBe($"error: the file written beside it '{_temp.File(beside)}' of --out '{_temp.File(output)}' is a named pipe, socket or device; an output must be a file (it is written beside, then renamed into place)");
        result.Error.ShouldNotContain("applied");
    }

    [Theory]
    [InlineData("folder")]
    [InlineData("socket")]
    public void A_unit_lock_that_can_never_be_taken_is_refused_before_the_labels_are_made(string what)
    {
        // Given a folder or a socket where the output's unit keeps its lock (it was found only when publishing, after the work)
        var output = _temp.File("labels.csv");
        var lockFile = _temp.File(".labels.csv.lock");
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        if (what == "folder") Directory.CreateDirectory(lockFile);
        else socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(lockFile));

        // When
        var result = Shell.Run([.. Arguments("label", null), "--out", output]);

        // Then the error publishing gives, before anything is applied
        result.ShouldFailWith(1);
        var kind = what == "folder" ? "a folder" : "a named pipe, socket or device";
        result.ErrorLines[0].ShouldBe($"error: {output}: cannot write the lock file beside it: '{lockFile}' is {kind}; remove it (Snorkeler makes and deletes that file as it publishes)");
        result.Error.ShouldNotContain("applied");
        File.Exists(output).ShouldBeFalse();
        Directory.GetFiles(_temp.Path, "*.tmp").ShouldBeEmpty();
    }

    [Theory]
    [InlineData("label --matrix-out", "m.snkm")]
    [InlineData("apply --out", "x.snkm")]
    public void A_folder_named_as_the_lock_of_an_output_that_takes_no_lock_of_its_own_is_no_error(string where, string name)
    {
        // Given a folder where a lock beside the output would be: a matrix in the labels' unit, or a .snkm published alone, takes none
        Directory.CreateDirectory(_temp.File($".{name}.lock"));
        string[] arguments = where == "apply --out"
            ? [.. Arguments("apply", null), "--out", _temp.File(name)]
            : [.. Arguments("label", null), "--out", _temp.File("labels.csv"), "--matrix-out", _temp.File(name)];

        // When
        var result = Shell.Run(arguments);

        // Then the run publishes, and the folder is left as it was
        result.ShouldSucceed();
        File.Exists(_temp.File(name)).ShouldBeTrue();
        Directory.Exists(_temp.File($".{name}.lock")).ShouldBeTrue();
    }

    [Fact]
    public void A_unit_lock_that_can_never_be_taken_by_a_matrix_and_its_statistics_is_refused_before_the_lfs_are_applied()
    {
        // Given a folder where the unit of a .snkm matrix and its statistics keeps its lock
        var output = _temp.File("x.snkm");
        var lockFile = _temp.File(".x.snkm.lock");
        Directory.CreateDirectory(lockFile);

        // When
        var result = Shell.Run([.. Arguments("apply", null), "--out", output, "--stats", _temp.File("x.stats.json")]);

        // Then
        result.ShouldFailWith(1);
        result.ErrorLines[0].ShouldBe($"error: {output}: cannot write the lock file beside it: '{lockFile}' is a folder; remove it (Snorkeler makes and deletes that file as it publishes)");
        result.Error.ShouldNotContain("applied");
        File.Exists(output).ShouldBeFalse();
    }

    [Fact]
    public void The_outputs_of_preferences_are_one_unit_so_a_failing_one_keeps_the_others_as_they_were()
    {
        // Given: earlier scores, and an annotators output that cannot be written (a folder is in its place)
        var pairs = _temp.Write("pairs.csv", "left,right,worker,winner\na,b,w1,left\nb,c,w2,right\na,c,w1,tie\n");
        File.WriteAllText(_temp.File("scores.csv"), "earlier");
        Directory.CreateDirectory(_temp.File("annotators.csv"));

        // When
        var result = Shell.Run("preferences", "--pairs", pairs, "--out", _temp.File("scores.csv"), "--pair-probabilities", _temp.File("pp.csv"), "--annotators-out", _temp.File("annotators.csv"));

        // Then
        result.ShouldFailWith(1);
        File.ReadAllText(_temp.File("scores.csv")).ShouldBe("earlier");
        File.Exists(_temp.File("pp.csv")).ShouldBeFalse();
        Directory.GetFiles(_temp.Path, "*.tmp").ShouldBeEmpty();
    }

    /// <summary>A command line of <paramref name="command"/> whose outputs (other than <paramref name="extra"/>, given last by the caller) go to the test folder.</summary>
    private string[] Arguments(string command, string? extra) => command switch
    {
        "fit" => ["fit", "--matrix", _matrix, "--model", "mv"],
        "predict" => ["predict", "--model", Model(), "--matrix", _matrix],
        "apply" => ["apply", "--lfs", _temp.File("lfs"), "--data", _temp.File("d.csv"), .. extra is null ? Array.Empty<string>() : ["--out", _temp.File("x.snkm")]],
        "label" => ["label", "--lfs", _temp.File("lfs"), "--data", _temp.File("d.csv"), "--model", "mv"],
        "analyze" => ["analyze", "--matrix", _matrix],
        "preferences" => ["preferences", "--pairs", _temp.Write("pairs.csv", "left,right,worker,winner\na,b,w1,left\nb,c,w2,right\n"), "--out", _temp.File("scores.csv")],
        _ => throw new ArgumentOutOfRangeException(nameof(command)),
    };

    private static string Extension(string command, string option) => (command, option) switch
    {
        ("apply", "--out") => ".snkm",
        ("apply", _) => ".json",
        ("analyze", _) => ".html",
        ("fit", _) => ".json",
        _ => ".csv",
    };

    private string Model()
    {
        var path = _temp.File("model.json");
        if (!File.Exists(path)) Shell.Run("fit", "--matrix", _matrix, "--model", "mv", "--out", path).ShouldSucceed();
        return path;
    }
}
