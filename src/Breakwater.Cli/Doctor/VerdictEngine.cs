using System.Globalization;
using System.Text.Json.Nodes;
using Breakwater.Anthropic;
using Breakwater.Classification;
using Breakwater.Status;

namespace Breakwater.Cli.Doctor;

/// <summary>
/// Turns what doctor saw into one verdict. Pure: the same inputs always give the same diagnosis, so every rule
/// has a unit test. Rules run in order; the first that fits wins (docs/doctor.md lists them).
/// </summary>
internal static class VerdictEngine
{
    public static DoctorDiagnosis Decide(StatusPageResult status, ProbeResult direct, ProbeResult? gateway, JournalSummary journal)
    {
        var evidence = new JsonObject
        {
            ["status_page"] = StatusEvidence(status),
            ["direct_probe"] = ProbeEvidence(direct),
        };
        if (gateway is not null)
        {
            evidence["gateway_probe"] = ProbeEvidence(gateway);
        }

        evidence["journal"] = JournalEvidence(journal);
        var incident = status.IsKnown ? status.ActiveIncident : null;
        var apiDegraded = status.IsKnown && status.ApiComponentStatus is ComponentStatus.DegradedPerformance or ComponentStatus.PartialOutage or ComponentStatus.MajorOutage;

        // 1. Nothing answered at all: no HTTP status means the problem is between this machine and the API.
        if (direct.AllNoResponse)
        {
            var errors = direct.Attempts.Select(a => a.NetworkError ?? "connection").Distinct().ToList();
            return Verdict(DoctorVerdict.Network, evidence,
                $"No response from {direct.BaseUrl}: {string.Join(", ", errors)}.",
                errors.Contains("dns")
                    ? "The host name does not resolve: check DNS, the base URL and any VPN or proxy settings."
                    : errors.Contains("tls")
                        ? "The TLS handshake failed: check for a TLS-intercepting proxy (set its CA) and the system clock."
                        : "Check the network path (firewall, proxy, HTTPS_PROXY), the base URL, then run doctor again.");
        }

        // 2. The API rejected the request itself: key, billing, permission, model name or request shape.
        if (direct.FirstWhere(static k => FailureTaxonomy.FamilyOf(k) == FailureFamily.Rejected) is { } rejected)
        {
            return Verdict(DoctorVerdict.ClientError, evidence,
                $"The API answered {rejected.StatusCode} {rejected.ErrorType ?? rejected.Kind.ToString()}: {rejected.Message ?? FailureKindInfo.For(rejected.Kind).Explanation}" + RequestIdSuffix(rejected),
                FailureKindInfo.For(rejected.Kind).NextStep);
        }

        // 3. Quota: a spend cap, or a 429 with remaining near zero.
        if (direct.FirstOf(FailureKind.SpendLimit) is { } spend)
        {
            return Verdict(DoctorVerdict.Quota, evidence,
                $"{spend.StatusCode} {spend.ErrorType}: a spend limit (no retry-after, or the message names a spend limit)." + RequestIdSuffix(spend),
                FailureKindInfo.For(FailureKind.SpendLimit).NextStep);
        }

        if (direct.Attempts.FirstOrDefault(a => a.Kind == FailureKind.RateLimited && a.RateLimits?.Reading == RateLimitReading.QuotaPressure) is { } low)
        {
            return Verdict(DoctorVerdict.Quota, evidence,
                $"429 rate_limit_error with remaining near zero ({low.RateLimits}).{RequestIdSuffix(low)}",
                "Your organisation's rate limit is used up: wait for the reset, spread load, or ask for a higher tier in the Console.");
        }

        var platformFailure = direct.FirstWhere(FailureTaxonomy.IsPlatformSymptom);

        // 4. An open incident on the status page explains failures (or the API component is degraded).
        if (incident is not null && (platformFailure is not null || !direct.AllSucceeded || journal.Overloaded + journal.ServerErrors > 0 || apiDegraded))
        {
            var link = incident.Shortlink ?? "the status page";
            return Verdict(DoctorVerdict.PlatformIncident, evidence,
                $"Active incident: {incident.Name} ({incident.StatusText}{(incident.Impact != IncidentImpact.Unknown ? ", impact " + incident.Impact.ToString().ToLowerInvariant() : "")}). Latest update: {incident.LatestUpdate ?? "none"}",
                $"Wait: no change on your side will fix a platform incident. Follow {link}; keep the request_ids of failures for support.");
        }

        // 5. Platform failures with no incident posted (yet): capacity, not you.
        if (platformFailure is not null)
        {
            var ample = direct.Attempts.Any(a => a.RateLimits?.Reading == RateLimitReading.AmpleQuota) ? " Rate-limit headers show ample remaining: it is not your quota." : "";
            return Verdict(DoctorVerdict.PlatformOverload, evidence,
                $"The direct probe got {Describe(platformFailure)} with no incident posted on the status page{(status.IsKnown ? "" : " (status page unknown)")}.{ample}{RequestIdSuffix(platformFailure)}",
                "Back off with jitter and fall back to a less loaded model (Breakwater does both); incidents are often posted minutes after errors begin, so check the status page again shortly.",
                $"the direct probe's {Describe(platformFailure)} now{(ample.Length > 0 ? ", with ample rate-limit remaining" : "")}, no incident posted");
        }

        // 6. The probe itself hit an acceleration limit: 429 with plenty left.
        if (direct.FirstOf(FailureKind.RateLimited) is { } accel)
        {
            return Verdict(DoctorVerdict.SelfInflicted, evidence,
                $"429 rate_limit_error while remaining is large ({accel.RateLimits?.ToString() ?? "no rate-limit headers"}): an acceleration limit on sudden bursts.{RequestIdSuffix(accel)}",
                "Reduce bursts and concurrency (ramp up gradually); honour retry-after exactly.",
                $"the direct probe's 429 rate_limit_error with {accel.RateLimits?.ToString() ?? "no rate-limit headers"} left");
        }

        // 7. Direct is fine, the configured gateway is not: the gateway masks or causes the failures.
        if (gateway is { Ran: true } && direct.AllSucceeded && !gateway.AllSucceeded)
        {
            var bad = gateway.Failures.First();
            return Verdict(DoctorVerdict.GatewayMasking, evidence,
                $"The direct probe succeeded but the probe through {gateway.BaseUrl} got {Describe(bad)}.",
                "The gateway or proxy at ANTHROPIC_BASE_URL fails or rewrites errors (often a hidden 529): check its logs, or point ANTHROPIC_BASE_URL at Breakwater, which passes Anthropic's errors and request_ids through.");
        }

        // 8. The journal: what this machine's own traffic met recently.
        if (journal.SpendLimit > 0 || journal.RateLimitedLow > 0)
        {
            return Verdict(DoctorVerdict.Quota, evidence,
                $"Your recent traffic hit {journal.SpendLimit} spend-limit and {journal.RateLimitedLow} near-zero-remaining 429s in the last {Window(journal.Window)}.",
                "Raise the spend or rate limit in the Console, or spread the load.");
        }

        // The journal's 529s against its 429s and quota: a storm is the platform's unless this machine's own load is
        // what rose. A probe that succeeds now only says the storm is over; it does not make the storm self-inflicted.
        if (journal.Overloaded > 0 || journal.RateLimitedAmple > 0)
        {
            var probeNow = direct.Ran
                ? " A minimal request succeeds now: the storm has passed."
                : $" (The probe was skipped: {direct.Skipped}; set {DoctorRunner.ApiKeyVariable} to see whether it has passed.)";
            var bursts = journal.RateLimitedAmple > 0 && journal.RateLimitedAmple >= journal.Overloaded;
            if (bursts || journal.OwnLoadRose)
            {
                var decidedBy = bursts
                    ? $"{Count(journal.RateLimitedAmple, "429 rate_limit_error")} with ample remaining (acceleration limits on your own bursts) against {Count(journal.Overloaded, "529")}"
                    : $"{Count(journal.Overloaded, "529 overloaded_error")} while your request usage rose from {Percent(journal.RequestsUsedAtFirst)} to {Percent(journal.RequestsUsedAtPeak)} of the requests limit";
                return Verdict(DoctorVerdict.SelfInflicted, evidence,
                    $"Your traffic met {journal.Overloaded} overload and {journal.RateLimitedAmple} 429 responses in the last {Window(journal.Window)}, and your own load is what rose.{probeNow}",
                    "Your bursts or concurrency exceed what the platform or your acceleration limits accept: reduce concurrency, ramp up gradually, and let Breakwater's adaptive limiter pace requests.",
                    decidedBy);
            }

            return Verdict(DoctorVerdict.PlatformOverload, evidence,
                $"Your traffic met {journal.Overloaded} overload responses in the last {Window(journal.Window)} with no incident posted{(status.IsKnown ? "" : " (status page unknown)")}, and your own load did not rise: platform capacity, not you.{probeNow}",
                direct.Ran
                    ? "Nothing to change on your side; if it returns, back off with jitter and fall back to a less loaded model (Breakwater does both). Incidents are often posted minutes after errors begin."
                    : "Back off and fall back to a less loaded model; set ANTHROPIC_API_KEY and run doctor again to see whether it has passed.",
                StormEvidence(journal));
        }

        if (journal.ClientErrors > 0 && (direct.AllSucceeded || !direct.Ran))
        {
            return Verdict(DoctorVerdict.ClientError, evidence,
                $"Your traffic got {journal.ClientErrors} request errors (400/401/402/403/404/413) in the last {Window(journal.Window)}.",
                "Fix the key, billing, permissions or request your application sends; run `breakwater incidents` for the request_ids.");
        }

        if (incident is not null)
        {
            return Verdict(DoctorVerdict.PlatformIncident, evidence,
                $"Active incident: {incident.Name} ({incident.StatusText}). Latest update: {incident.LatestUpdate ?? "none"}",
                $"Your probe was not affected, but watch {incident.Shortlink ?? "the status page"}.");
        }

        var caveat = direct.Ran ? "" : $" The API was not probed: {direct.Skipped}.";
        return Verdict(DoctorVerdict.Healthy, evidence,
            $"No incident{(status.IsKnown ? "" : " known (status page unknown)")}, {(direct.Ran ? "all probe requests succeeded" : "no probe")}, no recent failures in the journal.{caveat}",
            direct.Ran ? "Nothing to fix. If failures return, run doctor while they happen." : "Set ANTHROPIC_API_KEY and run doctor again to probe the API.");
    }

