using MathNet.Numerics;
using Snorkeler.LabelModels.Internal;

namespace Snorkeler.LabelModels.Crowd;

/// <summary>
/// The confusion rows <c>V_j[·, ·, a]</c> (source j, vote a) that EBCC's training answers cast. A row no answer casts gets
/// no soft counts, so its Dirichlet posterior stays the prior (a_v on its own class, b_v elsewhere) through the fit: only
/// the cast rows are stored and updated, each in its slot, and an iteration costs O(cast votes · k · M) plus
/// O(m · k · M) for the per-row totals, rather than O(m · k² · M) digammas. Every value is the one the dense updates
/// compute, by the same operations in the same order, so the fit is the same to the bit.
/// </summary>
internal sealed class EbccVotes
{
    private readonly double _diagonal, _offDiagonal;
    private readonly int _k, _g;

    public EbccVotes(CrowdData data, int m, int k, int g, double diagonal, double offDiagonal)
    {
        (_k, _g, _diagonal, _offDiagonal) = (k, g, diagonal, offDiagonal);
        var cast = new CastVotes(data.Sources, data.Labels, m, k);
        (Slots, Cast, Count) = (cast.Slot, cast.Votes, cast.Count);
    }

    /// <summary>The slot of row (source j, vote a) at <c>j·k + a</c>, or −1 where no answer casts it.</summary>
    public int[] Slots { get; }

    /// <summary>The votes each source casts, in increasing order.</summary>
    public int[][] Cast { get; }

    /// <summary>Cast rows.</summary>
    public int Count { get; }

    /// <summary>The prior pseudo-count of vote <paramref name="a"/> when the class is <paramref name="c"/>.</summary>
    public double Prior(int c, int a) => a == c ? _diagonal : _offDiagonal;

    /// <summary>
    /// Every row's posterior, layout (source, vote, class, subtype), from the cast rows' (<paramref name="confusion"/>, slot
    /// layout): a never-cast row holds its prior.
    /// </summary>
    public double[] Dense(double[] confusion)
    {
        var groups = _k * _g;
        var dense = new double[Slots.Length * groups];
        for (var row = 0; row < Slots.Length; row++)
        {
            var target = dense.AsSpan(row * groups, groups);
            if (Slots[row] >= 0)
            {
                confusion.AsSpan(Slots[row] * groups, groups).CopyTo(target);
                continue;
            }
            var a = row % _k;
            for (var c = 0; c < _k; c++) target.Slice(c * _g, _g).Fill(Prior(c, a));
        }
        return dense;
    }

    /// <summary>
    /// Source j's Dirichlet totals over its votes, for every (class, subtype) of <paramref name="totals"/> (k · M):
    /// <c>Σ_a V_j[c, g, a]</c> added from vote 0 up, a never-cast row adding its prior.
    /// </summary>
    public void Totals(int j, double[] confusion, Span<double> totals)
    {
        var groups = _k * _g;
        totals.Clear();
        for (var a = 0; a < _k; a++)
        {
            var slot = Slots[j * _k + a];
            if (slot >= 0)
            {
                Numerics.AddTo(totals, confusion.AsSpan(slot * groups, groups));
                continue;
            }
            Numerics.AddConstant(totals[..(a * _g)], _offDiagonal);
            Numerics.AddConstant(totals.Slice(a * _g, _g), _diagonal);
            Numerics.AddConstant(totals[((a + 1) * _g)..], _offDiagonal);
        }
    }

    /// <summary>
    /// <paramref name="divergence"/> plus <c>Σ_{j,c,g} KL(q(V_j[c, g]) ‖ p(V_j[c, g]))</c>, added one row at a time (as the dense sum did), from the cast rows' posteriors (<paramref name="confusion"/>, slot
    /// layout) and each row's total and its digamma (<paramref name="sums"/>, <paramref name="psiSums"/>, m · k · M): a
    /// never-cast entry equals its prior and adds nothing, as in <see cref="Dirichlet.Kl"/>, whose sums and order this follows.
    /// </summary>
    public double Divergence(double divergence, double[] confusion, double[] sums, double[] psiSums)
    {
        int k = _k, g = _g, groups = k * g;
        var priorTotal = new double[k];
        for (var c = 0; c < k; c++)
        {
            var sb = 0.0;
            for (var a = 0; a < k; a++) sb += Prior(c, a);
            priorTotal[c] = SpecialFunctions.GammaLn(sb);
        }
        for (var j = 0; j < Cast.Length; j++)
        for (var c = 0; c < k; c++)
        for (var x = 0; x < g; x++)
        {
            var row = c * g + x;
            var kl = SpecialFunctions.GammaLn(sums[j * groups + row]) - priorTotal[c];
            foreach (var a in Cast[j])
            {
                double alpha = confusion[Slots[j * k + a] * groups + row], beta = Prior(c, a);
                if (alpha == beta) continue;
                kl += SpecialFunctions.GammaLn(beta) - SpecialFunctions.GammaLn(alpha) + (alpha - beta) * (SpecialFunctions.DiGamma(alpha) - psiSums[j * groups + row]);
            }
            divergence += kl;
        }
        return divergence;
    }
}
