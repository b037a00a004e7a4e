namespace Breakwater.Simulator.Benchmark;

/// <summary>The policies compared side by side, in report order.</summary>
internal static class BenchPolicies
{
    public const string None = "none";
    public const string SdkDefault = "sdk-default";
    public const string Naive529 = "naive-529";
    public const string PollyStandard = "polly-standard";
    public const string Breakwater = "breakwater";

    /// <summary>Breakwater plus durable deferral of the deferrable requests (scenarios with a <c>deferral</c> section).</summary>
    public const string BreakwaterDefer = "breakwater-defer";

    public static IReadOnlyList<string> All { get; } = [None, SdkDefault, Naive529, PollyStandard, Breakwater];

    /// <summary>The policies a scenario is run with: <see cref="All"/>, plus <see cref="BreakwaterDefer"/> where it has a deferral section.</summary>
    public static IReadOnlyList<string> For(Scenarios.Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return scenario.Deferral is null ? All : [.. All, BreakwaterDefer];
    }
}
