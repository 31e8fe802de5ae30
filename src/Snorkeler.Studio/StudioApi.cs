using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Snorkeler.Studio;

/// <summary>A diagnostic as the page shows it: the file relative to the LF folder, and the compiler-style line <c>check</c> prints.</summary>
public sealed record DiagnosticView(string Code, string Severity, string Message, string? File, int Line, int Column, int Length, string Text);

/// <summary>An LF's numbers with their change since the previous evaluation (null when it is new).</summary>
public sealed record LfView(LfNumbers Numbers, LfDelta? Delta, bool IsNew);

/// <summary>The change of an LF's numbers since the previous evaluation; a null member did not exist before or now.</summary>
public sealed record LfDelta(double Coverage, double Overlaps, double Conflicts, double? EmpiricalAccuracy, double? LearnedAccuracy);

/// <summary>The change of the headline numbers since the previous evaluation.</summary>
public sealed record TotalsDelta(double Coverage, double Overlap, double Conflict, double? ModelAccuracy, double? ModelCoverage, double? GoldCoverage,
    double? ModelAccuracyCovered);

/// <summary>
/// Everything the page shows besides rows: files (with the version of each on disk), diagnostics, numbers with deltas, history,
/// warnings about the data (<see cref="StudioSession.DataWarnings"/>), the files whose unsaved edits the numbers follow, those
/// of them whose unsaved text is another tab's than the asking tab's (<see cref="StudioSession.Replaced"/>), and the files
/// renamed or deleted from the page (<see cref="StudioSession.Moved"/>).
/// </summary>
public sealed record StudioState(int Version, string Data, long Rows, long DevRows, string TextColumn, string HandLabels, IReadOnlyList<string> Classes,
    IReadOnlyList<string> Files, IReadOnlyDictionary<string, string> Versions, IReadOnlyList<DiagnosticView> Diagnostics, bool Clean, IReadOnlyList<LfView> Lfs, TotalNumbers? Totals, TotalsDelta? Delta,
    string? ModelError, IReadOnlyList<HistoryEntry> History, int Reapplied, double Milliseconds, int HandLabelled, IReadOnlyList<string> Warnings,
    IReadOnlyList<string> Unsaved, IReadOnlyList<string> Replaced, IReadOnlyDictionary<string, string?> Moved)
{
    /// <summary>
    /// After a rename: the files whose names of other files the studio rewrote to follow it (a rule's <c>lines("…")</c>), relative
    /// to the LF folder, with the lines changed; null in other answers.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<int>>? Updated { get; init; }
}

/// <summary>
/// A file's text and the version of the file it was edited from (<see cref="StudioSession.VersionOf"/>); a save without a
/// version overwrites whatever is on disk. <c>Tab</c> names the page's tab (any id it chose), so it can be told when another
/// tab's unsaved text replaces its own.
/// </summary>
public sealed record FileText(string Path, string Text, string? Version = null, string? Tab = null);

/// <summary>A file whose unsaved edits the page (its tab, when named) discards, or null for every file (the page starts afresh).</summary>
public sealed record DiscardRequest(string? Path, string? Tab = null);

/// <summary>A new file of the LF folder and its text (when null, <see cref="StudioSession.Starter"/>'s: a <c>.rules</c> file's starter, else empty).</summary>
public sealed record NewFileRequest(string? Path, string? Text);

/// <summary>A file of the LF folder and the name to give it.</summary>
public sealed record RenameRequest(string? Path, string? To);

/// <summary>A file of the LF folder to delete, and the version the page loaded (null: whatever is on disk).</summary>
public sealed record DeleteRequest(string? Path, string? Version);

/// <summary>A hand label: a training row (0-based, as rows carry it) and a class name, or null to clear it.</summary>
public sealed record LabelRequest(long? Row, string? Label);

/// <summary>A suggestion to accept or reject.</summary>
public sealed record SuggestionRequest(string? Id);

