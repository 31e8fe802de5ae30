using System.Globalization;
using Snorkeler.Dsl.Syntax;

namespace Snorkeler.Dsl;

/// <summary>
/// Every diagnostic of the rule language, in one place: stable codes (SNK0001-SNK0499 errors, SNK0501-SNK0599
/// warnings) and the exact
/// wording of each message. docs/rules.md lists them; tests assert them whole.
/// </summary>
public static class RuleMessages
{
    /// <summary>The stable diagnostic codes.</summary>
    public static class Codes
    {
        /// <summary>The text does not follow the grammar: <c>unexpected X, expected Y</c>.</summary>
        public const string Syntax = "SNK0001";
        /// <summary>A text literal has no closing quote on its line.</summary>
        public const string UnterminatedText = "SNK0002";
        /// <summary>A regex literal has no closing slash on its line.</summary>
        public const string UnterminatedRegex = "SNK0003";
        /// <summary>A regex flag other than i, m, s.</summary>
        public const string UnknownRegexFlag = "SNK0004";
        /// <summary>An unknown backslash escape in a text literal.</summary>
        public const string InvalidEscape = "SNK0005";
        /// <summary>A backtick field name has no closing backtick on its line.</summary>
        public const string UnterminatedField = "SNK0006";
        /// <summary>A <c>label</c> names a class that is not declared.</summary>
        public const string UnknownLabel = "SNK0007";
        /// <summary>No <c>labels</c> declaration for the folder and no classes from the data.</summary>
        public const string NoLabels = "SNK0008";
        /// <summary>Two rule files declare different classes.</summary>
        public const string ConflictingLabels = "SNK0009";
        /// <summary>A <c>labels</c> declaration with fewer than two classes.</summary>
        public const string TooFewLabels = "SNK0010";
        /// <summary>A class named twice in one <c>labels</c> declaration.</summary>
        public const string RepeatedLabel = "SNK0011";
        /// <summary>ABSTAIN declared as a class.</summary>
        public const string AbstainDeclared = "SNK0012";
        /// <summary>Two <c>labels</c> declarations in one file.</summary>
        public const string LabelsTwice = "SNK0013";
        /// <summary>Brackets nested deeper than <see cref="RulesParser.MaxNesting"/>.</summary>
        public const string TooDeep = "SNK0014";
        /// <summary>An expression deeper than <see cref="RulesParser.MaxDepth"/> operators.</summary>
        public const string TooLong = "SNK0015";
        /// <summary>A <c>labels</c> line declares more classes than votes can hold.</summary>
        public const string TooManyLabels = "SNK0016";
        /// <summary>Text in curly, angle or single quotes.</summary>
        public const string WrongQuotes = "SNK0017";
        /// <summary>A single '=' where a comparison ('==') is expected.</summary>
        public const string SingleEquals = "SNK0018";
        /// <summary>An item keyword (<c>lf</c>, <c>let</c>, <c>labels</c>) indented inside the item before it.</summary>
        public const string IndentedItem = "SNK0019";
        /// <summary>A field name with spaces written without backticks.</summary>
        public const string SpacedFieldName = "SNK0020";
        /// <summary>A two-argument function written between its arguments, as if it were an operator (<c>text starts_with "why"</c>).</summary>
        public const string FunctionAsOperator = "SNK0021";
        /// <summary>A ':' after <c>labels</c>, as after an LF's name (<c>labels: HAM, SPAM</c>).</summary>
        public const string LabelsColon = "SNK0022";
        /// <summary>A number literal beyond the range of a <see cref="double"/> (<c>1e400</c>), which would read as infinity.</summary>
        public const string NumberTooLarge = "SNK0023";
        /// <summary>Two LFs with one name.</summary>
        public const string DuplicateLf = "SNK0101";
        /// <summary>Two <c>let</c> constants with one name in a file.</summary>
        public const string DuplicateLet = "SNK0102";
        /// <summary>A field that the data does not have (checked when the data's columns are known).</summary>
        public const string UnknownField = "SNK0103";
        /// <summary>A <c>let</c> constant used above its definition.</summary>
        public const string LetBeforeDefinition = "SNK0104";
        /// <summary>A call of a function that does not exist.</summary>
        public const string UnknownFunction = "SNK0105";
        /// <summary>A <c>let</c> value that is not a constant (it reads a field or computes).</summary>
        public const string LetNotConstant = "SNK0106";
        /// <summary>An LF reads a field the data being labelled does not have (reported when the LF is bound).</summary>
        public const string MissingColumn = "SNK0107";
        /// <summary>An operator applied to operands of the wrong types.</summary>
        public const string OperandType = "SNK0201";
        /// <summary>A function called with the wrong number of arguments.</summary>
        public const string ArgumentCount = "SNK0202";
        /// <summary>A function argument of the wrong type.</summary>
        public const string ArgumentType = "SNK0203";
        /// <summary>A <c>when</c> condition that is not true/false.</summary>
        public const string ConditionType = "SNK0204";
        /// <summary>A list mixing text and numbers, or holding something else.</summary>
        public const string ListItemType = "SNK0205";
        /// <summary><c>lines(...)</c> outside a <c>let</c>, or with a non-literal argument.</summary>
        public const string LinesUsage = "SNK0206";
        /// <summary><c>matches</c> with text on its right instead of a regex.</summary>
        public const string MatchesText = "SNK0207";
        /// <summary>A regex that does not parse.</summary>
        public const string InvalidRegex = "SNK0301";
        /// <summary>A regex construct the linear-time engine cannot run (backreferences, lookarounds...).</summary>
        public const string UnsupportedRegex = "SNK0302";
        /// <summary>A keyword file that does not exist.</summary>
        public const string KeywordFileNotFound = "SNK0401";
        /// <summary>A keyword file outside the LF folder.</summary>
        public const string KeywordFileOutside = "SNK0402";
        /// <summary>A keyword file that cannot be read.</summary>
        public const string KeywordFileUnreadable = "SNK0403";
        /// <summary>Warning: text in quotes that names a field, in a test of constants (<c>"customer tier" == "gold"</c>).</summary>
        public const string TextIsFieldName = "SNK0501";
        /// <summary>Warning: a test of constants only, which is always true or always false.</summary>
        public const string ConstantCondition = "SNK0502";
        /// <summary>Warning: <c>lower(x)</c> compared with text that has capitals (or <c>upper(x)</c> with small letters).</summary>
        public const string CaseImpossible = "SNK0503";
        /// <summary>Warning: a <c>let</c> constant that no rule uses (directly, or through another constant that a rule uses).</summary>
        public const string UnusedLet = "SNK0504";
        /// <summary>Warning: a rule file with no item (empty, or comments only).</summary>
        public const string EmptyFile = "SNK0505";
        /// <summary>Warning: a <c>let</c> constant named like a column of the data, which it hides from the rules that write its name.</summary>
        public const string LetHidesColumn = "SNK0506";
        /// <summary>Warning: a keyword file read by <c>lines(...)</c> that holds no keyword, so the tests of its list never find one.</summary>
        public const string EmptyKeywordFile = "SNK0507";
        /// <summary>Warning from the data: a field compared with a constant its column never holds.</summary>
        public const string ValueNeverSeen = "SNK0510";
        /// <summary>Warning from the data: a field compared with a constant its column holds only in another case.</summary>
        public const string ValueOtherCase = "SNK0511";
        /// <summary>Warning from the data: a regex without the <c>i</c> flag that matches no value of its column as written, but some ignoring case.</summary>
        public const string RegexCase = "SNK0512";
    }

