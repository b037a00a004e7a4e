using Breakwater.Classification;
using Breakwater.Retry;
using Microsoft.Extensions.Logging;

namespace Breakwater.Telemetry;

/// <summary>
/// The one observer of the pipeline: fed what happened (the call, an attempt's outcome, the decision taken on it) and
/// turns it into metrics, log lines and journal records. It decides nothing and never fails a call. A metric's
/// <c>model</c> tag is bounded by <see cref="ModelLabels"/>; logs and records carry the model as it is.
/// </summary>
internal sealed class PipelineObserver(string client, BreakwaterMetrics metrics, ModelLabels labels, TimeProvider time, ILogger logger, IIncidentSink? sink)
{
    // A metric tag is an object: box each status code once, not once per attempt.
    private static readonly object[] StatusBoxes = [.. Enumerable.Range(0, 600).Select(i => (object)i)];

    private readonly KeyValuePair<string, object?> _clientTag = new("client", client);

    /// <summary>A caller's own retry found the retry budget empty: it goes out once, with no retries of ours.</summary>
    public void ClientRetryRefusedByBudget() => metrics.BudgetExhausted.Add(1, _clientTag);

    /// <summary>An attempt's response headers (a stream's first delta) arrived after <paramref name="elapsed"/>.</summary>
    public void AttemptTimed(string model, TimeSpan elapsed) =>
        metrics.AttemptDuration.Record(elapsed.TotalSeconds, _clientTag, ModelTag(model));

    /// <summary>The call moved from <paramref name="from"/> to <paramref name="to"/> because of <paramref name="why"/>.</summary>
    public void FellBack(string from, string to, string why, IReadOnlyList<string> requestIds)
    {
        metrics.Fallbacks.Add(1, _clientTag, Tag("from", labels.Of(from)), Tag("to", labels.Of(to)));
        Log.FellBack(logger, Display(from), Display(to), why, Ids(requestIds));
    }

    /// <summary>A local gate refused the call and it gives up (nothing more is sent).</summary>
    public void Refused(string model, int attempts, GiveUpReason reason, FailureKind lastKind, IReadOnlyList<string> requestIds)
    {
        var wire = GiveUpReasons.ToWire(reason);
        metrics.GiveUps.Add(1, _clientTag, ModelTag(model), Tag("reason", wire));
        Log.GaveUp(logger, Display(model), attempts, wire, "refused locally", Ids(requestIds));
        Record(new AttemptRecord
        {
            Timestamp = time.GetUtcNow(),
            Client = client,
            Model = model,
            Attempt = attempts,
            Kind = lastKind,
            Decision = AttemptDecision.GaveUp,
            GiveUp = reason,
            Message = "refused locally (" + wire + ")",
        });
    }

