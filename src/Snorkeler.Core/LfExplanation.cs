namespace Snorkeler;

/// <summary>A piece of a row's text that made an LF fire: <see cref="Length"/> characters of field <see cref="Field"/> from <see cref="Start"/>.</summary>
/// <param name="Field">The field, by the name the LF reads it under.</param>
/// <param name="Start">The 0-based offset of the first character, in UTF-16 code units.</param>
/// <param name="Length">Its length in UTF-16 code units (0 for a match of nothing, such as <c>contains ""</c>).</param>
public readonly record struct TextMatch(string Field, int Start, int Length);

/// <summary>
/// Why an LF voted as it did on one row: which of its clauses fired, that clause's condition as written, and the
/// pieces of text that made it hold (the keyword <c>contains</c> found, the regex match, the whole value an
/// <c>==</c> or <c>in</c> compared). Conditions on numbers (<c>word_count(text) &lt; 5</c>) have no matches.
/// </summary>
/// <param name="Clause">The 0-based index of the clause that gave the vote.</param>
/// <param name="Condition">The clause's condition as written in the LF file, when known.</param>
/// <param name="Matches">The text that made it hold, in the order the condition reads it.</param>
public sealed record LfExplanation(int Clause, string? Condition, IReadOnlyList<TextMatch> Matches);
