using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Snorkeler.Core.Tests.Support;
using Snorkeler.IO;

namespace Snorkeler.Core.Tests;

public class MatrixFileTests
{
    public static TheoryData<string, int> FormatsAndCardinalities => new()
    {
        { ".snkm", 2 }, { ".snkm", 200 },
        { ".csv", 2 }, { ".csv", 200 },
        { ".npy", 2 }, { ".npy", 200 },
    };

    [Theory]
    [MemberData(nameof(FormatsAndCardinalities))]
    public void A_matrix_round_trips_with_its_class_and_lf_names(string extension, int k)
    {
        // Given
        using var temp = new TempFolder();
        var schema = Some.Classes(k);
        var matrix = LabelMatrix.Create(schema, ["keyword_my", "has \"link\", maybe", "lf_é"],
            [k - 1, -1, 0, -1, -1, -1, 1, k - 1, -1]);
        var path = temp.File("matrix" + extension);

        // When
        MatrixFile.Write(path, matrix);
        var read = MatrixFile.Read(path);

        // Then
        read.ShouldEqual(matrix, compareGold: false);
        read.IsNarrow.ShouldBe(k <= 127);
    }

    [Theory]
    [InlineData("ab", "bb", "LF name 'bb' is given twice (LFs 1 and 2)")]
    [InlineData("ab", "", "LF 1 has an empty name")]
    public void A_binary_matrix_whose_LFs_share_a_name_or_have_none_is_refused_naming_them(string written, string patched, string problem)
    {
        // Given a .snkm matrix of LFs 'ab' and 'bb', its first name patched in the file (a writer of its own, a damaged copy)
        using var temp = new TempFolder();
        var path = temp.File("m.snkm");
        MatrixFile.Write(path, LabelMatrix.Create(Some.HamSpam, [written, "bb"], [0, 1, -1, 1]));
        var bytes = File.ReadAllBytes(path);
        var at = bytes.AsSpan().IndexOf("ab"u8);
        if (patched.Length == 0)
        {
            // A name is its length (a little-endian int) and its bytes: an empty one is length 0 and no bytes.
            bytes[at - 4] = 0;
            bytes = [.. bytes.AsSpan(0, at), .. bytes.AsSpan(at + 2)];
        }
        else Encoding.UTF8.GetBytes(patched).CopyTo(bytes, at);
        File.WriteAllBytes(path, bytes);

        // When / Then: the error names the file and the LFs (a model checks a matrix's LFs by name, so one name twice let a
        // reordered matrix through)
        Should.Throw<SnorkelerException>(() => MatrixFile.Open(path)).Message.ShouldStartWith($"{path}: {problem}");
    }

    [Fact]
    public void Csv_votes_written_as_floats_as_pandas_writes_a_column_with_a_missing_value_read_as_their_whole_numbers()
    {
        // Given a matrix saved from a pandas frame of floats (NaN, an empty cell, for some abstains), and one of whole numbers
        using var temp = new TempFolder();
        var floats = temp.Write("floats.csv", "a,b,c\n1.0,,0.0\n-1.0,1.00,\n");
        var whole = temp.Write("whole.csv", "a,b,c\n1,-1,0\n-1,1,-1\n");

        // When, Then: the same votes (before: "floats.csv(2): column 'a': '1.0' is not a label (-1 or a class number)")
        Some.Votes(MatrixFile.Read(floats)).ShouldBe(Some.Votes(MatrixFile.Read(whole)));
        // a fraction that is not zero is still no label
        var half = temp.Write("half.csv", "a,b\n0,1.5\n");
        Should.Throw<SnorkelerException>(() => MatrixFile.Read(half)).Message.ShouldStartWith($"{half}(2): column 'b': '1.5' is not a label (-1 or a class number)");
    }

    [Theory]
    [InlineData("40000")]
    [InlineData("32767")]
    public void A_csv_vote_past_the_largest_class_number_is_told_the_limit(string vote)
    {
        // Given a CSV matrix without a sidecar, one vote a class number past what a matrix holds: classes are numbered 0 to
        // the largest vote, at most 32,767 of them, so 32,766 is the largest class number
        using var temp = new TempFolder();
        var path = temp.File("m.csv");
        File.WriteAllText(path, $"a,b\n0,1\n{vote},1\n");

        // When / Then (it said "'40000' is not a label (-1 or a class number)", though it is a class number; and 32767, under
        // the limit it gave, was "a labelling task has at most 32,767 classes ..., got 32,768", which ReadGuard called damage)
        Should.Throw<SnorkelerException>(() => MatrixFile.Read(path)).Message
            .ShouldBe($"{path}(3): column 'a': class {vote} is past the largest class number a matrix holds (32,766)");
    }

