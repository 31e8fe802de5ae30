using Snorkeler.Analysis;
using Snorkeler.Benchmarks;
using Snorkeler.Data;
using Snorkeler.LabelModels.Tests.Support;

namespace Snorkeler.LabelModels.Tests;

/// <summary>The generated LF suite of the benchmarks (bench/Snorkeler.Benchmarks/LfSuiteGenerator.cs), on small sets.</summary>
public sealed class LfSuiteTests
{
    private static IReadOnlyList<LfSetSpec> SmallSuite(int seed) => LfSuiteGenerator.Suite(seed, sets: 7, trainRows: 300, validRows: 40, testRows: 60);

    private static Dictionary<string, byte[]> WriteAll(IReadOnlyList<LfSetSpec> specs, string folder)
    {
        foreach (var spec in specs) LfSuiteGenerator.Write(spec, Path.Combine(folder, spec.Name));
        return Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f), File.ReadAllBytes);
    }

    [Fact]
    public void One_seed_writes_the_same_bytes_twice_and_another_seed_writes_other_sets()
    {
        using var first = new TempFolder();
        using var second = new TempFolder();
        using var other = new TempFolder();

        var a = WriteAll(SmallSuite(5), first.Path);
        var b = WriteAll(SmallSuite(5), second.Path);
        var c = WriteAll(SmallSuite(6), other.Path);

        a.Keys.Order().ShouldBe(b.Keys.Order());
        a.Count.ShouldBe(7 * 5); // train, valid, test, label.json, readme.txt per set
        a.Keys.ShouldNotContain(k => k.EndsWith(".tmp", StringComparison.Ordinal));
        foreach (var (file, bytes) in a) b[file].ShouldBe(bytes, file);
        a.Count(x => x.Key.EndsWith("train.json", StringComparison.Ordinal) && c.TryGetValue(x.Key, out var o) && o.AsSpan().SequenceEqual(x.Value)).ShouldBe(0);
    }

    [Fact]
    public void Every_family_is_written_as_a_Wrench_set_that_the_reader_and_the_suite_comparison_take_with_its_shape_and_gold()
    {
        using var folder = new TempFolder();
        var specs = SmallSuite(3);
        WriteAll(specs, folder.Path);

        specs.Select(s => s.Family).ShouldBe(Enum.GetValues<LfFamily>());
        foreach (var spec in specs)
        {
            var (train, valid, test) = LfSuiteGenerator.Draw(spec);
            foreach (var (split, drawn) in new[] { ("train", train), ("valid", valid), ("test", test) })
            {
                var matrix = WrenchFile.ReadMatrix(Path.Combine(folder.Path, spec.Name, split + ".json"));
                matrix.Schema.Cardinality.ShouldBe(spec.Classes, spec.Name);
                matrix.LfCount.ShouldBe(spec.Lfs.Count, spec.Name);
                matrix.RowCount.ShouldBe(drawn.Rows, spec.Name);
                matrix.GoldLabels.ToArray().ShouldBe(drawn.Gold, $"{spec.Name} {split}");
                for (var i = 0; i < drawn.Rows; i++)
                    for (var j = 0; j < spec.Lfs.Count; j++)
                        matrix[i, j].ShouldBe(drawn.Votes[i * spec.Lfs.Count + j]);
            }
            File.ReadAllText(Path.Combine(folder.Path, spec.Name, "readme.txt")).ShouldContain("family: ");
        }

        var suite = SuiteComparison.Run(folder.Path, ["mv"], [0]);
        suite.Sets.Select(s => s.Name).ShouldBe(specs.Select(s => s.Name));
        suite.Sets.ShouldAllBe(s => s.Result.Rows[0].ExpectedAccuracy > 0);
    }

    [Fact]
    public void The_drawn_votes_have_each_familys_structure()
    {
        var specs = LfSuiteGenerator.Suite(11, sets: 7, trainRows: 3000, validRows: 10, testRows: 10);
        foreach (var spec in specs)
        {
            var train = LfSuiteGenerator.Draw(spec).Train;
            var m = spec.Lfs.Count;
            for (var i = 0; i < train.Rows; i++)
            {
                var row = train.Row(i);
                for (var j = 0; j < m; j++)
                {
                    var lf = spec.Lfs[j];
                    if (row[j] >= 0 && lf.Target >= 0) row[j].ShouldBe(lf.Target, $"{spec.Name}: a single-class LF votes its class");
                    if (lf.Kind == LfKind.Copy) row[j].ShouldBe(row[lf.Source]);
                    if (lf.Kind == LfKind.Subset && row[j] >= 0) row[j].ShouldBe(row[lf.Source], $"{spec.Name}: LF {j} fires only where LF {lf.Source} does");
                    if (lf.Kind == LfKind.Slice && row[j] >= 0)
                        for (var o = 0; o < m; o++)
                            if (o != j && spec.Lfs[o].Kind == LfKind.Slice && spec.Lfs[o].Target == lf.Target) row[o].ShouldBe(-1, $"{spec.Name}: slices {j} and {o} fire together");
                }
            }
            var uncovered = Enumerable.Range(0, train.Rows).Count(i => !train.Row(i).ContainsAnyExcept(-1)) / (double)train.Rows;
            if (spec.Family == LfFamily.Uncovered) uncovered.ShouldBeInRange(0.15, 0.65);
            if (spec.Family == LfFamily.Independent) uncovered.ShouldBeLessThan(0.5);
        }
        specs.Single(s => s.Family == LfFamily.Derived).Lfs.ShouldContain(lf => lf.Kind == LfKind.Copy);
        specs.Single(s => s.Family == LfFamily.Exclusive).Lfs.Count(lf => lf.Kind == LfKind.Slice).ShouldBeGreaterThanOrEqualTo(6);
        specs.Single(s => s.Family == LfFamily.ManyClasses).Classes.ShouldBeInRange(6, 10);
    }

    [Fact]
    public void A_crowd_split_into_train_valid_and_test_keeps_each_tasks_answers_and_gold_once_in_the_shares_asked()
    {
        var crowd = Crowds.Generate(new CrowdSpec { Seed = 4, Tasks = 203, Workers = 12, Classes = 3, AnswersPerTask = 4 });
        var dense = crowd.ToDense();
        var tasks = Enumerable.Range(0, dense.RowCount)
            .Select(i => string.Join(",", Enumerable.Range(0, dense.LfCount).Select(j => dense[i, j])) + ":" + dense.GoldLabels[i])
            .ToList();

        var (train, valid, test) = LfSuiteGenerator.SplitRows(crowd, validShare: 0.3, testShare: 0.2, seed: 9);

        (valid.Rows, test.Rows, train.Rows).ShouldBe((61, 41, 101));
        var written = new[] { train, valid, test }
            .SelectMany(split => Enumerable.Range(0, split.Rows).Select(i => string.Join(",", split.Row(i).ToArray()) + ":" + split.Gold[i]))
            .ToList();
        written.Order().ShouldBe(tasks.Order());
        written.Take(train.Rows).ShouldNotBe(tasks.Take(train.Rows), "the rows are shuffled before the cut");
        LfSuiteGenerator.SplitRows(crowd, 0.3, 0.2, 9).Valid.Votes.ShouldBe(valid.Votes);
        Should.Throw<ArgumentException>(() => LfSuiteGenerator.SplitRows(crowd, 0.5, 0.5, 9)).Message.ShouldContain("leave a split empty");
    }

    [Fact]
    public void Hard_rows_make_the_LFs_err_on_the_same_rows_and_without_them_the_pull_changes_no_vote()
    {
        // Given a shape of six LFs right 80 % of the time, and the same shape with 40 % of its rows looking like another class
        var plain = LfSuiteGenerator.Shape(21, 6000, 6, 2, singleClass: false, (0.6, 0.6), (0.8, 0.8), validRows: 10, testRows: 10);
        var hard = plain with { Hard = 0.4, Pull = 1 };

        // Two LFs wrong on one row: under conditional independence about (1 − 0.8)² of the rows both fire on; with hard rows far more.
        static double BothWrong(GeneratedSplit split)
        {
            int both = 0, fired = 0;
            for (var i = 0; i < split.Rows; i++)
            {
                var row = split.Row(i);
                if (row[0] < 0 || row[1] < 0) continue;
                fired++;
                if (row[0] != split.Gold[i] && row[1] != split.Gold[i]) both++;
            }
            return (double)both / fired;
        }

        // When their train rows are drawn
        var independent = BothWrong(LfSuiteGenerator.Draw(plain).Train);
        var together = BothWrong(LfSuiteGenerator.Draw(hard).Train);

        // Then two LFs err together on about 0.2² of the rows they both vote on without hard rows, and far more often with them;
        // without hard rows no extra number is drawn, so a pull alone changes no vote
        independent.ShouldBeInRange(0.02, 0.07);
        together.ShouldBeInRange(0.2, 0.35); // 0.4 × 0.8² + 0.6 × 0.2²
        LfSuiteGenerator.Draw(plain).Train.Votes.ShouldBe(LfSuiteGenerator.Draw(plain with { Pull = 0.9 }).Train.Votes);
    }

    [Fact]
    public void Busy_rows_make_the_LFs_fire_together_and_without_them_the_class_shift_changes_no_vote()
    {
        // Given a shape of eight single-class LFs, and the same shape whose rows' activity spreads log-normally (σ 1.2)
        var plain = LfSuiteGenerator.Shape(23, 6000, 8, 2, singleClass: true, (0.1, 0.3), (0.7, 0.9), validRows: 10, testRows: 10);
        var busy = LfSuiteGenerator.Shape(23, 6000, 8, 2, singleClass: true, (0.1, 0.3), (0.7, 0.9), validRows: 10, testRows: 10, activity: 1.2, activityShift: 0);

        // Within a class, the variance of the votes per row over what independent LFs firing at the same rates would give
        static double Ratio(GeneratedSplit split)
        {
            var counts = new LfWarnings.Counts(new LabelSchema(["C0", "C1"]), Enumerable.Range(0, split.LfCount).Select(j => $"lf{j}").ToArray());
            var votes = new int[split.Rows, split.LfCount];
            for (var i = 0; i < split.Rows; i++)
                for (var j = 0; j < split.LfCount; j++) votes[i, j] = split.Votes[i * split.LfCount + j];
            counts.Add(LabelMatrix.Create(new LabelSchema(["C0", "C1"]), Enumerable.Range(0, split.LfCount).Select(j => $"lf{j}").ToArray(), votes, split.Gold));
            return counts.FireTogetherRatio()!.Value;
        }

        // When their train rows are drawn
        var independent = Ratio(LfSuiteGenerator.Draw(plain).Train);
        var together = Ratio(LfSuiteGenerator.Draw(busy).Train);

        // Then independent LFs give about 1 and busy rows far more; without activity no extra number is drawn, so a class shift
        // alone changes no vote, and the same design with activity 0 is the plain one
        independent.ShouldBeInRange(0.9, 1.1);
        together.ShouldBeGreaterThan(1.8);
        LfSuiteGenerator.Draw(plain).Train.Votes.ShouldBe(LfSuiteGenerator.Draw(plain with { ActivityShift = [0.5, -0.5] }).Train.Votes);
        busy.Prior.ShouldBe(plain.Prior);
    }
}
