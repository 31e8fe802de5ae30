using System.Globalization;
using System.Text.Json.Nodes;
using Parquet;
using Parquet.Serialization;
using Snorkeler.Cli.Tests.Support;

namespace Snorkeler.Cli.Tests;

/// <summary>
/// The binary data files the CLI reads, Parquet data and answers and NumPy .npy matrices and gold labels (and the text
/// formats the text fuzz leaves out: TSV data, answers, gold labels and judgements as JSON Lines, and the splits of a
/// compare --suite set), damaged by
/// <see cref="DataMutator"/>'s edits and by <see cref="BinaryMutator"/>'s, which know where their footers, headers and
/// data lie; the same checks as the text files' (<see cref="Problems"/>). A bigger run: SNORKELER_FUZZ_MUTANTS=5000
/// (and SNORKELER_FUZZ_SEED) with <c>--filter Binary</c>.
/// </summary>
public sealed partial class DataMutationFuzzTests
{
    internal static readonly Target[] BinaryTargets =
    [
        new("yt.parquet", [], ["apply --lfs {lfs} --data {d}/yt.parquet --column text=CONTENT --out {o}/m.snkm", "label --lfs {lfs} --data {d}/yt.parquet --column text=CONTENT --model mv --keep-columns AUTHOR,Posted --out {o}/labels.parquet", "rows --lfs {lfs} --data {d}/yt.parquet --column text=CONTENT --gold-column CLASS --limit 2"], Lines: false),
        new("answers.parquet", ["label.json"], ["fit --matrix {d}/answers.parquet --model dawid-skene --out {o}/model.json", "analyze --matrix {d}/answers.parquet"], Lines: false),
        new("gold.parquet", ["answers.csv", "label.json"], ["analyze --matrix {d}/answers.csv --gold {d}/gold.parquet"], Lines: false),
        new("yt.tsv", [], ["apply --lfs {lfs} --data {d}/yt.tsv --out {o}/m.snkm", "label --lfs {lfs} --data {d}/yt.tsv --model mv --out {o}/labels.jsonl"]),
        new("answers.jsonl", ["label.json", "gold.jsonl"], ["fit --matrix {d}/answers.jsonl --model dawid-skene --out {o}/model.json", "analyze --matrix {d}/answers.jsonl --gold {d}/gold.jsonl"]),
        new("gold.jsonl", ["answers.jsonl", "label.json"], ["analyze --matrix {d}/answers.jsonl --gold {d}/gold.jsonl"]),
        new("judgements.jsonl", [], ["preferences --pairs {d}/judgements.jsonl --out {o}/scores.csv"]),
        new("suite/a/test.json", ["suite/a/train.json", "suite/a/valid.json", "suite/a/label.json"], ["compare --suite {d}/suite --models mv,wmv"]),
        new("suite/a/train.json", ["suite/a/test.json", "suite/a/valid.json", "suite/a/label.json"], ["compare --suite {d}/suite --models mv,wmv"]),
        new("suite/a/valid.json", ["suite/a/train.json", "suite/a/test.json", "suite/a/label.json"], ["compare --suite {d}/suite --models mv,wmv"]),
        new("suite/a/label.json", ["suite/a/train.json", "suite/a/test.json", "suite/a/valid.json"], ["compare --suite {d}/suite --models mv,wmv"]),
        new("m.npy", ["m.npy.schema.json", "m.gold.npy", "model.json"], ["analyze --matrix {d}/m.npy", "fit --matrix {d}/m.npy --model snorkel --out {o}/model.json", "predict --model {d}/model.json --matrix {d}/m.npy --out {o}/p.csv"], Lines: false),
        new("m.gold.npy", ["m.npy", "m.npy.schema.json"], ["analyze --matrix {d}/m.npy"], Lines: false),
    ];

    [Fact]
    public void Binary_mutants_of_parquet_and_npy_files_end_in_one_line_errors_naming_them()
    {
        var (count, seed) = Scale(390, 3903);
        var inputs = BinaryInputs(_temp.File("inputs"));
        var problems = new List<string>();
        foreach (var target in BinaryTargets)
        {
            var source = File.ReadAllBytes(Path.Combine(inputs, target.File));
            var each = Math.Max(2, count / BinaryTargets.Length);
            var laidOut = Path.GetExtension(target.File) switch
            {
                ".npy" => BinaryMutator.Npy(source, seed, each / 2 + each % 2),
                ".parquet" => BinaryMutator.Parquet(source, seed, each / 2 + each % 2),
                _ => new DataMutator(source).Random(seed + 1, each / 2 + each % 2),
            };
            foreach (var mutant in laidOut.Concat(new DataMutator(source).Random(seed, each / 2)).Prepend(DataMutant.Of(DataMutant.Sound, source, source)))
                problems.AddRange(Problems(inputs, target, mutant));
        }
        Report(problems);
    }

