using Snorkeler.Reliability.Tests.Support;

namespace Snorkeler.Reliability.Tests;

/// <summary>
/// An input too large for the memory the process may use is told so in one line, exit 1, with nothing written; not
/// reported as a bug in Snorkeler (exit 3). Each run is a child process with a small GC heap limit.
/// </summary>
public sealed class OutOfMemoryTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>The memory the runs may use, 256 MB: less than dawid-skene needs on <see cref="WideSet"/>.</summary>
    private static readonly Dictionary<string, string> Limit = new() { ["DOTNET_GCHeapHardLimit"] = "0x10000000" };

    private const string Hint = "label models whose parameters grow with the square of the classes (ibcc, dawid-skene, ebcc, snorkel, flyingsquid) "
        + "need the most on thousands of classes, and mv the least; nothing was written";

    /// <summary>
    /// A Wrench set in <paramref name="folder"/> (train and test splits) of 3 sources voting among 3,000 classes, whose
    /// dawid-skene confusion matrices (sources × classes × (classes + 1)) take 216 MB; returns the folder. (ibcc, which
    /// holds three such arrays a restart, refuses it before any work: <c>IbccTrainer.MaxConfusionEntries</c>.)
    /// </summary>
    private string WideSet(string folder)
    {
        const int classes = 3000;
        _temp.Write($"{folder}/label.json", "{" + string.Join(", ", Enumerable.Range(0, classes).Select(c => $"\"{c}\": \"C{c}\"")) + "}");
        var rows = "{" + string.Join(", ", Enumerable.Range(0, 20).Select(i =>
            $"\"{i}\": {{\"data\": {{\"text\": \"r{i}\"}}, \"label\": 0, \"weak_labels\": [{i * 7 % classes}, {i * 11 % classes}, {i * 13 % classes}]}}")) + "}";
        _temp.Write($"{folder}/train.json", rows);
        _temp.Write($"{folder}/test.json", rows);
        return _temp.File(folder);
    }

    [Fact]
    public void A_label_model_running_out_of_memory_is_a_one_line_error_and_writes_nothing()
    {
        // Given
        var train = Path.Combine(WideSet("wide"), "train.json");
        var model = _temp.File("m.json");

        // When
        using var run = ChildProcess.Start(Limit, ["fit", "--matrix", train, "--model", "dawid-skene", "--out", model]);
        var exit = run.Wait(TimeSpan.FromSeconds(120));

        // Then (it was "internal error: OutOfMemoryException: ..." and "this is a bug in snorkeler; ... report it", exit 3)
        exit.ShouldBe(1, run.Error);
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(1, run.Error);
        lines[0].ShouldBe($"error: snorkeler fit: ran out of memory: the input needs more than this process may use (256 MB); {Hint}");
        File.Exists(model).ShouldBeFalse();
        Directory.GetFiles(_temp.Path, "*.tmp").ShouldBeEmpty();
    }

    [Fact]
    public void A_suite_set_on_which_a_model_runs_out_of_memory_is_named()
    {
        // Given: a suite of one set too wide for dawid-skene in 256 MB
        var set = WideSet("suite/wide");

        // When
        using var run = ChildProcess.Start(Limit, ["compare", "--suite", _temp.File("suite"), "--models", "mv,dawid-skene"]);
        var exit = run.Wait(TimeSpan.FromSeconds(120));

        // Then: the set is named, as for any error in a suite (it was exit 3, "internal error: OutOfMemoryException")
        exit.ShouldBe(1, run.Error);
        run.Error.TrimEnd().ShouldBe($"error: set 'wide' ({set}): ran out of memory: the input needs more than this process may use (256 MB); {Hint}");
    }
}
