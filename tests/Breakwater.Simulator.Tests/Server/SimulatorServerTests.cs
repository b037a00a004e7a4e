using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Breakwater.Simulator.Tests.Server;

public class SimulatorServerTests
{
    private static async Task<(Simulator Simulator, SimulatorServer Server, HttpClient Client)> CreateSutAsync()
    {
        // Scenario time runs 100× faster: a 1 s service time takes 10 ms of wall clock.
        var simulator = new Simulator(new SimulatorOptions { Scenario = TestKit.Tiny(slots: 4, serviceSeconds: 1), TimeScale = 100, Seed = 9 });
        SimulatorServer server;
        try
        {
            server = await SimulatorServer.StartAsync(simulator, port: 0);
        }
        catch
        {
            simulator.Dispose();
            throw;
        }

        var client = new HttpClient { BaseAddress = server.Url, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Add("x-api-key", TestKit.Key);
        client.DefaultRequestHeaders.Add("anthropic-version", "2023-06-01");
        return (simulator, server, client);
    }

    private static StringContent Body(bool stream) => new(
        $$"""{"model":"claude-sonnet-4-5","max_tokens":64,"stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hi"}]}""",
        Encoding.UTF8,
        "application/json");

    [Fact]
    public async Task StartAsync_Port0_BindsLoopbackAndServesMessages()
    {
        var (simulator, server, client) = await CreateSutAsync();
        using var ___ = simulator;
        await using var _ = server;
        using var __ = client;

        Assert.Equal("127.0.0.1", server.Url.Host);
        Assert.NotEqual(0, server.Url.Port);
        using var request = Body(stream: false);
        using var response = await client.PostAsync(new Uri("/v1/messages", UriKind.Relative), request);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("message", doc.RootElement.GetProperty("type").GetString());
        Assert.StartsWith("req_", response.Headers.GetValues("request-id").Single(), StringComparison.Ordinal);
        Assert.True(response.Headers.Contains("anthropic-ratelimit-requests-remaining"));
    }

    [Fact]
    public async Task Messages_Stream_ArrivesAsSseOverHttp()
    {
        var (simulator, server, client) = await CreateSutAsync();
        using var ___ = simulator;
        await using var _ = server;
        using var __ = client;

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/messages", UriKind.Relative)) { Content = Body(stream: true) };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var events = TestKit.ParseSse(await response.Content.ReadAsStringAsync());

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("message_start", events[0].Event);
        Assert.Equal("message_stop", events[^1].Event);
    }

    [Fact]
    public async Task ControlEndpoints_ScriptStatsScenarioStatusPageAndHead()
    {
        var (simulator, server, client) = await CreateSutAsync();
        using var ___ = simulator;
        await using var _ = server;
        using var __ = client;

        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri("/", UriKind.Relative)));
        using var script = await client.PostAsync(new Uri("/simulator/script", UriKind.Relative), new StringContent("""[{"status":529}]"""));
        using var request = Body(stream: false);
        using var scripted = await client.PostAsync(new Uri("/v1/messages", UriKind.Relative), request);
        using var retried = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/messages", UriKind.Relative)) { Content = Body(stream: false) };
        retried.Headers.Add("x-stainless-retry-count", "1");
        using var ok = await client.SendAsync(retried);
        using var stats = JsonDocument.Parse(await client.GetStringAsync(new Uri("/simulator/stats", UriKind.Relative)));
        using var switched = await client.PostAsync(new Uri("/simulator/scenario", UriKind.Relative), new StringContent("\"flash-storm\""));
        using var summary = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/v2/summary.json", UriKind.Relative)));

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal(529, (int)scripted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(1, stats.RootElement.GetProperty("byAttempt").GetProperty("1").GetProperty("529").GetInt32());
        Assert.Equal(1, stats.RootElement.GetProperty("byAttempt").GetProperty("2").GetProperty("200").GetInt32());
        Assert.Equal(1, stats.RootElement.GetProperty("repeatedBodies").GetInt32());
        Assert.Equal(HttpStatusCode.OK, switched.StatusCode);
        Assert.Equal("flash-storm", server.Simulator.Scenario.Name);
        Assert.Contains(summary.RootElement.GetProperty("components").EnumerateArray(), c => c.GetProperty("name").GetString() == "Claude API (api.anthropic.com)");
    }

    [Fact]
    public async Task Messages_BearerAuthAndValidationErrors_OverHttp()
    {
        var (simulator, server, client) = await CreateSutAsync();
        using var ___ = simulator;
        await using var _ = server;
        using var __ = client;
        using var bare = new HttpClient { BaseAddress = server.Url };

        using var bearer = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/messages", UriKind.Relative)) { Content = Body(stream: false) };
        bearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestKit.Key);
        bearer.Headers.Add("anthropic-version", "2023-06-01");
        using var bearerResponse = await bare.SendAsync(bearer);
        using var request = Body(stream: false);
        using var noKey = await bare.PostAsync(new Uri("/v1/messages", UriKind.Relative), request);
        using var badJson = await client.PostAsync(new Uri("/v1/messages", UriKind.Relative), new StringContent("{oops"));

        Assert.Equal(HttpStatusCode.OK, bearerResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Contains("authentication_error", await noKey.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(noKey.Headers.Contains("request-id"));
        Assert.Equal(HttpStatusCode.BadRequest, badJson.StatusCode);
    }
}
