using Snorkeler.Analysis;

namespace Snorkeler.Core.Tests;

/// <summary>The rows behind every number: each bucket on a small hand-checked matrix, and deterministic samples.</summary>
public class RowBucketTests
{
    private static readonly LabelSchema Tickets = new(["Billing", "Technical", "Account"]);

    // The votes of the CLI tests' ticket data (Support/Tickets.cs): refund, invoice, error_code, password, login; gold last.
    private static readonly int[,] Votes =
    {
        { 0, 0, -1, -1, -1 },
        { -1, -1, 1, -1, -1 },
        { -1, -1, -1, 2, 1 },
        { 0, -1, -1, -1, -1 },
        { -1, -1, -1, -1, -1 },
        { -1, 0, -1, -1, -1 },
        { -1, -1, 1, -1, 1 },
        { -1, -1, -1, 2, -1 },
    };

    private static readonly int[] Gold = [0, 1, 2, 0, -1, 2, 1, 2];

    private static LabelMatrix Matrix => LabelMatrix.Create(Tickets, ["refund", "invoice", "error_code", "password", "login"], Votes, Gold);

    public static TheoryData<string, RowQuery, long[]> Buckets => new()
    {
        { "an LF fires", new RowQuery { Lfs = ["invoice"] }, [1, 6] },
        { "an LF is right", new RowQuery { Lfs = ["invoice"], Correct = true }, [1] },
        { "an LF is wrong", new RowQuery { Lfs = ["invoice"], Correct = false }, [6] },
        { "an LF abstains", new RowQuery { Lfs = ["login"], Vote = "ABSTAIN" }, [1, 2, 4, 5, 6, 8] },
        { "an LF votes a class where gold is another", new RowQuery { Lfs = ["login"], Vote = "Technical", Gold = "Account" }, [3] },
        { "two LFs conflict", new RowQuery { Lfs = ["password", "login"], Conflict = true }, [3] },
        { "two LFs that agree do not conflict", new RowQuery { Lfs = ["error_code", "login"], Conflict = true }, [] },
        { "an LF conflicts with another", new RowQuery { Lfs = ["login"], Conflict = true }, [3] },
        { "any conflict", new RowQuery { Conflict = true }, [3] },
        { "no LF votes", new RowQuery { Uncovered = true }, [5] },
        { "no gold label", new RowQuery { Gold = "none" }, [5] },
        { "gold in any case", new RowQuery { Gold = "account" }, [3, 6, 8] },
        { "some LF votes a class", new RowQuery { Vote = "Billing" }, [1, 4, 6] },
        { "some LF is wrong", new RowQuery { Correct = false }, [3, 6] },
        { "every voting LF is right", new RowQuery { Correct = true }, [1, 2, 4, 7, 8] },
        { "every row", new RowQuery(), [1, 2, 3, 4, 5, 6, 7, 8] },
    };

    [Theory]
    [MemberData(nameof(Buckets))]
    public void Each_bucket_picks_exactly_its_rows(string bucket, RowQuery query, long[] rows)
    {
        var sample = RowBuckets.Sample(Matrix, query, limit: 100);

        sample.Matched.ShouldBe(rows.Length, bucket);
        sample.Rows.Select(r => r.Index + 1).ShouldBe(rows, bucket);
    }

    [Fact]
    public void Buckets_about_the_label_model_use_its_probabilities()
    {
        // Given: a "model" that is sure of Billing on rows with a Billing vote, unsure elsewhere, and ties where no LF votes
        void Predict(LabelMatrix block, Span<double> p)
        {
            for (var i = 0; i < block.RowCount; i++)
            {
                var billing = Enumerable.Range(0, block.LfCount).Any(j => block[i, j] == 0);
                var any = Enumerable.Range(0, block.LfCount).Any(j => block[i, j] >= 0);
                double[] row = billing ? [0.9, 0.05, 0.05] : any ? [0.2, 0.45, 0.35] : [1 / 3.0, 1 / 3.0, 1 / 3.0];
                row.CopyTo(p.Slice(i * 3, 3));
            }
        }

        // When
        var unsure = RowBuckets.Sample(Matrix, new RowQuery { MarginBelow = 0.2 }, 100, predict: Predict);
        var wrong = RowBuckets.Sample(Matrix, new RowQuery { ModelCorrect = false }, 100, predict: Predict);
        var tie = RowBuckets.Sample(Matrix, new RowQuery { Predicted = "ABSTAIN" }, 100, predict: Predict);

        // Then
        unsure.Rows.Select(r => r.Index + 1).ShouldBe([2, 3, 5, 7, 8]);
        wrong.Rows.Select(r => r.Index + 1).ShouldBe([3, 6, 8]);
        tie.Rows.Select(r => r.Index + 1).ShouldBe([5]);
        unsure.Rows[0].Probabilities.ShouldBe([0.2, 0.45, 0.35]);
        unsure.Rows[0].Predicted.ShouldBe(1);
    }

    [Fact]
    public void A_sample_is_the_same_for_the_same_seed_whatever_the_block_size_and_differs_between_seeds()
    {
        // Given
        var big = LabelMatrix.Create(Tickets, ["a", "b"], Enumerable.Range(0, 20_000).SelectMany(i => new[] { i % 3 == 0 ? 0 : -1, i % 7 == 0 ? 1 : -1 }).ToArray());
        var query = new RowQuery { Lfs = ["a"] };

        // When
        var whole = RowBuckets.Sample(big, query, limit: 25, seed: 4);
        var blocks = RowBuckets.Sample(new Blocked(big, 333), query, limit: 25, seed: 4);
        var other = RowBuckets.Sample(big, query, limit: 25, seed: 5);

        // Then
        whole.Matched.ShouldBe(6667);
        whole.Rows.Select(r => r.Index).ShouldBe(blocks.Rows.Select(r => r.Index));
        whole.Rows.Select(r => r.Index).ShouldBeInOrder(SortDirection.Ascending);
        whole.Rows.ShouldAllBe(r => r.Index % 3 == 0);
        other.Rows.Select(r => r.Index).ShouldNotBe(whole.Rows.Select(r => r.Index));
        // spread over the data, not the first rows
        whole.Rows.Max(r => r.Index).ShouldBeGreaterThan(10_000);
    }

