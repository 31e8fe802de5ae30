using Snorkeler.Analysis;
using Snorkeler.Core.Tests.Support;

namespace Snorkeler.Core.Tests;

public class MetricsTests
{
    // Rows: (p_HAM, p_SPAM, gold). The last row has no gold label and is left out.
    private static readonly (double Ham, double Spam, int Gold)[] Example =
    [
        (0.8, 0.2, 0), // right
        (0.5, 0.5, 1), // tie
        (0.3, 0.7, 0), // wrong
        (0.1, 0.9, 1), // right
        (0.6, 0.4, -1),
    ];

    private static LabelScores Score(TieBreak tieBreak, int seed = 0)
    {
        var metrics = new MetricsAccumulator(Some.HamSpam, tieBreak, seed);
        var probabilities = Example.SelectMany(r => new[] { r.Ham, r.Spam }).ToArray();
        metrics.Add(probabilities, Example.Select(r => r.Gold).ToArray(), firstRow: 0);
        return metrics.Result();
    }

    [Fact]
    public void Scores_of_a_hand_computed_example()
    {
        // When
        var s = Score(TieBreak.Abstain);

        // Then
        s.Rows.ShouldBe(4);
        s.Accuracy.ShouldBe(0.5);
        s.ExpectedAccuracy.ShouldBe((1 + 0.5 + 0 + 1) / 4.0, 1e-12);
        s.Coverage.ShouldBe(0.75);
        s.LogLoss.ShouldBe(-(Math.Log(0.8) + Math.Log(0.5) + Math.Log(0.3) + Math.Log(0.9)) / 4, 1e-12);
        s.Brier.ShouldBe((0.08 + 0.5 + 0.98 + 0.02) / 4, 1e-12);
        s.Classes[0].ShouldBe(new ClassScores("HAM", Precision: 1.0, Recall: 0.5, Support: 2));
        s.Classes[1].ShouldBe(new ClassScores("SPAM", Precision: 0.5, Recall: 0.5, Support: 2));
        s.Classes[0].F1.ShouldBe(2 / 3.0, 1e-12);
        s.MacroF1.ShouldBe((2 / 3.0 + 0.5) / 2, 1e-12);
        s.MicroPrecision.ShouldBe(2 / 3.0, 1e-12);
        s.MicroRecall.ShouldBe(0.5);
        s.MicroF1.ShouldBe(4 / 7.0, 1e-12);
    }

    [Fact]
    public void A_tie_broken_by_abstaining_gives_minus_one_and_counts_as_wrong()
    {
        HardLabels.Choose([0.5, 0.5], 0, TieBreak.Abstain).ShouldBe(-1);
        HardLabels.Choose([0.4, 0.3, 0.3], 0, TieBreak.Abstain).ShouldBe(0);
        HardLabels.Choose([0.5, 0.5 + 1e-6], 0, TieBreak.Abstain).ShouldBe(-1);
        HardLabels.Choose([0.5, 0.5 + 1e-4], 0, TieBreak.Abstain).ShouldBe(1);
        Score(TieBreak.Abstain).Accuracy.ShouldBe(0.5);
    }

    [Fact]
    public void Expected_accuracy_credits_one_over_the_number_of_tied_classes()
    {
        var metrics = new MetricsAccumulator(Some.Classes(3));
        metrics.Add([1 / 3.0, 1 / 3.0, 1 / 3.0], 2, 0);
        metrics.Add([0.4, 0.4, 0.2], 1, 1);
        metrics.Add([0.4, 0.4, 0.2], 2, 2);

        metrics.Result().ExpectedAccuracy.ShouldBe((1 / 3.0 + 0.5 + 0) / 3, 1e-12);
        HardLabels.TopCount([0.4, 0.4, 0.2], 1, out var contains).ShouldBe(2);
        contains.ShouldBeTrue();
    }

