namespace Breakwater.Simulator.Scenarios;

/// <summary>The values of <see cref="Scenario.QueueBound"/>: how the upstream's queue is bounded.</summary>
public static class ScenarioQueueBound
{
    /// <summary>⌊queueSeconds × c(t) × μ⌋ entries: the queue holds queueSeconds of work at the current capacity (default).</summary>
    public const string Time = "time";

    /// <summary>⌊queueSeconds × μ⌋ entries whatever the capacity: a fixed-size buffer, so a capacity drop lengthens the wait.</summary>
    public const string Entries = "entries";

    /// <summary>No queue: a request that finds every slot busy gets a 529 at once.</summary>
    public const string None = "none";

    /// <summary>Every accepted value.</summary>
    public static IReadOnlyList<string> All { get; } = [Time, Entries, None];
}
