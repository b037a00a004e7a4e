namespace Breakwater.Bench.Overhead;

/// <summary>Time to first byte of a stream, in ms, over <see cref="Samples"/> sequential requests.</summary>
internal sealed record TtfbResult(double MedianMs, double P99Ms, int Samples, int Failures);
