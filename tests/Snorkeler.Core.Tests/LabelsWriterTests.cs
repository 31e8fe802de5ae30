using Snorkeler.Core.Tests.Support;
using Snorkeler.Data;
using Snorkeler.IO;

namespace Snorkeler.Core.Tests;

public class LabelsWriterTests
{
    [Fact]
    public void Labels_are_written_with_the_row_number_the_id_a_column_per_class_the_hard_label_and_its_name()
    {
        using var temp = new TempFolder();
        var path = temp.File("PROBS.csv");

        using (var writer = LabelsWriter.Create(path, new LabelSchema(["HAM", "SPAM, really"]), "id"))
        {
            writer.Write(["a,1", "b"], [0.25, 0.75, 0.5, 0.5], [1, -1]);
            writer.Rows.ShouldBe(2);
            writer.Commit();
        }

        File.ReadAllText(path).ShouldBe("row,id,p_HAM,\"p_SPAM, really\",label,label_name\n1,\"a,1\",0.25,0.75,1,\"SPAM, really\"\n2,b,0.5,0.5,-1,ABSTAIN\n");
    }

    [Fact]
    public void Labels_without_ids_have_row_numbers_probabilities_and_the_hard_label()
    {
        using var temp = new TempFolder();
        var path = temp.File("PROBS.csv");

        using (var writer = LabelsWriter.Create(path, Some.HamSpam))
        {
            writer.Write(null, [1.0, 0.0], [0]);
            writer.Write(null, [0.0, 1.0], [1]);
            writer.Commit();
        }

        File.ReadAllText(path).ShouldBe("row,p_HAM,p_SPAM,label,label_name\n1,1,0,0,HAM\n2,0,1,1,SPAM\n");
    }

