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
    public bool AtEnd => Position >= _end;
    public char Current => Source[Position];
    public IDictionary<object, object> Memos => _memos ??= new Dictionary<object, object>();

    public IInput Advance()
    {
        if (AtEnd) throw new InvalidOperationException("the input is already at its end");
        var c = Source[Position];
        return new ItemInput(Source, Position + 1, _end, c == '\n' ? Line + 1 : Line, c == '\n' ? 1 : Column + 1);
    }

    public bool Equals(IInput? other) => other is not null && ReferenceEquals(Source, other.Source) && Position == other.Position;
    public override bool Equals(object? obj) => Equals(obj as IInput);
    public override int GetHashCode() => HashCode.Combine(Source.Length, Position);
}
