using System.Security.Cryptography;

namespace Snorkeler.IO;

/// <summary>Content hashes of files, for provenance manifests and cache keys.</summary>
public static class FileHash
{
    /// <summary>The hex SHA-256 of a file's bytes, read sequentially.</summary>
    public static string Sha256(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
