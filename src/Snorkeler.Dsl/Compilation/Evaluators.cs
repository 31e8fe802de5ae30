using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Globalization;
using System.Text.RegularExpressions;
using Snorkeler.Data;

namespace Snorkeler.Dsl.Compilation;

// Evaluators: a tree of small objects with one virtual call per node. Text flows as spans over the
// row's buffer (or a per-thread scratch buffer for lower/upper), so the common paths do not allocate.
// A text or number evaluator returns false when the value is missing; comparisons with a missing
// value are false.

internal abstract class TextEval
{
    public abstract bool Eval(DataRow row, out ReadOnlySpan<char> value);
}

internal abstract class NumberEval
{
    public abstract bool Eval(DataRow row, out double value);
}

internal abstract class BoolEval
{
    public abstract bool Eval(DataRow row);
}

internal static class TextRules
{
    /// <summary>Python's <c>str.isspace</c>: .NET white space plus the separators U+001C..U+001F.</summary>
    /// <remarks>Printable ASCII, the common case, is decided by one comparison.</remarks>
    public static bool IsSpace(char c)
        => c <= ' ' ? c == ' ' || c is >= '\t' and <= '\r' || c is >= '\u001c' and <= '\u001f' : c >= '\u0085' && char.IsWhiteSpace(c);

    /// <summary>Words as Python's <c>str.split()</c> finds them: runs of non-space characters.</summary>
    /// <remarks>
    /// Branch-free for ASCII (a table lookup and a bit operation per character): word boundaries are
    /// unpredictable, and a branch per boundary cost more than the rest of the loop (measured 570 → ~100 ns
    /// on a 95-character comment).
    /// </remarks>
    public static int WordCount(ReadOnlySpan<char> s)
    {
        var count = 0;
        var previousSpace = 1u;
        var i = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            // 8 characters at a time: a bit mask of spaces, and a word starts at a non-space after a space.
            ref var start = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<char, ushort>(s));
            for (; i + 8 <= s.Length; i += 8)
            {
                var v = Vector128.LoadUnsafe(ref start, (nuint)i);
                if (Vector128.GreaterThanOrEqualAny(v, Vector128.Create((ushort)128))) break;
                var space = Vector128.Equals(v, Vector128.Create((ushort)' '))
                            | Vector128.LessThanOrEqual(v - Vector128.Create((ushort)'\t'), Vector128.Create((ushort)4))
                            | Vector128.LessThanOrEqual(v - Vector128.Create((ushort)0x1c), Vector128.Create((ushort)3));
                var mask = space.ExtractMostSignificantBits();
                count += BitOperations.PopCount(~mask & ((mask << 1) | previousSpace) & 0xFF);
                previousSpace = (mask >> 7) & 1;
            }
        }
        var spaces = AsciiSpaces;
        for (; i < s.Length; i++)
        {
            var c = s[i];
            var space = c < 128 ? spaces[c] : IsSpace(c) ? 1u : 0u;
            count += (int)(previousSpace & (space ^ 1));
            previousSpace = space;
        }
        return count;
    }

    /// <summary>1 for the ASCII characters <see cref="IsSpace"/> accepts.</summary>
    private static ReadOnlySpan<byte> AsciiSpaces =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1,
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ];

    /// <summary>Unicode code points, like Python's <c>len</c>: a surrogate pair counts once.</summary>
    public static int Length(ReadOnlySpan<char> s)
    {
        var n = s.Length;
        for (var i = 1; i < s.Length; i++)
            if (char.IsLowSurrogate(s[i]) && char.IsHighSurrogate(s[i - 1])) n--;
        return n;
    }

    /// <summary>Non-overlapping occurrences, ignoring case; 0 for an empty needle.</summary>
    public static int Count(ReadOnlySpan<char> s, ReadOnlySpan<char> needle)
    {
        if (needle.IsEmpty) return 0;
        var count = 0;
        while (true)
        {
            var at = s.IndexOf(needle, StringComparison.OrdinalIgnoreCase);
            if (at < 0) return count;
            count++;
            s = s[(at + needle.Length)..];
        }
    }

    /// <summary>Non-overlapping occurrences of a constant needle (searched with <paramref name="values"/>, made from it alone), ignoring case.</summary>
    public static int Count(ReadOnlySpan<char> s, SearchValues<string> values, int needleLength)
    {
        var count = 0;
        while (true)
        {
            var at = s.IndexOfAny(values);
            if (at < 0) return count;
            count++;
            s = s[(at + needleLength)..];
        }
    }

    /// <summary>
    /// A case-insensitive searcher for one constant needle. <see cref="SearchValues{T}"/> with
    /// <see cref="StringComparison.OrdinalIgnoreCase"/> has the semantics of <c>IndexOf(needle, OrdinalIgnoreCase)</c>
    /// but is much faster on text with non-ASCII characters (measured 12 ns against 450 ns on a 100-character
    /// YouTube comment; see docs/benchmarks.md).
    /// </summary>
    public static SearchValues<string> Searcher(string needle) => SearchValues.Create([needle], StringComparison.OrdinalIgnoreCase);

    public static bool TryNumber(ReadOnlySpan<char> s, out double value)
        => double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>A field read as true/false: true for "true" in any case (JSON true arrives as its text), false otherwise.</summary>
    public static bool IsTrue(ReadOnlySpan<char> s) => s.Trim().Equals("true", StringComparison.OrdinalIgnoreCase);
}

