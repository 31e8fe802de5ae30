using System.Text;
using Snorkeler.Data;
using Snorkeler.IO;

namespace Snorkeler.Reliability.Tests;

/// <summary>
/// Fuzzing the readers of untrusted files: the CSV reader (as data and as a label matrix), the JSON Lines reader
/// and the Wrench reader (as a matrix and as data), with random bytes and seeded mutations of valid files. Every
/// input ends in success or a <see cref="SnorkelerException"/> naming the file, never another exception; through
/// the CLI, in exit code 0 or 1 and never an internal error. The DSL parser and checker are fuzzed the same way in
/// tests/Snorkeler.Dsl.Tests/RobustnessTests.cs. Case counts are fixed, so the run time is bounded (a few seconds).
/// </summary>
public sealed class ReaderFuzzTests : IDisposable
{
    private const string ValidCsv = "text,stars,id\n\"check out my channel, please\",5,a1\nnice song,1,a2\n\"she said \"\"wow\"\"\",3,a3\n\"two\nlines\",,a4\nr\u00e9sum\u00e9 \ud83d\ude00,2,a5\n";
    private const string ValidMatrix = "lf_a,lf_b,lf_c\n1,-1,0\n-1,-1,-1\n0,1,1\n1,1,-1\n";
    private const string ValidJsonLines = "{\"text\": \"check out\", \"stars\": 5}\n{\"text\": \"song\", \"stars\": null, \"tags\": [1, 2]}\n\n{\"text\": \"\u00e9\", \"stars\": 2.5}\n";
    private const string ValidWrench = """
        {"0": {"data": {"text": "check out my channel"}, "label": 1, "weak_labels": [1, -1, 0]},
         "1": {"data": {"text": "nice song", "extra": 3}, "label": 0, "weak_labels": [-1, 0, 0]},
         "2": {"data": {"text": null}, "label": null, "weak_labels": [-1, -1, -1]}}
        """;
    private const string ValidLabels = """{"0": "HAM", "1": "SPAM"}""";

    private static readonly string[] Fragments = ["\"", ",", "\n", "\r", "\r\n", "\t", "\"\"", "{", "}", "[", "]", ":", "-1", "2", "99", "1e999", "null", "\\u0000", "\0", "\ufeff", "\ud800", "é", "\"data\"", "\"weak_labels\"", "\"label\""];

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>Runs <paramref name="read"/>; anything but success or a SnorkelerException naming <paramref name="path"/> fails, with the input.</summary>
    private static void ShouldSucceedOrNameTheFile(string path, Action read, byte[] input)
    {
        try { read(); }
        catch (SnorkelerException e)
        {
            var labels = Path.Combine(Path.GetDirectoryName(path)!, "label.json"); // a Wrench file's classes
            if (!(e.Message.StartsWith(path, StringComparison.Ordinal) || e.Message.StartsWith(labels, StringComparison.Ordinal)) || e.Message.Contains('\n'))
                throw new ShouldAssertException($"the message does not start with the file or has several lines: {e.Message}\ninput: {Show(input)}", e);
        }
        catch (Exception e)
        {
            throw new ShouldAssertException($"{e.GetType().Name}: {e.Message} for input {Show(input)}", e);
        }
    }

    private static string Show(byte[] input) => Convert.ToBase64String(input);

    private static long ReadAll(IDataSource source)
    {
        long cells = 0;
        foreach (var batch in source.ReadBatches(3))
            for (var i = 0; i < batch.Count; i++)
                for (var c = 0; c < source.Schema.Count; c++)
                    cells += batch[i].Span(c).Length;
        return cells;
    }

    private static byte[] Mutate(byte[] source, Random random)
    {
        var bytes = source.ToList();
        for (var e = random.Next(1, 5); e > 0; e--)
        {
            var at = random.Next(bytes.Count + 1);
            switch (random.Next(6))
            {
                case 0 when at < bytes.Count:
                    bytes.RemoveRange(at, Math.Min(random.Next(1, 10), bytes.Count - at));
                    break;
                case 1:
                    bytes.InsertRange(at, Encoding.UTF8.GetBytes(Fragments[random.Next(Fragments.Length)]));
                    break;
                case 2 when at < bytes.Count:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 3 when bytes.Count > 0:
                    var from = random.Next(bytes.Count);
                    bytes.InsertRange(at, bytes.GetRange(from, Math.Min(random.Next(1, 30), bytes.Count - from)));
                    break;
                case 4:
                    bytes.RemoveRange(at, bytes.Count - at); // truncation
                    break;
                default:
                    bytes.Insert(at, (byte)random.Next(32, 127));
                    break;
            }
        }
        return bytes.ToArray();
    }

    private void CsvCase(byte[] input)
    {
        var path = _temp.File("fuzz.csv");
        File.WriteAllBytes(path, input);
        ShouldSucceedOrNameTheFile(path, () => ReadAll(new CsvSource(path)), input);
        ShouldSucceedOrNameTheFile(path, () => MatrixFile.Open(path), input);
    }

    private void JsonLinesCase(byte[] input)
    {
        var path = _temp.File("fuzz.jsonl");
        File.WriteAllBytes(path, input);
        ShouldSucceedOrNameTheFile(path, () => ReadAll(new JsonLinesSource(path)), input);
    }