    [Fact]
    public void The_random_tie_break_is_a_function_of_the_row_index_and_seed()
    {
        var tie = new[] { 0.5, 0.5 };

        for (long row = 0; row < 100; row++)
            HardLabels.Choose(tie, row, TieBreak.Random, seed: 3).ShouldBe(HardLabels.Choose(tie, row, TieBreak.Random, seed: 3));
        Enumerable.Range(0, 100).Select(r => HardLabels.Choose(tie, r, TieBreak.Random, seed: 1))
            .ShouldNotBe(Enumerable.Range(0, 100).Select(r => HardLabels.Choose(tie, r, TieBreak.Random, seed: 2)));
        HardLabels.Choose([0.2, 0.8], 5, TieBreak.Random).ShouldBe(1);
        Score(TieBreak.Random, seed: 4).Accuracy.ShouldBe(Score(TieBreak.Random, seed: 4).Accuracy);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void The_random_tie_break_splits_ties_roughly_evenly_among_the_tied_classes(int tied)
    {
        // Given: the tied classes are the last ones; class 0 has lower probability
        var p = new double[tied + 1];
        p[0] = 0.1;
        for (var c = 1; c <= tied; c++) p[c] = 0.9 / tied;

        // When
        var counts = new int[tied + 1];
        for (long row = 0; row < 30_000; row++) counts[HardLabels.Choose(p, row, TieBreak.Random, seed: 7)]++;

        // Then
        counts[0].ShouldBe(0);
        for (var c = 1; c <= tied; c++) (counts[c] / 30_000.0).ShouldBe(1.0 / tied, 0.02);
    }

    [Fact]
    public void The_true_random_tie_break_picks_one_of_the_tied_classes()
    {
        for (var row = 0; row < 200; row++)
            HardLabels.Choose([0.1, 0.45, 0.45], row, TieBreak.TrueRandom).ShouldBeOneOf(1, 2);
    }

    [Fact]
    public void Rows_are_scored_one_at_a_time_or_in_blocks_alike()
    {
        var single = new MetricsAccumulator(Some.HamSpam, TieBreak.Random, 1);
        for (var i = 0; i < Example.Length; i++) single.Add([Example[i].Ham, Example[i].Spam], Example[i].Gold, i);

        single.Result().ShouldBe(Score(TieBreak.Random, 1), new ScoresComparer());
    }

    [Fact]
    public void Log_loss_clips_a_zero_probability()
    {
        var metrics = new MetricsAccumulator(Some.HamSpam);
        metrics.Add([1.0, 0.0], 1, 0);

        metrics.Result().LogLoss.ShouldBe(-Math.Log(1e-15), 1e-9);
    }

    [Fact]
    public void Scoring_no_rows_gives_zeros_not_nan()
    {
        var s = new MetricsAccumulator(Some.HamSpam).Result();

        s.Rows.ShouldBe(0);
        new[] { s.Accuracy, s.ExpectedAccuracy, s.LogLoss, s.Brier, s.MacroF1, s.MicroF1 }.ShouldAllBe(v => v == 0);
    }

    [Fact]
    public void A_row_with_the_wrong_number_of_probabilities_is_rejected()
    {
        Should.Throw<ArgumentException>(() => new MetricsAccumulator(Some.HamSpam).Add([1.0], 0, 0)).Message.ShouldContain("1 probabilities for 2 classes");
    }

    private sealed class ScoresComparer : IEqualityComparer<LabelScores>
    {
        public bool Equals(LabelScores? x, LabelScores? y)
            => x!.Rows == y!.Rows && x.Accuracy == y.Accuracy && x.ExpectedAccuracy == y.ExpectedAccuracy && x.LogLoss == y.LogLoss
               && x.Brier == y.Brier && x.Classes.SequenceEqual(y.Classes) && x.MicroPrecision == y.MicroPrecision;

        public int GetHashCode(LabelScores obj) => obj.Rows.GetHashCode();
    }
}
