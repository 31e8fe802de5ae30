using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Snorkeler.Analysis;
using Snorkeler.LabelModels.Internal;

namespace Snorkeler.LabelModels;

/// <summary>
/// Options of the moment-matching model (<c>snorkel</c>); the defaults are Snorkel 0.10's.
/// </summary>
public sealed record SnorkelOptions
{
    /// <summary>Full-batch optimisation steps (<c>--epochs</c>, 1..1,000,000; default 100).</summary>
    public int Epochs { get; init; } = 100;

    /// <summary>SGD learning rate (<c>--lr</c>, (0, 10]; default 0.01).</summary>
    public double LearningRate { get; init; } = 0.01;

    /// <summary>Weight of the penalty <c>l2² ‖μ − μ_init‖²</c> (<c>--l2</c>, ≥ 0; default 0; Snorkel squares it the same way).</summary>
    public double L2 { get; init; }

    /// <summary>Initial precision P(Y = y | L_j = y) that seeds μ (<c>--prec-init</c>, (0, 1]; default 0.7).</summary>
    public double PrecInit { get; init; } = 0.7;

    /// <summary>SGD momentum (<c>--momentum</c>, [0, 1); default 0.9).</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>The prior when no explicit prior or labelled dev split is given (<c>--prior-estimate</c>: uniform (default, as Snorkel), mv, em).</summary>
    public PriorEstimate PriorEstimate { get; init; } = PriorEstimate.Uniform;

    /// <summary>
    /// Dependent LF pairs (<c>--deps</c>: none (default, conditional independence as Snorkel), auto (found from the
    /// votes), or named pairs <c>A:B,C:D</c>): their moments leave the objective and prediction corrects for them.
    /// </summary>
    public LfDependencies Dependencies { get; init; } = LfDependencies.None;

    /// <summary>Reads the options from the command line's <c>--name value</c> pairs; absent ones keep their defaults.</summary>
    public static SnorkelOptions From(ModelOptions options)
    {
        Guard.NotNull(options);
        var d = new SnorkelOptions();
        return new SnorkelOptions
        {
            Epochs = options.Integer("epochs", d.Epochs, 1, 1_000_000),
            LearningRate = options.Number("lr", d.LearningRate, double.Epsilon, 10),
            L2 = options.Number("l2", d.L2, 0),
            PrecInit = options.Number("prec-init", d.PrecInit, double.Epsilon, 1),
            Momentum = options.Number("momentum", d.Momentum, 0, 0.999999),
            PriorEstimate = ClassPrior.ReadEstimate(options),
            Dependencies = LfDependencies.Parse(options.Text("deps")),
        };
    }

    /// <summary>The options as command-line name/value pairs (<c>deps</c> only when there are dependencies).</summary>
    public IReadOnlyDictionary<string, string> ToOptionValues()
    {
        var values = new Dictionary<string, string>
        {
            ["epochs"] = Epochs.ToString(CultureInfo.InvariantCulture),
            ["lr"] = LearningRate.ToString("R", CultureInfo.InvariantCulture),
            ["l2"] = L2.ToString("R", CultureInfo.InvariantCulture),
            ["prec-init"] = PrecInit.ToString("R", CultureInfo.InvariantCulture),
            ["momentum"] = Momentum.ToString("R", CultureInfo.InvariantCulture),
            ["prior-estimate"] = ClassPrior.OptionValue(PriorEstimate),
        };
        if (!Dependencies.IsNone) values["deps"] = Dependencies.ToString();
        return values;
    }
}

/// <summary>
/// Fits the moment-matching label model of Snorkel (Ratner et al., AAAI 2019): LFs conditionally
/// independent given Y, parameters <c>μ[j·k + a, c] = P(L_j = a | Y = c)</c> fitted to the moment
/// matrix <c>O</c> by minimising <c>‖mask ⊙ (O − μPμᵀ)‖² + ‖rowsum(μP) − diag(O)‖² + l2²‖μ − μ_init‖²</c>
/// with full-batch SGD with momentum, as Snorkel does (same initialisation, including its one random
/// scale drawn from NumPy's generator with the same seed; same clamping and label-permutation fix).
/// The gradient is analytic: <c>−4 (mask ⊙ R) μ P + 2 (μp − diag O) pᵀ + 2 l2² (μ − μ_init)</c>.
/// The fit reads the rows once, to build <see cref="SufficientStatistics"/>, and never again.
/// </summary>
public sealed class SnorkelTrainer : IStatisticsTrainer
{
    /// <summary>The command-line name.</summary>
    public const string ModelName = "snorkel";

