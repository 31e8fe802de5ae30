using System.Globalization;
using System.Text.Json;

namespace Snorkeler.Analysis;

/// <summary>One annotator's statistics (see <see cref="AnnotatorReport"/>).</summary>
/// <param name="Name">The worker.</param>
/// <param name="Answers">Answers given.</param>
/// <param name="EstimatedAccuracy">Mean over the worker's answers of the consensus probability that the answer is right.</param>
/// <param name="EstimatedConfusion">k × k, row-major: row c is the worker's answer distribution on tasks of class c, weighted by the consensus posteriors (NaN rows where the consensus gives class c no weight).</param>
/// <param name="EmpiricalAccuracy">Share of answers equal to the gold label, over tasks with one; null without gold labels.</param>
/// <param name="EmpiricalConfusion">k × k counts of (gold class, answer); null without gold labels.</param>
/// <param name="Agreement">Share of answers equal to the consensus label (the most probable class).</param>
/// <param name="SpammerScore">
/// 1 − the mean total-variation distance between the rows of the estimated confusion matrix (smoothed with half an
/// answer per cell): 0 when the answer pins down the class, 1 when the answer does not depend on the class at all
/// (a spammer, whether random or always the same). For two classes it is 1 − |sensitivity + specificity − 1| (Raykar
/// and Yu, 2012). Few answers make it uncertain.
/// </param>
/// <param name="MeanCohenKappa">The worker's mean Cohen's κ with the workers it shares at least <see cref="AnnotatorReport.MinSharedTasks"/> tasks with (weighted by shared tasks); null when none.</param>
/// <param name="KappaPartners">How many workers that mean is over.</param>
public sealed record WorkerStatistics(string Name, long Answers, double EstimatedAccuracy, double[] EstimatedConfusion, double? EmpiricalAccuracy,
    long[]? EmpiricalConfusion, double Agreement, double SpammerScore, double? MeanCohenKappa, int KappaPartners);

/// <summary>A task whose consensus is among the least certain: worth a second look or an expert.</summary>
/// <param name="Task">Its id (the row number when the matrix has no task ids).</param>
/// <param name="Row">Its row.</param>
/// <param name="Answers">How many answers it has.</param>
/// <param name="Consensus">The most probable class.</param>
/// <param name="Confidence">The consensus probability of that class.</param>
/// <param name="Votes">Answers per class.</param>
/// <param name="Gold">Its gold label, or -1.</param>
public sealed record UncertainTask(string Task, long Row, int Answers, int Consensus, double Confidence, IReadOnlyList<int> Votes, int Gold);

