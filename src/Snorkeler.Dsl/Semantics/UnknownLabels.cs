using Snorkeler.Dsl.Syntax;

namespace Snorkeler.Dsl.Semantics;

/// <summary>Where a run's classes are declared: the <c>labels</c> line and its file.</summary>
internal sealed record LabelsDeclared(string Path, LabelsDeclaration Syntax);

/// <summary>
/// Reports the <c>label</c>s that name no declared class (SNK0007), once every file is checked: a class misspelt where
/// it is declared shows only at its uses, and only all of them together say so. Otherwise a name is reported once per
/// file, at its first use there, naming the others: each needs the same fix (a class removed from the <c>labels</c> line
/// but still used by many rules gave an error a use, each saying the same), and an editor showing one file still marks it.
/// </summary>
internal static class UnknownLabels
{
    /// <param name="uses">Every use of an undeclared class in the run.</param>
    /// <param name="schema">The run's classes.</param>
    /// <param name="declared">Where they are declared, or null when they come from outside the rule files (the data set's label.json).</param>
    /// <param name="files">The run's rule files.</param>
    public static IEnumerable<Diagnostic> Report(IReadOnlyList<UnknownLabelUse> uses, LabelSchema schema, LabelsDeclared? declared, IReadOnlyList<RulesFile> files)
    {
        var byName = uses.GroupBy(u => u.Name, StringComparer.Ordinal).ToList();
        foreach (var group in byName)
        {
            if (declared is not null && MisspeltDeclaration(group.Key, group.Count(), byName.Select(g => g.Key), declared, files) is { } misspelt)
            {
                yield return RuleMessages.MisspeltClass(declared.Path, misspelt.Span, group.Key, misspelt.Text, Places(group, declared.Path));
                continue;
            }
            // Once per file: an editor showing one file still marks its uses there.
            foreach (var inFile in group.GroupBy(u => u.Path, StringComparer.Ordinal))
            {
                var first = inFile.First();
                yield return RuleMessages.UnknownLabel(first.Path, first.Span, first.Name, schema.ClassNames,
                    declared is null ? null : Place(declared.Syntax.Span, declared.Path, first.Path), inFile.Count() > 1 ? Places(inFile, first.Path) : null);
            }
        }
    }

    /// <summary>
    /// The declared class that <paramref name="name"/> is the right spelling of, or null: of the classes no rule labels,
    /// the one alike to it and nearest, with no other as near; and of the undeclared names, <paramref name="name"/> alone is
    /// that near to it. <paramref name="name"/> must be used at least twice: the same slip made twice at the uses is less
    /// likely than once in the declaration; a single use may be the slip as well as the declaration, and is reported where
    /// it is written.
    /// </summary>
    private static Name? MisspeltDeclaration(string name, int uses, IEnumerable<string> unknown, LabelsDeclared declared, IReadOnlyList<RulesFile> files)
    {
        if (uses < 2) return null;
        var labelled = files.SelectMany(f => f.Items.OfType<LfDeclaration>()).SelectMany(lf => lf.Clauses).Select(c => c.Label.Text).ToHashSet(StringComparer.Ordinal);
        var alike = declared.Syntax.Classes.Where(c => !labelled.Contains(c.Text) && Alike(name, c.Text)).ToList();
        if (alike.Count == 0) return null;
        var nearest = alike.Min(c => Distance(name, c.Text));
        var classes = alike.Where(c => Distance(name, c.Text) == nearest).ToList();
        return classes.Count == 1 && unknown.Count(u => Distance(u, classes[0].Text) <= nearest) == 1 ? classes[0] : null;
    }

    /// <summary>
    /// Near enough to be one name misspelt: at most half the longer name's length in edits. Looser than a "did you mean"
    /// (a third of the word), since a class no rule uses, paired with a name no line declares, is evidence of its own.
    /// </summary>
    private static bool Alike(string a, string b) => Distance(a, b) <= Math.Max(1, Math.Max(a.Length, b.Length) / 2);

    private static int Distance(string a, string b) => Text.Suggest.Distance(a.ToLowerInvariant(), b.ToLowerInvariant());

    /// <summary>"line 2" in the same file, else "other.rules(2,1)".</summary>
    private static string Place(TextSpan span, string path, string from) => Text.LabelMessages.Place(span.In(path), from);

    /// <summary>"lines 3, 5 and 7" when all are in <paramref name="from"/>, else each: "line 3 and other.rules(7,34)".</summary>
    private static string Places(IEnumerable<UnknownLabelUse> uses, string from)
    {
        var list = uses.ToList();
        if (list.All(u => u.Path == from))
        {
            var lines = list.Select(u => u.Span.Line).Distinct().Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
            return (lines.Count == 1 ? "line " : "lines ") + Text.Listing.Join(lines, "and");
        }
        return Text.Listing.Join(list.Select(u => Place(u.Span, u.Path, from)).Distinct().ToList(), "and");
    }
}
