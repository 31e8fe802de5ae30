using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Snorkeler.LabelModels.Internal;

namespace Snorkeler.LabelModels;

/// <summary>
/// Dawid–Skene with a row activity: LFs that fire together. Each row has an activity <c>a</c>, log-normal with mean 1 and
/// spread σ, and LF j fires on a row of class c with probability <c>1 − exp(−a λ_jc)</c>; when it fires it votes v with
/// probability <c>p_j[c, v]</c>. Long documents trip many keyword rules of every class and short ones trip none; a model of
/// independent LFs explains that by a latent class of "busy rows", and labels by it. σ = 0 is Dawid–Skene with every
/// abstain an outcome (with the blank shares below), so the spread is chosen by likelihood among <see cref="Spreads"/> (a
/// nested comparison).
/// The activity is integrated out over nine Gauss–Hermite nodes. A share β_c of the rows of class c are out of every LF's
/// reach (activity 0: no LF fires), in every member of the family: rows no rule can see (too short, another language) are
/// most often of one class, and without it the spreads explained them as quiet rows of any class (generated sets with
/// 36–44 % of rows blanked, most of one class: 5 and 8 points below the model of independent LFs).
/// </summary>
internal static class RowActivity
{
    /// <summary>The spreads (standard deviations of log a) compared; 0 is the plain model.</summary>
    public static readonly double[] Spreads = [0, 0.4, 0.8, 1.2, 1.6];

    /// <summary>
    /// The likelihood-ratio statistic above which a spread beats the plain model: χ² with one degree of freedom at 0.001
    /// (the spread is one parameter; a strict level because the model is chosen among five and the rows are many).
    /// </summary>
    public const double TestStatistic = 10.83;

    /// <summary>
    /// The most classes, and vote rates (sources × classes × classes), for which the spreads are tested without being asked
    /// (<c>--activity auto</c>): beyond them the five fits would cost far more than the model of independent sources, and
    /// the sets measured had at most ten classes.
    /// </summary>
    public const int MaxClasses = 16;

    /// <inheritdoc cref="MaxClasses"/>
    public const long MaxVoteRates = 1L << 22;

    /// <summary>The largest blank share: a class no LF ever fires on is then still a class whose rows could draw a vote.</summary>
    public const double MaxBlank = 1 - 1e-9;

    /// <summary>The most training rows (evenly spaced) the spreads are compared on; the chosen spread is then fitted on all rows.</summary>
    public const int TestRows = 10_000;

    /// <summary>
    /// The most EM iterations of each fit the spreads are compared by (most converge in 20–100; near-random sources can
    /// take the full cap, at five times the cost); the chosen spread's fit then continues under the fit's own cap.
    /// </summary>
    public const int TestIterations = 100;

    // Probabilists' Gauss–Hermite rule of nine nodes (weights normalised to sum 1): E f(Z), Z ~ N(0, 1) ≈ Σ_q w_q f(z_q).
    private static readonly double[] Nodes = [-4.512745863399783, -3.20542900285647, -2.07684797867783, -1.0232556637891326, 0.0, 1.0232556637891326, 2.07684797867783, 3.20542900285647, 4.512745863399783];
    private static readonly double[] NodeWeights = [2.2345844007746607e-05, 0.0027891413212317692, 0.04991640676521782, 0.24409750289493953, 0.40634920634920635, 0.24409750289493953, 0.04991640676521782, 0.0027891413212317692, 2.2345844007746607e-05];

    /// <summary>The activities at the nodes for spread σ: <c>exp(σ z_q − σ²/2)</c>, mean 1.</summary>
    public static double[] Activities(double spread) => Nodes.Select(z => Math.Exp(spread * z - spread * spread / 2)).ToArray();

    /// <summary>The node weights (a copy).</summary>
    public static double[] Weights() => NodeWeights.ToArray();

