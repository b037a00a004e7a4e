using System.Net;
using System.Text;
using Breakwater.Gateway.Tests.Support;

namespace Breakwater.Gateway.Tests.Features.Proxy;

/// <summary>Bodies the pipeline routes refuse before anything is sent or remembered: not UTF-8, a key twice, a model that is no model id.</summary>
public sealed class RequestValidationTests
{
    public static TheoryData<string> PipelinePaths => ["/v1/messages", "/v1/messages/count_tokens"];

    private static HttpRequestMessage RawPost(string path, byte[] body) =>
        new(HttpMethod.Post, path) { Content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } } };

    [Theory]
    [MemberData(nameof(PipelinePaths))]
    public async Task InvalidUtf8InModel_400InvalidRequest_NothingSent_NoStackTrace(string path)
    {
        await using var sut = await GatewayHarness.StartAsync();
        var body = Encoding.UTF8.GetBytes("{\"model\":\"claude-").Concat(new byte[] { 0xC3, 0x28, 0xFF }).Concat(Encoding.UTF8.GetBytes("\",\"max_tokens\":1,\"messages\":[]}")).ToArray();

        using var request = RawPost(path, body);
        using var response = await sut.Client.SendAsync(request);

        await ErrorBody.AssertGatewayErrorAsync(response, 400, "invalid_request_error");
        Assert.Empty(sut.Upstream.Requests);
        Assert.DoesNotContain("Exception", sut.AllLogText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidUtf8ElsewhereInTheBody_400()
    {
        await using var sut = await GatewayHarness.StartAsync();
        var body = Encoding.UTF8.GetBytes("{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"").Concat(new byte[] { 0xED, 0xA0, 0x80 }).Concat(Encoding.UTF8.GetBytes("\"}]}")).ToArray();

        using var request = RawPost("/v1/messages", body);
        using var response = await sut.Client.SendAsync(request);

        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("UTF-8", text, StringComparison.Ordinal);
        Assert.Empty(sut.Upstream.Requests);
    }

    [Theory]
    [InlineData("""{"model":"claude-sonnet-4-5","max_tokens":1,"model":"claude-opus-4-1","messages":[]}""", "model")]
    [InlineData("""{"model":"claude-sonnet-4-5","mod\u0065l":"claude-opus-4-1","messages":[]}""", "model")]
    [InlineData("""{"model":"claude-sonnet-4-5","stream":false,"messages":[],"stream":true}""", "stream")]
    public async Task DuplicateTopLevelKey_400InvalidRequest_NothingSent(string body, string key)
    {
        await using var sut = await GatewayHarness.StartAsync();

        using var response = await PostAsync(sut, "/v1/messages", body);

        await ErrorBody.AssertGatewayErrorAsync(response, 400, "invalid_request_error");
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains($"\"{key}\" more than once", json.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(sut.Upstream.Requests);
    }

    [Fact]
    public async Task DuplicateKeyNested_IsNotTopLevel_Forwarded()
    {
        await using var sut = await GatewayHarness.StartAsync();
        var body = """{"model":"claude-sonnet-4-5","max_tokens":1,"messages":[{"role":"user","content":"a"},{"role":"assistant","content":"b"}],"metadata":{"user_id":"u"}}""";

        using var response = await PostAsync(sut, "/v1/messages", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(sut.Upstream.Requests);
    }

    [Theory]
    [InlineData("claude-sonnet-4-5")]
    [InlineData("claude-sonnet-4-5-20250929")]
    [InlineData("claude-3-5-sonnet-latest")]
    [InlineData("claude-sonnet-4-5@20250929")]
    [InlineData("claude-3-5-sonnet-v2@20241022")]
    [InlineData("anthropic.claude-3-5-sonnet-20241022-v2:0")]
    [InlineData("us.anthropic.claude-3-7-sonnet-20250219-v1:0")]
    [InlineData("eu.anthropic.claude-sonnet-4-5-20250929-v1:0")]
    [InlineData("arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-7-sonnet-20250219-v1:0")]
    [InlineData("arn:aws:bedrock:us-west-2:123456789012:application-inference-profile/a1b2c3d4e5f6")]
    [InlineData("claude_custom.model_1")]
    public async Task RealModelIds_Accepted(string model)
    {
        await using var sut = await GatewayHarness.StartAsync();

        using var response = await PostAsync(sut, "/v1/messages", $$"""{"model":"{{model}}","max_tokens":1,"messages":[]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(sut.Upstream.Requests);
    }

    [Theory]
    [InlineData("")]
    [InlineData("claude sonnet")]
    [InlineData("claude\\nsonnet")]
    [InlineData("claude-<script>")]
    [InlineData("caf\\u00e9")]
    [InlineData("model\\u0000")]
    [InlineData("a\\\"b")]
    public async Task MalformedModelNames_400InvalidRequest(string model)
    {
        await using var sut = await GatewayHarness.StartAsync();

        using var response = await PostAsync(sut, "/v1/messages", $$"""{"model":"{{model}}","max_tokens":1,"messages":[]}""");

        await ErrorBody.AssertGatewayErrorAsync(response, 400, "invalid_request_error");
        Assert.Empty(sut.Upstream.Requests);
    }

    [Fact]
    public async Task TenMegabyteModel_400_AndMetricsAndDashboardStayHealthy()
    {
        await using var sut = await GatewayHarness.StartAsync();
        var model = new string('m', 10 * 1024 * 1024);

        using var response = await PostAsync(sut, "/v1/messages/count_tokens", $$"""{"model":"{{model}}","messages":[]}""");
        using var ok = await PostAsync(sut, "/v1/messages", GatewayHarness.MessagesBody);
        using var metrics = await sut.Client.GetAsync("/metrics");
        var metricsText = await metrics.Content.ReadAsStringAsync();
        using var dashboard = await sut.Client.GetAsync("/breakwater/state");

        var text = await response.Content.ReadAsStringAsync();
        await ErrorBody.AssertGatewayErrorAsync(response, 400, "invalid_request_error");
        Assert.True(text.Length < 1024, "the error does not echo the model");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Single(sut.Upstream.Requests);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.DoesNotContain("mmmmmmmm", metricsText, StringComparison.Ordinal);
        Assert.Contains("claude-sonnet-4-5", metricsText, StringComparison.Ordinal);
        Assert.True(metricsText.Length < 200_000);
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.True((await dashboard.Content.ReadAsStringAsync()).Length < 200_000);
    }

    [Fact]
    public async Task ModelLongerThanTheLimit_400_LimitConfigurable()
    {
        await using var sut = await GatewayHarness.StartAsync(o => o.MaxModelNameLength = 20);

        using var tooLong = await PostAsync(sut, "/v1/messages", """{"model":"claude-sonnet-4-5-20250929","messages":[]}""");
        using var fits = await PostAsync(sut, "/v1/messages", """{"model":"claude-sonnet-4-5","messages":[]}""");

        await ErrorBody.AssertGatewayErrorAsync(tooLong, 400, "invalid_request_error");
        Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
        Assert.Single(sut.Upstream.Requests);
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
