using System.Net;
using Breakwater.Gateway.Features.Auth;
using Breakwater.Gateway.Tests.Support;

namespace Breakwater.Gateway.Tests.Features.Auth;

public sealed class GatewayAuthTests
{
    private const string ClientKey = "sk-ant-client-7f3a9c1e5b2d4f60";
    private const string GatewayKey = "bw-gateway-key-0c8e2a6d4f1b3e57";
    private const string UpstreamKey = "sk-ant-upstream-9d1f3b5a7c2e4f68";

    private static Task<GatewayHarness> CreateSut(bool managed) => GatewayHarness.StartAsync(o =>
    {
        if (managed)
        {
            o.Auth.Mode = GatewayAuthMode.Managed;
            o.Auth.GatewayKeys = ["bw-other-key-1111111111111111", GatewayKey];
            o.Auth.UpstreamApiKey = UpstreamKey;
        }
    });

    [Fact]
    public async Task PassThrough_XApiKey_GoesUpstreamUnchanged()
    {
        await using var sut = await CreateSut(managed: false);

        using var request = GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody, ("x-api-key", ClientKey));
        using var response = await sut.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ClientKey, sut.Upstream.Single().Header("x-api-key"));
    }

    [Fact]
    public async Task PassThrough_AuthorizationBearer_GoesUpstreamUnchanged()
    {
        await using var sut = await CreateSut(managed: false);

        using var request = GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody, ("Authorization", "Bearer " + ClientKey));
        using var response = await sut.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bearer " + ClientKey, sut.Upstream.Single().Header("authorization"));
    }

    [Fact]
    public async Task Managed_GatewayKeyInXApiKey_UpstreamGetsManagedKeyOnly()
    {
        await using var sut = await CreateSut(managed: true);

        using var request = GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody, ("x-api-key", GatewayKey));
        using var response = await sut.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = sut.Upstream.Single();
        Assert.Equal(UpstreamKey, seen.Header("x-api-key"));
        Assert.Null(seen.Header("authorization"));
    }

    [Fact]
    public async Task Managed_GatewayKeyInAuthorizationBearer_Accepted()
    {
        await using var sut = await CreateSut(managed: true);

        using var request = GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody, ("Authorization", "Bearer " + GatewayKey));
        using var response = await sut.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = sut.Upstream.Single();
        Assert.Equal(UpstreamKey, seen.Header("x-api-key"));
        Assert.Null(seen.Header("authorization"));
    }

    [Theory]
    [InlineData("x-api-key", ClientKey)]
    [InlineData("x-api-key", "bw-gateway-key-0c8e2a6d4f1b3e5")]
    [InlineData("Authorization", "Bearer wrong")]
    [InlineData("Authorization", "Basic " + GatewayKey)]
    [InlineData("x-other", GatewayKey)]
    public async Task Managed_WrongOrMissingKey_401AuthenticationError(string header, string value)
    {
        await using var sut = await CreateSut(managed: true);

        using var request = GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody, (header, value));
        using var response = await sut.Client.SendAsync(request);

        await ErrorBody.AssertGatewayErrorAsync(response, 401, "authentication_error");
        Assert.Empty(sut.Upstream.Requests);
    }

    [Fact]
    public async Task Managed_ForwardedRoutes_AlsoNeedTheKey()
    {
        await using var sut = await CreateSut(managed: true);

        using var response = await sut.Client.GetAsync("/v1/models");

        await ErrorBody.AssertGatewayErrorAsync(response, 401, "authentication_error");
        Assert.Empty(sut.Upstream.Requests);
    }

    [Fact]
    public async Task Managed_HealthzAndHeadRoot_NeedNoKey()
    {
        await using var sut = await CreateSut(managed: true);

        using var health = await sut.Client.GetAsync("/healthz");
        using var request = new HttpRequestMessage(HttpMethod.Head, "/");
        using var head = await sut.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Keys_NeverAppearInLogs(bool managed)
    {
        await using var sut = await CreateSut(managed);
        sut.Upstream.Enqueue(FakeUpstream.Overloaded(), FakeUpstream.Json(401, """{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}"""));

        using var aRequest = GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody, ("x-api-key", managed ? GatewayKey : ClientKey));
        using var a = await sut.Client.SendAsync(aRequest);
        using var bRequest = GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody, ("Authorization", "Bearer " + ClientKey));
        using var b = await sut.Client.SendAsync(bRequest);
        using var request = GatewayHarness.Post("/v1/messages", "{not json", ("x-api-key", ClientKey));
        using var c = await sut.Client.SendAsync(request);
        using var d = await sut.Client.GetAsync("/v1/models");

        var logs = sut.AllLogText();
        Assert.NotEmpty(sut.Logs.GetSnapshot());
        Assert.DoesNotContain(ClientKey, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(GatewayKey, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(UpstreamKey, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(ClientKey, await b.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
