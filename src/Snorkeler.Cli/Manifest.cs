using System.Text.Json;
using System.Text.Json.Nodes;
using Snorkeler.IO;

namespace Snorkeler.Cli;

/// <summary>
/// The provenance manifest written next to an output (<c>LABELS.csv.manifest.json</c>): how every label
/// was made, so a result can be traced and reproduced. Fields are documented in docs/provenance.md.
/// </summary>
internal static class Manifest
{
    public const string Format = "snorkeler.manifest";
    public const int Version = 1;

    public static string PathFor(string output) => output + ".manifest.json";

    public static JsonObject Start(string command, IReadOnlyList<string> args)
        => new()
        {
            ["format"] = Format,
            ["version"] = Version,
            ["snorkeler_version"] = Cli.Version,
            ["command"] = command,
            ["command_line"] = new JsonArray(args.Select(a => (JsonNode)a!).ToArray()),
            ["created_utc"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
            ["machine"] = new JsonObject
            {
                ["os"] = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
                ["runtime"] = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
                ["processors"] = Environment.ProcessorCount,
            },
        };

    /// <summary>A file's path, size and hash; <paramref name="content"/> is where its bytes are when not yet committed.</summary>
    public static JsonObject FileEntry(string path, long? rows = null, string? content = null)
    {
        var entry = new JsonObject
        {
            ["path"] = path,
            ["bytes"] = new FileInfo(content ?? path).Length,
            ["sha256"] = Sha256(content ?? path),
        };
        if (rows is not null) entry["rows"] = rows;
        return entry;
    }

    public static JsonArray Lfs(IReadOnlyList<LabelingFunction> lfs)
        => new(lfs.Select(lf => (JsonNode)new JsonObject
        {
            ["name"] = lf.Name,
            ["file"] = lf.Location?.Path,
            ["line"] = lf.Location?.Line,
            ["source_sha256"] = lf.SourceHash,
        }).ToArray());

    /// <summary>The manifest of <paramref name="output"/>, written but not committed (it is committed with the output).</summary>
    public static PendingFile Prepare(string output, JsonObject manifest)
        => AtomicFile.Prepare(PathFor(output), stream =>
        {
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            manifest.WriteTo(json);
        });

    public static string Sha256(string path) => FileHash.Sha256(path);
}
