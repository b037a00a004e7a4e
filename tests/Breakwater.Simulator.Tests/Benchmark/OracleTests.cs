using Breakwater.Simulator.Benchmark;

namespace Breakwater.Simulator.Tests.Benchmark;

public class OracleTests
{
    private static OracleResult CreateSut(Breakwater.Simulator.Scenarios.Scenario scenario, params double[] arrivals)
        => Oracle.Run(scenario, BenchKit.Plan(scenario.Models[0], arrivals), seed: 1, inputTokens: 50);

    [Fact]
    public void Run_OneSlot_NewestFirstWins()
    {
        // Slot busy 0–10 with #0; at 10 both #1 and #2 wait: #2 (newest) goes, ends at 20 ≤ 2 + 20; #1 goes at 20, ends 30 > 21.
        var scenario = BenchKit.Scenario(deadline: 20, [BenchKit.Model("a", 1, 10)]);
        var result = CreateSut(scenario, 0, 1, 2);

        Assert.Equal([true, false, true], result.Succeeded);
        Assert.Equal(2, result.Successes);
    }

    [Fact]
    public void Run_WaitedLongerThanDeadline_Dropped()
    {
        // Service 2 s, D = 3: #0 0–2; at 2 #2 goes (ends 4 ≤ 4); #1 has waited 3.5 s at 4 and is dropped.
        var scenario = BenchKit.Scenario(deadline: 3, [BenchKit.Model("a", 1, 2)]);
        var result = CreateSut(scenario, 0, 0.5, 1.0);

        Assert.Equal([true, false, true], result.Succeeded);
    }

    [Fact]
    public void Run_NextModelHasFreeSlot_FallsBack()
    {
        var a = BenchKit.Model("a", 1, 10);
        var b = BenchKit.Model("b", 1, 10);
        var withChain = CreateSut(BenchKit.Scenario(15, [a, b], "a", "b"), 0, 0.1);
        var without = CreateSut(BenchKit.Scenario(15, [a, b]), 0, 0.1);

        Assert.Equal(2, withChain.Successes);
        Assert.Equal("b", withChain.ServedModel[1]);
        Assert.Equal(1, without.Successes);
    }

    [Fact]
    public void Run_CapacityIncident_SlotsFollowMultiplier()
    {
        // Two slots, halved to one from 0 to 100 s: the second arrival waits for the first.
        var scenario = BenchKit.Scenario(15, [BenchKit.Model("a", 2, 10)]) with
        {
            Incidents = [new Breakwater.Simulator.Scenarios.ScenarioIncident { Model = "all", StartSeconds = 0, EndSeconds = 100, Capacity = 0.5 }],
        };
        var result = CreateSut(scenario, 0, 0);

        Assert.Equal(1, result.Successes);
    }

    [Fact]
    public void Run_RateLimit_OracleWaitsForTheBucket()
    {
        // RPM 60 = one per second after the initial bucket of 60: 61 requests at t=0 with D = 0.5 s cannot all start.
        var scenario = BenchKit.Scenario(0.5, [BenchKit.Model("a", 1000, 0.1)]) with { RateLimits = new Breakwater.Simulator.Scenarios.ScenarioRateLimits { Rpm = 60, Itpm = 1_000_000, Otpm = 1_000_000 } };
        var result = CreateSut(scenario, [.. Enumerable.Repeat(0.0, 61)]);

        Assert.Equal(60, result.Successes);
    }
}
