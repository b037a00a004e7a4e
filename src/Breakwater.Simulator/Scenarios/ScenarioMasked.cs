namespace Breakwater.Simulator.Scenarios;

/// <summary>529s disguised as a load balancer's HTML 503 page without request-id, as a gateway in front of the API would send.</summary>
public sealed record ScenarioMasked
{
    /// <summary>Fraction of the 529s inside the window that are masked (required, in [0, 1]).</summary>
    public double Fraction { get; init; }

    /// <summary>Window start, in scenario seconds (default 0).</summary>
    public double StartSeconds { get; init; }

    /// <summary>Window end, in scenario seconds (default: the whole run).</summary>
    public double? EndSeconds { get; init; }
}
