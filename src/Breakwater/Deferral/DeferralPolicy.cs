using Breakwater.Classification;
using Breakwater.Retry;

namespace Breakwater.Deferral;

/// <summary>
/// Which final answers of a <see cref="BreakwaterHandler"/> may become deferred jobs: those where Breakwater gave up
/// because of capacity (retries, fallback, breaker, throttle, queue or budget exhausted), never those that are the
/// request's own fault. The gateway's <c>breakwater-defer</c> and library callers use the same rule.
/// </summary>
public static class DeferralPolicy
{
    /// <summary>
    /// True when Breakwater gave up on the response for a capacity reason: status 429, 5xx or 529, or a local refusal
    /// (<c>breaker</c>, <c>throttled</c>, <c>queue</c>, <c>budget</c>). A <c>not-retryable</c> give-up (a spend cap,
    /// <c>x-should-retry: false</c>) is not deferrable: waiting would not change the answer. The pipeline's typed reason
    /// decides; a response built elsewhere is judged by its <c>breakwater-giveup</c> header, and without one is not deferrable.
    /// </summary>
    /// <param name="response">The handler's final response.</param>
    /// <returns>Whether it may be deferred.</returns>
    public static bool IsDeferrable(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var reason = ResponseGiveUp.Of(response);
        if (reason is null or GiveUpReason.NotRetryable)
        {
            return false;
        }

        return (int)response.StatusCode is 429 or 529 or >= 500 and < 600
            || reason is GiveUpReason.Breaker or GiveUpReason.Throttled or GiveUpReason.Queue or GiveUpReason.Budget;
    }

    /// <summary>
    /// True for a <see cref="BreakwaterException"/> that ended a call without any response for a capacity reason
    /// (attempt timeouts, connection failures, overloads) after retries ran out; false for anything else.
    /// </summary>
    /// <param name="exception">What the handler threw.</param>
    /// <returns>Whether the call may be deferred.</returns>
    public static bool IsDeferrable(Exception exception) =>
        exception is BreakwaterException { GiveUp: not GiveUpReason.NotRetryable and not GiveUpReason.None } e
        && FailureTaxonomy.IsTransient(e.Kind);

    /// <summary>Why a deferrable answer was deferred, for the job's last error: status, give-up reason and request ids (never a key).</summary>
    /// <param name="response">The handler's final response.</param>
    /// <returns>For example <c>live call gave up: 529 (attempts), request_ids req_1,req_2</c>.</returns>
    public static string Describe(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        static string? Header(HttpResponseMessage r, string name) => r.Headers.TryGetValues(name, out var v) ? string.Join(",", v) : null;
        var text = "live call gave up: " + ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (Header(response, BreakwaterHeaders.GiveUp) is { } giveUp)
        {
            text += " (" + giveUp + ")";
        }

        if (Header(response, BreakwaterHeaders.RequestIds) is { } ids)
        {
            text += ", request_ids " + ids;
        }

        return text;
    }

    /// <summary>Why a deferrable failure was deferred, for the job's last error (the exception's message holds no key).</summary>
    /// <param name="exception">What the handler threw.</param>
    /// <returns>For example <c>live call gave up: Breakwater gave up on … (attempts): …</c>.</returns>
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return "live call gave up: " + (exception is BreakwaterException ? exception.Message : exception.GetType().Name);
    }
}
