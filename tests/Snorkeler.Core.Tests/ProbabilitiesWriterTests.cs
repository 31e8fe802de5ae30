using Snorkeler.Core.Tests.Support;
using Snorkeler.IO;

namespace Snorkeler.Core.Tests;

public class ProbabilitiesWriterTests
{
    [Fact]
    public void Probabilities_are_written_with_a_column_per_class_then_the_hard_label()
    {
        using var temp = new TempFolder();
        var path = temp.File("PROBS.csv");

        using (var writer = new ProbabilitiesWriter(path, new LabelSchema(["HAM", "SPAM, really"]), ["id"]))
        {
            writer.Write([0.25, 0.75, 0.5, 0.5], [1, -1], i => [i == 0 ? "a,1" : "b"]);
            writer.Rows.ShouldBe(2);
            writer.Commit();
        }

        File.ReadAllText(path).ShouldBe("id,p_HAM,\"p_SPAM, really\",label\n\"a,1\",0.25,0.75,1\nb,0.5,0.5,-1\n");
    }

    [Fact]
    public void Probabilities_not_committed_leave_no_file()
    {
        using var temp = new TempFolder();

        using (var writer = new ProbabilitiesWriter(temp.File("PROBS.csv"), Some.HamSpam))
            writer.Write([1.0, 0.0], [0]);

        Directory.GetFiles(temp.Path).ShouldBeEmpty();
    }
}
