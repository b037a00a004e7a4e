using Breakwater.Anthropic;
using Breakwater.Classification;
using Breakwater.Retry;

namespace Breakwater.Pipeline;

/// <summary>
/// The end of a call: the response the caller gets, with what happened in <c>breakwater-*</c> headers, or — when the
/// last attempt left no response — a <see cref="BreakwaterException"/> saying why.
/// </summary>
internal static class CallResult
{
    /// <summary>Hands <paramref name="attempt"/> to the caller, or throws when there is no response to hand over.</summary>
    /// <param name="call">The call.</param>
    /// <param name="attempt">The last attempt's response; null when it failed on the wire.</param>
    /// <param name="failure">The last attempt's transport failure, if any.</param>
    /// <param name="overrideReason">A local refusal that ended the call; <see cref="GiveUpReason.None"/> when the last decision did.</param>
    public static HttpResponseMessage Finish(CallContext call, AttemptResult? attempt, Exception? failure, GiveUpReason overrideReason)
    {
        var reason = overrideReason != GiveUpReason.None
            ? overrideReason
            : call.LastDecision.GiveUp == GiveUpReason.None ? GiveUpReason.NotRetryable : call.LastDecision.GiveUp;
        if (attempt is null)
        {
            var outcome = call.LastOutcome!;
            throw new BreakwaterException(
                $"Breakwater gave up on {Telemetry.PipelineObserver.Display(call.Model)} after {call.Attempts} attempt(s) ({GiveUpReasons.ToWire(reason)}): {outcome.Message}",
                failure,
                outcome.Kind,
                reason,
                call.Attempts,
                call.RequestIds.ToArray());
        }

        var response = attempt.Response;
        response.RequestMessage = call.Original;
        var headers = response.Headers;
        var failed = !attempt.Outcome.IsSuccess || overrideReason != GiveUpReason.None;
        foreach (var (name, value) in CallHeaders.Of(call.Attempts, call.RequestIds, call.Model, call.RequestedModel, failed ? reason : null))
        {
            headers.TryAddWithoutValidation(name, value);
        }

        if (failed)
        {
            ResponseGiveUp.Set(response, reason);
        }

        return response;
    }

    /// <summary>
    /// Ends a call a local gate refused: with the last attempt's answer when there was one, else with a 529 in the
    /// API's own shape (nothing was sent), so every client already understands it.
    /// </summary>
    public static HttpResponseMessage Refuse(CallContext call, GiveUpReason reason, AttemptResult? previous, Exception? previousFailure, BreakwaterOptions options)
    {
        if (previous is not null)
        {
            return Finish(call, previous, null, reason);
        }

        if (previousFailure is not null)
        {
            return Finish(call, null, previousFailure, reason);
        }

        var model = Telemetry.PipelineObserver.Display(call.Model);
        var message = reason switch
        {
            GiveUpReason.Breaker => $"Breakwater did not send this call: the circuit breaker for {model} is open after repeated overloads.",
            GiveUpReason.Throttled => $"Breakwater did not send this call: {model} is rejecting most calls, so this client is shedding load locally.",
            GiveUpReason.Queue => $"Breakwater did not send this call: no concurrency slot for {model} became free before the deadline.",
            _ => "Breakwater did not send this call: the deadline would pass before the rate-limit pacing allowed it.",
        };
        #pragma warning disable CA2000 // Ownership moves to the caller: the synthesized 529 is the call's answer; AttemptResult carries it and Finish returns it.
        var response = new HttpResponseMessage((System.Net.HttpStatusCode)529)
        {
            Content = new ByteArrayContent(AnthropicErrorWriter.Json(AnthropicErrorTypes.Overloaded, message, null)),
            RequestMessage = call.Original,
        };
        response.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        if (reason == GiveUpReason.Breaker)
        {
            response.Headers.TryAddWithoutValidation(Anthropic.AnthropicHeaders.RetryAfter,
                ((int)Math.Ceiling(options.CircuitBreaker.BreakDuration.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return Finish(call, new AttemptResult(response, new Outcome { Kind = FailureKind.Overloaded, StatusCode = 529, Message = message }), null, reason);
        #pragma warning restore CA2000
    }
}
