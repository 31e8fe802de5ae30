using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Snorkeler.IO;

/// <summary>What a path names once links are followed.</summary>
public enum FileKind
{
    /// <summary>Nothing (or a link to nothing).</summary>
    Missing,
    /// <summary>A regular file.</summary>
    Regular,
    /// <summary>A folder.</summary>
    Directory,
    /// <summary>A named pipe (FIFO), socket or device: reading it may block forever or never end.</summary>
    Special,
}

/// <summary>A path's kind, identity and size as the operating system reports them, links followed.</summary>
/// <param name="Kind">What the path names.</param>
/// <param name="Identity">
/// Equal for two paths exactly when they name the same file: the device and inode on Unix (so hard links,
/// symbolic links and <c>./</c> spellings compare equal); the fully resolved path elsewhere, and for a
/// missing file the resolved path it would be created at.
/// </param>
/// <param name="Size">The size in bytes (0 unless regular).</param>
public readonly record struct FileFacts(FileKind Kind, string Identity, long Size);

/// <summary>
/// Opening input files safely, for every reader: only regular files (a FIFO or device could block forever
/// or never end), a size cap where the content is read whole, the real identity of a file (to refuse an
/// output that would overwrite an input), and the fully resolved path (to keep reads inside a folder).
/// </summary>
public static class InputFile
{
    /// <summary>Links followed while resolving one path before giving up (as Linux's ELOOP).</summary>
    private const int MaxLinkHops = 40;

    /// <summary>The kind, identity and size of <paramref name="path"/>, links followed.</summary>
    public static FileFacts Stat(string path)
    {
        Guard.NotNull(path);
        if (Posix.TryStat(path, out var facts)) return facts;
        string resolved;
        try { resolved = RealPath(path); }
        catch (IOException) { return new FileFacts(FileKind.Missing, "path:" + Path.GetFullPath(path), 0); }
        var identity = "path:" + (OperatingSystem.IsWindows() ? resolved.ToUpperInvariant() : resolved);
        if (Directory.Exists(resolved)) return new FileFacts(FileKind.Directory, identity, 0);
        if (!File.Exists(resolved)) return new FileFacts(FileKind.Missing, identity, 0);
        return new FileFacts(FileKind.Regular, identity, new FileInfo(resolved).Length);
    }

