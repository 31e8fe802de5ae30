using System.Net;
using System.Text.Json;

namespace Snorkeler.Studio.Tests;

/// <summary>Unsaved edits, discards and saves when the file also changes elsewhere (another editor, another tab).</summary>
public sealed class StudioEditingTests
{
    private static int LfCount(JsonElement state) => state.GetProperty("lfs").GetArrayLength();

    private static string WithoutKeywordMy(string rules)
    {
        var start = rules.IndexOf("lf keyword_my:", StringComparison.Ordinal);
        var end = rules.IndexOf("lf ", start + 3, StringComparison.Ordinal);
        return rules[..start] + rules[end..];
    }

    [Fact]
    public async Task Typing_environment_exit_in_a_script_shows_a_diagnostic_and_the_studio_keeps_running()
    {
        // Given: the studio runs the scripts on every edit; Environment.Exit in one ended the studio, unsaved edits and all
        await using var studio = await StudioHarness.Start(scripts: true);
        var script = File.ReadAllText(Path.Combine(studio.Lfs, "nlp.csx"));

        // When
        var state = await studio.Post("/api/check", new { path = "nlp.csx", text = "Environment.Exit(0);\n" + script });
        var after = await studio.Get("/api/state");

        // Then
        state.GetProperty("diagnostics").EnumerateArray().Select(d => d.GetProperty("text").GetString()).ShouldContain(
            "nlp.csx(1,1): error SNK0611: a script must not call Environment.Exit: it ends the whole process (a studio with it) before snorkeler "
            + "can say which LF or row stopped it; throw an exception instead (the run then fails naming the LF and the row)");
        after.GetProperty("clean").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task A_script_LF_that_throws_on_a_row_is_an_SNK0950_diagnostic_at_the_LF_and_the_numbers_stay_those_of_the_last_clean_edit()
    {
        // Given: docs/studio.md says what the editor lists when an LF fails on a row; the code, SNK0950, was in no doc,
        // and the message named the LF's file again, by its full path, after the prefix that names it
        await using var studio = await StudioHarness.Start(scripts: true);
        var script = File.ReadAllText(Path.Combine(studio.Lfs, "nlp.csx"));
        var before = await studio.Get("/api/state");

        // When
        var state = await studio.Post("/api/check", new { path = "nlp.csx", text = "Lf(\"boom\", row => throw new InvalidOperationException(\"no\"));\n" + script });
        var after = await studio.Get("/api/state");

        // Then
        var failed = state.GetProperty("diagnostics").EnumerateArray().Select(d => d.GetProperty("text").GetString()).Single(t => t!.Contains("SNK0950"));
        failed.ShouldBe("nlp.csx(1,1): error SNK0950: LF 'boom' failed on row 1 (" + StudioHarness.TrainPath + " line 2): InvalidOperationException: no");
        LfCount(after).ShouldBe(LfCount(before));
    }

    [Fact]
    public async Task An_SNK0950_diagnostic_keeps_the_LF_s_own_message_as_it_is_even_where_it_quotes_the_LF()
    {
        // Given an LF whose exception quotes the words the CLI's message names it by (the studio cut those words out of the
        // whole message, the LF's own text too, to name the LF without its place)
        await using var studio = await StudioHarness.Start(scripts: true);
        var script = File.ReadAllText(Path.Combine(studio.Lfs, "nlp.csx"));
        var quoted = $"LF 'boom' ({Path.Combine(studio.Lfs, "nlp.csx")}(1,1)) wants a title";

        // When
        var state = await studio.Post("/api/check", new { path = "nlp.csx", text = $"Lf(\"boom\", row => throw new InvalidOperationException(@\"{quoted}\"));\n" + script });

        // Then the LF is named once, without its place, and its message is left whole
        var failed = state.GetProperty("diagnostics").EnumerateArray().Select(d => d.GetProperty("text").GetString()).Single(t => t!.Contains("SNK0950"));
        failed.ShouldBe("nlp.csx(1,1): error SNK0950: LF 'boom' failed on row 1 (" + StudioHarness.TrainPath + " line 2): InvalidOperationException: " + quoted);
    }

    [Fact]
    public async Task A_script_LF_past_its_time_budget_on_a_row_is_an_SNK0950_diagnostic_as_one_that_throws()
    {
        // Given: an LF past --lf-timeout made the check request fail (400) instead of being listed at the LF as a throwing one is;
        // its call sleeps once, so the abandoned thread ends soon after
        await using var studio = await StudioHarness.Start(scripts: true, lfTimeBudget: TimeSpan.FromSeconds(1));
        var script = File.ReadAllText(Path.Combine(studio.Lfs, "nlp.csx"));
        var before = await studio.Get("/api/state");
        const string Slow = "static int calls;\nLf(\"slow\", row => { if (System.Threading.Interlocked.Increment(ref calls) == 1) System.Threading.Thread.Sleep(3000); return ABSTAIN; });\n";

        // When
        var state = await studio.Post("/api/check", new { path = "nlp.csx", text = Slow + script });
        var after = await studio.Get("/api/state");

        // Then
        var failed = state.GetProperty("diagnostics").EnumerateArray().Select(d => d.GetProperty("text").GetString()).Single(t => t!.Contains("SNK0950"));
        // (the LF's file was named again, by its full path, after the prefix that names it)
        failed.ShouldStartWith("nlp.csx(2,1): error SNK0950: LF 'slow' did not finish within 1 s on row ");
        failed.ShouldNotContain(studio.Lfs);
        LfCount(after).ShouldBe(LfCount(before));
    }

    [Fact]
    public async Task Checking_a_new_file_not_saved_yet_returns_its_diagnostics_and_its_LFs()
    {
        // Given: the page edits a file that is not on disk yet; its text was accepted but never loaded, so it got no diagnostics until saved
        await using var studio = await StudioHarness.Start();
        const string misspelt = "lf has_free:\n    when text contains \"free\" label SPAMM\n";
        const string fixedText = "lf has_free:\n    when text contains \"free\" label SPAM\n";

        // When
        var broken = await studio.Post("/api/check", new { path = "rules/new.rules", text = misspelt });
        var fixedState = await studio.Post("/api/check", new { path = "rules/new.rules", text = fixedText });
        var discarded = await studio.Post("/api/discard", new { path = "rules/new.rules" });

        // Then: checked as the new file, and nothing written
        broken.GetProperty("diagnostics").EnumerateArray().Select(d => d.GetProperty("text").GetString()).ShouldContain(t => t!.StartsWith(
            "rules/new.rules(2,37): error SNK0007: unknown label 'SPAMM'; did you mean 'SPAM'?", StringComparison.Ordinal));
        broken.GetProperty("clean").GetBoolean().ShouldBeFalse();
        fixedState.GetProperty("clean").GetBoolean().ShouldBeTrue();
        fixedState.GetProperty("lfs").EnumerateArray().Select(l => l.GetProperty("numbers").GetProperty("name").GetString()).ShouldContain("has_free");
        discarded.GetProperty("lfs").EnumerateArray().Select(l => l.GetProperty("numbers").GetProperty("name").GetString()).ShouldNotContain("has_free");
        File.Exists(Path.Combine(studio.Lfs, "rules", "new.rules")).ShouldBeFalse();
    }

    [Fact]
    public async Task A_path_written_with_backslashes_names_the_same_file_as_with_slashes()
    {
        // Given: a script driving the API from Windows habits; on Linux "rules\\extra.rules" was one file named with a
        // backslash, listed as "rules/extra.rules", a path that then was not found
        await using var studio = await StudioHarness.Start();
        const string text = "lf has_free:\n    when text contains \"free\" label SPAM\n";

        // When
        var state = await studio.Post("/api/save", new { path = "rules\\extra.rules", text });
        var read = await studio.Get("/api/file?path=rules/extra.rules");

        // Then
        File.ReadAllText(Path.Combine(studio.Lfs, "rules", "extra.rules")).ShouldBe(text);
        state.GetProperty("files").EnumerateArray().Select(f => f.GetString()).ShouldContain("rules/extra.rules");
        read.GetProperty("text").GetString().ShouldBe(text);
    }

    [Fact]
    public async Task Discarding_an_unsaved_edit_puts_the_numbers_back_to_the_file_on_disk()
    {
        await using var studio = await StudioHarness.Start();
        var rules = File.ReadAllText(studio.RulesFile);
        var edited = await studio.Post("/api/check", new { path = "spam.rules", text = WithoutKeywordMy(rules) });
        LfCount(edited).ShouldBe(6);

        var discarded = await studio.Post("/api/discard", new { path = "spam.rules" });
        var afterAnotherSave = await studio.Post("/api/save", new { path = "please_words.txt", text = File.ReadAllText(Path.Combine(studio.Lfs, "please_words.txt")) });

        LfCount(discarded).ShouldBe(7);
        LfCount(afterAnotherSave).ShouldBe(7);
        discarded.GetProperty("history").EnumerateArray().Last().GetProperty("reason").GetString().ShouldBe("discard");
    }

    [Fact]
    public async Task An_unsaved_edit_of_a_keyword_list_counts_in_the_numbers_as_an_unsaved_rule_edit_does()
    {
        // Given the keyword list of keyword_please, with 'check' added in the editor and not saved
        await using var studio = await StudioHarness.Start();
        var onDisk = File.ReadAllText(Path.Combine(studio.Lfs, "please_words.txt"));
        var before = StudioHarness.Lf(await studio.Get("/api/state"), "keyword_please").GetProperty("coverage").GetDouble();

        // When
        var edited = await studio.Post("/api/check", new { path = "please_words.txt", text = onDisk + "check\n" });
        var discarded = await studio.Post("/api/discard", new { path = "please_words.txt" });

        // Then the LF fires on more rows while the edit is open (before: the list on disk was read), and as before once it is discarded
        StudioHarness.Lf(edited, "keyword_please").GetProperty("coverage").GetDouble().ShouldBeGreaterThan(before);
        StudioHarness.Lf(discarded, "keyword_please").GetProperty("coverage").GetDouble().ShouldBe(before);
        File.ReadAllText(Path.Combine(studio.Lfs, "please_words.txt")).ShouldBe(onDisk);
    }

    [Fact]
    public async Task A_new_keyword_list_not_saved_yet_is_read_by_the_rule_that_names_it()
    {
        // Given a rule naming a keyword list that exists only in the editor
        await using var studio = await StudioHarness.Start();
        var rules = File.ReadAllText(studio.RulesFile) + "\nlet promo_words = lines(\"promo_words.txt\")\n\nlf keyword_promo:\n    when text contains any promo_words label SPAM\n";

        // When
        await studio.Post("/api/check", new { path = "promo_words.txt", text = "check\nsubscribe\n" });
        var state = await studio.Post("/api/check", new { path = "spam.rules", text = rules });

        // Then
        state.GetProperty("diagnostics").EnumerateArray().Where(d => d.GetProperty("severity").GetString() == "error").ShouldBeEmpty();
        StudioHarness.Lf(state, "keyword_promo").GetProperty("coverage").GetDouble().ShouldBeGreaterThan(0);
        File.Exists(Path.Combine(studio.Lfs, "promo_words.txt")).ShouldBeFalse();
    }

    [Fact]
    public async Task An_unsaved_edit_of_a_script_that_another_script_loads_counts_in_the_numbers()
    {
        // Given a script whose LF calls a helper of a script it #loads from a subfolder, the helper's word changed in the editor and not saved
        await using var studio = await StudioHarness.Start();
        await studio.Post("/api/save", new { path = "lib/words.csx", text = "static bool Promo(string text) => text.Contains(\"qxqxq\", StringComparison.OrdinalIgnoreCase);\n" });
        var saved = await studio.Post("/api/save", new { path = "promo.csx", text = "#load \"lib/words.csx\"\nLf(\"promo\", row => Promo(row.Text(\"text\")) ? SPAM : ABSTAIN);\n" });

        // When
        var edited = await studio.Post("/api/check", new { path = "lib/words.csx", text = "static bool Promo(string text) => text.Contains(\"check\", StringComparison.OrdinalIgnoreCase);\n" });
        var discarded = await studio.Post("/api/discard", new { path = "lib/words.csx" });

        // Then the LF fires on the rows holding 'check' while the edit is open, and on none once it is discarded
        StudioHarness.Lf(saved, "promo").GetProperty("coverage").GetDouble().ShouldBe(0);
        StudioHarness.Lf(edited, "promo").GetProperty("coverage").GetDouble().ShouldBeGreaterThan(0);
        StudioHarness.Lf(discarded, "promo").GetProperty("coverage").GetDouble().ShouldBe(0);
    }

    [Fact]
    public async Task Renaming_a_class_the_dev_gold_labels_use_is_an_error_in_the_diagnostics_until_it_is_renamed_back()
    {
        // Given a dev file whose gold labels are class names (before: the check was refused with 400 and the state said clean, with the
        // numbers of the previous edit; a save wrote the file and answered 400, and a change on disk was passed over in silence)
        using var temp = new TempFolder();
        var dev = temp.Write("dev.csv", "text,label\nsubscribe to my channel,SPAM\nnice song,HAM\n");
        await using var studio = await StudioHarness.Start(devFile: dev, goldColumn: "label", adjust: settings => settings with { Schema = null });
        var rules = File.ReadAllText(studio.RulesFile);
        var renamed = rules.Replace("SPAM", "JUNK", StringComparison.Ordinal);

        // When
        var broken = await studio.Post("/api/check", new { path = "spam.rules", text = renamed });
        var back = await studio.Post("/api/check", new { path = "spam.rules", text = rules });

        // Then
        broken.GetProperty("clean").GetBoolean().ShouldBeFalse();
        broken.GetProperty("diagnostics").EnumerateArray().Select(d => d.GetProperty("text").GetString()).ShouldContain(
            $"error SNK0906: the dev data's gold labels do not fit the LFs' classes: {dev}(2): column 'label': 'SPAM' is not a class (HAM, JUNK) or a class number 0..1");
        back.GetProperty("clean").GetBoolean().ShouldBeTrue();
        back.GetProperty("classes").EnumerateArray().Select(c => c.GetString()).ShouldBe(["HAM", "SPAM"]);
    }

    [Fact]
    public async Task A_page_that_starts_afresh_discards_every_unsaved_edit()
    {
        await using var studio = await StudioHarness.Start();
        await studio.Post("/api/check", new { path = "spam.rules", text = WithoutKeywordMy(File.ReadAllText(studio.RulesFile)) });

        var fresh = await studio.Post("/api/discard", new { });

        LfCount(fresh).ShouldBe(7);
        studio.Session.Unsaved.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_change_on_disk_to_a_file_with_unsaved_edits_keeps_the_edits_and_shows_the_new_version()
    {
        await using var studio = await StudioHarness.Start();
        var loaded = await studio.Get("/api/file?path=spam.rules");
        var version = loaded.GetProperty("version").GetString();
        await studio.Post("/api/check", new { path = "spam.rules", text = WithoutKeywordMy(loaded.GetProperty("text").GetString()!), version });

        File.AppendAllText(studio.RulesFile, "\n# another editor\n");
        var state = await studio.StateWhen(s => s.GetProperty("versions").GetProperty("spam.rules").GetString() != version);

        state.GetProperty("versions").GetProperty("spam.rules").GetString().ShouldNotBe(version);
        LfCount(state).ShouldBe(6); // the numbers still follow the text the page shows
    }

    [Fact]
    public async Task Saving_over_a_change_made_since_the_file_was_loaded_is_refused_with_409_and_saving_without_a_version_overwrites()
    {
        await using var studio = await StudioHarness.Start();
        var loaded = await studio.Get("/api/file?path=spam.rules");
        var version = loaded.GetProperty("version").GetString();
        var rules = loaded.GetProperty("text").GetString()!;
        var tabA = rules + "\nlf added_by_a:\n    when text contains \"added\" label SPAM\n";
        var tabB = rules.Replace("< 5", "< 6", StringComparison.Ordinal);

        var savedByA = await studio.Post("/api/save", new { path = "spam.rules", text = tabA, version });
        var (status, refusal) = await studio.Raw("/api/save", JsonSerializer.Serialize(new { path = "spam.rules", text = tabB, version }));

        savedByA.GetProperty("versions").GetProperty("spam.rules").GetString().ShouldNotBe(version);
        status.ShouldBe(HttpStatusCode.Conflict);
        refusal.GetProperty("error").GetString().ShouldBe(
            "spam.rules changed on disk since this page loaded it (another editor, a git checkout or another studio tab saved it): reload it to see the change, or save again to overwrite it");
        File.ReadAllText(studio.RulesFile).ShouldBe(tabA);

        await studio.Post("/api/save", new { path = "spam.rules", text = tabB });
        File.ReadAllText(studio.RulesFile).ShouldBe(tabB);
    }

    [Fact]
    public async Task A_file_changed_by_another_editor_while_the_page_has_unsaved_edits_is_not_overwritten()
    {
        await using var studio = await StudioHarness.Start();
        var loaded = await studio.Get("/api/file?path=spam.rules");
        var version = loaded.GetProperty("version").GetString();
        var edit = WithoutKeywordMy(loaded.GetProperty("text").GetString()!);
        await studio.Post("/api/check", new { path = "spam.rules", text = edit, version });
        File.AppendAllText(studio.RulesFile, "\n# another editor\n");

        var (status, _) = await studio.Raw("/api/save", JsonSerializer.Serialize(new { path = "spam.rules", text = edit, version }));

        status.ShouldBe(HttpStatusCode.Conflict);
        File.ReadAllText(studio.RulesFile).ShouldEndWith("# another editor\n");
    }

    [Fact]
    public async Task Accepting_a_suggestion_does_not_append_to_unsaved_edits_of_a_file_that_changed_on_disk()
    {
        await using var studio = await StudioHarness.Start(rules: "labels HAM, SPAM\n\nlf keyword_subscribe:\n    when text contains \"subscribe\" label SPAM\n");
        var loaded = await studio.Get("/api/file?path=spam.rules");
        var version = loaded.GetProperty("version").GetString();
        await studio.Post("/api/check", new { path = "spam.rules", text = loaded.GetProperty("text").GetString() + "\n# mine\n", version });
        File.AppendAllText(studio.RulesFile, "\n# another editor\n");
        var top = (await studio.Get("/api/suggestions?limit=1"))[0];

        var (status, refusal) = await studio.Raw("/api/suggestions/accept", JsonSerializer.Serialize(new { id = top.GetProperty("id").GetString() }));

        status.ShouldBe(HttpStatusCode.Conflict);
        refusal.GetProperty("error").GetString()!.ShouldStartWith("spam.rules changed on disk since this page loaded it");
        File.ReadAllText(studio.RulesFile).ShouldEndWith("# another editor\n");
    }
}