    private void WrenchCase(byte[] input, byte[]? labels = null)
    {
        var path = _temp.File("train.json");
        File.WriteAllBytes(path, input);
        File.WriteAllBytes(_temp.File("label.json"), labels ?? Encoding.UTF8.GetBytes(ValidLabels));
        ShouldSucceedOrNameTheFile(path, () => WrenchFile.ReadMatrix(path), input);
        ShouldSucceedOrNameTheFile(path, () => ReadAll(WrenchFile.OpenData(path)), input);
    }

    [Fact]
    public void The_valid_seeds_are_read()
    {
        File.WriteAllText(_temp.File("seed.csv"), ValidCsv);
        File.WriteAllText(_temp.File("matrix.csv"), ValidMatrix);
        File.WriteAllText(_temp.File("seed.jsonl"), ValidJsonLines);
        File.WriteAllText(_temp.File("train.json"), ValidWrench);
        File.WriteAllText(_temp.File("label.json"), ValidLabels);

        ReadAll(new CsvSource(_temp.File("seed.csv"))).ShouldBeGreaterThan(0);
        MatrixFile.Open(_temp.File("matrix.csv")).RowCount.ShouldBe(4);
        ReadAll(new JsonLinesSource(_temp.File("seed.jsonl"))).ShouldBeGreaterThan(0);
        WrenchFile.ReadMatrix(_temp.File("train.json")).RowCount.ShouldBe(3);
        ReadAll(WrenchFile.OpenData(_temp.File("train.json"))).ShouldBeGreaterThan(0);
    }

    [Fact]
    public void A_thousand_mutations_of_csv_files_are_read_or_rejected_naming_the_file()
    {
        var random = new Random(4180);
        var seeds = new[] { ValidCsv, ValidMatrix }.Select(Encoding.UTF8.GetBytes).ToArray();
        for (var n = 0; n < 1000; n++) CsvCase(Mutate(seeds[n % 2], random));
    }

    [Fact]
    public void Five_hundred_mutations_of_json_lines_files_are_read_or_rejected_naming_the_file()
    {
        var random = new Random(7464);
        var seed = Encoding.UTF8.GetBytes(ValidJsonLines);
        for (var n = 0; n < 500; n++) JsonLinesCase(Mutate(seed, random));
    }

    [Fact]
    public void A_thousand_mutations_of_wrench_files_and_their_label_json_are_read_or_rejected_naming_the_file()
    {
        var random = new Random(2021);
        var seed = Encoding.UTF8.GetBytes(ValidWrench);
        var labels = Encoding.UTF8.GetBytes(ValidLabels);
        for (var n = 0; n < 1000; n++) WrenchCase(Mutate(seed, random), n % 5 == 0 ? Mutate(labels, random) : null);
    }

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public void Any_bytes_as_csv_are_read_or_rejected_naming_the_file(byte[] bytes) => CsvCase(bytes ?? []);

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public void Any_bytes_as_json_lines_are_read_or_rejected_naming_the_file(byte[] bytes) => JsonLinesCase(bytes ?? []);

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public void Any_bytes_as_a_wrench_file_are_read_or_rejected_naming_the_file(byte[] bytes) => WrenchCase(bytes ?? []);

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public void Any_text_of_csv_and_json_characters_is_read_or_rejected_naming_the_file(string? text)
    {
        var bytes = Encoding.UTF8.GetBytes(text ?? "");
        CsvCase(bytes);
        WrenchCase(Encoding.UTF8.GetBytes("{\"0\": " + text));
    }

    [Fact]
    public void Three_hundred_mutated_inputs_through_the_cli_exit_0_or_1_never_with_an_internal_error()
    {
        // Given: mutated data for apply and mutated matrices for fit
        var random = new Random(130);
        var lfs = _temp.Write("lfs/spam.rules", "labels HAM, SPAM\n\nlf link:\n    when text contains \"check\" label SPAM\n\nlf stars:\n    when stars > 3 label HAM\n");
        var data = _temp.File("data.csv");
        var matrix = _temp.File("matrix.csv");
        var seedData = Encoding.UTF8.GetBytes(ValidCsv);
        var seedMatrix = Encoding.UTF8.GetBytes(ValidMatrix);

        for (var n = 0; n < 300; n++)
        {
            var input = Mutate(n % 2 == 0 ? seedData : seedMatrix, random);
            File.WriteAllBytes(n % 2 == 0 ? data : matrix, input);

            // When
            var result = n % 2 == 0
                ? Shell.Run("apply", "--lfs", Path.GetDirectoryName(lfs)!, "--data", data, "--out", _temp.File("m.snkm"))
                : Shell.Run("fit", "--matrix", matrix, "--model", "mv", "--out", _temp.File("mv.json"), "--quiet");

            // Then
            result.ExitCode.ShouldBeOneOf([0, 1], $"input {Show(input)}: {result.Error}");
            result.Error.ShouldNotContain("internal error", customMessage: $"input {Show(input)}");
            if (result.ExitCode == 1) result.ErrorLines.ShouldAllBe(l => !l.StartsWith("   at "));
        }
    }
}
