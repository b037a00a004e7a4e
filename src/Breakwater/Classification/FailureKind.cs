namespace Breakwater.Classification;

/// <summary>What kind of failure one attempt met. Classification uses the status code AND the body's <c>error.type</c>.</summary>
public enum FailureKind
{
    /// <summary>No failure.</summary>
    None = 0,
    /// <summary>400 invalid_request_error: the request is wrong. Never retried.</summary>
    InvalidRequest,
    /// <summary>401 authentication_error: the key is wrong. Never retried.</summary>
    Authentication,
    /// <summary>402 billing_error. Never retried.</summary>
    Billing,
    /// <summary>403 permission_error. Never retried.</summary>
    Permission,
    /// <summary>404 not_found_error. Never retried.</summary>
    NotFound,
    /// <summary>409 conflict_error. Retried once at most.</summary>
    Conflict,
    /// <summary>413 request_too_large (32 MB on Messages). Never retried.</summary>
    RequestTooLarge,
    /// <summary>429 rate_limit_error with retry-after: the caller's own quota; wait exactly as told.</summary>
    RateLimited,
    /// <summary>A 429 without retry-after, or a 400 naming a spend limit: a spend cap, not a transient limit. Never retried.</summary>
    SpendLimit,
    /// <summary>500 api_error: unexpected error at Anthropic. Short retry budget.</summary>
    ApiError,
    /// <summary>504 timeout_error at Anthropic. Short retry budget.</summary>
    Timeout,
    /// <summary>529 overloaded_error (or overloaded_error under another status, or in a stream before the first delta).</summary>
    Overloaded,
    /// <summary>A 502/503/504/529 page that is not Anthropic's (HTML, usually no request-id): an intermediate proxy or load balancer.</summary>
    ProxyError,
    /// <summary>No response: connection refused or reset, DNS, TLS, or the upstream closed before answering.</summary>
    ConnectionFailure,
    /// <summary>The attempt timeout expired before the response (for a stream: before its first byte).</summary>
    AttemptTimeout,
    /// <summary>A stream failed after its first content_block_delta reached the caller: never retried (text was delivered).</summary>
    StreamInterrupted,
    /// <summary>A status or error type Breakwater does not know. 5xx: treated like <see cref="ApiError"/>; otherwise not retried.</summary>
    Unknown,
}
