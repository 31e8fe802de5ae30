using System.Text.Json;
using Snorkeler.Cli.Tests.Support;

namespace Snorkeler.Cli.Tests;

/// <summary>Answers arriving in batches: several files given to one option that reads a matrix, read as one.</summary>
public class AnswerBatchesTests
{
    /// <summary>RTE's answers split in three: a CSV, a TSV with its columns in another order, and JSON Lines, beside its label.json.</summary>
    private static string[] SplitRte(TempFolder temp) => Split(temp, RteAnswers(), "b");

    /// <summary>RTE's answer lines, each as task, worker, label.</summary>
    private static string[][] RteAnswers() => [.. File.ReadAllLines(TestPaths.Crowd("rte")).Skip(1).Select(l => l.Split(','))];

    /// <summary>
    /// <paramref name="rows"/> split in three consecutive parts, <paramref name="prefix"/>1.csv, <paramref name="prefix"/>2.tsv
    /// with its columns in another order and <paramref name="prefix"/>3.jsonl, beside RTE's label.json.
    /// </summary>
    private static string[] Split(TempFolder temp, string[][] rows, string prefix)
    {
        var third = rows.Length / 3;
        if (!File.Exists(temp.File("label.json"))) File.Copy(TestPaths.Crowd("rte", "label.json"), temp.File("label.json"));
        var csv = temp.Write($"{prefix}1.csv", string.Concat(rows[..third].Select(r => $"{r[0]},{r[1]},{r[2]}\n").Prepend("task,worker,label\n")));
        var tsv = temp.Write($"{prefix}2.tsv", string.Concat(rows[third..(2 * third)].Select(r => $"{r[2]}\t{r[1]}\t{r[0]}\n").Prepend("label\tworker\ttask\n")));
        var jsonl = temp.Write($"{prefix}3.jsonl", string.Concat(rows[(2 * third)..].Select(r => JsonSerializer.Serialize(new { worker = r[1], task = r[0], label = r[2] }) + "\n")));
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
        // (after the training matrix's status line)
        strict.ShouldFailWith(1).ErrorLines[^1].ShouldBe($"error: {fix}(2): worker '1' answered task '1' more than once (choose which answer counts with --repeats first|last); the first answer is on {batches[0]} line 2");
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
        fit.ShouldFailWith(1, $"error: {bad}(3): column 'label': 'maybe' is not a class of 0=0, 1=1");
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

        // Then the scores are the same, byte for byte (the CSV holds no timings)
        three.ShouldSucceed();
        three.Out.ShouldBe(one.Out);
        one.Out.Split('\n')[2].ShouldStartWith("dawid-skene,0.92875,0.92875,");
    }

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

    /// <summary>RTE's answers on its first 400 tasks, a dev split: in one file, and split in three (dev1.csv, dev2.tsv, dev3.jsonl).</summary>
    private static (string One, string[] Three) RteDev(TempFolder temp)
    {
        var rows = RteAnswers().Where(r => int.Parse(r[0], System.Globalization.CultureInfo.InvariantCulture) <= 400).ToArray();
        var one = temp.Write("dev.csv", string.Concat(rows.Select(r => $"{r[0]},{r[1]},{r[2]}\n").Prepend("task,worker,label\n")));
        return (one, Split(temp, rows, "dev"));
    }

