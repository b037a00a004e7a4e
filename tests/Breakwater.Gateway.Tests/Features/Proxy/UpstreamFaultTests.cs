using System.Net;
using Breakwater.Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Breakwater.Gateway.Tests.Features.Proxy;

public sealed class UpstreamFaultTests
{
    private static Task<GatewayHarness> CreateSut(Action<GatewayOptions>? configure = null) => GatewayHarness.StartAsync(configure);

    [Fact]
    public async Task Messages_UpstreamRefused_502ApiErrorAfterRetries()
    {
        await using var sut = await CreateSut(o => o.Upstream = ClosedPort.Url());

        using var response = await sut.Client.SendAsync(GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody));

        await ErrorBody.AssertGatewayErrorAsync(response, 502, "api_error");
        Assert.Equal("3", response.Headers.GetValues("breakwater-attempts").Single());
        Assert.Equal("attempts", response.Headers.GetValues("breakwater-giveup").Single());
        Assert.Equal("false", response.Headers.GetValues("x-should-retry").Single());
        await AssertStillServingAsync(sut);
    }

    [Fact]
    public async Task Messages_UpstreamResetsConnection_502ApiError()
    {
        await using var sut = await CreateSut();
        sut.Upstream.Default = FakeUpstream.Reset;

        using var response = await sut.Client.SendAsync(GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody));

        await ErrorBody.AssertGatewayErrorAsync(response, 502, "api_error");
        Assert.Equal("3", response.Headers.GetValues("breakwater-attempts").Single());
        Assert.True(sut.Upstream.Requests.Count >= 3);
        await AssertStillServingAsync(sut);
    }

    [Fact]
    public async Task Messages_UpstreamSilentPastAttemptTimeout_504TimeoutError()
    {
        var release = new TaskCompletionSource();
        await using var sut = await CreateSut(o =>
        {
            o.Breakwater.AttemptTimeout = TimeSpan.FromMilliseconds(200);
            o.Breakwater.Retry.ServerError.MaxRetries = 0;
        });
        sut.Upstream.Default = FakeUpstream.Hang(release);

        using var response = await sut.Client.SendAsync(GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody));

        await ErrorBody.AssertGatewayErrorAsync(response, 504, "timeout_error");
        await sut.Upstream.Aborted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await AssertStillServingAsync(sut);
    }

    [Fact]
    public async Task Messages_UpstreamTruncatesJsonBody_ClientSeesBrokenResponseNotCleanEnd()
    {
        await using var sut = await CreateSut();
        sut.Upstream.Default = async context =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = 1000;
            await context.Response.WriteAsync("""{"id":"msg_01","type":"mes""");
            await context.Response.Body.FlushAsync();
            context.Abort();
        };

        using var response = await sut.Client.SendAsync(GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody), HttpCompletionOption.ResponseHeadersRead);

        await Assert.ThrowsAnyAsync<Exception>(() => response.Content.ReadAsStringAsync());
        await AssertStillServingAsync(sut);
    }

    [Fact]
    public async Task Forward_UpstreamTruncatesStreamedBody_SseGetsErrorEvent()
    {
        await using var sut = await CreateSut();
        sut.Upstream.Default = async context =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/event-stream";
            await FakeUpstream.WriteEventAsync(context, "ping", "{}");
            context.Abort();
        };

        using var response = await sut.Client.GetAsync("/v1/some/stream", HttpCompletionOption.ResponseHeadersRead);
        var body = await StreamingTests.ReadAllTolerantAsync(response);

        Assert.Contains("event: ping", body, StringComparison.Ordinal);
        Assert.Contains("event: error", body, StringComparison.Ordinal);
        Assert.Contains("req_bw_", body, StringComparison.Ordinal);
    }

    private static async Task AssertStillServingAsync(GatewayHarness sut)
    {
        using var health = await sut.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
