using System.Text.RegularExpressions;

namespace Snorkeler.Scripting;

/// <summary>
/// Reads the <c>Labels("HAM", "SPAM");</c> declarations of scripts from their text, before compiling,
/// because the class names become constants the scripts are compiled against.
/// </summary>
internal static partial class ScriptLabels
{
    /// <summary>
    /// The classes in force: the <c>.rules</c> files' (<paramref name="declared"/>) when given, else the
    /// scripts' one declaration; diagnostics for malformed or conflicting declarations. Null when none.
    /// <paramref name="declaredAt"/> is where a script declares them: null when they come from elsewhere.
    /// </summary>
    public static LabelSchema? Resolve(ScriptSources sources, LabelSchema? declared, List<Diagnostic> diagnostics, out SourceLocation? declaredAt)
    {
        LabelSchema? schema = declared;
        SourceLocation? firstAt = null;
        foreach (var text in sources.Texts)
        {
            foreach (Match m in LabelsRegex().Matches(text.Text))
            {
                var at = Location(text, m);
                var args = m.Groups["args"].Value;
                if (!ArgsRegex().IsMatch(args))
                {
                    diagnostics.Add(Diagnostic.Error(ScriptCodes.BadLabels, ScriptCodes.BadLabelsMessage("the class names must be string literals"), at));
                    continue;
                }
                var names = NameRegex().Matches(args).Select(n => Regex.Unescape(n.Groups["name"].Value)).ToArray();
                LabelSchema mine;
                try { mine = new LabelSchema(names); }
                catch (ArgumentException e)
                {
                    diagnostics.Add(Diagnostic.Error(ScriptCodes.BadLabels, ScriptCodes.BadLabelsMessage(e.Message.Split(" (Parameter")[0]), at));
                    continue;
                }
                if (schema is null)
                {
                    schema = mine;
                    firstAt = at;
                }
                else if (!schema.Equals(mine))
                {
                    var where = firstAt is null ? "the .rules files (or the data set)" : $"{firstAt}";
                    diagnostics.Add(Diagnostic.Error(ScriptCodes.ConflictingLabels, ScriptCodes.ConflictingLabelsMessage(mine, schema, where), at));
                }
            }
        }
        declaredAt = firstAt;
        return schema;
    }

    private static SourceLocation Location(ScriptText text, Match m)
    {
        var start = m.Groups["call"].Index;
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < start; i++)
        {
            if (text.Text[i] != '\n') continue;
            line++;
            lineStart = i + 1;
        }
        return new SourceLocation(text.DisplayPath, line, start - lineStart + 1, m.Groups["call"].Length);
    }

    [GeneratedRegex(@"^[ \t]*(?<call>Labels[ \t]*\((?<args>[^)\r\n]*)\))", RegexOptions.Multiline)]
    private static partial Regex LabelsRegex();

    [GeneratedRegex(@"^\s*""(?:[^""\\]|\\.)*""(?:\s*,\s*""(?:[^""\\]|\\.)*"")*\s*$")]
    private static partial Regex ArgsRegex();

    [GeneratedRegex(@"""(?<name>(?:[^""\\]|\\.)*)""")]
    private static partial Regex NameRegex();
}
