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
    public void The_assignment_is_a_cheapest_permutation_when_some_columns_or_rows_are_one_number()
    {
        // Given small cost matrices, some with columns (classes no source votes) or rows of one repeated number
        var random = new Random(11);
        for (var round = 0; round < 400; round++)
        {
            var n = random.Next(1, 7);
            var cost = Enumerable.Range(0, n * n).Select(_ => (double)random.Next(-4, 5)).ToArray();
            var flat = random.Next(0, n + 1);
            for (var f = 0; f < flat; f++)
            {
                var line = random.Next(n);
                var value = (double)random.Next(-2, 3);
                for (var i = 0; i < n; i++)
                    if (round % 2 == 0) cost[i * n + line] = value;
                    else cost[line * n + i] = value;
            }

            // When the assignment is made
            var assignment = Numerics.MinCostAssignment(cost, n);

            // Then it is a permutation whose total is the least over all permutations
            assignment.OrderBy(x => x).ShouldBe(Enumerable.Range(0, n), $"round {round}");
            Total(cost, n, assignment).ShouldBe(Permutations(n).Min(p => Total(cost, n, p)), $"round {round}");
        }
    }

    [Fact]
    public void Columns_of_one_number_keep_their_own_rows_and_the_rest_take_the_rows_left_in_order()
    {
        // Given columns 2 and 3 all zero (classes no source votes), column 0 cheapest at row 2 and column 1 at row 1
        double[] cost =
        [
            0, 0, 0, 0,
            0, -5, 0, 0,
            -7, 0, 0, 0,
            0, 0, 0, 0,
        ];

        // Then rows 2 and 1 take columns 0 and 1, row 3 keeps its own column, and row 0 takes the column left
        Numerics.MinCostAssignment(cost, 4).ShouldBe([2, 1, 0, 3]);
    }

    [Fact]
    public void Thousands_of_columns_few_of_which_differ_are_assigned_like_the_diagonal_they_favour()
    {
        // Given 3,000 classes of which the first 40 are voted, each agreeing most with itself
        const int n = 3000;
        var cost = new double[n * n];
        for (var y = 0; y < 40; y++)
        for (var x = 0; x < n; x++)
            cost[x * n + y] = x == y ? -10 : -(x % 7) / 10.0;

        // Then every class keeps its name
        Numerics.MinCostAssignment(cost, n).ShouldBe(Enumerable.Range(0, n));
    }

    private static double Total(double[] cost, int n, IReadOnlyList<int> assignment)
        => Enumerable.Range(0, n).Sum(i => cost[i * n + assignment[i]]);

    private static IEnumerable<int[]> Permutations(int n)
    {
        if (n == 0)
        {
            yield return [];
            yield break;
        }
        foreach (var rest in Permutations(n - 1))
            for (var at = 0; at <= rest.Length; at++)
                yield return [.. rest[..at], n - 1, .. rest[at..]];
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
    public void Adding_one_value_many_times_at_once_gives_the_plain_loops_sum_to_the_bit()
    {
        // Given sums and values of every sign and scale: small and large against each other, values a half unit of the sum
        // (ties), zeros, subnormals and non-finite numbers
        var random = new Random(55);
        double Any() => random.Next(12) switch
        {
            0 => 0.0,
            1 => -0.0,
            2 => double.Epsilon * random.Next(1, 1000),
            3 => random.Next(2) == 0 ? double.PositiveInfinity : double.NaN,
            _ => (random.NextDouble() - 0.5) * Math.Pow(2, random.Next(-60, 60)),
        };
        for (var round = 0; round < 5_000; round++)
        {
            var sum = Any();
            var x = random.Next(8) switch
            {
                0 => Math.ScaleB(1, Math.ILogB(sum) - 53) * (random.Next(2) == 0 ? 1 : -3), // half a unit of the sum, or three halves
                1 => -sum / random.Next(1, 5000),
                _ => Any() * (random.Next(3) == 0 ? 1 : 1e-9 * sum),
            };
            var times = random.Next(4) == 0 ? random.Next(0, 50) : random.Next(0, 20_000);

            // When added at once, and one at a time
            var plain = sum;
            for (var i = 0; i < times; i++) plain += x;
            var atOnce = Numerics.AddRepeatedly(sum, x, times);

            // Then the two sums are the same double
            BitConverter.DoubleToInt64Bits(atOnce).ShouldBe(BitConverter.DoubleToInt64Bits(plain), $"round {round}: {sum:R} + {times} × {x:R}");
        }

        // And at a binade's lower edge (the sum a power of two, x a quarter to a half unit towards zero, where the spacing below
        // is half a unit: one addition moves the sum, and the next ones keep moving it)
        foreach (var exponent in new[] { -40, -1, 0, 1, 30 })
        foreach (var share in new[] { 0.25, 0.26, 0.3, 0.49, 0.5 })
        foreach (var sign in new[] { 1.0, -1.0 })
        foreach (var times in new[] { 1, 17, 100, 20_000 })
        {
            var sum = sign * Math.ScaleB(1, exponent);
            var x = -sign * share * Math.ScaleB(1, exponent - 52);
            var plain = sum;
            for (var i = 0; i < times; i++) plain += x;
            BitConverter.DoubleToInt64Bits(Numerics.AddRepeatedly(sum, x, times)).ShouldBe(BitConverter.DoubleToInt64Bits(plain), $"{sum:R} + {times} × {x:R}");
        }
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