    private static DoctorDiagnosis Verdict(DoctorVerdict verdict, JsonObject evidence, string reason, string next, string? decidedBy = null)
    {
        evidence["reason"] = reason;
        if (decidedBy is not null)
        {
            evidence["decided_by"] = decidedBy;
        }

        return new DoctorDiagnosis(verdict, evidence, next);
    }

    /// <summary>What made a journal storm the platform's: its 529s, how many models, the quota left, and this machine's own load.</summary>
    internal static string StormEvidence(JournalSummary j)
    {
        var across = j.OverloadedModels > 1 ? $" across {j.OverloadedModels} models" : j.OverloadedModels == 1 ? " on 1 model" : "";
        var quota = j.OverloadedLowestRemaining is { } left
            ? $" with {Percent(left)} quota remaining or more"
            : " (no rate-limit headers recorded on them)";
        var own = j.RequestsUsedAtFirst is not null
            ? $"; your request usage stayed at {Percent(j.RequestsUsedAtFirst)}–{Percent(j.RequestsUsedAtPeak)} of the requests limit"
            : "";
        var bursts = j.RateLimitedAmple > 0 ? $"; only {Count(j.RateLimitedAmple, "acceleration 429")}" : "; no acceleration 429s";
        return $"{Count(j.Overloaded, "529 overloaded_error")}{across}{quota}{own}{bursts}";
    }

