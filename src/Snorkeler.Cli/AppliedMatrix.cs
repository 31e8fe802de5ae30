using Snorkeler.Applying;
using Snorkeler.IO;

namespace Snorkeler.Cli;

/// <summary>
/// LFs applied to data into a temporary label matrix, for the commands that read a matrix but may be given the LFs and
/// the data instead (<c>rows</c>, <c>analyze</c>): the matrix streams from a file, as one written by <c>apply</c> would,
/// so that data larger than memory works; the file is deleted on disposal.
/// </summary>
internal sealed class AppliedMatrix : IDisposable
{
    private readonly string _path;

    private AppliedMatrix(string path, IMatrixSource matrix, Analysis.LfWarnings.Counts? counts)
    {
        _path = path;
        Matrix = matrix;
        Counts = counts;
    }

    /// <summary>The matrix, with the data's gold labels when it has them.</summary>
    public IMatrixSource Matrix { get; }

    /// <summary>What the LF warnings are computed from, when asked for.</summary>
    public Analysis.LfWarnings.Counts? Counts { get; }

    /// <summary>
    /// Applies <paramref name="lfs"/> to <paramref name="data"/> (through the column cache with <c>--incremental</c>),
    /// attaching the gold labels of <paramref name="goldColumn"/> (or a Wrench split's own); with
    /// <paramref name="countWarnings"/>, gathers the counts of <see cref="Analysis.LfWarnings"/> on the way.
    /// </summary>
    public static AppliedMatrix Apply(Args args, Terminal terminal, IReadOnlyList<string> dataPaths, Data.IDataSource data, IReadOnlyList<LabelingFunction> lfs,
        LabelSchema schema, string? goldColumn, ApplyOptions options, string command, bool countWarnings = false)
    {
        var path = Path.Combine(Path.GetTempPath(), $"snorkeler-{command}-{Environment.ProcessId}-{Guid.NewGuid():N}.snkm");
        try
        {
            var names = lfs.Select(l => l.Name).ToArray();
            var counts = countWarnings ? new Analysis.LfWarnings.Counts(schema, names) : null;
            using (var gold = LabelledData.Gold(dataPaths, data, schema, goldColumn, terminal.Warning))
            using (var writer = MatrixWriter.Create(path, schema, names, gold is null ? null : goldColumn ?? "gold"))
            {
                var result = Commands.ApplyCommand.Apply(args, terminal, dataPaths, data, lfs, schema, block =>
                {
                    if (gold is not null) block = gold.Attach(block);
                    writer.Write(block);
                    counts?.Add(block);
                }, options);
                if (result.Rows == 0) throw new SnorkelerException($"{data.Name}: the data has no rows");
                writer.Commit();
            }
            return new AppliedMatrix(path, MatrixFile.Open(path), counts);
        }
        catch
        {
            Delete(path);
            throw;
        }
    }

    public void Dispose() => Delete(_path);

    private static void Delete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