    /// <summary>
    /// Fits the model at <paramref name="spread"/> by EM from majority vote's labels. <paramref name="fixedPrior"/> keeps the
    /// class balance fixed (else it is learned). Classes are then named as Dawid–Skene names them: the permutation under
    /// which the votes agree most with the classes they name (among classes of equal prior when the prior is fixed).
    /// </summary>
    /// <remarks>
    /// With <paramref name="start"/> (a fit at the same spread on a sample of the rows) EM starts from its parameters instead,
    /// its blank shares among them. Without <paramref name="blankRows"/> (and no start) every row is within reach (β = 0).
    /// </remarks>
    public static RowActivityFit Fit(VotePatterns patterns, int m, int k, double spread, double[]? fixedPrior, int maxIterations, double tolerance, CancellationToken cancellation,
        RowActivityFit? start = null, bool blankRows = true)
    {
        var em = new Em(patterns, m, k, spread, fixedPrior);
        var ll = double.NegativeInfinity;
        var iterations = 0;
        var converged = false;
        if (start is null) em.InitialiseFromMajorityVote(blankRows);
        else
        {
            em.Prior = start.Prior.ToArray();
            em.Rates = start.Rates.ToArray();
            em.VoteRates = start.VoteRates.ToArray();
            em.Blank = start.Blank.ToArray();
            ll = em.ExpectationStep();
        }
        while (iterations < maxIterations)
        {
            cancellation.ThrowIfCancellationRequested();
            em.MaximisationStep();
            var next = em.ExpectationStep();
            iterations++;
            if (Math.Abs(next - ll) <= tolerance * Math.Abs(next))
            {
                ll = next;
                converged = true;
                break;
            }
            ll = next;
        }
        em.MaximisationStep();
        em.NameClasses();
        return new RowActivityFit(spread, em.Prior, em.Rates, em.VoteRates, em.Blank, ll, new IterativeFit(iterations, converged, ll));
    }

    private sealed class Em
    {
        private readonly VotePatterns _patterns;
        // _q nodes: the Gauss–Hermite nodes, then the blank node (activity 0) at _q − 1.
        private readonly int _m, _k, _q;
        private readonly double[] _a, _nodeActivities; // with the blank node last; the Gauss–Hermite nodes alone
        private readonly double[]? _fixedPrior;
        // Expected counts from the last E-step: rows per class; votes [j, c, v]; firings [j, c, node]; rows [c, node].
        private readonly double[] _rows, _votes, _firings, _rowsAtNode;

        public double[] Prior;
        public double[] Rates;      // λ [j, c]
        public double[] VoteRates;  // p [j, c, v]
        public double[] Blank;      // β [c]

        public Em(VotePatterns patterns, int m, int k, double spread, double[]? fixedPrior)
        {
            (_patterns, _m, _k, _q) = (patterns, m, k, Nodes.Length + 1);
            _nodeActivities = Activities(spread);
            _a = [.. _nodeActivities, 0];
            _fixedPrior = fixedPrior;
            _rows = new double[k];
            _votes = new double[m * k * k];
            _firings = new double[m * k * _q];
            _rowsAtNode = new double[k * _q];
            Prior = fixedPrior?.ToArray() ?? Enumerable.Repeat(1.0 / k, k).ToArray();
            Rates = Enumerable.Repeat(0.1, m * k).ToArray();
            VoteRates = new double[m * k * k];
            Blank = new double[k];
        }

