using Snorkeler.Core.Tests.Support;

namespace Snorkeler.Core.Tests;

public class LabelMatrixTests
{
    private static readonly int[,] Votes = Some.FourRowsThreeLfs;

    [Fact]
    public void A_matrix_is_indexed_by_row_then_lf_and_copies_rows()
    {
        // Given
        var matrix = Some.Matrix(Votes);

        // Then
        matrix.RowCount.ShouldBe(4);
        matrix.LfCount.ShouldBe(3);
        matrix.LfNames.ShouldBe(["lf_0", "lf_1", "lf_2"]);
        matrix.IsNarrow.ShouldBeTrue();
        matrix.HasGold.ShouldBeFalse();
        matrix.FirstRow.ShouldBe(0);
        matrix[0, 0].ShouldBe(1);
        matrix[0, 1].ShouldBe(-1);
        matrix[2, 2].ShouldBe(1);
        var row = new int[3];
        matrix.CopyRow(2, row);
        row.ShouldBe([0, 0, 1]);
        matrix.NarrowRow(3).ToArray().ShouldBe(new sbyte[] { 1, 1, -1 });
        matrix.NarrowVotes.Length.ShouldBe(12);
        matrix.Density().ShouldBe(7 / 12.0);
    }

    [Fact]
    public void CopyVotes_lists_only_the_votes_that_are_not_abstains_in_lf_order()
    {
        // Given a narrow matrix and the same votes stored two bytes each
        var narrow = Some.Matrix(Votes);
        var wide = LabelMatrix.Create(new LabelSchema(Enumerable.Range(0, 200).Select(c => $"c{c}").ToArray()), narrow.LfNames, Votes);
        wide.IsNarrow.ShouldBeFalse();

        foreach (var matrix in new[] { narrow, wide, narrow.Slice(2, 2) })
        {
            for (var i = 0; i < matrix.RowCount; i++)
            {
                // When
                var lfs = new int[3];
                var labels = new int[3];
                var count = matrix.CopyVotes(i, lfs, labels);

                // Then
                var expected = Enumerable.Range(0, 3).Where(j => matrix[i, j] != LabelSchema.Abstain).ToArray();
                count.ShouldBe(expected.Length);
                lfs[..count].ShouldBe(expected);
                labels[..count].ShouldBe(expected.Select(j => matrix[i, j]).ToArray());
            }
        }
    }

    [Fact]
    public void Indexing_outside_the_matrix_names_the_bound()
    {
        var matrix = Some.Matrix(Votes);

        Should.Throw<ArgumentOutOfRangeException>(() => matrix[4, 0]).Message.ShouldContain("4 rows");
        Should.Throw<ArgumentOutOfRangeException>(() => matrix[0, 3]).Message.ShouldContain("3 LFs");
        Should.Throw<ArgumentOutOfRangeException>(() => matrix[-1, 0]);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(-2)]
    [InlineData(127)]
    public void A_vote_that_is_not_a_class_or_abstain_is_rejected_naming_the_lf(int vote)
    {
        var error = Should.Throw<ArgumentOutOfRangeException>(() => Some.Matrix(new[,] { { 0, 1 }, { vote, 0 } }));

        error.Message.ShouldContain("LF 'lf_0'");
        error.Message.ShouldContain($"voted {vote}");
        error.ActualValue.ShouldBe(vote);
        error.Message.ShouldNotContain("Parameter");
        error.Message.ShouldNotContain("Actual value");
    }

    [Fact]
    public void Votes_that_do_not_fill_whole_rows_are_rejected()
    {
        Should.Throw<ArgumentException>(() => LabelMatrix.Create(Some.HamSpam, ["a", "b"], [0, 1, 0]))
            .Message.ShouldContain("3 votes do not fill rows of 2 LFs");
    }

    [Fact]
    public void Repeated_lf_names_are_rejected()
    {
        Should.Throw<ArgumentException>(() => LabelMatrix.Create(Some.HamSpam, ["a", "a"], [0, 1]))
            .Message.ShouldContain("'a' is repeated");
    }

    [Fact]
    public void A_matrix_of_200_classes_stores_two_bytes_per_vote()
    {
        // Given
        var schema = Some.Classes(200);

        // When
        var matrix = LabelMatrix.Create(schema, ["a", "b"], [199, -1, 128, 0]);

        // Then
        matrix.IsNarrow.ShouldBeFalse();
        matrix[0, 0].ShouldBe(199);
        matrix[1, 0].ShouldBe(128);
        var row = new int[2];
        matrix.CopyRow(0, row);
        row.ShouldBe([199, -1]);
        Should.Throw<InvalidOperationException>(() => matrix.NarrowRow(0).Length);
        Should.Throw<ArgumentOutOfRangeException>(() => LabelMatrix.Create(schema, ["a"], [200]));
    }

