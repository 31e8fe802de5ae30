using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Snorkeler.Studio.Tests;

/// <summary>
/// <c>set=gold</c> on a dev file where some rows have no gold label (a Wrench label of -1, an empty cell of the gold
/// column): those rows are dev rows but not gold rows, so the counts, the sample a limit asks for and the rows listed
/// leave them out, exactly. The YouTube valid split with every third comment's label removed: 80 of its 120 rows keep one.
/// </summary>
public sealed class GoldRowsWithoutGoldTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string> Formats => ["json", "csv"];

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task The_gold_rows_leave_out_the_dev_rows_without_gold_in_their_counts_their_samples_and_the_rows_listed(string format)
    {
        var (path, goldColumn, labelled) = DevFile(_temp, format);
        await using var studio = await StudioHarness.Start(devFile: path, goldColumn: goldColumn);

        var totals = (await studio.Get("/api/state")).GetProperty("totals");
        totals.GetProperty("goldRows").GetInt64().ShouldBe(labelled.Count);
        totals.GetProperty("goldRows").GetInt64().ShouldBe(80);

        foreach (var bucket in new[] { "all", "fires&lf=keyword_subscribe", "uncovered", "model-wrong", "model-right", "wrong&lf=short_comment", "conflict" })
        {
            // Every dev row of the bucket, labelled or not (120 < the limit), and those of them with a gold label.
            var dev = Rows(await studio.Get($"/api/rows?set=dev&bucket={bucket}&limit=500"));
            var expected = dev.Where(r => r.Gold is not null).Select(r => r.Row).ToList();
            expected.ShouldAllBe(row => labelled.Contains(row));
            if (bucket == "all") expected.Count.ShouldBe(80);

            var all = await studio.Get($"/api/rows?set=gold&bucket={bucket}&limit=500");
            all.GetProperty("matched").GetInt64().ShouldBe(expected.Count, bucket);
            Rows(all).Select(r => r.Row).ShouldBe(expected, bucket);
            Rows(all).ShouldAllBe(r => r.Set == "dev" && r.Gold != null);

            (await studio.Get($"/api/rows?set=gold&bucket={bucket}&limit=0")).GetProperty("matched").GetInt64().ShouldBe(expected.Count, bucket);
            (await studio.Get($"/api/rows?set=gold&bucket={bucket}&limit=0")).GetProperty("rows").GetArrayLength().ShouldBe(0);

            // A limit takes that many gold rows (a fixed sample of them), never fewer because rows without gold were drawn;
            // a smaller limit's rows are among a larger one's, for the same seed.
            foreach (var seed in new[] { 0, 3 })
            {
                List<long>? larger = null;
                foreach (var limit in new[] { 60, 25, 7, 1 })
                {
                    var view = await studio.Get($"/api/rows?set=gold&bucket={bucket}&limit={limit}&seed={seed}");
                    view.GetProperty("matched").GetInt64().ShouldBe(expected.Count, bucket);
                    var rows = Rows(view);
                    rows.Count.ShouldBe(Math.Min(limit, expected.Count), $"{bucket}, limit {limit}, seed {seed}");
                    rows.ShouldAllBe(r => r.Gold != null && expected.Contains(r.Row));
                    rows.Select(r => r.Row).ShouldBeUnique();
                    if (larger is not null) rows.Select(r => r.Row).ShouldBeSubsetOf(larger);
                    larger = rows.Select(r => r.Row).ToList();
                }
            }
        }
    }

    /// <summary>The dev file: YouTube's valid split with the label of every third row (1, 4, 7, ...) removed; the 0-based rows that keep one.</summary>
    internal static (string Path, string? GoldColumn, HashSet<long> Labelled) DevFile(TempFolder temp, string format)
    {
        var split = JsonNode.Parse(File.ReadAllText(StudioHarness.DevPath))!.AsObject();
        var labelled = new HashSet<long>();
        var index = 0;
        foreach (var (_, row) in split)
        {
            if (index % 3 == 1) row!["label"] = -1;
            else labelled.Add(index);
            index++;
        }
        if (format == "json")
        {
            var path = temp.File("valid.json");
            File.WriteAllText(path, split.ToJsonString());
            File.Copy(Path.Combine(Path.GetDirectoryName(StudioHarness.DevPath)!, "label.json"), temp.File("label.json"));
            return (path, null, labelled);
        }
        var csv = new StringBuilder("text,gold\n");
        foreach (var (_, row) in split)
        {
            var label = row!["label"]!.GetValue<int>();
            csv.Append('"').Append(row["data"]!["text"]!.GetValue<string>().Replace("\"", "\"\"", StringComparison.Ordinal)).Append("\",")
                .Append(label switch { 0 => "HAM", 1 => "SPAM", _ => "" }).Append('\n');
        }
        var csvPath = temp.File("valid.csv");
        File.WriteAllText(csvPath, csv.ToString());
        return (csvPath, "gold", labelled);
    }

    private sealed record Listed(string Set, long Row, string? Gold);

    private static List<Listed> Rows(JsonElement view) => view.GetProperty("rows").EnumerateArray()
        .Select(r => new Listed(r.GetProperty("set").GetString()!, r.GetProperty("row").GetInt64(), r.GetProperty("gold").GetString())).ToList();
}
