using Breakwater.Anthropic;
using Breakwater.Classification;
using Breakwater.Concurrency;
using Breakwater.Policy;
using Breakwater.Retry;
using Breakwater.State;
using Breakwater.Telemetry;
using Microsoft.Extensions.Logging;

namespace Breakwater.Pipeline;

/// <summary>
/// The one path every call takes, as a loop: admission (local gates) → attempt (send under breaker and timeout) →
/// inspect (error body, stream hold-back → <see cref="Outcome"/>) → decide (<see cref="CallPolicy"/>) → act (return,
/// wait and retry, or move down the fallback chain). Telemetry watches every step; nothing here decides. Never hops
/// threads on its own: the benchmark drives it in virtual time.
/// </summary>
internal sealed class BreakwaterPipeline
{
    private readonly ClientState _client;
    private readonly BreakwaterOptions _options;
    private readonly TimeProvider _time;
    private readonly JitterSource _random;
    private readonly PipelineObserver _observer;
    private readonly CallAdmission _admission;
    private readonly AttemptRunner _attempts;

    public BreakwaterPipeline(ClientState client, Random? random, ILogger logger, IIncidentSink? sink)
    {
        _client = client;
        _options = client.Options;
        _time = client.Time;
        _random = new JitterSource(random ?? Random.Shared);
        _observer = new PipelineObserver(client.Name, client.Metrics, client.Labels, _time, logger, sink);
        _admission = new CallAdmission(_options, _time, _random);
        _attempts = new AttemptRunner(_options, _time, new ResponseInspector(_options, _time, StreamEnded), _observer);
    }

    public ClientState Client => _client;

