using System.Diagnostics;
using System.Text;
using Snorkeler.Reliability.Tests.Support;

namespace Snorkeler.Reliability.Tests;

/// <summary>Inputs too large or too odd for the corpus folder, generated at test time; and valid odd inputs that must succeed.</summary>
public sealed class LargeInputTests
{
    private static readonly string Lfs = Corpus.File("lfs", "ok");

    private static string Words(int chars)
    {
        var text = new StringBuilder(chars);
        string[] words = ["check ", "out ", "my ", "channel ", "song ", "subscribe "];
        var random = new Random(1);
        while (text.Length < chars) text.Append(words[random.Next(words.Length)]);
        return text.ToString(0, chars);
    }

    [Fact]
    public void A_50_mb_single_line_file_exits_1_within_seconds()
    {
        // Given: a file with no line break at all (a minified file passed as CSV)
        using var temp = new TempFolder();
        var data = temp.Write("one-line.csv", Words(50 << 20));
        var clock = Stopwatch.StartNew();

        // When
        var result = Shell.Run("apply", "--lfs", Lfs, "--data", data, "--out", temp.File("m.snkm"));

        // Then
        result.ShouldFailWith(1);
        result.ErrorLines.ShouldBe([$"error: {data}(1): header column 1 is 52,428,800 characters long (at most 1,024); is the first line a header naming the columns?"]);
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30));
        File.Exists(temp.File("m.snkm")).ShouldBeFalse();
    }

    [Fact]
    public void A_50_mb_line_with_an_unclosed_quote_exits_1_naming_the_line()
    {
        using var temp = new TempFolder();
        var data = temp.Write("quote.csv", "text,stars\nhello,1\n\"" + Words(50 << 20) + ",2\n");

        var result = Shell.Run("apply", "--lfs", Lfs, "--data", data, "--out", temp.File("m.snkm"));

        result.ShouldFailWith(1);
        result.ErrorLines.ShouldBe([$"error: {data}(3): malformed quoted field (an unclosed or stray quote)"]);
    }

    [Fact]
    public void A_record_longer_than_the_limit_exits_1_instead_of_running_out_of_memory()
    {
        using var temp = new TempFolder();
        var data = temp.Write("long.csv", "text,stars\n\"" + Words(70 << 20) + "\",2\n");

        var result = Shell.Run("apply", "--lfs", Lfs, "--data", data, "--out", temp.File("m.snkm"));

        result.ShouldFailWith(1);
        result.ErrorLines.ShouldBe([$"error: {data}(2): a record is longer than 67,108,864 characters (an unclosed quote?)"]);
    }

    [Fact]
    public void A_utf16_csv_with_a_byte_order_mark_is_read()
    {
        using var temp = new TempFolder();

        var result = Shell.Run("apply", "--lfs", Lfs, "--data", Corpus.File("data", "utf16.csv"), "--out", temp.File("m.csv"));

        result.ShouldSucceed();
        File.ReadAllText(temp.File("m.csv")).ShouldBe("keyword_subscribe,keyword_song\n1,-1\n-1,0\n");
    }

    [Fact]
    public void Numbers_that_are_not_numbers_are_missing_so_the_lf_abstains()
    {
        using var temp = new TempFolder();

        var result = Shell.Run("apply", "--lfs", Corpus.File("lfs", "stars"), "--data", Corpus.File("data", "not-numbers.csv"), "--out", temp.File("m.csv"));

        result.ShouldSucceed();
        File.ReadAllText(temp.File("m.csv")).ShouldBe("many_stars,keyword_subscribe\n0,-1\n-1,1\n-1,-1\n");
    }
}
