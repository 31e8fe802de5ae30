using System.Buffers.Binary;
using System.Text;

namespace Snorkeler.Reliability.Tests;

/// <summary>
/// Forged and hostile inputs found by the adversarial pass, each built at test time: they end in exit 1 and one
/// line naming the file (never an internal error), and memory stays bounded per record.
/// </summary>
public sealed class ForgedInputTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly string _lfs;

    public ForgedInputTests()
    {
        _lfs = Path.GetDirectoryName(_temp.Write("lfs/spam.rules", "labels HAM, SPAM\n\nlf subscribe:\n    when text contains \"subscribe\" label SPAM\n"))!;
        _temp.Write("wrench/label.json", "{\"0\": \"HAM\", \"1\": \"SPAM\"}");
    }

    public void Dispose() => _temp.Dispose();

    private static string Line(CliResult result) => result.ErrorLines[0];

    [Theory]
    [InlineData("data.jsonl", "{\"text\": \"a\\ud800b\"}\n")]
    [InlineData("data.jsonl", "{\"te\\udc00xt\": \"a\"}\n")]
    [InlineData("wrench/train.json", "{\"0\": {\"data\": {\"text\": \"a\\ud800\"}, \"label\": 0, \"weak_labels\": [0]}}")]
    public void A_lone_surrogate_escape_in_json_data_exits_1_naming_the_file(string name, string content)
    {
        var path = _temp.Write(name, content);

        var result = Shell.Run("apply", "--lfs", _lfs, "--data", path, "--out", _temp.File("m.snkm")).ShouldFailWith(1);

        Line(result).ShouldBe($"error: {path}: invalid text: a lone UTF-16 surrogate escape (such as \\ud800) is not a character");
    }

    [Fact]
    public void A_lone_surrogate_escape_in_label_json_exits_1_naming_label_json()
    {
        var labels = _temp.Write("wrench/label.json", "{\"0\": \"H\\ud800AM\", \"1\": \"SPAM\"}");
        var train = _temp.Write("wrench/train.json", "{\"0\": {\"data\": {\"text\": \"a\"}, \"label\": 0, \"weak_labels\": [0]}}");

        var result = Shell.Run("analyze", "--matrix", train).ShouldFailWith(1);

        Line(result).ShouldBe($"error: {labels}: invalid text: a lone UTF-16 surrogate escape (such as \\ud800) is not a character");
    }

    [Theory]
    [InlineData("{'descr': '|i1', 'fortran_order': False, 'shape': (99999999999999999999, 2), }", -1)]
    [InlineData("{'descr': '|i1', 'fortran_order': False, 'shape': (2147483647, 2147483647), }", -1)]
    [InlineData("{'descr': '|i1', 'fortran_order': False, 'shape': (2, 2), }", int.MaxValue)]
    [InlineData("{'descr': '|i1', 'fortran_order': False, 'shape': (2, 2), }", -20)]
    public void A_npy_file_with_an_absurd_shape_or_header_length_exits_1_naming_it(string header, int headerLength)
    {
        // Given: a version 2.0 header (4-byte length), forged where a length is given
        var dict = Encoding.ASCII.GetBytes(header + "\n");
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 2, 0 };
        var length = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, headerLength < 0 && headerLength != -20 ? dict.Length : headerLength);
        bytes.AddRange(length);
        bytes.AddRange(dict);
        bytes.AddRange(new byte[] { 1, 0, 255, 1 });
        var path = _temp.File("m.npy");
        File.WriteAllBytes(path, bytes.ToArray());

        var result = Shell.Run("analyze", "--matrix", path).ShouldFailWith(1);

        Line(result).ShouldStartWith($"error: {path}: ");
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(0x40000000)]
    [InlineData(int.MinValue)]
    public void A_snkm_block_whose_row_count_overflows_exits_1_naming_the_file(int rows)
    {
        // Given: a valid matrix whose first block's row count is forged
        var path = _temp.File("m.snkm");
        Shell.Run("apply", "--lfs", _lfs, "--data", _temp.Write("d.csv", "text\nsubscribe\nhello\n"), "--out", path).ShouldSucceed();
        var bytes = File.ReadAllBytes(path);
        var header = 4 + 2 + 2 + 1 + 4 + (4 + 3) + (4 + 3) + 4 + (4 + 9) + 8; // magic, version, width, gold, k + names, m + names, n
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(header), rows);
        File.WriteAllBytes(path, bytes);

        var result = Shell.Run("analyze", "--matrix", path).ShouldFailWith(1);

        Line(result).ShouldStartWith($"error: {path}: ");
    }

    [Fact]
    public void A_json_lines_record_over_the_limit_exits_1_naming_the_limit_without_holding_it_in_memory()
    {
        // Given: one 70 M-character line
        var path = _temp.File("huge.jsonl");
        using (var writer = new StreamWriter(path))
        {
            writer.Write("{\"text\": \"");
            var chunk = new string('a', 1 << 20);
            for (var i = 0; i < 70; i++) writer.Write(chunk);
            writer.Write("\"}\n");
        }

        var result = Shell.Run("apply", "--lfs", _lfs, "--data", path, "--out", _temp.File("m.snkm")).ShouldFailWith(1);

        Line(result).ShouldBe($"error: {path}(1): a line is longer than 67,108,864 characters (the limit for one JSON record)");
    }

    [Fact]
    public void An_output_name_with_glob_characters_is_written_and_leaves_other_runs_temporaries_alone()
    {
        // Given: a temporary file of another (dead) process for another output whose name the glob would match
        var other = _temp.Write(".a.csv.999999.0123456789abcdef0123456789abcdef.tmp", "another run's");
        var data = _temp.Write("d.csv", "text\nsubscribe\n");

        var result = Shell.Run("apply", "--lfs", _lfs, "--data", data, "--out", _temp.File("*.csv"));

        result.ShouldSucceed();
        File.ReadAllText(_temp.File("*.csv")).ShouldBe("subscribe\n1\n");
        File.Exists(other).ShouldBeTrue();
    }
}
