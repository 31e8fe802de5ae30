using System.Text;
using System.Text.RegularExpressions;

namespace Snorkeler.Studio;

/// <summary>A candidate keyword rule mined from the data.</summary>
/// <param name="Id">Its id for accept and reject (<c>keyword:CLASS</c>).</param>
/// <param name="Keyword">The word or phrase (the rule's <c>contains</c> text).</param>
/// <param name="Label">The class it would vote.</param>
/// <param name="Rule">The rule as it would be added to the rules file.</param>
/// <param name="Coverage">Share of training rows it would vote on.</param>
/// <param name="Unlabelled">Training rows it would vote on that no LF covers or the label model is unsure of.</param>
/// <param name="Precision">Estimated share of its votes that are right (gold counts, else the label model's, shrunk towards the class prior).</param>
/// <param name="PrecisionFrom">What the estimate rests on: "gold" (the gold rows containing it), else "label model" (its probabilities on the training rows containing it).</param>
/// <param name="GoldRows">Gold rows containing it.</param>
/// <param name="GoldCorrect">Of those, the rows whose gold label is its class.</param>
/// <param name="Evidence">Rows' worth of evidence behind <paramref name="Precision"/>: the gold rows containing it, else the label model's (at most <see cref="StudioSession.ModelRows"/>), plus the prior's <see cref="StudioSession.PriorRows"/>.</param>
/// <param name="PrecisionBound">A lower confidence bound on <paramref name="Precision"/> (Wilson's, one-sided 95 %, over <paramref name="Evidence"/> rows).</param>
/// <param name="Gain">Expected change in the label model's accuracy over the training rows if it were added: the share of rows whose predicted class it would turn from wrong to right, less those it would turn from right to wrong.</param>
public sealed record Suggestion(string Id, string Keyword, string Label, string Rule, double Coverage, long Unlabelled, double Precision, string PrecisionFrom,
    long GoldRows, long GoldCorrect, double Evidence, double PrecisionBound, double Gain);

public sealed partial class StudioSession
{
    /// <summary>Gold rows containing a keyword from which its precision is taken from gold rather than the label model.</summary>
    public const int MinGoldRows = 5;

    private static readonly Regex WordPattern = new(@"[\p{L}\p{N}][\p{L}\p{N}']*", RegexOptions.Compiled | RegexOptions.CultureInvariant);

    // Words too common to make a keyword rule on their own.
    private static readonly HashSet<string> StopWords = new(
        "a an and are as at be but by for from has have he her his i if in into is it its me my no not of on or our she so that the their them then there these they this to was we were what when which who will with you your am do did does just can all any been out up".Split(' '),
        StringComparer.Ordinal);

    private static readonly HashSet<string> Keywords = new(
        "labels let lf when label and or not contains any all matches in between is missing true false".Split(' '), StringComparer.Ordinal);

    private readonly HashSet<string> _rejected = new(StringComparer.Ordinal);
    private string[]? _trainTexts;
    private string[]? _devTexts;
    private (int Evaluation, int Rejected, List<Suggestion> List)? _suggestions;

    /// <summary>The text of training row <paramref name="row"/> in <see cref="TextColumn"/>, lower-cased.</summary>
    private string TrainText(int row) => (_trainTexts ??= Texts(_train))[row];

    private string[] Texts(MemorySource data)
    {
        var column = data.Schema.IndexOf(TextColumn);
        var texts = new string[data.Rows];
        for (long i = 0; i < data.Rows; i++) texts[i] = column < 0 ? "" : (data.Text(i, column) ?? "").ToLowerInvariant();
        return texts;
    }

    /// <summary>A word worth a rule by itself: three letters or more, not a stop word, not a number.</summary>
    private static bool IsKeyword(string word) => word.Length >= 3 && !StopWords.Contains(word) && !word.All(char.IsDigit);

    private static IEnumerable<string> Words(string text)
    {
        foreach (Match m in WordPattern.Matches(text)) yield return m.Value;
    }

