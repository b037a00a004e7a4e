using Breakwater.Classification;
using Breakwater.Status;

namespace Breakwater.Telemetry.Journal;

/// <summary>Groups failed attempts into episodes and matches each to a status-page incident.</summary>
internal static class EpisodeBuilder
{
    public static List<JournalEpisode> Build(IEnumerable<AttemptRecord> records, TimeSpan gap, IReadOnlyList<StatusIncident>? incidents, TimeSpan incidentGrace)
    {
        var ordered = records.OrderBy(r => r.Timestamp).ToList();
        var episodes = new List<JournalEpisode>();
        var start = 0;
        for (var i = 1; i <= ordered.Count; i++)
        {
            if (i == ordered.Count || ordered[i].Timestamp - ordered[i - 1].Timestamp > gap)
            {
                if (i > start)
                {
                    episodes.Add(Make(ordered.GetRange(start, i - start), incidents, incidentGrace));
                }

                start = i;
            }
        }

        return episodes;
    }

    /// <summary>
    /// The incident overlapping [first, last + grace]: status pages post incidents some minutes after errors begin,
    /// so an incident that starts shortly after the episode's last failure still explains it. Of several, the one
    /// starting closest to the episode's first failure wins.
    /// </summary>
    internal static StatusIncident? Match(DateTimeOffset first, DateTimeOffset last, IReadOnlyList<StatusIncident>? incidents, TimeSpan grace)
    {
        if (incidents is null)
        {
            return null;
        }

        StatusIncident? best = null;
        var bestDistance = TimeSpan.MaxValue;
        foreach (var incident in incidents)
        {
            if (incident.Start is not { } incidentStart)
            {
                continue;
            }

            var incidentEnd = incident.ResolvedAt ?? DateTimeOffset.MaxValue;
            if (incidentStart <= last + grace && incidentEnd >= first)
            {
                var distance = (incidentStart - first).Duration();
                if (distance < bestDistance)
                {
                    best = incident;
                    bestDistance = distance;
                }
            }
        }

        return best;
    }

    private static JournalEpisode Make(List<AttemptRecord> records, IReadOnlyList<StatusIncident>? incidents, TimeSpan grace)
    {
        var byKind = new Dictionary<FailureKind, int>();
        var byModel = new Dictionary<string, int>(StringComparer.Ordinal);
        var byStatus = new Dictionary<int, int>();
        var ids = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var gaveUp = 0;
        foreach (var r in records)
        {
            byKind[r.Kind] = byKind.GetValueOrDefault(r.Kind) + 1;
            var model = string.IsNullOrEmpty(r.Model) ? "(none)" : r.Model;
            byModel[model] = byModel.GetValueOrDefault(model) + 1;
            var status = r.StatusCode ?? 0;
            byStatus[status] = byStatus.GetValueOrDefault(status) + 1;
            if (!string.IsNullOrEmpty(r.RequestId) && seen.Add(r.RequestId))
            {
                ids.Add(r.RequestId);
            }

            if (r.Decision == AttemptDecision.GaveUp)
            {
                gaveUp++;
            }
        }

        var first = records[0].Timestamp;
        var last = records[^1].Timestamp;
        return new JournalEpisode
        {
            First = first,
            Last = last,
            Count = records.Count,
            CountsByKind = byKind,
            CountsByModel = byModel,
            CountsByStatus = byStatus,
            RequestIds = ids,
            GaveUp = gaveUp,
            Incident = Match(first, last, incidents, grace),
        };
    }
}