    private static string Hint(string? near) => near is null ? "" : $"; did you mean '{near}'?";

    private static Diagnostic Error(string code, string message, string path, TextSpan span) => Diagnostic.Error(code, message, span.In(path));

    internal static Diagnostic Syntax(string path, TextSpan at, string found, IReadOnlyList<string> expected, string? near)
        => Error(Codes.Syntax, $"unexpected {found}, expected {Alternatives(expected)}{Hint(near)}", path, at);

    internal static Diagnostic StrayClose(string path, TextSpan at, IReadOnlyList<string> expected)
        => Error(Codes.Syntax, $"unexpected ')', expected {Alternatives(expected)}: no '(' before it is open; remove it, or add the '(' it should close", path, at);

    internal static string Alternatives(IReadOnlyList<string> items) => items.Count == 0 ? "something else" : Text.Listing.Join(items, "or");

    internal static Diagnostic WrongQuotes(string path, TextSpan at, string found, string literal)
        => Error(Codes.WrongQuotes, $"{found} is in curly or single quotes; write text in straight double quotes: {literal}", path, at);

    internal static Diagnostic SingleEquals(string path, TextSpan at)
        => Error(Codes.SingleEquals, "'=' is not a comparison; did you mean '=='?", path, at);

    internal static Diagnostic IndentedItem(string path, TextSpan at, string keyword, string indentation)
        => Error(Codes.IndentedItem, $"'{keyword}' starts a new item, and items start at the beginning of a line: remove the {Blanks(indentation)} before it (clauses under an lf are indented, items are not)", path, at);

