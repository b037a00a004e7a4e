using Breakwater.Simulator.Benchmark;
using Breakwater.Simulator.Scenarios;

namespace Breakwater.Simulator.Tests.Benchmark;

public class MetricsTests
{
    private static RunTrace CreateSut(IReadOnlyList<PlannedRequest> plan) => new(plan);

    [Fact]
    public void Percentile_NearestRank()
    {
        double[] sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        Assert.Equal(5, Metrics.Percentile(sorted, 0.5));
        Assert.Equal(10, Metrics.Percentile(sorted, 0.99));
        Assert.Equal(0, Metrics.Percentile([], 0.5));
    }

    [Fact]
    public void Compute_SyntheticTrace_EveryFigure()
    {
        var a = BenchKit.Model("a", 10, 1);
        var b = BenchKit.Model("b", 10, 1);
        var scenario = BenchKit.Scenario(10, [a, b]);
        var plan = BenchKit.Plan(a, 1, 2, 3, 4, 15);
        var trace = CreateSut(plan);
        trace.Outcomes[0] = new RequestOutcome { Succeeded = true, LatencyMs = 1000, ServedModel = "a" };
        trace.Outcomes[1] = new RequestOutcome { Succeeded = true, LatencyMs = 3000, ServedModel = "b" };
        trace.Outcomes[2] = new RequestOutcome { Succeeded = true, LatencyMs = 2000, ServedModel = "a" };
        trace.Outcomes[3] = new RequestOutcome { Truncated = true };
        trace.AttemptTimes.AddRange([1, 2, 2.5, 3, 4, 5, 6, 15]);
        trace.EarlyRetries = 2;

        var r = Metrics.Compute("p", scenario, trace, oracleSuccesses: 4);

        Assert.Equal(5, r.Requests);
        Assert.Equal(3, r.Succeeded);
        Assert.Equal(0.6, r.SuccessRate);
        Assert.Equal(0.75, r.GoodputFraction);
        Assert.Equal(1.6, r.Amplification);
        Assert.Equal(1.75, r.PeakAmplification); // 7 attempts for 4 arrivals in the first 10 s
        Assert.Equal(2000, r.P50Ms);
        Assert.Equal(3000, r.P99Ms);
        Assert.Equal(0.3333, r.FallbackShare);
        Assert.Equal(2, r.EarlyRetries);
        Assert.Equal(1, r.Truncated);
        Assert.Null(r.RecoverySeconds);
    }

    [Fact]
    public void RecoverySeconds_SuccessBackAfterTwentySeconds_CountsFromTriggerEnd()
    {
        var a = BenchKit.Model("a", 10, 1);
        var scenario = BenchKit.Scenario(10, [a]) with
        {
            RunSeconds = 400,
            Incidents = [new ScenarioIncident { Model = "all", StartSeconds = 100, EndSeconds = 150, Capacity = 0.1 }],
        };

        // One arrival per second; everything fails from 100 s to 170 s (arrival time), succeeds otherwise.
        var plan = BenchKit.Plan(a, [.. Enumerable.Range(0, 400).Select(i => i + 0.5)]);
        var outcomes = plan.Select(p => new RequestOutcome { Succeeded = p.ArrivalSeconds < 100 || p.ArrivalSeconds >= 170 }).ToArray();

        // The rolling 30 s window needs ≥ 95 % of the pre-trigger 100 %: at most one failure in 30, first true for the
        // window of seconds 169–198 (one failure), which then holds: 198 − 150 = 48 s.
        Assert.Equal(48, Metrics.RecoverySeconds(scenario, plan, outcomes));
    }

    [Fact]
    public void RecoverySeconds_NeverBack_Null()
    {
        var a = BenchKit.Model("a", 10, 1);
        var scenario = BenchKit.Scenario(10, [a]) with
        {
            RunSeconds = 300,
            Incidents = [new ScenarioIncident { Model = "all", StartSeconds = 100, EndSeconds = 150, Capacity = 0.1 }],
        };
        var plan = BenchKit.Plan(a, [.. Enumerable.Range(0, 300).Select(i => i + 0.5)]);
        var outcomes = plan.Select(p => new RequestOutcome { Succeeded = p.ArrivalSeconds < 100 || p.Index % 2 == 0 }).ToArray();

        Assert.Null(Metrics.RecoverySeconds(scenario, plan, outcomes));
    }

    [Fact]
    public void Judge_StreamBodies_SuccessTruncatedOrFailed()
    {
        var plan = BenchKit.Plan(BenchKit.Model("a", 1, 1), 0)[0];
        var ok = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"b\"}}\n\nevent: message_stop\ndata: {}\n\n"u8.ToArray();
        var cut = "event: message_start\ndata: {}\n\nevent: content_block_delta\ndata: {}\n\n"u8.ToArray();
        var failed = "event: message_start\ndata: {}\n\nevent: error\ndata: {}\n\n"u8.ToArray();

        var success = PolicyRun.Judge(ok, stream: true, plan, TimeSpan.FromSeconds(2));
        Assert.True(success.Succeeded);
        Assert.Equal("b", success.ServedModel);
        Assert.Equal(2000, success.LatencyMs);
        Assert.Equal(new RequestOutcome { Truncated = true }, PolicyRun.Judge(cut, stream: true, plan, TimeSpan.Zero));
        Assert.Equal(default, PolicyRun.Judge(failed, stream: true, plan, TimeSpan.Zero));
    }
}
