using System.Buffers;
using System.Net.Sockets;
using Breakwater.Anthropic;
using Breakwater.Classification;
using Breakwater.Concurrency;
using Breakwater.Retry;
using Breakwater.Telemetry;
using Microsoft.Extensions.Logging;

namespace Breakwater.Pipeline;

/// <summary>
/// The one path every call takes: body read once → attempt (send, classify, hold back a stream until its first
/// delta, under an attempt timeout) → decision (<see cref="RetryPolicy"/>) → wait or return (send, classify, hold back a stream until its
/// first delta) → the response with breakwater-* headers. Never hops threads on its own: the benchmark drives it
/// in virtual time.
/// </summary>
internal sealed class BreakwaterPipeline
{
    private readonly ClientState _client;
    private readonly BreakwaterOptions _options;
    private readonly TimeProvider _time;
    private readonly JitterSource _random;
    private readonly ILogger _logger;
    private readonly IIncidentSink? _sink;

    public BreakwaterPipeline(ClientState client, Random? random, ILogger logger, IIncidentSink? sink)
    {
        _client = client;
        _options = client.Options;
        _time = client.Time;
        _random = new JitterSource(random ?? Random.Shared);
        _logger = logger;
        _sink = sink;
    }

    public ClientState Client => _client;

    public async Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request,
        Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> send,
        CancellationToken cancellationToken)
    {
        var body = request.Content switch
        {
            null => RequestBody.Empty,
            RequestBodyContent { Parsed: { } parsed } known when ReferenceEquals(parsed.Bytes, known.Bytes) => parsed,
            RequestBodyContent known => RequestBody.Parse(known.Bytes),
            var content => RequestBody.Parse(await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false)),
        };

        var now = _time.GetUtcNow();
        var limit = _options.TotalDeadline;
        if (request.Options.TryGetValue(BreakwaterRequestOptions.Deadline, out var perCall) && perCall > TimeSpan.Zero && perCall < limit)
        {
            limit = perCall;
        }

        var call = new CallContext(request, body, now, now + limit, cancellationToken);
        if (request.Headers.TryGetValues(BreakwaterHeaders.Fallback, out var fb) && fb.Any(v => v.Equals("deny", StringComparison.OrdinalIgnoreCase)))
        {
            call.FallbackDenied = true;
        }

        if (request.Options.TryGetValue(BreakwaterRequestOptions.Background, out var background) && background)
        {
            call.Background = true;
            call.FallbackDenied = true;
        }
        else if (request.Options.TryGetValue(BreakwaterRequestOptions.IsClientRetry, out var isClientRetry) && isClientRetry)
        {
            // The caller is retrying on its own: this call is a retry, paid from the budget, never a fresh start.
            if (_options.Budget.Enabled && !_client.Budget.TryWithdraw())
            {
                call.Retry.NoRetries = true;
                BreakwaterMetrics.BudgetExhausted.Add(1, new KeyValuePair<string, object?>("client", _client.Name));
            }
        }
        else
        {
            _client.Budget.RecordFirstAttempt();
        }

        var models = BuildChain(call);
        var index = 0;
        var pacer = _options.Pacing.Enabled ? _client.Pacer(CredentialHash.Of(request)) : null;
        AttemptResult? previous = null;
        Exception? previousFailure = null;
        while (true)
        {
            var state = _client.Model(call.Model);

            // Local gates, cheapest first. A refusal moves down the fallback chain when it can.
            var refusal = GiveUpReason.None;
            if (state.Throttle.ShouldReject(_random.NextUnit()))
            {
                refusal = GiveUpReason.Throttled;
            }
            else if (state.IsOpen)
            {
                refusal = GiveUpReason.Breaker;
            }

            LimiterLease? lease = null;
            if (refusal == GiveUpReason.None)
            {
                // A wait that is not a reservation (the slot is past MaxDelay) is followed by asking again, so capped
                // waits never release a queue of calls together. Bounded: each round waits MaxDelay or ends.
                while (pacer is not null)
                {
                    var (pace, reserved) = pacer.NextDelay();
                    if (pace <= TimeSpan.Zero)
                    {
                        break;
                    }

                    if (_time.GetUtcNow() + pace >= call.Deadline)
                    {
                        refusal = GiveUpReason.Deadline;
                        break;
                    }

                    await Waits.Delay(_time, pace, cancellationToken).ConfigureAwait(false);
                    if (reserved)
                    {
                        break;
                    }
                }

                if (refusal == GiveUpReason.None && _options.Concurrency.Enabled)
                {
                    // With a model to fall back to, waiting for this one's slot is bounded: the next pool may be free now.
                    var wait = call.Background ? TimeSpan.Zero : call.Deadline - _time.GetUtcNow();
                    if (index + 1 < models.Count && wait > _options.Fallback.MaxQueueWait)
                    {
                        wait = _options.Fallback.MaxQueueWait;
                    }

                    lease = await state.Limiter.AcquireAsync(wait, cancellationToken).ConfigureAwait(false);
                    if (lease is null)
                    {
                        refusal = GiveUpReason.Queue;
                    }
                    else if (pacer?.BlockedFor() is { } blocked && blocked > TimeSpan.Zero)
                    {
                        // A 429 for this key arrived while the call waited for its slot: give the slot back and wait it out.
                        lease.Release(LimitSignal.Neutral);
                        lease = null;
                        if (_time.GetUtcNow() + blocked >= call.Deadline)
                        {
                            refusal = GiveUpReason.Deadline;
                        }
                        else
                        {
                            await Waits.Delay(_time, blocked, cancellationToken).ConfigureAwait(false);
                            continue;
                        }
                    }
                }
            }

            if (refusal != GiveUpReason.None)
            {
                if (index + 1 < models.Count)
                {
                    FallBack(call, models[++index], refusal.ToString());
                    continue;
                }

                if (refusal == GiveUpReason.Breaker && _options.CircuitBreaker.WhenOpen == Health.BreakerOpenBehavior.Wait && !call.Background)
                {
                    // Nowhere else to go: wait for the probe locally (no load added), unless the deadline comes first.
                    var pause = state.UntilProbe + TimeSpan.FromMilliseconds(_random.NextUnit() * 250);
                    if (_time.GetUtcNow() + pause < call.Deadline)
                    {
                        await Waits.Delay(_time, pause, cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                }

                RecordRefusal(call, refusal);
                return Refuse(call, refusal, previous, previousFailure);
            }

            var (attempt, failure, outcome) = await ExecuteAsync(state, call, send, lease, cancellationToken).ConfigureAwait(false);
            if (outcome is null)
            {
                // The breaker turned out to be open (a half-open probe was already out).
                lease?.Release(LimitSignal.Neutral);
                if (index + 1 < models.Count)
                {
                    FallBack(call, models[++index], "breaker");
                    continue;
                }

                RecordRefusal(call, GiveUpReason.Breaker);
                return Refuse(call, GiveUpReason.Breaker, previous, previousFailure);
            }

            previous?.Dispose();
            previous = null;
            previousFailure = null;
            var overloaded = outcome.IsOverloadSignal || outcome.Kind == FailureKind.AttemptTimeout;
            state.Throttle.Record(accepted: !overloaded);
            if (overloaded)
            {
                state.NoteOverload();
            }
            pacer?.Observe(outcome.RateLimits);
            if (pacer is not null && outcome.Kind == FailureKind.RateLimited && outcome.Hints.RetryAfter is { } retryAfter)
            {
                pacer.BlockUntil(_time.GetUtcNow() + retryAfter);
            }

            var decision = OnAttemptDone(call, state, outcome, index + 1 < models.Count ? models[index + 1] : null);
            switch (decision.Kind)
            {
                case DecisionKind.Retry:
                    previous = attempt;
                    previousFailure = failure;
                    await Waits.Delay(_time, decision.Delay, cancellationToken).ConfigureAwait(false);
                    continue;
                case DecisionKind.NextModel:
                    previous = attempt;
                    previousFailure = failure;
                    FallBack(call, models[++index], outcome.Kind.ToString());
                    continue;
                default:
                    return Finish(call, attempt, failure, GiveUpReason.None);
            }
        }
    }

    private ModelChain BuildChain(CallContext call) =>
        new(call.RequestedModel, !call.FallbackDenied && call.RequestedModel.Length > 0 && call.Body.ModelValueStart >= 0
            ? _options.Fallback.After(call.RequestedModel)
            : []);

    private void FallBack(CallContext call, string next, string why)
    {
        var from = call.Model;
        call.Model = next;
        call.Body = call.OriginalBody.WithModel(next);
        call.Retry.Reset();
        call.OverloadsOnModel = 0;
        BreakwaterMetrics.Fallbacks.Add(1, Tag("client", _client.Name), Tag("from", from), Tag("to", next));
        Log.FellBack(_logger, Display(from), Display(next), why, call.RequestIds.Count == 0 ? "-" : string.Join(",", call.RequestIds));
    }

    /// <summary>One attempt through the model's breaker; the concurrency slot is released when the response is done.</summary>
    private async Task<(AttemptResult? Attempt, Exception? Failure, Outcome? Outcome)> ExecuteAsync(
        ModelState state,
        CallContext call,
        Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> send,
        LimiterLease? lease,
        CancellationToken cancellationToken)
    {
        call.CurrentLease = lease;
        var context = Polly.ResilienceContextPool.Shared.Get(cancellationToken);
        Polly.Outcome<AttemptResult> result;
        try
        {
            result = await state.Breaker.ExecuteOutcomeAsync(
                static (ctx, s) => s.pipeline.AttemptAsync(s.call, s.send, ctx.CancellationToken),
                context,
                (pipeline: this, call, send)).ConfigureAwait(false);
        }
        finally
        {
            Polly.ResilienceContextPool.Shared.Return(context);
            state.AfterExecution();
        }

        if (result.Exception is Polly.CircuitBreaker.BrokenCircuitException)
        {
            return (null, null, null);
        }

        if (result.Exception is { } exception)
        {
            if (!IsTransportFailure(exception) || cancellationToken.IsCancellationRequested)
            {
                lease?.Release(LimitSignal.Neutral);

                // The caller's deadline and the attempt timeout can fire in the same instant: the caller's wins.
                cancellationToken.ThrowIfCancellationRequested();
                result.ThrowIfException();
            }

            var failed = Classifier.ClassifyException(exception, attemptTimedOut: exception is TimeoutException);
            lease?.Release(Signal(call, ModelState.SignalOf(failed)));
            return (null, exception, failed);
        }

        var attempt = result.Result!;
        if (attempt.Outcome.Phase != StreamPhase.AfterFirstDelta)
        {
            // A passed-through stream releases its slot when it ends (see Commit).
            lease?.Release(Signal(call, ModelState.SignalOf(attempt.Outcome)));
        }

        return (attempt, null, attempt.Outcome);
    }

    private HttpResponseMessage Refuse(CallContext call, GiveUpReason reason, AttemptResult? previous, Exception? previousFailure)
    {
        if (previous is not null)
        {
            return Finish(call, previous, null, reason);
        }

        if (previousFailure is not null)
        {
            return Finish(call, null, previousFailure, reason);
        }

        // Nothing was sent: answer in the API's own shape, so every client already understands it.
        var message = reason switch
        {
            GiveUpReason.Breaker => $"Breakwater did not send this call: the circuit breaker for {Display(call.Model)} is open after repeated overloads.",
            GiveUpReason.Throttled => $"Breakwater did not send this call: {Display(call.Model)} is rejecting most calls, so this client is shedding load locally.",
            GiveUpReason.Queue => $"Breakwater did not send this call: no concurrency slot for {Display(call.Model)} became free before the deadline.",
            _ => "Breakwater did not send this call: the deadline would pass before the rate-limit pacing allowed it.",
        };
        var response = new HttpResponseMessage((System.Net.HttpStatusCode)529)
        {
            Content = new ByteArrayContent(SsePassThroughStream.ErrorJson("overloaded_error", message, null)),
            RequestMessage = call.Original,
        };
        response.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        if (reason == GiveUpReason.Breaker)
        {
            response.Headers.TryAddWithoutValidation(AnthropicHeaders.RetryAfter,
                ((int)Math.Ceiling(_options.CircuitBreaker.BreakDuration.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return Finish(call, new AttemptResult(response, new Outcome { Kind = FailureKind.Overloaded, StatusCode = 529, Message = message }), null, reason);
    }

    private void RecordRefusal(CallContext call, GiveUpReason reason)
    {
        BreakwaterMetrics.GiveUps.Add(1, Tag("client", _client.Name), Tag("model", call.Model), Tag("reason", GiveUpReasons.ToWire(reason)));
        Log.GaveUp(_logger, Display(call.Model), call.Attempts, GiveUpReasons.ToWire(reason), "refused locally", call.RequestIds.Count == 0 ? "-" : string.Join(",", call.RequestIds));
        Record(new AttemptRecord
        {
            Timestamp = _time.GetUtcNow(),
            Client = _client.Name,
            Model = call.Model,
            Attempt = call.Attempts,
            Kind = call.LastOutcome?.Kind ?? FailureKind.Overloaded,
            Decision = AttemptDecision.GaveUp,
            GiveUp = reason,
            Message = "refused locally (" + GiveUpReasons.ToWire(reason) + ")",
        });
    }

    private static HttpResponseMessage Finish(CallContext call, AttemptResult? attempt, Exception? failure, GiveUpReason overrideReason)
    {
        var reason = overrideReason != GiveUpReason.None
            ? overrideReason
            : call.LastDecision.GiveUp == GiveUpReason.None ? GiveUpReason.NotRetryable : call.LastDecision.GiveUp;
        if (attempt is null)
        {
            var outcome = call.LastOutcome!;
            throw new BreakwaterException(
                $"Breakwater gave up on {Display(call.Model)} after {call.Attempts} attempt(s) ({GiveUpReasons.ToWire(reason)}): {outcome.Message}",
                failure,
                outcome.Kind,
                reason,
                call.Attempts,
                call.RequestIds.ToArray());
        }

        var response = attempt.Response;
        response.RequestMessage = call.Original;
        var headers = response.Headers;
        headers.TryAddWithoutValidation(BreakwaterHeaders.Attempts, call.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (call.RequestIds.Count > 0)
        {
            headers.TryAddWithoutValidation(BreakwaterHeaders.RequestIds, string.Join(",", call.RequestIds));
        }

        if (call.Model.Length > 0)
        {
            headers.TryAddWithoutValidation(BreakwaterHeaders.Model, call.Model);
            if (call.Model != call.RequestedModel)
            {
                headers.TryAddWithoutValidation(BreakwaterHeaders.FallbackFrom, call.RequestedModel);
            }
        }

        if (!attempt.Outcome.IsSuccess || overrideReason != GiveUpReason.None)
        {
            headers.TryAddWithoutValidation(BreakwaterHeaders.GiveUp, GiveUpReasons.ToWire(reason));
            ResponseGiveUp.Set(response, reason);
        }

        return response;
    }

    /// <summary>
    /// One attempt, as the breaker's outcome: a transport failure (not the caller's cancellation) is an outcome, not a
    /// throw. One async method rather than a lambda awaiting another: one state machine per attempt instead of two.
    /// </summary>
    private async ValueTask<Polly.Outcome<AttemptResult>> AttemptAsync(
        CallContext call,
        Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> send,
        CancellationToken cancellationToken)
    {
        try
        {
            call.Attempts++;
            var started = _time.GetTimestamp();
            var request = call.Attempts == 1 && CanSendOriginal(call) ? call.Original : BuildRequest(call);

            // The attempt timeout runs on the injected clock, bounded by what is left of the call's deadline.
            var remaining = call.Deadline - _time.GetUtcNow();
            var timeout = remaining < _options.AttemptTimeout ? remaining : _options.AttemptTimeout;
            // One source for both: the caller's cancellation is forwarded into the timeout's source by a registration,
            // which costs one callback node instead of a linked source with a registration on each side.
            using var timeoutSource = new CancellationTokenSource(timeout > TimeSpan.FromMilliseconds(1) ? timeout : TimeSpan.FromMilliseconds(1), _time);
            using var callerLink = cancellationToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), timeoutSource);
            var token = timeoutSource.Token;
            AttemptResult attempt;
            try
            {
                var response = await send(request, token).ConfigureAwait(false);
                var status = (int)response.StatusCode;
                if (status is >= 200 and < 300)
                {
                    var requestId = RetryHints.TryGet(response.Headers, AnthropicHeaders.RequestId, out var rid) ? rid : null;
                    attempt = IsEventStream(response)
                        ? await HoldBackAsync(call, response, requestId, token).ConfigureAwait(false)
                        : new AttemptResult(response, Outcome.Success(status, requestId, RateLimitSnapshot.From(response.Headers)));
                }
                else
                {
                    attempt = await ReadFailureAsync(response, token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException ex) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                request.Dispose();
                throw new TimeoutException($"No answer within the attempt timeout of {timeout.TotalSeconds:0.###} s.", ex);
            }
            catch
            {
                request.Dispose();
                throw;
            }

            BreakwaterMetrics.AttemptDuration.Record(_time.GetElapsedTime(started).TotalSeconds, Tag("client", _client.Name), Tag("model", call.Model));
            return Polly.Outcome.FromResult(attempt);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && IsTransportFailure(ex))
        {
            return Polly.Outcome.FromException<AttemptResult>(ex);
        }
    }

    private async Task<AttemptResult> ReadFailureAsync(HttpResponseMessage response, CancellationToken token)
    {
        var status = (int)response.StatusCode;
        var body = AnthropicError.Empty;
        if (_options.ReadErrorBodies)
        {
            var stream = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
            var buffer = new byte[Math.Min(ErrorBodyParser.MaxBodyPrefix, (int?)response.Content.Headers.ContentLength is { } cl and > 0 ? cl + 1 : 4096)];
            var length = 0;
            var ended = false;
            while (length < ErrorBodyParser.MaxBodyPrefix)
            {
                if (length == buffer.Length)
                {
                    Array.Resize(ref buffer, Math.Min(buffer.Length * 2, ErrorBodyParser.MaxBodyPrefix));
                }

                int n;
                try
                {
                    n = await stream.ReadAsync(buffer.AsMemory(length), token).ConfigureAwait(false);
                }
                catch (IOException)
                {
                    // The error body broke off: keep the status and what arrived.
                    n = 0;
                }

                if (n == 0)
                {
                    ended = true;
                    break;
                }

                length += n;
            }

            body = ErrorBodyParser.Parse(buffer.AsSpan(0, length), truncated: !ended);
            ReplaceContent(response, ended ? new MemoryStream(buffer, 0, length, writable: false) : new PrefixedStream(buffer, length, stream));
        }

        return new AttemptResult(response, Classifier.Classify(status, response.Headers, body, _time.GetUtcNow()));
    }

    private async Task<AttemptResult> HoldBackAsync(CallContext call, HttpResponseMessage response, string? requestId, CancellationToken token)
    {
        var stream = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
        // Names only: the hold-back needs to know which events went by, not their data (an error event's data is
        // read again from the held bytes). Materialising every event as strings was most of a stream's allocations.
        var reader = new SseReader(namesOnly: true);
        var events = new HoldBackEvents();
        var held = ArrayPool<byte>.Shared.Rent(4096);
        var length = 0;
        var rateLimits = RateLimitSnapshot.From(response.Headers);
        while (true)
        {
            if (held.Length - length < 1024)
            {
                var bigger = ArrayPool<byte>.Shared.Rent(held.Length * 2);
                held.AsSpan(0, length).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(held);
                held = bigger;
            }

            int n;
            try
            {
                n = await stream.ReadAsync(held.AsMemory(length), token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException && !token.IsCancellationRequested)
            {
                response.Dispose();
                throw new IOException("The stream failed before its first content delta.", ex);
            }

            if (n == 0)
            {
                ReplaceContent(response, new MemoryStream(held, 0, length, writable: false));
                if (events.SawStop)
                {
                    return new AttemptResult(response, Outcome.Success(200, requestId, rateLimits) with { Phase = StreamPhase.BeforeFirstDelta });
                }

                // Ended with neither a delta nor message_stop: a truncated stream, retryable like a dropped connection.
                return new AttemptResult(response, new Outcome
                {
                    Kind = FailureKind.ConnectionFailure,
                    StatusCode = 200,
                    RequestId = requestId,
                    Phase = StreamPhase.BeforeFirstDelta,
                    RateLimits = rateLimits,
                    Message = "stream ended before its first content delta",
                });
            }

            length += n;
            reader.Feed(held.AsSpan(length - n, n), events);
            switch (events.Decisive)
            {
                case "error":
                    var error = ErrorBodyParser.Parse(FirstErrorData(held.AsSpan(0, length)));
                    ReplaceContent(response, new PrefixedStream(held, length, stream));
                    return new AttemptResult(response, Classifier.ClassifyStreamError(error, requestId, afterFirstDelta: false, rateLimits));
                case "content_block_delta":
                    return Commit(call, response, stream, held, length, requestId, rateLimits);
            }

            if (length >= _options.StreamHoldBackBytes)
            {
                return Commit(call, response, stream, held, length, requestId, rateLimits);
            }
        }
    }

    /// <summary>The data of the first <c>error</c> event in the held bytes, read with a full reader (the rare path).</summary>
    private static string FirstErrorData(ReadOnlySpan<byte> held)
    {
        var events = new List<SseEvent>();
        new SseReader().Feed(held, events);
        foreach (var e in events)
        {
            if (e.Event == "error")
            {
                return e.Data;
            }
        }

        return "";
    }

    private AttemptResult Commit(CallContext call, HttpResponseMessage response, Stream stream, byte[] held, int length, string? requestId, RateLimitSnapshot? rateLimits)
    {
        var model = call.Model;
        var attemptNumber = call.Attempts;
        var lease = call.CurrentLease;
        var pass = new SsePassThroughStream(held, length, stream, response.Content, requestId, end =>
        {
            var overloaded = !end.Completed && end.UpstreamErrorType == Anthropic.AnthropicErrorTypes.Overloaded;
            lease?.Release(end.Completed ? LimitSignal.Success : overloaded ? LimitSignal.Overload : LimitSignal.Neutral);
            if (overloaded)
            {
                _client.Model(model).NoteOverload();
            }

            OnStreamEnd(end, model, attemptNumber, requestId);
        });
        ReplaceContent(response, pass, disposeOld: false);

        // The pass-through copied what was held: the hold-back buffer goes back to the pool. (On the other paths it
        // becomes the response body itself and is left to the GC.)
        ArrayPool<byte>.Shared.Return(held);
        return new AttemptResult(response, Outcome.Success(200, requestId, rateLimits) with { Phase = StreamPhase.AfterFirstDelta });
    }

    private void OnStreamEnd(StreamEnd end, string model, int attempt, string? requestId)
    {
        if (end.Completed || end.CallerAbandoned)
        {
            return;
        }

        var kind = FailureKind.StreamInterrupted;
        BreakwaterMetrics.Failures.Add(1, Tag("client", _client.Name), Tag("model", model), Tag("kind", kind.ToString()));
        Log.StreamInterrupted(_logger, model, end.UpstreamErrorType ?? "connection", requestId ?? "-");
        Record(new AttemptRecord
        {
            Timestamp = _time.GetUtcNow(),
            Client = _client.Name,
            Model = model,
            Attempt = attempt,
            StatusCode = 200,
            Kind = kind,
            ErrorType = end.UpstreamErrorType,
            RequestId = requestId,
            Decision = AttemptDecision.Delivered,
            GiveUp = GiveUpReason.NotRetryable,
            Message = end.Failure is null ? "upstream error event after the first delta" : "stream broke after the first delta",
        });
    }

    /// <summary>Runs after every attempt: decide, count, log, journal.</summary>
    /// <summary>A background call's success says nothing about live demand: it does not grow the limit (overloads still shrink it).</summary>
    private static LimitSignal Signal(CallContext call, LimitSignal signal) =>
        call.Background && signal == LimitSignal.Success ? LimitSignal.Neutral : signal;

    private Decision OnAttemptDone(CallContext call, ModelState state, Outcome outcome, string? nextModel)
    {
        var canFallBack = nextModel is not null;
        call.LastOutcome = outcome;
        call.AddRequestId(outcome.RequestId);
        var tags = (client: Tag("client", _client.Name), model: Tag("model", call.Model));
        BreakwaterMetrics.Attempts.Add(1, tags.client, tags.model, Tag("outcome", outcome.IsSuccess ? "success" : outcome.Kind.ToString()), Tag("status", BoxedStatus(outcome.StatusCode ?? 0)));
        if (outcome.IsSuccess)
        {
            call.LastDecision = Decision.Done;
            Log.AttemptSucceeded(_logger, call.Attempts, Display(call.Model), outcome.StatusCode ?? 0, outcome.RequestId ?? "-");
            return Decision.Done;
        }

        Decision decision;
        if (canFallBack && outcome.IsOverloadSignal && (state.IsOpen || ++call.OverloadsOnModel > _options.Fallback.SameModelRetries))
        {
            // Another model has its own capacity pool: move now rather than wait here.
            decision = Decision.Next;
        }
        else
        {
            decision = RetryPolicy.Decide(outcome, _options.Retry, call.Retry, _time.GetUtcNow(), call.Deadline, _options.Budget.Enabled ? _client.Budget : null, _random.NextUnit());
            if (decision.Kind == DecisionKind.Return && canFallBack && outcome.IsOverloadSignal && decision.GiveUp is not GiveUpReason.Deadline and not GiveUpReason.NotRetryable)
            {
                // Out of attempts or budget here; the next model's pool is not the one under strain.
                decision = Decision.Next;
            }
        }

        if (call.Background && decision.Kind != DecisionKind.Return)
        {
            // Deferred work is sent again by its worker, later, instead of adding attempts to a strained pool now.
            decision = Decision.Stop(GiveUpReason.Attempts);
        }

        call.LastDecision = decision;

        BreakwaterMetrics.Failures.Add(1, tags.client, tags.model, Tag("kind", outcome.Kind.ToString()));
        var plan = _options.Retry.For(outcome.Kind, outcome.StatusCode);
        var maxAttempts = (plan?.MaxRetries ?? 0) + 1;
        Log.AttemptFailed(_logger, call.Attempts, maxAttempts, Display(call.Model), outcome.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no response",
            outcome.ErrorType ?? "-", outcome.Kind.ToString(), outcome.RequestId ?? "-", Describe(decision), (long)decision.Delay.TotalMilliseconds);

        switch (decision.Kind)
        {
            case DecisionKind.Retry:
                BreakwaterMetrics.Retries.Add(1, tags.client, tags.model, Tag("kind", outcome.Kind.ToString()));
                break;
            case DecisionKind.Return:
                if (decision.GiveUp == GiveUpReason.Budget)
                {
                    BreakwaterMetrics.BudgetExhausted.Add(1, tags.client);
                }

                BreakwaterMetrics.GiveUps.Add(1, tags.client, tags.model, Tag("reason", GiveUpReasons.ToWire(decision.GiveUp)));
                Log.GaveUp(_logger, Display(call.Model), call.Attempts, GiveUpReasons.ToWire(decision.GiveUp), outcome.Kind.ToString(), call.RequestIds.Count == 0 ? "-" : string.Join(",", call.RequestIds));
                break;
        }

        Record(new AttemptRecord
        {
            Timestamp = _time.GetUtcNow(),
            Client = _client.Name,
            Model = call.Model,
            Attempt = call.Attempts,
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

        return decision;
    }

    private void Record(AttemptRecord record)
    {
        if (_sink is null)
        {
            return;
        }

        try
        {
            _sink.Record(record);
        }
        catch (Exception)
        {
            // A journal must never fail a call.
        }
    }

    private static bool IsTransportFailure(Exception exception) =>
        exception is HttpRequestException or IOException or SocketException or TimeoutException;

    // From the raw value: the typed ContentType would parse the header into objects on every response.
    private static bool IsEventStream(HttpResponseMessage response)
    {
        if (!response.Content.Headers.NonValidated.TryGetValues("Content-Type", out var values))
        {
            return false;
        }

        foreach (var value in values)
        {
            var mediaType = value.AsSpan();
            var semicolon = mediaType.IndexOf(';');
            if (semicolon >= 0)
            {
                mediaType = mediaType[..semicolon];
            }

            return mediaType.Trim().Equals("text/event-stream", StringComparison.OrdinalIgnoreCase);
        }

        return false;
    }

    /// <summary>
    /// Whether the first attempt may go out as the caller's own request instead of a copy: only for a body the gateway
    /// handed over as <see cref="RequestBodyContent"/> (the message was built for the pipeline alone, and a library
    /// caller's request is never sent as is), with the body unchanged and no <c>breakwater-*</c> header to strip. Later
    /// attempts copy it as usual (headers and options stay readable after it was sent).
    /// </summary>
    private static bool CanSendOriginal(CallContext call)
    {
        var original = call.Original;
        if (original.Content is not RequestBodyContent content || !ReferenceEquals(content.Bytes, call.Body.Bytes))
        {
            return false;
        }

        foreach (var header in original.Headers.NonValidated)
        {
            if (header.Key.StartsWith(BreakwaterHeaders.Prefix, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }

    private static HttpRequestMessage BuildRequest(CallContext call)
    {
        var original = call.Original;
        var request = new HttpRequestMessage(original.Method, original.RequestUri)
        {
            Version = original.Version,
            VersionPolicy = original.VersionPolicy,
        };

        foreach (var header in original.Headers.NonValidated)
        {
            if (!header.Key.StartsWith(BreakwaterHeaders.Prefix, StringComparison.OrdinalIgnoreCase))
            {
                AddRaw(request.Headers, header.Key, header.Value);
            }
        }

        IReadOnlyDictionary<string, object?> options = original.Options;
        if (options.Count > 0)
        {
            // Touching request.Options creates its dictionary: only when there is something to copy.
            foreach (var option in options)
            {
                ((IDictionary<string, object?>)request.Options)[option.Key] = option.Value;
            }
        }

        if (original.Content is not null)
        {
            var content = new RequestBodyContent(call.Body.Bytes);
            foreach (var header in original.Content.Headers.NonValidated)
            {
                if (!header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    AddRaw(content.Headers, header.Key, header.Value);
                }
            }

            request.Content = content;
        }

        return request;
    }

    /// <summary>One value goes in as its string: the <c>IEnumerable</c> overload boxes the values and keeps a list per header.</summary>
    private static void AddRaw(System.Net.Http.Headers.HttpHeaders headers, string name, System.Net.Http.Headers.HeaderStringValues values)
    {
        if (values.Count == 1)
        {
            headers.TryAddWithoutValidation(name, values.ToString());
        }
        else
        {
            headers.TryAddWithoutValidation(name, values);
        }
    }

    private static void ReplaceContent(HttpResponseMessage response, Stream body, bool disposeOld = true)
    {
        var old = response.Content;
        var content = new StreamContent(body);
        foreach (var header in old.Headers)
        {
            content.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        response.Content = content;
        if (disposeOld && body is MemoryStream)
        {
            old.Dispose();
        }
    }

    private static string Describe(Decision decision) => decision.Kind switch
    {
        DecisionKind.Retry => "retrying",
        DecisionKind.NextModel => "falling back",
        _ => "giving up (" + GiveUpReasons.ToWire(decision.GiveUp) + ")",
    };

    private static string Display(string model) => model.Length == 0 ? "(no model)" : model;

    private static KeyValuePair<string, object?> Tag(string key, object? value) => new(key, value);

    // A metric tag is an object: box each status code once, not once per attempt.
    private static readonly object[] StatusBoxes = [.. Enumerable.Range(0, 600).Select(i => (object)i)];

    private static object BoxedStatus(int status) => (uint)status < (uint)StatusBoxes.Length ? StatusBoxes[status] : status;
}
