namespace Breakwater.Classification;

/// <summary>A failure kind's owner, a one-line explanation and the next step, for people.</summary>
/// <param name="Kind">The kind.</param>
/// <param name="Owner">Whose problem it is.</param>
/// <param name="Explanation">One line: what happened.</param>
/// <param name="NextStep">One line: what to do.</param>
public sealed record FailureKindInfo(FailureKind Kind, FailureOwner Owner, string Explanation, string NextStep)
{
    private static readonly Dictionary<FailureKind, FailureKindInfo> All = new()
    {
        [FailureKind.None] = new(FailureKind.None, FailureOwner.None, "The call succeeded.", "Nothing to do."),
        [FailureKind.InvalidRequest] = new(FailureKind.InvalidRequest, FailureOwner.Caller,
            "400 invalid_request_error: the request's format or content is wrong.", "Fix the request; retrying sends the same mistake again."),
        [FailureKind.Authentication] = new(FailureKind.Authentication, FailureOwner.Caller,
            "401 authentication_error: the API key is missing, invalid or revoked.", "Check ANTHROPIC_API_KEY (or the gateway key); never retried."),
        [FailureKind.Billing] = new(FailureKind.Billing, FailureOwner.Caller,
            "402 billing_error (or a 400 saying the credit balance is too low): the account has a billing problem.", "Fix billing or buy credits in the Console; never retried."),
        [FailureKind.Permission] = new(FailureKind.Permission, FailureOwner.Caller,
            "403 permission_error: the key may not use this resource or model.", "Use a key with access, or another model; never retried."),
        [FailureKind.NotFound] = new(FailureKind.NotFound, FailureOwner.Caller,
            "404 not_found_error: the resource or model name does not exist.", "Check the model id and the path; never retried."),
        [FailureKind.Conflict] = new(FailureKind.Conflict, FailureOwner.Caller,
            "409 conflict_error: the request conflicts with another.", "Retried once at most; if it persists, look for concurrent writers."),
        [FailureKind.RequestTooLarge] = new(FailureKind.RequestTooLarge, FailureOwner.Caller,
            "413 request_too_large: the body exceeds the 32 MB limit of the Messages API.", "Send less (split documents, use the Files API); never retried."),
        [FailureKind.RateLimited] = new(FailureKind.RateLimited, FailureOwner.Caller,
            "429 rate_limit_error: your organisation's own quota (requests or tokens per minute) ran out.", "Wait exactly as long as retry-after says; reduce bursts and concurrency."),
        [FailureKind.SpendLimit] = new(FailureKind.SpendLimit, FailureOwner.Caller,
            "A spend cap was reached (a 429 without retry-after, or a 400 naming a spend limit): not a transient limit.", "Raise the spend limit in the Console or wait for the period to reset; retrying will not help."),
        [FailureKind.ApiError] = new(FailureKind.ApiError, FailureOwner.Anthropic,
            "500 api_error: an unexpected internal error at Anthropic.", "Retried a little; if it persists, check the status page and keep the request_id."),
        [FailureKind.Timeout] = new(FailureKind.Timeout, FailureOwner.Anthropic,
            "504 timeout_error: the request timed out inside Anthropic.", "Retried a little; for long generations, stream the response."),
        [FailureKind.Overloaded] = new(FailureKind.Overloaded, FailureOwner.Anthropic,
            "529 overloaded_error: Anthropic's capacity for this model is saturated for all users. It is not your key, quota, code or network.", "Back off with jitter or fall back to a less loaded model; check the status page; keep the request_id."),
        [FailureKind.ProxyError] = new(FailureKind.ProxyError, FailureOwner.Intermediary,
            "An error page that is not Anthropic's (HTML, no request-id): a proxy or gateway between you and the API answered, possibly masking a 529.", "Retried a little; test directly against the API to see what the proxy hides."),
        [FailureKind.ConnectionFailure] = new(FailureKind.ConnectionFailure, FailureOwner.Network,
            "No response: the connection was refused, reset or failed (DNS, TLS, network).", "Retried a little; check the network path and the base URL."),
        [FailureKind.AttemptTimeout] = new(FailureKind.AttemptTimeout, FailureOwner.Network,
            "No answer within the attempt timeout.", "Retried a little; raise AttemptTimeout for long non-streaming calls, or stream."),
        [FailureKind.StreamInterrupted] = new(FailureKind.StreamInterrupted, FailureOwner.Anthropic,
            "The stream failed after text had already been delivered; the caller received an error event.", "Resend the request if a partial answer is not enough; keep the request_id."),
        [FailureKind.Unknown] = new(FailureKind.Unknown, FailureOwner.Anthropic,
            "A status or error.type Breakwater does not know (the API may add types over time).", "5xx is retried a little; anything else is returned as it came."),
    };

    /// <summary>The description of <paramref name="kind"/>.</summary>
    public static FailureKindInfo For(FailureKind kind) => All[kind];

    /// <summary>The error.type Anthropic uses for the kind, or <c>null</c> when it has none of its own.</summary>
    public static string? ErrorTypeOf(FailureKind kind) => kind switch
    {
        FailureKind.InvalidRequest => Anthropic.AnthropicErrorTypes.InvalidRequest,
        FailureKind.Authentication => Anthropic.AnthropicErrorTypes.Authentication,
        FailureKind.Billing => Anthropic.AnthropicErrorTypes.Billing,
        FailureKind.Permission => Anthropic.AnthropicErrorTypes.Permission,
        FailureKind.NotFound => Anthropic.AnthropicErrorTypes.NotFound,
        FailureKind.Conflict => Anthropic.AnthropicErrorTypes.Conflict,
        FailureKind.RequestTooLarge => Anthropic.AnthropicErrorTypes.RequestTooLarge,
        FailureKind.RateLimited or FailureKind.SpendLimit => Anthropic.AnthropicErrorTypes.RateLimit,
        FailureKind.ApiError => Anthropic.AnthropicErrorTypes.Api,
        FailureKind.Timeout => Anthropic.AnthropicErrorTypes.Timeout,
        FailureKind.Overloaded => Anthropic.AnthropicErrorTypes.Overloaded,
        _ => null,
    };
}
