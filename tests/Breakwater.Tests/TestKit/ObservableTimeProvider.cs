using Microsoft.Extensions.Time.Testing;

namespace Breakwater.Tests.TestKit;

/// <summary>A FakeTimeProvider that reports every timer created (due time), so tests can advance exactly when a wait is armed.</summary>
internal sealed class ObservableTimeProvider : FakeTimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<TimeSpan> _created = [];

    public ObservableTimeProvider()
        : base(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero))
    {
        AutoAdvanceAmount = TimeSpan.Zero;
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        lock (_lock)
        {
            _created.Add(dueTime);
        }

        return base.CreateTimer(callback, state, dueTime, period);
    }

    public IReadOnlyList<TimeSpan> CreatedTimers
    {
        get
        {
            lock (_lock)
            {
                return _created.ToArray();
            }
        }
    }

    /// <summary>Waits (bounded, real time) until a timer with exactly <paramref name="due"/> has been created <paramref name="count"/> times.</summary>
    public bool WaitForTimer(TimeSpan due, int count = 1, int timeoutMs = 10_000) =>
        SpinWait.SpinUntil(() => CreatedTimers.Count(t => t == due) >= count, timeoutMs);
}
