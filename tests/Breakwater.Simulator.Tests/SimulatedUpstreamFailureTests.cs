using System.Globalization;
using System.Net;
using System.Text.Json;
using Breakwater.Simulator.Scenarios;
using Breakwater.Simulator.Time;

namespace Breakwater.Simulator.Tests;

public class SimulatedUpstreamFailureTests
{
    private static (Simulator Sim, VirtualTimeProvider Clock, HttpMessageInvoker Invoker) CreateSut(Scenario scenario, int seed = 1) => TestKit.Virtual(scenario, seed);

    [Fact]
    public void CancelledClient_DoesNotFreeItsSlotEarly()
    {
        var (sim, clock, invoker) = CreateSut(TestKit.Tiny(slots: 1, serviceSeconds: 10, queueSeconds: 100));
        using var cts = new CancellationTokenSource();
        using var firstRequest = TestKit.Messages();
        var first = invoker.SendAsync(firstRequest, cts.Token);
        clock.Advance(TimeSpan.FromSeconds(1));
        TestKit.CancelInline(cts);
        using var request = TestKit.Messages();
        var second = invoker.SendAsync(request, CancellationToken.None);

        Assert.True(first.IsCanceled);
        Assert.Equal(1, sim.Capacity.Snapshot(TestKit.Sonnet).Serving);
        clock.Advance(TimeSpan.FromSeconds(8.9));
        Assert.False(second.IsCompleted); // still queued behind the abandoned work
        clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(1, sim.Capacity.Snapshot(TestKit.Sonnet).Serving); // now serving the second
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.True(second.IsCompletedSuccessfully);
    }

