namespace Breakwater.Simulator.Benchmark;

/// <summary>What became of a request that was turned into a deferred job.</summary>
internal readonly record struct DeferredOutcome
{
    /// <summary>The job reached succeeded, no later than its deadline.</summary>
    public bool Succeeded { get; init; }

    /// <summary>The job's final state (queued or running if the run ended first).</summary>
    public Breakwater.Deferral.DeferredJobState State { get; init; }

    /// <summary>From the request's arrival to the job's completion, in seconds (final jobs only).</summary>
    public double CompletedAfterSeconds { get; init; }

    /// <summary>Worker attempts of the job.</summary>
    public int Attempts { get; init; }
}
