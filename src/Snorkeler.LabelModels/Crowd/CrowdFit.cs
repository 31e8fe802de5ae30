using System.Globalization;
using System.Text.Json.Nodes;
using Snorkeler.LabelModels.Internal;

namespace Snorkeler.LabelModels.Crowd;

/// <summary>The steps the crowd models (IBCC, MACE, GLAD) share: checks, restarts, soft counts, E-steps.</summary>
internal static class CrowdFit
{
    /// <summary>Sources below which a shared prior is not learned from them (empirical Bayes needs a population).</summary>
    public const int MinPooledSources = 10;

    /// <summary>Refuses a matrix without sources. Each model checks its own sizes (ibcc its confusion matrices before reading; all three their class posteriors once read).</summary>
    public static void CheckShape(string model, IMatrixSource train)
    {
        if (train.LfNames.Count == 0) throw new ModelRefusalException($"{model}: the label matrix has no LFs");
    }

    /// <summary>
    /// The most class posteriors a restart of ibcc, mace or glad holds (3 × 2²⁷): each keeps a probability of every class for
    /// every distinct row (8 bytes each), and every iteration passes over them and over each answer's classes. glad on
    /// 49,880 distinct rows × 2,000 classes (100 M posteriors, 2 restarts) took 27 s in 1.6 GB; on 99,595 × 2,000 (199 M,
    /// 1 restart) 25 s in 1.7 GB (docs/benchmarks.md). About 3 GB at the limit, as ibcc's and mace's own limits keep their
    /// fits: the bound a fit of one restart had when the limit counted every restart's posteriors at once. Restarts past
    /// <see cref="ParallelRestartBytes"/> run one after another, each taking over the posteriors of the one before
    /// (<see cref="Posteriors"/>), so more restarts take longer but hold no more.
    /// </summary>
    public const long MaxPosteriorEntries = 3L << 27;

    /// <summary>
    /// Refuses, once the answers are read and before any iteration, data whose class posteriors (distinct rows × classes, the
    /// working memory of one restart) would pass <see cref="MaxPosteriorEntries"/>.
    /// </summary>
    public static void CheckPosteriors(string model, CrowdData data, FitContext context)
    {
        var entries = (long)data.Rows * data.K;
        if (entries <= MaxPosteriorEntries) return;
        throw new ModelRefusalException(string.Create(CultureInfo.InvariantCulture,
            $"{context.TrainPrefix}{model}: {Text.Listing.Counted(data.Rows, "distinct row")} × {Text.Listing.Counted(data.K, "class")} need {entries:N0} class posteriors (each distinct row's probability of each class), more than the {MaxPosteriorEntries:N0} it fits in reasonable time and memory; use mv"));
    }

    /// <summary>
    /// The class posteriors (distinct rows × classes) of ibcc's, mace's and glad's restarts: a finished restart's are handed
    /// to the next, which starts afresh in them, so restarts run one after another hold one restart's posteriors rather than
    /// a new array each while the collector has yet to take back the last (as ibcc's restarts hand on their other working arrays).
    /// </summary>
    public sealed class Posteriors(CrowdData data)
    {
        private readonly System.Collections.Concurrent.ConcurrentBag<double[]> _spare = [];

        /// <summary>The working memory of one restart's posteriors, for <see cref="BestOf"/>.</summary>
        public long BytesPerRestart => sizeof(double) * (long)data.Rows * data.K;

        /// <summary>Restart <paramref name="restart"/>'s starting posteriors (<see cref="CrowdData.Initial"/>), in a finished restart's array when there is one.</summary>
        public double[] Start(int restart, Random random) => data.Initial(restart, random, _spare.TryTake(out var q) ? q : null);

        /// <summary>Hands a finished restart's posteriors on to the next.</summary>
        public void Done(double[] q) => _spare.Add(q);
    }