// ---- text ----

internal sealed class FieldText(int column) : TextEval
{
    public override bool Eval(DataRow row, out ReadOnlySpan<char> value)
    {
        if (row.IsMissing(column))
        {
            value = default;
            return false;
        }
        value = row.Span(column);
        return true;
    }
}

internal sealed class ConstText(string text) : TextEval
{
    public override bool Eval(DataRow row, out ReadOnlySpan<char> value)
    {
        value = text;
        return true;
    }
}

internal sealed class CaseText(TextEval inner, bool upper) : TextEval
{
    private readonly ThreadLocal<char[]> _buffer = new(() => new char[256]);

    public override bool Eval(DataRow row, out ReadOnlySpan<char> value)
    {
        if (!inner.Eval(row, out var s))
        {
            value = default;
            return false;
        }
        var buffer = _buffer.Value!;
        if (buffer.Length < s.Length) _buffer.Value = buffer = new char[Math.Max(s.Length, buffer.Length * 2)];
        var n = upper ? s.ToUpperInvariant(buffer) : s.ToLowerInvariant(buffer);
        value = buffer.AsSpan(0, n);
        return true;
    }
}

internal sealed class TrimText(TextEval inner) : TextEval
{
    public override bool Eval(DataRow row, out ReadOnlySpan<char> value)
    {
        if (!inner.Eval(row, out var s))
        {
            value = default;
            return false;
        }
        var start = 0;
        var end = s.Length;
        while (start < end && TextRules.IsSpace(s[start])) start++;
        while (end > start && TextRules.IsSpace(s[end - 1])) end--;
        value = s[start..end];
        return true;
    }
}

// ---- numbers ----

internal sealed class ConstNumber(double number) : NumberEval
{
    public override bool Eval(DataRow row, out double value)
    {
        value = number;
        return true;
    }
}

internal sealed class TextNumber(TextEval text) : NumberEval
{
    public override bool Eval(DataRow row, out double value)
    {
        value = 0;
        return text.Eval(row, out var s) && TextRules.TryNumber(s, out value);
    }
}

internal sealed class TextMeasure(TextEval text, bool words) : NumberEval
{
    public override bool Eval(DataRow row, out double value)
    {
        value = 0;
        if (!text.Eval(row, out var s)) return false;
        value = words ? TextRules.WordCount(s) : TextRules.Length(s);
        return true;
    }
}

internal sealed class CountConstNumber(TextEval text, string needle) : NumberEval
{
    private readonly SearchValues<string>? _needle = needle.Length == 0 ? null : TextRules.Searcher(needle);

    public override bool Eval(DataRow row, out double value)
    {
        value = 0;
        if (!text.Eval(row, out var s)) return false;
        value = _needle is null ? 0 : TextRules.Count(s, _needle, needle.Length);
        return true;
    }
}

internal sealed class CountNumber(TextEval text, TextEval needle) : NumberEval
{
    public override bool Eval(DataRow row, out double value)
    {
        value = 0;
        if (!text.Eval(row, out var s) || !needle.Eval(row, out var n)) return false;
        value = TextRules.Count(s, n);
        return true;
    }
}

internal sealed class Negate(NumberEval inner) : NumberEval
{
    public override bool Eval(DataRow row, out double value)
    {
        var ok = inner.Eval(row, out value);
        value = -value;
        return ok;
    }
}

