namespace Breakwater.Simulator.Benchmark;

/// <summary>The policies compared side by side, in report order.</summary>
internal static class BenchPolicies
{
    public const string None = "none";
    public const string SdkDefault = "sdk-default";
    public const string Naive529 = "naive-529";
    public const string PollyStandard = "polly-standard";
    public const string AgentTen = "agent-10";
    public const string LiteLlmRouter = "litellm-router";
    public const string Portkey = "portkey";
    public const string Breakwater = "breakwater";

    /// <summary>Breakwater plus durable deferral of the deferrable requests (scenarios with a <c>deferral</c> section).</summary>
    public const string BreakwaterDefer = "breakwater-defer";

    public static IReadOnlyList<string> All { get; } = [None, SdkDefault, Naive529, PollyStandard, AgentTen, LiteLlmRouter, Portkey, Breakwater];

    /// <summary>
    /// The fixed number each policy's client seeds are derived from, separate from the report order so that adding a
    /// policy never changes another's draws (the first five keep the indexes they had when they were the only ones).
    /// </summary>
    public static int SeedIndex(string policy) => policy switch
    {
        SdkDefault => 1,
        Naive529 => 2,
        PollyStandard => 3,
        Breakwater or BreakwaterDefer => 4,
        AgentTen => 5,
        LiteLlmRouter => 6,
        Portkey => 7,
        _ => 0,
    };

    /// <summary>The policies a scenario is run with: <see cref="All"/>, plus <see cref="BreakwaterDefer"/> where it has a deferral section.</summary>
    public static IReadOnlyList<string> For(Scenarios.Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return scenario.Deferral is null ? All : [.. All, BreakwaterDefer];
    }
}
