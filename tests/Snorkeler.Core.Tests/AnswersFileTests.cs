using Parquet.Serialization;
using Snorkeler.Core.Tests.Support;
using Snorkeler.IO;

namespace Snorkeler.Core.Tests;

public class AnswersFileTests
{
    [Fact]
    public void A_line_answering_minus_one_is_counted_as_no_answer_not_as_an_empty_label()
    {
        // Given one answer of -1 and one empty label (before: '2 lines with an empty label were skipped', sending a person
        // who wrote -1 to look for empty cells)
        using var temp = new TempFolder();
        var path = temp.Write("answers.csv", "task,worker,label\nt,w,1\nt,v,-1\nu,w,\nu,v,0\n");

        // When
        var answers = AnswersFile.Read(path);

        // Then
        answers.Report.Notes().ShouldContain("2 lines with no answer (an empty label or -1) were skipped");
    }

    [Fact]
    public void A_csv_with_task_worker_and_label_columns_is_read_as_long_format_without_options()
    {
        // Given
        using var temp = new TempFolder();
        var path = temp.Write("answers.csv", "task,worker,label\nq1,ann,1\nq1,bob,0\nq2,bob,1\nq3,cyd,1\nq2,ann,1\n");

        // When
        var source = MatrixFile.Open(path, new MatrixReadOptions());

        // Then
        var answers = source.ShouldBeOfType<AnswerMatrix>();
        answers.Keys.ShouldBe(["q1", "q2", "q3"]);
        answers.KeyColumn.ShouldBe("task");
        answers.LfNames.ShouldBe(["ann", "bob", "cyd"]);
        answers.Schema.ShouldBe(LabelSchema.Numbered(2));
        answers.SourceKinds.ShouldAllBe(k => k == SourceKind.Annotator);
        Some.Votes(answers.Matrix).ShouldBe([1, 0, -1, 1, 1, -1, -1, -1, 1]);
        answers.Report.ShouldBe(new AnswersReport(5, 5, 0, 0, 0, 0, 0));
    }

    [Theory]
    [InlineData("-3")]
    [InlineData("1.5")]
    [InlineData("-1.0")]
    [InlineData("nan")]
    [InlineData("1e400")]
    public void Labels_that_are_all_numbers_with_one_no_class_number_are_an_error_naming_it_and_its_line(string label)
    {
        // Given numeric answers without a label.json, one of them negative or fractional (read as names, every label
        // became a class in byte order: '-3' class 0, '0' class 1, '10' class 3 and '2' class 4)
        using var temp = new TempFolder();
        var path = temp.Write("answers.csv", $"task,worker,label\nt1,a,0\nt1,b,1\nt2,a,2\nt2,b,{label}\nt3,a,10\n");

        // When, Then
        Should.Throw<SnorkelerException>(() => AnswersFile.Read(path)).Message.ShouldBe(
            $"{path}(5): column 'label': '{label}' is not a class number: labels that are all numbers are the classes 0, 1, … "
            + $"(-1 or an empty label is no answer); to read labels such as '{label}' as class names, name the classes in a label.json beside the file");
    }

    [Fact]
    public void A_negative_gold_label_among_numbers_is_an_error_naming_the_gold_file_and_line()
    {
        using var temp = new TempFolder();
        var path = temp.Write("answers.csv", "task,worker,label\nt1,a,0\nt1,b,1\n");
        var gold = temp.Write("gold.csv", "task,label\nt1,1\nt2,-2\n");

        Should.Throw<SnorkelerException>(() => AnswersFile.Read(path, new MatrixReadOptions { GoldPath = gold })).Message
            .ShouldStartWith($"{gold}(3): column 'label': '-2' is not a class number");
    }

    [Fact]
    public void Labels_mixing_names_and_numbers_are_still_class_names_in_byte_order()
    {
        using var temp = new TempFolder();
        var path = temp.Write("answers.csv", "task,worker,label\nt1,a,cat\nt1,b,-3\nt2,a,dog\n");

        AnswersFile.Read(path).Schema.ClassNames.ShouldBe(["-3", "cat", "dog"]);
    }