internal sealed class Arithmetic(NumberEval left, NumberEval right, char op) : NumberEval
{
    public override bool Eval(DataRow row, out double value)
    {
        value = 0;
        if (!left.Eval(row, out var a) || !right.Eval(row, out var b)) return false;
        value = op switch { '+' => a + b, '-' => a - b, '*' => a * b, _ => a / b };
        // Division by zero (and overflow to NaN) gives a missing value rather than a number no comparison can use.
        return double.IsFinite(value);
    }
}

// ---- conditions ----

internal sealed class ConstBool(bool value) : BoolEval
{
    public override bool Eval(DataRow row) => value;
}

internal sealed class FieldBool(TextEval text) : BoolEval
{
    public override bool Eval(DataRow row) => text.Eval(row, out var s) && TextRules.IsTrue(s);
}

internal sealed class Not(BoolEval inner) : BoolEval
{
    public override bool Eval(DataRow row) => !inner.Eval(row);
}

internal sealed class And(BoolEval left, BoolEval right) : BoolEval
{
    public override bool Eval(DataRow row) => left.Eval(row) && right.Eval(row);
}

internal sealed class Or(BoolEval left, BoolEval right) : BoolEval
{
    public override bool Eval(DataRow row) => left.Eval(row) || right.Eval(row);
}

internal sealed class CompareNumbers(NumberEval left, NumberEval right, string op) : BoolEval
{
    // The operator as a number, decided once: a switch on the operator's text per row showed in profiles.
    private readonly int _op = op switch { "<" => 0, "<=" => 1, ">" => 2, ">=" => 3, "==" => 4, _ => 5 };

    public override bool Eval(DataRow row)
    {
        if (!left.Eval(row, out var a) || !right.Eval(row, out var b)) return false;
        return _op switch
        {
            0 => a < b,
            1 => a <= b,
            2 => a > b,
            3 => a >= b,
            4 => a == b,
            _ => a != b,
        };
    }
}

internal sealed class CompareTexts(TextEval left, TextEval right, bool equal) : BoolEval
{
    public override bool Eval(DataRow row)
        => left.Eval(row, out var a) && right.Eval(row, out var b) && a.SequenceEqual(b) == equal;
}

internal sealed class CompareBools(BoolEval left, BoolEval right, bool equal) : BoolEval
{
    public override bool Eval(DataRow row) => (left.Eval(row) == right.Eval(row)) == equal;
}

internal sealed class Contains(TextEval text, TextEval needle) : BoolEval
{
    public override bool Eval(DataRow row)
        => text.Eval(row, out var s) && needle.Eval(row, out var n) && s.Contains(n, StringComparison.OrdinalIgnoreCase);
}

internal sealed class ContainsConst(TextEval text, string needle) : BoolEval
{
    private readonly SearchValues<string>? _needle = needle.Length == 0 ? null : TextRules.Searcher(needle);

    public override bool Eval(DataRow row) => text.Eval(row, out var s) && (_needle is null || s.ContainsAny(_needle));
}

internal sealed class StartsOrEnds(TextEval text, TextEval affix, bool start) : BoolEval
{
    public override bool Eval(DataRow row)
        => text.Eval(row, out var s) && affix.Eval(row, out var a)
           && (start ? s.StartsWith(a, StringComparison.OrdinalIgnoreCase) : s.EndsWith(a, StringComparison.OrdinalIgnoreCase));
}

internal sealed class ContainsAny : BoolEval
{
    /// <summary>Up to this many needles are searched one by one: single-needle searchers were faster than one multi-needle searcher (measured 2 needles: ~100 against 350 ns).</summary>
    private const int OneByOne = 4;

    private readonly TextEval _text;
    private readonly SearchValues<string>? _values;
    private readonly SearchValues<string>[] _each;
    private readonly bool _hasEmpty;

    public ContainsAny(TextEval text, string[] needles)
    {
        _text = text;
        _hasEmpty = needles.Any(n => n.Length == 0);
        var nonEmpty = needles.Where(n => n.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        _each = nonEmpty.Length <= OneByOne ? nonEmpty.Select(TextRules.Searcher).ToArray() : [];
        _values = nonEmpty.Length <= OneByOne ? null : SearchValues.Create(nonEmpty, StringComparison.OrdinalIgnoreCase);
    }

    public override bool Eval(DataRow row)
    {
        if (!_text.Eval(row, out var s)) return false;
        if (_hasEmpty) return true;
        foreach (var one in _each)
            if (s.ContainsAny(one)) return true;
        return _values is not null && s.ContainsAny(_values);
    }
}

internal sealed class ContainsAll(TextEval text, string[] needles) : BoolEval
{
    private readonly SearchValues<string>[] _needles = needles.Where(n => n.Length > 0).Select(TextRules.Searcher).ToArray();

