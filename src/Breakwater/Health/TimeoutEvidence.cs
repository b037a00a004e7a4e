namespace Breakwater.Health;

/// <summary>
/// What a model's recent attempts say about retrying one that timed out: over a sliding window (ten buckets), its
/// successes and attempt timeouts, and when it last refused work (a 529 or an overloaded stream error). A retry of an
/// attempt timeout may succeed only when timeouts are rare among succeeding traffic and the model is not refusing
/// work: then the timeout was one slow draw. Otherwise (a saturated model answers slowly for everyone; a request that
/// takes longer than the attempt timeout takes as long again) the retry would hold a slot of a strained pool for
/// nothing, and is not sent.
/// </summary>
internal sealed class TimeoutEvidence
{
    private const int BucketCount = 10;

    /// <summary>Successes needed per timeout in the window for a retry to be worth sending.</summary>
    public const int SuccessesPerTimeout = 5;

    private readonly TimeProvider _time;
    private readonly long _bucketTicks;
    private readonly long _windowTicks;
    private readonly long _origin;
    private readonly int[] _successes = new int[BucketCount];
    private readonly int[] _timeouts = new int[BucketCount];
    private readonly Lock _lock = new();
    private long _current;
    private long _lastRefusal = long.MinValue;

    /// <param name="window">How far back the evidence reaches.</param>
    /// <param name="time">The clock.</param>
    public TimeoutEvidence(TimeSpan window, TimeProvider time)
    {
        _time = time;
        _windowTicks = Math.Max(BucketCount, (long)(window.TotalSeconds * time.TimestampFrequency));
        _bucketTicks = Math.Max(1, _windowTicks / BucketCount);
        _origin = time.GetTimestamp();
    }

    /// <summary>A success of this model.</summary>
    public void Success() => Add(_successes);

    /// <summary>An attempt of this model that got no answer within the attempt timeout.</summary>
    public void Timeout() => Add(_timeouts);

    /// <summary>The model refused work (529, an overloaded stream error).</summary>
    public void Refusal()
    {
        lock (_lock)
        {
            _lastRefusal = _time.GetTimestamp();
        }
    }

    /// <summary>
    /// Whether a retry of an attempt timeout may succeed: no refusal within the window, at least one success, and at
    /// least <see cref="SuccessesPerTimeout"/> successes per timeout (the one just seen included).
    /// </summary>
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

                var successes = _successes.Sum();
                return successes > 0 && successes >= SuccessesPerTimeout * Math.Max(1, _timeouts.Sum());
            }
        }
    }

    private void Add(int[] counts)
    {
        lock (_lock)
        {
            Roll(_time.GetTimestamp());
            counts[_current % BucketCount]++;
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
            _successes[idx] = 0;
            _timeouts[idx] = 0;
        }

        _current = bucket;
    }
}
