namespace Breakwater.Gateway.Features.Dashboard;

/// <summary>A status-page incident.</summary>
internal sealed record IncidentInfo(string Name, string Status, string Impact, string? Link, string? LatestUpdate, DateTimeOffset? Started);
