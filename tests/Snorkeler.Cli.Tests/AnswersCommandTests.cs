using Snorkeler.Cli.Tests.Support;

namespace Snorkeler.Cli.Tests;

/// <summary>Long-format answers (task,worker,label) through the commands that read matrices.</summary>
public class AnswersCommandTests
{
    [Fact]
    public void Fit_then_predict_on_long_format_answers_just_works_and_keys_the_output_by_task()
    {
        // Given
        using var temp = new TempFolder();
        var answers = temp.Write("answers.csv", "task,worker,label\nt1,a,yes\nt1,b,yes\nt1,c,no\nt2,a,no\nt2,c,no\nt3,b,yes\n");
        var model = temp.File("m.json");
        var probs = temp.File("p.csv");

        // When
        var fit = Shell.Run("fit", "--matrix", answers, "--model", "mv", "--out", model);
        var predict = Shell.Run("predict", "--model", model, "--matrix", answers, "--out", probs);

        // Then
        fit.ShouldSucceed();
        fit.Error.ShouldContain("6 answers, 3 tasks, 3 workers, classes no=0, yes=1");
        predict.ShouldSucceed();
        File.ReadAllLines(probs).ShouldBe(["row,task,p_no,p_yes,label,label_name", "1,t1,0.3333333333333333,0.6666666666666666,1,yes", "2,t2,1,0,0,no", "3,t3,0,1,1,yes"]);
    }

    [Theory]
    [InlineData("fit")]
    [InlineData("predict")]
    public void An_output_must_not_overwrite_the_label_json_an_answers_file_takes_its_classes_from(string command)
    {
        // Given
        using var temp = new TempFolder();
        var labels = temp.Write("label.json", """{"0": "no", "1": "yes"}""");
        var answers = temp.Write("answers.csv", "task,worker,label\nt1,a,yes\nt1,b,no\nt2,a,no\n");
        Directory.CreateDirectory(temp.File("models"));
        var model = temp.File("models/m.json");
        Shell.Run("fit", "--matrix", answers, "--model", "mv", "--out", model).ShouldSucceed();
        string[] args = command == "fit"
            ? ["fit", "--matrix", answers, "--model", "mv", "--out", labels]
            : ["predict", "--model", model, "--matrix", answers, "--out", labels];

        // When
        var result = Shell.Run(args);

        // Then
        result.ShouldFailWith(2, $"snorkeler {command}: --out '{labels}' is the same file as the label.json '{labels}' of --matrix '{answers}'; an output must not overwrite an input");
        File.ReadAllText(labels).ShouldBe("""{"0": "no", "1": "yes"}""");
    }

    [Fact]
    public void Predict_reads_new_answers_with_the_models_workers_and_scores_against_a_gold_file()
    {
        // Given
        using var temp = new TempFolder();
        var train = temp.Write("train.csv", "task,worker,label\n1,a,1\n1,b,1\n2,a,0\n2,b,0\n");
        var fresh = temp.Write("new.csv", "task,worker,label\n7,b,1\n7,zed,0\n8,a,0\n");
        var gold = temp.Write("gold.csv", "task,label\n7,1\n8,1\n");
        var model = temp.File("m.json");
        Shell.Run("fit", "--matrix", train, "--model", "mv", "--out", model).ShouldSucceed();

        // When
        var result = Shell.Run("predict", "--model", model, "--matrix", fresh, "--gold", gold, "--out", temp.File("p.jsonl"));

        // Then
        result.ShouldSucceed();
        result.Error.ShouldContain("1 answer of workers the model does not know was left out");
        result.Out.ShouldContain("rows with gold labels: 2");
        result.Out.ShouldContain("expected accuracy: 0.500");
        File.ReadAllLines(temp.File("p.jsonl"))[0].ShouldStartWith("{\"row\":1,\"task\":\"7\"");
    }

    [Fact]
    public void Predict_warns_about_tasks_whose_every_line_has_an_empty_label_since_they_have_no_row_in_the_output()
    {
        // Given: task t3 has lines, but each says "no answer" (empty, or -1)
        using var temp = new TempFolder();
        var answers = temp.Write("answers.csv", "task,worker,label\nt1,a,yes\nt1,b,no\nt2,a,no\nt3,a,\nt3,b,-1\nt2,b,\n");
        var model = temp.File("m.json");
        Shell.Run("fit", "--matrix", answers, "--model", "mv", "--out", model).ShouldSucceed();

        // When
        var result = Shell.Run("predict", "--model", model, "--matrix", answers, "--out", temp.File("p.csv"), "--quiet");

        // Then the missing task is named (only the count of skipped lines was printed, without --quiet), and t2, which has an answer, is not
        result.ShouldSucceed();
        result.ErrorLines.ShouldBe([$"warning: {answers}: 1 task has only empty labels (no answer), so it has no row and no label in any output: t3"]);
        File.ReadAllLines(temp.File("p.csv")).Select(line => line.Split(',')[1]).ShouldBe(["task", "t1", "t2"]);
    }

