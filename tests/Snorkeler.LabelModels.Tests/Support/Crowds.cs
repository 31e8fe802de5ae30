namespace Snorkeler.LabelModels.Tests.Support;

/// <summary>How workers produce answers in a generated crowd.</summary>
public enum WorkerModel
{
    /// <summary>Each worker has a full confusion matrix: accuracy on the diagonal, the rest spread unevenly over wrong classes.</summary>
    Confusion,
    /// <summary>Each worker is right with one probability, wrong classes uniform (one-coin).</summary>
    OneCoin,
    /// <summary>GLAD: right with probability σ(ability × easiness of the task), wrong classes uniform.</summary>
    Difficulty,
    /// <summary>
    /// Workers in two schools: each class has two subtypes, and on the second subtype one school systematically
    /// answers a class next to the truth (correlated errors, as EBCC models).
    /// </summary>
    Schools,
}

/// <summary>The shape of a generated crowd data set.</summary>
public sealed record CrowdSpec
{
    public int Tasks { get; init; } = 500;
    public int Workers { get; init; } = 50;
    public int Classes { get; init; } = 2;
    public double AnswersPerTask { get; init; } = 5;
    /// <summary>Class balance; null: uniform.</summary>
    public double[]? ClassPrior { get; init; }
    /// <summary>Share of workers who answer uniformly at random.</summary>
    public double RandomSpammers { get; init; }
    /// <summary>Share of workers who always answer the same class.</summary>
    public double ConstantSpammers { get; init; }
    /// <summary>Worker activity: the chance a task goes to worker j is ∝ (j + 1)^(−skew); 0 spreads tasks evenly.</summary>
    public double ActivitySkew { get; init; }
    public WorkerModel Model { get; init; } = WorkerModel.Confusion;
    /// <summary>Workers' accuracies are drawn uniformly from [low, high].</summary>
    public double AccuracyLow { get; init; } = 0.55;
    public double AccuracyHigh { get; init; } = 0.9;
    public int Seed { get; init; }

    /// <summary>Too little redundancy to learn workers from: at most three answers a task from workers below 80% accuracy.</summary>
    public bool IsWeak => AnswersPerTask <= 3 && AccuracyHigh < 0.8 && Model != WorkerModel.OneCoin;

    public override string ToString()
        => $"{Model} n={Tasks} m={Workers} k={Classes} r={AnswersPerTask} spam={RandomSpammers}+{ConstantSpammers} skew={ActivitySkew} acc=[{AccuracyLow},{AccuracyHigh}]{(ClassPrior is null ? "" : " prior=" + string.Join("/", ClassPrior))}";
}

