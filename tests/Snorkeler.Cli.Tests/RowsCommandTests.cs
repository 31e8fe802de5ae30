using System.Text.Json;
using Snorkeler.Cli.Tests.Support;

namespace Snorkeler.Cli.Tests;

/// <summary><c>snorkeler rows</c>: the rows behind a number, on the hand-checked tickets and on the YouTube comments.</summary>
public class RowsCommandTests
{
    public static TheoryData<string[], long[]> Buckets => new()
    {
        { ["--lf", "invoice"], [1, 6] },
        { ["--lf", "invoice", "--wrong"], [6] },
        { ["--lf", "invoice", "--correct"], [1] },
        { ["--lf", "login", "--vote", "Technical", "--gold", "Account"], [3] },
        { ["--lf", "password", "--lf", "login", "--conflict"], [3] },
        { ["--conflict"], [3] },
        { ["--uncovered"], [5] },
        { ["--covered"], [1, 2, 3, 4, 6, 7, 8] },
        { ["--covered", "--gold", "Account"], [3, 6, 8] },
        { ["--gold", "none"], [5] },
        { ["--wrong"], [3, 6] },
        { ["--vote", "billing"], [1, 4, 6] },
    };

    [Theory]
    [MemberData(nameof(Buckets))]
    public void Each_bucket_shows_exactly_its_rows_with_their_line_and_votes(string[] bucket, long[] rows)
    {
        // Given
        using var tickets = new Tickets();

        // When
        var result = Shell.Run(["rows", "--lfs", tickets.Lfs, "--data", tickets.Data, "--gold-column", "category", "--format", "jsonl", .. bucket]);

        // Then
        result.ShouldSucceed();
        var records = Records(result.Out);
        records.Select(r => r.GetProperty("row").GetInt64()).ShouldBe(rows);
        foreach (var r in records)
        {
            r.GetProperty("line").GetInt64().ShouldBe(r.GetProperty("row").GetInt64() + 1);
            r.GetProperty("fields").GetProperty("ticket_id").GetString().ShouldBe($"T{r.GetProperty("row").GetInt64()}");
        }
        result.ErrorLines.ShouldContain(l => l.Contains($": {rows.Length} of 8 rows"));
    }

    [Fact]
    public void The_heading_breaks_the_rows_down_by_gold_class_when_they_have_more_than_one()
    {
        // Given the tickets, where Billing is voted on T1 and T4 (gold Billing) and T6 (gold Account), and no LF votes on T5 (no gold)
        using var tickets = new Tickets();

        // When
        var billing = Shell.Run("rows", "--lfs", tickets.Lfs, "--data", tickets.Data, "--gold-column", "category", "--vote", "billing");
        var uncovered = Shell.Run("rows", "--lfs", tickets.Lfs, "--data", tickets.Data, "--gold-column", "category", "--uncovered");
        var noGold = Shell.Run("rows", "--lfs", tickets.Lfs, "--data", tickets.Data, "--vote", "billing");

        // Then
        billing.ShouldSucceed();
        billing.Out.ShouldStartWith("some LF votes Billing: 3 of 8 rows (gold: Billing 67%, Account 33%), all shown");
        uncovered.Out.ShouldStartWith("no LF votes: 1 of 8 rows, all shown");
        noGold.Out.ShouldStartWith("some LF votes Billing: 3 of 8 rows, all shown");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(-1)]
    public void Data_beside_a_matrix_with_another_row_count_is_refused_rather_than_shown_beside_other_rows_votes(int extraRows)
    {
        // Given: a matrix of the eight tickets, and data with one row more or one less
        using var tickets = new Tickets();
        Shell.Run("apply", "--lfs", tickets.Lfs, "--data", tickets.Data, "--out", tickets.File("m.snkm")).ShouldSucceed();
        var lines = Tickets.Csv.TrimEnd('\n').Split('\n').ToList();
        if (extraRows > 0) lines.Add("T9,Another,Please send the invoice again,free,Billing");
        else lines.RemoveAt(lines.Count - 1);
        var other = tickets.File("other.csv");
        File.WriteAllText(other, string.Join('\n', lines) + "\n");

        // When
        var result = Shell.Run("rows", "--data", other, "--matrix", tickets.File("m.snkm"), "--lf", "invoice").ShouldFailWith(1);

        // Then
        result.ErrorLines.ShouldBe([$"error: {other}: has {8 + extraRows} rows, but the label matrix {tickets.File("m.snkm")} has 8; give the data the matrix was made from"]);
    }