    [Fact]
    public void The_narrow_layout_holds_up_to_127_classes()
    {
        var matrix = LabelMatrix.Create(Some.Classes(127), ["a"], [126, -1]);

        matrix.IsNarrow.ShouldBeTrue();
        matrix[0, 0].ShouldBe(126);
        LabelMatrix.Create(Some.Classes(128), ["a"], [127]).IsNarrow.ShouldBeFalse();
    }

    [Fact]
    public void A_slice_shares_the_votes_and_numbers_its_rows_from_the_whole()
    {
        // Given
        var matrix = Some.Matrix(Votes, gold: [1, -1, 0, 1]);

        // When
        var slice = matrix.Slice(2, 2);
        var nested = slice.Slice(1, 1);

        // Then
        slice.RowCount.ShouldBe(2);
        slice.FirstRow.ShouldBe(2);
        slice[0, 2].ShouldBe(1);
        slice.NarrowRow(1).ToArray().ShouldBe(new sbyte[] { 1, 1, -1 });
        slice.GoldLabels.ToArray().ShouldBe([0, 1]);
        slice.Gold(1).ShouldBe(1);
        nested.FirstRow.ShouldBe(3);
        nested[0, 0].ShouldBe(1);
        nested.Gold(0).ShouldBe(1);
        // Shares storage: the slice's span points into the parent's buffer.
        System.Runtime.CompilerServices.Unsafe.AreSame(
            ref System.Runtime.InteropServices.MemoryMarshal.GetReference(slice.NarrowVotes),
            ref System.Runtime.InteropServices.MemoryMarshal.GetReference(matrix.NarrowRow(2))).ShouldBeTrue();
        Should.Throw<ArgumentOutOfRangeException>(() => matrix.Slice(3, 2));
    }

    [Fact]
    public void Gold_labels_are_kept_replaced_or_dropped()
    {
        // Given
        var matrix = Some.Matrix(Votes);

        // When
        var withGold = matrix.WithGold([0, 1, -1, 1]);
        var without = withGold.WithGold([]);

        // Then
        matrix.HasGold.ShouldBeFalse();
        Should.Throw<InvalidOperationException>(() => matrix.Gold(0));
        withGold.HasGold.ShouldBeTrue();
        withGold.GoldLabels.ToArray().ShouldBe([0, 1, -1, 1]);
        withGold[2, 2].ShouldBe(1);
        without.HasGold.ShouldBeFalse();
        Should.Throw<ArgumentException>(() => matrix.WithGold([0, 1])).Message.ShouldContain("2 gold labels for 4 rows");
        Should.Throw<ArgumentException>(() => matrix.WithGold([0, 1, 2, 0])).Message.ShouldContain("gold label 2");
    }

    [Fact]
    public void Gold_labels_given_at_creation_must_match_the_rows()
    {
        Should.Throw<ArgumentException>(() => Some.Matrix(Votes, gold: [0, 1]));
        Should.Throw<ArgumentOutOfRangeException>(() => Some.Matrix(Votes, gold: [0, 1, 5, 0]));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(100)]
    public void Reading_blocks_covers_every_row_once_in_order(int rowsPerBlock)
    {
        // Given
        var matrix = Some.RandomMatrix(rows: 10, lfs: 3, k: 3, seed: 7, gold: true);

        // When
        var blocks = matrix.ReadBlocks(rowsPerBlock).ToList();

        // Then
        blocks.Count.ShouldBe((10 + rowsPerBlock - 1) / rowsPerBlock);
        blocks.Select(b => b.FirstRow).ShouldBe(Enumerable.Range(0, blocks.Count).Select(b => (long)b * rowsPerBlock));
        blocks.All(b => b.RowCount <= rowsPerBlock).ShouldBeTrue();
        blocks.Sum(b => b.RowCount).ShouldBe(10);
        blocks.SelectMany(Some.Votes).ShouldBe(Some.Votes(matrix));
        blocks.SelectMany(b => b.GoldLabels.ToArray()).ShouldBe(matrix.GoldLabels.ToArray());
    }

    [Fact]
    public void An_empty_matrix_reads_as_one_empty_block()
    {
        var empty = LabelMatrix.Create(Some.HamSpam, ["a"], []);

        empty.ReadBlocks().Select(b => b.RowCount).ShouldBe([0]);
        empty.Density().ShouldBe(0);
    }