    /// <summary>Indentation in words: "2 spaces", "the tab", or, when spaces and tabs are mixed, "indentation".</summary>
    private static string Blanks(string indentation)
    {
        foreach (var (blank, name) in new[] { (' ', "space"), ('\t', "tab") })
        {
            if (indentation.Any(c => c != blank)) continue;
            return indentation.Length == 1 ? name : Count(indentation.Length, name);
        }
        return "indentation";
    }

    internal static Diagnostic SpacedFieldName(string path, TextSpan at, string name)
        => Error(Codes.SpacedFieldName, $"'{name}' is not one name: write a field name with spaces in backticks, `{name}`", path, at);

    internal static Diagnostic FunctionAsOperator(string path, TextSpan at, string function, string left, string right)
        => Error(Codes.FunctionAsOperator, $"'{function}' is a function, not an operator: write {function}({left}, {right})", path, at);

    internal static Diagnostic LabelsColon(string path, TextSpan at, string classes)
        => Error(Codes.LabelsColon, classes.Length == 0
            ? "'labels' takes no ':' (an lf's name does): write the classes after it, as in 'labels HAM, SPAM'"
            : $"'labels' takes no ':' (an lf's name does): write 'labels {classes}'", path, at);

    internal static Diagnostic NumberTooLarge(string path, TextSpan at, string written)
        => Error(Codes.NumberTooLarge, $"the number {written} is too large: numbers go up to about 1.8e308; write a smaller one", path, at);

    internal static Diagnostic MatchesText(string path, TextSpan at, string text)
        => Error(Codes.MatchesText, $"'matches' takes a regex between slashes, not text in quotes: write /{text.Replace("/", "\\/", StringComparison.Ordinal)}/ (add i after it to ignore case)", path, at);

    internal static Diagnostic TooDeep(string path, TextSpan at)
        => Error(Codes.TooDeep, $"brackets nest deeper than {RulesParser.MaxNesting} levels; split the condition", path, at);

    internal static Diagnostic TooLong(string path, TextSpan at, int limit)
        => Error(Codes.TooLong, $"the expression chains more than {limit} operators; split it into several clauses", path, at);

    internal static Diagnostic UnterminatedText(string path, TextSpan at)
        => Error(Codes.UnterminatedText, "unterminated text: add the closing '\"' on the same line", path, at);

    internal static Diagnostic UnterminatedRegex(string path, TextSpan at)
        => Error(Codes.UnterminatedRegex, "unterminated regex: add the closing '/' on the same line (write '\\/' for a slash inside it)", path, at);

    internal static Diagnostic UnknownRegexFlag(string path, TextSpan at, char flag)
        => Error(Codes.UnknownRegexFlag, $"unknown regex flag '{flag}'; use i (ignore case), m (multiline) or s (dot matches newline)", path, at);

    internal static Diagnostic InvalidEscape(string path, TextSpan at, char escaped)
        => Error(Codes.InvalidEscape, $"unknown escape '\\{escaped}' in text; use \\\", \\\\, \\n, \\r or \\t", path, at);

    internal static Diagnostic CodePointEscape(string path, TextSpan at, string written, string meant)
        => Error(Codes.InvalidEscape, $"unknown escape '{written}' in text; write the character itself, \"{meant}\" (rule files are UTF-8), or use \\\", \\\\, \\n, \\r or \\t", path, at);