    /// <summary>One attempt ended with <paramref name="outcome"/> and the policy decided <paramref name="decision"/>.</summary>
    /// <param name="model">The model the attempt went to.</param>
    /// <param name="attempt">The attempt's number in its call.</param>
    /// <param name="maxAttempts">The attempts the outcome's plan allows (for the log line).</param>
    /// <param name="outcome">What the attempt did.</param>
    /// <param name="decision">What the call does next.</param>
    /// <param name="nextModel">The model a fallback goes to.</param>
    /// <param name="requestIds">Every request id of the call so far, this attempt's included.</param>
    public void AttemptDone(string model, int attempt, int maxAttempts, Outcome outcome, Decision decision, string? nextModel, IReadOnlyList<string> requestIds)
    {
        var modelTag = ModelTag(model);
        metrics.Attempts.Add(1, _clientTag, modelTag, Tag("outcome", outcome.IsSuccess ? "success" : outcome.Kind.ToString()), Tag("status", BoxedStatus(outcome.StatusCode ?? 0)));
        if (outcome.IsSuccess)
        {
            Log.AttemptSucceeded(logger, attempt, Display(model), outcome.StatusCode ?? 0, outcome.RequestId ?? "-");
            return;
        }

        metrics.Failures.Add(1, _clientTag, modelTag, Tag("kind", outcome.Kind.ToString()));
        Log.AttemptFailed(logger, attempt, maxAttempts, Display(model), outcome.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no response",
            outcome.ErrorType ?? "-", outcome.Kind.ToString(), outcome.RequestId ?? "-", Describe(decision), (long)decision.Delay.TotalMilliseconds);

        switch (decision.Kind)
        {
            case DecisionKind.Retry:
                metrics.Retries.Add(1, _clientTag, modelTag, Tag("kind", outcome.Kind.ToString()));
                break;
            case DecisionKind.Return:
                if (decision.GiveUp == GiveUpReason.Budget)
                {
                    metrics.BudgetExhausted.Add(1, _clientTag);
                }

                metrics.GiveUps.Add(1, _clientTag, modelTag, Tag("reason", GiveUpReasons.ToWire(decision.GiveUp)));
                Log.GaveUp(logger, Display(model), attempt, GiveUpReasons.ToWire(decision.GiveUp), outcome.Kind.ToString(), Ids(requestIds));
                break;
        }

        Record(new AttemptRecord
        {
            Timestamp = time.GetUtcNow(),
            Client = client,
            Model = model,
            Attempt = attempt,
            StatusCode = outcome.StatusCode,
            Kind = outcome.Kind,
            ErrorType = outcome.ErrorType,
            RequestId = outcome.RequestId,
            RateLimits = outcome.RateLimits,
            Decision = decision.Kind switch
            {
                DecisionKind.Retry => AttemptDecision.Retried,
                DecisionKind.NextModel => AttemptDecision.FellBack,
                _ => AttemptDecision.GaveUp,
            },
            GiveUp = decision.GiveUp,
            Delay = decision.Kind == DecisionKind.Retry ? decision.Delay : null,
            FallbackModel = decision.Kind == DecisionKind.NextModel ? nextModel : null,
            Message = outcome.Message ?? outcome.RawExcerpt,
        });
    }

    /// <summary>A stream that reached the caller broke after its first delta (delivered to the caller as <c>event: error</c>).</summary>
    public void StreamInterrupted(string model, int attempt, string? upstreamErrorType, bool connectionBroke, string? requestId)
    {
        var kind = FailureKind.StreamInterrupted;
        metrics.Failures.Add(1, _clientTag, ModelTag(model), Tag("kind", kind.ToString()));
        Log.StreamInterrupted(logger, model, upstreamErrorType ?? "connection", requestId ?? "-");
        Record(new AttemptRecord
        {
            Timestamp = time.GetUtcNow(),
            Client = client,
            Model = model,
            Attempt = attempt,
            StatusCode = 200,
            Kind = kind,
            ErrorType = upstreamErrorType,
            RequestId = requestId,
            Decision = AttemptDecision.Delivered,
            GiveUp = GiveUpReason.NotRetryable,
            Message = connectionBroke ? "stream broke after the first delta" : "upstream error event after the first delta",
        });
    }

    private void Record(AttemptRecord record)
    {
        if (sink is null)
        {
            return;
        }

        try
        {
            sink.Record(record);
        }
        #pragma warning disable CA1031 // Catch-all by design: a journal must never fail a call.
        catch (Exception)
        {
            // A journal must never fail a call.
        }
        #pragma warning restore CA1031
    }

    private static string Describe(Decision decision) => decision.Kind switch
    {
        DecisionKind.Retry => "retrying",
        DecisionKind.NextModel => "falling back",
        _ => "giving up (" + GiveUpReasons.ToWire(decision.GiveUp) + ")",
    };

    private static string Ids(IReadOnlyList<string> requestIds) => requestIds.Count == 0 ? "-" : string.Join(",", requestIds);

    internal static string Display(string model) => model.Length == 0 ? "(no model)" : model;

    private static KeyValuePair<string, object?> Tag(string key, object? value) => new(key, value);

    private KeyValuePair<string, object?> ModelTag(string model) => new("model", labels.Of(model));

    private static object BoxedStatus(int status) => (uint)status < (uint)StatusBoxes.Length ? StatusBoxes[status] : status;
}
