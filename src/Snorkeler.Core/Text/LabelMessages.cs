using System.Globalization;

namespace Snorkeler.Text;

/// <summary>
/// What a message about a label naming no class says, in the rule DSL (SNK0007) and in scripts (SNK0604) alike: the
/// classes it may have meant, the classes there are, and where they are declared, as the slip may be there.
/// </summary>
public static class LabelMessages
{
    /// <summary>How many classes a message lists before "and N more": a schema of hundreds of classes would bury the message.</summary>
    public const int ClassesListed = 20;

    /// <summary>"HAM, SPAM, or ABSTAIN"; past <see cref="ClassesListed"/> classes, the first of them "and 280 more, or ABSTAIN".</summary>
    public static string Classes(IReadOnlyList<string> classes) => $"{Names(classes)}, or {LabelSchema.AbstainName}";

    /// <summary>"HAM, SPAM"; past <see cref="ClassesListed"/> classes, the first of them "and 280 more".</summary>
    public static string Names(IReadOnlyList<string> classes)
    {
        Guard.NotNull(classes);
        return classes.Count <= ClassesListed ? string.Join(", ", classes)
            : string.Join(", ", classes.Take(ClassesListed)) + string.Create(CultureInfo.InvariantCulture, $" and {classes.Count - ClassesListed:N0} more");
    }

    /// <summary>
    /// <c>unknown label 'SPAMM'; did you mean 'SPAM'? (classes: HAM, SPAM, or ABSTAIN; declared at line 1)</c>: the
    /// classes <paramref name="meant"/> (none, one, or several as near), and where the classes are declared
    /// (<see cref="Place"/>; null when that is not known, as for classes from a data set's label.json). With
    /// <paramref name="usedAt"/>, one message for every use of the name: <c>unknown label 'SPAMM' at lines 3 and 5; ...</c>.
    /// </summary>
    public static string UnknownLabel(string name, IReadOnlyList<string> meant, IReadOnlyList<string> classes, string? declaredAt, string? usedAt = null)
    {
        Guard.NotNull(meant);
        var guess = meant.Count == 0 ? "" : $"; {DidYouMean(meant)}";
        var at = usedAt is null ? "" : $" at {usedAt}";
        return $"unknown label '{name}'{at}{guess} (classes: {Classes(classes)}{(declaredAt is null ? "" : $"; declared at {declaredAt}")})";
    }

    /// <summary>
    /// The classes <paramref name="name"/> is likely a typo of (<see cref="Suggest.Nearest"/>): every one as near as the
    /// nearest, so 'NUM' against HUM and NM (NUM misspelt in the declaration) names both, not the first. Empty when none is near.
    /// </summary>
    public static IReadOnlyList<string> Meant(string name, IReadOnlyList<string> classes)
    {
        Guard.NotNull(name);
        if (Suggest.Nearest(name, classes) is not { } near) return [];
        var distance = Suggest.Distance(name.ToLowerInvariant(), near.ToLowerInvariant());
        return [.. classes.Where(c => Suggest.Distance(name.ToLowerInvariant(), c.ToLowerInvariant()) == distance)];
    }

    /// <summary>"did you mean 'HUM' or 'NM'?": the classes <see cref="Meant"/> found (at least one).</summary>
    public static string DidYouMean(IReadOnlyList<string> meant)
        => $"did you mean {Listing.Join([.. Guard.NotNull(meant).Select(m => $"'{m}'")], "or")}?";

    /// <summary>"line 2" when <paramref name="at"/> is in the file <paramref name="from"/>, else "other.rules(2,1)".</summary>
    public static string Place(SourceLocation at, string from)
        => Guard.NotNull(at).Path == from ? string.Create(CultureInfo.InvariantCulture, $"line {at.Line}") : at.ToString();
}
