using System.Globalization;
using MathNet.Numerics.LinearAlgebra;

namespace Snorkeler.LabelModels.Preferences;

/// <summary>Options of the Bradley–Terry fits.</summary>
public sealed record BradleyTerryOptions
{
    /// <summary>
    /// Model each annotator as agreeing with the true preference with probability η_j and flipping it otherwise
    /// (Chen et al., WSDM 2013, "Crowd-BT"); false: every judgement is taken at face value (plain Bradley–Terry).
    /// </summary>
    public bool NoisyAnnotators { get; init; }

    /// <summary>Standard deviation of the Gaussian prior on each score, in log-odds units (default 2; from <see cref="MinPriorSd"/> to <see cref="MaxPriorSd"/>).</summary>
    public double PriorSd { get; init; } = 2;

    /// <summary>
    /// The smallest prior standard deviation: far below it the precision 1/σ² overflows and the Laplace covariance is no
    /// longer a positive definite matrix (near 1e-154), and the scores are all but 0 long before.
    /// </summary>
    public const double MinPriorSd = 1e-3;

    /// <summary>
    /// The largest prior standard deviation: far above it the prior no longer fixes the scores' origin, their variances
    /// (σ²) swamp the variance of a difference, which cancellation then loses, and P(a ≻ c) stops being 1 − P(c ≻ a) (1e6 and up);
    /// a score of 1000 log-odds is already certainty.
    /// </summary>
    public const double MaxPriorSd = 1e3;

    /// <summary>Beta prior of an annotator's reliability η: pseudo-counts of agreeing and flipped judgements (default 4 and 1: most people mostly agree with the truth).</summary>
    public (double Agree, double Flip) ReliabilityPrior { get; init; } = (4, 1);

    /// <summary>Most iterations (default 2,000).</summary>
    public int MaxIterations { get; init; } = 2000;

    /// <summary>Stop when the log-posterior changes by less than this fraction of itself (default 1e-10).</summary>
    public double Tolerance { get; init; } = 1e-10;

    /// <summary>Items up to which the score uncertainty is the full Laplace covariance (above: its diagonal approximation).</summary>
    public int FullCovarianceItems { get; init; } = 2000;
}

