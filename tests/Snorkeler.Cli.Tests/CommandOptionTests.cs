using Snorkeler.Cli.Tests.Support;
using Snorkeler.IO;

namespace Snorkeler.Cli.Tests;

public class CommandOptionTests
{
    [Fact]
    public void Every_option_naming_a_file_says_whether_the_command_reads_or_writes_it()
    {
        // The check that no output overwrites an input only sees options with a role; a file option without one
        // (as preferences' were) lets an output destroy an input. Folders of caches and suites are not files.
        string[] notFiles = ["--cache-dir", "--suite"];
        var missing = Cli.Commands
            .SelectMany(c => c.Options.Select(o => (Command: c.Name, Option: o)))
            .Where(x => x.Option.Role == PathRole.None && !notFiles.Contains(x.Option.Name)
                        && x.Option.Value is { } v && System.Text.RegularExpressions.Regex.IsMatch(v, @"FILE|PATH|MATRIX|MODEL|LABELS|REPORT|DIR|\.(csv|json|html)"))
            .Select(x => $"{x.Command} {x.Option.Name} {x.Option.Value}")
            .ToList();

        missing.ShouldBeEmpty();
    }

    [Fact]
    public void Apply_with_an_lf_folder_holding_no_lf_files_exits_1_with_the_diagnostic()
    {
        // Given
        using var temp = new TempFolder();
        var data = temp.Write("data.csv", "text\nhello\n");
        temp.Write("lfs/readme.md", "no LFs here");

        // When
        var result = Shell.Run("apply", "--lfs", temp.File("lfs"), "--data", data, "--out", temp.File("m.snkm")).ShouldFailWith(1);

        // Then
        result.ErrorLines[0].ShouldStartWith("error SNK0902: no labelling-function files");
        result.ErrorLines[^1].ShouldBe("snorkeler apply: 1 error");
        File.Exists(temp.File("m.snkm")).ShouldBeFalse();
    }

    [Theory]
    [InlineData(new[] { "fit", "--matrix", "b1.csv", "b2.csv", "--model", "mv", "--out", "m.json", "n.json" }, "snorkeler fit: unexpected argument 'n.json': --out takes one value, and has 'm.json'")]
    [InlineData(new[] { "fit", "--model", "mv", "extra", "--matrix", "b1.csv", "--out", "m.json" }, "snorkeler fit: unexpected argument 'extra': --model takes one value, and has 'mv'")]
    [InlineData(new[] { "fit", "stray", "--model", "mv" }, "snorkeler fit: unexpected argument 'stray' (values of --matrix follow it directly)")]
    [InlineData(new[] { "apply", "--lfs", "l", "--data", "d.csv", "typo", "--out", "m.snkm" }, "snorkeler apply: unexpected argument 'typo': there is no such file, and --data reads files ending .csv, .tsv, .jsonl, .ndjson, .parquet or .json")]
    [InlineData(new[] { "fit", "--matrix", "b1.csv", "typo", "--model", "mv", "--out", "m.json" }, "snorkeler fit: unexpected argument 'typo': there is no such file, and --matrix reads files ending .csv, .tsv, .jsonl, .ndjson, .parquet, .json, .snkm or .npy")]
    public void A_stray_argument_names_the_one_value_option_it_follows(string[] arguments, string message)
    {
        Shell.Run(arguments).ShouldFailWith(2, message);
    }

    [Fact]
    public void Check_of_a_missing_path_exits_1_with_SNK0901()
    {
        using var temp = new TempFolder();
        var missing = temp.File("nope");

        var result = Shell.Run("check", "--lfs", missing).ShouldFailWith(1);

        result.ErrorLines.ShouldBe([$"error SNK0901: no such file or folder: '{missing}'", "1 error, 0 warnings"]);
    }

