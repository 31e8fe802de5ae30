using System.Text;
using Snorkeler.Core.Tests.Support;
using Snorkeler.Data;

namespace Snorkeler.Core.Tests;

public class CsvSourceTests
{
    private const string Rfc4180 =
        "id,text,score\r\n" +
        "1,\"hello, world\",0.5\r\n" +
        "2,\"she said \"\"hi\"\"\",\r\n" +
        "3,\"two\r\nlines\",7\r\n" +
        "4,\"unix\nnewline\",8\r\n" +
        "5,,-1\r\n";

    [Fact]
    public void Csv_reader_keeps_commas_quotes_and_newlines_inside_quoted_fields()
    {
        // Given
        using var temp = new TempFolder();
        var path = temp.Write("data.csv", Rfc4180);

        // When
        var source = new CsvSource(path);
        var rows = Rows.Of(source);

        // Then
        source.Name.ShouldBe(path);
        source.Schema.Names.ShouldBe(["id", "text", "score"]);
        rows.Count.ShouldBe(5);
        rows[0].ShouldBe(["1", "hello, world", "0.5"]);
        rows[1].ShouldBe(["2", "she said \"hi\"", null]);
        rows[2].ShouldBe(["3", "two\r\nlines", "7"]);
        rows[3].ShouldBe(["4", "unix\nnewline", "8"]);
        rows[4].ShouldBe(["5", null, "-1"]);
    }

