namespace Breakwater.Cli.Tests.Doctor;

/// <summary>Statuspage v2 documents shaped like status.claude.com's.</summary>
internal static class CliStatusFixtures
{
    public const string Operational = """
        {"page": {"id": "tymt9n04zgry", "name": "Claude", "url": "https://status.claude.com", "updated_at": "2026-03-02T09:14:07.611Z"},
         "components": [{"id": "k8w3r06qmzrp", "name": "Claude API (api.anthropic.com)", "status": "operational"}],
         "incidents": [], "scheduled_maintenances": [],
         "status": {"indicator": "none", "description": "All Systems Operational"}}
        """;

    public const string ActiveIncident = """
        {"page": {"id": "tymt9n04zgry", "name": "Claude", "url": "https://status.claude.com"},
         "components": [{"id": "k8w3r06qmzrp", "name": "Claude API (api.anthropic.com)", "status": "partial_outage"}],
         "incidents": [{"id": "f6x8", "name": "Elevated errors on Claude Haiku 4.5", "status": "investigating", "impact": "major",
           "created_at": "2026-03-02T08:51:20Z", "updated_at": "2026-03-02T09:10:03Z", "resolved_at": null,
           "shortlink": "https://stspg.io/f6x8", "incident_updates": [{"status": "investigating", "body": "We are investigating elevated 529 errors.", "created_at": "2026-03-02T09:10:03Z", "display_at": "2026-03-02T09:10:03Z"}]}],
         "status": {"indicator": "major", "description": "Partial System Outage"}}
        """;

    public const string NoIncidents = """{"page": {"id": "tymt9n04zgry"}, "incidents": []}""";
}
