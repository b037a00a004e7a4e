namespace Breakwater.Simulator.Benchmark;

/// <summary>One scenario: the oracle's successes and every policy's figures.</summary>
internal sealed record ScenarioResult(string Name, int OracleSuccesses, IReadOnlyList<PolicyResult> Policies);