    public async Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request,
        Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> send,
        CancellationToken cancellationToken)
    {
        var call = await StartAsync(request, cancellationToken).ConfigureAwait(false);
        var models = new ModelChain(call.RequestedModel, CallPolicy.FallbacksFor(_options, call.RequestedModel, call.Body.ModelValueStart >= 0, call.Policy));
        var index = 0;
        var pacer = _options.Pacing.Enabled ? _client.Pacer(CredentialHash.Of(request)) : null;
        AttemptResult? previous = null;
        Exception? previousFailure = null;
        while (true)
        {
            var state = _client.Model(call.Model);
            var canFallBack = index + 1 < models.Count;

            // Admission, then the attempt. A refusal by a gate, or by the breaker at the attempt itself (a half-open
            // probe already out), is decided on like an outcome.
            var (refusal, lease) = await _admission.AdmitAsync(state, call, pacer, canFallBack, cancellationToken).ConfigureAwait(false);
            var report = default(AttemptReport);
            var refusedAtAttempt = false;
            if (refusal == GiveUpReason.None)
            {
                report = await _attempts.RunAsync(state, call, send, lease, cancellationToken).ConfigureAwait(false);
                if (report.BreakerRefused)
                {
                    lease?.Release(LimitSignal.Neutral);
                    refusal = GiveUpReason.Breaker;
                    refusedAtAttempt = true;
                }
            }

            if (refusal != GiveUpReason.None)
            {
                var refused = CallPolicy.AfterRefusal(refusal, call.Policy, state, canFallBack, mayWaitForProbe: !refusedAtAttempt,
                    _options, _time.GetUtcNow(), _random);
                switch (refused.Kind)
                {
                    case DecisionKind.NextModel:
                        FallBack(call, models[++index], refusedAtAttempt ? "breaker" : refusal.ToString());
                        continue;
                    case DecisionKind.Wait:
                        await Waits.Delay(_time, refused.Delay, cancellationToken).ConfigureAwait(false);
                        continue;
                    default:
                        _observer.Refused(call.Model, call.Attempts, refusal, call.LastOutcome?.Kind ?? FailureKind.Overloaded, call.RequestIds);
                        return CallResult.Refuse(call, refusal, previous, previousFailure, _options);
                }
            }

            // Inspected: feed the model's health and the key's pacing, then decide.
            var outcome = report.Outcome!;
            previous?.Dispose();
            previous = null;
            previousFailure = null;
            state.Observe(outcome);
            pacer?.Observe(outcome.RateLimits);
            if (pacer is not null && outcome.Kind == FailureKind.RateLimited && outcome.Hints.RetryAfter is { } retryAfter)
            {
                pacer.BlockUntil(_time.GetUtcNow() + retryAfter);
            }

            call.LastOutcome = outcome;
            call.AddRequestId(outcome.RequestId);
            var decision = CallPolicy.AfterAttempt(outcome, call.Policy, state, canFallBack, _options, _options.Budget.Enabled ? _client.Budget : null, _time.GetUtcNow(), _random);
            call.LastDecision = decision;
            _observer.AttemptDone(call.Model, call.Attempts, MaxAttempts(outcome), outcome, decision, canFallBack ? models[index + 1] : null, call.RequestIds);

            // Act.
            switch (decision.Kind)
            {
                case DecisionKind.Retry:
                    previous = report.Attempt;
                    previousFailure = report.Failure;
                    await Waits.Delay(_time, decision.Delay, cancellationToken).ConfigureAwait(false);
                    continue;
                case DecisionKind.NextModel:
                    previous = report.Attempt;
                    previousFailure = report.Failure;
                    FallBack(call, models[++index], outcome.Kind.ToString());
                    continue;
                default:
                    return CallResult.Finish(call, report.Attempt, report.Failure, GiveUpReason.None);
            }
        }
    }

    /// <summary>Reads the body once and sets up the call: its deadline, whether it may fall back, how the budget counts it.</summary>
    private async Task<CallContext> StartAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content switch
        {
            null => RequestBody.Empty,
            RequestBodyContent { Parsed: { } parsed } known when ReferenceEquals(parsed.Bytes, known.Bytes) => parsed,
            RequestBodyContent known => RequestBody.Parse(known.Bytes),
            var content => RequestBody.Parse(await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false)),
        };

        var limit = _options.TotalDeadline;
        if (request.Options.TryGetValue(BreakwaterRequestOptions.Deadline, out var perCall) && perCall > TimeSpan.Zero && perCall < limit)
        {
            limit = perCall;
        }

        var call = new CallContext(request, body, _time.GetUtcNow() + limit);
        if (request.Headers.TryGetValues(BreakwaterHeaders.Fallback, out var fb) && fb.Any(v => v.Equals("deny", StringComparison.OrdinalIgnoreCase)))
        {
            call.Policy.FallbackDenied = true;
        }

        var background = request.Options.TryGetValue(BreakwaterRequestOptions.Background, out var bg) && bg;
        var clientRetry = !background && request.Options.TryGetValue(BreakwaterRequestOptions.IsClientRetry, out var cr) && cr;
        if (CallPolicy.Start(call.Policy, background, clientRetry, _client.Budget, _options.Budget.Enabled))
        {
            _observer.ClientRetryRefusedByBudget();
        }

        return call;
    }

    private void FallBack(CallContext call, string next, string why)
    {
        var from = call.Model;
        call.MoveTo(next);
        _observer.FellBack(from, next, why, call.RequestIds);
    }

    private int MaxAttempts(Outcome outcome) =>
        outcome.IsSuccess ? 0 : (_options.Retry.For(outcome.Kind, outcome.StatusCode)?.MaxRetries ?? 0) + 1;

    /// <summary>What a stream passed through to the caller does when it ends: give back its slot, note an overload, report a break.</summary>
    private Action<StreamEnd> StreamEnded(CallContext call, string? requestId)
    {
        var model = call.Model;
        var attempt = call.Attempts;
        var lease = call.CurrentLease;
        return end =>
        {
            var overloaded = !end.Completed && end.UpstreamErrorType == AnthropicErrorTypes.Overloaded;
            lease?.Release(end.Completed ? LimitSignal.Success : overloaded ? LimitSignal.Overload : LimitSignal.Neutral);
            if (overloaded)
            {
                _client.Model(model).NoteOverload();
            }

            if (!end.Completed && !end.CallerAbandoned)
            {
                _observer.StreamInterrupted(model, attempt, end.UpstreamErrorType, end.Failure is not null, requestId);
            }
        };
    }
}
