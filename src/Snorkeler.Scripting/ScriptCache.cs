using System.Security.Cryptography;
using System.Text;
using Snorkeler.IO;

namespace Snorkeler.Scripting;

/// <summary>
/// Compiled scripts on disk, one file per cache key: <c>&lt;dir&gt;/&lt;key&gt;.csxc</c>. The file is a magic
/// header, the SHA-256 of the body, then the body (its own key, factory names, warnings, column shifts, what each listed script holds, assembly image, PDB);
/// an entry whose key is not the one looked up (a file copied under another name) is a miss. Writes
/// are atomic (temporary file then rename); an entry that fails any check reads as a miss and is rebuilt.
/// Deleting the folder at any time is safe.
/// </summary>
internal static class ScriptCache
{
    private static readonly byte[] Magic = "SNKCSX04"u8.ToArray();

    /// <summary>The folder: the context's, else <c>SNORKELER_CACHE_DIR</c>, else <c>$XDG_CACHE_HOME/snorkeler</c>, else <c>~/.cache/snorkeler</c> (local app data on Windows); scripts go in its <c>csx</c> subfolder.</summary>
    public static string Folder(string? contextDirectory)
    {
        var root = contextDirectory;
        if (string.IsNullOrWhiteSpace(root)) root = Environment.GetEnvironmentVariable("SNORKELER_CACHE_DIR");
        if (string.IsNullOrWhiteSpace(root))
        {
            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            root = !string.IsNullOrWhiteSpace(xdg) ? Path.Combine(xdg, "snorkeler")
                : OperatingSystem.IsWindows() ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "snorkeler")
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "snorkeler");
        }
        return Path.Combine(root, "csx");
    }

    public static string EntryPath(string folder, string key) => Path.Combine(folder, key + ".csxc");

    /// <summary>The entry, or null when it is missing, truncated, corrupt or unreadable.</summary>
    public static CompiledScripts? TryRead(string path, string key)
    {
        byte[] bytes;
        try
        {
            if (!File.Exists(path)) return null;
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        var headerLength = Magic.Length + SHA256.HashSizeInBytes;
        if (bytes.Length < headerLength || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic)) return null;
        var body = bytes.AsSpan(headerLength);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes.AsSpan(Magic.Length, SHA256.HashSizeInBytes))) return null;
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, headerLength, bytes.Length - headerLength), Encoding.UTF8);
            if (reader.ReadString() != key) return null;
            var typeName = reader.ReadString();
            var methodName = reader.ReadString();
            var warnings = new StoredDiagnostic[reader.ReadInt32()];
            for (var i = 0; i < warnings.Length; i++)
            {
                var code = reader.ReadString();
                var message = reader.ReadString();
                var hasPath = reader.ReadBoolean();
                var p = hasPath ? reader.ReadString() : null;
                warnings[i] = new StoredDiagnostic(code, false, message, p, reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32());
            }
            var shifts = new ColumnShift[reader.ReadInt32()];
            for (var i = 0; i < shifts.Length; i++) shifts[i] = new ColumnShift(reader.ReadString(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32());
            var contents = new ScriptContent[reader.ReadInt32()];
            for (var i = 0; i < contents.Length; i++)
            {
                var script = reader.ReadString();
                var kind = reader.ReadInt32();
                if (!Enum.IsDefined((ScriptContentKind)kind)) return null;
                contents[i] = new ScriptContent(script, (ScriptContentKind)kind, reader.ReadInt32(), reader.ReadInt32());
            }
            var image = reader.ReadBytes(reader.ReadInt32());
            var pdb = reader.ReadBytes(reader.ReadInt32());
            return new CompiledScripts(typeName, methodName, image, pdb.Length == 0 ? null : pdb, warnings, shifts, contents);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Writes an entry atomically; throws <see cref="SnorkelerException"/> when it cannot.</summary>
    public static void Write(string path, string key, CompiledScripts compiled)
    {
        using var body = new MemoryStream();
        using (var writer = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(key);
            writer.Write(compiled.TypeName);
            writer.Write(compiled.MethodName);
            writer.Write(compiled.Warnings.Count);
            foreach (var w in compiled.Warnings)
            {
                writer.Write(w.Code);
                writer.Write(w.Message);
                writer.Write(w.Path is not null);
                if (w.Path is not null) writer.Write(w.Path);
                writer.Write(w.Line);
                writer.Write(w.Column);
                writer.Write(w.Length);
            }
            writer.Write(compiled.Shifts.Count);
            foreach (var s in compiled.Shifts)
            {
                writer.Write(s.Path);
                writer.Write(s.Line);
                writer.Write(s.Column);
                writer.Write(s.Added);
            }
            writer.Write(compiled.Contents.Count);
            foreach (var c in compiled.Contents)
            {
                writer.Write(c.Path);
                writer.Write((int)c.Kind);
                writer.Write(c.Line);
                writer.Write(c.Column);
            }
            writer.Write(compiled.Image.Length);
            writer.Write(compiled.Image);
            writer.Write(compiled.Pdb?.Length ?? 0);
            if (compiled.Pdb is not null) writer.Write(compiled.Pdb);
        }
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SnorkelerException(e.Message, e);
        }
        var content = body.ToArray();
        AtomicFile.Write(path, s =>
        {
            s.Write(Magic);
            s.Write(SHA256.HashData(content));
            s.Write(content);
        });
    }
}
