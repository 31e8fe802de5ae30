using Snorkeler.Core.Tests.Support;
using Snorkeler.IO;

namespace Snorkeler.Core.Tests;

public class SparseLabelMatrixTests
{
    private static readonly int[,] Votes = Some.FourRowsThreeLfs;

    [Fact]
    public void A_sparse_matrix_answers_every_read_as_the_dense_one_does()
    {
        // Given
        var dense = Some.Matrix(Votes, gold: [1, 0, -1, 1]);

        // When
        var sparse = dense.ToSparse();

        // Then
        sparse.IsSparse.ShouldBeTrue();
        sparse.IsNarrow.ShouldBeFalse();
        sparse.ShouldEqual(dense);
        sparse.Density().ShouldBe(dense.Density());
        sparse.VoteCount().ShouldBe(7);
        sparse.MaxVotesPerRow.ShouldBe(3);
        var row = new int[3];
        var lfs = new int[3];
        var labels = new int[3];
        for (var i = 0; i < 4; i++)
        {
            sparse.CopyRow(i, row);
            row.ShouldBe(Enumerable.Range(0, 3).Select(j => dense[i, j]).ToArray());
            var n = sparse.CopyVotes(i, lfs, labels);
            n.ShouldBe(dense.VoteCount(i));
            sparse.VoteCount(i).ShouldBe(n);
        }
        Should.Throw<InvalidOperationException>(() => sparse.NarrowRow(0)).Message.ShouldContain("CopyVotes");
    }

    [Fact]
    public void Slices_of_a_sparse_matrix_share_its_votes_and_convert_back_to_dense()
    {
        // Given
        var dense = Some.RandomMatrix(rows: 50, lfs: 7, k: 3, seed: 11, gold: true);
        var sparse = dense.ToSparse();

        // When
        var slice = sparse.Slice(10, 25);

        // Then
        slice.FirstRow.ShouldBe(10);
        slice.ShouldEqual(dense.Slice(10, 25));
        slice.ToDense().ShouldEqual(dense.Slice(10, 25));
        slice.ToDense().IsNarrow.ShouldBeTrue();
        MatrixFile.Concat(sparse.ReadBlocks(7)).ShouldEqual(dense);
        MatrixFile.Concat(sparse.ReadBlocks(7)).IsSparse.ShouldBeTrue();
    }

    [Fact]
    public void The_sparse_builder_keeps_a_sources_last_vote_and_sorts_each_row()
    {
        // Given
        var builder = new SparseLabelMatrixBuilder(Some.HamSpam, Some.LfNames(4));

        // When
        builder.AddRow();
        builder.Add(3, 1);
        builder.Add(0, 0);
        builder.Add(3, 0);
        builder.Add(1, -1);
        builder.AddRow();
        var second = builder.AddRow();
        builder.Add(2, 1);
        builder.SetGold(second, 1);
        var matrix = builder.Build();

        // Then
        Some.Votes(matrix).ShouldBe([0, -1, -1, 0, -1, -1, -1, -1, -1, -1, 1, -1]);
        matrix.GoldLabels.ToArray().ShouldBe([-1, -1, 1]);
        Should.Throw<InvalidOperationException>(() => builder.AddRow());
    }

    [Fact]
    public void Source_kinds_travel_with_slices_conversions_and_gold()
    {
        // Given
        var kinds = new[] { SourceKind.LabelingFunction, SourceKind.Annotator, SourceKind.Annotator };
        var matrix = Some.Matrix(Votes).WithSourceKinds(kinds);

        // Then
        matrix.HasAnnotators.ShouldBeTrue();
        matrix.KindOf(1).ShouldBe(SourceKind.Annotator);
        matrix.Slice(1, 2).SourceKinds.ShouldBe(kinds);
        matrix.ToSparse().SourceKinds.ShouldBe(kinds);
        matrix.ToSparse().ToDense().SourceKinds.ShouldBe(kinds);
        matrix.WithGold([0, 1, 0, 1]).SourceKinds.ShouldBe(kinds);
        Some.Matrix(Votes).HasAnnotators.ShouldBeFalse();
        Some.Matrix(Votes).SourceKinds.ShouldAllBe(k => k == SourceKind.LabelingFunction);
    }