        /// <summary>
        /// Expected counts with each row's class from majority vote (ties and rows without votes shared) and its activity from
        /// the prior; with <paramref name="blankRows"/> a row without votes is half blank (EM cannot move a blank share that
        /// starts at 0, so without it β stays 0).
        /// </summary>
        public void InitialiseFromMajorityVote(bool blankRows)
        {
            var r = new double[_k * _q];
            var counts = new double[_k];
            for (var t = 0; t < _patterns.Count; t++)
            {
                var (start, end) = _patterns.Range(t);
                Array.Clear(counts);
                for (var v = start; v < end; v++) counts[_patterns.Labels[v]]++;
                var max = counts.Max();
                var tied = counts.Count(x => x == max);
                var blank = blankRows && start == end ? 0.5 : 0;
                for (var c = 0; c < _k; c++)
                {
                    var share = counts[c] == max ? 1.0 / tied : 0;
                    for (var q = 0; q < Nodes.Length; q++) r[c * _q + q] = share * (1 - blank) * NodeWeights[q];
                    r[c * _q + _q - 1] = share * blank;
                }
                Accumulate(t, r);
            }
        }

        private void Clear()
        {
            Array.Clear(_rows);
            Array.Clear(_votes);
            Array.Clear(_firings);
            Array.Clear(_rowsAtNode);
        }

        private bool _fresh = true;

        /// <summary>Adds pattern t's responsibilities r [c, node] (summing to 1) to the expected counts.</summary>
        private void Accumulate(int t, double[] r)
        {
            if (_fresh)
            {
                Clear();
                _fresh = false;
            }
            var n = (double)_patterns.Counts[t];
            var (start, end) = _patterns.Range(t);
            for (var c = 0; c < _k; c++)
            {
                double rc = 0;
                for (var q = 0; q < _q; q++)
                {
                    var x = n * r[c * _q + q];
                    rc += x;
                    _rowsAtNode[c * _q + q] += x;
                }
                _rows[c] += rc;
                var weighted = r.AsSpan(c * _q, _q);
                for (var v = start; v < end; v++)
                {
                    var j = _patterns.Lfs[v];
                    _votes[(j * _k + c) * _k + _patterns.Labels[v]] += rc;
                    var firings = _firings.AsSpan((j * _k + c) * _q, _q);
                    for (var q = 0; q < _q; q++) firings[q] += n * weighted[q];
                }
            }
        }

        public void MaximisationStep()
        {
            _fresh = true;
            double total = _rows.Sum();
            if (_fixedPrior is null)
                for (var c = 0; c < _k; c++) Prior[c] = (_rows[c] + 1) / (total + _k);
            for (var c = 0; c < _k; c++) Blank[c] = _rows[c] > 0 ? Math.Min(MaxBlank, _rowsAtNode[c * _q + _q - 1] / _rows[c]) : 0;
            for (var jc = 0; jc < _m * _k; jc++)
            {
                // Votes given firing: add-½ smoothing.
                var row = _votes.AsSpan(jc * _k, _k);
                var sum = 0.0;
                foreach (var x in row) sum += x;
                for (var v = 0; v < _k; v++) VoteRates[jc * _k + v] = (row[v] + 0.5) / (sum + 0.5 * _k);
                Rates[jc] = FiringRate(jc);
            }
        }


        /// <summary>
        /// λ maximising Σ_q A_q log(1 − e^{−a_q λ}) − B_q a_q λ (concave; Newton from the last value), where A_q and B_q are
        /// the expected rows of the class at node q where the LF fired and stayed silent, each with a pseudo-row spread over
        /// the nodes (blank rows tell nothing of λ).
        /// </summary>
        private double FiringRate(int jc)
        {
            var c = jc % _k;
            var lambda = Rates[jc];
            for (var step = 0; step < 20; step++)
            {
                double g = 0, h = 0;
                for (var q = 0; q < Nodes.Length; q++)
                {
                    var fired = _firings[jc * _q + q] + NodeWeights[q];
                    var silent = Math.Max(0, _rowsAtNode[c * _q + q] - _firings[jc * _q + q]) + NodeWeights[q];
                    var a = _a[q];
                    var e = Math.Exp(-a * lambda);
                    var fire = -double.ExpM1(-a * lambda);
                    g += fired * a * e / fire - silent * a;
                    h -= fired * a * a * e / (fire * fire);
                }
                var next = Math.Clamp(lambda - g / h, 1e-6, 50);
                if (Math.Abs(next - lambda) <= 1e-12 * lambda) return next;
                lambda = next;
            }
            return lambda;
        }

