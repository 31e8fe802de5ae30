using Xunit.Abstractions;
namespace Snorkeler.Dsl.Tests;
public sealed class Probe(ITestOutputHelper output)
{
    [Fact]
    public void Print()
    {
        var cases = File.ReadAllText("/tmp/probe.txt").Split("\n====\n");
        foreach (var c in cases)
        {
            output.WriteLine("---- " + c.Replace("\n", "⏎"));
            try { foreach (var d in Rules.Diagnostics(c, c.Contains("COLS") ? new Snorkeler.Data.DataSchema(["text", "author"]) : null)) output.WriteLine(d); }
            catch (Exception e) { output.WriteLine("EXCEPTION " + e); }
        }
    }
}
