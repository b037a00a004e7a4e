namespace Breakwater.Concurrency;

/// <summary>One slot of an <see cref="AdaptiveLimiter"/>; released once, with what the call said about capacity.</summary>
/// <param name="limiter">The limiter the slot belongs to.</param>
/// <param name="acquiredAt">When the slot was granted (<see cref="TimeProvider.GetTimestamp"/>): an overload from an attempt that started before the limiter's last decrease is the same storm and does not shrink it again.</param>
internal sealed class LimiterLease(AdaptiveLimiter limiter, long acquiredAt)
{
    private int _released;

    public long AcquiredAt => acquiredAt;

    public void Release(LimitSignal signal)
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            limiter.Release(signal, acquiredAt);
        }
    }
}
