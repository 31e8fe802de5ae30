using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Emit;
using Microsoft.CodeAnalysis.Scripting;
using Snorkeler.Data;
using Snorkeler.Text;

namespace Snorkeler.Scripting;

/// <summary>A diagnostic as the cache stores it: the location's path is the compiler's full path.</summary>
internal sealed record StoredDiagnostic(string Code, bool IsError, string Message, string? Path, int Line, int Column, int Length)
{
    public Diagnostic ToDiagnostic(ScriptSources sources)
        => new(Code, IsError ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning, Message,
            Path is null ? null : new SourceLocation(sources.DisplayPath(Path), Line, Column, Length));
}

/// <summary>
/// The compiled scripts: an assembly image (and its portable PDB), the submission's factory method, where the
/// compiled text has columns the scripts as written do not (<see cref="ScriptRewriter"/>), and what each listed script holds.
/// </summary>
internal sealed record CompiledScripts(string TypeName, string MethodName, byte[] Image, byte[]? Pdb, IReadOnlyList<StoredDiagnostic> Warnings,
    IReadOnlyList<ColumnShift> Shifts, IReadOnlyList<ScriptContent> Contents);

/// <summary>
/// Compiles all scripts of a run as ONE Roslyn script submission: a generated prelude <c>#load</c>s every
/// listed script (so each keeps its own syntax tree, path, lines and columns; no <c>#line</c> mapping is
/// needed) and declares the class constants. The only type this file shares with the cache-hit path is
/// <see cref="CompiledScripts"/>, so a cache hit never loads the compiler.
/// </summary>
internal static partial class ScriptCompiler
{
    /// <summary>The generated prelude's file name (in the LF root; never written to disk).</summary>
    public const string PreludeName = "snorkeler-prelude.g.csx";

