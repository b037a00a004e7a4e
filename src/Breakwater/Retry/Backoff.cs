namespace Breakwater.Retry;

/// <summary>The wait maths of a <see cref="RetryPlan"/>: pure functions, so properties can be checked.</summary>
internal static class Backoff
{
    /// <summary>The backoff before retry <paramref name="retryNumber"/> (1-based), before retry-after and jitter.</summary>
    public static TimeSpan Exponential(RetryPlan plan, int retryNumber)
    {
        var exponent = Math.Min(retryNumber - 1, 62);
        var ticks = plan.BaseDelay.Ticks * Math.Pow(2, exponent);
        return ticks >= plan.MaxDelay.Ticks ? plan.MaxDelay : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>
    /// The wait before retry <paramref name="retryNumber"/>: max(backoff, retry-after) spread by
    /// (1 + <paramref name="unit"/> × Jitter), <paramref name="unit"/> in [0, 1). Never less than retry-after.
    /// </summary>
    public static TimeSpan Wait(RetryPlan plan, int retryNumber, TimeSpan? retryAfter, double unit)
    {
        var backoff = Exponential(plan, retryNumber);
        var floor = retryAfter is { } ra && ra > backoff ? ra : backoff;
        var spread = floor.Ticks * plan.Jitter * Math.Clamp(unit, 0, 1);
        return floor + TimeSpan.FromTicks((long)spread);
    }
}
