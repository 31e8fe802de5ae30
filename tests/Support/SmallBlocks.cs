namespace Snorkeler.Tests.Support;

/// <summary>A matrix served in blocks of a fixed small size, counting how often it is read.</summary>
internal sealed class SmallBlocks(LabelMatrix matrix, int blockRows) : IMatrixSource
{
    public int Reads { get; private set; }
    public LabelSchema Schema => matrix.Schema;
    public IReadOnlyList<string> LfNames => matrix.LfNames;
    public long? RowCount => null;
    public bool HasGold => matrix.HasGold;

    public IEnumerable<LabelMatrix> ReadBlocks(int rowsPerBlock = IMatrixSource.DefaultBlockRows)
    {
        Reads++;
        return matrix.ReadBlocks(blockRows);
    }
}
