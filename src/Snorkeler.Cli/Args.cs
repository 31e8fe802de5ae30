using System.Globalization;

namespace Snorkeler.Cli;

/// <summary>A command-line option a command accepts.</summary>
/// <param name="Name">With dashes: "--lfs".</param>
/// <param name="Value">Placeholder for its value ("PATH"), or null for a flag.</param>
/// <param name="Help">One line.</param>
/// <param name="Many">Takes several values: every following token up to the next option.</param>
/// <param name="Required">Must be given.</param>
/// <param name="Role">Whether its values are files the command reads or writes (see <see cref="FileRoles"/>).</param>
/// <param name="Beside">For an output: the other files written with it (a schema sidecar, a manifest), given its path.</param>
internal sealed record OptionSpec(string Name, string? Value, string Help, bool Many = false, bool Required = false,
    PathRole Role = PathRole.None, Func<string, IEnumerable<string>>? Beside = null)
{
    /// <summary>For an output: the extensions that pick its format (with the dot), or null when it has one format whatever its name.</summary>
    public IReadOnlyList<string>? Formats { get; init; }

    /// <summary>A value of only whitespace is meant (<c>--delimiter ' '</c>), not an empty one.</summary>
    public bool Blank { get; init; }

    /// <summary>
    /// An input read by itself (a model or statistics file): no schema sidecar or <c>label.json</c> beside it is read
    /// with it, so none is an input of the run (a model in a Wrench folder does not make its label.json one).
    /// </summary>
    public bool Alone { get; init; }

    /// <summary>
    /// Its values are data or matrix files, read by their extension (never folders): a value after the first that is
    /// neither an existing file nor named like one is a stray token (<c>--dev answers.csv typo</c>), refused as a usage
    /// error by <see cref="FileRoles.Check"/> rather than reported as a missing file.
    /// </summary>
    public bool DataFiles { get; init; }

    /// <summary>
    /// Checks the form of the option's values when the command line is parsed, throwing a <see cref="UsageException"/>:
    /// a malformed value (<c>--column garbage</c>) is refused even by a run that would not read it.
    /// </summary>
    public Action<IReadOnlyList<string>>? Validate { get; init; }

    /// <summary>
    /// For an output: whether, on this command line, it leads a unit of several files published together, and so takes the
    /// unit's lock beside it (<c>.NAME.lock</c>, see <see cref="IO.AtomicFile.Commit(IReadOnlyList{IO.PendingFile})"/>). A
    /// file published alone, or in a unit another output leads, takes no lock of its own, so its lock's place is not checked.
    /// </summary>
    public Func<Args, bool>? LeadsUnit { get; init; }
}