    [Fact]
    public void An_empty_cell_is_missing_and_typed_access_reads_numbers_in_the_invariant_culture()
    {
        using var temp = new TempFolder();
        var path = temp.Write("data.csv", Rfc4180);

        var batch = new CsvSource(path).ReadBatches(10).Single();

        batch[1].IsMissing("score").ShouldBeTrue();
        batch[1].Number("score").ShouldBeNull();
        batch[1].Text("score").ShouldBe("");
        batch[0].Number("score").ShouldBe(0.5);
        batch[4].Number(2).ShouldBe(-1);
        batch[0].Number("text").ShouldBeNull();
        batch[4].Index.ShouldBe(4);
        batch[0].Text("TEXT").ShouldBe("hello, world");
        Should.Throw<SnorkelerException>(() => batch[0].Text("txt")).Message.ShouldContain("did you mean 'text'?");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4096)]
    public void Batches_of_any_size_give_the_same_rows_and_lines(int rowsPerBatch)
    {
        // Given
        using var temp = new TempFolder();
        var path = temp.Write("data.csv", Rfc4180);
        var source = new CsvSource(path);

        // When
        var batches = source.ReadBatches(rowsPerBatch).ToList();

        // Then
        batches.ShouldAllBe(b => b.Count <= rowsPerBatch);
        batches.Select(b => b.FirstRow).ShouldBe(batches.Select((_, i) => batches.Take(i).Sum(p => (long)p.Count)));
        Rows.Of(source, rowsPerBatch).ShouldBe(Rows.Of(source, 1000));
        Rows.Lines(source, rowsPerBatch).ShouldBe([2L, 3L, 4L, 6L, 8L]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(100)]
    public void The_line_of_a_row_is_its_first_line_in_the_file_after_multi_line_records_and_blank_lines(int rowsPerBatch)
    {
        // Given
        using var temp = new TempFolder();
        var path = temp.Write("data.csv", "a,b\n1,\"x\ny\nz\"\n\n2,w\n3,\"p\r\nq\"\n4,v\n");

        // When
        var source = new CsvSource(path);

        // Then
        Rows.Of(source, rowsPerBatch).Select(r => r[0]).ShouldBe(["1", "2", "3", "4"]);
        Rows.Lines(source, rowsPerBatch).ShouldBe([2L, 6L, 7L, 9L]);
    }

    [Theory]
    [InlineData("a,b\r1,2\r3,\"x\ry\"\r4,5\r")]
    [InlineData("a,b\r\n1,2\r\n3,\"x\r\ny\"\r\n4,5\r\n")]
    [InlineData("a,b\n1,2\n3,\"x\ny\"\n4,5")]
    public void Lines_are_counted_for_lf_crlf_and_cr_line_ends(string text)
    {
        using var temp = new TempFolder();
        var source = new CsvSource(temp.Write("data.csv", text));

        Rows.Of(source).Select(r => r[0]).ShouldBe(["1", "3", "4"]);
        Rows.Lines(source).ShouldBe([2L, 3L, 5L]);
    }

    [Fact]
    public void A_byte_order_mark_is_not_part_of_the_first_column_name()
    {
        using var temp = new TempFolder();
        var path = temp.File("bom.csv");
        File.WriteAllText(path, "id,text\n1,é\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        var source = new CsvSource(path);

        File.ReadAllBytes(path)[0].ShouldBe((byte)0xEF);
        source.Schema.Names.ShouldBe(["id", "text"]);
        Rows.Of(source).Single().ShouldBe(["1", "é"]);
    }

    [Fact]
    public void A_utf16_file_with_a_byte_order_mark_is_read()
    {
        using var temp = new TempFolder();
        var path = temp.File("utf16.csv");
        File.WriteAllText(path, "id,text\n1,\"naïve, 日本\"\n", Encoding.Unicode);

        var source = new CsvSource(path);

        source.Schema.Names.ShouldBe(["id", "text"]);
        Rows.Of(source).Single().ShouldBe(["1", "naïve, 日本"]);
    }

    [Theory]
    [InlineData("utf-16LE")]
    [InlineData("utf-16BE")]
    public void A_utf16_file_without_a_byte_order_mark_is_an_error_saying_so_at_its_header(string encoding)
    {
        // Given text saved as UTF-16 with no byte order mark: read as UTF-8, a NUL byte stands beside every character, and
        // the header was taken for columns named "t\0e\0x\0t\0", an error only lines later ("the row has 1 fields")
        using var temp = new TempFolder();
        var path = temp.File("utf16.csv");
        File.WriteAllBytes(path, Encoding.GetEncoding(encoding).GetBytes("text,label\nhello,1\nworld,0\n"));

        // When
        var error = Should.Throw<SnorkelerException>(() => new CsvSource(path));

        // Then
        error.Message.ShouldBe($"{path}(1): the header has a NUL byte beside every character, as text saved as UTF-16 without a byte order mark has (save the file as UTF-8)");
    }

    [Theory]
    [InlineData("a,b\n1\n", "the row has 1 field but the header has 2")]
    [InlineData("a,b\n1,2,3\n", "the row has 3 fields but the header has 2")]
    public void A_row_of_another_width_than_the_header_is_told_in_a_sentence(string text, string message)
    {
        using var temp = new TempFolder();
        var path = temp.Write("data.csv", text);

        Should.Throw<SnorkelerException>(() => Rows.Of(new CsvSource(path))).Message.ShouldBe($"{path}(2): {message}");
    }

    [Theory]
    [InlineData("sep=;\nid;text\n1;a\n")]
    [InlineData("sep=,\nid,text\n1,a\n")]
    [InlineData("SEP=|\r\nid|text\r\n1|a\r\n")]
    public void A_first_line_naming_the_delimiter_for_excel_is_told_to_be_deleted(string text)
    {
        // Given a file whose first line is Excel's 'sep=' line, before the header
        using var temp = new TempFolder();
        var path = temp.Write("data.csv", text);

        // When
        var error = Should.Throw<SnorkelerException>(() => new CsvSource(path));

        // Then (before: "data.csv(1): header column 2 has no name", for the empty field after "sep=")
        error.Message.ShouldBe($"{path}(1): the first line is a spreadsheet's 'sep=' line, which names the delimiter for Excel, not a header naming the columns: "
            + "delete it (the delimiter is detected, or give it with --delimiter)");
    }

    [Fact]
    public void A_nul_character_in_a_header_name_is_an_error_naming_the_column()
    {
        // Given
        using var temp = new TempFolder();
        var path = temp.Write("data.csv", "id,te\0xt\n1,a\n");

        // When
        var error = Should.Throw<SnorkelerException>(() => new CsvSource(path));

        // Then
        error.Message.ShouldBe($"{path}(1): header column 2 ('te\\u0000xt') holds a NUL character (U+0000), which no column name holds (remove it, and save the file as UTF-8)");
    }

    [Fact]
    public void A_tsv_file_is_split_on_tabs()
    {
        using var temp = new TempFolder();
        var path = temp.Write("data.tsv", "id\ttext\n1\thello, world\n");

        var source = new CsvSource(path);

        source.Schema.Names.ShouldBe(["id", "text"]);
        Rows.Of(source).Single().ShouldBe(["1", "hello, world"]);
    }

    [Fact]
    public void An_unclosed_quote_is_an_error_naming_the_file_and_line()
    {
        using var temp = new TempFolder();
        var path = temp.Write("bad.csv", "a,b\n1,2\n3,\"never closed\n4,5\n");

        var error = Should.Throw<SnorkelerException>(() => Rows.Of(new CsvSource(path)));

        error.Message.ShouldBe($"{path}(3): malformed quoted field (an unclosed or stray quote)");
    }

    [Theory]
    [InlineData("a,b,c\n1,2,3\n4,5,6,7\n", 3, 4)]
    [InlineData("a,b,c\n1,2,3\n4,5\n", 3, 2)]
    [InlineData("a,b,c\n1,\"2\n2\",3\n4,5\n", 4, 2)]
    public void A_row_with_more_or_fewer_fields_than_the_header_is_an_error_naming_the_line(string text, int line, int fields)
    {
        using var temp = new TempFolder();
        var path = temp.Write("ragged.csv", text);

        var error = Should.Throw<SnorkelerException>(() => Rows.Of(new CsvSource(path)));

        error.Message.ShouldBe($"{path}({line}): the row has {fields} fields but the header has 3");
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n")]
    public void An_empty_file_is_an_error_naming_it(string text)
    {
        using var temp = new TempFolder();
        var path = temp.Write("empty.csv", text);

        var error = Should.Throw<SnorkelerException>(() => new CsvSource(path));

        error.Message.ShouldStartWith(path);
        error.Message.ShouldContain("the file is empty");
    }

    [Fact]
    public void A_header_naming_a_column_twice_is_an_error_on_line_1()
    {
        using var temp = new TempFolder();
        var path = temp.Write("dup.csv", "id,text,id\n1,2,3\n");

        Should.Throw<SnorkelerException>(() => new CsvSource(path)).Message.ShouldBe($"{path}(1): header column 'id' appears twice");
    }

    [Fact]
    public void Invalid_utf8_is_an_error_naming_the_line_of_the_bad_byte()
    {
        // Given
        using var temp = new TempFolder();
        var path = temp.File("latin1.csv");
        var bytes = new List<byte>();
        bytes.AddRange("id,text\n1,fine\n2,\"multi\nline\"\n3,caf"u8.ToArray());
        bytes.Add(0xE9); // 'é' in Latin-1: not UTF-8
        bytes.AddRange("\n4,more\n"u8.ToArray());
        File.WriteAllBytes(path, bytes.ToArray());

        // When
        var error = Should.Throw<SnorkelerException>(() => Rows.Of(new CsvSource(path)));

        // Then
        error.Message.ShouldStartWith($"{path}(5): invalid UTF-8");
    }

    [Theory]
    [InlineData("id,text\r1,\"lone\rcr\"\r2,caf", 4)]
    [InlineData("id,text\r\n1,\"lone\rcr\"\r\n2,caf", 4)]
    [InlineData("id,text\n1,\"crlf\r\nin\"\n2,caf", 4)]
    [InlineData("id,text\n1,fine\r", 3)]
    public void Invalid_utf8_is_reported_on_the_line_the_csv_reader_counts_for_its_other_errors(string before, long line)
    {
        // Given: a file whose bad byte follows lone CRs (which end CSV records and lines), or a CRLF, or a CR right before it
        using var temp = new TempFolder();
        var path = temp.File("data.csv");
        File.WriteAllBytes(path, [.. Encoding.UTF8.GetBytes(before), 0xE9, (byte)'\n']);
        var ragged = temp.Write("ragged.csv", before + "x,y,extra\n");

        // When
        var utf8 = Should.Throw<SnorkelerException>(() => Rows.Of(new CsvSource(path)));
        var fields = Should.Throw<SnorkelerException>(() => Rows.Of(new CsvSource(ragged)));

        // Then: both on the same line as a ragged record in the bad byte's place
        utf8.Message.ShouldStartWith($"{path}({line}): invalid UTF-8");
        fields.Message.ShouldStartWith($"{ragged}({line}): the row has ");
    }

    [Fact]
    public void A_missing_file_is_an_error_naming_it()
    {
        using var temp = new TempFolder();
        var path = temp.File("missing.csv");

        Should.Throw<SnorkelerException>(() => new CsvSource(path)).Message.ShouldBe($"{path}: no such file");
        Should.Throw<SnorkelerException>(() => DataSources.Open(path)).Message.ShouldBe($"{path}: no such file");
    }

    [Fact]
    public void The_five_raw_youtube_csvs_hold_1956_comments_and_every_one_has_content()
    {
        // Given: the records counted without a CSV parser, as line breaks outside quotes (a doubled quote
        // toggles twice, so quote parity alone tells whether a break is inside a field), less the header.
        var expected = TestPaths.YouTubeRawCsvs.Sum(CountRecordsByQuoteParity);

        // When
        var sources = TestPaths.YouTubeRawCsvs.Select(p => new CsvSource(p)).ToList();
        var rows = sources.SelectMany(s => Rows.Of(s, 100)).ToList();

        // Then
        TestPaths.YouTubeRawCsvs.Count.ShouldBe(5);
        expected.ShouldBe(1956);
        rows.Count.ShouldBe(1956);
        sources.ShouldAllBe(s => s.Schema.Names.SequenceEqual(new[] { "COMMENT_ID", "AUTHOR", "DATE", "CONTENT", "CLASS" }));
        rows.ShouldAllBe(r => r[3] != null && r[3]!.Length > 0);
        rows.ShouldAllBe(r => r[4] == "0" || r[4] == "1");
        rows.Count(r => r[3]!.Contains('\n')).ShouldBeGreaterThan(0);
    }

    private static int CountRecordsByQuoteParity(string path)
    {
        var text = File.ReadAllText(path);
        var quoted = false;
        var breaks = 0;
        foreach (var c in text)
        {
            if (c == '"') quoted = !quoted;
            else if (c == '\n' && !quoted) breaks++;
        }
        if (!text.EndsWith('\n')) breaks++;
        return breaks - 1;
    }

    [Fact]
    public void Several_files_are_read_one_after_another_with_rows_numbered_across_them()
    {
        // When
        var source = DataSources.Open(TestPaths.YouTubeRawCsvs);
        var batches = source.ReadBatches(500).ToList();

        // Then
        source.Schema.Names.ShouldBe(["COMMENT_ID", "AUTHOR", "DATE", "CONTENT", "CLASS"]);
        batches.Sum(b => b.Count).ShouldBe(1956);
        batches.Select(b => b.FirstRow).ShouldBe(batches.Select((_, i) => batches.Take(i).Sum(p => (long)p.Count)));
        batches.Select(b => b.SourceName).Distinct().ShouldBe(TestPaths.YouTubeRawCsvs);
        batches[0].LineOf(0).ShouldBe(2);
    }

    [Fact]
    public void Files_with_different_columns_cannot_be_joined()
    {
        using var temp = new TempFolder();
        var a = temp.Write("a.csv", "id,text\n1,x\n");
        var b = temp.Write("b.csv", "id,body\n2,y\n");

        Should.Throw<SnorkelerException>(() => DataSources.Open([a, b])).Message.ShouldStartWith($"{b}: its columns (id, body) differ");
    }

    [Fact]
    public void Aliases_rename_columns_for_lfs()
    {
        using var temp = new TempFolder();
        var path = temp.Write("a.csv", "id,CONTENT\n1,x\n");

        var source = DataSources.WithAliases(new CsvSource(path), new Dictionary<string, string> { ["text"] = "CONTENT" });

        source.Schema.Names.ShouldBe(["id", "text"]);
        source.ReadBatches(10).Single()[0].Text("text").ShouldBe("x");
        Should.Throw<SnorkelerException>(() => DataSources.WithAliases(new CsvSource(path), new Dictionary<string, string> { ["text"] = "CONTNET" }))
            .Message.ShouldContain("no column 'CONTNET' to read as 'text'; did you mean 'CONTENT'?");
    }
    [Fact]
    public void A_record_longer_than_the_limit_is_an_error_suggesting_an_unclosed_quote()
    {
        using var temp = new TempFolder();
        var path = temp.Write("long.csv", "a,b\n1,2\n3,\"" + new string('x', 5000) + "\n4,5\n");

        var error = Should.Throw<SnorkelerException>(() => Rows.Of(new CsvSource(path, new CsvOptions { MaxRecordLength = 1024 })));

        error.Message.ShouldStartWith($"{path}(3): ");
        error.Message.ShouldContain("unclosed");
    }

    [Fact]
    public void Reading_a_csv_twice_gives_the_same_rows()
    {
        using var temp = new TempFolder();
        var source = new CsvSource(temp.Write("data.csv", Rfc4180));

        Rows.Of(source, 2).ShouldBe(Rows.Of(source, 2));
    }
}
