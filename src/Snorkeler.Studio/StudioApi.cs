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
public sealed record TotalsDelta(double Coverage, double Overlap, double Conflict, double? ModelAccuracy, double? ModelCoverage);

/// <summary>Everything the page shows besides rows: files, diagnostics, numbers with deltas, history.</summary>
public sealed record StudioState(int Version, string Data, long Rows, long DevRows, string TextColumn, string HandLabels, IReadOnlyList<string> Classes,
    IReadOnlyList<string> Files, IReadOnlyList<DiagnosticView> Diagnostics, bool Clean, IReadOnlyList<LfView> Lfs, TotalNumbers? Totals, TotalsDelta? Delta,
    string? ModelError, IReadOnlyList<HistoryEntry> History, int Reapplied, double Milliseconds, int HandLabelled);

/// <summary>A file's text.</summary>
public sealed record FileText(string Path, string Text);

/// <summary>A hand label: a training row (0-based, as rows carry it) and a class name, or null to clear it.</summary>
public sealed record LabelRequest(long Row, string? Label);

/// <summary>A suggestion to accept or reject.</summary>
public sealed record SuggestionRequest(string Id);

/// <summary>The JSON API under <c>/api</c>.</summary>
public static class StudioApi
{
    /// <summary>Maps the API's endpoints for <paramref name="session"/>.</summary>
    public static void Map(IEndpointRouteBuilder app, StudioSession session)
    {
        Guard.NotNull(app);
        Guard.NotNull(session);
        var api = app.MapGroup("/api");
        api.AddEndpointFilter(async (context, next) =>
        {
            try { return await next(context); }
            catch (StudioRefusal e) { return Results.Json(new { error = e.Message }, statusCode: e.Status); }
            catch (SnorkelerException e) { return Results.Json(new { error = e.Message }, statusCode: StatusCodes.Status400BadRequest); }
            catch (BadHttpRequestException e) { return Results.Json(new { error = e.Message }, statusCode: e.StatusCode); }
        });
        api.MapGet("/state", () => State(session, poll: true));
        api.MapGet("/file", (string path) => new FileText(path, session.Read(path)));
        api.MapPost("/check", (FileText body) =>
        {
            session.Edit(body.Path, body.Text ?? "", save: false);
            return State(session);
        });
        api.MapPost("/save", (FileText body) =>
        {
            session.Edit(body.Path, body.Text ?? "", save: true);
            return State(session);
        });
        api.MapGet("/rows", (string? set, string? lf, string? bucket, int? limit, int? seed)
            => session.Rows(set ?? "train", string.IsNullOrEmpty(lf) ? null : lf, bucket ?? "fires", limit ?? 20, seed ?? 0));
        api.MapGet("/next", (int? limit) => session.NextRows(limit ?? 20));
        api.MapPost("/label", (LabelRequest body) =>
        {
            session.Label(body.Row, string.IsNullOrEmpty(body.Label) ? null : body.Label);
            return State(session);
        });
        api.MapGet("/suggestions", (int? limit) => session.Suggestions(limit ?? 10));
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

    /// <summary>The page's state; with <paramref name="poll"/>, after picking up changes made outside the studio.</summary>
    public static StudioState State(StudioSession session, bool poll = false)
    {
        Guard.NotNull(session);
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
                delta = new TotalsDelta(a.Coverage - b.Coverage, a.Overlap - b.Overlap, a.Conflict - b.Conflict, Minus(a.ModelAccuracy, b.ModelAccuracy), Minus(a.ModelCoverage, b.ModelCoverage));
            }
            return new StudioState(session.Version, session.DataName, session.TrainRows, session.DevRows, session.TextColumn, session.HandLabelsPath,
                current?.Schema.ClassNames ?? [], session.Files(), diagnostics, !session.Diagnostics.Any(d => d.IsError), lfs, current?.Totals, delta,
                current?.ModelError, session.History, current?.Reapplied ?? 0, current?.Milliseconds ?? 0, session.Hand.Labels.Count);
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
        var where = file is null ? "" : string.Create(CultureInfo.InvariantCulture, $"{file}({d.Location!.Line},{d.Location.Column}): ");
        return new DiagnosticView(d.Code, severity, d.Message, file, d.Location?.Line ?? 0, d.Location?.Column ?? 0, d.Location?.Length ?? 0,
            $"{where}{severity} {d.Code}: {d.Message}");
    }
}
