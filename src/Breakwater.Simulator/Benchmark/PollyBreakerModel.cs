namespace Breakwater.Simulator.Benchmark;

/// <summary>
/// Polly 8's circuit breaker as the standard handler configures it: failure ratio over a rolling sampling window kept
/// as 10 sub-windows (Polly's RollingHealthMetrics), judged once the minimum throughput is reached; open for the break
/// duration, then half-open: one probe goes through, the rest are rejected; the probe's outcome closes or reopens it.
/// </summary>
internal sealed class PollyBreakerModel(TimeProvider time, double failureRatio = 0.1, int minimumThroughput = 100, double samplingSeconds = 30, double breakSeconds = 5)
{
    private const int Windows = 10;
    private readonly Queue<(long Start, int Total, int Failures)> _windows = new();
    private long _currentStart = long.MinValue;
    private int _currentTotal;
    private int _currentFailures;
    private BreakerState _state = BreakerState.Closed;
    private DateTimeOffset _openUntil;

    private enum BreakerState
    {
        Closed,
        Open,
        HalfOpen,
    }

    public int Opened { get; private set; }

    /// <summary>Whether an execution may start now; false means BrokenCircuitException.</summary>
    public bool TryEnter()
    {
        switch (_state)
        {
            case BreakerState.Closed:
                return true;
            case BreakerState.Open when time.GetUtcNow() >= _openUntil:
                _state = BreakerState.HalfOpen;
                return true;
            default:
                return false;
        }
    }

    public void Record(bool failure)
    {
        if (_state == BreakerState.HalfOpen)
        {
            if (failure)
            {
                Open();
            }
            else
            {
                _state = BreakerState.Closed;
                Reset();
            }

            return;
        }

        if (_state == BreakerState.Open)
        {
            return;
        }

        Add(failure);
        var (total, failures) = Totals();
        if (total >= minimumThroughput && failures >= failureRatio * total)
        {
            Open();
        }
    }

    private void Open()
    {
        _state = BreakerState.Open;
        _openUntil = time.GetUtcNow() + TimeSpan.FromSeconds(breakSeconds);
        Opened++;
        Reset();
    }

    private void Reset()
    {
        _windows.Clear();
        _currentStart = long.MinValue;
        _currentTotal = 0;
        _currentFailures = 0;
    }

    private void Add(bool failure)
    {
        var now = time.GetTimestamp();
        var windowTicks = (long)(samplingSeconds / Windows * time.TimestampFrequency);
        if (_currentStart == long.MinValue || now - _currentStart >= windowTicks)
        {
            if (_currentStart != long.MinValue)
            {
                _windows.Enqueue((_currentStart, _currentTotal, _currentFailures));
            }

            _currentStart = now;
            _currentTotal = 0;
            _currentFailures = 0;
        }

        _currentTotal++;
        if (failure)
        {
            _currentFailures++;
        }

        var horizon = (long)(samplingSeconds * time.TimestampFrequency);
        while (_windows.Count > 0 && now - _windows.Peek().Start >= horizon)
        {
            _windows.Dequeue();
        }
    }

    private (int Total, int Failures) Totals()
    {
        int total = _currentTotal, failures = _currentFailures;
        foreach (var w in _windows)
        {
            total += w.Total;
            failures += w.Failures;
        }

        return (total, failures);
    }
}
