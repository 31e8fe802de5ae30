namespace Snorkeler.Scripting;

/// <summary>
/// The diagnostic codes of C# script LFs (SNK0600-SNK0699). Roslyn's own codes (CS1002, CS0103 ...)
/// pass through unchanged. All messages are written here, in one place.
/// </summary>
public static partial class ScriptCodes
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
    /// <summary>An LF's name is blank, starts or ends with a space or holds a control character, or its function is null.</summary>
    public const string InvalidName = "SNK0606";
    /// <summary>A script threw while its LFs were being declared.</summary>
    public const string ScriptThrew = "SNK0607";
    /// <summary>The compiled scripts could not be written to the cache (a warning: the next run recompiles).</summary>
    public const string CacheWrite = "SNK0608";
    /// <summary>A script reads a field by a literal name the data does not have (an error: the read throws on the first row that reaches it).</summary>
    public const string UnknownField = "SNK0609";
    /// <summary>The scripts' top-level code (declaring the LFs) ran longer than the time budget.</summary>
    public const string TopLevelTimeout = "SNK0610";
    /// <summary>
    /// A script calls <c>Environment.FailFast</c>, which ends the process without a message, clean-up or exit code, or
    /// <c>Environment.Exit</c>, which ends it (the studio with it) before the LF and row can be named.
    /// </summary>
    public const string FailFast = "SNK0611";
    /// <summary>The scripts' top-level code recursed so deeply that the stack ran out (caught by the guard every body starts with).</summary>
    public const string StackExhausted = "SNK0612";
    /// <summary>A script references a NuGet package (<c>#r "nuget: ..."</c>), which scripts cannot do.</summary>
    public const string NuGetReference = "SNK0613";
    /// <summary>Warning: a listed script declared no LF: it holds no code, or none of its <c>Lf(...)</c> calls ran.</summary>
    public const string NoLfDeclared = "SNK0614";
    /// <summary>A <c>return</c> in a script's top-level code, which would end the top-level code of every script after it.</summary>
    public const string TopLevelReturn = "SNK0615";
    /// <summary>A script <c>#load</c>s a file that is not C# (<c>#load "/etc/passwd"</c>, a <c>.txt</c>): one error at the <c>#load</c>, not the file's hundreds.</summary>
    public const string LoadNotScript = "SNK0616";
    /// <summary>A file has more compile errors than are listed (20); this one says how many more.</summary>
    public const string TooManyErrors = "SNK0617";

    internal static string NoLabelsMessage
        => "no classes declared: add a line such as 'Labels(\"HAM\", \"SPAM\");' at the top of a script, or 'labels HAM, SPAM' to a .rules file";

    internal static string BadLabelsMessage(string detail)
        => $"invalid class declaration: {detail}; write it as 'Labels(\"HAM\", \"SPAM\");' with string literals";

    internal static string ConflictingLabelsMessage(LabelSchema declared, LabelSchema other, string otherWhere)
        => $"this script declares classes {declared} but {otherWhere} declared {other}";

    /// <summary>Roslyn's message for a close bracket it never found, placed at the open bracket: where Roslyn reported it.</summary>
    internal static string NeverClosed(string message, string open, int line, int column)
        => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{message}: this '{open}' is never closed; the compiler expected its close by line {line}, column {column}");

    /// <summary>The classes a name was meant to be, the classes, and where a script declares them (<paramref name="declaredAt"/>, when one does).</summary>
    internal static string UnknownLabelMessage(string name, IReadOnlyList<string> meant, LabelSchema schema, string? declaredAt)
        => Text.LabelMessages.UnknownLabel(name, meant, schema.ClassNames, declaredAt);

    /// <summary>Roslyn's "the name 'PERSON' does not exist" for a name in capitals that is near no class: it may still be meant as one.</summary>
    internal static string NotAClassHint(string message, string name, LabelSchema schema)
        => $"{message}; if '{name}' is meant as a class, the classes are {Text.LabelMessages.Classes(schema.ClassNames)}";

    /// <summary>An Lf call that declared a name another call declared first (at <paramref name="first"/>), <paramref name="count"/> times.</summary>
    internal static string DuplicateNameMessage(string name, SourceLocation first, int count = 1)
        => count == 1 ? $"LF name '{name}' is already used at {first}"
            : $"LF name '{name}' is already used at {first}, and this Lf call declared it {count} times{RepeatedCallHint}";

    /// <summary>One Lf call that ran <paramref name="count"/> times with the same name (in a loop, or in a method called more than once).</summary>
    internal static string RepeatedCallMessage(string name, int count)
        => $"this Lf call declared LF name '{name}' {count} times{RepeatedCallHint}";

    private const string RepeatedCallHint = " (in a loop, or in a method called more than once?); "
        + "each LF needs a name of its own, such as Lf(\"keyword_\" + word, ...) in a loop over words";

    /// <summary>
    /// A compiler message without the class Roslyn wraps a script in, which the script never names: "The type
    /// 'Submission#0' already contains a definition for 'x'" (CS0102) and "Type 'Submission#0' already defines a member
    /// called 'F' ..." (CS0111) say "The script already ...", and a member "'Submission#0.Score(string)'" is "'Score(string)'".
    /// </summary>
    internal static string WithoutSubmission(string message)
    {
        if (!message.Contains("Submission#", StringComparison.Ordinal)) return message;
        var plain = SubmissionType().Replace(SubmissionMember().Replace(message, ""), "the script");
        return plain.StartsWith("the script", StringComparison.Ordinal) ? "T" + plain[1..] : plain;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"Submission#\d+\.")]
    private static partial System.Text.RegularExpressions.Regex SubmissionMember();

    /// <summary>The wrapper class as a message names it, with the words "the type" or "type" before it.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"(?:\b(?:[Tt]he )?[Tt]ype )?'Submission#\d+'")]
    private static partial System.Text.RegularExpressions.Regex SubmissionType();

    internal static string InvalidNameMessage => "an LF needs a non-blank name and a function: Lf(\"keyword_my\", row => ...)";

    internal static string ScriptThrewMessage(Exception e, bool initialisingStatics, string? detail = null)
        => $"the script threw {e.GetType().Name} while {(initialisingStatics ? "initialising its static fields" : "declaring its LFs")}: {detail ?? e.Message}";

    internal static string TopLevelTimeoutMessage(TimeSpan budget, bool initialisingStatics) => initialisingStatics
        ? $"the script did not finish initialising its static fields within {budget.TotalSeconds:0.###} s (an endless loop? raise the limit with --lf-timeout)"
        : $"the scripts' top-level code did not finish within {budget.TotalSeconds:0.###} s while declaring the LFs (an endless loop? raise the limit with --lf-timeout)";

    internal static string FailFastMessage
        => "a script must not call Environment.FailFast: it ends the whole process at once, with no message from snorkeler and no clean-up; throw an exception instead (the run then fails naming the LF and the row)";

    internal static string TopLevelReturnMessage
        => "a 'return' at the top level of a script ends the top-level code of every script (they run as one), so the scripts after this one would declare no LF; put the code in a method, or use if/else";

    internal static string LoadNotScriptMessage(string file, int errors, int line, int column, string first)
        => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"'{Text.Printable.FileName(file)}' is not a C# script: read as C# it gives {Text.Listing.Counted(errors, "error")} (the first at line {line}, column {column}: {first}); #load only .csx files of C# code, and read data files from inside an LF instead");

    internal static string TooManyErrorsMessage(int errors, int shown)
        => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{errors - shown} more errors in this file are not listed ({errors} in all); fix the first {shown}, as later errors often follow from them");

    internal static string ExitMessage
        => "a script must not call Environment.Exit: it ends the whole process (a studio with it) before snorkeler can say which LF or row stopped it; throw an exception instead (the run then fails naming the LF and the row)";

    internal static string CacheWriteMessage(string path, string detail)
        => $"cannot write the script cache '{Text.Printable.FileName(path)}': {detail}; the scripts will be compiled again next run";

    internal static string UnknownFieldMessage(string name, Data.DataSchema columns, int uses, Loading.DataHints? data, IEnumerable<string>? read = null)
        => $"no column '{name}' in {data?.Name ?? "the data"}{(uses > 1 ? $" (read {uses} times)" : "")}{Data.ColumnGuess.MissingFieldHint(name, columns, data, read: read)} (columns: {columns.Listed})";

    internal static string NoLfDeclaredMessage(ScriptContentKind content) => content switch
    {
        ScriptContentKind.CallsLf => "the script declares no LF: its Lf(...) calls did not run when the scripts were loaded (inside a method that is never called, or under a condition that was false?)",
        ScriptContentKind.StatementsOnly => "the script declares no LF: it runs statements, but none calls Lf(...) and it defines nothing other scripts use (no method, class, field or variable); add Lf(\"name\", row => ...) or remove the file",
        _ => "the script declares no LF: it holds no code (only comments, blank lines or usings); add Lf(\"name\", row => ...) or remove the file",
    };

    internal static string NuGetReferenceMessage
        => "NuGet references are not supported: put the package's DLL (from its .nupkg, a zip file: lib/<framework>/Name.dll) beside the scripts and reference the file, as in #r \"lib/Name.dll\"";

    internal static string StackExhaustedMessage
        => "the scripts' top-level code recursed too deeply and ran out of stack while declaring the LFs (an endless recursion?)";

    /// <summary>Why a script LF's name cannot be a column of the label matrix (or cannot be typed to select it), or null when it can.</summary>
    internal static string? BadNameMessage(string name)
    {
        foreach (var c in name)
            if (IsControl(c))
                return $"LF name '{Escaped(name)}' contains the control character U+{(int)c:X4}: a name is a column of the label matrix and must fit on one line; use letters, digits and '_'";
        if (name != name.Trim())
            return $"LF name '{Escaped(name)}' starts or ends with a space, which no one sees in a table; write it as '{Escaped(name.Trim())}'";
        // A letter and a combining accent (e + U+0301) looks like the accented letter (é) but is another name, which no
        // one could type to select the LF. Normalising to NFC would need ICU, which the invariant-globalisation build lacks.
        foreach (var c in name)
            if (c is >= '\u0300' and <= '\u036F')
                return $"LF name '{name}' writes an accent as a separate combining character (U+{(int)c:X4}); type the accented letter itself (é, not e followed by U+0301), so the name is the one people type";
        return null;
    }

    private static bool IsControl(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';

    /// <summary>A name with its control characters written as escapes (<c>\n</c>, <c>\u0007</c>), so a message stays on one line.</summary>
    private static string Escaped(string name)
        => string.Concat(name.Select(c => c switch
        {
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            _ when IsControl(c) => $"\\u{(int)c:X4}",
            _ => c.ToString(),
        }));
}
