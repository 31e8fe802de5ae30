using Snorkeler.Analysis;

namespace Snorkeler.Core.Tests;

public class AnnotatorReportTests
{
    private static LabelMatrix Answers(int[,] votes, int[]? gold = null)
        => LabelMatrix.Create(LabelSchema.Numbered(2), Enumerable.Range(0, votes.GetLength(1)).Select(j => $"w{j}").ToArray(), votes, gold)
            .WithSourceKinds(Enumerable.Repeat(SourceKind.Annotator, votes.GetLength(1)).ToArray());

    private static double[] Consensus(LabelMatrix matrix)
    {
        // The vote shares as the consensus.
        var q = new double[matrix.RowCount * 2];
        for (var i = 0; i < matrix.RowCount; i++)
        {
            double zero = 0, one = 0;
            for (var j = 0; j < matrix.LfCount; j++)
            {
                if (matrix[i, j] == 0) zero++;
                if (matrix[i, j] == 1) one++;
            }
            q[i * 2] = zero / (zero + one);
            q[i * 2 + 1] = 1 - q[i * 2];
        }
        return q;
    }

    [Fact]
    public void Krippendorffs_alpha_and_Fleiss_kappa_match_their_hand_computed_values()
    {
        // Given three tasks of two answers: agree on 0, disagree, agree on 1 (and a third worker's missing answers)
        var matrix = Answers(new[,] { { 0, 0, -1 }, { 0, 1, -1 }, { 1, -1, 1 } });

        // When
        var report = AnnotatorReport.Of(matrix, Consensus(matrix), null, "mv");

        // Then α = 1 − (n − 1) Σ o_{c≠d} / Σ n_c n_d = 1 − 5 · 2 / 18; Fleiss: P̄ = 2/3, Pe = 1/2
        report.KrippendorffAlpha.ShouldBe(1 - 10.0 / 18, 1e-12);
        report.FleissKappa.ShouldBe(1.0 / 3, 1e-12);
    }

    [Fact]
    public void A_worker_who_answers_the_same_whatever_the_task_is_a_spammer_and_a_reliable_one_is_not()
    {
        // Given 40 tasks, workers 0–2 right, worker 3 always answers 1, worker 4 wrong a quarter of the time
        var votes = new int[40, 5];
        var gold = new int[40];
        for (var i = 0; i < 40; i++)
        {
            gold[i] = i % 2;
            for (var j = 0; j < 3; j++) votes[i, j] = gold[i];
            votes[i, 3] = 1;
            votes[i, 4] = i % 4 == 0 ? 1 - gold[i] : gold[i];
        }
        var matrix = Answers(votes, gold);

        // When
        var consensus = gold.SelectMany(g => g == 0 ? new[] { 0.9, 0.1 } : [0.1, 0.9]).ToArray();
        var report = AnnotatorReport.Of(matrix, consensus, Enumerable.Range(0, 40).Select(i => $"t{i}").ToArray(), "a confident consensus", leastCertain: 3);

        // Then
        report.Workers[0].SpammerScore.ShouldBeLessThan(0.3); // 1 − TV between its rows, [0.9, 0.1] and [0.1, 0.9] under this consensus
        report.Workers[3].SpammerScore.ShouldBeGreaterThan(0.9);
        report.Workers[3].EmpiricalAccuracy.ShouldBe(0.5);
        report.Workers[4].EmpiricalAccuracy.ShouldBe(0.75);
        report.Workers[4].Agreement.ShouldBe(0.75);
        report.Workers[0].EstimatedConfusion.ShouldBe([0.9, 0.1, 0.1, 0.9], 1e-12);
        report.Workers[0].EstimatedAccuracy.ShouldBe(0.9, 1e-12);
        report.Workers[3].EmpiricalConfusion.ShouldBe([0L, 20, 0, 20]);
        report.Workers[0].MeanCohenKappa!.Value.ShouldBeGreaterThan(report.Workers[3].MeanCohenKappa!.Value);
        report.LeastCertain.Count.ShouldBe(3);
        report.LeastCertain.ShouldAllBe(t => t.Confidence == 0.9);
    }

    [Fact]
    public void The_least_certain_tasks_come_first_with_their_votes()
    {
        var matrix = Answers(new[,] { { 0, 0, 0 }, { 0, 1, -1 }, { 1, 1, 0 } });

        var report = AnnotatorReport.Of(matrix, Consensus(matrix), ["a", "b", "c"], "mv", leastCertain: 2);

        report.LeastCertain.Select(t => t.Task).ShouldBe(["b", "c"]);
        report.LeastCertain[0].Votes.ShouldBe([1, 1]);
        report.ToTable(markdown: false).ShouldContain("least certain tasks");
    }

