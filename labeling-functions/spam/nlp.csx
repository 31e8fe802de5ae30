// YouTube spam: the Snorkel tutorial's NLP labelling functions, which the .rules DSL cannot express.
// The classes (HAM, SPAM) come from 'labels HAM, SPAM' in spam.rules beside this file.
//
// The tutorial uses spaCy (named entities) and TextBlob (sentiment). Neither exists for .NET, so these
// LFs approximate them with small, readable word lists; see docs/scripts.md for how well they agree.

// has_person_nlp: a short comment (fewer than 20 tokens) that mentions a person is usually a real
// reaction to the video. spaCy's PERSON entities are approximated by a list of names: the artists and
// people of the five videos (and others commenters bring up) plus common English first names.
Lf("has_person_nlp", row =>
{
    var tokens = Tokens(row.Text("text"));
    return tokens.Count < 20 && tokens.Any(t => PersonNames.Contains(t)) ? HAM : ABSTAIN;
});

// textblob_polarity: very positive comments are usually about the video ("best song ever").
Lf("textblob_polarity", row => Sentiment(row.Text("text")).Polarity > 0.9 ? HAM : ABSTAIN);

// textblob_subjectivity: opinions are usually about the video; spam is matter-of-fact ("check out ...").
Lf("textblob_subjectivity", row => Sentiment(row.Text("text")).Subjectivity >= 0.5 ? HAM : ABSTAIN);

// ---------------------------------------------------------------------------------------------------
// Tokens: words (letters, digits, apostrophes), emoticons and punctuation, roughly as spaCy splits them.
static readonly Regex TokenPattern = new(@"[:;]-?[()DPp]|<3|[\p{L}\p{N}']+|[^\s\p{L}\p{N}]", RegexOptions.Compiled);

static List<string> Tokens(string text)
{
    var clean = text.Replace("&#39;", "'").Replace("&quot;", "\"").Replace("&amp;", "&").Replace("<br />", " ");
    return TokenPattern.Matches(clean).Select(m => m.Value).ToList();
}

static readonly HashSet<string> PersonNames = new(StringComparer.OrdinalIgnoreCase)
{
    // the videos' artists and people
    "Katy", "Perry", "Psy", "Eminem", "Rihanna", "Rihana", "Shakira", "Redfoo", "Skyblu", "Marshall", "Mathers",
    // people commenters mention
    "Bieber", "Justin", "Gaga", "Beyonce", "Miley", "Cyrus", "Selena", "Gomez", "Taylor", "Swift", "Adele", "Drake",
    "Jackson", "Michael", "Megan", "Fox", "Charlie", "Obama", "Jesus", "Kanye", "Snoop", "Pitbull", "Madonna", "Britney",
    // common first names
    "James", "John", "Robert", "David", "William", "Richard", "Joseph", "Thomas", "Chris", "Daniel", "Matthew", "Anthony",
    "Mark", "Paul", "Steven", "Andrew", "Kevin", "Brian", "George", "Tom", "Jack", "Harry", "Sam", "Alex", "Max", "Adam",
    "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Susan", "Jessica", "Sarah", "Karen", "Nancy", "Lisa", "Emma",
    "Anna", "Emily", "Laura", "Kate", "Amy", "Rachel", "Olivia", "Sophia", "Mia", "Maria", "Jose", "Juan", "Carlos",
};