    [Fact]
    public void Predict_warns_about_new_tasks_answered_only_by_workers_the_model_does_not_know_and_names_those_workers()
    {
        // Given: task 9 was answered only by workers who were not in the fit
        using var temp = new TempFolder();
        var train = temp.Write("train.csv", "task,worker,label\n1,a,1\n1,b,1\n2,a,0\n2,b,0\n");
        var fresh = temp.Write("new.csv", "task,worker,label\n7,b,1\n9,zed,0\n9,yan,0\n8,a,0\n");
        var model = temp.File("m.json");
        Shell.Run("fit", "--matrix", train, "--model", "mv", "--out", model).ShouldSucceed();

        // When
        var result = Shell.Run("predict", "--model", model, "--matrix", fresh, "--out", temp.File("p.csv"), "--quiet");

        // Then: the task missing from the output is named even with --quiet, and so are the workers with --quiet off
        result.ShouldSucceed();
        result.ErrorLines.ShouldBe([$"warning: {fresh}: 1 task has only answers of workers the model does not know and is not in the output: 9"]);
        File.ReadAllLines(temp.File("p.csv")).Select(line => line.Split(',')[1]).ShouldBe(["task", "7", "8"]);
        Shell.Run("predict", "--model", model, "--matrix", fresh, "--out", temp.File("p.csv")).Error
            .ShouldContain("2 answers of workers the model does not know were left out (2 workers: zed, yan)");
    }

    [Fact]
    public void A_gold_file_with_a_wide_matrix_is_an_error_naming_the_matrix()
    {
        using var temp = new TempFolder();
        var wide = temp.Write("wide.csv", "lf_a,lf_b\n1,0\n");
        var gold = temp.Write("gold.csv", "task,label\n0,1\n");

        Shell.Run("analyze", "--matrix", wide, "--gold", gold).ShouldFailWith(1, $"error: {wide}: a gold file joins on task ids, which only long-format answers (task,worker,label) have");
    }

    [Fact]
    public void Predicting_answers_none_of_whose_workers_the_model_knows_says_so_rather_than_calling_the_file_empty()
    {
        // Given: a model of YouTube's ten LFs
        using var temp = new TempFolder();
        Shell.Run("fit", "--matrix", TestPaths.YouTubeFile("train.json"), "--model", "mv", "--out", temp.File("m.json")).ShouldSucceed();
        var answers = TestPaths.Crowd("rte");

        // When
        var result = Shell.Run("predict", "--model", temp.File("m.json"), "--matrix", answers, "--out", temp.File("p.csv")).ShouldFailWith(1);

        // Then
        result.ErrorLines[0].ShouldBe($"error: {answers}: none of its 8,000 answers is by a source of the model (its sources: lf_0, lf_1, lf_2, lf_3, lf_4, … (10 in all)); was the model fitted on these workers' answers?");
    }

    [Fact]
    public void Analyze_and_compare_read_the_shared_crowd_sets_in_long_format()
    {
        // Given
        var answers = TestPaths.Crowd("rte");
        var gold = TestPaths.Crowd("rte", "gold.csv");

        // When
        var analyze = Shell.Run("analyze", "--matrix", answers, "--gold", gold, "--format", "json");
        var compare = Shell.Run("compare", "--train", answers, "--test", answers, "--gold", gold, "--models", "mv", "--tie-break", "abstain");

        // Then
        analyze.ShouldSucceed();
        analyze.Out.ShouldContain("\"rows\": 800");
        compare.ShouldSucceed();
        compare.Out.ShouldContain("mv");
    }

    [Theory]
    [InlineData("task,truth", "--gold-label-column", "truth", "analyze", "--matrix", "{answers}", "--format", "json")]
    [InlineData("task,truth", "--gold-label-column", "truth", "compare", "--train", "{answers}", "--test", "{answers}", "--models", "mv,dawid-skene", "--format", "csv")]
    [InlineData("item,label", "--gold-task-column", "item", "analyze", "--matrix", "{answers}", "--format", "json")]
    [InlineData("item,label", "--gold-task-column", "item", "compare", "--train", "{answers}", "--test", "{answers}", "--models", "mv,dawid-skene", "--format", "csv")]
    public void A_gold_file_whose_columns_are_not_the_answers_is_read_with_the_gold_column_options(string header, string option, string column, params string[] command)
    {
        // Given RTE's answers (columns task, worker, label) and its gold labels again under another header
        using var temp = new TempFolder();
        var gold = TestPaths.Crowd("rte", "gold.csv");
        var renamed = temp.Write("renamed.csv", header + File.ReadAllText(gold)[File.ReadAllText(gold).IndexOf('\n', StringComparison.Ordinal)..]);
        var run = command.Select(a => a.Replace("{answers}", TestPaths.Crowd("rte"), StringComparison.Ordinal)).ToArray();

        // When the command reads the gold labels from each file
        var fromGold = Shell.Run([.. run, "--gold", gold]);
        var fromRenamed = Shell.Run([.. run, "--gold", renamed, option, column]);

        // Then both give the same output
        fromGold.ShouldSucceed();
        fromRenamed.ShouldSucceed();
        fromRenamed.Out.ShouldBe(fromGold.Out);
    }