    /// <summary>Answers up to which a crowd model runs all its default restarts.</summary>
    public const double FullRestartAnswers = 100_000;

    /// <summary>
    /// The restarts to run: <paramref name="given"/>, or <paramref name="fallback"/> cut in proportion beyond
    /// <see cref="FullRestartAnswers"/> answers (at least one). Restarts guard against a poor local optimum, which many
    /// answers per worker make rare, while each costs a pass over every answer per iteration.
    /// </summary>
    public static int Restarts(int? given, int fallback, double answers)
        => given ?? (int)Math.Clamp(Math.Ceiling(fallback * FullRestartAnswers / Math.Max(1, answers)), 1, fallback);

    /// <summary>
    /// Refuses a matrix on which only one or two sources vote: a model of each source's confusion cannot tell their
    /// accuracies apart without a third to check them against, and its fit then labels every row with one class (ibcc,
    /// reading an LF's abstain as an outcome, explained the votes by how often each class abstains) or ignores the
    /// votes (ebcc). A matrix without a vote gets the prior instead (<see cref="NothingToLearn"/>).
    /// </summary>
    /// <returns>How many sources vote (0, or 3 and more).</returns>
    public static int RequireThreeVoting(string model, CrowdData data, IReadOnlyList<string> names, FitContext? context = null)
    {
        var voting = data.Sources.Distinct().Order().ToArray();
        if (voting.Length is 0 or >= 3) return voting.Length;
        var which = string.Join(" and ", voting.Select(j => $"'{names[j]}'"));
        throw new ModelRefusalException($"{context?.TrainPrefix}{model}: only {which} {(voting.Length == 1 ? "votes" : "vote")} on this matrix; a model of each source's confusion needs at least three voting sources to tell their accuracies apart (use mv or dawid-skene)");
    }

    /// <summary>
    /// The class prior and restarts of a variational fit to a matrix without a single vote: the given prior, else uniform,
    /// and one restart from majority vote's (uniform) start. Nothing tells one class from another there, yet a learned
    /// class balance drifts to one class from a random start (each sweep's expected log-weights favour the class already
    /// ahead), which labelled every row of an uncovered data set with one class at probability 1.
    /// </summary>
    public static (double[] Prior, int Restarts) NothingToLearn(double[]? prior, int k) => (prior ?? ClassPrior.Uniform(k), 1);

    /// <summary><c>--restarts N</c> (1..100), or null for <c>auto</c> or when not given.</summary>
    public static int? ReadRestarts(ModelOptions options) => options.IntegerOrWord("restarts", ["auto"], 1, 100);

    /// <summary>The random numbers of restart <paramref name="restart"/>: from the seed and the restart (any seed when null).</summary>
    public static Random RandomFor(int? seed, int restart)
        => seed is { } s ? new Random(unchecked(s * 1_000_003 + restart * 7_919 + 0x1bcc)) : new Random();

    /// <summary>Working memory up to which restarts run side by side: beyond it they run one after another.</summary>
    public const long ParallelRestartBytes = 1L << 30;

    /// <summary>
    /// Runs <paramref name="restarts"/> fits (in parallel when the machine has cores to spare) and keeps the one with the
    /// highest <paramref name="score"/>; ties go to the earlier restart, so the result does not depend on scheduling. On
    /// <paramref name="rows"/> rows that make one stripe (<see cref="Stripes"/>) a fit runs on one thread, so the restarts may
    /// take every core; otherwise half, the fits' own stripes taking the rest. Restarts that each need
    /// <paramref name="bytesPerRestart"/> of working memory run side by side only while together they stay within
    /// <see cref="ParallelRestartBytes"/>; of the finished fits only restart 0's and the best of the others are held, and
    /// each fit let go is handed to <paramref name="discard"/> (whose arrays a later restart may then reuse).
    /// </summary>
    public static T BestOf<T>(int restarts, FitContext context, int rows, Func<int, T> run, Func<T, double> score, long bytesPerRestart = 0, Action<T>? discard = null)
    {
        var kept = new Kept<T>(score, discard);
        var threads = Stripes.Count(rows) == 1 ? Environment.ProcessorCount : Math.Max(1, Environment.ProcessorCount / 2);
        threads = (int)Math.Clamp(ParallelRestartBytes / Math.Max(1, bytesPerRestart), 1, threads);
        if (restarts > 1 && Environment.ProcessorCount > 1)
            Threading.CallerFirst.For(restarts, r => kept.Offer(r, run(r)), threads, context.Cancellation);
        else
            for (var r = 0; r < restarts; r++) kept.Offer(r, run(r));
        return kept.Choice;
    }

