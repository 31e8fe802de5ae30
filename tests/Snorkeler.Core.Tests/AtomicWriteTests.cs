using Snorkeler.Core.Tests.Support;
using Snorkeler.IO;

namespace Snorkeler.Core.Tests;

public class AtomicWriteTests
{
    [Fact]
    public void An_exception_mid_write_leaves_the_previous_file_and_no_temporary_files()
    {
        // Given
        using var temp = new TempFolder();
        var path = temp.Write("out.txt", "previous");

        // When
        Should.Throw<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("new content, half written"u8);
            throw new InvalidOperationException("boom");
        }));

        // Then
        File.ReadAllText(path).ShouldBe("previous");
        Directory.GetFiles(temp.Path).Select(Path.GetFileName).ShouldBe(["out.txt"]);
    }

    [Fact]
    public void A_committed_write_replaces_the_file_and_leaves_no_temporary_files()
    {
        using var temp = new TempFolder();
        var path = temp.Write("out.txt", "previous");

        AtomicFile.Write(path, stream => stream.Write("next"u8));

        File.ReadAllText(path).ShouldBe("next");
        Directory.GetFiles(temp.Path).Select(Path.GetFileName).ShouldBe(["out.txt"]);
    }

    [Theory]
    [InlineData("m.snkm")]
    [InlineData("m.csv")]
    [InlineData("m.npy")]
    public void Disposing_a_matrix_writer_without_commit_leaves_no_file(string name)
    {
        using var temp = new TempFolder();
        var path = temp.File(name);

        using (var writer = MatrixWriter.Create(path, Some.HamSpam, ["a", "b"]))
            writer.Write(Some.RandomMatrix(10, 2, 2, seed: 1));

        Directory.GetFiles(temp.Path).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("m.snkm")]
    [InlineData("m.csv")]
    [InlineData("m.npy")]
    public void A_matrix_write_that_fails_mid_way_leaves_the_previous_matrix(string name)
    {
        // Given
        using var temp = new TempFolder();
        var path = temp.File(name);
        var previous = Some.RandomMatrix(8, 2, 2, seed: 1);
        MatrixFile.Write(path, previous);
        var before = Snapshot(temp.Path);

        // When
        Should.Throw<InvalidOperationException>(() => MatrixFile.Write(path, new FailingSource(Some.RandomMatrix(100, 2, 2, seed: 2))));

        // Then
        Snapshot(temp.Path).ShouldBe(before);
        MatrixFile.Read(path).ShouldEqual(previous, compareGold: false);
    }

    [Fact]
    public void Writing_into_a_missing_folder_names_the_folder()
    {
        using var temp = new TempFolder();

        Should.Throw<SnorkelerException>(() => AtomicFile.Write(temp.File("no/such/out.txt"), _ => { }))
            .Message.ShouldContain("does not exist");
    }

    /// <summary>Every file of a folder as "name: base64 content", in name order.</summary>
    private static string[] Snapshot(string folder)
        => Directory.GetFiles(folder).Order(StringComparer.Ordinal)
            .Select(f => $"{Path.GetFileName(f)}: {Convert.ToBase64String(File.ReadAllBytes(f))}").ToArray();

    /// <summary>A matrix source that fails after its first block.</summary>
    private sealed class FailingSource(LabelMatrix matrix) : IMatrixSource
    {
        public LabelSchema Schema => matrix.Schema;
        public IReadOnlyList<string> LfNames => matrix.LfNames;
        public long? RowCount => matrix.RowCount;
        public bool HasGold => matrix.HasGold;

        public IEnumerable<LabelMatrix> ReadBlocks(int rowsPerBlock = IMatrixSource.DefaultBlockRows)
        {
            yield return matrix.Slice(0, 10);
            throw new InvalidOperationException("the source broke");
        }
    }
}
