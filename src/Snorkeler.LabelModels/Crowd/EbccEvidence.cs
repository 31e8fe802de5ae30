namespace Snorkeler.LabelModels.Crowd;

/// <summary>
/// The evidence lower bound of EBCC, so that its fits can be compared with each other (restarts) and its iterations
/// stopped when the bound settles: <c>Σ_i log Σ_{c,g} exp(E log τ_c + E log π_{c,g} + Σ_j E log V_j[c, g, y_ij])
/// − KL(q(τ) ‖ p(τ)) − Σ_c KL(q(π_c) ‖ p(π_c)) − Σ_{j,c,g} KL(q(V_j[c, g]) ‖ p(V_j[c, g]))</c>, the bound the mean-field
/// updates climb, at the current Dirichlet posteriors with the task posteriors ζ optimal for them. The first sum is
/// the log normaliser of each row's E-step (<see cref="EbccTrainer.RowScores"/>); this class gives the rest.
/// </summary>
internal static class EbccEvidence
{
    /// <summary>
    /// The Kullback–Leibler terms: the class proportions' (unless the prior is given), each class's subtype weights' and
    /// each confusion row's posterior from its prior (class proportions' α, subtype concentration split over the
    /// subtypes, confusion prior (class, vote)); the confusion rows come from <paramref name="votes"/> (cast rows in
    /// <paramref name="confusion"/>, each row's total and its digamma in <paramref name="sums"/>, <paramref name="psiSums"/>).
    /// </summary>
    public static double Divergence(double[] classCounts, double[] subtypeCounts, double[]? fixedPrior, double[] classPrior, double[] subtypePrior,
        EbccVotes votes, double[] confusion, double[] sums, double[] psiSums, int k, int g)
    {
        var divergence = fixedPrior is null ? Dirichlet.Kl(classCounts, classPrior) : 0;
        for (var c = 0; c < k; c++) divergence += Dirichlet.Kl(subtypeCounts.AsSpan(c * g, g), subtypePrior);
        return votes.Divergence(divergence, confusion, sums, psiSums);
    }
}
