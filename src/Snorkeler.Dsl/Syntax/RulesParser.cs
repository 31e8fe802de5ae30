using System.Globalization;
using Sprache;

namespace Snorkeler.Dsl.Syntax;

/// <summary>The result of parsing one rule file: the items that parsed and every diagnostic found.</summary>
/// <param name="File">The syntax tree (items with errors are left out).</param>
/// <param name="Diagnostics">Syntax diagnostics, in file order.</param>
public sealed record RulesParseResult(RulesFile File, IReadOnlyList<Diagnostic> Diagnostics)
{
    /// <summary>True when any diagnostic is an error.</summary>
    public bool HasErrors => Diagnostics.Any(d => d.IsError);
}

/// <summary>
/// Parses <c>.rules</c> files (see docs/rules.md) with Sprache. The file is split into top-level items
/// (lines starting with <c>labels</c>, <c>let</c> or <c>lf</c>, which must be at column 1) and each item is
/// parsed on its own, so one mistake does not hide the errors of the items after it.
/// </summary>
public static class RulesParser
{
    /// <summary>The reserved words; write a field with one of these names in backticks.</summary>
    public static readonly IReadOnlySet<string> Keywords = new HashSet<string>(StringComparer.Ordinal)
    {
        "labels", "let", "lf", "when", "label", "and", "or", "not", "contains", "any", "all", "matches",
        "in", "between", "is", "missing", "true", "false",
    };

    /// <summary>Brackets may nest this deep; deeper text is reported instead of parsed.</summary>
    public const int MaxNesting = 64;

    /// <summary>An expression may chain at most this many operators (1000 'and's, or 1000 nested 'not's); longer chains are reported.</summary>
    public const int MaxDepth = 1000;

    /// <summary>The most operators on one path from the root of an expression tree to a leaf (0 for a value), computed without recursion.</summary>
    internal static int Depth(Expression root)
    {
        var max = 0;
        var stack = new Stack<(Expression Node, int Depth)>();
        stack.Push((root, 0));
        while (stack.Count > 0)
        {
            var (node, depth) = stack.Pop();
            max = Math.Max(max, depth);
            if (max > MaxDepth) return max;
            foreach (var child in Children(node)) stack.Push((child, depth + 1));
        }
        return max;
    }

    private static IEnumerable<Expression> Children(Expression e) => e switch
    {
        Unary u => [u.Operand],
        Binary b => [b.Left, b.Right],
        Between b => [b.Value, b.Low, b.High],
        IsMissing m => [m.Value],
        Call c => c.Arguments,
        ListLiteral l => l.Items,
        _ => [],
    };

    /// <summary>Parses a file; never throws for a problem in the text (it reports diagnostics).</summary>
    public static RulesParseResult TryParse(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(text);
        return new Grammar(path, text).ParseFile();
    }

    /// <summary>Parses a file, throwing <see cref="DiagnosticsException"/> when it has errors.</summary>
    public static RulesFile Parse(string path, string text)
    {
        var result = TryParse(path, text);
        return result.HasErrors ? throw new DiagnosticsException(result.Diagnostics) : result.File;
    }

    /// <summary>
    /// <paramref name="diagnostics"/> ordered by path (when <paramref name="byPath"/>; ordinal), line and column, each
    /// missing one first and ties kept in their order, as <c>OrderBy(path).ThenBy(line).ThenBy(column)</c> orders them.
    /// A sort of a list: in a native build every <c>ThenBy</c> (a generic virtual method) is resolved at run time, on
    /// the start-up path of every command that loads rules (docs/benchmarks.md, eighth pass).
    /// </summary>
    internal static List<Diagnostic> InSourceOrder(IEnumerable<Diagnostic> diagnostics, bool byPath = true)
    {
        var keyed = new List<(Diagnostic Diagnostic, int Index)>();
        foreach (var d in diagnostics) keyed.Add((d, keyed.Count));
        keyed.Sort((a, b) =>
        {
            var x = a.Diagnostic.Location;
            var y = b.Diagnostic.Location;
            var c = byPath ? StringComparer.Ordinal.Compare(x?.Path, y?.Path) : 0;
            if (c == 0) c = Nullable.Compare(x?.Line, y?.Line);
            if (c == 0) c = Nullable.Compare(x?.Column, y?.Column);
            return c != 0 ? c : a.Index.CompareTo(b.Index);
        });
        var ordered = new List<Diagnostic>(keyed.Count);
        foreach (var (d, _) in keyed) ordered.Add(d);
        return ordered;
    }

    /// <summary>
    /// The offsets, lines and columns where top-level items start: every line whose first word is <c>labels</c>, <c>let</c>
    /// or <c>lf</c>. These are keywords, so such a line starts an item even when it is indented (an error the parser
    /// reports, at each such item, after which it parses the item as if it were not indented).
    /// </summary>
    internal static List<(int Offset, int Line, int Column)> ItemStarts(string text)
    {
        var starts = new List<(int, int, int)>();
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
            else if (!char.IsWhiteSpace(text[i]))
            {
                if (StartsWithWord(text, i, "lf") || StartsWithWord(text, i, "let") || StartsWithWord(text, i, "labels"))
                    starts.Add((i, line, i - lineStart + 1));
                // The rest of the line is not its first word.
                while (i + 1 < text.Length && text[i + 1] != '\n') i++;
            }
        }
        return starts;
    }

    private static bool StartsWithWord(string text, int at, string word)
        => string.CompareOrdinal(text, at, word, 0, word.Length) == 0
           && (at + word.Length >= text.Length || !Grammar.IsIdentifierPart(text[at + word.Length]));
}