    /// <summary>Fits beyond this many multiply-adds are refused with a clear message instead of running for hours.</summary>
    public const double MaxOperations = 5e10;

    /// <summary>Creates the trainer (Snorkel's defaults when <paramref name="options"/> is null).</summary>
    public SnorkelTrainer(SnorkelOptions? options = null) => Options = options ?? new SnorkelOptions();

    /// <summary>The options.</summary>
    public SnorkelOptions Options { get; }

    /// <inheritdoc />
    public string Name => ModelName;

    /// <inheritdoc />
    ILabelModel IStatisticsTrainer.Fit(SufficientStatistics statistics, FitContext context) => Fit(statistics, context);

    /// <inheritdoc />
    public ILabelModel Fit(IMatrixSource train, FitContext context) => FitModel(train, context);

    /// <summary>Fits the model (typed result).</summary>
    public SnorkelModel FitModel(IMatrixSource train, FitContext context)
    {
        Guard.NotNull(train);
        Guard.NotNull(context);
        CheckShape(train.Schema.Cardinality, train.LfNames.Count, context);
        var prior = ClassPrior.Resolve(train, context, Options.PriorEstimate, ModelName);
        var stats = SufficientStatistics.Compute(train, context.Cancellation);
        if (Options.Dependencies.IsNone) return FitWithPrior(stats, context, prior);
        return FitDependent(train, stats, context, prior);
    }

    /// <summary>
    /// The fit with dependent pairs: found (auto: from the votes and the posteriors of the independent fit) or named;
    /// their moments masked in the objective; then the pair corrections estimated from the rows.
    /// </summary>
    private SnorkelModel FitDependent(IMatrixSource train, SufficientStatistics stats, FitContext context, double[] prior)
    {
        int m = stats.LfCount, k = stats.Cardinality;
        IReadOnlyList<(int First, int Second)> pairs;
        if (Options.Dependencies.Auto)
        {
            var independent = FitTrajectory(stats, context.Quiet, prior, [Options.Epochs], [])[0];
            var found = DependencyModel.Detect(train, independent, context.Cancellation);
            // Strongest first: copies before derived before merely correlated, then by dependence.
            pairs = found.OrderBy(p => p.Kind).ThenByDescending(p => double.IsNaN(p.Dependence) ? 1 : p.Dependence).ThenBy(p => p.First).ThenBy(p => p.Second)
                .Select(p => (p.First, p.Second)).ToArray();
            foreach (var pair in found) context.Log?.Invoke($"snorkel: dependent LFs: {SourceDependencies.Describe(pair, stats.LfNames)}");
            if (found.Count == 0) context.Log?.Invoke("snorkel: no dependent LFs found; the LFs are modelled as independent");
        }
        else pairs = Options.Dependencies.Resolve(stats.LfNames);
        var model = FitTrajectory(stats, context, prior, [Options.Epochs], pairs)[0];
        if (pairs.Count == 0) return model;
        var mu = Enumerable.Range(0, m * k * k).Select(x => model.Mu(x / (k * k), x / k % k, x % k)).ToArray();
        var forest = DependencyModel.Forest(m, pairs);
        var corrections = DependencyModel.Corrections(train, k, prior.Select(v => Math.Log(v)).ToArray(), mu.Select(v => Math.Log(v)).ToArray(), forest, pairs, context.Cancellation);
        context.Log?.Invoke($"snorkel: {Text.Listing.Counted(pairs.Count, "dependent pair")} left out of the moments; corrections along {DependencyModel.Describe(forest, stats.LfNames)}");
        return model.WithDependencies(pairs, corrections);
    }

