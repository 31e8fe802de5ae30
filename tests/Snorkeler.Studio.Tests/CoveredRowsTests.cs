using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Snorkeler.Studio.Tests;

/// <summary>
/// The label model's accuracy where the LFs decide, beside its accuracy on every gold row (which counts the rows it labels
/// by its class prior alone), as <c>snorkeler rows --covered</c> counts them. On TREC with six question-word rules a quarter
/// of the dev questions get a vote.
/// </summary>
public sealed partial class CoveredRowsTests
{
    [Fact]
    public async Task The_model_accuracy_on_the_covered_gold_rows_and_their_coverage_are_the_counts_of_the_rows_command()
    {
        await using var studio = await StudioHarness.Start(set: "trec", rules: StudioHarness.TrecRules);

        var totals = (await studio.Get("/api/state")).GetProperty("totals");

        var cli = new RowsCommandCounts(studio, "trec");
        var covered = cli.Count("--covered");
        var coveredRight = cli.Count("--covered", "--model-right");
        totals.GetProperty("goldRows").GetInt64().ShouldBe(500);
        totals.GetProperty("coveredGoldRows").GetInt64().ShouldBe(covered);
        totals.GetProperty("goldCoverage").GetDouble().ShouldBe(covered / 500.0, 1e-12);
        totals.GetProperty("modelAccuracyCovered").GetDouble().ShouldBe((double)coveredRight / covered, 1e-12);
        totals.GetProperty("modelAccuracy").GetDouble().ShouldBe(cli.Count("--model-right") / 500.0, 1e-12);
        // What the numbers are for: the prior's guesses on the uncovered three quarters hide how good the LFs' rows are.
        totals.GetProperty("goldCoverage").GetDouble().ShouldBeLessThan(0.3);
        totals.GetProperty("modelCoverage").GetDouble().ShouldBe(1);
        totals.GetProperty("modelAccuracyCovered").GetDouble().ShouldBeGreaterThan(totals.GetProperty("modelAccuracy").GetDouble() + 0.3);
    }

    [Fact]
    public async Task The_model_wrong_rows_can_leave_out_the_rows_no_LF_votes_on_or_be_only_those()
    {
        await using var studio = await StudioHarness.Start(set: "trec", rules: StudioHarness.TrecRules);
        var totals = (await studio.Get("/api/state")).GetProperty("totals");

        var all = await studio.Get("/api/rows?set=dev&bucket=model-wrong&limit=500");
        var covered = await studio.Get("/api/rows?set=dev&bucket=model-wrong&covered=true&limit=500");
        var uncovered = await studio.Get("/api/rows?set=dev&bucket=model-wrong&covered=false&limit=500");

        covered.GetProperty("query").GetString().ShouldBe("some LF votes; the label model disagrees with gold");
        uncovered.GetProperty("query").GetString().ShouldBe("no LF votes; the label model disagrees with gold");
        var coveredRows = totals.GetProperty("coveredGoldRows").GetInt64();
        var coveredWrong = coveredRows - (long)Math.Round(totals.GetProperty("modelAccuracyCovered").GetDouble() * coveredRows);
        covered.GetProperty("matched").GetInt64().ShouldBe(coveredWrong);
        (covered.GetProperty("matched").GetInt64() + uncovered.GetProperty("matched").GetInt64()).ShouldBe(all.GetProperty("matched").GetInt64());
        uncovered.GetProperty("matched").GetInt64().ShouldBeGreaterThan(10 * covered.GetProperty("matched").GetInt64());
        Rows(covered).ShouldAllBe(r => r.GetProperty("votes").GetArrayLength() > 0 && r.GetProperty("predicted").GetString() != r.GetProperty("gold").GetString());
        Rows(uncovered).ShouldAllBe(r => r.GetProperty("votes").GetArrayLength() == 0);
    }

    [Fact]
    public async Task The_gold_rows_behind_the_model_accuracy_hold_the_hand_labelled_rows_with_the_dev_rows()
    {
        await using var studio = await StudioHarness.Start(set: "trec", rules: StudioHarness.TrecRules);
        // A training question the 'who' rule votes HUM on, labelled otherwise by hand: a mistake of the model the LFs decide.
        var labelled = (await studio.Get("/api/rows?set=train&lf=who&limit=1")).GetProperty("rows")[0].GetProperty("row").GetInt64();
        var totals = (await studio.Post("/api/label", new { row = labelled, label = "ENTY" })).GetProperty("totals");

        var gold = await studio.Get("/api/rows?set=gold&bucket=model-wrong&covered=true&limit=500");
        var dev = await studio.Get("/api/rows?set=dev&bucket=model-wrong&covered=true&limit=500");
        var uncovered = await studio.Get("/api/rows?set=gold&bucket=uncovered&limit=0");

        totals.GetProperty("goldRows").GetInt64().ShouldBe(501);
        var coveredRows = totals.GetProperty("coveredGoldRows").GetInt64();
        gold.GetProperty("matched").GetInt64().ShouldBe(coveredRows - (long)Math.Round(totals.GetProperty("modelAccuracyCovered").GetDouble() * coveredRows));
        gold.GetProperty("matched").GetInt64().ShouldBe(dev.GetProperty("matched").GetInt64() + 1);
        var hand = Rows(gold).Single(r => r.GetProperty("set").GetString() == "train");
        hand.GetProperty("row").GetInt64().ShouldBe(labelled);
        hand.GetProperty("gold").GetString().ShouldBe("ENTY");
        uncovered.GetProperty("matched").GetInt64().ShouldBe(501 - coveredRows);
    }

    private static List<JsonElement> Rows(JsonElement view) => view.GetProperty("rows").EnumerateArray().ToList();

    /// <summary>
    /// <c>snorkeler rows</c> on the dev split of a shared data set with the studio's LF folder and the label model the
    /// studio fits (snorkel, seed 0, fitted on the training split with the dev split's gold classes as its prior).
    /// </summary>
    private sealed class RowsCommandCounts
    {
        private readonly string _lfs;
        private readonly string _dev;
        private readonly string _model;

        public RowsCommandCounts(StudioHarness studio, string set)
        {
            _lfs = studio.Lfs;
            _dev = StudioHarness.SplitPath(set, "valid");
            var train = studio.Temp.File("train.snkm");
            var dev = studio.Temp.File("valid.snkm");
            _model = studio.Temp.File("model.json");
            Run(["apply", "--lfs", _lfs, "--data", StudioHarness.SplitPath(set, "train"), "--out", train, "--quiet"]);
            Run(["apply", "--lfs", _lfs, "--data", _dev, "--out", dev, "--quiet"]);
            Run(["fit", "--matrix", train, "--model", "snorkel", "--dev", dev, "--seed", "0", "--out", _model, "--quiet"]);
        }

        /// <summary>How many dev rows the bucket of <paramref name="conditions"/> holds, from the heading 'rows' prints.</summary>
        public long Count(params string[] conditions)
        {
            var heading = Run(["rows", "--lfs", _lfs, "--data", _dev, "--model", _model, "--limit", "0", .. conditions]).Split('\n')[0];
            var count = Heading().Match(heading);
            count.Success.ShouldBeTrue(heading);
            return long.Parse(count.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        }

        private static string Run(string[] args)
        {
            using var output = new StringWriter();
            using var errors = new StringWriter();
            Cli.Cli.Run(args, output, errors).ShouldBe(0, errors.ToString());
            return output.ToString();
        }
    }

    [GeneratedRegex(@": ([\d,]+) of [\d,]+ rows")]
    private static partial Regex Heading();
}
