namespace Breakwater.Tests.Status;

/// <summary>Statuspage v2 documents shaped like status.claude.com's (fields, nesting and formats as the real page sends them).</summary>
internal static class StatusFixtures
{
    public const string SummaryOperational = """
        {
          "page": {"id": "tymt9n04zgry", "name": "Claude", "url": "https://status.claude.com", "time_zone": "Etc/UTC", "updated_at": "2026-03-02T09:14:07.611Z"},
          "components": [
            {"id": "rwppv331jlwc", "name": "claude.ai", "status": "operational", "created_at": "2023-07-11T17:51:35.830Z", "updated_at": "2026-03-01T22:10:50.245Z", "position": 1, "description": null, "showcase": true, "start_date": null, "group_id": null, "page_id": "tymt9n04zgry", "group": false, "only_show_if_degraded": false},
            {"id": "0qbwn08sd68x", "name": "platform.claude.com", "status": "operational", "created_at": "2023-07-11T17:51:42.069Z", "updated_at": "2026-03-01T22:10:50.270Z", "position": 2, "description": null, "showcase": true, "start_date": null, "group_id": null, "page_id": "tymt9n04zgry", "group": false, "only_show_if_degraded": false},
            {"id": "k8w3r06qmzrp", "name": "Claude API (api.anthropic.com)", "status": "operational", "created_at": "2023-07-11T17:51:48.512Z", "updated_at": "2026-03-01T22:10:50.292Z", "position": 3, "description": null, "showcase": true, "start_date": null, "group_id": null, "page_id": "tymt9n04zgry", "group": false, "only_show_if_degraded": false}
          ],
          "incidents": [],
          "scheduled_maintenances": [],
          "status": {"indicator": "none", "description": "All Systems Operational"}
        }
        """;

    public const string SummaryWithIncident = """
        {
          "page": {"id": "tymt9n04zgry", "name": "Claude", "url": "https://status.claude.com", "time_zone": "Etc/UTC", "updated_at": "2026-03-02T09:14:07.611Z"},
          "components": [
            {"id": "rwppv331jlwc", "name": "claude.ai", "status": "degraded_performance", "position": 1},
            {"id": "k8w3r06qmzrp", "name": "Claude API (api.anthropic.com)", "status": "partial_outage", "position": 3}
          ],
          "incidents": [
            {
              "id": "f6x8xqk7hs3v", "name": "Elevated errors on Claude Sonnet 4.5", "status": "identified",
              "created_at": "2026-03-02T08:51:20.100Z", "updated_at": "2026-03-02T09:10:03.415Z",
              "monitoring_at": null, "resolved_at": null, "impact": "major",
              "shortlink": "https://stspg.io/f6x8xqk7", "started_at": "2026-03-02T08:42:00.000Z", "page_id": "tymt9n04zgry",
              "incident_updates": [
                {"id": "u2", "status": "identified", "body": "The issue has been identified and a fix is being implemented.", "incident_id": "f6x8xqk7hs3v",
                 "created_at": "2026-03-02T09:10:03.402Z", "updated_at": "2026-03-02T09:10:03.402Z", "display_at": "2026-03-02T09:10:03.402Z",
                 "affected_components": [{"code": "k8w3r06qmzrp", "name": "Claude API (api.anthropic.com)", "old_status": "degraded_performance", "new_status": "partial_outage"}],
                 "deliver_notifications": true, "custom_tweet": null, "tweet_id": null},
                {"id": "u1", "status": "investigating", "body": "We are currently investigating elevated 529 errors.", "incident_id": "f6x8xqk7hs3v",
                 "created_at": "2026-03-02T08:51:20.161Z", "updated_at": "2026-03-02T08:51:20.161Z", "display_at": "2026-03-02T08:51:20.161Z",
                 "affected_components": null, "deliver_notifications": true, "custom_tweet": null, "tweet_id": null}
              ],
              "components": [{"id": "k8w3r06qmzrp", "name": "Claude API (api.anthropic.com)", "status": "partial_outage"}]
            }
          ],
          "scheduled_maintenances": [],
          "status": {"indicator": "major", "description": "Partial System Outage"}
        }
        """;

    /// <summary>Fields missing, nulls where strings belong, unknown enum values, stray non-objects.</summary>
    public const string SummaryOdd = """
        {
          "components": [42, {"status": "operational"}, {"name": "Claude API", "status": "melting"}],
          "incidents": [
            "not an incident",
            {"name": null, "status": "escalated", "impact": "catastrophic", "incident_updates": [null, {"body": 7}], "created_at": "not a date"},
            {"id": "x1", "name": "Later one", "status": "monitoring"}
          ],
          "status": {"indicator": "purple"}
        }
        """;

    public const string IncidentsList = """
        {
          "page": {"id": "tymt9n04zgry", "name": "Claude", "url": "https://status.claude.com", "time_zone": "Etc/UTC", "updated_at": "2026-03-02T09:14:07.611Z"},
          "incidents": [
            {"id": "open1", "name": "Elevated errors on Claude Opus", "status": "investigating", "created_at": "2026-03-02T10:20:00Z", "updated_at": "2026-03-02T10:20:00Z",
             "resolved_at": null, "impact": "minor", "shortlink": "https://stspg.io/open1", "started_at": "2026-03-02T10:20:00Z",
             "incident_updates": [{"status": "investigating", "body": "Looking into it.", "created_at": "2026-03-02T10:20:00Z", "display_at": "2026-03-02T10:20:00Z"}]},
            {"id": "old1", "name": "Elevated 529 errors on Claude Sonnet", "status": "resolved", "created_at": "2026-03-01T14:05:00Z", "updated_at": "2026-03-01T15:00:00Z",
             "monitoring_at": "2026-03-01T14:40:00Z", "resolved_at": "2026-03-01T15:00:00Z", "impact": "major", "shortlink": "https://stspg.io/old1", "started_at": "2026-03-01T14:05:00Z",
             "incident_updates": [
               {"status": "resolved", "body": "This incident has been resolved.", "created_at": "2026-03-01T15:00:00Z", "display_at": "2026-03-01T15:00:00Z"},
               {"status": "monitoring", "body": "A fix has been implemented.", "created_at": "2026-03-01T14:40:00Z", "display_at": "2026-03-01T14:40:00Z"}]}
          ]
        }
        """;
}
