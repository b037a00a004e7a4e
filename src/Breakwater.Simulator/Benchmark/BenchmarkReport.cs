using System.Text.Json;

namespace Breakwater.Simulator.Benchmark;

/// <summary>The whole suite's figures, and their JSON (the shape of BENCHMARKS.md §1; same seed, same bytes).</summary>
internal sealed record BenchmarkReport(int Seed, IReadOnlyList<ScenarioResult> Scenarios)
{
    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("seed", Seed);
            w.WriteStartArray("scenarios");
            foreach (var s in Scenarios)
            {
                w.WriteStartObject();
                w.WriteString("name", s.Name);
                w.WriteNumber("oracleSuccesses", s.OracleSuccesses);
                w.WriteStartArray("policies");
                foreach (var p in s.Policies)
                {
                    w.WriteStartObject();
                    w.WriteString("policy", p.Policy);
                    w.WriteNumber("requests", p.Requests);
                    w.WriteNumber("succeeded", p.Succeeded);
                    w.WriteNumber("successRate", p.SuccessRate);
                    w.WriteNumber("goodputFraction", p.GoodputFraction);
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
                    w.WriteNumber("truncated", p.Truncated);
                    w.WriteEndObject();
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
}
