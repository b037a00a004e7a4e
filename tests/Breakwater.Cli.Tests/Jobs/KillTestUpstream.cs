using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Breakwater.Cli.Tests.Jobs;

/// <summary>A Messages stand-in on 127.0.0.1 port 0 that overloads, hangs (until its client goes away) or answers, on cue.</summary>
internal sealed class KillTestUpstream : IAsyncDisposable
{
    public const int Overloaded = 0;
    public const int Hang = 1;
    public const int Healthy = 2;

    private readonly WebApplication _app;
    private int _mode;

    private KillTestUpstream(WebApplication app) => _app = app;

    public string BaseUrl => _app.Urls.First().TrimEnd('/') + "/";

    public int Mode
    {
        get => Volatile.Read(ref _mode);
        set => Volatile.Write(ref _mode, value);
    }

    /// <summary>Set when a request arrives in <see cref="Hang"/> mode.</summary>
    public TaskCompletionSource<string> Hung { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Bodies answered with 200.</summary>
    public ConcurrentQueue<string> Answered { get; } = new();

    public static async Task<KillTestUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var upstream = new KillTestUpstream(app);
        app.MapPost("/v1/messages", async (HttpContext ctx) =>
        {
            using var reader = new StreamReader(ctx.Request.Body);
            var body = await reader.ReadToEndAsync();
            switch (upstream.Mode)
            {
                case Hang:
                    upstream.Hung.TrySetResult(body);
                    try
                    {
                        await Task.Delay(Timeout.Infinite, ctx.RequestAborted);
                    }
                    catch (OperationCanceledException)
                    {
                    }

                    return;
                case Healthy:
                    upstream.Answered.Enqueue(body);
                    ctx.Response.ContentType = "application/json";
                    ctx.Response.Headers["request-id"] = "req_ok";
                    await ctx.Response.WriteAsync("""{"id":"msg_ok","type":"message","role":"assistant","content":[{"type":"text","text":"done"}],"stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":1}}""");
                    return;
                default:
                    ctx.Response.StatusCode = 529;
                    ctx.Response.ContentType = "application/json";
                    ctx.Response.Headers["request-id"] = "req_529";
                    await ctx.Response.WriteAsync("""{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""");
                    return;
            }
        });
        await app.StartAsync();
        return upstream;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
