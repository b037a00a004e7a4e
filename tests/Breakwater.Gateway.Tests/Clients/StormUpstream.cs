using System.Collections.Concurrent;
using System.Text.Json;
using Breakwater.Simulator;
using Breakwater.Simulator.Scenarios;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Breakwater.Gateway.Tests.Clients;

/// <summary>
/// The simulator (<see cref="Simulator"/>, real time) on 127.0.0.1 port 0 in a flash storm on Opus: the scenario
/// <see cref="Storm"/> takes Opus's capacity to zero for the whole test, so every Opus attempt is answered 529
/// overloaded_error by the simulator's capacity model (its own request_id, rate-limit headers, error body), which outlasts
/// every client's own retries (the SDK's 2; Claude Code's 10, spread over minutes). Sonnet and Haiku are healthy and fast;
/// streams are the simulator's full SSE sequence. A thin recording front in front of the simulator's handler keeps what
/// each attempt was, so tests can count upstream attempts per logical request.
/// </summary>
internal sealed class StormUpstream : IAsyncDisposable
{
    public const string StormModel = "opus";

    private static readonly string[] Skipped = ["host", "content-length", "transfer-encoding", "connection", "keep-alive"];

    private readonly WebApplication _app;
    private readonly Simulator.Simulator _simulator;
    private readonly HttpMessageInvoker _invoker;
    private int _stormAttempts;

    private StormUpstream(WebApplication app, Simulator.Simulator simulator)
    {
        _app = app;
        _simulator = simulator;
        _invoker = new HttpMessageInvoker(simulator.CreateHandler());
    }

    /// <summary>Opus down (capacity 0, no queue) for an hour of real time; Sonnet and Haiku healthy with ~50 ms answers.</summary>
    public static Scenario Storm { get; } = new()
    {
        Name = "client-storm",
        Description = "Opus at capacity 0 for the whole run (a flash storm that outlasts every client's retries); Sonnet and Haiku healthy.",
        RunSeconds = 3600,
        DeadlineSeconds = 120,
        AttemptTimeoutSeconds = 60,
        QueueSeconds = 0,
        RejectionCostMs = 5,
        Models =
        [
            new ScenarioModel { Name = "claude-opus-4-1", Family = "opus", MatchPrefixes = ["claude-opus-"], Slots = 40, ServiceMeanSeconds = 0.05, ServiceSigma = 0, OutputTokensMean = 12 },
            new ScenarioModel { Name = "claude-sonnet-4-5", Family = "sonnet", MatchPrefixes = ["claude-sonnet-"], Slots = 120, ServiceMeanSeconds = 0.05, ServiceSigma = 0, OutputTokensMean = 12 },
            new ScenarioModel { Name = "claude-haiku-4-5", Family = "haiku", MatchPrefixes = ["claude-haiku-", "claude-3-5-haiku"], Slots = 80, ServiceMeanSeconds = 0.05, ServiceSigma = 0, OutputTokensMean = 12 },
        ],
        Incidents = [new ScenarioIncident { Model = "opus", StartSeconds = 0, EndSeconds = 3600, Capacity = 0, Title = "Elevated overloaded errors on Claude Opus" }],
    };

    public Uri Address { get; private set; } = null!;

    /// <summary>Every <c>POST /v1/messages</c> attempt, in arrival order: (model, stream, answered status).</summary>
    public ConcurrentQueue<(string? Model, bool Stream, int Status)> Attempts { get; } = new();

    /// <summary>Every request of any kind (method and path), to show what a client sends.</summary>
    public ConcurrentQueue<string> Seen { get; } = new();

    /// <summary>Opus attempts the simulator answered 529.</summary>
    public int StormAttempts => Volatile.Read(ref _stormAttempts);

    public static async Task<StormUpstream> StartAsync()
    {
        var simulator = new Simulator.Simulator(new SimulatorOptions { Scenario = Storm, Seed = 7 });
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        var app = builder.Build();
        var upstream = new StormUpstream(app, simulator);
        app.Run(upstream.HandleAsync);
        await app.StartAsync();
        upstream.Address = new Uri(app.Urls.First());
        return upstream;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _invoker.Dispose();
        _simulator.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();
        Seen.Enqueue(request.Method + " " + request.Path + request.QueryString);

        var isMessages = HttpMethods.IsPost(request.Method) && request.Path.Value == "/v1/messages";
        var (model, stream) = isMessages ? Describe(body) : (null, false);

        using var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri("http://127.0.0.1" + request.Path + request.QueryString));
        if (body.Length > 0 || HttpMethods.IsPost(request.Method))
        {
            message.Content = new ByteArrayContent(body);
        }

        foreach (var header in request.Headers)
        {
            if (Skipped.Contains(header.Key, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!message.Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string?>)header.Value) && message.Content is not null)
            {
                message.Content.Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string?>)header.Value);
            }
        }

        using var answer = await _invoker.SendAsync(message, context.RequestAborted);
        var status = (int)answer.StatusCode;
        if (isMessages)
        {
            Attempts.Enqueue((model, stream, status));
            if (status == 529)
            {
                Interlocked.Increment(ref _stormAttempts);
            }
        }

        context.Response.StatusCode = status;
        foreach (var header in answer.Headers.Concat(answer.Content.Headers))
        {
            if (!Skipped.Contains(header.Key, StringComparer.OrdinalIgnoreCase))
            {
                context.Response.Headers[header.Key] = header.Value.ToArray();
            }
        }

        context.Features.Get<IHttpResponseBodyFeature>()!.DisableBuffering();
        await using var content = await answer.Content.ReadAsStreamAsync(context.RequestAborted);
        var chunk = new byte[8192];
        int n;
        while ((n = await content.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            await context.Response.Body.WriteAsync(chunk.AsMemory(0, n), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
    }

    private static (string? Model, bool Stream) Describe(byte[] body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var model = json.RootElement.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            var stream = json.RootElement.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
            return (model, stream);
        }
        catch (JsonException)
        {
            return (null, false);
        }
    }
}
