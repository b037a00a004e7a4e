using System.Net;
using Breakwater.Simulator.Benchmark;
using Breakwater.Simulator.Scenarios;
using Breakwater.Simulator.Time;

namespace Breakwater.Simulator.Tests.Scenarios;

/// <summary>The benchmark's service-time pinning, with and without <see cref="Scenario.ServiceTimeRedraw"/>.</summary>
public class ServiceTimeRedrawTests
{
    private static List<TimeSpan> ServiceTimesOfAttempts(bool redraw, int index, int attempts)
    {
        var scenario = ScenarioCatalog.Get("steady") with { ServiceTimeRedraw = redraw };
        var sonnet = scenario.FindModel("claude-sonnet-4-5")!;
        var plan = new PlannedRequest { Index = index, Client = 0, ArrivalSeconds = 0, Model = sonnet, Stream = false, ServiceZ = 0.3, OutputTokens = 10 };
        var trace = new RunTrace([.. Enumerable.Range(0, index + 1).Select(i => plan with { Index = i })]);
        var clock = new VirtualTimeProvider();
        var seen = new List<TimeSpan>();
        using var inner = new CapturingHandler(seen);
        using var tap = new UpstreamTap(trace, clock, clock.GetUtcNow(), scenario, inner);
        using var invoker = new HttpMessageInvoker(tap);
        for (var i = 0; i < attempts; i++)
        {
            using var request = TestKit.Messages();
            request.Options.Set(UpstreamTap.PlanOption, plan);
            using var response = TestKit.Done(invoker.SendAsync(request, CancellationToken.None));
        }

        return seen;
    }

    [Fact]
    public void Default_EveryAttemptGetsThePlannedServiceTime()
    {
        var times = ServiceTimesOfAttempts(redraw: false, index: 4, attempts: 3);

        Assert.Single(times.Distinct());
    }

    [Fact]
    public void Redraw_FirstAttemptKeepsThePlan_RetriesDrawFreshTimes_SameEveryRun()
    {
        var pinned = ServiceTimesOfAttempts(redraw: false, index: 4, attempts: 1)[0];
        var times = ServiceTimesOfAttempts(redraw: true, index: 4, attempts: 4);

        Assert.Equal(pinned, times[0]);
        Assert.Equal(4, times.Distinct().Count());
        Assert.Equal(times, ServiceTimesOfAttempts(redraw: true, index: 4, attempts: 4));
        Assert.NotEqual(times[1], ServiceTimesOfAttempts(redraw: true, index: 5, attempts: 2)[1]);
    }

    [Fact]
    public void RedrawnZ_IsStandardNormal()
    {
        var z = Enumerable.Range(0, 20_000).Select(i => UpstreamTap.RedrawnZ(i / 4, 2 + (i % 4))).ToList();
        var mean = z.Average();

        Assert.InRange(mean, -0.03, 0.03);
        Assert.InRange(z.Average(v => (v - mean) * (v - mean)), 0.96, 1.04);
        Assert.InRange(z.Count(v => v > 1.6449) / 20_000.0, 0.045, 0.055);
    }

    private sealed class CapturingHandler(List<TimeSpan> seen) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Assert.True(request.Options.TryGetValue(SimulatedUpstream.ServiceTimeOption, out var serviceTime));
            seen.Add(serviceTime);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request });
        }
    }
}
