using Snorkeler.Cli.Tests.Support;

namespace Snorkeler.Cli.Tests;

public class ExitCodeTests
{
    [Fact]
    public void A_missing_matrix_file_exits_1_naming_it()
    {
        using var temp = new TempFolder();
        var path = temp.File("missing.snkm");

        var result = Shell.Run("analyze", "--matrix", path).ShouldFailWith(1);

        result.ErrorLines.ShouldBe([$"error: {path}: no such file"]);
    }

    [Fact]
    public void A_csv_matrix_with_an_unclosed_quote_exits_1_naming_the_file_and_line()
    {
        using var temp = new TempFolder();
        var path = temp.Write("votes.csv", "a,b\n0,1\n1,\"0\n-1,-1\n");

        var result = Shell.Run("analyze", "--matrix", path).ShouldFailWith(1);

        result.ErrorLines.ShouldBe([$"error: {path}(3): malformed quoted field (an unclosed or stray quote)"]);
    }

    [Fact]
    public void A_wrench_file_whose_rows_have_different_lf_counts_exits_1()
    {
        using var temp = new TempFolder();
        temp.Write("label.json", """{"0": "HAM", "1": "SPAM"}""");
        var path = temp.Write("train.json", """
            {"0": {"data": {"text": "a"}, "label": 0, "weak_labels": [0, -1]},
             "1": {"data": {"text": "b"}, "label": 1, "weak_labels": [1]}}
            """);

        var result = Shell.Run("fit", "--matrix", path, "--model", "mv", "--out", temp.File("m.json")).ShouldFailWith(1);

        result.ErrorLines.ShouldBe([$"error: {path}(2): row \"1\" has 1 weak labels but the first row (line 1) has 2"]);
    }

    [Fact]
    public void An_unknown_command_exits_2_suggesting_the_nearest()
    {
        var result = Shell.Run("analyse", "--matrix", "x.snkm").ShouldFailWith(2);

        result.ErrorLines.ShouldBe(["snorkeler: unknown command 'analyse'; did you mean 'analyze'? (run 'snorkeler --help')"]);
    }

    [Fact]
    public void An_unknown_option_exits_2_suggesting_the_nearest()
    {
        var result = Shell.Run("analyze", "--matrx", "x.snkm").ShouldFailWith(2);

        result.ErrorLines[0].ShouldBe("snorkeler analyze: unknown option '--matrx'; did you mean '--matrix'?");
    }

    [Theory]
    [InlineData("fit", "--model", "mv", "--out", "m.json")]
    [InlineData("predict", "--model", "m.json", "--out", "p.csv")]
    public void A_missing_required_option_exits_2_naming_it(params string[] args)
    {
        Shell.Run(args).ShouldFailStartingWith(2, $"snorkeler {args[0]}: missing required option '--matrix MATRIX'");
    }

    [Fact]
    public void An_option_without_its_value_exits_2()
    {
        Shell.Run("analyze", "--matrix").ShouldFailWith(2).ErrorLines[0].ShouldBe("snorkeler analyze: option '--matrix' needs a value (MATRIX)");
    }

    [Fact]
    public void Apply_with_a_missing_data_file_exits_1_naming_it()
    {
        using var temp = new TempFolder();
        var data = temp.File("missing.csv");

        var result = Shell.Run("apply", "--lfs", temp.Path, "--data", data, "--out", temp.File("m.snkm")).ShouldFailWith(1);

        result.ErrorLines.ShouldBe([$"error: {data}: no such file"]);
        File.Exists(temp.File("m.snkm")).ShouldBeFalse();
    }

    [Fact]
    public void Apply_with_an_unknown_option_exits_2()
    {
        var result = Shell.Run("apply", "--lfs", "lfs", "--data", "d.csv", "--out", "m.snkm", "--thread", "2").ShouldFailWith(2);

        result.ErrorLines[0].ShouldBe("snorkeler apply: unknown option '--thread'; did you mean '--threads'?");
    }

    [Fact]
    public void Apply_to_an_unknown_matrix_format_exits_1()
    {
        var result = Shell.Run("apply", "--lfs", "lfs", "--data", "d.csv", "--out", "m.xlsx").ShouldFailWith(1);

        result.ErrorLines[0].ShouldContain("unknown matrix format '.xlsx'");
    }

    [Fact]
    public void No_arguments_print_usage_and_exit_2_while_help_and_version_exit_0()
    {
        var none = Shell.Run();
        var help = Shell.Run("--help");
        var version = Shell.Run("--version");
        var commandHelp = Shell.Run("predict", "--help");

        none.ExitCode.ShouldBe(2);
        none.Error.ShouldContain("usage: snorkeler COMMAND");
        help.ExitCode.ShouldBe(0);
        help.Out.ShouldContain("analyze");
        version.ExitCode.ShouldBe(0);
        version.Out.ShouldStartWith("snorkeler ");
        commandHelp.ExitCode.ShouldBe(0);
        commandHelp.Out.ShouldContain("--tie-break");
    }

