using Snorkeler.Cli.Tests.Support;

namespace Snorkeler.Cli.Tests;

/// <summary>Warnings for LFs that cannot work, end to end: check sees the rule text, apply and analyze the data.</summary>
public class WarningTests
{
    private const string Broken = Tickets.Rules + """
        lf tier_quoted:
            when "tier" == "gold" label Billing

        lf tier_case:
            when tier == "Gold" label Billing

        lf refund_again:
            when lower(body) contains "refund" label Billing

        """;

    [Fact]
    public void Check_sees_a_field_name_in_quotes_without_the_data()
    {
        using var tickets = new Tickets(rules: Broken);

        var result = Shell.Run("check", tickets.Lfs);

        result.ShouldSucceed();
        result.ErrorLines.ShouldContain($"{Path.Combine(tickets.Lfs, "tickets.rules")}(18,10): warning SNK0501: \"tier\" is text, not the field 'tier': write the field as tier (as written, the test compares constants and is always false)");
        result.Out.ShouldContain("8 LFs");
    }

    [Fact]
    public void Apply_warns_with_locations_about_what_the_data_shows_and_analyze_about_the_matrix()
    {
        // Given
        using var tickets = new Tickets(rules: Broken);
        var rules = Path.Combine(tickets.Lfs, "tickets.rules");

        // When
        var applied = Shell.Run("apply", "--lfs", tickets.Lfs, "--data", tickets.Data, "--out", tickets.File("m.snkm"));
        var analyzed = Shell.Run("analyze", "--matrix", tickets.File("m.snkm"));

        // Then
        applied.ShouldSucceed();
        applied.ErrorLines.ShouldContain($"{rules}(17,4): warning SNK0701: LF 'tier_quoted' votes on none of the 8 rows; check its condition against a few rows ('snorkeler rows --lfs {tickets.Lfs} --data {tickets.Data} --lf tier_quoted --vote ABSTAIN')");
        applied.ErrorLines.ShouldContain($"{rules}(23,4): warning SNK0703: LFs 'refund' and 'refund_again' vote the same on every row, so the label model counts the same evidence twice; keep one");
        applied.ErrorLines.ShouldContain($"{rules}(21,18): warning SNK0511: column 'tier' of {tickets.Data} holds \"gold\" but never \"Gold\", and == compares case exactly: write \"gold\", or compare lower(tier) with \"gold\"");
        analyzed.ShouldSucceed();
        analyzed.ErrorLines.ShouldContain($"warning SNK0701: LF 'tier_case' votes on none of the 8 rows; check its condition against a few rows ('snorkeler rows --matrix {tickets.File("m.snkm")} --data FILE --lf tier_case --vote ABSTAIN')");
    }

    [Fact]
    public void The_rows_command_analyze_of_a_wrench_split_points_to_runs_on_that_split()
    {
        // Given: analyze --matrix pointed to 'snorkeler rows --lf lf_11 --wrong', which rows refuses (it needs --data and --matrix or --lfs)
        var trec = Path.Combine(TestPaths.Shared, "data", "trec", "train.json");
        var analyzed = Shell.Run("analyze", "--matrix", trec);
        var suggested = analyzed.ErrorLines.First(l => l.Contains("SNK0705", StringComparison.Ordinal));

        // When the command it suggests is run
        var command = suggested[(suggested.IndexOf("('snorkeler ", StringComparison.Ordinal) + 12)..^2].Split(' ');
        var rows = Shell.Run([.. command, "--limit", "0"]);

        // Then it reads the split as both the matrix and its data
        command[..5].ShouldBe(["rows", "--matrix", trec, "--data", trec]);
        rows.ShouldSucceed();
        rows.Out.ShouldContain("wrong against gold");
    }

    [Fact]
    public void The_rows_command_an_lf_voting_on_no_row_is_pointed_to_runs_on_the_same_inputs()
    {
        // Given a run with the options that say how to read the data
        using var tickets = new Tickets(rules: Broken);
        var applied = Shell.Run("apply", "--lfs", tickets.Lfs, "--data", tickets.Data, "--column", "body=body", "--delimiter", ",", "--out", tickets.File("m.snkm"));
        var suggested = applied.ErrorLines.Single(l => l.Contains("LF 'tier_quoted' votes on none", StringComparison.Ordinal));

        // When the command it suggests is run (the temporary paths hold no character a shell would read otherwise)
        var command = suggested[(suggested.IndexOf("('snorkeler ", StringComparison.Ordinal) + 12)..^2].Split(' ');
        var rows = Shell.Run([.. command, "--limit", "0"]);

        // Then it reads the same rows with the same options
        command.ShouldContain("--column");
        command.ShouldContain("--delimiter");
        rows.ShouldSucceed();
        rows.Out.ShouldStartWith("tier_quoted abstains: 8 of 8 rows");
    }

    [Fact]
    public void Check_counts_one_warning_in_the_singular()
    {
        // The shipped tickets rules have one deliberate mistake, a field name in quotes (SNK0502)
        var result = Shell.Run("check", TestPaths.InRepo("labeling-functions", "tickets"));

        result.ShouldSucceed();
        result.Out.ShouldStartWith("ok: 8 LFs, classes BILLING=0, TECHNICAL=1, ACCOUNT=2, 1 warning" + Environment.NewLine);
    }