    [Fact]
    public void A_gold_label_column_the_gold_file_lacks_is_an_error_naming_the_gold_file_and_its_columns()
    {
        // Given a gold file whose label column is 'truth'
        using var temp = new TempFolder();
        var truth = temp.Write("truth.csv", "task,truth\n1,1\n2,0\n");
        var answers = TestPaths.Crowd("rte");

        // When another column is named, or the option comes without a gold file
        var missing = Shell.Run("fit", "--matrix", answers, "--gold", truth, "--gold-label-column", "verdict", "--model", "mv", "--out", temp.File("m.json"));
        var alone = Shell.Run("analyze", "--matrix", answers, "--gold-label-column", "truth");

        // Then
        missing.ShouldFailWith(1).ErrorLines.ShouldBe([$"error: {truth}: no column 'verdict' (columns: task, truth); give --gold-label-column NAME to read another column"]);
        File.Exists(temp.File("m.json")).ShouldBeFalse();
        alone.ShouldFailWith(2, "snorkeler analyze: --gold-label-column names the label column of the --gold file: give --gold GOLD.csv");
    }

    [Fact]
    public void One_gold_label_is_counted_in_the_singular()
    {
        using var temp = new TempFolder();
        var answers = temp.Write("answers.csv", "task,worker,label\nq1,ann,1\nq1,bob,1\nq2,ann,0\n");
        var gold = temp.Write("gold.csv", "task,label\nq1,1\n");

        var fit = Shell.Run("fit", "--matrix", answers, "--gold", gold, "--model", "mv", "--out", temp.File("m.json"));

        fit.ShouldSucceed().ErrorLines[0].ShouldBe($"{answers}: 3 answers, 2 tasks, 2 workers, classes 0=0, 1=1, gold labels for 1 task; dense storage");
    }

    [Fact]
    public void The_delimiter_given_reads_the_gold_file_as_it_reads_the_answers()
    {
        // Given answers and gold separated by colons, which detection does not try
        using var temp = new TempFolder();
        var answers = temp.Write("answers.csv", "task:worker:label\nq1:ann:1\nq1:bob:1\nq2:ann:0\nq2:bob:0\n");
        var gold = temp.Write("gold.csv", "task:label\nq1:1\nq2:0\n");

        // When
        var fit = Shell.Run("fit", "--matrix", answers, "--gold", gold, "--delimiter", ":", "--model", "mv", "--out", temp.File("m.json"));

        // Then
        fit.ShouldSucceed().ErrorLines[0].ShouldBe($"{answers}: 4 answers, 2 tasks, 2 workers, classes 0=0, 1=1, gold labels for 2 tasks; dense storage");
    }

    [Fact]
    public void A_gold_task_column_the_gold_file_lacks_is_an_error_naming_the_gold_file_and_its_columns()
    {
        // Given a gold file whose task column is 'item'
        using var temp = new TempFolder();
        var items = temp.Write("items.csv", "item,label\n1,1\n2,0\n");
        var answers = TestPaths.Crowd("rte");

        // When another column is named, the default is left to find none, or the option comes without a gold file
        var missing = Shell.Run("fit", "--matrix", answers, "--gold", items, "--gold-task-column", "id", "--model", "mv", "--out", temp.File("m.json"));
        var unnamed = Shell.Run("analyze", "--matrix", answers, "--gold", items);
        var alone = Shell.Run("analyze", "--matrix", answers, "--gold-task-column", "item");

        // Then
        missing.ShouldFailWith(1).ErrorLines.ShouldBe([$"error: {items}: no column 'id' (columns: item, label); give --gold-task-column NAME to read another column"]);
        File.Exists(temp.File("m.json")).ShouldBeFalse();
        unnamed.ShouldFailWith(1).ErrorLines.ShouldBe([$"error: {items}: no column 'task' (columns: item, label); give --gold-task-column NAME to read another column"]);
        alone.ShouldFailWith(2, "snorkeler analyze: --gold-task-column names the task column of the --gold file: give --gold GOLD.csv");
    }

    [Fact]
    public void The_status_line_of_answers_in_many_classes_names_the_first_twenty_as_messages_do()
    {
        // Given two workers answering 25 tasks, each in a class of its own
        using var temp = new TempFolder();
        var answers = temp.Write("answers.csv", "task,worker,label\n" + string.Concat(Enumerable.Range(0, 25).Select(t => $"q{t},a,{t}\nq{t},b,{t}\n")));

        // When
        var result = Shell.Run("fit", "--matrix", answers, "--model", "mv", "--out", temp.File("m.json"));

        // Then (before: all 25 classes, and a thousand on a thousand-class task)
        result.ShouldSucceed();
        var first = string.Join(", ", Enumerable.Range(0, 20).Select(c => $"{c}={c}"));
        result.ErrorLines[0].ShouldStartWith($"{answers}: 50 answers, 25 tasks, 2 workers, classes {first} and 5 more; ");
    }