    /// <summary>
    /// Keyword rules worth adding, best first. Candidates are the words (not stop words, three letters or more) and
    /// two-word phrases holding such a word most frequent in the training rows that need an LF (no LF votes, or the label model's margin is
    /// under <see cref="UncertainMargin"/>), less keywords a rule file already holds in quotes and rejected suggestions.
    /// Each is measured as the rule would run (<c>contains</c>: a substring, ignoring case) on every training row and
    /// gold row (dev rows and hand labels). It votes the class most frequent among the gold rows containing it, with
    /// the class prior counted as <see cref="PriorRows"/> rows; without such gold rows, the class the label model's
    /// probabilities on the training rows containing it favour (worth at most <see cref="ModelRows"/> rows). Its precision
    /// is that share; it is dropped unless it beats the class's prior.
    /// It is kept only when <see cref="Suggestion.Gain"/> is positive: the training rows whose predicted class its vote would turn (the
    /// model's probabilities updated by naive Bayes with its precision on the gold rows where the model does not yet
    /// give its class, <see cref="Gain"/>), times the gain per turned row: the net share of the gold rows it would turn
    /// from wrong to right, shrunk towards the gain the model's beliefs expect (worth <see cref="PriorRows"/> rows).
    /// So rows other LFs already label its way count nothing (redundancy), a class the LFs already predict where it
    /// fires gains nothing, and a keyword that turns gold rows the wrong way is dropped. The rest are ordered by
    /// <see cref="Ranked"/>: precise first, not the largest expected gain first, since a suggestion right half the
    /// time costs the person checking it more than it gives (on TREC, "name → HUM" at 47 % came before
    /// "country → LOC" at 15 of 16).
    /// </summary>
    /// <remarks>
    /// Mining reads every training row for each candidate, which takes a while on large data, so it works on a snapshot
    /// (the evaluation, the rejected suggestions, the rules' text) outside the session's lock: edits are not held up by it.
    /// </remarks>
    public IReadOnlyList<Suggestion> Suggestions(int limit)
    {
        Evaluation e;
        HashSet<string> rejected;
        string existing;
        lock (_gate)
        {
            e = _current ?? throw new StudioRefusal("the LFs do not check clean yet");
            if (_suggestions is { } cached && cached.Evaluation == e.Id && cached.Rejected == _rejected.Count) return cached.List.Take(limit).ToArray();
            rejected = new HashSet<string>(_rejected, StringComparer.Ordinal);
            existing = string.Join("\n", Files().Where(f => f.EndsWith(".rules", StringComparison.OrdinalIgnoreCase))
                .Select(Resolve).Select(full => _unsaved.TryGetValue(full, out var t) ? t : ReadText(full))).ToLowerInvariant();
            _trainTexts ??= Texts(_train);
            if (_dev is not null) _devTexts ??= Texts(_dev);
        }
        var list = Mine(e, rejected, existing);
        lock (_gate)
            if (_current?.Id == e.Id) _suggestions = (e.Id, rejected.Count, list);
        return list.Take(limit).ToArray();
    }

    /// <summary>Rows' worth of belief in the class prior a keyword's precision is shrunk towards (a Dirichlet prior).</summary>
    public const double PriorRows = 4;

    /// <summary>The most rows' worth of evidence the label model's probabilities add to a keyword's precision.</summary>
    public const double ModelRows = 10;

