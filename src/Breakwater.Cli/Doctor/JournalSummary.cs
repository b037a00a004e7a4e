using Breakwater.Anthropic;
using Breakwater.Classification;
using Breakwater.Telemetry;

namespace Breakwater.Cli.Doctor;

/// <summary>What this machine's recent traffic met, from the incident journal.</summary>
internal sealed record JournalSummary
{
    public required string Path { get; init; }

    public required TimeSpan Window { get; init; }

    /// <summary>Why the journal could not be read, or <c>null</c>. A missing file is not an error: it reads as empty.</summary>
    public string? Error { get; init; }

    public int Total { get; init; }

    /// <summary>529 overloaded_error, and proxy 503/529 pages that usually hide one.</summary>
    public int Overloaded { get; init; }

    /// <summary>429s whose rate-limit headers showed ample remaining (acceleration limits) or none at all.</summary>
    public int RateLimitedAmple { get; init; }

    /// <summary>429s with remaining near zero.</summary>
    public int RateLimitedLow { get; init; }

    public int SpendLimit { get; init; }

    /// <summary>400/401/402/403/404/413 other than spend limits.</summary>
    public int ClientErrors { get; init; }

    public int ServerErrors { get; init; }

    public int Network { get; init; }

    public DateTimeOffset? Last { get; init; }

    /// <summary>Distinct models among the overload signals (a platform storm usually spans several).</summary>
    public int OverloadedModels { get; init; }

    /// <summary>Overload signals whose response carried <c>anthropic-ratelimit-*</c> remaining values (the journal keeps them when sent).</summary>
    public int OverloadedWithQuota { get; init; }

    /// <summary>The lowest remaining fraction of any rate limit seen on an overload signal, or <c>null</c> when none carried one.</summary>
    public double? OverloadedLowestRemaining { get; init; }

    /// <summary>
    /// The share of the <c>requests</c> rate limit already used (1 − remaining/limit) at the first overload signal that
    /// carried it: this organisation's own request rate when the storm began. <c>null</c> when none carried it.
    /// </summary>
    public double? RequestsUsedAtFirst { get; init; }

    /// <summary>The highest share of the <c>requests</c> limit used at any overload signal (see <see cref="RequestsUsedAtFirst"/>).</summary>
    public double? RequestsUsedAtPeak { get; init; }

    /// <summary>
    /// Whether this organisation's own request rate is what rose during the overload signals: the share of the
    /// <c>requests</c> limit in use at least tripled from the first 529 and reached a quarter of the limit. The journal
    /// keeps no in-flight count; the <c>requests</c> window's remaining value is what it keeps of the load.
    /// </summary>
    public bool OwnLoadRose => RequestsUsedAtFirst is { } first && RequestsUsedAtPeak is { } peak && peak >= 0.25 && peak >= 3 * Math.Max(first, 0.01);

    public IReadOnlyList<string> RecentRequestIds { get; init; } = [];

    public static JournalSummary Empty(string path, TimeSpan window, string? error = null) => new() { Path = path, Window = window, Error = error };

    public static JournalSummary From(string path, TimeSpan window, IReadOnlyList<AttemptRecord> records)
    {
        int overloaded = 0, ample = 0, low = 0, spend = 0, client = 0, server = 0, network = 0, withQuota = 0;
        double? lowest = null, usedFirst = null, usedPeak = null;
        var models = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in records)
        {
            // The overload signal first: a proxy's 503/529 page counts as the overload it usually hides, not as a server error.
            if (FailureTaxonomy.IsOverloadSignal(r.Kind, r.StatusCode))
            {
                overloaded++;
                if (!string.IsNullOrEmpty(r.Model))
                {
                    models.Add(r.Model);
                }

                if (r.RateLimits?.LowestRemainingFraction is { } remaining)
                {
                    withQuota++;
                    lowest = lowest is null ? remaining : Math.Min(lowest.Value, remaining);
                }

                if (r.RateLimits?.Windows.GetValueOrDefault("requests")?.RemainingFraction is { } requestsLeft)
                {
                    var used = Math.Clamp(1 - requestsLeft, 0, 1);
                    usedFirst ??= used;
                    usedPeak = usedPeak is null ? used : Math.Max(usedPeak.Value, used);
                }

                continue;
            }

            switch (FailureTaxonomy.FamilyOf(r.Kind))
            {
                case FailureFamily.RateLimit when r.RateLimits?.Reading == RateLimitReading.QuotaPressure:
                    low++;
                    break;
                case FailureFamily.RateLimit:
                    ample++;
                    break;
                case FailureFamily.SpendLimit:
                    spend++;
                    break;
                case FailureFamily.Rejected:
                    client++;
                    break;
                case FailureFamily.Network:
                    network++;
                    break;
                case FailureFamily.Server:
                    server++;
                    break;
            }
        }

        return new JournalSummary
        {
            Path = path,
            Window = window,
            Total = records.Count,
            Overloaded = overloaded,
            RateLimitedAmple = ample,
            RateLimitedLow = low,
            SpendLimit = spend,
            ClientErrors = client,
            ServerErrors = server,
            Network = network,
            Last = records.Count > 0 ? records[^1].Timestamp : null,
            OverloadedModels = models.Count,
            OverloadedWithQuota = withQuota,
            OverloadedLowestRemaining = lowest,
            RequestsUsedAtFirst = usedFirst,
            RequestsUsedAtPeak = usedPeak,
            RecentRequestIds = records.Select(r => r.RequestId).OfType<string>().Distinct(StringComparer.Ordinal).TakeLast(10).ToList(),
        };
    }
}
