using System.Diagnostics;

namespace Snorkeler.Reliability.Tests.Support;

/// <summary>Special files the reliability tests put where Snorkeler expects regular files or folders.</summary>
internal static class Files
{
    /// <summary>Makes a named pipe (FIFO) at <paramref name="path"/>: opening it for reading blocks until a writer comes.</summary>
    public static void MakeFifo(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        mkfifo.WaitForExit();
        mkfifo.ExitCode.ShouldBe(0);
    }
}
