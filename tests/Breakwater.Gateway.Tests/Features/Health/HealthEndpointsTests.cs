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
    public async Task HeadRoot_Running_OkWithoutUpstream()
    {
        await using var sut = await CreateSut();

        using var request = new HttpRequestMessage(HttpMethod.Head, "/");
        using var response = await sut.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(sut.Upstream.Requests);
    }
}
