namespace Breakwater.Simulator.Scenarios;

/// <summary>How the simulated status page follows the scenario's incidents.</summary>
public sealed record ScenarioStatusPage
{
    /// <summary>Minutes after an incident starts before it is posted as "investigating" (default 5).</summary>
    public double PostedAfterMinutes { get; init; } = 5;

    /// <summary>Minutes after posting before the "identified" update (default 3; skipped if the incident ended first).</summary>
    public double IdentifiedAfterMinutes { get; init; } = 3;

    /// <summary>Minutes after an incident ends before it is "resolved"; "monitoring" is posted when it ends (default 10).</summary>
    public double ResolvedAfterMinutes { get; init; } = 10;
}