    private List<Suggestion> Mine(Evaluation e, HashSet<string> rejected, string existing)
    {
        var train = _trainTexts!;
        var dev = _devTexts ?? [];
        var n = train.Length;
        var k = e.Schema.Cardinality;
        var goldLabels = e.Gold is null ? [] : e.Gold.GoldLabels.ToArray();
        var prior = Prior(e, goldLabels);
        // The gold rows (dev rows, then hand-labelled training rows, as the gold matrix holds them) and the model's beliefs there.
        var goldTexts = dev.Concat(e.HandRows.Select(i => train[i])).ToArray();
        var goldBeliefs = e.Gold is not null && e.Model is not null ? LabelModels.LabelModel.PredictProbabilities(e.Model, e.Gold) : null;
        var covered = new bool[n];
        var needs = new bool[n];
        for (var i = 0; i < n; i++)
        {
            covered[i] = e.Train.VoteCount(i) > 0;
            needs[i] = !covered[i] || e.Probabilities is not null && ResolvedMargin(e.Probabilities.AsSpan(i * k, k)) < UncertainMargin;
        }
        // Document frequency of words and two-word phrases in the rows that need an LF.
        var frequency = new Dictionary<string, int>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var targets = 0;
        for (var i = 0; i < n; i++)
        {
            if (!needs[i]) continue;
            targets++;
            seen.Clear();
            string? last = null;
            foreach (var w in Words(train[i]))
            {
                if (IsKeyword(w)) seen.Add(w);
                // A phrase needs a word that could be a keyword by itself: "s a" (from "what 's a") as 'contains "s a"' fires inside "was a", "is a".
                if (last is not null && (IsKeyword(last) || IsKeyword(w))) seen.Add(last + " " + w);
                last = w;
            }
            foreach (var g in seen) frequency[g] = frequency.GetValueOrDefault(g) + 1;
        }
        if (targets == 0) return [];
        var minimum = Math.Max(3, targets / 500);
        var candidates = frequency.Where(p => p.Value >= minimum && !existing.Contains($"\"{p.Key}\"", StringComparison.Ordinal))
            .OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(150).Select(p => p.Key).ToList();

        var names = e.Lfs.Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        var result = new List<Suggestion>();
        var fires = new List<int>();
        var soft = new double[k];
        var goldCounts = new long[k];
        var goldFires = new List<int>();
        foreach (var keyword in candidates)
        {
            fires.Clear();
            Array.Clear(soft);
            Array.Clear(goldCounts);
            long useful = 0, softRows = 0;
            for (var i = 0; i < n; i++)
            {
                if (!train[i].Contains(keyword, StringComparison.Ordinal)) continue;
                fires.Add(i);
                if (needs[i]) useful++;
                // Every row it fires on, covered or not: counting only the rows the LFs cover would ask the LFs
                // whether the keyword agrees with them, and so favour keywords that fire where the LFs already vote.
                if (e.Probabilities is null) continue;
                softRows++;
                for (var c = 0; c < k; c++) soft[c] += e.Probabilities[i * k + c];
            }
            goldFires.Clear();
            for (var j = 0; j < goldTexts.Length; j++)
                if (goldLabels[j] >= 0 && goldTexts[j].Contains(keyword, StringComparison.Ordinal)) { goldCounts[goldLabels[j]]++; goldFires.Add(j); }
            long goldRows = goldFires.Count;
            // The label model speaks only for keywords no gold row contains: it was fitted on the LFs, so on rows they
            // cover it repeats them, and its beliefs elsewhere are spread thin.
            var weight = softRows == 0 || goldRows > 0 ? 0 : Math.Min(1, ModelRows / softRows);
            var label = 0;
            for (var c = 1; c < k; c++)
                if (PriorRows * prior[c] + weight * soft[c] + goldCounts[c] > PriorRows * prior[label] + weight * soft[label] + goldCounts[label]) label = c;
            var evidence = PriorRows + weight * softRows + goldRows;
            var precision = (PriorRows * prior[label] + weight * soft[label] + goldCounts[label]) / evidence;
            if (precision <= prior[label] || fires.Count == 0) continue;
            // A keyword holds letters, digits, apostrophes and at most one space, never ':', so the id reads and pastes as written.
            var id = $"{keyword}:{e.Schema.NameOf(label)}";
            if (rejected.Contains(id)) continue;
            // Its vote matters only on rows the model does not already give its class, so its precision for the vote is
            // measured on the gold rows containing it there (a keyword inside another, "man" in "how many", or one that
            // fires where the LFs already vote its class, is judged where it would change something).
            long elsewhere = 0, elsewhereRight = 0;
            foreach (var j in goldFires)
            {
                if (goldBeliefs is not null && Top(goldBeliefs.AsSpan(j * k, k)).Top == label) continue;
                elsewhere++;
                if (goldLabels[j] == label) elsewhereRight++;
            }
            var votePrecision = goldRows == 0 ? precision : (PriorRows * prior[label] + elsewhereRight) / (PriorRows + elsewhere);
            var vote = VoteLikelihood(label, votePrecision, prior);
            // The training rows whose predicted class its vote would turn, with the gain the model's beliefs expect there;
            // then the gold rows it would turn, scored against their labels. Per turned row, what the gold rows say,
            // shrunk towards what the model expects (worth PriorRows rows).
            double expected = 0, realised = 0;
            long turned = 0, turnedGold = 0;
            foreach (var i in fires)
                if (Turns(e.Probabilities is null ? prior : e.Probabilities.AsSpan(i * k, k), vote, -1, out var g, out _)) { expected += g; turned++; }
            foreach (var j in goldFires)
                if (Turns(goldBeliefs is null ? prior : goldBeliefs.AsSpan(j * k, k), vote, goldLabels[j], out _, out var r)) { realised += r; turnedGold++; }
            if (turned == 0) continue;
            var gain = turned * (realised + PriorRows * expected / turned) / (turnedGold + PriorRows);
            if (gain <= 0) continue;
            var from = goldRows > 0 ? "gold" : "label model";
            var name = RuleName(keyword, e.Schema.NameOf(label), names);
            result.Add(new Suggestion(id, keyword, e.Schema.NameOf(label), Rule(name, TextColumn, keyword, e.Schema.NameOf(label)), (double)fires.Count / n, useful, precision, from, goldRows, goldCounts[label],
                evidence, LowerBound(precision, evidence), gain / n));
        }
        return Ranked(result);
    }

