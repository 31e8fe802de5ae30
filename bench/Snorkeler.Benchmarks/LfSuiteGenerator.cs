using System.Globalization;
using System.Text;

namespace Snorkeler.Benchmarks;

/// <summary>The structures of labelling functions a generated set is drawn from (see <see cref="LfSuiteGenerator"/>).</summary>
public enum LfFamily
{
    /// <summary>Conditionally independent LFs, single-class and multi-class, accuracy 0.55–0.95, coverage 2–60 %.</summary>
    Independent,
    /// <summary>Sparse single-class LFs as in Wrench's sets: each votes one class on 1–10 % of rows; 2–6 classes, skewed.</summary>
    Sparse,
    /// <summary>Per class several single-class LFs that never fire together (TREC's structure), with or without a catch-all.</summary>
    Exclusive,
    /// <summary>Independent LFs plus copies of one of them and LFs that fire on a subset of another's rows.</summary>
    Derived,
    /// <summary>6–10 classes with 1–3 single-class LFs per class and a few multi-class ones.</summary>
    ManyClasses,
    /// <summary>2–4 good LFs among 10–30 near-random ones.</summary>
    FewGood,
    /// <summary>20–60 % of rows get no vote at all, most of them from one class; skewed classes.</summary>
    Uncovered,
}

/// <summary>How one generated LF votes.</summary>
public enum LfKind
{
    /// <summary>Given the class, fires and votes independently of every other LF.</summary>
    Conditional,
    /// <summary>Fires on its own slice of one class's rows (and on a thinner slice of the other classes'), disjoint from its group's other slices.</summary>
    Slice,
    /// <summary>Votes exactly as an earlier LF.</summary>
    Copy,
    /// <summary>Fires, with the same vote, on part of an earlier LF's rows (more often where that LF is right).</summary>
    Subset,
}

/// <summary>
/// One generated labelling function. Its votes on a row depend on the row's class, for <see cref="LfKind.Slice"/> on
/// the row's position in its class group (a uniform number per group and row), and for derived kinds on an earlier
/// LF's vote.
/// </summary>
/// <param name="Kind">How it votes.</param>
/// <param name="Target">The class a single-class LF votes (slices, single-class conditionals); −1 for a multi-class LF.</param>
/// <param name="Fire">Conditional: the chance it fires on a row of class c (per class).</param>
/// <param name="Confusion">Conditional multi-class: given class c and that it fires, the cumulative chance of voting 0..v (k × k, row-major).</param>
/// <param name="Low">Slice: where its slice of the group's positions starts.</param>
/// <param name="High">Slice: where its slice ends (it fires on its class's rows in [Low, High)).</param>
/// <param name="FalseAlarm">Slice: it also fires on other classes' rows in [Low, Low + FalseAlarm).</param>
/// <param name="Source">Copy and Subset: the earlier LF it derives from.</param>
/// <param name="KeepRight">Subset: the chance it keeps a row where the source is right.</param>
/// <param name="KeepWrong">Subset: the chance it keeps a row where the source is wrong.</param>
/// <param name="Note">What the LF was drawn as (the readme's words).</param>
/// <param name="Voted">Conditional over a few classes: the classes it votes (then <paramref name="Confusion"/> is |Voted| × |Voted|, and on a
/// row of another class it votes one of them uniformly); null when it may vote every class.</param>
public sealed record GeneratedLf(LfKind Kind, int Target, double[] Fire, double[] Confusion, double Low, double High, double FalseAlarm,
    int Source, double KeepRight, double KeepWrong, string Note, int[]? Voted = null)
{
    /// <summary>
    /// Its vote on a row: <paramref name="positions"/> holds the row's position in each class group, <paramref name="votes"/> the
    /// earlier LFs' votes; a conditional LF's chance to fire is scaled by the row's <paramref name="activity"/> (at most 0.98).
    /// </summary>
    public int Vote(int y, ReadOnlySpan<double> positions, ReadOnlySpan<int> votes, Random random, double activity = 1)
    {
        switch (Kind)
        {
            case LfKind.Conditional:
                if (random.NextDouble() >= (activity == 1 ? Fire[y] : Math.Min(0.98, Fire[y] * activity))) return -1;
                if (Target >= 0) return Target;
                var own = Voted is null ? y : Array.IndexOf(Voted, y);
                if (own < 0) return Voted![random.Next(Voted.Length)];
                var k = Voted?.Length ?? Fire.Length;
                var u = random.NextDouble();
                var row = Confusion.AsSpan(own * k, k);
                var v = 0;
                while (v < k - 1 && u >= row[v]) v++;
                return Voted is null ? v : Voted[v];
            case LfKind.Slice:
                var p = positions[Target];
                return p >= Low && p < (y == Target ? High : Low + FalseAlarm) ? Target : -1;
            case LfKind.Copy:
                return votes[Source];
            default:
                var s = votes[Source];
                if (s < 0) return -1;
                return random.NextDouble() < (s == y ? KeepRight : KeepWrong) ? s : -1;
        }
    }
}