    [Fact]
    public void Pages_one_after_another_hold_every_row_once_and_the_first_is_the_sample()
    {
        // Given
        var big = LabelMatrix.Create(Tickets, ["a", "b"], Enumerable.Range(0, 5_000).SelectMany(i => new[] { i % 3 == 0 ? 0 : -1, i % 7 == 0 ? 1 : -1 }).ToArray());
        var query = new RowQuery { Lfs = ["a"] };

        // When
        var pages = Enumerable.Range(0, 18).Select(p => RowBuckets.Page(new Blocked(big, 333), query, offset: p * 100, limit: 100, seed: 2)).ToList();

        // Then
        pages.ShouldAllBe(p => p.Matched == 1667);
        pages.ForEach(p => p.Rows.Select(r => r.Index).ShouldBeInOrder(SortDirection.Ascending));
        var rows = pages.SelectMany(p => p.Rows.Select(r => r.Index)).ToList();
        rows.Count.ShouldBe(1667);
        rows.ShouldBeUnique();
        rows.ShouldAllBe(r => r % 3 == 0);
        pages[0].Rows.Select(r => r.Index).ShouldBe(RowBuckets.Sample(big, query, limit: 100, seed: 2).Rows.Select(r => r.Index));
        pages.Take(2).SelectMany(p => p.Rows.Select(r => r.Index)).Order().ShouldBe(RowBuckets.Sample(big, query, limit: 200, seed: 2).Rows.Select(r => r.Index));
        RowBuckets.Page(big, query, offset: 1667, limit: 100).Rows.ShouldBeEmpty();
    }

    [Fact]
    public void Several_queries_are_answered_in_one_pass_with_a_count_only_limit()
    {
        var samples = RowBuckets.Sample(Matrix, [new RowQuery { Uncovered = true }, new RowQuery { Conflict = true }], limit: 0);

        samples.Select(s => s.Matched).ShouldBe([1L, 1L]);
        samples.ShouldAllBe(s => s.Rows.Count == 0);
    }

    [Theory]
    [InlineData("refnd", null, "unknown LF 'refnd'; did you mean 'refund'? (LFs: refund, invoice, error_code, password, login)")]
    [InlineData("refund", "Biling", "unknown class 'Biling'; did you mean 'Billing'? (classes: Billing, Technical, Account, or ABSTAIN)")]
    public void A_misspelt_lf_or_class_is_an_error_naming_the_nearest(string lf, string? vote, string message)
    {
        var error = Should.Throw<SnorkelerException>(() => RowBuckets.Sample(Matrix, new RowQuery { Lfs = [lf], Vote = vote }, 10));

        error.Message.ShouldBe(message);
    }

    [Fact]
    public void A_bucket_about_gold_on_a_matrix_without_gold_is_an_error()
    {
        var noGold = LabelMatrix.Create(Tickets, ["a"], [0, 1]);

        Should.Throw<SnorkelerException>(() => RowBuckets.Sample(noGold, new RowQuery { Lfs = ["a"], Correct = false }, 10))
            .Message.ShouldBe("'a votes; wrong against gold' needs gold labels, and the matrix has none");
    }

    [Fact]
    public void A_query_describes_itself_in_words()
    {
        new RowQuery { Lfs = ["keyword_my"], Correct = false }.Describe().ShouldBe("keyword_my votes; wrong against gold");
        new RowQuery { Lfs = ["a"], Vote = "SPAM", Gold = "HAM" }.Describe().ShouldBe("a votes SPAM; gold HAM");
        new RowQuery { Lfs = ["a", "b"], Conflict = true }.Describe().ShouldBe("a and b disagree");
        new RowQuery { Uncovered = true }.Describe().ShouldBe("no LF votes");
        new RowQuery { MarginBelow = 0.2, ModelCorrect = false }.Describe().ShouldBe("the label model is unsure (margin below 0.2); the label model disagrees with gold");
    }

    [Fact]
    public void Highlighted_segments_merge_overlapping_matches_and_keep_a_window_around_the_first()
    {
        Highlight.Segments("check out my channel", [(0, 9), (6, 6)]).ShouldBe([new TextSegment("check out my", true), new TextSegment(" channel", false)]);
        var long_ = new string('a', 100) + "KEY" + new string('b', 100);
        var window = Highlight.Segments(long_, [(100, 3)], width: 30);
        window.First().ShouldBe(new TextSegment(Highlight.Ellipsis, false));
        window.Last().ShouldBe(new TextSegment(Highlight.Ellipsis, false));
        window.Single(s => s.Matched).Text.ShouldBe("KEY");
        window.Where(s => s.Text != Highlight.Ellipsis).Sum(s => s.Text.Length).ShouldBe(30);
    }

    /// <summary>A matrix read in blocks of a given size.</summary>
    private sealed class Blocked(LabelMatrix matrix, int rows) : IMatrixSource
    {
        public LabelSchema Schema => matrix.Schema;

        public IReadOnlyList<string> LfNames => matrix.LfNames;

        public long? RowCount => matrix.RowCount;

        public bool HasGold => matrix.HasGold;

        public IEnumerable<LabelMatrix> ReadBlocks(int rowsPerBlock = IMatrixSource.DefaultBlockRows) => matrix.ReadBlocks(rows);
    }
}
