using System.Buffers.Binary;
using Parquet;
using Parquet.Serialization;
using Snorkeler.Data;

namespace Snorkeler.Reliability.Tests;

/// <summary>
/// Damaged Parquet footers and page headers, generated from real files (YouTube comments written by Parquet.Net with
/// three row groups, and a labels file written by <c>snorkeler label</c>): every cut of the footer (varints and
/// structures truncated at each byte), forged huge counts and lengths, deeply nested structures, wrong field types
/// and lying footer lengths. Parquet.Net loops for ever or allocates gigabytes on some of them; Snorkeler must end
/// each within a bound, with one line naming the file (exit 1 through the CLI).
/// </summary>
public sealed class ParquetFooterTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly TempFolder _temp = new();

    public sealed class Comment
    {
        public string? Author { get; set; }
        public string? Content { get; set; }
        public int? Class { get; set; }
        public double Length { get; set; }
    }

    public void Dispose() => _temp.Dispose();

    private string Comments()
    {
        var comments = File.ReadLines(TestPaths.YouTubeRawCsvs[0]).Skip(1).Take(120).Select((line, i) => new Comment
        {
            Author = i % 7 == 3 ? null : $"author {i}",
            Content = line.Length > 60 ? line[..60] : line,
            Class = i % 5 == 4 ? null : i % 2,
            Length = line.Length,
        }).ToArray();
        var path = _temp.File("comments.parquet");
        using (var stream = File.Create(path))
            ParquetSerializer.SerializeAsync(comments, stream, new ParquetOptions { RowGroupSize = 50 }).GetAwaiter().GetResult();
        return path;
    }

    private string Labels()
    {
        var lfs = _temp.Write("lfs/spam.rules", "labels HAM, SPAM\n\nlf subscribe:\n    when CONTENT contains \"subscribe\" label SPAM\n\nlf song:\n    when CONTENT contains \"song\" label HAM\n");
        var path = _temp.File("labels.parquet");
        var result = Shell.Run("label", "--lfs", lfs, "--data", TestPaths.YouTubeRawCsvs[1], "--out", path, "--model", "mv");
        result.ShouldSucceed();
        return path;
    }

    private static (byte[] Body, byte[] Footer) Split(byte[] file)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(file.Length - 8));
        return (file[..(file.Length - 8 - length)], file[(file.Length - 8 - length)..^8]);
    }

    private static byte[] Join(byte[] body, IEnumerable<byte> footer, int? statedLength = null)
    {
        var f = footer.ToArray();
        var tail = new byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(tail, statedLength ?? f.Length);
        "PAR1"u8.CopyTo(tail.AsSpan(4));
        return [.. body, .. f, .. tail];
    }

    /// <summary>Many damaged versions of a real file's footer, each with what it is.</summary>
    private static IEnumerable<(string What, byte[] File, bool MustFail)> DamagedFooters(byte[] valid)
    {
        var (body, footer) = Split(valid);
        // every cut: a varint, a string, a list or a struct ends early
        for (var cut = 0; cut < footer.Length; cut++)
            yield return ($"footer cut to {cut} bytes", Join(body, footer[..cut]), true);
        var random = new Random(1103);
        for (var n = 0; n < 150; n++)
        {
            var at = random.Next(footer.Length);
            var bytes = footer.ToList();
            switch (n % 6)
            {
                case 0: // a varint that never ends within the footer
                    bytes.RemoveRange(at, bytes.Count - at);
                    bytes.AddRange(Enumerable.Repeat((byte)0xFF, random.Next(1, 12)));
                    yield return ($"a varint running off the end at {at}", Join(body, bytes), true);
                    break;
                case 1: // a forged huge count or length (list size, string length)
                    bytes.InsertRange(at, [0xF8, 0xFF, 0xFF, 0xFF, 0x07]);
                    yield return ($"a huge varint inserted at {at}", Join(body, bytes), false);
                    break;
                case 2: // a list header claiming 2^31-1 elements
                    bytes.InsertRange(at, [0x19, 0xFC, 0xFF, 0xFF, 0xFF, 0x07]);
                    yield return ($"a list of 2^31-1 structures inserted at {at}", Join(body, bytes), true);
                    break;
                case 3: // structures nested 5,000 deep (field 1, type struct, again and again)
                    bytes.InsertRange(at, Enumerable.Repeat((byte)0x1C, 5000));
                    yield return ($"5,000 nested structures at {at}", Join(body, bytes), true);
                    break;
                case 4: // one byte changed: field types, deltas, sizes
                    bytes[at] = (byte)random.Next(256);
                    yield return ($"byte {at} set to {bytes[at]:X2}", Join(body, bytes), false);
                    break;
                case 5: // a lying footer length
                    yield return ($"footer length stated as {footer.Length + at - footer.Length / 2}", Join(body, footer, footer.Length + at - (footer.Length / 2)), false);
                    break;
            }
        }
        yield return ("footer length larger than the file", Join(body, footer, int.MaxValue), true);
        yield return ("footer length negative", Join(body, footer, -5), true);
        yield return ("no footer at all", Join([.. "PAR1"u8], []), true);
    }

    /// <summary>Opens and reads the file the way apply does, within the bound; returns the error or null.</summary>
    private static string? ReadWithin(string path)
    {
        var read = OwnThread.Run(() =>
        {
            try
            {
                var source = DataSources.Open(path);
                foreach (var _ in source.ReadBatches(1000)) { }
                return null;
            }
            catch (SnorkelerException e) { return e.Message; }
        });
        if (!read.Wait(Bound)) throw new TimeoutException($"reading {path} did not end within {Bound.TotalSeconds} s");
        return read.Result;
    }

    [Theory]
    [InlineData("comments")]
    [InlineData("labels")]
    public void Damaged_footers_of_a_real_file_each_fail_within_a_bound_with_one_line_naming_the_file(string which)
    {
        // Given
        var valid = File.ReadAllBytes(which == "comments" ? Comments() : Labels());
        var path = _temp.File("damaged.parquet");
        var problems = new List<string>();
        var failed = 0;
        var cases = 0;
        foreach (var (what, bytes, mustFail) in DamagedFooters(valid))
        {
            File.WriteAllBytes(path, bytes);
            cases++;

            // When
            string? error;
            try { error = ReadWithin(path); }
            catch (Exception e) when (e is TimeoutException || e.InnerException is not null)
            {
                problems.Add($"{what}: {e.GetBaseException().GetType().Name}: {e.GetBaseException().Message}");
                continue;
            }

            // Then
            if (error is null)
            {
                if (mustFail) problems.Add($"{what}: read without an error");
                continue;
            }
            failed++;
            if (!error.StartsWith(path + ": ", StringComparison.Ordinal) || error.Contains('\n', StringComparison.Ordinal))
                problems.Add($"{what}: not one line naming the file: {error}");
        }
        problems.ShouldBeEmpty();
        failed.ShouldBeGreaterThan(cases / 2);
    }

    [Fact]
    public async Task A_damaged_footer_through_the_cli_is_exit_1_with_one_line_naming_the_file()
    {
        // Given: a varint cut by the end of the footer (once a loop for ever in Parquet.Net's reader)
        var (body, footer) = Split(File.ReadAllBytes(Comments()));
        var path = _temp.File("cut.parquet");
        File.WriteAllBytes(path, Join(body, [.. footer[..^3], 0xFF, 0xFF]));
        var lfs = _temp.Write("lfs2/spam.rules", "labels HAM, SPAM\n\nlf subscribe:\n    when Content contains \"subscribe\" label SPAM\n");

        // When
        var result = await OwnThread.Run(() => Shell.Run("apply", "--lfs", lfs, "--data", path, "--out", _temp.File("out.snkm"))).WaitAsync(Bound);

        // Then
        result.ShouldFailWith(1);
        result.ErrorLines.Length.ShouldBe(1);
        result.ErrorLines[0].ShouldStartWith($"error: {path}: damaged footer: ");
        File.Exists(_temp.File("out.snkm")).ShouldBeFalse();
    }

    [Fact]
    public void Forged_page_sizes_and_counts_fail_naming_the_file_and_the_column()
    {
        // Given: the first page header of the first column, its sizes and value count forged one at a time
        var valid = File.ReadAllBytes(Comments());
        var path = _temp.File("pages.parquet");
        var problems = new List<string>();
        var random = new Random(77);
        for (var n = 0; n < 120; n++)
        {
            var bytes = (byte[])valid.Clone();
            // page headers start right after the magic; damage somewhere in the first 64 bytes of the data
            var at = 4 + random.Next(64);
            bytes[at] = (byte)(n % 3 == 0 ? 0xFF : n % 3 == 1 ? 0x7F : random.Next(256));
            File.WriteAllBytes(path, bytes);

            // When
            string? error;
            try { error = ReadWithin(path); }
            catch (Exception e) when (e is TimeoutException || e.InnerException is not null)
            {
                problems.Add($"byte {at} = {bytes[at]:X2}: {e.GetBaseException().GetType().Name}: {e.GetBaseException().Message}");
                continue;
            }

            // Then
            if (error is not null && (!error.StartsWith(path + ": ", StringComparison.Ordinal) || error.Contains('\n', StringComparison.Ordinal)))
                problems.Add($"byte {at}: not one line naming the file: {error}");
        }
        problems.ShouldBeEmpty();
    }
}