/// <summary>A generated data set's design: its family, classes, LFs and split sizes; <see cref="LfSuiteGenerator.Write"/> draws and writes its rows.</summary>
/// <param name="Name">Folder name (<c>NN-family</c>).</param>
/// <param name="Family">The family it was drawn from.</param>
/// <param name="Seed">The seed its rows are drawn with.</param>
/// <param name="Prior">The class balance.</param>
/// <param name="Blank">Per class, the chance a row gets no vote from any LF (the rows no rule reaches).</param>
/// <param name="Lfs">The LFs, in column order.</param>
/// <param name="TrainRows">Rows of train.json.</param>
/// <param name="ValidRows">Rows of valid.json.</param>
/// <param name="TestRows">Rows of test.json.</param>
/// <param name="Summary">One line on the parameters drawn.</param>
/// <param name="Command">The <c>lf-suite</c> command that writes it (named in its readme).</param>
/// <param name="Hard">The share of rows that look like another class (a decoy drawn per row): on such a row each LF, with chance
/// <paramref name="Pull"/>, votes as it would on a row of the decoy class, so the LFs' errors fall on the same rows and agree.</param>
/// <param name="Pull">On a hard row, the chance each LF takes the decoy for the class.</param>
/// <param name="Activity">The spread (σ of a log-normal) of the rows' activity: every LF's chance to fire on a row is scaled by the
/// row's activity, so the LFs fire together on busy rows (long texts, many features) and stay silent together on quiet ones.</param>
/// <param name="ActivityShift">Per class, the log of its rows' mean activity (some classes' rows are busier).</param>
public sealed record LfSetSpec(string Name, LfFamily Family, int Seed, double[] Prior, double[] Blank, IReadOnlyList<GeneratedLf> Lfs,
    int TrainRows, int ValidRows, int TestRows, string Summary, string Command = "generate", double Hard = 0, double Pull = 0,
    double Activity = 0, double[]? ActivityShift = null)
{
    /// <summary>Number of classes.</summary>
    public int Classes => Prior.Length;
}

/// <summary>The rows of one split: gold labels and the votes (rows × LFs, −1 abstain).</summary>
/// <param name="Gold">The true class of each row.</param>
/// <param name="Votes">Row-major votes.</param>
/// <param name="LfCount">Columns.</param>
public sealed record GeneratedSplit(int[] Gold, int[] Votes, int LfCount)
{
    /// <summary>Rows.</summary>
    public int Rows => Gold.Length;

    /// <summary>Row <paramref name="i"/>'s votes.</summary>
    public ReadOnlySpan<int> Row(int i) => Votes.AsSpan(i * LfCount, LfCount);
}

