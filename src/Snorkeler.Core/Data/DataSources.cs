using System.Globalization;

namespace Snorkeler.Data;

/// <summary>Opens data files by their extension, joins several files, and renames columns.</summary>
public static class DataSources
{
    /// <summary>
    /// The endings of the files <see cref="Open(string)"/> reads, the one list messages name them from (<c>.txt</c>,
    /// read as delimited text too, is not offered).
    /// </summary>
    internal static IReadOnlyList<string> Endings { get; } = [".csv", ".tsv", ".jsonl", ".ndjson", ".parquet", ".json"];

    /// <summary>The file extensions <see cref="Open(string)"/> reads, <c>.json</c> named as the Wrench split it is read as.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [.. Endings.Select(e => e == ".json" ? ".json (Wrench)" : e)];

    /// <summary>
    /// Opens a data file: <c>.csv</c>/<c>.tsv</c> as delimited text, <c>.jsonl</c>/<c>.ndjson</c> as JSON Lines,
    /// <c>.parquet</c> as Parquet, <c>.json</c> as a Wrench split (its rows' <c>data</c> fields).
    /// </summary>
    public static IDataSource Open(string path) => Open(path, null);

    /// <summary>Opens a data file as <see cref="Open(string)"/> does, reading delimited text with <paramref name="csv"/>.</summary>
    public static IDataSource Open(string path, CsvOptions? csv)
    {
        Guard.NotNull(path);
        IO.InputFile.RequireRegular(path, "a data file");
        var ext = Path.GetExtension(path).ToLowerInvariant();
        return ext switch
        {
            ".csv" or ".tsv" or ".txt" => new CsvSource(path, csv),
            ".jsonl" or ".ndjson" => new JsonLinesSource(path),
            ".parquet" => new ParquetSource(path),
            ".json" => WrenchFile.OpenData(path),
            _ => throw SnorkelerException.InFile(path, $"unknown data format '{ext}' (expected {string.Join(", ", Extensions)}){FormatHint(ext)}"),
        };
    }

    /// <summary>What to do with a file of a known kind that is not data as it is: a compressed file, a workbook.</summary>
    private static string FormatHint(string ext) => ext switch
    {
        ".gz" or ".bz2" or ".xz" or ".zst" or ".zip" => "; decompress it first",
        ".xlsx" or ".xls" or ".ods" => "; save the sheet as CSV UTF-8",
        _ => "",
    };

    /// <summary>Opens several data files as one source (rows of the first file first); all must have the same columns.</summary>
    public static IDataSource Open(IReadOnlyList<string> paths, CsvOptions? csv = null)
        => Concat(Guard.NotNull(paths).Select(p => Open(p, csv)).ToArray());

    /// <summary>What joins the names of the files of several as one source's name (<c>a.jsonl + b.jsonl</c>).</summary>
    private const string PartSeparator = " + ";

    /// <summary>Joins sources into one (rows of the first first); all must have the same columns.</summary>
    public static IDataSource Concat(IReadOnlyList<IDataSource> sources)
        => Guard.NotNull(sources).Count switch
        {
            0 => throw new ArgumentException("no data files given", nameof(sources)),
            1 => sources[0],
            _ => new ConcatSource(sources.ToArray()),
        };

    /// <summary>
    /// The source with columns renamed: each alias maps the name LFs use (<c>text</c>) to the data's column
    /// (<c>CONTENT</c>). Other columns keep their names. A data column that does not exist is an error naming the
    /// nearest one, unless <paramref name="strict"/> is false and the data already has the LF name: then the alias is
    /// skipped, so the aliases of the main data also serve a file already in the LFs' names (a dev split).
    /// </summary>
    public static IDataSource WithAliases(IDataSource source, IReadOnlyDictionary<string, string> aliases, bool strict = true)
        => aliases.Count == 0 ? source : new AliasedSource(source, aliases, strict);

