using Breakwater.Telemetry;

namespace Breakwater.Gateway.Features.Dashboard;

/// <summary>A consistent copy of <see cref="TrafficRecorder"/>'s state (newest failures and fallbacks first).</summary>
internal sealed record TrafficSnapshot(IReadOnlyList<SeriesPoint> Series, IReadOnlyList<AttemptRecord> Failures, IReadOnlyList<FallbackEntry> Fallbacks, TrafficTotals Totals);
