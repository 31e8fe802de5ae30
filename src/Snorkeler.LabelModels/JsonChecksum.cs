using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Snorkeler.LabelModels;

/// <summary>The checksum that model and statistics files carry: hex SHA-256 of the object's compact JSON text.</summary>
internal static class JsonChecksum
{
    public static string Of(JsonObject json) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json.ToJsonString())));
}
