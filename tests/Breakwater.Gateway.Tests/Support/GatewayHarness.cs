using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Breakwater.Gateway.Tests.Support;

/// <summary>A gateway on 127.0.0.1 port 0 in front of a <see cref="FakeUpstream"/>, with every log line captured.</summary>
internal sealed class GatewayHarness : IAsyncDisposable
{
    private GatewayHarness(FakeUpstream upstream, WebApplication app, FakeLogCollector logs, string journalPath)
    {
        JournalPath = journalPath;
        Upstream = upstream;
        App = app;
        Logs = logs;
        Address = GatewayApp.GetAddress(app);
        Client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public FakeUpstream Upstream { get; }

    public WebApplication App { get; }

    public FakeLogCollector Logs { get; }

    public Uri Address { get; }

    /// <summary>This gateway's own incident journal, in a temp folder (deleted on dispose).</summary>
    public string JournalPath { get; }

    public HttpClient Client { get; }

    /// <summary>
    /// Starts a fake upstream and a gateway in front of it. Retry waits are zero so pipeline retries happen at once
    /// without any clock; tests that need time use the pipeline's own tests.
    /// </summary>
    public static async Task<GatewayHarness> StartAsync(Action<GatewayOptions>? configure = null, TimeProvider? time = null, HttpProtocols? upstreamProtocols = null)
    {
        var upstream = await FakeUpstream.StartAsync(upstreamProtocols);
        var logs = new FakeLogCollector();
        var journalPath = Path.Combine(Path.GetTempPath(), "breakwater-gateway-tests", Guid.NewGuid().ToString("N") + ".db");
        var app = GatewayApp.CreateBuilder()
            .UseTimeProvider(time ?? TimeProvider.System)
            .UseEnvironmentVariables(false)
            .Configure(o =>
            {
                o.Port = 0;
                o.Upstream = upstream.Address.ToString();
                o.ForwardConnectRetryDelay = TimeSpan.Zero;
                // Tests contact only 127.0.0.1 and never write to the home folder.
                o.Journal.Path = journalPath;
                o.StatusPage.Enabled = false;
                foreach (var plan in new[] { o.Breakwater.Retry.Overloaded, o.Breakwater.Retry.RateLimited, o.Breakwater.Retry.ServerError, o.Breakwater.Retry.Conflict })
                {
                    plan.BaseDelay = TimeSpan.Zero;
                    plan.MaxDelay = TimeSpan.Zero;
                }

                configure?.Invoke(o);
            })
            .ConfigureLogging(l =>
            {
                l.ClearProviders();
                l.SetMinimumLevel(LogLevel.Trace);
                l.AddFilter("Microsoft.AspNetCore", LogLevel.Trace);
                l.AddProvider(new FakeLoggerProvider(logs));
            })
            .Build();
        await app.StartAsync();
        return new GatewayHarness(upstream, app, logs, journalPath);
    }

    public static HttpRequestMessage Post(string path, string body, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    public const string MessagesBody = """{"model":"claude-sonnet-4-5","max_tokens":64,"messages":[{"role":"user","content":"Hi"}]}""";

    public const string StreamBody = """{"model":"claude-sonnet-4-5","max_tokens":64,"stream":true,"messages":[{"role":"user","content":"Hi"}]}""";

    public string AllLogText() => string.Join("\n", Logs.GetSnapshot().Select(r => r.Level + " " + r.Category + " " + r.Message + " " + r.Exception));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        await Upstream.DisposeAsync();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            if (File.Exists(JournalPath + suffix))
            {
                File.Delete(JournalPath + suffix);
            }
        }
    }
}
