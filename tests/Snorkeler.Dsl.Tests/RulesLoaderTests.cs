using Snorkeler.Data;
using Snorkeler.Loading;

namespace Snorkeler.Dsl.Tests;

public sealed class RulesLoaderTests
{
    [Fact]
    public void Files_without_a_labels_line_use_the_one_declared_by_another_file()
    {
        // Given
        using var folder = new TempFolder();
        folder.Write("a.rules", "labels HAM, SPAM\nlf a:\n    when text contains \"x\" label SPAM\n");
        folder.Write("b.rules", "lf b:\n    when text contains \"y\" label HAM\n");

        // When
        var set = new LfProject([new RulesLoader()]).Load([folder.Path]);

        // Then
        set.Diagnostics.ShouldBeEmpty();
        set.Schema!.ClassNames.ShouldBe(["HAM", "SPAM"]);
        set.Functions.Select(f => f.Name).ShouldBe(["a", "b"]);
    }

    [Fact]
    public void Without_a_labels_line_the_classes_of_the_data_set_are_used()
    {
        // Given
        using var folder = new TempFolder();
        folder.Write("a.rules", "lf a:\n    when text contains \"x\" label SPAM\n");

        // When
        var set = new LfProject([new RulesLoader()]).Load([folder.Path], schema: new LabelSchema(["HAM", "SPAM"]));

        // Then
        set.Diagnostics.ShouldBeEmpty();
        set.Functions.Single().Name.ShouldBe("a");
    }

    [Fact]
    public void An_LF_name_used_in_two_rule_files_is_reported_once_and_the_first_is_kept()
    {
        // Given
        using var folder = new TempFolder();
        var a = folder.Write("a.rules", "labels HAM, SPAM\nlf same:\n    when text contains \"x\" label SPAM\n");
        var b = folder.Write("b.rules", "lf same:\n    when text contains \"y\" label HAM\n");

        // When
        var set = new LfProject([new RulesLoader()]).Load([folder.Path]);

        // Then
        set.Diagnostics.Select(d => d.ToString()).ShouldBe([$"{b}(1,4): error SNK0101: LF 'same' is already defined at {a}(2,4)"]);
        set.Functions.Single().Location!.Path.ShouldBe(a);
    }

    [Fact]
    public void Unknown_fields_are_reported_when_the_project_knows_the_data_columns()
    {
        // Given
        using var folder = new TempFolder();
        var a = folder.Write("a.rules", "labels HAM, SPAM\nlf a:\n    when body contains \"x\" label SPAM\n");

        // When
        var set = new LfProject([new RulesLoader()]).Load([folder.Path], dataColumns: new DataSchema(["text", "author"]));

        // Then
        set.Diagnostics.Select(d => d.ToString()).ShouldBe([$"{a}(3,10): error SNK0103: unknown field 'body': the data has no such column; map a column to it with --column body=COLUMN (columns: text, author)"]);
    }

    [Fact]
    public void A_keyword_file_in_a_subfolder_of_the_LF_folder_is_allowed_and_a_sibling_folder_is_not()
    {
        // Given
        using var folder = new TempFolder();
        folder.Write("lists/words.txt", "free\n");
        folder.Write("elsewhere/words.txt", "free\n");
        var rules = folder.Write("spam/a.rules", "labels HAM, SPAM\nlet ok = lines(\"../lists/words.txt\")\nlf a:\n    when text contains any ok label SPAM\n");

        // When
        var inside = new RulesLoader().Load([new LfSourceFile(rules, File.ReadAllText(rules))], new LfLoadContext(null, null, folder.Path));
        var outside = new RulesLoader().Load([new LfSourceFile(rules, File.ReadAllText(rules))], new LfLoadContext(null, null, Path.Combine(folder.Path, "spam")));

        // Then
        inside.Diagnostics.ShouldBeEmpty();
        outside.Diagnostics.Select(d => d.Code).ShouldBe(["SNK0402"]);
    }

