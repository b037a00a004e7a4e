using Breakwater.Simulator.Benchmark;

namespace Breakwater.Simulator.Tests.Benchmark;

public class OracleTests
{
    private static OracleResult CreateSut(Breakwater.Simulator.Scenarios.Scenario scenario, params double[] arrivals)
        => Oracle.Run(scenario, BenchKit.Plan(scenario.Models[0], arrivals), seed: 1, inputTokens: 50);

    private static OracleResult CreateSut(OracleDiscipline discipline, Breakwater.Simulator.Scenarios.Scenario scenario, params double[] arrivals)
        => Oracle.Run(scenario, BenchKit.Plan(scenario.Models[0], arrivals), seed: 1, inputTokens: 50, discipline);

    [Fact]
    public void Run_OneSlot_NewestFirstWins()
    {
        // Slot busy 0–10 with #0; at 10 both #1 and #2 wait: #2 (newest) goes, ends at 20 ≤ 2 + 20; #1 goes at 20, ends 30 > 21.
        var scenario = BenchKit.Scenario(deadline: 20, [BenchKit.Model("a", 1, 10)]);
        var result = CreateSut(OracleDiscipline.NewestFirst, scenario, 0, 1, 2);

        Assert.Equal([true, false, true], result.Succeeded);
        Assert.Equal(2, result.Successes);
    }

    [Fact]
    public void Run_WaitedLongerThanDeadline_Dropped()
    {
        // Service 2 s, D = 3: #0 0–2; at 2 #2 goes (ends 4 ≤ 4); #1 has waited 3.5 s at 4 and is dropped.
        var scenario = BenchKit.Scenario(deadline: 3, [BenchKit.Model("a", 1, 2)]);
        var result = CreateSut(OracleDiscipline.NewestFirst, scenario, 0, 0.5, 1.0);

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

    [Fact]
    public void Run_ShortStorm_BestIsAtLeastEveryDiscipline()
    {
        var scenario = BenchKit.ShortStorm();
        var plan = ArrivalPlan.Generate(scenario, 3);
        var best = Oracle.Run(scenario, plan, seed: 3, inputTokens: 50);
        var each = new[] { Oracle.Run(scenario, plan, 3, 50, OracleDiscipline.NewestFirst), Oracle.Run(scenario, plan, 3, 50, OracleDiscipline.EarliestDeadline) }
            .Concat(Oracle.FifoCutoffs.Select(k => Oracle.Run(scenario, plan, 3, 50, OracleDiscipline.FifoCutoff, k)))
            .ToList();

        Assert.All(each, r => Assert.True(best.Successes >= r.Successes, $"{r.Best} k {r.FifoCutoff}: {r.Successes} > {best.Successes}"));
        Assert.Equal(each.Max(r => r.Successes), best.Successes);
        Assert.Equal(best.Successes, best.Succeeded.Count(s => s));
        Assert.Equal(each[0].Successes, best.NewestFirstSuccesses);
        Assert.Equal(each[1].Successes, best.EdfSuccesses);
    }

    [Fact]
    public void Run_FifoCutoff_OldestFirstThenDropsWhatWaitedTooLong()
    {
        // One slot, 10 s service, D = 20, k = 1 (cutoff 10 s waited): #0 0–10; at 10 #1 (waited 9) goes, ends 20 ≤ 21;
        // at 20 #2 has waited 18 > 10 and is dropped.
        var scenario = BenchKit.Scenario(deadline: 20, [BenchKit.Model("a", 1, 10)]);
        var result = Oracle.Run(scenario, BenchKit.Plan(scenario.Models[0], 0, 1, 2), 1, 50, OracleDiscipline.FifoCutoff, 1.0);

        Assert.Equal([true, true, false], result.Succeeded);
    }

    [Fact]
    public void Run_Edf_RemainingTimeBelowMeanService_NotStarted_SlotGoesToTheNextRequest()
    {
        // One slot, 10 s service, D = 15. #0 0–10; at 10 #1 has 6 s left (< 10): dropped, never started; #2 (arrived 9,
        // 14 s left) starts at once and ends at 20 ≤ 24. Newest-first starts #2 at 10 as well, then #1 — too late.
        var scenario = BenchKit.Scenario(deadline: 15, [BenchKit.Model("a", 1, 10)]);
        var result = CreateSut(OracleDiscipline.EarliestDeadline, scenario, 0, 1, 9);

        Assert.Equal([true, false, true], result.Succeeded);
    }

    [Fact]
    public void Run_ServiceAboveDeadlineOnEveryUsableModel_CountedImpossible_NeverServed()
    {
        // "a" takes 10 s, D = 5: impossible on its own; with a fallback to the 2 s "b" it is not.
        var a = BenchKit.Model("a", 5, 10);
        var b = BenchKit.Model("b", 5, 2);
        var alone = CreateSut(BenchKit.Scenario(5, [a, b]), 0, 1, 2);
        var chained = CreateSut(BenchKit.Scenario(5, [a, b], "a", "b"), 0, 1, 2);

        Assert.Equal(3, alone.Impossible);
        Assert.Equal(0, alone.Successes);
        Assert.Equal(0, chained.Impossible);
        Assert.Equal(3, chained.Successes);
    }

    [Fact]
    public void Run_CallThatCannotFinishInTime_HoldsItsSlotToTheEndOfItsService()
    {
        // One slot, D = 10, FIFO with k = 0 (drop once waited > D). #0 (8 s) 0–8; #1 (8 s) starts at 8, cannot end by
        // 11 but holds the slot to 16, as upstream does; #2 (arrived 7, 4 s) would end at 20 > 17. Freed at 11, #2 would make it.
        var model = BenchKit.Model("a", 1, 5) with { ServiceSigma = 0.5 };
        var scenario = BenchKit.Scenario(10, [model]);
        static double Z(double seconds) => (Math.Log(seconds / 5.0) + (0.5 * 0.5 / 2.0)) / 0.5;
        IReadOnlyList<PlannedRequest> plan =
        [
            new PlannedRequest { Index = 0, Client = 0, ArrivalSeconds = 0, Model = model, Stream = false, ServiceZ = Z(8), OutputTokens = 10 },
            new PlannedRequest { Index = 1, Client = 0, ArrivalSeconds = 1, Model = model, Stream = false, ServiceZ = Z(8), OutputTokens = 10 },
            new PlannedRequest { Index = 2, Client = 0, ArrivalSeconds = 7, Model = model, Stream = false, ServiceZ = Z(4), OutputTokens = 10 },
        ];
        var result = Oracle.Run(scenario, plan, 1, 50, OracleDiscipline.FifoCutoff, 0);

        Assert.Equal([true, false, false], result.Succeeded);
        Assert.Equal(0, result.Impossible);
    }
}
