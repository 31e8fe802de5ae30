using System.Text.Json;
using Snorkeler.Cli.Tests.Support;

namespace Snorkeler.Cli.Tests;

/// <summary><c>snorkeler analyze --lfs L --data D</c>: the LF summary of data without a matrix written first.</summary>
public class AnalyzeLfsTests
{
    [Fact]
    public void Analyze_given_lfs_and_data_gives_the_summary_of_the_matrix_apply_would_write()
    {
        // Given the tickets, and the matrix apply writes of them with their gold column
        using var tickets = new Tickets();
        var matrix = tickets.File("tickets.snkm");
        Shell.Run("apply", "--lfs", tickets.Lfs, "--data", tickets.Data, "--gold-column", "category", "--out", matrix).ShouldSucceed();

        // When
        var direct = Shell.Run("analyze", "--lfs", tickets.Lfs, "--data", tickets.Data, "--gold-column", "category", "--format", "json");
        var fromMatrix = Shell.Run("analyze", "--matrix", matrix, "--format", "json");

        // Then the same summary, accuracies from the gold column included (invoice: right on row 1, wrong on row 6)
        direct.ShouldSucceed();
        direct.Out.ShouldBe(fromMatrix.Out);
        using var json = JsonDocument.Parse(direct.Out);
        var invoice = json.RootElement.GetProperty("lfs").EnumerateArray().Single(l => l.GetProperty("name").GetString() == "invoice");
        invoice.GetProperty("correct").GetInt64().ShouldBe(1);
        invoice.GetProperty("incorrect").GetInt64().ShouldBe(1);
    }

    [Theory]
    [InlineData("rows")]
    [InlineData("analyze")]
    public void A_model_file_that_is_missing_or_of_other_lfs_is_told_before_the_lfs_run_over_the_data(string command)
    {
        // Given a model fitted on four of the five ticket LFs, and tickets whose last line is malformed: a run that applied
        // the LFs first would stop there, so the model's errors below show it is checked before
        using var tickets = new Tickets(Tickets.Csv + "T9,one,field,too,many,here\n");
        var four = Path.GetDirectoryName(tickets.Write("four/tickets.rules", Tickets.Rules.Replace("lf login:", "lf login_word:")))!;
        var good = tickets.Write("good.csv", Tickets.Csv);
        var matrix = tickets.File("four.snkm");
        var model = tickets.File("model.json");
        Shell.Run("apply", "--lfs", four, "--data", good, "--out", matrix).ShouldSucceed();
        Shell.Run("fit", "--matrix", matrix, "--model", "mv", "--out", model).ShouldSucceed();
        string[] Run(string modelFile, bool report = true) => command == "rows"
            ? ["rows", "--lfs", tickets.Lfs, "--data", tickets.Data, "--model", modelFile, "--uncertain"]
            : ["analyze", "--lfs", tickets.Lfs, "--data", tickets.Data, "--model", modelFile, .. report ? new[] { "--report", tickets.File("r.html") } : []];

        // When, Then (before: "tickets.csv(10): the row has 6 fields but the header has 5", after the LFs had run)
        Shell.Run(Run(model)).ShouldFailWith(1, $"error: {tickets.Data}: LF 5 is 'login' but the model expects 'login_word'");
        Shell.Run(Run(tickets.File("missing.json"))).ShouldFailWith(1, $"error: {tickets.File("missing.json")}: no such file");
        if (command == "analyze")
            Shell.Run(Run(model, report: false)).ShouldFailWith(2, "snorkeler analyze: --model goes with --report REPORT.html (or with a matrix of annotators' answers, as their consensus)");
        File.Exists(tickets.File("r.html")).ShouldBeFalse();
    }

