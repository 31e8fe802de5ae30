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
}
