using System.Text;
using System.Text.Json;
using Snorkeler.Applying;
using Snorkeler.Core.Tests.Support;
using Snorkeler.Data;

namespace Snorkeler.Core.Tests;

/// <summary>
/// The JSON Lines reader splits files into chunks of whole lines parsed on any thread, reads flat objects with a
/// streaming reader and everything else with a document parse, and hands UTF-16 files and over-long lines to the
/// sequential reader: every path must give the rows, lines and errors the format defines.
/// </summary>
public class JsonLinesChunkTests
{
    /// <summary>
    /// Lines of every kind the reader meets (flat and nested objects, escaped strings, extra keys, keys in another case,
    /// blank and Unicode-blank lines), with the cells each gives under the columns id, text, score, flag and the line it
    /// is on; the expected cells are worked out here from the values written, not by the reader under test.
    /// </summary>
    private static (string Text, List<string?[]> Rows, List<long> Lines) Generate(int rows, string newline = "\n", int seed = 5)
    {
        var random = new Random(seed);
        var text = new StringBuilder();
        var expected = new List<string?[]>();
        var lines = new List<long>();
        long line = 0;
        for (var i = 0; i < rows; i++)
        {
            // Blank lines between rows: empty, ASCII blanks, and a no-break space with an em space.
            switch (i == 0 ? 9 : random.Next(12))
            {
                case 0: text.Append(newline); line++; break;
                case 1: text.Append(" \t").Append(newline); line++; break;
                case 2: text.Append("\u00a0\u2003").Append(newline); line++; break;
            }
            var id = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            string? cell;
            string raw;
            switch (random.Next(8))
            {
                case 0: cell = "plain words"; raw = "\"plain words\""; break;
                case 1: cell = "say \"hi\"\nbye\\"; raw = "\"say \\\"hi\\\"\\nbye\\\\\""; break;
                case 2: cell = "café ✓ 😀"; raw = "\"café ✓ 😀\""; break;
                case 3: cell = "é😀"; raw = "\"\\u00e9\\ud83d\\ude00\""; break;
                case 4: cell = "{\"a\": [1, {\"b\": null}]}"; raw = "{\"a\": [1, {\"b\": null}]}"; break;
                case 5: cell = "[1, \"x\" ]"; raw = "[1, \"x\" ]"; break;
                case 6: cell = null; raw = "null"; break;
                default: cell = ""; raw = "\"\""; break;
            }
            // The first row has every column and no other key: it fixes the columns.
            var score = i == 0 ? "42" : random.Next(3) switch { 0 => "-1.5e3", 1 => "42", _ => null };
            var flag = random.Next(2) == 0 ? "true" : "false";
            var fields = new List<string> { $"\"id\": \"{id}\"", $"\"{(i > 0 && random.Next(10) == 0 ? "TEXT" : "text")}\": {raw}" };
            if (score is not null) fields.Add($"\"score\": {score}");
            fields.Add($"\"flag\":{flag}");
            if (i > 0)
            {
                if (random.Next(4) == 0) fields.Add("\"extra\": {\"deep\": [true]}");
                if (random.Next(4) == 0) fields.Add("\"other\": 7");
                fields = fields.OrderBy(_ => random.Next()).ToList();
            }
            text.Append('{').Append(string.Join(random.Next(2) == 0 ? ", " : ",", fields)).Append('}').Append(newline);
            line++;
            expected.Add([id, cell, score, flag]);
            lines.Add(line);
        }
        return (text.ToString(), expected, lines);
    }

    private static void ShouldHoldRows(IReadOnlyList<string?[]> actual, IReadOnlyList<string?[]> expected)
    {
        actual.Count.ShouldBe(expected.Count);
        for (var i = 0; i < expected.Count; i++) actual[i].ShouldBe(expected[i], $"row {i}");
    }

    [Theory]
    [InlineData(3_000, "\n", 4096)]
    [InlineData(3_000, "\r\n", 7)]
    [InlineData(3_000, "\r", 1000)]
    [InlineData(5, "\n", 1)]
    public void Reading_in_chunks_gives_the_rows_and_lines_of_the_text(int rows, string newline, int rowsPerBatch)
    {
        // Given
        using var temp = new TempFolder();
        var (text, expected, lines) = Generate(rows, newline);
        var path = temp.Write("data.jsonl", text);

        // When
        var source = new JsonLinesSource(path);

        // Then
        source.Schema.Names.ShouldBe(["id", "text", "score", "flag"]);
        ShouldHoldRows(Rows.Of(source, rowsPerBatch), expected);
        Rows.Lines(source, rowsPerBatch).ShouldBe(lines.Select(l => (long?)l).ToList());
    }