    internal static Diagnostic UnterminatedField(string path, TextSpan at)
        => Error(Codes.UnterminatedField, "unterminated field name: add the closing '`' on the same line", path, at);

    /// <summary>
    /// An unknown class: the class it is a typo of, and the classes with where they are declared (<paramref name="declaredAt"/>,
    /// "line 2" or "base.rules(2,1)"; null when they come from the data set's label.json), as the slip may be there.
    /// </summary>
    internal static Diagnostic UnknownLabel(string path, TextSpan at, string name, IReadOnlyList<string> classes, string? declaredAt, string? usedAt)
        => Error(Codes.UnknownLabel, Text.LabelMessages.UnknownLabel(name, Text.LabelMessages.Meant(name, classes), classes, declaredAt, usedAt), path, at);

    /// <summary>An unknown class used at several places, which is a declared class no rule uses spelt otherwise: reported once, at the declaration.</summary>
    internal static Diagnostic MisspeltClass(string path, TextSpan at, string name, string declared, string usedAt)
        => Error(Codes.UnknownLabel, $"unknown label '{name}' at {usedAt}, and no rule labels '{declared}', declared here: did you mean '{name}'?", path, at);

    internal static Diagnostic NoLabels(string path, TextSpan at)
        => Error(Codes.NoLabels, "no classes declared: add a line such as 'labels HAM, SPAM' to a .rules file", path, at);

    internal static Diagnostic ConflictingLabels(string path, TextSpan at, LabelSchema mine, SourceLocation first, LabelSchema theirs)
        => Error(Codes.ConflictingLabels, $"labels {string.Join(", ", mine.ClassNames)} differ from labels {string.Join(", ", theirs.ClassNames)} declared at {first}; all rule files share one set of classes", path, at);

    internal static Diagnostic TooManyLabels(string path, TextSpan at, int count)
        => Error(Codes.TooManyLabels, $"'labels' declares {count:N0} classes; at most {LabelSchema.MaxCardinality:N0} (votes are stored as 16-bit numbers)", path, at);

    internal static Diagnostic TooFewLabels(string path, TextSpan at, int count)
        => Error(Codes.TooFewLabels, $"'labels' needs at least two classes, got {count}", path, at);

    internal static Diagnostic RepeatedLabel(string path, TextSpan at, string name)
        => Error(Codes.RepeatedLabel, $"class '{name}' is declared twice", path, at);

    internal static Diagnostic AbstainDeclared(string path, TextSpan at)
        => Error(Codes.AbstainDeclared, "'ABSTAIN' is implicit (-1) and cannot be declared as a class", path, at);

    internal static Diagnostic LabelsTwice(string path, TextSpan at, SourceLocation first)
        => Error(Codes.LabelsTwice, $"'labels' is already declared at {first}", path, at);

    internal static Diagnostic DuplicateLf(string path, TextSpan at, string name, SourceLocation first)
        => Error(Codes.DuplicateLf, $"LF '{name}' is already defined at {first}", path, at);

    internal static Diagnostic DuplicateLet(string path, TextSpan at, string name, SourceLocation first)
        => Error(Codes.DuplicateLet, $"'{name}' is already defined at {first}", path, at);

    /// <summary>
    /// A field the data lacks, once for all its uses: names the data and lists its columns (not the <c>let</c>
    /// constants), and says what probably fixes it: the column it is a typo of, a misspelt constant, a
    /// <c>--column</c> mapping to a similar or free-text column, or a delimiter when the data has one column.
    /// </summary>
    internal static Diagnostic UnknownField(Semantics.UnknownFieldUse first, int uses, Data.DataSchema columns, Loading.DataHints? data,
        IEnumerable<string>? read = null)
    {
        var hint = Data.ColumnGuess.MissingFieldHint(first.Name, columns, data, first.Lets, read);
        var times = uses > 1 ? $" (used {uses} times)" : "";
        return Error(Codes.UnknownField, $"unknown field '{first.Name}'{times}: {data?.Name ?? "the data"} has no such column{hint} (columns: {columns.Listed})", first.Path, first.Span);
    }

