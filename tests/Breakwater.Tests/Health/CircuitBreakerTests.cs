using System.Net;
using System.Text.Json;
using Breakwater.Retry;
using Breakwater.Telemetry;
using Breakwater.Tests.TestKit;
using Polly.CircuitBreaker;
using static Breakwater.Tests.Health.HealthSut;

namespace Breakwater.Tests.Health;

public sealed class CircuitBreakerTests
{
    /// <summary>
    /// The breaker alone: opens after 2 attempts in 10 s with ≥ 50 % overloads, stays open 10 s. One attempt per call
    /// (no overload retries), so the upstream count is the call count.
    /// </summary>
    private static HealthSut CreateSut(Func<int, string, HttpResponseMessage> byModel, Action<BreakwaterOptions>? configure = null) =>
        HealthSut.Create(byModel, o =>
        {
            o.CircuitBreaker.MinimumThroughput = 2;
            o.CircuitBreaker.FailureRatio = 0.5;
            o.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(10);
            o.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(10);
            o.CircuitBreaker.WhenOpen = Breakwater.Health.BreakerOpenBehavior.FailFast;
            o.Retry.Overloaded.MaxRetries = 0;
            o.Throttle.Enabled = false;
            o.Concurrency.Enabled = false;
            o.Pacing.Enabled = false;
            configure?.Invoke(o);
        });

    /// <summary>An upstream whose answer can be switched mid-test.</summary>
    private sealed class Switch
    {
        public bool Healthy { get; set; }

        public HttpResponseMessage Answer(int n, string model) => Healthy ? Api.Ok($"req_ok_{n}") : Api.Overloaded($"req_{n}");
    }

    private static async Task Open(HealthSut sut)
    {
        for (var i = 0; i < 2; i++)
        {
            using var r = await sut.Send();
            Assert.Equal(529, (int)r.StatusCode);
        }

        Assert.Equal(CircuitState.Open, sut.Model(Opus).BreakerState);
    }

    [Fact]
    public async Task SendAsync_RepeatedOverloads_OpenTheBreaker()
    {
        using var sut = CreateSut((n, _) => Api.Overloaded($"req_{n}"));

        using (var first = await sut.Send())
        {
            Assert.Equal(CircuitState.Closed, sut.Model(Opus).BreakerState);
        }

        using var second = await sut.Send();

        Assert.Equal(CircuitState.Open, sut.Model(Opus).BreakerState);
        Assert.True(sut.Model(Opus).IsOpen);
        // The call that opened the breaker still gets the upstream's own answer.
        Assert.Equal("attempts", Header(second, BreakwaterHeaders.GiveUp));
    }