    /// <summary>
    /// The rows of <paramref name="source"/>, counted from where its records start and end where it can be (delimited
    /// text, JSON Lines) rather than by parsing them: a check that data given beside a matrix is the data it was made from.
    /// </summary>
    public static long CountRows(IDataSource source, CancellationToken cancellation = default)
    {
        Guard.NotNull(source);
        switch (source)
        {
            case ConcatSource concat:
                return concat.Parts.Sum(p => CountRows(p, cancellation));
            case IChunkedSource chunked:
                long rows = 0;
                foreach (var chunk in chunked.ReadChunks(IMatrixSource.DefaultBlockRows))
                {
                    cancellation.ThrowIfCancellationRequested();
                    rows += chunk.Rows;
                }
                return rows;
            default:
                long count = 0;
                foreach (var batch in source.ReadBatches(IMatrixSource.DefaultBlockRows))
                {
                    cancellation.ThrowIfCancellationRequested();
                    count += batch.Count;
                }
                return count;
        }
    }

    private sealed class ConcatSource : IDataSource
    {
        private readonly IDataSource[] _parts;

        public ConcatSource(IDataSource[] parts)
        {
            _parts = parts;
            Schema = parts[0].Schema;
            foreach (var p in parts.Skip(1))
                if (!p.Schema.Names.SequenceEqual(Schema.Names, StringComparer.Ordinal))
                    throw SnorkelerException.InFile(p.Name, $"its columns ({string.Join(", ", p.Schema.Names)}) differ from {parts[0].Name}'s ({string.Join(", ", Schema.Names)})");
        }

        public IReadOnlyList<IDataSource> Parts => _parts;

        /// <summary>
        /// The parts' names joined; of more than four (a shell glob's thousands), the first two and the last with their
        /// count, so that a message naming the source still has room for what is wrong with it.
        /// </summary>
        public string Name => _parts.Length <= 4
            ? string.Join(PartSeparator, _parts.Select(p => p.Name))
            : string.Create(CultureInfo.InvariantCulture, $"{_parts[0].Name}{PartSeparator}{_parts[1].Name}{PartSeparator}...{PartSeparator}{_parts[^1].Name} ({_parts.Length:N0} files)");

        public IReadOnlyList<string> Files => [.. _parts.SelectMany(p => p.Files)];

        public DataSchema Schema { get; }

        public IEnumerable<RowBatch> ReadBatches(int rowsPerBatch)
        {
            long offset = 0;
            foreach (var part in _parts)
            {
                long count = 0;
                foreach (var batch in part.ReadBatches(rowsPerBatch))
                {
                    if (batch.Count == 0) continue;
                    count += batch.Count;
                    yield return batch.Rebase(Schema, offset + batch.FirstRow, part.Name, batch.FirstRow);
                }
                offset += count;
            }
            if (offset == 0) yield return new RowBatchBuilder(Schema, 1).Build(0);
        }
    }

    private sealed class AliasedSource : IChunkedSource
    {
        private readonly IDataSource _inner;

        public AliasedSource(IDataSource inner, IReadOnlyDictionary<string, string> aliases, bool strict)
        {
            _inner = inner;
            var names = inner.Schema.Names.ToArray();
            foreach (var (alias, column) in aliases)
            {
                if (!strict && inner.Schema.IndexOf(column) < 0 && inner.Schema.IndexOf(alias) >= 0) continue;
                var i = inner.Schema.IndexOf(column);
                if (i < 0)
                {
                    var hint = Loading.DataHints.Of(inner).ColumnHint(column, inner.Schema.Names);
                    throw new SnorkelerException($"{inner.Name}: no column '{column}' to read as '{alias}'{hint} (columns: {string.Join(", ", inner.Schema.Names)})");
                }
                if (Array.IndexOf(names, alias) is var clash and >= 0 && clash != i)
                    throw new SnorkelerException($"{inner.Name}: cannot name column '{column}' '{alias}': a column '{alias}' already exists");
                names[i] = alias;
            }
            Schema = new DataSchema(names, inner.Schema);
        }

        public string Name => _inner.Name;

        public IReadOnlyList<string> Files => _inner.Files;

        public DataSchema Schema { get; }

        public IEnumerable<RowBatch> ReadBatches(int rowsPerBatch)
            => _inner.ReadBatches(rowsPerBatch).Select(b => b.Rebase(Schema, b.FirstRow, b.SourceName));

        /// <summary>Chunks of the inner source, renamed; when it cannot be chunked, its batches as ready chunks.</summary>
        public IEnumerable<RowChunk> ReadChunks(int rowsPerBatch)
            => _inner is IChunkedSource chunked
                ? chunked.ReadChunks(rowsPerBatch).Select(c => c.Rebase(Schema, c.FirstRow, null))
                : ReadBatches(rowsPerBatch).Select(b => new RowChunk(b));
    }
}
