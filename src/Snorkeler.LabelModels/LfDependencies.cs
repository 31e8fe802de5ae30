using System.Globalization;
using System.Text.Json.Nodes;
using Snorkeler.Analysis;
using Snorkeler.LabelModels.Internal;

namespace Snorkeler.LabelModels;

/// <summary>
/// Which LF pairs a model treats as dependent given the class (<c>--deps</c>): none (conditional independence, as
/// Snorkel), <c>auto</c> (found from the votes by <see cref="SourceDependencies"/>), or pairs named
/// <c>A:B,C:D</c> (pairs may also be separated by <c>;</c>).
/// </summary>
public sealed record LfDependencies
{
    private LfDependencies(bool auto, IReadOnlyList<(string First, string Second)> pairs)
    {
        Auto = auto;
        Pairs = pairs;
    }

    /// <summary>No dependencies: every LF conditionally independent of the others given the class.</summary>
    public static LfDependencies None { get; } = new(false, []);

    /// <summary>Dependencies found from the votes.</summary>
    public static LfDependencies Detect { get; } = new(true, []);

    /// <summary>True for <c>auto</c>.</summary>
    public bool Auto { get; }

    /// <summary>The named pairs (empty for none and auto).</summary>
    public IReadOnlyList<(string First, string Second)> Pairs { get; }

    /// <summary>True when the model is the independent one.</summary>
    public bool IsNone => !Auto && Pairs.Count == 0;

    /// <summary>Named pairs.</summary>
    public static LfDependencies Of(IEnumerable<(string First, string Second)> pairs) => new(false, Guard.NotNull(pairs).ToArray());

    /// <summary>Parses <c>none</c>, <c>auto</c> or <c>A:B,C:D</c> (or <c>A:B;C:D</c>).</summary>
    public static LfDependencies Parse(string? text)
    {
        if (text is null || text.Trim() == "" || text.Trim().Equals("none", StringComparison.OrdinalIgnoreCase)) return None;
        if (text.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase)) return Detect;
        var pairs = new List<(string, string)>();
        foreach (var part in text.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || colon == part.Length - 1 || part.IndexOf(':', colon + 1) >= 0)
                throw new OptionException($"--deps expects none, auto or LF pairs A:B,C:D, got '{part}'");
            var (first, second) = (part[..colon].Trim(), part[(colon + 1)..].Trim());
            if (first == second) throw new OptionException($"--deps: '{part}' pairs an LF with itself");
            pairs.Add((first, second));
        }
        return pairs.Count == 0 ? None : new LfDependencies(false, pairs);
    }

    /// <summary>
    /// The dependent LF pairs of <paramref name="matrix"/> as <c>--deps auto</c> finds them: copies and derived LFs from
    /// the co-votes, and pairs correlated given the class under the posteriors of <paramref name="model"/> (when null,
    /// of <c>snorkel</c> with the class balance estimated from the votes).
    /// </summary>
    public static IReadOnlyList<DependentPair> Find(IMatrixSource matrix, ILabelModel? model = null, CancellationToken cancellation = default)
    {
        Guard.NotNull(matrix);
        model ??= new SnorkelTrainer(new SnorkelOptions { PriorEstimate = PriorEstimate.Em }).Fit(matrix, new FitContext { Seed = 0, Cancellation = cancellation });
        LabelModel.CheckCompatible(model, matrix);
        return DependencyModel.Detect(matrix, model, cancellation);
    }

    /// <summary>The command-line spelling: none, auto or A:B,C:D.</summary>
    public override string ToString() => Auto ? "auto" : Pairs.Count == 0 ? "none" : string.Join(",", Pairs.Select(p => $"{p.First}:{p.Second}"));

    /// <summary>The named pairs as column indices (first &lt; second, distinct); unknown names are an error with a suggestion.</summary>
    internal IReadOnlyList<(int First, int Second)> Resolve(IReadOnlyList<string> lfNames)
    {
        int Index(string name)
        {
            for (var j = 0; j < lfNames.Count; j++)
                if (string.Equals(lfNames[j], name, StringComparison.Ordinal)) return j;
            var near = Text.Suggest.Nearest(name, lfNames);
            throw new SnorkelerException($"snorkel --deps: no LF named '{name}'{(near is null ? "" : $"; did you mean '{near}'?")}");
        }
        return Pairs.Select(p => (Index(p.First), Index(p.Second))).Select(p => (Math.Min(p.Item1, p.Item2), Math.Max(p.Item1, p.Item2))).Distinct().ToArray();
    }
}

