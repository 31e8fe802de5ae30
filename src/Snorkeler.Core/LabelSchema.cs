namespace Snorkeler;

/// <summary>
/// The classes of a labelling task, in order: class <c>i</c> has label <c>i</c>, and <see cref="Abstain"/>
/// (-1) means a labelling function did not vote. Class names come from the data set (Wrench
/// <c>label.json</c>) or from the <c>labels</c> declaration of the labelling-function files.
/// </summary>
public sealed class LabelSchema : IEquatable<LabelSchema>
{
    /// <summary>The vote of a labelling function that does not label a row.</summary>
    public const int Abstain = -1;

    /// <summary>The name printed for <see cref="Abstain"/>.</summary>
    public const string AbstainName = "ABSTAIN";

    private readonly string[] _names;
    private readonly Dictionary<string, int> _index;

    /// <summary>The most classes a task may have: votes are stored as 16-bit signed numbers (label matrices, .snkm, .npy).</summary>
    public const int MaxCardinality = short.MaxValue;

    /// <summary>Creates a schema from class names in label order.</summary>
    /// <exception cref="ArgumentException">Fewer than two or more than <see cref="MaxCardinality"/> classes, a blank name, a name beginning or ending with a space, a name with a line break or another control character, or a repeated name.</exception>
    public LabelSchema(IEnumerable<string> classNames)
    {
        _names = Guard.NotNull(classNames).ToArray();
        if (_names.Length < 2)
            throw new InvalidValueException($"a labelling task needs at least two classes, got {_names.Length}", nameof(classNames));
        if (_names.Length > MaxCardinality)
            throw new InvalidValueException($"a labelling task has at most {MaxCardinality:N0} classes (votes are stored as 16-bit numbers), got {_names.Length:N0}", nameof(classNames));
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < _names.Length; i++)
        {
            var name = _names[i];
            if (string.IsNullOrWhiteSpace(name))
                throw new InvalidValueException($"class {i} has an empty name", nameof(classNames));
            if (name == AbstainName)
                throw new InvalidValueException($"'{AbstainName}' is reserved and cannot name a class", nameof(classNames));
            // Gold labels, answers and class names in rules are read trimmed, so ' SPAM' could never match a label: no name keeps such a space.
            if (name.Trim().Length != name.Length)
                throw new InvalidValueException($"class {i} ('{name}') begins or ends with a space, so no gold label (read without its spaces) can ever match it; remove the space", nameof(classNames));
            if (name.Any(char.IsControl))
                throw new InvalidValueException($"class {i} ('{name.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)}') has a line break or another control character in its name", nameof(classNames));
            if (!_index.TryAdd(name, i))
                throw new InvalidValueException($"class name '{name}' is repeated", nameof(classNames));
        }
    }

    /// <summary>A schema whose classes are named by their numbers: "0", "1", ...</summary>
    public static LabelSchema Numbered(int cardinality)
        => new(Enumerable.Range(0, Math.Max(cardinality, 2)).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>The class names in label order.</summary>
    public IReadOnlyList<string> ClassNames => _names;

    /// <summary>The number of classes, k.</summary>
    public int Cardinality => _names.Length;

    /// <summary>The label of a class name, or null when no class has that name.</summary>
    public int? LabelOf(string className) => _index.TryGetValue(className, out var i) ? i : null;

    /// <summary>The class name of a label; <see cref="AbstainName"/> for -1.</summary>
    public string NameOf(int label) => label == Abstain ? AbstainName : _names[label];

    /// <summary>True when <paramref name="label"/> is a class of this schema or <see cref="Abstain"/>.</summary>
    public bool IsValidVote(int label) => label >= Abstain && label < _names.Length;

    /// <inheritdoc />
    public bool Equals(LabelSchema? other) => other is not null && _names.AsSpan().SequenceEqual(other._names);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as LabelSchema);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var n in _names) hash.Add(n, StringComparer.Ordinal);
        return hash.ToHashCode();
    }

    /// <summary>The classes with their labels, e.g. <c>HAM=0, SPAM=1</c>, every one (cache keys are made from it).</summary>
    public override string ToString() => string.Join(", ", _names.Select((n, i) => $"{n}={i}"));

    /// <summary>
    /// The classes for a message: <c>HAM=0, SPAM=1</c>, or past <see cref="Text.LabelMessages.ClassesListed"/> classes
    /// the first of them and <c>and 180 more</c>, as a list of hundreds of classes would bury the message.
    /// </summary>
    public string Listed => ListedWith(-1);

    /// <summary>
    /// <see cref="Listed"/> for a message saying these classes differ from <paramref name="other"/>'s: when the lists are
    /// cut before the first class where they part, that class is named too (<c>... and 180 more, with x150=150</c>).
    /// </summary>
    public string ListedAgainst(LabelSchema other)
    {
        Guard.NotNull(other);
        var common = Math.Min(Cardinality, other.Cardinality);
        var first = Enumerable.Range(0, common).FirstOrDefault(i => !string.Equals(_names[i], other._names[i], StringComparison.Ordinal), -1);
        return ListedWith(first);
    }

    private string ListedWith(int parting)
    {
        var shown = Text.LabelMessages.ClassesListed;
        if (Cardinality <= shown) return ToString();
        var head = string.Join(", ", _names.Take(shown).Select((n, i) => $"{n}={i}"));
        var more = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{head} and {Cardinality - shown:N0} more");
        return parting >= shown ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{more}, with {_names[parting]}={parting}") : more;
    }
}

/// <summary>
/// An <see cref="ArgumentException"/> about what a value holds (a repeated class name, LF indices out of order) whose
/// <see cref="Message"/> is the reason alone: readers report it after the file's name, so .NET's " (Parameter 'x')"
/// must not reach the one-line error.
/// </summary>
internal sealed class InvalidValueException : ArgumentException
{
    private readonly string _reason;

    public InvalidValueException(string reason, string paramName) : base(reason, paramName) => _reason = reason;

    /// <inheritdoc />
    public override string Message => _reason;
}

/// <summary>An <see cref="ArgumentOutOfRangeException"/> for a vote or label that is not a class, whose <see cref="Message"/> is the reason alone (see <see cref="InvalidValueException"/>).</summary>
internal sealed class InvalidVoteException : ArgumentOutOfRangeException
{
    private readonly string _reason;

    public InvalidVoteException(string reason, string paramName, int vote) : base(paramName, vote, reason) => _reason = reason;

    /// <inheritdoc />
    public override string Message => _reason;
}
