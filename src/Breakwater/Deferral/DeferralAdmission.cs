using Breakwater.Health;

namespace Breakwater.Deferral;

/// <summary>
/// The room rule: which models may take deferred jobs now, and how many. Live calls come first; a model takes jobs
/// only once it is healthy again, and then only up to a share of its adaptive concurrency limit.
/// </summary>
internal sealed class DeferralAdmission
{
    private readonly DeferralWorkerOptions _options;

    /// <summary>Creates the rule with <see cref="DeferralWorkerOptions.QuietPeriod"/> and <see cref="DeferralWorkerOptions.MaxLimitShare"/>.</summary>
    public DeferralAdmission(DeferralWorkerOptions options)
    {
        _options = options;
    }

    /// <summary>Per model, what <see cref="Headroom(ModelHealth, DateTimeOffset)"/> allows; several clients of one registry may report a model, and the tightest decides.</summary>
    public Dictionary<string, int> Room(IReadOnlyList<ModelHealth> health, DateTimeOffset now) => Room(health, now, _options.QuietPeriod);

    /// <summary>Per model, what <see cref="Headroom(ModelHealth, DateTimeOffset, TimeSpan)"/> allows with the quiet period <paramref name="quiet"/>.</summary>
    public Dictionary<string, int> Room(IReadOnlyList<ModelHealth> health, DateTimeOffset now, TimeSpan quiet)
    {
        var room = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var h in health)
        {
            var r = Headroom(h, now, quiet);
            room[h.Model] = room.TryGetValue(h.Model, out var other) ? Math.Min(other, r) : r;
        }

        return room;
    }

    /// <summary>
    /// How many more jobs the model takes now: none while its breaker is open (one, as the probe, once its break is over
    /// and nothing of the model is in flight), while the throttle still rejects,
    /// or within <see cref="DeferralWorkerOptions.QuietPeriod"/> of its last overload signal ("healthy again"); else what
    /// is left of its adaptive concurrency limit after live traffic (live calls come first, so nothing while calls queue).
    /// </summary>
    public int Headroom(ModelHealth h, DateTimeOffset now) => Headroom(h, now, _options.QuietPeriod);

    /// <summary>As <see cref="Headroom(ModelHealth, DateTimeOffset)"/>, with the quiet period <paramref name="quiet"/> (a job's own, see <see cref="DeferralWorkerOptions.QuietPeriodFor"/>).</summary>
    public int Headroom(ModelHealth h, DateTimeOffset now, TimeSpan quiet)
    {
        if (h.State is not (BreakerState.Closed or BreakerState.HalfOpen) || h.ThrottleProbability > 0 || h.Queued > 0)
        {
            return 0;
        }

        // Healthy again = quiet: no overload signal, and no live call that had to wait for a slot, for a whole period.
        if ((h.LastOverloadAt is { } overload && now - overload < quiet)
            || (h.LastLimitWaitAt is { } wait && now - wait < quiet))
        {
            return 0;
        }

        // A break that is over, with no live call to try it: one job is the half-open probe (its answer closes the
        // breaker or opens it again), and only when nothing else of the model is in flight.
        if (h.State is BreakerState.HalfOpen)
        {
            return h.InFlight == 0 ? 1 : 0;
        }

        // Jobs only fill the limit up to a share of it: the rest stays free for live calls arriving meanwhile. A small
        // limit (shrunk during the incident; jobs do not grow it) still lets one job through when nothing is in flight.
        return Math.Max(0, Math.Max(1, (int)Math.Floor(h.ConcurrencyLimit * _options.MaxLimitShare)) - h.InFlight);
    }

    /// <summary>
    /// Why <paramref name="job"/>, due now, never got (another) attempt: the first thing that held its model back,
    /// judged from the health now (the poll that expires a job runs at its deadline).
    /// </summary>
    public string WhyNotRun(IReadOnlyList<ModelHealth> health, DeferredJob job, DateTimeOffset now)
    {
        var window = job.Deadline - job.CreatedAt;
        var quiet = _options.QuietPeriodFor(window);
        var model = job.Model ?? "the model";
        foreach (var h in health)
        {
            if (!string.Equals(h.Model, job.Model, StringComparison.Ordinal))
            {
                continue;
            }

            if (h.State is not (BreakerState.Closed or BreakerState.HalfOpen))
            {
                return $"the platform stayed overloaded: {model}'s circuit breaker was still {h.Breaker}";
            }

            if (h.ThrottleProbability > 0)
            {
                return $"the platform stayed overloaded: {model}'s client-side throttle was still rejecting calls";
            }

            if (h.Queued > 0)
            {
                return $"live calls were queueing for {model}'s concurrency slots (live calls come first)";
            }

            var last = Latest(h.LastOverloadAt, h.LastLimitWaitAt);
            if (last is { } signal && now - signal < quiet)
            {
                var overloaded = signal == h.LastOverloadAt;
                var what = overloaded ? "overload signal" : "live call waiting for a slot";
                var cause = overloaded ? "the platform stayed overloaded" : "live calls kept waiting for slots";
                if (quiet + _options.PollInterval > window)
                {
                    return $"{cause}: the quiet period {DeferralText.Duration(quiet)} outlasted the {DeferralText.Duration(window)} deadline "
                        + $"(the last {what} on {model} was {DeferralText.Duration(now - signal)} before it; the shortest deferral that fits an attempt is {DeferralText.Duration(_options.ShortestDeferral)})";
                }

                return $"{cause}: {model} never went {DeferralText.Duration(quiet)} (this job's quiet period) without an {what}; the last {what} was {DeferralText.Duration(now - signal)} before the deadline";
            }

            if (job.Attempts > 0 && h.LastOverloadAt is { } overload && overload >= job.CreatedAt)
            {
                return $"the platform stayed overloaded: its attempts met overloads (the last overload signal on {model} was {DeferralText.Duration(now - overload)} before the deadline)";
            }

            if (Headroom(h, now, quiet) <= 0)
            {
                return $"live calls filled {model}'s share of its concurrency limit ({h.InFlight} in flight, limit {h.ConcurrencyLimit})";
            }
        }

        return job.Attempts > 0
            ? "its attempts did not finish it before the deadline"
            : $"the worker never reached it before the deadline (stopped, or its {_options.MaxInFlight} slots were busy with earlier deadlines)";
    }

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : (a > b ? a : b);
}