    [Theory]
    [InlineData("analyze --model without --report")]
    [InlineData("rows --wrong without gold")]
    [InlineData("label --dev data without --gold-column")]
    [InlineData("fit --stats with a model that cannot use them")]
    [InlineData("fit --lfs without --dev")]
    [InlineData("compare --lfs without --dev")]
    [InlineData("compare --dev-prior without --dev")]
    [InlineData("predict --keep-columns without --data")]
    public void Options_that_do_not_go_together_are_a_usage_error_before_any_lf_is_loaded_or_file_read(string mistake)
    {
        // Given LFs that do not compile (a misspelt class), and a model, a matrix and statistics that do not exist: a run
        // that loaded the LFs or read a file before checking its options would stop there with exit 1
        using var tickets = new Tickets(rules: Tickets.Rules.Replace("label Billing", "label Biling"));
        var (data, lfs, missing) = (tickets.Data, tickets.Lfs, tickets.File("missing.json"));
        var (args, message) = mistake switch
        {
            "analyze --model without --report" => (new[] { "analyze", "--lfs", lfs, "--data", data, "--model", missing },
                "--model goes with --report REPORT.html (or with a matrix of annotators' answers, as their consensus)"),
            "rows --wrong without gold" => (["rows", "--lfs", lfs, "--data", data, "--wrong"],
                "'some LF wrong against gold' compares with gold labels: give --gold-column NAME (the data's column of gold labels)"),
            "label --dev data without --gold-column" => (["label", "--lfs", lfs, "--data", data, "--dev", data, "--out", tickets.File("l.csv")],
                $"--dev {data} needs --gold-column NAME naming the column with its gold labels (columns: ticket_id, subject, body, tier, category)"),
            "fit --stats with a model that cannot use them" => (["fit", "--stats", missing, "--model", "dawid-skene", "--dev", data, "--lfs", lfs, "--gold-column", "category", "--out", tickets.File("m.json")],
                "model 'dawid-skene' cannot be fitted from statistics (--stats); models that can: snorkel, flyingsquid"),
            "fit --lfs without --dev" => (["fit", "--matrix", data, "--lfs", lfs, "--model", "mv", "--out", tickets.File("m.json")],
                "--lfs goes with --dev FILE: the LFs label a dev data file (the training matrix holds their votes already)"),
            "compare --lfs without --dev" => (["compare", "--train", data, "--test", data, "--lfs", lfs],
                "--lfs goes with --dev FILE: the LFs label a dev data file (the training matrix holds their votes already)"),
            "compare --dev-prior without --dev" => (["compare", "--train", data, "--test", data, "--dev-prior"], "--dev-prior needs --dev FILE"),
            _ => (["predict", "--model", missing, "--matrix", data, "--keep-columns", "tier", "--out", tickets.File("p.csv")],
                "--id-column and --keep-columns copy columns of the data: give --data FILE (the data the matrix was applied to)"),
        };

        // When
        var result = Shell.Run(args);

        // Then (before: the LFs' SNK0007, 'missing.json: no such file', the tickets read as a matrix, or for fit --lfs a model written)
        result.ShouldFailWith(2, $"snorkeler {args[0]}: {message}");
        Directory.GetFiles(Path.GetDirectoryName(data)!).ShouldBe([data]);
    }

    [Fact]
    public void Analyze_given_lfs_and_data_writes_no_matrix_and_leaves_no_temporary_file()
    {
        // Given
        using var tickets = new Tickets();
        var before = Directory.GetFiles(Path.GetTempPath(), "snorkeler-analyze-*");

        // When
        var result = Shell.Run("analyze", "--lfs", tickets.Lfs, "--data", tickets.Data);

        // Then
        result.ShouldSucceed();
        result.Out.ShouldContain("8 rows, 5 LFs, classes Billing=0, Technical=1, Account=2");
        Directory.GetFiles(Path.GetTempPath(), "snorkeler-analyze-*").ShouldBe(before);
        Directory.GetFiles(Path.GetDirectoryName(tickets.Data)!).ShouldBe([tickets.Data]);
    }

    [Fact]
    public void Analyze_given_lfs_places_an_lf_that_never_votes_at_its_line_and_names_the_rows_command_to_run()
    {
        // Given a sixth rule whose word is in no ticket
        using var tickets = new Tickets(rules: Tickets.Rules + "lf shipping:\n    when body contains \"parcel\" label Billing\n");
        var rules = Path.Combine(tickets.Lfs, "tickets.rules");

        // When
        var result = Shell.Run("analyze", "--lfs", tickets.Lfs, "--data", tickets.Data, "--gold-column", "category");

        // Then the warning apply gives, with the place of the LF, after the table
        result.ShouldSucceed();
        result.Out.ShouldContain("shipping");
        result.ErrorLines.ShouldContain($"{rules}(17,4): warning SNK0701: LF 'shipping' votes on none of the 8 rows; check its condition against a few rows " +
            $"('snorkeler rows --lfs {tickets.Lfs} --data {tickets.Data} --gold-column category --lf shipping --vote ABSTAIN')");
    }

