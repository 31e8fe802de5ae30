using System.Globalization;
using System.Text;

namespace Snorkeler.Benchmarks;

/// <summary>
/// A generated crowd in long format (<c>task,worker,label</c>, one line per answer) with its gold labels, drawn from
/// the model the crowd models assume, with the mess of real crowds: three classes from a skewed prior (60/30/10 %);
/// workers whose activity follows a power law (worker j is picked with weight (j + 1)^−0.8, so a few answer
/// thousands of tasks and most answer a few hundred); 10 % of workers answer at random, the rest have their own
/// confusion matrix (accuracy 55–95 %, errors spread unevenly over the wrong classes); each task gets 2–10 answers
/// (6 on average) from distinct workers. Fixed seed, so the same arguments write the same bytes.
/// </summary>
public static class CrowdSet
{
    /// <summary>Writes <c>answers-T-W-A.csv</c> and <c>gold-T-W-A.csv</c> in <paramref name="dir"/> (reused when present); returns their paths.</summary>
    public static (string Answers, string Gold) Write(string dir, int tasks, int workers, long answers, int seed = 11)
    {
        Directory.CreateDirectory(dir);
        var name = $"{tasks}-{workers}-{answers}";
        var answersPath = Path.Combine(dir, $"answers-{name}.csv");
        var goldPath = Path.Combine(dir, $"gold-{name}.csv");
        if (File.Exists(answersPath) && File.Exists(goldPath)) return (answersPath, goldPath);
        if (workers < 10) throw new ArgumentOutOfRangeException(nameof(workers), workers, "at least 10 workers, so a task can get 10 distinct answers");

        const int k = 3;
        double[] prior = [0.6, 0.3, 0.1];
        var random = new Random(seed);
        // Worker j's confusion rows (k × k) as cumulative distributions; random spammers answer uniformly.
        var cumulative = new double[workers * k * k];
        for (var j = 0; j < workers; j++)
        {
            var spammer = random.NextDouble() < 0.1;
            var accuracy = 0.55 + 0.4 * random.NextDouble();
            for (var c = 0; c < k; c++)
            {
                var row = cumulative.AsSpan((j * k + c) * k, k);
                if (spammer) row.Fill(1.0 / k);
                else
                {
                    var split = random.NextDouble();
                    for (var a = 0; a < k; a++) row[a] = a == c ? accuracy : 0;
                    row[(c + 1) % k] = (1 - accuracy) * split;
                    row[(c + 2) % k] = (1 - accuracy) * (1 - split);
                }
                for (var a = 1; a < k; a++) row[a] += row[a - 1];
            }
        }
        // Activity: cumulative weights (j + 1)^−0.8, sampled by binary search.
        var activity = new double[workers];
        for (var j = 0; j < workers; j++) activity[j] = (j == 0 ? 0 : activity[j - 1]) + Math.Pow(j + 1, -0.8);

        var answersTemp = answersPath + ".tmp";
        var goldTemp = goldPath + ".tmp";
        long written = 0;
        using (var answerWriter = new StreamWriter(answersTemp, false, new UTF8Encoding(false), 1 << 20))
        using (var goldWriter = new StreamWriter(goldTemp, false, new UTF8Encoding(false), 1 << 20))
        {
            answerWriter.Write("task,worker,label\n");
            goldWriter.Write("task,label\n");
            var chosen = new HashSet<int>();
            for (var i = 0; i < tasks; i++)
            {
                var u = random.NextDouble();
                var y = u < prior[0] ? 0 : u < prior[0] + prior[1] ? 1 : 2;
                var task = "t" + i.ToString(CultureInfo.InvariantCulture);
                goldWriter.Write(task);
                goldWriter.Write(',');
                goldWriter.Write((char)('0' + y));
                goldWriter.Write('\n');
                // Answers for this task: the remaining answers spread over the remaining tasks, ±4, within 2..10.
                var target = (double)(answers - written) / (tasks - i);
                var count = Math.Clamp((int)Math.Floor(target + random.NextDouble()) + random.Next(-4, 5), 2, 10);
                if (i == tasks - 1) count = (int)Math.Clamp(answers - written, 1, 10);
                chosen.Clear();
                while (chosen.Count < count)
                {
                    var j = Array.BinarySearch(activity, random.NextDouble() * activity[^1]);
                    chosen.Add(j < 0 ? ~j : j);
                }
                foreach (var j in chosen)
                {
                    var v = random.NextDouble();
                    var row = cumulative.AsSpan((j * k + y) * k, k);
                    var a = 0;
                    while (a < k - 1 && v >= row[a]) a++;
                    answerWriter.Write(task);
                    answerWriter.Write(",w");
                    answerWriter.Write(j.ToString(CultureInfo.InvariantCulture));
                    answerWriter.Write(',');
                    answerWriter.Write((char)('0' + a));
                    answerWriter.Write('\n');
                }
                written += count;
            }
        }
        File.Move(answersTemp, answersPath, overwrite: true);
        File.Move(goldTemp, goldPath, overwrite: true);
        return (answersPath, goldPath);
    }
}