    [Fact]
    public void An_unknown_model_name_or_field_to_show_is_told_before_the_lfs_run_over_the_data()
    {
        // Given tickets whose last line is malformed: a run that applied the LFs first would stop there
        using var tickets = new Tickets(Tickets.Csv + "T9,one,field,too,many,here\n");

        // When a model name is misspelt, or a field to show is one the data lacks
        var model = Shell.Run("rows", "--lfs", tickets.Lfs, "--data", tickets.Data, "--uncertain", "--model", "snorkle");
        var field = Shell.Run("rows", "--lfs", tickets.Lfs, "--data", tickets.Data, "--lf", "invoice", "--fields", "subjet");

        // Then each is the run's one error (before: "tickets.csv(10): the row has 6 fields but the header has 5", after the LFs had run)
        model.ShouldFailStartingWith(2, "snorkeler rows: unknown label model 'snorkle'");
        field.ShouldFailWith(1, $"error: {tickets.Data}: no column 'subjet'; did you mean 'subject'? (columns: ticket_id, subject, body, tier, category)");
    }

    [Fact]
    public void A_dev_data_file_beside_a_matrix_without_lfs_is_refused_up_front_in_one_line_saying_to_give_lfs()
    {
        // Given a matrix of the tickets, and a damaged one
        using var tickets = new Tickets();
        Shell.Run("apply", "--lfs", tickets.Lfs, "--data", tickets.Data, "--out", tickets.File("m.snkm")).ShouldSucceed();
        var damaged = tickets.Write("damaged.snkm", "not a matrix");
        const string Refusal = "snorkeler rows: --dev {0} is a data file: give --lfs PATH to label it with the same LFs (or a matrix written by 'snorkeler apply --gold-column NAME')";

        // When the tickets are the dev set of a bucket that needs no model (the dev set was ignored), and of one that does
        // with a matrix that cannot be read (its error came first)
        var noModel = Shell.Run("rows", "--data", tickets.Data, "--matrix", tickets.File("m.snkm"), "--dev", tickets.Data, "--gold-column", "category", "--lf", "invoice");
        var beforeReading = Shell.Run("rows", "--data", tickets.Data, "--matrix", damaged, "--dev", tickets.Data, "--gold-column", "category", "--uncertain");

        // Then
        noModel.ShouldFailWith(2, string.Format(System.Globalization.CultureInfo.InvariantCulture, Refusal, tickets.Data));
        beforeReading.ShouldFailWith(2, string.Format(System.Globalization.CultureInfo.InvariantCulture, Refusal, tickets.Data));
    }

    [Fact]
    public void A_dev_set_that_no_model_fitted_on_the_rows_would_read_is_a_usage_error_not_passed_over()
    {
        // Given the tickets as their own dev set, and a model already fitted
        using var tickets = new Tickets();
        var model = tickets.File("m.json");
        Shell.Run("apply", "--lfs", tickets.Lfs, "--data", tickets.Data, "--out", tickets.File("m.snkm")).ShouldSucceed();
        Shell.Run("fit", "--matrix", tickets.File("m.snkm"), "--model", "mv", "--out", model).ShouldSucceed();
        string[] Rows(params string[] more) => ["rows", "--lfs", tickets.Lfs, "--data", tickets.Data, "--dev", tickets.Data, "--gold-column", "category", .. more];

        // When a bucket needs no model, or the model is a saved one (before: the dev set was read by nothing, exit 0)
        var noModel = Shell.Run(Rows("--uncovered"));
        var saved = Shell.Run(Rows("--uncertain", "--model", model));
        var fitted = Shell.Run(Rows("--uncertain", "--limit", "0"));

        // Then
        noModel.ShouldFailWith(2, $"snorkeler rows: --dev {tickets.Data} helps choose a label model fitted on the rows, and 'no LF votes' needs none: "
            + "give a bucket about the model (--uncertain, --model-wrong, --model-right, --predicted CLASS) or --model NAME");
        saved.ShouldFailWith(2, $"snorkeler rows: --dev {tickets.Data} helps choose a label model fitted on the rows, but --model {model} is fitted already");
        fitted.ShouldSucceed();
    }