    /// <summary>
    /// Fits from (merged) statistics alone. The prior must come from the context (explicit or dev split)
    /// or be uniform: the mv and em estimates need the rows.
    /// </summary>
    public SnorkelModel Fit(SufficientStatistics statistics, FitContext context)
    {
        Guard.NotNull(statistics);
        Guard.NotNull(context);
        CheckShape(statistics.Cardinality, statistics.LfCount, context);
        if (!Options.Dependencies.IsNone)
            throw new SnorkelerException($"snorkel --deps {Options.Dependencies} needs the label matrix, not only its statistics: the pair corrections are estimated from the rows");
        if (context.Prior is null && context.Dev is not { HasGold: true } && Options.PriorEstimate != PriorEstimate.Uniform)
            throw new SnorkelerException($"--prior-estimate {ClassPrior.OptionValue(Options.PriorEstimate)} needs the label matrix, not only its statistics; give --prior or a labelled dev split");
        var prior = ClassPrior.Resolve(statistics.Schema, context, model: ModelName);
        return FitWithPrior(statistics, context, prior);
    }

    /// <summary>
    /// Which option to change after a diverged fit. The penalty's gradient 2·l2²·(μ − μ_init) alone makes heavy-ball
    /// descent overshoot once lr·2·l2² ≥ 2·(1 + momentum) (Polyak's bound), whatever the data: then --l2 is the cause;
    /// otherwise the step size is, with --l2 named too when it is set. Options are named as the command spells them
    /// (<see cref="FitContext.Option"/>; fit's when <paramref name="context"/> is null).
    /// </summary>
    internal static string DivergenceAdvice(SnorkelOptions options, FitContext? context = null)
    {
        static string Of(double value) => value.ToString(CultureInfo.InvariantCulture);
        context ??= new FitContext();
        var (lr, l2) = (context.Option("lr"), context.Option("l2"));
        if (options.L2 == 0) return $"reduce {lr} (now {Of(options.LearningRate)})";
        if (options.LearningRate * options.L2 * options.L2 >= 1 + options.Momentum)
            return $"reduce {l2} (now {Of(options.L2)}): with {context.Option("lr", Of(options.LearningRate))} its penalty alone overshoots (lr·l2² must stay below 1 + momentum = {Of(1 + options.Momentum)})";
        return $"reduce {lr} (now {Of(options.LearningRate)}) or {l2} (now {Of(options.L2)})";
    }

    private void CheckShape(int k, int m, FitContext context)
    {
        if (m == 0) throw new ModelRefusalException($"{context.TrainPrefix}snorkel: the label matrix has no LFs");
        // Per epoch: nnz(O)·k (at most m²k³) for O'μ plus about 3·m·k³ for the μP(S − S_j) terms.
        var operations = (double)Options.Epochs * (Math.Min((double)m * (m - 1) * k * k, 1e8) * k + 3.0 * m * k * k * k);
        if (operations > MaxOperations)
            throw new ModelRefusalException($"{context.TrainPrefix}snorkel: {Text.Listing.Counted(m, "LF")} × {Text.Listing.Counted(k, "class")} × {Text.Listing.Counted(Options.Epochs, "epoch")} needs about {operations:0.#e0} operations (limit {MaxOperations:0.#e0}); use dawid-skene or mv, or fewer epochs");
    }

    private SnorkelModel FitWithPrior(SufficientStatistics stats, FitContext context, double[] p)
        => FitTrajectory(stats, context, p, [Options.Epochs], [])[0];