/// <summary>
/// A token: its text and where it is. A class, as are the parser's other intermediate results: Sprache's generic
/// combinators over reference types share the code precompiled in its ReadyToRun image, while every value-type
/// instantiation (a struct token, a tuple) is JIT-compiled when the rules are loaded (~60 methods each).
/// </summary>
internal sealed record Token(string Text, TextSpan Span);

/// <summary>The arguments of a call and its closing parenthesis.</summary>
internal sealed record CallArguments(IReadOnlyList<Expression> Values, Token Close);

/// <summary>The grammar of one file; lexical problems found while parsing are collected, not thrown.</summary>
internal sealed class Grammar
{
    private static readonly string[] OperatorWords = ["and", "or", "contains", "matches", "in", "between", "is"];

    private readonly string _path;
    private readonly string _text;
    private readonly SortedDictionary<(int Line, int Column, string Code), Diagnostic> _lexical = new();

    /// <summary>The offsets where a token read so far ends, to place an error where something is missing (see <see cref="AfterPrevious"/>).</summary>
    private readonly System.Collections.BitArray _tokenEnds;

    /// <summary>Where the item being parsed starts (its first token).</summary>
    private int _itemStart;

    private readonly Parser<Expression> _expression;
    private readonly Parser<Item> _item;

    public Grammar(string path, string text)
    {
        _path = path;
        _text = text;
        _tokenEnds = new System.Collections.BitArray(text.Length + 1);

        var expression = Parse.Ref(() => _expression!);
        var name = Identifier();

        var number = Scan(ScanNumber, "a number").Select(t => (Expression)new NumberLiteral(double.Parse(t.Text, NumberStyles.Float, CultureInfo.InvariantCulture), t.Span));
        var textLiteral = Scan(ScanText, "text").Select(t => (Expression)new TextLiteral(t.Text, t.Span));
        var regex = Scan(ScanRegex, "a regex").Select(t =>
        {
            var slash = t.Text.LastIndexOf('\u0000');
            var literal = new RegexLiteral(t.Text[..slash], t.Text[(slash + 1)..], t.Span);
            // Built on another core while the rest is parsed and checked (see RegexBuilds).
            Semantics.RegexBuilds.Start(literal.Pattern, literal.Flags);
            return (Expression)literal;
        });
        var field = Scan(ScanBacktick, "a field").Select(t => (Expression)new Reference(t.Text, true, t.Span));
        var boolean = ParserExtensions.FirstOf(Keyword("true"), Keyword("false")).Select(t => (Expression)new BoolLiteral(t.Text == "true", t.Span));

        var items = from first in expression
                    from rest in (from comma in Symbol(",") from item in expression select item).XMany()
                    select new[] { first }.Concat(rest).ToList();
        var list = from open in Symbol("[")
                   from values in items.XOptional()
                   from close in Symbol("]").Expect(values.IsDefined ? ["','", "']'"] : ["a value", "']'"])
                   select (Expression)new ListLiteral(values.GetOrElse([]), open.Span.To(close.Span));
        var parenthesised = from open in Symbol("(")
                            from inner in expression
                            from close in Symbol(")").Expect("an operator", Closing(open))
                            select inner;
        var arguments = from open in Symbol("(")
                        from values in items.XOptional()
                        from close in Symbol(")").Expect(values.IsDefined ? ["','", Closing(open)] : ["a value", Closing(open)])
                        select new CallArguments(values.GetOrElse([]), close);
        var callOrReference = from id in name
                              from args in arguments.XOptional()
                              select args.IsDefined
                                  ? (Expression)new Call(id, args.Get().Values, id.Span.To(args.Get().Close.Span))
                                  : new Reference(id.Text, false, id.Span);
        var primary = ParserExtensions.FirstOf(number, textLiteral, regex, list, parenthesised, boolean, field, callOrReference)
            .Expect("a value");

        var unary = from signs in Symbol("-").Many()
                    from operand in primary
                    select signs.Reverse().Aggregate(operand, (e, s) => new Unary("-", e, s.Span.To(e.Span)));
        var multiplicative = Chain(unary, ParserExtensions.FirstOf(Symbol("*"), Symbol("/")));
        var additive = Chain(multiplicative, ParserExtensions.FirstOf(Symbol("+"), Symbol("-")));

        var comparison = from op in ParserExtensions.FirstOf(Symbol("=="), Symbol("!="), Symbol("<="), Symbol(">="), Symbol("<"), Symbol(">"))
                         from right in additive
                         select (Func<Expression, Expression>)(left => new Binary(op.Text, left, right, op.Span, left.Span.To(right.Span)));
        var contains = from op in Keyword("contains")
                       from mode in ParserExtensions.FirstOf(Keyword("any"), Keyword("all")).XOptional()
                       from right in additive
                       select (Func<Expression, Expression>)(left => new Binary(
                           mode.IsDefined ? "contains " + mode.Get().Text : "contains", left, right,
                           mode.IsDefined ? op.Span.To(mode.Get().Span) : op.Span, left.Span.To(right.Span)));
        var matches = from op in ParserExtensions.FirstOf(Keyword("matches"), Keyword("in"))
                      from right in additive
                      select (Func<Expression, Expression>)(left => new Binary(op.Text, left, right, op.Span, left.Span.To(right.Span)));
        var between = from op in Keyword("between")
                      from low in additive
                      from and in Keyword("and")
                      from high in additive
                      select (Func<Expression, Expression>)(left => new Between(left, low, high, left.Span.To(high.Span)));
        var isMissing = from op in Keyword("is")
                        from not in Keyword("not").XOptional()
                        from missing in Keyword("missing").Expect(not.IsDefined ? ["'missing'"] : ["'not'", "'missing'"])
                        select (Func<Expression, Expression>)(left => new IsMissing(left, not.IsDefined, left.Span.To(missing.Span)));
        var predicate = from left in additive
                        from tail in ParserExtensions.FirstOf(comparison, contains, matches, between, isMissing).XOptional()
                        select tail.IsDefined ? tail.Get()(left) : left;
        var negation = from nots in Keyword("not").Many()
                       from operand in predicate
                       select nots.Reverse().Aggregate(operand, (e, n) => new Unary("not", e, n.Span.To(e.Span)));
        var conjunction = Chain(negation, Keyword("and"));
        _expression = Chain(conjunction, Keyword("or"));

        var labels = from keyword in Keyword("labels")
                     from first in name.Expect("a class name")
                     from rest in (from comma in Symbol(",") from n in name select n).XMany()
                     from end in End("','")
                     select (Item)new LabelsDeclaration(new[] { first }.Concat(rest).ToList(), keyword.Span.To(rest.LastOrDefault()?.Span ?? first.Span));
        var let = from keyword in Keyword("let")
                  from id in name
                  from eq in Symbol("=")
                  from value in _expression
                  from end in End("an operator")
                  select (Item)new LetDeclaration(id, value, keyword.Span.To(value.Span));
        var clause = from when in Keyword("when")
                     from condition in _expression
                     from label in Keyword("label").Expect("an operator", "'label'")
                     from cls in name.Expect("a class name")
                     select new WhenClause(condition, cls, when.Span.To(cls.Span));
        var lf = from keyword in Keyword("lf")
                 from id in name
                 from colon in Symbol(":")
                 from clauses in clause.XAtLeastOnce()
                 from end in End("'when'")
                 select (Item)new LfDeclaration(id, clauses.ToList(), keyword.Span.To(clauses.Last().Span));
        _item = ParserExtensions.FirstOf(labels, let, lf).Expect("'labels'", "'let'", "'lf'");
    }

