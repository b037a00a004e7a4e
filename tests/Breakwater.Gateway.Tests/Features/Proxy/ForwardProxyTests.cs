using System.Net;
using Breakwater.Gateway.Tests.Support;

namespace Breakwater.Gateway.Tests.Features.Proxy;

public sealed class ForwardProxyTests
{
    private static Task<GatewayHarness> CreateSut(Action<GatewayOptions>? configure = null) => GatewayHarness.StartAsync(configure);

    [Fact]
    public async Task GetModels_Forwarded_WithQueryAndWithoutPipelineHeaders()
    {
        await using var sut = await CreateSut();
        sut.Upstream.Default = FakeUpstream.Json(200, """{"data":[{"id":"claude-sonnet-4-5","type":"model"}],"has_more":false}""");

        using var response = await sut.Client.GetAsync("/v1/models?limit=2");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("claude-sonnet-4-5", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("breakwater-attempts"));
        var seen = sut.Upstream.Single();
        Assert.Equal(("GET", "/v1/models", "?limit=2"), (seen.Method, seen.Path, seen.Query));
    }

    [Fact]
    public async Task PostBatches_Overloaded_NotRetriedAndNotRewritten()
    {
        await using var sut = await CreateSut();
        sut.Upstream.Default = FakeUpstream.Overloaded(("x-should-retry", "true"));

        using var request = GatewayHarness.Post("/v1/messages/batches", """{"requests":[]}""");
        using var response = await sut.Client.SendAsync(request);

        Assert.Equal(529, (int)response.StatusCode);
        Assert.Equal("true", response.Headers.GetValues("x-should-retry").Single());
        Assert.Single(sut.Upstream.Requests);
    }

    [Fact]
    public async Task PostUnparsedBody_ForwardedByteForByte()
    {
        await using var sut = await CreateSut();
        var body = "this is { not json";

        using var request = GatewayHarness.Post("/v1/files", body);
        using var response = await sut.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body, FakeUpstream.Utf8(sut.Upstream.Single().Body));
    }

    [Fact]
    public async Task GetMessagesPath_OtherMethodOnPipelineRoute_Forwarded()
    {
        await using var sut = await CreateSut();

        using var response = await sut.Client.GetAsync("/v1/messages/batches/msgbatch_01");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/v1/messages/batches/msgbatch_01", sut.Upstream.Single().Path);
    }

    [Fact]
    public async Task GetModels_ConnectionResetOnce_IdempotentGetRetried()
    {
        await using var sut = await CreateSut();
        sut.Upstream.Enqueue(FakeUpstream.Reset);

        using var response = await sut.Client.GetAsync("/v1/models");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, sut.Upstream.Requests.Count);
    }

    [Fact]
    public async Task PostBatches_ConnectionReset_NotRetried502()
    {
        await using var sut = await CreateSut();
        sut.Upstream.Default = FakeUpstream.Reset;

        using var request = GatewayHarness.Post("/v1/messages/batches", """{"requests":[]}""");
        using var response = await sut.Client.SendAsync(request);

        await ErrorBody.AssertGatewayErrorAsync(response, 502, "api_error");
        Assert.Single(sut.Upstream.Requests);
    }

    [Fact]
    public async Task GetModels_UpstreamRefused_502AfterIdempotentRetries()
    {
        await using var sut = await CreateSut(o => o.Upstream = ClosedPort.Url());

        using var response = await sut.Client.GetAsync("/v1/models");

        await ErrorBody.AssertGatewayErrorAsync(response, 502, "api_error");
    }

    [Fact]
    public async Task HeadRoot_AnsweredLocally()
    {
        await using var sut = await CreateSut();

        using var request = new HttpRequestMessage(HttpMethod.Head, "/");
        using var response = await sut.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(sut.Upstream.Requests);
    }

    [Fact]
    public async Task Forward_UpstreamHopByHopAndAltSvcResponseHeaders_Dropped()
    {
        await using var sut = await CreateSut();
        sut.Upstream.Default = FakeUpstream.Json(200, "{}", ("alt-svc", "h3=\":443\""), ("x-upstream-kept", "yes"));

        using var response = await sut.Client.GetAsync("/v1/models");

        Assert.False(response.Headers.Contains("alt-svc"));
        Assert.Equal("yes", response.Headers.GetValues("x-upstream-kept").Single());
    }

    [Fact]
    public async Task Upstream_WithPathPrefix_PrefixKept()
    {
        await using var sut = await CreateSut();
        var prefixed = sut.Upstream.Address + "anthropic";
        await using var prefixedSut = await GatewayHarness.StartAsync(o => o.Upstream = prefixed);
        prefixedSut.Upstream.Default = sut.Upstream.Default;

        // The harness points at its own fake; this one at the first fake with a prefix.
        using var response = await prefixedSut.Client.GetAsync("/v1/models");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/anthropic/v1/models", sut.Upstream.Single().Path);
        Assert.Empty(prefixedSut.Upstream.Requests);
    }
}
