namespace Breakwater.Simulator.Benchmark;

/// <summary>Everything a run recorded: each logical request's outcome and every upstream attempt.</summary>
internal sealed class RunTrace
{
    public RunTrace(IReadOnlyList<PlannedRequest> plan)
    {
        Plan = plan;
        Outcomes = new RequestOutcome[plan.Count];
        AttemptsPerRequest = new int[plan.Count];
    }

    public IReadOnlyList<PlannedRequest> Plan { get; }

    public RequestOutcome[] Outcomes { get; }

    /// <summary>Upstream attempts per logical request.</summary>
    public int[] AttemptsPerRequest { get; }

    /// <summary>When each upstream attempt was sent, in scenario seconds.</summary>
    public List<double> AttemptTimes { get; } = [];

    /// <summary>Per logical request, its deferred job's outcome (null: not deferred); null for runs that do not defer.</summary>
    public DeferredOutcome?[]? Deferred { get; set; }

    /// <summary>Retries sent while a retry-after the same client had been given was still running.</summary>
    public int EarlyRetries { get; set; }
}
