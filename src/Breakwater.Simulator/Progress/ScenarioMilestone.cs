namespace Breakwater.Simulator.Progress;

/// <summary>One moment of a scenario worth a progress line: what changes, at which scenario second.</summary>
/// <param name="AtSeconds">Scenario seconds from the scenario's start.</param>
/// <param name="Text">What happens, e.g. <c>incident started: … capacity 120 → 24 slots</c>.</param>
internal sealed record ScenarioMilestone(double AtSeconds, string Text);