    [Fact]
    public void A_label_json_naming_classes_with_other_classes_numbers_is_warned_about_naming_it_and_the_labels_read_by_name()
    {
        // Given a label.json whose class 0 is named "1" and class 1 "0", and answers 0 and 1 (each read as the class of
        // that name, silently the other class when they meant numbers)
        using var temp = new TempFolder();
        var path = temp.Write("answers.csv", "task,worker,label\nt1,a,1\nt1,b,0\nt2,a,1\n");
        var labelJson = temp.Write("label.json", """{"0": "1", "1": "0"}""");

        // When
        var answers = AnswersFile.Read(path);

        // Then the labels are still read by name, and a warning says so
        Some.Votes(answers.Matrix).ShouldBe([0, 1, 0, -1]);
        answers.Report.Warnings().ShouldBe([
            $"{labelJson} names classes with the numbers of other classes, and the labels '1' as class 0 (not 1), '0' as class 1 (not 0) were read by name "
            + "(a name is matched before a number); if a label means the class of its number, give the classes names that are not class numbers"]);
    }

    [Fact]
    public void A_label_json_naming_a_class_with_its_own_number_gives_no_warning()
    {
        using var temp = new TempFolder();
        var path = temp.Write("answers.csv", "task,worker,label\nt1,a,1\nt1,b,0\nt2,a,NO\n");
        temp.Write("label.json", """{"0": "NO", "1": "1"}""");

        AnswersFile.Read(path).Report.Warnings().ShouldBeEmpty();
    }

    [Fact]
    public void Class_names_are_read_as_names_sorted_ordinally_or_through_label_json()
    {
        // Given
        using var temp = new TempFolder();
        var named = temp.Write("named/answers.csv", "task,worker,label\n1,a,dog\n1,b,cat\n2,a,owl\n");
        var numbered = temp.Write("numbered/answers.csv", "task,worker,label\n1,a,1\n1,b,BIRD\n2,a,0\n");
        temp.Write("numbered/label.json", """{"0": "CAT", "1": "DOG", "2": "BIRD"}""");

        // When
        var byName = AnswersFile.Read(named);
        var byLabelJson = AnswersFile.Read(numbered);

        // Then
        byName.Schema.ClassNames.ShouldBe(["cat", "dog", "owl"]);
        Some.Votes(byName.Matrix).ShouldBe([1, 0, 2, -1]);
        byLabelJson.Schema.ClassNames.ShouldBe(["CAT", "DOG", "BIRD"]);
        Some.Votes(byLabelJson.Matrix).ShouldBe([1, 2, 0, -1]);
    }

    [Fact]
    public void A_label_that_is_not_a_class_is_an_error_naming_the_file_line_and_nearest_class()
    {
        // Given
        using var temp = new TempFolder();
        var path = temp.Write("answers.csv", "task,worker,label\n1,a,CAT\n1,b,DOGG\n");
        temp.Write("label.json", """{"0": "CAT", "1": "DOG"}""");

        // When
        var error = Should.Throw<SnorkelerException>(() => AnswersFile.Read(path));

        // Then
        error.Message.ShouldBe($"{path}(3): column 'label': 'DOGG' is not a class of CAT=0, DOG=1; did you mean 'DOG'?");
    }

    [Theory]
    [InlineData("answers.csv", "task,worker,label\n1,a,0\n1,b,1\n2,a,{0}\n", 4, "1\0", "1\\u0000", "0000")]
    [InlineData("answers.csv", "task,worker,label\n1,a,0\n1,b,1\n2,a,{0}\n", 4, "1.0\0", "1.0\\u0000", "0000")]
    [InlineData("answers.csv", "task,worker,label\n1,a,0\n1,b,1\n2,a,{0}\n", 4, "cat\u001b", "cat\\u001b", "001B")]
    [InlineData("answers.jsonl", "{{\"task\": 1, \"worker\": \"a\", \"label\": 0}}\n{{\"task\": 1, \"worker\": \"b\", \"label\": 1}}\n{{\"task\": 2, \"worker\": \"a\", \"label\": \"{0}\"}}\n", 3, "1\\u0000", "1\\u0000", "0000")]
    public void An_answer_label_with_a_control_character_is_refused_naming_the_file_line_and_column(string name, string lines, int line, string label, string shown, string code)
    {
        // Given answers whose third label has a NUL (or another control character) after it, which double.TryParse read
        // as the number before it
        using var temp = new TempFolder();
        var path = temp.Write(name, string.Format(System.Globalization.CultureInfo.InvariantCulture, lines, label));

        // When
        var error = Should.Throw<SnorkelerException>(() => AnswersFile.Read(path));

        // Then
        error.Message.ShouldBe($"{path}({line}): column 'label': '{shown}' is not a label (a class name or number): it holds the control character U+{code}");
    }

