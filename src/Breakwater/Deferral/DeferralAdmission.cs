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

    /// <summary>Per model, what <see cref="Headroom"/> allows; several clients of one registry may report a model, and the tightest decides.</summary>
    public Dictionary<string, int> Room(IReadOnlyList<ModelHealth> health, DateTimeOffset now)
    {
        var room = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var h in health)
        {
            var r = Headroom(h, now);
            room[h.Model] = room.TryGetValue(h.Model, out var other) ? Math.Min(other, r) : r;
        }

        return room;
    }

    /// <summary>
    /// How many more jobs the model takes now: none while its breaker is not closed, while the throttle still rejects,
    /// or within <see cref="DeferralWorkerOptions.QuietPeriod"/> of its last overload signal ("healthy again"); else what
    /// is left of its adaptive concurrency limit after live traffic (live calls come first, so nothing while calls queue).
    /// </summary>
    public int Headroom(ModelHealth h, DateTimeOffset now)
    {
        if (h.State is not BreakerState.Closed || h.ThrottleProbability > 0 || h.Queued > 0)
        {
            return 0;
        }

        // Healthy again = quiet: no overload signal, and no live call that had to wait for a slot, for a whole period.
        if ((h.LastOverloadAt is { } overload && now - overload < _options.QuietPeriod)
            || (h.LastLimitWaitAt is { } wait && now - wait < _options.QuietPeriod))
        {
            return 0;
        }

        // Jobs only fill the limit up to a share of it: the rest stays free for live calls arriving meanwhile. A small
        // limit (shrunk during the incident; jobs do not grow it) still lets one job through when nothing is in flight.
        return Math.Max(0, Math.Max(1, (int)Math.Floor(h.ConcurrencyLimit * _options.MaxLimitShare)) - h.InFlight);
    }
}