/// <summary>
/// Generated weak-supervision data sets in Wrench's format, so label models can be measured beyond the shared sets:
/// <see cref="Suite"/> draws the designs of a suite from one seed (the families in turn, every parameter from the
/// seed), <see cref="Draw"/> draws a design's rows and <see cref="Write"/> writes <c>train.json</c>,
/// <c>valid.json</c>, <c>test.json</c>, <c>label.json</c> and a <c>readme.txt</c> giving the family, the parameters
/// and each LF's coverage and accuracy measured on train. The same seed writes the same bytes.
/// </summary>
public static class LfSuiteGenerator
{
    /// <summary>The designs of a suite of <paramref name="sets"/> sets: family i mod 7 for set i, parameters from <paramref name="seed"/>.</summary>
    /// <param name="seed">Every parameter and row is drawn from it.</param>
    /// <param name="sets">How many sets.</param>
    /// <param name="trainRows">Train rows of every set instead of the drawn 2,000–20,000 (small suites for tests).</param>
    /// <param name="validRows">Rows of each valid split.</param>
    /// <param name="testRows">Rows of each test split.</param>
    public static IReadOnlyList<LfSetSpec> Suite(int seed, int sets = 16, int? trainRows = null, int validRows = 200, int testRows = 500)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sets, 1);
        var families = Enum.GetValues<LfFamily>();
        var result = new List<LfSetSpec>();
        // The exclusive sets alternate with and without a catch-all, the first one chosen by the seed.
        var parity = Mix(seed, int.MaxValue) & 1;
        for (var i = 0; i < sets; i++)
        {
            var family = families[i % families.Length];
            // Each set's own stream, so a set does not change when the suite grows; mixed, because System.Random's first
            // draws from nearby seeds are nearly equal.
            var random = new Random(Mix(seed, i));
            var rows = trainRows ?? (int)Math.Round(2000 * Math.Pow(10, random.NextDouble()));
            var name = string.Create(CultureInfo.InvariantCulture, $"{i + 1:00}-{Kebab(family)}");
            result.Add(Design(name, family, i / families.Length + parity, random, rows, validRows, testRows));
        }
        return result;
    }

    /// <summary>
    /// One set of a chosen shape (to time or score a model on a real benchmark's dimensions): <paramref name="lfs"/>
    /// conditionally independent LFs over <paramref name="classes"/> classes (balance drawn in [0.5, 1.5], normalised),
    /// each single-class (voting class j mod k) or multi-class, with coverage and accuracy drawn uniformly from the ranges.
    /// <paramref name="balance"/>, when given, is the class balance instead (normalised; the other draws stay as without it).
    /// <paramref name="classesPerLf"/>, when given, makes every LF vote a few classes (<see cref="FewClasses"/>), as in a
    /// fine-grained taxonomy, instead of one or all of them. <paramref name="hard"/> above 0 makes that share of the rows look
    /// like another class to each LF with chance <paramref name="pull"/> (<see cref="LfSetSpec.Hard"/>): the LFs are then not
    /// conditionally independent. <paramref name="activity"/> above 0 gives the rows a log-normal activity of that spread, the log
    /// of each class's mean drawn from [−w, w], w = <paramref name="activityShift"/> (activity / 2 when not given;
    /// <see cref="LfSetSpec.Activity"/>): the LFs then fire together.
    /// </summary>
    public static LfSetSpec Shape(int seed, int trainRows, int lfs, int classes, bool singleClass, (double Low, double High) coverage,
        (double Low, double High) accuracy, int validRows = 200, int testRows = 500, double[]? balance = null, (int Low, int High)? classesPerLf = null,
        double hard = 0, double pull = 0.7, double activity = 0, double? activityShift = null)
    {
        if (activity is not (>= 0 and <= 3)) throw new ArgumentOutOfRangeException(nameof(activity), activity, "a spread between 0 and 3");
        var shiftWidth = activityShift ?? activity / 2;
        if (shiftWidth is not (>= 0 and <= 3)) throw new ArgumentOutOfRangeException(nameof(activityShift), activityShift, "a width between 0 and 3");
        ArgumentOutOfRangeException.ThrowIfLessThan(lfs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        if (hard is not (>= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(hard), hard, "a share between 0 and 1");
        if (pull is not (>= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(pull), pull, "a chance between 0 and 1");
        if (balance is not null && (balance.Length != classes || balance.Any(b => !(b > 0) || !double.IsFinite(b))))
            throw new ArgumentException($"the balance needs {classes} positive shares", nameof(balance));
        var random = new Random(Mix(seed, 0));
        var prior = Weights(random, classes, 0.5, 1.5);
        if (balance is not null)
        {
            var total = balance.Sum();
            prior = balance.Select(b => b / total).ToArray();
        }
        var drawn = new List<GeneratedLf>();
        for (var j = 0; j < lfs; j++)
        {
            var a = Uniform(random, accuracy.Low, accuracy.High);
            var c = Uniform(random, coverage.Low, coverage.High);
            drawn.Add(classesPerLf is { } few ? FewClasses(random, j % classes, random.Next(few.Low, few.High + 1), a, c, prior)
                : singleClass ? SingleClass(j % classes, a, c, prior) : MultiClass(random, a, c, classes));
        }
        var kind = classesPerLf is { } range ? $"{range.Low}–{range.High}-class" : singleClass ? "single-class" : "multi-class";
        var together = hard > 0
            ? string.Create(CultureInfo.InvariantCulture, $"; {hard:P0} of rows look like another class, each LF taking it for the class with chance {pull:0.##}")
            : "";
        // From a stream of its own, so a set without activity keeps its bytes.
        var shiftRandom = new Random(Mix(seed, 2));
        var shift = activity > 0 ? Enumerable.Range(0, classes).Select(_ => Uniform(shiftRandom, -shiftWidth, shiftWidth)).ToArray() : null;
        var busy = shift is null ? ""
            : string.Create(CultureInfo.InvariantCulture, $"; rows' activity log-normal, spread {activity:0.##}, class means {string.Join(" ", shift.Select(Math.Exp).Select(x => x.ToString("0.00", CultureInfo.InvariantCulture)))}");
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"{classes} classes, {lfs} {(hard > 0 || activity > 0 ? "" : "conditionally independent ")}{kind} LFs, accuracy {accuracy.Low:0.##}–{accuracy.High:0.##}, {(classesPerLf is null ? "coverage" : "recall on their classes")} {coverage.Low:P0}–{coverage.High:P0}{together}{busy}");
        return new LfSetSpec("shape", LfFamily.Independent, Mix(seed, 1), prior, new double[classes], drawn, trainRows, validRows, testRows, summary, "shape",
            hard, hard > 0 ? pull : 0, activity, shift);
    }

    /// <summary>SplitMix64's finaliser of (seed, index), as a non-negative int seed.</summary>
    private static int Mix(int seed, int index)
    {
        var z = unchecked(((ulong)(uint)seed << 32 | (uint)index) + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)((z ^ (z >> 31)) & int.MaxValue);
    }

    private static string Kebab(LfFamily family) => family switch
    {
        LfFamily.ManyClasses => "many-classes",
        LfFamily.FewGood => "few-good",
        _ => family.ToString().ToLowerInvariant(),
    };

    private static LfSetSpec Design(string name, LfFamily family, int occurrence, Random random, int trainRows, int validRows, int testRows)
    {
        var lfs = new List<GeneratedLf>();
        double[] prior;
        double[]? blank = null;
        string summary;
        switch (family)
        {
            case LfFamily.Independent:
            {
                var k = random.Next(2, 5);
                prior = Weights(random, k, 0.5, 1.5);
                var m = random.Next(5, 21);
                for (var j = 0; j < m; j++)
                {
                    var accuracy = Uniform(random, 0.55, 0.95);
                    var coverage = Uniform(random, 0.02, 0.60);
                    lfs.Add(random.NextDouble() < 0.5 ? SingleClass(random.Next(k), accuracy, coverage, prior) : MultiClass(random, accuracy, coverage, k));
                }
                summary = $"{k} classes, {m} conditionally independent LFs (single- and multi-class), accuracy 0.55–0.95, coverage 2–60 %";
                break;
            }
            case LfFamily.Sparse:
            {
                var k = random.Next(2, 7);
                prior = Skewed(random, k);
                var m = k * random.Next(2, 6);
                for (var j = 0; j < m; j++)
                    lfs.Add(SingleClass(j < k ? j : random.Next(k), Uniform(random, 0.55, 0.95), Uniform(random, 0.01, 0.10), prior));
                summary = $"{k} classes, {m} sparse single-class LFs (every class voted by at least one), precision 0.55–0.95, coverage 1–10 %";
                break;
            }
            case LfFamily.Exclusive:
            {
                var k = random.Next(3, 7);
                prior = Weights(random, k, 0.5, 1.5);
                var catchAll = occurrence % 2 == 0;
                for (var c = 0; c < k; c++)
                {
                    var count = random.Next(2, 6);
                    var widths = Enumerable.Range(0, count).Select(_ => Uniform(random, 0.05, 0.20)).ToArray();
                    // The slices are disjoint: the free part of [0, 1) is cut into count + 1 gaps around them.
                    var gaps = Weights(random, count + 1, 0.2, 1.8).Select(g => g * (1 - widths.Sum())).ToArray();
                    var low = gaps[0];
                    for (var j = 0; j < count; j++)
                    {
                        var falseAlarm = Math.Min(widths[j], Uniform(random, 0.002, 0.02));
                        lfs.Add(new GeneratedLf(LfKind.Slice, c, [], [], low, low + widths[j], falseAlarm, -1, 0, 0,
                            string.Create(CultureInfo.InvariantCulture, $"slice of class {c}: {widths[j]:P1} of its rows, false alarms on {falseAlarm:P1} of the others'")));
                        low += widths[j] + gaps[j + 1];
                    }
                }
                if (catchAll)
                {
                    var target = random.Next(k);
                    var fire = Enumerable.Range(0, k).Select(c => c == target ? 0.8 : 0.5).ToArray();
                    lfs.Add(new GeneratedLf(LfKind.Conditional, target, fire, [], 0, 0, 0, -1, 0, 0,
                        $"catch-all for class {target}: fires on 80 % of its rows and 50 % of the others'"));
                }
                summary = $"{k} classes, per class 2–5 single-class LFs that never fire together (5–20 % of the class each, false alarms 0.2–2 %), {(catchAll ? "with" : "without")} a catch-all";
                break;
            }
            case LfFamily.Derived:
            {
                var k = random.Next(2, 5);
                prior = Weights(random, k, 0.5, 1.5);
                var m = random.Next(4, 11);
                var accuracies = new double[m];
                for (var j = 0; j < m; j++)
                {
                    accuracies[j] = Uniform(random, 0.55, 0.95);
                    var coverage = Uniform(random, 0.05, 0.50);
                    lfs.Add(random.NextDouble() < 0.5 ? SingleClass(random.Next(k), accuracies[j], coverage, prior) : MultiClass(random, accuracies[j], coverage, k));
                }
                // Half the time the duplicated LF is the worst one, so duplicates hurt a model that counts them as independent.
                var copied = random.NextDouble() < 0.5 ? Array.IndexOf(accuracies, accuracies.Min()) : random.Next(m);
                var copies = random.Next(1, 4);
                for (var c = 0; c < copies; c++)
                    lfs.Add(new GeneratedLf(LfKind.Copy, lfs[copied].Target, [], [], 0, 0, 0, copied, 0, 0, $"copy of LF {copied}"));
                var subsets = random.Next(1, 4);
                for (var c = 0; c < subsets; c++)
                {
                    var source = random.Next(m);
                    var keepRight = Uniform(random, 0.3, 0.8);
                    var keepWrong = keepRight * Uniform(random, 0.3, 1.0);
                    lfs.Add(new GeneratedLf(LfKind.Subset, lfs[source].Target, [], [], 0, 0, 0, source, keepRight, keepWrong,
                        string.Create(CultureInfo.InvariantCulture, $"subset of LF {source}: keeps {keepRight:P0} of its right votes, {keepWrong:P0} of its wrong ones")));
                }
                summary = $"{k} classes, {m} independent LFs, {copies} {(copies == 1 ? "copy" : "copies")} of LF {copied}, {subsets} LFs firing on subsets of others' rows";
                break;
            }
            case LfFamily.ManyClasses:
            {
                var k = random.Next(6, 11);
                prior = Weights(random, k, 0.3, 1.7);
                for (var c = 0; c < k; c++)
                {
                    var count = random.Next(1, 4);
                    for (var j = 0; j < count; j++) lfs.Add(SingleClass(c, Uniform(random, 0.5, 0.9), Uniform(random, 0.02, 0.12), prior));
                }
                var multi = random.Next(0, 4);
                for (var j = 0; j < multi; j++) lfs.Add(MultiClass(random, Uniform(random, 0.4, 0.8), Uniform(random, 0.1, 0.5), k));
                summary = $"{k} classes, 1–3 single-class LFs per class (precision 0.5–0.9, coverage 2–12 %) and {multi} multi-class LFs (accuracy 0.4–0.8)";
                break;
            }
            case LfFamily.FewGood:
            {
                var k = random.Next(2, 5);
                prior = Weights(random, k, 0.5, 1.5);
                var good = random.Next(2, 5);
                var noise = random.Next(10, 31);
                for (var j = 0; j < good + noise; j++)
                {
                    var isGood = j < good;
                    var coverage = isGood ? Uniform(random, 0.1, 0.4) : Uniform(random, 0.05, 0.5);
                    if (random.NextDouble() < 0.5)
                    {
                        var target = random.Next(k);
                        var precision = isGood ? Uniform(random, 0.8, 0.95) : Math.Clamp(prior[target] + Uniform(random, -0.02, 0.06), 0.01, 0.99);
                        lfs.Add(SingleClass(target, precision, coverage, prior));
                    }
                    else lfs.Add(MultiClass(random, isGood ? Uniform(random, 0.8, 0.95) : 1.0 / k + Uniform(random, -0.02, 0.06), coverage, k));
                }
                // Interleave, so the good ones are not always the first columns.
                var order = Enumerable.Range(0, lfs.Count).OrderBy(_ => random.Next()).ToArray();
                lfs = order.Select(j => lfs[j] with { Note = (j < good ? "good: " : "near-random: ") + lfs[j].Note }).ToList();
                summary = $"{k} classes, {good} good LFs (accuracy 0.8–0.95, coverage 10–40 %) among {noise} near-random ones (chance to +6 points, coverage 5–50 %)";
                break;
            }
            default:
            {
                var k = random.Next(2, 5);
                prior = Skewed(random, k);
                var background = random.Next(k);
                var m = random.Next(6, 16);
                for (var j = 0; j < m; j++)
                {
                    // Few LFs for the background class: its rows are the ones no rule reaches.
                    var target = random.NextDouble() < 0.15 ? background : (background + 1 + random.Next(k - 1)) % k;
                    lfs.Add(SingleClass(target, Uniform(random, 0.6, 0.95), Uniform(random, 0.03, 0.25), prior));
                }
                var uncovered = Uniform(random, 0.2, 0.6);
                var shape = Enumerable.Range(0, k).Select(c => c == background ? 1.0 : Uniform(random, 0, 0.25)).ToArray();
                blank = BlankFor(uncovered, shape, prior, lfs);
                summary = string.Create(CultureInfo.InvariantCulture,
                    $"{k} classes, {m} single-class LFs mostly voting the classes other than {background}; {uncovered:P0} of rows get no vote (most of them class {background})");
                break;
            }
        }
        blank ??= new double[prior.Length];
        return new LfSetSpec(name, family, random.Next(), prior, blank, lfs, trainRows, validRows, testRows, summary);
    }

    /// <summary>
    /// A single-class LF voting <paramref name="target"/> with precision <paramref name="precision"/> on
    /// <paramref name="coverage"/> of the rows: it fires on class t's rows with chance coverage × precision / π_t and on
    /// the others' with coverage × (1 − precision) / (1 − π_t); coverage is lowered when the first would pass 0.95.
    /// </summary>
    private static GeneratedLf SingleClass(int target, double precision, double coverage, double[] prior)
    {
        var k = prior.Length;
        coverage = Math.Min(coverage, 0.95 * prior[target] / precision);
        var fire = Enumerable.Range(0, k).Select(c => c == target ? coverage * precision / prior[target] : coverage * (1 - precision) / (1 - prior[target])).ToArray();
        return new GeneratedLf(LfKind.Conditional, target, fire, [], 0, 0, 0, -1, 0, 0,
            string.Create(CultureInfo.InvariantCulture, $"single-class → {target}, precision {precision:0.00}, coverage {coverage:P1}"));
    }

    /// <summary>A multi-class LF firing on <paramref name="coverage"/> of every class's rows, right with <paramref name="accuracy"/>, its errors spread unevenly over the wrong classes.</summary>
    private static GeneratedLf MultiClass(Random random, double accuracy, double coverage, int k)
    {
        var confusion = new double[k * k];
        for (var c = 0; c < k; c++)
        {
            var row = confusion.AsSpan(c * k, k);
            var wrong = Weights(random, k - 1, 0.2, 1.8);
            for (int v = 0, w = 0; v < k; v++) row[v] = v == c ? accuracy : (1 - accuracy) * wrong[w++];
            for (var v = 1; v < k; v++) row[v] += row[v - 1];
        }
        return new GeneratedLf(LfKind.Conditional, -1, Enumerable.Repeat(coverage, k).ToArray(), confusion, 0, 0, 0, -1, 0, 0,
            string.Create(CultureInfo.InvariantCulture, $"multi-class, accuracy {accuracy:0.00}, coverage {coverage:P1}"));
    }

    /// <summary>
    /// An LF of a fine-grained taxonomy: it votes <paramref name="count"/> classes (<paramref name="first"/>, so that the LFs
    /// cover the classes in turn, and others drawn at random), firing on <paramref name="recall"/> of their rows. Of its votes
    /// a share <paramref name="accuracy"/> is right; with one class its errors are all false alarms on other classes' rows,
    /// with more, half are false alarms (voting one of its classes uniformly) and half confuse its classes with each other.
    /// </summary>
    private static GeneratedLf FewClasses(Random random, int first, int count, double accuracy, double recall, double[] prior)
    {
        var k = prior.Length;
        count = Math.Clamp(count, 1, k - 1);
        var voted = new List<int> { first };
        while (voted.Count < count)
            if (random.Next(k) is var c && !voted.Contains(c)) voted.Add(c);
        var share = voted.Sum(c => prior[c]);
        var alarms = count == 1 ? 1 - accuracy : (1 - accuracy) / 2; // share of its votes on other classes' rows
        var inside = Math.Min(1, accuracy / (1 - alarms)); // chance a vote on one of its classes' rows is right
        var outside = Math.Min(0.95, recall * share * alarms / ((1 - alarms) * (1 - share)));
        var fire = new double[k];
        Array.Fill(fire, outside);
        foreach (var c in voted) fire[c] = recall;
        var confusion = new double[count * count];
        for (var i = 0; i < count; i++)
        {
            var row = confusion.AsSpan(i * count, count);
            for (var v = 0; v < count; v++) row[v] = v == i ? inside : (1 - inside) / (count - 1);
            for (var v = 1; v < count; v++) row[v] += row[v - 1];
        }
        return new GeneratedLf(LfKind.Conditional, -1, fire, confusion, 0, 0, 0, -1, 0, 0,
            string.Create(CultureInfo.InvariantCulture, $"votes classes {string.Join(" ", voted)}, accuracy {accuracy:0.00}, recall {recall:P1}"), [.. voted]);
    }

    /// <summary>Per-class blank chances proportional to <paramref name="shape"/> (capped at 0.95) so that <paramref name="uncovered"/> of rows get no vote.</summary>
    private static double[] BlankFor(double uncovered, double[] shape, double[] prior, List<GeneratedLf> lfs)
    {
        var k = prior.Length;
        // Chance that no LF fires on a visible row of class c (all conditional here).
        var silent = Enumerable.Range(0, k).Select(c => lfs.Aggregate(1.0, (q, lf) => q * (1 - lf.Fire[c]))).ToArray();
        double Share(double scale) => Enumerable.Range(0, k).Sum(c =>
        {
            var b = Math.Min(0.95, scale * shape[c]);
            return prior[c] * (b + (1 - b) * silent[c]);
        });
        double low = 0, high = 1 / shape.Max();
        for (var i = 0; i < 60; i++)
        {
            var mid = (low + high) / 2;
            if (Share(mid) < uncovered) low = mid; else high = mid;
        }
        return shape.Select(s => Math.Min(0.95, low * s)).ToArray();
    }

    private static double Uniform(Random random, double low, double high) => low + (high - low) * random.NextDouble();

    /// <summary>k weights drawn uniformly from [low, high], normalised.</summary>
    private static double[] Weights(Random random, int k, double low, double high)
    {
        var w = Enumerable.Range(0, k).Select(_ => Uniform(random, low, high)).ToArray();
        var sum = w.Sum();
        return w.Select(x => x / sum).ToArray();
    }

    /// <summary>A skewed class balance: one minority class with 10 % to an even share, the rest split unevenly, in random order.</summary>
    private static double[] Skewed(Random random, int k)
    {
        var minority = Uniform(random, 0.10, 1.0 / k);
        var rest = Weights(random, k - 1, 0.3, 1.7).Select(w => w * (1 - minority)).ToList();
        rest.Insert(random.Next(k), minority);
        return [.. rest];
    }

    /// <summary>Draws the three splits of a design, in order train, valid, test, from its seed.</summary>
    public static (GeneratedSplit Train, GeneratedSplit Valid, GeneratedSplit Test) Draw(LfSetSpec spec)
    {
        var random = new Random(spec.Seed);
        return (DrawSplit(spec, spec.TrainRows, random), DrawSplit(spec, spec.ValidRows, random), DrawSplit(spec, spec.TestRows, random));
    }

    private static GeneratedSplit DrawSplit(LfSetSpec spec, int rows, Random random)
    {
        var k = spec.Classes;
        var m = spec.Lfs.Count;
        var cumulative = new double[k];
        for (var c = 0; c < k; c++) cumulative[c] = (c == 0 ? 0 : cumulative[c - 1]) + spec.Prior[c];
        var gold = new int[rows];
        var votes = new int[rows * m];
        var positions = new double[k];
        for (var i = 0; i < rows; i++)
        {
            var u = random.NextDouble() * cumulative[^1];
            var y = 0;
            while (y < k - 1 && u >= cumulative[y]) y++;
            gold[i] = y;
            var row = votes.AsSpan(i * m, m);
            if (random.NextDouble() < spec.Blank[y])
            {
                row.Fill(-1);
                continue;
            }
            for (var c = 0; c < k; c++) positions[c] = random.NextDouble();
            // A hard row's decoy (drawn only where hard rows are asked for, so other sets keep their bytes).
            var decoy = spec.Hard > 0 && random.NextDouble() < spec.Hard ? (y + 1 + random.Next(k - 1)) % k : -1;
            // The row's activity (drawn only where asked for): log-normal with mean exp(shift of its class).
            var activity = spec.Activity > 0
                ? Math.Exp(spec.Activity * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())
                    - spec.Activity * spec.Activity / 2 + spec.ActivityShift![y])
                : 1;
            for (var j = 0; j < m; j++)
                row[j] = spec.Lfs[j].Vote(decoy >= 0 && random.NextDouble() < spec.Pull ? decoy : y, positions, row, random, activity);
        }
        return new GeneratedSplit(gold, votes, m);
    }

    /// <summary>
    /// Writes the design's set into <paramref name="folder"/> (created): the three Wrench splits, <c>label.json</c>
    /// (classes <c>C0</c>, <c>C1</c>, ...) and <c>readme.txt</c>. Each file is written beside its place and moved there.
    /// </summary>
    public static void Write(LfSetSpec spec, string folder)
    {
        var (train, valid, test) = Draw(spec);
        WriteSet(folder, spec.Classes, train, valid, test, Readme(spec, train));
    }

    /// <summary>
    /// A matrix's rows (with their gold) shuffled by <paramref name="seed"/> and cut into train, valid and test, valid and
    /// test taking the given shares of the rows (rounded), train the rest; every source a column, -1 where it did not vote.
    /// </summary>
    public static (GeneratedSplit Train, GeneratedSplit Valid, GeneratedSplit Test) SplitRows(LabelMatrix matrix, double validShare, double testShare, int seed)
    {
        var (m, n) = (matrix.LfCount, matrix.RowCount);
        var dense = matrix.ToDense();
        var votes = new int[n * m];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < m; j++) votes[i * m + j] = dense[i, j];
        var gold = matrix.GoldLabels.ToArray();
        var order = Enumerable.Range(0, n).ToArray();
        new Random(seed).Shuffle(order);
        var testRows = (int)Math.Round(testShare * n);
        var validRows = (int)Math.Round(validShare * n);
        if (testRows < 1 || validRows < 1 || testRows + validRows >= n)
            throw new ArgumentException($"shares {validShare} (valid) and {testShare} (test) of {n} rows leave a split empty");
        GeneratedSplit Split(int from, int count)
        {
            var rows = order.AsSpan(from, count).ToArray();
            var splitVotes = new int[count * m];
            for (var x = 0; x < count; x++) votes.AsSpan(rows[x] * m, m).CopyTo(splitVotes.AsSpan(x * m, m));
            return new GeneratedSplit(rows.Select(r => gold[r]).ToArray(), splitVotes, m);
        }
        return (Split(testRows + validRows, n - testRows - validRows), Split(testRows, validRows), Split(0, testRows));
    }

    /// <summary>Writes a set's three splits, <c>label.json</c> (classes C0, C1, ...) and its readme in Wrench's layout.</summary>
    public static void WriteSet(string folder, int classes, GeneratedSplit train, GeneratedSplit valid, GeneratedSplit test, string readme)
    {
        Directory.CreateDirectory(folder);
        WriteSplit(Path.Combine(folder, "train.json"), train);
        WriteSplit(Path.Combine(folder, "valid.json"), valid);
        WriteSplit(Path.Combine(folder, "test.json"), test);
        var labels = new StringBuilder("{");
        for (var c = 0; c < classes; c++) labels.Append(CultureInfo.InvariantCulture, $"{(c == 0 ? "" : ", ")}\"{c}\": \"C{c}\"");
        WriteText(Path.Combine(folder, "label.json"), labels.Append("}\n").ToString());
        WriteText(Path.Combine(folder, "readme.txt"), readme);
    }

    /// <summary>Wrench's layout, one row a line: <c>"i": {"data": {"row": i}, "label": y, "weak_labels": [...]}</c>.</summary>
    private static void WriteSplit(string path, GeneratedSplit split)
    {
        var temp = path + ".tmp";
        using (var writer = new StreamWriter(temp, false, new UTF8Encoding(false), 1 << 16))
        {
            writer.Write("{\n");
            for (var i = 0; i < split.Rows; i++)
            {
                var index = i.ToString(CultureInfo.InvariantCulture);
                writer.Write($"\"{index}\": {{\"data\": {{\"row\": {index}}}, \"label\": {split.Gold[i].ToString(CultureInfo.InvariantCulture)}, \"weak_labels\": [");
                var row = split.Row(i);
                for (var j = 0; j < row.Length; j++)
                {
                    if (j > 0) writer.Write(", ");
                    writer.Write(row[j].ToString(CultureInfo.InvariantCulture));
                }
                writer.Write(i == split.Rows - 1 ? "]}\n" : "]},\n");
            }
            writer.Write("}\n");
        }
        File.Move(temp, path, overwrite: true);
    }

    private static void WriteText(string path, string text)
    {
        File.WriteAllText(path + ".tmp", text, new UTF8Encoding(false));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    private static string Readme(LfSetSpec spec, GeneratedSplit train)
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.Append(inv, $"Generated LF data set {spec.Name} (Snorkeler.Benchmarks lf-suite {spec.Command})\n\n");
        sb.Append(inv, $"family: {Kebab(spec.Family)}\n{spec.Summary}\n");
        sb.Append(inv, $"rows: train {spec.TrainRows}, valid {spec.ValidRows}, test {spec.TestRows}; row seed {spec.Seed}\n");
        sb.Append(inv, $"classes: {string.Join(", ", spec.Prior.Select((p, c) => $"C{c} {p:P1}"))}\n");
        if (spec.Blank.Any(b => b > 0)) sb.Append(inv, $"rows given no vote at all, per class: {string.Join(", ", spec.Blank.Select((b, c) => $"C{c} {b:P1}"))}\n");
        var uncovered = Enumerable.Range(0, train.Rows).Count(i => !train.Row(i).ContainsAnyExcept(-1));
        sb.Append(inv, $"train rows no LF votes on: {(double)uncovered / train.Rows:P1}\n\n");
        sb.Append("LFs (coverage and accuracy measured on train):\n");
        for (var j = 0; j < spec.Lfs.Count; j++)
        {
            int fired = 0, right = 0;
            for (var i = 0; i < train.Rows; i++)
            {
                var v = train.Votes[i * train.LfCount + j];
                if (v < 0) continue;
                fired++;
                if (v == train.Gold[i]) right++;
            }
            var accuracy = fired == 0 ? "—" : ((double)right / fired).ToString("0.000", inv);
            sb.Append(inv, $"  {j,3}: coverage {(double)fired / train.Rows:P1}, accuracy {accuracy}; {spec.Lfs[j].Note}\n");
        }
        return sb.ToString();
    }
}
