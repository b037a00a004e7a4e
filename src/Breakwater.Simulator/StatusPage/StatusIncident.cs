namespace Breakwater.Simulator.StatusPage;

/// <summary>One incident of the simulated status page, with the scenario seconds of each update.</summary>
internal sealed record StatusIncident(
    string Id,
    string Name,
    string Impact,
    string ComponentStatus,
    double StartedAt,
    double PostedAt,
    double? IdentifiedAt,
    double MonitoringAt,
    double ResolvedAt);
