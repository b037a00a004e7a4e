namespace Breakwater.Gateway.Features.Dashboard;

/// <summary>The deferred-job queue on the dashboard: counts per state as of the worker's last poll.</summary>
/// <param name="Enabled">Whether <c>breakwater-defer</c> is honoured.</param>
/// <param name="Open">Whether a job database is open (false until the first deferral).</param>
/// <param name="Queued">Jobs waiting (the queue depth).</param>
/// <param name="Running">Jobs marked running.</param>
/// <param name="InFlight">Jobs being sent upstream now.</param>
/// <param name="Succeeded">Jobs that succeeded.</param>
/// <param name="Failed">Jobs that failed with the upstream's answer.</param>
/// <param name="Expired">Jobs that reached their deadline first.</param>
internal sealed record JobsInfo(bool Enabled, bool Open, long Queued, long Running, int InFlight, long Succeeded, long Failed, long Expired);
