using System.Collections.Concurrent;
using System.Text.Json;
using Breakwater.Gateway.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Breakwater.Gateway.Tests.Clients;

/// <summary>
/// An Anthropic stand-in on 127.0.0.1 port 0 in a flash storm on one model: every attempt for a model whose name
/// contains <see cref="StormModel"/> is answered 529 overloaded_error (each with its own request_id) for as long as
/// the storm lasts, which outlasts every client's own retries (the SDK's 2; Claude Code's 10, spread over minutes).
/// Other models answer normally, as an SSE stream when the request asks for one.
/// </summary>
internal sealed class StormUpstream : IAsyncDisposable
{
    public const string StormModel = "opus";

    private readonly WebApplication _app;
    private int _stormAttempts;

    private StormUpstream(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    /// <summary>Every <c>POST /v1/messages</c> attempt, in arrival order: (model, stream, answered status).</summary>
    public ConcurrentQueue<(string? Model, bool Stream, int Status)> Attempts { get; } = new();

    /// <summary>Every request of any kind (method and path), to show what a client sends.</summary>
    public ConcurrentQueue<string> Seen { get; } = new();

    public int StormAttempts => Volatile.Read(ref _stormAttempts);

    public static async Task<StormUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        var app = builder.Build();
        var upstream = new StormUpstream(app);
        app.Run(upstream.HandleAsync);
        await app.StartAsync();
        upstream.Address = new Uri(app.Urls.First());
        return upstream;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        Seen.Enqueue(context.Request.Method + " " + context.Request.Path + context.Request.QueryString);
        if (!HttpMethods.IsPost(context.Request.Method) || context.Request.Path.Value is not ("/v1/messages" or "/v1/messages/count_tokens"))
        {
            context.Response.StatusCode = HttpMethods.IsHead(context.Request.Method) ? 200 : 404;
            return;
        }

        string? model = null;
        var stream = false;
        try
        {
            using var json = JsonDocument.Parse(body.ToArray());
            model = json.RootElement.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            stream = json.RootElement.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        }
        catch (JsonException)
        {
            context.Response.StatusCode = 400;
            return;
        }

        if (context.Request.Path.Value == "/v1/messages/count_tokens")
        {
            await FakeUpstream.Json(200, """{"input_tokens":12}""")(context);
            return;
        }

        if (model is not null && model.Contains(StormModel, StringComparison.Ordinal))
        {
            var id = $"req_storm_{Interlocked.Increment(ref _stormAttempts):0000}";
            Attempts.Enqueue((model, stream, 529));
            await FakeUpstream.Json(529, $$"""{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"{{id}}"}""", ("request-id", id))(context);
            return;
        }

        Attempts.Enqueue((model, stream, 200));
        var requestId = "req_ok_" + Guid.NewGuid().ToString("N")[..16];
        var name = JsonSerializer.Serialize(model ?? "claude-sonnet-4-6");
        if (!stream)
        {
            await FakeUpstream.Json(200, """{"id":"msg_01","type":"message","role":"assistant","model":@MODEL@,"content":[{"type":"text","text":"Hello from upstream"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":3,"output_tokens":4}}""".Replace("@MODEL@", name, StringComparison.Ordinal), ("request-id", requestId))(context);
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers["request-id"] = requestId;
        context.Features.Get<IHttpResponseBodyFeature>()!.DisableBuffering();
        await FakeUpstream.WriteEventAsync(context, "message_start", """{"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant","model":@MODEL@,"content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":3,"output_tokens":1}}}""".Replace("@MODEL@", name, StringComparison.Ordinal));
        await FakeUpstream.WriteEventAsync(context, "content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""");
        await FakeUpstream.WriteEventAsync(context, "content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}""");
        await FakeUpstream.WriteEventAsync(context, "content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" world"}}""");
        await FakeUpstream.WriteEventAsync(context, "content_block_stop", """{"type":"content_block_stop","index":0}""");
        await FakeUpstream.WriteEventAsync(context, "message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":2}}""");
        await FakeUpstream.WriteEventAsync(context, "message_stop", """{"type":"message_stop"}""");
    }
}