    [Fact]
    public void Check_escapes_a_tab_in_an_LF_file_name_as_it_escapes_a_line_break()
    {
        // Given rule files whose names hold a tab and a line break, each with an error
        using var temp = new TempFolder();
        var tabbed = temp.Write("a\tb.rules", "labels HAM, SPAM\nlf a:\n    when text contians \"x\" label SPAM\n");
        var broken = temp.Write("c\nd.rules", "lf b:\n    when text contains \"x\" label SPAMM\n");

        // When
        var result = Shell.Run("check", "--lfs", tabbed, broken).ShouldFailWith(1);

        // Then both names are printed with visible escapes, on one line each
        result.ErrorLines.ShouldContain(l => l.StartsWith(temp.File("a\\tb.rules(3,15): error SNK0001:"), StringComparison.Ordinal), string.Join("\n", result.ErrorLines));
        result.ErrorLines.ShouldContain(l => l.StartsWith(temp.File("c\\nd.rules(2,34): error SNK0007:"), StringComparison.Ordinal), string.Join("\n", result.ErrorLines));
        result.Error.ShouldNotContain("\t");
    }

    [Fact]
    public void Check_escapes_a_tab_in_a_file_name_inside_a_message_as_in_its_location()
    {
        // Given rules naming a missing and an empty keyword file, a script #loading a missing file, and an LF path, each with a tab in its name
        using var temp = new TempFolder();
        var rules = temp.Write("lfs/r.rules", "labels HAM, SPAM\nlet gone = lines(\"no\tpe.txt\")\nlet k = lines(\"k\tw.txt\")\nlf x:\n    when text contains any k label HAM\n");
        temp.Write("lfs/k\tw.txt", "");
        var script = temp.Write("lfs/s.csx", "#load \"e\tf.csx\"\nLabels(\"HAM\", \"SPAM\");\n");
        var missing = temp.File("mi\tssing.rules");

        // When
        var result = Shell.Run("check", "--lfs", rules, script, missing).ShouldFailWith(1);

        // Then (before: the tab was raw in the message, where it reads as spaces)
        result.Error.ShouldNotContain("\t");
        result.ErrorLines.ShouldContain($"{rules}(2,18): error SNK0401: keyword file 'no\\tpe.txt' not found next to the rule file");
        result.ErrorLines.ShouldContain(l => l.StartsWith($"{rules}(3,15): warning SNK0507: keyword file 'k\\tw.txt' holds no keyword", StringComparison.Ordinal));
        result.ErrorLines.ShouldContain(l => l.StartsWith($"{script}(1,", StringComparison.Ordinal) && l.Contains("e\\tf.csx", StringComparison.Ordinal));
        result.ErrorLines.ShouldContain($"error SNK0901: no such file or folder: '{missing.Replace("\t", "\\t", StringComparison.Ordinal)}'");
    }

    [Fact]
    public void Check_without_paths_is_a_usage_error()
    {
        Shell.Run("check").ShouldFailWith(2).ErrorLines[0].ShouldStartWith("snorkeler check: give the LF files or folders to check");
    }

    [Theory]
    [InlineData("apply", "--lfs", "l", "--data", "d.csv", "--out", "m.snkm", "--threads", "0")]
    [InlineData("predict", "--model", "m.json", "--matrix", "x.snkm", "--out", "p.csv", "--seed", "abc")]
    [InlineData("predict", "--model", "m.json", "--matrix", "x.snkm", "--out", "p.csv", "--tie-break", "coin")]
    [InlineData("fit", "--model", "mv", "--out", "m.json", "--matrix")]
    [InlineData("analyze", "stray", "--matrix", "x.snkm")]
    [InlineData("analyze", "--matrix=x.snkm", "--format=json", "--format=text")]
    public void A_bad_option_value_exits_2(params string[] args)
    {
        var result = Shell.Run(args).ShouldFailStartingWith(2, $"snorkeler {args[0]}: ");
        result.ErrorLines[^1].ShouldBe($"run 'snorkeler {args[0]} --help' for its options");
    }

