using Snorkeler.Benchmarks;
using Snorkeler.Data;

namespace Snorkeler.LabelModels.Tests.Support;

/// <summary>A generated data set with its true parameters.</summary>
/// <param name="Matrix">Votes with the gold labels attached.</param>
/// <param name="Prior">The true class balance.</param>
/// <param name="Confusion">Per source, the true k × k confusion P(vote a | Y = c) given that it votes (row-major), or null.</param>
internal sealed record GeneratedSet(LabelMatrix Matrix, double[] Prior, double[][]? Confusion = null)
{
    /// <summary>The mean absolute difference between a fitted model's confusion entries P(vote a | class c) of every source and the generating ones.</summary>
    public double ConfusionError(Func<int, int, int, double> fitted)
    {
        var k = Matrix.Schema.Cardinality;
        var errors = new List<double>();
        for (var w = 0; w < Matrix.LfCount; w++)
        for (var c = 0; c < k; c++)
        for (var a = 0; a < k; a++)
            errors.Add(Math.Abs(fitted(w, c, a) - Confusion![w][c * k + a]));
        return errors.Average();
    }
}

/// <summary>Label matrices drawn from known generative models, for checking that fits recover what generated them.</summary>
internal static class Generated
{
    /// <summary>A generated LF set as written and read back: the train split without its gold, the test split with it.</summary>
    public static (LabelMatrix Train, LabelMatrix Test) Written(LfSetSpec spec)
    {
        using var folder = new TempFolder();
        LfSuiteGenerator.Write(spec, folder.Path);
        return (WrenchFile.ReadMatrix(Path.Combine(folder.Path, "train.json")).WithGold([]), WrenchFile.ReadMatrix(Path.Combine(folder.Path, "test.json")));
    }

    private static int Draw(Random random, ReadOnlySpan<double> p)
    {
        var u = random.NextDouble();
        for (var c = 0; c < p.Length; c++)
        {
            u -= p[c];
            if (u < 0) return c;
        }
        return p.Length - 1;
    }

    /// <summary>Class balance p_c ∝ skew^c.</summary>
    public static double[] Balance(int k, double skew)
    {
        var p = Enumerable.Range(0, k).Select(c => Math.Pow(skew, c)).ToArray();
        var sum = p.Sum();
        return p.Select(x => x / sum).ToArray();
    }

    /// <summary>
    /// Crowd labels from the Dawid–Skene model: each of <paramref name="workers"/> workers has a random
    /// diagonal-heavy confusion matrix (accuracy 0.55–0.95 per class, errors spread unevenly); each task is
    /// labelled by <paramref name="perTask"/> workers chosen with uneven workloads; the rest is missing.
    /// </summary>
    public static GeneratedSet Crowd(int tasks, int workers, int k, int perTask, double skew, int seed)
    {
        var random = new Random(seed);
        var prior = Balance(k, skew);
        var confusion = new double[workers][];
        for (var w = 0; w < workers; w++)
        {
            confusion[w] = new double[k * k];
            for (var c = 0; c < k; c++)
            {
                var accuracy = 0.55 + 0.4 * random.NextDouble();
                var spread = Enumerable.Range(0, k).Select(a => a == c ? 0 : 0.2 + random.NextDouble()).ToArray();
                for (var a = 0; a < k; a++) confusion[w][c * k + a] = a == c ? accuracy : (1 - accuracy) * spread[a] / spread.Sum();
            }
        }
        var load = Enumerable.Range(0, workers).Select(_ => 0.1 + random.NextDouble()).ToArray();
        var loadSum = load.Sum();
        for (var w = 0; w < workers; w++) load[w] /= loadSum;
        var votes = new int[tasks * workers];
        Array.Fill(votes, LabelSchema.Abstain);
        var gold = new int[tasks];
        var chosen = new HashSet<int>();
        for (var i = 0; i < tasks; i++)
        {
            var y = Draw(random, prior);
            gold[i] = y;
            chosen.Clear();
            while (chosen.Count < Math.Min(perTask, workers)) chosen.Add(Draw(random, load));
            foreach (var w in chosen) votes[i * workers + w] = Draw(random, confusion[w].AsSpan(y * k, k));
        }
        var names = Enumerable.Range(0, workers).Select(w => $"worker_{w}").ToArray();
        return new GeneratedSet(LabelMatrix.Create(LabelSchema.Numbered(k), names, votes, gold), prior, confusion);
    }

    /// <summary>
    /// One-coin labels: source j votes with probability <paramref name="coverage"/> (missing at random), rightly
    /// with its accuracy from <paramref name="accuracies"/>, else a wrong class uniformly.
    /// </summary>
    public static GeneratedSet OneCoin(int rows, double[] accuracies, int k, double coverage, double skew, int seed)
    {
        var random = new Random(seed);
        var prior = Balance(k, skew);
        var m = accuracies.Length;
        var votes = new int[rows * m];
        var gold = new int[rows];
        for (var i = 0; i < rows; i++)
        {
            var y = Draw(random, prior);
            gold[i] = y;
            for (var j = 0; j < m; j++)
                votes[i * m + j] = random.NextDouble() >= coverage ? LabelSchema.Abstain
                    : random.NextDouble() < accuracies[j] ? y : (y + 1 + random.Next(k - 1)) % k;
        }
        return new GeneratedSet(LabelMatrix.Create(LabelSchema.Numbered(k), Some.LfNames(m), votes, gold), prior);
    }