/// <summary>
/// The annotator report of a matrix of people's answers and a consensus (a label model's posteriors): per worker the
/// answers, estimated and (with gold labels) empirical accuracy and confusion, agreement with the consensus and a
/// spammer score; for the set Krippendorff's α, Fleiss' κ and pairwise Cohen's κ; and the tasks with the least
/// certain consensus.
/// </summary>
public sealed record AnnotatorReport(LabelSchema Schema, string ConsensusModel, IReadOnlyList<WorkerStatistics> Workers, double KrippendorffAlpha, double FleissKappa,
    double MeanCohenKappa, long CohenPairs, IReadOnlyList<UncertainTask> LeastCertain, bool HasGold)
{
    /// <summary>How many of the least certain tasks a report lists unless told.</summary>
    public const int DefaultLeastCertain = 20;

    /// <summary>Shared tasks two workers need before their Cohen's κ counts.</summary>
    public const int MinSharedTasks = 5;

    /// <summary>Sources above which pairwise κ is not computed (the pairs would not fit in memory).</summary>
    public const int MaxPairwiseSources = 20_000;

    /// <summary>
    /// Computes the report. <paramref name="posteriors"/> holds the consensus class probabilities (rows × k);
    /// <paramref name="keys"/> the task ids (null: row numbers); <paramref name="leastCertain"/> how many tasks to list.
    /// </summary>
    public static AnnotatorReport Of(LabelMatrix matrix, ReadOnlySpan<double> posteriors, IReadOnlyList<string>? keys, string consensusModel, int leastCertain = DefaultLeastCertain)
    {
        Guard.NotNull(matrix);
        int n = matrix.RowCount, m = matrix.LfCount, k = matrix.Schema.Cardinality;
        if (posteriors.Length != (long)n * k) throw new ArgumentException($"{posteriors.Length} posteriors for {n} rows × {k} classes", nameof(posteriors));
        var answers = new long[m];
        var rightMass = new double[m];
        var agreeing = new long[m];
        var weighted = new double[m * k * k];
        var hasGold = matrix.HasGold;
        var goldRight = hasGold ? new long[m] : null;
        var goldSeen = hasGold ? new long[m] : null;
        var goldConfusion = hasGold ? new long[m * k * k] : null;
        var lfs = new int[m];
        var labels = new int[m];
        var classVotes = new long[k];
        double fleissSum = 0;
        long fleissItems = 0;
        var coincidence = new double[k * k];
        var tasks = new List<UncertainTask>();
        var confidences = new double[n];
        var consensus = new int[n];
        for (var i = 0; i < n; i++)
        {
            var q = posteriors.Slice(i * k, k);
            var top = 0;
            for (var c = 1; c < k; c++) if (q[c] > q[top]) top = c;
            consensus[i] = top;
            confidences[i] = q[top];
            var count = matrix.CopyVotes(i, lfs, labels);
            var gold = hasGold ? matrix.Gold(i) : -1;
            var perClass = new int[k];
            for (var v = 0; v < count; v++)
            {
                int j = lfs[v], a = labels[v];
                answers[j]++;
                perClass[a]++;
                classVotes[a]++;
                rightMass[j] += q[a];
                if (a == top) agreeing[j]++;
                for (var c = 0; c < k; c++) weighted[(j * k + c) * k + a] += q[c];
                if (gold >= 0)
                {
                    goldSeen![j]++;
                    if (a == gold) goldRight![j]++;
                    goldConfusion![(j * k + gold) * k + a]++;
                }
            }
            if (count >= 2)
            {
                // Fleiss: the share of agreeing ordered pairs of answers; Krippendorff: each pair weighs 1 / (answers − 1).
                double agreePairs = 0;
                for (var c = 0; c < k; c++) agreePairs += perClass[c] * (perClass[c] - 1.0);
                fleissSum += agreePairs / (count * (count - 1.0));
                fleissItems++;
                for (var c = 0; c < k; c++)
                {
                    if (perClass[c] == 0) continue;
                    for (var d = 0; d < k; d++)
                        coincidence[c * k + d] += perClass[c] * (c == d ? perClass[d] - 1.0 : perClass[d]) / (count - 1.0);
                }
            }
        }
        var alpha = Alpha(coincidence, k);
        var totalVotes = classVotes.Sum();
        var pe = 0.0;
        for (var c = 0; c < k; c++) pe += Math.Pow(totalVotes == 0 ? 0 : (double)classVotes[c] / totalVotes, 2);
        var pBar = fleissItems == 0 ? double.NaN : fleissSum / fleissItems;
        var fleiss = fleissItems == 0 || pe >= 1 ? double.NaN : (pBar - pe) / (1 - pe);
        var (kappaSum, kappaWeight, kappaPartners, meanKappa, pairs) = m <= MaxPairwiseSources ? PairwiseKappa(matrix, k) : (new double[m], new double[m], new int[m], double.NaN, 0L);
        var workers = new WorkerStatistics[m];
        for (var j = 0; j < m; j++)
        {
            var confusion = new double[k * k];
            for (var c = 0; c < k; c++)
            {
                var total = 0.0;
                for (var a = 0; a < k; a++) total += weighted[(j * k + c) * k + a];
                for (var a = 0; a < k; a++) confusion[c * k + a] = total > 0 ? weighted[(j * k + c) * k + a] / total : double.NaN;
            }
            workers[j] = new WorkerStatistics(matrix.LfNames[j], answers[j],
                answers[j] == 0 ? double.NaN : rightMass[j] / answers[j], confusion,
                hasGold && goldSeen![j] > 0 ? (double)goldRight![j] / goldSeen[j] : null,
                hasGold ? goldConfusion.AsSpan(j * k * k, k * k).ToArray() : null,
                answers[j] == 0 ? double.NaN : (double)agreeing[j] / answers[j],
                SpammerScore(weighted.AsSpan(j * k * k, k * k), k),
                kappaWeight[j] > 0 ? kappaSum[j] / kappaWeight[j] : null, kappaPartners[j]);
        }
        var order = Enumerable.Range(0, n).OrderBy(i => confidences[i]).ThenBy(i => i).Take(leastCertain);
        foreach (var i in order)
        {
            var count = matrix.CopyVotes(i, lfs, labels);
            var votes = new int[k];
            for (var v = 0; v < count; v++) votes[labels[v]]++;
            tasks.Add(new UncertainTask(keys?[i] ?? (matrix.FirstRow + i + 1).ToString(CultureInfo.InvariantCulture), matrix.FirstRow + i, count, consensus[i], confidences[i], votes,
                hasGold ? matrix.Gold(i) : -1));
        }
        return new AnnotatorReport(matrix.Schema, consensusModel, workers, alpha, fleiss, meanKappa, pairs, tasks, hasGold);
    }

    /// <summary>Krippendorff's α for nominal data from the coincidence matrix: 1 − (n − 1) Σ_{c≠d} o_cd / Σ_{c≠d} n_c n_d.</summary>
    private static double Alpha(double[] coincidence, int k)
    {
        var totals = new double[k];
        double n = 0, observed = 0;
        for (var c = 0; c < k; c++)
            for (var d = 0; d < k; d++)
            {
                totals[c] += coincidence[c * k + d];
                if (c != d) observed += coincidence[c * k + d];
            }
        foreach (var t in totals) n += t;
        var expected = 0.0;
        for (var c = 0; c < k; c++)
            for (var d = 0; d < k; d++)
                if (c != d) expected += totals[c] * totals[d];
        return expected == 0 ? double.NaN : 1 - (n - 1) * observed / expected;
    }

    /// <summary>Cohen's κ of every pair of workers over their shared tasks (pairs with at least <see cref="MinSharedTasks"/>).</summary>
    private static (double[] Sum, double[] Weight, int[] Partners, double Mean, long Pairs) PairwiseKappa(LabelMatrix matrix, int k)
    {
        var m = matrix.LfCount;
        var tables = new Dictionary<long, int[]>();
        var lfs = new int[m];
        var labels = new int[m];
        for (var i = 0; i < matrix.RowCount; i++)
        {
            var count = matrix.CopyVotes(i, lfs, labels);
            for (var x = 0; x < count; x++)
                for (var y = x + 1; y < count; y++)
                {
                    var key = (long)lfs[x] * m + lfs[y];
                    if (!tables.TryGetValue(key, out var table)) tables[key] = table = new int[k * k];
                    table[labels[x] * k + labels[y]]++;
                }
        }
        var sum = new double[m];
        var weight = new double[m];
        var partners = new int[m];
        double total = 0, totalWeight = 0;
        long pairs = 0;
        foreach (var (key, table) in tables.OrderBy(p => p.Key))
        {
            var shared = table.Sum();
            if (shared < MinSharedTasks) continue;
            double agree = 0, chance = 0;
            var rows = new double[k];
            var columns = new double[k];
            for (var a = 0; a < k; a++)
                for (var b = 0; b < k; b++)
                {
                    rows[a] += table[a * k + b];
                    columns[b] += table[a * k + b];
                    if (a == b) agree += table[a * k + b];
                }
            for (var a = 0; a < k; a++) chance += rows[a] / shared * (columns[a] / shared);
            var kappa = chance >= 1 ? (agree == shared ? 1 : 0) : (agree / shared - chance) / (1 - chance);
            int j = (int)(key / m), l = (int)(key % m);
            foreach (var w in new[] { j, l })
            {
                sum[w] += kappa * shared;
                weight[w] += shared;
                partners[w]++;
            }
            total += kappa * shared;
            totalWeight += shared;
            pairs++;
        }
        return (sum, weight, partners, totalWeight == 0 ? double.NaN : total / totalWeight, pairs);
    }

    private static double SpammerScore(ReadOnlySpan<double> weighted, int k)
    {
        var rows = new double[k * k];
        for (var c = 0; c < k; c++)
        {
            var total = 0.0;
            for (var a = 0; a < k; a++) total += weighted[c * k + a] + 0.5;
            for (var a = 0; a < k; a++) rows[c * k + a] = (weighted[c * k + a] + 0.5) / total;
        }
        double distance = 0;
        var pairs = 0;
        for (var c = 0; c < k; c++)
            for (var d = c + 1; d < k; d++)
            {
                var tv = 0.0;
                for (var a = 0; a < k; a++) tv += Math.Abs(rows[c * k + a] - rows[d * k + a]);
                distance += tv / 2;
                pairs++;
            }
        return pairs == 0 ? double.NaN : 1 - distance / pairs;
    }

    /// <summary>
    /// As JSON: <c>consensus_model</c>, <c>krippendorff_alpha</c>, <c>fleiss_kappa</c>, <c>mean_pairwise_cohen_kappa</c>,
    /// <c>cohen_pairs</c>, <c>workers</c> (name, answers, estimated_accuracy, estimated_confusion, agreement, spammer_score,
    /// mean_cohen_kappa, kappa_partners, and with gold labels empirical_accuracy and empirical_confusion) and
    /// <c>least_certain</c> (task, answers, consensus, confidence, votes, gold).
    /// </summary>
    public void WriteJson(Utf8JsonWriter json)
    {
        Guard.NotNull(json);
        json.WriteStartObject();
        json.WriteString("consensus_model", ConsensusModel);
        Number(json, "krippendorff_alpha", KrippendorffAlpha);
        Number(json, "fleiss_kappa", FleissKappa);
        Number(json, "mean_pairwise_cohen_kappa", MeanCohenKappa);
        json.WriteNumber("cohen_pairs", CohenPairs);
        json.WriteStartArray("workers");
        foreach (var w in Workers)
        {
            json.WriteStartObject();
            json.WriteString("name", w.Name);
            json.WriteNumber("answers", w.Answers);
            Number(json, "estimated_accuracy", w.EstimatedAccuracy);
            Matrix(json, "estimated_confusion", w.EstimatedConfusion.Select(v => (double?)v).ToArray());
            Number(json, "agreement", w.Agreement);
            Number(json, "spammer_score", w.SpammerScore);
            Number(json, "mean_cohen_kappa", w.MeanCohenKappa ?? double.NaN);
            json.WriteNumber("kappa_partners", w.KappaPartners);
            if (HasGold)
            {
                Number(json, "empirical_accuracy", w.EmpiricalAccuracy ?? double.NaN);
                Matrix(json, "empirical_confusion", w.EmpiricalConfusion!.Select(v => (double?)v).ToArray());
            }
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("least_certain");
        foreach (var t in LeastCertain)
        {
            json.WriteStartObject();
            json.WriteString("task", t.Task);
            json.WriteNumber("answers", t.Answers);
            json.WriteString("consensus", Schema.NameOf(t.Consensus));
            json.WriteNumber("confidence", t.Confidence);
            json.WriteStartObject("votes");
            for (var c = 0; c < Schema.Cardinality; c++) json.WriteNumber(Schema.ClassNames[c], t.Votes[c]);
            json.WriteEndObject();
            if (t.Gold >= 0) json.WriteString("gold", Schema.NameOf(t.Gold));
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value)) json.WriteNumber(name, value);
        else json.WriteNull(name);
    }

    private void Matrix(Utf8JsonWriter json, string name, double?[] values)
    {
        var k = Schema.Cardinality;
        json.WriteStartArray(name);
        for (var c = 0; c < k; c++)
        {
            json.WriteStartArray();
            for (var a = 0; a < k; a++)
            {
                if (values[c * k + a] is { } v && double.IsFinite(v)) json.WriteNumberValue(v);
                else json.WriteNullValue();
            }
            json.WriteEndArray();
        }
        json.WriteEndArray();
    }

    /// <summary>Worker names in order, numbers by value ("3" before "29"), numbers before other names, the rest ordinally.</summary>
    private static readonly Comparer<string> NumbersByValue = Comparer<string>.Create((a, b) =>
    {
        var aIsNumber = long.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out var u);
        var bIsNumber = long.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var v);
        if (aIsNumber && bIsNumber && u != v) return u.CompareTo(v);
        if (aIsNumber != bIsNumber) return aIsNumber ? -1 : 1;
        return string.CompareOrdinal(a, b);
    });

    /// <summary>
    /// The report as text or Markdown: the set's agreement statistics, a table of the <paramref name="maxWorkers"/> workers with
    /// the most answers (JSON has them all), and the least certain tasks.
    /// </summary>
    public string ToTable(bool markdown, int maxWorkers = 50)
    {
        var text = new System.Text.StringBuilder();
        text.Append(markdown ? "\n## Annotators\n\n" : "\n").Append(markdown ? $"Consensus: {ConsensusModel}.\n\n" : Tables.Wrap($"annotators (consensus: {ConsensusModel})"));
        var agreement = string.Create(CultureInfo.InvariantCulture,
            $"Krippendorff's alpha {F(KrippendorffAlpha)}, Fleiss' kappa {F(FleissKappa)}, mean pairwise Cohen's kappa {F(MeanCohenKappa)} over {CohenPairs:N0} pairs sharing at least {MinSharedTasks} tasks");
        // Markdown keeps the sentence on one line (a renderer wraps it); text keeps to 100 columns.
        text.Append(markdown ? agreement + "\n" : Tables.Wrap(agreement));
        if (markdown) text.Append('\n');
        var header = new List<string> { "worker", "answers", "est. acc.", "agreement", "spammer", "mean κ" };
        if (HasGold) header.Add("emp. acc.");
        var shown = Workers.OrderByDescending(w => w.Answers).ThenBy(w => w.Name, NumbersByValue).Take(maxWorkers).ToList();
        var rows = shown.Select(w =>
        {
            var cells = new List<string> { w.Name, w.Answers.ToString(CultureInfo.InvariantCulture), F(w.EstimatedAccuracy), F(w.Agreement), F(w.SpammerScore), w.MeanCohenKappa is { } kappa ? F(kappa) : "-" };
            if (HasGold) cells.Add(w.EmpiricalAccuracy is { } a ? F(a) : "-");
            return cells;
        }).ToList();
        if (!markdown)
        {
            // Text keeps to 100 columns: a long worker name is cut, still telling it from every other worker's.
            var names = Tables.Shorten(shown.Select(w => w.Name).ToList(), Workers.Select(w => w.Name).ToList(), Tables.RoomFor(header, rows, 0, least: 12));
            for (var i = 0; i < rows.Count; i++) rows[i][0] = names[i];
        }
        text.Append(Tables.Render(header, rows, markdown, c => c >= 1));
        if (Workers.Count > shown.Count) text.Append($"({Workers.Count - shown.Count:N0} more workers in --format json)\n");
        if (LeastCertain.Count == 0) return text.ToString();
        var taskHeader = new List<string> { "task", "answers", "consensus", "confidence", "votes" };
        if (HasGold) taskHeader.Add("gold");
        // Text keeps to 100 columns: votes are counts in class order (7/3), the order told once above the table,
        // unless naming each class that has votes is narrower (many classes, few of them voted for); and long task
        // ids and class names are cut, the longer of the two first.
        var allClasses = Enumerable.Range(0, Schema.Cardinality).Select(Schema.NameOf).ToList();
        var (taskWidth, classWidth) = (LeastCertain.Max(t => t.Task.Length), allClasses.Max(c => c.Length));
        var counted = LeastCertain.Select(t => string.Join("/", t.Votes)).ToList();
        string Named(UncertainTask t, IReadOnlyList<string> classes)
            => string.Join(" ", Enumerable.Range(0, Schema.Cardinality).Where(c => t.Votes[c] > 0).Select(c => $"{classes[c]}:{t.Votes[c]}"));
        var byOrder = !markdown && counted.Max(v => v.Length) < LeastCertain.Max(t => Named(t, allClasses).Length);
        if (!markdown)
        {
            var votesWidth = Math.Max("votes".Length, byOrder ? counted.Max(v => v.Length) : LeastCertain.Max(t => Named(t, allClasses).Length));
            var fixedWidth = "answers".Length + "confidence".Length + votesWidth + 2 * (taskHeader.Count - 1);
            int Width() => Math.Max(4, taskWidth) + Math.Max(9, classWidth) + (HasGold ? Math.Max(4, classWidth) : 0) + fixedWidth;
            const int least = 12;
            while (Width() > 100 && (taskWidth > least || classWidth > least))
            {
                if (taskWidth >= classWidth && taskWidth > least) taskWidth--;
                else classWidth--;
            }
        }
        IReadOnlyList<string> classNames = markdown ? allClasses : Tables.Shorten(allClasses, allClasses, classWidth);
        var taskNames = markdown ? LeastCertain.Select(t => t.Task).ToArray() : Tables.Shorten(LeastCertain.Select(t => t.Task).ToList(), LeastCertain.Select(t => t.Task).ToList(), taskWidth);
        text.Append(markdown ? "\n## Least certain tasks\n\n"
            : byOrder ? "\n" + Tables.Wrap($"least certain tasks (votes: answers for {string.Join("/", classNames)})")
            : "\nleast certain tasks\n");
        var taskRows = LeastCertain.Select((t, i) =>
        {
            var cells = new List<string>
            {
                taskNames[i], t.Answers.ToString(CultureInfo.InvariantCulture), classNames[t.Consensus], F(t.Confidence), byOrder ? counted[i] : Named(t, classNames),
            };
            if (HasGold) cells.Add(t.Gold >= 0 ? classNames[t.Gold] : "-");
            return (IReadOnlyList<string>)cells;
        }).ToList();
        text.Append(Tables.Render(taskHeader, taskRows, markdown, c => c is 1 or 3));
        return text.ToString();
    }

    private static string F(double v) => double.IsFinite(v) ? v.ToString("0.000", CultureInfo.InvariantCulture) : "-";
}