/// <summary>
/// Bradley–Terry scores from pairwise judgements, with ties (Davidson, 1970) and optionally noisy annotators.
/// Item i has a score s_i; for a pair with d = s_left − s_right,
/// <c>P(left ≻ right) = e^{d/2} / D</c>, <c>P(right ≻ left) = e^{−d/2} / D</c>, <c>P(tie) = ν / D</c>,
/// <c>D = e^{d/2} + e^{−d/2} + ν</c> (ν ≥ 0 learned when the data has ties; with ν = 0 this is σ(d), the classic
/// model). Priors: <c>s_i ~ N(0, σ²)</c> (which also fixes the scores' origin) and, for noisy annotators,
/// <c>η_j ~ Beta</c>, where annotator j reports a win the other way round with probability 1 − η_j:
/// <c>P_j(left ≻ right) = η_j P(left ≻ right) + (1 − η_j) P(right ≻ left)</c>. Fitted by MAP: EM over whether
/// each judgement was flipped, with score updates that never lower the objective (a quadratic minorizer:
/// each judgement's curvature in d is at most 1/4, and Σ over a pair's two items at most twice the diagonal),
/// and Newton steps on log ν. Uncertainty: the Laplace approximation, the inverse of the negative Hessian of
/// the log-posterior in the scores (full for up to <see cref="BradleyTerryOptions.FullCovarianceItems"/> items,
/// else its diagonal).
/// </summary>
public static class BradleyTerry
{
    /// <summary>Fits the scores (and annotator reliabilities) of <paramref name="data"/>.</summary>
    public static BradleyTerryFit Fit(PreferenceData data, BradleyTerryOptions? options = null, CancellationToken cancellation = default)
    {
        Guard.NotNull(data);
        options ??= new BradleyTerryOptions();
        if (!(options.PriorSd >= BradleyTerryOptions.MinPriorSd && options.PriorSd <= BradleyTerryOptions.MaxPriorSd))
            throw new OptionException(string.Create(CultureInfo.InvariantCulture,
                $"the prior standard deviation must be from {BradleyTerryOptions.MinPriorSd} to {BradleyTerryOptions.MaxPriorSd}, got {options.PriorSd}"));
        var n = data.Items.Count;
        var a = data.Annotators.Count;
        var comparisons = data.Comparisons;
        var hasTies = comparisons.Any(c => c.Outcome == PreferenceOutcome.Tie);
        var precision = 1 / (options.PriorSd * options.PriorSd);
        var scores = new double[n];
        var reliability = Enumerable.Repeat(options.NoisyAnnotators ? 0.8 : 1.0, a).ToArray();
        var logNu = hasTies ? Math.Log(0.5) : double.NegativeInfinity;
        // Faithful responsibility per judgement: the weight it gives to its own direction.
        var faithful = new double[comparisons.Count];
        Array.Fill(faithful, 1.0);
        var degree = new double[n];
        foreach (var c in comparisons)
        {
            degree[c.Left]++;
            degree[c.Right]++;
        }
        var previous = double.NegativeInfinity;
        var objective = double.NegativeInfinity;
        var iterations = 0;
        var converged = false;
        var gradient = new double[n];
        while (iterations < options.MaxIterations)
        {
            cancellation.ThrowIfCancellationRequested();
            iterations++;
            var nu = Math.Exp(logNu);
            if (options.NoisyAnnotators)
            {
                // E-step: was each win reported as the annotator saw it?
                var agree = new double[a];
                var total = new double[a];
                for (var t = 0; t < comparisons.Count; t++)
                {
                    var c = comparisons[t];
                    if (c.Outcome == PreferenceOutcome.Tie) continue;
                    var (pw, pl, _) = Probabilities(scores[c.Left] - scores[c.Right], nu);
                    var (seen, flipped) = c.Outcome == PreferenceOutcome.Left ? (pw, pl) : (pl, pw);
                    var eta = reliability[c.Annotator];
                    faithful[t] = eta * seen / (eta * seen + (1 - eta) * flipped);
                    agree[c.Annotator] += faithful[t];
                    total[c.Annotator]++;
                }
                var (a0, b0) = options.ReliabilityPrior;
                for (var j = 0; j < a; j++) reliability[j] = Math.Clamp((agree[j] + a0 - 1) / (total[j] + a0 + b0 - 2), 1e-6, 1 - 1e-6);
            }
            // M-step on the scores: one minorize-maximize step, Δ_i = g_i / (degree_i / 2 + 1/σ²).
            Array.Clear(gradient);
            for (var t = 0; t < comparisons.Count; t++)
            {
                var c = comparisons[t];
                var (pw, pl, _) = Probabilities(scores[c.Left] - scores[c.Right], nu);
                // E[y] under the judgement's weights: y = +1 left wins, −1 right wins, 0 tie.
                var y = c.Outcome switch
                {
                    PreferenceOutcome.Left => 2 * faithful[t] - 1,
                    PreferenceOutcome.Right => 1 - 2 * faithful[t],
                    _ => 0.0,
                };
                var g = (y - (pw - pl)) / 2;
                gradient[c.Left] += g;
                gradient[c.Right] -= g;
            }
            for (var i = 0; i < n; i++)
                scores[i] += (gradient[i] - precision * scores[i]) / (degree[i] / 2 + precision);
            if (hasTies) logNu = TieStep(comparisons, scores, logNu);
            objective = LogPosterior(comparisons, scores, reliability, Math.Exp(logNu), precision, options);
            if (Math.Abs(objective - previous) <= options.Tolerance * Math.Abs(objective))
            {
                converged = true;
                break;
            }
            previous = objective;
        }
        var covariance = Covariance(comparisons, scores, Math.Exp(logNu), reliability, precision, n, options.FullCovarianceItems);
        return new BradleyTerryFit(data, options, scores, covariance, hasTies ? Math.Exp(logNu) : 0, options.NoisyAnnotators ? reliability : null, objective, iterations, converged);
    }

