using System.Net;
using System.Text;
using System.Text.Json;

namespace Snorkeler.Studio.Tests;

/// <summary>Files made, renamed and deleted through the API, their refusals, and two tabs editing one file unsaved.</summary>
public sealed class StudioFileTests
{
    private const string CheckRule = "\nlf spam_check:\n    when text contains \"check\" label SPAM\n";
    private const string LookRule = "\nlf spam_look:\n    when text contains \"look\" label SPAM\n";

    /// <summary>The name of a hidden file as the studio writes one: <c>.NAME.PID.GUID.SUFFIX</c>.</summary>
    private static string Hidden(string name, int pid, string suffix) => $".{name}.{pid}.{Guid.NewGuid():N}.{suffix}";

    /// <summary>A studio started on its LF folder with <paramref name="files"/> (name in the folder, text) there first, as a killed studio leaves them.</summary>
    private static Task<StudioHarness> StartWith((string Name, string Text)[] files, Func<StudioSettings, StudioSettings>? adjust = null)
        => StudioHarness.Start(adjust: settings =>
        {
            foreach (var (name, text) in files) File.WriteAllText(Path.Combine(settings.LfFolder, name), text);
            return adjust is null ? settings : adjust(settings);
        });

    [Fact]
    public async Task Creating_a_rules_file_writes_it_and_its_LFs_join_the_numbers()
    {
        await using var studio = await StudioHarness.Start();

        var state = await studio.Post("/api/files/create", new { path = "topic/more.rules", text = "lf spam_check:\n    when text contains \"check\" label SPAM\n" });

        File.ReadAllText(Path.Combine(studio.Lfs, "topic", "more.rules")).ShouldStartWith("lf spam_check:");
        Files(state).ShouldContain("topic/more.rules");
        state.GetProperty("clean").GetBoolean().ShouldBeTrue(Diagnostics(state));
        StudioHarness.Lf(state, "spam_check").GetProperty("file").GetString().ShouldBe("topic/more.rules");
        state.GetProperty("history").EnumerateArray().Last().GetProperty("reason").GetString().ShouldBe("new file");
    }

    [Fact]
    public async Task Creating_an_empty_file_of_each_kind_leaves_the_folder_checking_clean()
    {
        await using var studio = await StudioHarness.Start(scripts: true);

        foreach (var name in new[] { "empty.rules", "empty.csx", "words.txt" })
        {
            var state = await studio.Post("/api/files/create", new { path = name, text = "" });
            File.ReadAllText(Path.Combine(studio.Lfs, name)).ShouldBe("");
            state.GetProperty("clean").GetBoolean().ShouldBeTrue($"{name}: {Diagnostics(state)}");
        }
    }

    [Fact]
    public async Task A_rules_file_made_without_text_starts_with_the_classes_and_a_commented_example_rule_and_checks_without_a_word()
    {
        // Given the studio (before: the file was empty, and the checker warned that it declares no LF)
        await using var studio = await StudioHarness.Start();

        // When
        var state = await studio.Post("/api/files/create", new { path = "topic/more.rules" });

        // Then the classes are named, the example is the rule language's, and nothing is reported
        File.ReadAllText(Path.Combine(studio.Lfs, "topic", "more.rules")).ShouldBe("""
            # more.rules: labelling functions in the rule language (docs/rules.md).
            # The project's classes; every .rules file of the folder declares the same ones, or none.
            labels HAM, SPAM

            # An LF votes a class on the rows its condition holds for, and abstains on the others. For example (remove the '# ' to use it):
            # lf my_rule:
            #     when text contains "some words" label HAM

            """.Replace("\r\n", "\n", StringComparison.Ordinal));
        state.GetProperty("diagnostics").GetArrayLength().ShouldBe(0, Diagnostics(state));
        state.GetProperty("lfs").GetArrayLength().ShouldBe(7);

        // And the example, uncommented, is an LF that checks clean
        var example = File.ReadAllText(Path.Combine(studio.Lfs, "topic", "more.rules")).Replace("# lf ", "lf ", StringComparison.Ordinal)
            .Replace("#     when", "    when", StringComparison.Ordinal);
        var checkedExample = await studio.Post("/api/check", new { path = "topic/more.rules", text = example });
        checkedExample.GetProperty("diagnostics").GetArrayLength().ShouldBe(0, Diagnostics(checkedExample));
        StudioHarness.Lf(checkedExample, "my_rule").GetProperty("file").GetString().ShouldBe("topic/more.rules");
    }

    [Fact]
    public async Task A_keyword_list_or_script_made_without_text_is_empty()
    {
        await using var studio = await StudioHarness.Start(scripts: true);

        foreach (var name in new[] { "more.csx", "words.txt" })
        {
            await studio.Post("/api/files/create", new { path = name });
            File.ReadAllText(Path.Combine(studio.Lfs, name)).ShouldBe("", name);
        }
    }

    [Theory]
    [InlineData("", 400, "give the new file's name, relative to the LF folder (e.g. 'more.rules')")]
    [InlineData("../outside.rules", 400, "'../outside.rules' holds '..': a new file's name leads down from the LF folder, with no '.' or '..' in it")]
    [InlineData("sub/../../outside.rules", 400, "'sub/../../outside.rules' holds '..': a new file's name leads down from the LF folder, with no '.' or '..' in it")]
    [InlineData("..\\outside.rules", 400, "'../outside.rules' holds '..': a new file's name leads down from the LF folder, with no '.' or '..' in it")]
    [InlineData("/tmp/outside.rules", 400, "'/tmp/outside.rules' is not inside the LF folder: give a name relative to it (e.g. 'more.rules' or 'topic/more.rules')")]
    [InlineData("notes.md", 400, "'notes.md' is not a kind of file the studio loads: name it NAME.rules (rules), NAME.csx (a C# script) or NAME.txt (a keyword list)")]
    [InlineData("more", 400, "'more' is not a kind of file the studio loads: name it NAME.rules (rules), NAME.csx (a C# script) or NAME.txt (a keyword list)")]
    [InlineData(".rules", 400, "'.rules' has no name before its extension (e.g. 'more.rules')")]
    [InlineData(".notes.rules", 400, "'.notes.rules' holds '.notes.rules', a hidden name (it begins with '.'): the studio, as the CLI, leaves hidden files and folders out of the LF folder, so name it without the '.'")]
    [InlineData(".ipynb_checkpoints/more.rules", 400, "'.ipynb_checkpoints/more.rules' holds '.ipynb_checkpoints', a hidden name (it begins with '.'): the studio, as the CLI, leaves hidden files and folders out of the LF folder, so name it without the '.'")]
    [InlineData("sub//more.rules", 400, "'sub//more.rules' has an empty folder or file name, or one that starts or ends with a space")]
    [InlineData("more\t.rules", 400, "'more\\t.rules' is not a file name: it holds the control character U+0009")]
    [InlineData("spam.rules", 409, "'spam.rules' already exists in the LF folder: choose another name (the studio does not overwrite a file with a new one)")]
    [InlineData("please_words.txt", 409, "'please_words.txt' already exists in the LF folder: choose another name (the studio does not overwrite a file with a new one)")]
    public async Task A_new_file_name_that_escapes_the_folder_is_not_an_LF_kind_or_is_taken_is_refused_with_a_message(string path, int status, string message)
    {
        await RefusedChangingNothing("/api/files/create", new { path, text = "labels X, Y\n" }, status, message);
    }

    [Fact]
    public async Task A_new_file_name_longer_than_a_file_system_takes_is_refused_before_anything_is_written()
    {
        await using var studio = await StudioHarness.Start();

        var (status, body) = await studio.Raw("/api/files/create", JsonSerializer.Serialize(new { path = new string('a', 300) + ".rules" }));

        status.ShouldBe(HttpStatusCode.BadRequest);
        body.GetProperty("error").GetString().ShouldBe($"'{new string('a', 40)}…' is 306 bytes long (in UTF-8), longer than the 255 bytes a file system takes; choose a shorter name");
    }

