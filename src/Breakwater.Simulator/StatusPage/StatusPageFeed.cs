using System.Text.Json;
using Breakwater.Simulator.Core;
using Breakwater.Simulator.Scenarios;

namespace Breakwater.Simulator.StatusPage;

/// <summary>
/// The scenario's timeline as an Atlassian Statuspage v2 feed (summary, status, incidents, unresolved incidents).
/// As on the real page, an incident appears only some minutes after the errors start, then moves through
/// investigating → identified → monitoring → resolved.
/// </summary>
internal static class StatusPageFeed
{
    public const string ApiComponentName = "Claude API (api.anthropic.com)";
    private const string PageId = "tymt9n04zgry";
    private const string ApiComponentId = "k8w3r06qmzrp";

    private static readonly (string Id, string Name)[] Components =
    [
        ("rwppv331jlwc", "claude.ai"),
        ("0qbwn08sd68x", "platform.claude.com"),
        (ApiComponentId, ApiComponentName),
        ("yyzkbfz2thpt", "Claude Code"),
    ];

    public static List<StatusIncident> Timeline(Scenario scenario)
    {
        var page = scenario.StatusPage;
        var list = new List<StatusIncident>();
        var sources = scenario.Incidents
            .Select(i => (Name: i.Title ?? $"Elevated errors on {(i.Model == "all" ? "all models" : i.Model)}", i.StartSeconds, i.EndSeconds, Impact: ImpactOf(i.Capacity)))
            .ToList();
        if (scenario.MidStream is { Probability: > 0 } ms)
        {
            sources.Add(("Elevated errors on streaming requests", ms.StartSeconds, ms.EndSeconds ?? scenario.RunSeconds, "minor"));
        }

        var index = 0;
        foreach (var (name, start, end, impact) in sources.OrderBy(s => s.StartSeconds))
        {
            var posted = start + (page.PostedAfterMinutes * 60);
            var monitoring = Math.Max(end, posted);
            double? identified = posted + (page.IdentifiedAfterMinutes * 60);
            if (identified >= monitoring)
            {
                identified = null;
            }

            var resolved = monitoring + (page.ResolvedAfterMinutes * 60);
            var id = StableId(scenario.Name + "/" + index++, 12);
            list.Add(new StatusIncident(id, name, impact, ComponentStatusOf(impact), start, posted, identified, monitoring, resolved));
        }

        return list;
    }

    public static byte[] Summary(Scenario scenario, DateTimeOffset origin, double now) => AnthropicWire.Json(w =>
    {
        var visible = Visible(scenario, now);
        var unresolved = visible.Where(i => now < i.ResolvedAt).ToList();
        WritePage(w, origin, visible, now);
        w.WriteStartArray("components");
        foreach (var (id, name) in Components)
        {
            WriteComponent(w, id, name, id == ApiComponentId ? CurrentComponentStatus(unresolved) : "operational", origin, visible, now);
        }

        w.WriteEndArray();
        w.WriteStartArray("incidents");
        foreach (var incident in unresolved)
        {
            WriteIncident(w, incident, origin, now);
        }

        w.WriteEndArray();
        w.WriteStartArray("scheduled_maintenances");
        w.WriteEndArray();
        WriteStatus(w, unresolved);
    });

    public static byte[] Status(Scenario scenario, DateTimeOffset origin, double now) => AnthropicWire.Json(w =>
    {
        var visible = Visible(scenario, now);
        WritePage(w, origin, visible, now);
        WriteStatus(w, visible.Where(i => now < i.ResolvedAt).ToList());
    });

    public static byte[] Incidents(Scenario scenario, DateTimeOffset origin, double now, bool unresolvedOnly) => AnthropicWire.Json(w =>
    {
        var visible = Visible(scenario, now);
        WritePage(w, origin, visible, now);
        w.WriteStartArray("incidents");
        foreach (var incident in visible.Where(i => !unresolvedOnly || now < i.ResolvedAt))
        {
            WriteIncident(w, incident, origin, now);
        }

        w.WriteEndArray();
    });

    private static List<StatusIncident> Visible(Scenario scenario, double now)
        => Timeline(scenario).Where(i => now >= i.PostedAt).OrderByDescending(i => i.PostedAt).ToList();

    private static void WritePage(Utf8JsonWriter w, DateTimeOffset origin, List<StatusIncident> visible, double now)
    {
        w.WriteStartObject("page");
        w.WriteString("id", PageId);
        w.WriteString("name", "Claude");
        w.WriteString("url", "https://status.claude.com");
        w.WriteString("time_zone", "Etc/UTC");
        w.WriteString("updated_at", At(origin, LastChange(visible, now)));
        w.WriteEndObject();
    }

    private static void WriteStatus(Utf8JsonWriter w, List<StatusIncident> unresolved)
    {
        var impact = WorstImpact(unresolved);
        w.WriteStartObject("status");
        w.WriteString("indicator", impact);
        w.WriteString("description", impact switch
        {
            "critical" => "Major System Outage",
            "major" => "Partial System Outage",
            "minor" => "Minor Service Outage",
            _ => "All Systems Operational",
        });
        w.WriteEndObject();
    }

