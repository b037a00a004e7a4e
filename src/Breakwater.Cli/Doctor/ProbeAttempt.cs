using Breakwater.Anthropic;
using Breakwater.Classification;

namespace Breakwater.Cli.Doctor;

/// <summary>One minimal Messages request of the probe and what came back.</summary>
internal sealed record ProbeAttempt
{
    public required int Number { get; init; }

    /// <summary>The HTTP status, or <c>null</c> when no response came.</summary>
    public int? StatusCode { get; init; }

    public required FailureKind Kind { get; init; }

    public string? ErrorType { get; init; }

    public string? Message { get; init; }

    public string? RequestId { get; init; }

    public RateLimitSnapshot? RateLimits { get; init; }

    public TimeSpan? RetryAfter { get; init; }

    /// <summary>For no response: "dns", "connection refused", "tls", "timeout", "connection".</summary>
    public string? NetworkError { get; init; }

    public TimeSpan Elapsed { get; init; }

    public bool IsSuccess => Kind == FailureKind.None;

    public bool NoResponse => StatusCode is null;
}
