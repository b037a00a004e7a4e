using System.Diagnostics.Metrics;

namespace Breakwater.Deferral;

/// <summary>Deferral instruments on the one <c>Meter("Breakwater")</c> (meters are matched by name). Tags never carry a credential.</summary>
internal static class DeferralMetrics
{
    private static readonly Meter Meter = new(Telemetry.BreakwaterMetrics.MeterName);

    public static readonly Counter<long> Enqueued = Meter.CreateCounter<long>("breakwater.deferral.enqueued", "{job}", "Deferred jobs accepted.");

    /// <summary>Jobs that reached a final state, tagged state (succeeded, failed, expired).</summary>
    public static readonly Counter<long> Finished = Meter.CreateCounter<long>("breakwater.deferral.finished", "{job}", "Deferred jobs that reached a final state.");

    public static readonly Counter<long> Requeued = Meter.CreateCounter<long>("breakwater.deferral.requeued", "{attempt}", "Deferred job attempts that put the job back in the queue.");
}
