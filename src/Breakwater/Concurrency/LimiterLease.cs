namespace Breakwater.Concurrency;

/// <summary>One slot of an <see cref="AdaptiveLimiter"/>; released once, with what the call said about capacity.</summary>
internal sealed class LimiterLease(AdaptiveLimiter limiter)
{
    private int _released;

    public void Release(LimitSignal signal)
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            limiter.Release(signal);
        }
    }
}