/// <summary>A usage error: exit code 2 with a message naming the bad token.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>Parsed options of one command.</summary>
internal sealed class Args
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);

    /// <param name="command">The command's name, for messages.</param>
    /// <param name="tokens">The arguments after the command's name.</param>
    /// <param name="specs">The options the command takes.</param>
    /// <param name="elsewhere">What to say of an option the command does not take, instead of the nearest name, or null.</param>
    /// <param name="owners">The other commands that take an option, told of one with no near name here; none when empty.</param>
    public static Args Parse(string command, IReadOnlyList<string> tokens, IReadOnlyList<OptionSpec> specs, Func<string, string?>? elsewhere = null,
        Func<string, IReadOnlyList<string>>? owners = null)
    {
        var args = new Args { Specs = specs };
        var byName = specs.ToDictionary(s => s.Name, StringComparer.Ordinal);
        (string Name, string Value)? single = null; // the one-value option whose value came just before
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            string name;
            string? inline = null;
            if (token == "--") throw DoubleDash(specs);
            if (IsShortOption(token)) throw ShortOption(token, byName.Keys, command, owners);
            if (TypographicDashes(token) > 0) throw TypographicOption(token, byName.Keys);
            if (token.StartsWith("--", StringComparison.Ordinal))
            {
                var eq = token.IndexOf('=', StringComparison.Ordinal);
                name = eq > 0 ? token[..eq] : token;
                if (eq > 0) inline = token[(eq + 1)..];
            }
            else if (single is { } before)
                throw new UsageException($"unexpected argument '{token}': {before.Name} takes one value, and has '{before.Value}'");
            else throw new UsageException($"unexpected argument '{token}'{(specs.FirstOrDefault(s => s.Many) is { } many ? $" (values of {many.Name} follow it directly)" : "")}");
            single = null;
            if (!byName.TryGetValue(name, out var spec))
            {
                // '--help=yes': written bare, a global flag is taken off the line before the command's options are parsed.
                if (inline is not null && Cli.GlobalFlags.Contains(name)) throw new UsageException($"option '{name}' takes no value");
                if (elsewhere?.Invoke(name) is { } instead) throw new UsageException($"unknown option '{name}': {instead}");
                // 'check --version': the version is the tool's, asked for before any command, not a command's option.
                if (name == "--version") throw new UsageException("'--version' is a global option, given before any command: run 'snorkeler --version'");
                var near = Text.Suggest.Nearest(name, byName.Keys);
                if (near is null && owners?.Invoke(name) is [_, ..] others)
                    throw new UsageException($"unknown option '{name}': {command} does not take it; {TakenBy(others)}");
                throw new UsageException($"unknown option '{name}'{(near is null ? "" : $"; did you mean '{near}'?")}");
            }
            var list = args._values.TryGetValue(name, out var existing) ? existing : args._values[name] = [];
            if (spec.Value is null)
            {
                if (inline is not null) throw new UsageException($"option '{name}' takes no value");
                list.Add("true");
                continue;
            }
            // '--data=a.csv b.csv' is '--data a.csv b.csv': the values after the '=' one belong to it too.
            if (inline is not null) list.Add(inline);
            var taken = inline is null ? 0 : 1;
            while ((spec.Many || taken == 0) && i + 1 < tokens.Count && !(tokens[i + 1].StartsWith("--", StringComparison.Ordinal) && tokens[i + 1].Length > 2))
            {
                if (tokens[i + 1] == "--") throw DoubleDash(specs);
                // '--data d.csv -o m.snkm': a one-dash option ends the values; a first value may still be one ('--seed -5').
                if (taken > 0 && IsShortOption(tokens[i + 1])) break;
                if (TypographicDashes(tokens[i + 1]) > 0) break;
                list.Add(tokens[++i]);
                taken++;
            }
            if (taken == 0 && i + 1 < tokens.Count && TypographicDashes(tokens[i + 1]) > 0) throw TypographicOption(tokens[i + 1], byName.Keys);
            if (taken == 0) throw new UsageException($"option '{name}' needs a value ({spec.Value})");
            if (!spec.Many) single = (name, list[^1]);
        }
        // An empty value ('--lfs ""', '--gold-column=') is never meant: as a path it names nothing, as a name it matches nothing.
        foreach (var (name, values) in args._values)
            if (byName[name].Value is { } placeholder && values.Any(v => v.Length == 0 || (string.IsNullOrWhiteSpace(v) && !byName[name].Blank)))
                throw new UsageException($"option '{name}' needs a value ({placeholder}), got an empty one");
        foreach (var (name, values) in args._values)
            byName[name].Validate?.Invoke(values);
        foreach (var spec in specs.Where(s => s.Required))
            if (!args._values.ContainsKey(spec.Name))
                throw new UsageException($"missing required option '{spec.Name} {spec.Value}'");
        return args;
    }

    /// <summary>The other commands that take an option, as an unknown option's message names them ("apply and fit do").</summary>
    private static string TakenBy(IReadOnlyList<string> commands) => $"{Text.Listing.Join(commands, "and")} do{(commands.Count == 1 ? "es" : "")}";

    /// <summary>A one-dash token such as <c>-o</c> or <c>-seed</c>, never a negative number (<c>-5</c>, <c>-0.5</c>).</summary>
    public static bool IsShortOption(string token) => token is ['-', var c, ..] && char.IsAsciiLetter(c);

    /// <summary>
    /// '-p': the two-dash options it may stand for: the one its letters name ('-seed': '--seed', beside compare's '--seeds'),
    /// else every name that begins with them, shortest first ('--pool' or '--prior': the shortest alone hid '--prior'),
    /// else the nearest name, else the other commands that take the option its letters name ('check -out': '--out' is
    /// apply's, fit's and others', as 'check --out' says).
    /// </summary>
    private static UsageException ShortOption(string token, IReadOnlyCollection<string> names, string command, Func<string, IReadOnlyList<string>>? owners)
    {
        var bare = token[1..];
        var starting = names.Where(n => n[2..].StartsWith(bare, StringComparison.Ordinal)).OrderBy(n => n.Length).ThenBy(n => n, StringComparer.Ordinal).ToList();
        IReadOnlyList<string> meant = names.Contains("--" + bare) ? ["--" + bare]
            : starting.Count > 0 ? starting
            : Text.Suggest.Nearest("--" + bare, names) is { } near ? [near] : [];
        var suggestion = meant.Count > 0 ? $"; did you mean {Text.Listing.Join(meant.Select(n => $"'{n}'").ToList(), "or")}?"
            : owners?.Invoke("--" + bare) is [_, ..] others ? $"; {command} does not take '--{bare}' either; {TakenBy(others)}"
            : "";
        return new UsageException($"unknown option '{token}': options have two dashes and their whole name{suggestion}");
    }

    /// <summary>
    /// How many dashes other than the hyphen-minus a token begins with before a letter ('\u2014out', '\u2212\u2212out': an
    /// option pasted from a page or chat that made '--' typographic), or 0. Such a token is never taken as a value.
    /// </summary>
    public static int TypographicDashes(string token)
    {
        var n = 0;
        while (n < token.Length && IsDash(token[n])) n++;
        return n > 0 && n < token.Length && char.IsLetter(token[n]) ? n : 0;

        // En and em dashes, the minus sign and the other dashes Unicode has; the hyphen-minus is the one options use.
        static bool IsDash(char c) => c != '-' && (c == '\u2212' || char.GetUnicodeCategory(c) == UnicodeCategory.DashPunctuation);
    }

    private static UsageException TypographicOption(string token, IEnumerable<string> names)
    {
        var dashes = TypographicDashes(token);
        var near = Text.Suggest.Nearest("--" + token[dashes..], names);
        return new UsageException($"unknown option '{token}': it begins with '{token[..dashes]}' (U+{(int)token[0]:X4}), not two hyphens{(near is null ? "" : $"; did you mean '{near}'?")}");
    }

    /// <summary>'--' ends no option list here: every value follows its option, and a path that looks like an option is written ./-name.</summary>
    private static UsageException DoubleDash(IReadOnlyList<OptionSpec> specs)
        => new($"unexpected '--': values follow their option{(specs.FirstOrDefault(s => s.Many) is { } many ? $", as in {many.Name} {many.Value}..." : "")}; write a path that begins with '-' as ./-name");

    /// <summary>The options the command accepts.</summary>
    public IReadOnlyList<OptionSpec> Specs { get; private init; } = [];

    public bool Has(string name) => _values.ContainsKey(name);

    public bool Flag(string name) => _values.ContainsKey(name);

    public string? Value(string name)
    {
        if (!_values.TryGetValue(name, out var list)) return null;
        if (list.Count > 1) throw new UsageException($"option '{name}' is given {list.Count} times; give it once");
        return list[0];
    }

    public string Required(string name) => Value(name) ?? throw new UsageException($"missing required option '{name}'");

    public IReadOnlyList<string> Values(string name) => _values.TryGetValue(name, out var list) ? list : [];

    public int? Int(string name, int min = int.MinValue, int max = int.MaxValue)
    {
        var text = Value(name);
        if (text is null) return null;
        // Spaces around the number are allowed, as Number and a model's options allow them ('--seed " 5"' from a script's variable).
        var whole = System.Numerics.BigInteger.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var big);
        if (!whole || big < min || big > max)
            // A whole number out of range ('--seed 2147483648') is told the whole range, not that it is no whole number.
            throw new UsageException(whole
                ? $"option '{name}' expects a whole number from {min} to {max}, got '{text}'"
                : $"option '{name}' expects a whole number{(min > int.MinValue ? $" from {min}" : "")}{(max < int.MaxValue ? $" to {max}" : "")}, got '{text}'");
        return (int)big;
    }

    /// <summary>A finite number from <paramref name="min"/> (above it, when <paramref name="aboveMin"/>) to <paramref name="max"/>; NaN and infinities are usage errors.</summary>
    public double? Number(string name, double min, double max, bool aboveMin = false)
    {
        var text = Value(name);
        if (text is null) return null;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v) || (aboveMin ? v <= min : v < min) || v > max)
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"option '{name}' expects a number {(aboveMin ? "above" : "from")} {min}{(double.IsPositiveInfinity(max) ? "" : $" {(aboveMin ? "and at most" : "to")} {max}")}, got '{text}'"));
        return v;
    }

    public T Choice<T>(string name, T fallback) where T : struct, Enum
    {
        var text = Value(name);
        if (text is null) return fallback;
        foreach (var value in Enum.GetValues<T>())
            if (string.Equals(Kebab(value.ToString()), text, StringComparison.OrdinalIgnoreCase)) return value;
        var choices = Enum.GetValues<T>().Select(v => Kebab(v.ToString())).ToArray();
        var near = Text.Suggest.NearestChoice(text, choices);
        throw new UsageException($"option '{name}' expects one of {string.Join(", ", choices)}, got '{text}'{(near is null ? "" : $"; did you mean '{near}'?")}");
    }

    /// <summary>All name/value pairs, for options passed through to a model (without dashes).</summary>
    public IEnumerable<KeyValuePair<string, IReadOnlyList<string>>> All => _values.Select(p => new KeyValuePair<string, IReadOnlyList<string>>(p.Key, p.Value));

    public static string Kebab(string pascal)
        => string.Concat(pascal.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