    [Fact]
    public void An_lf_named_twice_is_a_usage_error()
    {
        using var tickets = new Tickets();

        var result = Shell.Run("rows", "--lfs", tickets.Lfs, "--data", tickets.Data, "--lf", "invoice", "--lf", "invoice", "--conflict").ShouldFailWith(2);

        result.ErrorLines[0].ShouldBe("snorkeler rows: --lf names 'invoice' twice; give each LF once");
    }

    [Fact]
    public void A_row_shows_the_fields_the_lfs_read_and_what_made_each_rule_fire()
    {
        using var tickets = new Tickets();

        var result = Shell.Run("rows", "--lfs", tickets.Lfs, "--data", tickets.Data, "--gold-column", "category", "--lf", "refund", "--format", "jsonl");

        result.ShouldSucceed();
        var first = Records(result.Out)[0];
        first.GetProperty("gold").GetString().ShouldBe("Billing");
        first.GetProperty("fields").EnumerateObject().Select(p => p.Name).ShouldBe(["ticket_id", "body"]);
        first.GetProperty("votes").GetProperty("refund").GetString().ShouldBe("Billing");
        first.GetProperty("votes").GetProperty("invoice").GetString().ShouldBe("Billing");
        var matches = first.GetProperty("matches").EnumerateArray().Select(m => (m.GetProperty("lf").GetString(), m.GetProperty("text").GetString(), m.GetProperty("start").GetInt32())).ToList();
        matches.ShouldBe([("refund", "refund", 9), ("invoice", "invoice", 28)]);
    }

    [Fact]
    public void The_text_view_marks_matches_and_says_which_lf_is_wrong()
    {
        using var tickets = new Tickets();

        var result = Shell.Run("rows", "--lfs", tickets.Lfs, "--data", tickets.Data, "--gold-column", "category", "--lf", "invoice", "--wrong");

        result.ShouldSucceed();
        result.Out.ShouldBe($"""
            invoice votes; wrong against gold: 1 of 8 rows, all shown

            row 6 (tickets.csv line 7)  gold Account
              invoice  Billing    wrong  when body contains "invoice"
              ticket_id: T6
              body:      How do I change the address on my [[invoice]]

            """.Replace("\r\n", "\n"));
    }

    [Fact]
    public void The_markdown_view_is_a_table_with_matches_in_bold()
    {
        using var tickets = new Tickets();

        var result = Shell.Run("rows", "--lfs", tickets.Lfs, "--data", tickets.Data, "--lf", "error_code", "--format", "markdown");

        result.ShouldSucceed();
        var lines = result.Out.Split('\n');
        lines[0].ShouldBe("**error\\_code votes: 2 of 8 rows, all shown**");
        lines[2].ShouldBe("| row | line | gold | votes | ticket\\_id | body |");
        lines[4].ShouldBe("| 2 | 3 |  | error\\_code: Technical | T2 | The app shows **error 500** when I open it |");
    }

