namespace Breakwater.Simulator.Benchmark;

/// <summary>
/// What a run in one <see cref="BenchMode"/> recorded: the tested policy's requests (every request in the clients and
/// gateway modes) and, in a tenant mode, the background clients' requests, each with the attempts of its own share.
/// </summary>
/// <param name="Tested">The requests of the clients that ran the tested policy.</param>
/// <param name="Background">The requests of the background clients; null outside tenant modes.</param>
internal sealed record ModeTrace(RunTrace Tested, RunTrace? Background);