    /// <summary>P(left ≻ right), P(right ≻ left), P(tie) for a score difference d and tie parameter ν.</summary>
    public static (double Left, double Right, double Tie) Probabilities(double d, double nu)
    {
        // Divide through by the larger exponential so that large |d| does not overflow.
        var half = Math.Abs(d) / 2;
        var small = Math.Exp(-2 * half);
        var tie = nu * Math.Exp(-half);
        var denominator = 1 + small + tie;
        var (big, little) = (1 / denominator, small / denominator);
        return d >= 0 ? (big, little, tie / denominator) : (little, big, tie / denominator);
    }

    /// <summary>Newton steps on log ν: tie counts minus expected ties, with a weak N(log 0.5, 2²) prior.</summary>
    private static double TieStep(IReadOnlyList<Comparison> comparisons, double[] scores, double logNu)
    {
        for (var step = 0; step < 3; step++)
        {
            var nu = Math.Exp(logNu);
            double g = -(logNu - Math.Log(0.5)) / 4, h = 0.25;
            foreach (var c in comparisons)
            {
                var (_, _, pt) = Probabilities(scores[c.Left] - scores[c.Right], nu);
                g += (c.Outcome == PreferenceOutcome.Tie ? 1 : 0) - pt;
                h += pt * (1 - pt);
            }
            logNu = Math.Clamp(logNu + g / h, -20, 10);
        }
        return logNu;
    }

    private static double LogPosterior(IReadOnlyList<Comparison> comparisons, double[] scores, double[] reliability, double nu, double precision, BradleyTerryOptions options)
    {
        var lp = 0.0;
        foreach (var c in comparisons)
        {
            var (pw, pl, pt) = Probabilities(scores[c.Left] - scores[c.Right], nu);
            var eta = reliability[c.Annotator];
            lp += Math.Log(c.Outcome switch
            {
                PreferenceOutcome.Left => eta * pw + (1 - eta) * pl,
                PreferenceOutcome.Right => eta * pl + (1 - eta) * pw,
                _ => pt,
            } + 1e-300);
        }
        foreach (var s in scores) lp -= 0.5 * precision * s * s;
        if (options.NoisyAnnotators)
        {
            var (a0, b0) = options.ReliabilityPrior;
            foreach (var eta in reliability) lp += (a0 - 1) * Math.Log(eta) + (b0 - 1) * Math.Log(1 - eta);
        }
        return lp;
    }

    /// <summary>
    /// The Laplace covariance of the scores: the inverse of <c>Σ_t w_t I(d_t) (e_l − e_r)(e_l − e_r)ᵀ + I/σ²</c>, with I(d) the
    /// Fisher information of d (the variance of y/2) and w_t = (2η − 1)² for a win reported by an annotator of reliability η
    /// (a judgement that may be flipped says less about d; 1 for ties and for plain Bradley–Terry).
    /// </summary>
    private static ScoreCovariance Covariance(IReadOnlyList<Comparison> comparisons, double[] scores, double nu, double[] reliability, double precision, int n, int fullLimit)
    {
        var diagonal = Enumerable.Repeat(precision, n).ToArray();
        Matrix<double>? hessian = n <= fullLimit ? Matrix<double>.Build.DenseDiagonal(n, n, precision) : null;
        for (var t = 0; t < comparisons.Count; t++)
        {
            var c = comparisons[t];
            var (pw, pl, _) = Probabilities(scores[c.Left] - scores[c.Right], nu);
            var certainty = c.Outcome == PreferenceOutcome.Tie ? 1 : Math.Pow(2 * reliability[c.Annotator] - 1, 2);
            var info = certainty * (pw + pl - (pw - pl) * (pw - pl)) / 4;
            diagonal[c.Left] += info;
            diagonal[c.Right] += info;
            if (hessian is null) continue;
            hessian[c.Left, c.Left] += info;
            hessian[c.Right, c.Right] += info;
            hessian[c.Left, c.Right] -= info;
            hessian[c.Right, c.Left] -= info;
        }
        return hessian is null ? new ScoreCovariance(null, diagonal.Select(d => 1 / d).ToArray()) : new ScoreCovariance(Centred(hessian.Cholesky().Solve(Matrix<double>.Build.DenseIdentity(n))), null);
    }

