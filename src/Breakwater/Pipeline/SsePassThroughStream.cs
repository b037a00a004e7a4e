using System.Text;
using System.Text.Json;
using Breakwater.Anthropic;

namespace Breakwater.Pipeline;

/// <summary>
/// The body of a stream after its first content delta. Bytes go to the caller as they arrive, whole events at a
/// time (a torn event is never delivered). A failure after this point (a reset, a truncated stream, an upstream
/// <c>event: error</c>) reaches the caller as an Anthropic-shaped <c>event: error</c>: never a clean end, never a
/// replayed delta.
/// </summary>
internal sealed class SsePassThroughStream : Stream
{
    private const int ReadSize = 2048;
    private readonly Stream _inner;
    private readonly IDisposable? _owner;
    private readonly Action<StreamEnd> _onEnd;
    private readonly string? _requestId;
    private readonly SseReader _reader = new();
    private readonly List<SseEvent> _events = new(4);
    private byte[] _pending;
    private int _pendingLength;
    private byte[] _out = [];
    private int _outOffset;
    private int _outLength;
    private bool _upstreamDone;
    private bool _finished;
    private bool _sawStop;
    private bool _sawError;
    private string? _upstreamErrorType;
    private Exception? _failure;

    public SsePassThroughStream(byte[] held, int heldLength, Stream inner, IDisposable? owner, string? requestId, Action<StreamEnd> onEnd)
    {
        _inner = inner;
        _owner = owner;
        _requestId = requestId;
        _onEnd = onEnd;
        // Sized to what is held plus one read: a gateway keeps one of these per open stream, so bytes per stream count.
        _pending = new byte[heldLength + ReadSize];
        held.AsSpan(0, heldLength).CopyTo(_pending);
        _pendingLength = heldLength;
        MoveCompleteEvents();
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count), CancellationToken.None).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (_outLength > 0)
            {
                var n = Math.Min(buffer.Length, _outLength);
                _out.AsSpan(_outOffset, n).CopyTo(buffer.Span);
                _outOffset += n;
                _outLength -= n;
                return n;
            }

            if (_finished)
            {
                return 0;
            }

            if (_upstreamDone)
            {
                Finish();
                continue;
            }

            EnsurePendingRoom(ReadSize);
            int read;
            try
            {
                read = await _inner.ReadAsync(_pending.AsMemory(_pendingLength), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException or ObjectDisposedException)
            {
                _failure = ex;
                _upstreamDone = true;
                continue;
            }

            if (read == 0)
            {
                _upstreamDone = true;
                continue;
            }

            _pendingLength += read;
            MoveCompleteEvents();
        }
    }

    private void Finish()
    {
        _finished = true;
        if (_sawStop || _sawError)
        {
            if (_sawStop && _pendingLength > 0)
            {
                Emit(_pending.AsSpan(0, _pendingLength));
                _pendingLength = 0;
            }

            _onEnd(new StreamEnd(_sawStop && !_sawError, _sawError ? _upstreamErrorType : null, null));
            return;
        }

        // Truncated or broken: drop any torn event and tell the caller plainly, in the API's own shape.
        _pendingLength = 0;
        var message = _failure is null
            ? "The upstream stream ended before message_stop; the response is incomplete."
            : "The upstream connection failed mid-stream; the response is incomplete.";
        Emit(ErrorEvent("api_error", message, _requestId));
        _onEnd(new StreamEnd(false, null, _failure ?? new IOException("stream ended before message_stop")));
    }

    internal static byte[] ErrorEvent(string type, string message, string? requestId) =>
        [.. "event: error\ndata: "u8, .. ErrorJson(type, message, requestId), .. "\n\n"u8];

    /// <summary>An Anthropic-shaped error body.</summary>
    internal static byte[] ErrorJson(string type, string message, string? requestId)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteString("type", "error");
            w.WriteStartObject("error");
            w.WriteString("type", type);
            w.WriteString("message", message);
            w.WriteEndObject();
            if (requestId is not null)
            {
                w.WriteString("request_id", requestId);
            }

            w.WriteEndObject();
        }

        return ms.ToArray();
    }

    private void MoveCompleteEvents()
    {
        var span = _pending.AsSpan(0, _pendingLength);
        var end = LastBoundary(span);
        if (end <= 0)
        {
            return;
        }

        var complete = span[..end];

        // Hot path: only look for the two events that matter, without turning every event into strings.
        if (!_sawStop && ContainsEvent(complete, "message_stop"u8))
        {
            _sawStop = true;
        }

        if (ContainsEvent(complete, "error"u8))
        {
            _events.Clear();
            _reader.Feed(complete, _events);
            foreach (var e in _events)
            {
                if (e.Event == "error")
                {
                    _sawError = true;
                    _upstreamErrorType = ErrorBodyParser.Parse(e.Data).Type ?? "api_error";
                }
            }
        }

        Emit(complete);
        span[end..].CopyTo(_pending);
        _pendingLength -= end;
    }

    /// <summary>Whether a block of whole events holds a line <c>event: NAME</c> (or <c>event:NAME</c>).</summary>
    private static bool ContainsEvent(ReadOnlySpan<byte> block, ReadOnlySpan<byte> name)
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

    private static int LastBoundary(ReadOnlySpan<byte> span)
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

    private void Emit(ReadOnlySpan<byte> bytes)
    {
        if (_outLength == 0)
        {
            _outOffset = 0;
        }

        if (_out.Length < _outOffset + _outLength + bytes.Length)
        {
            var bigger = new byte[Math.Max(_out.Length * 2, _outLength + bytes.Length)];
            _out.AsSpan(_outOffset, _outLength).CopyTo(bigger);
            _out = bigger;
            _outOffset = 0;
        }

        bytes.CopyTo(_out.AsSpan(_outOffset + _outLength));
        _outLength += bytes.Length;
    }

    private void EnsurePendingRoom(int room)
    {
        if (_pending.Length - _pendingLength < room)
        {
            Array.Resize(ref _pending, _pendingLength + Math.Max(room, _pendingLength));
        }
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (!_finished)
            {
                _finished = true;
                _onEnd(new StreamEnd(_sawStop, null, _failure, CallerAbandoned: !_sawStop));
            }

            _inner.Dispose();
            _owner?.Dispose();
        }

        base.Dispose(disposing);
    }
}
