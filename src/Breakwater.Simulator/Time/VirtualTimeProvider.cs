namespace Breakwater.Simulator.Time;

/// <summary>
/// A discrete-event <see cref="TimeProvider"/>: time stands still until <see cref="RunUntil"/> (or
/// <see cref="Advance"/>) moves it, firing every due timer in (due time, creation order) on the caller's thread.
/// Single-threaded by design: callbacks never run concurrently and never on another thread, so code driven by it
/// (the simulator, the policy benchmark) is deterministic for a given seed.
/// </summary>
public sealed class VirtualTimeProvider : TimeProvider
{
    private readonly PriorityQueue<VirtualTimerEntry, (long Due, long Seq)> _queue = new();
    private readonly DateTimeOffset _epoch;
    private readonly Lock _lock = new();
    private long _nowTicks;
    private long _sequence;

    /// <summary>Creates a clock that starts at <paramref name="start"/> (default 2025-01-01T00:00:00Z).</summary>
    public VirtualTimeProvider(DateTimeOffset? start = null)
    {
        _epoch = (start ?? new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero)).ToUniversalTime();
    }

    /// <summary>Time elapsed since the start of this clock.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(Volatile.Read(ref _nowTicks));

    /// <summary>How many timers are armed.</summary>
    public int PendingTimers
    {
        get
        {
            lock (_lock)
            {
                var n = 0;
                foreach (var (entry, priority) in _queue.UnorderedItems)
                {
                    if (entry.IsCurrent(priority.Seq))
                    {
                        n++;
                    }
                }

                return n;
            }
        }
    }

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => _epoch.AddTicks(Volatile.Read(ref _nowTicks));

    /// <inheritdoc />
    public override long GetTimestamp() => Volatile.Read(ref _nowTicks);

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new VirtualTimerEntry(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Runs every timer due up to <paramref name="end"/>, then leaves the clock at <paramref name="end"/>.</summary>
    /// <returns>How many callbacks ran.</returns>
    public long RunUntil(DateTimeOffset end)
    {
        var endTicks = (end - _epoch).Ticks;
        long fired = 0;

        // The runtime inlines a completed task's continuations only on a thread without a SynchronizationContext;
        // under one (a UI thread, a test framework's) they would be queued to the thread pool and leave this thread.
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            while (true)
            {
                VirtualTimerEntry entry;
                #pragma warning disable CA2000 // Not owned here: the entry is the ITimer that CreateTimer returned to its creator, who disposes it; the clock only fires it.
                lock (_lock)
                {
                    if (!TryPopDue(endTicks, out entry))
                    {
                        break;
                    }
                }
                #pragma warning restore CA2000

                fired++;
                entry.Fire();
            }
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }

        lock (_lock)
        {
            if (endTicks > _nowTicks)
            {
                Volatile.Write(ref _nowTicks, endTicks);
            }
        }

        return fired;
    }

    /// <summary>Moves the clock forward by <paramref name="delta"/>, firing due timers on the way.</summary>
    /// <returns>How many callbacks ran.</returns>
    public long Advance(TimeSpan delta) => RunUntil(GetUtcNow() + delta);

    private bool TryPopDue(long endTicks, out VirtualTimerEntry entry)
    {
        while (_queue.TryPeek(out entry!, out var priority))
        {
            if (!entry.IsCurrent(priority.Seq))
            {
                _queue.Dequeue();
                continue;
            }

            if (priority.Due > endTicks)
            {
                return false;
            }

            _queue.Dequeue();
            if (priority.Due > _nowTicks)
            {
                Volatile.Write(ref _nowTicks, priority.Due);
            }

            entry.OnPopped();
            return true;
        }

        entry = null!;
        return false;
    }

    internal void Schedule(VirtualTimerEntry entry, TimeSpan dueTime, TimeSpan period)
    {
        lock (_lock)
        {
            var seq = ++_sequence;
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                entry.Arm(seq, period, armed: false);
                return;
            }

            ArgumentOutOfRangeException.ThrowIfLessThan(dueTime, TimeSpan.Zero);
            entry.Arm(seq, period, armed: true);
            _queue.Enqueue(entry, (_nowTicks + dueTime.Ticks, seq));
        }
    }

    internal void Cancel(VirtualTimerEntry entry)
    {
        lock (_lock)
        {
            entry.Arm(++_sequence, Timeout.InfiniteTimeSpan, armed: false);
        }
    }

    internal void Rearm(VirtualTimerEntry entry, long expectedSeq)
    {
        lock (_lock)
        {
            // A callback that called Change or Dispose has already decided its own future.
            if (entry.Sequence != expectedSeq || entry.Disposed)
            {
                return;
            }

            var period = entry.Period;
            if (period <= TimeSpan.Zero || period == Timeout.InfiniteTimeSpan)
            {
                return;
            }

            var seq = ++_sequence;
            entry.Arm(seq, period, armed: true);
            _queue.Enqueue(entry, (_nowTicks + period.Ticks, seq));
        }
    }
}