    [Fact]
    public void A_gold_label_with_a_control_character_is_refused_naming_the_gold_file_line_and_column()
    {
        // Given clean answers, and a gold file whose second label is '1\0', which double.TryParse read as 1
        using var temp = new TempFolder();
        var path = temp.Write("answers.csv", "task,worker,label\na,w,0\nb,w,1\n");
        var gold = temp.Write("gold.csv", "task,truth\na,0\nb,1\0\n");

        // When
        var error = Should.Throw<SnorkelerException>(() => AnswersFile.Read(path, new MatrixReadOptions { GoldPath = gold, GoldLabelColumn = "truth" }));

        // Then
        error.Message.ShouldBe($"{gold}(3): column 'truth': '1\\u0000' is not a label (a class name or number): it holds the control character U+0000");
    }

    [Theory]
    [InlineData(RepeatedAnswers.Last, 0)]
    [InlineData(RepeatedAnswers.First, 1)]
    public void A_repeated_answer_follows_the_repeats_rule(RepeatedAnswers rule, int expected)
    {
        // Given
        using var temp = new TempFolder();
        var path = temp.Write("answers.csv", "task,worker,label\nt,w,1\nt,v,1\nt,w,0\n");

        // When
        var answers = AnswersFile.Read(path, new MatrixReadOptions { Repeats = rule });

        // Then
        answers.Matrix[0, 0].ShouldBe(expected);
        answers.Report.Repeats.ShouldBe(1);
        answers.Report.Answers.ShouldBe(2);
        answers.Report.Notes().ShouldContain(n => n.StartsWith("1 repeated answer of a worker to the same task was resolved", StringComparison.Ordinal));
    }

    [Fact]
    public void A_repeated_answer_is_an_error_when_the_rule_says_so()
    {
        using var temp = new TempFolder();
        var path = temp.Write("answers.csv", "task,worker,label\nt,w,1\nt,w,0\n");

        Should.Throw<SnorkelerException>(() => AnswersFile.Read(path, new MatrixReadOptions { Repeats = RepeatedAnswers.Error }))
            .Message.ShouldBe($"{path}(3): worker 'w' answered task 't' more than once (choose which answer counts with --repeats first|last); the first answer is on line 2");
    }

    [Fact]
    public void Several_files_are_read_as_one_whatever_their_format_and_column_order()
    {
        // Given the answers of one file split over a CSV, a TSV with its columns in another order, and JSON Lines
        using var temp = new TempFolder();
        var whole = temp.Write("all.csv", "task,worker,label\nt1,a,yes\nt1,b,no\nt2,a,no\nt2,c,no\nt3,b,yes\nt1,c,yes\n");
        var first = temp.Write("b1.csv", "task,worker,label\nt1,a,yes\nt1,b,no\n");
        var second = temp.Write("b2.tsv", "label\tworker\ttask\nno\ta\tt2\nno\tc\tt2\nyes\tb\tt3\n");
        var third = temp.Write("b3.jsonl", "{\"worker\": \"c\", \"task\": \"t1\", \"label\": \"yes\"}\n");

        // When
        var one = AnswersFile.Read(whole);
        var three = (AnswerMatrix)MatrixFile.Open([first, second, third], new MatrixReadOptions());

        // Then t1, answered in the first and the last file, is one task
        three.Keys.ShouldBe(["t1", "t2", "t3"]);
        three.LfNames.ShouldBe(one.LfNames);
        three.Schema.ShouldBe(one.Schema);
        Cells(three.Matrix).ShouldBe(Cells(one.Matrix));
        three.Report.ShouldBe(one.Report);
    }

