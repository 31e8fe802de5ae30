using Snorkeler.Reliability.Tests.Support;

namespace Snorkeler.Reliability.Tests;

/// <summary>
/// Inputs read strictly: class keys in label.json written as plain numbers, sidecar versions that are versions,
/// a JSON key given twice, a task with two different gold labels, a row id given twice, a folder option that names a
/// pipe or a file, and SIGTERM while the process starts.
/// </summary>
public sealed class StrictInputTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly string _lfs;
    private readonly string _data;

    public StrictInputTests()
    {
        _lfs = Path.GetDirectoryName(_temp.Write("lfs/spam.rules", "labels HAM, SPAM\n\nlf subscribe:\n    when text contains \"subscribe\" label SPAM\n\nlf song:\n    when text contains \"song\" label HAM\n"))!;
        _data = _temp.Write("d.csv", "text\nplease subscribe\nnice song\nhello\n");
    }

    public void Dispose() => _temp.Dispose();

    private string Wrench(string labelJson)
    {
        _temp.Write("wrench/label.json", labelJson);
        return _temp.Write("wrench/train.json", "{\"0\": {\"data\": {\"text\": \"please subscribe\"}, \"label\": 1, \"weak_labels\": [1, -1]}, \"1\": {\"data\": {\"text\": \"nice song\"}, \"label\": 0, \"weak_labels\": [-1, 0]}}");
    }

    [Theory]
    [InlineData("00", "0")]
    [InlineData("01", "1")]
    [InlineData("001", "1")]
    public void A_label_json_class_key_not_written_as_a_plain_number_is_refused(string key, string canonical)
    {
        // "00" was read as class 0: a key that only looks like the number can stand for a class not meant
        var train = Wrench(canonical == "0" ? $"{{\"{key}\": \"HAM\", \"1\": \"SPAM\"}}" : $"{{\"0\": \"HAM\", \"{key}\": \"SPAM\"}}");

        var result = Shell.Run("analyze", "--matrix", train);

        result.ShouldFailWith(1, $"error: {_temp.File("wrench/label.json")}: class key \"{key}\" is not written as a plain number (write \"{canonical}\")");
    }

    [Fact]
    public void A_json_key_given_twice_is_refused_in_every_json_file_snorkeler_reads()
    {
        // Given: label.json with class 1 named twice, a model with two priors, a JSON Lines row with two texts, a Wrench split with row "0" twice
        var train = Wrench("{\"0\": \"HAM\", \"1\": \"SPAM\", \"1\": \"EGGS\"}");
        var matrix = _temp.File("m.snkm");
        Shell.Run("apply", "--lfs", _lfs, "--data", _data, "--out", matrix).ShouldSucceed();
        var model = _temp.File("model.json");
        Shell.Run("fit", "--matrix", matrix, "--model", "mv", "--out", model).ShouldSucceed();
        var text = File.ReadAllText(model);
        var twice = _temp.Write("twice.json", text.Insert(text.IndexOf('{', StringComparison.Ordinal) + 1, "\"version\": 1,"));
        var jsonl = _temp.Write("d.jsonl", "{\"text\": \"hello\"}\n{\"text\": \"nice song\", \"text\": \"please subscribe\"}\n");
        var rows = _temp.Write("rows/train.json", "{\"0\": {\"data\": {\"text\": \"a\"}, \"weak_labels\": [1]},\n \"0\": {\"data\": {\"text\": \"b\"}, \"weak_labels\": [0]}}");
        _temp.Write("rows/label.json", "{\"0\": \"HAM\", \"1\": \"SPAM\"}");

        // When / Then
        Shell.Run("analyze", "--matrix", train).ShouldFailStartingWith(1, $"error: {_temp.File("wrench/label.json")}");
        Shell.Run("predict", "--model", twice, "--matrix", matrix, "--out", _temp.File("p.csv")).ShouldFailStartingWith(1, $"error: {twice}");
        Shell.Run("apply", "--lfs", _lfs, "--data", jsonl, "--out", _temp.File("j.snkm")).ShouldFailStartingWith(1, $"error: {jsonl}(2): ");
        Shell.Run("analyze", "--matrix", rows).ShouldFailWith(1, $"error: {rows}(2): row \"0\" is given twice (first on line 1); each row needs its own id");
    }

    /// <summary>A CSV matrix applied from the test's LFs and data, its sidecar's version rewritten as <paramref name="version"/>.</summary>
    private string MatrixWithSidecarVersion(string version)
    {
        var matrix = _temp.File("m.csv");
        Shell.Run("apply", "--lfs", _lfs, "--data", _data, "--out", matrix).ShouldSucceed();
        File.WriteAllText(matrix + ".schema.json", File.ReadAllText(matrix + ".schema.json").Replace("\"version\": 1", $"\"version\": {version}", StringComparison.Ordinal));
        return matrix;
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("0")]
    [InlineData("1.5")]
    [InlineData("\"1\"")]
    [InlineData("null")]
    public void A_schema_sidecar_whose_version_is_not_a_version_number_is_refused(string version)
    {
        // version -1 was accepted (only versions above the current one were checked)
        var matrix = MatrixWithSidecarVersion(version);

        var result = Shell.Run("analyze", "--matrix", matrix);

        result.ShouldFailWith(1, $"error: {matrix}.schema.json: field 'version' is {version}, not a matrix schema file version (a whole number; this Snorkeler reads version 1)");
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("1e0")]
    public void A_schema_sidecar_version_written_as_a_number_equal_to_a_whole_one_is_that_version(string version)
    {
        // Given a sidecar whose version a tool that reads numbers as floats wrote back (it was "1.0 is not a version number")
        var matrix = MatrixWithSidecarVersion(version);

        // When
        var result = Shell.Run("analyze", "--matrix", matrix);

        // Then
        result.ShouldSucceed();
        result.Out.ShouldContain("subscribe");
    }

    [Fact]
    public void A_task_with_two_different_gold_labels_is_an_error_naming_the_file_the_task_and_both_labels()
    {
        // Given: real crowd answers, and gold that gives task 2 two labels (the second used to win silently)
        var gold = _temp.Write("gold.csv", "task,label\n1,1\n2,1\n3,0\n2,0\n");
        var agreeing = _temp.Write("same.csv", "task,label\n1,1\n2,1\n2,1\n");

        // When
        var conflicting = Shell.Run("analyze", "--matrix", TestPaths.Crowd("bluebird"), "--gold", gold);
        var repeated = Shell.Run("analyze", "--matrix", TestPaths.Crowd("bluebird"), "--gold", agreeing);

        // Then
        conflicting.ShouldFailWith(1, $"error: {gold}(5): task '2' has two gold labels: '1' (line 3) and '0'; give each task one");
        repeated.ShouldSucceed();
    }

    [Fact]
    public void A_folder_option_naming_a_pipe_or_a_file_is_an_error_as_an_output_or_input_naming_one_is()
    {
        // Given: --cache-dir as a FIFO (the cache was silently off), or a regular file; compare --suite as a file (all were exit 2, as usage errors)
        var fifo = _temp.File("cache.fifo");
        Files.MakeFifo(fifo);
        var file = _temp.Write("cache.txt", "not a folder");

        // When / Then
        foreach (var cache in new[] { fifo, file })
        {
            var kind = cache == fifo ? "a named pipe, socket or device" : "a file";
            Shell.Run("apply", "--lfs", _lfs, "--data", _data, "--out", _temp.File("m.csv"), "--cache-dir", cache)
                .ShouldFailWith(1, $"error: --cache-dir '{cache}' is {kind}, not a folder");
        }
        Shell.Run("compare", "--suite", file, "--models", "mv").ShouldFailWith(1, $"error: --suite '{file}' is a file, not a folder");
        File.Exists(_temp.File("m.csv")).ShouldBeFalse();
    }

    [Fact]
    public void A_cache_folder_from_the_environment_that_is_a_pipe_is_refused_too()
    {
        if (OperatingSystem.IsWindows()) return;
        var fifo = _temp.File("env-cache.fifo");
        Files.MakeFifo(fifo);

        using var run = ChildProcess.Start(new Dictionary<string, string> { ["SNORKELER_CACHE_DIR"] = fifo }, ["check", "--lfs", _lfs]);

        run.Wait(TimeSpan.FromSeconds(60)).ShouldBe(1, run.Error);
        run.Error.ShouldStartWith($"error: SNORKELER_CACHE_DIR '{fifo}' is a named pipe, socket or device, not a folder");
    }

    [Fact]
    public void Sigterm_while_the_process_starts_ends_it_without_any_output_or_temporary_file()
    {
        if (OperatingSystem.IsWindows()) return; // SIGTERM is a Unix signal
        var output = _temp.File("early.snkm");
        foreach (var delay in new[] { 0, 10, 30, 60, 100, 150, 250, 400 })
        {
            // Given: a run just started (the runtime may not have installed Snorkeler's handler yet)
            using var run = ChildProcess.Start("apply", "--lfs", _lfs, "--data", _data, "--out", output);
            Thread.Sleep(delay);

            // When
            run.Terminate();

            // Then: killed by the signal before the handler (143 = 128 + SIGTERM) or cancelled by it (130), or done
            var code = run.Wait(TimeSpan.FromSeconds(60));
            code.ShouldBeOneOf([0, 130, 143], run.Error);
            if (code != 0) File.Exists(output).ShouldBeFalse($"after SIGTERM at {delay} ms: exit {code}");
            Directory.GetFiles(_temp.Path, "*.tmp").ShouldBeEmpty();
            if (File.Exists(output)) File.Delete(output);
        }
    }
}
