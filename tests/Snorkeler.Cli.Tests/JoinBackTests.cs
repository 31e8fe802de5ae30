using System.Text.Json;
using Snorkeler.Cli.Tests.Support;

namespace Snorkeler.Cli.Tests;

/// <summary>Outputs that join back to the input: row numbers, ids, kept columns, class names, and the model auto chose.</summary>
public class JoinBackTests
{
    [Fact]
    public void Label_writes_row_numbers_the_id_kept_columns_and_class_names_and_drop_uncovered_keeps_the_row_numbers()
    {
        // Given
        using var tickets = new Tickets();

        // When
        var result = Shell.Run("label", "--lfs", tickets.Lfs, "--data", tickets.Data, "--model", "mv", "--keep-columns", "subject", "--drop-uncovered", "--out", tickets.File("l.csv"));

        // Then
        result.ShouldSucceed();
        var lines = File.ReadAllLines(tickets.File("l.csv"));
        lines[0].ShouldBe("row,ticket_id,subject,p_Billing,p_Technical,p_Account,label,label_name");
        lines.Skip(1).Select(l => l.Split(',')[0]).ShouldBe(["1", "2", "3", "4", "6", "7", "8"]);
        lines[1].ShouldBe("1,T1,Refund please,1,0,0,0,Billing");
        lines[3].ShouldBe("3,T3,Cannot log in,0,0.5,0.5,-1,ABSTAIN"); // password and login disagree: a tie
        lines[5].ShouldBe("6,T6,Invoice address,1,0,0,0,Billing");
    }

    [Fact]
    public void Label_names_the_model_auto_chose_with_its_dev_score_in_the_status_and_the_manifest()
    {
        // Given
        using var tickets = new Tickets();

        // When
        var result = Shell.Run("label", "--lfs", tickets.Lfs, "--data", tickets.Data, "--dev", tickets.Data, "--gold-column", "category", "--out", tickets.File("l.csv"));

        // Then
        result.ShouldSucceed();
        var line = result.ErrorLines.Single(l => l.StartsWith("auto chose ", StringComparison.Ordinal));
        line.ShouldMatch(@"^auto chose \S+.* \(prior: \w+\): dev expected accuracy \d\.\d{3} \(.+\)$");
        using var manifest = JsonDocument.Parse(File.ReadAllText(tickets.File("l.csv.manifest.json")));
        var model = manifest.RootElement.GetProperty("label_model");
        model.GetProperty("requested").GetString().ShouldBe("auto");
        var chosen = model.GetProperty("selection").GetProperty("chosen");
        model.GetProperty("name").GetString().ShouldBe(chosen.GetProperty("model").GetString());
        model.GetProperty("name").GetString().ShouldNotBe("auto");
        var candidates = model.GetProperty("selection").GetProperty("candidates").EnumerateArray().ToList();
        candidates.Count.ShouldBeGreaterThan(5);
        var best = candidates.Where(c => c.GetProperty("score").ValueKind == JsonValueKind.Number).Max(c => c.GetProperty("score").GetDouble());
        // auto takes the best dev score unless its lead over the unsupervised choice is within one paired standard error.
        if (!chosen.GetProperty("note").GetString()!.StartsWith("the unsupervised choice", StringComparison.Ordinal))
            chosen.GetProperty("score").GetDouble().ShouldBe(best);
    }

    [Fact]
    public void Fit_prints_the_model_auto_chose()
    {
        using var tickets = new Tickets();
        Shell.Run("apply", "--lfs", tickets.Lfs, "--data", tickets.Data, "--gold-column", "category", "--out", tickets.File("m.snkm")).ShouldSucceed();

        var withDev = Shell.Run("fit", "--matrix", tickets.File("m.snkm"), "--model", "auto", "--dev", tickets.File("m.snkm"), "--out", tickets.File("a.json"));
        var withoutDev = Shell.Run("fit", "--matrix", tickets.File("m.snkm"), "--model", "auto", "--out", tickets.File("b.json"));

        withDev.ErrorLines.ShouldContain(l => l.StartsWith("auto chose ") && l.Contains("dev expected accuracy"));
        withoutDev.ErrorLines.ShouldContain(l => l.StartsWith("auto chose ") && l.Contains("held-out source agreement") && !l.Contains("agreement κ"));
    }

