using System.Text;
using Snorkeler.Core.Tests.Support;
using Snorkeler.IO;

namespace Snorkeler.Core.Tests;

public class NpyInteropTests
{
    /// <summary>A .npy file as numpy.save writes it: magic, version, header length, dict padded to 64 bytes, data.</summary>
    private static byte[] Npy(string descr, string shape, byte[] data, byte major = 1, string fortran = "False")
    {
        var dict = $"{{'descr': '{descr}', 'fortran_order': {fortran}, 'shape': {shape}, }}";
        var prefix = major == 1 ? 10 : 12;
        var total = (prefix + dict.Length + 1 + 63) / 64 * 64;
        var header = dict.PadRight(total - prefix - 1) + "\n";
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', major, 0 };
        bytes.AddRange(major == 1 ? BitConverter.GetBytes((ushort)header.Length) : BitConverter.GetBytes(header.Length));
        bytes.AddRange(Encoding.ASCII.GetBytes(header));
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    private static byte[] Int64s(params long[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    [Fact]
    public void A_numpy_int64_array_reads_as_a_matrix_with_default_names()
    {
        using var temp = new TempFolder();
        var path = temp.File("L.npy");
        File.WriteAllBytes(path, Npy("<i8", "(2, 3)", Int64s(0, -1, 1, 2, 1, -1)));

        var matrix = MatrixFile.Read(path);

        matrix.LfNames.ShouldBe(["lf_0", "lf_1", "lf_2"]);
        matrix.Schema.ClassNames.ShouldBe(["0", "1", "2"]);
        Some.Votes(matrix).ShouldBe([0, -1, 1, 2, 1, -1]);
    }

    [Fact]
    public void An_int8_array_reads_in_blocks_to_the_same_votes_as_the_same_array_in_int64()
    {
        using var temp = new TempFolder();
        var random = new Random(16);
        var votes = Enumerable.Range(0, 3001 * 7).Select(_ => (long)random.Next(-1, 3)).ToArray();
        var narrow = temp.File("narrow.npy");
        var wide = temp.File("wide.npy");
        File.WriteAllBytes(narrow, Npy("|i1", "(3001, 7)", votes.Select(v => (byte)(sbyte)v).ToArray()));
        File.WriteAllBytes(wide, Npy("<i8", "(3001, 7)", Int64s(votes)));

        var a = MatrixFile.Open(narrow).ReadBlocks(1000).ToList();
        var b = MatrixFile.Open(wide).ReadBlocks(1000).ToList();

        a.Select(x => x.FirstRow).ShouldBe([0L, 1000L, 2000L, 3000L]);
        a.Select(x => x.FirstRow).ShouldBe(b.Select(x => x.FirstRow));
        MatrixFile.Concat(a).Schema.ClassNames.ShouldBe(["0", "1", "2"]);
        Some.Votes(MatrixFile.Concat(a)).ShouldBe(Some.Votes(MatrixFile.Concat(b)));
        Some.Votes(MatrixFile.Concat(a)).ShouldBe(votes.Select(v => (int)v).ToArray());
    }

    [Fact]
    public void An_int8_vote_below_minus_one_is_refused_naming_row_and_lf()
    {
        using var temp = new TempFolder();
        var path = temp.File("L.npy");
        File.WriteAllBytes(path, Npy("|i1", "(2, 2)", [0, 1, 1, unchecked((byte)-3)]));

        Should.Throw<SnorkelerException>(() => MatrixFile.Read(path)).Message.ShouldBe($"{path}: row 2, LF 2: vote -3 is neither -1 nor a class number");
    }

    [Theory]
    [InlineData("<i2", 32767)]
    [InlineData("<i4", 40000)]
    public void A_vote_past_the_largest_class_number_is_told_the_limit_naming_row_and_lf(string descr, int vote)
    {
        // Given: without a sidecar the classes are numbered 0 to the largest vote, at most 32,767 of them
        using var temp = new TempFolder();
        var path = temp.File("L.npy");
        byte[] data = descr == "<i2"
            ? [.. new short[] { 0, 1, 1, (short)vote }.SelectMany(BitConverter.GetBytes)]
            : [.. new[] { 0, 1, 1, vote }.SelectMany(BitConverter.GetBytes)];
        File.WriteAllBytes(path, Npy(descr, "(2, 2)", data));

        // When / Then (32767 was "a labelling task has at most 32,767 classes ..., got 32,768", which the CLI called damage;
        // 40000 was "neither -1 nor a class number", though it is one)
        Should.Throw<SnorkelerException>(() => MatrixFile.Read(path)).Message
            .ShouldBe($"{path}: row 2, LF 2: vote {vote} is past the largest class number a matrix holds (32,766)");
    }

    [Fact]
    public void A_version_2_header_and_int32_data_are_read()
    {
        using var temp = new TempFolder();
        var path = temp.File("L.npy");
        File.WriteAllBytes(path, Npy("<i4", "(1, 2)", [.. BitConverter.GetBytes(1), .. BitConverter.GetBytes(-1)], major: 2));

        Some.Votes(MatrixFile.Read(path)).ShouldBe([1, -1]);
    }

    [Fact]
    public void A_fortran_ordered_array_is_refused_with_advice()
    {
        using var temp = new TempFolder();
        var path = temp.File("L.npy");
        File.WriteAllBytes(path, Npy("<i8", "(1, 2)", Int64s(0, 1), fortran: "True"));

        Should.Throw<SnorkelerException>(() => MatrixFile.Read(path)).Message.ShouldContain("numpy.ascontiguousarray");
    }

    [Theory]
    [InlineData("<f8", "dtype '<f8' is not one read here: votes are signed little-endian integers, int8, int16, int32 or int64 ('<i1', '<i2', '<i4', '<i8'); convert them with numpy, e.g. numpy.save(path, L.astype('int8'))")]
    [InlineData(">i8", "dtype '>i8' is not one read here: votes are signed little-endian integers, int8, int16, int32 or int64 ('<i1', '<i2', '<i4', '<i8'); convert them with numpy, e.g. numpy.save(path, L.astype('int8'))")]
    [InlineData("|u1", "dtype '|u1' is not one read here: votes are signed little-endian integers, int8, int16, int32 or int64 ('<i1', '<i2', '<i4', '<i8'); convert them with numpy, e.g. numpy.save(path, L.astype('int8'))")]
    public void A_non_integer_or_big_endian_array_is_refused(string descr, string expected)
    {
        using var temp = new TempFolder();
        var path = temp.File("L.npy");
        File.WriteAllBytes(path, Npy(descr, "(1, 1)", Int64s(0)));

        Should.Throw<SnorkelerException>(() => MatrixFile.Read(path)).Message.ShouldBe($"{path}: {expected}");
    }

    [Fact]
    public void A_vote_below_minus_one_is_refused_naming_row_and_lf()
    {
        using var temp = new TempFolder();
        var path = temp.File("L.npy");
        File.WriteAllBytes(path, Npy("<i8", "(2, 2)", Int64s(0, 1, 1, -3)));

        Should.Throw<SnorkelerException>(() => MatrixFile.Read(path)).Message.ShouldBe($"{path}: row 2, LF 2: vote -3 is neither -1 nor a class number");
    }

    [Fact]
    public void A_sidecar_naming_another_number_of_lfs_is_refused()
    {
        using var temp = new TempFolder();
        var path = temp.File("L.npy");
        MatrixFile.Write(path, Some.RandomMatrix(3, 2, 2, seed: 1));
        File.WriteAllText(MatrixFile.SchemaSidecar(path), """{"classes": ["HAM", "SPAM"], "lfs": ["only_one"]}""");

        Should.Throw<SnorkelerException>(() => MatrixFile.Read(path)).Message.ShouldStartWith(MatrixFile.SchemaSidecar(path));
    }

    [Fact]
    public void A_csv_vote_outside_the_sidecars_many_classes_names_the_first_twenty_of_them_as_other_messages_do()
    {
        // Given a sidecar of 30 classes and a vote of 30
        using var temp = new TempFolder();
        var path = temp.Write("L.csv", "a,b\n0,30\n");
        File.WriteAllText(MatrixFile.SchemaSidecar(path), $$"""{"classes": [{{string.Join(", ", Enumerable.Range(0, 30).Select(c => $"\"c{c}\""))}}], "lfs": ["a", "b"]}""");

        // When, Then: the classes are cut as a message lists them (before: all 30)
        var first = string.Join(", ", Enumerable.Range(0, 20).Select(c => $"c{c}={c}"));
        Should.Throw<SnorkelerException>(() => MatrixFile.Read(path)).Message.ShouldBe($"{path}(2): column 'b': a label of 30 is out of range for classes {first} and 10 more");
    }

    [Fact]
    public void A_csv_vote_outside_the_sidecars_classes_is_refused_naming_its_line_and_column()
    {
        using var temp = new TempFolder();
        var path = temp.Write("L.csv", "a,b\n0,2\n");
        File.WriteAllText(MatrixFile.SchemaSidecar(path), """{"classes": ["HAM", "SPAM"], "lfs": ["a", "b"]}""");

        Should.Throw<SnorkelerException>(() => MatrixFile.Read(path)).Message.ShouldBe($"{path}(2): column 'b': a label of 2 is out of range for classes HAM=0, SPAM=1");
    }

    [Fact]
    public void An_npy_matrix_reads_the_gold_labels_its_sidecar_names_by_a_full_path()
    {
        // Given a matrix whose hand-written sidecar names its gold labels by their full path, in another folder
        // (before: the path was joined to the matrix's folder, and the file was "no such file beside the matrix")
        using var temp = new TempFolder();
        var path = temp.File("L.npy");
        File.WriteAllBytes(path, Npy("|i1", "(2, 2)", [0, 1, 1, unchecked((byte)-1)]));
        var gold = Path.Combine(Directory.CreateDirectory(temp.File("labels")).FullName, "dev-gold.npy");
        File.WriteAllBytes(gold, Npy("|i1", "(2,)", [1, 0]));
        File.WriteAllText(MatrixFile.SchemaSidecar(path), $$"""{"classes": ["HAM", "SPAM"], "gold": {{System.Text.Json.JsonSerializer.Serialize(gold)}}}""");

        // When
        var matrix = MatrixFile.Read(path);

        // Then
        matrix.GoldLabels.ToArray().ShouldBe([1, 0]);
    }

    [Fact]
    public void Every_enumeration_of_a_binary_matrix_starts_again_from_the_first_row()
    {
        using var temp = new TempFolder();
        var path = temp.File("m.snkm");
        var matrix = Some.RandomMatrix(50, 3, 2, seed: 4, gold: true);
        MatrixFile.Write(path, matrix);
        var source = MatrixFile.Open(path);

        var first = MatrixFile.Concat(source.ReadBlocks(9));
        var second = MatrixFile.Concat(source.ReadBlocks(50));

        first.ShouldEqual(matrix);
        second.ShouldEqual(matrix);
    }
}