    [Theory]
    [InlineData("dawid-skene", "dawid-skene: {0} × 1,000 classes need too many confusion-matrix entries")]
    [InlineData("ebcc", "ebcc: {0} × 1,000 classes × 10 subtypes need too many confusion entries; use dawid-skene")]
    public void A_model_refusing_too_many_sources_and_classes_counts_workers_for_answers_and_lfs_for_an_lf_matrix(string model, string refusal)
    {
        // Given 200 workers answering in 1,000 classes, and a matrix of 200 LFs voting in as many
        using var temp = new TempFolder();
        var answers = temp.Write("answers.csv", "task,worker,label\n" + string.Concat(Enumerable.Range(0, 1000).Select(t => $"q{t},w{2 * t % 200},{t}\nq{t},w{(2 * t + 1) % 200},{t}\n")));
        var lfs = temp.Write("lfs.csv", string.Join(",", Enumerable.Range(0, 200).Select(j => $"lf{j}")) + "\n"
            + string.Join(",", Enumerable.Repeat("999", 200)) + "\n" + string.Join(",", Enumerable.Repeat("0", 200)) + "\n");

        // When
        var fromAnswers = Shell.Run("fit", "--matrix", answers, "--model", model, "--out", temp.File("a.json"));
        var fromLfs = Shell.Run("fit", "--matrix", lfs, "--model", model, "--out", temp.File("b.json"));

        // Then (before: '200 LFs' for the workers too)
        fromAnswers.ShouldFailWith(1).ErrorLines.ShouldContain("error: " + string.Format(System.Globalization.CultureInfo.InvariantCulture, refusal, "200 workers"));
        fromLfs.ShouldFailWith(1).ErrorLines.ShouldContain("error: " + string.Format(System.Globalization.CultureInfo.InvariantCulture, refusal, "200 LFs"));
    }

    [Theory]
    [InlineData("fit", "error: ebcc: 3 workers × 1,000 classes × 10 subtypes need too many confusion entries; use --subtypes 5, or dawid-skene")]
    [InlineData("compare", "ebcc not compared: 3 workers × 1,000 classes × 10 subtypes need too many confusion entries; use ebcc:subtypes=5, or dawid-skene")]
    public void A_refusal_advises_an_option_as_the_command_takes_it(string command, string line)
    {
        // Given three workers answering in 1,000 classes: ebcc's 10 default subtypes are too many, 5 would fit
        using var temp = new TempFolder();
        var answers = temp.Write("answers.csv", "task,worker,label\n" + string.Concat(Enumerable.Range(0, 1000).Select(t => $"q{t},w0,{t}\nq{t},w1,{t}\nq{t},w2,{t}\n")));
        var gold = temp.Write("gold.csv", "task,label\n" + string.Concat(Enumerable.Range(0, 1000).Select(t => $"q{t},{t}\n")));

        // When ebcc is fitted (an option is '--subtypes 5') or compared (it is 'ebcc:subtypes=5' in the model list)
        var result = command == "fit"
            ? Shell.Run("fit", "--matrix", answers, "--model", "ebcc", "--out", temp.File("m.json"))
            : Shell.Run("compare", "--train", answers, "--test", answers, "--gold", gold, "--models", "mv,ebcc");

        // Then (before: 'use fewer --subtypes' under both)
        (command == "fit" ? result.ShouldFailWith(1).ErrorLines : result.ShouldSucceed().Out.Split('\n')).ShouldContain(line);
    }

    [Theory]
    [InlineData("fit", "snorkel --lr 10", "error: snorkel: the fit diverged at epoch 6; reduce --lr (now 10)")]
    [InlineData("compare", "snorkel:lr=10", "snorkel:lr=10 not compared: the fit diverged at epoch 6; reduce snorkel:lr (now 10)")]
    [InlineData("fit", "dawid-skene --max-iter 1", "warning: dawid-skene stopped at the iteration cap (1) before the objective changed by less than 1E-07 of itself; raise --max-iter or --tol")]
    [InlineData("compare", "dawid-skene:max-iter=1", "warning: model 'dawid-skene:max-iter=1': dawid-skene stopped at the iteration cap (1) before the objective changed by less than "
        + "1E-07 of itself; raise dawid-skene:max-iter or dawid-skene:tol")]
    public void A_diverged_or_capped_fit_names_the_options_to_change_as_the_command_takes_them(string command, string model, string line)
    {
        // Given YouTube's LF matrix, and snorkel at a learning rate of 10 (its fit diverges) or dawid-skene held to one iteration
        using var temp = new TempFolder();
        var train = TestPaths.YouTubeFile("train.json");

        // When the model is fitted (options '--lr 10') or compared (options in the model list: 'snorkel:lr=10')
        var result = command == "fit"
            ? Shell.Run(["fit", "--matrix", train, "--model", .. model.Split(' '), "--out", temp.File("m.json")])
            : Shell.Run("compare", "--train", train, "--test", TestPaths.YouTubeFile("test.json"), "--models", "mv," + model);

        // Then the refusal (an error of fit, a line of compare's table) or the warning says so (before: '--lr' and '--max-iter'
        // under compare too)
        result.ExitCode.ShouldBe(line.StartsWith("error:", StringComparison.Ordinal) ? 1 : 0, result.Error);
        result.Out.Split('\n').Concat(result.ErrorLines).ShouldContain(line);
    }
}

