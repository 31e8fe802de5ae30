using System.Globalization;
using Snorkeler.Data;
using Snorkeler.Loading;

namespace Snorkeler.Scripting.Tests;

/// <summary>
/// The shipped C# script LFs, changed in one place at a time: loading never throws or hangs, and every problem is a
/// diagnostic in the compiler format, inside the file, at or before the change. Few mutants (each one compiles with
/// Roslyn); a bigger run: SNORKELER_FUZZ_MUTANTS=200 with <c>--filter ScriptMutationFuzzTests</c>.
/// </summary>
public sealed class ScriptMutationFuzzTests
{
    private static readonly string[] Vocabulary =
    [
        "var", "static", "return", "new", "null", "int", "string", "=>", ";", ",", ".", "{", "}", "(", ")", "[", "]", "=", "==", "?", ":",
        "Lf(", "row", "HAM", "SPAM", "ABSTAIN", "row.Text(\"txet\")", "new Regex(\"(\")", "Regex.IsMatch(row.Text(\"text\"), @\"a[\")",
        "throw new InvalidOperationException(\"x\");", "Lf(\"x\", row => HAM);", "#load \"nope.csx\"", "#r \"nope.dll\"", "é", "\t",
    ];

    private static readonly string[] Openers = ["\"", "/*", "\"\"\"", "@\"", "(", "{", "[", "'", "$\"{", "//"];

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Mutants_of_the_shipped_scripts_end_in_well_placed_diagnostics()
    {
        // Given
        var count = int.Parse(Environment.GetEnvironmentVariable("SNORKELER_FUZZ_MUTANTS") ?? "12", CultureInfo.InvariantCulture);
        var seed = int.Parse(Environment.GetEnvironmentVariable("SNORKELER_FUZZ_SEED") ?? "3801", CultureInfo.InvariantCulture);
        var scripts = new[] { "examples", "labeling-functions" }.Select(d => TestPaths.InRepo(d)).Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*.csx", SearchOption.AllDirectories)).Order(StringComparer.Ordinal).ToList();
        scripts.ShouldNotBeEmpty();
        var problems = new List<string>();

        foreach (var path in scripts)
        {
            var text = File.ReadAllText(path);
            foreach (var mutant in new Mutator(text, Vocabulary, Openers, ["\"text\""]).Random(seed, count / scripts.Count))
            {
                // When
                using var folder = new TempFolder();
                // The loader takes the text given; the file beside it (a lone surrogate written as U+FFFD) is for paths only.
                var copy = folder.File(Path.GetFileName(path));
                File.WriteAllText(copy, mutant.Text, new System.Text.UTF8Encoding(false));
                var run = OwnThread.Run(() => new ScriptLoader(useCache: false).Load(
                    [new LfSourceFile(copy, mutant.Text)], new LfLoadContext(ScriptTestKit.HamSpam, new DataSchema(["text"]), folder.Path)));

                // Then
                LfSet loaded;
                try
                {
                    loaded = await run.WaitAsync(Patience);
                }
                catch (TimeoutException)
                {
                    problems.Add($"hangs: {mutant.Describe()}");
                    continue;
                }
                catch (Exception e)
                {
                    problems.Add($"throws {e.GetType().Name}: {e.Message}: {mutant.Describe()}");
                    continue;
                }
                // Compiler errors about a name used far from where it is declared are rightly at the use. A bracket left
                // open is not let through: the error is placed at the open bracket (UnclosedBracket).
                problems.AddRange(Placement.Problems(copy, mutant, loaded.Diagnostics.Where(d => d.IsError).ToList(), d => d.Code is "CS0103", dotNetWords: false)
                    .Select(p => $"{p}: {mutant.Describe()}"));
            }
        }

        if (Environment.GetEnvironmentVariable("SNORKELER_FUZZ_REPORT") is { Length: > 0 } report) File.AppendAllLines(report, problems.Select(p => p.ReplaceLineEndings("⏎")));
        problems.ShouldBeEmpty();
    }
}
