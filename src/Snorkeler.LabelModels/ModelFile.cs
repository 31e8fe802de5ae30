using System.Text.Json;
using System.Text.Json.Nodes;
using Snorkeler.IO;

namespace Snorkeler.LabelModels;

/// <summary>
/// A fitted model as a versioned JSON file: format tag and version, model name, classes, LF names,
/// class prior, the model's parameters, optional fit information, and a SHA-256 checksum of the rest
/// so an edited or damaged file is rejected. No type names: the model name picks the loader.
/// </summary>
public static class ModelFile
{
    /// <summary>The value of the file's "format" field.</summary>
    public const string Format = "snorkeler.label-model";

    /// <summary>
    /// The newest file version this build reads and writes. Version 2 is written only for a model that older readers would
    /// misread: a <c>dawid-skene</c> row activity with blank shares (<c>parameters.activity.blank</c>, which a version-1
    /// reader skips, labelling the rows without votes otherwise); every other model is written as version 1.
    /// </summary>
    public const int Version = 2;

    /// <summary>The model as a JSON object (with checksum).</summary>
    public static JsonObject ToJson(ILabelModel model, JsonObject? fitInfo = null)
    {
        var json = new JsonObject
        {
            ["format"] = Format,
            ["version"] = model is DawidSkeneActivityModel { HasBlankRows: true } ? 2 : 1,
            ["model"] = model.Name,
            ["classes"] = new JsonArray(model.Schema.ClassNames.Select(n => (JsonNode)n!).ToArray()),
            ["lfs"] = new JsonArray(model.LfNames.Select(n => (JsonNode)n!).ToArray()),
            ["prior"] = new JsonArray(model.ClassPrior.Select(p => (JsonNode)p!).ToArray()),
            ["parameters"] = model.SaveParameters(),
        };
        if (fitInfo is not null) json["fit"] = fitInfo;
        if (FirstNonFinite(json, "") is { } bad)
            throw new SnorkelerException($"model '{model.Name}' has {bad.Path} = {bad.Value}, which is not a finite number; the fit went out of range (try other options, a --prior, or another model); nothing was written");
        json["checksum"] = Checksum(json);
        return json;
    }