    [Fact]
    public void Chunks_parsed_in_any_order_on_any_thread_give_the_rows_of_the_file()
    {
        // Given: a file several times the read buffer, so chunks are cut at many places and the buffer moves
        using var temp = new TempFolder();
        var (text, expected, lines) = Generate(40_000, "\r\n", seed: 9);
        var path = temp.Write("data.jsonl", "\uFEFF" + text);
        IChunkedSource source = new JsonLinesSource(path);

        // When
        var chunks = source.ReadChunks(1000).ToList();
        var batches = chunks.AsParallel().WithDegreeOfParallelism(2).Select(c => (c.FirstRow, Batch: c.Parse())).ToList();

        // Then
        chunks.Count.ShouldBeGreaterThan(10);
        chunks.Select(c => c.FirstRow).ShouldBe(chunks.Select((_, i) => chunks.Take(i).Sum(c => (long)c.Rows)));
        var ordered = batches.OrderBy(b => b.FirstRow).Select(b => b.Batch).ToList();
        ordered.Select(b => b.Count).ShouldBe(chunks.Select(c => c.Rows));
        ShouldHoldRows(ordered.SelectMany(Rows.Cells).ToList(), expected);
        ordered.SelectMany(b => Enumerable.Range(0, b.Count).Select(i => b.LineOf(i))).ShouldBe(lines.Select(l => (long?)l));
    }

    [Fact]
    public void A_line_longer_than_a_chunk_may_hold_is_read_with_the_rest_of_the_file_by_the_sequential_reader()
    {
        // Given: rows, one line just over the longest chunked line, rows again
        using var temp = new TempFolder();
        var (head, headRows, _) = Generate(2_000, seed: 3);
        var (tail, tailRows, _) = Generate(2_000, seed: 4);
        var huge = new string('x', JsonLinesSource.LongestChunkedLine + 10);
        var path = temp.Write("data.jsonl", head + $"{{\"id\": \"huge\", \"text\": \"{huge}\", \"flag\": true}}\n" + tail);
        var source = new JsonLinesSource(path);

        // When
        var rows = Rows.Of(source, 500);
        var lines = Rows.Lines(source, 500);

        // Then
        ShouldHoldRows(rows, [.. headRows, ["huge", huge, null, "true"], .. tailRows]);
        lines.Distinct().Count().ShouldBe(rows.Count);
        lines.ShouldBe(lines.OrderBy(l => l).ToList());
    }

    [Fact]
    public void The_streaming_reader_gives_the_cells_of_a_document_parse_on_random_objects()
    {
        // Given: random flat objects (escapes, numbers in every form, keys in another case or not in the columns),
        // and the cells a document parse gives: strings as text, numbers and booleans as their JSON text, null missing
        var random = new Random(17);
        string[] keys = ["a", "b", "c", "Ä", "B", "zz"];
        string[] strings = ["", "x", "\\\"", "\\u0041\\u00e9", "\\t\\r\\n", "\\/", "tab\\there", "ü😀", "\\ud83d\\ude00"];
        string[] numbers = ["0", "-0", "1e10", "-2.50E-3", "12345678901234567890", "3.0"];
        var lines = new List<string> { "{\"a\": 0, \"b\": 0, \"c\": 0, \"Ä\": 0}" };
        for (var i = 0; i < 3_000; i++)
        {
            var used = keys.OrderBy(_ => random.Next()).Take(random.Next(1, keys.Length)).ToList();
            lines.Add("{" + string.Join(",", used.Select(k => $"\"{k}\":{random.Next(5) switch
            {
                0 => "null",
                1 => random.Next(2) == 0 ? "true" : "false",
                2 => numbers[random.Next(numbers.Length)],
                _ => $"\"{strings[random.Next(strings.Length)]}{strings[random.Next(strings.Length)]}\"",
            }}")) + "}");
        }
        using var temp = new TempFolder();
        var path = temp.Write("random.jsonl", string.Join("\n", lines));
        var source = new JsonLinesSource(path);
        string[] columns = ["a", "b", "c", "Ä"];
        var expected = lines.Select(line =>
        {
            using var doc = JsonDocument.Parse(line);
            var cells = new string?[columns.Length];
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                // A key matches its column exactly, else case-insensitively ("B" is column "b"; "zz" is no column).
                var column = Array.IndexOf(columns, p.Name) is var exact and >= 0 ? exact : Array.FindIndex(columns, n => string.Equals(n, p.Name, StringComparison.OrdinalIgnoreCase));
                // null sets nothing: a cell no key fills stays missing (and "B": null after "b": "x" keeps "x").
                if (column < 0 || p.Value.ValueKind == JsonValueKind.Null) continue;
                cells[column] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText();
            }
            return cells;
        }).ToList();

        // When
        var rows = Rows.Of(source);

        // Then
        ShouldHoldRows(rows, expected);
    }

