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
                        if (FirstRepeatedKey(doc!.RootElement) is { } repeat)
                        {
                            var (first, second) = (member.LineOf(repeat.First), member.LineOf(repeat.Second));
                            doc.Dispose();
                            throw SnorkelerException.InFile(path, $"row \"{key}\" has the key \"{repeat.Key}\"{repeat.Within} twice (first on line {first}); "
                                + "each key may appear once in an object", second);
                        }
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
                // A value that failed to parse left the reader where it started, so what follows is read again from there.
                var rest = span[(int)reader.BytesConsumed..];
                rest = rest[Math.Max(0, rest.IndexOfAnyExcept(" \t\r\n:,"u8))..];
                throw SnorkelerException.InFile(path, $"invalid JSON: {Friendly(e.Message, rest)}", (e.LineNumber ?? line - 1) + 1); // the reader state carries the 0-based line from the start of the file
            }
            if (pending is { } m)
            {
                pending = null;
                using (m.Value) yield return m;
                continue;
            }
            state = reader.CurrentState;
            consumedTotal += (int)reader.BytesConsumed;
            if (phase == 3)
            {
                RequireNothingAfter(stream, path, buffer, consumedTotal, filled, finalBlock, line);
                break;
            }
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
                    : phase == 0 && LoneValue(buffer.AsSpan(0, filled), state) is { } kind
                        ? SnorkelerException.InFile(path, $"the file holds {Kind(kind)}, but a .json file is read as a Wrench split ({SplitShape}); {LinesHint}", line)
                        : SnorkelerException.InFile(path, "unexpected end of file (truncated JSON?)", LastLine(line, buffer.AsSpan(0, filled)));
        }
    }

    /// <summary>
    /// Refuses anything but blanks and comments after the top-level object's closing brace: a second split appended
    /// (<c>cat train.json valid.json</c>), text or NUL bytes would otherwise be passed over unread, and the rows in them with it.
    /// </summary>
    private static void RequireNothingAfter(Stream stream, string path, byte[] buffer, int start, int filled, bool finalBlock, long line)
    {
        var inLineComment = false;
        var inBlockComment = false;
        var previous = (byte)0;
        while (true)
        {
            for (var i = start; i < filled; i++)
            {
                var b = buffer[i];
                if (b == (byte)'\n') line++;
                if (inLineComment)
                {
                    inLineComment = b != (byte)'\n';
                }
                else if (inBlockComment)
                {
                    if (previous == (byte)'*' && b == (byte)'/') { inBlockComment = false; b = 0; }
                }
                else if (previous == (byte)'/')
                {
                    if (b == (byte)'/') inLineComment = true;
                    else if (b == (byte)'*') { inBlockComment = true; b = 0; } // "/*/" does not close the comment it opens
                    else throw DataAfterEnd(path, line);
                }
                else if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)'/'))
                {
                    throw DataAfterEnd(path, line);
                }
                previous = b;
            }
            if (finalBlock) break;
            start = 0;
            filled = stream.Read(buffer, 0, buffer.Length);
            if (filled == 0) break;
        }
        if (previous == (byte)'/' && !inLineComment && !inBlockComment) throw DataAfterEnd(path, line);
        if (inBlockComment) throw SnorkelerException.InFile(path, "a comment after the split's object is not closed (*/ missing)", line);
    }

    private static SnorkelerException DataAfterEnd(string path, long line)
        => SnorkelerException.InFile(path, "data after the end of the split's object (two files joined?)", line);

    /// <summary>
    /// The first key given twice in one object of a row, at any depth, with the object's place ("in \"data\"") and both
    /// values, or null: JsonDocument keeps both and a reader would take one silently ("label": 0, ..., "label": 1).
    /// Every row is checked, so the check compares the keys' raw bytes and allocates nothing; only a row with a key given
    /// twice is walked again to name it.
    /// </summary>
    internal static (string Key, string Within, JsonElement First, JsonElement Second)? FirstRepeatedKey(JsonElement element)
        => HasRepeatedKey(element) ? LocateRepeatedKey(element, "") : null;

    /// <summary>Objects up to this many keys are checked pair by pair; larger ones through a set of their keys.</summary>
    private const int PairwiseKeys = 16;

    private static bool HasRepeatedKey(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var count = 0;
                foreach (var a in element.EnumerateObject())
                {
                    if (++count > PairwiseKeys) return LocateRepeatedKey(element, "") is not null;
                    var name = JsonMarshal.GetRawUtf8PropertyName(a);
                    var escaped = name.IndexOf((byte)'\\') >= 0;
                    var earlier = 0;
                    foreach (var b in element.EnumerateObject())
                    {
                        if (++earlier == count) break;
                        var other = JsonMarshal.GetRawUtf8PropertyName(b);
                        // Raw bytes differ for one key written with and without escapes ("0" and "\u0030"): those compare decoded.
                        if (other.SequenceEqual(name) || ((escaped || other.IndexOf((byte)'\\') >= 0) && a.NameEquals(b.Name))) return true;
                    }
                    if (a.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array && HasRepeatedKey(a.Value)) return true;
                }
                return false;
            case JsonValueKind.Array:
                // An array that starts with a number or string is taken to hold no objects (a row's weak labels): walking every
                // vote of every row cost 5–8 % of reading a Wrench split.
                foreach (var item in element.EnumerateArray())
                {
                    if (item.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array)) return false;
                    if (HasRepeatedKey(item)) return true;
                }
                return false;
            default:
                return false;
        }
    }

    private static (string Key, string Within, JsonElement First, JsonElement Second)? LocateRepeatedKey(JsonElement element, string within)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                Dictionary<string, JsonElement>? seen = null;
                foreach (var p in element.EnumerateObject())
                {
                    seen ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                    if (!seen.TryAdd(p.Name, p.Value)) return (p.Name, within, seen[p.Name], p.Value);
                }
                foreach (var p in element.EnumerateObject())
                    if (p.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array
                        && LocateRepeatedKey(p.Value, $"{within} in \"{p.Name}\"") is { } inner)
                        return inner;
                return null;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                    if (item.ValueKind is JsonValueKind.Object or JsonValueKind.Array && LocateRepeatedKey(item, within) is { } inner)
                        return inner;
                return null;
            default:
                return null;
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

    /// <summary>
    /// The kind of the whole file's one value when it is a complete scalar (<c>42</c>, <c>-1</c>), or null. The reader, never
    /// given a final block, stops before a number at the very end of the file (it could go on), and the end then looked like
    /// truncation.
    /// </summary>
    private static JsonValueKind? LoneValue(ReadOnlySpan<byte> rest, JsonReaderState state)
    {
        var reader = new Utf8JsonReader(rest, isFinalBlock: true, state);
        try { return reader.Read() && KindOf(reader.TokenType) is var kind and not JsonValueKind.Undefined ? kind : null; }
        catch (JsonException) { return null; }
    }

    /// <summary>What a JSON Lines line that ends inside its object is, in the reader's words.</summary>
    internal const string CutShortLine = "the line is cut short: an object or array is not closed (a '}' or ']' is missing)";

    /// <summary>
    /// True when <paramref name="utf8"/> is valid JSON as far as it goes but ends inside a value (an object or array not
    /// closed, or a number, string or literal at its very end): a reader told more may follow reads it without a fault.
    /// </summary>
    internal static bool IsCutShort(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, isFinalBlock: false, state: default);
        try
        {
            while (reader.Read()) { }
        }
        catch (JsonException) { return false; }
        return reader.CurrentDepth > 0 || reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray or JsonTokenType.PropertyName;
    }

    /// <summary>
    /// The message of a parser that stopped in <paramref name="utf8"/> (a whole document, a line, or the rest of a stream
    /// from a value on): <see cref="NotJson"/> when it stopped at NaN, Infinity or -Infinity, else <see cref="Friendly(string)"/>.
    /// </summary>
    internal static string Friendly(string message, ReadOnlySpan<byte> utf8)
        => NonJsonNumber(message, utf8) is { } word ? NotJson(word) : Friendly(message);

    /// <summary>What to say of NaN, Infinity or -Infinity in a JSON file.</summary>
    internal static string NotJson(string word)
        => $"{word} is not a JSON value (JSON has no NaN or Infinity; Python's json.dump writes them for float('nan') and float('inf') "
            + "unless allow_nan=False); write a number (or null where a value may be missing) in its place";

    /// <summary>
    /// The bare word NaN, Infinity or -Infinity (which Python's json.dump writes for a float NaN or infinity) that a parser's
    /// <paramref name="message"/> ("'N' is an invalid start of a value") stopped at in <paramref name="utf8"/>, else null.
    /// The parser's messages name only the first letter, so the place is found again by reading <paramref name="utf8"/>.
    /// </summary>
    internal static string? NonJsonNumber(string message, ReadOnlySpan<byte> utf8)
    {
        if (!(message.StartsWith("'N' is ", StringComparison.Ordinal) || message.StartsWith("'I' is ", StringComparison.Ordinal)))
            return null;
        var reader = new Utf8JsonReader(utf8, isFinalBlock: false, new JsonReaderState(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip }));
        long lineNumber, column;
        try
        {
            while (reader.Read()) { }
            return null;
        }
        catch (JsonException e)
        {
            (lineNumber, column) = (e.LineNumber ?? 0, e.BytePositionInLine ?? 0);
        }
        var rest = utf8;
        for (var i = 0L; i < lineNumber && rest.IndexOf((byte)'\n') is >= 0 and var end; i++) rest = rest[(end + 1)..];
        if (column > rest.Length) return null;
        var at = (int)column;
        // The parser stops at the 'I' of -Infinity, after the sign it read as the start of a number.
        if (at > 0 && rest[at - 1] is (byte)'-' or (byte)'+') at--;
        foreach (var word in (ReadOnlySpan<string>)["NaN", "Infinity", "-Infinity", "+Infinity", "-NaN", "+NaN"])
            if (rest[at..].StartsWith(System.Text.Encoding.ASCII.GetBytes(word))) return word;
        return null;
    }

    /// <summary>
    /// A System.Text.Json message in the reader's words: without its position (the caller names the line), and without
    /// advice meant for the parser's caller ("Change the reader options") or its terms ("the JSON payload").
    /// </summary>
    internal static string Friendly(string message)
    {
        var cut = message.IndexOf(" LineNumber", StringComparison.Ordinal);
        message = (cut > 0 ? message[..cut] : message).TrimEnd('.', ' ');
        if (message.StartsWith("The JSON object contains a trailing comma", StringComparison.Ordinal))
            return "a comma after the last member of an object (remove it)";
        if (message.StartsWith("The JSON array contains a trailing comma", StringComparison.Ordinal))
            return "a comma after the last item of an array (remove it)";
        if (message.StartsWith("Expected depth to be zero at the end of the JSON payload", StringComparison.Ordinal))
            return "an object or array is not closed (a '}' or ']' is missing)";
        if (message.StartsWith("The maximum configured depth of ", StringComparison.Ordinal)
            && message.AsSpan("The maximum configured depth of ".Length) is var rest && rest.IndexOf(' ') is > 0 and var end)
            return $"values nested more than {rest[..end]} levels deep, the most read";
        if (message.StartsWith("Duplicate property '", StringComparison.Ordinal) && message.IndexOf("' encountered", StringComparison.Ordinal) is > 0 and var close)
            return $"the key '{message["Duplicate property '".Length..close]}' appears twice in one object; each key may appear once";
        return message;
    }
}