/// <summary>Crowd data drawn from known worker models, with the truth attached as gold labels.</summary>
public static class Crowds
{
    /// <summary>A sparse matrix of annotators (rows: tasks, sources: workers w0, w1, ...) with gold labels.</summary>
    public static LabelMatrix Generate(CrowdSpec spec)
    {
        var random = new Random(spec.Seed);
        var k = spec.Classes;
        var prior = spec.ClassPrior ?? Enumerable.Repeat(1.0 / k, k).ToArray();
        var m = spec.Workers;
        // Workers: kind, accuracy, confusion rows.
        var kind = new int[m]; // 0 normal, 1 random spammer, 2 constant spammer
        var order = Enumerable.Range(0, m).OrderBy(_ => random.Next()).ToArray();
        var randomCount = (int)Math.Round(spec.RandomSpammers * m);
        var constantCount = (int)Math.Round(spec.ConstantSpammers * m);
        for (var i = 0; i < randomCount; i++) kind[order[i]] = 1;
        for (var i = randomCount; i < randomCount + constantCount && i < m; i++) kind[order[i]] = 2;
        var confusion = new double[m * k * k];
        var ability = new double[m];
        var constant = new int[m];
        var school = new int[m];
        for (var j = 0; j < m; j++)
        {
            var accuracy = spec.AccuracyLow + (spec.AccuracyHigh - spec.AccuracyLow) * random.NextDouble();
            ability[j] = Math.Log(accuracy / (1 - accuracy));
            constant[j] = random.Next(k);
            school[j] = random.Next(2);
            for (var c = 0; c < k; c++)
            {
                var row = confusion.AsSpan((j * k + c) * k, k);
                if (spec.Model == WorkerModel.Confusion)
                {
                    // Class-dependent accuracy around the worker's, wrong classes weighted unevenly.
                    var a = Math.Clamp(accuracy + 0.1 * (random.NextDouble() - 0.5), 0.05, 0.99);
                    var weights = Enumerable.Range(0, k).Select(x => x == c ? 0 : -Math.Log(1 - random.NextDouble())).ToArray();
                    var sum = weights.Sum();
                    for (var x = 0; x < k; x++) row[x] = x == c ? a : (1 - a) * (sum == 0 ? 0 : weights[x] / sum);
                }
                else
                    for (var x = 0; x < k; x++) row[x] = x == c ? accuracy : (1 - accuracy) / (k - 1);
            }
        }
        // Activity weights (cumulative) for picking workers.
        var activity = new double[m];
        for (var j = 0; j < m; j++) activity[j] = Math.Pow(j + 1, -spec.ActivitySkew) + (j == 0 ? 0 : activity[j - 1]);
        var builder = new SparseLabelMatrixBuilder(LabelSchema.Numbered(k), Enumerable.Range(0, m).Select(j => $"w{j}").ToArray());
        var chosen = new HashSet<int>();
        for (var i = 0; i < spec.Tasks; i++)
        {
            var row = builder.AddRow();
            var truth = Draw(prior, random);
            builder.SetGold(row, truth);
            var easiness = Math.Exp(0.8 * Gaussian(random));
            var subtype = random.Next(2);
            var answers = Math.Min(m, Math.Max(1, (int)Math.Round(spec.AnswersPerTask + (random.NextDouble() - 0.5))));
            chosen.Clear();
            while (chosen.Count < answers)
            {
                var u = random.NextDouble() * activity[m - 1];
                var j = Array.BinarySearch(activity, u);
                chosen.Add(j < 0 ? Math.Min(m - 1, ~j) : j);
            }
            foreach (var j in chosen.Order())
            {
                int label;
                if (kind[j] == 1) label = random.Next(k);
                else if (kind[j] == 2) label = constant[j];
                else label = spec.Model switch
                {
                    WorkerModel.Difficulty => random.NextDouble() < 1 / (1 + Math.Exp(-ability[j] * easiness)) ? truth : (truth + 1 + random.Next(k - 1)) % k,
                    WorkerModel.Schools when subtype == 1 && school[j] == 1 && random.NextDouble() < 0.7 => (truth + 1) % k,
                    _ => Draw(confusion.AsSpan((j * k + truth) * k, k), random),
                };
                builder.Add(j, label);
            }
        }
        var matrix = builder.Build();
        return matrix.WithSourceKinds(Enumerable.Repeat(SourceKind.Annotator, m).ToArray());
    }

    /// <summary>The same matrix with every source an LF, as a wide crowd file that does not say which columns are people comes.</summary>
    public static LabelMatrix AsLfs(LabelMatrix matrix) => matrix.WithSourceKinds(Enumerable.Repeat(SourceKind.LabelingFunction, matrix.LfCount).ToArray());

    private static int Draw(ReadOnlySpan<double> p, Random random)
    {
        var u = random.NextDouble();
        for (var c = 0; c < p.Length - 1; c++)
        {
            u -= p[c];
            if (u < 0) return c;
        }
        return p.Length - 1;
    }

