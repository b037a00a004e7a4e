using System.Text;
using Breakwater.Bench.Overhead;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Breakwater.Bench.Hardening;

/// <summary>
/// A loopback upstream for the open-streams and soak runs: a body with <c>"stream":true</c> gets an SSE stream (the head
/// up to the first delta at once, then <see cref="StreamDeltas"/> more deltas <see cref="DeltaInterval"/> apart, or one
/// wait of <see cref="Hold"/>, then the end); anything else gets the fixed Messages JSON at once.
/// </summary>
internal sealed class MixedUpstream : IAsyncDisposable
{
    private static readonly byte[] Head = Encoding.UTF8.GetBytes(Payloads.SseHead);
    private static readonly byte[] Delta = Encoding.UTF8.GetBytes("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\" more\"}}\n\n");
    private static readonly byte[] Tail = Encoding.UTF8.GetBytes(Payloads.SseResponse[Payloads.SseHead.Length..]);
    private static readonly byte[] Json = Encoding.UTF8.GetBytes(Payloads.JsonResponse);
    private static readonly byte[] StreamFlag = "\"stream\":true"u8.ToArray();

    private readonly WebApplication _app;
    private int _open;
    private long _streams;
    private long _calls;

    private MixedUpstream(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    /// <summary>How long a stream waits after its head when <see cref="StreamDeltas"/> is 0.</summary>
    public TimeSpan Hold { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Deltas after the head, <see cref="DeltaInterval"/> apart; 0 for one wait of <see cref="Hold"/>.</summary>
    public int StreamDeltas { get; init; }

    public TimeSpan DeltaInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Streams open right now.</summary>
    public int Open => Volatile.Read(ref _open);

    public long Streams => Interlocked.Read(ref _streams);

    public long Calls => Interlocked.Read(ref _calls);

    public static async Task<MixedUpstream> StartAsync(TimeSpan hold, int streamDeltas, TimeSpan deltaInterval)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(System.Net.IPAddress.Loopback, 0);
            k.Limits.MaxConcurrentConnections = null;
        });
        var app = builder.Build();
        var upstream = new MixedUpstream(app) { Hold = hold, StreamDeltas = streamDeltas, DeltaInterval = deltaInterval };
        app.Run(upstream.HandleAsync);
        await app.StartAsync();
        upstream.Address = new Uri(app.Urls.First() + "/");
        return upstream;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var aborted = context.RequestAborted;
        if (body.GetBuffer().AsSpan(0, (int)body.Length).IndexOf(StreamFlag) < 0)
        {
            Interlocked.Increment(ref _calls);
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = Json.Length;
            context.Response.Headers["request-id"] = "req_bench_json";
            await context.Response.Body.WriteAsync(Json, aborted);
            return;
        }

        Interlocked.Increment(ref _streams);
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers["request-id"] = "req_bench_stream";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        Interlocked.Increment(ref _open);
        try
        {
            await context.Response.Body.WriteAsync(Head, aborted);
            await context.Response.Body.FlushAsync(aborted);
            if (StreamDeltas == 0)
            {
                await Task.Delay(Hold, aborted);
            }

            for (var i = 0; i < StreamDeltas; i++)
            {
                await Task.Delay(DeltaInterval, aborted);
                await context.Response.Body.WriteAsync(Delta, aborted);
                await context.Response.Body.FlushAsync(aborted);
            }

            await context.Response.Body.WriteAsync(Tail, aborted);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The gateway let go: nothing to finish.
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }
}