    /// <summary>A Parquet data file's columns: text with nulls, and the other types a data set holds.</summary>
    public sealed class Comment
    {
        public string? COMMENT_ID { get; set; }
        public string? AUTHOR { get; set; }
        public DateTime Posted { get; set; }
        public string? CONTENT { get; set; }
        public int CLASS { get; set; }
        public long? Likes { get; set; }
        public double Score { get; set; }
        public float Ratio { get; set; }
        public bool Pinned { get; set; }
        public decimal Price { get; set; }
    }

    /// <summary>People's answers in long format.</summary>
    public sealed class Answer
    {
        public string? Task { get; set; }
        public string? Worker { get; set; }
        public long Label { get; set; }
    }

    /// <summary>Gold labels by task.</summary>
    public sealed class Gold
    {
        public string? Task { get; set; }
        public string? Label { get; set; }
    }

    /// <summary><see cref="Inputs"/>, and the binary files: YouTube comments, rte answers and their gold labels as Parquet (written by Parquet.Net, in several row groups), the spam matrix as .npy with its gold labels; and the text files the text fuzz does not read.</summary>
    internal static string BinaryInputs(string folder)
    {
        Inputs(folder);
        string In(string name) => Path.Combine(folder, name);
        var comments = File.ReadLines(In("yt.jsonl")).Select((line, i) => new Comment
        {
            COMMENT_ID = $"c{i}",
            AUTHOR = i % 4 == 1 ? null : $"author {i}",
            Posted = new DateTime(2015, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddHours(i * 7),
            CONTENT = i == 3 ? null : JsonNode.Parse(line)!["text"]!.GetValue<string>(),
            CLASS = JsonNode.Parse(line)!["label"]!.GetValue<int>(),
            Likes = i % 3 == 0 ? null : i * 11,
            Score = i / 4.0,
            Ratio = i / 8f,
            Pinned = i % 2 == 0,
            Price = i * 1.25m,
        }).ToArray();
        Write(In("yt.parquet"), comments);
        var answers = File.ReadLines(In("answers.csv")).Skip(1).Select(l => l.Split(',')).Select(f => new Answer { Task = f[0], Worker = f[1], Label = long.Parse(f[2], CultureInfo.InvariantCulture) }).ToArray();
        Write(In("answers.parquet"), answers);
        Write(In("gold.parquet"), File.ReadLines(In("gold.csv")).Skip(1).Select(l => l.Split(',')).Select(f => new Gold { Task = f[0], Label = f[1] }).ToArray());
        Ok("apply", "--lfs", In("lfs"), "--data", In("yt.csv"), "--column", "text=CONTENT", "--gold-column", "CLASS", "--out", In("m.npy"));
        // A suite of one set, each of its splits the 12-row Wrench split, for compare --suite.
        Directory.CreateDirectory(In("suite/a"));
        foreach (var split in new[] { "train.json", "test.json", "valid.json", "label.json" }) File.Copy(In(split == "label.json" ? "label.json" : "valid.json"), In("suite/a/" + split));
        // The text formats the text fuzz does not read: tab-separated data, and answers, gold labels and judgements as JSON Lines.
        File.WriteAllLines(In("yt.tsv"), comments.Select(c => $"{c.COMMENT_ID}\t{c.CONTENT?.ReplaceLineEndings(" ").Replace('\t', ' ')}\t{c.CLASS}").Prepend("id\ttext\tlabel"));
        static string Json(params (string Key, string Value)[] fields) => new JsonObject(fields.Select(f => KeyValuePair.Create(f.Key, (JsonNode?)f.Value))).ToJsonString();
        File.WriteAllLines(In("answers.jsonl"), answers.Select(a => Json(("task", a.Task!), ("worker", a.Worker!), ("label", a.Label.ToString(CultureInfo.InvariantCulture)))));
        File.WriteAllLines(In("gold.jsonl"), File.ReadLines(In("gold.csv")).Skip(1).Select(l => l.Split(',')).Select(f => Json(("task", f[0]), ("label", f[1]))));
        File.WriteAllLines(In("judgements.jsonl"), File.ReadLines(In("judgements.csv")).Skip(1).Select(l => l.Split(',')).Select(f => Json(("left", f[0]), ("right", f[1]), ("worker", f[2]), ("winner", f[3]))));
        return folder;
    }

    private static void Write<T>(string path, T[] rows)
    {
        using var stream = File.Create(path);
        ParquetSerializer.SerializeAsync(rows, stream, new ParquetOptions { RowGroupSize = 5 }).GetAwaiter().GetResult();
    }
}