    private static void WriteComponent(Utf8JsonWriter w, string id, string name, string status, DateTimeOffset origin, List<StatusIncident> visible, double now)
    {
        w.WriteStartObject();
        w.WriteString("id", id);
        w.WriteString("name", name);
        w.WriteString("status", status);
        w.WriteString("created_at", At(origin, -86_400 * 365));
        w.WriteString("updated_at", At(origin, id == ApiComponentId ? LastChange(visible, now) : -86_400));
        w.WriteNumber("position", Array.FindIndex(Components, c => c.Id == id) + 1);
        w.WriteNull("description");
        w.WriteBoolean("showcase", true);
        w.WriteString("start_date", "2023-07-11");
        w.WriteNull("group_id");
        w.WriteString("page_id", PageId);
        w.WriteBoolean("group", false);
        w.WriteBoolean("only_show_if_degraded", false);
        w.WriteEndObject();
    }

    private static void WriteIncident(Utf8JsonWriter w, StatusIncident i, DateTimeOffset origin, double now)
    {
        var updates = new List<(string Status, double At, string Body)>
        {
            ("investigating", i.PostedAt, "We are currently investigating this issue."),
        };
        if (i.IdentifiedAt is { } identified)
        {
            updates.Add(("identified", identified, "The issue has been identified and a fix is being implemented."));
        }

        updates.Add(("monitoring", i.MonitoringAt, "A fix has been implemented and we are monitoring the results."));
        updates.Add(("resolved", i.ResolvedAt, "This incident has been resolved."));
        updates.RemoveAll(u => u.At > now);
        var current = updates[^1];

        w.WriteStartObject();
        w.WriteString("id", i.Id);
        w.WriteString("name", i.Name);
        w.WriteString("status", current.Status);
        w.WriteString("created_at", At(origin, i.PostedAt));
        w.WriteString("updated_at", At(origin, current.At));
        WriteTimeOrNull(w, "monitoring_at", origin, updates.Any(u => u.Status == "monitoring") ? i.MonitoringAt : null);
        WriteTimeOrNull(w, "resolved_at", origin, current.Status == "resolved" ? i.ResolvedAt : null);
        w.WriteString("impact", i.Impact);
        w.WriteString("shortlink", "https://stspg.io/" + StableId(i.Id, 7));
        w.WriteString("started_at", At(origin, i.StartedAt));
        w.WriteString("page_id", PageId);
        w.WriteStartArray("incident_updates");
        for (var k = updates.Count - 1; k >= 0; k--)
        {
            var (status, at, body) = updates[k];
            w.WriteStartObject();
            w.WriteString("id", StableId(i.Id + "/" + status, 12));
            w.WriteString("status", status);
            w.WriteString("body", body);
            w.WriteString("incident_id", i.Id);
            w.WriteString("created_at", At(origin, at));
            w.WriteString("updated_at", At(origin, at));
            w.WriteString("display_at", At(origin, at));
            w.WriteStartArray("affected_components");
            w.WriteStartObject();
            w.WriteString("code", ApiComponentId);
            w.WriteString("name", ApiComponentName);
            w.WriteString("old_status", k == 0 ? "operational" : i.ComponentStatus);
            w.WriteString("new_status", status is "resolved" ? "operational" : i.ComponentStatus);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteBoolean("deliver_notifications", true);
            w.WriteNull("custom_tweet");
            w.WriteNull("tweet_id");
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("components");
        WriteComponent(w, ApiComponentId, ApiComponentName, current.Status is "resolved" ? "operational" : i.ComponentStatus, origin, [i], now);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteTimeOrNull(Utf8JsonWriter w, string name, DateTimeOffset origin, double? seconds)
    {
        if (seconds is { } s)
        {
            w.WriteString(name, At(origin, s));
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static double LastChange(List<StatusIncident> visible, double now)
    {
        var last = 0.0;
        foreach (var i in visible)
        {
            foreach (var t in new[] { i.PostedAt, i.IdentifiedAt ?? i.PostedAt, i.MonitoringAt, i.ResolvedAt })
            {
                if (t <= now && t > last)
                {
                    last = t;
                }
            }
        }

        return last;
    }

    private static string CurrentComponentStatus(List<StatusIncident> unresolved)
        => WorstImpact(unresolved) switch
        {
            "critical" => "major_outage",
            "major" => "partial_outage",
            "minor" => "degraded_performance",
            _ => "operational",
        };

    private static string WorstImpact(List<StatusIncident> unresolved)
    {
        string[] order = ["none", "minor", "major", "critical"];
        var worst = 0;
        foreach (var i in unresolved)
        {
            worst = Math.Max(worst, Array.IndexOf(order, i.Impact));
        }

        return order[worst];
    }

    private static string ImpactOf(double capacity) => capacity < 0.1 ? "critical" : capacity < 0.5 ? "major" : "minor";

    private static string ComponentStatusOf(string impact) => impact switch
    {
        "critical" => "major_outage",
        "major" => "partial_outage",
        _ => "degraded_performance",
    };

    private static string At(DateTimeOffset origin, double seconds)
        => origin.AddSeconds(seconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A stable base-36 id derived from text (FNV-1a), so the feed is the same in every run.</summary>
    private static string StableId(string text, int length)
    {
        const string Alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
        var hash = 14695981039346656037UL;
        foreach (var ch in text)
        {
            hash = (hash ^ ch) * 1099511628211UL;
        }

        var chars = new char[length];
        for (var k = 0; k < length; k++)
        {
            chars[k] = Alphabet[(int)(hash % 36)];
            hash = (hash / 36) ^ (hash * 1099511628211UL);
        }

        return new string(chars);
    }
}