        /// <summary>The posterior of every pattern over (class, node), accumulated; returns the log-likelihood of all rows.</summary>
        public double ExpectationStep()
        {
            var scores = new ActivityScores(Prior, Rates, VoteRates, Blank, _nodeActivities, _k);
            var lfs = CollectionsMarshal.AsSpan(_patterns.Lfs);
            var labels = CollectionsMarshal.AsSpan(_patterns.Labels);
            var r = new double[_k * _q];
            double ll = 0;
            for (var t = 0; t < _patterns.Count; t++)
            {
                var (start, end) = _patterns.Range(t);
                ll += _patterns.Counts[t] * Posterior(scores, lfs[start..end], labels[start..end], r);
                Accumulate(t, r);
            }
            return ll;
        }

        /// <summary>A row's posterior over (class, node) into r; returns the log-probability of the row.</summary>
        private static double Posterior(ActivityScores scores, ReadOnlySpan<int> lfs, ReadOnlySpan<int> labels, double[] r)
        {
            var max = scores.Joint(lfs, labels, r);
            double sum = 0;
            for (var i = 0; i < r.Length; i++) sum += r[i] = Math.Exp(r[i] - max);
            for (var i = 0; i < r.Length; i++) r[i] /= sum;
            return max + Math.Log(sum);
        }

        /// <summary>Renames the latent classes so that the votes agree most with the classes they name (<see cref="DawidSkeneEm"/>'s rule).</summary>
        public void NameClasses()
        {
            var agreement = new double[_k * _k]; // [vote a, latent class c]
            for (var j = 0; j < _m; j++)
            for (var c = 0; c < _k; c++)
            for (var a = 0; a < _k; a++)
                agreement[a * _k + c] += _votes[(j * _k + c) * _k + a];
            var target = Enumerable.Range(0, _k).ToArray();
            var groups = _fixedPrior is null
                ? [Enumerable.Range(0, _k).ToArray()]
                : Enumerable.Range(0, _k).GroupBy(c => Math.Round(Prior[c], 3)).Select(g => g.ToArray()).ToArray();
            foreach (var group in groups)
            {
                var n = group.Length;
                if (n == 1) continue;
                var cost = new double[n * n];
                for (var x = 0; x < n; x++)
                for (var y = 0; y < n; y++)
                    cost[x * n + y] = -agreement[group[y] * _k + group[x]];
                var assignment = Numerics.MinCostAssignment(cost, n);
                for (var x = 0; x < n; x++) target[group[x]] = group[assignment[x]];
            }
            Prior = Permute(Prior, target, 1);
            Blank = Permute(Blank, target, 1);
            Rates = Permute(Rates, target, 1, _m);
            VoteRates = Permute(VoteRates, target, _k, _m);
        }

        /// <summary>Moves each source's block of class c (width numbers) to class target[c].</summary>
        private double[] Permute(double[] values, int[] target, int width, int sources = 1)
        {
            var moved = new double[values.Length];
            for (var j = 0; j < sources; j++)
            for (var c = 0; c < _k; c++)
                Array.Copy(values, (j * _k + c) * width, moved, (j * _k + target[c]) * width, width);
            return moved;
        }
    }
}

/// <summary>
/// The log tables of one set of <see cref="RowActivity"/> parameters, from which a row's log-probability of every (class,
/// activity node) is summed: what EM's expectation step and a fitted model's prediction both need.
/// </summary>
internal sealed class ActivityScores
{
    private readonly int _k;
    private readonly double[] _rates, _activities, _logWeights, _logPrior, _logVote, _logFire, _totalRate;

