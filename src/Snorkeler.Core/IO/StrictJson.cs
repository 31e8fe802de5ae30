using System.Text.Json;
using System.Text.Json.Nodes;

namespace Snorkeler.IO;

/// <summary>
/// How Snorkeler parses the JSON files it reads (label.json, schema sidecars, models, statistics, JSON Lines rows): a
/// key given twice is an error, never "the last one wins" silently (System.Text.Json's default keeps both or the last).
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
}
