using Snorkeler.LabelModels.Internal;

namespace Snorkeler.LabelModels.Tests;

public sealed class NumericsTests
{
    [Fact]
    public void The_seeded_uniform_draw_is_numpys_first_random_number()
    {
        // np.random.seed(123); np.random.random() == 0.6964691855978616 (Snorkel scales μ_init by it)
        Mt19937.FirstUniform(123).ShouldBe(0.6964691855978616);
        // np.random.seed(0); np.random.random() == 0.5488135039273248
        Mt19937.FirstUniform(0).ShouldBe(0.5488135039273248);
    }

    [Fact]
    public void The_assignment_minimises_the_total_cost()
    {
        double[] cost = [4, 1, 3, 2, 0, 5, 3, 2, 2];
        Numerics.MinCostAssignment(cost, 3).ShouldBe([1, 0, 2]);
    }

    [Fact]
    public void The_permutation_fix_swaps_columns_when_LFs_vote_against_their_class()
    {
        // one LF, two classes, μ with the columns swapped: votes for 0 are likelier under class 1
        double[] mu = [0.1, 0.8, 0.7, 0.2];
        SnorkelTrainer.BreakPermutationSymmetry(mu, 1, 2, [0.5, 0.5]).ShouldBe([0.8, 0.1, 0.2, 0.7]);
        SnorkelTrainer.BreakPermutationSymmetry(mu, 1, 2, [0.3, 0.7]).ShouldBe(mu);
    }

    [Fact]
    public void Adding_several_values_at_a_time_gives_the_plain_loops_sums_to_the_bit()
    {
        // Given vote rows of every length from 1 to 50 (EBCC's k · M groups: 20, 30, 40, ... with remainders)
        var random = new Random(5);
        for (var n = 1; n <= 50; n++)
        {
            var target = Enumerable.Range(0, n).Select(_ => random.NextDouble() * 40 - 20).ToArray();
            var source = Enumerable.Range(0, n + 3).Select(_ => Math.Log(random.NextDouble())).ToArray();
            var expected = target.Select((t, i) => t + source[i]).ToArray();

            // When
            Numerics.AddTo(target, source);
            var scaling = expected.ToArray();
            Numerics.Scale(scaling, 0.37);

            // Then
            target.ShouldBe(expected);
            scaling.ShouldBe(expected.Select(t => t * 0.37).ToArray());
        }
    }

    [Fact]
    public void The_vector_softmax_equals_the_scalar_one_to_rounding_and_keeps_excluded_groups_at_zero()
    {
        // Given EBCC-like row scores (sums of expected log probabilities), some groups excluded (−∞, a clamped row)
        var random = new Random(11);
        for (var n = 1; n <= 50; n++)
        for (var draw = 0; draw < 20; draw++)
        {
            var scores = Enumerable.Range(0, n).Select(_ => -30 * random.NextDouble() - 5 * random.NextDouble() * n).ToArray();
            if (n > 2 && draw % 3 == 0)
                for (var x = 0; x < n; x += 2) scores[x] = double.NegativeInfinity;
            var expected = scores.ToArray();
            var original = scores.ToArray();
            var expectedLog = Numerics.LogSoftmaxInPlace(expected);
            for (var x = 0; x < n; x++) expected[x] = Math.Exp(expected[x]);

            // When
            var log = Numerics.SoftmaxReturningLogNormaliser(scores);

            // Then
            log.ShouldBe(expectedLog, 1e-13 * Math.Abs(expectedLog) + 1e-15);
            for (var x = 0; x < n; x++)
            {
                // The scalar form's exp(s − log Σ) carries the rounding of s − log Σ, about |s| ulps of its argument, into the result
                if (expected[x] == 0) scores[x].ShouldBe(0);
                else scores[x].ShouldBe(expected[x], 4e-16 * (Math.Abs(original[x]) + 4) * expected[x]);
            }
            scores.Sum().ShouldBe(1, 1e-14);
        }
    }

    [Fact]
    public void A_value_gets_the_same_vector_exponential_wherever_it_sits_in_the_row()
    {
        // Given one value at every position of rows of 1 to 20 values, the rest zero
        const double value = -3.7205128205128204;
        var first = new[] { value };
        Numerics.ExpInPlace(first);
        first[0].ShouldBe(Math.Exp(value), 4e-16 * Math.Exp(value));
        for (var n = 1; n <= 20; n++)
        for (var at = 0; at < n; at++)
        {
            var row = new double[n];
            row[at] = value;

            // When
            Numerics.ExpInPlace(row);

            // Then
            row[at].ShouldBe(first[0]);
        }
    }
}
