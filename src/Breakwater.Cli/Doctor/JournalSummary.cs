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

    public IReadOnlyList<string> RecentRequestIds { get; init; } = [];

    public static JournalSummary Empty(string path, TimeSpan window, string? error = null) => new() { Path = path, Window = window, Error = error };

    public static JournalSummary From(string path, TimeSpan window, IReadOnlyList<AttemptRecord> records)
    {
        int overloaded = 0, ample = 0, low = 0, spend = 0, client = 0, server = 0, network = 0;
        foreach (var r in records)
        {
            // The overload signal first: a proxy's 503/529 page counts as the overload it usually hides, not as a server error.
            if (FailureTaxonomy.IsOverloadSignal(r.Kind, r.StatusCode))
            {
                overloaded++;
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
            RecentRequestIds = records.Select(r => r.RequestId).OfType<string>().Distinct(StringComparer.Ordinal).TakeLast(10).ToList(),
        };
    }
}
