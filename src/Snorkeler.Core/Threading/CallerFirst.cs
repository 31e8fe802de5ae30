using System.Runtime.ExceptionServices;

namespace Snorkeler.Threading;

/// <summary>
/// Parallel loops whose calling thread runs iterations itself, thread-pool workers joining it only as they come free.
/// <c>Parallel.For</c> queues its first share of the work to the pool too and waits for it there, so a loop started
/// from a thread outside the pool (a command on a thread of its own, beside a web server or other commands) waited as
/// long as every worker was busy; here the caller alone finishes the loop if no worker ever comes.
/// </summary>
internal static class CallerFirst
{
    /// <summary>
    /// <c>body(0) … body(count − 1)</c>, each once, on the calling thread and on at most <paramref name="most"/> − 1
    /// workers (0: one thread per core). No index is taken after one fails (one taken just before still runs) or <paramref name="cancellation"/> is
    /// cancelled; the loop returns when the iterations begun have ended. The failure of the lowest index is rethrown as it
    /// was, not wrapped, as a loop in order would have thrown it (every lower index had begun); an unfinished loop
    /// cancelled throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public static void For(int count, Action<int> body, int most = 0, CancellationToken cancellation = default)
    {
        Guard.NotNull(body);
        var helpers = Math.Min(count, most > 0 ? most : Environment.ProcessorCount) - 1;
        var loop = new Loop(count, body, cancellation);
        for (var h = 0; h < helpers; h++) ThreadPool.UnsafeQueueUserWorkItem(static l => l.Help(), loop, preferLocal: false);
        loop.Run();
        loop.Close();
    }

    private sealed class Loop(int count, Action<int> body, CancellationToken cancellation)
    {
        private readonly object _gate = new();
        private int _next = -1;
        private int _helping;
        private bool _closed;
        private volatile bool _stopped;
        private bool _cancelled;
        private Exception? _failure;
        private int _failedAt = int.MaxValue;

        /// <summary>A worker's share: none once the caller has closed the loop (a worker that came too late).</summary>
        public void Help()
        {
            lock (_gate)
            {
                if (_closed) return;
                _helping++;
            }
            try { Run(); }
            finally
            {
                lock (_gate)
                {
                    if (--_helping == 0) Monitor.PulseAll(_gate);
                }
            }
        }

        /// <summary>Takes indices in order until none is left or the loop stops.</summary>
        public void Run()
        {
            while (!_stopped)
            {
                var i = Interlocked.Increment(ref _next);
                // Unsigned: past int.MaxValue the counter wraps to negative indices. An index taken runs even if the loop stopped
                // since, so every index below a failure has run and the lowest failure is the one an ordered loop meets.
                if ((uint)i >= (uint)count) return;
                if (cancellation.IsCancellationRequested)
                {
                    lock (_gate) _cancelled = true;
                    _stopped = true;
                    return;
                }
                try { body(i); }
                catch (Exception e)
                {
                    lock (_gate)
                    {
                        if (i < _failedAt) (_failure, _failedAt) = (e, i);
                    }
                    _stopped = true;
                }
            }
        }

        /// <summary>Waits for the workers that joined, keeps out those still to come, and throws what the loop met.</summary>
        public void Close()
        {
            lock (_gate)
            {
                _closed = true;
                while (_helping > 0) Monitor.Wait(_gate);
            }
            if (_failure is not null) ExceptionDispatchInfo.Capture(_failure).Throw();
            if (_cancelled) throw new OperationCanceledException(cancellation);
        }
    }
}
