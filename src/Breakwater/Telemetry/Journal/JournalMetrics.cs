using System.Diagnostics.Metrics;

namespace Breakwater.Telemetry.Journal;

/// <summary>The journal's instruments, on the product's one meter name <c>Breakwater</c>.</summary>
internal static class JournalMetrics
{
    // Meters are matched by name, so this instance and any other Meter("Breakwater") are one meter to listeners.
    private static readonly Meter Meter = new("Breakwater");

    public static readonly Counter<long> Written = Meter.CreateCounter<long>("breakwater.journal.records", "{record}", "Failed attempts written to the incident journal.");

    public static readonly Counter<long> Dropped = Meter.CreateCounter<long>("breakwater.journal.dropped", "{record}", "Failed attempts the incident journal dropped (queue full, disk error, after disposal).");
}
