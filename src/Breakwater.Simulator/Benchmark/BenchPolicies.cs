namespace Breakwater.Simulator.Benchmark;

/// <summary>The policies compared side by side, in report order (BENCHMARKS.md §1).</summary>
internal static class BenchPolicies
{
    public const string None = "none";
    public const string SdkDefault = "sdk-default";
    public const string Naive529 = "naive-529";
    public const string PollyStandard = "polly-standard";
    public const string Breakwater = "breakwater";

    public static IReadOnlyList<string> All { get; } = [None, SdkDefault, Naive529, PollyStandard, Breakwater];
}
