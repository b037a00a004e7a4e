namespace Breakwater.Pipeline;

/// <summary>
/// A response body read under two limits once its headers have arrived: the upstream may not go silent for longer
/// than the idle timeout while a read waits for it, and nothing is read past the call's deadline. Either ends the
/// read with an <see cref="IOException"/> whose inner exception is a <see cref="TimeoutException"/> (an IOException
/// is what every reader of a body already handles, and what <c>HttpClient</c> wraps when it buffers a body).
/// </summary>
/// <remarks>
/// One timer per body, armed by a read when it is not running and re-armed only when it fires: a read costs a
/// timestamp, not a timer change. When it fires it checks how long the read in progress has waited (a slow caller
/// between reads is not an idle upstream) and whether the deadline has passed, and either cancels the read, re-arms
/// itself for what is left, or (no read waiting) stops until the next read. At the end of the body it is disposed.
/// </remarks>
internal sealed class BodyTimeoutStream : AsyncReadOnlyStream
{
    private const long NotWaiting = -1;
    private readonly Stream _inner;
    private readonly IDisposable? _owner;
    private readonly TimeProvider _time;
    private readonly TimeSpan _idle;
    private readonly DateTimeOffset _deadline;
    #pragma warning disable CA2213 // See Dispose: cancelled from the timer's thread, never disposed.
    private readonly CancellationTokenSource _expired = new();
    #pragma warning restore CA2213
    private readonly Lock _lock = new();
    private ITimer? _timer;
    private long _waitingSince = NotWaiting;
    private CancellationToken _linked;
    private CancellationTokenRegistration _link;
    private string? _reason;
    private bool _armed;
    private bool _stopped; // the body ended or the stream was disposed: the timer is gone for good

    /// <param name="inner">The body as the connection delivers it.</param>
    /// <param name="owner">Disposed with this stream (the original content), if any.</param>
    /// <param name="time">The clock.</param>
    /// <param name="idle">The longest a read may wait for the upstream; <see cref="TimeSpan.Zero"/> or less for none.</param>
    /// <param name="deadline">The call's deadline: no read goes on past it.</param>
    public BodyTimeoutStream(Stream inner, IDisposable? owner, TimeProvider time, TimeSpan idle, DateTimeOffset deadline)
    {
        _inner = inner;
        _owner = owner;
        _time = time;
        _idle = idle;
        _deadline = deadline;
    }

    /// <summary>Whether <paramref name="exception"/> is a read this type ended (idle or deadline).</summary>
    public static bool IsTimeout(Exception? exception) => exception is IOException { InnerException: TimeoutException };

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var token = Start(cancellationToken);
        int read;
        try
        {
            read = await _inner.ReadAsync(buffer, token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && _expired.IsCancellationRequested
            && ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            throw Expired(ex);
        }
        finally
        {
            Volatile.Write(ref _waitingSince, NotWaiting);
        }

        if (read == 0 && !buffer.IsEmpty)
        {
            // The body is complete: nothing left to time.
            StopTimer();
        }

        return read;
    }

    private CancellationToken Start(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _stopped))
        {
            // The body ended: a read after its end has nothing to wait for.
            return cancellationToken;
        }

        if (_expired.IsCancellationRequested)
        {
            throw Expired(null);
        }

        var now = _time.GetUtcNow();
        if (now >= _deadline)
        {
            Expire(deadline: true);
            throw Expired(null);
        }

        lock (_lock)
        {
            Volatile.Write(ref _waitingSince, _time.GetTimestamp());

            // The timer runs only while a read waits: when it fires between reads it stops, and the next read starts
            // it again (the deadline is checked above on every read).
            if (!_armed && !_stopped)
            {
                var due = _deadline - now;
                if (_idle > TimeSpan.Zero && _idle < due)
                {
                    due = _idle;
                }

                _armed = true;
                if (_timer is null)
                {
                    _timer = _time.CreateTimer(static s => ((BodyTimeoutStream)s!).OnTimer(), this, due, Timeout.InfiniteTimeSpan);
                }
                else
                {
                    _timer.Change(due, Timeout.InfiniteTimeSpan);
                }
            }
        }

        // The caller's token (the same one on every read of a relay) is forwarded into ours once, not linked per read.
        if (cancellationToken.CanBeCanceled && cancellationToken != _linked)
        {
            _link.Dispose();
            _linked = cancellationToken;
            _link = cancellationToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), _expired);
        }

        return _expired.Token;
    }

    private void OnTimer()
    {
        var now = _time.GetUtcNow();
        var expire = false;
        var deadline = false;
        lock (_lock)
        {
            var since = Volatile.Read(ref _waitingSince);
            if (_stopped || since == NotWaiting)
            {
                _armed = false;
                return;
            }

            var next = _deadline - now;
            var waited = _time.GetElapsedTime(since);
            if (next <= TimeSpan.Zero)
            {
                expire = deadline = true;
            }
            else if (_idle > TimeSpan.Zero && waited >= _idle)
            {
                expire = true;
            }
            else
            {
                if (_idle > TimeSpan.Zero && _idle - waited < next)
                {
                    next = _idle - waited;
                }

                _timer?.Change(next, Timeout.InfiniteTimeSpan);
                return;
            }

            _armed = false;
        }

        if (expire)
        {
            Expire(deadline);
        }
    }

    private void StopTimer()
    {
        lock (_lock)
        {
            _stopped = true;
            _timer?.Dispose();
        }
    }

    private void Expire(bool deadline)
    {
        lock (_lock)
        {
            if (_stopped || _reason is not null)
            {
                return;
            }

            _reason = deadline
                ? "The call's deadline passed while the upstream was still sending the response body."
                : $"The upstream sent nothing for {_idle.TotalSeconds:0.###} s after its response headers (idle timeout).";
        }

        _expired.Cancel();
    }

    private IOException Expired(Exception? inner)
    {
        var reason = _reason ?? "The upstream's response body timed out.";
        return new IOException(reason, new TimeoutException(reason, inner));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_lock)
            {
                _stopped = true;
                _timer?.Dispose();
            }

            // _expired is not disposed: the timer's callback may be cancelling it on another thread right now, and a
            // source without a timer of its own holds nothing the GC does not take.
            _link.Dispose();
            _inner.Dispose();
            _owner?.Dispose();
        }

        base.Dispose(disposing);
    }
}
