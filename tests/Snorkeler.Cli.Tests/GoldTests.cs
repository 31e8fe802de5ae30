using System.Text.Json;
using Snorkeler.Cli.Tests.Support;

namespace Snorkeler.Cli.Tests;

/// <summary>Gold labels, one way everywhere: apply stores them, every command reads them, --dev means one thing.</summary>
public class GoldTests
{
    [Theory]
    [InlineData("train.snkm")]
    [InlineData("train.csv")]
    [InlineData("train.npy")]
    public void Apply_stores_gold_labels_by_class_name_and_analyze_shows_empirical_accuracies(string matrix)
    {
        // Given
        using var tickets = new Tickets();

        // When
        var applied = Shell.Run("apply", "--lfs", tickets.Lfs, "--data", tickets.Data, "--gold-column", "category", "--out", tickets.File(matrix));
        var analyzed = Shell.Run("analyze", "--matrix", tickets.File(matrix), "--format", "json");

        // Then
        applied.ShouldSucceed();
        applied.Error.ShouldContain("gold labels on 7 of 8 rows");
        analyzed.ShouldSucceed();
        using var json = JsonDocument.Parse(analyzed.Out);
        var lfs = json.RootElement.GetProperty("lfs").EnumerateArray().ToDictionary(l => l.GetProperty("name").GetString()!);
        (int Correct, int Incorrect) Counts(string lf) => (lfs[lf].GetProperty("correct").GetInt32(), lfs[lf].GetProperty("incorrect").GetInt32());
        Counts("refund").ShouldBe((2, 0));
        Counts("invoice").ShouldBe((1, 1));
        Counts("error_code").ShouldBe((2, 0));
        Counts("password").ShouldBe((2, 0));
        Counts("login").ShouldBe((1, 1));
    }

    [Theory]
    [InlineData("m.snkm")]
    [InlineData("m.npy")]
    public void Asking_analyze_for_gold_a_matrix_lacks_is_an_error_not_silence(string matrix)
    {
        using var tickets = new Tickets();
        Shell.Run("apply", "--lfs", tickets.Lfs, "--data", tickets.Data, "--out", tickets.File(matrix)).ShouldSucceed();

        var result = Shell.Run("analyze", "--matrix", tickets.File(matrix), "--gold-column", "category").ShouldFailWith(1);

        result.ErrorLines[0].ShouldBe($"error: {tickets.File(matrix)}: asked for gold labels ('category') but the matrix has none; store them with 'snorkeler apply --gold-column category'");
    }

    [Fact]
    public void A_csv_matrix_gold_label_that_names_one_class_and_numbers_another_is_read_as_the_name_with_one_warning()
    {
        // Given a CSV matrix whose sidecar names the classes "1", "0", "2": its gold '1' is class "1" by name and class 1 ("0") by number
        using var tickets = new Tickets();
        var matrix = tickets.File("g.csv");
        File.WriteAllText(matrix, "good,bad,y\n0,-1,1\n-1,1,0\n-1,-1,2\n0,-1,1\n");
        File.WriteAllText(matrix + ".schema.json", """{"format": "snorkeler.matrix-schema", "version": 1, "classes": ["1", "0", "2"], "lfs": ["good", "bad"]}""");

        // When
        var result = Shell.Run("analyze", "--matrix", matrix, "--gold-column", "y", "--format", "json");

        // Then the cells are read as the classes they name (so both LFs are right), and the warning comes once, at the first such cell
        result.ShouldSucceed();
        result.ErrorLines.Where(l => l.StartsWith("warning:", StringComparison.Ordinal)).ShouldBe(
            [$"warning: {matrix}(2): column 'y': '1' names class '1' and is also the number of class '0'; a gold label that names a class is read as that class, so write the column's labels as class names, not numbers"]);
        using var json = JsonDocument.Parse(result.Out);
        json.RootElement.GetProperty("lfs").EnumerateArray().Select(l => l.GetProperty("incorrect").GetInt32()).ShouldBe([0, 0]);
    }