    [Theory]
    [InlineData("plain/data.csv")]
    [InlineData("my data.csv")]
    [InlineData("it's $HOME.csv")]
    [InlineData("text=CONTENT")]
    [InlineData(";")]
    public void A_value_in_a_suggested_command_is_quoted_so_that_a_shell_reads_it_back_unchanged(string value)
    {
        using var bash = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("bash", ["-c", "printf '%s' " + Text.Listing.ShellWord(value)])
            { RedirectStandardOutput = true })!;
        var read = bash.StandardOutput.ReadToEnd();
        bash.WaitForExit();

        read.ShouldBe(value);
    }

    [Fact]
    public void Label_warns_about_an_lf_below_chance_on_the_dev_gold_labels()
    {
        // Given: 'backwards' votes Account on the twelve Billing tickets
        var csv = "id,body,category\n" + string.Concat(Enumerable.Range(1, 24).Select(i => i <= 12 ? $"{i},please refund me,Billing\n" : $"{i},my password,Account\n"));
        using var tickets = new Tickets(csv, """
            labels Billing, Technical, Account
            lf backwards:
                when body contains "refund" label Account
            lf password:
                when body contains "password" label Account

            """);

        // When
        var result = Shell.Run("label", "--lfs", tickets.Lfs, "--data", tickets.Data, "--model", "mv", "--dev", tickets.Data, "--gold-column", "category", "--out", tickets.File("l.csv"));

        // Then
        result.ShouldSucceed();
        result.ErrorLines.ShouldContain(l => l.EndsWith($"warning SNK0705: LF 'backwards' is right on 0 of the 12 labelled rows it votes on (0.00), below chance (0.50: voting Account at random would be right that often); is its class the wrong one? ('snorkeler rows --lfs {tickets.Lfs} --data {tickets.Data} --gold-column category --lf backwards --wrong')"));
    }

    [Fact]
    public void Label_with_a_dev_matrix_points_an_lf_below_chance_to_a_rows_command_on_that_matrix()
    {
        // Given: training tickets without gold labels, and a dev matrix whose Billing tickets 'backwards' votes Account on;
        // the warning pointed to 'snorkeler rows --lf backwards --wrong', which rows refuses (it needs --data)
        var rules = """
            labels Billing, Technical, Account
            lf backwards:
                when body contains "refund" label Account
            lf password:
                when body contains "password" label Account

            """;
        using var tickets = new Tickets("id,body\n1,please refund me\n2,my password\n", rules);
        var devData = tickets.File("dev.csv");
        File.WriteAllText(devData, "id,body,category\n" + string.Concat(Enumerable.Range(1, 24).Select(i => i <= 12 ? $"{i},please refund me,Billing\n" : $"{i},my password,Account\n")));
        var dev = tickets.File("dev.snkm");
        Shell.Run("apply", "--lfs", tickets.Lfs, "--data", devData, "--gold-column", "category", "--out", dev).ShouldSucceed();

        // When
        var result = Shell.Run("label", "--lfs", tickets.Lfs, "--data", tickets.Data, "--model", "mv", "--dev", dev, "--out", tickets.File("l.csv"));

        // Then
        result.ShouldSucceed();
        result.ErrorLines.ShouldContain(l => l.EndsWith($"is its class the wrong one? ('snorkeler rows --matrix {dev} --lfs {tickets.Lfs} --data FILE --lf backwards --wrong')"));
    }

    [Fact]
    public void Label_warns_when_the_LFs_fire_together_on_the_dev_rows_far_more_than_their_classes_explain()
    {
        // Given 200 dev tickets, half Billing, half Account: a long ticket names many of the six words (busy), a short one few,
        // and each word's rule votes its class; the same words on every ticket of a class would be independent
        var random = new Random(7);
        var words = new[] { "refund", "charge", "invoice", "password", "login", "locked" };
        var rows = new System.Text.StringBuilder("id,body,category\n");
        for (var i = 0; i < 200; i++)
        {
            var billing = i % 2 == 0;
            var activity = Math.Exp(1.2 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()) - 0.72);
            var said = words.Where((_, w) => random.NextDouble() < Math.Min(0.98, ((w < 3) == billing ? 0.3 : 0.08) * activity));
            rows.Append($"{i},ticket {string.Join(' ', said)},{(billing ? "Billing" : "Account")}\n");
        }
        using var tickets = new Tickets(rows.ToString(), "labels Billing, Technical, Account\n" + string.Concat(words.Select((w, j) =>
            $"lf {w}:\n    when body contains \"{w}\" label {(j < 3 ? "Billing" : "Account")}\n")) + "\n");

        // When
        var result = Shell.Run("label", "--lfs", tickets.Lfs, "--data", tickets.Data, "--model", "mv", "--dev", tickets.Data, "--gold-column", "category", "--out", tickets.File("l.csv"));

        // Then
        result.ShouldSucceed();
        result.ErrorLines.ShouldContain(l => l.Contains("warning SNK0707: the LFs fire together far more than the classes explain: on the 200 labelled rows"));
    }
}