/// <summary>The JSON API under <c>/api</c>.</summary>
public static class StudioApi
{
    /// <summary>Maps the API's endpoints for <paramref name="session"/>.</summary>
    public static void Map(IEndpointRouteBuilder app, StudioSession session)
    {
        Guard.NotNull(app);
        Guard.NotNull(session);
        // Errors, bad JSON included, are answered by ApiErrors; numbers in the query are parsed here, so their messages name them.
        var api = app.MapGroup("/api");
        api.MapGet("/state", (string? tab) => State(session, poll: true, Tab(tab)));
        api.MapGet("/file", (string? path) => session.Read(path ?? ""));
        api.MapPost("/check", (FileText body) =>
        {
            session.Edit(body.Path, body.Text ?? "", save: false, body.Version, Tab(body.Tab));
            return State(session, tab: body.Tab);
        });
        api.MapPost("/save", (FileText body) =>
        {
            lock (session.Gate)
            {
                // The version written, not the one on disk by the time the state is read: a change made in between must show.
                var saved = session.Edit(body.Path, body.Text ?? "", save: true, body.Version, Tab(body.Tab))!;
                var state = State(session, tab: body.Tab);
                return state with { Versions = new Dictionary<string, string>(state.Versions, StringComparer.Ordinal) { [session.Name(body.Path)] = saved } };
            }
        });
        api.MapPost("/discard", (DiscardRequest body) =>
        {
            session.Discard(body.Path, Tab(body.Tab));
            return State(session, tab: body.Tab);
        });
        // The page's beacon as its tab closes (navigator.sendBeacon sends no JSON body, so the tab is in the query).
        api.MapPost("/close", (string? tab) =>
        {
            session.Close(Tab(tab) ?? throw new StudioRefusal("give the tab that closes ('tab', the id its requests name)"));
            return Results.NoContent();
        });
        api.MapPost("/files/create", (NewFileRequest body) =>
        {
            session.Create(body.Path ?? "", body.Text ?? session.Starter(body.Path ?? ""));
            return State(session);
        });
        api.MapPost("/files/rename", (RenameRequest body) =>
        {
            lock (session.Gate)
            {
                var updated = session.Rename(body.Path ?? "", body.To ?? "");
                return State(session) with { Updated = updated };
            }
        });
        api.MapPost("/files/delete", (DeleteRequest body) =>
        {
            session.Delete(body.Path ?? "", body.Version);
            return State(session);
        });
        api.MapGet("/rows", (string? set, string? lf, string? bucket, string? limit, string? seed, string? covered, string? offset)
            => session.Rows(set ?? "train", string.IsNullOrEmpty(lf) ? null : lf, bucket ?? "fires", Count(limit, "limit", 20), Number(seed, "seed", 0),
                Flag(covered, "covered"), Offset(offset)));
        // A queue of no rows has nothing to count (/api/rows counts a bucket with limit 0): 0 is refused, not read as 1.
        api.MapGet("/next", (string? limit) => session.NextRows(Number(limit, "limit", 20)));
        api.MapPost("/label", (LabelRequest body) =>
        {
            var row = body.Row ?? throw new StudioRefusal("give the row to label ('row', as /api/rows lists it)");
            session.Label(row, string.IsNullOrEmpty(body.Label) ? null : body.Label);
            return State(session);
        });
        api.MapGet("/suggestions", (string? limit) => session.Suggestions(Count(limit, "limit", 10)));
        api.MapPost("/suggestions/accept", (SuggestionRequest body) =>
        {
            session.Accept(body.Id);
            return State(session);
        });
        api.MapPost("/suggestions/reject", (SuggestionRequest body) =>
        {
            session.Reject(body.Id);
            return Results.Ok();
        });
    }

    /// <summary>A tab's id as the page sends it (letters, digits and '-', at most 64), or null when absent.</summary>
    private static string? Tab(string? value)
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (value.Length <= 64 && value.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')) return value;
        throw new StudioRefusal($"'tab' must be a tab's id (at most 64 letters, digits and '-'), not '{Text.Printable.FileName(value.Length > 64 ? value[..64] + "…" : value)}'");
    }

    /// <summary>A whole number from 0 given in the query as <paramref name="name"/>, or <paramref name="fallback"/> when absent.</summary>
    private static int Count(string? value, string name, int fallback) => (int)Whole(value, name, fallback, 0, int.MaxValue);

    /// <summary>A whole number given in the query as <paramref name="name"/>, or <paramref name="fallback"/> when absent.</summary>
    private static int Number(string? value, string name, int fallback) => (int)Whole(value, name, fallback, int.MinValue, int.MaxValue);

