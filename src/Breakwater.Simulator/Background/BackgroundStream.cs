using Breakwater.Simulator.Capacity;
using Breakwater.Simulator.Scenarios;

namespace Breakwater.Simulator.Background;

/// <summary>
/// One model's background arrivals: a single re-armed timer, the next arrival drawn when the previous one fires
/// (exponential gaps at the current phase's rate; at a phase boundary the draw restarts with the new rate, as in the
/// benchmark's arrival plan). Thread-safe for the real-time server; in virtual time it runs on the clock's thread.
/// </summary>
internal sealed class BackgroundStream : IDisposable
{
    /// <summary>Larger lags (a suspended process, a starved timer thread) are not caught up in one burst.</summary>
    private const double MaxCatchUpSeconds = 1;

    /// <summary>Background callers ask for up to this many output tokens, as the benchmark's planned requests do.</summary>
    private const int MaxTokens = 1024;

    /// <summary>A short prompt's input tokens (a ~100-byte body), for the input-token rate limit.</summary>
    private const int InputTokens = 25;

    /// <summary>The API key the background callers share when the scenario has rate limits: their own, never yours.</summary>
    internal const string BackgroundKey = "sk-ant-simulator-background";

    private readonly Lock _lock = new();
    private readonly BackgroundLoad _owner;
    private readonly ScenarioModel _model;
    private readonly Random _random;
    private readonly double[] _boundaries;
    private ITimer? _timer;
    private double _due;
    private bool _arrivalDue;
    private bool _disposed;
    private long _arrivals;
    private long _served;
    private long _queued;
    private long _rejected;
    private long _abandoned;
    private long _rateLimited;

    public BackgroundStream(BackgroundLoad owner, ScenarioModel model, Random random, double[] boundaries)
    {
        _owner = owner;
        _model = model;
        _random = random;
        _boundaries = boundaries;
    }

    public void Start()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _timer = _owner.Capacity.Time.CreateTimer(static s => ((BackgroundStream)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            ScheduleLocked(Math.Max(0, _owner.Capacity.Now));
        }
    }

    public BackgroundCounts Counts() => new(
        _model.Name,
        Interlocked.Read(ref _arrivals),
        Interlocked.Read(ref _served),
        Interlocked.Read(ref _queued),
        Interlocked.Read(ref _rejected),
        Interlocked.Read(ref _abandoned),
        Interlocked.Read(ref _rateLimited));

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _timer?.Dispose();
        }
    }

    private void OnTimer()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            var t = Math.Max(_due, _owner.Capacity.Now - MaxCatchUpSeconds);
            if (_arrivalDue)
            {
                ArriveLocked();
            }

            ScheduleLocked(t);
        }
    }

    /// <summary>Arms the timer for the next arrival after scenario second <paramref name="t"/>, or for the next load
    /// boundary when the draw falls past it (or nothing is offered until then).</summary>
    private void ScheduleLocked(double t)
    {
        var scenario = _owner.Capacity.Scenario;
        var next = NextBoundary(t);
        var rate = scenario.OfferedRateAt(_model, t);
        if (rate > 0)
        {
            var gap = -Math.Log(1.0 - _random.NextDouble()) / rate;
            if (t + gap < next)
            {
                Arm(t + gap, arrival: true);
                return;
            }
        }

        if (double.IsPositiveInfinity(next))
        {
            return;
        }

        // Memoryless: restart the draw at the boundary with the new rate.
        Arm(next, arrival: false);
    }

    private void Arm(double at, bool arrival)
    {
        _due = at;
        _arrivalDue = arrival;
        var delay = at - _owner.Capacity.Now;
        _timer!.Change(delay > 0 ? TimeSpan.FromSeconds(delay) : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    private void ArriveLocked()
    {
        Interlocked.Increment(ref _arrivals);
        var scenario = _owner.Capacity.Scenario;
        var stream = scenario.StreamingFraction > 0 && _random.NextDouble() < scenario.StreamingFraction;

        // With rate limits, the scenario's load is one key's traffic (rate-limited: 14/s against RPM 600): the background
        // callers share their own key, and what its limits refuse (429) never reaches the capacity model, as the
        // scenario says. Without rate limits they use no key at all. Either way your key's limits stay yours alone.
        string? key = null;
        if (scenario.RateLimits is not null)
        {
            key = BackgroundKey;
            if (!_owner.Capacity.TryAdmitRate(key, InputTokens).Allowed)
            {
                Interlocked.Increment(ref _rateLimited);
                return;
            }
        }

        var admission = _owner.Capacity.Admit(_model, new ServiceRequest(key, MaxTokens, stream));
        switch (admission.Kind)
        {
            case AdmissionKind.Started:
                Interlocked.Increment(ref _served);
                break;
            case AdmissionKind.Queued:
                Interlocked.Increment(ref _queued);
                BackgroundWaiter.Watch(this, admission.Waiter!, _owner.AttemptTimeout);
                break;
            default:
                Interlocked.Increment(ref _rejected);
                break;
        }
    }

    internal void CountServedFromQueue() => Interlocked.Increment(ref _served);

    internal void CountAbandoned() => Interlocked.Increment(ref _abandoned);

    /// <summary>A queued caller answered 529 by the server-side queue timeout: a rejection.</summary>
    internal void CountShed() => Interlocked.Increment(ref _rejected);

    internal CapacityModel Capacity => _owner.Capacity;

    private double NextBoundary(double t)
    {
        foreach (var b in _boundaries)
        {
            if (b > t)
            {
                return b;
            }
        }

        return double.PositiveInfinity;
    }
}