/// <summary>The preferences command: pairwise judgements in, scores and pair probabilities out.</summary>
public class PreferencesCommandTests
{
    [Fact]
    public void Preferences_ranks_items_writes_pair_probabilities_and_annotator_reliability()
    {
        // Given judgements where b beats a and c beats b, mostly, and one annotator who reverses everything
        using var temp = new TempFolder();
        var lines = new List<string> { "left,right,worker,winner" };
        for (var t = 0; t < 12; t++)
        {
            lines.Add($"a,b,ann,{(t % 4 == 0 ? "left" : "right")}");
            lines.Add($"b,c,bob,{(t % 4 == 0 ? "b" : "c")}");
            lines.Add($"a,c,cyd,{(t % 6 == 0 ? "tie" : "right")}");
            lines.Add("a,c,rev,left");
        }
        var pairs = temp.Write("pairs.csv", string.Join("\n", lines) + "\n");

        // When
        var result = Shell.Run("preferences", "--pairs", pairs, "--out", temp.File("scores.csv"),
            "--pair-probabilities", temp.File("probs.csv"), "--annotators-out", temp.File("annotators.csv"));

        // Then
        result.ShouldSucceed();
        var scores = File.ReadAllLines(temp.File("scores.csv"));
        scores[0].ShouldBe("rank,item,score,sd,wins,losses,ties,judgements");
        scores.Skip(1).Select(l => l.Split(',')[1]).ShouldBe(["c", "b", "a"]);
        var probs = File.ReadAllLines(temp.File("probs.csv"));
        probs[0].ShouldBe("left,right,p_left,p_right,p_tie,judgements,left_wins,right_wins,ties");
        probs.Length.ShouldBe(4);
        double.Parse(probs[1].Split(',')[3], System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThan(0.5);
        File.ReadAllLines(temp.File("annotators.csv"))[0].ShouldBe("annotator,judgements,ties,agreement,reliability");
        result.Out.ShouldContain("rev");
        result.Error.ShouldContain("crowd-bt: 3 items, 48 judgements by 4 annotators");
    }

    [Fact]
    public void Judgements_that_link_the_items_into_separate_groups_are_warned_about_naming_the_groups_sizes_and_items_outside_the_largest()
    {
        // Given items a, b, c judged among themselves and x, y between themselves only: no judgement relates the two
        // groups' scores, yet the output ranks them together
        using var temp = new TempFolder();
        var pairs = temp.Write("pairs.csv", "left,right,winner\nx,y,left\na,b,right\nb,c,tie\na,c,c\n");

        // When
        var result = Shell.Run("preferences", "--pairs", pairs, "--out", temp.File("s.csv"));

        // Then
        result.ShouldSucceed();
        result.ErrorLines[0].ShouldBe($"warning: {pairs}: the judgements link the items into 2 separate groups (of 3 and 2 items) that no judgement compares with one another, "
            + "so scores compare only within a group: the prior alone places each group, and the ranking across groups rests on no judgement; "
            + "items outside the largest group: 'x', 'y'; judge pairs across the groups to join them");
        result.Error.ShouldContain("bt: 5 items, 4 judgements by 1 annotator;");
    }

    [Fact]
    public void A_winner_naming_an_item_called_by_a_side_s_word_that_the_side_would_read_otherwise_is_warned_of_saying_what_was_read()
    {
        // Given judgements whose items are called 'left' and 'right' (the winner column read as items, say), the first line's
        // pair in the other order, and one where both readings agree
        using var temp = new TempFolder();
        var pairs = temp.Write("pairs.csv", "left,right,winner\nleft,right,left\nright,left,left\nright,left,right\nleft,right,right\n");

        // When
        var result = Shell.Run("preferences", "--pairs", pairs, "--out", temp.File("s.csv"));

        // Then the scores are written as before, read as the items, and one warning says so (before: nothing was said)
        result.ShouldSucceed();
        result.ErrorLines[0].ShouldBe($"warning: {pairs}: winner 'left' (line 3) is read as the item 'left', the right item of its pair, not as the left side, "
            + "as a winner that names one of its two items is that item (2 judgements read so); if no item is meant to be called so, check which columns "
            + "hold the items and the winner (--left-column, --right-column, --winner-column); else write the side with a word the items are not called "
            + "(left or a, right or b, tie or draw)");
        result.ErrorLines.Count(l => l.StartsWith("warning", StringComparison.Ordinal)).ShouldBe(1);
    }

    [Fact]
    public void Linked_judgements_give_no_warning_about_groups()
    {
        using var temp = new TempFolder();
        var pairs = temp.Write("pairs.csv", FourJudgements);

        Shell.Run("preferences", "--pairs", pairs, "--out", temp.File("s.csv")).ShouldSucceed().Error.ShouldNotContain("warning");
    }

    [Fact]
    public void A_bad_winner_is_an_error_naming_the_file_and_line()
    {
        using var temp = new TempFolder();
        var pairs = temp.Write("pairs.csv", "left,right,winner\nx,y,x\nx,y,both\n");

        Shell.Run("preferences", "--pairs", pairs, "--out", temp.File("s.csv")).ShouldFailWith(1, $"error: {pairs}(3): winner 'both' is neither left, right, tie nor one of the two items ('x', 'y')");
        File.Exists(temp.File("s.csv")).ShouldBeFalse();
    }

    [Theory]
    [InlineData("x,y,,x")]
    [InlineData("x,y,  ,x")]
    public void An_empty_worker_cell_is_an_error_naming_the_file_and_line_as_in_long_format_answers(string line)
    {
        // It was read as an annotator called ""
        using var temp = new TempFolder();
        var pairs = temp.Write("pairs.csv", $"left,right,worker,winner\nx,y,w1,x\n{line}\n");

        Shell.Run("preferences", "--pairs", pairs, "--out", temp.File("s.csv")).ShouldFailWith(1, $"error: {pairs}(3): column 'worker' is empty");
        File.Exists(temp.File("s.csv")).ShouldBeFalse();
    }

    private const string FourJudgements = "left,right,worker,winner\na,b,w1,left\nb,c,w1,right\na,c,w2,a\nc,a,w2,tie\n";

    [Theory]
    [InlineData("1e-300")]
    [InlineData("1e-155")]
    [InlineData("0.0009")]
    [InlineData("1001")]
    [InlineData("1e308")]
    public void A_prior_sd_outside_its_range_is_a_usage_error_giving_the_range(string sd)
    {
        using var temp = new TempFolder();
        var pairs = temp.Write("pairs.csv", FourJudgements);

        Shell.Run("preferences", "--pairs", pairs, "--out", temp.File("s.csv"), "--prior-sd", sd, "--model", "bt")
            .ShouldFailWith(2, $"snorkeler preferences: option '--prior-sd' expects a number from 0.001 to 1000, got '{sd}'");
    }

    [Fact]
    public void A_fit_that_stops_at_the_iteration_cap_says_so_and_its_pair_probabilities_still_mirror_each_other()
    {
        // Given four judgements, which a nearly flat prior (sd 1000) lets drift for longer than the cap
        using var temp = new TempFolder();
        var pairs = temp.Write("pairs.csv", FourJudgements);

        // When
        var result = Shell.Run("preferences", "--pairs", pairs, "--out", temp.File("s.csv"), "--pair-probabilities", temp.File("p.csv"), "--prior-sd", "1000");

        // Then
        result.ShouldSucceed();
        result.ErrorLines.ShouldContain("warning: the fit stopped at its cap of 2,000 iterations before the scores settled; they and their probabilities may be off (a smaller --prior-sd, such as the default 2, settles sooner)");
        var rows = File.ReadAllLines(temp.File("p.csv")).Skip(1).Select(l => l.Split(',')).ToDictionary(c => (c[0], c[1]));
        rows[("a", "c")][2].ShouldBe(rows[("c", "a")][3]);
        rows[("a", "c")][3].ShouldBe(rows[("c", "a")][2]);
    }
}

/// <summary>The annotator report of analyze.</summary>
public class AnnotatorAnalysisTests
{
    [Fact]
    public void Analyze_reports_annotators_agreement_and_the_least_certain_tasks_in_text_json_and_html()
    {
        using var temp = new TempFolder();
        var answers = TestPaths.Crowd("bluebird");
        var gold = TestPaths.Crowd("bluebird", "gold.csv");

        var text = Shell.Run("analyze", "--matrix", answers, "--gold", gold);
        var json = Shell.Run("analyze", "--matrix", answers, "--format", "json", "--report", temp.File("r.html"));

        text.ShouldSucceed();
        text.Out.ShouldContain("annotators (consensus: auto)");
        text.Out.ShouldContain("Krippendorff's alpha");
        text.Out.ShouldContain("least certain tasks");
        json.ShouldSucceed();
        var document = System.Text.Json.JsonDocument.Parse(json.Out).RootElement;
        document.GetProperty("annotators").GetProperty("workers").GetArrayLength().ShouldBe(39);
        document.GetProperty("annotators").GetProperty("least_certain").GetArrayLength().ShouldBe(20);
        var html = File.ReadAllText(temp.File("r.html"));
        html.ShouldContain("<h2>Annotators</h2>");
        html.ShouldContain("<h2>Least certain tasks</h2>");
    }

