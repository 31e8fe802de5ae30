// The seven keyword, regex and length LFs of labeling-functions/spam/spam.rules, written as C# script
// LFs doing the same work, so the benchmark compares the two ways of writing LFs on equal terms. It
// follows the speed advice of docs/scripts.md: case-insensitive search with SearchValues (many times
// faster than Contains(..., OrdinalIgnoreCase) on text with non-ASCII characters), a compiled regex,
// spans rather than strings.
using System.Buffers;

Labels("HAM", "SPAM");

static SearchValues<string> Word(string word) => SearchValues.Create([word], StringComparison.OrdinalIgnoreCase);

static readonly SearchValues<string> My = Word("my"), Subscribe = Word("subscribe"), Http = Word("http"),
    Please = Word("please"), Plz = Word("plz"), Song = Word("song");

static readonly Regex CheckOut = new("check.*out", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);

static bool Has(DataRow row, SearchValues<string> word) => row.Span("text").ContainsAny(word);

// Words as Python's str.split() counts them, without a branch per word boundary.
static int Words(ReadOnlySpan<char> s)
{
    var count = 0;
    var previousSpace = 1;
    foreach (var c in s)
    {
        var space = char.IsWhiteSpace(c) ? 1 : 0;
        count += previousSpace & (space ^ 1);
        previousSpace = space;
    }
    return count;
}

Lf("keyword_my", row => Has(row, My) ? SPAM : ABSTAIN);
Lf("keyword_subscribe", row => Has(row, Subscribe) ? SPAM : ABSTAIN);
Lf("keyword_link", row => Has(row, Http) ? SPAM : ABSTAIN);
Lf("keyword_please", row => Has(row, Please) || Has(row, Plz) ? SPAM : ABSTAIN);
Lf("keyword_song", row => Has(row, Song) ? HAM : ABSTAIN);
Lf("regex_check_out", row => CheckOut.IsMatch(row.Span("text")) ? SPAM : ABSTAIN);
Lf("short_comment", row => !row.IsMissing("text") && Words(row.Span("text")) < 5 ? HAM : ABSTAIN);