    [Fact]
    public void An_empty_matrix_exits_1()
    {
        using var temp = new TempFolder();
        var path = temp.Write("votes.csv", "a,b\n");

        Shell.Run("analyze", "--matrix", path).ShouldFailWith(1).ErrorLines.ShouldBe([$"error: {path}: the matrix has no rows"]);
    }
    [Fact]
    public void Fit_into_a_missing_folder_exits_1_naming_the_folder()
    {
        using var temp = new TempFolder();
        var model = temp.File("no/such/mv.json");

        var result = Shell.Run("fit", "--matrix", TestPaths.YouTubeFile("train.json"), "--model", "mv", "--out", model).ShouldFailWith(1);

        result.ErrorLines.ShouldBe([$"error: {model}: the folder '{Path.GetDirectoryName(model)}' does not exist"]);
    }

    [Fact]
    public void Verbose_adds_the_details_of_an_error_and_quiet_drops_status_lines()
    {
        using var temp = new TempFolder();
        var bad = temp.Write("votes.csv", "a,b\n0,\"1\n");

        var verbose = Shell.Run("analyze", "--matrix", bad, "--verbose");
        var quiet = Shell.Run("fit", "--matrix", TestPaths.YouTubeFile("train.json"), "--model", "mv", "--out", temp.File("mv.json"), "--quiet");
        var normal = Shell.Run("fit", "--matrix", TestPaths.YouTubeFile("train.json"), "--model", "mv", "--out", temp.File("mv2.json"));

        verbose.ExitCode.ShouldBe(1);
        verbose.ErrorLines[0].ShouldBe($"error: {bad}(2): malformed quoted field (an unclosed or stray quote)");
        verbose.ErrorLines.Length.ShouldBeGreaterThan(1);
        quiet.ExitCode.ShouldBe(0);
        quiet.Error.ShouldBeEmpty();
        normal.Error.ShouldStartWith("fitted 'mv' on 1,586 rows × 10 LFs");
    }
}

/// <summary>How diagnostics look on a terminal and in build logs.</summary>
public sealed class DiagnosticOutputTests
{
    private const string Bad = "labels HAM, SPAM\n\nlf keyword_free:\n    when text contains \"free\" label SPAMM\n";

    [Fact]
    public void On_a_terminal_a_diagnostic_shows_its_source_line_with_carets_under_the_error()
    {
        using var temp = new TempFolder();
        var path = temp.Write("bad.rules", Bad);
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };

        var code = global::Snorkeler.Cli.Cli.Run(["check", path], stdout, stderr, CancellationToken.None, interactive: true);

        code.ShouldBe(1);
        var lines = stderr.ToString().Split('\n');
        lines[0].ShouldBe($"{path}(4,37): error SNK0007: unknown label 'SPAMM'; did you mean 'SPAM'? (classes: HAM, SPAM, or ABSTAIN; declared at line 1)");
        lines[1].ShouldBe("    when text contains \"free\" label SPAMM");
        lines[2].ShouldBe("                                    ^^^^^");
    }

    [Fact]
    public void In_a_build_log_each_diagnostic_is_one_line()
    {
        using var temp = new TempFolder();
        var path = temp.Write("bad.rules", Bad);

        var result = Support.Shell.Run("check", path).ShouldFailWith(1);

        result.ErrorLines.ShouldBe([$"{path}(4,37): error SNK0007: unknown label 'SPAMM'; did you mean 'SPAM'? (classes: HAM, SPAM, or ABSTAIN; declared at line 1)", "1 error, 0 warnings"]);
    }

    [Fact]
    public void Check_of_a_rule_file_beside_a_file_with_a_mistyped_extension_fails_naming_that_file()
    {
        // Given a clean rule file and one saved as .rule, which 'check' skipped without a word and passed
        using var temp = new TempFolder();
        var clean = temp.Write("clean.rules", "labels HAM, SPAM\nlf has_link:\n    when text contains \"http\" label SPAM\n");
        var typo = temp.Write("typo.rule", "labels HAM, SPAM\nlf has_free:\n    when text contains \"free\" label SPAMM\n");

        // When
        var result = Support.Shell.Run("check", clean, typo).ShouldFailWith(1);

        // Then
        result.ErrorLines.ShouldBe([$"error SNK0907: '{typo}' is not an LF file: LF files end in .rules or .csx (a folder given instead is searched for them)", "1 error, 0 warnings"]);
    }

    [Fact]
    public void Check_with_warnings_as_errors_fails_a_file_whose_only_diagnostic_is_a_warning_and_passes_a_clean_one()
    {
        // Given a rule file that checks clean but for an unused let, and the same file without it
        using var temp = new TempFolder();
        var warned = temp.Write("warned.rules", "labels HAM, SPAM\nlet unused_words = [\"free\", \"win\"]\nlf has_link:\n    when text contains \"http\" label SPAM\n");
        var clean = temp.Write("clean.rules", "labels HAM, SPAM\nlf has_link:\n    when text contains \"http\" label SPAM\n");

        // When each is checked with and without --warnings-as-errors
        var lenient = Support.Shell.Run("check", warned);
        var strict = Support.Shell.Run("check", warned, "--warnings-as-errors");
        var cleanStrict = Support.Shell.Run("check", clean, "--warnings-as-errors");

        // Then the warning passes by default, fails the strict run with the usual summary line, and a clean file passes both ways
        lenient.ShouldSucceed();
        strict.ShouldFailWith(1);
        strict.ErrorLines.ShouldContain(l => l.Contains("warning SNK0504", StringComparison.Ordinal));
        strict.ErrorLines[^1].ShouldBe("0 errors, 1 warning");
        cleanStrict.ShouldSucceed();
    }
}