    [Fact]
    public void A_csv_vote_of_the_largest_class_number_is_read()
    {
        using var temp = new TempFolder();
        var path = temp.File("m.csv");
        File.WriteAllText(path, "a,b\n0,1\n32766,1\n");

        MatrixFile.Read(path).Schema.Cardinality.ShouldBe(LabelSchema.MaxCardinality);
    }

    [Theory]
    [InlineData("", "the file is empty; it names the matrix's classes, such as {\"classes\": [\"HAM\", \"SPAM\"]}")]
    [InlineData("  \n", "the file is empty; it names the matrix's classes, such as {\"classes\": [\"HAM\", \"SPAM\"]}")]
    [InlineData("{\"classes\": [\"HAM\", \"SPAM\"],\n}", "(2): invalid matrix schema file: a comma after the last member of an object (remove it)")]
    public void An_empty_or_invalid_schema_sidecar_is_an_error_in_the_reader_s_words(string text, string message)
    {
        // Given (an empty sidecar gave System.Text.Json's "The input does not contain any JSON tokens ... LineNumber: 0 | BytePositionInLine: 0.")
        using var temp = new TempFolder();
        var path = temp.File("m.csv");
        File.WriteAllText(path, "a,b\n0,1\n-1,1\n");
        File.WriteAllText(MatrixFile.SchemaSidecar(path), text);

        // When
        var error = Should.Throw<SnorkelerException>(() => MatrixFile.Read(path));

        // Then
        error.Message.ShouldBe(MatrixFile.SchemaSidecar(path) + (message.StartsWith('(') ? "" : ": ") + message);
    }

    [Fact]
    public void A_schema_sidecar_whose_lf_names_differ_from_the_header_names_both()
    {
        using var temp = new TempFolder();
        var path = temp.File("m.csv");
        File.WriteAllText(path, "a,b,c\n0,1,1\n-1,1,0\n");
        File.WriteAllText(MatrixFile.SchemaSidecar(path), """{"classes": ["HAM", "SPAM"], "lfs": ["b", "a", "c"]}""");

        Should.Throw<SnorkelerException>(() => MatrixFile.Read(path)).Message
            .ShouldBe($"{MatrixFile.SchemaSidecar(path)}: its LF names differ from the CSV header's: LF 1 is 'b' in it and 'a' in the header");
    }

    [Fact]
    public void A_schema_sidecar_that_names_an_LF_twice_is_refused_naming_it()
    {
        using var temp = new TempFolder();
        var path = temp.File("m.csv");
        File.WriteAllText(path, "0,1\n-1,1\n");
        File.WriteAllText(MatrixFile.SchemaSidecar(path), """{"classes": ["HAM", "SPAM"], "lfs": ["a", "a"]}""");

        Should.Throw<SnorkelerException>(() => MatrixFile.Read(path)).Message
            .ShouldBe($"{MatrixFile.SchemaSidecar(path)}: invalid matrix schema file: field 'lfs': LF name 'a' is given twice (LFs 1 and 2); every LF needs a name of its own");
    }

    [Theory]
    [InlineData(".snkm")]
    [InlineData(".npy")]
    public void Blocks_whose_votes_are_handed_back_hold_the_same_votes_as_the_whole_matrix(string extension)
    {
        // Given: a matrix of several blocks, read block by block with each block's votes handed back before the
        // next is read (as predict does), so later blocks are read into the arrays of earlier ones
        using var temp = new TempFolder();
        var matrix = Some.RandomMatrix(rows: 5_000, lfs: 7, k: 3, seed: 5);
        var path = temp.File("blocks" + extension);
        using (var writer = MatrixWriter.Create(path, matrix.Schema, matrix.LfNames))
        {
            foreach (var block in matrix.ReadBlocks(700)) writer.Write(block);
            writer.Commit();
        }
        var source = MatrixFile.Open(path);

        // When
        var votes = new List<int>();
        var firstRows = new List<long>();
        foreach (var block in source.ReadBlocks(1_000))
        {
            firstRows.Add(block.FirstRow);
            votes.AddRange(Some.Votes(block));
            block.ReturnVotes();
        }

        // Then
        votes.ShouldBe(Some.Votes(matrix));
        firstRows.Count.ShouldBeGreaterThan(1);
        firstRows.ShouldBe(firstRows.Order().Distinct().ToList());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(200)]
    public void The_binary_format_keeps_gold_labels(int k)
    {
        // Given
        using var temp = new TempFolder();
        var matrix = Some.RandomMatrix(rows: 30, lfs: 4, k: k, seed: 3, gold: true);
        var path = temp.File("gold.snkm");

        // When
        MatrixFile.Write(path, matrix);
        var source = MatrixFile.Open(path);
        var read = MatrixFile.Read(path);

        // Then
        source.HasGold.ShouldBeTrue();
        source.RowCount.ShouldBe(30);
        read.ShouldEqual(matrix);
    }

