using System.Runtime.InteropServices;

namespace Snorkeler.Cli;

internal static class Program
{
    /// <summary>How long a command may take to stop after the first Ctrl-C before the process ends anyway.</summary>
    private static readonly TimeSpan InterruptGrace = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Runs the command. The first Ctrl-C (SIGINT) or SIGTERM cancels it: the command stops at its next check,
    /// discards its unfinished outputs and exits 130; a command that does not stop within a few seconds (stuck in
    /// a script's code, say) is ended all the same, its temporary files deleted. A second Ctrl-C terminates the
    /// process at once (outputs are still never truncated: they are renamed into place only when complete).
    /// The process ends when the command is done, even if a script left threads running; a script that ends the
    /// process itself (<c>Environment.Exit</c>) makes it fail with exit code 1 and a message.
    /// </summary>
    public static int Main(string[] args)
    {
        StartupTrace.Mark("Main");
#if SNORKELER_NATIVE
        if (ManagedHandOff.Needed(args)) return ManagedHandOff.Run(args);
#endif
        var interrupt = new CancellationTokenSource(); // never disposed: a signal may arrive while the process exits
        var state = new RunState();
        Console.CancelKeyPress += (_, e) =>
        {
            if (interrupt.IsCancellationRequested) return; // the second Ctrl-C: let the runtime end the process
            e.Cancel = true;
            Interrupt(interrupt, state);
        };
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            Interrupt(interrupt, state);
        });
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            if (state.Finished) return;
            // The command did not return: something ended the process under it (a script calling Environment.Exit).
            IO.AtomicFile.DiscardPending();
            if (state.Ending) return;
            Console.Error.WriteLine("error: the process was ended before the command finished (did a script call Environment.Exit?); no output was written");
            Environment.ExitCode = ExitCode.BadInput;
        };
        // A thread a script started that throws would end the process with the runtime's dump and exit code 134.
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
        {
            if (state.Finished || state.Ending) return;
            state.Ending = true;
            var what = e.ExceptionObject is Exception x ? $"{x.GetType().Name}: {x.Message}" : "an exception";
            Console.Error.WriteLine($"error: a thread outside the command failed ({Text.Printable.OneLine(what)}); did a script start a thread that threw? no output was written");
            IO.AtomicFile.DiscardPending();
            Environment.Exit(ExitCode.BadInput);
        };
        // Results go to the standard output the process was given; anything else writing to Console.Out (a script's
        // Console.WriteLine) goes to stderr, so 'rows --format jsonl > rows.jsonl' and other piped results stay parseable.
        var stdout = Terminal.StandardOutput = new StandardOutput(Console.Out);
        Console.SetOut(Console.Error);
        var code = Cli.Run(args, stdout, Console.Error, interrupt.Token);
        state.Finished = true;
        StartupTrace.Mark("command done");
        try { stdout.Flush(); }
        catch (SnorkelerException e) when (code == ExitCode.Ok) // a failed run has said why already
        {
            Console.Error.WriteLine($"error: {e.Message}");
            code = ExitCode.BadInput;
        }
        catch (SnorkelerException) { }
        Console.Error.Flush();
        Environment.Exit(code); // threads a script started must not keep the process alive
        return code;
    }

    private static void Interrupt(CancellationTokenSource interrupt, RunState state)
    {
        interrupt.Cancel();
        var grace = new Thread(() =>
        {
            Thread.Sleep(InterruptGrace);
            if (state.Finished) return;
            state.Ending = true;
            Console.Error.WriteLine("snorkeler: interrupted; no output was written");
            IO.AtomicFile.DiscardPending();
            Environment.Exit(ExitCode.Interrupted);
        }) { IsBackground = true, Name = "snorkeler-interrupt-grace" };
        grace.Start();
    }

    private sealed class RunState
    {
        private volatile bool _finished;
        private volatile bool _ending;

        public bool Finished { get => _finished; set => _finished = value; }

        public bool Ending { get => _ending; set => _ending = value; }
    }
}
