using System.Collections.Concurrent;
using Breakwater.Retry;
using Breakwater.Telemetry;

namespace Breakwater.Cli.Demo;

/// <summary>What one side of the demo saw. Thread-safe.</summary>
internal sealed class DemoPathStats(string name)
{
    private readonly Lock _gate = new();
    private readonly List<double> _latencies = [];
    private long _sent;
    private long _succeeded;
    private long _attempts;
    private long _failedAttempts;
    private long _fallbacks;
    private long _noResponse;
    private long _retries;
    private long _retryWaitTicks;
    private long _longestRetryWaitTicks;
    private long _fellBack;
    private int _limitAtStart = -1;
    private int _lowestLimit = int.MaxValue;
    private int _peakQueued;
    private readonly ConcurrentDictionary<string, long> _failures = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _requestIds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<GiveUpReason, long> _giveUps = new();

    public string Name { get; } = name;

    public long Sent => Interlocked.Read(ref _sent);

    public long Succeeded => Interlocked.Read(ref _succeeded);

    public long Failed => Failures.Values.Sum();

    public long InFlight => Sent - Succeeded - Failed;

    public long UpstreamAttempts => Interlocked.Read(ref _attempts);

    public long FailedAttempts => Interlocked.Read(ref _failedAttempts);

    /// <summary>Successful calls answered by a model other than the one asked for (<c>breakwater-fallback-from</c>).</summary>
    public long Fallbacks => Interlocked.Read(ref _fallbacks);

    public IReadOnlyDictionary<string, long> Failures => _failures;

    public int RequestIdsKept => _requestIds.Count;

    public IEnumerable<string> RequestIds => _requestIds.Keys;

    /// <summary>Failed attempts Breakwater retried on the same model.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>The waits before those retries, added up.</summary>
    public TimeSpan RetryWait => TimeSpan.FromTicks(Interlocked.Read(ref _retryWaitTicks));

    /// <summary>The longest wait before one retry.</summary>
    public TimeSpan LongestRetryWait => TimeSpan.FromTicks(Interlocked.Read(ref _longestRetryWaitTicks));

    /// <summary>Failed attempts after which Breakwater moved the call to the next model of the fallback chain.</summary>
    public long FellBack => Interlocked.Read(ref _fellBack);

    /// <summary>Calls Breakwater gave up on, by why (the retry budget's refusals are <see cref="GiveUpReason.Budget"/>).</summary>
    public IReadOnlyDictionary<GiveUpReason, long> GiveUps => _giveUps;

    /// <summary>The adaptive concurrency limit (the tightest model's) at the first look, or -1 before any.</summary>
    public int LimitAtStart => Volatile.Read(ref _limitAtStart);

    /// <summary>The lowest adaptive concurrency limit seen, or -1 before any look.</summary>
    public int LowestLimit => Volatile.Read(ref _lowestLimit) is var l && l == int.MaxValue ? -1 : l;

    /// <summary>The most calls seen waiting locally for a concurrency slot at once.</summary>
    public int PeakQueued => Volatile.Read(ref _peakQueued);

    public void OnSent() => Interlocked.Increment(ref _sent);

    public void OnSucceeded() => Interlocked.Increment(ref _succeeded);

    /// <summary>A call succeeded after <paramref name="latency"/> of scenario time (queueing, retries and fallbacks included).</summary>
    public void OnSucceeded(TimeSpan latency)
    {
        OnSucceeded();
        lock (_gate)
        {
            _latencies.Add(latency.TotalSeconds);
        }
    }

    /// <summary>The <paramref name="quantile"/> (0.5, 0.95) of successful calls' latency, or null when none succeeded.</summary>
    public TimeSpan? Latency(double quantile)
    {
        lock (_gate)
        {
            if (_latencies.Count == 0)
            {
                return null;
            }

            var sorted = _latencies.Order().ToList();
            var index = (int)Math.Clamp(Math.Ceiling(quantile * sorted.Count) - 1, 0, sorted.Count - 1);
            return TimeSpan.FromSeconds(sorted[index]);
        }
    }

    public void OnFailed(string kind) => _failures.AddOrUpdate(kind, 1, static (_, n) => n + 1);

    public void OnAttempt(bool failed)
    {
        Interlocked.Increment(ref _attempts);
        if (failed)
        {
            Interlocked.Increment(ref _failedAttempts);
        }
    }

    public long AttemptsWithoutResponse => Interlocked.Read(ref _noResponse);

    public void OnAttemptWithoutResponse()
    {
        Interlocked.Increment(ref _attempts);
        Interlocked.Increment(ref _noResponse);
    }

    public void OnFallback() => Interlocked.Increment(ref _fallbacks);

    public void KeepRequestId(string requestId) => _requestIds.TryAdd(requestId, 0);

    /// <summary>What Breakwater decided after one failed attempt (the journal's record of it).</summary>
    public void OnDecision(AttemptRecord record)
    {
        switch (record.Decision)
        {
            case AttemptDecision.Retried:
                Interlocked.Increment(ref _retries);
                var wait = (record.Delay ?? TimeSpan.Zero).Ticks;
                Interlocked.Add(ref _retryWaitTicks, wait);
                long longest;
                while (wait > (longest = Interlocked.Read(ref _longestRetryWaitTicks))
                    && Interlocked.CompareExchange(ref _longestRetryWaitTicks, wait, longest) != longest)
                {
                }

                break;
            case AttemptDecision.FellBack:
                Interlocked.Increment(ref _fellBack);
                break;
            case AttemptDecision.GaveUp:
                _giveUps.AddOrUpdate(record.GiveUp, 1, static (_, n) => n + 1);
                break;
        }
    }

    /// <summary>One look at the adaptive concurrency limit and the calls waiting for it.</summary>
    public void OnLimiter(int limit, int queued)
    {
        lock (_gate)
        {
            if (_limitAtStart < 0)
            {
                _limitAtStart = limit;
            }

            _lowestLimit = Math.Min(_lowestLimit, limit);
            _peakQueued = Math.Max(_peakQueued, queued);
        }
    }
}
