using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Breakwater.Anthropic;

namespace Breakwater.Classification;

/// <summary>
/// Turns what the API said into an <see cref="Outcome"/>. Knows the API, nothing of policy.
/// </summary>
/// <remarks>
/// <para>The body's <c>error.type</c> wins over the status: a 529 whose body says api_error is an api_error, a 500
/// whose body says overloaded_error is an overload (the field guide: "check both the status code and the error.type").
/// A known type is taken from any JSON body, even a truncated one (the parser recovers it); never from HTML.</para>
/// <para>An error.type Breakwater does not know is <see cref="FailureKind.Unknown"/> whatever the status (Anthropic's
/// errors page: "type values may grow over time"); policy retries it only when the status is 5xx.</para>
/// <para>A body that names no type falls back to the status, and to whether the response carries a
/// <c>request-id</c> header: Anthropic sets one on every response, a proxy's error page usually has none.</para>
/// </remarks>
internal static partial class Classifier
{
    public static Outcome Classify(int status, HttpResponseHeaders headers, AnthropicError body, DateTimeOffset now)
    {
        var headerRequestId = RetryHints.TryGet(headers, AnthropicHeaders.RequestId, out var rid) && !string.IsNullOrWhiteSpace(rid) ? rid.Trim() : null;
        var hints = RetryHints.From(headers, now);
        var rateLimits = RateLimitSnapshot.From(headers);
        var requestId = headerRequestId ?? body.RequestId;
        if (status is >= 200 and < 300)
        {
            return Outcome.Success(status, requestId, rateLimits);
        }

        // A known type counts even from a truncated or envelope-less JSON body; an unknown one only from a complete
        // Anthropic-shaped body (elsewhere it is some proxy's vocabulary, and the status says more).
        var kind = (body.IsHtml ? null : KindFromType(body.Type, hints, body.Message, body.ErrorCode))
            ?? (body.IsAnthropicShaped ? FailureKind.Unknown : KindFromStatus(status, hints, hasRequestId: headerRequestId is not null));

        return new Outcome
        {
            Kind = kind,
            StatusCode = status,
            ErrorType = body.Type,
            Message = body.Message,
            RequestId = requestId,
            Hints = hints,
            RateLimits = rateLimits,
            RawExcerpt = body.IsAnthropicShaped ? null : body.RawExcerpt,
        };
    }

    /// <summary>Classifies an <c>event: error</c> inside a 200 stream.</summary>
    public static Outcome ClassifyStreamError(AnthropicError body, string? headerRequestId, bool afterFirstDelta, RateLimitSnapshot? rateLimits)
    {
        FailureKind kind;
        if (afterFirstDelta)
        {
            // The caller already holds text: whatever the type, this call can only end with an error event.
            kind = FailureKind.StreamInterrupted;
        }
        else
        {
            // Errors in a stream are server-side by nature: a missing or unknown type reads as api_error, so that
            // the 200 status (which says nothing) does not make it look like a caller's mistake.
            kind = KindFromType(body.Type, RetryHints.None, body.Message, body.ErrorCode) ?? FailureKind.ApiError;
        }

        return new Outcome
        {
            Kind = kind,
            StatusCode = 200,
            ErrorType = body.Type,
            Message = body.Message,
            RequestId = headerRequestId ?? body.RequestId,
            Phase = afterFirstDelta ? StreamPhase.AfterFirstDelta : StreamPhase.BeforeFirstDelta,
            RateLimits = rateLimits,
            RawExcerpt = body.IsAnthropicShaped ? null : body.RawExcerpt,
        };
    }

    /// <summary>Classifies an exception thrown while sending or reading. The caller's own cancellation is not classified (it is rethrown).</summary>
    public static Outcome ClassifyException(Exception exception, bool attemptTimedOut, StreamPhase phase = StreamPhase.NotStream, string? requestId = null)
    {
        var kind = attemptTimedOut ? FailureKind.AttemptTimeout : FailureKind.ConnectionFailure;
        if (phase == StreamPhase.AfterFirstDelta)
        {
            kind = FailureKind.StreamInterrupted;
        }

        return new Outcome
        {
            Kind = kind,
            Exception = exception,
            Phase = phase,
            RequestId = requestId,
            Message = Describe(exception, attemptTimedOut),
        };
    }