    /// <summary>How many rows a page of <c>/api/rows</c> skips, given in the query as <c>offset</c>, or 0 when absent.</summary>
    private static long Offset(string? value) => Whole(value, "offset", 0, 0, long.MaxValue);

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/> given in the query as <paramref name="name"/>, or <paramref name="fallback"/> when absent.</summary>
    private static long Whole(string? value, string name, long fallback, long min, long max)
    {
        if (string.IsNullOrEmpty(value)) return fallback;
        // long.TryParse takes trailing NULs for the end of the number ("20%00" was read as 20).
        var held = Text.ControlCharacters.Held(value);
        if (held is null && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max) return n;
        throw new StudioRefusal($"'{name}' must be a whole number{(min == 0 ? " from 0" : "")}, not '{value}'{held}");
    }

    /// <summary><c>true</c> or <c>false</c> given in the query as <paramref name="name"/>, or null when absent.</summary>
    private static bool? Flag(string? value, string name) => value switch
    {
        null or "" => null,
        "true" => true,
        "false" => false,
        _ => throw new StudioRefusal($"'{name}' must be true or false, not '{value}'"),
    };

    /// <summary>
    /// The page's state; with <paramref name="poll"/>, after picking up changes made outside the studio; with <paramref name="tab"/>,
    /// the files whose unsaved text another tab replaced that tab's.
    /// </summary>
    public static StudioState State(StudioSession session, bool poll = false, string? tab = null)
    {
        Guard.NotNull(session);
        session.Heard(tab);
        if (poll) session.PickUpExternalChanges();
        lock (session.Gate)
        {
            var current = session.Current;
            var previous = session.Previous;
            var diagnostics = session.Diagnostics.Select(d => View(session, d)).ToArray();
            var lfs = current?.Numbers.Select(n =>
            {
                var before = previous?.Lf(n.Name);
                return before is null
                    ? new LfView(n, null, previous is not null)
                    : new LfView(n, new LfDelta(n.Coverage - before.Coverage, n.Overlaps - before.Overlaps, n.Conflicts - before.Conflicts,
                        Minus(n.EmpiricalAccuracy, before.EmpiricalAccuracy), Minus(n.LearnedAccuracy, before.LearnedAccuracy)), false);
            }).ToArray() ?? [];
            TotalsDelta? delta = null;
            if (current is not null && previous is not null)
            {
                var (a, b) = (current.Totals, previous.Totals);
                delta = new TotalsDelta(a.Coverage - b.Coverage, a.Overlap - b.Overlap, a.Conflict - b.Conflict, Minus(a.ModelAccuracy, b.ModelAccuracy), Minus(a.ModelCoverage, b.ModelCoverage),
                    Minus(a.GoldCoverage, b.GoldCoverage), Minus(a.ModelAccuracyCovered, b.ModelAccuracyCovered));
            }
            return new StudioState(session.Version, session.DataName, session.TrainRows, session.DevRows, session.TextColumn, session.HandLabelsPath,
                current?.Schema.ClassNames ?? [], session.Files(), session.Versions(), diagnostics, !session.Diagnostics.Any(d => d.IsError), lfs, current?.Totals, delta,
                current?.ModelError, session.History, current?.Reapplied ?? 0, current?.Milliseconds ?? 0, session.Hand.Labels.Count, session.DataWarnings(),
                session.UnsavedFiles(), session.Replaced(tab), session.Moved());
        }
    }

    private static double? Minus(double? a, double? b) => a is { } x && b is { } y ? x - y : null;

    private static DiagnosticView View(StudioSession session, Diagnostic d)
    {
        string? file = null;
        if (d.Location is { } location)
        {
            var full = Path.GetFullPath(location.Path);
            file = full.StartsWith(session.Folder, StringComparison.Ordinal) ? Path.GetRelativePath(session.Folder, full).Replace('\\', '/') : location.Path;
        }
        var severity = d.IsError ? "error" : "warning";
        var where = file is null ? "" : string.Create(CultureInfo.InvariantCulture, $"{Text.Printable.FileName(file)}({d.Location!.Line},{d.Location.Column}): ");
        return new DiagnosticView(d.Code, severity, d.Message, file, d.Location?.Line ?? 0, d.Location?.Column ?? 0, d.Location?.Length ?? 0,
            $"{where}{severity} {d.Code}: {d.Message}");
    }
}
