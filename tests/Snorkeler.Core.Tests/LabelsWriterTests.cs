using Snorkeler.Core.Tests.Support;
using Snorkeler.IO;

namespace Snorkeler.Core.Tests;

public class LabelsWriterTests
{
    [Fact]
    public void Labels_are_written_with_the_id_a_column_per_class_then_the_hard_label()
    {
        using var temp = new TempFolder();
        var path = temp.File("PROBS.csv");

        using (var writer = LabelsWriter.Create(path, new LabelSchema(["HAM", "SPAM, really"]), "id"))
        {
            writer.Write(["a,1", "b"], [0.25, 0.75, 0.5, 0.5], [1, -1]);
            writer.Rows.ShouldBe(2);
            writer.Commit();
        }

        File.ReadAllText(path).ShouldBe("id,p_HAM,\"p_SPAM, really\",label\n\"a,1\",0.25,0.75,1\nb,0.5,0.5,-1\n");
    }

    [Fact]
    public void Labels_without_ids_have_only_probabilities_and_the_hard_label()
    {
        using var temp = new TempFolder();
        var path = temp.File("PROBS.csv");

        using (var writer = LabelsWriter.Create(path, Some.HamSpam))
        {
            writer.Write(null, [1.0, 0.0], [0]);
            writer.Commit();
        }

        File.ReadAllText(path).ShouldBe("p_HAM,p_SPAM,label\n1,0,0\n");
    }

    [Fact]
    public void Labels_not_committed_leave_no_file()
    {
        using var temp = new TempFolder();

        using (var writer = LabelsWriter.Create(temp.File("PROBS.csv"), Some.HamSpam))
            writer.Write(null, [1.0, 0.0], [0]);

        Directory.GetFiles(temp.Path).ShouldBeEmpty();
    }
}
