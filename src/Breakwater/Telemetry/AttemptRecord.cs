using Breakwater.Anthropic;
using Breakwater.Classification;
using Breakwater.Retry;

namespace Breakwater.Telemetry;

/// <summary>One failed attempt, as the incident journal keeps it. Holds no credential.</summary>
public sealed record AttemptRecord
{
    /// <summary>When the attempt's outcome was known.</summary>
    public required DateTimeOffset Timestamp { get; init; }
    /// <summary>The client (HttpClient name, or "gateway").</summary>
    public required string Client { get; init; }
    /// <summary>The model the attempt asked for (may be empty when the body named none).</summary>
    public required string Model { get; init; }
    /// <summary>1-based attempt number within the call.</summary>
    public required int Attempt { get; init; }
    /// <summary>The HTTP status, or <c>null</c> when no response came.</summary>
    public int? StatusCode { get; init; }
    /// <summary>The failure kind.</summary>
    public required FailureKind Kind { get; init; }
    /// <summary>error.type as sent, or <c>null</c>.</summary>
    public string? ErrorType { get; init; }
    /// <summary>The request_id, or <c>null</c> (typical of a proxy's page).</summary>
    public string? RequestId { get; init; }
    /// <summary>The rate-limit headers of the response, or <c>null</c>.</summary>
    public RateLimitSnapshot? RateLimits { get; init; }
    /// <summary>What was decided.</summary>
    public required AttemptDecision Decision { get; init; }
    /// <summary>Why the call stopped, when <see cref="Decision"/> is <see cref="AttemptDecision.GaveUp"/>.</summary>
    public GiveUpReason GiveUp { get; init; }
    /// <summary>The wait before the retry, when retried.</summary>
    public TimeSpan? Delay { get; init; }
    /// <summary>The model fallen back to, when fell back.</summary>
    public string? FallbackModel { get; init; }
    /// <summary>Short message (error.message, or the exception kind); never a key.</summary>
    public string? Message { get; init; }
}