    /// <summary>The precision bound above which a suggestion counts as precise: more often right than wrong, at 95 % confidence.</summary>
    public const double PreciseBound = 0.5;

    /// <summary>
    /// Suggestions in the order they are shown: the precise ones (<see cref="Suggestion.PrecisionBound"/> above
    /// <see cref="PreciseBound"/>) first, each group by the bound times the square root of the rows needing an LF it
    /// votes on; so 4 times the rows weigh as much as twice the bound, and a keyword on a handful of rows does not
    /// outrank a precise one on a hundred.
    /// </summary>
    internal static List<Suggestion> Ranked(IEnumerable<Suggestion> suggestions)
        => suggestions.OrderByDescending(s => s.PrecisionBound > PreciseBound).ThenByDescending(s => s.PrecisionBound * Math.Sqrt(s.Unlabelled))
            .ThenBy(s => s.Id, StringComparer.Ordinal).ToList();

    /// <summary>z of a one-sided 95 % bound.</summary>
    private const double BoundZ = 1.6449;

    /// <summary>
    /// Wilson's lower confidence bound on a share <paramref name="p"/> measured on <paramref name="rows"/> rows (one-sided 95 %):
    /// (p + z²/2n − z·√(p(1 − p)/n + z²/4n²)) / (1 + z²/n).
    /// </summary>
    internal static double LowerBound(double p, double rows)
    {
        if (rows <= 0) return 0;
        var z2 = BoundZ * BoundZ;
        return Math.Max(0, (p + z2 / (2 * rows) - BoundZ * Math.Sqrt(p * (1 - p) / rows + z2 / (4 * rows * rows))) / (1 + z2 / rows));
    }

    /// <summary>
    /// The class prior suggestions start from: the label model's, else the gold rows' class frequencies (add-one smoothed,
    /// so uniform without gold); kept off 0 and 1 so odds stay finite.
    /// </summary>
    private static double[] Prior(Evaluation e, int[] gold)
    {
        var k = e.Schema.Cardinality;
        double[] prior;
        if (e.Model is not null && e.Model.ClassPrior.Count == k) prior = e.Model.ClassPrior.ToArray();
        else
        {
            prior = Enumerable.Repeat(1.0, k).ToArray();
            foreach (var g in gold) if (g >= 0 && g < k) prior[g]++;
        }
        var total = prior.Sum();
        for (var c = 0; c < k; c++) prior[c] = Math.Clamp(prior[c] / total, 1e-3, 1 - 1e-3);
        return prior;
    }

    /// <summary>
    /// How likely each class makes a vote for <paramref name="label"/> by an LF of precision <paramref name="precision"/>:
    /// P(vote | class) ∝ P(class | vote) / P(class), that is precision / prior for its class and (1 − precision) / (1 − prior)
    /// for the others (the votes it gets wrong spread over them as the prior does).
    /// </summary>
    internal static double[] VoteLikelihood(int label, double precision, IReadOnlyList<double> prior)
    {
        var likelihood = new double[prior.Count];
        for (var c = 0; c < likelihood.Length; c++) likelihood[c] = c == label ? precision / prior[label] : (1 - precision) / (1 - prior[label]);
        return likelihood;
    }

    /// <summary>
    /// The expected change in accuracy on one row when its class probabilities <paramref name="belief"/> are updated by
    /// a new LF's vote there (<paramref name="likelihood"/> of each class, <see cref="VoteLikelihood"/>), as naive Bayes
    /// would: 0 when the most probable class stays the same,
    /// else the updated probability of the new prediction minus that of the old one (a tie counts its classes' mean, as a
    /// tie broken at random would score).
    /// </summary>
    internal static double Gain(ReadOnlySpan<double> belief, ReadOnlySpan<double> likelihood)
        => Turns(belief, likelihood, -1, out var expected, out _) ? expected : 0;