    public RulesParseResult ParseFile()
    {
        var items = new List<Item>();
        var syntax = new List<Diagnostic>();
        var starts = RulesParser.ItemStarts(_text);
        if (starts.Count == 0 || starts[0].Offset != 0) starts.Insert(0, (0, 1, 1));
        for (var k = 0; k < starts.Count; k++)
        {
            var (offset, line, column) = starts[k];
            var end = k + 1 < starts.Count ? starts[k + 1].Offset : _text.Length;
            var input = Skip(new ItemInput(_text, offset, end, line, column));
            if (input.AtEnd) continue;
            if (column > 1)
            {
                var keyword = _text[offset..WordEnd((ItemInput)input)];
                syntax.Add(RuleMessages.IndentedItem(_path, new TextSpan(offset, line, column, keyword.Length), keyword, _text[(offset - column + 1)..offset]));
            }
            if (TooDeep(input.Position, end) is { } deep)
            {
                syntax.Add(RuleMessages.TooDeep(_path, deep));
                continue;
            }
            var lexicalBefore = _lexical.Count;
            _itemStart = input.Position;
            var result = _item(input);
            if (result.WasSuccessful)
            {
                var tooDeep = TooDeep(result.Value);
                if (tooDeep is null) items.Add(result.Value);
                else syntax.Add(RuleMessages.TooLong(_path, tooDeep.Span, RulesParser.MaxDepth));
            }
            // A lexical error (an unterminated text, say) usually causes the syntax error after it: report only the cause.
            else if (_lexical.Count == lexicalBefore) syntax.Add(SyntaxError(result));
        }
        syntax.AddRange(_lexical.Values);
        var diagnostics = RulesParser.InSourceOrder(syntax, byPath: false);
        return new RulesParseResult(new RulesFile(_path, _text, items, new TextSpan(0, 1, 1, _text.Length)), diagnostics);
    }

    private static Expression? TooDeep(Item item)
    {
        var roots = item switch
        {
            LetDeclaration let => [let.Value],
            LfDeclaration lf => lf.Clauses.Select(c => c.Condition),
            _ => Enumerable.Empty<Expression>(),
        };
        return roots.FirstOrDefault(e => RulesParser.Depth(e) > RulesParser.MaxDepth);
    }

