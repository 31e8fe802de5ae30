using System.Text;
using System.Text.RegularExpressions;

namespace Snorkeler.Studio;

/// <summary>A candidate keyword rule mined from the data.</summary>
/// <param name="Id">Its id for accept and reject (the keyword and class).</param>
/// <param name="Keyword">The word or phrase (the rule's <c>contains</c> text).</param>
/// <param name="Label">The class it would vote.</param>
/// <param name="Rule">The rule as it would be added to the rules file.</param>
/// <param name="Coverage">Share of training rows it would vote on.</param>
/// <param name="Unlabelled">Training rows it would vote on that no LF covers or the label model is unsure of.</param>
/// <param name="Precision">Estimated share of its votes that are right.</param>
/// <param name="PrecisionFrom">"gold" (dev rows and hand labels containing it) or "label model" (its mean probability of the class).</param>
/// <param name="GoldRows">Gold rows containing it.</param>
public sealed record Suggestion(string Id, string Keyword, string Label, string Rule, double Coverage, long Unlabelled, double Precision, string PrecisionFrom, long GoldRows);

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

    private static IEnumerable<string> Words(string text)
    {
        foreach (Match m in WordPattern.Matches(text)) yield return m.Value;
    }

    /// <summary>
    /// Keyword rules worth adding. Candidates are the words (not stop words, three letters or more) and two-word
    /// phrases most frequent in the training rows that need an LF (no LF votes, or the label model's margin is under
    /// <see cref="UncertainMargin"/>); each is then measured as the rule would run (<c>contains</c>: a substring,
    /// ignoring case) on every training row: its coverage, and its class and precision from the gold rows containing it
    /// (at least <see cref="MinGoldRows"/>), else from the label model's mean probability over the rows containing it.
    /// Ranked by the rows that need an LF it covers × (precision − 1/classes); those below 1/classes + 0.15 are dropped,
    /// as are keywords a rule file already holds in quotes and rejected suggestions.
    /// </summary>
    public IReadOnlyList<Suggestion> Suggestions(int limit)
    {
        lock (_gate)
        {
            var e = _current ?? throw new StudioRefusal("the LFs do not check clean yet");
            if (_suggestions is { } cached && cached.Evaluation == e.Id && cached.Rejected == _rejected.Count) return cached.List.Take(limit).ToArray();
            var list = Mine(e);
            _suggestions = (e.Id, _rejected.Count, list);
            return list.Take(limit).ToArray();
        }
    }

    private List<Suggestion> Mine(Evaluation e)
    {
        var train = _trainTexts ??= Texts(_train);
        var dev = _dev is null ? [] : _devTexts ??= Texts(_dev);
        var n = train.Length;
        var k = e.Schema.Cardinality;
        var needs = new bool[n];
        var lfs = new int[Math.Max(1, e.Train.LfCount)];
        var labels = new int[Math.Max(1, e.Train.LfCount)];
        for (var i = 0; i < n; i++)
        {
            if (e.Train.CopyVotes(i, lfs, labels) == 0) needs[i] = true;
            else if (e.Probabilities is not null && ResolvedMargin(e.Probabilities.AsSpan(i * k, k)) < UncertainMargin) needs[i] = true;
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
                if (w.Length >= 3 && !StopWords.Contains(w) && !w.All(char.IsDigit)) seen.Add(w);
                if (last is not null && !(StopWords.Contains(last) && StopWords.Contains(w))) seen.Add(last + " " + w);
                last = w;
            }
            foreach (var g in seen) frequency[g] = frequency.GetValueOrDefault(g) + 1;
        }
        if (targets == 0) return [];
        var minimum = Math.Max(3, targets / 500);
        var existing = string.Join("\n", Files().Where(f => f.EndsWith(".rules", StringComparison.OrdinalIgnoreCase))
            .Select(f => _unsaved.TryGetValue(Resolve(f), out var t) ? t : File.ReadAllText(Resolve(f)))).ToLowerInvariant();
        var candidates = frequency.Where(p => p.Value >= minimum && !existing.Contains($"\"{p.Key}\"", StringComparison.Ordinal))
            .OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(150).Select(p => p.Key).ToList();

        var goldLabels = e.Gold is null ? [] : e.Gold.GoldLabels.ToArray();
        var handRows = Enumerable.Range(0, n).Where(i => e.Train.Gold(i) >= 0).ToArray();
        var names = e.Lfs.Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        var result = new List<Suggestion>();
        foreach (var keyword in candidates)
        {
            long covered = 0, useful = 0;
            var probability = new double[k];
            for (var i = 0; i < n; i++)
            {
                if (!train[i].Contains(keyword, StringComparison.Ordinal)) continue;
                covered++;
                if (needs[i]) useful++;
                if (e.Probabilities is not null)
                    for (var c = 0; c < k; c++) probability[c] += e.Probabilities[i * k + c];
            }
            // Gold rows: the dev rows, then the hand-labelled training rows (the gold matrix's order).
            var goldCounts = new long[k];
            long goldRows = 0;
            for (var i = 0; i < dev.Length; i++)
                if (goldLabels[i] >= 0 && dev[i].Contains(keyword, StringComparison.Ordinal)) { goldCounts[goldLabels[i]]++; goldRows++; }
            foreach (var i in handRows)
                if (train[i].Contains(keyword, StringComparison.Ordinal)) { goldCounts[e.Train.Gold(i)]++; goldRows++; }
            int label;
            double precision;
            string from;
            if (goldRows >= MinGoldRows)
            {
                label = Array.IndexOf(goldCounts, goldCounts.Max());
                precision = (double)goldCounts[label] / goldRows;
                from = "gold";
            }
            else if (e.Probabilities is not null && covered > 0)
            {
                label = Array.IndexOf(probability, probability.Max());
                precision = probability[label] / covered;
                from = "label model";
            }
            else continue;
            if (precision < 1.0 / k + 0.15 || useful == 0) continue;
            var id = $"{keyword}\n{e.Schema.NameOf(label)}";
            if (_rejected.Contains(id)) continue;
            var name = RuleName(keyword, e.Schema.NameOf(label), names);
            var rule = $"lf {name}:\n    when {FieldName(TextColumn)} contains \"{keyword.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\" label {e.Schema.NameOf(label)}\n";
            result.Add(new Suggestion(id, keyword, e.Schema.NameOf(label), rule, (double)covered / n, useful, precision, from, goldRows));
        }
        return result.OrderByDescending(s => s.Unlabelled * (s.Precision - 1.0 / k)).ThenBy(s => s.Id, StringComparer.Ordinal).ToList();
    }

    private static double ResolvedMargin(ReadOnlySpan<double> p) => Top(p).Margin;

    /// <summary>Adds suggestion <paramref name="id"/>'s rule to the rules file and re-evaluates.</summary>
    public Suggestion Accept(string id)
    {
        lock (_gate)
        {
            var suggestion = Find(id);
            Append(suggestion.Rule, "suggestion accepted");
            return suggestion;
        }
    }

    /// <summary>Hides suggestion <paramref name="id"/> for the rest of the session.</summary>
    public void Reject(string id)
    {
        lock (_gate)
        {
            Find(id);
            _rejected.Add(id);
            Version++;
        }
    }

    private Suggestion Find(string id)
        => (_suggestions?.List ?? (IEnumerable<Suggestion>)Suggestions(int.MaxValue)).FirstOrDefault(s => s.Id == id)
           ?? Suggestions(int.MaxValue).FirstOrDefault(s => s.Id == id)
           ?? throw new StudioRefusal($"no suggestion '{id.Replace('\n', ' ')}' (the suggestions change with every edit; reload them)", 404);

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

    /// <summary>A field name as the rule language writes it: bare when it is a name, else in backticks.</summary>
    private static string FieldName(string column)
        => column.Length > 0 && (char.IsAsciiLetter(column[0]) || column[0] == '_') && column.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') && !Keywords.Contains(column)
            ? column
            : $"`{column}`";
}
