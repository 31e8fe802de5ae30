using System.Globalization;
using System.Text.Json.Nodes;

namespace Snorkeler.LabelModels;

/// <summary>Options for a trainer, as given on the command line (<c>--epochs 500 --lr 0.01</c>), read with checks.</summary>
public sealed class ModelOptions
{
    private readonly Dictionary<string, string> _values;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    /// <summary>Creates options from name/value pairs (names without dashes).</summary>
    public ModelOptions(IReadOnlyDictionary<string, string>? values = null)
        => _values = new Dictionary<string, string>(values ?? new Dictionary<string, string>(), StringComparer.Ordinal);

    /// <summary>Options that only a labelled dev split gives a use: without one a model reads them and does nothing with them.</summary>
    public static IReadOnlyList<string> DevOnly { get; } = ["select-by", "dev-gold"];

    /// <summary>No options: every trainer's defaults.</summary>
    public static ModelOptions Defaults => new();

    /// <summary>A number option, or <paramref name="fallback"/> when absent.</summary>
    public double Number(string name, double fallback, double min = double.NegativeInfinity, double max = double.PositiveInfinity)
    {
        _read.Add(name);
        if (!_values.TryGetValue(name, out var text)) return fallback;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
            throw new OptionException($"--{name} expects a number, got '{text}'");
        if (v < min || v > max)
            // A lowest value of double.Epsilon means "above 0": '--lr 0' is told that, not "between 5E-324 and 10".
            throw new OptionException(min == double.Epsilon
                ? $"--{name} must be above 0{(double.IsPositiveInfinity(max) ? "" : $" and at most {Bound(max)}")}, got {text}"
                : double.IsPositiveInfinity(max) ? $"--{name} must be at least {Bound(min)}, got {text}" : $"--{name} must be between {Bound(min)} and {Bound(max)}, got {text}");
        return v;
    }

    /// <summary>A bound as a person would write it on the command line: 1e-9, not .NET's 1E-09.</summary>
    private static string Bound(double value)
    {
        var text = value.ToString(CultureInfo.InvariantCulture);
        var e = text.IndexOf('E', StringComparison.Ordinal);
        if (e < 0) return text;
        var exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"{text[..e]}e{exponent}");
    }

    /// <summary>A whole-number option, or <paramref name="fallback"/> when absent.</summary>
    public int Integer(string name, int fallback, int min = int.MinValue, int max = int.MaxValue)
        => IntegerOrWord(name, [], min, max) ?? fallback;

    /// <summary>
    /// A whole-number option that may instead be one of <paramref name="words"/> (<c>--restarts auto</c>): the number, or
    /// null when absent or a word. Anything else is refused naming the words and the number.
    /// </summary>
    public int? IntegerOrWord(string name, IReadOnlyList<string> words, int min = int.MinValue, int max = int.MaxValue)
    {
        Guard.NotNull(words);
        _read.Add(name);
        if (!_values.TryGetValue(name, out var text) || words.Contains(text, StringComparer.OrdinalIgnoreCase)) return null;
        // A whole number beyond int's range ('--epochs 9999999999') is out of range, not "no whole number".
        if (!System.Numerics.BigInteger.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
            throw new OptionException($"--{name} expects {string.Concat(words.Select(w => w + " or "))}a whole number, got '{text}'");
        if (v < min || v > max)
            throw new OptionException(max == int.MaxValue ? $"--{name} must be at least {min.ToString(CultureInfo.InvariantCulture)}, got {text}" : $"--{name} must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}, got {text}");
        return (int)v;
    }

    /// <summary>
    /// An option that is one of <paramref name="words"/>: the word as listed (given in any case, as model names are), or
    /// null when absent. Another word is refused naming the words and the nearest (<c>one_coin</c>: 'one-coin').
    /// </summary>
    public string? Word(string name, params string[] words)
    {
        Guard.NotNull(words);
        _read.Add(name);
        if (!_values.TryGetValue(name, out var text)) return null;
        if (words.FirstOrDefault(w => string.Equals(w, text, StringComparison.OrdinalIgnoreCase)) is { } word) return word;
        var near = Snorkeler.Text.Suggest.Nearest(text.Replace('_', '-'), words);
        throw new OptionException($"--{name} expects {Snorkeler.Text.Listing.Join(words, "or")}, got '{text}'{(near is null ? "" : $"; did you mean '{near}'?")}");
    }

    /// <summary>A text option, or <paramref name="fallback"/> when absent.</summary>
    public string? Text(string name, string? fallback = null)
    {
        _read.Add(name);
        return _values.TryGetValue(name, out var text) ? text : fallback;
    }

    /// <summary>The options as given (names without dashes).</summary>
    public IReadOnlyDictionary<string, string> Given => _values;

    /// <summary>Options given but never read by the trainer (misspelt or meant for another model).</summary>
    public IEnumerable<string> Unread => _values.Keys.Where(k => !_read.Contains(k));
}

/// <summary>A label model the command line and the model file know by name.</summary>
/// <param name="Name">Command-line name ("mv", "snorkel", ...).</param>
/// <param name="Summary">One line for help and docs.</param>
/// <param name="CreateTrainer">Builds a trainer from options; throws <see cref="SnorkelerException"/> on a bad option.</param>
/// <param name="Load">Rebuilds a fitted model from its saved parameters; throws <see cref="SnorkelerException"/> when they are invalid.</param>
public sealed record LabelModelKind(
    string Name,
    string Summary,
    Func<ModelOptions, ILabelModelTrainer> CreateTrainer,
    Func<LabelSchema, IReadOnlyList<string>, IReadOnlyList<double>, JsonObject, ILabelModel> Load);

