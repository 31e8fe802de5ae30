using System.Runtime.ExceptionServices;
using Snorkeler.Data;

namespace Snorkeler.Applying;

/// <summary>An LF call ran longer than <see cref="ApplyOptions.LfTimeBudget"/> on one row.</summary>
public sealed class LfTimeoutException : LfRowException
{
    /// <summary>Creates the exception.</summary>
    public LfTimeoutException(LabelingFunction lf, TimeSpan budget, long row, string where)
        : base(lf, row, $"did not finish within {budget.TotalSeconds:0.###} s on row {row + 1}{where} (an endless loop? raise the limit with --lf-timeout)", null)
    {
    }
}

/// <summary>
/// Enforces <see cref="ApplyOptions.LfTimeBudget"/>. .NET cannot abort a thread, so the run is moved to a
/// background thread and abandoned when an LF call overruns: the caller gets an <see cref="LfTimeoutException"/>
/// naming the LF and the row, no further block reaches its sink, and the stuck call is left to the process's
/// exit. Each watched call costs two counter writes; a monitor thread samples the counters every 50 ms.
/// Rules (<c>.rules</c>) are not watched: the DSL has no loops and its regexes run in linear time.
/// </summary>
internal sealed class LfWatchdog : IDisposable
{
    [ThreadStatic] private static Slot? _slot;

    private readonly IReadOnlyList<LabelingFunction> _lfs;
    private readonly TimeSpan _budget;
    private readonly string _sourceName;
    private readonly List<Slot> _slots = [];
    private readonly ManualResetEventSlim _stop = new();
    private readonly ManualResetEventSlim _fired = new();
    private LfTimeoutException? _error;

    private LfWatchdog(IReadOnlyList<LabelingFunction> lfs, TimeSpan budget, string sourceName)
    {
        _lfs = lfs;
        _sourceName = sourceName;
        _budget = budget;
        new Thread(Monitor) { IsBackground = true, Name = "snorkeler-lf-watchdog" }.Start();
    }

    /// <summary>Per worker thread: calls entered and left (odd while inside a call), the LF and the row.</summary>
    private sealed class Slot(LfWatchdog owner)
    {
        public readonly LfWatchdog Owner = owner;
        public long Calls;
        public int Lf;
        public DataRow Row;
        public long Seen = -1;
        public DateTime Since;
    }

    /// <summary>True for LFs that may not terminate: everything but rules.</summary>
    public static bool NeedsWatching(LabelingFunction lf)
        => lf.Location?.Path is not { } file || !file.EndsWith(".rules", StringComparison.OrdinalIgnoreCase);

    /// <summary>The vote function, timed when a watchdog runs and the LF needs it.</summary>
    public static Func<DataRow, int> Watch(LfWatchdog? watchdog, LabelingFunction lf, int index, Func<DataRow, int> vote)
    {
        if (watchdog is null || !NeedsWatching(lf)) return vote;
        return row =>
        {
            var slot = _slot is { } s && ReferenceEquals(s.Owner, watchdog) ? s : watchdog.Register();
            slot.Lf = index;
            slot.Row = row;
            Volatile.Write(ref slot.Calls, slot.Calls + 1);
            try { return vote(row); }
            finally { Volatile.Write(ref slot.Calls, slot.Calls + 1); }
        };
    }

    /// <summary>Runs <see cref="Applier.Apply"/> on a background thread under a watchdog; see the class summary.</summary>
    public static ApplyResult Run(IDataSource source, IReadOnlyList<LabelingFunction> lfs, LabelSchema schema, Action<LabelMatrix> sink, ApplyOptions options)
    {
        var watchdog = new LfWatchdog(lfs, options.LfTimeBudget!.Value, source.Name);
        // Not disposed when the run is abandoned: the stuck thread may still touch them.
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(options.Cancellation);
        var finished = new ManualResetEventSlim();
        var gate = new object();
        var abandoned = false;
        ApplyResult? result = null;
        ExceptionDispatchInfo? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = Applier.Apply(source, lfs, schema, block =>
                {
                    lock (gate)
                    {
                        if (abandoned) throw new OperationCanceledException();
                        sink(block);
                    }
                }, options with { Watchdog = watchdog, Cancellation = cancel.Token });
            }
            catch (Exception e) { error = ExceptionDispatchInfo.Capture(e); }
            finally { finished.Set(); }
        }) { IsBackground = true, Name = "snorkeler-apply" };
        thread.Start();
        WaitHandle.WaitAny([finished.WaitHandle, watchdog._fired.WaitHandle, options.Cancellation.WaitHandle]);
        if (!finished.IsSet)
        {
            lock (gate) abandoned = true;
            cancel.Cancel();
            watchdog._stop.Set();
            if (watchdog._error is { } timeout) throw timeout;
            throw new OperationCanceledException(options.Cancellation);
        }
        watchdog.Dispose();
        cancel.Dispose();
        error?.Throw();
        return result!;
    }

    public void Dispose() => _stop.Set();

    private Slot Register()
    {
        var slot = new Slot(this);
        lock (_slots) _slots.Add(slot);
        _slot = slot;
        return slot;
    }

    private void Monitor()
    {
        while (!_stop.Wait(50))
        {
            Slot[] slots;
            lock (_slots) slots = _slots.ToArray();
            var now = DateTime.UtcNow;
            foreach (var slot in slots)
            {
                var calls = Volatile.Read(ref slot.Calls);
                if ((calls & 1) == 0) continue; // between calls
                if (calls != slot.Seen)
                {
                    slot.Seen = calls;
                    slot.Since = now;
                    continue;
                }
                if (now - slot.Since < _budget) continue;
                var row = slot.Row;
                _error = new LfTimeoutException(_lfs[slot.Lf], _budget, row.Index, row.Place(_sourceName));
                _fired.Set();
                return;
            }
        }
    }
}
