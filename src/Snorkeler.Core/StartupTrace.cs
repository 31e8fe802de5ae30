using System.Diagnostics;

namespace Snorkeler;

/// <summary>
/// Milliseconds since the process started at named points of a run, written to stderr when the environment
/// variable <c>SNORKELER_TIMINGS</c> is 1: how a run's fixed cost divides between runtime start, loading the LFs and
/// the data pass (docs/benchmarks.md). Costs one environment read when off.
/// </summary>
public static class StartupTrace
{
    private static readonly bool On = Environment.GetEnvironmentVariable("SNORKELER_TIMINGS") == "1";
    private static readonly DateTime Started = On ? Process.GetCurrentProcess().StartTime.ToUniversalTime() : default;

    /// <summary>Writes "snorkeler-timing: MS ms wall MS ms CPU N GCs MB MB allocated WHAT" (since the process started) to stderr when tracing is on.</summary>
    public static void Mark(string what)
    {
        if (!On) return;
        Console.Error.WriteLine($"snorkeler-timing: {(DateTime.UtcNow - Started).TotalMilliseconds,7:0} ms wall {Environment.CpuUsage.TotalTime.TotalMilliseconds,7:0} ms CPU {GC.CollectionCount(0),4} GCs {GC.GetTotalAllocatedBytes() / 1048576.0,7:0.0} MB allocated  {what}");
    }
}
