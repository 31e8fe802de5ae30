using System.Text.Json;
using Snorkeler.Cli.Tests.Support;

namespace Snorkeler.Cli.Tests;

/// <summary>Answers arriving in batches: several files given to one option that reads a matrix, read as one.</summary>
public class AnswerBatchesTests
{
    /// <summary>RTE's answers split in three: a CSV, a TSV with its columns in another order, and JSON Lines, beside its label.json.</summary>
    private static string[] SplitRte(TempFolder temp)
    {
        var lines = File.ReadAllLines(TestPaths.Crowd("rte"));
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToArray();
        var third = rows.Length / 3;
        File.Copy(TestPaths.Crowd("rte", "label.json"), temp.File("label.json"));
        var csv = temp.Write("b1.csv", string.Concat(rows[..third].Select(r => $"{r[0]},{r[1]},{r[2]}\n").Prepend("task,worker,label\n")));
        var tsv = temp.Write("b2.tsv", string.Concat(rows[third..(2 * third)].Select(r => $"{r[2]}\t{r[1]}\t{r[0]}\n").Prepend("label\tworker\ttask\n")));
        var jsonl = temp.Write("b3.jsonl", string.Concat(rows[(2 * third)..].Select(r => JsonSerializer.Serialize(new { worker = r[1], task = r[0], label = r[2] }) + "\n")));
        return [csv, tsv, jsonl];
    }

    [Fact]
    public void Fit_predict_and_analyze_on_rte_split_into_three_files_give_what_the_one_file_gives_byte_for_byte()
    {
        // Given
        using var temp = new TempFolder();
        var batches = SplitRte(temp);
        var whole = TestPaths.Crowd("rte");
        var gold = TestPaths.Crowd("rte", "gold.csv");

        // When fitted, predicted and analysed from the one file and from the three (as several values, and as a repeated option)
        var fitOne = Shell.Run("fit", "--matrix", whole, "--model", "dawid-skene", "--seed", "3", "--out", temp.File("one.json"));
        var fitThree = Shell.Run(["fit", "--matrix", .. batches, "--model", "dawid-skene", "--seed", "3", "--out", temp.File("three.json")]);
        var predictOne = Shell.Run("predict", "--model", temp.File("one.json"), "--matrix", whole, "--gold", gold, "--out", temp.File("one.csv"));
        var predictThree = Shell.Run(["predict", "--model", temp.File("one.json"), "--matrix", .. batches, "--gold", gold, "--out", temp.File("three.csv")]);
        var analyzeOne = Shell.Run("analyze", "--matrix", whole, "--gold", gold);
        var analyzeThree = Shell.Run("analyze", "--matrix", batches[0], "--matrix", batches[1], "--matrix", batches[2], "--gold", gold);

        // Then
        fitThree.ShouldSucceed();
        fitThree.Error.ShouldContain($"{string.Join(", ", batches)}: 8,000 answers, 800 tasks, 164 workers");
        File.ReadAllBytes(temp.File("three.json")).ShouldBe(File.ReadAllBytes(temp.File("one.json")));
        predictThree.ShouldSucceed();
        File.ReadAllBytes(temp.File("three.csv")).ShouldBe(File.ReadAllBytes(temp.File("one.csv")));
        predictThree.Out.ShouldBe(predictOne.Out);
        predictOne.Out.ShouldContain("accuracy (tie-break abstain): 0.929");
        analyzeThree.ShouldSucceed();
        analyzeThree.Out.ShouldBe(analyzeOne.Out);
        fitOne.ShouldSucceed();
    }

    [Fact]
    public void A_correction_in_a_later_batch_replaces_the_earlier_answer_and_the_note_names_both_files()
    {
        // Given worker 1's answer to task 1 in RTE's first batch (1), and a correction batch
        using var temp = new TempFolder();
        var batches = SplitRte(temp);
        var fix = temp.Write("fix.csv", "task,worker,label\n1,1,0\n");

        // When
        var fit = Shell.Run("fit", "--matrix", batches[0], fix, "--model", "mv", "--out", temp.File("m.json"));
        var strict = Shell.Run("fit", "--matrix", batches[0], fix, "--repeats", "error", "--model", "mv", "--out", temp.File("m2.json"));

        // Then
        fit.ShouldSucceed();
        fit.Error.ShouldContain($"{batches[0]}, {fix}: 1 repeated answer of a worker to the same task was resolved by the repeats rule (e.g. worker '1' on task '1' in {batches[0]} and {fix})");
        strict.ShouldFailWith(1, $"error: {fix}(2): worker '1' answered task '1' more than once (choose which answer counts with --repeats first|last); the first answer is on {batches[0]} line 2");
    }

    [Fact]
    public void A_bad_line_in_a_later_batch_is_named_by_its_file_and_line()
    {
        // Given
        using var temp = new TempFolder();
        var batches = SplitRte(temp);
        var bad = temp.Write("b4.csv", "task,worker,label\n900,1,1\n901,2,maybe\n");

        // When
        var fit = Shell.Run(["fit", "--matrix", .. batches, bad, "--model", "mv", "--out", temp.File("m.json")]);

        // Then
        fit.ShouldFailWith(1, $"error: {bad}(3): label 'maybe' is not a class of 0=0, 1=1");
    }

    [Fact]
    public void Compare_reads_several_training_files_as_one()
    {
        // Given
        using var temp = new TempFolder();
        var batches = SplitRte(temp);
        var gold = TestPaths.Crowd("rte", "gold.csv");

        // When
        var one = Shell.Run("compare", "--train", TestPaths.Crowd("rte"), "--test", TestPaths.Crowd("rte"), "--gold", gold, "--models", "mv,dawid-skene", "--format", "csv");
        var three = Shell.Run(["compare", "--train", .. batches, "--test", .. batches, "--gold", gold, "--models", "mv,dawid-skene", "--format", "csv"]);

        // Then the scores are the same (the last two columns are times)
        three.ShouldSucceed();
        Scores(three.Out).ShouldBe(Scores(one.Out));
        Scores(one.Out)[2].ShouldStartWith("dawid-skene,0.92875,0.92875,");
    }

    private static string[] Scores(string csv)
        => [.. csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => string.Join(',', line.Split(',')[..^2]))];

    [Fact]
    public void A_wide_matrix_among_several_is_refused_in_one_line_naming_it()
    {
        // Given
        using var temp = new TempFolder();
        var batches = SplitRte(temp);

        // When
        var fit = Shell.Run("fit", "--matrix", batches[0], TestPaths.YouTubeFile("train.json"), "--model", "mv", "--out", temp.File("m.json"));

        // Then
        fit.ShouldFailWith(1, $"error: {TestPaths.YouTubeFile("train.json")}: a Wrench split is not combined with other files, as a wide label matrix's rows have no task ids to join on; "
                              + "give it alone (several files are read as one only when all hold answers in long format, task,worker,label)");
    }
}
