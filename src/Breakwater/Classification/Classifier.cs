using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Breakwater.Anthropic;

namespace Breakwater.Classification;

/// <summary>
/// Turns what the API said into an <see cref="Outcome"/>. Knows the API, nothing of policy.
/// The body's <c>error.type</c> wins over the status (a 529 whose body says api_error is an api_error);
/// a body that is not Anthropic's falls back to the status and to whether the response carries a request-id.
/// </summary>
internal static partial class Classifier
{
    public static Outcome Classify(int status, HttpResponseHeaders headers, AnthropicError body, DateTimeOffset now)
    {
        var headerRequestId = RetryHints.TryGet(headers, AnthropicHeaders.RequestId, out var rid) ? rid : null;
        var hints = RetryHints.From(headers, now);
        var rateLimits = RateLimitSnapshot.From(headers);
        var requestId = headerRequestId ?? body.RequestId;
        if (status is >= 200 and < 300)
        {
            return Outcome.Success(status, requestId, rateLimits);
        }

        var kind = body.IsAnthropicShaped ? KindFromType(body.Type, status, hints, body.Message) : null;
        kind ??= KindFromStatus(status, hints, hasRequestId: headerRequestId is not null, anthropicShaped: body.IsAnthropicShaped && !body.IsHtml);

        return new Outcome
        {
            Kind = kind.Value,
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
            kind = FailureKind.StreamInterrupted;
        }
        else
        {
            // Errors in a stream are server-side by nature: unknown types read as api_error.
            kind = KindFromType(body.Type, status: 0, RetryHints.None, body.Message) ?? FailureKind.ApiError;
            if (kind == FailureKind.Unknown)
            {
                kind = FailureKind.ApiError;
            }
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

    internal static FailureKind? KindFromType(string? type, int status, RetryHints hints, string? message) => type switch
    {
        AnthropicErrorTypes.InvalidRequest => IsSpendLimitMessage(message) ? FailureKind.SpendLimit : FailureKind.InvalidRequest,
        AnthropicErrorTypes.Authentication => FailureKind.Authentication,
        AnthropicErrorTypes.Billing => FailureKind.Billing,
        AnthropicErrorTypes.Permission => FailureKind.Permission,
        AnthropicErrorTypes.NotFound => FailureKind.NotFound,
        AnthropicErrorTypes.Conflict => FailureKind.Conflict,
        AnthropicErrorTypes.RequestTooLarge => FailureKind.RequestTooLarge,
        AnthropicErrorTypes.RateLimit => hints.RetryAfter is null || IsSpendLimitMessage(message) ? FailureKind.SpendLimit : FailureKind.RateLimited,
        AnthropicErrorTypes.Api => FailureKind.ApiError,
        AnthropicErrorTypes.Timeout => FailureKind.Timeout,
        AnthropicErrorTypes.Overloaded => FailureKind.Overloaded,
        _ => status == 0 ? FailureKind.Unknown : null,
    };

    internal static FailureKind KindFromStatus(int status, RetryHints hints, bool hasRequestId, bool anthropicShaped) => status switch
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
        502 or 503 => hasRequestId && anthropicShaped ? FailureKind.ApiError : FailureKind.ProxyError,
        504 => hasRequestId ? FailureKind.Timeout : FailureKind.ProxyError,
        529 => hasRequestId ? FailureKind.Overloaded : FailureKind.ProxyError,
        >= 500 and < 600 => hasRequestId ? FailureKind.ApiError : FailureKind.ProxyError,
        _ => FailureKind.Unknown,
    };

    internal static bool IsSpendLimitMessage(string? message) =>
        message is not null && SpendLimitPattern().IsMatch(message);

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

    [GeneratedRegex(@"spend(ing)?[ _-]?limit|usage limit|credit balance", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SpendLimitPattern();
}
