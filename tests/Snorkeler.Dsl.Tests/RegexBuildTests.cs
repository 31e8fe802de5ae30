namespace Snorkeler.Dsl.Tests;

/// <summary>
/// Regexes are built on the thread pool as soon as the parser meets them (see RegexBuilds): the diagnostics and the
/// votes must be those of building them in the checker, however often a file is loaded and in whatever order the builds finish.
/// </summary>
public sealed class RegexBuildTests
{
    private const string Text = """
        labels HAM, SPAM
        lf broken:
            when text matches /(a/ label SPAM
        lf backreference:
            when text matches /(a)\1/ label SPAM
        lf huge:
            when text matches /a{100000}/ label SPAM
        lf fine:
            when text matches /check.*out/i label SPAM
        lf also_broken:
            when text matches /[z-a]/ label HAM
        """;

    private static readonly string[] Expected =
    [
        "test.rules(3,24): error SNK0301: invalid regex: this '(' is never closed; close it with ')', or to match '(' itself, write \\(",
        "test.rules(5,27): error SNK0302: the regex uses a backreference (\\ number), which the linear-time regex engine cannot run; rewrite it without backreferences, lookarounds or atomic groups",
        "test.rules(7,23): error SNK0302: the regex is too large for the linear-time regex engine (a counted repetition such as {100000} unrolls into that many states; at most 10,000); use a smaller count or a simpler pattern",
        "test.rules(11,25): error SNK0301: invalid regex: [x-y] range in reverse order",
    ];

    [Fact]
    public void Bad_regexes_built_ahead_of_the_check_are_each_reported_at_their_literal_on_every_load()
    {
        // When: loaded three times (the second and third find the first load's builds, failed ones included)
        var loads = Enumerable.Range(0, 3).Select(_ => Rules.Diagnostics(Text)).ToList();

        // Then
        foreach (var diagnostics in loads) diagnostics.ShouldBe(Expected);
    }

    [Fact]
    public void Files_loaded_on_several_threads_at_once_get_the_same_diagnostics_and_votes()
    {
        // Given: a pattern no other test uses, so the threads race to build it; texts for both engines (up to 1,024 characters and longer)
        var id = Guid.NewGuid().ToString("N");
        var bad = $"labels HAM, SPAM\nlf probe:\n    when text matches /check.*out{id}/i label SPAM\nlf bad:\n    when text matches /(x/ label HAM\n";
        var good = $"labels HAM, SPAM\nlf probe:\n    when text matches /check.*out{id}/i label SPAM\n";
        var shortText = $"please CHECK this OUT{id.ToUpperInvariant()} now";
        var longText = $"please CHECK{new string('.', 2000)}OUT{id.ToUpperInvariant()} now";

        // When
        var results = Enumerable.Range(0, 8).AsParallel().Select(i => i % 2 == 0
            ? (Diagnostics: Rules.Diagnostics(bad), Votes: Array.Empty<int>())
            : (Diagnostics: Rules.Diagnostics(good), Votes: [Rules.Vote(good, ("text", shortText)), Rules.Vote(good, ("text", longText)), Rules.Vote(good, ("text", "check it out"))]))
            .ToList();

        // Then
        foreach (var (diagnostics, votes) in results)
        {
            if (votes.Length == 0) diagnostics.ShouldBe(["test.rules(5,24): error SNK0301: invalid regex: this '(' is never closed; close it with ')', or to match '(' itself, write \\("]);
            else
            {
                diagnostics.ShouldBeEmpty();
                votes.ShouldBe([1, 1, -1]);
            }
        }
    }
}
