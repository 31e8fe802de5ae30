using System.Globalization;
using Snorkeler.Data;
using Snorkeler.Loading;

namespace Snorkeler.Dsl.Tests;

/// <summary>
/// The rules files shipped in the repository, changed in one place at a time in every way a person or an editor
/// changes them: loading never throws or hangs, and every problem is a diagnostic in the compiler format, inside the
/// file, at or before the change, saying nothing of .NET. A bigger run: SNORKELER_FUZZ_MUTANTS=20000 (and
/// SNORKELER_FUZZ_SEED) with <c>--filter MutationFuzzTests</c>.
/// </summary>
public sealed class MutationFuzzTests
{
    private static readonly string[] Vocabulary =
    [
        "lf", "let", "labels", "when", "label", "and", "or", "not", "contains", "any", "all", "matches", "in", "between", "is", "missing",
        "true", "false", "(", ")", "[", "]", ",", ":", "=", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "#", "\\",
        "text", "SPAM", "HAM", "ABSTAIN", "lower(", "lines(\"", "lines(\"../x.txt\")", "word_count(", "count(", "1e", "1.5", "99999999999999999999",
        "/a(b/", "/(?=a)/", "/(a)\\1/", "/a{2,1}/", "/x/q", "\"\\q\"", "whenn", "lable", "contans", "starts_with", "'x'", "“x”",
        "lf a:\n    when true label HAM\n", "let w = 1\n", "labels A\n", "\n  lf", "`first name`", "undefined_name",
    ];

    /// <summary>Literals, comments and brackets left open.</summary>
    private static readonly string[] Openers = ["\"", "/", "`", "(", "[", "#", "\"\\"];

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    /// <summary>The shipped rules files: path, text, and the fields they read (the columns the data is given).</summary>
    public static IReadOnlyList<(string Path, string Text, string[] Fields)> Shipped { get; } =
        new[] { "examples", "labeling-functions" }
            .Select(d => TestPaths.InRepo(d))
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*.rules", SearchOption.AllDirectories))
            .Order(StringComparer.Ordinal)
            .Select(p => (p, File.ReadAllText(p), Fields(p)))
            .ToList();

    private static string[] Fields(string path)
    {
        var set = RulesLoader.LoadText(path, File.ReadAllText(path));
        set.Diagnostics.Where(d => d.IsError).ShouldBeEmpty();
        // Every name a condition reads that is not a let or a function: the syntax tree's references.
        var file = Syntax.RulesParser.Parse(path, File.ReadAllText(path));
        var lets = file.Items.OfType<Syntax.LetDeclaration>().Select(l => l.Name.Text).ToHashSet();
        var pending = new Stack<Syntax.Expression>(file.Items.OfType<Syntax.LfDeclaration>().SelectMany(l => l.Clauses).Select(c => c.Condition));
        var fields = new List<string>();
        while (pending.TryPop(out var e))
        {
            switch (e)
            {
                case Syntax.Reference r when !lets.Contains(r.Name): fields.Add(r.Name); break;
                case Syntax.Binary b: pending.Push(b.Left); pending.Push(b.Right); break;
                case Syntax.Unary u: pending.Push(u.Operand); break;
                case Syntax.Call c: c.Arguments.ToList().ForEach(pending.Push); break;
            }
        }
        return fields.Distinct().Order(StringComparer.Ordinal).ToArray();
    }

    [Fact]
    public void The_shipped_rules_files_are_found()
    {
        Shipped.Count.ShouldBeGreaterThanOrEqualTo(3);
        Shipped.ShouldAllBe(f => f.Fields.Length > 0);
    }