    [Fact]
    public void Fit_with_rte_dev_answers_split_into_three_files_writes_the_model_the_one_dev_file_gives_byte_for_byte()
    {
        // Given
        using var temp = new TempFolder();
        var (one, three) = RteDev(temp);
        var train = TestPaths.Crowd("rte");
        var gold = TestPaths.Crowd("rte", "gold.csv");

        // When fitted with the dev rows clamped to their gold class (dawid-skene) and with dev accuracies (wmv)
        var clampOne = Shell.Run("fit", "--matrix", train, "--dev", one, "--gold", gold, "--model", "dawid-skene", "--dev-gold", "clamp", "--seed", "3", "--out", temp.File("clamp1.json"));
        var clampThree = Shell.Run(["fit", "--matrix", train, "--dev", .. three, "--gold", gold, "--model", "dawid-skene", "--dev-gold", "clamp", "--seed", "3", "--out", temp.File("clamp3.json")]);
        var wmvOne = Shell.Run("fit", "--matrix", train, "--dev", one, "--gold", gold, "--model", "wmv", "--accuracies", "dev", "--out", temp.File("wmv1.json"));
        var wmvThree = Shell.Run("fit", "--matrix", train, "--dev", three[0], "--dev", three[1], "--dev", three[2], "--gold", gold, "--model", "wmv", "--accuracies", "dev", "--out", temp.File("wmv3.json"));

        // Then a task whose answers straddle two files is one task
        clampThree.ShouldSucceed();
        clampThree.Error.ShouldContain($"{string.Join(", ", three)}: 4,000 answers, 400 tasks, 164 workers, classes 0=0, 1=1, gold labels for 400 tasks");
        clampOne.Error.ShouldContain($"{one}: 4,000 answers, 400 tasks, 164 workers, classes 0=0, 1=1, gold labels for 400 tasks");
        File.ReadAllBytes(temp.File("clamp3.json")).ShouldBe(File.ReadAllBytes(temp.File("clamp1.json")));
        wmvThree.ShouldSucceed();
        File.ReadAllBytes(temp.File("wmv3.json")).ShouldBe(File.ReadAllBytes(temp.File("wmv1.json")));
        File.ReadAllBytes(temp.File("wmv1.json")).ShouldNotBe(File.ReadAllBytes(temp.File("clamp1.json")));
    }

    [Fact]
    public void Compare_reads_several_dev_answer_files_as_one()
    {
        // Given
        using var temp = new TempFolder();
        var (one, three) = RteDev(temp);
        var rte = TestPaths.Crowd("rte");
        var gold = TestPaths.Crowd("rte", "gold.csv");

        // When every model takes its prior from the dev split
        var fromOne = Shell.Run("compare", "--train", rte, "--test", rte, "--dev", one, "--dev-prior", "--gold", gold, "--models", "mv,wmv,dawid-skene", "--format", "csv");
        var fromThree = Shell.Run(["compare", "--train", rte, "--test", rte, "--dev", .. three, "--dev-prior", "--gold", gold, "--models", "mv,wmv,dawid-skene", "--format", "csv"]);

        // Then
        fromThree.ShouldSucceed();
        fromThree.Out.ShouldBe(fromOne.Out);
        fromOne.ShouldSucceed();
    }

    [Fact]
    public void A_stray_word_after_the_dev_answer_files_is_a_usage_error_naming_it_while_a_missing_answers_file_is_no_such_file()
    {
        // Given RTE's dev answers in three files
        using var temp = new TempFolder();
        var (_, three) = RteDev(temp);
        var rte = TestPaths.Crowd("rte");
        var gold = TestPaths.Crowd("rte", "gold.csv");
        var missing = temp.File("dev4.csv");

        // When a word that is no file follows them (it was read as a fourth dev file: "typo: no such file", exit 1)
        var fit = Shell.Run(["fit", "--matrix", rte, "--dev", .. three, "typo", "--gold", gold, "--model", "wmv", "--out", temp.File("m.json")]);
        var compare = Shell.Run(["compare", "--train", rte, "--test", rte, "--dev", .. three, "typo", "--gold", gold, "--models", "mv"]);
        var missingFile = Shell.Run(["fit", "--matrix", rte, "--dev", .. three, missing, "--gold", gold, "--model", "wmv", "--out", temp.File("m.json")]);
        var fine = Shell.Run(["fit", "--matrix", rte, "--dev", .. three, "--gold", gold, "--model", "wmv", "--out", temp.File("m.json")]);

        // Then
        const string Stray = "unexpected argument 'typo': there is no such file, and --dev reads files ending .csv, .tsv, .jsonl, .ndjson, .parquet, .json, .snkm or .npy";
        fit.ShouldFailWith(2, $"snorkeler fit: {Stray}").ErrorLines.Length.ShouldBe(2); // and "run 'snorkeler fit --help' for its options"
        compare.ShouldFailWith(2, $"snorkeler compare: {Stray}");
        missingFile.ShouldFailWith(1).ErrorLines[^1].ShouldBe($"error: {missing}: no such file");
        fine.ShouldSucceed();
    }