    [Fact]
    public async Task A_save_to_a_name_longer_than_a_file_system_takes_is_refused_as_a_wrong_request_before_anything_is_written()
    {
        // Given a save to a new path whose folder's name is too long (before: the write was tried, and refused by the
        // file system, 409, after the folders before it were made)
        await using var studio = await StudioHarness.Start();
        var before = Directory.GetFileSystemEntries(studio.Lfs, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();

        // When
        var (status, body) = await studio.Raw("/api/save", JsonSerializer.Serialize(new { path = "topic/" + new string('b', 260) + "/more.rules", text = "labels X, Y\n" }));

        // Then
        status.ShouldBe(HttpStatusCode.BadRequest);
        body.GetProperty("error").GetString().ShouldBe($"'{new string('b', 40)}…' is 260 bytes long (in UTF-8), longer than the 255 bytes a file system takes; choose a shorter name");
        Directory.GetFileSystemEntries(studio.Lfs, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ShouldBe(before);
    }

    [Fact]
    public async Task Creating_a_file_that_a_tab_checks_unsaved_is_refused_and_keeps_its_text()
    {
        await using var studio = await StudioHarness.Start();
        await studio.Post("/api/check", new { path = "draft.rules", text = "lf spam_check:\n    when text contains \"check\" label SPAM\n", tab = "a" });

        var (status, body) = await studio.Raw("/api/files/create", """{"path": "draft.rules"}""");

        status.ShouldBe(HttpStatusCode.Conflict);
        body.GetProperty("error").GetString().ShouldBe("'draft.rules' has unsaved edits in a studio tab that has not saved it yet: save it there, or discard them first");
        File.Exists(Path.Combine(studio.Lfs, "draft.rules")).ShouldBeFalse();
        (await studio.Get("/api/state")).GetProperty("lfs").GetArrayLength().ShouldBe(8);
    }

    [Fact]
    public async Task A_studio_without_the_script_loader_refuses_a_new_script()
    {
        await using var studio = await StudioHarness.Start(adjust: s => s with { Loaders = [new Dsl.RulesLoader()] });

        var (answer, body) = await studio.Raw("/api/files/create", """{"path": "nlp2.csx"}""");

        answer.ShouldBe(HttpStatusCode.BadRequest);
        body.GetProperty("error").GetString().ShouldBe("'nlp2.csx' is not a kind of file the studio loads: name it NAME.rules (rules) or NAME.txt (a keyword list)");
    }

    [Fact]
    public async Task Renaming_a_file_moves_it_its_LFs_and_its_unsaved_edits()
    {
        await using var studio = await StudioHarness.Start();
        var text = File.ReadAllText(studio.RulesFile);
        await studio.Post("/api/check", new { path = "spam.rules", text = text + CheckRule, tab = "a" });

        var state = await studio.Post("/api/files/rename", new { path = "spam.rules", to = "youtube.rules" });

        File.Exists(studio.RulesFile).ShouldBeFalse();
        File.ReadAllText(Path.Combine(studio.Lfs, "youtube.rules")).ShouldBe(text); // the unsaved edits are not saved by a rename
        Files(state).ShouldBe(["please_words.txt", "youtube.rules"]);
        state.GetProperty("clean").GetBoolean().ShouldBeTrue(Diagnostics(state));
        state.GetProperty("unsaved").EnumerateArray().Select(f => f.GetString()).ShouldBe(["youtube.rules"]);
        StudioHarness.Lf(state, "spam_check").GetProperty("file").GetString().ShouldBe("youtube.rules");
        state.GetProperty("lfs").GetArrayLength().ShouldBe(8);
        state.GetProperty("moved").GetProperty("spam.rules").GetString().ShouldBe("youtube.rules");
        (await studio.Get("/api/state?tab=a")).GetProperty("replaced").GetArrayLength().ShouldBe(0);

        // Saving under the new name writes the edits there
        await studio.Post("/api/save", new { path = "youtube.rules", text = text + CheckRule, version = StudioSession.VersionOf(text), tab = "a" });
        File.ReadAllText(Path.Combine(studio.Lfs, "youtube.rules")).ShouldContain("spam_check");
    }

    [Fact]
    public async Task A_check_that_names_a_file_by_the_name_it_had_before_a_rename_is_taken_as_the_renamed_file_s_edits()
    {
        // Given spam.rules with tab a's edits, renamed to youtube.rules, and tab b's check of spam.rules sent before the rename
        // and arriving after it (before: the studio took it as the edits of a spam.rules deleted on disk, so the numbers had
        // every LF twice, under both names, and kept spam.rules until tab b went)
        await using var studio = await StudioHarness.Start();
        var text = File.ReadAllText(studio.RulesFile);
        await studio.Post("/api/check", new { path = "spam.rules", text = text + CheckRule, tab = "a" });
        await studio.Post("/api/files/rename", new { path = "spam.rules", to = "youtube.rules" });

        // When
        var state = await studio.Post("/api/check", new { path = "spam.rules", text = text + CheckRule + LookRule, version = StudioSession.VersionOf(text), tab = "b" });

        // Then tab b's text is youtube.rules' edits, replacing tab a's, and nothing is held under spam.rules
        state.GetProperty("clean").GetBoolean().ShouldBeTrue(Diagnostics(state));
        state.GetProperty("unsaved").EnumerateArray().Select(f => f.GetString()).ShouldBe(["youtube.rules"]);
        Files(state).ShouldBe(["please_words.txt", "youtube.rules"]);
        state.GetProperty("lfs").GetArrayLength().ShouldBe(9);
        StudioHarness.Lf(state, "spam_look").GetProperty("file").GetString().ShouldBe("youtube.rules");
        (await studio.Get("/api/state?tab=a")).GetProperty("replaced").EnumerateArray().Select(f => f.GetString()).ShouldBe(["youtube.rules"]);
        File.Exists(studio.RulesFile).ShouldBeFalse();

        // A file made again under the old name (by hand: the studio still remembers the rename) is its own: a check of it is not moved
        File.WriteAllText(studio.RulesFile, "labels HAM, SPAM\n");
        var again = await studio.Post("/api/check", new { path = "spam.rules", text = "labels HAM, SPAM\n# mine\n", tab = "b" });
        again.GetProperty("unsaved").EnumerateArray().Select(f => f.GetString()).ShouldBe(["spam.rules", "youtube.rules"]);
    }

    [Fact]
    public async Task A_discard_by_the_old_name_drops_the_renamed_file_s_edits_and_a_check_of_a_file_renamed_then_deleted_is_dropped()
    {
        // Given spam.rules with edits, renamed to youtube.rules (before: a discard sent before the rename and arriving after it
        // dropped nothing, and a check naming spam.rules after youtube.rules was deleted brought its LFs back)
        await using var studio = await StudioHarness.Start();
        var text = File.ReadAllText(studio.RulesFile);
        await studio.Post("/api/check", new { path = "spam.rules", text = text + CheckRule, tab = "a" });
        await studio.Post("/api/files/rename", new { path = "spam.rules", to = "youtube.rules" });

        // When the discard by the old name comes
        var discarded = await studio.Post("/api/discard", new { path = "spam.rules", tab = "a" });

        // Then youtube.rules' edits are gone
        discarded.GetProperty("unsaved").GetArrayLength().ShouldBe(0);
        discarded.GetProperty("lfs").GetArrayLength().ShouldBe(7);

        // And when youtube.rules is deleted and a check by the old name comes, nothing is held and the numbers stay the disk's
        await studio.Post("/api/check", new { path = "youtube.rules", text = text + CheckRule, tab = "a" });
        await studio.Post("/api/files/delete", new { path = "youtube.rules" });
        var state = await studio.Post("/api/check", new { path = "spam.rules", text = text + CheckRule, tab = "b" });
        state.GetProperty("unsaved").GetArrayLength().ShouldBe(0);
        Files(state).ShouldBe(["please_words.txt"]);
    }

    [Fact]
    public async Task A_file_made_again_by_hand_under_a_renamed_file_s_old_name_ends_the_rename_s_hold_on_that_name_even_once_deleted()
    {
        // Given spam.rules renamed to youtube.rules from the page, then made again by hand under its old name and seen by a poll
        await using var studio = await StudioHarness.Start();
        var text = File.ReadAllText(studio.RulesFile);
        await studio.Post("/api/files/rename", new { path = "spam.rules", to = "youtube.rules" });
        File.WriteAllText(studio.RulesFile, "labels HAM, SPAM\n");
        (await studio.Get("/api/state?tab=b")).GetProperty("moved").EnumerateObject().Select(p => p.Name).ShouldBeEmpty();

        // When that file is deleted by hand too, and a check naming spam.rules comes late (tab b's, of the file it had open)
        File.Delete(studio.RulesFile);
        await studio.Get("/api/state?tab=b");
        var state = await studio.Post("/api/check", new { path = "spam.rules", text = "labels HAM, SPAM\n# mine\n", tab = "b" });

        // Then it is the edits of the spam.rules deleted on disk, as for any file deleted by hand, not youtube.rules' (before: the
        // rename was remembered for good, so the check replaced youtube.rules' text with the hand-made file's)
        state.GetProperty("unsaved").EnumerateArray().Select(f => f.GetString()).ShouldBe(["spam.rules"]);
        StudioHarness.Lf(state, "keyword_my").GetProperty("file").GetString().ShouldBe("youtube.rules");
        File.ReadAllText(Path.Combine(studio.Lfs, "youtube.rules")).ShouldBe(text);
    }

    [Fact]
    public async Task Renaming_a_keyword_list_points_the_rules_that_read_it_at_its_new_name_and_says_which()
    {
        // Given spam.rules and another rules file in a folder below reading please_words.txt (before: both then named a
        // file that was not there, SNK0401)
        await using var studio = await StudioHarness.Start();
        await studio.Post("/api/files/create", new { path = "topic/polite.rules", text = "let words = lines(\"../please_words.txt\")\n\nlf polite_words:\n    when text contains any words label HAM\n" });
        var before = File.ReadAllText(studio.RulesFile);

        // When
        var state = await studio.Post("/api/files/rename", new { path = "please_words.txt", to = "lists/polite words.txt" });

        // Then each reads the list from its new place, and nothing else in them changed
        File.ReadAllText(studio.RulesFile).ShouldBe(before.Replace("lines(\"please_words.txt\")", "lines(\"lists/polite words.txt\")", StringComparison.Ordinal));
        File.ReadAllText(Path.Combine(studio.Lfs, "topic", "polite.rules")).ShouldStartWith("let words = lines(\"../lists/polite words.txt\")\n");
        state.GetProperty("clean").GetBoolean().ShouldBeTrue(Diagnostics(state));
        state.GetProperty("diagnostics").GetArrayLength().ShouldBe(0, Diagnostics(state));
        state.GetProperty("updated").ToString().ShouldBe("""{"spam.rules":[20],"topic/polite.rules":[1]}""");
        new Loading.LfProject([new Dsl.RulesLoader()]).Load([studio.Lfs]).Diagnostics.ShouldBeEmpty();
        Directory.GetFiles(studio.Lfs, ".*", SearchOption.AllDirectories).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_rename_keeps_a_rewritten_files_byte_order_mark_and_is_not_stopped_by_a_rules_file_that_cannot_be_read()
    {
        // Given spam.rules saved with a UTF-8 byte-order mark, and a rules file that is not UTF-8 (before: the mark was
        // dropped, and the unreadable file refused every rename)
        await using var studio = await StudioHarness.Start();
        var text = File.ReadAllText(studio.RulesFile);
        File.WriteAllBytes(studio.RulesFile, [.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(text)]);
        File.WriteAllBytes(Path.Combine(studio.Lfs, "broken.rules"), [0x6C, 0x66, 0x20, 0xFF, 0xFE, 0x0A]);
        await studio.Get("/api/state");

        // When
        var state = await studio.Post("/api/files/rename", new { path = "please_words.txt", to = "polite.txt" });

        // Then
        var bytes = File.ReadAllBytes(studio.RulesFile);
        bytes.AsSpan(0, 3).ToArray().ShouldBe(Encoding.UTF8.Preamble.ToArray());
        Encoding.UTF8.GetString(bytes.AsSpan(3)).ShouldBe(text.Replace("lines(\"please_words.txt\")", "lines(\"polite.txt\")", StringComparison.Ordinal));
        state.GetProperty("updated").ToString().ShouldBe("""{"spam.rules":[20]}""");
        File.ReadAllBytes(Path.Combine(studio.Lfs, "broken.rules")).ShouldBe([0x6C, 0x66, 0x20, 0xFF, 0xFE, 0x0A]);
    }

    [Fact]
    public async Task A_rename_whose_second_rewritten_file_cannot_be_written_names_it_and_the_session_follows_the_files_as_they_are()
    {
        // Given two rules files reading please_words.txt, the second of which cannot be written when its turn comes (a file
        // locked on Windows; before: the rename and the first file were on disk, but the session still listed
        // please_words.txt and the old texts, and the unit's journal was left for a later run to publish the second file)
        await using var studio = await StudioHarness.Start();
        await studio.Post("/api/files/create", new { path = "topic/polite.rules", text = "let words = lines(\"../please_words.txt\")\n\nlf polite_words:\n    when text contains any words label HAM\n" });
        var spam = File.ReadAllText(studio.RulesFile);
        var polite = File.ReadAllText(Path.Combine(studio.Lfs, "topic", "polite.rules"));
        var version = (await studio.Get("/api/state")).GetProperty("version").GetInt64();

        // When
        var answer = await studio.WithSecondUnitFileLocked(() => studio.Raw("/api/files/rename", JsonSerializer.Serialize(new { path = "please_words.txt", to = "polite.txt" })));

        // Then the error names the file that failed, and those rewritten and not
        answer.Status.ShouldBe(HttpStatusCode.Conflict);
        answer.Body.GetProperty("error").GetString().ShouldBe("renamed 'please_words.txt' to 'polite.txt' and rewrote the file names in spam.rules (line 20), but could not write "
                                                              + "topic/polite.rules: The process cannot access the file because it is being used by another process; "
                                                              + "the file names in topic/polite.rules (line 1) are still those from before the rename, which no longer lead to their files: correct them, or rename the file back");
        // the files are as the error says, with nothing left for a later run to publish
        File.Exists(Path.Combine(studio.Lfs, "polite.txt")).ShouldBeTrue();
        File.Exists(Path.Combine(studio.Lfs, "please_words.txt")).ShouldBeFalse();
        File.ReadAllText(studio.RulesFile).ShouldBe(spam.Replace("lines(\"please_words.txt\")", "lines(\"polite.txt\")", StringComparison.Ordinal));
        File.ReadAllText(Path.Combine(studio.Lfs, "topic", "polite.rules")).ShouldBe(polite);
        Directory.GetFiles(studio.Lfs, ".*", SearchOption.AllDirectories).ShouldBeEmpty();
        // and the session follows them: the new name, the rewritten text's version, the name left as it was reported
        var state = await studio.Get("/api/state");
        state.GetProperty("version").GetInt64().ShouldBeGreaterThan(version);
        Files(state).ShouldContain("polite.txt");
        Files(state).ShouldNotContain("please_words.txt");
        state.GetProperty("moved").GetProperty("please_words.txt").GetString().ShouldBe("polite.txt");
        state.GetProperty("versions").GetProperty("spam.rules").GetString().ShouldBe(StudioSession.VersionOf(File.ReadAllText(studio.RulesFile)));
        Diagnostics(state).ShouldContain("topic/polite.rules(1,");
        Diagnostics(state).ShouldNotContain("spam.rules(");
    }

    [Fact]
    public async Task A_rename_whose_rewritten_rules_cannot_be_written_answers_409_whether_the_first_or_a_later_file_fails()
    {
        // Given two rules files reading please_words.txt (before: when the unit failed before its first file was published
        // Commit's error was answered 400, and when it failed after, 500)
        await using var studio = await StudioHarness.Start();
        await studio.Post("/api/files/create", new { path = "topic/polite.rules", text = "let words = lines(\"../please_words.txt\")\n\nlf polite_words:\n    when text contains any words label HAM\n" });
        var spam = File.ReadAllText(studio.RulesFile);

        // When the first file of the unit cannot be written (a folder where its lock file goes)
        var lockFolder = Directory.CreateDirectory(Path.Combine(studio.Lfs, ".spam.rules.lock"));
        var first = await studio.Raw("/api/files/rename", JsonSerializer.Serialize(new { path = "please_words.txt", to = "polite.txt" }));
        lockFolder.Delete();

        // Then nothing changed, and the error says so, naming the files from the LF folder
        first.Status.ShouldBe(HttpStatusCode.Conflict);
        first.Body.GetProperty("error").GetString().ShouldBe("could not rename 'please_words.txt' to 'polite.txt', so nothing changed: spam.rules: cannot write the lock file beside it: "
                                                             + "'.spam.rules.lock' is a folder; remove it (Snorkeler makes and deletes that file as it publishes)");
        File.Exists(Path.Combine(studio.Lfs, "please_words.txt")).ShouldBeTrue();
        File.Exists(Path.Combine(studio.Lfs, "polite.txt")).ShouldBeFalse();
        File.ReadAllText(studio.RulesFile).ShouldBe(spam);

        // And when the second cannot be written, after the first was, the status is the same
        var second = await studio.WithSecondUnitFileLocked(() => studio.Raw("/api/files/rename", JsonSerializer.Serialize(new { path = "please_words.txt", to = "polite.txt" })));
        second.Status.ShouldBe(HttpStatusCode.Conflict);
        File.Exists(Path.Combine(studio.Lfs, "polite.txt")).ShouldBeTrue();
    }

    [Theory]
    [InlineData("save", "could not save 'spam.rules', so nothing changed: spam.rules: is a folder, expected a file name")]
    [InlineData("accept", "could not add the rule to 'studio.rules', so nothing changed: studio.rules: is a folder, expected a file name")]
    public async Task A_save_or_an_accepted_suggestion_the_file_system_refuses_answers_409_naming_the_file_as_a_refused_rename_does(string write, string message)
    {
        // Given the file the write goes to become a folder: spam.rules, or, with the rules moved out of the LF folder after the
        // suggestions were listed, studio.rules, where an accepted rule goes then (before: the save answered 400, as for a
        // request naming a folder, and the accept 500, an UnauthorizedAccessException)
        await using var studio = await StudioHarness.Start();
        var top = (await studio.Get("/api/suggestions?limit=1")).EnumerateArray().First();
        var text = File.ReadAllText(studio.RulesFile);
        File.Move(studio.RulesFile, studio.Temp.File("spam.rules"));
        Directory.CreateDirectory(Path.Combine(studio.Lfs, write == "save" ? "spam.rules" : "studio.rules"));

        // When
        var (status, body) = write == "save"
            ? await studio.Raw("/api/save", JsonSerializer.Serialize(new { path = "spam.rules", text = text + CheckRule }))
            : await studio.Raw("/api/suggestions/accept", JsonSerializer.Serialize(new { id = top.GetProperty("id").GetString() }));

        // Then
        status.ShouldBe(HttpStatusCode.Conflict);
        body.GetProperty("error").GetString().ShouldBe(message);
        body.GetProperty("unwritten").GetBoolean().ShouldBeTrue();
        Directory.GetFiles(studio.Lfs, "*", SearchOption.AllDirectories).Select(Path.GetFileName).ShouldBe(["please_words.txt"]);
    }

    [Fact]
    public async Task A_save_refused_for_a_file_changed_on_disk_is_not_marked_as_a_write_the_file_system_refused()
    {
        // Given spam.rules changed on disk since the page loaded it
        await using var studio = await StudioHarness.Start();
        var loaded = await studio.Get("/api/file?path=spam.rules");
        File.AppendAllText(studio.RulesFile, "\n# another editor\n");

        // When
        var (status, body) = await studio.Raw("/api/save", JsonSerializer.Serialize(new { path = "spam.rules", text = loaded.GetProperty("text").GetString() + CheckRule, version = loaded.GetProperty("version").GetString() }));

        // Then
        status.ShouldBe(HttpStatusCode.Conflict);
        body.TryGetProperty("unwritten", out _).ShouldBeFalse();
    }

    [Theory]
    [InlineData("new/sub/polite.txt", "new")]
    [InlineData("topic/lists/polite.txt", "topic/lists")]
    public async Task A_rename_the_file_system_refuses_removes_the_folders_it_made_for_the_new_name_and_only_those(string to, string made)
    {
        // Given two rules files reading please_words.txt, the first of which cannot be written (a folder where its lock file
        // goes; before: the folders made for the new name were left behind, empty)
        await using var studio = await StudioHarness.Start();
        await studio.Post("/api/files/create", new { path = "topic/polite.rules", text = "let words = lines(\"../please_words.txt\")\n\nlf polite_words:\n    when text contains any words label HAM\n" });
        Directory.CreateDirectory(Path.Combine(studio.Lfs, ".spam.rules.lock"));

        // When
        var (status, _) = await studio.Raw("/api/files/rename", JsonSerializer.Serialize(new { path = "please_words.txt", to }));

        // Then the rename is undone, and the folders it made are gone, the folder that was there before kept
        status.ShouldBe(HttpStatusCode.Conflict);
        File.Exists(Path.Combine(studio.Lfs, "please_words.txt")).ShouldBeTrue();
        Directory.Exists(Path.Combine(studio.Lfs, made)).ShouldBeFalse();
        File.Exists(Path.Combine(studio.Lfs, "topic", "polite.rules")).ShouldBeTrue();
    }

    [Theory]
    [InlineData("/api/save")]
    [InlineData("/api/files/create")]
    public async Task A_write_the_file_system_refuses_removes_the_folders_it_made(string request)
    {
        // Given new folders the file system makes, where the file's temporary name beside it is past the longest path it
        // takes (4,096 bytes on Linux): a refusal a root test run can provoke (before: the folders made were left)
        await using var studio = await StudioHarness.Start();
        var parts = new List<string>();
        for (var left = 4080 - studio.Lfs.Length - "/x.rules".Length; left > 1; left -= parts[^1].Length + 1)
            parts.Add(new string((char)('a' + parts.Count), Math.Min(200, left - 1)));
        var path = string.Join('/', parts) + "/x.rules";

        // When
        var (status, _) = await studio.Raw(request, JsonSerializer.Serialize(new { path, text = "" }));

        // Then
        status.ShouldBe(HttpStatusCode.Conflict);
        Directory.Exists(Path.Combine(studio.Lfs, new string('a', 200))).ShouldBeFalse();
    }

    [Fact]
    public async Task Hidden_files_and_folders_of_the_LF_folder_are_neither_listed_nor_loaded_as_the_CLI_leaves_them_out()
    {
        // Given Jupyter's copy of spam.rules (every LF name a duplicate) and macOS's binary ._spam.rules
        // (before: both were listed and loaded, and the folder did not check clean)
        await using var studio = await StudioHarness.Start(adjust: settings =>
        {
            var checkpoints = Directory.CreateDirectory(Path.Combine(settings.LfFolder, ".ipynb_checkpoints")).FullName;
            File.Copy(Path.Combine(settings.LfFolder, "spam.rules"), Path.Combine(checkpoints, "spam-checkpoint.rules"));
            File.WriteAllBytes(Path.Combine(settings.LfFolder, "._spam.rules"), [0, 5, 22, 7, 0, 2, 0, 0, 0xff, 0xfe]);
            return settings;
        });

        // When
        var state = await studio.Get("/api/state");
        var (status, refusal) = await studio.Raw("/api/file?path=.ipynb_checkpoints/spam-checkpoint.rules");

        // Then the folder reads as the CLI reads it, and a hidden file is not opened by its path either
        Files(state).ShouldNotContain(f => f.Contains("ipynb", StringComparison.Ordinal) || f.Contains("._", StringComparison.Ordinal));
        state.GetProperty("clean").GetBoolean().ShouldBeTrue(Diagnostics(state));
        ((int)status).ShouldBe(403);
        refusal.GetProperty("error").GetString().ShouldBe("'.ipynb_checkpoints/spam-checkpoint.rules' is hidden (a name in it begins with '.'): "
            + "the studio, as the CLI, leaves hidden files and folders out of the LF folder");
    }

    [Fact]
    public async Task A_studio_starting_clears_what_a_killed_studio_left_and_puts_a_renamed_file_back_where_no_file_has_its_name()
    {
        // Given the hidden files of studios killed midway (a process id no system gives):
        // a look at how the file system compares names, and the names case-only renames go through (before: all were left)
        const int gone = int.MaxValue - 1;
        var probe = Hidden("snorkeler-case", gone, "probe");
        var (lost, held, heldInOtherLetters) = (Hidden("polite.txt", gone, "renaming"), Hidden("spam.rules", gone, "renaming"), Hidden("PLEASE_WORDS.txt", gone, "renaming"));
        await using var studio = await StudioHarness.Start(adjust: settings =>
        {
            Directory.CreateDirectory(Path.Combine(settings.LfFolder, "topic"));
            foreach (var name in new[] { probe, held, heldInOtherLetters }) File.WriteAllText(Path.Combine(settings.LfFolder, name), name);
            File.WriteAllText(Path.Combine(settings.LfFolder, "topic", lost), "polite\n");
            return settings;
        });

        // When
        var state = await studio.Get("/api/state");

        // Then the stale look is gone, the renamed file is back under its name, and the two whose name a file holds stay, told once each
        File.Exists(Path.Combine(studio.Lfs, probe)).ShouldBeFalse();
        File.ReadAllText(Path.Combine(studio.Lfs, "topic", "polite.txt")).ShouldBe("polite\n");
        File.Exists(Path.Combine(studio.Lfs, "topic", lost)).ShouldBeFalse();
        Files(state).ShouldContain("topic/polite.txt");
        state.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()).ShouldBe([
            $"warning: {heldInOtherLetters}: a studio stopped while renaming PLEASE_WORDS.txt left its text here; a file of that name, in these letters or others, "
            + "is there, so it is left as it is: compare the two, keep the one you want and delete the other",
            $"warning: {held}: a studio stopped while renaming spam.rules left its text here; a file of that name, in these letters or others, "
            + "is there, so it is left as it is: compare the two, keep the one you want and delete the other",
        ], ignoreOrder: true);
        File.ReadAllText(Path.Combine(studio.Lfs, held)).ShouldBe(held);
        File.ReadAllText(Path.Combine(studio.Lfs, heldInOtherLetters)).ShouldBe(heldInOtherLetters);
    }

    [Fact]
    public async Task A_studio_on_an_LF_folder_given_with_a_trailing_separator_clears_a_killed_studio_s_look_at_how_names_compare()
    {
        // Given a stale look of a killed studio, and the folder given as 'lfs/' (before: its full path kept the separator,
        // so no file's folder was the LF folder and the look was left)
        var (probe, renaming) = (Hidden("snorkeler-case", int.MaxValue - 1, "probe"), Hidden("polite.txt", int.MaxValue - 1, "renaming"));

        // When
        await using var studio = await StartWith([(probe, ""), (renaming, "polite\n")], s => s with { LfFolder = s.LfFolder + Path.DirectorySeparatorChar });

        // Then both are cleared
        File.Exists(Path.Combine(studio.Lfs, probe)).ShouldBeFalse();
        File.Exists(Path.Combine(studio.Lfs, renaming)).ShouldBeFalse();
        File.ReadAllText(Path.Combine(studio.Lfs, "polite.txt")).ShouldBe("polite\n");
    }

    [Fact]
    public async Task A_studio_starting_leaves_a_person_s_file_whose_name_only_looks_like_a_killed_studio_s_hidden_file()
    {
        // Given files of the shape .NAME.PID.ID.renaming and .snorkeler-case.PID.ID.probe whose ID is not the 32 hex digits
        // the studio writes (before: .notes.4000001.x.renaming was renamed to notes)
        var (renaming, probe) = (".notes.4000001.x.renaming", ".snorkeler-case.4000001.mine.probe");

        // When
        await using var studio = await StartWith([(renaming, "my notes"), (probe, "mine")]);
        var state = await studio.Get("/api/state");

        // Then they are as they were, and nothing is said of them
        File.ReadAllText(Path.Combine(studio.Lfs, renaming)).ShouldBe("my notes");
        File.ReadAllText(Path.Combine(studio.Lfs, probe)).ShouldBe("mine");
        File.Exists(Path.Combine(studio.Lfs, "notes")).ShouldBeFalse();
        state.GetProperty("warnings").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task A_hidden_file_of_this_process_s_id_that_no_rename_of_it_holds_is_a_killed_studio_s_and_is_cleared()
    {
        // Given hidden files of this process's id that none of its renames or looks made: in a container every studio is
        // process 1, so a killed one's files carry the id of the next (before: they were skipped, and the text hidden for good)
        var (renaming, probe) = (Hidden("polite.txt", Environment.ProcessId, "renaming"), Hidden("snorkeler-case", Environment.ProcessId, "probe"));

        // When
        await using var studio = await StartWith([(renaming, "polite\n"), (probe, "")]);

        // Then the text is back under its name, and the look is gone
        File.ReadAllText(Path.Combine(studio.Lfs, "polite.txt")).ShouldBe("polite\n");
        File.Exists(Path.Combine(studio.Lfs, renaming)).ShouldBeFalse();
        File.Exists(Path.Combine(studio.Lfs, probe)).ShouldBeFalse();
    }

    [Fact]
    public async Task A_hidden_rename_file_of_another_running_process_is_left_with_a_warning_naming_it()
    {
        // Given a hidden rename file whose process is running (before: it was skipped without a word)
        using var other = System.Diagnostics.Process.Start("sleep", "30");
        try
        {
            var (renaming, probe) = (Hidden("spam.rules", other.Id, "renaming"), Hidden("snorkeler-case", other.Id, "probe"));

            // When
            await using var studio = await StartWith([(renaming, "text"), (probe, "")]);
            var state = await studio.Get("/api/state");

            // Then both are left as they are, and the one holding text is named
            File.ReadAllText(Path.Combine(studio.Lfs, renaming)).ShouldBe("text");
            File.Exists(Path.Combine(studio.Lfs, probe)).ShouldBeTrue();
            state.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()).ShouldBe([
                $"warning: {renaming}: process {other.Id}, still running, may be renaming spam.rules through this file; if no studio is running, rename it back to spam.rules",
            ]);
        }
        finally
        {
            other.Kill();
        }
    }

    [Fact]
    public async Task The_warning_about_a_killed_studio_s_hidden_file_goes_once_the_person_deletes_the_file()
    {
        // Given a killed studio's hidden file beside a file of its name, warned of (before: the warning stayed after the file went)
        var held = Hidden("spam.rules", int.MaxValue - 1, "renaming");
        await using var studio = await StartWith([(held, "text")]);
        (await studio.Get("/api/state")).GetProperty("warnings").GetArrayLength().ShouldBe(1);

        // When
        File.Delete(Path.Combine(studio.Lfs, held));

        // Then
        (await studio.Get("/api/state")).GetProperty("warnings").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task A_killed_studio_s_hidden_file_that_cannot_be_renamed_back_is_warned_of_with_the_reason()
    {
        // Given a killed studio's hidden file in a folder no rename can change (immutable; a root test run has no other
        // refusal to provoke), where no file has its name (before: the warning said a file of that name is there)
        if (!OperatingSystem.IsLinux()) return;
        var renaming = Hidden("polite.txt", int.MaxValue - 1, "renaming");
        var topic = "";

        // When
        await using var studio = await StudioHarness.Start(adjust: settings =>
        {
            topic = Path.Combine(settings.LfFolder, "topic");
            Directory.CreateDirectory(topic);
            File.WriteAllText(Path.Combine(topic, renaming), "polite\n");
            Chattr("+i", topic);
            return settings;
        });
        try
        {
            var state = await studio.Get("/api/state");

            // Then
            File.Exists(Path.Combine(studio.Lfs, "topic", renaming)).ShouldBeTrue();
            var warning = state.GetProperty("warnings").EnumerateArray().Single().GetString()!;
            warning.ShouldStartWith($"warning: topic/{renaming}: a studio stopped while renaming topic/polite.txt left its text here, and it could not be renamed back: ");
            warning.ShouldEndWith("; rename it back to topic/polite.txt yourself");
            warning.ShouldNotContain(Path.GetTempPath());
        }
        finally
        {
            Chattr("-i", topic);
        }

        static void Chattr(string change, string folder)
        {
            using var chattr = System.Diagnostics.Process.Start("chattr", [change, folder]);
            chattr.WaitForExit();
            chattr.ExitCode.ShouldBe(0, $"chattr {change} {folder}");
        }
    }

    [Fact]
    public async Task On_a_file_system_that_ignores_case_a_rename_points_a_name_written_in_another_case_at_the_new_name()
    {
        // Given a studio on a file system that ignores case (macOS, Windows), where a rules file names please_words.txt as
        // Please_Words.txt (before: names were compared ordinally, so that one was not rewritten and named a missing file)
        await using var studio = await StudioHarness.Start(adjust: s => s with { FileNames = StringComparer.OrdinalIgnoreCase });
        await studio.Post("/api/files/create", new { path = "topic/polite.rules", text = "let words = lines(\"../Please_Words.txt\")\n\nlf polite_words:\n    when text contains any words label HAM\n" });

        // When
        var state = await studio.Post("/api/files/rename", new { path = "please_words.txt", to = "polite.txt" });

        // Then
        File.ReadAllText(Path.Combine(studio.Lfs, "topic", "polite.rules")).ShouldStartWith("let words = lines(\"../polite.txt\")\n");
        state.GetProperty("updated").ToString().ShouldBe("""{"spam.rules":[20],"topic/polite.rules":[1]}""");
        state.GetProperty("diagnostics").GetArrayLength().ShouldBe(0, Diagnostics(state));
        // and Linux's file systems are found to keep case (macOS's and Windows's ignore it, unless set up otherwise)
        if (OperatingSystem.IsLinux()) StudioSession.FileNameComparer(studio.Lfs).ShouldBe(StringComparer.Ordinal);
    }

    [Theory]
    [InlineData("Words.txt")]
    [InlineData("2024")]
    [InlineData(null)]
    public void The_LF_folder_is_found_to_keep_case_by_a_name_inside_it_whatever_the_system_s_default(string? entry)
    {
        // Given an LF folder holding a file with letters in its name, only a name without letters, or nothing (before: its
        // own name was looked up in its parent, which is another file system where the folder is a mount root)
        using var temp = new TempFolder();
        var folder = Directory.CreateDirectory(temp.File("lfs")).FullName;
        if (entry is not null) File.WriteAllText(Path.Combine(folder, entry), "");

        // When it is looked at on a system whose default is to ignore case (macOS, Windows)
        var names = StudioSession.FileNameComparer(folder, systemIgnoresCase: true);

        // Then this file system (Linux) is found to keep case, and the folder holds what it held
        names.ShouldBe(StringComparer.Ordinal);
        Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).ShouldBe(entry is null ? [] : [entry]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_folder_that_cannot_be_looked_into_compares_names_as_the_system_does_by_default(bool systemIgnoresCase)
    {
        // Given a folder that cannot be listed (before: Ordinal always, which on macOS and Windows missed the names
        // written in other letters)
        using var temp = new TempFolder();

        // When
        var names = StudioSession.FileNameComparer(temp.File("missing"), systemIgnoresCase);

        // Then
        names.ShouldBe(systemIgnoresCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
    }

    [Fact]
    public async Task On_a_file_system_that_ignores_case_a_rename_that_changes_only_the_case_moves_the_file_and_the_names_that_read_it()
    {
        // Given a studio on a file system that ignores case (macOS, Windows), where please_words.txt is the only file with that
        // name in any case (before: the new name was the renamed file's own, and refused as already existing)
        await using var studio = await StudioHarness.Start(adjust: s => s with { FileNames = StringComparer.OrdinalIgnoreCase });

        // When it is renamed to the same name in other letters
        var state = await studio.Post("/api/files/rename", new { path = "please_words.txt", to = "Please_Words.txt" });

        // Then the file has the new name, nothing is left beside it, and the rules read it by that name
        Directory.GetFiles(studio.Lfs).Select(Path.GetFileName).Order(StringComparer.Ordinal).ShouldBe(["Please_Words.txt", "spam.rules"]);
        File.ReadAllText(studio.RulesFile).ShouldContain("lines(\"Please_Words.txt\")", Case.Sensitive);
        state.GetProperty("updated").ToString().ShouldBe("""{"spam.rules":[20]}""");
        state.GetProperty("diagnostics").GetArrayLength().ShouldBe(0, Diagnostics(state));
        Files(state).ShouldContain("Please_Words.txt");
    }

    [Fact]
    public async Task On_a_file_system_that_ignores_case_a_name_another_file_holds_in_other_letters_is_taken()
    {
        // Given a studio on a file system that ignores case, with please_words.txt and more.txt
        await using var studio = await StudioHarness.Start(adjust: s => s with { FileNames = StringComparer.OrdinalIgnoreCase });
        await studio.Post("/api/files/create", new { path = "more.txt", text = "check\n" });

        // When more.txt is renamed to please_words.txt in other letters, or a file of that name is made
        var renamed = await studio.Raw("/api/files/rename", JsonSerializer.Serialize(new { path = "more.txt", to = "PLEASE_WORDS.txt" }));
        var created = await studio.Raw("/api/files/create", JsonSerializer.Serialize(new { path = "Please_words.txt", text = "" }));

        // Then both are refused as that file's name, and the files are as they were
        renamed.Status.ShouldBe(HttpStatusCode.Conflict);
        renamed.Body.GetProperty("error").GetString().ShouldBe("'PLEASE_WORDS.txt' already exists in the LF folder: choose another name (the studio does not overwrite a file with a new one)");
        created.Status.ShouldBe(HttpStatusCode.Conflict);
        Directory.GetFiles(studio.Lfs).Select(Path.GetFileName).Order(StringComparer.Ordinal).ShouldBe(["more.txt", "please_words.txt", "spam.rules"]);
    }

    [Theory]
    [InlineData("UTF-16 LE", "save")]
    [InlineData("UTF-16 LE", "accept")]
    [InlineData("UTF-8 with a byte-order mark", "save")]
    [InlineData("UTF-8 with a byte-order mark", "accept")]
    public async Task Saving_a_file_or_accepting_a_suggestion_writes_it_in_the_encoding_it_was_saved_in_its_byte_order_mark_kept(string saved, string write)
    {
        // Given spam.rules saved by an editor in another encoding than plain UTF-8 (before: the studio wrote it back as UTF-8 without a mark)
        var encoding = saved == "UTF-16 LE" ? Encoding.Unicode : Encoding.UTF8;
        await using var studio = await StudioHarness.Start();
        var text = File.ReadAllText(studio.RulesFile);
        File.WriteAllBytes(studio.RulesFile, [.. encoding.Preamble, .. encoding.GetBytes(text)]);
        await studio.Get("/api/state");

        // When the page saves the file with a rule more, or a suggestion's rule is added to it
        string expected;
        if (write == "save")
        {
            expected = text + CheckRule;
            await studio.Post("/api/save", new { path = "spam.rules", text = expected });
        }
        else
        {
            var top = (await studio.Get("/api/suggestions?limit=1")).EnumerateArray().First();
            await studio.Post("/api/suggestions/accept", new { id = top.GetProperty("id").GetString() });
            expected = text + (text.EndsWith('\n') ? "" : "\n") + "\n" + top.GetProperty("rule").GetString();
        }

        // Then the file holds the new text in the same encoding, with its mark, and checks clean
        File.ReadAllBytes(studio.RulesFile).ShouldBe([.. encoding.Preamble, .. encoding.GetBytes(expected)]);
        var state = await studio.Get("/api/state");
        state.GetProperty("diagnostics").GetArrayLength().ShouldBe(0, Diagnostics(state));
    }

    [Fact]
    public async Task Accepting_a_suggestion_into_a_rules_file_larger_than_an_LF_file_may_be_is_refused_in_one_line_naming_it()
    {
        // Given the suggestions listed, then spam.rules grown past the studio's limit for an LF file outside the studio (before:
        // the accept read it whole, however large, and wrote it back larger)
        await using var studio = await StudioHarness.Start();
        var top = (await studio.Get("/api/suggestions?limit=1")).EnumerateArray().First();
        var grown = File.ReadAllText(studio.RulesFile) + string.Concat(Enumerable.Repeat("# a long note about the rules above, kept for later\n", 25_000));
        File.WriteAllText(studio.RulesFile, grown);

        // When
        var (status, body) = await studio.Raw("/api/suggestions/accept", JsonSerializer.Serialize(new { id = top.GetProperty("id").GetString() }));

        // Then
        status.ShouldBe(HttpStatusCode.BadRequest);
        body.GetProperty("error").GetString().ShouldBe($"spam.rules: the file is larger than {StudioSession.MaxFileChars:N0} bytes, the limit for an LF file");
        File.ReadAllText(studio.RulesFile).ShouldBe(grown);
    }

    [Theory]
    [InlineData("not UTF-8")]
    [InlineData("UTF-16 LE")]
    public async Task Suggestions_read_the_rules_files_as_the_studio_reads_LF_files_and_refuse_in_one_line_one_that_is_not_text(string saved)
    {
        // Given a rules file the suggestions read, saved in Windows-1252 or as UTF-16 with its mark, naming the keyword 'subscribe'
        // (before: the bytes that are not UTF-8 were read as U+FFFD, unseen)
        await using var studio = await StudioHarness.Start(rules: "labels HAM, SPAM\n\nlf keyword_check:\n    when text contains \"check\" label SPAM\n");
        const string text = "# ni\u00F1o: \"subscribe\"\n";
        File.WriteAllBytes(Path.Combine(studio.Lfs, "more.rules"), saved == "UTF-16 LE" ? [.. Encoding.Unicode.Preamble, .. Encoding.Unicode.GetBytes(text)] : Encoding.Latin1.GetBytes(text));

        // When
        var (status, body) = await studio.Raw("/api/suggestions?limit=50");

        // Then a file that is not text is named, with its line; a UTF-16 one is read as its text, whose keyword is not suggested again
        if (saved == "not UTF-8")
        {
            status.ShouldBe(HttpStatusCode.BadRequest);
            body.GetProperty("error").GetString()!.ShouldStartWith("more.rules(1): ");
        }
        else
        {
            status.ShouldBe(HttpStatusCode.OK);
            body.EnumerateArray().Select(s => s.GetProperty("keyword").GetString()).ShouldNotContain("subscribe");
        }
    }

    [Theory]
    [InlineData("UTF-16 LE")]
    [InlineData("UTF-16 BE")]
    [InlineData("UTF-8 with a byte-order mark")]
    [InlineData("UTF-32 LE")] // its mark, FF FE 00 00, starts as UTF-16 LE's does
    [InlineData("UTF-32 BE")]
    public async Task A_rename_rewrites_a_rules_file_in_the_encoding_it_was_saved_in_its_byte_order_mark_kept(string saved)
    {
        // Given spam.rules saved by an editor in another encoding than plain UTF-8 (before: UTF-16 was written back as UTF-8)
        var encoding = saved switch
        {
            "UTF-16 LE" => Encoding.Unicode,
            "UTF-16 BE" => Encoding.BigEndianUnicode,
            "UTF-32 LE" => Encoding.UTF32,
            "UTF-32 BE" => new UTF32Encoding(bigEndian: true, byteOrderMark: true),
            _ => Encoding.UTF8,
        };
        await using var studio = await StudioHarness.Start();
        var text = File.ReadAllText(studio.RulesFile);
        File.WriteAllBytes(studio.RulesFile, [.. encoding.Preamble, .. encoding.GetBytes(text)]);
        await studio.Get("/api/state");

        // When
        var state = await studio.Post("/api/files/rename", new { path = "please_words.txt", to = "polite.txt" });

        // Then it is the same encoding, with its mark, and reads the list at its new name
        var rewritten = text.Replace("lines(\"please_words.txt\")", "lines(\"polite.txt\")", StringComparison.Ordinal);
        File.ReadAllBytes(studio.RulesFile).ShouldBe([.. encoding.Preamble, .. encoding.GetBytes(rewritten)]);
        state.GetProperty("updated").ToString().ShouldBe("""{"spam.rules":[20]}""");
        state.GetProperty("diagnostics").GetArrayLength().ShouldBe(0, Diagnostics(state));
    }

    [Fact]
    public async Task A_rename_that_would_change_a_new_rules_file_not_saved_yet_is_refused_naming_it()
    {
        // Given a rules file only the page holds (checked, never saved) that reads please_words.txt (before: it was not
        // looked at, and named a missing file after the rename)
        await using var studio = await StudioHarness.Start();
        await studio.Post("/api/check", new { path = "draft.rules", text = "labels HAM, SPAM\n\nlet words = lines(\"please_words.txt\")\n\nlf draft_words:\n    when text contains any words label HAM\n", tab = "a" });

        // When
        var (status, body) = await studio.Raw("/api/files/rename", JsonSerializer.Serialize(new { path = "please_words.txt", to = "polite.txt" }));

        // Then
        status.ShouldBe(HttpStatusCode.Conflict);
        body.GetProperty("error").GetString()!.ShouldContain("draft.rules (line 3)");
        File.Exists(Path.Combine(studio.Lfs, "please_words.txt")).ShouldBeTrue();
    }

    [Fact]
    public async Task Moving_a_rules_file_to_another_folder_points_its_own_keyword_lists_at_them_from_there()
    {
        await using var studio = await StudioHarness.Start();

        var state = await studio.Post("/api/files/rename", new { path = "spam.rules", to = "topic/spam.rules" });

        File.ReadAllText(Path.Combine(studio.Lfs, "topic", "spam.rules")).ShouldContain("let please_words = lines(\"../please_words.txt\")\n");
        state.GetProperty("diagnostics").GetArrayLength().ShouldBe(0, Diagnostics(state));
        state.GetProperty("updated").ToString().ShouldBe("""{"topic/spam.rules":[20]}""");
        state.GetProperty("lfs").GetArrayLength().ShouldBe(7);
        new Loading.LfProject([new Dsl.RulesLoader()]).Load([studio.Lfs]).Diagnostics.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_rename_that_would_change_a_rules_file_with_unsaved_edits_is_refused_naming_it_and_changes_nothing()
    {
        // Given spam.rules, which reads please_words.txt, with unsaved edits
        await using var studio = await StudioHarness.Start();
        var text = File.ReadAllText(studio.RulesFile);
        await studio.Post("/api/check", new { path = "spam.rules", text = text + CheckRule, tab = "a" });

        // When
        var (status, body) = await studio.Raw("/api/files/rename", JsonSerializer.Serialize(new { path = "please_words.txt", to = "polite.txt" }));

        // Then
        status.ShouldBe(HttpStatusCode.Conflict);
        body.GetProperty("error").GetString().ShouldBe("renaming 'please_words.txt' to 'polite.txt' changes where spam.rules (line 20) must name a file, and it has unsaved edits: " +
                                                       "save or discard them first, and the studio rewrites the names with the rename");
        File.Exists(Path.Combine(studio.Lfs, "please_words.txt")).ShouldBeTrue();
        File.Exists(Path.Combine(studio.Lfs, "polite.txt")).ShouldBeFalse();
        File.ReadAllText(studio.RulesFile).ShouldBe(text);
        (await studio.Get("/api/state")).GetProperty("unsaved").EnumerateArray().Select(f => f.GetString()).ShouldBe(["spam.rules"]);
    }

    [Theory]
    [InlineData("nope.rules", "x.rules", 404, "no such file in the LF folder: 'nope.rules'")]
    [InlineData("spam.rules", "please_words.txt", 409, "'please_words.txt' already exists in the LF folder: choose another name (the studio does not overwrite a file with a new one)")]
    [InlineData("spam.rules", "spam.rules", 400, "'spam.rules' already has that name")]
    [InlineData("spam.rules", "../spam.rules", 400, "'../spam.rules' holds '..': a new file's name leads down from the LF folder, with no '.' or '..' in it")]
    [InlineData("spam.rules", "spam.rules.bak", 400, "'spam.rules.bak' is not a kind of file the studio loads: name it NAME.rules (rules), NAME.csx (a C# script) or NAME.txt (a keyword list)")]
    [InlineData("spam.rules", "", 400, "give the new file's name, relative to the LF folder (e.g. 'more.rules')")]
    [InlineData("../x.rules", "y.rules", 403, "'../x.rules' is outside the LF folder")]
    public async Task A_rename_of_a_missing_file_or_to_a_taken_or_bad_name_is_refused_and_changes_nothing(string path, string to, int status, string message)
    {
        await RefusedChangingNothing("/api/files/rename", new { path, to }, status, message);
    }

    [Fact]
    public async Task Deleting_a_file_removes_it_its_LFs_and_its_unsaved_edits()
    {
        await using var studio = await StudioHarness.Start();
        await studio.Post("/api/files/create", new { path = "more.rules", text = "lf spam_check:\n    when text contains \"check\" label SPAM\n" });
        await studio.Post("/api/check", new { path = "more.rules", text = "lf spam_check:\n    when text contains \"checks\" label SPAM\n", tab = "a" });

        var state = await studio.Post("/api/files/delete", new { path = "more.rules" });

        File.Exists(Path.Combine(studio.Lfs, "more.rules")).ShouldBeFalse();
        Files(state).ShouldNotContain("more.rules");
        state.GetProperty("unsaved").GetArrayLength().ShouldBe(0);
        state.GetProperty("lfs").GetArrayLength().ShouldBe(7);
        state.GetProperty("moved").GetProperty("more.rules").ValueKind.ShouldBe(JsonValueKind.Null);
        state.GetProperty("history").EnumerateArray().Last().GetProperty("removed").EnumerateArray().Select(n => n.GetString()).ShouldBe(["spam_check"]);
        (await studio.Get("/api/state?tab=a")).GetProperty("replaced").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task A_delete_of_a_missing_file_or_of_a_file_changed_since_the_page_loaded_it_is_refused()
    {
        await using var studio = await StudioHarness.Start();
        var loaded = StudioSession.VersionOf(File.ReadAllText(studio.RulesFile));
        File.AppendAllText(studio.RulesFile, "\n# another editor\n");

        var missing = await studio.Raw("/api/files/delete", """{"path": "nope.rules"}""");
        var changed = await studio.Raw("/api/files/delete", JsonSerializer.Serialize(new { path = "spam.rules", version = loaded }));
        var keyword = await studio.Raw("/api/files/delete", """{"path": "../spam.rules"}""");

        missing.Status.ShouldBe(HttpStatusCode.NotFound);
        missing.Body.GetProperty("error").GetString().ShouldBe("no such file in the LF folder: 'nope.rules'");
        changed.Status.ShouldBe(HttpStatusCode.Conflict);
        changed.Body.GetProperty("error").GetString().ShouldBe("spam.rules changed on disk since this page loaded it (another editor, a git checkout or another studio tab " +
                                                               "saved it): reload it to see the change, then delete it if you still mean to");
        keyword.Status.ShouldBe(HttpStatusCode.Forbidden);
        File.ReadAllText(studio.RulesFile).ShouldContain("# another editor");
    }

    [Fact]
    public async Task Deleting_a_keyword_list_a_rule_reads_shows_the_rules_error()
    {
        await using var studio = await StudioHarness.Start();

        var state = await studio.Post("/api/files/delete", new { path = "please_words.txt" });

        state.GetProperty("clean").GetBoolean().ShouldBeFalse();
        Diagnostics(state).ShouldContain("please_words.txt");
    }

    [Fact]
    public async Task A_tab_whose_unsaved_text_another_tab_replaced_is_told_and_the_other_is_not()
    {
        // Given two tabs editing spam.rules unsaved (before: the second tab's text replaced the first's on the server, and the
        // first tab showed numbers of text it did not hold, without a word)
        await using var studio = await StudioHarness.Start();
        var text = File.ReadAllText(studio.RulesFile);
        await studio.Post("/api/check", new { path = "spam.rules", text = text + CheckRule, tab = "a" });

        // When
        var b = await studio.Post("/api/check", new { path = "spam.rules", text = text + "\n# b's note\n", tab = "b" });

        // Then
        b.GetProperty("replaced").GetArrayLength().ShouldBe(0);
        (await studio.Get("/api/state?tab=a")).GetProperty("replaced").EnumerateArray().Select(f => f.GetString()).ShouldBe(["spam.rules"]);
        (await studio.Get("/api/state?tab=b")).GetProperty("replaced").GetArrayLength().ShouldBe(0);

        // And the first tab taking its text back tells the second
        await studio.Post("/api/check", new { path = "spam.rules", text = text + CheckRule, tab = "a" });
        (await studio.Get("/api/state?tab=a")).GetProperty("replaced").GetArrayLength().ShouldBe(0);
        (await studio.Get("/api/state?tab=b")).GetProperty("replaced").EnumerateArray().Select(f => f.GetString()).ShouldBe(["spam.rules"]);
    }

    [Fact]
    public async Task A_tab_discarding_its_edits_leaves_the_unsaved_text_of_another_tab_in_force()
    {
        await using var studio = await StudioHarness.Start();
        var text = File.ReadAllText(studio.RulesFile);
        await studio.Post("/api/check", new { path = "spam.rules", text = text + "\n# a's note\n", tab = "a" });
        await studio.Post("/api/check", new { path = "spam.rules", text = text + CheckRule, tab = "b" });

        var state = await studio.Post("/api/discard", new { path = "spam.rules", tab = "a" });

        state.GetProperty("unsaved").EnumerateArray().Select(f => f.GetString()).ShouldBe(["spam.rules"]);
        state.GetProperty("lfs").GetArrayLength().ShouldBe(8);
        (await studio.Post("/api/discard", new { path = "spam.rules", tab = "b" })).GetProperty("lfs").GetArrayLength().ShouldBe(7);
    }

    [Fact]
    public async Task Lines_added_above_an_LF_move_its_place_in_the_table_without_an_evaluation()
    {
        // Given two comment lines typed at the top of the rules file (before: the table kept naming keyword_my's old line, 8)
        await using var studio = await StudioHarness.Start();
        var before = await studio.Get("/api/state");
        StudioHarness.Lf(before, "keyword_my").GetProperty("line").GetInt32().ShouldBe(8);

        // When
        var after = await studio.Post("/api/check", new { path = "spam.rules", text = "# one\n# two\n" + File.ReadAllText(studio.RulesFile) });

        // Then
        StudioHarness.Lf(after, "keyword_my").GetProperty("line").GetInt32().ShouldBe(10);
        StudioHarness.Lf(after, "keyword_my").GetProperty("coverage").GetDouble().ShouldBe(StudioHarness.Lf(before, "keyword_my").GetProperty("coverage").GetDouble());
        after.GetProperty("history").GetArrayLength().ShouldBe(before.GetProperty("history").GetArrayLength());
        after.GetProperty("version").GetInt32().ShouldBeGreaterThan(before.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task A_save_that_changes_no_LF_still_raises_the_version_so_other_tabs_load_the_new_text()
    {
        // Given a save of a comment (before: the version stayed, so another tab with the file open never loaded the new text)
        await using var studio = await StudioHarness.Start();
        var before = await studio.Get("/api/state");
        var text = File.ReadAllText(studio.RulesFile);

        // When
        var after = await studio.Post("/api/save", new { path = "spam.rules", text = text + "\n# a note\n" });

        // Then
        after.GetProperty("version").GetInt32().ShouldBeGreaterThan(before.GetProperty("version").GetInt32());
        after.GetProperty("versions").GetProperty("spam.rules").GetString().ShouldBe(StudioSession.VersionOf(text + "\n# a note\n"));
    }

    [Theory]
    [InlineData("/api/state?tab=a%20b")]
    [InlineData("/api/state?tab=<script>")]
    public async Task A_tab_id_that_is_not_letters_digits_and_dashes_is_refused(string path)
    {
        await using var studio = await StudioHarness.Start();

        var (status, body) = await studio.Raw(path);

        status.ShouldBe(HttpStatusCode.BadRequest);
        body.GetProperty("error").GetString()!.ShouldStartWith("'tab' must be a tab's id (at most 64 letters, digits and '-'), not '");
    }

    private static string[] Files(JsonElement state) => state.GetProperty("files").EnumerateArray().Select(f => f.GetString()!).ToArray();

    private static string Diagnostics(JsonElement state) => string.Join("\n", state.GetProperty("diagnostics").EnumerateArray().Select(d => d.GetProperty("text").GetString()));

    /// <summary>Sends <paramref name="body"/> to a fresh studio's <paramref name="path"/>: refused with <paramref name="status"/> and <paramref name="message"/>, and no file changed.</summary>
    private static async Task RefusedChangingNothing(string path, object body, int status, string message)
    {
        await using var studio = await StudioHarness.Start();
        var before = Snapshot(studio.Temp.Path);

        var (answer, error) = await studio.Raw(path, JsonSerializer.Serialize(body));

        ((int)answer).ShouldBe(status);
        error.GetProperty("error").GetString().ShouldBe(message);
        Snapshot(studio.Temp.Path).ShouldBe(before);
    }

    /// <summary>Every file under <paramref name="folder"/> with its text, to see that a refused request changed nothing.</summary>
    private static string[] Snapshot(string folder)
        => Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".csv", StringComparison.Ordinal)).Order(StringComparer.Ordinal)
            .Select(f => $"{Path.GetRelativePath(folder, f)}: {File.ReadAllText(f)}").ToArray();
}
