using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Snorkeler.Data;
using Snorkeler.Loading;
using Snorkeler.Scripting;

namespace Snorkeler.Reliability.Tests;

/// <summary>
/// Script LFs live in a collectible load context. The context must stay alive as long as the LFs do: a
/// context whose managed object is collected starts unloading, and every later load into it fails, such as
/// the first call of an LF that uses an assembly the script <c>#r</c>-ed (loaded lazily, on that call).
/// </summary>
public sealed class ScriptLifetimeTests : IDisposable
{
    private static readonly LabelSchema HamSpam = new(["HAM", "SPAM"]);
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_script_lf_loads_its_referenced_assembly_on_its_first_call_after_garbage_collections(bool fromCache)
    {
        // Given: a script that #r-s lib/Tiny.dll, loaded (compiled, or from the cache) but not yet called
        BuildTiny();
        var script = _folder.Write("lfs/greetings.csx", "#r \"lib/Tiny.dll\"\nLf(\"greeting\", row => Tiny.Words.IsGreeting(row.Text(\"text\")) ? HAM : ABSTAIN);\n");
        var loader = new ScriptLoader();
        var context = new LfLoadContext(HamSpam, null, _folder.File("lfs"), _folder.File("cache"));
        if (fromCache) loader.Load([new LfSourceFile(script, File.ReadAllText(script))], context).Diagnostics.ShouldBeEmpty();
        var set = loader.Load([new LfSourceFile(script, File.ReadAllText(script))], context);
        set.Diagnostics.ShouldBeEmpty();
        loader.LastLoadWasCacheHit.ShouldBe(fromCache);

        // When: the collector runs, finalizers included, before the first call
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        var data = _folder.Write("data.csv", "text\nhello there\nhi there\n");
        var source = new CsvSource(data);
        var vote = set.Functions.Single().Bind(source.Schema);
        var votes = new List<int>();
        foreach (var batch in source.ReadBatches(16))
            for (var r = 0; r < batch.Count; r++) votes.Add(vote(batch[r]));

        // Then
        votes.ShouldBe([0, -1]);
    }

    /// <summary>Builds lfs/lib/Tiny.dll with <c>Tiny.Words.IsGreeting</c> testing for "hello".</summary>
    private void BuildTiny()
    {
        var runtime = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p) is "System.Runtime.dll" or "System.Private.CoreLib.dll")
            .Select(p => MetadataReference.CreateFromFile(p));
        const string source = "namespace Tiny; public static class Words { public static bool IsGreeting(string s) => s.StartsWith(\"hello\"); }";
        var compilation = CSharpCompilation.Create("Tiny", [CSharpSyntaxTree.ParseText(source)], runtime,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Directory.CreateDirectory(_folder.File("lfs/lib"));
        var result = compilation.Emit(_folder.File("lfs/lib/Tiny.dll"));
        result.Success.ShouldBeTrue(string.Join("\n", result.Diagnostics));
    }
}
