namespace Breakwater.Simulator.Scenarios;

/// <summary>Offered load for a model from <see cref="FromSeconds"/> until the next phase of the same model.
/// Exactly one of <see cref="Rate"/> and <see cref="Fraction"/> is set.</summary>
public sealed record ScenarioLoadPhase
{
    /// <summary>The model's name or family, or <c>all</c> (default <c>all</c>).</summary>
    public string Model { get; init; } = "all";

    /// <summary>Start of the phase, in scenario seconds (default 0).</summary>
    public double FromSeconds { get; init; }

    /// <summary>Absolute arrivals per second (default unset).</summary>
    public double? Rate { get; init; }

    /// <summary>Arrivals as a fraction of the model's μ = C / mean service time (default unset).</summary>
    public double? Fraction { get; init; }
}
