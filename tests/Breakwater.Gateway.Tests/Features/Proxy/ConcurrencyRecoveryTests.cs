using System.Net;
using System.Text.Json;
using Breakwater.Gateway.Features.Proxy;
using Breakwater.Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Breakwater.Gateway.Tests.Features.Proxy;

/// <summary>
/// The gateway's adaptive concurrency limit after a storm, on a fake clock: it never collapses to one slot, it comes
/// back without traffic, long streams do not keep new calls out, and a client's own timeout is no overload.
/// </summary>
public sealed class ConcurrencyRecoveryTests
{
    private const string Model = "claude-sonnet-4-5";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private static FakeTimeProvider NewTime() => new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));

    private static Breakwater.Concurrency.AdaptiveLimiter Limiter(GatewayHarness sut) =>
        sut.App.Services.GetRequiredService<UpstreamClient>().State.Model(Model).Limiter;

    private static async Task<JsonElement> Healthz(GatewayHarness sut)
    {
        using var response = await sut.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.Clone();
    }

    [Fact]
    public async Task OneCallMeetsFive529sAtIdle_LimitIsNotOneAndBackAtItsCeilingAfterTheRecoveryInterval()
    {
        var time = NewTime();
        await using var sut = await GatewayHarness.StartAsync(time: time);
        sut.Upstream.Enqueue(FakeUpstream.Overloaded(), FakeUpstream.Overloaded(), FakeUpstream.Overloaded(), FakeUpstream.Overloaded(), FakeUpstream.Overloaded());

        using (var request = GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody))
        using (var response = await sut.Client.SendAsync(request).WaitAsync(Bound))
        {
            Assert.Equal(529, (int)response.StatusCode);
        }

        Assert.Equal(5, sut.Upstream.Requests.Count);
        Assert.Equal(4, Limiter(sut).Limit);

        // Liveness stays 200, and the body says which model is held back.
        var degraded = await Healthz(sut);
        Assert.Equal("degraded", degraded.GetProperty("status").GetString());
        var model = Assert.Single(degraded.GetProperty("models").EnumerateArray());
        Assert.Equal(Model, model.GetProperty("model").GetString());
        Assert.Equal(4, model.GetProperty("limit").GetInt32());
        Assert.Equal(4096, model.GetProperty("recoveryLimit").GetInt32());

        // No further traffic: back at the ceiling once the model has been quiet for the recovery interval.
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(4096, Limiter(sut).Limit);
        Assert.Equal("""{"status":"ok"}""", (await Healthz(sut)).GetRawText());
    }

    [Fact]
    public async Task ThreeLongStreamsAndOne529_LaterCallsGetInWithinThreeProbeIntervalsAndNoneGetsALocal529()
    {
        var time = NewTime();
        // The limiter alone: the held streams must not be ended by the body idle timeout when the clock jumps, and the
        // waiting streaming calls must not be answered early by keep-alive (StreamTimeoutTests covers both).
        await using var sut = await GatewayHarness.StartAsync(
            o =>
            {
                o.StreamKeepAlive = TimeSpan.Zero;
                o.Breakwater.BodyIdleTimeout = TimeSpan.Zero;
            },
            time);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        sut.Upstream.Enqueue(FakeUpstream.Stream(release), FakeUpstream.Stream(release), FakeUpstream.Stream(release));
        var streams = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++)
        {
            using var request = GatewayHarness.Post("/v1/messages", GatewayHarness.StreamBody);
            streams.Add(await sut.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(Bound));
        }

        // One call meets a 529 (its retry goes through): the limit drops to its floor, one slot above the streams.
        sut.Upstream.Enqueue(FakeUpstream.Overloaded());
        using (var request = GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody))
        using (var response = await sut.Client.SendAsync(request).WaitAsync(Bound))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(4, Limiter(sut).Limit);

        // Five more long streams: one takes the free slot, four wait (they are not refused).
        sut.Upstream.Enqueue(Enumerable.Range(0, 5).Select(_ => FakeUpstream.Stream(release)).ToArray());
        var later = Enumerable.Range(0, 5).Select(_ =>
        {
            var request = GatewayHarness.Post("/v1/messages", GatewayHarness.StreamBody);
            return sut.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        }).ToList();
        await WaitUntil(() => Limiter(sut).Queued == 4);
        Assert.Equal(3 + 2 + 1, sut.Upstream.Requests.Count);

        // With nothing released and no further overload, probing lets them in: one slot after 20 s, two more after
        // 40 s, the last after 60 s. None is refused meanwhile.
        time.Advance(TimeSpan.FromSeconds(20));
        await WaitUntil(() => Limiter(sut).Queued == 3);
        time.Advance(TimeSpan.FromSeconds(20));
        await WaitUntil(() => Limiter(sut).Queued == 1);
        time.Advance(TimeSpan.FromSeconds(20));
        foreach (var call in later)
        {
            using var response = await call.WaitAsync(Bound);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(3 + 2 + 5, sut.Upstream.Requests.Count);
        release.TrySetResult();
        foreach (var s in streams)
        {
            await s.Content.ReadAsStringAsync().WaitAsync(Bound);
            s.Dispose();
        }
    }

    [Fact]
    public async Task ClientsOwnTimeoutExpires_TheLimitDoesNotShrink()
    {
        var time = NewTime();
        await using var sut = await GatewayHarness.StartAsync(time: time);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        sut.Upstream.Enqueue(FakeUpstream.Hang(release));

        using var request = GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody, ("x-stainless-timeout", "5"));
        var call = sut.Client.SendAsync(request);
        await sut.Upstream.Received.Task.WaitAsync(Bound);
        time.Advance(TimeSpan.FromSeconds(5));
        using (var response = await call.WaitAsync(Bound))
        {
            Assert.True((int)response.StatusCode >= 500, $"status {(int)response.StatusCode}");
        }

        var state = sut.App.Services.GetRequiredService<UpstreamClient>().State.Model(Model);
        Assert.Equal(4096, state.Limiter.Limit);
        Assert.Null(state.LastOverloadAt);
        Assert.Equal("""{"status":"ok"}""", (await Healthz(sut)).GetRawText());
        release.TrySetResult();
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(10);
        }
    }
}
