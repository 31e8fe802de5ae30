using Snorkeler.Threading;

namespace Snorkeler.Core.Tests;

public sealed class CallerFirstTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 0)]
    [InlineData(7, 0)]
    [InlineData(1000, 0)]
    [InlineData(1000, 1)]
    [InlineData(1000, 3)]
    public void Every_index_runs_once_whatever_the_count_and_the_most_threads(int count, int most)
    {
        var ran = new int[count];

        CallerFirst.For(count, i => Interlocked.Increment(ref ran[i]), most);

        ran.ShouldAllBe(n => n == 1);
    }

    [Fact]
    public void With_most_one_the_loop_runs_in_order_on_the_calling_thread()
    {
        var order = new List<int>();
        var caller = Environment.CurrentManagedThreadId;
        var others = 0;

        CallerFirst.For(50, i =>
        {
            if (Environment.CurrentManagedThreadId != caller) Interlocked.Increment(ref others);
            order.Add(i);
        }, most: 1);

        order.ShouldBe(Enumerable.Range(0, 50));
        others.ShouldBe(0);
    }

    [Fact]
    public void The_failure_of_the_lowest_index_is_rethrown_unwrapped_and_no_index_begins_after_it()
    {
        // Given iterations that fail at 300 and at every index from 700 (a loop in order throws 300's and stops there)
        var begun = new int[1000];

        // When
        var thrown = Should.Throw<InvalidOperationException>(() => CallerFirst.For(begun.Length, i =>
        {
            Interlocked.Increment(ref begun[i]);
            if (i == 300 || i >= 700) throw new InvalidOperationException($"failed at {i}");
        }));

        // Then
        thrown.Message.ShouldBe("failed at 300");
        begun.Count(n => n > 0).ShouldBeLessThan(begun.Length);
        begun.ShouldAllBe(n => n <= 1);
    }

    [Fact]
    public void A_cancelled_loop_throws_that_it_was_cancelled_and_begins_no_more_iterations()
    {
        using var cancel = new CancellationTokenSource();
        var begun = 0;

        var thrown = Should.Throw<OperationCanceledException>(() => CallerFirst.For(10_000, i =>
        {
            if (Interlocked.Increment(ref begun) == 100) cancel.Cancel();
        }, cancellation: cancel.Token));

        thrown.CancellationToken.ShouldBe(cancel.Token);
        begun.ShouldBeLessThan(10_000);
    }

    [Fact]
    public void Loops_inside_loops_end()
    {
        var sums = new long[8];

        CallerFirst.For(sums.Length, i => CallerFirst.For(100, j => Interlocked.Add(ref sums[i], j)));

        sums.ShouldAllBe(s => s == 4950);
    }
}
