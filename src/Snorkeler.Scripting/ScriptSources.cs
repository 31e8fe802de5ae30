using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Snorkeler.Loading;

namespace Snorkeler.Scripting;

/// <summary>One script text: the full path the compiler sees, and the path shown in messages.</summary>
internal sealed record ScriptText(string FullPath, string DisplayPath, string Text, bool Listed);

/// <summary>
/// Everything a compilation of the scripts depends on, found without Roslyn (so a cache hit never loads
/// the compiler): the listed scripts, the scripts they <c>#load</c> (recursively), the assemblies they
/// <c>#r</c>, and the cache key hashing all of it with the class names and the Snorkeler and Roslyn builds.
/// </summary>
internal sealed partial class ScriptSources
{
    /// <summary>Namespaces imported into every script.</summary>
    public static readonly IReadOnlyList<string> Imports =
    [
        "System", "System.Linq", "System.Text", "System.Text.RegularExpressions", "System.Collections.Generic", "Snorkeler.Data",
    ];

    /// <summary>Bump when the way scripts are compiled or the cache format changes.</summary>
    private const string Format = "snorkeler-csx/3";

    private ScriptSources(IReadOnlyList<ScriptText> texts, IReadOnlyList<string> references)
    {
        Texts = texts;
        References = references;
        ByFullPath = texts.ToDictionary(t => t.FullPath, StringComparer.Ordinal);
    }

    /// <summary>The listed scripts (in order), then the ones only reached by <c>#load</c>.</summary>
    public IReadOnlyList<ScriptText> Texts { get; }

    /// <summary>Full paths of the assembly files the scripts <c>#r</c> that exist.</summary>
    public IReadOnlyList<string> References { get; }

    /// <summary>The texts by full path.</summary>
    public IReadOnlyDictionary<string, ScriptText> ByFullPath { get; }

    /// <summary>The listed scripts.</summary>
    public IEnumerable<ScriptText> Listed => Texts.Where(t => t.Listed);

    /// <summary>The path to show for a compiler path: the user's path for a listed script, else the full path.</summary>
    public string DisplayPath(string compilerPath)
    {
        if (string.IsNullOrEmpty(compilerPath)) return compilerPath;
        return ByFullPath.TryGetValue(Normalize(compilerPath), out var t) ? t.DisplayPath : compilerPath;
    }