/// <summary>
/// The correction a dependency-aware model adds for one dependent pair when both LFs vote:
/// <c>log P(L_A = a, L_B = b | Y = c) − log P(L_A = a | Y = c) − log P(L_B = b | Y = c)</c>, so that two LFs that
/// copy each other count as one (for a duplicate the term cancels the second LF's factor) and two independent
/// ones as two (the term is 0).
/// </summary>
/// <param name="First">The first LF's column.</param>
/// <param name="Second">The second LF's column (greater than <paramref name="First"/>).</param>
/// <param name="LogRatio">k·k·k values, entry <c>(a·k + b)·k + c</c>; finite.</param>
public sealed record PairCorrection(int First, int Second, double[] LogRatio)
{
    /// <summary>The largest magnitude of a correction term (a pair seen a few times cannot dominate a row).</summary>
    public const double MaxLogRatio = 10;

    /// <summary>As JSON: {"lfs": [A, B], "log_ratio": [...]}.</summary>
    internal JsonObject ToJson(IReadOnlyList<string> lfNames) => new()
    {
        ["lfs"] = new JsonArray(lfNames[First], lfNames[Second]),
        ["log_ratio"] = Parameters.ToJson(LogRatio),
    };

    internal static PairCorrection FromJson(JsonNode? node, IReadOnlyList<string> lfNames, int k, string field)
    {
        if (node is not JsonObject json || json["lfs"] is not JsonArray { Count: 2 } lfs)
            throw new SnorkelerException($"parameter '{field}' must be an object with 'lfs' (two LF names) and 'log_ratio'");
        int Index(JsonNode? name)
        {
            var text = name?.ToString();
            for (var j = 0; j < lfNames.Count; j++)
                if (lfNames[j] == text) return j;
            throw new SnorkelerException($"parameter '{field}.lfs' names '{text}', which is not one of the model's LFs");
        }
        var (first, second) = (Index(lfs[0]), Index(lfs[1]));
        if (first >= second) throw new SnorkelerException($"parameter '{field}.lfs' must name two LFs in column order");
        var ratio = Parameters.Numbers(json, "log_ratio", k * k * k, -MaxLogRatio, MaxLogRatio);
        return new PairCorrection(first, second, ratio);
    }
}

/// <summary>
/// Finding and modelling dependent LF pairs for the moment-matching model (MeTaL's idea, Ratner et al. AAAI 2019):
/// the fit leaves the moments of a dependent pair out of the objective (their co-votes say nothing about each LF's
/// accuracy when they copy each other), and prediction multiplies the independent likelihood by a pairwise
/// correction along a forest of the dependencies (a junction tree whose cliques are the pairs), so the likelihood of
/// a group of dependent LFs is that of a tree-structured model given the class.
/// </summary>
internal static class DependencyModel
{
    /// <summary>Pseudo-rows of the shrinkage of a pair's joint towards independence.</summary>
    private const double Shrinkage = 10;

    /// <summary>The dependent pairs of <paramref name="train"/>, found with the posteriors of an independent model.</summary>
    public static IReadOnlyList<DependentPair> Detect(IMatrixSource train, ILabelModel independent, CancellationToken cancellation)
    {
        var k = independent.Schema.Cardinality;
        var posteriors = new List<double>();
        foreach (var block in train.ReadBlocks())
        {
            cancellation.ThrowIfCancellationRequested();
            var q = new double[block.RowCount * k];
            independent.PredictProbabilities(block, q);
            posteriors.AddRange(q);
        }
        return SourceDependencies.Find(train, posteriors.ToArray(), cancellation);
    }

    /// <summary>
    /// The pairs along which prediction corrects: a maximum spanning forest of the dependency graph (pairs earlier in
    /// <paramref name="pairs"/> are stronger), so that every group of dependent LFs is a tree.
    /// </summary>
    public static IReadOnlyList<(int First, int Second)> Forest(int lfCount, IReadOnlyList<(int First, int Second)> pairs)
    {
        var parent = Enumerable.Range(0, lfCount).ToArray();
        int Find(int x)
        {
            while (parent[x] != x) x = parent[x] = parent[parent[x]];
            return x;
        }
        var forest = new List<(int, int)>();
        foreach (var (a, b) in pairs)
        {
            int ra = Find(a), rb = Find(b);
            if (ra == rb) continue;
            parent[Math.Max(ra, rb)] = Math.Min(ra, rb);
            forest.Add((a, b));
        }
        return forest;
    }

