using Snorkeler.Data;
using Snorkeler.Loading;

namespace Snorkeler.Studio;

/// <summary>What a studio session works on: the LF folder, the data, the labelled dev data, and how to label.</summary>
public sealed record StudioSettings
{
    /// <summary>The LF folder: the only place the studio reads and writes LF files.</summary>
    public required string LfFolder { get; init; }

    /// <summary>The training data (aliases applied).</summary>
    public required IDataSource Data { get; init; }

    /// <summary>The LF loaders, rules first (as the command line orders them).</summary>
    public required IReadOnlyList<ILfLoader> Loaders { get; init; }

    /// <summary>Labelled dev data the LFs are applied to, or null.</summary>
    public IDataSource? Dev { get; init; }

    /// <summary>
    /// The dev data's gold labels in row order (-1 where none), given the LFs' classes, the dev rows and where to send a warning
    /// about them (the first cell that is one class's name and another's number, <see cref="Data.GoldColumn.Warn"/>), which
    /// the page shows; null without dev data.
    /// </summary>
    public Func<LabelSchema, int, Action<string>, int[]>? DevGold { get; init; }

    /// <summary>The dev data's column of gold labels, left out of the fields shown.</summary>
    public string? GoldColumn { get; init; }

    /// <summary>The classes the data declares (a Wrench split's label.json), or null.</summary>
    public LabelSchema? Schema { get; init; }

    /// <summary>Work on a deterministic random sample of this many training rows (above zero); null for all.</summary>
    public int? Sample { get; init; }

    /// <summary>Seed of the sample, the label model and row sampling.</summary>
    public int Seed { get; init; }

    /// <summary>The label model the studio fits unless told otherwise: Snorkel's, which refits in milliseconds (auto's model selection takes seconds).</summary>
    public const string DefaultModel = "snorkel";

    /// <summary>The label model, by its command-line name.</summary>
    public string Model { get; init; } = DefaultModel;

    /// <summary>Where compiled C# scripts are cached, or null.</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>The longest one call of a script LF may take, or null for no limit.</summary>
    public TimeSpan? LfTimeBudget { get; init; }

    /// <summary>Worker threads for applying LFs, from 1 to 1024; by default one a processor, at most 1024.</summary>
    public int Threads { get; init; } = Applying.ApplyOptions.DefaultThreads;

    /// <summary>The file hand labels are kept in (beside the data by default).</summary>
    public required string HandLabelsPath { get; init; }

    /// <summary>How often the LF folder is checked for changes made outside the studio (besides file-system events).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a tab may go without a request naming it before its unsaved texts are dropped, as when it closes. The page
    /// asks for its state every 1.5 s, and a browser slows a hidden tab's timers to once a minute at most; a tab that was
    /// asleep longer sends its text again when it wakes.
    /// </summary>
    public TimeSpan TabSilence { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The clock a tab's silence is measured by.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// How the LF folder's file system compares file names (ordinal, or ignoring case as macOS and Windows do); null: found
    /// by looking at the folder (<see cref="StudioSession.FileNameComparer"/>).
    /// </summary>
    internal StringComparer? FileNames { get; init; }

    /// <summary>
    /// Where hand labels are kept unless told: <c>.DATA.studio-labels.csv</c> beside the first data file. The leading dot
    /// keeps it out of what a shell's <c>*.csv</c> or <c>*</c> expands to, so <c>--data raw/*.csv</c> still names only the
    /// data once a row is labelled. A labels file under the name studios before used (<c>DATA.studio-labels.csv</c>, which
    /// such a glob matches) is still used when it is there and the new one is not.
    /// </summary>
    public static string DefaultHandLabelsPath(string firstDataFile)
    {
        Guard.NotNull(firstDataFile);
        var hidden = Path.Combine(Path.GetDirectoryName(firstDataFile) ?? "", "." + Path.GetFileName(firstDataFile) + ".studio-labels.csv");
        var old = firstDataFile + ".studio-labels.csv";
        return !File.Exists(hidden) && File.Exists(old) ? old : hidden;
    }
}
