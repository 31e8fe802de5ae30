using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Snorkeler.Loading;

namespace Snorkeler.Scripting.Tests;

/// <summary>#r of an assembly file beside the scripts: compiled against, loaded at run time, part of the cache key.</summary>
public sealed class ScriptReferenceTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Builds lib/Tiny.dll with <c>Tiny.Words.IsGreeting</c> testing for <paramref name="prefix"/>.</summary>
    private void BuildTiny(string prefix)
    {
        var runtime = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p) is "System.Runtime.dll" or "System.Private.CoreLib.dll")
            .Select(p => MetadataReference.CreateFromFile(p));
        var source = $"namespace Tiny; public static class Words {{ public static bool IsGreeting(string s) => s.StartsWith(\"{prefix}\"); }}";
        var compilation = CSharpCompilation.Create("Tiny", [CSharpSyntaxTree.ParseText(source)], runtime,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Directory.CreateDirectory(_folder.File("lfs/lib"));
        var result = compilation.Emit(_folder.File("lfs/lib/Tiny.dll"));
        result.Success.ShouldBeTrue(string.Join("\n", result.Diagnostics));
    }

    private int[] Votes(ScriptLoader loader)
    {
        var path = _folder.File("lfs/greetings.csx");
        var set = loader.Load([new LfSourceFile(path, File.ReadAllText(path))],
            new LfLoadContext(ScriptTestKit.HamSpam, null, _folder.File("lfs"), _folder.File("cache")));
        set.Diagnostics.ShouldBeEmpty();
        return ScriptTestKit.Votes(set.Functions, ScriptTestKit.Texts(_folder, "hello there", "hi there")).Select(r => r.Single()).ToArray();
    }

    [Fact]
    public void A_referenced_assembly_is_used_on_a_cache_hit_and_a_new_build_of_it_misses_the_cache()
    {
        BuildTiny("hello");
        _folder.Write("lfs/greetings.csx", "#r \"lib/Tiny.dll\"\nLf(\"greeting\", row => Tiny.Words.IsGreeting(row.Text(\"text\")) ? HAM : ABSTAIN);\n");
        var loader = new ScriptLoader();

        var cold = Votes(loader);
        var coldHit = loader.LastLoadWasCacheHit;
        var warm = Votes(loader);
        var warmHit = loader.LastLoadWasCacheHit;
        BuildTiny("hi");
        var rebuilt = Votes(loader);

        coldHit.ShouldBeFalse();
        warmHit.ShouldBeTrue();
        cold.ShouldBe([0, -1]);
        warm.ShouldBe([0, -1]);
        loader.LastLoadWasCacheHit.ShouldBeFalse();
        rebuilt.ShouldBe([-1, 0]);
    }
}
