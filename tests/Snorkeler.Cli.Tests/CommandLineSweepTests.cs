using Snorkeler.Cli.Tests.Support;

namespace Snorkeler.Cli.Tests;

/// <summary>
/// The command line itself, given the mistakes people make typing it: help for a command that does not exist, options
/// before the command name, a '--' separator, one-dash short options, values of a fixed form on options the run does
/// not otherwise use, thousands of files from a shell glob. Each is one line saying what is wrong and what to write
/// instead, exit 2 for usage (docs/cli.md), never a stack trace nor a silently ignored value.
/// </summary>
public sealed class CommandLineSweepTests
{
    private static readonly string Lfs = TestPaths.InRepo("labeling-functions", "spam");
    private static readonly string Train = TestPaths.YouTubeFile("train.json");

    [Theory]
    [InlineData("help", "fitt", "snorkeler: unknown command 'fitt'; did you mean 'fit'? (run 'snorkeler --help')")]
    [InlineData("--help", "bogus", "snorkeler: unknown command 'bogus' (run 'snorkeler --help')")]
    [InlineData("-h", "analyse", "snorkeler: unknown command 'analyse'; did you mean 'analyze'? (run 'snorkeler --help')")]
    public void Help_for_a_command_that_does_not_exist_exits_2_naming_it(string help, string command, string message)
    {
        var result = Shell.Run(help, command).ShouldFailWith(2, message);

        result.Out.ShouldBeEmpty();
    }

    [Fact]
    public void An_option_before_the_command_name_says_to_write_the_command_first()
    {
        Shell.Run("--lfs", "rules", "check").ShouldFailWith(2,
            "snorkeler: the command comes first, then its options: snorkeler check --lfs rules");
    }

    [Fact]
    public void An_option_without_any_command_says_to_give_the_command_first()
    {
        Shell.Run("--matrix", "m.snkm").ShouldFailWith(2,
            "snorkeler: '--matrix' is an option, not a command; give the command first: snorkeler COMMAND [options] (run 'snorkeler --help')");
    }

    [Theory]
    [InlineData("check -- rules")]
    [InlineData("check --lfs rules -- more")]
    [InlineData("apply --lfs rules -- --data d.csv --out m.snkm")]
    public void A_double_dash_separator_is_a_usage_error_saying_how_to_write_a_path_starting_with_a_dash(string line)
    {
        var arguments = line.Split(' ');

        Shell.Run(arguments).ShouldFailWith(2,
            $"snorkeler {arguments[0]}: unexpected '--': values follow their option, as in --lfs PATH...; write a path that begins with '-' as ./-name");
    }

    [Theory]
    [InlineData(new[] { "apply", "-o", "m.snkm" }, "snorkeler apply: unknown option '-o': options have two dashes and their whole name; did you mean '--out'?")]
    [InlineData(new[] { "apply", "--data", "d.csv", "-o", "m.snkm" }, "snorkeler apply: unknown option '-o': options have two dashes and their whole name; did you mean '--out'?")]
    [InlineData(new[] { "check", "-x" }, "snorkeler check: unknown option '-x': options have two dashes and their whole name")]
    [InlineData(new[] { "fit", "--matrix", "m.csv", "-o", "m.json" }, "snorkeler fit: unknown option '-o': options have two dashes and their whole name; did you mean '--out' or '--off-diagonal'?")]
    [InlineData(new[] { "label", "-o", "labels.csv" }, "snorkeler label: unknown option '-o': options have two dashes and their whole name; did you mean '--out' or '--off-diagonal'?")]
    [InlineData(new[] { "fit", "--matrix", "m.csv", "-seed", "3" }, "snorkeler fit: unknown option '-seed': options have two dashes and their whole name; did you mean '--seed'?")]
    [InlineData(new[] { "compare", "-seed", "3" }, "snorkeler compare: unknown option '-seed': options have two dashes and their whole name; did you mean '--seed'?")]
    [InlineData(new[] { "fit", "--matrix", "m.csv", "-p", "0.5,0.5" }, "snorkeler fit: unknown option '-p': options have two dashes and their whole name; "
        + "did you mean '--pool', '--prior', '--people', '--partners', '--prec-init' or '--prior-estimate'?")]
    [InlineData(new[] { "fit", "--matrix", "m.csv", "-pr", "0.5,0.5" }, "snorkeler fit: unknown option '-pr': options have two dashes and their whole name; "
        + "did you mean '--prior', '--prec-init' or '--prior-estimate'?")]
    [InlineData(new[] { "rows", "-f", "text" }, "snorkeler rows: unknown option '-f': options have two dashes and their whole name; did you mean '--fields' or '--format'?")]
    [InlineData(new[] { "preferences", "-w", "who" }, "snorkeler preferences: unknown option '-w': options have two dashes and their whole name; did you mean '--winner-column' or '--worker-column'?")]
    public void A_one_dash_option_is_a_usage_error_suggesting_the_two_dash_one(string[] arguments, string message)
    {
        Shell.Run(arguments).ShouldFailWith(2, message);
    }

