using System.Text;
using Breakwater.Tests.TestKit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Breakwater.Tests.Integration;

/// <summary>
/// An in-process Kestrel stand-in for the Anthropic API on 127.0.0.1, port 0. Each request is answered by a script
/// (attempt number → response) and recorded with the headers the client sent.
/// </summary>
internal sealed class FakeAnthropicServer : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly List<Seen> _seen = [];
    private readonly WebApplication _app;
    private int _answered;

    private FakeAnthropicServer(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Requests that reached the server, in order.</summary>
    public IReadOnlyList<Seen> Requests
    {
        get
        {
            lock (_lock)
            {
                return _seen.ToArray();
            }
        }
    }

    /// <summary>Requests whose response the script has finished writing.</summary>
    public int Answered => Volatile.Read(ref _answered);

    /// <summary>Waits (bounded, real time) until <paramref name="count"/> responses have been written.</summary>
    public bool WaitForAnswered(int count, int timeoutMs = 10_000) => SpinWait.SpinUntil(() => Answered >= count, timeoutMs);

    public static async Task<FakeAnthropicServer> StartAsync(Func<int, HttpContext, Task> script)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeAnthropicServer(app);
        app.Run(async context =>
        {
            int n;
            lock (server._lock)
            {
                n = server._seen.Count;
                server._seen.Add(new Seen(
                    context.Request.Method,
                    context.Request.Path,
                    context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
            }

            try
            {
                await script(n, context);
            }
            finally
            {
                Interlocked.Increment(ref server._answered);
            }
        });

        await app.StartAsync();
        var address = app.Urls.Single();
        server.BaseUrl = new Uri(address);
        Assert.Equal("127.0.0.1", server.BaseUrl.Host);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public sealed record Seen(string Method, string Path, IReadOnlyDictionary<string, string> Headers)
    {
        public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
    }

    // ---- canned answers -------------------------------------------------------------------------------------

    public static async Task Error(HttpContext context, int status, string type, string requestId, params (string Name, string Value)[] headers)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.Headers["request-id"] = requestId;
        foreach (var (name, value) in headers)
        {
            context.Response.Headers[name] = value;
        }

        await context.Response.WriteAsync(Api.ErrorJson(type, type == "overloaded_error" ? "Overloaded" : "error " + type, requestId));
    }

    public static async Task Message(HttpContext context, string requestId)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        context.Response.Headers["request-id"] = requestId;
        await context.Response.WriteAsync(Api.MessageJson);
    }

    /// <summary>Writes <paramref name="events"/> as an SSE body; with <paramref name="abort"/> the connection is then reset instead of ended.</summary>
    public static async Task Sse(HttpContext context, string requestId, string events, bool abort = false)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream; charset=utf-8";
        context.Response.Headers["request-id"] = requestId;
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(events));
        await context.Response.Body.FlushAsync();
        if (abort)
        {
            context.Abort();
        }
    }

    /// <summary>Resets the connection without any response.</summary>
    public static Task Reset(HttpContext context)
    {
        context.Abort();
        return Task.CompletedTask;
    }
}
