namespace Snorkeler.Scripting;

/// <summary>
/// The diagnostic codes of C# script LFs (SNK0600-SNK0699). Roslyn's own codes (CS1002, CS0103 ...)
/// pass through unchanged. All messages are written here, in one place.
/// </summary>
public static class ScriptCodes
{
    /// <summary>Neither the <c>.rules</c> files nor any script declares the classes.</summary>
    public const string NoLabels = "SNK0601";
    /// <summary>A <c>Labels(...)</c> declaration is not a list of at least two distinct string literals.</summary>
    public const string BadLabels = "SNK0602";
    /// <summary>Two declarations of the classes disagree (two scripts, or a script and the <c>.rules</c> files).</summary>
    public const string ConflictingLabels = "SNK0603";
    /// <summary>A script names a class that is not declared (<c>SPAMM</c>).</summary>
    public const string UnknownLabel = "SNK0604";
    /// <summary>Two script LFs share a name.</summary>
    public const string DuplicateName = "SNK0605";
    /// <summary>An LF's name is blank, or its function null.</summary>
    public const string InvalidName = "SNK0606";
    /// <summary>A script threw while its LFs were being declared.</summary>
    public const string ScriptThrew = "SNK0607";
    /// <summary>The compiled scripts could not be written to the cache (a warning: the next run recompiles).</summary>
    public const string CacheWrite = "SNK0608";
    /// <summary>A script reads a field by a literal name the data does not have (a warning: binding the LF will fail).</summary>
    public const string UnknownField = "SNK0609";
    /// <summary>The scripts' top-level code (declaring the LFs) ran longer than the time budget.</summary>
    public const string TopLevelTimeout = "SNK0610";
    /// <summary>A script calls <c>Environment.FailFast</c>, which ends the process without a message, clean-up or exit code.</summary>
    public const string FailFast = "SNK0611";

    internal static string NoLabelsMessage
        => "no classes declared: add a line such as 'Labels(\"HAM\", \"SPAM\");' at the top of a script, or 'labels HAM, SPAM' to a .rules file";

    internal static string BadLabelsMessage(string detail)
        => $"invalid class declaration: {detail}; write it as 'Labels(\"HAM\", \"SPAM\");' with string literals";

    internal static string ConflictingLabelsMessage(LabelSchema declared, LabelSchema other, string otherWhere)
        => $"this script declares classes {declared} but {otherWhere} declared {other}";

    internal static string UnknownLabelMessage(string name, string? suggestion, LabelSchema schema)
        => $"unknown label '{name}'{(suggestion is null ? "" : $"; did you mean '{suggestion}'?")} (classes: {string.Join(", ", schema.ClassNames)}, or {LabelSchema.AbstainName})";

    internal static string DuplicateNameMessage(string name, SourceLocation first)
        => $"LF name '{name}' is already used at {first}";

    internal static string InvalidNameMessage => "an LF needs a non-blank name and a function: Lf(\"keyword_my\", row => ...)";

    internal static string ScriptThrewMessage(Exception e)
        => $"the script threw {e.GetType().Name} while declaring its LFs: {e.Message}";

    internal static string TopLevelTimeoutMessage(TimeSpan budget)
        => $"the scripts' top-level code did not finish within {budget.TotalSeconds:0.###} s while declaring the LFs (an endless loop? raise the limit with --lf-timeout)";

    internal static string FailFastMessage
        => "a script must not call Environment.FailFast: it ends the whole process at once, with no message from snorkeler and no clean-up; throw an exception instead (the run then fails naming the LF and the row)";

    internal static string CacheWriteMessage(string path, string detail)
        => $"cannot write the script cache '{path}': {detail}; the scripts will be compiled again next run";

    internal static string UnknownFieldMessage(string name, Data.DataSchema columns, int uses, Loading.DataHints? data)
        => $"no column '{name}' in {data?.Name ?? "the data"}{(uses > 1 ? $" (read {uses} times)" : "")}{Data.ColumnGuess.MissingFieldHint(name, columns, data)} (columns: {string.Join(", ", columns.Names)})";

    internal static string VoteOutOfRangeMessage(LabelingFunction lf, int vote, long row, LabelSchema schema)
        => $"LF {lf.Describe()} returned {vote} for row {row}; a vote is {LabelSchema.Abstain} ({LabelSchema.AbstainName}) or a class: {schema}";
}
