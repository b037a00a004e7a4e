using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Breakwater.Gateway.Tests.Support;

/// <summary>
/// A scripted Anthropic stand-in on 127.0.0.1 port 0. Each request is recorded, then answered by the next scripted
/// responder (or <see cref="Default"/> when the script is empty).
/// </summary>
internal sealed class FakeUpstream : IAsyncDisposable
{
    public const string MessageJson = """{"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"text","text":"Hello from upstream"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":3,"output_tokens":4}}""";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Func<HttpContext, Task>> _script = new();
    private int _aborted;

    private FakeUpstream(WebApplication app) => _app = app;

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    /// <summary>Completes when an upstream request is aborted by the caller (the gateway) before the responder finished.</summary>
    public TaskCompletionSource Aborted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the first request has been received (its body read).</summary>
    public TaskCompletionSource Received { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int AbortedCount => Volatile.Read(ref _aborted);

    public Func<HttpContext, Task> Default { get; set; } = Json(200, MessageJson);

    public Uri Address { get; private set; } = null!;

    /// <summary>Starts on 127.0.0.1 port 0; <paramref name="protocols"/> defaults to Kestrel's (HTTP/1.1 without TLS), <c>Http2</c> is h2c.</summary>
    public static async Task<FakeUpstream> StartAsync(HttpProtocols? protocols = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(System.Net.IPAddress.Loopback, 0, l =>
            {
                if (protocols is { } p)
                {
                    l.Protocols = p;
                }
            });
            k.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        var upstream = new FakeUpstream(app);
        app.Run(upstream.HandleAsync);
        await app.StartAsync();
        upstream.Address = new Uri(app.Urls.First());
        return upstream;
    }

    public FakeUpstream Enqueue(params Func<HttpContext, Task>[] responders)
    {
        foreach (var r in responders)
        {
            _script.Enqueue(r);
        }

        return this;
    }

    public static Func<HttpContext, Task> Json(int status, string body, params (string Name, string Value)[] headers) => async context =>
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.Headers["request-id"] = "req_up_" + status;
        foreach (var (name, value) in headers)
        {
            context.Response.Headers[name] = value;
        }

        await context.Response.WriteAsync(body);
    };

    public static Func<HttpContext, Task> Overloaded(params (string Name, string Value)[] headers) =>
        Json(529, """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_up_529"}""", headers);

    public static Func<HttpContext, Task> Html503 => async context =>
    {
        context.Response.StatusCode = 503;
        context.Response.ContentType = "text/html";
        await context.Response.WriteAsync("<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>");
    };

    /// <summary>Closes the connection without any answer.</summary>
    public static Func<HttpContext, Task> Reset => context =>
    {
        context.Abort();
        return Task.CompletedTask;
    };

    /// <summary>A full SSE stream; the events after the first delta wait for <paramref name="release"/> when given.</summary>
    public static Func<HttpContext, Task> Stream(TaskCompletionSource? release = null, bool breakAfterFirstDelta = false, bool reset = true) => async context =>
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers["request-id"] = "req_up_stream";
        context.Features.Get<IHttpResponseBodyFeature>()!.DisableBuffering();
        await WriteEventAsync(context, "message_start", """{"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":3,"output_tokens":1}}}""");
        await WriteEventAsync(context, "content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""");
        await WriteEventAsync(context, "content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}""");
        if (release is not null)
        {
            await release.Task.WaitAsync(context.RequestAborted);
        }

        if (breakAfterFirstDelta)
        {
            // Either a reset connection or a clean end without message_stop: both are truncated streams.
            if (reset)
            {
                context.Abort();
            }

            return;
        }

        await WriteEventAsync(context, "content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" world"}}""");
        await WriteEventAsync(context, "content_block_stop", """{"type":"content_block_stop","index":0}""");
        await WriteEventAsync(context, "message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":2}}""");
        await WriteEventAsync(context, "message_stop", """{"type":"message_stop"}""");
    };

    /// <summary>Answers only when <paramref name="release"/> completes (or the caller goes away).</summary>
    public static Func<HttpContext, Task> Hang(TaskCompletionSource release) => async context =>
    {
        await release.Task.WaitAsync(context.RequestAborted);
        await Json(200, MessageJson)(context);
    };

    public static async Task WriteEventAsync(HttpContext context, string name, string data)
    {
        await context.Response.WriteAsync($"event: {name}\ndata: {data}\n\n");
        await context.Response.Body.FlushAsync();
    }

    public ReceivedRequest Single() => Assert.Single(Requests);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        Requests.Enqueue(new ReceivedRequest(context.Request.Method, context.Request.Path.Value ?? "", context.Request.QueryString.Value ?? "", headers, body.ToArray()));
        Received.TrySetResult();
        var responder = _script.TryDequeue(out var next) ? next : Default;
        try
        {
            await responder(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            Interlocked.Increment(ref _aborted);
            Aborted.TrySetResult();
        }
    }

    public static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
