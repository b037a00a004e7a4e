namespace Breakwater.Concurrency;

/// <summary>
/// An AIMD concurrency limit with a bounded FIFO wait queue. On an overload it shrinks to
/// <see cref="ConcurrencyOptions.DecreaseFactor"/> × what was really in flight (a limit above that was never reached
/// and shrinking it would hold nothing back), never below <see cref="ConcurrencyOptions.MinLimit"/>, and once per
/// storm: a signal from an attempt that started before the last decrease, or within a second of it, is the same storm
/// (as TCP shrinks once per round trip). It grows on successes (by 1 while calls wait, by 1/limit otherwise) and with
/// time: while calls wait after an isolated decrease and no overload arrived for <see cref="ConcurrencyOptions.ProbeInterval"/>,
/// it probes upward (by 1, 2, 4… slots per interval, never more than wait); with nothing waiting and no overload for
/// <see cref="ConcurrencyOptions.RecoveryInterval"/>, it is back at <see cref="ConcurrencyOptions.InitialLimit"/>. The
/// time rules are applied whenever the limiter is used or read, and by one timer while calls wait, so a limit shrunk
/// by one storm never outlives it for lack of traffic. Waiters are completed where the slot is freed (no thread hop),
/// so the limiter is deterministic under virtual time.
/// </summary>
internal sealed class AdaptiveLimiter
{
    private static readonly TimeSpan DecreaseSpacing = TimeSpan.FromSeconds(1);
    private readonly ConcurrencyOptions _options;
    private readonly TimeProvider _time;
    private readonly LinkedList<Waiter> _queue = new();
    private readonly Lock _lock = new();
    private readonly double _recoveryLimit;
    private double _limit;
    private int _inFlight;
    private long _lastDecrease = long.MinValue;
    private long _prevDecrease = long.MinValue;
    private long _lastOverload = long.MinValue;
    private long _lastProbe = long.MinValue;
    private double _probeStep = 1;
    private long _queuedSince = long.MinValue;
    private long _lastWaitTicks = long.MinValue;
    private ITimer? _probeTimer;

    public AdaptiveLimiter(ConcurrencyOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _limit = Math.Clamp(options.InitialLimit, options.MinLimit, options.MaxLimit);
        _recoveryLimit = _limit;
    }

    /// <summary>The limit now (after the time rules).</summary>
    public int Limit
    {
        get
        {
            List<Waiter>? wake;
            int limit;
            lock (_lock)
            {
                wake = AdvanceLocked(_time.GetTimestamp());
                limit = (int)_limit;
            }

            Grant(wake);
            return limit;
        }
    }

