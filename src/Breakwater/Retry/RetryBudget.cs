namespace Breakwater.Retry;

/// <summary>
/// A sliding-window retry budget shared by all calls of one client: a retry is allowed while
/// <c>retries(window) + 1 ≤ MinRetries + Ratio × firstAttempts(window)</c>. The window is kept as ten buckets.
/// </summary>
internal sealed class RetryBudget
{
    private const int BucketCount = 10;
    private readonly RetryBudgetOptions _options;
    private readonly TimeProvider _time;
    private readonly long _bucketTicks;
    private readonly long[] _firsts = new long[BucketCount];
    private readonly long[] _retries = new long[BucketCount];
    private readonly long _origin;
    private long _currentBucket;
    private readonly Lock _lock = new();

    public RetryBudget(RetryBudgetOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        var windowTicks = (long)(options.Window.TotalSeconds * time.TimestampFrequency);
        _bucketTicks = Math.Max(1, windowTicks / BucketCount);
        _origin = time.GetTimestamp();
    }

    /// <summary>Counts a call's first attempt (it earns retries for others).</summary>
    public void RecordFirstAttempt()
    {
        lock (_lock)
        {
            Roll();
            _firsts[_currentBucket % BucketCount]++;
        }
    }

    /// <summary>Takes one retry from the budget; <c>false</c> when it is empty.</summary>
    public bool TryWithdraw()
    {
        if (!_options.Enabled)
        {
            return true;
        }

        lock (_lock)
        {
            Roll();
            long firsts = 0, retries = 0;
            for (var i = 0; i < BucketCount; i++)
            {
                firsts += _firsts[i];
                retries += _retries[i];
            }

            if (retries + 1 > _options.MinRetries + (_options.Ratio * firsts))
            {
                return false;
            }

            _retries[_currentBucket % BucketCount]++;
            return true;
        }
    }

    /// <summary>First attempts and retries in the current window.</summary>
    public (long FirstAttempts, long Retries) Snapshot()
    {
        lock (_lock)
        {
            Roll();
            return (_firsts.Sum(), _retries.Sum());
        }
    }

    private void Roll()
    {
        var bucket = (_time.GetTimestamp() - _origin) / _bucketTicks;
        if (bucket <= _currentBucket)
        {
            return;
        }

        var steps = Math.Min(bucket - _currentBucket, BucketCount);
        for (long i = 1; i <= steps; i++)
        {
            var idx = (_currentBucket + i) % BucketCount;
            _firsts[idx] = 0;
            _retries[idx] = 0;
        }

        _currentBucket = bucket;
    }
}
