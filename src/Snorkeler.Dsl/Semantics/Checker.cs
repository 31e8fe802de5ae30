using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Snorkeler.Data;
using Snorkeler.Dsl.Syntax;
using Snorkeler.IO;

namespace Snorkeler.Dsl.Semantics;

/// <summary>A use of a field the data does not have: reported once per field by the loader, at its first use.</summary>
/// <param name="Name">The field.</param>
/// <param name="Path">The rule file.</param>
/// <param name="Span">Where it is used.</param>
/// <param name="Lets">The <c>let</c> constants visible there (a misspelt constant reads as a field).</param>
internal sealed record UnknownFieldUse(string Name, string Path, TextSpan Span, IReadOnlyList<string> Lets);

/// <summary>A <c>label</c> naming a class not declared: reported by the loader, which sees every use and the declaration.</summary>
/// <param name="Name">The class as written.</param>
/// <param name="Path">The rule file.</param>
/// <param name="Span">Where it is written.</param>
internal sealed record UnknownLabelUse(string Name, string Path, TextSpan Span);

/// <summary>A built-in function: parameter types and result type.</summary>
internal sealed record FunctionInfo(string Name, RuleType[] Parameters, RuleType Result, string Summary);

/// <summary>
/// Resolves and type-checks the items of one file: labels, <c>let</c> constants, fields, functions,
/// operator operands and regexes. Reports every problem it finds and keeps going.
/// </summary>
internal sealed partial class Checker
{
    /// <summary>A line break with the indentation around it (a condition written over several lines reads as one).</summary>
    [GeneratedRegex(@"[ \t]*\r?\n[ \t]*")]
    private static partial Regex LineBreaks();

    public static readonly IReadOnlyDictionary<string, FunctionInfo> Functions = new[]
    {
        new FunctionInfo("lower", [RuleType.Text], RuleType.Text, "the text in lower case (invariant culture)"),
        new FunctionInfo("upper", [RuleType.Text], RuleType.Text, "the text in upper case (invariant culture)"),
        new FunctionInfo("trim", [RuleType.Text], RuleType.Text, "the text without leading and trailing white space"),
        new FunctionInfo("length", [RuleType.Text], RuleType.Number, "the number of characters (Unicode code points)"),
        new FunctionInfo("word_count", [RuleType.Text], RuleType.Number, "the number of white-space separated words, like Python's len(s.split())"),
        new FunctionInfo("starts_with", [RuleType.Text, RuleType.Text], RuleType.Bool, "true when the text starts with the prefix, ignoring case"),
        new FunctionInfo("ends_with", [RuleType.Text, RuleType.Text], RuleType.Bool, "true when the text ends with the suffix, ignoring case"),
        new FunctionInfo("count", [RuleType.Text, RuleType.Text], RuleType.Number, "non-overlapping occurrences of the second text in the first, ignoring case"),
        new FunctionInfo("number", [RuleType.Text], RuleType.Number, "the text read as a number (invariant culture); missing when it is not one"),
        new FunctionInfo("lines", [RuleType.Text], RuleType.TextList, "the lines of a keyword file next to the rule file (only in 'let')"),
    }.ToDictionary(f => f.Name, StringComparer.Ordinal);

    private readonly RulesFile _file;
    private readonly LabelSchema? _schema;
    private readonly DataSchema? _columns;
    private readonly string _root;
    private readonly List<Diagnostic> _diagnostics;
    private readonly Dictionary<string, LetDeclaration> _allLets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BoundConstant> _lets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _letHashText = new(StringComparer.Ordinal);
    /// <summary>For each <c>let</c> used, the <c>let</c> constants that use it; null among them stands for an LF.</summary>
    private readonly Dictionary<string, HashSet<string?>> _letUsers = new(StringComparer.Ordinal);
    /// <summary>For each <c>let</c> used by an LF, the LFs that use it directly.</summary>
    private readonly Dictionary<string, SortedSet<string>> _letLfs = new(StringComparer.Ordinal);
    /// <summary>The <c>let</c> constants read from a keyword file that holds no keyword: the constant, the file as written, where it is named.</summary>
    private readonly List<(string Let, string File, TextSpan At)> _emptyKeywordFiles = [];

