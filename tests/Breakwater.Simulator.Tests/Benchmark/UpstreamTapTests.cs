using Breakwater.Simulator.Benchmark;
using Microsoft.Extensions.Time.Testing;

namespace Breakwater.Simulator.Tests.Benchmark;

public class UpstreamTapTests
{
    private static async Task SendAsync(UpstreamTap tap, PlannedRequest plan)
    {
        using var invoker = new HttpMessageInvoker(tap, disposeHandler: false);
        using var request = BenchRequests.Create(plan);
        using var response = await invoker.SendAsync(request, CancellationToken.None);
    }

    [Fact]
    public async Task SendAsync_RetriesBeforeRetryAfter_CountedPerCallPerClientAndKeyWide()
    {
        // Client 0's call #0 gets a 429 with retry-after 10 s; 2 s later #0 retries (early for the call, the client
        // and the key), client 0's call #1 retries (early for the client and the key, not for itself), and client 1's
        // call #2 retries (early for the key only). All at 12 s: none early.
        var time = new FakeTimeProvider();
        var scenario = BenchKit.Scenario(60, [BenchKit.Model("a", 10, 1)]);
        var plan = BenchKit.Plan(scenario.Models[0], 0, 0, 0).Select((p, i) => p with { Client = i == 2 ? 1 : 0 }).ToList();
        var trace = new RunTrace(plan);
        using var upstream = new ScriptedHandler(time, ScriptedHandler.Status(429, ("retry-after", "10")), ScriptedHandler.Status(200), ScriptedHandler.Status(200), ScriptedHandler.Status(200), ScriptedHandler.Status(200));
        using var tap0 = new UpstreamTap(trace, time, time.GetUtcNow(), scenario, upstream);
        using var tap1 = new UpstreamTap(trace, time, time.GetUtcNow(), scenario, upstream);
        await SendAsync(tap0, plan[0]);
        await SendAsync(tap0, plan[1]);
        await SendAsync(tap1, plan[2]);
        time.Advance(TimeSpan.FromSeconds(2));

        await SendAsync(tap0, plan[0]);
        await SendAsync(tap0, plan[1]);
        await SendAsync(tap1, plan[2]);
        time.Advance(TimeSpan.FromSeconds(10));
        await SendAsync(tap0, plan[0]);

        Assert.Equal(1, trace.EarlyRetries);
        Assert.Equal(2, trace.EarlyRetriesClientWide);
        Assert.Equal(3, trace.EarlyRetriesKeyWide);
        Assert.Equal(1, trace.RateLimited);
        Assert.Equal(0, trace.OutstandingAttempts);
    }
}
