using Snorkeler.Data;

namespace Snorkeler.LabelModels.Tests.Support;

/// <summary>The data sets in ../shared/data: Wrench splits and the crowd sets in long format.</summary>
internal static class SharedSets
{
    /// <summary>The Wrench-format sets, each with train (gold removed), valid and test.</summary>
    public static readonly string[] Wrench = ["youtube", "trec", "tennis", "dog"];

    /// <summary>The crowd sets (task, worker, label answers with gold for the tasks).</summary>
    public static readonly string[] Crowd = ["bluebird", "rte", "dog"];

    private static string DataFile(params string[] parts) => Path.Combine([TestPaths.Shared, "data", .. parts]);

    /// <summary>A split of a Wrench set; train comes without its gold labels (fits must not see them).</summary>
    public static LabelMatrix Split(string set, string split)
    {
        var matrix = WrenchFile.ReadMatrix(DataFile(set, $"{split}.json"));
        return split == "train" ? matrix.WithGold([]) : matrix;
    }

    /// <summary>The train split's gold labels, or null where the set has none (tennis).</summary>
    public static int[]? TrainGold(string set)
    {
        var gold = WrenchFile.ReadMatrix(DataFile(set, "train.json")).GoldLabels.ToArray();
        return gold.Any(g => g >= 0) ? gold : null;
    }

    /// <summary>
    /// A crowd set as a task × worker matrix of annotators (workers in order of first answer; a missing answer is missing, not an abstain) with
    /// the gold labels attached; the crowd protocol fits on all tasks and scores on those with gold.
    /// </summary>
    public static LabelMatrix CrowdMatrix(string set)
    {
        var answers = File.ReadAllLines(DataFile("crowd", set, "answers.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
        var tasks = new Dictionary<string, int>(StringComparer.Ordinal);
        var workers = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var a in answers)
        {
            tasks.TryAdd(a[0], tasks.Count);
            workers.TryAdd(a[1], workers.Count);
        }
        var k = WrenchFile.ReadSchema(DataFile("crowd", set, "label.json")).Cardinality;
        var votes = new int[tasks.Count * workers.Count];
        Array.Fill(votes, LabelSchema.Abstain);
        foreach (var a in answers) votes[tasks[a[0]] * workers.Count + workers[a[1]]] = int.Parse(a[2], System.Globalization.CultureInfo.InvariantCulture);
        var gold = new int[tasks.Count];
        Array.Fill(gold, LabelSchema.Abstain);
        foreach (var g in File.ReadAllLines(DataFile("crowd", set, "gold.csv")).Skip(1).Select(l => l.Split(',')))
            if (tasks.TryGetValue(g[0], out var task)) gold[task] = int.Parse(g[1], System.Globalization.CultureInfo.InvariantCulture);
        var names = workers.Keys.Select(w => $"worker_{w}").ToArray();
        return LabelMatrix.Create(LabelSchema.Numbered(k), names, votes, gold).WithSourceKinds(Enumerable.Repeat(SourceKind.Annotator, names.Length).ToArray());
    }
}
