namespace Breakwater.Simulator.Benchmark;

/// <summary>
/// The deferral figures of one policy in a scenario with a <c>deferral</c> section: how many deferrable
/// requests completed within their long deadline (live within D, or as a job), and the success rate of the others.
/// </summary>
internal sealed record DeferralResult
{
    public required int Deferrable { get; init; }

    /// <summary>Deferrable requests that succeeded live (within D) or whose job succeeded within the deferral deadline.</summary>
    public required int Completed { get; init; }

    public required double CompletionRate { get; init; }

    /// <summary>Requests turned into jobs.</summary>
    public required int Deferred { get; init; }

    public required int JobsSucceeded { get; init; }

    public required int JobsExpired { get; init; }

    public required int JobsFailed { get; init; }

    /// <summary>Jobs still queued or running when the run ended (should be 0: the run lasts past every deadline).</summary>
    public required int JobsUnfinished { get; init; }

    /// <summary>Worker attempts per job, on average.</summary>
    public required double AttemptsPerJob { get; init; }

    /// <summary>From arrival to completion of the jobs that succeeded, median and 99th percentile, in seconds.</summary>
    public required long JobP50Seconds { get; init; }

    public required long JobP99Seconds { get; init; }

    public required int NonDeferrable { get; init; }

    public required int NonDeferrableSucceeded { get; init; }

    public required double NonDeferrableSuccessRate { get; init; }
}