    public override bool Eval(DataRow row)
    {
        if (!text.Eval(row, out var s)) return false;
        foreach (var n in _needles)
            if (!s.ContainsAny(n)) return false;
        return true;
    }
}

internal sealed class Matches : BoolEval
{
    /// <summary>The longest text given to the backtracking engine; longer texts use the linear-time one.</summary>
    internal const int BacktrackingLimit = 1024;

    private readonly TextEval _text;
    private readonly LiteralGap? _gap;
    private readonly Regex? _safe;
    private readonly Regex? _fast;

    /// <summary>Under Native AOT a <c>LITERAL.*LITERAL</c> pattern runs without an engine (and none is built); others on the engines below.</summary>
    public Matches(TextEval text, Semantics.RulePattern pattern)
    {
        _text = text;
        _gap = Semantics.RegexBuilds.NeedsEngine(pattern.Pattern) ? null : LiteralGap.Of(pattern.Pattern, pattern.Options);
        if (_gap is not null) return;
        _safe = pattern.Regex;
        _fast = Faster(_safe);
    }

    public override bool Eval(DataRow row)
        => _text.Eval(row, out var s) && (_gap?.IsMatch(s) ?? (s.Length <= BacktrackingLimit ? _fast! : _safe!).IsMatch(s));

    /// <summary>
    /// The checker compiles every regex with the non-backtracking engine, which bounds the time of any
    /// pattern by the length of the text. Whether a match exists does not depend on the engine, and for a
    /// pattern with at most one quantifier and no groups or alternation (<c>check.*out</c>; <c>\d{3}-\d{4}</c>
    /// has two and is not) backtracking is at worst quadratic, never exponential, while the compiled
    /// backtracking engine was ~10× faster on YouTube comments (410 → 40 ns). Quadratic is still a hang on
    /// a 10 MB cell (<c>check.*out</c> against 400,000 "check"s and no "out"), so the backtracking engine
    /// only sees texts of at most <see cref="BacktrackingLimit"/> characters (at most about a million steps).
    /// </summary>
    internal static Regex Faster(Regex regex)
    {
        if ((regex.Options & RegexOptions.NonBacktracking) == 0 || !WantsBacktracking(regex.ToString())) return regex;
        return Semantics.RegexBuilds.Get(regex.ToString(), Semantics.RegexBuilds.BacktrackingOptions(regex.Options));
    }

    /// <summary>
    /// Whether the compiled backtracking engine runs <paramref name="pattern"/>: a simple pattern, where code can be
    /// generated at run time (under Native AOT <see cref="RegexOptions.Compiled"/> gives the backtracking interpreter,
    /// whose share of applying the spam rules to YouTube comments was ~1.6x the non-backtracking engine's, docs/benchmarks.md).
    /// </summary>
    internal static bool WantsBacktracking(string pattern)
        => IsSimple(pattern) && System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeCompiled;

    internal static bool IsSimple(string pattern)
    {
        var quantifiers = 0;
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\')
            {
                i++;
                continue;
            }
            if (inClass)
            {
                if (c == ']') inClass = false;
                continue;
            }
            switch (c)
            {
                case '[': inClass = true; break;
                case '(' or ')' or '|': return false;
                case '*' or '+' or '?' or '{': quantifiers++; break;
            }
        }
        return quantifiers <= 1;
    }
}

internal sealed class InTexts : BoolEval
{
    private readonly TextEval _text;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public InTexts(TextEval text, string[] values)
    {
        _text = text;
        _lookup = new HashSet<string>(values, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public override bool Eval(DataRow row) => _text.Eval(row, out var s) && _lookup.Contains(s);
}

internal sealed class InNumbers(NumberEval number, double[] values) : BoolEval
{
    public override bool Eval(DataRow row) => number.Eval(row, out var v) && Array.IndexOf(values, v) >= 0;
}

internal sealed class BetweenNumbers(NumberEval value, NumberEval low, NumberEval high) : BoolEval
{
    public override bool Eval(DataRow row)
        => value.Eval(row, out var v) && low.Eval(row, out var lo) && high.Eval(row, out var hi) && v >= lo && v <= hi;
}

internal sealed class TextMissing(TextEval text, bool negated) : BoolEval
{
    public override bool Eval(DataRow row) => !text.Eval(row, out _) != negated;
}

internal sealed class NumberMissing(NumberEval number, bool negated) : BoolEval
{
    public override bool Eval(DataRow row) => !number.Eval(row, out _) != negated;
}
