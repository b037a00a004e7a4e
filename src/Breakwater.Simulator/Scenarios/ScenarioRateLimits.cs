namespace Breakwater.Simulator.Scenarios;

/// <summary>Per-key token buckets, each refilling continuously over a minute.</summary>
public sealed record ScenarioRateLimits
{
    /// <summary>Requests per minute (default 4,000).</summary>
    public long Rpm { get; init; } = 4_000;

    /// <summary>Input tokens per minute (default 2,000,000).</summary>
    public long Itpm { get; init; } = 2_000_000;

    /// <summary>Output tokens per minute (default 400,000).</summary>
    public long Otpm { get; init; } = 400_000;

    /// <summary>Limits so large that they are reported but never reached: used when a scenario sets none.</summary>
    public static ScenarioRateLimits Unlimited { get; } = new() { Rpm = 1_000_000, Itpm = 1_000_000_000, Otpm = 200_000_000 };
}
