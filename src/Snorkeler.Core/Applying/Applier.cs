using System.Diagnostics;
using Snorkeler.Data;

namespace Snorkeler.Applying;

/// <summary>How <see cref="Applier"/> runs.</summary>
public sealed record ApplyOptions
{
    /// <summary>Worker threads evaluating LFs (the reader runs on its own thread besides). Default: the processor count, at most <see cref="MostThreads"/>.</summary>
    public int Threads { get; init; } = DefaultThreads;

    /// <summary>The most worker threads a command (<c>--threads</c>) or the studio applies LFs on.</summary>
    internal const int MostThreads = 1024;

    /// <summary>The worker threads unless told: one a processor, at most <see cref="MostThreads"/>.</summary>
    internal static int DefaultThreads => Math.Min(Environment.ProcessorCount, MostThreads);

    /// <summary>Rows per batch.</summary>
    public int BatchRows { get; init; } = 4096;

    /// <summary>
    /// When false (the default) the first exception an LF throws stops the run, naming the LF, where it is
    /// written, the row and the message. When true, a throwing LF abstains on that row and its failures are counted.
    /// </summary>
    public bool FaultTolerant { get; init; }

    /// <summary>Receives the number of rows done after each batch, in order.</summary>
    public Action<long>? Progress { get; init; }

    /// <summary>Stops the run (it then throws <see cref="OperationCanceledException"/>).</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>
    /// The longest one call of an LF written in code (a script or a library LF; rules cannot loop) may run on one
    /// row; an overrun fails the run with <see cref="LfTimeoutException"/> naming the LF and the row. Null: no limit.
    /// </summary>
    public TimeSpan? LfTimeBudget { get; init; }

    /// <summary>
    /// True when the sink is done with each block by the time it returns (it writes or counts the votes and keeps no
    /// reference): the block's vote array then serves later blocks instead of fresh memory, whose first-touch page
    /// faults were a third of those of a 1 M-row apply (docs/benchmarks.md). Default false: the blocks are the sink's.
    /// </summary>
    public bool ReuseBlocks { get; init; }

    /// <summary>Set by <see cref="LfWatchdog.Run"/> on the run it watches.</summary>
    internal LfWatchdog? Watchdog { get; init; }
}

/// <summary>What an apply run did.</summary>
/// <param name="Rows">Rows labelled.</param>
/// <param name="Failures">Per LF (in LF order), the rows on which it threw and was recorded as abstaining (fault-tolerant runs).</param>
/// <param name="Elapsed">Wall-clock time.</param>
public sealed record ApplyResult(long Rows, IReadOnlyList<long> Failures, TimeSpan Elapsed)
{
    /// <summary>Rows per second.</summary>
    public double RowsPerSecond => Elapsed.TotalSeconds > 0 ? Rows / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// An LF failed on one row. The message names the LF by <see cref="LabelingFunction.Describe"/> and goes on with
/// <see cref="Failure"/>; a reader that names the LF otherwise (the studio, whose diagnostic's prefix gives its place)
/// puts its own words before <see cref="Failure"/>.
/// </summary>
public abstract class LfRowException : SnorkelerException
{
    /// <summary>Creates the exception.</summary>
    protected LfRowException(LabelingFunction lf, long row, string failure, Exception? inner)
        : base($"LF {Guard.NotNull(lf).Describe()} {failure}", inner)
    {
        Lf = lf;
        Row = row;
        Failure = failure;
    }

    /// <summary>The LF.</summary>
    public LabelingFunction Lf { get; }

    /// <summary>The 0-based row index in the data.</summary>
    public long Row { get; }

    /// <summary>What the message says after the LF: the row, its place in the data and the cause (<c>failed on row 3 (train.json line 4): ...</c>).</summary>
    public string Failure { get; }
}

/// <summary>An LF threw, or returned a value that is not a label, while applied to a row.</summary>
public sealed class LfFailedException : LfRowException
{
    /// <summary>Creates the exception.</summary>
    public LfFailedException(LabelingFunction lf, long row, string where, string problem, Exception? inner)
        : base(lf, row, $"failed on row {row + 1}{where}: {problem}", inner)
    {
        Problem = problem;
    }

