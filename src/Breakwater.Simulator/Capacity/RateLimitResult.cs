namespace Breakwater.Simulator.Capacity;

/// <summary>What the rate limiter decided, with the header values to send either way.</summary>
internal sealed class RateLimitResult
{
    public bool Allowed { get; init; }

    /// <summary>Which limit was hit ("requests", "input tokens", "output tokens"), when not allowed.</summary>
    public string? Limit { get; init; }

    /// <summary>Scenario seconds until the request would be admitted, when not allowed.</summary>
    public double RetryAfterSeconds { get; init; }

    /// <summary>The anthropic-ratelimit-* headers.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];
}
