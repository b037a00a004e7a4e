using System.Net;
using Breakwater.Gateway.Features.Proxy;
using Breakwater.Gateway.Tests.Support;

namespace Breakwater.Gateway.Tests.Features.Proxy;

public sealed class NoRetryStackingTests
{
    private static Task<GatewayHarness> CreateSut(Action<GatewayOptions>? configure = null) => GatewayHarness.StartAsync(configure);

    [Fact]
    public async Task Messages_GivesUpOnOverload_AnswersShouldRetryFalse()
    {
        await using var sut = await CreateSut(o => o.Breakwater.Retry.Overloaded.MaxRetries = 1);
        sut.Upstream.Default = FakeUpstream.Overloaded(("x-should-retry", "true"));

        using var request = GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody);
        using var response = await sut.Client.SendAsync(request);

        Assert.Equal(529, (int)response.StatusCode);
        Assert.Equal("false", response.Headers.GetValues("x-should-retry").Single());
        Assert.Equal("attempts", response.Headers.GetValues("breakwater-giveup").Single());
        Assert.Equal("2", response.Headers.GetValues("breakwater-attempts").Single());
        Assert.Contains("overloaded_error", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(2, sut.Upstream.Requests.Count);
    }

    [Fact]
    public async Task Messages_GivesUpOnProxyHtml503_AnswersShouldRetryFalse()
    {
        await using var sut = await CreateSut();
        sut.Upstream.Default = FakeUpstream.Html503;

        using var request = GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody);
        using var response = await sut.Client.SendAsync(request);

        Assert.Equal(503, (int)response.StatusCode);
        Assert.Equal("false", response.Headers.GetValues("x-should-retry").Single());
        Assert.Contains("<html>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(3, sut.Upstream.Requests.Count);
    }

    [Fact]
    public async Task Messages_RateLimitedWithRetryAfter_KeepsRetryAfterWithoutShouldRetryFalse()
    {
        await using var sut = await CreateSut(o => o.Breakwater.Retry.RateLimited.MaxRetries = 0);
        sut.Upstream.Default = FakeUpstream.Json(429, """{"type":"error","error":{"type":"rate_limit_error","message":"slow down"},"request_id":"req_up_429"}""", ("retry-after", "30"));

        using var request = GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody);
        using var response = await sut.Client.SendAsync(request);

        Assert.Equal(429, (int)response.StatusCode);
        Assert.Equal("30", response.Headers.GetValues("retry-after").Single());
        Assert.False(response.Headers.Contains("x-should-retry"));
    }

    [Fact]
    public async Task Messages_BadRequest_NoShouldRetryHeaderAdded()
    {
        await using var sut = await CreateSut();
        sut.Upstream.Default = FakeUpstream.Json(400, """{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens"},"request_id":"req_up_400"}""");

        using var request = GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody);
        using var response = await sut.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.Contains("x-should-retry"));
        Assert.Single(sut.Upstream.Requests);
    }

    [Theory]
    [InlineData(529, false, "false")]
    [InlineData(500, false, "false")]
    [InlineData(503, false, "false")]
    [InlineData(408, false, "false")]
    [InlineData(409, false, "false")]
    [InlineData(429, false, "false")]
    [InlineData(429, true, null)]
    [InlineData(400, false, null)]
    [InlineData(401, false, null)]
    public void ShouldRetryOverride_GaveUp_FalseExceptForRetryAfter429AndCallerErrors(int status, bool retryAfter, string? expected)
    {
        using var response = new HttpResponseMessage((HttpStatusCode)status);
        response.Headers.TryAddWithoutValidation("breakwater-giveup", "attempts");
        if (retryAfter)
        {
            response.Headers.TryAddWithoutValidation("retry-after", "12");
        }

        Assert.Equal(expected, NoRetryStacking.ShouldRetryOverride(status, response.Headers));
    }

    [Fact]
    public void ShouldRetryOverride_NoGiveUpHeader_LeavesUpstreamAlone()
    {
        using var response = new HttpResponseMessage((HttpStatusCode)529);

        Assert.Null(NoRetryStacking.ShouldRetryOverride(529, response.Headers));
    }
}