    internal static Diagnostic LetBeforeDefinition(string path, TextSpan at, string name, SourceLocation definition)
        => Error(Codes.LetBeforeDefinition, $"'{name}' is used before its definition at {definition}", path, at);

    internal static Diagnostic UnknownFunction(string path, TextSpan at, string name, IEnumerable<string> functions)
        => Error(Codes.UnknownFunction, $"unknown function '{name}'{Hint(Text.Suggest.Nearest(name, functions))}", path, at);

    internal static Diagnostic LetNotConstant(string path, TextSpan at, string let)
        => Error(Codes.LetNotConstant, $"'let {let}' must be a constant: text, a number, true/false, a list, a regex or lines(\"file\")", path, at);

    internal static string MissingColumn(SourceLocation at, string lf, string field, Data.DataSchema columns)
        => $"{at}: error {Codes.MissingColumn}: LF '{lf}' reads field '{field}' but the data has no such column{Hint(Text.Suggest.Nearest(field, columns.Names))} (columns: {columns.Listed})";

    /// <summary>A type error about a constant, with where the constant is defined: "...; got text ('words' is defined at line 4)".</summary>
    internal static Diagnostic WithDefinition(Diagnostic d, string name, TextSpan defined)
        => d with { Message = string.Create(CultureInfo.InvariantCulture, $"{d.Message} ('{name}' is defined at line {defined.Line})") };

    internal static Diagnostic OperandType(string path, TextSpan at, string op, string expected, string side, string actual, string? hint = null)
        => Error(Codes.OperandType, $"'{op}' needs {expected} on its {side}, got {actual}{(hint is null ? "" : "; " + hint)}", path, at);

    /// <summary>'==', '!=' or 'in' with sides of different kinds, which can never be equal: both are named, as neither alone is at fault.</summary>
    internal static Diagnostic UnlikeOperands(string path, TextSpan at, string op, string left, string right, string? hint)
    {
        var always = op == "!=" ? "always be true" : "always be false";
        var what = op == "in" ? $"'in' looks for {left} (left) in {right} (right), which never holds one" : $"'{op}' compares {left} (left) with {right} (right), which are never equal";
        return Error(Codes.OperandType, $"{what}, so it would {always}{(hint is null ? "" : "; " + hint)}", path, at);
    }

    internal static Diagnostic ContainsList(string path, TextSpan at)
        => Error(Codes.OperandType, "'contains' needs text on its right, got a list of text; write 'contains any' or 'contains all'", path, at);

    internal static Diagnostic ArgumentCount(string path, TextSpan at, string function, int expected, int actual)
        => Error(Codes.ArgumentCount, $"'{function}' takes {Count(expected, "argument")}, got {actual}", path, at);

    internal static Diagnostic ArgumentType(string path, TextSpan at, string function, int index, string expected, string actual)
        => Error(Codes.ArgumentType, $"argument {index} of '{function}' must be {expected}, got {actual}", path, at);

    internal static Diagnostic ConditionType(string path, TextSpan at, string actual)
        => Error(Codes.ConditionType, $"a condition must be true or false, got {actual}", path, at);

    internal static Diagnostic ListItemType(string path, TextSpan at, int index, string expected, string actual)
        => Error(Codes.ListItemType, $"list item {index} must be {expected}, got {actual}; a list holds only text or only numbers", path, at);

    internal static Diagnostic LinesUsage(string path, TextSpan at)
        => Error(Codes.LinesUsage, "'lines' reads a keyword file: write it as 'let NAME = lines(\"file.txt\")'", path, at);

    internal static Diagnostic InvalidRegex(string path, TextSpan at, string reason)
        => Error(Codes.InvalidRegex, $"invalid regex: {reason}", path, at);

    /// <summary>A regex construct the engine rejects, named as .NET names it ("backreference (\ number)"), or null when its name is not known.</summary>
    internal static Diagnostic UnsupportedRegex(string path, TextSpan at, string? construct)
        => Error(Codes.UnsupportedRegex, $"the regex uses {WithArticle(construct ?? "construct")}, which the linear-time regex engine cannot run; rewrite it without backreferences, lookarounds or atomic groups", path, at);