    /// <summary>
    /// The finished restarts <see cref="BestOf"/> still needs, in whatever order they finish: restart 0's and the best of the
    /// others (highest score, the lower restart on a tie, NaN never). The choice is that of a scan in restart order that
    /// moves on only to a strictly higher score: restart 0 when its score is NaN or no other beats it, else the best other.
    /// </summary>
    private sealed class Kept<T>(Func<T, double> score, Action<T>? discard)
    {
        private readonly Lock _gate = new();
        private T? _first;
        private double _firstScore;
        private T? _best;
        private double _bestScore;
        private int _bestRestart = -1;

        public void Offer(int restart, T result)
        {
            var s = score(result);
            var dropped = default(T);
            var drops = true;
            lock (_gate)
            {
                if (restart == 0) (_first, _firstScore, drops) = (result, s, false);
                else if (!double.IsNaN(s) && (_bestRestart < 0 || s > _bestScore || (s == _bestScore && restart < _bestRestart)))
                {
                    (dropped, drops) = (_best, _bestRestart > 0);
                    (_best, _bestScore, _bestRestart) = (result, s, restart);
                }
                else dropped = result;
            }
            if (drops) discard?.Invoke(dropped!);
        }

        public T Choice => _bestRestart > 0 && _bestScore > _firstScore ? _best! : _first!;
    }

    /// <summary>
    /// Soft counts from posteriors q (rows × k): <c>counts[(j·k + c)·w + a] = Σ_r weight_r q_r(c) [source j voted a on r]</c>,
    /// and for an LF source the abstain column (a = k) holds the rest of the class's total; class totals too.
    /// </summary>
    public static void Counts(CrowdData data, double[] q, double[] counts, double[] classTotals, int w)
    {
        var k = data.K;
        var stripes = Stripes.Count(data.Rows);
        var local = stripes == 1 ? null : new double[stripes][];
        var localTotals = stripes == 1 ? null : new double[stripes][];
        Array.Clear(counts);
        Array.Clear(classTotals);
        Stripes.For(data.Rows, (s, from, to) =>
        {
            var c0 = local is null ? counts : local[s] = new double[counts.Length];
            var t0 = localTotals is null ? classTotals : localTotals[s] = new double[k];
            for (var r = from; r < to; r++)
            {
                var weight = data.Weights[r];
                var qr = q.AsSpan(r * k, k);
                for (var c = 0; c < k; c++) t0[c] += weight * qr[c];
                for (var e = data.Starts[r]; e < data.Starts[r + 1]; e++)
                {
                    var at = data.Sources[e] * k * w + data.Labels[e];
                    for (var c = 0; c < k; c++) c0[at + c * w] += weight * qr[c];
                }
            }
        });
        if (local is not null)
            for (var s = 0; s < stripes; s++)
            {
                var part = local[s];
                for (var i = 0; i < counts.Length; i++) counts[i] += part[i];
                for (var c = 0; c < k; c++) classTotals[c] += localTotals![s][c];
            }
        if (!data.HasLfs || w == k) return;
        for (var j = 0; j < data.M; j++)
        {
            if (!data.IsLf[j]) continue;
            for (var c = 0; c < k; c++)
            {
                var row = (j * k + c) * w;
                var voted = 0.0;
                for (var a = 0; a < k; a++) voted += counts[row + a];
                counts[row + k] = Math.Max(0, classTotals[c] - voted);
            }
        }
    }

