namespace Breakwater.Concurrency;

/// <summary>
/// An AIMD concurrency limit with a bounded FIFO wait queue: on an overload it shrinks to a fraction of what was in
/// flight; on a success it grows by 1 while calls wait (slow start) and by 1/limit otherwise. Waiters are completed where the slot is released (no
/// thread hop), so the limiter is deterministic under virtual time. The limit shrinks at most once per second of
/// the injected clock, as TCP shrinks once per round trip, so a burst of 529s from one storm counts once.
/// </summary>
internal sealed class AdaptiveLimiter
{
    private static readonly TimeSpan DecreaseSpacing = TimeSpan.FromSeconds(1);
    private readonly ConcurrencyOptions _options;
    private readonly TimeProvider _time;
    private readonly LinkedList<Waiter> _queue = new();
    private readonly Lock _lock = new();
    private double _limit;
    private int _inFlight;
    private long _lastDecrease = long.MinValue;
    private long _lastWaitTicks = long.MinValue;

    public AdaptiveLimiter(ConcurrencyOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _limit = Math.Clamp(options.InitialLimit, options.MinLimit, options.MaxLimit);
    }

    public int Limit
    {
        get
        {
            lock (_lock)
            {
                return (int)_limit;
            }
        }
    }

    public int InFlight
    {
        get
        {
            lock (_lock)
            {
                return _inFlight;
            }
        }
    }

    public int Queued
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>When a call last found the limit full and had to wait (or was refused); null if never.</summary>
    public DateTimeOffset? LastWaitAt
    {
        get
        {
            lock (_lock)
            {
                return _lastWaitTicks == long.MinValue ? null : new DateTimeOffset(_lastWaitTicks, TimeSpan.Zero);
            }
        }
    }

    /// <summary>Takes a slot, waiting at most <paramref name="maxWait"/>; <c>null</c> when the queue is full or the wait ran out.</summary>
    public Task<LimiterLease?> AcquireAsync(TimeSpan maxWait, CancellationToken cancellationToken)
    {
        Waiter waiter;
        lock (_lock)
        {
            if (_inFlight < (int)_limit && _queue.Count == 0)
            {
                _inFlight++;
                return Task.FromResult<LimiterLease?>(new LimiterLease(this));
            }

            // Demand met the limit: deferred work reads this as "not healthy yet" (DeferralWorker).
            _lastWaitTicks = _time.GetUtcNow().UtcTicks;
            if (_queue.Count >= _options.MaxQueue || maxWait <= TimeSpan.Zero)
            {
                return Task.FromResult<LimiterLease?>(null);
            }

            waiter = new Waiter(this);
            waiter.Node = _queue.AddLast(waiter);
        }

        waiter.Arm(_time, maxWait, cancellationToken);
        return waiter.Task;
    }

    internal void Release(LimitSignal signal)
    {
        List<Waiter>? wake = null;
        lock (_lock)
        {
            _inFlight--;
            switch (signal)
            {
                case LimitSignal.Success:
                    // Grow fast while calls are waiting (demand is above the limit), slowly otherwise.
                    _limit = Math.Min(_options.MaxLimit, _limit + (_queue.Count > 0 ? 1.0 : 1.0 / _limit));
                    break;
                case LimitSignal.Overload:
                    var now = _time.GetTimestamp();
                    if (_lastDecrease == long.MinValue || _time.GetElapsedTime(_lastDecrease, now) >= DecreaseSpacing)
                    {
                        // Shrink from what was really in flight, not from a limit that was never reached.
                        _limit = Math.Max(_options.MinLimit, Math.Min(_limit, _inFlight + 1) * _options.DecreaseFactor);
                        _lastDecrease = now;
                    }

                    break;
            }

            while (_inFlight < (int)_limit && _queue.First is { } first)
            {
                _queue.RemoveFirst();
                first.Value.Node = null;
                _inFlight++;
                (wake ??= []).Add(first.Value);
            }
        }

        if (wake is not null)
        {
            foreach (var w in wake)
            {
                w.Grant();
            }
        }
    }

    private bool Remove(Waiter waiter)
    {
        lock (_lock)
        {
            if (waiter.Node is null)
            {
                return false;
            }

            _queue.Remove(waiter.Node);
            waiter.Node = null;
            return true;
        }
    }

    private sealed class Waiter(AdaptiveLimiter owner) : TaskCompletionSource<LimiterLease?>(TaskCreationOptions.None)
    {
        private ITimer? _timer;
        private CancellationTokenRegistration _registration;

        public LinkedListNode<Waiter>? Node { get; set; }

        public void Arm(TimeProvider time, TimeSpan maxWait, CancellationToken cancellationToken)
        {
            if (Task.IsCompleted)
            {
                return;
            }

            _timer = time.CreateTimer(static s => ((Waiter)s!).Expire(), this, maxWait, Timeout.InfiniteTimeSpan);
            if (cancellationToken.CanBeCanceled)
            {
                _registration = cancellationToken.UnsafeRegister(static (s, ct) => ((Waiter)s!).Cancel(ct), this);
            }
        }

        public void Grant()
        {
            Cleanup();
            if (!TrySetResult(new LimiterLease(owner)))
            {
                owner.Release(LimitSignal.Neutral);
            }
        }

        private void Expire()
        {
            if (owner.Remove(this))
            {
                Cleanup();
                TrySetResult(null);
            }
        }

        private void Cancel(CancellationToken token)
        {
            if (owner.Remove(this))
            {
                Cleanup();
                TrySetCanceled(token);
            }
        }

        private void Cleanup()
        {
            _timer?.Dispose();
            _registration.Dispose();
        }
    }
}