    [Theory]
    [InlineData("text, jsonl, markdown", "jsonl", "rows", "--lfs", "l", "--data", "d.csv", "--format", "jsn")]
    [InlineData("text, json, markdown", "markdown", "analyze", "--matrix", "x.snkm", "--format", "md")]
    [InlineData("abstain, random, true-random", "random", "predict", "--model", "m.json", "--matrix", "x.snkm", "--out", "p.csv", "--tie-break", "rnd")]
    [InlineData("last, first, error", "error", "fit", "--model", "mv", "--matrix", "x.csv", "--out", "m.json", "--repeats", "err")]
    public void A_short_form_of_an_option_s_value_is_answered_with_the_value_it_stands_for(string values, string meant, params string[] args)
    {
        // Given a value written short, as 'jsn' for jsonl (before: no suggestion, as its edits are more than a third of its letters)
        // When
        var result = Shell.Run(args);

        // Then
        result.ShouldFailWith(2, $"snorkeler {args[0]}: option '{args[^2]}' expects one of {values}, got '{args[^1]}'; did you mean '{meant}'?");
    }

    [Theory]
    [InlineData(2, "snorkeler apply: --out '-': this output cannot be written to standard output; name a file ending .snkm, .csv or .npy (the extension picks the format)", "apply", "--lfs", "l", "--data", "d.csv", "--out", "-")]
    [InlineData(2, "snorkeler predict: --out '-': this output cannot be written to standard output; name a file ending .csv, .jsonl or .parquet (the extension picks the format)", "predict", "--model", "m.json", "--matrix", "x.snkm", "--out", "-")]
    [InlineData(2, "snorkeler fit: --out '-': this output cannot be written to standard output; name a file (MODEL.json)", "fit", "--model", "mv", "--matrix", "x.csv", "--out", "-")]
    [InlineData(1, "error: m: the name has no extension, which picks the matrix format: name it m.snkm, m.csv or m.npy", "apply", "--lfs", "l", "--data", "d.csv", "--out", "m")]
    [InlineData(1, "error: lab: the name has no extension, which picks the labels format: name it lab.csv, lab.jsonl or lab.parquet", "label", "--lfs", "l", "--data", "d.csv", "--out", "lab")]
    public void An_output_named_dash_or_without_an_extension_is_told_so_with_the_formats_it_can_be_written_in(int exitCode, string message, params string[] args)
    {
        // Given '-' (before: 'unknown matrix format ''', and fit wrote a file named '-') or a name without an extension
        // (before: 'unknown labels format ''')
        // When
        var result = Shell.Run(args);

        // Then
        result.ShouldFailWith(exitCode, message);
    }

    [Fact]
    public void Analyze_reads_gold_labels_from_a_named_csv_column_and_options_may_be_inline()
    {
        using var temp = new TempFolder();
        var path = temp.Write("votes.csv", "kw,gold,short\n1,1,-1\n0,1,0\n-1,0,0\n");

        var result = Shell.Run("analyze", "--matrix=" + path, "--gold-column", "gold", "--format", "json");

        result.ShouldSucceed();
        using var json = System.Text.Json.JsonDocument.Parse(result.Out);
        var lfs = json.RootElement.GetProperty("lfs");
        lfs.GetArrayLength().ShouldBe(2);
        lfs[0].GetProperty("name").GetString().ShouldBe("kw");
        lfs[0].GetProperty("correct").GetInt64().ShouldBe(1);
        lfs[0].GetProperty("incorrect").GetInt64().ShouldBe(1);
        lfs[1].GetProperty("empirical_accuracy").GetDouble().ShouldBe(0.5);
    }