    [Theory]
    [InlineData(".csv")]
    [InlineData(".npy")]
    [InlineData(".snkm")]
    public void A_matrix_without_gold_labels_reads_back_without_them(string extension)
    {
        using var temp = new TempFolder();
        var path = temp.File("m" + extension);

        MatrixFile.Write(path, Some.RandomMatrix(5, 2, 2, seed: 1));

        MatrixFile.Read(path).HasGold.ShouldBeFalse();
    }

    [Theory]
    [InlineData(".csv")]
    [InlineData(".npy")]
    public void Csv_and_npy_matrices_keep_their_names_in_a_schema_sidecar(string extension)
    {
        // Given
        using var temp = new TempFolder();
        var path = temp.File("m" + extension);
        var matrix = LabelMatrix.Create(new LabelSchema(["HAM", "SPAM"]), ["first", "second"], [0, 1, -1, 1]);

        // When
        MatrixFile.Write(path, matrix);

        // Then
        var sidecar = MatrixFile.SchemaSidecar(path);
        File.Exists(sidecar).ShouldBeTrue();
        var json = File.ReadAllText(sidecar);
        json.ShouldContain("\"HAM\"");
        json.ShouldContain("\"second\"");
        File.Delete(sidecar);
        var withoutSidecar = MatrixFile.Read(path);
        withoutSidecar.Schema.ClassNames.ShouldBe(["0", "1"]);
        Some.Votes(withoutSidecar).ShouldBe([0, 1, -1, 1]);
        withoutSidecar.LfNames.ShouldBe(extension == ".csv" ? ["first", "second"] : ["lf_0", "lf_1"]);
    }

    [Fact]
    public void A_csv_matrix_is_a_header_of_lf_names_and_one_line_of_votes_per_row()
    {
        using var temp = new TempFolder();
        var path = temp.File("m.csv");

        MatrixFile.Write(path, LabelMatrix.Create(Some.HamSpam, ["a", "b,c"], [0, 1, -1, -1]));

        File.ReadAllText(path).ShouldBe("a,\"b,c\"\n0,1\n-1,-1\n");
    }

    [Fact]
    public void A_csv_matrix_may_carry_gold_labels_in_a_named_column()
    {
        // Given
        using var temp = new TempFolder();
        var path = temp.Write("m.csv", "lf_a,gold,lf_b\n1,1,-1\n0,-1,\n-1,0,1\n");

        // When
        var matrix = MatrixFile.Read(path, goldColumn: "gold");

        // Then
        matrix.LfNames.ShouldBe(["lf_a", "lf_b"]);
        Some.Votes(matrix).ShouldBe([1, -1, 0, -1, -1, 1]);
        matrix.GoldLabels.ToArray().ShouldBe([1, -1, 0]);
    }

    [Theory]
    [InlineData(";")]
    [InlineData("\t")]
    [InlineData("|")]
    public void A_wide_csv_matrix_separated_by_semicolons_tabs_or_pipes_is_read_like_one_separated_by_commas(string delimiter)
    {
        // Given the same wide matrix with a gold column, separated by commas and by another delimiter (as a spreadsheet saves it)
        using var temp = new TempFolder();
        const string rows = "lf_a,lf_b,gold\n1,-1,1\n0,,0\n-1,1,1\n";
        var commas = temp.Write("commas.csv", rows);
        var other = temp.Write("other.csv", rows.Replace(",", delimiter, StringComparison.Ordinal));

        // When
        var expected = MatrixFile.Read(commas, goldColumn: "gold");
        var read = MatrixFile.Read(other, goldColumn: "gold");

        // Then
        read.LfNames.ShouldBe(["lf_a", "lf_b"]);
        read.ShouldEqual(expected);
    }

