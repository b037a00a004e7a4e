using Breakwater.Simulator.Scenarios;

namespace Breakwater.Simulator.Benchmark;

/// <summary>The metric maths of the benchmark (docs/benchmarks.md), from a run's trace.</summary>
internal static class Metrics
{
    public const double PeakWindowSeconds = 10;
    public const double RollingSeconds = 30;
    public const double HoldSeconds = 60;
    public const double RecoveredShare = 0.95;

    public static PolicyResult Compute(string policy, Scenario scenario, RunTrace trace, int oracleSuccesses)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(trace);
        var requests = trace.Plan.Count;
        var latencies = new List<double>();
        var fallback = 0;
        var truncated = 0;
        for (var i = 0; i < requests; i++)
        {
            var o = trace.Outcomes[i];
            if (o.Truncated)
            {
                truncated++;
            }

            if (!o.Succeeded)
            {
                continue;
            }

            latencies.Add(o.LatencyMs);
            if (o.ServedModel is { } served && scenario.FindModel(served) is { } model && model.Name != trace.Plan[i].Model.Name)
            {
                fallback++;
            }
        }

        latencies.Sort();
        var succeeded = latencies.Count;
        return new PolicyResult
        {
            Policy = policy,
            Requests = requests,
            Succeeded = succeeded,
            SuccessRate = Ratio(succeeded, requests),
            GoodputFraction = Ratio(succeeded, oracleSuccesses),
            Amplification = Ratio(trace.AttemptTimes.Count, requests),
            PeakAmplification = Round(PeakAmplification(trace.Plan, trace.AttemptTimes, scenario.RunSeconds)),
            P50Ms = (long)Math.Round(Percentile(latencies, 0.50)),
            P99Ms = (long)Math.Round(Percentile(latencies, 0.99)),
            RecoverySeconds = RecoverySeconds(scenario, trace.Plan, trace.Outcomes),
            FallbackShare = Ratio(fallback, succeeded),
            EarlyRetries = trace.EarlyRetries,
            Truncated = truncated,
            Deferral = scenario.Deferral is null ? null : ComputeDeferral(trace),
        };
    }

    /// <summary>Deferrable requests complete live or as a job within their deadline; the rest are judged as usual.</summary>
    public static DeferralResult ComputeDeferral(RunTrace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        int deferrable = 0, completed = 0, deferred = 0, ok = 0, expired = 0, failed = 0, unfinished = 0, attempts = 0, others = 0, othersOk = 0;
        var jobTimes = new List<double>();
        for (var i = 0; i < trace.Plan.Count; i++)
        {
            var live = trace.Outcomes[i].Succeeded;
            if (!trace.Plan[i].Deferrable)
            {
                others++;
                othersOk += live ? 1 : 0;
                continue;
            }

            deferrable++;
            var job = trace.Deferred?[i];
            if (job is { } j)
            {
                deferred++;
                attempts += j.Attempts;
                switch (j.State)
                {
                    case Breakwater.Deferral.DeferredJobState.Succeeded when j.Succeeded:
                        ok++;
                        jobTimes.Add(j.CompletedAfterSeconds);
                        break;
                    case Breakwater.Deferral.DeferredJobState.Expired:
                        expired++;
                        break;
                    case Breakwater.Deferral.DeferredJobState.Queued or Breakwater.Deferral.DeferredJobState.Running:
                        unfinished++;
                        break;
                    default:
                        failed++;
                        break;
                }
            }

            if (live || job is { Succeeded: true })
            {
                completed++;
            }
        }

        jobTimes.Sort();
        return new DeferralResult
        {
            Deferrable = deferrable,
            Completed = completed,
            CompletionRate = Ratio(completed, deferrable),
            Deferred = deferred,
            JobsSucceeded = ok,
            JobsExpired = expired,
            JobsFailed = failed,
            JobsUnfinished = unfinished,
            AttemptsPerJob = deferred == 0 ? 0 : Round(attempts / (double)deferred),
            JobP50Seconds = (long)Math.Round(Percentile(jobTimes, 0.50)),
            JobP99Seconds = (long)Math.Round(Percentile(jobTimes, 0.99)),
            NonDeferrable = others,
            NonDeferrableSucceeded = othersOk,
            NonDeferrableSuccessRate = Ratio(othersOk, others),
        };
    }

    public static double Round(double value) => Math.Round(value, 4, MidpointRounding.AwayFromZero);

    private static double Ratio(int numerator, int denominator) => denominator <= 0 ? 0 : Round(numerator / (double)denominator);

    /// <summary>Nearest-rank percentile of sorted values (0 when empty).</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double q)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            return 0;
        }

        var rank = (int)Math.Ceiling(q * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    /// <summary>The worst aligned 10 s window of the run: upstream attempts sent in it / logical requests arriving in it.</summary>
    public static double PeakAmplification(IReadOnlyList<PlannedRequest> plan, IReadOnlyList<double> attemptTimes, double runSeconds)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(attemptTimes);
        var buckets = (int)Math.Ceiling(runSeconds / PeakWindowSeconds);
        if (buckets <= 0)
        {
            return 0;
        }

        var arrivals = new int[buckets];
        var attempts = new int[buckets];
        foreach (var p in plan)
        {
            arrivals[Math.Clamp((int)(p.ArrivalSeconds / PeakWindowSeconds), 0, buckets - 1)]++;
        }

        foreach (var t in attemptTimes)
        {
            var b = (int)(t / PeakWindowSeconds);
            if (b >= 0 && b < buckets)
            {
                attempts[b]++;
            }
        }

        var peak = 0.0;
        for (var b = 0; b < buckets; b++)
        {
            if (arrivals[b] > 0)
            {
                peak = Math.Max(peak, attempts[b] / (double)arrivals[b]);
            }
        }

        return peak;
    }

    /// <summary>When the scenario's (first) trigger ends: the first incident's end, else the mid-stream window's end; null if none.</summary>
    public static double? TriggerWindow(Scenario scenario, out double start)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        start = 0;
        if (scenario.Incidents.OrderBy(i => i.StartSeconds).FirstOrDefault() is { } first)
        {
            start = first.StartSeconds;
            return first.EndSeconds;
        }

        if (scenario.MidStream is { } ms && ms.EndSeconds is { } end && end < scenario.RunSeconds)
        {
            start = ms.StartSeconds;
            return end;
        }

        return null;
    }

    /// <summary>
    /// Seconds after the trigger ends until the rolling 30 s success rate (by arrival time) is back to ≥ 95 % of its
    /// pre-trigger value and holds for 60 s; null when never, or when the scenario has no trigger.
    /// </summary>
    public static long? RecoverySeconds(Scenario scenario, IReadOnlyList<PlannedRequest> plan, IReadOnlyList<RequestOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(outcomes);
        if (TriggerWindow(scenario, out var start) is not { } end)
        {
            return null;
        }

        var seconds = (int)Math.Ceiling(scenario.RunSeconds) + 1;
        var arrivals = new int[seconds + 1];
        var successes = new int[seconds + 1];
        int preArrivals = 0, preSuccesses = 0;
        for (var i = 0; i < plan.Count; i++)
        {
            var t = plan[i].ArrivalSeconds;
            var s = Math.Clamp((int)Math.Floor(t), 0, seconds);
            arrivals[s]++;
            if (outcomes[i].Succeeded)
            {
                successes[s]++;
            }

            if (t < start)
            {
                preArrivals++;
                preSuccesses += outcomes[i].Succeeded ? 1 : 0;
            }
        }

        var threshold = RecoveredShare * (preArrivals == 0 ? 1.0 : preSuccesses / (double)preArrivals);

        // Prefix sums: the rolling window ending at second s covers seconds (s - 30, s].
        var cumA = new int[seconds + 2];
        var cumS = new int[seconds + 2];
        for (var s = 0; s <= seconds; s++)
        {
            cumA[s + 1] = cumA[s] + arrivals[s];
            cumS[s + 1] = cumS[s] + successes[s];
        }

        bool Ok(int s)
        {
            var from = Math.Max(0, s - (int)RollingSeconds + 1);
            var a = cumA[s + 1] - cumA[from];
            var k = cumS[s + 1] - cumS[from];
            return a == 0 || k >= threshold * a - 1e-9;
        }

        var endSecond = (int)Math.Ceiling(end);
        var last = (int)Math.Floor(scenario.RunSeconds) - 1;
        var run = 0;
        for (var s = endSecond; s <= last; s++)
        {
            run = Ok(s) ? run + 1 : 0;
            if (run > HoldSeconds)
            {
                return s - (int)HoldSeconds - endSecond;
            }
        }

        return null;
    }
}