    /// <summary>The first number in <paramref name="node"/> that is NaN or infinite (JSON cannot hold it, and no model should), with its path.</summary>
    private static (string Path, string Value)? FirstNonFinite(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, child) in o)
                    if (FirstNonFinite(child, path.Length == 0 ? key : $"{path}.{key}") is { } found) return found;
                return null;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                    if (FirstNonFinite(a[i], $"{path}[{i}]") is { } found) return found;
                return null;
            case JsonValue v when v.TryGetValue<double>(out var d) && !double.IsFinite(d):
                return (path, d.ToString(System.Globalization.CultureInfo.InvariantCulture));
            case JsonValue v when v.TryGetValue<float>(out var f) && !float.IsFinite(f):
                return (path, f.ToString(System.Globalization.CultureInfo.InvariantCulture));
            default:
                return null;
        }
    }

    /// <summary>Writes the model file atomically.</summary>
    public static void Save(ILabelModel model, string path, JsonObject? fitInfo = null)
    {
        var json = ToJson(model, fitInfo);
        AtomicFile.Write(path, stream =>
        {
            using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            WriteLined(json, writer);
        });
    }

    /// <summary>
    /// Writes <paramref name="node"/> indented, except that a node holding only numbers and strings (an array of them, or an
    /// object whose fields are those or arrays of them, such as a confusion row) takes one line: indented one number a line,
    /// a model over 1,000 classes wrote ten times the bytes of its numbers.
    /// </summary>
    private static void WriteLined(JsonNode? node, Utf8JsonWriter writer)
    {
        switch (node)
        {
            case JsonObject o when !Flat(o):
                writer.WriteStartObject();
                foreach (var (key, child) in o)
                {
                    writer.WritePropertyName(key);
                    WriteLined(child, writer);
                }
                writer.WriteEndObject();
                return;
            case JsonArray a when !Flat(a):
                writer.WriteStartArray();
                foreach (var child in a) WriteLined(child, writer);
                writer.WriteEndArray();
                return;
            case JsonObject or JsonArray:
                writer.WriteRawValue(node.ToJsonString(), skipInputValidation: true);
                return;
            case null:
                writer.WriteNullValue();
                return;
            default:
                node.WriteTo(writer);
                return;
        }

        static bool Leaf(JsonNode? x) => x is JsonValue v && v.GetValueKind() is JsonValueKind.Number or JsonValueKind.String;
        static bool Row(JsonNode? x) => Leaf(x) || x is JsonArray a && a.Count > 0 && a.All(Leaf);
        static bool Flat(JsonNode x) => x is JsonArray a ? a.Count > 0 && a.All(Leaf) : x is JsonObject o && o.Count > 0 && o.All(p => Row(p.Value));
    }

    /// <summary>The largest model file read.</summary>
    internal const long MaxFileBytes = 1L << 30;

    /// <summary>Reads and validates a model file; every problem is a <see cref="SnorkelerException"/> naming the file.</summary>
    public static ILabelModel Load(string path)
    {
        JsonChecksum.Prepare();
        string text;
        try { text = InputFile.ReadAllText(path, MaxFileBytes, "a model file"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw SnorkelerException.InFile(path, e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message);
        }
        if (string.IsNullOrWhiteSpace(text)) throw SnorkelerException.InFile(path, "the file is empty (not a Snorkeler model file)");
        JsonObject json;
        try
        {
            json = StrictJson.Node(text) as JsonObject ?? throw SnorkelerException.InFile(path, "not a Snorkeler model file (expected a JSON object)");
        }
        catch (JsonException e)
        {
            throw NotJson(path, e, text, "fit the model again with 'snorkeler fit'");
        }
        return ReadGuard.Run(path, () => FromJson(json, path));
    }

    /// <summary>
    /// A model or statistics file that is not JSON: NaN or Infinity in one (never written by Snorkeler) means the file was
    /// edited or written by another tool, which <paramref name="remedy"/> undoes; anything else, that it was cut short or damaged.
    /// </summary>
    internal static SnorkelerException NotJson(string path, JsonException e, string text, string remedy)
        => Data.JsonObjectStream.NonJsonNumber(e.Message, System.Text.Encoding.UTF8.GetBytes(text)) is { } word
            ? SnorkelerException.InFile(path, $"{word} is not a JSON value (JSON has no NaN or Infinity) and Snorkeler never writes one, "
                + $"so the file was edited or written by another tool (Python's json.dump writes them for a float NaN or infinity); {remedy}", e.LineNumber + 1)
            : SnorkelerException.InFile(path, $"not valid JSON (truncated or damaged?): {Data.JsonObjectStream.Friendly(e.Message)}", e.LineNumber + 1);

    /// <summary>Checks the field 'version' of a model or statistics file (<paramref name="kind"/>); see <see cref="IO.StrictJson.RequireVersion"/>.</summary>
    internal static void RequireVersion(JsonObject json, string kind, int newest, Func<string, SnorkelerException> bad)
        => IO.StrictJson.RequireVersion(json["version"]?.GetValueKind() ?? JsonValueKind.Undefined, json["version"]?.ToJsonString(), kind, newest, bad);

    /// <summary>Validates and loads a model from its JSON object.</summary>
    public static ILabelModel FromJson(JsonObject json, string path)
    {
        SnorkelerException Bad(string message) => SnorkelerException.InFile(path, message);
        if (json["format"]?.GetValueKind() != JsonValueKind.String || json["format"]!.GetValue<string>() != Format)
            throw Bad($"not a Snorkeler model file (field 'format' must be \"{Format}\")");
        RequireVersion(json, "model file", Version, Bad);
        var expected = json["checksum"]?.GetValueKind() == JsonValueKind.String ? json["checksum"]!.GetValue<string>() : null;
        if (expected is null) throw Bad("field 'checksum' is missing");
        if (!string.Equals(expected, ChecksumWithout(json, "checksum"), StringComparison.OrdinalIgnoreCase))
            throw Bad("checksum mismatch: the file was edited or damaged after it was written; refit the model");

        var name = Field<string>(json, "model", path);
        var classes = Strings(json, "classes", path);
        var lfs = Strings(json, "lfs", path);
        // A model is matched to a matrix by its LF names: with one named twice or left empty, predict blamed every matrix.
        if (IO.MatrixFile.LfNamesProblem(lfs) is { } problem) throw Bad($"field 'lfs': {problem}");
        var prior = json["prior"] is JsonArray pa && pa.All(p => p is JsonValue pv && pv.GetValueKind() == JsonValueKind.Number)
            ? pa.Select(p => p!.GetValue<double>()).ToArray()
            : throw Bad("field 'prior' must be an array of numbers");
        LabelSchema schema;
        try { schema = new LabelSchema(classes); }
        catch (ArgumentException e) { throw Bad($"field 'classes': {e.Message}"); }
        if (prior.Length != schema.Cardinality || prior.Any(p => !double.IsFinite(p) || p < 0) || !(prior.Sum() is var total && double.IsFinite(total) && total > 0))
            throw Bad($"field 'prior' must hold {schema.Cardinality} non-negative numbers with a positive, finite sum");
        var parameters = json["parameters"] as JsonObject ?? throw Bad("field 'parameters' must be an object");
        LabelModelKind kind;
        try { kind = LabelModelCatalog.Get(name); }
        catch (SnorkelerException e) { throw Bad(e.Message); }
        try { return kind.Load(schema, lfs, prior, parameters); }
        catch (SnorkelerException e) { throw Bad(e.Message); }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException or JsonException or NullReferenceException or IndexOutOfRangeException)
        {
            throw Bad($"the '{name}' parameters are invalid: {e.Message}");
        }
    }

    private static T Field<T>(JsonObject json, string field, string path)
    {
        try { return json[field] is { } node ? node.GetValue<T>() : throw SnorkelerException.InFile(path, $"field '{field}' is missing"); }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw SnorkelerException.InFile(path, $"field '{field}' has the wrong type");
        }
    }

    /// <summary>A field that must be an array of strings.</summary>
    internal static string[] Strings(JsonObject json, string field, string path)
    {
        if (json[field] is not JsonArray array || array.Any(a => a?.GetValueKind() != JsonValueKind.String))
            throw SnorkelerException.InFile(path, $"field '{field}' must be an array of strings");
        return array.Select(a => a!.GetValue<string>()).ToArray();
    }

    private static string Checksum(JsonObject json) => JsonChecksum.Of(json);

    /// <summary>
    /// The checksum of <paramref name="json"/> without the field <paramref name="field"/>, which is put back in its place
    /// afterwards (a copy of a large model's tree cost as much memory as the tree).
    /// </summary>
    private static string ChecksumWithout(JsonObject json, string field)
    {
        var index = json.IndexOf(field);
        var value = json[field];
        json.Remove(field);
        try { return Checksum(json); }
        finally { json.Insert(index, field, value); }
    }
}