    [Fact]
    public void A_negative_number_after_an_option_is_still_its_value()
    {
        using var temp = new TempFolder();

        Shell.Run("fit", "--matrix", Train, "--model", "snorkel", "--epochs", "5", "--out", temp.File("m.json"), "--seed", "-5").ShouldSucceed();
    }

    [Theory]
    [InlineData(new[] { "check", "--column", "garbage" }, "--column expects LF=DATA (e.g. text=CONTENT), got 'garbage'")]
    [InlineData(new[] { "check", "--delimiter", "abc" }, "--delimiter expects one ASCII punctuation character or symbol (, ; | : ^ ~ ...), 'tab' or 'space', got 'abc'")]
    [InlineData(new[] { "analyze", "--matrix", "TRAIN", "--column", "text" }, "--column expects LF=DATA (e.g. text=CONTENT), got 'text'")]
    [InlineData(new[] { "fit", "--matrix", "TRAIN", "--model", "mv", "--out", "OUT", "--column", "text=" }, "--column expects LF=DATA (e.g. text=CONTENT), got 'text='")]
    [InlineData(new[] { "compare", "--train", "TRAIN", "--test", "TRAIN", "--models", "mv", "--column", "a=b", "--column", "a=c" }, "--column gives 'a' twice ('a=b' and 'a=c'); give each LF field once")]
    public void A_malformed_value_is_refused_even_where_the_run_would_not_use_it(string[] arguments, string message)
    {
        // Given a model and an output folder, so that only the option is at fault
        using var temp = new TempFolder();
        var model = temp.File("m.json");
        Shell.Run("fit", "--matrix", Train, "--model", "mv", "--out", model).ShouldSucceed();
        var resolved = arguments.Select(a => a switch { "TRAIN" => Train, "MODEL" => model, "OUT" => temp.File("out.csv"), _ => a }).ToList();
        if (resolved[0] == "check") resolved.Insert(1, Lfs);

        // When
        var result = Shell.Run([.. resolved]);

        // Then
        result.ShouldFailWith(2, $"snorkeler {arguments[0]}: {message}");
        File.Exists(temp.File("out.csv")).ShouldBeFalse();
    }

    [Fact]
    public void An_error_about_thousands_of_data_files_from_a_glob_still_says_what_is_wrong()
    {
        // Given 2,000 data files without the column the LFs read, as a shell glob gives them
        using var temp = new TempFolder();
        var files = Enumerable.Range(1, 2000).Select(i => temp.Write($"part-{i:D5}.csv", "x\n1\n")).ToArray();

        // When
        var result = Shell.Run(["apply", "--lfs", Lfs, "--data", .. files, "--column", "text=CONTENT", "--out", temp.File("m.snkm")]);

        // Then the reason survives, after a short name of the files
        result.ShouldFailWith(1);
        result.ErrorLines[0].ShouldBe($"error: {files[0]} + {files[1]} + ... + {files[^1]} (2,000 files): no column 'CONTENT' to read as 'text' (columns: x)");
    }

    [Theory]
    [InlineData(new[] { "fit", "--out=a.json", "b.json", "--model", "mv" }, "snorkeler fit: unexpected argument 'b.json': --out takes one value, and has 'a.json'")]
    [InlineData(new[] { "fit", "--model=mv", "extra" }, "snorkeler fit: unexpected argument 'extra': --model takes one value, and has 'mv'")]
    public void A_stray_argument_after_an_option_written_with_equals_names_that_option(string[] arguments, string message)
    {
        Shell.Run(arguments).ShouldFailWith(2, message);
    }

