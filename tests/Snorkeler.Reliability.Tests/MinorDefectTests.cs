using Snorkeler.Data;
using Snorkeler.Reliability.Tests.Support;

namespace Snorkeler.Reliability.Tests;

/// <summary>
/// The smaller defects of the adversarial pass: usage errors that exited 1, an LF file listed twice, a repeated
/// option, old Mac line ends, a sidecar from the future, a garbled regex message, statistics forged to overflow,
/// data changed by another process during a run, an LF that runs out of memory, and a script that overflows the
/// stack (its temporaries are cleaned by the next run).
/// </summary>
public sealed class MinorDefectTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly string _lfs;
    private readonly string _data;

    public MinorDefectTests()
    {
        _lfs = Path.GetDirectoryName(_temp.Write("lfs/spam.rules", "labels HAM, SPAM\n\nlf subscribe:\n    when text contains \"subscribe\" label SPAM\n\nlf song:\n    when text contains \"song\" label HAM\n"))!;
        _data = _temp.Write("d.csv", "text\nplease subscribe\nnice song\nhello\n");
        _temp.Write("pairs.csv", "left,right,worker,winner\na,b,w1,left\nb,c,w2,right\n");
        _temp.Write("gold.csv", "a,b,label\n1,0,1\n0,-1,0\n1,1,1\n");
    }

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string, string> UsageErrors => new()
    {
        { "fit --matrix {c}/matrices/good.csv --model snorkel --out {t}/m.json --lr abc", "snorkeler fit: --lr expects a number, got 'abc'" },
        { "fit --matrix {c}/matrices/good.csv --model dawid-skene --out {t}/m.json --tol -1", "snorkeler fit: --tol must be at least 0, got -1" },
        { "fit --matrix {c}/matrices/good.csv --model snorkel --out {t}/m.json --prior 0.2,0.3,0.5", "snorkeler fit: --prior 0.2,0.3,0.5 has 3 numbers but the task has 2 classes (0, 1); give one per class" },
        { "fit --matrix {c}/matrices/good.csv --model mv --out {t}/m.json --prior 0.5,-0.5", "snorkeler fit: --prior must be positive numbers, got 0.5,-0.5" },
        { "apply --lfs {c}/lfs/ok --data {c}/data/good.csv --out {t}/m.csv --column text=body --column text=stars", "snorkeler apply: --column gives 'text' twice ('text=body' and 'text=stars'); give each LF field once" },
        { "rows --data {c}/data/good.csv --matrix {c}/matrices/good.csv --uncertain --margin NaN", "snorkeler rows: option '--margin' expects a number above 0 and at most 1, got 'NaN'" },
        { "preferences --pairs {t}/pairs.csv --out {t}/s.csv --prior-sd Infinity", "snorkeler preferences: option '--prior-sd' expects a number from 0.001 to 1000, got 'Infinity'" },
        { "compare --train {c}/matrices/good.csv --test {c}/matrices/good.csv --models mv --seeds 3 --seed 2147483647", "snorkeler compare: option '--seed' expects a whole number from -2147483648 to 2147483645, got '2147483647'" },
        { "fit --matrix {c}/matrices/good.csv --model snorkel --out {t}/m.json --deps keyword_song:", "snorkeler fit: --deps expects none, auto or LF pairs A:B,C:D, got 'keyword_song:'" },
        { "fit --matrix {c}/matrices/good.csv --model dawid-skene --out {t}/m.json --confusion two-coin", "snorkeler fit: --confusion expects full or one-coin, got 'two-coin'" },
        { "fit --matrix {c}/matrices/good.csv --model ibcc --out {t}/m.json --pool maybe", "snorkeler fit: --pool expects true or false, got 'maybe'" },
        { "fit --matrix {c}/matrices/good.csv --model dawid-skene --out {t}/m.json --duplicates twice", "snorkeler fit: --duplicates expects once or each, got 'twice'" },
        { "fit --matrix {c}/matrices/good.csv --model ibcc --out {t}/m.json --restarts many", "snorkeler fit: --restarts expects auto or a whole number, got 'many'" },
        { "compare --train {t}/gold.csv --test {t}/gold.csv --gold-column label --models snorkel:=5", "snorkeler compare: model 'snorkel:=5': option '=5' must be name=value" },
        { "fit --matrix {c}/matrices/good.csv --model snorkel --out {t}/m.json --prior 1e-320,1e300", "snorkeler fit: --prior 1e-320,1e300 gives a class a share too small to represent; give shares within a factor of 1e300 of each other" },
    };

    [Theory]
    [InlineData("--version")]
    [InlineData("--help")]
    [InlineData("check", "--help")]
    [InlineData("check", "{lfs}")]
    public void Results_that_cannot_be_written_to_standard_output_are_an_error_that_says_so(params string[] args)
    {
        // Given standard output on a full disk (as under '> results.txt' when the disk fills)
        var resolved = args.Select(a => a.Replace("{lfs}", _lfs, StringComparison.Ordinal)).ToArray();

        // When
        using var child = ChildProcess.Start(null, resolved, limits: "exec >/dev/full");
        var code = child.Wait(TimeSpan.FromSeconds(60));

        // Then exit 1 with one line naming standard output (was a bare "No space left on device", or for --help and
        // --version a report of a failed script thread)
        code.ShouldBe(1, child.Error);
        child.Error.TrimEnd().ShouldBe("error: cannot write to standard output: No space left on device");
    }

    [Theory]
    [InlineData("apply", "--lfs")]
    [InlineData("apply", "--data")]
    [InlineData("apply", "--out")]
    [InlineData("fit", "--gold-column")]
    [InlineData("label", "--id-column")]
    public void An_empty_option_value_is_a_usage_error_not_an_internal_error(string command, string option)
    {
        // '--lfs ""' was an internal error (exit 3), '--data ""' said ': no such file', '--gold-column ""' was ignored
        string[] args = command switch
        {
            "apply" => ["apply", "--lfs", _lfs, "--data", _data, "--out", _temp.File("m.csv")],
            "fit" => ["fit", "--matrix", Corpus.File("matrices", "good.csv"), "--model", "mv", "--out", _temp.File("m.json")],
            _ => ["label", "--lfs", _lfs, "--data", _data, "--out", _temp.File("l.csv"), "--model", "mv"],
        };
        var at = Array.IndexOf(args, option);
        args = at >= 0 ? [.. args[..(at + 1)], "", .. args[(at + 2)..]] : [.. args, option, ""];

        var result = Shell.Run(args);

        result.ShouldFailStartingWith(2, $"snorkeler {command}: option '{option}' needs a value (");
        result.ErrorLines[0].ShouldEndWith("), got an empty one");
    }

    [Theory]
    [InlineData("mv")]
    [InlineData("snorkel")]
    [InlineData("dawid-skene")]
    [InlineData("ebcc")]
    [InlineData("wmv")]
    [InlineData("flyingsquid")]
    [InlineData("ibcc")]
    [InlineData("mace")]
    [InlineData("glad")]
    public void A_prior_of_huge_numbers_is_read_as_shares_without_overflow(string model)
    {
        // 1e308 + 1e308 overflows a double: once it gave an internal error (ebcc), a hang (dawid-skene) or a "diverged" fit
        var matrix = _temp.Write("votes.csv", "a,b,c\n1,1,-1\n0,-1,0\n1,0,1\n0,0,-1\n1,1,1\n-1,0,0\n1,-1,1\n0,0,0\n");
        var result = Shell.Run("fit", "--matrix", matrix, "--model", model, "--out", _temp.File("m.json"), "--prior", "1e308,1e308");

        result.ShouldSucceed();
        var prior = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(_temp.File("m.json")))!["prior"]!.AsArray().Select(p => p!.GetValue<double>()).ToArray();
        prior.ShouldAllBe(p => double.IsFinite(p) && p > 0);
        prior.Sum().ShouldBe(1, 1e-9);
    }

    [Fact]
    public void Control_characters_in_names_from_a_file_are_shown_as_escapes_in_messages()
    {
        // Given: a header with a bell, a terminal escape sequence and a right-to-left override (a NUL in a header is refused
        // before any column is looked up, the message escaping it too: CsvSourceTests)
        var data = _temp.Write("odd.csv", "te\u0007xt,\u001b[2Jclear,\u202eevil\nhello,1,2\n");

        // When
        var result = Shell.Run("apply", "--lfs", _lfs, "--data", data, "--out", _temp.File("m.csv"));

        // Then: one line naming the columns, with every control character visible
        result.ShouldFailWith(1);
        result.ErrorLines[0].ShouldEndWith("(columns: te\\u0007xt, \\u001b[2Jclear, \\u202eevil)");
        result.Error.ShouldNotContain('\u0007');
        result.Error.ShouldNotContain('\u001b');
        result.Error.ShouldNotContain('\u202e');
    }

    [Theory]
    [MemberData(nameof(UsageErrors))]
    public void A_bad_option_value_is_a_usage_error_with_exit_2(string args, string message)
    {
        var result = Shell.Run(args.Replace("{c}", Corpus.Root, StringComparison.Ordinal).Replace("{t}", _temp.Path, StringComparison.Ordinal).Split(' '));

        result.ShouldFailWith(2, message);
    }

    [Fact]
    public void An_lf_file_given_both_in_its_folder_and_by_itself_is_loaded_once()
    {
        var result = Shell.Run("check", _lfs, Path.Combine(_lfs, ".", "spam.rules"));

        result.ShouldSucceed();
        result.Out.ShouldStartWith("ok: 2 LFs");
    }

    [Fact]
    public void A_rules_file_with_old_mac_line_ends_parses()
    {
        File.WriteAllText(Path.Combine(_lfs, "spam.rules"), "labels HAM, SPAM\r\rlf subscribe:\r    when text contains \"subscribe\" label SPAM\r");

        var result = Shell.Run("apply", "--lfs", _lfs, "--data", _data, "--out", _temp.File("m.csv"));

        result.ShouldSucceed();
        File.ReadAllText(_temp.File("m.csv")).ShouldBe("subscribe\n1\n-1\n-1\n");
    }

    [Fact]
    public void A_schema_sidecar_from_a_future_version_is_refused()
    {
        var matrix = _temp.File("m.csv");
        Shell.Run("apply", "--lfs", _lfs, "--data", _data, "--out", matrix).ShouldSucceed();
        File.WriteAllText(matrix + ".schema.json", File.ReadAllText(matrix + ".schema.json").Replace("\"version\": 1", "\"version\": 99", StringComparison.Ordinal));

        Shell.Run("analyze", "--matrix", matrix).ShouldFailWith(1, $"error: {matrix}.schema.json: matrix schema file version 99 is newer than this Snorkeler reads (1); upgrade Snorkeler");
    }

    [Theory]
    [InlineData("classes", "[null, \"SPAM\"]")]
    [InlineData("lfs", "[null, \"song\"]")]
    [InlineData("annotators", "[null]")]
    [InlineData("classes", "\"HAM,SPAM\"")]
    public void A_schema_sidecar_with_something_other_than_names_where_names_belong_is_refused_naming_it(string field, string value)
    {
        // "annotators": [null] was an internal error (a NullReferenceException)
        var matrix = _temp.File("m.csv");
        Shell.Run("apply", "--lfs", _lfs, "--data", _data, "--out", matrix).ShouldSucceed();
        var sidecar = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(matrix + ".schema.json"))!.AsObject();
        sidecar[field] = System.Text.Json.Nodes.JsonNode.Parse(value);
        File.WriteAllText(matrix + ".schema.json", sidecar.ToJsonString());

        Shell.Run("analyze", "--matrix", matrix).ShouldFailWith(1, $"error: {matrix}.schema.json: invalid matrix schema file: field '{field}' must be an array of strings");
    }

    [Fact]
    public void Rows_shows_control_characters_in_the_data_as_escapes()
    {
        // A cell with a terminal escape sequence (clear screen) and a right-to-left override
        var data = _temp.Write("esc.csv", "text\nplease subscribe \u001b[2J now \u202eevil\n");

        var result = Shell.Run("rows", "--data", data, "--lfs", _lfs, "--lf", "subscribe");

        result.ShouldSucceed();
        result.Out.ShouldContain("\\u001b[2J now \\u202eevil");
        result.Out.ShouldNotContain('\u001b');
        result.Out.ShouldNotContain('\u202e');
    }

    [Fact]
    public void Json_files_saved_with_a_byte_order_mark_are_read_like_the_others()
    {
        // Given: a Wrench split whose label.json, and a CSV matrix whose sidecar, start with a UTF-8 byte-order mark
        // (as Windows editors save them; the label.json was refused as invalid JSON)
        byte[] bom = [0xEF, 0xBB, 0xBF];
        _temp.Write("wrench/train.json", "{\"0\": {\"data\": {\"text\": \"hi\"}, \"label\": 0, \"weak_labels\": [0, -1]}, \"1\": {\"data\": {\"text\": \"buy\"}, \"label\": 1, \"weak_labels\": [1, 1]}}");
        File.WriteAllBytes(_temp.File("wrench/label.json"), [.. bom, .. "{\"0\": \"HAM\", \"1\": \"SPAM\"}"u8]);
        var matrix = _temp.File("m.csv");
        Shell.Run("apply", "--lfs", _lfs, "--data", _data, "--out", matrix).ShouldSucceed();
        File.WriteAllBytes(matrix + ".schema.json", [.. bom, .. File.ReadAllBytes(matrix + ".schema.json")]);

        // When, Then
        var wrench = Shell.Run("analyze", "--matrix", _temp.File("wrench/train.json"), "--format", "json");
        wrench.ShouldSucceed();
        wrench.Out.ShouldContain("SPAM");
        var csv = Shell.Run("analyze", "--matrix", matrix, "--format", "json");
        csv.ShouldSucceed();
        csv.Out.ShouldContain("subscribe");
    }

    [Fact]
    public void A_regex_with_a_huge_counted_repetition_gets_a_readable_message()
    {
        var rules = _temp.Write("rx/a.rules", "labels HAM, SPAM\n\nlf a:\n    when text matches /a{100000}/ label SPAM\n");

        var result = Shell.Run("check", _temp.File("rx")).ShouldFailWith(1);

        result.ErrorLines[0].ShouldBe($"{rules}(4,23): error SNK0302: the regex is too large for the linear-time regex engine (a counted repetition such as {{100000}} unrolls into that many states; at most 10,000); use a smaller count or a simpler pattern");
    }

    [Fact]
    public void Statistics_forged_to_overflow_when_added_name_the_file()
    {
        // Given: two shards, the second forged to hold almost the largest row count (checksum recomputed)
        Shell.Run("apply", "--lfs", _lfs, "--data", _data, "--out", _temp.File("m.snkm"), "--stats", _temp.File("a.json")).ShouldSucceed();
        var forged = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(_temp.File("a.json")))!.AsObject();
        forged["rows"] = long.MaxValue - 1;
        forged.Remove("checksum");
        forged["checksum"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(forged.ToJsonString())));
        var b = _temp.Write("b.json", forged.ToJsonString());

        Shell.Run("fit", "--stats", _temp.File("a.json"), b, "--model", "snorkel", "--out", _temp.File("model.json")).ShouldFailStartingWith(1, $"error: {b}: ");
        File.Exists(_temp.File("model.json")).ShouldBeFalse();
    }

    [Fact]
    public void Data_truncated_by_another_process_during_a_pass_is_an_error_not_a_shorter_result()
    {
        // Given: a CSV read batch by batch, truncated after the first batch
        var path = _temp.Write("big.csv", "text\n" + string.Concat(Enumerable.Range(0, 20_000).Select(i => $"row {i}\n")));
        var source = new CsvSource(path);
        var rows = 0;

        // When
        var error = Should.Throw<SnorkelerException>(() =>
        {
            foreach (var batch in source.ReadBatches(100))
            {
                rows += batch.Count;
                if (rows == 100)
                    using (var file = new FileStream(path, FileMode.Open)) file.SetLength(1000);
            }
        });

        // Then
        error.Message.ShouldStartWith($"{path}: the file changed while it was read (");
    }

    [Fact]
    public void An_lf_that_runs_out_of_memory_is_named()
    {
        _temp.Write("lfs/hungry.csx", "Lf(\"hungry\", row => new long[int.MaxValue].Length > 0 ? HAM : ABSTAIN);\n");

        var result = Shell.Run("apply", "--lfs", _lfs, "--data", _data, "--out", _temp.File("m.csv"), "--cache-dir", _temp.File("cache"), "--fault-tolerant").ShouldFailStartingWith(1, "error: LF 'hungry' (");
        result.ErrorLines[0].ShouldContain("failed on row 1");
        result.ErrorLines[0].ShouldEndWith("it ran out of memory (OutOfMemoryException)");
    }

    [Fact]
    public void A_stack_overflow_in_a_script_leaves_temporaries_that_the_next_run_deletes()
    {
        // Given: a run killed by a stack overflow in an LF, while its output was being written
        var script = _temp.Write("lfs/deep.csx", "static int Deep(int n) => n == int.MinValue ? 0 : Deep(n + 1) + 1;\nLf(\"deep\", row => row.Text(\"text\") == \"hello\" ? Deep(0) : ABSTAIN);\n");
        var output = _temp.File("m.snkm");
        using (var crash = ChildProcess.Start("apply", "--lfs", _lfs, "--data", _data, "--out", output, "--cache-dir", _temp.File("cache")))
            crash.Wait(TimeSpan.FromSeconds(180)).ShouldNotBe(0);
        File.Exists(output).ShouldBeFalse();

        // When: the next run, with the script fixed
        File.WriteAllText(script, "Lf(\"deep\", row => ABSTAIN);\n");
        var result = Shell.Run("apply", "--lfs", _lfs, "--data", _data, "--out", output, "--cache-dir", _temp.File("cache"));

        // Then
        result.ShouldSucceed();
        Directory.GetFiles(_temp.Path).Select(Path.GetFileName).Where(n => n!.StartsWith('.')).ShouldBeEmpty();
    }
}
