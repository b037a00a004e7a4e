namespace Breakwater.Simulator.Capacity;

/// <summary>A bucket that refills continuously at limit-per-minute; the level may go below zero (debt) when
/// output tokens turn out larger than what was left, which then delays the next admission.</summary>
internal sealed class TokenBucket
{
    private double _level;
    private long _lastTimestamp;

    public TokenBucket(long limitPerMinute, long timestamp)
    {
        Limit = limitPerMinute;
        _level = limitPerMinute;
        _lastTimestamp = timestamp;
    }

    public long Limit { get; }

    private double RatePerSecond => Limit / 60.0;

    public long Remaining => Math.Max(0, (long)Math.Floor(_level));

    public double Level => _level;

    public void Refill(long timestamp, long frequency)
    {
        if (timestamp <= _lastTimestamp)
        {
            return;
        }

        var seconds = (timestamp - _lastTimestamp) / (double)frequency;
        _level = Math.Min(Limit, _level + (seconds * RatePerSecond));
        _lastTimestamp = timestamp;
    }

    /// <summary>Seconds until the level reaches <paramref name="amount"/> (0 if it already has).</summary>
    public double SecondsUntil(double amount)
    {
        amount = Math.Min(amount, Limit);
        // The tolerance keeps a client that waited exactly the advertised time from losing to rounding.
        return _level >= amount - 1e-9 ? 0 : (amount - _level) / RatePerSecond;
    }

    /// <summary>Seconds until the bucket is full again.</summary>
    public double SecondsUntilFull() => (Limit - _level) / RatePerSecond;

    public void Take(double amount) => _level = Math.Max(-Limit, _level - amount);
}
