namespace Breakwater.Anthropic;

/// <summary>One <c>anthropic-ratelimit-{name}-{limit,remaining,reset}</c> triple.</summary>
/// <param name="Limit">The limit, or <c>null</c> when absent.</param>
/// <param name="Remaining">What remains, or <c>null</c> when absent.</param>
/// <param name="Reset">When the bucket is full again (RFC 3339), or <c>null</c>.</param>
public sealed record RateLimitWindow(long? Limit, long? Remaining, DateTimeOffset? Reset)
{
    /// <summary>Remaining as a fraction of limit, or <c>null</c> when either is unknown.</summary>
    public double? RemainingFraction => Limit is > 0 && Remaining is not null ? (double)Remaining.Value / Limit.Value : null;
}
