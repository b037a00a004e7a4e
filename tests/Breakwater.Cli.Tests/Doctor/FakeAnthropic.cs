using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Breakwater.Cli.Tests.Doctor;

/// <summary>A scripted fake on 127.0.0.1 port 0: canned Statuspage v2 JSON and canned Messages responses.</summary>
internal sealed class FakeAnthropic : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _messageCalls;

    private FakeAnthropic(WebApplication app) => _app = app;

    public string Summary { get; set; } = CliStatusFixtures.Operational;

    public string Incidents { get; set; } = CliStatusFixtures.NoIncidents;

    /// <summary>Answers the n-th (1-based) Messages request.</summary>
    public Func<int, CannedResponse> Messages { get; set; } = _ => CannedResponse.Ok();

    public int MessageCalls => Volatile.Read(ref _messageCalls);

    public int StatusCalls { get; private set; }

    public ConcurrentQueue<(string? ApiKey, string? Version, string Body)> Received { get; } = new();

    public string BaseUrl => _app.Urls.First().TrimEnd('/') + "/";

    public static async Task<FakeAnthropic> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeAnthropic(app);
        app.MapGet("/api/v2/summary.json", () =>
        {
            fake.StatusCalls++;
            return Results.Content(fake.Summary, "application/json");
        });
        app.MapGet("/api/v2/incidents.json", () =>
        {
            fake.StatusCalls++;
            return Results.Content(fake.Incidents, "application/json");
        });
        app.MapPost("/v1/messages", async (HttpContext ctx) =>
        {
            using var reader = new StreamReader(ctx.Request.Body);
            var body = await reader.ReadToEndAsync();
            fake.Received.Enqueue((ctx.Request.Headers["x-api-key"].FirstOrDefault(), ctx.Request.Headers["anthropic-version"].FirstOrDefault(), body));
            var canned = fake.Messages(Interlocked.Increment(ref fake._messageCalls));
            ctx.Response.StatusCode = canned.Status;
            foreach (var (k, v) in canned.Headers)
            {
                ctx.Response.Headers[k] = v;
            }

            ctx.Response.ContentType = canned.ContentType;
            await ctx.Response.WriteAsync(canned.Body);
        });
        await app.StartAsync();
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