    [Fact]
    public void Status_lines_about_one_row_or_one_LF_are_in_the_singular()
    {
        // Given one ticket and one rule (before: 'ok: 1 LFs', 'gold labels on 1 of 1 rows', 'of 1 rows', '1 labels', 'on 1 row × 1 LF')
        using var tickets = new Tickets(string.Join('\n', Tickets.Csv.Split('\n').Take(2)) + "\n",
            "labels Billing, Technical, Account\n\nlf refund:\n    when body contains \"refund\" label Billing\n");

        // When
        var check = Shell.Run("check", tickets.Lfs);
        var apply = Shell.Run("apply", "--lfs", tickets.Lfs, "--data", tickets.Data, "--gold-column", "category", "--out", tickets.File("m.snkm"));
        var rows = Shell.Run("rows", "--lfs", tickets.Lfs, "--data", tickets.Data, "--lf", "refund");
        var label = Shell.Run("label", "--lfs", tickets.Lfs, "--data", tickets.Data, "--model", "mv", "--out", tickets.File("labels.csv"));
        var fit = Shell.Run("fit", "--matrix", tickets.File("m.snkm"), "--model", "mv", "--out", tickets.File("mv.json"));

        // Then
        check.ShouldSucceed().Out.ShouldStartWith("ok: 1 LF, classes ");
        apply.ShouldSucceed().Error.ShouldContain("applied 1 LF to 1 row ");
        apply.Error.ShouldContain("gold labels on 1 of 1 row;");
        rows.ShouldSucceed().Out.ShouldStartWith("refund votes: 1 of 1 row, all shown");
        label.ShouldSucceed().Error.ShouldContain("wrote 1 label to ");
        label.Error.ShouldContain("(0 rows uncovered)");
        fit.ShouldSucceed().Error.ShouldContain("fitted 'mv' on 1 row × 1 LF in ");
    }

    [Fact]
    public void A_gold_cell_that_names_no_class_stops_apply_at_its_line()
    {
        using var tickets = new Tickets(Tickets.Csv.Replace("T6,Invoice address,How do I change the address on my invoice,basic,Account", "T6,Invoice address,How do I change the address on my invoice,basic,Acount"));

        var result = Shell.Run("apply", "--lfs", tickets.Lfs, "--data", tickets.Data, "--gold-column", "category", "--out", tickets.File("m.snkm")).ShouldFailWith(1);

        result.ErrorLines.ShouldContain($"error: {tickets.Data}(7): column 'category': 'Acount' is not a class (Billing, Technical, Account) or a class number 0..2; did you mean 'Account'?");
        File.Exists(tickets.File("m.snkm")).ShouldBeFalse();
    }

    [Fact]
    public void Dev_is_a_matrix_or_a_data_file_with_the_same_meaning_in_fit_label_and_compare()
    {
        // Given
        using var tickets = new Tickets();
        Shell.Run("apply", "--lfs", tickets.Lfs, "--data", tickets.Data, "--gold-column", "category", "--out", tickets.File("dev.snkm")).ShouldSucceed();
        Shell.Run("apply", "--lfs", tickets.Lfs, "--data", tickets.Data, "--out", tickets.File("train.snkm")).ShouldSucceed();

        // When
        var fromMatrix = Shell.Run("fit", "--matrix", tickets.File("train.snkm"), "--model", "wmv", "--accuracies", "dev", "--dev", tickets.File("dev.snkm"), "--out", tickets.File("a.json"));
        var fromData = Shell.Run("fit", "--matrix", tickets.File("train.snkm"), "--model", "wmv", "--accuracies", "dev", "--dev", tickets.Data, "--lfs", tickets.Lfs, "--gold-column", "category", "--out", tickets.File("b.json"));
        var withoutLfs = Shell.Run("fit", "--matrix", tickets.File("train.snkm"), "--model", "wmv", "--dev", tickets.Data, "--gold-column", "category", "--out", tickets.File("c.json"));
        var labelFromMatrix = Shell.Run("label", "--lfs", tickets.Lfs, "--data", tickets.Data, "--model", "wmv", "--accuracies", "dev", "--dev", tickets.File("dev.snkm"), "--out", tickets.File("a.csv"));
        var labelFromData = Shell.Run("label", "--lfs", tickets.Lfs, "--data", tickets.Data, "--model", "wmv", "--accuracies", "dev", "--dev", tickets.Data, "--gold-column", "category", "--out", tickets.File("b.csv"));
        var compare = Shell.Run("compare", "--train", tickets.File("train.snkm"), "--test", tickets.File("dev.snkm"), "--models", "mv,wmv", "--dev", tickets.Data, "--lfs", tickets.Lfs, "--gold-column", "category", "--format", "json");

        // Then
        fromMatrix.ShouldSucceed();
        fromData.ShouldSucceed();
        Parameters(tickets.File("a.json")).ShouldBe(Parameters(tickets.File("b.json")));
        withoutLfs.ShouldFailWith(2).ErrorLines[0].ShouldContain($"--dev {tickets.Data} is a data file: give --lfs PATH");
        labelFromMatrix.ShouldSucceed();
        labelFromData.ShouldSucceed();
        File.ReadAllText(tickets.File("a.csv")).ShouldBe(File.ReadAllText(tickets.File("b.csv")));
        compare.ShouldSucceed();
        JsonDocument.Parse(compare.Out).RootElement.GetArrayLength().ShouldBe(2);
    }