    public static TheoryData<string, string, long> Errors => new()
    {
        { "{\"id\": \"1\", \"text\": }", "invalid JSON", 0 },
        { "{\"id\": \"1\", \"text\": \"a\", \"id\": \"2\"}", "invalid JSON: the key 'id' appears twice in one object", 0 },
        { "{\"id\": \"1\", \"text\": \"a\"} 7", "invalid JSON", 0 },
        { "{\"id\": \"1\", \"text\": \"\\ud800\"}", "invalid text: a lone UTF-16 surrogate escape", -1 },
        { "[\"1\", \"a\"]", "each line must be a JSON object", 0 },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void A_bad_line_far_into_the_file_is_an_error_naming_it_whichever_thread_parses_it(string bad, string message, long named)
    {
        // Given: 30,000 good lines, the bad one, more good lines
        using var temp = new TempFolder();
        var good = string.Concat(Enumerable.Range(0, 30_000).Select(i => $"{{\"id\": \"{i}\", \"text\": \"row {i}\"}}\n"));
        var path = temp.Write("bad.jsonl", good + bad + "\n" + good);
        var lfs = new[] { LabelingFunction.Create("any", row => row.Text("text").Length > 0 ? 1 : -1) };

        // When
        var read = Should.Throw<SnorkelerException>(() => Rows.Of(new JsonLinesSource(path), 1000));
        var applied = Should.Throw<SnorkelerException>(() =>
            Applier.ApplyToMatrix(new JsonLinesSource(path), lfs, Some.HamSpam, new ApplyOptions { Threads = 2, BatchRows = 1000 }));

        // Then: the line is named (unless the message is the file-wide one of a lone surrogate)
        var where = named == 0 ? $"{path}(30001): " : $"{path}";
        read.Message.ShouldStartWith(where);
        read.Message.ShouldContain(message);
        applied.Message.ShouldBe(read.Message);
    }

    [Fact]
    public void Invalid_utf8_in_a_later_chunk_is_an_error_naming_its_line()
    {
        // Given
        using var temp = new TempFolder();
        var good = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 20_000).Select(i => $"{{\"id\": \"{i}\", \"text\": \"row {i}\"}}\n")));
        var path = Path.Combine(temp.Path, "bad.jsonl");
        File.WriteAllBytes(path, [.. good, .. "{\"id\": \"x\", \"text\": \""u8, 0xFF, .. "\"}\n"u8, .. good]);

        // When
        var error = Should.Throw<SnorkelerException>(() => Rows.Of(new JsonLinesSource(path), 500));

        // Then
        error.Message.ShouldStartWith($"{path}(20001): invalid UTF-8 at byte");
    }

    [Fact]
    public void A_file_with_a_utf16_byte_order_mark_is_read_by_the_sequential_reader()
    {
        // Given
        using var temp = new TempFolder();
        var (text, expected, lines) = Generate(500);
        var path = Path.Combine(temp.Path, "utf16.jsonl");
        File.WriteAllText(path, text, new UnicodeEncoding(bigEndian: false, byteOrderMark: true));

        // When
        var source = new JsonLinesSource(path);

        // Then
        ShouldHoldRows(Rows.Of(source, 64), expected);
        Rows.Lines(source, 64).ShouldBe(lines.Select(l => (long?)l).ToList());
    }
}
