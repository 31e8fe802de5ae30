using System.Text.RegularExpressions;

namespace Snorkeler.Cli.Tests;

/// <summary>
/// The SNK codes the code can emit and the codes the user docs explain are one set: a code added without a word in the
/// docs, or a documented code no longer emitted, fails here.
/// </summary>
public partial class DiagnosticCodeDocsTests
{
    [GeneratedRegex(@"SNK\d{4}")]
    private static partial Regex Code();

    /// <summary>
    /// The codes in the source outside comments (a comment names ranges such as SNK0600-SNK0699, which are no codes), by
    /// the first file that has each.
    /// </summary>
    private static Dictionary<string, string> CodesInSource()
    {
        var codes = new Dictionary<string, string>(StringComparer.Ordinal);
        var src = TestPaths.InRepo("src");
        foreach (var file in Directory.EnumerateFiles(src, "*.*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(src, file).Replace('\\', '/');
            if (relative.Split('/').Any(part => part is "bin" or "obj") || Path.GetExtension(file) is not (".cs" or ".js" or ".html")) continue;
            foreach (var line in File.ReadLines(file))
                if (!line.TrimStart().StartsWith("//", StringComparison.Ordinal) && !line.TrimStart().StartsWith('*'))
                    foreach (Match m in Code().Matches(line)) codes.TryAdd(m.Value, relative);
        }
        return codes;
    }

    /// <summary>The docs' lines that name a code, with the file they are in.</summary>
    private static IEnumerable<(string File, string Line)> DocLines()
        => Directory.EnumerateFiles(TestPaths.InRepo("docs"), "*.md").Order(StringComparer.Ordinal)
            .SelectMany(f => File.ReadLines(f).Where(l => Code().IsMatch(l)).Select(l => (Path.GetFileName(f), l)));

    [Fact]
    public void Every_code_the_source_can_emit_is_named_in_the_docs()
    {
        // Given
        var documented = DocLines().SelectMany(d => Code().Matches(d.Line).Select(m => m.Value)).ToHashSet(StringComparer.Ordinal);

        // When
        var undocumented = CodesInSource().Where(c => !documented.Contains(c.Key)).Select(c => $"{c.Key} ({c.Value})").Order(StringComparer.Ordinal);

        // Then (SNK0903 and SNK0904 were only inside the range 'SNK0901-SNK0907' of docs/rules.md)
        undocumented.ShouldBeEmpty();
    }

    [Fact]
    public void Every_code_the_docs_name_is_in_the_source_unless_the_docs_mark_it_reserved_or_retired()
    {
        // Given
        var emitted = CodesInSource();

        // When
        var unknown = DocLines()
            .Where(d => !d.Line.Contains("reserved", StringComparison.OrdinalIgnoreCase) && !d.Line.Contains("retired", StringComparison.OrdinalIgnoreCase))
            .SelectMany(d => Code().Matches(d.Line).Select(m => $"{m.Value} ({d.File})"))
            .Where(c => !emitted.ContainsKey(c[..7])).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);

        // Then
        unknown.ShouldBeEmpty();
    }
}