    [Fact]
    public void Least_certain_sets_how_many_tasks_that_most_need_another_answer_are_listed()
    {
        // Given rte's answers (800 tasks)
        using var temp = new TempFolder();
        var answers = TestPaths.Crowd("rte");

        // When
        var fifty = Shell.Run("analyze", "--matrix", answers, "--least-certain", "50", "--format", "json");
        var none = Shell.Run("analyze", "--matrix", answers, "--least-certain", "0", "--report", temp.File("r.html"));
        var lfs = Shell.Run("analyze", "--matrix", TestPaths.YouTubeFile("train.json"), "--least-certain", "5");

        // Then 50 tasks, least certain first; none and no empty section; a usage error where there are no annotators
        fifty.ShouldSucceed();
        var tasks = System.Text.Json.JsonDocument.Parse(fifty.Out).RootElement.GetProperty("annotators").GetProperty("least_certain")
            .EnumerateArray().Select(t => t.GetProperty("confidence").GetDouble()).ToArray();
        tasks.Length.ShouldBe(50);
        tasks.ShouldBeInOrder();
        none.ShouldSucceed();
        none.Out.ShouldNotContain("least certain tasks");
        File.ReadAllText(temp.File("r.html")).ShouldNotContain("Least certain tasks");
        lfs.ShouldFailWith(2, "snorkeler analyze: --least-certain goes with a matrix of annotators' answers (the annotator report's least certain tasks)");
    }

