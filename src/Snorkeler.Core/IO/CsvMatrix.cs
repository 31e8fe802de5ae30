using System.Globalization;
using Snorkeler.Data;

namespace Snorkeler.IO;

/// <summary>
/// Reads a CSV label matrix: header of LF names, integer votes, -1 for abstain (an empty cell also abstains), and
/// optionally a column of gold labels (named in the schema sidecar, or by the caller).
/// </summary>
internal static class CsvMatrix
{
    /// <summary>
    /// Reads the matrix at <paramref name="path"/>, its fields split by the delimiter <paramref name="csv"/> gives, else by
    /// the one detected as for data files (a spreadsheet's semicolons, a tab, a pipe). Without a sidecar the classes are
    /// numbered after the largest label, or are <paramref name="reference"/>'s when those are numbered and hold every label. A gold label that is both a class's name and another class's number is warned of through <paramref name="warn"/>.
    /// </summary>
    public static LabelMatrix Read(string path, string? goldColumn, CsvOptions? csv = null, LabelSchema? reference = null, Action<string>? warn = null)
    {
        var source = new CsvSource(path, csv);
        var (schema, sidecarNames, sidecarGold) = MatrixFile.ReadSidecar(path);
        var goldName = goldColumn ?? sidecarGold;
        var goldIndex = -1;
        if (goldName is not null)
        {
            goldIndex = source.Schema.IndexOf(goldName);
            if (goldIndex < 0)
            {
                // A sidecar naming a missing column is damage; a name the user gave is a typo to point out.
                if (goldColumn is null) throw SnorkelerException.InFile(MatrixFile.SchemaSidecar(path), $"names gold column '{goldName}' but the CSV has no such column");
                var near = Text.Suggest.Nearest(goldName, source.Schema.Names);
                throw SnorkelerException.InFile(path, $"no gold column '{goldName}'{(near is null ? "" : $"; did you mean '{near}'?")} (columns: {string.Join(", ", source.Schema.Names)})");
            }
        }
        var lfColumns = Enumerable.Range(0, source.Schema.Count).Where(c => c != goldIndex).ToArray();
        var names = lfColumns.Select(c => source.Schema.Names[c]).ToArray();
        // The CSV reader trims header names; the sidecar keeps them exactly as written.
        if (sidecarNames is not null)
        {
            if (!sidecarNames.Select(n => n.Trim()).SequenceEqual(names, StringComparer.Ordinal))
                throw SnorkelerException.InFile(MatrixFile.SchemaSidecar(path), "its LF names differ from the CSV header's: " + NamesDiffer(sidecarNames, names));
            names = sidecarNames;
        }
        var gold = schema is null || goldIndex < 0 ? null : new GoldColumn(source.Schema.Names[goldIndex], schema) { Warn = warn };
        var votes = new List<int>();
        var goldLabels = new List<int>();
        var max = -1;
        foreach (var batch in source.ReadBatches(IMatrixSource.DefaultBlockRows))
        {
            for (var i = 0; i < batch.Count; i++)
            {
                foreach (var c in lfColumns)
                {
                    var v = Parse(batch, i, c, path, source.Schema, schema);
                    votes.Add(v);
                    if (v > max) max = v;
                }
                if (goldIndex < 0) continue;
                var g = gold is not null
                    ? batch.IsMissing(i, goldIndex) ? LabelSchema.Abstain : gold.Parse(batch.Text(i, goldIndex), path, batch.LineOf(i))
                    : Parse(batch, i, goldIndex, path, source.Schema, schema);
                goldLabels.Add(g);
                if (g > max) max = g;
            }
        }
        schema ??= MatrixFile.InferSchema(max, reference); // without a sidecar the classes are 0..max: no label is out of range
        if (names.Length == 0) throw SnorkelerException.InFile(path, "the matrix has no LF columns");
        var matrix = LabelMatrix.Create(schema, names, votes.ToArray());
        return goldIndex < 0 ? matrix : matrix.WithGold(goldLabels.ToArray());
    }

    /// <summary>
    /// What a file without a schema sidecar may have meant instead of a wide matrix: people's answers, whose columns were
    /// not recognised by name (an export's <c>task,annotator,answer</c>).
    /// </summary>
    private const string AnswersHint = "; if the file holds people's answers, one per line, name its columns task, worker and label, or give --task-column, --worker-column and --label-column";

    /// <summary>A cell's label: -1 (or empty) or a class number, below <paramref name="classes"/>' count when the sidecar gives them.</summary>
    private static int Parse(RowBatch batch, int row, int column, string path, DataSchema schema, LabelSchema? classes)
    {
        if (batch.IsMissing(row, column)) return LabelSchema.Abstain;
        var text = batch.Text(row, column).Trim();
        // int.TryParse takes trailing NULs for the end of the number ("1\0" was read as 1).
        if (Text.ControlCharacters.Held(text) is { } held)
            throw SnorkelerException.InFile(path, $"column '{schema.Names[column]}': '{text}' is not a label (-1 or a class number){held}", batch.LineOf(row));
        // pandas writes a column with a missing value as floats ("1.0", "-1.0", and "" for NaN), as it does gold labels.
        if (!int.TryParse(Data.GoldColumn.WithoutZeroFraction(text), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) || v < -1)
            throw SnorkelerException.InFile(path, $"column '{schema.Names[column]}': '{text}' is not a label (-1 or a class number){(classes is null ? AnswersHint : "")}", batch.LineOf(row));
        if (v > MatrixFile.MaxClassNumber)
            throw SnorkelerException.InFile(path, $"column '{schema.Names[column]}': {MatrixFile.PastLargestClass("class", v)}", batch.LineOf(row));
        if (classes is not null && v >= classes.Cardinality)
            throw SnorkelerException.InFile(path, $"column '{schema.Names[column]}': a label of {v} is out of range for classes {classes.Listed}", batch.LineOf(row));
        return v;
    }

    /// <summary>Where a sidecar's LF names and a CSV header's part: their counts, else the first LF named otherwise.</summary>
    private static string NamesDiffer(string[] sidecar, string[] header)
    {
        if (sidecar.Length != header.Length) return string.Create(CultureInfo.InvariantCulture, $"it names {sidecar.Length:N0} LFs and the header {header.Length:N0}");
        var i = Enumerable.Range(0, header.Length).First(j => sidecar[j].Trim() != header[j]);
        return $"LF {i + 1} is '{Text.Printable.OneLine(sidecar[i])}' in it and '{Text.Printable.OneLine(header[i])}' in the header";
    }
}