    [Fact]
    public void A_tsv_file_of_a_column_per_source_is_read_as_a_wide_matrix_split_at_tabs()
    {
        // Given a tab-separated wide matrix named .tsv (it was taken for answers and told it had no 'task' column)
        using var temp = new TempFolder();
        var path = temp.Write("m.tsv", "lf_a\tlf_b\tgold\n1\t-1\t1\n0\t\t0\n-1\t1\t1\n");

        // When
        var read = MatrixFile.Read(path, goldColumn: "gold");

        // Then
        MatrixFile.FormatOf(path).ShouldBe(MatrixFormat.Csv);
        read.LfNames.ShouldBe(["lf_a", "lf_b"]);
        Some.Votes(read).ShouldBe([1, -1, 0, -1, -1, 1]);
        read.GoldLabels.ToArray().ShouldBe([1, 0, 1]);
    }

    [Fact]
    public void A_tsv_file_with_task_worker_and_label_columns_is_still_read_as_answers()
    {
        using var temp = new TempFolder();
        var path = temp.Write("a.tsv", "label\tworker\ttask\n1\tann\tq1\n0\tbob\tq1\n1\tann\tq2\n");

        var matrix = MatrixFile.Open(path, new MatrixReadOptions());

        var answers = matrix.ShouldBeOfType<AnswerMatrix>();
        answers.LfNames.ShouldBe(["ann", "bob"]);
        answers.RowCount.ShouldBe(2);
    }

    [Fact]
    public void A_matrix_is_not_written_as_tsv_as_it_would_hold_commas()
    {
        using var temp = new TempFolder();
        var path = temp.File("m.tsv");

        Should.Throw<SnorkelerException>(() => MatrixFile.Write(path, LabelMatrix.Create(Some.HamSpam, ["a"], [0, 1])))
            .Message.ShouldBe($"{path}: a .tsv matrix is read, not written; write .snkm, .csv or .npy");
        File.Exists(path).ShouldBeFalse();
    }

    [Fact]
    public void A_wide_csv_matrix_is_split_by_the_delimiter_the_options_give()
    {
        // Given a matrix separated by colons, which detection does not try (comma, semicolon, tab, pipe)
        using var temp = new TempFolder();
        var path = temp.Write("m.csv", "a:b\n0:1\n-1:1\n");

        // When
        var read = MatrixFile.Read(path, new MatrixReadOptions { Delimiter = ':' });

        // Then
        read.LfNames.ShouldBe(["a", "b"]);
        Some.Votes(read).ShouldBe([0, 1, -1, 1]);
    }

    [Fact]
    public void A_csv_vote_that_is_not_a_number_names_the_file_line_and_column()
    {
        using var temp = new TempFolder();
        var path = temp.Write("m.csv", "a,b\n0,1\n1,\"x\ny\"\n0,SPAM\n");

        var error = Should.Throw<SnorkelerException>(() => MatrixFile.Read(path));

        error.Message.ShouldStartWith($"{path}(3): column 'b'");
    }

    [Theory]
    [InlineData("1\0", "1\\u0000", "0000")]
    [InlineData("0\u0001", "0\\u0001", "0001")]
    [InlineData("-1\u007f", "-1\\u007f", "007F")]
    public void A_csv_vote_with_a_control_character_after_its_number_is_refused_naming_the_file_line_and_column(string cell, string shown, string code)
    {
        // Given a CSV matrix whose second row has a NUL (or another control character) right after a vote, which int.TryParse
        // read as the number before it
        using var temp = new TempFolder();
        var path = temp.Write("m.csv", $"a,b\n0,1\n1,{cell}\n");

        // When
        var error = Should.Throw<SnorkelerException>(() => MatrixFile.Read(path));

        // Then
        error.Message.ShouldBe($"{path}(3): column 'b': '{shown}' is not a label (-1 or a class number): it holds the control character U+{code}");
    }

