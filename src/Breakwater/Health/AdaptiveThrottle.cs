namespace Breakwater.Health;

/// <summary>
/// Requests and accepts over a sliding window (ten buckets), and the SRE book's local rejection probability.
/// Local rejections count as requests, so the probability keeps rising while the upstream keeps refusing.
/// </summary>
internal sealed class AdaptiveThrottle
{
    private const int BucketCount = 10;
    private readonly ThrottleOptions _options;
    private readonly TimeProvider _time;
    private readonly long _bucketTicks;
    private readonly long _origin;
    private readonly double[] _requests = new double[BucketCount];
    private readonly double[] _accepts = new double[BucketCount];
    private long _current;
    private readonly Lock _lock = new();

    public AdaptiveThrottle(ThrottleOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _bucketTicks = Math.Max(1, (long)(options.Window.TotalSeconds * time.TimestampFrequency / BucketCount));
        _origin = time.GetTimestamp();
    }

    /// <summary>The current probability of a local rejection.</summary>
    public double RejectProbability
    {
        get
        {
            lock (_lock)
            {
                Roll();
                return Probability();
            }
        }
    }

    /// <summary>Decides whether to reject this call locally, given a uniform draw in [0, 1). Counts the call as a request when it is rejected.</summary>
    public bool ShouldReject(double unit)
    {
        if (!_options.Enabled)
        {
            return false;
        }

        lock (_lock)
        {
            Roll();
            if (unit < Probability())
            {
                _requests[_current % BucketCount]++;
                return true;
            }

            return false;
        }
    }

    /// <summary>Records an attempt that reached the upstream: accepted unless it was an overload refusal.</summary>
    public void Record(bool accepted)
    {
        lock (_lock)
        {
            Roll();
            _requests[_current % BucketCount]++;
            if (accepted)
            {
                _accepts[_current % BucketCount]++;
            }
        }
    }

    private double Probability()
    {
        double requests = 0, accepts = 0;
        for (var i = 0; i < BucketCount; i++)
        {
            requests += _requests[i];
            accepts += _accepts[i];
        }

        return requests < _options.MinimumRequests ? 0 : Math.Max(0, (requests - (_options.K * accepts)) / (requests + 1));
    }

    private void Roll()
    {
        var bucket = (_time.GetTimestamp() - _origin) / _bucketTicks;
        if (bucket <= _current)
        {
            return;
        }

        var steps = Math.Min(bucket - _current, BucketCount);
        for (long i = 1; i <= steps; i++)
        {
            var idx = (_current + i) % BucketCount;
            _requests[idx] = 0;
            _accepts[idx] = 0;
        }

        _current = bucket;
    }
}