    /// <summary>
    /// Whether the update of <see cref="Gain"/> changes the row's predicted class; if so, <paramref name="expected"/> is its
    /// gain and <paramref name="realised"/> the change in being right for a row whose gold label is <paramref name="gold"/>
    /// (a tie of t classes counts 1/t when the gold label is among them).
    /// </summary>
    private static bool Turns(ReadOnlySpan<double> belief, ReadOnlySpan<double> likelihood, int gold, out double expected, out double realised)
    {
        expected = realised = 0;
        double top = double.NegativeInfinity, newTop = double.NegativeInfinity, z = 0;
        for (var c = 0; c < belief.Length; c++)
        {
            var updated = belief[c] * likelihood[c];
            top = Math.Max(top, belief[c]);
            newTop = Math.Max(newTop, updated);
            z += updated;
        }
        if (z <= 0) return false;
        double before = 0, after = 0;
        int tiedBefore = 0, tiedAfter = 0;
        bool same = true, goldBefore = false, goldAfter = false;
        for (var c = 0; c < belief.Length; c++)
        {
            var updated = belief[c] * likelihood[c];
            var wasTop = belief[c] >= top * (1 - 1e-12);
            var isTop = updated >= newTop * (1 - 1e-12);
            if (wasTop) { before += updated; tiedBefore++; goldBefore |= c == gold; }
            if (isTop) { after += updated; tiedAfter++; goldAfter |= c == gold; }
            same &= wasTop == isTop;
        }
        if (same) return false;
        expected = (after / tiedAfter - before / tiedBefore) / z;
        realised = (goldAfter ? 1.0 / tiedAfter : 0) - (goldBefore ? 1.0 / tiedBefore : 0);
        return true;
    }

    private static double ResolvedMargin(ReadOnlySpan<double> p) => Top(p).Margin;

    /// <summary>Adds suggestion <paramref name="id"/>'s rule to the rules file and re-evaluates.</summary>
    public Suggestion Accept(string? id)
    {
        lock (_gate)
        {
            var suggestion = Find(id);
            Append(suggestion.Rule, "suggestion accepted");
            return suggestion;
        }
    }

    /// <summary>Hides suggestion <paramref name="id"/> for the rest of the session.</summary>
    public void Reject(string? id)
    {
        lock (_gate)
        {
            _rejected.Add(Find(id).Id);
            Version++;
        }
    }

    private Suggestion Find(string? id)
        => string.IsNullOrEmpty(id) ? throw new StudioRefusal("give the suggestion's id ('id', as /api/suggestions lists it)")
           : (_suggestions?.List ?? (IEnumerable<Suggestion>)Suggestions(int.MaxValue)).FirstOrDefault(s => s.Id == id)
           ?? Suggestions(int.MaxValue).FirstOrDefault(s => s.Id == id)
           ?? throw new StudioRefusal($"no suggestion '{id}' (the suggestions change with every edit; reload them)", 404);

    private static string RuleName(string keyword, string label, HashSet<string> taken)
    {
        var slug = new StringBuilder();
        foreach (var c in keyword) slug.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        var name = $"{label.ToLowerInvariant()}_{slug}";
        name = new string(name.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());
        if (!char.IsAsciiLetter(name[0]) && name[0] != '_') name = "lf_" + name;
        var unique = name;
        for (var i = 2; taken.Contains(unique); i++) unique = $"{name}_{i}";
        return unique;
    }

    /// <summary>The rule a suggestion adds: LF <paramref name="name"/> votes <paramref name="label"/> where <paramref name="field"/> contains <paramref name="keyword"/>.</summary>
    internal static string Rule(string name, string field, string keyword, string label)
        => $"lf {name}:\n    when {FieldName(field)} contains {Text.RuleLiteral.Of(keyword)} label {label}\n";

    /// <summary>A field name as the rule language writes it: bare when it is a name, else in backticks.</summary>
    private static string FieldName(string column)
        => column.Length > 0 && (char.IsAsciiLetter(column[0]) || column[0] == '_') && column.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') && !Keywords.Contains(column)
            ? column
            : $"`{column}`";
}
