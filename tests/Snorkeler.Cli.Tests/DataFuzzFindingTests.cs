using Snorkeler.Cli.Tests.Support;

namespace Snorkeler.Cli.Tests;

/// <summary>
/// What the data fuzz (<see cref="DataMutationFuzzTests"/>) found: faults in a Wrench row named at the row's first line
/// instead of their own, and a class name of 100,000 characters that made <c>analyze</c> run for minutes.
/// </summary>
public sealed class DataFuzzFindingTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>A Wrench split laid out as Wrench writes it, one value a line: row k's key is on line 2 + 9k.</summary>
    private string Split(string folder = "s")
    {
        _temp.Write(Path.Combine(folder, "label.json"), "{\"0\": \"HAM\", \"1\": \"SPAM\"}");
        var rows = Enumerable.Range(0, 3).Select(k =>
            $"    \"{k}\": {{\n        \"data\": {{\"text\": \"row {k}\"}},\n        \"label\": {k % 2},\n        \"weak_labels\": [\n            -1,\n            {k % 2},\n            1\n        ]\n    }}");
        return _temp.Write(Path.Combine(folder, "train.json"), "{\n" + string.Join(",\n", rows) + "\n}\n");
    }

    private static string Line(string text, int line) => text.Split('\n')[line - 1];

    [Fact]
    public void A_Wrench_split_cut_short_names_the_line_it_ends_on()
    {
        // Given a split cut short in its third row, on line 24
        var path = Split();
        var text = File.ReadAllText(path);
        File.WriteAllText(path, text[..(text.IndexOf("\"2\"", StringComparison.Ordinal) + 60)]);
        var last = File.ReadAllText(path).Split('\n').Length;

        // When it is analysed, Then the error names that line, not the line of the last whole row
        Shell.Run("analyze", "--matrix", path).ShouldFailWith(1, $"error: {path}({last}): unexpected end of file (truncated JSON?)");
    }

    [Fact]
    public void A_weak_label_out_of_range_is_named_at_its_own_line()
    {
        // Given a split whose second row's third weak label (line 17) is 7
        var path = Split();
        var lines = File.ReadAllLines(path);
        Line(File.ReadAllText(path), 17).Trim().ShouldBe("1");
        lines[16] = "            7";
        File.WriteAllLines(path, lines);

        // When it is analysed, Then the error names line 17, not line 11 where the row starts
        Shell.Run("analyze", "--matrix", path).ShouldFailWith(1, $"error: {path}(17): row \"1\": weak label 2 is 7, expected -1 or a class 0..1");
    }

    [Fact]
    public void A_weak_label_too_many_or_too_few_is_named_where_the_list_goes_wrong()
    {
        // Given a split whose second row has a fourth weak label on line 18
        var path = Split();
        var lines = File.ReadAllLines(path).ToList();
        lines[16] += ",";
        lines.Insert(17, "            0");
        File.WriteAllLines(path, lines);

        // When it is analysed, Then the error names the label too many
        Shell.Run("analyze", "--matrix", path).ShouldFailWith(1, $"error: {path}(18): row \"1\" has 4 weak labels but the first row (line 2) has 3");

        // And given the second row with one weak label fewer instead, the error names the list's end (line 17, its ']')
        lines = File.ReadAllLines(Split()).ToList();
        lines.RemoveAt(16);
        lines[15] = lines[15].TrimEnd(',');
        File.WriteAllLines(path, lines);
        Shell.Run("analyze", "--matrix", path).ShouldFailWith(1, $"error: {path}(17): row \"1\" has 2 weak labels but the first row (line 2) has 3");
    }

    [Fact]
    public void A_gold_label_out_of_range_in_a_Wrench_row_is_named_at_its_own_line()
    {
        // Given a split whose third row's label (line 22) is 5
        var path = Split();
        var lines = File.ReadAllLines(path);
        lines[21] = "        \"label\": 5,";
        File.WriteAllLines(path, lines);

        // When it is analysed, Then the error names line 22, not line 20 where the row starts
        Shell.Run("analyze", "--matrix", path).ShouldFailWith(1, $"error: {path}(22): row \"2\": label 5 is not a class 0..1");
    }

    [Fact]
    public async Task Analyze_shows_a_class_named_with_a_hundred_thousand_characters_within_seconds()
    {
        // Given a split whose label.json names class 0 with 100,000 characters (a huge field pasted in)
        var path = Split();
        var name = "HA" + new string('x', 100_000) + "M";
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(path)!, "label.json"), $"{{\"0\": \"{name}\", \"1\": \"SPAM\"}}");

        // When it is analysed, Then the table is shown within seconds (the polarity column narrowed one character at a
        // time from the name's length, cutting every class name at each step: minutes), with the name cut to fit
        using var cancel = new CancellationTokenSource();
        var run = OwnThread.Run(() => Shell.Run(cancel.Token, "analyze", "--matrix", path));
        var done = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(20))) == run;
        cancel.Cancel();
        done.ShouldBeTrue("analyze still running after 20 s");
        var result = (await run).ShouldSucceed();
        result.Out.Split('\n').ShouldAllBe(l => l.Length <= 100 || l.StartsWith("  HA", StringComparison.Ordinal));
        result.Out.ShouldContain("HAxxxxxxxxxx");
    }
}
