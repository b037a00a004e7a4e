namespace Breakwater.Simulator.Benchmark;

/// <summary>One scenario in one mode: the oracle's successes (the best discipline), the oracle's detail, and every policy's figures.</summary>
internal sealed record ScenarioResult(string Name, int OracleSuccesses, IReadOnlyList<PolicyResult> Policies)
{
    /// <summary>Each oracle discipline's successes and the impossible count (empty when the result was built without an oracle run).</summary>
    public OracleResult Oracle { get; init; } = new(OracleSuccesses, [], []);

    /// <summary>
    /// Tenant modes: per row of <see cref="Policies"/> (the tested share's figures), the background clients' figures in
    /// that same run; null in the other modes.
    /// </summary>
    public IReadOnlyList<PolicyResult>? Backgrounds { get; init; }
}
