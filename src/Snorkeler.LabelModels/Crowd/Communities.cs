using MathNet.Numerics;

namespace Snorkeler.LabelModels.Crowd;

/// <summary>
/// The prior over annotators' confusion matrices in IBCC: a mixture of G Dirichlet priors ("communities"),
/// each annotator belonging to one, <c>z_j ~ ρ</c>, <c>π_j[c, ·] | z_j = g ~ Dir(α0_g[c, ·])</c>. With G = 1 and
/// learning on it is one prior shared by all annotators, learned from them (empirical Bayes); with learning off,
/// the fixed prior. Mean-field factors <c>q(z_j) = r_j</c> and <c>q(π_j[c]) = Dir(α_j[c])</c>:
/// <list type="bullet">
/// <item><c>α_j[c, a] = Σ_g r_jg α0_g[c, a] + N_j[c, a]</c> (the log density of a Dirichlet is linear in log π, so the
/// mixture prior stays conjugate under mean field);</item>
/// <item><c>r_jg ∝ ρ_g exp(Σ_c log B(α0_g[c])⁻¹ + Σ_a (α0_g[c, a] − 1) E[log π_j[c, a]])</c>;</item>
/// <item><c>ρ_g = Σ_j r_jg / J</c> and each α0_g[c] by Minka's fixed point on the r-weighted mean of E[log π_j[c]]
/// (type-II maximum likelihood, which raises the ELBO).</item>
/// </list>
/// Communities start apart: community g's diagonal pseudo-count falls from 2 × the configured diagonal
/// (careful workers) to 1 (answers that ignore the truth), so the fit is deterministic.
/// </summary>
internal sealed class Communities
{
    private readonly CrowdData _data;
    private readonly int _g;
    private readonly int _k;
    private readonly bool _learn;
    private readonly double[] _prior;   // (g, c, a): k × k per community
    private readonly double[] _weights; // ρ
    private readonly double[] _r;       // (j, g)
    private readonly int _annotators;

    public Communities(CrowdData data, int communities, double diagonal, double offDiagonal, bool learn)
    {
        _data = data;
        _k = data.K;
        for (var j = 0; j < data.M; j++) if (!data.IsLf[j]) _annotators++;
        // Without enough annotators to learn a population from: one community, the fixed prior.
        _learn = learn && _annotators >= CrowdFit.MinPooledSources;
        _g = _learn ? Math.Max(1, communities) : 1;
        _prior = new double[_g * _k * _k];
        for (var g = 0; g < _g; g++)
        {
            var d = _g == 1 ? diagonal : 1 + (2 * diagonal - 1) * (_g - 1 - g) / (_g - 1);
            for (var c = 0; c < _k; c++)
            for (var a = 0; a < _k; a++)
                _prior[(g * _k + c) * _k + a] = a == c ? d : offDiagonal;
        }
        _weights = Enumerable.Repeat(1.0 / _g, _g).ToArray();
        _r = new double[data.M * _g];
        Array.Fill(_r, 1.0 / _g);
    }

    /// <summary>Community weights ρ.</summary>
    public IReadOnlyList<double> Weights => _weights;

    /// <summary>Annotator j's posterior α_j[c, a] = Σ_g r_jg α0_g[c, a] + counts, written into <paramref name="alpha"/> ((j, c, a) with width k + 1).</summary>
    public void Posterior(int j, double[] counts, double[] alpha)
    {
        var k = _k;
        var w = k + 1;
        for (var c = 0; c < k; c++)
        {
            var row = (j * k + c) * w;
            for (var a = 0; a < k; a++)
            {
                var prior = 0.0;
                for (var g = 0; g < _g; g++) prior += _r[j * _g + g] * _prior[(g * k + c) * k + a];
                alpha[row + a] = prior + counts[row + a];
            }
            alpha[row + k] = 0;
        }
    }

