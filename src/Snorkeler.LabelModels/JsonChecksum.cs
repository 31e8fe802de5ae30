using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Snorkeler.LabelModels;

/// <summary>The checksum that model and statistics files carry: hex SHA-256 of the object's compact JSON text.</summary>
internal static class JsonChecksum
{
    public static string Of(JsonObject json) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json.ToJsonString())));

    /// <summary>
    /// Starts loading the platform's hash library (OpenSSL on Linux: ~10-15 ms at its first use) on the thread pool,
    /// so that checking a file read and parsed meanwhile does not wait for it.
    /// </summary>
    public static void Prepare() => ThreadPool.UnsafeQueueUserWorkItem(static _ => SHA256.HashData(ReadOnlySpan<byte>.Empty), (object?)null);
}
