using System.Text.Json;

namespace Snorkeler.Studio.Tests;

/// <summary>/api/rows pages through every row of a bucket, in the order 'snorkeler rows' samples them.</summary>
public sealed class RowPagesTests
{
    [Theory]
    [InlineData("set=train&bucket=all", 1586)]
    [InlineData("set=train&bucket=fires&lf=keyword_subscribe", null)]
    [InlineData("set=train&bucket=uncovered", null)]
    [InlineData("set=dev&bucket=wrong&lf=keyword_my", null)]
    [InlineData("set=gold&bucket=all", 120)]
    public async Task Pages_one_after_another_show_every_row_of_the_bucket_once(string query, int? all)
    {
        // Given
        await using var studio = await StudioHarness.Start();
        var matched = (await studio.Get($"/api/rows?{query}&limit=0")).GetProperty("matched").GetInt64();
        if (all is { } rows) matched.ShouldBe(rows);

        // When
        var seen = new List<long>();
        for (var offset = 0L; offset < matched; offset += 97)
        {
            var page = await studio.Get($"/api/rows?{query}&offset={offset}&limit=97&seed=3");
            page.GetProperty("matched").GetInt64().ShouldBe(matched);
            page.GetProperty("offset").GetInt64().ShouldBe(offset);
            page.GetProperty("limit").GetInt32().ShouldBe(97);
            var numbers = Rows(page);
            numbers.Count.ShouldBe((int)Math.Min(97, matched - offset), $"offset {offset}");
            numbers.ShouldBeInOrder();
            seen.AddRange(numbers);
        }

        // Then
        seen.Count.ShouldBe((int)matched);
        seen.ShouldBeUnique();
        Rows(await studio.Get($"/api/rows?{query}&offset={matched}&limit=97&seed=3")).ShouldBeEmpty();
        Rows(await studio.Get($"/api/rows?{query}&offset={long.MaxValue}&limit=97&seed=3")).ShouldBeEmpty();
    }

    [Fact]
    public async Task The_first_pages_are_the_sample_snorkeler_rows_shows_with_the_same_seed()
    {
        // Given
        await using var studio = await StudioHarness.Start();
        using var output = new StringWriter();
        using var errors = new StringWriter();
        Cli.Cli.Run(["rows", "--lfs", studio.Lfs, "--data", StudioHarness.TrainPath, "--lf", "keyword_subscribe", "--limit", "60", "--seed", "5",
            "--format", "jsonl", "--quiet"], output, errors).ShouldBe(0, errors.ToString());
        var cli = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("row").GetInt64());

        // When
        var pages = new List<long>();
        foreach (var offset in new[] { 0, 20, 40 })
            pages.AddRange(Rows(await studio.Get($"/api/rows?set=train&bucket=fires&lf=keyword_subscribe&offset={offset}&limit=20&seed=5")));

        // Then
        pages.Order().ShouldBe(cli);
    }

    [Fact]
    public async Task A_limit_of_0_counts_the_rows_as_rows_limit_0_does()
    {
        await using var studio = await StudioHarness.Start();

        var view = await studio.Get("/api/rows?set=train&bucket=all&limit=0&offset=40");

        view.GetProperty("matched").GetInt64().ShouldBe(1586);
        view.GetProperty("rows").GetArrayLength().ShouldBe(0);
        view.GetProperty("limit").GetInt32().ShouldBe(0);
        view.GetProperty("offset").GetInt64().ShouldBe(40);
    }

    /// <summary>The 1-based row numbers of a page, in the order it lists them.</summary>
    private static List<long> Rows(JsonElement page)
        => page.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("number").GetInt64()).ToList();
}