    /// <summary>The (source, vote) pairs the answers cast: the rows of the E-step table (<see cref="EStep"/>).</summary>
    public static CastVotes Cast(CrowdData data) => new(data.Sources, data.Labels, data.M, data.K);

    /// <summary>
    /// The E-step of a log-linear posterior: <c>q_r(c) ∝ exp(base_c + Σ_votes table[(slot(j, a)·k + c])</c>, written into q;
    /// the table has a row of k only for each (source j, vote a) the answers cast, at <c>cast.Slot[j·k + a]</c> (at 1,000
    /// classes and 40 sources a dense m·k² table is 320 MB, the cast rows about 1 MB). Returns Σ_r weight_r log Σ_c exp(...),
    /// the log evidence term of the ELBO (or the log-likelihood under point estimates), and the largest change of any q_r(c).
    /// </summary>
    public static (double LogEvidence, double Change) EStep(CrowdData data, double[] q, double[] table, CastVotes cast, double[] baseScores)
    {
        var k = data.K;
        var stripes = Stripes.Count(data.Rows);
        var partial = new double[stripes];
        var changes = new double[stripes];
        Stripes.For(data.Rows, (s, from, to) =>
        {
            var scores = new double[k];
            var next = new double[k];
            var sum = 0.0;
            var change = 0.0;
            for (var r = from; r < to; r++)
            {
                baseScores.CopyTo(scores, 0);
                for (var e = data.Starts[r]; e < data.Starts[r + 1]; e++)
                {
                    var t = cast.Slot[data.Sources[e] * k + data.Labels[e]] * k;
                    for (var c = 0; c < k; c++) scores[c] += table[t + c];
                }
                sum += data.Weights[r] * Normalise(scores, next);
                var row = q.AsSpan(r * k, k);
                for (var c = 0; c < k; c++)
                {
                    change = Math.Max(change, Math.Abs(next[c] - row[c]));
                    row[c] = next[c];
                }
            }
            partial[s] = sum;
            changes[s] = change;
        });
        var total = 0.0;
        foreach (var p in partial) total += p;
        return (total, changes.Max());
    }

    /// <summary>
    /// The stopping rule of the variational fits: the ELBO moved by at most <paramref name="tolerance"/> of itself, or no
    /// posterior probability moved by more than 1e-7 (the hyperparameters may still creep, but the labels are settled).
    /// </summary>
    public static bool Converged(double elbo, double previous, double change, double tolerance)
        => Math.Abs(elbo - previous) <= tolerance * Math.Abs(elbo) || change < 1e-7;

    /// <summary>Writes softmax(scores) into <paramref name="into"/> and returns log Σ exp(scores).</summary>
    public static double Normalise(ReadOnlySpan<double> scores, Span<double> into)
    {
        var max = double.NegativeInfinity;
        foreach (var v in scores) if (v > max) max = v;
        var sum = 0.0;
        for (var c = 0; c < scores.Length; c++) sum += into[c] = Math.Exp(scores[c] - max);
        for (var c = 0; c < scores.Length; c++) into[c] /= sum;
        return max + Math.Log(sum);
    }

    /// <summary>An array of booleans, one per source, from a model file.</summary>
    public static bool[] ReadFlags(JsonObject parameters, string field, int length)
    {
        if (parameters[field] is not JsonArray array || array.Count != length)
            throw new SnorkelerException($"parameter '{field}' must be an array of {length} booleans");
        return array.Select((n, i) => n is JsonValue v && v.TryGetValue<bool>(out var b) ? b : throw new SnorkelerException($"parameter '{field}[{i}]' must be true or false")).ToArray();
    }
}
