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

    public static JsonObject FileEntry(string path, long? rows = null)
    {
        var entry = new JsonObject
        {
            ["path"] = path,
            ["bytes"] = new FileInfo(path).Length,
            ["sha256"] = Sha256(path),
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

    public static void Write(string output, JsonObject manifest)
        => AtomicFile.Write(PathFor(output), stream =>
        {
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            manifest.WriteTo(json);
        });

    public static string Sha256(string path) => FileHash.Sha256(path);
}
