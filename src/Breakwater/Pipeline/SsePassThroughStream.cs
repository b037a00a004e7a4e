using System.Buffers;
using Breakwater.Anthropic;

namespace Breakwater.Pipeline;

/// <summary>
/// The body of a stream after its first content delta. Bytes go to the caller as they arrive, whole events at a
/// time (a torn event is never delivered). A failure after this point (a reset, a truncated stream, an upstream
/// <c>event: error</c>, an upstream silent past the idle timeout or the call's deadline — the inner stream is a
/// <see cref="BodyTimeoutStream"/>) reaches the caller as an Anthropic-shaped <c>event: error</c> (<c>api_error</c>,
/// or <c>timeout_error</c> for a timeout): never a clean end, never a replayed delta.
/// </summary>
internal sealed class SsePassThroughStream : AsyncReadOnlyStream
{
    private const int ReadSize = 2048;
    private readonly Stream _inner;
    private readonly IDisposable? _owner;
    private readonly Action<StreamEnd> _onEnd;
    private readonly string? _requestId;

    // Bytes read and not yet delivered live in one pooled buffer: [_start, _ready) are whole events the caller may
    // have, [_ready, _end) a torn event still arriving. When everything has been delivered the buffer goes back to
    // the pool, so an open stream waiting for its next event (with a zero-byte read) holds no buffer at all: a
    // gateway keeps one of these per open stream.
    private byte[]? _buffer;
    private int _start;
    private int _ready;
    private int _end;
    private byte[]? _tail;
    private int _tailOffset;
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
        _buffer = ArrayPool<byte>.Shared.Rent(heldLength + ReadSize);
        held.AsSpan(0, heldLength).CopyTo(_buffer);
        _end = heldLength;
        MarkCompleteEvents();
    }

    /// <summary>Whether a pooled buffer is held right now (for tests: an idle stream holds none).</summary>
    internal bool HoldsBuffer => _buffer is not null;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (_ready > _start)
            {
                var n = Math.Min(buffer.Length, _ready - _start);
                _buffer.AsSpan(_start, n).CopyTo(buffer.Span);
                _start += n;
                ReleaseIfEmpty();
                return n;
            }

            if (_tail is not null && _tailOffset < _tail.Length)
            {
                var n = Math.Min(buffer.Length, _tail.Length - _tailOffset);
                _tail.AsSpan(_tailOffset, n).CopyTo(buffer.Span);
                _tailOffset += n;
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

            var zeroByte = buffer.IsEmpty;
            if (!zeroByte)
            {
                EnsureRoom(ReadSize);
            }

            int read;
            try
            {
                // A zero-byte read waits for data without a buffer; the caller's next read then finds it.
                read = await _inner.ReadAsync(zeroByte ? Memory<byte>.Empty : _buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
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

            if (zeroByte)
            {
                return 0;
            }

            if (read == 0)
            {
                _upstreamDone = true;
                continue;
            }

            _end += read;
            MarkCompleteEvents();
        }
    }

    private void Finish()
    {
        _finished = true;
        if (_sawStop || _sawError)
        {
            if (_sawStop)
            {
                // Whatever followed message_stop goes out as it came.
                _ready = _end;
                ReleaseIfEmpty();
            }

            _onEnd(new StreamEnd(_sawStop && !_sawError, _sawError ? _upstreamErrorType : null, null));
            return;
        }

        // Truncated or broken: drop any torn event and tell the caller plainly, in the API's own shape.
        _start = _ready = _end = 0;
        ReleaseIfEmpty();
        // Stalled past the idle timeout or the call's deadline: a timeout, in the API's word for one.
        var timedOut = BodyTimeoutStream.IsTimeout(_failure);
        var message = timedOut
            ? _failure!.Message + " The response is incomplete."
            : _failure is null
                ? "The upstream stream ended before message_stop; the response is incomplete."
                : "The upstream connection failed mid-stream; the response is incomplete.";
        _tail = AnthropicErrorWriter.SseEvent(timedOut ? AnthropicErrorTypes.Timeout : AnthropicErrorTypes.Api, message, _requestId);
        _onEnd(new StreamEnd(false, null, _failure ?? new IOException("stream ended before message_stop")));
    }

    /// <summary>Marks the whole events among the bytes read as ready, noting message_stop and error events.</summary>
    private void MarkCompleteEvents()
    {
        var span = _buffer.AsSpan(_ready, _end - _ready);
        var end = SseScan.LastEventBoundary(span);
        if (end <= 0)
        {
            return;
        }

        var complete = span[..end];

        // Hot path: only look for the two events that matter, without turning every event into strings.
        if (!_sawStop && SseScan.HasEvent(complete, "message_stop"u8))
        {
            _sawStop = true;
        }

        if (SseScan.HasEvent(complete, "error"u8))
        {
            var events = new List<SseEvent>(4);
            new SseReader().Feed(complete, events);
            foreach (var e in events)
            {
                if (e.Event == "error")
                {
                    _sawError = true;
                    _upstreamErrorType = ErrorBodyParser.Parse(e.Data).Type ?? "api_error";
                }
            }
        }

        _ready += end;
    }

    /// <summary>Room for <paramref name="room"/> more bytes after what is held, moving undelivered bytes to the front.</summary>
    private void EnsureRoom(int room)
    {
        if (_buffer is null)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(room);
            return;
        }

        var held = _end - _start;
        if (_buffer.Length - held < room)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(held + Math.Max(room, held));
            _buffer.AsSpan(_start, held).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
        else if (_start > 0 && _buffer.Length - _end < room)
        {
            _buffer.AsSpan(_start, held).CopyTo(_buffer);
        }
        else
        {
            return;
        }

        _ready -= _start;
        _end = held;
        _start = 0;
    }

    /// <summary>Everything read has been delivered: the buffer goes back to the pool until more arrives.</summary>
    private void ReleaseIfEmpty()
    {
        if (_start == _end && _buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
            _start = _ready = _end = 0;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (!_finished)
            {
                _finished = true;
                _onEnd(new StreamEnd(_sawStop, null, _failure, CallerAbandoned: !_sawStop));
            }

            // The buffer is not returned here: a read on another thread may still be writing into it. The GC takes it.
            _buffer = null;
            _inner.Dispose();
            _owner?.Dispose();
        }

        base.Dispose(disposing);
    }
}
