using System.Globalization;
using Snorkeler.Data;

namespace Snorkeler.IO;

/// <summary>Reads a CSV label matrix: header of LF names, integer votes, -1 for abstain (an empty cell also abstains).</summary>
internal static class CsvMatrix
{
    public static LabelMatrix Read(string path, string? goldColumn)
    {
        var source = new CsvSource(path);
        var goldIndex = goldColumn is null ? -1 : source.Schema.RequireIndex(goldColumn, path);
        var lfColumns = Enumerable.Range(0, source.Schema.Count).Where(c => c != goldIndex).ToArray();
        var names = lfColumns.Select(c => source.Schema.Names[c]).ToArray();
        var (schema, sidecarNames) = MatrixFile.ReadSidecar(path);
        // The CSV reader trims header names; the sidecar keeps them exactly as written.
        if (sidecarNames is not null && !sidecarNames.Select(n => n.Trim()).SequenceEqual(names, StringComparer.Ordinal) && goldIndex < 0)
            throw SnorkelerException.InFile(MatrixFile.SchemaSidecar(path), "its LF names differ from the CSV header");
        if (sidecarNames is not null && goldIndex < 0) names = sidecarNames;
        var votes = new List<int>();
        var gold = new List<int>();
        var max = -1;
        foreach (var batch in source.ReadBatches(IMatrixSource.DefaultBlockRows))
        {
            for (var i = 0; i < batch.Count; i++)
            {
                foreach (var c in lfColumns)
                {
                    var v = Parse(batch, i, c, path, source.Schema);
                    votes.Add(v);
                    if (v > max) max = v;
                }
                if (goldIndex >= 0)
                {
                    var g = Parse(batch, i, goldIndex, path, source.Schema);
                    gold.Add(g);
                    if (g > max) max = g;
                }
            }
        }
        schema ??= MatrixFile.InferSchema(max);
        if (max >= schema.Cardinality)
            throw SnorkelerException.InFile(path, $"a label of {max} is out of range for classes {schema}");
        if (names.Length == 0) throw SnorkelerException.InFile(path, "the matrix has no LF columns");
        return LabelMatrix.Create(schema, names, votes.ToArray(), gold.ToArray());
    }

    private static int Parse(RowBatch batch, int row, int column, string path, DataSchema schema)
    {
        if (batch.IsMissing(row, column)) return LabelSchema.Abstain;
        var text = batch.Text(row, column).Trim();
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) || v < -1 || v > short.MaxValue)
            throw SnorkelerException.InFile(path, $"column '{schema.Names[column]}': '{text}' is not a label (-1 or a class number)", batch.LineOf(row));
        return v;
    }
}