    private static string Count(int n, string what) => $"{n.ToString(CultureInfo.InvariantCulture)} × {what}";

    private static string Percent(double? fraction) =>
        fraction is { } f ? (f * 100).ToString(f is > 0 and < 0.1 ? "0.#" : "0", CultureInfo.InvariantCulture) + " %" : "?";

    private static string Describe(ProbeAttempt a) => a.StatusCode is { } s
        ? $"{s.ToString(CultureInfo.InvariantCulture)} {a.ErrorType ?? a.Kind.ToString()}"
        : $"no response ({a.NetworkError ?? a.Kind.ToString()})";

    private static string RequestIdSuffix(ProbeAttempt a) => a.RequestId is null ? "" : $" request_id {a.RequestId}.";

    private static string Window(TimeSpan t) => t.TotalHours >= 1 ? $"{t.TotalHours:0.#} h" : $"{t.TotalMinutes:0} min";

    internal static JsonObject StatusEvidence(StatusPageResult s)
    {
        var o = new JsonObject
        {
            ["known"] = s.IsKnown,
            ["indicator"] = s.Indicator.ToString().ToLowerInvariant(),
            ["api_component"] = s.ApiComponentName,
            ["api_status"] = s.ApiComponentStatus.ToString(),
        };
        if (s.Error is not null)
        {
            o["error"] = s.Error;
        }

        if (s.ActiveIncident is { } i)
        {
            o["incident"] = new JsonObject
            {
                ["name"] = i.Name,
                ["status"] = i.StatusText,
                ["impact"] = i.Impact.ToString().ToLowerInvariant(),
                ["created_at"] = i.CreatedAt?.ToString("O", CultureInfo.InvariantCulture),
                ["latest_update"] = i.LatestUpdate,
                ["link"] = i.Shortlink,
            };
        }

        return o;
    }