    [Fact]
    public void A_worker_answering_a_task_in_two_files_follows_the_repeats_rule_and_the_note_names_both_files()
    {
        // Given a batch and a later correction of worker w on task t
        using var temp = new TempFolder();
        var batch = temp.Write("b1.csv", "task,worker,label\nt,w,1\nt,v,1\n");
        var fix = temp.Write("fix.jsonl", "{\"task\": \"t\", \"worker\": \"w\", \"label\": 0}\n");

        // When
        var last = AnswersFile.Read([batch, fix]);
        var first = AnswersFile.Read([batch, fix], new MatrixReadOptions { Repeats = RepeatedAnswers.First });
        var error = Should.Throw<SnorkelerException>(() => AnswersFile.Read([batch, fix], new MatrixReadOptions { Repeats = RepeatedAnswers.Error }));

        // Then
        last.Matrix[0, 0].ShouldBe(0);
        first.Matrix[0, 0].ShouldBe(1);
        last.Report.Notes().ShouldContain($"1 repeated answer of a worker to the same task was resolved by the repeats rule (e.g. worker 'w' on task 't' in {batch} and {fix})");
        error.Message.ShouldBe($"{fix}(1): worker 'w' answered task 't' more than once (choose which answer counts with --repeats first|last); the first answer is on {batch} line 2");
    }

    [Fact]
    public void A_wide_matrix_among_several_files_is_refused_naming_it()
    {
        // Given answers and an LF matrix
        using var temp = new TempFolder();
        var answers = temp.Write("b1.csv", "task,worker,label\nt,w,1\nt,v,0\n");
        var wide = temp.Write("lfs.csv", "lf_a,lf_b\n1,0\n");

        // When
        var error = Should.Throw<SnorkelerException>(() => MatrixFile.Open([answers, wide], new MatrixReadOptions()));

        // Then
        error.Message.ShouldBe($"{wide}: has no task, worker and label columns, so it is a wide label matrix, which is not combined with other files, as a wide label matrix's rows have no task ids to join on; "
                               + "if it holds people's answers, give --task-column, --worker-column and --label-column");
    }

    [Fact]
    public void A_gold_file_joins_on_the_task_and_gold_for_unanswered_tasks_is_counted()
    {
        // Given
        using var temp = new TempFolder();
        var path = temp.Write("answers.csv", "task,worker,label\nb,w,0\na,w,1\n");
        var gold = temp.Write("gold.csv", "task,label\na,1\nzz,0\n");

        // When
        var answers = AnswersFile.Read(path, new MatrixReadOptions { GoldPath = gold });

        // Then
        answers.HasGold.ShouldBeTrue();
        answers.Matrix.GoldLabels.ToArray().ShouldBe([-1, 1]);
        answers.Report.GoldTasks.ShouldBe(1);
        answers.Report.GoldUnmatched.ShouldBe(1);
    }

    [Theory]
    [InlineData("label", "task,truth\na,1\nb,0\n", "truth")]
    [InlineData("answer", "task,truth\na,1\nb,0\n", "truth")]
    [InlineData("answer", "task,answer\na,1\nb,0\n", null)] // the default: the answers' label column
    [InlineData("answer", "task,label\na,1\nb,0\n", null)] // and else 'label', as before
    public void A_gold_file_s_label_column_may_be_named_apart_from_the_answers(string answersLabel, string goldText, string? goldLabelColumn)
    {
        // Given
        using var temp = new TempFolder();
        var path = temp.Write("answers.csv", $"task,worker,{answersLabel}\nb,w,0\na,w,1\n");
        var gold = temp.Write("gold.csv", goldText);

        // When
        var answers = AnswersFile.Read(path, new MatrixReadOptions { LabelColumn = answersLabel, GoldPath = gold, GoldLabelColumn = goldLabelColumn });

        // Then
        answers.Matrix.GoldLabels.ToArray().ShouldBe([0, 1]);
    }

    [Fact]
    public void A_gold_label_that_is_not_a_class_is_an_error_naming_the_gold_file_line_and_column()
    {
        // Given
        using var temp = new TempFolder();
        var path = temp.Write("answers.csv", "task,worker,answer\n1,a,CAT\n1,b,DOG\n");
        temp.Write("label.json", """{"0": "CAT", "1": "DOG"}""");
        var gold = temp.Write("gold.csv", "task,truth\n1,CAT\n2,DGO\n");

        // When
        var error = Should.Throw<SnorkelerException>(() => AnswersFile.Read(path, new MatrixReadOptions { LabelColumn = "answer", GoldPath = gold, GoldLabelColumn = "truth" }));

        // Then
        error.Message.ShouldBe($"{gold}(3): column 'truth': 'DGO' is not a class of CAT=0, DOG=1; did you mean 'DOG'?");
    }

