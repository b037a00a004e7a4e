namespace Breakwater.Simulator.Time;

/// <summary>One timer of a <see cref="VirtualTimeProvider"/>. A re-armed timer gets a new sequence number; queue entries
/// carrying an older one are stale and skipped, which makes Change and Dispose O(log n) without searching the heap.</summary>
internal sealed class VirtualTimerEntry : ITimer
{
    private readonly VirtualTimeProvider _owner;
    private readonly TimerCallback _callback;
    private readonly object? _state;
    private bool _armed;

    public VirtualTimerEntry(VirtualTimeProvider owner, TimerCallback callback, object? state)
    {
        _owner = owner;
        _callback = callback;
        _state = state;
    }

    public long Sequence { get; private set; }

    public TimeSpan Period { get; private set; } = Timeout.InfiniteTimeSpan;

    public bool Disposed { get; private set; }

    public bool IsCurrent(long seq) => _armed && !Disposed && seq == Sequence;

    // Called under the owner's lock.
    public void Arm(long seq, TimeSpan period, bool armed)
    {
        Sequence = seq;
        Period = period;
        _armed = armed;
    }

    // Called under the owner's lock when the entry leaves the queue to fire.
    public void OnPopped() => _armed = false;

    public void Fire()
    {
        var seq = Sequence;
        _callback(_state);
        _owner.Rearm(this, seq);
    }

    public bool Change(TimeSpan dueTime, TimeSpan period)
    {
        if (Disposed)
        {
            return false;
        }

        _owner.Schedule(this, dueTime, period);
        return true;
    }

    public void Dispose()
    {
        if (Disposed)
        {
            return;
        }

        Disposed = true;
        _owner.Cancel(this);
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