    [Fact]
    public void A_builder_starts_rows_as_abstains_and_grows_past_its_capacity()
    {
        // Given
        var builder = new LabelMatrixBuilder(Some.HamSpam, ["a", "b"], capacity: 1);

        // When
        for (var i = 0; i < 50; i++)
        {
            var row = builder.AddRow();
            if (i % 2 == 0) builder.Set(row, 1, 1);
            if (i == 40) builder.SetGold(row, 0);
        }
        var matrix = builder.Build(firstRow: 100);

        // Then
        matrix.RowCount.ShouldBe(50);
        matrix.FirstRow.ShouldBe(100);
        matrix[0, 0].ShouldBe(-1);
        matrix[0, 1].ShouldBe(1);
        matrix[1, 1].ShouldBe(-1);
        matrix[48, 1].ShouldBe(1);
        matrix.HasGold.ShouldBeTrue();
        matrix.Gold(40).ShouldBe(0);
        matrix.Gold(49).ShouldBe(-1);
        matrix.Gold(0).ShouldBe(-1);
    }
    [Fact]
    public void A_slice_does_not_read_rows_outside_itself()
    {
        // Given
        var slice = Some.Matrix(Votes, gold: [1, -1, 0, 1]).Slice(1, 2);
        var row = new int[3];

        // Then
        Should.Throw<ArgumentOutOfRangeException>(() => slice.NarrowRow(2).Length);
        Should.Throw<ArgumentOutOfRangeException>(() => slice.CopyRow(2, row));
        Should.Throw<ArgumentOutOfRangeException>(() => slice.CopyRow(-1, row));
        Should.Throw<ArgumentOutOfRangeException>(() => slice.Gold(2));
    }

    [Fact]
    public void Rows_past_the_end_of_a_built_matrix_are_not_readable_from_its_spare_capacity()
    {
        var matrix = new LabelMatrixBuilder(Some.HamSpam, ["a"], capacity: 100).Build();
        var row = new int[1];

        Should.Throw<ArgumentOutOfRangeException>(() => matrix.NarrowRow(0).Length);
        Should.Throw<ArgumentOutOfRangeException>(() => matrix.CopyRow(5, row));
    }

    [Fact]
    public void A_builder_refuses_an_lf_or_row_it_does_not_have()
    {
        var builder = new LabelMatrixBuilder(Some.HamSpam, ["a", "b"], capacity: 10);
        builder.AddRow();

        Should.Throw<ArgumentOutOfRangeException>(() => builder.Set(0, 2, 1));
        Should.Throw<ArgumentOutOfRangeException>(() => builder.Set(0, -1, 1));
        Should.Throw<ArgumentOutOfRangeException>(() => builder.Set(1, 0, 1));
        Should.Throw<ArgumentOutOfRangeException>(() => builder.SetGold(1, 0));
        Should.Throw<ArgumentOutOfRangeException>(() => builder.SetGold(-1, 0));
    }

    [Fact]
    public void A_matrix_from_vote_columns_equals_the_one_built_row_by_row()
    {
        var schema = new LabelSchema(["HAM", "SPAM", "OTHER"]);
        var random = new Random(3);
        const int rows = 500;
        var columns = Enumerable.Range(0, 4).Select(_ => Enumerable.Range(0, rows).Select(_ => (sbyte)random.Next(-1, 3)).ToArray()).ToArray();
        var gold = Enumerable.Range(0, rows).Select(_ => random.Next(-1, 3)).ToArray();
        var builder = new LabelMatrixBuilder(schema, ["a", "b", "c", "d"]);
        for (var i = 0; i < rows; i++)
        {
            builder.AddRow();
            for (var j = 0; j < 4; j++) builder.Set(i, j, columns[j][i]);
            builder.SetGold(i, gold[i]);
        }
        var expected = builder.Build();

        var matrix = LabelMatrix.FromColumns(schema, ["a", "b", "c", "d"], columns, rows, gold);

        matrix.RowCount.ShouldBe(rows);
        matrix.NarrowVotes.ToArray().ShouldBe(expected.NarrowVotes.ToArray());
        matrix.GoldLabels.ToArray().ShouldBe(gold);
    }

    [Fact]
    public void A_matrix_from_vote_columns_rejects_a_vote_that_is_not_a_class()
    {
        var schema = new LabelSchema(["HAM", "SPAM"]);

        Should.Throw<ArgumentOutOfRangeException>(() => LabelMatrix.FromColumns(schema, ["a"], [new sbyte[] { 0, 2 }], 2))
            .Message.ShouldContain("LF 'a' voted 2");
        Should.Throw<ArgumentException>(() => LabelMatrix.FromColumns(schema, ["a", "b"], [new sbyte[] { 0, 1 }], 2));
        Should.Throw<ArgumentOutOfRangeException>(() => LabelMatrix.FromColumns(schema, ["a"], [new sbyte[] { 0, 1 }], 2, [0, 5]));
    }
}
