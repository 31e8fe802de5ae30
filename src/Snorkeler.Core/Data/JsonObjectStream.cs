using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Snorkeler.Data;

/// <summary>
/// Reads the members of a top-level JSON object one at a time from a stream (the Wrench layout
/// <c>{"0": {...}, "1": {...}}</c>), holding one member in memory, with the line each member starts on.
/// </summary>
internal static class JsonObjectStream
{
    /// <summary>A member: its key, its value, the line its key is on and the line its value starts on.</summary>
    public readonly record struct Member(string Key, JsonDocument Value, long Line, long ValueLine)
    {
        /// <summary>
        /// The line <paramref name="element"/>, a part of <see cref="Value"/>, starts on (or, with <paramref name="end"/>, ends on):
        /// a fault inside a row spread over many lines is named where it is.
        /// </summary>
        public long LineOf(JsonElement element, bool end = false)
        {
            var whole = JsonMarshal.GetRawUtf8Value(Value.RootElement);
            var part = JsonMarshal.GetRawUtf8Value(element);
            var offset = (int)Unsafe.ByteOffset(ref MemoryMarshal.GetReference(whole), ref MemoryMarshal.GetReference(part)) + (end ? Math.Max(0, part.Length - 1) : 0);
            return offset >= 0 && offset <= whole.Length ? ValueLine + whole[..offset].Count((byte)'\n') : ValueLine;
        }
    }

    /// <summary>The largest JSON record (a Wrench row, a JSON Lines line) read: memory stays bounded per record.</summary>
    public const int MaxRecordBytes = 64 << 20;