    // State of the item being checked.
    private string? _let;
    private string? _lf;
    private List<string> _fields = [];
    private List<TextSpan> _fieldSpans = [];
    private SortedSet<string> _usedLets = new(StringComparer.Ordinal);
    private bool _noLabelsReported;
    private bool _invalid;

    private readonly List<UnknownFieldUse>? _unknownFields;
    private readonly List<UnknownLabelUse> _unknownLabels;
    private readonly IReadOnlySet<string> _fieldNames;

    /// <param name="file">The parsed file.</param>
    /// <param name="schema">The classes.</param>
    /// <param name="columns">The data's columns, when known.</param>
    /// <param name="root">The LF folder.</param>
    /// <param name="diagnostics">Receives the diagnostics.</param>
    /// <param name="reportNoLabels">Report a missing <c>labels</c> declaration (once).</param>
    /// <param name="unknownFields">Receives uses of fields the data lacks, to be reported once per field; when null they are reported at each use.</param>
    /// <param name="fieldNames">Names known to be fields (the data's columns, the fields the rule files read), for the warning on a field name in quotes.</param>
    /// <param name="unknownLabels">Receives the uses of classes not declared, for the loader to report.</param>
    /// <param name="unsaved">An editor's unsaved keyword lists by full path, read instead of the files; null: every list is read from disk.</param>
    public Checker(RulesFile file, LabelSchema? schema, DataSchema? columns, string root, List<Diagnostic> diagnostics, List<UnknownLabelUse> unknownLabels,
        bool reportNoLabels = true, List<UnknownFieldUse>? unknownFields = null, IReadOnlySet<string>? fieldNames = null, IReadOnlyDictionary<string, string>? unsaved = null)
    {
        _unsaved = unsaved;
        _unknownLabels = unknownLabels;
        _fieldNames = fieldNames ?? new HashSet<string>(columns?.Names ?? [], StringComparer.Ordinal);
        _unknownFields = unknownFields;
        _noLabelsReported = !reportNoLabels;
        _file = file;
        _schema = schema;
        _columns = columns;
        _root = Path.GetFullPath(root);
        _diagnostics = diagnostics;
    }

    /// <summary>An editor's unsaved keyword lists by full path (<see cref="Loading.LfLoadContext.Unsaved"/>).</summary>
    private readonly IReadOnlyDictionary<string, string>? _unsaved;

    private string FilePath => _file.Path;

    private void Report(Diagnostic d) => _diagnostics.Add(d);

    public List<CheckedLf> Check()
    {
        foreach (var let in _file.Items.OfType<LetDeclaration>()) _allLets.TryAdd(let.Name.Text, let);
        var result = new List<CheckedLf>();
        var seenLets = new Dictionary<string, LetDeclaration>(StringComparer.Ordinal);
        foreach (var item in _file.Items)
        {
            switch (item)
            {
                case LetDeclaration let:
                    if (seenLets.TryGetValue(let.Name.Text, out var first))
                    {
                        Report(RuleMessages.DuplicateLet(FilePath, let.Name.Span, let.Name.Text, first.Name.Span.In(FilePath)));
                        break;
                    }
                    seenLets.Add(let.Name.Text, let);
                    CheckLet(let);
                    break;
                case LfDeclaration lf:
                    if (CheckLf(lf) is { } checkedLf) result.Add(checkedLf);
                    break;
            }
        }
        return result;
    }

