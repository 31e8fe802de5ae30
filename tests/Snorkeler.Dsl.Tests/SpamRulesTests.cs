using Snorkeler.Data;
using Snorkeler.Loading;
using Xunit.Abstractions;

namespace Snorkeler.Dsl.Tests;

public sealed class SpamRulesTests(ITestOutputHelper output)
{
    private static readonly string[] TutorialNames =
        ["keyword_my", "keyword_subscribe", "keyword_link", "keyword_please", "keyword_song", "regex_check_out", "short_comment"];

    private static LfSet LoadSpamRules(DataSchema? columns = null)
    {
        var folder = TestPaths.InRepo("labeling-functions", "spam");
        return new LfProject([new RulesLoader()]).Load([folder], dataColumns: columns);
    }

    [Fact]
    public void The_spam_rules_load_without_diagnostics_and_declare_HAM_and_SPAM()
    {
        // When
        var set = LoadSpamRules(new DataSchema(["text"]));

        // Then
        set.Diagnostics.Select(d => d.ToString()).ShouldBeEmpty();
        set.Schema!.ClassNames.ShouldBe(["HAM", "SPAM"]);
        set.Functions.Select(f => f.Name).ShouldBe(TutorialNames);
        set.Functions.ShouldAllBe(f => f.Fields.SequenceEqual(new[] { "text" }));
    }

    [Theory]
    [InlineData("train.json")]
    [InlineData("valid.json")]
    [InlineData("test.json")]
    public void The_spam_rules_reproduce_the_Wrench_weak_labels_of_every_YouTube_split(string split)
    {
        // Given
        var train = TestPaths.YouTubeFile(split);
        var matrix = WrenchFile.ReadMatrix(train);
        var data = WrenchFile.OpenData(train);
        var functions = LoadSpamRules(data.Schema).ThrowIfErrors().Functions;
        var votes = functions.Select(f => f.Bind(data.Schema)).ToArray();

        // When
        var disagreements = new int[votes.Length];
        var rows = 0;
        foreach (var batch in data.ReadBatches(512))
        {
            for (var r = 0; r < batch.Count; r++, rows++)
            {
                var row = batch[r];
                for (var j = 0; j < votes.Length; j++)
                {
                    var expected = matrix[(int)row.Index, j];
                    var actual = votes[j](row);
                    if (actual == expected) continue;
                    disagreements[j]++;
                    output.WriteLine($"row {row.Index} {functions[j].Name}: wrench {expected}, rules {actual}: {row.Text(0)}");
                }
            }
        }

        // Then
        rows.ShouldBe(matrix.RowCount);
        for (var j = 0; j < votes.Length; j++)
            output.WriteLine($"{functions[j].Name}: {rows - disagreements[j]}/{rows} rows agree");
        disagreements.ShouldAllBe(d => d == 0);
    }
}
