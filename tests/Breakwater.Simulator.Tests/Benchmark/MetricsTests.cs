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

        // A 30 s window needs ≥ 95 % of the pre-trigger 100 %: at most one failure in 30. The window starting at 169
        // (one failure) is the first, and every later one is clean: recovered at 169, 169 − 150 = 19 s.
        Assert.Equal(19, Metrics.RecoverySeconds(scenario, plan, outcomes));
    }

    [Fact]
    public void RecoverySeconds_SuccessBackTheMomentTheTriggerEnds_Zero()
    {
        var a = BenchKit.Model("a", 10, 1);
        var scenario = BenchKit.Scenario(10, [a]) with
        {
            RunSeconds = 400,
            Incidents = [new ScenarioIncident { Model = "all", StartSeconds = 100, EndSeconds = 150, Capacity = 0.1 }],
        };
        var plan = BenchKit.Plan(a, [.. Enumerable.Range(0, 400).Select(i => i + 0.5)]);
        var outcomes = plan.Select(p => new RequestOutcome { Succeeded = p.ArrivalSeconds < 100 || p.ArrivalSeconds >= 150 }).ToArray();

        Assert.Equal(0, Metrics.RecoverySeconds(scenario, plan, outcomes));
    }

    [Fact]
    public void RecoverySeconds_RelapseWithinTheHold_CountsFromAfterTheRelapse()
    {
        var a = BenchKit.Model("a", 10, 1);
        var scenario = BenchKit.Scenario(10, [a]) with
        {
            RunSeconds = 400,
            Incidents = [new ScenarioIncident { Model = "all", StartSeconds = 100, EndSeconds = 150, Capacity = 0.1 }],
        };

        // Back at 150, but arrivals 200–209 fail again: every window starting in [172, 208] holds ≥ 2 failures (the
        // 95 % bar allows one in 30), the one starting at 209 holds one, and all after it none: recovered at 209, 59 s.
        var plan = BenchKit.Plan(a, [.. Enumerable.Range(0, 400).Select(i => i + 0.5)]);
        var outcomes = plan.Select(p => new RequestOutcome { Succeeded = p.ArrivalSeconds < 100 || (p.ArrivalSeconds >= 150 && (p.ArrivalSeconds < 200 || p.ArrivalSeconds >= 210)) }).ToArray();

        Assert.Equal(59, Metrics.RecoverySeconds(scenario, plan, outcomes));
    }

    [Fact]
    public void Compute_IncidentAndStuckWindows_SuccessRateOfTheirArrivals()
    {
        // Incident 100–150: its window is arrivals in [100, 210). Load 0.8 until 1200, then 0.2: a shed, whose window is
        // arrivals in [900, 1200).
        var a = BenchKit.Model("a", 10, 1);
        var scenario = BenchKit.Scenario(10, [a]) with
        {
            RunSeconds = 1500,
            Incidents = [new ScenarioIncident { Model = "all", StartSeconds = 100, EndSeconds = 150, Capacity = 0.1 }],
            Load = [new ScenarioLoadPhase { Model = "all", FromSeconds = 0, Fraction = 0.8 }, new ScenarioLoadPhase { Model = "all", FromSeconds = 1200, Fraction = 0.2 }],
        };
        var plan = BenchKit.Plan(a, [.. Enumerable.Range(0, 1500).Select(i => i + 0.5)]);
        var trace = CreateSut(plan);
        for (var i = 0; i < plan.Count; i++)
        {
            var t = plan[i].ArrivalSeconds;
            var failed = (t >= 100 && t < 210 && i % 2 == 1) || (t >= 900 && t < 1200 && i % 4 == 0);
            trace.Outcomes[i] = new RequestOutcome { Succeeded = !failed, LatencyMs = 1 };
        }

        var r = Metrics.Compute("p", scenario, trace, oracleSuccesses: plan.Count);

        Assert.Equal(1200, Metrics.LoadShedAt(scenario));
        Assert.Equal(0.5, r.IncidentSuccess);
        Assert.Equal(0.75, r.StuckSuccess);
    }

    [Fact]
    public void Compute_NoTriggerNoShed_WindowsNull()
    {
        var a = BenchKit.Model("a", 10, 1);
        var scenario = BenchKit.Scenario(10, [a]) with
        {
            Load = [new ScenarioLoadPhase { Model = "all", FromSeconds = 0, Fraction = 0.8 }, new ScenarioLoadPhase { Model = "all", FromSeconds = 30, Fraction = 0.2 }],
        };
        var trace = CreateSut(BenchKit.Plan(a, 1, 2));

        var r = Metrics.Compute("p", scenario, trace, oracleSuccesses: 2);

        Assert.Null(r.IncidentSuccess);
        Assert.Null(r.StuckSuccess);
        Assert.Null(r.UsefulWork);
    }

    [Fact]
    public void Compute_UsefulWorkAndRateLimitedPerSuccess_FromTheTraceCounts()
    {
        var a = BenchKit.Model("a", 10, 1);
        var scenario = BenchKit.Scenario(10, [a]);
        var trace = CreateSut(BenchKit.Plan(a, 1, 2, 3, 4));
        trace.Outcomes[0] = new RequestOutcome { Succeeded = true, LatencyMs = 1 };
        trace.Outcomes[1] = new RequestOutcome { Succeeded = true, LatencyMs = 1 };
        trace.UpstreamStarts = 8;
        trace.RateLimited = 5;
        trace.EarlyRetriesClientWide = 3;
        trace.EarlyRetriesKeyWide = 4;

        var r = Metrics.Compute("p", scenario, trace, oracleSuccesses: 4);

        Assert.Equal(0.25, r.UsefulWork);
        Assert.Equal(2.5, r.RateLimitedPerSuccess);
        Assert.Equal(3, r.EarlyRetriesClientWide);
        Assert.Equal(4, r.EarlyRetriesKeyWide);
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
