using System.Net;
using System.Text;
using Breakwater.Gateway.Tests.Support;

namespace Breakwater.Gateway.Tests.Features.Proxy;

public sealed class MessagesProxyTests
{
    private static Task<GatewayHarness> CreateSut(Action<GatewayOptions>? configure = null) => GatewayHarness.StartAsync(configure);

    [Fact]
    public async Task PostMessages_JsonAnswer_PassesStatusHeadersAndBodyThrough()
    {
        await using var sut = await CreateSut();

        using var request = GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody);
        using var response = await sut.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(FakeUpstream.MessageJson, await response.Content.ReadAsStringAsync());
        Assert.Equal("req_up_200", response.Headers.GetValues("request-id").Single());
        Assert.Equal("1", response.Headers.GetValues("breakwater-attempts").Single());
        var seen = sut.Upstream.Single();
        Assert.Equal("POST", seen.Method);
        Assert.Equal("/v1/messages", seen.Path);
        Assert.Equal(GatewayHarness.MessagesBody, FakeUpstream.Utf8(seen.Body));
    }

    [Fact]
    public async Task PostMessages_QueryString_IsKept()
    {
        await using var sut = await CreateSut();

        using var request = GatewayHarness.Post("/v1/messages?beta=true", GatewayHarness.MessagesBody);
        using var response = await sut.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("?beta=true", sut.Upstream.Single().Query);
    }

    [Fact]
    public async Task PostMessages_Headers_AnthropicAndStainlessKeptHopByHopDropped()
    {
        await using var sut = await CreateSut();
        using var request = GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody,
            ("anthropic-version", "2023-06-01"),
            ("anthropic-beta", "prompt-caching-2024-07-31"),
            ("x-stainless-os", "Linux"),
            ("x-stainless-retry-count", "0"),
            ("x-api-key", "sk-ant-test-passthrough"),
            ("Connection", "x-custom-hop"),
            ("x-custom-hop", "connection-scoped"),
            ("Keep-Alive", "timeout=5"),
            ("Proxy-Authorization", "Basic c2VjcmV0"),
            ("breakwater-fallback", "deny"));
        request.Headers.Host = "evil.example";

        using var response = await sut.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = sut.Upstream.Single();
        Assert.Equal("2023-06-01", seen.Header("anthropic-version"));
        Assert.Equal("prompt-caching-2024-07-31", seen.Header("anthropic-beta"));
        Assert.Equal("Linux", seen.Header("x-stainless-os"));
        Assert.Equal("sk-ant-test-passthrough", seen.Header("x-api-key"));
        Assert.Equal("application/json; charset=utf-8", seen.Header("content-type"));
        Assert.Null(seen.Header("x-custom-hop"));
        Assert.Null(seen.Header("keep-alive"));
        Assert.Null(seen.Header("proxy-authorization"));
        Assert.Null(seen.Header("breakwater-fallback"));
        Assert.Equal(sut.Upstream.Address.Authority, seen.Header("host"));
    }

    [Fact]
    public async Task PostCountTokens_GoesThroughPipeline()
    {
        await using var sut = await CreateSut();
        sut.Upstream.Default = FakeUpstream.Json(200, """{"input_tokens":12}""");

        using var request = GatewayHarness.Post("/v1/messages/count_tokens", GatewayHarness.MessagesBody);
        using var response = await sut.Client.SendAsync(request);

        Assert.Equal("""{"input_tokens":12}""", await response.Content.ReadAsStringAsync());
        Assert.Equal("1", response.Headers.GetValues("breakwater-attempts").Single());
        Assert.Equal("/v1/messages/count_tokens", sut.Upstream.Single().Path);
    }

    [Fact]
    public async Task PostMessages_OverloadThenSuccess_RetriedInvisibly()
    {
        await using var sut = await CreateSut();
        sut.Upstream.Enqueue(FakeUpstream.Overloaded());

        using var request = GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody);
        using var response = await sut.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(FakeUpstream.MessageJson, await response.Content.ReadAsStringAsync());
        Assert.Equal("2", response.Headers.GetValues("breakwater-attempts").Single());
        Assert.Equal("req_up_529,req_up_200", response.Headers.GetValues("breakwater-request-ids").Single());
        Assert.Equal(2, sut.Upstream.Requests.Count);
        Assert.All(sut.Upstream.Requests, r => Assert.Equal(GatewayHarness.MessagesBody, FakeUpstream.Utf8(r.Body)));
    }

    [Fact]
    public async Task PostMessages_AcceptEncoding_NotSentUpstreamSoThePipelineReadsPlainBytes()
    {
        await using var sut = await CreateSut();

        using var request = GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody, ("Accept-Encoding", "gzip"));
        using var response = await sut.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(sut.Upstream.Single().Header("accept-encoding"));
    }

    [Fact]
    public async Task PostMessages_MalformedJson_400InvalidRequestWithoutUpstream()
    {
        await using var sut = await CreateSut();

        using var request = GatewayHarness.Post("/v1/messages", """{"model":"claude-sonnet-4-5", "messages": [}""");
        using var response = await sut.Client.SendAsync(request);

        await ErrorBody.AssertGatewayErrorAsync(response, 400, "invalid_request_error");
        Assert.Empty(sut.Upstream.Requests);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[1,2,3]")]
    [InlineData("\"just a string\"")]
    [InlineData("{\"a\":1} trailing")]
    public async Task PostMessages_NotAJsonObject_400InvalidRequest(string body)
    {
        await using var sut = await CreateSut();

        using var request = GatewayHarness.Post("/v1/messages", body);
        using var response = await sut.Client.SendAsync(request);

        await ErrorBody.AssertGatewayErrorAsync(response, 400, "invalid_request_error");
        Assert.Empty(sut.Upstream.Requests);
    }

    [Fact]
    public async Task PostMessages_BodyOver32MB_413RequestTooLarge()
    {
        await using var sut = await CreateSut();
        var body = new byte[GatewayOptions.DefaultMaxBodyBytes + 1];
        Array.Fill(body, (byte)' ');
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages") { Content = new ByteArrayContent(body) };

        using var response = await sut.Client.SendAsync(request);

        await ErrorBody.AssertGatewayErrorAsync(response, 413, "request_too_large");
        Assert.Empty(sut.Upstream.Requests);
    }

    [Fact]
    public async Task PostMessages_ChunkedBodyOverLimit_413RequestTooLarge()
    {
        await using var sut = await CreateSut(o => o.MaxBodyBytes = 64 * 1024);
        var body = "{\"pad\":\"" + new string('x', 100 * 1024) + "\"}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages") { Content = new ChunkedContent(Encoding.UTF8.GetBytes(body)) };

        using var response = await sut.Client.SendAsync(request);

        await ErrorBody.AssertGatewayErrorAsync(response, 413, "request_too_large");
        Assert.Empty(sut.Upstream.Requests);
    }

    [Fact]
    public async Task PostMessages_BodyAt32MBLimit_Accepted()
    {
        await using var sut = await CreateSut();
        var prefix = "{\"model\":\"claude-sonnet-4-5\",\"pad\":\""u8.ToArray();
        var body = new byte[GatewayOptions.DefaultMaxBodyBytes];
        Array.Fill(body, (byte)'x');
        prefix.CopyTo(body, 0);
        body[^2] = (byte)'"';
        body[^1] = (byte)'}';
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages") { Content = new ByteArrayContent(body) };

        using var response = await sut.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body.Length, sut.Upstream.Single().Body.Length);
    }

    [Theory]
    [InlineData("GET", "/nope")]
    [InlineData("POST", "/messages")]
    [InlineData("GET", "/favicon.ico")]
    public async Task UnknownNonV1Route_404NotFoundError(string method, string path)
    {
        await using var sut = await CreateSut();

        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        using var response = await sut.Client.SendAsync(request);

        await ErrorBody.AssertGatewayErrorAsync(response, 404, "not_found_error");
        Assert.Empty(sut.Upstream.Requests);
    }

    /// <summary>Content without a length, so it goes out chunked.</summary>
    private sealed class ChunkedContent(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
