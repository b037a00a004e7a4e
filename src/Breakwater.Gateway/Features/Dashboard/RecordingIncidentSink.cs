using Breakwater.Telemetry;

namespace Breakwater.Gateway.Features.Dashboard;

/// <summary>
/// The gateway's <see cref="IIncidentSink"/>: feeds the dashboard and passes every record on to the sinks registered
/// before it (the SQLite journal, or one a host added). Never throws, never blocks (the inner sinks promise the same).
/// </summary>
internal sealed class RecordingIncidentSink(TrafficRecorder recorder, IReadOnlyList<IIncidentSink> inner) : IIncidentSink
{
    public void Record(AttemptRecord record)
    {
        try
        {
            recorder.RecordAttempt(record);
        }
        #pragma warning disable CA1031 // Catch-all by design: the dashboard's recorder must never fail a request.
        catch (Exception)
        {
            // The dashboard must never fail a request.
        }
        #pragma warning restore CA1031

        foreach (var sink in inner)
        {
            try
            {
                sink.Record(record);
            }
            #pragma warning disable CA1031 // Catch-all by design: a broken sink must not fail the request or starve the other sinks.
            catch (Exception)
            {
                // A sink that breaks its promise must not fail the request or starve the others.
            }
            #pragma warning restore CA1031
        }
    }
}
