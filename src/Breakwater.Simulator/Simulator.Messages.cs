using System.Globalization;
using Breakwater.Anthropic;
using Breakwater.Simulator.Capacity;
using Breakwater.Simulator.Core;

namespace Breakwater.Simulator;

public sealed partial class Simulator
{
    private async Task<SimResponse> MessagesAsync(SimRequest request, CancellationToken ct)
    {
        var capacity = Capacity;
        var scenario = capacity.Scenario;
        var requestId = capacity.NewId("req_");
        var attempt = AttemptOf(request);
        var body = MessageBody.Parse(request.Body, requireMaxTokens: true);

        SimResponse Done(SimResponse response, string? status = null)
        {
            _stats.Record(body.Model, status ?? response.Status.ToString(CultureInfo.InvariantCulture), attempt, request.Body);
            return response;
        }

        if (Authenticate(request, requestId) is { } unauthorized)
        {
            return Done(unauthorized);
        }

        var key = ApiKeyOf(request)!;
        var limitHeaders = capacity.RateLimitHeaders(key);
        if (VersionCheck(request, requestId, limitHeaders) is { } badVersion)
        {
            return Done(badVersion);
        }

        if (request.BodyTooLarge)
        {
            return Done(ErrorResponse(413, AnthropicErrorTypes.RequestTooLarge, "Request exceeds the maximum allowed number of bytes.", requestId, limitHeaders));
        }

        if (body.Problems.Count > 0)
        {
            return Done(ErrorResponse(400, AnthropicErrorTypes.InvalidRequest, string.Join("; ", body.Problems), requestId, limitHeaders));
        }

        var model = scenario.FindModel(body.Model!);
        if (model is null)
        {
            return Done(ErrorResponse(404, AnthropicErrorTypes.NotFound, $"model: {body.Model}", requestId, limitHeaders));
        }

        var inputTokens = InputTokensOf(request.Body);
        var rate = capacity.TryAdmitRate(key, inputTokens);
        if (!rate.Allowed)
        {
            _stats.CountRateLimited();
            var retryAfter = Math.Max(1, (long)Math.Ceiling(rate.RetryAfterSeconds / TimeScale));
            var headers = new List<KeyValuePair<string, string>>(rate.Headers) { new("retry-after", retryAfter.ToString(CultureInfo.InvariantCulture)) };
            return Done(ErrorResponse(429, AnthropicErrorTypes.RateLimit, $"This request would exceed the rate limit for your organization of {LimitOf(rate.Limit, scenario)} {rate.Limit} per minute. Please try again later.", requestId, headers));
        }

        var admission = capacity.Admit(model, new ServiceRequest(key, body.MaxTokens, body.Stream, request.ServiceTimeOverride, request.OutputTokensOverride));
        if (admission.Kind == AdmissionKind.Rejected)
        {
            if (admission.Masked)
            {
                _stats.CountMasked();
                return Done(new SimResponse { Status = 503, ContentType = "text/html", Body = AnthropicWire.MaskedPage() }, "503");
            }

            return Done(Overloaded(requestId, rate.Headers));
        }

        ServiceTicket ticket;
        try
        {
            ticket = await Waits.ForStartAsync(capacity, admission, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (admission.Waiter is { Shed: true } && !ct.IsCancellationRequested)
        {
            // The server-side queue timeout: a 529 at that moment.
            return Done(Overloaded(requestId, rate.Headers));
        }
        catch (OperationCanceledException)
        {
            _stats.Record(body.Model, "cancelled", attempt, request.Body);
            throw;
        }

        var messageId = capacity.NewId("msg_");
        if (body.Stream)
        {
            var stream = StreamResponse(ticket, messageId, body.Model!, inputTokens, body.MaxTokens, requestId, rate.Headers);
            if (ticket.Failure != MidStreamFailure.None)
            {
                _stats.CountMidStreamError();
                return Done(stream, "200+error");
            }

            return Done(stream);
        }

        try
        {
            await Waits.ForAsync(ticket.Released, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The client left; its slot stays busy until the service time ends (the upstream cannot know).
            _stats.Record(body.Model, "cancelled", attempt, request.Body);
            throw;
        }

        var stop = ticket.OutputTokens >= body.MaxTokens ? "max_tokens" : "end_turn";
        var json = JsonResponse(200, AnthropicWire.Message(messageId, body.Model!, AnthropicWire.TextUtf8(ticket.OutputTokens), inputTokens, ticket.OutputTokens, stop));
        json.Headers.Add(new("request-id", requestId));
        json.Headers.AddRange(rate.Headers);
        return Done(json);
    }

    /// <summary>A 529 overloaded_error, with the scenario's <c>retry-after</c> and <c>x-should-retry</c> when it sets them.</summary>
    private SimResponse Overloaded(string requestId, IReadOnlyList<KeyValuePair<string, string>> rateHeaders)
    {
        var scenario = Capacity.Scenario;
        if (scenario.RetryAfter529Seconds is null && scenario.ShouldRetry529 is null)
        {
            return ErrorResponse(529, AnthropicErrorTypes.Overloaded, "Overloaded", requestId, rateHeaders);
        }

        var headers = new List<KeyValuePair<string, string>>(rateHeaders);
        if (scenario.RetryAfter529Seconds is { } seconds)
        {
            headers.Add(new("retry-after", (seconds / TimeScale).ToString("0.###", CultureInfo.InvariantCulture)));
        }

        if (scenario.ShouldRetry529 is { } retry)
        {
            headers.Add(new("x-should-retry", retry ? "true" : "false"));
        }

        return ErrorResponse(529, AnthropicErrorTypes.Overloaded, "Overloaded", requestId, headers);
    }

    private SimResponse StreamResponse(ServiceTicket ticket, string messageId, string model, int inputTokens, int maxTokens, string requestId, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        var steps = new List<(TimeSpan, byte[])>(ticket.DeltaCount + 6)
        {
            (TimeSpan.Zero, AnthropicWire.MessageStart(messageId, model, inputTokens)),
            (TimeSpan.Zero, AnthropicWire.ContentBlockStart()),
            (TimeSpan.Zero, AnthropicWire.Ping()),
        };
        var error = AnthropicErrorWriter.SseEvent(AnthropicErrorTypes.Overloaded, "Overloaded", requestId);
        var failed = false;
        if (ticket.Failure == MidStreamFailure.BeforeFirstDelta)
        {
            steps.Add((ticket.FailureOffset, error));
            failed = true;
        }
        else
        {
            var perDelta = ticket.OutputTokens / ticket.DeltaCount;
            var extra = ticket.OutputTokens % ticket.DeltaCount;
            for (var i = 0; i < ticket.DeltaCount; i++)
            {
                steps.Add((ticket.DeltaOffset(i), AnthropicWire.ContentBlockDelta((i == 0 ? "" : " ") + AnthropicWire.Text(perDelta + (i < extra ? 1 : 0), i * 5))));
                if (ticket.Failure == MidStreamFailure.AfterDeltas && i + 1 == ticket.FailAfterDeltas)
                {
                    steps.Add((ticket.FailureOffset, error));
                    failed = true;
                    break;
                }
            }
        }

        if (!failed)
        {
            var stop = ticket.OutputTokens >= maxTokens ? "max_tokens" : "end_turn";
            steps.Add((ticket.ServiceTime, AnthropicWire.ContentBlockStop()));
            steps.Add((ticket.ServiceTime, AnthropicWire.MessageDelta(stop, ticket.OutputTokens)));
            steps.Add((ticket.ServiceTime, AnthropicWire.MessageStop()));
        }

        var writer = new TimedSseWriter(TimeProvider, steps);
        var response = new SimResponse { Status = 200, ContentType = "text/event-stream; charset=utf-8", Stream = writer.Reader };
        response.Headers.Add(new("request-id", requestId));
        response.Headers.Add(new("cache-control", "no-cache"));
        response.Headers.AddRange(headers);
        writer.Start();
        return response;
    }

    private SimResponse CountTokens(SimRequest request)
    {
        var capacity = Capacity;
        var requestId = capacity.NewId("req_");
        if (Authenticate(request, requestId) is { } unauthorized)
        {
            return unauthorized;
        }

        if (VersionCheck(request, requestId, []) is { } badVersion)
        {
            return badVersion;
        }

        var body = MessageBody.Parse(request.Body, requireMaxTokens: false);
        if (body.Problems.Count > 0)
        {
            return ErrorResponse(400, AnthropicErrorTypes.InvalidRequest, string.Join("; ", body.Problems), requestId);
        }

        if (capacity.Scenario.FindModel(body.Model!) is null)
        {
            return ErrorResponse(404, AnthropicErrorTypes.NotFound, $"model: {body.Model}", requestId);
        }

        var response = JsonResponse(200, AnthropicWire.Json(w => w.WriteNumber("input_tokens", InputTokensOf(request.Body))));
        response.Headers.Add(new("request-id", requestId));
        return response;
    }

    private SimResponse Models(SimRequest request, string? id)
    {
        var capacity = Capacity;
        var requestId = capacity.NewId("req_");
        if (Authenticate(request, requestId) is { } unauthorized)
        {
            return unauthorized;
        }

        if (VersionCheck(request, requestId, []) is { } badVersion)
        {
            return badVersion;
        }

        var models = capacity.Scenario.Models;
        if (id is not null)
        {
            var one = capacity.Scenario.FindModel(id);
            if (one is null)
            {
                return ErrorResponse(404, AnthropicErrorTypes.NotFound, $"model: {id}", requestId);
            }

            models = [one];
        }

        var created = AnthropicWire.Rfc3339(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var body = AnthropicWire.Json(w =>
        {
            void WriteModel(Scenarios.ScenarioModel m)
            {
                w.WriteString("type", "model");
                w.WriteString("id", m.Name);
                w.WriteString("display_name", DisplayName(m));
                w.WriteString("created_at", created);
            }

            if (id is not null)
            {
                WriteModel(models[0]);
                return;
            }

            w.WriteStartArray("data");
            foreach (var m in models)
            {
                w.WriteStartObject();
                WriteModel(m);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteBoolean("has_more", false);
            w.WriteString("first_id", models.Count > 0 ? models[0].Name : null);
            w.WriteString("last_id", models.Count > 0 ? models[^1].Name : null);
        });
        var response = JsonResponse(200, body);
        response.Headers.Add(new("request-id", requestId));
        return response;
    }

    private static string DisplayName(Scenarios.ScenarioModel m)
        => m.Family.Length == 0 ? m.Name : "Claude " + char.ToUpperInvariant(m.Family[0]) + m.Family[1..];

    private static SimResponse? Authenticate(SimRequest request, string requestId)
    {
        var key = ApiKeyOf(request);
        if (key is null)
        {
            return ErrorResponse(401, AnthropicErrorTypes.Authentication, "x-api-key header is required", requestId);
        }

        // A documented way to rehearse a revoked key.
        if (key.StartsWith("sk-ant-invalid", StringComparison.Ordinal))
        {
            return ErrorResponse(401, AnthropicErrorTypes.Authentication, "invalid x-api-key", requestId);
        }

        return null;
    }

    private static SimResponse? VersionCheck(SimRequest request, string requestId, IReadOnlyList<KeyValuePair<string, string>> headers)
        => string.IsNullOrWhiteSpace(request.Header("anthropic-version"))
            ? ErrorResponse(400, AnthropicErrorTypes.InvalidRequest, "anthropic-version: header is required", requestId, headers)
            : null;

    internal static string? ApiKeyOf(SimRequest request)
    {
        var key = request.Header("x-api-key");
        if (!string.IsNullOrWhiteSpace(key))
        {
            return key.Trim();
        }

        var auth = request.Header("authorization");
        if (auth is not null && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && auth.Length > 7 && !string.IsNullOrWhiteSpace(auth[7..]))
        {
            return auth[7..].Trim();
        }

        return null;
    }

    private static int AttemptOf(SimRequest request)
        => int.TryParse(request.Header("x-stainless-retry-count"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var retries) && retries >= 0 && retries < 1000
            ? retries + 1
            : 1;

    private static int InputTokensOf(byte[] body) => Math.Max(1, body.Length / 4);

    private static long LimitOf(string? which, Scenarios.Scenario scenario)
    {
        var limits = scenario.RateLimits ?? Scenarios.ScenarioRateLimits.Unlimited;
        return which switch
        {
            "input tokens" => limits.Itpm,
            "output tokens" => limits.Otpm,
            _ => limits.Rpm,
        };
    }
}