// ---------------------------------------------------------------------------------------------------
// Sentiment, after TextBlob's PatternAnalyzer: the mean polarity (-1..1) and subjectivity (0..1) of the
// words found in a lexicon; an intensifier before a word multiplies its scores, a negation multiplies
// its polarity by -0.5. The lexicon is ours and small: values are close to, not copied from, TextBlob's.
static readonly Dictionary<string, (double Polarity, double Subjectivity)> Lexicon = new(StringComparer.OrdinalIgnoreCase)
{
    ["best"] = (1.0, 0.3), ["greatest"] = (1.0, 1.0), ["awesome"] = (1.0, 1.0), ["perfect"] = (1.0, 1.0),
    ["excellent"] = (1.0, 1.0), ["wonderful"] = (1.0, 1.0), ["brilliant"] = (0.9, 1.0), ["incredible"] = (0.9, 0.9),
    ["beautiful"] = (0.85, 1.0), ["great"] = (0.8, 0.75), ["happy"] = (0.8, 1.0), ["proud"] = (0.8, 1.0),
    ["good"] = (0.7, 0.6), ["amazing"] = (0.6, 0.9), ["nice"] = (0.6, 1.0), ["popular"] = (0.6, 0.9),
    ["own"] = (0.6, 1.0), ["love"] = (0.5, 0.6), ["loved"] = (0.7, 0.8), ["lovely"] = (0.5, 0.75),
    ["favorite"] = (0.5, 1.0), ["favourite"] = (0.5, 1.0), ["fav"] = (0.5, 1.0), ["cute"] = (0.5, 1.0),
    ["glad"] = (0.5, 1.0), ["sexy"] = (0.5, 1.0), ["famous"] = (0.5, 1.0), ["sure"] = (0.5, 0.89),
    ["latest"] = (0.5, 0.9), ["interesting"] = (0.5, 0.5), ["many"] = (0.5, 0.5), ["more"] = (0.5, 0.5),
    ["top"] = (0.5, 0.5), ["fantastic"] = (0.4, 0.9), ["free"] = (0.4, 0.8), ["huge"] = (0.4, 0.9),
    ["cool"] = (0.35, 0.65), ["sweet"] = (0.35, 0.65), ["true"] = (0.35, 0.65), ["full"] = (0.35, 0.55),
    ["super"] = (0.33, 0.67), ["fun"] = (0.3, 0.2), ["right"] = (0.29, 0.54), ["funny"] = (0.25, 1.0),
    ["hot"] = (0.25, 0.85), ["pretty"] = (0.25, 1.0), ["first"] = (0.25, 0.33), ["real"] = (0.2, 0.3),
    ["much"] = (0.2, 0.2), ["whole"] = (0.2, 0.4), ["thanks"] = (0.2, 0.2), ["new"] = (0.14, 0.45),
    ["old"] = (0.1, 0.2), ["epic"] = (0.1, 0.1), ["only"] = (0.0, 1.0), ["different"] = (0.0, 0.6),
    ["little"] = (-0.19, 0.5), ["dead"] = (-0.2, 0.4), ["sad"] = (-0.5, 1.0), ["wrong"] = (-0.5, 0.9),
    ["weird"] = (-0.5, 1.0), ["random"] = (-0.5, 0.5), ["crazy"] = (-0.6, 0.9), ["bad"] = (-0.7, 0.67),
    ["ugly"] = (-0.7, 1.0), ["stupid"] = (-0.8, 1.0), ["hate"] = (-0.8, 0.9), ["worst"] = (-1.0, 1.0),
    ["terrible"] = (-1.0, 1.0), ["horrible"] = (-1.0, 1.0), ["boring"] = (-1.0, 1.0), ["disgusting"] = (-1.0, 1.0),
    [":)"] = (0.5, 1.0), [":-)"] = (0.5, 1.0), [";)"] = (0.5, 1.0), [":D"] = (1.0, 1.0), [":P"] = (0.5, 1.0),
    ["<3"] = (0.7, 0.9), [":("] = (-0.75, 1.0), [":-("] = (-0.75, 1.0),
};

static readonly Dictionary<string, double> Intensifiers = new(StringComparer.OrdinalIgnoreCase)
{
    ["very"] = 1.3, ["really"] = 1.3, ["so"] = 1.3, ["extremely"] = 1.5, ["totally"] = 1.3, ["too"] = 1.3,
};

static readonly HashSet<string> Negations = new(StringComparer.OrdinalIgnoreCase) { "not", "never", "no", "n't", "don't", "isn't", "doesn't" };

static (double Polarity, double Subjectivity) Sentiment(string text)
{
    var tokens = Tokens(text);
    double polarity = 0, subjectivity = 0;
    var found = 0;
    for (var i = 0; i < tokens.Count; i++)
    {
        if (!Lexicon.TryGetValue(tokens[i], out var score)) continue;
        var (p, s) = score;
        if (i > 0 && Intensifiers.TryGetValue(tokens[i - 1], out var boost))
        {
            p = Math.Clamp(p * boost, -1, 1);
            s = Math.Clamp(s * boost, 0, 1);
        }
        if ((i > 0 && Negations.Contains(tokens[i - 1])) || (i > 1 && Negations.Contains(tokens[i - 2]))) p *= -0.5;
        polarity += p;
        subjectivity += s;
        found++;
    }
    return found == 0 ? (0, 0) : (polarity / found, subjectivity / found);
}