    [Fact]
    public void The_annotator_reports_consensus_is_by_default_the_label_that_fit_auto_and_predict_give_each_task()
    {
        // Given: the labels a project exports, from fit --model auto and predict
        using var temp = new TempFolder();
        var answers = TestPaths.Crowd("rte");
        Shell.Run("fit", "--matrix", answers, "--model", "auto", "--out", temp.File("m.json")).ShouldSucceed();
        Shell.Run("predict", "--model", temp.File("m.json"), "--matrix", answers, "--out", temp.File("p.csv")).ShouldSucceed();
        var exported = File.ReadLines(temp.File("p.csv")).Skip(1).Select(line => line.Split(',')).ToDictionary(cells => cells[1], cells => cells[^1]);

        // When
        var json = Shell.Run("analyze", "--matrix", answers, "--format", "json");

        // Then: the least certain tasks' consensus is the exported label, not another model's
        json.ShouldSucceed();
        var report = System.Text.Json.JsonDocument.Parse(json.Out).RootElement.GetProperty("annotators");
        report.GetProperty("consensus_model").GetString().ShouldBe("auto");
        foreach (var task in report.GetProperty("least_certain").EnumerateArray())
            task.GetProperty("consensus").GetString().ShouldBe(exported[task.GetProperty("task").GetString()!], $"task {task.GetProperty("task")}");
    }

    [Fact]
    public void One_file_of_annotators_and_labelling_functions_fits_and_predicts_end_to_end()
    {
        // Given 600 generated tasks (30 % positive): three careful annotators (95 % right) who each saw a third of the
        // tasks, and four LFs that saw every task: two keyword-like LFs that vote 1 on 60 % of the positives and 10 % of
        // the negatives and abstain otherwise (no line), and two noisy LFs that always vote, 70 % right
        var random = new Random(13);
        var answers = new System.Text.StringBuilder("task,worker,label,kind\n");
        var gold = new System.Text.StringBuilder("task,label\n");
        for (var i = 0; i < 600; i++)
        {
            var y = random.NextDouble() < 0.3 ? 1 : 0;
            gold.Append($"t{i},{y}\n");
            for (var a = 0; a < 3; a++)
                if (random.NextDouble() < 1.0 / 3) answers.Append($"t{i},person{a},{(random.NextDouble() < 0.95 ? y : 1 - y)},annotator\n");
            for (var f = 0; f < 2; f++)
                if (random.NextDouble() < (y == 1 ? 0.6 : 0.1)) answers.Append($"t{i},keyword{f},1,lf\n");
            for (var f = 0; f < 2; f++) answers.Append($"t{i},noisy{f},{(random.NextDouble() < 0.7 ? y : 1 - y)},lf\n");
        }
        using var temp = new TempFolder();
        var answersPath = temp.Write("answers.csv", answers.ToString());
        var goldPath = temp.Write("gold.csv", gold.ToString());

        // When
        var fit = Shell.Run("fit", "--matrix", answersPath, "--kind-column", "kind", "--model", "auto", "--out", temp.File("m.json"), "--seed", "1");
        var predict = Shell.Run("predict", "--model", temp.File("m.json"), "--matrix", answersPath, "--kind-column", "kind", "--gold", goldPath, "--out", temp.File("p.csv"));
        Shell.Run("fit", "--matrix", answersPath, "--kind-column", "kind", "--model", "mv", "--out", temp.File("mv.json")).ShouldSucceed();
        var majority = Shell.Run("predict", "--model", temp.File("mv.json"), "--matrix", answersPath, "--kind-column", "kind", "--gold", goldPath, "--out", temp.File("mv.csv"));

        // Then every task gets a label, and the model, which weighs the careful people above the noisy LFs, beats majority
        // vote clearly
        fit.ShouldSucceed();
        predict.ShouldSucceed();
        File.ReadAllLines(temp.File("p.csv")).Length.ShouldBe(601);
        var accuracy = ExpectedAccuracy(predict.Out);
        accuracy.ShouldBeGreaterThan(ExpectedAccuracy(majority.Out) + 0.03, predict.Out + majority.Out);
        accuracy.ShouldBeGreaterThan(0.87, predict.Out);
    }