    [Fact]
    public void Predict_copies_the_id_and_kept_columns_of_the_data_the_matrix_came_from()
    {
        // Given
        using var tickets = new Tickets();
        Shell.Run("apply", "--lfs", tickets.Lfs, "--data", tickets.Data, "--out", tickets.File("m.snkm")).ShouldSucceed();
        Shell.Run("fit", "--matrix", tickets.File("m.snkm"), "--model", "mv", "--out", tickets.File("mv.json")).ShouldSucceed();

        // When
        var result = Shell.Run("predict", "--model", tickets.File("mv.json"), "--matrix", tickets.File("m.snkm"), "--data", tickets.Data, "--keep-columns", "tier", "--out", tickets.File("p.jsonl"));
        var withoutData = Shell.Run("predict", "--model", tickets.File("mv.json"), "--matrix", tickets.File("m.snkm"), "--keep-columns", "tier", "--out", tickets.File("q.csv"));

        // Then
        result.ShouldSucceed();
        var rows = File.ReadAllLines(tickets.File("p.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        rows.Count.ShouldBe(8);
        rows[6].GetProperty("row").GetInt64().ShouldBe(7);
        rows[6].GetProperty("ticket_id").GetString().ShouldBe("T7");
        rows[6].GetProperty("tier").GetString().ShouldBe("gold");
        rows[6].GetProperty("label_name").GetString().ShouldBe("Technical");
        withoutData.ShouldFailWith(2);
    }

    [Theory]
    [InlineData("message", "message")]
    [InlineData("body", "body")]
    [InlineData("MESSAGE", "message")]
    public void A_column_read_under_another_name_is_kept_by_either_name(string kept, string header)
    {
        // Given: the LFs read 'body', which this file calls 'message'
        using var tickets = new Tickets(Tickets.Csv.Replace("ticket_id,subject,body,", "ticket_id,subject,message,"));

        // When
        var result = Shell.Run("label", "--lfs", tickets.Lfs, "--data", tickets.Data, "--column", "body=message", "--model", "mv", "--keep-columns", kept, "--out", tickets.File("l.csv"));

        // Then
        result.ShouldSucceed();
        var lines = File.ReadAllLines(tickets.File("l.csv"));
        lines[0].ShouldBe($"row,ticket_id,{header},p_Billing,p_Technical,p_Account,label,label_name");
        lines[1].ShouldStartWith("1,T1,");
    }

    [Fact]
    public void A_name_that_matches_two_columns_only_when_case_is_ignored_is_an_error_naming_both()
    {
        using var tickets = new Tickets(Tickets.Csv.Replace("ticket_id,subject,body,", "SUBJECT,Subject,body,"));

        var result = Shell.Run("label", "--lfs", tickets.Lfs, "--data", tickets.Data, "--model", "mv", "--keep-columns", "subject", "--out", tickets.File("l.csv")).ShouldFailWith(1);

        result.ErrorLines[0].ShouldBe($"error: {tickets.Data}: 'subject' matches the columns 'SUBJECT' and 'Subject' when case is ignored; give the exact name");
    }

    [Fact]
    public void An_output_in_a_folder_that_does_not_exist_is_refused_before_any_work_naming_the_output()
    {
        using var tickets = new Tickets();
        var output = Path.Combine(tickets.File("missing"), "l.csv");

        var result = Shell.Run("label", "--lfs", tickets.Lfs, "--data", tickets.Data, "--model", "mv", "--out", output).ShouldFailWith(1);

        result.ErrorLines.ShouldBe([$"error: {output}: the folder '{tickets.File("missing")}' does not exist"]);
    }

    [Fact]
    public void A_kept_column_the_data_lacks_is_an_error_naming_the_nearest()
    {
        using var tickets = new Tickets();

        var result = Shell.Run("label", "--lfs", tickets.Lfs, "--data", tickets.Data, "--keep-columns", "subjet", "--out", tickets.File("l.csv")).ShouldFailWith(1);

        result.ErrorLines[0].ShouldBe($"error: {tickets.Data}: no column 'subjet'; did you mean 'subject'? (columns: ticket_id, subject, body, tier, category)");
    }
}
