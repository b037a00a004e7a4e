using Breakwater.Deferral;
using Breakwater.Tests.Health;
using Breakwater.Tests.TestKit;
using Polly.CircuitBreaker;
using static Breakwater.Tests.Health.HealthSut;

namespace Breakwater.Tests.Deferral;

/// <summary>
/// Deferred jobs after a storm with no live traffic: the breaker's break ends on the clock, the worker reads it as
/// half-open, sends one job as the probe, and the rest follow once it has closed the breaker.
/// </summary>
public sealed class DeferralAfterStormTests : IAsyncDisposable
{
    private static readonly TimeSpan Break = TimeSpan.FromSeconds(10);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "bw-defer-storm", Guid.NewGuid().ToString("N"));
    private bool _healthy;

    [Fact]
    public async Task BreakerOpenNoLiveTraffic_FirstJobProbesWhenTheBreakEndsAndAllSixSucceed()
    {
        using var sut = HealthSut.Create(
            (n, _) => _healthy ? Api.Ok($"req_ok_{n}") : Api.Overloaded($"req_{n}"),
            o =>
            {
                o.CircuitBreaker.MinimumThroughput = 2;
                o.CircuitBreaker.BreakDuration = Break;
                o.CircuitBreaker.WhenOpen = Breakwater.Health.BreakerOpenBehavior.FailFast;
                o.Retry.Overloaded.MaxRetries = 0;
                o.Throttle.Enabled = false;
            });

        // The storm: two live 529s open the breaker; then the upstream is healthy again and nobody calls.
        for (var i = 0; i < 2; i++)
        {
            using var r = await sut.Send();
            Assert.Equal(529, (int)r.StatusCode);
        }

        Assert.Equal(CircuitState.Open, sut.Model(Opus).BreakerState);
        var opened = sut.Time.GetUtcNow();
        _healthy = true;

        using var store = new SqliteDeferredJobStore(Path.Combine(_dir, "jobs.db"), sut.Time);
        var ids = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var request = SqliteDeferredJobStoreTests.Request($$"""{"model":"{{Opus}}","max_tokens":1,"messages":[]}""");
            ids.Add((await store.EnqueueAsync("key_a", null, Opus, request, opened + TimeSpan.FromHours(1))).Job.Id);
        }

        await using var worker = new DeferralWorker(
            store,
            sut.Invoker,
            sut.Handler.GetHealth,
            new DeferralWorkerOptions
            {
                MaxInFlight = 4,
                PollInterval = TimeSpan.FromSeconds(1),
                QuietPeriod = TimeSpan.FromSeconds(5),
                MinQuietPeriod = TimeSpan.FromSeconds(5),
                UpstreamBaseAddress = new Uri("http://127.0.0.1:1"),
            },
            sut.Time);

        var startedAt = new List<(TimeSpan At, int Started)>();
        for (var step = 0; step < 60 && !await AllDone(store, ids); step++)
        {
            sut.Time.Advance(TimeSpan.FromSeconds(1));
            var since = sut.Time.GetUtcNow() - opened;
            if (since >= Break && startedAt.Count == 0)
            {
                // The break is over and no live call has gone through Polly: the state says so anyway.
                Assert.Equal(CircuitState.HalfOpen, sut.Model(Opus).BreakerState);
            }

            var started = await worker.RunOnceAsync();
            await worker.WhenIdleAsync();
            if (started > 0)
            {
                startedAt.Add((since, started));
            }
        }

        // Nothing during the break; exactly one job (the probe) at the first poll after it; then the rest.
        var first = startedAt[0];
        Assert.Equal(Break, first.At);
        Assert.Equal(1, first.Started);
        Assert.Equal(CircuitState.Closed, sut.Model(Opus).BreakerState);
        Assert.True(await AllDone(store, ids));
        Assert.True(startedAt[^1].At <= Break + TimeSpan.FromSeconds(30), $"the last job started at {startedAt[^1].At}");
        Assert.Equal(2 + 6, sut.Upstream.Count);
        foreach (var id in ids)
        {
            Assert.Equal(DeferredJobState.Succeeded, (await store.GetAsync("key_a", id))!.State);
        }
    }

    private static async Task<bool> AllDone(SqliteDeferredJobStore store, List<string> ids)
    {
        foreach (var id in ids)
        {
            if ((await store.GetAsync("key_a", id))!.State != DeferredJobState.Succeeded)
            {
                return false;
            }
        }

        return true;
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }

        return ValueTask.CompletedTask;
    }
}
