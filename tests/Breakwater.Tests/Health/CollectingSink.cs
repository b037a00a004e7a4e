using System.Collections.Concurrent;
using Breakwater.Telemetry;

namespace Breakwater.Tests.Health;

/// <summary>An incident sink that keeps every record in memory, in order.</summary>
internal sealed class CollectingSink : IIncidentSink
{
    private readonly ConcurrentQueue<AttemptRecord> _records = new();

    public IReadOnlyList<AttemptRecord> Records => _records.ToArray();

    public void Record(AttemptRecord record) => _records.Enqueue(record);
}
