using Snorkeler.Loading;

namespace Snorkeler.Scripting.Tests;

/// <summary>The on-disk cache of compiled scripts: keyed by everything the compilation depends on, robust to damage.</summary>
public sealed class ScriptCacheTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private LfSet Load(ScriptLoader loader, string cacheDirectory, params string[] names)
        => loader.Load(names.Select(n => new LfSourceFile(_folder.File(n), File.ReadAllText(_folder.File(n)))).ToArray(),
            new LfLoadContext(ScriptTestKit.HamSpam, null, _folder.Path, cacheDirectory));

    [Fact]
    public void Changing_a_loaded_helper_misses_the_cache_and_changes_the_source_hashes()
    {
        _folder.Write("main.csx", "#load \"helpers.csx\"\nLf(\"short\", row => IsShort(row.Text(\"text\")) ? HAM : ABSTAIN);\n");
        _folder.Write("helpers.csx", "static bool IsShort(string s) => s.Length < 10;\n");
        var loader = new ScriptLoader();
        var cache = _folder.File("cache");

        var first = Load(loader, cache, "main.csx");
        var firstStats = loader.LastLoad!;
        Load(loader, cache, "main.csx");
        loader.LastLoadWasCacheHit.ShouldBeTrue();
        _folder.Write("helpers.csx", "static bool IsShort(string s) => s.Length < 20;\n");
        var changed = Load(loader, cache, "main.csx");

        firstStats.CacheHit.ShouldBeFalse();
        loader.LastLoadWasCacheHit.ShouldBeFalse();
        loader.LastLoad!.CacheKey.ShouldNotBe(firstStats.CacheKey);
        changed.Diagnostics.ShouldBeEmpty();
        changed.Functions.Single().SourceHash.ShouldNotBe(first.Functions.Single().SourceHash);
        Directory.GetFiles(Path.Combine(cache, "csx"), "*.csxc").Length.ShouldBe(2);
    }

    [Fact]
    public void An_unsaved_buffer_of_a_loaded_helper_is_compiled_instead_of_the_file_on_disk()
    {
        // Given a helper an editor holds with unsaved edits (the studio): the file on disk was compiled, unlike an unsaved keyword list
        _folder.Write("main.csx", "#load \"lib/helpers.csx\"\nLf(\"short\", row => IsShort(row.Text(\"text\")) ? HAM : ABSTAIN);\n");
        _folder.Write("lib/helpers.csx", "static bool IsShort(string s) => s.Length < 5;\n");
        var unsaved = new Dictionary<string, string> { [_folder.File("lib/helpers.csx")] = "static bool IsShort(string s) => s.Length < 20;\n" };
        var data = ScriptTestKit.Texts(_folder, "a fine song", "hi");
        var loader = new ScriptLoader();

        // When
        var edited = loader.Load([new LfSourceFile(_folder.File("main.csx"), File.ReadAllText(_folder.File("main.csx")))],
            new LfLoadContext(ScriptTestKit.HamSpam, null, _folder.Path, _folder.File("cache")) { Unsaved = unsaved });
        var onDisk = Load(loader, _folder.File("cache"), "main.csx");

        // Then
        edited.Diagnostics.ShouldBeEmpty();
        ScriptTestKit.Votes(edited.Functions, data).ShouldBe([[0], [0]]);
        ScriptTestKit.Votes(onDisk.Functions, data).ShouldBe([[LabelSchema.Abstain], [0]]);
        edited.Reads.ShouldContain(_folder.File("lib/helpers.csx"));
    }

    [Fact]
    public void A_corrupt_cache_entry_is_ignored_and_rebuilt_and_warnings_survive_a_cache_hit()
    {
        _folder.Write("warn.csx", "Lf(\"w\", row => { int unused = 1; return HAM; });\n");
        var loader = new ScriptLoader();
        var cache = _folder.File("cache");
        var warning = $"{_folder.File("warn.csx")}(1,22): warning CS0219: The variable 'unused' is assigned but its value is never used";

        Load(loader, cache, "warn.csx").Diagnostics.Select(d => d.ToString()).ShouldBe([warning]);
        var entry = loader.LastLoad!.CachePath!;
        var bytes = File.ReadAllBytes(entry);
        bytes[^100] ^= 0xFF;
        File.WriteAllBytes(entry, bytes);
        var rebuilt = Load(loader, cache, "warn.csx");
        var rebuiltWasHit = loader.LastLoadWasCacheHit;
        File.WriteAllBytes(entry, bytes[..20]);
        Load(loader, cache, "warn.csx");
        var truncatedWasHit = loader.LastLoadWasCacheHit;
        var hit = Load(loader, cache, "warn.csx");

        rebuiltWasHit.ShouldBeFalse();
        truncatedWasHit.ShouldBeFalse();
        rebuilt.Diagnostics.Select(d => d.ToString()).ShouldBe([warning]);
        loader.LastLoadWasCacheHit.ShouldBeTrue();
        hit.Diagnostics.Select(d => d.ToString()).ShouldBe([warning]);
        hit.Functions.Single().Name.ShouldBe("w");
        Directory.GetFiles(Path.GetDirectoryName(entry)!).ShouldBe([entry]); // no temporary files left behind
    }

    [Fact]
    public void An_entry_with_a_valid_checksum_but_an_unloadable_assembly_is_rebuilt()
    {
        _folder.Write("a.csx", "Lf(\"a\", row => HAM);\n");
        var loader = new ScriptLoader();
        var cache = _folder.File("cache");
        Load(loader, cache, "a.csx");
        var entry = loader.LastLoad!.CachePath!;
        var key = loader.LastLoad!.CacheKey!;
        var good = ScriptCache.TryRead(entry, key)!;
        ScriptCache.Write(entry, key, good with { Image = [.. good.Image.Take(200)] });

        var rebuilt = Load(loader, cache, "a.csx");
        var rebuiltWasHit = loader.LastLoadWasCacheHit;
        Load(loader, cache, "a.csx");

        rebuiltWasHit.ShouldBeFalse();
        rebuilt.Diagnostics.ShouldBeEmpty();
        rebuilt.Functions.Single().Name.ShouldBe("a");
        loader.LastLoadWasCacheHit.ShouldBeTrue();
    }

    [Fact]
    public void A_loader_without_cache_writes_nothing()
    {
        _folder.Write("a.csx", "Lf(\"a\", row => HAM);\n");
        var loader = new ScriptLoader(useCache: false);

        var set = Load(loader, _folder.File("cache"), "a.csx");

        set.Functions.Single().Name.ShouldBe("a");
        loader.LastLoad!.CachePath.ShouldBeNull();
        Directory.Exists(_folder.File("cache")).ShouldBeFalse();
    }

    [Fact]
    public void The_cache_folder_is_the_context_folder_when_given()
        => ScriptCache.Folder("/some/cache").ShouldBe(Path.Combine("/some/cache", "csx"));
}
