using Breakwater.Anthropic;

namespace Breakwater.Classification;

/// <summary>What one attempt did: the noun classification produces and policy consumes.</summary>
internal sealed record Outcome
{
    /// <summary>The kind of failure, or <see cref="FailureKind.None"/>.</summary>
    public FailureKind Kind { get; init; }

    /// <summary><c>true</c> when the attempt succeeded.</summary>
    public bool IsSuccess => Kind == FailureKind.None;

    /// <summary>The HTTP status, or <c>null</c> when no response arrived.</summary>
    public int? StatusCode { get; init; }

    /// <summary>The <c>error.type</c> as sent (even when unknown), or <c>null</c>.</summary>
    public string? ErrorType { get; init; }

    /// <summary>The <c>error.message</c>, or <c>null</c>.</summary>
    public string? Message { get; init; }

    /// <summary>The <c>request-id</c> header, else the body's <c>request_id</c>; <c>null</c> when neither (typical of proxies).</summary>
    public string? RequestId { get; init; }

    /// <summary>retry-after, retry-after-ms and x-should-retry.</summary>
    public RetryHints Hints { get; init; } = RetryHints.None;

    /// <summary>The rate-limit headers, or <c>null</c> when none.</summary>
    public RateLimitSnapshot? RateLimits { get; init; }

    /// <summary>Where in a stream the outcome was seen.</summary>
    public StreamPhase Phase { get; init; }

    /// <summary>The exception, for connection failures and timeouts. Its message never holds a key.</summary>
    public Exception? Exception { get; init; }

    /// <summary>Up to 200 characters of a body that was not Anthropic-shaped, for diagnosis.</summary>
    public string? RawExcerpt { get; init; }

    /// <summary>The owner, explanation and next step of <see cref="Kind"/>.</summary>
    public FailureKindInfo Info => FailureKindInfo.For(Kind);

    /// <summary>
    /// <c>true</c> when the outcome says the model is out of capacity: a 529/overloaded_error, or a proxy's
    /// 503/529 page (which often hides one). Drives breakers, fallback and the adaptive limit.
    /// </summary>
    public bool IsOverloadSignal => FailureTaxonomy.IsOverloadSignal(Kind, StatusCode);

    /// <summary>A success.</summary>
    public static Outcome Success(int status, string? requestId, RateLimitSnapshot? rateLimits) =>
        new() { Kind = FailureKind.None, StatusCode = status, RequestId = requestId, RateLimits = rateLimits };
}