    [Fact]
    public void A_dev_that_is_a_folder_or_no_file_is_named_so_not_taken_for_a_data_file_wanting_lfs()
    {
        // Given a training matrix, a folder and a file name that does not exist
        using var tickets = new Tickets();
        Shell.Run("apply", "--lfs", tickets.Lfs, "--data", tickets.Data, "--gold-column", "category", "--out", tickets.File("m.snkm")).ShouldSucceed();
        var folder = tickets.File("dev");
        Directory.CreateDirectory(folder);
        var missing = tickets.File("dev.csv");

        // When
        var fitFolder = Shell.Run("fit", "--matrix", tickets.File("m.snkm"), "--model", "mv", "--dev", folder, "--out", tickets.File("a.json"));
        var fitMissing = Shell.Run("fit", "--matrix", tickets.File("m.snkm"), "--model", "mv", "--dev", missing, "--out", tickets.File("a.json"));
        var compareFolder = Shell.Run("compare", "--train", tickets.File("m.snkm"), "--test", tickets.File("m.snkm"), "--dev", folder);
        var labelFolder = Shell.Run("label", "--lfs", tickets.Lfs, "--data", tickets.Data, "--dev", folder, "--gold-column", "category", "--out", tickets.File("l.csv"));

        // Then (before: "--dev ... is a data file: give --lfs PATH ...", exit 2; label said so after labelling the data)
        fitFolder.ShouldFailWith(1).ErrorLines.ShouldBe([$"error: {folder}: is a folder, expected a dev file"]);
        fitMissing.ShouldFailWith(1).ErrorLines.ShouldBe([$"error: {missing}: no such file"]);
        compareFolder.ShouldFailWith(1).ErrorLines.ShouldBe([$"error: {folder}: is a folder, expected a dev file"]);
        labelFolder.ShouldFailWith(1).ErrorLines.ShouldBe([$"error: {folder}: is a folder, expected a dev file"]);
        File.Exists(tickets.File("a.json")).ShouldBeFalse();
        File.Exists(tickets.File("l.csv")).ShouldBeFalse();
    }

    [Fact]
    public void A_dev_matrix_without_gold_labels_is_an_error_saying_how_to_add_them()
    {
        using var tickets = new Tickets();
        Shell.Run("apply", "--lfs", tickets.Lfs, "--data", tickets.Data, "--out", tickets.File("m.snkm")).ShouldSucceed();

        Shell.Run("fit", "--matrix", tickets.File("m.snkm"), "--model", "auto", "--dev", tickets.File("m.snkm"), "--out", tickets.File("a.json")).ShouldFailStartingWith(1, $"error: {tickets.File("m.snkm")}: the dev set has no gold labels");
    }

