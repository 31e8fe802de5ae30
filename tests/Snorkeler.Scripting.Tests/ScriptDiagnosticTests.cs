namespace Snorkeler.Scripting.Tests;

/// <summary>Errors in scripts are reported in compiler format, at the script's own file, line and column.</summary>
public sealed class ScriptDiagnosticTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly ScriptLoader _loader = new();

    public void Dispose() => _folder.Dispose();

    private string PathOf(string name) => _folder.File(name);

    private IReadOnlyList<string> Errors(LabelSchema? schema, params (string Name, string Text)[] scripts)
    {
        var set = ScriptTestKit.Load(_loader, _folder, schema, scripts);
        set.Functions.ShouldBeEmpty();
        _loader.LastLoadWasCacheHit.ShouldBeFalse();
        return set.Diagnostics.Select(d => d.ToString()).ToArray();
    }

    [Fact]
    public void A_missing_semicolon_is_reported_at_the_end_of_its_line_in_the_script()
    {
        var errors = Errors(ScriptTestKit.HamSpam, ("keywords.csx", """
            // keywords
            Lf("keyword_my", row => row.Text("text").Contains("my") ? SPAM : ABSTAIN);
            Lf("keyword_link", row => row.Text("text").Contains("http") ? SPAM : ABSTAIN)
            Lf("keyword_please", row => row.Text("text").Contains("please") ? SPAM : ABSTAIN);
            """));

        errors.ShouldBe([$"{PathOf("keywords.csx")}(3,78): error CS1002: ; expected"]);
    }

    [Fact]
    public void A_type_error_keeps_its_roslyn_code_and_points_at_the_expression()
    {
        var errors = Errors(ScriptTestKit.HamSpam, ("types.csx", """
            Lf("ok", row => ABSTAIN);
            Lf("text_is_not_a_label", row => row.Text("text"));
            """));

        errors.Count.ShouldBe(2);
        errors[0].ShouldBe($"{PathOf("types.csx")}(2,34): error CS0029: Cannot implicitly convert type 'string' to 'int'");
        errors[1].ShouldStartWith($"{PathOf("types.csx")}(2,34): error CS1662: ");
    }

    [Fact]
    public void A_misspelt_label_is_an_unknown_label_with_a_suggestion()
    {
        var errors = Errors(ScriptTestKit.HamSpam, ("labels.csx", """
            Lf("keyword_my", row => row.Text("text").Contains("my") ? SPAMM : ABSTAIN);
            """));

        errors.ShouldBe([$"{PathOf("labels.csx")}(1,59): error SNK0604: unknown label 'SPAMM'; did you mean 'SPAM'? (classes: HAM, SPAM, or ABSTAIN)"]);
    }

    [Fact]
    public void A_misspelt_label_names_where_a_script_declares_the_classes()
    {
        // Given the classes declared by a script (no .rules file), and a label misspelt there and in another script
        var errors = Errors(null,
            ("a.csx", "// classes\nLabels(\"HAM\", \"SPAM\", \"EGGS\");\nLf(\"a\", row => SPAMM);\n"),
            ("b.csx", "Lf(\"b\", row => EGGZ);\n"));

        // Then each names the classes and their declaration, as SNK0007 does in rule files
        errors.ShouldBe([
            $"{PathOf("a.csx")}(3,16): error SNK0604: unknown label 'SPAMM'; did you mean 'SPAM'? (classes: HAM, SPAM, EGGS, or ABSTAIN; declared at line 2)",
            $"{PathOf("b.csx")}(1,16): error SNK0604: unknown label 'EGGZ'; did you mean 'EGGS'? (classes: HAM, SPAM, EGGS, or ABSTAIN; declared at {PathOf("a.csx")}(2,1))",
        ]);
    }

    [Fact]
    public void Of_hundreds_of_classes_an_unknown_label_lists_the_first_twenty_and_how_many_more()
    {
        // Given 300 classes C001..C300 and a label misspelt C0011
        var classes = new LabelSchema(Enumerable.Range(1, 300).Select(i => $"C{i:D3}"));
        var errors = Errors(classes, ("labels.csx", "Lf(\"a\", row => C0011);\nLf(\"b\", row => PERSON);\n"));

        // Then the classes are listed as SNK0007 lists them, in the unknown label and in the hint of a name near no class
        const string Classes = "C001, C002, C003, C004, C005, C006, C007, C008, C009, C010, C011, C012, C013, C014, C015, C016, C017, C018, C019, C020 and 280 more, or ABSTAIN";
        errors.ShouldBe([
            $"{PathOf("labels.csx")}(1,16): error SNK0604: unknown label 'C0011'; did you mean 'C001' or 'C011'? (classes: {Classes})",
            $"{PathOf("labels.csx")}(2,16): error CS0103: The name 'PERSON' does not exist in the current context; if 'PERSON' is meant as a class, the classes are {Classes}",
        ]);
    }

    [Fact]
    public void A_name_in_capitals_near_no_class_keeps_its_roslyn_error_and_lists_the_classes()
    {
        var errors = Errors(ScriptTestKit.HamSpam, ("labels.csx", "Lf(\"keyword_my\", row => row.Text(\"text\").Contains(\"my\") ? PERSON : ABSTAIN);\n"));

        errors.ShouldBe([$"{PathOf("labels.csx")}(1,59): error CS0103: The name 'PERSON' does not exist in the current context; if 'PERSON' is meant as a class, the classes are HAM, SPAM, or ABSTAIN"]);
    }

    [Fact]
    public void An_error_in_the_second_script_points_at_the_second_script()
    {
        var errors = Errors(ScriptTestKit.HamSpam,
            ("a.csx", "Lf(\"a\", row => HAM);\n"),
            ("b.csx", "\n\nLf(\"b\", row => undefinedThing);\n"));

        errors.ShouldBe([$"{PathOf("b.csx")}(3,16): error CS0103: The name 'undefinedThing' does not exist in the current context"]);
    }

    [Fact]
    public void An_error_in_a_loaded_helper_points_at_the_helper()
    {
        var errors = Errors(ScriptTestKit.HamSpam,
            ("main.csx", "#load \"lib/helpers.csx\"\nLf(\"short\", row => IsShort(row.Text(\"text\")) ? HAM : ABSTAIN);\n"),
            ("lib/helpers.csx", "static bool IsShort(string s) => s.Length < 10\n"));

        errors.ShouldBe([$"{PathOf("lib/helpers.csx")}(1,47): error CS1002: ; expected"]);
    }

    [Fact]
    public void A_load_of_a_file_that_is_not_a_script_is_one_error_at_the_load()
    {
        // Given a text file loaded as a script: read as C#, each of its words was an error (about 400 for /etc/passwd)
        _folder.Write("notes.txt", string.Concat(Enumerable.Range(0, 100).Select(i => $"user{i}:x:{i}:{i}:User {i}:/home/user{i}:/bin/sh\n")));

        // When
        var errors = Errors(ScriptTestKit.HamSpam, ("main.csx", "#load \"notes.txt\"\nLf(\"a\", row => HAM);\n"));

        // Then
        errors.Count.ShouldBe(1, string.Join("\n", errors));
        errors[0].ShouldStartWith($"{PathOf("main.csx")}(1,7): error SNK0616: 'notes.txt' is not a C# script: read as C# it gives ");
        errors[0].ShouldContain("(the first at line 1, column ");
        errors[0].ShouldEndWith("); #load only .csx files of C# code, and read data files from inside an LF instead");
    }

    [Fact]
    public void A_script_with_very_many_errors_lists_the_first_twenty_and_how_many_more()
    {
        // Given a script of 30 lines, each missing its semicolon
        var text = string.Concat(Enumerable.Range(1, 30).Select(i => $"var x{i} = {i}\n")) + "Lf(\"a\", row => HAM);\n";

        // When
        var errors = Errors(ScriptTestKit.HamSpam, ("many.csx", text));

        // Then
        errors.Count.ShouldBe(21);
        errors.Take(20).ShouldAllBe(e => e.Contains("error CS1002: ; expected"));
        errors[20].ShouldBe($"{PathOf("many.csx")}(21,13): error SNK0617: 10 more errors in this file are not listed (30 in all); fix the first 20, as later errors often follow from them");
    }

    [Fact]
    public void Duplicate_LF_names_are_reported_at_the_second_declaration()
    {
        var set = ScriptTestKit.Load(_loader, _folder, ScriptTestKit.HamSpam,
            ("a.csx", "Lf(\"same\", row => HAM);\n  Lf(\"same\", row => SPAM);\n"),
            ("b.csx", "Lf(\"other\", row => HAM);\nLf(\"same\", row => SPAM);\n"));

        set.Diagnostics.Select(d => d.ToString()).ShouldBe([
            $"{PathOf("a.csx")}(2,3): error SNK0605: LF name 'same' is already used at {PathOf("a.csx")}(1,1)",
            $"{PathOf("b.csx")}(2,1): error SNK0605: LF name 'same' is already used at {PathOf("a.csx")}(1,1)",
        ]);
        set.Functions.Select(f => f.Name).ShouldBe(["same", "other"]);
    }

    [Fact]
    public void One_Lf_call_run_in_a_loop_with_one_name_is_one_error_at_the_call_saying_so()
    {
        // Given a loop that declares the same name three times, and one that names each LF after its word
        var set = ScriptTestKit.Load(_loader, _folder, ScriptTestKit.HamSpam, ("loop.csx",
            "for (var i = 0; i < 3; i++) Lf(\"same\", row => HAM);\nforeach (var w in new[] { \"a\", \"b\" }) Lf(\"kw_\" + w, row => SPAM);\n"));

        // Then: one error saying what happened (before: two errors "LF name 'same' is already used at loop.csx(1,29)", the call itself)
        set.Diagnostics.Select(d => d.ToString()).ShouldBe([
            $"{PathOf("loop.csx")}(1,29): error SNK0605: this Lf call declared LF name 'same' 3 times (in a loop, or in a method called more than once?); "
                + "each LF needs a name of its own, such as Lf(\"keyword_\" + word, ...) in a loop over words",
        ]);
        set.Functions.Select(f => f.Name).ShouldBe(["same", "kw_a", "kw_b"]);
    }

    [Fact]
    public void A_name_declared_once_and_then_again_in_a_loop_is_one_error_at_the_loop_s_call_saying_how_often()
    {
        // Given an LF declared once, then a loop of three runs declaring the same name, then one more call with it
        var set = ScriptTestKit.Load(_loader, _folder, ScriptTestKit.HamSpam, ("twice.csx",
            "Lf(\"same\", row => HAM);\nfor (var i = 0; i < 3; i++) Lf(\"same\", row => SPAM);\nLf(\"same\", row => SPAM);\n"));

        // Then: one error for the loop saying it ran three times, and one for the single call (before: an error per run of the loop)
        set.Diagnostics.Select(d => d.ToString()).ShouldBe([
            $"{PathOf("twice.csx")}(2,29): error SNK0605: LF name 'same' is already used at {PathOf("twice.csx")}(1,1), and this Lf call declared it 3 times "
                + "(in a loop, or in a method called more than once?); each LF needs a name of its own, such as Lf(\"keyword_\" + word, ...) in a loop over words",
            $"{PathOf("twice.csx")}(3,1): error SNK0605: LF name 'same' is already used at {PathOf("twice.csx")}(1,1)",
        ]);
        set.Functions.Select(f => f.Name).ShouldBe(["same"]);
    }

    [Fact]
    public void A_loop_s_name_error_comes_in_line_order_among_the_other_errors_of_its_file()
    {
        // Given a name declared, then again in a loop on line 2, and a blank name on line 3
        var set = ScriptTestKit.Load(_loader, _folder, ScriptTestKit.HamSpam, ("order.csx",
            "Lf(\"same\", row => HAM);\nfor (var i = 0; i < 3; i++) Lf(\"same\", row => SPAM);\nLf(\" \", row => HAM);\n"));

        // Then the loop's error (line 2) comes before the blank name's (line 3), as the compiler's own are ordered (before:
        // after it, the names being checked once the script had run)
        set.Diagnostics.Select(d => (d.Code, d.Location!.Line)).ShouldBe([("SNK0605", 2), ("SNK0606", 3)]);
    }

    [Fact]
    public void A_blank_LF_name_or_a_null_function_is_an_error()
    {
        var set = ScriptTestKit.Load(_loader, _folder, ScriptTestKit.HamSpam, ("blank.csx", "Lf(\" \", row => HAM);\nLf(\"null\", null);\n"));

        set.Diagnostics.Select(d => d.ToString()).ShouldBe([
            $"{PathOf("blank.csx")}(1,1): error SNK0606: an LF needs a non-blank name and a function: Lf(\"keyword_my\", row => ...)",
            $"{PathOf("blank.csx")}(2,1): error SNK0606: an LF needs a non-blank name and a function: Lf(\"keyword_my\", row => ...)",
        ]);
    }

    [Fact]
    public void A_script_that_throws_while_declaring_is_reported_at_the_throwing_line()
    {
        // Given: a pattern computed at run time, which is written nowhere as a whole
        var set = ScriptTestKit.Load(_loader, _folder, ScriptTestKit.HamSpam, ("throws.csx", """
            Lf("fine", row => HAM);
            var pattern = new Regex("(" + "unclosed");
            """));

        var d = set.Diagnostics.ShouldHaveSingleItem();
        d.Code.ShouldBe(ScriptCodes.ScriptThrew);
        d.Message.ShouldBe("the script threw RegexParseException while declaring its LFs: Invalid pattern '(unclosed' at offset 9. Not enough )'s.");
        d.Location.ShouldBe(new SourceLocation(PathOf("throws.csx"), 2, 15)); // "new Regex(...)", found through the PDB
    }

    [Theory]
    [InlineData("var pattern = new Regex(\"(unclosed\");", 26, "while declaring its LFs: invalid regex: this '(' is never closed; close it with ')', or to match '(' itself, write \\(")]
    [InlineData("static readonly Regex Words = new Regex(\"\\\\bfree\\\\b)\", RegexOptions.IgnoreCase);", 52, "while initialising its static fields: invalid regex: this ')' closes no '('; remove it, or to match ')' itself, write \\)")]
    [InlineData("var ok = Regex.IsMatch(\"x\", @\"say \"\"hi\"\" [\");", 42, "while declaring its LFs: invalid regex: this '[' starts a set that is never closed; close it with ']', or to match '[' itself, write \\[")]
    [InlineData("var r = new Regex(\"caf\u00e9\\u00e9 )\");", 31, "while declaring its LFs: invalid regex: this ')' closes no '('; remove it, or to match ')' itself, write \\)")]
    [InlineData("var r = new Regex(\"\\U0001F600)\");", 30, "while declaring its LFs: invalid regex: this ')' closes no '('; remove it, or to match ')' itself, write \\)")]
    public void A_regex_written_as_a_string_literal_that_does_not_parse_is_reported_at_the_character_at_fault(string line, int column, string message)
    {
        // When
        var set = ScriptTestKit.Load(_loader, _folder, ScriptTestKit.HamSpam, ("throws.csx", "Lf(\"fine\", row => HAM);\n" + line + "\n"));

        // Then
        set.Diagnostics.Select(d => d.ToString()).ShouldBe([$"{PathOf("throws.csx")}(2,{column}): error SNK0607: the script threw RegexParseException {message}"]);
    }

    [Fact]
    public void A_compiler_message_does_not_name_the_class_the_script_is_compiled_into()
    {
        // When: two fields of one name (CS0102), and a call that fits two methods (CS0121, which names both)
        var errors = Errors(ScriptTestKit.HamSpam, ("twice.csx", "static int a = 1;\nstatic int a = 2;\nvoid F(long x) { }\nvoid F(double x) { }\nF(1u);\nLf(\"x\", row => HAM);\n"));

        // Then
        errors.ShouldAllBe(e => !e.Contains("Submission", StringComparison.Ordinal));
        errors.ShouldContain($"{PathOf("twice.csx")}(2,12): error CS0102: The script already contains a definition for 'a'");
    }

    [Fact]
    public void A_method_defined_twice_is_reported_as_the_scripts_in_a_sentence_that_reads()
    {
        // When: two methods of one signature (CS0111, whose message names the type as "Type '...'")
        var errors = Errors(ScriptTestKit.HamSpam, ("twice.csx", "int F(int x) => x;\nint F(int y) => y;\nLf(\"x\", row => HAM);\n"));

        // Then
        errors.ShouldBe([$"{PathOf("twice.csx")}(2,5): error CS0111: The script already defines a member called 'F' with the same parameter types"]);
    }

    [Theory]
    [InlineData("\n", "", 5, 6)]
    [InlineData("\r\n", "", 5, 6)]
    [InlineData("\n", "  ", 5, 6)]
    [InlineData("\n", "        ", 5, 6)]
    [InlineData("\r\n", "        ", 5, 6)]
    public void A_regex_in_a_multi_line_raw_string_that_does_not_parse_is_reported_at_the_character_at_fault(string lineBreak, string blank, int line, int column)
    {
        // Given: the pattern's third line holds a ')' that closes nothing; the value's lines lose the closing line's indentation,
        // and a line of blanks only keeps what it has beyond that indentation (an editor that indents blank lines: "    ")
        var script = string.Join(lineBreak, "Lf(\"fine\", row => HAM);", "var r = new Regex(\"\"\"", "    ok|  y", blank, "    x)|end", "    \"\"\");", "");

        // When
        var set = ScriptTestKit.Load(_loader, _folder, ScriptTestKit.HamSpam, ("throws.csx", script));

        // Then
        set.Diagnostics.Select(d => d.ToString()).ShouldBe([
            $"{PathOf("throws.csx")}({line},{column}): error SNK0607: the script threw RegexParseException while declaring its LFs: invalid regex: this ')' closes no '('; remove it, or to match ')' itself, write \\)",
        ]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("// keyword LFs, to do\n\n/* Lf(\"later\", row => HAM); */\nusing System.Buffers;\n")]
    public void A_script_with_no_code_is_a_warning_naming_it(string text)
    {
        // When
        var set = ScriptTestKit.Load(_loader, _folder, ScriptTestKit.HamSpam, ("a.csx", "Lf(\"a\", row => HAM);\n"), ("empty.csx", text));

        // Then
        set.Diagnostics.Select(d => d.ToString()).ShouldBe([
            $"{PathOf("empty.csx")}(1,1): warning SNK0614: the script declares no LF: it holds no code (only comments, blank lines or usings); add Lf(\"name\", row => ...) or remove the file",
        ]);
        set.Functions.Select(f => f.Name).ShouldBe(["a"]);
    }

    [Fact]
    public void A_top_level_return_is_an_error_since_it_would_end_the_top_level_code_of_every_script_after_it()
    {
        // Given: the scripts run as one submission, so a return at the top of a.csx skipped b.csx, whose LFs went missing
        // behind a warning that blamed b.csx; a return inside a lambda, a local function or a method is the LF's own
        var set = ScriptTestKit.Load(_loader, _folder, ScriptTestKit.HamSpam,
            ("a.csx", "Lf(\"a\", row => { if (row.Index < 0) return SPAM; return HAM; });\nint Twice(int x) { return 2 * x; }\nif (DateTime.Now.Year > 2000) return;\n"),
            ("b.csx", "Lf(\"b\", row => SPAM);\n"));

        // Then
        set.Diagnostics.Select(d => d.ToString()).ShouldBe([
            $"{PathOf("a.csx")}(3,31): error SNK0615: a 'return' at the top level of a script ends the top-level code of every script (they run as one), "
            + "so the scripts after this one would declare no LF; put the code in a method, or use if/else",
        ]);
    }

    [Fact]
    public void A_script_whose_Lf_calls_do_not_run_is_a_warning_at_its_first_call()
    {
        // When
        var set = ScriptTestKit.Load(_loader, _folder, ScriptTestKit.HamSpam, ("a.csx", "Lf(\"a\", row => HAM);\n"),
            ("never.csx", "// declared in a method nobody calls\nvoid Declare()\n{\n    Lf(\"b\", row => SPAM);\n}\n"));

        // Then
        set.Diagnostics.Select(d => d.ToString()).ShouldBe([
            $"{PathOf("never.csx")}(4,5): warning SNK0614: the script declares no LF: its Lf(...) calls did not run when the scripts were loaded (inside a method that is never called, or under a condition that was false?)",
        ]);
    }

    [Fact]
    public void Scripts_of_helpers_or_classes_only_and_a_helper_that_declares_for_another_get_no_warning()
    {
        // When
        var set = ScriptTestKit.Load(_loader, _folder, null,
            ("labels.csx", "Labels(\"HAM\", \"SPAM\");\n"),
            ("helpers.csx", "static bool IsShort(string s) => s.Length < 10;\nvoid DeclareShort() => Lf(\"short\", row => IsShort(row.Text(\"text\")) ? HAM : ABSTAIN);\n"),
            ("main.csx", "DeclareShort();\n"));

        // Then the LF counts for the script that holds its Lf call
        set.Diagnostics.ShouldBeEmpty();
        set.Functions.Select(f => f.Name).ShouldBe(["short"]);
    }

    [Theory]
    [InlineData("void Declare() { var site = \"http://example.com\"; Lf(\"b\", row => site.Length > 0 ? SPAM : ABSTAIN); }\n", 1, 51)]
    [InlineData("var glob = \"logs/*.txt\";\nvoid Declare() => Lf(\"b\", row => SPAM);\n", 2, 19)]
    public void An_Lf_call_after_a_string_holding_comment_marks_is_still_found(string text, int line, int column)
    {
        // When
        var set = ScriptTestKit.Load(_loader, _folder, ScriptTestKit.HamSpam, ("a.csx", "Lf(\"a\", row => HAM);\n"), ("never.csx", text));

        // Then
        set.Diagnostics.Select(d => d.ToString()).ShouldBe([
            $"{PathOf("never.csx")}({line},{column}): warning SNK0614: the script declares no LF: its Lf(...) calls did not run when the scripts were loaded (inside a method that is never called, or under a condition that was false?)",
        ]);
    }

    [Fact]
    public void A_string_or_a_name_that_mentions_Lf_is_not_an_Lf_call()
    {
        // When: a helper script whose text says Lf( only in a string and in a method's name
        var set = ScriptTestKit.Load(_loader, _folder, ScriptTestKit.HamSpam, ("a.csx", "Lf(\"a\", row => Shout(Usage) ? HAM : ABSTAIN);\n"),
            ("help.csx", "static string Usage = \"declare one with Lf(name, vote)\";\nstatic bool Shout(string s) => SelfLf(s);\nstatic bool SelfLf(string s) => s.Length > 0;\n"));

        // Then
        set.Diagnostics.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("Console.WriteLine(\"spam rules loaded\");\n", 1, 1)]
    [InlineData("// set up\n\n  if (DateTime.Now.Year > 2000) Console.Write(\"\");\n", 3, 3)]
    public void A_script_that_only_runs_statements_that_declare_nothing_is_a_warning_at_its_first_statement(string text, int line, int column)
    {
        // When
        var set = ScriptTestKit.Load(_loader, _folder, ScriptTestKit.HamSpam, ("a.csx", "Lf(\"a\", row => HAM);\n"), ("run.csx", text));

        // Then
        set.Diagnostics.Select(d => d.ToString()).ShouldBe([
            $"{PathOf("run.csx")}({line},{column}): warning SNK0614: the script declares no LF: it runs statements, but none calls Lf(...) and it defines nothing other scripts use (no method, class, field or variable); add Lf(\"name\", row => ...) or remove the file",
        ]);
    }

    [Fact]
    public void A_script_that_only_declares_variables_other_scripts_use_gets_no_warning()
    {
        // When: the words are a top-level variable, shared with the scripts loaded after it
        var set = ScriptTestKit.Load(_loader, _folder, ScriptTestKit.HamSpam,
            ("a_words.csx", "var spamWords = new[] { \"free\", \"win\" };\n"),
            ("b_main.csx", "Lf(\"spam_word\", row => spamWords.Contains(row.Text(\"text\")) ? SPAM : ABSTAIN);\n"));

        // Then
        set.Diagnostics.ShouldBeEmpty();
        ScriptTestKit.Votes(set.Functions, ScriptTestKit.Texts(_folder, "free", "hello")).Select(r => r.Single()).ShouldBe([1, -1]);
    }

    [Fact]
    public void The_warnings_of_scripts_that_declare_no_LF_are_the_same_when_the_scripts_load_from_the_cache()
    {
        // Given
        (string, string)[] scripts = [("a.csx", "Lf(\"a\", row => HAM);\n"), ("empty.csx", "// nothing yet\n"),
            ("never.csx", "void Declare() => Lf(\"b\", row => SPAM);\n"), ("run.csx", "Console.Write(\"\");\n")];
        var compiled = ScriptTestKit.Load(_loader, _folder, ScriptTestKit.HamSpam, scripts).Diagnostics.Select(d => d.ToString()).ToArray();
        _loader.LastLoadWasCacheHit.ShouldBeFalse();

        // When
        var cached = ScriptTestKit.Load(_loader, _folder, ScriptTestKit.HamSpam, scripts).Diagnostics.Select(d => d.ToString()).ToArray();

        // Then
        _loader.LastLoadWasCacheHit.ShouldBeTrue();
        cached.ShouldBe(compiled);
        compiled.Select(d => d[..d.IndexOf(':', PathOf("").Length)]).ShouldBe([
            $"{PathOf("empty.csx")}(1,1)", $"{PathOf("never.csx")}(1,19)", $"{PathOf("run.csx")}(1,1)",
        ]);
    }

    [Fact]
    public void Scripts_without_declared_classes_are_an_error()
    {
        var errors = Errors(null, ("nolabels.csx", "Lf(\"a\", row => ABSTAIN);\n"));

        errors.ShouldBe([$"{PathOf("nolabels.csx")}(1,1): error SNK0601: no classes declared: add a line such as 'Labels(\"HAM\", \"SPAM\");' at the top of a script, or 'labels HAM, SPAM' to a .rules file"]);
    }

    [Fact]
    public void Class_declarations_that_disagree_are_an_error()
    {
        var errors = Errors(null,
            ("a.csx", "Labels(\"HAM\", \"SPAM\");\n"),
            ("b.csx", "// other classes\nLabels(\"NEG\", \"POS\");\n"));

        errors.ShouldBe([$"{PathOf("b.csx")}(2,1): error SNK0603: this script declares classes NEG=0, POS=1 but {PathOf("a.csx")}(1,1) declared HAM=0, SPAM=1"]);
    }

    [Fact]
    public void A_script_may_not_declare_classes_other_than_the_rules_files()
    {
        var errors = Errors(ScriptTestKit.HamSpam, ("a.csx", "Labels(\"SPAM\", \"HAM\");\n"));

        errors.ShouldBe([$"{PathOf("a.csx")}(1,1): error SNK0603: this script declares classes SPAM=0, HAM=1 but the .rules files (or the data set) declared HAM=0, SPAM=1"]);
    }

    [Theory]
    [InlineData("Labels(\"HAM\");", "invalid class declaration: a labelling task needs at least two classes, got 1")]
    [InlineData("Labels(\"HAM\", \"HAM\");", "invalid class declaration: class name 'HAM' is repeated")]
    [InlineData("Labels(names);", "invalid class declaration: the class names must be string literals")]
    public void A_malformed_class_declaration_is_an_error(string declaration, string message)
    {
        var errors = Errors(null, ("a.csx", declaration + "\n"));

        errors.ShouldBe([$"{PathOf("a.csx")}(1,1): error SNK0602: {message}; write it as 'Labels(\"HAM\", \"SPAM\");' with string literals"]);
    }

    [Fact]
    public void A_bracket_never_closed_is_reported_at_the_bracket_not_where_the_compiler_gave_up()
    {
        // Given: a '(' opened on line 4 and never closed; the compiler looks for its ')' down to the '}' on line 6
        var errors = Errors(ScriptTestKit.HamSpam, ("words.csx", """
            var words = new List<string>
            {
                "my",
                string.Concat("please",
                "subscribe",
            };
            Lf("keyword_my", row => words.Any(w => row.Text("text").Contains(w)) ? SPAM : ABSTAIN);
            """));

        // Then: Roslyn's code, at the '(', saying where the compiler stopped looking
        errors.ShouldBe([$"{PathOf("words.csx")}(4,18): error CS1026: ) expected: this '(' is never closed; the compiler expected its close by line 5, column 17", $"{PathOf("words.csx")}(5,17): error CS1525: Invalid expression term '}}'"]);
    }

    [Fact]
    public void A_brace_never_closed_is_reported_at_the_brace()
    {
        // Given: the lambda's block opened on line 1 and never closed
        var errors = Errors(ScriptTestKit.HamSpam, ("block.csx", """
            Lf("keyword_my", row => {
                var text = row.Text("text");
                return text.Contains("my") ? SPAM : ABSTAIN;
            );
            """));

        errors[0].ShouldStartWith($"{PathOf("block.csx")}(1,25): error CS1513: }} expected: this '{{' is never closed");
    }

    [Fact]
    public void A_close_bracket_missing_on_the_line_of_its_open_bracket_stays_where_the_compiler_puts_it()
    {
        var errors = Errors(ScriptTestKit.HamSpam, ("line.csx", "Lf(\"keyword_my\", row => row.Text(\"text\").Contains(\"my\" ? SPAM : ABSTAIN);\n"));

        errors.ShouldContain($"{PathOf("line.csx")}(1,73): error CS1026: ) expected");
    }
}

public sealed class ScriptFieldAndLabelCallTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_computed_Labels_call_that_differs_from_the_classes_is_reported_at_its_line()
    {
        var set = ScriptTestKit.Load(new ScriptLoader(), _folder, ScriptTestKit.HamSpam, ("computed.csx", """
            Lf("a", row => HAM);
            if (DateTime.Now.Year > 0) Labels("SPAM", "HAM");
            """));

        set.Diagnostics.Select(d => d.ToString()).ShouldBe([
            $"{_folder.File("computed.csx")}(2,28): error SNK0602: invalid class declaration: Labels(\"SPAM\", \"HAM\") differs from the classes in force (HAM=0, SPAM=1); write it as 'Labels(\"HAM\", \"SPAM\");' with string literals",
        ]);
    }

    [Fact]
    public void A_field_the_data_does_not_have_is_an_error_with_a_suggestion_when_the_columns_are_known()
    {
        var path = _folder.Write("fields.csx", "Lf(\"a\", row => row.Text(\"txt\").Length > 3 ? HAM : ABSTAIN);\n// Lf(\"b\", row => row.Text(\"old\").Length > 3 ? HAM : ABSTAIN);\n");
        var loader = new ScriptLoader(useCache: false);

        var set = loader.Load([new Loading.LfSourceFile(path, File.ReadAllText(path))],
            new Loading.LfLoadContext(ScriptTestKit.HamSpam, new Data.DataSchema(["text", "author"]), _folder.Path));

        set.Diagnostics.Select(d => d.ToString()).ShouldBe([
            $"{path}(1,25): error SNK0609: no column 'txt' in the data; did you mean 'text'? (columns: text, author)",
        ]);
        set.Functions.Single().Name.ShouldBe("a");
    }

}
