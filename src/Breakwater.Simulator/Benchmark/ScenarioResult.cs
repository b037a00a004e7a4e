namespace Breakwater.Simulator.Benchmark;

/// <summary>One scenario in one mode: the oracle's successes and every policy's figures.</summary>
internal sealed record ScenarioResult(string Name, int OracleSuccesses, IReadOnlyList<PolicyResult> Policies)
{
    /// <summary>
    /// Tenant modes: per row of <see cref="Policies"/> (the tested share's figures), the background clients' figures in
    /// that same run; null in the other modes.
    /// </summary>
    public IReadOnlyList<PolicyResult>? Backgrounds { get; init; }
}