/// <summary>Every label model Snorkeler ships, by name.</summary>
public static class LabelModelCatalog
{
    private static readonly List<LabelModelKind> Kinds =
    [
        new(MajorityVoteTrainer.ModelName, "majority vote: each class's share of the non-abstain votes",
            _ => new MajorityVoteTrainer(), (s, lfs, _, p) => MajorityVoteModel.Load(s, lfs, p)),
        new(SnorkelTrainer.ModelName, "moment matching (Snorkel's LabelModel): conditionally independent LFs, μ fitted to the vote moments by SGD",
            o => new SnorkelTrainer(SnorkelOptions.From(o)), SnorkelModel.Load),
        new(DawidSkeneTrainer.ModelName, "Dawid-Skene: per-source confusion matrices learned by EM from majority vote (abstains missing, or outcomes with --abstain vote)",
            o => new DawidSkeneTrainer(DawidSkeneOptions.From(o)),
            (s, lfs, p, json) => DawidSkeneActivityModel.Holds(json) ? DawidSkeneActivityModel.Load(s, lfs, p, json) : DawidSkeneModel.Load(s, lfs, p, json)),
        new(EbccTrainer.ModelName, "EBCC: Bayesian classifier combination with subtypes per class (correlated sources), variational inference",
            o => new EbccTrainer(EbccOptions.From(o)), EbccModel.Load),
        new(WeightedVoteTrainer.ModelName, "weighted majority vote: votes weighted by LF log-odds of being right (accuracies from the dev split, else from snorkel)",
            o => new WeightedVoteTrainer(WeightedVoteOptions.From(o)), WeightedVoteModel.Load),
        new(FlyingSquidTrainer.ModelName, "FlyingSquid: closed-form triplet accuracy estimates, one-vs-rest for more than two classes",
            o => new FlyingSquidTrainer(FlyingSquidOptions.From(o)), FlyingSquidModel.Load),
        new(IbccTrainer.ModelName, "IBCC: Bayesian confusion matrices (Dirichlet priors, pooled across annotators) by variational Bayes, best ELBO of several restarts",
            o => new IbccTrainer(IbccOptions.From(o)), IbccModel.Load),
        new(MaceTrainer.ModelName, "MACE: each worker answers competently or spams from its own strategy (spammer model) by variational Bayes, best ELBO of several restarts",
            o => new MaceTrainer(MaceOptions.From(o)), MaceModel.Load),
        new(GladTrainer.ModelName, "GLAD: worker ability and task difficulty (a right answer with probability σ(ability × easiness)) by EM, best of several restarts",
            o => new GladTrainer(GladOptions.From(o)), GladModel.Load),
        new(AutoTrainer.ModelName, "auto: chooses the model, options and prior: by held-out source agreement, or with a labelled dev split by a grid search checked out of fold",
            o => new AutoTrainer(AutoOptions.From(o)), AutoModel.Load),
    ];

    /// <summary>
    /// The models <c>compare</c> runs when none are named. On LF matrices: the models built for LFs (<c>mv</c>, <c>wmv</c>,
    /// <c>snorkel</c>, <c>dawid-skene</c>, <c>ebcc</c>, <c>flyingsquid</c>, <c>auto</c>); the crowd models (<c>ibcc</c>,
    /// <c>mace</c>, <c>glad</c>) assume people who may each answer any class, and put nearly every row in one class
    /// when sources only ever vote one. On people's answers (<paramref name="annotators"/>): <c>mv</c>,
    /// <c>dawid-skene</c> and the crowd models, <c>ebcc</c> and <c>auto</c>.
    /// </summary>
    public static IReadOnlyList<string> ComparisonDefaults(bool annotators) => annotators
        ? [MajorityVoteTrainer.ModelName, DawidSkeneTrainer.ModelName, IbccTrainer.ModelName, MaceTrainer.ModelName, GladTrainer.ModelName, EbccTrainer.ModelName, AutoTrainer.ModelName]
        : [MajorityVoteTrainer.ModelName, WeightedVoteTrainer.ModelName, SnorkelTrainer.ModelName, DawidSkeneTrainer.ModelName, EbccTrainer.ModelName, FlyingSquidTrainer.ModelName, AutoTrainer.ModelName];

    /// <summary>All models, in the order help lists them.</summary>
    public static IReadOnlyList<LabelModelKind> All => Kinds;

    /// <summary>The model called <paramref name="name"/>, or an error suggesting the nearest name.</summary>
    public static LabelModelKind Get(string name)
    {
        var kind = Kinds.FirstOrDefault(k => string.Equals(k.Name, name, StringComparison.OrdinalIgnoreCase));
        if (kind is not null) return kind;
        var near = Text.Suggest.Nearest(name, Kinds.Select(k => k.Name));
        throw new OptionException($"unknown label model '{name}'{(near is null ? "" : $"; did you mean '{near}'?")} (models: {string.Join(", ", Kinds.Select(k => k.Name))})");
    }

    /// <summary>Adds a model kind (used by the models of this assembly at start-up, and by extensions).</summary>
    public static void Register(LabelModelKind kind)
    {
        lock (Kinds)
        {
            Kinds.RemoveAll(k => k.Name == kind.Name);
            Kinds.Add(kind);
        }
    }
}
