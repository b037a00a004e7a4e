using System.Net;
using Breakwater.Gateway.Tests.Support;

namespace Breakwater.Gateway.Tests.Features.Health;

public sealed class HealthEndpointsTests
{
    private static Task<GatewayHarness> CreateSut() => GatewayHarness.StartAsync();

    [Fact]
    public async Task GetHealthz_Running_OkWithoutUpstream()
    {
        await using var sut = await CreateSut();

        using var response = await sut.Client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"ok"}""", await response.Content.ReadAsStringAsync());
        Assert.Empty(sut.Upstream.Requests);
    }

    [Fact]
    public async Task GetHealthz_BreakerOpen_StillOkStatusCodeButDegradedWithTheModel()
    {
        await using var sut = await GatewayHarness.StartAsync(o =>
        {
            o.Breakwater.CircuitBreaker.MinimumThroughput = 2;
            o.Breakwater.CircuitBreaker.WhenOpen = Breakwater.Health.BreakerOpenBehavior.FailFast;
            o.Breakwater.Retry.Overloaded.MaxRetries = 0;
        });
        sut.Upstream.Default = FakeUpstream.Overloaded();
        for (var i = 0; i < 2; i++)
        {
            using var request = GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody);
            using var r = await sut.Client.SendAsync(request);
            Assert.Equal(529, (int)r.StatusCode);
        }

        using var response = await sut.Client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("degraded", doc.RootElement.GetProperty("status").GetString());
        var model = Assert.Single(doc.RootElement.GetProperty("models").EnumerateArray());
        Assert.Equal("claude-sonnet-4-5", model.GetProperty("model").GetString());
        Assert.Equal("open", model.GetProperty("breaker").GetString());
        Assert.False(doc.RootElement.TryGetProperty("more", out _));
    }

    [Fact]
    public async Task HeadRoot_Running_OkWithoutUpstream()
    {
        await using var sut = await CreateSut();

        using var request = new HttpRequestMessage(HttpMethod.Head, "/");
        using var response = await sut.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(sut.Upstream.Requests);
    }
}
