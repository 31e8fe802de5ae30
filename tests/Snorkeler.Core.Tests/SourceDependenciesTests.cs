using Snorkeler.Analysis;

namespace Snorkeler.Core.Tests;

/// <summary>Dependent sources counted with bit sets where sources vote together, and within rows where they do not.</summary>
public class SourceDependenciesTests
{
    [Fact]
    public void Sources_that_vote_on_most_rows_together_are_paired_from_bit_sets_as_counting_within_rows_pairs_them()
    {
        // Given 120 LFs of three classes voting on nine rows in ten, with a duplicate, a near-duplicate and a derived LF planted
        var random = new Random(5);
        const int rows = 700, lfs = 120;
        var votes = new int[rows, lfs];
        for (var i = 0; i < rows; i++)
        for (var j = 0; j < lfs; j++)
            votes[i, j] = random.NextDouble() < 0.1 ? LabelSchema.Abstain : random.Next(3);
        for (var i = 0; i < rows; i++)
        {
            votes[i, 100] = votes[i, 0];
            votes[i, 101] = i % 50 == 0 ? (votes[i, 1] + 1) % 3 : votes[i, 1];
            votes[i, 102] = i % 3 == 0 ? votes[i, 2] : LabelSchema.Abstain;
        }
        var matrix = LabelMatrix.Create(LabelSchema.Numbered(3), Enumerable.Range(0, lfs).Select(j => $"lf_{j}").ToArray(), votes);

        // When
        var fromBits = SourceDependencies.CoVoteBits.Count(matrix, CancellationToken.None);
        var withinRows = SourceDependencies.Find(new Streamed(matrix));

        // Then
        fromBits.ShouldNotBeNull();
        fromBits.ShouldBe(withinRows);
        fromBits.ShouldContain(p => p.First == 0 && p.Second == 100 && p.Kind == DependencyKind.Duplicate);
        fromBits.ShouldContain(p => p.First == 1 && p.Second == 101 && p.Kind == DependencyKind.NearDuplicate);
        fromBits.ShouldContain(p => p.First == 2 && p.Second == 102 && p.Kind == DependencyKind.Derived);
        SourceDependencies.Find(matrix).ShouldBe(withinRows);
    }

    [Fact]
    public void Answers_of_many_people_a_few_to_a_row_are_paired_by_counting_within_rows()
    {
        // Given 500 workers, three answering each of 2,000 tasks
        var random = new Random(9);
        var builder = new SparseLabelMatrixBuilder(LabelSchema.Numbered(4), Enumerable.Range(0, 500).Select(j => $"w{j}").ToArray());
        for (var i = 0; i < 2000; i++)
        {
            builder.AddRow();
            foreach (var worker in Enumerable.Range(0, 500).OrderBy(_ => random.Next()).Take(3)) builder.Add(worker, random.Next(4));
        }
        var answers = builder.Build();

        // When
        var fromBits = SourceDependencies.CoVoteBits.Count(answers, CancellationToken.None);

        // Then the bit sets (a pair of workers each, over every task) would cost far more than the few pairs a task holds
        fromBits.ShouldBeNull();
        SourceDependencies.Find(answers).ShouldBe(SourceDependencies.Find(new Streamed(answers)));
    }

    /// <summary>A matrix read as from a file: not a <see cref="LabelMatrix"/>, so its pairs are counted within rows.</summary>
    private sealed class Streamed(LabelMatrix matrix) : IMatrixSource
    {
        public LabelSchema Schema => matrix.Schema;
        public IReadOnlyList<string> LfNames => matrix.LfNames;
        public long? RowCount => matrix.RowCount;
        public bool HasGold => matrix.HasGold;
        public IEnumerable<LabelMatrix> ReadBlocks(int rowsPerBlock = IMatrixSource.DefaultBlockRows) => matrix.ReadBlocks(100);
    }
}