    /// <summary>The kind an Anthropic error.type names, or <c>null</c> for a type Breakwater does not know.</summary>
    internal static FailureKind? KindFromType(string? type, RetryHints hints, string? message, string? errorCode = null) => type switch
    {
        AnthropicErrorTypes.InvalidRequest when IsSpendLimitMessage(message) => FailureKind.SpendLimit,
        AnthropicErrorTypes.InvalidRequest when IsCreditBalanceMessage(message) => FailureKind.Billing,
        AnthropicErrorTypes.InvalidRequest => FailureKind.InvalidRequest,
        AnthropicErrorTypes.Authentication => FailureKind.Authentication,
        AnthropicErrorTypes.Billing => FailureKind.Billing,
        AnthropicErrorTypes.Permission => FailureKind.Permission,
        AnthropicErrorTypes.NotFound => FailureKind.NotFound,
        AnthropicErrorTypes.Conflict => FailureKind.Conflict,
        AnthropicErrorTypes.RequestTooLarge => FailureKind.RequestTooLarge,

        // Rate limits docs: a monthly spend cap is a 429 rate_limit_error with error.details.error_code
        // enforced_spend_limit_reached and no retry-after. A 429 that does carry retry-after (Claude Code workspace
        // spend limits do) is waited out as told.
        AnthropicErrorTypes.RateLimit when ErrorBodyParser.IsSpendLimitCode(errorCode) || hints.RetryAfter is null => FailureKind.SpendLimit,
        AnthropicErrorTypes.RateLimit => FailureKind.RateLimited,
        AnthropicErrorTypes.Api => FailureKind.ApiError,
        AnthropicErrorTypes.Timeout => FailureKind.Timeout,
        AnthropicErrorTypes.Overloaded => FailureKind.Overloaded,
        _ => null,
    };

    /// <summary>The kind a status implies when the body names no error.type (empty, HTML, plain text, foreign JSON).</summary>
    internal static FailureKind KindFromStatus(int status, RetryHints hints, bool hasRequestId) => status switch
    {
        400 => FailureKind.InvalidRequest,
        401 => FailureKind.Authentication,
        402 => FailureKind.Billing,
        403 => FailureKind.Permission,
        404 => FailureKind.NotFound,
        408 => FailureKind.Timeout,
        409 => FailureKind.Conflict,
        413 => FailureKind.RequestTooLarge,
        429 => hints.RetryAfter is null ? FailureKind.SpendLimit : FailureKind.RateLimited,
        500 => FailureKind.ApiError,

        // Anthropic answers its own errors with a JSON body; a 502/503 without one came from something in between.
        502 or 503 => FailureKind.ProxyError,
        504 => hasRequestId ? FailureKind.Timeout : FailureKind.ProxyError,
        529 => hasRequestId ? FailureKind.Overloaded : FailureKind.ProxyError,
        >= 500 and < 600 => hasRequestId ? FailureKind.ApiError : FailureKind.ProxyError,
        _ => FailureKind.Unknown,
    };

    /// <summary>
    /// <c>true</c> when the message names a spend limit. Errors page: "The API also returns a 400 when usage reaches an
    /// organization or workspace spend limit you set"; its message begins "You have reached your specified (workspace)
    /// API usage limits".
    /// </summary>
    internal static bool IsSpendLimitMessage(string? message) =>
        message is not null && SpendLimitPattern().IsMatch(message);

    /// <summary><c>true</c> for the 400 "Your credit balance is too low" message: a billing problem, not a request one.</summary>
    internal static bool IsCreditBalanceMessage(string? message) =>
        message is not null && CreditBalancePattern().IsMatch(message);

    private static string Describe(Exception exception, bool attemptTimedOut)
    {
        if (attemptTimedOut)
        {
            return "attempt timeout expired";
        }

        // Only the exception types and socket error codes: messages may echo URLs, never keys, but stay terse.
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException se)
            {
                return $"socket error {se.SocketErrorCode}";
            }

            if (e is HttpRequestException { HttpRequestError: not HttpRequestError.Unknown } hre)
            {
                return $"http request error {hre.HttpRequestError}";
            }
        }

        return exception.GetType().Name;
    }

    [GeneratedRegex(@"spend(ing)?[ _-]?limit|usage limit", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SpendLimitPattern();

    [GeneratedRegex(@"credit balance", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CreditBalancePattern();
}
