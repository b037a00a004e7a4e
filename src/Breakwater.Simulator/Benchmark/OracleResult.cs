namespace Breakwater.Simulator.Benchmark;

/// <summary>The oracle's outcome: which logical requests the physical limit serves within D, and on which model.</summary>
internal sealed record OracleResult(int Successes, bool[] Succeeded, string?[] ServedModel);
