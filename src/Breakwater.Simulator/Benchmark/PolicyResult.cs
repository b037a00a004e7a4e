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

    /// <summary>Seconds from the trigger's end to the first second from which every rolling 30 s window starting in the next 60 s is back to 95 % of the pre-trigger success rate; null if never, or no trigger.</summary>
    public required long? RecoverySeconds { get; init; }

    public required double FallbackShare { get; init; }

    /// <summary>Retries of a call sent before the retry-after that same call was given had run out.</summary>
    public required int EarlyRetries { get; init; }

    /// <summary>Retries sent while a retry-after the same client had been given (for any call) was running.</summary>
    public int EarlyRetriesClientWide { get; init; }

    /// <summary>Retries sent while a retry-after given to any client of the key was running.</summary>
    public int EarlyRetriesKeyWide { get; init; }

    /// <summary>Success rate of arrivals from the trigger's start to 60 s after its end; null when no trigger.</summary>
    public double? IncidentSuccess { get; init; }

    /// <summary>Success rate of arrivals in the 300 s before the first load shed after the trigger; null when the scenario has none.</summary>
    public double? StuckSuccess { get; init; }

    /// <summary>Successes per upstream service start (how much of the upstream's work was of use to a caller); null when not read.</summary>
    public double? UsefulWork { get; init; }

    /// <summary>429 responses seen per success.</summary>
    public double RateLimitedPerSuccess { get; init; }

    public required int Truncated { get; init; }

    /// <summary>Deferral figures; only in scenarios with a <c>deferral</c> section.</summary>
    public DeferralResult? Deferral { get; init; }
}
