using System.Diagnostics.Metrics;

namespace Breakwater.Deferral;

/// <summary>Deferral instruments on the one <c>Meter("Breakwater")</c> (meters are matched by name). Tags never carry a credential.</summary>
internal static class DeferralMetrics
{
    private static readonly Meter Meter = new(Telemetry.BreakwaterMetrics.MeterName);

    public static readonly Counter<long> Enqueued = Meter.CreateCounter<long>("breakwater.deferral.enqueued", "{job}", "Deferred jobs accepted.");

    /// <summary>Jobs that reached a final state, tagged state (succeeded, failed, expired).</summary>
    public static readonly Counter<long> Finished = Meter.CreateCounter<long>("breakwater.deferral.finished", "{job}", "Deferred jobs that reached a final state.");

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<DeferralWorker, byte> Workers = new();

    /// <summary>Queued jobs of every running worker, as of each worker's last poll.</summary>
    public static readonly ObservableGauge<long> Queued = Meter.CreateObservableGauge(
        "breakwater.deferral.queued", () => Workers.Keys.Sum(w => w.Queued), "{job}", "Deferred jobs waiting in the queue.");

    public static void Track(DeferralWorker worker) => Workers.TryAdd(worker, 0);

    public static void Untrack(DeferralWorker worker) => Workers.TryRemove(worker, out _);

    public static readonly Counter<long> Requeued = Meter.CreateCounter<long>("breakwater.deferral.requeued", "{attempt}", "Deferred job attempts that put the job back in the queue.");
}