    /// <summary>
    /// Runs the optimisation for the largest of <paramref name="snapshots"/> epochs and returns the model as it
    /// is after each snapshot's number of epochs (clamped and relabelled like a fit of that many epochs, which it
    /// equals exactly): one run gives the fits of several epoch counts, as <c>auto</c>'s search needs.
    /// </summary>
    /// (Pairs in <c>masked</c>, first &lt; second, leave the objective, as MeTaL masks the pairs of a clique:
    /// dependent LFs' co-votes are not evidence of their accuracies.)
    /// (<paramref name="plain"/>: the gradient's plain loops over every row, for the test that the fast code gives their bits.)
    internal IReadOnlyList<SnorkelModel> FitTrajectory(SufficientStatistics stats, FitContext context, double[] p, IReadOnlyList<int> snapshots,
        IReadOnlyList<(int First, int Second)>? masked = null, bool plain = false)
    {
        CheckShape(stats.Cardinality, stats.LfCount, context);
        var n = stats.RowCount;
        if (n == 0) throw new ModelRefusalException("snorkel: the training matrix has no rows");
        int m = stats.LfCount, k = stats.Cardinality, d = m * k;
        var diag = new double[d];
        for (var i = 0; i < d; i++) diag[i] = (double)stats.Votes[i] / n;

        // μ_init[j·k + y, y] = clamp(P(L_j = y) · prec_init / p_y, 0, 1), scaled by one uniform draw as Snorkel does.
        var muInit = new double[d * k];
        for (var j = 0; j < m; j++)
        for (var y = 0; y < k; y++)
            muInit[(j * k + y) * k + y] = Math.Clamp(diag[j * k + y] * Options.PrecInit / p[y], 0, 1);
        var scale = Mt19937.FirstUniform(context.Seed);
        var mu = muInit.Select(v => v * scale).ToArray();
        var velocity = new double[d * k];
        var grad = new double[d * k];
        var l2Squared = Options.L2 * Options.L2;
        masked ??= [];
        var partners = new int[m][];
        for (var j = 0; j < m; j++) partners[j] = masked.Where(x => x.First == j || x.Second == j).Select(x => x.First == j ? x.Second : x.First).Distinct().ToArray();
        var moments = SparseMoments(stats, masked);
        var last = snapshots.Max();
        context.Log?.Invoke($"snorkel: n={n}, m={m}, k={k}, epochs={last}, lr={Options.LearningRate}, momentum={Options.Momentum}, l2={Options.L2}, prec_init={Options.PrecInit}, init scale={scale:F6}, prior=[{string.Join(", ", p.Select(v => v.ToString("F4", CultureInfo.InvariantCulture)))}]");
        var models = new List<SnorkelModel>();
        var gradient = new Gradient(m, k, muInit, p, diag, moments, partners, l2Squared, plain);
        for (var epoch = 0; epoch < last; epoch++)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            gradient.Compute(mu, grad);
            var finite = true;
            for (var i = 0; i < mu.Length; i++)
            {
                velocity[i] = Options.Momentum * velocity[i] + grad[i];
                mu[i] -= Options.LearningRate * velocity[i];
                finite &= double.IsFinite(mu[i]);
            }
            if (!finite)
                throw new ModelRefusalException($"snorkel: the fit diverged at epoch {epoch + 1}; {DivergenceAdvice(Options, context)}");
            if (snapshots.Contains(epoch + 1)) models.Add(Snapshot(stats, context, p, mu, Options with { Epochs = epoch + 1 }));
        }
        if (context.Log is not null && (double)m * m * k * k * k <= 1e9)
            context.Log($"snorkel: final loss {Loss(m, k, mu, muInit, p, diag, stats, masked, l2Squared):G6}");
        return models;
    }

    /// <summary>The model for the current μ: clamped to [ε, 1 − ε] (ε = min(0.01, 10^-ceil(log10 n))), labels fixed.</summary>
    private static SnorkelModel Snapshot(SufficientStatistics stats, FitContext context, double[] p, double[] current, SnorkelOptions options)
    {
        int m = stats.LfCount, k = stats.Cardinality;
        var eps = Math.Min(0.01, Math.Pow(10, -Math.Ceiling(Math.Log10(stats.RowCount))));
        var mu = current.Select(v => Math.Clamp(v, eps, 1 - eps)).ToArray();
        mu = BreakPermutationSymmetry(mu, m, k, p);
        return new SnorkelModel(stats.Schema, stats.LfNames, p, mu, options, context.Seed);
    }

    /// <summary>
    /// The moment matrix O without its diagonal blocks, as sparse rows (compressed): row a's non-zero entries
    /// are <c>columns[starts[a]..starts[a+1]]</c> with values <c>values[...]</c>.
    /// </summary>
    private static (int[] Starts, int[] Columns, double[] Values) SparseMoments(SufficientStatistics stats, IReadOnlyList<(int First, int Second)> masked)
    {
        int m = stats.LfCount, k = stats.Cardinality, d = m * k;
        var skip = masked.ToHashSet();
        var rows = new List<(int Column, double Value)>[d];
        for (var a = 0; a < d; a++) rows[a] = [];
        double n = stats.RowCount;
        for (var j = 0; j < m; j++)
        for (var l = j + 1; l < m; l++)
        {
            if (skip.Contains((j, l))) continue;
            var block = stats.PairBlock(j, l);
            for (var a = 0; a < k; a++)
            for (var b = 0; b < k; b++)
            {
                var count = stats.Pairs[(int)(block + a * k + b)];
                if (count == 0) continue;
                rows[j * k + a].Add((l * k + b, count / n));
                rows[l * k + b].Add((j * k + a, count / n));
            }
        }
        var starts = new int[d + 1];
        for (var a = 0; a < d; a++) starts[a + 1] = starts[a] + rows[a].Count;
        var columns = new int[starts[d]];
        var values = new double[starts[d]];
        for (var a = 0; a < d; a++)
        {
            rows[a].Sort((x, y) => x.Column.CompareTo(y.Column));
            for (var e = 0; e < rows[a].Count; e++) (columns[starts[a] + e], values[starts[a] + e]) = rows[a][e];
        }
        return (starts, columns, values);
    }

    /// <summary>
    /// The gradient of the objective, using <c>(mask ⊙ (O − μPμᵀ)) μ = O' μ − μ P (S − S_j)</c> for the rows of
    /// LF j, where O' is O without diagonal blocks (sparse), <c>S = μᵀμ</c> and <c>S_j = μ_jᵀμ_j</c>: the cost is
    /// nnz(O)·k + m·k³ per epoch instead of m²·k³. Masked partners of j (dependent pairs) leave O' and S − S_j alike.
    /// </summary>
    /// (O'μ, nearly all of an epoch, takes each row of μ as vectors of its k classes, padded with zeros to whole vectors:
    /// lane c does the additions of the scalar loop over c in the same order, so the gradient is the same to the bit. Two
    /// rows of O' are summed side by side, so that two chains of additions are in flight. A row of μ for a class its LF never
    /// votes starts at zero, has no moments and no diagonal target, so its gradient is zero and it stays zero: such rows,
    /// all but one of each single-class LF's, are skipped, and their gradient left at the zero the loops would write.)
    private sealed class Gradient
    {
        private readonly int _m, _k, _width;
        private readonly bool _vectors;
        private readonly double[] _muInit, _p, _diag, _values;
        private readonly int[] _starts, _columns;
        private readonly int[][] _selfAndPartners, _live;
        private readonly double _l2Squared;
        private readonly double[] _s, _rest, _om, _padded;

        public Gradient(int m, int k, double[] muInit, double[] p, double[] diag, (int[] Starts, int[] Columns, double[] Values) o,
            int[][] partners, double l2Squared, bool plain)
        {
            (_m, _k, _muInit, _p, _diag, _l2Squared) = (m, k, muInit, p, diag, l2Squared);
            var lanes = Vector<double>.Count;
            _vectors = !plain && Vector.IsHardwareAccelerated && k <= 4 * lanes;
            _width = _vectors ? (k + lanes - 1) / lanes * lanes : k;
            (_starts, _values) = (o.Starts, o.Values);
            _columns = Array.ConvertAll(o.Columns, c => c * _width);
            _selfAndPartners = new int[m][];
            for (var j = 0; j < m; j++) _selfAndPartners[j] = [j, .. partners[j]];
            _s = new double[k * _width];
            _rest = new double[k * _width];
            _om = new double[k * _width];
            _padded = new double[m * k * _width];
            _live = new int[m][];
            for (var j = 0; j < m; j++)
                _live[j] = [.. Enumerable.Range(j * k, k).Where(a => plain || diag[a] != 0 || o.Starts[a] != o.Starts[a + 1] || muInit.AsSpan(a * k, k).ContainsAnyExcept(0.0))];
        }

        public void Compute(double[] mu, double[] grad)
        {
            int m = _m, k = _k, w = _width;
            // S = μᵀμ and rest = S − Σ μ_lᵀμ_l, row c1 of each at c1·w; each row takes x·(row b of μ) with x = μ[b, c1].
            var s = _s;
            Array.Clear(s);
            foreach (var rows in _live)
                foreach (var b in rows)
                {
                    mu.AsSpan(b * k, k).CopyTo(_padded.AsSpan(b * w, k));
                    for (var c1 = 0; c1 < k; c1++)
                    {
                        var x = mu[b * k + c1];
                        if (x != 0) Add(s, c1 * w, x, _padded, b * w);
                    }
                }
            var rest = _rest;
            var om = _om;
            var p = _p;
            for (var j = 0; j < m; j++)
            {
                Array.Copy(s, rest, s.Length);
                foreach (var l in _selfAndPartners[j])
                    foreach (var b in _live[l])
                        for (var c1 = 0; c1 < k; c1++)
                        {
                            var x = mu[b * k + c1];
                            if (x != 0) Add(rest, c1 * w, -x, _padded, b * w);
                        }
                MomentsTimesMu(j * k);
                foreach (var a in _live[j])
                {
                    var row = (a - j * k) * w;
                    var sum = 0.0;
                    for (var c1 = 0; c1 < k; c1++) sum += mu[a * k + c1] * p[c1];
                    var r = sum - _diag[a];
                    for (var c1 = 0; c1 < k; c1++)
                    {
                        var x = mu[a * k + c1] * p[c1];
                        if (x != 0) Add(om, row, -x, rest, c1 * w);
                    }
                    for (var c = 0; c < k; c++)
                        grad[a * k + c] = -4 * p[c] * om[row + c] + 2 * r * p[c] + 2 * _l2Squared * (mu[a * k + c] - _muInit[a * k + c]);
                }
            }
        }

        // target[i] += x · source[i] for i < width, several at a time; with x negated, the same bits as target[i] -= |x| · source[i].
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Add(double[] target, int at, double x, double[] source, int from)
        {
            ref var t = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(target), at);
            ref var f = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(source), from);
            if (_vectors)
            {
                var by = new Vector<double>(x);
                for (nuint i = 0; i < (nuint)_width; i += (nuint)Vector<double>.Count)
                    (Vector.LoadUnsafe(ref t, i) + by * Vector.LoadUnsafe(ref f, i)).StoreUnsafe(ref t, i);
            }
            else
                for (var i = 0; i < _width; i++) Unsafe.Add(ref t, i) += x * Unsafe.Add(ref f, i);
        }

        // Row t of _om = Σ_e O'[first + t, e] μ[e], for the k rows of one LF, the terms added in the order of each row's entries.
        private void MomentsTimesMu(int first)
        {
            int k = _k, w = _width;
            if (!_vectors)
            {
                Array.Clear(_om);
                for (var t = 0; t < k; t++)
                    for (var e = _starts[first + t]; e < _starts[first + t + 1]; e++)
                    {
                        var v = _values[e];
                        var b = _columns[e];
                        for (var c = 0; c < k; c++) _om[t * w + c] += v * _padded[b + c];
                    }
                return;
            }
            ref var padded = ref MemoryMarshal.GetArrayDataReference(_padded);
            ref var om = ref MemoryMarshal.GetArrayDataReference(_om);
            for (var lane = 0; lane < w; lane += Vector<double>.Count)
            {
                var t = 0;
                for (; t + 1 < k; t += 2)
                {
                    int e = _starts[first + t], end = _starts[first + t + 1];
                    int f = end, fEnd = _starts[first + t + 2];
                    Vector<double> sum = Vector<double>.Zero, next = Vector<double>.Zero;
                    for (; e < end && f < fEnd; e++, f++)
                    {
                        sum += new Vector<double>(_values[e]) * Vector.LoadUnsafe(ref padded, (nuint)(_columns[e] + lane));
                        next += new Vector<double>(_values[f]) * Vector.LoadUnsafe(ref padded, (nuint)(_columns[f] + lane));
                    }
                    for (; e < end; e++) sum += new Vector<double>(_values[e]) * Vector.LoadUnsafe(ref padded, (nuint)(_columns[e] + lane));
                    for (; f < fEnd; f++) next += new Vector<double>(_values[f]) * Vector.LoadUnsafe(ref padded, (nuint)(_columns[f] + lane));
                    sum.StoreUnsafe(ref om, (nuint)(t * w + lane));
                    next.StoreUnsafe(ref om, (nuint)((t + 1) * w + lane));
                }
                if (t < k)
                {
                    var sum = Vector<double>.Zero;
                    for (var e = _starts[first + t]; e < _starts[first + t + 1]; e++)
                        sum += new Vector<double>(_values[e]) * Vector.LoadUnsafe(ref padded, (nuint)(_columns[e] + lane));
                    sum.StoreUnsafe(ref om, (nuint)(t * w + lane));
                }
            }
        }
    }

    private static double Loss(int m, int k, double[] mu, double[] muInit, double[] p, double[] diag, SufficientStatistics stats, IReadOnlyList<(int First, int Second)> masked,
        double l2Squared)
    {
        var skip = masked.ToHashSet();
        var loss = 0.0;
        for (var i = 0; i < m * k; i++)
        {
            var s = 0.0;
            for (var c = 0; c < k; c++) s += mu[i * k + c] * p[c];
            loss += (s - diag[i]) * (s - diag[i]);
            for (var c = 0; c < k; c++) loss += l2Squared * (mu[i * k + c] - muInit[i * k + c]) * (mu[i * k + c] - muInit[i * k + c]);
        }
        for (var j = 0; j < m; j++)
        for (var l = j + 1; l < m; l++)
        {
            if (skip.Contains((j, l))) continue;
            var block = stats.PairBlock(j, l);
            for (var a = 0; a < k; a++)
            for (var b = 0; b < k; b++)
            {
                var fitted = 0.0;
                for (var c = 0; c < k; c++) fitted += mu[(j * k + a) * k + c] * p[c] * mu[(l * k + b) * k + c];
                var r = (double)stats.Pairs[(int)(block + a * k + b)] / stats.RowCount - fitted;
                loss += 2 * r * r; // the (j, l) and (l, j) blocks of the symmetric residual
            }
        }
        return loss;
    }

    /// <summary>
    /// Snorkel's fix of the label permutation: among classes of equal prior (to 3 decimals), permute μ's
    /// columns so as to maximise Σ_j Σ_c μ[j·k + c, c] p_c (LFs agree with the classes they vote for).
    /// </summary>
    internal static double[] BreakPermutationSymmetry(double[] mu, int m, int k, double[] p)
    {
        var sums = new double[k * k];
        for (var j = 0; j < m; j++)
        for (var a = 0; a < k; a++)
        for (var c = 0; c < k; c++)
            sums[a * k + c] += mu[(j * k + a) * k + c] * p[c];
        var source = Enumerable.Range(0, k).ToArray(); // new column t takes old column source[t]
        foreach (var group in Enumerable.Range(0, k).GroupBy(c => Math.Round(p[c], 3)).Select(g => g.ToArray()))
        {
            if (group.Length == 1) continue;
            var cost = new double[group.Length * group.Length];
            for (var t = 0; t < group.Length; t++)
            for (var s = 0; s < group.Length; s++)
                cost[t * group.Length + s] = -sums[group[t] * k + group[s]];
            var assignment = Numerics.MinCostAssignment(cost, group.Length);
            for (var t = 0; t < group.Length; t++) source[group[t]] = group[assignment[t]];
        }
        if (source.Select((s, t) => s == t).All(x => x)) return mu;
        var result = new double[mu.Length];
        for (var r = 0; r < m * k; r++)
        for (var t = 0; t < k; t++)
            result[r * k + t] = mu[r * k + source[t]];
        return result;
    }
}

