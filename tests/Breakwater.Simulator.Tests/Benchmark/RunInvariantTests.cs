using Breakwater.Health;
using Breakwater.Simulator.Benchmark;

namespace Breakwater.Simulator.Tests.Benchmark;

public class RunInvariantTests
{
    private static PolicyResult Row(string policy, int succeeded) => new()
    {
        Policy = policy,
        Requests = 100,
        Succeeded = succeeded,
        SuccessRate = succeeded / 100.0,
        GoodputFraction = 0,
        Amplification = 1,
        PeakAmplification = 1,
        P50Ms = 0,
        P99Ms = 0,
        RecoverySeconds = null,
        FallbackShare = 0,
        EarlyRetries = 0,
        Truncated = 0,
    };

    [Fact]
    public void CheckGoodput_PolicyAboveOracle_ThrowsNamingScenarioPolicyAndFigures()
    {
        var result = new ScenarioResult("storm", 90, [Row("none", 80), Row("breakwater", 91)]);

        var e = Assert.Throws<BenchmarkInvariantException>(() => RunInvariant.CheckGoodput(result));

        Assert.Contains("storm", e.Message, StringComparison.Ordinal);
        Assert.Contains("breakwater", e.Message, StringComparison.Ordinal);
        Assert.Contains("91", e.Message, StringComparison.Ordinal);
        Assert.Contains("90", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckGoodput_EqualToOracle_Passes()
    {
        var result = new ScenarioResult("storm", 90, [Row("none", 80), Row("breakwater", 90)]);

        RunInvariant.CheckGoodput(result);

        Assert.Equal(90, result.Policies[1].Succeeded);
    }

    [Fact]
    public void Check_AttemptUnanswered_Throws()
    {
        var trace = new RunTrace(BenchKit.Plan(BenchKit.Model("a", 1, 1), 0)) { OutstandingAttempts = 2 };

        var e = Assert.Throws<BenchmarkInvariantException>(() => RunInvariant.Check("s", "p", trace, []));

        Assert.Contains("2 upstream attempt(s) unanswered", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_LimiterStillHoldsCalls_ThrowsNamingClientAndModel()
    {
        var trace = new RunTrace(BenchKit.Plan(BenchKit.Model("a", 1, 1), 0));
        ModelHealth[] health = [new("client-3", "claude-sonnet-4-5", "closed", 10, 1, 2, 0), new("client-4", "claude-sonnet-4-5", "closed", 10, 0, 0, 0)];

        var e = Assert.Throws<BenchmarkInvariantException>(() => RunInvariant.Check("s", "breakwater", trace, health));

        Assert.Contains("client-3/claude-sonnet-4-5: 1 in flight, 2 queued", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("client-4", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_NothingLeft_Passes()
    {
        var trace = new RunTrace(BenchKit.Plan(BenchKit.Model("a", 1, 1), 0));

        RunInvariant.Check("s", "p", trace, [new ModelHealth("client-0", "a", "closed", 10, 0, 0, 0)]);

        Assert.Equal(0, trace.OutstandingAttempts);
    }
}
