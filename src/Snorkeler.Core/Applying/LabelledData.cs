using Snorkeler.Data;

namespace Snorkeler.Applying;

/// <summary>
/// Data with gold labels: where a data set's gold labels come from (a named column, or a Wrench split's own
/// <c>label</c> fields) and the label matrix of such data with its gold labels attached. Every command that
/// takes labelled data (<c>apply --gold-column</c>, a <c>--dev</c> data file, <c>rows</c>) goes through here, so
/// gold means the same everywhere.
/// </summary>
public static class LabelledData
{
    /// <summary>
    /// The gold labels of <paramref name="data"/> (opened from <paramref name="paths"/>), in row order: from the
    /// column <paramref name="goldColumn"/> when given (class names or numbers; an error when the data has no such
    /// column), else from the files themselves when they are all Wrench splits, else null (no gold labels). A cell that is
    /// both a class's name and another class's number is warned of once through <paramref name="warn"/> (<see cref="GoldColumn.Warn"/>).
    /// </summary>
    public static GoldCursor? Gold(IReadOnlyList<string> paths, IDataSource data, LabelSchema schema, string? goldColumn, Action<string>? warn = null)
    {
        Guard.NotNull(paths);
        Guard.NotNull(data);
        Guard.NotNull(schema);
        if (goldColumn is not null)
        {
            var column = new GoldColumn(goldColumn, schema) { Warn = warn };
            column.IndexIn(data);
            return column.Cursor(data);
        }
        if (paths.Count == 0 || !paths.All(p => p.EndsWith(".json", StringComparison.OrdinalIgnoreCase))) return null;
        return GoldCursor.From(paths.Select(p =>
        {
            var classes = WrenchFile.ReadSchema(p);
            if (!classes.Equals(schema)) throw SnorkelerException.InFile(p, $"its classes {classes.ListedAgainst(schema)} differ from the LFs' {schema.ListedAgainst(classes)}");
            return WrenchFile.ReadGold(p);
        }));
    }

    /// <summary>
    /// A matrix with gold labels read beside it, block by block, from the data it was applied to (a fresh cursor from
    /// <paramref name="gold"/> for every pass).
    /// </summary>
    public static IMatrixSource WithGold(IMatrixSource matrix, Func<GoldCursor> gold) => new GoldJoined(Guard.NotNull(matrix), Guard.NotNull(gold));

    /// <summary>Applies <paramref name="lfs"/> to <paramref name="data"/> and returns the whole matrix with the gold labels of <paramref name="gold"/>.</summary>
    public static LabelMatrix Apply(IDataSource data, IReadOnlyList<LabelingFunction> lfs, LabelSchema schema, GoldCursor gold, ApplyOptions? options = null)
    {
        Guard.NotNull(gold);
        var blocks = new List<LabelMatrix>();
        Applier.Apply(data, lfs, schema, block => blocks.Add(gold.Attach(block)), options);
        if (blocks.Count == 0) return new LabelMatrixBuilder(schema, lfs.Select(l => l.Name).ToArray(), 1).Build();
        return IO.MatrixFile.Concat(blocks);
    }

    private sealed class GoldJoined(IMatrixSource matrix, Func<GoldCursor> gold) : IMatrixSource
    {
        public LabelSchema Schema => matrix.Schema;

        public IReadOnlyList<string> LfNames => matrix.LfNames;

        public long? RowCount => matrix.RowCount;

        public bool HasGold => true;

        public IReadOnlyList<SourceKind> SourceKinds => matrix.SourceKinds;

        public IEnumerable<LabelMatrix> ReadBlocks(int rowsPerBlock = IMatrixSource.DefaultBlockRows)
        {
            using var cursor = gold();
            foreach (var block in matrix.ReadBlocks(rowsPerBlock)) yield return cursor.Attach(block);
        }
    }
}