    [Theory]
    [InlineData(MatrixStorage.Auto, true)]
    [InlineData(MatrixStorage.Dense, false)]
    [InlineData(MatrixStorage.Sparse, true)]
    public void The_storage_is_chosen_by_density_or_forced(MatrixStorage storage, bool sparse)
    {
        // Given a matrix where one cell in twenty holds a vote
        var builder = new LabelMatrixBuilder(Some.HamSpam, Some.LfNames(20), 100);
        for (var i = 0; i < 100; i++) builder.Set(builder.AddRow(), i % 20, i % 2);
        var matrix = builder.Build();

        // When
        var stored = matrix.WithStorage(storage);

        // Then
        stored.IsSparse.ShouldBe(sparse);
        stored.ShouldEqual(matrix);
        Some.Matrix(Votes).WithStorage(MatrixStorage.Auto).IsSparse.ShouldBeFalse();
    }

    [Theory]
    [InlineData(".snkm")]
    [InlineData(".csv")]
    [InlineData(".npy")]
    public void Sparse_matrices_with_annotators_round_trip_through_every_format(string extension)
    {
        // Given
        using var temp = new TempFolder();
        var kinds = Enumerable.Range(0, 6).Select(j => j % 2 == 0 ? SourceKind.Annotator : SourceKind.LabelingFunction).ToArray();
        var matrix = Some.RandomMatrix(rows: 300, lfs: 6, k: 3, seed: 5).ToSparse().WithSourceKinds(kinds);
        var path = temp.File("crowd" + extension);

        // When
        MatrixFile.Write(path, matrix);
        var read = MatrixFile.Read(path);

        // Then
        read.ShouldEqual(matrix, compareGold: false);
        read.SourceKinds.ShouldBe(kinds);
        if (extension == ".snkm") read.IsSparse.ShouldBeTrue();
    }

    [Fact]
    public void The_binary_format_keeps_sparse_blocks_and_gold_and_stays_version_1_for_LF_matrices()
    {
        // Given
        using var temp = new TempFolder();
        var matrix = Some.RandomMatrix(rows: 200, lfs: 5, k: 4, seed: 8, gold: true);
        var sparsePath = temp.File("sparse.snkm");
        var densePath = temp.File("dense.snkm");

        // When
        MatrixFile.Write(sparsePath, matrix.ToSparse());
        MatrixFile.Write(densePath, matrix);

        // Then
        MatrixFile.Read(sparsePath).ShouldEqual(matrix);
        MatrixFile.Open(sparsePath).ReadBlocks(64).Select(b => b.RowCount).ShouldBe([64, 64, 64, 8]);
        File.ReadAllBytes(densePath)[4].ShouldBe((byte)1);
        File.ReadAllBytes(sparsePath)[4].ShouldBe((byte)2);
    }

    [Fact]
    public void A_npy_matrix_is_read_block_by_block_without_loading_the_file()
    {
        // Given
        using var temp = new TempFolder();
        var matrix = Some.RandomMatrix(rows: 1000, lfs: 9, k: 3, seed: 2);
        var path = temp.File("big.npy");
        MatrixFile.Write(path, matrix);

        // When
        var source = MatrixFile.Open(path);

        // Then
        source.ShouldNotBeOfType<LabelMatrix>();
        source.RowCount.ShouldBe(1000);
        source.ReadBlocks(300).Select(b => (b.FirstRow, b.RowCount)).ShouldBe([(0L, 300), (300L, 300), (600L, 300), (900L, 100)]);
        MatrixFile.Concat(source.ReadBlocks(300)).ShouldEqual(matrix, compareGold: false);
    }

    [Fact]
    public void Columns_of_a_wide_matrix_are_marked_as_annotators_by_name_or_all()
    {
        // Given
        using var temp = new TempFolder();
        var path = temp.File("m.snkm");
        MatrixFile.Write(path, Some.Matrix(Votes));

        // When
        var some = MatrixFile.Open(path, new MatrixReadOptions { Annotators = ["lf_2"] });
        var all = MatrixFile.Read(path, new MatrixReadOptions { Annotators = ["*"] });

        // Then
        some.SourceKinds.ShouldBe([SourceKind.LabelingFunction, SourceKind.LabelingFunction, SourceKind.Annotator]);
        some.ReadBlocks().Single().KindOf(2).ShouldBe(SourceKind.Annotator);
        all.SourceKinds.ShouldAllBe(k => k == SourceKind.Annotator);
        Should.Throw<SnorkelerException>(() => MatrixFile.Open(path, new MatrixReadOptions { Annotators = ["lf_9"] }))
            .Message.ShouldBe($"{path}: no source 'lf_9' to mark as an annotator; did you mean 'lf_0'?");
    }
}
