using System.Net;
using Breakwater.Deferral;
using Breakwater.Tests.Concurrency;
using Breakwater.Tests.Health;
using Breakwater.Tests.TestKit;
using static Breakwater.Tests.Health.HealthSut;

namespace Breakwater.Tests.Deferral;

/// <summary><see cref="BreakwaterRequestOptions.Background"/>: deferred work never takes what live calls need.</summary>
public sealed class BackgroundCallTests
{
    private static HttpRequestMessage Background(HttpRequestMessage request)
    {
        request.Options.Set(BreakwaterRequestOptions.Background, true);
        return request;
    }

    private static string Header(HttpResponseMessage r, string name) =>
        r.Headers.TryGetValues(name, out var v) ? string.Join(",", v) : "";

    [Fact]
    public async Task SendAsync_BackgroundOverloaded_OneAttemptNoRetryNoFallback()
    {
        using var sut = HealthSut.Create((n, model) => Api.Overloaded($"req_{n}"), o => o.Fallback.Add(Opus, Sonnet));

        using var request = Api.Request(model: Opus);
        using var response = await sut.Send(Background(request));

        Assert.Equal(529, (int)response.StatusCode);
        Assert.Equal(1, sut.Upstream.Count);
        Assert.Equal("attempts", Header(response, BreakwaterHeaders.GiveUp));
        Assert.True(DeferralPolicy.IsDeferrable(response));
    }

    [Fact]
    public async Task SendAsync_LiveOverloaded_StillRetries()
    {
        using var sut = HealthSut.Create((n, model) => n < 2 ? Api.Overloaded($"req_{n}") : Api.Ok("req_ok"));

        using var request = Api.Request(model: Opus);
        using var response = await sut.Send(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, sut.Upstream.Count);
    }

    [Fact]
    public Task SendAsync_BackgroundWhenLimitFull_RefusedAtOnceAndLiveWaitIsRecorded() => WithoutContext(async () =>
    {
        var upstream = new HeldUpstream();
        using var sut = HealthSut.Create(upstream.Respond, o =>
        {
            o.Concurrency.InitialLimit = 1;
            o.Concurrency.MaxLimit = 1;
            o.CircuitBreaker.Enabled = false;
            o.Throttle.Enabled = false;
        });
        var live = sut.Start(HeldUpstream.Call(0));
        Assert.Null(sut.Model(Opus).Limiter.LastWaitAt);

        using var refused = await sut.Start(Background(HeldUpstream.Call(1)));

        Assert.Equal(529, (int)refused.StatusCode);
        Assert.Equal("queue", Header(refused, BreakwaterHeaders.GiveUp));
        Assert.Equal(["0"], upstream.Arrived);
        Assert.Equal(0, sut.Model(Opus).Limiter.Queued);
        Assert.Equal(sut.Time.GetUtcNow(), sut.Model(Opus).Limiter.LastWaitAt);
        upstream.Complete(0);
        (await live).Dispose();
    });

    [Fact]
    public async Task SendAsync_BackgroundSuccess_DoesNotGrowTheLimit()
    {
        using var sut = HealthSut.Create((n, model) => Api.Ok($"req_{n}"), o => o.Concurrency.InitialLimit = 10);

        for (var i = 0; i < 20; i++)
        {
            using var request2 = Api.Request(model: Opus);
            (await sut.Send(Background(request2))).Dispose();
        }

        Assert.Equal(10, sut.Model(Opus).Limiter.Limit);

        using var request = Api.Request(model: Opus);
        (await sut.Send(request)).Dispose();
        Assert.True(sut.Model(Opus).Limiter.Limit >= 10);
    }

    [Fact]
    public async Task GetHealth_AfterAnOverload_ReportsWhenItHappened()
    {
        using var sut = HealthSut.Create((n, model) => n == 0 ? Api.Overloaded("req_0") : Api.Ok($"req_{n}"));
        var before = sut.Time.GetUtcNow();

        using var request = Api.Request(model: Opus);
        (await sut.Send(request)).Dispose();

        var health = Assert.Single(sut.Handler.GetHealth());
        Assert.Equal(before, health.LastOverloadAt);
        Assert.Null(health.LastLimitWaitAt);
    }
}
