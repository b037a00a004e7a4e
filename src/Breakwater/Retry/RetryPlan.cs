using System.ComponentModel.DataAnnotations;

namespace Breakwater.Retry;

/// <summary>
/// How one family of failures is retried. The wait before retry n (1-based) is
/// <c>w = max(min(MaxDelay, BaseDelay × 2^(n−1)), retry-after)</c>, then <c>w × (1 + U × Jitter)</c> with U uniform in [0, 1):
/// never sooner than retry-after, and spread so that clients told the same thing do not return in the same instant.
/// </summary>
public sealed class RetryPlan
{
    /// <summary>Retries after the first attempt (attempts = MaxRetries + 1). 0 = never retried.</summary>
    [Range(0, 100)]
    public int MaxRetries { get; set; }

    /// <summary>The first backoff. Default 1 s.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The backoff cap (before jitter). Default 60 s.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Random spread as a fraction of the wait, in [0, 1]. Default 0.1.</summary>
    [Range(0.0, 1.0)]
    public double Jitter { get; set; } = 0.1;

    /// <summary>
    /// The most time this plan may spend waiting across all its retries of one call; a retry whose wait would
    /// pass it is not made. <c>null</c> = no limit beyond the call's deadline. Default <c>null</c>.
    /// </summary>
    public TimeSpan? MaxRetryWindow { get; set; }

    /// <summary>A deep copy.</summary>
    public RetryPlan Clone() => (RetryPlan)MemberwiseClone();
}
