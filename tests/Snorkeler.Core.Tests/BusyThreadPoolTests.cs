using Snorkeler.Core.Tests.Support;
using Snorkeler.Data;
using Snorkeler.IO;

namespace Snorkeler.Core.Tests;

/// <summary>Tests that hold every thread-pool worker of the process, so they run alone, after the others.</summary>
[CollectionDefinition(nameof(BusyThreadPool), DisableParallelization = true)]
public sealed class BusyThreadPool;

/// <summary>
/// The studio runs commands in its own process beside its web server, and the tests run them beside other tests: a
/// writer that needs a free thread-pool worker to finish waits as long as every worker is busy (a labels file of 25
/// rows hung past 30 s in a loaded test run). Writing an output must not depend on one.
/// </summary>
[Collection(nameof(BusyThreadPool))]
public sealed class BusyThreadPoolTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData("labels.csv", 50)]
    [InlineData("labels.csv", 40_000)] // blocks formatted in parallel slices
    [InlineData("labels.jsonl", 50)]
    [InlineData("labels.parquet", 50)]
    public void Labels_are_written_and_committed_while_every_thread_pool_worker_is_busy(string name, int rows)
    {
        // Given a labels file to write
        using var temp = new TempFolder();
        var path = temp.File(name);
        var probabilities = Enumerable.Range(0, rows).SelectMany(i => new[] { i / (double)rows, 1 - i / (double)rows }).ToArray();
        var labels = Enumerable.Range(0, rows).Select(i => i < rows / 2 ? 1 : 0).ToArray();

        // When it is written while every worker of the thread pool waits
        var (finished, failed) = WhileThePoolIsBusy(() =>
        {
            using var writer = LabelsWriter.Create(path, Some.HamSpam, "id");
            writer.Write(Enumerable.Range(0, rows).Select(i => (string?)$"r{i}").ToArray(), probabilities, labels);
            writer.Write(["last"], [0.5, 0.5], [-1]);
            writer.Commit();
        });

        // Then it was written in time, whole
        finished.ShouldBeTrue($"writing {name} did not finish within {Patience.TotalSeconds} s while the thread pool was busy");
        failed.ShouldBeNull();
        Directory.GetFiles(temp.Path).ShouldBe([path]);
        if (name.EndsWith(".csv", StringComparison.Ordinal)) File.ReadLines(path).Count().ShouldBe(rows + 2);
    }

    [Fact]
    public void A_parallel_loop_started_outside_the_pool_ends_while_every_worker_is_busy()
    {
        // Given a loop of 64 iterations, started from a thread of its own (Parallel.For waited for a worker)
        var ran = new int[64];

        // When every worker of the thread pool waits
        var (finished, failed) = WhileThePoolIsBusy(() => Threading.CallerFirst.For(ran.Length, i => Interlocked.Increment(ref ran[i])));

        // Then the caller ran them all, each once
        finished.ShouldBeTrue($"the loop did not finish within {Patience.TotalSeconds} s while the thread pool was busy");
        failed.ShouldBeNull();
        ran.ShouldAllBe(n => n == 1);
    }

    [Theory]
    [InlineData("data.csv")]
    [InlineData("data.jsonl")]
    [InlineData("data.parquet")]
    public async Task Data_is_read_while_every_thread_pool_worker_is_busy(string name)
    {
        // Given 30 rows of data in the format
        using var temp = new TempFolder();
        var path = temp.File(name);
        var texts = Enumerable.Range(0, 30).Select(i => $"comment {i}").ToArray();
        switch (Path.GetExtension(name))
        {
            case ".csv": File.WriteAllLines(path, ["text", .. texts]); break;
            case ".jsonl": File.WriteAllLines(path, texts.Select(t => $"{{\"text\": \"{t}\"}}")); break;
            default:
                await using (var stream = File.Create(path))
                    await Parquet.Serialization.ParquetSerializer.SerializeAsync(texts.Select(t => new Row { Text = t }), stream, new Parquet.ParquetOptions { RowGroupSize = 8 });
                break;
        }

        // When it is read while every worker waits
        long rows = -1;
        var (finished, failed) = WhileThePoolIsBusy(() => rows = DataSources.CountRows(DataSources.Open(path)));

        // Then every row was read in time
        finished.ShouldBeTrue($"reading {name} did not finish within {Patience.TotalSeconds} s while the thread pool was busy");
        failed.ShouldBeNull();
        rows.ShouldBe(30);
    }

    public sealed class Row
    {
        public string? Text { get; set; }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on a thread of its own while every thread-pool worker waits: whether it finished within
    /// <see cref="Patience"/>, and what it threw. The workers are released and the pool's limit restored in any case.
    /// </summary>
    private static (bool Finished, Exception? Error) WhileThePoolIsBusy(Action work)
    {
        ThreadPool.GetMaxThreads(out var maxWorkers, out var maxIo);
        ThreadPool.GetMinThreads(out var minWorkers, out _);
        var limit = Math.Max(minWorkers, Environment.ProcessorCount);
        ThreadPool.SetMaxThreads(limit, maxIo).ShouldBeTrue();
        // Not disposed: the item left waiting starts once the others are released, after this returns.
        var release = new ManualResetEventSlim();
        try
        {
            // One item more than the limit: the pool is full when the items stop starting and one is left waiting
            // (the test's own thread, or the runner's, may hold a worker too).
            var started = 0;
            for (var i = 0; i <= limit; i++)
                ThreadPool.UnsafeQueueUserWorkItem(_ => { Interlocked.Increment(ref started); release.Wait(); }, null);
            for (var seen = -1; Volatile.Read(ref started) != seen;)
            {
                seen = Volatile.Read(ref started);
                Thread.Sleep(500);
            }
            started.ShouldBeLessThan(limit + 1, "the thread pool kept a worker free");
            Exception? error = null;
            var thread = new Thread(() =>
            {
                try { work(); }
                catch (Exception e) { error = e; }
            }) { IsBackground = true };
            thread.Start();
            return (thread.Join(Patience), error);
        }
        finally
        {
            release.Set();
            ThreadPool.SetMaxThreads(maxWorkers, maxIo);
        }
    }
}