    internal static JsonObject ProbeEvidence(ProbeResult p)
    {
        var o = new JsonObject { ["base_url"] = p.BaseUrl };
        if (p.Skipped is not null)
        {
            o["skipped"] = p.Skipped;
            return o;
        }

        var attempts = new JsonArray();
        foreach (var a in p.Attempts)
        {
            var ao = new JsonObject
            {
                ["status"] = a.StatusCode,
                ["kind"] = a.Kind.ToString(),
                ["error_type"] = a.ErrorType,
                ["request_id"] = a.RequestId,
            };
            if (a.NetworkError is not null)
            {
                ao["network_error"] = a.NetworkError;
            }

            if (a.RetryAfter is { } ra)
            {
                ao["retry_after_s"] = ra.TotalSeconds;
            }

            if (a.RateLimits is { } rl)
            {
                ao["rate_limits"] = rl.ToString();
                ao["rate_limit_reading"] = rl.Reading.ToString();
            }

            if (a.Message is not null)
            {
                ao["message"] = a.Message;
            }

            attempts.Add(ao);
        }

        o["attempts"] = attempts;
        return o;
    }

    internal static JsonObject JournalEvidence(JournalSummary j)
    {
        var o = new JsonObject
        {
            ["path"] = j.Path,
            ["window_minutes"] = j.Window.TotalMinutes,
            ["failures"] = j.Total,
            ["overloaded"] = j.Overloaded,
            ["rate_limited"] = j.RateLimitedAmple + j.RateLimitedLow,
            ["rate_limited_near_zero"] = j.RateLimitedLow,
            ["spend_limit"] = j.SpendLimit,
            ["client_errors"] = j.ClientErrors,
            ["server_errors"] = j.ServerErrors,
            ["network"] = j.Network,
            ["overloaded_models"] = j.OverloadedModels,
            ["overloaded_lowest_remaining"] = j.OverloadedLowestRemaining,
            ["requests_used_at_first_529"] = j.RequestsUsedAtFirst,
            ["requests_used_at_peak_529"] = j.RequestsUsedAtPeak,
        };
        if (j.Error is not null)
        {
            o["error"] = j.Error;
        }

        if (j.RecentRequestIds.Count > 0)
        {
            o["request_ids"] = new JsonArray(j.RecentRequestIds.Select(id => (JsonNode?)JsonValue.Create(id)).ToArray());
        }

        return o;
    }
}