    /// <summary>Tables for the Gauss–Hermite <paramref name="activities"/> and, after them, the blank node (activity 0, weight β_c).</summary>
    public ActivityScores(IReadOnlyList<double> prior, double[] rates, double[] voteRates, IReadOnlyList<double> blank, double[] activities, int k)
    {
        (_k, _rates, _activities) = (k, rates, [.. activities, 0]);
        var nodes = _activities.Length;
        var weights = RowActivity.Weights();
        _logWeights = new double[k * nodes];
        for (var c = 0; c < k; c++)
        {
            for (var q = 0; q < weights.Length; q++) _logWeights[c * nodes + q] = Math.Log((1 - blank[c]) * weights[q]);
            _logWeights[c * nodes + nodes - 1] = Math.Log(blank[c]);
        }
        _logPrior = prior.Select(x => Math.Log(x)).ToArray();
        _logVote = voteRates.Select(x => Math.Log(x)).ToArray();
        _logFire = new double[rates.Length * nodes];
        _totalRate = new double[k];
        for (var jc = 0; jc < rates.Length; jc++)
        {
            _totalRate[jc % k] += rates[jc];
            for (var q = 0; q < nodes; q++) _logFire[jc * nodes + q] = Math.Log(-double.ExpM1(-_activities[q] * rates[jc]));
        }
    }

    /// <summary>Activity nodes, the blank node last.</summary>
    public int Nodes => _activities.Length;

    /// <summary>
    /// The log-probability of the row (LF <paramref name="lfs"/>[e] voted <paramref name="labels"/>[e], every other LF silent)
    /// and of each class c and node q, into <paramref name="joint"/>[c · nodes + q]; returns the largest.
    /// </summary>
    public double Joint(ReadOnlySpan<int> lfs, ReadOnlySpan<int> labels, Span<double> joint)
    {
        var nodes = _activities.Length;
        var max = double.NegativeInfinity;
        for (var c = 0; c < _k; c++)
        {
            double votes = 0, rateVoted = 0;
            for (var e = 0; e < lfs.Length; e++)
            {
                var jc = lfs[e] * _k + c;
                votes += _logVote[jc * _k + labels[e]];
                rateVoted += _rates[jc];
            }
            var silentRate = _totalRate[c] - rateVoted;
            var row = joint.Slice(c * nodes, nodes);
            for (var q = 0; q < nodes; q++) row[q] = _logPrior[c] + _logWeights[c * nodes + q] + votes - _activities[q] * silentRate;
            for (var e = 0; e < lfs.Length; e++)
            {
                var fire = _logFire.AsSpan((lfs[e] * _k + c) * nodes, nodes);
                for (var q = 0; q < nodes; q++) row[q] += fire[q];
            }
            foreach (var x in row) if (x > max) max = x;
        }
        return max;
    }
}

/// <summary>One fit of <see cref="RowActivity"/>: the spread, class prior, firing rates λ [j, c], vote rates p [j, c, v], blank shares β [c], and the log-likelihood of the training rows.</summary>
internal sealed record RowActivityFit(double Spread, double[] Prior, double[] Rates, double[] VoteRates, double[] Blank, double LogLikelihood, IterativeFit Fit);

/// <summary>
/// A fitted Dawid–Skene model with a row activity (<see cref="RowActivity"/>): <c>P(Y = c | row) ∝ p_c (β_c [no vote] +
/// (1 − β_c) Σ_q w_q Π_{j voted} (1 − e^{−a_q λ_jc}) p_j[c, L_j] Π_{j silent} e^{−a_q λ_jc})</c>. Saved under the name
/// <c>dawid-skene</c> with an <c>activity</c> parameter.
/// </summary>
public sealed class DawidSkeneActivityModel : ILabelModel
{
    private readonly double[] _prior, _rates, _voteRates, _blank;
    private readonly ActivityScores _scores;

    internal DawidSkeneActivityModel(LabelSchema schema, IReadOnlyList<string> lfNames, RowActivityFit fit, RowActivityTest? test)
        : this(schema, lfNames, fit.Prior, fit.Spread, fit.Rates, fit.VoteRates, fit.Blank, fit.Fit, test)
    {
    }

