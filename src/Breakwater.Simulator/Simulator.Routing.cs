using System.Text;
using System.Text.Json;
using Breakwater.Anthropic;
using Breakwater.Simulator.Core;
using Breakwater.Simulator.Scenarios;
using Breakwater.Simulator.Scripting;
using Breakwater.Simulator.StatusPage;

namespace Breakwater.Simulator;

public sealed partial class Simulator
{
    internal async Task<SimResponse> HandleAsync(SimRequest request, CancellationToken ct)
    {
        var path = ScriptBook.NormalisePath(request.Path);
        var method = request.Method.ToUpperInvariant();
        if (!path.StartsWith("/simulator/", StringComparison.Ordinal) && _script.TryTake(path) is { } scripted)
        {
            return await ServeScriptedAsync(scripted, request, ct).ConfigureAwait(false);
        }

        switch (method, path)
        {
            case ("HEAD" or "GET", "/"):
                return Text(200, method == "HEAD" ? "" : "Breakwater simulator: an Anthropic-compatible upstream that overloads on cue.\n");
            case ("POST", "/v1/messages"):
                return await MessagesAsync(request, ct).ConfigureAwait(false);
            case ("POST", "/v1/messages/count_tokens"):
                return CountTokens(request);
            case ("GET", "/v1/models"):
                return Models(request, null);
            case ("GET", _) when path.StartsWith("/v1/models/", StringComparison.Ordinal):
                return Models(request, path["/v1/models/".Length..]);
            case ("GET", "/simulator/stats"):
                return JsonResponse(200, _stats.ToJson(Scenario.Name, BackgroundCounts));
            case ("GET", "/simulator/scenario"):
                return JsonResponse(200, Encoding.UTF8.GetBytes(ScenarioCatalog.ToJson(Scenario)));
            case ("POST", "/simulator/scenario"):
                return SwitchScenarioFromBody(request.Body);
            case ("GET", "/simulator/script"):
                return JsonResponse(200, AnthropicWire.Json(w => w.WriteNumber("pending", _script.Count)));
            case ("POST", "/simulator/script"):
                return ScriptFromBody(request.Body);
            case ("DELETE", "/simulator/script"):
                _script.Clear();
                return JsonResponse(200, AnthropicWire.Json(w => w.WriteNumber("pending", 0)));
            case ("GET", "/api/v2/summary.json"):
                return JsonResponse(200, StatusPageFeed.Summary(Scenario, ScenarioStart, ScenarioElapsed.TotalSeconds));
            case ("GET", "/api/v2/status.json"):
                return JsonResponse(200, StatusPageFeed.Status(Scenario, ScenarioStart, ScenarioElapsed.TotalSeconds));
            case ("GET", "/api/v2/incidents.json"):
                return JsonResponse(200, StatusPageFeed.Incidents(Scenario, ScenarioStart, ScenarioElapsed.TotalSeconds, unresolvedOnly: false));
            case ("GET", "/api/v2/incidents/unresolved.json"):
                return JsonResponse(200, StatusPageFeed.Incidents(Scenario, ScenarioStart, ScenarioElapsed.TotalSeconds, unresolvedOnly: true));
            default:
                var id = Capacity.NewId("req_");
                return ErrorResponse(404, "not_found_error", "Not found", id);
        }
    }

    private SimResponse SwitchScenarioFromBody(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body).Trim();
        try
        {
            Scenario scenario;
            if (text.StartsWith('{'))
            {
                scenario = ScenarioCatalog.Parse(text, "(posted)");
            }
            else
            {
                var name = text.StartsWith('"') ? JsonSerializer.Deserialize<string>(text) ?? "" : text;
                scenario = ScenarioCatalog.Get(name);
            }

            SwitchScenario(scenario);
            return JsonResponse(200, AnthropicWire.Json(w =>
            {
                w.WriteString("scenario", scenario.Name);
                w.WriteString("started_at", AnthropicWire.Rfc3339(ScenarioStart));
            }));
        }
        catch (Exception e) when (e is ScenarioException or JsonException)
        {
            return ErrorResponse(400, "invalid_request_error", e.Message, Capacity.NewId("req_"));
        }
    }

    private SimResponse ScriptFromBody(byte[] body)
    {
        try
        {
            var (responses, replace) = ScriptBook.Parse(body);
            if (replace)
            {
                _script.Clear();
            }

            _script.Add(responses);
            return JsonResponse(200, AnthropicWire.Json(w =>
            {
                w.WriteNumber("added", responses.Count);
                w.WriteNumber("pending", _script.Count);
            }));
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            return ErrorResponse(400, "invalid_request_error", "Invalid script: " + e.Message, Capacity.NewId("req_"));
        }
    }

    private static SimResponse Text(int status, string text) => new()
    {
        Status = status,
        ContentType = "text/plain; charset=utf-8",
        Body = Encoding.UTF8.GetBytes(text),
    };

    private static SimResponse JsonResponse(int status, byte[] body) => new()
    {
        Status = status,
        ContentType = "application/json",
        Body = body,
    };

    private static SimResponse ErrorResponse(int status, string type, string message, string? requestId, IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        var response = JsonResponse(status, AnthropicErrorWriter.Json(type, message, requestId));
        if (requestId is not null)
        {
            response.Headers.Add(new("request-id", requestId));
        }

        if (headers is not null)
        {
            response.Headers.AddRange(headers);
        }

        return response;
    }
}