    [Fact]
    public async Task SendAsync_WhileOpen_FailsFastWithoutTouchingTheUpstream()
    {
        using var sut = CreateSut((n, _) => Api.Overloaded($"req_{n}"));
        await Open(sut);
        var before = sut.Time.GetUtcNow();

        using var response = await sut.Send();

        Assert.Equal(2, sut.Upstream.Count);
        Assert.Equal(before, sut.Time.GetUtcNow());
        Assert.Equal(529, (int)response.StatusCode);
        Assert.Equal("breaker", Header(response, BreakwaterHeaders.GiveUp));
        Assert.Equal("10", Header(response, "retry-after"));
        Assert.Equal(Opus, Header(response, BreakwaterHeaders.Model));
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("error", body.RootElement.GetProperty("type").GetString());
        Assert.Equal("overloaded_error", body.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Contains(Opus, body.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_WhileOpen_JournalsAndCountsTheRefusal()
    {
        using var sut = CreateSut((n, _) => Api.Overloaded($"req_{n}"));
        await Open(sut);

        using var response = await sut.Send();

        var last = sut.Sink.Records[^1];
        Assert.Equal((Opus, AttemptDecision.GaveUp, GiveUpReason.Breaker), (last.Model, last.Decision, last.GiveUp));
        Assert.Contains(sut.GiveUps, m => Equals(m.Tags["reason"], "breaker") && Equals(m.Tags["model"], Opus));
    }

    [Fact]
    public async Task SendAsync_WhileOpenWithChain_SkipsStraightToTheNextModel()
    {
        using var sut = CreateSut((n, model) => model == Opus ? Api.Overloaded($"req_{n}") : Api.Ok($"req_{n}"), o => o.Fallback.Add(Opus, Sonnet, Haiku));
        for (var i = 0; i < 2; i++)
        {
            using var r = await sut.Send();
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        Assert.Equal([Opus, Sonnet, Opus, Sonnet], sut.ModelsSeen());
        Assert.Equal(CircuitState.Open, sut.Model(Opus).BreakerState);

        using var response = await sut.Send();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([Opus, Sonnet, Opus, Sonnet, Sonnet], sut.ModelsSeen());
        Assert.Equal(Sonnet, Header(response, BreakwaterHeaders.Model));
        Assert.Equal(Opus, Header(response, BreakwaterHeaders.FallbackFrom));
        Assert.Equal("1", Header(response, BreakwaterHeaders.Attempts));
    }

    [Fact]
    public async Task SendAsync_JustBeforeBreakDuration_StillFailsFast()
    {
        var upstream = new Switch();
        using var sut = CreateSut(upstream.Answer);
        await Open(sut);
        upstream.Healthy = true;

        sut.Time.Advance(TimeSpan.FromSeconds(9.9));
        using var response = await sut.Send();

        Assert.Equal(2, sut.Upstream.Count);
        Assert.Equal("breaker", Header(response, BreakwaterHeaders.GiveUp));
    }

    [Fact]
    public async Task SendAsync_AfterBreakDuration_HalfOpenProbeGoesThroughAndSuccessCloses()
    {
        var upstream = new Switch();
        using var sut = CreateSut(upstream.Answer);
        await Open(sut);
        upstream.Healthy = true;

        sut.Time.Advance(TimeSpan.FromSeconds(10));
        using var probe = await sut.Send();

        Assert.Equal(3, sut.Upstream.Count);
        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        Assert.Equal(CircuitState.Closed, sut.Model(Opus).BreakerState);

        using var after = await sut.Send();
        Assert.Equal(4, sut.Upstream.Count);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task SendAsync_HalfOpenProbeOverloaded_ReopensForAnotherBreakDuration()
    {
        using var sut = CreateSut((n, _) => Api.Overloaded($"req_{n}"));
        await Open(sut);

        sut.Time.Advance(TimeSpan.FromSeconds(10));
        using var probe = await sut.Send();

        Assert.Equal(3, sut.Upstream.Count);
        Assert.Equal(CircuitState.Open, sut.Model(Opus).BreakerState);
        using var refused = await sut.Send();
        Assert.Equal(3, sut.Upstream.Count);
        Assert.Equal("breaker", Header(refused, BreakwaterHeaders.GiveUp));
    }

    [Fact]
    public async Task SendAsync_AfterBreakDurationWithChain_ProbesOpusAgainAndReturnsToIt()
    {
        var opusHealthy = false;
        using var sut = CreateSut(
            (n, model) => model == Opus && !opusHealthy ? Api.Overloaded($"req_{n}") : Api.Ok($"req_{n}"),
            o => o.Fallback.Add(Opus, Sonnet));
        for (var i = 0; i < 2; i++)
        {
            using var r = await sut.Send();
        }

        opusHealthy = true;
        sut.Time.Advance(TimeSpan.FromSeconds(10));
        using var response = await sut.Send();

        Assert.Equal(Opus, Header(response, BreakwaterHeaders.Model));
        Assert.Equal([Opus, Sonnet, Opus, Sonnet, Opus], sut.ModelsSeen());
    }

    [Theory]
    [InlineData(429, "rate_limit_error", "1")]
    [InlineData(429, "rate_limit_error", null)]
    [InlineData(400, "invalid_request_error", null)]
    [InlineData(401, "authentication_error", null)]
    public async Task SendAsync_QuotaOrCallerErrorStorm_NeverOpensTheBreaker(int status, string type, string? retryAfter)
    {
        using var sut = CreateSut(
            (n, _) => retryAfter is null ? Api.Error(status, type, $"req_{n}") : Api.Error(status, type, $"req_{n}", ("retry-after", retryAfter)),
            o => o.Retry.RateLimited.MaxRetries = 0);

        for (var i = 0; i < 30; i++)
        {
            using var r = await sut.Send();
            Assert.Equal(status, (int)r.StatusCode);
        }

        Assert.Equal(30, sut.Upstream.Count);
        Assert.Equal(CircuitState.Closed, sut.Model(Opus).BreakerState);
        Assert.DoesNotContain(sut.GiveUps, m => Equals(m.Tags["reason"], "breaker"));
    }

    [Fact]
    public async Task SendAsync_OverloadsOutsideTheSamplingWindow_DoNotOpen()
    {
        using var sut = CreateSut((n, _) => Api.Overloaded($"req_{n}"));

        using (var first = await sut.Send())
        {
        }

        sut.Time.Advance(TimeSpan.FromSeconds(11));
        using var second = await sut.Send();

        Assert.Equal(CircuitState.Closed, sut.Model(Opus).BreakerState);
    }

    [Fact]
    public async Task SendAsync_OverloadShareBelowRatio_DoesNotOpen()
    {
        // One overload in four attempts: 25 % < 50 %.
        using var sut = CreateSut((n, _) => n == 0 ? Api.Overloaded("req_0") : Api.Ok($"req_{n}"));

        for (var i = 0; i < 4; i++)
        {
            using var r = await sut.Send();
        }

        Assert.Equal(CircuitState.Closed, sut.Model(Opus).BreakerState);
    }

    [Fact]
    public async Task SendAsync_BreakerDisabled_NeverFailsFast()
    {
        using var sut = CreateSut((n, _) => Api.Overloaded($"req_{n}"), o => o.CircuitBreaker.Enabled = false);

        for (var i = 0; i < 20; i++)
        {
            using var r = await sut.Send();
            Assert.NotEqual("breaker", Header(r, BreakwaterHeaders.GiveUp));
        }

        Assert.Equal(20, sut.Upstream.Count);
        Assert.False(sut.Model(Opus).IsOpen);
    }

    [Fact]
    public async Task SendAsync_BreakerIsPerModel_SonnetUnaffectedByOpus()
    {
        using var sut = CreateSut((n, model) => model == Opus ? Api.Overloaded($"req_{n}") : Api.Ok($"req_{n}"));
        await Open(sut);

        using var request = Request(Sonnet);
        using var response = await sut.Send(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(CircuitState.Closed, sut.Model(Sonnet).BreakerState);
    }
}