    /// <summary>"a backreference (\ number)", "an ...", and no article for a plural: "atomic subexpressions (?> pattern)".</summary>
    private static string WithArticle(string noun)
    {
        var words = noun.Split(" (")[0];
        return words.EndsWith('s') ? noun : ("aeiou".Contains(noun[0]) ? "an " : "a ") + noun;
    }

    /// <summary>A regex whose automaton would pass the engine's 10,000 states, said by what makes it so: a counted repetition, or many alternatives (a word list).</summary>
    internal static Diagnostic RegexTooLarge(string path, TextSpan at, Semantics.RegexSize size)
    {
        const string tooLarge = "the regex is too large for the linear-time regex engine";
        if (size.LargestCount > 1 && size.LargestCount >= size.Alternatives)
            return Error(Codes.UnsupportedRegex, $"{tooLarge} (a counted repetition such as {{100000}} unrolls into that many states; at most 10,000); use a smaller count or a simpler pattern", path, at);
        return size.Alternatives > 1
            ? Error(Codes.UnsupportedRegex, $"{tooLarge} (its {Thousands(size.Alternatives)} alternatives need more than 10,000 states); {UseContainsAny}", path, at)
            : Error(Codes.UnsupportedRegex, $"{tooLarge} (it needs more than 10,000 states); use a simpler pattern", path, at);
    }

    /// <summary>A regex longer than <see cref="Semantics.RegexBuilds.MaxPatternLength"/>, refused before it is built.</summary>
    internal static Diagnostic RegexTooLong(string path, TextSpan at, Semantics.RegexSize size)
        => Error(Codes.UnsupportedRegex, $"the regex is {Thousands(size.Length)} characters long, more than the {Thousands(Semantics.RegexBuilds.MaxPatternLength)} a regex may have"
            + (size.Alternatives > 1 ? $" (it has {Thousands(size.Alternatives)} alternatives); {UseContainsAny}" : "; use a simpler pattern"), path, at);

    /// <summary>The language's own way to test a word list, which has no size limit (docs/rules.md, let and contains any).</summary>
    private const string UseContainsAny = "for a list of words, write them as a list (let words = [\"free\", \"win\"]) or in a keyword file (let words = lines(\"words.txt\")) and test 'text contains any words', which finds any of them in the text, ignoring case";

    private static string Thousands(int n) => n.ToString("N0", CultureInfo.InvariantCulture);

    internal static Diagnostic KeywordFileNotFound(string path, TextSpan at, string file)
        => Error(Codes.KeywordFileNotFound, $"keyword file '{Text.Printable.FileName(file)}' not found next to the rule file", path, at);

    internal static Diagnostic KeywordFileOutside(string path, TextSpan at, string file)
        => Error(Codes.KeywordFileOutside, $"keyword file '{Text.Printable.FileName(file)}' is outside the labelling-function folder", path, at);

    internal static Diagnostic KeywordFileUnreadable(string path, TextSpan at, string file, string reason)
        => Error(Codes.KeywordFileUnreadable, $"cannot read keyword file '{Text.Printable.FileName(file)}': {reason}", path, at);

    private static Diagnostic Warning(string code, string message, string path, TextSpan span) => new(code, DiagnosticSeverity.Warning, message, span.In(path));

    private static string Always(bool value) => value ? "always true" : "always false";

    internal static Diagnostic TextIsFieldName(string path, TextSpan at, string text, string field, bool value)
        => Warning(Codes.TextIsFieldName, $"\"{text}\" is text, not the field '{field}': write the field as {FieldSyntax(field)} (as written, the test compares constants and is {Always(value)})", path, at);

    internal static Diagnostic ConstantCondition(string path, TextSpan at, bool value)
        => Warning(Codes.ConstantCondition, $"this test reads no field of the row, so it is {Always(value)}; write field names bare or in backticks, not in quotes", path, at);

    internal static Diagnostic CaseImpossible(string path, TextSpan at, string function, string text, string fixedText, string op)
        => Warning(Codes.CaseImpossible, $"{function}(...) never gives \"{text}\" (it has {(function == "lower" ? "capitals" : "small letters")}), so '{op}' is {Always(op == "!=")}; write \"{fixedText}\"", path, at);

