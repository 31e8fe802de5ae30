using Snorkeler.Dsl.Compilation;
using Snorkeler.Dsl.Semantics;
using Snorkeler.Dsl.Syntax;
using Snorkeler.Loading;

namespace Snorkeler.Dsl;

/// <summary>
/// Loads <c>.rules</c> files: parses them, checks them against the declared classes (and the data's
/// columns when known), and compiles each <c>lf</c> to a <see cref="LabelingFunction"/>. All rule files
/// of a run share one <c>labels</c> declaration; files without one use it.
/// </summary>
public sealed partial class RulesLoader : ILfLoader, IFileReferences
{
    [System.Text.RegularExpressions.GeneratedRegex("\r(?!\n)")]
    private static partial System.Text.RegularExpressions.Regex LoneCarriageReturn();

    /// <inheritdoc />
    public string Extension => ".rules";

    /// <summary>
    /// The keyword lists <paramref name="file"/> reads: each <c>let NAME = lines("file")</c> that parses (a <c>lines</c>
    /// elsewhere is an error, SNK0206, and reads nothing).
    /// </summary>
    public IReadOnlyList<FileReference> References(LfSourceFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        // Read as Load reads it: without a byte-order mark, whose character the offsets count again here.
        var mark = file.Text.StartsWith('\uFEFF') ? 1 : 0;
        var text = file.Text[mark..];
        var parsed = RulesParser.TryParse(file.Path, text.Contains('\r') ? LoneCarriageReturn().Replace(text, "\n") : text);
        var references = new List<FileReference>();
        foreach (var item in parsed.File.Items)
        {
            if (item is not LetDeclaration { Value: Call { Function.Text: "lines", Arguments: [TextLiteral literal] } }) continue;
            string full;
            try { full = Path.GetFullPath(Path.Combine(file.Folder, literal.Value)); }
            catch (Exception e) when (e is ArgumentException or NotSupportedException) { continue; }
            var span = literal.Span;
            references.Add(new FileReference(span.In(file.Path), span.Offset + mark, span.Length, literal.Value, full));
        }
        return references;
    }

    /// <summary>A rule's text literal naming <paramref name="path"/>: in double quotes, escaped as the parser reads it back (<see cref="Text.RuleLiteral"/>).</summary>
    public string Literal(string path) => Text.RuleLiteral.Of(Guard.NotNull(path));

    /// <inheritdoc />
    public LfSet Load(IReadOnlyList<LfSourceFile> files, LfLoadContext context)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(context);
        var diagnostics = new List<Diagnostic>();
        // Plain loops and sorts here and in RuleFields: in a native build each LINQ operator applied to another's result
        // (Select after OrderBy or OfType, ThenBy) is a generic virtual call resolved at run time, ~0.5 ms of every
        // start that loads rules (docs/benchmarks.md, eighth pass).
        var inPathOrder = files.Select((f, k) => (File: f, Index: k)).ToList();
        inPathOrder.Sort((a, b) => StringComparer.Ordinal.Compare(a.File.Path, b.File.Path) is var c && c != 0 ? c : a.Index.CompareTo(b.Index));
        var parsed = new List<RulesFile>(inPathOrder.Count);
        foreach (var (f, _) in inPathOrder)
        {
            // A lone CR ends a line too (old Mac files); replacing it with LF keeps every offset, line and column. A
            // byte-order mark (text not read through a decoder, such as an editor's unsaved buffer) is not part of the
            // file, as a decoder would drop it and editors do not show it: columns of line 1 count from after it.
            var text = f.Text.StartsWith('\uFEFF') ? f.Text[1..] : f.Text;
            var result = RulesParser.TryParse(f.Path, text.Contains('\r') ? LoneCarriageReturn().Replace(text, "\n") : text);
            diagnostics.AddRange(result.Diagnostics);
            if (result.File.Items.Count == 0 && result.Diagnostics.Count == 0) diagnostics.Add(RuleMessages.EmptyFile(f.Path));
            parsed.Add(result.File);
        }

