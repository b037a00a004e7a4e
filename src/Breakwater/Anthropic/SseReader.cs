using System.Buffers;
using System.Text;

namespace Breakwater.Anthropic;

/// <summary>
/// An incremental server-sent-events parser (WHATWG rules): chunks may split anywhere, even inside a CRLF or a
/// multi-byte character; lines end in CRLF, LF or CR; comments and unknown fields are skipped; multi-line data is
/// joined with LF; an event is dispatched on a blank line; a UTF-8 BOM at the very start is skipped; an event with
/// no data line is not dispatched; an empty <c>event:</c> name reads as <c>message</c>. Shared by every streaming
/// part of the product. Not thread-safe: one reader per stream.
/// </summary>
/// <remarks>
/// Lines are buffered until their end arrives, without a bound: callers that must bound memory (the stream
/// hold-back) bound the bytes they feed.
/// </remarks>
internal sealed class SseReader
{
    // Both made on first use: a reader that only sees whole lines (or only names) never needs them.
    private ArrayBufferWriter<byte>? _line;
    private StringBuilder? _data;
    private readonly bool _namesOnly;
    private string? _event;
    private string? _lastId;
    private bool _hasData;
    private bool _lastWasCr;

    // Bytes of a leading BOM matched so far; -1 once the start of the stream is past.
    private int _bomMatched;

    /// <summary>A reader that keeps every event's data.</summary>
    public SseReader()
    {
    }

    /// <summary>
    /// With <paramref name="namesOnly"/>, events are dispatched by the same rules but with empty <c>Data</c> and the
    /// Messages API's event names as shared strings: for a caller that only needs to know which events went by (the
    /// hold-back), without a string per data line.
    /// </summary>
    internal SseReader(bool namesOnly)
    {
        _namesOnly = namesOnly;
    }

    /// <summary>Bytes fed so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>Feeds a chunk and appends every event it completes to <paramref name="events"/>.</summary>
    public void Feed(ReadOnlySpan<byte> chunk, ICollection<SseEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        BytesRead += chunk.Length;
        chunk = SkipBom(chunk);
        while (!chunk.IsEmpty)
        {
            if (_lastWasCr)
            {
                _lastWasCr = false;
                if (chunk[0] == (byte)'\n')
                {
                    chunk = chunk[1..];
                    continue;
                }
            }

            var i = chunk.IndexOfAny((byte)'\r', (byte)'\n');
            if (i < 0)
            {
                (_line ??= new ArrayBufferWriter<byte>(256)).Write(chunk);
                return;
            }

            if (_line is null || _line.WrittenCount == 0)
            {
                ProcessLine(chunk[..i], events);
            }
            else
            {
                _line.Write(chunk[..i]);
                ProcessLine(_line.WrittenSpan, events);
                _line.ResetWrittenCount();
            }

            _lastWasCr = chunk[i] == (byte)'\r';
            chunk = chunk[(i + 1)..];
        }
    }

    /// <summary>Resets the parser to its initial state.</summary>
    public void Reset()
    {
        _line?.ResetWrittenCount();
        _data?.Clear();
        _event = null;
        _lastId = null;
        _hasData = false;
        _lastWasCr = false;
        _bomMatched = 0;
        BytesRead = 0;
    }

    private ReadOnlySpan<byte> SkipBom(ReadOnlySpan<byte> chunk)
    {
        var bom = "\uFEFF"u8;
        while (_bomMatched >= 0 && !chunk.IsEmpty)
        {
            if (chunk[0] != bom[_bomMatched])
            {
                // Not a BOM after all: the bytes held back are ordinary line content.
                (_line ??= new ArrayBufferWriter<byte>(256)).Write(bom[.._bomMatched]);
                _bomMatched = -1;
                break;
            }

            chunk = chunk[1..];
            _bomMatched = _bomMatched + 1 == bom.Length ? -1 : _bomMatched + 1;
        }

        return chunk;
    }

    private static string KnownName(ReadOnlySpan<byte> name) => name switch
    {
        _ when name.SequenceEqual("content_block_delta"u8) => "content_block_delta",
        _ when name.SequenceEqual("message_start"u8) => "message_start",
        _ when name.SequenceEqual("content_block_start"u8) => "content_block_start",
        _ when name.SequenceEqual("content_block_stop"u8) => "content_block_stop",
        _ when name.SequenceEqual("message_delta"u8) => "message_delta",
        _ when name.SequenceEqual("message_stop"u8) => "message_stop",
        _ when name.SequenceEqual("ping"u8) => "ping",
        _ when name.SequenceEqual("error"u8) => "error",
        _ => Encoding.UTF8.GetString(name),
    };

    private void ProcessLine(ReadOnlySpan<byte> line, ICollection<SseEvent> events)
    {
        if (line.IsEmpty)
        {
            if (_hasData)
            {
                events.Add(new SseEvent(string.IsNullOrEmpty(_event) ? "message" : _event, _data?.ToString() ?? "", _lastId));
            }

            _data?.Clear();
            _event = null;
            _hasData = false;
            return;
        }

        if (line[0] == (byte)':')
        {
            return; // comment
        }

        var colon = line.IndexOf((byte)':');
        ReadOnlySpan<byte> field, value;
        if (colon < 0)
        {
            field = line;
            value = default;
        }
        else
        {
            field = line[..colon];
            value = line[(colon + 1)..];
            if (!value.IsEmpty && value[0] == (byte)' ')
            {
                value = value[1..];
            }
        }

        if (field.SequenceEqual("data"u8))
        {
            if (!_namesOnly)
            {
                if (_hasData)
                {
                    _data!.Append('\n');
                }

                (_data ??= new StringBuilder()).Append(Encoding.UTF8.GetString(value));
            }

            _hasData = true;
        }
        else if (field.SequenceEqual("event"u8))
        {
            _event = _namesOnly ? KnownName(value) : Encoding.UTF8.GetString(value);
        }
        else if (field.SequenceEqual("id"u8))
        {
            if (value.IndexOf((byte)0) < 0)
            {
                _lastId = Encoding.UTF8.GetString(value);
            }
        }

        // "retry" and unknown fields are ignored.
    }
}
