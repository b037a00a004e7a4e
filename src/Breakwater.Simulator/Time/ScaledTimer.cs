namespace Breakwater.Simulator.Time;

/// <summary>Wraps a real timer so that Change takes scenario durations.</summary>
internal sealed class ScaledTimer(ITimer inner, ScaledTimeProvider owner) : ITimer
{
    public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(owner.ToReal(dueTime), owner.ToReal(period));

    public void Dispose() => inner.Dispose();

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
