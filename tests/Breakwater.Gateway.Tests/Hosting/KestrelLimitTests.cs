using System.Text;
using Breakwater.Gateway.Tests.Features.Proxy;
using Breakwater.Gateway.Tests.Support;

namespace Breakwater.Gateway.Tests.Hosting;

/// <summary>Requests over the line and header limits, over raw sockets: answered in Anthropic's shape where the app can see them.</summary>
public sealed class KestrelLimitTests
{
    private static string Body(string answer) => answer[(answer.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];

    private static void AssertAnthropicError(string answer, int status)
    {
        Assert.StartsWith($"HTTP/1.1 {status} ", answer[..Math.Min(answer.Length, 300)], StringComparison.Ordinal);
        using var json = System.Text.Json.JsonDocument.Parse(Body(answer));
        Assert.Equal("error", json.RootElement.GetProperty("type").GetString());
        Assert.Equal("invalid_request_error", json.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.StartsWith("req_bw_", json.RootElement.GetProperty("request_id").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UriTooLong_414InAnthropicShape_NothingForwarded()
    {
        await using var sut = await GatewayHarness.StartAsync();

        var answer = await MethodAndPathTests.RawAsync(sut.Address, $"GET /v1/models?q={new string('a', 12 * 1024)} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

        AssertAnthropicError(answer, 414);
        Assert.Empty(sut.Upstream.Requests);
    }

    [Fact]
    public async Task HeadersTooLarge_431InAnthropicShape_NothingForwarded()
    {
        await using var sut = await GatewayHarness.StartAsync();
        var headers = new StringBuilder();
        for (var i = 0; i < 5; i++)
        {
            headers.Append(System.Globalization.CultureInfo.InvariantCulture, $"x-big-{i}: {new string('b', 8 * 1024)}\r\n");
        }

        var answer = await MethodAndPathTests.RawAsync(sut.Address,
            $"POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}Content-Type: application/json\r\nContent-Length: {GatewayHarness.MessagesBody.Length}\r\nConnection: close\r\n\r\n{GatewayHarness.MessagesBody}");

        AssertAnthropicError(answer, 431);
        Assert.Empty(sut.Upstream.Requests);
    }

    [Fact]
    public async Task TooManyHeaderFields_431InAnthropicShape()
    {
        await using var sut = await GatewayHarness.StartAsync();
        var headers = string.Concat(Enumerable.Range(0, 150).Select(i => $"x-h-{i}: v\r\n"));

        var answer = await MethodAndPathTests.RawAsync(sut.Address, $"GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}Connection: close\r\n\r\n");

        AssertAnthropicError(answer, 431);
        Assert.Empty(sut.Upstream.Requests);
    }

    [Fact]
    public async Task UnderTheLimits_Served()
    {
        await using var sut = await GatewayHarness.StartAsync();

        var answer = await MethodAndPathTests.RawAsync(sut.Address, $"GET /v1/models?q={new string('a', 7 * 1024)} HTTP/1.1\r\nHost: 127.0.0.1\r\nx-some: {new string('c', 16 * 1024)}\r\nConnection: close\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 200 ", answer, StringComparison.Ordinal);
        Assert.Single(sut.Upstream.Requests);
    }

    [Theory]
    [InlineData("GARBAGE\r\n\r\n", 400)]
    [InlineData("GET /v1/models HTTP/9.9\r\nHost: x\r\n\r\n", 505)]
    public async Task WhatKestrelAnswersItself_StillAnAnswer_NeverForwarded(string request, int status)
    {
        // Kestrel answers these before any middleware, with an empty body; the gateway cannot shape them (documented).
        await using var sut = await GatewayHarness.StartAsync();

        var answer = await MethodAndPathTests.RawAsync(sut.Address, request);

        Assert.StartsWith($"HTTP/1.1 {status} ", answer, StringComparison.Ordinal);
        Assert.Empty(sut.Upstream.Requests);
    }

    [Fact]
    public async Task PastKestrelsOwnLimit_KestrelsEmpty414_NeverForwarded()
    {
        await using var sut = await GatewayHarness.StartAsync();

        var answer = await MethodAndPathTests.RawAsync(sut.Address, $"GET /v1/models?q={new string('a', 40 * 1024)} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 414 ", answer, StringComparison.Ordinal);
        Assert.Empty(sut.Upstream.Requests);
    }
}
