using Snorkeler.Cli.Tests.Support;

namespace Snorkeler.Cli.Tests;

/// <summary>Matrix files whose votes, rows or bytes do not add up: every command and every model refuses them with one line naming the file.</summary>
public class DamagedMatrixTests
{
    private static readonly string[] XY = ["x", "y"];
    private static readonly string[] ABC = ["a", "b", "c"];

    private static string WriteBytes(TempFolder temp, string name, byte[] bytes)
    {
        var path = temp.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string HalfOfAMatrix(TempFolder temp)
    {
        var whole = RawMatrix.Snkm(XY, ABC, Enumerable.Range(0, 40).Select(i => new sbyte[] { (sbyte)(i % 2), -1, 1 }).ToArray());
        return WriteBytes(temp, "half.snkm", whole[..(whole.Length / 2)]);
    }

    /// <summary>A two-class .npy (its sidecar names x and y) whose 3rd row's 2nd LF voted 5.</summary>
    private static string NpyWithAFiveInRow3(TempFolder temp)
    {
        temp.Write("m.npy.schema.json", """{"format": "snorkeler.matrix-schema", "version": 1, "classes": ["x", "y"]}""");
        return WriteBytes(temp, "m.npy", RawMatrix.Npy([[0, 1], [1, -1], [-1, 5]]));
    }

    [Theory]
    [InlineData("mv")]
    [InlineData("snorkel")]
    public void Fit_refuses_a_truncated_snkm_whatever_the_model(string model)
    {
        using var temp = new TempFolder();
        var path = HalfOfAMatrix(temp);

        Shell.Run("fit", "--matrix", path, "--model", model, "--out", temp.File("m.json"))
            .ShouldFailStartingWith(1, $"error: {path}: truncated");

        File.Exists(temp.File("m.json")).ShouldBeFalse();
    }

    [Fact]
    public void Fit_mv_refuses_a_snkm_whose_header_promises_more_rows_than_it_holds()
    {
        using var temp = new TempFolder();
        var path = WriteBytes(temp, "more.snkm", RawMatrix.Snkm(XY, ABC, [[0, 1, -1], [1, 1, 1]], rowCount: 3));

        Shell.Run("fit", "--matrix", path, "--model", "mv", "--out", temp.File("m.json"))
            .ShouldFailWith(1, $"error: {path}: the header says 3 rows but the file holds 2");
    }

    [Fact]
    public void Fit_mv_refuses_an_npy_vote_that_is_not_a_class()
    {
        using var temp = new TempFolder();
        var path = NpyWithAFiveInRow3(temp);

        Shell.Run("fit", "--matrix", path, "--model", "mv", "--out", temp.File("m.json"))
            .ShouldFailWith(1, $"error: {path}: row 3, LF 2: vote 5 is neither -1 nor a class of x=0, y=1");
    }

    [Fact]
    public void Compare_refuses_a_truncated_training_matrix_for_mv()
    {
        using var temp = new TempFolder();
        var train = HalfOfAMatrix(temp);
        var test = WriteBytes(temp, "test.snkm", RawMatrix.Snkm(XY, ABC, [[0, 1, -1], [1, 1, 1]], gold: [0, 1]));

        Shell.Run("compare", "--train", train, "--test", test, "--models", "mv")
            .ShouldFailStartingWith(1, $"error: {train}: truncated");
    }

    [Theory]
    [InlineData("analyze")]
    [InlineData("fit")]
    public void A_snkm_vote_that_is_not_a_class_is_one_line_naming_the_file_row_and_lf(string command)
    {
        using var temp = new TempFolder();
        var path = WriteBytes(temp, "m.snkm", RawMatrix.Snkm(XY, ABC, [[0, 1, 7], [1, 1, 1]]));
        string[] args = command == "fit" ? ["fit", "--matrix", path, "--model", "snorkel", "--out", temp.File("m.json")] : ["analyze", "--matrix", path];

        Shell.Run(args).ShouldFailWith(1, $"error: {path}: row 1: LF 'c' voted 7, which is not a class of x=0, y=1 or -1");
    }

    [Fact]
    public void A_wrench_label_file_with_a_repeated_class_is_one_line_naming_it()
    {
        using var temp = new TempFolder();
        var labels = temp.Write("label.json", """{"0": "A", "1": "A"}""");
        var train = temp.Write("train.json", """{"0": {"data": {"text": "a"}, "label": 0, "weak_labels": [0, -1]}}""");

        Shell.Run("fit", "--matrix", train, "--model", "snorkel", "--out", temp.File("m.json"))
            .ShouldFailWith(1, $"error: {labels}: class name 'A' is repeated");
    }

    [Fact]
    public void A_schema_sidecar_with_one_class_is_one_line_naming_it_and_the_field()
    {
        using var temp = new TempFolder();
        var path = WriteBytes(temp, "m.npy", RawMatrix.Npy([[0, 1], [1, -1]]));
        var sidecar = temp.Write("m.npy.schema.json", """{"format": "snorkeler.matrix-schema", "version": 1, "classes": ["x"]}""");

        Shell.Run("analyze", "--matrix", path)
            .ShouldFailWith(1, $"error: {sidecar}: invalid matrix schema file: field 'classes': a labelling task needs at least two classes, got 1");
    }

    [Fact]
    public void An_npy_vote_that_is_not_a_class_is_named_by_its_1_based_row_and_lf()
    {
        using var temp = new TempFolder();
        var path = NpyWithAFiveInRow3(temp);

        Shell.Run("analyze", "--matrix", path).ShouldFailWith(1, $"error: {path}: row 3, LF 2: vote 5 is neither -1 nor a class of x=0, y=1");
    }

    [Fact]
    public void A_snkm_gold_label_out_of_range_is_named_by_its_1_based_row()
    {
        using var temp = new TempFolder();
        var path = WriteBytes(temp, "m.snkm", RawMatrix.Snkm(XY, ABC, [[0, 1, -1], [1, 1, 1]], gold: [0, 9]));

        Shell.Run("analyze", "--matrix", path).ShouldFailWith(1, $"error: {path}: row 2: gold label 9 is out of range");
    }

    [Theory]
    [InlineData("analyze")]
    [InlineData("fit")]
    public void A_snkm_with_bytes_after_its_end_marker_is_refused_naming_the_file(string command)
    {
        using var temp = new TempFolder();
        var path = WriteBytes(temp, "trail.snkm", [.. RawMatrix.Snkm(XY, ABC, [[0, 1, -1], [1, 1, 1]]), 1, 2, 3]);

        var args = command == "fit" ? new[] { "fit", "--matrix", path, "--model", "mv", "--out", temp.File("m.json") } : ["analyze", "--matrix", path];
        Shell.Run(args).ShouldFailWith(1, $"error: {path}: 3 bytes after the end marker (a damaged or concatenated file?)");
        File.Exists(temp.File("m.json")).ShouldBeFalse();
    }

    [Fact]
    public void A_snkm_lf_name_that_is_not_valid_UTF8_is_refused_naming_the_file()
    {
        // Given an LF name whose bytes are no UTF-8 (it became U+FFFD and read without complaint)
        using var temp = new TempFolder();
        var path = WriteBytes(temp, "badutf.snkm", RawMatrix.Snkm(XY, ABC, [[0, 1, -1]], lfNameBytes: [[0x61], [0xC3, 0x28], [0x63]]));

        Shell.Run("analyze", "--matrix", path).ShouldFailWith(1, $"error: {path}: damaged header (a class or LF name is not valid UTF-8)");
    }

    [Theory]
    [InlineData("\"x\"")]
    [InlineData("\"snorkeler.label-model\"")]
    [InlineData("1")]
    public void A_schema_sidecar_of_another_format_is_refused_naming_it_and_the_field(string format)
    {
        using var temp = new TempFolder();
        var path = WriteBytes(temp, "m.npy", RawMatrix.Npy([[0, 1], [1, -1]]));
        var sidecar = temp.Write("m.npy.schema.json", $$"""{"format": {{format}}, "version": 1, "classes": ["x", "y"]}""");

        Shell.Run("analyze", "--matrix", path)
            .ShouldFailWith(1, $"error: {sidecar}: invalid matrix schema file: field 'format' is {format}, not \"snorkeler.matrix-schema\"");
    }

    [Fact]
    public void A_schema_sidecar_without_a_format_field_is_still_read()
    {
        using var temp = new TempFolder();
        var path = WriteBytes(temp, "m.npy", RawMatrix.Npy([[0, 1], [1, -1]]));
        temp.Write("m.npy.schema.json", """{"classes": ["x", "y"]}""");

        Shell.Run("analyze", "--matrix", path).ShouldSucceed();
    }

    [Theory]
    [InlineData("|i1")]
    [InlineData("<i1")]
    [InlineData(">i1")]
    [InlineData("=i1")]
    public void An_npy_of_bytes_is_read_whatever_byte_order_its_dtype_names(string descr)
    {
        // Given a 2 × 2 matrix of one-byte votes whose dtype carries any byte-order mark (a byte has none)
        using var temp = new TempFolder();
        var path = WriteBytes(temp, "m.npy", RawMatrix.Npy([[0, 1], [1, -1]], $"{{'descr': '{descr}', 'fortran_order': False, 'shape': (2, 2), }}"));

        // When / Then
        var result = Shell.Run("analyze", "--matrix", path, "--format", "json").ShouldSucceed();
        result.Out.ShouldContain("\"rows\": 2");
    }

    [Theory]
    [InlineData("appended", "2 bytes after the array's data, which shape (2, 2) of |i1 makes 4 bytes (a damaged or concatenated file?)")]
    [InlineData("{'descr': '|i1', 'fortran_order':True, 'shape': (2, 2), }", "Fortran-ordered arrays are not supported; save with numpy.ascontiguousarray")]
    [InlineData("{'descr': '|i1', 'fortran_order': False, 'shape': (2, 2), ", "damaged .npy header: the dictionary is never closed (no '}')")]
    [InlineData("{'descr': '|i1', 'fortran_order': False, 'shape': (2, 2), 'shape': (4, 1)}", "damaged .npy header: it names 'shape' twice")]
    [InlineData("{'descr': '|i1', 'fortran_order': False, 'shape': (1000000000000, 0), }", "the array has shape (1000000000000, 0): no column, and a label matrix has one per LF")]
    [InlineData("version 4", "unsupported .npy format version 4.0 (Snorkeler reads 1.0, 2.0 and 3.0, as numpy writes them)")]
    public async Task An_npy_whose_header_or_size_does_not_fit_its_data_is_refused_naming_the_fault(string damage, string message)
    {
        // Given a 2 × 2 matrix with bytes after its data, a header numpy would not read or one that makes the data another shape
        // (before: read as it came, the Fortran order missed without its space; the (n, 0) shape hung; version 4 was "truncated")
        using var temp = new TempFolder();
        sbyte[][] votes = [[0, 1], [1, -1]];
        var bytes = damage switch
        {
            "appended" => [.. RawMatrix.Npy(votes), 1, 1],
            "version 4" => RawMatrix.Npy(votes).Select((b, i) => i == 6 ? (byte)4 : b).ToArray(),
            _ => RawMatrix.Npy(votes, damage),
        };
        var path = WriteBytes(temp, "m.npy", bytes);

        // When
        var result = await OwnThread.Run(() => Shell.Run("analyze", "--matrix", path)).WaitAsync(TimeSpan.FromSeconds(20));

        // Then
        result.ShouldFailWith(1, $"error: {path}: {message}");
    }

    [Theory]
    [InlineData("appended", "{0}: 1 byte after the array's data, which shape (2,) of |i1 makes 2 bytes (a damaged or concatenated file?)")]
    [InlineData("7", "{0}: row 2: gold label 7 is out of range for classes x=0, y=1")]
    [InlineData("3 rows", "{0}: holds 3 gold labels but the matrix {1} has 2 rows")]
    public void A_damaged_npy_gold_file_is_the_file_named(string damage, string message)
    {
        // Given a matrix whose sidecar names gold labels in m.gold.npy, damaged (before: its extra byte was read as
        // nothing, and an out-of-range label was blamed on the matrix)
        using var temp = new TempFolder();
        var path = WriteBytes(temp, "m.npy", RawMatrix.Npy([[0, 1], [1, -1]]));
        temp.Write("m.npy.schema.json", """{"classes": ["x", "y"], "gold": "m.gold.npy"}""");
        var gold = RawMatrix.Npy([[0], [1]], "{'descr': '|i1', 'fortran_order': False, 'shape': (2,), }");
        gold = damage switch
        {
            "appended" => [.. gold, 0],
            "7" => [.. gold[..^1], 7],
            _ => RawMatrix.Npy([[0], [1], [1]], "{'descr': '|i1', 'fortran_order': False, 'shape': (3,), }"),
        };
        var goldPath = WriteBytes(temp, "m.gold.npy", gold);

        Shell.Run("analyze", "--matrix", path).ShouldFailWith(1, "error: " + string.Format(System.Globalization.CultureInfo.InvariantCulture, message, goldPath, path));
    }
}