        var schema = DeclaredSchema(parsed, diagnostics, out var declared) ?? context.Schema;
        // A labels line that failed to parse or validate has its own diagnostic; "no classes declared" on every LF would only repeat it.
        var labelsAttempted = parsed.Any(f => RulesParser.ItemStarts(f.Text).Any(s => string.CompareOrdinal(f.Text, s.Offset, "labels", 0, 6) == 0));

        var functions = new List<LabelingFunction>();
        var reads = new List<string>();
        var byName = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        var unknownFields = new List<UnknownFieldUse>();
        var unknownLabels = new List<UnknownLabelUse>();
        // The names known to be fields: the rules' and the data's columns.
        var ruleFields = RuleFields(parsed);
        var fieldNames = new HashSet<string>(ruleFields, StringComparer.Ordinal);
        fieldNames.UnionWith(context.DataColumns?.Names ?? []);
        var checkers = new List<Checker>(parsed.Count);
        foreach (var file in parsed)
        {
            var fileDiagnostics = new List<Diagnostic>();
            var checker = new Checker(file, schema, context.DataColumns, context.Root, fileDiagnostics, unknownLabels, reportNoLabels: !labelsAttempted, unknownFields, fieldNames, context.Unsaved);
            var checkedLfs = checker.Check();
            checkers.Add(checker);
            reads.AddRange(checker.Reads);
            foreach (var lf in file.Items.OfType<LfDeclaration>())
            {
                var here = lf.Name.Span.In(file.Path);
                if (!byName.TryAdd(lf.Name.Text, here))
                    fileDiagnostics.Add(RuleMessages.DuplicateLf(file.Path, lf.Name.Span, lf.Name.Text, byName[lf.Name.Text]));
            }
            diagnostics.AddRange(fileDiagnostics);
            var firstOfName = new HashSet<string>(StringComparer.Ordinal);
            foreach (var lf in checkedLfs)
            {
                if (byName[lf.Syntax.Name.Text] == lf.Syntax.Name.Span.In(file.Path) && firstOfName.Add(lf.Syntax.Name.Text))
                    functions.Add(Compiler.ToLabelingFunction(lf));
            }
        }
        // A field the data lacks is one mistake however often it is used (often a missing --column mapping): one error, at its first use.
        foreach (var uses in unknownFields.GroupBy(u => u.Name, StringComparer.Ordinal))
            diagnostics.Add(RuleMessages.UnknownField(uses.First(), uses.Count(), context.DataColumns!, context.Data, ruleFields));
        if (schema is not null) diagnostics.AddRange(UnknownLabels.Report(unknownLabels, schema, declared, parsed));
        foreach (var (file, checker) in parsed.Zip(checkers))
            foreach (var (let, list, at, lfs) in checker.EmptyKeywordFiles())
                diagnostics.Add(RuleMessages.EmptyKeywordFile(file.Path, at, list, let, lfs));
        // Decided last, once every error is known: an item with an error may not show every constant it reads.
        var withErrors = diagnostics.Where(d => d.IsError && d.Location is not null).Select(d => d.Location!.Path).ToHashSet(StringComparer.Ordinal);
        if (!diagnostics.Any(d => d.IsError && d.Location is null)) // an error of no file may concern any
            foreach (var (file, checker) in parsed.Zip(checkers))
            {
                if (withErrors.Contains(file.Path)) continue;
                foreach (var (let, usedBy) in checker.UnusedLets())
                    diagnostics.Add(RuleMessages.UnusedLet(file.Path, let.Name.Span, let.Name.Text, usedBy));
            }
        var ordered = RulesParser.InSourceOrder(diagnostics);
        return new LfSet(schema, functions, ordered, reads.Distinct(StringComparer.Ordinal).ToArray());
    }

    /// <summary>Loads rule text held in memory (for tests and tools): one file, data columns optional.</summary>
    public static LfSet LoadText(string path, string text, LabelSchema? schema = null, Data.DataSchema? dataColumns = null, string? root = null)
    {
        var folder = root ?? Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        return new RulesLoader().Load([new LfSourceFile(path, text)], new LfLoadContext(schema, dataColumns, folder));
    }

    /// <summary>The fields the rules read by name (in backticks, or bare and not a <c>let</c> of its file).</summary>
    private static HashSet<string> RuleFields(IReadOnlyList<RulesFile> files)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var lets = new HashSet<string>(StringComparer.Ordinal);
            var pending = new Stack<Expression>();
            foreach (var item in file.Items)
            {
                if (item is LetDeclaration let) lets.Add(let.Name.Text);
                else if (item is LfDeclaration lf)
                    foreach (var clause in lf.Clauses) pending.Push(clause.Condition);
            }
            while (pending.Count > 0)
            {
                switch (pending.Pop())
                {
                    case Reference r when r.Quoted || !lets.Contains(r.Name):
                        names.Add(r.Name);
                        break;
                    case Unary u: pending.Push(u.Operand); break;
                    case Binary b: pending.Push(b.Left); pending.Push(b.Right); break;
                    case Between b: pending.Push(b.Value); pending.Push(b.Low); pending.Push(b.High); break;
                    case IsMissing m: pending.Push(m.Value); break;
                    case Call c: foreach (var a in c.Arguments) pending.Push(a); break;
                    case ListLiteral l: foreach (var i in l.Items) pending.Push(i); break;
                }
            }
        }
        return names;
    }

    /// <summary>The classes of the run's first valid <c>labels</c> declaration; reports invalid and conflicting ones.</summary>
    private static LabelSchema? DeclaredSchema(IReadOnlyList<RulesFile> files, List<Diagnostic> diagnostics, out LabelsDeclared? declaration)
    {
        LabelSchema? schema = null;
        declaration = null;
        SourceLocation? schemaAt = null;
        foreach (var file in files)
        {
            SourceLocation? inThisFile = null;
            foreach (var labels in file.Items.OfType<LabelsDeclaration>())
            {
                var at = labels.Span.In(file.Path);
                if (inThisFile is not null)
                {
                    diagnostics.Add(RuleMessages.LabelsTwice(file.Path, labels.Span, inThisFile));
                    continue;
                }
                inThisFile = at;
                var declared = Validate(file.Path, labels, diagnostics);
                if (declared is null) continue;
                if (schema is null)
                {
                    schema = declared;
                    schemaAt = at;
                    declaration = new LabelsDeclared(file.Path, labels);
                }
                else if (!schema.Equals(declared))
                    diagnostics.Add(RuleMessages.ConflictingLabels(file.Path, labels.Span, declared, schemaAt!, schema));
            }
        }
        return schema;
    }

    private static LabelSchema? Validate(string path, LabelsDeclaration labels, List<Diagnostic> diagnostics)
    {
        var ok = true;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in labels.Classes)
        {
            if (name.Text == LabelSchema.AbstainName)
            {
                diagnostics.Add(RuleMessages.AbstainDeclared(path, name.Span));
                ok = false;
            }
            else if (!seen.Add(name.Text))
            {
                diagnostics.Add(RuleMessages.RepeatedLabel(path, name.Span, name.Text));
                ok = false;
            }
        }
        if (labels.Classes.Count < 2)
        {
            diagnostics.Add(RuleMessages.TooFewLabels(path, labels.Span, labels.Classes.Count));
            ok = false;
        }
        if (labels.Classes.Count > LabelSchema.MaxCardinality)
        {
            diagnostics.Add(RuleMessages.TooManyLabels(path, labels.Span, labels.Classes.Count));
            ok = false;
        }
        return ok ? new LabelSchema(labels.Classes.Select(c => c.Text)) : null;
    }
}