    [Fact]
    public void CancelledWhileQueued_LeavesTheQueue()
    {
        var (sim, clock, invoker) = CreateSut(TestKit.Tiny(slots: 1, serviceSeconds: 10, queueSeconds: 100));
        using var request2 = TestKit.Messages();
        _ = invoker.SendAsync(request2, CancellationToken.None);
        using var cts = new CancellationTokenSource();
        using var request = TestKit.Messages();
        var queued = invoker.SendAsync(request, cts.Token);

        Assert.Equal(1, sim.Capacity.Snapshot(TestKit.Sonnet).Queued);
        TestKit.CancelInline(cts);
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.True(queued.IsCanceled);
        Assert.Equal(0, sim.Capacity.Snapshot(TestKit.Sonnet).Queued);
        Assert.Contains("\"cancelled\": 1", sim.GetStatsJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void Overloaded_529WithRealBodyRequestIdAndRateLimitHeaders()
    {
        var (sim, clock, invoker) = CreateSut(TestKit.Tiny(slots: 1, serviceSeconds: 10, queueSeconds: 0));
        using var request2 = TestKit.Messages();
        _ = invoker.SendAsync(request2, CancellationToken.None);

        using var request = TestKit.Messages();
        using var response = TestKit.Done(invoker.SendAsync(request, CancellationToken.None));
        using var doc = JsonDocument.Parse(TestKit.ReadCompleted(response));

        Assert.Equal(529, (int)response.StatusCode);
        Assert.Equal("overloaded_error", doc.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal("Overloaded", doc.RootElement.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(TestKit.Header(response, "request-id"), doc.RootElement.GetProperty("request_id").GetString());
        Assert.NotNull(TestKit.Header(response, "anthropic-ratelimit-requests-remaining"));
        Assert.Equal(1, sim.Stats.CountOf("529"));
    }

    [Fact]
    public void RateLimit_429WithRetryAfterUntilRefill_AndRemainingCounts()
    {
        var scenario = TestKit.Tiny(slots: 100) with { RateLimits = new ScenarioRateLimits { Rpm = 3, Itpm = 1_000_000, Otpm = 1_000_000 } };
        var (_, clock, invoker) = CreateSut(scenario);

        var first = Enumerable.Range(0, 3).Select(_ => invoker.SendAsync(TestKit.Messages(), CancellationToken.None)).ToList();
        using var limitedRequest = TestKit.Messages();
        using var limited = TestKit.Done(invoker.SendAsync(limitedRequest, CancellationToken.None));
        using var doc = JsonDocument.Parse(TestKit.ReadCompleted(limited));
        clock.Advance(TimeSpan.FromSeconds(10));
        var remaining = first.Select(t => TestKit.Header(TestKit.Done(t), "anthropic-ratelimit-requests-remaining")).ToList();

        Assert.Equal(["2", "1", "0"], remaining);
        Assert.Equal(429, (int)limited.StatusCode);
        Assert.Equal("rate_limit_error", doc.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal("3", TestKit.Header(limited, "anthropic-ratelimit-requests-limit"));
        Assert.Equal("0", TestKit.Header(limited, "anthropic-ratelimit-requests-remaining"));
        Assert.NotNull(TestKit.Header(limited, "request-id"));
        var retryAfter = int.Parse(TestKit.Header(limited, "retry-after")!, CultureInfo.InvariantCulture);
        Assert.Equal(20, retryAfter); // one request token refills in 60 s / 3

        clock.Advance(TimeSpan.FromSeconds(retryAfter - 10 - 1));
        using var stillLimitedRequest = TestKit.Messages();
        using var stillLimited = TestKit.Done(invoker.SendAsync(stillLimitedRequest, CancellationToken.None));
        Assert.Equal(429, (int)stillLimited.StatusCode);
        clock.Advance(TimeSpan.FromSeconds(1));
        using var allowedRequest = TestKit.Messages();
        using var allowed = TestKit.Run(clock, invoker.SendAsync(allowedRequest, CancellationToken.None));
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public void RateLimit_InputTokens_429WhenTheBodyExceedsWhatIsLeft()
    {
        var scenario = TestKit.Tiny(slots: 100) with { RateLimits = new ScenarioRateLimits { Rpm = 1000, Itpm = 60, Otpm = 1_000_000 } };
        var (_, clock, invoker) = CreateSut(scenario);
        var big = new string('x', 200); // ≈ 60 input tokens with the JSON around it

        using var firstRequest = TestKit.Messages(body: $$"""{"model":"claude-sonnet-4-5","max_tokens":5,"messages":[{"role":"user","content":"{{big}}"}]}""");
        using var first = TestKit.Run(clock, invoker.SendAsync(firstRequest, CancellationToken.None));
        using var request = TestKit.Messages(body: $$"""{"model":"claude-sonnet-4-5","max_tokens":5,"messages":[{"role":"user","content":"{{big}}"}]}""");
        using var second = TestKit.Done(invoker.SendAsync(request, CancellationToken.None));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(429, (int)second.StatusCode);
        Assert.Contains("input tokens", TestKit.ReadCompleted(second), StringComparison.Ordinal);
        Assert.Equal("60", TestKit.Header(second, "anthropic-ratelimit-input-tokens-limit"));
    }

    [Fact]
    public void MidStream_Probability1_EveryStreamFails_HalfBeforeTheFirstDeltaHalfAfter()
    {
        var scenario = TestKit.Tiny(slots: 1000) with { MidStream = new ScenarioMidStream { Probability = 1 } };
        var (sim, clock, invoker) = CreateSut(scenario);
        var bodies = new List<(string? RequestId, Task<string> Body)>();
        for (var i = 0; i < 200; i++)
        {
            using var request = TestKit.Messages(stream: true, maxTokens: 4000);
            var response = TestKit.Done(invoker.SendAsync(request, CancellationToken.None));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            bodies.Add((TestKit.Header(response, "request-id"), response.Content.ReadAsStringAsync()));
        }

        clock.Advance(TimeSpan.FromSeconds(60));
        var before = 0;
        var after = 0;
        foreach (var (requestId, body) in bodies)
        {
            var events = TestKit.ParseSse(TestKit.Done(body));
            Assert.Equal("error", events[^1].Event);
            Assert.DoesNotContain(events, e => e.Event == "message_stop");
            Assert.Equal(
                $$"""{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"{{requestId}}"}""",
                events[^1].Data);
            if (events.Any(e => e.Event == "content_block_delta"))
            {
                after++;
            }
            else
            {
                before++;
            }
        }

        Assert.InRange(before, 70, 130);
        Assert.Equal(200, before + after);
        Assert.Equal(200, sim.Stats.CountOf("200+error"));
    }

    [Fact]
    public void MidStream_OutsideTheWindow_NoFailures()
    {
        var scenario = TestKit.Tiny(slots: 1000) with { MidStream = new ScenarioMidStream { Probability = 1, StartSeconds = 100, EndSeconds = 200 } };
        var (_, clock, invoker) = CreateSut(scenario);
        using var request = TestKit.Messages(stream: true);
        var response = TestKit.Done(invoker.SendAsync(request, CancellationToken.None));
        var body = response.Content.ReadAsStringAsync();

        clock.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal("message_stop", TestKit.ParseSse(TestKit.Done(body))[^1].Event);
    }

    [Fact]
    public void Masked_Fraction1_529sBecomeHtml503WithoutRequestId()
    {
        var scenario = TestKit.Tiny(slots: 1, queueSeconds: 0) with { Masked = new ScenarioMasked { Fraction = 1 } };
        var (sim, _, invoker) = CreateSut(scenario);
        using var request2 = TestKit.Messages();
        _ = invoker.SendAsync(request2, CancellationToken.None);

        using var request = TestKit.Messages();
        using var response = TestKit.Done(invoker.SendAsync(request, CancellationToken.None));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Null(TestKit.Header(response, "request-id"));
        Assert.StartsWith("<html>", TestKit.ReadCompleted(response), StringComparison.Ordinal);
        Assert.Contains("\"masked\": 1", sim.GetStatsJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void Masked_HalfFraction_BothShapesAppear()
    {
        var scenario = TestKit.Tiny(slots: 1, queueSeconds: 0) with { Masked = new ScenarioMasked { Fraction = 0.5 } };
        var (_, _, invoker) = CreateSut(scenario);
        using var request = TestKit.Messages();
        _ = invoker.SendAsync(request, CancellationToken.None);

        var statuses = Enumerable.Range(0, 200).Select(_ => (int)TestKit.Done(invoker.SendAsync(TestKit.Messages(), CancellationToken.None)).StatusCode).ToList();

        Assert.InRange(statuses.Count(s => s == 503), 70, 130);
        Assert.Equal(200, statuses.Count(s => s is 503 or 529));
    }
}