    [Fact]
    public void Dev_answers_in_several_files_follow_the_repeats_rule_across_files_and_need_gold_labels()
    {
        // Given the first dev batch, and a batch answering its first task again
        using var temp = new TempFolder();
        var (_, three) = RteDev(temp);
        var fix = temp.Write("fix.csv", "task,worker,label\n1,1,0\n");
        var rte = TestPaths.Crowd("rte");
        var gold = TestPaths.Crowd("rte", "gold.csv");

        // When
        var strict = Shell.Run("fit", "--matrix", rte, "--dev", three[0], fix, "--gold", gold, "--repeats", "error", "--model", "wmv", "--out", temp.File("m.json"));
        var last = Shell.Run("fit", "--matrix", rte, "--dev", three[0], fix, "--gold", gold, "--model", "wmv", "--out", temp.File("m.json"));
        var noGold = Shell.Run(["fit", "--matrix", rte, "--dev", .. three, "--model", "wmv", "--out", temp.File("m.json")]);

        // Then
        // (after the training matrix's status line)
        strict.ShouldFailWith(1).ErrorLines[^1].ShouldBe($"error: {fix}(2): worker '1' answered task '1' more than once (choose which answer counts with --repeats first|last); the first answer is on {three[0]} line 2");
        last.ShouldSucceed();
        last.Error.ShouldContain($"{three[0]}, {fix}: 1 repeated answer of a worker to the same task was resolved by the repeats rule (e.g. worker '1' on task '1' in {three[0]} and {fix})");
        noGold.ShouldFailWith(1).ErrorLines[^1].ShouldBe($"error: {string.Join(", ", three)}: the dev answers have no gold labels; give them with --gold GOLD.csv");
    }

    [Fact]
    public void A_wrench_split_or_a_data_file_among_several_dev_files_is_refused_in_one_line_naming_it()
    {
        // Given
        using var temp = new TempFolder();
        var (_, three) = RteDev(temp);
        var data = temp.Write("sentences.csv", "id,text,gold\n1,a cat,1\n2,a dog,0\n");
        var wrench = TestPaths.YouTubeFile("valid.json");
        var rte = TestPaths.Crowd("rte");

        // When
        var withWrench = Shell.Run("fit", "--matrix", rte, "--dev", three[0], wrench, "--model", "wmv", "--out", temp.File("m.json"));
        var withData = Shell.Run("compare", "--train", rte, "--test", rte, "--dev", three[0], data, "--gold-column", "gold", "--models", "mv,wmv");

        // Then
        withWrench.ShouldFailWith(1, $"error: {wrench}: a Wrench split is not combined with other --dev files; several are read as one only when all hold answers in long format (task,worker,label), so give it alone");
        withData.ShouldFailWith(1, $"error: {data}: a data file (no task, worker and label columns) is not combined with other --dev files; several are read as one only when all hold answers in long format (task,worker,label), so give it alone");
        withData.Out.ShouldBeEmpty();
    }

    [Fact]
    public void Rows_reads_several_answer_files_as_the_one_file_beside_the_data_whose_rows_are_its_tasks()
    {
        // Given RTE's answers in three files, and a data file with a row per task in the order the tasks first appear
        using var temp = new TempFolder();
        var batches = SplitRte(temp);
        var tasks = RteAnswers().Select(r => r[0]).Distinct().ToArray();
        var data = temp.Write("sentences.csv", string.Concat(tasks.Select(t => $"{t},sentence {t}\n").Prepend("id,text\n")));

        // When
        var one = Shell.Run("rows", "--data", data, "--matrix", TestPaths.Crowd("rte"), "--conflict", "--limit", "3", "--format", "jsonl");
        var three = Shell.Run(["rows", "--data", data, "--matrix", .. batches, "--conflict", "--limit", "3", "--format", "jsonl"]);
        var wide = Shell.Run("rows", "--data", data, "--matrix", batches[0], TestPaths.YouTubeFile("train.json"), "--conflict");

        // Then
        three.ShouldSucceed();
        three.Out.ShouldBe(one.Out);
        one.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(3);
        wide.ShouldFailWith(1, $"error: {TestPaths.YouTubeFile("train.json")}: a Wrench split is not combined with other files, as a wide label matrix's rows have no task ids to join on; "
                               + "give it alone (several files are read as one only when all hold answers in long format, task,worker,label)");
    }
}
