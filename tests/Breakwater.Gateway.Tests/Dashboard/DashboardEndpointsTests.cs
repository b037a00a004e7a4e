using System.Net;
using System.Text.Json;
using Breakwater.Gateway.Tests.Support;
using Breakwater.Telemetry.Journal;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Breakwater.Gateway.Tests.Dashboard;

/// <summary>The dashboard page, its assets and the state it polls, against a scripted upstream.</summary>
public sealed class DashboardEndpointsTests
{
    private const string OpusBody = """{"model":"claude-opus-4-6","max_tokens":16,"messages":[{"role":"user","content":"Hi"}]}""";

    private static Task<GatewayHarness> CreateSut(Action<GatewayOptions>? configure = null) => GatewayHarness.StartAsync(configure);

    /// <summary>A 529 whose request_id is unique, so a test can look for the very one it received.</summary>
    internal static Func<HttpContext, Task> OverloadedWithId(string requestId) => FakeUpstream.Json(
        529, $$"""{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"{{requestId}}"}""", ("request-id", requestId));

    internal static async Task<JsonElement> StateAsync(GatewayHarness sut)
    {
        using var response = await sut.Client.GetAsync(new Uri("/breakwater/state", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.Clone();
    }

    [Fact]
    public async Task GetRoot_ServesPageWithStrictPolicyAndOnlyLocalAssets()
    {
        await using var sut = await CreateSut();

        using var page = await sut.Client.GetAsync(new Uri("/", UriKind.Relative));
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("/breakwater/dashboard.js", html, StringComparison.Ordinal);
        Assert.Contains("/breakwater/dashboard.css", html, StringComparison.Ordinal);
        // Nothing the page loads names another host.
        Assert.DoesNotContain("://", html, StringComparison.Ordinal);
        foreach (var (path, type) in new[] { ("/breakwater/dashboard.js", "text/javascript"), ("/breakwater/dashboard.css", "text/css") })
        {
            using var asset = await sut.Client.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
            Assert.Equal(type, asset.Content.Headers.ContentType?.MediaType);
            var text = await asset.Content.ReadAsStringAsync();
            Assert.True(text.Length > 1000, path + " looks empty");
            Assert.DoesNotContain("@import", text, StringComparison.Ordinal);
            Assert.DoesNotContain("url(http", text, StringComparison.Ordinal);
            // The only absolute URL in the script is the SVG namespace, an identifier that is never fetched.
            Assert.Equal(text.Split("://").Length - 1, text.Split("http://www.w3.org/2000/svg").Length - 1);
        }
    }

    [Fact]
    public async Task GetState_NoTraffic_EmptyButComplete()
    {
        await using var sut = await CreateSut();

        var state = await StateAsync(sut);

        Assert.Equal(0, state.GetProperty("models").GetArrayLength());
        Assert.Equal(60, state.GetProperty("series").GetArrayLength());
        Assert.Equal(10, state.GetProperty("bucketSeconds").GetInt32());
        Assert.Equal(0, state.GetProperty("failures").GetArrayLength());
        Assert.Equal("journal", state.GetProperty("episodes").GetProperty("source").GetString());
        Assert.Equal(0, state.GetProperty("episodes").GetProperty("items").GetArrayLength());
        Assert.False(state.GetProperty("status").GetProperty("enabled").GetBoolean());
        Assert.StartsWith("http://127.0.0.1:", state.GetProperty("gateway").GetProperty("upstream").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetState_RepeatedOverloads_OpenBreakerFailuresAndRates()
    {
        await using var sut = await CreateSut(o =>
        {
            o.Breakwater.Retry.Overloaded.MaxRetries = 1;
            o.Breakwater.CircuitBreaker.MinimumThroughput = 4;
        });
        for (var i = 0; i < 6; i++)
        {
            sut.Upstream.Enqueue(OverloadedWithId($"req_dash_{i:00}"));
        }

        sut.Upstream.Default = OverloadedWithId("req_dash_default");
        var received = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            using var request = GatewayHarness.Post("/v1/messages", OpusBody);
            using var response = await sut.Client.SendAsync(request);
            received.AddRange(response.Headers.TryGetValues("request-id", out var ids) ? ids : []);
        }

        var state = await StateAsync(sut);

        var model = Assert.Single(state.GetProperty("models").EnumerateArray());
        Assert.Equal("claude-opus-4-6", model.GetProperty("model").GetString());
        Assert.Equal("open", model.GetProperty("breaker").GetString());
        var failureIds = state.GetProperty("failures").EnumerateArray().Select(f => f.GetProperty("requestId").GetString()).ToList();
        Assert.Contains(received.First(id => id.StartsWith("req_dash_", StringComparison.Ordinal)), failureIds);
        var overloaded = state.GetProperty("series").EnumerateArray().Sum(p => p.GetProperty("overloaded").GetInt32());
        Assert.Equal(sut.Upstream.Requests.Count, overloaded);
        Assert.Equal(4, state.GetProperty("totals").GetProperty("requests").GetInt64());
        Assert.Equal(4, state.GetProperty("totals").GetProperty("failedRequests").GetInt64());
    }

    [Fact]
    public async Task GetState_Fallback_ListedWithBothModels()
    {
        await using var sut = await CreateSut(o =>
        {
            o.Breakwater.Fallback.SameModelRetries = 0;
            o.Breakwater.Fallback.Add("claude-opus-4-6", "claude-sonnet-4-6");
        });
        sut.Upstream.Enqueue(OverloadedWithId("req_fb_opus"));

        using var request = GatewayHarness.Post("/v1/messages", OpusBody);
        using var response = await sut.Client.SendAsync(request);
        var state = await StateAsync(sut);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var fallback = Assert.Single(state.GetProperty("fallbacks").EnumerateArray());
        Assert.Equal("claude-opus-4-6", fallback.GetProperty("from").GetString());
        Assert.Equal("claude-sonnet-4-6", fallback.GetProperty("to").GetString());
        var failure = Assert.Single(state.GetProperty("failures").EnumerateArray());
        Assert.Equal("fellBack", failure.GetProperty("decision").GetString());
        Assert.Equal("req_fb_opus", failure.GetProperty("requestId").GetString());
        var opus = state.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("model").GetString() == "claude-opus-4-6");
        Assert.Equal("claude-sonnet-4-6", Assert.Single(opus.GetProperty("fallsBackTo").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task GetState_AfterFailures_EpisodesFromJournalWithRequestIds()
    {
        await using var sut = await CreateSut(o => o.Breakwater.Retry.Overloaded.MaxRetries = 0);
        sut.Upstream.Enqueue(OverloadedWithId("req_episode_1"));

        using var request = GatewayHarness.Post("/v1/messages", OpusBody);
        using var response = await sut.Client.SendAsync(request);
        await sut.App.Services.GetRequiredService<SqliteIncidentJournal>().FlushAsync();
        var state = await StateAsync(sut);

        var episodes = state.GetProperty("episodes");
        Assert.Equal("journal", episodes.GetProperty("source").GetString());
        var episode = Assert.Single(episodes.GetProperty("items").EnumerateArray());
        Assert.Equal(1, episode.GetProperty("count").GetInt32());
        Assert.Equal(1, episode.GetProperty("gaveUp").GetInt32());
        Assert.Equal(1, episode.GetProperty("byStatus").GetProperty("529").GetInt32());
        Assert.Equal("req_episode_1", Assert.Single(episode.GetProperty("requestIds").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task GetState_JournalOff_EpisodesFromMemory()
    {
        await using var sut = await CreateSut(o =>
        {
            o.Journal.Enabled = false;
            o.Breakwater.Retry.Overloaded.MaxRetries = 0;
        });
        sut.Upstream.Enqueue(OverloadedWithId("req_memory_1"));

        using var request = GatewayHarness.Post("/v1/messages", OpusBody);
        using var response = await sut.Client.SendAsync(request);
        var state = await StateAsync(sut);

        Assert.Null(sut.App.Services.GetService<SqliteIncidentJournal>());
        Assert.False(File.Exists(sut.JournalPath));
        Assert.Equal("memory", state.GetProperty("episodes").GetProperty("source").GetString());
        var episode = Assert.Single(state.GetProperty("episodes").GetProperty("items").EnumerateArray());
        Assert.Equal("req_memory_1", Assert.Single(episode.GetProperty("requestIds").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task GetState_KeysAndBodies_NeverShown()
    {
        const string key = "sk-ant-api03-dashboard-secret-key";
        await using var sut = await CreateSut(o => o.Breakwater.Retry.Overloaded.MaxRetries = 0);
        sut.Upstream.Enqueue(OverloadedWithId("req_secret_1"));

        using var request = GatewayHarness.Post("/v1/messages", OpusBody.Replace("Hi", "secret prompt text", StringComparison.Ordinal), ("x-api-key", key));
        using var response = await sut.Client.SendAsync(request);
        using var state = await sut.Client.GetAsync(new Uri("/breakwater/state", UriKind.Relative));
        var text = await state.Content.ReadAsStringAsync();

        Assert.Contains("req_secret_1", text, StringComparison.Ordinal);
        Assert.DoesNotContain(key, text, StringComparison.Ordinal);
        Assert.DoesNotContain("dashboard-secret", text, StringComparison.Ordinal);
        Assert.DoesNotContain("secret prompt text", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CustomSink_StillReceivesRecords_BesideDashboardAndJournal()
    {
        var sink = new CapturingSink();
        var upstream = await FakeUpstream.StartAsync();
        var journal = Path.Combine(Path.GetTempPath(), "breakwater-gateway-tests", Guid.NewGuid().ToString("N") + ".db");
        try
        {
            await using var app = GatewayApp.CreateBuilder()
                .UseEnvironmentVariables(false)
                .Configure(o =>
                {
                    o.Port = 0;
                    o.Upstream = upstream.Address.ToString();
                    o.StatusPage.Enabled = false;
                    o.Journal.Path = journal;
                    o.Breakwater.Retry.Overloaded.MaxRetries = 0;
                })
                .ConfigureServices(s => s.AddSingleton<Breakwater.Telemetry.IIncidentSink>(sink))
                .Build();
            await app.StartAsync();
            upstream.Enqueue(OverloadedWithId("req_sink_1"));
            using var client = new HttpClient { BaseAddress = GatewayApp.GetAddress(app) };

            using var request = GatewayHarness.Post("/v1/messages", OpusBody);
            using var response = await client.SendAsync(request);
            await app.Services.GetRequiredService<SqliteIncidentJournal>().FlushAsync();

            Assert.Equal("req_sink_1", Assert.Single(sink.Records).RequestId);
            Assert.Equal("req_sink_1", Assert.Single(new JournalReader(journal).ReadSince(DateTimeOffset.MinValue)).RequestId);
            await app.StopAsync();
        }
        finally
        {
            await upstream.DisposeAsync();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                if (File.Exists(journal + suffix))
                {
                    File.Delete(journal + suffix);
                }
            }
        }
    }

    private sealed class CapturingSink : Breakwater.Telemetry.IIncidentSink
    {
        public System.Collections.Concurrent.ConcurrentQueue<Breakwater.Telemetry.AttemptRecord> Records { get; } = new();

        public void Record(Breakwater.Telemetry.AttemptRecord record) => Records.Enqueue(record);
    }
}