    /// <summary>
    /// LF-like votes: LF j only ever votes class j mod k; it fires on rows of that class with a hit rate of 0.1–0.5
    /// and on other rows with a false-alarm rate set so that its precision is 0.6–0.95.
    /// </summary>
    public static GeneratedSet SingleClassLfs(int rows, int m, int k, double skew, int seed)
    {
        var random = new Random(seed);
        var prior = Balance(k, skew);
        var hit = new double[m];
        var falseAlarm = new double[m];
        for (var j = 0; j < m; j++)
        {
            var t = j % k;
            hit[j] = 0.1 + 0.4 * random.NextDouble();
            var precision = 0.6 + 0.35 * random.NextDouble();
            falseAlarm[j] = Math.Min(0.9, prior[t] * hit[j] * (1 - precision) / (precision * (1 - prior[t])));
        }
        var votes = new int[rows * m];
        var gold = new int[rows];
        for (var i = 0; i < rows; i++)
        {
            var y = Draw(random, prior);
            gold[i] = y;
            for (var j = 0; j < m; j++)
                votes[i * m + j] = random.NextDouble() < (y == j % k ? hit[j] : falseAlarm[j]) ? j % k : LabelSchema.Abstain;
        }
        return new GeneratedSet(LabelMatrix.Create(LabelSchema.Numbered(k), Some.LfNames(m), votes, gold), prior);
    }

    /// <summary>
    /// Two classes, class 1 the larger (share <paramref name="majority"/>), and <paramref name="m"/> LFs that all vote class 1, none
    /// class 0: LF j covers 4–22 % of the rows with precision 0.6–0.9, so it fires on class 1's rows with chance coverage ×
    /// precision / p_1 and on class 0's with coverage × (1 − precision) / p_0.
    /// </summary>
    public static GeneratedSet OneClassVoted(int rows, int m, double majority, int seed)
    {
        var random = new Random(seed);
        double[] prior = [1 - majority, majority];
        var fire = new double[m * 2];
        for (var j = 0; j < m; j++)
        {
            var coverage = 0.04 + 0.18 * random.NextDouble();
            var precision = 0.6 + 0.3 * random.NextDouble();
            fire[j * 2 + 1] = coverage * precision / prior[1];
            fire[j * 2] = Math.Min(0.95, coverage * (1 - precision) / prior[0]);
        }
        var votes = new int[rows * m];
        var gold = new int[rows];
        for (var i = 0; i < rows; i++)
        {
            var y = Draw(random, prior);
            gold[i] = y;
            for (var j = 0; j < m; j++) votes[i * m + j] = random.NextDouble() < fire[j * 2 + y] ? 1 : LabelSchema.Abstain;
        }
        return new GeneratedSet(LabelMatrix.Create(LabelSchema.Numbered(2), Some.LfNames(m), votes, gold), prior);
    }

    /// <summary>
    /// TREC-like LFs: per class <paramref name="perClass"/> single-class LFs that never fire together, each covering its own
    /// 5–20 % slice of its class's rows and false-alarming on 0.2–2 % of other rows (again at most one LF of a class per
    /// row); with <paramref name="catchAll"/>, a last LF voting class 0 on 80 % of its rows and on 50 % of the others.
    /// Class balance p_c ∝ <paramref name="skew"/>^c.
    /// </summary>
    public static GeneratedSet ExclusiveLfs(int rows, int k, int perClass, bool catchAll, int seed, double skew = 1.0)
    {
        var random = new Random(seed);
        var prior = Balance(k, skew);
        var m = k * perClass + (catchAll ? 1 : 0);
        var hit = new double[k * perClass];
        var alarm = new double[k * perClass];
        for (var j = 0; j < hit.Length; j++)
        {
            hit[j] = 0.05 + 0.15 * random.NextDouble();
            alarm[j] = 0.002 + 0.018 * random.NextDouble();
        }
        var votes = new int[rows * m];
        Array.Fill(votes, LabelSchema.Abstain);
        var gold = new int[rows];
        for (var i = 0; i < rows; i++)
        {
            var y = Draw(random, prior);
            gold[i] = y;
            for (var c = 0; c < k; c++)
            {
                // At most one LF of class c fires: member j with its own probability, none with the rest.
                var u = random.NextDouble();
                for (var x = 0; x < perClass; x++)
                {
                    var j = c * perClass + x;
                    u -= c == y ? hit[j] : alarm[j];
                    if (u >= 0) continue;
                    votes[i * m + j] = c;
                    break;
                }
            }
            if (catchAll && random.NextDouble() < (y == 0 ? 0.8 : 0.5)) votes[i * m + m - 1] = 0;
        }
        return new GeneratedSet(LabelMatrix.Create(LabelSchema.Numbered(k), Some.LfNames(m), votes, gold), prior);
    }

