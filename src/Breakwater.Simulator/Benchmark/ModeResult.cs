namespace Breakwater.Simulator.Benchmark;

/// <summary>Every scenario's figures in one deployment mode.</summary>
internal sealed record ModeResult(BenchMode Mode, IReadOnlyList<ScenarioResult> Scenarios);
