using System.Net;
using System.Text.Json;

namespace Snorkeler.Studio.Tests;

/// <summary>
/// A tab's unsaved texts leave the server when the tab closes (the page's beacon, <c>POST /api/close</c>) or has been silent
/// for <see cref="StudioSettings.TabSilence"/> (before: they stayed in the numbers for as long as the studio ran).
/// </summary>
public sealed class ClosedTabTests
{
    private const string Rule = "\nlf spam_check:\n    when text contains \"check\" label SPAM\n";

    private static int LfCount(JsonElement state) => state.GetProperty("lfs").GetArrayLength();

    private static string[] Unsaved(JsonElement state) => state.GetProperty("unsaved").EnumerateArray().Select(f => f.GetString()!).ToArray();

    [Fact]
    public async Task A_closed_tab_s_unsaved_text_leaves_the_numbers_and_another_tab_s_text_of_the_file_stays()
    {
        // Given tab a's unsaved rule, then tab b's other text of the same file, which the numbers follow
        await using var studio = await StudioHarness.Start();
        var rules = File.ReadAllText(studio.RulesFile);
        await studio.Post("/api/check", new { path = "spam.rules", text = rules + Rule, tab = "a" });
        LfCount(await studio.Post("/api/check", new { path = "spam.rules", text = rules + Rule.Replace("check", "look", StringComparison.Ordinal), tab = "b" })).ShouldBe(8);

        // When a closes, b's text stays in force
        (await studio.Raw("/api/close?tab=a", "")).Status.ShouldBe(HttpStatusCode.NoContent);
        var afterA = await studio.Get("/api/state");
        Unsaved(afterA).ShouldBe(["spam.rules"]);
        afterA.GetProperty("lfs").EnumerateArray().Select(l => l.GetProperty("numbers").GetProperty("name").GetString()).ShouldContain("spam_look");

        // When b closes, the numbers follow the file on disk
        await studio.Raw("/api/close?tab=b", "");
        var afterB = await studio.Get("/api/state");
        Unsaved(afterB).ShouldBeEmpty();
        LfCount(afterB).ShouldBe(7);
        afterB.GetProperty("history").EnumerateArray().Last().GetProperty("reason").GetString().ShouldBe("tab closed");
    }