    [Fact]
    public void Predict_scores_a_matrix_that_carries_gold_labels()
    {
        using var tickets = new Tickets();
        Shell.Run("apply", "--lfs", tickets.Lfs, "--data", tickets.Data, "--gold-column", "category", "--out", tickets.File("m.csv")).ShouldSucceed();
        Shell.Run("fit", "--matrix", tickets.File("m.csv"), "--model", "mv", "--out", tickets.File("mv.json")).ShouldSucceed();

        var result = Shell.Run("predict", "--model", tickets.File("mv.json"), "--matrix", tickets.File("m.csv"), "--out", tickets.File("p.csv"));

        result.ShouldSucceed();
        result.Out.ShouldContain("rows with gold labels: 7");
    }

    [Fact]
    public void A_column_mapping_to_a_column_the_data_lacks_is_an_error_even_when_the_lf_name_exists()
    {
        using var tickets = new Tickets();

        var result = Shell.Run("apply", "--lfs", tickets.Lfs, "--data", tickets.Data, "--column", "body=subjet", "--out", tickets.File("m.snkm")).ShouldFailWith(1);

        result.ErrorLines[0].ShouldBe($"error: {tickets.Data}: no column 'subjet' to read as 'body'; did you mean 'subject'? (columns: ticket_id, subject, body, tier, category)");
    }

    private static string Parameters(string model) => JsonDocument.Parse(File.ReadAllText(model)).RootElement.GetProperty("parameters").GetRawText();
}

/// <summary>Data-shape help: delimiters detected and named, --delimiter, missing fields with the fix.</summary>
public class DataShapeTests
{
    [Fact]
    public void Status_lines_of_one_lf_and_one_row_are_in_the_singular()
    {
        // Given one LF and a data file of one row (the lines said "applied 1 LFs to 1 rows")
        using var temp = new TempFolder();
        var lfs = temp.Write("lfs/a.rules", "labels HAM, SPAM\n\nlf greeting:\n    when text contains \"hi\" label HAM\n");
        var data = temp.Write("one.csv", "text\nhi there\n");

        // When
        var applied = Shell.Run("apply", "--lfs", lfs, "--data", data, "--out", temp.File("m.csv"));
        var labelled = Shell.Run("label", "--lfs", lfs, "--data", data, "--out", temp.File("labels.csv"));

        // Then
        applied.ShouldSucceed().Error.ShouldContain("applied 1 LF to 1 row (comma-separated, detected) in ");
        labelled.ShouldSucceed().Error.ShouldContain("applied 1 LF to 1 row (comma-separated, detected) in ");
    }

    [Fact]
    public void Predict_s_status_line_of_one_row_is_in_the_singular()
    {
        using var temp = new TempFolder();
        var train = temp.Write("train.csv", "lf_0,lf_1\n0,0\n1,1\n0,-1\n");
        var one = temp.Write("one.csv", "lf_0,lf_1\n1,1\n");
        Shell.Run("fit", "--matrix", train, "--model", "mv", "--out", temp.File("mv.json")).ShouldSucceed();

        Shell.Run("predict", "--model", temp.File("mv.json"), "--matrix", one, "--out", temp.File("p.csv"))
            .ShouldSucceed().Error.ShouldContain("labelled 1 row with 'mv' in ");
    }

    [Theory]
    [InlineData(';', "semicolon")]
    [InlineData('\t', "tab")]
    [InlineData('|', "pipe")]
    public void A_csv_separated_by_another_delimiter_applies_without_options_and_the_status_line_names_it(char delimiter, string name)
    {
        // Given: the tickets with another delimiter (fields holding it are quoted)
        var csv = string.Join("\n", Tickets.Csv.Split('\n').Select(line => Reseparate(line, delimiter)));
        using var tickets = new Tickets(csv);

        // When
        var result = Shell.Run("apply", "--lfs", tickets.Lfs, "--data", tickets.Data, "--gold-column", "category", "--out", tickets.File("m.csv"));
        var analyzed = Shell.Run("analyze", "--matrix", tickets.File("m.csv"), "--format", "json");

        // Then
        result.ShouldSucceed();
        result.Error.ShouldContain($"applied 5 LFs to 8 rows ({name}-separated, detected)");
        using var json = System.Text.Json.JsonDocument.Parse(analyzed.Out);
        json.RootElement.GetProperty("lfs")[1].GetProperty("incorrect").GetInt32().ShouldBe(1);
    }