    [Theory]
    [InlineData(".snkm")]
    [InlineData(".csv")]
    [InlineData(".npy")]
    public void Fit_and_predict_read_every_matrix_format_with_its_gold_labels(string extension)
    {
        // Given
        using var temp = new TempFolder();
        var matrix = temp.File("train" + extension);
        MatrixFile.Write(matrix, MatrixFile.Read(TestPaths.YouTubeFile("train.json")));

        // When
        var fit = Shell.Run("fit", "--matrix", matrix, "--model", "mv", "--out", temp.File("mv.json"));
        var predict = Shell.Run("predict", "--model", temp.File("mv.json"), "--matrix", matrix, "--out", temp.File("p.csv"), "--quiet");

        // Then
        fit.ShouldSucceed();
        predict.ShouldSucceed();
        predict.Error.ShouldBeEmpty();
        File.ReadAllLines(temp.File("p.csv")).Length.ShouldBe(1587);
        predict.Out.ShouldContain("rows with gold labels: 1586");
    }

    [Fact]
    public void Predict_with_a_matrix_of_other_classes_exits_1_naming_them()
    {
        using var temp = new TempFolder();
        Shell.Run("fit", "--matrix", TestPaths.YouTubeFile("train.json"), "--model", "mv", "--out", temp.File("mv.json")).ShouldSucceed();
        var other = temp.File("other.snkm");
        MatrixFile.Write(other, LabelMatrix.Create(new LabelSchema(["NEG", "POS"]), Enumerable.Range(0, 10).Select(j => $"lf_{j}").ToArray(), new int[10]));

        var result = Shell.Run("predict", "--model", temp.File("mv.json"), "--matrix", other, "--out", temp.File("p.csv")).ShouldFailWith(1);

        result.ErrorLines.ShouldBe([$"error: {other}: classes NEG=0, POS=1 differ from the model's HAM=0, SPAM=1"]);
    }
    [Fact]
    public void Check_takes_its_paths_directly_after_the_command_as_its_help_says()
    {
        using var temp = new TempFolder();
        var missing = temp.File("nope");

        Shell.Run("check", missing).ShouldFailWith(1, $"error SNK0901: no such file or folder: '{missing}'");
    }

    [Fact]
    public void Check_reads_an_lf_folder_or_file_after_its_data_file_as_a_path_to_check()
    {
        // Given the ticket rules, whose data file names the field 'customer tier' they warn about
        var data = TestPaths.InRepo("examples", "tickets", "labelled.csv");
        var folder = TestPaths.InRepo("labeling-functions", "tickets");

        // When the paths follow --data's file instead of the command
        var afterFolder = Shell.Run("check", "--data", data, folder);
        var afterFile = Shell.Run("check", "--data", data, Path.Combine(folder, "tickets.rules"));

        // Then they are checked against that data, as 'check PATH --data FILE' is
        afterFolder.ShouldSucceed();
        afterFolder.Out.ShouldStartWith("ok: 8 LFs, classes BILLING=0, TECHNICAL=1, ACCOUNT=2, 1 warning");
        afterFile.ShouldSucceed();
        afterFile.Out.ShouldBe(Shell.Run("check", Path.Combine(folder, "tickets.rules"), "--data", data).Out);
    }

    [Fact]
    public void Predict_labels_a_matrix_stored_in_many_blocks_exactly_as_the_same_matrix_in_one()
    {
        // Given: the test split as a Wrench file (one block) and as a .snkm written in blocks of 16 rows
        using var temp = new TempFolder();
        var whole = MatrixFile.Read(TestPaths.YouTubeFile("test.json"));
        var blocked = temp.File("test.snkm");
        using (var writer = MatrixWriter.Create(blocked, whole.Schema, whole.LfNames))
        {
            foreach (var block in whole.ReadBlocks(16)) writer.Write(block);
            writer.Commit();
        }
        Shell.Run("fit", "--matrix", TestPaths.YouTubeFile("train.json"), "--model", "mv", "--out", temp.File("mv.json")).ShouldSucceed();

        // When
        var fromWrench = Shell.Run("predict", "--model", temp.File("mv.json"), "--matrix", TestPaths.YouTubeFile("test.json"), "--out", temp.File("a.csv"), "--tie-break", "random", "--seed", "3");
        var fromBlocks = Shell.Run("predict", "--model", temp.File("mv.json"), "--matrix", blocked, "--out", temp.File("b.csv"), "--tie-break", "random", "--seed", "3");

        // Then
        fromWrench.ShouldSucceed();
        fromBlocks.ShouldSucceed();
        File.ReadAllText(temp.File("b.csv")).ShouldBe(File.ReadAllText(temp.File("a.csv")));
        fromBlocks.Out.ShouldBe(fromWrench.Out);
    }