    /// <summary>
    /// The covariance of the scores less their mean, <c>(I − 11ᵀ/n) Σ (I − 11ᵀ/n)</c>. The judgements say nothing about where
    /// the scores' origin lies (only the prior places it), so Σ holds a shared shift of variance about σ²/n that every item
    /// carries; it is left out. Differences between items, and so every pair probability, are unchanged.
    /// </summary>
    private static Matrix<double> Centred(Matrix<double> covariance)
    {
        var n = covariance.RowCount;
        var rowMeans = new double[n];
        for (var i = 0; i < n; i++)
        {
            var sum = 0.0;
            for (var j = 0; j < n; j++) sum += covariance[i, j];
            rowMeans[i] = sum / n;
        }
        var mean = rowMeans.Sum() / n;
        return Matrix<double>.Build.Dense(n, n, (i, j) => covariance[i, j] - rowMeans[i] - rowMeans[j] + mean);
    }
}

/// <summary>The covariance of the scores: the full matrix, or only the variances.</summary>
internal sealed record ScoreCovariance(Matrix<double>? Full, double[]? Variances)
{
    public double Variance(int i) => Full?[i, i] ?? Variances![i];

    public double Covariance(int i, int j) => i == j ? Variance(i) : Full?[i, j] ?? 0;
}

/// <summary>Fitted Bradley–Terry scores: per item a score and its standard deviation, per pair the outcome probabilities, per annotator a reliability.</summary>
public sealed class BradleyTerryFit
{
    private readonly double[] _scores;
    private readonly ScoreCovariance _covariance;
    private readonly double[]? _reliability;

    internal BradleyTerryFit(PreferenceData data, BradleyTerryOptions options, double[] scores, ScoreCovariance covariance, double tie, double[]? reliability, double logPosterior, int iterations, bool converged)
    {
        Data = data;
        Options = options;
        _scores = scores;
        _covariance = covariance;
        TieParameter = tie;
        _reliability = reliability;
        LogPosterior = logPosterior;
        Iterations = iterations;
        Converged = converged;
    }

    /// <summary>The judgements fitted.</summary>
    public PreferenceData Data { get; }

    /// <summary>The options used.</summary>
    public BradleyTerryOptions Options { get; }

    /// <summary>Davidson's tie parameter ν (0 when the data has no ties).</summary>
    public double TieParameter { get; }

    /// <summary>The log-posterior reached.</summary>
    public double LogPosterior { get; }

    /// <summary>Iterations run.</summary>
    public int Iterations { get; }

    /// <summary>False when the fit stopped at <see cref="BradleyTerryOptions.MaxIterations"/> before the log-posterior settled.</summary>
    public bool Converged { get; }

    /// <summary>True when the uncertainty is the full Laplace covariance (else the diagonal approximation).</summary>
    public bool FullCovariance => _covariance.Full is not null;

    /// <summary>Item i's score (posterior mode; log-odds units, origin fixed by the prior).</summary>
    public double Score(int item) => _scores[item];

    /// <summary>
    /// Item i's score standard deviation (Laplace) about the mean of all scores: the scores' origin is arbitrary, so the
    /// uncertainty of a shift they all share is not counted.
    /// </summary>
    public double ScoreSd(int item) => Math.Sqrt(_covariance.Variance(item));

