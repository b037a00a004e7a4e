using System.Net.Sockets;
using Breakwater.Anthropic;
using Breakwater.Classification;
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
        var body = request.Content is null
            ? RequestBody.Empty
            : RequestBody.Parse(await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));

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

        if (request.Options.TryGetValue(BreakwaterRequestOptions.IsClientRetry, out var isClientRetry) && isClientRetry)
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

        while (true)
        {
            AttemptResult? attempt = null;
            Exception? failure = null;
            Outcome outcome;
            try
            {
                attempt = await AttemptAsync(call, send, cancellationToken).ConfigureAwait(false);
                outcome = attempt.Outcome;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && IsTransportFailure(ex))
            {
                failure = ex;
                outcome = Classifier.ClassifyException(ex, attemptTimedOut: ex is TimeoutException);
            }

            var decision = OnAttemptDone(call, outcome);
            if (decision.Kind == DecisionKind.Retry)
            {
                attempt?.Dispose();
                await Waits.Delay(_time, decision.Delay, cancellationToken).ConfigureAwait(false);
                continue;
            }

            return Finish(call, attempt, failure);
        }
    }

    private static HttpResponseMessage Finish(CallContext call, AttemptResult? attempt, Exception? failure)
    {
        if (attempt is null)
        {
            var outcome = call.LastOutcome!;
            var reason = call.LastDecision.GiveUp == GiveUpReason.None ? GiveUpReason.NotRetryable : call.LastDecision.GiveUp;
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

        if (!attempt.Outcome.IsSuccess)
        {
            var reason = call.LastDecision.GiveUp == GiveUpReason.None ? GiveUpReason.NotRetryable : call.LastDecision.GiveUp;
            headers.TryAddWithoutValidation(BreakwaterHeaders.GiveUp, GiveUpReasons.ToWire(reason));
        }

        return response;
    }

    private async Task<AttemptResult> AttemptAsync(
        CallContext call,
        Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> send,
        CancellationToken cancellationToken)
    {
        call.Attempts++;
        var started = _time.GetTimestamp();
        var request = BuildRequest(call);

        // The attempt timeout runs on the injected clock, bounded by what is left of the call's deadline.
        var remaining = call.Deadline - _time.GetUtcNow();
        var timeout = remaining < _options.AttemptTimeout ? remaining : _options.AttemptTimeout;
        using var timeoutSource = new CancellationTokenSource(timeout > TimeSpan.FromMilliseconds(1) ? timeout : TimeSpan.FromMilliseconds(1), _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        var token = linked.Token;
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
        return attempt;
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
        var reader = new SseReader();
        var events = new List<SseEvent>(8);
        var held = new byte[4096];
        var length = 0;
        var sawStop = false;
        var rateLimits = RateLimitSnapshot.From(response.Headers);
        while (true)
        {
            if (held.Length - length < 1024)
            {
                Array.Resize(ref held, held.Length * 2);
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
                if (sawStop)
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
            events.Clear();
            reader.Feed(held.AsSpan(length - n, n), events);
            foreach (var e in events)
            {
                switch (e.Event)
                {
                    case "error":
                        var error = ErrorBodyParser.Parse(e.Data);
                        ReplaceContent(response, new PrefixedStream(held, length, stream));
                        return new AttemptResult(response, Classifier.ClassifyStreamError(error, requestId, afterFirstDelta: false, rateLimits));
                    case "content_block_delta":
                        return Commit(call, response, stream, held, length, requestId, rateLimits);
                    case "message_stop":
                        sawStop = true;
                        break;
                }
            }

            if (length >= _options.StreamHoldBackBytes)
            {
                return Commit(call, response, stream, held, length, requestId, rateLimits);
            }
        }
    }

    private AttemptResult Commit(CallContext call, HttpResponseMessage response, Stream stream, byte[] held, int length, string? requestId, RateLimitSnapshot? rateLimits)
    {
        var model = call.Model;
        var attemptNumber = call.Attempts;
        var pass = new SsePassThroughStream(held, length, stream, response.Content, requestId, end => OnStreamEnd(end, model, attemptNumber, requestId));
        ReplaceContent(response, pass, disposeOld: false);
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
    private Decision OnAttemptDone(CallContext call, Outcome outcome)
    {
        call.LastOutcome = outcome;
        call.AddRequestId(outcome.RequestId);
        var tags = (client: Tag("client", _client.Name), model: Tag("model", call.Model));
        BreakwaterMetrics.Attempts.Add(1, tags.client, tags.model, Tag("outcome", outcome.IsSuccess ? "success" : outcome.Kind.ToString()), Tag("status", outcome.StatusCode ?? 0));
        if (outcome.IsSuccess)
        {
            call.LastDecision = Decision.Done;
            Log.AttemptSucceeded(_logger, call.Attempts, Display(call.Model), outcome.StatusCode ?? 0, outcome.RequestId ?? "-");
            return Decision.Done;
        }

        var decision = RetryPolicy.Decide(outcome, _options.Retry, call.Retry, _time.GetUtcNow(), call.Deadline, _options.Budget.Enabled ? _client.Budget : null, _random.NextUnit());
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

    private static bool IsEventStream(HttpResponseMessage response) =>
        response.Content.Headers.ContentType?.MediaType is { } mt && mt.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase);

    private static HttpRequestMessage BuildRequest(CallContext call)
    {
        var original = call.Original;
        var request = new HttpRequestMessage(original.Method, original.RequestUri)
        {
            Version = original.Version,
            VersionPolicy = original.VersionPolicy,
        };

        foreach (var header in original.Headers)
        {
            if (!header.Key.StartsWith(BreakwaterHeaders.Prefix, StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        foreach (var option in original.Options)
        {
            ((IDictionary<string, object?>)request.Options)[option.Key] = option.Value;
        }

        if (original.Content is not null)
        {
            var content = new ByteArrayContent(call.Body.Bytes);
            foreach (var header in original.Content.Headers)
            {
                if (!header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    content.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }
            }

            request.Content = content;
        }

        return request;
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
}
