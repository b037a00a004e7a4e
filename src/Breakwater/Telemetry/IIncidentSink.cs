namespace Breakwater.Telemetry;

/// <summary>
/// Receives every failed attempt. Implementations must not block: the pipeline calls <see cref="Record"/>
/// on the request path (the SQLite journal queues and writes on a background task).
/// </summary>
public interface IIncidentSink
{
    /// <summary>Records one failed attempt. Must return at once and never throw.</summary>
    void Record(AttemptRecord record);
}
