using Snorkeler.LabelModels.Tests.Support;

namespace Snorkeler.LabelModels.Tests;

public sealed class FlyingSquidTests
{
    [Theory]
    [InlineData(1e16)]
    [InlineData(1e100)]
    [InlineData(1e-100)]
    public void A_prior_whose_shares_are_far_apart_gives_finite_probabilities_summing_to_one(double ratio)
    {
        // Given LFs of three accuracies and a given prior whose second class is 'ratio' times the first (before: from about
        // 1e16 apart, 1 - p rounded to 0 and the fit failed with "the base scores must be 2 finite numbers")
        var set = Generated.OneCoin(2000, [0.9, 0.8, 0.7, 0.65], 2, coverage: 0.6, skew: 0.5, seed: 11);

        // When flyingsquid is fitted with that prior
        var model = new FlyingSquidTrainer().Fit(set.Matrix, FitContext.WithSeed(1) with { Prior = ClassPrior.Validate([1, ratio], 2) });

        // Then every probability is a finite number, each row's summing to 1, and the prior is the one given
        Some.CheckedProbabilities(model, set.Matrix);
        model.ClassPrior[1].ShouldBe(ratio / (1 + ratio), 1e-12);
    }
}