    [Fact]
    public void A_matrix_and_its_data_give_the_same_rows_as_applying_the_lfs()
    {
        // Given
        using var tickets = new Tickets();
        Shell.Run("apply", "--lfs", tickets.Lfs, "--data", tickets.Data, "--gold-column", "category", "--out", tickets.File("m.csv")).ShouldSucceed();
        Shell.Run("apply", "--lfs", tickets.Lfs, "--data", tickets.Data, "--out", tickets.File("plain.snkm")).ShouldSucceed();

        // When
        var applied = Shell.Run("rows", "--lfs", tickets.Lfs, "--data", tickets.Data, "--gold-column", "category", "--wrong", "--format", "jsonl");
        var fromMatrix = Shell.Run("rows", "--matrix", tickets.File("m.csv"), "--lfs", tickets.Lfs, "--data", tickets.Data, "--gold-column", "category", "--wrong", "--format", "jsonl");
        var goldFromData = Shell.Run("rows", "--matrix", tickets.File("plain.snkm"), "--lfs", tickets.Lfs, "--data", tickets.Data, "--gold-column", "category", "--wrong", "--format", "jsonl");

        // Then
        fromMatrix.ShouldSucceed();
        fromMatrix.Out.ShouldBe(applied.Out);
        goldFromData.Out.ShouldBe(applied.Out);
    }

    [Fact]
    public void The_sample_is_deterministic_for_a_seed_and_limited()
    {
        using var tickets = new Tickets();
        string[] Rows(int seed) => ["rows", "--lfs", tickets.Lfs, "--data", tickets.Data, "--limit", "3", "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--format", "jsonl"];

        var a = Shell.Run(Rows(1));
        var b = Shell.Run(Rows(1));
        var seeds = Enumerable.Range(0, 6).Select(s => Shell.Run(Rows(s)).Out).Distinct().Count();

        a.Out.ShouldBe(b.Out);
        Records(a.Out).Count.ShouldBe(3);
        seeds.ShouldBeGreaterThan(1);
        a.ErrorLines.ShouldContain("every row: 8 of 8 rows, showing 3 (seed 1)");
    }

    [Fact]
    public void Offset_shows_the_rows_after_the_first_ones_in_the_samples_order_as_the_studios_pages_do()
    {
        // Given
        using var tickets = new Tickets();
        string[] Rows(params string[] more) => ["rows", "--lfs", tickets.Lfs, "--data", tickets.Data, "--seed", "1", "--format", "jsonl", .. more];
        List<long> Numbers(CliResult result) => Records(result.ShouldSucceed().Out).Select(r => r.GetProperty("row").GetInt64()).ToList();

        // When
        var six = Shell.Run(Rows("--limit", "6"));
        var first = Shell.Run(Rows("--limit", "3"));
        var second = Shell.Run(Rows("--limit", "3", "--offset", "3"));
        var last = Shell.Run(Rows("--limit", "3", "--offset", "6"));
        var past = Shell.Run(Rows("--limit", "3", "--offset", "8"));

        // Then
        Numbers(first).Concat(Numbers(second)).Order().ShouldBe(Numbers(six));
        Numbers(first).Concat(Numbers(second)).Concat(Numbers(last)).Order().ShouldBe([1L, 2, 3, 4, 5, 6, 7, 8]);
        Numbers(second).ShouldBeInOrder();
        second.ErrorLines.ShouldContain("every row: 8 of 8 rows, showing rows 4–6 of them (seed 1)");
        last.ErrorLines.ShouldContain("every row: 8 of 8 rows, showing rows 7–8 of them (seed 1)");
        Numbers(past).ShouldBeEmpty();
        past.ErrorLines.ShouldContain("every row: 8 of 8 rows, none shown: --offset 8 skips them all");
        Shell.Run(Rows("--offset", "-1")).ShouldFailWith(2, "snorkeler rows: option '--offset' expects a whole number from 0 to 2147483647, got '-1'");
    }