/// <summary>A fitted moment-matching model: <c>P(Y = c | row) ∝ p_c Π_{j votes a} μ[j·k + a, c]</c>.</summary>
public sealed class SnorkelModel : LogLinearModel
{
    private readonly double[] _mu;
    private readonly JsonObject _settings;

    internal SnorkelModel(LabelSchema schema, IReadOnlyList<string> lfNames, IReadOnlyList<double> prior, double[] mu, SnorkelOptions options, int? seed)
        : this(schema, lfNames, prior, mu, Settings(options, seed), [], [])
    {
    }

    private SnorkelModel(LabelSchema schema, IReadOnlyList<string> lfNames, IReadOnlyList<double> prior, double[] mu, JsonObject settings,
        IReadOnlyList<(int First, int Second)> dependencies, IReadOnlyList<PairCorrection> corrections)
        : base(schema, lfNames, prior, mu.Select(v => Math.Log(v)).ToArray(), pairs: corrections)
    {
        _mu = mu;
        _settings = settings;
        Dependencies = dependencies;
    }

    /// <summary>The LF pairs modelled as dependent (their moments left out of the fit); empty for independent LFs.</summary>
    public IReadOnlyList<(int First, int Second)> Dependencies { get; }

    /// <summary>This model with dependent pairs and their corrections.</summary>
    internal SnorkelModel WithDependencies(IReadOnlyList<(int First, int Second)> dependencies, IReadOnlyList<PairCorrection> corrections)
        => new(Schema, LfNames, ClassPrior, _mu, _settings, dependencies, corrections);