    /// <summary>
    /// P(left ≻ right), P(right ≻ left) and P(tie) for any two items, averaged over the scores' uncertainty by the
    /// probit approximation: the difference d ~ N(μ, v) is evaluated at μ / √(1 + πv/8).
    /// </summary>
    public (double Left, double Right, double Tie) Probabilities(int left, int right)
    {
        var mean = _scores[left] - _scores[right];
        // Summed in one order whichever item is on the left, so that P(a ≻ c) is exactly 1 − P(c ≻ a) − P(tie).
        var (i, j) = left < right ? (left, right) : (right, left);
        var variance = _covariance.Variance(i) + _covariance.Variance(j) - 2 * _covariance.Covariance(i, j);
        return BradleyTerry.Probabilities(mean / Math.Sqrt(1 + Math.PI * Math.Max(0, variance) / 8), TieParameter);
    }

    /// <summary>Annotator j's estimated reliability η_j (probability of reporting the true preference); null for plain Bradley–Terry.</summary>
    public double? Reliability(int annotator) => _reliability?[annotator];

    /// <summary>
    /// Annotator j's agreement with the fitted scores: the share of their non-tie judgements whose winner has the
    /// higher score (null when they gave only ties).
    /// </summary>
    public double? Agreement(int annotator) => (_agreements ??= Agreements())[annotator];

    private double?[]? _agreements;

    /// <summary>Every annotator's <see cref="Agreement"/>, in one pass over the judgements (a pass per annotator took minutes with tens of thousands of them).</summary>
    private double?[] Agreements()
    {
        var agree = new double[Data.Annotators.Count];
        var total = new int[agree.Length];
        foreach (var c in Data.Comparisons)
        {
            if (c.Outcome == PreferenceOutcome.Tie) continue;
            total[c.Annotator]++;
            var d = _scores[c.Left] - _scores[c.Right];
            if ((c.Outcome == PreferenceOutcome.Left && d > 0) || (c.Outcome == PreferenceOutcome.Right && d < 0)) agree[c.Annotator]++;
            else if (d == 0) agree[c.Annotator] += 0.5;
        }
        return agree.Select((a, j) => total[j] == 0 ? (double?)null : a / total[j]).ToArray();
    }
}

/// <summary>Writes a fit's results as CSV files, atomically (all numbers invariant culture, shortest round-trip text).</summary>
public static class PreferenceOutputs
{
    /// <summary>
    /// One line per item, best first: <c>rank,item,score,sd,wins,losses,ties,judgements</c> (score and sd in log-odds units;
    /// wins and losses as judged, before any annotator is discounted).
    /// </summary>
    public static void WriteScores(BradleyTerryFit fit, string path) => Publish(PrepareScores(fit, path));

    private static IO.PendingFile PrepareScores(BradleyTerryFit fit, string path)
    {
        Guard.NotNull(fit);
        var n = fit.Data.Items.Count;
        var (wins, losses, ties) = Tallies(fit.Data);
        var order = Enumerable.Range(0, n).OrderByDescending(fit.Score).ThenBy(i => i).ToArray();
        return Prepare(path, "rank,item,score,sd,wins,losses,ties,judgements", order.Select((i, r) =>
            $"{r + 1},{Quote(fit.Data.Items[i])},{N(fit.Score(i))},{N(fit.ScoreSd(i))},{wins[i]},{losses[i]},{ties[i]},{wins[i] + losses[i] + ties[i]}"));
    }

    /// <summary>
    /// One line per distinct judged pair, in order of first judgement, for reward-model training:
    /// <c>left,right,p_left,p_right,p_tie,judgements,left_wins,right_wins,ties</c>, where p_left = P(left ≻ right) under the fitted
    /// scores and their uncertainty.
    /// </summary>
    public static void WritePairs(BradleyTerryFit fit, string path) => Publish(PreparePairs(fit, path));

