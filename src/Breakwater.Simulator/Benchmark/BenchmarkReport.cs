using System.Text.Json;

namespace Breakwater.Simulator.Benchmark;

/// <summary>The whole suite's figures, per deployment mode, and their JSON (same seed, same bytes).</summary>
internal sealed record BenchmarkReport(int Seed, IReadOnlyList<ModeResult> Modes)
{
    /// <summary>The scenarios of the first mode run (the clients mode unless another was asked for alone).</summary>
    public IReadOnlyList<ScenarioResult> Scenarios => Modes.Count == 0 ? [] : Modes[0].Scenarios;

    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("seed", Seed);
            w.WriteStartArray("modes");
            foreach (var m in Modes)
            {
                w.WriteStartObject();
                w.WriteString("mode", m.Mode.Name);
                var tenant = m.Mode.Kind == BenchModeKind.Tenant;
                if (tenant)
                {
                    w.WriteString("background", m.Mode.Background);
                    w.WriteNumber("testedClients", BenchMode.TenantClients);
                }

                w.WriteStartArray("scenarios");
                foreach (var s in m.Scenarios)
                {
                    WriteScenario(w, s, tenant);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>A scenario's object; in a tenant mode without the oracle (the share is judged by its own success) and with each row's background.</summary>
    private static void WriteScenario(Utf8JsonWriter w, ScenarioResult s, bool tenant)
    {
        w.WriteStartObject();
        w.WriteString("name", s.Name);
        if (!tenant)
        {
            w.WriteNumber("oracleSuccesses", s.OracleSuccesses);
            w.WriteStartObject("oracle");
            w.WriteString("best", OracleName(s.Oracle.Best));
            w.WriteNumber("newestFirst", s.Oracle.NewestFirstSuccesses);
            w.WriteNumber("fifoCutoff", s.Oracle.FifoSuccesses);
            w.WriteNumber("fifoCutoffK", s.Oracle.FifoCutoff);
            w.WriteNumber("edf", s.Oracle.EdfSuccesses);
            w.WriteNumber("impossible", s.Oracle.Impossible);
            w.WriteEndObject();
        }

        w.WriteStartArray("policies");
        for (var i = 0; i < s.Policies.Count; i++)
        {
            var p = s.Policies[i];
            w.WriteStartObject();
            w.WriteString("policy", p.Policy);
            w.WriteNumber("requests", p.Requests);
            w.WriteNumber("succeeded", p.Succeeded);
            w.WriteNumber("successRate", p.SuccessRate);
            if (!tenant)
            {
                w.WriteNumber("goodputFraction", p.GoodputFraction);
            }

            w.WriteNumber("amplification", p.Amplification);
            w.WriteNumber("peakAmplification", p.PeakAmplification);
            w.WriteNumber("p50Ms", p.P50Ms);
            w.WriteNumber("p99Ms", p.P99Ms);
            if (p.RecoverySeconds is { } r)
            {
                w.WriteNumber("recoverySeconds", r);
            }
            else
            {
                w.WriteNull("recoverySeconds");
            }

            w.WriteNumber("fallbackShare", p.FallbackShare);
            w.WriteNumber("earlyRetries", p.EarlyRetries);
            w.WriteNumber("earlyRetriesClientWide", p.EarlyRetriesClientWide);
            w.WriteNumber("earlyRetriesKeyWide", p.EarlyRetriesKeyWide);
            WriteOptional(w, "incidentSuccess", p.IncidentSuccess);
            WriteOptional(w, "stuckSuccess", p.StuckSuccess);
            WriteOptional(w, "usefulWork", tenant ? null : p.UsefulWork);
            w.WriteNumber("rateLimitedPerSuccess", p.RateLimitedPerSuccess);
            w.WriteNumber("truncated", p.Truncated);
            if (p.Deferral is { } d)
            {
                w.WriteStartObject("deferral");
                w.WriteNumber("deferrable", d.Deferrable);
                w.WriteNumber("completed", d.Completed);
                w.WriteNumber("completionRate", d.CompletionRate);
                w.WriteNumber("deferred", d.Deferred);
                w.WriteNumber("jobsSucceeded", d.JobsSucceeded);
                w.WriteNumber("jobsExpired", d.JobsExpired);
                w.WriteNumber("jobsFailed", d.JobsFailed);
                w.WriteNumber("jobsUnfinished", d.JobsUnfinished);
                w.WriteNumber("attemptsPerJob", d.AttemptsPerJob);
                w.WriteNumber("jobP50Seconds", d.JobP50Seconds);
                w.WriteNumber("jobP99Seconds", d.JobP99Seconds);
                w.WriteNumber("nonDeferrable", d.NonDeferrable);
                w.WriteNumber("nonDeferrableSucceeded", d.NonDeferrableSucceeded);
                w.WriteNumber("nonDeferrableSuccessRate", d.NonDeferrableSuccessRate);
                w.WriteEndObject();
            }

            if (s.Backgrounds?[i] is { } b)
            {
                w.WriteStartObject("background");
                w.WriteString("policy", b.Policy);
                w.WriteNumber("requests", b.Requests);
                w.WriteNumber("succeeded", b.Succeeded);
                w.WriteNumber("successRate", b.SuccessRate);
                w.WriteNumber("amplification", b.Amplification);
                w.WriteNumber("p99Ms", b.P99Ms);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>The oracle discipline as the report names it.</summary>
    public static string OracleName(OracleDiscipline discipline) => discipline switch
    {
        OracleDiscipline.NewestFirst => "newest-first",
        OracleDiscipline.FifoCutoff => "fifo-cutoff",
        _ => "edf",
    };

    private static void WriteOptional(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
