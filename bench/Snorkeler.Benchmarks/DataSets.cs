using System.Text;
using Snorkeler.Data;
using Snorkeler.IO;

namespace Snorkeler.Benchmarks;

/// <summary>The benchmark's data sets, generated on demand and reused when already present.</summary>
public static class DataSets
{
    /// <summary>The raw YouTube comments (1,956 rows in five files).</summary>
    public static string RawYouTube => Environment.GetEnvironmentVariable("SNORKELER_YOUTUBE_RAW") ?? "/work/shared/data/youtube/raw";

    /// <summary>The repository root (holds Snorkeler.sln).</summary>
    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Snorkeler.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("cannot find Snorkeler.sln above the benchmark binary");
        }
    }

    /// <summary>Writes the raw comments (all five columns), repeated in order, to a CSV of exactly <paramref name="rows"/> rows.</summary>
    public static string YouTubeCsv(string dir, long rows)
    {
        var path = Path.Combine(dir, $"youtube-{rows}.csv");
        if (File.Exists(path)) return path;
        var records = new List<string>();
        string? header = null;
        foreach (var file in Directory.GetFiles(RawYouTube, "*.csv").Order(StringComparer.Ordinal))
        {
            var source = new CsvSource(file);
            header ??= string.Join(",", source.Schema.Names);
            foreach (var batch in source.ReadBatches(4096))
                for (var i = 0; i < batch.Count; i++)
                {
                    var line = new StringBuilder();
                    for (var c = 0; c < batch.Schema.Count; c++)
                    {
                        if (c > 0) line.Append(',');
                        line.Append(Quote(batch.Text(i, c)));
                    }
                    records.Add(line.Append('\n').ToString());
                }
        }
        var temporary = path + ".tmp";
        using (var writer = new StreamWriter(temporary, false, new UTF8Encoding(false), 1 << 20))
        {
            writer.Write(header);
            writer.Write('\n');
            for (long r = 0; r < rows; r++) writer.Write(records[(int)(r % records.Count)]);
        }
        File.Move(temporary, path, overwrite: true);
        return path;
    }

    /// <summary>The raw comment files, in name order.</summary>
    public static IReadOnlyList<string> RawFiles() => Directory.GetFiles(RawYouTube, "*.csv").Order(StringComparer.Ordinal).ToArray();

    private static string Quote(ReadOnlySpan<char> field)
    {
        var s = field.ToString();
        return s.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
    }

    /// <summary>
    /// A synthetic label matrix (.snkm) from the model the label models assume: a latent class drawn
    /// from a skewed prior; LF j votes with probability coverage_j (5–40 %), and then the true class with
    /// probability accuracy_j (55–90 %), otherwise a uniformly random other class. Fixed seed.
    /// A <c>.npy</c> matrix is written without its names sidecar, as <c>numpy.save</c> leaves it.
    /// </summary>
    public static string SyntheticMatrix(string dir, long rows, int lfs, int classes, int seed = 7, string extension = ".snkm")
    {
        var path = Path.Combine(dir, $"synthetic-{rows}x{lfs}x{classes}{extension}");
        if (File.Exists(path)) return path;
        var random = new Random(seed);
        var schema = new LabelSchema(Enumerable.Range(0, classes).Select(c => $"C{c}").ToArray());
        var names = Enumerable.Range(0, lfs).Select(j => $"lf{j:00}").ToArray();
        var coverage = Enumerable.Range(0, lfs).Select(_ => 0.05 + 0.35 * random.NextDouble()).ToArray();
        var accuracy = Enumerable.Range(0, lfs).Select(_ => 0.55 + 0.35 * random.NextDouble()).ToArray();
        var prior = Enumerable.Range(0, classes).Select(c => 1.0 + c).ToArray();
        var total = prior.Sum();
        const int block = 65536;
        var votes = new int[block * lfs];
        using var writer = MatrixWriter.Create(path, schema, names);
        for (long first = 0; first < rows; first += block)
        {
            var n = (int)Math.Min(block, rows - first);
            for (var i = 0; i < n; i++)
            {
                var u = random.NextDouble() * total;
                var y = 0;
                while (y < classes - 1 && u >= prior[y]) u -= prior[y++];
                for (var j = 0; j < lfs; j++)
                {
                    int v;
                    if (random.NextDouble() >= coverage[j]) v = -1;
                    else if (random.NextDouble() < accuracy[j]) v = y;
                    else
                    {
                        v = random.Next(classes - 1);
                        if (v >= y) v++;
                    }
                    votes[i * lfs + j] = v;
                }
            }
            writer.Write(LabelMatrix.Create(schema, names, votes.AsSpan(0, n * lfs)));
        }
        writer.Commit();
        if (extension == ".npy") File.Delete(MatrixFile.SchemaSidecar(path));
        return path;
    }
}