    [Theory]
    [InlineData("[1]", "array")]
    [InlineData("{\"v\": 1}", "object")]
    public void A_json_lines_label_that_is_an_array_or_object_is_refused_not_made_a_class(string label, string kind)
    {
        // Given (JSON Lines gives a nested value as its raw JSON, and it became a class '[1]' beside 0 and 1)
        using var temp = new TempFolder();
        var path = temp.Write("answers.jsonl", $"{{\"task\": 1, \"worker\": \"a\", \"label\": 1}}\n{{\"task\": 1, \"worker\": \"b\", \"label\": {label}}}\n{{\"task\": 2, \"worker\": \"a\", \"label\": 0}}\n");

        // When
        var error = Should.Throw<SnorkelerException>(() => AnswersFile.Read(path));

        // Then
        error.Message.ShouldBe($"{path}(2): column 'label': '{label}' is not a label (a class name or number): it is written as a JSON {kind}");
    }

    [Fact]
    public void A_given_delimiter_applies_to_the_gold_file_as_to_the_answers()
    {
        // Given answers and gold separated by colons, which detection does not try
        using var temp = new TempFolder();
        var path = temp.Write("answers.csv", "task:worker:label\nb:w:0\na:w:1\n");
        var gold = temp.Write("gold.csv", "task:label\na:1\nb:0\n");

        // When
        var answers = AnswersFile.Read(path, new MatrixReadOptions { Delimiter = ':', GoldPath = gold });

        // Then
        answers.Matrix.GoldLabels.ToArray().ShouldBe([0, 1]);
        answers.Report.GoldTasks.ShouldBe(2);
    }

    [Fact]
    public void A_gold_label_column_the_gold_file_lacks_is_an_error_naming_the_gold_file_and_its_columns()
    {
        // Given
        using var temp = new TempFolder();
        var path = temp.Write("answers.csv", "task,worker,label\nb,w,0\na,w,1\n");
        var gold = temp.Write("gold.csv", "task,truth\na,1\n");

        // When the gold file's label column is named but missing, or left to the default, which is missing too
        var named = Should.Throw<SnorkelerException>(() => AnswersFile.Read(path, new MatrixReadOptions { GoldPath = gold, GoldLabelColumn = "Truth " }));
        var unnamed = Should.Throw<SnorkelerException>(() => AnswersFile.Read(path, new MatrixReadOptions { GoldPath = gold }));

        // Then
        named.Message.ShouldBe($"{gold}: no column 'Truth '; did you mean 'truth'? (columns: task, truth); give --gold-label-column NAME to read another column");
        unnamed.Message.ShouldBe($"{gold}: no column 'label' (columns: task, truth); give --gold-label-column NAME to read another column");
    }

    [Theory]
    [InlineData("task", "item,label\na,1\nb,0\n", "item")]
    [InlineData("question", "id,label\na,1\nb,0\n", "id")]
    [InlineData("question", "question,label\na,1\nb,0\n", null)] // the default: the answers' task column
    [InlineData("question", "task,label\na,1\nb,0\n", null)] // and else 'task', as before
    public void A_gold_file_s_task_column_may_be_named_apart_from_the_answers(string answersTask, string goldText, string? goldTaskColumn)
    {
        // Given
        using var temp = new TempFolder();
        var path = temp.Write("answers.csv", $"{answersTask},worker,label\nb,w,0\na,w,1\n");
        var gold = temp.Write("gold.csv", goldText);

        // When
        var answers = AnswersFile.Read(path, new MatrixReadOptions { TaskColumn = answersTask, GoldPath = gold, GoldTaskColumn = goldTaskColumn });

        // Then
        answers.Matrix.GoldLabels.ToArray().ShouldBe([0, 1]);
        answers.Report.GoldUnmatched.ShouldBe(0);
    }

    [Fact]
    public void A_gold_task_column_the_gold_file_lacks_is_an_error_naming_the_gold_file_and_its_columns()
    {
        // Given
        using var temp = new TempFolder();
        var path = temp.Write("answers.csv", "task,worker,label\nb,w,0\na,w,1\n");
        var gold = temp.Write("gold.csv", "item,label\na,1\n");

        // When the gold file's task column is named but missing, or left to the default, which is missing too
        var named = Should.Throw<SnorkelerException>(() => AnswersFile.Read(path, new MatrixReadOptions { GoldPath = gold, GoldTaskColumn = "items" }));
        var unnamed = Should.Throw<SnorkelerException>(() => AnswersFile.Read(path, new MatrixReadOptions { GoldPath = gold }));

        // Then
        named.Message.ShouldBe($"{gold}: no column 'items'; did you mean 'item'? (columns: item, label); give --gold-task-column NAME to read another column");
        unnamed.Message.ShouldBe($"{gold}: no column 'task' (columns: item, label); give --gold-task-column NAME to read another column");
    }