    /// <summary>The cause alone (<c>InvalidOperationException: no</c>).</summary>
    public string Problem { get; }
}

/// <summary>
/// Applies labelling functions to a data source and produces the label matrix block by block, in row
/// order, whatever the number of threads: a reader thread parses batches, workers evaluate them, and
/// the caller's thread receives the blocks in sequence. Memory is bounded by a few batches per thread.
/// </summary>
public static class Applier
{
    /// <summary>Applies <paramref name="lfs"/> to every row and hands each block to <paramref name="sink"/> in row order.</summary>
    public static ApplyResult Apply(IDataSource source, IReadOnlyList<LabelingFunction> lfs, LabelSchema schema, Action<LabelMatrix> sink, ApplyOptions? options = null)
    {
        Guard.NotNull(source);
        Guard.NotNull(lfs);
        Guard.NotNull(schema);
        Guard.NotNull(sink);
        options ??= new ApplyOptions();
        if (options is { LfTimeBudget: not null, Watchdog: null } && lfs.Any(LfWatchdog.NeedsWatching)) return LfWatchdog.Run(source, lfs, schema, sink, options);
        var clock = Stopwatch.StartNew();
        var names = lfs.Select(l => l.Name).ToArray();
        var bound = lfs.Select((l, j) => LfWatchdog.Watch(options.Watchdog, l, j, l.Bind(source.Schema))).ToArray();
        var failures = new long[lfs.Count];
        var context = new Context(source, lfs, names, bound, schema, failures, options.FaultTolerant, options.ReuseBlocks);
        long rows = 0;
        var threads = Math.Max(1, options.Threads);

        var blocks = new Reblocker(options.BatchRows, schema, names, options.ReuseBlocks, block =>
        {
            sink(block);
            rows += block.RowCount;
            options.Progress?.Invoke(rows);
        });
        if (threads == 1)
        {
            foreach (var batch in source.ReadBatches(options.BatchRows))
            {
                options.Cancellation.ThrowIfCancellationRequested();
                blocks.Add(context.Evaluate(batch));
            }
        }
        else
        {
            RunParallel(context, blocks.Add, options, threads);
        }
        blocks.Flush();
        return new ApplyResult(rows, failures, clock.Elapsed);
    }

    /// <summary>The most chunks between reading and the sink with <paramref name="threads"/> workers: three each, so none waits for the reader.</summary>
    public static int ChunksInFlight(int threads) => 3 * Math.Max(1, threads);

    /// <summary>Applies <paramref name="lfs"/> and returns the whole matrix in memory.</summary>
    public static LabelMatrix ApplyToMatrix(IDataSource source, IReadOnlyList<LabelingFunction> lfs, LabelSchema schema, ApplyOptions? options = null)
    {
        var blocks = new List<LabelMatrix>();
        Apply(source, lfs, schema, blocks.Add, options);
        if (blocks.Count == 0) return new LabelMatrixBuilder(schema, lfs.Select(l => l.Name).ToArray(), 1).Build();
        return IO.MatrixFile.Concat(blocks);
    }