    private static JsonObject Settings(SnorkelOptions options, int? seed)
    {
        var settings = new JsonObject();
        foreach (var (key, value) in options.ToOptionValues()) settings[key] = value;
        settings["seed"] = seed is { } s ? s.ToString(CultureInfo.InvariantCulture) : "none";
        return settings;
    }

    /// <inheritdoc />
    public override string Name => SnorkelTrainer.ModelName;

    /// <summary>μ[j·k + a, c] = P(L_j = a | Y = c).</summary>
    public double Mu(int lf, int vote, int cls) => _mu[(lf * Schema.Cardinality + vote) * Schema.Cardinality + cls];

    /// <summary>LF <paramref name="lf"/>'s accuracy implied by μ and the prior: P(Y = L_j | L_j votes).</summary>
    public double LfAccuracy(int lf)
    {
        var k = Schema.Cardinality;
        double right = 0, all = 0;
        for (var c = 0; c < k; c++)
        {
            right += Mu(lf, c, c) * ClassPrior[c];
            for (var a = 0; a < k; a++) all += Mu(lf, a, c) * ClassPrior[c];
        }
        return all == 0 ? 1.0 / k : right / all;
    }

    /// <inheritdoc />
    public override JsonObject SaveParameters()
    {
        var json = new JsonObject
        {
            ["mu"] = Parameters.ToJson(_mu, Schema.Cardinality),
            ["settings"] = _settings.DeepClone(),
        };
        if (Dependencies.Count > 0)
        {
            json["dependencies"] = new JsonArray(Dependencies.Select(d => (JsonNode)new JsonArray(LfNames[d.First], LfNames[d.Second])).ToArray());
            json["corrections"] = new JsonArray(PairCorrections.Select(c => (JsonNode)c.ToJson(LfNames)).ToArray());
        }
        return json;
    }

