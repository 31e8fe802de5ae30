using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Snorkeler.Applying;
using Snorkeler.Data;

namespace Snorkeler.Studio.Tests;

/// <summary>
/// A studio on a real Kestrel server (loopback, a free port) over the YouTube Wrench splits (train.json as the data,
/// valid.json as the dev set) and a copy of the repository's spam LF folder, with an HTTP client that sends the token.
/// </summary>
internal sealed class StudioHarness : IAsyncDisposable
{
    private StudioHarness(TempFolder temp, StudioSession session, StudioServer server)
    {
        Temp = temp;
        Session = session;
        Server = server;
        Client = new HttpClient { BaseAddress = server.Address };
        Client.DefaultRequestHeaders.Add(StudioServer.TokenHeader, server.Token);
    }

    public TempFolder Temp { get; }

    public StudioSession Session { get; }

    public StudioServer Server { get; }

    /// <summary>A client that sends the token.</summary>
    public HttpClient Client { get; }

    /// <summary>The LF folder (a copy of labeling-functions/spam).</summary>
    public string Lfs => Temp.File("lfs");

    public string RulesFile => Path.Combine(Lfs, "spam.rules");

    public static string TrainPath => TestPaths.YouTubeFile("train.json");

    /// <summary>One test at a time sets <see cref="IO.AtomicFile.AfterUnitRename"/>, which every commit of the process calls.</summary>
    private static readonly SemaphoreSlim UnitRenameHook = new(1, 1);

    /// <summary>
    /// Runs <paramref name="act"/> while the second file of a unit published in the LF folder cannot be written when its
    /// turn comes (the error a file locked on Windows gives), as a test runs as root, whom no file mode stops.
    /// </summary>
    public async Task<T> WithSecondUnitFileLocked<T>(Func<Task<T>> act)
    {
        await UnitRenameHook.WaitAsync();
        IO.AtomicFile.AfterUnitRename = (files, renamed) =>
        {
            if (renamed == 1 && files[0].Destination.StartsWith(Lfs, StringComparison.Ordinal))
                throw new IOException("The process cannot access the file because it is being used by another process.");
        };
        try
        {
            return await act();
        }
        finally
        {
            IO.AtomicFile.AfterUnitRename = null;
            UnitRenameHook.Release();
        }
    }

    public static string DevPath => TestPaths.YouTubeFile("valid.json");

    /// <summary>
    /// A first set of TREC rules, as a person starts: one per question word, covering about a quarter of the questions, so
    /// most rows get the label model's class prior alone (labeling-functions/trec/question-words.rules).
    /// </summary>
    public static readonly string TrecRules = File.ReadAllText(TestPaths.InRepo("labeling-functions", "trec", "question-words.rules"));

    /// <summary>A Wrench split of the shared data set <paramref name="set"/> (youtube, trec).</summary>
    public static string SplitPath(string set, string split) => Path.Combine(TestPaths.Shared, "data", set, split + ".json");

    /// <summary>
    /// Starts a studio; <paramref name="scripts"/> copies nlp.csx too, <paramref name="rules"/> replaces spam.rules' text,
    /// <paramref name="set"/> names another shared Wrench data set (its train and valid splits) instead of YouTube;
    /// <paramref name="devFile"/> replaces the valid split as the dev data (with <paramref name="goldColumn"/>, a file whose gold labels are in that column);
    /// <paramref name="lfTimeBudget"/> is <c>--lf-timeout</c>; <paramref name="adjust"/> changes the settings last.
    /// </summary>
    public static async Task<StudioHarness> Start(bool scripts = false, string? rules = null, bool dev = true, int? sample = null, string set = "youtube",
        string? devFile = null, string? goldColumn = null, TimeSpan? lfTimeBudget = null, Func<StudioSettings, StudioSettings>? adjust = null)
    {
        var temp = new TempFolder();
        var lfs = temp.File("lfs");
        Directory.CreateDirectory(lfs);
        foreach (var f in Directory.GetFiles(TestPaths.InRepo("labeling-functions", "spam")))
            if (scripts || !f.EndsWith(".csx", StringComparison.Ordinal)) File.Copy(f, Path.Combine(lfs, Path.GetFileName(f)));
        if (rules is not null) File.WriteAllText(Path.Combine(lfs, "spam.rules"), rules);
        var settings = Settings(temp, dev, sample, set, devFile, goldColumn) with { LfTimeBudget = lfTimeBudget };
        var session = new StudioSession(adjust is null ? settings : adjust(settings));
        var server = await StudioServer.StartAsync(session, 0);
        return new StudioHarness(temp, session, server);
    }

    public static StudioSettings Settings(TempFolder temp, bool dev = true, int? sample = null, string set = "youtube", string? devFile = null, string? goldColumn = null)
    {
        var devPath = devFile ?? SplitPath(set, "valid");
        return new()
        {
            LfFolder = temp.File("lfs"),
            Data = DataSources.Open([SplitPath(set, "train")]),
            Loaders = Cli.Inputs.Loaders,
            Schema = WrenchFile.ReadSchema(SplitPath(set, "train")),
            Dev = dev ? DataSources.Open([devPath]) : null,
            GoldColumn = goldColumn,
            DevGold = dev ? (schema, rows, warn) =>
            {
                using var gold = LabelledData.Gold([devPath], DataSources.Open([devPath]), schema, goldColumn, warn)!;
                return gold.Take(rows);
            } : null,
            HandLabelsPath = temp.File("train.studio-labels.csv"),
            Sample = sample,
            PollInterval = TimeSpan.FromMilliseconds(200),
        };
    }

    public async Task<JsonElement> Get(string path)
    {
        var response = await Client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.ShouldBeTrue($"GET {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<JsonElement> Post(string path, object body)
    {
        var response = await Client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.ShouldBeTrue($"POST {path}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Sends <paramref name="json"/> as it is (POST) or nothing (GET) and returns the status and the JSON answer (default when it is not JSON).</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> Raw(string path, string? json = null)
    {
        using var response = json is null
            ? await Client.GetAsync(path)
            : await Client.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        var isJson = response.Content.Headers.ContentType?.MediaType == "application/json";
        return (response.StatusCode, isJson ? JsonDocument.Parse(text).RootElement.Clone() : default);
    }

    /// <summary>Polls the state until <paramref name="done"/> holds (the studio picks up changes on disk within its poll interval).</summary>
    public async Task<JsonElement> StateWhen(Func<JsonElement, bool> done)
    {
        var state = await Get("/api/state");
        for (var tries = 0; tries < 100 && !done(state); tries++)
        {
            await Task.Delay(100);
            state = await Get("/api/state");
        }
        return state;
    }

    /// <summary>The numbers of LF <paramref name="name"/> in a state.</summary>
    public static JsonElement Lf(JsonElement state, string name)
        => state.GetProperty("lfs").EnumerateArray().Select(l => l.GetProperty("numbers")).Single(n => n.GetProperty("name").GetString() == name);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        Session.Dispose();
        Temp.Dispose();
    }
}
