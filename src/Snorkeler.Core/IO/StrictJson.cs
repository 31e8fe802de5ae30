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

    public static JsonDocument Document(string text) => JsonDocument.Parse(text, Options);

    public static JsonDocument Document(ReadOnlyMemory<byte> utf8) => JsonDocument.Parse(utf8, Options);

    public static JsonNode? Node(string text) => JsonNode.Parse(text, null, Options);
}