    private TextSpan? TooDeep(int from, int to)
    {
        var depth = 0;
        for (var i = from; i < to; i++)
        {
            var c = _text[i];
            // Brackets in comments and text literals do not nest.
            if (c is '#' or '"')
            {
                var close = c == '#' ? '\n' : '"';
                for (i++; i < to && _text[i] != close && _text[i] != '\n'; i++)
                    if (c == '"' && _text[i] == '\\') i++;
                continue;
            }
            if (c is '(' or '[')
            {
                if (++depth > RulesParser.MaxNesting) return SpanAt(i, 1);
            }
            else if (c is ')' or ']') depth = Math.Max(0, depth - 1);
        }
        return null;
    }

    private TextSpan SpanAt(int offset, int length)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < offset && i < _text.Length; i++)
        {
            if (_text[i] != '\n') continue;
            line++;
            lineStart = i + 1;
        }
        return new TextSpan(offset, line, offset - lineStart + 1, length);
    }

    private Diagnostic SyntaxError<T>(IResult<T> failure)
    {
        var at = failure.Remainder;
        var (found, length, word) = Describe(at.Position);
        var expected = failure.Expectations.Distinct().ToList();
        string? near = null;
        if (word is not null && !RulesParser.Keywords.Contains(word))
        {
            var candidates = expected.Where(e => e.Length > 2 && e[0] == '\'' && char.IsLetter(e[1])).Select(e => e[1..^1]).ToList();
            if (expected.Contains("an operator")) candidates.AddRange(OperatorWords);
            near = Text.Suggest.Nearest(word, candidates);
            if (expected.Count == 1 && expected[0] == $"'{near}'") near = null;
        }
        var span = new TextSpan(at.Position, at.Line, at.Column, length);
        // The parser took every ')' before this one as closing a '(': one it does not expect closes nothing.
        if (found == "')'" && !expected.Any(IsClosing)) return RuleMessages.StrayClose(_path, span, expected);
        if (Hint(span, word, near, expected) is { } hint) return hint;
        // A keyword, or the end, is right where it stands: what is wrong is missing before it.
        var rightHere = at.AtEnd || (word is not null && RulesParser.Keywords.Contains(word));
        if (!rightHere || AfterPrevious((ItemInput)at) is not { } missing) return RuleMessages.Syntax(_path, span, found, expected, near);
        var foundAt = at.Position < _text.Length ? string.Create(CultureInfo.InvariantCulture, $"{found} on line {at.Line}") : found;
        return RuleMessages.Syntax(_path, missing, foundAt, expected, near);
    }

    /// <summary>
    /// Where something is missing when the parser stopped at the first token of a later line than the token before it
    /// (<c>label</c> at a line's end, then the next item): right after that token, not at the next line's first word,
    /// as compilers place a missing token. Null when the two tokens share a line, or the item has no token before.
    /// </summary>
    private TextSpan? AfterPrevious(ItemInput at)
    {
        var previous = at.Position;
        while (previous > _itemStart && !_tokenEnds[previous]) previous--;
        if (previous <= _itemStart) return null;
        var breaks = _text.AsSpan(previous, at.Position - previous).Count('\n');
        if (breaks == 0) return null;
        var lineStart = _text.LastIndexOf('\n', previous - 1) + 1;
        return new TextSpan(previous, at.Line - breaks, previous - lineStart + 1, 0);
    }

    /// <summary>What a '(' expects at its end: "')' to close the '(' at line 2, column 10" (an unclosed bracket is often far from where it shows).</summary>
    private static string Closing(Token open)
        => string.Create(CultureInfo.InvariantCulture, $"')' to close the '(' at line {open.Span.Line}, column {open.Span.Column}");

    private static bool IsClosing(string expectation) => expectation.StartsWith("')'", StringComparison.Ordinal);

    /// <summary>Quote characters people type for text that the language does not take: curly, low, angle and single quotes.</summary>
    private const string WrongQuotes = "\u201C\u201D\u201E\u201F\u2018\u2019\u201A\u201B\u00AB\u00BB'";

    /// <summary>
    /// A syntax error that a domain expert makes for a known reason, said in their words: text in curly or single
    /// quotes, '=' for '==', a field name with spaces written bare. Null for any other error.
    /// </summary>
    private Diagnostic? Hint(TextSpan at, string? word, string? near, IReadOnlyList<string> expected)
    {
        var offset = at.Offset;
        if (offset >= _text.Length) return null;
        var c = _text[offset];
        var lineStart = _text.LastIndexOf('\n', Math.Max(0, offset - 1)) + 1;
        if (offset == 0) lineStart = 0;
        if (WrongQuotes.Contains(c))
        {
            var close = offset + 1;
            // The line ends at its '\n', or at the '\r' of a CRLF (a lone '\r' was read as a '\n' before parsing).
            while (close < _text.Length && _text[close] is not ('\n' or '\r') && !WrongQuotes.Contains(_text[close])) close++;
            var inner = _text[(offset + 1)..Math.Min(close, _text.Length)];
            var quoted = close < _text.Length && _text[close] is not ('\n' or '\r') ? _text[offset..(close + 1)] : _text[offset..close];
            return RuleMessages.WrongQuotes(_path, at with { Length = quoted.Length }, quoted, Text.RuleLiteral.Of(inner));
        }
        if (c == ':' && _text.AsSpan(lineStart, offset - lineStart).TrimEnd() is "labels")
        {
            var lineEnd = _text.IndexOf('\n', offset);
            var rest = _text[(offset + 1)..(lineEnd < 0 ? _text.Length : lineEnd)];
            if (rest.IndexOf('#', StringComparison.Ordinal) is >= 0 and var comment) rest = rest[..comment];
            return RuleMessages.LabelsColon(_path, at with { Length = 1 }, rest.Trim());
        }
        if (c == '=' && (offset + 1 >= _text.Length || _text[offset + 1] != '=') && expected.Contains("an operator"))
            return RuleMessages.SingleEquals(_path, at with { Length = 1 });
        if (word is not null && InfixFunctions.Contains(word) && expected.Contains("an operator") && FunctionAsOperator(at, word, lineStart) is { } function)
            return function;
        if (word is not null && near is null && !RulesParser.Keywords.Contains(word) && (expected.Contains("an operator") || expected.Any(IsClosing) || expected.Contains("']'")))
        {
            // Two names in a row: a field name with spaces written bare ("customer tier"); take the words before and after.
            var start = offset;
            while (start > lineStart && _text[start - 1] is ' ' or '\t') start--;
            var before = start;
            while (before > lineStart && IsIdentifierPart(_text[before - 1])) before--;
            var previous = _text[before..start];
            if (previous.Length == 0 || !IsIdentifierStart(previous[0]) || RulesParser.Keywords.Contains(previous)) return null;
            var end = offset + word.Length;
            while (true)
            {
                var next = end;
                while (next < _text.Length && _text[next] is ' ' or '\t') next++;
                var after = next;
                while (after < _text.Length && IsIdentifierPart(_text[after])) after++;
                if (after == next || RulesParser.Keywords.Contains(_text[next..after]) || !IsIdentifierStart(_text[next])) break;
                end = after;
            }
            var name = string.Join(' ', _text[before..end].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
            var from = new TextSpan(before, at.Line, at.Column - (offset - before), end - before);
            return RuleMessages.SpacedFieldName(_path, from, name);
        }
        return null;
    }

    /// <summary>The two-argument functions people write between their arguments, as they would write <c>contains</c>.</summary>
    private static readonly HashSet<string> InfixFunctions = new(StringComparer.Ordinal) { "starts_with", "ends_with", "count" };

    /// <summary>
    /// <c>text starts_with "why"</c>: the function <paramref name="function"/> at <paramref name="at"/> follows a field (a name or a
    /// backtick-quoted one); the message writes the call with that field and the text or name after the function.
    /// </summary>
    private Diagnostic? FunctionAsOperator(TextSpan at, string function, int lineStart)
    {
        var start = at.Offset;
        while (start > lineStart && _text[start - 1] is ' ' or '\t') start--;
        var before = start;
        if (before > lineStart && _text[before - 1] == '`')
        {
            before = _text.LastIndexOf('`', before - 2, before - 1 - lineStart);
            if (before < lineStart) return null;
        }
        else
        {
            while (before > lineStart && IsIdentifierPart(_text[before - 1])) before--;
            if (before == start || !IsIdentifierStart(_text[before]) || RulesParser.Keywords.Contains(_text[before..start])) return null;
        }
        var next = at.Offset + function.Length;
        while (next < _text.Length && _text[next] is ' ' or '\t') next++;
        var after = next;
        if (after < _text.Length && _text[after] == '"')
        {
            after++;
            while (after < _text.Length && _text[after] is not ('"' or '\n')) after += _text[after] == '\\' ? 2 : 1;
            after = Math.Min(after + 1, _text.Length);
        }
        else
        {
            while (after < _text.Length && IsIdentifierPart(_text[after])) after++;
        }
        var right = after > next && !RulesParser.Keywords.Contains(_text[next..after]) ? _text[next..after] : "...";
        return RuleMessages.FunctionAsOperator(_path, at with { Length = function.Length }, function, _text[before..start], right);
    }

    /// <summary>How to name the text at <paramref name="offset"/> in a message: a word, a literal, a character, or the end of the file.</summary>
    private (string Found, int Length, string? Word) Describe(int offset)
    {
        if (offset >= _text.Length) return ("end of file", 0, null);
        var c = _text[offset];
        var end = offset + 1;
        if (IsIdentifierStart(c))
        {
            while (end < _text.Length && IsIdentifierPart(_text[end])) end++;
            var w = _text[offset..end];
            return (RulesParser.Keywords.Contains(w) ? $"keyword '{w}'" : $"'{w}'", end - offset, w);
        }
        if (char.IsAsciiDigit(c))
        {
            while (end < _text.Length && (char.IsAsciiDigit(_text[end]) || _text[end] == '.')) end++;
            return ($"number {_text[offset..end]}", end - offset, null);
        }
        if (c == '"')
        {
            while (end < _text.Length && _text[end] != '"' && _text[end] != '\n') end++;
            if (end < _text.Length && _text[end] == '"') end++;
            var literal = _text[offset..end];
            return ($"text {(literal.Length > 30 ? literal[..27] + "..." : literal)}", end - offset, null);
        }
        // A character outside the BMP is a surrogate pair: named by its code point, and shown (columns count UTF-16 units).
        if (char.IsHighSurrogate(c) && end < _text.Length && char.IsLowSurrogate(_text[end]))
            return ($"character U+{char.ConvertToUtf32(c, _text[end]):X4} '{_text[offset..(end + 1)]}'", 2, null);
        if (char.IsSurrogate(c) || char.IsControl(c) || char.IsWhiteSpace(c) || Unseen(c))
            return ($"character U+{(int)c:X4}", 1, null);
        return ($"'{c}'", 1, null);
    }

    /// <summary>
    /// A character that does not show as itself between quotes: invisible ones (a byte-order mark, a zero-width space, a
    /// direction override), a combining mark (drawn over the quote), a private or unassigned code point.
    /// </summary>
    private static bool Unseen(char c) => CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.NonSpacingMark
        or UnicodeCategory.EnclosingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned;

    // ---- tokens ----

    internal static bool IsIdentifierStart(char c) => char.IsLetter(c) || c == '_';

    internal static bool IsIdentifierPart(char c) => char.IsLetterOrDigit(c) || c == '_';

    /// <summary>The input after the blanks and comments at <paramref name="i"/>, which ends a token (noted in <see cref="_tokenEnds"/>).</summary>
    private IInput Skip(IInput i)
    {
        var item = (ItemInput)i;
        var text = item.Source;
        var at = item.Position;
        _tokenEnds[at] = true;
        while (at < item.End)
        {
            if (char.IsWhiteSpace(text[at])) at++;
            else if (text[at] == '#')
                while (at < item.End && text[at] != '\n') at++;
            else break;
        }
        return item.Forward(at - item.Position);
    }

    /// <summary>Where the word at <paramref name="i"/> ends (its position when no word starts there).</summary>
    private static int WordEnd(ItemInput i)
    {
        var at = i.Position;
        if (at >= i.End || !IsIdentifierStart(i.Source[at])) return at;
        while (at < i.End && IsIdentifierPart(i.Source[at])) at++;
        return at;
    }

    private static TextSpan SpanOf(IInput start, IInput end) => new(start.Position, start.Line, start.Column, end.Position - start.Position);

    private delegate bool Scanner(IInput start, out IInput end, out string text);

    private Parser<Token> Scan(Scanner scan, string expectation)
    {
        var message = $"expected {expectation}";
        string[] expected = [expectation];
        return i =>
            scan(i, out var end, out var text)
                ? Result.Success(new Token(text, SpanOf(i, end)), Skip(end))
                : Result.Failure<Token>(i, message, expected);
    }

    private static bool ScanWord(IInput i, out IInput end, out string text)
    {
        var item = (ItemInput)i;
        var wordEnd = WordEnd(item);
        end = item.Forward(wordEnd - item.Position);
        text = item.Source[item.Position..wordEnd];
        return wordEnd > item.Position;
    }

    // A keyword is compared where it stands: most attempts fail (an operator tried after every operand), and a failed
    // one allocates nothing but its result.
    private Parser<Token> Keyword(string keyword)
    {
        var expectation = $"'{keyword}'";
        var message = $"expected {expectation}";
        string[] expected = [expectation];
        return i =>
        {
            var item = (ItemInput)i;
            var wordEnd = WordEnd(item);
            if (wordEnd - item.Position != keyword.Length || string.CompareOrdinal(item.Source, item.Position, keyword, 0, keyword.Length) != 0)
                return Result.Failure<Token>(i, message, expected);
            var end = item.Forward(keyword.Length);
            return Result.Success(new Token(keyword, SpanOf(i, end)), Skip(end));
        };
    }

    private Parser<Name> Identifier()
    {
        string[] expected = ["a name"];
        return i =>
            ScanWord(i, out var end, out var word) && !RulesParser.Keywords.Contains(word)
                ? Result.Success(new Name(word, SpanOf(i, end)), Skip(end))
                : Result.Failure<Name>(i, "expected a name", expected);
    }

    private Parser<Token> Symbol(string symbol)
    {
        var expectation = $"'{symbol}'";
        var message = $"expected {expectation}";
        string[] expected = [expectation];
        return i =>
        {
            var item = (ItemInput)i;
            var after = item.Position + symbol.Length;
            if (after > item.End || string.CompareOrdinal(item.Source, item.Position, symbol, 0, symbol.Length) != 0)
                return Result.Failure<Token>(i, message, expected);
            // '<' must not be the start of '<=', '=' not of '=='.
            if (symbol.Length == 1 && symbol[0] is '<' or '>' or '=' or '!' && after < item.End && item.Source[after] == '=')
                return Result.Failure<Token>(i, message, expected);
            var end = item.Forward(symbol.Length);
            return Result.Success(new Token(symbol, SpanOf(i, end)), Skip(end));
        };
    }

    private static Parser<IInput> End(params string[] expected) => i =>
        i.AtEnd ? Result.Success(i, i) : Result.Failure<IInput>(i, "expected the end of the item", expected);

    /// <summary>
    /// Operands joined by left-associative operators, in one loop. It returns what
    /// <c>from first in operand from rest in (from o in op from right in operand select ...).XMany() select ...</c>
    /// returns (the same trees, and the same failures: an operator with no operand after it fails where the operand
    /// does), without the closures and results Sprache's combinators make at every step, a parse's main allocation.
    /// </summary>
    private static Parser<Expression> Chain(Parser<Expression> operand, Parser<Token> op) => i =>
    {
        var first = operand(i);
        if (!first.WasSuccessful) return first;
        var left = first.Value;
        var at = first.Remainder;
        while (true)
        {
            var o = op(at);
            if (!o.WasSuccessful)
                return o.Remainder == at ? Result.Success(left, at) : Result.Failure<Expression>(o.Remainder, o.Message, o.Expectations);
            var right = operand(o.Remainder);
            if (!right.WasSuccessful) return right;
            left = new Binary(o.Value.Text, left, right.Value, o.Value.Span, left.Span.To(right.Value.Span));
            at = right.Remainder;
        }
    };

    private static bool ScanNumber(IInput i, out IInput end, out string text)
    {
        end = i;
        text = "";
        if (i.AtEnd || !char.IsAsciiDigit(i.Current)) return false;
        while (!end.AtEnd && char.IsAsciiDigit(end.Current)) end = end.Advance();
        if (!end.AtEnd && end.Current == '.')
        {
            var fraction = end.Advance();
            if (!fraction.AtEnd && char.IsAsciiDigit(fraction.Current))
            {
                end = fraction;
                while (!end.AtEnd && char.IsAsciiDigit(end.Current)) end = end.Advance();
            }
        }
        if (!end.AtEnd && end.Current is 'e' or 'E')
        {
            var exponent = end.Advance();
            if (!exponent.AtEnd && exponent.Current is '+' or '-') exponent = exponent.Advance();
            if (!exponent.AtEnd && char.IsAsciiDigit(exponent.Current))
            {
                end = exponent;
                while (!end.AtEnd && char.IsAsciiDigit(end.Current)) end = end.Advance();
            }
        }
        text = i.Source[i.Position..end.Position];
        return true;
    }

    private bool ScanText(IInput i, out IInput end, out string text)
    {
        end = i;
        text = "";
        if (i.AtEnd || i.Current != '"') return false;
        var value = new System.Text.StringBuilder();
        end = i.Advance();
        while (true)
        {
            if (end.AtEnd || end.Current == '\n')
            {
                Lexical(RuleMessages.UnterminatedText(_path, SpanOf(i, end)));
                break;
            }
            var c = end.Current;
            if (c == '"')
            {
                end = end.Advance();
                break;
            }
            if (c == '\\')
            {
                var escape = end.Advance();
                if (escape.AtEnd || escape.Current == '\n')
                {
                    end = escape;
                    continue;
                }
                var e = escape.Current;
                switch (e)
                {
                    case '"': value.Append('"'); break;
                    case '\\': value.Append('\\'); break;
                    case 'n': value.Append('\n'); break;
                    case 'r': value.Append('\r'); break;
                    case 't': value.Append('\t'); break;
                    default:
                        // \u00e9, \U0001F600, \x41 as other languages write them: name the character they mean.
                        var (meant, after) = CodePointEscape(escape);
                        Lexical(meant is null
                            ? RuleMessages.InvalidEscape(_path, SpanOf(end, escape.Advance()), e)
                            : RuleMessages.CodePointEscape(_path, SpanOf(end, after), _text[end.Position..after.Position], meant));
                        value.Append(e);
                        break;
                }
                end = escape.Advance();
                continue;
            }
            value.Append(c);
            end = end.Advance();
        }
        text = value.ToString();
        return true;
    }

    /// <summary>
    /// The character a <c>\u</c> (4 hex digits), <c>\U</c> (8) or <c>\x</c> (2) escape at <paramref name="letter"/>
    /// means, when it is one a person can type and see, and the input after the escape; else null.
    /// </summary>
    private static (string? Meant, IInput After) CodePointEscape(IInput letter)
    {
        var digits = letter.Current switch { 'u' => 4, 'U' => 8, 'x' => 2, _ => 0 };
        var at = letter.Advance();
        var hex = new System.Text.StringBuilder();
        while (hex.Length < digits && !at.AtEnd && char.IsAsciiHexDigit(at.Current))
        {
            hex.Append(at.Current);
            at = at.Advance();
        }
        if (digits == 0 || hex.Length != digits
            || !int.TryParse(hex.ToString(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code)
            || code > 0x10FFFF || code is >= 0xD800 and <= 0xDFFF)
            return (null, letter);
        var meant = char.ConvertFromUtf32(code);
        var category = CharUnicodeInfo.GetUnicodeCategory(meant, 0);
        var visible = category is not (UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.OtherNotAssigned or UnicodeCategory.PrivateUse
            or UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            or UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark);
        return visible ? (meant, at) : (null, letter);
    }

    /// <summary>A regex token's text is the pattern, a NUL, then the flags.</summary>
    private bool ScanRegex(IInput i, out IInput end, out string text)
    {
        end = i;
        text = "";
        if (i.AtEnd || i.Current != '/') return false;
        var pattern = new System.Text.StringBuilder();
        end = i.Advance();
        var closed = false;
        var inSet = false;
        while (!end.AtEnd && end.Current != '\n')
        {
            var c = end.Current;
            if (c == '/')
            {
                if (inSet) SlashInSet(i, end);
                end = end.Advance();
                closed = true;
                break;
            }
            if (c == '[') inSet = true;
            else if (c == ']') inSet = false;
            if (c == '\\')
            {
                var next = end.Advance();
                if (!next.AtEnd && next.Current == '/')
                {
                    pattern.Append('/');
                    end = next.Advance();
                    continue;
                }
                if (!next.AtEnd && next.Current != '\n')
                {
                    pattern.Append('\\').Append(next.Current);
                    end = next.Advance();
                    continue;
                }
            }
            pattern.Append(c);
            end = end.Advance();
        }
        if (!closed)
        {
            Lexical(RuleMessages.UnterminatedRegex(_path, SpanOf(i, end)));
            text = pattern + "\u0000";
            return true;
        }
        var flags = new System.Text.StringBuilder();
        while (!end.AtEnd && IsIdentifierPart(end.Current))
        {
            if (end.Current is 'i' or 'm' or 's') flags.Append(end.Current);
            else Lexical(RuleMessages.UnknownRegexFlag(_path, SpanOf(end, end.Advance()), end.Current));
            end = end.Advance();
        }
        text = pattern + "\u0000" + flags;
        return true;
    }

    /// <summary>
    /// A '/' inside <c>[...]</c> ends the regex (as written it is the literal's end), but a reader of JavaScript or a
    /// pattern copied from one takes it for a character of the set: <c>/https?:[/][/]/</c> then fails at the ']' after
    /// it. When the set does close on the line, with a '/' after it, says so at the slash and gives the literal with its
    /// slashes escaped.
    /// </summary>
    private void SlashInSet(IInput start, IInput slash)
    {
        var line = _text.IndexOf('\n', slash.Position);
        var rest = _text[slash.Position..(line < 0 ? _text.Length : line)];
        var written = new System.Text.StringBuilder(_text[start.Position..slash.Position]);
        var inSet = true;
        for (var k = 0; k < rest.Length; k++)
        {
            var c = rest[k];
            if (c == '\\' && k + 1 < rest.Length)
            {
                written.Append(c).Append(rest[++k]);
                continue;
            }
            if (c == '/' && inSet)
            {
                written.Append("\\/");
                continue;
            }
            if (c == '/')
            {
                written.Append('/');
                while (k + 1 < rest.Length && IsIdentifierPart(rest[k + 1])) written.Append(rest[++k]);
                Lexical(RuleMessages.InvalidRegex(_path, SpanOf(slash, slash.Advance()),
                    $"this '/' inside [...] ends the regex; write a slash as \\/, also inside [...]: {written}"));
                return;
            }
            if (c == '[') inSet = true;
            else if (c == ']') inSet = false;
            written.Append(c);
        }
    }

    private bool ScanBacktick(IInput i, out IInput end, out string text)
    {
        end = i;
        text = "";
        if (i.AtEnd || i.Current != '`') return false;
        end = i.Advance();
        while (!end.AtEnd && end.Current != '`' && end.Current != '\n') end = end.Advance();
        var closed = !end.AtEnd && end.Current == '`';
        text = i.Source[(i.Position + 1)..end.Position];
        if (closed) end = end.Advance();
        else Lexical(RuleMessages.UnterminatedField(_path, SpanOf(i, end)));
        return true;
    }

    /// <summary>Records a lexical diagnostic once: a token scanned again (by an alternative that backtracks) reports it again.</summary>
    private void Lexical(Diagnostic d) => _lexical.TryAdd((d.Location!.Line, d.Location.Column, d.Code), d);
}

internal static class ParserExtensions
{
    /// <summary>
    /// The first of <paramref name="options"/> that parses, as <c>options[0].Or(options[1]).Or(...)</c> chooses it, with
    /// the same failure when none does (the one that got furthest; at a tie the earlier one, expecting what each of the
    /// tied ones expected), but without the result, closure and expectation union each <c>Or</c> makes per attempt.
    /// </summary>
    public static Parser<T> FirstOf<T>(params Parser<T>[] options) => i =>
    {
        var result = options[0](i);
        List<IEnumerable<string>>? tied = null; // the expectations of the failures tied with result, once there are any
        for (var k = 1; k < options.Length; k++)
        {
            if (result.WasSuccessful)
            {
                // Or tries the next option only after a success that consumed nothing, and keeps that success if it fails.
                if (!result.Remainder.Equals(i)) return result;
                var next = options[k](i);
                if (next.WasSuccessful) result = next;
                continue;
            }
            var r = options[k](i);
            if (r.WasSuccessful || r.Remainder.Position > result.Remainder.Position)
            {
                result = r;
                tied = null;
            }
            else if (r.Remainder.Position == result.Remainder.Position)
            {
                tied ??= [result.Expectations];
                tied.Add(r.Expectations);
            }
        }
        // Merged only when read (most failures are dropped by an alternative or an optional part that follows).
        return tied is null ? result : Result.Failure<T>(result.Remainder, result.Message, tied.SelectMany(e => e).Distinct());
    };

    /// <summary>Replaces what a parser expects when it fails without consuming input (Sprache's Named with several names).</summary>
    public static Parser<T> Expect<T>(this Parser<T> parser, params string[] expected) => i =>
    {
        var r = parser(i);
        return r.WasSuccessful || !r.Remainder.Equals(i) ? r : Result.Failure<T>(i, r.Message, expected);
    };
}
