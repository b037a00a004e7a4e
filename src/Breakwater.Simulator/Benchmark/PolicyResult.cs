namespace Breakwater.Simulator.Benchmark;

/// <summary>The figures of one policy in one scenario (docs/benchmarks.md, "Metrics").</summary>
internal sealed record PolicyResult
{
    public required string Policy { get; init; }

    public required int Requests { get; init; }

    public required int Succeeded { get; init; }

    public required double SuccessRate { get; init; }

    public required double GoodputFraction { get; init; }

    public required double Amplification { get; init; }

    public required double PeakAmplification { get; init; }

    public required long P50Ms { get; init; }

    public required long P99Ms { get; init; }

    /// <summary>Seconds from the trigger's end until the rolling success rate is back and holds; null if never, or no trigger.</summary>
    public required long? RecoverySeconds { get; init; }

    public required double FallbackShare { get; init; }

    public required int EarlyRetries { get; init; }

    public required int Truncated { get; init; }

    /// <summary>Deferral figures; only in scenarios with a <c>deferral</c> section.</summary>
    public DeferralResult? Deferral { get; init; }
}
