namespace Breakwater.Simulator.Scenarios;

/// <summary>A capacity incident: between <see cref="StartSeconds"/> and <see cref="EndSeconds"/> the model has C × <see cref="Capacity"/> slots.</summary>
public sealed record ScenarioIncident
{
    /// <summary>The model's name or family, or <c>all</c> (default <c>all</c>).</summary>
    public string Model { get; init; } = "all";

    /// <summary>Start, in scenario seconds (required, ≥ 0).</summary>
    public double StartSeconds { get; init; }

    /// <summary>End, in scenario seconds (required, &gt; start).</summary>
    public double EndSeconds { get; init; }

    /// <summary>Capacity multiplier c in [0, 1] (required).</summary>
    public double Capacity { get; init; } = 1;

    /// <summary>The status page title (default "Elevated errors on &lt;model&gt;").</summary>
    public string? Title { get; init; }
}
