using System.Runtime.ExceptionServices;

namespace Snorkeler.LabelModels.Internal;

/// <summary>Independent fits run side by side, with results and failures as a loop in order would give them.</summary>
internal static class InParallel
{
    /// <summary>
    /// <c>run(0) … run(count − 1)</c> on the machine's cores; the results in index order. When runs fail, the failure of the
    /// lowest index is rethrown as it was (not wrapped), whatever the threads' timing, as the sequential loop would have
    /// thrown it; cancellation throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public static T[] Map<T>(int count, CancellationToken cancellation, Func<int, T> run)
    {
        var results = new T[count];
        var failures = new Exception?[count];
        Threading.CallerFirst.For(count, i =>
        {
            try { results[i] = run(i); }
            catch (Exception e) when (e is not OperationCanceledException) { failures[i] = e; }
        }, cancellation: cancellation);
        foreach (var failure in failures)
            if (failure is not null) ExceptionDispatchInfo.Capture(failure).Throw();
        return results;
    }
}
