using Snorkeler.Data;
using Snorkeler.Loading;

namespace Snorkeler.Dsl.Tests;

/// <summary>Every diagnostic the rule language reports, with its whole message, line and column.</summary>
public sealed class DiagnosticMessageTests
{
    private const string Head = "labels HAM, SPAM\nlf a:\n    ";

    public static TheoryData<string, string, string> Cases => new()
    {
        // SNK0001: syntax, one case per grammar rule
        { "SNK0001", "hello world", "test.rules(1,1): error SNK0001: unexpected 'hello', expected 'labels', 'let' or 'lf'" },
        { "SNK0001", "labels HAM SPAM", "test.rules(1,12): error SNK0001: unexpected 'SPAM', expected ','" },
        { "SNK0001", "labels", "test.rules(1,7): error SNK0001: unexpected end of file, expected a class name" },
        { "SNK0001", "let = 5", "test.rules(1,5): error SNK0001: unexpected '=', expected a name" },
        { "SNK0001", "let x 5", "test.rules(1,7): error SNK0001: unexpected number 5, expected '='" },
        { "SNK0001", "let x = 5 6", "test.rules(1,11): error SNK0001: unexpected number 6, expected an operator" },
        { "SNK0001", "labels HAM, SPAM\nlf a\n    when text contains \"x\" label SPAM", "test.rules(2,5): error SNK0001: unexpected keyword 'when' on line 3, expected ':'" },
        { "SNK0001", "labels HAM, SPAM\nlf when:\n    when text contains \"x\" label SPAM", "test.rules(2,4): error SNK0001: unexpected keyword 'when', expected a name" },
        { "SNK0001", Head + "whne text contains \"x\" label SPAM", "test.rules(3,5): error SNK0001: unexpected 'whne', expected 'when'" },
        { "SNK0001", Head + "when text contans \"x\" label SPAM", "test.rules(3,15): error SNK0001: unexpected 'contans', expected an operator or 'label'; did you mean 'contains'?" },
        { "SNK0001", Head + "when text contains \"x\" lable SPAM", "test.rules(3,28): error SNK0001: unexpected 'lable', expected an operator or 'label'; did you mean 'label'?" },
        { "SNK0001", Head + "when text contains \"x\" label", "test.rules(3,33): error SNK0001: unexpected end of file, expected a class name" },
        { "SNK0001", Head + "when text contains label SPAM", "test.rules(3,24): error SNK0001: unexpected keyword 'label', expected a value" },
        { "SNK0001", Head + "when text contains \"x\" label SPAM and", "test.rules(3,39): error SNK0001: unexpected keyword 'and', expected 'when'" },
        { "SNK0001", "labels HAM, SPAM\nlf a:\nlf b:\n    when text contains \"x\" label SPAM", "test.rules(2,6): error SNK0001: unexpected keyword 'lf' on line 3, expected 'when'" },
        { "SNK0001", Head + "when text in [\"a\" \"b\"] label SPAM", "test.rules(3,23): error SNK0001: unexpected text \"b\", expected ',' or ']'" },
        { "SNK0001", Head + "when text in [ label SPAM", "test.rules(3,20): error SNK0001: unexpected keyword 'label', expected a value or ']'" },
        { "SNK0001", Head + "when (text contains \"a\" label SPAM", "test.rules(3,29): error SNK0001: unexpected keyword 'label', expected an operator or ')' to close the '(' at line 3, column 10" },
        { "SNK0001", Head + "when (text contains \"who\" and\n        (text contains \"is\" or text contains \"was\") label SPAM", "test.rules(4,53): error SNK0001: unexpected keyword 'label', expected an operator or ')' to close the '(' at line 3, column 10" },
        { "SNK0001", Head + "when text contains \"who\" and text contains \"is\") label SPAM", "test.rules(3,52): error SNK0001: unexpected ')', expected an operator or 'label': no '(' before it is open; remove it, or add the '(' it should close" },
        { "SNK0001", Head + "when (text contains \"who\")) label SPAM", "test.rules(3,31): error SNK0001: unexpected ')', expected an operator or 'label': no '(' before it is open; remove it, or add the '(' it should close" },
        { "SNK0001", Head + "when starts_with(text \"a\") label SPAM", "test.rules(3,27): error SNK0001: unexpected text \"a\", expected ',' or ')' to close the '(' at line 3, column 21" },
        { "SNK0001", Head + "when text between 1 5 label SPAM", "test.rules(3,25): error SNK0001: unexpected number 5, expected 'and'" },
        { "SNK0001", Head + "when text is nothing label SPAM", "test.rules(3,18): error SNK0001: unexpected 'nothing', expected 'not' or 'missing'" },
        { "SNK0001", Head + "when text == label SPAM", "test.rules(3,18): error SNK0001: unexpected keyword 'label', expected a value" },
        { "SNK0001", Head + "when word_count(text) < 5 + label SPAM", "test.rules(3,33): error SNK0001: unexpected keyword 'label', expected a value" },
        { "SNK0001", Head + "when text contains any label SPAM", "test.rules(3,28): error SNK0001: unexpected keyword 'label', expected a value" },
        { "SNK0001", Head + "when text contains \"x\" label SPAM @", "test.rules(3,39): error SNK0001: unexpected '@', expected 'when'" },
        // hints for the usual mistakes
        { "SNK0017", Head + "when text contains \u201Crefund\u201D label SPAM", "test.rules(3,24): error SNK0017: \u201Crefund\u201D is in curly or single quotes; write text in straight double quotes: \"refund\"" },
        { "SNK0017", Head + "when text contains 'my \"best\" song' label SPAM", "test.rules(3,24): error SNK0017: 'my \"best\" song' is in curly or single quotes; write text in straight double quotes: \"my \\\"best\\\" song\"" },
        { "SNK0017", Head + "when text == \u00ABoui\u00BB label SPAM", "test.rules(3,18): error SNK0017: \u00ABoui\u00BB is in curly or single quotes; write text in straight double quotes: \"oui\"" },
        { "SNK0018", Head + "when tier = \"gold\" label SPAM", "test.rules(3,15): error SNK0018: '=' is not a comparison; did you mean '=='?" },
        { "SNK0019", "labels HAM, SPAM\nlf a:\n    when text contains \"x\" label SPAM\n  lf b:\n    when text contains \"y\" label HAM", "test.rules(4,3): error SNK0019: 'lf' starts a new item, and items start at the beginning of a line: remove the 2 spaces before it (clauses under an lf are indented, items are not)" },
        { "SNK0019", "labels HAM, SPAM\n\tlet w = [\"a\"]", "test.rules(2,2): error SNK0019: 'let' starts a new item, and items start at the beginning of a line: remove the tab before it (clauses under an lf are indented, items are not)" },
        { "SNK0019", "  labels HAM, SPAM\nlf a:\n    when text contains \"x\" label SPAM", "test.rules(1,3): error SNK0019: 'labels' starts a new item, and items start at the beginning of a line: remove the 2 spaces before it (clauses under an lf are indented, items are not)" },
        { "SNK0019", "labels HAM, SPAM\n \tlf a:\n    when text contains \"x\" label SPAM", "test.rules(2,3): error SNK0019: 'lf' starts a new item, and items start at the beginning of a line: remove the indentation before it (clauses under an lf are indented, items are not)" },
        { "SNK0020", Head + "when customer tier == \"gold\" label SPAM", "test.rules(3,10): error SNK0020: 'customer tier' is not one name: write a field name with spaces in backticks, `customer tier`" },
        { "SNK0020", Head + "when lower(first  name of customer) contains \"a\" label SPAM", "test.rules(3,16): error SNK0020: 'first name of customer' is not one name: write a field name with spaces in backticks, `first name of customer`" },
        { "SNK0023", Head + "when length(text) > 1e400 label SPAM", "test.rules(3,25): error SNK0023: the number 1e400 is too large: numbers go up to about 1.8e308; write a smaller one" },
        { "SNK0023", "labels HAM, SPAM\nlet big = -1E999\nlf a:\n    when length(text) > big label SPAM", "test.rules(2,12): error SNK0023: the number 1E999 is too large: numbers go up to about 1.8e308; write a smaller one" },
        { "SNK0022", "labels: HAM, SPAM  # the classes\nlf a:\n    when text contains \"x\" label SPAM", "test.rules(1,7): error SNK0022: 'labels' takes no ':' (an lf's name does): write 'labels HAM, SPAM'" },
        { "SNK0022", "labels :\nlf a:\n    when text contains \"x\" label SPAM", "test.rules(1,8): error SNK0022: 'labels' takes no ':' (an lf's name does): write the classes after it, as in 'labels HAM, SPAM'" },
        { "SNK0021", Head + "when text starts_with \"why\" label SPAM", "test.rules(3,15): error SNK0021: 'starts_with' is a function, not an operator: write starts_with(text, \"why\")" },
        { "SNK0021", Head + "when `first name` ends_with \"a\" and text contains \"b\" label SPAM", "test.rules(3,23): error SNK0021: 'ends_with' is a function, not an operator: write ends_with(`first name`, \"a\")" },
        { "SNK0207", Head + "when text matches \"check.*out/now\" label SPAM", "test.rules(3,23): error SNK0207: 'matches' takes a regex between slashes, not text in quotes: write /check.*out\\/now/ (add i after it to ignore case)" },
        // lexical
        { "SNK0002", Head + "when text contains \"x label SPAM", "test.rules(3,24): error SNK0002: unterminated text: add the closing '\"' on the same line" },
        { "SNK0003", Head + "when text matches /abc label SPAM", "test.rules(3,23): error SNK0003: unterminated regex: add the closing '/' on the same line (write '\\/' for a slash inside it)" },
        { "SNK0004", Head + "when text matches /abc/x label SPAM", "test.rules(3,28): error SNK0004: unknown regex flag 'x'; use i (ignore case), m (multiline) or s (dot matches newline)" },
        { "SNK0005", Head + "when text contains \"a\\q\" label SPAM", "test.rules(3,26): error SNK0005: unknown escape '\\q' in text; use \\\", \\\\, \\n, \\r or \\t" },
        { "SNK0005", Head + "when text contains \"caf\\u00e9\" label SPAM", "test.rules(3,28): error SNK0005: unknown escape '\\u00e9' in text; write the character itself, \"é\" (rule files are UTF-8), or use \\\", \\\\, \\n, \\r or \\t" },
        { "SNK0005", Head + "when text contains \"\\U0001F600!\" label SPAM", "test.rules(3,25): error SNK0005: unknown escape '\\U0001F600' in text; write the character itself, \"😀\" (rule files are UTF-8), or use \\\", \\\\, \\n, \\r or \\t" },
        { "SNK0006", Head + "when `first name contains \"a\" label SPAM", "test.rules(3,10): error SNK0006: unterminated field name: add the closing '`' on the same line" },
        // labels
        { "SNK0007", Head + "when text contains \"x\" label SPAMM", "test.rules(3,34): error SNK0007: unknown label 'SPAMM'; did you mean 'SPAM'? (classes: HAM, SPAM, or ABSTAIN; declared at line 1)" },
        { "SNK0007", Head + "when text contains \"x\" label EGGS", "test.rules(3,34): error SNK0007: unknown label 'EGGS' (classes: HAM, SPAM, or ABSTAIN; declared at line 1)" },
        { "SNK0008", "lf a:\n    when text contains \"x\" label SPAM", "test.rules(2,34): error SNK0008: no classes declared: add a line such as 'labels HAM, SPAM' to a .rules file" },
        { "SNK0010", "labels HAM", "test.rules(1,1): error SNK0010: 'labels' needs at least two classes, got 1" },
        { "SNK0011", "labels HAM, HAM", "test.rules(1,13): error SNK0011: class 'HAM' is declared twice" },
        { "SNK0012", "labels HAM, ABSTAIN", "test.rules(1,13): error SNK0012: 'ABSTAIN' is implicit (-1) and cannot be declared as a class" },
        { "SNK0013", "labels HAM, SPAM\nlabels HAM, SPAM", "test.rules(2,1): error SNK0013: 'labels' is already declared at test.rules(1,1)" },
        { "SNK0014", Head + "when " + new string('(', 70) + "text" + new string(')', 70) + " label SPAM", "test.rules(3,74): error SNK0014: brackets nest deeper than 64 levels; split the condition" },
        { "SNK0015", Head + "when true" + string.Concat(Enumerable.Repeat(" or false", 1001)) + " label SPAM", "test.rules(3,10): error SNK0015: the expression chains more than 1000 operators; split it into several clauses" },
        // names
        { "SNK0101", Head + "when text contains \"x\" label SPAM\nlf a:\n    when text contains \"y\" label SPAM", "test.rules(4,4): error SNK0101: LF 'a' is already defined at test.rules(2,4)" },
        { "SNK0102", "labels HAM, SPAM\nlet w = [\"a\"]\nlet w = [\"b\"]", "test.rules(3,5): error SNK0102: 'w' is already defined at test.rules(2,5)" },
        { "SNK0104", Head + "when text contains any words label SPAM\nlet words = [\"a\"]", "test.rules(3,28): error SNK0104: 'words' is used before its definition at test.rules(4,5)" },
        { "SNK0105", Head + "when lowr(text) contains \"x\" label SPAM", "test.rules(3,10): error SNK0105: unknown function 'lowr'; did you mean 'lower'?" },
        { "SNK0105", Head + "when frobnicate(text) label SPAM", "test.rules(3,10): error SNK0105: unknown function 'frobnicate'" },
        { "SNK0106", "labels HAM, SPAM\nlet w = lower(text)", "test.rules(2,15): error SNK0106: 'let w' must be a constant: text, a number, true/false, a list, a regex or lines(\"file\")" },
        { "SNK0106", "labels HAM, SPAM\nlet w = 1 + 2", "test.rules(2,9): error SNK0106: 'let w' must be a constant: text, a number, true/false, a list, a regex or lines(\"file\")" },
        // types
        { "SNK0201", Head + "when word_count(text) contains \"x\" label SPAM", "test.rules(3,10): error SNK0201: 'contains' needs text on its left, got a number" },
        { "SNK0201", Head + "when text between 1 and \"x\" label HAM", "test.rules(3,29): error SNK0201: 'between' needs a number on its right, got text" },
        { "SNK0201", Head + "when 5 == [1] label SPAM", "test.rules(3,15): error SNK0201: '==' needs a number on its right, got a list of numbers" },
        { "SNK0201", Head + "when text contains \"a\" and 5 label SPAM", "test.rules(3,32): error SNK0201: 'and' needs true/false on its right, got a number" },
        { "SNK0201", Head + "when text in \"abc\" label SPAM", "test.rules(3,18): error SNK0201: 'in' needs a list on its right, got text" },
        { "SNK0201", Head + "when text matches 5 label SPAM", "test.rules(3,23): error SNK0201: 'matches' needs a regex on its right, got a number" },
        { "SNK0201", Head + "when text contains any \"abc\" label SPAM", "test.rules(3,28): error SNK0201: 'contains any' needs a list of text on its right, got text" },
        { "SNK0201", Head + "when (text contains \"a\") is missing label SPAM", "test.rules(3,11): error SNK0201: 'is missing' needs a field, text or a number on its left, got true/false" },
        { "SNK0201", Head + "when length(text) == \"5\" label SPAM", "test.rules(3,26): error SNK0201: '==' compares a number (left) with text (right), which are never equal, so it would always be false; write the number without quotes: 5" },
        { "SNK0201", Head + "when \"5\" != length(text) label SPAM", "test.rules(3,10): error SNK0201: '!=' compares text (left) with a number (right), which are never equal, so it would always be true; write the number without quotes: 5" },
        { "SNK0201", Head + "when lower(text) == 5 label SPAM", "test.rules(3,25): error SNK0201: '==' compares text (left) with a number (right), which are never equal, so it would always be false; write the value in quotes to compare text, or read the text as a number with number(...)" },
        { "SNK0201", Head + "when length(text) == lower(text) label SPAM", "test.rules(3,10): error SNK0201: '==' compares a number (left) with text (right), which are never equal, so it would always be false" },
        { "SNK0201", Head + "when length(text) in [\"1\", \"2\"] label SPAM", "test.rules(3,26): error SNK0201: 'in' looks for a number (left) in a list of text (right), which never holds one, so it would always be false; write the numbers without quotes: [1, 2]" },
        { "SNK0201", Head + "when \"a\" < 5 label SPAM", "test.rules(3,10): error SNK0201: '<' needs a number on its left, got text" },
        { "SNK0201", Head + "when length(text) > \"5\" label SPAM", "test.rules(3,25): error SNK0201: '>' needs a number on its right, got text; write the number without quotes: 5" },
        { "SNK0201", Head + "when \" 2.5\" <= length(text) label SPAM", "test.rules(3,10): error SNK0201: '<=' needs a number on its left, got text; write the number without quotes: 2.5" },
        { "SNK0201", Head + "when length(text) between 1 and \"3\" label SPAM", "test.rules(3,37): error SNK0201: 'between' needs a number on its right, got text; write the number without quotes: 3" },
        { "SNK0201", "labels HAM, SPAM\nlet w = [\"a\"]\nlf a:\n    when text contains w label SPAM", "test.rules(4,24): error SNK0201: 'contains' needs text on its right, got a list of text; write 'contains any' or 'contains all'" },
        { "SNK0202", Head + "when lower(text, text) contains \"x\" label SPAM", "test.rules(3,10): error SNK0202: 'lower' takes 1 argument, got 2" },
        { "SNK0202", Head + "when starts_with(text) label SPAM", "test.rules(3,10): error SNK0202: 'starts_with' takes 2 arguments, got 1" },
        { "SNK0203", Head + "when word_count(5) < 3 label SPAM", "test.rules(3,21): error SNK0203: argument 1 of 'word_count' must be text, got a number" },
        { "SNK0204", Head + "when lower(text) label SPAM", "test.rules(3,10): error SNK0204: a condition must be true or false, got text" },
        { "SNK0205", Head + "when text in [\"a\", 1] label SPAM", "test.rules(3,24): error SNK0205: list item 2 must be text, got a number; a list holds only text or only numbers" },
        { "SNK0205", Head + "when text in [\"a\", author] label SPAM", "test.rules(3,24): error SNK0205: list item 2 must be text, got a value computed from the data; a list holds only text or only numbers" },
        { "SNK0206", Head + "when text contains any lines(\"x.txt\") label SPAM", "test.rules(3,28): error SNK0206: 'lines' reads a keyword file: write it as 'let NAME = lines(\"file.txt\")'" },
        // regexes
        { "SNK0301", Head + "when text matches /(a)b)/ label SPAM", "test.rules(3,28): error SNK0301: invalid regex: this ')' closes no '('; remove it, or to match ')' itself, write \\)" },
        { "SNK0301", Head + "when text matches /+1/ label SPAM", "test.rules(3,24): error SNK0301: invalid regex: quantifier '+' following nothing; to match '*', '+' or '?' itself, write \\*, \\+ or \\?" },
        { "SNK0301", Head + "when text matches /https?:[/][/]/i label SPAM", "test.rules(3,32): error SNK0301: invalid regex: this '/' inside [...] ends the regex; write a slash as \\/, also inside [...]: /https?:[\\/][\\/]/i" },
        { "SNK0301", Head + "when text matches /[^/]+/ label SPAM", "test.rules(3,26): error SNK0301: invalid regex: this '/' inside [...] ends the regex; write a slash as \\/, also inside [...]: /[^\\/]+/" },
        { "SNK0301", Head + "when text matches /(?P<year>\\d{4})-(?P<month>\\d\\d)/ label SPAM", "test.rules(3,24): error SNK0301: invalid regex: (?P<year>...) is Python's way to name a group; .NET writes (?<year>...)" },
        { "SNK0301", Head + "when text matches /(a/ label SPAM", "test.rules(3,24): error SNK0301: invalid regex: this '(' is never closed; close it with ')', or to match '(' itself, write \\(" },
        { "SNK0302", Head + "when text matches /(a)\\1/ label SPAM", "test.rules(3,27): error SNK0302: the regex uses a backreference (\\ number), which the linear-time regex engine cannot run; rewrite it without backreferences, lookarounds or atomic groups" },
        { "SNK0302", Head + "when text matches /(?>a)/ label SPAM", "test.rules(3,24): error SNK0302: the regex uses atomic subexpressions (?> pattern), which the linear-time regex engine cannot run; rewrite it without backreferences, lookarounds or atomic groups" },
        { "SNK0302", Head + "when text matches /\\Ga/ label SPAM", "test.rules(3,24): error SNK0302: the regex uses contiguous matches (\\G), which the linear-time regex engine cannot run; rewrite it without backreferences, lookarounds or atomic groups" },
        { "SNK0302", Head + "when text matches /(?<x>a)(?<y-x>b)/ label SPAM", "test.rules(3,31): error SNK0302: the regex uses a balancing group (?<name1-name2>subexpression) or (?'name1-name2' subexpression), which the linear-time regex engine cannot run; rewrite it without backreferences, lookarounds or atomic groups" },
        // a file with no item
        { "SNK0505", "", "test.rules(1,1): warning SNK0505: the file declares no LF: it holds no labels, let or lf line (only comments or blank lines); add an LF (lf name: when ... label CLASS) or remove the file" },
        { "SNK0505", "# spam rules, to do\n\n   # later\n", "test.rules(1,1): warning SNK0505: the file declares no LF: it holds no labels, let or lf line (only comments or blank lines); add an LF (lf name: when ... label CLASS) or remove the file" },
        // keyword files
        { "SNK0401", "labels HAM, SPAM\nlet w = lines(\"nope.txt\")", "test.rules(2,15): error SNK0401: keyword file 'nope.txt' not found next to the rule file" },
        { "SNK0402", "labels HAM, SPAM\nlet w = lines(\"../outside.txt\")", "test.rules(2,15): error SNK0402: keyword file '../outside.txt' is outside the labelling-function folder" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_rule_file_with_one_mistake_reports_exactly_that_diagnostic(string code, string text, string expected)
    {
        // Given
        using var folder = new TempFolder();

        // When
        var diagnostics = Rules.Load(text, folder: folder.Path).Diagnostics;

        // Then
        diagnostics.Select(d => d.ToString()).ShouldBe([expected]);
        diagnostics[0].Code.ShouldBe(code);
    }

    [Fact]
    public void Every_code_in_the_catalogue_has_a_message_test()
    {
        // Given
        var codes = typeof(RuleMessages.Codes).GetFields().Select(f => (string)f.GetValue(null)!).ToList();
        var tested = Cases.Select(c => (string)c[0]).Concat(["SNK0009", "SNK0103", "SNK0107", "SNK0403", "SNK0016" /* 40,000 classes: Reliability.Tests SilentWrongResultTests */, "SNK0507" /* needs a keyword file: RulesLoaderTests */])
            .Concat(RuleWarningTests.Cases.Select(c => (string)c[0])).Concat(RuleWarningTests.DataCases.Select(c => (string)c[0])).ToHashSet();

        // Then
        codes.Where(c => !tested.Contains(c)).ShouldBeEmpty();
        codes.ShouldBeUnique();
    }

    [Theory]
    [InlineData("'a\tb'", "a\tb")]
    [InlineData("'back\\slash \"quoted\"'", "back\\slash \"quoted\"")]
    [InlineData("'refund", "refund label SPAM")] // unclosed: the text up to the line's end, not its carriage return
    public void The_text_a_wrong_quotes_hint_suggests_in_a_file_with_CRLF_line_ends_reads_back_as_the_text_quoted(string written, string quoted)
    {
        // Given text in single quotes, in a file with CRLF line ends (before: the suggestion escaped only '"' and '\', and
        // took the line end's carriage return for text, so it held a line break and did not parse)
        var text = (Head + "when text contains " + written + " label SPAM\n").Replace("\n", "\r\n", StringComparison.Ordinal);
        var diagnostic = Rules.Load(text).Diagnostics.First(d => d.Code == "SNK0017");
        const string before = "straight double quotes: ";
        var literal = diagnostic.Message[(diagnostic.Message.IndexOf(before, StringComparison.Ordinal) + before.Length)..];

        // When the suggested literal is written in its place
        var references = new RulesLoader().References(new LfSourceFile("/lfs/a.rules", $"labels HAM, SPAM\nlet w = lines({literal})\n"));

        // Then it is the text quoted
        references.ShouldHaveSingleItem().Written.ShouldBe(quoted);
    }

    [Fact]
    public void Between_bounds_written_in_quotes_each_get_the_fix()
    {
        // When
        var diagnostics = Rules.Diagnostics(Head + "when length(text) between \"1\" and \"3\" label SPAM");

        // Then
        diagnostics.ShouldBe([
            "test.rules(3,31): error SNK0201: 'between' needs a number on its right, got text; write the number without quotes: 1",
            "test.rules(3,39): error SNK0201: 'between' needs a number on its right, got text; write the number without quotes: 3",
        ]);
    }

    [Fact]
    public void An_unknown_field_is_reported_with_the_nearest_column_when_the_data_columns_are_known()
    {
        // When
        var diagnostics = Rules.Diagnostics(Head + "when txet contains \"x\" label SPAM", new DataSchema(["text", "author"]));

        // Then
        diagnostics.ShouldBe(["test.rules(3,10): error SNK0103: unknown field 'txet': the data has no such column; did you mean 'text'? (columns: text, author)"]);
    }

    [Fact]
    public void Two_rule_files_declaring_different_labels_are_reported_at_the_second_declaration()
    {
        // Given
        using var folder = new TempFolder();
        var first = folder.Write("a.rules", "labels HAM, SPAM\n");
        var second = folder.Write("b.rules", "labels SPAM, HAM\n");

        // When
        var set = Rules.LoadFiles(folder.Path, first, second);

        // Then
        set.Diagnostics.Select(d => d.ToString()).ShouldBe([
            $"{second}(1,1): error SNK0009: labels SPAM, HAM differ from labels HAM, SPAM declared at {first}(1,1); all rule files share one set of classes",
        ]);
        set.Schema!.ClassNames.ShouldBe(["HAM", "SPAM"]);
    }

    [Fact]
    public void Binding_an_LF_to_data_without_its_field_throws_a_compiler_format_message()
    {
        // Given
        var lf = Rules.Load(Head + "when `body text` contains \"x\" label SPAM").Functions.Single();

        // When
        var error = Should.Throw<SnorkelerException>(() => lf.Bind(new DataSchema(["text", "author"])));

        // Then
        error.Message.ShouldEndWith("test.rules(3,10): error SNK0107: LF 'a' reads field 'body text' but the data has no such column (columns: text, author)");
    }

    [Fact]
    public void A_keyword_file_that_cannot_be_read_is_reported()
    {
        // Given
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder.File("words.txt"));

        // When
        var diagnostics = Rules.Load("labels HAM, SPAM\nlet w = lines(\"words.txt\")", folder: folder.Path).Diagnostics;

        // Then
        diagnostics.Count.ShouldBe(1);
        diagnostics[0].ToString().ShouldStartWith("test.rules(2,15): error SNK0403: cannot read keyword file 'words.txt': ");
    }

    [Fact]
    public void A_character_outside_the_BMP_is_named_by_its_code_point_not_by_half_of_its_surrogate_pair()
    {
        // When: the emoji is two UTF-16 units, and columns count UTF-16 units
        var diagnostic = Rules.Load("labels HAM, SPAM\nlf spam_\U0001F600:\n    when text contains \"x\" label SPAM").Diagnostics.Single();

        // Then (the message, not ToString: Core's Printable.OneLine escapes the low surrogate of any pair)
        diagnostic.Code.ShouldBe("SNK0001");
        (diagnostic.Location!.Line, diagnostic.Location.Column, diagnostic.Location.Length).ShouldBe((2, 9, 2));
        diagnostic.Message.ShouldBe("unexpected character U+1F600 '\U0001F600', expected ':'");
    }

    [Fact]
    public void Lexical_errors_on_a_long_line_and_on_a_short_line_are_both_reported()
    {
        // Given: an unknown escape at (3,100025) and one at (4,25), which a key of line * 100000 + column takes for one place
        var text = Head + "when text contains \"" + new string('x', 100_000) + "\\q\" label SPAM\n    when text contains \"\\q\" label HAM";

        // When
        var diagnostics = Rules.Diagnostics(text);

        // Then
        diagnostics.ShouldBe([
            "test.rules(3,100025): error SNK0005: unknown escape '\\q' in text; use \\\", \\\\, \\n, \\r or \\t",
            "test.rules(4,25): error SNK0005: unknown escape '\\q' in text; use \\\", \\\\, \\n, \\r or \\t",
        ]);
    }

    [Theory]
    [InlineData(" or false")]
    [InlineData(" and true")]
    public void An_expression_of_exactly_1000_operators_is_accepted_as_the_limit_says(string link)
    {
        // Given: true and 1000 links after it
        var text = Head + "when true" + string.Concat(Enumerable.Repeat(link, 1000)) + " label SPAM";

        // When
        var set = Rules.Load(text);

        // Then
        set.Diagnostics.ShouldBeEmpty();
        Rules.Vote(text, ("text", "x")).ShouldBe(1);
    }

    private static string WordList(int words) => string.Join("|", Enumerable.Range(0, words).Select(k => $"word{k}"));

    private const string UseContainsAny = "for a list of words, write them as a list (let words = [\"free\", \"win\"]) or in a keyword file (let words = lines(\"words.txt\")) and test 'text contains any words', which finds any of them in the text, ignoring case";

    [Fact]
    public void A_regex_of_a_thousand_alternative_words_is_too_large_for_its_alternatives_not_for_a_counted_repetition()
    {
        // When
        var diagnostics = Rules.Diagnostics(Head + $"when text matches /\\b({WordList(1000)})\\b/ label SPAM");

        // Then
        diagnostics.ShouldBe([$"test.rules(3,23): error SNK0302: the regex is too large for the linear-time regex engine (its 1,000 alternatives need more than 10,000 states); {UseContainsAny}"]);
    }

    [Fact]
    public void A_regex_too_large_for_neither_alternatives_nor_a_count_is_said_to_be_too_large()
    {
        // When
        var diagnostics = Rules.Diagnostics(Head + $"when text matches /{new string('a', 12_000)}/ label SPAM");

        // Then
        diagnostics.ShouldBe(["test.rules(3,23): error SNK0302: the regex is too large for the linear-time regex engine (it needs more than 10,000 states); use a simpler pattern"]);
    }

    [Fact]
    public void A_regex_longer_than_the_limit_is_rejected_before_the_engine_spends_seconds_building_it()
    {
        // Given: 100,000 words, about 1 MB, which the engine takes some 30 s to reject
        var text = Head + $"when text matches /\\b({WordList(100_000)})\\b/ label SPAM";
        var clock = System.Diagnostics.Stopwatch.StartNew();

        // When
        var diagnostics = Rules.Diagnostics(text);

        // Then
        diagnostics.ShouldBe([$"test.rules(3,23): error SNK0302: the regex is 988,895 characters long, more than the 50,000 a regex may have (it has 100,000 alternatives); {UseContainsAny}"]);
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Every_indented_item_is_reported_the_first_included_and_each_is_still_parsed()
    {
        // Given: a whole file indented by four spaces (pasted from somewhere)
        var text = "    labels HAM, SPAM\n\n    let w = [\"a\"]\n\n    lf a:\n        when text contains any w label SPAM\n";

        // When
        var diagnostics = Rules.Diagnostics(text);

        // Then: one SNK0019 per item, and none of what follows from dropping an item (no classes, an unknown constant)
        diagnostics.ShouldBe(new[] { (1, "labels"), (3, "let"), (5, "lf") }.Select(item =>
            $"test.rules({item.Item1},5): error SNK0019: '{item.Item2}' starts a new item, and items start at the beginning of a line: remove the 4 spaces before it (clauses under an lf are indented, items are not)"));
    }

    [Fact]
    public void Errors_and_warnings_of_every_phase_come_out_in_line_and_column_order()
    {
        // Given: an unknown field (found last, once for all its uses), a warning (found after the checks), a syntax error, a lexical error and a type error
        var text = """
            labels HAM, SPAM
            lf a:
                when txet contains "x" label SPAM
            lf w:
                when "body" contains "refund" label SPAM
            lf b:
                whne text contains "y" label SPAM
            lf c:
                when text contains "\q" or word_count(text) contains "z" label HAM
            """;

        // When
        var diagnostics = Rules.Diagnostics(text, new DataSchema(["text"]));

        // Then
        diagnostics.Select(d => d[..d.IndexOf(':')] + d[d.IndexOf(' ')..d.IndexOf(':', d.IndexOf(' '))]).ShouldBe([
            "test.rules(3,10) error SNK0103",
            "test.rules(5,10) warning SNK0502",
            "test.rules(7,5) error SNK0001",
            "test.rules(9,25) error SNK0005",
            "test.rules(9,32) error SNK0201",
        ]);
    }

    [Fact]
    public void Several_errors_in_one_file_are_all_reported_in_order()
    {
        // Given
        var text = """
            labels HAM, SPAM
            lf a:
                whne text contains "x" label SPAM
            lf b:
                when text contains "y" label SPAMM
            lf c:
                when text contains "z" label HAM
            lf d:
                when lowr(text) contains "q" label HAM
            """;

        // When
        var set = Rules.Load(text);

        // Then
        set.Diagnostics.Select(d => d.ToString()).ShouldBe([
            "test.rules(3,5): error SNK0001: unexpected 'whne', expected 'when'",
            "test.rules(5,34): error SNK0007: unknown label 'SPAMM'; did you mean 'SPAM'? (classes: HAM, SPAM, or ABSTAIN; declared at line 1)",
            "test.rules(9,10): error SNK0105: unknown function 'lowr'; did you mean 'lower'?",
        ]);
        set.Functions.Select(f => f.Name).ShouldBe(["c"]);
    }
}

public sealed class DocumentationTests
{
    [Fact]
    public void The_language_reference_lists_every_diagnostic_code_and_function()
    {
        // Given
        var docs = File.ReadAllText(TestPaths.InRepo("docs", "rules.md"));
        var codes = typeof(RuleMessages.Codes).GetFields().Select(f => (string)f.GetValue(null)!);

        // Then
        codes.Where(c => !docs.Contains($"| {c} |", StringComparison.Ordinal)).ShouldBeEmpty();
        Semantics.Checker.Functions.Keys.Where(f => !docs.Contains($"| `{f}(", StringComparison.Ordinal)).ShouldBeEmpty();
        Syntax.RulesParser.Keywords.Where(k => !docs.Contains(k, StringComparison.Ordinal)).ShouldBeEmpty();
    }
}