    [Theory]
    [InlineData(new[] { "--lf", "invoce" }, 1, "error: unknown LF 'invoce'; did you mean 'invoice'? (LFs: refund, invoice, error_code, password, login)")]
    [InlineData(new[] { "--lf", "invoice", "--vote", "Biling" }, 1, "error: unknown class 'Biling'; did you mean 'Billing'? (classes: Billing, Technical, Account, or ABSTAIN)")]
    [InlineData(new[] { "--lf", "invoice", "--wrong" }, 2, "snorkeler rows: 'invoice votes; wrong against gold' compares with gold labels: give --gold-column NAME (the data's column of gold labels)")]
    [InlineData(new[] { "--correct", "--wrong" }, 2, "snorkeler rows: --correct and --wrong exclude each other")]
    [InlineData(new[] { "--covered", "--uncovered" }, 2, "snorkeler rows: --covered and --uncovered exclude each other")]
    [InlineData(new[] { "--fields", "bdy" }, 1, "error: {data}: no column 'bdy'; did you mean 'body'? (columns: ticket_id, subject, body, tier, category)")]
    public void Mistakes_are_named_with_the_nearest_valid_name(string[] options, int exitCode, string message)
    {
        using var tickets = new Tickets();

        var result = Shell.Run(["rows", "--lfs", tickets.Lfs, "--data", tickets.Data, .. options]).ShouldFailWith(exitCode);

        result.ErrorLines[0].ShouldBe(message.Replace("{data}", tickets.Data));
    }

    [Fact]
    public void Rows_about_the_label_model_fit_one_and_show_its_probabilities()
    {
        using var tickets = new Tickets();

        var result = Shell.Run("rows", "--lfs", tickets.Lfs, "--data", tickets.Data, "--gold-column", "category", "--model", "mv", "--uncertain", "--format", "jsonl");

        result.ShouldSucceed();
        // Ties under majority vote: row 3 (Account against Technical) and row 5 (no votes).
        Records(result.Out).Select(r => r.GetProperty("row").GetInt64()).ShouldBe([3L, 5L]);
        Records(result.Out)[0].GetProperty("predicted").GetString().ShouldBe("ABSTAIN");
    }

    [Fact]
    public void On_the_youtube_comments_it_shows_where_keyword_my_is_wrong_where_lfs_conflict_and_uncovered_rows()
    {
        // Given
        var data = TestPaths.YouTubeRawCsvs.ToArray();
        string[] Rows(params string[] bucket) => ["rows", "--lfs", TestPaths.InRepo("labeling-functions", "spam"), "--data", .. data, "--column", "text=CONTENT", "--gold-column", "CLASS", "--limit", "5", .. bucket];

        // When
        var wrong = Shell.Run(Rows("--lf", "keyword_my", "--wrong"));
        var conflict = Shell.Run(Rows("--lf", "keyword_my", "--conflict", "--format", "jsonl"));
        var uncovered = Shell.Run(Rows("--uncovered", "--format", "jsonl"));

        // Then
        wrong.ShouldSucceed();
        wrong.Out.Split('\n')[0].ShouldBe("keyword_my votes; wrong against gold: 48 of 1,956 rows, showing 5 (seed 0)");
        wrong.Out.ShouldMatch(@"\n  keyword_my +SPAM +wrong  when text contains ""my""\n");
        System.Text.RegularExpressions.Regex.Matches(wrong.Out, @"\[\[my\]\]", System.Text.RegularExpressions.RegexOptions.IgnoreCase).Count.ShouldBeGreaterThanOrEqualTo(5);
        foreach (var r in Records(conflict.Out))
        {
            var votes = r.GetProperty("votes").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
            votes["keyword_my"].ShouldBe("SPAM");
            votes.Values.ShouldContain("HAM");
            r.GetProperty("matches").EnumerateArray().ShouldContain(m => m.GetProperty("lf").GetString() == "keyword_my" && m.GetProperty("text").GetString()!.Equals("my", StringComparison.OrdinalIgnoreCase));
        }
        Records(conflict.Out).Count.ShouldBe(5);
        Records(uncovered.Out).ShouldAllBe(r => r.GetProperty("votes").EnumerateObject().Count() == 0);
        uncovered.ErrorLines.ShouldContain("no LF votes: 248 of 1,956 rows (gold: HAM 75%, SPAM 25%), showing 5 (seed 0)");
    }

