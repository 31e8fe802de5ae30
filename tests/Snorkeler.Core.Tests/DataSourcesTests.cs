using Snorkeler.Core.Tests.Support;
using Snorkeler.Data;
using Snorkeler.IO;

namespace Snorkeler.Core.Tests;

public class DataSourcesTests
{
    [Fact]
    public void Every_ending_messages_name_for_data_or_matrices_is_one_that_is_read()
    {
        // Given an empty file of each ending the CLI's messages list for data and for matrices
        using var temp = new TempFolder();

        // When each data file is opened
        var refusals = DataSources.Endings
            .Select(ending => Record.Exception(() => DataSources.Open(temp.Write("empty" + ending, ""))))
            .ToList();

        // Then each is read as its format (which may find the file empty), none refused for its ending; and a matrix
        // option reads each data ending and each matrix-only one
        refusals.ShouldAllBe(e => e == null || !e.Message.Contains("unknown data format"));
        DataSources.Endings.Concat(MatrixFile.MatrixOnlyEndings).ShouldAllBe(ending => MatrixFile.KnownFormat("m" + ending) != null);
        DataSources.Extensions.Count.ShouldBe(DataSources.Endings.Count);
    }

    [Theory]
    [InlineData("d.csv", new byte[] { 0x1F, 0x8B, 0x08, 0x00, 0xA7, 0xF1 }, "the file is gzip-compressed, not text: decompress it first (gunzip)")]
    [InlineData("d.jsonl", new byte[] { 0x1F, 0x8B, 0x08, 0x00, 0xA7, 0xF1 }, "the file is gzip-compressed, not text: decompress it first (gunzip)")]
    [InlineData("book.csv", new byte[] { 0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0xC3, 0xFF }, "the file is a zip archive, not text (an Excel workbook, .xlsx, is one): save the sheet as CSV UTF-8, or unzip the file")]
    [InlineData("book.csv", new byte[] { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 }, "the file is an Excel 97-2003 workbook (.xls), not text: save the sheet as CSV UTF-8")]
    [InlineData("d.tsv", new byte[] { 0x50, 0x41, 0x52, 0x31, 0x15, 0x04, 0x15, 0xFF }, "the file is Parquet, not text: name it .parquet")]
    [InlineData("d.csv", new byte[] { 0x42, 0x5A, 0x68, 0x39, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59, 0xC1, 0xFF }, "the file is bzip2-compressed, not text: decompress it first (bunzip2)")]
    [InlineData("d.csv", new byte[] { 0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00, 0x00, 0x04, 0xE6, 0xD6 }, "the file is xz-compressed, not text: decompress it first (unxz)")]
    [InlineData("d.csv", new byte[] { 0x28, 0xB5, 0x2F, 0xFD, 0x24, 0x05, 0x29, 0x00, 0x00, 0xFF }, "the file is zstd-compressed, not text: decompress it first (unzstd)")]
    public void A_compressed_file_or_workbook_named_as_text_data_says_what_it_is_not_to_save_it_as_utf8(string name, byte[] bytes, string what)
    {
        // Given a binary file under a text data file's name
        using var temp = new TempFolder();
        var path = temp.File(name);
        File.WriteAllBytes(path, bytes);

        // When it is read
        var error = Should.Throw<SnorkelerException>(() => Rows.Of(DataSources.Open(path)).ToList());

        // Then (before: "d.csv(1): invalid UTF-8 at byte 1 (save the file as UTF-8)")
        error.Message.ShouldBe($"{path}: {what}");
    }

    [Theory]
    [InlineData("BZh9_score,text\n1,caf\xE9\n")]
    [InlineData("PAR1_score,text\n1,caf\xE9\n")]
    public void Text_that_begins_as_a_binary_format_s_signature_does_is_told_its_bad_byte_not_that_format(string latin1)
    {
        // Given a Latin-1 CSV whose header begins with the letters of bzip2's or Parquet's signature
        using var temp = new TempFolder();
        var path = temp.File("d.csv");
        File.WriteAllBytes(path, latin1.Select(c => (byte)c).ToArray());

        // When it is read, Then its bad byte is named, not a format it is not
        var error = Should.Throw<SnorkelerException>(() => Rows.Of(DataSources.Open(path)).ToList());
        error.Message.ShouldContain("invalid UTF-8");
    }

    [Theory]
    [InlineData("d.csv.gz", "; decompress it first")]
    [InlineData("book.xlsx", "; save the sheet as CSV UTF-8")]
    public void A_compressed_file_or_workbook_by_its_ending_says_what_to_do(string name, string hint)
    {
        using var temp = new TempFolder();
        var path = temp.Write(name, "x");

        Should.Throw<SnorkelerException>(() => DataSources.Open(path)).Message.ShouldEndWith($"(expected {string.Join(", ", DataSources.Extensions)}){hint}");
    }
}
