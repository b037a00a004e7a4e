namespace Breakwater.Simulator.Scenarios;

/// <summary>
/// 529s that do not depend on load: inside the window each attempt is answered 529 with probability
/// <see cref="Fraction"/> (a share of the upstream's fleet failing while the rest has room).
/// </summary>
public sealed record ScenarioRandomOverload
{
    /// <summary>Probability that an attempt arriving inside the window gets a 529 (required, in [0, 1]).</summary>
    public double Fraction { get; init; }

    /// <summary>Window start, in scenario seconds (default 0).</summary>
    public double StartSeconds { get; init; }

    /// <summary>Window end, in scenario seconds (default: the whole run).</summary>
    public double? EndSeconds { get; init; }
}
