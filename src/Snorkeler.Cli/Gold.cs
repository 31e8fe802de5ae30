using Snorkeler.Applying;
using Snorkeler.IO;

namespace Snorkeler.Cli;

/// <summary>
/// Gold labels on the command line, with one meaning in every command: <c>--gold-column NAME</c> names the column
/// holding them (in data files, and in a CSV matrix), and <c>--dev</c> is labelled data, either a matrix that carries
/// gold labels or a data file that the run's LFs are applied to.
/// </summary>
internal static class Gold
{
    public static readonly OptionSpec ColumnOption = new("--gold-column", "NAME",
        "the column holding gold labels: class names or numbers, an empty cell for none (in data files, and in a CSV matrix)");

    public static OptionSpec DevOption(string use)
        => new("--dev", "FILE", $"labelled data for {use}: a matrix with gold labels (apply --gold-column), or a data file the LFs are applied to (with --lfs and --gold-column)", Role: PathRole.Input);

    /// <summary>
    /// <c>--dev</c> of the commands that also read a training matrix of answers (<c>fit</c>, <c>compare</c>): labelled
    /// data as <see cref="DevOption"/> says, or answers in long format with <c>--gold</c>, given in several files when they come in batches.
    /// </summary>
    public static OptionSpec DevAnswersOption(string use)
        => new("--dev", "FILE", $"labelled data for {use}: a matrix with gold labels (apply --gold-column), a data file the LFs are applied to (with --lfs and --gold-column), or answers (task,worker,label) with --gold; several answer files are read as one", Many: true, Role: PathRole.Input) { DataFiles = true };

    public static readonly OptionSpec LfsForDevOption = new("--lfs", "PATH", "the LFs to apply to a --dev data file (the training matrix's LFs)", Many: true, Role: PathRole.Input);

    /// <summary>
    /// Opens a matrix, or several files of long-format answers as one. With <paramref name="require"/> the matrix must
    /// carry gold labels (from its file, or in the CSV column <paramref name="goldColumn"/>); otherwise
    /// <paramref name="goldColumn"/> is used only to tell a CSV matrix's gold column from its LFs.
    /// </summary>
    public static IMatrixSource OpenMatrix(IReadOnlyList<string> paths, string? goldColumn, bool require, Terminal? terminal = null)
    {
        return Inputs.OpenMatrix(paths, require ? goldColumn : CsvGoldColumn(paths[0], goldColumn), terminal);
    }

    /// <summary><paramref name="goldColumn"/> when <paramref name="path"/> is a CSV (read with <paramref name="csv"/>, else its delimiter detected) with that column, else null.</summary>
    public static string? CsvGoldColumn(string path, string? goldColumn, Data.CsvOptions? csv = null)
        => goldColumn is not null && MatrixFile.FormatOf(path) == MatrixFormat.Csv && File.Exists(path)
           && new Data.CsvSource(path, csv).Schema.IndexOf(goldColumn) >= 0
            ? goldColumn
            : null;

    /// <summary>
    /// The labelled dev set of <c>--dev</c>, or null without it. A matrix (<c>.snkm</c>, <c>.npy</c>, a CSV matrix, or a
    /// Wrench split when no LFs are given) must carry gold labels; a data file is labelled with <paramref name="lfs"/>
    /// (loaded on demand, so commands without <c>--lfs</c> only need them for data) and its gold labels come from
    /// <c>--gold-column</c> (or a Wrench split's own labels).
    /// </summary>
    public static LabelMatrix? OpenDev(Args args, Terminal terminal, Func<string, Data.IDataSource, (IReadOnlyList<LabelingFunction> Lfs, LabelSchema Schema)>? lfs, ApplyOptions options)
    {
        if (args.Value("--dev") is not { } path) return null;
        var goldColumn = args.Value("--gold-column");
        var wrench = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase);
        if (MatrixFile.IsMatrix(path) || (wrench && lfs is null))
        {
            var matrix = MatrixFile.Concat(OpenMatrix([path], goldColumn, require: false, terminal).ReadBlocks());
            if (!matrix.HasGold)
                throw SnorkelerException.InFile(path, $"the dev set has no gold labels; write them into the matrix with 'snorkeler apply --gold-column NAME', or pass the data file with --gold-column");
            return RequireLabelled(matrix, path);
        }
        InputFile.RequireRegular(path, "a dev file"); // a folder or a missing file is no data file wanting LFs
        if (lfs is null) throw DataDevWithoutLfs(path);
        var data = Inputs.OpenData([path], args, strictAliases: false);
        var (functions, schema) = lfs(path, data);
        using var gold = LabelledData.Gold([path], data, schema, goldColumn, terminal.Warning) ?? throw NoGoldColumn(path, data);
        return RequireLabelled(LabelledData.Apply(data, functions, schema, gold, options with { Progress = null }), path);
    }

    /// <summary>
    /// Refuses, before any work, a <c>--dev</c> data file without <c>--gold-column</c> (a matrix or a Wrench split carries
    /// its gold labels): <see cref="OpenDev"/> would, but only after the training data had been labelled.
    /// </summary>
    public static void CheckDevGoldColumn(Args args)
    {
        if (args.Value("--dev") is not { } path) return;
        InputFile.RequireRegular(path, "a dev file"); // before any work, with --gold-column too
        if (args.Value("--gold-column") is not null) return;
        if (MatrixFile.IsMatrix(path) || path.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) return;
        throw NoGoldColumn(path, Inputs.OpenData([path], args, strictAliases: false));
    }

    /// <summary>
    /// Refuses, before any work, a <c>--dev</c> data file when the run has no LFs to label it with (<c>rows --matrix</c>
    /// without <c>--lfs</c>): <see cref="OpenDev"/> would, but only when the label model is fitted.
    /// </summary>
    public static void CheckDevLfs(Args args)
    {
        if (args.Has("--lfs") || args.Value("--dev") is not { } path) return;
        InputFile.RequireRegular(path, "a dev file");
        if (MatrixFile.IsMatrix(path) || path.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) return;
        throw DataDevWithoutLfs(path);
    }

    private static UsageException DataDevWithoutLfs(string path)
        => new($"--dev {path} is a data file: give --lfs PATH to label it with the same LFs (or a matrix written by 'snorkeler apply --gold-column NAME')");

    private static UsageException NoGoldColumn(string path, Data.IDataSource data)
        => new($"--dev {path} needs --gold-column NAME naming the column with its gold labels (columns: {data.Schema.Listed})");

    private static LabelMatrix RequireLabelled(LabelMatrix dev, string path)
    {
        foreach (var g in dev.GoldLabels)
            if (g >= 0) return dev;
        throw SnorkelerException.InFile(path, "no row of the dev set has a gold label");
    }

    /// <summary>"gold labels on 120 of 1,956 rows" for status lines.</summary>
    public static string Describe(Data.GoldCursor gold) => $"gold labels on {gold.Labelled:N0} of {Text.Listing.Counted(gold.Rows, "row")}";
}