    [Fact]
    public async Task A_closed_tab_s_text_with_errors_leaves_the_diagnostics_and_the_other_tabs_see_a_new_version()
    {
        // Given tab a's unsaved text that does not check (the numbers stay the files' on disk)
        await using var studio = await StudioHarness.Start();
        var rules = File.ReadAllText(studio.RulesFile);
        var broken = await studio.Post("/api/check", new { path = "spam.rules", text = rules + "\nlf broken:\n    when text contains label\n", tab = "a" });
        broken.GetProperty("diagnostics").GetArrayLength().ShouldBeGreaterThan(0);

        // When a closes
        await studio.Raw("/api/close?tab=a", "");
        var after = await studio.Get("/api/state");

        // Then its diagnostics are gone and the version moved, so the pages that poll draw again (before: the LFs were the same, the version stayed)
        after.GetProperty("diagnostics").GetArrayLength().ShouldBe(0);
        after.GetProperty("version").GetInt32().ShouldBeGreaterThan(broken.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Closing_a_tab_is_refused_without_its_id_and_is_nothing_for_a_tab_with_no_unsaved_text()
    {
        await using var studio = await StudioHarness.Start();
        var rules = File.ReadAllText(studio.RulesFile);
        await studio.Post("/api/check", new { path = "spam.rules", text = rules + Rule, tab = "a" });

        var (status, body) = await studio.Raw("/api/close", "");
        (await studio.Raw("/api/close?tab=someone-else", "")).Status.ShouldBe(HttpStatusCode.NoContent);

        status.ShouldBe(HttpStatusCode.BadRequest);
        body.GetProperty("error").GetString().ShouldBe("give the tab that closes ('tab', the id its requests name)");
        Unsaved(await studio.Get("/api/state")).ShouldBe(["spam.rules"]);
    }

    [Fact]
    public async Task A_tab_silent_for_longer_than_the_tab_silence_loses_its_unsaved_text_and_a_tab_that_polls_keeps_its_own()
    {
        // Given tabs a and b, each with unsaved text of its own file, on a clock the test moves
        var clock = new ManualClock();
        await using var studio = await StudioHarness.Start(adjust: s => s with { Time = clock, TabSilence = TimeSpan.FromMinutes(10) });
        var rules = File.ReadAllText(studio.RulesFile);
        await studio.Post("/api/check", new { path = "spam.rules", text = rules + Rule, tab = "a" });
        await studio.Post("/api/check", new { path = "please_words.txt", text = "please\nplz\n", tab = "b" });

        // When b polls every nine minutes and a says nothing
        clock.Advance(TimeSpan.FromMinutes(9));
        await studio.Get("/api/state?tab=b");
        Unsaved(await studio.Get("/api/state")).ShouldBe(["please_words.txt", "spam.rules"]); // nine minutes: a is still there
        clock.Advance(TimeSpan.FromMinutes(9));
        var state = await studio.Get("/api/state?tab=b");

        // Then a's text is gone from the numbers, and b's stays
        Unsaved(state).ShouldBe(["please_words.txt"]);
        LfCount(state).ShouldBe(7);
        state.GetProperty("history").EnumerateArray().Last().GetProperty("reason").GetString().ShouldBe("tab silent");
    }

    [Theory]
    [InlineData(0, "StudioSettings.TabSilence (how long a tab no request names keeps its unsaved texts) must be longer than zero, not 00:00:00")]
    [InlineData(-90, "StudioSettings.TabSilence (how long a tab no request names keeps its unsaved texts) must be longer than zero, not -00:01:30")]
    public void A_tab_silence_of_no_time_is_refused_naming_the_setting(int seconds, string message)
    {
        // Given settings whose tab silence is not above zero (before: taken, and every tab lost its unsaved texts at once)
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp.File("lfs"));
        var settings = StudioHarness.Settings(temp) with { TabSilence = TimeSpan.FromSeconds(seconds) };

        // When the studio starts, then it is refused
        Should.Throw<SnorkelerException>(() => new StudioSession(settings).Dispose()).Message.ShouldBe(message);
    }

    [Theory]
    [InlineData(0, "00:00:00")]
    [InlineData(50 * 24 * 3600, "50.00:00:00")] // above the longest period a timer takes, 2^32 - 2 ms (it failed in the timer)
    public void A_poll_interval_of_no_time_or_longer_than_a_timer_takes_is_refused_naming_the_setting(int seconds, string shown)
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp.File("lfs"));
        var settings = StudioHarness.Settings(temp) with { PollInterval = TimeSpan.FromSeconds(seconds) };

        Should.Throw<SnorkelerException>(() => new StudioSession(settings).Dispose()).Message
            .ShouldBe($"StudioSettings.PollInterval (how often the LF folder is checked for changes) must be longer than zero and at most 49.17:02:47.2940000, not {shown}");
    }

    [Theory]
    [InlineData(0, null, "StudioSettings.Threads (worker threads for applying LFs) must be from 1 to 1024, not 0")]
    [InlineData(1025, null, "StudioSettings.Threads (worker threads for applying LFs) must be from 1 to 1024, not 1025")]
    [InlineData(2, 0, "StudioSettings.Sample (how many training rows the studio works on) must be above zero, or null for every row, not 0")]
    [InlineData(2, -5, "StudioSettings.Sample (how many training rows the studio works on) must be above zero, or null for every row, not -5")]
    public void Threads_or_a_sample_out_of_range_are_refused_naming_the_setting(int threads, int? sample, string message)
    {
        // Given settings a program made, as the command line would refuse them with --threads and --sample (before: 0 threads
        // were taken for 1, and a sample of 0 rows ended in "the data has no rows")
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp.File("lfs"));
        var settings = StudioHarness.Settings(temp) with { Threads = threads, Sample = sample };

        // When the studio starts, then it is refused
        Should.Throw<SnorkelerException>(() => new StudioSession(settings).Dispose()).Message.ShouldBe(message);
    }

    /// <summary>A clock that stands still until the test moves it.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
