using Breakwater.Telemetry;

namespace Breakwater.Cli.Demo;

/// <summary>Keeps the request_id of every failed attempt Breakwater saw, as the incident journal would, and what Breakwater decided after it.</summary>
internal sealed class DemoIncidentSink(DemoPathStats stats) : IIncidentSink
{
    public void Record(AttemptRecord record)
    {
        if (record.RequestId is { Length: > 0 } id)
        {
            stats.KeepRequestId(id);
        }

        stats.OnDecision(record);
    }
}
