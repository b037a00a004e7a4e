using System.ComponentModel.DataAnnotations;
using Breakwater.Classification;

namespace Breakwater.Retry;

/// <summary>The retry plan of each failure family. Defaults follow the Anthropic error semantics.</summary>
public sealed class RetryPlans
{
    /// <summary>529 overloaded_error (and overloaded_error in a stream before the first delta): at most 5 attempts, backoff 1 s doubling to a 60 s cap, jitter 0–75 % (the field guide's spread: a 529 hits every client at once).</summary>
    [Required]
    public RetryPlan Overloaded { get; set; } = new() { MaxRetries = 4, BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(60), Jitter = 0.75 };

    /// <summary>429 rate_limit_error with retry-after: at most 3 retries, each after exactly retry-after plus 0–10 %.</summary>
    [Required]
    public RetryPlan RateLimited { get; set; } = new() { MaxRetries = 3, BaseDelay = TimeSpan.Zero, MaxDelay = TimeSpan.FromSeconds(60), Jitter = 0.1 };

    /// <summary>500, 504, a proxy's 502/503/504, connection failures and attempt timeouts: at most 2 retries within 8 s (backoff 0.5 s, 1 s).</summary>
    [Required]
    public RetryPlan ServerError { get; set; } = new() { MaxRetries = 2, BaseDelay = TimeSpan.FromMilliseconds(500), MaxDelay = TimeSpan.FromSeconds(8), Jitter = 0.1, MaxRetryWindow = TimeSpan.FromSeconds(8) };

    /// <summary>409 conflict_error: 1 retry.</summary>
    [Required]
    public RetryPlan Conflict { get; set; } = new() { MaxRetries = 1, BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(8), Jitter = 0.1 };

    /// <summary>The plan for <paramref name="kind"/>, or <c>null</c> when the kind is never retried.</summary>
    public RetryPlan? For(FailureKind kind, int? status) => kind switch
    {
        FailureKind.Overloaded => Overloaded,
        FailureKind.RateLimited => RateLimited,
        FailureKind.ApiError or FailureKind.Timeout or FailureKind.ProxyError or FailureKind.ConnectionFailure or FailureKind.AttemptTimeout => ServerError,
        FailureKind.Unknown when status is >= 500 and < 600 => ServerError,
        FailureKind.Conflict => Conflict,
        _ => null,
    };

    /// <summary>A deep copy.</summary>
    public RetryPlans Clone() => new()
    {
        Overloaded = Overloaded.Clone(),
        RateLimited = RateLimited.Clone(),
        ServerError = ServerError.Clone(),
        Conflict = Conflict.Clone(),
    };
}
