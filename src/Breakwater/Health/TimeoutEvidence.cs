namespace Breakwater.Health;

/// <summary>
/// Whether retrying an attempt timeout works on this model. Never while the model refuses work (a 529 or an
/// overloaded stream error within the window): a saturated model answers slowly for everyone, and a retry only adds
/// to its queue. Otherwise learned from how such retries ended: over a sliding window (ten buckets), the attempts sent
/// after a timeout on the same model, and how many of them succeeded. One
/// timeout alone cannot say whether the request itself is too long for the attempt timeout (then it takes as long
/// again and each retry holds a strained slot for nothing) or the draw was unlucky (a queue, a slow replica: the
/// retry may well succeed). The retries' own results can: while fewer than <see cref="MinimumEvidence"/> retries ended
/// in the window, retrying is allowed (that is how the evidence is gathered); after that, only while at least one in
/// <see cref="RetriesPerSuccess"/> succeeds.
/// </summary>
internal sealed class TimeoutEvidence
{
    /// <summary>Retries after a timeout that must have ended in the window before their results can forbid one.</summary>
    public const int MinimumEvidence = 5;

    /// <summary>At most this many retries after a timeout per success among them.</summary>
    public const int RetriesPerSuccess = 4;

    private const int BucketCount = 10;
    private readonly TimeProvider _time;
    private readonly long _bucketTicks;
    private readonly long _origin;
    private readonly int[] _retries = new int[BucketCount];
    private readonly int[] _succeeded = new int[BucketCount];
    private readonly Lock _lock = new();
    private long _current;
    private long _lastRefusal = long.MinValue;
    private readonly long _windowTicks;

    /// <param name="window">How far back the evidence reaches.</param>
    /// <param name="time">The clock.</param>
    public TimeoutEvidence(TimeSpan window, TimeProvider time)
    {
        _time = time;
        _windowTicks = Math.Max(BucketCount, (long)(window.TotalSeconds * time.TimestampFrequency));
        _bucketTicks = Math.Max(1, _windowTicks / BucketCount);
        _origin = time.GetTimestamp();
    }

    /// <summary>An attempt sent after an attempt timeout on this model ended: succeeded or not.</summary>
    public void RetryEnded(bool succeeded)
    {
        lock (_lock)
        {
            Roll(_time.GetTimestamp());
            _retries[_current % BucketCount]++;
            if (succeeded)
            {
                _succeeded[_current % BucketCount]++;
            }
        }
    }

    /// <summary>The model refused work (529, an overloaded stream error).</summary>
    public void Refusal()
    {
        lock (_lock)
        {
            _lastRefusal = _time.GetTimestamp();
        }
    }

    /// <summary>Whether a retry of an attempt timeout may succeed here (see the type's remarks).</summary>
    public bool RetryMayHelp
    {
        get
        {
            lock (_lock)
            {
                var now = _time.GetTimestamp();
                Roll(now);
                if (_lastRefusal != long.MinValue && now - _lastRefusal < _windowTicks)
                {
                    return false;
                }

                var retries = _retries.Sum();
                if (Environment.GetEnvironmentVariable("BW_E4") == "1") { return false; }
                if (Environment.GetEnvironmentVariable("BW_E4") == "2") { return true; }
                return retries < MinimumEvidence || _succeeded.Sum() * RetriesPerSuccess >= retries;
            }
        }
    }

    private void Roll(long now)
    {
        var bucket = (now - _origin) / _bucketTicks;
        if (bucket <= _current)
        {
            return;
        }

        var steps = Math.Min(bucket - _current, BucketCount);
        for (long i = 1; i <= steps; i++)
        {
            var idx = (_current + i) % BucketCount;
            _retries[idx] = 0;
            _succeeded[idx] = 0;
        }

        _current = bucket;
    }
}