    [Fact]
    public void Labels_flushed_to_disk_while_being_written_are_whole_after_the_commit_and_gone_when_discarded()
    {
        // Given: blocks of labels adding up to more text than the writer leaves unflushed (8 MB) before it flushes
        using var temp = new TempFolder();
        var kept = temp.File("kept.csv");
        var discarded = temp.File("discarded.csv");
        const int blocks = 6, rows = 40_000;
        var probabilities = new double[rows * 3];
        var labels = new int[rows];
        for (var i = 0; i < rows; i++)
        {
            probabilities[i * 3] = 1.0 / (i + 3);
            probabilities[i * 3 + 1] = 0.5;
            probabilities[i * 3 + 2] = 0.5 - 1.0 / (i + 3);
            labels[i] = i % 3 == 0 ? -1 : 1;
        }
        var schema = new LabelSchema(["A", "B", "C"]);

        // When
        foreach (var path in new[] { kept, discarded })
        {
            using var writer = LabelsWriter.Create(path, schema);
            for (var b = 0; b < blocks; b++) writer.Write(null, probabilities, labels);
            if (path == kept) writer.Commit();
        }

        // Then: every row, in order; the discarded file and every temporary file are gone
        var lines = File.ReadAllLines(kept);
        lines.Length.ShouldBe(1 + blocks * rows);
        new FileInfo(kept).Length.ShouldBeGreaterThan(8 << 20);
        lines[^1].ShouldBe(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{blocks * rows},{1.0 / (rows + 2):R},0.5,{0.5 - 1.0 / (rows + 2):R},-1,ABSTAIN"));
        File.Exists(discarded).ShouldBeFalse();
        Directory.GetFiles(temp.Path).Select(Path.GetFileName).ShouldBe(["kept.csv"]);
    }

    [Theory]
    [InlineData("l.csv")]
    [InlineData("l.jsonl")]
    [InlineData("l.parquet")]
    public void Rows_written_in_blocks_of_every_size_come_back_in_order_with_their_probabilities(string name)
    {
        // Given: 60,000 rows (several megabytes of text, more than one write of formatted text) in blocks of 1 to 25,000 rows
        using var temp = new TempFolder();
        var path = temp.File(name);
        var random = new Random(3);
        const int n = 60_000;
        var probabilities = Enumerable.Range(0, n).SelectMany(_ => { var p = random.NextDouble(); return new[] { p, 1 - p }; }).ToArray();
        var labels = Enumerable.Range(0, n).Select(i => probabilities[2 * i] >= 0.5 ? 0 : 1).ToArray();

        // When
        using (var writer = LabelsWriter.Create(path, Some.HamSpam, new LabelsLayout()))
        {
            var done = 0;
            foreach (var size in new[] { 1, 2, 25_000, 7, 34_990 })
            {
                writer.Write(null, probabilities.AsSpan(2 * done, 2 * size), labels.AsSpan(done, size));
                done += size;
            }
            writer.Commit();
        }

        // Then
        var rows = DataSources.Open(path).ReadBatches(4096).SelectMany(b => Enumerable.Range(0, b.Count).Select(i => (Row: b[i].Text("row"), P: b[i].Number("p_HAM"), Label: b[i].Text("label")))).ToList();
        rows.Count.ShouldBe(n);
        for (var i = 0; i < n; i++)
        {
            rows[i].Row.ShouldBe((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            rows[i].P.ShouldBe(probabilities[2 * i]);
            rows[i].Label.ShouldBe(labels[i].ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Theory]
    [InlineData("l.csv")]
    [InlineData("l.jsonl")]
    [InlineData("l.parquet")]
    public void Every_format_keeps_the_given_row_numbers_and_carried_columns(string name)
    {
        // Given: rows 2 and 5 of a data set, with an id and a kept text column (one value missing)
        using var temp = new TempFolder();
        var path = temp.File(name);
        var layout = new LabelsLayout { Keys = ["ticket_id", "subject"] };

        // When
        using (var writer = LabelsWriter.Create(path, Some.HamSpam, layout))
        {
            writer.Write([2, 5], [["T2", "T5"], ["Refund, please", null]], [0.9, 0.1, 0.2, 0.8], [0, 1]);
            writer.Commit();
        }

        // Then
        var source = DataSources.Open(path);
        source.Schema.Names.ShouldBe(["row", "ticket_id", "subject", "p_HAM", "p_SPAM", "label", "label_name"]);
        var rows = source.ReadBatches(10).Single();
        rows[0].Text("row").ShouldBe("2");
        rows[1].Text("row").ShouldBe("5");
        rows[0].Text("subject").ShouldBe("Refund, please");
        rows[1].IsMissing("subject").ShouldBe(name != "l.csv" || rows[1].Text("subject").Length == 0);
        rows[1].Text("label_name").ShouldBe("SPAM");
    }

    [Fact]
    public void A_carried_column_named_like_an_output_column_is_an_error()
    {
        using var temp = new TempFolder();

        var error = Should.Throw<SnorkelerException>(() => LabelsWriter.Create(temp.File("l.csv"), Some.HamSpam, new LabelsLayout { Keys = ["label"] }));

        error.Message.ShouldContain("two columns named 'label'");
        Directory.GetFiles(temp.Path).ShouldBeEmpty();
    }

    [Fact]
    public void Labels_not_committed_leave_no_file()
    {
        using var temp = new TempFolder();

        using (var writer = LabelsWriter.Create(temp.File("PROBS.csv"), Some.HamSpam))
            writer.Write(null, [1.0, 0.0], [0]);

        Directory.GetFiles(temp.Path).ShouldBeEmpty();
    }

    [Fact]
    public void Large_blocks_written_while_the_next_is_formatted_give_the_same_text_as_formatting_row_by_row()
    {
        // Given: blocks big enough to be formatted in parallel slices, with an id column and every kind of probability
        using var temp = new TempFolder();
        var random = new Random(7);
        var blocks = Enumerable.Range(0, 3).Select(b =>
        {
            var n = 20_000 + b * 3_001;
            var p = new double[n * 3];
            for (var i = 0; i < p.Length; i++) p[i] = random.Next(5) == 0 ? random.NextDouble() * 1e-9 : random.NextDouble();
            var labels = Enumerable.Range(0, n).Select(i => i % 4 - 1).ToArray();
            var ids = Enumerable.Range(0, n).Select(i => i % 9 == 0 ? null : $"id {b},{i}").ToArray();
            return (p, labels, ids);
        }).ToList();
        var path = temp.File("PROBS.csv");

        // When
        using (var writer = LabelsWriter.Create(path, Some.Classes(3), "doc_id"))
        {
            foreach (var (p, labels, ids) in blocks) writer.Write(ids, p, labels);
            writer.Commit();
        }

        // Then
        var expected = new System.Text.StringBuilder("row,doc_id,p_C0,p_C1,p_C2,label,label_name\n");
        var row = 0;
        foreach (var (p, labels, ids) in blocks)
            for (var i = 0; i < labels.Length; i++)
            {
                var id = ids[i] is null ? "" : $"\"{ids[i]}\"";
                var name = labels[i] < 0 ? "ABSTAIN" : $"C{labels[i]}";
                expected.Append(System.FormattableString.Invariant($"{++row},{id},{p[i * 3]:R},{p[i * 3 + 1]:R},{p[i * 3 + 2]:R},{labels[i]},{name}\n"));
            }
        File.ReadAllText(path).ShouldBe(expected.ToString());
    }
}
