using System.Net;
using System.Text.Json;
using Breakwater.Simulator.Scenarios;
using Breakwater.Simulator.Time;

namespace Breakwater.Simulator.Tests;

public class SimulatedUpstreamTests
{
    private static (Simulator Sim, VirtualTimeProvider Clock, HttpMessageInvoker Invoker) CreateSut(Scenario? scenario = null) => TestKit.Virtual(scenario);

    private static HttpResponseMessage Send(VirtualTimeProvider clock, HttpMessageInvoker invoker, HttpRequestMessage request)
        => TestKit.Run(clock, invoker.SendAsync(request, CancellationToken.None));

    [Fact]
    public void Messages_Json_HasTheRealShapeRequestIdAndRateLimitHeaders()
    {
        var (_, clock, invoker) = CreateSut();

        using var request = TestKit.Messages(model: "claude-sonnet-4-5-20250929");
        using var response = Send(clock, invoker, request);
        using var doc = JsonDocument.Parse(TestKit.ReadCompleted(response));
        var root = doc.RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Matches("^req_[0-9A-Za-z]{24}$", TestKit.Header(response, "request-id"));
        Assert.StartsWith("msg_", root.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("message", root.GetProperty("type").GetString());
        Assert.Equal("assistant", root.GetProperty("role").GetString());
        Assert.Equal("claude-sonnet-4-5-20250929", root.GetProperty("model").GetString());
        Assert.Equal("text", root.GetProperty("content")[0].GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("content")[0].GetProperty("text").GetString()));
        Assert.Contains(root.GetProperty("stop_reason").GetString(), new[] { "end_turn", "max_tokens" });
        Assert.Equal(JsonValueKind.Null, root.GetProperty("stop_sequence").ValueKind);
        Assert.True(root.GetProperty("usage").GetProperty("input_tokens").GetInt32() > 0);
        Assert.InRange(root.GetProperty("usage").GetProperty("output_tokens").GetInt32(), 1, 100);
        foreach (var name in new[] { "requests", "tokens", "input-tokens", "output-tokens" })
        {
            Assert.NotNull(TestKit.Header(response, $"anthropic-ratelimit-{name}-limit"));
            Assert.NotNull(TestKit.Header(response, $"anthropic-ratelimit-{name}-remaining"));
            Assert.True(DateTimeOffset.TryParse(TestKit.Header(response, $"anthropic-ratelimit-{name}-reset"), out _));
        }
    }

    [Fact]
    public void Messages_Json_TakesTheServiceTime()
    {
        var (_, clock, invoker) = CreateSut(TestKit.Tiny(serviceSeconds: 10));

        using var request = TestKit.Messages();
        var task = invoker.SendAsync(request, CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(9.9));
        Assert.False(task.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(0.1));

        Assert.True(task.IsCompletedSuccessfully);
    }

    [Fact]
    public void Messages_Stream_SendsTheExactEventSequence()
    {
        var (_, clock, invoker) = CreateSut();

        using var request = TestKit.Messages(stream: true, maxTokens: 4000);
        var task = invoker.SendAsync(request, CancellationToken.None);
        Assert.True(task.IsCompleted, "headers and message_start go out when service starts");
        using var response = TestKit.Done(task);
        var bodyTask = response.Content.ReadAsStringAsync();
        clock.Advance(TimeSpan.FromSeconds(11));
        var events = TestKit.ParseSse(TestKit.Done(bodyTask));

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.NotNull(TestKit.Header(response, "request-id"));
        var names = events.Select(e => e.Event).ToList();
        Assert.Equal(["message_start", "content_block_start", "ping"], names.Take(3));
        Assert.Equal(["content_block_stop", "message_delta", "message_stop"], names.TakeLast(3));
        var deltas = names.Skip(3).SkipLast(3).ToList();
        Assert.NotEmpty(deltas);
        Assert.All(deltas, n => Assert.Equal("content_block_delta", n));

        using var start = JsonDocument.Parse(events[0].Data);
        Assert.Equal("message_start", start.RootElement.GetProperty("type").GetString());
        var message = start.RootElement.GetProperty("message");
        Assert.Equal(TestKit.Sonnet, message.GetProperty("model").GetString());
        Assert.Equal(0, message.GetProperty("content").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, message.GetProperty("stop_reason").ValueKind);
        using var blockStart = JsonDocument.Parse(events[1].Data);
        Assert.Equal("""{"type":"text","text":""}""", blockStart.RootElement.GetProperty("content_block").GetRawText());
        Assert.Equal("""{"type":"ping"}""", events[2].Data);
        using var delta = JsonDocument.Parse(events[3].Data);
        Assert.Equal(0, delta.RootElement.GetProperty("index").GetInt32());
        Assert.Equal("text_delta", delta.RootElement.GetProperty("delta").GetProperty("type").GetString());
        using var messageDelta = JsonDocument.Parse(events[^2].Data);
        Assert.Equal("end_turn", messageDelta.RootElement.GetProperty("delta").GetProperty("stop_reason").GetString());
        Assert.True(messageDelta.RootElement.GetProperty("usage").GetProperty("output_tokens").GetInt32() > 0);
        Assert.Equal("""{"type":"message_stop"}""", events[^1].Data);
    }