    [Fact]
    public void Label_given_a_matrix_points_to_fit_then_predict()
    {
        // When
        var label = Shell.Run("label", "--matrix", "answers.csv");

        // Then
        label.ShouldFailWith(2, "snorkeler label: unknown option '--matrix': label applies LFs to --data; to label a matrix or people's answers (task,worker,label), "
                                + "run 'snorkeler fit --matrix MATRIX --model auto --out MODEL.json', then 'snorkeler predict --model MODEL.json --matrix MATRIX --out LABELS.csv'");
    }

    [Fact]
    public void Preferences_without_its_columns_names_the_option_that_picks_the_column()
    {
        // Given
        using var temp = new TempFolder();
        var pairs = temp.Write("p.csv", "a,b,who,won\nx,y,1,x\n");

        // When
        var run = Shell.Run("preferences", "--pairs", pairs, "--out", temp.File("s.csv"));

        // Then
        run.ShouldFailWith(1, $"error: {pairs}: no column 'left' (columns: a, b, who, won); give --left-column NAME to read another column");
    }

    [Fact]
    public void Preferences_with_another_output_refuses_a_unit_lock_that_can_never_be_taken_before_reading_the_judgements_and_alone_takes_none()
    {
        // Given judgements in two groups no judgement links (a warning as they are read), and a folder where the lock of
        // the unit led by --out would be
        using var temp = new TempFolder();
        var pairs = temp.Write("p.csv", "left,right,winner\na,b,a\nc,d,c\n");
        var scores = temp.File("s.csv");
        var lockFile = temp.File(".s.csv.lock");
        Directory.CreateDirectory(lockFile);

        // When --out leads a unit (with --pair-probabilities)
        var unit = Shell.Run("preferences", "--pairs", pairs, "--out", scores, "--pair-probabilities", temp.File("pp.csv"));

        // Then it is refused before any work, its error the only line, and writes neither file
        unit.ShouldFailWith(1).ErrorLines.ShouldBe([$"error: {scores}: cannot write the lock file beside it: '{lockFile}' is a folder; remove it (Snorkeler makes and deletes that file as it publishes)"]);
        File.Exists(scores).ShouldBeFalse();
        File.Exists(temp.File("pp.csv")).ShouldBeFalse();

        // When --out is published alone, then it takes no lock and is written
        Shell.Run("preferences", "--pairs", pairs, "--out", scores).ShouldSucceed();
        File.Exists(scores).ShouldBeTrue();
        File.Exists(temp.File("pp.csv")).ShouldBeFalse();
    }

    [Fact]
    public void Answers_without_a_worker_column_name_the_option_that_picks_it()
    {
        // Given JSON Lines answers whose worker key is 'rater'
        using var temp = new TempFolder();
        var answers = temp.Write("a.jsonl", "{\"task\": \"t\", \"rater\": \"r\", \"label\": 1}\n");

        // When
        var fit = Shell.Run("fit", "--matrix", answers, "--model", "mv", "--out", temp.File("m.json"));

        // Then
        fit.ShouldFailWith(1, $"error: {answers}: no column 'worker' (columns: task, rater, label); give --worker-column NAME to read another column");
    }
}