    private static List<JsonElement> Records(string jsonLines)
        => jsonLines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
}

/// <summary>The HTML report of <c>label --report</c> and <c>analyze --report --data</c> shows rows, the model auto chose and warnings.</summary>
public class ReportRowsTests
{
    [Fact]
    public void The_label_report_shows_example_rows_with_marks_the_model_auto_chose_and_dev_accuracies()
    {
        // Given
        using var tickets = new Tickets();

        // When
        var result = Shell.Run("label", "--lfs", tickets.Lfs, "--data", tickets.Data, "--dev", tickets.Data, "--gold-column", "category",
            "--out", tickets.File("l.csv"), "--report", tickets.File("r.html"));

        // Then
        result.ShouldSucceed();
        var html = File.ReadAllText(tickets.File("r.html"));
        foreach (var section in new[] { "Label model", "LF summary", "Rows behind the numbers", "Conflicting rows", "Uncovered rows" })
            html.ShouldContain($">{section}</h2>");
        html.ShouldContain("<h3>invoice</h3>\n<p class=\"note\">votes on 2 rows; wrong against gold on 1</p>");
        html.ShouldContain("How do I change the address on my <mark>invoice</mark>");
        html.ShouldContain("<th>empirical accuracy (dev)</th>");
        html.ShouldMatch("<p>auto chose [^<]+dev expected accuracy [0-9.]+");
        html.ShouldContain("<tr class=\"chosen\">");
        // the uncovered row, and the conflict between password and login
        html.ShouldContain("Just saying thanks for the help");
        html.ShouldContain("My <mark>password</mark> reset link does not work, and <mark>login</mark> fails");
    }

    [Fact]
    public void Unlabelled_training_data_read_with_the_gold_column_claims_no_accuracy_in_the_report()
    {
        // Given: training rows whose gold cells are all empty, and the labelled rows as the dev set
        using var tickets = new Tickets();
        var unlabelled = tickets.File("unlabelled.csv");
        File.WriteAllLines(unlabelled, File.ReadAllLines(tickets.Data).Select((line, i) => i == 0 || line.Length == 0 ? line : line[..line.LastIndexOf(',')] + ","));

        // When
        var result = Shell.Run("label", "--lfs", tickets.Lfs, "--data", unlabelled, "--dev", tickets.Data, "--gold-column", "category",
            "--out", tickets.File("l.csv"), "--report", tickets.File("r.html"));

        // Then: the dev set's accuracies, and no "0 correct" or "wrong on 0" from the empty column
        result.ShouldSucceed();
        var html = File.ReadAllText(tickets.File("r.html"));
        html.ShouldContain("<th>empirical accuracy (dev)</th>");
        html.ShouldContain("<h3>invoice</h3>\n<p class=\"note\">votes on 2 rows</p>");
        html.ShouldNotContain("wrong against gold");
        html.ShouldNotContain("<th>correct</th>");
    }

    [Fact]
    public void The_analyze_report_with_the_data_shows_rows_and_warnings()
    {
        using var tickets = new Tickets(rules: Tickets.Rules + "lf never:\n    when body contains \"zzz\" label Account\n");
        Shell.Run("apply", "--lfs", tickets.Lfs, "--data", tickets.Data, "--gold-column", "category", "--out", tickets.File("m.snkm")).ShouldSucceed();

        var result = Shell.Run("analyze", "--matrix", tickets.File("m.snkm"), "--report", tickets.File("r.html"), "--data", tickets.Data, "--lfs", tickets.Lfs);

        result.ShouldSucceed();
        var html = File.ReadAllText(tickets.File("r.html"));
        html.ShouldContain("<h2>Warnings</h2>");
        html.ShouldContain("<code>SNK0701</code>");
        html.ShouldContain("The app shows <mark>error 500</mark> when I open it");
    }
}