    [Fact]
    public void Messages_Stream_DeltasAreSpreadOverTheServiceTime()
    {
        var (_, clock, invoker) = CreateSut(TestKit.Tiny(serviceSeconds: 10));
        using var request = TestKit.Messages(stream: true, maxTokens: 400);
        using var response = TestKit.Done(invoker.SendAsync(request, CancellationToken.None));
        var stream = response.Content.ReadAsStream();
        using var reader = new StreamReader(stream);
        var bodyTask = reader.ReadToEndAsync();

        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.False(bodyTask.IsCompleted, "message_stop only at the end of the service time");
        clock.Advance(TimeSpan.FromSeconds(5));

        Assert.True(bodyTask.IsCompletedSuccessfully);
        Assert.EndsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n", TestKit.Done(bodyTask), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Messages_BothAuthStyles_Accepted(bool bearer)
    {
        var (_, clock, invoker) = CreateSut();

        using var request = TestKit.Messages(bearer: bearer);
        using var response = Send(clock, invoker, request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static TheoryData<string, int, string, string> ValidationCases() => new()
    {
        { "no-key", 401, "authentication_error", "x-api-key" },
        { "invalid-key", 401, "authentication_error", "invalid x-api-key" },
        { "no-version", 400, "invalid_request_error", "anthropic-version" },
        { "not-json", 400, "invalid_request_error", "parsing the body" },
        { "no-max-tokens", 400, "invalid_request_error", "max_tokens: Field required" },
        { "no-messages", 400, "invalid_request_error", "messages: Field required" },
        { "no-model", 400, "invalid_request_error", "model: Field required" },
        { "unknown-model", 404, "not_found_error", "model: claude-nonexistent" },
    };

    [Theory]
    [MemberData(nameof(ValidationCases))]
    public void Messages_InvalidRequest_RealErrorShapeWithRequestId(string @case, int status, string type, string messageFragment)
    {
        var (sim, clock, invoker) = CreateSut();
        using var request = @case switch
        {
            "no-key" => TestKit.Messages(key: null),
            "invalid-key" => TestKit.Messages(key: "sk-ant-invalid-1"),
            "no-version" => TestKit.Messages(version: null),
            "not-json" => TestKit.Messages(body: "{\"model\": "),
            "no-max-tokens" => TestKit.Messages(body: """{"model":"claude-sonnet-4-5","messages":[]}"""),
            "no-messages" => TestKit.Messages(body: """{"model":"claude-sonnet-4-5","max_tokens":5}"""),
            "no-model" => TestKit.Messages(body: """{"max_tokens":5,"messages":[]}"""),
            _ => TestKit.Messages(model: "claude-nonexistent"),
        };

        using var response = Send(clock, invoker, request);
        using var doc = JsonDocument.Parse(TestKit.ReadCompleted(response));
        var root = doc.RootElement;

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("error", root.GetProperty("type").GetString());
        Assert.Equal(type, root.GetProperty("error").GetProperty("type").GetString());
        Assert.Contains(messageFragment, root.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(TestKit.Header(response, "request-id"), root.GetProperty("request_id").GetString());
        Assert.Equal(1, sim.Stats.Total);
    }

    [Fact]
    public void Messages_HugeBody_413RequestTooLarge()
    {
        var (_, clock, invoker) = CreateSut();
        using var request = TestKit.Messages();
        request.Content = new ByteArrayContent(new byte[Simulator.MaxBodyBytes + 1]);

        using var response = Send(clock, invoker, request);

        Assert.Equal(413, (int)response.StatusCode);
        Assert.Contains("request_too_large", TestKit.ReadCompleted(response), StringComparison.Ordinal);
    }

    [Fact]
    public void CountTokens_AndModels_Answer()
    {
        var (_, clock, invoker) = CreateSut(ScenarioCatalog.Get("steady"));
        using var count = TestKit.Messages(body: """{"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"Hello there"}]}""");
        count.RequestUri = new Uri(TestKit.BaseUri, "v1/messages/count_tokens");
        using var models = TestKit.Get("/v1/models");
        models.Headers.Add("x-api-key", TestKit.Key);
        models.Headers.Add("anthropic-version", "2023-06-01");

        using var countResponse = Send(clock, invoker, count);
        using var modelsResponse = Send(clock, invoker, models);
        using var countDoc = JsonDocument.Parse(TestKit.ReadCompleted(countResponse));
        using var modelsDoc = JsonDocument.Parse(TestKit.ReadCompleted(modelsResponse));

        Assert.True(countDoc.RootElement.GetProperty("input_tokens").GetInt32() > 0);
        Assert.NotNull(TestKit.Header(countResponse, "request-id"));
        var ids = modelsDoc.RootElement.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
        Assert.Equal(["claude-opus-4-1", "claude-sonnet-4-5", "claude-haiku-4-5"], ids);
        Assert.False(modelsDoc.RootElement.GetProperty("has_more").GetBoolean());
    }

    [Fact]
    public void Head_Root_Answers200()
    {
        var (_, clock, invoker) = CreateSut();

        using var request = new HttpRequestMessage(HttpMethod.Head, TestKit.BaseUri);
        using var response = Send(clock, invoker, request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public void UnknownPath_404NotFoundErrorWithRequestId()
    {
        var (_, clock, invoker) = CreateSut();

        using var request = TestKit.Get("/v1/nothing");
        using var response = Send(clock, invoker, request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.NotNull(TestKit.Header(response, "request-id"));
        Assert.Contains("not_found_error", TestKit.ReadCompleted(response), StringComparison.Ordinal);
    }
}