    [Fact]
    public void A_keyword_file_that_is_a_symbolic_link_to_outside_the_LF_folder_is_rejected()
    {
        // Given
        using var outside = new TempFolder();
        using var folder = new TempFolder();
        var secret = outside.Write("secret.txt", "free\n");
        File.CreateSymbolicLink(folder.File("words.txt"), secret);

        // When
        var diagnostics = Rules.Load("labels HAM, SPAM\nlet w = lines(\"words.txt\")\n", folder: folder.Path).Diagnostics;

        // Then
        diagnostics.Select(d => d.ToString()).ShouldBe(["test.rules(2,15): error SNK0402: keyword file 'words.txt' is outside the labelling-function folder"]);
    }

    [Fact]
    public void A_keyword_file_holding_no_keyword_is_a_warning_naming_the_file_and_the_lfs_that_use_it()
    {
        // Given: a list of comments and blank lines only, used by one LF directly and by another through a second constant
        using var folder = new TempFolder();
        folder.Write("please.txt", "# words of politeness\n\n   \n");
        const string text = "labels HAM, SPAM\nlet please = lines(\"please.txt\")\nlet polite = please\n"
            + "lf b_polite:\n    when text contains any polite label HAM\nlf a_please:\n    when text contains any please label HAM\n";

        // When
        var diagnostics = Rules.Load(text, folder: folder.Path).Diagnostics;

        // Then
        diagnostics.Select(d => d.ToString()).ShouldBe(["test.rules(2,20): warning SNK0507: keyword file 'please.txt' holds no keyword (it is empty, or has only blank lines "
            + "and # comments), so 'please' is an empty list and LFs 'a_please' and 'b_polite' use it: 'contains any' and 'in' never find one of its words; write one keyword per line"]);
    }

    [Fact]
    public void An_empty_keyword_file_no_lf_uses_is_a_warning_too()
    {
        // Given
        using var folder = new TempFolder();
        folder.Write("words.txt", "");

        // When
        var diagnostics = Rules.Load("labels HAM, SPAM\nlet w = lines(\"words.txt\")\n", folder: folder.Path).Diagnostics;

        // Then
        diagnostics.Select(d => d.Code).ShouldBe(["SNK0504", "SNK0507"], ignoreOrder: true);
        diagnostics.Single(d => d.Code == "SNK0507").Message.ShouldContain("so 'w' is an empty list and no LF uses it yet");
    }

    [Fact]
    public void Rule_text_in_memory_loads_with_the_classes_of_the_data_set()
    {
        // When
        var set = RulesLoader.LoadText("memory.rules", "lf a:\n    when text contains \"x\" label SPAM\n", new LabelSchema(["HAM", "SPAM"]));

        // Then
        set.Diagnostics.ShouldBeEmpty();
        set.Schema!.ClassNames.ShouldBe(["HAM", "SPAM"]);
        var row = Rules.Row(("text", "X"));
        set.Functions.Single().Bind(row.Schema)(row).ShouldBe(1);
    }

    [Fact]
    public void A_bound_LF_gives_the_same_votes_on_many_threads_at_once()
    {
        // Given
        var lf = Rules.Load("labels HAM, SPAM\nlf a:\n    when lower(text) == \"check it out\" label SPAM\n    when upper(text) == \"HELLO\" label HAM\n").Functions.Single();
        var rows = new[] { Rules.Row(("text", "Check IT out")), Rules.Row(("text", "hello")), Rules.Row(("text", "other")) };
        var vote = lf.Bind(rows[0].Schema);

        // When
        var results = Enumerable.Range(0, 8).AsParallel().Select(t =>
        {
            var ok = true;
            for (var n = 0; n < 20_000; n++)
            {
                var r = rows[(n + t) % 3];
                var expected = r.Text(0) switch { "Check IT out" => 1, "hello" => 0, _ => -1 };
                ok &= vote(r) == expected;
            }
            return ok;
        }).ToList();

        // Then
        results.ShouldAllBe(ok => ok);
    }

    [Fact]
    public void Parse_throws_one_exception_carrying_every_diagnostic_and_TryParse_returns_them()
    {
        // Given
        const string text = "labels HAM SPAM\nlf a\n";

        // When
        var result = Syntax.RulesParser.TryParse("x.rules", text);
        var error = Should.Throw<DiagnosticsException>(() => Syntax.RulesParser.Parse("x.rules", text));

        // Then
        result.Diagnostics.Count.ShouldBe(2);
        error.Diagnostics.ShouldBe(result.Diagnostics);
        error.Message.ShouldBe("x.rules(1,12): error SNK0001: unexpected 'SPAM', expected ','");
    }