    internal static Diagnostic LetHidesColumn(string path, TextSpan at, string name, string column)
        => Warning(Codes.LetHidesColumn, $"'{name}' is a let constant and also a column of the data ('{column}'): where a rule writes {name} it reads the constant, not the column; rename the constant, or write the column in backticks, `{column}`", path, at);

    internal static Diagnostic UnusedLet(string path, TextSpan at, string name, IReadOnlyList<string> usedBy)
        => Warning(Codes.UnusedLet, usedBy.Count == 0
            ? $"'{name}' is defined but no rule uses it; use it in a condition or remove it"
            : $"'{name}' is used only by {Text.Listing.Join(usedBy.Select(u => $"'{u}'").ToArray(), "and")}, which no rule uses either, so it is unused too", path, at);

    internal static Diagnostic EmptyKeywordFile(string path, TextSpan at, string file, string let, IReadOnlyList<string> lfs)
    {
        var users = lfs.Count switch
        {
            0 => "no LF uses it yet",
            1 => $"LF '{lfs[0]}' uses it",
            _ => $"LFs {Text.Listing.Join(lfs.Select(l => $"'{l}'").ToArray(), "and")} use it",
        };
        return Warning(Codes.EmptyKeywordFile, $"keyword file '{Text.Printable.FileName(file)}' holds no keyword (it is empty, or has only blank lines and # comments), so '{let}' is an empty list " +
            $"and {users}: 'contains any' and 'in' never find one of its words; write one keyword per line", path, at);
    }

    internal static Diagnostic EmptyFile(string path)
        => Warning(Codes.EmptyFile, "the file declares no LF: it holds no labels, let or lf line (only comments or blank lines); add an LF (lf name: when ... label CLASS) or remove the file", path, new TextSpan(0, 1, 1, 0));

    internal static Diagnostic ValueNeverSeen(string path, TextSpan at, string field, string value, string data, IReadOnlyList<string> values, bool moreValues)
    {
        var near = Text.Suggest.Nearest(value, values);
        var listed = values.Count == 0 ? "it is always missing" : moreValues ? $"{values.Count}+ distinct values, e.g. {Quote(values.Take(5))}" : $"values: {Quote(values)}";
        return Warning(Codes.ValueNeverSeen, $"column '{field}' of {data} never holds \"{value}\"{(near is null ? "" : $"; did you mean \"{near}\"?")} ({listed})", path, at);
    }

    internal static Diagnostic RegexCase(string path, TextSpan at, string pattern, string flags, string field, string data, long ignoringCase, string example)
        => Warning(Codes.RegexCase, $"/{pattern}/{flags} matches no value of column '{field}' of {data}, but {ignoringCase:N0} ignoring case (such as \"{Shorten(example)}\"); a regex tells capitals from small letters unless it ends with i: write /{pattern}/{flags}i", path, at);

    /// <summary>A value quoted in a message: its first 60 characters.</summary>
    private static string Shorten(string value) => value.Length <= 60 ? value : value[..57] + "...";

    internal static Diagnostic ValueOtherCase(string path, TextSpan at, string field, string value, string data, string seen)
        => Warning(Codes.ValueOtherCase, $"column '{field}' of {data} holds \"{seen}\" but never \"{value}\", and == compares case exactly: write \"{seen}\", or compare lower({FieldSyntax(field)}) with \"{seen.ToLowerInvariant()}\"", path, at);

    /// <summary>A field as rule text: bare when it is a plain name, else in backticks.</summary>
    internal static string FieldSyntax(string field)
        => field.Length > 0 && Grammar.IsIdentifierStart(field[0]) && field.All(Grammar.IsIdentifierPart) && !RulesParser.Keywords.Contains(field) ? field : $"`{field}`";

    private static string Quote(IEnumerable<string> values) => string.Join(", ", values.Select(v => $"\"{v}\""));

    private static string Count(int n, string noun) => n.ToString(CultureInfo.InvariantCulture) + " " + noun + (n == 1 ? "" : "s");
}