    /// <summary>
    /// The <c>let</c> constants no rule uses, with the constants that use them (empty when none does): a constant
    /// used only by unused constants is unused too. Call after <see cref="Check"/>; meaningful only for a file
    /// without errors (an item with an error may not show all the names it reads).
    /// </summary>
    public IEnumerable<(LetDeclaration Let, IReadOnlyList<string> UsedBy)> UnusedLets()
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(_letUsers.Where(u => u.Value.Contains(null)).Select(u => u.Key));
        while (pending.TryPop(out var name))
        {
            if (!used.Add(name)) continue;
            foreach (var (other, users) in _letUsers)
                if (users.Contains(name)) pending.Push(other);
        }
        foreach (var let in _allLets.Values)
        {
            if (used.Contains(let.Name.Text)) continue;
            var users = _letUsers.TryGetValue(let.Name.Text, out var u) ? u.OfType<string>().Order(StringComparer.Ordinal).ToArray() : [];
            yield return (let, users);
        }
    }

    /// <summary>
    /// The keyword files that hold no keyword (empty, or only blank lines and comments), with the constant read from each
    /// and the LFs that use it, directly or through other constants. Call after <see cref="Check"/>.
    /// </summary>
    public IEnumerable<(string Let, string File, TextSpan At, IReadOnlyList<string> Lfs)> EmptyKeywordFiles()
    {
        foreach (var (let, file, at) in _emptyKeywordFiles)
        {
            var lfs = new SortedSet<string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var pending = new Stack<string>([let]);
            while (pending.TryPop(out var name))
            {
                if (!seen.Add(name)) continue;
                if (_letLfs.TryGetValue(name, out var direct)) lfs.UnionWith(direct);
                // The constants that read this one (null among the users stands for an LF).
                if (_letUsers.TryGetValue(name, out var users))
                    foreach (var other in users.OfType<string>()) pending.Push(other);
            }
            yield return (let, file, at, lfs.ToArray());
        }
    }

    private void CheckLet(LetDeclaration let)
    {
        _let = let.Name.Text;
        _usedLets = new SortedSet<string>(StringComparer.Ordinal);
        var before = _diagnostics.Count;
        var value = Bind(let.Value);
        _let = null;
        if (value is BoundConstant constant && constant.Type != RuleType.Error)
        {
            _lets[let.Name.Text] = constant;
            _letHashText[let.Name.Text] = ConstantText(constant);
            // A constant wins over a field of its name, so a rule meaning the column would silently test the constant.
            if (_columns?.IndexOf(let.Name.Text) is >= 0 and var column)
                Report(RuleMessages.LetHidesColumn(FilePath, let.Name.Span, let.Name.Text, _columns.Names[column]));
        }
        else if (value.Type != RuleType.Error && _diagnostics.Count == before)
            Report(RuleMessages.LetNotConstant(FilePath, let.Value.Span, let.Name.Text));
    }

    private CheckedLf? CheckLf(LfDeclaration lf)
    {
        _lf = lf.Name.Text;
        _fields = [];
        _fieldSpans = [];
        _usedLets = new SortedSet<string>(StringComparer.Ordinal);
        var before = _diagnostics.Count;
        _invalid = false;
        var clauses = new List<(Bound, int)>();
        foreach (var clause in lf.Clauses)
        {
            var condition = Want(Bind(clause.Condition), RuleType.Bool,
                actual => RuleMessages.ConditionType(FilePath, clause.Condition.Span, actual.Describe()));
            clauses.Add((condition, ResolveLabel(clause.Label)));
        }
        if (_diagnostics.Count != before || _invalid) return null;
        foreach (var (condition, _) in clauses) _diagnostics.AddRange(RuleLint.Check(FilePath, condition, _fieldNames));

        var hashText = new StringBuilder(_file.Text, lf.Span.Offset, lf.Span.Length, lf.Span.Length + 64);
        foreach (var used in _usedLets) hashText.Append('\n').Append("let ").Append(used).Append(" = ").Append(_letHashText.GetValueOrDefault(used));
        hashText.Append("\nlabels ").Append(_schema?.ToString());
        var conditions = lf.Clauses.Select(ConditionText).ToArray();
        return new CheckedLf(lf, FilePath, clauses, _fields, _fieldSpans, hashText.ToString(), conditions);
    }

    /// <summary>A clause's condition as written: the text between 'when' and 'label' (a condition's span can stop short of closing brackets).</summary>
    private string ConditionText(WhenClause clause)
    {
        var text = _file.Text.AsSpan(clause.Condition.Span.Offset, clause.Label.Span.Offset - clause.Condition.Span.Offset).TrimEnd();
        if (text.EndsWith("label", StringComparison.Ordinal)) text = text[..^5].TrimEnd();
        return LineBreaks().Replace(text.ToString(), " ");
    }

    private int ResolveLabel(Name label)
    {
        if (label.Text == LabelSchema.AbstainName) return LabelSchema.Abstain;
        if (_schema is null)
        {
            if (!_noLabelsReported) Report(RuleMessages.NoLabels(FilePath, label.Span));
            _noLabelsReported = true;
            _invalid = true;
            return LabelSchema.Abstain;
        }
        if (_schema.LabelOf(label.Text) is { } value) return value;
        _unknownLabels.Add(new UnknownLabelUse(label.Text, FilePath, label.Span));
        _invalid = true;
        return LabelSchema.Abstain;
    }

    /// <summary>An expression with an error; the item it is in is not compiled.</summary>
    private Bound Invalid(TextSpan span)
    {
        _invalid = true;
        return new BoundConstant(false, RuleType.Error, span);
    }

    /// <summary>Converts <paramref name="b"/> to <paramref name="want"/> (a field becomes text, a number or true/false) or reports.</summary>
    private Bound Want(Bound b, RuleType want, Func<RuleType, Diagnostic> error)
    {
        if (b.Type == RuleType.Error || b.Type == want) return b;
        if (b.Type == RuleType.Field && want is RuleType.Text or RuleType.Number or RuleType.Bool) return new BoundConvert(b, want, b.Span);
        if (b.Type == RuleType.EmptyList && want is RuleType.TextList or RuleType.NumberList)
            return new BoundConstant(want == RuleType.TextList ? Array.Empty<string>() : Array.Empty<double>(), want, b.Span);
        var wrong = error(b.Type);
        // A constant of the wrong type may be right where it is used and wrong where it is defined: say where that is.
        if (LetAt(b.Span) is { } let) wrong = RuleMessages.WithDefinition(wrong, let.Name.Text, let.Name.Span);
        Report(wrong);
        return Invalid(b.Span);
    }

    /// <summary>The <c>let</c> whose name is written at <paramref name="span"/> (a use of it), or null.</summary>
    private LetDeclaration? LetAt(TextSpan span)
    {
        if (span.Length == 0 || span.Offset + span.Length > _file.Text.Length || !Grammar.IsIdentifierStart(_file.Text[span.Offset])) return null;
        var name = _file.Text.Substring(span.Offset, span.Length);
        return _lets.ContainsKey(name) && _allLets.TryGetValue(name, out var let) && let.Span.Offset < span.Offset ? let : null;
    }

    /// <summary>
    /// <paramref name="b"/> as an operand of <paramref name="op"/> of type <paramref name="want"/>, else an error; a number
    /// in quotes where a number is wanted (<c>length(text) > "5"</c>, <c>x between "1" and "3"</c>) gets the fix.
    /// </summary>
    private Bound WantOperand(Bound b, RuleType want, string op, string side)
        => Want(b, want, actual => RuleMessages.OperandType(FilePath, b.Span, op, want.Describe(), side, actual.Describe(),
            want == RuleType.Number ? QuotedNumber(b) : null));

    /// <summary>"write the number without quotes: 5" when <paramref name="b"/> is text in quotes that is a number, else null.</summary>
    private static string? QuotedNumber(Bound b)
        => b is BoundConstant { Value: string s, Type: RuleType.Text } && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            ? $"write the number without quotes: {s.Trim()}"
            : null;

    public Bound Bind(Expression e)
    {
        switch (e)
        {
            case TextLiteral t: return new BoundConstant(t.Value, RuleType.Text, t.Span);
            case NumberLiteral n:
                // double.Parse reads "1e400" as infinity, which every comparison would then silently treat as a value.
                if (double.IsInfinity(n.Value))
                {
                    Report(RuleMessages.NumberTooLarge(FilePath, n.Span, _file.Text.Substring(n.Span.Offset, n.Span.Length)));
                    return Invalid(n.Span);
                }
                return new BoundConstant(n.Value, RuleType.Number, n.Span);
            case BoolLiteral b: return new BoundConstant(b.Value, RuleType.Bool, b.Span);
            case RegexLiteral r: return BindRegex(r);
            case ListLiteral l: return BindList(l);
            case Reference r: return BindReference(r);
            case Call c: return BindCall(c);
            case Unary { Operator: "not" } u:
            {
                var operand = WantOperand(Bind(u.Operand), RuleType.Bool, "not", "right");
                return operand is BoundConstant { Value: bool v } ? new BoundConstant(!v, RuleType.Bool, u.Span) : new BoundUnary("not", operand, RuleType.Bool, u.Span);
            }
            case Unary u:
            {
                var operand = WantOperand(Bind(u.Operand), RuleType.Number, "-", "right");
                return operand is BoundConstant { Value: double v, Type: RuleType.Number } ? new BoundConstant(-v, RuleType.Number, u.Span) : new BoundUnary("-", operand, RuleType.Number, u.Span);
            }
            case Binary b: return BindBinary(b);
            case Between b:
                return new BoundBetween(
                    WantOperand(Bind(b.Value), RuleType.Number, "between", "left"),
                    WantOperand(Bind(b.Low), RuleType.Number, "between", "right"),
                    WantOperand(Bind(b.High), RuleType.Number, "between", "right"), b.Span);
            case IsMissing m:
            {
                var value = Bind(m.Value);
                if (value.Type is not (RuleType.Field or RuleType.Text or RuleType.Number or RuleType.Error))
                {
                    Report(RuleMessages.OperandType(FilePath, value.Span, m.Negated ? "is not missing" : "is missing", "a field, text or a number", "left", value.Type.Describe()));
                    return Invalid(m.Span);
                }
                return new BoundIsMissing(value, m.Negated, m.Span);
            }
            default:
                throw new InvalidOperationException($"unknown syntax node {e.GetType().Name}");
        }
    }

    private Bound BindBinary(Binary b)
    {
        var left = Bind(b.Left);
        var right = Bind(b.Right);
        var op = b.Operator;
        switch (op)
        {
            case "and":
            case "or":
                return new BoundBinary(op, WantOperand(left, RuleType.Bool, op, "left"), WantOperand(right, RuleType.Bool, op, "right"), RuleType.Bool, b.Span);
            case "+" or "-" or "*" or "/":
                return new BoundBinary(op, WantOperand(left, RuleType.Number, op, "left"), WantOperand(right, RuleType.Number, op, "right"), RuleType.Number, b.Span);
            case "<" or "<=" or ">" or ">=":
                return new BoundBinary(op, WantOperand(left, RuleType.Number, op, "left"), WantOperand(right, RuleType.Number, op, "right"), RuleType.Bool, b.Span);
            case "==" or "!=":
            {
                if (left.Type == RuleType.Error || right.Type == RuleType.Error) return Invalid(b.Span);
                // Two sides of known, different kinds: neither alone is wrong, so the message names both.
                if (left.Type is RuleType.Text or RuleType.Number or RuleType.Bool && right.Type is RuleType.Text or RuleType.Number or RuleType.Bool
                    && left.Type != right.Type)
                {
                    Report(Unlike(op, left, right, b.Span));
                    return Invalid(b.Span);
                }
                RuleType? mode = left.Type == RuleType.Text || right.Type == RuleType.Text ? RuleType.Text
                    : left.Type == RuleType.Number || right.Type == RuleType.Number ? RuleType.Number
                    : left.Type == RuleType.Bool || right.Type == RuleType.Bool ? RuleType.Bool
                    : left.Type == RuleType.Field && right.Type == RuleType.Field ? RuleType.Text
                    : null;
                if (mode is not { } m)
                {
                    var bad = left.Type is RuleType.Field ? right : left;
                    Report(RuleMessages.OperandType(FilePath, bad.Span, op, "text, a number or true/false", bad == left ? "left" : "right", bad.Type.Describe()));
                    return Invalid(b.Span);
                }
                return new BoundBinary(op, WantOperand(left, m, op, "left"), WantOperand(right, m, op, "right"), RuleType.Bool, b.Span);
            }
            case "contains":
                if (right.Type is RuleType.TextList or RuleType.EmptyList)
                {
                    Report(RuleMessages.ContainsList(FilePath, right.Span));
                    return Invalid(b.Span);
                }
                return new BoundBinary(op, WantOperand(left, RuleType.Text, op, "left"), WantOperand(right, RuleType.Text, op, "right"), RuleType.Bool, b.Span);
            case "contains any" or "contains all":
                return new BoundBinary(op, WantOperand(left, RuleType.Text, op, "left"), WantOperand(right, RuleType.TextList, op, "right"), RuleType.Bool, b.Span);
            case "matches":
                if (right is BoundConstant { Value: string pattern, Type: RuleType.Text })
                {
                    Report(RuleMessages.MatchesText(FilePath, right.Span, pattern));
                    return Invalid(b.Span);
                }
                return new BoundBinary(op, WantOperand(left, RuleType.Text, op, "left"), WantOperand(right, RuleType.Regex, op, "right"), RuleType.Bool, b.Span);
            case "in":
            {
                if (right.Type == RuleType.Error || left.Type == RuleType.Error) return Invalid(b.Span);
                if (right.Type == RuleType.EmptyList)
                    return new BoundConstant(false, RuleType.Bool, b.Span);
                if (!right.Type.IsList())
                {
                    Report(RuleMessages.OperandType(FilePath, right.Span, op, "a list", "right", right.Type.Describe()));
                    return Invalid(b.Span);
                }
                var item = right.Type == RuleType.TextList ? RuleType.Text : RuleType.Number;
                if (left.Type is RuleType.Text or RuleType.Number or RuleType.Bool && left.Type != item)
                {
                    Report(Unlike(op, left, right, b.Span));
                    return Invalid(b.Span);
                }
                return new BoundBinary(op, WantOperand(left, item, op, "left"), right, RuleType.Bool, b.Span);
            }
            default:
                throw new InvalidOperationException($"unknown operator {op}");
        }
    }

    /// <summary>
    /// A comparison of two sides of different kinds (<c>length(text) == "5"</c>), placed at the side written as a constant
    /// when only one is (the likelier slip), else at the whole comparison; a number written in quotes, or a number
    /// compared with text, gets the fix.
    /// </summary>
    private Diagnostic Unlike(string op, Bound left, Bound right, TextSpan whole)
    {
        var constant = left is BoundConstant == right is BoundConstant ? null : left as BoundConstant ?? right as BoundConstant;
        var other = constant == left ? right : left;
        string? hint = null;
        if (constant is not null && other.Type == RuleType.Number && QuotedNumber(constant) is { } unquoted)
            hint = unquoted;
        else if (constant is { Value: string[] items } && other.Type == RuleType.Number && items.All(i => double.TryParse(i, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
            hint = $"write the numbers without quotes: [{string.Join(", ", items.Select(i => i.Trim()))}]";
        else if (constant is { Type: RuleType.Number or RuleType.NumberList } && other.Type == RuleType.Text)
            hint = "write the value in quotes to compare text, or read the text as a number with number(...)";
        var where = constant?.Span ?? whole;
        var wrong = RuleMessages.UnlikeOperands(FilePath, where, op, left.Type.Describe(), right.Type.Describe(), hint);
        return constant is not null && LetAt(constant.Span) is { } let ? RuleMessages.WithDefinition(wrong, let.Name.Text, let.Name.Span) : wrong;
    }

    private const string UnsupportedConstruct = "conjunction with expressions containing: '";

    private Bound BindRegex(RegexLiteral r)
    {
        if (r.Pattern.Length > RegexBuilds.MaxPatternLength)
        {
            Report(RuleMessages.RegexTooLong(FilePath, r.Span, RegexSize.Of(r.Pattern)));
            return Invalid(r.Span);
        }
        try
        {
            var options = RegexBuilds.CheckedOptions(r.Flags);
            if (RegexBuilds.NeedsEngine(r.Pattern)) _ = RegexBuilds.Get(r.Pattern, options); // what does not build is reported below
            return new BoundConstant(new RulePattern(r.Pattern, options), RuleType.Regex, r.Span);
        }
        catch (RegexParseException e)
        {
            Report(RuleMessages.InvalidRegex(FilePath, RegexFault.Locate(r, e), Snorkeler.Text.RegexFaults.Reason(r.Pattern, e)));
        }
        catch (NotSupportedException e) when (e.Message.Contains(UnsupportedConstruct, StringComparison.Ordinal))
        {
            // "... in conjunction with expressions containing: 'backreference (\ number)'." → the quoted construct, which may hold quotes itself.
            var from = e.Message.IndexOf(UnsupportedConstruct, StringComparison.Ordinal) + UnsupportedConstruct.Length;
            var to = e.Message.LastIndexOf('\'');
            var construct = to > from ? e.Message[from..to] : null;
            Report(RuleMessages.UnsupportedRegex(FilePath, RegexFault.LocateUnsupported(r, construct), construct));
        }
        catch (NotSupportedException)
        {
            // "... could result in an automata as large as '100001' nodes, which is larger than the configured limit of '10000'."
            Report(RuleMessages.RegexTooLarge(FilePath, r.Span, RegexSize.Of(r.Pattern)));
        }
        catch (ArgumentException e)
        {
            Report(RuleMessages.InvalidRegex(FilePath, r.Span, e.Message));
        }
        return Invalid(r.Span);
    }

    private Bound BindList(ListLiteral l)
    {
        if (l.Items.Count == 0) return new BoundConstant(Array.Empty<string>(), RuleType.EmptyList, l.Span);
        var items = l.Items.Select(Bind).ToList();
        if (items.Any(i => i.Type == RuleType.Error)) return Invalid(l.Span);
        var itemType = items[0].Type == RuleType.Number ? RuleType.Number : RuleType.Text;
        var ok = true;
        for (var k = 0; k < items.Count; k++)
        {
            if (items[k] is BoundConstant c && c.Type == itemType) continue;
            Report(RuleMessages.ListItemType(FilePath, items[k].Span, k + 1, itemType.Describe(), items[k] is BoundConstant ? items[k].Type.Describe() : "a value computed from the data"));
            ok = false;
        }
        if (!ok) return Invalid(l.Span);
        return itemType == RuleType.Number
            ? new BoundConstant(items.Select(i => (double)((BoundConstant)i).Value).ToArray(), RuleType.NumberList, l.Span)
            : new BoundConstant(items.Select(i => (string)((BoundConstant)i).Value).ToArray(), RuleType.TextList, l.Span);
    }

    private Bound BindReference(Reference r)
    {
        if (!r.Quoted)
        {
            if (_lets.TryGetValue(r.Name, out var value))
            {
                _usedLets.Add(r.Name);
                if (!_letUsers.TryGetValue(r.Name, out var users)) _letUsers[r.Name] = users = [];
                users.Add(_let);
                if (_let is null && _lf is not null)
                {
                    if (!_letLfs.TryGetValue(r.Name, out var lfs)) _letLfs[r.Name] = lfs = new SortedSet<string>(StringComparer.Ordinal);
                    lfs.Add(_lf);
                }
                return value with { Span = r.Span };
            }
            if (_allLets.TryGetValue(r.Name, out var later))
            {
                if (later.Span.Offset > r.Span.Offset && r.Name != _let)
                {
                    Report(RuleMessages.LetBeforeDefinition(FilePath, r.Span, r.Name, later.Name.Span.In(FilePath)));
                    return Invalid(r.Span);
                }
                if (later.Span.Offset <= r.Span.Offset && r.Name != _let) return Invalid(r.Span); // defined with an error, reported there
            }
        }
        if (_let is not null)
        {
            Report(RuleMessages.LetNotConstant(FilePath, r.Span, _let));
            return Invalid(r.Span);
        }
        if (_columns is not null && _columns.IndexOf(r.Name) < 0)
        {
            var use = new UnknownFieldUse(r.Name, FilePath, r.Span, _lets.Keys.ToArray());
            if (_unknownFields is not null) _unknownFields.Add(use);
            else Report(RuleMessages.UnknownField(use, 1, _columns, null));
            return Invalid(r.Span);
        }
        var slot = _fields.IndexOf(r.Name);
        if (slot < 0)
        {
            slot = _fields.Count;
            _fields.Add(r.Name);
            _fieldSpans.Add(r.Span);
        }
        return new BoundField(r.Name, slot, r.Span);
    }

    private Bound BindCall(Call c)
    {
        var name = c.Function.Text;
        if (!Functions.TryGetValue(name, out var function))
        {
            Report(RuleMessages.UnknownFunction(FilePath, c.Function.Span, name, Functions.Keys));
            foreach (var a in c.Arguments) Bind(a);
            return Invalid(c.Span);
        }
        if (c.Arguments.Count != function.Parameters.Length)
        {
            Report(RuleMessages.ArgumentCount(FilePath, c.Span, name, function.Parameters.Length, c.Arguments.Count));
            return Invalid(c.Span);
        }
        if (name == "lines") return BindLines(c);
        var args = new List<Bound>();
        for (var k = 0; k < c.Arguments.Count; k++)
        {
            var want = function.Parameters[k];
            var index = k + 1;
            args.Add(Want(Bind(c.Arguments[k]), want,
                actual => RuleMessages.ArgumentType(FilePath, c.Arguments[index - 1].Span, name, index, want.Describe(), actual.Describe())));
        }
        if (args.Any(a => a.Type == RuleType.Error)) return Invalid(c.Span);
        return new BoundCall(name, args, function.Result, c.Span);
    }

    private Bound BindLines(Call c)
    {
        if (_let is null || c.Arguments[0] is not TextLiteral file)
        {
            Report(RuleMessages.LinesUsage(FilePath, c.Span));
            return Invalid(c.Span);
        }
        var folder = Path.GetDirectoryName(Path.GetFullPath(FilePath)) ?? ".";
        string full;
        bool inside;
        try
        {
            full = Path.Combine(folder, file.Value);
            // Every component resolved: a link (to a file or a folder) must not lead outside the LF folder.
            inside = InputFile.IsInside(full, _root);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or IOException)
        {
            Report(RuleMessages.KeywordFileNotFound(FilePath, file.Span, file.Value));
            return Invalid(c.Span);
        }
        if (!inside)
        {
            Report(RuleMessages.KeywordFileOutside(FilePath, file.Span, file.Value));
            return Invalid(c.Span);
        }
        // A list the editor holds is read as it shows it, saved or not (a new list too), as its rules are.
        full = Path.GetFullPath(full);
        var buffer = _unsaved is not null && _unsaved.TryGetValue(full, out var held) ? held : null;
        var facts = buffer is null ? InputFile.Stat(full) : new FileFacts(FileKind.Regular, full, Encoding.UTF8.GetByteCount(buffer));
        var problem = facts.Kind switch
        {
            FileKind.Missing => null,
            FileKind.Directory => "it is a folder",
            FileKind.Special => "it " + InputFile.NotRegularMessage,
            _ => facts.Size > MaxKeywordFileBytes ? $"it is larger than {MaxKeywordFileBytes:N0} bytes, the limit for a keyword list" : null,
        };
        if (facts.Kind == FileKind.Missing)
        {
            Report(RuleMessages.KeywordFileNotFound(FilePath, file.Span, file.Value));
            return Invalid(c.Span);
        }
        if (problem is not null)
        {
            Report(RuleMessages.KeywordFileUnreadable(FilePath, file.Span, file.Value, problem));
            return Invalid(c.Span);
        }
        try
        {
            var text = buffer ?? InputFile.ReadAllText(full, MaxKeywordFileBytes, "a keyword list");
            Reads.Add(full);
            var lines = text.Split(LineEnds, StringSplitOptions.None)
                .Select(l => l.Trim())
                .Where(l => l.Length > 0 && !l.StartsWith('#'))
                .ToArray();
            if (lines.Length == 0) _emptyKeywordFiles.Add((_let, file.Value, file.Span));
            return new BoundConstant(lines, RuleType.TextList, c.Span);
        }
        catch (SnorkelerException e)
        {
            Report(RuleMessages.KeywordFileUnreadable(FilePath, file.Span, file.Value, e.Message));
            return Invalid(c.Span);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Report(RuleMessages.KeywordFileUnreadable(FilePath, file.Span, file.Value, e.Message));
            return Invalid(c.Span);
        }
    }

    /// <summary>The largest keyword list <c>lines()</c> reads.</summary>
    internal const long MaxKeywordFileBytes = 64L << 20;

    private static readonly string[] LineEnds = ["\r\n", "\r", "\n"];

    /// <summary>The keyword files this check read (full paths).</summary>
    public List<string> Reads { get; } = [];

    private static string ConstantText(BoundConstant c) => c.Value switch
    {
        string s => "\"" + s + "\"",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        string[] a => "[" + string.Join("\u0001", a) + "]",
        double[] a => "[" + string.Join(",", a.Select(d => d.ToString("R", CultureInfo.InvariantCulture))) + "]",
        RulePattern r => r.ToString(),
        _ => c.Value.ToString() ?? "",
    };
}
