namespace Snorkeler.LabelModels.Crowd;

/// <summary>
/// The evidence lower bound of a fitted EBCC model on its training votes, so that EBCC fits can be compared
/// with each other (restarts) and with the other variational models (<c>auto</c> without gold labels):
/// <c>Σ_i log Σ_{c,g} exp(E log τ_c + E log π_{c,g} + Σ_j E log V_j[c, g, y_ij]) − KL(q(τ) ‖ p(τ)) − Σ_c KL(q(π_c) ‖ p(π_c))
/// − Σ_{j,c,g} KL(q(V_j[c, g]) ‖ p(V_j[c, g]))</c>, the bound the mean-field updates climb, evaluated at the fitted
/// Dirichlet posteriors with the priors it was fitted with (class proportions' α, subtype concentration, confusion prior (class, vote)).
/// </summary>
internal static class EbccEvidence
{
    public static double Of(EbccModel model, double[] classPrior, double subtypeConcentration, double[] confusionPrior, CrowdData data)
    {
        var (classCounts, subtypeCounts, confusion, fixedPrior) = model.Posterior;
        int k = data.K, m = data.M, g = model.Subtypes, groups = k * g;
        var logClass = new double[k];
        var logSubtype = new double[groups];
        var logConfusion = new double[confusion.Length];
        EbccTrainer.ExpectedLogs(classCounts, subtypeCounts, confusion, fixedPrior, m, k, g, logClass, logSubtype, logConfusion);
        var stripes = Stripes.Count(data.Rows);
        var partial = new double[stripes];
        Stripes.For(data.Rows, (s, from, to) =>
        {
            var scores = new double[groups];
            var sum = 0.0;
            for (var r = from; r < to; r++)
            {
                for (var c = 0; c < k; c++)
                    for (var x = 0; x < g; x++) scores[c * g + x] = logClass[c] + logSubtype[c * g + x];
                for (var e = data.Starts[r]; e < data.Starts[r + 1]; e++)
                {
                    var at = (data.Sources[e] * k + data.Labels[e]) * groups;
                    for (var x = 0; x < groups; x++) scores[x] += logConfusion[at + x];
                }
                var max = scores.Max();
                var total = 0.0;
                foreach (var v in scores) total += Math.Exp(v - max);
                sum += data.Weights[r] * (max + Math.Log(total));
            }
            partial[s] = sum;
        });
        var bound = partial.Sum();
        if (fixedPrior is null) bound -= Dirichlet.Kl(classCounts, classPrior);
        var subtypePrior = Enumerable.Repeat(subtypeConcentration / g, g).ToArray();
        for (var c = 0; c < k; c++) bound -= Dirichlet.Kl(subtypeCounts.AsSpan(c * g, g), subtypePrior);
        var row = new double[k];
        for (var j = 0; j < m; j++)
        for (var c = 0; c < k; c++)
        for (var x = 0; x < g; x++)
        {
            for (var a = 0; a < k; a++) row[a] = confusion[(j * k + a) * groups + c * g + x];
            bound -= Dirichlet.Kl(row, confusionPrior.AsSpan(c * k, k));
        }
        return bound;
    }
}
