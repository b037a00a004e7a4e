using System.Net;
using System.Net.Sockets;
using System.Text;
using Breakwater.Gateway.Features.Auth;
using Breakwater.Gateway.Tests.Support;

namespace Breakwater.Gateway.Tests.Features.Proxy;

/// <summary>Nothing reaches the upstream's Messages endpoints around the pipeline: other methods, other spellings, path parameters.</summary>
public sealed class MethodAndPathTests
{
    public static TheoryData<string, string> OtherMethods()
    {
        var data = new TheoryData<string, string>();
        foreach (var path in new[] { "/v1/messages", "/v1/messages/count_tokens" })
        {
            foreach (var method in new[] { "GET", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "FROB" })
            {
                data.Add(method, path);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(OtherMethods))]
    public async Task OtherMethodOnMessagesPath_405AllowPost_NothingForwarded(string method, string path)
    {
        await using var sut = await GatewayHarness.StartAsync();

        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        using var response = await sut.Client.SendAsync(request);

        await ErrorBody.AssertGatewayErrorAsync(response, 405, "invalid_request_error");
        Assert.Equal(method is "TRACE" ? "GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE" : "POST", string.Join(", ", response.Content.Headers.Allow));
        Assert.Empty(sut.Upstream.Requests);
    }

    [Fact]
    public async Task HeadOnMessages_405_NoBody_NothingForwarded()
    {
        await using var sut = await GatewayHarness.StartAsync();

        using var response = await SendAsync(sut, HttpMethod.Head, "/v1/messages");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("POST", string.Join(", ", response.Content.Headers.Allow));
        Assert.Empty(sut.Upstream.Requests);
    }

    [Theory]
    [InlineData("TRACE", "/v1/models")]
    [InlineData("TRACK", "/v1/files")]
    [InlineData("TRACE", "/v1/messages/batches")]
    public async Task TraceAndTrack_RefusedOnForwardedRoutes(string method, string path)
    {
        await using var sut = await GatewayHarness.StartAsync();

        using var response = await SendAsync(sut, new HttpMethod(method), path);

        await ErrorBody.AssertGatewayErrorAsync(response, 405, "invalid_request_error");
        Assert.Empty(sut.Upstream.Requests);
    }

    [Fact]
    public async Task Managed_Trace_NeverCarriesTheUpstreamKeyAnywhere()
    {
        const string gatewayKey = "bw-gateway-key-0123456789abcdef";
        await using var sut = await GatewayHarness.StartAsync(o =>
        {
            o.Auth.Mode = GatewayAuthMode.Managed;
            o.Auth.GatewayKeys = [gatewayKey];
            o.Auth.UpstreamApiKey = "sk-ant-upstream-secret-key";
        });

        foreach (var path in new[] { "/v1/messages", "/v1/models", "/v1/messages;x" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Trace, path);
            request.Headers.Add("x-api-key", gatewayKey);
            using var response = await sut.Client.SendAsync(request);

            Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
            Assert.DoesNotContain("sk-ant-upstream", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Empty(sut.Upstream.Requests);
    }

    [Fact]
    public async Task Connect_NeverForwarded()
    {
        await using var sut = await GatewayHarness.StartAsync();

        var answer = await RawAsync(sut.Address, "CONNECT /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

        Assert.Matches("^HTTP/1.1 4\\d\\d ", answer);
        Assert.Empty(sut.Upstream.Requests);
    }

    [Theory]
    [InlineData("/V1/Messages", "/v1/messages")]
    [InlineData("/v1/messages/", "/v1/messages")]
    [InlineData("/v1//messages", "/v1/messages")]
    [InlineData("/v1/messages%2F", "/v1/messages")]
    [InlineData("/v1/x%2F..%2Fmessages", "/v1/messages")]
    [InlineData("/v1/MESSAGES/Count_Tokens", "/v1/messages/count_tokens")]
    [InlineData("/v1/messages/count_tokens/", "/v1/messages/count_tokens")]
    public async Task OtherSpellingsOfMessages_GoThroughThePipeline_UpstreamSeesTheExactPath(string path, string upstreamPath)
    {
        await using var sut = await GatewayHarness.StartAsync();
        sut.Upstream.Enqueue(FakeUpstream.Overloaded());

        using var response = await PostAsync(sut, path, GatewayHarness.MessagesBody);

        // The pipeline retried the 529 (a forwarded route never retries) and sent the exact path both times.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("2", response.Headers.GetValues("breakwater-attempts").Single());
        Assert.All(sut.Upstream.Requests, r => Assert.Equal(upstreamPath, r.Path));
        Assert.Equal(2, sut.Upstream.Requests.Count);
    }

    [Fact]
    public async Task OtherSpelling_NotJson_RefusedByTheJsonCheck()
    {
        await using var sut = await GatewayHarness.StartAsync();

        using var response = await PostAsync(sut, "/V1/MESSAGES/", "not json");

        await ErrorBody.AssertGatewayErrorAsync(response, 400, "invalid_request_error");
        Assert.Empty(sut.Upstream.Requests);
    }

    [Theory]
    [InlineData("/v1/messages;x")]
    [InlineData("/v1/messages%3Bx")]
    [InlineData("/v1/messages;jsessionid=1/")]
    [InlineData("/v1/messages/count_tokens;a=b")]
    public async Task PathParametersOnMessages_400_NothingForwarded(string path)
    {
        await using var sut = await GatewayHarness.StartAsync();

        var answer = await RawAsync(sut.Address,
            $"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {GatewayHarness.MessagesBody.Length}\r\nConnection: close\r\n\r\n{GatewayHarness.MessagesBody}");

        Assert.StartsWith("HTTP/1.1 400 ", answer, StringComparison.Ordinal);
        Assert.Contains("\"invalid_request_error\"", answer, StringComparison.Ordinal);
        Assert.Empty(sut.Upstream.Requests);
    }

    [Fact]
    public async Task ParametersOnTheV1Segment_NotAV1Route_404()
    {
        await using var sut = await GatewayHarness.StartAsync();

        var answer = await RawAsync(sut.Address,
            $"POST /v1;x/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {GatewayHarness.MessagesBody.Length}\r\nConnection: close\r\n\r\n{GatewayHarness.MessagesBody}");

        Assert.StartsWith("HTTP/1.1 404 ", answer, StringComparison.Ordinal);
        Assert.Contains("\"not_found_error\"", answer, StringComparison.Ordinal);
        Assert.Empty(sut.Upstream.Requests);
    }

    [Theory]
    [InlineData("GET", "/v1/messages;x")]
    [InlineData("DELETE", "/V1/MESSAGES/")]
    public async Task OtherMethodOnOtherSpelling_405(string method, string path)
    {
        await using var sut = await GatewayHarness.StartAsync();

        var answer = await RawAsync(sut.Address, $"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 405 ", answer, StringComparison.Ordinal);
        Assert.Contains("Allow: POST", answer, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(sut.Upstream.Requests);
    }

    [Theory]
    [InlineData("/v1/messages/batches")]
    [InlineData("/v1/messages/batches/msgbatch_01/results")]
    [InlineData("/v1/models;x")]
    public async Task OtherRoutes_StillForwarded(string path)
    {
        await using var sut = await GatewayHarness.StartAsync();

        using var response = await sut.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(sut.Upstream.Requests);
    }

    internal static async Task<string> RawAsync(Uri address, string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(address.Host, address.Port);
        using var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        return await reader.ReadToEndAsync(timeout.Token);
    }

    private static async Task<HttpResponseMessage> PostAsync(GatewayHarness sut, string path, string body)
    {
        using var request = GatewayHarness.Post(path, body);
        return await sut.Client.SendAsync(request);
    }

    private static async Task<HttpResponseMessage> SendAsync(GatewayHarness sut, HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, path);
        return await sut.Client.SendAsync(request);
    }
}