    [Fact]
    public void An_option_of_several_values_written_with_equals_takes_the_values_after_it_too()
    {
        // Given two data files after '--data=' (the '=' form of the first)
        using var temp = new TempFolder();
        string[] data = [TestPaths.InRepo("examples", "spam", "data", "youtube", "Youtube01-Psy.csv"), TestPaths.InRepo("examples", "spam", "data", "youtube", "Youtube02-KatyPerry.csv")];

        // When
        Shell.Run("apply", $"--data={data[0]}", data[1], "--lfs", Lfs, "--column", "text=CONTENT", "--out", temp.File("equals.csv")).ShouldSucceed();
        Shell.Run("apply", "--data", data[0], data[1], "--lfs", Lfs, "--column", "text=CONTENT", "--out", temp.File("space.csv")).ShouldSucceed();

        // Then both files' rows are in the matrix, as without the '='
        File.ReadAllText(temp.File("equals.csv")).ShouldBe(File.ReadAllText(temp.File("space.csv")));
    }

    [Fact]
    public void Check_takes_an_lf_folder_after_a_data_file_written_with_equals_as_a_path_to_check()
    {
        var data = TestPaths.InRepo("examples", "spam", "data", "youtube", "Youtube01-Psy.csv");

        Shell.Run("check", $"--data={data}", Lfs, "--column", "text=CONTENT").ShouldSucceed();
    }