    /// <summary>
    /// Reads the listed files and what they <c>#load</c> and <c>#r</c>; a <c>#load</c>-ed script that has a text in
    /// <paramref name="unsaved"/> (an editor's unsaved buffer, by full path) is that text instead of the file on disk.
    /// </summary>
    public static ScriptSources Gather(IReadOnlyList<LfSourceFile> files, IReadOnlyDictionary<string, string>? unsaved = null)
    {
        var texts = new List<ScriptText>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in files)
        {
            var full = Normalize(f.Path);
            if (seen.Add(full)) texts.Add(new ScriptText(full, f.Path, f.Text, Listed: true));
        }
        var references = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < texts.Count; i++)
        {
            var folder = Path.GetDirectoryName(texts[i].FullPath) ?? ".";
            foreach (Match m in DirectiveRegex().Matches(texts[i].Text))
            {
                var target = Normalize(Path.Combine(folder, m.Groups["path"].Value));
                if (m.Groups["kind"].Value == "load")
                {
                    if (seen.Add(target) && (unsaved?.GetValueOrDefault(target) ?? TryRead(target)) is { } text)
                        texts.Add(new ScriptText(target, target, text, Listed: false));
                }
                else if (File.Exists(target)) references.Add(target);
            }
        }
        return new ScriptSources(texts, references.ToArray());
    }

    /// <summary>
    /// The cache key: hex SHA-256 of the format, the Snorkeler and Roslyn builds, the runtime, the class
    /// names, every script (path and text, #load-ed ones included) and every #r-ed file's content.
    /// </summary>
    public string Key(LabelSchema schema)
    {
        var b = new StringBuilder();
        b.Append(Format).Append('\n');
        b.Append(Mvid(typeof(ScriptSources).Assembly)).Append('\n');
        b.Append(Mvid(typeof(LabelingFunction).Assembly)).Append('\n');
        foreach (var a in typeof(ScriptSources).Assembly.GetReferencedAssemblies()
                     .Where(a => a.Name?.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) == true)
                     .OrderBy(a => a.Name, StringComparer.Ordinal))
            b.Append(a.FullName).Append('\n');
        b.Append(Environment.Version).Append('\n');
        b.Append(string.Join(",", schema.ClassNames)).Append('\n');
        b.Append(string.Join(",", Imports)).Append('\n');
        foreach (var t in Texts)
            b.Append(t.FullPath).Append('\n').Append(t.Text.Length).Append('\n').Append(t.Text).Append('\n');
        foreach (var r in References)
        {
            string hash;
            try
            {
                hash = IO.FileHash.Sha256(r);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                hash = "unreadable " + Guid.NewGuid(); // never a hit; the compiler reports the file
            }
            b.Append(r).Append('\n').Append(hash).Append('\n');
        }
        return LabelingFunction.Hash(b.ToString());
    }

    /// <summary>
    /// Where a call to <paramref name="method"/> (<c>Lf</c>, <c>Labels</c>) on a line of a script is: the
    /// compiler gives the file and line, the column is that of the method name on the line (1 when not found).
    /// </summary>
    public SourceLocation Locate(string compilerPath, int line, string method)
    {
        var full = Normalize(compilerPath);
        var column = 1;
        if (ByFullPath.TryGetValue(full, out var t) && line >= 1)
        {
            var lines = t.Text.Split('\n');
            if (line <= lines.Length && Regex.Match(lines[line - 1], $@"\b{method}\s*\(") is { Success: true } m) column = m.Index + 1;
        }
        return new SourceLocation(DisplayPath(full), line, column, method.Length);
    }

    /// <summary>
    /// Errors for fields read by a literal name (<c>row.Text("txt")</c>) that the data does not have, one per field,
    /// at its first use: reading a missing column throws, so apply would fail on the first row that reaches the read.
    /// The check is textual, so it sees every <c>.Text("...")</c>, <c>.Span</c>, <c>.IsMissing</c> and <c>.Number</c>
    /// call outside a <c>//</c> comment line.
    /// </summary>
    public IEnumerable<Diagnostic> UnknownFields(Data.DataSchema columns, Loading.DataHints? data = null)
    {
        var uses = new List<(string Name, SourceLocation At)>();
        foreach (var t in Texts)
        {
            var lines = t.Text.Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                if (lines[i].TrimStart().StartsWith("//", StringComparison.Ordinal)) continue;
                foreach (Match m in FieldRegex().Matches(lines[i]))
                {
                    var name = m.Groups["name"];
                    if (columns.IndexOf(name.Value) < 0) uses.Add((name.Value, new SourceLocation(t.DisplayPath, i + 1, name.Index, name.Length + 2)));
                }
            }
        }
        var read = uses.Count > 0 ? FieldNames() : [];
        foreach (var field in uses.GroupBy(u => u.Name, StringComparer.Ordinal))
            yield return new Diagnostic(ScriptCodes.UnknownField, DiagnosticSeverity.Error, ScriptCodes.UnknownFieldMessage(field.Key, columns, field.Count(), data, read), field.First().At);
    }

    /// <summary>The fields the scripts read by a literal name (<c>row.Text("text")</c>), in order of first use.</summary>
    public IReadOnlyList<string> FieldNames()
        => Texts.SelectMany(t => FieldRegex().Matches(t.Text).Select(m => m.Groups["name"].Value)).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>A #load-ed file's text, or null when it is not a regular file of at most <see cref="Loading.LfProject.MaxFileBytes"/> or cannot be read (the compiler then reports it).</summary>
    private static string? TryRead(string path)
    {
        try { return IO.InputFile.Stat(path).Kind == IO.FileKind.Regular ? IO.InputFile.ReadAllText(path, Loading.LfProject.MaxFileBytes, "a script") : null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SnorkelerException) { return null; }
    }

    /// <summary>A full, normalized path: the form used as key everywhere.</summary>
    public static string Normalize(string path) => Path.GetFullPath(path);

    private static string Mvid(Assembly a) => a.ManifestModule.ModuleVersionId.ToString("N");

    [GeneratedRegex(@"^[ \t]*#(?<kind>load|r)[ \t]+""(?<path>[^""]+)""", RegexOptions.Multiline)]
    private static partial Regex DirectiveRegex();

    [GeneratedRegex(@"\.\s*(?:Text|Span|IsMissing|Number)\s*\(\s*""(?<name>[^""\\]*)""")]
    private static partial Regex FieldRegex();
}
