namespace Breakwater.Simulator.Benchmark;

/// <summary>Everything a run recorded: each logical request's outcome and every upstream attempt.</summary>
internal sealed class RunTrace
{
    public RunTrace(IReadOnlyList<PlannedRequest> plan)
    {
        Plan = plan;
        Outcomes = new RequestOutcome[plan.Count];
        AttemptsPerRequest = new int[plan.Count];
        RetryAfterUntil = new double[plan.Count];
        Array.Fill(RetryAfterUntil, double.NegativeInfinity);
    }

    public IReadOnlyList<PlannedRequest> Plan { get; }

    public RequestOutcome[] Outcomes { get; }

    /// <summary>Upstream attempts per logical request.</summary>
    public int[] AttemptsPerRequest { get; }

    /// <summary>When each upstream attempt was sent, in scenario seconds.</summary>
    public List<double> AttemptTimes { get; } = [];

    /// <summary>Per logical request, its deferred job's outcome (null: not deferred); null for runs that do not defer.</summary>
    public DeferredOutcome?[]? Deferred { get; set; }

    /// <summary>Retries of a call sent while a retry-after that same call had been given was still running.</summary>
    public int EarlyRetries { get; set; }

    /// <summary>Retries sent while a retry-after the same client had been given (for any of its calls) was still running.</summary>
    public int EarlyRetriesClientWide { get; set; }

    /// <summary>Retries sent while a retry-after given to any client of the key was still running.</summary>
    public int EarlyRetriesKeyWide { get; set; }

    /// <summary>Per logical request, until when (scenario seconds) the latest retry-after it was given runs.</summary>
    public double[] RetryAfterUntil { get; }

    /// <summary>Until when (scenario seconds) the latest retry-after given to any client of the key runs.</summary>
    public double KeyRetryAfterUntil { get; set; } = double.NegativeInfinity;

    /// <summary>429 responses the taps saw.</summary>
    public int RateLimited { get; set; }

    /// <summary>Upstream attempts sent and not yet answered (headers or failure), over every tap.</summary>
    public int OutstandingAttempts { get; set; }

    /// <summary>Service starts of the upstream's pools over the run, every model (null when the run did not read them).</summary>
    public long? UpstreamStarts { get; set; }
}