    private DawidSkeneActivityModel(LabelSchema schema, IReadOnlyList<string> lfNames, IReadOnlyList<double> prior, double spread, double[] rates, double[] voteRates, double[] blank,
        IterativeFit? fit, RowActivityTest? test)
    {
        Schema = Guard.NotNull(schema);
        LfNames = lfNames.ToArray();
        _prior = LabelModels.ClassPrior.Validate(prior, schema.Cardinality);
        Spread = spread;
        _rates = rates;
        _voteRates = voteRates;
        _blank = blank;
        FitInfo = fit;
        Test = test;
        _scores = new ActivityScores(_prior, rates, voteRates, blank, RowActivity.Activities(spread), schema.Cardinality);
    }

    /// <inheritdoc />
    public string Name => DawidSkeneTrainer.ModelName;

    /// <inheritdoc />
    public LabelSchema Schema { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> LfNames { get; }

    /// <inheritdoc />
    public IReadOnlyList<double> ClassPrior => _prior;

    /// <summary>The spread σ of the log of a row's activity.</summary>
    public double Spread { get; }

    /// <summary>How EM ended (null when loaded from an older file).</summary>
    public IterativeFit? FitInfo { get; }

    /// <summary>The likelihood comparison that chose the spread (null when loaded without it).</summary>
    public RowActivityTest? Test { get; }

    /// <summary>λ_jc: LF <paramref name="lf"/>'s firing rate on rows of class <paramref name="cls"/> at activity 1 (it fires with probability 1 − e^{−a λ}).</summary>
    public double FiringRate(int lf, int cls) => _rates[lf * Schema.Cardinality + cls];

    /// <summary>p_j[c, v]: the probability that LF <paramref name="lf"/> votes <paramref name="vote"/> on a row of class <paramref name="cls"/> when it fires.</summary>
    public double VoteRate(int lf, int cls, int vote) => _voteRates[(lf * Schema.Cardinality + cls) * Schema.Cardinality + vote];

    /// <summary>β_c: the share of the rows of class <paramref name="cls"/> no LF can fire on (activity 0).</summary>
    public double BlankShare(int cls) => _blank[cls];

    /// <summary>Some class has a blank share above 0 (the model file is then version 2: <see cref="ModelFile.Version"/>).</summary>
    public bool HasBlankRows => _blank.Any(b => b > 0);

    /// <inheritdoc />
    public void PredictProbabilities(LabelMatrix block, Span<double> probabilities)
    {
        LabelModel.CheckBlock(this, block, probabilities);
        var k = Schema.Cardinality;
        var m = LfNames.Count;
        var lfs = new int[m];
        var labels = new int[m];
        for (var i = 0; i < block.RowCount; i++)
        {
            var n = block.CopyVotes(i, lfs, labels);
            var row = probabilities.Slice(i * k, k);
            ScoreVotes(lfs.AsSpan(0, n), labels.AsSpan(0, n), row);
            Numerics.SoftmaxInPlace(row);
        }
    }

    /// <summary>The unnormalised log-posterior of one row given as its votes (LF <paramref name="lfs"/>[e] voted <paramref name="labels"/>[e]).</summary>
    internal void ScoreVotes(ReadOnlySpan<int> lfs, ReadOnlySpan<int> labels, Span<double> scores)
    {
        var nodes = _scores.Nodes;
        Span<double> joint = stackalloc double[Schema.Cardinality * nodes];
        _scores.Joint(lfs, labels, joint);
        for (var c = 0; c < scores.Length; c++) scores[c] = LogSumExp(joint.Slice(c * nodes, nodes));
    }

    private static double LogSumExp(ReadOnlySpan<double> values)
    {
        var max = double.NegativeInfinity;
        foreach (var v in values) if (v > max) max = v;
        double sum = 0;
        foreach (var v in values) sum += Math.Exp(v - max);
        return max + Math.Log(sum);
    }

    /// <inheritdoc />
    public JsonObject SaveParameters()
    {
        var k = Schema.Cardinality;
        var json = new JsonObject
        {
            ["activity"] = new JsonObject { ["spread"] = Spread, ["blank"] = Parameters.ToJson((IEnumerable<double>)_blank) },
            ["firing_rates"] = Parameters.ToJson(_rates, k),
            ["vote_rates"] = Parameters.ToJson(_voteRates, k),
        };
        if (FitInfo is not null) json["fit"] = FitInfo.ToJson();
        if (Test is not null) json["activity"]!["test"] = Test.ToJson();
        return json;
    }

    /// <summary>True when a saved <c>dawid-skene</c> model's parameters are this model's.</summary>
    internal static bool Holds(JsonObject parameters) => parameters.ContainsKey("activity");

    internal static DawidSkeneActivityModel Load(LabelSchema schema, IReadOnlyList<string> lfNames, IReadOnlyList<double> prior, JsonObject parameters)
    {
        var k = schema.Cardinality;
        var m = lfNames.Count;
        if (parameters["activity"] is not JsonObject activity) throw new SnorkelerException("parameter 'activity' must be an object with the field 'spread'");
        var spread = Parameters.Number(activity["spread"], "activity.spread", 0, 10);
        var rates = Parameters.Matrix(parameters, "firing_rates", m, k, 1e-9, 1e3);
        var votes = Parameters.Matrix(parameters, "vote_rates", m * k, k, 1e-300, 1);
        Parameters.CheckDistributions(votes, k, "vote_rates");
        // Files from before the blank shares (6 December 2026) have none: every row within reach.
        var blank = activity.ContainsKey("blank") ? Parameters.Numbers(activity, "blank", k, 0, RowActivity.MaxBlank) : new double[k];
        return new DawidSkeneActivityModel(schema, lfNames, prior, spread, rates, votes, blank, IterativeFit.FromJson(parameters["fit"]), RowActivityTest.FromJson(activity["test"], spread));
    }
}

/// <summary>
/// The likelihood comparison of row activities: the training rows' log-likelihood under the plain model (σ = 0) and at the
/// chosen spread, and how many training rows the plain member of the family labels as the Dawid–Skene fit does.
/// </summary>
public sealed record RowActivityTest(double PlainLogLikelihood, double LogLikelihood, double Spread, double AgreementWithFit)
{
    /// <summary>2 (ℓ_σ − ℓ_0): large when the rows fire together more than independent LFs would.</summary>
    public double Statistic => 2 * (LogLikelihood - PlainLogLikelihood);

    internal JsonObject ToJson() => new()
    {
        ["plain_log_likelihood"] = PlainLogLikelihood,
        ["log_likelihood"] = LogLikelihood,
        ["agreement_with_fit"] = AgreementWithFit,
    };

    internal static RowActivityTest? FromJson(JsonNode? node, double spread = double.NaN) => node is JsonObject o
        ? new RowActivityTest(Parameters.Number(o["plain_log_likelihood"], "activity.test.plain_log_likelihood"), Parameters.Number(o["log_likelihood"], "activity.test.log_likelihood"),
            spread, Parameters.Number(o["agreement_with_fit"], "activity.test.agreement_with_fit", 0, 1))
        : null;

    /// <summary>One line for the fit log.</summary>
    public override string ToString() => Describe("the fit");

    /// <summary>The log line, naming <paramref name="model"/> as the one the plain member's labels were compared with.</summary>
    internal string Describe(string model) => string.Create(CultureInfo.InvariantCulture,
        $"spread {Spread:0.0###} against 0: likelihood-ratio statistic {Statistic:0.#}; the plain member of the family labels {AgreementWithFit:P1} of the training rows as {model} does");
}
