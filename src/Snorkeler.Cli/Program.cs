using System.Runtime.InteropServices;

namespace Snorkeler.Cli;

internal static class Program
{
    /// <summary>
    /// Runs the command. The first Ctrl-C (SIGINT) or SIGTERM cancels it: the command stops at its next check,
    /// discards its unfinished outputs and exits 130. A second Ctrl-C terminates the process at once
    /// (outputs are still never truncated: they are renamed into place only when complete).
    /// </summary>
    public static int Main(string[] args)
    {
        var interrupt = new CancellationTokenSource(); // never disposed: a signal may arrive while the process exits
        Console.CancelKeyPress += (_, e) =>
        {
            if (interrupt.IsCancellationRequested) return; // the second Ctrl-C: let the runtime end the process
            e.Cancel = true;
            interrupt.Cancel();
        };
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            interrupt.Cancel();
        });
        return Cli.Run(args, Console.Out, Console.Error, interrupt.Token);
    }
}
