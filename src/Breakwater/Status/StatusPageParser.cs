using System.Globalization;
using System.Text.Json;

namespace Breakwater.Status;

/// <summary>
/// Reads Statuspage v2 documents leniently: any field may be missing, null or of the wrong type, and
/// unknown enum values are kept as Unknown rather than failing the whole document.
/// </summary>
internal static class StatusPageParser
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 32 };

    public static StatusPageResult ParseSummary(ReadOnlyMemory<byte> json, string apiComponentName, DateTimeOffset now)
    {
        try
        {
            using var doc = JsonDocument.Parse(json, DocumentOptions);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return StatusPageResult.Unknown("malformed: not an object", now);
            }

            var indicator = StatusIndicator.Unknown;
            string? description = null;
            var hasStatus = root.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Object;
            if (hasStatus)
            {
                indicator = ParseIndicator(GetString(status, "indicator"));
                description = GetString(status, "description");
            }

            string? componentName = null;
            var componentStatus = ComponentStatus.Unknown;
            var hasComponents = root.TryGetProperty("components", out var components) && components.ValueKind == JsonValueKind.Array;
            if (hasComponents)
            {
                foreach (var c in components.EnumerateArray())
                {
                    var name = c.ValueKind == JsonValueKind.Object ? GetString(c, "name") : null;
                    if (name is not null && name.Contains(apiComponentName, StringComparison.OrdinalIgnoreCase))
                    {
                        componentName = name;
                        componentStatus = ParseComponentStatus(GetString(c, "status"));
                        break;
                    }
                }
            }

            var incidents = ParseIncidentArray(root);
            if (!hasStatus && !hasComponents && incidents is null)
            {
                // Valid JSON but nothing of a status page in it (an error page, a login wall): unknown, not "all fine".
                return StatusPageResult.Unknown("malformed: not a status page summary", now);
            }

            return new StatusPageResult
            {
                IsKnown = true,
                Indicator = indicator,
                Description = description,
                ApiComponentName = componentName,
                ApiComponentStatus = componentStatus,
                Incidents = incidents ?? [],
                FetchedAt = now,
            };
        }
        catch (JsonException)
        {
            return StatusPageResult.Unknown("malformed json", now);
        }
        catch (InvalidOperationException)
        {
            // A property name whose escapes are no characters (a lone surrogate such as \udc00): found by the fuzzer.
            return StatusPageResult.Unknown("malformed json: text that is not valid Unicode", now);
        }
    }

    public static StatusIncidentList ParseIncidents(ReadOnlyMemory<byte> json, DateTimeOffset now)
    {
        try
        {
            using var doc = JsonDocument.Parse(json, DocumentOptions);
            var root = doc.RootElement;
            var incidents = root.ValueKind == JsonValueKind.Object ? ParseIncidentArray(root) : null;
            return incidents is null
                ? StatusIncidentList.Unknown("malformed: no incidents array", now)
                : new StatusIncidentList { IsKnown = true, Incidents = incidents, FetchedAt = now };
        }
        catch (JsonException)
        {
            return StatusIncidentList.Unknown("malformed json", now);
        }
        catch (InvalidOperationException)
        {
            return StatusIncidentList.Unknown("malformed json: text that is not valid Unicode", now);
        }
    }

    private static List<StatusIncident>? ParseIncidentArray(JsonElement root)
    {
        if (!root.TryGetProperty("incidents", out var array) || array.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var list = new List<StatusIncident>();
        foreach (var e in array.EnumerateArray())
        {
            if (e.ValueKind == JsonValueKind.Object)
            {
                list.Add(ParseIncident(e));
            }
        }

        return list;
    }

    internal static StatusIncident ParseIncident(JsonElement e)
    {
        string? latest = null;
        DateTimeOffset? latestAt = null;
        if (e.TryGetProperty("incident_updates", out var updates) && updates.ValueKind == JsonValueKind.Array)
        {
            // Pages send updates newest first, but nothing guarantees it: pick the newest by time, else the first.
            var first = true;
            foreach (var u in updates.EnumerateArray())
            {
                if (u.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                var at = GetDate(u, "display_at") ?? GetDate(u, "created_at");
                if (first || (at is not null && (latestAt is null || at > latestAt)))
                {
                    latest = GetString(u, "body");
                    latestAt = at;
                    first = false;
                }
            }
        }

        var statusText = GetString(e, "status") ?? "";
        return new StatusIncident
        {
            Id = GetString(e, "id") ?? "",
            Name = GetString(e, "name") ?? "",
            Status = ParseIncidentStatus(statusText),
            StatusText = statusText,
            Impact = ParseImpact(GetString(e, "impact")),
            CreatedAt = GetDate(e, "created_at"),
            StartedAt = GetDate(e, "started_at"),
            UpdatedAt = GetDate(e, "updated_at"),
            ResolvedAt = GetDate(e, "resolved_at"),
            LatestUpdate = latest,
            LatestUpdateAt = latestAt,
            Shortlink = GetString(e, "shortlink"),
        };
    }

    internal static StatusIndicator ParseIndicator(string? s) => s?.ToLowerInvariant() switch
    {
        "none" => StatusIndicator.None,
        "minor" => StatusIndicator.Minor,
        "major" => StatusIndicator.Major,
        "critical" => StatusIndicator.Critical,
        "maintenance" => StatusIndicator.Maintenance,
        _ => StatusIndicator.Unknown,
    };

    internal static ComponentStatus ParseComponentStatus(string? s) => s?.ToLowerInvariant() switch
    {
        "operational" => ComponentStatus.Operational,
        "degraded_performance" => ComponentStatus.DegradedPerformance,
        "partial_outage" => ComponentStatus.PartialOutage,
        "major_outage" => ComponentStatus.MajorOutage,
        "under_maintenance" => ComponentStatus.UnderMaintenance,
        _ => ComponentStatus.Unknown,
    };

    internal static IncidentImpact ParseImpact(string? s) => s?.ToLowerInvariant() switch
    {
        "none" => IncidentImpact.None,
        "minor" => IncidentImpact.Minor,
        "major" => IncidentImpact.Major,
        "critical" => IncidentImpact.Critical,
        "maintenance" => IncidentImpact.Maintenance,
        _ => IncidentImpact.Unknown,
    };

    internal static IncidentStatus ParseIncidentStatus(string? s) => s?.ToLowerInvariant() switch
    {
        "investigating" => IncidentStatus.Investigating,
        "identified" => IncidentStatus.Identified,
        "monitoring" => IncidentStatus.Monitoring,
        "resolved" => IncidentStatus.Resolved,
        "postmortem" => IncidentStatus.Postmortem,
        _ => IncidentStatus.Unknown,
    };

    private static string? GetString(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        try
        {
            return v.GetString();
        }
        catch (InvalidOperationException)
        {
            // The parser checks JSON structure, not the UTF-8 inside strings: a broken value reads as absent (found by
            // the fuzzer: one such byte in an incident's date made the whole page parse throw).
            return null;
        }
    }

    private static DateTimeOffset? GetDate(JsonElement e, string name) =>
        GetString(e, name) is { } s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d : null;
}
