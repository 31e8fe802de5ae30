// The seven keyword, regex and length LFs of labeling-functions/spam/spam.rules, written as C# script
// LFs doing the same work, so the benchmark compares the two ways of writing LFs on equal terms.
Labels("HAM", "SPAM");

static readonly Regex CheckOut = new("check.*out", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);

static bool Has(DataRow row, string word) => row.Span("text").Contains(word, StringComparison.OrdinalIgnoreCase);

static int Words(ReadOnlySpan<char> s)
{
    var count = 0;
    var inWord = false;
    foreach (var c in s)
    {
        if (char.IsWhiteSpace(c)) inWord = false;
        else if (!inWord) { inWord = true; count++; }
    }
    return count;
}

Lf("keyword_my", row => Has(row, "my") ? SPAM : ABSTAIN);
Lf("keyword_subscribe", row => Has(row, "subscribe") ? SPAM : ABSTAIN);
Lf("keyword_link", row => Has(row, "http") ? SPAM : ABSTAIN);
Lf("keyword_please", row => Has(row, "please") || Has(row, "plz") ? SPAM : ABSTAIN);
Lf("keyword_song", row => Has(row, "song") ? HAM : ABSTAIN);
Lf("regex_check_out", row => CheckOut.IsMatch(row.Span("text")) ? SPAM : ABSTAIN);
Lf("short_comment", row => !row.IsMissing("text") && Words(row.Span("text")) < 5 ? HAM : ABSTAIN);
