using Breakwater.Simulator.Scenarios;

namespace Breakwater.Simulator.Benchmark;

/// <summary>The metric maths of the benchmark (docs/benchmarks.md), from a run's trace.</summary>
internal static class Metrics
{
    public const double PeakWindowSeconds = 10;
    public const double RollingSeconds = 30;
    public const double HoldSeconds = 60;
    public const double RecoveredShare = 0.95;
    public const double IncidentTailSeconds = 60;
    public const double StuckSeconds = 300;

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
        var triggerEnd = TriggerWindow(scenario, out var triggerStart);
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
            EarlyRetriesClientWide = trace.EarlyRetriesClientWide,
            EarlyRetriesKeyWide = trace.EarlyRetriesKeyWide,
            IncidentSuccess = triggerEnd is { } te ? SuccessRate(trace, triggerStart, te + IncidentTailSeconds) : null,
            StuckSuccess = LoadShedAt(scenario) is { } shed ? SuccessRate(trace, shed - StuckSeconds, shed) : null,
            UsefulWork = trace.UpstreamStarts is { } starts ? (starts <= 0 ? 0 : Round(succeeded / (double)starts)) : null,
            RateLimitedPerSuccess = Ratio(trace.RateLimited, succeeded),
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

    /// <summary>Success rate of the requests arriving in [<paramref name="from"/>, <paramref name="to"/>); null when none arrive there.</summary>
    public static double? SuccessRate(RunTrace trace, double from, double to)
    {
        ArgumentNullException.ThrowIfNull(trace);
        int arrivals = 0, successes = 0;
        for (var i = 0; i < trace.Plan.Count; i++)
        {
            var t = trace.Plan[i].ArrivalSeconds;
            if (t >= from && t < to)
            {
                arrivals++;
                successes += trace.Outcomes[i].Succeeded ? 1 : 0;
            }
        }

        return arrivals == 0 ? null : Ratio(successes, arrivals);
    }

    /// <summary>
    /// The first load shed after the trigger starts: the start of a load phase (after the trigger's start) at which the
    /// total offered rate over every model falls below the rate just before it; null when no trigger or no such phase.
    /// </summary>
    public static double? LoadShedAt(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        if (TriggerWindow(scenario, out var start) is null)
        {
            return null;
        }

        double Offered(double t) => scenario.Models.Sum(m => scenario.OfferedRateAt(m, t));
        foreach (var at in scenario.Load.Select(l => l.FromSeconds).Where(t => t > start).Distinct().Order())
        {
            if (Offered(at) < Offered(at - 1e-6) - 1e-9)
            {
                return at;
            }
        }

        return null;
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
    /// Recovery, measured forward: the first whole second s ≥ the trigger's end from which every rolling 30 s window of
    /// arrivals starting in [s, s + 60] has a success rate ≥ 95 % of the pre-trigger rate (an empty window counts as
    /// recovered); the figure is s − ⌈trigger end⌉, so a policy that is back at once shows 0. Null when never (within the
    /// run: the last window must end by the run's end), or when the scenario has no trigger.
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
        var cumA = new int[seconds + 2];
        var cumS = new int[seconds + 2];
        for (var s = 0; s <= seconds; s++)
        {
            cumA[s + 1] = cumA[s] + arrivals[s];
            cumS[s + 1] = cumS[s] + successes[s];
        }

        // The window starting at second w covers arrivals in [w, w + 30).
        var window = (int)RollingSeconds;
        bool Ok(int w)
        {
            var to = Math.Min(seconds + 1, w + window);
            var a = cumA[to] - cumA[w];
            var k = cumS[to] - cumS[w];
            return a == 0 || k >= (threshold * a) - 1e-9;
        }

        var endSecond = (int)Math.Ceiling(end);
        var hold = (int)HoldSeconds;
        var lastStart = (int)Math.Floor(scenario.RunSeconds) - window;
        var good = 0;

        // Scanning window starts backwards: good = how many consecutive windows from w on are recovered.
        long? found = null;
        for (var w = lastStart; w >= endSecond; w--)
        {
            good = Ok(w) ? good + 1 : 0;
            if (good > hold)
            {
                found = w - endSecond;
            }
        }

        return found;
    }
}