    [Fact]
    public void Other_column_names_are_given_by_options_and_empty_labels_are_skipped()
    {
        // Given
        using var temp = new TempFolder();
        var path = temp.Write("votes.csv", "item,rater,answer,note\n1,x,0,\n1,y,,skip\n2,y,1,\n2,x,-1,\n");

        // When
        var answers = (AnswerMatrix)MatrixFile.Open(path, new MatrixReadOptions { TaskColumn = "item", WorkerColumn = "rater", LabelColumn = "answer" });

        // Then
        answers.LfNames.ShouldBe(["x", "y"]);
        Some.Votes(answers.Matrix).ShouldBe([0, -1, -1, 1]);
        answers.Report.Empty.ShouldBe(2);
    }

    [Fact]
    public void A_kind_column_marks_labelling_functions_among_annotators()
    {
        // Given
        using var temp = new TempFolder();
        var path = temp.Write("mixed.csv", "task,worker,label,kind\n1,expert,1,annotator\n1,regex,1,lf\n2,regex,0,LF\n");

        // When
        var answers = AnswersFile.Read(path, new MatrixReadOptions { KindColumn = "kind" });

        // Then
        answers.SourceKinds.ShouldBe([SourceKind.Annotator, SourceKind.LabelingFunction]);
        var bad = temp.Write("bad.csv", "task,worker,label,kind\n1,a,1,lf\n2,a,1,annotator\n");
        Should.Throw<SnorkelerException>(() => AnswersFile.Read(bad, new MatrixReadOptions { KindColumn = "kind" }))
            .Message.ShouldBe($"{bad}(3): source 'a' is of kind 'annotator' here but 'lf' on an earlier line");
    }

    [Fact]
    public void A_models_classes_and_sources_fix_the_columns_and_unknown_workers_are_left_out()
    {
        // Given
        using var temp = new TempFolder();
        var path = temp.Write("new.csv", "task,worker,label\n9,zed,1\n9,bob,SPAM\n8,ann,0\n");

        // When
        var answers = AnswersFile.Read(path, new MatrixReadOptions { Schema = Some.HamSpam, Sources = ["ann", "bob"] });

        // Then
        answers.LfNames.ShouldBe(["ann", "bob"]);
        answers.Schema.ShouldBe(Some.HamSpam);
        Some.Votes(answers.Matrix).ShouldBe([-1, 1, 0, -1]);
        answers.Report.UnknownWorkerAnswers.ShouldBe(1);
    }

    [Fact]
    public void Json_lines_and_parquet_answers_read_like_csv()
    {
        // Given
        using var temp = new TempFolder();
        var csv = temp.Write("a.csv", "task,worker,label\n1,a,0\n1,b,1\n2,b,1\n");
        var jsonl = temp.Write("a.jsonl", "{\"task\": 1, \"worker\": \"a\", \"label\": 0}\n{\"task\": 1, \"worker\": \"b\", \"label\": 1}\n{\"task\": 2, \"worker\": \"b\", \"label\": 1}\n");
        var parquet = temp.File("a.parquet");
        WriteParquet(parquet, [1, 1, 2], ["a", "b", "b"], [0, 1, 1]);

        // When
        var expected = AnswersFile.Read(csv);

        // Then
        foreach (var path in new[] { jsonl, parquet })
        {
            var read = (AnswerMatrix)MatrixFile.Open(path, new MatrixReadOptions());
            read.Keys.ShouldBe(expected.Keys);
            read.Matrix.ShouldEqual(expected.Matrix);
        }
    }

    [Fact]
    public void A_wide_csv_is_still_read_as_a_wide_matrix()
    {
        using var temp = new TempFolder();
        var path = temp.Write("wide.csv", "lf_a,lf_b\n1,-1\n0,0\n");

        MatrixFile.Open(path, new MatrixReadOptions()).ShouldBeOfType<LabelMatrix>().LfNames.ShouldBe(["lf_a", "lf_b"]);
    }

