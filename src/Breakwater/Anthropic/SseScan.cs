namespace Breakwater.Anthropic;

/// <summary>
/// Byte-level scanning of an SSE stream without decoding it: where the last whole event ends, and whether a block of
/// whole events names an event. The hot path of a streamed response uses these; <see cref="SseReader"/> decodes
/// events when their data is needed.
/// </summary>
internal static class SseScan
{
    /// <summary>Whether a block of whole events holds a line <c>event: NAME</c> (or <c>event:NAME</c>).</summary>
    public static bool HasEvent(ReadOnlySpan<byte> block, ReadOnlySpan<byte> name)
    {
        var rest = block;
        while (true)
        {
            var i = rest.IndexOf("event:"u8);
            if (i < 0)
            {
                return false;
            }

            var atLineStart = i == 0 ? rest.Length == block.Length || block[block.Length - rest.Length - 1] is (byte)'\n' or (byte)'\r' : rest[i - 1] is (byte)'\n' or (byte)'\r';
            var value = rest[(i + 6)..];
            if (!value.IsEmpty && value[0] == (byte)' ')
            {
                value = value[1..];
            }

            if (atLineStart && value.StartsWith(name) && (value.Length == name.Length || value[name.Length] is (byte)'\n' or (byte)'\r'))
            {
                return true;
            }

            rest = rest[(i + 6)..];
        }
    }

    /// <summary>The end of the last whole event in <paramref name="span"/> (after its blank line: LF LF, CR LF CR LF or CR CR), or -1.</summary>
    public static int LastEventBoundary(ReadOnlySpan<byte> span)
    {
        var best = -1;
        var lf = span.LastIndexOf("\n\n"u8);
        if (lf >= 0)
        {
            best = lf + 2;
        }

        var crlf = span.LastIndexOf("\r\n\r\n"u8);
        if (crlf >= 0 && crlf + 4 > best)
        {
            best = crlf + 4;
        }

        var cr = span.LastIndexOf("\r\r"u8);
        if (cr >= 0 && cr + 2 > best)
        {
            best = cr + 2;
        }

        return best;
    }
}