    /// <param name="sources">The scripts.</param>
    /// <param name="schema">The classes, compiled in as constants.</param>
    /// <param name="declaredAt">Where a script declares the classes, for messages about a label naming none; null when they come from elsewhere.</param>
    /// <param name="root">The LF root, where the prelude is placed.</param>
    public static (CompiledScripts? Compiled, IReadOnlyList<StoredDiagnostic> Diagnostics) Compile(ScriptSources sources, LabelSchema schema, SourceLocation? declaredAt, string root)
    {
        var prelude = Prelude(sources, schema);
        var preludePath = Path.Combine(ScriptSources.Normalize(root), PreludeName);
        var compilation = Compilation(prelude, preludePath, sources, guarded: null);

        // Diagnostics come from the scripts as written, so every line and column is the user's.
        var diagnostics = compilation.GetDiagnostics()
            .Where(d => d.Severity is Microsoft.CodeAnalysis.DiagnosticSeverity.Error or Microsoft.CodeAnalysis.DiagnosticSeverity.Warning && !d.IsSuppressed)
            .Select(d => Store(d, schema, declaredAt, sources))
            .ToList();
        if (!diagnostics.Any(d => d.IsError)) diagnostics.AddRange(FailFastCalls(compilation).Concat(TopLevelReturns(compilation)));
        diagnostics = InOrder(diagnostics.Distinct());
        if (diagnostics.Any(d => d.IsError)) return (null, Capped(NotScriptsLoaded(compilation, diagnostics, sources, preludePath)));

        // The code that runs is rewritten (stack guards, progress marks); it compiles whenever the scripts as written do.
        var rewritten = compilation.SyntaxTrees
            .Select(t => (Tree: t, Path: ScriptSources.Normalize(t.FilePath)))
            .Where(t => sources.ByFullPath.ContainsKey(t.Path))
            .Select((t, i) => (t.Path, Code: ScriptRewriter.Rewrite(t.Tree, compilation.GetSemanticModel(t.Tree), t.Path, i)))
            .ToList();
        var guarded = rewritten.ToDictionary(r => r.Path, r => r.Code.Text, StringComparer.Ordinal);
        var emitted = Compilation(prelude, preludePath, sources, guarded);
        using var image = new MemoryStream();
        using var pdb = new MemoryStream();
        var result = emitted.Emit(image, pdb, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.PortablePdb));
        if (!result.Success)
            throw new InvalidOperationException("the rewritten scripts do not compile: " + string.Join("; ", result.Diagnostics.Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error)));

        var entry = emitted.GetEntryPoint(CancellationToken.None)
            ?? throw new InvalidOperationException("a script compilation has a factory entry point");
        var contents = compilation.SyntaxTrees
            .Select(t => (Tree: t, Path: ScriptSources.Normalize(t.FilePath)))
            .Where(t => sources.ByFullPath.TryGetValue(t.Path, out var text) && text.Listed)
            .Select(t => ScriptContentReader.Of(t.Tree, t.Path))
            .ToArray();
        return (new CompiledScripts(entry.ContainingType.MetadataName, entry.MetadataName, image.ToArray(), pdb.ToArray(), diagnostics,
            rewritten.SelectMany(r => r.Code.Shifts).ToArray(), contents), diagnostics);
    }

    /// <summary>The scripts' compilation; with <paramref name="guarded"/>, the scripts' texts are those (by full path).</summary>
    private static Compilation Compilation(string prelude, string preludePath, ScriptSources sources, IReadOnlyDictionary<string, string>? guarded)
    {
        var folder = Path.GetDirectoryName(preludePath)!;
        var options = ScriptOptions.Default
            .WithFilePath(preludePath)
            .WithFileEncoding(Encoding.UTF8)
            .AddReferences(typeof(DataRow).Assembly, typeof(ScriptGlobals).Assembly, typeof(Regex).Assembly, typeof(Enumerable).Assembly)
            .WithImports(ScriptSources.Imports)
            .WithSourceResolver(new ScriptSourceResolver(sources, folder, guarded))
            .WithMetadataResolver(new RegularFilesOnly(ScriptMetadataResolver.Default.WithBaseDirectory(folder)))
            .WithOptimizationLevel(OptimizationLevel.Release)
            .WithEmitDebugInformation(true)
            .WithAllowUnsafe(false);
        return CSharpScript.Create(prelude, options, typeof(ScriptGlobals)).GetCompilation();
    }

    /// <summary>
    /// <c>#load</c> of every listed script (they must come before any code), then the constants:
    /// <c>const int ABSTAIN = -1; const int HAM = 0; ...</c>. Script-level constants are members of the
    /// submission, so every loaded file sees them.
    /// </summary>
    private static string Prelude(ScriptSources sources, LabelSchema schema)
    {
        var b = new StringBuilder();
        foreach (var t in sources.Listed) b.Append("#load \"").Append(t.FullPath).Append("\"\n");
        b.Append("const int ").Append(LabelSchema.AbstainName).Append(" = ").Append(LabelSchema.Abstain).Append(";\n");
        for (var i = 0; i < schema.Cardinality; i++)
        {
            var name = schema.ClassNames[i];
            if (!SyntaxFacts.IsValidIdentifier(name)) continue; // "0", "not spam": scripts use the number
            var keyword = SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) != SyntaxKind.None;
            b.Append("const int ").Append(keyword ? "@" : "").Append(name).Append(" = ").Append(i).Append(";\n");
        }
        return b.ToString();
    }

    /// <summary>The most errors listed for one file; a file with more is not what its author thinks it is, or has one early slip.</summary>
    internal const int MaxErrorsPerFile = 20;

    /// <summary>
    /// The errors of a file that a script <c>#load</c>s and that is not a script (<c>#load "/etc/passwd"</c>, a <c>.txt</c>),
    /// hundreds as Roslyn reads it as C#, replaced by one error at each <c>#load</c> of it. A file named <c>.csx</c> or
    /// <c>.cs</c> keeps its errors: it is meant as C#.
    /// </summary>
    private static List<StoredDiagnostic> NotScriptsLoaded(Compilation compilation, List<StoredDiagnostic> diagnostics, ScriptSources sources, string preludePath)
    {
        var notScripts = compilation.SyntaxTrees
            .Select(t => ScriptSources.Normalize(t.FilePath))
            .Where(p => p != preludePath && !(sources.ByFullPath.TryGetValue(p, out var listed) && listed.Listed)
                && !p.EndsWith(".csx", StringComparison.OrdinalIgnoreCase) && !p.EndsWith(".cs", StringComparison.OrdinalIgnoreCase))
            .ToHashSet(StringComparer.Ordinal);
        var errors = diagnostics.Where(d => d.IsError && d.Path is not null && notScripts.Contains(ScriptSources.Normalize(d.Path)))
            .GroupBy(d => ScriptSources.Normalize(d.Path!), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        if (errors.Count == 0) return diagnostics;
        var result = diagnostics.Where(d => d.Path is null || !errors.ContainsKey(ScriptSources.Normalize(d.Path))).ToList();
        foreach (var tree in compilation.SyntaxTrees)
        {
            var folder = Path.GetDirectoryName(tree.FilePath) ?? "";
            foreach (var load in tree.GetCompilationUnitRoot().GetLoadDirectives())
            {
                string target;
                try { target = ScriptSources.Normalize(Path.Combine(folder, load.File.ValueText)); }
                catch (ArgumentException) { continue; }
                if (!errors.TryGetValue(target, out var theirs)) continue;
                var span = load.File.GetLocation().GetMappedLineSpan();
                var first = theirs[0];
                result.Add(new StoredDiagnostic(ScriptCodes.LoadNotScript, true, ScriptCodes.LoadNotScriptMessage(load.File.ValueText, theirs.Count, first.Line, first.Column, first.Message),
                    span.Path, span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1, load.File.Span.Length));
            }
        }
        return InOrder(result);
    }

    /// <summary>Diagnostics in the order they are reported: by file, line, column, then code.</summary>
    private static List<StoredDiagnostic> InOrder(IEnumerable<StoredDiagnostic> diagnostics)
        => diagnostics.OrderBy(d => d.Path, StringComparer.Ordinal).ThenBy(d => d.Line).ThenBy(d => d.Column).ThenBy(d => d.Code, StringComparer.Ordinal).ToList();

    /// <summary>
    /// At most <see cref="MaxErrorsPerFile"/> errors of each file, and for a file with more, one more saying how many
    /// were left out: a person fixes the first ones, on which the later ones often follow.
    /// </summary>
    private static List<StoredDiagnostic> Capped(List<StoredDiagnostic> diagnostics)
    {
        var result = new List<StoredDiagnostic>(diagnostics.Count);
        foreach (var file in diagnostics.GroupBy(d => d.Path, StringComparer.Ordinal))
        {
            var errors = file.Count(d => d.IsError);
            var kept = 0;
            foreach (var d in file)
            {
                if (d.IsError && ++kept > MaxErrorsPerFile)
                {
                    if (kept == MaxErrorsPerFile + 1)
                        result.Add(d with { Code = ScriptCodes.TooManyErrors, Message = ScriptCodes.TooManyErrorsMessage(errors, MaxErrorsPerFile), Length = 0 });
                    continue;
                }
                result.Add(d);
            }
        }
        return result;
    }

    /// <summary>
    /// Calls of <c>Environment.FailFast</c> and <c>Environment.Exit</c>. FailFast kills the process before any handler
    /// runs, so the only place to report it is here. Exit runs the CLI's exit handler, which can only say that the run
    /// ended, not where; and in the studio, which runs the scripts on every edit, typing it ended the studio. (Called
    /// another way, through reflection, Exit still gets the CLI's message.)
    /// </summary>
    private static IEnumerable<StoredDiagnostic> FailFastCalls(Compilation compilation)
    {
        foreach (var tree in compilation.SyntaxTrees)
        {
            var text = tree.GetText().ToString();
            if (!text.Contains("FailFast", StringComparison.Ordinal) && !text.Contains("Exit", StringComparison.Ordinal)) continue;
            var model = compilation.GetSemanticModel(tree);
            foreach (var call in tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax>())
            {
                if (model.GetSymbolInfo(call).Symbol is not IMethodSymbol { Name: "FailFast" or "Exit" } method
                    || method.ContainingType.ToDisplayString() != "System.Environment") continue;
                var span = call.GetLocation().GetMappedLineSpan();
                yield return new StoredDiagnostic(ScriptCodes.FailFast, true, method.Name == "Exit" ? ScriptCodes.ExitMessage : ScriptCodes.FailFastMessage, span.Path,
                    span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1, call.Span.Length);
            }
        }
    }

    /// <summary>
    /// <c>return</c> statements of the scripts' top-level code (not inside a lambda, local function or method). Every
    /// script is <c>#load</c>-ed into one submission, so such a return ended the scripts after it too, whose LFs were
    /// then missing without an error.
    /// </summary>
    private static IEnumerable<StoredDiagnostic> TopLevelReturns(Compilation compilation)
    {
        foreach (var tree in compilation.SyntaxTrees)
        {
            if (!tree.GetText().ToString().Contains("return", StringComparison.Ordinal)) continue;
            foreach (var statement in tree.GetRoot().ChildNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.GlobalStatementSyntax>())
            {
                if (statement.Statement is Microsoft.CodeAnalysis.CSharp.Syntax.LocalFunctionStatementSyntax) continue;
                var returns = statement.DescendantNodesAndSelf(n => n is not (Microsoft.CodeAnalysis.CSharp.Syntax.AnonymousFunctionExpressionSyntax
                        or Microsoft.CodeAnalysis.CSharp.Syntax.LocalFunctionStatementSyntax))
                    .OfType<Microsoft.CodeAnalysis.CSharp.Syntax.ReturnStatementSyntax>();
                foreach (var r in returns)
                {
                    var span = r.GetLocation().GetMappedLineSpan();
                    yield return new StoredDiagnostic(ScriptCodes.TopLevelReturn, true, ScriptCodes.TopLevelReturnMessage, span.Path,
                        span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1, r.Span.Length);
                }
            }
        }
    }

    private static StoredDiagnostic Store(Microsoft.CodeAnalysis.Diagnostic d, LabelSchema schema, SourceLocation? declaredAt, ScriptSources sources)
    {
        var isError = d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error;
        var code = d.Id;
        // Roslyn quotes the files it names (#load, #r) as they are: a tab in such a name is '\t', as in the location.
        var message = ScriptCodes.WithoutSubmission(d.GetMessage(CultureInfo.InvariantCulture)).Replace("\t", "\\t", StringComparison.Ordinal);
        if (!d.Location.IsInSource) return new StoredDiagnostic(code, isError, message, null, 0, 0, 0);
        var span = d.Location.GetMappedLineSpan();
        var length = span.StartLinePosition.Line == span.EndLinePosition.Line ? span.EndLinePosition.Character - span.StartLinePosition.Character : 0;
        if (code == "CS0006" && d.Location.SourceTree is { } referencing
            && NuGetRegex().IsMatch(referencing.GetText().ToString(d.Location.SourceSpan)))
        {
            code = ScriptCodes.NuGetReference;
            message = ScriptCodes.NuGetReferenceMessage;
        }
        if (code == "CS0103" && d.Location.SourceTree is { } tree)
        {
            var name = tree.GetText().ToString(d.Location.SourceSpan);
            if (UnknownLabel(name, schema) is { Count: > 0 } meant)
            {
                code = ScriptCodes.UnknownLabel;
                var declared = declaredAt is null ? null : LabelMessages.Place(declaredAt, sources.DisplayPath(span.Path));
                message = ScriptCodes.UnknownLabelMessage(name, meant, schema, declared);
            }
            else if (LooksLikeClass(name)) message = ScriptCodes.NotAClassHint(message, name, schema);
        }
        // A bracket left open on an earlier line: the error goes to it, saying where Roslyn stopped looking.
        if (UnclosedBracket.MayBe(code) && UnclosedBracket.Of(d) is { } open
            && open.GetLocation().GetMappedLineSpan() is var opened && opened.StartLinePosition.Line < span.StartLinePosition.Line)
        {
            message = ScriptCodes.NeverClosed(message, open.Text, span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1);
            span = opened;
            length = open.Span.Length;
        }
        return new StoredDiagnostic(code, isError, message, span.Path, span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1, length);
    }

    /// <summary>
    /// The classes a missing name was probably meant to be: for an upper-case name (how classes are written) those
    /// within typo distance of it (ABSTAIN among them), as near as the nearest; for any name, the one equal to it but for
    /// case (<c>spam</c>). Empty when none.
    /// </summary>
    private static IReadOnlyList<string> UnknownLabel(string name, LabelSchema schema)
    {
        var candidates = schema.ClassNames.Append(LabelSchema.AbstainName).ToArray();
        var exact = candidates.FirstOrDefault(c => string.Equals(c, name, StringComparison.OrdinalIgnoreCase));
        if (exact is not null) return [exact];
        return LooksLikeClass(name) ? LabelMessages.Meant(name, candidates) : [];
    }

    /// <summary>A name written as the class constants are: in capitals.</summary>
    private static bool LooksLikeClass(string name) => name == name.ToUpperInvariant() && name.Any(char.IsLetter);

    [GeneratedRegex(@"^#r\s*""\s*nuget:", RegexOptions.IgnoreCase)]
    private static partial Regex NuGetRegex();

    /// <summary>
    /// <c>#r</c> resolved as Roslyn does, but only to regular files: opening a FIFO would block the compiler
    /// forever (a path that is not a regular file reads as not found).
    /// </summary>
    private sealed class RegularFilesOnly(MetadataReferenceResolver inner) : MetadataReferenceResolver
    {
        private MetadataReferenceResolver Inner => inner;

        public override bool ResolveMissingAssemblies => inner.ResolveMissingAssemblies;

        public override System.Collections.Immutable.ImmutableArray<PortableExecutableReference> ResolveReference(string reference, string? baseFilePath, MetadataReferenceProperties properties)
        {
            var found = inner.ResolveReference(reference, baseFilePath, properties);
            return found.Any(r => r.FilePath is { } path && IO.InputFile.Stat(path).Kind != IO.FileKind.Regular) ? [] : found;
        }

        public override PortableExecutableReference? ResolveMissingAssembly(MetadataReference definition, AssemblyIdentity referenceIdentity)
            => inner.ResolveMissingAssembly(definition, referenceIdentity);

        public override bool Equals(object? other) => other is RegularFilesOnly o && inner.Equals(o.Inner);

        public override int GetHashCode() => inner.GetHashCode();
    }

    /// <summary>Serves the scripts' texts as given to the loader (not re-read from disk), or their guarded forms; other <c>#load</c>s from disk.</summary>
    private sealed class ScriptSourceResolver(ScriptSources sources, string baseDirectory, IReadOnlyDictionary<string, string>? guarded) : SourceReferenceResolver
    {
        private readonly SourceFileResolver _files = new([], baseDirectory);

        public override string? NormalizePath(string path, string? baseFilePath) => _files.NormalizePath(path, baseFilePath);

        public override string? ResolveReference(string path, string? baseFilePath)
        {
            var folder = baseFilePath is null ? baseDirectory : Path.GetDirectoryName(baseFilePath) ?? baseDirectory;
            var full = ScriptSources.Normalize(Path.Combine(folder, path));
            return sources.ByFullPath.ContainsKey(full) ? full : _files.ResolveReference(path, baseFilePath);
        }

        public override Stream OpenRead(string resolvedPath)
            => sources.ByFullPath.TryGetValue(ScriptSources.Normalize(resolvedPath), out var t)
                ? new MemoryStream(Encoding.UTF8.GetBytes(guarded?.GetValueOrDefault(t.FullPath) ?? t.Text), writable: false)
                : IO.InputFile.Stat(resolvedPath).Kind == IO.FileKind.Regular ? _files.OpenRead(resolvedPath) : throw new IOException(IO.InputFile.NotRegularMessage);

        public override bool Equals(object? other) => ReferenceEquals(this, other);

        public override int GetHashCode() => baseDirectory.GetHashCode(StringComparison.Ordinal);
    }
}
