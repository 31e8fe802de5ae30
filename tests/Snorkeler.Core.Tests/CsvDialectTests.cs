using Snorkeler.Data;

namespace Snorkeler.Core.Tests;

/// <summary>Delimiter detection from a file's header and first records.</summary>
public class CsvDialectTests
{
    public static TheoryData<string, string, char> Samples => new()
    {
        { "plain comma", "id,text,label\n1,hello,0\n2,world,1\n", ',' },
        { "semicolon, commas in unquoted text", "id;text;label\n1;hello, world;0\n2;a, b, c;1\n", ';' },
        { "semicolon, decimal commas", "id;price;label\n1;3,50;0\n2;12,00;1\n", ';' },
        { "semicolon, delimiter inside quotes", "id;text;label\n1;\"a; b\";0\n2;\"c;\"\"d\"\";e\";1\n", ';' },
        { "comma, semicolons inside quotes", "id,text,label\n1,\"a; b; c\",0\n2,\"x;y\",1\n", ',' },
        { "comma, a newline and delimiters inside quotes", "id,text\n1,\"line one;\nline two, still; one field\"\n2,plain\n", ',' },
        { "tab in a .csv", "id\ttext\tlabel\n1\thello, world; ok\t0\n2\tbye\t1\n", '\t' },
        { "pipe", "id|text|label\n1|hello, world|0\n2|x;y|1\n", '|' },
        { "semicolon, header with a comma", "id;name, first;body\n1;Ann, B;hi\n2;Bo, C;ho\n", ';' },
        { "comma, one semicolon in every line", "a,b;c,d\n1,2;3,4\n5,6;7,8\n", ',' },
        { "CRLF line ends", "id;text\r\n1;a, b\r\n2;c\r\n", ';' },
        { "byte-order mark", "\uFEFFid;text\n1;x\n", ';' },
        { "header only", "id;text;label\n", ';' },
        { "one column", "text\nhello, world\nsecond; line\n", ',' },
        { "empty", "", ',' },
        { "semicolon with a ragged row", "a;b;c\n1;2;3\n4;5\n6;7;8\n", ';' },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void The_delimiter_is_the_one_that_splits_the_header_and_every_record_alike(string @case, string sample, char expected)
    {
        CsvDialect.Detect(sample, complete: true).ShouldBe(expected, @case);
    }

    [Fact]
    public void A_truncated_last_record_of_a_long_file_is_not_counted()
    {
        // The sample ends in the middle of a record whose field count would otherwise disagree.
        var sample = "a;b;c\n1;2;3\n4;5";

        CsvDialect.Detect(sample, complete: false).ShouldBe(';');
    }

    [Fact]
    public void A_record_far_into_the_file_still_decides_the_delimiter()
    {
        // Given a header that splits on both commas and semicolons, 60 long records that do too (~15 K characters),
        // then 40 that split on semicolons only
        using var temp = new TempFolder();
        var filler = new string('x', 240);
        var lines = new List<string> { "a,b;c" };
        lines.AddRange(Enumerable.Range(0, 60).Select(i => $"{i}{filler},y;z"));
        lines.AddRange(Enumerable.Range(60, 40).Select(i => $"{i}{filler};y"));
        var path = temp.Write("late.csv", string.Join("\n", lines) + "\n");

        // When / Then: read only as far as the first records, comma (the default) would fit every one
        CsvDialect.Detect(path).ShouldBe(';');
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void A_file_gets_the_delimiter_of_its_first_64_K_characters(int seed)
    {
        // Given a generated file whose header splits on two candidates; its records split on both up to a random
        // record and on one of them after it. Records of 5 to 1,500 characters, quoted fields holding delimiters and
        // line breaks, CRLF or LF.
        var random = new Random(seed);
        var candidates = CsvDialect.Candidates.OrderBy(_ => random.Next()).ToArray();
        var (kept, dropped) = (candidates[0], candidates[1]);
        var newline = random.Next(2) == 0 ? "\n" : "\r\n";
        var longest = new[] { 20, 200, 1500 }[random.Next(3)];
        var records = random.Next(20, 400);
        var change = random.Next(records);
        var text = new System.Text.StringBuilder($"id{kept}text{dropped}label{newline}");
        for (var r = 0; r < records; r++)
        {
            var body = new string('w', random.Next(5, longest));
            var field = random.Next(4) == 0 ? $"\"{body}{dropped}{kept}\"\"q\"\"{newline}more\"" : body;
            text.Append(r < change ? $"{r}{kept}{field}{dropped}{r % 2}{newline}" : $"{r}{kept}{field}{newline}");
        }
        using var temp = new TempFolder();
        var path = temp.Write("generated.csv", text.ToString());
        var all = text.ToString();
        var sample = all.Length > 64 * 1024 ? all[..(64 * 1024)] : all;

        // When / Then: the same answer as from the whole 64 K-character sample
        CsvDialect.Detect(path).ShouldBe(CsvDialect.Detect(sample, complete: all.Length <= 64 * 1024), $"{records} records up to {longest} characters, changing at {change}");
    }

    [Fact]
    public void A_tab_separated_file_named_tsv_prefers_tab_when_both_fit()
    {
        CsvDialect.Detect("a\tb,c\n1\t2,3\n", complete: true, fallback: '\t').ShouldBe('\t');
        CsvDialect.Detect("a\tb,c\n1\t2,3\n", complete: true, fallback: ',').ShouldBe(',');
    }

    [Fact]
    public void A_semicolon_file_is_read_with_its_quoted_delimiters_and_line_breaks()
    {
        // Given
        using var temp = new TempFolder();
        var path = temp.Write("tickets.csv", "ticket_id;subject;body\nT1;Refund;\"Please refund; I was\ncharged twice, sorry\"\nT2;Crash;error 500\n");

        // When
        var source = new CsvSource(path);
        var rows = source.ReadBatches(10).Single();

        // Then
        source.Delimiter.ShouldBe(';');
        source.DelimiterDetected.ShouldBeTrue();
        source.Schema.Names.ShouldBe(["ticket_id", "subject", "body"]);
        rows.Count.ShouldBe(2);
        rows[0].Text("body").ShouldBe("Please refund; I was\ncharged twice, sorry");
        rows[1].Text("body").ShouldBe("error 500");
        rows.LineOf(1).ShouldBe(4);
    }

    [Fact]
    public void A_given_delimiter_overrides_detection()
    {
        using var temp = new TempFolder();
        var path = temp.Write("a.csv", "x;y\n1;2\n");

        var source = new CsvSource(path, new CsvOptions { Delimiter = ',' });

        source.Schema.Names.ShouldBe(["x;y"]);
        source.DelimiterDetected.ShouldBeFalse();
    }

    [Fact]
    public void The_free_text_column_is_the_one_with_many_more_words_per_cell()
    {
        using var temp = new TempFolder();
        var path = temp.Write("c.csv", "COMMENT_ID,AUTHOR,DATE,CONTENT\nz1,Ann Lee,2014-01-01,check out my new channel please\nz2,Bo,2014-01-02,love this song so much\n");
        var ids = temp.Write("i.csv", "id,code\n1,a\n2,b\n");

        ColumnGuess.FreeTextColumn(new CsvSource(path)).ShouldBe("CONTENT");
        ColumnGuess.FreeTextColumn(new CsvSource(ids)).ShouldBeNull();
        ColumnGuess.Similar("text", ["id", "comment_text"]).ShouldBe("comment_text");
        ColumnGuess.Similar("txet", ["id", "text"]).ShouldBe("text");
        ColumnGuess.Similar("text", ["id", "body"]).ShouldBeNull();
    }
}