    [Fact]
    public void The_report_of_analyze_given_lfs_shows_the_rows_as_the_report_of_a_matrix_with_its_data_and_lfs_does()
    {
        // Given
        using var tickets = new Tickets();
        var matrix = tickets.File("tickets.snkm");
        Shell.Run("apply", "--lfs", tickets.Lfs, "--data", tickets.Data, "--gold-column", "category", "--out", matrix).ShouldSucceed();
        var direct = tickets.File("direct.html");
        var fromMatrix = tickets.File("matrix.html");

        // When
        Shell.Run("analyze", "--lfs", tickets.Lfs, "--data", tickets.Data, "--gold-column", "category", "--report", direct).ShouldSucceed();
        Shell.Run("analyze", "--matrix", matrix, "--lfs", tickets.Lfs, "--data", tickets.Data, "--gold-column", "category", "--report", fromMatrix).ShouldSucceed();

        // Then the same report but for its title (the data's name, not the matrix's) and the warnings, which name the LF
        // file's lines when the LFs were applied here; the conflicting row (T3) and the uncovered one (T5) are shown in both
        var html = File.ReadAllText(direct);
        html.ShouldContain("reset link does not work");
        html.ShouldContain("1 row where LFs disagree.");
        html.ShouldContain("Just saying thanks for the help");
        Rows(html).ShouldBe(Rows(File.ReadAllText(fromMatrix)));
    }

    [Theory]
    [InlineData(new[] { "analyze" }, "snorkeler analyze: give --matrix MATRIX, or --lfs PATH and --data FILE (the LFs are applied to the data, nothing is written)")]
    [InlineData(new[] { "analyze", "--lfs", "LFS" }, "snorkeler analyze: give --matrix MATRIX, or --lfs PATH and --data FILE (the LFs are applied to the data, nothing is written)")]
    [InlineData(new[] { "analyze", "--data", "DATA" }, "snorkeler analyze: give --matrix MATRIX, or --lfs PATH and --data FILE (the LFs are applied to the data, nothing is written)")]
    [InlineData(new[] { "analyze", "--matrix", "DATA", "--threads", "2" }, "snorkeler analyze: --threads goes with --lfs and --data without --matrix (the LFs applied here)")]
    [InlineData(new[] { "analyze", "--matrix", "DATA", "--lfs", "LFS" }, "snorkeler analyze: --lfs goes with --data: without --matrix, the LFs applied to it; with --matrix and --report, what made each rule fire")]
    [InlineData(new[] { "analyze", "--lfs", "LFS", "--data", "DATA", "--gold", "DATA" }, "snorkeler analyze: --gold goes with --matrix (gold labels of answers in long format); with --lfs and --data, name the data's gold column: --gold-column NAME")]
    [InlineData(new[] { "analyze", "--lfs", "LFS", "--data", "DATA", "--storage", "dense" }, "snorkeler analyze: --storage goes with --matrix (it says how to read the matrix; with --lfs and --data the matrix is the LFs' votes on the data)")]
    [InlineData(new[] { "analyze", "--lfs", "LFS", "--data", "DATA", "--task-column", "id" }, "snorkeler analyze: --task-column goes with --matrix (it says how to read the matrix; with --lfs and --data the matrix is the LFs' votes on the data)")]
    public void Analyze_says_which_inputs_it_needs(string[] args, string message)
    {
        // Given
        using var tickets = new Tickets();

        // When
        var result = Shell.Run(args.Select(a => a switch { "LFS" => tickets.Lfs, "DATA" => tickets.Data, _ => a }).ToArray());

        // Then
        result.ShouldFailWith(2, message);
    }

    /// <summary>The report's sections of example rows (from the first section of rows to the end).</summary>
    private static string Rows(string html) => html[html.IndexOf("<h2>Conflicting rows", StringComparison.Ordinal)..];
}
