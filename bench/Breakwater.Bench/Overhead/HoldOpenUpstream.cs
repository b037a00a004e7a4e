using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Breakwater.Bench.Overhead;

/// <summary>
/// An upstream whose streams stay open: it sends the head of a stream up to the first delta (so a gateway that holds
/// back until then has released it to the client) and then waits until <see cref="ReleaseAll"/> or the caller goes.
/// </summary>
internal sealed class HoldOpenUpstream : IAsyncDisposable
{
    private static readonly byte[] Head = Encoding.UTF8.GetBytes(Payloads.SseHead);
    private static readonly byte[] Tail = Encoding.UTF8.GetBytes(Payloads.SseResponse[Payloads.SseHead.Length..]);

    private readonly WebApplication _app;
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _open;

    private HoldOpenUpstream(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    /// <summary>Streams this upstream is holding open right now.</summary>
    public int Open => Volatile.Read(ref _open);

    public static async Task<HoldOpenUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(System.Net.IPAddress.Loopback, 0);
            k.Limits.MaxConcurrentConnections = null;
        });
        var app = builder.Build();
        var upstream = new HoldOpenUpstream(app);
        app.Run(upstream.HandleAsync);
        await app.StartAsync();
        upstream.Address = new Uri(app.Urls.First() + "/");
        return upstream;
    }

    public void ReleaseAll() => _release.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        ReleaseAll();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers["request-id"] = "req_bench_hold";
        await context.Response.Body.WriteAsync(Head, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        Interlocked.Increment(ref _open);
        try
        {
            await _release.Task.WaitAsync(context.RequestAborted);
            await context.Response.Body.WriteAsync(Tail, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The proxy let go: nothing to finish.
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }
}