    [Theory]
    [InlineData("bluebird", 108, 39, 4212, 2, false)]
    [InlineData("rte", 800, 164, 8000, 2, true)]
    [InlineData("dog", 807, 109, 8070, 4, true)]
    public void The_shared_crowd_sets_read_with_their_published_shape(string set, int tasks, int workers, int votes, int k, bool sparse)
    {
        // When
        var answers = AnswersFile.Read(TestPaths.Crowd(set), new MatrixReadOptions { GoldPath = TestPaths.Crowd(set, "gold.csv") });

        // Then
        answers.RowCount.ShouldBe(tasks);
        answers.LfNames.Count.ShouldBe(workers);
        answers.Matrix.VoteCount().ShouldBe(votes);
        answers.Schema.Cardinality.ShouldBe(k);
        answers.Matrix.IsSparse.ShouldBe(sparse);
        answers.Report.GoldTasks.ShouldBe(tasks);
    }

    private sealed record Answer(int Task, string Worker, int Label);

    private static int[] Cells(LabelMatrix m) => [.. Enumerable.Range(0, m.RowCount).SelectMany(i => Enumerable.Range(0, m.LfCount).Select(j => m[i, j]))];

    private static void WriteParquet(string path, int[] tasks, string[] workers, int[] labels)
    {
        using var stream = File.Create(path);
        ParquetSerializer.SerializeAsync(tasks.Select((t, i) => new Answer(t, workers[i], labels[i])), stream).GetAwaiter().GetResult();
    }

    [Theory]
    [InlineData("task,rater,label", "has columns 'task' and 'label' of people's answers but no 'worker', so it is neither")]
    [InlineData("task,worker", "has columns 'task' and 'worker' of people's answers but no 'label', so it is neither")]
    [InlineData("item,worker,answer", "has a column 'worker' of people's answers but no 'task' or 'label', so it is neither")]
    public void Answers_missing_a_column_are_refused_not_read_as_a_wide_matrix_of_their_ids(string header, string message)
    {
        // Given answers whose ids and labels are all whole numbers, with one of the three columns named otherwise or missing
        using var temp = new TempFolder();
        var path = temp.File("answers.csv");
        var columns = header.Split(',').Length;
        File.WriteAllText(path, header + "\n" + string.Concat(Enumerable.Range(1, 6).Select(i => string.Join(",", new[] { $"{i}", $"{i % 3}", $"{i % 2}" }.Take(columns)) + "\n")));

        // When it is opened as a matrix, Then the error names the file and the columns (it was read as LFs 'task', 'rater', 'label')
        var error = Should.Throw<SnorkelerException>(() => MatrixFile.Open(path));
        error.Message.ShouldStartWith($"{path}: {message}");
    }

    [Fact]
    public void A_wide_matrix_with_a_sidecar_may_name_an_LF_task()
    {
        // Given a wide CSV matrix whose sidecar names its classes and its LFs, one of them 'task'
        using var temp = new TempFolder();
        var path = temp.File("votes.csv");
        File.WriteAllText(path, "task,other\n0,1\n-1,1\n");
        File.WriteAllText(MatrixFile.SchemaSidecar(path), """{"format": "snorkeler.matrix-schema", "version": 1, "classes": ["HAM", "SPAM"], "lfs": ["task", "other"]}""");

        // When / Then
        MatrixFile.Open(path).LfNames.ShouldBe(["task", "other"]);
    }

    [Fact]
    public void Gold_labels_none_of_which_names_a_task_of_the_answers_are_warned_about_with_the_first_id()
    {
        // Given answers to tasks q1, q2 and a gold file that writes the ids without the q
        using var temp = new TempFolder();
        var answers = temp.File("answers.csv");
        var gold = temp.File("gold.csv");
        File.WriteAllText(answers, "task,worker,label\nq1,a,0\nq1,b,1\nq2,a,1\n");
        File.WriteAllText(gold, "task,label\n1,0\n2,1\n");

        // When
        var read = AnswersFile.Read(answers, new MatrixReadOptions { GoldPath = gold });

        // Then (before, a note that 2 gold labels were left out, and every score then had no gold to compare with)
        read.Report.Warnings().ShouldBe(["none of the 2 gold labels names a task among the answers (the first names '1'); are the task ids written alike in both files?"]);
    }
}
