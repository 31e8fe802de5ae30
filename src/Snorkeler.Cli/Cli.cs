namespace Snorkeler.Cli;

/// <summary>The command dispatcher (commands land in the next commits).</summary>
internal static class Cli
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        stderr.WriteLine("snorkeler: no command given");
        return args.Length == 0 ? 2 : 2;
    }
}