    internal static SnorkelModel Load(LabelSchema schema, IReadOnlyList<string> lfNames, IReadOnlyList<double> prior, JsonObject parameters)
    {
        var k = schema.Cardinality;
        var mu = Parameters.Matrix(parameters, "mu", lfNames.Count * k, k, 0, 1);
        if (mu.Any(v => v <= 0)) throw new SnorkelerException("parameter 'mu' must be positive (the fit clamps it to [ε, 1 − ε])");
        var settings = parameters["settings"] as JsonObject ?? [];
        var dependencies = (parameters["dependencies"] as JsonArray ?? []).Select((d, i) =>
        {
            var names = d as JsonArray;
            int first = names is { Count: 2 } ? IndexOf(lfNames, names[0]?.ToString()) : -1, second = names is { Count: 2 } ? IndexOf(lfNames, names[1]?.ToString()) : -1;
            if (first < 0 || second <= first) throw new SnorkelerException($"parameter 'dependencies[{i}]' must name two of the model's LFs in column order");
            return (first, second);
        }).ToArray();
        var corrections = (parameters["corrections"] as JsonArray ?? []).Select((c, i) => PairCorrection.FromJson(c, lfNames, k, $"corrections[{i}]")).ToArray();
        return new SnorkelModel(schema, lfNames, prior, mu, (JsonObject)settings.DeepClone(), dependencies, corrections);
    }

    private static int IndexOf(IReadOnlyList<string> names, string? name)
    {
        for (var j = 0; j < names.Count; j++)
            if (names[j] == name) return j;
        return -1;
    }
}