    [Fact]
    public void The_least_certain_table_fits_100_columns_with_long_task_ids_and_class_names_and_keeps_every_count()
    {
        // Given RTE-like classes and tasks keyed by 36-character ids, each task answered 7 to 3
        var schema = new LabelSchema(["entailment", "no_entailment"]);
        var votes = new int[4, 10];
        for (var i = 0; i < 4; i++)
            for (var j = 0; j < 10; j++) votes[i, j] = j < 7 - i % 2 ? 0 : 1;
        var matrix = LabelMatrix.Create(schema, Enumerable.Range(0, 10).Select(j => $"w{j}").ToArray(), votes, [0, 1, 0, 1])
            .WithSourceKinds(Enumerable.Repeat(SourceKind.Annotator, 10).ToArray());
        var ids = Enumerable.Range(0, 4).Select(i => new Guid(i, 0, 0, new byte[8]).ToString()).ToArray();

        // When
        var table = AnnotatorReport.Of(matrix, Consensus(matrix), ids, "mv").ToTable(markdown: false);

        // Then every line of the least certain tasks fits, and the votes are told per class in the order given above them
        var section = table[table.IndexOf("least certain tasks", StringComparison.Ordinal)..].Split('\n', StringSplitOptions.RemoveEmptyEntries);
        section[0].ShouldBe("least certain tasks (votes: answers for entailment/no_entailment)");
        section.ShouldAllBe(line => line.Length <= 100);
        section.Skip(3).Select(l => l.Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[4]).ShouldBe(["7/3", "6/4", "7/3", "6/4"], ignoreOrder: true);

        // And with ten classes of which each task got two, naming those two ("0:1 9:1") is narrower than ten counts, so it stays
        var many = LabelMatrix.Create(LabelSchema.Numbered(10), ["w0", "w1"], new[,] { { 0, 9 }, { 3, 4 } }).WithSourceKinds([SourceKind.Annotator, SourceKind.Annotator]);
        var q = new double[20];
        q[0] = q[9] = q[13] = q[14] = 0.5;
        var tenClasses = AnnotatorReport.Of(many, q, ["a", "b"], "mv").ToTable(markdown: false);
        tenClasses.ShouldContain("\nleast certain tasks\n");
        tenClasses.ShouldContain("0:1 9:1");
    }

    [Fact]
    public void Every_line_of_the_text_report_fits_100_columns_with_the_agreement_wrapped_after_a_comma_and_Markdown_keeps_it_whole()
    {
        // Given 60 workers who each answer every task of 30, most of them right: 1,770 pairs, as many as RTE's 1,254
        var votes = new int[30, 60];
        var gold = new int[30];
        for (var i = 0; i < 30; i++)
        {
            gold[i] = i % 2;
            for (var j = 0; j < 60; j++) votes[i, j] = (i + j) % 7 == 0 ? 1 - gold[i] : gold[i];
        }
        var matrix = Answers(votes, gold);
        var report = AnnotatorReport.Of(matrix, Consensus(matrix), Enumerable.Range(0, 30).Select(i => $"t{i}").ToArray(), "auto");

        // When
        var text = report.ToTable(markdown: false).Split('\n');
        var markdown = report.ToTable(markdown: true);

        // Then every line fits, the agreement breaks between its figures, and no figure is lost
        text.ShouldAllBe(line => line.Length <= 100);
        var at = Array.FindIndex(text, l => l.StartsWith("Krippendorff's alpha", StringComparison.Ordinal));
        text[at].ShouldBe($"Krippendorff's alpha {report.KrippendorffAlpha:0.000}, Fleiss' kappa {report.FleissKappa:0.000},");
        text[at + 1].ShouldBe($"  mean pairwise Cohen's kappa {report.MeanCohenKappa:0.000} over 1,770 pairs sharing at least 5 tasks");
        markdown.ShouldContain($"Fleiss' kappa {report.FleissKappa:0.000}, mean pairwise Cohen's kappa {report.MeanCohenKappa:0.000} over 1,770 pairs");
    }