    [Theory]
    [InlineData(".snkm")]
    [InlineData(".csv")]
    [InlineData(".npy")]
    public void A_matrix_streamed_in_several_blocks_reads_back_whole(string extension)
    {
        // Given
        using var temp = new TempFolder();
        var matrix = Some.RandomMatrix(rows: 103, lfs: 5, k: 3, seed: 11, gold: extension == ".snkm");
        var path = temp.File("streamed" + extension);

        // When
        using (var writer = MatrixWriter.Create(path, matrix.Schema, matrix.LfNames))
        {
            foreach (var block in matrix.ReadBlocks(10)) writer.Write(block);
            writer.RowCount.ShouldBe(103);
            writer.Commit();
        }

        // Then
        MatrixFile.Read(path).ShouldEqual(matrix, compareGold: extension == ".snkm");
        var blocks = MatrixFile.Open(path).ReadBlocks(7).ToList();
        blocks.ShouldAllBe(b => b.RowCount > 0 && b.RowCount <= 7);
        blocks.Select(b => b.FirstRow).ShouldBe(blocks.Select((_, i) => blocks.Take(i).Sum(p => (long)p.RowCount)));
        blocks.SelectMany(Some.Votes).ShouldBe(Some.Votes(matrix));
    }

    [Fact]
    public void An_empty_matrix_round_trips_through_every_format()
    {
        using var temp = new TempFolder();
        var empty = LabelMatrix.Create(Some.HamSpam, ["a", "b"], []);

        foreach (var extension in new[] { ".snkm", ".csv", ".npy" })
        {
            var path = temp.File("empty" + extension);
            MatrixFile.Write(path, empty);
            MatrixFile.Read(path).ShouldEqual(empty, compareGold: false);
        }
    }