    /// <summary>Updates the memberships r, the weights ρ and the priors α0 from the annotators' E[log π] (coordinate ascent on the ELBO).</summary>
    public void Learn(double[] elogPi)
    {
        if (!_learn) return;
        var k = _k;
        var w = k + 1;
        var norms = new double[_g * k];
        for (var g = 0; g < _g; g++)
            for (var c = 0; c < k; c++) norms[g * k + c] = LogNorm(_prior.AsSpan((g * k + c) * k, k));
        if (_g > 1)
        {
            var scores = new double[_g];
            for (var j = 0; j < _data.M; j++)
            {
                if (_data.IsLf[j]) continue;
                for (var g = 0; g < _g; g++)
                {
                    var s = Math.Log(_weights[g]);
                    for (var c = 0; c < k; c++)
                    {
                        s += norms[g * k + c];
                        for (var a = 0; a < k; a++) s += (_prior[(g * k + c) * k + a] - 1) * elogPi[(j * k + c) * w + a];
                    }
                    scores[g] = s;
                }
                CrowdFit.Normalise(scores, _r.AsSpan(j * _g, _g));
            }
            for (var g = 0; g < _g; g++)
            {
                var total = 0.0;
                for (var j = 0; j < _data.M; j++) if (!_data.IsLf[j]) total += _r[j * _g + g];
                _weights[g] = Math.Max(total / _annotators, 1e-10);
            }
        }
        var meanLog = new double[k];
        for (var g = 0; g < _g; g++)
        {
            var mass = 0.0;
            for (var j = 0; j < _data.M; j++) if (!_data.IsLf[j]) mass += _r[j * _g + g];
            if (mass < 1e-6) continue;
            for (var c = 0; c < k; c++)
            {
                Array.Clear(meanLog);
                for (var j = 0; j < _data.M; j++)
                {
                    if (_data.IsLf[j]) continue;
                    var weight = _r[j * _g + g] / mass;
                    for (var a = 0; a < k; a++) meanLog[a] += weight * elogPi[(j * k + c) * w + a];
                }
                Dirichlet.FitToMeanLog(_prior.AsSpan((g * k + c) * k, k), meanLog);
            }
        }
    }

    /// <summary>
    /// The annotators' part of the ELBO: Σ_j E[log p(z_j)] + E[log p(π_j | z_j)] − E[log q(z_j)] − E[log q(π_j)]
    /// (for one community, −Σ_j KL(q(π_j) ‖ prior)).
    /// </summary>
    public double Bound(double[] alpha, double[] elogPi)
    {
        if (_annotators == 0) return 0;
        var k = _k;
        var w = k + 1;
        var norms = new double[_g * k];
        for (var g = 0; g < _g; g++)
            for (var c = 0; c < k; c++) norms[g * k + c] = LogNorm(_prior.AsSpan((g * k + c) * k, k));
        var bound = 0.0;
        for (var j = 0; j < _data.M; j++)
        {
            if (_data.IsLf[j]) continue;
            for (var g = 0; g < _g; g++)
            {
                var r = _r[j * _g + g];
                if (r <= 0) continue;
                var s = Math.Log(_weights[g]) - Math.Log(r);
                for (var c = 0; c < k; c++)
                {
                    s += norms[g * k + c];
                    for (var a = 0; a < k; a++) s += (_prior[(g * k + c) * k + a] - 1) * elogPi[(j * k + c) * w + a];
                }
                bound += r * s;
            }
            for (var c = 0; c < k; c++)
            {
                var row = alpha.AsSpan((j * k + c) * w, k);
                bound -= LogNorm(row);
                for (var a = 0; a < k; a++) bound -= (row[a] - 1) * elogPi[(j * k + c) * w + a];
            }
        }
        return bound;
    }

    /// <summary>log(1 / B(α)) = lnΓ(Σα) − Σ lnΓ(α_a), the log normaliser of a Dirichlet density.</summary>
    private static double LogNorm(ReadOnlySpan<double> alpha)
    {
        var sum = 0.0;
        var result = 0.0;
        foreach (var a in alpha)
        {
            sum += a;
            result -= SpecialFunctions.GammaLn(a);
        }
        return result + SpecialFunctions.GammaLn(sum);
    }
}
