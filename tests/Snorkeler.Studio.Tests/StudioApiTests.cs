using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Snorkeler.Studio.Tests;

public sealed class StudioApiTests
{
    [Fact]
    public async Task A_request_without_the_right_token_is_refused()
    {
        await using var studio = await StudioHarness.Start();
        using var anonymous = new HttpClient { BaseAddress = studio.Server.Address };

        (await anonymous.GetAsync("/api/state")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await anonymous.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await anonymous.GetAsync("/api/state?token=" + new string('0', studio.Server.Token.Length))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await anonymous.PostAsJsonAsync("/api/save", new { path = "spam.rules", text = "labels A, B\n" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        File.ReadAllText(studio.RulesFile).ShouldContain("keyword_my");

        var page = await anonymous.GetAsync("/?token=" + studio.Server.Token);
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await page.Content.ReadAsStringAsync()).ShouldContain("<textarea");
        page.Headers.GetValues("Set-Cookie").Single().ShouldContain("HttpOnly", Case.Insensitive);
    }

    [Fact]
    public async Task The_server_listens_on_the_loopback_address_only()
    {
        await using var studio = await StudioHarness.Start();

        studio.Server.Address.Host.ShouldBe("127.0.0.1");
        studio.Server.Url.Query.ShouldBe("?token=" + studio.Server.Token);
        studio.Server.Token.Length.ShouldBeGreaterThanOrEqualTo(32);
    }

    [Theory]
    [InlineData("../outside.rules")]
    [InlineData("../../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("sub/../../outside.rules")]
    [InlineData("spam.exe")]
    public async Task A_path_outside_the_LF_folder_or_not_an_LF_file_is_refused(string path)
    {
        await using var studio = await StudioHarness.Start();

        var read = await studio.Client.GetAsync("/api/file?path=" + Uri.EscapeDataString(path));
        var save = await studio.Client.PostAsJsonAsync("/api/save", new { path, text = "labels HAM, SPAM\n" });

        read.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        save.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        File.Exists(Path.Combine(studio.Temp.Path, "outside.rules")).ShouldBeFalse();
    }

    [Fact]
    public async Task A_link_that_leads_out_of_the_LF_folder_is_refused()
    {
        await using var studio = await StudioHarness.Start();
        var outside = studio.Temp.Write("secret.rules", "labels A, B\n");
        File.CreateSymbolicLink(Path.Combine(studio.Lfs, "link.rules"), outside);

        var read = await studio.Client.GetAsync("/api/file?path=link.rules");

        read.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Linked_folders_are_not_followed_so_the_file_list_the_LFs_and_the_paths_opened_agree()
    {
        await using var studio = await StudioHarness.Start();
        var outside = studio.Temp.File("outside");
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "o.rules"), "labels HAM, SPAM\n\nlf outside_lf:\n    when text contains \"zzz\" label SPAM\n");
        File.WriteAllText(Path.Combine(outside, "secret.txt"), "secret\n");
        Directory.CreateSymbolicLink(Path.Combine(studio.Lfs, "sub"), outside);
        Directory.CreateSymbolicLink(Path.Combine(studio.Lfs, "loop"), ".");
        File.AppendAllText(studio.RulesFile, "\n# a change the studio picks up\n");

        var state = await studio.StateWhen(s => s.GetProperty("history").GetArrayLength() > 1 || s.GetProperty("version").GetInt32() > 1);
        var loop = await studio.Raw("/api/file?path=loop/spam.rules");

        state.GetProperty("files").EnumerateArray().Select(f => f.GetString()).ShouldBe(["please_words.txt", "spam.rules"]);
        state.GetProperty("lfs").GetArrayLength().ShouldBe(7);
        state.GetProperty("diagnostics").GetArrayLength().ShouldBe(0);
        loop.Status.ShouldBe(HttpStatusCode.Forbidden);
        loop.Body.GetProperty("error").GetString().ShouldBe("'loop/spam.rules' goes through a link ('loop'); the studio opens only the LF folder's own files, not links");
    }

    [Fact]
    public async Task An_oversized_request_is_refused()
    {
        await using var studio = await StudioHarness.Start();
        var huge = new string('x', (int)StudioServer.MaxRequestBytes + 1024);

        var response = await studio.Client.PostAsync("/api/check",
            new StringContent(JsonSerializer.Serialize(new { path = "spam.rules", text = huge }), Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        File.ReadAllText(studio.RulesFile).ShouldContain("keyword_my");
    }

    [Fact]
    public async Task A_misspelt_label_gets_the_checkers_diagnostic_at_its_line_and_column_and_the_numbers_stay()
    {
        await using var studio = await StudioHarness.Start();
        var before = await studio.Get("/api/state");
        var text = File.ReadAllText(studio.RulesFile).Replace("\"song\" label HAM", "\"song\" label HAMM", StringComparison.Ordinal);

        var state = await studio.Post("/api/check", new { path = "spam.rules", text });

        state.GetProperty("clean").GetBoolean().ShouldBeFalse();
        var diagnostic = state.GetProperty("diagnostics").EnumerateArray().Single();
        var line = text.Split('\n').Select((l, i) => (l, i)).Single(p => p.l.Contains("HAMM", StringComparison.Ordinal));
        var declared = text.Split('\n').ToList().FindIndex(l => l.StartsWith("labels ", StringComparison.Ordinal)) + 1;
        diagnostic.GetProperty("code").GetString().ShouldBe("SNK0007");
        diagnostic.GetProperty("line").GetInt32().ShouldBe(line.i + 1);
        diagnostic.GetProperty("column").GetInt32().ShouldBe(line.l.IndexOf("HAMM", StringComparison.Ordinal) + 1);
        diagnostic.GetProperty("text").GetString().ShouldBe($"spam.rules({line.i + 1},{line.l.IndexOf("HAMM", StringComparison.Ordinal) + 1}): error SNK0007: unknown label 'HAMM'; did you mean 'HAM'? (classes: HAM, SPAM, or ABSTAIN; declared at line {declared})");
        state.GetProperty("totals").GetRawText().ShouldBe(before.GetProperty("totals").GetRawText());
        File.ReadAllText(studio.RulesFile).ShouldNotContain("HAMM"); // checking does not save
    }

    [Fact]
    public async Task An_edit_reapplies_only_the_changed_LF_and_gives_the_numbers_of_a_full_apply_and_analyze()
    {
        await using var studio = await StudioHarness.Start();
        var text = File.ReadAllText(studio.RulesFile).Replace("contains \"song\"", "contains \"songs\"", StringComparison.Ordinal);

        var state = await studio.Post("/api/save", new { path = "spam.rules", text });

        state.GetProperty("reapplied").GetInt32().ShouldBe(1);
        var train = Analyze(studio, StudioHarness.TrainPath);
        var dev = Analyze(studio, StudioHarness.DevPath);
        state.GetProperty("totals").GetProperty("coverage").GetDouble().ShouldBe(train.GetProperty("coverage").GetDouble(), 1e-12);
        state.GetProperty("totals").GetProperty("conflict").GetDouble().ShouldBe(train.GetProperty("conflict").GetDouble(), 1e-12);
        foreach (var expected in train.GetProperty("lfs").EnumerateArray())
        {
            var name = expected.GetProperty("name").GetString()!;
            var actual = StudioHarness.Lf(state, name);
            foreach (var number in new[] { "coverage", "overlaps", "conflicts" })
                actual.GetProperty(number).GetDouble().ShouldBe(expected.GetProperty(number).GetDouble(), 1e-12, $"{name} {number}");
            var onDev = dev.GetProperty("lfs").EnumerateArray().Single(l => l.GetProperty("name").GetString() == name);
            actual.GetProperty("correct").GetInt64().ShouldBe(onDev.GetProperty("correct").GetInt64(), name);
            actual.GetProperty("incorrect").GetInt64().ShouldBe(onDev.GetProperty("incorrect").GetInt64(), name);
        }
    }

    [Fact]
    public async Task The_overlap_rows_are_the_rows_analyze_counts_in_the_overlaps()
    {
        await using var studio = await StudioHarness.Start();
        var state = await studio.Get("/api/state");
        var rows = state.GetProperty("rows").GetInt64();

        var all = await studio.Get("/api/rows?set=train&bucket=overlap&limit=500");
        var my = await studio.Get("/api/rows?set=train&lf=keyword_my&bucket=overlap&limit=500");

        var train = Analyze(studio, StudioHarness.TrainPath);
        all.GetProperty("query").GetString().ShouldBe("two or more LFs vote");
        all.GetProperty("matched").GetInt64().ShouldBe((long)Math.Round(train.GetProperty("overlap").GetDouble() * rows));
        all.GetProperty("rows").EnumerateArray().ShouldAllBe(r => r.GetProperty("votes").GetArrayLength() >= 2);
        var expected = train.GetProperty("lfs").EnumerateArray().Single(l => l.GetProperty("name").GetString() == "keyword_my").GetProperty("overlaps").GetDouble();
        my.GetProperty("query").GetString().ShouldBe("keyword_my votes; another LF votes too");
        my.GetProperty("matched").GetInt64().ShouldBe((long)Math.Round(expected * rows));
        my.GetProperty("rows").EnumerateArray().ShouldAllBe(r => r.GetProperty("votes").GetArrayLength() >= 2
            && r.GetProperty("votes").EnumerateArray().Any(v => v.GetProperty("lf").GetString() == "keyword_my"));
    }

    /// <summary>'snorkeler apply' then 'snorkeler analyze --format json' on <paramref name="data"/> with the studio's LF folder.</summary>
    private static JsonElement Analyze(StudioHarness studio, string data)
    {
        var matrix = studio.Temp.File(Path.GetFileNameWithoutExtension(data) + ".snkm");
        using var quiet = new StringWriter();
        Cli.Cli.Run(["apply", "--lfs", studio.Lfs, "--data", data, "--out", matrix, "--quiet"], quiet, quiet).ShouldBe(0, quiet.ToString());
        using var output = new StringWriter();
        Cli.Cli.Run(["analyze", "--matrix", matrix, "--format", "json", "--quiet"], output, quiet).ShouldBe(0, quiet.ToString());
        return JsonDocument.Parse(output.ToString()).RootElement.Clone();
    }

    [Fact]
    public async Task Each_edit_shows_what_it_changed_and_joins_the_history()
    {
        await using var studio = await StudioHarness.Start();
        var rules = File.ReadAllText(studio.RulesFile);

        var narrowed = await studio.Post("/api/check", new { path = "spam.rules", text = rules.Replace("contains \"my\"", "contains \"my channel\"", StringComparison.Ordinal) });
        var added = await studio.Post("/api/check", new { path = "spam.rules", text = rules + "\nlf spam_com:\n    when text contains \".com\" label SPAM\n" });

        var my = narrowed.GetProperty("lfs").EnumerateArray().Single(l => l.GetProperty("numbers").GetProperty("name").GetString() == "keyword_my");
        my.GetProperty("delta").GetProperty("coverage").GetDouble().ShouldBeLessThan(0);
        added.GetProperty("lfs").EnumerateArray().Single(l => l.GetProperty("numbers").GetProperty("name").GetString() == "spam_com").GetProperty("isNew").GetBoolean().ShouldBeTrue();
        var history = added.GetProperty("history").EnumerateArray().ToList();
        history.Count.ShouldBe(3);
        history[1].GetProperty("changed").EnumerateArray().Select(e => e.GetString()).ShouldBe(["keyword_my"]);
        history[2].GetProperty("added").EnumerateArray().Select(e => e.GetString()).ShouldBe(["spam_com"]);
        history[2].GetProperty("changed").GetArrayLength().ShouldBe(1); // keyword_my is back to its saved text
        added.GetProperty("delta").GetProperty("coverage").GetDouble().ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Saving_writes_the_file_and_a_change_made_outside_the_studio_is_picked_up()
    {
        await using var studio = await StudioHarness.Start();
        var rules = File.ReadAllText(studio.RulesFile);

        await studio.Post("/api/save", new { path = "spam.rules", text = rules + "\nlf spam_com:\n    when text contains \".com\" label SPAM\n" });
        File.ReadAllText(studio.RulesFile).ShouldContain("lf spam_com:");
        Directory.GetFiles(studio.Lfs).Where(f => f.Contains(".tmp", StringComparison.Ordinal)).ShouldBeEmpty();

        File.WriteAllText(studio.RulesFile, rules); // another editor, a git checkout
        var state = await studio.StateWhen(s => s.GetProperty("lfs").GetArrayLength() == 7);

        state.GetProperty("lfs").GetArrayLength().ShouldBe(7);
        state.GetProperty("history").EnumerateArray().Last().GetProperty("reason").GetString().ShouldBe("external change");
        (await studio.Get("/api/file?path=spam.rules")).GetProperty("text").GetString().ShouldBe(rules);
    }

    [Fact]
    public async Task Scripts_are_measured_beside_the_rules()
    {
        await using var studio = await StudioHarness.Start(scripts: true);

        var state = await studio.Get("/api/state");

        var script = StudioHarness.Lf(state, "textblob_polarity");
        script.GetProperty("file").GetString().ShouldBe("nlp.csx");
        script.GetProperty("coverage").GetDouble().ShouldBeGreaterThan(0);
        state.GetProperty("files").EnumerateArray().Select(f => f.GetString()).ShouldContain("nlp.csx");
    }

    [Fact]
    public async Task The_rows_of_an_LF_show_the_text_that_made_it_fire()
    {
        await using var studio = await StudioHarness.Start();

        var rows = await studio.Get("/api/rows?set=train&lf=keyword_subscribe&bucket=fires&limit=5");

        rows.GetProperty("matched").GetInt64().ShouldBeGreaterThan(5);
        foreach (var row in rows.GetProperty("rows").EnumerateArray())
        {
            var matched = row.GetProperty("fields").EnumerateArray().SelectMany(f => f.GetProperty("segments").EnumerateArray())
                .Where(s => s.GetProperty("matched").GetBoolean()).Select(s => s.GetProperty("text").GetString()!.ToLowerInvariant());
            matched.ShouldContain("subscribe");
            row.GetProperty("votes").EnumerateArray().ShouldContain(v => v.GetProperty("lf").GetString() == "keyword_subscribe" && v.GetProperty("label").GetString() == "SPAM");
        }
    }

    [Fact]
    public async Task The_wrong_rows_of_an_LF_on_the_dev_set_disagree_with_their_gold_label()
    {
        await using var studio = await StudioHarness.Start();
        var state = await studio.Get("/api/state");

        var rows = await studio.Get("/api/rows?set=dev&lf=keyword_song&bucket=wrong&limit=50");

        rows.GetProperty("matched").GetInt64().ShouldBe(StudioHarness.Lf(state, "keyword_song").GetProperty("incorrect").GetInt64());
        foreach (var row in rows.GetProperty("rows").EnumerateArray()) row.GetProperty("gold").GetString().ShouldBe("SPAM");
    }

    [Fact]
    public async Task A_hand_label_is_saved_beside_the_data_and_joins_the_gold_rows()
    {
        await using var studio = await StudioHarness.Start();
        var before = await studio.Get("/api/state");
        var row = (await studio.Get("/api/rows?set=train&bucket=uncovered&limit=1")).GetProperty("rows")[0];

        var after = await studio.Post("/api/label", new { row = row.GetProperty("row").GetInt64(), label = "HAM" });

        after.GetProperty("totals").GetProperty("goldRows").GetInt64().ShouldBe(before.GetProperty("totals").GetProperty("goldRows").GetInt64() + 1);
        File.ReadAllLines(studio.Session.HandLabelsPath).ShouldBe(["row,label", $"{row.GetProperty("number").GetInt64()},HAM"]);
        var labelled = new List<JsonElement>();
        for (var offset = 0; offset < 1586; offset += 500)
            labelled.AddRange((await studio.Get($"/api/rows?set=train&bucket=all&offset={offset}&limit=500")).GetProperty("rows").EnumerateArray());
        labelled.Count.ShouldBe(1586);
        labelled.Single(r => r.GetProperty("gold").ValueKind == JsonValueKind.String).GetProperty("row").GetInt64().ShouldBe(row.GetProperty("row").GetInt64());
        (await studio.Client.PostAsJsonAsync("/api/label", new { row = 0, label = "SPAMM" })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_state_carries_the_warnings_about_gold_and_hand_labels_that_reached_only_the_terminal()
    {
        // Given a dev file whose gold labels warn (a cell that names one class and is another class's number) and hand
        // labels of a row past the data and of a class the LFs do not declare: the page never said so
        const string gold = "valid.json(7): column 'label': '1' names class '1' and is also the number of class '0'; a gold label that names a class is read as that class, "
            + "so write the column's labels as class names, not numbers";
        StudioSettings Adjust(StudioSettings settings)
        {
            File.WriteAllText(settings.HandLabelsPath, "row,label\n5,HAM\n99999,SPAM\n7,SPAMM\n");
            return settings with { DevGold = (schema, rows, warn) => { warn(gold); return settings.DevGold!(schema, rows, warn); } };
        }

        // When
        await using var studio = await StudioHarness.Start(adjust: Adjust);
        var state = await studio.Get("/api/state");

        // Then
        var hand = studio.Session.HandLabelsPath;
        state.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()).ShouldBe([
            $"warning: {gold}",
            $"warning: {hand}(4): row 7's label 'SPAMM' is not a class of the LFs (did you mean 'SPAM'? classes: HAM, SPAM); it is not used",
            $"warning: {hand}(3): row 99,999 is past the data's 1,586 rows; its label is not used (a labels file of other data?)",
        ]);
        state.GetProperty("handLabelled").GetInt32().ShouldBe(3);
    }

    [Fact]
    public async Task More_than_five_hand_labels_the_studio_cannot_use_are_five_warnings_and_a_count()
    {
        await using var studio = await StudioHarness.Start(adjust: settings =>
        {
            File.WriteAllText(settings.HandLabelsPath, "row,label\n" + string.Concat(Enumerable.Range(0, 8).Select(i => $"{100_000 + i},SPAM\n")));
            return settings;
        });

        var warnings = (await studio.Get("/api/state")).GetProperty("warnings").EnumerateArray().Select(w => w.GetString()).ToList();

        warnings.Count.ShouldBe(6);
        warnings[^1].ShouldBe($"warning: {studio.Session.HandLabelsPath}: 3 more hand labels are not used");
    }

    [Fact]
    public async Task A_labels_file_the_studio_did_not_write_is_never_overwritten()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp.File("lfs"));
        File.Copy(TestPaths.InRepo("labeling-functions", "spam", "spam.rules"), temp.File("lfs/spam.rules"));
        File.Copy(TestPaths.InRepo("labeling-functions", "spam", "please_words.txt"), temp.File("lfs/please_words.txt"));
        var settings = StudioHarness.Settings(temp);
        File.WriteAllText(settings.HandLabelsPath, "id,text\n1,hello\n");

        var refused = Should.Throw<SnorkelerException>(() => new StudioSession(settings));

        refused.Message.ShouldContain("is not a studio labels file");
        File.ReadAllText(settings.HandLabelsPath).ShouldBe("id,text\n1,hello\n");
        await Task.CompletedTask;
    }

    [Theory]
    // A NUL is refused as in any text file read, which is no text (the file is read as every input is).
    [InlineData("4\0,SPAM", "a NUL character (U+0000) at column 2, which is not text (remove it, and save the file as UTF-8)")]
    [InlineData("4\u001b,SPAM", "expected 'ROW,LABEL' with a row number from 1, got '4\\u001b,SPAM': it holds the control character U+001B")]
    public void A_labels_file_row_number_with_a_control_character_is_refused_naming_the_file_and_line(string line, string message)
    {
        // Given a labels file whose second label's row number ends in a control character (long.TryParse read "4\0" as 4)
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp.File("lfs"));
        File.Copy(TestPaths.InRepo("labeling-functions", "spam", "spam.rules"), temp.File("lfs/spam.rules"));
        File.Copy(TestPaths.InRepo("labeling-functions", "spam", "please_words.txt"), temp.File("lfs/please_words.txt"));
        var settings = StudioHarness.Settings(temp);
        File.WriteAllText(settings.HandLabelsPath, $"row,label\n6,HAM\n{line}\n");

        // When the studio starts on it
        var refused = Should.Throw<SnorkelerException>(() => new StudioSession(settings));

        // Then
        refused.Message.ShouldBe($"{Path.GetFullPath(settings.HandLabelsPath)}(3): {message}");
        File.ReadAllText(settings.HandLabelsPath).ShouldBe($"row,label\n6,HAM\n{line}\n");
    }

    [Theory]
    [InlineData("UTF-8 with a byte-order mark")]
    [InlineData("UTF-16 LE")]
    public async Task A_hand_label_rewrites_the_labels_file_in_the_encoding_it_was_saved_in_its_byte_order_mark_kept(string saved)
    {
        // Given a labels file an editor saved with a byte-order mark (before: it was written back as UTF-8 without one)
        var encoding = saved == "UTF-16 LE" ? Encoding.Unicode : Encoding.UTF8;
        await using var studio = await StudioHarness.Start(adjust: settings =>
        {
            File.WriteAllBytes(settings.HandLabelsPath, [.. encoding.Preamble, .. encoding.GetBytes("row,label\r\n10,HAM\r\n")]);
            return settings;
        });

        // When
        await studio.Post("/api/label", new { row = 3, label = "SPAM" });

        // Then
        File.ReadAllBytes(studio.Session.HandLabelsPath).ShouldBe([.. encoding.Preamble, .. encoding.GetBytes("row,label\n4,SPAM\n10,HAM\n")]);
    }

    [Fact]
    public async Task A_labels_file_changed_to_bytes_that_are_not_UTF_8_refuses_a_hand_label_in_one_line_naming_it()
    {
        // Given a labels file another program rewrote in Windows-1252 while the studio runs (before: the byte was read as
        // U+FFFD, and the label 'H\uFFFDM' written back)
        await using var studio = await StudioHarness.Start();
        await studio.Post("/api/label", new { row = 3, label = "SPAM" });
        byte[] written = [.. Encoding.ASCII.GetBytes("row,label\n4,SPAM\n9,H"), 0xC9, .. Encoding.ASCII.GetBytes("M\n")];
        File.WriteAllBytes(studio.Session.HandLabelsPath, written);

        // When
        var (status, body) = await studio.Raw("/api/label", JsonSerializer.Serialize(new { row = 5, label = "HAM" }));

        // Then
        status.ShouldBe(HttpStatusCode.BadRequest);
        body.GetProperty("error").GetString()!.ShouldStartWith($"{studio.Session.HandLabelsPath}(3): ");
        body.GetProperty("error").GetString()!.ShouldNotContain("\n");
        File.ReadAllBytes(studio.Session.HandLabelsPath).ShouldBe(written);
    }

    [Fact]
    public async Task A_labels_file_refused_for_a_bad_line_gives_none_of_its_labels()
    {
        // Given a labels file another program rewrote, with a label before a line that is not one (before: the labels
        // before the bad line were taken, and written back with the next label)
        await using var studio = await StudioHarness.Start();
        await studio.Post("/api/label", new { row = 3, label = "SPAM" });
        File.WriteAllText(studio.Session.HandLabelsPath, "row,label\n4,SPAM\n9,HAM\nnot a row\n");
        var (status, _) = await studio.Raw("/api/label", JsonSerializer.Serialize(new { row = 5, label = "HAM" }));
        status.ShouldBe(HttpStatusCode.BadRequest);

        // When the person mends the file without that label, and labels again
        File.WriteAllText(studio.Session.HandLabelsPath, "row,label\n4,SPAM\n");
        await studio.Post("/api/label", new { row = 5, label = "HAM" });

        // Then
        File.ReadAllLines(studio.Session.HandLabelsPath).ShouldBe(["row,label", "4,SPAM", "6,HAM"]);
    }

    [Fact]
    public async Task Labels_another_program_added_to_the_file_are_kept()
    {
        await using var studio = await StudioHarness.Start();
        await studio.Post("/api/label", new { row = 3, label = "SPAM" });
        File.AppendAllText(studio.Session.HandLabelsPath, "10,HAM\n");

        await studio.Post("/api/label", new { row = 5, label = "HAM" });

        File.ReadAllLines(studio.Session.HandLabelsPath).ShouldBe(["row,label", "4,SPAM", "6,HAM", "10,HAM"]);
    }

    [Fact]
    public void The_default_labels_file_is_hidden_beside_the_data_so_a_data_glob_does_not_match_it()
    {
        using var temp = new TempFolder();
        var data = temp.Write("raw/Youtube01-Psy.csv", "CONTENT\nhello\n");

        var path = StudioSettings.DefaultHandLabelsPath(data);

        path.ShouldBe(temp.File("raw/.Youtube01-Psy.csv.studio-labels.csv"));
        File.WriteAllText(path, "row,label\n1,HAM\n");
        ShellGlob(temp.File("raw"), "*.csv").ShouldBe("Youtube01-Psy.csv");
        ShellGlob(temp.File("raw"), "*").ShouldBe("Youtube01-Psy.csv");
    }

    /// <summary>What the shell expands <paramref name="pattern"/> to in <paramref name="folder"/>.</summary>
    private static string ShellGlob(string folder, string pattern)
    {
        using var shell = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/bin/sh", ["-c", "echo " + pattern])
            { WorkingDirectory = folder, RedirectStandardOutput = true })!;
        var output = shell.StandardOutput.ReadToEnd().Trim();
        shell.WaitForExit();
        return output;
    }

    [Fact]
    public void A_labels_file_under_the_old_default_name_is_still_used()
    {
        using var temp = new TempFolder();
        var data = temp.Write("raw/Youtube01-Psy.csv", "CONTENT\nhello\n");
        var old = temp.Write("raw/Youtube01-Psy.csv.studio-labels.csv", "row,label\n1,HAM\n");

        StudioSettings.DefaultHandLabelsPath(data).ShouldBe(old);
    }

    [Fact]
    public async Task The_next_rows_queue_starts_with_rows_no_LF_covers_and_leaves_hand_labelled_rows_out()
    {
        await using var studio = await StudioHarness.Start();
        var first = (await studio.Get("/api/next?limit=5")).GetProperty("rows")[0];
        await studio.Post("/api/label", new { row = first.GetProperty("row").GetInt64(), label = "HAM" });

        var queue = await studio.Get("/api/next?limit=20");

        var rows = queue.GetProperty("rows").EnumerateArray().ToList();
        rows.Count.ShouldBe(20);
        rows.ShouldAllBe(r => r.GetProperty("row").GetInt64() != first.GetProperty("row").GetInt64());
        rows.Take(5).ShouldAllBe(r => r.GetProperty("votes").GetArrayLength() == 0 && r.GetProperty("reason").GetString() == "no LF votes");
        rows.Select(r => r.GetProperty("row").GetInt64()).Distinct().Count().ShouldBe(20);
    }

    [Fact]
    public async Task Accepting_a_suggestion_adds_its_rule_to_the_rules_file_and_rejecting_one_hides_it()
    {
        await using var studio = await StudioHarness.Start(rules: "labels HAM, SPAM\n\nlf keyword_subscribe:\n    when text contains \"subscribe\" label SPAM\n");

        var suggestions = (await studio.Get("/api/suggestions?limit=5")).EnumerateArray().ToList();
        suggestions.Count.ShouldBeGreaterThan(1);
        var top = suggestions[0];
        top.GetProperty("precision").GetDouble().ShouldBeGreaterThan(0.65);
        top.GetProperty("coverage").GetDouble().ShouldBeGreaterThan(0);
        top.GetProperty("id").GetString().ShouldBe($"{top.GetProperty("keyword").GetString()}:{top.GetProperty("label").GetString()}");
        var state = await studio.Post("/api/suggestions/accept", new { id = top.GetProperty("id").GetString() });

        File.ReadAllText(studio.RulesFile).ShouldContain(top.GetProperty("rule").GetString()!);
        state.GetProperty("lfs").GetArrayLength().ShouldBe(2);
        state.GetProperty("clean").GetBoolean().ShouldBeTrue();
        var second = (await studio.Get("/api/suggestions?limit=5")).EnumerateArray().First();
        second.GetProperty("id").GetString().ShouldNotBe(top.GetProperty("id").GetString());
        await studio.Post("/api/suggestions/reject", new { id = second.GetProperty("id").GetString() });
        (await studio.Get("/api/suggestions?limit=50")).EnumerateArray().ShouldNotContain(s => s.GetProperty("id").GetString() == second.GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_sample_holds_the_rows_asked_for_and_numbers_them_as_in_the_file()
    {
        await using var studio = await StudioHarness.Start(sample: 300);

        var state = await studio.Get("/api/state");
        var rows = await studio.Get("/api/rows?set=train&bucket=all&limit=300");

        state.GetProperty("rows").GetInt64().ShouldBe(300);
        var numbers = rows.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("number").GetInt64()).ToList();
        numbers.ShouldBeInOrder();
        numbers.Last().ShouldBeGreaterThan(1000); // spread over the file's 1,586 rows, not its first 300
    }
}
