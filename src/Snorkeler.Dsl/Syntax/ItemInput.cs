using Sprache;

namespace Snorkeler.Dsl.Syntax;

/// <summary>
/// Sprache input over one top-level item of a rule file: positions are those of the whole file, and
/// the input ends where the next item starts, so an error in one item never swallows the next.
/// </summary>
internal sealed class ItemInput : IInput
{
    private readonly int _end;
    private IDictionary<object, object>? _memos;

    public ItemInput(string source, int position, int end, int line, int column)
    {
        Source = source;
        Position = position;
        _end = end;
        Line = line;
        Column = column;
    }

    public string Source { get; }
    public int Position { get; }
    public int Line { get; }
    public int Column { get; }
    /// <summary>Where this item's text ends (the next item's start, or the end of the file).</summary>
    public int End => _end;

    public bool AtEnd => Position >= _end;
    public char Current => Source[Position];
    public IDictionary<object, object> Memos => _memos ??= new Dictionary<object, object>();

    public IInput Advance()
    {
        if (AtEnd) throw new InvalidOperationException("the input is already at its end");
        var c = Source[Position];
        return new ItemInput(Source, Position + 1, _end, c == '\n' ? Line + 1 : Line, c == '\n' ? 1 : Column + 1);
    }

    /// <summary>
    /// The input <paramref name="count"/> characters on, made in one step: the scanners move over whole words, blanks
    /// and comments this way instead of through one <see cref="Advance"/> (one new input) per character.
    /// </summary>
    public ItemInput Forward(int count)
    {
        if (count == 0) return this;
        if (count < 0 || Position + count > _end) throw new ArgumentOutOfRangeException(nameof(count), count, "the input ends before that");
        var line = Line;
        var column = Column;
        for (var k = Position; k < Position + count; k++)
        {
            if (Source[k] == '\n') { line++; column = 1; }
            else column++;
        }
        return new ItemInput(Source, Position + count, _end, line, column);
    }

    public bool Equals(IInput? other) => other is not null && ReferenceEquals(Source, other.Source) && Position == other.Position;
    public override bool Equals(object? obj) => Equals(obj as IInput);
    public override int GetHashCode() => HashCode.Combine(Source.Length, Position);
}
