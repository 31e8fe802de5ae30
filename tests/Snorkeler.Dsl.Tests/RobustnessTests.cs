using Snorkeler.Data;
using Snorkeler.Dsl.Syntax;

namespace Snorkeler.Dsl.Tests;

/// <summary>Any text at all ends in diagnostics, never an exception.</summary>
public sealed class RobustnessTests
{
    private static readonly string SpamRules = File.ReadAllText(TestPaths.InRepo("labeling-functions", "spam", "spam.rules"));

    private static readonly string[] Fragments =
    [
        "lf", "let", "labels", "when", "label", "and", "or", "not", "contains", "any", "all", "matches", "in", "between", "is", "missing",
        "(", ")", "[", "]", ",", ":", "=", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "\"", "`", "#", "\n", " ", "\\",
        "text", "SPAM", "HAM", "ABSTAIN", "lower(", "lines(\"", "word_count(", "count(", "/a(b/", "/x/q", "1e", "1.5", "\"\\q\"", "é", "😀", "\0", "\r\n",
    ];

    /// <summary>Loads text through the whole pipeline (parse, check, compile, bind, vote) and returns the diagnostics.</summary>
    private static IReadOnlyList<Diagnostic> Exercise(string text)
    {
        using var folder = new TempFolder();
        var set = Rules.Load(text, new DataSchema(["text"]), folder: folder.Path);
        foreach (var lf in set.Functions)
        {
            var row = Rules.Row(("text", "Check out my song http://x 12"));
            var vote = lf.Bind(row.Schema)(row);
            vote.ShouldBeInRange(-1, 1);
        }
        return set.Diagnostics;
    }

    [Fact]
    public void Two_thousand_mutations_of_the_spam_rules_end_in_diagnostics_never_an_exception()
    {
        // Given
        var random = new Random(20261123);

        for (var n = 0; n < 2000; n++)
        {
            // When
            var text = Mutate(SpamRules, random);

            // Then
            var diagnostics = Should.NotThrow(() => Exercise(text), $"case {n}: {text}");
            diagnostics.ShouldAllBe(d => d.Location != null && d.Location.Line >= 1 && d.Location.Column >= 1 && d.Code.StartsWith("SNK0"));
        }
    }

    [Fact]
    public void Random_strings_of_grammar_fragments_end_in_diagnostics_never_an_exception()
    {
        // Given
        var random = new Random(7);

        for (var n = 0; n < 1000; n++)
        {
            var text = "labels HAM, SPAM\nlf a:\n    when " + string.Concat(Enumerable.Range(0, random.Next(1, 30)).Select(_ => Fragments[random.Next(Fragments.Length)] + (random.Next(3) == 0 ? "" : " ")));

            // When / Then
            Should.NotThrow(() => Exercise(text), $"case {n}: {text}");
        }
    }

    [FsCheck.Xunit.Property(MaxTest = 500)]
    public bool Parsing_any_string_returns_diagnostics_with_valid_positions(string? text)
    {
        var result = RulesParser.TryParse("fuzz.rules", text ?? "");
        return result.Diagnostics.All(d => d.Location is { Line: >= 1, Column: >= 1 })
               && result.File.Items.All(i => i.Span.Offset >= 0 && i.Span.End <= (text ?? "").Length);
    }

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public void Loading_any_bytes_as_text_never_throws(byte[] bytes)
    {
        var text = System.Text.Encoding.UTF8.GetString(bytes ?? []);
        Exercise(text);
        Exercise("labels HAM, SPAM\nlf a:\n    when " + text);
    }

    [Fact]
    public void Deeply_nested_brackets_and_long_negation_chains_are_handled()
    {
        Exercise("labels HAM, SPAM\nlf a:\n    when " + new string('(', 100_000)).ShouldNotBeEmpty();
        Exercise("labels HAM, SPAM\nlf a:\n    when " + string.Concat(Enumerable.Repeat("not ", 20_000)) + "true label SPAM")
            .Select(d => d.Code).ShouldBe(["SNK0015"]);
        Exercise("labels HAM, SPAM\nlf a:\n    when " + string.Concat(Enumerable.Repeat("- ", 20_000)) + "1 < 2 label SPAM")
            .Select(d => d.Code).ShouldBe(["SNK0015"]);
        Exercise("labels HAM, SPAM\nlf a:\n    when true" + string.Concat(Enumerable.Repeat(" or false", 20_000)) + " label SPAM")
            .Select(d => d.Code).ShouldBe(["SNK0015"]);
        Exercise("labels HAM, SPAM\nlf a:\n    when " + string.Concat(Enumerable.Repeat("not ", 500)) + "true label SPAM").ShouldBeEmpty();
    }

    [Fact]
    public void Brackets_in_comments_and_text_do_not_count_towards_the_nesting_limit()
    {
        var brackets = new string('(', 100);
        Exercise($"labels HAM, SPAM\nlf a:  # {brackets}\n    when text contains \"{brackets}\\\"\" label SPAM\n").ShouldBeEmpty();
    }

    private static string Mutate(string source, Random random)
    {
        var chars = source.ToList();
        var edits = random.Next(1, 6);
        for (var e = 0; e < edits; e++)
        {
            var at = random.Next(chars.Count + 1);
            switch (random.Next(5))
            {
                case 0 when chars.Count > 0 && at < chars.Count:
                    chars.RemoveRange(at, Math.Min(random.Next(1, 8), chars.Count - at));
                    break;
                case 1:
                    chars.InsertRange(at, Fragments[random.Next(Fragments.Length)]);
                    break;
                case 2 when at < chars.Count:
                    chars[at] = (char)random.Next(0, 0x3000);
                    break;
                case 3 when chars.Count > 0:
                    var from = random.Next(chars.Count);
                    var length = Math.Min(random.Next(1, 40), chars.Count - from);
                    chars.InsertRange(at, chars.GetRange(from, length));
                    break;
                default:
                    chars.Insert(at, (char)random.Next(32, 127));
                    break;
            }
        }
        return new string(chars.ToArray());
    }
}
