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
        fit.ExitCode.ShouldBe(0, fit.Error);
        fit.Error.ShouldContain("6 answers, 3 tasks, 3 workers, classes no=0, yes=1");
        predict.ExitCode.ShouldBe(0, predict.Error);
        File.ReadAllLines(probs).ShouldBe(["row,task,p_no,p_yes,label,label_name", "1,t1,0.3333333333333333,0.6666666666666666,1,yes", "2,t2,1,0,0,no", "3,t3,0,1,1,yes"]);
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
        Shell.Run("fit", "--matrix", train, "--model", "mv", "--out", model).ExitCode.ShouldBe(0);

        // When
        var result = Shell.Run("predict", "--model", model, "--matrix", fresh, "--gold", gold, "--out", temp.File("p.jsonl"));

        // Then
        result.ExitCode.ShouldBe(0, result.Error);
        result.Error.ShouldContain("1 answers of workers the model does not know were left out");
        result.Out.ShouldContain("rows with gold labels: 2");
        result.Out.ShouldContain("expected accuracy: 0.500");
        File.ReadAllLines(temp.File("p.jsonl"))[0].ShouldStartWith("{\"row\":1,\"task\":\"7\"");
    }

    [Fact]
    public void A_gold_file_with_a_wide_matrix_is_an_error_naming_the_matrix()
    {
        using var temp = new TempFolder();
        var wide = temp.Write("wide.csv", "lf_a,lf_b\n1,0\n");
        var gold = temp.Write("gold.csv", "task,label\n0,1\n");

        var result = Shell.Run("analyze", "--matrix", wide, "--gold", gold).ShouldFailWith(1);

        result.ErrorLines[0].ShouldBe($"error: {wide}: a gold file joins on task ids, which only long-format answers (task,worker,label) have");
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
        analyze.ExitCode.ShouldBe(0, analyze.Error);
        analyze.Out.ShouldContain("\"rows\": 800");
        compare.ExitCode.ShouldBe(0, compare.Error);
        compare.Out.ShouldContain("mv");
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
        result.ExitCode.ShouldBe(0, result.Error);
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
    public void A_bad_winner_is_an_error_naming_the_file_and_line()
    {
        using var temp = new TempFolder();
        var pairs = temp.Write("pairs.csv", "left,right,winner\nx,y,x\nx,y,both\n");

        var result = Shell.Run("preferences", "--pairs", pairs, "--out", temp.File("s.csv")).ShouldFailWith(1);

        result.ErrorLines[0].ShouldBe($"error: {pairs}(3): winner 'both' is neither left, right, tie nor one of the two items ('x', 'y')");
        File.Exists(temp.File("s.csv")).ShouldBeFalse();
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

        text.ExitCode.ShouldBe(0, text.Error);
        text.Out.ShouldContain("annotators (consensus: ibcc)");
        text.Out.ShouldContain("Krippendorff's alpha");
        text.Out.ShouldContain("least certain tasks");
        json.ExitCode.ShouldBe(0, json.Error);
        var document = System.Text.Json.JsonDocument.Parse(json.Out).RootElement;
        document.GetProperty("annotators").GetProperty("workers").GetArrayLength().ShouldBe(39);
        document.GetProperty("annotators").GetProperty("least_certain").GetArrayLength().ShouldBe(20);
        var html = File.ReadAllText(temp.File("r.html"));
        html.ShouldContain("<h2>Annotators</h2>");
        html.ShouldContain("<h2>Least certain tasks</h2>");
    }
}
