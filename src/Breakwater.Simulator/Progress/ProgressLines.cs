using System.Globalization;

namespace Breakwater.Simulator.Progress;

/// <summary>
/// Writes one line per scenario milestone as scenario time reaches it, e.g.
/// <c>[t=+05:00 | 10:47:12] incident started: Elevated errors on Claude Sonnet; claude-sonnet-4-5 capacity 120 → 24 slots</c>:
/// the scenario time of the milestone and the wall-clock time it was reached. Timers run on the simulator's clock
/// (scaled or virtual); the wall time comes from <c>wallClock</c>. Follows <see cref="Simulator.SwitchScenario"/>:
/// a new scenario restarts its timeline.
/// </summary>
internal sealed class ProgressLines : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Simulator _simulator;
    private readonly TimeProvider _wallClock;
    private readonly Action<string> _write;
    private readonly ITimer _timer;
    private IReadOnlyList<ScenarioMilestone> _milestones = [];
    private DateTimeOffset _origin;
    private int _next;
    private bool _disposed;

    public ProgressLines(Simulator simulator, TimeProvider wallClock, Action<string> write)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        ArgumentNullException.ThrowIfNull(wallClock);
        ArgumentNullException.ThrowIfNull(write);
        _simulator = simulator;
        _wallClock = wallClock;
        _write = write;
        _timer = simulator.TimeProvider.CreateTimer(static s => ((ProgressLines)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        simulator.ScenarioStarted += OnScenarioStarted;
        Restart();
    }

    /// <summary><c>[t=+MM:SS | HH:mm:ss] text</c> (hours in front of the scenario time from one hour on).</summary>
    public static string Format(double scenarioSeconds, DateTimeOffset wall, string text)
    {
        var t = TimeSpan.FromSeconds(Math.Floor(Math.Max(0, scenarioSeconds)));
        var scenario = t.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{t.Minutes:00}:{t.Seconds:00}");
        return string.Create(CultureInfo.InvariantCulture, $"[t=+{scenario} | {wall:HH:mm:ss}] {text}");
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _timer.Dispose();
        }

        _simulator.ScenarioStarted -= OnScenarioStarted;
    }

    private void OnScenarioStarted(object? sender, EventArgs e) => Restart();

    private void Restart()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _milestones = ScenarioTimeline.Of(_simulator.Scenario, _simulator.BackgroundLoadEnabled);
            _origin = _simulator.ScenarioStart;
            _next = 0;
            FlushLocked();
        }
    }

    private void OnTimer()
    {
        lock (_lock)
        {
            if (!_disposed)
            {
                FlushLocked();
            }
        }
    }

    /// <summary>Writes every milestone already reached (the scenario's start at once), then arms the timer for the next.
    /// Lines are written under the lock, so they come out in scenario order whatever thread the timer fires on.</summary>
    private void FlushLocked()
    {
        var elapsed = Elapsed();
        while (_next < _milestones.Count && _milestones[_next].AtSeconds <= elapsed + 1e-6)
        {
            var milestone = _milestones[_next++];
            _write(Format(milestone.AtSeconds, _wallClock.GetLocalNow(), milestone.Text));
        }

        ArmLocked();
    }

    private double Elapsed() => (_simulator.TimeProvider.GetUtcNow() - _origin).TotalSeconds;

    private void ArmLocked()
    {
        if (_next >= _milestones.Count)
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        var delay = _milestones[_next].AtSeconds - Elapsed();
        _timer.Change(delay > 0 ? TimeSpan.FromSeconds(delay) : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }
}