    [Fact]
    public void A_npy_file_has_the_128_byte_header_numpy_expects()
    {
        // Given
        using var temp = new TempFolder();
        var path = temp.File("m.npy");
        var matrix = Some.Matrix(new[,] { { 1, -1, 0 }, { 0, 0, 1 }, { -1, -1, -1 }, { 1, 1, 0 } });

        // When
        MatrixFile.Write(path, matrix);
        var bytes = File.ReadAllBytes(path);

        // Then
        bytes.Length.ShouldBe(128 + 12);
        bytes.AsSpan(0, 6).ToArray().ShouldBe(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y' });
        bytes[6].ShouldBe((byte)1);
        bytes[7].ShouldBe((byte)0);
        (bytes[8] | bytes[9] << 8).ShouldBe(118);
        var dict = Encoding.ASCII.GetString(bytes, 10, 118);
        dict.ShouldStartWith("{");
        dict.ShouldContain("'descr': '|i1'");
        dict.ShouldContain("'fortran_order': False");
        dict.ShouldContain("'shape': (4, 3)");
        dict.ShouldEndWith("\n");
        bytes.Skip(128).Select(b => (int)(sbyte)b).ShouldBe(Some.Votes(matrix));
    }

    [Fact]
    public void A_wide_npy_file_holds_little_endian_int16()
    {
        using var temp = new TempFolder();
        var path = temp.File("m.npy");

        MatrixFile.Write(path, LabelMatrix.Create(Some.Classes(200), ["a"], [199, -1]));
        var bytes = File.ReadAllBytes(path);

        Encoding.ASCII.GetString(bytes, 10, 118).ShouldContain("'descr': '<i2'");
        bytes.Skip(128).ToArray().ShouldBe(new byte[] { 199, 0, 0xFF, 0xFF });
    }

    [Fact]
    public void A_version_1_binary_matrix_holding_a_sparse_block_is_refused_naming_the_file_and_row()
    {
        // Given a sparse matrix written as .snkm (version 2: a source kind per LF after the names, then sparse blocks),
        // its header made version 1's: the version number patched and the source kinds cut out
        using var temp = new TempFolder();
        var path = temp.File("m.snkm");
        var sparse = LabelMatrix.Create(Some.HamSpam, ["lf_a", "lf_b"], [1, -1, -1, 0, -1, -1]).WithStorage(MatrixStorage.Sparse);
        MatrixFile.Write(path, sparse);
        var bytes = File.ReadAllBytes(path);
        BitConverter.ToUInt16(bytes, 4).ShouldBe((ushort)2);
        var kinds = bytes.AsSpan().IndexOf("lf_b"u8) + 4;
        bytes = [.. bytes.AsSpan(0, kinds), .. bytes.AsSpan(kinds + 2)];
        bytes[4] = 1;
        File.WriteAllBytes(path, bytes);

        // When / Then: sparse blocks came with version 2, so a version 1 file holding one is damaged or not Snorkeler's
        Should.Throw<SnorkelerException>(() => MatrixFile.Read(path)).Message
            .ShouldBe($"{path}: the block at row 1 is sparse, which only version 2 files hold, but the header says version 1");
    }

    [Fact]
    public void A_truncated_binary_matrix_is_an_error_naming_the_file_wherever_it_is_cut()
    {
        // Given
        using var temp = new TempFolder();
        var whole = temp.File("whole.snkm");
        MatrixFile.Write(whole, Some.RandomMatrix(rows: 6, lfs: 3, k: 2, seed: 5, gold: true));
        var bytes = File.ReadAllBytes(whole);
        var cut = temp.File("cut.snkm");

        for (var length = 0; length < bytes.Length; length++)
        {
            // When
            File.WriteAllBytes(cut, bytes[..length]);
            var error = Should.Throw<SnorkelerException>(() => MatrixFile.Read(cut), $"cut at {length} of {bytes.Length} bytes");

            // Then
            error.Message.ShouldStartWith(cut + ":");
        }
    }

    [Fact]
    public void A_file_that_is_not_a_matrix_is_an_error_naming_it()
    {
        using var temp = new TempFolder();
        var path = temp.Write("m.snkm", "hello, world");

        Should.Throw<SnorkelerException>(() => MatrixFile.Read(path)).Message.ShouldBe($"{path}: not a Snorkeler matrix file (.snkm)");
        Should.Throw<SnorkelerException>(() => MatrixFile.Read(temp.File("missing.csv"))).Message.ShouldBe($"{temp.File("missing.csv")}: no such file");
        Should.Throw<SnorkelerException>(() => MatrixFile.FormatOf("m.xlsx")).Message.ShouldContain("unknown matrix format '.xlsx'");
    }

    [Fact]
    public void A_truncated_npy_file_is_an_error_naming_the_file()
    {
        using var temp = new TempFolder();
        var path = temp.File("m.npy");
        MatrixFile.Write(path, Some.RandomMatrix(rows: 10, lfs: 3, k: 2, seed: 5));
        var bytes = File.ReadAllBytes(path);

        File.WriteAllBytes(path, bytes[..^1]);

        Should.Throw<SnorkelerException>(() => MatrixFile.Read(path)).Message.ShouldStartWith($"{path}: the file is truncated");
    }

    [Fact]
    public void Wrench_matrices_are_read_only()
    {
        using var temp = new TempFolder();

        Should.Throw<SnorkelerException>(() => MatrixWriter.Create(temp.File("m.json"), Some.HamSpam, ["a"]))
            .Message.ShouldContain("read-only");
    }

    [Property(MaxTest = 60, Arbitrary = [typeof(RandomMatrices)], Replay = "(12345,67891)")]
    public void Any_matrix_round_trips_identically_through_every_format(LabelMatrix matrix)
    {
        using var temp = new TempFolder();
        foreach (var extension in new[] { ".snkm", ".csv", ".npy" })
        {
            var path = temp.File("m" + extension);
            MatrixFile.Write(path, matrix);
            MatrixFile.Read(path).ShouldEqual(matrix, compareGold: extension == ".snkm");
        }
    }

    /// <summary>Matrices of 0-40 rows, 1-6 LFs with awkward names, narrow and wide schemas, with and without gold labels.</summary>
    public static class RandomMatrices
    {
        private static readonly string[] NameParts = ["a", "kw", "my channel", "x,y", "say \"hi\"", "é", "日本", "lf_1", "-", "A"];

        public static Arbitrary<LabelMatrix> Matrices()
        {
            var gen =
                from k in Gen.Elements(2, 3, 5, 127, 128, 200)
                from m in Gen.Choose(1, 6)
                from n in Gen.Choose(0, 40)
                from names in Gen.Elements(NameParts).ArrayOf(2).Select(p => p[0] + p[1]).ArrayOf(m)
                from votes in Gen.Frequency((2, Gen.Constant(-1)), (3, Gen.Choose(0, k - 1))).ArrayOf(n * m)
                from hasGold in Gen.Elements(true, false)
                from gold in Gen.Choose(-1, k - 1).ArrayOf(n)
                select LabelMatrix.Create(Some.Classes(k), names.Select((s, j) => $"{s}{j}").ToArray(), votes, hasGold ? gold : null);
            return Arb.From(gen);
        }
    }
}