    /// <summary>
    /// The calling thread reads the chunks and passes the evaluated blocks to the sink in order; <paramref name="threads"/>
    /// workers parse and evaluate them. At most <see cref="ChunksInFlight"/> chunks are between reading and the sink. Reading on
    /// the sink's thread (it was a fourth thread) leaves one thread per core and a worker: reading a chunk takes a few
    /// tens of µs, evaluating it a few hundred, so the caller mostly waits (docs/benchmarks.md, sixth pass).
    /// </summary>
    private static void RunParallel(Context context, Action<LabelMatrix> sink, ApplyOptions options, int threads)
    {
        var window = ChunksInFlight(threads);
        var input = new ChunkQueue();
        var done = new Dictionary<long, (LabelMatrix? Block, Exception? Error)>();
        var gate = new object();

        // Plain threads waiting on a monitor: a channel's asynchronous wait completes through the thread pool, which
        // then starts its own workers and puts one more thread between the reader and each worker (docs/benchmarks.md).
        var workers = new Thread[threads];
        for (var w = 0; w < threads; w++)
        {
            workers[w] = new Thread(() =>
            {
                while (input.Take() is { } item)
                {
                    (LabelMatrix?, Exception?) result;
                    try
                    {
                        var batch = item.Chunk.Parse();
                        result = (context.Evaluate(batch), null);
                        // Nothing else holds a fresh chunk's batch: its arrays go to the next chunks (see BatchArrays).
                        if (item.Chunk.Fresh) batch.ReturnArrays();
                    }
                    catch (Exception e) { result = (null, e); }
                    lock (gate)
                    {
                        done[item.Seq] = result;
                        Monitor.Pulse(gate);
                    }
                }
            }) { IsBackground = true, Name = "snorkeler apply" };
            workers[w].Start();
        }

        // A chunked source (CSV) only splits its text here; the workers parse it. Others parse here.
        using var chunks = (context.Source is IChunkedSource chunked
            ? chunked.ReadChunks(options.BatchRows)
            : context.Source.ReadBatches(options.BatchRows).Select(b => new RowChunk(b))).GetEnumerator();
        long produced = 0, next = 0;
        var reading = true;
        Exception? readError = null;
        var finished = false;
        try
        {
            while (true)
            {
                // Keep the window full: the workers never wait for a chunk the reader could have read.
                while (reading && produced - next < window)
                {
                    options.Cancellation.ThrowIfCancellationRequested();
                    try { reading = chunks.MoveNext(); }
                    catch (Exception e) when (e is not OperationCanceledException || !options.Cancellation.IsCancellationRequested)
                    {
                        // The rows read before the failure are still evaluated and passed on; the failure is thrown after them.
                        readError = e;
                        reading = false;
                    }
                    if (!reading)
                    {
                        input.Complete(abandon: false);
                        break;
                    }
                    input.Add(produced, chunks.Current);
                    produced++;
                }
                if (next == produced && !reading) break;
                (LabelMatrix? Block, Exception? Error) result;
                lock (gate)
                {
                    while (!done.Remove(next, out result))
                    {
                        options.Cancellation.ThrowIfCancellationRequested();
                        Monitor.Wait(gate, 100);
                    }
                }
                if (result.Error is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(result.Error).Throw();
                sink(result.Block!);
                next++;
            }
            if (readError is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(readError).Throw();
            options.Cancellation.ThrowIfCancellationRequested();
            finished = true;
        }
        finally
        {
            // After a full read the workers leave when the queue is drained; otherwise they leave at once.
            input.Complete(abandon: !finished);
            foreach (var worker in workers) worker.Join();
        }
    }

    /// <summary>
    /// The chunks between the reader and the workers, in reading order. Only the caller adds, and it never has more
    /// than its window of chunks out, so the queue needs no bound of its own.
    /// </summary>
    private sealed class ChunkQueue
    {
        private readonly Queue<(long Seq, RowChunk Chunk)> _items = new();
        private bool _complete;

        public void Add(long seq, RowChunk chunk)
        {
            lock (_items)
            {
                _items.Enqueue((seq, chunk));
                Monitor.Pulse(_items);
            }
        }

        /// <summary>No more chunks; with <paramref name="abandon"/> the ones still queued are dropped too.</summary>
        public void Complete(bool abandon)
        {
            lock (_items)
            {
                _complete = true;
                if (abandon) _items.Clear();
                Monitor.PulseAll(_items);
            }
        }

        /// <summary>The next chunk, waiting for one; null once the queue is complete and empty.</summary>
        public (long Seq, RowChunk Chunk)? Take()
        {
            lock (_items)
            {
                while (_items.Count == 0)
                {
                    if (_complete) return null;
                    Monitor.Wait(_items);
                }
                return _items.Dequeue();
            }
        }
    }

    /// <summary>
    /// Passes the evaluated blocks on in blocks of exactly <paramref name="rows"/> rows (the last one shorter), whatever
    /// the batches a source was read in: a CSV file is parsed in chunks of a few hundred KB (few pages of fresh memory
    /// touched), yet the sink sees the same blocks as always, so written matrices stay byte-identical. A block that
    /// already fits the grid passes through uncopied. With <paramref name="reuse"/> the sink keeps nothing, so every
    /// block's vote array is handed back to <see cref="BatchArrays"/> once the sink returns.
    /// </summary>
    private sealed class Reblocker(int rows, LabelSchema schema, string[] names, bool reuse, Action<LabelMatrix> sink)
    {
        private readonly int _m = names.Length;
        private sbyte[]? _narrow;
        private int[]? _wide;
        private int _count;
        private long _first;

        public void Add(LabelMatrix block)
        {
            if (_count == 0 && block.RowCount == rows)
            {
                Emit(block);
                return;
            }
            for (var done = 0; done < block.RowCount;)
            {
                if (_count == 0) _first = block.FirstRow + done;
                var take = Math.Min(rows - _count, block.RowCount - done);
                if (block.IsNarrow && _wide is null)
                {
                    _narrow ??= reuse ? BatchArrays.Rent<sbyte>(Math.Max(1, rows * _m)) : new sbyte[Math.Max(1, rows * _m)];
                    block.NarrowVotes.Slice(done * _m, take * _m).CopyTo(_narrow.AsSpan(_count * _m));
                }
                else
                {
                    _wide ??= new int[Math.Max(1, rows * _m)];
                    for (var i = 0; i < take; i++) block.CopyRow(done + i, _wide.AsSpan((_count + i) * _m, _m));
                }
                _count += take;
                done += take;
                if (_count == rows) Flush();
            }
            if (reuse) block.ReturnVotes();
        }

        /// <summary>Passes on the rows collected so far.</summary>
        public void Flush()
        {
            if (_count == 0) return;
            var block = _wide is not null
                ? LabelMatrix.Create(schema, names, _wide.AsSpan(0, _count * _m)).Rebase(_first)
                : reuse ? LabelMatrix.FromPooledNarrow(schema, names, _narrow!, _count, null, _first) : LabelMatrix.FromNarrow(schema, names, _narrow!, _count, null, _first);
            (_narrow, _wide, _count) = (null, null, 0);
            Emit(block);
        }

        private void Emit(LabelMatrix block)
        {
            sink(block);
            if (reuse) block.ReturnVotes();
        }
    }

    private sealed class Context(IDataSource source, IReadOnlyList<LabelingFunction> lfs, string[] names, Func<DataRow, int>[] bound,
        LabelSchema schema, long[] failures, bool faultTolerant, bool reuse)
    {
        public IDataSource Source => source;

        public LabelMatrix Evaluate(RowBatch batch)
        {
            var m = bound.Length;
            var k = schema.Cardinality;
            var n = batch.Count;
            var narrow = k <= LabelMatrix.MaxNarrowCardinality;
            // Every cell is written below, so a reused array needs no clearing.
            var small = !narrow ? null : reuse ? BatchArrays.Rent<sbyte>(Math.Max(1, n * m)) : new sbyte[Math.Max(1, n * m)];
            var wide = narrow ? null : new int[n * m];
            for (var j = 0; j < m; j++)
            {
                var f = bound[j];
                for (var i = 0; i < n; i++)
                {
                    int v;
                    try
                    {
                        v = f(batch[i]);
                    }
                    catch (OutOfMemoryException e)
                    {
                        // Never recorded as an abstain (the process may be in trouble), but named like any failure.
                        throw Fail(j, batch, i, "it ran out of memory (OutOfMemoryException)", e);
                    }
                    catch (Exception e)
                    {
                        if (!faultTolerant) throw Fail(j, batch, i, Problem(e), e);
                        Interlocked.Increment(ref failures[j]);
                        v = LabelSchema.Abstain;
                    }
                    if ((uint)(v + 1) > (uint)k)
                        throw Fail(j, batch, i, $"it returned {v}, which is neither -1 (abstain) nor a class ({schema})", null);
                    if (small is not null) small[i * m + j] = (sbyte)v;
                    else wide![i * m + j] = v;
                }
            }
            return small is not null
                ? reuse ? LabelMatrix.FromPooledNarrow(schema, names, small, n, null, batch.FirstRow) : LabelMatrix.FromNarrow(schema, names, small, n, null, batch.FirstRow)
                : LabelMatrix.Create(schema, names, wide).Rebase(batch.FirstRow);
        }

        /// <summary>
        /// What an exception says went wrong: a <see cref="SnorkelerException"/>'s message is written for users and stands
        /// alone; others keep their type's name (<c>NullReferenceException</c> tells a script's author more than its message).
        /// </summary>
        private static string Problem(Exception e) => e switch
        {
            // RuntimeHelpers.EnsureSufficientExecutionStack, which scripts call in every body (a real overflow kills the process).
            InsufficientExecutionStackException => "it recursed too deeply and ran out of stack (an endless recursion?)",
            TypeInitializationException { InnerException: { } cause } => $"a static initialiser threw {Problem(cause)}",
            SnorkelerException => e.Message,
            _ => $"{e.GetType().Name}: {e.Message}",
        };

        private LfFailedException Fail(int lf, RowBatch batch, int row, string problem, Exception? inner)
        {
            return new LfFailedException(lfs[lf], batch.FirstRow + row, batch.Place(row, source.Name), problem, inner);
        }
    }
}