    private static IO.PendingFile PreparePairs(BradleyTerryFit fit, string path)
    {
        Guard.NotNull(fit);
        var pairs = new Dictionary<(int, int), int[]>();
        var order = new List<(int, int)>();
        foreach (var c in fit.Data.Comparisons)
        {
            if (!pairs.TryGetValue((c.Left, c.Right), out var tally))
            {
                pairs[(c.Left, c.Right)] = tally = new int[3];
                order.Add((c.Left, c.Right));
            }
            tally[(int)c.Outcome]++;
        }
        return Prepare(path, "left,right,p_left,p_right,p_tie,judgements,left_wins,right_wins,ties", order.Select(pair =>
        {
            var (l, r) = pair;
            var (pl, pr, pt) = fit.Probabilities(l, r);
            var t = pairs[pair];
            return $"{Quote(fit.Data.Items[l])},{Quote(fit.Data.Items[r])},{N(pl)},{N(pr)},{N(pt)},{t[0] + t[1] + t[2]},{t[0]},{t[1]},{t[2]}";
        }));
    }

    /// <summary>
    /// One line per annotator: <c>annotator,judgements,ties,agreement,reliability</c> (agreement: share of their wins that
    /// agree with the fitted scores; reliability: the noisy-annotator model's η, empty for plain Bradley–Terry).
    /// </summary>
    public static void WriteAnnotators(BradleyTerryFit fit, string path) => Publish(PrepareAnnotators(fit, path));

    private static IO.PendingFile PrepareAnnotators(BradleyTerryFit fit, string path)
        => Prepare(path, "annotator,judgements,ties,agreement,reliability", AnnotatorRows(fit).Select(a =>
            $"{Quote(a.Name)},{a.Judgements},{a.Ties},{(a.Agreement is { } g ? N(g) : "")},{(a.Reliability is { } e ? N(e) : "")}"));

    /// <summary>Per annotator: name, judgements, ties, agreement with the fitted scores, reliability (null for plain Bradley–Terry).</summary>
    public static IEnumerable<(string Name, int Judgements, int Ties, double? Agreement, double? Reliability)> AnnotatorRows(BradleyTerryFit fit)
    {
        Guard.NotNull(fit);
        var judgements = new int[fit.Data.Annotators.Count];
        var ties = new int[judgements.Length];
        foreach (var c in fit.Data.Comparisons)
        {
            judgements[c.Annotator]++;
            if (c.Outcome == PreferenceOutcome.Tie) ties[c.Annotator]++;
        }
        for (var j = 0; j < judgements.Length; j++)
            yield return (fit.Data.Annotators[j], judgements[j], ties[j], fit.Agreement(j), fit.Reliability(j));
    }

    private static (int[] Wins, int[] Losses, int[] Ties) Tallies(PreferenceData data)
    {
        var n = data.Items.Count;
        var (wins, losses, ties) = (new int[n], new int[n], new int[n]);
        foreach (var c in data.Comparisons)
            switch (c.Outcome)
            {
                case PreferenceOutcome.Left: wins[c.Left]++; losses[c.Right]++; break;
                case PreferenceOutcome.Right: wins[c.Right]++; losses[c.Left]++; break;
                default: ties[c.Left]++; ties[c.Right]++; break;
            }
        return (wins, losses, ties);
    }

    /// <summary>
    /// Writes the scores and, when their paths are given, the pair probabilities and the annotators, as one unit:
    /// all three files are new, or (if any fails) all are as they were.
    /// </summary>
    public static void Write(BradleyTerryFit fit, string scores, string? pairs = null, string? annotators = null)
    {
        var prepared = new List<IO.PendingFile>();
        try
        {
            prepared.Add(PrepareScores(fit, scores));
            if (pairs is not null) prepared.Add(PreparePairs(fit, pairs));
            if (annotators is not null) prepared.Add(PrepareAnnotators(fit, annotators));
            IO.AtomicFile.Commit(prepared);
        }
        finally
        {
            foreach (var file in prepared) file.Dispose();
        }
    }

    private static void Publish(IO.PendingFile file)
    {
        using (file) IO.AtomicFile.Commit([file]);
    }

    private static IO.PendingFile Prepare(string path, string header, IEnumerable<string> lines)
        => IO.AtomicFile.Prepare(path, stream =>
        {
            using var text = new StreamWriter(stream, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
            text.WriteLine(header);
            foreach (var line in lines) text.WriteLine(line);
        });

    private static string N(double v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    private static string Quote(string s)
        => s.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
}
