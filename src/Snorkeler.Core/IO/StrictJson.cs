using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Snorkeler.IO;

/// <summary>
/// How Snorkeler parses the JSON files it reads (label.json, schema sidecars, models, statistics, JSON Lines rows): a
/// key given twice is an error, never "the last one wins" silently (System.Text.Json's default keeps both or the last);
/// and how a versioned one's 'version' is checked.
/// </summary>
internal static class StrictJson
{
    public static readonly JsonDocumentOptions Options = new() { AllowDuplicateProperties = false };

    // Checking keys for duplicates decodes them, so a key with a lone surrogate escape ("\udfff") throws
    // InvalidOperationException while parsing; the readers' guard (ReadGuard) names it for documents
    public static JsonDocument Document(string text) => JsonDocument.Parse(text, Options);

    public static JsonDocument Document(ReadOnlyMemory<byte> utf8) => JsonDocument.Parse(utf8, Options);

    /// <summary>A node tree, for models and statistics, whose readers report <see cref="JsonException"/>: a lone surrogate becomes one.</summary>
    public static JsonNode? Node(string text)
    {
        try { return JsonNode.Parse(text, null, Options); }
        catch (InvalidOperationException e) when (e.Message.Contains("surrogate", StringComparison.OrdinalIgnoreCase))
        {
            throw new JsonException("invalid text: a lone UTF-16 surrogate escape (such as \\ud800) is not a character", e);
        }
    }

    /// <summary>
    /// Checks the field 'version' of a versioned file (<paramref name="kind"/>: "model file", "matrix schema file") is at most
    /// <paramref name="newest"/>: a number equal to a whole one from 1, written as 1, 1.0 or 1e0 (as a tool that reads
    /// numbers as floats writes it back). <paramref name="raw"/> is the value's JSON text, null when the field is missing.
    /// </summary>
    public static void RequireVersion(JsonValueKind valueKind, string? raw, string kind, int newest, Func<string, SnorkelerException> bad)
    {
        if (raw is null) throw bad($"field 'version' is missing (a whole number; this Snorkeler reads {Readable(newest)})");
        // Parsed from its text, as a node built in memory holds an int that TryGetValue<double> does not convert.
        if (!(valueKind == JsonValueKind.Number && double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var version)
              && version >= 1 && version == Math.Floor(version)))
            throw bad($"field 'version' is {(raw.Length > 40 ? raw[..40] + "…" : raw)}, not a {kind} version (a whole number; this Snorkeler reads {Readable(newest)})");
        if (version > newest) throw bad($"{kind} version {raw} is newer than this Snorkeler reads ({newest}); upgrade Snorkeler");
    }

    private static string Readable(int newest) => newest == 1 ? "version 1" : string.Create(CultureInfo.InvariantCulture, $"versions 1 to {newest}");
}