    [Fact]
    public void Delimiter_overrides_detection()
    {
        using var tickets = new Tickets();

        var result = Shell.Run("apply", "--lfs", tickets.Lfs, "--data", tickets.Data, "--delimiter", ";", "--out", tickets.File("m.snkm")).ShouldFailWith(1);

        result.ErrorLines[0].ShouldContain("error SNK0103: unknown field 'body' (used 5 times)");
        result.ErrorLines[0].ShouldContain("has no such column; the data has one column, 'ticket_id,subject,body,tier,category': is it comma-separated? (--delimiter ',')");
    }

    [Theory]
    [InlineData(' ', "space", "space")]
    [InlineData(' ', " ", "space")]
    [InlineData(':', ":", "':'")]
    [InlineData('^', "^", "'^'")]
    public void A_delimiter_given_as_punctuation_or_space_reads_the_file(char delimiter, string option, string name)
    {
        // Given: the tickets separated by a delimiter detection does not try
        var csv = string.Join("\n", Tickets.Csv.Split('\n').Select(line => Reseparate(line, delimiter)));
        using var tickets = new Tickets(csv);

        // When
        var result = Shell.Run("apply", "--lfs", tickets.Lfs, "--data", tickets.Data, "--delimiter", option, "--gold-column", "category", "--out", tickets.File("m.csv"));

        // Then
        result.ShouldSucceed();
        result.Error.ShouldContain($"applied 5 LFs to 8 rows ({name}-separated)");
    }

    [Theory]
    [InlineData("x")]
    [InlineData("1")]
    [InlineData("é")]
    [InlineData("\"")]
    [InlineData(";;")]
    public void A_delimiter_that_is_a_letter_a_digit_a_quote_or_not_ascii_is_a_usage_error_not_a_crash(string option)
    {
        using var tickets = new Tickets();

        var result = Shell.Run("apply", "--lfs", tickets.Lfs, "--data", tickets.Data, "--delimiter", option, "--out", tickets.File("m.csv")).ShouldFailWith(2);

        result.ErrorLines[0].ShouldBe($"snorkeler apply: --delimiter expects one ASCII punctuation character or symbol (, ; | : ^ ~ ...), 'tab' or 'space', got '{option}'");
    }

    [Fact]
    public void A_missing_text_field_suggests_the_column_mapping_to_the_free_text_column()
    {
        using var tickets = new Tickets(rules: Tickets.Rules.Replace("body", "text"));

        var result = Shell.Run("apply", "--lfs", tickets.Lfs, "--data", tickets.Data, "--out", tickets.File("m.snkm")).ShouldFailWith(1);

        result.ErrorLines.Length.ShouldBe(2);
        result.ErrorLines[0].ShouldEndWith($"error SNK0103: unknown field 'text' (used 5 times): {tickets.Data} has no such column; if column 'body' holds it, add --column text=body (columns: ticket_id, subject, body, tier, category)");
    }

    [Fact]
    public void Check_without_data_says_field_names_were_not_checked()
    {
        using var tickets = new Tickets();

        var result = Shell.Run("check", tickets.Lfs);

        result.ExitCode.ShouldBe(0);
        result.ErrorLines.ShouldContain("field names were not checked against data; add --data FILE to check them");
    }

    private static string Reseparate(string line, char delimiter)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        foreach (var c in line)
        {
            if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) { fields.Add(field.ToString()); field.Clear(); }
            else field.Append(c);
        }
        fields.Add(field.ToString());
        return string.Join(delimiter, fields.Select(f => f.Contains(delimiter) || f.Contains(',') ? $"\"{f}\"" : f));
    }
}
