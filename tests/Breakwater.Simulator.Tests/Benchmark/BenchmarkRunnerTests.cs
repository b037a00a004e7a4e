using System.Security.Cryptography;
using System.Text.Json;
using Breakwater.Simulator.Benchmark;

namespace Breakwater.Simulator.Tests.Benchmark;

public class BenchmarkRunnerTests
{
    private static BenchmarkReport CreateSut(int seed)
        => Task.Run(() => BenchmarkRunner.Run([BenchKit.ShortStorm()], seed)).GetAwaiter().GetResult();

    [Fact]
    public void Run_SameSeed_ByteIdenticalJson_OtherSeedDiffers()
    {
        var first = SHA256.HashData(CreateSut(4).ToJson());
        var second = SHA256.HashData(CreateSut(4).ToJson());
        var other = SHA256.HashData(CreateSut(5).ToJson());

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void ToJson_Shape_MatchesBenchmarksSpec()
    {
        var report = CreateSut(1);
        using var doc = JsonDocument.Parse(report.ToJson());
        var root = doc.RootElement;

        Assert.Equal(["seed", "modes"], root.EnumerateObject().Select(p => p.Name));
        var mode = Assert.Single(root.GetProperty("modes").EnumerateArray());
        Assert.Equal(["mode", "scenarios"], mode.EnumerateObject().Select(p => p.Name));
        Assert.Equal("clients", mode.GetProperty("mode").GetString());
        var scenario = mode.GetProperty("scenarios")[0];
        Assert.Equal(["name", "oracleSuccesses", "oracle", "policies"], scenario.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["best", "newestFirst", "fifoCutoff", "fifoCutoffK", "edf", "impossible"], scenario.GetProperty("oracle").EnumerateObject().Select(p => p.Name));
        Assert.Equal("short-storm", scenario.GetProperty("name").GetString());
        var policies = scenario.GetProperty("policies").EnumerateArray().ToList();
        Assert.Equal(BenchPolicies.All, policies.Select(p => p.GetProperty("policy").GetString()));
        Assert.All(policies, p => Assert.Equal(
            ["policy", "requests", "succeeded", "successRate", "goodputFraction", "amplification", "peakAmplification", "p50Ms", "p99Ms", "recoverySeconds", "fallbackShare", "earlyRetries", "earlyRetriesClientWide", "earlyRetriesKeyWide", "incidentSuccess", "stuckSuccess", "usefulWork", "rateLimitedPerSuccess", "truncated"],
            p.EnumerateObject().Select(x => x.Name)));
    }

    [Fact]
    public void Run_ShortStorm_FiguresAreConsistent()
    {
        var report = CreateSut(2);
        var scenario = Assert.Single(report.Scenarios);
        Assert.True(scenario.OracleSuccesses > 0);
        foreach (var p in scenario.Policies)
        {
            Assert.Equal(scenario.Policies[0].Requests, p.Requests);
            Assert.InRange(p.Succeeded, 0, p.Requests);
            Assert.Equal(0, p.Truncated);
        }

        var none = scenario.Policies.Single(p => p.Policy == BenchPolicies.None);
        Assert.Equal(1.0, none.Amplification);
        Assert.Equal(0, none.EarlyRetries);
        Assert.True(scenario.Policies.Single(p => p.Policy == BenchPolicies.Naive529).Amplification > 1.0, "a storm makes naive-529 retry");
    }

    [Fact]
    public void ArrivalPlan_SameSeed_SameArrivals_RateFollowsScenario()
    {
        var scenario = BenchKit.ShortStorm();
        var a = ArrivalPlan.Generate(scenario, 9);
        var b = ArrivalPlan.Generate(scenario, 9);

        Assert.Equal(a, b);
        var expected = scenario.OfferedRateAt(scenario.Models[0], 0) * scenario.RunSeconds; // 0.7 × 5/s × 120 s = 420
        Assert.InRange(a.Count, expected * 0.85, expected * 1.15);
        Assert.All(a, p => Assert.InRange(p.Client, 0, ArrivalPlan.DefaultClients - 1));
    }
}
