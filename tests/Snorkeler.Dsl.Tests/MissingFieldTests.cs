using Snorkeler.Data;
using Snorkeler.Loading;

namespace Snorkeler.Dsl.Tests;

/// <summary>A field the data lacks: one error per field, naming the data, its columns (not the constants) and the likely fix.</summary>
public sealed class MissingFieldTests
{
    private const string Head = "labels HAM, SPAM\nlet please_words = [\"please\", \"plz\"]\n";

    public static TheoryData<string, string[], string> Cases => new()
    {
        {
            "a typo of a column",
            ["COMMENT_ID", "CONTENT"],
            "test.rules(4,10): error SNK0103: unknown field 'CONTNET': comments.csv has no such column; did you mean 'CONTENT'? (columns: COMMENT_ID, CONTENT)"
        },
        {
            "a misspelt constant",
            ["COMMENT_ID", "CONTENT"],
            "test.rules(4,10): error SNK0103: unknown field 'plese_words': comments.csv has no such column; did you mean the constant 'please_words'? (columns: COMMENT_ID, CONTENT)"
        },
        {
            "a column named like it",
            ["id", "comment_text"],
            "test.rules(4,10): error SNK0103: unknown field 'text': comments.csv has no such column; to read column 'comment_text' as 'text', add --column text=comment_text (columns: id, comment_text)"
        },
        {
            "the free-text column",
            ["COMMENT_ID", "AUTHOR", "CONTENT"],
            "test.rules(4,10): error SNK0103: unknown field 'text': comments.csv has no such column; if column 'CONTENT' holds it, add --column text=CONTENT (columns: COMMENT_ID, AUTHOR, CONTENT)"
        },
        {
            "a single column holding semicolons",
            ["id;text;label"],
            "test.rules(4,10): error SNK0103: unknown field 'text': comments.csv has no such column; the data has one column, 'id;text;label': is it semicolon-separated? (--delimiter ';') (columns: id;text;label)"
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_error_says_what_probably_fixes_it(string @case, string[] columns, string expected)
    {
        // Given
        var field = @case switch { "a typo of a column" => "CONTNET", "a misspelt constant" => "plese_words", _ => "text" };
        var text = Head + $"lf a:\n    when {field} contains \"x\" label SPAM\n";

        // When
        var diagnostics = Load(text, columns, new DataHints("comments.csv", "CONTENT"));

        // Then
        diagnostics.ShouldBe([expected], @case);
    }

    [Fact]
    public void A_suggested_column_mapping_with_a_space_is_quoted_as_a_shell_reads_it()
    {
        // Given: 'add --column customer tier=body' is two words to a shell, so the option as written failed
        var text = Head + "lf a:\n    when `customer tier` == \"gold\" label SPAM\n";

        // When
        var diagnostics = Load(text, ["id", "body"], new DataHints("tickets.csv", "body"));

        // Then
        diagnostics.ShouldBe(["test.rules(4,10): error SNK0103: unknown field 'customer tier': tickets.csv has no such column; if column 'body' holds it, add --column 'customer tier=body' (columns: id, body)"]);
    }

    [Fact]
    public void A_missing_field_used_by_many_lfs_is_one_error_at_its_first_use()
    {
        // Given
        var text = "labels HAM, SPAM\n" + string.Concat(Enumerable.Range(0, 7).Select(i => $"lf k{i}:\n    when text contains \"w{i}\" label SPAM\n"));

        // When
        var diagnostics = Load(text, ["COMMENT_ID", "CONTENT"], null);

        // Then
        diagnostics.ShouldBe(["test.rules(3,10): error SNK0103: unknown field 'text' (used 7 times): the data has no such column; map a column to it with --column text=COLUMN (columns: COMMENT_ID, CONTENT)"]);
    }

    [Fact]
    public void Rule_files_loaded_together_report_a_missing_field_once()
    {
        // Given
        using var folder = new TempFolder();
        folder.Write("a.rules", "labels HAM, SPAM\nlf a:\n    when body contains \"x\" label SPAM\n");
        var b = folder.Write("b.rules", "lf b:\n    when body contains \"y\" label SPAM\n");

        // When
        var set = new LfProject([new RulesLoader()]).Load([folder.Path], dataColumns: new DataSchema(["text"]));

        // Then
        set.Diagnostics.Count.ShouldBe(1);
        set.Diagnostics[0].Message.ShouldStartWith("unknown field 'body' (used 2 times)");
        set.Diagnostics[0].Location!.Path.ShouldNotBe(b);
    }

    private static IReadOnlyList<string> Load(string text, string[] columns, DataHints? hints)
    {
        var dir = Path.GetTempPath();
        var path = Path.Combine(dir, Support.Rules.FileName);
        var set = new RulesLoader().Load([new LfSourceFile(path, text)], new LfLoadContext(null, new DataSchema(columns), dir) { Data = hints });
        return set.Diagnostics.Select(d => (d with { Location = d.Location! with { Path = Support.Rules.FileName } }).ToString()).ToList();
    }
}