    /// <summary>
    /// The path with every component resolved: each symbolic link replaced by its target, <c>.</c> and <c>..</c>
    /// applied to the real folder they are in (as POSIX <c>realpath</c>). Components that do not exist are kept
    /// as written. Throws <see cref="IOException"/> on a cycle of links.
    /// </summary>
    public static string RealPath(string path)
    {
        Guard.NotNull(path);
        var absolute = Path.IsPathRooted(path) ? path : Path.Combine(Directory.GetCurrentDirectory(), path);
        var root = Path.GetPathRoot(absolute) ?? "/";
        var pending = new Stack<string>(Components(absolute[root.Length..]).Reverse());
        var current = root;
        var hops = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part == ".") continue;
            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? root;
                continue;
            }
            var next = Path.Combine(current, part);
            string? target;
            try { target = new FileInfo(next).LinkTarget; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { target = null; }
            if (target is null)
            {
                current = next;
                continue;
            }
            if (++hops > MaxLinkHops) throw new IOException($"{path}: too many levels of symbolic links");
            if (Path.IsPathRooted(target))
            {
                root = Path.GetPathRoot(target) ?? root;
                current = root;
                target = target[root.Length..];
            }
            foreach (var c in Components(target).Reverse()) pending.Push(c);
        }
        return current;
    }

    /// <summary>True when <paramref name="path"/>, fully resolved, is <paramref name="folder"/> (fully resolved) or inside it.</summary>
    public static bool IsInside(string path, string folder)
    {
        var real = RealPath(path);
        var root = RealPath(folder).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return (real + Path.DirectorySeparatorChar).StartsWith(root, comparison);
    }

    /// <summary>
    /// Checks that <paramref name="path"/> names a regular file (links followed) and returns its facts; throws a
    /// <see cref="SnorkelerException"/> naming the file otherwise. Run it before opening: opening a FIFO for
    /// reading blocks until a writer appears.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="expected">What the file should be, for the message about a folder ("a data file").</param>
    public static FileFacts RequireRegular(string path, string expected = "a file")
    {
        var facts = Stat(path);
        return facts.Kind switch
        {
            FileKind.Regular => facts,
            FileKind.Directory => throw SnorkelerException.InFile(path, $"is a folder, expected {expected}"),
            FileKind.Special => throw SnorkelerException.InFile(path, NotRegularMessage),
            _ => throw SnorkelerException.InFile(path, BrokenLinkTarget(path) is { } target ? $"is a symbolic link to '{target}', which does not exist (a broken link)" : "no such file"),
        };
    }

    /// <summary>
    /// Where <paramref name="path"/> points when it is itself a symbolic link, else null: a missing file that <c>ls</c> lists
    /// is a broken link, which "no such file" left a puzzle.
    /// </summary>
    private static string? BrokenLinkTarget(string path)
    {
        try { return new FileInfo(path).LinkTarget; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException) { return null; }
    }

    /// <summary>Why a pipe or device is refused (Snorkeler reads some inputs more than once, and a device may never end).</summary>
    public const string NotRegularMessage = "is a named pipe, socket or device, not a regular file (save the content to a file first)";

    /// <summary>Opens a regular file for sequential reading; a <see cref="SnorkelerException"/> naming the file when it is not one or cannot be opened.</summary>
    public static FileStream OpenRead(string path, int bufferSize = 1 << 16)
    {
        RequireRegular(path);
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw SnorkelerException.InFile(path, e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message, inner: e);
        }
    }

    /// <summary>
    /// Reads a whole regular file of at most <paramref name="maxBytes"/> bytes; beyond that a
    /// <see cref="SnorkelerException"/> naming the file and the limit (<paramref name="what"/> says what the file is).
    /// The cap holds even if the file grows while it is read.
    /// </summary>
    public static byte[] ReadAllBytes(string path, long maxBytes, string what)
    {
        var facts = RequireRegular(path);
        if (facts.Size > maxBytes) throw TooLarge(path, maxBytes, what);
        // Unbuffered: the content is read straight into its array. A 64 KB stream buffer for a rule file of a few
        // hundred bytes was fresh memory, 16 pages faulted in at every start (docs/benchmarks.md, eighth pass).
        using var stream = OpenRead(path, bufferSize: 0);
        var exact = new byte[facts.Size];
        var filled = stream.ReadAtLeast(exact, exact.Length, throwOnEndOfStream: false);
        if (filled < exact.Length) return exact[..filled]; // it shrank meanwhile
        var next = stream.ReadByte();
        if (next < 0) return exact;
        // It grew meanwhile: go on reading, within the cap.
        var buffer = new MemoryStream();
        buffer.Write(exact);
        buffer.WriteByte((byte)next);
        var chunk = new byte[1 << 16];
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            if (buffer.Length + read > maxBytes) throw TooLarge(path, maxBytes, what);
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length > maxBytes) throw TooLarge(path, maxBytes, what);
        return buffer.ToArray();
    }

    /// <summary>
    /// Reads a whole regular UTF-8 file of at most <paramref name="maxBytes"/> bytes for a JSON parser, without the
    /// byte-order mark Windows editors put first (which <see cref="System.Text.Json"/> would reject as an invalid value).
    /// </summary>
    public static ReadOnlyMemory<byte> ReadUtf8(string path, long maxBytes, string what)
    {
        var bytes = ReadAllBytes(path, maxBytes, what);
        return bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? bytes.AsMemory(Encoding.UTF8.Preamble.Length) : bytes;
    }

    /// <summary>
    /// Reads a whole regular text file of at most <paramref name="maxBytes"/> bytes as UTF-8 (a byte-order mark
    /// picks UTF-8, UTF-16 or UTF-32, as <see cref="File.ReadAllText(string)"/> does). Bytes that are not UTF-8 are an
    /// error naming the line: an LF file saved as Windows-1252 ("ni\xF1o") was read with U+FFFD in place of the ñ,
    /// and its rule then never fired, as data files with such bytes are refused.
    /// </summary>
    public static string ReadAllText(string path, long maxBytes, string what)
    {
        var bytes = ReadAllBytes(path, maxBytes, what);
        using var reader = new StreamReader(new MemoryStream(bytes), StrictUtf8, detectEncodingFromByteOrderMarks: true);
        string text;
        try { text = reader.ReadToEnd(); }
        catch (DecoderFallbackException) { throw Data.TextFiles.InvalidUtf8(path); }
        return text.Contains('\0') ? throw NulCharacter(path, text) : text;
    }

    /// <summary>
    /// The encoding the byte-order mark <paramref name="start"/> (a file's first bytes, four or fewer) begins with names,
    /// as <see cref="ReadAllText"/> decodes it: UTF-8, UTF-16 or UTF-32, either byte order, each writing that mark as its
    /// preamble; null without a mark (the file is read as UTF-8). A writer that keeps the encoding of a file it rewrites.
    /// </summary>
    internal static Encoding? MarkedEncoding(ReadOnlySpan<byte> start) => start switch
    {
        [0xFF, 0xFE, 0x00, 0x00, ..] => Encoding.UTF32,
        [0x00, 0x00, 0xFE, 0xFF, ..] => new UTF32Encoding(bigEndian: true, byteOrderMark: true),
        [0xEF, 0xBB, 0xBF, ..] => Encoding.UTF8,
        [0xFF, 0xFE, ..] => Encoding.Unicode,
        [0xFE, 0xFF, ..] => Encoding.BigEndianUnicode,
        _ => null,
    };

    /// <summary>
    /// A NUL is valid UTF-8 but never text. A file saved as UTF-16 without a byte order mark reads as ASCII with a NUL after
    /// every character, which the rule parser reported as "unexpected 'l'" at the file's first letter.
    /// </summary>
    private static SnorkelerException NulCharacter(string path, string text)
    {
        var at = text.IndexOf('\0');
        var line = text.AsSpan(0, at).Count('\n') + 1;
        var column = at - (at == 0 ? 0 : text.LastIndexOf('\n', at - 1) + 1) + 1;
        var nuls = text.AsSpan().Count('\0');
        return SnorkelerException.InFile(path, nuls * 4 >= text.Length
            ? "the file has a NUL byte beside every character, as text saved as UTF-16 without a byte order mark has (save the file as UTF-8)"
            : string.Create(CultureInfo.InvariantCulture, $"a NUL character (U+0000) at column {column}, which is not text (remove it, and save the file as UTF-8)"), line);
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static SnorkelerException TooLarge(string path, long maxBytes, string what)
        => SnorkelerException.InFile(path, string.Create(CultureInfo.InvariantCulture,
            $"the file is larger than {maxBytes:N0} bytes, the limit for {what}"));

    private static IEnumerable<string> Components(string path)
        => path.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// <c>stat(2)</c> on Linux (x64, arm64) and macOS, read at the offsets of each platform's <c>struct stat</c>;
    /// elsewhere (or if the call is missing) the portable fallback above answers.
    /// </summary>
    private static class Posix
    {
        private const int IfMt = 0xF000, IfReg = 0x8000, IfDir = 0x4000;
        private static bool _unavailable;

        public static bool TryStat(string path, out FileFacts facts)
        {
            facts = default;
            if (_unavailable || !Layout(out var modeOffset, out var devBytes, out var sizeOffset)) return false;
            var buffer = new byte[256];
            int result;
            try { result = Call(path, buffer); }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
            {
                _unavailable = true;
                return false;
            }
            if (result != 0)
            {
                // ENOENT, ENOTDIR, ELOOP, EACCES...: nothing readable there; identify it by where it would be.
                string where;
                try { where = RealPath(path); }
                catch (IOException) { where = Path.GetFullPath(path); }
                facts = new FileFacts(FileKind.Missing, "path:" + where, 0);
                return true;
            }
            var span = buffer.AsSpan();
            var device = devBytes == 8 ? BinaryPrimitives.ReadUInt64LittleEndian(span) : BinaryPrimitives.ReadUInt32LittleEndian(span);
            var inode = BinaryPrimitives.ReadUInt64LittleEndian(span[8..]);
            var mode = OperatingSystem.IsMacOS() ? BinaryPrimitives.ReadUInt16LittleEndian(span[modeOffset..]) : (int)BinaryPrimitives.ReadUInt32LittleEndian(span[modeOffset..]);
            var kind = (mode & IfMt) switch
            {
                IfReg => FileKind.Regular,
                IfDir => FileKind.Directory,
                _ => FileKind.Special,
            };
            var size = kind == FileKind.Regular ? BinaryPrimitives.ReadInt64LittleEndian(span[sizeOffset..]) : 0;
            facts = new FileFacts(kind, string.Create(CultureInfo.InvariantCulture, $"inode:{device}:{inode}"), size);
            return true;
        }

        /// <summary>Offsets in <c>struct stat</c>: the device is at 0 and the inode at 8 on all three.</summary>
        private static bool Layout(out int modeOffset, out int devBytes, out int sizeOffset)
        {
            (modeOffset, devBytes, sizeOffset) = (0, 0, 0);
            if (!BitConverter.IsLittleEndian) return false;
            if (OperatingSystem.IsLinux())
            {
                (modeOffset, devBytes, sizeOffset) = RuntimeInformation.ProcessArchitecture switch
                {
                    Architecture.X64 => (24, 8, 48),
                    Architecture.Arm64 => (16, 8, 48),
                    _ => (0, 0, 0),
                };
                return devBytes > 0;
            }
            if (OperatingSystem.IsMacOS())
            {
                (modeOffset, devBytes, sizeOffset) = (4, 4, 96);
                return true;
            }
            return false;
        }

        private static int Call(string path, byte[] buffer)
        {
            if (OperatingSystem.IsMacOS())
                return RuntimeInformation.ProcessArchitecture == Architecture.X64 ? MacStat64(path, buffer) : MacStat(path, buffer);
            try { return LinuxStat(path, buffer); }
            catch (EntryPointNotFoundException)
            {
                // glibc before 2.33 exports stat only as __xstat(version, ...).
                return LinuxXStat(RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 1 : 0, path, buffer);
            }
        }

        [DllImport("libc.so.6", EntryPoint = "stat", SetLastError = true)]
        private static extern int LinuxStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [Out] byte[] buffer);

        [DllImport("libc.so.6", EntryPoint = "__xstat", SetLastError = true)]
        private static extern int LinuxXStat(int version, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, [Out] byte[] buffer);

        [DllImport("libc", EntryPoint = "stat", SetLastError = true)]
        private static extern int MacStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [Out] byte[] buffer);

        [DllImport("libc", EntryPoint = "stat$INODE64", SetLastError = true)]
        private static extern int MacStat64([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [Out] byte[] buffer);
    }
}
