using System.Security.Cryptography;
using System.Text;
using Snorkeler.Data;

namespace Snorkeler;

/// <summary>
/// A labelling function (LF): a heuristic that votes a class for a row or abstains (-1). It has a name
/// (a column of the label matrix), where it is written (for diagnostics), and a binder that, given the
/// data's columns, returns the function to run on each row. Binding once per data source lets
/// compiled LFs resolve field names to column indexes before the first row.
/// </summary>
public sealed class LabelingFunction
{
    private readonly Func<DataSchema, Func<DataRow, int>> _bind;
    private readonly Func<DataSchema, Func<DataRow, LfExplanation?>>? _explain;
    private readonly string? _hashedText;
    private string? _sourceHash;

    /// <summary>Creates an LF from a binder.</summary>
    /// <param name="name">The LF's name, unique within a run.</param>
    /// <param name="bind">Given the data's columns, returns the per-row vote. Throws <see cref="SnorkelerException"/> when a field it needs is missing.</param>
    /// <param name="location">Where the LF is written, for diagnostics.</param>
    /// <param name="sourceHash">A hash of the LF's source text, for provenance and caching; computed from the name when null.</param>
    /// <param name="fields">The data fields the LF reads, when known.</param>
    /// <param name="explain">Given the data's columns, returns what made the LF vote on a row (null when it abstains); null when the LF cannot say.</param>
    /// <param name="hashedText">
    /// Instead of <paramref name="sourceHash"/>: the text whose <see cref="Hash"/> is the source hash, computed when
    /// first asked for. A run that never asks (a plain <c>apply</c>) then does not load the cryptography library.
    /// </param>
    public LabelingFunction(string name, Func<DataSchema, Func<DataRow, int>> bind, SourceLocation? location = null,
        string? sourceHash = null, IReadOnlyList<string>? fields = null, Func<DataSchema, Func<DataRow, LfExplanation?>>? explain = null,
        string? hashedText = null)
    {
        _explain = explain;
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("an LF needs a name", nameof(name));
        Name = name;
        _bind = Guard.NotNull(bind);
        Location = location;
        _sourceHash = sourceHash;
        _hashedText = hashedText ?? name;
        Fields = fields ?? [];
    }

    /// <summary>An LF from a plain function of a row.</summary>
    public static LabelingFunction Create(string name, Func<DataRow, int> vote, SourceLocation? location = null, string? sourceHash = null)
    {
        Guard.NotNull(vote);
        return new LabelingFunction(name, _ => vote, location, sourceHash);
    }

    /// <summary>
    /// An LF from a function of a typed record, for library users: <paramref name="read"/> builds the
    /// record from a row (for example <c>row =&gt; new Comment(row.Text("text"))</c>).
    /// </summary>
    public static LabelingFunction Create<TRecord>(string name, Func<DataRow, TRecord> read, Func<TRecord, int> vote, SourceLocation? location = null)
    {
        Guard.NotNull(read);
        Guard.NotNull(vote);
        return new LabelingFunction(name, _ => row => vote(read(row)), location);
    }

    /// <summary>The LF's name: its column in the label matrix.</summary>
    public string Name { get; }

    /// <summary>Where the LF is written, when it comes from a file.</summary>
    public SourceLocation? Location { get; }

    /// <summary>A hash (hex SHA-256) of the LF's source: changes whenever the LF's definition changes.</summary>
    public string SourceHash => _sourceHash ??= Hash(_hashedText!); // the same text on every thread

    /// <summary>Data fields the LF reads, when known (empty when not).</summary>
    public IReadOnlyList<string> Fields { get; }

    /// <summary>Resolves the LF against the data's columns and returns the per-row vote.</summary>
    public Func<DataRow, int> Bind(DataSchema schema) => _bind(Guard.NotNull(schema));

    /// <summary>True when the LF can say what made it vote (<see cref="BindExplainer"/>): rules can, code cannot.</summary>
    public bool CanExplain => _explain is not null;

    /// <summary>
    /// Resolves the LF against the data's columns and returns, per row, what made it vote (the clause and the text that
    /// made it fire), or null where it abstains; null when the LF cannot explain itself. Slower than <see cref="Bind"/>:
    /// for the rows a person looks at, not for applying.
    /// </summary>
    public Func<DataRow, LfExplanation?>? BindExplainer(DataSchema schema) => _explain?.Invoke(Guard.NotNull(schema));

    /// <summary>"name (file(line,col))" or the name alone.</summary>
    public string Describe() => Location is null ? $"'{Name}'" : $"'{Name}' ({Location})";

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <summary>Hex SHA-256 of a text, for <see cref="SourceHash"/>.</summary>
    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
