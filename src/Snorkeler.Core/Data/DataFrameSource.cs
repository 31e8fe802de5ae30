using System.Globalization;
using Microsoft.Data.Analysis;

namespace Snorkeler.Data;

/// <summary>
/// An in-memory Microsoft.Data.Analysis <see cref="DataFrame"/> as a data source. Values are formatted
/// with the invariant culture; nulls are missing.
/// </summary>
public sealed class DataFrameSource : IDataSource
{
    private readonly DataFrame _frame;

    /// <summary>Wraps a data frame (not copied: do not change it while labelling).</summary>
    public DataFrameSource(DataFrame frame, string name = "DataFrame")
    {
        _frame = Guard.NotNull(frame);
        Name = name;
        Schema = new DataSchema(frame.Columns.Select(c => c.Name));
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public DataSchema Schema { get; }

    /// <inheritdoc />
    public IEnumerable<RowBatch> ReadBatches(int rowsPerBatch)
    {
        Guard.Positive(rowsPerBatch);
        var rows = _frame.Rows.Count;
        var builder = new RowBatchBuilder(Schema, rowsPerBatch);
        long first = 0;
        for (long i = 0; i < rows; i++)
        {
            builder.BeginRow();
            foreach (var column in _frame.Columns)
            {
                var value = column[i];
                if (value is null) builder.AddMissing();
                else builder.Add(Format(value));
            }
            builder.EndRow();
            if (builder.Count == rowsPerBatch)
            {
                yield return builder.Build(first);
                first += rowsPerBatch;
            }
        }
        if (builder.Count > 0 || first == 0) yield return builder.Build(first);
    }

    private static string Format(object value) => value switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("O", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