    [Fact]
    public void Workers_with_as_many_answers_are_listed_with_numbers_by_value_then_other_names()
    {
        // Given workers named 29, 3, b, 30 and a, each answering every task
        var names = new[] { "29", "3", "b", "30", "a" };
        var matrix = LabelMatrix.Create(LabelSchema.Numbered(2), names, new[,] { { 0, 0, 1, 0, 0 }, { 1, 1, 1, 0, 1 } })
            .WithSourceKinds(Enumerable.Repeat(SourceKind.Annotator, names.Length).ToArray());

        // When the report is written as a table
        var table = AnnotatorReport.Of(matrix, Consensus(matrix), ["t1", "t2"], "mv").ToTable(markdown: true);

        // Then the rows run 3, 29, 30, a, b
        var order = table.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal)).Select(l => l.Split('|')[1].Trim())
            .Where(names.Contains).ToArray();
        order.ShouldBe(["3", "29", "30", "a", "b"]);
    }

    /// <summary>True when <paramref name="shown"/> is <paramref name="name"/>, or <paramref name="name"/> cut with an ellipsis (its start, "…", its end).</summary>
    private static bool StandsFor(string shown, string name)
    {
        var cut = shown.IndexOf('…', StringComparison.Ordinal);
        return cut < 0 ? shown == name
            : name.Length >= shown.Length - 1 && name.StartsWith(shown[..cut], StringComparison.Ordinal) && name.EndsWith(shown[(cut + 1)..], StringComparison.Ordinal);
    }

    /// <summary>The cells of a text table's rows (after its header and dashes), up to the first blank line; cells are two or more spaces apart.</summary>
    private static string[][] Rows(string[] lines, string headerStart)
        => [.. lines.SkipWhile(l => !l.StartsWith(headerStart, StringComparison.Ordinal)).Skip(2).TakeWhile(l => l.Length > 0 && !l.StartsWith('('))
            .Select(l => System.Text.RegularExpressions.Regex.Split(l.Trim(), " {2,}"))];

    [Fact]
    public void Long_worker_names_task_ids_and_class_names_are_cut_in_text_to_fit_100_columns_each_standing_for_its_own_name_alone()
    {
        // Given workers, tasks and classes with 60- to 80-character names that differ only at their end
        string[] classes = ["entailment_as_judged_under_the_second_revision_of_the_annotation_guideline",
            "no_entailment_as_judged_under_the_second_revision_of_the_annotation_guideline"];
        var workers = Enumerable.Range(1, 8).Select(j => $"annotator_recruited_through_the_spring_campaign_of_the_vendor_batch_{j:00}").Append("w").ToArray();
        var tasks = Enumerable.Range(1, 12).Select(i => $"question_from_the_held_out_pool_of_the_textual_entailment_set_item_{i:0000}").ToArray();
        var votes = new int[tasks.Length, workers.Length];
        var gold = new int[tasks.Length];
        for (var i = 0; i < tasks.Length; i++)
        {
            gold[i] = i % 2;
            for (var j = 0; j < workers.Length; j++) votes[i, j] = (i + j) % 3 == 0 ? 1 - gold[i] : gold[i];
        }
        var matrix = LabelMatrix.Create(new LabelSchema(classes), workers, votes, gold).WithSourceKinds(Enumerable.Repeat(SourceKind.Annotator, workers.Length).ToArray());
        var report = AnnotatorReport.Of(matrix, Consensus(matrix), tasks, "mv");

        // When
        var text = report.ToTable(markdown: false).Split('\n');
        var markdown = report.ToTable(markdown: true);
        using var buffer = new MemoryStream();
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer)) report.WriteJson(json);
        var jsonText = System.Text.Encoding.UTF8.GetString(buffer.ToArray());

        // Then every line fits, and every cut name stands for one name only
        text.ShouldAllBe(line => line.Length <= 100);
        var workerCells = Rows(text, "worker ").Select(r => r[0]).ToArray();
        workerCells.Length.ShouldBe(workers.Length);
        workerCells.ShouldContain(c => c.Contains('…'));
        foreach (var cell in workerCells) workers.Count(w => StandsFor(cell, w)).ShouldBe(1, cell);
        workerCells.Select(c => workers.Single(w => StandsFor(c, w))).ShouldBe(workers, ignoreOrder: true);
        var taskRows = Rows(text, "task ");
        taskRows.Length.ShouldBe(tasks.Length);
        foreach (var row in taskRows)
        {
            row[0].ShouldContain('…');
            tasks.Count(t => StandsFor(row[0], t)).ShouldBe(1, row[0]);
            classes.Count(c => StandsFor(row[2], c)).ShouldBe(1, row[2]); // consensus
            classes.Count(c => StandsFor(row[5], c)).ShouldBe(1, row[5]); // gold
        }
        taskRows.Select(r => r[0]).Distinct().Count().ShouldBe(tasks.Length);

        // And Markdown and JSON keep every name whole
        foreach (var name in workers.Concat(tasks).Concat(classes))
        {
            markdown.ShouldContain(name);
            jsonText.ShouldContain(name);
        }
    }

    [Fact]
    public void The_least_certain_title_names_many_long_classes_in_order_on_lines_within_100_columns()
    {
        // Given six classes with 40-character names, each task answered for all six
        var classes = Enumerable.Range(0, 6).Select(c => $"category_{c}_of_the_topic_taxonomy_second_edition").ToArray();
        var votes = new int[6, 6];
        for (var i = 0; i < 6; i++)
            for (var j = 0; j < 6; j++) votes[i, j] = (i + j) % 6;
        var matrix = LabelMatrix.Create(new LabelSchema(classes), Enumerable.Range(0, 6).Select(j => $"w{j}").ToArray(), votes)
            .WithSourceKinds(Enumerable.Repeat(SourceKind.Annotator, 6).ToArray());
        var q = Enumerable.Repeat(1.0 / 6, 36).ToArray();

        // When
        var text = AnnotatorReport.Of(matrix, q, Enumerable.Range(0, 6).Select(i => $"t{i}").ToArray(), "mv").ToTable(markdown: false).Split('\n');

        // Then
        text.ShouldAllBe(line => line.Length <= 100);
        var title = text.SkipWhile(l => !l.StartsWith("least certain tasks", StringComparison.Ordinal)).TakeWhile(l => !l.StartsWith("task ", StringComparison.Ordinal)).ToArray();
        title.Length.ShouldBeGreaterThan(2);
        string.Concat(title.Select(l => l.Trim())).ShouldEndWith("answers for " + string.Join("/", classes) + ")");
        Rows(text, "task ").ShouldAllBe(r => r[4] == "1/1/1/1/1/1");
    }
}