    /// <summary>The limit a model that has never been overloaded has (<see cref="ConcurrencyOptions.InitialLimit"/> within the bounds), and the one idle recovery returns to.</summary>
    public int RecoveryLimit => (int)_recoveryLimit;

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
        Waiter? waiter = null;
        LimiterLease? granted = null;
        List<Waiter>? wake;
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            wake = AdvanceLocked(now);
            if (_inFlight < (int)_limit && _queue.Count == 0)
            {
                _inFlight++;
                granted = new LimiterLease(this, now);
            }
            else
            {
                // Demand met the limit: deferred work reads this as "not healthy yet" (DeferralWorker).
                _lastWaitTicks = _time.GetUtcNow().UtcTicks;
                if (_queue.Count < _options.MaxQueue && maxWait > TimeSpan.Zero)
                {
                    waiter = Enqueue(now);
                }
            }
        }

        Grant(wake);
        if (waiter is null)
        {
            return Task.FromResult(granted);
        }

        waiter.Arm(_time, maxWait, cancellationToken);
        return waiter.Task;
    }

    /// <summary>Adds a waiter at the back of the queue (under the lock) and makes sure a probe step is scheduled for it.</summary>
    private Waiter Enqueue(long now)
    {
        var waiter = new Waiter(this);
        if (_queue.Count == 0)
        {
            _queuedSince = now;
        }

        waiter.Node = _queue.AddLast(waiter);
        ScheduleProbeLocked(now);
        return waiter;
    }

    internal void Release(LimitSignal signal, long acquiredAt)
    {
        List<Waiter>? wake;
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            _inFlight--;
            switch (signal)
            {
                case LimitSignal.Success:
                    // Grow fast while calls are waiting (demand is above the limit), slowly otherwise.
                    _limit = Math.Min(_options.MaxLimit, _limit + (_queue.Count > 0 ? 1.0 : 1.0 / _limit));
                    break;
                case LimitSignal.Overload:
                    _lastOverload = now;
                    _probeStep = 1;

                    // One storm, one decrease: not for an attempt that started before the last one, or at its instant (sent under
                    // the old limit), nor twice within a second.
                    var sameStorm = _lastDecrease != long.MinValue
                        && (acquiredAt <= _lastDecrease || _time.GetElapsedTime(_lastDecrease, now) < DecreaseSpacing);
                    if (!sameStorm)
                    {
                        // Shrink from what was really in flight (this attempt included), not from a limit that was
                        // never reached; never below the floor, so work still goes through.
                        _limit = Math.Max(_options.MinLimit, Math.Min(_limit, _inFlight + 1) * _options.DecreaseFactor);
                        _prevDecrease = _lastDecrease;
                        _lastDecrease = now;
                    }

                    break;
            }

            wake = AdvanceLocked(now);
            if (_queue.Count > 0)
            {
                ScheduleProbeLocked(now);
            }
        }

        Grant(wake);
    }

    /// <summary>
    /// The time rules, then the grants they and the current limit allow: idle recovery to the initial limit, and one
    /// probe step while calls wait. Returns the waiters to complete outside the lock.
    /// </summary>
    private List<Waiter>? AdvanceLocked(long now)
    {
        if (_limit < _recoveryLimit && _queue.Count == 0 && Quiet(now) >= _options.RecoveryInterval)
        {
            _limit = _recoveryLimit;
        }

        if (_queue.Count > 0 && _limit < _options.MaxLimit && _inFlight >= (int)_limit)
        {
            var since = Math.Max(Math.Max(_lastOverload, _lastProbe), _queuedSince);
            if (IsolatedLocked() && since != long.MinValue && _time.GetElapsedTime(since, now) >= _options.ProbeInterval)
            {
                // Probe: one more slot, then two, four… (slow start) while no overload comes back, never more than
                // are waiting; an overload on the way shrinks the limit again and starts the steps from one.
                _limit = Math.Min(_options.MaxLimit, _limit + Math.Max(1, Math.Min(_probeStep, _queue.Count)));
                _probeStep = Math.Min(_options.MaxLimit, _probeStep * 2);
                _lastProbe = now;
            }
        }

        List<Waiter>? wake = null;
        while (_inFlight < (int)_limit && _queue.First is { } first)
        {
            _queue.RemoveFirst();
            first.Value.Node = null;
            _inFlight++;
            (wake ??= []).Add(first.Value);
        }

        return wake;
    }

    /// <summary>
    /// The last decrease stood alone (none within <see cref="ConcurrencyOptions.RecoveryInterval"/> before it, or none
    /// at all): a passing storm, after which waiting calls may probe. While decreases keep coming (a sustained incident)
    /// only successes grow the limit: probing then only adds load to an upstream that keeps refusing, and in the
    /// simulator's metastable scenario it kept the upstream from ever recovering.
    /// </summary>
    private bool IsolatedLocked() =>
        _prevDecrease == long.MinValue || _time.GetElapsedTime(_prevDecrease, _lastDecrease) >= _options.RecoveryInterval;

    /// <summary>How long since the last overload signal (forever when there was none).</summary>
    private TimeSpan Quiet(long now) =>
        _lastOverload == long.MinValue ? TimeSpan.MaxValue : _time.GetElapsedTime(_lastOverload, now);

    /// <summary>While calls wait under a limit below the ceiling, wake up when the next probe step is due (one timer, re-armed).</summary>
    private void ScheduleProbeLocked(long now)
    {
        if (_queue.Count == 0 || _limit >= _options.MaxLimit || !IsolatedLocked())
        {
            return;
        }

        var since = Math.Max(Math.Max(_lastOverload, _lastProbe), _queuedSince);
        var due = _options.ProbeInterval - (since == long.MinValue ? TimeSpan.Zero : _time.GetElapsedTime(since, now));
        if (due < TimeSpan.FromMilliseconds(1))
        {
            due = TimeSpan.FromMilliseconds(1);
        }

        if (_probeTimer is null)
        {
            _probeTimer = _time.CreateTimer(static s => ((AdaptiveLimiter)s!).OnProbeTimer(), this, due, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _probeTimer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnProbeTimer()
    {
        List<Waiter>? wake;
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            wake = AdvanceLocked(now);
            ScheduleProbeLocked(now);
        }

        Grant(wake);
    }

    private void Grant(List<Waiter>? wake)
    {
        if (wake is null)
        {
            return;
        }

        var at = _time.GetTimestamp();
        foreach (var w in wake)
        {
            w.Grant(at);
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

        public void Grant(long at)
        {
            Cleanup();
            if (!TrySetResult(new LimiterLease(owner, at)))
            {
                owner.Release(LimitSignal.Neutral, at);
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