    /// <summary>
    /// Estimates each forest pair's correction from the rows: soft counts of the pair's joint and single votes per
    /// class, weighted by the posterior of the fitted model <i>without</i> the LFs of the pair's group (so the pair
    /// does not vouch for itself), the joint shrunk towards independence with <see cref="Shrinkage"/> pseudo-rows.
    /// </summary>
    public static PairCorrection[] Corrections(IMatrixSource train, int k, double[] logPrior, double[] logMu, IReadOnlyList<(int First, int Second)> forest,
        IReadOnlyList<(int First, int Second)> masked, CancellationToken cancellation)
    {
        if (forest.Count == 0) return [];
        var m = train.LfNames.Count;
        var groups = SourceDependencies.Groups(m, masked.Select(p => new DependentPair(p.First, p.Second, DependencyKind.Correlated, 0, 0, 0, 0, double.NaN)));
        var groupOf = new int[m];
        for (var g = 0; g < groups.Count; g++)
            foreach (var j in groups[g]) groupOf[j] = g;
        var edgeGroups = forest.Select(e => groupOf[e.First]).Distinct().ToArray();
        var classTotals = new double[groups.Count * k];
        var single = new double[forest.Count * 2 * k * k]; // per edge and side: (a, c)
        var joint = new double[forest.Count * k * k * k];   // per edge: (a, b, c)
        var lfs = new int[m];
        var labels = new int[m];
        var label = Enumerable.Repeat(-1, m).ToArray();
        var score = new double[k];
        var q = new double[k];
        foreach (var block in train.ReadBlocks())
        {
            cancellation.ThrowIfCancellationRequested();
            for (var i = 0; i < block.RowCount; i++)
            {
                var count = block.CopyVotes(i, lfs, labels);
                logPrior.CopyTo(score, 0);
                for (var v = 0; v < count; v++)
                {
                    label[lfs[v]] = labels[v];
                    for (var c = 0; c < k; c++) score[c] += logMu[(lfs[v] * k + labels[v]) * k + c];
                }
                foreach (var g in edgeGroups)
                {
                    score.CopyTo(q, 0);
                    foreach (var j in groups[g])
                        if (label[j] >= 0)
                            for (var c = 0; c < k; c++) q[c] -= logMu[(j * k + label[j]) * k + c];
                    Numerics.SoftmaxInPlace(q);
                    for (var c = 0; c < k; c++) classTotals[g * k + c] += q[c];
                    for (var e = 0; e < forest.Count; e++)
                    {
                        var (a, b) = forest[e];
                        if (groupOf[a] != g) continue;
                        int la = label[a], lb = label[b];
                        if (la >= 0) for (var c = 0; c < k; c++) single[((e * 2) * k + la) * k + c] += q[c];
                        if (lb >= 0) for (var c = 0; c < k; c++) single[((e * 2 + 1) * k + lb) * k + c] += q[c];
                        if (la >= 0 && lb >= 0) for (var c = 0; c < k; c++) joint[((e * k + la) * k + lb) * k + c] += q[c];
                    }
                }
                for (var v = 0; v < count; v++) label[lfs[v]] = -1;
            }
        }
        var result = new PairCorrection[forest.Count];
        for (var e = 0; e < forest.Count; e++)
        {
            var g = groupOf[forest[e].First];
            var ratio = new double[k * k * k];
            for (var c = 0; c < k; c++)
            {
                var n = classTotals[g * k + c];
                for (var a = 0; a < k; a++)
                for (var b = 0; b < k; b++)
                {
                    // Add-half smoothing of the singles (k votes and abstain), the joint shrunk towards their product.
                    var pa = (single[((e * 2) * k + a) * k + c] + 0.5) / (n + 0.5 * (k + 1));
                    var pb = (single[((e * 2 + 1) * k + b) * k + c] + 0.5) / (n + 0.5 * (k + 1));
                    var pab = (joint[((e * k + a) * k + b) * k + c] + Shrinkage * pa * pb) / (n + Shrinkage);
                    ratio[(a * k + b) * k + c] = Math.Clamp(Math.Log(pab / (pa * pb)), -PairCorrection.MaxLogRatio, PairCorrection.MaxLogRatio);
                }
            }
            result[e] = new PairCorrection(forest[e].First, forest[e].Second, ratio);
        }
        return result;
    }

    /// <summary>"lf_a and lf_b" lines for the log.</summary>
    public static string Describe(IReadOnlyList<(int First, int Second)> pairs, IReadOnlyList<string> names)
        => string.Join(", ", pairs.Select(p => string.Create(CultureInfo.InvariantCulture, $"{names[p.First]}:{names[p.Second]}")));
}