    [Fact]
    public void Four_hundred_mutants_of_the_shipped_rules_files_end_in_well_placed_diagnostics()
    {
        var count = int.Parse(Environment.GetEnvironmentVariable("SNORKELER_FUZZ_MUTANTS") ?? "400", CultureInfo.InvariantCulture);
        var seed = int.Parse(Environment.GetEnvironmentVariable("SNORKELER_FUZZ_SEED") ?? "3801", CultureInfo.InvariantCulture);
        var problems = new List<string>();
        foreach (var (path, text, fields) in Shipped)
        {
            var mutator = new Mutator(text, Vocabulary, Openers, fields);
            foreach (var mutant in mutator.Random(seed, count / Shipped.Count))
                problems.AddRange(Problems(path, fields, mutant));
        }
        Report(problems);
    }

    [Fact]
    public void The_shipped_rules_files_cut_short_anywhere_end_in_well_placed_diagnostics()
    {
        var problems = new List<string>();
        foreach (var (path, text, fields) in Shipped)
            foreach (var mutant in new Mutator(text, Vocabulary, Openers, fields).Truncations(step: 5))
                problems.AddRange(Problems(path, fields, mutant));
        Report(problems);
    }

    [Fact]
    public void Line_endings_a_byte_order_mark_and_tabs_change_nothing_in_the_shipped_rules_files()
    {
        foreach (var (path, text, fields) in Shipped)
        {
            var original = Load(path, text, fields);
            foreach (var mutant in new Mutator(text, Vocabulary, Openers, fields).MeaningKept())
            {
                var set = Load(path, mutant.Text, fields);
                // The same diagnostics on the same lines (a tab is one column where there were four spaces).
                set.Diagnostics.Select(d => (d.Code, d.Location!.Line, d.Message)).ShouldBe(original.Diagnostics.Select(d => (d.Code, d.Location!.Line, d.Message)), $"{Path.GetFileName(path)}: {mutant.Kind}");
                set.Functions.Select(f => f.Name).ShouldBe(original.Functions.Select(f => f.Name));
            }
        }
    }

    private static void Report(List<string> problems)
    {
        if (problems.Count == 0) return;
        if (Environment.GetEnvironmentVariable("SNORKELER_FUZZ_REPORT") is { Length: > 0 } file) File.AppendAllLines(file, problems.Select(p => p.ReplaceLineEndings("⏎")));
        // One line per problem, the first few in full: a class of failure shows as many lines alike.
        Assert.Fail($"{problems.Count} problems; the first:\n" + string.Join("\n", problems.Take(25)));
    }

    private static LfSet Load(string path, string text, string[] fields)
        => RulesLoader.LoadText(path, text, dataColumns: new DataSchema(fields), root: Path.GetDirectoryName(path));

    /// <summary>What is wrong with loading a mutant: an exception, a hang, or a diagnostic out of shape or out of place.</summary>
    internal static IEnumerable<string> Problems(string path, string[] fields, Mutant mutant)
    {
        var name = Path.GetFileName(path);
        var run = OwnThread.Run(() =>
        {
            var set = Load(path, mutant.Text, fields);
            // Every LF that loads also runs.
            var row = Rules.Row([.. fields.Select((f, k) => (f, k == 0 ? (string?)"Check out my song http://x 12" : null))]);
            foreach (var lf in set.Functions) lf.Bind(row.Schema)(row);
            return set;
        });
        LfSet loaded;
        try
        {
            if (!run.Wait(Patience)) return [$"{name}: hangs: {mutant.Describe()}"];
            loaded = run.Result;
        }
        catch (AggregateException e)
        {
            return [$"{name}: throws {e.InnerException!.GetType().Name}: {e.InnerException.Message}: {mutant.Describe()}"];
        }
        // Errors about a name the file defines nowhere (a field the data lacks, no classes) are at its first use, the only
        // place there is. A class misspelt or lost in the 'labels' line (SNK0007) is not let through: it is reported at the
        // declaration, or at its uses naming the line the classes are declared on.
        return Placement.Problems(path, mutant, loaded.Diagnostics.Where(d => d.IsError).ToList(), d => d.Code is "SNK0103" or "SNK0008", dotNetWords: true)
            .Select(p => $"{name}: {p}: {mutant.Describe()}");
    }
}
