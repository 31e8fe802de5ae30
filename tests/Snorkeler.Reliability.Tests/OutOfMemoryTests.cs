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

    [Fact]
    public void A_label_model_running_out_of_memory_is_a_one_line_error_and_writes_nothing()
    {
        // Given: 3 sources voting among 3,000 classes, whose ibcc confusion matrices (sources × classes × (classes + 1))
        // take 216 MB each, and a process allowed a 256 MB heap
        const int classes = 3000;
        _temp.Write("wide/label.json", "{" + string.Join(", ", Enumerable.Range(0, classes).Select(c => $"\"{c}\": \"C{c}\"")) + "}");
        var train = _temp.Write("wide/train.json", "{" + string.Join(", ", Enumerable.Range(0, 20).Select(i =>
            $"\"{i}\": {{\"data\": {{\"text\": \"r{i}\"}}, \"label\": 0, \"weak_labels\": [{i * 7 % classes}, {i * 11 % classes}, {i * 13 % classes}]}}")) + "}");
        var model = _temp.File("m.json");
        var limit = new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x10000000" };

        // When
        using var run = ChildProcess.Start(limit, ["fit", "--matrix", train, "--model", "ibcc", "--out", model]);
        var exit = run.Wait(TimeSpan.FromSeconds(120));

        // Then (it was "internal error: OutOfMemoryException: ..." and "this is a bug in snorkeler; ... report it", exit 3)
        exit.ShouldBe(1, run.Error);
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(1, run.Error);
        lines[0].ShouldBe("error: snorkeler fit: ran out of memory: the input needs more than this process may use (256 MB); label models whose parameters grow with the square of the classes (ibcc, dawid-skene, ebcc, snorkel, flyingsquid) need the most on thousands of classes, and mv the least; nothing was written");
        File.Exists(model).ShouldBeFalse();
        Directory.GetFiles(_temp.Path, "*.tmp").ShouldBeEmpty();
    }
}
