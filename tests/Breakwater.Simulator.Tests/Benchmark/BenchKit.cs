using Breakwater.Simulator.Benchmark;
using Breakwater.Simulator.Scenarios;

namespace Breakwater.Simulator.Tests.Benchmark;

/// <summary>Hand-made scenarios and plans whose outcomes can be worked out on paper.</summary>
internal static class BenchKit
{
    public static ScenarioModel Model(string name, int slots, double serviceSeconds) => new()
    {
        Name = name,
        Family = name,
        Slots = slots,
        ServiceMeanSeconds = serviceSeconds,
        ServiceSigma = 0,
    };

    public static Scenario Scenario(double deadline, IReadOnlyList<ScenarioModel> models, params string[] chain) => new()
    {
        Name = "hand",
        RunSeconds = 60,
        DeadlineSeconds = deadline,
        AttemptTimeoutSeconds = deadline,
        Models = models,
        FallbackChain = chain,
    };

    public static IReadOnlyList<PlannedRequest> Plan(ScenarioModel model, params double[] arrivals)
        => [.. arrivals.Select((t, i) => new PlannedRequest { Index = i, Client = 0, ArrivalSeconds = t, Model = model, Stream = false, ServiceZ = 0, OutputTokens = 100 })];

    /// <summary>A short flash storm: 2 minutes, capacity at 20 % for 20 s, 50 % load on a small Sonnet pool.</summary>
    public static Scenario ShortStorm() => new()
    {
        Name = "short-storm",
        RunSeconds = 120,
        DeadlineSeconds = 30,
        AttemptTimeoutSeconds = 20,
        Models = [new ScenarioModel { Name = "claude-sonnet-4-5", Family = "sonnet", MatchPrefixes = ["claude-sonnet-"], Slots = 20, ServiceMeanSeconds = 4, ServiceSigma = 0.5, OutputTokensMean = 100 }],
        Incidents = [new ScenarioIncident { Model = "sonnet", StartSeconds = 30, EndSeconds = 50, Capacity = 0.2 }],
        Load = [new ScenarioLoadPhase { Model = "sonnet", FromSeconds = 0, Fraction = 0.7 }],
        StreamingFraction = 0.5,
    };
}