    /// <summary>
    /// Two classes, even: two class-0 LFs that never fire together (an exclusive group, each on 30 % of class 0 and between
    /// them on 1 % of class 1), then <paramref name="dense"/> class-1 LFs each firing on 90 % of class 1 and 1 % of class 0,
    /// so that a class-1 row draws no vote with probability 0.1^dense.
    /// </summary>
    public static GeneratedSet GroupBesideDenseLfs(int rows, int dense, int seed)
    {
        var random = new Random(seed);
        var m = 2 + dense;
        var votes = new int[rows * m];
        Array.Fill(votes, LabelSchema.Abstain);
        var gold = new int[rows];
        for (var i = 0; i < rows; i++)
        {
            var y = gold[i] = i % 2;
            var u = random.NextDouble();
            if (u < (y == 0 ? 0.3 : 0.005)) votes[i * m] = 0;
            else if (u < (y == 0 ? 0.6 : 0.01)) votes[i * m + 1] = 0;
            for (var j = 2; j < m; j++)
                if (random.NextDouble() < (y == 1 ? 0.9 : 0.01)) votes[i * m + j] = 1;
        }
        return new GeneratedSet(LabelMatrix.Create(LabelSchema.Numbered(2), Some.LfNames(m), votes, gold), [0.5, 0.5]);
    }

    /// <summary>
    /// One-coin LFs (coverage, accuracies as <see cref="OneCoin"/>) followed by planted dependent LFs: for each
    /// (source, copies, ρ) of <paramref name="copied"/>, <c>copies</c> more LFs that repeat the source's output (vote or
    /// abstain) with probability ρ and otherwise draw their own from the source's distribution — so each copy has the
    /// source's accuracy but is not independent of it given the class (ρ = 1: exact duplicates).
    /// </summary>
    public static GeneratedSet WithCopies(int rows, double[] accuracies, (int Source, int Copies, double Rho)[] copied, int k, double coverage, double skew, int seed)
    {
        var random = new Random(seed);
        var prior = Balance(k, skew);
        var origin = Enumerable.Range(0, accuracies.Length).Concat(copied.SelectMany(c => Enumerable.Repeat(c.Source, c.Copies))).ToArray();
        var rho = Enumerable.Repeat(0.0, accuracies.Length).Concat(copied.SelectMany(c => Enumerable.Repeat(c.Rho, c.Copies))).ToArray();
        var m = origin.Length;
        var votes = new int[rows * m];
        var gold = new int[rows];
        int Own(int j, int y) => random.NextDouble() >= coverage ? LabelSchema.Abstain
            : random.NextDouble() < accuracies[origin[j]] ? y : (y + 1 + random.Next(k - 1)) % k;
        for (var i = 0; i < rows; i++)
        {
            var y = Draw(random, prior);
            gold[i] = y;
            for (var j = 0; j < m; j++)
                votes[i * m + j] = j >= accuracies.Length && random.NextDouble() < rho[j] ? votes[i * m + origin[j]] : Own(j, y);
        }
        return new GeneratedSet(LabelMatrix.Create(LabelSchema.Numbered(k), Some.LfNames(m), votes, gold), prior);
    }

    /// <summary>
    /// One-coin LFs (coverage, accuracies as <see cref="OneCoin"/>) followed by derived LFs: for each (source, keep right,
    /// keep wrong) of <paramref name="subsets"/>, an LF that repeats the source's vote where the source is right with
    /// probability keep right, where it is wrong with probability keep wrong, and otherwise abstains — a narrower variant of
    /// a rule, more precise than the rule and firing only where it fires.
    /// </summary>
    public static GeneratedSet WithSubsets(int rows, double[] accuracies, (int Source, double KeepRight, double KeepWrong)[] subsets, int k, double coverage, double skew, int seed)
    {
        var random = new Random(seed);
        var prior = Balance(k, skew);
        var m = accuracies.Length + subsets.Length;
        var votes = new int[rows * m];
        var gold = new int[rows];
        for (var i = 0; i < rows; i++)
        {
            var y = Draw(random, prior);
            gold[i] = y;
            for (var j = 0; j < accuracies.Length; j++)
                votes[i * m + j] = random.NextDouble() >= coverage ? LabelSchema.Abstain
                    : random.NextDouble() < accuracies[j] ? y : (y + 1 + random.Next(k - 1)) % k;
            for (var x = 0; x < subsets.Length; x++)
            {
                var vote = votes[i * m + subsets[x].Source];
                var keep = vote == y ? subsets[x].KeepRight : subsets[x].KeepWrong;
                votes[i * m + accuracies.Length + x] = vote >= 0 && random.NextDouble() < keep ? vote : LabelSchema.Abstain;
            }
        }
        return new GeneratedSet(LabelMatrix.Create(LabelSchema.Numbered(k), Some.LfNames(m), votes, gold), prior);
    }
}
