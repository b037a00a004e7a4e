using System.Net;
using System.Text.Json;
using Breakwater.Retry;
using Breakwater.Tests.TestKit;
using static Breakwater.Tests.Health.HealthSut;

namespace Breakwater.Tests.Health;

public sealed class ThrottleHandlerTests
{
    /// <summary>
    /// Throttling alone (K = 2, 20 requests minimum, 60 s window), one attempt per call. Every draw is
    /// <paramref name="unit"/>: a call is rejected locally iff unit &lt; p.
    /// </summary>
    private static HealthSut CreateSut(Func<int, string, HttpResponseMessage> byModel, double unit, Action<BreakwaterOptions>? configure = null) =>
        HealthSut.Create(byModel, o =>
        {
            o.Throttle.K = 2;
            o.Throttle.MinimumRequests = 20;
            o.Throttle.Window = TimeSpan.FromSeconds(60);
            o.Retry.Overloaded.MaxRetries = 0;
            o.CircuitBreaker.Enabled = false;
            o.Concurrency.Enabled = false;
            configure?.Invoke(o);
        }, unit);

    private static async Task<List<HttpResponseMessage>> Calls(HealthSut sut, int count)
    {
        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < count; i++)
        {
            responses.Add(await sut.Send());
        }

        return responses;
    }

    [Fact]
    public async Task SendAsync_SustainedStorm_RejectsLocallyAndRejectedCallsNeverReachTheUpstream()
    {
        using var sut = CreateSut((n, _) => Api.Overloaded($"req_{n}"), unit: 0.5);

        var responses = await Calls(sut, 40);

        // 20 reach the upstream (below the minimum nothing is rejected); from then on p = (20 + r) / (21 + r) > 0.5.
        Assert.Equal(20, sut.Upstream.Count);
        Assert.All(responses.Take(20), r => Assert.Equal("attempts", Header(r, BreakwaterHeaders.GiveUp)));
        Assert.All(responses.Skip(20), r =>
        {
            Assert.Equal(529, (int)r.StatusCode);
            Assert.Equal("throttled", Header(r, BreakwaterHeaders.GiveUp));
            Assert.Equal("", Header(r, BreakwaterHeaders.RequestIds));
        });
        Assert.Equal(40.0 / 41, sut.Model(Opus).Throttle.RejectProbability, 12);
    }

    [Fact]
    public async Task SendAsync_Throttled_AnswersInTheApisShapeAndJournalsTheRefusal()
    {
        using var sut = CreateSut((n, _) => Api.Overloaded($"req_{n}"), unit: 0.5);
        await Calls(sut, 20);

        using var response = await sut.Send();

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("error", body.RootElement.GetProperty("type").GetString());
        Assert.Equal("overloaded_error", body.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Contains(Opus, body.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(GiveUpReason.Throttled, sut.Sink.Records[^1].GiveUp);
        Assert.Contains(sut.GiveUps, m => Equals(m.Tags["reason"], "throttled"));
    }

    [Fact]
    public async Task SendAsync_RejectionRate_MatchesTheFormulaForTheDraw()
    {
        // With a draw of 0.96 a call is rejected only while p > 0.96, i.e. (20 + r) / (21 + r) > 0.96 ⇔ r > 4:
        // after the 20 failures, calls are let through (and fail) until requests reach 25, then rejected.
        using var sut = CreateSut((n, _) => Api.Overloaded($"req_{n}"), unit: 0.96);

        var responses = await Calls(sut, 40);

        Assert.Equal(25, sut.Upstream.Count);
        Assert.Equal(15, responses.Count(r => Header(r, BreakwaterHeaders.GiveUp) == "throttled"));
        Assert.Equal(40.0 / 41, sut.Model(Opus).Throttle.RejectProbability, 12);
    }

    [Fact]
    public async Task SendAsync_BelowMinimumRequests_NothingIsRejected()
    {
        using var sut = CreateSut((n, _) => Api.Overloaded($"req_{n}"), unit: 0);

        var responses = await Calls(sut, 19);

        Assert.Equal(19, sut.Upstream.Count);
        Assert.DoesNotContain(responses, r => Header(r, BreakwaterHeaders.GiveUp) == "throttled");
        Assert.Equal(0, sut.Model(Opus).Throttle.RejectProbability);
    }

    [Fact]
    public async Task SendAsync_UpstreamRecovers_ProbabilityFallsToZeroWithinTheWindow()
    {
        var healthy = false;
        using var sut = CreateSut((n, _) => healthy ? Api.Ok($"req_{n}") : Api.Overloaded($"req_{n}"), unit: 0.5);
        await Calls(sut, 40);
        var start = sut.Time.GetUtcNow();

        // Recovery: the calls that get through (a high draw) succeed and count as accepts.
        healthy = true;
        sut.Random.Value = 0.999;
        var probabilities = new List<double>();
        for (var s = 1; s <= 40; s++)
        {
            using var r = await sut.Send();
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            probabilities.Add(sut.Model(Opus).Throttle.RejectProbability);
        }

        // p = (40 + s − 2s) / (41 + s): 0 after 40 successes, all inside one window.
        Assert.Equal(20.0 / 61, probabilities[19], 12);
        Assert.Equal(0, probabilities[^1]);
        Assert.True(sut.Time.GetUtcNow() - start < TimeSpan.FromSeconds(60));

        sut.Random.Value = 0;
        using var after = await sut.Send();
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(61, sut.Upstream.Count);
    }

    [Fact]
    public async Task SendAsync_StormThenQuiet_WindowForgetsAndCallsFlowAgain()
    {
        var healthy = false;
        using var sut = CreateSut((n, _) => healthy ? Api.Ok($"req_{n}") : Api.Overloaded($"req_{n}"), unit: 0.5);
        await Calls(sut, 40);
        healthy = true;

        sut.Time.Advance(TimeSpan.FromSeconds(60));
        sut.Random.Value = 0;
        using var response = await sut.Send();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(21, sut.Upstream.Count);
    }

    [Theory]
    [InlineData(429, "rate_limit_error")]
    [InlineData(400, "invalid_request_error")]
    public async Task SendAsync_QuotaOrCallerErrorStorm_IsNeverThrottled(int status, string type)
    {
        using var sut = CreateSut((n, _) => Api.Error(status, type, $"req_{n}"), unit: 0);

        var responses = await Calls(sut, 40);

        Assert.Equal(40, sut.Upstream.Count);
        Assert.Equal(0, sut.Model(Opus).Throttle.RejectProbability);
    }

    [Fact]
    public async Task SendAsync_ThrottledWithChain_MovesToTheNextModel()
    {
        using var sut = CreateSut((n, model) => model == Opus ? Api.Overloaded($"req_{n}") : Api.Ok($"req_{n}"), unit: 0.5, o =>
        {
            o.Fallback.Add(Opus, Sonnet);
            o.Fallback.SameModelRetries = 0;
        });
        await Calls(sut, 20);
        Assert.Equal(20, sut.SeenFor(Opus));

        using var response = await sut.Send();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(20, sut.SeenFor(Opus));
        Assert.Equal(Sonnet, Header(response, BreakwaterHeaders.Model));
        Assert.Equal("", Header(response, BreakwaterHeaders.GiveUp));
    }
}