    public static TheoryData<string> CommandNames() => [.. Cli.Commands.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(CommandNames))]
    public void A_commands_help_lists_every_option_it_accepts_the_global_ones_too_each_apart_from_its_meaning(string command)
    {
        // When
        var help = Shell.Run(command, "--help").ShouldSucceed();

        // Then every option the command parses is listed, each name followed by two spaces or its value
        var lines = help.Out.Split('\n');
        foreach (var option in Cli.Commands.Single(c => c.Name == command).Options)
            lines.ShouldContain(l => l.StartsWith($"  {option.Name} {option.Value}".TrimEnd() + "  ", StringComparison.Ordinal)
                                     || l.StartsWith($"  {option.Name} {option.Value}...  ", StringComparison.Ordinal), $"{command} {option.Name}");
        help.Out.ShouldContain("global options: --verbose (stack traces on errors), --quiet (no status lines), --help");
    }

    [Fact]
    public void The_command_list_keeps_two_spaces_between_each_name_and_its_summary()
    {
        var usage = Shell.Run("--help").ShouldSucceed();

        foreach (var command in Cli.Commands)
            usage.Out.ShouldContain($"  {command.Name}  ", Case.Sensitive, command.Name);
    }

    [Theory]
    [InlineData("fit --model mv \u2013out m.json", "snorkeler fit: unknown option '\u2013out': it begins with '\u2013' (U+2013), not two hyphens; did you mean '--out'?")]
    [InlineData("fit --matrix m.csv \u2014model mv", "snorkeler fit: unknown option '\u2014model': it begins with '\u2014' (U+2014), not two hyphens; did you mean '--model'?")]
    [InlineData("fit --model \u2212\u2212out m.json", "snorkeler fit: unknown option '\u2212\u2212out': it begins with '\u2212\u2212' (U+2212), not two hyphens; did you mean '--out'?")]
    [InlineData("check \u2014lfs rules", "snorkeler check: unknown option '\u2014lfs': it begins with '\u2014' (U+2014), not two hyphens; did you mean '--lfs'?")]
    public void An_option_pasted_with_a_typographic_dash_names_the_dash_and_the_option_meant(string line, string message)
    {
        // A word processor or chat turns '--out' into '\u2013out' or '\u2014out'; the token is never a value.
        Shell.Run(line.Split(' ')).ShouldFailWith(2, message);
    }

    [Theory]
    [InlineData("apply --model auto", "snorkeler apply: unknown option '--model': apply does not take it; analyze, fit, predict, label, rows and preferences do")]
    [InlineData("check --out x.csv", "snorkeler check: unknown option '--out': check does not take it; apply, fit, predict, label and preferences do")]
    [InlineData("predict --lfs rules", "snorkeler predict: unknown option '--lfs': predict does not take it; check, apply, analyze, fit, label, compare and rows do")]
    [InlineData("compare --model mv", "snorkeler compare: unknown option '--model'; did you mean '--models'?")]
    [InlineData("check -out x.csv", "snorkeler check: unknown option '-out': options have two dashes and their whole name; check does not take '--out' either; apply, fit, predict, label and preferences do")]
    [InlineData("predict -lfs rules", "snorkeler predict: unknown option '-lfs': options have two dashes and their whole name; predict does not take '--lfs' either; check, apply, analyze, fit, label, compare and rows do")]
    public void An_option_of_other_commands_names_the_commands_that_take_it(string line, string message)
    {
        Shell.Run(line.Split(' ')).ShouldFailWith(2, message);
    }

    [Theory]
    [InlineData("--version extra", "snorkeler: unexpected argument 'extra': --version takes no value (run 'snorkeler --help')")]
    [InlineData("--version --lfs", "snorkeler: unexpected argument '--lfs': --version takes no value (run 'snorkeler --help')")]
    [InlineData("help check extra", "snorkeler: unexpected argument 'extra': help takes at most one command name (run 'snorkeler --help')")]
    public void A_stray_word_after_version_or_help_is_a_usage_error_as_after_a_command(string line, string message)
    {
        var result = Shell.Run(line.Split(' ')).ShouldFailWith(2, message);

        result.Out.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("check --version", "snorkeler check")]
    [InlineData("check LFS --version", "snorkeler check")]
    [InlineData("fit --version=1", "snorkeler fit")]
    public void Version_after_a_command_says_to_ask_for_it_before_any_command(string line, string command)
    {
        // Given '--version' written after a command, where it was 'unknown option' with no way to the version
        var result = Shell.Run([.. line.Split(' ').Select(t => t == "LFS" ? Lfs : t)]);

        // Then
        result.ShouldFailWith(2, $"{command}: '--version' is a global option, given before any command: run 'snorkeler --version'");
        result.Out.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("--help=yes", "snorkeler: option '--help' takes no value; write --help alone (run 'snorkeler --help')")]
    [InlineData("--version=1", "snorkeler: option '--version' takes no value; write --version alone (run 'snorkeler --help')")]
    [InlineData("--verbose=1 check", "snorkeler: option '--verbose' takes no value; write --verbose alone (run 'snorkeler --help')")]
    [InlineData("check --help=yes", "snorkeler check: option '--help' takes no value")]
    [InlineData("check LFS --quiet=true", "snorkeler check: option '--quiet' takes no value")]
    public void A_global_flag_given_a_value_says_it_takes_none(string line, string message)
    {
        Shell.Run([.. line.Split(' ').Select(t => t == "LFS" ? Lfs : t)]).ShouldFailWith(2, message);
    }

    [Fact]
    public void Predict_refuses_column_naming_the_commands_that_take_it_as_it_applies_no_lfs()
    {
        // Given a model and an output folder
        using var temp = new TempFolder();
        var model = temp.File("m.json");
        Shell.Run("fit", "--matrix", Train, "--model", "mv", "--out", model).ShouldSucceed();

        // When --column is given, which only maps the fields LFs read
        var result = Shell.Run("predict", "--model", model, "--matrix", Train, "--out", temp.File("p.csv"), "--column", "text=CONTENT");

        // Then
        result.ShouldFailWith(2, "snorkeler predict: unknown option '--column': predict applies no LFs (its votes come from --matrix), so there is no LF field to map; "
            + "check, apply, analyze, fit, label, compare and rows take it, and --keep-columns copies a column of --data");
        File.Exists(temp.File("p.csv")).ShouldBeFalse();
    }

    [Theory]
    [InlineData("check --lfs -q", "error SNK0901: no such file or folder: '-q'")]
    [InlineData("check --lfs -v", "error SNK0901: no such file or folder: '-v'")]
    [InlineData("check --lfs -h", "error SNK0901: no such file or folder: '-h'")]
    public void A_global_short_flag_right_after_an_option_is_that_options_value(string line, string message)
    {
        var result = Shell.Run(line.Split(' ')).ShouldFailWith(1);

        result.ErrorLines.ShouldContain(l => l.EndsWith(message, StringComparison.Ordinal), result.Error);
        result.Out.ShouldBeEmpty();
    }

    [Fact]
    public void A_global_short_flag_as_a_number_options_value_is_refused_as_that_value()
    {
        using var temp = new TempFolder();

        Shell.Run("fit", "--matrix", Train, "--model", "mv", "--out", temp.File("m.json"), "--seed", "-v")
            .ShouldFailWith(2, "snorkeler fit: option '--seed' expects a whole number, got '-v'");
        File.Exists(temp.File("m.json")).ShouldBeFalse();
    }

    [Fact]
    public void A_global_short_flag_after_an_options_value_is_still_global()
    {
        var result = Shell.Run("check", "--lfs", Lfs, "-q");

        result.ShouldSucceed();
        result.Error.ShouldBeEmpty();
    }
}