    public static IEnumerable<Member> Read(Stream stream, string path)
    {
        var buffer = new byte[1 << 16];
        int filled = 0, consumedTotal = 0;
        long line = 1;
        var state = new JsonReaderState(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        var finalBlock = false;
        var phase = 0; // 0: before '{', 1: expect key or '}', 2: expect value, 3: done
        string? key = null;
        long keyLine = 1;
        Member? pending = null;
        var seen = new Dictionary<string, long>(StringComparer.Ordinal); // row ids and their lines: an id given twice is an error

        bool Fill()
        {
            if (finalBlock) return false;
            if (filled == buffer.Length)
            {
                if (buffer.Length >= MaxRecordBytes)
                    throw SnorkelerException.InFile(path, $"a record is larger than {MaxRecordBytes:N0} bytes (the limit for one JSON record)", line);
                Array.Resize(ref buffer, buffer.Length * 2);
            }
            var read = stream.Read(buffer, filled, buffer.Length - filled);
            if (read == 0) finalBlock = true;
            filled += read;
            return true;
        }

        Fill();
        if (filled >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF) consumedTotal = 3;
        if (filled >= 2 && (buffer[0] == 0xFF && buffer[1] == 0xFE || buffer[0] == 0xFE && buffer[1] == 0xFF))
            throw SnorkelerException.InFile(path, "the file is UTF-16; save it as UTF-8");
        while (phase != 3)
        {
            var span = buffer.AsSpan(consumedTotal, filled - consumedTotal);
            // Never a final block: the top level is an object, so incomplete input (an empty or truncated
            // file) makes the reader stop and ask for more, and the end of the stream then names the problem.
            var reader = new Utf8JsonReader(span, isFinalBlock: false, state);
            var progressed = false;
            try
            {
                while (phase != 3)
                {
                    if (phase == 2)
                    {
                        var before = reader.BytesConsumed;
                        if (!JsonDocument.TryParseValue(ref reader, out var doc))
                            break;
                        // The reader does not validate UTF-8 inside strings; GetString would throw on it later.
                        if (!System.Text.Unicode.Utf8.IsValid(span.Slice((int)before, (int)(reader.BytesConsumed - before))))
                        {
                            doc!.Dispose();
                            throw TextFiles.InvalidUtf8(path);
                        }
                        var value = span.Slice((int)before, (int)(reader.BytesConsumed - before));
                        // The value starts after the blanks and the colon that follow its key.
                        var valueLine = line + value[..Math.Max(0, value.IndexOfAnyExcept(" \t\r\n:"u8))].Count((byte)'\n');
                        line += value.Count((byte)'\n');
                        progressed = true;
                        phase = 1;
                        var member = new Member(key!, doc!, keyLine, valueLine);
                        state = reader.CurrentState;
                        var consumed = (int)reader.BytesConsumed;
                        consumedTotal += consumed;
                        pending = member;
                        break;
                    }
                    var start = reader.BytesConsumed;
                    if (!reader.Read()) break;
                    line += span.Slice((int)start, (int)(reader.BytesConsumed - start)).Count((byte)'\n');
                    progressed = true;
                    switch (phase)
                    {
                        case 0 when reader.TokenType == JsonTokenType.StartObject:
                            phase = 1;
                            break;
                        case 0:
                            throw SnorkelerException.InFile(path, $"the file holds {Kind(KindOf(reader.TokenType))}, but a .json file is read as a Wrench split ({SplitShape}); {LinesHint}", line);
                        case 1 when reader.TokenType == JsonTokenType.PropertyName:
                            if (!System.Text.Unicode.Utf8.IsValid(reader.ValueSpan)) throw TextFiles.InvalidUtf8(path);
                            key = reader.GetString();
                            keyLine = line;
                            if (!seen.TryAdd(key!, line))
                                throw SnorkelerException.InFile(path, $"row \"{key}\" is given twice (first on line {seen[key!]}); each row needs its own id", line);
                            phase = 2;
                            break;
                        case 1 when reader.TokenType == JsonTokenType.EndObject:
                            phase = 3;
                            break;
                    }
                }
            }
            catch (JsonException e)
            {
                throw SnorkelerException.InFile(path, $"invalid JSON: {Friendly(e.Message)}", (e.LineNumber ?? line - 1) + 1); // the reader state carries the 0-based line from the start of the file
            }
            if (pending is { } m)
            {
                pending = null;
                using (m.Value) yield return m;
                continue;
            }
            state = reader.CurrentState;
            consumedTotal += (int)reader.BytesConsumed;
            if (phase == 3) break;
            // Keep what was not consumed, then read more.
            if (consumedTotal > 0)
            {
                Buffer.BlockCopy(buffer, consumedTotal, buffer, 0, filled - consumedTotal);
                filled -= consumedTotal;
                consumedTotal = 0;
            }
            if (!Fill() && !progressed)
                throw phase == 0 && buffer.AsSpan(0, filled).IndexOfAnyExcept(" \t\r\n"u8) < 0
                    ? SnorkelerException.InFile(path, "the file is empty", line)
                    : SnorkelerException.InFile(path, "unexpected end of file (truncated JSON?)", LastLine(line, buffer.AsSpan(0, filled)));
        }
    }

    /// <summary>The line a file ends on, <paramref name="rest"/> being what was left unread from <paramref name="line"/> on: the last line with something on it.</summary>
    private static long LastLine(long line, ReadOnlySpan<byte> rest)
    {
        var end = rest.LastIndexOfAnyExcept(" \t\r\n"u8);
        return line + (end < 0 ? 0 : rest[..end].Count((byte)'\n'));
    }

    /// <summary>The layout of a Wrench split, for messages about a file that has another.</summary>
    internal const string SplitShape = "one JSON object of rows: {\"0\": {\"data\": {...}, \"label\": 1}, ...}";

    /// <summary>What to do with records in another layout: JSON Lines is the JSON data format that is not a split.</summary>
    internal const string LinesHint = "for data with one JSON object per line, name the file .jsonl (a JSON array of records: write one per line)";

    /// <summary>A JSON value's kind in words.</summary>
    internal static string Kind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "a JSON array",
        JsonValueKind.String => "a JSON string",
        JsonValueKind.Number => "a JSON number",
        JsonValueKind.True or JsonValueKind.False => "true/false",
        JsonValueKind.Null => "null",
        JsonValueKind.Object => "a JSON object",
        _ => "something other than an object",
    };

    /// <summary>The kind of the value a token starts.</summary>
    private static JsonValueKind KindOf(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => JsonValueKind.Array,
        JsonTokenType.String => JsonValueKind.String,
        JsonTokenType.Number => JsonValueKind.Number,
        JsonTokenType.True => JsonValueKind.True,
        JsonTokenType.False => JsonValueKind.False,
        JsonTokenType.Null => JsonValueKind.Null,
        _ => JsonValueKind.Undefined,
    };

    internal static string Friendly(string message)
    {
        var cut = message.IndexOf(" LineNumber", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd('.', ' ');
    }
}