    private static double Gaussian(Random random)
        => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>A varied suite of crowds for checking that a method holds in general (the seed varies each).</summary>
    public static IReadOnlyList<CrowdSpec> Suite(int seed) =>
    [
        new() { Seed = seed, Model = WorkerModel.Confusion, Tasks = 600, Workers = 40, AnswersPerTask = 5 },
        new() { Seed = seed + 1, Model = WorkerModel.OneCoin, Tasks = 800, Workers = 150, AnswersPerTask = 5, ActivitySkew = 1 },
        new() { Seed = seed + 2, Model = WorkerModel.Confusion, Tasks = 800, Workers = 100, Classes = 4, AnswersPerTask = 5, RandomSpammers = 0.3 },
        new() { Seed = seed + 3, Model = WorkerModel.Confusion, Tasks = 1000, Workers = 200, Classes = 3, AnswersPerTask = 3, ConstantSpammers = 0.2, ActivitySkew = 1.2 },
        new() { Seed = seed + 4, Model = WorkerModel.Difficulty, Tasks = 800, Workers = 60, Classes = 2, AnswersPerTask = 7 },
        new() { Seed = seed + 5, Model = WorkerModel.Confusion, Tasks = 1000, Workers = 80, Classes = 3, AnswersPerTask = 5, ClassPrior = [0.75, 0.2, 0.05] },
        new() { Seed = seed + 6, Model = WorkerModel.OneCoin, Tasks = 600, Workers = 100, Classes = 10, AnswersPerTask = 5, AccuracyLow = 0.3, AccuracyHigh = 0.8 },
        new() { Seed = seed + 7, Model = WorkerModel.Schools, Tasks = 800, Workers = 60, Classes = 4, AnswersPerTask = 8 },
        new() { Seed = seed + 8, Model = WorkerModel.Confusion, Tasks = 3000, Workers = 2000, Classes = 2, AnswersPerTask = 5, ActivitySkew = 0.8, RandomSpammers = 0.15, AccuracyLow = 0.6, AccuracyHigh = 0.95 },
        new() { Seed = seed + 9, Model = WorkerModel.Confusion, Tasks = 1000, Workers = 30, Classes = 2, AnswersPerTask = 3, AccuracyLow = 0.6, AccuracyHigh = 0.75 },
        new() { Seed = seed + 10, Model = WorkerModel.OneCoin, Tasks = 2000, Workers = 500, Classes = 5, AnswersPerTask = 3, ActivitySkew = 1, AccuracyLow = 0.4, AccuracyHigh = 0.9, ConstantSpammers = 0.1 },
    ];

    /// <summary>
    /// Crowds shaped like the large public sets of Zheng et al.'s truth-inference benchmark (VLDB 2017): adult-content
    /// rating (11,040 tasks, 825 workers, 4 classes, about 8 answers a task) and relevance judgements (20,232 tasks, 766
    /// workers, 4 classes, about 5 answers a task), with skewed classes, power-law activity, and workers who guess or give
    /// one answer whatever the task; plus a smaller adult-shaped crowd with fewer answers a task.
    /// </summary>
    public static IReadOnlyList<CrowdSpec> LargeSuite(int seed) =>
    [
        new() { Seed = seed, Model = WorkerModel.Confusion, Tasks = 11040, Workers = 825, Classes = 4, AnswersPerTask = 8.4, ClassPrior = [0.55, 0.2, 0.15, 0.1], RandomSpammers = 0.2, ConstantSpammers = 0.1, ActivitySkew = 1.2, AccuracyLow = 0.3, AccuracyHigh = 0.85 },
        new() { Seed = seed + 1, Model = WorkerModel.OneCoin, Tasks = 11040, Workers = 825, Classes = 4, AnswersPerTask = 8.4, ClassPrior = [0.55, 0.2, 0.15, 0.1], RandomSpammers = 0.2, ConstantSpammers = 0.1, ActivitySkew = 1.2, AccuracyLow = 0.3, AccuracyHigh = 0.85 },
        new() { Seed = seed + 2, Model = WorkerModel.Confusion, Tasks = 20232, Workers = 766, Classes = 4, AnswersPerTask = 4.9, ClassPrior = [0.35, 0.3, 0.2, 0.15], RandomSpammers = 0.25, ConstantSpammers = 0.1, ActivitySkew = 1, AccuracyLow = 0.3, AccuracyHigh = 0.7 },
        new() { Seed = seed + 3, Model = WorkerModel.Confusion, Tasks = 3000, Workers = 825, Classes = 4, AnswersPerTask = 6, ClassPrior = [0.6, 0.2, 0.12, 0.08], RandomSpammers = 0.2, ConstantSpammers = 0.15, ActivitySkew = 1.5, AccuracyLow = 0.3, AccuracyHigh = 0.85 },
    ];
}
