using System.Net;
using System.Text;
using System.Text.Json;
using Breakwater.Telemetry;
using Breakwater.Tests.Health;
using Breakwater.Tests.TestKit;
using Microsoft.Extensions.Logging;
using static Breakwater.Tests.Health.HealthSut;

namespace Breakwater.Tests.Fallback;

public sealed class FallbackHandlerTests
{
    private static HealthSut CreateSut(Func<int, string, HttpResponseMessage> byModel, Action<BreakwaterOptions>? configure = null) =>
        HealthSut.Create(byModel, o =>
        {
            o.Fallback.Add(Opus, Sonnet, Haiku);
            configure?.Invoke(o);
        });

    /// <summary>Opus is overloaded, every other model answers.</summary>
    private static HttpResponseMessage OpusOverloaded(int n, string model) => model == Opus ? Api.Overloaded($"req_opus_{n}") : Api.Ok($"req_{n}");

    private static double[] Seconds(HealthSut sut) => sut.Upstream.Requests.Select(r => Math.Round((r.At - sut.Upstream.Requests[0].At).TotalSeconds, 3)).ToArray();

    [Fact]
    public async Task SendAsync_OverloadedOnOpus_RetriesOnceThenSonnetServes()
    {
        using var sut = CreateSut(OpusOverloaded);

        using var response = await sut.Send();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([Opus, Opus, Sonnet], sut.ModelsSeen());
        // One same-model retry after 1 s (no jitter), then the next model at once.
        Assert.Equal([0, 1, 1], Seconds(sut));
    }

    [Fact]
    public async Task SendAsync_SameModelRetriesZero_FallsBackAtTheFirstOverload()
    {
        using var sut = CreateSut(OpusOverloaded, o => o.Fallback.SameModelRetries = 0);

        using var response = await sut.Send();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([Opus, Sonnet], sut.ModelsSeen());
        Assert.Equal([0, 0], Seconds(sut));
    }

    [Fact]
    public async Task SendAsync_SonnetOverloadedToo_WalksTheChainToHaiku()
    {
        using var sut = CreateSut((n, model) => model == Haiku ? Api.Ok("req_haiku") : Api.Overloaded($"req_{n}"));

        using var response = await sut.Send();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([Opus, Opus, Sonnet, Sonnet, Haiku], sut.ModelsSeen());
        Assert.Equal(Haiku, Header(response, BreakwaterHeaders.Model));
        Assert.Equal(Opus, Header(response, BreakwaterHeaders.FallbackFrom));
        Assert.Equal("req_0,req_1,req_2,req_3,req_haiku", Header(response, BreakwaterHeaders.RequestIds));
    }

    [Fact]
    public async Task SendAsync_WholeChainOverloaded_GivesUpOnTheLastModelWithItsOwnPlan()
    {
        using var sut = CreateSut((n, _) => Api.Overloaded($"req_{n}"));

        using var response = await sut.Send();

        Assert.Equal(529, (int)response.StatusCode);
        // Opus 2, sonnet 2, then the last model runs its own overload plan to the end (5 attempts).
        Assert.Equal([Opus, Opus, Sonnet, Sonnet, Haiku, Haiku, Haiku, Haiku, Haiku], sut.ModelsSeen());
        Assert.Equal("attempts", Header(response, BreakwaterHeaders.GiveUp));
        Assert.Equal(Haiku, Header(response, BreakwaterHeaders.Model));
    }