    private static double ExpectedAccuracy(string output)
    {
        var line = output.Split('\n').First(l => l.StartsWith("expected accuracy:", StringComparison.Ordinal));
        return double.Parse(line["expected accuracy:".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public void Answers_whose_columns_are_not_named_as_expected_are_told_how_to_name_them()
    {
        // Given an annotation tool's export with its own column names
        using var temp = new TempFolder();
        var export = temp.Write("export.csv", "task,annotator,answer\nq1,ann,cat\nq1,bob,dog\nq2,ann,cat\n");

        // When it is read as it is, and with its columns named
        var asIs = Shell.Run("fit", "--matrix", export, "--model", "mv", "--out", temp.File("m.json"));
        var named = Shell.Run("fit", "--matrix", export, "--worker-column", "annotator", "--label-column", "answer", "--model", "mv", "--out", temp.File("m.json"));

        // Then the error says how to read it as answers, and that works
        asIs.ShouldFailStartingWith(1, $"error: {export}: has a column 'task' of people's answers but no 'worker' or 'label', so it is neither answers in long format (task,worker,label, one answer a line) nor a wide label matrix (a column an LF's votes, no ids); name the answers' columns with --task-column, --worker-column and --label-column");
        named.ShouldSucceed();
    }
}

/// <summary>Text tables of long-format answers with long worker and class names.</summary>
public class LongNameAnswerTests
{
    [Fact]
    public void Analyze_cuts_long_worker_and_class_names_in_the_per_source_table_so_every_text_line_fits_100_columns()
    {
        // Given 12 workers whose 48-character ids share a 44-character prefix, answering 30 tasks in four long-named classes
        using var temp = new TempFolder();
        var workers = Enumerable.Range(1, 12).Select(j => $"annotator-recruited-through-the-vendor-batch-{j:000}").ToArray();
        var classes = Enumerable.Range(0, 4).Select(c => $"category_{(char)('a' + c)}_of_the_topic_taxonomy_second_edition").ToArray();
        var csv = new System.Text.StringBuilder("task,worker,label\n");
        for (var t = 0; t < 30; t++)
            for (var j = 0; j < workers.Length; j++)
                csv.Append($"task{t},{workers[j]},{classes[(t + (j % 4 == 0 ? t / 3 + j : 0)) % 4]}\n");
        var answers = temp.Write("answers.csv", csv.ToString());

        // When
        var text = Shell.Run("analyze", "--matrix", answers);
        var markdown = Shell.Run("analyze", "--matrix", answers, "--format", "markdown");
        var json = Shell.Run("analyze", "--matrix", answers, "--format", "json");

        // Then every line of the text fits, and each name in the per-source table stands for one worker alone
        text.ShouldSucceed();
        var lines = text.Out.Split('\n');
        lines.ShouldAllBe(line => line.Length <= 100);
        var rows = lines.Skip(2).TakeWhile(l => !l.StartsWith("(all)", StringComparison.Ordinal))
            .Select(l => System.Text.RegularExpressions.Regex.Split(l.Trim(), " {2,}")).ToArray();
        rows.Length.ShouldBe(workers.Length);
        rows.ShouldContain(r => r[0].Contains('…'));
        foreach (var row in rows)
        {
            workers.Count(w => CutNames.StandsFor(row[0], w)).ShouldBe(1, row[0]);
            foreach (var name in row[1].Split(',')) classes.Count(c => CutNames.StandsFor(name, c)).ShouldBe(1, name);
        }
        rows.Select(r => workers.Single(w => CutNames.StandsFor(r[0], w))).ShouldBe(workers, ignoreOrder: true);

        // And Markdown and JSON keep every name whole
        foreach (var name in workers.Concat(classes))
        {
            markdown.Out.ShouldContain(name);
            json.Out.ShouldContain(name);
        }
    }
}
