using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Snorkeler.Dsl.Compilation;

namespace Snorkeler.Dsl.Semantics;

/// <summary>
/// The regexes of rule files, built on the thread pool as soon as the parser meets them. Building one is costly
/// (for <c>/check.*out/i</c>, ~30 ms of CPU for the non-backtracking engine's automaton and ~25 ms for the compiled
/// engine's code) and used to sit between reading the rules and the first row; started early, it runs on the other
/// core while the rest of the file is parsed and checked and the data opened. The checker and the compiler take the
/// built regex, waiting for it if need be. A pattern that does not build throws the same exception, from the same
/// call in the checker, so its diagnostic is unchanged; the thread it was built on changes nothing else.
/// </summary>
internal static class RegexBuilds
{
    /// <summary>Patterns kept; past this many (a long studio session re-parsing edited files) the store starts afresh.</summary>
    private const int Capacity = 256;

    private static readonly ConcurrentDictionary<(string Pattern, RegexOptions Options), Lazy<Regex>> Builds = new();

    /// <summary>The options a rule's regex is checked and run with: the non-backtracking engine, invariant culture, and the flags.</summary>
    public static RegexOptions CheckedOptions(string flags)
    {
        var options = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant;
        foreach (var flag in flags)
            options |= flag switch { 'i' => RegexOptions.IgnoreCase, 'm' => RegexOptions.Multiline, _ => RegexOptions.Singleline };
        return options;
    }

    /// <summary>The options of the compiled backtracking engine that <see cref="Matches.Faster"/> runs simple patterns on.</summary>
    public static RegexOptions BacktrackingOptions(RegexOptions checkedOptions)
        => (checkedOptions & ~RegexOptions.NonBacktracking) | RegexOptions.Compiled;

    /// <summary>
    /// The longest pattern a rule may have (SNK0302). The engine refuses an automaton of more than 10,000 states, but
    /// finds that out only after building the pattern's tree, in time that grows with the square of its alternatives:
    /// 0.14 s for 5,000 words (44,000 characters), 1 s for 20,000, 5 s for 50,000, 31 s for 100,000 (1 MB). A pattern
    /// longer than this is
    /// refused unbuilt, at once; below it the engine's own refusal takes at most about 0.2 s.
    /// </summary>
    public const int MaxPatternLength = 50_000;

    /// <summary>Starts building the regexes a literal <c>/pattern/flags</c> needs (the checked one, and the fast one when the pattern is simple).</summary>
    public static void Start(string pattern, string flags)
    {
        if (pattern.Length > MaxPatternLength || !NeedsEngine(pattern)) return;
        var options = CheckedOptions(flags);
        Queue(pattern, options);
        if (Matches.WantsBacktracking(pattern)) Queue(pattern, BacktrackingOptions(options));
    }

    /// <summary>
    /// Whether running <paramref name="pattern"/> takes a regex engine. Under Native AOT a <c>LITERAL.*LITERAL</c> pattern
    /// runs as a <see cref="LiteralGap"/> and needs none; such a pattern is valid and supported on every engine, so
    /// the checker has nothing to find in it either. Not building its non-backtracking automaton was 2.7 % of a
    /// 10 K-row run's CPU (docs/benchmarks.md, sixth pass).
    /// </summary>
    public static bool NeedsEngine(string pattern)
        => System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeCompiled || !LiteralGap.Applies(pattern);

    /// <summary>The regex, built here if no one started it; throws what <c>new Regex(pattern, options)</c> throws.</summary>
    public static Regex Get(string pattern, RegexOptions options) => Entry(pattern, options).Value;

    private static Lazy<Regex> Entry(string pattern, RegexOptions options)
    {
        if (Builds.Count >= Capacity) Builds.Clear();
        // ExecutionAndPublication: one build per pattern, a caller arriving mid-build waits for it, and a failed build's exception is kept and rethrown.
        return Builds.GetOrAdd((pattern, options),
            static key => new Lazy<Regex>(() => new Regex(key.Pattern, key.Options), LazyThreadSafetyMode.ExecutionAndPublication));
    }

    private static void Queue(string pattern, RegexOptions options)
    {
        var build = Entry(pattern, options);
        if (build.IsValueCreated) return;
        ThreadPool.UnsafeQueueUserWorkItem(static b =>
        {
            // Whatever a build throws, the Lazy keeps it and rethrows it to Get, on the thread that would have built it before.
            try { _ = b.Value; }
            catch (Exception) { }
        }, build, preferLocal: false);
    }
}

/// <summary>
/// A rule's regex literal as the checker binds it: the pattern and the options it is checked and run with. The
/// <see cref="Regex"/> itself is built (or taken from <see cref="RegexBuilds"/>) only when something runs it.
/// </summary>
internal sealed class RulePattern(string pattern, RegexOptions options)
{
    public string Pattern => pattern;

    public RegexOptions Options => options;

    /// <summary>The regex on the non-backtracking engine.</summary>
    public Regex Regex => RegexBuilds.Get(pattern, options);

    public override string ToString() => "/" + pattern + "/" + options;
}