    [Fact]
    public async Task SendAsync_OverloadedErrorEventBeforeFirstDelta_FallsBackAndStreamsFromSonnet()
    {
        var good = Api.FullStream("Hello");
        using var sut = CreateSut((n, model) => model == Opus
            ? Api.Sse($"req_opus_{n}", Api.MessageStart(Opus) + Api.Ping + Api.StreamError("overloaded_error"))
            : Api.Sse($"req_{n}", good));

        using var request = Request(stream: true);
        using var response = await sut.Send(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([Opus, Opus, Sonnet], sut.ModelsSeen());
        Assert.Equal(good, await response.Content.ReadAsStringAsync());
        Assert.Equal(Sonnet, Header(response, BreakwaterHeaders.Model));
        Assert.Equal(Opus, Header(response, BreakwaterHeaders.FallbackFrom));
    }

    [Fact]
    public async Task SendAsync_ProxyHtml503_IsAnOverloadAndFallsBack()
    {
        using var sut = CreateSut((n, model) => model == Opus ? Api.Html(503) : Api.Ok($"req_{n}"));

        using var response = await sut.Send();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([Opus, Opus, Sonnet], sut.ModelsSeen());
        Assert.Equal(Opus, Header(response, BreakwaterHeaders.FallbackFrom));
    }

    [Theory]
    [InlineData(400, "invalid_request_error", null, 1, "not-retryable")]
    [InlineData(429, "rate_limit_error", "1", 4, "attempts")]
    [InlineData(500, "api_error", null, 3, "attempts")]
    [InlineData(401, "authentication_error", null, 1, "not-retryable")]
    [InlineData(413, "request_too_large", null, 1, "not-retryable")]
    public async Task SendAsync_NonOverloadFailure_NeverFallsBack(int status, string type, string? retryAfter, int attempts, string giveUp)
    {
        using var sut = CreateSut((n, model) => model == Opus
            ? retryAfter is null ? Api.Error(status, type, $"req_{n}") : Api.Error(status, type, $"req_{n}", ("retry-after", retryAfter))
            : Api.Ok("req_wrong_model"));

        using var response = await sut.Send();

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(Enumerable.Repeat(Opus, attempts), sut.ModelsSeen());
        Assert.Equal(giveUp, Header(response, BreakwaterHeaders.GiveUp));
        Assert.Equal(Opus, Header(response, BreakwaterHeaders.Model));
        Assert.Equal("", Header(response, BreakwaterHeaders.FallbackFrom));
        Assert.Empty(sut.Fallbacks);
    }

    [Fact]
    public async Task SendAsync_RateLimitedThenOk_StaysOnOpus()
    {
        using var sut = CreateSut((n, model) => n == 0 ? Api.Error(429, "rate_limit_error", "req_rl", ("retry-after", "3")) : Api.Ok($"req_{n}"));

        using var response = await sut.Send();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([Opus, Opus], sut.ModelsSeen());
        Assert.Equal([0, 3], Seconds(sut));
    }

    [Fact]
    public async Task SendAsync_FallbackDenyHeader_StaysOnOpusAndTheHeaderNeverReachesUpstream()
    {
        using var sut = CreateSut(OpusOverloaded);
        using var request = Request();
        request.Headers.TryAddWithoutValidation(BreakwaterHeaders.Fallback, "deny");

        using var response = await sut.Send(request);

        Assert.Equal(529, (int)response.StatusCode);
        Assert.Equal(Enumerable.Repeat(Opus, 5), sut.ModelsSeen());
        Assert.Equal("attempts", Header(response, BreakwaterHeaders.GiveUp));
        Assert.Equal("", Header(response, BreakwaterHeaders.FallbackFrom));
        Assert.All(sut.Upstream.Requests, r => Assert.DoesNotContain(r.Headers, h => h.Name.Equals(BreakwaterHeaders.Fallback, StringComparison.OrdinalIgnoreCase)));
        Assert.Empty(sut.Fallbacks);
    }

    [Fact]
    public async Task SendAsync_FallbackDenyHeaderAnyCase_IsHonoured()
    {
        using var sut = CreateSut(OpusOverloaded, o => o.Fallback.SameModelRetries = 0);
        using var request = Request();
        request.Headers.TryAddWithoutValidation("Breakwater-Fallback", "DENY");

        using var response = await sut.Send(request);

        Assert.All(sut.ModelsSeen(), m => Assert.Equal(Opus, m));
    }

    [Fact]
    public async Task SendAsync_ChainDisabled_NeverFallsBack()
    {
        using var sut = CreateSut(OpusOverloaded, o => o.Fallback.Chains[0].Enabled = false);

        using var response = await sut.Send();

        Assert.Equal(529, (int)response.StatusCode);
        Assert.Equal(Enumerable.Repeat(Opus, 5), sut.ModelsSeen());
        Assert.Empty(sut.Fallbacks);
    }

    [Fact]
    public async Task SendAsync_ModelOutsideEveryChain_NeverFallsBack()
    {
        using var sut = CreateSut((n, _) => Api.Overloaded($"req_{n}"));

        using var request = Request("claude-3-5-haiku-latest");
        using var response = await sut.Send(request);

        Assert.Equal(Enumerable.Repeat("claude-3-5-haiku-latest", 5), sut.ModelsSeen());
    }

    public static TheoryData<string, string> Bodies => new()
    {
        // prefix, suffix around the top-level model value token.
        { "{\"model\":", ",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}" },
        // Unusual spacing, ordering, tabs and newlines; "model" inside message text and a nested "model" key before the real one.
        { "{\n\t\"messages\" : [ { \"role\":\"user\", \"content\" : \"set \\\"model\\\": \\\"claude-opus-4-6\\\" please; caf\u00e9 \ud83c\udf0a \\u00e9\\n\" } ] ,\r\n  \"metadata\": {\"model\":\"claude-opus-4-6\"},\n  \"model\"   :   ", "  ,\"max_tokens\" :64 , \"stop_sequences\":[\"\\\"model\\\"\"] }" },
        // Model last, no spaces, escaped slashes and unicode escapes in other strings.
        { "{\"system\":\"a\\/b \\u0041 \\\\\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"model model\"}]}],\"model\":", "}" },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task SendAsync_FallBack_RewritesOnlyTheModelValueByteForByte(string prefix, string suffix)
    {
        var original = Encoding.UTF8.GetBytes(prefix + "\"claude-opus-4-6\"" + suffix);
        var expected = Encoding.UTF8.GetBytes(prefix + "\"claude-sonnet-4-6\"" + suffix);
        using var sut = CreateSut(OpusOverloaded, o => o.Fallback.SameModelRetries = 0);
        using var request = Request();
        request.Content = new ByteArrayContent(original);
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");

        using var response = await sut.Send(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, sut.Upstream.Count);
        Assert.Equal(original, sut.Upstream.Requests[0].Body);
        Assert.Equal(expected, sut.Upstream.Requests[1].Body);
    }

    [Fact]
    public async Task SendAsync_ModelValueWrittenWithEscapes_IsRecognisedAndReplacedAsOneToken()
    {
        const string prefix = "{\"max_tokens\":8,\"model\":";
        const string suffix = ",\"messages\":[]}";
        var original = Encoding.UTF8.GetBytes(prefix + "\"claude\\u002dopus-4-6\"" + suffix);
        using var sut = CreateSut(OpusOverloaded, o => o.Fallback.SameModelRetries = 0);
        using var request = Request();
        request.Content = new ByteArrayContent(original);

        using var response = await sut.Send(request);

        Assert.Equal(original, sut.Upstream.Requests[0].Body);
        Assert.Equal(Encoding.UTF8.GetBytes(prefix + "\"claude-sonnet-4-6\"" + suffix), sut.Upstream.Requests[1].Body);
    }

    [Fact]
    public async Task SendAsync_FallBack_ResponseCarriesServedAndAskedModels()
    {
        using var sut = CreateSut(OpusOverloaded);

        using var response = await sut.Send();

        Assert.Equal(Sonnet, Header(response, BreakwaterHeaders.Model));
        Assert.Equal(Opus, Header(response, BreakwaterHeaders.FallbackFrom));
        Assert.Equal("3", Header(response, BreakwaterHeaders.Attempts));
        Assert.Equal("req_opus_0,req_opus_1,req_2", Header(response, BreakwaterHeaders.RequestIds));
        Assert.Equal("", Header(response, BreakwaterHeaders.GiveUp));
    }

    [Fact]
    public async Task SendAsync_NoFallback_ModelHeaderOnlyAndBodyUntouched()
    {
        using var sut = CreateSut((n, _) => Api.Ok("req_ok"));
        using var request = Request();
        var original = await request.Content!.ReadAsByteArrayAsync();

        using var response = await sut.Send(request);

        Assert.Equal(Opus, Header(response, BreakwaterHeaders.Model));
        Assert.Equal("", Header(response, BreakwaterHeaders.FallbackFrom));
        Assert.Equal(original, sut.Upstream.Requests.Single().Body);
    }

    [Fact]
    public async Task SendAsync_FallBack_LogsAWarningNamingBothModelsAndTheRequestIds()
    {
        using var sut = CreateSut(OpusOverloaded);

        using var response = await sut.Send();

        var fell = Assert.Single(sut.Logs.GetSnapshot(), l => l.Id.Id == 1003);
        Assert.Equal(LogLevel.Warning, fell.Level);
        Assert.Contains(Opus, fell.Message, StringComparison.Ordinal);
        Assert.Contains(Sonnet, fell.Message, StringComparison.Ordinal);
        Assert.Contains("req_opus_0,req_opus_1", fell.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", string.Join("\n", sut.Logs.GetSnapshot().Select(l => l.Message)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_FallBack_CountsOneFallbackTaggedFromAndTo()
    {
        using var sut = CreateSut(OpusOverloaded);

        using var response = await sut.Send();

        var m = Assert.Single(sut.Fallbacks);
        Assert.Equal(1, m.Value);
        Assert.Equal(Opus, m.Tags["from"]);
        Assert.Equal(Sonnet, m.Tags["to"]);
    }

    [Fact]
    public async Task SendAsync_FallBack_JournalsTheRetryAndTheFallbackWithItsModel()
    {
        using var sut = CreateSut(OpusOverloaded);

        using var response = await sut.Send();

        var records = sut.Sink.Records;
        Assert.Equal(2, records.Count);
        Assert.Equal((Opus, 1, AttemptDecision.Retried, (string?)null, "req_opus_0"), (records[0].Model, records[0].Attempt, records[0].Decision, records[0].FallbackModel, records[0].RequestId));
        Assert.Equal(TimeSpan.FromSeconds(1), records[0].Delay);
        Assert.Equal((Opus, 2, AttemptDecision.FellBack, (string?)Sonnet, "req_opus_1"), (records[1].Model, records[1].Attempt, records[1].Decision, records[1].FallbackModel, records[1].RequestId));
        Assert.Equal(529, records[1].StatusCode);
        Assert.Equal(sut.Options.Name, records[1].Client);
    }

    [Fact]
    public async Task SendAsync_FallBack_ResponseBodyIsTheServingModelsOwn()
    {
        var sonnetBody = Api.MessageJson;
        using var sut = CreateSut((n, model) => model == Opus ? Api.Overloaded($"req_{n}") : Api.Ok("req_ok", sonnetBody));

        using var response = await sut.Send();
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(Sonnet, doc.RootElement.GetProperty("model").GetString());
    }
}
