namespace Snorkeler.Tests.Support;

/// <summary>
/// Runs work under a time bound on a thread of its own. <c>Task.Run</c> queues it to the thread pool, where it can wait
/// for a worker while other tests hold them all, and a bound meant for the work then measures the queue: a fuzz run
/// called a command that had not started "hangs".
/// </summary>
internal static class OwnThread
{
    public static Task<T> Run<T>(Func<T> work)
        => Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    public static Task Run(Action work)
        => Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