    [Fact]
    public void Every_syntax_node_knows_its_line_column_and_length()
    {
        // Given
        const string text = "labels HAM, SPAM\n\nlf link:  # comment\n    when lower(text) contains \"song\" label HAM\n";

        // When
        var file = Syntax.RulesParser.Parse("x.rules", text);

        // Then
        var lf = file.Items.OfType<Syntax.LfDeclaration>().Single();
        lf.Span.ShouldBe(new Syntax.TextSpan(18, 3, 1, 66));
        lf.Name.Span.ShouldBe(new Syntax.TextSpan(21, 3, 4, 4));
        var clause = lf.Clauses.Single();
        var contains = clause.Condition.ShouldBeOfType<Syntax.Binary>();
        contains.Span.ShouldBe(new Syntax.TextSpan(47, 4, 10, 27));
        contains.OperatorSpan.ShouldBe(new Syntax.TextSpan(59, 4, 22, 8));
        contains.Left.ShouldBeOfType<Syntax.Call>().Arguments.Single().Span.ShouldBe(new Syntax.TextSpan(53, 4, 16, 4));
        clause.Label.Span.ShouldBe(new Syntax.TextSpan(81, 4, 44, 3));
    }

    [Fact]
    public void A_literal_of_no_name_is_refused_naming_the_argument()
    {
        Should.Throw<ArgumentNullException>(() => new RulesLoader().Literal(null!)).ParamName.ShouldBe("path");
    }
}

public sealed class DiagnosticSnippetTests
{
    [Fact]
    public void A_diagnostic_is_shown_with_its_source_line_and_carets_under_the_offending_text()
    {
        // Given
        const string text = "labels HAM, SPAM\nlf a:\n\twhne text contains \"x\" label SPAM\n";
        var diagnostic = Rules.Load(text).Diagnostics.Single();

        // When
        var shown = DiagnosticSnippet.Format(diagnostic, text);

        // Then
        shown.ShouldBe("test.rules(3,2): error SNK0001: unexpected 'whne', expected 'when'\n\twhne text contains \"x\" label SPAM\n\t^^^^");
    }

    [Fact]
    public void A_diagnostic_at_the_end_of_the_file_gets_one_caret()
    {
        // Given
        const string text = "labels";
        var diagnostic = Rules.Load(text).Diagnostics.Single();

        // When
        var shown = DiagnosticSnippet.Format(diagnostic, text);

        // Then
        shown.ShouldBe("test.rules(1,7): error SNK0001: unexpected end of file, expected a class name\nlabels\n      ^");
    }
}

public sealed class CascadeTests
{
    [Fact]
    public void A_broken_labels_line_is_reported_once_not_again_at_every_label()
    {
        // Given
        const string text = "labels HAM HAM\nlf a:\n    when text contains \"x\" label SPAM\nlf b:\n    when text contains \"y\" label HAM\n";

        // When
        var set = Rules.Load(text);

        // Then
        set.Diagnostics.Select(d => d.ToString()).ShouldBe(["test.rules(1,12): error SNK0001: unexpected 'HAM', expected ','"]);
        set.Functions.ShouldBeEmpty();
    }

    [Fact]
    public void The_keyword_lists_a_file_reads_are_found_where_their_names_are_written_and_a_literal_of_any_name_reads_back_as_that_name()
    {
        // Given a name with a quote, a backslash and a space, written as a literal in a file that starts with a byte-order mark
        var loader = new RulesLoader();
        const string name = "odd \"words\"\\x.txt";
        var literal = loader.Literal(name);
        var text = $"\uFEFFlabels HAM, SPAM\nlet w = lines({literal})\nlet v = [\"lines\"]\nlf a:\n    when text contains any w label SPAM\n";

        // When
        var references = loader.References(new LfSourceFile("/lfs/a.rules", text));

        // Then
        literal.ShouldBe("\"odd \\\"words\\\"\\\\x.txt\"");
        var reference = references.ShouldHaveSingleItem();
        reference.Written.ShouldBe(name);
        reference.Full.ShouldBe(Path.GetFullPath("/lfs/" + name));
        text.Substring(reference.Offset, reference.Length).ShouldBe(literal);
        (reference.Location.Line, reference.Location.Column).ShouldBe((2, 15));
    }
}
